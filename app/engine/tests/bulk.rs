//! A large vault: 100 000 contacts loaded in one call, then found by quick search and listed
//! filtered and sorted. Timings are printed (run with `--nocapture`), never asserted.

mod support;

use cardbase_engine::records::Item;
use cardbase_engine::{Query, Value};
use std::time::Instant;
use support::*;

const CONTACTS: usize = 100_000;
const FIRST: [&str; 10] = [
    "Olga", "Reza", "Ann", "Bob", "Пётр", "Zoe", "Ali", "Mia", "Ivan", "Sara",
];

fn first_name(i: usize) -> &'static str {
    FIRST[i % FIRST.len()]
}

fn last_name(i: usize) -> String {
    format!("Surname{i}")
}

fn contact(i: usize) -> Vec<(String, Value)> {
    let mut values = vec![
        ("first_name".to_string(), Value::Text(first_name(i).into())),
        ("last_name".to_string(), Value::Text(last_name(i))),
        (
            "phones".to_string(),
            Value::Items(vec![Item {
                kind: "mobile".into(),
                value: format!("+1 905 {i:07}"),
            }]),
        ),
    ];
    if i.is_multiple_of(3) {
        values.push(("groups".to_string(), Value::Tags(vec!["Work".into()])));
    }
    values
}

#[test]
fn a_hundred_thousand_contacts_load_in_one_call_and_are_found_and_listed_correctly() {
    let mut v = personal();

    let started = Instant::now();
    let created = v.create_records("contacts", (0..CONTACTS).map(contact)).unwrap();
    eprintln!(
        "create_records: {CONTACTS} contacts in {} ms",
        started.elapsed().as_millis()
    );
    assert_eq!(created.len(), CONTACTS);
    assert_eq!(v.count("contacts").unwrap(), CONTACTS);

    // Quick search by a name prefix: Surname1234 and Surname12340..Surname12349.
    let started = Instant::now();
    let hits = v.list(&Query::section("contacts").search("surname1234")).unwrap();
    eprintln!("search \"surname1234\": {} ms", started.elapsed().as_millis());
    let mut expected: Vec<_> = std::iter::once(1234).chain(12340..12350).map(|i| created[i]).collect();
    expected.sort();
    assert_eq!(hits.records.iter().map(|r| r.id).collect::<Vec<_>>(), expected);
    assert_eq!(hits.total, 11);

    // Quick search by a phone fragment.
    let started = Instant::now();
    let by_phone = v.list(&Query::section("contacts").search("0077-777")).unwrap();
    eprintln!("search \"0077-777\": {} ms", started.elapsed().as_millis());
    assert_eq!(
        by_phone.records.iter().map(|r| r.id).collect::<Vec<_>>(),
        [created[77_777]]
    );

    // A filtered, sorted first page.
    let filter = "first_name = olga AND last_name starts-with surname9 AND groups = work";
    let q = Query::section("contacts")
        .filter(filter)
        .unwrap()
        .sort("last_name", true)
        .limit(50);
    let started = Instant::now();
    let page = v.list(&q).unwrap();
    eprintln!(
        "list \"{filter}\" sorted, limit 50: {} ms",
        started.elapsed().as_millis()
    );
    let mut matching: Vec<usize> = (0..CONTACTS)
        .filter(|&i| first_name(i) == "Olga" && last_name(i).starts_with("Surname9") && i.is_multiple_of(3))
        .collect();
    matching.sort_by_key(|&i| std::cmp::Reverse(last_name(i)));
    let want: Vec<String> = matching.iter().take(50).map(|&i| last_name(i)).collect();
    let got: Vec<String> = page
        .records
        .iter()
        .map(|r| r.get("last_name").unwrap().display())
        .collect();
    assert_eq!(got, want);
    assert_eq!(page.total, matching.len());
    assert!(
        page.records
            .iter()
            .all(|r| r.get("first_name") == Some(&Value::Text("Olga".into())))
    );

    let started = Instant::now();
    let report = v.check().unwrap();
    eprintln!("check: {} ms", started.elapsed().as_millis());
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}
