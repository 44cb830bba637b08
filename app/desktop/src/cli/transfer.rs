//! `cardbase import` and `cardbase export`: files in and out, with a progress bar and a
//! summary that lists every row that did not make it.

use anyhow::{Context, Result, bail};
use cardbase_engine::export::table::ExportSheet;
use cardbase_engine::export::writers::{self, CsvProfile, HtmlLayout};
use cardbase_engine::import::plugin_reader::PluginReader;
use cardbase_engine::import::table::TableReader;
use cardbase_engine::import::{self, DateOrder, Existing, ImportOptions, OpenOptions};
use cardbase_engine::{Error, Query, Vault};
use cardbase_plugin_host::manifest::Kind;
use cardbase_plugin_host::{Plugin, PluginHost};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Files larger than this get an automatic backup of the vault before they are imported.
const BACKUP_ABOVE_BYTES: u64 = 256 * 1024;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A CSV/TSV/TXT file (any encoding Excel writes), an XLSX/XLS/ODS workbook, or JSON lines
    pub file: PathBuf,
    /// The section to import into
    #[arg(long)]
    pub section: String,
    /// The sheet of a workbook [default: the first with data]
    #[arg(long)]
    pub sheet: Option<String>,
    /// A JSON file {"Column header": "field_key", ...} (an empty key ignores the column)
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Map one column: 'Column header=field_key' (repeatable; 'Column=' ignores it)
    #[arg(long = "map", value_name = "COLUMN=KEY")]
    pub map: Vec<String>,
    /// Update records whose value of this unique field matches, instead of adding duplicates
    #[arg(long, value_name = "KEY")]
    pub upsert: Option<String>,
    /// With --upsert: leave matching records as they are
    #[arg(long, requires = "upsert")]
    pub skip_existing: bool,
    /// Import the good rows and list the bad ones (default: a bad row stops the whole import)
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Check the file and show what would happen, without changing the vault
    #[arg(long)]
    pub dry_run: bool,
    /// Force the text encoding of a CSV (e.g. windows-1251, utf-16le) instead of detecting it
    #[arg(long)]
    pub encoding: Option<String>,
    /// Force the CSV delimiter (',', ';', 'tab', '|') instead of sniffing it
    #[arg(long)]
    pub delimiter: Option<String>,
    /// Read dates like 03/04/2024 as day/month (dotted dates are always day first)
    #[arg(long)]
    pub day_first: bool,
    /// Read the file with this importer plugin (e.g. vcard) [default: built-in readers, then
    /// the enabled plugin that claims the file]
    #[arg(long, value_name = "ID")]
    pub plugin: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Xlsx,
    Csv,
    Html,
    Txt,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CsvKind {
    /// UTF-8 with a byte-order mark, commas (opens right in any Excel)
    Utf8,
    /// As Russian Excel saves it: Windows-1251, semicolons, decimal commas
    ExcelRu,
    /// As Western European Excel saves it: Windows-1252, semicolons, decimal commas
    ExcelEu,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The section to export (omit with --all)
    #[arg(required_unless_present = "all")]
    pub section: Option<String>,
    /// Every section, one sheet each, into one XLSX workbook
    #[arg(long, conflicts_with_all = ["section", "search", "filter", "sort", "columns"])]
    pub all: bool,
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// The file to write [the format follows its extension when --format is not given]
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long)]
    pub search: Option<String>,
    #[arg(long, value_name = "EXPR")]
    pub filter: Vec<String>,
    #[arg(long, value_name = "KEY[:desc]")]
    pub sort: Vec<String>,
    /// Only these fields, comma-separated keys
    #[arg(long, value_delimiter = ',')]
    pub columns: Vec<String>,
    #[arg(long, value_enum, default_value = "utf8")]
    pub csv: CsvKind,
    /// Write with this exporter plugin (e.g. vcard, icalendar) [default: by the file's
    /// extension: built-in formats, then the enabled plugin that writes it]
    #[arg(long, value_name = "ID", conflicts_with_all = ["format", "all"])]
    pub plugin: Option<String>,
    /// HTML as a table, or as a page of cards
    #[arg(long)]
    pub cards: bool,
    /// Write secret fields instead of masking them
    #[arg(long)]
    pub show_secrets: bool,
}

/// The importer plugin for a file: the one asked for, or the enabled one that claims a file
/// the built-in readers do not read.
fn import_plugin(args: &ImportArgs) -> Result<Option<Plugin>> {
    let host = super::plugin_host()?;
    match &args.plugin {
        Some(id) => load_as(&host, id, Kind::Importer).map(Some),
        None => Ok(crate::plugins::importer_for(&host, &args.file)),
    }
}

