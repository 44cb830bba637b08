//! The vault: one SQLCipher-encrypted file holding the schema, the records, their history and
//! the search index. No plaintext of any record reaches the disk: pages are encrypted before
//! they are written to the file or its write-ahead log, and temporary tables stay in memory.
//!
//! One process at a time may open a vault: the file is locked with an OS advisory lock for as
//! long as a [`Vault`] lives, and a second opener gets [`Error::VaultInUse`].

mod functions;
mod rekey;
mod restore;
pub(crate) mod store;
pub(crate) mod tables;

use crate::error::{Error, Result};
use crate::private_files;
use crate::schema::{Preset, Schema, SchemaFile};
use rusqlite::{Connection, OpenFlags};
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

pub use restore::Restored;

/// A vault passphrase, wiped from memory when dropped.
#[derive(Clone)]
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Wraps a passphrase.
    pub fn new(s: impl Into<String>) -> Passphrase {
        Passphrase(Zeroizing::new(s.into()))
    }

    /// The passphrase text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The fewest characters a new passphrase may have (see [`Passphrase::check_strength`]).
pub const MIN_PASSPHRASE_CHARS: usize = 8;

impl Passphrase {
    /// Refuses a passphrase too weak for a new vault or a passphrase change: fewer than
    /// [`MIN_PASSPHRASE_CHARS`] characters, or fewer than four different ones (`aaaaaaaa`).
    /// The vault's key is derived from it, so a short one is guessed offline by anyone who
    /// gets a copy of the file. Existing vaults open with whatever passphrase they have.
    ///
    /// ```
    /// # use cardbase_engine::Passphrase;
    /// assert!(Passphrase::new("x").check_strength().is_err());
    /// assert!(Passphrase::new("plum kettle orbit").check_strength().is_ok());
    /// ```
    pub fn check_strength(&self) -> Result<()> {
        let chars = self.0.chars().count();
        let distinct = self.0.chars().collect::<std::collections::HashSet<_>>().len();
        if chars < MIN_PASSPHRASE_CHARS || distinct < 4 {
            return Err(Error::WeakPassphrase {
                min_chars: MIN_PASSPHRASE_CHARS,
            });
        }
        Ok(())
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(***)")
    }
}

/// An open vault. All reads and writes of schema and records go through it.
pub struct Vault {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
    pub(crate) schema: Schema,
    passphrase: Passphrase,
    // Held for the vault's lifetime: the advisory lock that keeps a second process out.
    _lock: File,
}

/// What `check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Problems found; empty when the vault is sound.
    pub problems: Vec<String>,
    /// Live records per section key.
    pub records: Vec<(String, i64)>,
}

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// How many automatic backups of each kind (before imports, before schema changes) are kept.
pub const AUTO_BACKUPS: usize = 5;

impl Vault {
    /// Creates a new vault at `path` shaped by a schema preset.
    pub fn create(path: &Path, passphrase: &Passphrase, preset: Preset) -> Result<Vault> {
        Vault::create_with_schema(path, passphrase, &preset.schema_file())
    }

