//! Changing a field's type: every value converts, or is reported and kept; changing the type
//! back brings every original value back exactly.

mod support;

use cardbase_engine::schema::convert::{ConversionReport, Unconverted};
use cardbase_engine::schema::edit::FieldChange;
use cardbase_engine::{Error, FieldType, Query, RecordId, Value, Vault, schema::FieldSpec};
use support::*;

/// Adds a field of `kind` to the organizations of a client base and one organization per
/// value (an empty value leaves the field empty). Returns the organizations' ids.
fn orgs_with(v: &mut Vault, key: &str, kind: FieldType, values: &[&str]) -> Vec<RecordId> {
    v.add_field("organizations", &FieldSpec::new(key, key, kind)).unwrap();
    values
        .iter()
        .enumerate()
        .map(|(i, value)| add(v, "organizations", &[("name", &format!("Org {i}")), (key, value)]))
        .collect()
}

fn retype(v: &mut Vault, key: &str, kind: FieldType) -> ConversionReport {
    v.change_field_type("organizations", key, kind, &FieldChange::default())
        .unwrap()
}

fn shown_all(v: &Vault, ids: &[RecordId], key: &str) -> Vec<String> {
    ids.iter().map(|id| shown(v, *id, key)).collect()
}

/// The ids a query lists (`ids` names the records made in these tests).
fn ids_of(v: &Vault, q: &Query) -> Vec<RecordId> {
    support::ids(v, q)
}

fn kind_of(v: &Vault, key: &str) -> FieldType {
    v.schema().section("organizations").unwrap().field(key).unwrap().kind
}

#[test]
fn text_to_number_reports_exactly_the_values_that_do_not_convert_and_keeps_them() {
    let mut v = client_base();
    let originals = ["42", "1 234,5", "n/a", "about ten", "007", ""];
    let ids = orgs_with(&mut v, "size", FieldType::Text, &originals);

    let mut report = retype(&mut v, "size", FieldType::Number);

    report.unconverted.sort_by_key(|u| u.record);
    assert_eq!(
        report.unconverted,
        [
            Unconverted {
                record: ids[2],
                value: "n/a".into()
            },
            Unconverted {
                record: ids[3],
                value: "about ten".into()
            },
        ]
    );
    assert_eq!(report.converted, 3);
    assert_eq!(kind_of(&v, "size"), FieldType::Number);
    let record = v.record(ids[1]).unwrap();
    assert_eq!(record.get("size"), Some(&Value::Number(1234.5)));
    assert_eq!(shown_all(&v, &ids, "size"), ["42", "1234.5", "", "", "7", ""]);
    let big = Query::section("organizations").filter("size > 40").unwrap();
    assert_eq!(
        ids_of(&v, &big),
        [ids[0], ids[1]],
        "converted values compare as numbers"
    );
}

#[test]
fn changing_number_back_to_text_restores_every_original_value_exactly() {
    let mut v = client_base();
    let originals = ["42", "1 234,5", "n/a", "about ten", "007", ""];
    let ids = orgs_with(&mut v, "size", FieldType::Text, &originals);
    retype(&mut v, "size", FieldType::Number);

    let report = retype(&mut v, "size", FieldType::Text);

    assert!(report.unconverted.is_empty(), "{report:?}");
    assert_eq!(shown_all(&v, &ids, "size"), originals);
    assert_eq!(found(&v, "organizations", "about ten"), [ids[3]]);
}

#[test]
fn a_number_keeps_its_exact_value_through_a_checkbox_and_back() {
    let mut v = client_base();
    let ids = orgs_with(&mut v, "score", FieldType::Number, &["1.5", "1", "0", ""]);

    retype(&mut v, "score", FieldType::Checkbox);
    assert_eq!(shown(&v, ids[1], "score"), "yes");
    assert_eq!(shown(&v, ids[2], "score"), "no");
    assert_eq!(shown(&v, ids[3], "score"), "");

    retype(&mut v, "score", FieldType::Number);
    assert_eq!(v.record(ids[0]).unwrap().get("score"), Some(&Value::Number(1.5)));
    assert_eq!(v.record(ids[1]).unwrap().get("score"), Some(&Value::Number(1.0)));
    assert_eq!(v.record(ids[2]).unwrap().get("score"), Some(&Value::Number(0.0)));
    assert_eq!(v.record(ids[3]).unwrap().get("score"), None);
}

#[test]
fn a_date_keeps_its_value_through_a_datetime_and_back() {
    let mut v = client_base();
    let dates = ["2024-03-31", "2000-02-29", "1969-12-31", ""];
    let ids = orgs_with(&mut v, "signed", FieldType::Date, &dates);

    let report = retype(&mut v, "signed", FieldType::Datetime);
    assert!(report.unconverted.is_empty(), "{report:?}");
    assert_eq!(
        shown_all(&v, &ids, "signed"),
        ["2024-03-31 00:00", "2000-02-29 00:00", "1969-12-31 00:00", ""],
        "a date becomes midnight local time"
    );

    let report = retype(&mut v, "signed", FieldType::Date);
    assert!(report.unconverted.is_empty(), "{report:?}");
    assert_eq!(shown_all(&v, &ids, "signed"), dates);
    let after = Query::section("organizations").filter("signed > 1999-12-31").unwrap();
    assert_eq!(ids_of(&v, &after), [ids[0], ids[1]]);
}

