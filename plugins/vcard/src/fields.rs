//! What vCard properties mean in Cardbase, both ways: the field keys, the kinds of phones,
//! e-mails, web and postal addresses, dates and photos.

use cardbase_plugin_sdk::{FieldInfo, PartialDate};

pub const FIRST_NAME: &str = "first_name";
pub const LAST_NAME: &str = "last_name";
pub const MIDDLE_NAME: &str = "middle_name";
pub const PREFIX: &str = "prefix";
pub const SUFFIX: &str = "suffix";
pub const FULL_NAME: &str = "full_name";
pub const NICKNAME: &str = "nickname";
pub const ORGANIZATION: &str = "organization";
pub const DEPARTMENT: &str = "department";
pub const JOB_TITLE: &str = "job_title";
pub const PHONES: &str = "phones";
pub const EMAILS: &str = "emails";
pub const URLS: &str = "urls";
pub const ADDRESSES: &str = "addresses";
pub const BIRTHDAY: &str = "birthday";
pub const ANNIVERSARY: &str = "anniversary";
pub const PHOTO: &str = "photo";
pub const GROUPS: &str = "groups";
pub const NOTES: &str = "notes";
pub const UID: &str = "uid";

/// The fields the importer fills and the exporter reads: key, English label, Cardbase type.
/// The keys are those of the contacts section of the shipped schemas, plus a few of vCard's own.
const FIELDS: &[(&str, &str, &str)] = &[
    (FIRST_NAME, "First name", "text"),
    (LAST_NAME, "Last name", "text"),
    (MIDDLE_NAME, "Middle name", "text"),
    (PREFIX, "Name prefix", "text"),
    (SUFFIX, "Name suffix", "text"),
    (FULL_NAME, "Full name", "text"),
    (NICKNAME, "Nickname", "text"),
    (ORGANIZATION, "Organization", "relation"),
    (DEPARTMENT, "Department", "text"),
    (JOB_TITLE, "Job title", "text"),
    (PHONES, "Phones", "phones"),
    (EMAILS, "E-mails", "emails"),
    (URLS, "Web sites", "urls"),
    (ADDRESSES, "Addresses", "addresses"),
    (BIRTHDAY, "Birthday", "date_no_year"),
    (ANNIVERSARY, "Anniversary", "date_no_year"),
    (PHOTO, "Photo", "photo"),
    (GROUPS, "Groups", "tags"),
    (NOTES, "Notes", "long_text"),
    (UID, "vCard UID", "text"),
];

pub fn infos() -> Vec<FieldInfo> {
    FIELDS
        .iter()
        .map(|(key, label, kind)| FieldInfo::new(key, label, kind))
        .collect()
}

/// The properties that hold a list of kinded items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Phone,
    Email,
    Url,
    Address,
}

/// The kind of an item from its `TYPE` values and its Apple/Google `X-ABLabel`, which wins.
pub fn kind_from_vcard(family: Family, types: &[String], label: Option<&str>) -> String {
    if let Some(kind) = label.and_then(label_kind) {
        return kind;
    }
    let has = |t: &str| types.iter().any(|x| x == t);
    let kind = match family {
        Family::Phone if types.iter().any(|t| t.contains("fax")) => "fax",
        Family::Phone if has("pager") => "pager",
        Family::Phone if has("cell") || has("mobile") || has("iphone") => "mobile",
        Family::Phone if has("main") => "main",
        _ if has("work") => "work",
        _ if has("home") => "home",
        _ => "other",
    };
    kind.to_string()
}

/// The kind a label stands for: Apple's built-in `_$!<Mobile>!$_` and plain words that name a
/// kind become that kind; any other label is kept as the kind.
fn label_kind(label: &str) -> Option<String> {
    let label = label.trim();
    let (inner, built_in) = match label.strip_prefix("_$!<").and_then(|l| l.strip_suffix(">!$_")) {
        Some(inner) => (inner, true),
        None => (label, false),
    };
    let kind = match inner.to_lowercase().as_str() {
        "" => return None,
        "mobile" | "iphone" | "cell" => "mobile".to_string(),
        "home" => "home".to_string(),
        "work" => "work".to_string(),
        "other" => "other".to_string(),
        "fax" | "homefax" | "workfax" | "otherfax" => "fax".to_string(),
        "pager" => "pager".to_string(),
        lower if built_in => lower.to_string(),
        _ => inner.to_string(),
    };
    Some(kind)
}

/// The `TYPE` values the exporter writes for a kind, or `None` for a kind that vCard has no
/// type for (written as an `X-ABLabel`, which reads back as the same kind).
pub fn types_for_kind(family: Family, kind: &str) -> Option<&'static [&'static str]> {
    let types: &[&str] = match (family, kind) {
        (_, "" | "other") => &[],
        (_, "home") => &["home"],
        (_, "work") => &["work"],
        (Family::Phone, "mobile") => &["cell"],
        (Family::Phone, "fax") => &["fax"],
        (Family::Phone, "pager") => &["pager"],
        _ => return None,
    };
    Some(types)
}

