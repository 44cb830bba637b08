//! A `cardbase` process killed with SIGKILL at seeded random moments. The moments only decide
//! where the kill lands; what must hold holds wherever it lands: the vault opens and passes
//! its check, an import is all there or not there at all, and every change the process
//! reported as committed is in the vault.

use crate::support::{Env, PASS};
use crate::{Seeded, assert_sound, count, open};
use cardbase_engine::Query;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const KILLS: usize = 20;

/// Rows of the import; the file is over 256 KB, so the import backs the vault up first and
/// kills land in the backup too.
const ROWS: usize = 5_000;

/// Kills a process (SIGKILL) after `delay`, and reaps it; returns whether it had already
/// finished successfully on its own.
fn kill_after(mut child: Child, delay: Duration) -> bool {
    std::thread::sleep(delay);
    let _ = child.kill();
    child.wait().expect("the killed process is reaped").success()
}

/// Puts the vault back as it was: the closed file's bytes, no log, no backups.
fn reset(env: &Env, bytes: &[u8]) {
    for ext in ["-wal", "-shm"] {
        let mut p = env.vault.as_os_str().to_owned();
        p.push(ext);
        let _ = std::fs::remove_file(p);
    }
    let _ = std::fs::remove_dir_all(env.dir.path().join("backups"));
    std::fs::write(&env.vault, bytes).unwrap();
}

/// Every backup under its final name opens and passes the check (a copy cut short by the
/// kill may only exist as `*.partial`).
fn assert_backups_sound(dir: &Path, when: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for path in entries.map(|e| e.unwrap().path()) {
        if path.extension().is_some_and(|e| e == "cardbase") {
            let backup = open(&path);
            assert_sound(&backup, &format!("{when}: backup {}", path.display()));
        }
    }
}

#[test]
fn an_import_killed_at_any_moment_is_either_all_there_or_not_there_at_all() {
    let env = Env::init("personal");
    env.add("contacts", &["first_name=Before", "last_name=Import"]);
    let before = std::fs::read(&env.vault).unwrap();
    let source = tempfile::tempdir().unwrap();
    let csv = source.path().join("clients.csv");
    let mut text = String::from("First name,Last name,Phone,E-mail,Notes\n");
    for i in 0..ROWS {
        text += &format!("Name{i},Фамилия{i},+7 900 {i:07},n{i}@example.org,заметка {i} یادداشت\n");
    }
    std::fs::write(&csv, text).unwrap();
    let import = || {
        env.command(&["import", csv.to_str().unwrap(), "--section", "contacts"], PASS)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cardbase starts")
    };
    // One import to the end: how long a whole one takes, so the kills spread over all of it.
    let started = Instant::now();
    assert!(import().wait().unwrap().success());
    let whole = started.elapsed();
    assert_eq!(count(&open(&env.vault), "contacts"), 1 + ROWS);

    let mut rng = Seeded::new(0x00C0_FFEE);
    let (mut all, mut none) = (0, 0);
    for round in 0..KILLS {
        reset(&env, &before);
        let delay = whole.mul_f64(rng.unit() * 1.1);
        let finished = kill_after(import(), delay);

        let when = format!("kill {round} after {delay:?}");
        let vault = open(&env.vault);
        assert_sound(&vault, &when);
        match count(&vault, "contacts") {
            1 => {
                assert!(!finished, "{when}: the import said it was done, yet nothing is there");
                none += 1;
            }
            n if n == 1 + ROWS => all += 1,
            n => panic!("{when}: {} of {ROWS} rows are in the vault", n - 1),
        }
        drop(vault);
        assert_backups_sound(&env.dir.path().join("backups"), &when);
    }
    eprintln!(
        "{KILLS} kills during a {ROWS}-row import (a whole one takes {whole:?}): {all} after its commit, {none} before"
    );
}

/// The records of the stream's section, by id: (first name, last name).
fn contacts(env: &Env) -> BTreeMap<i64, (String, String)> {
    let vault = open(&env.vault);
    assert_sound(&vault, "after the kill");
    let records = vault.list(&Query::section("contacts")).unwrap().records;
    let text = |r: &cardbase_engine::Record, key: &str| r.get(key).map(|v| v.display()).unwrap_or_default();
    records
        .iter()
        .map(|r| (r.id.0, (text(r, "first_name"), text(r, "last_name"))))
        .collect()
}

/// One line of the stream and what it does.
enum Change {
    Add(String),
    Edit(i64, String),
}

