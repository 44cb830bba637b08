//! The plugins that come with Cardbase, embedded in the app and installed on first start:
//! each is its `plugin.toml` and its entry (a WASM component or a Rhai script).
//!
//! ```
//! let ids: Vec<&str> = cardbase_bundled_plugins::PLUGINS
//!     .iter()
//!     .map(|p| p.manifest.lines().find(|l| l.starts_with("id")).unwrap_or(""))
//!     .collect();
//! assert_eq!(ids.len(), 4);
//! ```

/// One bundled plugin.
pub struct BundledPlugin {
    /// The text of its `plugin.toml`.
    pub manifest: &'static str,
    /// Its entry file's bytes.
    pub entry: &'static [u8],
    /// Whether it starts enabled. The Rhai reminder rules start disabled: the built-in
    /// reminders already cover birthdays and contract ends, and twice would be noise.
    pub enabled: bool,
}

/// The first-party plugins.
pub const PLUGINS: &[BundledPlugin] = &[
    BundledPlugin {
        manifest: include_str!("../../../plugins/vcard/plugin.toml"),
        entry: include_bytes!(env!("CARDBASE_WASM_CARDBASE_PLUGIN_VCARD")),
        enabled: true,
    },
    BundledPlugin {
        manifest: include_str!("../../../plugins/icalendar/plugin.toml"),
        entry: include_bytes!(env!("CARDBASE_WASM_CARDBASE_PLUGIN_ICALENDAR")),
        enabled: true,
    },
    BundledPlugin {
        manifest: include_str!("../../../plugins/birthdays/plugin.toml"),
        entry: include_bytes!("../../../plugins/birthdays/birthdays.rhai"),
        enabled: false,
    },
    BundledPlugin {
        manifest: include_str!("../../../plugins/contract-renewal/plugin.toml"),
        entry: include_bytes!("../../../plugins/contract-renewal/contract-renewal.rhai"),
        enabled: false,
    },
];

/// Misbehaving plugins for the host's tests.
#[cfg(feature = "test-fixtures")]
pub mod fixtures {
    /// Misbehaves as its `behaviour` setting asks (see tests/plugins/hostile).
    pub const HOSTILE: &[u8] = include_bytes!(env!("CARDBASE_WASM_CARDBASE_TEST_PLUGIN_HOSTILE"));
    /// Imports the WASI file system and sockets.
    pub const SNEAKY: &[u8] = include_bytes!(env!("CARDBASE_WASM_CARDBASE_TEST_PLUGIN_SNEAKY"));
}
