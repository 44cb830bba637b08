//! The import pipeline: reader → column mapping → typed conversion → one transaction →
//! report. All or nothing by default: a failed or cancelled import leaves the vault as it was.
//! A cell that does not read as its field's type is kept as typed on its record (the row
//! imports), unless the field is strict (required, unique, the upsert key).

use super::mapping;
use super::table::{Cell, ReadError, Row, TableReader};
use crate::error::{Error, Result};
use crate::ids::RecordId;
use crate::plugin::PluginValue;
use crate::records::{self, Address, Item, Value};
use crate::schema::{Field, FieldType, Section};
use crate::search::fold;
use crate::vault::Vault;
use chrono::{Datelike, NaiveDate, Timelike};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What the command line shows for a secret it does not reveal.
pub const MASK: &str = "••••••";

/// What to do with a row whose key (the upsert field) matches an existing record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Existing {
    /// Change the existing record's fields to the file's values.
    #[default]
    Update,
    /// Leave the existing record as it is.
    Skip,
}

/// How dates like 03/04/2024 read when the file does not say: day first (Europe) or month
/// first (US). Dotted dates (03.04.2024) are always day first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DateOrder {
    #[default]
    MonthFirst,
    DayFirst,
}

/// How to import.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImportOptions {
    pub section: String,
    /// For each column of the file, the field key it goes to (`None`: ignored). Several
    /// columns may go to one list field (phones, e-mails): their values are joined.
    pub mapping: Vec<Option<String>>,
    /// Match rows to existing records by this unique field instead of always creating.
    pub upsert: Option<String>,
    pub on_existing: Existing,
    /// Import the good rows and list the bad ones, instead of importing nothing.
    pub skip_bad_rows: bool,
    /// Check everything, change nothing.
    pub dry_run: bool,
    pub date_order: DateOrder,
}

/// A row that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BadRow {
    pub file: String,
    pub row: usize,
    /// The column's header, when one cell is to blame.
    pub column: Option<String>,
    pub value: String,
    pub reason: String,
}

impl std::fmt::Display for BadRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}, row {}", self.file, self.row)?;
        if let Some(c) = &self.column {
            write!(f, ", column {c:?}")?;
        }
        if !self.value.is_empty() {
            write!(f, ", value {:?}", self.value)?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// A cell kept as the file typed it, because it does not read as its field's type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeptCell {
    pub file: String,
    pub row: usize,
    /// The column's header.
    pub column: String,
    /// The field it went to.
    pub field: String,
    pub value: String,
    /// Why it is not a value of the field's type.
    pub reason: String,
}

impl std::fmt::Display for KeptCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}, row {}, column {:?}: {:?} kept as typed in {} ({})",
            self.file, self.row, self.column, self.value, self.field, self.reason
        )
    }
}

/// What an import did (or, for a dry run or a failed import, would have done).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    /// Rows matching an existing record that already had the same values, or were skipped.
    pub unchanged: usize,
    /// Records created in other sections for relations (an organization named in a column).
    pub linked_created: usize,
    pub bad_rows: Vec<BadRow>,
    /// Cells that did not read as their field's type and were kept as typed on their
    /// record (see [`crate::records::as_typed`]); their rows were imported.
    pub kept: Vec<KeptCell>,
    /// What was read differently from the file's bytes, naming file and row (see
    /// [`TableReader::warnings`](super::table::TableReader::warnings)); the rows were imported.
    pub warnings: Vec<String>,
    /// Whether the changes were saved (false for dry runs and failed imports).
    pub committed: bool,
}

impl ImportReport {
    /// One line for people: what was added, updated, left unchanged and skipped.
    pub fn summary(&self) -> String {
        let linked = if self.linked_created > 0 {
            format!(", {} linked records created", self.linked_created)
        } else {
            String::new()
        };
        let kept = match self.kept.len() {
            0 => String::new(),
            1 => ", 1 value kept as typed".to_string(),
            n => format!(", {n} values kept as typed"),
        };
        format!(
            "{} rows: {} added, {} updated, {} unchanged, {} skipped{linked}{kept}",
            self.rows,
            self.created,
            self.updated,
            self.unchanged,
            self.bad_rows.len()
        )
    }
}

/// How far an import has come: (done, total) in the reader's unit. Return `false` to cancel.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64) -> bool;

