//! Writing records as vCard 3.0 or 4.0: one card per record, CRLF line ends, lines folded at
//! 75 octets, values escaped.

use crate::card::encode_base64;
use crate::content::{escape_text, escape_uri, fold_into};
use crate::fields::{self, Family, compose_name, format_date, image_type, types_for_kind};
use cardbase_plugin_sdk::{Address, Image, Item, PartialDate, Record, Value};

/// The vCard versions the exporter writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V3,
    V4,
}

impl Version {
    /// The version the `version` setting names: "3.0" (the default) or "4.0".
    pub fn from_setting(setting: Option<&str>) -> Result<Version, String> {
        match setting.map(str::trim) {
            None | Some("" | "3.0" | "3") => Ok(Version::V3),
            Some("4.0" | "4") => Ok(Version::V4),
            Some(other) => Err(format!(
                "the vCard version setting is \"{other}\"; set it to \"3.0\" or \"4.0\""
            )),
        }
    }

    fn number(self) -> &'static str {
        match self {
            Version::V3 => "3.0",
            Version::V4 => "4.0",
        }
    }
}

/// Writes one card. Lines are built whole, then folded.
struct CardWriter {
    version: Version,
    out: String,
    /// The last `itemN` group used for a custom label.
    groups: u32,
}

impl CardWriter {
    fn line(&mut self, line: &str) {
        fold_into(&mut self.out, line);
    }

    fn v4(&self) -> bool {
        self.version == Version::V4
    }

    /// `TYPE=` as the version spells it: 3.0 `TYPE=WORK,FAX`, 4.0 `TYPE=work,fax`.
    fn type_param(&self, types: &[&str]) -> String {
        if types.is_empty() {
            return String::new();
        }
        let joined = types.join(",");
        if self.v4() {
            format!(";TYPE={joined}")
        } else {
            format!(";TYPE={}", joined.to_ascii_uppercase())
        }
    }

    /// A kinded property: `TEL;TYPE=CELL:...`, or for a kind vCard has no type for
    /// `item1.TEL:...` and `item1.X-ABLabel:<kind>`, as Apple and Google write labels.
    fn kinded(&mut self, family: Family, name: &str, extra_types: &[&str], kind: &str, value: &str) {
        match types_for_kind(family, kind) {
            Some(types) => {
                let all: Vec<&str> = extra_types.iter().chain(types).copied().collect();
                let params = self.type_param(&all);
                self.line(&format!("{name}{params}:{value}"));
            }
            None => {
                self.groups += 1;
                let group = format!("item{}", self.groups);
                let params = self.type_param(extra_types);
                self.line(&format!("{group}.{name}{params}:{value}"));
                self.line(&format!("{group}.X-ABLabel:{}", escape_text(kind)));
            }
        }
    }

    fn photo(&mut self, image: &Image) {
        if image.data.is_empty() {
            return;
        }
        let data = encode_base64(&image.data);
        match self.version {
            Version::V3 => {
                let kind = image_type(&image.mime);
                let kind = if kind.is_empty() {
                    String::new()
                } else {
                    format!(";TYPE={kind}")
                };
                self.line(&format!("PHOTO;ENCODING=b{kind}:{data}"));
            }
            Version::V4 => {
                let mime: String = image
                    .mime
                    .chars()
                    .filter(|c| !c.is_whitespace() && !matches!(c, ';' | ','))
                    .collect();
                self.line(&format!("PHOTO:data:{mime};base64,{data}"));
            }
        }
    }
}

fn text<'a>(record: &'a Record, key: &str) -> &'a str {
    record.text(key).map(str::trim).unwrap_or_default()
}

fn items<'a>(record: &'a Record, key: &str) -> &'a [Item] {
    match record.get(key) {
        Some(Value::Items(items)) => items,
        _ => &[],
    }
}

fn date(record: &Record, key: &str) -> Option<PartialDate> {
    match record.get(key)? {
        Value::PartialDate(d) => Some(*d),
        Value::Date(d) => Some(PartialDate {
            year: Some(d.year),
            month: d.month,
            day: d.day,
        }),
        _ => None,
    }
}

