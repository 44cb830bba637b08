//! A deterministic client base: contacts with Latin, Cyrillic and Persian names, companies,
//! cities, phones, e-mails, birthdays, contract dates, amounts and notes. The same `n` and seed
//! always give the same records, so runs on different days compare.
//!
//! The same people come out as engine values (`contact`, for vaults made directly) or as CSV
//! rows (`write_csv`, for the import figures and the sqlite3 baseline).

use anyhow::Result;
use cardbase_engine::records::{Item, Value};
use chrono::NaiveDate;
use std::io::Write;

const FIRST_LATIN: &[&str] = &[
    "James", "Mary", "Liam", "Emma", "Noah", "Olivia", "Lucas", "Sophie", "Mateo", "Chloé",
];
const LAST_LATIN: &[&str] = &[
    "Smith", "Müller", "García", "Dubois", "Rossi", "O'Brien", "Novak", "Jansen", "Silva", "Kowalski",
];
const FIRST_CYR: &[&str] = &[
    "Пётр",
    "Анна",
    "Иван",
    "Мария",
    "Алексей",
    "Ольга",
    "Дмитрий",
    "Елена",
    "Сергей",
    "Наталья",
];
const LAST_CYR: &[&str] = &[
    "Иванов",
    "Смирнова",
    "Кузнецов",
    "Попова",
    "Соколов",
    "Лебедева",
    "Козлов",
    "Новикова",
    "Морозов",
    "Волкова",
];
const FIRST_FA: &[&str] = &[
    "علی",
    "مریم",
    "رضا",
    "زهرا",
    "حسین",
    "فاطمه",
    "محمد",
    "سارا",
    "امیر",
    "نگار",
];
const LAST_FA: &[&str] = &[
    "رضایی",
    "احمدی",
    "محمدی",
    "حسینی",
    "کریمی",
    "موسوی",
    "جعفری",
    "صادقی",
    "رحیمی",
    "نوری",
];
const CITIES: &[&str] = &[
    "Berlin",
    "Москва",
    "تهران",
    "Toronto",
    "Lyon",
    "Санкт-Петербург",
    "اصفهان",
    "Madrid",
    "Warszawa",
    "Austin",
];
const COMPANY_HEAD: &[&str] = &[
    "Acme",
    "Nordwind",
    "Ромашка",
    "Вектор",
    "پارس",
    "آریا",
    "Globex",
    "Сибирь",
    "Helios",
    "البرز",
];
const COMPANY_TAIL: &[&str] = &["Ltd", "GmbH", "ООО", "Group", "شرکت", "Inc", "Trading", "Холдинг"];
const TITLES: &[&str] = &[
    "Director",
    "Manager",
    "Engineer",
    "Бухгалтер",
    "Sales",
    "مدیر فروش",
    "Designer",
    "Consultant",
];

/// A small, fast, deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One generated client: a contact person with the business fields of a client base.
#[derive(Debug, Clone, PartialEq)]
pub struct Client {
    pub first_name: &'static str,
    pub last_name: String,
    pub company: String,
    pub job_title: &'static str,
    pub city: &'static str,
    pub phone: String,
    pub email: String,
    pub birthday: (Option<i32>, u32, u32),
    pub contract_start: NaiveDate,
    pub contract_end: NaiveDate,
    pub amount_cents: i64,
    pub notes: String,
}

/// The columns of the generated CSV; the headers are the bench schema's field labels, so the
/// engine's header matching maps every column without help.
pub const CSV_HEADERS: [&str; 12] = [
    "First name",
    "Last name",
    "Company",
    "Job title",
    "City",
    "Phone",
    "E-mail",
    "Birthday",
    "Contract start",
    "Contract end",
    "Amount",
    "Notes",
];

/// The `i`-th client. Draws from `rng` in a fixed order, so a seed gives one base.
pub fn client(rng: &mut Rng, i: u64) -> Client {
    let (first, last) = match i % 3 {
        0 => (rng.pick(FIRST_LATIN), rng.pick(LAST_LATIN)),
        1 => (rng.pick(FIRST_CYR), rng.pick(LAST_CYR)),
        _ => (rng.pick(FIRST_FA), rng.pick(LAST_FA)),
    };
    let phone = format!(
        "+{} ({:03}) {:03}-{:04}",
        1 + rng.below(98),
        rng.below(1000),
        rng.below(1000),
        rng.below(10_000)
    );
    let email = format!("user{i}@example{}.org", rng.below(50));
    let month = 1 + rng.below(12) as u32;
    let day = 1 + rng.below(28) as u32;
    let year = if rng.below(4) == 0 {
        None
    } else {
        Some(1950 + rng.below(55) as i32)
    };
    let job_title = rng.pick(TITLES);
    let notes = format!("Met in {} about order {}", rng.pick(CITIES), rng.below(100_000));
    let company = format!(
        "{} {} {}",
        rng.pick(COMPANY_HEAD),
        rng.pick(COMPANY_TAIL),
        rng.below(5_000)
    );
    let city = rng.pick(CITIES);
    let start =
        NaiveDate::from_ymd_opt(2015, 1, 1).expect("a valid date") + chrono::Duration::days(rng.below(365 * 10) as i64);
    let end = start + chrono::Duration::days(180 + rng.below(365 * 3) as i64);
    Client {
        first_name: first,
        last_name: format!("{last}{}", i % 1000),
        company,
        job_title,
        city,
        phone,
        email,
        birthday: (year, month, day),
        contract_start: start,
        contract_end: end,
        amount_cents: rng.below(10_000_000) as i64,
        notes,
    }
}