/// Parses the dates vCard writers use: `1980-03-14`, `19800314`, `--0314`, `--03-14`,
/// `1980-03-14T00:00:00Z`, and Apple's year 1604 (or the year its `X-APPLE-OMIT-YEAR` names)
/// for "no year".
pub fn parse_date(value: &str, omit_year: Option<&str>) -> Option<PartialDate> {
    let value = value.trim();
    let date = value.split(['T', 't']).next().unwrap_or_default();
    let (year, month, day) = if let Some(no_year) = date.strip_prefix("--") {
        let (month, day) = match no_year.split_once('-') {
            Some((m, d)) => (m, d),
            None if no_year.len() == 4 && no_year.is_ascii() => no_year.split_at(2),
            None => return None,
        };
        (None, month, day)
    } else if date.contains('-') {
        let mut parts = date.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 {
            return None;
        }
        (Some(y), m, d)
    } else if date.len() == 8 && date.is_ascii() {
        let (y, md) = date.split_at(4);
        let (m, d) = md.split_at(2);
        (Some(y), m, d)
    } else {
        return None;
    };
    let number = |s: &str| {
        if s.is_empty() || s.len() > 4 {
            None
        } else {
            s.parse::<u16>().ok()
        }
    };
    let month = u8::try_from(number(month)?).ok()?;
    let day = u8::try_from(number(day)?).ok()?;
    let year = match year {
        Some(y) => {
            let y = i32::from(number(y)?);
            let omitted = omit_year.and_then(|o| o.trim().parse::<i32>().ok());
            if y == 1604 || y == 0 || Some(y) == omitted {
                None
            } else {
                Some(y)
            }
        }
        None => None,
    };
    (day >= 1 && day <= days_in_month(year, month)?).then_some(PartialDate { year, month, day })
}

fn days_in_month(year: Option<i32>, month: u8) -> Option<u8> {
    // Without a year, 29 February is a birthday like any other.
    let leap = year.is_none_or(|y| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
    Some(match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    })
}

/// A date as each version wants it: 3.0 `1980-03-14` / `--03-14` (as Google and Evolution
/// write it), 4.0 `19800314` / `--0314` (RFC 6350). A year vCard cannot hold is left out.
pub fn format_date(date: &PartialDate, v4: bool) -> String {
    let (m, d) = (date.month, date.day);
    match (date.year.filter(|y| (1..=9999).contains(y)), v4) {
        (Some(y), false) => format!("{y:04}-{m:02}-{d:02}"),
        (Some(y), true) => format!("{y:04}{m:02}{d:02}"),
        (None, false) => format!("--{m:02}-{d:02}"),
        (None, true) => format!("--{m:02}{d:02}"),
    }
}

/// The MIME type of a photo: from its first bytes when they are a known image format, else
/// from what the card said (`JPEG`, `image/png`).
pub fn image_mime(data: &[u8], said: Option<&str>) -> String {
    let sniffed = match data {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [b'G', b'I', b'F', b'8', ..] => Some("image/gif"),
        [b'B', b'M', ..] => Some("image/bmp"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    };
    if let Some(mime) = sniffed {
        return mime.to_string();
    }
    match said.map(|s| s.trim().to_ascii_lowercase()) {
        Some(s) if s.contains('/') => s,
        Some(s) if s == "jpg" || s == "jpeg" => "image/jpeg".to_string(),
        Some(s) if !s.is_empty() => format!("image/{s}"),
        _ => "application/octet-stream".to_string(),
    }
}

/// The 3.0 `TYPE` of a photo: `image/jpeg` is `JPEG`.
pub fn image_type(mime: &str) -> String {
    let sub = mime.rsplit('/').next().unwrap_or(mime);
    sub.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
        .collect::<String>()
        .to_ascii_uppercase()
}

/// A display name from name parts, skipping the empty ones.
pub fn compose_name(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: Option<i32>, month: u8, day: u8) -> Option<PartialDate> {
        Some(PartialDate { year, month, day })
    }

    #[test]
    fn every_birthday_spelling_is_read() {
        assert_eq!(parse_date("1980-03-14", None), date(Some(1980), 3, 14));
        assert_eq!(parse_date("19800314", None), date(Some(1980), 3, 14));
        assert_eq!(parse_date("--0314", None), date(None, 3, 14));
        assert_eq!(parse_date("--03-14", None), date(None, 3, 14));
        assert_eq!(parse_date("1604-03-14", None), date(None, 3, 14));
        assert_eq!(parse_date("1980-03-14T00:00:00Z", None), date(Some(1980), 3, 14));
        assert_eq!(parse_date("19800314T000000Z", None), date(Some(1980), 3, 14));
        assert_eq!(parse_date("2000-02-29", Some("2000")), date(None, 2, 29));
        assert_eq!(parse_date("--0229", None), date(None, 2, 29));
    }

    #[test]
    fn impossible_dates_are_refused() {
        for bad in [
            "",
            "1980",
            "1980-13-01",
            "1981-02-29",
            "--0230",
            "abcd-ef-gh",
            "198003141",
            "--",
            "ÿÿÿÿÿÿÿÿ",
        ] {
            assert_eq!(parse_date(bad, None), None, "{bad}");
        }
    }

    #[test]
    fn dates_are_written_as_each_version_wants() {
        let with = PartialDate {
            year: Some(1980),
            month: 3,
            day: 4,
        };
        let without = PartialDate {
            year: None,
            month: 3,
            day: 4,
        };
        assert_eq!(format_date(&with, false), "1980-03-04");
        assert_eq!(format_date(&with, true), "19800304");
        assert_eq!(format_date(&without, false), "--03-04");
        assert_eq!(format_date(&without, true), "--0304");
    }

    #[test]
    fn labels_name_kinds() {
        let phone = |types: &[&str], label| {
            let types: Vec<String> = types.iter().map(|t| t.to_string()).collect();
            kind_from_vcard(Family::Phone, &types, label)
        };
        assert_eq!(phone(&["work", "fax"], None), "fax");
        assert_eq!(phone(&["cell", "voice", "pref"], None), "mobile");
        assert_eq!(phone(&["voice"], None), "other");
        assert_eq!(phone(&[], Some("_$!<Mobile>!$_")), "mobile");
        assert_eq!(phone(&["home"], Some("_$!<HomeFAX>!$_")), "fax");
        assert_eq!(phone(&[], Some("Assistant")), "Assistant");
        assert_eq!(types_for_kind(Family::Phone, "Assistant"), None);
    }
}