/// The installed, enabled plugin `id`, which must be of `kind`.
fn load_as(host: &PluginHost, id: &str, kind: Kind) -> Result<Plugin> {
    let plugin = host.load(id)?;
    if !plugin.manifest.is(kind) {
        bail!("plugin {id} is not an {kind}");
    }
    Ok(plugin)
}

fn plugin_reader(plugin: &Plugin, path: &Path) -> Result<PluginReader> {
    println!("Reading {} with plugin {}.", path.display(), plugin.manifest.id);
    crate::plugins::plugin_reader(plugin, path)
}

fn reader_for(args: &ImportArgs) -> Result<Box<dyn TableReader>> {
    if let Some(plugin) = import_plugin(args)? {
        return Ok(Box::new(plugin_reader(&plugin, &args.file)?));
    }
    let delimiter = match args.delimiter.as_deref() {
        None => None,
        Some("tab" | "\\t" | "\t") => Some(b'\t'),
        Some(d) if d.len() == 1 => Some(d.as_bytes()[0]),
        Some(d) => bail!("--delimiter {d:?}: give one character, or 'tab'"),
    };
    let options = OpenOptions {
        sheet: args.sheet.clone(),
        encoding: args.encoding.clone(),
        delimiter,
    };
    let reader = import::open(&args.file, &options)?;
    let about = reader.describe();
    if !about.is_empty() {
        println!("Reading {} as {about}.", args.file.display());
    }
    Ok(reader)
}

fn mapping_for(vault: &Vault, args: &ImportArgs, headers: &[String]) -> Result<Vec<Option<String>>> {
    let mut mapping = vault.suggest_mapping(&args.section, headers)?;
    let mut given: HashMap<String, String> = HashMap::new();
    if let Some(file) = &args.mapping {
        let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let map: HashMap<String, String> = serde_json::from_str(&text)
            .with_context(|| format!("{}: expected {{\"Column\": \"field_key\"}}", file.display()))?;
        given.extend(map);
    }
    for m in &args.map {
        let (col, key) = m
            .split_once('=')
            .with_context(|| format!("--map {m:?}: write it as 'Column=field_key'"))?;
        given.insert(col.trim().to_string(), key.trim().to_string());
    }
    for (col, key) in given {
        let i = headers
            .iter()
            .position(|h| h.trim() == col || h.trim().eq_ignore_ascii_case(&col))
            .with_context(|| format!("the file has no column {col:?}; its columns: {}", headers.join(", ")))?;
        mapping[i] = (!key.is_empty()).then_some(key);
    }
    Ok(mapping)
}

pub fn import(vault: &mut Vault, args: ImportArgs) -> Result<()> {
    let mut reader = reader_for(&args)?;
    let headers = reader.headers().to_vec();
    let mut mapping = mapping_for(vault, &args, &headers)?;
    // A plugin's columns are field keys: they go to the section's fields of the same key.
    if let Some(keys) = reader.field_keys()
        && args.mapping.is_none()
        && args.map.is_empty()
        && let Some(section) = vault.schema().section(&args.section)
    {
        for (m, key) in mapping.iter_mut().zip(keys) {
            if section.field(&key).is_some_and(|f| !f.deleted) {
                *m = Some(key);
            }
        }
    }
    for (h, m) in headers.iter().zip(&mapping) {
        match m {
            Some(k) => println!("  {h} → {k}"),
            None => println!("  {h} → (ignored)"),
        }
    }
    let size = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    if !args.dry_run && size > BACKUP_ABOVE_BYTES {
        let backup = vault.auto_backup("import")?;
        println!("Backed up the vault to {} first.", backup.display());
    }
    // "--upsert email" for the "emails" field: the singular is what people type.
    let upsert = args.upsert.as_ref().map(|k| {
        let section = vault.schema().section(&args.section);
        match section {
            Some(s) if s.field(k).is_none() && s.field(&format!("{k}s")).is_some() => format!("{k}s"),
            _ => k.clone(),
        }
    });
    let options = ImportOptions {
        section: args.section.clone(),
        mapping,
        upsert,
        on_existing: if args.skip_existing {
            Existing::Skip
        } else {
            Existing::Update
        },
        skip_bad_rows: args.skip_bad_rows,
        dry_run: args.dry_run,
        date_order: if args.day_first {
            DateOrder::DayFirst
        } else {
            DateOrder::MonthFirst
        },
    };
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:40} {percent:>3}% {elapsed} elapsed, {eta} left")
            .expect("a valid progress template"),
    );
    let file = args.file.display().to_string();
    let result = vault.import(reader.as_mut(), &file, &options, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
        true
    });
    bar.finish_and_clear();
    let report = match result {
        Ok(r) => r,
        Err(Error::ImportFailed(report)) => {
            for b in &report.bad_rows {
                eprintln!("  {b}");
            }
            bail!(Error::ImportFailed(report));
        }
        Err(e) => return Err(e.into()),
    };
    for b in &report.bad_rows {
        eprintln!("  skipped {b}");
    }
    let verb = if report.committed {
        "Imported"
    } else {
        "Dry run: would import"
    };
    println!("{verb} {}.", report.summary());
    Ok(())
}

