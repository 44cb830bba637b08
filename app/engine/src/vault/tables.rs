//! The vault's SQL layout. See ARCHITECTURE.md, "Vault layout".
//!
//! System tables hold the schema, the record registry, history and the search index; each
//! section has its own table `s_<section id>` with one column `c_<field id>` per field.
//! Field columns are declared without a type, so a value keeps the storage class it was
//! written with (integers for dates and cents, reals for numbers, text, JSON text for lists)
//! and a field's type can change without rebuilding the table.

use crate::schema::{Field, FieldType, Section};
use rusqlite::Connection;

/// The vault format this build writes; stored in `meta.format`.
pub const FORMAT: i64 = 1;

pub(crate) fn create_system_tables(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
         INSERT INTO meta VALUES ('format', '{FORMAT}');
         CREATE TABLE section(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            key TEXT NOT NULL UNIQUE,
            label TEXT NOT NULL,
            position INTEGER NOT NULL,
            hidden INTEGER NOT NULL DEFAULT 0,
            title TEXT NOT NULL DEFAULT '[]',
            deleted_at INTEGER);
         CREATE TABLE field(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            section_id INTEGER NOT NULL REFERENCES section(id),
            key TEXT NOT NULL,
            label TEXT NOT NULL,
            type TEXT NOT NULL,
            position INTEGER NOT NULL,
            hidden INTEGER NOT NULL DEFAULT 0,
            required INTEGER NOT NULL DEFAULT 0,
            uniq INTEGER NOT NULL DEFAULT 0,
            indexed INTEGER NOT NULL DEFAULT 0,
            help TEXT,
            default_value TEXT,
            options TEXT NOT NULL DEFAULT '{{}}',
            deleted_at INTEGER,
            UNIQUE(section_id, key));
         CREATE TABLE record(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            uuid TEXT NOT NULL UNIQUE,
            section_id INTEGER NOT NULL REFERENCES section(id));
         CREATE INDEX record_by_section ON record(section_id);
         CREATE TABLE change_log(
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            record_id INTEGER NOT NULL,
            field_id INTEGER,
            action TEXT NOT NULL,
            old TEXT,
            new TEXT,
            op INTEGER NOT NULL,
            undone INTEGER NOT NULL DEFAULT 0);
         CREATE INDEX change_log_by_record ON change_log(record_id, id);
         CREATE INDEX change_log_by_op ON change_log(op);
         CREATE TABLE schema_log(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);
         CREATE TABLE photo(id INTEGER PRIMARY KEY, mime TEXT NOT NULL, data BLOB NOT NULL);
         CREATE TABLE kept_value(
            record_id INTEGER NOT NULL,
            field_id INTEGER NOT NULL,
            type TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY(record_id, field_id, type)) WITHOUT ROWID;
         CREATE VIRTUAL TABLE search_text USING fts5(doc, content='', contentless_delete=1,
            tokenize='unicode61 remove_diacritics 2');
         CREATE VIRTUAL TABLE search_digits USING fts5(doc, content='', contentless_delete=1,
            tokenize='trigram');"
    ))
}

pub(crate) fn create_section_table(conn: &Connection, section: &Section) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "CREATE TABLE {t}(
            id INTEGER PRIMARY KEY REFERENCES record(id),
            created INTEGER NOT NULL,
            modified INTEGER NOT NULL,
            deleted INTEGER NOT NULL DEFAULT 0);
         -- Live records only: counting them and listing them in id order reads this small
         -- index instead of the whole table.
         CREATE INDEX {t}_live ON {t}(id) WHERE deleted = 0",
        t = section.table()
    ))
}

/// Adds the columns a field needs (`ALTER TABLE ADD COLUMN` only touches the table's schema,
/// never its rows, so this is instant on any vault size).
pub(crate) fn add_field_columns(conn: &Connection, section: &Section, field: &Field) -> rusqlite::Result<()> {
    let existing = columns(conn, &section.table())?;
    if !existing.contains(&field.column()) {
        conn.execute_batch(&format!(
            "ALTER TABLE {} ADD COLUMN {}",
            section.table(),
            field.column()
        ))?;
    }
    if field.kind == FieldType::Money && !existing.contains(&field.currency_column()) {
        conn.execute_batch(&format!(
            "ALTER TABLE {} ADD COLUMN {}",
            section.table(),
            field.currency_column()
        ))?;
    }
    sync_index(conn, section, field)
}

/// Creates or drops the index on a field's column to match its `indexed`/`unique` flags.
pub(crate) fn sync_index(conn: &Connection, section: &Section, field: &Field) -> rusqlite::Result<()> {
    let name = format!("{}_{}", section.table(), field.column());
    // Relation columns are always indexed: "who works here" looks records up by them.
    if (field.indexed || field.unique || field.kind == FieldType::Relation) && !field.deleted {
        conn.execute_batch(&format!(
            // Partial: lists only read live records, so a sort by the field reads just this
            // index in order, without visiting the table.
            "CREATE INDEX IF NOT EXISTS {name} ON {}({}) WHERE deleted = 0",
            section.table(),
            field.column()
        ))
    } else {
        conn.execute_batch(&format!("DROP INDEX IF EXISTS {name}"))
    }
}

pub(crate) fn has_column(conn: &Connection, table: &str, column: &str) -> rusqlite::Result<bool> {
    Ok(columns(conn, table)?.iter().any(|c| c == column))
}

fn columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    stmt.query_map([], |r| r.get::<_, String>(1))?.collect()
}
