//! Values as the window shows them, in the user's language: "5 November 1986" rather than
//! `1986-11-05`, a birthday without its year as "5 November", money as "48,500.00 EUR" (or
//! "48 500,00 EUR" in Russian). Files and the command line keep the engine's own forms
//! (ISO dates, plain numbers), which other programs read back.

use cardbase_engine::Value;
use chrono::{Datelike, Local};

/// The conventions of the user's language that values are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    /// English: "5 November 1986", "48,500.00".
    English,
    /// Russian: "5 ноября 1986", "48 500,00".
    Russian,
}

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
/// Russian month names in the genitive, as dates use them ("5 ноября").
const RU_MONTHS: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

impl Locale {
    /// The locale of the environment (`LC_ALL`, `LC_MESSAGES`, `LANG`), English when unsure.
    pub fn from_env() -> Locale {
        let tag = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        Locale::from_tag(&tag)
    }

    /// The locale the window uses: the environment's, read once.
    pub fn current() -> Locale {
        static CURRENT: std::sync::OnceLock<Locale> = std::sync::OnceLock::new();
        *CURRENT.get_or_init(Locale::from_env)
    }

    /// The locale of a language tag such as `ru_RU.UTF-8` or `en-GB`.
    pub fn from_tag(tag: &str) -> Locale {
        if tag.to_ascii_lowercase().starts_with("ru") {
            Locale::Russian
        } else {
            Locale::English
        }
    }

    fn month(self, month: u32) -> &'static str {
        let i = (month.clamp(1, 12) - 1) as usize;
        match self {
            Locale::English => EN_MONTHS[i],
            Locale::Russian => RU_MONTHS[i],
        }
    }

    fn separators(self) -> (char, char) {
        match self {
            Locale::English => (',', '.'),
            // A no-break space between thousands, as Russian typography has it.
            Locale::Russian => ('\u{a0}', ','),
        }
    }

    /// A day of a month, and its year when known: "5 November 1986", "5 ноября".
    pub fn day(self, day: u32, month: u32, year: Option<i32>) -> String {
        match year {
            Some(y) => format!("{day} {} {y}", self.month(month)),
            None => format!("{day} {}", self.month(month)),
        }
    }

    /// A number with thousands grouped and `decimals` places: 48500 → "48,500.00".
    pub fn number(self, n: f64, decimals: usize) -> String {
        let (group, point) = self.separators();
        let text = format!("{:.*}", decimals, n.abs());
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(group);
            }
            grouped.push(c);
        }
        let sign = if n < 0.0 && n.abs() >= 0.5 * 10f64.powi(-(decimals as i32)) {
            "-"
        } else {
            ""
        };
        if fraction.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}{point}{fraction}")
        }
    }

    /// A value as the window shows it.
    pub fn value(self, value: &Value) -> String {
        match value {
            Value::Date(d) => self.day(d.day(), d.month(), Some(d.year())),
            Value::PartialDate { year, month, day } => self.day(*day, *month, *year),
            Value::DateTime(t) => {
                let t = t.with_timezone(&Local);
                format!(
                    "{}, {}",
                    self.day(t.day(), t.month(), Some(t.year())),
                    t.format("%H:%M")
                )
            }
            Value::Money { cents, currency } => {
                format!("{} {currency}", self.number(*cents as f64 / 100.0, 2))
            }
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => self.number(*n, 0),
            other => other.display(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_money_read_as_people_write_them() {
        let en = Locale::English;
        assert_eq!(
            en.value(&Value::PartialDate {
                year: None,
                month: 11,
                day: 5
            }),
            "5 November"
        );
        assert_eq!(
            en.value(&Value::Date(chrono::NaiveDate::from_ymd_opt(1986, 12, 5).unwrap())),
            "5 December 1986"
        );
        let money = Value::Money {
            cents: 4_850_000,
            currency: "EUR".into(),
        };
        assert_eq!(en.value(&money), "48,500.00 EUR");
        assert_eq!(Locale::Russian.value(&money), "48\u{a0}500,00 EUR");
        assert_eq!(
            Locale::Russian.value(&Value::PartialDate {
                year: Some(1990),
                month: 3,
                day: 8
            }),
            "8 марта 1990"
        );
        assert_eq!(en.number(-1234.5, 2), "-1,234.50");
        assert_eq!(en.number(999.0, 0), "999");
        assert_eq!(en.value(&Value::Number(1_000_000.0)), "1,000,000");
        assert_eq!(Locale::from_tag("ru_RU.UTF-8"), Locale::Russian);
        assert_eq!(Locale::from_tag("C.UTF-8"), Locale::English);
    }
}
