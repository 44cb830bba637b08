//! What the engine asks of plugins: the traits its import, export and reminder pipelines call,
//! and the values that cross them. The plugin host (`cardbase-plugin-host`) implements these
//! traits for WASM components and for Rhai scripts; the engine cannot tell them apart and
//! knows nothing of either.
//!
//! A plugin never touches the vault: it gets bytes or records and hands back records, bytes
//! or reminders, which the engine checks like anything a user types.
//!
//! ```
//! use cardbase_engine::plugin::{PluginError, PluginRecord, PluginReminder, PluginValue, ReminderPlugin};
//! use chrono::{DateTime, Utc};
//!
//! /// A rule that reminds of every record right away.
//! struct Now;
//!
//! impl ReminderPlugin for Now {
//!     fn name(&self) -> &str {
//!         "now"
//!     }
//!     fn sections(&self) -> Result<Vec<String>, PluginError> {
//!         Ok(vec!["contacts".into()])
//!     }
//!     fn reminders(
//!         &self,
//!         now: DateTime<Utc>,
//!         _utc_offset: i32,
//!         batch: &[PluginRecord],
//!     ) -> Result<Vec<PluginReminder>, PluginError> {
//!         Ok(batch
//!             .iter()
//!             .map(|r| PluginReminder { record_id: r.id.clone(), key: "now".into(), due: now, title: "Now".into() })
//!             .collect())
//!     }
//! }
//! assert_eq!(Now.sections().unwrap(), ["contacts"]);
//! ```

use crate::records::{Address, Item};
use chrono::{DateTime, NaiveDate, Utc};

/// The value of one field as plugins see it: like [`crate::Value`], but a photo is its bytes
/// and a relation is the related record's title, so a plugin needs no vault ids.
#[derive(Debug, Clone, PartialEq)]
pub enum PluginValue {
    Text(String),
    Number(f64),
    Money { cents: i64, currency: String },
    Date(NaiveDate),
    PartialDate { year: Option<i32>, month: u32, day: u32 },
    DateTime(DateTime<Utc>),
    Checkbox(bool),
    Tags(Vec<String>),
    Items(Vec<Item>),
    Addresses(Vec<Address>),
    Image { mime: String, data: Vec<u8> },
    Relation(String),
}

/// A record handed to an exporter or a reminder rule. `id` is the record's id in the vault.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginRecord {
    pub id: String,
    pub section: String,
    pub fields: Vec<(String, PluginValue)>,
}

/// A record an importer read, with the line (or row) it starts on. With `error` set, it is a
/// bad one: the import lists it and does not save it.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginEntry {
    pub line: u32,
    pub fields: Vec<(String, PluginValue)>,
    pub error: Option<String>,
}

/// A field a plugin reads or writes: key, label and kind (a field type's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldInfo {
    pub key: String,
    pub label: String,
    pub kind: String,
}

/// A section as an exporter sees it: its key, label and fields in the user's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionInfo {
    pub key: String,
    pub label: String,
    pub fields: Vec<FieldInfo>,
}

/// A reminder a rule asks for. `key` tells occurrences of the same thing apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginReminder {
    pub record_id: String,
    pub key: String,
    pub due: DateTime<Utc>,
    pub title: String,
}

/// Why a plugin call failed, naming the plugin: it trapped, ran out of time or memory,
/// returned something invalid, or reported an error of its own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("plugin {plugin}: {message}")]
pub struct PluginError {
    pub plugin: String,
    pub message: String,
}

impl PluginError {
    pub fn new(plugin: impl Into<String>, message: impl Into<String>) -> PluginError {
        PluginError {
            plugin: plugin.into(),
            message: message.into(),
        }
    }
}

/// A plugin that reads files into records.
pub trait ImportPlugin {
    /// The plugin's id, for messages.
    fn name(&self) -> &str;
    /// The fields its entries fill.
    fn fields(&self) -> Result<Vec<FieldInfo>, PluginError>;
    /// Whether it reads this file, from its name and first bytes.
    fn sniff(&self, file_name: &str, head: &[u8]) -> Result<bool, PluginError>;
    /// Starts reading one file.
    fn start(&self, file_name: &str) -> Result<Box<dyn ImportSession>, PluginError>;
}

/// One file being read by an import plugin.
pub trait ImportSession {
    /// The next chunk of the file; returns the entries it completed.
    fn feed(&mut self, chunk: &[u8]) -> Result<Vec<PluginEntry>, PluginError>;
    /// The end of the file; returns the last entries.
    fn finish(&mut self) -> Result<Vec<PluginEntry>, PluginError>;
}

