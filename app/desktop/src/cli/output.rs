//! Printing records, schemas and aggregates as tables, JSON lines or CSV.

use super::Format;
use super::terminal::{self, DataOut, say};
use anyhow::Result;
use cardbase_engine::query::{StatsQuery, StatsRow};
use cardbase_engine::records::Record;
use cardbase_engine::schema::{Field, Section};
use cardbase_engine::{FieldType, Value, Vault};
use comfy_table::{Cell, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

const MASK: &str = "••••••";
const MAX_CELL: usize = 40;

/// The text of a value in a table cell or card line: secrets masked unless asked, relations
/// by the title of the record they point to.
pub fn cell(vault: &Vault, field: &Field, value: &Value, show_secrets: bool) -> String {
    match value {
        _ if field.kind == FieldType::Secret && !show_secrets => MASK.to_string(),
        Value::Relation(id) => format!("{} (#{id})", vault.record_title(*id)),
        _ => value.display(),
    }
}

/// A table cell's text: one line, escaped before the table measures it (see
/// [`terminal::escape`]), cut to [`MAX_CELL`] characters.
fn short(text: &str) -> String {
    let one_line = text.replace(['\n', '\r'], " ");
    let one_line = terminal::escape(&one_line);
    if one_line.chars().count() > MAX_CELL {
        one_line.chars().take(MAX_CELL - 1).collect::<String>() + "…"
    } else {
        one_line.into_owned()
    }
}

fn table() -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    t
}

/// `{"id": .., "section": KEY, "fields": {KEY: value}}`.
pub fn record_json(section: &Section, r: &Record, show_secrets: bool) -> serde_json::Value {
    let fields: serde_json::Map<String, serde_json::Value> = r
        .values
        .iter()
        .filter_map(|(k, v)| {
            let f = section.field(k)?;
            let json = if f.kind == FieldType::Secret && !show_secrets {
                serde_json::json!(MASK)
            } else {
                v.to_json()
            };
            Some((k.clone(), json))
        })
        .collect();
    serde_json::json!({ "id": r.id, "section": section.key, "fields": fields })
}

/// Adds what an import kept as typed on the record (`"kept_as_typed": {"field": "text"}`),
/// when it kept anything.
pub fn add_kept_as_typed(vault: &Vault, r: &Record, json: &mut serde_json::Value) -> Result<()> {
    let kept = vault.kept_as_typed(r.id)?;
    if !kept.is_empty() {
        json["kept_as_typed"] = serde_json::Value::Object(
            kept.into_iter()
                .map(|k| (k.field, serde_json::Value::from(k.text)))
                .collect(),
        );
    }
    Ok(())
}

/// Which fields a listing shows.
pub struct Columns<'a>(Vec<&'a Field>);

