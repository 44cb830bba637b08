//! The LDIF reader on any text. Holds: no panic; every row has a cell per column; an error
//! names the file and the line.

#![no_main]

use cardbase_engine::import::ldif::LdifReader;
use cardbase_engine::import::table::TableReader;
use libfuzzer_sys::fuzz_target;

const FILE: &str = "fuzz.ldif";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match LdifReader::from_text(FILE, &text) {
        Ok(mut reader) => {
            let width = reader.headers().len();
            while let Some(row) = reader.next_row() {
                let row = row.expect("rows of a file that read are whole");
                assert_eq!(row.cells.len(), width);
            }
        }
        Err(error) => assert!(error.file == FILE && error.row > 0, "{error}"),
    }
});