#[test]
fn every_change_reported_as_committed_survives_a_kill_at_any_moment() {
    let env = Env::init("personal");
    let lines_per_round = 300;
    let run = |changes: &[Change], out: &Path| {
        let input = env.dir.path().join("stream.txt");
        let mut text = String::new();
        for c in changes {
            match c {
                Change::Add(name) => text += &format!("add\tcontacts\tfirst_name={name}\n"),
                Change::Edit(id, name) => text += &format!("edit\t{id}\tlast_name={name}\n"),
            }
        }
        std::fs::write(&input, text).unwrap();
        env.command(&["batch"], PASS)
            .stdin(std::fs::File::open(&input).unwrap())
            .stdout(std::fs::File::create(out).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .expect("cardbase starts")
    };
    let out = env.dir.path().join("reported.txt");
    // A first stream to the end: records to edit, and how long a whole stream takes.
    let first: Vec<Change> = (0..lines_per_round).map(|i| Change::Add(format!("First{i}"))).collect();
    let started = Instant::now();
    assert!(run(&first, &out).wait().unwrap().success());
    let whole = started.elapsed();
    let mut known = contacts(&env);
    assert_eq!(known.len(), lines_per_round);

    let mut rng = Seeded::new(0x0005_EED5);
    let mut reported_total = 0;
    for round in 0..KILLS {
        let ids: Vec<i64> = known.keys().copied().collect();
        let changes: Vec<Change> = (0..lines_per_round)
            .map(|i| match i % 2 {
                0 => Change::Add(format!("R{round}n{i}")),
                _ => Change::Edit(ids[rng.below(ids.len() as u64) as usize], format!("R{round}e{i}")),
            })
            .collect();
        let delay = whole.mul_f64(rng.unit() * 1.1);
        kill_after(run(&changes, &out), delay);

        let when = format!("kill {round} after {delay:?}");
        // Only whole lines count as reported; each line of output is one committed change.
        let output = std::fs::read_to_string(&out).unwrap();
        let reported: Vec<i64> = output
            .split_inclusive('\n')
            .filter(|l| l.ends_with('\n'))
            .map(|l| {
                let digits: String = l.chars().filter(char::is_ascii_digit).collect();
                digits
                    .parse()
                    .unwrap_or_else(|_| panic!("{when}: odd output line {l:?}"))
            })
            .collect();
        let now = contacts(&env);
        let mut expected = known.clone();
        for (i, (change, id)) in changes.iter().zip(&reported).enumerate() {
            match change {
                Change::Add(name) => {
                    assert!(
                        !known.contains_key(id),
                        "{when}: line {i} reported a new id {id} that existed"
                    );
                    expected.insert(*id, (name.clone(), String::new()));
                }
                Change::Edit(edited, name) => {
                    assert_eq!(edited, id, "{when}: line {i} reported another record");
                    expected.get_mut(id).expect("edits go to known records").1 = name.clone();
                }
            }
        }
        // The change in flight when the kill came may or may not have been committed.
        if let Some(change) = changes.get(reported.len()) {
            match change {
                Change::Add(name) => {
                    if let Some((id, r)) = now.iter().find(|(id, _)| !expected.contains_key(id)) {
                        assert_eq!(&r.0, name, "{when}: an unexpected record #{id}");
                        expected.insert(*id, r.clone());
                    }
                }
                Change::Edit(id, name) => {
                    if now.get(id).is_some_and(|r| &r.1 == name) {
                        expected.get_mut(id).unwrap().1 = name.clone();
                    }
                }
            }
        }
        assert_eq!(now, expected, "{when}: after {} reported changes", reported.len());
        reported_total += reported.len();
        known = now;
    }
    eprintln!(
        "{KILLS} kills during streams of {lines_per_round} adds and edits (a whole one takes {whole:?}): {reported_total} reported changes, all there"
    );
}

#[test]
fn a_restore_killed_at_any_moment_leaves_the_old_vault_or_the_restored_one() {
    let env = Env::init("personal");
    env.add("contacts", &["first_name=Backed", "last_name=Up"]);
    let backup = env.dir.path().join("copy.cardbase");
    env.ok(&["backup", "--out", backup.to_str().unwrap()]);
    let lines: String = (0..300)
        .map(|i| format!("add\tcontacts\tfirst_name=Later{i}\n"))
        .collect();
    let input = env.dir.path().join("later.txt");
    std::fs::write(&input, lines).unwrap();
    let fed = env
        .command(&["batch"], PASS)
        .stdin(std::fs::File::open(&input).unwrap())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(fed.success());
    let before = std::fs::read(&env.vault).unwrap();
    let restore = || {
        env.command(&["restore", backup.to_str().unwrap()], PASS)
            .env("CARDBASE_BACKUP_PASSPHRASE", PASS)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cardbase starts")
    };
    let started = Instant::now();
    assert!(restore().wait().unwrap().success());
    let whole = started.elapsed();
    assert_eq!(count(&open(&env.vault), "contacts"), 1);

    let mut rng = Seeded::new(0x0DE5_70DE);
    let (mut restored, mut old) = (0, 0);
    for round in 0..KILLS / 2 {
        reset(&env, &before);
        let delay = whole.mul_f64(rng.unit() * 1.1);
        let finished = kill_after(restore(), delay);

        let when = format!("kill {round} after {delay:?}");
        let vault = open(&env.vault);
        assert_sound(&vault, &when);
        match count(&vault, "contacts") {
            1 => restored += 1,
            301 => {
                assert!(
                    !finished,
                    "{when}: the restore said it was done, yet the old vault is there"
                );
                old += 1;
            }
            n => panic!("{when}: {n} contacts, neither the old vault nor the backup"),
        }
        drop(vault);
        assert_backups_sound(&env.dir.path().join("backups"), &when);
    }
    eprintln!(
        "{} kills during a restore (a whole one takes {whole:?}): {restored} restored, {old} the old vault",
        KILLS / 2
    );
}