/// A plugin that writes records to files.
pub trait ExportPlugin {
    fn name(&self) -> &str;
    /// Whether the user let it see secret fields (passwords); without that they are left out.
    fn sees_secrets(&self) -> bool {
        false
    }
    /// Starts one file for the records of `section`.
    fn start(&self, section: &SectionInfo) -> Result<Box<dyn ExportSession>, PluginError>;
}

/// One file being written by an export plugin.
pub trait ExportSession {
    /// The next records; returns the bytes to append.
    fn write(&mut self, batch: &[PluginRecord]) -> Result<Vec<u8>, PluginError>;
    /// The end; returns the file's last bytes.
    fn finish(&mut self) -> Result<Vec<u8>, PluginError>;
}

/// A plugin that says when to remind of what.
pub trait ReminderPlugin {
    fn name(&self) -> &str;
    /// Whether the user let it see secret fields (passwords); without that they are left out.
    fn sees_secrets(&self) -> bool {
        false
    }
    /// The sections whose records it looks at.
    fn sections(&self) -> Result<Vec<String>, PluginError>;
    /// The reminders for one batch of records; `utc_offset` is the user's, in seconds.
    fn reminders(
        &self,
        now: DateTime<Utc>,
        utc_offset: i32,
        batch: &[PluginRecord],
    ) -> Result<Vec<PluginReminder>, PluginError>;
}

