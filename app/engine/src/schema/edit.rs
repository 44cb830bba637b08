//! Schema edits, applied as migrations inside one transaction each: sections and fields are
//! added, renamed, hidden, reordered, moved to the bin and restored; fields change options and
//! type. No edit ever drops a value: deleting moves to the bin, and only emptying the bin
//! removes data.

use super::convert::{self, ConversionReport};
use super::{Field, FieldSpec, FieldType, SchemaFile, Section, SectionSpec, valid_key};
use crate::error::{Error, Result};
use crate::records::now_ms;
use crate::vault::{Vault, store, tables};
use rusqlite::{Connection, params};
use serde::Serialize;

/// Field properties to change; `None` leaves a property as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldChange {
    pub required: Option<bool>,
    pub unique: Option<bool>,
    pub indexed: Option<bool>,
    pub help: Option<Option<String>>,
    pub default: Option<Option<String>>,
    pub choices: Option<Vec<String>>,
    pub target: Option<Option<String>>,
    pub currency: Option<Option<String>>,
    pub remind_days_before: Option<Option<u32>>,
}

/// What is in the bin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bin {
    /// Section keys.
    pub sections: Vec<String>,
    /// `(section key, field key)`.
    pub fields: Vec<(String, String)>,
}

/// The most columns SQLite allows in a table (`SQLITE_MAX_COLUMN`, 2000 in the bundled
/// build). A section's table has four of its own (id, created, modified, deleted), one per
/// field (binned fields too) and a second for each money field's currency.
const MAX_TABLE_COLUMNS: usize = 2000;

/// The columns a field of `kind` takes in its section's table.
fn columns_of(kind: FieldType) -> usize {
    if kind == FieldType::Money { 2 } else { 1 }
}

/// Refuses, in words, an edit that needs `more` columns than the section's table has room for
/// (instead of the database's "too many columns").
fn check_room(conn: &Connection, section: &Section, more: usize) -> Result<()> {
    let used: i64 = conn.query_row("SELECT count(*) FROM pragma_table_info(?1)", [section.table()], |r| {
        r.get(0)
    })?;
    if used as usize + more <= MAX_TABLE_COLUMNS {
        return Ok(());
    }
    let binned = section.fields.iter().filter(|f| f.deleted).count();
    Err(Error::Schema(format!(
        "section {:?} has {} fields{}, as many as a section can hold; put more in a section of their own{}",
        section.key,
        section.fields.len(),
        if binned > 0 {
            format!(" ({binned} of them in the bin)")
        } else {
            String::new()
        },
        if binned > 0 { ", or empty the bin" } else { "" },
    )))
}

impl Vault {
    /// Runs a schema edit in a transaction, logs it and reloads the schema.
    fn migrate<T>(
        &mut self,
        action: &str,
        detail: &str,
        edit: impl FnOnce(&Connection, &super::Schema) -> Result<T>,
    ) -> Result<T> {
        let tx = self.conn.transaction()?;
        let out = edit(&tx, &self.schema)?;
        store::log_schema_change(&tx, action, detail)?;
        tx.commit()?;
        self.reload_schema()?;
        Ok(out)
    }

    /// Adds a section with no fields (add fields with [`Vault::add_field`]).
    pub fn add_section(&mut self, key: &str, label: &str) -> Result<()> {
        check_key(key)?;
        if let Some(s) = self.schema.sections.iter().find(|s| s.key == key) {
            return Err(Error::Schema(if s.deleted {
                format!("section {key:?} is in the bin; restore it or empty the bin first")
            } else {
                format!("section {key:?} already exists")
            }));
        }
        let spec = SectionSpec {
            key: key.into(),
            label: label.into(),
            hidden: false,
            title: Vec::new(),
            fields: Vec::new(),
        };
        self.migrate("add-section", key, |c, _| store::insert_section(c, &spec).map(|_| ()))
    }

