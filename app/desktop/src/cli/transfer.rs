//! `cardbase import` and `cardbase export`: files in and out, with a progress bar and a
//! summary that lists every row that did not make it.

use super::terminal::{say, say_err};
use anyhow::{Context, Result, bail};
use cardbase_engine::export::formulas::Formulas;
use cardbase_engine::export::writers::{ExportError, HtmlLayout, Unrepresentable};
use cardbase_engine::import::{DateOrder, Existing, ImportOptions};
use cardbase_engine::{Error, Vault};
use cardbase_workflows::Progress;
use cardbase_workflows::export::{self, CsvKind as Csv, ExportRequest, Format};
use cardbase_workflows::import::{self, ReadOptions};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashMap;
use std::path::PathBuf;

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
    /// Leave out a column that no field takes, instead of adding a field for it (repeatable)
    #[arg(long = "drop", value_name = "COLUMN")]
    pub drop: Vec<String>,
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
    /// CSV: write text starting with = + - @ as it is, instead of marking it with a ' so a
    /// spreadsheet does not run it as a formula
    #[arg(long)]
    pub raw_formulas: bool,
    /// CSV in a legacy encoding (excel-ru, excel-eu): write `?` for text the encoding cannot
    /// hold, instead of stopping at the first such value
    #[arg(long)]
    pub replace_unrepresentable: bool,
}

fn read_options(args: &ImportArgs) -> Result<ReadOptions> {
    let delimiter = match args.delimiter.as_deref() {
        None => None,
        Some("tab" | "\\t" | "\t") => Some(b'\t'),
        Some(d) if d.len() == 1 => Some(d.as_bytes()[0]),
        Some(d) => bail!("--delimiter {d:?}: give one character, or 'tab'"),
    };
    Ok(ReadOptions {
        plugin: args.plugin.clone(),
        sheet: args.sheet.clone(),
        encoding: args.encoding.clone(),
        delimiter,
    })
}

/// The columns given with --mapping and --map, over the suggested mapping.
fn apply_given(args: &ImportArgs, headers: &[String], mapping: &mut [Option<String>]) -> Result<()> {
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
        mapping[column_index(headers, &col)?] = (!key.is_empty()).then_some(key);
    }
    Ok(())
}

/// The column a user named on the command line (its header, any case).
fn column_index(headers: &[String], name: &str) -> Result<usize> {
    let name = name.trim();
    headers
        .iter()
        .position(|h| h.trim() == name || h.trim().eq_ignore_ascii_case(name))
        .with_context(|| format!("the file has no column {name:?}; its columns: {}", headers.join(", ")))
}

/// How many rows are looked at to type the fields made for columns no field takes.
const NEW_FIELD_SAMPLE_ROWS: usize = 1000;

