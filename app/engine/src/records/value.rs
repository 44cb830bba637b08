//! Field values: one enum over the field types, parsed from what a user types, stored in typed
//! SQL columns, shown as text and written as JSON.

use crate::ids::RecordId;
use crate::schema::{Field, FieldType, PHONE_KINDS};
use chrono::{DateTime, Datelike, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use rusqlite::types::{Value as SqlValue, ValueRef};
use serde::{Deserialize, Serialize};

/// The value of one field of one record. Empty values are not stored: a field is either set to
/// a `Value` or absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    /// `text`, `long_text`, `choice` and `secret` fields.
    Text(String),
    /// `number` and `percent` fields.
    Number(f64),
    /// `money` fields: an exact amount in cents and an ISO 4217 currency.
    Money { cents: i64, currency: String },
    /// `date` fields.
    Date(NaiveDate),
    /// `date_no_year` fields: a birthday whose year may be unknown.
    PartialDate { year: Option<i32>, month: u32, day: u32 },
    /// `datetime` fields, in UTC.
    DateTime(DateTime<Utc>),
    /// `checkbox` fields.
    Checkbox(bool),
    /// `tags` fields.
    Tags(Vec<String>),
    /// `phones`, `emails` and `urls` fields: each item with a kind (mobile, home, work...).
    Items(Vec<Item>),
    /// `addresses` fields.
    Addresses(Vec<Address>),
    /// `photo` fields: the id of the image kept in the vault.
    Photo(i64),
    /// `relation` fields: the record pointed to.
    Relation(RecordId),
}

/// A phone number, e-mail or URL with its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub kind: String,
    pub value: String,
}

/// A postal address with its kind. Free text goes to `street`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Address {
    pub kind: String,
    pub street: String,
    pub city: String,
    pub region: String,
    pub postcode: String,
    pub country: String,
}

impl Address {
    fn parts(&self) -> impl Iterator<Item = &str> {
        [&self.street, &self.city, &self.region, &self.postcode, &self.country]
            .into_iter()
            .map(|s| s.as_str())
            .filter(|s| !s.is_empty())
    }
}

const DEFAULT_KIND: &str = "other";

impl Value {
    /// Parses what a user typed into a value of `field`'s type. Empty input is `Ok(None)`.
    /// Relations take a record id; photos are attached by the vault.
    ///
    /// ```
    /// use cardbase_engine::{Value, schema::FieldType};
    /// let v = Value::parse_as(FieldType::Money, &[], Some("EUR"), "1 234,50").unwrap().unwrap();
    /// assert_eq!(v, Value::Money { cents: 123450, currency: "EUR".into() });
    /// ```
    pub fn parse(field: &Field, text: &str) -> Result<Option<Value>, String> {
        Value::parse_as(
            field.kind,
            &field.options.choices,
            field.options.currency.as_deref(),
            text,
        )
    }

