//! Schema edits as a user makes them: renaming, hiding, reordering, the bin, new fields and
//! their options, and schema files exported from one vault and imported into another.

mod support;

use cardbase_engine::schema::SchemaFile;
use cardbase_engine::schema::edit::FieldChange;
use cardbase_engine::{Error, FieldType, Preset, Query, schema::FieldSpec};
use support::*;

#[test]
fn renaming_a_section_keeps_its_key_and_its_records() {
    let mut v = personal();
    let ann = add(&mut v, "contacts", &[("first_name", "Ann"), ("last_name", "Lee")]);

    v.rename_section("contacts", "People").unwrap();

    let s = v.schema().section("contacts").unwrap();
    assert_eq!((s.key.as_str(), s.label.as_str()), ("contacts", "People"));
    assert_eq!(
        v.schema().section("people").unwrap().key,
        "contacts",
        "found by its new label too"
    );
    assert_eq!(ids(&v, &Query::section("contacts")), [ann]);
    assert_eq!(shown(&v, ann, "first_name"), "Ann");
}

#[test]
fn renaming_a_field_keeps_its_key_and_its_values() {
    let mut v = personal();
    let ann = add(&mut v, "contacts", &[("first_name", "Ann"), ("last_name", "Lee")]);

    v.rename_field("contacts", "last_name", "Surname").unwrap();

    let f = v
        .schema()
        .section("contacts")
        .unwrap()
        .field("last_name")
        .unwrap()
        .clone();
    assert_eq!((f.key.as_str(), f.label.as_str()), ("last_name", "Surname"));
    assert_eq!(shown(&v, ann, "last_name"), "Lee");
    assert_eq!(found(&v, "contacts", "lee"), [ann]);
    assert_eq!(
        ids(&v, &Query::section("contacts").filter("last_name = Lee").unwrap()),
        [ann]
    );
}

#[test]
fn an_empty_label_is_refused() {
    let mut v = personal();
    assert!(matches!(
        v.rename_field("contacts", "last_name", "  "),
        Err(Error::Schema(_))
    ));
    assert!(matches!(v.rename_section("contacts", ""), Err(Error::Schema(_))));
    assert_eq!(v.schema().section("contacts").unwrap().label, "Contacts");
}

#[test]
fn hiding_a_field_takes_it_out_of_view_and_unhiding_brings_it_back_in_place() {
    let mut v = personal();
    let ann = add(&mut v, "contacts", &[("first_name", "Ann"), ("nickname", "Nan")]);
    let before = visible_fields(&v, "contacts");

    v.set_field_hidden("contacts", "nickname", true).unwrap();
    assert!(!visible_fields(&v, "contacts").contains(&"nickname".to_string()));
    assert!(
        v.schema()
            .section("contacts")
            .unwrap()
            .field("nickname")
            .unwrap()
            .hidden
    );
    assert_eq!(shown(&v, ann, "nickname"), "Nan", "a hidden field keeps its values");

    v.set_field_hidden("contacts", "nickname", false).unwrap();
    assert_eq!(visible_fields(&v, "contacts"), before);
}

#[test]
fn hiding_a_section_keeps_its_records_and_unhiding_shows_it_again() {
    let mut v = personal();
    let note = add(&mut v, "notes", &[("title", "Groceries")]);

    v.set_section_hidden("notes", true).unwrap();
    assert!(v.schema().section("notes").unwrap().hidden);
    assert_eq!(ids(&v, &Query::section("notes")), [note]);

    v.set_section_hidden("notes", false).unwrap();
    assert!(!v.schema().section("notes").unwrap().hidden);
}

#[test]
fn moving_a_section_reorders_the_sections() {
    let mut v = personal();
    assert_eq!(
        section_keys(&v),
        ["contacts", "organizations", "tasks", "notes", "links", "events"]
    );

    v.move_section("events", 1).unwrap();
    assert_eq!(
        section_keys(&v),
        ["events", "contacts", "organizations", "tasks", "notes", "links"]
    );

    v.move_section("contacts", 4).unwrap();
    assert_eq!(
        section_keys(&v),
        ["events", "organizations", "tasks", "contacts", "notes", "links"]
    );

    v.move_section("events", 99).unwrap();
    assert_eq!(
        section_keys(&v),
        ["organizations", "tasks", "contacts", "notes", "links", "events"],
        "a position past the end moves to the end"
    );
}