/// Converts one cell to a field's value, as typed by the file and read with the locale.
pub fn cell_value(field: &Field, cell: &Cell, order: DateOrder) -> std::result::Result<Option<Value>, String> {
    let date = |d: NaiveDate| match field.kind {
        FieldType::Date => Ok(Some(Value::Date(d))),
        FieldType::DateNoYear => Ok(Some(Value::PartialDate {
            year: Some(d.year()),
            month: d.month(),
            day: d.day(),
        })),
        FieldType::Datetime => Value::parse(field, &d.format("%Y-%m-%d").to_string()),
        _ => Value::parse(field, &d.format("%Y-%m-%d").to_string()),
    };
    match cell {
        Cell::Empty => Ok(None),
        Cell::Typed(v) => typed_value(field, v),
        Cell::Bool(b) if field.kind == FieldType::Checkbox => Ok(Some(Value::Checkbox(*b))),
        Cell::Bool(b) => Value::parse(field, if *b { "yes" } else { "no" }),
        Cell::Date(d) => date(*d),
        Cell::DateTime(t) if t.time().num_seconds_from_midnight() == 0 => date(t.date()),
        Cell::DateTime(t) => Value::parse(field, &t.format("%Y-%m-%d %H:%M:%S").to_string()),
        Cell::Number(n) => match field.kind {
            FieldType::Number | FieldType::Percent => Ok(Some(Value::Number(*n))),
            // A date column that the spreadsheet did not format as a date: an Excel serial.
            FieldType::Date | FieldType::DateNoYear | FieldType::Datetime => match excel_serial(*n) {
                Some(d) => date(d),
                None => Err(format!("{n} is not a date")),
            },
            _ => Value::parse(field, &records::format_number(*n)),
        },
        Cell::Text(t) => {
            let t = t.trim();
            match field.kind {
                FieldType::Date | FieldType::DateNoYear | FieldType::Datetime => {
                    if let Ok(n) = t.parse::<f64>()
                        && t.len() == 5
                        && let Some(d) = excel_serial(n)
                    {
                        return date(d);
                    }
                    match (order, swap_day_month(t)) {
                        (DateOrder::DayFirst, Some(swapped)) => Value::parse(field, &swapped),
                        _ => Value::parse(field, t),
                    }
                }
                _ => Value::parse(field, t),
            }
        }
    }
}

/// A plugin's typed value as a value of `field`: kept as it is where the types agree (phones
/// keep their kinds), else read from its text like a typed-in value.
fn typed_value(field: &Field, v: &PluginValue) -> std::result::Result<Option<Value>, String> {
    use FieldType as F;
    use PluginValue as P;
    let checked = |kind: &str, items: &[Item], check: fn(&str) -> std::result::Result<(), String>| {
        let mut kept = Vec::new();
        for i in items.iter().filter(|i| !i.value.trim().is_empty()) {
            check(i.value.trim())?;
            kept.push(Item {
                kind: if i.kind.trim().is_empty() {
                    kind.to_string()
                } else {
                    i.kind.trim().to_lowercase()
                },
                value: i.value.trim().to_string(),
            });
        }
        Ok::<_, String>((!kept.is_empty()).then_some(Value::Items(kept)))
    };
    let partial = |year: Option<i32>, month: u32, day: u32| {
        NaiveDate::from_ymd_opt(year.unwrap_or(2000), month, day)
            .map(|_| Some(Value::PartialDate { year, month, day }))
            .ok_or_else(|| format!("{month}/{day} is not a date"))
    };
    match (v, field.kind) {
        (P::Number(n), F::Number | F::Percent) if n.is_finite() => Ok(Some(Value::Number(*n))),
        (P::Money { cents, currency }, F::Money) => Ok(Some(Value::Money {
            cents: *cents,
            currency: currency.trim().to_uppercase(),
        })),
        (P::Date(d), F::Date) => Ok(Some(Value::Date(*d))),
        (P::Date(d), F::DateNoYear) => partial(Some(d.year()), d.month(), d.day()),
        (
            P::PartialDate {
                year: Some(y),
                month,
                day,
            },
            F::Date,
        ) => NaiveDate::from_ymd_opt(*y, *month, *day)
            .map(|d| Some(Value::Date(d)))
            .ok_or_else(|| format!("{y}-{month}-{day} is not a date")),
        (P::PartialDate { year, month, day }, F::DateNoYear) => partial(*year, *month, *day),
        (P::DateTime(t), F::Datetime) => Ok(Some(Value::DateTime(*t))),
        (P::Checkbox(b), F::Checkbox) => Ok(Some(Value::Checkbox(*b))),
        (P::Tags(tags), F::Tags) => Value::parse(field, &tags.join(";")),
        (P::Items(items), F::Phones) => checked("mobile", items, crate::records::value::check_phone),
        (P::Items(items), F::Emails) => checked("other", items, crate::records::value::check_email),
        (P::Items(items), F::Urls) => checked("other", items, crate::records::value::check_url),
        (P::Addresses(a), F::Addresses) => {
            let kept: Vec<Address> = a
                .iter()
                .filter(|a| !PluginValue::Addresses(vec![(*a).clone()]).display().is_empty())
                .cloned()
                .collect();
            Ok((!kept.is_empty()).then_some(Value::Addresses(kept)))
        }
        (P::Image { .. }, F::Photo) => Err("the photo could not be stored".into()),
        (P::Image { .. }, _) => Err("a photo goes to a photo field".into()),
        _ => Value::parse(field, &v.display()),
    }
}

