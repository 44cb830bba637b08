//! Where the app keeps its plugins, the first-party ones it installs on first start, and the
//! few steps the command line and the desktop shell both take with them (which plugin reads a
//! file, writing a plugin export safely).

use anyhow::{Context, Result};
use cardbase_engine::import::plugin_reader::PluginReader;
use cardbase_engine::plugin::{ExportPlugin, PluginExportStats};
use cardbase_engine::{Query, Vault};
use cardbase_plugin_host::manifest::Kind;
use cardbase_plugin_host::{Bundled, HostError, Plugin, PluginHost};
use std::path::{Path, PathBuf};

/// The user's plugin host: plugins under the app's data folder, compiled ones in its cache
/// folder (XDG on Linux; `XDG_DATA_HOME`/`XDG_CACHE_HOME` move them, as tests do).
fn host() -> Result<PluginHost> {
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

/// Whether the plugin `id` comes with the app (and so is installed again at every start).
pub fn is_bundled(id: &str) -> bool {
    cardbase_bundled_plugins::PLUGINS.iter().any(|p| {
        cardbase_plugin_host::manifest::Manifest::parse(p.manifest, "bundled plugin.toml").is_ok_and(|m| m.id == id)
    })
}

/// A plugin's kinds as people read them: `importer + exporter`.
pub fn kinds(k: &[Kind]) -> String {
    k.iter().map(Kind::to_string).collect::<Vec<_>>().join(" + ")
}

/// The enabled importer plugin that claims `path`, for a file the built-in readers do not read
/// (by its extension); `None` when a built-in reader does, or no plugin claims it.
pub fn importer_for(host: &PluginHost, path: &Path) -> Option<Plugin> {
    if read_by_built_in(path) {
        return None;
    }
    host.importer_for(path)
}

/// Whether a built-in reader reads files with the extension of `path`.
pub fn read_by_built_in(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    cardbase_engine::import::EXTENSIONS.contains(&ext.as_str())
}

/// Reads `path` with an importer plugin, as a table the import pipeline takes.
pub fn plugin_reader(plugin: &Plugin, path: &Path) -> Result<PluginReader> {
    let importer = plugin
        .importer()
        .with_context(|| format!("plugin {} is not an importer", plugin.manifest.id))?;
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok(PluginReader::new(
        importer,
        &path.display().to_string(),
        Box::new(std::io::BufReader::new(file)),
        size,
    )?)
}

/// Where an export to `path` is written until it is complete: `<name>.partial` beside it.
pub fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

/// Exports the records of `q` to `path` with an exporter plugin. The file is written beside
/// the target and moved over it at the end, so a failed or cancelled export leaves no half
/// file (and an older file of that name stays as it was).
pub fn export_to_file(
    vault: &Vault,
    q: &Query,
    exporter: &dyn ExportPlugin,
    path: &Path,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<PluginExportStats> {
    let partial = partial_path(path);
    let written = (|| -> Result<PluginExportStats> {
        let file = std::fs::File::create(&partial).with_context(|| format!("creating {}", partial.display()))?;
        let mut out = std::io::BufWriter::new(file);
        let stats = vault.export_with_plugin(q, exporter, &mut out, progress)?;
        std::io::Write::flush(&mut out).with_context(|| format!("writing {}", partial.display()))?;
        Ok(stats)
    })();
    let stats = match written {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_export_sits_beside_its_target_under_the_full_name() {
        assert_eq!(
            partial_path(Path::new("/tmp/friends.vcf")),
            Path::new("/tmp/friends.vcf.partial")
        );
    }
}
