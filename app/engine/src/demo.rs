//! Demo content for a first-time user: a few dozen realistic records (contacts in several
//! scripts, organizations with their contact persons, birthdays, tasks, notes, links and events)
//! so the app does not open on empty tables.
//!
//! Everything is typed as a user would type it and parsed by the vault ([`Vault::parse_input`]),
//! then stored with one transaction per section ([`Vault::create_records`]): organizations first,
//! so contacts can point to them, then contacts, then the records that point to contacts. Dates
//! are relative to `today`, so reminders (birthdays, overdue tasks, a contract about to end, a
//! call today) show up whenever the demo is loaded. Fields or sections a vault's schema lacks are
//! skipped, and so is a choice the schema does not offer, so the demo loads into every preset.
//!
//! ```
//! # use cardbase_engine::{Vault, Preset, Passphrase, Query};
//! # let dir = tempfile::tempdir().unwrap();
//! let mut vault = Vault::create(&dir.path().join("v"), &Passphrase::new("p"), Preset::ClientBase).unwrap();
//! let today = chrono::NaiveDate::from_ymd_opt(2025, 3, 10).unwrap();
//! let summary = cardbase_engine::demo::load_demo(&mut vault, today).unwrap();
//! assert_eq!(summary.records, 52);
//! assert_eq!(vault.list(&Query::section("contacts").search("петр")).unwrap().total, 1);
//! ```

use crate::schema::FieldType;
use crate::{RecordId, Result, Vault};
use chrono::{Datelike, NaiveDate, TimeDelta};

/// What [`load_demo`] put in the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DemoSummary {
    /// How many records were created, over all sections.
    pub records: usize,
}

