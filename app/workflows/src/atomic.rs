//! Writing a file so that it is either whole or not there: every file the app writes for the
//! user (exports, schema files) goes to `<name>.partial` beside its target, readable by the
//! user alone, and is moved over the target only once it is complete and on the disk. A crash,
//! a kill or a full disk mid-write leaves the old file of that name as it was.

use crate::{Error, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Where a file being written to `path` lives until it is complete: `<name>.partial`.
///
/// ```
/// use std::path::Path;
/// assert_eq!(
///     cardbase_workflows::atomic::partial_path(Path::new("/tmp/friends.vcf")),
///     Path::new("/tmp/friends.vcf.partial")
/// );
/// ```
pub fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

/// Creates (or empties) a file that only its owner can read and write, whatever the umask:
/// exports hold the user's records.
pub fn create_private(path: &Path) -> Result<File> {
    cardbase_engine::private_files::create(path).map_err(Error::io(path))
}

/// Writes `path` through `write`, which gets the partial file's path (for writers that open
/// a path themselves, as the XLSX writer does). On success the partial file is synced and
/// renamed over `path`; on failure it is removed and `path` is untouched.
pub fn write_path<T>(path: &Path, write: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    let partial = partial_path(path);
    // Made first, so the writer finds a private file and keeps its mode.
    drop(create_private(&partial)?);
    let written = write(&partial).and_then(|value| {
        File::open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(Error::io(&partial))?;
        Ok(value)
    });
    match written {
        Ok(value) => {
            finish(&partial, path)?;
            Ok(value)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// Writes `path` through `write`, which gets a buffered writer on the partial file; see
/// [`write_path`].
pub fn write_file<T>(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
    write_path(path, |partial| {
        let mut out = BufWriter::new(create_private(partial)?);
        let value = write(&mut out)?;
        out.flush().map_err(Error::io(partial))?;
        Ok(value)
    })
}

/// Moves the complete partial file into place and syncs the folder, so the new name survives
/// a crash.
fn finish(partial: &Path, path: &Path) -> Result<()> {
    std::fs::rename(partial, path).map_err(Error::io(path))?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // Not every system lets a folder be opened for syncing; the rename itself is done.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_partial() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clients.csv");
        std::fs::write(&path, "old").unwrap();
        let r: Result<()> = write_file(&path, |out| {
            out.write_all(b"half").unwrap();
            Err(Error::Invalid("the disk is full".into()))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert!(!partial_path(&path).exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_written_file_replaces_the_old_one_and_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clients.csv");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_file(&path, |out| out.write_all(b"new").map_err(Error::io(Path::new("x")))).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert!(!partial_path(&path).exists());
    }
}
