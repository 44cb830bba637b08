//! LDIF address books (RFC 2849), as Thunderbird and other LDAP-minded programs export them:
//! one entry per person, `attribute: value` lines, `attribute:: base64` for text that is not
//! plain ASCII, long lines folded with a leading space. Each person becomes a row; the
//! attributes become columns named the way people name them ("First name", "Home phone"), so
//! the usual header matching finds their fields. A home or work address spread over several
//! attributes is one column; Thunderbird's birthyear/birthmonth/birthday one date. Mailing
//! lists (groupOfNames entries) are not people and are left out.

use super::table::{Cell, ReadError, Row, TableReader, check_whole_file_size};
use base64::Engine as _;
use std::path::Path;

/// Attributes that say nothing about the person (the entry's name, its schema classes, when
/// it was changed, a mail-format preference).
const SKIPPED: &[&str] = &[
    "dn",
    "objectclass",
    "modifytimestamp",
    "mozillausehtmlmail",
    "changetype",
];

/// Column names for the attributes Thunderbird (and LDAP's inetOrgPerson) write.
const NAMES: &[(&str, &str)] = &[
    ("givenname", "First name"),
    ("sn", "Last name"),
    ("cn", "Display name"),
    ("mozillanickname", "Nickname"),
    ("mail", "E-mail"),
    ("mozillasecondemail", "E-mail 2"),
    ("telephonenumber", "Work phone"),
    ("homephone", "Home phone"),
    ("mobile", "Mobile phone"),
    ("fax", "Fax phone"),
    ("facsimiletelephonenumber", "Fax phone"),
    ("pager", "Pager phone"),
    ("title", "Job title"),
    ("ou", "Department"),
    ("o", "Company"),
    ("mozillaworkurl", "Work web site"),
    ("mozillahomeurl", "Home web site"),
    ("description", "Notes"),
    ("nsaimid", "AIM screen name"),
    ("mozillacustom1", "Custom 1"),
    ("mozillacustom2", "Custom 2"),
    ("mozillacustom3", "Custom 3"),
    ("mozillacustom4", "Custom 4"),
];

/// The attributes of an address, in the order they are written out, per address.
const HOME_ADDRESS: &[&str] = &[
    "mozillahomestreet",
    "mozillahomestreet2",
    "mozillahomelocalityname",
    "mozillahomestate",
    "mozillahomepostalcode",
    "mozillahomecountryname",
];
const WORK_ADDRESS: &[&str] = &["street", "mozillaworkstreet2", "l", "st", "postalcode", "c"];
const BIRTHDAY: &[&str] = &["birthyear", "birthmonth", "birthday"];

/// Reads an LDIF file (held in memory: address books are small).
pub struct LdifReader {
    headers: Vec<String>,
    rows: std::vec::IntoIter<Result<Row, ReadError>>,
    total: u64,
    done: u64,
}

/// One entry: the line it starts on and its `(attribute, value)` pairs, attributes lower case.
struct Entry {
    line: usize,
    attributes: Vec<(String, String)>,
}

impl Entry {
    fn get(&self, attribute: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(a, _)| a == attribute)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }
}

/// The entries of an LDIF text, or the first line that is not LDIF.
fn entries(file: &str, text: &str) -> Result<Vec<Entry>, ReadError> {
    // Unfold first: a line starting with one space continues the one before.
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        match (line.strip_prefix(' '), lines.last_mut()) {
            (Some(rest), Some((_, last))) if !last.is_empty() => last.push_str(rest),
            _ => lines.push((i + 1, line.to_string())),
        }
    }
    let mut out = Vec::new();
    let mut current: Option<Entry> = None;
    for (number, line) in lines {
        if line.trim().is_empty() {
            out.extend(current.take());
            continue;
        }
        if line.starts_with('#') || (current.is_none() && line.to_ascii_lowercase().starts_with("version:")) {
            continue;
        }
        let bad = |message: String| ReadError {
            file: file.to_string(),
            row: number,
            message,
        };
        let (attribute, rest) = line
            .split_once(':')
            .ok_or_else(|| bad(format!("line {number} is not 'attribute: value': {line:?}")))?;
        let value = if let Some(encoded) = rest.strip_prefix(':') {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .map_err(|e| bad(format!("the base64 value of {attribute} does not decode: {e}")))?;
            String::from_utf8_lossy(&bytes).replace("\r\n", "\n")
        } else if rest.starts_with('<') {
            // A value in another file (a URL): not read, so nothing outside the file is opened.
            continue;
        } else {
            rest.trim_start().to_string()
        };
        // Options after ';' (language tags) do not change what the attribute is.
        let attribute = attribute
            .split(';')
            .next()
            .unwrap_or(attribute)
            .trim()
            .to_ascii_lowercase();
        current
            .get_or_insert_with(|| Entry {
                line: number,
                attributes: Vec::new(),
            })
            .attributes
            .push((attribute, value));
    }
    out.extend(current);
    Ok(out)
}

/// Whether an entry is a mailing list rather than a person.
fn is_list(e: &Entry) -> bool {
    e.attributes
        .iter()
        .any(|(a, v)| a == "objectclass" && v.trim().eq_ignore_ascii_case("groupOfNames"))
}

/// A column of the table, and how its cell is made from an entry.
enum Column {
    Attribute(String),
    Address(&'static [&'static str]),
    Birthday,
}

