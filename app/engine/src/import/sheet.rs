//! Spreadsheets: Excel workbooks (`.xlsx`, `.xlsm`, `.xls`, `.xlsb`) and OpenDocument sheets
//! (`.ods`), read with calamine. One sheet is read: the one named in [`SheetOptions`], or the
//! first sheet with data (visible sheets before hidden ones).
//!
//! The header row is found, not assumed: it is the first row, among the first 20 from the
//! sheet's first non-empty row, with at least two non-empty text cells and data below it, so
//! titles ("Client list 2024") and blank rows above a table are skipped. A row with data
//! directly below it wins over one followed by a blank row (a two-cell title such as
//! "Exported by | Anna"). A sheet with no such row (a single column, say) takes its first
//! non-empty row as the header. Columns run from
//! the header's first cell rightwards (notes left of the table are ignored; data right of the
//! last header cell gets a column with an empty name rather than being dropped).
//!
//! Cells keep the spreadsheet's types: numbers, booleans, text, and dates (a number with a
//! date format, or an OpenDocument date) as [`Cell::Date`] when the time is midnight, else
//! [`Cell::DateTime`]. Times of day and durations have no cell type of their own and come as
//! text the way a spreadsheet shows them (`09:30`, `37:30:15`). Error cells (`#DIV/0!`) are
//! empty. Fully empty rows are skipped; [`Row::number`] is the row number the spreadsheet shows.
//!
//! ```
//! use cardbase_engine::import::sheet::{SheetOptions, SheetReader};
//! use cardbase_engine::import::table::{Cell, TableReader};
//!
//! # let dir = tempfile::tempdir().unwrap();
//! # let path = dir.path().join("clients.xlsx");
//! # let mut book = rust_xlsxwriter::Workbook::new();
//! # let ws = book.add_worksheet().set_name("Clients").unwrap();
//! # ws.write(0, 0, "Client list 2024").unwrap();
//! # ws.write(2, 0, "Name").unwrap();
//! # ws.write(2, 1, "Visits").unwrap();
//! # ws.write(3, 0, "Ada").unwrap();
//! # ws.write(3, 1, 3).unwrap();
//! # book.save(&path).unwrap();
//! // clients.xlsx: a title in A1, a blank row, the header in row 3, data from row 4.
//! let mut reader = SheetReader::open(&path, &SheetOptions::default()).unwrap();
//! assert_eq!(reader.sheet(), "Clients");
//! assert_eq!(reader.headers(), ["Name", "Visits"]);
//! let row = reader.next_row().unwrap().unwrap();
//! assert_eq!(row.number, 4);
//! assert_eq!(row.cells, [Cell::Text("Ada".into()), Cell::Number(3.0)]);
//! assert!(reader.next_row().is_none());
//! assert_eq!(SheetReader::sheet_names(&path).unwrap(), ["Clients"]);
//! ```

use super::table::{Cell, ReadError, Row, TableReader, check_whole_file_size};
use calamine::{
    Data, DataRef, ExcelDateTime, Ods, OdsError, Range, Reader, SheetType, SheetVisible, Sheets, Xls, XlsError, Xlsb,
    XlsbError, Xlsx, XlsxError, open_workbook_from_rs,
};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// How many rows, from the first non-empty one, may sit above the header (titles, notes).
const HEADER_SEARCH_ROWS: usize = 20;
/// Milliseconds in a day, for Excel serials (days) and ISO durations.
const DAY_MS: f64 = 86_400_000.0;
/// Excel's last serial day (9999-12-31) plus one: larger numbers are not dates.
const SERIAL_END: f64 = 2_958_466.0;

/// Which sheet to read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SheetOptions {
    /// A sheet by name (an exact match, else the one matching regardless of case); `None`
    /// reads the first sheet with data.
    pub sheet: Option<String>,
}

/// Reads one sheet of a workbook (held in memory: calamine loads a sheet whole).
pub struct SheetReader {
    file: String,
    sheet: String,
    headers: Vec<String>,
    range: Range<Data>,
    /// OpenDocument: error cells arrive as their text (`#DIV/0!`, `Err:502`).
    ods: bool,
    /// The sheet row (0-based) of the range's first row.
    top: usize,
    /// The range column (0-based, relative) of the first column; `headers.len()` columns follow.
    left: usize,
    /// The range row (relative) to read next.
    next: usize,
    /// The range row (relative) of the header.
    header: usize,
}

/// The formats calamine reads, picked by extension.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

impl Kind {
    fn from_path(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" | "xlsm" => Some(Kind::Xlsx),
            "xlsb" => Some(Kind::Xlsb),
            "xls" => Some(Kind::Xls),
            "ods" => Some(Kind::Ods),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Xlsx => "an Excel workbook (.xlsx)",
            Kind::Xlsb => "an Excel binary workbook (.xlsb)",
            Kind::Xls => "an Excel 97-2003 workbook (.xls)",
            Kind::Ods => "an OpenDocument spreadsheet (.ods)",
        }
    }

    /// Other formats the bytes may really be in (files get renamed): zip-based or OLE-based.
    fn others_by_content(self, bytes: &[u8]) -> &'static [Kind] {
        const ZIP: &[u8] = b"PK\x03\x04";
        const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
        match self {
            Kind::Xls if bytes.starts_with(ZIP) => &[Kind::Xlsx, Kind::Ods],
            Kind::Ods if bytes.starts_with(ZIP) => &[Kind::Xlsx],
            Kind::Xlsx | Kind::Xlsb if bytes.starts_with(ZIP) => &[Kind::Ods],
            Kind::Xlsx | Kind::Xlsb | Kind::Ods if bytes.starts_with(OLE) => &[Kind::Xls],
            _ => &[],
        }
    }
}

type Book<'a> = Sheets<Cursor<&'a [u8]>>;

/// Why a workbook could not be opened.
enum OpenFailure {
    Password,
    Damaged(String),
}

/// Runs calamine, turning a panic on a malformed file into an error (calamine has had such
/// panics on real-world `.xls` files).
fn guarded<T>(f: impl FnOnce() -> Result<T, calamine::Error>) -> Result<T, OpenFailure> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(match e {
            calamine::Error::Xlsx(XlsxError::Password)
            | calamine::Error::Xlsb(XlsbError::Password)
            | calamine::Error::Xls(XlsError::Password)
            | calamine::Error::Ods(OdsError::Password) => OpenFailure::Password,
            e => OpenFailure::Damaged(e.to_string()),
        }),
        Err(_) => Err(OpenFailure::Damaged(
            "the reader stopped on a part it could not decode".into(),
        )),
    }
}

