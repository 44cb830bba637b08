//! Importing a file: which reader reads it (the built-in ones for the kinds they read, else
//! the enabled importer plugin that claims the file, else CSV), a preview with the suggested
//! mapping, the backup before a large import, and the run itself with progress and cancel.
//!
//! Both front ends take the same steps in the same order: [`open`], [`preview`], then
//! [`run`] on the same (or a freshly opened) [`Source`].

pub mod new_fields;

use crate::{Error, Plugins, Progress, Result};
use cardbase_engine::import::plugin_reader::PluginReader;
use cardbase_engine::import::sheet::SheetReader;
use cardbase_engine::import::table::{Cell, TableReader};
use cardbase_engine::import::{self as engine_import, ImportOptions, ImportReport, OpenOptions};
use cardbase_engine::schema::Field;
use cardbase_engine::{FieldType, Vault};
use cardbase_plugin_host::Plugin;
use cardbase_plugin_host::manifest::Kind;
use std::path::{Path, PathBuf};

/// Files larger than this get an automatic backup of the vault before they are imported.
pub const BACKUP_ABOVE_BYTES: u64 = 256 * 1024;

/// How to read a file; everything is detected when left empty.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Read it with this importer plugin (by id), whatever its extension.
    pub plugin: Option<String>,
    /// The sheet of a workbook (default: the first with data).
    pub sheet: Option<String>,
    /// A CSV's text encoding, as a WHATWG label (e.g. `windows-1251`).
    pub encoding: Option<String>,
    /// A CSV's delimiter.
    pub delimiter: Option<u8>,
}

/// The plugin reading a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadBy {
    /// Its id.
    pub id: String,
    /// Its name, for people.
    pub name: String,
}

/// A file opened for import.
pub struct Source {
    /// Where it is.
    pub path: PathBuf,
    /// Its rows.
    pub reader: Box<dyn TableReader>,
    /// The plugin reading it, when a built-in reader does not.
    pub plugin: Option<ReadBy>,
    /// A workbook's sheets (empty for other files).
    pub sheets: Vec<String>,
}

impl Source {
    /// How the file is read, for people: "windows-1251, ';'-separated", "plugin vCard".
    pub fn about(&self) -> String {
        match &self.plugin {
            Some(p) => format!("plugin {}", p.name),
            None => self.reader.describe(),
        }
    }

    /// The name the import report gives the file.
    pub fn file_label(&self) -> String {
        self.path.display().to_string()
    }
}

/// The kinds of file a built-in reader reads, by extension.
pub fn built_in_extensions() -> &'static [&'static str] {
    engine_import::EXTENSIONS
}

/// Whether a built-in reader reads files with the extension of `path`.
pub fn read_by_built_in(path: &Path) -> bool {
    built_in_extensions().contains(&crate::export::extension(path).as_str())
}

/// The kinds of file that can be imported: the built-in ones, then those of the enabled
/// importer plugins (lower case, no dot, no repeats).
pub fn importable_extensions(plugins: &mut Plugins) -> Vec<String> {
    let mut list: Vec<String> = built_in_extensions().iter().map(|e| e.to_string()).collect();
    for i in plugins.enabled(Kind::Importer) {
        for e in i.manifest.extensions {
            let e = e.to_ascii_lowercase();
            if !list.contains(&e) {
                list.push(e);
            }
        }
    }
    list
}

/// Opens a file for import: with the plugin asked for; else with a built-in reader when one
/// reads its kind (the plugin host is not even started then); else with the enabled importer
/// plugin that claims it; else as CSV.
pub fn open(path: &Path, options: &ReadOptions, plugins: &mut Plugins) -> Result<Source> {
    let plugin = match &options.plugin {
        Some(id) => Some(plugins.load_as(id, Kind::Importer)?),
        None if read_by_built_in(path) => None,
        None => plugins.host().ok().and_then(|h| h.importer_for(path)),
    };
    if let Some(plugin) = plugin {
        return Ok(Source {
            path: path.to_path_buf(),
            reader: Box::new(plugin_reader(&plugin, path)?),
            plugin: Some(ReadBy {
                id: plugin.manifest.id.clone(),
                name: plugin.manifest.name.clone(),
            }),
            sheets: Vec::new(),
        });
    }
    let sheets = if engine_import::is_workbook(path) {
        SheetReader::sheet_names(path).map_err(cardbase_engine::Error::Read)?
    } else {
        Vec::new()
    };
    let reader = engine_import::open(
        path,
        &OpenOptions {
            sheet: options.sheet.clone(),
            encoding: options.encoding.clone(),
            delimiter: options.delimiter,
        },
    )
    .map_err(cardbase_engine::Error::Read)?;
    Ok(Source {
        path: path.to_path_buf(),
        reader,
        plugin: None,
        sheets,
    })
}