pub fn import(vault: &mut Vault, args: ImportArgs) -> Result<()> {
    let mut plugins = super::plugin_host()?;
    let mut source = import::open(&args.file, &read_options(&args)?, &mut plugins)?;
    super::warn_plugin_problems(&mut plugins);
    match &source.plugin {
        Some(p) => say!("Reading {} with plugin {}.", args.file.display(), p.id)?,
        None => {
            let about = source.about();
            if !about.is_empty() {
                say!("Reading {} as {about}.", args.file.display())?;
            }
        }
    }
    // The first rows show what the columns no field takes hold; the import reads the file
    // again from its start.
    let mut preview = import::preview(vault, &mut source, &args.section, NEW_FIELD_SAMPLE_ROWS)?;
    source = import::open(&args.file, &read_options(&args)?, &mut plugins)?;
    // Columns given by hand replace the suggestion (a plugin's own keys included).
    if args.mapping.is_some() || !args.map.is_empty() {
        let mut mapping = vault.suggest_mapping(&args.section, &preview.headers)?;
        apply_given(&args, &preview.headers, &mut mapping)?;
        preview.mapping = mapping;
    }
    let mut new_fields = import::new_fields::unmatched_columns(vault, &args.section, &preview)?;
    for d in &args.drop {
        let i = column_index(&preview.headers, d).with_context(|| format!("--drop {d:?}"))?;
        new_fields.retain(|f| f.column != i);
    }
    for (i, (h, m)) in preview.headers.iter().zip(&preview.mapping).enumerate() {
        match (m, new_fields.iter().find(|f| f.column == i)) {
            (Some(k), _) => say!("  {h} → {k}")?,
            (None, Some(f)) => say!("  {h} → new field {} ({})", f.spec.key, f.spec.kind.name())?,
            (None, None) => say!("  {h} → (ignored)")?,
        }
    }
    let mapping = preview.mapping;
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
    let result = import::run_adding_fields(
        vault,
        &mut source,
        &options,
        &new_fields,
        &mut Progress::new(Default::default(), |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        }),
    );
    bar.finish_and_clear();
    let imported = match result {
        Ok(r) => r,
        Err(cardbase_workflows::Error::Engine(Error::ImportFailed(report))) => {
            for w in &report.warnings {
                say_err!("warning: {w}");
            }
            for b in &report.bad_rows {
                say_err!("  {b}");
            }
            bail!(Error::ImportFailed(report));
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(backup) = &imported.backup {
        say!("Backed up the vault to {} first.", backup.display())?;
    }
    let report = imported.report;
    for w in &report.warnings {
        say_err!("warning: {w}");
    }
    for b in &report.bad_rows {
        say_err!("  skipped {b}");
    }
    for k in &report.kept {
        say_err!("  {k}");
    }
    let verb = if report.committed {
        "Imported"
    } else {
        "Dry run: would import"
    };
    say!("{verb} {}.", report.summary())?;
    Ok(())
}

impl From<CsvKind> for Csv {
    fn from(k: CsvKind) -> Csv {
        match k {
            CsvKind::Utf8 => Csv::Utf8,
            CsvKind::ExcelRu => Csv::ExcelCyrillic,
            CsvKind::ExcelEu => Csv::ExcelWestern,
        }
    }
}

/// The format asked for with --format (and its options), or none.
fn given_format(args: &ExportArgs) -> Option<Format> {
    Some(match args.format? {
        ExportFormat::Xlsx => Format::Xlsx,
        ExportFormat::Csv => Format::Csv(Csv::Utf8),
        ExportFormat::Html => Format::Html(HtmlLayout::Table),
        ExportFormat::Txt => Format::Text,
        ExportFormat::Json => Format::JsonLines,
    })
}

/// Options of the built-in formats: the CSV's encoding, HTML as cards.
fn with_options(format: Format, args: &ExportArgs) -> Format {
    match format {
        Format::Csv(_) => Format::Csv(args.csv.into()),
        Format::Html(_) if args.cards => Format::Html(HtmlLayout::Cards),
        f => f,
    }
}

pub fn export(vault: &Vault, args: ExportArgs) -> Result<()> {
    let mut plugins = super::plugin_host()?;
    let format = match (given_format(&args), args.plugin.as_deref()) {
        (Some(f), _) => f,
        (None, plugin) => match export::format_for(&args.out, plugin, &mut plugins) {
            Ok(f) => f,
            Err(cardbase_workflows::Error::UnknownFormat { .. }) => bail!(
                "give --format (xlsx, csv, html, txt or json) for {}",
                args.out.display()
            ),
            Err(e) => return Err(e.into()),
        },
    };
    super::warn_plugin_problems(&mut plugins);
    let format = with_options(format, &args);
    let mut request = if args.all {
        if format != Format::Xlsx {
            bail!("--all writes one workbook with a sheet per section: use an .xlsx file");
        }
        ExportRequest::every_section(&args.out)
    } else {
        let section = args.section.clone().context("give the section to export, or --all")?;
        let q = super::records::view_query(&section, args.search.clone(), &args.filter, &args.sort)?;
        let columns = if matches!(format, Format::Plugin(_)) {
            Vec::new()
        } else {
            args.columns.clone()
        };
        ExportRequest::records(q, columns, format, &args.out)
    };
    request.show_secrets = args.show_secrets;
    request.formulas = if args.raw_formulas {
        Formulas::Raw
    } else {
        Formulas::Defuse
    };
    if args.replace_unrepresentable {
        request.unrepresentable = Unrepresentable::Replace;
    }
    let done = match export::run(vault, &mut plugins, &request, &mut Progress::none()) {
        Ok(done) => done,
        Err(cardbase_workflows::Error::Export(e @ ExportError::Unrepresentable { .. })) => {
            bail!(
                "{e}. Export with --csv utf8 to keep every character, or add --replace-unrepresentable to write ? for what it cannot hold"
            )
        }
        Err(e) => return Err(e.into()),
    };
    match (&done.plugin, args.all) {
        (Some(id), _) => say!("Exported {} to {} with plugin {id}.", done.count(), args.out.display())?,
        (None, true) => say!("Exported {} of every section to {}.", done.count(), args.out.display())?,
        (None, false) => say!("Exported {} to {}.", done.count(), args.out.display())?,
    }
    if done.stats.unmappable > 0 {
        say_err!(
            "warning: {} characters the file's encoding cannot hold were written as ?",
            done.stats.unmappable
        );
    }
    Ok(())
}
