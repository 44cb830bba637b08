//! The spreadsheet reader (calamine behind `SheetReader`) on any bytes, as `.xlsx`, `.ods`
//! or `.xls` (chosen by the input's length, so one input tries each as it grows).
//!
//! Holds: no panic in our code; every error names the file. Calamine's own panics are caught
//! by the reader (`guarded` in sheet.rs) and reported as a damaged file; libfuzzer-sys'
//! panic hook would abort on them even then, so this target puts back a printing hook: a
//! panic that escapes the reader still aborts through `fuzz_target!`'s own check.

#![no_main]

use cardbase_engine::import::sheet::{SheetOptions, SheetReader};
use cardbase_engine::import::table::TableReader;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

/// A folder of this process's own (libFuzzer's `-jobs` runs several).
fn folder() -> &'static PathBuf {
    static FOLDER: OnceLock<PathBuf> = OnceLock::new();
    FOLDER.get_or_init(|| {
        std::panic::set_hook(Box::new(|info| eprintln!("caught: {info}")));
        let folder = std::env::temp_dir().join(format!("cardbase-fuzz-sheet-{}", std::process::id()));
        std::fs::create_dir_all(&folder).expect("the temporary folder is writable");
        folder
    })
}

fuzz_target!(|data: &[u8]| {
    let extension = ["xlsx", "ods", "xls"][data.len() % 3];
    let path = folder().join(format!("fuzz.{extension}"));
    std::fs::write(&path, data).expect("the temporary folder is writable");
    let file = path.display().to_string();
    match SheetReader::open(&path, &SheetOptions::default()) {
        Ok(mut reader) => {
            let width = reader.headers().len();
            let mut last = 0;
            while let Some(row) = reader.next_row() {
                let row = row.expect("a sheet's rows are already in memory");
                assert_eq!(row.cells.len(), width);
                assert!(row.number > last);
                last = row.number;
                let _ = reader.progress();
            }
        }
        Err(error) => assert_eq!(error.file, file, "{error}"),
    }
    if let Err(error) = SheetReader::sheet_names(&path) {
        assert_eq!(error.file, file, "{error}");
    }
});
