//! Records as export rows: the records of a query (a view: section, search, filter, sort)
//! with chosen columns, read a page at a time so exports of any size stream.

use super::table::{ExportCell, ExportRow, ExportSheet};
use crate::error::Result;
use crate::ids::RecordId;
use crate::query::Query;
use crate::records::{Record, Value};
use crate::schema::{Field, FieldType, Section};
use crate::vault::Vault;
use chrono::Local;

/// Records read per page while exporting.
const PAGE: usize = 500;

/// A record's value as an export cell: typed where spreadsheets have the type.
pub fn export_cell(vault: &Vault, field: &Field, value: &Value, show_secrets: bool) -> ExportCell {
    match value {
        // Left out rather than masked: a re-import must not store the mask as the password.
        _ if field.kind == FieldType::Secret && !show_secrets => ExportCell::Empty,
        Value::Number(n) => ExportCell::Number(*n),
        Value::Money { cents, currency } => ExportCell::Money(*cents as f64 / 100.0, currency.clone()),
        Value::Date(d) => ExportCell::Date(*d),
        Value::PartialDate {
            year: Some(y),
            month,
            day,
        } => chrono::NaiveDate::from_ymd_opt(*y, *month, *day)
            .map(ExportCell::Date)
            .unwrap_or_else(|| ExportCell::Text(value.display())),
        Value::DateTime(t) => ExportCell::DateTime(t.with_timezone(&Local).naive_local()),
        Value::Checkbox(b) => ExportCell::Bool(*b),
        Value::Relation(id) => ExportCell::Text(vault.record_title(*id)),
        Value::Photo(_) => ExportCell::Text("(photo)".into()),
        other => ExportCell::Text(other.display()),
    }
}

/// The rows of an export, read from the vault page by page.
struct Rows<'a> {
    vault: &'a Vault,
    section: Section,
    fields: Vec<Field>,
    ids: Vec<RecordId>,
    next: usize,
    page: std::vec::IntoIter<Record>,
    show_secrets: bool,
}

impl Iterator for Rows<'_> {
    type Item = ExportRow;

    fn next(&mut self) -> Option<ExportRow> {
        loop {
            if let Some(r) = self.page.next() {
                return Some(Ok(self
                    .fields
                    .iter()
                    .map(|f| {
                        r.get(&f.key)
                            .map(|v| export_cell(self.vault, f, v, self.show_secrets))
                            .unwrap_or(ExportCell::Empty)
                    })
                    .collect()));
            }
            if self.next >= self.ids.len() {
                return None;
            }
            let end = (self.next + PAGE).min(self.ids.len());
            // A record deleted meanwhile just drops out of the export; a page that cannot be
            // read stops it with the error (never a file silently missing records).
            let page = match self.vault.records_by_ids(&self.section.key, &self.ids[self.next..end]) {
                Ok(p) => p,
                Err(e) => {
                    self.next = self.ids.len();
                    return Some(Err(e.to_string()));
                }
            };
            self.next = end;
            self.page = page.into_iter();
        }
    }
}

impl Vault {
    /// The records a query selects as an export sheet: the given columns (field keys), or
    /// every visible field but photos. Headers are the fields' labels; `keys` returns the
    /// field keys in the same order (JSON lines use them).
    pub fn export_sheet(
        &self,
        q: &Query,
        columns: &[String],
        show_secrets: bool,
    ) -> Result<(ExportSheet<'_>, Vec<String>)> {
        let section = self.schema.require_section(&q.section)?.clone();
        let fields: Vec<Field> = if columns.is_empty() {
            section
                .visible_fields()
                .filter(|f| f.kind != FieldType::Photo)
                .cloned()
                .collect()
        } else {
            columns
                .iter()
                .map(|k| section.require_field(k).cloned())
                .collect::<Result<_>>()?
        };
        let ids = self.list_ids(q)?;
        let keys = fields.iter().map(|f| f.key.clone()).collect();
        let sheet = ExportSheet {
            name: section.label.clone(),
            headers: fields.iter().map(|f| f.label.clone()).collect(),
            rows: Box::new(Rows {
                vault: self,
                section,
                fields,
                ids,
                next: 0,
                page: Vec::new().into_iter(),
                show_secrets,
            }),
        };
        Ok((sheet, keys))
    }
}
