//! A deterministic client base: contacts with Latin, Cyrillic and Persian names, companies,
//! cities, phones, e-mails, birthdays and notes. The same `n` and seed always give the same
//! records, so runs on different days compare.

use cardbase_engine::records::{Item, Value};

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

/// The `i`-th contact's values, keyed by the personal preset's contact fields.
pub fn contact(rng: &mut Rng, i: u64) -> Vec<(String, Value)> {
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
    vec![
        ("first_name".into(), Value::Text(first.into())),
        ("last_name".into(), Value::Text(format!("{last}{}", i % 1000))),
        ("job_title".into(), Value::Text(rng.pick(TITLES).into())),
        (
            "phones".into(),
            Value::Items(vec![Item {
                kind: "mobile".into(),
                value: phone,
            }]),
        ),
        (
            "emails".into(),
            Value::Items(vec![Item {
                kind: "work".into(),
                value: email,
            }]),
        ),
        ("birthday".into(), Value::PartialDate { year, month, day }),
        (
            "notes".into(),
            Value::Text(format!(
                "Met in {} about order {}",
                rng.pick(CITIES),
                rng.below(100_000)
            )),
        ),
    ]
}
