//! Schema changes never lose data, on many records: every field type changed to every other
//! type and back keeps every value, or reports exactly which values did not convert (and
//! keeps those, so they come back); deleting and restoring fields and sections restores
//! every value.
//!
//! One test per starting type, each on a vault of its own, so they run in parallel. The number
//! of records is `CARDBASE_MATRIX_RECORDS` (default [`DEFAULT_RECORDS`]); the values cycle
//! through samples that convert, convert inexactly and do not convert, with some records left
//! empty and enough distinct values to pass the 200 choices a change to `choice` offers.

mod support;

use cardbase_engine::records::{Address, Item};
use cardbase_engine::schema::edit::FieldChange;
use cardbase_engine::schema::{FieldSpec, SchemaFile, SectionSpec};
use cardbase_engine::{FieldType, Query, RecordId, Value, Vault};
use chrono::{DateTime, NaiveDate};
use support::{TestVault, passphrase};

/// Records per starting type. 10,000 × 17 round trips take about a minute per type in the dev
/// profile; 2,000 keeps a plain `cargo test` quick. `.ci/run` sets `CARDBASE_MATRIX_RECORDS=10000`
/// for the full size.
const DEFAULT_RECORDS: usize = 2_000;

const CHOICES: [&str; 4] = ["open", "closed", "лид", "42"];

fn records() -> usize {
    std::env::var("CARDBASE_MATRIX_RECORDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_RECORDS)
}

/// The options a field of `kind` needs: choices, a relation's target, a currency.
fn change_for(kind: FieldType) -> FieldChange {
    match kind {
        FieldType::Choice => FieldChange {
            choices: Some(CHOICES.iter().map(|c| c.to_string()).collect()),
            ..FieldChange::default()
        },
        FieldType::Relation => FieldChange {
            target: Some(Some("people".into())),
            ..FieldChange::default()
        },
        FieldType::Money => FieldChange {
            currency: Some(Some("EUR".into())),
            ..FieldChange::default()
        },
        _ => FieldChange::default(),
    }
}

fn spec(key: &str, kind: FieldType) -> FieldSpec {
    let change = change_for(kind);
    FieldSpec {
        choices: change.choices.unwrap_or_default(),
        target: change.target.flatten(),
        currency: change.currency.flatten(),
        ..FieldSpec::new(key, key, kind)
    }
}

fn section(key: &str, fields: Vec<FieldSpec>) -> SectionSpec {
    SectionSpec {
        key: key.into(),
        label: key.into(),
        hidden: false,
        title: Vec::new(),
        fields,
    }
}

/// What a type change needs around the values: people to point at and photos to show.
struct Fixture {
    vault: TestVault,
    people: Vec<RecordId>,
    photos: Vec<i64>,
}

/// A vault with `people` (relation targets) and a section `matrix` with the given fields.
fn fixture(fields: Vec<FieldSpec>) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let schema = SchemaFile {
        name: "matrix".into(),
        description: None,
        sections: vec![
            section("people", vec![spec("name", FieldType::Text)]),
            section("matrix", fields),
        ],
    };
    let mut vault = Vault::create_with_schema(&dir.path().join("matrix.cardbase"), &passphrase(), &schema).unwrap();
    let people = vault
        .create_records(
            "people",
            ["Ada", "Charles", "Мария"].map(|n| vec![("name".to_string(), Value::Text(n.into()))]),
        )
        .unwrap();
    let photos = (0..3u8)
        .map(|i| {
            let path = dir.path().join(format!("photo{i}.png"));
            std::fs::write(&path, [b"\x89PNG\r\n\x1a\n".as_slice(), &[i; 16]].concat()).unwrap();
            match vault.attach_photo(&path).unwrap() {
                Value::Photo(id) => id,
                other => panic!("a photo is attached as a photo, not {other:?}"),
            }
        })
        .collect();
    Fixture {
        vault: TestVault { vault, dir },
        people,
        photos,
    }
}

