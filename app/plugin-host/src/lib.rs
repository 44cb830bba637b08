//! Runs Cardbase plugins in a sandbox: WASM components under wasmtime ([`wasm`]) and Rhai
//! scripts ([`script`]), both behind the engine's plugin traits
//! ([`cardbase_engine::plugin`]), so the import, export and reminder pipelines cannot tell
//! them apart.
//!
//! [`PluginHost`] keeps the installed plugins in the app's data folder (one folder per
//! plugin: its `plugin.toml`, its entry file and a `state.toml` with what the user decided),
//! and caches compiled WASM in the cache folder.
//!
//! ```no_run
//! use cardbase_plugin_host::PluginHost;
//! use std::path::Path;
//!
//! let host = PluginHost::new(Path::new("/home/me/.local/share/cardbase"), Path::new("/home/me/.cache/cardbase"));
//! let installed = host.install(Path::new("plugins/vcard"), &[]).unwrap();
//! let plugin = host.load(&installed.manifest.id).unwrap();
//! let importer = plugin.importer().expect("vCard is an importer");
//! assert!(importer.sniff("friends.vcf", b"BEGIN:VCARD").unwrap());
//! ```

/// `plugin.toml`, read and checked (its own crate, so reading one needs no runtime).
pub use cardbase_plugin_manifest as manifest;
pub mod script;
pub mod wasm;

use cardbase_engine::plugin::{ExportPlugin, ImportPlugin, PluginError, ReminderPlugin};
use manifest::{Kind, Manifest, ManifestError, Runtime};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where plugin log messages go: (plugin id, level, message).
pub type LogSink = dyn Fn(&str, &str, &str) + Send + Sync;

/// What can go wrong installing, finding or loading a plugin.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error(transparent)]
    Plugin(#[from] PluginError),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("no plugin {0:?} is installed (see `cardbase plugin list`)")]
    NotInstalled(String),
    #[error("plugin {0} is disabled (enable it with `cardbase plugin enable {0}`)")]
    Disabled(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> HostError + '_ {
    move |source| HostError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The SHA-256 of some bytes, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// What the user decided about an installed plugin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginState {
    pub enabled: bool,
    /// Capabilities the user granted (a subset of what the manifest asks for).
    pub granted: Vec<String>,
    /// Settings the user changed; the manifest's `[config]` gives the rest.
    pub config: BTreeMap<String, String>,
}

impl Default for PluginState {
    fn default() -> PluginState {
        PluginState {
            enabled: true,
            granted: Vec::new(),
            config: BTreeMap::new(),
        }
    }
}

/// An installed plugin, as the plugin manager lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Installed {
    pub manifest: Manifest,
    pub state: PluginState,
    pub dir: PathBuf,
}

/// A plugin ready to run, of one runtime or the other.
pub struct Plugin {
    pub manifest: Manifest,
    runtime: Box<dyn Runs>,
}

/// What the user granted a loaded plugin.
pub(crate) trait Grants {
    fn grant_secrets(&mut self, yes: bool);
}

/// Everything a runtime offers, so [`Plugin`] hands out the engine's traits.
trait Runs: ImportPlugin + ExportPlugin + ReminderPlugin + Grants + Send + Sync {
    fn as_importer(&self) -> &dyn ImportPlugin;
    fn as_exporter(&self) -> &dyn ExportPlugin;
    fn as_rule(&self) -> &dyn ReminderPlugin;
}

impl<T: ImportPlugin + ExportPlugin + ReminderPlugin + Grants + Send + Sync> Runs for T {
    fn as_importer(&self) -> &dyn ImportPlugin {
        self
    }
    fn as_exporter(&self) -> &dyn ExportPlugin {
        self
    }
    fn as_rule(&self) -> &dyn ReminderPlugin {
        self
    }
}