/// `03/04/2024` read day first: rewritten month first for the parser.
fn swap_day_month(t: &str) -> Option<String> {
    let mut parts = t.splitn(3, '/');
    let (a, b, rest) = (parts.next()?, parts.next()?, parts.next()?);
    (a.len() <= 2 && b.len() <= 2).then(|| format!("{b}/{a}/{rest}"))
}

/// An Excel serial day number (1900 system) as a date, for plausible values only.
fn excel_serial(n: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&n) {
        return None;
    }
    // Excel counts 1900-02-29, which never was; serials from 61 on are one day ahead.
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_signed(chrono::Duration::days(n.trunc() as i64))
}

/// The relation targets named by title in this import, so each is looked up (or created) once.
#[derive(Default)]
struct Links {
    by_title: HashMap<(String, String), RecordId>,
    /// The keys in the order they were added, so rolling rows back forgets theirs.
    added: Vec<(String, String)>,
}

impl Links {
    fn insert(&mut self, key: (String, String), id: RecordId) {
        self.added.push(key.clone());
        self.by_title.insert(key, id);
    }

    /// Forgets the targets added since `mark` (a length of `added`): their rows were rolled back.
    fn forget_since(&mut self, mark: usize) {
        for key in self.added.drain(mark..) {
            self.by_title.remove(&key);
        }
    }
}

/// Rows written between savepoints while every row is good. A savepoint per row is costly:
/// SQLite copies every page a row touches into the savepoint's journal, and FTS5 writes its
/// pending terms out as a new index segment at each savepoint (then merges the tiny segments
/// again and again). When a row is refused, its batch is rolled back and written again one
/// savepoint per row, so a refused row still leaves nothing behind.
const BATCH_ROWS: usize = 1024;

/// What the import loop needs to write one row.
struct RowWriter<'a> {
    tx: &'a Connection,
    sections: &'a [Section],
    section: &'a Section,
    fields: &'a [Option<Field>],
    headers: &'a [String],
    upsert: Option<&'a Field>,
    options: &'a ImportOptions,
    file: &'a str,
    op: i64,
}