    /// Changes a section's label. Its key and data are untouched.
    pub fn rename_section(&mut self, section: &str, label: &str) -> Result<()> {
        check_label(label)?;
        self.edit_section(section, "rename-section", |s| s.label = label.to_string())
    }

    /// Hides or shows a section.
    pub fn set_section_hidden(&mut self, section: &str, hidden: bool) -> Result<()> {
        self.edit_section(section, if hidden { "hide-section" } else { "unhide-section" }, |s| {
            s.hidden = hidden
        })
    }

    /// Sets which fields make a record's title.
    pub fn set_section_title(&mut self, section: &str, fields: &[String]) -> Result<()> {
        let s = self.schema.require_section(section)?;
        for f in fields {
            s.require_field(f)?;
        }
        self.edit_section(section, "set-title", |s| s.title = fields.to_vec())
    }

    fn edit_section(&mut self, section: &str, action: &str, edit: impl FnOnce(&mut Section)) -> Result<()> {
        let mut s = self.schema.require_section(section)?.clone();
        edit(&mut s);
        self.migrate(action, &s.key.clone(), |c, _| Ok(store::save_section(c, &s)?))
    }

    /// Moves a section to a 1-based position among the live sections.
    pub fn move_section(&mut self, section: &str, position: usize) -> Result<()> {
        let key = self.schema.require_section(section)?.key.clone();
        let mut order: Vec<Section> = self.schema.live_sections().cloned().collect();
        let from = order.iter().position(|s| s.key == key).expect("live section is listed");
        let s = order.remove(from);
        order.insert(position.clamp(1, order.len() + 1) - 1, s);
        self.migrate("move-section", &key, |c, _| {
            for (i, mut s) in order.into_iter().enumerate() {
                s.position = i as i64 + 1;
                store::save_section(c, &s)?;
            }
            Ok(())
        })
    }

    /// Moves a section to the bin, with all its records. Restorable until the bin is emptied.
    pub fn delete_section(&mut self, section: &str) -> Result<()> {
        let s = self.schema.require_section(section)?.clone();
        self.migrate("delete-section", &s.key, |c, _| {
            c.execute(
                "UPDATE section SET deleted_at = ?2 WHERE id = ?1",
                params![s.id, now_ms()],
            )?;
            Ok(())
        })
    }

    /// Brings a section back from the bin with its records.
    pub fn restore_section(&mut self, section: &str) -> Result<()> {
        let s = self
            .schema
            .sections
            .iter()
            .find(|s| s.deleted && (s.key == section || s.label.eq_ignore_ascii_case(section)))
            .ok_or_else(|| Error::Schema(format!("no section {section:?} in the bin")))?
            .clone();
        self.migrate("restore-section", &s.key, |c, _| {
            c.execute("UPDATE section SET deleted_at = NULL WHERE id = ?1", [s.id])?;
            Ok(())
        })
    }

    /// Adds a field to a section. Adding a column is instant on any vault size.
    pub fn add_field(&mut self, section: &str, spec: &FieldSpec) -> Result<()> {
        check_key(&spec.key)?;
        check_label(&spec.label)?;
        let s = self.schema.require_section(section)?.clone();
        if let Some(f) = s.fields.iter().find(|f| f.key == spec.key) {
            return Err(Error::Schema(if f.deleted {
                format!(
                    "field {:?} of {:?} is in the bin; restore it or empty the bin first",
                    spec.key, s.key
                )
            } else {
                format!("section {:?} already has a field {:?}", s.key, spec.key)
            }));
        }
        check_options(
            &self.schema,
            spec.kind,
            &spec.choices,
            spec.target.as_deref(),
            spec.currency.as_deref(),
        )?;
        if let Some(d) = &spec.default {
            let probe = probe_field(&s, spec);
            crate::records::Value::parse(&probe, d).map_err(|m| Error::invalid(&spec.key, format!("default: {m}")))?;
        }
        check_room(&self.conn, &s, columns_of(spec.kind))?;
        let detail = format!("{}.{}", s.key, spec.key);
        self.migrate("add-field", &detail, |c, _| {
            store::insert_field(c, &s, spec).map(|_| ())
        })
    }

