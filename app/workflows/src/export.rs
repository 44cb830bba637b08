//! Exporting records: one table of formats (the built-in ones, then the enabled exporter
//! plugins), and one way of writing them, through [`crate::atomic`], so that an export cut
//! short never leaves half a file where the user's old one was.

use crate::{Error, Plugins, Progress, Result, atomic};
use cardbase_engine::export::formulas::Formulas;
use cardbase_engine::export::writers::{self, CsvProfile, ExportStats, HtmlLayout, Unrepresentable};
use cardbase_engine::{Query, Vault};
use cardbase_plugin_host::manifest::Kind;
use std::path::{Path, PathBuf};

/// How a CSV is encoded and separated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CsvKind {
    /// UTF-8 with a byte-order mark, commas: opens right in any Excel.
    #[default]
    Utf8,
    /// As Russian Excel saves it: Windows-1251, semicolons, decimal commas.
    ExcelCyrillic,
    /// As Western European Excel saves it: Windows-1252, semicolons, decimal commas.
    ExcelWestern,
}

impl CsvKind {
    /// Every kind, in the order the export dialog lists them.
    pub const ALL: [CsvKind; 3] = [CsvKind::Utf8, CsvKind::ExcelCyrillic, CsvKind::ExcelWestern];

    /// What people choose it by.
    pub fn label(self) -> &'static str {
        match self {
            CsvKind::Utf8 => "UTF-8 (any Excel)",
            CsvKind::ExcelCyrillic => "Excel, Cyrillic (Windows-1251, ;)",
            CsvKind::ExcelWestern => "Excel, Western (Windows-1252, ;)",
        }
    }

    fn profile(self) -> CsvProfile {
        match self {
            CsvKind::Utf8 => CsvProfile::Utf8Bom,
            CsvKind::ExcelCyrillic => CsvProfile::excel_cyrillic(),
            CsvKind::ExcelWestern => CsvProfile::excel_western(),
        }
    }
}

/// An exporter plugin offered as a format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginFormat {
    /// The plugin's id.
    pub id: String,
    /// Its name, for people.
    pub name: String,
    /// The extension of the files it writes (its first), lower case.
    pub extension: String,
}

/// What an export writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// An Excel workbook: typed cells, a bold frozen header, an autofilter.
    Xlsx,
    /// Comma- or semicolon-separated values.
    Csv(CsvKind),
    /// A web page: a table, or a card per record.
    Html(HtmlLayout),
    /// Aligned plain text.
    Text,
    /// One JSON object per line, keyed by field key.
    JsonLines,
    /// Through an exporter plugin (vCard, iCalendar...).
    Plugin(PluginFormat),
}

/// The built-in formats: what they are called, and the extensions that choose them (the first
/// is the one written).
pub const BUILT_IN: &[(&str, &[&str])] = &[
    ("Excel (XLSX)", &["xlsx"]),
    ("CSV", &["csv"]),
    ("HTML", &["html", "htm"]),
    ("Text", &["txt"]),
    ("JSON lines", &["jsonl", "json", "ndjson"]),
];

impl Format {
    /// The built-in formats in the order of [`BUILT_IN`], each with its default options.
    pub fn built_in() -> [Format; 5] {
        [
            Format::Xlsx,
            Format::Csv(CsvKind::Utf8),
            Format::Html(HtmlLayout::Table),
            Format::Text,
            Format::JsonLines,
        ]
    }

    fn built_in_index(&self) -> Option<usize> {
        Some(match self {
            Format::Xlsx => 0,
            Format::Csv(_) => 1,
            Format::Html(_) => 2,
            Format::Text => 3,
            Format::JsonLines => 4,
            Format::Plugin(_) => return None,
        })
    }

    /// The built-in format that writes files with the extension of `path`.
    pub fn for_path(path: &Path) -> Option<Format> {
        let ext = extension(path);
        let i = BUILT_IN.iter().position(|(_, exts)| exts.contains(&ext.as_str()))?;
        Some(Format::built_in()[i].clone())
    }

    /// The extension files of this format get.
    pub fn extension(&self) -> &str {
        match self {
            Format::Plugin(p) => &p.extension,
            f => BUILT_IN[f.built_in_index().expect("a built-in format")].1[0],
        }
    }

