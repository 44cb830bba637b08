//! End-to-end tests of the `cardbase` command line: each runs the real binary on a vault in a
//! temporary directory, as a user would from a shell.

#[path = "support/cli.rs"]
mod support;

use cardbase_engine::{Passphrase, Preset, Value, Vault};
use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use support::{Env, PASS};

fn three_people(env: &Env) -> (i64, i64, i64) {
    let latin = env.add(
        "contacts",
        &[
            "first_name=John",
            "last_name=O'Connor",
            "phones=mobile: +1 (905) 555-1234",
        ],
    );
    let cyrillic = env.add(
        "contacts",
        &["first_name=Пётр", "last_name=Иванов", "emails=petr@example.ru"],
    );
    let persian = env.add(
        "contacts",
        &["first_name=علی", "last_name=رضایی", "phones=۰۹۱۲ ۳۴۵ ۶۷۸۹"],
    );
    (latin, cyrillic, persian)
}

#[test]
fn search_finds_each_contact_by_a_prefix_of_any_word_across_scripts() {
    let env = Env::init("personal");
    let (latin, cyrillic, persian) = three_people(&env);
    let cases: &[(&str, i64)] = &[
        ("jo", latin),
        ("o'con", latin),
        ("CONN", latin),
        ("пет", cyrillic),
        ("пётр", cyrillic),
        ("петр", cyrillic),
        ("ИВАН", cyrillic),
        // Transliterated: Latin finds Cyrillic and back.
        ("petr", cyrillic),
        ("Petr Ivan", cyrillic),
        ("petr@", cyrillic),
        ("علي", persian),
        ("عل", persian),
        ("رضا", persian),
        ("555-12", latin),
        ("0912", persian),
    ];
    for (query, want) in cases {
        assert_eq!(
            env.ids(&["contacts", "--search", query]),
            vec![*want],
            "search {query:?}"
        );
    }
    assert!(env.ids(&["contacts", "--search", "nobody"]).is_empty());
    let all = env.ok(&["search", "пёт"]);
    assert!(all.contains("Пётр Иванов"), "{all}");
}

#[test]
fn renaming_a_section_and_a_field_changes_labels_only() {
    let env = Env::init("personal");
    let id = env.add("contacts", &["first_name=Ada", "notes=Met at the conference"]);
    env.add("organizations", &["name=Analytical Engines Ltd"]);
    env.ok(&["schema", "rename-section", "organizations", "Clients"]);
    env.ok(&["schema", "rename-field", "contacts", "notes", "Comments"]);

    let sections = env.ok(&["sections"]);
    assert!(
        sections.contains("Clients") && sections.contains("organizations"),
        "{sections}"
    );
    let table = env.ok(&["list", "contacts", "--columns", "first_name,notes"]);
    assert!(
        table.contains("Comments") && table.contains("Met at the conference"),
        "{table}"
    );
    let fields = env.ok(&["fields", "contacts"]);
    assert!(
        fields.lines().any(|l| l.contains("notes") && l.contains("Comments")),
        "{fields}"
    );
    // Keys are unchanged: the JSON output and filters still use them.
    let rec = &env.list_json(&["contacts"])[0];
    assert_eq!(rec["id"], id);
    assert_eq!(rec["fields"]["notes"], "Met at the conference");
    assert_eq!(env.list_json(&["organizations"]).len(), 1);
    assert_eq!(
        env.list_json(&["Clients"]).len(),
        1,
        "a section can be named by its label too"
    );
}

