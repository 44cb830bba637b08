//! Opening any supported file as rows: the reader follows the file's extension.

use super::csv::{CsvOptions, CsvReader};
use super::jsonl::JsonLinesReader;
use super::ldif::LdifReader;
use super::sheet::{SheetOptions, SheetReader};
use super::table::{ReadError, TableReader};
use std::path::Path;

/// How to read a file; everything is detected when left empty.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// The sheet of a workbook (default: the first with data).
    pub sheet: Option<String>,
    /// A CSV's text encoding, as a WHATWG label (e.g. `windows-1251`).
    pub encoding: Option<String>,
    /// A CSV's delimiter.
    pub delimiter: Option<u8>,
}

/// The kinds of file the importer reads, by extension.
pub const EXTENSIONS: &[&str] = &[
    "csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods", "jsonl", "json", "ndjson", "ldif",
];

/// Whether a file is a workbook with sheets.
pub fn is_workbook(path: &Path) -> bool {
    matches!(extension(path).as_str(), "xlsx" | "xlsm" | "xls" | "ods")
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Opens a file for import: a workbook (XLSX/XLS/ODS), JSON lines, an LDIF address book, or
/// else CSV/TSV/text.
///
/// ```no_run
/// use cardbase_engine::import::{open, OpenOptions};
/// let reader = open(std::path::Path::new("clients.xlsx"), &OpenOptions::default()).unwrap();
/// println!("columns: {:?}", reader.headers());
/// ```
pub fn open(path: &Path, options: &OpenOptions) -> Result<Box<dyn TableReader>, ReadError> {
    Ok(match extension(path).as_str() {
        "xlsx" | "xlsm" | "xls" | "ods" => Box::new(SheetReader::open(
            path,
            &SheetOptions {
                sheet: options.sheet.clone(),
            },
        )?),
        "jsonl" | "json" | "ndjson" => Box::new(JsonLinesReader::open(path)?),
        "ldif" => Box::new(LdifReader::open(path)?),
        _ => Box::new(CsvReader::open(
            path,
            &CsvOptions {
                encoding: options.encoding.clone(),
                delimiter: options.delimiter,
            },
        )?),
    })
}