impl Plugin {
    /// Loads a plugin from its manifest and entry bytes, with its settings.
    pub fn from_parts(
        manifest: Manifest,
        entry: &[u8],
        config: BTreeMap<String, String>,
        log: Arc<LogSink>,
        cache: Option<&Path>,
    ) -> Result<Plugin, HostError> {
        if let Some(want) = &manifest.sha256 {
            let got = sha256_hex(entry);
            if !want.eq_ignore_ascii_case(&got) {
                return Err(PluginError::new(
                    &manifest.id,
                    format!(
                        "{} does not match its sha256 in plugin.toml (it is {got})",
                        manifest.entry
                    ),
                )
                .into());
            }
        }
        let mut settings = manifest.config.clone();
        settings.extend(config);
        let runtime: Box<dyn Runs> = match manifest.runtime {
            Runtime::Wasm => Box::new(wasm::WasmPlugin::load(&manifest, entry, settings, log, cache)?),
            Runtime::Rhai => Box::new(script::RhaiPlugin::load(&manifest, entry, settings, log)?),
        };
        Ok(Plugin { manifest, runtime })
    }

    /// Applies the capabilities the user granted (only those the manifest asks for count).
    pub fn grant(&mut self, granted: &[String]) {
        let asked = |c: &str| self.manifest.capabilities.iter().any(|m| m == c);
        let secrets = granted.iter().any(|g| g == "secrets") && asked("secrets");
        self.runtime.grant_secrets(secrets);
    }

    /// The plugin as an importer, if it is one.
    pub fn importer(&self) -> Option<&dyn ImportPlugin> {
        self.manifest.is(Kind::Importer).then(|| self.runtime.as_importer())
    }

    /// The plugin as an exporter, if it is one.
    pub fn exporter(&self) -> Option<&dyn ExportPlugin> {
        self.manifest.is(Kind::Exporter).then(|| self.runtime.as_exporter())
    }

    /// The plugin as a reminder rule, if it is one.
    pub fn reminder_rule(&self) -> Option<&dyn ReminderPlugin> {
        self.manifest.is(Kind::ReminderRule).then(|| self.runtime.as_rule())
    }
}

