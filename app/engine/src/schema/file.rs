//! The schema file: TOML that describes sections and fields. Presets ship in `schemas/`, a vault's
//! schema round-trips through `schema export` / `schema import`, and `schemas/schema.schema.json`
//! lets editors validate it.
//!
//! ```
//! use cardbase_engine::schema::SchemaFile;
//! let file = SchemaFile::parse("mine.toml", r#"
//!     name = "Reading list"
//!     [[sections]]
//!     key = "books"
//!     label = "Books"
//!     title = ["title"]
//!     [[sections.fields]]
//!     key = "title"
//!     label = "Title"
//!     type = "text"
//!     required = true
//! "#).unwrap();
//! assert_eq!(file.sections[0].fields[0].key, "title");
//! ```

use super::{FieldOptions, FieldType, Schema, valid_key};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// A whole schema as written in a TOML file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaFile {
    /// A name for people, e.g. "Personal organizer".
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub sections: Vec<SectionSpec>,
}

/// A section as written in a schema file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    pub key: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub hidden: bool,
    /// Field keys whose values make a record's title, e.g. `["first_name", "last_name"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub title: Vec<String>,
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
}

/// A field as written in a schema file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub key: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default, skip_serializing_if = "is_false")]
    pub hidden: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Values must differ between records; used as the key when re-importing.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// Keep an index so sorting and filtering by this field stay fast on large vaults.
    #[serde(default, skip_serializing_if = "is_false")]
    pub indexed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The value a new record gets when none is given, as the user would type it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Allowed values of a `choice` field; suggested values of a `tags` field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// The section a `relation` field points to (by key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The currency of a `money` field (ISO 4217).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// For date fields: remind this many days before the date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_days_before: Option<u32>,
}

impl FieldSpec {
    /// A plain field of the given type, with no options set.
    pub fn new(key: &str, label: &str, kind: FieldType) -> FieldSpec {
        FieldSpec {
            key: key.to_string(),
            label: label.to_string(),
            kind,
            hidden: false,
            required: false,
            unique: false,
            indexed: false,
            help: None,
            default: None,
            choices: Vec::new(),
            target: None,
            currency: None,
            remind_days_before: None,
        }
    }

    /// The type-specific options, as the vault stores them.
    pub fn options(&self) -> FieldOptions {
        FieldOptions {
            choices: self.choices.clone(),
            target: self.target.clone(),
            currency: self.currency.clone(),
            remind_days_before: self.remind_days_before,
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The schema presets that ship with Cardbase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Preset {
    /// A personal organizer: contacts, organizations, tasks, notes, links, events.
    #[default]
    Personal,
    /// A small-business client base: the same sections, organizations labelled "Clients" and
    /// carrying contract dates, manager, deal amount, debt, city and status.
    ClientBase,
}

impl Preset {
    /// Every preset, for menus.
    pub const ALL: [Preset; 2] = [Preset::Personal, Preset::ClientBase];

    /// The preset's key, as on the command line (`personal`, `client-base`).
    pub fn key(self) -> &'static str {
        match self {
            Preset::Personal => "personal",
            Preset::ClientBase => "client-base",
        }
    }

    /// Looks a preset up by key.
    pub fn from_key(key: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.key() == key)
    }

    /// The preset's TOML text, as shipped in `schemas/`.
    pub fn toml(self) -> &'static str {
        match self {
            Preset::Personal => include_str!("../../../../schemas/personal.toml"),
            Preset::ClientBase => include_str!("../../../../schemas/client-base.toml"),
        }
    }

    /// The preset, parsed and checked.
    pub fn schema_file(self) -> SchemaFile {
        SchemaFile::parse(&format!("schemas/{}.toml", self.key()), self.toml())
            .expect("shipped presets are checked by the engine's tests")
    }
}

