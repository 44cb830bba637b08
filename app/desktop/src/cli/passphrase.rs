//! Where a passphrase comes from: `CARDBASE_PASSPHRASE`, `--passphrase-file`, or a prompt on
//! the terminal with echo off. Never from a command-line argument, which other users of the
//! machine can read in the process list.

use anyhow::{Context, Result, bail};
use cardbase_engine::Passphrase;
use std::path::Path;

pub const ENV: &str = "CARDBASE_PASSPHRASE";
pub const NEW_ENV: &str = "CARDBASE_NEW_PASSPHRASE";
pub const BACKUP_ENV: &str = "CARDBASE_BACKUP_PASSPHRASE";

/// The passphrase of an existing vault.
pub fn existing(file: Option<&Path>) -> Result<Passphrase> {
    from_sources(ENV, file)?.map_or_else(|| prompt("Vault passphrase: ", ENV), Ok)
}

/// The passphrase of a backup to restore: `CARDBASE_BACKUP_PASSPHRASE` or a prompt.
pub fn backup() -> Result<Passphrase> {
    from_sources(BACKUP_ENV, None)?.map_or_else(|| prompt("Backup passphrase: ", BACKUP_ENV), Ok)
}

/// A passphrase given without asking (environment or file), if any.
pub fn given(file: Option<&Path>) -> Result<Option<Passphrase>> {
    from_sources(ENV, file)
}

/// A passphrase for a new vault (or a new passphrase for `passwd`): asked twice when prompted,
/// and refused when too weak (see [`Passphrase::check_strength`]).
pub fn new(env: &str, file: Option<&Path>) -> Result<Passphrase> {
    if let Some(p) = from_sources(env, file)? {
        p.check_strength()?;
        return Ok(p);
    }
    let first = prompt("New passphrase: ", env)?;
    first.check_strength()?;
    let second = prompt("Repeat the passphrase: ", env)?;
    if first.expose() != second.expose() {
        bail!("the two passphrases differ; nothing was changed");
    }
    Ok(first)
}

fn from_sources(env: &str, file: Option<&Path>) -> Result<Option<Passphrase>> {
    if let Some(file) = file {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading passphrase file {}", file.display()))?;
        let line = text.lines().next().unwrap_or_default();
        return Ok(Some(Passphrase::new(line)));
    }
    Ok(std::env::var(env).ok().filter(|p| !p.is_empty()).map(Passphrase::new))
}

/// Asks on the terminal; without one, says which variable gives the passphrase instead.
fn prompt(text: &str, env: &str) -> Result<Passphrase> {
    let or_file = if env == BACKUP_ENV {
        ""
    } else {
        " or use --passphrase-file"
    };
    let p = rpassword::prompt_password(text)
        .with_context(|| format!("cannot ask for the passphrase (no terminal); set {env}{or_file}"))?;
    if p.is_empty() {
        bail!("the passphrase must not be empty");
    }
    Ok(Passphrase::new(p))
}