    /// Like [`Value::parse`], with the type and its options given directly.
    pub fn parse_as(
        kind: FieldType,
        choices: &[String],
        currency: Option<&str>,
        text: &str,
    ) -> Result<Option<Value>, String> {
        // Google Contacts joins several values of one cell with " ::: ".
        let joined;
        let t = if kind.is_list() && text.contains(":::") {
            joined = text.replace(":::", ";");
            joined.trim()
        } else {
            text.trim()
        };
        if t.is_empty() || (matches!(kind, FieldType::Date | FieldType::DateNoYear) && is_zero_date(t)) {
            return Ok(None);
        }
        let v = match kind {
            FieldType::Text | FieldType::Secret => Value::Text(t.to_string()),
            // Long text keeps its inner line breaks and indentation.
            FieldType::LongText => Value::Text(text.trim_end().trim_start_matches(['\n', '\r']).to_string()),
            FieldType::Number => Value::Number(parse_number(t)?),
            FieldType::Percent => Value::Number(parse_number(t.trim_end_matches('%').trim_end())?),
            FieldType::Money => parse_money(t, currency)?,
            FieldType::Date => Value::Date(parse_date(t)?),
            FieldType::DateNoYear => parse_partial_date(t)?,
            FieldType::Datetime => Value::DateTime(parse_datetime(t)?),
            FieldType::Checkbox => Value::Checkbox(parse_bool(t)?),
            FieldType::Choice => Value::Text(match_choice(t, choices)?),
            FieldType::Tags => {
                let mut tags: Vec<String> = Vec::new();
                for tag in t.split([',', ';', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
                    // Reuse the spelling of a known choice, so "work" and "Work" are one group.
                    let tag = choices
                        .iter()
                        .find(|c| c.to_lowercase() == tag.to_lowercase())
                        .cloned()
                        .unwrap_or_else(|| tag.to_string());
                    if !tags.contains(&tag) {
                        tags.push(tag);
                    }
                }
                Value::Tags(tags)
            }
            FieldType::Phones => Value::Items(parse_items(t, &[';', ',', '\n'], check_phone)?),
            FieldType::Emails => Value::Items(parse_items(t, &[';', ',', '\n', ' '], check_email)?),
            FieldType::Urls => Value::Items(parse_items(t, &[';', '\n', ' '], check_url)?),
            FieldType::Addresses => Value::Addresses(
                t.split([';', '\n'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        let (kind, rest) = split_kind(s);
                        Address {
                            kind,
                            street: rest.to_string(),
                            ..Address::default()
                        }
                    })
                    .collect(),
            ),
            FieldType::Photo => return Err("attach a photo from a file: @path/to/photo.jpg".into()),
            FieldType::Relation => {
                let id = t
                    .trim_start_matches('#')
                    .parse::<i64>()
                    .map_err(|_| format!("{t:?} is not a record id"))?;
                Value::Relation(RecordId(id))
            }
        };
        // A list with nothing in it ("," or "mobile:") is an empty field, not an empty list;
        // so is Outlook's "no date", 1 January 1900.
        let empty = is_outlook_no_date(&v)
            || matches!(&v, Value::Tags(t) if t.is_empty())
            || matches!(&v, Value::Items(i) if i.is_empty())
            || matches!(&v, Value::Addresses(a) if a.is_empty());
        Ok((!empty).then_some(v))
    }

    /// The text a person sees; for list values, items joined by `; `. Parsing it back with
    /// [`Value::parse`] gives the same value.
    pub fn display(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Number(n) => format_number(*n),
            Value::Money { cents, currency } => format!("{} {currency}", format_cents(*cents)),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::PartialDate { year, month, day } => match year {
                Some(y) => format!("{y:04}-{month:02}-{day:02}"),
                None => format!("--{month:02}-{day:02}"),
            },
            Value::DateTime(t) => t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string(),
            Value::Checkbox(b) => if *b { "yes" } else { "no" }.to_string(),
            Value::Tags(tags) => tags.join(", "),
            Value::Items(items) => items
                .iter()
                .map(|i| {
                    if i.kind == DEFAULT_KIND {
                        i.value.clone()
                    } else {
                        format!("{}: {}", i.kind, i.value)
                    }
                })
                .collect::<Vec<_>>()
                .join("; "),
            Value::Addresses(list) => list
                .iter()
                .map(|a| {
                    let text = a.parts().collect::<Vec<_>>().join(", ");
                    if a.kind == DEFAULT_KIND || a.kind.is_empty() {
                        text
                    } else {
                        format!("{}: {text}", a.kind)
                    }
                })
                .collect::<Vec<_>>()
                .join("; "),
            Value::Photo(id) => format!("photo #{id}"),
            Value::Relation(id) => format!("#{id}"),
        }
    }

