//! The user-editable schema: sections (Contacts, Organizations, ...) and their fields.
//!
//! Every section and field has a stable id (never reused), an immutable ASCII `key` used by the
//! CLI, plugins and files, and a `label` the user can rename freely. Renaming never touches data.
//! Schema edits live in [`edit`] and are applied by [`crate::Vault`] as migrations.

pub mod convert;
pub mod edit;
pub mod file;
mod types;

pub use file::{FieldSpec, Preset, SchemaFile, SectionSpec};
pub use types::{FieldType, PHONE_KINDS};

use crate::ids::{FieldId, SectionId};
use serde::{Deserialize, Serialize};

/// Options that only some field types use.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldOptions {
    /// Allowed values of a `choice` field; suggested values of a `tags` field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// The section a `relation` field points to (by key). `None`: any section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The currency a `money` value takes when none is given (ISO 4217, e.g. `EUR`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// For date fields: remind this many days before the date (contract end, birthdays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_days_before: Option<u32>,
}

/// A field of a section as the vault stores it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub id: FieldId,
    pub section: SectionId,
    pub key: String,
    pub label: String,
    pub kind: FieldType,
    pub position: i64,
    pub hidden: bool,
    pub required: bool,
    pub unique: bool,
    pub indexed: bool,
    pub help: Option<String>,
    /// The default value as the user typed it; parsed by type when a record is created.
    pub default: Option<String>,
    pub options: FieldOptions,
    /// Set when the field is in the bin: hidden everywhere, values kept until the bin is emptied.
    pub deleted: bool,
}

impl Field {
    /// The SQL column holding this field's values.
    pub fn column(&self) -> String {
        format!("c_{}", self.id.0)
    }

    /// The SQL column holding the currency of a money value.
    pub fn currency_column(&self) -> String {
        format!("c_{}_cur", self.id.0)
    }
}

/// A section (a kind of record: contacts, organizations, tasks...) as the vault stores it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub id: SectionId,
    pub key: String,
    pub label: String,
    pub position: i64,
    pub hidden: bool,
    /// Keys of the fields whose values, joined by spaces, make a record's title.
    pub title: Vec<String>,
    pub deleted: bool,
    /// All fields, including hidden and binned ones, in position order.
    pub fields: Vec<Field>,
}

impl Section {
    /// The SQL table holding this section's records.
    pub fn table(&self) -> String {
        format!("s_{}", self.id.0)
    }

    /// Fields not in the bin, in position order (hidden ones included).
    pub fn live_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| !f.deleted)
    }

    /// Fields a user sees: neither hidden nor in the bin.
    pub fn visible_fields(&self) -> impl Iterator<Item = &Field> {
        self.live_fields().filter(|f| !f.hidden)
    }

    /// A live field by key.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.live_fields().find(|f| f.key == key)
    }

    /// A live field by key, or an error naming the section.
    pub fn require_field(&self, key: &str) -> crate::Result<&Field> {
        self.field(key).ok_or_else(|| crate::Error::NoField {
            section: self.key.clone(),
            field: key.to_string(),
        })
    }
}

/// The whole schema of a vault, sections in position order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Schema {
    pub sections: Vec<Section>,
}

impl Schema {
    /// Sections not in the bin, in position order.
    pub fn live_sections(&self) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(|s| !s.deleted)
    }

    /// A live section by key (or, for convenience, by its label, case-insensitively).
    pub fn section(&self, key_or_label: &str) -> Option<&Section> {
        self.live_sections().find(|s| s.key == key_or_label).or_else(|| {
            self.live_sections()
                .find(|s| s.label.eq_ignore_ascii_case(key_or_label))
        })
    }

    /// A live section by key or label, or an error naming it.
    pub fn require_section(&self, key_or_label: &str) -> crate::Result<&Section> {
        self.section(key_or_label)
            .ok_or_else(|| crate::Error::NoSection(key_or_label.to_string()))
    }

    /// A section by id, binned or not.
    pub fn section_by_id(&self, id: SectionId) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }
}

/// Checks that a key is a lowercase ASCII identifier: `[a-z][a-z0-9_]*`, at most 64 bytes.
///
/// ```
/// assert!(cardbase_engine::schema::valid_key("first_name"));
/// assert!(!cardbase_engine::schema::valid_key("First name"));
/// ```
pub fn valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some('a'..='z'))
        && key.len() <= 64
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}
