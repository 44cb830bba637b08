//! Limits: very large values, very wide records and files, and a 2 GB input file are each
//! handled — saved and read back, or refused with an error that names what is too big — in
//! bounded memory.
//!
//! Each case runs in a child process of this test binary, so the peak resident memory it
//! reports (`VmHWM` in `/proc/self/status`) is its own, whatever other tests run beside it.
//! Run with `--nocapture` to see the figures. Nothing here depends on time.

mod support;

use cardbase_engine::import::csv::{CsvOptions, CsvReader};
use cardbase_engine::import::table::{Cell, TableReader};
use cardbase_engine::import::{ImportOptions, OpenOptions};
use cardbase_engine::schema::{FieldSpec, SchemaFile, SectionSpec};
use cardbase_engine::{Error, FieldType, Query, Value, Vault};
use std::io::Write;
use std::path::Path;
use std::process::Command;

const MIB: u64 = 1 << 20;
/// Set in a child process to the name of the one case it runs.
const CHILD: &str = "CARDBASE_LIMITS_CASE";

/// The process's peak resident memory so far, in MiB.
fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux has /proc/self/status");
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM is in /proc/self/status");
    kib / 1024
}

/// Runs `case` in a child process (this binary, running only the test `name`) and checks
/// that its peak resident memory stayed under `bound_mib`. In the child, runs `case`.
fn within(name: &str, bound_mib: u64, case: impl FnOnce()) {
    if std::env::var(CHILD).as_deref() == Ok(name) {
        case();
        println!("\npeak-rss-mib={}", peak_rss_mib());
        return;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, name)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{name} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let peak: u64 = stdout
        .lines()
        .find_map(|l| l.split_once("peak-rss-mib=").map(|(_, peak)| peak))
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name} printed no peak:\n{stdout}"));
    eprintln!("{name}: peak RSS {peak} MiB (bound {bound_mib} MiB)");
    assert!(peak < bound_mib, "{name}: peak RSS {peak} MiB, over {bound_mib} MiB");
}

#[test]
fn a_10_mb_text_field_is_saved_found_and_read_back() {
    within("a_10_mb_text_field_is_saved_found_and_read_back", 256, || {
        let mut v = support::personal();
        // Ten million bytes of words, one of them findable.
        let mut notes = "lorem ipsum dolor sit amet ".repeat(10_000_000 / 27 + 1);
        notes.push_str("needle");
        assert!(notes.len() >= 10_000_000);
        let id = v
            .create_record(
                "contacts",
                vec![
                    ("first_name".into(), Value::Text("Ada".into())),
                    ("notes".into(), Value::Text(notes.clone())),
                ],
            )
            .unwrap();

        assert_eq!(v.record(id).unwrap().get("notes"), Some(&Value::Text(notes)));
        assert_eq!(support::found(&v, "contacts", "needle"), [id]);
        v.update_record(id, vec![("notes".into(), Some(Value::Text("short now".into())))])
            .unwrap();
        assert_eq!(support::shown(&v, id, "notes"), "short now");
    });
}