    /// Creates a new vault at `path` shaped by a schema file.
    pub fn create_with_schema(path: &Path, passphrase: &Passphrase, schema: &SchemaFile) -> Result<Vault> {
        if passphrase.expose().is_empty() {
            return Err(Error::EmptyPassphrase);
        }
        if path.exists() {
            return Err(Error::VaultExists(path.to_path_buf()));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            private_files::create_dir_all(dir).map_err(|source| Error::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        // Made here, private, before SQLite opens it: its log and shared memory take its mode.
        let lock = private_files::create_new(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        lock_exclusive(&lock, path)?;
        init_sqlite_once();
        let result = (|| {
            let conn =
                Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)?;
            apply_key(&conn, passphrase)?;
            configure(&conn)?;
            let tx = conn.unchecked_transaction()?;
            tables::create_system_tables(&tx)?;
            store::insert_schema_file(&tx, schema)?;
            store::set_meta(&tx, "search_index", crate::search::INDEX_SCHEME)?;
            tx.commit()?;
            let schema = store::load_schema(&conn)?;
            Ok(Vault {
                conn,
                path: path.to_path_buf(),
                schema,
                passphrase: passphrase.clone(),
                _lock: lock,
            })
        })();
        if result.is_err() {
            // Leave nothing half-made behind.
            let _ = std::fs::remove_file(path);
            for ext in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(sidecar(path, ext));
            }
        }
        result
    }

    /// Opens an existing vault. The file is not modified when the passphrase is wrong or the
    /// file is not a vault.
    pub fn open(path: &Path, passphrase: &Passphrase) -> Result<Vault> {
        sniff(path)?;
        let lock = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| Error::NotWritable {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?;
        lock_exclusive(&lock, path)?;
        init_sqlite_once();
        // CREATE lets backups ATTACH a new file; the vault itself was checked to exist above.
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)
            .map_err(|e| Error::NotWritable {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?;
        apply_key(&conn, passphrase)?;
        // The first read decrypts page 1: this is where a wrong key shows.
        let format: Option<String> = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
            .and_then(|_| conn.query_row("SELECT value FROM meta WHERE key = 'format'", [], |r| r.get(0)))
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::SqliteFailure(_, Some(ref m)) if m.starts_with("no such table") => Ok(None),
                e => Err(e),
            })
            .map_err(|e| open_error(e, path))?;
        let format: i64 = match format.and_then(|f| f.parse().ok()) {
            Some(f) => f,
            None => return Err(Error::NotAVault(path.to_path_buf())),
        };
        if format > tables::FORMAT {
            return Err(Error::TooNew {
                path: path.to_path_buf(),
                found: format,
                supported: tables::FORMAT,
            });
        }
        configure(&conn).map_err(|e| open_error(e, path))?;
        let schema = store::load_schema(&conn).map_err(|e| match e {
            Error::Sql(e) => open_error(e, path),
            e => e,
        })?;
        let mut vault = Vault {
            conn,
            path: path.to_path_buf(),
            schema,
            passphrase: passphrase.clone(),
            _lock: lock,
        };
        // Best effort: a vault on read-only media still opens, and is searched as before.
        let _ = vault.upgrade_search_index();
        Ok(vault)
    }

    /// Rewrites the search index of a vault indexed by an older version of the app (one that
    /// did not index Latin spellings of Cyrillic words), once, on the first open.
    fn upgrade_search_index(&mut self) -> Result<()> {
        if store::meta(&self.conn, "search_index")?.as_deref() == Some(crate::search::INDEX_SCHEME) {
            return Ok(());
        }
        let sections: Vec<String> = self.schema.live_sections().map(|s| s.key.clone()).collect();
        for key in sections {
            self.reindex_section(&key)?;
        }
        store::set_meta(&self.conn, "search_index", crate::search::INDEX_SCHEME)?;
        Ok(())
    }

    /// A second, read-only handle on this open vault, for reading on another thread while this
    /// one writes (a long import in the desktop app): thanks to the write-ahead log it reads
    /// the vault as of the last commit, never half of a change, and it is never blocked by the
    /// writer. It shares this handle's lock, so it works while a second process is kept out,
    /// and it keeps the schema as it was when it was made.
    ///
    /// ```
    /// # use cardbase_engine::{Passphrase, Preset, Query, Vault};
    /// # let dir = tempfile::tempdir().unwrap();
    /// let mut vault = Vault::create(&dir.path().join("v"), &Passphrase::new("pw"), Preset::Personal).unwrap();
    /// let reader = vault.reader().unwrap();
    /// vault.create_record_from_text("contacts", &[("first_name", "Ann")]).unwrap();
    /// assert_eq!(reader.list(&Query::section("contacts")).unwrap().total, 1);
    /// assert!(reader.is_read_only());
    /// ```
    pub fn reader(&self) -> Result<Vault> {
        let lock = self._lock.try_clone().map_err(io_error(&self.path))?;
        let conn = Connection::open_with_flags(&self.path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| {
            Error::NotWritable {
                path: self.path.clone(),
                reason: e.to_string(),
            }
        })?;
        apply_key(&conn, &self.passphrase)?;
        conn.execute_batch("PRAGMA query_only = 1; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16384;")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        functions::register(&conn)?;
        Ok(Vault {
            conn,
            path: self.path.clone(),
            schema: self.schema.clone(),
            passphrase: self.passphrase.clone(),
            _lock: lock,
        })
    }

    /// Whether this is a [`Vault::reader`], which refuses every change.
    pub fn is_read_only(&self) -> bool {
        self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false)
    }