/// Reads `path` with an importer plugin, as a table the import pipeline takes.
fn plugin_reader(plugin: &Plugin, path: &Path) -> Result<PluginReader> {
    let importer = plugin.importer().ok_or_else(|| Error::WrongKind {
        id: plugin.manifest.id.clone(),
        kind: Kind::Importer,
    })?;
    let file = std::fs::File::open(path).map_err(Error::io(path))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok(PluginReader::new(
        importer,
        &path.display().to_string(),
        Box::new(std::io::BufReader::new(file)),
        size,
    )
    .map_err(cardbase_engine::Error::from)?)
}

/// What a file will bring: its columns, its first rows, and where each column goes.
#[derive(Debug, Clone, Default)]
pub struct Preview {
    /// The column headers, as the file has them.
    pub headers: Vec<String>,
    /// The first rows (as many as asked for), cells as the file types them.
    pub samples: Vec<Vec<Cell>>,
    /// For each column, the field key it goes to (`None`: ignored): the mapping remembered
    /// for this layout of headers, else matched by header names; a plugin's columns go to
    /// the fields of the same key.
    pub mapping: Vec<Option<String>>,
    /// The fields a column can go to: the section's visible fields (photos only from a
    /// plugin, whose cells come typed: text cannot be a photo).
    pub fields: Vec<Field>,
    /// A plugin's own field key for each column (`None` for files read by a built-in reader).
    pub keys: Option<Vec<String>>,
}

/// Reads the head of a source (up to `rows` rows, which the source then no longer yields)
/// and suggests where each column of it goes in `section`.
pub fn preview(vault: &Vault, source: &mut Source, section: &str, rows: usize) -> Result<Preview> {
    let headers = source.reader.headers().to_vec();
    let mut samples = Vec::new();
    while samples.len() < rows {
        match source.reader.next_row() {
            Some(Ok(row)) => samples.push(row.cells),
            // The whole file failed (a plugin stopped): say so now, not at the end.
            Some(Err(e)) if e.row == 0 => return Err(cardbase_engine::Error::Read(e).into()),
            Some(Err(_)) => continue,
            None => break,
        }
    }
    let mut mapping = vault.suggest_mapping(section, &headers)?;
    let keys = source.reader.field_keys();
    let typed = keys.is_some();
    let s = vault.schema().require_section(section)?;
    let fields: Vec<Field> = s
        .visible_fields()
        .filter(|f| typed || f.kind != FieldType::Photo)
        .cloned()
        .collect();
    for (m, key) in mapping.iter_mut().zip(keys.iter().flatten()) {
        if fields.iter().any(|f| &f.key == key) {
            *m = Some(key.clone());
        }
    }
    Ok(Preview {
        headers,
        samples,
        mapping,
        fields,
        keys,
    })
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct Imported {
    /// Rows added, updated, unchanged and skipped, with every problem.
    pub report: ImportReport,
    /// The backup taken of the vault before the import, if one was.
    pub backup: Option<PathBuf>,
}

/// Whether an import of `path` gets an automatic backup of the vault first.
pub fn backs_up(path: &Path, options: &ImportOptions) -> bool {
    !options.dry_run && std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) > BACKUP_ABOVE_BYTES
}

/// Imports every row `source` still has (a large file after a backup of the vault), in one
/// transaction. A file with bad rows imports nothing unless bad rows are skipped; the error
/// then carries the report with every problem.
pub fn run(
    vault: &mut Vault,
    source: &mut Source,
    options: &ImportOptions,
    progress: &mut Progress<'_>,
) -> Result<Imported> {
    let backup = if backs_up(&source.path, options) {
        Some(vault.auto_backup("import")?)
    } else {
        None
    };
    let file = source.file_label();
    let report = vault.import(source.reader.as_mut(), &file, options, &mut |done, total| {
        progress.step(done, total)
    })?;
    Ok(Imported { report, backup })
}

/// Like [`run`], first adding `new_fields` (columns no field takes, see
/// [`new_fields::unmatched_columns`]) to the section and pointing their columns at them. An
/// import that saves nothing (refused, cancelled) takes those fields away again; a dry run
/// adds none (their columns are left out of it).
pub fn run_adding_fields(
    vault: &mut Vault,
    source: &mut Source,
    options: &ImportOptions,
    new: &[new_fields::NewField],
    progress: &mut Progress<'_>,
) -> Result<Imported> {
    if options.dry_run {
        return run(vault, source, options, progress);
    }
    let mut options = options.clone();
    new_fields::add(vault, &options.section, new, &mut options.mapping)?;
    let result = run(vault, source, &options, progress);
    if !result.as_ref().is_ok_and(|r| r.report.committed) {
        new_fields::remove(vault, &options.section, new)?;
    }
    result
}

