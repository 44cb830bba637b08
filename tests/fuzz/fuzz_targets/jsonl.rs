//! The JSON-lines reader on any text. Holds: no panic; every error names the file and line.

#![no_main]

use cardbase_engine::import::jsonl::JsonLinesReader;
use cardbase_engine::import::table::TableReader;
use libfuzzer_sys::fuzz_target;

const FILE: &str = "fuzz.jsonl";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut reader = JsonLinesReader::from_text(FILE, &text);
    let width = reader.headers().len();
    while let Some(row) = reader.next_row() {
        match row {
            Ok(row) => assert_eq!(row.cells.len(), width),
            Err(error) => assert!(error.file == FILE && error.row > 0, "{error}"),
        }
    }
});
