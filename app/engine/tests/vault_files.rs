//! The vault on disk: one encrypted file that a wrong passphrase cannot read or harm, that one
//! opener at a time may hold, whose passphrase can change, that backs up to another encrypted
//! file, and from which no record text can be read in plaintext.

mod support;

use cardbase_engine::{Error, Passphrase, Preset, Query, Vault};
use std::path::{Path, PathBuf};
use support::*;

fn sidecar(path: &Path, ext: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(ext);
    PathBuf::from(s)
}

/// Creates a vault with one contact, closes it, and returns where it is.
fn closed_vault(dir: &Path) -> PathBuf {
    let path = dir.join("closed.cardbase");
    let mut v = Vault::create(&path, &passphrase(), Preset::Personal).unwrap();
    add(&mut v, "contacts", &[("first_name", "Ann"), ("last_name", "Lee")]);
    path
}

fn contact_names(v: &Vault) -> Vec<String> {
    v.list(&Query::section("contacts").sort("id", false))
        .unwrap()
        .records
        .iter()
        .map(|r| v.title(r))
        .collect()
}

#[test]
fn a_fresh_vault_passes_its_check() {
    let v = personal();

    let report = v.check().unwrap();

    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let sections: Vec<(&str, i64)> = report.records.iter().map(|(s, n)| (s.as_str(), *n)).collect();
    assert_eq!(
        sections,
        [
            ("contacts", 0),
            ("organizations", 0),
            ("tasks", 0),
            ("notes", 0),
            ("links", 0),
            ("events", 0)
        ]
    );
}

#[test]
fn a_vault_in_use_passes_its_check_and_counts_live_records() {
    let mut v = client_base();
    add(&mut v, "organizations", &[("name", "Acme")]);
    let gone = add(&mut v, "organizations", &[("name", "Gone")]);
    v.delete_record(gone).unwrap();
    add(&mut v, "contacts", &[("first_name", "Ann")]);

    let report = v.check().unwrap();

    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(report.records.contains(&("organizations".to_string(), 1)));
    assert!(report.records.contains(&("contacts".to_string(), 1)));
}

#[test]
fn a_wrong_passphrase_is_refused_and_leaves_the_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_vault(dir.path());
    let before = std::fs::read(&path).unwrap();

    let err = Vault::open(&path, &Passphrase::new("wrong horse")).err().unwrap();

    assert!(
        matches!(&err, Error::WrongPassphraseOrDamaged(p) if p == &path),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before, "the file's bytes are unchanged");
    assert!(!sidecar(&path, "-wal").exists() && !sidecar(&path, "-shm").exists());
    let v = Vault::open(&path, &passphrase()).unwrap();
    assert_eq!(contact_names(&v), ["Ann Lee"]);
}

#[test]
fn a_vault_open_in_one_place_cannot_be_opened_again_until_it_is_closed() {
    let mut first = personal();
    let path = first.path();

    let err = Vault::open(&path, &passphrase()).err().unwrap();
    assert!(matches!(&err, Error::VaultInUse(p) if p == &path), "{err}");
    let err = Vault::open(&path, &Passphrase::new("wrong horse")).err().unwrap();
    assert!(matches!(err, Error::VaultInUse(_)), "{err}");

    add(&mut first, "contacts", &[("first_name", "Ann")]);
    assert_eq!(contact_names(&first), ["Ann"], "the first opener carries on");
    drop(first.vault);

    let again = Vault::open(&path, &passphrase()).unwrap();
    assert_eq!(contact_names(&again), ["Ann"]);
}

#[test]
fn after_a_passphrase_change_only_the_new_passphrase_opens_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_vault(dir.path());
    let mut v = Vault::open(&path, &passphrase()).unwrap();
    assert!(matches!(
        v.change_passphrase(&Passphrase::new("")),
        Err(Error::EmptyPassphrase)
    ));

    v.change_passphrase(&Passphrase::new("new horse")).unwrap();
    add(&mut v, "contacts", &[("first_name", "Bob")]);
    drop(v);

    let err = Vault::open(&path, &passphrase()).err().unwrap();
    assert!(matches!(err, Error::WrongPassphraseOrDamaged(_)), "{err}");
    let v = Vault::open(&path, &Passphrase::new("new horse")).unwrap();
    assert_eq!(contact_names(&v), ["Ann Lee", "Bob"]);
    assert!(v.check().unwrap().problems.is_empty());
}