/// A field or section key made from a column header or a label: lower-case ASCII (Cyrillic
/// spelled in Latin letters), `_` for the rest, not one of `taken`.
///
/// ```
/// use cardbase_workflows::import::key_from_header;
/// assert_eq!(key_from_header("Customer ID", &[]), "customer_id");
/// assert_eq!(key_from_header("Customer ID", &["customer_id".into()]), "customer_id_2");
/// ```
pub fn key_from_header(header: &str, taken: &[String]) -> String {
    // Cyrillic headers and labels get their Latin spelling ("Дата визита": data_vizita).
    let folded = cardbase_engine::search::fold(header);
    let spelled = cardbase_engine::search::latin(&folded).unwrap_or(folded);
    let mut key: String = spelled
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        key = format!("column_{key}").trim_end_matches('_').to_string();
    }
    key.truncate(60);
    let base = key.clone();
    let mut n = 2;
    while taken.contains(&key) {
        key = format!("{base}_{n}");
        n += 1;
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_become_valid_unused_keys() {
        assert_eq!(key_from_header("Дата визита", &[]), "data_vizita");
        assert_eq!(key_from_header("تاریخ", &[]), "column");
        assert_eq!(key_from_header("2nd phone", &[]), "column_2nd_phone");
    }

    #[test]
    fn columns_no_field_takes_become_typed_fields_and_go_again_when_nothing_is_saved() {
        use cardbase_engine::{Passphrase, Preset, Query};
        let dir = tempfile::tempdir().unwrap();
        let mut vault = Vault::create(&dir.path().join("v"), &Passphrase::new("p"), Preset::Personal).unwrap();
        let path = dir.path().join("people.csv");
        std::fs::write(
            &path,
            "First name,Country,Customer ID,Visits,First visit,Phone 1 - Type,Empty\n\
             Ada,UK,0012,3,2024-03-01,Mobile,\nBob,France,0013,5,2023-12-31,Work,\n",
        )
        .unwrap();
        let mut plugins = Plugins::none();
        let mut source = open(&path, &ReadOptions::default(), &mut plugins).unwrap();
        let preview = super::preview(&vault, &mut source, "contacts", 100).unwrap();
        let offered = new_fields::unmatched_columns(&vault, "contacts", &preview).unwrap();
        let got: Vec<(&str, &str, FieldType)> = offered
            .iter()
            .map(|f| (f.header.as_str(), f.spec.key.as_str(), f.spec.kind))
            .collect();
        assert_eq!(
            got,
            [
                ("Country", "country", FieldType::Text),
                ("Customer ID", "customer_id", FieldType::Text),
                ("Visits", "visits", FieldType::Number),
                ("First visit", "first_visit", FieldType::Date),
            ],
            "kinds of another column and empty columns are not offered"
        );
        let options = ImportOptions {
            section: "contacts".into(),
            mapping: preview.mapping.clone(),
            ..ImportOptions::default()
        };
        let mut source = open(&path, &ReadOptions::default(), &mut plugins).unwrap();
        let done = run_adding_fields(&mut vault, &mut source, &options, &offered, &mut Progress::none()).unwrap();
        assert_eq!(done.report.created, 2);
        let ada = &vault.list(&Query::section("contacts").search("Ada")).unwrap().records[0];
        assert_eq!(ada.get("country").map(|v| v.display()).as_deref(), Some("UK"));
        assert_eq!(ada.get("customer_id").map(|v| v.display()).as_deref(), Some("0012"));
        assert_eq!(ada.get("visits"), Some(&cardbase_engine::Value::Number(3.0)));

        // A refused import (a strict field) takes the fields it added away, bin included.
        let dir = tempfile::tempdir().unwrap();
        let mut vault = Vault::create(&dir.path().join("v"), &Passphrase::new("p"), Preset::Personal).unwrap();
        let mut code = cardbase_engine::schema::FieldSpec::new("code", "Code", FieldType::Text);
        code.required = true;
        vault.add_field("contacts", &code).unwrap();
        let mut source = open(&path, &ReadOptions::default(), &mut plugins).unwrap();
        let preview = super::preview(&vault, &mut source, "contacts", 100).unwrap();
        let offered = new_fields::unmatched_columns(&vault, "contacts", &preview).unwrap();
        let options = ImportOptions {
            section: "contacts".into(),
            mapping: preview.mapping.clone(),
            ..ImportOptions::default()
        };
        let mut source = open(&path, &ReadOptions::default(), &mut plugins).unwrap();
        run_adding_fields(&mut vault, &mut source, &options, &offered, &mut Progress::none()).unwrap_err();
        let contacts = vault.schema().section("contacts").unwrap();
        assert!(contacts.field("country").is_none() && contacts.field("visits").is_none());
        assert!(vault.bin().fields.is_empty(), "{:?}", vault.bin());
    }

    #[test]
    fn a_csv_is_read_without_starting_the_plugin_host() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("people.csv");
        std::fs::write(&path, "First name,Last name\nAda,Lovelace\n").unwrap();
        let data = dir.path().join("plugins");
        let mut plugins = Plugins::at(&data, &dir.path().join("cache"));
        let source = open(&path, &ReadOptions::default(), &mut plugins).unwrap();
        assert!(source.plugin.is_none());
        assert!(!plugins.is_started(), "reading a CSV must not install plugins");
        assert!(!data.exists());
    }
}
