//! Undo of record changes, stepping over schema changes made since: an edit is undone in the
//! type its field has now, the way a type change would have converted the value it puts back.

use super::{Value, convert, next_op, section_id, set_deleted_in, update_in};
use crate::error::Result;
use crate::ids::{FieldId, RecordId};
use crate::schema::{Field, FieldType, Section};
use crate::vault::Vault;
use rusqlite::{Connection, OptionalExtension, params};

impl Vault {
    /// Undoes the last change made through the record API that is not undone yet (a create,
    /// an edit of one or more fields, a delete, a restore, or a whole bulk create). Returns the
    /// records it touched, or `None` when there is nothing to undo.
    ///
    /// Schema changes are not undone, and are stepped over: when a field changed type after
    /// the edit, the old value comes back converted to the field's type as the type change
    /// converted values; one that does not convert leaves the field empty and is kept, so
    /// changing the type back brings it back.
    pub fn undo(&mut self) -> Result<Option<Vec<RecordId>>> {
        let tx = self.conn.transaction()?;
        let Some(op): Option<i64> = tx.query_row(
            "SELECT max(op) FROM change_log WHERE undone = 0 AND action IN ('create', 'update', 'delete', 'restore')",
            [],
            |r| r.get(0),
        )?
        else {
            return Ok(None);
        };
        let new_op = next_op(&tx)?;
        type Entry = (RecordId, Option<FieldId>, String, Option<String>, i64);
        let entries: Vec<Entry> = tx
            .prepare("SELECT record_id, field_id, action, old, at FROM change_log WHERE op = ?1 ORDER BY id DESC")?
            .query_map([op], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut touched = Vec::new();
        for (id, field, action, old, at) in entries {
            let Some(section) = self.schema.section_by_id(section_id(&tx, id)?).filter(|s| !s.deleted) else {
                continue;
            };
            match (action.as_str(), field) {
                ("create", _) | ("restore", _) => {
                    set_deleted_in(&tx, new_op, &self.schema.sections, section, id, true)?
                }
                ("delete", _) => set_deleted_in(&tx, new_op, &self.schema.sections, section, id, false)?,
                ("update", Some(fid)) => {
                    // A field binned since keeps its value; there is nothing to put back.
                    let Some(f) = section.live_fields().find(|f| f.id == fid) else {
                        continue;
                    };
                    let old = match old.and_then(|o| serde_json::from_str::<serde_json::Value>(&o).ok()) {
                        Some(json) => value_now(&tx, section, f, id, at, &json)?,
                        None => None,
                    };
                    update_in(
                        &tx,
                        new_op,
                        &self.schema.sections,
                        section,
                        id,
                        vec![(f.key.clone(), old)],
                    )?;
                }
                _ => continue,
            }
            if !touched.contains(&id) {
                touched.push(id);
            }
        }
        tx.execute("UPDATE change_log SET undone = 1 WHERE op IN (?1, ?2)", [op, new_op])?;
        tx.commit()?;
        Ok(Some(touched))
    }
}

/// The value an undone edit puts back in field `f` of record `id`: `json` (the field's value
/// before the edit at `at`) read in the field's type, or, when it does not fit because the
/// field changed type since, read in the type it had then and converted. What does not
/// convert exactly is kept for a change back, as a type change keeps it.
fn value_now(
    conn: &Connection,
    section: &Section,
    f: &Field,
    id: RecordId,
    at: i64,
    json: &serde_json::Value,
) -> Result<Option<Value>> {
    if let Ok(value) = Value::from_json(f, json) {
        return Ok(value);
    }
    // The type change's own log line ("contacts.size: text -> number"): the first one after
    // the edit names the type the value was written in.
    let prefix = format!("{}.{}: ", section.key, f.key);
    let detail: Option<String> = conn
        .query_row(
            "SELECT detail FROM schema_log WHERE action = 'change-type' AND at >= ?1
             AND substr(detail, 1, length(?2)) = ?2 ORDER BY id LIMIT 1",
            params![at, prefix],
            |r| r.get(0),
        )
        .optional()?;
    let then = detail.and_then(|d| d.strip_prefix(&prefix)?.split(" -> ").next()?.parse::<FieldType>().ok());
    let Some(kind) = then else {
        return Ok(None);
    };
    let mut was = f.clone();
    was.kind = kind;
    let Ok(Some(original)) = Value::from_json(&was, json) else {
        return Ok(None);
    };
    let now = convert(&original, f);
    if now.as_ref().and_then(|v| convert(v, &was)).as_ref() != Some(&original) {
        conn.execute(
            "INSERT OR REPLACE INTO kept_value(record_id, field_id, type, value) VALUES (?1, ?2, ?3, ?4)",
            params![
                id,
                f.id,
                kind.key(),
                serde_json::to_string(&original).unwrap_or_default()
            ],
        )?;
    }
    Ok(now)
}
