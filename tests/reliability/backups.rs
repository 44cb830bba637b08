//! Backups: made automatically before large imports and before schema edits that rewrite
//! values, rotated; `cardbase restore FILE` puts one in the vault's place only once it has
//! proven sound, and keeps the vault as it was.

use crate::support::{Env, PASS};
use crate::{Seeded, assert_sound, count, hash, open};
use cardbase_engine::{Passphrase, Query, Record, Vault};
use std::path::{Path, PathBuf};

/// Every record of every section, live and in the bin, with its history.
fn everything(vault: &Vault) -> Vec<(String, Vec<Record>, Vec<String>)> {
    let mut all = Vec::new();
    for s in vault.schema().live_sections() {
        for deleted in [false, true] {
            let mut q = Query::section(&s.key).sort("id", false);
            q.deleted = deleted;
            let records = vault.list(&q).unwrap().records;
            let history = records
                .iter()
                .flat_map(|r| vault.history(r.id).unwrap())
                .map(|c| format!("{c:?}"))
                .collect();
            all.push((format!("{} deleted={deleted}", s.key), records, history));
        }
    }
    all
}

/// `cardbase restore FILE` with the backup's passphrase in the environment.
fn restore(env: &Env, backup: &Path, passphrase: Option<&str>) -> std::process::Output {
    let mut cmd = env.command(&["restore", backup.to_str().unwrap()], "");
    cmd.env_remove("CARDBASE_PASSPHRASE");
    match passphrase {
        Some(p) => cmd.env("CARDBASE_BACKUP_PASSPHRASE", p),
        None => cmd.env_remove("CARDBASE_BACKUP_PASSPHRASE"),
    };
    cmd.output().unwrap()
}

/// The copies kept before restores, under `backups/`.
fn kept_copies(env: &Env) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(env.dir.path().join("backups")) else {
        return Vec::new();
    };
    let mut kept: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with("-before-restore.cardbase"))
        .collect();
    kept.sort();
    kept
}

fn some_records(env: &Env) {
    let org = env.add("organizations", &["name=Acme Ltd", "city=Berlin", "debt=1 200,50"]);
    env.add(
        "contacts",
        &[
            "first_name=Пётр",
            "last_name=Иванов",
            &format!("organization={org}"),
            "phones=mobile: +49 170 555 1234",
            "emails=petr@example.ru",
        ],
    );
    let ali = env.add("contacts", &["first_name=علی", "last_name=رضایی", "birthday=--03-14"]);
    env.ok(&["edit", &ali.to_string(), "--set", "notes=Met in Tehran"]);
    let gone = env.add("tasks", &["title=Call back"]);
    env.ok(&["delete", &gone.to_string()]);
    env.add("notes", &["title=Ideas", "text=Line one\nLine two", "tags=home, work"]);
}

#[test]
fn restoring_brings_back_every_record_and_keeps_the_vault_as_it_was() {
    let env = Env::init("client-base");
    some_records(&env);
    let backup = env.dir.path().join("copy.cardbase");
    env.ok(&["backup", "--out", backup.to_str().unwrap()]);
    let at_backup = everything(&open(&env.vault));
    let backup_hash = hash(&backup);
    // Changes after the backup: they are what the restore undoes, and what the kept copy keeps.
    let first = env.ids(&["contacts"])[0];
    env.ok(&["edit", &first.to_string(), "--set", "last_name=Changed"]);
    env.ok(&["delete", &env.ids(&["organizations"])[0].to_string()]);
    env.add("contacts", &["first_name=After", "last_name=Backup"]);
    env.ok(&["schema", "add-field", "contacts", "hobby", "--type", "text"]);
    let at_restore = everything(&open(&env.vault));

    let out = restore(&env, &backup, Some(PASS));

    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("Kept the vault as it was in"), "{said}");
    let vault = open(&env.vault);
    assert_sound(&vault, "the restored vault");
    assert_eq!(everything(&vault), at_backup, "every record as it was at the backup");
    assert!(vault.schema().section("contacts").unwrap().field("hobby").is_none());
    drop(vault);
    assert_eq!(hash(&backup), backup_hash, "the backup itself is only read");
    let kept = kept_copies(&env);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(said.contains(kept[0].to_str().unwrap()), "{said}");
    let kept = open(&kept[0]);
    assert_sound(&kept, "the kept copy");
    assert_eq!(everything(&kept), at_restore, "the kept copy holds the vault as it was");
    drop(kept);
    assert!(!env.dir.path().join("test.cardbase.restoring").exists());
    env.add("contacts", &["first_name=Later"]);
    assert_eq!(env.ok(&["check"]).lines().last(), Some("ok"));
}

