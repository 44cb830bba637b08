//! Capabilities: a plugin sees secret fields only when it asks for them and the user grants
//! them.

use cardbase_engine::{Passphrase, Preset, Query, Vault};
use cardbase_plugin_host::manifest::Manifest;
use cardbase_plugin_host::{Plugin, stderr_log};
use std::collections::BTreeMap;

const SCRIPT: &str = r#"
fn write(section, records) {
    let out = "";
    for r in records { out += (r.fields.password ?? "-") + "\n"; }
    out
}
"#;

fn exporter(asks: bool) -> Plugin {
    let caps = if asks { r#"capabilities = ["secrets"]"# } else { "" };
    let m = Manifest::parse(
        &format!(
            "id = \"pw-export\"\nname = \"P\"\nversion = \"1.0.0\"\napi = \"1.0.0\"\nkinds = [\"exporter\"]\nruntime = \"rhai\"\nentry = \"p.rhai\"\n{caps}\n"
        ),
        "plugin.toml",
    )
    .unwrap();
    Plugin::from_parts(m, SCRIPT.as_bytes(), BTreeMap::new(), stderr_log(), None).unwrap()
}

fn export(vault: &Vault, plugin: &Plugin) -> String {
    let mut out = Vec::new();
    vault
        .export_with_plugin(
            &Query::section("links"),
            plugin.exporter().unwrap(),
            &mut out,
            &mut |_, _| true,
        )
        .unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn secrets_reach_a_plugin_only_when_asked_for_and_granted() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::create(&dir.path().join("v.cardbase"), &Passphrase::new("pw"), Preset::Personal).unwrap();
    vault
        .create_record_from_text("links", &[("title", "Bank"), ("password", "hunter2")])
        .unwrap();
    let mut asks = exporter(true);
    assert_eq!(export(&vault, &asks), "-\n", "not granted yet");
    asks.grant(&["secrets".to_string()]);
    assert_eq!(export(&vault, &asks), "hunter2\n");
    let mut sneaky = exporter(false);
    sneaky.grant(&["secrets".to_string()]);
    assert_eq!(
        export(&vault, &sneaky),
        "-\n",
        "a grant it did not ask for does nothing"
    );
}
