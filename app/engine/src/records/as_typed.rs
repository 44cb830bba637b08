//! Values kept as typed: a cell an import could not read as its field's type ("pager" in a
//! phone column, "sometime in May" as a birthday) is kept beside its record and field instead
//! of sinking the row or the file. The card shows it with a mark; giving the field a value
//! (typing the phone in properly) lets it go.
//!
//! They live in `kept_value`, like the originals a type change keeps, under the type
//! [`AS_TYPED`], as a JSON string.

use crate::error::Result;
use crate::ids::{FieldId, RecordId};
use crate::vault::Vault;
use rusqlite::{Connection, params};
use serde::Serialize;

/// The `kept_value.type` of a value kept as the file typed it.
pub const AS_TYPED: &str = "as-typed";

/// A value of a record kept as typed, for its card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeptAsTyped {
    /// The field's key.
    pub field: String,
    /// The field's label.
    pub label: String,
    /// The text as the file had it.
    pub text: String,
}

/// Keeps `text` as typed for a record's field (a second one for the same field is appended
/// on a new line: two columns may go to one field).
pub(crate) fn keep(conn: &Connection, id: RecordId, field: FieldId, text: &str) -> rusqlite::Result<()> {
    let before: Option<String> = conn
        .prepare_cached("SELECT value FROM kept_value WHERE record_id = ?1 AND field_id = ?2 AND type = ?3")?
        .query_row(params![id, field, AS_TYPED], |r| r.get(0))
        .ok()
        .and_then(|json: String| serde_json::from_str::<String>(&json).ok());
    let text = match before {
        Some(b) if b.lines().any(|l| l == text) => b,
        Some(b) => format!("{b}\n{text}"),
        None => text.to_string(),
    };
    conn.prepare_cached("INSERT OR REPLACE INTO kept_value(record_id, field_id, type, value) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![
            id,
            field,
            AS_TYPED,
            serde_json::Value::String(text).to_string()
        ])?;
    Ok(())
}

/// Lets go of what was kept as typed for a field that now has a value.
pub(crate) fn forget(conn: &Connection, id: RecordId, field: FieldId) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM kept_value WHERE record_id = ?1 AND field_id = ?2 AND type = ?3")?
        .execute(params![id, field, AS_TYPED])?;
    Ok(())
}

impl Vault {
    /// The values of a record kept as typed, in field order.
    ///
    /// ```
    /// # use cardbase_engine::{Passphrase, Preset, Vault};
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let vault = Vault::create(&dir.path().join("v"), &Passphrase::new("p"), Preset::Personal).unwrap();
    /// # let id = cardbase_engine::RecordId(1);
    /// for kept in vault.kept_as_typed(id).unwrap() {
    ///     println!("{}: {:?} (as typed)", kept.label, kept.text);
    /// }
    /// ```
    pub fn kept_as_typed(&self, id: RecordId) -> Result<Vec<KeptAsTyped>> {
        let rows: Vec<(FieldId, String)> = self
            .conn
            .prepare_cached("SELECT field_id, value FROM kept_value WHERE record_id = ?1 AND type = ?2")?
            .query_map(params![id, AS_TYPED], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let Ok(section) = self.section_of(id) else {
            return Ok(Vec::new());
        };
        Ok(section
            .live_fields()
            .filter_map(|f| {
                let (_, json) = rows.iter().find(|(id, _)| *id == f.id)?;
                Some(KeptAsTyped {
                    field: f.key.clone(),
                    label: f.label.clone(),
                    text: serde_json::from_str::<String>(json).ok()?,
                })
            })
            .collect())
    }

    /// How many values of a section's records are kept as typed.
    pub fn count_kept_as_typed(&self, section: &str) -> Result<usize> {
        let s = self.schema.require_section(section)?;
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM kept_value k JOIN record r ON r.id = k.record_id
             WHERE k.type = ?1 AND r.section_id = ?2",
            params![AS_TYPED, s.id],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }
}
