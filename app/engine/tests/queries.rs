//! Queries as a user types them: quick search in any script, filters with every operator on
//! every kind of field, AND/OR/NOT, multi-column sorting and paging.

mod support;

use cardbase_engine::{Error, FieldType, Query, RecordId, Vault, schema::FieldSpec};
use support::*;

// ---------------------------------------------------------------------------------------------
// Quick search
// ---------------------------------------------------------------------------------------------

#[test]
fn quick_search_matches_the_start_of_words() {
    let mut v = personal();
    let ada = add(&mut v, "contacts", &[("first_name", "Ada"), ("last_name", "Lovelace")]);
    let alan = add(&mut v, "contacts", &[("first_name", "Alan"), ("last_name", "Turing")]);

    assert_eq!(found(&v, "contacts", "lov"), [ada]);
    assert_eq!(found(&v, "contacts", "LOVELACE"), [ada]);
    assert_eq!(found(&v, "contacts", "a"), [ada, alan]);
    assert_eq!(found(&v, "contacts", "al tur"), [alan], "every word must match");
    assert!(
        found(&v, "contacts", "ovelace").is_empty(),
        "the middle of a word does not match"
    );
}

#[test]
fn quick_search_ignores_accents_on_latin_letters() {
    let mut v = personal();
    let jose = add(&mut v, "contacts", &[("first_name", "José"), ("last_name", "Núñez")]);
    assert_eq!(found(&v, "contacts", "jose nunez"), [jose]);
    assert_eq!(found(&v, "contacts", "JOSÉ"), [jose]);
}

#[test]
fn quick_search_treats_yo_and_ye_as_one_letter_in_cyrillic() {
    let mut v = personal();
    let pyotr = add(&mut v, "contacts", &[("first_name", "Пётр"), ("last_name", "Иванов")]);
    let petr = add(&mut v, "contacts", &[("first_name", "Петр"), ("last_name", "Сидоров")]);
    let alyona = add(
        &mut v,
        "contacts",
        &[("first_name", "Алёна"), ("last_name", "Семенова")],
    );

    assert_eq!(found(&v, "contacts", "пётр"), [pyotr, petr]);
    assert_eq!(found(&v, "contacts", "ПЕТР"), [pyotr, petr]);
    assert_eq!(found(&v, "contacts", "пётр ив"), [pyotr]);
    assert_eq!(found(&v, "contacts", "алена"), [alyona]);
    assert_eq!(found(&v, "contacts", "семён"), [alyona]);
}

#[test]
fn quick_search_unifies_arabic_and_persian_letters_and_digits() {
    let mut v = personal();
    let ali = add(&mut v, "contacts", &[("first_name", "علی"), ("last_name", "رضایی")]);
    let karim = add(&mut v, "contacts", &[("first_name", "كريم")]);
    let note = add(&mut v, "notes", &[("title", "قرار ۱۴۰۳")]);

    assert_eq!(found(&v, "contacts", "علي"), [ali], "Arabic yeh finds Persian yeh");
    assert_eq!(found(&v, "contacts", "علی"), [ali]);
    assert_eq!(found(&v, "contacts", "رضا"), [ali]);
    assert_eq!(
        found(&v, "contacts", "کریم"),
        [karim],
        "Persian kaf and yeh find Arabic ones"
    );
    assert_eq!(
        found(&v, "notes", "1403"),
        [note],
        "Persian digits are found by ASCII ones"
    );
}

#[test]
fn quick_search_finds_a_phone_number_by_any_fragment_of_its_digits() {
    let mut v = personal();
    let ann = add(
        &mut v,
        "contacts",
        &[("first_name", "Ann"), ("phones", "mobile: +1 (905) 555-1234")],
    );
    let bob = add(
        &mut v,
        "contacts",
        &[("first_name", "Bob"), ("phones", "+7 495 123-45-67")],
    );

    assert_eq!(found(&v, "contacts", "555-12"), [ann]);
    assert_eq!(found(&v, "contacts", "5551234"), [ann]);
    assert_eq!(found(&v, "contacts", "(905) 555"), [ann]);
    assert_eq!(found(&v, "contacts", "9055551"), [ann], "digits across punctuation");
    assert_eq!(found(&v, "contacts", "۵۵۵۱۲"), [ann], "Persian digits");
    assert_eq!(found(&v, "contacts", "234567"), [bob]);
    assert!(found(&v, "contacts", "555-13").is_empty());
}

