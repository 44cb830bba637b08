//! Reading CSV and TSV files as spreadsheets really write them.
//!
//! [`CsvReader`] turns a delimited text file into a header row and rows of [`Cell::Text`] and
//! [`Cell::Empty`] cells for the import pipeline. It reads what people have: Excel's "CSV UTF-8"
//! (UTF-8 with a byte-order mark), plain UTF-8, Excel's "Unicode text" (UTF-16LE with a BOM,
//! tab-separated), UTF-16BE, and the legacy code pages Excel's plain "CSV" uses on Russian
//! (Windows-1251, separated by `;`) and Western (Windows-1252) systems.
//!
//! # Detecting the encoding
//! Unless [`CsvOptions::encoding`] names one (by its WHATWG label: `"windows-1251"`, `"utf-16le"`,
//! `"latin1"`, ...):
//! 1. a byte-order mark decides: UTF-8, UTF-16LE or UTF-16BE (the mark is not part of the text);
//! 2. without one, a start (first 4 KiB) where at least every fourth character has a zero byte on
//!    one side and (almost) none on the other is UTF-16 without a mark — CSV is full of ASCII
//!    digits, delimiters and line ends, which UTF-16 writes with a zero byte;
//! 3. bytes that are valid UTF-8 (plain ASCII included) are UTF-8;
//! 4. anything else is a Windows code page, told apart by how the letters above 0x7F sit. A
//!    Cyrillic word in Windows-1251 is a run of such bytes (`Фамилия` is seven in a row), while
//!    the accented letters of Windows-1252 stand alone between ASCII letters (`Genève`,
//!    `Société`). Each letter byte (0xC0–0xFF, and 0xA8/0xB8 for `Ё`/`ё`) votes Cyrillic when a
//!    neighbour is also one, and Western when a neighbour is an ASCII letter; the majority wins
//!    and a tie means Windows-1252.
//!
//! # Detecting the delimiter
//! Unless [`CsvOptions::delimiter`] gives one, each of `,` `;` tab `|` splits the first 20
//! records of the file (quotes respected, so delimiters inside quoted cells don't count).
//! A candidate that leaves the header in one piece is out. Of the rest, the one for which the
//! largest share of records has as many fields as the header wins; then the one giving more
//! fields; then the order above. So Russian Excel's `;` beats the `,` of amounts like `1234,56`.
//! When no candidate splits the header, the file is one column, and the first candidate that
//! splits no record is used (`,` if each one splits some).
//!
//! # Records and rows
//! - The first record that isn't blank is **always the header**: there is no header-less mode.
//!   Header cells are trimmed; an empty one is named `Column N` (N counting from 1); duplicate
//!   names are kept as they are.
//! - Quoting follows RFC 4180: a quoted cell may hold delimiters, line breaks and doubled quotes
//!   (`""` for `"`). Like Excel, a quote inside an unquoted cell is just a character, and text
//!   right after a closing quote on the same line is kept as part of the cell.
//! - Records end at LF, CRLF or a lone CR; no cell keeps the CR of a CRLF. Cells are otherwise
//!   kept exactly as written (spaces included); an empty cell is [`Cell::Empty`], and cells
//!   missing at the end of a record are [`Cell::Empty`] too.
//! - Blank records — empty lines, and lines of only delimiters and spaces such as the `;;;;`
//!   Excel writes for formatted but empty rows — are skipped.
//! - [`Row::number`] is the line the record **starts** on (the header's first line is line 1
//!   when the file starts with it), so a user finds the record in a text editor even when quoted
//!   cells before it span several lines.
//! - A broken record is an `Err(ReadError)` naming the file and its line, and reading goes on:
//!   - more fields than the header ("has 7 fields but the header has 5 — check the quoting");
//!     extra fields that are all empty (a trailing delimiter) are dropped without complaint;
//!   - a quote that is never closed, which would swallow the rest of the file into one cell;
//!   - a quoted cell spanning lines whose closing quote is followed by more text: the sign of a
//!     missing or extra quote that merged lines;
//!   - a record longer than 4 MiB (a quoted cell still open by then counts as unclosed).
//!
//!   After the first kind, reading goes on with the next record. After the others the quote
//!   that opened the cell can't be trusted, so reading goes on with the line after the one the
//!   broken record starts on, and the lines it swallowed are read as records of their own.
//!
//! # Memory
//! [`CsvReader::from_bytes`] decodes the bytes it is given as it goes, without a second copy.
//! [`CsvReader::open`] reads a file smaller than 256 MiB whole (its encoding is then detected
//! from all its bytes); a bigger file is streamed, in any encoding: detection looks at its first
//! 4 MiB, and no more than one record (at most 4 MiB) and a chunk of text are held at a time.
//!
//! # Example
//! ```
//! use cardbase_engine::import::csv::{CsvOptions, CsvReader};
//! use cardbase_engine::import::table::{Cell, TableReader};
//!
//! let text = "\u{feff}Name;Phone;Note\r\nAda;+44 20 7946 0018;\"first line\nsecond line\"\r\nCharles;;\r\n";
//! let mut reader = CsvReader::from_bytes("contacts.csv", text.into(), &CsvOptions::default()).unwrap();
//! assert_eq!((reader.encoding(), reader.delimiter()), ("UTF-8", b';'));
//! assert_eq!(reader.headers(), ["Name", "Phone", "Note"]);
//!
//! let ada = reader.next_row().unwrap().unwrap();
//! assert_eq!(ada.number, 2);
//! assert_eq!(ada.cells[2], Cell::Text("first line\nsecond line".into()));
//! let charles = reader.next_row().unwrap().unwrap();
//! assert_eq!(charles.number, 4); // the line the record starts on, after Ada's two
//! assert_eq!(charles.cells, [Cell::Text("Charles".into()), Cell::Empty, Cell::Empty]);
//! assert!(reader.next_row().is_none());
//!
//! // A Russian Excel file, forced: no detection.
//! let options = CsvOptions { encoding: Some("windows-1251".into()), delimiter: Some(b';') };
//! let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("Фамилия;Имя\r\nИванов;Иван\r\n");
//! let mut reader = CsvReader::from_bytes("clients.csv", bytes.into_owned(), &options).unwrap();
//! assert_eq!(reader.headers(), ["Фамилия", "Имя"]);
//! assert_eq!(reader.next_row().unwrap().unwrap().cells[0], Cell::Text("Иванов".into()));
//! ```

use std::fmt;
use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::Path;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1251, WINDOWS_1252};