    /// The value as JSON, the form `--format json` prints and JSON-lines import reads.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Value::Text(s) => json!(s),
            Value::Number(n) => json!(n),
            Value::Money { cents, currency } => {
                json!({ "amount": *cents as f64 / 100.0, "currency": currency })
            }
            Value::Date(_) | Value::PartialDate { .. } => json!(self.display()),
            Value::DateTime(t) => json!(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            Value::Checkbox(b) => json!(b),
            Value::Tags(t) => json!(t),
            Value::Items(items) => json!(items),
            Value::Addresses(a) => json!(a),
            Value::Photo(id) => json!({ "photo": id }),
            Value::Relation(id) => json!(id.0),
        }
    }

    /// Reads a value of `field`'s type from JSON as [`Value::to_json`] writes it (strings are
    /// parsed as typed input).
    pub fn from_json(field: &Field, json: &serde_json::Value) -> Result<Option<Value>, String> {
        use serde_json::Value as J;
        match (field.kind, json) {
            (_, J::Null) => Ok(None),
            (_, J::String(s)) => Value::parse(field, s),
            (FieldType::Number | FieldType::Percent, J::Number(n)) => {
                Ok(n.as_f64().filter(|f| f.is_finite()).map(Value::Number))
            }
            (FieldType::Money, J::Number(n)) => {
                let amount = n.as_f64().ok_or("amount out of range")?;
                Value::parse_as(
                    FieldType::Money,
                    &[],
                    field.options.currency.as_deref(),
                    &amount.to_string(),
                )
            }
            (FieldType::Money, J::Object(o)) => {
                let amount = o.get("amount").and_then(J::as_f64).ok_or("money needs an \"amount\"")?;
                let currency = o
                    .get("currency")
                    .and_then(J::as_str)
                    .or(field.options.currency.as_deref());
                Value::parse_as(FieldType::Money, &[], currency, &amount.to_string())
            }
            (FieldType::Checkbox, J::Bool(b)) => Ok(Some(Value::Checkbox(*b))),
            (FieldType::Relation, J::Number(n)) => n
                .as_i64()
                .map(|i| Some(Value::Relation(RecordId(i))))
                .ok_or_else(|| "not a record id".into()),
            (FieldType::Photo, J::Object(o)) => o
                .get("photo")
                .and_then(J::as_i64)
                .map(|i| Some(Value::Photo(i)))
                .ok_or_else(|| "not a photo".into()),
            (FieldType::Tags, J::Array(a)) => {
                let tags: Vec<String> = a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
                Value::parse(field, &tags.join(","))
            }
            (FieldType::Phones | FieldType::Emails | FieldType::Urls, J::Array(_)) => {
                let items: Vec<Item> = serde_json::from_value(json.clone()).map_err(|e| e.to_string())?;
                let check = match field.kind {
                    FieldType::Phones => check_phone,
                    FieldType::Emails => check_email,
                    _ => check_url,
                };
                for i in &items {
                    check(&i.value)?;
                }
                Ok((!items.is_empty()).then_some(Value::Items(items)))
            }
            (FieldType::Addresses, J::Array(_)) => {
                let list: Vec<Address> = serde_json::from_value(json.clone()).map_err(|e| e.to_string())?;
                Ok((!list.is_empty()).then_some(Value::Addresses(list)))
            }
            (kind, other) => Err(format!("a {kind} field cannot take the JSON value {other}")),
        }
    }

    /// The SQL form: the value column and, for money, the currency column.
    pub fn to_sql(&self) -> (SqlValue, Option<SqlValue>) {
        let json = |v: &dyn erased::Json| SqlValue::Text(v.json());
        match self {
            Value::Text(s) => (SqlValue::Text(s.clone()), None),
            Value::Number(n) => (SqlValue::Real(*n), None),
            Value::Money { cents, currency } => (SqlValue::Integer(*cents), Some(SqlValue::Text(currency.clone()))),
            Value::Date(d) => (SqlValue::Integer(days_from_epoch(*d)), None),
            Value::PartialDate { .. } => (SqlValue::Text(self.display()), None),
            Value::DateTime(t) => (SqlValue::Integer(t.timestamp()), None),
            Value::Checkbox(b) => (SqlValue::Integer(*b as i64), None),
            Value::Tags(t) => (json(t), None),
            Value::Items(i) => (json(i), None),
            Value::Addresses(a) => (json(a), None),
            Value::Photo(id) => (SqlValue::Integer(*id), None),
            Value::Relation(id) => (SqlValue::Integer(id.0), None),
        }
    }

    /// Reads a stored value back. A stored value that does not fit the type (which only a
    /// type change can leave behind) comes back as text rather than being lost.
    pub fn from_sql(kind: FieldType, v: ValueRef<'_>, currency: Option<ValueRef<'_>>) -> Option<Value> {
        use ValueRef as R;
        let text = |v: ValueRef<'_>| match v {
            R::Text(t) | R::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
            R::Integer(i) => Some(i.to_string()),
            R::Real(f) => Some(format_number(f)),
            R::Null => None,
        };
        let value = match (kind, v) {
            (_, R::Null) => return None,
            (FieldType::Number | FieldType::Percent, R::Real(f)) => Value::Number(f),
            (FieldType::Number | FieldType::Percent, R::Integer(i)) => Value::Number(i as f64),
            (FieldType::Money, R::Integer(cents)) => Value::Money {
                cents,
                currency: currency.and_then(text).unwrap_or_default(),
            },
            (FieldType::Date, R::Integer(days)) => Value::Date(date_from_days(days)?),
            (FieldType::Datetime, R::Integer(secs)) => Value::DateTime(Utc.timestamp_opt(secs, 0).single()?),
            (FieldType::Checkbox, R::Integer(i)) => Value::Checkbox(i != 0),
            (FieldType::Photo, R::Integer(i)) => Value::Photo(i),
            (FieldType::Relation, R::Integer(i)) => Value::Relation(RecordId(i)),
            (FieldType::DateNoYear, R::Text(t)) => {
                let s = std::str::from_utf8(t).ok()?;
                parse_partial_date(s).ok().unwrap_or_else(|| Value::Text(s.to_string()))
            }
            (FieldType::Tags, R::Text(t)) => serde_json::from_slice(t).map(Value::Tags).ok()?,
            (FieldType::Phones | FieldType::Emails | FieldType::Urls, R::Text(t)) => {
                serde_json::from_slice(t).map(Value::Items).ok()?
            }
            (FieldType::Addresses, R::Text(t)) => serde_json::from_slice(t).map(Value::Addresses).ok()?,
            (FieldType::Text | FieldType::LongText | FieldType::Choice | FieldType::Secret, v) => Value::Text(text(v)?),
            (_, v) => Value::Text(text(v)?),
        };
        Some(value)
    }

    /// The words quick search indexes for this value.
    pub fn search_text(&self) -> String {
        match self {
            Value::Items(items) => items.iter().map(|i| i.value.as_str()).collect::<Vec<_>>().join(" "),
            Value::Addresses(list) => list.iter().flat_map(|a| a.parts()).collect::<Vec<_>>().join(" "),
            Value::Photo(_) | Value::Relation(_) | Value::Checkbox(_) => String::new(),
            Value::Money { cents, .. } => format_cents(*cents),
            other => other.display(),
        }
    }

    /// The number this value aggregates as, if any.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::Money { cents, .. } => Some(*cents as f64 / 100.0),
            _ => None,
        }
    }
}

