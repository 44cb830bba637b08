//! Builds the WASM plugins with a nested `cargo build --target wasm32-wasip2 --release` into
//! a target folder of its own (the outer build holds the lock on the usual one), and tells
//! lib.rs where the components are.

use std::path::{Path, PathBuf};
use std::process::Command;

const PLUGINS: &[(&str, &str)] = &[
    ("cardbase-plugin-vcard", "cardbase_plugin_vcard"),
    ("cardbase-plugin-icalendar", "cardbase_plugin_icalendar"),
];

const FIXTURES: &[(&str, &str)] = &[
    ("cardbase-test-plugin-hostile", "cardbase_test_plugin_hostile"),
    ("cardbase-test-plugin-sneaky", "cardbase_test_plugin_sneaky"),
];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for watched in ["plugin-api", "plugins", "tests/plugins", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut crates: Vec<(&str, &str)> = PLUGINS.to_vec();
    if std::env::var_os("CARGO_FEATURE_TEST_FIXTURES").is_some() {
        crates.extend_from_slice(FIXTURES);
    }
    let target = out.join("wasm-target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // One crate per cargo run: each plugin's SDK build must not see the others' features.
    for (package, file) in &crates {
        let mut cmd = Command::new(&cargo);
        cmd.current_dir(&root)
            .args(["build", "--release", "--target", "wasm32-wasip2", "-p", package])
            .env("CARGO_TARGET_DIR", &target)
            // The outer build's wrappers and flags (clippy, coverage) are not for plugins.
            .env_remove("RUSTC_WORKSPACE_WRAPPER")
            .env_remove("RUSTC_WRAPPER")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("RUSTFLAGS");
        if std::env::var_os("CARGO_NET_OFFLINE").is_some() {
            cmd.arg("--offline");
        }
        let status = cmd.status().expect("cargo runs");
        assert!(status.success(), "building plugin {package} for wasm32-wasip2 failed");
        let wasm = target.join("wasm32-wasip2/release").join(format!("{file}.wasm"));
        println!(
            "cargo:rustc-env=CARDBASE_WASM_{}={}",
            file.to_uppercase(),
            wasm.display()
        );
    }
}
