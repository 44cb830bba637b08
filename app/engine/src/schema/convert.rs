//! Changing a field's type. Every value is converted; a value that does not convert, or does
//! not convert exactly, keeps its original in `kept_value`, so changing the type back restores
//! it. Nothing is dropped.

use super::{Field, FieldType, Section};
use crate::error::Result;
use crate::ids::RecordId;
use crate::records::{Value, convert};
use crate::vault::tables;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// A value that did not convert to the new type. It is kept, not dropped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unconverted {
    pub record: RecordId,
    /// The value as it was shown before the change.
    pub value: String,
}

/// The outcome of a type change.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ConversionReport {
    /// Values now held in the new type.
    pub converted: usize,
    /// Values restored exactly from an earlier type change.
    pub restored: usize,
    /// Values that did not convert; the field is empty for these records now, and the old
    /// value is kept in the vault and comes back if the type is changed back.
    pub unconverted: Vec<Unconverted>,
}

impl ConversionReport {
    /// One line for people.
    pub fn summary(&self) -> String {
        format!(
            "{} converted, {} restored, {} did not convert (kept)",
            self.converted,
            self.restored,
            self.unconverted.len()
        )
    }
}

pub(crate) fn convert_field(
    conn: &Connection,
    section: &Section,
    old: &Field,
    new: &Field,
) -> Result<ConversionReport> {
    if new.kind == FieldType::Money {
        tables::add_field_columns(conn, section, new)?;
    }
    let mut report = ConversionReport::default();
    let money_old = old.kind == FieldType::Money;
    let select = if money_old {
        format!(
            "SELECT id, {}, {} FROM {} WHERE {} IS NOT NULL",
            old.column(),
            old.currency_column(),
            section.table(),
            old.column()
        )
    } else {
        format!(
            "SELECT id, {}, NULL FROM {} WHERE {} IS NOT NULL",
            old.column(),
            section.table(),
            old.column()
        )
    };
    let mut rows: Vec<(RecordId, Option<Value>)> = Vec::new();
    {
        let mut stmt = conn.prepare(&select)?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            let cur = if money_old { Some(r.get_ref(2)?) } else { None };
            rows.push((r.get(0)?, Value::from_sql(old.kind, r.get_ref(1)?, cur)));
        }
    }
    let mut kept_get =
        conn.prepare("SELECT value FROM kept_value WHERE record_id = ?1 AND field_id = ?2 AND type = ?3")?;
    let mut kept_put =
        conn.prepare("INSERT OR REPLACE INTO kept_value(record_id, field_id, type, value) VALUES (?1, ?2, ?3, ?4)")?;
    let mut kept_del = conn.prepare("DELETE FROM kept_value WHERE record_id = ?1 AND field_id = ?2 AND type = ?3")?;
    let mut write = if new.kind == FieldType::Money {
        conn.prepare(&format!(
            "UPDATE {} SET {} = ?2, {} = ?3 WHERE id = ?1",
            section.table(),
            new.column(),
            new.currency_column()
        ))?
    } else {
        conn.prepare(&format!(
            "UPDATE {} SET {} = ?2 WHERE id = ?1",
            section.table(),
            new.column()
        ))?
    };
    // Every changed value goes to the records' history as one operation.
    let op = crate::records::next_op(conn)?;
    let now = crate::records::now_ms();
    let mut log = conn.prepare(
        "INSERT INTO change_log(at, record_id, field_id, action, old, new, op) VALUES (?1, ?2, ?3, 'convert', ?4, ?5, ?6)",
    )?;
    for (id, value) in rows {
        let Some(value) = value else { continue };
        // A value kept from an earlier change to the new type comes back exactly, as long as
        // the current value is still what that original converted to.
        let kept: Option<String> = kept_get
            .query_row(params![id, old.id, new.kind.key()], |r| r.get(0))
            .optional()?;
        let restored = kept
            .and_then(|k| serde_json::from_str::<Value>(&k).ok())
            .filter(|k| convert(k, old).as_ref() == Some(&value));
        let (result, was_restored) = match restored {
            Some(original) => {
                kept_del.execute(params![id, old.id, new.kind.key()])?;
                (Some(original), true)
            }
            None => (convert(&value, new), false),
        };
        match &result {
            Some(_) if was_restored => report.restored += 1,
            Some(v) => {
                report.converted += 1;
                if convert(v, old).as_ref() != Some(&value) {
                    // Not exact (e.g. 1.5 to a checkbox): keep the original for a change back.
                    kept_put.execute(params![
                        id,
                        old.id,
                        old.kind.key(),
                        serde_json::to_string(&value).unwrap_or_default()
                    ])?;
                }
            }
            None => {
                kept_put.execute(params![
                    id,
                    old.id,
                    old.kind.key(),
                    serde_json::to_string(&value).unwrap_or_default()
                ])?;
                report.unconverted.push(Unconverted {
                    record: id,
                    value: value.display(),
                });
            }
        }
        log.execute(params![
            now,
            id,
            old.id,
            value.to_json().to_string(),
            result.as_ref().map(|v| v.to_json().to_string()),
            op
        ])?;
        let (a, b) = result.map(|v| v.to_sql()).unwrap_or((SqlValue::Null, None));
        if new.kind == FieldType::Money {
            write.execute(params![id, a, b.unwrap_or(SqlValue::Null)])?;
        } else {
            write.execute(params![id, a])?;
        }
    }
    // Records empty in the old type may hold a value kept from the new type: bring it back.
    let mut stmt = conn.prepare(&format!(
        "SELECT k.record_id, k.value FROM kept_value k JOIN {t} t ON t.id = k.record_id
         WHERE k.field_id = ?1 AND k.type = ?2 AND t.{c} IS NULL",
        t = section.table(),
        c = new.column()
    ))?;
    let back: Vec<(RecordId, String)> = stmt
        .query_map(params![old.id, new.kind.key()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, json) in back {
        if let Ok(v) = serde_json::from_str::<Value>(&json) {
            let (a, b) = v.to_sql();
            if new.kind == FieldType::Money {
                write.execute(params![id, a, b.unwrap_or(SqlValue::Null)])?;
            } else {
                write.execute(params![id, a])?;
            }
            kept_del.execute(params![id, old.id, new.kind.key()])?;
            log.execute(params![
                now,
                id,
                old.id,
                None::<String>,
                Some(v.to_json().to_string()),
                op
            ])?;
            report.restored += 1;
        }
    }
    let mut new_flags = new.clone();
    new_flags.deleted = false;
    tables::sync_index(conn, section, &new_flags)?;
    Ok(report)
}