/// Converts a value to another field type for a type change. `None`: it does not convert.
pub fn convert(value: &Value, to: &Field) -> Option<Value> {
    let direct = match (value, to.kind) {
        (Value::Checkbox(b), FieldType::Number | FieldType::Percent) => Some(Value::Number(*b as i32 as f64)),
        (Value::Money { cents, .. }, FieldType::Number | FieldType::Percent) => {
            Some(Value::Number(*cents as f64 / 100.0))
        }
        (Value::Number(n), FieldType::Money) => parse_money(&format_number(*n), to.options.currency.as_deref()).ok(),
        (Value::Date(d), FieldType::Datetime) => Local
            .from_local_datetime(&d.and_time(NaiveTime::MIN))
            .earliest()
            .map(|t| Value::DateTime(t.to_utc())),
        (Value::DateTime(t), FieldType::Date) => Some(Value::Date(t.with_timezone(&Local).date_naive())),
        (Value::Date(d), FieldType::DateNoYear) => Some(Value::PartialDate {
            year: Some(d.year()),
            month: d.month(),
            day: d.day(),
        }),
        (Value::Tags(t), FieldType::Text | FieldType::LongText) => Some(Value::Text(t.join(", "))),
        _ => None,
    };
    direct.or_else(|| Value::parse(to, &value.display()).ok().flatten())
}

