//! The vCard importer on any bytes, fed whole and in chunks of 1 to 256 bytes (the first
//! byte decides).
//!
//! Holds: no panic, no `Err` (a broken card is an entry with an error, not a failed file),
//! and the same entries however the file is cut into chunks, as the SDK promises
//! ("a chunk may end in the middle of a line or of a UTF-8 character").

#![no_main]

use cardbase_plugin_sdk::{Entry, Importer};
use cardbase_plugin_vcard::VcardImporter;
use libfuzzer_sys::fuzz_target;

fn import(data: &[u8], chunk: usize) -> Vec<Entry> {
    let mut importer = VcardImporter::start("fuzz.vcf");
    let mut entries = Vec::new();
    for piece in data.chunks(chunk) {
        entries.extend(importer.feed(piece).expect("feeding never fails"));
    }
    entries.extend(importer.finish().expect("finishing never fails"));
    entries
}

fuzz_target!(|data: &[u8]| {
    let _ = VcardImporter::sniff("fuzz.bin", &data[..data.len().min(4096)]);
    let whole = import(data, data.len().max(1));
    let chunk = 1 + usize::from(data.first().copied().unwrap_or(0));
    let chunked = import(data, chunk);
    assert!(
        whole == chunked,
        "fed whole:\n{whole:?}\nfed in chunks of {chunk}:\n{chunked:?}"
    );
});