fn open_as(kind: Kind, bytes: &[u8]) -> Result<Book<'_>, OpenFailure> {
    guarded(|| {
        let rs = Cursor::new(bytes);
        Ok(match kind {
            Kind::Xlsx => Sheets::Xlsx(open_workbook_from_rs::<Xlsx<_>, _>(rs)?),
            Kind::Xlsb => Sheets::Xlsb(open_workbook_from_rs::<Xlsb<_>, _>(rs)?),
            Kind::Xls => Sheets::Xls(open_workbook_from_rs::<Xls<_>, _>(rs)?),
            Kind::Ods => Sheets::Ods(open_workbook_from_rs::<Ods<_>, _>(rs)?),
        })
    })
}

fn error(file: &str, message: impl Into<String>) -> ReadError {
    ReadError {
        file: file.to_string(),
        row: 0,
        message: message.into(),
    }
}

/// Opens the workbook in `bytes` as its extension says (or as what its content turns out to
/// be, for a renamed file).
fn open_book<'a>(file: &str, path: &Path, bytes: &'a [u8]) -> Result<Book<'a>, ReadError> {
    let kind = Kind::from_path(path).ok_or_else(|| {
        error(
            file,
            "is not a spreadsheet this import reads (.xlsx, .xlsm, .xls or .ods)",
        )
    })?;
    if bytes.is_empty() {
        return Err(error(file, "is empty (0 bytes): it is not a spreadsheet"));
    }
    if let Some(damage) = super::ole::damage(bytes) {
        return Err(error(
            file,
            format!("cannot be read as {}: it is damaged ({damage})", kind.name()),
        ));
    }
    // Calamine lays out every sheet of an .xls while opening it: refuse a workbook that claims
    // more cells than that may take before its allocation takes the process down.
    if let Some(book) = super::ole::stream(bytes, &["Workbook", "Book"]) {
        let cells = super::ole::xls_cells_laid_out(&book);
        if cells > XLS_MAX_CELLS {
            return Err(error(
                file,
                format!(
                    "cannot be read as {}: it is damaged or too big (its sheets claim {cells} cells, more \
                     than the {XLS_MAX_CELLS} this import reads from an .xls)",
                    kind.name()
                ),
            ));
        }
    }
    let detail = match open_as(kind, bytes) {
        Ok(book) => return Ok(book),
        Err(OpenFailure::Password) => {
            return Err(error(
                file,
                "is protected by a password: open it in your spreadsheet program, remove the password, \
                 save it and import it again",
            ));
        }
        Err(OpenFailure::Damaged(detail)) => detail,
    };
    for other in kind.others_by_content(bytes) {
        if let Ok(book) = open_as(*other, bytes) {
            return Ok(book);
        }
    }
    let start = bytes.iter().find(|b| !(b.is_ascii_whitespace() || **b > 0x7f));
    if start == Some(&b'<') {
        return Err(error(
            file,
            format!(
                "is a web page or XML file, not {}: open it in your spreadsheet program and save it \
                 as .xlsx",
                kind.name()
            ),
        ));
    }
    Err(error(
        file,
        format!(
            "cannot be read as {}: it is damaged or a different kind of file ({detail})",
            kind.name()
        ),
    ))
}

/// The worksheets (not charts or macro sheets), with whether each is visible.
fn worksheets(book: &Book<'_>) -> Vec<(String, bool)> {
    book.sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect()
}

fn load_range(file: &str, book: &mut Book<'_>, sheet: &str) -> Result<Range<Data>, ReadError> {
    let loaded = guarded(|| sparse_range(book, sheet)).map_err(|e| match e {
        OpenFailure::Password => error(file, "is protected by a password"),
        OpenFailure::Damaged(detail) => error(
            file,
            format!("sheet \"{sheet}\" cannot be read: the file is damaged ({detail})"),
        ),
    })?;
    loaded.map_err(|(rows, columns)| {
        error(
            file,
            format!(
                "sheet \"{sheet}\" spans {rows} rows by {columns} columns, more than the {MAX_SHEET_CELLS} cells a sheet \
                 may have: delete the cells far outside the table (or save the sheet as CSV) and import it again"
            ),
        )
    })
}

/// The most cells the rectangle from a sheet's first used cell to its last may hold: the
/// reader holds all of them (32 bytes each, so 1 GiB at most). Two cells far apart (`A1` and
/// `XFD1048576`, in a 6 KB file) would otherwise ask for 17 billion and abort the process
/// (found by hand after fuzzing the `sheet` target).
const MAX_SHEET_CELLS: u64 = 32 << 20;

/// The most cells an `.xls` may claim in all (see `ole::xls_cells_laid_out`): half of one
/// full Excel 97 sheet (65,536 rows × 256 columns). Calamine keeps about 70 bytes per claimed
/// cell while opening, so this bounds it to about 600 MB.
const XLS_MAX_CELLS: u64 = 8 << 20;

/// A sheet's range, or its size in (rows, columns) when that is over [`MAX_SHEET_CELLS`].
/// Excel workbooks (.xlsx, .xlsb) are read cell by cell, so the size is known before the range
/// is laid out; .xls and .ods sheets are smaller by their formats' limits.
fn sparse_range(book: &mut Book<'_>, sheet: &str) -> Result<Result<Range<Data>, (u64, u64)>, calamine::Error> {
    let mut cells = Vec::new();
    let mut keep = |cell: calamine::Cell<DataRef<'_>>| {
        if !matches!(cell.get_value(), DataRef::Empty) {
            cells.push(calamine::Cell::new(
                cell.get_position(),
                Data::from(cell.get_value().clone()),
            ));
        }
    };
    match book {
        Sheets::Xlsx(x) => {
            let mut reader = match x.worksheet_cells_reader(sheet) {
                Ok(reader) => reader,
                Err(XlsxError::NotAWorksheet(_)) => return Ok(Ok(Range::default())),
                Err(e) => return Err(e.into()),
            };
            while let Some(cell) = reader.next_cell()? {
                keep(cell);
            }
        }
        Sheets::Xlsb(x) => {
            let mut reader = x.worksheet_cells_reader(sheet)?;
            while let Some(cell) = reader.next_cell()? {
                keep(cell);
            }
        }
        other => return other.worksheet_range(sheet).map(Ok),
    }
    let bounds = cells.iter().map(|c| c.get_position()).fold(None, |b, (r, c)| {
        let (r0, r1, c0, c1) = b.unwrap_or((r, r, c, c));
        Some((r0.min(r), r1.max(r), c0.min(c), c1.max(c)))
    });
    if let Some((r0, r1, c0, c1)) = bounds {
        let (rows, columns) = (u64::from(r1 - r0) + 1, u64::from(c1 - c0) + 1);
        if rows * columns > MAX_SHEET_CELLS {
            return Ok(Err((rows, columns)));
        }
    }
    Ok(Ok(Range::from_sparse(cells)))
}