fn parse_number(t: &str) -> Result<f64, String> {
    let mut s: String = t
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'' | '_'))
        .map(|c| match c {
            // Persian and Arabic-Indic digits, and the Arabic decimal separator.
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            '٫' => '.',
            '−' => '-',
            c => c,
        })
        .collect();
    match (s.rfind(','), s.rfind('.')) {
        (Some(c), Some(d)) if c > d => s = s.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => s = s.replace(',', ""),
        (Some(_), None) if s.matches(',').count() == 1 => s = s.replace(',', "."),
        (Some(_), None) => s = s.replace(',', ""),
        _ => {}
    }
    let plain = s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    s.parse::<f64>()
        .ok()
        .filter(|n| plain && n.is_finite())
        .ok_or_else(|| format!("{t:?} is not a number"))
}

const CURRENCY_SIGNS: &[(&str, &str)] = &[
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("₽", "RUB"),
    ("руб.", "RUB"),
    ("руб", "RUB"),
    ("р.", "RUB"),
    ("¥", "JPY"),
    ("₴", "UAH"),
    ("₸", "KZT"),
    ("﷼", "IRR"),
    ("ریال", "IRR"),
    ("تومان", "IRT"),
];

fn parse_money(t: &str, default_currency: Option<&str>) -> Result<Value, String> {
    let mut rest = t.trim().to_string();
    let mut currency: Option<String> = None;
    for (sign, code) in CURRENCY_SIGNS {
        if let Some(r) = rest.strip_prefix(sign).or_else(|| rest.strip_suffix(sign)) {
            currency = Some(code.to_string());
            rest = r.trim().to_string();
            break;
        }
    }
    if currency.is_none() {
        let alpha_head: String = rest.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        let alpha_tail: String = rest
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if alpha_head.len() == 3 {
            currency = Some(alpha_head.to_ascii_uppercase());
            rest = rest[3..].trim().to_string();
        } else if alpha_tail.len() == 3 {
            currency = Some(alpha_tail.to_ascii_uppercase());
            rest = rest[..rest.len() - 3].trim().to_string();
        }
    }
    let amount = parse_number(&rest).map_err(|_| format!("{t:?} is not an amount of money (e.g. 1234.56 EUR)"))?;
    let cents = (amount * 100.0).round();
    if cents.abs() > 9.0e15 {
        return Err(format!("{t:?} is too large an amount"));
    }
    let currency = currency
        .or_else(|| default_currency.map(str::to_string))
        .unwrap_or_default();
    Ok(Value::Money {
        cents: cents as i64,
        currency,
    })
}

fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02}",
        (cents / 100).unsigned_abs(),
        (cents % 100).unsigned_abs()
    )
}

/// Formats a number without a trailing `.0` and without exponent for ordinary magnitudes.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// How address books write "no date" in a date column: Outlook's `0.0.00` and `0/0/00`, the
/// all-zero `0000-00-00` of databases. An empty value, not an error.
fn is_zero_date(t: &str) -> bool {
    t.contains('0') && t.chars().all(|c| matches!(c, '0' | '.' | '/' | '-' | ' '))
}

/// Outlook's other "no date": 1 January 1900.
fn is_outlook_no_date(v: &Value) -> bool {
    match v {
        Value::Date(d) => (d.year(), d.month(), d.day()) == (1900, 1, 1),
        Value::PartialDate { year, month, day } => (*year, *month, *day) == (Some(1900), 1, 1),
        _ => false,
    }
}

