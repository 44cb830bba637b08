//! The vault on disk: one encrypted file that a wrong passphrase cannot read or harm, that one
//! opener at a time may hold, whose passphrase can change, that backs up to another encrypted
//! file, and from which no record text can be read in plaintext.

mod support;

use cardbase_engine::import::{self, ImportOptions};
use cardbase_engine::schema::SchemaFile;
use cardbase_engine::{Error, FieldType, Passphrase, Preset, Query, Vault};
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

#[test]
fn a_backup_cut_short_never_takes_a_backups_name_and_is_cleared_away() {
    let v = personal();
    let dir = v.dir.path().join("backups");
    std::fs::create_dir_all(&dir).unwrap();
    // What a copy killed part way leaves: a `.partial`, never the final name.
    let cut = dir.join("test-20260101-120000.000-import.cardbase.partial");
    std::fs::write(&cut, b"half a copy").unwrap();
    let other = dir.join("other-20260101-120000.000-import.cardbase.partial");
    std::fs::write(&other, b"another vault's").unwrap();
    let out = dir.join("manual.cardbase");
    std::fs::write(dir.join("manual.cardbase.partial"), b"stale").unwrap();

    v.backup_to(&out).unwrap();
    let made = v.auto_backup("import").unwrap();

    assert!(!cut.exists(), "this vault's leftover is removed");
    assert!(other.exists(), "another vault's is left alone");
    assert!(!dir.join("manual.cardbase.partial").exists());
    for path in [out, made] {
        let copy = Vault::open(&path, &passphrase()).unwrap();
        assert!(copy.check().unwrap().problems.is_empty(), "{}", path.display());
    }
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

/// Fails if any file under `dir` (the vault, its log and shared memory, backups) holds any
/// of the byte patterns.
#[track_caller]
fn assert_no_plaintext_under(dir: &Path, patterns: &[(String, Vec<u8>)], when: &str) {
    let mut files = vec![dir.to_path_buf()];
    let mut checked = 0;
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else { continue };
        checked += 1;
        for (what, needle) in patterns {
            assert!(!contains(&bytes, needle), "{when}: {} holds {what}", path.display());
        }
    }
    assert!(checked > 0, "{when}: no file to check");
}

/// A section with one field of every type, for the plaintext scan.
const EVERY_TYPE: &str = r#"
name = "Every type"
[[sections]]
key = "things"
label = "Things"
title = ["text"]
fields = [
  { key = "text", label = "Text", type = "text" },
  { key = "long_text", label = "Long text", type = "long_text" },
  { key = "number", label = "Number", type = "number" },
  { key = "money", label = "Money", type = "money", currency = "EUR" },
  { key = "percent", label = "Percent", type = "percent" },
  { key = "date", label = "Date", type = "date" },
  { key = "date_no_year", label = "Birthday", type = "date_no_year" },
  { key = "datetime", label = "When", type = "datetime" },
  { key = "checkbox", label = "Done", type = "checkbox" },
  { key = "choice", label = "Choice", type = "choice", choices = ["Plainchoicezq81", "Выборщъюх", "گزینهژپچ"] },
  { key = "tags", label = "Tags", type = "tags" },
  { key = "phones", label = "Phones", type = "phones" },
  { key = "emails", label = "E-mails", type = "emails" },
  { key = "urls", label = "Links", type = "urls" },
  { key = "addresses", label = "Addresses", type = "addresses" },
  { key = "photo", label = "Photo", type = "photo" },
  { key = "relation", label = "Related", type = "relation", target = "things" },
  { key = "secret", label = "Secret", type = "secret" },
]
"#;

