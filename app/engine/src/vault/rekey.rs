//! Changing the passphrase without ever putting the vault at risk. SQLCipher's own `rekey`
//! rewrites every page in place, and a full disk or a crash half-way leaves a file that
//! neither passphrase opens. Instead, a copy encrypted with the new passphrase is written
//! beside the vault (`<vault>.rekeying`), flushed and proven to open, and only then renamed
//! over the vault in one step: at any moment the vault's name holds a whole vault with the
//! old passphrase or a whole vault with the new one.

use super::{
    Passphrase, Vault, apply_key, configure, io_error, lock_exclusive, remove_if_exists, rename, sidecar, sync_file,
};
use crate::error::{Error, Result};
use crate::private_files;
use rusqlite::{Connection, OpenFlags};
use std::fs::OpenOptions;
use std::path::Path;

/// What the copy with the new passphrase is called until it replaces the vault.
const REKEYING: &str = ".rekeying";

/// Room kept free beyond the copy's own size: SQLite's and the file system's bookkeeping.
const SLACK: u64 = 256 * 1024;

impl Vault {
    /// Changes the passphrase. The vault is copied, encrypted with the new passphrase, beside
    /// itself and the copy then takes the vault's name in one rename, so a full disk, an error
    /// or a crash at any point leaves the vault opening with the old passphrase or the new
    /// one, with every record. Fails with [`Error::NoRoom`] before writing anything when the
    /// disk has no room for the copy.
    pub fn change_passphrase(&mut self, new: &Passphrase) -> Result<()> {
        if new.expose().is_empty() {
            return Err(Error::EmptyPassphrase);
        }
        let staged = sidecar(&self.path, REKEYING);
        // A copy left by a run that was cut short; ATTACH would open it instead of a new file.
        remove_staged(&staged)?;
        // The write-ahead log belongs to the old file: fold it in, so the log is empty when the
        // new file takes the vault's name and the old file is whole on its own.
        let (busy, _, _): (i64, i64, i64) = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        if busy != 0 {
            return Err(Error::VaultInUse(self.path.clone()));
        }
        let size = std::fs::metadata(&self.path).map_err(io_error(&self.path))?.len();
        ensure_room(&self.path, size + SLACK)?;
        // Private from the start: SQLite would make it with the umask's mode.
        let written = private_files::create_new(&staged)
            .map_err(io_error(&staged))
            .and_then(|_| self.export_rekeyed(&staged, new))
            .and_then(|()| sync_file(&staged))
            .and_then(|()| verify(&staged, new));
        if let Err(e) = written {
            let _ = remove_staged(&staged);
            return Err(full_disk_named(e, &self.path));
        }
        // The copy's lock, taken before it has the vault's name, so no other process can open
        // the new vault between the rename and this handle reopening it.
        let lock = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&staged)
            .map_err(io_error(&staged))?;
        lock_exclusive(&lock, &staged)?;
        // Close the old file's connection: nothing may write to it (or its log) once the copy
        // is made, and its log and shared memory must not be read against the new file.
        let old = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        drop(old);
        for ext in ["-wal", "-shm"] {
            remove_if_exists(&sidecar(&self.path, ext))?;
        }
        if let Err(e) = rename(&staged, &self.path) {
            let _ = remove_staged(&staged);
            self.conn = reopen(&self.path, &self.passphrase)?;
            return Err(full_disk_named(e, &self.path));
        }
        self.conn = reopen(&self.path, new)?;
        self._lock = lock;
        self.passphrase = new.clone();
        Ok(())
    }

    /// Writes every table of the vault, encrypted with `new`, to `staged`.
    fn export_rekeyed(&self, staged: &Path, new: &Passphrase) -> Result<()> {
        let staged_str = staged.to_str().ok_or_else(|| Error::Io {
            path: staged.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "path is not valid UTF-8"),
        })?;
        self.conn
            .execute("ATTACH DATABASE ?1 AS rekeyed KEY ?2", [staged_str, new.expose()])?;
        let result = (|| -> rusqlite::Result<()> {
            // The copy is flushed once when complete and never used if cut short: no journal.
            self.conn
                .execute_batch("PRAGMA rekeyed.journal_mode = OFF; PRAGMA rekeyed.synchronous = OFF;")?;
            self.conn
                .query_row("SELECT sqlcipher_export('rekeyed')", [], |_| Ok(()))?;
            let version: i64 = self.conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
            self.conn
                .execute_batch(&format!("PRAGMA rekeyed.user_version = {version}"))
        })();
        let detached = self.conn.execute_batch("DETACH DATABASE rekeyed");
        result.and(detached)?;
        Ok(())
    }
}

