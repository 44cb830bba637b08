//! JSON lines in the form `cardbase list --format json` writes: one
//! `{"id": …, "section": …, "fields": {key: value…}}` object per line (a bare `{key: value}`
//! object works too). Columns are the field keys, in the order they first appear.

use super::table::{Cell, ReadError, Row, TableReader, check_whole_file_size};
use serde_json::Value as J;
use std::path::Path;

/// Reads a JSON-lines file (held in memory: these files are exports of one vault).
pub struct JsonLinesReader {
    file: String,
    headers: Vec<String>,
    rows: std::vec::IntoIter<Result<Row, ReadError>>,
    total: u64,
    done: u64,
}

/// A JSON value as the text `Value::parse` reads for its field.
fn cell(v: &J) -> Cell {
    match v {
        J::Null => Cell::Empty,
        J::Bool(b) => Cell::Bool(*b),
        J::Number(n) => n.as_f64().map(Cell::Number).unwrap_or(Cell::Empty),
        J::String(s) if s.is_empty() => Cell::Empty,
        J::String(s) => Cell::Text(s.clone()),
        J::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .filter_map(|i| match i {
                    J::String(s) => Some(s.clone()),
                    J::Object(o) => {
                        let value = o.get("value").and_then(J::as_str).map(str::to_string).or_else(|| {
                            let parts: Vec<&str> = ["street", "city", "region", "postcode", "country"]
                                .iter()
                                .filter_map(|k| o.get(*k).and_then(J::as_str))
                                .filter(|s| !s.is_empty())
                                .collect();
                            (!parts.is_empty()).then(|| parts.join(", "))
                        })?;
                        match o.get("kind").and_then(J::as_str) {
                            Some(k) if !k.is_empty() && k != "other" => Some(format!("{k}: {value}")),
                            _ => Some(value),
                        }
                    }
                    other => Some(other.to_string()),
                })
                .collect();
            let joiner = if items.iter().all(J::is_string) { ", " } else { "; " };
            Cell::Text(parts.join(joiner))
        }
        J::Object(o) => match (
            o.get("amount").and_then(J::as_f64),
            o.get("currency").and_then(J::as_str),
        ) {
            (Some(a), Some(c)) => Cell::Text(format!("{a} {c}")),
            (Some(a), None) => Cell::Number(a),
            _ => Cell::Text(v.to_string()),
        },
    }
}

impl JsonLinesReader {
    pub fn open(path: &Path) -> Result<JsonLinesReader, ReadError> {
        let file = path.display().to_string();
        check_whole_file_size(&file, path, "split it into smaller files, or import it as CSV")?;
        let text = std::fs::read_to_string(path).map_err(|e| ReadError {
            file: file.clone(),
            row: 0,
            message: e.to_string(),
        })?;
        Ok(JsonLinesReader::from_text(&file, &text))
    }

    pub fn from_text(file: &str, text: &str) -> JsonLinesReader {
        let mut headers: Vec<String> = Vec::new();
        let mut parsed = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let number = i + 1;
            match serde_json::from_str::<J>(line) {
                Ok(J::Object(mut o)) => {
                    let fields = match o.remove("fields") {
                        Some(J::Object(f)) => f,
                        _ => o,
                    };
                    for k in fields.keys() {
                        if !headers.contains(k) {
                            headers.push(k.clone());
                        }
                    }
                    parsed.push(Ok((number, fields)));
                }
                Ok(_) => parsed.push(Err(ReadError {
                    file: file.to_string(),
                    row: number,
                    message: "is not a JSON object".into(),
                })),
                Err(e) => parsed.push(Err(ReadError {
                    file: file.to_string(),
                    row: number,
                    message: e.to_string(),
                })),
            }
        }
        let rows: Vec<Result<Row, ReadError>> = parsed
            .into_iter()
            .map(|p| {
                p.map(|(number, fields)| Row {
                    number,
                    cells: headers
                        .iter()
                        .map(|h| fields.get(h).map(cell).unwrap_or(Cell::Empty))
                        .collect(),
                })
            })
            .collect();
        let total = rows.len() as u64;
        JsonLinesReader {
            file: file.to_string(),
            headers,
            rows: rows.into_iter(),
            total,
            done: 0,
        }
    }

    /// The file name errors mention.
    pub fn file(&self) -> &str {
        &self.file
    }
}

impl TableReader for JsonLinesReader {
    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_row(&mut self) -> Option<Result<Row, ReadError>> {
        let r = self.rows.next()?;
        self.done += 1;
        Some(r)
    }

    fn progress(&self) -> (u64, u64) {
        (self.done, self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_json_format_reads_back_as_typed_text() {
        let text = r#"{"id":1,"section":"contacts","fields":{"first_name":"Ada","phones":[{"kind":"mobile","value":"+44 1"}],"groups":["Work","Friends"]}}
{"id":2,"section":"contacts","fields":{"first_name":"Пётр","budget":{"amount":12.5,"currency":"EUR"}}}
not json
"#;
        let mut r = JsonLinesReader::from_text("x.jsonl", text);
        assert_eq!(r.headers(), ["first_name", "phones", "groups", "budget"]);
        let first = r.next_row().unwrap().unwrap();
        assert_eq!(first.cells[1], Cell::Text("mobile: +44 1".into()));
        assert_eq!(first.cells[2], Cell::Text("Work, Friends".into()));
        let second = r.next_row().unwrap().unwrap();
        assert_eq!(second.cells[3], Cell::Text("12.5 EUR".into()));
        let bad = r.next_row().unwrap().unwrap_err();
        assert_eq!(bad.row, 3);
        assert!(r.next_row().is_none());
    }
}