#[test]
fn a_number_keeps_its_exact_value_through_money_and_back() {
    let mut v = client_base();
    let ids = orgs_with(&mut v, "budget", FieldType::Number, &["12.5", "12.345", "-3", ""]);

    let to_money = FieldChange {
        currency: Some(Some("EUR".into())),
        ..FieldChange::default()
    };
    let report = v
        .change_field_type("organizations", "budget", FieldType::Money, &to_money)
        .unwrap();
    assert!(report.unconverted.is_empty(), "{report:?}");
    assert_eq!(
        v.record(ids[0]).unwrap().get("budget"),
        Some(&Value::Money {
            cents: 1250,
            currency: "EUR".into()
        })
    );
    assert_eq!(
        shown_all(&v, &ids, "budget"),
        ["12.50 EUR", "12.35 EUR", "-3.00 EUR", ""],
        "money is exact to the cent"
    );

    retype(&mut v, "budget", FieldType::Number);
    let numbers: Vec<Option<Value>> = ids
        .iter()
        .map(|id| v.record(*id).unwrap().get("budget").cloned())
        .collect();
    assert_eq!(
        numbers,
        [
            Some(Value::Number(12.5)),
            Some(Value::Number(12.345)),
            Some(Value::Number(-3.0)),
            None
        ]
    );
}

#[test]
fn text_to_choice_offers_the_values_in_use_as_the_choices() {
    let mut v = client_base();
    let ids: Vec<RecordId> = ["Berlin", "Paris", "Berlin", ""]
        .iter()
        .enumerate()
        .map(|(i, city)| {
            add(
                &mut v,
                "organizations",
                &[("name", &format!("Org {i}")), ("city", city)],
            )
        })
        .collect();

    let report = v
        .change_field_type("organizations", "city", FieldType::Choice, &FieldChange::default())
        .unwrap();

    assert!(report.unconverted.is_empty(), "{report:?}");
    let city = v
        .schema()
        .section("organizations")
        .unwrap()
        .field("city")
        .unwrap()
        .clone();
    assert_eq!(city.kind, FieldType::Choice);
    assert_eq!(city.options.choices, ["Berlin", "Paris"]);
    assert_eq!(shown_all(&v, &ids, "city"), ["Berlin", "Paris", "Berlin", ""]);
    let new = add(&mut v, "organizations", &[("name", "New"), ("city", "paris")]);
    assert_eq!(shown(&v, new, "city"), "Paris", "a choice is matched whatever its case");
    assert!(matches!(
        v.create_record_from_text("organizations", &[("name", "Newer"), ("city", "Rome")]),
        Err(Error::InvalidValue { field, .. }) if field == "city"
    ));
}

#[test]
fn text_to_choice_with_no_values_in_use_asks_for_the_choices() {
    let mut v = client_base();
    let err = v
        .change_field_type("organizations", "city", FieldType::Choice, &FieldChange::default())
        .unwrap_err();
    assert!(matches!(err, Error::Schema(_)), "{err}");
    assert_eq!(kind_of(&v, "city"), FieldType::Text);
}

#[test]
fn a_retyped_field_stays_searchable_and_filterable() {
    let mut v = client_base();
    let ids = orgs_with(&mut v, "size", FieldType::Text, &["42", "1 234,5"]);

    retype(&mut v, "size", FieldType::Number);

    assert_eq!(found(&v, "organizations", "1234"), [ids[1]]);
    let q = Query::section("organizations").filter("size >= 42").unwrap();
    assert_eq!(ids_of(&v, &q), ids);
}

#[test]
fn a_records_history_shows_the_change_of_a_fields_type() {
    let mut v = client_base();
    let ids = orgs_with(&mut v, "size", FieldType::Text, &["42"]);

    retype(&mut v, "size", FieldType::Number);

    let history = v.history(ids[0]).unwrap();
    let last = history.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.field.as_deref()),
        ("convert", Some("size")),
        "{history:?}"
    );
}

#[test]
fn undo_after_a_type_change_undoes_the_edit_in_the_type_the_field_has_now() {
    let mut v = client_base();
    let ids = orgs_with(&mut v, "size", FieldType::Text, &["about ten"]);
    let other = orgs_with(&mut v, "rank", FieldType::Text, &["7"]);
    set(&mut v, ids[0], &[("size", "12")]);
    set(&mut v, other[0], &[("rank", "8")]);
    retype(&mut v, "size", FieldType::Number);
    retype(&mut v, "rank", FieldType::Number);

    // The last edit: "7" before it is a number too, so it comes back as one.
    assert_eq!(v.undo().unwrap(), Some(vec![other[0]]));
    assert_eq!(shown(&v, other[0], "rank"), "7");
    // "about ten" is no number: the field is empty, as the type change would have left it,
    // and the value is kept for a change back.
    assert_eq!(v.undo().unwrap(), Some(vec![ids[0]]));
    assert_eq!(shown(&v, ids[0], "size"), "");
    // Only then the records' creations, newest first.
    assert_eq!(v.undo().unwrap(), Some(vec![other[0]]));
    assert_eq!(v.undo().unwrap(), Some(vec![ids[0]]));
    v.restore_record(ids[0]).unwrap();
    retype(&mut v, "size", FieldType::Text);
    assert_eq!(
        shown(&v, ids[0], "size"),
        "about ten",
        "back in its old type, the value is back"
    );
}
