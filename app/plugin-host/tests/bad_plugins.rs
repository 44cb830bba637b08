//! Bad plugins, WASM and Rhai: each is stopped within its limits with an error naming the
//! plugin, the host (this test process) carries on, and an import it breaks leaves the vault
//! as it was.

use cardbase_bundled_plugins::fixtures::{HOSTILE, SNEAKY};
use cardbase_engine::import::ImportOptions;
use cardbase_engine::import::plugin_reader::PluginReader;
use cardbase_engine::plugin::{ImportPlugin, PluginRecord, PluginValue, SectionInfo};
use cardbase_engine::{Passphrase, Preset, Vault};
use cardbase_plugin_host::manifest::Manifest;
use cardbase_plugin_host::{HostError, Plugin, stderr_log};
use std::collections::BTreeMap;

fn manifest(id: &str, runtime: &str, entry: &str, kinds: &str) -> Manifest {
    Manifest::parse(
        &format!(
            r#"
            id = "{id}"
            name = "Test plugin"
            version = "0.1.0"
            api = "1.0.0"
            kinds = {kinds}
            runtime = "{runtime}"
            entry = "{entry}"
            [limits]
            memory_mb = 32
            time_ms = 30000
            output_mb = 4
            operations = 5000000
            "#
        ),
        "plugin.toml",
    )
    .unwrap()
}

/// The hostile plugin with generous time, so only the misdeed under test can stop it, even
/// on a loaded machine.
fn hostile(behaviour: &str) -> Plugin {
    hostile_within(behaviour, 30_000)
}

fn hostile_within(behaviour: &str, time_ms: u64) -> Plugin {
    let mut m = manifest(
        "hostile",
        "wasm",
        "hostile.wasm",
        r#"["importer", "exporter", "reminder-rule"]"#,
    );
    m.limits.time_ms = time_ms;
    let config = BTreeMap::from([("behaviour".to_string(), behaviour.to_string())]);
    Plugin::from_parts(m, HOSTILE, config, stderr_log(), None).unwrap()
}

fn script(source: &str, kinds: &str) -> Result<Plugin, HostError> {
    let m = manifest("bad-script", "rhai", "bad.rhai", kinds);
    Plugin::from_parts(m, source.as_bytes(), BTreeMap::new(), stderr_log(), None)
}

fn import_error(p: &Plugin) -> String {
    let importer = p.importer().unwrap();
    let mut session = importer.start("x.hostile").unwrap();
    let e = session.feed(b"Ann\nBob\n").unwrap_err();
    // A session that failed is never called again.
    let again = session.feed(b"Cid\n").unwrap_err();
    assert!(again.message.contains("stopped after an earlier error"), "{again}");
    e.to_string()
}

fn section() -> SectionInfo {
    SectionInfo {
        key: "contacts".into(),
        label: "Contacts".into(),
        fields: Vec::new(),
    }
}

fn records(n: usize) -> Vec<PluginRecord> {
    (1..=n)
        .map(|i| PluginRecord {
            id: i.to_string(),
            section: "contacts".into(),
            fields: vec![("first_name".into(), PluginValue::Text(format!("P{i}")))],
        })
        .collect()
}

#[test]
fn a_well_behaved_wasm_plugin_imports_exports_and_reminds() {
    let p = hostile("none");
    let importer = p.importer().unwrap();
    assert!(importer.sniff("a.hostile", b"").unwrap());
    assert!(!importer.sniff("a.csv", b"").unwrap());
    let mut s = importer.start("a.hostile").unwrap();
    let entries = s.feed(b"Ann\nBob\n").unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        entries[1].fields,
        [("first_name".to_string(), PluginValue::Text("Bob".into()))]
    );
    let mut e = p.exporter().unwrap().start(&section()).unwrap();
    assert_eq!(e.write(&records(2)).unwrap(), b"1\n2\n");
    let now = chrono::Utc::now();
    let r = p.reminder_rule().unwrap().reminders(now, 0, &records(3)).unwrap();
    assert_eq!(r.len(), 3);
    assert_eq!(r[0].record_id, "1");
}

#[test]
fn an_infinite_loop_is_stopped_by_the_deadline() {
    let e = import_error(&hostile_within("loop", 400));
    assert_eq!(e, "plugin hostile: was stopped: it ran longer than 0.4 s");
}

#[test]
fn a_memory_bomb_is_stopped_by_the_memory_limit() {
    let e = import_error(&hostile("memory"));
    assert_eq!(e, "plugin hostile: was stopped: it used more than 32 MiB of memory");
}

#[test]
fn deep_recursion_is_stopped() {
    let e = import_error(&hostile("recursion"));
    assert_eq!(
        e,
        "plugin hostile: was stopped: it recursed too deeply (stack overflow)"
    );
}

#[test]
fn a_panic_is_reported_with_its_message() {
    let e = import_error(&hostile("panic"));
    assert!(e.starts_with("plugin hostile: crashed: "), "{e}");
    assert!(e.contains("the hostile plugin panics on purpose"), "{e}");
}

