//! Spreadsheets going to and from LibreOffice Calc: files it writes import with their types,
//! and an XLSX export opens in it with the same values as the CSV export.
//!
//! These tests drive the real `soffice --headless --convert-to`. They run where it is on
//! `PATH` (`.ci/setup` installs Debian's `libreoffice-calc`); elsewhere each one prints that it
//! is skipped and passes.

#[path = "support/cli.rs"]
mod support;

use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::Env;

/// A conversion that takes longer than this has hung (a first start takes a few seconds).
const SOFFICE_TIMEOUT: Duration = Duration::from_secs(120);

/// LibreOffice's CSV filter reading: comma-separated, `"`-quoted, UTF-8 (76), from line 1,
/// standard column types, in English (USA, 1033) so `1234.5` is a number and `TRUE` a boolean
/// whatever the machine's locale.
const CSV_IN: &str = "Text - txt - csv (StarCalc):44,34,76,1,,1033";

/// LibreOffice's CSV filter writing: comma-separated, `"`-quoted, UTF-8 (76).
const CSV_OUT: &str = "csv:Text - txt - csv (StarCalc):44,34,76";

/// `soffice` with a profile of its own, so conversions running in parallel do not share (and
/// lock) one user installation.
struct Office {
    program: PathBuf,
    profile: tempfile::TempDir,
}

impl Office {
    /// `soffice` from `PATH`, or `None` after printing that `test` is skipped.
    fn find_or_skip(test: &str) -> Option<Office> {
        let program = std::env::var_os("PATH").and_then(|path| {
            std::env::split_paths(&path)
                .map(|d| d.join("soffice"))
                .find(|p| p.is_file())
        });
        let Some(program) = program else {
            eprintln!("{test}: skipped, soffice (LibreOffice) is not on PATH; .ci/setup installs it");
            return None;
        };
        Some(Office {
            program,
            profile: tempfile::tempdir().expect("temp dir"),
        })
    }

    /// Converts `input` with `soffice --headless --convert-to to` into `outdir`; returns the
    /// file it wrote. `to` is an extension, optionally followed by `:filter:options`.
    fn convert(&self, input: &Path, to: &str, infilter: Option<&str>, outdir: &Path) -> PathBuf {
        let ext = to.split(':').next().expect("split yields at least one part");
        let stem = input.file_stem().expect("the input is a file");
        let output = outdir.join(stem).with_extension(ext);
        let log = outdir.with_extension("soffice.log");
        let mut cmd = Command::new(&self.program);
        cmd.arg(format!(
            "-env:UserInstallation=file://{}",
            self.profile.path().display()
        ))
        .arg("--headless");
        if let Some(filter) = infilter {
            cmd.arg(format!("--infilter={filter}"));
        }
        cmd.args(["--convert-to", to, "--outdir"])
            .arg(outdir)
            .arg(input)
            // The locale decides how cells are shown in a CSV (decimal point, grouping): keep
            // it English wherever the test runs.
            .env("LC_ALL", "C.UTF-8")
            .env("LANG", "C.UTF-8")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).expect("soffice log file"))
            .stderr(std::fs::File::create(log.with_extension("err")).expect("soffice log file"));
        // Its own process group: `soffice` is a script that starts `soffice.bin`, and a hung
        // conversion is stopped with all of it.
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn().expect("soffice starts");
        let deadline = Instant::now() + SOFFICE_TIMEOUT;
        let status = loop {
            if let Some(status) = child.try_wait().expect("waiting for soffice") {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
                let _ = child.wait();
                panic!(
                    "soffice did not convert {} to {to} within {} s and was stopped",
                    input.display(),
                    SOFFICE_TIMEOUT.as_secs()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let said = |file: PathBuf| std::fs::read_to_string(file).unwrap_or_default();
        // soffice exits with 0 even when it wrote nothing, so the file is what tells.
        assert!(
            status.success() && output.is_file(),
            "soffice did not convert {} to {to} ({status}): {}{}",
            input.display(),
            said(log.clone()),
            said(log.with_extension("err"))
        );
        output
    }
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/import")
        .join(name)
}

/// A client base whose clients also have a checkbox, a number and a date and time.
fn client_base() -> Env {
    let env = Env::init("client-base");
    for (key, kind, label) in [
        ("vip", "checkbox", "VIP"),
        ("turnover", "number", "Turnover"),
        ("last_call", "datetime", "Last call"),
    ] {
        env.ok(&[
            "schema",
            "add-field",
            "organizations",
            key,
            "--type",
            kind,
            "--label",
            label,
        ]);
    }
    env
}

fn named<'a>(recs: &'a [Json], name: &str) -> &'a Json {
    recs.iter()
        .find(|r| r["fields"]["name"] == name)
        .unwrap_or_else(|| panic!("no record named {name} in {recs:?}"))
}