/// A PNG signature and then `len` bytes in all: the engine checks the signature, not pixels.
fn png(path: &Path, len: usize) {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.resize(len, 7);
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_20_mb_photo_is_kept_and_read_back() {
    within("a_20_mb_photo_is_kept_and_read_back", 256, || {
        let mut v = support::personal();
        let path = v.dir.path().join("scan.png");
        png(&path, 20_000_000);

        let photo = v.attach_photo(&path).unwrap();
        let id = v
            .create_record(
                "contacts",
                vec![
                    ("first_name".into(), Value::Text("Ada".into())),
                    ("photo".into(), photo.clone()),
                ],
            )
            .unwrap();

        let Some(Value::Photo(photo_id)) = v.record(id).unwrap().get("photo").cloned() else {
            panic!("the record has its photo")
        };
        assert_eq!(Value::Photo(photo_id), photo);
        let (mime, data) = v.photo(photo_id).unwrap();
        assert_eq!((mime.as_str(), data.len()), ("image/png", 20_000_000));
    });
}

#[test]
fn a_photo_over_the_limit_is_refused_with_its_size() {
    within("a_photo_over_the_limit_is_refused_with_its_size", 128, || {
        let mut v = support::personal();
        let path = v.dir.path().join("poster.png");
        png(&path, 40_000_000);

        let error = v.attach_photo(&path).unwrap_err().to_string();
        assert!(
            error.contains("poster.png") && error.contains("40 MB") && error.contains("at most"),
            "{error}"
        );
    });
}

#[test]
fn a_record_with_500_custom_fields_is_saved_found_and_read_back() {
    within(
        "a_record_with_500_custom_fields_is_saved_found_and_read_back",
        128,
        || {
            let mut v = support::personal();
            v.add_section("wide", "Wide").unwrap();
            let kinds = [FieldType::Text, FieldType::Number, FieldType::Date, FieldType::Tags];
            for i in 0..500 {
                let kind = kinds[i % kinds.len()];
                v.add_field("wide", &FieldSpec::new(&format!("f{i}"), &format!("Field {i}"), kind))
                    .unwrap();
            }
            let input: Vec<(String, String)> = (0..500)
                .map(|i| {
                    let text = match kinds[i % kinds.len()] {
                        FieldType::Text => format!("value {i}"),
                        FieldType::Number => format!("{i}.5"),
                        FieldType::Date => "2024-03-01".to_string(),
                        _ => format!("tag{i}, other"),
                    };
                    (format!("f{i}"), text)
                })
                .collect();
            let pairs: Vec<(&str, &str)> = input.iter().map(|(k, t)| (k.as_str(), t.as_str())).collect();
            let id = v.create_record_from_text("wide", &pairs).unwrap();

            let record = v.record(id).unwrap();
            assert_eq!(record.values.len(), 500);
            assert_eq!(support::shown(&v, id, "f496"), "value 496");
            assert_eq!(support::shown(&v, id, "f497"), "497.5");
            assert_eq!(support::found(&v, "wide", "tag499"), [id]);
            let q = Query::section("wide")
                .filter("f497 > 497 AND f496 = \"value 496\"")
                .unwrap();
            assert_eq!(support::ids(&v, &q), [id]);
            support::set(&mut v, id, &[("f0", "changed")]);
            assert_eq!(support::shown(&v, id, "f0"), "changed");
        },
    );
}

#[test]
fn a_csv_with_10000_columns_is_read_and_imported() {
    within("a_csv_with_10000_columns_is_read_and_imported", 128, || {
        let mut v = support::personal();
        let mut csv = String::from("first_name");
        for i in 1..10_000 {
            csv.push_str(&format!(",column {i}"));
        }
        csv.push('\n');
        for row in 0..20 {
            csv.push_str(&format!("Person {row}"));
            for i in 1..10_000 {
                csv.push_str(&format!(",{row}.{i}"));
            }
            csv.push('\n');
        }
        let path = v.dir.path().join("wide.csv");
        std::fs::write(&path, &csv).unwrap();

        let mut reader = cardbase_engine::import::open(&path, &OpenOptions::default()).unwrap();
        assert_eq!(reader.headers().len(), 10_000);
        assert_eq!(reader.headers()[9_999], "column 9999");
        let mapping = v.suggest_mapping("contacts", reader.headers()).unwrap();
        assert_eq!(mapping[0].as_deref(), Some("first_name"));
        let options = ImportOptions {
            section: "contacts".into(),
            mapping,
            ..ImportOptions::default()
        };
        let report = v
            .import(reader.as_mut(), "wide.csv", &options, &mut |_, _| true)
            .unwrap();
        assert_eq!(report.created, 20, "{report:?}");
        assert_eq!(support::found(&v, "contacts", "person 19").len(), 1);
    });
}

#[test]
fn a_10_mb_csv_cell_is_refused_with_its_line_and_nothing_is_saved() {
    within(
        "a_10_mb_csv_cell_is_refused_with_its_line_and_nothing_is_saved",
        256,
        || {
            let mut v = support::personal();
            let path = v.dir.path().join("notes.csv");
            let csv = format!("first_name,notes\nAda,short\nCharles,{}\n", "x".repeat(10_000_000));
            std::fs::write(&path, csv).unwrap();

            let mut reader = cardbase_engine::import::open(&path, &OpenOptions::default()).unwrap();
            let options = ImportOptions {
                section: "contacts".into(),
                mapping: vec![Some("first_name".into()), Some("notes".into())],
                ..ImportOptions::default()
            };
            let error = v
                .import(reader.as_mut(), "notes.csv", &options, &mut |_, _| true)
                .unwrap_err()
                .to_string();
            assert!(
                error.contains("notes.csv") && error.contains("row 3") && error.contains("longer than 4 MiB"),
                "{error}"
            );
            assert_eq!(v.count("contacts").unwrap(), 0, "nothing is saved");
        },
    );
}

const TWO_GB: u64 = 2 << 30;

/// A 2 GiB file: `header`, then `row` repeated for 8 MiB, then a hole (it reads as zero
/// bytes): its full size on the file system, 8 MiB of disk.
fn two_gb_file(path: &Path, header: &str, row: &str) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    file.write_all(header.as_bytes()).unwrap();
    let mut written = header.len() as u64;
    while written < 8 * MIB {
        file.write_all(row.as_bytes()).unwrap();
        written += row.len() as u64;
    }
    let file = file.into_inner().unwrap();
    file.set_len(TWO_GB).unwrap();
}