impl PluginValue {
    /// The value as a person reads it, for fields of another type and for reports.
    pub fn display(&self) -> String {
        match self {
            PluginValue::Text(t) | PluginValue::Relation(t) => t.clone(),
            PluginValue::Number(n) => crate::records::format_number(*n),
            PluginValue::Money { cents, currency } => {
                format!("{} {currency}", crate::records::format_number(*cents as f64 / 100.0))
            }
            PluginValue::Date(d) => d.format("%Y-%m-%d").to_string(),
            PluginValue::PartialDate {
                year: Some(y),
                month,
                day,
            } => format!("{y:04}-{month:02}-{day:02}"),
            PluginValue::PartialDate { year: None, month, day } => format!("--{month:02}-{day:02}"),
            PluginValue::DateTime(t) => t.format("%Y-%m-%d %H:%M:%SZ").to_string(),
            PluginValue::Checkbox(b) => if *b { "yes" } else { "no" }.to_string(),
            PluginValue::Tags(t) => t.join(", "),
            PluginValue::Items(items) => items.iter().map(|i| i.value.as_str()).collect::<Vec<_>>().join(", "),
            PluginValue::Addresses(a) => a
                .iter()
                .map(|a| {
                    [&a.street, &a.city, &a.region, &a.postcode, &a.country]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .collect::<Vec<_>>()
                .join("; "),
            PluginValue::Image { mime, data } => format!("{mime}, {} bytes", data.len()),
        }
    }
}

use crate::error::{Error, Result};
use crate::ids::RecordId;
use crate::query::Query;
use crate::records::{Record, Value};
use crate::reminders::{Reminder, ReminderKind};
use crate::schema::{FieldType, Section};
use crate::vault::Vault;
use std::io::Write;

/// How many records a plugin gets per call.
pub const BATCH_RECORDS: usize = 1024;

/// The longest reminder title a rule may return.
const MAX_TITLE_CHARS: usize = 500;

/// What an export through a plugin wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PluginExportStats {
    pub records: u64,
    pub bytes: u64,
}

fn kind_name(kind: FieldType) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl Vault {
    /// A section as plugins see it: its live fields in the user's order. Secret fields are
    /// left out unless `secrets` (the user granted the plugin that capability).
    pub fn section_info(&self, section: &str, secrets: bool) -> Result<SectionInfo> {
        let s = self.schema.require_section(section)?;
        Ok(SectionInfo {
            key: s.key.clone(),
            label: s.label.clone(),
            fields: s
                .live_fields()
                .filter(|f| secrets || f.kind != FieldType::Secret)
                .map(|f| FieldInfo {
                    key: f.key.clone(),
                    label: f.label.clone(),
                    kind: kind_name(f.kind),
                })
                .collect(),
        })
    }

    /// A record as plugins see it: photos as bytes, relations as titles, secrets only when
    /// `secrets`.
    pub fn plugin_record(&self, section: &Section, record: &Record, secrets: bool) -> Result<PluginRecord> {
        let mut fields = Vec::new();
        for (key, value) in &record.values {
            let Some(field) = section.field(key) else { continue };
            let v = match value {
                _ if field.kind == FieldType::Secret && !secrets => continue,
                Value::Text(t) => PluginValue::Text(t.clone()),
                Value::Number(n) => PluginValue::Number(*n),
                Value::Money { cents, currency } => PluginValue::Money {
                    cents: *cents,
                    currency: currency.clone(),
                },
                Value::Date(d) => PluginValue::Date(*d),
                Value::PartialDate { year, month, day } => PluginValue::PartialDate {
                    year: *year,
                    month: *month,
                    day: *day,
                },
                Value::DateTime(t) => PluginValue::DateTime(*t),
                Value::Checkbox(b) => PluginValue::Checkbox(*b),
                Value::Tags(t) => PluginValue::Tags(t.clone()),
                Value::Items(i) => PluginValue::Items(i.clone()),
                Value::Addresses(a) => PluginValue::Addresses(a.clone()),
                Value::Photo(id) => {
                    let (mime, data) = self.photo(*id)?;
                    PluginValue::Image { mime, data }
                }
                Value::Relation(id) => PluginValue::Relation(self.record_title(*id)),
            };
            fields.push((key.clone(), v));
        }
        Ok(PluginRecord {
            id: record.id.0.to_string(),
            section: section.key.clone(),
            fields,
        })
    }

    /// The records a query finds, as plugins see them, a batch at a time.
    fn plugin_batches(
        &self,
        q: &Query,
        secrets: bool,
        mut each: impl FnMut(Vec<PluginRecord>) -> Result<()>,
    ) -> Result<u64> {
        let section = self.schema.require_section(&q.section)?.clone();
        let ids = self.list_ids(q)?;
        for page in ids.chunks(BATCH_RECORDS) {
            let records = self.records_by_ids(&section.key, page)?;
            let batch = records
                .iter()
                .map(|r| self.plugin_record(&section, r, secrets))
                .collect::<Result<Vec<_>>>()?;
            each(batch)?;
        }
        Ok(ids.len() as u64)
    }

    /// Writes the records `q` finds to `out` through an export plugin. `progress` gets
    /// (records done, total) and may return `false` to cancel.
    pub fn export_with_plugin(
        &self,
        q: &Query,
        plugin: &dyn ExportPlugin,
        out: &mut dyn Write,
        progress: &mut dyn FnMut(u64, u64) -> bool,
    ) -> Result<PluginExportStats> {
        let info = self.section_info(&q.section, plugin.sees_secrets())?;
        let total = self.list_ids(q)?.len() as u64;
        let mut session = plugin.start(&info)?;
        let mut stats = PluginExportStats::default();
        let io = |source| Error::Io {
            path: "export".into(),
            source,
        };
        self.plugin_batches(q, plugin.sees_secrets(), |batch| {
            if !progress(stats.records, total) {
                return Err(Error::Cancelled);
            }
            let bytes = session.write(&batch)?;
            out.write_all(&bytes).map_err(io)?;
            stats.records += batch.len() as u64;
            stats.bytes += bytes.len() as u64;
            Ok(())
        })?;
        let bytes = session.finish()?;
        out.write_all(&bytes).map_err(io)?;
        out.flush().map_err(io)?;
        stats.bytes += bytes.len() as u64;
        progress(stats.records, total);
        Ok(stats)
    }

    /// The reminders one plugin rule asks for, checked: each names a record it was given,
    /// has a title and falls between a month ago and the horizon.
    pub(crate) fn plugin_rule_reminders(
        &self,
        rule: &dyn ReminderPlugin,
        now: DateTime<Utc>,
        utc_offset: i32,
        horizon: DateTime<Utc>,
    ) -> Result<Vec<Reminder>> {
        let fail = |m: String| Error::Plugin(PluginError::new(rule.name(), m));
        let mut out = Vec::new();
        for key in rule.sections()? {
            let Some(section) = self.schema.live_sections().find(|s| s.key == key).cloned() else {
                // A rule for a section this vault does not have has nothing to look at.
                continue;
            };
            self.plugin_batches(&Query::section(&section.key), rule.sees_secrets(), |batch| {
                let asked = rule.reminders(now, utc_offset, &batch)?;
                for r in asked {
                    let Some(given) = batch.iter().find(|b| b.id == r.record_id) else {
                        return Err(fail(format!(
                            "returned a reminder for record {:?}, which it was not given",
                            r.record_id
                        )));
                    };
                    let title = r.title.trim();
                    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
                        return Err(fail(format!(
                            "returned a reminder with an empty or over-long title for record {}",
                            given.id
                        )));
                    }
                    if r.key.len() > 100 || r.key.contains(char::is_control) {
                        return Err(fail(format!("returned an invalid reminder key {:?}", r.key)));
                    }
                    if r.due < now - chrono::Duration::days(30) || r.due > horizon {
                        continue;
                    }
                    let record = RecordId(given.id.parse().map_err(|_| fail("bad record id".into()))?);
                    out.push(Reminder {
                        id: format!("plugin:{}:{}:{}", rule.name(), record.0, r.key),
                        kind: ReminderKind::Plugin,
                        due: r.due,
                        at: r.due,
                        title: title.to_string(),
                        record,
                        section: section.key.clone(),
                        assignee: None,
                    });
                }
                Ok(())
            })?;
        }
        Ok(out)
    }
}