/// The workbook's bytes: calamine reads a workbook whole, so a huge one is refused first.
fn read_whole(file: &str, path: &Path) -> Result<Vec<u8>, ReadError> {
    check_whole_file_size(
        file,
        path,
        "save the sheet as CSV in your spreadsheet program and import that (CSV files of any size are read a piece at a time)",
    )?;
    std::fs::read(path).map_err(|e| error(file, format!("cannot be opened: {e}")))
}

fn quoted_list(names: &[String]) -> String {
    names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
}

impl SheetReader {
    /// Opens `path` (its kind by extension: `.xlsx`, `.xlsm`, `.xls`, `.ods`) at the sheet
    /// `options` names, and finds the header row. Errors name the file: an unknown extension,
    /// a damaged or password-protected file, a missing sheet (listing the sheets there are),
    /// or a sheet without data.
    pub fn open(path: &Path, options: &SheetOptions) -> Result<SheetReader, ReadError> {
        let file = path.display().to_string();
        let bytes = read_whole(&file, path)?;
        let mut book = open_book(&file, path, &bytes)?;
        let ods = matches!(book, Sheets::Ods(_));
        let sheets = worksheets(&book);
        let names: Vec<String> = sheets.iter().map(|(n, _)| n.clone()).collect();
        let (sheet, range) = match &options.sheet {
            Some(wanted) => {
                let lower = wanted.to_lowercase();
                let loose: Vec<&String> = names.iter().filter(|n| n.to_lowercase() == lower).collect();
                let name = match names.iter().find(|n| *n == wanted) {
                    Some(n) => n.clone(),
                    None if loose.len() == 1 => loose[0].clone(),
                    None => {
                        return Err(error(
                            &file,
                            format!(
                                "has no sheet named \"{wanted}\"; its sheets are {}",
                                quoted_list(&names)
                            ),
                        ));
                    }
                };
                let range = load_range(&file, &mut book, &name)?;
                if !has_data(&range, ods) {
                    return Err(error(&file, format!("sheet \"{name}\" is empty")));
                }
                (name, range)
            }
            None => {
                let order = sheets
                    .iter()
                    .filter(|(_, visible)| *visible)
                    .chain(sheets.iter().filter(|(_, v)| !*v));
                let mut found = None;
                for (name, _) in order {
                    let range = load_range(&file, &mut book, name)?;
                    if has_data(&range, ods) {
                        found = Some((name.clone(), range));
                        break;
                    }
                }
                found.ok_or_else(|| error(&file, "has no sheet with data"))?
            }
        };
        let reader = SheetReader::from_range(file, sheet, range, ods);
        Ok(reader)
    }

    /// The worksheets of the workbook at `path`, in workbook order (hidden ones too).
    pub fn sheet_names(path: &Path) -> Result<Vec<String>, ReadError> {
        let file = path.display().to_string();
        let bytes = read_whole(&file, path)?;
        let book = open_book(&file, path, &bytes)?;
        Ok(worksheets(&book).into_iter().map(|(n, _)| n).collect())
    }

    /// The name of the sheet being read.
    pub fn sheet(&self) -> &str {
        &self.sheet
    }

    /// The file name errors mention.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Lays out a sheet with data: finds the header row and the columns.
    fn from_range(file: String, sheet: String, range: Range<Data>, ods: bool) -> SheetReader {
        let (height, width) = range.get_size();
        let data = |r: usize, c: usize| range.get((r, c)).is_some_and(|d| !blank(d, ods));
        let filled = |r: usize| (0..width).any(|c| data(r, c));
        let first = (0..height).find(|&r| filled(r)).unwrap_or(0);
        let last = (0..height).rev().find(|&r| filled(r)).unwrap_or(0);
        let texts = |r: usize| {
            (0..width)
                .filter(|&c| matches!(range.get((r, c)), Some(Data::String(s)) if !s.trim().is_empty()))
                .filter(|&c| data(r, c))
                .count()
        };
        // A header is followed by data: directly below it if any candidate is (a title such as
        // "Exported by | Anna" sits above a blank row), else anywhere below it.
        let search = first..height.min(first + HEADER_SEARCH_ROWS);
        let header = search
            .clone()
            .find(|&r| r < last && texts(r) >= 2 && filled(r + 1))
            .or_else(|| search.clone().find(|&r| r < last && texts(r) >= 2))
            .unwrap_or(first);
        let left = (0..width).find(|&c| data(header, c)).unwrap_or(0);
        let right = (left..width)
            .rev()
            .find(|&c| (header..height).any(|r| data(r, c)))
            .unwrap_or(left);
        let headers = (left..=right)
            .map(|c| {
                range
                    .get((header, c))
                    .map(|d| header_text(&convert(d, ods)))
                    .unwrap_or_default()
            })
            .collect();
        let top = range.start().map_or(0, |(r, _)| r as usize);
        SheetReader {
            file,
            sheet,
            headers,
            range,
            ods,
            top,
            left,
            next: header + 1,
            header,
        }
    }
}

impl TableReader for SheetReader {
    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_row(&mut self) -> Option<Result<Row, ReadError>> {
        let height = self.range.height();
        while self.next < height {
            let r = self.next;
            self.next += 1;
            let cells: Vec<Cell> = (self.left..self.left + self.headers.len())
                .map(|c| self.range.get((r, c)).map_or(Cell::Empty, |d| convert(d, self.ods)))
                .collect();
            if cells.iter().all(Cell::is_empty) {
                continue;
            }
            return Some(Ok(Row {
                number: self.top + r + 1,
                cells,
            }));
        }
        None
    }

    /// Sheet rows below the header: read so far, and in all.
    fn progress(&self) -> (u64, u64) {
        let below = |r: usize| r.saturating_sub(self.header + 1) as u64;
        (below(self.next), below(self.range.height()))
    }
}

fn has_data(range: &Range<Data>, ods: bool) -> bool {
    range.used_cells().any(|(_, _, d)| !blank(d, ods))
}

/// Whether a cell converts to an empty one ([`Cell::is_empty`]), without converting it.
fn blank(d: &Data, ods: bool) -> bool {
    match d {
        Data::Empty | Data::Error(_) => true,
        Data::String(s) => s.trim().is_empty() || (ods && is_ods_error(s)),
        _ => false,
    }
}