    /// Where the vault file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The vault's schema as it stands.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Writes an encrypted copy of the vault (same passphrase) to `out`, which must not exist.
    ///
    /// The copy is written to `<out>.partial`, flushed to disk and only then renamed to `out`,
    /// so a crash or a full disk never leaves a half-written file under the backup's name.
    pub fn backup_to(&self, out: &Path) -> Result<()> {
        if out.exists() {
            return Err(Error::VaultExists(out.to_path_buf()));
        }
        let partial = sidecar(out, PARTIAL);
        let partial_str = partial.to_str().ok_or_else(|| Error::Io {
            path: out.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "path is not valid UTF-8"),
        })?;
        // A leftover of a copy that was cut short; ATTACH would open it instead of a new file.
        remove_if_exists(&partial)?;
        // SQLite makes the files it creates with the umask's mode; an empty private file is
        // a new database to ATTACH, and keeps its mode.
        private_files::create_new(&partial).map_err(io_error(&partial))?;
        let result = (|| -> rusqlite::Result<()> {
            self.conn.execute(
                "ATTACH DATABASE ?1 AS backup KEY ?2",
                [partial_str, self.passphrase.expose()],
            )?;
            // The export runs one transaction per table and index; journaling and syncing each
            // cost seconds on a slow disk. The copy is synced once below, and a copy cut short
            // is never renamed into place, so neither is needed.
            self.conn
                .execute_batch("PRAGMA backup.journal_mode = OFF; PRAGMA backup.synchronous = OFF;")?;
            let exported = self.conn.query_row("SELECT sqlcipher_export('backup')", [], |_| Ok(()));
            let version: i64 = self.conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
            let set = self
                .conn
                .execute_batch(&format!("PRAGMA backup.user_version = {version}"));
            self.conn.execute_batch("DETACH DATABASE backup")?;
            exported.and(set)
        })();
        let result = result
            .map_err(Error::from)
            .and_then(|()| sync_file(&partial))
            .and_then(|()| rename(&partial, out));
        if result.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        result
    }

    /// Writes an encrypted backup beside the vault (`backups/<name>-<time>-<reason>.cardbase`)
    /// before a risky step such as a large import, keeping the newest [`AUTO_BACKUPS`] of
    /// these. Returns the backup's path.
    pub fn auto_backup(&self, reason: &str) -> Result<PathBuf> {
        let dir = backup_dir(&self.path);
        private_files::own_dir(&dir).map_err(io_error(&dir))?;
        let out = dir.join(format!("{}-{}-{reason}.cardbase", self.name(), backup_stamp()));
        self.backup_to(&out)?;
        prune_backups(&self.path, reason)?;
        Ok(out)
    }

    /// Checks the vault: page authentication (every page decrypts and verifies), SQLite's own
    /// integrity check, and foreign keys.
    pub fn check(&self) -> Result<CheckReport> {
        let mut problems = Vec::new();
        // A damaged page can stop a step part way; that is a finding, and the other steps
        // still run.
        let mut step = |what: &str, result: Result<Vec<String>>| match result {
            Ok(found) => {
                problems.extend(found);
                Ok(())
            }
            Err(e) if e.is_damage() => {
                problems.push(format!("{what} stopped: {e}"));
                Ok(())
            }
            Err(e) => Err(e),
        };
        step(
            "the encryption check",
            self.strings("PRAGMA cipher_integrity_check")
                .map(|rows| rows.into_iter().map(|r| format!("encryption: {r}")).collect()),
        )?;
        step(
            "the integrity check",
            self.strings("PRAGMA integrity_check")
                .map(|rows| rows.into_iter().filter(|r| r != "ok").collect()),
        )?;
        step(
            "the reference check",
            self.conn
                .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get::<_, i64>(0)
                })
                .map_err(Error::from)
                .map(|fk| match fk {
                    0 => Vec::new(),
                    n => vec![format!("{n} broken references between records")],
                }),
        )?;
        let mut records = Vec::new();
        for s in self.schema.live_sections() {
            let counted = self.conn.query_row(
                &format!("SELECT count(*) FROM {} WHERE deleted = 0", s.table()),
                [],
                |r| r.get(0),
            );
            match counted.map_err(Error::from) {
                Ok(n) => records.push((s.key.clone(), n)),
                Err(e) => step(&format!("counting {}", s.key), Err(e))?,
            }
        }
        Ok(CheckReport { problems, records })
    }

    /// The first column of every row a statement returns, as text.
    fn strings(&self, sql: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The vault's file name without extension, for window titles.
    pub fn name(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// A setting kept in the vault (encrypted with it), such as the desktop app's last section
    /// or column layout. Keys are namespaced by the caller, e.g. `ui.last_section`.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(store::meta(&self.conn, &format!("setting.{key}"))?)
    }

    /// Saves a setting (see [`Vault::setting`]).
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        Ok(store::set_meta(&self.conn, &format!("setting.{key}"), value)?)
    }

    pub(crate) fn reload_schema(&mut self) -> Result<()> {
        self.schema = store::load_schema(&self.conn)?;
        Ok(())
    }
}

/// What a file being written is called until it is complete: `<name>.partial`.
const PARTIAL: &str = ".partial";

fn sidecar(path: &Path, ext: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(ext);
    PathBuf::from(s)
}

/// Where the automatic backups of the vault at `vault` go: `backups/` beside it.
fn backup_dir(vault: &Path) -> PathBuf {
    vault.with_file_name("backups")
}

const BACKUP_STAMP: &str = "%Y%m%d-%H%M%S%.3f";

/// A time stamp for a backup's name; such names sort by time.
fn backup_stamp() -> String {
    chrono::Local::now().format(BACKUP_STAMP).to_string()
}