#[test]
fn stats_group_and_aggregate_custom_fields() {
    let env = Env::init("personal");
    env.ok(&[
        "schema",
        "add-field",
        "contacts",
        "hobby",
        "--type",
        "text",
        "--label",
        "Hobby",
    ]);
    env.ok(&[
        "schema",
        "add-field",
        "contacts",
        "budget",
        "--type",
        "money",
        "--currency",
        "EUR",
    ]);
    env.add("contacts", &["first_name=A", "hobby=chess", "budget=100"]);
    env.add("contacts", &["first_name=B", "hobby=chess", "budget=250,50"]);
    env.add("contacts", &["first_name=C", "hobby=go", "budget=7.25"]);
    env.add("contacts", &["first_name=D", "hobby=go"]);
    env.add("contacts", &["first_name=E"]);
    let out = env.ok(&[
        "stats",
        "contacts",
        "--group-by",
        "hobby",
        "--agg",
        "count:budget",
        "--agg",
        "sum:budget",
        "--agg",
        "avg:budget",
        "--agg",
        "min:budget",
        "--agg",
        "max:budget",
        "--agg",
        "stdev:budget",
        "--format",
        "json",
    ]);
    let rows: Vec<Json> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 3, "{out}");
    let chess = &rows[0];
    assert_eq!(chess["group"], "chess");
    assert_eq!(chess["count"], 2);
    assert_eq!(chess["values"]["count:budget"], 2.0);
    assert_eq!(chess["values"]["sum:budget"]["amount"], 350.5);
    assert_eq!(chess["values"]["sum:budget"]["currency"], "EUR");
    assert_eq!(chess["values"]["avg:budget"]["amount"], 175.25);
    assert_eq!(chess["values"]["min:budget"]["amount"], 100.0);
    assert_eq!(chess["values"]["max:budget"]["amount"], 250.5);
    // Sample standard deviation of 100 and 250.50: |250.5 - 100| / sqrt(2) = 106.42 (to the cent).
    assert_eq!(chess["values"]["stdev:budget"]["amount"], 106.42);
    let go = &rows[1];
    assert_eq!((go["group"].as_str(), go["count"].as_i64()), (Some("go"), Some(2)));
    assert_eq!(go["values"]["sum:budget"]["amount"], 7.25);
    assert_eq!(
        go["values"]["stdev:budget"],
        Json::Null,
        "stdev of one value is undefined"
    );
    let empty = &rows[2];
    assert_eq!((empty["group"].clone(), empty["count"].as_i64()), (Json::Null, Some(1)));

    let table = env.ok(&["stats", "contacts", "--group-by", "hobby", "--agg", "sum:budget"]);
    assert!(table.contains("350.50 EUR") && table.contains("(empty)"), "{table}");
}

#[test]
fn a_deleted_field_disappears_and_comes_back_with_its_values() {
    let env = Env::init("personal");
    env.ok(&[
        "schema",
        "add-field",
        "contacts",
        "hobby",
        "--type",
        "text",
        "--label",
        "Hobby",
    ]);
    let a = env.add("contacts", &["first_name=Ann", "hobby=chess"]);
    let b = env.add("contacts", &["first_name=Bob", "hobby=go"]);
    env.ok(&["schema", "delete-field", "contacts", "hobby"]);
    let listed = env.ok(&["list", "contacts"]);
    assert!(!listed.contains("Hobby") && !listed.contains("chess"), "{listed}");
    assert!(
        env.list_json(&["contacts"])
            .iter()
            .all(|r| r["fields"].get("hobby").is_none())
    );
    assert!(
        env.ids(&["contacts", "--search", "chess"]).is_empty(),
        "binned values are not searched"
    );
    assert!(env.ok(&["schema", "bin"]).contains("contacts.hobby"));
    env.fails(&["list", "contacts", "--filter", "hobby = chess"], PASS);

    env.ok(&["schema", "restore-field", "contacts", "hobby"]);
    let recs = env.list_json(&["contacts"]);
    let hobby = |id: i64| recs.iter().find(|r| r["id"] == id).unwrap()["fields"]["hobby"].clone();
    assert_eq!((hobby(a), hobby(b)), (Json::from("chess"), Json::from("go")));
    assert_eq!(env.ids(&["contacts", "--search", "chess"]), vec![a]);
}

/// Every byte pattern of `marker` a file could hold it in: UTF-8 and UTF-16LE.
fn marker_patterns(marker: &str) -> Vec<Vec<u8>> {
    vec![
        marker.as_bytes().to_vec(),
        marker.encode_utf16().flat_map(u16::to_le_bytes).collect(),
    ]
}

fn files_containing(dir: &Path, marker: &str) -> Vec<PathBuf> {
    let mut hits = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            if marker_patterns(marker)
                .iter()
                .any(|p| bytes.windows(p.len()).any(|w| w == p.as_slice()))
            {
                hits.push(path);
            }
        }
    }
    hits
}

#[test]
fn no_plaintext_of_a_record_reaches_the_vault_or_its_journal() {
    let env = Env::init("personal");
    let markers = ["ZebraMarker7731", "ЖирафМаркер", "نشانگرزرافه"];
    env.add(
        "contacts",
        &[
            &format!("first_name={}", markers[0]),
            &format!("last_name={}", markers[1]),
        ],
    );
    env.add(
        "notes",
        &[
            &format!("title={}", markers[2]),
            &format!("text={} {}", markers[0], markers[1]),
        ],
    );
    env.ok(&["list", "contacts", "--search", "zebra"]);
    // Keep a write-ahead log alive: an open vault in this process while the CLI can't open it.
    let vault = Vault::open(&env.vault, &Passphrase::new(PASS)).unwrap();
    for m in markers {
        assert!(files_containing(env.dir.path(), m).is_empty(), "{m} found in plaintext");
    }
    drop(vault);
    for m in markers {
        assert!(files_containing(env.dir.path(), m).is_empty(), "{m} found in plaintext");
    }
    // The marker really is in the vault: the test would notice if it were not written at all.
    assert_eq!(env.ids(&["contacts", "--search", "ZebraMarker7731"]).len(), 1);
}