impl Column {
    fn cell(&self, e: &Entry) -> Cell {
        let text = match self {
            Column::Attribute(a) => {
                let values: Vec<&str> = e
                    .attributes
                    .iter()
                    .filter(|(k, v)| k == a && !v.trim().is_empty())
                    .map(|(_, v)| v.as_str())
                    .collect();
                values.join("; ")
            }
            Column::Address(parts) => parts.iter().filter_map(|p| e.get(p)).collect::<Vec<_>>().join(", "),
            Column::Birthday => match (e.get("birthyear"), e.get("birthmonth"), e.get("birthday")) {
                (Some(y), Some(m), Some(d)) => format!("{y}-{m:0>2}-{d:0>2}"),
                (None, Some(m), Some(d)) => format!("--{m:0>2}-{d:0>2}"),
                _ => String::new(),
            },
        };
        if text.trim().is_empty() {
            Cell::Empty
        } else {
            Cell::Text(text)
        }
    }
}

impl LdifReader {
    pub fn open(path: &Path) -> Result<LdifReader, ReadError> {
        let file = path.display().to_string();
        check_whole_file_size(&file, path, "split it into smaller files")?;
        let bytes = std::fs::read(path).map_err(|e| ReadError {
            file: file.clone(),
            row: 0,
            message: e.to_string(),
        })?;
        LdifReader::from_text(&file, &String::from_utf8_lossy(&bytes))
    }

    pub fn from_text(file: &str, text: &str) -> Result<LdifReader, ReadError> {
        let people: Vec<Entry> = entries(file, text)?.into_iter().filter(|e| !is_list(e)).collect();
        // Columns in the order attributes first appear, the parts of an address (and of the
        // birthday) gathered in one.
        let mut columns: Vec<(String, Column)> = Vec::new();
        for e in &people {
            for (a, _) in &e.attributes {
                let (header, column) = if SKIPPED.contains(&a.as_str()) {
                    continue;
                } else if HOME_ADDRESS.contains(&a.as_str()) {
                    ("Home address".to_string(), Column::Address(HOME_ADDRESS))
                } else if WORK_ADDRESS.contains(&a.as_str()) {
                    ("Work address".to_string(), Column::Address(WORK_ADDRESS))
                } else if BIRTHDAY.contains(&a.as_str()) {
                    ("Birthday".to_string(), Column::Birthday)
                } else {
                    let name = NAMES
                        .iter()
                        .find(|(k, _)| k == a)
                        .map(|(_, n)| n.to_string())
                        .unwrap_or_else(|| a.clone());
                    (name, Column::Attribute(a.clone()))
                };
                if !columns.iter().any(|(h, _)| *h == header) {
                    columns.push((header, column));
                }
            }
        }
        let rows: Vec<Result<Row, ReadError>> = people
            .iter()
            .map(|e| {
                Ok(Row {
                    number: e.line,
                    cells: columns.iter().map(|(_, c)| c.cell(e)).collect(),
                })
            })
            .collect();
        let total = rows.len() as u64;
        Ok(LdifReader {
            headers: columns.into_iter().map(|(h, _)| h).collect(),
            rows: rows.into_iter(),
            total,
            done: 0,
        })
    }
}

impl TableReader for LdifReader {
    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_row(&mut self) -> Option<Result<Row, ReadError>> {
        let row = self.rows.next()?;
        self.done += 1;
        Some(row)
    }

    fn progress(&self) -> (u64, u64) {
        (self.done, self.total)
    }

    fn describe(&self) -> String {
        "an LDIF address book".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_become_rows_with_folded_lines_base64_addresses_and_birthdays_joined() {
        let text = "version: 1\n\
                    dn: cn=list\nobjectclass: groupOfNames\ncn: list\n\n\
                    dn: cn=Ada Lovelace\nobjectclass: person\ngivenName: Ada\nsn: Love\n lace\n\
                    mail: ada@example.org\nmail: ada@home.example\nstreet: 1 Main St\nl: London\n\
                    birthyear: 1815\nbirthmonth: 12\nbirthday: 10\n\
                    description:: TGluZSAxDQpMaW5lIDI=\n";
        let mut r = LdifReader::from_text("a.ldif", text).unwrap();
        assert_eq!(
            r.headers(),
            ["First name", "Last name", "E-mail", "Work address", "Birthday", "Notes"]
        );
        let row = r.next_row().unwrap().unwrap();
        let text = |i: usize| match &row.cells[i] {
            Cell::Text(t) => t.clone(),
            other => format!("{other:?}"),
        };
        assert_eq!(row.number, 6, "the line its entry starts on");
        assert_eq!(text(1), "Lovelace");
        assert_eq!(text(2), "ada@example.org; ada@home.example");
        assert_eq!(text(3), "1 Main St, London");
        assert_eq!(text(4), "1815-12-10");
        assert_eq!(text(5), "Line 1\nLine 2");
        assert!(r.next_row().is_none(), "the mailing list is not a person");
    }

    #[test]
    fn a_line_that_is_not_ldif_is_named() {
        let Err(err) = LdifReader::from_text("a.ldif", "dn: cn=x\nno colon here\n") else {
            panic!("read")
        };
        assert_eq!(err.row, 2);
        assert!(err.to_string().contains("a.ldif"), "{err}");
    }
}