#[test]
fn a_2_gb_csv_is_streamed_in_bounded_memory() {
    within("a_2_gb_csv_is_streamed_in_bounded_memory", 64, || {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.csv");
        two_gb_file(&path, "Name;Phone;City\r\n", "Ada Lovelace;+44 20 7946 0018;London\r\n");

        let mut reader = CsvReader::open(&path, &CsvOptions::default()).unwrap();
        assert_eq!(reader.headers(), ["Name", "Phone", "City"]);
        assert_eq!(reader.progress().1, TWO_GB, "the whole file is the total");
        // 200,000 of the real rows (8 MiB of them) are read, a record at a time: opening did
        // not read the file whole, and reading holds one record and a chunk. Reading all 2 GB
        // (the hole reads as zero bytes) would only take time in the dev profile.
        for _ in 0..200_000 {
            let row = reader.next_row().unwrap().unwrap();
            assert_eq!(row.cells[2], Cell::Text("London".into()));
        }
        let (done, total) = reader.progress();
        assert!(done < total, "streamed, not read whole: {done} of {total}");
        // Then to its end: past the real rows the file is one 2 GB line of zero bytes. The reader
        // goes through it without holding it (the peak stays in the bound) and ends with an
        // error naming that row.
        let mut rows = 200_000;
        let error = loop {
            match reader.next_row() {
                Some(Ok(_)) => rows += 1,
                None => panic!("a 2 GB line is not a row"),
                Some(Err(e)) => break e.to_string(),
            }
        };
        assert!(rows < 300_000, "{rows} rows");
        assert_eq!(reader.progress().0, TWO_GB, "read to the end");
        assert!(error.contains("huge.csv") && error.contains("longer than"), "{error}");
    });
}

#[test]
fn a_2_gb_spreadsheet_is_refused_without_being_read() {
    within("a_2_gb_spreadsheet_is_refused_without_being_read", 64, || {
        let dir = tempfile::tempdir().unwrap();
        for name in ["huge.xlsx", "huge.ods", "huge.jsonl"] {
            let path = dir.path().join(name);
            std::fs::File::create(&path).unwrap().set_len(TWO_GB).unwrap();
            let error = match cardbase_engine::import::open(&path, &OpenOptions::default()) {
                Ok(_) => panic!("{name}: a 2 GB file is not read into memory"),
                Err(error) => Error::Read(error).to_string(),
            };
            assert!(error.contains(name) && error.contains("2.1 GB"), "{error}");
        }
    });
}

#[test]
fn a_section_that_cannot_take_another_field_says_so() {
    within("a_section_that_cannot_take_another_field_says_so", 128, || {
        // 1995 fields and the table's own 4 columns: room for one more column.
        let fields = (0..1995)
            .map(|i| FieldSpec::new(&format!("f{i}"), &format!("Field {i}"), FieldType::Text))
            .collect();
        let schema = SchemaFile {
            name: "wide".into(),
            description: None,
            sections: vec![SectionSpec {
                key: "wide".into(),
                label: "Wide".into(),
                hidden: false,
                title: Vec::new(),
                fields,
            }],
        };
        let dir = tempfile::tempdir().unwrap();
        let mut v =
            Vault::create_with_schema(&dir.path().join("wide.cardbase"), &support::passphrase(), &schema).unwrap();

        let money = FieldSpec {
            currency: Some("EUR".into()),
            ..FieldSpec::new("price", "Price", FieldType::Money)
        };
        let error = v.add_field("wide", &money).unwrap_err().to_string();
        assert!(
            error.contains("\"wide\" has 1995 fields, as many as a section can hold"),
            "{error}"
        );
        v.add_field("wide", &FieldSpec::new("last", "Last", FieldType::Text))
            .unwrap();
        let error = v
            .add_field("wide", &FieldSpec::new("one_more", "One more", FieldType::Text))
            .unwrap_err()
            .to_string();
        assert!(error.contains("put more in a section of their own"), "{error}");
        let to_money = cardbase_engine::schema::edit::FieldChange {
            currency: Some(Some("EUR".into())),
            ..Default::default()
        };
        let error = v
            .change_field_type("wide", "f1", FieldType::Money, &to_money)
            .unwrap_err()
            .to_string();
        assert!(error.contains("as many as a section can hold"), "{error}");
        let id = v
            .create_record_from_text("wide", &[("f0", "first"), ("last", "last")])
            .unwrap();
        assert_eq!(support::shown(&v, id, "last"), "last");
        v.delete_field("wide", "f0").unwrap();
        let error = v
            .add_field("wide", &FieldSpec::new("one_more", "One more", FieldType::Text))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("(1 of them in the bin)") && error.contains("empty the bin"),
            "{error}"
        );
    });
}