impl SchemaFile {
    /// Parses and checks a schema file; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<SchemaFile> {
        let parsed: SchemaFile = toml::from_str(text).map_err(|e| Error::SchemaFile {
            file: file.to_string(),
            message: e.to_string().trim().replace('\n', " "),
        })?;
        parsed.check().map_err(|message| Error::SchemaFile {
            file: file.to_string(),
            message,
        })?;
        Ok(parsed)
    }

    /// Serializes to TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("a schema file always serializes")
    }

    /// The schema file describing a vault's live schema (binned items left out).
    pub fn from_schema(name: &str, schema: &Schema) -> SchemaFile {
        SchemaFile {
            name: name.to_string(),
            description: None,
            sections: schema
                .live_sections()
                .map(|s| SectionSpec {
                    key: s.key.clone(),
                    label: s.label.clone(),
                    hidden: s.hidden,
                    // A binned field or section is not part of the file; leave references to it out.
                    title: s.title.iter().filter(|k| s.field(k).is_some()).cloned().collect(),
                    fields: s
                        .live_fields()
                        .map(|f| FieldSpec {
                            key: f.key.clone(),
                            label: f.label.clone(),
                            kind: f.kind,
                            hidden: f.hidden,
                            required: f.required,
                            unique: f.unique,
                            indexed: f.indexed,
                            help: f.help.clone(),
                            default: f.default.clone(),
                            choices: f.options.choices.clone(),
                            target: f.options.target.clone().filter(|t| schema.section(t).is_some()),
                            currency: f.options.currency.clone(),
                            remind_days_before: f.options.remind_days_before,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// Checks what TOML typing cannot: keys, duplicates, titles, relation targets.
    fn check(&self) -> std::result::Result<(), String> {
        let mut section_keys = HashSet::new();
        for s in &self.sections {
            if !valid_key(&s.key) {
                return Err(format!(
                    "section key {:?} must be lowercase ASCII letters, digits and _",
                    s.key
                ));
            }
            if !section_keys.insert(s.key.as_str()) {
                return Err(format!("section {:?} is defined twice", s.key));
            }
            if s.label.trim().is_empty() {
                return Err(format!("section {:?} needs a label", s.key));
            }
            let mut field_keys = HashSet::new();
            for f in &s.fields {
                if !valid_key(&f.key) {
                    return Err(format!(
                        "field key {:?} in section {:?} must be lowercase ASCII letters, digits and _",
                        f.key, s.key
                    ));
                }
                if !field_keys.insert(f.key.as_str()) {
                    return Err(format!("field {:?} is defined twice in section {:?}", f.key, s.key));
                }
                if f.label.trim().is_empty() {
                    return Err(format!("field {:?} in section {:?} needs a label", f.key, s.key));
                }
                if f.kind == FieldType::Choice && f.choices.is_empty() {
                    return Err(format!(
                        "choice field {:?} in section {:?} needs `choices`",
                        f.key, s.key
                    ));
                }
            }
            for t in &s.title {
                if !field_keys.contains(t.as_str()) {
                    return Err(format!("title of section {:?} names unknown field {t:?}", s.key));
                }
            }
        }
        for s in &self.sections {
            for f in &s.fields {
                if let Some(target) = &f.target
                    && !section_keys.contains(target.as_str())
                {
                    return Err(format!(
                        "relation field {:?} in section {:?} points to unknown section {target:?}",
                        f.key, s.key
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_presets_parse_and_round_trip() {
        for preset in Preset::ALL {
            let file = preset.schema_file();
            let again = SchemaFile::parse("again", &file.to_toml()).unwrap();
            assert_eq!(file, again, "{}", preset.key());
        }
    }

    #[test]
    fn personal_contacts_have_the_promised_keys() {
        let file = Preset::Personal.schema_file();
        let contacts = file.sections.iter().find(|s| s.key == "contacts").unwrap();
        for key in [
            "first_name",
            "last_name",
            "middle_name",
            "nickname",
            "organization",
            "job_title",
            "phones",
            "emails",
            "urls",
            "addresses",
            "birthday",
            "photo",
            "groups",
            "notes",
        ] {
            assert!(contacts.fields.iter().any(|f| f.key == key), "contacts lack {key}");
        }
        let keys: Vec<_> = file.sections.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["contacts", "organizations", "tasks", "notes", "links", "events"]);
    }

    #[test]
    fn client_base_labels_organizations_clients() {
        let file = Preset::ClientBase.schema_file();
        let orgs = file.sections.iter().find(|s| s.key == "organizations").unwrap();
        assert_eq!(orgs.label, "Clients");
        for key in [
            "contract_start",
            "contract_end",
            "manager",
            "deal_amount",
            "debt",
            "city",
            "status",
        ] {
            assert!(orgs.fields.iter().any(|f| f.key == key), "clients lack {key}");
        }
    }

    #[test]
    fn bad_schema_files_name_the_problem() {
        let err = SchemaFile::parse("x.toml", "name = 1").unwrap_err().to_string();
        assert!(err.starts_with("schema file x.toml:"), "{err}");
        let err = SchemaFile::parse("y.toml", "name='a'\n[[sections]]\nkey='Bad Key'\nlabel='B'\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"Bad Key\""), "{err}");
        let err = SchemaFile::parse(
            "z.toml",
            "name='a'\n[[sections]]\nkey='a'\nlabel='A'\n[[sections.fields]]\nkey='k'\nlabel='K'\ntype='colour'\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("colour"), "{err}");
    }
}