    /// What people choose it by: "CSV", "vCard (.vcf) — plugin".
    pub fn label(&self) -> String {
        match self {
            Format::Plugin(p) => format!("{} (.{}) — plugin", p.name, p.extension),
            f => BUILT_IN[f.built_in_index().expect("a built-in format")].0.to_string(),
        }
    }

    /// Whether it can hold every section at once (one sheet each).
    pub fn holds_every_section(&self) -> bool {
        *self == Format::Xlsx
    }
}

/// The lower-case extension of a path ("" without one).
pub fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Every format an export can use: the built-in ones, then the enabled exporter plugins.
pub fn choices(plugins: &mut Plugins) -> Vec<Format> {
    let mut list = Format::built_in().to_vec();
    list.extend(plugins.enabled(Kind::Exporter).into_iter().filter_map(|i| {
        Some(Format::Plugin(PluginFormat {
            extension: i.manifest.extensions.first()?.to_ascii_lowercase(),
            id: i.manifest.id,
            name: i.manifest.name,
        }))
    }));
    list
}

/// The format for a file to write: the plugin asked for by id, else the built-in format of
/// its extension, else the enabled exporter plugin that writes that extension.
pub fn format_for(path: &Path, plugin: Option<&str>, plugins: &mut Plugins) -> Result<Format> {
    if let Some(id) = plugin {
        let p = plugins.load_as(id, Kind::Exporter)?;
        let extension = p
            .manifest
            .extensions
            .first()
            .map(|e| e.to_ascii_lowercase())
            .unwrap_or_else(|| extension(path));
        return Ok(Format::Plugin(PluginFormat {
            id: p.manifest.id.clone(),
            name: p.manifest.name.clone(),
            extension,
        }));
    }
    if let Some(f) = Format::for_path(path) {
        return Ok(f);
    }
    let ext = extension(path);
    choices(plugins)
        .into_iter()
        .find(|f| matches!(f, Format::Plugin(p) if p.extension == ext))
        .ok_or(Error::UnknownFormat { extension: ext })
}

/// Which records an export writes.
#[derive(Debug, Clone)]
pub enum Scope {
    /// What a query finds (a section, or the current view with its search, filters and
    /// sort), with these columns (field keys; empty: every visible field).
    Records {
        /// The records.
        query: Query,
        /// The columns.
        columns: Vec<String>,
    },
    /// Every section, one sheet each (XLSX only).
    EverySection,
}

/// An export to run.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    /// Which records.
    pub scope: Scope,
    /// In what format.
    pub format: Format,
    /// Into which file (replaced only once the export is complete).
    pub path: PathBuf,
    /// Write secret fields instead of masking them.
    pub show_secrets: bool,
    /// CSV: mark text a spreadsheet would run as a formula (the default), or write it raw.
    pub formulas: Formulas,
    /// CSV in a legacy encoding: stop at text it cannot hold (the default), or write `?`.
    pub unrepresentable: Unrepresentable,
}

impl ExportRequest {
    /// A whole section, every visible field.
    pub fn section(section: &str, format: Format, path: &Path) -> ExportRequest {
        ExportRequest::records(Query::section(section), Vec::new(), format, path)
    }

    /// The records of a query with these columns.
    pub fn records(query: Query, columns: Vec<String>, format: Format, path: &Path) -> ExportRequest {
        ExportRequest {
            scope: Scope::Records { query, columns },
            format,
            path: path.to_path_buf(),
            show_secrets: false,
            formulas: Formulas::Defuse,
            unrepresentable: Unrepresentable::Refuse,
        }
    }