#[test]
fn moving_a_field_reorders_the_fields_and_the_values_of_records() {
    let mut v = personal();
    let acme = add(&mut v, "organizations", &[("name", "Acme"), ("notes", "Key account")]);
    assert_eq!(
        visible_fields(&v, "organizations"),
        ["name", "phones", "emails", "urls", "addresses", "notes"]
    );

    v.move_field("organizations", "notes", 1).unwrap();
    assert_eq!(
        visible_fields(&v, "organizations"),
        ["notes", "name", "phones", "emails", "urls", "addresses"]
    );
    v.move_field("organizations", "name", 3).unwrap();
    assert_eq!(
        visible_fields(&v, "organizations"),
        ["notes", "phones", "name", "emails", "urls", "addresses"]
    );

    let keys: Vec<String> = v.record(acme).unwrap().values.into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["notes", "name"], "a record lists its values in field order");
    assert_eq!(shown(&v, acme, "name"), "Acme");
}

#[test]
fn deleting_a_field_hides_its_values_from_records_and_search() {
    let mut v = personal();
    let ann = add(&mut v, "contacts", &[("first_name", "Ann"), ("nickname", "Zephyr")]);
    let bob = add(&mut v, "contacts", &[("first_name", "Bob"), ("nickname", "Quill")]);
    assert_eq!(found(&v, "contacts", "zephyr"), [ann]);

    v.delete_field("contacts", "nickname").unwrap();

    assert!(v.schema().section("contacts").unwrap().field("nickname").is_none());
    assert!(!visible_fields(&v, "contacts").contains(&"nickname".to_string()));
    assert_eq!(v.bin().fields, [("contacts".to_string(), "nickname".to_string())]);
    for id in [ann, bob] {
        assert_eq!(v.record(id).unwrap().get("nickname"), None);
    }
    assert!(found(&v, "contacts", "zephyr").is_empty());
    assert!(found(&v, "contacts", "quill").is_empty());
    assert!(matches!(
        Query::section("contacts")
            .filter("nickname = Quill")
            .map(|q| v.list(&q)),
        Ok(Err(Error::NoField { .. }))
    ));
    assert!(matches!(
        v.create_record_from_text("contacts", &[("nickname", "New")]),
        Err(Error::NoField { .. })
    ));
}

#[test]
fn restoring_a_deleted_field_brings_every_value_back() {
    let mut v = personal();
    let ann = add(&mut v, "contacts", &[("first_name", "Ann"), ("nickname", "Zephyr")]);
    let bob = add(&mut v, "contacts", &[("first_name", "Bob"), ("nickname", "Quill")]);
    let cid = add(&mut v, "contacts", &[("first_name", "Cid")]);
    v.delete_field("contacts", "nickname").unwrap();

    v.restore_field("contacts", "nickname").unwrap();

    assert_eq!(shown(&v, ann, "nickname"), "Zephyr");
    assert_eq!(shown(&v, bob, "nickname"), "Quill");
    assert_eq!(shown(&v, cid, "nickname"), "");
    assert_eq!(found(&v, "contacts", "zephyr"), [ann]);
    assert_eq!(
        ids(&v, &Query::section("contacts").filter("nickname = quill").unwrap()),
        [bob]
    );
    assert!(v.bin().fields.is_empty());
}

#[test]
fn the_only_title_field_cannot_be_deleted() {
    let mut v = personal();
    assert!(matches!(v.delete_field("organizations", "name"), Err(Error::Schema(_))));
    assert!(v.schema().section("organizations").unwrap().field("name").is_some());
}

#[test]
fn deleting_a_section_moves_it_to_the_bin_with_its_records() {
    let mut v = personal();
    let groceries = add(&mut v, "notes", &[("title", "Groceries"), ("text", "milk, eggs")]);
    let _ideas = add(&mut v, "notes", &[("title", "Ideas")]);

    v.delete_section("notes").unwrap();

    assert!(v.schema().section("notes").is_none());
    assert!(!section_keys(&v).contains(&"notes".to_string()));
    assert_eq!(v.bin().sections, ["notes"]);
    assert!(matches!(v.list(&Query::section("notes")), Err(Error::NoSection(_))));
    assert!(v.search_all("groceries", 10).unwrap().is_empty());
    assert!(matches!(
        v.create_record_from_text("notes", &[("title", "More")]),
        Err(Error::NoSection(_))
    ));
    assert_eq!(
        v.record(groceries).unwrap().get("title").unwrap().display(),
        "Groceries"
    );
}