    /// Changes a field's label. Its key and values are untouched.
    pub fn rename_field(&mut self, section: &str, field: &str, label: &str) -> Result<()> {
        check_label(label)?;
        self.edit_field(section, field, "rename-field", |f| {
            f.label = label.to_string();
            Ok(())
        })
    }

    /// Hides or shows a field.
    pub fn set_field_hidden(&mut self, section: &str, field: &str, hidden: bool) -> Result<()> {
        self.edit_field(
            section,
            field,
            if hidden { "hide-field" } else { "unhide-field" },
            |f| {
                f.hidden = hidden;
                Ok(())
            },
        )
    }

    /// Changes a field's options (required, unique, indexed, help, default, choices...).
    pub fn set_field_options(&mut self, section: &str, field: &str, change: &FieldChange) -> Result<()> {
        let schema = self.schema.clone();
        let s = schema.require_section(section)?;
        let current = s.require_field(field)?.clone();
        let mut f = current.clone();
        apply_change(&mut f, change);
        check_options(
            &schema,
            f.kind,
            &f.options.choices,
            f.options.target.as_deref(),
            f.options.currency.as_deref(),
        )?;
        if let Some(d) = &f.default {
            crate::records::Value::parse(&f, d).map_err(|m| Error::invalid(&f.key, format!("default: {m}")))?;
        }
        let table = s.table();
        let col = f.column();
        if f.unique && !current.unique {
            let dup: Option<String> = self
                .conn
                .query_row(
                    &format!("SELECT CAST({col} AS TEXT) FROM {table} WHERE deleted = 0 AND {col} IS NOT NULL GROUP BY {col} HAVING count(*) > 1 LIMIT 1"),
                    [],
                    |r| r.get(0),
                )
                .ok();
            if let Some(dup) = dup {
                return Err(Error::Schema(format!(
                    "cannot make {:?} unique: several records have {dup:?}",
                    f.key
                )));
            }
        }
        if f.required && !current.required {
            let empty: i64 = self.conn.query_row(
                &format!("SELECT count(*) FROM {table} WHERE deleted = 0 AND {col} IS NULL"),
                [],
                |r| r.get(0),
            )?;
            if empty > 0 {
                return Err(Error::Schema(format!(
                    "cannot make {:?} required: {empty} records have it empty",
                    f.key
                )));
            }
        }
        let sec = s.clone();
        self.migrate("set-field-options", &format!("{}.{}", sec.key, f.key), |c, _| {
            store::save_field(c, &f)?;
            tables::sync_index(c, &sec, &f)?;
            Ok(())
        })
    }

    fn edit_field(
        &mut self,
        section: &str,
        field: &str,
        action: &str,
        edit: impl FnOnce(&mut Field) -> Result<()>,
    ) -> Result<()> {
        let s = self.schema.require_section(section)?;
        let mut f = s.require_field(field)?.clone();
        edit(&mut f)?;
        let detail = format!("{}.{}", s.key, f.key);
        self.migrate(action, &detail, |c, _| Ok(store::save_field(c, &f)?))
    }

    /// Moves a field to a 1-based position among the section's live fields.
    pub fn move_field(&mut self, section: &str, field: &str, position: usize) -> Result<()> {
        let s = self.schema.require_section(section)?.clone();
        s.require_field(field)?;
        let mut order: Vec<Field> = s.live_fields().cloned().collect();
        let from = order.iter().position(|f| f.key == field).expect("live field is listed");
        let f = order.remove(from);
        order.insert(position.clamp(1, order.len() + 1) - 1, f);
        self.migrate("move-field", &format!("{}.{field}", s.key), |c, _| {
            for (i, mut f) in order.into_iter().enumerate() {
                f.position = i as i64 + 1;
                store::save_field(c, &f)?;
            }
            Ok(())
        })
    }