fn parse_date(t: &str) -> Result<NaiveDate, String> {
    const FORMATS: &[&str] = &["%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%y", "%Y%m%d"];
    FORMATS
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
        .ok_or_else(|| format!("{t:?} is not a date (use 2024-03-31 or 31.03.2024)"))
}

fn parse_partial_date(t: &str) -> Result<Value, String> {
    if let Ok(d) = parse_date(t) {
        return Ok(Value::PartialDate {
            year: Some(d.year()),
            month: d.month(),
            day: d.day(),
        });
    }
    let err = || format!("{t:?} is not a date (use 1985-03-14, or --03-14 without a year)");
    let (month, day) = if let Some(md) = t.strip_prefix("--") {
        let md = md.replace('-', "");
        if md.len() != 4 || !md.is_ascii() {
            return Err(err());
        }
        (
            md[..2].parse::<u32>().map_err(|_| err())?,
            md[2..].parse::<u32>().map_err(|_| err())?,
        )
    } else if let Some((d, m)) = t.split_once('.') {
        (
            m.trim_end_matches('.').parse::<u32>().map_err(|_| err())?,
            d.parse::<u32>().map_err(|_| err())?,
        )
    } else {
        return Err(err());
    };
    // A leap year, so 29 February is a valid birthday without a year.
    NaiveDate::from_ymd_opt(2000, month, day).ok_or_else(err)?;
    Ok(Value::PartialDate { year: None, month, day })
}

fn parse_datetime(t: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.to_utc());
    }
    const FORMATS: &[&str] = &[
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%d.%m.%Y %H:%M",
    ];
    let naive = FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
        .or_else(|| parse_date(t).ok().map(|d| d.and_time(NaiveTime::MIN)))
        .ok_or_else(|| format!("{t:?} is not a date and time (use 2024-03-31 14:30)"))?;
    // Local wall time; in a DST gap take the later valid instant, in an overlap the earlier.
    Local
        .from_local_datetime(&naive)
        .earliest()
        .or_else(|| {
            Local
                .from_local_datetime(&(naive + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.to_utc())
        .ok_or_else(|| format!("{t:?} does not exist in the local time zone"))
}

fn parse_bool(t: &str) -> Result<bool, String> {
    match t.to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "on" | "x" | "да" | "بله" => Ok(true),
        "no" | "n" | "false" | "0" | "off" | "нет" | "خیر" => Ok(false),
        _ => Err(format!("{t:?} is not yes or no")),
    }
}

fn match_choice(t: &str, choices: &[String]) -> Result<String, String> {
    if choices.is_empty() {
        return Ok(t.to_string());
    }
    let lower = t.to_lowercase();
    choices
        .iter()
        .find(|c| c.to_lowercase() == lower)
        .cloned()
        .ok_or_else(|| format!("{t:?} is not one of: {}", choices.join(", ")))
}

/// Splits `kind: value` where kind is a known kind word; otherwise the kind is `other`.
fn split_kind(s: &str) -> (String, &str) {
    if let Some((head, rest)) = s.split_once(':') {
        let k = head.trim().to_lowercase();
        let k = match k.as_str() {
            "cell" | "mob" | "моб" | "мобильный" => "mobile",
            "дом" | "домашний" | "personal" => "home",
            "раб" | "рабочий" | "office" => "work",
            "факс" => "fax",
            other => other,
        };
        if PHONE_KINDS.contains(&k) {
            return (k.to_string(), rest.trim());
        }
    }
    (DEFAULT_KIND.to_string(), s.trim())
}

fn parse_items(t: &str, separators: &[char], check: fn(&str) -> Result<(), String>) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    for part in t.split(separators).map(str::trim).filter(|s| !s.is_empty()) {
        let (kind, value) = split_kind(part);
        // "work:" followed by a space-separated value lands in the next part; join them.
        if value.is_empty() {
            items.push(Item {
                kind,
                value: String::new(),
            });
            continue;
        }
        if let Some(last) = items.last_mut().filter(|i: &&mut Item| i.value.is_empty()) {
            last.value = value.to_string();
        } else {
            items.push(Item {
                kind,
                value: value.to_string(),
            });
        }
    }
    items.retain(|i| !i.value.is_empty());
    for i in &items {
        check(&i.value)?;
    }
    Ok(items)
}