#[test]
fn restoring_a_deleted_section_brings_back_its_records() {
    let mut v = personal();
    let groceries = add(&mut v, "notes", &[("title", "Groceries"), ("text", "milk, eggs")]);
    let ideas = add(&mut v, "notes", &[("title", "Ideas")]);
    v.delete_section("notes").unwrap();

    v.restore_section("notes").unwrap();

    assert_eq!(ids(&v, &Query::section("notes")), [groceries, ideas]);
    assert_eq!(shown(&v, groceries, "text"), "milk, eggs");
    assert_eq!(found(&v, "notes", "groceries"), [groceries]);
    assert!(v.bin().sections.is_empty());
    assert_eq!(
        section_keys(&v),
        ["contacts", "organizations", "tasks", "notes", "links", "events"]
    );
}

#[test]
fn emptying_the_bin_removes_binned_fields_and_sections_for_good() {
    let mut v = personal();
    let ann = add(&mut v, "contacts", &[("first_name", "Ann"), ("nickname", "Zephyr")]);
    let note = add(&mut v, "notes", &[("title", "Groceries")]);
    v.delete_field("contacts", "nickname").unwrap();
    v.delete_section("notes").unwrap();

    let removed = v.empty_bin().unwrap();

    assert_eq!(removed.sections, ["notes"]);
    assert_eq!(removed.fields, [("contacts".to_string(), "nickname".to_string())]);
    assert!(v.bin().sections.is_empty() && v.bin().fields.is_empty());
    assert!(v.restore_field("contacts", "nickname").is_err());
    assert!(v.restore_section("notes").is_err());
    assert!(v.schema().sections.iter().all(|s| s.key != "notes"));
    let contacts = v.schema().section("contacts").unwrap();
    assert!(contacts.fields.iter().all(|f| f.key != "nickname"));
    assert!(matches!(v.record(note), Err(Error::NoRecord(_))));
    assert_eq!(shown(&v, ann, "first_name"), "Ann");
    assert!(found(&v, "contacts", "zephyr").is_empty());
    assert!(v.check().unwrap().problems.is_empty());
}

#[test]
fn a_key_emptied_from_the_bin_can_be_added_again_and_starts_empty() {
    let mut v = personal();
    let ann = add(&mut v, "contacts", &[("first_name", "Ann"), ("nickname", "Zephyr")]);
    add(&mut v, "notes", &[("title", "Groceries")]);
    v.delete_field("contacts", "nickname").unwrap();
    v.delete_section("notes").unwrap();
    v.empty_bin().unwrap();

    v.add_field("contacts", &FieldSpec::new("nickname", "Nickname", FieldType::Text))
        .unwrap();
    v.add_section("notes", "Notes").unwrap();

    assert_eq!(shown(&v, ann, "nickname"), "", "the emptied value does not come back");
    assert!(found(&v, "contacts", "zephyr").is_empty());
    assert_eq!(v.list(&Query::section("notes")).unwrap().total, 0);
    set(&mut v, ann, &[("nickname", "Nan")]);
    assert_eq!(shown(&v, ann, "nickname"), "Nan");
}

#[test]
fn a_field_added_after_emptying_the_bin_has_none_of_the_emptied_fields_history() {
    let mut v = personal();
    v.add_field("contacts", &FieldSpec::new("rating", "Rating", FieldType::Number))
        .unwrap();
    let old_id = v.schema().section("contacts").unwrap().field("rating").unwrap().id;
    let ann = add(&mut v, "contacts", &[("first_name", "Ann")]);
    set(&mut v, ann, &[("rating", "5")]);
    v.delete_field("contacts", "rating").unwrap();
    v.empty_bin().unwrap();

    v.add_field("contacts", &FieldSpec::new("shoe_size", "Shoe size", FieldType::Number))
        .unwrap();

    let new_id = v.schema().section("contacts").unwrap().field("shoe_size").unwrap().id;
    let history = v.history(ann).unwrap();
    assert!(
        history.iter().all(|c| c.field.as_deref() != Some("shoe_size")),
        "Ann's shoe size was never set, but her history says: {history:?}"
    );
    assert_ne!(new_id, old_id, "field ids are never reused");
}

