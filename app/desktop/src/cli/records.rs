//! Record commands: add, get, edit, delete, restore, history, list, search, stats.

use super::Format;
use super::output::{self, Columns};
use super::terminal::say;
use anyhow::{Context, Result, bail};
use cardbase_engine::query::{Aggregate, StatsQuery, parse_filter};
use cardbase_engine::{Query, RecordId, SortKey, Vault, agenda};
use clap::Args;

#[derive(Debug, Args)]
pub struct ListArgs {
    pub section: String,
    /// Quick search: every word as a prefix, any script, phone fragments too
    #[arg(long)]
    pub search: Option<String>,
    /// A condition such as "city = Berlin AND debt > 100" (repeatable; all must hold).
    /// Operators: = != < <= > >= contains starts-with in (a, b) empty not-empty
    #[arg(long, value_name = "EXPR")]
    pub filter: Vec<String>,
    /// Sort by a field, KEY or KEY:desc (repeatable; the first is the main key)
    #[arg(long, value_name = "KEY[:desc]")]
    pub sort: Vec<String>,
    /// Only records dated today, overdue (past and not done) or this week: events by their
    /// planned time, tasks by their due time
    #[arg(long, value_name = "today|overdue|this-week")]
    pub due: Option<String>,
    /// At most this many records
    #[arg(long)]
    pub limit: Option<usize>,
    /// Skip this many records first (paging)
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Only these fields, comma-separated keys (table and csv)
    #[arg(long, value_delimiter = ',')]
    pub columns: Vec<String>,
    /// List the records in the bin instead
    #[arg(long)]
    pub deleted: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Show secret fields instead of masking them
    #[arg(long)]
    pub show_secrets: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    pub section: String,
    /// Group by this field (a tags field groups by each tag)
    #[arg(long, value_name = "KEY")]
    pub group_by: Option<String>,
    /// FUNC:KEY with FUNC one of count, sum, avg, min, max, product, stdev, variance (repeatable)
    #[arg(long = "agg", value_name = "FUNC:KEY")]
    pub aggregates: Vec<String>,
    #[arg(long)]
    pub search: Option<String>,
    #[arg(long, value_name = "EXPR")]
    pub filter: Vec<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

fn parse_sets(set: &[String]) -> Result<Vec<(&str, &str)>> {
    set.iter()
        .map(|s| {
            s.split_once('=')
                .map(|(k, v)| (k.trim(), v))
                .with_context(|| format!("--set {s:?}: write it as KEY=VALUE"))
        })
        .collect()
}

pub fn parse_id(id: &str) -> Result<RecordId> {
    id.trim_start_matches('#')
        .parse::<i64>()
        .map(RecordId)
        .with_context(|| format!("{id:?} is not a record id"))
}

pub fn add(vault: &mut Vault, section: &str, set: &[String]) -> Result<()> {
    let pairs = parse_sets(set)?;
    let id = vault.create_record_from_text(section, &pairs)?;
    say!("{id}")?;
    Ok(())
}

pub fn edit(vault: &mut Vault, id: &str, set: &[String]) -> Result<()> {
    let id = parse_id(id)?;
    vault.update_record_from_text(id, &parse_sets(set)?)?;
    say!("Saved record {id}.")?;
    Ok(())
}

pub fn delete(vault: &mut Vault, id: &str, delete: bool) -> Result<()> {
    let id = parse_id(id)?;
    if delete {
        vault.delete_record(id)?;
        say!("Record {id} moved to the bin; `cardbase restore {id}` brings it back.")?;
    } else {
        vault.restore_record(id)?;
        say!("Record {id} restored.")?;
    }
    Ok(())
}

pub fn get(vault: &Vault, id: &str, format: Format, show_secrets: bool) -> Result<()> {
    let record = vault.record(parse_id(id)?)?;
    let (incoming, _) = vault.related(record.id)?;
    let section = vault.section_of(record.id)?;
    let kept = vault.kept_as_typed(record.id)?;
    match format {
        Format::Json => {
            let mut json = output::record_json(section, &record, show_secrets);
            json["related"] = serde_json::to_value(&incoming)?;
            output::add_kept_as_typed(vault, &record, &mut json)?;
            say!("{json}")?;
        }
        Format::Table | Format::Csv => {
            say!(
                "{} — {} #{}{}",
                vault.title(&record),
                section.label,
                record.id,
                if record.deleted { " (in the bin)" } else { "" }
            )?;
            for f in section.visible_fields() {
                if let Some(v) = record.get(&f.key) {
                    let text = output::cell(vault, f, v, show_secrets);
                    say!("  {}: {}", f.label, text.replace('\n', "\n    "))?;
                }
            }
            for k in &kept {
                say!("  {} (kept as typed): {}", k.label, k.text.replace('\n', "\n    "))?;
            }
            if !incoming.is_empty() {
                say!("  Related:")?;
                for r in &incoming {
                    let label = vault
                        .schema()
                        .section(&r.section)
                        .map(|s| s.label.as_str())
                        .unwrap_or(&r.section);
                    say!("    {label}: {} (#{})", r.title, r.id)?;
                }
            }
        }
    }
    Ok(())
}

pub fn history(vault: &Vault, id: &str) -> Result<()> {
    let id = parse_id(id)?;
    let section = vault.section_of(id)?;
    for c in vault.history(id)? {
        let at = c.at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S");
        let show = |v: &Option<serde_json::Value>| match v {
            None => "(empty)".to_string(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
        };
        match (&c.action[..], &c.field) {
            (_, Some(key)) => {
                let label = section
                    .fields
                    .iter()
                    .find(|f| &f.key == key)
                    .map(|f| f.label.as_str())
                    .unwrap_or(key);
                let secret = section
                    .fields
                    .iter()
                    .any(|f| &f.key == key && f.kind == cardbase_engine::FieldType::Secret);
                let (old, new) = if secret {
                    ("••••".into(), "••••".into())
                } else {
                    (show(&c.old), show(&c.new))
                };
                say!("{at}  {}  {label}: {old} → {new}", c.action)?;
            }
            ("create", None) => say!("{at}  created")?,
            (action, None) => say!("{at}  {action}")?,
        }
    }
    Ok(())
}

/// The query of `--search`, `--filter` and `--sort` flags (list, stats, export).
pub fn view_query(section: &str, search: Option<String>, filters: &[String], sorts: &[String]) -> Result<Query> {
    let mut q = Query::section(section);
    q.search = search;
    for f in filters {
        q.filters.push(parse_filter(f)?);
    }
    for s in sorts {
        q.sort.push(s.parse::<SortKey>()?);
    }
    Ok(q)
}

pub fn list(vault: &Vault, args: ListArgs) -> Result<()> {
    let mut q = view_query(&args.section, args.search, &args.filter, &args.sort)?;
    if let Some(name) = &args.due {
        let period =
            agenda::Period::parse(name).with_context(|| format!("--due {name:?}: give today, overdue or this-week"))?;
        let section = vault.schema().require_section(&args.section)?;
        let filter = agenda::period_filter(section, period, chrono::Utc::now(), &chrono::Local)
            .with_context(|| format!("--due: section {:?} has no date and time field", args.section))?;
        q.filters.push(filter);
    }
    q.limit = args.limit;
    q.offset = args.offset;
    q.deleted = args.deleted;
    let result = vault.list(&q)?;
    let section = vault.schema().require_section(&args.section)?;
    let columns = Columns::choose(section, &result.records, &args.columns)?;
    output::records(
        vault,
        section,
        &result.records,
        &columns,
        args.format,
        args.show_secrets,
    )?;
    if args.format == Format::Table {
        let shown = result.records.len();
        if shown < result.total {
            say!("{shown} of {} records", result.total)?;
        } else {
            say!("{} records", result.total)?;
        }
    }
    Ok(())
}

pub fn search(vault: &Vault, query: &str, limit: usize, format: Format) -> Result<()> {
    let found = vault.search_all(query, limit)?;
    if found.is_empty() && format == Format::Table {
        say!("Nothing found for {query:?}.")?;
    }
    for (key, result) in found {
        let section = vault.schema().require_section(&key)?;
        match format {
            Format::Table => {
                say!("{} ({}):", section.label, result.total)?;
                for r in &result.records {
                    say!("  #{}  {}", r.id, vault.title(r))?;
                }
            }
            _ => {
                let columns = Columns::choose(section, &result.records, &[])?;
                output::records(vault, section, &result.records, &columns, format, false)?;
            }
        }
    }
    Ok(())
}

pub fn stats(vault: &Vault, args: StatsArgs) -> Result<()> {
    let q = view_query(&args.section, args.search, &args.filter, &[])?;
    let aggregates = args
        .aggregates
        .iter()
        .map(|a| a.parse::<Aggregate>())
        .collect::<Result<Vec<_>, _>>()?;
    if aggregates.is_empty() && args.group_by.is_none() {
        bail!("give --agg FUNC:KEY and/or --group-by KEY");
    }
    let sq = StatsQuery {
        section: q.section,
        search: q.search,
        filters: q.filters,
        group_by: args.group_by,
        aggregates,
    };
    let rows = vault.stats(&sq)?;
    output::stats(vault.schema().require_section(&sq.section)?, &sq, &rows, args.format)
}
