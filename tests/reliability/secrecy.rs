//! Nothing readable outside the encrypted file: record text written through every kind of
//! field, searched, imported, retyped, backed up and restored never shows in any file the app
//! writes (vault, log, shared memory, backups, its data and cache folders); the passphrase
//! shows in no file, no output with every log switched on, and no process's arguments.

use crate::concurrency::Holder;
use crate::support::Env;
use crate::{contains, files_under, patterns};
use std::process::Output;

/// Not ASCII-only, so its UTF-16 forms differ from its UTF-8 one.
const SECRET: &str = "Pass-Zq81-ёжик-رمز";

/// Runs a command that must succeed with every log and timing switch on; returns everything
/// it printed.
fn run(env: &Env, args: &[&str]) -> String {
    let out: Output = env
        .command(args, SECRET)
        .env("RUST_LOG", "trace")
        .env("RUST_BACKTRACE", "1")
        .env("CARDBASE_LOG_TIMING", "1")
        .env("CARDBASE_BACKUP_PASSPHRASE", SECRET)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "cardbase {args:?}: {text}");
    text
}

#[test]
fn no_record_text_or_passphrase_reaches_any_file_or_log() {
    let env = Env::new();
    let markers = ["Zebramarkerq7x", "Жирафмаркерщ", "زرافهنشانگر"];
    let mut printed = run(&env, &["init", "--preset", "personal"]);
    for (i, m) in markers.iter().enumerate() {
        let m = *m;
        let org = format!("{m}Org");
        printed += &run(&env, &["add", "organizations", "--set", &format!("name={org}")]);
        let sets = [
            format!("first_name={m}"),
            format!("last_name={m}Last"),
            format!("middle_name={m}Middle"),
            format!("notes={m} long\n{}", m.repeat(30)),
            format!("phones=mobile: +7 931 845 27{i}9"),
            format!("emails=zebramail{i}@example.org"),
            format!("urls=https://zebrasite{i}.example"),
            format!("addresses={m} street {i}"),
            format!("groups={m}Group"),
            format!("organization={org}"),
            "birthday=--03-14".into(),
        ];
        let mut args = vec!["add", "contacts"];
        for s in &sets {
            args.extend(["--set", s]);
        }
        printed += &run(&env, &args);
        printed += &run(
            &env,
            &[
                "add",
                "links",
                "--set",
                &format!("title={m}Link"),
                "--set",
                &format!("password={m}Pw"),
            ],
        );
        printed += &run(
            &env,
            &[
                "add",
                "notes",
                "--set",
                &format!("title={m}Note"),
                "--set",
                &format!("tags={m}Tag"),
            ],
        );
    }
    printed += &run(&env, &["search", markers[1]]);
    printed += &run(&env, &["list", "contacts", "--search", "931845", "--format", "json"]);
    // An import large enough to be backed up first, from a folder the scan leaves out.
    let source = tempfile::tempdir().unwrap();
    let csv = source.path().join("people.csv");
    let mut text = String::from("First name,Last name,Notes\n");
    for i in 0..3000 {
        let m = markers[i % 3];
        text += &format!("{m}Import{i},Person{i},{m} imported note number {i}\n");
    }
    std::fs::write(&csv, text).unwrap();
    printed += &run(&env, &["import", csv.to_str().unwrap(), "--section", "contacts"]);
    printed += &run(
        &env,
        &["list", "contacts", "--search", &format!("{}Import7", markers[1])],
    );
    // A plugin import: the plugins are installed in the data folder and compiled into the cache.
    let vcf = source.path().join("card.vcf");
    std::fs::write(
        &vcf,
        format!(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{0}Vcard\r\nN:{0}Vcard;;;;\r\nNOTE:{0} from a card\r\nEND:VCARD\r\n",
            markers[2]
        ),
    )
    .unwrap();
    printed += &run(&env, &["import", vcf.to_str().unwrap(), "--section", "contacts"]);
    printed += &run(&env, &["schema", "change-type", "contacts", "middle_name", "long_text"]);
    printed += &run(&env, &["history", "2"]);
    printed += &run(&env, &["reminders", "--days", "400"]);
    printed += &run(&env, &["backup"]);
    let backup = env.dir.path().join("manual.cardbase");
    printed += &run(&env, &["backup", "--out", backup.to_str().unwrap()]);
    printed += &run(&env, &["restore", backup.to_str().unwrap()]);
    printed += &run(&env, &["check"]);
    assert!(
        printed.contains(&format!("{}Import7", markers[1])),
        "the markers went in"
    );
    assert!(
        ["xdg", "cache", "backups"]
            .iter()
            .all(|d| env.dir.path().join(d).exists()),
        "the data and cache folders and the backups are there to scan"
    );

    // The scan: everything under the test's folder (vault, -wal, -shm, backups, XDG data and
    // cache), in UTF-8 and UTF-16.
    let mut needles: Vec<String> = markers.iter().map(|m| m.to_string()).collect();
    needles.extend(["931845".into(), "zebramail".into(), "zebrasite".into(), SECRET.into()]);
    let files = files_under(env.dir.path());
    assert!(files.len() > 5, "{files:?}");
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for needle in &needles {
            for p in patterns(needle) {
                assert!(!contains(&bytes, &p), "{} holds {needle:?}", file.display());
            }
        }
    }
    for p in patterns(SECRET) {
        assert!(!contains(printed.as_bytes(), &p), "the passphrase was printed");
    }
}

/// The command line of a running process, as anyone on the machine can read it.
fn cmdline(pid: u32) -> Vec<u8> {
    std::fs::read(format!("/proc/{pid}/cmdline")).unwrap()
}

#[test]
fn the_passphrase_is_not_in_the_process_arguments() {
    let env = Env::new();
    let out = env.command(&["init"], SECRET).output().unwrap();
    assert!(out.status.success());
    let file = env.dir.path().join("pass.txt");
    std::fs::write(&file, format!("{SECRET}\n")).unwrap();
    for extra in [&[][..], &["--passphrase-file", file.to_str().unwrap()]] {
        let passphrase = if extra.is_empty() { SECRET } else { "" };
        let mut running = Holder::start(&env, passphrase, extra);
        // Once it has answered, it has read the passphrase and opened the vault.
        running.send("add\tcontacts\tfirst_name=Ada");
        let args = cmdline(running.child.id());
        assert!(contains(&args, b"batch"), "{}", String::from_utf8_lossy(&args));
        for p in patterns(SECRET) {
            assert!(!contains(&args, &p), "the passphrase is in {extra:?}'s arguments");
        }
        running.finish();
    }
}
