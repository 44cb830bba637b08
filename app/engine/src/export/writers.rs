//! The export writers: each takes [`ExportSheet`]s and streams them, row by row, into a file
//! people open elsewhere — an Excel workbook, a CSV that Excel reads in the user's locale, a
//! printable HTML page, plain text, or JSON lines for other programs.
//!
//! No writer holds more than one row at a time (the XLSX writer keeps one row per worksheet in
//! memory and the rest in an unnamed temporary file), so a million records export in constant
//! memory.

use super::formulas::{Formulas, defuse};
use super::table::{ExportCell, ExportRow, ExportSheet};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use encoding_rs::{Encoder, EncoderResult, Encoding, UTF_8, UTF_16BE, UTF_16LE};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// What a writer wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportStats {
    /// Data rows (records) written, headers not counted; for XLSX, over all sheets.
    pub rows: u64,
    /// CSV in a legacy encoding: characters the encoding cannot hold, each written as `?`.
    pub unmappable: u64,
    /// XLSX: text cells cut to Excel's limit of 32,767 characters per cell.
    pub truncated: u64,
}

/// Why an export failed; each names the file or sheet it concerns.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("could not write the {format} export of {sheet:?}: {source}")]
    Io {
        format: &'static str,
        sheet: String,
        source: io::Error,
    },
    #[error("could not write sheet {sheet:?} of the spreadsheet {}: {source}", .path.display())]
    XlsxSheet {
        path: PathBuf,
        sheet: String,
        source: XlsxError,
    },
    #[error("could not save the spreadsheet {}: {source}", .path.display())]
    XlsxSave { path: PathBuf, source: XlsxError },
    #[error("sheet {sheet:?}: row {row} has {cells} cells but there are only {columns} columns")]
    RowTooLong {
        sheet: String,
        row: u64,
        cells: usize,
        columns: usize,
    },
    #[error("sheet {sheet:?}: record {row} could not be read, so the export stopped: {message}")]
    Read { sheet: String, row: u64, message: String },
    #[error("sheet {sheet:?} has {columns} columns; Excel holds at most {max}")]
    TooManyColumns { sheet: String, columns: usize, max: usize },
    #[error("sheet {sheet:?}: {keys} JSON keys were given for {columns} columns")]
    KeyCount { sheet: String, keys: usize, columns: usize },
    #[error("sheet {sheet:?}: JSON key {key:?} is given for two columns")]
    DuplicateKey { sheet: String, key: String },
    #[error(
        "sheet {sheet:?}, record {row}, field {field:?}: {value:?} cannot be written in {encoding}; \
         nothing was written"
    )]
    Unrepresentable {
        sheet: String,
        /// The record's place in the export (1 is the first record), 0 for the header line.
        row: u64,
        field: String,
        value: String,
        encoding: &'static str,
    },
}

/// What a CSV in a legacy encoding does with text the encoding cannot hold (Persian in
/// windows-1251, say).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Unrepresentable {
    /// Stop at the first such value, naming its record and field, so no text is lost unseen.
    #[default]
    Refuse,
    /// Write each character it cannot hold as `?` (counted in [`ExportStats::unmappable`]).
    Replace,
}

/// How a CSV file is encoded and separated.
#[derive(Debug, Clone, Copy, Default)]
pub enum CsvProfile {
    /// UTF-8 with a byte-order mark (so Excel reads it as UTF-8), comma-separated, numbers with
    /// a `.` decimal point and ISO dates (`2024-03-31`). What every current program reads.
    #[default]
    Utf8Bom,
    /// What a localised Excel writes and reads when a file is double-clicked: its list
    /// separator and the system's legacy code page, e.g. `;` and windows-1251 for Russian
    /// Excel. With `;` numbers get a decimal comma (`1234,5`), as in the locales that use `;`;
    /// dates are written `31.03.2024`. Characters the encoding cannot hold stop the export, or
    /// become `?` (see [`Unrepresentable`]). UTF-8 gets a byte-order mark; UTF-16LE/BE (with `\t`,
    /// Excel's "Unicode text") a BOM and UTF-16 code units.
    ExcelLocale { delimiter: u8, encoding: &'static Encoding },
}

impl CsvProfile {
    /// What Russian (and other Cyrillic) Excel writes: `;` and windows-1251.
    pub fn excel_cyrillic() -> CsvProfile {
        CsvProfile::ExcelLocale {
            delimiter: b';',
            encoding: encoding_rs::WINDOWS_1251,
        }
    }

    /// What Western European Excel writes: `;` and windows-1252.
    pub fn excel_western() -> CsvProfile {
        CsvProfile::ExcelLocale {
            delimiter: b';',
            encoding: encoding_rs::WINDOWS_1252,
        }
    }
}

/// How an HTML page lays out records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HtmlLayout {
    /// One table: a header row, then one row per record.
    #[default]
    Table,
    /// One card (`<section>`) per record, its non-empty fields as a definition list.
    Cards,
}

// ---------------------------------------------------------------------------------------------
// XLSX

/// Excel's rows per worksheet, the header row included.
const EXCEL_MAX_ROWS: u32 = 1_048_576;
/// Excel's columns per worksheet.
const EXCEL_MAX_COLUMNS: usize = 16_384;
/// Excel's characters (UTF-16 code units) per cell.
const EXCEL_MAX_TEXT: usize = 32_767;
/// Excel's characters (UTF-16 code units) per sheet name.
const EXCEL_MAX_SHEET_NAME: usize = 31;
/// Column widths are fitted to the header and this many data rows.
const WIDTH_SAMPLE_ROWS: u32 = 1000;
const MIN_COLUMN_WIDTH: usize = 8;
const MAX_COLUMN_WIDTH: usize = 60;

/// Writes one worksheet per sheet into an Excel workbook at `path`.
///
/// Cells keep their types: numbers are numbers, money a number formatted with its currency
/// (`#,##0.00 "EUR"`), dates and date-times real Excel dates (`yyyy-mm-dd`, `yyyy-mm-dd hh:mm`;
/// outside Excel's years 1900–9999 they are written as ISO text), booleans TRUE/FALSE. The
/// header row is bold and frozen, an autofilter covers the data, and column widths fit the
/// header and the first 1000 rows (8 to 60 characters).
///
/// Sheet names are made valid for Excel: at most 31 characters, none of `[]:*?/\`, no
/// apostrophe at either end, unique ignoring case, and not "History". A sheet with more rows
/// than Excel holds (1,048,575 below the header) continues on a sheet named "Name (2)".
///
/// Each worksheet is written in rust_xlsxwriter's constant-memory mode: one row is in memory,
/// the rest in an unnamed temporary file (removed by the system when closed) in the directory
/// of `path`, so the plaintext never lands in a shared temp folder.
pub fn write_xlsx(sheets: Vec<ExportSheet<'_>>, path: &Path) -> Result<ExportStats, ExportError> {
    write_xlsx_rows_per_sheet(sheets, path, EXCEL_MAX_ROWS - 1)
}

fn write_xlsx_rows_per_sheet(
    sheets: Vec<ExportSheet<'_>>,
    path: &Path,
    rows_per_sheet: u32,
) -> Result<ExportStats, ExportError> {
    // In constant-memory mode rust_xlsxwriter writes rows to its temporary file with
    // `.expect("Couldn't write to xml file")`, so a full disk panics instead of returning an
    // error. That one panic becomes an error here; any other panic goes on unwinding.
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        write_xlsx_unguarded(sheets, path, rows_per_sheet)
    }));
    match attempt {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied());
            match message {
                Some(message) if message.starts_with("Couldn't write to xml file") => Err(ExportError::XlsxSave {
                    path: path.to_path_buf(),
                    source: XlsxError::IoError(io::Error::other(format!(
                        "the rows could not be written to a temporary file beside it; is the disk full? ({message})"
                    ))),
                }),
                _ => std::panic::resume_unwind(payload),
            }
        }
    }
}

