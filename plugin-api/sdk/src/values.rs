//! Small conveniences on the record and value types.

use crate::{Date, Entry, FieldInfo, FieldValue, Item, PartialDate, Record, Value};

fn find<'a>(fields: &'a [FieldValue], key: &str) -> Option<&'a Value> {
    fields.iter().find(|f| f.key == key).map(|f| &f.value)
}

fn text_of<'a>(fields: &'a [FieldValue], key: &str) -> Option<&'a str> {
    match find(fields, key)? {
        Value::Text(t) | Value::Relation(t) => Some(t),
        _ => None,
    }
}

impl Record {
    /// A record of `section` with no fields yet.
    pub fn new(section: &str) -> Record {
        Record {
            id: String::new(),
            section: section.to_string(),
            fields: Vec::new(),
        }
    }

    /// The value of field `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        find(&self.fields, key)
    }

    /// The text of field `key`, if it is a text or relation value.
    pub fn text(&self, key: &str) -> Option<&str> {
        text_of(&self.fields, key)
    }

    /// Sets field `key`, replacing what it held.
    pub fn with(mut self, key: &str, value: Value) -> Record {
        self.fields.retain(|f| f.key != key);
        self.fields.push(FieldValue {
            key: key.to_string(),
            value,
        });
        self
    }
}

impl Entry {
    /// An entry read from line (or row) `line`, with no fields yet.
    pub fn at(line: u32) -> Entry {
        Entry {
            line,
            fields: Vec::new(),
            error: None,
        }
    }

    /// The value of field `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        find(&self.fields, key)
    }

    /// The text of field `key`, if it is a text or relation value.
    pub fn text(&self, key: &str) -> Option<&str> {
        text_of(&self.fields, key)
    }

    /// Sets field `key`, replacing what it held.
    pub fn with(mut self, key: &str, value: Value) -> Entry {
        self.fields.retain(|f| f.key != key);
        self.fields.push(FieldValue {
            key: key.to_string(),
            value,
        });
        self
    }

    /// Marks the entry as bad: the host lists it with this reason and does not import it.
    pub fn failed(mut self, reason: impl Into<String>) -> Entry {
        self.error = Some(reason.into());
        self
    }
}

impl FieldInfo {
    /// A field by key, label and kind (a Cardbase field type: "text", "phones"...).
    pub fn new(key: &str, label: &str, kind: &str) -> FieldInfo {
        FieldInfo {
            key: key.to_string(),
            label: label.to_string(),
            kind: kind.to_string(),
        }
    }
}

impl Item {
    /// A phone, e-mail or web address of a kind ("mobile", "work"...).
    pub fn new(kind: &str, value: &str) -> Item {
        Item {
            kind: kind.to_string(),
            value: value.to_string(),
        }
    }
}

impl Date {
    /// The date as `yyyy-mm-dd`.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl PartialDate {
    /// The date as `yyyy-mm-dd`, or `--mm-dd` without a year.
    pub fn iso(&self) -> String {
        match self.year {
            Some(y) => format!("{y:04}-{:02}-{:02}", self.month, self.day),
            None => format!("--{:02}-{:02}", self.month, self.day),
        }
    }
}