use super::table::{Cell, ReadError, Row, TableReader};

mod splitter;
use splitter::{Parsed, Parser, Source, decode_into};

/// Files smaller than this are read whole into memory by [`CsvReader::open`]; bigger ones are streamed.
const IN_MEMORY_LIMIT: u64 = 256 << 20;
/// How much of the start of a streamed file encoding detection looks at.
const DETECTION_SAMPLE: usize = 4 << 20;
/// The longest record (in decoded UTF-8 bytes) read before it is reported as broken.
const MAX_RECORD_BYTES: usize = 4 << 20;
/// How many raw bytes are read (and decoded) at a time.
const CHUNK: usize = 64 << 10;
/// How much of the start of the file (raw bytes) delimiter detection looks at.
const SNIFF_BYTES: usize = 64 << 10;
/// How many records delimiter detection looks at.
const SNIFF_RECORDS: usize = 20;
/// The delimiters detection chooses among, in order of preference on a tie.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
/// Enough votes to tell Windows-1251 from Windows-1252; detection stops counting there.
const ENOUGH_VOTES: u32 = 100_000;

/// How to read a CSV file. The default detects both the encoding and the delimiter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// The encoding by its WHATWG label (`"utf-8"`, `"windows-1251"`, `"windows-1252"`,
    /// `"utf-16le"`, `"latin1"`, ...; case and surrounding spaces don't matter), or `None` to
    /// detect it. A byte-order mark of the named encoding is still skipped.
    pub encoding: Option<String>,
    /// The byte separating cells: an ASCII character other than `"`, CR and LF. `None` detects it
    /// among `,` `;` tab `|`.
    pub delimiter: Option<u8>,
}

/// Reads the rows of a CSV or TSV file; see the [module documentation](self) for how it
/// detects the encoding and the delimiter and what it makes of each record.
pub struct CsvReader {
    file: String,
    encoding: &'static Encoding,
    delimiter: u8,
    headers: Vec<String>,
    parser: Parser,
    total: u64,
    finished: bool,
    /// Lines (from 1) of the records that held bytes the encoding does not allow; the first
    /// [`NAMED_REPLACEMENTS`] of them.
    replaced_lines: Vec<usize>,
    replaced_records: usize,
}

/// How many records with malformed bytes the import report names; the rest are counted.
const NAMED_REPLACEMENTS: usize = 5;

impl fmt::Debug for CsvReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsvReader")
            .field("file", &self.file)
            .field("encoding", &self.encoding.name())
            .field("delimiter", &char::from(self.delimiter))
            .field("headers", &self.headers)
            .field("line", &self.parser.line)
            .finish_non_exhaustive()
    }
}

impl CsvReader {
    /// Opens the file at `path` and reads its header row. Errors name the file by its file name.
    ///
    /// A file smaller than 256 MiB is read whole into memory, and its encoding detected from all
    /// its bytes. A bigger one is streamed: its encoding is detected from its first 4 MiB (so a
    /// file whose first 4 MiB are plain ASCII is read as UTF-8), and memory stays bounded.
    pub fn open(path: &Path, options: &CsvOptions) -> Result<CsvReader, ReadError> {
        Self::open_with_limit(path, options, IN_MEMORY_LIMIT)
    }

    fn open_with_limit(path: &Path, options: &CsvOptions, in_memory_limit: u64) -> Result<CsvReader, ReadError> {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |name| name.to_string_lossy().into_owned(),
        );
        let unreadable = |error: io::Error| file_error(&name, format!("can't be read: {error}"));
        let mut file = File::open(path).map_err(unreadable)?;
        let len = file.metadata().map_err(unreadable)?.len();
        if len < in_memory_limit {
            let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            file.read_to_end(&mut bytes).map_err(unreadable)?;
            return Self::from_bytes(&name, bytes, options);
        }
        let mut sample = Vec::new();
        (&mut file)
            .take(DETECTION_SAMPLE as u64)
            .read_to_end(&mut sample)
            .map_err(unreadable)?;
        let complete = sample.len() < DETECTION_SAMPLE;
        let (encoding, delimiter) = detect(&name, &sample, complete, options)?;
        Self::start(
            name,
            encoding,
            delimiter,
            Box::new(Cursor::new(sample).chain(file)),
            len,
        )
    }

    /// Reads the header row of a file the caller has already read; `name` is the file's name
    /// for errors. The bytes are decoded as rows are read, not all at once.
    pub fn from_bytes(name: &str, bytes: Vec<u8>, options: &CsvOptions) -> Result<CsvReader, ReadError> {
        let (encoding, delimiter) = detect(name, &bytes, true, options)?;
        let total = bytes.len() as u64;
        Self::start(
            name.to_string(),
            encoding,
            delimiter,
            Box::new(Cursor::new(bytes)),
            total,
        )
    }

    /// The encoding the file is read in, detected or forced, by its WHATWG name: `"UTF-8"`,
    /// `"UTF-16LE"`, `"UTF-16BE"`, `"windows-1251"`, `"windows-1252"`, ...
    pub fn encoding(&self) -> &'static str {
        self.encoding.name()
    }

    /// The byte separating cells, detected or forced.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    fn start(
        file: String,
        encoding: &'static Encoding,
        delimiter: u8,
        input: Box<dyn Read + Send>,
        total: u64,
    ) -> Result<CsvReader, ReadError> {
        let mut parser = Parser::new(Source::new(input, encoding), delimiter);
        let fields = loop {
            match parser.next() {
                Err(error) => return Err(file_error(&file, format!("can't be read: {error}"))),
                Ok(None) => return Err(file_error(&file, "the file is empty".to_string())),
                Ok(Some(Parsed::Broken { line, message })) => {
                    let message = format!("the header row can't be read: {message}");
                    return Err(ReadError {
                        file,
                        row: line,
                        message,
                    });
                }
                Ok(Some(Parsed::Record { fields, .. })) if is_blank(&fields) => {}
                Ok(Some(Parsed::Record {
                    fields, replaced, line, ..
                })) => break (fields, replaced.then_some(line)),
            }
        };
        let (fields, header_replaced) = fields;
        let headers = fields
            .iter()
            .enumerate()
            .map(
                |(i, name)| match name.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}') {
                    "" => format!("Column {}", i + 1),
                    name => name.to_string(),
                },
            )
            .collect();
        Ok(CsvReader {
            file,
            encoding,
            delimiter,
            headers,
            parser,
            total,
            finished: false,
            replaced_records: header_replaced.iter().count(),
            replaced_lines: header_replaced.into_iter().collect(),
        })
    }

    fn error(&self, row: usize, message: String) -> ReadError {
        ReadError {
            file: self.file.clone(),
            row,
            message,
        }
    }
}

