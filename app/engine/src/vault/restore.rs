//! Restoring a backup over the vault, safely: the backup is copied beside the vault and proven
//! sound (it opens with its passphrase and passes the check) before anything touches the
//! vault; the vault as it was is kept under `backups/`; the copy then replaces the vault in one
//! rename. A crash at any step leaves either the old vault or the restored one, never a mix
//! (changes an earlier crash left in the old vault's write-ahead log go with the kept copy).

use super::{
    CheckReport, Passphrase, Vault, backup_dir, backup_stamp, io_error, lock_exclusive, prune_backups,
    remove_if_exists, rename, sidecar, sniff, sync_file,
};
use crate::error::{Error, Result};
use crate::private_files;
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Where the vault as it was before the restore is kept (`None` when there was none).
    /// It opens with the passphrase it had.
    pub kept: Option<PathBuf>,
    /// The restored vault's check: live records per section.
    pub report: CheckReport,
}

/// The reason in the names of the copies kept before a restore; like the automatic backups,
/// the newest [`AUTO_BACKUPS`](super::AUTO_BACKUPS) are kept.
const KEPT_REASON: &str = "before-restore";

impl Vault {
    /// Replaces the vault at `vault` with the backup at `backup`, which must open with
    /// `passphrase` and pass [`Vault::check`]; otherwise nothing is changed. The current vault
    /// (if any) must not be open anywhere; it is kept, byte for byte, as
    /// `backups/<name>-<time>-before-restore.cardbase`. Afterwards the vault opens with the
    /// backup's passphrase. When `vault` is a symbolic link, the file it points to is replaced
    /// and the link stays; the kept copy goes beside the link, with the automatic backups.
    pub fn restore_backup(vault: &Path, backup: &Path, passphrase: &Passphrase) -> Result<Restored> {
        sniff(backup).map_err(|e| match e {
            Error::VaultMissing(p) => Error::NoBackup(p),
            e => e,
        })?;
        let named = vault;
        let vault = &follow_links(vault)?;
        if vault.is_dir() {
            return Err(Error::IsDirectory(vault.to_path_buf()));
        }
        // Hold the vault's lock throughout, so no Cardbase process opens it half-way.
        let lock = match OpenOptions::new().read(true).write(true).open(vault) {
            Ok(file) => {
                lock_exclusive(&file, vault)?;
                Some(file)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(Error::NotWritable {
                    path: vault.to_path_buf(),
                    reason: e.to_string(),
                });
            }
        };
        if let Some(dir) = vault.parent().filter(|d| !d.as_os_str().is_empty()) {
            private_files::create_dir_all(dir).map_err(io_error(dir))?;
        }

        let staged = sidecar(vault, ".restoring");
        let report = match stage(backup, &staged, passphrase) {
            Ok(report) => report,
            Err(e) => {
                remove_database(&staged);
                return Err(e);
            }
        };

        let kept = match lock {
            Some(_) => match keep(vault, named) {
                Ok(kept) => Some(kept),
                Err(e) => {
                    remove_database(&staged);
                    return Err(e);
                }
            },
            None => None,
        };
        if let Err(e) = rename(&staged, vault) {
            remove_database(&staged);
            return Err(e);
        }
        drop(lock);
        Ok(Restored { kept, report })
    }
}

/// Copies the backup (with its write-ahead log, if it has one) to `staged`, opens the copy with
/// the backup's passphrase, checks it and closes it (folding any log into the file), and
/// flushes it to disk. The backup itself is only read. Errors name the backup.
fn stage(backup: &Path, staged: &Path, passphrase: &Passphrase) -> Result<CheckReport> {
    remove_database(staged);
    // A copy takes its source's mode; the restored vault is private whatever the backup was.
    std::fs::copy(backup, staged).map_err(io_error(backup))?;
    private_files::restrict(staged).map_err(io_error(staged))?;
    let wal = sidecar(backup, "-wal");
    if wal.metadata().is_ok_and(|m| m.len() > 0) {
        let staged_wal = sidecar(staged, "-wal");
        std::fs::copy(&wal, &staged_wal).map_err(io_error(&wal))?;
        private_files::restrict(&staged_wal).map_err(io_error(&staged_wal))?;
    }
    let copy = Vault::open(staged, passphrase).map_err(|e| naming(e, staged, backup))?;
    let report = copy.check()?;
    if !report.problems.is_empty() {
        return Err(Error::BackupDamaged {
            path: backup.to_path_buf(),
            problems: report.problems,
        });
    }
    drop(copy);
    sync_file(staged)?;
    Ok(report)
}

/// Keeps the vault as it is — the file and, after a crash, its write-ahead log — under
/// `backups/` beside `named` (the path the user knows it by), then clears the log beside the
/// vault so it cannot be replayed onto the restored file. Returns the kept copy's path.
fn keep(vault: &Path, named: &Path) -> Result<PathBuf> {
    let dir = backup_dir(named);
    private_files::own_dir(&dir).map_err(io_error(&dir))?;
    let stem = named
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kept = dir.join(format!("{stem}-{}-{KEPT_REASON}.cardbase", backup_stamp()));
    let partial = sidecar(&kept, super::PARTIAL);
    std::fs::copy(vault, &partial).map_err(io_error(vault))?;
    private_files::restrict(&partial).map_err(io_error(&partial))?;
    sync_file(&partial)?;
    let wal = sidecar(vault, "-wal");
    if wal.metadata().is_ok_and(|m| m.len() > 0) {
        let kept_wal = sidecar(&kept, "-wal");
        std::fs::copy(&wal, &kept_wal).map_err(io_error(&wal))?;
        private_files::restrict(&kept_wal).map_err(io_error(&kept_wal))?;
        sync_file(&kept_wal)?;
    }
    rename(&partial, &kept)?;
    remove_if_exists(&wal)?;
    remove_if_exists(&sidecar(vault, "-shm"))?;
    prune_backups(named, KEPT_REASON)?;
    Ok(kept)
}

/// The file a path names once symbolic links are followed (it need not exist): a rename onto
/// a link would replace the link and leave the file it points to as it was.
fn follow_links(path: &Path) -> Result<PathBuf> {
    let mut path = path.to_path_buf();
    // As many links as Linux follows before it gives up (ELOOP).
    for _ in 0..40 {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let to = std::fs::read_link(&path).map_err(io_error(&path))?;
                // A relative link is relative to its folder; `join` keeps an absolute one.
                path = match path.parent() {
                    Some(dir) => dir.join(to),
                    None => to,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(Error::Io {
        path,
        source: std::io::Error::other("too many levels of symbolic links"),
    })
}

/// Removes a database file with its write-ahead log and shared-memory file, if they exist.
fn remove_database(path: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(sidecar(path, ext));
    }
}

/// The same error, about `to` where it was about `from`.
fn naming(e: Error, from: &Path, to: &Path) -> Error {
    let to = to.to_path_buf();
    match e {
        Error::VaultMissing(p) if p == from => Error::NoBackup(to),
        Error::WrongPassphraseOrDamaged(p) if p == from => Error::WrongPassphraseOrDamaged(to),
        Error::NotAVault(p) if p == from => Error::NotAVault(to),
        Error::TooNew { path, found, supported } if path == from => Error::TooNew {
            path: to,
            found,
            supported,
        },
        Error::NotWritable { path, reason } if path == from => Error::NotWritable { path: to, reason },
        e => e,
    }
}