/// Reads `plugin.toml` (from a folder or the file itself) and its entry file.
pub fn read_plugin(path: &Path) -> Result<(Manifest, Vec<u8>), HostError> {
    let file = if path.is_dir() {
        path.join("plugin.toml")
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(&file).map_err(io(&file))?;
    let manifest = Manifest::parse(&text, &file.display().to_string())?;
    let entry_path = file.parent().unwrap_or(Path::new(".")).join(&manifest.entry);
    let entry = std::fs::read(&entry_path).map_err(io(&entry_path))?;
    Ok((manifest, entry))
}

/// A plugin's settings with `now` (seconds since 1970 UTC) added unless set: plugins have no
/// clock, and an exporter needs a time stamp.
pub(crate) fn with_now(config: &Arc<BTreeMap<String, String>>) -> Arc<BTreeMap<String, String>> {
    if config.contains_key("now") {
        return config.clone();
    }
    let mut c = (**config).clone();
    c.insert("now".into(), chrono::Utc::now().timestamp().to_string());
    Arc::new(c)
}

/// Prints every plugin log message to stderr (for plugin authors).
pub fn stderr_log() -> Arc<LogSink> {
    Arc::new(|id: &str, level: &str, message: &str| eprintln!("plugin {id} [{level}] {message}"))
}

/// Prints a plugin's warnings and errors to stderr (for users: debug chatter stays out).
pub fn stderr_warnings() -> Arc<LogSink> {
    Arc::new(|id: &str, level: &str, message: &str| {
        if matches!(level, "warn" | "error") {
            eprintln!("plugin {id} [{level}] {message}");
        }
    })
}

/// A plugin shipped inside the app, installed on first start.
pub struct Bundled {
    pub manifest: &'static str,
    pub entry: &'static [u8],
    /// Whether it starts enabled when first installed.
    pub enabled: bool,
}

/// The installed plugins of one user.
pub struct PluginHost {
    dir: PathBuf,
    cache: PathBuf,
    log: Arc<LogSink>,
}

impl PluginHost {
    /// Plugins live in `<data_dir>/plugins`; compiled WASM is cached in `<cache_dir>/plugins`.
    pub fn new(data_dir: &Path, cache_dir: &Path) -> PluginHost {
        PluginHost {
            dir: data_dir.join("plugins"),
            cache: cache_dir.join("plugins"),
            log: stderr_warnings(),
        }
    }

    /// Every installed plugin, by id.
    pub fn list(&self) -> Result<Vec<Installed>, HostError> {
        let mut out = Vec::new();
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(io(&self.dir)(e)),
        };
        for entry in entries {
            let dir = entry.map_err(io(&self.dir))?.path();
            if dir.join("plugin.toml").is_file() {
                out.push(self.installed_at(&dir)?);
            }
        }
        out.sort_by(|a, b| a.manifest.id.cmp(&b.manifest.id));
        Ok(out)
    }

    fn installed_at(&self, dir: &Path) -> Result<Installed, HostError> {
        let file = dir.join("plugin.toml");
        let text = std::fs::read_to_string(&file).map_err(io(&file))?;
        let manifest = Manifest::parse(&text, &file.display().to_string())?;
        let state_file = dir.join("state.toml");
        let state = match std::fs::read_to_string(&state_file) {
            Ok(t) => toml::from_str(&t).map_err(|e| ManifestError {
                file: state_file.display().to_string(),
                message: e.to_string(),
            })?,
            Err(_) => PluginState::default(),
        };
        Ok(Installed {
            manifest,
            state,
            dir: dir.to_path_buf(),
        })
    }

    /// The installed plugin `id`.
    pub fn get(&self, id: &str) -> Result<Installed, HostError> {
        let dir = self.dir.join(id);
        if manifest::valid_id(id) && dir.is_dir() {
            return self.installed_at(&dir);
        }
        Err(HostError::NotInstalled(id.to_string()))
    }

    /// Installs (or updates) the plugin at `path` after checking that it loads, granting the
    /// capabilities in `grant` that it asks for. Its settings and enabled state survive an
    /// update.
    pub fn install(&self, path: &Path, grant: &[String]) -> Result<Installed, HostError> {
        let (manifest, entry) = read_plugin(path)?;
        self.install_parts(manifest, &entry, grant)
    }

    fn install_parts(&self, mut manifest: Manifest, entry: &[u8], grant: &[String]) -> Result<Installed, HostError> {
        // The installed copy keeps the entry beside its manifest.
        manifest.entry = manifest.entry.rsplit('/').next().unwrap_or(&manifest.entry).to_string();
        // Loading checks everything: API version, imports, exports, the script's syntax.
        Plugin::from_parts(
            manifest.clone(),
            entry,
            BTreeMap::new(),
            self.log.clone(),
            Some(&self.cache),
        )?;
        for g in grant {
            if !manifest.capabilities.contains(g) {
                return Err(PluginError::new(&manifest.id, format!("does not ask for capability {g:?}")).into());
            }
        }
        let dir = self.dir.join(&manifest.id);
        let mut state = self.get(&manifest.id).map(|i| i.state).unwrap_or_default();
        for g in grant {
            if !state.granted.contains(g) {
                state.granted.push(g.clone());
            }
        }
        state.granted.retain(|g| manifest.capabilities.contains(g));
        // Written beside the old copy and swapped in, so a failed update leaves the old one.
        let staging = self.dir.join(format!(".{}.new", manifest.id));
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging).map_err(io(&staging))?;
        let write = |name: &str, bytes: &[u8]| {
            let p = staging.join(name);
            std::fs::write(&p, bytes).map_err(io(&p))
        };
        write(&manifest.entry, entry)?;
        write("plugin.toml", toml::to_string(&manifest).unwrap_or_default().as_bytes())?;
        write("state.toml", toml::to_string(&state).unwrap_or_default().as_bytes())?;
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::rename(&staging, &dir).map_err(io(&dir))?;
        self.installed_at(&dir)
    }

    /// Installs the app's own plugins that are missing or older than the bundled ones.
    /// Returns the errors of those that failed, so one broken build does not stop the app.
    pub fn install_bundled(&self, bundled: &[Bundled]) -> Vec<HostError> {
        let mut failed = Vec::new();
        for b in bundled {
            let result = Manifest::parse(b.manifest, "bundled plugin.toml")
                .map_err(HostError::from)
                .and_then(|m| {
                    let current = self.get(&m.id).ok();
                    if current
                        .as_ref()
                        .is_some_and(|c| c.manifest.version == m.version && c.dir.join(&m.entry).is_file())
                    {
                        return Ok(());
                    }
                    let first = current.is_none();
                    let id = m.id.clone();
                    self.install_parts(m, b.entry, &[])?;
                    if first && !b.enabled {
                        self.set_enabled(&id, false)?;
                    }
                    Ok(())
                });
            if let Err(e) = result {
                failed.push(e);
            }
        }
        failed
    }

    /// Removes an installed plugin.
    pub fn remove(&self, id: &str) -> Result<(), HostError> {
        let installed = self.get(id)?;
        std::fs::remove_dir_all(&installed.dir).map_err(io(&installed.dir))
    }

    /// Enables or disables an installed plugin.
    pub fn set_enabled(&self, id: &str, enabled: bool) -> Result<Installed, HostError> {
        self.change_state(id, |s| s.enabled = enabled)
    }

    /// Grants (or takes back) a capability the plugin asks for.
    pub fn set_granted(&self, id: &str, capability: &str, granted: bool) -> Result<Installed, HostError> {
        let installed = self.get(id)?;
        if !installed.manifest.capabilities.iter().any(|c| c == capability) {
            return Err(PluginError::new(id, format!("does not ask for capability {capability:?}")).into());
        }
        self.change_state(id, |s| {
            s.granted.retain(|g| g != capability);
            if granted {
                s.granted.push(capability.to_string());
            }
        })
    }

    /// Sets one of a plugin's settings.
    pub fn set_config(&self, id: &str, key: &str, value: &str) -> Result<Installed, HostError> {
        self.change_state(id, |s| {
            s.config.insert(key.to_string(), value.to_string());
        })
    }

    fn change_state(&self, id: &str, change: impl FnOnce(&mut PluginState)) -> Result<Installed, HostError> {
        let mut installed = self.get(id)?;
        change(&mut installed.state);
        let file = installed.dir.join("state.toml");
        std::fs::write(&file, toml::to_string(&installed.state).unwrap_or_default()).map_err(io(&file))?;
        Ok(installed)
    }

    /// Loads an installed, enabled plugin.
    pub fn load(&self, id: &str) -> Result<Plugin, HostError> {
        let installed = self.get(id)?;
        if !installed.state.enabled {
            return Err(HostError::Disabled(id.to_string()));
        }
        let entry_path = installed.dir.join(&installed.manifest.entry);
        let entry = std::fs::read(&entry_path).map_err(io(&entry_path))?;
        let mut plugin = Plugin::from_parts(
            installed.manifest,
            &entry,
            installed.state.config,
            self.log.clone(),
            Some(&self.cache),
        )?;
        plugin.grant(&installed.state.granted);
        Ok(plugin)
    }

    /// Every enabled plugin of `kind`, loaded; those that fail to load come back as errors.
    pub fn load_enabled(&self, kind: Kind) -> (Vec<Plugin>, Vec<HostError>) {
        let mut plugins = Vec::new();
        let mut failed = Vec::new();
        match self.list() {
            Ok(list) => {
                for i in list.iter().filter(|i| i.state.enabled && i.manifest.is(kind)) {
                    match self.load(&i.manifest.id) {
                        Ok(p) => plugins.push(p),
                        Err(e) => failed.push(e),
                    }
                }
            }
            Err(e) => failed.push(e),
        }
        (plugins, failed)
    }

    /// The enabled importer that claims a file, by its extension and first bytes.
    pub fn importer_for(&self, path: &Path) -> Option<Plugin> {
        let name = path.file_name()?.to_string_lossy().to_string();
        let mut head = vec![0; 4096];
        let n = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
            .ok()?;
        head.truncate(n);
        let (plugins, _) = self.load_enabled(Kind::Importer);
        plugins
            .into_iter()
            .find(|p| p.importer().is_some_and(|i| i.sniff(&name, &head).unwrap_or(false)))
    }
}