/// The vCard of one record.
pub fn card(record: &Record, version: Version) -> String {
    let mut w = CardWriter {
        version,
        out: String::new(),
        groups: 0,
    };
    w.line("BEGIN:VCARD");
    w.line(&format!("VERSION:{}", version.number()));

    let (first, last, middle) = (
        text(record, fields::FIRST_NAME),
        text(record, fields::LAST_NAME),
        text(record, fields::MIDDLE_NAME),
    );
    let (prefix, suffix) = (text(record, fields::PREFIX), text(record, fields::SUFFIX));
    let organization = text(record, fields::ORGANIZATION);
    let n = [last, first, middle, prefix, suffix].map(escape_text).join(";");
    w.line(&format!("N:{n}"));
    w.line(&format!("FN:{}", escape_text(&formatted_name(record))));

    let nickname = text(record, fields::NICKNAME);
    if !nickname.is_empty() {
        w.line(&format!("NICKNAME:{}", escape_text(nickname)));
    }
    let department = text(record, fields::DEPARTMENT);
    if !organization.is_empty() || !department.is_empty() {
        let org = if department.is_empty() {
            escape_text(organization)
        } else {
            format!("{};{}", escape_text(organization), escape_text(department))
        };
        w.line(&format!("ORG:{org}"));
    }
    let title = text(record, fields::JOB_TITLE);
    if !title.is_empty() {
        w.line(&format!("TITLE:{}", escape_text(title)));
    }

    for item in items(record, fields::PHONES) {
        if !item.value.trim().is_empty() {
            w.kinded(
                Family::Phone,
                "TEL",
                &[],
                item.kind.trim(),
                &escape_uri(item.value.trim()),
            );
        }
    }
    let internet: &[&str] = if w.v4() { &[] } else { &["internet"] };
    for item in items(record, fields::EMAILS) {
        if !item.value.trim().is_empty() {
            w.kinded(
                Family::Email,
                "EMAIL",
                internet,
                item.kind.trim(),
                &escape_uri(item.value.trim()),
            );
        }
    }
    for item in items(record, fields::URLS) {
        let value = escape_uri(item.value.trim());
        if value.is_empty() {
            continue;
        }
        if item.kind.trim() == "photo" {
            // A photo by link: where it came from, and where it goes back.
            let param = if w.v4() { "" } else { ";VALUE=uri" };
            w.line(&format!("PHOTO{param}:{value}"));
        } else {
            w.kinded(Family::Url, "URL", &[], item.kind.trim(), &value);
        }
    }
    if let Some(Value::Addresses(addresses)) = record.get(fields::ADDRESSES) {
        for a in addresses {
            let Address {
                kind,
                street,
                city,
                region,
                postcode,
                country,
            } = a;
            let parts = ["", "", street, city, region, postcode, country].map(|p| escape_text(p.trim()));
            if parts.iter().any(|p| !p.is_empty()) {
                w.kinded(Family::Address, "ADR", &[], kind.trim(), &parts.join(";"));
            }
        }
    }

    if let Some(birthday) = date(record, fields::BIRTHDAY) {
        w.line(&format!("BDAY:{}", format_date(&birthday, w.v4())));
    }
    if let Some(anniversary) = date(record, fields::ANNIVERSARY) {
        // 3.0 has no ANNIVERSARY; X-ANNIVERSARY is what Evolution and Android read.
        let name = if w.v4() { "ANNIVERSARY" } else { "X-ANNIVERSARY" };
        w.line(&format!("{name}:{}", format_date(&anniversary, w.v4())));
    }
    let notes = record.text(fields::NOTES).unwrap_or_default().trim();
    if !notes.is_empty() {
        w.line(&format!("NOTE:{}", escape_text(notes)));
    }
    if let Some(Value::Tags(tags)) = record.get(fields::GROUPS) {
        let tags: Vec<String> = tags
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .map(escape_text)
            .collect();
        if !tags.is_empty() {
            w.line(&format!("CATEGORIES:{}", tags.join(",")));
        }
    }
    if let Some(Value::Image(image)) = record.get(fields::PHOTO) {
        w.photo(image);
    }
    let uid = Some(text(record, fields::UID))
        .filter(|u| !u.is_empty())
        .unwrap_or(record.id.trim());
    if !uid.is_empty() {
        w.line(&format!("UID:{}", escape_text(uid)));
    }
    w.line("END:VCARD");
    w.out
}

/// FN is required and never empty: the full name, else one made of the name parts, else the
/// organization, else a nickname, e-mail or phone.
fn formatted_name(record: &Record) -> String {
    let full = text(record, fields::FULL_NAME);
    if !full.is_empty() {
        return full.to_string();
    }
    let composed = compose_name(&[
        text(record, fields::PREFIX),
        text(record, fields::FIRST_NAME),
        text(record, fields::MIDDLE_NAME),
        text(record, fields::LAST_NAME),
        text(record, fields::SUFFIX),
    ]);
    if !composed.is_empty() {
        return composed;
    }
    let fallbacks = [text(record, fields::ORGANIZATION), text(record, fields::NICKNAME)];
    let first_item = |key| {
        items(record, key)
            .iter()
            .map(|i| i.value.trim())
            .find(|v| !v.is_empty())
    };
    fallbacks
        .into_iter()
        .find(|s| !s.is_empty())
        .or_else(|| first_item(fields::EMAILS))
        .or_else(|| first_item(fields::PHONES))
        .unwrap_or("Unnamed")
        .to_string()
}
