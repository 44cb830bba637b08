//! Records: create, read, update, delete (soft, restorable), with validation against the
//! schema, a change log that `history` shows, and the search index kept in step.

pub mod as_typed;
mod undo;
pub(crate) mod value;

pub use value::{Address, Item, Value, convert, format_number};

use crate::error::{Error, Result};
use crate::ids::{FieldId, RecordId, SectionId};
use crate::schema::{Field, FieldType, Section};
use crate::search::{digits, fold};
use crate::vault::Vault;
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// One record with the values of its live fields, in field order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    pub id: RecordId,
    pub section: SectionId,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
    pub deleted: bool,
    /// `(field key, value)` for every field that has a value.
    pub values: Vec<(String, Value)>,
}

impl Record {
    /// The value of a field, by key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.values.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// One entry of a record's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub at: DateTime<Utc>,
    /// `create`, `update`, `delete`, `restore`, or `convert` (a field type change).
    pub action: String,
    /// The field's key, for `update` and `convert`.
    pub field: Option<String>,
    pub old: Option<serde_json::Value>,
    pub new: Option<serde_json::Value>,
}

/// A record that points to another one through a relation field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Related {
    pub section: String,
    pub field: String,
    pub id: RecordId,
    pub title: String,
}

/// Largest photo kept in a vault.
pub const MAX_PHOTO_BYTES: u64 = 32 * 1024 * 1024;

/// A new operation id: every change one user action makes shares it, so undo reverts the action
/// as a whole.
pub(crate) fn next_op(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT coalesce(max(op), 0) + 1 FROM change_log", [], |r| r.get(0))
}

pub(crate) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

fn time_from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// The select list for reading records of a section: system columns then each live field's
/// columns, and the fields in the order they appear.
pub(crate) fn select_list(section: &Section) -> (String, Vec<&Field>) {
    let mut cols = vec![
        "t.id".to_string(),
        "t.created".into(),
        "t.modified".into(),
        "t.deleted".into(),
    ];
    let fields: Vec<&Field> = section.live_fields().collect();
    for f in &fields {
        cols.push(format!("t.{}", f.column()));
        if f.kind == FieldType::Money {
            cols.push(format!("t.{}", f.currency_column()));
        }
    }
    (cols.join(", "), fields)
}

/// Reads a row selected with [`select_list`].
pub(crate) fn read_row(section: &Section, fields: &[&Field], row: &Row<'_>) -> rusqlite::Result<Record> {
    let mut values = Vec::new();
    let mut i = 4;
    for f in fields {
        let v = row.get_ref(i)?;
        let cur = if f.kind == FieldType::Money {
            i += 1;
            Some(row.get_ref(i)?)
        } else {
            None
        };
        i += 1;
        if let Some(value) = Value::from_sql(f.kind, v, cur) {
            values.push((f.key.clone(), value));
        }
    }
    Ok(Record {
        id: row.get(0)?,
        section: section.id,
        created: time_from_ms(row.get(1)?),
        modified: time_from_ms(row.get(2)?),
        deleted: row.get::<_, i64>(3)? != 0,
        values,
    })
}

/// Writes the search documents of a record (replacing any earlier ones).
pub(crate) fn index_record(conn: &Connection, section: &Section, record: &Record) -> rusqlite::Result<()> {
    unindex_record(conn, record.id)?;
    if record.deleted {
        return Ok(());
    }
    index_new_record(conn, section, record)
}

/// Writes the search documents of a record that has none yet (just created): no deletes
/// first, which in bulk imports are two FTS5 lookups per record for nothing.
fn index_new_record(conn: &Connection, section: &Section, record: &Record) -> rusqlite::Result<()> {
    let mut text = String::new();
    let mut phones = String::new();
    for (key, value) in &record.values {
        let Some(field) = section.field(key) else { continue };
        if field.kind == FieldType::Secret {
            continue;
        }
        let words = value.search_text();
        if !words.is_empty() {
            crate::search::index_text(&words, &mut text);
        }
        if let (FieldType::Phones, Value::Items(items)) = (field.kind, value) {
            for i in items {
                phones.push_str(&digits(&i.value));
                phones.push(' ');
            }
        }
    }
    conn.prepare_cached("INSERT INTO search_text(rowid, doc) VALUES (?1, ?2)")?
        .execute(params![record.id, text])?;
    if !phones.is_empty() {
        conn.prepare_cached("INSERT INTO search_digits(rowid, doc) VALUES (?1, ?2)")?
            .execute(params![record.id, phones])?;
    }
    Ok(())
}

