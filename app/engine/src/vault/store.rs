//! Reading and writing the schema tables.

use super::tables;
use crate::error::Result;
use crate::ids::{FieldId, SectionId};
use crate::schema::{Field, FieldSpec, FieldType, Schema, SchemaFile, Section, SectionSpec};
use rusqlite::{Connection, OptionalExtension, params};

pub(crate) fn load_schema(conn: &Connection) -> Result<Schema> {
    let mut sections = Vec::new();
    let mut stmt =
        conn.prepare("SELECT id, key, label, position, hidden, title, deleted_at FROM section ORDER BY position, id")?;
    let rows = stmt.query_map([], |r| {
        Ok(Section {
            id: r.get(0)?,
            key: r.get(1)?,
            label: r.get(2)?,
            position: r.get(3)?,
            hidden: r.get(4)?,
            title: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
            deleted: r.get::<_, Option<i64>>(6)?.is_some(),
            fields: Vec::new(),
        })
    })?;
    for s in rows {
        sections.push(s?);
    }
    let mut stmt = conn.prepare(
        "SELECT id, section_id, key, label, type, position, hidden, required, uniq, indexed, help,
                default_value, options, deleted_at
         FROM field ORDER BY position, id",
    )?;
    let rows = stmt.query_map([], |r| {
        let kind: String = r.get(4)?;
        Ok(Field {
            id: r.get(0)?,
            section: r.get(1)?,
            key: r.get(2)?,
            label: r.get(3)?,
            // An unknown type name can only come from a newer build; show such values as text.
            kind: kind.parse().unwrap_or(FieldType::Text),
            position: r.get(5)?,
            hidden: r.get(6)?,
            required: r.get(7)?,
            unique: r.get(8)?,
            indexed: r.get(9)?,
            help: r.get(10)?,
            default: r.get(11)?,
            options: serde_json::from_str(&r.get::<_, String>(12)?).unwrap_or_default(),
            deleted: r.get::<_, Option<i64>>(13)?.is_some(),
        })
    })?;
    for f in rows {
        let f = f?;
        if let Some(s) = sections.iter_mut().find(|s| s.id == f.section) {
            s.fields.push(f);
        }
    }
    Ok(Schema { sections })
}

pub(crate) fn insert_schema_file(conn: &Connection, file: &SchemaFile) -> Result<()> {
    set_meta(conn, "schema_name", &file.name)?;
    for spec in &file.sections {
        insert_section(conn, spec)?;
    }
    Ok(())
}

fn next_position(conn: &Connection, table: &str, section: Option<SectionId>) -> rusqlite::Result<i64> {
    match section {
        Some(s) => conn.query_row(
            &format!("SELECT coalesce(max(position), 0) + 1 FROM {table} WHERE section_id = ?1"),
            [s],
            |r| r.get(0),
        ),
        None => conn.query_row(
            &format!("SELECT coalesce(max(position), 0) + 1 FROM {table}"),
            [],
            |r| r.get(0),
        ),
    }
}

/// Inserts a section with its fields and creates its table.
pub(crate) fn insert_section(conn: &Connection, spec: &SectionSpec) -> Result<SectionId> {
    let position = next_position(conn, "section", None)?;
    conn.execute(
        "INSERT INTO section(key, label, position, hidden, title) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            spec.key,
            spec.label,
            position,
            spec.hidden,
            serde_json::to_string(&spec.title).unwrap_or_default()
        ],
    )?;
    let id = SectionId(conn.last_insert_rowid());
    let section = Section {
        id,
        key: spec.key.clone(),
        label: spec.label.clone(),
        position,
        hidden: spec.hidden,
        title: spec.title.clone(),
        deleted: false,
        fields: Vec::new(),
    };
    tables::create_section_table(conn, &section)?;
    for f in &spec.fields {
        insert_field(conn, &section, f)?;
    }
    Ok(id)
}

/// Inserts a field into a section and adds its column.
pub(crate) fn insert_field(conn: &Connection, section: &Section, spec: &FieldSpec) -> Result<FieldId> {
    let position = next_position(conn, "field", Some(section.id))?;
    let options = spec.options();
    conn.execute(
        "INSERT INTO field(section_id, key, label, type, position, hidden, required, uniq, indexed, help,
                           default_value, options)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            section.id,
            spec.key,
            spec.label,
            spec.kind.key(),
            position,
            spec.hidden,
            spec.required,
            spec.unique,
            spec.indexed,
            spec.help,
            spec.default,
            serde_json::to_string(&options).unwrap_or_default(),
        ],
    )?;
    let id = FieldId(conn.last_insert_rowid());
    let field = Field {
        id,
        section: section.id,
        key: spec.key.clone(),
        label: spec.label.clone(),
        kind: spec.kind,
        position,
        hidden: spec.hidden,
        required: spec.required,
        unique: spec.unique,
        indexed: spec.indexed,
        help: spec.help.clone(),
        default: spec.default.clone(),
        options,
        deleted: false,
    };
    tables::add_field_columns(conn, section, &field)?;
    Ok(id)
}

/// Saves a field's editable properties (everything but id, section and key).
pub(crate) fn save_field(conn: &Connection, f: &Field) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE field SET label = ?2, type = ?3, position = ?4, hidden = ?5, required = ?6, uniq = ?7,
                indexed = ?8, help = ?9, default_value = ?10, options = ?11 WHERE id = ?1",
        params![
            f.id,
            f.label,
            f.kind.key(),
            f.position,
            f.hidden,
            f.required,
            f.unique,
            f.indexed,
            f.help,
            f.default,
            serde_json::to_string(&f.options).unwrap_or_default(),
        ],
    )?;
    Ok(())
}

/// Saves a section's editable properties.
pub(crate) fn save_section(conn: &Connection, s: &Section) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE section SET label = ?2, position = ?3, hidden = ?4, title = ?5 WHERE id = ?1",
        params![
            s.id,
            s.label,
            s.position,
            s.hidden,
            serde_json::to_string(&s.title).unwrap_or_default()
        ],
    )?;
    Ok(())
}

pub(crate) fn log_schema_change(conn: &Connection, action: &str, detail: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO schema_log(at, action, detail) VALUES (?1, ?2, ?3)",
        params![chrono::Utc::now().timestamp_millis(), action, detail],
    )?;
    Ok(())
}

pub(crate) fn meta(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
}

pub(crate) fn set_meta(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)", [key, value])?;
    Ok(())
}
