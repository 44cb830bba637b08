//! One card's properties, read, become one entry's fields.

use crate::content::{Property, split_unescape, unescape};
use crate::decode::{Charsets, quoted_printable};
use crate::fields::{self, Family, compose_name, image_mime, kind_from_vcard, parse_date};
use base64::Engine as _;
use cardbase_plugin_sdk::{Address, Entry, Image, Item, PartialDate, Value, log};
use std::collections::{HashMap, HashSet};

/// A card between its `BEGIN:VCARD` and its `END:VCARD`.
#[derive(Debug)]
pub struct Card {
    /// The line of its `BEGIN:VCARD`.
    pub line: u32,
    pub props: Vec<Property>,
    /// The first thing wrong with it, as the user will read it.
    pub error: Option<String>,
}

impl Card {
    pub fn new(line: u32) -> Card {
        Card {
            line,
            props: Vec::new(),
            error: None,
        }
    }

    /// Notes a problem; the first one is the one reported.
    pub fn fail(&mut self, line: u32, problem: impl std::fmt::Display) {
        if self.error.is_none() {
            self.error = Some(format!("line {line}: {problem}"));
        }
    }
}

/// Base64 as vCard writers produce it: padding optional, stray bits after the last byte allowed.
const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Decodes base64 with the whitespace and line breaks of folded lines in it.
pub fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    let compact: Vec<u8> = text.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    BASE64.decode(compact).ok()
}

pub fn encode_base64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// The fields gathered from a card's properties, before they become an entry.
#[derive(Default)]
struct Fields {
    name: Option<Vec<String>>,
    formatted: Option<String>,
    nicknames: Vec<String>,
    org: Option<Vec<String>>,
    title: Option<String>,
    phones: Vec<Item>,
    emails: Vec<Item>,
    urls: Vec<Item>,
    addresses: Vec<Address>,
    birthday: Option<PartialDate>,
    anniversary: Option<PartialDate>,
    photo: Option<Image>,
    groups: Vec<String>,
    /// The groups already in `groups`, so a card repeating them costs no more than its length.
    seen_groups: HashSet<String>,
    notes: Vec<String>,
    uid: Option<String>,
}

/// Reads the values of a file's properties: its charsets, and whether it was Unicode as a
/// whole (UTF-16 or UTF-8 with a BOM), where `CHARSET=` on raw text is not to be believed.
pub struct Values<'a> {
    pub charsets: &'a mut Charsets,
    pub unicode_file: bool,
}

impl Values<'_> {
    /// The bytes of a value, quoted-printable undone.
    fn bytes(&self, p: &Property) -> Vec<u8> {
        if p.params.is_quoted_printable() {
            quoted_printable(&p.raw)
        } else {
            p.raw.clone()
        }
    }

    /// The text of a value, escapes still in, newlines as LF.
    fn text(&mut self, p: &Property) -> String {
        let bytes = self.bytes(p);
        let charset = if self.unicode_file && !p.params.is_quoted_printable() {
            None
        } else {
            p.params.charset.as_deref()
        };
        crate::content::normalize_newlines(&self.charsets.text(&bytes, charset))
    }
}

/// Turns a card into an entry. A card with a problem still carries the fields that were read,
/// so the user can tell which contact it is.
pub fn to_entry(card: Card, values: &mut Values) -> Entry {
    let mut card = card;
    let labels = labels(&card.props, values);
    let mut f = Fields::default();
    let props = std::mem::take(&mut card.props);
    for p in &props {
        let label = p.group.as_ref().and_then(|g| labels.get(g)).map(String::as_str);
        read_property(p, label, values, &mut f, &mut card);
    }
    let mut entry = entry_of(f, card.line);
    entry.error = card.error;
    entry
}

/// The `X-ABLabel` of each group (`item1.X-ABLabel:_$!<Mobile>!$_`).
fn labels(props: &[Property], values: &mut Values) -> HashMap<String, String> {
    let mut labels = HashMap::new();
    for p in props.iter().filter(|p| p.name == "X-ABLABEL") {
        if let Some(group) = &p.group {
            let label = unescape(&values.text(p)).trim().to_string();
            labels.entry(group.clone()).or_insert(label);
        }
    }
    labels
}