#[test]
fn restoring_takes_the_backups_passphrase_and_the_vault_then_opens_with_it() {
    let env = Env::init("personal");
    env.add("contacts", &["first_name=Ada"]);
    let backup = env.dir.path().join("copy.cardbase");
    env.ok(&["backup", "--out", backup.to_str().unwrap()]);
    let out = env
        .command(&["passwd"], PASS)
        .env("CARDBASE_NEW_PASSPHRASE", "a new secret")
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut bob = env.command(&["add", "contacts", "--set", "first_name=Bob"], "a new secret");
    assert!(bob.output().unwrap().status.success());

    let wrong = restore(&env, &backup, Some("a new secret"));
    let err = String::from_utf8_lossy(&wrong.stderr);
    assert!(!wrong.status.success() && err.contains("wrong passphrase"), "{err}");
    let out = restore(&env, &backup, Some(PASS));

    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        env.ids(&["contacts"]).len(),
        1,
        "the backup's one contact, with its passphrase"
    );
    let kept = kept_copies(&env);
    assert_eq!(kept.len(), 1);
    let old = Vault::open(&kept[0], &Passphrase::new("a new secret")).unwrap();
    assert_eq!(
        count(&old, "contacts"),
        2,
        "the kept copy opens with the passphrase it had"
    );
}

#[test]
fn a_backup_that_does_not_open_or_fails_its_check_is_not_restored() {
    let env = Env::init("personal");
    for i in 0..40 {
        env.add(
            "notes",
            &[&format!("title=Note {i}"), &format!("text={}", "words ".repeat(200))],
        );
    }
    let backup = env.dir.path().join("copy.cardbase");
    env.ok(&["backup", "--out", backup.to_str().unwrap()]);
    let good = std::fs::read(&backup).unwrap();
    let before = hash(&env.vault);
    let bad = env.dir.path().join("bad.cardbase");
    let mut rng = Seeded::new(0xBAC_CAFE);
    let mut cases: Vec<(String, Option<Vec<u8>>, &str)> = vec![
        ("a missing file".into(), None, "no backup"),
        (
            "noise".into(),
            Some((0..16_384).map(|_| rng.next_u64() as u8).collect()),
            "not a Cardbase vault",
        ),
        (
            "a cut-short copy".into(),
            Some(good[..good.len() - 4096].to_vec()),
            "damaged",
        ),
        ("an empty file".into(), Some(Vec::new()), "empty"),
    ];
    for _ in 0..4 {
        let mut bytes = good.clone();
        let at = 4096 + rng.below((good.len() - 4096) as u64) as usize;
        bytes[at] ^= 0x20;
        cases.push((format!("byte {at} flipped"), Some(bytes), "damaged"));
    }
    for (case, bytes, expect) in cases {
        let _ = std::fs::remove_file(&bad);
        if let Some(bytes) = &bytes {
            std::fs::write(&bad, bytes).unwrap();
        }
        let out = restore(&env, &bad, Some(PASS));
        let err = String::from_utf8_lossy(&out.stderr).trim_end().to_string();
        assert!(!out.status.success(), "{case}: restored");
        assert_eq!(err.lines().count(), 1, "{case}: {err}");
        assert!(!err.contains("panicked"), "{case}: {err}");
        assert!(err.contains(bad.to_str().unwrap()), "{case}: names the backup: {err}");
        assert!(err.contains(expect) && err.contains("not changed"), "{case}: {err}");
        assert_eq!(hash(&env.vault), before, "{case}: the vault changed");
        if let Some(bytes) = &bytes {
            assert_eq!(&std::fs::read(&bad).unwrap(), bytes, "{case}: the backup changed");
        }
        assert!(
            kept_copies(&env).is_empty(),
            "{case}: nothing to keep when nothing is restored"
        );
    }
    let out = restore(&env, &backup, None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("CARDBASE_BACKUP_PASSPHRASE"),
        "{err}"
    );
    let left: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("restoring"))
        .collect();
    assert!(left.is_empty(), "nothing is left behind: {left:?}");
    assert_eq!(count(&open(&env.vault), "notes"), 40);
}

/// The automatic backups of one reason, oldest first.
fn automatic(env: &Env, reason: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(env.dir.path().join("backups"))
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    found.retain(|p| p.to_string_lossy().ends_with(&format!("-{reason}.cardbase")));
    found.sort();
    found
}