fn write_xlsx_unguarded(
    sheets: Vec<ExportSheet<'_>>,
    path: &Path,
    rows_per_sheet: u32,
) -> Result<ExportStats, ExportError> {
    let save_error = |source| ExportError::XlsxSave {
        path: path.to_path_buf(),
        source,
    };
    let mut workbook = Workbook::new();
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    workbook.set_tempdir(dir).map_err(save_error)?;

    let mut formats = XlsxFormats::new();
    let mut names = SheetNames::default();
    let mut stats = ExportStats::default();
    for sheet in sheets {
        let ExportSheet { name, headers, rows } = sheet;
        if headers.len() > EXCEL_MAX_COLUMNS {
            return Err(ExportError::TooManyColumns {
                sheet: name,
                columns: headers.len(),
                max: EXCEL_MAX_COLUMNS,
            });
        }
        let mut rows = rows.peekable();
        let mut part = 1u32;
        let mut row_index = 0u64;
        loop {
            let title = names.claim(&name, part);
            let sheet_error = |source| ExportError::XlsxSheet {
                path: path.to_path_buf(),
                sheet: title.clone(),
                source,
            };
            let worksheet = workbook.add_worksheet_with_constant_memory().map_err(sheet_error)?;
            worksheet.set_name(title.as_str()).map_err(sheet_error)?;
            let mut part_rows = XlsxPart {
                rows: &mut rows,
                rows_per_sheet,
                sheet: &name,
                row_index: &mut row_index,
                stats: &mut stats,
            };
            part_rows
                .write(worksheet, &headers, &mut formats)
                .map_err(|e| match e {
                    PartError::Xlsx(source) => sheet_error(source),
                    PartError::Export(e) => e,
                })?;
            if rows.peek().is_none() {
                break;
            }
            part += 1;
        }
    }
    workbook.save(path).map_err(save_error)?;
    Ok(stats)
}

/// The formats cells share; money formats are made once per currency.
struct XlsxFormats {
    header: Format,
    date: Format,
    datetime: Format,
    money: HashMap<String, Format>,
}

impl XlsxFormats {
    fn new() -> XlsxFormats {
        XlsxFormats {
            header: Format::new().set_bold(),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            money: HashMap::new(),
        }
    }

    fn money(&mut self, currency: &str) -> &Format {
        self.money.entry(currency.to_string()).or_insert_with(|| {
            // A quoted literal in a number format ends at the next `"`.
            let code: String = currency
                .trim()
                .chars()
                .filter(|c| *c != '"' && !c.is_control())
                .collect();
            let pattern = if code.is_empty() {
                "#,##0.00".to_string()
            } else {
                format!("#,##0.00 \"{code}\"")
            };
            Format::new().set_num_format(pattern)
        })
    }
}

enum PartError {
    Xlsx(XlsxError),
    Export(ExportError),
}

impl From<XlsxError> for PartError {
    fn from(e: XlsxError) -> Self {
        PartError::Xlsx(e)
    }
}

/// One worksheet's share of a sheet's rows.
struct XlsxPart<'r, I: Iterator<Item = ExportRow>> {
    rows: &'r mut std::iter::Peekable<I>,
    rows_per_sheet: u32,
    sheet: &'r str,
    row_index: &'r mut u64,
    stats: &'r mut ExportStats,
}

impl<I: Iterator<Item = ExportRow>> XlsxPart<'_, I> {
    fn write(&mut self, ws: &mut Worksheet, headers: &[String], formats: &mut XlsxFormats) -> Result<(), PartError> {
        let columns = headers.len();
        // Room for the header text and the autofilter's drop-down button.
        let mut widths: Vec<usize> = headers.iter().map(|h| text_width(h) + 3).collect();
        for (col, header) in headers.iter().enumerate() {
            let header = excel_text(header.clone(), &mut self.stats.truncated);
            ws.write_string_with_format(0, col as u16, header, &formats.header)?;
        }
        let mut row: u32 = 0;
        while row < self.rows_per_sheet {
            let Some(cells) = self.rows.next() else { break };
            row += 1;
            *self.row_index += 1;
            let cells = shaped(self.sheet, *self.row_index, cells, columns).map_err(PartError::Export)?;
            for (col, cell) in cells.into_iter().enumerate() {
                if row <= WIDTH_SAMPLE_ROWS {
                    widths[col] = widths[col].max(cell_width(&cell));
                }
                write_xlsx_cell(ws, row, col as u16, cell, formats, self.stats)?;
            }
            self.stats.rows += 1;
        }
        if columns > 0 {
            let last_col = (columns - 1) as u16;
            ws.set_freeze_panes(1, 0)?;
            ws.autofilter(0, 0, row, last_col)?;
            for (col, width) in widths.into_iter().enumerate() {
                let width = (width + 1).clamp(MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH);
                ws.set_column_width(col as u16, width as f64)?;
            }
        }
        Ok(())
    }
}

fn write_xlsx_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: ExportCell,
    formats: &mut XlsxFormats,
    stats: &mut ExportStats,
) -> Result<(), XlsxError> {
    match cell {
        ExportCell::Empty => {}
        ExportCell::Text(s) if s.is_empty() => {}
        ExportCell::Text(s) => {
            ws.write_string(row, col, excel_text(s, &mut stats.truncated))?;
        }
        // Excel has no NaN or infinity: such a number is left blank.
        ExportCell::Number(n) if n.is_finite() => {
            ws.write_number(row, col, n)?;
        }
        ExportCell::Money(amount, currency) if amount.is_finite() => {
            ws.write_number_with_format(row, col, amount, formats.money(&currency))?;
        }
        ExportCell::Number(_) | ExportCell::Money(..) => {}
        ExportCell::Date(d) => match excel_date(d) {
            Some(date) => {
                ws.write_datetime_with_format(row, col, date, &formats.date)?;
            }
            None => {
                ws.write_string(row, col, d.format("%Y-%m-%d").to_string())?;
            }
        },
        ExportCell::DateTime(t) => match excel_datetime(t) {
            Some(datetime) => {
                ws.write_datetime_with_format(row, col, datetime, &formats.datetime)?;
            }
            None => {
                ws.write_string(row, col, iso_datetime(t))?;
            }
        },
        ExportCell::Bool(b) => {
            ws.write_boolean(row, col, b)?;
        }
    }
    Ok(())
}

/// The date as Excel holds it, or `None` outside Excel's years 1900–9999.
fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok()?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).ok()
}

fn excel_datetime(t: NaiveDateTime) -> Option<ExcelDateTime> {
    // Excel keeps milliseconds; a leap second is held as 59.999.
    let millis = (t.nanosecond() / 1_000_000).min(999);
    let seconds = (f64::from(t.second()) + f64::from(millis) / 1000.0).min(59.999);
    excel_date(t.date())?
        .and_hms(t.hour() as u16, t.minute() as u8, seconds)
        .ok()
}

