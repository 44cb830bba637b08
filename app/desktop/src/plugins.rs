//! Where the app keeps its plugins, and the first-party ones it installs on first start.

use anyhow::{Context, Result};
use cardbase_plugin_host::{Bundled, HostError, PluginHost};

/// The user's plugin host: plugins under the app's data folder, compiled ones in its cache
/// folder (XDG on Linux; `XDG_DATA_HOME`/`XDG_CACHE_HOME` move them, as tests do).
pub fn host() -> Result<PluginHost> {
    let dirs = directories::ProjectDirs::from("org", "Cardbase", "cardbase")
        .context("cannot find the user's home directory for the plugins folder")?;
    Ok(PluginHost::new(dirs.data_dir(), dirs.cache_dir()))
}

/// The host with the bundled plugins installed (or updated). Plugins that failed to install
/// come back as errors to show once; the rest work.
pub fn ready_host() -> Result<(PluginHost, Vec<HostError>)> {
    let host = host()?;
    let bundled: Vec<Bundled> = cardbase_bundled_plugins::PLUGINS
        .iter()
        .map(|p| Bundled {
            manifest: p.manifest,
            entry: p.entry,
            enabled: p.enabled,
        })
        .collect();
    let failed = host.install_bundled(&bundled);
    Ok((host, failed))
}