/// Deletes the oldest automatic backups of one reason beyond [`AUTO_BACKUPS`], and copies of
/// the same vault that a crash cut short (`*.partial`; the caller holds the vault's lock, so
/// no other process is writing one).
fn prune_backups(vault: &Path, reason: &str) -> Result<()> {
    let dir = backup_dir(vault);
    let stem = vault
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!("{stem}-");
    let suffix = format!("-{reason}.cardbase");
    let mut old = Vec::new();
    let entries = std::fs::read_dir(&dir).map_err(io_error(&dir))?;
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let (name, partial) = match name.strip_suffix(PARTIAL) {
            Some(n) => (n, true),
            None => (name, false),
        };
        // Only this vault's: what lies between name and reason must be a time stamp, so
        // "clients-2023.cardbase"'s backups are not taken for "clients"'s.
        let ours = name
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(&suffix))
            .is_some_and(|stamp| chrono::NaiveDateTime::parse_from_str(stamp, BACKUP_STAMP).is_ok());
        if ours && partial {
            let _ = std::fs::remove_file(&path);
        } else if ours {
            old.push(path);
        }
    }
    // Time stamps sort as text; the oldest go first.
    old.sort();
    while old.len() > AUTO_BACKUPS {
        let path = old.remove(0);
        let _ = std::fs::remove_file(sidecar(&path, "-wal"));
        let _ = std::fs::remove_file(&path);
    }
    Ok(())
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn remove_if_exists(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_error(path)(e)),
        _ => Ok(()),
    }
}

/// Flushes a file's contents to the disk.
fn sync_file(path: &Path) -> Result<()> {
    File::open(path).and_then(|f| f.sync_all()).map_err(io_error(path))
}

/// Renames `from` to `to` (replacing it) and flushes the directory, so the new name survives
/// a crash.
fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(io_error(to))?;
    let dir = to
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // Directories cannot be opened for syncing everywhere; the rename itself has happened.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Tells what a file is before anything opens it as a database: missing, a directory, empty,
/// plain SQLite, or not whole pages (cut short, or not a vault). Reads only the first bytes.
fn sniff(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => Error::VaultMissing(path.to_path_buf()),
        _ => Error::Io {
            path: path.to_path_buf(),
            source,
        },
    })?;
    if meta.is_dir() {
        return Err(Error::IsDirectory(path.to_path_buf()));
    }
    if meta.len() == 0 {
        return Err(Error::EmptyFile(path.to_path_buf()));
    }
    let mut head = [0u8; 16];
    let mut file = File::open(path).map_err(io_error(path))?;
    if file.read_exact(&mut head).is_ok() && &head == SQLITE_HEADER {
        return Err(Error::PlainSqlite(path.to_path_buf()));
    }
    if meta.len() < 512 || meta.len() % 512 != 0 {
        // SQLCipher files are whole pages; anything else was cut short or is not a vault.
        return Err(Error::WrongPassphraseOrDamaged(path.to_path_buf()));
    }
    Ok(())
}

fn lock_exclusive(file: &File, path: &Path) -> Result<()> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::VaultInUse(path.to_path_buf())),
        Err(std::fs::TryLockError::Error(source)) => Err(Error::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Initializes SQLite and SQLCipher once per process, before any vault connection: the bundled
/// SQLCipher's first-time setup is not safe when two threads open their first connection at
/// the same moment ("An error occurred with PRAGMA key").
fn init_sqlite_once() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = Connection::open_in_memory();
    });
}

fn apply_key(conn: &Connection, passphrase: &Passphrase) -> Result<()> {
    // Keep SQLCipher quiet on stderr: a wrong key is reported once, by us.
    conn.pragma_update(None, "cipher_log_level", "NONE")?;
    conn.pragma_update(None, "key", passphrase.expose())?;
    Ok(())
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -32768;
         -- Snoozed and dismissed reminders (added after format 1; made on first open).
         CREATE TABLE IF NOT EXISTS reminder_state(
            id TEXT PRIMARY KEY,
            snoozed_until INTEGER,
            dismissed INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;",
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    functions::register(conn)?;
    Ok(())
}

fn open_error(e: rusqlite::Error, path: &Path) -> Error {
    use rusqlite::ffi::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => Error::WrongPassphraseOrDamaged(path.to_path_buf()),
        Some(ErrorCode::DatabaseCorrupt) => Error::WrongPassphraseOrDamaged(path.to_path_buf()),
        Some(ErrorCode::DiskFull) => Error::DiskFull(path.to_path_buf()),
        // The shared-memory file beside the vault could not grow: the disk is full.
        _ if matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_IOERR_SHMSIZE) => {
            Error::DiskFull(path.to_path_buf())
        }
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => Error::NotWritable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        },
        _ => Error::Sql(e),
    }
}