pub(crate) fn unindex_record(conn: &Connection, id: RecordId) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM search_text WHERE rowid = ?1")?
        .execute([id])?;
    conn.prepare_cached("DELETE FROM search_digits WHERE rowid = ?1")?
        .execute([id])?;
    Ok(())
}

fn log_change(
    conn: &Connection,
    op: i64,
    id: RecordId,
    field: Option<FieldId>,
    action: &str,
    old: Option<&Value>,
    new: Option<&Value>,
) -> rusqlite::Result<()> {
    let json = |v: Option<&Value>| v.map(|v| v.to_json().to_string());
    conn.prepare_cached(
        "INSERT INTO change_log(at, record_id, field_id, action, old, new, op) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![now_ms(), id, field, action, json(old), json(new), op])?;
    Ok(())
}

pub(crate) fn read_record(conn: &Connection, section: &Section, id: RecordId) -> Result<Option<Record>> {
    let (cols, fields) = select_list(section);
    let sql = format!("SELECT {cols} FROM {} t WHERE t.id = ?1", section.table());
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], |r| read_row(section, &fields, r))
        .optional()?)
}

/// Checks values against the schema: known fields, required, unique, relation targets.
fn validate(
    conn: &Connection,
    vault_sections: &[Section],
    section: &Section,
    id: Option<RecordId>,
    values: &[(&Field, Option<Value>)],
) -> Result<()> {
    for (f, v) in values {
        match v {
            None if f.required => return Err(Error::Required { field: f.key.clone() }),
            Some(value) => {
                if f.unique {
                    let existing = find_same(conn, section, f, value, id)?.map(|r| r.0);
                    if let Some(existing) = existing {
                        return Err(Error::NotUnique {
                            field: f.key.clone(),
                            value: value.display(),
                            existing,
                        });
                    }
                }
                if let Value::Relation(target) = value {
                    let target_section: Option<SectionId> = conn
                        .prepare_cached("SELECT section_id FROM record WHERE id = ?1")?
                        .query_row([target], |r| r.get(0))
                        .optional()?;
                    let target_section = target_section
                        .and_then(|t| vault_sections.iter().find(|s| s.id == t && !s.deleted))
                        .ok_or_else(|| Error::invalid(&f.key, format!("no record {target}")))?;
                    if let Some(want) = &f.options.target
                        && &target_section.key != want
                    {
                        return Err(Error::invalid(
                            &f.key,
                            format!("record {target} is not in section {want:?}"),
                        ));
                    }
                    let deleted: bool = conn
                        .prepare_cached(&format!("SELECT deleted FROM {} WHERE id = ?1", target_section.table()))?
                        .query_row([target], |r| r.get(0))?;
                    if deleted {
                        return Err(Error::invalid(
                            &f.key,
                            format!("record {target} is in the bin; restore it first"),
                        ));
                    }
                }
                if matches!((f.kind, value), (FieldType::Choice, Value::Text(t)) if !f.options.choices.is_empty() && !f.options.choices.contains(t))
                {
                    return Err(Error::invalid(
                        &f.key,
                        format!(
                            "{t:?} is not one of: {}",
                            f.options.choices.join(", "),
                            t = value.display()
                        ),
                    ));
                }
            }
            None => {}
        }
    }
    Ok(())
}