impl TableReader for CsvReader {
    fn describe(&self) -> String {
        let delimiter = match self.delimiter() {
            b'\t' => "tab".to_string(),
            d => format!("'{}'", d as char),
        };
        format!("{}, {delimiter}-separated", self.encoding())
    }

    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_row(&mut self) -> Option<Result<Row, ReadError>> {
        while !self.finished {
            let parsed = match self.parser.next() {
                Ok(Some(parsed)) => parsed,
                Ok(None) => break,
                Err(error) => {
                    self.finished = true;
                    return Some(Err(
                        self.error(self.parser.line, format!("reading stopped here: {error}"))
                    ));
                }
            };
            match parsed {
                Parsed::Broken { line, message } => return Some(Err(self.error(line, message))),
                Parsed::Record { fields, .. } if is_blank(&fields) => {}
                Parsed::Record {
                    line,
                    mut fields,
                    replaced,
                } => {
                    if replaced {
                        self.replaced_records += 1;
                        if self.replaced_lines.len() < NAMED_REPLACEMENTS {
                            self.replaced_lines.push(line);
                        }
                    }
                    let width = self.headers.len();
                    if fields.len() > width {
                        if !is_blank(&fields[width..]) {
                            let message = format!(
                                "has {} fields but the header has {width} — check the quoting",
                                fields.len()
                            );
                            return Some(Err(self.error(line, message)));
                        }
                        fields.truncate(width);
                    }
                    let mut cells: Vec<Cell> = fields
                        .into_iter()
                        .map(|f| if f.is_empty() { Cell::Empty } else { Cell::Text(f) })
                        .collect();
                    cells.resize(width, Cell::Empty);
                    return Some(Ok(Row { number: line, cells }));
                }
            }
        }
        self.finished = true;
        None
    }

    /// Bytes of the file taken so far (read ahead by up to 64 KiB) and the file's size.
    fn progress(&self) -> (u64, u64) {
        let done = self.parser.source.consumed;
        (done, self.total.max(done))
    }

    fn warnings(&self) -> Vec<String> {
        let mut warnings: Vec<String> = self
            .replaced_lines
            .iter()
            .map(|line| {
                format!(
                    "{}, row {line}: bytes that are not valid {} were read as \u{FFFD} (U+FFFD); if the text looks \
                     wrong, import again with the right --encoding",
                    self.file,
                    self.encoding()
                )
            })
            .collect();
        let unnamed = self.replaced_records - self.replaced_lines.len();
        if unnamed > 0 {
            warnings.push(format!("{}: {unnamed} more rows like these", self.file));
        }
        warnings
    }
}

fn file_error(file: &str, message: String) -> ReadError {
    ReadError {
        file: file.to_string(),
        row: 0,
        message,
    }
}

/// Whether every field is empty or white space.
fn is_blank(fields: &[String]) -> bool {
    fields.iter().all(|field| field.trim().is_empty())
}

/// The encoding and delimiter to read with: forced by `options`, else detected from `bytes`
/// (the whole file when `complete`, else its start).
fn detect(
    name: &str,
    bytes: &[u8],
    complete: bool,
    options: &CsvOptions,
) -> Result<(&'static Encoding, u8), ReadError> {
    let encoding = match &options.encoding {
        Some(label) => Encoding::for_label_no_replacement(label.trim().as_bytes()).ok_or_else(|| {
            let message = format!(
                "unknown encoding {label:?} — use a name such as \"UTF-8\", \"windows-1251\", \
                 \"windows-1252\" or \"UTF-16LE\""
            );
            file_error(name, message)
        })?,
        None => detect_encoding(bytes, complete),
    };
    let delimiter = match options.delimiter {
        Some(delimiter) if delimiter.is_ascii() && !matches!(delimiter, b'"' | b'\r' | b'\n') => delimiter,
        Some(delimiter) => {
            let message = format!(
                "{:?} can't separate cells — use an ASCII character such as ',', ';' or a tab",
                char::from(delimiter)
            );
            return Err(file_error(name, message));
        }
        None => {
            let truncated = !complete || bytes.len() > SNIFF_BYTES;
            let mut text = Vec::new();
            let start = &bytes[..bytes.len().min(SNIFF_BYTES)];
            decode_into(
                &mut encoding.new_decoder_with_bom_removal(),
                start,
                !truncated,
                &mut text,
            );
            sniff_delimiter(&text, truncated)
        }
    };
    Ok((encoding, delimiter))
}

/// Detects the encoding of `bytes` (the whole file when `complete`, else its start), as the module
/// documentation tells.
fn detect_encoding(bytes: &[u8], complete: bool) -> &'static Encoding {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return encoding;
    }
    if let Some(encoding) = utf16_by_zero_bytes(bytes) {
        return encoding;
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => UTF_8,
        // A streamed file's start may end inside a character.
        Err(error) if !complete && error.error_len().is_none() => UTF_8,
        Err(_) => cyrillic_or_western(bytes),
    }
}

/// UTF-16 without a byte-order mark: in the first 4 KiB, at least every fourth character has a
/// zero byte on one side, and at most one in sixteen of those has one on the other.
fn utf16_by_zero_bytes(bytes: &[u8]) -> Option<&'static Encoding> {
    let start = &bytes[..bytes.len().min(4096)];
    let pairs = start.len() / 2;
    let (mut even, mut odd) = (0, 0);
    for pair in start.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    if pairs > 0 && odd * 4 >= pairs && even * 16 <= odd {
        Some(UTF_16LE)
    } else if pairs > 0 && even * 4 >= pairs && odd * 16 <= even {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Windows-1251 or Windows-1252 for bytes that aren't UTF-8: letters above 0x7F next to each
/// other vote Cyrillic, next to ASCII letters Western.
fn cyrillic_or_western(bytes: &[u8]) -> &'static Encoding {
    let is_high_letter = |b: u8| b >= 0xC0 || b == 0xA8 || b == 0xB8;
    let (mut cyrillic, mut western) = (0u32, 0u32);
    for (i, &b) in bytes.iter().enumerate() {
        if !is_high_letter(b) {
            continue;
        }
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(i + 1).copied();
        let neighbours = [before, after];
        if neighbours.iter().flatten().any(|&n| is_high_letter(n)) {
            cyrillic += 1;
        }
        if neighbours.iter().flatten().any(|n| n.is_ascii_alphabetic()) {
            western += 1;
        }
        if cyrillic + western >= ENOUGH_VOTES {
            break;
        }
    }
    if cyrillic > western { WINDOWS_1251 } else { WINDOWS_1252 }
}