/// Record `i`'s value of a field of `kind`: samples that convert exactly, inexactly or not at
/// all to the other types, every 11th record empty, and many distinct values.
fn sample(kind: FieldType, i: usize, fx: &Fixture) -> Option<Value> {
    if i % 11 == 10 {
        return None;
    }
    const TEXTS: [&str; 22] = [
        "42",
        "1 234,5",
        "-3",
        "0",
        "yes",
        "no",
        "2024-03-01",
        "--03-14",
        "2024-03-01 09:30",
        "12.50 EUR",
        "15%",
        "Москва",
        "vip, new",
        "+7 495 123-45-67",
        "ada@example.com",
        "https://example.com/a",
        "Unter den Linden 1, Berlin",
        "#1",
        "open",
        "تهران ۱۲۳",
        "   spaced   ",
        "photo #1",
    ];
    let n = i as i64;
    let text = || {
        if i.is_multiple_of(3) {
            format!("item {i}")
        } else {
            TEXTS[i % TEXTS.len()].to_string()
        }
    };
    let item = |kind: &str, value: String| Item {
        kind: kind.into(),
        value,
    };
    Some(match kind {
        FieldType::Text | FieldType::Secret => Value::Text(text()),
        FieldType::LongText => Value::Text(if i % 5 == 1 {
            format!("first line {i}\nsecond line")
        } else {
            text()
        }),
        FieldType::Number => Value::Number(match i % 6 {
            0 => (n - 500) as f64 * 1.5,
            1 => 0.0,
            2 => 1.0,
            3 => 12.345,
            4 => 1e15,
            _ => -0.125 * n as f64,
        }),
        FieldType::Percent => Value::Number((n % 300) as f64 / 2.0),
        FieldType::Money => Value::Money {
            cents: n * 137 - 50_000,
            currency: ["EUR", "RUB", "USD"][i % 3].into(),
        },
        FieldType::Date => Value::Date(NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Days::new(i as u64 * 7)),
        FieldType::DateNoYear => Value::PartialDate {
            year: i.is_multiple_of(2).then_some(1950 + (n % 70) as i32),
            month: (i % 12) as u32 + 1,
            day: if i % 12 == 1 { 29 } else { (i % 28) as u32 + 1 },
        },
        FieldType::Datetime => Value::DateTime(DateTime::from_timestamp(1_000_000_000 + n * 3_607, 0).unwrap()),
        FieldType::Checkbox => Value::Checkbox(i.is_multiple_of(2)),
        FieldType::Choice => Value::Text(CHOICES[i % CHOICES.len()].into()),
        FieldType::Tags => Value::Tags(match i % 3 {
            0 => vec!["vip".into(), format!("t{}", i % 400)],
            1 => vec!["new".into()],
            _ => vec!["2024-03-01".into(), "42".into()],
        }),
        FieldType::Phones => Value::Items(vec![item("mobile", format!("+7 495 {:07}", i))]),
        FieldType::Emails => Value::Items(vec![
            item("work", format!("user{i}@example.com")),
            item("home", "ada@example.org".into()),
        ]),
        FieldType::Urls => Value::Items(vec![item("other", format!("https://example.com/{i}"))]),
        FieldType::Addresses => Value::Addresses(vec![Address {
            kind: "work".into(),
            street: format!("{i} Main St"),
            city: ["Berlin", "Москва", ""][i % 3].into(),
            ..Address::default()
        }]),
        FieldType::Photo => Value::Photo(fx.photos[i % fx.photos.len()]),
        FieldType::Relation => Value::Relation(fx.people[i % fx.people.len()]),
    })
}

/// Every record of `matrix` in id order, with its value of field `key`.
fn values(v: &Vault, key: &str) -> Vec<(RecordId, Option<Value>)> {
    v.list(&Query::section("matrix"))
        .unwrap()
        .records
        .into_iter()
        .map(|r| (r.id, r.get(key).cloned()))
        .collect()
}