#[test]
fn quick_search_across_sections_groups_what_it_finds() {
    let mut v = personal();
    let org = add(&mut v, "organizations", &[("name", "Zenith Labs")]);
    let task = add(&mut v, "tasks", &[("title", "Call Zenith")]);

    let all = v.search_all("zenith", 10).unwrap();

    let found: Vec<(String, Vec<RecordId>)> = all
        .into_iter()
        .map(|(s, r)| (s, r.records.iter().map(|r| r.id).collect()))
        .collect();
    assert_eq!(
        found,
        [("organizations".into(), vec![org]), ("tasks".into(), vec![task])]
    );
}

#[test]
fn quick_search_reads_search_syntax_as_plain_text() {
    let mut v = personal();
    let ann = add(
        &mut v,
        "contacts",
        &[("first_name", "Ann"), ("last_name", "O'Neil-Smith")],
    );
    for q in ["\"", "*", "(", "-", "AND", "NEAR(", "^", "ann OR bob"] {
        let r = v.list(&Query::section("contacts").search(q));
        assert!(r.as_ref().is_ok_and(|r| r.total == 0), "{q:?}: {r:?}");
    }
    assert_eq!(found(&v, "contacts", "\"ann\""), [ann]);
    assert_eq!(found(&v, "contacts", "o'neil-sm"), [ann]);
}

// ---------------------------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------------------------

/// Five client organizations with a text, number, money, date, checkbox, choice and tags field
/// each, some left empty:
///
/// | name     | city   | employees | debt   | contract_end | vip | status      | labels          |
/// |----------|--------|-----------|--------|--------------|-----|-------------|-----------------|
/// | Acme     | Berlin | 10        | 100    | 2024-01-15   | yes | Active      | wholesale, eu   |
/// | Borealis | Paris  | 25.5      | 250.50 | 2024-06-30   | no  | Lead        | retail          |
/// | Cobalt   | Berlin | 3         |        | 2025-01-01   |     | Lost        |                 |
/// | Dynamo   |        |           | 0      |              | yes | Negotiation | retail, eu      |
/// | Éclair   | Москва | 1000      | 99.99  | 2023-12-31   | no  | Paused      | eu              |
fn clients() -> TestVault {
    let mut v = client_base();
    v.add_field(
        "organizations",
        &FieldSpec::new("employees", "Employees", FieldType::Number),
    )
    .unwrap();
    v.add_field("organizations", &FieldSpec::new("vip", "VIP", FieldType::Checkbox))
        .unwrap();
    v.add_field("organizations", &FieldSpec::new("labels", "Labels", FieldType::Tags))
        .unwrap();
    let rows: [[&str; 8]; 5] = [
        [
            "Acme",
            "Berlin",
            "10",
            "100",
            "2024-01-15",
            "yes",
            "Active",
            "wholesale, eu",
        ],
        [
            "Borealis",
            "Paris",
            "25.5",
            "250.50",
            "2024-06-30",
            "no",
            "Lead",
            "retail",
        ],
        ["Cobalt", "Berlin", "3", "", "2025-01-01", "", "Lost", ""],
        ["Dynamo", "", "", "0", "", "yes", "Negotiation", "retail, eu"],
        ["Éclair", "Москва", "1000", "99.99", "2023-12-31", "no", "Paused", "eu"],
    ];
    let keys = [
        "name",
        "city",
        "employees",
        "debt",
        "contract_end",
        "vip",
        "status",
        "labels",
    ];
    for row in rows {
        let input: Vec<(&str, &str)> = keys.iter().copied().zip(row).collect();
        add(&mut v, "organizations", &input);
    }
    v
}

