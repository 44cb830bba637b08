//! What can go wrong in a workflow, in words that speak of files, fields, records and
//! plugins (never of command-line flags: the desktop shows these messages too).

use std::path::PathBuf;

/// Shorthand for results of workflows.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a workflow can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The engine refused or failed (a bad value, a full disk, a damaged file...).
    #[error(transparent)]
    Engine(#[from] cardbase_engine::Error),
    /// The plugin host failed (a plugin that cannot be loaded, a manifest in error...).
    #[error(transparent)]
    Plugin(#[from] cardbase_plugin_host::HostError),
    /// A file could not be read or written.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// An export could not be written.
    #[error(transparent)]
    Export(#[from] cardbase_engine::export::writers::ExportError),
    /// No plugin of the kind asked for has this id.
    #[error("plugin {id} is not an {kind}")]
    WrongKind {
        /// The plugin's id.
        id: String,
        /// The kind it should have been.
        kind: cardbase_plugin_host::manifest::Kind,
    },
    /// No built-in format and no enabled exporter plugin writes files with this extension.
    #[error(
        "no format writes .{extension} files; choose a format (XLSX, CSV, HTML, text or JSON lines) or enable an exporter plugin that does"
    )]
    UnknownFormat {
        /// The extension, lower case (empty when the file has none).
        extension: String,
    },
    /// What was asked does not fit together (every section into a CSV, say).
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
        move |source| Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The engine error inside, if this is one (for front ends that tell a full disk or a
    /// damaged vault apart).
    pub fn engine(&self) -> Option<&cardbase_engine::Error> {
        match self {
            Error::Engine(e) => Some(e),
            _ => None,
        }
    }
}