impl RowWriter<'_> {
    /// Converts and saves one row, counting it in `report`. A refused row is returned as a
    /// bad row, and may have written part of itself (a linked record): the caller rolls it back.
    fn write(&self, row: &Row, links: &mut Links, report: &mut ImportReport) -> Result<Option<BadRow>> {
        let (tx, fields, headers, file) = (self.tx, self.fields, self.headers, self.file);
        let mut values: Vec<(String, Option<Value>)> = Vec::new();
        // Cells kept as typed: (column, field, text, why).
        let mut kept: Vec<(usize, &Field, String, String)> = Vec::new();
        for (i, cell) in row.cells.iter().enumerate() {
            let Some(Some(field)) = fields.get(i) else { continue };
            // An export leaves secrets out or masks them; a mask must never become the password.
            let masked = field.kind == FieldType::Secret && matches!(cell, Cell::Text(t) if t.trim() == MASK);
            let converted = if masked {
                Ok(None)
            } else if let (FieldType::Photo, Cell::Typed(PluginValue::Image { mime, data })) = (field.kind, cell) {
                records::store_photo(tx, mime, data).map(Some)
            } else if field.kind == FieldType::Relation {
                relation_value(tx, self.sections, field, cell, links, self.op, report)
            } else {
                cell_value(field, cell, self.options.date_order).map_err(|m| Error::invalid(&field.key, m))
            };
            match converted {
                Ok(v) => merge(&mut values, field, v),
                Err(e) if field.kind == FieldType::Photo => {
                    // A damaged picture is no text to keep: the row comes without it.
                    report.warnings.push(format!(
                        "{file}, row {}: the photo could not be read ({}); the row was imported without it",
                        row.number,
                        reason(&e)
                    ));
                }
                Err(e) if self.keeps_as_typed(field, &e) => kept.push((i, field, cell_text(cell), reason(&e))),
                Err(e) => {
                    return Ok(Some(BadRow {
                        file: file.to_string(),
                        row: row.number,
                        column: headers.get(i).cloned(),
                        value: cell_text(cell),
                        reason: reason(&e),
                    }));
                }
            }
        }
        if values.iter().all(|(_, v)| v.is_none()) && kept.is_empty() {
            return Ok(None);
        }
        let saved = save_row(
            tx,
            self.sections,
            self.section,
            self.upsert,
            self.options.on_existing,
            values,
            self.op,
        );
        let id = match saved {
            Ok((Saved::Created, id)) => {
                report.created += 1;
                id
            }
            Ok((Saved::Updated, id)) => {
                report.updated += 1;
                id
            }
            Ok((Saved::Unchanged, id)) => {
                report.unchanged += 1;
                id
            }
            Err(e) => {
                let column = field_of(&e).and_then(|k| {
                    fields
                        .iter()
                        .position(|f| f.as_ref().is_some_and(|f| f.key == k))
                        .and_then(|i| headers.get(i).cloned())
                });
                return Ok(Some(BadRow {
                    file: file.to_string(),
                    row: row.number,
                    value: column
                        .as_ref()
                        .and_then(|c| headers.iter().position(|h| h == c))
                        .and_then(|i| row.cells.get(i))
                        .map(cell_text)
                        .unwrap_or_default(),
                    column,
                    reason: reason(&e),
                }));
            }
        };
        // A record skipped as existing keeps nothing of the row.
        if let Some(id) = id {
            for (i, field, text, why) in kept {
                records::as_typed::keep(tx, id, field.id, text.trim())?;
                report.kept.push(KeptCell {
                    file: file.to_string(),
                    row: row.number,
                    column: headers.get(i).cloned().unwrap_or_default(),
                    field: field.key.clone(),
                    value: text,
                    reason: why,
                });
            }
        }
        Ok(None)
    }

    /// Whether a cell that does not read as its field's type is kept as typed (the row
    /// imports) rather than refusing the row: yes, unless the user made the field strict
    /// (required or unique, or the key the import matches records by).
    fn keeps_as_typed(&self, field: &Field, e: &Error) -> bool {
        matches!(e, Error::InvalidValue { .. })
            && !field.required
            && !field.unique
            && self.upsert.is_none_or(|u| u.key != field.key)
    }

    /// Writes a batch of rows (as read) under one savepoint; if any row is refused, rolls the
    /// batch back and writes it again a row at a time, each under its own savepoint.
    fn write_batch(
        &self,
        batch: &[std::result::Result<Row, ReadError>],
        links: &mut Links,
        report: &mut ImportReport,
    ) -> Result<()> {
        let tx = self.tx;
        let counts = (report.created, report.updated, report.unchanged, report.linked_created);
        let (bad_mark, links_mark) = (report.bad_rows.len(), links.added.len());
        let (kept_mark, warned_mark) = (report.kept.len(), report.warnings.len());
        tx.execute_batch("SAVEPOINT import_batch")?;
        let mut clean = true;
        for row in batch {
            match row {
                Ok(row) => {
                    if self.write(row, links, report)?.is_some() {
                        clean = false;
                        break;
                    }
                }
                Err(e) => report.bad_rows.push(read_bad_row(e)),
            }
        }
        if clean {
            tx.execute_batch("RELEASE import_batch")?;
            return Ok(());
        }
        tx.execute_batch("ROLLBACK TO import_batch; RELEASE import_batch")?;
        (report.created, report.updated, report.unchanged, report.linked_created) = counts;
        report.bad_rows.truncate(bad_mark);
        report.kept.truncate(kept_mark);
        report.warnings.truncate(warned_mark);
        links.forget_since(links_mark);
        for row in batch {
            let row = match row {
                Ok(row) => row,
                Err(e) => {
                    report.bad_rows.push(read_bad_row(e));
                    continue;
                }
            };
            // Each row is its own savepoint: a refused row leaves nothing behind, not even an
            // organization its relation column would have created.
            let (links_mark, linked) = (links.added.len(), report.linked_created);
            let warned_mark = report.warnings.len();
            tx.execute_batch("SAVEPOINT import_row")?;
            match self.write(row, links, report)? {
                None => tx.execute_batch("RELEASE import_row")?,
                Some(bad) => {
                    tx.execute_batch("ROLLBACK TO import_row; RELEASE import_row")?;
                    links.forget_since(links_mark);
                    report.linked_created = linked;
                    report.warnings.truncate(warned_mark);
                    report.bad_rows.push(bad);
                }
            }
        }
        Ok(())
    }
}

