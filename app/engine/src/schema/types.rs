use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The type of a field: decides how values are entered, stored, shown, sorted and searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// One line of text.
    Text,
    /// Several lines of text (notes, comments).
    LongText,
    /// A decimal number.
    Number,
    /// An amount with an ISO 4217 currency, exact to the cent.
    Money,
    /// A percentage, stored as the number shown (`15` for 15 %).
    Percent,
    /// A calendar date.
    Date,
    /// A date whose year may be unknown, as birthdays often are (`--03-14`).
    DateNoYear,
    /// A moment in time, stored in UTC and shown in local time.
    #[serde(alias = "date_time")]
    Datetime,
    /// Yes or no.
    Checkbox,
    /// One value out of a list.
    Choice,
    /// Any number of labels (groups, tags).
    #[serde(alias = "multi_choice")]
    Tags,
    /// Phone numbers, each with a kind (mobile, home, work, fax, other).
    Phones,
    /// E-mail addresses, each with a kind.
    Emails,
    /// Web addresses, each with a kind.
    Urls,
    /// Postal addresses, each with a kind.
    #[serde(alias = "address")]
    Addresses,
    /// An image kept inside the vault.
    Photo,
    /// A link to a record of another section.
    Relation,
    /// Text masked in output unless asked (passwords, PINs).
    Secret,
}

/// The kinds a phone number (and e-mail, URL, address) can have.
pub const PHONE_KINDS: &[&str] = &["mobile", "home", "work", "fax", "other"];

impl FieldType {
    /// Every type, in the order the schema editor offers them.
    pub const ALL: [FieldType; 18] = [
        FieldType::Text,
        FieldType::LongText,
        FieldType::Number,
        FieldType::Money,
        FieldType::Percent,
        FieldType::Date,
        FieldType::DateNoYear,
        FieldType::Datetime,
        FieldType::Checkbox,
        FieldType::Choice,
        FieldType::Tags,
        FieldType::Phones,
        FieldType::Emails,
        FieldType::Urls,
        FieldType::Addresses,
        FieldType::Photo,
        FieldType::Relation,
        FieldType::Secret,
    ];

    /// The key used in schema files and on the command line (`long_text`, `date_no_year`...).
    pub fn key(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::LongText => "long_text",
            FieldType::Number => "number",
            FieldType::Money => "money",
            FieldType::Percent => "percent",
            FieldType::Date => "date",
            FieldType::DateNoYear => "date_no_year",
            FieldType::Datetime => "datetime",
            FieldType::Checkbox => "checkbox",
            FieldType::Choice => "choice",
            FieldType::Tags => "tags",
            FieldType::Phones => "phones",
            FieldType::Emails => "emails",
            FieldType::Urls => "urls",
            FieldType::Addresses => "addresses",
            FieldType::Photo => "photo",
            FieldType::Relation => "relation",
            FieldType::Secret => "secret",
        }
    }

    /// The type in the user's words, as the schema editor lists it ("Date without year").
    ///
    /// ```
    /// assert_eq!(cardbase_engine::FieldType::DateNoYear.name(), "Date, year optional (birthday)");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            FieldType::Text => "Text",
            FieldType::LongText => "Long text (notes)",
            FieldType::Number => "Number",
            FieldType::Money => "Money",
            FieldType::Percent => "Percent",
            FieldType::Date => "Date",
            FieldType::DateNoYear => "Date, year optional (birthday)",
            FieldType::Datetime => "Date and time",
            FieldType::Checkbox => "Yes or no",
            FieldType::Choice => "One of a list",
            FieldType::Tags => "Tags (several of a list)",
            FieldType::Phones => "Phone numbers",
            FieldType::Emails => "E-mail addresses",
            FieldType::Urls => "Web addresses",
            FieldType::Addresses => "Postal addresses",
            FieldType::Photo => "Photo",
            FieldType::Relation => "Link to a record",
            FieldType::Secret => "Secret (password, PIN)",
        }
    }

    /// Whether values aggregate as numbers (sum, average, ...).
    pub fn is_numeric(self) -> bool {
        matches!(self, FieldType::Number | FieldType::Money | FieldType::Percent)
    }

    /// Whether the value is a list stored as JSON text.
    pub fn is_list(self) -> bool {
        matches!(
            self,
            FieldType::Tags | FieldType::Phones | FieldType::Emails | FieldType::Urls | FieldType::Addresses
        )
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for FieldType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let alias = match norm.as_str() {
            "address" => "addresses",
            "date_time" => "datetime",
            "multi_choice" => "tags",
            "phone" => "phones",
            "email" => "emails",
            "url" => "urls",
            other => other,
        };
        FieldType::ALL.into_iter().find(|t| t.key() == alias).ok_or_else(|| {
            let all: Vec<_> = FieldType::ALL.iter().map(|t| t.key()).collect();
            format!("unknown field type {s:?}; use one of: {}", all.join(", "))
        })
    }
}