pub(crate) fn check_phone(v: &str) -> Result<(), String> {
    // Digits of any script count (Persian and Arabic-Indic numbers are common in phone books).
    let digits = crate::search::digits(v).len();
    let ok_chars = v
        .chars()
        .all(|c| c.is_numeric() || " +-().#*/xext\u{200e}\u{200f}".contains(c) || c.is_whitespace());
    if digits >= 2 && ok_chars {
        Ok(())
    } else {
        Err(format!("{v:?} is not a phone number"))
    }
}

pub(crate) fn check_email(v: &str) -> Result<(), String> {
    match v.split_once('@') {
        Some((user, host))
            if !user.is_empty() && host.contains('.') && !host.starts_with('.') && !v.contains(char::is_whitespace) =>
        {
            Ok(())
        }
        _ => Err(format!("{v:?} is not an e-mail address")),
    }
}

pub(crate) fn check_url(v: &str) -> Result<(), String> {
    if v.contains(char::is_whitespace) || !(v.contains('.') || v.contains("://") || v.starts_with("localhost")) {
        Err(format!("{v:?} is not a web address"))
    } else {
        Ok(())
    }
}

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");

fn days_from_epoch(d: NaiveDate) -> i64 {
    (d - EPOCH).num_days()
}

fn date_from_days(days: i64) -> Option<NaiveDate> {
    EPOCH.checked_add_signed(chrono::Duration::try_days(days)?)
}

mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).expect("plain data always serializes")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_date_markers_of_address_books_are_empty_dates() {
        for t in ["0.0.00", "0/0/00", "00.00.0000", "0000-00-00", "1/1/1900", "1900-01-01"] {
            assert_eq!(Value::parse_as(FieldType::DateNoYear, &[], None, t), Ok(None), "{t}");
            assert_eq!(Value::parse_as(FieldType::Date, &[], None, t), Ok(None), "{t}");
        }
        assert!(
            Value::parse_as(FieldType::Date, &[], None, "1985-03-14")
                .unwrap()
                .is_some()
        );
        assert!(Value::parse_as(FieldType::Number, &[], None, "0.0").unwrap().is_some());
    }

    fn p(kind: FieldType, s: &str) -> Result<Option<Value>, String> {
        Value::parse_as(kind, &[], Some("USD"), s)
    }

    #[test]
    fn numbers_accept_both_decimal_separators_and_grouping() {
        assert_eq!(p(FieldType::Number, "1 234,5"), Ok(Some(Value::Number(1234.5))));
        assert_eq!(p(FieldType::Number, "1,234.5"), Ok(Some(Value::Number(1234.5))));
        assert_eq!(p(FieldType::Number, "۱۲۳"), Ok(Some(Value::Number(123.0))));
        assert!(p(FieldType::Number, "abc").is_err());
        assert!(p(FieldType::Number, "inf").is_err());
        assert!(p(FieldType::Number, "NaN").is_err());
    }

    #[test]
    fn money_is_exact_to_the_cent_and_reads_currency_signs() {
        assert_eq!(
            p(FieldType::Money, "0.1"),
            Ok(Some(Value::Money {
                cents: 10,
                currency: "USD".into()
            }))
        );
        assert_eq!(
            p(FieldType::Money, "€12,30"),
            Ok(Some(Value::Money {
                cents: 1230,
                currency: "EUR".into()
            }))
        );
        assert_eq!(
            p(FieldType::Money, "1500 rub"),
            Ok(Some(Value::Money {
                cents: 150000,
                currency: "RUB".into()
            }))
        );
        assert_eq!(
            Value::Money {
                cents: -5,
                currency: "EUR".into()
            }
            .display(),
            "-0.05 EUR"
        );
    }

    #[test]
    fn birthdays_may_lack_a_year_and_fall_on_29_february() {
        assert_eq!(
            p(FieldType::DateNoYear, "--02-29"),
            Ok(Some(Value::PartialDate {
                year: None,
                month: 2,
                day: 29
            }))
        );
        assert_eq!(
            p(FieldType::DateNoYear, "14.03"),
            Ok(Some(Value::PartialDate {
                year: None,
                month: 3,
                day: 14
            }))
        );
        assert_eq!(
            p(FieldType::DateNoYear, "1985-03-14"),
            Ok(Some(Value::PartialDate {
                year: Some(1985),
                month: 3,
                day: 14
            }))
        );
        assert!(p(FieldType::DateNoYear, "--02-30").is_err());
        assert!(p(FieldType::DateNoYear, "--ab-cd").is_err());
    }

    #[test]
    fn phones_keep_their_kinds() {
        let v = p(
            FieldType::Phones,
            "mobile: +1 (905) 555-1234; work:+7 495 123-45-67, 112",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            v,
            Value::Items(vec![
                Item {
                    kind: "mobile".into(),
                    value: "+1 (905) 555-1234".into()
                },
                Item {
                    kind: "work".into(),
                    value: "+7 495 123-45-67".into()
                },
                Item {
                    kind: "other".into(),
                    value: "112".into()
                },
            ])
        );
        assert!(p(FieldType::Phones, "call me").is_err());
    }

    #[test]
    fn display_parses_back_to_the_same_value() {
        let cases = [
            (FieldType::Number, "12.75"),
            (FieldType::Money, "99.99 EUR"),
            (FieldType::Date, "2024-02-29"),
            (FieldType::DateNoYear, "--12-31"),
            (FieldType::Checkbox, "yes"),
            (FieldType::Tags, "a, b"),
            (FieldType::Phones, "home: 123; 456"),
            (FieldType::Emails, "work: a@b.org; c@d.ru"),
            (FieldType::Urls, "https://example.org"),
            (FieldType::Addresses, "home: 1 Main St, Springfield; Тверская 1"),
        ];
        for (kind, text) in cases {
            let v = p(kind, text).unwrap().unwrap();
            assert_eq!(p(kind, &v.display()).unwrap().unwrap(), v, "{kind}: {text}");
        }
    }

    #[test]
    fn stored_values_read_back_as_written() {
        let cases = [
            Value::Text("Пётр".into()),
            Value::Number(-1.5),
            Value::Money {
                cents: 123456,
                currency: "RUB".into(),
            },
            Value::Date(NaiveDate::from_ymd_opt(1901, 1, 1).unwrap()),
            Value::PartialDate {
                year: None,
                month: 2,
                day: 29,
            },
            Value::DateTime(Utc.timestamp_opt(1_700_000_000, 0).unwrap()),
            Value::Checkbox(true),
            Value::Tags(vec!["x".into()]),
        ];
        let kinds = [
            FieldType::Text,
            FieldType::Number,
            FieldType::Money,
            FieldType::Date,
            FieldType::DateNoYear,
            FieldType::Datetime,
            FieldType::Checkbox,
            FieldType::Tags,
        ];
        for (v, kind) in cases.into_iter().zip(kinds) {
            let (a, b) = v.to_sql();
            let back = Value::from_sql(kind, (&a).into(), b.as_ref().map(|b| b.into()));
            assert_eq!(back, Some(v));
        }
    }

    #[test]
    fn choices_match_case_insensitively_and_name_the_options() {
        let choices = vec!["Open".to_string(), "Done".to_string()];
        assert_eq!(
            Value::parse_as(FieldType::Choice, &choices, None, "done"),
            Ok(Some(Value::Text("Done".into())))
        );
        let err = Value::parse_as(FieldType::Choice, &choices, None, "later").unwrap_err();
        assert!(err.contains("Open, Done"), "{err}");
    }
}