impl<'a> Columns<'a> {
    /// The fields asked for, or the visible fields that have a value on this page (up to 8).
    pub fn choose(section: &'a Section, records: &[Record], asked: &[String]) -> Result<Columns<'a>> {
        if !asked.is_empty() {
            return Ok(Columns(
                asked
                    .iter()
                    .map(|k| section.require_field(k))
                    .collect::<Result<_, _>>()?,
            ));
        }
        let used: Vec<&Field> = section
            .visible_fields()
            .filter(|f| f.kind != FieldType::Photo && records.iter().any(|r| r.get(&f.key).is_some()))
            .take(8)
            .collect();
        Ok(Columns(if used.is_empty() {
            section.visible_fields().take(6).collect()
        } else {
            used
        }))
    }
}

pub fn records(
    vault: &Vault,
    section: &Section,
    records: &[Record],
    columns: &Columns,
    format: Format,
    show_secrets: bool,
) -> Result<()> {
    match format {
        Format::Json => {
            for r in records {
                let mut json = record_json(section, r, show_secrets);
                add_kept_as_typed(vault, r, &mut json)?;
                say!("{json}")?;
            }
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(DataOut::stdout());
            let mut header = vec!["id".to_string()];
            header.extend(columns.0.iter().map(|f| f.key.clone()));
            w.write_record(&header)?;
            for r in records {
                let mut row = vec![r.id.to_string()];
                row.extend(columns.0.iter().map(|f| {
                    r.get(&f.key)
                        .map(|v| cell(vault, f, v, show_secrets))
                        .unwrap_or_default()
                }));
                w.write_record(&row)?;
            }
            w.flush()?;
        }
        Format::Table => {
            let mut t = table();
            let mut header = vec![Cell::new("#")];
            header.extend(columns.0.iter().map(|f| Cell::new(terminal::escape(&f.label))));
            t.set_header(header);
            for r in records {
                let mut row = vec![Cell::new(r.id)];
                row.extend(columns.0.iter().map(|f| {
                    Cell::new(
                        r.get(&f.key)
                            .map(|v| short(&cell(vault, f, v, show_secrets)))
                            .unwrap_or_default(),
                    )
                }));
                t.add_row(row);
            }
            if !records.is_empty() {
                say!("{t}")?;
            }
        }
    }
    Ok(())
}

pub fn sections(vault: &Vault) -> Result<()> {
    let mut t = table();
    t.set_header(["Key", "Label", "Records", "Fields", ""]);
    for s in vault.schema().live_sections() {
        let n = vault.count(&s.key)?;
        t.add_row(vec![
            s.key.clone(),
            s.label.clone(),
            n.to_string(),
            s.visible_fields().count().to_string(),
            if s.hidden { "hidden".into() } else { String::new() },
        ]);
    }
    say!("{t}")?;
    Ok(())
}

pub fn fields(vault: &Vault, section: &str, all: bool) -> Result<()> {
    let s = vault.schema().require_section(section)?;
    let mut t = table();
    t.set_header(["Key", "Label", "Type", "Options"]);
    for f in s.live_fields().filter(|f| all || !f.hidden) {
        let mut opts = Vec::new();
        for (on, name) in [
            (f.hidden, "hidden"),
            (f.required, "required"),
            (f.unique, "unique"),
            (f.indexed, "indexed"),
        ] {
            if on {
                opts.push(name.to_string());
            }
        }
        if !f.options.choices.is_empty() {
            opts.push(format!("choices: {}", f.options.choices.join(", ")));
        }
        if let Some(t) = &f.options.target {
            opts.push(format!("→ {t}"));
        }
        if let Some(c) = &f.options.currency {
            opts.push(c.clone());
        }
        if let Some(d) = &f.default {
            opts.push(format!("default: {d}"));
        }
        t.add_row(vec![
            f.key.clone(),
            f.label.clone(),
            f.kind.to_string(),
            opts.join("; "),
        ]);
    }
    say!("{t}")?;
    Ok(())
}

pub fn stats(section: &Section, q: &StatsQuery, rows: &[StatsRow], format: Format) -> Result<()> {
    let group_field = q.group_by.as_deref().and_then(|k| section.field(k));
    let label = |key: &str| {
        section
            .field(key)
            .map(|f| f.label.clone())
            .unwrap_or_else(|| key.to_string())
    };
    let headers: Vec<String> = q
        .aggregates
        .iter()
        .map(|a| format!("{}({})", a.func.name(), label(&a.field)))
        .collect();
    let group_name = group_field.map(|f| f.label.clone()).unwrap_or_default();
    match format {
        Format::Json => {
            for r in rows {
                let values: serde_json::Map<String, serde_json::Value> = q
                    .aggregates
                    .iter()
                    .zip(&r.values)
                    .map(|(a, v)| {
                        (
                            format!("{}:{}", a.func.name(), a.field),
                            v.as_ref().map(Value::to_json).unwrap_or_default(),
                        )
                    })
                    .collect();
                say!(
                    "{}",
                    serde_json::json!({ "group": r.group, "count": r.count, "values": values })
                )?;
            }
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(DataOut::stdout());
            let mut h = vec![q.group_by.clone().unwrap_or_else(|| "group".into()), "count".into()];
            h.extend(q.aggregates.iter().map(|a| format!("{}:{}", a.func.name(), a.field)));
            w.write_record(&h)?;
            for r in rows {
                let mut row = vec![r.group.clone().unwrap_or_default(), r.count.to_string()];
                row.extend(
                    r.values
                        .iter()
                        .map(|v| v.as_ref().map(Value::display).unwrap_or_default()),
                );
                w.write_record(&row)?;
            }
            w.flush()?;
        }
        Format::Table => {
            let mut t = table();
            let mut h = Vec::new();
            if group_field.is_some() {
                h.push(group_name);
            }
            h.push("Count".into());
            h.extend(headers);
            t.set_header(h);
            for r in rows {
                let mut row = Vec::new();
                if group_field.is_some() {
                    row.push(r.group.clone().unwrap_or_else(|| "(empty)".into()));
                }
                row.push(r.count.to_string());
                row.extend(
                    r.values
                        .iter()
                        .map(|v| v.as_ref().map(Value::display).unwrap_or_else(|| "—".into())),
                );
                t.add_row(row);
            }
            say!("{t}")?;
        }
    }
    Ok(())
}