/// A header cell as a column name.
fn header_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(t) => t.trim().to_string(),
        Cell::Number(n) => n.to_string(),
        Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::DateTime(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        Cell::Typed(v) => v.display(),
    }
}

/// One calamine cell as a typed cell.
fn convert(d: &Data, ods: bool) -> Cell {
    match d {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(s) if s.is_empty() || (ods && is_ods_error(s)) => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => excel_datetime(dt),
        Data::DateTimeIso(s) => iso_datetime(s).unwrap_or_else(|| Cell::Text(s.clone())),
        Data::DurationIso(s) => iso_duration_ms(s).map_or_else(|| Cell::Text(s.clone()), |ms| Cell::Text(clock(ms))),
    }
}

/// calamine hands OpenDocument error cells over as the text LibreOffice shows for them.
fn is_ods_error(s: &str) -> bool {
    matches!(
        s,
        "#DIV/0!" | "#N/A" | "#NAME?" | "#NULL!" | "#NUM!" | "#REF!" | "#VALUE!"
    ) || s
        .strip_prefix("Err:")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// An Excel serial with a date or time format: a date, a date and time, or (before day 1, or
/// with a duration format) a clock time as text.
fn excel_datetime(dt: &ExcelDateTime) -> Cell {
    let v = dt.as_f64();
    if dt.is_duration() && v.is_finite() {
        return Cell::Text(clock((v * DAY_MS).round() as i64));
    }
    if !(0.0..SERIAL_END).contains(&v) {
        return Cell::Number(v);
    }
    if v < 1.0 {
        // A time of day alone (day 0 is no real date: Excel shows 1900-01-00).
        return Cell::Text(clock(((v * DAY_MS).round() as i64).rem_euclid(DAY_MS as i64)));
    }
    let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
    // 1900-02-29 (serial 60), which Excel counts but never was, fails here and stays a number.
    let Some(date) = NaiveDate::from_ymd_opt(y.into(), mo.into(), d.into()) else {
        return Cell::Number(v);
    };
    match NaiveTime::from_hms_milli_opt(h.into(), mi.into(), s.into(), ms.into()) {
        Some(t) => date_or_datetime(date.and_time(t)),
        None => Cell::Number(v),
    }
}

fn date_or_datetime(t: NaiveDateTime) -> Cell {
    if t.time() == NaiveTime::MIN {
        Cell::Date(t.date())
    } else {
        Cell::DateTime(t)
    }
}

/// An OpenDocument `office:date-value`: `2024-03-15` or `2024-03-15T14:30:00[.5]`.
fn iso_datetime(s: &str) -> Option<Cell> {
    let s = s.trim();
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(date_or_datetime(t));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(Cell::Date(d));
    }
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| date_or_datetime(t.naive_local()))
}

/// An OpenDocument `office:time-value` (an ISO 8601 duration such as `PT09H30M00S`, used for
/// times of day too) in milliseconds.
fn iso_duration_ms(s: &str) -> Option<i64> {
    let s = s.trim();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let mut rest = s.strip_prefix('P')?;
    let (mut total, mut in_time, mut any) = (0.0_f64, false, false);
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('T') {
            if in_time {
                return None;
            }
            in_time = true;
            rest = after;
            continue;
        }
        let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))?;
        let n: f64 = rest[..end].replace(',', ".").parse().ok()?;
        let unit = rest[end..].chars().next()?;
        let factor = match (in_time, unit) {
            (false, 'W') => 7.0 * DAY_MS,
            (false, 'D') => DAY_MS,
            // Years and months have no fixed length; LibreOffice writes them as zero.
            (false, 'Y' | 'M') if n == 0.0 => 0.0,
            (true, 'H') => 3_600_000.0,
            (true, 'M') => 60_000.0,
            (true, 'S') => 1_000.0,
            _ => return None,
        };
        total += n * factor;
        any = true;
        rest = &rest[end + unit.len_utf8()..];
    }
    if !any || !total.is_finite() || total > 1e15 {
        return None;
    }
    let ms = total.round() as i64;
    Some(if negative { -ms } else { ms })
}

