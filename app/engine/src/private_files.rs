//! Files and folders only their owner can open, whatever the umask: the vault, its backups
//! and exports hold the user's records (encrypted or not), and a folder readable by others
//! tells them at least what is in it and when it changed. Files are made `0600` and folders
//! `0700` on Unix; elsewhere the system's defaults apply.
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! use cardbase_engine::private_files;
//! let folder = dir.path().join("backups");
//! private_files::create_dir_all(&folder).unwrap();
//! let file = private_files::create(&folder.join("export.csv")).unwrap();
//! # #[cfg(unix)] {
//! use std::os::unix::fs::PermissionsExt;
//! assert_eq!(folder.metadata().unwrap().permissions().mode() & 0o777, 0o700);
//! assert_eq!(file.metadata().unwrap().permissions().mode() & 0o777, 0o600);
//! # }
//! ```

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Creates a new file, failing if one exists, readable and writable by its owner alone.
pub fn create_new(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create_new(true);
    private_mode(&mut options);
    options.open(path)
}

/// Creates a file (or empties the one there) readable and writable by its owner alone.
pub fn create(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    private_mode(&mut options);
    let file = options.open(path)?;
    // An older file of this name keeps its mode through `open`: set it.
    restrict(path)?;
    Ok(file)
}

/// Makes an existing file (a copy, which takes its source's mode) private.
pub fn restrict(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Creates a folder and any missing parents, those it creates readable by the owner alone.
/// Folders that exist already are left as they are: a vault may live in a folder the user
/// shares on purpose.
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Creates a folder of the app's own (the backups beside a vault) or makes an existing one
/// private: nobody else has any business in it.
pub fn own_dir(dir: &Path) -> io::Result<()> {
    create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

fn private_mode(options: &mut OpenOptions) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = options;
}