/// Names of the organizations a filter selects, in name order.
fn names(v: &Vault, filter: &str) -> Vec<String> {
    let q = Query::section("organizations")
        .filter(filter)
        .unwrap_or_else(|e| panic!("{filter}: {e}"))
        .sort("name", false);
    v.list(&q)
        .unwrap_or_else(|e| panic!("{filter}: {e}"))
        .records
        .iter()
        .map(|r| r.get("name").unwrap().display())
        .collect()
}

fn filter_error(v: &Vault, filter: &str) -> Error {
    let q = Query::section("organizations").filter(filter).unwrap();
    v.list(&q).expect_err(filter)
}

#[track_caller]
fn check(v: &Vault, cases: &[(&str, &[&str])]) {
    for (filter, expected) in cases {
        assert_eq!(names(v, filter), *expected, "filter: {filter}");
    }
}

const ALL: &[&str] = &["Acme", "Borealis", "Cobalt", "Dynamo", "Éclair"];

#[test]
fn text_fields_filter_with_every_operator() {
    let v = clients();
    check(
        &v,
        &[
            ("city = berlin", &["Acme", "Cobalt"]),
            ("city = 'BERLIN'", &["Acme", "Cobalt"]),
            ("city != Berlin", &["Borealis", "Dynamo", "Éclair"]),
            ("city < Paris", &["Acme", "Cobalt"]),
            ("city <= Paris", &["Acme", "Borealis", "Cobalt"]),
            ("city > Paris", &["Éclair"]),
            ("city >= Paris", &["Borealis", "Éclair"]),
            ("city contains erl", &["Acme", "Cobalt"]),
            ("city contains МОСК", &["Éclair"]),
            ("city starts-with BER", &["Acme", "Cobalt"]),
            ("city starts-with erl", &[]),
            ("city in (paris, москва)", &["Borealis", "Éclair"]),
            ("city empty", &["Dynamo"]),
            ("city not-empty", &["Acme", "Borealis", "Cobalt", "Éclair"]),
        ],
    );
}

#[test]
fn number_fields_filter_with_every_operator() {
    let v = clients();
    check(
        &v,
        &[
            ("employees = 10", &["Acme"]),
            ("employees = 10.0", &["Acme"]),
            ("employees != 10", &["Borealis", "Cobalt", "Dynamo", "Éclair"]),
            ("employees < 10", &["Cobalt"]),
            ("employees <= 10", &["Acme", "Cobalt"]),
            ("employees > 25.5", &["Éclair"]),
            ("employees >= '25,5'", &["Borealis", "Éclair"]),
            ("employees > -1", &["Acme", "Borealis", "Cobalt", "Éclair"]),
            ("employees contains 5", &["Borealis"]),
            ("employees starts-with 1", &["Acme", "Éclair"]),
            ("employees in (3, 1000, 7)", &["Cobalt", "Éclair"]),
            ("employees empty", &["Dynamo"]),
            ("employees not-empty", &["Acme", "Borealis", "Cobalt", "Éclair"]),
        ],
    );
    assert!(matches!(filter_error(&v, "employees > many"), Error::InvalidValue { field, .. } if field == "employees"));
}

#[test]
fn money_fields_filter_with_every_operator() {
    let v = clients();
    check(
        &v,
        &[
            ("debt = 100", &["Acme"]),
            ("debt = $100.00", &["Acme"]),
            ("debt != 0", &["Acme", "Borealis", "Cobalt", "Éclair"]),
            ("debt < 100", &["Dynamo", "Éclair"]),
            ("debt <= 0", &["Dynamo"]),
            ("debt > 100", &["Borealis"]),
            ("debt >= 99.99", &["Acme", "Borealis", "Éclair"]),
            ("debt in (0, 250.5)", &["Borealis", "Dynamo"]),
            ("debt empty", &["Cobalt"]),
            ("debt not-empty", &["Acme", "Borealis", "Dynamo", "Éclair"]),
        ],
    );
}

