//! The CSV reader on any bytes: encoding and delimiter detection, the header, then every row,
//! once as detected and once with the encoding and delimiter forced.
//!
//! Holds: no panic; every error names the file, and a row's error its line; rows come in
//! file order, each as wide as the header.

#![no_main]

use cardbase_engine::import::csv::{CsvOptions, CsvReader};
use cardbase_engine::import::table::TableReader;
use libfuzzer_sys::fuzz_target;

const FILE: &str = "fuzz.csv";

/// Encodings a user may force (`--encoding`), by WHATWG label; one a user may mistype.
const ENCODINGS: [&str; 7] = [
    "utf-8",
    "windows-1251",
    "windows-1252",
    "utf-16le",
    "utf-16be",
    "koi8-r",
    "no-such",
];

fn read_all(bytes: &[u8], options: &CsvOptions) {
    let mut reader = match CsvReader::from_bytes(FILE, bytes.to_vec(), options) {
        Ok(reader) => reader,
        Err(error) => {
            assert_eq!(error.file, FILE, "{error}");
            return;
        }
    };
    let width = reader.headers().len();
    assert!(width > 0, "a header has at least one column");
    let _ = (reader.describe(), reader.encoding(), reader.delimiter());
    let mut last = 0;
    while let Some(row) = reader.next_row() {
        match row {
            Ok(row) => {
                assert_eq!(row.cells.len(), width, "row {}", row.number);
                assert!(row.number > last, "row {} after row {last}", row.number);
                last = row.number;
            }
            Err(error) => {
                assert_eq!(error.file, FILE, "{error}");
                assert!(error.row > 0, "a row's error names its line: {error}");
            }
        }
        let _ = reader.progress();
    }
}

fuzz_target!(|data: &[u8]| {
    read_all(data, &CsvOptions::default());
    if let [encoding, delimiter, rest @ ..] = data {
        let options = CsvOptions {
            encoding: Some(ENCODINGS[usize::from(*encoding) % ENCODINGS.len()].to_string()),
            // Any byte: the reader must refuse what can't be a delimiter, not panic.
            delimiter: (*delimiter != 0).then_some(*delimiter),
        };
        read_all(rest, &options);
    }
});
