//! Setting plugins up: where they live, the first-party ones installed on first use, and the
//! questions both front ends ask of them (which are enabled, which came with the app).

use crate::{Error, Result};
use cardbase_plugin_host::manifest::{Kind, Manifest};
use cardbase_plugin_host::{Bundled, HostError, Installed, Plugin, PluginHost};
use std::path::{Path, PathBuf};

/// The user's plugins, with the host started the first time something needs it (starting it
/// installs or updates the bundled plugins, which costs a file write, so reading a CSV never
/// does).
pub struct Plugins {
    /// Data and cache folders; `None`: no plugins at all.
    dirs: Option<(PathBuf, PathBuf)>,
    host: Option<PluginHost>,
    /// Bundled plugins that failed to install, not yet told.
    problems: Vec<HostError>,
}

impl Plugins {
    /// The user's plugins: under the app's data folder, compiled ones in its cache folder
    /// (XDG on Linux; `XDG_DATA_HOME`/`XDG_CACHE_HOME` move them, as tests do).
    pub fn user() -> Result<Plugins> {
        let dirs = directories::ProjectDirs::from("org", "Cardbase", "cardbase")
            .ok_or_else(|| Error::Invalid("cannot find the user's home directory for the plugins folder".into()))?;
        Ok(Plugins::at(dirs.data_dir(), dirs.cache_dir()))
    }

    /// Plugins installed under `data` (each in `plugins/<id>/`), compiled ones cached in `cache`.
    pub fn at(data: &Path, cache: &Path) -> Plugins {
        Plugins {
            dirs: Some((data.to_path_buf(), cache.to_path_buf())),
            host: None,
            problems: Vec::new(),
        }
    }

    /// No plugins: the built-in readers and formats only.
    pub fn none() -> Plugins {
        Plugins {
            dirs: None,
            host: None,
            problems: Vec::new(),
        }
    }

    /// The host, started (and the bundled plugins installed) on first use. A bundled plugin
    /// that fails to install is kept for [`Plugins::take_problems`]; the others work.
    pub fn host(&mut self) -> Result<&PluginHost> {
        if self.host.is_none() {
            let Some((data, cache)) = &self.dirs else {
                return Err(Error::Invalid("plugins are not available here".into()));
            };
            let host = PluginHost::new(data, cache);
            let bundled: Vec<Bundled> = cardbase_bundled_plugins::PLUGINS
                .iter()
                .map(|p| Bundled {
                    manifest: p.manifest,
                    entry: p.entry,
                    enabled: p.enabled,
                })
                .collect();
            self.problems.extend(host.install_bundled(&bundled));
            self.host = Some(host);
        }
        Ok(self.host.as_ref().expect("the host was just started"))
    }

    /// Whether the host has been started.
    pub fn is_started(&self) -> bool {
        self.host.is_some()
    }

    /// Bundled plugins that could not be installed, each told once.
    pub fn take_problems(&mut self) -> Vec<HostError> {
        std::mem::take(&mut self.problems)
    }

    /// The installed, enabled plugins of `kind`; none when the host cannot start (the
    /// built-in readers and formats work all the same).
    pub fn enabled(&mut self, kind: Kind) -> Vec<Installed> {
        let Ok(list) = self.host().and_then(|h| h.list().map_err(Error::from)) else {
            return Vec::new();
        };
        list.into_iter()
            .filter(|i| i.state.enabled && i.manifest.is(kind))
            .collect()
    }

    /// The installed, enabled plugin `id`, which must be of `kind`.
    pub fn load_as(&mut self, id: &str, kind: Kind) -> Result<Plugin> {
        let plugin = self.host()?.load(id)?;
        if !plugin.manifest.is(kind) {
            return Err(Error::WrongKind {
                id: id.to_string(),
                kind,
            });
        }
        Ok(plugin)
    }
}

/// Whether the plugin `id` comes with the app (and so is installed again at every start: it
/// can be disabled, not removed).
pub fn is_bundled(id: &str) -> bool {
    cardbase_bundled_plugins::PLUGINS
        .iter()
        .any(|p| Manifest::parse(p.manifest, "bundled plugin.toml").is_ok_and(|m| m.id == id))
}

/// A plugin's kinds as people read them: `importer + exporter`.
pub fn kinds(k: &[Kind]) -> String {
    k.iter().map(Kind::to_string).collect::<Vec<_>>().join(" + ")
}

/// The capabilities a plugin asks for that were not granted.
pub fn withheld(i: &Installed) -> Vec<&str> {
    i.manifest
        .capabilities
        .iter()
        .filter(|c| !i.state.granted.contains(c))
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_party_plugins_are_known_as_bundled() {
        assert!(is_bundled("vcard") && is_bundled("icalendar"));
        assert!(!is_bundled("someone-elses"));
        assert_eq!(kinds(&[Kind::Importer, Kind::Exporter]), "importer + exporter");
    }

    #[test]
    fn no_plugins_means_no_host_and_no_enabled_plugins() {
        let mut p = Plugins::none();
        assert!(p.host().is_err());
        assert!(p.enabled(Kind::Importer).is_empty());
        assert!(!p.is_started());
    }
}