/// The first few records whose values differ, for a failure message.
fn differences(a: &[(RecordId, Option<Value>)], b: &[(RecordId, Option<Value>)]) -> String {
    a.iter()
        .zip(b)
        .filter(|(x, y)| x != y)
        .take(5)
        .map(|(x, y)| format!("#{}: {:?} -> {:?}", x.0, x.1, y.1))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Changes field `f` from `from` to every other type and back, checking each step.
fn round_trips_from(from: FieldType) {
    let n = records();
    let mut fx = fixture(vec![spec("f", from)]);
    let rows: Vec<Vec<(String, Value)>> = (0..n)
        .map(|i| sample(from, i, &fx).map(|v| ("f".to_string(), v)).into_iter().collect())
        .collect();
    fx.vault.create_records("matrix", rows).unwrap();
    let v = &mut fx.vault.vault;
    let before = values(v, "f");
    assert_eq!(before.len(), n);
    let filled = before.iter().filter(|(_, value)| value.is_some()).count();

    let mut converted = 0;
    for to in FieldType::ALL.into_iter().filter(|t| *t != from) {
        let there = v
            .change_field_type("matrix", "f", to, &change_for(to))
            .unwrap_or_else(|e| panic!("{from} -> {to}: {e}"));
        let during = values(v, "f");
        converted += there.converted;
        eprintln!("{from} -> {to}: {}", there.summary());

        // Exactly the values that are empty now are reported, as they were shown before.
        let lost: Vec<(RecordId, String)> = before
            .iter()
            .zip(&during)
            .filter(|((_, was), (_, is))| was.is_some() && is.is_none())
            .map(|((id, was), _)| (*id, was.as_ref().unwrap().display()))
            .collect();
        let mut reported: Vec<(RecordId, String)> =
            there.unconverted.iter().map(|u| (u.record, u.value.clone())).collect();
        reported.sort();
        assert_eq!(
            reported, lost,
            "{from} -> {to}: the report names exactly the values not converted"
        );
        assert_eq!(
            there.converted + there.restored + there.unconverted.len(),
            filled,
            "{from} -> {to}: every value is counted once ({})",
            there.summary()
        );
        assert!(
            before
                .iter()
                .zip(&during)
                .all(|((_, was), (_, is))| was.is_some() || is.is_none()),
            "{from} -> {to}: an empty field stays empty"
        );

        let back = v
            .change_field_type("matrix", "f", from, &change_for(from))
            .unwrap_or_else(|e| panic!("{to} -> {from}: {e}"));
        let after = values(v, "f");
        assert!(
            back.unconverted.is_empty(),
            "{from} -> {to} -> {from}: {} values did not come back, e.g. {:?}",
            back.unconverted.len(),
            back.unconverted.first()
        );
        assert!(
            after == before,
            "{from} -> {to} -> {from} changed values: {}",
            differences(&before, &after)
        );
    }
    assert!(converted > 0, "{from}: some values convert to some other type");
}

macro_rules! round_trip_tests {
    ($($name:ident: $kind:ident,)*) => {$(
        #[test]
        fn $name() {
            round_trips_from(FieldType::$kind);
        }
    )*};
}

round_trip_tests! {
    text_to_every_type_and_back_keeps_every_value: Text,
    long_text_to_every_type_and_back_keeps_every_value: LongText,
    number_to_every_type_and_back_keeps_every_value: Number,
    money_to_every_type_and_back_keeps_every_value: Money,
    percent_to_every_type_and_back_keeps_every_value: Percent,
    date_to_every_type_and_back_keeps_every_value: Date,
    date_no_year_to_every_type_and_back_keeps_every_value: DateNoYear,
    datetime_to_every_type_and_back_keeps_every_value: Datetime,
    checkbox_to_every_type_and_back_keeps_every_value: Checkbox,
    choice_to_every_type_and_back_keeps_every_value: Choice,
    tags_to_every_type_and_back_keeps_every_value: Tags,
    phones_to_every_type_and_back_keeps_every_value: Phones,
    emails_to_every_type_and_back_keeps_every_value: Emails,
    urls_to_every_type_and_back_keeps_every_value: Urls,
    addresses_to_every_type_and_back_keeps_every_value: Addresses,
    photo_to_every_type_and_back_keeps_every_value: Photo,
    relation_to_every_type_and_back_keeps_every_value: Relation,
    secret_to_every_type_and_back_keeps_every_value: Secret,
}

#[test]
fn the_matrix_covers_every_field_type() {
    assert_eq!(
        FieldType::ALL.len(),
        18,
        "a new type needs its round_trip_tests! line and samples"
    );
}

/// A record of `matrix` with its value of every field, in [`FieldType::ALL`] order.
type Row = (RecordId, Vec<Option<Value>>);

/// A vault whose `matrix` section has one field of every type, keyed by the type, filled.
fn every_type_filled() -> (Fixture, Vec<Row>) {
    let n = records();
    let mut fx = fixture(FieldType::ALL.iter().map(|t| spec(t.key(), *t)).collect());
    let rows: Vec<Vec<(String, Value)>> = (0..n)
        .map(|i| {
            FieldType::ALL
                .iter()
                .filter_map(|t| sample(*t, i, &fx).map(|v| (t.key().to_string(), v)))
                .collect()
        })
        .collect();
    fx.vault.create_records("matrix", rows).unwrap();
    let all = all_values(&fx.vault);
    (fx, all)
}

fn all_values(v: &Vault) -> Vec<Row> {
    v.list(&Query::section("matrix"))
        .unwrap()
        .records
        .into_iter()
        .map(|r| (r.id, FieldType::ALL.iter().map(|t| r.get(t.key()).cloned()).collect()))
        .collect()
}

#[test]
fn deleting_and_restoring_every_field_restores_every_value() {
    let (mut fx, before) = every_type_filled();
    let v = &mut fx.vault.vault;
    for kind in FieldType::ALL {
        v.delete_field("matrix", kind.key()).unwrap();
    }
    let binned = v.list(&Query::section("matrix").limit(1)).unwrap();
    assert!(
        FieldType::ALL.iter().all(|t| binned.records[0].get(t.key()).is_none()),
        "binned fields are not shown"
    );
    assert_eq!(v.bin().fields.len(), FieldType::ALL.len());

    for kind in FieldType::ALL {
        v.restore_field("matrix", kind.key()).unwrap();
    }
    assert!(all_values(v) == before, "every value is back after restoring its field");
}

#[test]
fn deleting_and_restoring_a_section_restores_every_value() {
    let (mut fx, before) = every_type_filled();
    let v = &mut fx.vault.vault;
    v.delete_section("matrix").unwrap();
    assert!(
        v.list(&Query::section("matrix")).is_err(),
        "a binned section is not listed"
    );
    assert_eq!(v.bin().sections, ["matrix"]);

    v.restore_section("matrix").unwrap();
    assert!(
        all_values(v) == before,
        "every value is back after restoring the section"
    );
}

#[test]
fn a_field_retyped_while_its_section_is_binned_and_back_keeps_every_value() {
    let (mut fx, before) = every_type_filled();
    let v = &mut fx.vault.vault;
    v.delete_field("matrix", "number").unwrap();
    v.delete_section("matrix").unwrap();
    v.restore_section("matrix").unwrap();
    v.restore_field("matrix", "number").unwrap();
    v.change_field_type("matrix", "number", FieldType::Checkbox, &FieldChange::default())
        .unwrap();
    v.change_field_type("matrix", "number", FieldType::Number, &FieldChange::default())
        .unwrap();
    assert!(all_values(v) == before);
}
