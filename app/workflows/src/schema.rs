//! Schema changes that rewrite or delete stored values, each with an automatic backup of the
//! vault first (kept under `backups/` beside it): changing a field's type, emptying the bin,
//! and making the schema match a file. Other edits (rename, hide, move, add, delete to the
//! bin) lose nothing and go straight to the engine.

use crate::Result;
use cardbase_engine::schema::SchemaFile;
use cardbase_engine::schema::convert::ConversionReport;
use cardbase_engine::schema::edit::{Bin, FieldChange};
use cardbase_engine::{FieldType, Vault};
use std::path::PathBuf;

/// The reason in the names of the backups taken before schema changes.
pub const BACKUP_REASON: &str = "schema";

/// A change done, with the backup taken first (if one was).
#[derive(Debug)]
pub struct Changed<T> {
    /// What the engine reported.
    pub done: T,
    /// The backup of the vault as it was before.
    pub backup: Option<PathBuf>,
}

/// Changes a field's type; values that do not convert are kept and reported.
pub fn change_type(
    vault: &mut Vault,
    section: &str,
    field: &str,
    kind: FieldType,
    change: &FieldChange,
) -> Result<Changed<ConversionReport>> {
    let backup = Some(vault.auto_backup(BACKUP_REASON)?);
    let done = vault.change_field_type(section, field, kind, change)?;
    Ok(Changed { done, backup })
}

/// Deletes for good what is in the bin. An empty bin changes nothing and takes no backup.
pub fn empty_bin(vault: &mut Vault) -> Result<Changed<Bin>> {
    let bin = vault.bin();
    if bin.sections.is_empty() && bin.fields.is_empty() {
        return Ok(Changed {
            done: bin,
            backup: None,
        });
    }
    let backup = Some(vault.auto_backup(BACKUP_REASON)?);
    let done = vault.empty_bin()?;
    Ok(Changed { done, backup })
}

/// Makes the vault's schema match a file; what the file leaves out goes to the bin. Returns
/// what changed, one line each.
pub fn import(vault: &mut Vault, file: &SchemaFile) -> Result<Changed<Vec<String>>> {
    let backup = Some(vault.auto_backup(BACKUP_REASON)?);
    let done = vault.import_schema(file)?;
    Ok(Changed { done, backup })
}

/// The vault's schema as the text of a schema file (TOML, with the editor hint on top).
pub fn export_text(vault: &Vault) -> String {
    format!("#:schema ./schema.schema.json\n{}", vault.export_schema().to_toml())
}
