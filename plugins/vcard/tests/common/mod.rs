//! Helpers for reading fixtures and looking at entries, shared by the test files.
#![allow(dead_code)]

use cardbase_plugin_sdk::{Address, Entry, Exporter, Image, Importer, PartialDate, Record, SectionInfo, Value, config};
use cardbase_plugin_vcard::{VcardExporter, VcardImporter};

/// Every fixture, as the products that wrote them would name them.
pub const FIXTURES: &[&str] = &[
    "outlook2003.vcf",
    "outlook2016.vcf",
    "gmail.vcf",
    "iphone.vcf",
    "macos.vcf",
    "android.vcf",
    "evolution30.vcf",
    "evolution40.vcf",
    "thunderbird.vcf",
    "utf16le.vcf",
    "no_charset_cp1251.vcf",
    "no_charset_latin1.vcf",
    "malformed.vcf",
];

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Imports `bytes` fed in chunks of `chunk` bytes.
pub fn import_chunked(bytes: &[u8], chunk: usize) -> Vec<Entry> {
    let mut session = VcardImporter::start("contacts.vcf");
    let mut entries = Vec::new();
    for piece in bytes.chunks(chunk.max(1)) {
        entries.extend(session.feed(piece).expect("feeding never fails"));
    }
    entries.extend(session.finish().expect("finishing never fails"));
    entries
}

pub fn import(bytes: &[u8]) -> Vec<Entry> {
    import_chunked(bytes, bytes.len().max(1))
}

pub fn read(name: &str) -> Vec<Entry> {
    let entries = import(&fixture(name));
    for entry in &entries {
        if name != "malformed.vcf" {
            assert_eq!(entry.error, None, "{name}, card of line {}", entry.line);
        }
    }
    entries
}

/// Exports entries as records of the contacts section, with the `version` setting given.
pub fn export(entries: &[Entry], version: &str) -> Vec<u8> {
    config::set_for_tests("version", version);
    let section = SectionInfo {
        key: "contacts".into(),
        label: "Contacts".into(),
        fields: Vec::new(),
    };
    let mut session = VcardExporter::start(section);
    let records: Vec<Record> = entries
        .iter()
        .map(|e| Record {
            id: String::new(),
            section: "contacts".into(),
            fields: e.fields.clone(),
        })
        .collect();
    let mut out = session.write(records).expect("writing works");
    out.extend(session.finish().expect("finishing works"));
    out
}

pub fn text<'a>(entry: &'a Entry, key: &str) -> Option<&'a str> {
    match entry.get(key)? {
        Value::Text(t) => Some(t),
        other => panic!("{key} is {other:?}, not text"),
    }
}

pub fn organization(entry: &Entry) -> Option<&str> {
    match entry.get("organization")? {
        Value::Relation(t) => Some(t),
        other => panic!("organization is {other:?}, not a relation"),
    }
}

/// The items of a phones/emails/urls field as (kind, value) pairs.
pub fn items<'a>(entry: &'a Entry, key: &str) -> Vec<(&'a str, &'a str)> {
    match entry.get(key) {
        Some(Value::Items(items)) => items.iter().map(|i| (i.kind.as_str(), i.value.as_str())).collect(),
        None => Vec::new(),
        Some(other) => panic!("{key} is {other:?}, not items"),
    }
}

pub fn addresses(entry: &Entry) -> Vec<Address> {
    match entry.get("addresses") {
        Some(Value::Addresses(list)) => list.clone(),
        None => Vec::new(),
        Some(other) => panic!("addresses is {other:?}"),
    }
}

pub fn address(kind: &str, street: &str, city: &str, region: &str, postcode: &str, country: &str) -> Address {
    Address {
        kind: kind.into(),
        street: street.into(),
        city: city.into(),
        region: region.into(),
        postcode: postcode.into(),
        country: country.into(),
    }
}

pub fn date(entry: &Entry, key: &str) -> Option<PartialDate> {
    match entry.get(key)? {
        Value::PartialDate(d) => Some(*d),
        other => panic!("{key} is {other:?}, not a partial date"),
    }
}

pub fn ymd(year: Option<i32>, month: u8, day: u8) -> Option<PartialDate> {
    Some(PartialDate { year, month, day })
}

pub fn tags<'a>(entry: &'a Entry, key: &str) -> Vec<&'a str> {
    match entry.get(key) {
        Some(Value::Tags(t)) => t.iter().map(String::as_str).collect(),
        None => Vec::new(),
        Some(other) => panic!("{key} is {other:?}, not tags"),
    }
}

pub fn photo(entry: &Entry) -> &Image {
    match entry.get("photo") {
        Some(Value::Image(image)) => image,
        other => panic!("photo is {other:?}"),
    }
}

pub const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
pub const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Asserts a photo's type, size and first bytes (the fixtures' pictures are 313 and 591 byte
/// JPEGs and an 83 byte PNG).
pub fn assert_photo(entry: &Entry, mime: &str, len: usize) {
    let image = photo(entry);
    assert_eq!(image.mime, mime);
    assert_eq!(image.data.len(), len);
    let magic = if mime == "image/png" { PNG_MAGIC } else { JPEG_MAGIC };
    assert!(image.data.starts_with(magic), "{:02X?}", image.data.get(..8));
    if mime == "image/jpeg" {
        assert!(image.data.ends_with(&[0xFF, 0xD9]), "a whole JPEG ends with EOI");
    }
}
