//! Errors the engine reports. Each says what went wrong in words a user can act on, and names
//! the vault, section, field or record it concerns.

use std::path::PathBuf;

/// Shorthand for results of engine calls.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no vault at {}; create one with `cardbase init`", .0.display())]
    VaultMissing(PathBuf),
    #[error("a vault already exists at {}", .0.display())]
    VaultExists(PathBuf),
    #[error("vault {} is in use by another Cardbase process; close it there first", .0.display())]
    VaultInUse(PathBuf),
    #[error("cannot open vault {}: wrong passphrase, or the file is not a Cardbase vault or is damaged", .0.display())]
    WrongPassphraseOrDamaged(PathBuf),
    #[error("{} is a plain (unencrypted) SQLite database, not a Cardbase vault", .0.display())]
    PlainSqlite(PathBuf),
    #[error("{} is empty, not a Cardbase vault", .0.display())]
    EmptyFile(PathBuf),
    #[error("{} is a directory, not a Cardbase vault", .0.display())]
    IsDirectory(PathBuf),
    #[error("{} is an encrypted database but not a Cardbase vault (no Cardbase tables)", .0.display())]
    NotAVault(PathBuf),
    #[error("vault {} was written by a newer Cardbase (format {found}, this build reads up to {supported})", .path.display())]
    TooNew { path: PathBuf, found: i64, supported: i64 },
    #[error("cannot open vault {} for writing: {reason}", .path.display())]
    NotWritable { path: PathBuf, reason: String },
    #[error("no space left for vault {} (the disk is full); free some space and try again", .0.display())]
    DiskFull(PathBuf),
    /// Checked before a step that writes a second copy of the vault (a passphrase change).
    #[error("the disk is full: vault {} needs about {} KiB free beside it for this and only {} KiB are; free some space and try again", .path.display(), .needed / 1024, .free / 1024)]
    NoRoom { path: PathBuf, needed: u64, free: u64 },
    #[error("no backup at {}", .0.display())]
    NoBackup(PathBuf),
    #[error("backup {} is damaged ({} problems, the first: {})", .path.display(), .problems.len(), .problems.first().map(String::as_str).unwrap_or_default())]
    BackupDamaged { path: PathBuf, problems: Vec<String> },
    #[error("the passphrase must not be empty")]
    EmptyPassphrase,
    #[error(
        "the passphrase is too weak: use at least {min_chars} characters, not one or two repeated (several words are the easiest to remember); nothing was changed"
    )]
    WeakPassphrase { min_chars: usize },
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },

    #[error("schema file {file}: {message}")]
    SchemaFile { file: String, message: String },
    #[error("no section {0:?}")]
    NoSection(String),
    #[error("no field {field:?} in section {section:?}")]
    NoField { section: String, field: String },
    #[error("{0}")]
    Schema(String),

    #[error("no record {0}")]
    NoRecord(String),
    /// A record is not in the state the change needs ("record 5 is already in the bin").
    #[error("{0}")]
    RecordState(String),
    #[error("field {field:?}: {message}")]
    InvalidValue { field: String, message: String },
    #[error("field {field:?} is required")]
    Required { field: String },
    #[error("field {field:?} must be unique: record {existing} already has {value:?}")]
    NotUnique {
        field: String,
        value: String,
        existing: i64,
    },

    #[error(transparent)]
    Filter(#[from] crate::query::filter_expr::FilterParseError),
    #[error("{0}")]
    Query(String),

    #[error("cancelled; nothing was changed")]
    Cancelled,
    #[error("{} could not be imported, so nothing was saved (first: {}); fix them or skip bad rows", if .0.bad_rows.len() == 1 { "1 row".to_string() } else { format!("{} rows", .0.bad_rows.len()) }, .0.bad_rows.first().map(|b| b.to_string()).unwrap_or_default())]
    ImportFailed(Box<crate::import::ImportReport>),
    /// A file could not be read at all (or its plugin failed); nothing was saved.
    #[error("{0}")]
    Read(crate::import::table::ReadError),
    #[error(transparent)]
    Plugin(#[from] crate::plugin::PluginError),

    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
}

impl Error {
    /// Whether a database error means the vault file is damaged: a page failed its
    /// authentication or SQLite found the file malformed while reading it.
    pub fn is_damage(&self) -> bool {
        use rusqlite::ffi::ErrorCode;
        match self {
            Error::Sql(e) => matches!(
                e.sqlite_error_code(),
                Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
            ),
            _ => false,
        }
    }

    /// Whether the disk (or the user's quota) had no room for a change.
    pub fn is_disk_full(&self) -> bool {
        match self {
            Error::DiskFull(_) | Error::NoRoom { .. } => true,
            Error::Sql(e) => e.sqlite_error_code() == Some(rusqlite::ffi::ErrorCode::DiskFull),
            _ => false,
        }
    }

    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Self {
        Error::InvalidValue {
            field: field.to_string(),
            message: message.into(),
        }
    }
}
