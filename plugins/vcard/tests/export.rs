//! Exporting records as vCard 3.0 and 4.0, and reading them back.

mod common;

use cardbase_plugin_sdk::{Address, Exporter, Image, Item, PartialDate, Record, SectionInfo, Value, config};
use cardbase_plugin_vcard::VcardExporter;
use common::*;

fn section() -> SectionInfo {
    SectionInfo {
        key: "contacts".into(),
        label: "Contacts".into(),
        fields: Vec::new(),
    }
}

fn write(records: Vec<Record>, version: &str) -> String {
    config::set_for_tests("version", version);
    let mut session = VcardExporter::start(section());
    let mut out = session.write(records).unwrap();
    out.extend(session.finish().unwrap());
    String::from_utf8(out).expect("vCards are written in UTF-8")
}

/// The logical lines of an exported file, unfolded.
fn lines(file: &str) -> Vec<String> {
    file.replace("\r\n ", "")
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn contact() -> Record {
    Record::new("contacts")
        .with("first_name", Value::Text("Ann".into()))
        .with("last_name", Value::Text("Lee".into()))
}

#[test]
fn export_then_import_loses_nothing() {
    for name in FIXTURES {
        let entries: Vec<_> = read(name).into_iter().filter(|e| e.error.is_none()).collect();
        for version in ["3.0", "4.0"] {
            let file = export(&entries, version);
            let again = import(&file);
            assert_eq!(again.len(), entries.len(), "{name} as {version}");
            for (before, after) in entries.iter().zip(&again) {
                assert_eq!(
                    after.error,
                    None,
                    "{name} as {version}:\n{}",
                    String::from_utf8_lossy(&file)
                );
                assert_eq!(
                    after.fields, before.fields,
                    "{name} as {version}, card of line {}",
                    before.line
                );
            }
        }
    }
}

#[test]
fn lines_end_in_crlf_and_are_folded_at_75_octets() {
    let long = "Ωмش-".repeat(40);
    let record = contact().with("notes", Value::Text(long.clone()));
    for version in ["3.0", "4.0"] {
        let file = write(vec![record.clone()], version);
        assert!(file.ends_with("END:VCARD\r\n"));
        assert!(!file.replace("\r\n", "").contains('\n'), "no bare LF");
        for physical in file.split("\r\n") {
            assert!(physical.len() <= 75, "{} octets: {physical}", physical.len());
        }
        assert!(lines(&file).contains(&format!("NOTE:{long}")));
    }
}

#[test]
fn version_3_writes_types_labels_and_dates_as_3_0_readers_expect() {
    let record = contact()
        .with(
            "phones",
            Value::Items(vec![
                Item::new("mobile", "+1 555 0100"),
                Item::new("Assistant", "+1 555 0101"),
            ]),
        )
        .with("emails", Value::Items(vec![Item::new("work", "ann@example.com")]))
        .with(
            "birthday",
            Value::PartialDate(PartialDate {
                year: None,
                month: 3,
                day: 14,
            }),
        )
        .with(
            "anniversary",
            Value::PartialDate(PartialDate {
                year: Some(2010),
                month: 6,
                day: 12,
            }),
        )
        .with(
            "photo",
            Value::Image(Image {
                mime: "image/png".into(),
                data: b"\x89PNG\r\n\x1a\n".to_vec(),
            }),
        );
    let lines = lines(&write(vec![record], "3.0"));
    for expected in [
        "VERSION:3.0",
        "N:Lee;Ann;;;",
        "FN:Ann Lee",
        "TEL;TYPE=CELL:+1 555 0100",
        "item1.TEL:+1 555 0101",
        "item1.X-ABLabel:Assistant",
        "EMAIL;TYPE=INTERNET,WORK:ann@example.com",
        "BDAY:--03-14",
        "X-ANNIVERSARY:2010-06-12",
        "PHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=",
    ] {
        assert!(lines.iter().any(|l| l == expected), "{expected} not in {lines:#?}");
    }
}

#[test]
fn version_4_writes_data_uris_and_basic_dates() {
    let record = contact()
        .with(
            "birthday",
            Value::PartialDate(PartialDate {
                year: None,
                month: 3,
                day: 14,
            }),
        )
        .with(
            "anniversary",
            Value::PartialDate(PartialDate {
                year: Some(2010),
                month: 6,
                day: 12,
            }),
        )
        .with("phones", Value::Items(vec![Item::new("fax", "+1 555 0102")]))
        .with(
            "photo",
            Value::Image(Image {
                mime: "image/jpeg".into(),
                data: vec![0xFF, 0xD8, 0xFF, 0xD9],
            }),
        );
    let lines = lines(&write(vec![record], "4.0"));
    for expected in [
        "VERSION:4.0",
        "BDAY:--0314",
        "ANNIVERSARY:20100612",
        "TEL;TYPE=fax:+1 555 0102",
        "PHOTO:data:image/jpeg;base64,/9j/2Q==",
    ] {
        assert!(lines.iter().any(|l| l == expected), "{expected} not in {lines:#?}");
    }
}

#[test]
fn values_are_escaped_and_come_back_whole() {
    let record = Record::new("contacts")
        .with("first_name", Value::Text("Jo; \"Jr\"".into()))
        .with("last_name", Value::Text("O'Neil, \\ Smith".into()))
        .with("organization", Value::Relation("Acme; Sons, Ltd".into()))
        .with("department", Value::Text("R&D".into()))
        .with("notes", Value::Text("line one\r\nline two; three, four \\ five".into()))
        .with("groups", Value::Tags(vec!["a,b".into(), "c;d".into()]))
        .with(
            "addresses",
            Value::Addresses(vec![Address {
                kind: "Holiday flat".into(),
                street: "1 Main St; Apt 2\nBack door".into(),
                city: "Springfield".into(),
                region: String::new(),
                postcode: "12345".into(),
                country: "USA".into(),
            }]),
        )
        .with(
            "urls",
            Value::Items(vec![Item::new("work", "https://example.com/a,b;c")]),
        );
    for version in ["3.0", "4.0"] {
        let file = write(vec![record.clone()], version);
        let entry = &import(file.as_bytes())[0];
        assert_eq!(text(entry, "first_name"), Some("Jo; \"Jr\""));
        assert_eq!(text(entry, "last_name"), Some("O'Neil, \\ Smith"));
        assert_eq!(organization(entry), Some("Acme; Sons, Ltd"));
        assert_eq!(text(entry, "department"), Some("R&D"));
        assert_eq!(text(entry, "notes"), Some("line one\nline two; three, four \\ five"));
        assert_eq!(tags(entry, "groups"), ["a,b", "c;d"]);
        assert_eq!(addresses(entry)[0].street, "1 Main St; Apt 2\nBack door");
        assert_eq!(addresses(entry)[0].kind, "Holiday flat");
        assert_eq!(items(entry, "urls"), [("work", "https://example.com/a,b;c")]);
    }
}

#[test]
fn fn_is_never_empty() {
    let company = Record::new("contacts").with("organization", Value::Relation("Polar Freight".into()));
    let email_only = Record::new("contacts").with("emails", Value::Items(vec![Item::new("home", "x@example.com")]));
    let nothing = Record::new("contacts");
    let file = write(vec![company, email_only, nothing], "3.0");
    let fns: Vec<String> = lines(&file).into_iter().filter(|l| l.starts_with("FN:")).collect();
    assert_eq!(fns, ["FN:Polar Freight", "FN:x@example.com", "FN:Unnamed"]);
}

#[test]
fn uid_comes_from_the_record_id_when_there_is_none() {
    let mut with_id = contact();
    with_id.id = "01J9ZQ7X3V".into();
    let with_uid = contact().with("uid", Value::Text("urn:uuid:abc".into()));
    let lines = lines(&write(vec![with_id, with_uid], "4.0"));
    let uids: Vec<&String> = lines.iter().filter(|l| l.starts_with("UID:")).collect();
    assert_eq!(uids, ["UID:01J9ZQ7X3V", "UID:urn:uuid:abc"]);
}

#[test]
fn an_unknown_version_setting_is_refused_with_a_sentence() {
    config::set_for_tests("version", "2.1");
    let mut session = VcardExporter::start(section());
    let err = session.write(vec![contact()]).unwrap_err();
    assert_eq!(
        err,
        "the vCard version setting is \"2.1\"; set it to \"3.0\" or \"4.0\""
    );
}

#[test]
fn full_dates_and_text_organizations_are_accepted_too() {
    let record = contact().with("organization", Value::Text("Acme".into())).with(
        "birthday",
        Value::Date(cardbase_plugin_sdk::Date {
            year: 1980,
            month: 2,
            day: 29,
        }),
    );
    let lines = lines(&write(vec![record], "3.0"));
    assert!(lines.contains(&"ORG:Acme".to_string()));
    assert!(lines.contains(&"BDAY:1980-02-29".to_string()));
}