    /// Moves a field to the bin: it disappears everywhere, its values are kept.
    pub fn delete_field(&mut self, section: &str, field: &str) -> Result<()> {
        let s = self.schema.require_section(section)?.clone();
        let f = s.require_field(field)?.clone();
        if s.title.contains(&f.key) && s.title.len() == 1 {
            return Err(Error::Schema(format!(
                "{:?} is the title of {:?}; choose another title field first",
                f.key, s.key
            )));
        }
        self.migrate("delete-field", &format!("{}.{}", s.key, f.key), |c, _| {
            c.execute(
                "UPDATE field SET deleted_at = ?2 WHERE id = ?1",
                params![f.id, now_ms()],
            )?;
            Ok(())
        })?;
        self.reindex_section(&s.key)
    }

    /// Brings a field back from the bin with its values.
    pub fn restore_field(&mut self, section: &str, field: &str) -> Result<()> {
        let s = self.schema.require_section(section)?.clone();
        let f = s
            .fields
            .iter()
            .find(|f| f.deleted && f.key == field)
            .ok_or_else(|| Error::Schema(format!("no field {field:?} of {:?} in the bin", s.key)))?
            .clone();
        self.migrate("restore-field", &format!("{}.{}", s.key, f.key), |c, _| {
            c.execute("UPDATE field SET deleted_at = NULL WHERE id = ?1", [f.id])?;
            Ok(())
        })?;
        self.reindex_section(&s.key)
    }

    /// What is in the bin.
    pub fn bin(&self) -> Bin {
        Bin {
            sections: self
                .schema
                .sections
                .iter()
                .filter(|s| s.deleted)
                .map(|s| s.key.clone())
                .collect(),
            fields: self
                .schema
                .live_sections()
                .flat_map(|s| {
                    s.fields
                        .iter()
                        .filter(|f| f.deleted)
                        .map(|f| (s.key.clone(), f.key.clone()))
                })
                .collect(),
        }
    }

    /// Deletes for good what is in the bin: binned sections with their records, binned fields
    /// with their values. Returns what was removed.
    pub fn empty_bin(&mut self) -> Result<Bin> {
        let bin = self.bin();
        let schema = self.schema.clone();
        self.migrate("empty-bin", &format!("{bin:?}"), |c, _| {
            for s in schema.sections.iter().filter(|s| s.deleted) {
                c.execute(
                    "DELETE FROM search_text WHERE rowid IN (SELECT id FROM record WHERE section_id = ?1)",
                    [s.id],
                )?;
                c.execute(
                    "DELETE FROM search_digits WHERE rowid IN (SELECT id FROM record WHERE section_id = ?1)",
                    [s.id],
                )?;
                c.execute_batch(&format!("DROP TABLE {}", s.table()))?;
                c.execute(
                    "DELETE FROM change_log WHERE record_id IN (SELECT id FROM record WHERE section_id = ?1)",
                    [s.id],
                )?;
                c.execute(
                    "DELETE FROM kept_value WHERE record_id IN (SELECT id FROM record WHERE section_id = ?1)",
                    [s.id],
                )?;
                c.execute("DELETE FROM record WHERE section_id = ?1", [s.id])?;
                c.execute("DELETE FROM field WHERE section_id = ?1", [s.id])?;
                c.execute("DELETE FROM section WHERE id = ?1", [s.id])?;
            }
            for s in schema.live_sections() {
                for f in s.fields.iter().filter(|f| f.deleted) {
                    drop_field(c, s, f)?;
                }
            }
            Ok(())
        })?;
        Ok(bin)
    }