#[test]
fn large_imports_and_value_rewriting_schema_edits_are_backed_up_first_and_rotated() {
    let env = Env::init("personal");
    env.add("contacts", &["first_name=Ada", "nickname=42"]);
    for (i, kind) in ["number", "text"].iter().cycle().take(7).enumerate() {
        let out = env.ok(&["schema", "change-type", "contacts", "nickname", kind]);
        assert!(out.contains("Backed up the vault to"), "{out}");
        env.add("contacts", &[&format!("first_name=After{i}")]);
    }
    let schema = automatic(&env, "schema");
    assert_eq!(schema.len(), 5, "the newest five are kept: {schema:?}");
    let newest = open(schema.last().unwrap());
    assert_sound(&newest, "the newest backup");
    assert_eq!(count(&newest, "contacts"), 7, "made just before the last change");
    drop(newest);
    env.ok(&["schema", "add-field", "contacts", "hobby", "--type", "text"]);
    assert_eq!(automatic(&env, "schema").len(), 5, "adding a field rewrites nothing");
    assert_eq!(automatic(&env, "schema")[4], schema[4]);

    let source = tempfile::tempdir().unwrap();
    let csv = source.path().join("big.csv");
    let rows: String = (0..4000)
        .map(|i| format!("Name{i},Surname{i},+1 555 {i:07},Met at the trade fair in the spring\n"))
        .collect();
    std::fs::write(&csv, format!("First name,Last name,Phone,Notes\n{rows}")).unwrap();
    assert!(std::fs::metadata(&csv).unwrap().len() > 256 * 1024);
    let out = env.ok(&["import", csv.to_str().unwrap(), "--section", "contacts"]);
    assert!(out.contains("Backed up the vault to"), "{out}");
    let import = automatic(&env, "import");
    assert_eq!(import.len(), 1);
    assert_eq!(count(&open(&import[0]), "contacts"), 8, "the vault before the import");
}

#[test]
fn restoring_over_a_vault_whose_process_was_killed_keeps_its_last_changes() {
    let env = Env::init("personal");
    let backup = env.dir.path().join("copy.cardbase");
    env.ok(&["backup", "--out", backup.to_str().unwrap()]);
    let mut running = crate::concurrency::Holder::start(&env, PASS, &[]);
    for name in ["Ada", "Bob", "Cyd"] {
        running.send(&format!("add\tcontacts\tfirst_name={name}"));
    }
    // Killed with its changes committed to the write-ahead log, not yet to the file.
    running.child.kill().unwrap();
    running.child.wait().unwrap();
    let mut wal = env.vault.as_os_str().to_owned();
    wal.push("-wal");
    assert!(std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0), "a log is left");

    let out = restore(&env, &backup, Some(PASS));

    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        count(&open(&env.vault), "contacts"),
        0,
        "the backup's state, no old log replayed"
    );
    let kept = kept_copies(&env);
    assert_eq!(
        count(&open(&kept[0]), "contacts"),
        3,
        "the kept copy has the three changes"
    );
}

#[cfg(unix)]
#[test]
fn restoring_through_a_symlinked_vault_path_replaces_the_file_it_points_to_and_keeps_the_link() {
    // The vault lives elsewhere (a synced folder, say) and the usual path is a link to it.
    let env = Env::init("personal");
    let real = env.dir.path().join("synced").join("real.cardbase");
    std::fs::create_dir_all(real.parent().unwrap()).unwrap();
    std::fs::rename(&env.vault, &real).unwrap();
    std::os::unix::fs::symlink(Path::new("synced").join("real.cardbase"), &env.vault).unwrap();
    env.add("contacts", &["first_name=Ada"]);
    let backup = env.dir.path().join("copy.cardbase");
    env.ok(&["backup", "--out", backup.to_str().unwrap()]);
    env.add("contacts", &["first_name=Bob"]);

    let out = restore(&env, &backup, Some(PASS));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        std::fs::symlink_metadata(&env.vault).unwrap().file_type().is_symlink(),
        "the link is still a link"
    );
    assert_eq!(
        count(&open(&real), "contacts"),
        1,
        "the file it points to holds the backup's one contact"
    );
    assert_eq!(env.ids(&["contacts"]).len(), 1, "and the vault's usual path opens it");
    let kept = kept_copies(&env);
    assert_eq!(
        kept.len(),
        1,
        "the vault as it was is kept beside the path the user gave: {kept:?}"
    );
    assert_eq!(count(&open(&kept[0]), "contacts"), 2);
    assert!(!real.with_file_name("real.cardbase.restoring").exists());
}
