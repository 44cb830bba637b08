//! `plugin.toml`: what a plugin is, what it needs, and what it asks for.
//!
//! A crate of its own, without the runtimes, so that whatever only reads manifests (the fuzz
//! targets, tools) need not build wasmtime; `cardbase_plugin_host::manifest` re-exports it.
//!
//! ```
//! use cardbase_plugin_manifest::{Manifest, Kind, Runtime};
//!
//! let m = Manifest::parse(
//!     r#"
//!     id = "phone-list"
//!     name = "Phone lists"
//!     version = "0.1.0"
//!     api = "1.0.0"
//!     kinds = ["importer"]
//!     runtime = "rhai"
//!     entry = "phones.rhai"
//!     extensions = ["phones"]
//!     "#,
//!     "plugin.toml",
//! )
//! .unwrap();
//! assert_eq!(m.kinds, [Kind::Importer]);
//! assert_eq!(m.runtime, Runtime::Rhai);
//! ```

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The plugin API versions this host runs (`api` in the manifest).
pub const API_MAJOR: u64 = 1;
/// The newest minor version of API 1 this host knows.
pub const API_MINOR: u64 = 0;

/// What a plugin does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Reads files into records.
    Importer,
    /// Writes records to files.
    Exporter,
    /// Says when to remind of what.
    ReminderRule,
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Kind::Importer => "importer",
            Kind::Exporter => "exporter",
            Kind::ReminderRule => "reminder-rule",
        })
    }
}

/// How a plugin runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Runtime {
    /// A WASM component (`wasm32-wasip2`), run by wasmtime.
    Wasm,
    /// A Rhai script.
    Rhai,
}

impl std::fmt::Display for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Runtime::Wasm => "wasm",
            Runtime::Rhai => "rhai",
        })
    }
}

/// The limits a plugin asks for; the host clamps them to its own maximums.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Memory a WASM plugin may use, in MiB.
    pub memory_mb: u32,
    /// Time one call may take, in milliseconds.
    pub time_ms: u64,
    /// Bytes one call may hand back, in MiB.
    pub output_mb: u32,
    /// Rhai operations one call may run.
    pub operations: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            memory_mb: 64,
            time_ms: 5_000,
            output_mb: 16,
            operations: 50_000_000,
        }
    }
}

impl Limits {
    /// The most the host grants, whatever a manifest asks.
    pub const MAX: Limits = Limits {
        memory_mb: 512,
        time_ms: 60_000,
        output_mb: 64,
        operations: 2_000_000_000,
    };

    /// These limits, each no higher than the host's maximum (and never zero).
    pub fn clamped(self) -> Limits {
        Limits {
            memory_mb: self.memory_mb.clamp(1, Limits::MAX.memory_mb),
            time_ms: self.time_ms.clamp(1, Limits::MAX.time_ms),
            output_mb: self.output_mb.clamp(1, Limits::MAX.output_mb),
            operations: self.operations.clamp(1, Limits::MAX.operations),
        }
    }
}

/// Capabilities a plugin may ask for and the user may grant.
pub const CAPABILITIES: &[(&str, &str)] = &[(
    "secrets",
    "sees secret fields (passwords) of the records it exports or checks",
)];

/// A plugin's `plugin.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Lower-case letters, digits and dashes, 2 to 40 of them: `vcard`, `contract-renewal`.
    pub id: String,
    pub name: String,
    /// The plugin's own version (semantic: `1.2.0`).
    pub version: String,
    /// The plugin API version it was built for: `1.0.0`.
    pub api: String,
    pub kinds: Vec<Kind>,
    pub runtime: Runtime,
    /// The file to run, relative to the manifest: a `.wasm` component or a `.rhai` script.
    pub entry: String,
    /// The entry's SHA-256, hex; checked when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default)]
    pub description: String,
    /// File extensions an importer reads (or an exporter writes), without dots.
    #[serde(default)]
    pub extensions: Vec<String>,
    /// Capabilities the plugin asks for (see [`CAPABILITIES`]).
    #[serde(default)]
    pub capabilities: Vec<String>,
    #[serde(default)]
    pub limits: Limits,
    /// The plugin's settings and their defaults; the user may change them.
    #[serde(default)]
    pub config: BTreeMap<String, String>,
}

/// A manifest that does not hold: the file and what is wrong, in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ManifestError {
    pub file: String,
    pub message: String,
}

