//! Importing records from files people have: CSV as Excel writes it, spreadsheets, JSON lines,
//! LDIF address books.
//!
//! Every reader yields a header row and typed rows ([`table::TableReader`]); the pipeline
//! ([`Vault::import`](crate::Vault::import)) maps columns to fields, converts each cell by the
//! field's type, and writes all rows in one transaction.

pub mod csv;
pub mod jsonl;
pub mod ldif;
pub mod mapping;
mod ole;
mod open;
mod pipeline;
pub mod plugin_reader;
pub mod sheet;
pub mod table;
pub use open::{EXTENSIONS, OpenOptions, is_workbook, open};

pub use pipeline::{BadRow, DateOrder, Existing, ImportOptions, ImportReport, KeptCell, cell_value};