/// A row the reader could not read, as a bad row.
fn read_bad_row(e: &ReadError) -> BadRow {
    BadRow {
        file: e.file.clone(),
        row: e.row,
        column: None,
        value: String::new(),
        reason: e.message.clone(),
    }
}

impl Vault {
    /// The field each column goes to: the mapping remembered for this layout of headers, or
    /// one matched by header names.
    pub fn suggest_mapping(&self, section: &str, headers: &[String]) -> Result<Vec<Option<String>>> {
        let s = self.schema.require_section(section)?;
        if let Some(json) = self.setting(&format!("import.mapping.{}.{}", s.key, mapping::layout_key(headers)))?
            && let Ok(saved) = serde_json::from_str::<Vec<Option<String>>>(&json)
            && saved.len() == headers.len()
        {
            return Ok(saved.into_iter().map(|k| k.filter(|k| s.field(k).is_some())).collect());
        }
        Ok(headers.iter().map(|h| mapping::match_header(s, h)).collect())
    }

    /// Imports every row of `reader` into a section. In one transaction: unless
    /// `skip_bad_rows`, any bad row means nothing is saved and the error lists every bad row.
    /// Cancelling (the progress callback returns `false`) saves nothing.
    pub fn import(
        &mut self,
        reader: &mut dyn TableReader,
        file: &str,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<ImportReport> {
        let headers = reader.headers().to_vec();
        let section = self.schema.require_section(&options.section)?.clone();
        let fields: Vec<Option<Field>> = (0..headers.len())
            .map(|i| options.mapping.get(i).cloned().flatten())
            .map(|k| k.map(|k| section.require_field(&k).cloned()).transpose())
            .collect::<Result<_>>()?;
        if fields.iter().all(Option::is_none) {
            return Err(Error::Query(format!(
                "{file}: no column is mapped to a field of {}",
                section.key
            )));
        }
        let upsert = match &options.upsert {
            Some(k) => {
                let f = section.require_field(k)?.clone();
                if !fields.iter().flatten().any(|m| m.key == f.key) {
                    return Err(Error::Query(format!(
                        "{file}: no column is mapped to the upsert field {k:?}"
                    )));
                }
                Some(f)
            }
            None => None,
        };
        let sections = self.schema.sections.clone();
        let tx = self.conn.transaction()?;
        let op = records::next_op(&tx)?;
        let writer = RowWriter {
            tx: &tx,
            sections: &sections,
            section: &section,
            fields: &fields,
            headers: &headers,
            upsert: upsert.as_ref(),
            options,
            file,
            op,
        };
        let mut report = ImportReport::default();
        let mut links = Links::default();
        let mut cancelled = false;
        let mut batch = Vec::with_capacity(BATCH_ROWS);
        while let Some(row) = reader.next_row() {
            let (done, total) = reader.progress();
            if report.rows % 256 == 0 && !progress(done, total) {
                cancelled = true;
                break;
            }
            report.rows += 1;
            match row {
                // Row 0 is the whole file: the reader (or its plugin) cannot go on.
                Err(e) if e.row == 0 => return Err(Error::Read(e)),
                row => batch.push(row),
            }
            if batch.len() == BATCH_ROWS {
                writer.write_batch(&batch, &mut links, &mut report)?;
                batch.clear();
            }
        }
        if !cancelled {
            writer.write_batch(&batch, &mut links, &mut report)?;
        }
        if cancelled {
            return Err(Error::Cancelled);
        }
        let mut warnings = reader.warnings();
        warnings.append(&mut report.warnings);
        report.warnings = warnings;
        if !report.bad_rows.is_empty() && !options.skip_bad_rows {
            return Err(Error::ImportFailed(Box::new(report)));
        }
        if options.dry_run {
            return Ok(report);
        }
        let key = format!("import.mapping.{}.{}", section.key, mapping::layout_key(&headers));
        crate::vault::store::set_meta(
            &tx,
            &format!("setting.{key}"),
            &serde_json::to_string(&options.mapping).unwrap_or_default(),
        )?;
        tx.commit()?;
        report.committed = true;
        Ok(report)
    }
}

enum Saved {
    Created,
    Updated,
    Unchanged,
}

fn save_row(
    tx: &Connection,
    sections: &[Section],
    section: &Section,
    upsert: Option<&Field>,
    on_existing: Existing,
    values: Vec<(String, Option<Value>)>,
    op: i64,
) -> Result<(Saved, Option<RecordId>)> {
    (|| {
        let existing = match upsert {
            Some(f) => match values.iter().find(|(k, _)| *k == f.key).and_then(|(_, v)| v.as_ref()) {
                Some(v) => records::find_same(tx, section, f, v, None)?,
                // A row without the key (a contact with no e-mail) matches the one record with
                // the same title (first and last name), so re-importing a file adds no twins.
                None => same_title(tx, section, &values)?,
            },
            None => None,
        };
        match existing {
            Some(_) if on_existing == Existing::Skip => Ok((Saved::Unchanged, None)),
            Some(id) => {
                let before = records::read_record(tx, section, id)?
                    .map(|r| r.values)
                    .unwrap_or_default();
                let changes: Vec<(String, Option<Value>)> = values
                    .into_iter()
                    .filter(|(k, v)| {
                        v.is_some() && before.iter().find(|(bk, _)| bk == k).map(|(_, bv)| bv) != v.as_ref()
                    })
                    .collect();
                if changes.is_empty() {
                    return Ok((Saved::Unchanged, Some(id)));
                }
                records::update_in(tx, op, sections, section, id, changes)?;
                Ok((Saved::Updated, Some(id)))
            }
            None => {
                let given: Vec<(String, Value)> = values.into_iter().filter_map(|(k, v)| Some((k, v?))).collect();
                let id = records::insert_record(tx, op, sections, section, given)?;
                Ok((Saved::Created, Some(id)))
            }
        }
    })()
}

/// The one live record whose title fields all equal the row's (none if any is empty, or if
/// several records match).
fn same_title(tx: &Connection, section: &Section, values: &[(String, Option<Value>)]) -> Result<Option<RecordId>> {
    let mut conditions = Vec::new();
    let mut params = Vec::new();
    for key in &section.title {
        let Some(f) = section.field(key) else { return Ok(None) };
        let Some(Some(v)) = values.iter().find(|(k, _)| k == key).map(|(_, v)| v) else {
            return Ok(None);
        };
        params.push(v.to_sql().0);
        conditions.push(format!("{} = ?{}", f.column(), params.len()));
    }
    if conditions.is_empty() {
        return Ok(None);
    }
    let sql = format!(
        "SELECT id FROM {} WHERE deleted = 0 AND {} LIMIT 2",
        section.table(),
        conditions.join(" AND ")
    );
    let ids: Vec<RecordId> = tx
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(params), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(if ids.len() == 1 { Some(ids[0]) } else { None })
}

/// Adds a converted value; a second column for the same list field appends to the list.
fn merge(values: &mut Vec<(String, Option<Value>)>, field: &Field, v: Option<Value>) {
    match values.iter_mut().find(|(k, _)| *k == field.key) {
        Some((_, slot)) => match (slot.as_mut(), v) {
            (Some(Value::Items(a)), Some(Value::Items(b))) => a.extend(b),
            (Some(Value::Tags(a)), Some(Value::Tags(b))) => {
                a.extend(b.into_iter().filter(|t| !a.contains(t)).collect::<Vec<_>>())
            }
            (Some(Value::Addresses(a)), Some(Value::Addresses(b))) => a.extend(b),
            (None, v) => *slot = v,
            (Some(_), _) => {}
        },
        None => values.push((field.key.clone(), v)),
    }
}

/// A relation column names the record by title: link to it, or create it in the target
/// section (an organization named in a contact's "Company" column).
fn relation_value(
    tx: &Connection,
    sections: &[Section],
    field: &Field,
    cell: &Cell,
    links: &mut Links,
    op: i64,
    report: &mut ImportReport,
) -> Result<Option<Value>> {
    let text = cell_text(cell);
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Some(id) = text.strip_prefix('#').and_then(|i| i.parse::<i64>().ok()) {
        return Ok(Some(Value::Relation(RecordId(id))));
    }
    let Some(target) = field
        .options
        .target
        .as_ref()
        .and_then(|t| sections.iter().find(|s| &s.key == t && !s.deleted))
    else {
        return records::parse_relation(tx, sections, field, text);
    };
    let cache_key = (target.key.clone(), fold(text));
    if let Some(id) = links.by_title.get(&cache_key) {
        return Ok(Some(Value::Relation(*id)));
    }
    let id = match records::resolve_title(tx, sections, field, text) {
        Ok(id) => id,
        Err(Error::InvalidValue { message, .. })
            if message.starts_with("no record titled") && target.title.len() == 1 =>
        {
            let title_field = target.title[0].clone();
            let id = records::insert_record(
                tx,
                op,
                sections,
                target,
                vec![(title_field, Value::Text(text.to_string()))],
            )?;
            report.linked_created += 1;
            id
        }
        Err(e) => return Err(e),
    };
    links.insert(cache_key, id);
    Ok(Some(Value::Relation(id)))
}

fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(t) => t.clone(),
        Cell::Typed(v) => v.display(),
        Cell::Number(n) => records::format_number(*n),
        Cell::Bool(b) => b.to_string(),
        Cell::Date(d) => d.to_string(),
        Cell::DateTime(t) => t.to_string(),
    }
}

