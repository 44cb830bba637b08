//! Exporting records to files people use: XLSX, CSV, HTML, plain text, JSON lines.
pub mod formulas;
pub mod table;
pub mod view;
pub mod writers;
