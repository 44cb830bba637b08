//! The iCalendar exporter (the plugin writes `.ics`; it reads no files) on any section and
//! records: field keys and kinds, values of every kind, and the three settings.
//!
//! Holds: no panic; the output is UTF-8 content lines, each ended by CRLF and at most 75
//! octets, with no stray CR or LF that would let a record's text start a line of its own;
//! it opens with `BEGIN:VCALENDAR` and closes with `END:VCALENDAR` (when the section can be
//! exported at all).

#![no_main]

use cardbase_plugin_icalendar::CalendarExport;
use cardbase_plugin_sdk::{
    Address, Date, Exporter, FieldInfo, FieldValue, Image, Item, Money, PartialDate, Record, SectionInfo, Value, config,
};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

/// The keys the exporter looks for, so the fuzzer need not guess them.
const KEYS: [&str; 30] = [
    "planned",
    "due",
    "deadline",
    "due_date",
    "birthday",
    "anniversary",
    "contract_end",
    "contract_start",
    "signed",
    "title",
    "name",
    "full_name",
    "first_name",
    "last_name",
    "notes",
    "duration_minutes",
    "priority",
    "status",
    "result",
    "assignee",
    "record",
    "type",
    "when",
    "call_at",
    "remind_minutes_before",
    "created",
    "custom",
    "done",
    "open",
    "",
];
const KINDS: [&str; 19] = [
    "text",
    "long_text",
    "number",
    "money",
    "percent",
    "date",
    "date_no_year",
    "datetime",
    "checkbox",
    "choice",
    "tags",
    "phones",
    "emails",
    "urls",
    "addresses",
    "photo",
    "relation",
    "secret",
    "date_time",
];

#[derive(Arbitrary, Debug)]
enum Key {
    Known(u8),
    Other(String),
}

impl Key {
    fn text(&self) -> String {
        match self {
            Key::Known(i) => KEYS[usize::from(*i) % KEYS.len()].to_string(),
            Key::Other(s) => s.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Val {
    Text(String),
    Number(f64),
    Money(i64, String),
    Date(i32, u8, u8),
    PartialDate(Option<i32>, u8, u8),
    DateTime(i64),
    Checkbox(bool),
    Tags(Vec<String>),
    Items(Vec<(String, String)>),
    Addresses(Vec<[String; 6]>),
    Image(String, Vec<u8>),
    Relation(String),
}

impl Val {
    fn value(self) -> Value {
        match self {
            Val::Text(t) => Value::Text(t),
            Val::Number(n) => Value::Number(n),
            Val::Money(cents, currency) => Value::Money(Money { cents, currency }),
            Val::Date(year, month, day) => Value::Date(Date { year, month, day }),
            Val::PartialDate(year, month, day) => Value::PartialDate(PartialDate { year, month, day }),
            Val::DateTime(s) => Value::DateTime(s),
            Val::Checkbox(b) => Value::Checkbox(b),
            Val::Tags(t) => Value::Tags(t),
            Val::Items(items) => Value::Items(items.into_iter().map(|(kind, value)| Item { kind, value }).collect()),
            Val::Addresses(list) => Value::Addresses(
                list.into_iter()
                    .map(|[kind, street, city, region, postcode, country]| Address {
                        kind,
                        street,
                        city,
                        region,
                        postcode,
                        country,
                    })
                    .collect(),
            ),
            Val::Image(mime, data) => Value::Image(Image { mime, data }),
            Val::Relation(r) => Value::Relation(r),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    label: String,
    fields: Vec<(Key, u8, String)>,
    records: Vec<(String, Vec<(Key, Val)>)>,
    /// `now`, `remind_days_before`, `field`: given as numbers (the usual case) or any text.
    now: Option<Result<i64, String>>,
    remind: Option<Result<u32, String>>,
    field: Option<Key>,
    /// Records per `write` call.
    batch: u8,
}

fn setting<T: ToString>(key: &str, value: &Option<Result<T, String>>) {
    let text = match value {
        None => String::new(),
        Some(Ok(v)) => v.to_string(),
        Some(Err(s)) => s.clone(),
    };
    config::set_for_tests(key, &text);
}

fn check(ics: &[u8]) {
    let text = std::str::from_utf8(ics).expect("the calendar is UTF-8");
    assert!(text.is_empty() || text.ends_with("\r\n"), "ends with CRLF");
    for line in text.split_terminator("\r\n") {
        assert!(line.len() <= 75, "a line of {} octets: {line:?}", line.len());
        assert!(!line.contains(['\r', '\n']), "a stray line break: {line:?}");
    }
}

fuzz_target!(|input: Input| {
    setting("now", &input.now);
    setting("remind_days_before", &input.remind);
    config::set_for_tests("field", &input.field.as_ref().map(Key::text).unwrap_or_default());
    let section = SectionInfo {
        key: "fuzz".into(),
        label: input.label,
        fields: input
            .fields
            .iter()
            .map(|(key, kind, label)| FieldInfo::new(&key.text(), label, KINDS[usize::from(*kind) % KINDS.len()]))
            .collect(),
    };
    let records: Vec<Record> = input
        .records
        .into_iter()
        .map(|(id, values)| {
            let mut record = Record::new("fuzz");
            record.id = id;
            record.fields = values
                .into_iter()
                .map(|(key, value)| FieldValue {
                    key: key.text(),
                    value: value.value(),
                })
                .collect();
            record
        })
        .collect();

    let mut export = CalendarExport::start(section);
    let mut ics = Vec::new();
    let mut failed = false;
    for batch in records.chunks(usize::from(input.batch).max(1)) {
        match export.write(batch.to_vec()) {
            Ok(bytes) => ics.extend(bytes),
            Err(_) => failed = true,
        }
    }
    match export.finish() {
        Ok(bytes) => ics.extend(bytes),
        Err(_) => failed = true,
    }
    check(&ics);
    if !failed {
        let text = String::from_utf8(ics).expect("checked above");
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
    }
});