fn read_property(p: &Property, label: Option<&str>, values: &mut Values, f: &mut Fields, card: &mut Card) {
    let kind = |family| kind_from_vcard(family, &p.params.types, label);
    match p.name.as_str() {
        "N" if f.name.is_none() => f.name = Some(split_unescape(&values.text(p), ';')),
        "FN" if f.formatted.is_none() => f.formatted = Some(unescape(&values.text(p))),
        "NICKNAME" => f.nicknames.extend(split_unescape(&values.text(p), ',')),
        "ORG" if f.org.is_none() => f.org = Some(split_unescape(&values.text(p), ';')),
        "TITLE" if f.title.is_none() => f.title = Some(unescape(&values.text(p))),
        "TEL" => {
            let value = unescape(&values.text(p));
            let value = value.trim();
            let value = strip_prefix_ignore_case(value, "tel:").unwrap_or(value);
            push_item(&mut f.phones, kind(Family::Phone), value);
        }
        "EMAIL" => {
            let value = unescape(&values.text(p));
            let value = value.trim();
            let value = strip_prefix_ignore_case(value, "mailto:").unwrap_or(value);
            push_item(&mut f.emails, kind(Family::Email), value);
        }
        "URL" => push_item(&mut f.urls, kind(Family::Url), &unescape(&values.text(p))),
        "ADR" => {
            let parts = split_unescape(&values.text(p), ';');
            let part = |i: usize| parts.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
            let street = [part(0), part(1), part(2)]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>();
            let address = Address {
                kind: kind(Family::Address),
                street: street.join(", "),
                city: part(3),
                region: part(4),
                postcode: part(5),
                country: part(6),
            };
            let empty = [
                &address.street,
                &address.city,
                &address.region,
                &address.postcode,
                &address.country,
            ]
            .iter()
            .all(|s| s.is_empty());
            if !empty {
                f.addresses.push(address);
            }
        }
        "BDAY" => read_date(p, values, &mut f.birthday, card),
        "ANNIVERSARY" | "X-ANNIVERSARY" | "X-MS-ANNIVERSARY" | "X-EVOLUTION-ANNIVERSARY" => {
            read_date(p, values, &mut f.anniversary, card)
        }
        // Apple keeps the anniversary among its labelled dates.
        "X-ABDATE" if label.is_some_and(|l| l.to_lowercase().contains("anniversary")) => {
            read_date(p, values, &mut f.anniversary, card)
        }
        "X-ANDROID-CUSTOM" => read_android_custom(p, values, f),
        "NOTE" => {
            let note = unescape(&values.text(p));
            if !note.trim().is_empty() {
                f.notes.push(note.trim().to_string());
            }
        }
        "CATEGORIES" => {
            for group in split_unescape(&values.text(p), ',') {
                let group = group.trim();
                if !group.is_empty() && f.seen_groups.insert(group.to_string()) {
                    f.groups.push(group.to_string());
                }
            }
        }
        "PHOTO" => read_photo(p, values, f, card),
        // Outlook's business-card picture, when there is no photo.
        "X-MS-CARDPICTURE" if f.photo.is_none() => read_photo(p, values, f, card),
        "UID" if f.uid.is_none() => f.uid = Some(unescape(&values.text(p)).trim().to_string()),
        "VERSION" | "PRODID" | "REV" | "X-ABLABEL" | "LABEL" => {}
        other => log::debug(format!("line {}: {other} is not imported", p.line)),
    }
}