/// The lower-case extension of the file to write.
fn out_extension(args: &ExportArgs) -> String {
    args.out
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The built-in format that writes files with this extension.
fn builtin_format(ext: &str) -> Option<ExportFormat> {
    Some(match ext {
        "xlsx" => ExportFormat::Xlsx,
        "csv" => ExportFormat::Csv,
        "html" | "htm" => ExportFormat::Html,
        "txt" => ExportFormat::Txt,
        "json" | "jsonl" | "ndjson" => ExportFormat::Json,
        _ => return None,
    })
}

fn format_of(args: &ExportArgs) -> Result<ExportFormat> {
    match args.format.or_else(|| builtin_format(&out_extension(args))) {
        Some(f) => Ok(f),
        None => bail!(
            "give --format (xlsx, csv, html, txt or json) for {}",
            args.out.display()
        ),
    }
}

fn create(path: &Path) -> Result<std::io::BufWriter<std::fs::File>> {
    let f = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    Ok(std::io::BufWriter::new(f))
}

/// The exporter plugin asked for, or the enabled one that writes files with the extension of
/// `--out` when no built-in format does.
fn export_plugin(args: &ExportArgs) -> Result<Option<Plugin>> {
    let ext = out_extension(args);
    if args.plugin.is_none() && (args.format.is_some() || args.all || builtin_format(&ext).is_some()) {
        return Ok(None);
    }
    let host = super::plugin_host()?;
    if let Some(id) = &args.plugin {
        return load_as(&host, id, Kind::Exporter).map(Some);
    }
    let (plugins, _) = host.load_enabled(Kind::Exporter);
    Ok(plugins
        .into_iter()
        .find(|p| p.manifest.extensions.iter().any(|e| e.eq_ignore_ascii_case(&ext))))
}

pub fn export(vault: &Vault, args: ExportArgs) -> Result<()> {
    if let Some(plugin) = export_plugin(&args)? {
        let section = args.section.clone().context("give the section to export")?;
        let q = super::records::view_query(&section, args.search.clone(), &args.filter, &args.sort)?;
        let exporter = plugin.exporter().context("not an exporter")?;
        let stats = crate::plugins::export_to_file(vault, &q, exporter, &args.out, &mut |_, _| true)?;
        println!(
            "Exported {} records to {} with plugin {}.",
            stats.records,
            args.out.display(),
            plugin.manifest.id
        );
        return Ok(());
    }
    let format = format_of(&args)?;
    if args.all {
        if format != ExportFormat::Xlsx {
            bail!("--all writes one workbook with a sheet per section: use an .xlsx file");
        }
        let mut sheets: Vec<ExportSheet<'_>> = Vec::new();
        for s in vault.schema().live_sections() {
            sheets.push(vault.export_sheet(&Query::section(&s.key), &[], args.show_secrets)?.0);
        }
        let stats = writers::write_xlsx(sheets, &args.out)?;
        println!(
            "Exported {} records of every section to {}.",
            stats.rows,
            args.out.display()
        );
        return Ok(());
    }
    let section = args.section.clone().context("give the section to export, or --all")?;
    let q = super::records::view_query(&section, args.search.clone(), &args.filter, &args.sort)?;
    let (sheet, keys) = vault.export_sheet(&q, &args.columns, args.show_secrets)?;
    let stats = match format {
        ExportFormat::Xlsx => writers::write_xlsx(vec![sheet], &args.out)?,
        ExportFormat::Csv => {
            let profile = match args.csv {
                CsvKind::Utf8 => CsvProfile::Utf8Bom,
                CsvKind::ExcelRu => CsvProfile::excel_cyrillic(),
                CsvKind::ExcelEu => CsvProfile::excel_western(),
            };
            writers::write_csv(sheet, &profile, &mut create(&args.out)?)?
        }
        ExportFormat::Html => {
            let layout = if args.cards {
                HtmlLayout::Cards
            } else {
                HtmlLayout::Table
            };
            writers::write_html(sheet, layout, &mut create(&args.out)?)?
        }
        ExportFormat::Txt => writers::write_text(sheet, &mut create(&args.out)?)?,
        ExportFormat::Json => writers::write_json_lines(sheet, &keys, &mut create(&args.out)?)?,
    };
    println!("Exported {} records to {}.", stats.rows, args.out.display());
    Ok(())
}