/// Converts the CSV fixture to `format` with LibreOffice, imports that into a new client base
/// and checks every value kept its type.
fn libreoffice_book_imports_with_types_intact(test: &str, format: &str) {
    let Some(office) = Office::find_or_skip(test) else {
        return;
    };
    let env = client_base();
    let outdir = env.dir.path().join("converted");
    std::fs::create_dir(&outdir).unwrap();
    let book = office.convert(&fixture("libreoffice-clients.csv"), format, Some(CSV_IN), &outdir);
    let out = env.ok(&[
        "import",
        book.to_str().unwrap(),
        "--section",
        "organizations",
        "--map",
        "Name=name",
        "--map",
        "City=city",
        "--map",
        "Deal amount=deal_amount",
        "--map",
        "Contract end=contract_end",
        "--map",
        "VIP=vip",
        "--map",
        "Tax ID=inn",
        "--map",
        "Turnover=turnover",
    ]);
    assert!(out.contains("3 added"), "{out}");
    let recs = env.list_json(&["organizations"]);

    let acme = &named(&recs, "Acme GmbH")["fields"];
    assert_eq!(acme["city"], "Berlin");
    assert_eq!(acme["deal_amount"]["amount"], 1234.5, "money is a number: {acme}");
    assert_eq!(acme["deal_amount"]["currency"], "USD", "the field's currency");
    assert_eq!(acme["contract_end"], "2026-12-31", "the same date: {acme}");
    assert_eq!(acme["vip"], true, "a boolean cell ticks the checkbox: {acme}");
    assert_eq!(
        acme["turnover"], 123456789012.34,
        "a number keeps all its digits, as a number: {acme}"
    );
    assert_eq!(
        acme["inn"], "500100732259",
        "a numeric cell in a text field is written out whole, not 5.0010073226e11: {acme}"
    );

    let romashka = &named(&recs, "Ромашка")["fields"];
    assert_eq!(romashka["city"], "Москва", "Cyrillic text is intact");
    assert_eq!(romashka["deal_amount"]["amount"], 20.0);
    assert_eq!(romashka["contract_end"], "2027-01-15");
    assert_eq!(romashka["vip"], false, "FALSE is unticked, not missing: {romashka}");
    assert_eq!(romashka["turnover"], 9876543.21);
    assert_eq!(romashka["inn"], "7707083893");

    let globex = &named(&recs, "Globex")["fields"];
    assert!(
        globex["city"].is_null() && globex["inn"].is_null(),
        "empty cells stay empty: {globex}"
    );
    assert_eq!(globex["deal_amount"]["amount"], 0.1);
    assert_eq!(globex["contract_end"], "2025-02-28");
    assert_eq!(globex["turnover"], 42.0);
}

#[test]
fn an_xlsx_written_by_libreoffice_imports_with_types_intact() {
    libreoffice_book_imports_with_types_intact("an_xlsx_written_by_libreoffice_imports_with_types_intact", "xlsx");
}

#[test]
fn an_ods_written_by_libreoffice_imports_with_types_intact() {
    libreoffice_book_imports_with_types_intact("an_ods_written_by_libreoffice_imports_with_types_intact", "ods");
}

/// The rows of a UTF-8 CSV file, header first (a byte-order mark is not part of the data).
fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8(bytes).expect("the CSV is UTF-8");
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn an_xlsx_export_converts_back_to_csv_in_libreoffice_with_the_same_values() {
    let test = "an_xlsx_export_converts_back_to_csv_in_libreoffice_with_the_same_values";
    let Some(office) = Office::find_or_skip(test) else {
        return;
    };
    let env = client_base();
    env.add(
        "organizations",
        &[
            "name=Acme, \"the\" GmbH",
            "status=Active",
            "city=Berlin",
            "contract_end=2026-12-31",
            "deal_amount=1234567.5 EUR",
            "debt=0.1 USD",
            "inn=007707083893",
            "vip=yes",
            "turnover=123456789012.34",
            "last_call=2024-03-05 14:30",
            "notes=Line one\nline two",
        ],
    );
    env.add(
        "organizations",
        &[
            "name=Ромашка",
            "city=Москва",
            "deal_amount=20 RUB",
            "vip=no",
            "turnover=-36.5",
        ],
    );
    let dir = env.dir.path();
    let xlsx = dir.join("clients.xlsx");
    let csv = dir.join("clients.csv");
    for out in [&xlsx, &csv] {
        env.ok(&[
            "export",
            "organizations",
            "--sort",
            "name",
            "--out",
            out.to_str().unwrap(),
        ]);
    }
    let outdir = dir.join("converted");
    std::fs::create_dir(&outdir).unwrap();
    let from_office = csv_rows(&office.convert(&xlsx, CSV_OUT, None, &outdir));
    let from_cardbase = csv_rows(&csv);

    assert_eq!(from_office[0], from_cardbase[0], "the same columns");
    let headers = &from_cardbase[0];
    assert_eq!(from_office.len(), from_cardbase.len(), "{from_office:?}");
    for (row, (office_row, cardbase_row)) in from_office.iter().zip(&from_cardbase).enumerate().skip(1) {
        assert_eq!(office_row.len(), headers.len(), "row {row}: {office_row:?}");
        for (col, header) in headers.iter().enumerate() {
            assert_eq!(
                shown_by_office(header, &office_row[col]),
                cardbase_row[col],
                "row {row}, column {header:?}"
            );
        }
    }
}

/// A cell of LibreOffice's CSV as Cardbase's CSV export writes it, undoing only the display
/// formatting the XLSX asks for: LibreOffice writes cells as shown, and the XLSX shows money
/// as `#,##0.00 "EUR"`, grouping thousands for people where the CSV writes the plain amount.
fn shown_by_office(header: &str, cell: &str) -> String {
    match header {
        "Deal amount" | "Debt" => cell.replace(',', ""),
        _ => cell.to_string(),
    }
}