#[test]
fn a_giant_output_is_refused() {
    // 40 MiB of output fits in the 64 MiB the export asks for, but not in its 4 MiB output.
    let mut m = manifest("hostile", "wasm", "hostile.wasm", r#"["exporter"]"#);
    m.limits.memory_mb = 128;
    let config = BTreeMap::from([("behaviour".to_string(), "giant-output".to_string())]);
    let p = Plugin::from_parts(m, HOSTILE, config, stderr_log(), None).unwrap();
    let e = p
        .exporter()
        .unwrap()
        .start(&section())
        .unwrap()
        .write(&records(1))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "plugin hostile: was stopped: it returned 40 MiB at once, more than its 4 MiB"
    );
}

#[test]
fn a_reminder_for_a_record_it_was_not_given_is_refused_by_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::create(&dir.path().join("v.cardbase"), &Passphrase::new("pw"), Preset::Personal).unwrap();
    vault
        .create_record_from_text("contacts", &[("first_name", "Ann")])
        .unwrap();
    let p = hostile("bad-record");
    let rule = p.reminder_rule().unwrap();
    let (found, failed) = vault
        .reminders_with(chrono::Utc::now(), 30, None, &chrono::Utc, &[rule])
        .unwrap();
    assert!(found.iter().all(|r| !r.id.starts_with("plugin:")));
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0].to_string().contains("which it was not given"),
        "{}",
        failed[0]
    );
}

