//! Schema files (`SchemaFile::parse`, what `cardbase schema import` reads) on any text.
//!
//! Holds: no panic; errors name the file; a file that parses writes back (`to_toml`, which
//! `expect`s) to text that parses to the same schema.

#![no_main]

use cardbase_engine::schema::SchemaFile;
use libfuzzer_sys::fuzz_target;

const FILE: &str = "fuzz.toml";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match SchemaFile::parse(FILE, text) {
        Ok(schema) => {
            let written = schema.to_toml();
            let again = SchemaFile::parse(FILE, &written)
                .unwrap_or_else(|e| panic!("a parsed schema writes back to a valid file: {e}\n{written}"));
            assert_eq!(again, schema, "{written}");
        }
        Err(error) => assert!(error.to_string().contains(FILE), "{error}"),
    }
});