#[test]
fn date_fields_filter_with_every_operator() {
    let v = clients();
    check(
        &v,
        &[
            ("contract_end = 2024-01-15", &["Acme"]),
            ("contract_end = 15.01.2024", &["Acme"]),
            (
                "contract_end != 2024-01-15",
                &["Borealis", "Cobalt", "Dynamo", "Éclair"],
            ),
            ("contract_end < 2024-01-01", &["Éclair"]),
            ("contract_end <= 2024-01-15", &["Acme", "Éclair"]),
            ("contract_end > 2024-06-30", &["Cobalt"]),
            ("contract_end >= 2024-06-30", &["Borealis", "Cobalt"]),
            ("contract_end in (2024-01-15, 2025-01-01)", &["Acme", "Cobalt"]),
            ("contract_end empty", &["Dynamo"]),
            ("contract_end not-empty", &["Acme", "Borealis", "Cobalt", "Éclair"]),
        ],
    );
    assert!(matches!(
        filter_error(&v, "contract_end < soon"),
        Error::InvalidValue { field, .. } if field == "contract_end"
    ));
}

#[test]
fn checkbox_fields_filter_with_equals_not_equals_and_emptiness() {
    let v = clients();
    check(
        &v,
        &[
            ("vip = yes", &["Acme", "Dynamo"]),
            ("vip = true", &["Acme", "Dynamo"]),
            ("vip = no", &["Borealis", "Cobalt", "Éclair"]),
            ("vip != yes", &["Borealis", "Cobalt", "Éclair"]),
            ("vip != no", &["Acme", "Dynamo"]),
            ("vip empty", &["Cobalt"]),
            ("vip not-empty", &["Acme", "Borealis", "Dynamo", "Éclair"]),
        ],
    );
    assert!(matches!(filter_error(&v, "vip > no"), Error::Query(_)));
}

#[test]
fn checkbox_in_a_list_matches_like_equals() {
    let v = clients();
    check(
        &v,
        &[
            ("vip in (yes, no)", ALL),
            ("vip in (no)", &["Borealis", "Cobalt", "Éclair"]),
            ("vip in (yes)", &["Acme", "Dynamo"]),
        ],
    );
}

#[test]
fn choice_fields_filter_with_every_operator() {
    let v = clients();
    check(
        &v,
        &[
            ("status = active", &["Acme"]),
            ("status != Lead", &["Acme", "Cobalt", "Dynamo", "Éclair"]),
            ("status < Negotiation", &["Acme", "Borealis", "Cobalt"]),
            ("status <= Lead", &["Acme", "Borealis"]),
            ("status > Negotiation", &["Éclair"]),
            ("status >= Negotiation", &["Dynamo", "Éclair"]),
            ("status contains O", &["Cobalt", "Dynamo"]),
            ("status starts-with pa", &["Éclair"]),
            ("status in (lead, LOST)", &["Borealis", "Cobalt"]),
            ("status empty", &[]),
            ("status not-empty", ALL),
        ],
    );
    assert!(matches!(filter_error(&v, "status = Sleeping"), Error::InvalidValue { field, .. } if field == "status"));
}

#[test]
fn tags_fields_filter_by_any_of_their_tags() {
    let v = clients();
    check(
        &v,
        &[
            ("labels = eu", &["Acme", "Dynamo", "Éclair"]),
            ("labels = EU", &["Acme", "Dynamo", "Éclair"]),
            ("labels != eu", &["Borealis", "Cobalt"]),
            ("labels contains sale", &["Acme"]),
            ("labels contains AIL", &["Borealis", "Dynamo"]),
            ("labels starts-with ret", &["Borealis", "Dynamo"]),
            ("labels starts-with sale", &[]),
            ("labels in (retail, wholesale)", &["Acme", "Borealis", "Dynamo"]),
            ("labels empty", &["Cobalt"]),
            ("labels not-empty", &["Acme", "Borealis", "Dynamo", "Éclair"]),
        ],
    );
    for op in ["<", "<=", ">", ">="] {
        assert!(
            matches!(filter_error(&v, &format!("labels {op} eu")), Error::Query(_)),
            "{op}"
        );
    }
}