impl Manifest {
    /// Reads and checks a manifest; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Manifest, ManifestError> {
        let err = |message: String| ManifestError {
            file: file.to_string(),
            message,
        };
        let m: Manifest = toml::from_str(text).map_err(|e| err(e.to_string().trim().replace('\n', " ")))?;
        if !valid_id(&m.id) {
            return Err(err(format!(
                "id {:?} must be 2 to 40 lower-case letters, digits and dashes",
                m.id
            )));
        }
        if m.name.trim().is_empty() || m.name.len() > 100 {
            return Err(err("name must be 1 to 100 characters".into()));
        }
        if semver(&m.version).is_none() {
            return Err(err(format!("version {:?} is not a version like 1.0.0", m.version)));
        }
        match semver(&m.api) {
            None => return Err(err(format!("api {:?} is not a version like 1.0.0", m.api))),
            Some((major, minor)) if major != API_MAJOR || minor > API_MINOR => {
                return Err(err(format!(
                    "api {} is not supported: this Cardbase runs plugin API {API_MAJOR}.{API_MINOR} (and older 1.x)",
                    m.api
                )));
            }
            Some(_) => {}
        }
        if m.kinds.is_empty() {
            return Err(err(
                "kinds must name at least one of importer, exporter, reminder-rule".into()
            ));
        }
        // A path below the manifest's folder (a build's `target/...` is fine), never above it.
        let entry_ok = !m.entry.is_empty()
            && !m.entry.starts_with('/')
            && !m.entry.contains('\\')
            && m.entry
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..")
            && m.entry.len() <= 200;
        if !entry_ok {
            return Err(err(format!(
                "entry {:?} must be a path inside the plugin's folder (no '..', not absolute)",
                m.entry
            )));
        }
        let wanted = match m.runtime {
            Runtime::Wasm => ".wasm",
            Runtime::Rhai => ".rhai",
        };
        if !m.entry.ends_with(wanted) {
            return Err(err(format!(
                "entry {:?} must be a {wanted} file for runtime {}",
                m.entry, m.runtime
            )));
        }
        if let Some(h) = &m.sha256
            && (h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(err("sha256 must be 64 hex digits".into()));
        }
        for c in &m.capabilities {
            if !CAPABILITIES.iter().any(|(k, _)| k == c) {
                return Err(err(format!(
                    "unknown capability {c:?}; known: {}",
                    CAPABILITIES.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
                )));
            }
        }
        for e in &m.extensions {
            if e.is_empty() || e.len() > 16 || !e.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(err(format!(
                    "extension {e:?} must be letters and digits, without a dot"
                )));
            }
        }
        Ok(m)
    }

    /// Whether the plugin is of `kind`.
    pub fn is(&self, kind: Kind) -> bool {
        self.kinds.contains(&kind)
    }
}

/// Whether `id` is a plugin id: 2 to 40 lower-case letters, digits and inner dashes.
pub fn valid_id(id: &str) -> bool {
    (2..=40).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// `major.minor.patch` (a pre-release or build suffix is allowed) as (major, minor).
fn semver(v: &str) -> Option<(u64, u64)> {
    let core = v.split(['-', '+']).next()?;
    let mut parts = core.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    let _patch: u64 = parts.next()?.parse().ok()?;
    parts.next().is_none().then_some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
        id = "vcard"
        name = "vCard"
        version = "1.0.0"
        api = "1.0.0"
        kinds = ["importer", "exporter"]
        runtime = "wasm"
        entry = "vcard.wasm"
        extensions = ["vcf"]
    "#;

    fn fails(text: &str) -> String {
        Manifest::parse(text, "x/plugin.toml").unwrap_err().to_string()
    }

    #[test]
    fn a_good_manifest_reads_with_defaults() {
        let m = Manifest::parse(GOOD, "plugin.toml").unwrap();
        assert_eq!(m.limits, Limits::default());
        assert!(m.is(Kind::Importer) && m.is(Kind::Exporter) && !m.is(Kind::ReminderRule));
    }

    #[test]
    fn each_mistake_is_named_with_the_file() {
        assert!(fails("id = ").starts_with("x/plugin.toml: "));
        assert!(fails(&GOOD.replace("\"vcard\"\n", "\"V Card\"\n")).contains("id \"V Card\""));
        assert!(fails(&GOOD.replace("api = \"1.0.0\"", "api = \"2.0.0\"")).contains("api 2.0.0 is not supported"));
        assert!(fails(&GOOD.replace("api = \"1.0.0\"", "api = \"1.7.0\"")).contains("not supported"));
        assert!(fails(&GOOD.replace("\"vcard.wasm\"", "\"../vcard.wasm\"")).contains("no '..'"));
        assert!(fails(&GOOD.replace("\"vcard.wasm\"", "\"/etc/vcard.wasm\"")).contains("not absolute"));
        assert!(Manifest::parse(&GOOD.replace("\"vcard.wasm\"", "\"target/r/vcard.wasm\""), "p").is_ok());
        assert!(fails(&GOOD.replace("\"vcard.wasm\"", "\"vcard.rhai\"")).contains("must be a .wasm file"));
        assert!(fails(&GOOD.replace("kinds = [\"importer\", \"exporter\"]", "kinds = []")).contains("kinds"));
        assert!(
            fails(&GOOD.replace("kinds = [\"importer\", \"exporter\"]", "kinds = [\"printer\"]")).contains("printer")
        );
        assert!(fails(&format!("{GOOD}\ncapabilities = [\"network\"]")).contains("unknown capability \"network\""));
        assert!(fails(&format!("{GOOD}\nsurprise = 1")).contains("surprise"));
        assert!(fails(&GOOD.replace("version = \"1.0.0\"", "version = \"one\"")).contains("version \"one\""));
    }

    #[test]
    fn limits_are_clamped_to_the_hosts_maximum() {
        let asked = Limits {
            memory_mb: 100_000,
            time_ms: 0,
            output_mb: 1,
            operations: u64::MAX,
        };
        let got = asked.clamped();
        assert_eq!(got.memory_mb, Limits::MAX.memory_mb);
        assert_eq!(got.time_ms, 1);
        assert_eq!(got.operations, Limits::MAX.operations);
    }
}
