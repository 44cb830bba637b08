//! Records: validation against the schema, relations, the bin, history and what search sees.

mod support;

use cardbase_engine::records::Related;
use cardbase_engine::{Error, Query, RecordId, Value};
use serde_json::json;
use support::*;

#[test]
fn a_record_without_a_required_field_is_refused_naming_the_field() {
    let mut v = personal();

    let err = v
        .create_record_from_text("organizations", &[("notes", "no name given")])
        .unwrap_err();

    assert!(matches!(&err, Error::Required { field } if field == "name"), "{err}");
    assert!(err.to_string().contains("\"name\""), "{err}");
    assert_eq!(v.count("organizations").unwrap(), 0);
}

#[test]
fn clearing_a_required_field_is_refused_naming_the_field() {
    let mut v = personal();
    let acme = add(&mut v, "organizations", &[("name", "Acme")]);

    let err = v.update_record_from_text(acme, &[("name", "  ")]).unwrap_err();

    assert!(matches!(&err, Error::Required { field } if field == "name"), "{err}");
    assert_eq!(shown(&v, acme, "name"), "Acme");
}

#[test]
fn a_second_record_with_a_unique_value_is_refused() {
    let mut v = client_base();
    let acme = add(&mut v, "organizations", &[("name", "Acme"), ("inn", "7701234567")]);

    let err = v
        .create_record_from_text("organizations", &[("name", "Acme twin"), ("inn", "7701234567")])
        .unwrap_err();

    match &err {
        Error::NotUnique { field, value, existing } => {
            assert_eq!(
                (field.as_str(), value.as_str(), *existing),
                ("inn", "7701234567", acme.0)
            );
        }
        other => panic!("expected NotUnique, got {other}"),
    }
    assert_eq!(v.count("organizations").unwrap(), 1);
}

#[test]
fn changing_a_record_to_another_records_unique_value_is_refused() {
    let mut v = client_base();
    add(&mut v, "organizations", &[("name", "Acme"), ("inn", "111")]);
    let borealis = add(&mut v, "organizations", &[("name", "Borealis"), ("inn", "222")]);

    assert!(matches!(
        v.update_record_from_text(borealis, &[("inn", "111")]),
        Err(Error::NotUnique { field, .. }) if field == "inn"
    ));
    // Saving a record with its own value again is fine.
    set(&mut v, borealis, &[("inn", "222"), ("city", "Paris")]);
    assert_eq!(shown(&v, borealis, "inn"), "222");
}

#[test]
fn a_deleted_record_frees_its_unique_value_and_cannot_come_back_while_it_is_taken() {
    let mut v = client_base();
    let acme = add(&mut v, "organizations", &[("name", "Acme"), ("inn", "111")]);
    v.delete_record(acme).unwrap();
    let successor = add(&mut v, "organizations", &[("name", "Acme 2"), ("inn", "111")]);

    let err = v.restore_record(acme).unwrap_err();

    assert!(
        matches!(&err, Error::NotUnique { field, existing, .. } if field == "inn" && *existing == successor.0),
        "{err}"
    );
    assert!(v.record(acme).unwrap().deleted);
}

#[test]
fn a_value_that_does_not_fit_the_field_is_refused_naming_the_field() {
    let mut v = client_base();
    let cases = [
        ("debt", "lots"),
        ("contract_end", "31.02.2024"),
        ("emails", "not-an-email"),
        ("phones", "call me"),
        ("status", "Sleeping"),
    ];
    for (key, text) in cases {
        let err = v
            .create_record_from_text("organizations", &[("name", "Acme"), (key, text)])
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidValue { field, .. } if field == key),
            "{key} = {text:?}: {err}"
        );
        assert!(err.to_string().contains(key), "{err}");
    }
    assert_eq!(v.count("organizations").unwrap(), 0);
}

#[test]
fn an_unknown_field_is_refused_naming_it() {
    let mut v = personal();
    let err = v
        .create_record_from_text("contacts", &[("first_name", "Ann"), ("shoe_size", "38")])
        .unwrap_err();
    assert!(
        matches!(&err, Error::NoField { section, field } if section == "contacts" && field == "shoe_size"),
        "{err}"
    );
}