#[test]
fn a_backup_opens_with_the_same_passphrase_and_holds_the_same_records() {
    let mut v = personal();
    let marker = "Backupmarkerq7x";
    add(&mut v, "contacts", &[("first_name", "Ann"), ("last_name", marker)]);
    add(
        &mut v,
        "contacts",
        &[("first_name", "Bob"), ("phones", "+1 (905) 555-1234")],
    );
    add(&mut v, "notes", &[("title", "Groceries"), ("tags", "home")]);
    let out = v.dir.path().join("backups").join("copy.cardbase");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();

    v.backup_to(&out).unwrap();

    let bytes = std::fs::read(&out).unwrap();
    assert!(
        !contains(&bytes, marker.as_bytes()),
        "the backup holds the marker in plaintext"
    );
    assert!(matches!(v.backup_to(&out), Err(Error::VaultExists(_))));
    let copy = Vault::open(&out, &passphrase()).unwrap();
    for section in ["contacts", "notes"] {
        let q = Query::section(section).sort("id", false);
        assert_eq!(copy.list(&q).unwrap().records, v.list(&q).unwrap().records, "{section}");
    }
    assert_eq!(ids(&copy, &Query::section("contacts").search(marker)).len(), 1);
    assert_eq!(ids(&copy, &Query::section("contacts").search("555-12")).len(), 1);
    assert!(copy.check().unwrap().problems.is_empty());
    drop(copy);
    assert!(matches!(
        Vault::open(&out, &Passphrase::new("wrong horse")).err().unwrap(),
        Error::WrongPassphraseOrDamaged(_)
    ));
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// Fails if any of the vault's files holds any marker, in UTF-8 or UTF-16LE.
#[track_caller]
fn assert_no_plaintext(path: &Path, markers: &[&str], when: &str) {
    let mut checked = 0;
    for file in [path.to_path_buf(), sidecar(path, "-wal"), sidecar(path, "-shm")] {
        let Ok(bytes) = std::fs::read(&file) else { continue };
        checked += 1;
        for m in markers {
            for (encoding, needle) in [("UTF-8", m.as_bytes().to_vec()), ("UTF-16LE", utf16le(m))] {
                assert!(
                    !contains(&bytes, &needle),
                    "{when}: {} holds {m:?} in {encoding}",
                    file.display()
                );
            }
        }
    }
    assert!(checked > 0, "{when}: no vault file to check");
}

#[test]
fn no_record_text_reaches_the_vault_files_in_plaintext() {
    let mut v = personal();
    let path = v.path();
    let markers = ["Plainmarkerzq81", "Маркерщъюх", "نشانگرژپچ"];
    let mut last = None;
    for (i, m) in markers.iter().enumerate() {
        let phone = format!("+7 999 {i}00-11-22");
        let id = add(
            &mut v,
            "contacts",
            &[("first_name", m), ("notes", &format!("{m} {m}")), ("phones", &phone)],
        );
        add(&mut v, "links", &[("title", m), ("password", m)]);
        add(
            &mut v,
            "notes",
            &[("title", "Memo"), ("text", &m.repeat(50)), ("tags", m)],
        );
        last = Some(id);
    }
    let id = last.unwrap();
    set(&mut v, id, &[("nickname", markers[0])]);
    v.delete_record(id).unwrap();
    v.restore_record(id).unwrap();
    assert_eq!(
        found(&v, "contacts", markers[1]).len(),
        1,
        "the markers are in the vault"
    );

    assert_no_plaintext(&path, &markers, "while the vault is open");
    assert!(sidecar(&path, "-wal").exists(), "writes go through the write-ahead log");

    drop(v.vault);
    assert_no_plaintext(&path, &markers, "after the vault is closed");

    let v = Vault::open(&path, &passphrase()).unwrap();
    assert_eq!(found(&v, "contacts", markers[2]).len(), 1);
    assert_no_plaintext(&path, &markers, "after reopening");
}

#[test]
fn creating_a_vault_where_one_exists_is_refused_and_keeps_the_existing_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_vault(dir.path());
    let before = std::fs::read(&path).unwrap();

    let err = Vault::create(&path, &passphrase(), Preset::ClientBase).err().unwrap();

    assert!(matches!(err, Error::VaultExists(_)), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn an_empty_passphrase_is_refused_when_creating_a_vault() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.cardbase");
    let err = Vault::create(&path, &Passphrase::new(""), Preset::Personal)
        .err()
        .unwrap();
    assert!(matches!(err, Error::EmptyPassphrase), "{err}");
    assert!(!path.exists(), "nothing is left behind");
}

#[test]
fn opening_something_that_is_not_a_vault_says_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.cardbase");
    let empty = dir.path().join("empty.cardbase");
    std::fs::write(&empty, b"").unwrap();
    let noise = dir.path().join("noise.cardbase");
    let junk: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&noise, &junk).unwrap();
    let cut = dir.path().join("cut.cardbase");
    let whole = std::fs::read(closed_vault(dir.path())).unwrap();
    std::fs::write(&cut, &whole[..whole.len() - 100]).unwrap();

    let open = |p: &Path| Vault::open(p, &passphrase()).err().unwrap();
    assert!(matches!(open(&missing), Error::VaultMissing(_)));
    assert!(matches!(open(dir.path()), Error::IsDirectory(_)));
    assert!(matches!(open(&empty), Error::EmptyFile(_)));
    assert!(matches!(open(&noise), Error::WrongPassphraseOrDamaged(_)));
    assert!(matches!(open(&cut), Error::WrongPassphraseOrDamaged(_)));
    assert_eq!(std::fs::read(&noise).unwrap(), junk);
}