    /// Takes away a field that no record has ever held a value in (one an import added for a
    /// column, when the import saved nothing), for good and without a trace in the bin.
    /// Refuses a field with any value, current or kept.
    pub fn remove_unused_field(&mut self, section: &str, field: &str) -> Result<()> {
        let s = self.schema.require_section(section)?.clone();
        let f = s.require_field(field)?.clone();
        let used: bool = self.conn.query_row(
            &format!(
                "SELECT EXISTS(SELECT 1 FROM {} WHERE {} IS NOT NULL)
                 OR EXISTS(SELECT 1 FROM kept_value WHERE field_id = ?1)",
                s.table(),
                f.column()
            ),
            [f.id],
            |r| r.get(0),
        )?;
        if used {
            return Err(Error::Schema(format!(
                "field {field:?} of {section:?} holds values; delete it to the bin instead"
            )));
        }
        self.migrate("remove-unused-field", &format!("{}.{}", s.key, f.key), |c, _| {
            Ok(drop_field(c, &s, &f)?)
        })
    }

    /// Changes a field's type, converting every value. Values that do not convert are kept
    /// (see [`ConversionReport`]) and come back if the type is changed back.
    pub fn change_field_type(
        &mut self,
        section: &str,
        field: &str,
        kind: FieldType,
        change: &FieldChange,
    ) -> Result<ConversionReport> {
        let schema = self.schema.clone();
        let s = schema.require_section(section)?;
        let old = s.require_field(field)?.clone();
        let mut new = old.clone();
        new.kind = kind;
        apply_change(&mut new, change);
        if kind == FieldType::Choice && new.options.choices.is_empty() {
            // Offer the values already in use as the choices.
            let sql = format!(
                "SELECT DISTINCT CAST({c} AS TEXT) FROM {t} WHERE {c} IS NOT NULL ORDER BY 1 LIMIT 200",
                c = old.column(),
                t = s.table()
            );
            let mut stmt = self.conn.prepare(&sql)?;
            new.options.choices = stmt
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<_>>()?;
            if new.options.choices.is_empty() {
                return Err(Error::Schema(format!(
                    "give the choices for {:?} (e.g. --choices \"A,B,C\")",
                    old.key
                )));
            }
        }
        check_options(
            &schema,
            new.kind,
            &new.options.choices,
            new.options.target.as_deref(),
            new.options.currency.as_deref(),
        )?;
        if kind == FieldType::Money {
            // A money field keeps its currency in a column of its own (kept if it was money once).
            let has: i64 = self.conn.query_row(
                "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2",
                [s.table(), old.currency_column()],
                |r| r.get(0),
            )?;
            check_room(&self.conn, s, if has > 0 { 0 } else { 1 })?;
        }
        let sec = s.clone();
        let report = self.migrate(
            "change-type",
            &format!("{}.{}: {} -> {}", sec.key, old.key, old.kind, kind),
            |c, _| {
                let report = convert::convert_field(c, &sec, &old, &new)?;
                store::save_field(c, &new)?;
                Ok(report)
            },
        )?;
        self.reindex_section(&sec.key)?;
        Ok(report)
    }