impl Client {
    /// The contact fields of the personal preset, as engine values.
    pub fn contact_values(&self) -> Vec<(String, Value)> {
        let (year, month, day) = self.birthday;
        vec![
            ("first_name".into(), Value::Text(self.first_name.into())),
            ("last_name".into(), Value::Text(self.last_name.clone())),
            ("job_title".into(), Value::Text(self.job_title.into())),
            (
                "phones".into(),
                Value::Items(vec![Item {
                    kind: "mobile".into(),
                    value: self.phone.clone(),
                }]),
            ),
            (
                "emails".into(),
                Value::Items(vec![Item {
                    kind: "work".into(),
                    value: self.email.clone(),
                }]),
            ),
            ("birthday".into(), Value::PartialDate { year, month, day }),
            ("notes".into(), Value::Text(self.notes.clone())),
        ]
    }

    /// The client as a CSV row in the order of [`CSV_HEADERS`], written as a user's export
    /// would be: ISO dates (`--MM-DD` for a birthday without a year), amounts with a point.
    pub fn csv_row(&self) -> [String; 12] {
        let (year, month, day) = self.birthday;
        let birthday = match year {
            Some(y) => format!("{y:04}-{month:02}-{day:02}"),
            None => format!("--{month:02}-{day:02}"),
        };
        [
            self.first_name.to_string(),
            self.last_name.clone(),
            self.company.clone(),
            self.job_title.to_string(),
            self.city.to_string(),
            self.phone.clone(),
            self.email.clone(),
            birthday,
            self.contract_start.to_string(),
            self.contract_end.to_string(),
            format!("{}.{:02}", self.amount_cents / 100, self.amount_cents % 100),
            self.notes.clone(),
        ]
    }
}

/// The `i`-th contact's values, keyed by the personal preset's contact fields.
pub fn contact(rng: &mut Rng, i: u64) -> Vec<(String, Value)> {
    client(rng, i).contact_values()
}

/// Writes `n` clients as CSV (UTF-8, comma, header row) to `out`.
pub fn write_csv(out: impl Write, n: u64, seed: u64) -> Result<()> {
    let mut w = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, out));
    w.write_record(CSV_HEADERS)?;
    let mut rng = Rng::new(seed);
    for i in 0..n {
        w.write_record(client(&mut rng, i).csv_row())?;
    }
    w.flush()?;
    Ok(())
}

/// The schema of the bench vault: one section of clients with the CSV's columns. Names, city
/// and contract end are indexed (as in the client-base preset); company and amount are not.
pub const SCHEMA: &str = r#"
name = "Bench client base"
[[sections]]
key = "clients"
label = "Clients"
title = ["first_name", "last_name"]
[[sections.fields]]
key = "first_name"
label = "First name"
type = "text"
indexed = true
[[sections.fields]]
key = "last_name"
label = "Last name"
type = "text"
indexed = true
[[sections.fields]]
key = "company"
label = "Company"
type = "text"
[[sections.fields]]
key = "job_title"
label = "Job title"
type = "text"
[[sections.fields]]
key = "city"
label = "City"
type = "text"
indexed = true
[[sections.fields]]
key = "phones"
label = "Phone"
type = "phones"
[[sections.fields]]
key = "emails"
label = "E-mail"
type = "emails"
[[sections.fields]]
key = "birthday"
label = "Birthday"
type = "date_no_year"
[[sections.fields]]
key = "contract_start"
label = "Contract start"
type = "date"
[[sections.fields]]
key = "contract_end"
label = "Contract end"
type = "date"
indexed = true
[[sections.fields]]
key = "amount"
label = "Amount"
type = "money"
currency = "USD"
[[sections.fields]]
key = "notes"
label = "Notes"
type = "long_text"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(n: u64, seed: u64) -> String {
        let mut out = Vec::new();
        write_csv(&mut out, n, seed).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_same_seed_gives_the_same_file() {
        assert_eq!(csv(500, 7), csv(500, 7));
        assert_ne!(csv(500, 7), csv(500, 8));
    }

    #[test]
    fn the_file_has_a_header_and_one_row_per_client_in_three_scripts() {
        let text = csv(300, 42);
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), CSV_HEADERS);
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 300);
        assert!(rows.iter().all(|r| r.len() == CSV_HEADERS.len()));
        assert!(
            rows[1][0]
                .chars()
                .any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap()))
        );
        assert!(rows[2][0].chars().any(|c| ('\u{0600}'..='\u{06ff}').contains(&c)));
    }

    #[test]
    fn the_bench_schema_parses_and_names_every_csv_column() {
        let file = cardbase_engine::schema::SchemaFile::parse("bench", SCHEMA).unwrap();
        let labels: Vec<&str> = file.sections[0].fields.iter().map(|f| f.label.as_str()).collect();
        assert_eq!(labels, CSV_HEADERS);
    }
}