/// A time or duration as a spreadsheet shows it: `09:30`, `37:30:15`, `00:00:01.500`.
fn clock(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.unsigned_abs();
    let (h, m, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1_000 % 60, ms % 1_000);
    match (s, milli) {
        (0, 0) => format!("{sign}{h:02}:{m:02}"),
        (_, 0) => format!("{sign}{h:02}:{m:02}:{s:02}"),
        _ => format!("{sign}{h:02}:{m:02}:{s:02}.{milli:03}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType;
    use rust_xlsxwriter::{ExcelDateTime as XlDate, Format, Workbook};
    use std::io::Write;
    use std::path::PathBuf;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn datetime(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        date(y, m, d).and_hms_opt(h, mi, s).unwrap()
    }

    fn text(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }

    fn rows(reader: &mut SheetReader) -> Vec<Row> {
        std::iter::from_fn(|| reader.next_row()).map(Result::unwrap).collect()
    }

    /// The workbook the tests read: an empty first sheet, "Clients" (a title, a blank row, the
    /// header in row 3 from column B, typed rows, a blank row, a note left of the table) and
    /// "Notes".
    fn clients_xlsx(dir: &Path) -> PathBuf {
        let path = dir.join("clients.xlsx");
        let mut book = Workbook::new();
        let day = Format::new().set_num_format("yyyy-mm-dd");
        let stamp = Format::new().set_num_format("yyyy-mm-dd hh:mm");
        let time = Format::new().set_num_format("hh:mm");
        let hours = Format::new().set_num_format("[h]:mm:ss");
        book.add_worksheet().set_name("Empty").unwrap();

        let ws = book.add_worksheet().set_name("Clients").unwrap();
        ws.write(0, 0, "Client list 2024").unwrap();
        for (c, h) in [
            "Name",
            "Born",
            "Last visit",
            "Balance",
            "Active",
            "City",
            "Time",
            "Worked",
        ]
        .iter()
        .enumerate()
        {
            ws.write(2, 1 + c as u16, *h).unwrap();
        }
        ws.write(3, 1, "Ada Lovelace").unwrap();
        ws.write_datetime_with_format(3, 2, XlDate::from_ymd(1985, 7, 4).unwrap(), &day)
            .unwrap();
        let visit = XlDate::from_ymd(2024, 3, 15).unwrap().and_hms(14, 30, 0).unwrap();
        ws.write_datetime_with_format(3, 3, visit, &stamp).unwrap();
        ws.write(3, 4, 1234.5).unwrap();
        ws.write(3, 5, true).unwrap();
        ws.write(3, 6, "London").unwrap();
        ws.write_datetime_with_format(3, 7, XlDate::from_hms(9, 30, 0).unwrap(), &time)
            .unwrap();
        ws.write_number_with_format(3, 8, 1.5625 + 15.0 / 86_400.0, &hours)
            .unwrap();

        ws.write(4, 1, "Пётр Иванов").unwrap();
        ws.write_datetime_with_format(4, 2, XlDate::from_ymd(1990, 1, 31).unwrap(), &day)
            .unwrap();
        let midnight = XlDate::from_ymd(2024, 3, 16).unwrap().and_hms(0, 0, 0).unwrap();
        ws.write_datetime_with_format(4, 3, midnight, &stamp).unwrap();
        ws.write(4, 4, -12).unwrap();
        ws.write(4, 5, false).unwrap();
        ws.write(4, 6, "Москва").unwrap();
        ws.write_formula(4, 7, "=1/0")
            .unwrap()
            .set_formula_result(4, 7, "#DIV/0!");

        // Row 6 is blank; row 7 has a note left of the table and Persian text.
        ws.write(6, 0, "checked by Anna").unwrap();
        ws.write(6, 1, "مریم احمدی").unwrap();
        ws.write(6, 4, 0.1).unwrap();
        ws.write(6, 6, "تهران").unwrap();

        let notes = book.add_worksheet().set_name("Notes").unwrap();
        notes.write(0, 0, "Topic").unwrap();
        notes.write(0, 1, "Note").unwrap();
        notes.write(1, 0, "Tax").unwrap();
        notes.write(1, 1, "Due in April").unwrap();
        book.save(&path).unwrap();
        path
    }

    fn expected_clients() -> (Vec<&'static str>, Vec<Row>) {
        let headers = vec![
            "Name",
            "Born",
            "Last visit",
            "Balance",
            "Active",
            "City",
            "Time",
            "Worked",
        ];
        let rows = vec![
            Row {
                number: 4,
                cells: vec![
                    text("Ada Lovelace"),
                    Cell::Date(date(1985, 7, 4)),
                    Cell::DateTime(datetime(2024, 3, 15, 14, 30, 0)),
                    Cell::Number(1234.5),
                    Cell::Bool(true),
                    text("London"),
                    text("09:30"),
                    text("37:30:15"),
                ],
            },
            Row {
                number: 5,
                cells: vec![
                    text("Пётр Иванов"),
                    Cell::Date(date(1990, 1, 31)),
                    Cell::Date(date(2024, 3, 16)),
                    Cell::Number(-12.0),
                    Cell::Bool(false),
                    text("Москва"),
                    Cell::Empty,
                    Cell::Empty,
                ],
            },
            Row {
                number: 7,
                cells: vec![
                    text("مریم احمدی"),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Number(0.1),
                    Cell::Empty,
                    text("تهران"),
                    Cell::Empty,
                    Cell::Empty,
                ],
            },
        ];
        (headers, rows)
    }

    #[test]
    fn xlsx_skips_titles_and_keeps_cell_types_and_row_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = clients_xlsx(dir.path());
        let mut r = SheetReader::open(&path, &SheetOptions::default()).unwrap();
        assert_eq!(r.sheet(), "Clients", "the first sheet with data");
        let (headers, expected) = expected_clients();
        assert_eq!(r.headers(), headers);
        assert_eq!(r.progress(), (0, 4));
        assert_eq!(rows(&mut r), expected);
        assert_eq!(r.progress(), (4, 4));
        assert!(r.next_row().is_none());
    }

    #[test]
    fn a_sheet_is_chosen_by_name_and_a_wrong_name_lists_the_sheets() {
        let dir = tempfile::tempdir().unwrap();
        let path = clients_xlsx(dir.path());
        assert_eq!(SheetReader::sheet_names(&path).unwrap(), ["Empty", "Clients", "Notes"]);

        let mut notes = SheetReader::open(
            &path,
            &SheetOptions {
                sheet: Some("notes".into()),
            },
        )
        .unwrap();
        assert_eq!(notes.sheet(), "Notes");
        assert_eq!(notes.headers(), ["Topic", "Note"]);
        assert_eq!(
            rows(&mut notes),
            [Row {
                number: 2,
                cells: vec![text("Tax"), text("Due in April")]
            }]
        );

        let missing = SheetReader::open(
            &path,
            &SheetOptions {
                sheet: Some("Clients 2023".into()),
            },
        )
        .err()
        .unwrap();
        assert_eq!(missing.file, path.display().to_string());
        assert_eq!(
            missing.message,
            r#"has no sheet named "Clients 2023"; its sheets are "Empty", "Clients", "Notes""#
        );
        let empty = SheetReader::open(
            &path,
            &SheetOptions {
                sheet: Some("Empty".into()),
            },
        )
        .err()
        .unwrap();
        assert_eq!(empty.message, r#"sheet "Empty" is empty"#);
    }

    #[test]
    fn hidden_sheets_come_after_visible_ones_and_columns_follow_the_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("layout.XLSX");
        let mut book = Workbook::new();
        let hidden = book.add_worksheet().set_name("Lookup").unwrap();
        hidden.write(0, 0, "Code").unwrap();
        hidden.write(0, 1, "Meaning").unwrap();
        hidden.write(1, 0, "A").unwrap();
        hidden.set_hidden(true);
        let ws = book.add_worksheet().set_name("Data").unwrap().set_active(true);
        // A note left of the table is ignored; a stray note right of it gets a nameless column.
        ws.write(1, 2, "Email").unwrap();
        ws.write(1, 3, "Phone").unwrap();
        ws.write(2, 2, "a@example.com").unwrap();
        ws.write(2, 3, 5551234).unwrap();
        ws.write(2, 5, "stray note").unwrap();
        ws.write(3, 0, "left of the table").unwrap();
        book.save(&path).unwrap();

        let mut r = SheetReader::open(&path, &SheetOptions::default()).unwrap();
        assert_eq!(r.sheet(), "Data");
        assert_eq!(r.headers(), ["Email", "Phone", "", ""]);
        let all = rows(&mut r);
        assert_eq!(
            all,
            [Row {
                number: 3,
                cells: vec![
                    text("a@example.com"),
                    Cell::Number(5551234.0),
                    Cell::Empty,
                    text("stray note")
                ],
            }],
            "row 4 has data only left of the table: it is empty"
        );
        assert_eq!(SheetReader::sheet_names(&path).unwrap(), ["Lookup", "Data"]);
    }

    #[test]
    fn a_two_cell_title_above_a_blank_row_is_not_the_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.xlsx");
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.write(0, 0, "Exported by").unwrap();
        ws.write(0, 1, "Anna").unwrap();
        ws.write(2, 0, "Name").unwrap();
        ws.write(2, 1, "City").unwrap();
        ws.write(3, 0, "Ada").unwrap();
        ws.write(3, 1, "London").unwrap();
        book.save(&path).unwrap();
        let mut r = SheetReader::open(&path, &SheetOptions::default()).unwrap();
        assert_eq!(r.headers(), ["Name", "City"]);
        assert_eq!(
            rows(&mut r),
            [Row {
                number: 4,
                cells: vec![text("Ada"), text("London")]
            }]
        );
    }

    #[test]
    fn a_single_column_takes_its_first_row_as_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("names.xlsx");
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.write(1, 1, "Name").unwrap();
        ws.write(2, 1, "Ada").unwrap();
        ws.write(3, 1, "Grace").unwrap();
        book.save(&path).unwrap();
        let mut r = SheetReader::open(&path, &SheetOptions::default()).unwrap();
        assert_eq!(r.headers(), ["Name"]);
        let numbers: Vec<usize> = rows(&mut r).iter().map(|row| row.number).collect();
        assert_eq!(numbers, [3, 4]);

        // A header alone: no rows, no error.
        let path = dir.path().join("header.xlsx");
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.write(0, 0, "Name").unwrap();
        ws.write(0, 1, "Email").unwrap();
        book.save(&path).unwrap();
        let mut r = SheetReader::open(&path, &SheetOptions::default()).unwrap();
        assert_eq!(r.headers(), ["Name", "Email"]);
        assert!(r.next_row().is_none());
        assert_eq!(r.progress(), (0, 0));
    }

    #[test]
    fn excel_serials_become_dates_datetimes_or_clock_text() {
        let serial = |v: f64| excel_datetime(&ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        assert_eq!(serial(45366.0), Cell::Date(date(2024, 3, 15)));
        assert_eq!(
            serial(45366.0 + 14.5 / 24.0),
            Cell::DateTime(datetime(2024, 3, 15, 14, 30, 0))
        );
        // Float noise a millisecond short of midnight rounds to the date.
        assert_eq!(serial(45_366.999_999_999), Cell::Date(date(2024, 3, 16)));
        assert_eq!(serial(1.0), Cell::Date(date(1900, 1, 1)));
        assert_eq!(serial(61.0), Cell::Date(date(1900, 3, 1)));
        assert_eq!(serial(60.0), Cell::Number(60.0), "1900-02-29 never was");
        assert_eq!(serial(0.395_833_333_333_333_3), text("09:30"));
        assert_eq!(serial(0.5 + 1.5 / 86_400.0), text("12:00:01.500"));
        assert_eq!(serial(-1.0), Cell::Number(-1.0));
        assert_eq!(serial(3e6), Cell::Number(3e6));
        assert!(matches!(serial(f64::NAN), Cell::Number(n) if n.is_nan()));
        assert_eq!(serial(f64::INFINITY), Cell::Number(f64::INFINITY));
        let mac = ExcelDateTime::new(0.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(excel_datetime(&mac), text("00:00"));
        let mac = ExcelDateTime::new(43904.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(
            excel_datetime(&mac),
            Cell::Date(date(2024, 3, 15)),
            "the 1904 date system"
        );
        let duration = |v: f64| excel_datetime(&ExcelDateTime::new(v, ExcelDateTimeType::TimeDelta, false));
        assert_eq!(duration(1.5625), text("37:30"));
        assert_eq!(duration(-0.25), text("-06:00"));
        assert!(matches!(duration(f64::NAN), Cell::Number(_)));
    }

    #[test]
    fn opendocument_dates_and_times_are_typed() {
        let iso = |s: &str| convert(&Data::DateTimeIso(s.into()), true);
        assert_eq!(iso("2024-03-15"), Cell::Date(date(2024, 3, 15)));
        assert_eq!(iso("2024-03-15T00:00:00"), Cell::Date(date(2024, 3, 15)));
        assert_eq!(
            iso("2024-03-15T14:30:00"),
            Cell::DateTime(datetime(2024, 3, 15, 14, 30, 0))
        );
        let with_ms = date(2024, 3, 15).and_hms_milli_opt(14, 30, 0, 250).unwrap();
        assert_eq!(iso("2024-03-15T14:30:00.25"), Cell::DateTime(with_ms));
        assert_eq!(
            iso("2024-03-15T14:30:00Z"),
            Cell::DateTime(datetime(2024, 3, 15, 14, 30, 0))
        );
        assert_eq!(iso("15.03.2024"), text("15.03.2024"));
        let time = |s: &str| convert(&Data::DurationIso(s.into()), true);
        assert_eq!(time("PT09H30M00S"), text("09:30"));
        assert_eq!(time("PT37H30M15S"), text("37:30:15"));
        assert_eq!(time("P0Y0M0DT09H30M00.5S"), text("09:30:00.500"));
        assert_eq!(time("P1DT2H"), text("26:00"));
        assert_eq!(time("-PT1H"), text("-01:00"));
        assert_eq!(time("PT"), text("PT"));
        assert_eq!(time("P1M"), text("P1M"));
        assert_eq!(time("PT1H1H1X"), text("PT1H1H1X"));
        assert_eq!(convert(&Data::String("#DIV/0!".into()), true), Cell::Empty);
        assert_eq!(convert(&Data::String("Err:502".into()), true), Cell::Empty);
        assert_eq!(convert(&Data::String("#DIV/0!".into()), false), text("#DIV/0!"));
    }

    /// A minimal OpenDocument spreadsheet: `mimetype` (stored, first), a manifest and
    /// `content.xml` with the given tables.
    fn write_ods(path: &Path, manifest_extra: &str, tables: &str) {
        use zip::write::SimpleFileOptions;
        let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        zip.start_file("META-INF/manifest.xml", stored).unwrap();
        let manifest = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{manifest_extra}</manifest:file-entry>
</manifest:manifest>"#
        );
        zip.write_all(manifest.as_bytes()).unwrap();
        zip.start_file("content.xml", stored).unwrap();
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2">
<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
        );
        zip.write_all(content.as_bytes()).unwrap();
        zip.finish().unwrap();
    }

    fn s(t: &str) -> String {
        format!(
            r#"<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>{t}</text:p></table:table-cell>"#
        )
    }

    fn ods_clients(path: &Path) {
        let empty = r#"<table:table-cell/>"#;
        let row = |cells: &[String]| format!("<table:table-row>{}</table:table-row>", cells.concat());
        let float = |v: &str| {
            format!(
                r#"<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>"#
            )
        };
        let day = |v: &str| {
            format!(
                r#"<table:table-cell office:value-type="date" office:date-value="{v}"><text:p>{v}</text:p></table:table-cell>"#
            )
        };
        let boolean = |v: &str| {
            format!(
                r#"<table:table-cell office:value-type="boolean" office:boolean-value="{v}"><text:p>{v}</text:p></table:table-cell>"#
            )
        };
        let time = |v: &str| {
            format!(
                r#"<table:table-cell office:value-type="time" office:time-value="{v}"><text:p>{v}</text:p></table:table-cell>"#
            )
        };
        let div0 = r#"<table:table-cell table:formula="of:=1/0" office:value-type="string" office:string-value="" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>"#;
        let blank_rows = |n: usize| {
            format!(
                r#"<table:table-row table:number-rows-repeated="{n}"><table:table-cell table:number-columns-repeated="9"/></table:table-row>"#
            )
        };
        let header: Vec<String> = [
            "Name",
            "Born",
            "Last visit",
            "Balance",
            "Active",
            "City",
            "Time",
            "Worked",
        ]
        .iter()
        .map(|h| s(h))
        .collect();
        let clients = [
            row(&[s("Client list 2024")]),
            blank_rows(1),
            row(&[[empty.to_string()].as_slice(), &header].concat()),
            row(&[
                empty.into(),
                s("Ada Lovelace"),
                day("1985-07-04"),
                day("2024-03-15T14:30:00"),
                float("1234.5"),
                boolean("true"),
                s("London"),
                time("PT09H30M00S"),
                time("PT37H30M15S"),
            ]),
            row(&[
                empty.into(),
                s("Пётр Иванов"),
                day("1990-01-31"),
                day("2024-03-16T00:00:00"),
                float("-12"),
                boolean("false"),
                s("Москва"),
                div0.into(),
            ]),
            blank_rows(1),
            row(&[
                s("checked by Anna"),
                s("مریم احمدی"),
                r#"<table:table-cell table:number-columns-repeated="2"/>"#.into(),
                float("0.1"),
                empty.into(),
                s("تهران"),
            ]),
            blank_rows(3),
        ]
        .concat();
        let notes = [row(&[s("Topic"), s("Note")]), row(&[s("Tax"), s("Due in April")])].concat();
        let tables = format!(
            r#"<table:table table:name="Empty"><table:table-row><table:table-cell/></table:table-row></table:table><table:table table:name="Clients">{clients}</table:table><table:table table:name="Notes">{notes}</table:table>"#
        );
        write_ods(path, "", &tables);
    }

    #[test]
    fn ods_reads_like_xlsx() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clients.ods");
        ods_clients(&path);
        assert_eq!(SheetReader::sheet_names(&path).unwrap(), ["Empty", "Clients", "Notes"]);
        let mut r = SheetReader::open(&path, &SheetOptions::default()).unwrap();
        assert_eq!(r.sheet(), "Clients");
        let (headers, expected) = expected_clients();
        assert_eq!(r.headers(), headers);
        assert_eq!(rows(&mut r), expected);
        let mut notes = SheetReader::open(
            &path,
            &SheetOptions {
                sheet: Some("Notes".into()),
            },
        )
        .unwrap();
        assert_eq!(
            rows(&mut notes),
            [Row {
                number: 2,
                cells: vec![text("Tax"), text("Due in April")]
            }]
        );
    }

    /// Two cells far apart made calamine lay out their whole rectangle (17 billion cells) and
    /// abort the process when that allocation failed.
    #[test]
    fn a_sheet_spanning_too_many_cells_is_refused_with_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("far.xlsx");
        let mut book = Workbook::new();
        let ws = book.add_worksheet().set_name("Clients").unwrap();
        ws.write(0, 0, "Name").unwrap();
        ws.write(0, 1, "Phone").unwrap();
        ws.write(1, 0, "Ada").unwrap();
        ws.write(1_048_575, 16_383, 1).unwrap();
        book.save(&path).unwrap();

        let err = SheetReader::open(&path, &SheetOptions::default()).err().unwrap();
        assert_eq!(err.file, path.display().to_string());
        assert!(
            err.message.starts_with(
                "sheet \"Clients\" spans 1048576 rows by 16384 columns, more than the 33554432 cells a sheet may have"
            ),
            "{}",
            err.message
        );
    }

    /// Found by fuzzing (tests/fuzz, target `sheet`): an .xls whose sheet claims 65,536 ×
    /// 65,535 cells made calamine ask for 137 GB while opening it, and abort the process;
    /// another, claiming just under 32 Mi cells, took 2.1 GB.
    #[test]
    fn an_xls_whose_sheets_claim_too_many_cells_is_refused() {
        for name in ["damaged-xls-far-cells.xls", "damaged-xls-32mi-cells.xls"] {
            let fixture = format!("{}/../../tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"));
            let err = SheetReader::open(Path::new(&fixture), &SheetOptions::default())
                .err()
                .unwrap();
            assert!(
                err.to_string().starts_with(&format!(
                    "{fixture}: cannot be read as an Excel 97-2003 workbook (.xls): it is damaged or too big (its \
                     sheets claim"
                )),
                "{err}"
            );
        }
    }

    /// Found by fuzzing (tests/fuzz, target `sheet`): calamine followed a looping sector chain
    /// of a compound file until memory ran out, whatever the file's extension.
    #[test]
    fn a_compound_file_whose_sectors_loop_is_refused_as_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let looping = super::super::ole::tests::compound_file(&[0xFFFF_FFFD, 2, 3, 1], 4);
        for (name, kind) in [
            ("loop.xls", "an Excel 97-2003 workbook (.xls)"),
            ("loop.xlsx", "an Excel workbook (.xlsx)"),
            ("loop.ods", "an OpenDocument spreadsheet (.ods)"),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, &looping).unwrap();
            let err = SheetReader::open(&path, &SheetOptions::default()).err().unwrap();
            assert_eq!(
                err.to_string(),
                format!(
                    "{}: cannot be read as {kind}: it is damaged (a chain of its sectors loops)",
                    path.display()
                )
            );
            assert!(SheetReader::sheet_names(&path).is_err());
        }
    }

    #[test]
    fn bad_files_are_clear_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let good = std::fs::read(clients_xlsx(dir.path())).unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        };
        let garbage: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let mut truncated_zip = good[..good.len() / 2].to_vec();
        truncated_zip.extend_from_slice(&good[good.len() - 200..]);
        let ole_garbage = [b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".as_slice(), &garbage].concat();
        let cases: Vec<(PathBuf, &str)> = vec![
            (
                write("garbage.xlsx", &garbage),
                "cannot be read as an Excel workbook (.xlsx)",
            ),
            (
                write("garbage.xlsm", &garbage),
                "cannot be read as an Excel workbook (.xlsx)",
            ),
            (
                write("garbage.xls", &garbage),
                "cannot be read as an Excel 97-2003 workbook (.xls)",
            ),
            (
                write("garbage.ods", &garbage),
                "cannot be read as an OpenDocument spreadsheet (.ods)",
            ),
            (
                write("ole.xls", &ole_garbage),
                "cannot be read as an Excel 97-2003 workbook (.xls)",
            ),
            (
                write("ole.xlsx", &ole_garbage),
                "cannot be read as an Excel workbook (.xlsx)",
            ),
            (
                write("half.xlsx", &good[..good.len() / 2]),
                "cannot be read as an Excel workbook (.xlsx)",
            ),
            (
                write("half.ods", &good[..good.len() / 2]),
                "cannot be read as an OpenDocument spreadsheet (.ods)",
            ),
            (
                write("half.xls", &good[..good.len() / 2]),
                "cannot be read as an Excel 97-2003 workbook (.xls)",
            ),
            (
                write("spliced.xlsx", &truncated_zip),
                "cannot be read as an Excel workbook (.xlsx)",
            ),
            (write("empty.xlsx", b""), "is empty (0 bytes)"),
            (
                write(
                    "page.xls",
                    b"\xEF\xBB\xBF <html><table><tr><td>1</td></tr></table></html>",
                ),
                "is a web page",
            ),
            (
                write("notes.txt", b"Name,Email\n"),
                "is not a spreadsheet this import reads",
            ),
            (dir.path().join("missing.xlsx"), "cannot be opened: "),
        ];
        for (path, expected) in cases {
            let file = path.display().to_string();
            let err = SheetReader::open(&path, &SheetOptions::default()).err().unwrap();
            assert_eq!(err.file, file);
            assert_eq!(err.row, 0);
            assert!(err.message.starts_with(expected), "{file}: {}", err.message);
            assert!(err.to_string().starts_with(&format!("{file}: ")));
            assert!(SheetReader::sheet_names(&path).is_err());
        }

        // Password-protected OpenDocument: the manifest says the content is encrypted.
        let locked = dir.path().join("locked.ods");
        let encryption = r#"<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA"/>"#;
        write_ods(&locked, encryption, r#"<table:table table:name="S"/>"#);
        let err = SheetReader::open(&locked, &SheetOptions::default()).err().unwrap();
        assert!(err.message.starts_with("is protected by a password"), "{}", err.message);

        // A sound zip whose sheet is broken: the error names the sheet.
        let broken = dir.path().join("broken-sheet.xlsx");
        let mut source = zip::ZipArchive::new(std::io::Cursor::new(&good)).unwrap();
        let mut out = zip::ZipWriter::new(std::fs::File::create(&broken).unwrap());
        for i in 0..source.len() {
            let entry = source.by_index_raw(i).unwrap();
            if entry.name().is_ok_and(|n| n == "xl/worksheets/sheet2.xml") {
                drop(entry);
                let stored =
                    zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
                out.start_file("xl/worksheets/sheet2.xml", stored).unwrap();
                out.write_all(br#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>999"#)
                    .unwrap();
            } else {
                out.raw_copy_file(entry).unwrap();
            }
        }
        out.finish().unwrap();
        let err = SheetReader::open(&broken, &SheetOptions::default()).err().unwrap();
        assert!(
            err.message
                .starts_with(r#"sheet "Clients" cannot be read: the file is damaged"#),
            "{}",
            err.message
        );
        assert_eq!(
            SheetReader::sheet_names(&broken).unwrap(),
            ["Empty", "Clients", "Notes"]
        );

        // A workbook with no data at all.
        let blank = dir.path().join("blank.xlsx");
        Workbook::new().save(&blank).unwrap();
        let err = SheetReader::open(&blank, &SheetOptions::default()).err().unwrap();
        assert_eq!(err.message, "has no sheet with data");
    }

    #[test]
    fn a_renamed_file_is_read_as_what_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let xlsx = clients_xlsx(dir.path());
        let as_xls = dir.path().join("clients-export.xls");
        std::fs::copy(&xlsx, &as_xls).unwrap();
        let mut r = SheetReader::open(&as_xls, &SheetOptions::default()).unwrap();
        assert_eq!(rows(&mut r), expected_clients().1);
        let ods = dir.path().join("clients.ods");
        ods_clients(&ods);
        let as_xlsx = dir.path().join("clients-ods.xlsx");
        std::fs::copy(&ods, &as_xlsx).unwrap();
        let mut r = SheetReader::open(&as_xlsx, &SheetOptions::default()).unwrap();
        assert_eq!(rows(&mut r), expected_clients().1);
    }

    /// `.xls` (and a LibreOffice-written `.ods`) have no Rust writer: LibreOffice converts the
    /// test workbook when it is installed.
    #[test]
    fn libreoffice_conversions_read_the_same() {
        let Ok(out) = std::process::Command::new("which").arg("soffice").output() else {
            eprintln!("skipped: cannot look for soffice");
            return;
        };
        if !out.status.success() {
            eprintln!("skipped: LibreOffice (soffice) is not installed, so no .xls or .ods can be written");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let xlsx = clients_xlsx(dir.path());
        for ext in ["xls", "ods"] {
            let status = std::process::Command::new("soffice")
                .args(["--headless", "--convert-to", ext, "--outdir"])
                .arg(dir.path())
                .arg(&xlsx)
                .env("HOME", dir.path())
                .status()
                .unwrap();
            assert!(status.success(), "soffice --convert-to {ext}");
            let path = xlsx.with_extension(ext);
            let mut r = SheetReader::open(&path, &SheetOptions::default()).unwrap();
            assert_eq!(r.sheet(), "Clients", "{ext}");
            let (headers, mut expected) = expected_clients();
            if ext == "ods" {
                // LibreOffice writes a boolean to ODS as a float with a boolean display style
                // (calcext:value-type="boolean"), which calamine reads as 1 or 0; a checkbox
                // field reads those as yes and no (tests/cli_libreoffice.rs).
                for row in &mut expected {
                    for cell in &mut row.cells {
                        if let Cell::Bool(b) = cell {
                            *cell = Cell::Number(if *b { 1.0 } else { 0.0 });
                        }
                    }
                }
            }
            assert_eq!(r.headers(), headers, "{ext}");
            assert_eq!(rows(&mut r), expected, "{ext}");
        }
    }
}