/// Text cut to Excel's cell limit (counted in UTF-16 units), counting the cuts.
fn excel_text(mut s: String, truncated: &mut u64) -> String {
    if let Some(end) = utf16_prefix(&s, EXCEL_MAX_TEXT) {
        *truncated += 1;
        s.truncate(end);
    }
    s
}

/// The byte length of the longest prefix of `s` within `max` UTF-16 units, or `None` if all of
/// `s` fits.
fn utf16_prefix(s: &str, max: usize) -> Option<usize> {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            return Some(i);
        }
    }
    None
}

/// Worksheet names given out so far, compared as Excel does: ignoring case.
#[derive(Default)]
struct SheetNames {
    taken: HashSet<String>,
}

impl SheetNames {
    /// A valid, unused Excel sheet name for `part` (1, 2, …) of the sheet called `wanted`.
    fn claim(&mut self, wanted: &str, part: u32) -> String {
        let base = sanitize_sheet_name(wanted);
        let first_suffix = if part > 1 { format!(" ({part})") } else { String::new() };
        let mut n = 1u32;
        loop {
            let suffix = match n {
                1 => first_suffix.clone(),
                n => format!("{first_suffix} ({n})"),
            };
            let candidate = fit_sheet_name(&base, &suffix);
            let key = candidate.to_lowercase();
            // "History" is reserved by English Excel.
            if key != "history" && !self.taken.contains(&key) {
                self.taken.insert(key);
                return candidate;
            }
            n += 1;
        }
    }
}

/// `name` with the characters Excel forbids replaced and apostrophes trimmed from its ends.
fn sanitize_sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '/' | '\\' | ':' => '-',
            '[' => '(',
            ']' => ')',
            '*' | '?' => '_',
            c => c,
        })
        .collect();
    let trimmed = cleaned.trim().trim_matches('\'').trim();
    if trimmed.is_empty() {
        "Sheet".to_string()
    } else {
        trimmed.to_string()
    }
}

/// `base` cut so that `base + suffix` fits Excel's 31 characters, without a trailing apostrophe.
fn fit_sheet_name(base: &str, suffix: &str) -> String {
    let room = EXCEL_MAX_SHEET_NAME - suffix.encode_utf16().count();
    let base = match utf16_prefix(base, room) {
        Some(end) => &base[..end],
        None => base,
    };
    let base = base.trim_end().trim_end_matches('\'');
    let base = if base.is_empty() { "Sheet" } else { base };
    format!("{base}{suffix}")
}

/// About how many character widths a cell takes when shown.
fn cell_width(cell: &ExportCell) -> usize {
    match cell {
        ExportCell::Empty => 0,
        ExportCell::Text(s) => text_width(s),
        ExportCell::Number(n) => format_number(*n).len(),
        ExportCell::Money(amount, currency) => grouped_amount(*amount).len() + 1 + text_width(currency),
        ExportCell::Date(_) => 10,
        ExportCell::DateTime(_) => 16,
        ExportCell::Bool(_) => 5,
    }
}

/// The widest line of `s`, counting East Asian wide characters as two.
fn text_width(s: &str) -> usize {
    s.lines()
        .map(|line| line.chars().map(char_width).sum())
        .max()
        .unwrap_or(0)
}

fn char_width(c: char) -> usize {
    let wide = matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD);
    if wide {
        2
    } else if c.is_control() || matches!(c as u32, 0x0300..=0x036F | 0x200B..=0x200F) {
        0
    } else {
        1
    }
}

// ---------------------------------------------------------------------------------------------
// CSV

/// Writes `sheet` as CSV: a header line, then one line per row, quoted where needed, with
/// CRLF line ends as Excel writes them. See [`CsvProfile`] for the encoding, separator and how
/// numbers and dates are written. Money is `1234.50 EUR` (the form the importer reads back).
/// Text (headers included) that a spreadsheet would run as a formula is marked as text unless
/// `formulas` is [`Formulas::Raw`]. Text a legacy encoding cannot hold stops the export or is
/// replaced, as `unrepresentable` says.
pub fn write_csv(
    sheet: ExportSheet<'_>,
    profile: &CsvProfile,
    formulas: Formulas,
    unrepresentable: Unrepresentable,
    out: &mut dyn Write,
) -> Result<ExportStats, ExportError> {
    let ExportSheet { name, headers, rows } = sheet;
    let io_error = |source| ExportError::Io {
        format: "CSV",
        sheet: name.clone(),
        source,
    };
    let (delimiter, encoding, style) = match *profile {
        CsvProfile::Utf8Bom => (b',', UTF_8, CsvStyle::Iso),
        CsvProfile::ExcelLocale { delimiter, encoding } => (
            delimiter,
            encoding,
            CsvStyle::Local {
                decimal_comma: delimiter == b';',
            },
        ),
    };
    let mut out = BufWriter::new(out);
    let mut sink = TextSink::new(encoding);
    let mut stats = ExportStats::default();
    sink.start(&mut out).map_err(io_error)?;

    // Excel takes a file starting with "ID" for a SYLK file unless that field is quoted.
    let header_quoting = if headers.first().is_some_and(|h| h.starts_with("ID")) {
        csv::QuoteStyle::Always
    } else {
        csv::QuoteStyle::Necessary
    };
    // Refusing: the first value the encoding cannot hold, by its record and field.
    let refuse = |row: u64, cells: &mut dyn Iterator<Item = String>| {
        let Some((j, value)) = cells.enumerate().find(|(_, text)| encoding.encode(text).2) else {
            return Ok(());
        };
        Err(ExportError::Unrepresentable {
            sheet: name.clone(),
            row,
            field: if row == 0 {
                value.clone()
            } else {
                headers.get(j).cloned().unwrap_or_default()
            },
            value,
            encoding: encoding.name(),
        })
    };
    let mut header_line = csv_writer(delimiter, header_quoting);
    header_line
        .write_record(headers.iter().map(|h| defuse(h, formulas).into_owned()))
        .map_err(|e| io_error(e.into()))?;
    sink.put(
        &take_csv(&mut header_line).map_err(io_error)?,
        &mut out,
        &mut stats.unmappable,
    )
    .map_err(io_error)?;
    if stats.unmappable > 0 && unrepresentable == Unrepresentable::Refuse {
        refuse(0, &mut headers.iter().cloned())?;
    }

    let mut line = csv_writer(delimiter, csv::QuoteStyle::Necessary);
    let mut fields: Vec<String> = Vec::with_capacity(headers.len());
    for (i, cells) in rows.enumerate() {
        let cells = shaped(&name, i as u64 + 1, cells, headers.len())?;
        fields.clear();
        fields.extend(cells.iter().map(|c| match c {
            ExportCell::Text(s) => defuse(s, formulas).into_owned(),
            c => style.field(c),
        }));
        line.write_record(&fields).map_err(|e| io_error(e.into()))?;
        let before = stats.unmappable;
        sink.put(&take_csv(&mut line).map_err(io_error)?, &mut out, &mut stats.unmappable)
            .map_err(io_error)?;
        stats.rows += 1;
        if stats.unmappable > before && unrepresentable == Unrepresentable::Refuse {
            refuse(stats.rows, &mut fields.iter().cloned())?;
        }
    }
    sink.finish(&mut out).map_err(io_error)?;
    out.flush().map_err(io_error)?;
    Ok(stats)
}

/// A CSV writer formatting into a buffer this module reads after each record.
type CsvLine = csv::Writer<LineBuffer>;

fn csv_writer(delimiter: u8, quoting: csv::QuoteStyle) -> CsvLine {
    csv::WriterBuilder::new()
        .delimiter(delimiter)
        .quote_style(quoting)
        .terminator(csv::Terminator::CRLF)
        .from_writer(LineBuffer::default())
}

