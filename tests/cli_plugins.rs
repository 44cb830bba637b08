//! Plugins from the command line: the bundled ones installed by default, the author's
//! harness (new, build, check, run), vCard in and out with real-world files, and plugin
//! reminder rules.

#[path = "support/cli.rs"]
mod support;

use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::{Env, PASS};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn vcards() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("plugins/vcard/tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "vcf") && !p.ends_with("malformed.vcf"))
        .collect();
    files.sort();
    files
}

fn find<'a>(records: &'a [Json], last_name: &str) -> &'a Json {
    records
        .iter()
        .find(|r| r["fields"]["last_name"] == last_name)
        .unwrap_or_else(|| panic!("no contact {last_name}"))
}

fn items(r: &Json, key: &str) -> Vec<(String, String)> {
    r["fields"][key]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| {
                    (
                        i["kind"].as_str().unwrap().to_string(),
                        i["value"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_bundled_plugins_are_installed_on_first_use() {
    let env = Env::new();
    let list = env.ok(&["plugin", "list"]);
    for (id, kind, enabled) in [
        ("vcard", "importer + exporter", "yes"),
        ("icalendar", "exporter", "yes"),
        ("birthdays", "reminder-rule", "no"),
        ("contract-renewal", "reminder-rule", "no"),
    ] {
        let line = list
            .lines()
            .find(|l| l.trim_start().starts_with(id))
            .unwrap_or_else(|| panic!("{list}"));
        assert!(line.contains(kind) && line.contains(enabled), "{line}");
    }
    env.ok(&["plugin", "disable", "vcard"]);
    assert!(
        env.ok(&["plugin", "list"])
            .lines()
            .any(|l| l.contains("vcard") && l.contains(" no "))
    );
    let err = env.fails(&["plugin", "enable", "nosuch"], PASS);
    assert_eq!(
        err,
        "cardbase: no plugin \"nosuch\" is installed (see `cardbase plugin list`)"
    );
}

#[test]
fn real_world_vcards_import_with_everything_intact_and_survive_a_round_trip() {
    let env = Env::init("client-base");
    for f in vcards() {
        let out = env.ok(&["import", f.to_str().unwrap(), "--section", "contacts"]);
        assert!(out.contains("with plugin vcard"), "{out}");
    }
    let all = env.list_json(&["contacts"]);
    assert!(all.len() >= 20, "{} contacts", all.len());

    // Outlook 2003: vCard 2.1, quoted-printable Windows-1251, a base64 photo.
    let petr = find(&all, "Смирнов");
    assert_eq!(petr["fields"]["first_name"], "Пётр");
    assert_eq!(petr["fields"]["middle_name"], "Андреевич");
    assert_eq!(petr["fields"]["birthday"], "1985-07-21");
    assert!(petr["fields"]["photo"].is_object(), "{petr}");
    assert_eq!(
        items(petr, "phones"),
        [
            ("mobile".into(), "+7 921 555-77-88".into()),
            ("home".into(), "+7 812 555-66-77".into()),
            ("work".into(), "+7 812 555-00-11".into())
        ]
    );
    assert!(petr["fields"]["notes"].as_str().unwrap().contains("привезти мёд"));
    let org = petr["fields"]["organization"].as_i64().expect("a relation");
    let org = env.ok(&["get", &format!("#{org}"), "--format", "json"]);
    assert!(org.contains("Балтийская верфь"), "{org}");

    // Apple/Gmail style: item groups with X-ABLabel, custom labels kept as kinds.
    let lena = find(&all, "Fischer");
    assert!(
        items(lena, "phones").contains(&("assistant".into(), "+49 421 555 0109".into())),
        "{lena}"
    );
    assert!(items(lena, "emails").len() >= 3);
    assert_eq!(lena["fields"]["addresses"][1]["city"], "Worpswede");

    // Export and re-import into a fresh vault: the same contacts, field for field.
    let out = env.dir.path().join("all.vcf");
    assert!(
        env.ok(&["export", "contacts", "--out", out.to_str().unwrap()])
            .contains("with plugin vcard")
    );
    let fresh = Env::init("client-base");
    fresh.ok(&["import", out.to_str().unwrap(), "--section", "contacts"]);
    let again = fresh.list_json(&["contacts"]);
    assert_eq!(again.len(), all.len());
    let strip = |r: &Json| {
        let mut f = r["fields"].clone();
        let m = f.as_object_mut().unwrap();
        // Ids differ between vaults: compare what they point to by presence.
        for k in ["organization", "photo"] {
            if let Some(v) = m.get_mut(k) {
                *v = Json::Bool(true);
            }
        }
        // The exporter gives every card a UID (its record's id when the card came without
        // one), which the import keeps in the field the first import made for UIDs.
        m.remove("uid");
        // Fields the imports added come in the order each vault met them.
        let sorted: std::collections::BTreeMap<String, Json> = m.clone().into_iter().collect();
        serde_json::to_value(sorted).unwrap()
    };
    let mut a: Vec<String> = all.iter().map(|r| strip(r).to_string()).collect();
    let mut b: Vec<String> = again.iter().map(|r| strip(r).to_string()).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    // vCard 4.0 too.
    fresh.ok(&["plugin", "set", "vcard", "version", "4.0"]);
    let out4 = fresh.dir.path().join("all4.vcf");
    fresh.ok(&["export", "contacts", "--out", out4.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&out4).unwrap().contains("VERSION:4.0"));
}

#[test]
fn a_bad_card_is_named_and_all_or_nothing_holds() {
    let env = Env::init("client-base");
    let bad = root().join("plugins/vcard/tests/fixtures/malformed.vcf");
    let out = env.run(&["import", bad.to_str().unwrap(), "--section", "contacts"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("malformed.vcf, row 19: line 23: a new card begins"),
        "{err}"
    );
    assert!(env.list_json(&["contacts"]).is_empty());
    env.ok(&[
        "import",
        bad.to_str().unwrap(),
        "--section",
        "contacts",
        "--skip-bad-rows",
    ]);
    assert_eq!(env.list_json(&["contacts"]).len(), 2);
}

#[test]
fn events_export_as_icalendar() {
    let env = Env::init("client-base");
    env.add(
        "events",
        &["title=Call Ann", "planned=2026-12-01 10:00", "remind_minutes_before=15"],
    );
    let out = env.dir.path().join("plan.ics");
    env.ok(&["export", "events", "--out", out.to_str().unwrap()]);
    let ics = std::fs::read_to_string(&out).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(
        ics.contains("SUMMARY:Call Ann\r\n") && ics.contains("DTSTART:20261201T100000Z\r\n"),
        "{ics}"
    );
    assert!(ics.contains("TRIGGER:-PT15M\r\n"), "{ics}");
}

#[test]
fn the_rhai_reminder_rules_remind_of_birthdays_and_contract_ends() {
    let env = Env::init("client-base");
    env.add("contacts", &["first_name=Ann", "birthday=--12-10"]);
    env.add("contacts", &["first_name=Leap", "birthday=2000-02-29"]);
    env.add("organizations", &["name=Acme", "contract_end=2026-12-27"]);
    env.ok(&["plugin", "enable", "birthdays"]);
    env.ok(&["plugin", "enable", "contract-renewal"]);
    let at = [
        "reminders",
        "--at",
        "2026-11-27 08:00",
        "--days",
        "14",
        "--format",
        "json",
    ];
    let due: Vec<Json> = env.ok(&at).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let plugin: Vec<&Json> = due.iter().filter(|r| r["kind"] == "plugin").collect();
    let titles: Vec<&str> = plugin.iter().map(|r| r["title"].as_str().unwrap()).collect();
    // Ann's birthday on 10 December, 7 days ahead: 3 December 09:00; Acme's contract ends
    // 27 December, 30 days ahead: today 09:00.
    assert!(titles.contains(&"Birthday: Ann"), "{titles:?}");
    assert!(titles.contains(&"Contract ends 2026-12-27: Acme"), "{titles:?}");
    let ann = plugin.iter().find(|r| r["title"] == "Birthday: Ann").unwrap();
    assert_eq!(ann["due"], "2026-12-03T09:00:00Z");
    assert!(ann["id"].as_str().unwrap().starts_with("plugin:birthdays:"));
    // 29 February in a non-leap year falls on 28 February, a week ahead.
    let feb = [
        "reminders",
        "--at",
        "2027-02-20 08:00",
        "--days",
        "2",
        "--format",
        "json",
    ];
    let out = env.ok(&feb);
    assert!(
        out.contains("\"Birthday: Leap turns 27\"") && out.contains("2027-02-21T09:00:00Z"),
        "{out}"
    );
    // Dismissing a plugin reminder is remembered like any other.
    let id = ann["id"].as_str().unwrap();
    env.ok(&["dismiss", id]);
    assert!(!env.ok(&at).contains(id));
}

fn cargo(dir: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        // The author's own build: not this test's target dir, flags or wrappers.
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env("CARGO_NET_OFFLINE", "true")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_new_wasm_plugin_builds_passes_its_test_checks_and_runs() {
    let env = Env::new();
    let dir = env.dir.path().to_str().unwrap().to_string();
    let out = env.ok(&[
        "plugin",
        "new",
        "demo",
        "--kind",
        "importer",
        "--runtime",
        "wasm",
        "--dir",
        &dir,
    ]);
    let build = out
        .lines()
        .find(|l| l.contains("cargo build"))
        .unwrap_or_else(|| panic!("no build command in {out}"));
    assert!(
        build.contains("cargo test") && build.contains("--target wasm32-wasip2"),
        "{build}"
    );
    let demo = env.dir.path().join("demo");
    cargo(&demo, &["test", "--quiet"]);
    cargo(
        &demo,
        &[
            "build",
            "--release",
            "--target",
            "wasm32-wasip2",
            "--target-dir",
            "target",
        ],
    );
    let check = env.ok(&["plugin", "check", demo.to_str().unwrap()]);
    assert!(
        check.starts_with("demo 0.1.0: importer (wasm), plugin API 1.0.0: OK"),
        "{check}"
    );
    let sample = demo.join("sample.phones");
    let run = env.run(&[
        "plugin",
        "run",
        demo.to_str().unwrap(),
        "--import",
        sample.to_str().unwrap(),
    ]);
    assert!(run.status.success());
    let entries: Vec<Json> = String::from_utf8_lossy(&run.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries[1]["fields"]["first_name"], "Пётр Иванов");
    assert_eq!(entries[2]["error"], "expected \"name;phone\"");
    let figures = String::from_utf8_lossy(&run.stderr);
    assert!(
        figures.contains("demo: 2 entries, 1 bad in ") && figures.contains("peak memory"),
        "{figures}"
    );
    // Installed, it reads its files in a plain `cardbase import`.
    env.ok(&["plugin", "install", demo.to_str().unwrap()]);
    env.ok(&["init"]);
    let out = env.ok(&[
        "import",
        sample.to_str().unwrap(),
        "--section",
        "contacts",
        "--skip-bad-rows",
    ]);
    assert!(out.contains("with plugin demo") && out.contains("2 added"), "{out}");
}

#[test]
fn new_rhai_plugins_of_every_kind_check_and_run() {
    let env = Env::init("personal");
    env.add("contacts", &["first_name=Ann", "phones=+1 555 0100"]);
    let dir = env.dir.path().to_str().unwrap().to_string();
    for (name, kind, job) in [
        ("in-demo", "importer", vec!["--import"]),
        ("out-demo", "exporter", vec!["--export", "contacts"]),
        ("rule-demo", "reminder-rule", vec!["--rules"]),
    ] {
        env.ok(&[
            "plugin",
            "new",
            name,
            "--kind",
            kind,
            "--runtime",
            "rhai",
            "--dir",
            &dir,
        ]);
        let folder = env.dir.path().join(name);
        assert!(env.ok(&["plugin", "check", folder.to_str().unwrap()]).contains("OK"));
        let mut args = vec!["plugin", "run", folder.to_str().unwrap()];
        let sample = folder.join("sample.phones").display().to_string();
        args.extend(job.iter().copied());
        if kind == "importer" {
            args.push(&sample);
        }
        let out = env.ok(&args);
        match kind {
            "importer" => assert!(out.contains("\"first_name\":\"Ann Lee\""), "{out}"),
            "exporter" => assert_eq!(out, "Ann;+1 555 0100\n"),
            _ => assert_eq!(out, ""),
        }
    }
}

#[test]
fn a_plugin_that_wants_files_cannot_be_installed() {
    let env = Env::new();
    let dir = env.dir.path().join("sneaky");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("sneaky.wasm"), cardbase_bundled_plugins::fixtures::SNEAKY).unwrap();
    std::fs::write(
        dir.join("plugin.toml"),
        "id = \"sneaky\"\nname = \"Sneaky\"\nversion = \"1.0.0\"\napi = \"1.0.0\"\nkinds = [\"importer\"]\nruntime = \"wasm\"\nentry = \"sneaky.wasm\"\n",
    )
    .unwrap();
    let err = env.fails(&["plugin", "install", dir.to_str().unwrap()], PASS);
    assert!(
        err.starts_with("cardbase: plugin sneaky: is refused: it imports "),
        "{err}"
    );
    assert!(!env.ok(&["plugin", "list"]).contains("sneaky"));
    let err = env.fails(&["plugin", "check", dir.join("nope").to_str().unwrap()], PASS);
    assert!(err.contains("nope"), "{err}");
}

#[test]
fn secrets_reach_an_exporter_only_after_the_user_grants_them() {
    let env = Env::init("personal");
    env.add("links", &["title=Bank", "password=hunter2"]);
    let dir = env.dir.path().join("pw-export");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("plugin.toml"),
        "id = \"pw-export\"\nname = \"Passwords\"\nversion = \"1.0.0\"\napi = \"1.0.0\"\nkinds = [\"exporter\"]\nruntime = \"rhai\"\nentry = \"pw.rhai\"\nextensions = [\"pw\"]\ncapabilities = [\"secrets\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("pw.rhai"),
        "fn write(section, records) { let out = \"\"; for r in records { out += (r.fields.password ?? \"-\") + \"\\n\"; } out }",
    )
    .unwrap();
    let out = env.ok(&["plugin", "install", dir.to_str().unwrap()]);
    assert!(out.contains("capability \"secrets\", not granted"), "{out}");
    let file = env.dir.path().join("links.pw");
    let export = || {
        env.ok(&["export", "links", "--out", file.to_str().unwrap()]);
        std::fs::read_to_string(&file).unwrap()
    };
    assert_eq!(export(), "-\n");
    env.ok(&["plugin", "grant", "pw-export", "secrets"]);
    assert!(
        env.ok(&["plugin", "list"])
            .lines()
            .any(|l| l.contains("pw-export") && l.contains("secrets") && !l.contains("not granted"))
    );
    assert_eq!(export(), "hunter2\n");
    env.ok(&["plugin", "revoke", "pw-export", "secrets"]);
    assert_eq!(export(), "-\n");
    let err = env.fails(&["plugin", "grant", "vcard", "secrets"], PASS);
    assert_eq!(err, "cardbase: plugin vcard: does not ask for capability \"secrets\"");
}