#[test]
fn a_plugin_that_reads_files_or_opens_sockets_is_refused_at_load() {
    let m = manifest("sneaky", "wasm", "sneaky.wasm", r#"["importer"]"#);
    let Err(e) = Plugin::from_parts(m, SNEAKY, BTreeMap::new(), stderr_log(), None) else {
        panic!("the sneaky plugin loaded");
    };
    let e = e.to_string();
    assert!(e.starts_with("plugin sneaky: is refused: it imports "), "{e}");
    assert!(
        e.contains("wasi:filesystem/types@0.2.6 (plugins may not read or write files)"),
        "{e}"
    );
    assert!(
        e.contains("wasi:sockets/tcp@0.2.6 (plugins may not use the network)"),
        "{e}"
    );
}

#[test]
fn a_manifest_kind_the_component_lacks_or_garbage_bytes_are_refused() {
    let Err(e) = Plugin::from_parts(
        manifest("junk", "wasm", "junk.wasm", r#"["importer"]"#),
        b"\0asm not really",
        BTreeMap::new(),
        stderr_log(),
        None,
    ) else {
        panic!("junk loaded");
    };
    assert!(
        e.to_string().starts_with("plugin junk: is not a valid WASM component"),
        "{e}"
    );
}

#[test]
fn a_wrong_api_version_or_a_malformed_manifest_is_named() {
    let text = "id = \"xx\"\nname = \"X\"\nversion = \"1.0.0\"\napi = \"2.0.0\"\nkinds = [\"importer\"]\nruntime = \"wasm\"\nentry = \"x.wasm\"\n";
    let e = Manifest::parse(text, "x/plugin.toml").unwrap_err().to_string();
    assert!(e.starts_with("x/plugin.toml: api 2.0.0 is not supported"), "{e}");
    let e = Manifest::parse("id = [", "y/plugin.toml").unwrap_err().to_string();
    assert!(e.starts_with("y/plugin.toml: "), "{e}");
}

#[test]
fn a_failing_plugin_leaves_no_partial_import() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::create(&dir.path().join("v.cardbase"), &Passphrase::new("pw"), Preset::Personal).unwrap();
    vault
        .create_record_from_text("contacts", &[("first_name", "Kept")])
        .unwrap();
    // Fine on the first chunk, then a panic: the rows read before must not stay.
    let mut m = manifest("hostile", "wasm", "hostile.wasm", r#"["importer"]"#);
    m.limits.time_ms = 400;
    for behaviour in ["panic", "loop"] {
        let config = BTreeMap::from([("behaviour".to_string(), behaviour.to_string())]);
        let p = Plugin::from_parts(m.clone(), HOSTILE, config, stderr_log(), None).unwrap();
        let importer: &dyn ImportPlugin = p.importer().unwrap();
        let source = std::io::Cursor::new(b"Ann\nBob\n".to_vec());
        let mut reader = PluginReader::new(importer, "people.hostile", Box::new(source), 8).unwrap();
        let options = ImportOptions {
            section: "contacts".into(),
            mapping: vec![Some("first_name".into())],
            skip_bad_rows: true,
            ..Default::default()
        };
        let e = vault
            .import(&mut reader, "people.hostile", &options, &mut |_, _| true)
            .unwrap_err();
        assert!(e.to_string().contains("plugin hostile: "), "{e}");
        assert_eq!(vault.count("contacts").unwrap(), 1, "after {behaviour}");
    }
    // And a good import through the same path lands.
    let p = hostile("none");
    let source = std::io::Cursor::new(b"Ann\nBob\n".to_vec());
    let mut reader = PluginReader::new(p.importer().unwrap(), "people.hostile", Box::new(source), 8).unwrap();
    let options = ImportOptions {
        section: "contacts".into(),
        mapping: vec![Some("first_name".into())],
        ..Default::default()
    };
    let report = vault
        .import(&mut reader, "people.hostile", &options, &mut |_, _| true)
        .unwrap();
    assert_eq!(report.created, 2);
    assert_eq!(vault.count("contacts").unwrap(), 3);
}

const RULE_KINDS: &str = r#"["reminder-rule"]"#;

fn rule_error(body: &str) -> String {
    rule_error_within(body, 30_000)
}

fn rule_error_within(body: &str, time_ms: u64) -> String {
    let source = format!("fn sections() {{ [\"contacts\"] }}\nfn reminders(now, off, records) {{ {body} }}");
    let mut m = manifest("bad-script", "rhai", "bad.rhai", RULE_KINDS);
    m.limits.time_ms = time_ms;
    let p = Plugin::from_parts(m, source.as_bytes(), BTreeMap::new(), stderr_log(), None).unwrap();
    p.reminder_rule()
        .unwrap()
        .reminders(chrono::Utc::now(), 0, &records(2))
        .unwrap_err()
        .to_string()
}

#[test]
fn a_script_that_loops_is_stopped() {
    // The operation budget stops it (the 30 s deadline is a backstop here).
    let e = rule_error("let n = 0; loop { n += 1; }");
    assert_eq!(e, "plugin bad-script: was stopped: it ran more than 5000000 operations");
}

#[test]
fn a_script_within_its_operations_is_stopped_by_the_deadline() {
    let mut m = manifest("bad-script", "rhai", "bad.rhai", RULE_KINDS);
    m.limits.operations = u64::MAX;
    m.limits.time_ms = 300;
    let source = "fn sections() { [] }\nfn reminders(now, off, records) { let n = 0; loop { n += 1; } }";
    let p = Plugin::from_parts(m, source.as_bytes(), BTreeMap::new(), stderr_log(), None).unwrap();
    let e = p
        .reminder_rule()
        .unwrap()
        .reminders(chrono::Utc::now(), 0, &records(1))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "plugin bad-script: was stopped: it ran longer than 0.3 s"
    );
}

#[test]
fn a_script_that_hoards_memory_is_stopped() {
    let e = rule_error("let s = \"xxxxxxxx\"; loop { s += s; }");
    assert!(
        e.starts_with("plugin bad-script: was stopped: ") && e.contains("beyond its limit"),
        "{e}"
    );
    // Nested arrays: Rhai re-measures them as they grow, so the size limit, the operation
    // budget or the deadline stops this one, whichever comes first on this machine.
    let e = rule_error_within("let a = []; loop { a.push([1, 2, 3, 4, 5, 6, 7, 8]); }", 1000);
    assert!(e.starts_with("plugin bad-script: was stopped: "), "{e}");
}

#[test]
fn a_script_that_recurses_is_stopped() {
    let source =
        "fn sections() { [\"contacts\"] }\nfn down(n) { down(n + 1) }\nfn reminders(now, off, records) { down(0) }";
    let p = script(source, RULE_KINDS).unwrap();
    let e = p
        .reminder_rule()
        .unwrap()
        .reminders(chrono::Utc::now(), 0, &records(1))
        .unwrap_err()
        .to_string();
    assert_eq!(e, "plugin bad-script: was stopped: it recursed too deeply");
}

#[test]
fn a_script_may_not_eval_or_import() {
    let Err(e) = script(
        "fn sections() { eval(\"1\") }\nfn reminders(a, b, c) { [] }",
        RULE_KINDS,
    ) else {
        panic!("eval compiled");
    };
    assert!(e.to_string().starts_with("plugin bad-script: bad.rhai: "), "{e}");
    let e = rule_error("import \"os\" as os; []");
    assert!(e.contains("may not import modules") || e.contains("os"), "{e}");
}

#[test]
fn a_script_missing_its_functions_or_broken_is_named() {
    let Err(e) = script("fn sections() { [] }", RULE_KINDS) else {
        panic!("an incomplete rule loaded");
    };
    assert_eq!(
        e.to_string(),
        "plugin bad-script: bad.rhai is an reminder-rule but does not define fn reminders() with 3 parameters"
    );
    let Err(e) = script("fn sections( {", RULE_KINDS) else {
        panic!("a syntax error loaded");
    };
    assert!(e.to_string().contains("bad.rhai: "), "{e}");
    let e = rule_error("throw \"no way\"");
    assert!(e.contains("no way"), "{e}");
}

#[test]
fn a_script_returning_garbage_is_refused() {
    let e = rule_error("[#{ record_id: \"1\", key: \"k\", due: \"tomorrow\", title: \"x\" }]");
    assert!(e.contains("no valid due time"), "{e}");
    let e = rule_error("42");
    assert!(e.contains("must return an array"), "{e}");
}