/// Picks the delimiter for decoded `text` (the start of the file; `truncated` when the file goes
/// on), as the module documentation tells.
fn sniff_delimiter(text: &[u8], truncated: bool) -> u8 {
    struct Fit {
        delimiter: u8,
        records: usize,
        consistent: usize,
        width: usize,
    }
    let mut best: Option<Fit> = None;
    let mut single_column = None;
    for delimiter in DELIMITERS {
        let widths = sample_widths(text, delimiter, truncated);
        let Some(&width) = widths.first() else { continue };
        if width < 2 {
            if single_column.is_none() && widths.iter().all(|&w| w == 1) {
                single_column = Some(delimiter);
            }
            continue;
        }
        let consistent = widths.iter().filter(|&&w| w == width).count();
        let fit = Fit {
            delimiter,
            records: widths.len(),
            consistent,
            width,
        };
        let better = best.as_ref().is_none_or(|best| {
            let (ours, theirs) = (fit.consistent * best.records, best.consistent * fit.records);
            ours > theirs || (ours == theirs && fit.width > best.width)
        });
        if better {
            best = Some(fit);
        }
    }
    best.map(|fit| fit.delimiter).or(single_column).unwrap_or(b',')
}

/// The field counts of the first records of `text` split by `delimiter`, leaving out broken
/// records, and the last one when the text is cut short. Records of only delimiters count: the
/// `;;;;` of an empty Excel row tells `;` is the delimiter.
fn sample_widths(text: &[u8], delimiter: u8, truncated: bool) -> Vec<usize> {
    let mut parser = Parser::new(Source::new(Box::new(Cursor::new(text.to_vec())), UTF_8), delimiter);
    let mut widths = Vec::new();
    while widths.len() <= SNIFF_RECORDS {
        match parser.next() {
            Ok(Some(Parsed::Record { fields, .. })) => widths.push(fields.len()),
            Ok(Some(Parsed::Broken { .. })) => {}
            Ok(None) | Err(_) => {
                if truncated && widths.len() > 1 {
                    widths.pop();
                }
                return widths;
            }
        }
    }
    widths.truncate(SNIFF_RECORDS);
    widths
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(encoding: Option<&str>, delimiter: Option<u8>) -> CsvOptions {
        CsvOptions {
            encoding: encoding.map(str::to_string),
            delimiter,
        }
    }

    fn read(bytes: impl Into<Vec<u8>>) -> CsvReader {
        CsvReader::from_bytes("test.csv", bytes.into(), &CsvOptions::default()).expect("the file opens")
    }

    fn all(reader: &mut CsvReader) -> Vec<Result<Row, ReadError>> {
        std::iter::from_fn(|| reader.next_row()).collect()
    }

    /// Each row as its number and its cells' text ("" for empty), failing on errors.
    fn rows(reader: &mut CsvReader) -> Vec<(usize, Vec<String>)> {
        all(reader)
            .into_iter()
            .map(|row| {
                let row = row.expect("no broken rows");
                (row.number, row.cells.iter().map(cell_text).collect())
            })
            .collect()
    }

    fn cell_text(cell: &Cell) -> String {
        match cell {
            Cell::Empty => String::new(),
            Cell::Text(text) => {
                assert!(!text.is_empty(), "an empty cell is Cell::Empty");
                text.clone()
            }
            other => panic!("CSV cells are text, not {other:?}"),
        }
    }

    fn row(number: usize, cells: &[&str]) -> (usize, Vec<String>) {
        (number, cells.iter().map(|c| c.to_string()).collect())
    }

    fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, _, had_errors) = encoding.encode(text);
        assert!(!had_errors, "{text:?} fits {}", encoding.name());
        bytes.into_owned()
    }

    /// encoding_rs only encodes to UTF-8 for UTF-16 labels (as WHATWG says), so UTF-16 is built here.
    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let units = (if bom { "\u{feff}" } else { "" })
            .encode_utf16()
            .chain(text.encode_utf16());
        units
            .flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() })
            .collect()
    }

    fn fixture(name: &str, bytes: &[u8]) -> CsvReader {
        CsvReader::from_bytes(name, bytes.to_vec(), &CsvOptions::default()).expect("the fixture opens")
    }

    const RUSSIAN: &str = "Фамилия;Имя;Телефон\r\nИванов;Иван;+7 495 123-45-67\r\nЁлкина;Дарья;\r\n";
    const FRENCH: &str = "Nom;Prénom;Société;Genève\r\nDupont;Hélène;Crédit Agricole;oui\r\nMüller;Zoë;;non\r\n";

    #[test]
    fn utf8_with_bom_is_detected_and_the_bom_is_not_part_of_the_first_header() {
        let mut reader = read("\u{feff}Name,Città\nAda,Torino\n");
        assert_eq!(reader.encoding(), "UTF-8");
        assert_eq!(reader.headers(), ["Name", "Città"]);
        assert_eq!(rows(&mut reader), [row(2, &["Ada", "Torino"])]);
    }

    #[test]
    fn utf8_without_bom_is_detected() {
        let mut reader = read("Имя,Город\nАнна,Москва\n");
        assert_eq!(reader.encoding(), "UTF-8");
        assert_eq!(rows(&mut reader), [row(2, &["Анна", "Москва"])]);
    }

    #[test]
    fn plain_ascii_is_read_as_utf8() {
        assert_eq!(read("a,b\n1,2\n").encoding(), "UTF-8");
    }

    #[test]
    fn utf16le_with_bom_tab_separated_is_excel_unicode_text() {
        let mut reader = read(utf16("Имя\tGenève\r\nАнна\tZoë 👋\r\n", false, true));
        assert_eq!((reader.encoding(), reader.delimiter()), ("UTF-16LE", b'\t'));
        assert_eq!(reader.headers(), ["Имя", "Genève"]);
        assert_eq!(rows(&mut reader), [row(2, &["Анна", "Zoë 👋"])]);
    }

    #[test]
    fn utf16be_with_bom_is_detected() {
        let mut reader = read(utf16("Name;Ort\nJürgen;Köln\n", true, true));
        assert_eq!((reader.encoding(), reader.delimiter()), ("UTF-16BE", b';'));
        assert_eq!(reader.headers(), ["Name", "Ort"]);
        assert_eq!(rows(&mut reader), [row(2, &["Jürgen", "Köln"])]);
    }

    #[test]
    fn utf16_without_bom_is_detected_by_its_zero_bytes() {
        let text = "Фамилия\tТелефон\r\nИванов\t+7 495 123-45-67\r\n";
        let mut reader = read(utf16(text, false, false));
        assert_eq!(reader.encoding(), "UTF-16LE");
        assert_eq!(rows(&mut reader), [row(2, &["Иванов", "+7 495 123-45-67"])]);
        assert_eq!(read(utf16(text, true, false)).encoding(), "UTF-16BE");
    }

    #[test]
    fn windows_1251_is_detected_for_russian_excel_text() {
        let mut reader = read(encode(WINDOWS_1251, RUSSIAN));
        assert_eq!((reader.encoding(), reader.delimiter()), ("windows-1251", b';'));
        assert_eq!(reader.headers(), ["Фамилия", "Имя", "Телефон"]);
        assert_eq!(
            rows(&mut reader),
            [
                row(2, &["Иванов", "Иван", "+7 495 123-45-67"]),
                row(3, &["Ёлкина", "Дарья", ""])
            ]
        );
    }

    #[test]
    fn windows_1251_is_detected_even_with_little_cyrillic_among_ascii() {
        let text = "Company;Address;Phone\nООО Ромашка;ул. Ленина 5, Moscow;+7 495 000-00-00\n\
                    ACME Ltd;Main St 1;+1 555 0100\n";
        let mut reader = read(encode(WINDOWS_1251, text));
        assert_eq!(reader.encoding(), "windows-1251");
        assert_eq!(rows(&mut reader)[0].1[1], "ул. Ленина 5, Moscow");
    }

    #[test]
    fn windows_1252_is_detected_for_western_excel_text() {
        let mut reader = read(encode(WINDOWS_1252, FRENCH));
        assert_eq!((reader.encoding(), reader.delimiter()), ("windows-1252", b';'));
        assert_eq!(reader.headers(), ["Nom", "Prénom", "Société", "Genève"]);
        assert_eq!(
            rows(&mut reader),
            [
                row(2, &["Dupont", "Hélène", "Crédit Agricole", "oui"]),
                row(3, &["Müller", "Zoë", "", "non"])
            ]
        );
    }

    #[test]
    fn windows_1252_is_detected_with_many_accents_and_typographic_quotes() {
        let text = "Nom,Note\nRenée Lefèvre,\u{201c}Réélue\u{201d} à Besançon — €12\nJosé Núñez,Información · Straße\n";
        let mut reader = read(encode(WINDOWS_1252, text));
        assert_eq!(reader.encoding(), "windows-1252");
        assert_eq!(rows(&mut reader)[0].1[1], "\u{201c}Réélue\u{201d} à Besançon — €12");
    }

    #[test]
    fn each_delimiter_is_detected() {
        for delimiter in [',', ';', '\t', '|'] {
            let d = delimiter.to_string();
            let text = format!("Name{d}City{d}Phone\nAda{d}\"London, UK; Europe | Earth\"{d}+44 20\nBob{d}Paris{d}\n");
            let mut reader = read(text);
            assert_eq!(reader.delimiter(), delimiter as u8, "{delimiter:?}");
            assert_eq!(reader.headers(), ["Name", "City", "Phone"]);
            assert_eq!(
                rows(&mut reader),
                [
                    row(2, &["Ada", "London, UK; Europe | Earth", "+44 20"]),
                    row(3, &["Bob", "Paris", ""])
                ]
            );
        }
    }

    #[test]
    fn semicolon_wins_over_commas_in_decimal_amounts() {
        let text =
            "Клиент;Дата;Сумма, руб.\nИванов;01.02.2024;1234,56\nПетров;15.03.2024;99,90\nСидоров;20.04.2024;100\n";
        let mut reader = read(encode(WINDOWS_1251, text));
        assert_eq!(reader.delimiter(), b';');
        assert_eq!(reader.headers(), ["Клиент", "Дата", "Сумма, руб."]);
        assert_eq!(rows(&mut reader)[0], row(2, &["Иванов", "01.02.2024", "1234,56"]));
    }

    #[test]
    fn delimiters_inside_quotes_do_not_count_when_detecting() {
        let mut reader = read("Name,Address\n\"Ada\",\"1 Main St; Apt 2; London\"\n\"Bob\",\"a;b;c;d\"\n");
        assert_eq!(reader.delimiter(), b',');
        assert_eq!(rows(&mut reader)[0], row(2, &["Ada", "1 Main St; Apt 2; London"]));
    }

    #[test]
    fn a_single_column_uses_a_delimiter_that_splits_nothing() {
        let mut reader = read("Name\nSmith, John\nDoe, Jane\n");
        assert_ne!(reader.delimiter(), b',');
        assert_eq!(reader.headers(), ["Name"]);
        assert_eq!(rows(&mut reader), [row(2, &["Smith, John"]), row(3, &["Doe, Jane"])]);
    }

    #[test]
    fn embedded_newlines_and_doubled_quotes_keep_the_line_each_record_starts_on() {
        let text = "name,note,phone\nAda,\"line one\nline \"\"two\"\"\nline three\",1\n\
                    Bob,\"\",2\r\nCy,\"a,b\r\nc\",3\nDee,x,4\n";
        let mut reader = read(text);
        assert_eq!(
            rows(&mut reader),
            [
                row(2, &["Ada", "line one\nline \"two\"\nline three", "1"]),
                row(5, &["Bob", "", "2"]),
                row(6, &["Cy", "a,b\r\nc", "3"]),
                row(8, &["Dee", "x", "4"]),
            ]
        );
    }

    #[test]
    fn crlf_and_lone_cr_line_ends_leave_no_cr_in_cells() {
        assert_eq!(
            rows(&mut read("a,b\r\n1,2\r\n3,4\r\n")),
            [row(2, &["1", "2"]), row(3, &["3", "4"])]
        );
        assert_eq!(
            rows(&mut read("a,b\r1,2\r3,4")),
            [row(2, &["1", "2"]), row(3, &["3", "4"])]
        );
    }

    #[test]
    fn blank_and_delimiter_only_lines_are_skipped_but_still_counted() {
        let mut reader = read("\n\nname;city\n\n;;\n  ;  \nAda;London\r\n\r\nBob;Paris");
        assert_eq!(reader.headers(), ["name", "city"]);
        assert_eq!(
            rows(&mut reader),
            [row(7, &["Ada", "London"]), row(9, &["Bob", "Paris"])]
        );
    }

    #[test]
    fn cells_keep_their_spaces_and_missing_or_empty_cells_are_empty() {
        let mut reader = read("a,b,c,d\n  x , y,,\nonly\n");
        let all = all(&mut reader);
        assert_eq!(
            all[0].as_ref().unwrap().cells,
            [
                Cell::Text("  x ".into()),
                Cell::Text(" y".into()),
                Cell::Empty,
                Cell::Empty
            ]
        );
        assert_eq!(
            all[1].as_ref().unwrap().cells,
            [Cell::Text("only".into()), Cell::Empty, Cell::Empty, Cell::Empty]
        );
    }

    #[test]
    fn header_cells_are_trimmed_empty_ones_named_by_position_and_duplicates_kept() {
        let reader = read(" Name ,,Phone,Phone, \n1,2,3,4,5\n");
        assert_eq!(reader.headers(), ["Name", "Column 2", "Phone", "Phone", "Column 5"]);
    }

    #[test]
    fn a_row_with_too_many_fields_is_reported_with_its_line_and_reading_goes_on() {
        let mut reader = read("a,b,c,d,e\n1,2,3,4,5\n1,2,3,4,5,6,7\n\"x\ny\",2,3,4,5\n");
        let all = all(&mut reader);
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].as_ref().unwrap().number, 2);
        let error = all[1].clone().unwrap_err();
        assert_eq!((error.file.as_str(), error.row), ("test.csv", 3));
        assert_eq!(error.message, "has 7 fields but the header has 5 — check the quoting");
        assert_eq!(
            error.to_string(),
            "test.csv, row 3: has 7 fields but the header has 5 — check the quoting"
        );
        assert_eq!(all[2].as_ref().unwrap().number, 4);
    }

    #[test]
    fn extra_empty_fields_from_a_trailing_delimiter_are_dropped() {
        assert_eq!(
            rows(&mut read("a;b\n1;2;\n3;4;;\n")),
            [row(2, &["1", "2"]), row(3, &["3", "4"])]
        );
    }

    #[test]
    fn a_quote_in_the_middle_of_an_unquoted_cell_is_a_character() {
        let mut reader = read("name,size\nMonitor 27\",big\nBob \"the builder\" Smith,x\n\"quoted\" tail,y\n");
        assert_eq!(
            rows(&mut reader),
            [
                row(2, &["Monitor 27\"", "big"]),
                row(3, &["Bob \"the builder\" Smith", "x"]),
                row(4, &["quoted tail", "y"])
            ]
        );
    }

    #[test]
    fn a_stray_quote_that_splits_a_cell_makes_the_field_count_wrong() {
        let mut reader = read("name,city,phone\nBob \"the, builder\",Paris,1\nAda,London,2\n");
        let all = all(&mut reader);
        assert_eq!(all[0].clone().unwrap_err().row, 2);
        assert_eq!(all[1].as_ref().unwrap().number, 3);
    }

    #[test]
    fn an_unclosed_quote_is_reported_and_the_lines_after_it_still_read() {
        let mut reader =
            read("name,email\nAda,ada@example.com\n\"Bob,bob@example.com\nCy,cy@example.com\nDee,dee@example.com\n");
        let all = all(&mut reader);
        assert_eq!(all.len(), 4);
        let error = all[1].clone().unwrap_err();
        assert_eq!(error.row, 3);
        assert!(error.message.contains("never closed"), "{}", error.message);
        let numbers: Vec<usize> = all.iter().filter_map(|r| r.as_ref().ok()).map(|r| r.number).collect();
        assert_eq!(numbers, [2, 4, 5]);
    }

    #[test]
    fn a_quote_closed_lines_later_is_reported_and_the_lines_it_swallowed_still_read() {
        let text = "name,city\n\"Bob,Paris\nCy,Rome\nDee,\"Oslo\"\nEve,Bern\n";
        let all = all(&mut read(text));
        let error = all[0].clone().unwrap_err();
        assert_eq!(error.row, 2);
        assert!(error.message.contains("from line 2 to line 4"), "{}", error.message);
        let rows: Vec<(usize, Vec<String>)> = all[1..]
            .iter()
            .map(|r| r.as_ref().unwrap())
            .map(|r| (r.number, r.cells.iter().map(cell_text).collect()))
            .collect();
        assert_eq!(
            rows,
            [
                row(3, &["Cy", "Rome"]),
                row(4, &["Dee", "Oslo"]),
                row(5, &["Eve", "Bern"])
            ]
        );
    }

    #[test]
    fn an_overlong_record_is_reported_and_the_next_line_still_reads() {
        let text = format!("a,b\n{},x\n1,2\n", "y".repeat(MAX_RECORD_BYTES + 10));
        let all = all(&mut read(text));
        assert_eq!(all.len(), 2);
        let error = all[0].clone().unwrap_err();
        assert_eq!(error.row, 2);
        assert!(error.message.contains("longer than 4 MiB"), "{}", error.message);
        assert_eq!(all[1].as_ref().unwrap().number, 3);
    }

    #[test]
    fn a_forced_encoding_is_used_instead_of_detection() {
        // These bytes read as Windows-1252 too (as "Ôàìèëèÿ"); detection would say Windows-1251.
        let bytes = encode(WINDOWS_1251, "Фамилия,Имя\nИванов,Иван\n");
        let reader = CsvReader::from_bytes("x.csv", bytes.clone(), &options(Some("windows-1252"), None)).unwrap();
        assert_eq!(
            (reader.encoding(), reader.headers()[0].as_str()),
            ("windows-1252", "Ôàìèëèÿ")
        );
        let reader = CsvReader::from_bytes("x.csv", bytes, &options(Some(" CP1251 "), None)).unwrap();
        assert_eq!(
            (reader.encoding(), reader.headers()[0].as_str()),
            ("windows-1251", "Фамилия")
        );

        let bytes = utf16("a;b\n1;2\n", false, true);
        let mut reader = CsvReader::from_bytes("x.csv", bytes, &options(Some("utf-16le"), None)).unwrap();
        assert_eq!(reader.headers(), ["a", "b"]);
        assert_eq!(rows(&mut reader), [row(2, &["1", "2"])]);
    }

    #[test]
    fn a_forced_delimiter_is_used_instead_of_detection() {
        let mut reader = CsvReader::from_bytes("x.csv", "a,b;c\n1,2;3\n".into(), &options(None, Some(b';'))).unwrap();
        assert_eq!(
            (reader.delimiter(), reader.headers()),
            (b';', &["a,b".to_string(), "c".to_string()][..])
        );
        assert_eq!(rows(&mut reader), [row(2, &["1,2", "3"])]);
        let reader = CsvReader::from_bytes("x.csv", "a b\n1 2\n".into(), &options(Some("utf-8"), Some(b' '))).unwrap();
        assert_eq!(reader.headers(), ["a", "b"]);
    }

    #[test]
    fn unknown_encodings_and_unusable_delimiters_are_errors_naming_the_file() {
        let error = CsvReader::from_bytes("x.csv", "a\n".into(), &options(Some("klingon"), None)).unwrap_err();
        assert_eq!((error.file.as_str(), error.row), ("x.csv", 0));
        assert!(
            error.message.contains("unknown encoding \"klingon\""),
            "{}",
            error.message
        );
        for delimiter in [b'"', b'\n', b'\r', 0xE9] {
            let error = CsvReader::from_bytes("x.csv", "a\n".into(), &options(None, Some(delimiter))).unwrap_err();
            assert!(error.message.contains("can't separate cells"), "{}", error.message);
        }
    }

    #[test]
    fn an_empty_file_is_an_error_naming_the_file() {
        for bytes in [&b""[..], b"\xEF\xBB\xBF", b"\xFF\xFE", b"\r\n\n", b";;;\n;;;\n"] {
            let error = CsvReader::from_bytes("clients.csv", bytes.to_vec(), &CsvOptions::default()).unwrap_err();
            assert_eq!(error.to_string(), "clients.csv: the file is empty", "{bytes:?}");
        }
    }

    #[test]
    fn a_header_only_file_has_no_rows() {
        for text in ["Name;Phone", "Name;Phone\r\n", "Name;Phone\n\n;\n"] {
            let mut reader = read(text);
            assert_eq!(reader.headers(), ["Name", "Phone"]);
            assert!(reader.next_row().is_none());
            assert!(reader.next_row().is_none(), "stays at the end");
        }
    }

    #[test]
    fn a_broken_header_is_an_error() {
        let error = CsvReader::from_bytes("x.csv", "\n\"Name,Phone\n1,2\n".into(), &CsvOptions::default()).unwrap_err();
        assert_eq!(error.row, 2);
        assert!(
            error.message.starts_with("the header row can't be read"),
            "{}",
            error.message
        );
    }

    #[test]
    fn progress_counts_bytes_up_to_the_size() {
        let bytes = "a,b\n1,2\n".repeat(40_000).into_bytes();
        let total = bytes.len() as u64;
        let mut reader = CsvReader::from_bytes("x.csv", bytes, &CsvOptions::default()).unwrap();
        let (done, size) = reader.progress();
        assert_eq!(size, total);
        assert!(done > 0 && done < total);
        while reader.next_row().is_some() {}
        assert_eq!(reader.progress(), (total, total));
    }

    #[test]
    fn open_reads_a_file_and_names_it_in_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("клиенты.csv");
        std::fs::write(&path, encode(WINDOWS_1251, RUSSIAN)).unwrap();
        let mut reader = CsvReader::open(&path, &CsvOptions::default()).unwrap();
        assert_eq!(reader.encoding(), "windows-1251");
        assert_eq!(rows(&mut reader).len(), 2);

        std::fs::write(&path, "a,b\n1,2,3\n").unwrap();
        let mut reader = CsvReader::open(&path, &CsvOptions::default()).unwrap();
        assert_eq!(reader.next_row().unwrap().unwrap_err().file, "клиенты.csv");

        let error = CsvReader::open(&dir.path().join("missing.csv"), &CsvOptions::default()).unwrap_err();
        assert_eq!((error.file.as_str(), error.row), ("missing.csv", 0));
        assert!(error.message.starts_with("can't be read"), "{}", error.message);
    }

    #[test]
    fn big_files_stream_in_every_encoding_with_the_same_rows() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("Фамилия;Имя;Заметка\r\n");
        for i in 0..6_000 {
            text.push_str(&format!("Иванов{i};Пётр;\"строка\nещё «{i}» \"\"цитата\"\"\"\r\n"));
        }
        let files = [
            ("utf-8", text.clone().into_bytes()),
            ("windows-1251", encode(WINDOWS_1251, &text)),
            ("utf-16le", utf16(&text, false, true)),
            ("utf-16be", utf16(&text, true, true)),
        ];
        for (label, bytes) in files {
            assert!(bytes.len() > 3 * CHUNK);
            let path = dir.path().join(format!("{label}.csv"));
            std::fs::write(&path, &bytes).unwrap();
            let total = bytes.len() as u64;
            let mut streamed = CsvReader::open_with_limit(&path, &CsvOptions::default(), 0).unwrap();
            let mut in_memory = CsvReader::from_bytes("x.csv", bytes, &CsvOptions::default()).unwrap();
            assert_eq!(
                streamed.encoding(),
                Encoding::for_label(label.as_bytes()).unwrap().name()
            );
            assert_eq!(
                (streamed.encoding(), streamed.delimiter()),
                (in_memory.encoding(), b';')
            );
            let streamed_rows = rows(&mut streamed);
            assert_eq!(streamed_rows.len(), 6_000);
            assert_eq!(
                streamed_rows[5_999],
                row(2 + 2 * 5_999, &["Иванов5999", "Пётр", "строка\nещё «5999» \"цитата\""])
            );
            assert_eq!(streamed_rows, rows(&mut in_memory), "{label}");
            assert_eq!(streamed.progress(), (total, total));
        }
    }

    #[test]
    fn the_reader_can_move_to_another_thread() {
        fn assert_send<T: Send>() {}
        assert_send::<CsvReader>();
    }

    #[test]
    fn random_bytes_never_panic_and_reading_always_ends() {
        const PIECES: &[&[u8]] = &[
            b"\"",
            b"\"\"",
            b",",
            b";",
            b"\t",
            b"|",
            b"\n",
            b"\r",
            b"\r\n",
            b"a",
            b"1",
            b" ",
            b"\xEF\xBB\xBF",
            b"\xFF\xFE",
            b"\xFE\xFF",
            b"\0",
            b"\xC0",
            b"\xE9",
            b"\xD0\xAF",
            b"\xF0\x9F\x98",
            b"\x80",
            b"\xFF",
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        let forced = [
            CsvOptions::default(),
            options(Some("utf-16be"), Some(b';')),
            options(Some("windows-1251"), None),
            options(None, Some(b'\t')),
        ];
        for case in 0..4_000 {
            let mut bytes = Vec::new();
            for _ in 0..next() % 80 {
                if next() % 4 == 0 {
                    bytes.push(next() as u8);
                } else {
                    bytes.extend_from_slice(PIECES[next() % PIECES.len()]);
                }
            }
            let options = if case % 2 == 0 {
                &forced[0]
            } else {
                &forced[next() % forced.len()]
            };
            let Ok(mut reader) = CsvReader::from_bytes("fuzz.csv", bytes.clone(), options) else {
                continue;
            };
            let width = reader.headers().len();
            let mut last_line = 0;
            let mut count = 0;
            while let Some(result) = reader.next_row() {
                count += 1;
                assert!(count <= bytes.len(), "reading ends: {bytes:?}");
                let line = match result {
                    Ok(row) => {
                        assert_eq!(row.cells.len(), width, "{bytes:?}");
                        row.number
                    }
                    Err(error) => error.row,
                };
                assert!(line > last_line, "rows go forward: {bytes:?}");
                last_line = line;
            }
            assert_eq!(reader.progress(), (bytes.len() as u64, bytes.len() as u64));
        }
    }

    #[test]
    fn fixture_russian_excel_windows_1251() {
        let mut reader = fixture(
            "excel-ru-1251.csv",
            include_bytes!("../../../../tests/fixtures/import/excel-ru-1251.csv"),
        );
        assert_eq!((reader.encoding(), reader.delimiter()), ("windows-1251", b';'));
        assert_eq!(
            reader.headers(),
            [
                "Фамилия",
                "Имя",
                "Отчество",
                "Дата рождения",
                "Телефон",
                "Город",
                "Сумма договора",
                "Примечание"
            ]
        );
        let rows = rows(&mut reader);
        let numbers: Vec<usize> = rows.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [2, 3, 4, 6, 8]);
        assert_eq!(
            rows[0].1,
            [
                "Иванов",
                "Иван",
                "Иванович",
                "15.03.1978",
                "+7 (495) 123-45-67",
                "Москва",
                "1234,56",
                ""
            ]
        );
        assert_eq!(rows[1].1[7], "Звонить после 18:00; \"VIP\"");
        assert_eq!(
            (rows[2].1[1].as_str(), rows[2].1[7].as_str()),
            ("Пётр", "ООО «Ромашка»")
        );
        assert_eq!(rows[3].1[7], "Адрес:\nул. Ленина, д. 5, кв. 12");
        assert_eq!((rows[4].1[6].as_str(), rows[4].1[7].as_str()), ("-250,75", "№ 17"));
    }

    #[test]
    fn fixture_google_contacts_utf8_with_bom() {
        let bytes = include_bytes!("../../../../tests/fixtures/import/google-contacts-utf8.csv");
        let mut reader = fixture("google-contacts-utf8.csv", bytes);
        assert_eq!((reader.encoding(), reader.delimiter()), ("UTF-8", b','));
        assert_eq!(reader.headers().len(), 19);
        assert_eq!(reader.headers()[..3], ["First Name", "Middle Name", "Last Name"]);
        let rows = rows(&mut reader);
        let numbers: Vec<usize> = rows.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [2, 5, 6, 7]);
        assert_eq!(rows[0].1[7], "Met at the \"Difference Engine\" demo.");
        assert_eq!(rows[0].1[16], "12 St James's Square\nLondon SW1Y 4JH\nUnited Kingdom");
        assert_eq!(rows[1].1[..3], ["José", "María", "García López"]);
        assert_eq!(rows[1].1[14], "+34 91 123 45 67 ::: +34 91 765 43 21");
        assert_eq!(rows[2].1[0], "李");
        assert_eq!(rows[3].1[4], "Acme, Inc.");
    }

    #[test]
    fn fixture_excel_unicode_text_utf16le_tabs() {
        let bytes = include_bytes!("../../../../tests/fixtures/import/unicode-text-utf16.txt");
        let mut reader = fixture("unicode-text-utf16.txt", bytes);
        assert_eq!((reader.encoding(), reader.delimiter()), ("UTF-16LE", b'\t'));
        assert_eq!(reader.headers(), ["Name", "Company", "Phone", "City", "Note"]);
        assert_eq!(
            rows(&mut reader),
            [
                row(
                    2,
                    &["Анна Петрова", "ООО \"Ромашка\"", "+7 495 123-45-67", "Москва", ""]
                ),
                row(
                    3,
                    &[
                        "François Dupont",
                        "Société Générale",
                        "+33 1 42 14 20 00",
                        "Paris",
                        "Prefers e-mail;\nno calls before 10:00"
                    ]
                ),
                row(
                    5,
                    &["Ελένη Παπαδοπούλου", "", "+30 210 123 4567", "Αθήνα", "Καλημέρα 👋"]
                ),
            ]
        );
    }

    #[test]
    fn fixture_broken_quoting_reports_each_broken_row_and_reads_the_rest() {
        let bytes = include_bytes!("../../../../tests/fixtures/import/broken-quoting.csv");
        let mut reader = fixture("broken-quoting.csv", bytes);
        let all = all(&mut reader);
        let summary: Vec<Result<(usize, String), usize>> = all
            .iter()
            .map(|r| match r {
                Ok(row) => Ok((row.number, cell_text(&row.cells[0]))),
                Err(error) => Err(error.row),
            })
            .collect();
        assert_eq!(
            summary,
            [
                Ok((2, "Ada Lovelace".into())),
                Err(3),
                Ok((4, "Alan Turing".into())),
                Err(5),
                Ok((6, "Barbara Liskov".into())),
                Err(7),
                Ok((8, "Margaret Hamilton".into())),
            ]
        );
        assert_eq!(
            all[3].clone().unwrap_err().to_string(),
            "broken-quoting.csv, row 5: has 5 fields but the header has 4 — check the quoting"
        );
        assert_eq!(cell_text(&all[4].as_ref().unwrap().cells[3]), "Boston \"Back Bay\"");
        assert!(all[5].clone().unwrap_err().message.contains("never closed"));
    }
}