#[test]
fn no_record_text_reaches_the_vault_files_in_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault").join("secret.cardbase");
    let schema = SchemaFile::parse("every-type.toml", EVERY_TYPE).unwrap();
    let mut v = Vault::create_with_schema(&path, &passphrase(), &schema).unwrap();
    let markers = ["Plainmarkerzq81", "Маркерщъюх", "نشانگرژپچ"];
    let choices = ["Plainchoicezq81", "Выборщъюх", "گزینهژپچ"];
    // Numbers are stored as binary integers and reals: look for those bytes too (SQLite
    // writes them big-endian; this money in cents needs six bytes, which noise will not match).
    let mut patterns: Vec<(String, Vec<u8>)> = Vec::new();
    let mut text = |t: &str| {
        patterns.push((format!("{t:?} in UTF-8"), t.as_bytes().to_vec()));
        patterns.push((format!("{t:?} in UTF-16LE"), utf16le(t)));
    };
    for m in markers.iter().chain(&choices) {
        text(m);
    }
    for t in ["plainmail7q@", "plainsite7q.example", "93184527", "7345982341"] {
        text(t);
    }
    patterns.push((
        "the number as a real".into(),
        7_345_982_341.25f64.to_be_bytes().to_vec(),
    ));
    patterns.push((
        "the money in cents".into(),
        734_598_234_125i64.to_be_bytes()[2..].to_vec(),
    ));
    patterns.push(("the percent as a real".into(), 37.4591f64.to_be_bytes().to_vec()));
    let photo_file = dir.path().join("outside").join("photo.png");
    std::fs::create_dir_all(photo_file.parent().unwrap()).unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(markers.concat().as_bytes());
    std::fs::write(&photo_file, &png).unwrap();
    let photo = format!("@{}", photo_file.display());

    let mut last = None;
    for (i, (m, choice)) in markers.iter().zip(&choices).enumerate() {
        let long = format!("{m}\n{}", m.repeat(40));
        let phone = format!("mobile: +7 931 845 27{i}9");
        let mail = format!("plainmail7q@example{i}.org");
        let url = format!("https://plainsite7q.example/{i}");
        let address = format!("{m} street {i}, {m} city");
        let relation = last
            .map(|id: cardbase_engine::RecordId| id.to_string())
            .unwrap_or_default();
        let id = add(
            &mut v,
            "things",
            &[
                ("text", m),
                ("long_text", &long),
                ("number", "7345982341.25"),
                ("money", "7345982341.25"),
                ("percent", "37.4591"),
                ("date", "2026-11-27"),
                ("date_no_year", "--03-14"),
                ("datetime", "2026-11-27 10:00"),
                ("checkbox", "yes"),
                ("choice", choice),
                ("tags", m),
                ("phones", &phone),
                ("emails", &mail),
                ("urls", &url),
                ("addresses", &address),
                ("photo", &photo),
                ("relation", &relation),
                ("secret", m),
            ],
        );
        last = Some(id);
    }
    let id = last.unwrap();
    set(&mut v, id, &[("long_text", &markers[0].repeat(3))]);
    v.delete_record(id).unwrap();
    v.restore_record(id).unwrap();
    // A search, an import, a schema change that rewrites values, and a backup.
    assert_eq!(found(&v, "things", markers[1]).len(), 1, "the markers are in the vault");
    assert_eq!(found(&v, "things", "93184527").len(), 3, "phone digits are indexed");
    let csv = dir.path().join("outside").join("more.csv");
    let rows: String = markers.iter().map(|m| format!("{m}Import,{m} {m}\n")).collect();
    std::fs::write(&csv, format!("Text,Tags\n{rows}")).unwrap();
    let mut reader = import::open(&csv, &import::OpenOptions::default()).unwrap();
    let headers = reader.headers().to_vec();
    let options = ImportOptions {
        section: "things".into(),
        mapping: v.suggest_mapping("things", &headers).unwrap(),
        upsert: None,
        on_existing: import::Existing::Update,
        skip_bad_rows: false,
        dry_run: false,
        date_order: import::DateOrder::DayFirst,
    };
    let report = v
        .import(reader.as_mut(), "more.csv", &options, &mut |_, _| true)
        .unwrap();
    assert!(report.committed);
    v.change_field_type("things", "tags", FieldType::Text, &Default::default())
        .unwrap();
    v.change_field_type("things", "number", FieldType::Text, &Default::default())
        .unwrap();
    let backup = v.auto_backup("test").unwrap();
    assert_eq!(found(&v, "things", &format!("{}Import", markers[2])).len(), 1);
    let vault_dir = path.parent().unwrap();

    assert_no_plaintext(&path, &markers, "while the vault is open");
    assert!(sidecar(&path, "-wal").exists(), "writes go through the write-ahead log");
    assert_no_plaintext_under(vault_dir, &patterns, "while the vault is open");

    drop(v);
    assert_no_plaintext_under(vault_dir, &patterns, "after the vault is closed");

    let v = Vault::open(&path, &passphrase()).unwrap();
    // The record, and the imported row whose text starts with the marker.
    assert_eq!(found(&v, "things", markers[2]).len(), 2);
    assert_no_plaintext_under(vault_dir, &patterns, "after reopening");
    let copy = Vault::open(&backup, &passphrase()).unwrap();
    assert_eq!(found(&copy, "things", &format!("{}Import", markers[0])).len(), 1);
    drop(copy);
    assert_no_plaintext_under(vault_dir, &patterns, "after opening the backup");
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

#[test]
fn a_reader_reads_the_last_commit_while_an_import_is_half_way_and_refuses_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.cardbase");
    let mut v = Vault::create(&path, &Passphrase::new("pw"), Preset::Personal).unwrap();
    v.create_record_from_text("contacts", &[("first_name", "Ann")]).unwrap();
    let reader = v.reader().unwrap();
    assert!(reader.is_read_only() && !v.is_read_only());
    let contacts = cardbase_engine::Query::section("contacts");

    let mut csv = String::from("first_name\n");
    for i in 0..3000 {
        csv.push_str(&format!("Row{i}\n"));
    }
    let file = dir.path().join("big.csv");
    std::fs::write(&file, csv).unwrap();
    let mut source = import::open(&file, &import::OpenOptions::default()).unwrap();
    let options = ImportOptions {
        section: "contacts".into(),
        mapping: vec![Some("first_name".into())],
        ..ImportOptions::default()
    };
    // The progress callback runs between batches of the one import transaction.
    let mut seen_mid_import = Vec::new();
    v.import(source.as_mut(), "big.csv", &options, &mut |done, _| {
        if done > 0 {
            seen_mid_import.push(reader.list(&contacts).unwrap().total);
        }
        true
    })
    .unwrap();
    assert!(!seen_mid_import.is_empty(), "the import reported progress");
    assert!(
        seen_mid_import.iter().all(|n| *n == 1),
        "half-way, the reader sees the vault as before the import: {seen_mid_import:?}"
    );
    assert_eq!(
        reader.list(&contacts).unwrap().total,
        3001,
        "and all of it once it is committed"
    );

    let mut reader = reader;
    let refused = reader.create_record_from_text("contacts", &[("first_name", "Bob")]);
    assert!(refused.is_err(), "a reader changes nothing");
    drop(v);
    assert!(
        matches!(
            Vault::open(&path, &Passphrase::new("pw")),
            Err(cardbase_engine::Error::VaultInUse(_))
        ),
        "the reader keeps the vault's lock while it lives"
    );
    drop(reader);
    Vault::open(&path, &Passphrase::new("pw")).expect("and lets go of it after");
}