/// Proves the copy opens with the new passphrase and that every page of it authenticates.
fn verify(staged: &Path, new: &Passphrase) -> Result<()> {
    let conn = Connection::open_with_flags(staged, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    apply_key(&conn, new)?;
    let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
    let problems: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    drop(stmt);
    if let Some(first) = problems.first() {
        return Err(Error::BackupDamaged {
            path: staged.to_path_buf(),
            problems: vec![first.clone()],
        });
    }
    conn.query_row("SELECT value FROM meta WHERE key = 'format'", [], |_| Ok(()))?;
    Ok(())
}

/// A connection to the vault at `path`, configured as [`Vault::open`] configures one.
fn reopen(path: &Path, passphrase: &Passphrase) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)?;
    apply_key(&conn, passphrase)?;
    configure(&conn)?;
    Ok(conn)
}

fn remove_staged(staged: &Path) -> Result<()> {
    for ext in ["", "-journal", "-wal", "-shm"] {
        remove_if_exists(&sidecar(staged, ext))?;
    }
    Ok(())
}

/// Fails with [`Error::NoRoom`] unless the disk holding `path` has `needed` bytes free for
/// this user. Where free space cannot be read, the step goes ahead: a full disk then still
/// fails it safely, only later.
pub(crate) fn ensure_room(path: &Path, needed: u64) -> Result<()> {
    match free_space(path) {
        Some(free) if free < needed => Err(Error::NoRoom {
            path: path.to_path_buf(),
            needed,
            free,
        }),
        _ => Ok(()),
    }
}

/// Bytes free for an unprivileged user on the file system holding `path`.
#[cfg(unix)]
fn free_space(path: &Path) -> Option<u64> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let stat = rustix::fs::statvfs(dir).ok()?;
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

#[cfg(not(unix))]
fn free_space(_path: &Path) -> Option<u64> {
    None
}

/// The error for a write that found the disk full, as [`Error::DiskFull`] naming the vault;
/// any other error as it is.
pub(crate) fn full_disk_named(e: Error, vault: &Path) -> Error {
    let io_full = |e: &std::io::Error| {
        e.kind() == std::io::ErrorKind::StorageFull || e.kind() == std::io::ErrorKind::QuotaExceeded
    };
    match e {
        Error::Io { ref source, .. } if io_full(source) => Error::DiskFull(vault.to_path_buf()),
        e if e.is_disk_full() && !matches!(e, Error::NoRoom { .. }) => Error::DiskFull(vault.to_path_buf()),
        e => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_from_sqlite_or_the_os_names_the_vault() {
        let vault = Path::new("/data/v.cardbase");
        let sql = Error::Sql(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        ));
        assert!(matches!(full_disk_named(sql, vault), Error::DiskFull(p) if p == vault));
        let io = Error::Io {
            path: "/data/v.cardbase.rekeying".into(),
            source: std::io::Error::from_raw_os_error(28),
        };
        let e = full_disk_named(io, vault);
        assert!(e.to_string().contains("the disk is full"), "{e}");
    }

    #[test]
    fn no_room_says_how_much_is_needed_and_free() {
        let e = ensure_room(Path::new("./v.cardbase"), u64::MAX).unwrap_err();
        let said = e.to_string();
        assert!(said.contains("the disk is full") && said.contains("free"), "{said}");
        assert!(e.is_disk_full());
    }
}