/// A live record (other than `except`) holding `value` in field `f`. For phones, e-mails, URLs
/// and tags, one shared item is enough: "ada@x.org" matches a record with "work: ada@x.org"
/// among other addresses.
pub(crate) fn find_same(
    conn: &Connection,
    section: &Section,
    f: &Field,
    value: &Value,
    except: Option<RecordId>,
) -> Result<Option<RecordId>> {
    let wanted: Vec<String> = match value {
        Value::Items(items) => items.iter().map(|i| fold(i.value.trim())).collect(),
        Value::Tags(tags) => tags.iter().map(|t| fold(t)).collect(),
        other => {
            let sql = format!(
                "SELECT id FROM {} WHERE {} = ?1 AND deleted = 0 AND id IS NOT ?2 LIMIT 1",
                section.table(),
                f.column()
            );
            return Ok(conn
                .prepare_cached(&sql)?
                .query_row(params![other.to_sql().0, except], |r| r.get(0))
                .optional()?);
        }
    };
    if wanted.is_empty() {
        return Ok(None);
    }
    let element = if matches!(value, Value::Tags(_)) {
        "j.value"
    } else {
        "json_extract(j.value, '$.value')"
    };
    let marks = (0..wanted.len())
        .map(|i| format!("?{}", i + 2))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT t.id FROM {} t WHERE t.deleted = 0 AND t.id IS NOT ?1 AND EXISTS
            (SELECT 1 FROM json_each(t.{}) j WHERE cb_fold({element}) IN ({marks})) LIMIT 1",
        section.table(),
        f.column()
    );
    let mut params: Vec<rusqlite::types::Value> = vec![except.map(|e| e.0).into()];
    params.extend(wanted.into_iter().map(rusqlite::types::Value::Text));
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params_from_iter(params), |r| r.get(0))
        .optional()?)
}

fn push_sql(f: &Field, v: Option<&Value>, cols: &mut Vec<String>, vals: &mut Vec<SqlValue>) {
    let (a, b) = v.map(Value::to_sql).unwrap_or((SqlValue::Null, None));
    cols.push(f.column());
    vals.push(a);
    if f.kind == FieldType::Money {
        cols.push(f.currency_column());
        vals.push(b.unwrap_or(SqlValue::Null));
    }
}

/// Inserts one record; the caller holds the transaction.
pub(crate) fn insert_record(
    conn: &Connection,
    op: i64,
    sections: &[Section],
    section: &Section,
    input: Vec<(String, Value)>,
) -> Result<RecordId> {
    let mut given: HashMap<String, Value> = HashMap::new();
    for (key, value) in input {
        section.require_field(&key)?;
        given.insert(key, value);
    }
    let mut values: Vec<(&Field, Option<Value>)> = Vec::new();
    for f in section.live_fields() {
        let v = match given.remove(&f.key) {
            Some(v) => Some(v),
            None => match &f.default {
                Some(d) => Value::parse(f, d).map_err(|m| Error::invalid(&f.key, format!("default: {m}")))?,
                None => None,
            },
        };
        values.push((f, v));
    }
    validate(conn, sections, section, None, &values)?;
    let now = now_ms();
    conn.prepare_cached("INSERT INTO record(uuid, section_id) VALUES (?1, ?2)")?
        .execute(params![uuid::Uuid::now_v7().to_string(), section.id])?;
    let id = RecordId(conn.last_insert_rowid());
    let mut cols = vec!["id".to_string(), "created".into(), "modified".into()];
    let mut vals = vec![SqlValue::Integer(id.0), SqlValue::Integer(now), SqlValue::Integer(now)];
    for (f, v) in &values {
        push_sql(f, v.as_ref(), &mut cols, &mut vals);
    }
    let placeholders = (1..=vals.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "INSERT INTO {}({}) VALUES ({placeholders})",
        section.table(),
        cols.join(", ")
    );
    conn.prepare_cached(&sql)?.execute(params_from_iter(vals))?;
    let record = Record {
        id,
        section: section.id,
        created: time_from_ms(now),
        modified: time_from_ms(now),
        deleted: false,
        values: values
            .into_iter()
            .filter_map(|(f, v)| Some((f.key.clone(), v?)))
            .collect(),
    };
    index_new_record(conn, section, &record)?;
    let snapshot: serde_json::Map<String, serde_json::Value> =
        record.values.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
    conn.prepare_cached("INSERT INTO change_log(at, record_id, action, new, op) VALUES (?1, ?2, 'create', ?3, ?4)")?
        .execute(params![now, id, serde_json::Value::Object(snapshot).to_string(), op])?;
    Ok(id)
}

impl Vault {
    /// Creates a record in a section from typed values. Returns its id.
    pub fn create_record(&mut self, section: &str, values: Vec<(String, Value)>) -> Result<RecordId> {
        let tx = self.conn.transaction()?;
        let op = next_op(&tx)?;
        let section = self.schema.require_section(section)?;
        let id = insert_record(&tx, op, &self.schema.sections, section, values)?;
        tx.commit()?;
        Ok(id)
    }

