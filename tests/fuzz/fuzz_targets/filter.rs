//! Filter expressions (`--filter`, the app's filter box) on any text: parsed, printed back,
//! and run against a vault whose section has a field of every type.
//!
//! Holds: no panic; a parse error points at a column inside the input (or just past it);
//! what parses prints (`Display`) to text that parses to the same filter; running a parsed
//! filter gives records or an error, never a panic or an SQL error for a filter the parser
//! accepted on fields that exist.

#![no_main]

use cardbase_engine::query::filter_expr::parse_filter;
use cardbase_engine::schema::SchemaFile;
use cardbase_engine::{Error, Passphrase, Query, Vault};
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

/// A field of every type, keyed by its type (the seeds use these keys).
const SCHEMA: &str = r#"
name = "fuzz"
[[sections]]
key = "people"
label = "People"
title = ["name"]
[[sections.fields]]
key = "name"
label = "Name"
type = "text"

[[sections]]
key = "all"
label = "All"
fields = [
  { key = "text", label = "Text", type = "text" },
  { key = "long_text", label = "Long text", type = "long_text" },
  { key = "number", label = "Number", type = "number", indexed = true },
  { key = "money", label = "Money", type = "money", currency = "EUR" },
  { key = "percent", label = "Percent", type = "percent" },
  { key = "date", label = "Date", type = "date" },
  { key = "date_no_year", label = "Birthday", type = "date_no_year" },
  { key = "datetime", label = "When", type = "datetime" },
  { key = "checkbox", label = "Done", type = "checkbox" },
  { key = "choice", label = "Status", type = "choice", choices = ["open", "closed"] },
  { key = "tags", label = "Tags", type = "tags" },
  { key = "phones", label = "Phones", type = "phones" },
  { key = "emails", label = "E-mails", type = "emails" },
  { key = "urls", label = "Links", type = "urls" },
  { key = "addresses", label = "Addresses", type = "addresses" },
  { key = "photo", label = "Photo", type = "photo" },
  { key = "relation", label = "Person", type = "relation", target = "people" },
  { key = "secret", label = "PIN", type = "secret" },
]
"#;

const RECORDS: [&[(&str, &str)]; 3] = [
    &[
        ("text", "Москва"),
        ("number", "1234,5"),
        ("money", "12.50"),
        ("percent", "15"),
        ("date", "2024-03-01"),
        ("date_no_year", "--03-14"),
        ("datetime", "2024-03-01 09:30"),
        ("checkbox", "yes"),
        ("choice", "open"),
        ("tags", "vip, new"),
        ("phones", "+7 495 123-45-67"),
        ("emails", "ada@example.com"),
        ("relation", "#1"),
        ("secret", "1234"),
    ],
    &[
        ("text", "Berlin"),
        ("number", "-3"),
        ("date", "1969-12-31"),
        ("checkbox", "no"),
    ],
    &[],
];

thread_local! {
    static VAULT: RefCell<Vault> = RefCell::new(vault());
}

fn vault() -> Vault {
    let folder = std::env::temp_dir().join(format!("cardbase-fuzz-filter-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("the temporary folder is writable");
    let schema = SchemaFile::parse("fuzz schema", SCHEMA).expect("the fuzz schema is valid");
    let mut vault = Vault::create_with_schema(&folder.join("fuzz.cardbase"), &Passphrase::new("fuzz"), &schema)
        .expect("a vault is created");
    vault
        .create_record_from_text("people", &[("name", "Ada")])
        .expect("a person");
    for record in RECORDS {
        vault.create_record_from_text("all", record).expect("a record");
    }
    vault
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let filter = match parse_filter(text) {
        Ok(filter) => filter,
        Err(error) => {
            assert!(
                (1..=text.chars().count() + 1).contains(&error.column),
                "column {} in {} characters",
                error.column,
                text.chars().count()
            );
            return;
        }
    };
    let printed = filter.to_string();
    assert_eq!(parse_filter(&printed).as_ref(), Ok(&filter), "printed as {printed:?}");

    let query = Query::section("all").filter(text).expect("it parsed above").limit(10);
    VAULT.with_borrow(|vault| match vault.list(&query) {
        Ok(_) => {}
        Err(Error::Sql(e)) => panic!("an accepted filter gave an SQL error: {e}"),
        Err(_) => {}
    });
});