#[test]
fn a_relation_given_by_title_points_to_the_record_with_that_title() {
    let mut v = personal();
    let acme = add(&mut v, "organizations", &[("name", "Acme Ltd")]);
    add(&mut v, "organizations", &[("name", "Acme Holdings")]);

    let ann = add(
        &mut v,
        "contacts",
        &[("first_name", "Ann"), ("organization", "acme ltd")],
    );
    let bob = add(
        &mut v,
        "contacts",
        &[("first_name", "Bob"), ("organization", &format!("#{acme}"))],
    );

    assert_eq!(v.record(ann).unwrap().get("organization"), Some(&Value::Relation(acme)));
    assert_eq!(v.record(bob).unwrap().get("organization"), Some(&Value::Relation(acme)));
    assert_eq!(v.record_title(acme), "Acme Ltd");
}

#[test]
fn a_relation_title_shared_by_two_records_is_refused_as_ambiguous() {
    let mut v = personal();
    let first = add(&mut v, "organizations", &[("name", "Acme")]);
    let second = add(&mut v, "organizations", &[("name", "Acme")]);

    let err = v
        .create_record_from_text("contacts", &[("first_name", "Ann"), ("organization", "Acme")])
        .unwrap_err();

    assert!(
        matches!(&err, Error::InvalidValue { field, .. } if field == "organization"),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains(&format!("#{first}")) && text.contains(&format!("#{second}")),
        "{text}"
    );
}

#[test]
fn a_relation_to_a_title_nobody_has_is_refused() {
    let mut v = personal();
    add(&mut v, "organizations", &[("name", "Acme")]);
    let err = v
        .create_record_from_text("contacts", &[("first_name", "Ann"), ("organization", "Acme Ltd")])
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidValue { field, .. } if field == "organization"),
        "{err}"
    );
}

#[test]
fn a_relation_to_a_record_of_the_wrong_section_is_refused() {
    let mut v = personal();
    let bob = add(&mut v, "contacts", &[("first_name", "Bob")]);

    let by_text = v.create_record_from_text(
        "contacts",
        &[("first_name", "Ann"), ("organization", &format!("#{bob}"))],
    );
    let typed = v.create_record(
        "contacts",
        vec![
            ("first_name".into(), Value::Text("Ann".into())),
            ("organization".into(), Value::Relation(bob)),
        ],
    );
    let missing = v.create_record(
        "contacts",
        vec![("organization".into(), Value::Relation(RecordId(999_999)))],
    );

    for err in [by_text.unwrap_err(), typed.unwrap_err(), missing.unwrap_err()] {
        assert!(
            matches!(&err, Error::InvalidValue { field, .. } if field == "organization"),
            "{err}"
        );
    }
    assert_eq!(v.count("contacts").unwrap(), 1);
}

#[test]
fn a_relation_without_a_target_section_may_point_anywhere() {
    let mut v = personal();
    let ann = add(&mut v, "contacts", &[("first_name", "Ann"), ("last_name", "Lee")]);
    let task = add(&mut v, "tasks", &[("title", "Call Ann"), ("record", "Ann Lee")]);
    assert_eq!(v.record(task).unwrap().get("record"), Some(&Value::Relation(ann)));
}

#[test]
fn related_lists_an_organizations_people_and_a_contacts_organization() {
    let mut v = personal();
    let acme = add(&mut v, "organizations", &[("name", "Acme")]);
    let other = add(&mut v, "organizations", &[("name", "Other")]);
    let ann = add(
        &mut v,
        "contacts",
        &[("first_name", "Ann"), ("last_name", "Lee"), ("organization", "Acme")],
    );
    let bob = add(&mut v, "contacts", &[("first_name", "Bob"), ("organization", "Acme")]);
    let _cid = add(&mut v, "contacts", &[("first_name", "Cid"), ("organization", "Other")]);
    let gone = add(&mut v, "contacts", &[("first_name", "Gone"), ("organization", "Acme")]);
    v.delete_record(gone).unwrap();

    let (people, points_to) = v.related(acme).unwrap();
    assert_eq!(
        people,
        [
            Related {
                section: "contacts".into(),
                field: "organization".into(),
                id: ann,
                title: "Ann Lee".into()
            },
            Related {
                section: "contacts".into(),
                field: "organization".into(),
                id: bob,
                title: "Bob".into()
            },
        ],
        "deleted contacts are left out"
    );
    assert!(points_to.is_empty());

    let (_, organization) = v.related(ann).unwrap();
    assert_eq!(
        organization,
        [Related {
            section: "organizations".into(),
            field: "organization".into(),
            id: acme,
            title: "Acme".into()
        }]
    );
    assert_ne!(acme, other);
}