    /// Creates many records in one transaction: all land or none do. For bulk loads.
    pub fn create_records(
        &mut self,
        section: &str,
        rows: impl IntoIterator<Item = Vec<(String, Value)>>,
    ) -> Result<Vec<RecordId>> {
        let tx = self.conn.transaction()?;
        let op = next_op(&tx)?;
        let section = self.schema.require_section(section)?;
        let mut ids = Vec::new();
        for row in rows {
            ids.push(insert_record(&tx, op, &self.schema.sections, section, row)?);
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Creates a record from `key = text` pairs as a user types them (see [`Vault::parse_input`]).
    pub fn create_record_from_text(&mut self, section: &str, input: &[(&str, &str)]) -> Result<RecordId> {
        let tx = self.conn.transaction()?;
        let op = next_op(&tx)?;
        let section = self.schema.require_section(section)?;
        let mut values = Vec::new();
        for (key, text) in input {
            if let Some(v) = parse_input(&tx, &self.schema.sections, section, key, text)? {
                values.push((key.to_string(), v));
            }
        }
        let id = insert_record(&tx, op, &self.schema.sections, section, values)?;
        tx.commit()?;
        Ok(id)
    }

    /// Parses what a user typed for a field: typed values as [`Value::parse`] reads them; for a
    /// relation, a record id (`42`, `#42`) or the exact title of a record (`Acme Ltd`); for a
    /// photo, `@path/to/image.jpg` (the image is stored in the vault).
    pub fn parse_input(&mut self, section: &str, key: &str, text: &str) -> Result<Option<Value>> {
        let section = self.schema.require_section(section)?;
        parse_input(&self.conn, &self.schema.sections, section, key, text)
    }

    /// Reads a record, deleted or not.
    pub fn record(&self, id: RecordId) -> Result<Record> {
        let section = self.section_of(id)?;
        read_record(&self.conn, section, id)?.ok_or_else(|| Error::NoRecord(id.to_string()))
    }

    /// The section a record belongs to.
    pub fn section_of(&self, id: RecordId) -> Result<&Section> {
        let section: Option<SectionId> = self
            .conn
            .prepare_cached("SELECT section_id FROM record WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        section
            .and_then(|s| self.schema.section_by_id(s))
            .ok_or_else(|| Error::NoRecord(id.to_string()))
    }

    /// Changes some fields of a record; `None` clears a field. Unchanged values are not logged.
    pub fn update_record(&mut self, id: RecordId, changes: Vec<(String, Option<Value>)>) -> Result<()> {
        let tx = self.conn.transaction()?;
        let op = next_op(&tx)?;
        let section = section_of_record(&self.schema, &tx, id)?;
        update_in(&tx, op, &self.schema.sections, section, id, changes)?;
        tx.commit()?;
        Ok(())
    }

    /// Changes fields of a record from `key = text` pairs; empty text clears the field.
    pub fn update_record_from_text(&mut self, id: RecordId, input: &[(&str, &str)]) -> Result<()> {
        let tx = self.conn.transaction()?;
        let op = next_op(&tx)?;
        let section = section_of_record(&self.schema, &tx, id)?;
        let mut changes = Vec::new();
        for (key, text) in input {
            changes.push((
                key.to_string(),
                parse_input(&tx, &self.schema.sections, section, key, text)?,
            ));
        }
        update_in(&tx, op, &self.schema.sections, section, id, changes)?;
        tx.commit()?;
        Ok(())
    }

    /// Sets one field of several records to the same typed-in value (empty clears it), in one
    /// step that one undo reverts.
    pub fn update_records_from_text(&mut self, ids: &[RecordId], key: &str, text: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        let op = next_op(&tx)?;
        for id in ids {
            let section = section_of_record(&self.schema, &tx, *id)?;
            let value = parse_input(&tx, &self.schema.sections, section, key, text)?;
            update_in(
                &tx,
                op,
                &self.schema.sections,
                section,
                *id,
                vec![(key.to_string(), value)],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Moves a record to the bin. It keeps its values and can be restored.
    pub fn delete_record(&mut self, id: RecordId) -> Result<()> {
        self.set_deleted(id, true)
    }

    /// Moves several records to the bin in one step (one undo brings them all back).
    pub fn delete_records(&mut self, ids: &[RecordId]) -> Result<()> {
        let tx = self.conn.transaction()?;
        let op = next_op(&tx)?;
        for id in ids {
            let section = section_of_record(&self.schema, &tx, *id)?;
            set_deleted_in(&tx, op, &self.schema.sections, section, *id, true)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Brings a deleted record back.
    pub fn restore_record(&mut self, id: RecordId) -> Result<()> {
        self.set_deleted(id, false)
    }

    fn set_deleted(&mut self, id: RecordId, deleted: bool) -> Result<()> {
        let tx = self.conn.transaction()?;
        let op = next_op(&tx)?;
        let section = section_of_record(&self.schema, &tx, id)?;
        set_deleted_in(&tx, op, &self.schema.sections, section, id, deleted)?;
        tx.commit()?;
        Ok(())
    }

    /// The record's history, oldest first.
    pub fn history(&self, id: RecordId) -> Result<Vec<Change>> {
        let section = self.section_of(id)?;
        let mut stmt = self
            .conn
            .prepare("SELECT at, action, field_id, old, new FROM change_log WHERE record_id = ?1 ORDER BY id")?;
        let rows = stmt.query_map([id], |r| {
            let field: Option<FieldId> = r.get(2)?;
            let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
            Ok(Change {
                at: time_from_ms(r.get(0)?),
                action: r.get(1)?,
                field: field.map(|f| {
                    section
                        .fields
                        .iter()
                        .find(|x| x.id == f)
                        .map(|x| x.key.clone())
                        .unwrap_or_else(|| format!("#{f}"))
                }),
                old: json(r.get(3)?),
                new: json(r.get(4)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A record's title: its section's title fields joined by spaces, or `#id`.
    pub fn title(&self, record: &Record) -> String {
        let section = self.schema.section_by_id(record.section);
        title_of(section, record)
    }

    /// The title of the record `id`, or `#id` if it is gone.
    pub fn record_title(&self, id: RecordId) -> String {
        self.record(id)
            .map(|r| self.title(&r))
            .unwrap_or_else(|_| format!("#{id}"))
    }

    /// Records whose relation fields point to `id` (an organization's contact persons), and
    /// the records `id` points to (a contact's organization).
    pub fn related(&self, id: RecordId) -> Result<(Vec<Related>, Vec<Related>)> {
        let record = self.record(id)?;
        let own_section = self.section_of(id)?;
        let mut incoming = Vec::new();
        for s in self.schema.live_sections() {
            for f in s.live_fields().filter(|f| f.kind == FieldType::Relation) {
                if f.options.target.as_ref().is_some_and(|t| t != &own_section.key) {
                    continue;
                }
                let sql = format!(
                    "SELECT id FROM {} WHERE {} = ?1 AND deleted = 0 ORDER BY id",
                    s.table(),
                    f.column()
                );
                let ids: Vec<RecordId> = self
                    .conn
                    .prepare_cached(&sql)?
                    .query_map([id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                for other in ids {
                    let r = self.record(other)?;
                    incoming.push(Related {
                        section: s.key.clone(),
                        field: f.key.clone(),
                        id: other,
                        title: title_of(Some(s), &r),
                    });
                }
            }
        }
        let mut outgoing = Vec::new();
        for (key, value) in &record.values {
            if let Value::Relation(target) = value
                && let Ok(r) = self.record(*target)
            {
                let s = self.schema.section_by_id(r.section);
                outgoing.push(Related {
                    section: s.map(|s| s.key.clone()).unwrap_or_default(),
                    field: key.clone(),
                    id: *target,
                    title: title_of(s, &r),
                });
            }
        }
        Ok((incoming, outgoing))
    }

    /// Attaches an image file to the vault and returns the photo value pointing to it.
    pub fn attach_photo(&mut self, path: &Path) -> Result<Value> {
        attach_photo(&self.conn, path)
    }

    /// The bytes and MIME type of a stored photo.
    pub fn photo(&self, id: i64) -> Result<(String, Vec<u8>)> {
        self.conn
            .query_row("SELECT mime, data FROM photo WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or_else(|| Error::NoRecord(format!("photo {id}")))
    }
}

fn set_deleted_in(
    conn: &Connection,
    op: i64,
    sections: &[Section],
    section: &Section,
    id: RecordId,
    deleted: bool,
) -> Result<()> {
    let mut record = read_record(conn, section, id)?.ok_or_else(|| Error::NoRecord(id.to_string()))?;
    if record.deleted == deleted {
        return Err(Error::RecordState(format!(
            "record {id} is {}",
            if deleted {
                "already in the bin"
            } else {
                "not in the bin, so there is nothing to restore"
            }
        )));
    }
    if !deleted {
        // Restoring must not break uniqueness gained by another record meanwhile.
        let values: Vec<(&Field, Option<Value>)> = section
            .live_fields()
            .filter(|f| f.unique)
            .map(|f| (f, record.get(&f.key).cloned()))
            .collect();
        validate(conn, sections, section, Some(id), &values)?;
    }
    conn.execute(
        &format!(
            "UPDATE {} SET deleted = ?2, modified = ?3 WHERE id = ?1",
            section.table()
        ),
        params![id, deleted, now_ms()],
    )?;
    record.deleted = deleted;
    index_record(conn, section, &record)?;
    log_change(
        conn,
        op,
        id,
        None,
        if deleted { "delete" } else { "restore" },
        None,
        None,
    )?;
    Ok(())
}

fn section_id(conn: &Connection, id: RecordId) -> Result<SectionId> {
    conn.prepare_cached("SELECT section_id FROM record WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::NoRecord(id.to_string()))
}

/// The section a record belongs to (binned or not), read inside the caller's transaction.
fn section_of_record<'a>(schema: &'a crate::schema::Schema, conn: &Connection, id: RecordId) -> Result<&'a Section> {
    schema
        .section_by_id(section_id(conn, id)?)
        .ok_or_else(|| Error::NoRecord(id.to_string()))
}

pub(crate) fn title_of(section: Option<&Section>, record: &Record) -> String {
    let title = section
        .map(|s| {
            s.title
                .iter()
                .filter_map(|k| record.get(k))
                .map(Value::display)
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    if title.is_empty() {
        format!("#{}", record.id)
    } else {
        title
    }
}

pub(crate) fn update_in(
    conn: &Connection,
    op: i64,
    sections: &[Section],
    section: &Section,
    id: RecordId,
    changes: Vec<(String, Option<Value>)>,
) -> Result<()> {
    let mut record = read_record(conn, section, id)?.ok_or_else(|| Error::NoRecord(id.to_string()))?;
    if record.deleted {
        return Err(Error::NoRecord(format!("{id} is deleted; restore it first")));
    }
    let mut changed: Vec<(&Field, Option<Value>, Option<Value>)> = Vec::new();
    for (key, new) in changes {
        let f = section.require_field(&key)?;
        let old = record.get(&key).cloned();
        if old != new {
            changed.retain(|(g, _, _)| g.id != f.id);
            changed.push((f, old, new));
        }
    }
    if changed.is_empty() {
        return Ok(());
    }
    let check: Vec<(&Field, Option<Value>)> = changed.iter().map(|(f, _, n)| (*f, n.clone())).collect();
    validate(conn, sections, section, Some(id), &check)?;
    let mut cols = Vec::new();
    let mut vals = Vec::new();
    for (f, _, new) in &changed {
        push_sql(f, new.as_ref(), &mut cols, &mut vals);
    }
    let now = now_ms();
    let sets = cols
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ?{}", i + 3))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("UPDATE {} SET modified = ?2, {sets} WHERE id = ?1", section.table());
    let mut all = vec![SqlValue::Integer(id.0), SqlValue::Integer(now)];
    all.extend(vals);
    conn.prepare_cached(&sql)?.execute(params_from_iter(all))?;
    for (f, old, new) in &changed {
        log_change(conn, op, id, Some(f.id), "update", old.as_ref(), new.as_ref())?;
        record.values.retain(|(k, _)| k != &f.key);
        if let Some(v) = new {
            record.values.push((f.key.clone(), v.clone()));
            // The field has a proper value now: what an import kept as typed has served.
            as_typed::forget(conn, id, f.id)?;
        }
    }
    index_record(conn, section, &record).map_err(Error::from)
}

pub(crate) fn parse_input(
    conn: &Connection,
    sections: &[Section],
    section: &Section,
    key: &str,
    text: &str,
) -> Result<Option<Value>> {
    let f = section.require_field(key)?;
    let t = text.trim();
    match f.kind {
        FieldType::Photo if !t.is_empty() => {
            let path = t.strip_prefix('@').unwrap_or(t);
            attach_photo(conn, Path::new(path))
                .map(Some)
                .map_err(|e| Error::invalid(key, e.to_string()))
        }
        FieldType::Relation => parse_relation(conn, sections, f, t),
        _ => Value::parse(f, text).map_err(|m| Error::invalid(key, m)),
    }
}

/// A relation value from a record id (`42`, `#42`) or the exact title of a record.
pub(crate) fn parse_relation(conn: &Connection, sections: &[Section], f: &Field, text: &str) -> Result<Option<Value>> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    // "Acme Ltd (#4)" is how a relation is shown for editing; the id decides.
    let id_text = t
        .strip_suffix(')')
        .and_then(|r| r.rsplit_once("(#"))
        .map(|(_, id)| id)
        .unwrap_or(t);
    match id_text.trim_start_matches('#').parse::<i64>() {
        Ok(id) => Ok(Some(Value::Relation(RecordId(id)))),
        Err(_) => resolve_title(conn, sections, f, t).map(|id| Some(Value::Relation(id))),
    }
}

/// Finds the one record whose title is `title` (compared folded) in the relation's target.
pub(crate) fn resolve_title(conn: &Connection, sections: &[Section], f: &Field, title: &str) -> Result<RecordId> {
    let wanted = fold(title);
    let query = crate::search::text_query(title).ok_or_else(|| Error::invalid(&f.key, "empty title"))?;
    let mut found = Vec::new();
    for s in sections.iter().filter(|s| !s.deleted) {
        if f.options.target.as_ref().is_some_and(|t| t != &s.key) {
            continue;
        }
        let (cols, fields) = select_list(s);
        let sql = format!(
            "SELECT {cols} FROM {} t WHERE t.deleted = 0 AND t.id IN (SELECT rowid FROM search_text WHERE search_text MATCH ?1) LIMIT 1000",
            s.table()
        );
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map([&query], |r| read_row(s, &fields, r))?;
        for r in rows {
            let r = r?;
            if fold(&title_of(Some(s), &r)) == wanted {
                found.push(r.id);
            }
        }
    }
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(Error::invalid(&f.key, format!("no record titled {title:?}"))),
        many => Err(Error::invalid(
            &f.key,
            format!(
                "{} records are titled {title:?}; give the id (one of {})",
                many.len(),
                many.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// Keeps a photo a plugin or a file handed over in bytes: checked like an attached file.
pub(crate) fn store_photo(conn: &Connection, mime: &str, data: &[u8]) -> Result<Value> {
    if data.len() as u64 > MAX_PHOTO_BYTES {
        return Err(Error::invalid(
            "photo",
            format!(
                "the photo is {} MB; photos may be at most {} MB",
                data.len() / 1_000_000,
                MAX_PHOTO_BYTES / 1_000_000
            ),
        ));
    }
    let found = image_mime(data).ok_or_else(|| {
        Error::invalid(
            "photo",
            format!("the {mime} photo is not a JPEG, PNG, GIF, WebP or BMP image"),
        )
    })?;
    conn.execute("INSERT INTO photo(mime, data) VALUES (?1, ?2)", params![found, data])?;
    Ok(Value::Photo(conn.last_insert_rowid()))
}

fn attach_photo(conn: &Connection, path: &Path) -> Result<Value> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_PHOTO_BYTES {
        return Err(Error::Schema(format!(
            "{} is {} MB; photos may be at most {} MB",
            path.display(),
            len / 1_000_000,
            MAX_PHOTO_BYTES / 1_000_000
        )));
    }
    let data = std::fs::read(path).map_err(io)?;
    let mime = image_mime(&data)
        .ok_or_else(|| Error::Schema(format!("{} is not a JPEG, PNG, GIF, WebP or BMP image", path.display())))?;
    conn.execute("INSERT INTO photo(mime, data) VALUES (?1, ?2)", params![mime, data])?;
    Ok(Value::Photo(conn.last_insert_rowid()))
}

fn image_mime(data: &[u8]) -> Option<&'static str> {
    match data {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [b'G', b'I', b'F', b'8', ..] => Some("image/gif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        [b'B', b'M', ..] => Some("image/bmp"),
        _ => None,
    }
}