#[test]
fn files_that_are_not_an_open_able_vault_give_one_line_errors_and_stay_unchanged() {
    let env = Env::init("personal");
    env.add("contacts", &["first_name=Ada"]);
    let good = std::fs::read(&env.vault).unwrap();

    let err = env.fails(&["list", "contacts"], "wrong passphrase");
    assert!(err.contains("wrong passphrase"), "{err}");
    assert_eq!(
        std::fs::read(&env.vault).unwrap(),
        good,
        "a wrong passphrase leaves the file as it was"
    );

    let truncated = &good[..good.len() / 2 + 100];
    let random: Vec<u8> = (0..40_960u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let plain = env.dir.path().join("plain.sqlite");
    {
        let conn = rusqlite::Connection::open(&plain).unwrap();
        conn.execute_batch("CREATE TABLE contacts(name TEXT); INSERT INTO contacts VALUES ('Ada');")
            .unwrap();
    }
    let plain_bytes = std::fs::read(&plain).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated", truncated.to_vec(), "damaged"),
        (
            "truncated at a page",
            good[..good.len() / 2 / 4096 * 4096].to_vec(),
            "damaged",
        ),
        ("random", random, "not a Cardbase vault"),
        ("plain sqlite", plain_bytes, "plain (unencrypted) SQLite"),
        ("empty", Vec::new(), "empty"),
    ];
    for (name, bytes, expect) in cases {
        let bad = Env::new();
        std::fs::write(&bad.vault, &bytes).unwrap();
        let err = bad.fails(&["list", "contacts"], PASS);
        assert!(err.contains(expect), "{name}: {err}");
        assert!(
            err.contains(bad.vault.to_str().unwrap()),
            "{name}: the error names the file: {err}"
        );
        assert_eq!(std::fs::read(&bad.vault).unwrap(), bytes, "{name}: file unchanged");
    }
    let missing = Env::new();
    assert!(missing.fails(&["list", "contacts"], PASS).contains("cardbase init"));
}

#[test]
fn a_second_process_gets_vault_in_use() {
    let env = Env::init("personal");
    let _open = Vault::open(&env.vault, &Passphrase::new(PASS)).unwrap();
    let err = env.fails(&["add", "contacts", "--set", "first_name=Eve"], PASS);
    assert!(err.contains("in use"), "{err}");
}

#[test]
fn records_are_edited_deleted_restored_and_their_history_shown() {
    let env = Env::init("client-base");
    let org = env.add("organizations", &["name=Acme Ltd", "city=Berlin", "debt=120.50"]);
    let ada = env.add(
        "contacts",
        &["first_name=Ada", "organization=acme ltd", "phones=work: +49 30 1234567"],
    );
    let card = env.ok(&["get", &org.to_string()]);
    assert!(
        card.contains("Contacts: Ada"),
        "an organization lists its contact persons: {card}"
    );
    assert!(
        env.ok(&["get", &ada.to_string()]).contains("Acme Ltd (#"),
        "a contact shows its organization"
    );

    env.ok(&["edit", &ada.to_string(), "--set", "job_title=CTO", "--set", "phones="]);
    let rec = env.ok(&["get", &ada.to_string(), "--format", "json"]);
    let rec: Json = serde_json::from_str(&rec).unwrap();
    assert_eq!(rec["fields"]["job_title"], "CTO");
    assert!(rec["fields"].get("phones").is_none());

    let err = env.fails(&["edit", &ada.to_string(), "--set", "birthday=31.02"], PASS);
    assert!(err.contains("birthday"), "the error names the field: {err}");
    let err = env.fails(&["add", "organizations", "--set", "city=Nowhere"], PASS);
    assert!(err.contains("\"name\" is required"), "{err}");

    env.ok(&["delete", &ada.to_string()]);
    assert!(env.ids(&["contacts"]).is_empty());
    assert_eq!(env.ids(&["contacts", "--deleted"]), vec![ada]);
    env.ok(&["restore", &ada.to_string()]);
    assert_eq!(env.ids(&["contacts"]), vec![ada]);

    let history = env.ok(&["history", &ada.to_string()]);
    let lines: Vec<&str> = history.lines().collect();
    assert!(lines[0].ends_with("created"), "{history}");
    assert!(history.contains("Job title: (empty) → CTO"), "{history}");
    assert!(
        history.contains("Phones: [{\"kind\":\"work\",\"value\":\"+49 30 1234567\"}] → (empty)"),
        "{history}"
    );
    assert!(
        lines[lines.len() - 2].ends_with("delete") && lines[lines.len() - 1].ends_with("restore"),
        "{history}"
    );
}

