//! What every reader of user files hands to the import pipeline: a header row and rows of
//! typed cells, each with the row number a user sees in their spreadsheet or editor.

use chrono::{NaiveDate, NaiveDateTime};

/// One cell as the file types it. CSV cells are always text; spreadsheet cells keep the type
/// the spreadsheet gave them (numbers, dates, booleans).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    /// A value as a plugin importer typed it (phones with kinds, a photo's bytes...).
    Typed(crate::plugin::PluginValue),
}

impl Cell {
    /// Whether the cell holds nothing (or only white space).
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            Cell::Typed(v) => v.display().trim().is_empty(),
            _ => false,
        }
    }
}

/// A data row: its number as the user sees it (1-based, counting the header row and, for CSV,
/// the line the record starts on) and its cells, in header order (missing cells are `Empty`).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<Cell>,
}

/// A problem reading one row (or the whole file, with `row` 0), named so a user can find it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}{}: {message}", if *.row > 0 { format!(", row {}", .row) } else { String::new() })]
pub struct ReadError {
    pub file: String,
    pub row: usize,
    pub message: String,
}

/// A source of rows: a CSV file, a spreadsheet sheet, JSON lines, or a plugin.
pub trait TableReader {
    /// The header row (column names as the file has them).
    fn headers(&self) -> &[String];

    /// The next data row; `None` at the end. A broken row is an error, after which reading
    /// may go on with the row after it.
    fn next_row(&mut self) -> Option<Result<Row, ReadError>>;

    /// How far reading has come, as (done, total) in the reader's own unit (bytes or rows),
    /// for progress bars.
    fn progress(&self) -> (u64, u64);

    /// How the file is being read, for people (e.g. "windows-1251, ';'-separated").
    fn describe(&self) -> String {
        String::new()
    }

    /// What the reader had to change to read the file, each naming the file and row (bytes a
    /// CSV's encoding does not allow, read as U+FFFD), for the import report. Complete once
    /// [`TableReader::next_row`] has returned `None`.
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }

    /// For readers whose columns are field keys (plugins): the key of each column.
    fn field_keys(&self) -> Option<Vec<String>> {
        None
    }
}

/// The biggest file read whole into memory: spreadsheets (calamine reads a workbook whole) and
/// JSON lines. CSV has no such limit: bigger files are streamed.
pub const MAX_WHOLE_FILE_BYTES: u64 = 250_000_000;

/// Refuses a file too big to read whole, before reading it, with its size and what to do
/// instead (`advice`).
pub(crate) fn check_whole_file_size(file: &str, path: &std::path::Path, advice: &str) -> Result<(), ReadError> {
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if len <= MAX_WHOLE_FILE_BYTES {
        return Ok(());
    }
    let size = if len >= 1_000_000_000 {
        format!("{:.1} GB", len as f64 / 1e9)
    } else {
        format!("{} MB", len / 1_000_000)
    };
    Err(ReadError {
        file: file.to_string(),
        row: 0,
        message: format!(
            "is {size}, more than the {} MB this kind of file may have: {advice}",
            MAX_WHOLE_FILE_BYTES / 1_000_000
        ),
    })
}