#[test]
fn undo_after_emptying_the_bin_leaves_a_new_field_alone() {
    let mut v = personal();
    v.add_field("contacts", &FieldSpec::new("rating", "Rating", FieldType::Number))
        .unwrap();
    let ann = add(&mut v, "contacts", &[("first_name", "Ann"), ("rating", "5")]);
    set(&mut v, ann, &[("rating", "7")]);
    v.delete_field("contacts", "rating").unwrap();
    v.empty_bin().unwrap();
    v.add_field("contacts", &FieldSpec::new("shoe_size", "Shoe size", FieldType::Number))
        .unwrap();

    v.undo().unwrap();

    assert_eq!(shown(&v, ann, "shoe_size"), "", "Ann's shoe size was never set");
}

#[test]
fn adding_a_field_refuses_bad_keys() {
    let mut v = personal();
    let too_long = "a".repeat(65);
    for key in [
        "First name",
        "1st",
        "",
        "_x",
        "name-2",
        "Name",
        "имя",
        too_long.as_str(),
    ] {
        let err = v
            .add_field("contacts", &FieldSpec::new(key, "Label", FieldType::Text))
            .unwrap_err();
        assert!(matches!(err, Error::Schema(_)), "{key:?}: {err}");
    }
    v.add_field("contacts", &FieldSpec::new(&"a".repeat(64), "Long", FieldType::Text))
        .unwrap();
    v.add_field("contacts", &FieldSpec::new("x2_y", "Fine", FieldType::Text))
        .unwrap();
    assert!(v.schema().section("contacts").unwrap().field("x2_y").is_some());
}

#[test]
fn adding_a_field_refuses_a_key_already_in_the_section() {
    let mut v = personal();
    let err = v
        .add_field("contacts", &FieldSpec::new("first_name", "Given name", FieldType::Text))
        .unwrap_err();
    assert!(matches!(&err, Error::Schema(m) if m.contains("first_name")), "{err}");
    assert_eq!(
        v.schema()
            .section("contacts")
            .unwrap()
            .field("first_name")
            .unwrap()
            .label,
        "First name"
    );
    // The same key in another section is fine.
    v.add_field("notes", &FieldSpec::new("first_name", "First name", FieldType::Text))
        .unwrap();
}

#[test]
fn adding_a_field_refuses_a_key_that_is_in_the_bin() {
    let mut v = personal();
    v.delete_field("contacts", "nickname").unwrap();

    let err = v
        .add_field("contacts", &FieldSpec::new("nickname", "Nick", FieldType::Text))
        .unwrap_err();

    assert!(matches!(&err, Error::Schema(m) if m.contains("bin")), "{err}");
    assert_eq!(v.bin().fields, [("contacts".to_string(), "nickname".to_string())]);
}

#[test]
fn adding_a_field_refuses_options_that_cannot_work() {
    let mut v = personal();
    let choice = FieldSpec::new("size", "Size", FieldType::Choice);
    assert!(matches!(v.add_field("contacts", &choice), Err(Error::Schema(_))));

    let mut relation = FieldSpec::new("boss", "Boss", FieldType::Relation);
    relation.target = Some("nowhere".into());
    assert!(matches!(v.add_field("contacts", &relation), Err(Error::NoSection(_))));

    let mut money = FieldSpec::new("salary", "Salary", FieldType::Money);
    money.currency = Some("euro".into());
    assert!(matches!(v.add_field("contacts", &money), Err(Error::Schema(_))));

    let mut number = FieldSpec::new("age", "Age", FieldType::Number);
    number.default = Some("old".into());
    assert!(matches!(v.add_field("contacts", &number), Err(Error::InvalidValue { field, .. }) if field == "age"));

    let contacts = v.schema().section("contacts").unwrap();
    assert!(
        ["size", "boss", "salary", "age"]
            .iter()
            .all(|k| contacts.field(k).is_none())
    );
}