#[test]
fn conditions_combine_with_and_or_not_and_parentheses() {
    let v = clients();
    check(
        &v,
        &[
            ("city = berlin AND employees > 5", &["Acme"]),
            ("city = paris OR status = lost", &["Borealis", "Cobalt"]),
            ("city = paris OR city = berlin AND vip = yes", &["Acme", "Borealis"]),
            ("(city = paris OR city = berlin) AND vip = yes", &["Acme"]),
            (
                "(city = berlin OR city = paris) AND NOT vip = yes",
                &["Borealis", "Cobalt"],
            ),
            ("NOT (city = berlin OR labels = eu)", &["Borealis"]),
            ("NOT NOT vip = yes", &["Acme", "Dynamo"]),
            (
                "labels = eu && debt < 100 || status = lead",
                &["Borealis", "Dynamo", "Éclair"],
            ),
        ],
    );
}

#[test]
fn not_selects_exactly_the_records_the_condition_leaves_out() {
    let v = clients();
    for condition in [
        "city = berlin",
        "employees > 5",
        "debt < 100",
        "contract_end >= 2024-06-30",
        "city contains erl",
        "labels = eu",
        "vip = yes",
        "status = lead",
    ] {
        let inside = names(&v, condition);
        let outside = names(&v, &format!("NOT ({condition})"));
        let mut both: Vec<String> = inside.iter().chain(&outside).cloned().collect();
        both.sort();
        assert_eq!(both, ALL, "{condition}: {inside:?} + NOT: {outside:?}");
    }
}

#[test]
fn several_filters_on_a_query_must_all_hold() {
    let v = clients();
    let q = Query::section("organizations")
        .filter("city = berlin")
        .unwrap()
        .filter("vip = yes")
        .unwrap();
    let list = v.list(&q).unwrap();
    assert_eq!(list.total, 1);
    assert_eq!(list.records[0].get("name").unwrap().display(), "Acme");
}

#[test]
fn filters_and_quick_search_combine() {
    let v = clients();
    let q = Query::section("organizations")
        .search("berlin")
        .filter("employees < 5")
        .unwrap();
    let list = v.list(&q).unwrap();
    assert_eq!(list.records.len(), 1);
    assert_eq!(list.records[0].get("name").unwrap().display(), "Cobalt");
}

#[test]
fn a_filter_on_an_unknown_field_names_the_field() {
    let v = clients();
    let err = filter_error(&v, "colour = red");
    assert!(
        matches!(&err, Error::NoField { field, .. } if field == "colour"),
        "{err}"
    );
    assert!(Query::section("organizations").filter("city =").is_err());
}

#[test]
fn filters_can_use_the_record_id() {
    let v = clients();
    let all = ids(&v, &Query::section("organizations"));
    let q = Query::section("organizations")
        .filter(&format!("id >= {} AND id != #{}", all[1], all[3]))
        .unwrap();
    assert_eq!(ids(&v, &q), [all[1], all[2], all[4]]);
}

// ---------------------------------------------------------------------------------------------
// Sorting and paging
// ---------------------------------------------------------------------------------------------

/// Contacts created in this order (so with increasing ids): Smith Ann, Brown Zoe, Smith Bob,
/// Brown Zoe (a full tie with the second), Adams Ann.
fn people() -> (TestVault, Vec<RecordId>) {
    let mut v = personal();
    let ids = [
        ("Ann", "Smith"),
        ("Zoe", "Brown"),
        ("Bob", "Smith"),
        ("Zoe", "Brown"),
        ("Ann", "Adams"),
    ]
    .iter()
    .map(|(first, last)| add(&mut v, "contacts", &[("first_name", first), ("last_name", last)]))
    .collect();
    (v, ids)
}