    /// Every section into one workbook.
    pub fn every_section(path: &Path) -> ExportRequest {
        ExportRequest {
            scope: Scope::EverySection,
            format: Format::Xlsx,
            path: path.to_path_buf(),
            show_secrets: false,
            formulas: Formulas::Defuse,
            unrepresentable: Unrepresentable::Refuse,
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exported {
    /// Records written.
    pub records: u64,
    /// The plugin that wrote them, if one did.
    pub plugin: Option<String>,
    /// What the writer had to change: characters a legacy encoding cannot hold, cells cut
    /// to Excel's size.
    pub stats: ExportStats,
}

impl Exported {
    /// "1 record", "2 records": how both front ends say what was written.
    ///
    /// ```
    /// let one = cardbase_workflows::export::Exported { records: 1, ..Default::default() };
    /// assert_eq!(one.count(), "1 record");
    /// ```
    pub fn count(&self) -> String {
        match self.records {
            1 => "1 record".to_string(),
            n => format!("{n} records"),
        }
    }
}

/// Runs an export. The file appears under its name only when it is complete.
pub fn run(
    vault: &Vault,
    plugins: &mut Plugins,
    request: &ExportRequest,
    progress: &mut Progress<'_>,
) -> Result<Exported> {
    let path = &request.path;
    match (&request.scope, &request.format) {
        (Scope::EverySection, Format::Xlsx) => {
            let stats = atomic::write_path(path, |partial| {
                let mut sheets = Vec::new();
                for s in vault.schema().live_sections() {
                    sheets.push(
                        vault
                            .export_sheet(&Query::section(&s.key), &[], request.show_secrets)?
                            .0,
                    );
                }
                Ok(writers::write_xlsx(sheets, partial)?)
            })?;
            Ok(built_in(stats))
        }
        (Scope::EverySection, _) => Err(Error::Invalid(
            "every section goes into one workbook with a sheet each: choose XLSX".into(),
        )),
        (Scope::Records { query, .. }, Format::Plugin(p)) => {
            let plugin = plugins.load_as(&p.id, Kind::Exporter)?;
            let exporter = plugin.exporter().ok_or_else(|| Error::WrongKind {
                id: p.id.clone(),
                kind: Kind::Exporter,
            })?;
            let stats = atomic::write_file(path, |out| {
                Ok(vault.export_with_plugin(query, exporter, out, &mut |done, total| progress.step(done, total))?)
            })?;
            Ok(Exported {
                records: stats.records,
                plugin: Some(plugin.manifest.id.clone()),
                stats: ExportStats::default(),
            })
        }
        (Scope::Records { query, columns }, format) => {
            let (sheet, keys) = vault.export_sheet(query, columns, request.show_secrets)?;
            let stats = match format {
                Format::Xlsx => atomic::write_path(path, |partial| Ok(writers::write_xlsx(vec![sheet], partial)?))?,
                Format::Csv(kind) => atomic::write_file(path, |out| {
                    Ok(writers::write_csv(
                        sheet,
                        &kind.profile(),
                        request.formulas,
                        request.unrepresentable,
                        out,
                    )?)
                })?,
                Format::Html(layout) => atomic::write_file(path, |out| Ok(writers::write_html(sheet, *layout, out)?))?,
                Format::Text => atomic::write_file(path, |out| Ok(writers::write_text(sheet, out)?))?,
                Format::JsonLines => atomic::write_file(path, |out| Ok(writers::write_json_lines(sheet, &keys, out)?))?,
                Format::Plugin(_) => unreachable!("plugin formats are matched above"),
            };
            Ok(built_in(stats))
        }
    }
}

fn built_in(stats: ExportStats) -> Exported {
    Exported {
        records: stats.rows,
        plugin: None,
        stats,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_the_extension_and_name_their_own() {
        assert_eq!(Format::for_path(Path::new("a.XLSX")), Some(Format::Xlsx));
        assert_eq!(
            Format::for_path(Path::new("a.htm")),
            Some(Format::Html(HtmlLayout::Table))
        );
        assert_eq!(Format::for_path(Path::new("a.ndjson")), Some(Format::JsonLines));
        assert_eq!(Format::for_path(Path::new("a.vcf")), None);
        assert_eq!(Format::JsonLines.extension(), "jsonl");
        assert_eq!(Format::Csv(CsvKind::ExcelCyrillic).label(), "CSV");
        for (i, f) in Format::built_in().iter().enumerate() {
            assert_eq!(f.label(), BUILT_IN[i].0);
        }
    }

    #[test]
    fn without_plugins_an_unknown_extension_is_refused_by_name() {
        let err = format_for(Path::new("all.vcf"), None, &mut Plugins::none()).unwrap_err();
        assert!(err.to_string().contains(".vcf"), "{err}");
    }
}