#[test]
fn a_new_field_with_a_default_fills_new_records_only() {
    let mut v = personal();
    let before = add(&mut v, "contacts", &[("first_name", "Ann")]);
    let mut spec = FieldSpec::new("country", "Country", FieldType::Text);
    spec.default = Some("Iran".into());
    v.add_field("contacts", &spec).unwrap();

    let after = add(&mut v, "contacts", &[("first_name", "Bob")]);

    assert_eq!(shown(&v, before, "country"), "");
    assert_eq!(shown(&v, after, "country"), "Iran");
}

#[test]
fn a_field_cannot_become_unique_while_records_share_a_value() {
    let mut v = client_base();
    add(&mut v, "organizations", &[("name", "Acme"), ("city", "Berlin")]);
    let borealis = add(&mut v, "organizations", &[("name", "Borealis"), ("city", "Berlin")]);
    let unique = FieldChange {
        unique: Some(true),
        ..FieldChange::default()
    };

    let err = v.set_field_options("organizations", "city", &unique).unwrap_err();
    assert!(matches!(&err, Error::Schema(m) if m.contains("Berlin")), "{err}");
    assert!(
        !v.schema()
            .section("organizations")
            .unwrap()
            .field("city")
            .unwrap()
            .unique
    );

    set(&mut v, borealis, &[("city", "Paris")]);
    v.set_field_options("organizations", "city", &unique).unwrap();
    assert!(
        v.schema()
            .section("organizations")
            .unwrap()
            .field("city")
            .unwrap()
            .unique
    );
    assert!(matches!(
        v.create_record_from_text("organizations", &[("name", "Cobalt"), ("city", "Paris")]),
        Err(Error::NotUnique { field, .. }) if field == "city"
    ));
}

#[test]
fn a_field_cannot_become_required_while_records_leave_it_empty() {
    let mut v = client_base();
    add(&mut v, "organizations", &[("name", "Acme"), ("manager", "Olga")]);
    let borealis = add(&mut v, "organizations", &[("name", "Borealis")]);
    let required = FieldChange {
        required: Some(true),
        ..FieldChange::default()
    };

    let err = v.set_field_options("organizations", "manager", &required).unwrap_err();
    assert!(matches!(&err, Error::Schema(m) if m.contains("1 record")), "{err}");
    assert!(
        !v.schema()
            .section("organizations")
            .unwrap()
            .field("manager")
            .unwrap()
            .required
    );

    set(&mut v, borealis, &[("manager", "Reza")]);
    v.set_field_options("organizations", "manager", &required).unwrap();
    assert!(matches!(
        v.create_record_from_text("organizations", &[("name", "Cobalt")]),
        Err(Error::Required { field }) if field == "manager"
    ));
}

#[test]
fn deleted_records_do_not_stop_a_field_becoming_unique_or_required() {
    let mut v = client_base();
    add(&mut v, "organizations", &[("name", "Acme"), ("city", "Berlin")]);
    let twin = add(&mut v, "organizations", &[("name", "Borealis"), ("city", "Berlin")]);
    let empty = add(&mut v, "organizations", &[("name", "Cobalt")]);
    v.delete_record(twin).unwrap();
    v.delete_record(empty).unwrap();

    let change = FieldChange {
        unique: Some(true),
        required: Some(true),
        ..FieldChange::default()
    };
    v.set_field_options("organizations", "city", &change).unwrap();

    let f = v
        .schema()
        .section("organizations")
        .unwrap()
        .field("city")
        .unwrap()
        .clone();
    assert!(f.unique && f.required);
}

/// Exports `from`'s schema as TOML, reads it back and imports it into `into`.
fn copy_schema(from: &cardbase_engine::Vault, into: &mut cardbase_engine::Vault) -> SchemaFile {
    let exported = from.export_schema();
    let text = exported.to_toml();
    let parsed = SchemaFile::parse("exported.toml", &text).unwrap();
    assert_eq!(parsed, exported, "an exported schema reads back as written");
    into.import_schema(&parsed).unwrap();
    exported
}