    /// Rebuilds the search index of a section (after a field is binned, restored or retyped).
    pub fn reindex_section(&mut self, section: &str) -> Result<()> {
        let s = self.schema.require_section(section)?.clone();
        let tx = self.conn.transaction()?;
        let (cols, fields) = crate::records::select_list(&s);
        {
            let mut stmt = tx.prepare(&format!("SELECT {cols} FROM {} t", s.table()))?;
            let rows = stmt.query_map([], |r| crate::records::read_row(&s, &fields, r))?;
            for r in rows {
                crate::records::index_record(&tx, &s, &r?)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The vault's schema as a schema file.
    pub fn export_schema(&self) -> SchemaFile {
        let name = store::meta(&self.conn, "schema_name")
            .ok()
            .flatten()
            .unwrap_or_else(|| "Cardbase schema".into());
        SchemaFile::from_schema(&name, &self.schema)
    }

    /// Makes the vault's schema match a schema file: adds what is new, updates labels, flags,
    /// options, order and types of what exists, and moves what the file leaves out to the bin
    /// (restorable). Returns one line per change.
    pub fn import_schema(&mut self, file: &SchemaFile) -> Result<Vec<String>> {
        let mut log = Vec::new();
        if self.export_schema().name != file.name {
            store::set_meta(&self.conn, "schema_name", &file.name)?;
            log.push(format!("named the schema {:?}", file.name));
        }
        for (si, spec) in file.sections.iter().enumerate() {
            let existing = self.schema.sections.iter().find(|s| s.key == spec.key).cloned();
            match existing {
                None => {
                    self.add_section(&spec.key, &spec.label)?;
                    log.push(format!("added section {}", spec.key));
                }
                Some(s) if s.deleted => {
                    self.restore_section(&s.key)?;
                    log.push(format!("restored section {} from the bin", s.key));
                }
                Some(_) => {}
            }
            let s = self.schema.require_section(&spec.key)?.clone();
            if s.label != spec.label {
                self.rename_section(&s.key, &spec.label)?;
                log.push(format!("renamed section {} to {:?}", s.key, spec.label));
            }
            if s.hidden != spec.hidden {
                self.set_section_hidden(&s.key, spec.hidden)?;
                log.push(format!(
                    "{} section {}",
                    if spec.hidden { "hid" } else { "showed" },
                    s.key
                ));
            }
            for (fi, fs) in spec.fields.iter().enumerate() {
                let s = self.schema.require_section(&spec.key)?.clone();
                match s.fields.iter().find(|f| f.key == fs.key).cloned() {
                    None => {
                        self.add_field(&s.key, fs)?;
                        log.push(format!("added field {}.{}", s.key, fs.key));
                    }
                    Some(f) => {
                        if f.deleted {
                            self.restore_field(&s.key, &f.key)?;
                            log.push(format!("restored field {}.{} from the bin", s.key, f.key));
                        }
                        let change = FieldChange {
                            required: Some(fs.required),
                            unique: Some(fs.unique),
                            indexed: Some(fs.indexed),
                            help: Some(fs.help.clone()),
                            default: Some(fs.default.clone()),
                            choices: Some(fs.choices.clone()),
                            target: Some(fs.target.clone()),
                            currency: Some(fs.currency.clone()),
                            remind_days_before: Some(fs.remind_days_before),
                        };
                        if f.kind != fs.kind {
                            let r = self.change_field_type(&s.key, &f.key, fs.kind, &change)?;
                            log.push(format!("changed {}.{} to {}: {}", s.key, f.key, fs.kind, r.summary()));
                        } else {
                            let mut probe = f.clone();
                            apply_change(&mut probe, &change);
                            if probe != f {
                                self.set_field_options(&s.key, &f.key, &change)?;
                                log.push(format!("updated options of {}.{}", s.key, f.key));
                            }
                        }
                        if f.label != fs.label {
                            self.rename_field(&s.key, &f.key, &fs.label)?;
                            log.push(format!("renamed field {}.{} to {:?}", s.key, f.key, fs.label));
                        }
                        if f.hidden != fs.hidden {
                            self.set_field_hidden(&s.key, &f.key, fs.hidden)?;
                        }
                    }
                }
                let pos = self
                    .schema
                    .require_section(&spec.key)?
                    .live_fields()
                    .position(|f| f.key == fs.key);
                if pos != Some(fi) {
                    self.move_field(&spec.key, &fs.key, fi + 1)?;
                }
            }
            let s = self.schema.require_section(&spec.key)?.clone();
            for f in s
                .live_fields()
                .filter(|f| !spec.fields.iter().any(|fs| fs.key == f.key))
            {
                if s.title.contains(&f.key) {
                    continue;
                }
                self.delete_field(&s.key, &f.key)?;
                log.push(format!("moved field {}.{} to the bin", s.key, f.key));
            }
            if s.title != spec.title && !spec.title.is_empty() {
                self.set_section_title(&s.key, &spec.title)?;
            }
            let pos = self.schema.live_sections().position(|x| x.key == spec.key);
            if pos != Some(si) {
                self.move_section(&spec.key, si + 1)?;
            }
        }
        let extra: Vec<String> = self
            .schema
            .live_sections()
            .filter(|s| !file.sections.iter().any(|x| x.key == s.key))
            .map(|s| s.key.clone())
            .collect();
        for key in extra {
            self.delete_section(&key)?;
            log.push(format!("moved section {key} to the bin"));
        }
        Ok(log)
    }
}

fn apply_change(f: &mut Field, c: &FieldChange) {
    if let Some(v) = c.required {
        f.required = v;
    }
    if let Some(v) = c.unique {
        f.unique = v;
    }
    if let Some(v) = c.indexed {
        f.indexed = v;
    }
    if let Some(v) = &c.help {
        f.help = v.clone();
    }
    if let Some(v) = &c.default {
        f.default = v.clone();
    }
    if let Some(v) = &c.choices {
        f.options.choices = v.clone();
    }
    if let Some(v) = &c.target {
        f.options.target = v.clone();
    }
    if let Some(v) = &c.currency {
        f.options.currency = v.clone();
    }
    if let Some(v) = c.remind_days_before {
        f.options.remind_days_before = v;
    }
}

fn probe_field(s: &Section, spec: &FieldSpec) -> Field {
    Field {
        id: crate::ids::FieldId(0),
        section: s.id,
        key: spec.key.clone(),
        label: spec.label.clone(),
        kind: spec.kind,
        position: 0,
        hidden: false,
        required: false,
        unique: false,
        indexed: false,
        help: None,
        default: None,
        options: spec.options(),
        deleted: false,
    }
}

fn check_key(key: &str) -> Result<()> {
    if valid_key(key) {
        Ok(())
    } else {
        Err(Error::Schema(format!(
            "key {key:?} must start with a-z and hold only a-z, 0-9 and _ (at most 64)"
        )))
    }
}

fn check_label(label: &str) -> Result<()> {
    if label.trim().is_empty() {
        Err(Error::Schema("a label must not be empty".into()))
    } else {
        Ok(())
    }
}

fn check_options(
    schema: &super::Schema,
    kind: FieldType,
    choices: &[String],
    target: Option<&str>,
    currency: Option<&str>,
) -> Result<()> {
    if kind == FieldType::Choice && choices.is_empty() {
        return Err(Error::Schema("a choice field needs its choices".into()));
    }
    if let Some(t) = target
        && schema.section(t).is_none()
    {
        return Err(Error::NoSection(t.to_string()));
    }
    if let Some(c) = currency
        && !(c.len() == 3 && c.chars().all(|c| c.is_ascii_uppercase()))
    {
        return Err(Error::Schema(format!(
            "currency {c:?} must be an ISO 4217 code such as EUR"
        )));
    }
    Ok(())
}

/// Drops a field's column, index and kept values, and the field itself.
fn drop_field(c: &Connection, s: &Section, f: &Field) -> rusqlite::Result<()> {
    let mut f = f.clone();
    f.indexed = false;
    f.unique = false;
    tables::sync_index(c, s, &f)?;
    c.execute_batch(&format!("ALTER TABLE {} DROP COLUMN {}", s.table(), f.column()))?;
    if tables::has_column(c, &s.table(), &f.currency_column())? {
        c.execute_batch(&format!(
            "ALTER TABLE {} DROP COLUMN {}",
            s.table(),
            f.currency_column()
        ))?;
    }
    c.execute("DELETE FROM kept_value WHERE field_id = ?1", [f.id])?;
    c.execute("DELETE FROM field WHERE id = ?1", [f.id])?;
    Ok(())
}