#[test]
fn sorting_by_several_columns_each_way_breaks_ties_by_id() {
    let (v, id) = people();
    let (smith_ann, brown_zoe, smith_bob, brown_zoe_2, adams_ann) = (id[0], id[1], id[2], id[3], id[4]);

    let q = Query::section("contacts")
        .sort("last_name", false)
        .sort("first_name", true);
    assert_eq!(ids(&v, &q), [adams_ann, brown_zoe, brown_zoe_2, smith_bob, smith_ann]);

    let q = Query::section("contacts")
        .sort("last_name", true)
        .sort("first_name", false);
    assert_eq!(ids(&v, &q), [smith_ann, smith_bob, brown_zoe, brown_zoe_2, adams_ann]);

    let q = Query::section("contacts").sort("first_name", false);
    assert_eq!(ids(&v, &q), [smith_ann, adams_ann, smith_bob, brown_zoe, brown_zoe_2]);

    let q = Query::section("contacts").sort("id", true);
    assert_eq!(ids(&v, &q), [adams_ann, brown_zoe_2, smith_bob, brown_zoe, smith_ann]);
}

#[test]
fn sort_keys_read_from_text() {
    let key: cardbase_engine::SortKey = "last_name:desc".parse().unwrap();
    assert_eq!((key.field.as_str(), key.desc), ("last_name", true));
    let key: cardbase_engine::SortKey = "last_name".parse().unwrap();
    assert!(!key.desc);
    assert!("last_name:sideways".parse::<cardbase_engine::SortKey>().is_err());
}

#[test]
fn sorting_by_an_unknown_field_names_the_field() {
    let (v, _) = people();
    let err = v
        .list(&Query::section("contacts").sort("shoe_size", false))
        .unwrap_err();
    assert!(
        matches!(&err, Error::NoField { field, .. } if field == "shoe_size"),
        "{err}"
    );
}

#[test]
fn paging_returns_disjoint_pages_covering_every_record_and_the_full_total() {
    let mut v = personal();
    let mut created = Vec::new();
    for i in 0..23 {
        // Many ties on the sort key, so paging relies on the id tie-break.
        let last = ["Brown", "Adams", "Smith"][i % 3];
        created.push(add(
            &mut v,
            "contacts",
            &[("first_name", &format!("P{i}")), ("last_name", last)],
        ));
    }
    let all = ids(&v, &Query::section("contacts").sort("last_name", false));

    let mut paged = Vec::new();
    let mut pages = Vec::new();
    for offset in (0..30).step_by(5) {
        let q = Query {
            offset,
            ..Query::section("contacts").sort("last_name", false).limit(5)
        };
        let page = v.list(&q).unwrap();
        assert_eq!(page.total, 23, "offset {offset}");
        pages.push(page.records.len());
        paged.extend(page.records.iter().map(|r| r.id));
    }

    assert_eq!(pages, [5, 5, 5, 5, 3, 0]);
    assert_eq!(paged, all, "pages follow one another without gaps or repeats");
    let mut sorted = paged.clone();
    sorted.sort();
    created.sort();
    assert_eq!(sorted, created);
}

#[test]
fn a_page_of_filtered_records_reports_the_filtered_total() {
    let mut v = personal();
    for i in 0..12usize {
        let last = if i.is_multiple_of(3) { "Smith" } else { "Jones" };
        add(
            &mut v,
            "contacts",
            &[("first_name", &format!("P{i}")), ("last_name", last)],
        );
    }
    let q = Query {
        offset: 2,
        ..Query::section("contacts")
            .filter("last_name = smith")
            .unwrap()
            .limit(10)
    };
    let page = v.list(&q).unwrap();
    assert_eq!((page.total, page.records.len()), (4, 2));
}
