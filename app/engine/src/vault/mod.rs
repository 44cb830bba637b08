//! The vault: one SQLCipher-encrypted file holding the schema, the records, their history and
//! the search index. No plaintext of any record reaches the disk: pages are encrypted before
//! they are written to the file or its write-ahead log, and temporary tables stay in memory.
//!
//! One process at a time may open a vault: the file is locked with an OS advisory lock for as
//! long as a [`Vault`] lives, and a second opener gets [`Error::VaultInUse`].

mod functions;
pub(crate) mod store;
pub(crate) mod tables;

use crate::error::{Error, Result};
use crate::schema::{Preset, Schema, SchemaFile};
use rusqlite::{Connection, OpenFlags};
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

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
            std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let lock = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|source| Error::Io {
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
        let mut file = File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if file.read_exact(&mut head).is_ok() && &head == SQLITE_HEADER {
            return Err(Error::PlainSqlite(path.to_path_buf()));
        }
        if meta.len() < 512 || meta.len() % 512 != 0 {
            // SQLCipher files are whole pages; anything else was cut short or is not a vault.
            return Err(Error::WrongPassphraseOrDamaged(path.to_path_buf()));
        }
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
        Ok(Vault {
            conn,
            path: path.to_path_buf(),
            schema,
            passphrase: passphrase.clone(),
            _lock: lock,
        })
    }

    /// Where the vault file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The vault's schema as it stands.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Changes the passphrase. The whole file is re-encrypted in one transaction.
    pub fn change_passphrase(&mut self, new: &Passphrase) -> Result<()> {
        if new.expose().is_empty() {
            return Err(Error::EmptyPassphrase);
        }
        // rekey does not work in WAL mode; switch to a rollback journal for the rewrite.
        self.conn.pragma_update(None, "journal_mode", "DELETE")?;
        let rekeyed = self.conn.pragma_update(None, "rekey", new.expose());
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        rekeyed?;
        self.passphrase = new.clone();
        Ok(())
    }

    /// Writes an encrypted copy of the vault (same passphrase) to `out`, which must not exist.
    pub fn backup_to(&self, out: &Path) -> Result<()> {
        if out.exists() {
            return Err(Error::VaultExists(out.to_path_buf()));
        }
        let out_str = out.to_str().ok_or_else(|| Error::Io {
            path: out.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "path is not valid UTF-8"),
        })?;
        let result = (|| -> rusqlite::Result<()> {
            self.conn.execute(
                "ATTACH DATABASE ?1 AS backup KEY ?2",
                [out_str, self.passphrase.expose()],
            )?;
            let exported = self.conn.query_row("SELECT sqlcipher_export('backup')", [], |_| Ok(()));
            let version: i64 = self.conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
            let set = self
                .conn
                .execute_batch(&format!("PRAGMA backup.user_version = {version}"));
            self.conn.execute_batch("DETACH DATABASE backup")?;
            exported.and(set)
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(out);
            return Err(e.into());
        }
        Ok(())
    }

    /// Writes an encrypted backup beside the vault (`backups/<name>-<time>-<reason>.cardbase`)
    /// before a risky step such as a large import, keeping the newest [`AUTO_BACKUPS`] of
    /// these. Returns the backup's path.
    pub fn auto_backup(&self, reason: &str) -> Result<PathBuf> {
        let dir = self.path.with_file_name("backups");
        std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
            path: dir.clone(),
            source,
        })?;
        let stem = self.name();
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S%.3f");
        let out = dir.join(format!("{stem}-{stamp}-{reason}.cardbase"));
        self.backup_to(&out)?;
        let prefix = format!("{stem}-");
        let suffix = format!("-{reason}.cardbase");
        let mut old: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|source| Error::Io {
                path: dir.clone(),
                source,
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                // Only this vault's: what lies between name and reason must be a time stamp,
                // so "clients-2023.cardbase"'s backups are not taken for "clients"'s.
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    n.strip_prefix(&prefix)
                        .and_then(|r| r.strip_suffix(&suffix))
                        .is_some_and(|stamp| chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S%.3f").is_ok())
                })
            })
            .collect();
        // Time stamps sort as text; the oldest go first.
        old.sort();
        while old.len() > AUTO_BACKUPS {
            let _ = std::fs::remove_file(old.remove(0));
        }
        Ok(out)
    }

    /// Checks the vault: page authentication (every page decrypts and verifies), SQLite's own
    /// integrity check, and foreign keys.
    pub fn check(&self) -> Result<CheckReport> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA cipher_integrity_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        for row in rows {
            problems.push(format!("encryption: {}", row?));
        }
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let row = row?;
            if row != "ok" {
                problems.push(row);
            }
        }
        let fk: i64 = self
            .conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
        if fk > 0 {
            problems.push(format!("{fk} broken references between records"));
        }
        let mut records = Vec::new();
        for s in self.schema.live_sections() {
            let n: i64 = self.conn.query_row(
                &format!("SELECT count(*) FROM {} WHERE deleted = 0", s.table()),
                [],
                |r| r.get(0),
            )?;
            records.push((s.key.clone(), n));
        }
        Ok(CheckReport { problems, records })
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

fn sidecar(path: &Path, ext: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(ext);
    PathBuf::from(s)
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
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => Error::NotWritable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        },
        _ => Error::Sql(e),
    }
}