/// One record as a user would type it: `(field key, text)` pairs.
type Row = Vec<(&'static str, String)>;

fn row<const N: usize>(pairs: [(&'static str, &str); N]) -> Row {
    pairs.into_iter().map(|(k, v)| (k, v.to_string())).collect()
}

/// `today` moved by `days` (or `today` itself at the very ends of the calendar).
fn day(today: NaiveDate, days: i64) -> NaiveDate {
    today.checked_add_signed(TimeDelta::days(days)).unwrap_or(today)
}

/// A date `days` from `today`, as typed: `2025-03-31`.
fn date(today: NaiveDate, days: i64) -> String {
    day(today, days).format("%Y-%m-%d").to_string()
}

/// A local date and time `days` from `today`, as typed: `2025-03-31 14:30`.
fn at(today: NaiveDate, days: i64, time: &str) -> String {
    format!("{} {time}", date(today, days))
}

/// A birthday falling `days` from `today`: `--MM-DD` without a year, or `YYYY-MM-DD` with
/// `year` (a leap year when the day is 29 February).
fn birthday(today: NaiveDate, days: i64, year: Option<i32>) -> String {
    let d = day(today, days);
    let (month, dom) = (d.month(), d.day());
    match year {
        None => format!("--{month:02}-{dom:02}"),
        Some(y) => {
            let y = if NaiveDate::from_ymd_opt(y, month, dom).is_some() {
                y
            } else {
                1988
            };
            format!("{y:04}-{month:02}-{dom:02}")
        }
    }
}

/// A relation to a record, as typed: `#12`, or nothing when that record was not created.
fn rel(id: Option<RecordId>) -> String {
    id.map(|id| format!("#{id}")).unwrap_or_default()
}

/// Creates the rows in one section, in one transaction, keeping only the fields the section has
/// (and choices it offers). Returns the ids in row order; all `None` when the section is missing.
fn insert(vault: &mut Vault, section: &str, rows: &[Row]) -> Result<Vec<Option<RecordId>>> {
    let Some(s) = vault.schema().section(section) else {
        return Ok(vec![None; rows.len()]);
    };
    let key = s.key.clone();
    let kept: Vec<Vec<(&str, &str)>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .filter(|(k, text)| match s.field(k) {
                    None => false,
                    Some(f) if f.kind == FieldType::Choice && !f.options.choices.is_empty() => {
                        let t = text.trim().to_lowercase();
                        f.options.choices.iter().any(|c| c.to_lowercase() == t)
                    }
                    Some(_) => true,
                })
                .map(|(k, text)| (*k, text.as_str()))
                .collect()
        })
        .collect();
    let mut parsed = Vec::with_capacity(kept.len());
    for r in kept {
        let mut values = Vec::with_capacity(r.len());
        for (k, text) in r {
            if let Some(v) = vault.parse_input(&key, k, text)? {
                values.push((k.to_string(), v));
            }
        }
        parsed.push(values);
    }
    Ok(vault.create_records(&key, parsed)?.into_iter().map(Some).collect())
}

/// Fills a new vault with a few dozen realistic demo records so a first-time user sees how
/// Cardbase looks: contacts in several scripts with photos-free cards, birthdays (with and
/// without a year, one on 29 February), organizations with contact persons, tasks, notes,
/// links and events. Works on both presets (fields missing from a preset are skipped).
///
/// Dates are relative to `today`: the content is the same for the same `today`. Each section is
/// stored in one transaction; if a section fails (say, a tax id already taken in a vault that is
/// not new), the sections stored before it stay.
pub fn load_demo(vault: &mut Vault, today: NaiveDate) -> Result<DemoSummary> {
    let t = today;

    // ---- Organizations (the client-base preset's "Clients") --------------------------------
    let organizations = vec![
        row([
            ("name", "Brückner & Hahn Ingenieure GmbH"),
            ("status", "Active"),
            ("manager", "Mark Lewis"),
            ("city", "Berlin"),
            ("contract_start", &date(t, -344)),
            ("contract_end", &date(t, 21)),
            ("deal_amount", "48500.00 EUR"),
            ("debt", "3200.00 EUR"),
            ("inn", "DE812345678"),
            ("phones", "work: +49 30 1234 5670; fax: +49 30 1234 5679"),
            ("emails", "work: info@brueckner-hahn.example"),
            ("urls", "https://brueckner-hahn.example"),
            ("addresses", "work: Friedrichstraße 123, 10117 Berlin, Germany"),
            (
                "notes",
                "Structural engineering for mid-size commercial buildings.\n\
                 Prefers e-mail to calls; invoices in EUR, payment within 30 days.",
            ),
        ]),
        row([
            ("name", "ООО «Северный ветер»"),
            ("status", "Active"),
            ("manager", "Olga Petrova"),
            ("city", "Архангельск"),
            ("contract_start", &date(t, -60)),
            ("contract_end", &date(t, 305)),
            ("deal_amount", "2450000 RUB"),
            ("debt", "185000 RUB"),
            ("inn", "2901234567"),
            ("phones", "work: +7 8182 65-43-21"),
            ("emails", "work: office@severny-veter.example"),
            ("urls", "https://severny-veter.example"),
            (
                "addresses",
                "work: наб. Северной Двины, 55, офис 12, Архангельск, 163000, Россия",
            ),
            (
                "notes",
                "Оптовая торговля морепродуктами и рыбой. Документы — по ЭДО, оплата в рублях.",
            ),
        ]),
        row([
            ("name", "استودیو نقش"),
            ("status", "Negotiation"),
            ("manager", "Olga Petrova"),
            ("city", "تهران"),
            ("deal_amount", "6500 USD"),
            ("phones", "work: +۹۸ ۲۱ ۸۸۷۷ ۶۶۵۵"),
            ("emails", "work: hello@naqsh.example"),
            ("urls", "https://naqsh.example"),
            ("addresses", "work: تهران، خیابان ولیعصر، کوچه نسترن، پلاک ۱۲"),
            (
                "notes",
                "استودیوی طراحی گرافیک و هویت بصری. پیشنهاد طراحی لوگو در حال بررسی است.",
            ),
        ]),
        row([
            ("name", "Maple Crumb Bakery"),
            ("status", "Paused"),
            ("manager", "Mark Lewis"),
            ("city", "Toronto"),
            ("contract_start", &date(t, -405)),
            ("contract_end", &date(t, -40)),
            ("deal_amount", "12000 USD"),
            ("debt", "850 USD"),
            ("inn", "812345678 RT0001"),
            ("phones", "work: +1 (416) 555-0142"),
            ("emails", "work: orders@maplecrumb.example"),
            ("urls", "https://maplecrumb.example"),
            ("addresses", "work: 245 Queen St W, Toronto, ON M5V 1Z4, Canada"),
            (
                "notes",
                "Family bakery; weekly deliveries paused for the renovation of the shop.",
            ),
        ]),
    ];
    let orgs = insert(vault, "organizations", &organizations)?;
    let [brueckner, veter, naqsh, maple] = [0, 1, 2, 3].map(|i| rel(orgs[i]));

    // ---- Contacts ----------------------------------------------------------------------------
    let contacts = vec![
        // Brückner & Hahn
        row([
            ("first_name", "Anna"),
            ("last_name", "Schneider"),
            ("organization", &brueckner),
            ("job_title", "Project manager"),
            ("phones", "mobile: +49 151 2345 6789; work: +49 30 1234 5671"),
            ("emails", "work: anna.schneider@brueckner-hahn.example"),
            ("birthday", &birthday(t, 2, Some(1986))),
            ("groups", "Work"),
        ]),
        row([
            ("first_name", "Jonas"),
            ("last_name", "Weber"),
            ("organization", &brueckner),
            ("job_title", "Purchasing"),
            ("phones", "work: +49 30 1234 5672"),
            ("emails", "work: j.weber@brueckner-hahn.example"),
            ("birthday", "--11-05"),
            ("groups", "Work"),
        ]),
        row([
            ("first_name", "Katrin"),
            ("last_name", "Hahn"),
            ("organization", &brueckner),
            ("job_title", "Managing director"),
            ("phones", "work: +49 30 1234 5670"),
            ("emails", "work: k.hahn@brueckner-hahn.example"),
            ("groups", "Work"),
            ("notes", "Signs the contracts. Best reached through Anna."),
        ]),
        // ООО «Северный ветер»
        row([
            ("first_name", "Пётр"),
            ("middle_name", "Сергеевич"),
            ("last_name", "Иванов"),
            ("organization", &veter),
            ("job_title", "Генеральный директор"),
            ("phones", "work: +7 8182 65-43-21; mobile: +7 911 555-12-34"),
            ("emails", "work: p.ivanov@severny-veter.example"),
            ("birthday", "1974-06-12"),
            ("groups", "Work"),
        ]),
        row([
            ("first_name", "Ольга"),
            ("middle_name", "Николаевна"),
            ("last_name", "Смирнова"),
            ("organization", &veter),
            ("job_title", "Главный бухгалтер"),
            ("phones", "work: +7 8182 65-43-22"),
            ("emails", "work: buh@severny-veter.example"),
            ("birthday", &birthday(t, 6, None)),
            ("groups", "Work"),
        ]),
        row([
            ("first_name", "Алексей"),
            ("last_name", "Кузнецов"),
            ("nickname", "Лёша"),
            ("organization", &veter),
            ("job_title", "Менеджер по закупкам"),
            ("phones", "mobile: +7 921 555-67-89"),
            ("emails", "work: a.kuznetsov@severny-veter.example"),
            ("groups", "Work"),
        ]),
        // استودیو نقش
        row([
            ("first_name", "علی"),
            ("last_name", "رضایی"),
            ("organization", &naqsh),
            ("job_title", "مدیر هنری"),
            ("phones", "mobile: +۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹; work: +۹۸ ۲۱ ۸۸۷۷ ۶۶۵۵"),
            ("emails", "work: ali@naqsh.example"),
            ("birthday", "1990-09-23"),
            ("groups", "Work"),
        ]),
        row([
            ("first_name", "مریم"),
            ("last_name", "احمدی"),
            ("organization", &naqsh),
            ("job_title", "طراح گرافیک"),
            ("phones", "mobile: +98 935 555 1234"),
            ("emails", "work: maryam.ahmadi@naqsh.example"),
            ("birthday", &birthday(t, 12, Some(1993))),
            ("groups", "Work"),
        ]),
        // Maple Crumb Bakery
        row([
            ("first_name", "Émilie"),
            ("last_name", "Tremblay"),
            ("organization", &maple),
            ("job_title", "Owner"),
            ("phones", "work: +1 (416) 555-0142; mobile: +1 (416) 555-0199"),
            ("emails", "work: emilie@maplecrumb.example"),
            ("addresses", "work: 245 Queen St W, Toronto, ON M5V 1Z4, Canada"),
            ("groups", "Work"),
        ]),
        row([
            ("first_name", "Marc-André"),
            ("last_name", "Gagnon"),
            ("organization", &maple),
            ("job_title", "Head baker"),
            ("phones", "work: +1 (416) 555-0143"),
            ("birthday", "--07-01"),
            ("groups", "Work"),
        ]),
        // Friends
        row([
            ("first_name", "Lena"),
            ("last_name", "Fischer"),
            ("phones", "mobile: +49 170 555 3344"),
            ("emails", "home: lena.fischer@mail.example"),
            ("addresses", "home: Kastanienallee 12, 10435 Berlin, Germany"),
            ("birthday", "--02-29"),
            ("groups", "Friends"),
            (
                "notes",
                "Born on 29 February: celebrates on 28 February in other years.",
            ),
        ]),
        row([
            ("first_name", "Tom"),
            ("last_name", "O'Connor"),
            ("phones", "mobile: +353 87 555 0123"),
            ("emails", "home: tom.oconnor@mail.example"),
            ("birthday", "1989-04-17"),
            ("groups", "Friends"),
        ]),
        row([
            ("first_name", "Наталья"),
            ("last_name", "Соколова"),
            ("phones", "mobile: +7 916 555-44-33"),
            ("emails", "home: n.sokolova@mail.example"),
            ("birthday", &birthday(t, -3, None)),
            ("groups", "Friends"),
        ]),
        row([
            ("first_name", "سارا"),
            ("last_name", "کریمی"),
            ("phones", "mobile: ۰۹۱۲ ۵۵۵ ۷۷۸۸"),
            ("emails", "home: sara.karimi@mail.example"),
            ("birthday", "--03-21"),
            ("groups", "Friends"),
            ("notes", "تولدش روز اول نوروز است."),
        ]),
        row([
            ("first_name", "Yuki"),
            ("last_name", "Tanaka"),
            ("emails", "home: yuki.tanaka@mail.example"),
            ("urls", "https://yuki-photos.example"),
            ("birthday", "1992-12-03"),
            ("groups", "Friends"),
        ]),
        row([
            ("first_name", "Priya"),
            ("last_name", "Sharma"),
            ("phones", "mobile: +44 7700 900123"),
            ("birthday", &birthday(t, 9, None)),
            ("groups", "Friends"),
        ]),
        row([
            ("first_name", "An"),
            ("middle_name", "Văn"),
            ("last_name", "Nguyễn"),
            ("phones", "mobile: +84 90 555 1234"),
            ("groups", "Friends"),
        ]),
        // Family
        row([
            ("first_name", "Дмитрий"),
            ("last_name", "Волков"),
            ("nickname", "Дима"),
            ("phones", "mobile: +7 903 555-22-11; home: +7 495 555-00-11"),
            ("addresses", "home: ул. Тверская, д. 7, кв. 45, Москва, 125009, Россия"),
            ("birthday", "1982-01-15"),
            ("groups", "Family"),
        ]),
        row([
            ("first_name", "Maria"),
            ("last_name", "García"),
            ("nickname", "Aunt Maria"),
            ("phones", "home: +34 91 555 2244"),
            ("addresses", "home: Calle de Alcalá 48, 28014 Madrid, Spain"),
            ("birthday", "1958-05-08"),
            ("groups", "Family"),
        ]),
        row([
            ("first_name", "Lukas"),
            ("last_name", "Becker"),
            ("phones", "mobile: +49 160 555 7788"),
            ("emails", "home: lukas.becker@mail.example"),
            ("birthday", &birthday(t, 0, Some(1995))),
            ("groups", "Family"),
        ]),
        row([
            ("first_name", "رضا"),
            ("last_name", "محمدی"),
            ("phones", "home: +۹۸ ۲۱ ۲۲۳۳ ۴۴۵۵"),
            ("birthday", "--08-14"),
            ("groups", "Family"),
        ]),
        // Work, no organization
        row([
            ("first_name", "Sofia"),
            ("last_name", "Rossi"),
            ("job_title", "Freelance translator (IT, DE, EN)"),
            ("phones", "mobile: +39 347 555 0101"),
            ("emails", "work: sofia@rossi-translations.example"),
            ("groups", "Work, Friends"),
        ]),
        row([
            ("first_name", "David"),
            ("last_name", "Cohen"),
            ("job_title", "Tax advisor"),
            ("phones", "work: +1 (212) 555-0175"),
            ("emails", "work: d.cohen@cohen-tax.example"),
            ("groups", "Work"),
        ]),
        row([
            ("first_name", "Ирина"),
            ("last_name", "Попова"),
            ("job_title", "Юрист"),
            ("phones", "work: +7 812 555-31-31"),
            ("emails", "work: popova@law.example"),
            ("groups", "Work"),
        ]),
    ];
    let contact_ids = insert(vault, "contacts", &contacts)?;
    let contact = |first_name: &str| {
        let i = contacts
            .iter()
            .position(|r| r.iter().any(|(k, v)| *k == "first_name" && v == first_name));
        rel(i.and_then(|i| contact_ids[i]))
    };

    // ---- Tasks -------------------------------------------------------------------------------
    let tasks = vec![
        row([
            ("title", "Send the revised quote to Brückner & Hahn"),
            ("due", &at(t, -2, "17:00")),
            ("priority", "High"),
            ("status", "Open"),
            ("assignee", "Mark Lewis"),
            ("record", &contact("Anna")),
            ("notes", "Include the second design option and the new hourly rates."),
        ]),
        row([
            ("title", "Сверить акты с бухгалтерией «Северного ветра»"),
            ("due", &at(t, -1, "12:00")),
            ("priority", "Normal"),
            ("status", "In progress"),
            ("assignee", "Olga Petrova"),
            ("record", &contact("Ольга")),
        ]),
        row([
            ("title", "Review the logo drafts"),
            ("due", &at(t, 1, "11:00")),
            ("priority", "High"),
            ("status", "Open"),
            ("record", &contact("مریم")),
        ]),
        row([
            ("title", "Order flowers for Priya's birthday"),
            ("due", &at(t, 7, "18:00")),
            ("priority", "Low"),
            ("status", "Open"),
            ("record", &contact("Priya")),
        ]),
        row([
            ("title", "Prepare the contract renewal"),
            ("due", &at(t, 10, "09:00")),
            ("priority", "High"),
            ("status", "Open"),
            ("assignee", "Mark Lewis"),
            ("record", &brueckner),
        ]),
        row([
            ("title", "Pay the electricity bill"),
            ("due", &at(t, -6, "20:00")),
            ("priority", "Low"),
            ("status", "Done"),
        ]),
    ];

    // ---- Notes -------------------------------------------------------------------------------
    let notes = vec![
        row([
            ("title", "Welcome to Cardbase"),
            (
                "text",
                "These records are a demo: contacts, organizations, tasks, notes, links and events.\n\
                 Try the quick search (it finds Пётр as \"петр\" and علی as \"علي\"), open an \
                 organization to see its contact persons, or delete everything and start your own.",
            ),
            ("tags", "Demo"),
        ]),
        row([
            ("title", "Переговоры с «Северным ветром»"),
            (
                "text",
                "Договорились о поставках раз в месяц.\n\
                 Скидка 5% при предоплате. Следующая встреча — после сверки актов.",
            ),
            ("tags", "Work"),
            ("record", &veter),
        ]),
        row([
            ("title", "Gift ideas"),
            (
                "text",
                "- Lukas: a board game\n- Priya: tulips and a cookbook\n- Anna: concert tickets",
            ),
            ("tags", "Personal"),
        ]),
        row([
            ("title", "Maple pecan scones"),
            (
                "text",
                "2 cups flour, 1/2 cup cold butter, 1/3 cup maple syrup, 1/2 cup pecans, 1/2 cup cream.\n\
                 Bake 18 minutes at 200 °C. Émilie's recipe.",
            ),
            ("tags", "Recipes"),
            ("record", &contact("Émilie")),
        ]),
        row([
            ("title", "ایده\u{200c}های لوگو"),
            ("text", "رنگ\u{200c}های گرم، خط نستعلیق، نسخهٔ ساده برای آیکون."),
            ("tags", "Design"),
            ("record", &naqsh),
        ]),
    ];

    // ---- Links -------------------------------------------------------------------------------
    let links = vec![
        row([
            ("title", "Online banking"),
            ("url", "https://bank.example"),
            ("login", "demo.user"),
            ("password", "demo-Pa55word!"),
            ("tags", "Finance"),
            (
                "notes",
                "The password is kept in a secret field, which quick search never indexes.",
            ),
        ]),
        row([
            ("title", "Brückner & Hahn supplier portal"),
            ("url", "https://portal.brueckner-hahn.example"),
            ("login", "mark.lewis"),
            ("tags", "Work"),
        ]),
        row([
            ("title", "OpenStreetMap"),
            ("url", "https://www.openstreetmap.org"),
            ("tags", "Maps"),
        ]),
        row([
            ("title", "Time zone converter"),
            ("url", "https://www.timeanddate.com/worldclock/converter.html"),
            ("tags", "Tools, Work"),
            (
                "notes",
                "Toronto and Tehran are 8.5 hours apart; Berlin sits in between.",
            ),
        ]),
        row([
            ("title", "Wikipedia"),
            ("url", "https://www.wikipedia.org"),
            ("tags", "Reading"),
        ]),
    ];

    // ---- Events ------------------------------------------------------------------------------
    let events = vec![
        row([
            ("type", "Call"),
            ("title", "Kick-off for the spring catalogue"),
            ("planned", &at(t, -3, "11:00")),
            ("duration_minutes", "30"),
            ("status", "Done"),
            ("result", "Agreed"),
            ("assignee", "Mark Lewis"),
            ("record", &contact("Anna")),
            ("notes", "Scope agreed; first draft due within two weeks."),
        ]),
        row([
            ("type", "Call"),
            ("title", "Уточнить сроки поставки"),
            ("planned", &at(t, -1, "15:30")),
            ("duration_minutes", "15"),
            ("status", "Done"),
            ("result", "No answer"),
            ("assignee", "Olga Petrova"),
            ("record", &contact("Алексей")),
            ("notes", "Не дозвонились, перезвонить завтра."),
        ]),
        row([
            ("type", "Call"),
            ("title", "Quarterly check-in"),
            ("planned", &at(t, -10, "16:00")),
            ("duration_minutes", "20"),
            ("status", "Done"),
            ("result", "Postponed"),
            ("record", &contact("Пётр")),
        ]),
        row([
            ("type", "Meeting"),
            ("title", "Logo design review"),
            ("planned", &at(t, 0, "15:00")),
            ("duration_minutes", "60"),
            ("remind_minutes_before", "30"),
            ("status", "Planned"),
            ("assignee", "Olga Petrova"),
            ("record", &contact("علی")),
        ]),
        row([
            ("type", "Call"),
            ("title", "Follow up on the overdue invoice"),
            ("planned", &at(t, 1, "10:00")),
            ("duration_minutes", "15"),
            ("remind_minutes_before", "15"),
            ("status", "Planned"),
            ("record", &contact("Ольга")),
        ]),
        row([
            ("type", "Letter"),
            ("title", "Thanks for the tasting"),
            ("planned", &at(t, 2, "09:00")),
            ("status", "Planned"),
            ("record", &contact("Émilie")),
        ]),
        row([
            ("type", "Visit"),
            ("title", "Maple Crumb's new shop"),
            ("planned", &at(t, 4, "09:30")),
            ("duration_minutes", "90"),
            ("remind_minutes_before", "60"),
            ("status", "Planned"),
            ("record", &maple),
        ]),
        row([
            ("type", "Meeting"),
            ("title", "Contract renewal"),
            ("planned", &at(t, 8, "14:00")),
            ("duration_minutes", "60"),
            ("remind_minutes_before", "60"),
            ("status", "Planned"),
            ("assignee", "Mark Lewis"),
            ("record", &brueckner),
        ]),
    ];

    let mut created = orgs.iter().chain(&contact_ids).flatten().count();
    for (section, rows) in [
        ("tasks", &tasks),
        ("notes", &notes),
        ("links", &links),
        ("events", &events),
    ] {
        created += insert(vault, section, rows)?.into_iter().flatten().count();
    }
    Ok(DemoSummary { records: created })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::Item;
    use crate::{Passphrase, Preset, Query, Record, Value};
    use chrono::Local;

    const SECTIONS: [(&str, usize); 6] = [
        ("organizations", 4),
        ("contacts", 24),
        ("tasks", 6),
        ("notes", 5),
        ("links", 5),
        ("events", 8),
    ];

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn demo_vault(preset: Preset, today: NaiveDate) -> (tempfile::TempDir, Vault, DemoSummary) {
        let dir = tempfile::tempdir().unwrap();
        let mut vault = Vault::create(&dir.path().join("demo.cardbase"), &Passphrase::new("p"), preset).unwrap();
        let summary = load_demo(&mut vault, today).unwrap();
        (dir, vault, summary)
    }

    fn all(vault: &Vault, section: &str) -> Vec<Record> {
        vault.list(&Query::section(section)).unwrap().records
    }

    fn search(vault: &Vault, section: &str, q: &str) -> Vec<String> {
        let found = vault.list(&Query::section(section).search(q)).unwrap();
        found.records.iter().map(|r| vault.title(r)).collect()
    }

    fn text<'a>(r: &'a Record, key: &str) -> Option<&'a str> {
        match r.get(key) {
            Some(Value::Text(s)) => Some(s),
            _ => None,
        }
    }

    /// Days from `today` to the next time this birthday is celebrated (29 February on 28
    /// February in other years).
    fn days_to_birthday(today: NaiveDate, month: u32, day: u32) -> i64 {
        [today.year(), today.year() + 1]
            .into_iter()
            .map(|y| NaiveDate::from_ymd_opt(y, month, day).unwrap_or_else(|| ymd(y, 2, 28)))
            .find(|d| *d >= today)
            .map(|d| (d - today).num_days())
            .unwrap()
    }

    fn local_date(v: Option<&Value>) -> NaiveDate {
        match v {
            Some(Value::DateTime(t)) => t.with_timezone(&Local).date_naive(),
            other => panic!("not a date and time: {other:?}"),
        }
    }

    fn check(preset: Preset, today: NaiveDate) {
        let (_dir, vault, summary) = demo_vault(preset, today);

        // Counts per section.
        for (section, n) in SECTIONS {
            assert_eq!(vault.count(section).unwrap(), n, "{preset:?}: {section}");
        }
        assert_eq!(summary.records, SECTIONS.iter().map(|(_, n)| n).sum::<usize>());

        // Search in several scripts: ё/е and Arabic/Persian letters fold; digits of any script.
        assert_eq!(search(&vault, "contacts", "петр"), ["Пётр Иванов"]);
        assert_eq!(search(&vault, "contacts", "Смирнова"), ["Ольга Смирнова"]);
        assert_eq!(search(&vault, "contacts", "مریم"), ["مریم احمدی"]);
        assert_eq!(
            search(&vault, "contacts", "علي"),
            ["علی رضایی"],
            "Arabic yeh finds Persian yeh"
        );
        assert_eq!(search(&vault, "contacts", "912 345"), ["علی رضایی"], "Persian digits");
        assert_eq!(search(&vault, "contacts", "emilie"), ["Émilie Tremblay"]);
        assert_eq!(search(&vault, "organizations", "ветер"), ["ООО «Северный ветер»"]);
        assert_eq!(search(&vault, "organizations", "نقش"), ["استودیو نقش"]);
        assert!(
            search(&vault, "links", "Pa55word").is_empty(),
            "secrets are not indexed"
        );

        // Phones keep their kinds, Persian digits included.
        let ali = &vault.list(&Query::section("contacts").search("رضایی")).unwrap().records[0];
        assert_eq!(
            ali.get("phones"),
            Some(&Value::Items(vec![
                Item {
                    kind: "mobile".into(),
                    value: "+۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹".into()
                },
                Item {
                    kind: "work".into(),
                    value: "+۹۸ ۲۱ ۸۸۷۷ ۶۶۵۵".into()
                },
            ]))
        );

        // An organization lists its contact persons; a contact points to its organization.
        let veter = vault
            .list(&Query::section("organizations").search("Северный"))
            .unwrap()
            .records[0]
            .id;
        let (incoming, outgoing) = vault.related(veter).unwrap();
        let mut persons: Vec<&str> = incoming
            .iter()
            .filter(|r| r.section == "contacts" && r.field == "organization")
            .map(|r| r.title.as_str())
            .collect();
        persons.sort();
        assert_eq!(persons, ["Алексей Кузнецов", "Ольга Смирнова", "Пётр Иванов"]);
        assert!(incoming.iter().any(|r| r.section == "notes"), "{incoming:?}");
        assert!(outgoing.is_empty());
        let anna = vault
            .list(&Query::section("contacts").search("Schneider"))
            .unwrap()
            .records[0]
            .id;
        let (_, outgoing) = vault.related(anna).unwrap();
        assert_eq!(outgoing.len(), 1);
        assert_eq!(outgoing[0].title, "Brückner & Hahn Ingenieure GmbH");
        let contacts = all(&vault, "contacts");
        let with_org = contacts.iter().filter(|r| r.get("organization").is_some()).count();
        assert_eq!(with_org, 10);

        // Birthdays: with and without a year, one on 29 February, several in the next 14 days.
        let birthdays: Vec<(Option<i32>, u32, u32)> = contacts
            .iter()
            .filter_map(|r| match r.get("birthday") {
                Some(Value::PartialDate { year, month, day }) => Some((*year, *month, *day)),
                _ => None,
            })
            .collect();
        assert!(birthdays.contains(&(None, 2, 29)));
        assert!(birthdays.iter().any(|(y, _, _)| y.is_none()));
        assert!(birthdays.iter().any(|(y, _, _)| y.is_some()));
        let soon = birthdays
            .iter()
            .filter(|(_, m, d)| days_to_birthday(today, *m, *d) <= 14)
            .count();
        assert!(
            soon >= 5,
            "{preset:?} {today}: only {soon} birthdays soon in {birthdays:?}"
        );
        assert!(birthdays.iter().any(|(_, m, d)| days_to_birthday(today, *m, *d) == 0));

        // Tasks: some overdue, some due soon; all but one point to a record.
        let tasks = all(&vault, "tasks");
        let open = |r: &&Record| text(r, "status") != Some("Done");
        assert!(tasks.iter().filter(open).any(|r| local_date(r.get("due")) < today));
        assert!(tasks.iter().filter(open).any(|r| local_date(r.get("due")) > today));
        assert_eq!(tasks.iter().filter(|r| r.get("record").is_some()).count(), 5);
        assert!(tasks.iter().any(|r| text(r, "priority") == Some("High")));

        // Events: one today, one in the past done with a result; every one points to a record.
        let events = all(&vault, "events");
        assert!(events.iter().any(|r| local_date(r.get("planned")) == today));
        assert!(events.iter().any(|r| {
            local_date(r.get("planned")) < today && text(r, "status") == Some("Done") && r.get("result").is_some()
        }));
        assert!(events.iter().all(|r| r.get("record").is_some()));

        // Links: one keeps a password.
        let links = all(&vault, "links");
        assert_eq!(links.iter().filter(|r| r.get("password").is_some()).count(), 1);

        // Organizations: client-base fields only where the preset has them.
        let orgs = all(&vault, "organizations");
        match preset {
            Preset::Personal => {
                assert!(
                    orgs.iter()
                        .all(|r| r.get("status").is_none() && r.get("debt").is_none())
                );
            }
            Preset::ClientBase => {
                let ending = orgs
                    .iter()
                    .filter_map(|r| match r.get("contract_end") {
                        Some(Value::Date(d)) => Some((*d - today).num_days()),
                        _ => None,
                    })
                    .filter(|days| (0..=30).contains(days))
                    .count();
                assert_eq!(ending, 1);
                let currencies: Vec<&str> = orgs
                    .iter()
                    .filter_map(|r| match r.get("debt") {
                        Some(Value::Money { currency, .. }) => Some(currency.as_str()),
                        _ => None,
                    })
                    .collect();
                assert_eq!(currencies, ["EUR", "RUB", "USD"]);
                assert!(
                    orgs.iter()
                        .all(|r| r.get("status").is_some() && r.get("city").is_some())
                );
                assert_eq!(
                    orgs[0].get("deal_amount"),
                    Some(&Value::Money {
                        cents: 4_850_000,
                        currency: "EUR".into()
                    })
                );
            }
        }
    }

    #[test]
    fn demo_loads_into_the_personal_preset() {
        check(Preset::Personal, ymd(2025, 3, 10));
    }

    #[test]
    fn demo_loads_into_the_client_base_preset() {
        check(Preset::ClientBase, ymd(2025, 3, 10));
    }

    #[test]
    fn demo_dates_follow_today_across_year_ends_and_leap_days() {
        // A birthday 2 days after 27 February 2024 is 29 February; 12 days after 25 December
        // falls in the next year.
        check(Preset::ClientBase, ymd(2024, 2, 27));
        check(Preset::Personal, ymd(2025, 12, 25));
    }

    #[test]
    fn demo_is_the_same_for_the_same_day() {
        let today = ymd(2025, 6, 1);
        let (_a, a, _) = demo_vault(Preset::ClientBase, today);
        let (_b, b, _) = demo_vault(Preset::ClientBase, today);
        for (section, _) in SECTIONS {
            let values = |v: &Vault| -> Vec<_> { all(v, section).into_iter().map(|r| (r.id, r.values)).collect() };
            assert_eq!(values(&a), values(&b), "{section}");
        }
    }

    #[test]
    fn birthdays_land_on_the_asked_day() {
        let today = ymd(2024, 2, 27);
        assert_eq!(birthday(today, 2, Some(1986)), "1988-02-29");
        assert_eq!(birthday(today, 2, None), "--02-29");
        assert_eq!(birthday(today, 3, Some(1986)), "1986-03-01");
        assert_eq!(birthday(ymd(2025, 12, 25), 12, None), "--01-06");
        assert_eq!(at(today, -1, "09:30"), "2024-02-26 09:30");
        // Never panics at the ends of the calendar.
        assert_eq!(day(NaiveDate::MAX, 1), NaiveDate::MAX);
    }
}
