//! What the export pipeline hands to every writer: sheets with a header row and rows of typed
//! cells, streamed so a million records never sit in memory at once.

use chrono::{NaiveDate, NaiveDateTime};

/// One cell to write, typed so spreadsheets get numbers, dates and booleans, not text.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportCell {
    Empty,
    Text(String),
    Number(f64),
    /// An amount with its ISO currency code (e.g. 1234.5, "EUR").
    Money(f64, String),
    Date(NaiveDate),
    /// Local date and time.
    DateTime(NaiveDateTime),
    Bool(bool),
}

/// One row to write, or why it could not be read (the export then stops with that error
/// instead of leaving rows out).
pub type ExportRow = Result<Vec<ExportCell>, String>;

/// One sheet (one section, or the current view): a name, column headers and the rows.
pub struct ExportSheet<'a> {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Box<dyn Iterator<Item = ExportRow> + 'a>,
}