/// Bytes the CSV writer wrote, shared so they can be taken out while it lives on.
#[derive(Default, Clone)]
struct LineBuffer(Rc<RefCell<Vec<u8>>>);

impl Write for LineBuffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The line the CSV writer has formatted (always whole UTF-8: it was given `String`s).
fn take_csv(writer: &mut CsvLine) -> io::Result<String> {
    writer.flush()?;
    let bytes = std::mem::take(&mut *writer.get_ref().0.borrow_mut());
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// How CSV fields spell numbers, dates and booleans.
#[derive(Clone, Copy)]
enum CsvStyle {
    Iso,
    Local { decimal_comma: bool },
}

impl CsvStyle {
    fn field(self, cell: &ExportCell) -> String {
        let decimal = |s: String| match self {
            CsvStyle::Local { decimal_comma: true } => s.replace('.', ","),
            _ => s,
        };
        match cell {
            ExportCell::Empty => String::new(),
            ExportCell::Text(s) => s.clone(),
            ExportCell::Number(n) if n.is_finite() => decimal(format_number(*n)),
            ExportCell::Money(amount, currency) if amount.is_finite() => {
                let amount = decimal(plain_amount(*amount));
                if currency.is_empty() {
                    amount
                } else {
                    format!("{amount} {currency}")
                }
            }
            ExportCell::Number(_) | ExportCell::Money(..) => String::new(),
            ExportCell::Date(d) => match self {
                CsvStyle::Iso => d.format("%Y-%m-%d").to_string(),
                CsvStyle::Local { .. } => d.format("%d.%m.%Y").to_string(),
            },
            ExportCell::DateTime(t) => {
                let date = match self {
                    CsvStyle::Iso => "%Y-%m-%d",
                    CsvStyle::Local { .. } => "%d.%m.%Y",
                };
                let time = if t.second() == 0 && t.nanosecond() == 0 {
                    "%H:%M"
                } else {
                    "%H:%M:%S"
                };
                t.format(&format!("{date} {time}")).to_string()
            }
            ExportCell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        }
    }
}

/// Turns UTF-8 text into the bytes of the target encoding, `?` for what it cannot hold.
enum TextSink {
    Utf8,
    Utf16 { big_endian: bool },
    Legacy(Encoder),
}

impl TextSink {
    fn new(encoding: &'static Encoding) -> TextSink {
        if encoding == UTF_16LE || encoding == UTF_16BE {
            // encoding_rs only decodes UTF-16; its encoder for it writes UTF-8.
            TextSink::Utf16 {
                big_endian: encoding == UTF_16BE,
            }
        } else if encoding.output_encoding() == UTF_8 {
            TextSink::Utf8
        } else {
            TextSink::Legacy(encoding.new_encoder())
        }
    }

    /// The byte-order mark, for the Unicode encodings (Excel needs it to recognise them).
    fn start(&mut self, out: &mut impl Write) -> io::Result<()> {
        match self {
            TextSink::Utf8 => out.write_all(b"\xEF\xBB\xBF"),
            TextSink::Utf16 { big_endian: false } => out.write_all(&[0xFF, 0xFE]),
            TextSink::Utf16 { big_endian: true } => out.write_all(&[0xFE, 0xFF]),
            TextSink::Legacy(_) => Ok(()),
        }
    }

    fn put(&mut self, text: &str, out: &mut impl Write, unmappable: &mut u64) -> io::Result<()> {
        match self {
            TextSink::Utf8 => out.write_all(text.as_bytes()),
            TextSink::Utf16 { big_endian } => {
                let mut bytes = Vec::with_capacity(text.len() * 2);
                for unit in text.encode_utf16() {
                    bytes.extend_from_slice(&if *big_endian {
                        unit.to_be_bytes()
                    } else {
                        unit.to_le_bytes()
                    });
                }
                out.write_all(&bytes)
            }
            TextSink::Legacy(encoder) => encode_legacy(encoder, text, false, out, unmappable),
        }
    }

    /// Ends the stream (a stateful encoding such as ISO-2022-JP returns to ASCII).
    fn finish(&mut self, out: &mut impl Write) -> io::Result<()> {
        match self {
            TextSink::Legacy(encoder) => encode_legacy(encoder, "", true, out, &mut 0),
            _ => Ok(()),
        }
    }
}

fn encode_legacy(
    encoder: &mut Encoder,
    mut text: &str,
    last: bool,
    out: &mut impl Write,
    unmappable: &mut u64,
) -> io::Result<()> {
    let mut buffer = [0u8; 4096];
    loop {
        let (result, read, written) = encoder.encode_from_utf8_without_replacement(text, &mut buffer, last);
        out.write_all(&buffer[..written])?;
        text = &text[read..];
        match result {
            EncoderResult::InputEmpty => return Ok(()),
            EncoderResult::OutputFull => {}
            EncoderResult::Unmappable(_) => {
                *unmappable += 1;
                // Through the encoder, so a stateful encoding switches back to ASCII first.
                let (_, _, written) = encoder.encode_from_utf8_without_replacement("?", &mut buffer, false);
                out.write_all(&buffer[..written])?;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HTML

/// Writes `sheet` as a standalone UTF-8 HTML page titled with the sheet's name, with a little
/// embedded CSS that also prints well. Every value is escaped; cells holding right-to-left
/// text get `dir="auto"`.
pub fn write_html(sheet: ExportSheet<'_>, layout: HtmlLayout, out: &mut dyn Write) -> Result<ExportStats, ExportError> {
    let ExportSheet { name, headers, rows } = sheet;
    let io_error = |source| ExportError::Io {
        format: "HTML",
        sheet: name.clone(),
        source,
    };
    let mut out = BufWriter::new(out);
    let mut stats = ExportStats::default();
    let title = escape_html(&name);
    let title_dir = dir_attr(&name);
    write!(
        out,
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title{title_dir}>{title}</title>\n<style>\n{HTML_CSS}</style>\n</head>\n<body>\n<h1{title_dir}>{title}</h1>\n"
    )
    .map_err(io_error)?;

    let mut html = String::new();
    if layout == HtmlLayout::Table {
        html.push_str("<table>\n<thead>\n<tr>");
        for header in &headers {
            html.push_str(&format!(
                "<th scope=\"col\"{}>{}</th>",
                dir_attr(header),
                escape_html(header)
            ));
        }
        html.push_str("</tr>\n</thead>\n<tbody>\n");
        out.write_all(html.as_bytes()).map_err(io_error)?;
    }
    for (i, cells) in rows.enumerate() {
        let cells = shaped(&name, i as u64 + 1, cells, headers.len())?;
        html.clear();
        match layout {
            HtmlLayout::Table => {
                html.push_str("<tr>");
                for cell in &cells {
                    let text = display(cell);
                    let class = if is_numeric(cell) { " class=\"num\"" } else { "" };
                    html.push_str(&format!("<td{class}{}>{}</td>", dir_attr(&text), escape_html(&text)));
                }
                html.push_str("</tr>\n");
            }
            HtmlLayout::Cards => {
                html.push_str("<section>\n<dl>\n");
                for (header, cell) in headers.iter().zip(&cells) {
                    if matches!(cell, ExportCell::Empty) {
                        continue;
                    }
                    let text = display(cell);
                    html.push_str(&format!(
                        "<dt{}>{}</dt><dd{}>{}</dd>\n",
                        dir_attr(header),
                        escape_html(header),
                        dir_attr(&text),
                        escape_html(&text)
                    ));
                }
                html.push_str("</dl>\n</section>\n");
            }
        }
        out.write_all(html.as_bytes()).map_err(io_error)?;
        stats.rows += 1;
    }
    if layout == HtmlLayout::Table {
        out.write_all(b"</tbody>\n</table>\n").map_err(io_error)?;
    }
    out.write_all(b"</body>\n</html>\n").map_err(io_error)?;
    out.flush().map_err(io_error)?;
    Ok(stats)
}

const HTML_CSS: &str = "\
body { font-family: system-ui, -apple-system, \"Segoe UI\", sans-serif; margin: 1.5rem; color: #111; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border: 1px solid #bbb; padding: 0.25rem 0.5rem; text-align: start; vertical-align: top; white-space: pre-wrap; }
thead th { background: #eee; }
td.num { text-align: end; white-space: nowrap; font-variant-numeric: tabular-nums; }
section { border: 1px solid #bbb; border-radius: 4px; padding: 0.5rem 1rem; margin: 0 0 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0; }
dt { font-weight: 600; color: #444; }
dd { margin: 0; white-space: pre-wrap; }
@media print {
  body { margin: 0; font-size: 10pt; }
  thead { display: table-header-group; }
  tr, section { break-inside: avoid; page-break-inside: avoid; }
  thead th { background: none; border-bottom: 2px solid #000; }
  th, td, section { border-color: #888; }
}
";

fn escape_html(s: &str) -> String {
    let mut escaped = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// ` dir="auto"` for text with right-to-left letters (Hebrew, Arabic, Syriac, Thaana, N'Ko…).
fn dir_attr(s: &str) -> &'static str {
    if s.chars().any(is_rtl) { " dir=\"auto\"" } else { "" }
}

fn is_rtl(c: char) -> bool {
    matches!(c as u32,
        0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
}

fn is_numeric(cell: &ExportCell) -> bool {
    matches!(cell, ExportCell::Number(_) | ExportCell::Money(..))
}

// ---------------------------------------------------------------------------------------------
// Plain text

/// Writes `sheet` as plain UTF-8 text readable in any editor: the sheet's name underlined,
/// then one block per record of `Label: value` lines with the values aligned, and a blank line
/// between records. Empty fields are left out; a value's further lines are indented under its
/// first. Lines end in CRLF, which every editor shows correctly.
pub fn write_text(sheet: ExportSheet<'_>, out: &mut dyn Write) -> Result<ExportStats, ExportError> {
    let ExportSheet { name, headers, rows } = sheet;
    let io_error = |source| ExportError::Io {
        format: "text",
        sheet: name.clone(),
        source,
    };
    let mut out = BufWriter::new(out);
    let mut stats = ExportStats::default();
    let label_width = headers.iter().map(|h| text_width(h)).max().unwrap_or(0);
    let indent = " ".repeat(label_width + 2);
    let title = name.replace(['\r', '\n'], " ");
    write!(out, "{title}\r\n{}\r\n", "=".repeat(text_width(&title).max(1))).map_err(io_error)?;

    let mut block = String::new();
    for (i, cells) in rows.enumerate() {
        let cells = shaped(&name, i as u64 + 1, cells, headers.len())?;
        block.clear();
        block.push_str("\r\n");
        for (header, cell) in headers.iter().zip(&cells) {
            if matches!(cell, ExportCell::Empty) {
                continue;
            }
            let text = display(cell);
            let pad = " ".repeat(label_width - text_width(header) + 1);
            let mut lines = text.lines();
            block.push_str(&format!("{header}:{pad}{}\r\n", lines.next().unwrap_or("")));
            for more in lines {
                block.push_str(&format!("{indent}{more}\r\n"));
            }
        }
        out.write_all(block.as_bytes()).map_err(io_error)?;
        stats.rows += 1;
    }
    out.flush().map_err(io_error)?;
    Ok(stats)
}

// ---------------------------------------------------------------------------------------------
// JSON lines

/// Writes `sheet` as JSON lines: one object per row, `{"key": value, …}` in column order with
/// `keys[i]` naming column `i`, empty cells left out. Money is `{"amount": 1234.5, "currency":
/// "EUR"}`, dates `"2024-03-31"`, date-times `"2024-03-31T14:30:00"` (local time, no offset).
/// Lines end in `\n`.
pub fn write_json_lines(
    sheet: ExportSheet<'_>,
    keys: &[String],
    out: &mut dyn Write,
) -> Result<ExportStats, ExportError> {
    let ExportSheet { name, headers, rows } = sheet;
    if keys.len() != headers.len() {
        return Err(ExportError::KeyCount {
            sheet: name,
            keys: keys.len(),
            columns: headers.len(),
        });
    }
    let mut seen = HashSet::new();
    if let Some(key) = keys.iter().find(|k| !seen.insert(k.as_str())) {
        return Err(ExportError::DuplicateKey {
            sheet: name,
            key: key.clone(),
        });
    }
    let io_error = |source| ExportError::Io {
        format: "JSON lines",
        sheet: name.clone(),
        source,
    };
    let quoted_keys: Vec<String> = keys.iter().map(|k| json_string(k)).collect();
    let mut out = BufWriter::new(out);
    let mut stats = ExportStats::default();
    let mut line = String::new();
    for (i, cells) in rows.enumerate() {
        let cells = shaped(&name, i as u64 + 1, cells, headers.len())?;
        line.clear();
        line.push('{');
        for (key, cell) in quoted_keys.iter().zip(&cells) {
            let Some(value) = json_value(cell) else { continue };
            if line.len() > 1 {
                line.push(',');
            }
            line.push_str(key);
            line.push(':');
            line.push_str(&value.to_string());
        }
        line.push_str("}\n");
        out.write_all(line.as_bytes()).map_err(io_error)?;
        stats.rows += 1;
    }
    out.flush().map_err(io_error)?;
    Ok(stats)
}

fn json_string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

fn json_value(cell: &ExportCell) -> Option<serde_json::Value> {
    use serde_json::json;
    Some(match cell {
        ExportCell::Empty => return None,
        ExportCell::Text(s) => json!(s),
        ExportCell::Number(n) if n.is_finite() => json!(n),
        ExportCell::Money(amount, currency) if amount.is_finite() => {
            json!({ "amount": amount, "currency": currency })
        }
        ExportCell::Number(_) | ExportCell::Money(..) => return None,
        ExportCell::Date(d) => json!(d.format("%Y-%m-%d").to_string()),
        ExportCell::DateTime(t) => json!(t.format("%Y-%m-%dT%H:%M:%S").to_string()),
        ExportCell::Bool(b) => json!(b),
    })
}

// ---------------------------------------------------------------------------------------------
// Shared

/// `cells` as one value per column: a short row is padded with empty cells; a long one is an
/// error rather than losing data silently.
fn shaped(sheet: &str, row: u64, cells: ExportRow, columns: usize) -> Result<Vec<ExportCell>, ExportError> {
    let mut cells = cells.map_err(|message| ExportError::Read {
        sheet: sheet.to_string(),
        row,
        message,
    })?;
    if cells.len() > columns {
        return Err(ExportError::RowTooLong {
            sheet: sheet.to_string(),
            row,
            cells: cells.len(),
            columns,
        });
    }
    cells.resize(columns, ExportCell::Empty);
    Ok(cells)
}

/// The text a person reads (HTML and plain text), in the forms the rest of Cardbase shows:
/// `1234.5`, `1,234.50 EUR`, `2024-03-31`, `2024-03-31 14:30`, `yes`/`no`.
fn display(cell: &ExportCell) -> String {
    match cell {
        ExportCell::Empty => String::new(),
        ExportCell::Text(s) => s.clone(),
        ExportCell::Number(n) => format_number(*n),
        ExportCell::Money(amount, currency) if currency.is_empty() => grouped_amount(*amount),
        ExportCell::Money(amount, currency) => format!("{} {currency}", grouped_amount(*amount)),
        ExportCell::Date(d) => d.format("%Y-%m-%d").to_string(),
        ExportCell::DateTime(t) if t.second() == 0 && t.nanosecond() == 0 => t.format("%Y-%m-%d %H:%M").to_string(),
        ExportCell::DateTime(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        ExportCell::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
    }
}

fn iso_datetime(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// A number without a trailing `.0` and without an exponent for ordinary magnitudes.
fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// An amount with two decimals and no thousands separator: `-1234.50`.
fn plain_amount(amount: f64) -> String {
    // Avoids "-0.00".
    let amount = if amount == 0.0 { 0.0 } else { amount };
    let text = format!("{amount:.2}");
    if text == "-0.00" { "0.00".to_string() } else { text }
}

/// An amount with two decimals and `,` between thousands: `-1,234.50`.
fn grouped_amount(amount: f64) -> String {
    let plain = plain_amount(amount);
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}.{fraction}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx, open_workbook};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn datetime(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        date(y, m, d).and_hms_opt(h, min, 0).unwrap()
    }

    fn sheet<'a>(name: &str, headers: &[&str], rows: Vec<Vec<ExportCell>>) -> ExportSheet<'a> {
        ExportSheet {
            name: name.to_string(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Box::new(rows.into_iter().map(Ok)),
        }
    }

    fn text(s: &str) -> ExportCell {
        ExportCell::Text(s.to_string())
    }

    fn money(amount: f64, currency: &str) -> ExportCell {
        ExportCell::Money(amount, currency.to_string())
    }

    fn contacts<'a>() -> ExportSheet<'a> {
        sheet(
            "Contacts",
            &["Name", "Age", "Balance", "Born", "Last call", "Active"],
            vec![
                vec![
                    text("Ada <script>alert(1)</script> & Co"),
                    ExportCell::Number(36.5),
                    money(1234.5, "EUR"),
                    ExportCell::Date(date(1815, 12, 10)),
                    ExportCell::DateTime(datetime(2024, 3, 5, 14, 30)),
                    ExportCell::Bool(true),
                ],
                vec![
                    text("Борис"),
                    ExportCell::Empty,
                    money(-7.25, "USD"),
                    ExportCell::Date(date(1990, 1, 31)),
                    ExportCell::Empty,
                    ExportCell::Bool(false),
                ],
            ],
        )
    }

    fn csv_string(sheet: ExportSheet<'_>, profile: &CsvProfile) -> (Vec<u8>, ExportStats) {
        let mut out = Vec::new();
        let stats = write_csv(sheet, profile, Formulas::Defuse, Unrepresentable::Replace, &mut out).unwrap();
        (out, stats)
    }

    // ---- XLSX

    #[test]
    fn xlsx_cells_keep_their_types_and_the_header_is_bold_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.xlsx");
        let stats = write_xlsx(vec![contacts()], &path).unwrap();
        assert_eq!(stats.rows, 2);

        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        assert_eq!(book.sheet_names(), vec!["Contacts".to_string()]);
        let range = book.worksheet_range("Contacts").unwrap();
        let header: Vec<String> = (0..6).map(|c| range.get_value((0, c)).unwrap().to_string()).collect();
        assert_eq!(header, ["Name", "Age", "Balance", "Born", "Last call", "Active"]);

        assert_eq!(
            range.get_value((1, 0)),
            Some(&Data::String("Ada <script>alert(1)</script> & Co".into()))
        );
        assert_eq!(range.get_value((1, 1)), Some(&Data::Float(36.5)));
        assert_eq!(range.get_value((1, 2)), Some(&Data::Float(1234.5)));
        // 1815 is before Excel's calendar: kept as ISO text rather than lost.
        assert_eq!(range.get_value((1, 3)), Some(&Data::String("1815-12-10".into())));
        match range.get_value((1, 4)) {
            Some(Data::DateTime(dt)) => {
                assert!(dt.is_datetime());
                assert_eq!(dt.to_ymd_hms_milli(), (2024, 3, 5, 14, 30, 0, 0));
            }
            other => panic!("expected a date-time, got {other:?}"),
        }
        assert_eq!(range.get_value((1, 5)), Some(&Data::Bool(true)));
        assert_eq!(range.get_value((2, 0)), Some(&Data::String("Борис".into())));
        assert!(matches!(range.get_value((2, 1)), None | Some(Data::Empty)));
        assert_eq!(range.get_value((2, 2)), Some(&Data::Float(-7.25)));
        match range.get_value((2, 3)) {
            Some(Data::DateTime(dt)) => assert_eq!(dt.to_ymd_hms_milli(), (1990, 1, 31, 0, 0, 0, 0)),
            other => panic!("expected a date, got {other:?}"),
        }
        assert_eq!(range.get_value((2, 5)), Some(&Data::Bool(false)));

        let styles = book.worksheet_style("Contacts").unwrap();
        let header_style = styles.get((0, 0)).expect("header cell has a style");
        assert!(header_style.font.as_ref().is_some_and(|f| f.is_bold()));
        let money_style = styles.get((1, 2)).expect("money cell has a style");
        let money_format = money_style.number_format.as_ref().expect("money has a number format");
        assert_eq!(money_format.format_code, "#,##0.00 \"EUR\"");
        let usd = styles.get((2, 2)).and_then(|s| s.number_format.as_ref()).unwrap();
        assert_eq!(usd.format_code, "#,##0.00 \"USD\"");
        let date_format = styles.get((2, 3)).and_then(|s| s.number_format.as_ref()).unwrap();
        assert_eq!(date_format.format_code, "yyyy-mm-dd");
        // Frozen panes, the autofilter and column widths are not visible through calamine.
    }

    #[test]
    fn xlsx_sheet_names_follow_excels_rules() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("names.xlsx");
        let one_row = || vec![vec![text("x")]];
        let sheets = vec![
            sheet("Q1/Q2 [draft]: *what*?", &["A"], one_row()),
            sheet("A very long section name that Excel would refuse", &["A"], one_row()),
            sheet("contacts", &["A"], one_row()),
            sheet("CONTACTS", &["A"], one_row()),
            sheet("'quoted'", &["A"], one_row()),
            sheet("", &["A"], one_row()),
            sheet("History", &["A"], one_row()),
        ];
        write_xlsx(sheets, &path).unwrap();
        let book: Xlsx<_> = open_workbook(&path).unwrap();
        let names = book.sheet_names();
        assert_eq!(
            names,
            [
                "Q1-Q2 (draft)- _what__",
                "A very long section name that E",
                "contacts",
                "CONTACTS (2)",
                "quoted",
                "Sheet",
                "History (2)",
            ]
        );
        for name in &names {
            assert!(name.encode_utf16().count() <= 31, "{name}");
            rust_xlsxwriter::utility::check_sheet_name(name).unwrap();
        }
    }

    #[test]
    fn xlsx_sheet_longer_than_the_row_limit_continues_on_a_numbered_sheet() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("split.xlsx");
        let rows = (1..=5).map(|i| vec![ExportCell::Number(f64::from(i))]).collect();
        let stats = write_xlsx_rows_per_sheet(vec![sheet("Big", &["N"], rows)], &path, 2).unwrap();
        assert_eq!(stats.rows, 5);
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        assert_eq!(book.sheet_names(), ["Big", "Big (2)", "Big (3)"]);
        let last = book.worksheet_range("Big (3)").unwrap();
        assert_eq!(last.get_value((0, 0)), Some(&Data::String("N".into())));
        assert_eq!(last.get_value((1, 0)), Some(&Data::Float(5.0)));

        // Exactly at the limit: no empty continuation sheet.
        let rows = (1..=2).map(|i| vec![ExportCell::Number(f64::from(i))]).collect();
        write_xlsx_rows_per_sheet(vec![sheet("Even", &["N"], rows)], &path, 2).unwrap();
        let book: Xlsx<_> = open_workbook(&path).unwrap();
        assert_eq!(book.sheet_names(), ["Even"]);
    }

    #[test]
    fn xlsx_over_long_text_is_cut_to_excels_cell_limit_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.xlsx");
        let long = "ж".repeat(EXCEL_MAX_TEXT + 10);
        let stats = write_xlsx(vec![sheet("Notes", &["Note"], vec![vec![text(&long)]])], &path).unwrap();
        assert_eq!(stats.truncated, 1);
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        let range = book.worksheet_range("Notes").unwrap();
        match range.get_value((1, 0)) {
            Some(Data::String(s)) => assert_eq!(s.chars().count(), EXCEL_MAX_TEXT),
            other => panic!("expected text, got {other:?}"),
        }
    }

    #[test]
    fn xlsx_row_with_more_cells_than_columns_is_an_error_naming_the_sheet() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.xlsx");
        let err = write_xlsx(vec![sheet("Deals", &["A"], vec![vec![text("a"), text("b")]])], &path).unwrap_err();
        assert!(matches!(
            err,
            ExportError::RowTooLong {
                row: 1,
                cells: 2,
                columns: 1,
                ..
            }
        ));
        assert!(err.to_string().contains("\"Deals\""), "{err}");
    }

    #[test]
    fn xlsx_into_a_missing_directory_fails_with_the_path_in_the_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("out.xlsx");
        let err = write_xlsx(vec![contacts()], &path).unwrap_err();
        assert!(err.to_string().contains("out.xlsx"), "{err}");
    }

    #[test]
    fn column_widths_fit_content_within_bounds() {
        assert_eq!(cell_width(&text("ab")), 2);
        assert_eq!(cell_width(&text("line one\nthe longest line\nx")), 16);
        assert_eq!(cell_width(&text("日本")), 4);
        assert_eq!(cell_width(&money(1234.5, "EUR")), "1,234.50 EUR".len());
    }

    // ---- CSV

    #[test]
    fn csv_default_is_utf8_with_bom_commas_crlf_and_iso_dates() {
        let (bytes, stats) = csv_string(contacts(), &CsvProfile::Utf8Bom);
        assert_eq!(stats.rows, 2);
        assert_eq!(stats.unmappable, 0);
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert_eq!(
            text,
            "Name,Age,Balance,Born,Last call,Active\r\n\
             Ada <script>alert(1)</script> & Co,36.5,1234.50 EUR,1815-12-10,2024-03-05 14:30,TRUE\r\n\
             Борис,,-7.25 USD,1990-01-31,,FALSE\r\n"
        );
        assert!(!text.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn csv_quotes_fields_with_separators_quotes_and_line_breaks() {
        let rows = vec![vec![text("a,b"), text("say \"hi\""), text("two\nlines")]];
        let (bytes, _) = csv_string(sheet("S", &["x", "y", "z"], rows), &CsvProfile::Utf8Bom);
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert_eq!(text, "x,y,z\r\n\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
    }

    #[test]
    fn csv_for_russian_excel_round_trips_cyrillic_in_windows_1251_with_semicolons_and_decimal_commas() {
        let profile = CsvProfile::ExcelLocale {
            delimiter: b';',
            encoding: encoding_rs::WINDOWS_1251,
        };
        let rows = vec![vec![
            text("Иванов; Пётр"),
            ExportCell::Number(1234.5),
            money(99.9, "RUB"),
            ExportCell::Date(date(2024, 3, 31)),
            text("snow ☃ and 中"),
        ]];
        let (bytes, stats) = csv_string(
            sheet("Клиенты", &["Имя", "Сумма", "Баланс", "Дата", "Заметка"], rows),
            &profile,
        );
        assert!(!bytes.starts_with(b"\xEF\xBB\xBF"));
        assert_eq!(stats.unmappable, 2);
        let (decoded, _, had_errors) = encoding_rs::WINDOWS_1251.decode(&bytes);
        assert!(!had_errors);
        assert_eq!(
            decoded,
            "Имя;Сумма;Баланс;Дата;Заметка\r\n\"Иванов; Пётр\";1234,5;99,90 RUB;31.03.2024;snow ? and ?\r\n"
        );
    }

    #[test]
    fn csv_in_a_legacy_encoding_refuses_text_it_cannot_hold_naming_record_and_field() {
        let rows = vec![vec![text("Пётр"), text("Иванов")], vec![text("Ali"), text("محمدی")]];
        let mut out = Vec::new();
        let err = write_csv(
            sheet("contacts", &["First name", "Last name"], rows),
            &CsvProfile::excel_cyrillic(),
            Formulas::Defuse,
            Unrepresentable::Refuse,
            &mut out,
        )
        .unwrap_err();
        let ExportError::Unrepresentable {
            row,
            field,
            value,
            encoding,
            ..
        } = &err
        else {
            panic!("{err}")
        };
        assert_eq!(
            (*row, field.as_str(), value.as_str(), *encoding),
            (2, "Last name", "محمدی", "windows-1251")
        );
        let message = err.to_string();
        assert!(
            message.contains("record 2") && message.contains("\"Last name\""),
            "{message}"
        );
        // A header the encoding cannot hold is named as itself.
        let err = write_csv(
            sheet("contacts", &["نام"], vec![vec![text("x")]]),
            &CsvProfile::excel_cyrillic(),
            Formulas::Defuse,
            Unrepresentable::Refuse,
            &mut Vec::new(),
        )
        .unwrap_err();
        assert!(matches!(err, ExportError::Unrepresentable { row: 0, .. }), "{err}");
    }

    #[test]
    fn csv_in_utf16_has_a_bom_and_every_character() {
        let profile = CsvProfile::ExcelLocale {
            delimiter: b'\t',
            encoding: UTF_16LE,
        };
        let (bytes, stats) = csv_string(
            sheet("S", &["a", "b"], vec![vec![text("☃ 中"), ExportCell::Number(1.5)]]),
            &profile,
        );
        assert_eq!(stats.unmappable, 0);
        assert!(bytes.starts_with(&[0xFF, 0xFE]));
        let (decoded, _, had_errors) = UTF_16LE.decode(&bytes);
        assert!(!had_errors);
        assert_eq!(decoded, "a\tb\r\n☃ 中\t1.5\r\n");
    }

    #[test]
    fn csv_starting_with_id_is_quoted_so_excel_does_not_take_it_for_sylk() {
        let profile = CsvProfile::ExcelLocale {
            delimiter: b';',
            encoding: encoding_rs::WINDOWS_1252,
        };
        let (bytes, _) = csv_string(
            sheet("S", &["ID", "Name"], vec![vec![ExportCell::Number(1.0), text("x")]]),
            &profile,
        );
        assert_eq!(bytes, b"\"ID\";\"Name\"\r\n1;x\r\n");
    }

    #[test]
    fn csv_in_a_stateful_encoding_ends_back_in_ascii() {
        let profile = CsvProfile::ExcelLocale {
            delimiter: b',',
            encoding: encoding_rs::ISO_2022_JP,
        };
        let (bytes, stats) = csv_string(sheet("S", &["名前"], vec![vec![text("日本☃")]]), &profile);
        assert_eq!(stats.unmappable, 1);
        let (decoded, _, had_errors) = encoding_rs::ISO_2022_JP.decode(&bytes);
        assert!(!had_errors);
        assert_eq!(decoded, "名前\r\n日本?\r\n");
    }

    // ---- HTML

    #[test]
    fn html_table_escapes_every_value_and_marks_right_to_left_cells() {
        let rows = vec![vec![
            text("<script>alert('x')</script> & \"co\""),
            text("שלום עולם"),
            money(1234.5, "EUR"),
        ]];
        let mut out = Vec::new();
        let stats = write_html(
            sheet("Deals <b>&</b>", &["Name & <i>", "Note", "Amount"], rows),
            HtmlLayout::Table,
            &mut out,
        )
        .unwrap();
        assert_eq!(stats.rows, 1);
        let html = String::from_utf8(out).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<meta charset=\"utf-8\">"));
        assert!(html.contains("<title>Deals &lt;b&gt;&amp;&lt;/b&gt;</title>"));
        assert!(html.contains("@media print"));
        assert!(html.contains("<thead>\n<tr><th scope=\"col\">Name &amp; &lt;i&gt;</th>"));
        assert!(html.contains("<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;</td>"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("<td dir=\"auto\">שלום עולם</td>"));
        assert!(html.contains("<td class=\"num\">1,234.50 EUR</td>"));
        assert!(html.trim_end().ends_with("</html>"));
    }

    #[test]
    fn html_cards_have_one_section_per_record_with_its_non_empty_fields() {
        let mut out = Vec::new();
        write_html(contacts(), HtmlLayout::Cards, &mut out).unwrap();
        let html = String::from_utf8(out).unwrap();
        assert_eq!(html.matches("<section>").count(), 2);
        assert!(!html.contains("<table>"));
        assert!(html.contains("<dt>Name</dt><dd>Ada &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</dd>"));
        assert!(html.contains("<dt>Active</dt><dd>yes</dd>"));
        assert!(html.contains("<dt>Last call</dt><dd>2024-03-05 14:30</dd>"));
        // Борис has no age and no last call.
        let second = html.split("<section>").nth(2).unwrap();
        assert!(!second.contains("<dt>Age</dt>"));
        assert!(!second.contains("<dt>Last call</dt>"));
    }

    // ---- Text

    #[test]
    fn text_has_one_aligned_block_per_record() {
        let rows = vec![
            vec![text("Ada"), text("line one\nline two"), ExportCell::Bool(true)],
            vec![text("Bob"), ExportCell::Empty, ExportCell::Bool(false)],
        ];
        let mut out = Vec::new();
        let stats = write_text(sheet("People", &["Name", "Notes", "Subscribed"], rows), &mut out).unwrap();
        assert_eq!(stats.rows, 2);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "People\r\n======\r\n\
             \r\n\
             Name:       Ada\r\n\
             Notes:      line one\r\n\
             \x20           line two\r\n\
             Subscribed: yes\r\n\
             \r\n\
             Name:       Bob\r\n\
             Subscribed: no\r\n"
        );
    }

    // ---- JSON lines

    #[test]
    fn json_lines_parse_back_with_typed_values_and_no_empty_keys() {
        let keys: Vec<String> = ["name", "age", "balance", "born", "last_call", "active"]
            .iter()
            .map(|k| k.to_string())
            .collect();
        let mut out = Vec::new();
        let stats = write_json_lines(contacts(), &keys, &mut out).unwrap();
        assert_eq!(stats.rows, 2);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0],
            serde_json::json!({
                "name": "Ada <script>alert(1)</script> & Co",
                "age": 36.5,
                "balance": {"amount": 1234.5, "currency": "EUR"},
                "born": "1815-12-10",
                "last_call": "2024-03-05T14:30:00",
                "active": true,
            })
        );
        assert_eq!(
            lines[1],
            serde_json::json!({
                "name": "Борис",
                "balance": {"amount": -7.25, "currency": "USD"},
                "born": "1990-01-31",
                "active": false,
            })
        );
        // Keys keep the column order.
        assert!(text.starts_with("{\"name\":"));
    }

    #[test]
    fn json_lines_need_one_distinct_key_per_column() {
        let mut out = Vec::new();
        let err = write_json_lines(contacts(), &["a".to_string()], &mut out).unwrap_err();
        assert!(matches!(
            err,
            ExportError::KeyCount {
                keys: 1,
                columns: 6,
                ..
            }
        ));
        let keys: Vec<String> = ["a", "b", "c", "d", "e", "a"].iter().map(|k| k.to_string()).collect();
        let err = write_json_lines(contacts(), &keys, &mut out).unwrap_err();
        assert!(matches!(err, ExportError::DuplicateKey { ref key, .. } if key == "a"));
    }

    // ---- Shared

    #[test]
    fn amounts_are_grouped_by_thousands_for_people() {
        assert_eq!(grouped_amount(0.0), "0.00");
        assert_eq!(grouped_amount(-0.001), "0.00");
        assert_eq!(grouped_amount(999.999), "1,000.00");
        assert_eq!(grouped_amount(-1234567.5), "-1,234,567.50");
    }

    #[test]
    fn io_errors_name_the_format_and_sheet() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let err = write_csv(
            contacts(),
            &CsvProfile::Utf8Bom,
            Formulas::Defuse,
            Unrepresentable::Refuse,
            &mut Broken,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "could not write the CSV export of \"Contacts\": disk full"
        );
    }

    #[test]
    fn a_row_that_cannot_be_read_stops_every_writer_with_the_reason() {
        let broken = || ExportSheet {
            name: "Contacts".into(),
            headers: vec!["Name".into()],
            rows: Box::new(
                [
                    Ok(vec![ExportCell::Text("Ann".into())]),
                    Err("database disk image is malformed".to_string()),
                ]
                .into_iter(),
            ),
        };
        let want =
            "sheet \"Contacts\": record 2 could not be read, so the export stopped: database disk image is malformed";
        let mut out = Vec::new();
        assert_eq!(
            write_csv(
                broken(),
                &CsvProfile::Utf8Bom,
                Formulas::Defuse,
                Unrepresentable::Refuse,
                &mut out
            )
            .unwrap_err()
            .to_string(),
            want
        );
        assert_eq!(
            write_html(broken(), HtmlLayout::Table, &mut out)
                .unwrap_err()
                .to_string(),
            want
        );
        assert_eq!(write_text(broken(), &mut out).unwrap_err().to_string(), want);
        let keys = vec!["name".to_string()];
        assert_eq!(
            write_json_lines(broken(), &keys, &mut out).unwrap_err().to_string(),
            want
        );
        let dir = tempfile::tempdir().unwrap();
        let err = write_xlsx(vec![broken()], &dir.path().join("x.xlsx"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("could not be read") && err.contains("malformed"), "{err}");
    }
}
