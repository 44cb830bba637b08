//! Plugin manifests (`plugin.toml`) on any text.
//!
//! Holds: no panic; errors name the file; a manifest that parses writes back (the host
//! writes it with `toml::to_string` when it installs a plugin) to text that parses to the
//! same manifest.

#![no_main]

use cardbase_plugin_manifest::Manifest;
use libfuzzer_sys::fuzz_target;

const FILE: &str = "plugin.toml";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Manifest::parse(text, FILE) {
        Ok(manifest) => {
            let written = toml::to_string(&manifest).expect("a manifest serializes");
            let again = Manifest::parse(&written, FILE)
                .unwrap_or_else(|e| panic!("a parsed manifest writes back to a valid file: {e}\n{written}"));
            assert_eq!(again, manifest, "{written}");
        }
        Err(error) => assert_eq!(error.file, FILE),
    }
});
