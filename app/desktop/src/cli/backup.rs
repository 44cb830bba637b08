//! `cardbase restore FILE`: put a backup in the vault's place. The backup's passphrase comes
//! from `CARDBASE_BACKUP_PASSPHRASE` or a prompt; the engine proves the backup sound before it
//! touches the vault, and keeps the vault as it was under `backups/`.

use super::passphrase;
use super::terminal::say;
use anyhow::{Context, Result};
use cardbase_engine::Vault;
use std::path::Path;

pub fn restore(vault: &Path, backup: &Path) -> Result<()> {
    let unchanged = || format!("restoring {} (the vault was not changed)", backup.display());
    // Before asking for a passphrase: there may be nothing to ask it for.
    if !backup.exists() {
        return Err(cardbase_engine::Error::NoBackup(backup.to_path_buf())).with_context(unchanged);
    }
    let pass = passphrase::backup()?;
    let restored = Vault::restore_backup(vault, backup, &pass).with_context(unchanged)?;
    if let Some(kept) = &restored.kept {
        say!(
            "Kept the vault as it was in {} (it opens with its old passphrase).",
            kept.display()
        )?;
    }
    let counts: Vec<String> = restored
        .report
        .records
        .iter()
        .map(|(section, n)| format!("{section}: {n}"))
        .collect();
    say!(
        "Restored {} to {} ({}); the vault now opens with the backup's passphrase.",
        backup.display(),
        vault.display(),
        counts.join(", ")
    )?;
    Ok(())
}