#[test]
fn filters_sort_and_page_a_section() {
    let env = Env::init("client-base");
    for (name, city, debt, status) in [
        ("Alpha", "Berlin", "100", "Active"),
        ("Beta", "Berlin", "50", "Lead"),
        ("Gamma", "Москва", "500", "Active"),
        ("Delta", "Berlin", "", "Lost"),
    ] {
        env.add(
            "organizations",
            &[
                &format!("name={name}"),
                &format!("city={city}"),
                &format!("debt={debt}"),
                &format!("status={status}"),
            ],
        );
    }
    let names = |args: &[&str]| -> Vec<String> {
        env.list_json(args)
            .iter()
            .map(|r| r["fields"]["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        names(&["organizations", "--filter", "city = berlin AND debt >= 60"]),
        ["Alpha"]
    );
    assert_eq!(
        names(&[
            "organizations",
            "--filter",
            "city = москва OR debt empty",
            "--sort",
            "name"
        ]),
        ["Delta", "Gamma"]
    );
    assert_eq!(
        names(&[
            "organizations",
            "--filter",
            "status in (Active, Lead)",
            "--sort",
            "debt:desc"
        ]),
        ["Gamma", "Alpha", "Beta"]
    );
    assert_eq!(
        names(&["organizations", "--sort", "city", "--sort", "name:desc"]),
        ["Delta", "Beta", "Alpha", "Gamma"]
    );
    assert_eq!(
        names(&["organizations", "--sort", "name", "--limit", "2", "--offset", "1"]),
        ["Beta", "Delta"]
    );
    let table = env.ok(&["list", "organizations", "--sort", "name", "--limit", "2"]);
    assert!(table.contains("2 of 4 records"), "{table}");
    let err = env.fails(&["list", "organizations", "--filter", "city ~ Berlin"], PASS);
    assert!(err.contains("column 6"), "a bad filter says where: {err}");
    let csv = env.ok(&[
        "list",
        "organizations",
        "--sort",
        "name",
        "--columns",
        "name,debt",
        "--format",
        "csv",
    ]);
    assert_eq!(csv.lines().next(), Some("id,name,debt"));
    assert!(csv.contains(",Alpha,100.00 USD"), "{csv}");
}

#[test]
fn schema_round_trips_through_export_and_import() {
    let env = Env::init("client-base");
    env.ok(&[
        "schema",
        "add-field",
        "contacts",
        "hobby",
        "--type",
        "tags",
        "--choices",
        "Chess,Go",
    ]);
    let exported = env.dir.path().join("schema.toml");
    env.ok(&["schema", "export", "--out", exported.to_str().unwrap()]);
    let other = Env::init("personal");
    let log = other.ok(&["schema", "import", exported.to_str().unwrap()]);
    assert!(log.contains("added field contacts.hobby"), "{log}");
    assert_eq!(other.ok(&["schema", "export"]), env.ok(&["schema", "export"]));
}

#[test]
fn passphrase_change_and_backup() {
    let env = Env::init("personal");
    env.add("contacts", &["first_name=Ada"]);
    let backup = env.dir.path().join("backup.cardbase");
    env.ok(&["backup", "--out", backup.to_str().unwrap()]);
    let out = Command::new(env!("CARGO_BIN_EXE_cardbase"))
        .args(["passwd"])
        .env("CARDBASE_VAULT", &env.vault)
        .env("CARDBASE_PASSPHRASE", PASS)
        .env("CARDBASE_NEW_PASSPHRASE", "new secret")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    env.fails(&["list", "contacts"], PASS);
    assert_eq!(env.run_with(&["check"], "new secret").status.code(), Some(0));
    // The backup keeps the passphrase it was made with.
    let restored = Env {
        dir: tempfile::tempdir().unwrap(),
        vault: backup,
    };
    assert_eq!(restored.ids(&["contacts"]).len(), 1);
}

#[test]
fn a_hundred_thousand_records_list_and_search_quickly() {
    let env = Env::new();
    let mut vault = Vault::create(&env.vault, &Passphrase::new(PASS), Preset::ClientBase).unwrap();
    let cities = ["Berlin", "Москва", "تهران", "Toronto", "Lyon"];
    let start = Instant::now();
    let rows = (0..100_000).map(|i| {
        vec![
            ("first_name".to_string(), Value::Text(format!("Name{i}"))),
            ("last_name".to_string(), Value::Text(format!("Family{}", i % 997))),
            (
                "job_title".to_string(),
                Value::Text(cities[i % cities.len()].to_string()),
            ),
        ]
    });
    vault.create_records("contacts", rows).unwrap();
    eprintln!(
        "created 100k records through the engine in {} ms",
        start.elapsed().as_millis()
    );
    drop(vault);

    let start = Instant::now();
    let found = env.ids(&["contacts", "--search", "name4242"]);
    let search_ms = start.elapsed().as_millis();
    assert_eq!(found.len(), 11, "Name4242 and Name42420..Name42429");

    let start = Instant::now();
    let page = env.list_json(&[
        "contacts",
        "--filter",
        "job_title = Москва AND last_name starts-with family1",
        "--sort",
        "last_name:desc",
        "--sort",
        "first_name",
        "--limit",
        "50",
    ]);
    let list_ms = start.elapsed().as_millis();
    assert_eq!(page.len(), 50);
    assert!(page.iter().all(|r| r["fields"]["job_title"] == "Москва"));
    assert_eq!(page[0]["fields"]["last_name"], "Family199");
    eprintln!(
        "100k records: `list --search` {search_ms} ms, sorted filtered `list --limit 50` {list_ms} ms (whole process, including the passphrase KDF)"
    );
}

#[test]
fn undo_reverts_the_last_change_as_a_whole() {
    let env = Env::init("personal");
    let id = env.add("contacts", &["first_name=Ada", "last_name=Byron"]);
    env.ok(&[
        "edit",
        &id.to_string(),
        "--set",
        "last_name=Lovelace",
        "--set",
        "nickname=Countess",
    ]);
    env.ok(&["delete", &id.to_string()]);

    env.ok(&["undo"]);
    assert_eq!(env.ids(&["contacts"]), vec![id], "the delete is undone");
    env.ok(&["undo"]);
    let rec = &env.list_json(&["contacts"])[0];
    assert_eq!(
        rec["fields"]["last_name"], "Byron",
        "both fields of the edit are undone"
    );
    assert!(rec["fields"].get("nickname").is_none());
    env.ok(&["undo"]);
    assert!(env.ids(&["contacts"]).is_empty(), "the create is undone");
    assert!(env.fails(&["undo"], PASS).contains("nothing to undo"));
}

#[test]
fn a_vault_imported_today_has_no_reminder_dated_before_it_was_made() {
    let env = Env::new();
    let made = chrono::Utc::now();
    env.ok(&["init", "--preset", "personal"]);
    // 1,000 contacts whose birthdays fall on every day from a month ago to a month ahead: the
    // week before today used to come back as "missed" reminders on the first start.
    let today = made.date_naive();
    let mut csv = String::from("First name,Last name,Birthday\n");
    for i in 0..1000i64 {
        let day = today + chrono::Duration::days(i % 61 - 30);
        csv.push_str(&format!("Person,No{i},{}\n", day.format("2000-%m-%d")));
    }
    let file = env.dir.path().join("contacts.csv");
    std::fs::write(&file, csv).unwrap();
    env.ok(&["import", file.to_str().unwrap(), "--section", "contacts"]);
    let due: Vec<Json> = env
        .ok(&["reminders", "--format", "json"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The birthdays of the next seven days are due (from the import on); none before.
    assert!(due.len() > 100, "{} reminders", due.len());
    for r in &due {
        let at: chrono::DateTime<chrono::Utc> = r["due"].as_str().unwrap().parse().unwrap();
        assert!(at >= made, "{r} is dated before the vault was made ({made})");
        let when: chrono::DateTime<chrono::Utc> = r["at"].as_str().unwrap().parse().unwrap();
        assert!(
            when.date_naive() >= today,
            "{r} is a birthday that passed before the import"
        );
    }
}

#[test]
fn reminders_list_snooze_and_dismiss_from_the_command_line() {
    let env = Env::init("client-base");
    env.add("contacts", &["first_name=Ada", "birthday=--12-10"]);
    env.add("organizations", &["name=Acme", "contract_end=2027-01-05"]);
    let due = env.ok(&["reminders", "--at", "2026-12-06 10:00", "--format", "json"]);
    let due: Vec<Json> = due.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let titles: Vec<&str> = due.iter().map(|r| r["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Birthday: Ada", "Contract end: Acme (2027-01-05)"]);
    let id = due[0]["id"].as_str().unwrap().to_string();
    env.ok(&["snooze", &id, "--until", "2026-12-07 09:00"]);
    let later = env.ok(&["reminders", "--at", "2026-12-06 10:00"]);
    assert!(!later.contains("Birthday: Ada"), "{later}");
    assert!(
        env.ok(&["reminders", "--at", "2026-12-07 09:00"])
            .contains("Birthday: Ada")
    );
    env.ok(&["dismiss", &id]);
    assert!(
        !env.ok(&["reminders", "--at", "2026-12-09 09:00"])
            .contains("Birthday: Ada")
    );
    assert!(env.fails(&["dismiss", "nonsense"], PASS).contains("not a reminder id"));
}

#[test]
fn undo_goes_past_a_change_the_field_type_no_longer_fits() {
    let env = Env::init("personal");
    let id = env.add("contacts", &["first_name=Ada", "nickname=x"]);
    env.ok(&["edit", &id.to_string(), "--set", "nickname=12"]);
    env.ok(&["schema", "change-type", "contacts", "nickname", "number"]);
    env.ok(&["edit", &id.to_string(), "--set", "job_title=CTO"]);
    env.ok(&["undo"]);
    env.ok(&["undo"]);
    env.ok(&["undo"]);
    assert!(env.ids(&["contacts"]).is_empty(), "undo reached the create");
}

#[test]
fn events_are_planned_done_and_followed_up_from_the_command_line() {
    let env = Env::init("client-base");
    let ann = env.add("contacts", &["first_name=Ann", "last_name=Lee"]);
    let event = env.ok(&[
        "event",
        "add",
        &format!("#{ann}"),
        "--type",
        "call",
        "--at",
        "2026-12-01 10:00",
        "--remind",
        "15m",
        "--assignee",
        "maria",
    ]);
    let event = event.trim();
    // Due 15 minutes before, for its assignee.
    let due = env.ok(&["reminders", "--at", "2026-12-01 09:45", "--profile", "maria"]);
    assert!(due.contains("2026-12-01 09:45  Call Ann Lee"), "{due}");
    let out = env.ok(&[
        "event",
        "done",
        &format!("#{event}"),
        "--result",
        "agreed",
        "--notes",
        "Sends the contract",
        "--follow-up",
        "2026-12-08 15:00",
        "--follow-up-type",
        "meeting",
    ]);
    assert!(out.starts_with("Done; follow-up #"), "{out}");
    let history: Vec<Json> = env
        .ok(&["event", "list", &format!("#{ann}"), "--format", "json"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["fields"]["type"], "Meeting");
    assert_eq!(
        history[0]["fields"]["assignee"], "maria",
        "the follow-up keeps the assignee"
    );
    assert_eq!(history[1]["fields"]["result"], "Agreed");
    assert_eq!(history[1]["fields"]["notes"], "Sends the contract");
    let err = env.fails(
        &[
            "event",
            "add",
            &format!("#{ann}"),
            "--type",
            "dance",
            "--at",
            "2026-12-01 10:00",
        ],
        PASS,
    );
    assert_eq!(
        err,
        "cardbase: field \"type\": \"dance\" is not one of: Call, Meeting, Letter, Visit, Other"
    );
}

#[test]
fn tasks_and_events_are_listed_by_when_they_are_due() {
    let env = Env::init("personal");
    let local = |days: i64| {
        (chrono::Local::now() + chrono::Duration::days(days))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let late = env.add("tasks", &["title=Send invoice", &format!("due={}", local(-1))]);
    env.add("tasks", &["title=Filed", &format!("due={}", local(-1)), "status=Done"]);
    env.add("tasks", &["title=Next month", &format!("due={}", local(30))]);
    let overdue = env.ids(&["tasks", "--due", "overdue"]);
    assert_eq!(overdue, [late], "only the open task past its date");
    let err = env.fails(&["list", "tasks", "--due", "someday"], PASS);
    assert!(err.contains("today, overdue or this-week"), "{err}");
    let err = env.fails(&["list", "links", "--due", "today"], PASS);
    assert!(err.contains("no date and time field"), "{err}");

    // A snooze may say "for how long" as well as "until when".
    env.add(
        "contacts",
        &[
            "first_name=Ada",
            &format!("birthday={}", chrono::Local::now().format("--%m-%d")),
        ],
    );
    let due = env.ok(&["reminders", "--format", "json"]);
    // Reminders come soonest first by the date of the thing: the late task, then the birthday.
    let birthday = due
        .lines()
        .map(|l| serde_json::from_str::<Json>(l).unwrap())
        .find(|r| r["title"].as_str().is_some_and(|t| t.contains("Ada")))
        .expect("the birthday is due");
    let id = birthday["id"].as_str().unwrap().to_string();
    let out = env.ok(&["snooze", &id, "--until", "2d"]);
    assert!(out.starts_with("Snoozed until"), "{out}");
    assert!(!env.ok(&["reminders"]).contains("Birthday: Ada"));
}

#[test]
fn a_listing_cut_short_by_head_ends_quietly_and_successfully() {
    let env = Env::new();
    {
        let mut vault = Vault::create(&env.vault, &Passphrase::new(PASS), Preset::Personal).unwrap();
        for i in 0..3000 {
            let name = format!("Person {i}");
            vault
                .create_record_from_text("contacts", &[("first_name", name.as_str())])
                .unwrap();
        }
    }
    for format in ["table", "csv", "json"] {
        // As `cardbase list contacts | head -1`: the reader takes one line and goes away.
        let mut child = env
            .command(&["list", "contacts", "--limit", "3000", "--format", format], PASS)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!first.is_empty(), "{format}");
        assert_eq!(out.status.code(), Some(0), "{format}: {err}");
        assert_eq!(err, "", "{format}: nothing on stderr");
    }
}

/// `cardbase ARGS` run under umask 022, the usual default, which leaves new files readable by
/// everyone unless the app says otherwise.
fn under_umask_022(env: &Env, args: &[&str], new_passphrase: Option<&str>) {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "umask 022; exec \"$0\" \"$@\"", env!("CARGO_BIN_EXE_cardbase")])
        .args(args)
        .env("CARDBASE_VAULT", &env.vault)
        .env("CARDBASE_PASSPHRASE", PASS)
        .env("CARDBASE_BACKUP_PASSPHRASE", PASS)
        .env("XDG_DATA_HOME", env.dir.path().join("xdg"))
        .env("XDG_CACHE_HOME", env.dir.path().join("cache"));
    if let Some(p) = new_passphrase {
        cmd.env("CARDBASE_NEW_PASSPHRASE", p);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "cardbase {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(unix)]
#[test]
fn files_the_app_writes_are_private_and_its_folders_too_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    // The vault in a folder the app makes, as the default data folder is made.
    let env = Env {
        vault: env.dir.path().join("data").join("test.cardbase"),
        dir: env.dir,
    };
    under_umask_022(&env, &["init"], None);
    under_umask_022(
        &env,
        &["add", "links", "--set", "title=Bank", "--set", "password=s3cret!"],
        None,
    );
    under_umask_022(&env, &["backup"], None);
    let backup = env.dir.path().join("copy.cardbase");
    under_umask_022(&env, &["backup", "--out", backup.to_str().unwrap()], None);
    under_umask_022(
        &env,
        &["schema", "add-field", "links", "notes2", "--type", "text"],
        None,
    );
    let csv = env.dir.path().join("links.csv");
    let secrets = env.dir.path().join("secrets.csv");
    let xlsx = env.dir.path().join("links.xlsx");
    under_umask_022(&env, &["export", "links", "--out", csv.to_str().unwrap()], None);
    under_umask_022(
        &env,
        &["export", "links", "--show-secrets", "--out", secrets.to_str().unwrap()],
        None,
    );
    under_umask_022(&env, &["export", "links", "--out", xlsx.to_str().unwrap()], None);
    under_umask_022(&env, &["restore", backup.to_str().unwrap()], None);
    under_umask_022(&env, &["passwd"], Some("another long passphrase"));

    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let data = env.vault.parent().unwrap();
    let backups = data.join("backups");
    assert_eq!(mode(data), 0o700, "the data folder");
    assert_eq!(mode(&backups), 0o700, "the backups folder");
    let mut files = vec![env.vault.clone(), backup, csv, secrets, xlsx];
    files.extend(std::fs::read_dir(&backups).unwrap().map(|e| e.unwrap().path()));
    assert!(
        files.len() >= 7,
        "a backup by hand, before the schema change, before the restore: {files:?}"
    );
    for file in files {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

#[test]
fn a_new_vault_or_passphrase_must_be_at_least_eight_characters() {
    let env = Env::new();
    let err = env.fails(&["init"], "x");
    assert!(
        err.contains("too weak") && err.contains("at least 8 characters"),
        "{err}"
    );
    assert!(!env.vault.exists(), "no vault is made");
    env.fails(&["init"], "aaaaaaaaaa");
    env.ok(&["init"]);
    for weak in ["1", "short", "abababab"] {
        let out = env
            .command(&["passwd"], PASS)
            .env("CARDBASE_NEW_PASSPHRASE", weak)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && err.contains("too weak"), "{weak}: {err}");
    }
    env.ok(&["check"]);
}

/// Terminal escapes a hostile file, record or plugin could carry: OSC 52 (writes the
/// clipboard), a CSI that clears the screen, a C1 CSI, a bell and a carriage return that
/// would overwrite what the line said.
const HOSTILE: &str = "\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{9b}31m\rOK";

/// Fails if `text` holds a control character a terminal acts on (tabs and line ends aside).
#[track_caller]
fn assert_no_terminal_controls(text: &str, what: &str) {
    let raw: Vec<char> = text
        .replace("\r\n", "\n")
        .chars()
        .filter(|&c| c.is_control() && c != '\n' && c != '\t')
        .collect();
    assert!(raw.is_empty(), "{what} prints raw control characters {raw:?}: {text:?}");
}

fn both(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn control_characters_from_records_files_and_plugins_never_reach_the_terminal() {
    let env = Env::init("personal");
    let first = format!("first_name=Ada{HOSTILE}");
    let id = env.add("contacts", &[&first, "last_name=Lovelace"]);
    let id = id.to_string();
    env.ok(&["edit", &id, "--set", &format!("last_name=Ada{HOSTILE}")]);
    for (what, args) in [
        ("list", vec!["list", "contacts"]),
        ("list --format json", vec!["list", "contacts", "--format", "json"]),
        ("get", vec!["get", id.as_str()]),
        ("search", vec!["search", "Ada"]),
        ("history", vec!["history", id.as_str()]),
    ] {
        let out = env.run(&args);
        assert!(out.status.success(), "{what}: {}", both(&out));
        let text = both(&out);
        assert!(
            text.contains("Ada\\u001b]52;c;"),
            "{what} shows the escape as text: {text:?}"
        );
        assert_no_terminal_controls(&text, what);
    }

    // CSV into a pipe or a file is data and stays exact; only on a terminal is it escaped.
    let csv = env.ok(&["list", "contacts", "--format", "csv"]);
    assert!(csv.contains(HOSTILE), "{csv:?}");

    // The import report: a header that is not a field, a file name, a bad row.
    let file = env.dir.path().join(format!("people{HOSTILE}.csv"));
    std::fs::write(&file, format!("First name,Nickname{HOSTILE}\nBob,x\n")).unwrap();
    let out = env.run(&["import", file.to_str().unwrap(), "--section", "contacts", "--dry-run"]);
    assert_no_terminal_controls(&both(&out), "the import report");
    let out = env.run(&["import", file.to_str().unwrap(), "--section", "nowhere"]);
    assert!(!out.status.success());
    assert_no_terminal_controls(&both(&out), "an import error");

    // A plugin's name, and the reminders its rule makes.
    let dir = env.dir.path().join("evil-rule");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("plugin.toml"),
        "id = \"evil-rule\"\nname = \"Evil\\u001B]52;c;ZXZpbA==\\u0007\"\nversion = \"1.0.0\"\napi = \"1.0.0\"\n\
         kinds = [\"reminder-rule\"]\nruntime = \"rhai\"\nentry = \"rule.rhai\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("rule.rhai"),
        "fn sections() { [\"contacts\"] }\n\
         fn reminders(now, utc_offset, records) {\n\
             let out = [];\n\
             for r in records { out.push(#{ record_id: r.id, key: \"k\", due: now - 60, title: \"Call\\u001b]52;c;ZXZpbA==\\u0007\" }); }\n\
             out\n\
         }\n",
    )
    .unwrap();
    let out = env.run(&["plugin", "install", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", both(&out));
    assert_no_terminal_controls(&both(&out), "plugin install");
    let out = env.run(&["plugin", "list"]);
    assert!(both(&out).contains("evil-rule"), "{}", both(&out));
    assert_no_terminal_controls(&both(&out), "plugin list");
    let out = env.run(&["reminders"]);
    let text = both(&out);
    assert!(
        text.contains("Call\\u001b]52"),
        "the plugin's reminder is shown, escaped: {text:?}"
    );
    assert_no_terminal_controls(&text, "reminders");
}