fn push_item(items: &mut Vec<Item>, kind: String, value: &str) {
    let value = value.trim();
    if !value.is_empty() {
        items.push(Item {
            kind,
            value: value.to_string(),
        });
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

fn read_date(p: &Property, values: &mut Values, slot: &mut Option<PartialDate>, card: &mut Card) {
    if slot.is_some() {
        return;
    }
    let text = unescape(&values.text(p));
    if text.trim().is_empty() {
        return;
    }
    match parse_date(&text, p.params.get("X-APPLE-OMIT-YEAR")) {
        Some(date) => *slot = Some(date),
        // 4.0 lets a date be free text ("circa 1800"): nothing to keep it in.
        None if p.params.value.as_deref() == Some("text") => log::warn(format!(
            "line {}: {} \"{}\" is not a date; left out",
            p.line,
            p.name,
            text.trim()
        )),
        None => card.fail(p.line, format!("{} \"{}\" is not a date", p.name, excerpt(text.trim()))),
    }
}

/// Android 2.1 exports put nicknames and events in `X-ANDROID-CUSTOM` rows:
/// `vnd.android.cursor.item/nickname;Bobby;...` and
/// `vnd.android.cursor.item/contact_event;2010-06-12;1;...` (type 1 is an anniversary).
fn read_android_custom(p: &Property, values: &mut Values, f: &mut Fields) {
    let parts = split_unescape(&values.text(p), ';');
    let part = |i: usize| parts.get(i).map(|s| s.trim()).unwrap_or_default();
    match part(0) {
        "vnd.android.cursor.item/nickname" if !part(1).is_empty() => f.nicknames.push(part(1).to_string()),
        "vnd.android.cursor.item/contact_event" if part(2) == "1" && f.anniversary.is_none() => {
            f.anniversary = parse_date(part(1), None);
        }
        _ => log::debug(format!("line {}: X-ANDROID-CUSTOM {} is not imported", p.line, part(0))),
    }
}

/// A photo is base64 (2.1 `ENCODING=BASE64`, 3.0 `ENCODING=b`), a 4.0 `data:` URI, or a link,
/// which is kept among the web addresses as kind `photo` (plugins do not fetch).
fn read_photo(p: &Property, values: &mut Values, f: &mut Fields, card: &mut Card) {
    let mime_said = p.params.types.iter().find(|t| *t != "pref").cloned();
    if p.params.is_base64() {
        match decode_base64(&p.raw) {
            Some(data) if !data.is_empty() => set_photo(f, image_mime(&data, mime_said.as_deref()), data),
            Some(_) => {}
            None => card.fail(p.line, format!("{} is not valid base64", p.name)),
        }
        return;
    }
    let text = unescape(&values.text(p));
    let text = text.trim();
    if let Some(data_uri) = strip_prefix_ignore_case(text, "data:") {
        let (meta, payload) = data_uri.split_once(',').unwrap_or((data_uri, ""));
        let mut meta = meta.split(';');
        let mime = meta.next().map(str::trim).filter(|m| !m.is_empty());
        if !meta.any(|m| m.trim().eq_ignore_ascii_case("base64")) {
            card.fail(p.line, format!("{}: only base64 data URIs are read", p.name));
            return;
        }
        match decode_base64(payload.as_bytes()) {
            Some(data) if !data.is_empty() => set_photo(f, image_mime(&data, mime), data),
            Some(_) => {}
            None => card.fail(p.line, format!("{} is not valid base64", p.name)),
        }
    } else if !text.is_empty() {
        push_item(&mut f.urls, "photo".to_string(), text);
    }
}

fn set_photo(f: &mut Fields, mime: String, data: Vec<u8>) {
    if f.photo.is_none() {
        f.photo = Some(Image { mime, data });
    }
}

/// The start of a bad value, for an error message.
fn excerpt(s: &str) -> String {
    let short: String = s.chars().take(40).collect();
    if short.len() < s.len() {
        format!("{short}…")
    } else {
        short
    }
}

fn entry_of(f: Fields, line: u32) -> Entry {
    let mut entry = Entry::at(line);
    let mut put = |key: &str, value: Value| {
        entry
            .fields
            .push(cardbase_plugin_sdk::FieldValue { key: key.into(), value })
    };
    let text = |s: &str| {
        Some(s.trim())
            .filter(|s| !s.is_empty())
            .map(|s| Value::Text(s.to_string()))
    };

    let name = f.name.unwrap_or_default();
    let part = |i: usize| name.get(i).map(|s| s.trim()).unwrap_or_default();
    let (mut first, mut last) = (part(1).to_string(), part(0).to_string());
    let (middle, prefix, suffix) = (part(2), part(3), part(4));
    let org = f.org.unwrap_or_default();
    let org_name = org.first().map(|s| s.trim()).unwrap_or_default();
    let formatted = f.formatted.as_deref().map(str::trim).unwrap_or_default();
    let full_name = if formatted.is_empty() {
        compose_name(&[prefix, &first, middle, &last, suffix])
    } else {
        formatted.to_string()
    };
    // No N (or an empty one, as Outlook writes for some): split FN, unless the card is a
    // company's, whose FN is its organization.
    let no_name = [first.as_str(), &last, middle, prefix, suffix]
        .iter()
        .all(|p| p.is_empty());
    if no_name && !formatted.is_empty() && formatted != org_name {
        match formatted.rsplit_once(char::is_whitespace) {
            Some((given, family)) => (first, last) = (given.trim().to_string(), family.trim().to_string()),
            None => first = formatted.to_string(),
        }
    }

    for (key, value) in [
        (fields::FIRST_NAME, first.as_str()),
        (fields::LAST_NAME, &last),
        (fields::MIDDLE_NAME, middle),
        (fields::PREFIX, prefix),
        (fields::SUFFIX, suffix),
        (fields::FULL_NAME, &full_name),
    ] {
        if let Some(v) = text(value) {
            put(key, v);
        }
    }
    let nicknames: Vec<&str> = f.nicknames.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).collect();
    if let Some(v) = text(&nicknames.join(", ")) {
        put(fields::NICKNAME, v);
    }
    if !org_name.is_empty() {
        put(fields::ORGANIZATION, Value::Relation(org_name.to_string()));
    }
    let units: Vec<&str> = org.iter().skip(1).map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    if let Some(v) = text(&units.join(", ")) {
        put(fields::DEPARTMENT, v);
    }
    if let Some(v) = f.title.as_deref().and_then(text) {
        put(fields::JOB_TITLE, v);
    }
    for (key, items) in [
        (fields::PHONES, f.phones),
        (fields::EMAILS, f.emails),
        (fields::URLS, f.urls),
    ] {
        if !items.is_empty() {
            put(key, Value::Items(items));
        }
    }
    if !f.addresses.is_empty() {
        put(fields::ADDRESSES, Value::Addresses(f.addresses));
    }
    if let Some(date) = f.birthday {
        put(fields::BIRTHDAY, Value::PartialDate(date));
    }
    if let Some(date) = f.anniversary {
        put(fields::ANNIVERSARY, Value::PartialDate(date));
    }
    if let Some(photo) = f.photo {
        put(fields::PHOTO, Value::Image(photo));
    }
    if !f.groups.is_empty() {
        put(fields::GROUPS, Value::Tags(f.groups));
    }
    if let Some(v) = text(&f.notes.join("\n")) {
        put(fields::NOTES, v);
    }
    if let Some(v) = f.uid.as_deref().and_then(text) {
        put(fields::UID, v);
    }
    entry
}