#[test]
fn a_schema_exported_and_imported_into_a_vault_of_another_preset_exports_the_same_sections() {
    for (from, into) in [
        (Preset::Personal, Preset::ClientBase),
        (Preset::ClientBase, Preset::Personal),
    ] {
        let source = vault(from);
        let mut target = vault(into);

        let exported = copy_schema(&source, &mut target);

        let again = target.export_schema();
        assert_eq!(again.sections, exported.sections, "{} into {}", from.key(), into.key());
        assert_eq!(section_keys(&target), section_keys(&source));
    }
}

#[test]
fn a_schema_imported_into_another_vault_exports_under_the_imported_name() {
    let source = vault(Preset::Personal);
    let mut target = vault(Preset::ClientBase);

    let exported = copy_schema(&source, &mut target);

    assert_eq!(target.export_schema(), exported);
}

#[test]
fn importing_a_schema_into_a_vault_keeps_records_of_the_sections_it_shares() {
    let mut target = vault(Preset::ClientBase);
    let acme = add(&mut target, "organizations", &[("name", "Acme"), ("city", "Berlin")]);
    let source = vault(Preset::Personal);

    copy_schema(&source, &mut target);

    assert_eq!(target.schema().section("organizations").unwrap().label, "Organizations");
    assert_eq!(shown(&target, acme, "name"), "Acme");
    assert_eq!(shown(&target, acme, "city"), "", "city is in the bin now");
    assert!(
        target
            .bin()
            .fields
            .contains(&("organizations".to_string(), "city".to_string()))
    );
    target.restore_field("organizations", "city").unwrap();
    assert_eq!(shown(&target, acme, "city"), "Berlin");
}

#[test]
fn importing_a_schema_that_leaves_out_a_field_moves_it_to_the_bin_restorably() {
    let mut v = personal();
    let ann = add(&mut v, "contacts", &[("first_name", "Ann"), ("nickname", "Zephyr")]);
    let mut file = v.export_schema();
    let contacts = file.sections.iter_mut().find(|s| s.key == "contacts").unwrap();
    contacts.fields.retain(|f| f.key != "nickname");
    let file = SchemaFile::parse("edited.toml", &file.to_toml()).unwrap();

    let log = v.import_schema(&file).unwrap();

    assert!(log.iter().any(|l| l.contains("contacts.nickname")), "{log:?}");
    assert_eq!(v.bin().fields, [("contacts".to_string(), "nickname".to_string())]);
    assert_eq!(shown(&v, ann, "nickname"), "");
    assert!(found(&v, "contacts", "zephyr").is_empty());

    v.restore_field("contacts", "nickname").unwrap();
    assert_eq!(shown(&v, ann, "nickname"), "Zephyr");
    assert_eq!(found(&v, "contacts", "zephyr"), [ann]);
}

#[test]
fn importing_a_schema_that_leaves_out_a_section_moves_it_to_the_bin_restorably() {
    let mut v = personal();
    let link = add(&mut v, "links", &[("title", "Bank"), ("login", "ann")]);
    let mut file = v.export_schema();
    file.sections.retain(|s| s.key != "links");

    v.import_schema(&file).unwrap();

    assert_eq!(v.bin().sections, ["links"]);
    assert!(v.schema().section("links").is_none());
    v.restore_section("links").unwrap();
    assert_eq!(shown(&v, link, "login"), "ann");
}

#[test]
fn importing_the_same_schema_again_changes_nothing() {
    let mut v = client_base();
    let file = v.export_schema();

    let log = v.import_schema(&file).unwrap();

    assert!(log.is_empty(), "{log:?}");
    assert_eq!(v.export_schema(), file);
}

#[test]
fn a_schema_exported_after_binning_a_title_field_reads_back() {
    let mut v = personal();
    v.delete_field("contacts", "last_name").unwrap();

    let text = v.export_schema().to_toml();

    let parsed = SchemaFile::parse("exported.toml", &text);
    assert!(parsed.is_ok(), "{}", parsed.unwrap_err());
}

#[test]
fn a_schema_exported_after_binning_a_relation_target_reads_back() {
    let mut v = personal();
    v.delete_section("organizations").unwrap();

    let text = v.export_schema().to_toml();

    let parsed = SchemaFile::parse("exported.toml", &text);
    assert!(parsed.is_ok(), "{}", parsed.unwrap_err());
}
