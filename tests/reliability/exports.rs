//! An export killed at any moment never leaves half a file under the name the user chose: the
//! file there is the old one, byte for byte, or the whole new export (issue 21). Exports go to
//! `<name>.partial` beside the target and are moved over it only once complete.

use crate::support::{Env, PASS};
use crate::{Seeded, hash};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

const KILLS: usize = 12;
const ROWS: usize = 20_000;

fn a_big_section(env: &Env) {
    let csv = env.dir.path().join("people.csv");
    let mut text = String::from("First name,Last name,E-mail,Notes\n");
    for i in 0..ROWS {
        text += &format!("Name{i},Фамилия{i},n{i}@example.org,заметка {i} یادداشت\n");
    }
    std::fs::write(&csv, text).unwrap();
    env.ok(&["import", csv.to_str().unwrap(), "--section", "contacts"]);
}

/// Kills `cardbase export … --out out` at seeded moments over a file already there.
fn killed_exports_keep_the_old_file(env: &Env, out: &Path, seed: u64) {
    let old = b"the user's old file of this name\n";
    let export = || {
        env.command(&["export", "contacts", "--out", out.to_str().unwrap()], PASS)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cardbase starts")
    };
    // One export to the end: the complete file, and how long a whole one takes.
    std::fs::write(out, old).unwrap();
    let started = Instant::now();
    assert!(export().wait().unwrap().success());
    let whole = started.elapsed();
    assert!(is_whole(out), "{} is a whole export", out.display());

    let mut rng = Seeded::new(seed);
    let (mut kept, mut replaced) = (0, 0);
    for round in 0..KILLS {
        std::fs::write(out, old).unwrap();
        let mut child = export();
        std::thread::sleep(whole.mul_f64(rng.unit() * 1.1).max(Duration::from_millis(1)));
        let _ = child.kill();
        child.wait().unwrap();
        let now = hash(out);
        if now == hash_of(old) {
            kept += 1;
        } else {
            assert!(
                is_whole(out),
                "round {round}: {} holds neither the old file nor a whole export",
                out.display()
            );
            replaced += 1;
        }
    }
    eprintln!(
        "{}: {kept} kills kept the old file, {replaced} came after the export",
        out.display()
    );
}

/// Whether `out` holds every record: read back as a table (CSV, XLSX) or counted cards.
fn is_whole(out: &Path) -> bool {
    if out.extension().is_some_and(|e| e == "vcf") {
        let text = std::fs::read_to_string(out).unwrap_or_default();
        return text.matches("BEGIN:VCARD").count() == ROWS && text.trim_end().ends_with("END:VCARD");
    }
    let Ok(mut reader) = cardbase_engine::import::open(out, &Default::default()) else {
        return false;
    };
    let mut rows = 0;
    while let Some(row) = reader.next_row() {
        if row.is_err() {
            return false;
        }
        rows += 1;
    }
    rows == ROWS
}

fn hash_of(bytes: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).to_vec()
}

#[test]
fn a_csv_an_xlsx_and_a_plugin_export_killed_midway_leave_the_old_file_whole() {
    let env = Env::init("personal");
    a_big_section(&env);
    for (i, name) in ["contacts.csv", "contacts.xlsx", "contacts.vcf"].iter().enumerate() {
        killed_exports_keep_the_old_file(&env, &env.dir.path().join(name), 0xE0 + i as u64);
    }
}