#[test]
fn a_deleted_record_is_not_listed_or_found_but_is_listed_in_the_bin() {
    let mut v = personal();
    let ann = add(&mut v, "contacts", &[("first_name", "Ann"), ("last_name", "Lee")]);
    let bob = add(&mut v, "contacts", &[("first_name", "Bob"), ("last_name", "Lee")]);

    v.delete_record(ann).unwrap();

    assert_eq!(ids(&v, &Query::section("contacts")), [bob]);
    assert_eq!(found(&v, "contacts", "ann"), Vec::<RecordId>::new());
    assert_eq!(found(&v, "contacts", "lee"), [bob]);
    assert_eq!(v.count("contacts").unwrap(), 1);
    let bin = Query {
        deleted: true,
        ..Query::section("contacts")
    };
    let listed = v.list(&bin).unwrap();
    assert_eq!(listed.records.iter().map(|r| r.id).collect::<Vec<_>>(), [ann]);
    assert!(listed.records[0].deleted);
    assert_eq!(listed.records[0].get("first_name"), Some(&Value::Text("Ann".into())));
    assert!(matches!(
        v.update_record_from_text(ann, &[("first_name", "Anna")]),
        Err(Error::NoRecord(_))
    ));
    match v.delete_record(ann) {
        Err(Error::RecordState(m)) => assert_eq!(m, format!("record {ann} is already in the bin")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_restored_record_is_listed_and_found_again() {
    let mut v = personal();
    let ann = add(&mut v, "contacts", &[("first_name", "Ann"), ("last_name", "Lee")]);
    v.delete_record(ann).unwrap();

    v.restore_record(ann).unwrap();

    assert_eq!(ids(&v, &Query::section("contacts")), [ann]);
    assert_eq!(found(&v, "contacts", "ann"), [ann]);
    assert!(!v.record(ann).unwrap().deleted);
    match v.restore_record(ann) {
        Err(Error::RecordState(m)) => assert!(m.ends_with("not in the bin, so there is nothing to restore"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn history_shows_creation_each_changed_field_deletion_and_restoration_in_order() {
    let mut v = client_base();
    let acme = add(&mut v, "organizations", &[("name", "Acme"), ("city", "Berlin")]);
    set(&mut v, acme, &[("city", "Paris"), ("debt", "120.50"), ("name", "Acme")]);
    set(&mut v, acme, &[("city", "")]);
    v.delete_record(acme).unwrap();
    v.restore_record(acme).unwrap();

    let history = v.history(acme).unwrap();

    let steps: Vec<(&str, Option<&str>)> = history
        .iter()
        .map(|c| (c.action.as_str(), c.field.as_deref()))
        .collect();
    assert_eq!(
        steps,
        [
            ("create", None),
            ("update", Some("city")),
            ("update", Some("debt")),
            ("update", Some("city")),
            ("delete", None),
            ("restore", None),
        ],
        "an unchanged name is not logged"
    );
    let created = history[0].new.as_ref().unwrap();
    assert_eq!(created["name"], json!("Acme"));
    assert_eq!(created["city"], json!("Berlin"));
    assert_eq!(
        (history[1].old.clone(), history[1].new.clone()),
        (Some(json!("Berlin")), Some(json!("Paris")))
    );
    assert_eq!(
        (history[2].old.clone(), history[2].new.clone()),
        (None, Some(json!({"amount": 120.5, "currency": "USD"})))
    );
    assert_eq!(
        (history[3].old.clone(), history[3].new.clone()),
        (Some(json!("Paris")), None)
    );
    assert!(history.windows(2).all(|w| w[0].at <= w[1].at));
}

#[test]
fn secret_fields_are_not_searchable() {
    let mut v = personal();
    let bank = add(
        &mut v,
        "links",
        &[("title", "Bank"), ("login", "ann.lee"), ("password", "hunter2sesame")],
    );

    assert!(found(&v, "links", "hunter2sesame").is_empty());
    assert!(found(&v, "links", "hunter").is_empty());
    assert!(v.search_all("hunter2sesame", 10).unwrap().is_empty());
    assert_eq!(found(&v, "links", "ann.lee"), [bank], "other fields of the record are");
    assert_eq!(
        shown(&v, bank, "password"),
        "hunter2sesame",
        "the secret itself is kept"
    );

    set(&mut v, bank, &[("password", "opensesame99")]);
    assert!(found(&v, "links", "opensesame99").is_empty());
}

#[test]
fn a_field_default_fills_new_records_unless_given() {
    let mut v = personal();
    let plain = add(&mut v, "tasks", &[("title", "Plain")]);
    let urgent = add(&mut v, "tasks", &[("title", "Urgent"), ("priority", "high")]);
    assert_eq!(shown(&v, plain, "priority"), "Normal");
    assert_eq!(shown(&v, plain, "status"), "Open");
    assert_eq!(shown(&v, urgent, "priority"), "High");
}

#[test]
fn typed_values_read_back_as_typed_and_show_as_a_user_wrote_them() {
    let mut v = personal();
    let ann = add(
        &mut v,
        "contacts",
        &[
            ("first_name", "  Ann  "),
            ("phones", "mobile: +1 (905) 555-1234; work: +98 21 1234 5678"),
            ("emails", "ann@example.org"),
            ("birthday", "--02-29"),
            ("groups", "friends, Work, friends"),
        ],
    );
    assert_eq!(shown(&v, ann, "first_name"), "Ann");
    assert_eq!(
        shown(&v, ann, "phones"),
        "mobile: +1 (905) 555-1234; work: +98 21 1234 5678"
    );
    assert_eq!(shown(&v, ann, "birthday"), "--02-29");
    assert_eq!(
        v.record(ann).unwrap().get("groups"),
        Some(&Value::Tags(vec!["Friends".into(), "Work".into()])),
        "tags take the spelling of a known choice and appear once"
    );
}

#[test]
fn a_relation_to_a_record_removed_with_its_section_never_points_to_a_newer_record() {
    let mut v = personal();
    let ann = add(&mut v, "contacts", &[("first_name", "Ann")]);
    let acme = add(&mut v, "organizations", &[("name", "Acme")]);
    set(&mut v, ann, &[("organization", "Acme")]);
    v.delete_section("organizations").unwrap();
    v.empty_bin().unwrap();

    let task = add(&mut v, "tasks", &[("title", "Buy milk")]);

    let (_, points_to) = v.related(ann).unwrap();
    assert!(
        points_to.iter().all(|r| r.id != task),
        "Ann's organization now shows as {points_to:?}"
    );
    assert_ne!(task, acme, "record ids are never reused");
}

#[test]
fn creating_many_records_is_all_or_nothing() {
    let mut v = personal();
    let row = |first: &str| vec![("first_name".to_string(), Value::Text(first.into()))];
    let mut rows = vec![row("Ann"), row("Bob")];
    rows.push(vec![("shoe_size".to_string(), Value::Number(38.0))]);

    let err = v.create_records("contacts", rows).unwrap_err();

    assert!(
        matches!(&err, Error::NoField { field, .. } if field == "shoe_size"),
        "{err}"
    );
    assert_eq!(v.count("contacts").unwrap(), 0, "no record of the failed load landed");
    let made = v.create_records("contacts", vec![row("Ann"), row("Bob")]).unwrap();
    assert_eq!(ids(&v, &Query::section("contacts")), made);
}

#[test]
fn a_list_field_given_only_separators_is_left_empty() {
    let mut v = personal();
    let ann = add(
        &mut v,
        "contacts",
        &[("first_name", "Ann"), ("groups", ","), ("phones", "mobile:")],
    );

    let record = v.record(ann).unwrap();

    assert_eq!(record.get("groups"), None);
    assert_eq!(record.get("phones"), None);
    let q = Query::section("contacts")
        .filter("groups empty AND phones empty")
        .unwrap();
    assert_eq!(ids(&v, &q), [ann]);
}

#[test]
fn a_relation_to_a_deleted_record_is_refused() {
    let mut v = personal();
    let acme = add(&mut v, "organizations", &[("name", "Acme")]);
    v.delete_record(acme).unwrap();

    let by_title = v.create_record_from_text("contacts", &[("first_name", "Ann"), ("organization", "Acme")]);
    let by_id = v.create_record_from_text(
        "contacts",
        &[("first_name", "Bob"), ("organization", &format!("#{acme}"))],
    );

    for result in [by_title, by_id] {
        let err = result.unwrap_err();
        assert!(
            matches!(&err, Error::InvalidValue { field, .. } if field == "organization"),
            "{err}"
        );
    }
    assert_eq!(v.count("contacts").unwrap(), 0);
}