fn field_of(e: &Error) -> Option<String> {
    match e {
        Error::InvalidValue { field, .. } | Error::Required { field } | Error::NotUnique { field, .. } => {
            Some(field.clone())
        }
        _ => None,
    }
}

/// The reason in a bad-row line: the error without the field name the column already gives.
fn reason(e: &Error) -> String {
    match e {
        Error::InvalidValue { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::csv::{CsvOptions, CsvReader};
    use crate::{Passphrase, Preset, Query};

    /// Contacts with a company each (a new organization every 100 rows); the rows in `bad`
    /// have no code, which the vault's contacts require (see [`with_required_code`]).
    fn contacts_csv(rows: usize, bad: &[usize]) -> Vec<u8> {
        let mut text = String::from("First name,Last name,Organization,E-mail,Code\n");
        for i in 1..=rows {
            let code = if bad.contains(&i) {
                String::new()
            } else {
                format!("C{i}")
            };
            text.push_str(&format!("Person,No{i},Org {},p{i}@x.org,{code}\n", i / 100));
        }
        text.into_bytes()
    }

    /// A client base whose contacts require a code: a row without one is refused.
    fn with_required_code(dir: &std::path::Path) -> Vault {
        let mut v = Vault::create(&dir.join("v"), &Passphrase::new("p"), Preset::ClientBase).unwrap();
        let mut code = crate::schema::FieldSpec::new("code", "Code", FieldType::Text);
        code.required = true;
        v.add_field("contacts", &code).unwrap();
        v
    }

    fn import(v: &mut Vault, csv: Vec<u8>, skip_bad_rows: bool) -> Result<ImportReport> {
        let mut reader = CsvReader::from_bytes("people.csv", csv, &CsvOptions::default()).unwrap();
        let headers = reader.headers().to_vec();
        let options = ImportOptions {
            section: "contacts".into(),
            mapping: v.suggest_mapping("contacts", &headers)?,
            skip_bad_rows,
            ..ImportOptions::default()
        };
        v.import(&mut reader, "people.csv", &options, &mut |_, _| true)
    }

    #[test]
    fn refused_rows_in_any_batch_leave_nothing_behind_and_the_good_rows_all_land() {
        let dir = tempfile::tempdir().unwrap();
        let mut v = with_required_code(dir.path());
        // Bad rows in the first batch, in a later one, and the first row of the last; row 1550
        // is the only one naming "Org 15", which must not be created.
        let bad = [3, 1550, 2 * BATCH_ROWS + 1];
        let rows = 2 * BATCH_ROWS + 10;
        let only_bad_org = contacts_csv(rows, &bad)
            .split(|b| *b == b'\n')
            .filter(|l| l.windows(7).any(|w| w == b"Org 15,"))
            .count();
        assert_eq!(only_bad_org, 100, "Org 15 is named by rows 1500–1599");
        let report = import(&mut v, contacts_csv(rows, &bad), true).unwrap();
        assert_eq!(report.rows, rows);
        assert_eq!(report.created, rows - bad.len());
        assert_eq!(report.bad_rows.iter().map(|b| b.row - 1).collect::<Vec<_>>(), bad);
        assert_eq!(v.count("contacts").unwrap(), rows - bad.len());
        assert_eq!(v.count("organizations").unwrap(), rows / 100 + 1);
        assert_eq!(report.linked_created, rows / 100 + 1);
        let found = v.list(&Query::section("contacts").search("No1550")).unwrap();
        assert_eq!(
            found.total, 0,
            "the refused row is not in the vault or its search index"
        );
        assert_eq!(v.list(&Query::section("contacts").search("No1551")).unwrap().total, 1);
    }

    #[test]
    fn one_refused_row_in_a_later_batch_saves_nothing_unless_bad_rows_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let mut v = with_required_code(dir.path());
        let err = import(&mut v, contacts_csv(BATCH_ROWS + 5, &[BATCH_ROWS + 3]), false).unwrap_err();
        let Error::ImportFailed(report) = err else {
            panic!("{err}")
        };
        assert_eq!(report.bad_rows.len(), 1);
        assert!(!report.committed);
        assert_eq!(v.count("contacts").unwrap(), 0);
        assert_eq!(v.count("organizations").unwrap(), 0);
    }

    #[test]
    fn a_cell_not_of_its_type_is_kept_as_typed_and_its_row_imports_even_if_a_later_row_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut v = Vault::create(&dir.path().join("v"), &Passphrase::new("p"), Preset::Personal).unwrap();
        let csv =
            "First name,Phone,Birthday,E-mail\nAda,pager,sometime in May,ada@x.org\nBob,+1 555 0100,1990-02-03,\n";
        let report = import(&mut v, csv.as_bytes().to_vec(), false).unwrap();
        assert_eq!((report.created, report.bad_rows.len()), (2, 0));
        let kept: Vec<(usize, &str, &str)> = report
            .kept
            .iter()
            .map(|k| (k.row, k.field.as_str(), k.value.as_str()))
            .collect();
        assert_eq!(kept, [(2, "phones", "pager"), (2, "birthday", "sometime in May")]);
        let ada = v.list(&Query::section("contacts").search("Ada")).unwrap().records[0].clone();
        assert_eq!(ada.get("phones"), None);
        assert_eq!(ada.get("emails").map(|e| e.display()).as_deref(), Some("ada@x.org"));
        let on_card: Vec<(String, String)> = v
            .kept_as_typed(ada.id)
            .unwrap()
            .into_iter()
            .map(|k| (k.field, k.text))
            .collect();
        assert_eq!(
            on_card,
            [
                ("phones".into(), "pager".into()),
                ("birthday".into(), "sometime in May".into())
            ]
        );
        assert_eq!(v.count_kept_as_typed("contacts").unwrap(), 2);
        // Giving the field a value lets the kept text go; the other stays.
        v.update_record_from_text(ada.id, &[("birthday", "1815-12-10")])
            .unwrap();
        assert_eq!(v.kept_as_typed(ada.id).unwrap().len(), 1);

        // A kept cell of a batch that is rolled back (a later row refused) is not kept twice
        // nor left without its record.
        let dir = tempfile::tempdir().unwrap();
        let mut v = with_required_code(dir.path());
        let csv = "First name,Birthday,Code\nAda,someday,A1\nBob,1990-02-03,\n";
        let report = import(&mut v, csv.as_bytes().to_vec(), true).unwrap();
        assert_eq!((report.created, report.bad_rows.len(), report.kept.len()), (1, 1, 1));
        assert_eq!(v.count_kept_as_typed("contacts").unwrap(), 1);
    }

    #[test]
    fn a_strict_field_still_refuses_a_value_not_of_its_type() {
        let dir = tempfile::tempdir().unwrap();
        let mut v = Vault::create(&dir.path().join("v"), &Passphrase::new("p"), Preset::Personal).unwrap();
        let mut day = crate::schema::FieldSpec::new("visit", "Visit", FieldType::Date);
        day.required = true;
        v.add_field("contacts", &day).unwrap();
        let err = import(&mut v, b"First name,Visit\nAda,soon\n".to_vec(), false).unwrap_err();
        let Error::ImportFailed(report) = err else {
            panic!("{err}")
        };
        assert_eq!(report.bad_rows[0].column.as_deref(), Some("Visit"));
        assert!(report.kept.is_empty());
        assert_eq!(v.count("contacts").unwrap(), 0);
    }

    #[test]
    fn excel_serials_and_day_first_dates_read_as_dates() {
        assert_eq!(excel_serial(45000.0), NaiveDate::from_ymd_opt(2023, 3, 15));
        assert_eq!(swap_day_month("03/04/2024").as_deref(), Some("04/03/2024"));
        assert_eq!(swap_day_month("2024/03/04").as_deref(), None);
    }
}
