//! Which column of a file goes to which field: matched by the header's name, the field's key
//! or label, or a synonym in English or Russian ("Телефон", "E-mail", "Фамилия", Google's
//! "Phone 1 - Value"), and remembered per file layout so the next import needs no clicks.

use crate::schema::Section;
use crate::search::fold;

/// Names people give columns, per field key (folded, compared without punctuation).
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "first_name",
        &[
            "first name",
            "firstname",
            "given name",
            "name first",
            "forename",
            "имя",
            "نام",
        ],
    ),
    (
        "last_name",
        &[
            "last name",
            "lastname",
            "surname",
            "family name",
            "name last",
            "фамилия",
            "نام خانوادگی",
        ],
    ),
    (
        "middle_name",
        &["middle name", "additional name", "patronymic", "отчество"],
    ),
    ("nickname", &["nickname", "nick", "псевдоним", "прозвище"]),
    (
        "organization",
        &[
            "company",
            "organization",
            "organization name",
            "organisation name",
            "company name",
            "organisation",
            "employer",
            "компания",
            "организация",
            "фирма",
            "شرکت",
        ],
    ),
    (
        "job_title",
        &[
            "job title",
            "organization title",
            "title",
            "position",
            "role",
            "должность",
            "سمت",
        ],
    ),
    (
        "phones",
        &[
            "phone",
            "phones",
            "telephone",
            "tel",
            "mobile",
            "cell",
            "телефон",
            "тел",
            "моб",
            "мобильный",
            "تلفن",
            "موبایل",
        ],
    ),
    (
        "emails",
        &[
            "email",
            "e mail",
            "emails",
            "mail",
            "почта",
            "эл почта",
            "электронная почта",
            "ایمیل",
        ],
    ),
    (
        "urls",
        &["website", "web site", "web", "url", "homepage", "сайт", "вебсайт"],
    ),
    (
        "addresses",
        &["address", "addresses", "street", "адрес", "نشانی", "آدرس"],
    ),
    (
        "birthday",
        &[
            "birthday",
            "birth date",
            "date of birth",
            "dob",
            "дата рождения",
            "день рождения",
            "تولد",
        ],
    ),
    (
        "groups",
        &[
            "groups",
            "group",
            "labels",
            "tags",
            "category",
            "группа",
            "группы",
            "категория",
        ],
    ),
    (
        "notes",
        &[
            "notes",
            "note",
            "comment",
            "comments",
            "remarks",
            "примечание",
            "примечания",
            "заметки",
            "комментарий",
            "یادداشت",
        ],
    ),
    (
        "name",
        &[
            "name",
            "company name",
            "client",
            "customer",
            "название",
            "наименование",
            "клиент",
            "نام شرکت",
        ],
    ),
    ("city", &["city", "town", "город", "شهر"]),
    (
        "manager",
        &["manager", "account manager", "owner", "менеджер", "ответственный"],
    ),
    ("status", &["status", "stage", "статус", "стадия"]),
    (
        "deal_amount",
        &["amount", "deal", "deal amount", "deal value", "сумма", "сумма сделки"],
    ),
    ("debt", &["debt", "balance due", "долг", "задолженность"]),
    (
        "contract_start",
        &["contract start", "start date", "начало договора", "дата договора"],
    ),
    (
        "contract_end",
        &[
            "contract end",
            "end date",
            "expiry",
            "окончание договора",
            "срок договора",
        ],
    ),
    ("inn", &["inn", "tax id", "vat", "vat number", "инн"]),
];

/// A header or name reduced for comparing: folded, only letters and digits, single spaces.
fn simplify(s: &str) -> String {
    let folded = fold(s);
    let mut out = String::new();
    for word in folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether a column only describes another instead of holding a fact of its own: the kind
/// beside a value ("Phone 1 - Type", "E-mail 2 - Label", Outlook's German "E-Mail-Typ"), and
/// Outlook's e-mail type ("SMTP") and display name (the address again, with the name).
///
/// ```
/// use cardbase_engine::import::mapping::is_companion;
/// assert!(is_companion("Phone 1 - Type") && is_companion("E-mail Display Name"));
/// assert!(!is_companion("Type") && !is_companion("Display Name"));
/// ```
pub fn is_companion(header: &str) -> bool {
    let simple = simplify(header);
    let words: Vec<&str> = simple.split(' ').filter(|w| !w.is_empty()).collect();
    let last = words.last().copied().unwrap_or("");
    let mail = words.iter().any(|w| matches!(*w, "mail" | "email"));
    (words.len() > 1 && matches!(last, "type" | "label" | "typ"))
        || (mail && words.windows(2).any(|w| w == ["display", "name"]))
        || (mail && last == "anzeigename")
}

/// Google and Outlook number repeated columns: "Phone 1 - Value", "E-mail 2 - Type".
fn strip_numbering(simple: &str) -> String {
    simple
        .split(' ')
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()) && *w != "value")
        .collect::<Vec<_>>()
        .join(" ")
}

/// The field a column goes to by its header, if any.
pub fn match_header(section: &Section, header: &str) -> Option<String> {
    let simple = simplify(header);
    if simple.is_empty() || is_companion(header) {
        return None;
    }
    let stripped = strip_numbering(&simple);
    let candidates = [simple.as_str(), stripped.as_str()];
    let visible: Vec<_> = section.visible_fields().collect();
    // The field's own key or label first: they are what the user named.
    for c in candidates {
        if let Some(f) = visible
            .iter()
            .find(|f| simplify(&f.key) == c || simplify(&f.label) == c)
        {
            return Some(f.key.clone());
        }
    }
    for c in candidates {
        for (key, names) in SYNONYMS {
            if names.iter().any(|n| simplify(n) == c) && visible.iter().any(|f| f.key == *key) {
                return Some((*key).to_string());
            }
        }
    }
    // A header that starts with a synonym: "Mobile Phone", "Home Address", "E-mail Address".
    for (key, names) in SYNONYMS {
        let hit = names.iter().map(|n| simplify(n)).any(|n| {
            n.len() >= 3
                && stripped.split(' ').any(|w| w == n)
                && matches!(*key, "phones" | "emails" | "addresses" | "urls")
        });
        if hit && visible.iter().any(|f| f.key == *key) {
            return Some((*key).to_string());
        }
    }
    None
}

/// The layout key under which a file's mapping is remembered: its folded header row.
pub fn layout_key(headers: &[String]) -> String {
    let joined: Vec<String> = headers.iter().map(|h| simplify(h)).collect();
    // A short, stable digest (FNV-1a) keeps the settings key small.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in joined.join("\u{1f}").bytes() {
        hash ^= b as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Passphrase, Preset, Vault};

    #[test]
    fn headers_match_keys_labels_and_synonyms_in_english_and_russian() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::create(&dir.path().join("v"), &Passphrase::new("p"), Preset::ClientBase).unwrap();
        let contacts = vault.schema().section("contacts").unwrap();
        let cases = [
            ("Фамилия", Some("last_name")),
            ("Имя", Some("first_name")),
            ("Телефон", Some("phones")),
            ("E-mail", Some("emails")),
            ("Phone 1 - Value", Some("phones")),
            ("Phone 1 - Type", None),
            ("Given Name", Some("first_name")),
            ("Mobile Phone", Some("phones")),
            ("Job title", Some("job_title")),
            ("first_name", Some("first_name")),
            ("Колонка 7", None),
        ];
        for (header, want) in cases {
            assert_eq!(match_header(contacts, header).as_deref(), want, "{header}");
        }
        let clients = vault.schema().section("organizations").unwrap();
        assert_eq!(match_header(clients, "Город").as_deref(), Some("city"));
        assert_eq!(match_header(clients, "ИНН").as_deref(), Some("inn"));
    }

    #[test]
    fn kinds_and_outlook_display_names_are_not_columns_of_their_own() {
        for h in [
            "Phone 1 - Type",
            "E-mail 2 - Label",
            "E-mail Display Name",
            "E-mail 2 Type",
            "E-Mail-Anzeigename",
        ] {
            assert!(is_companion(h), "{h}");
        }
        for h in ["Country", "Group Membership", "Customer ID", "Display Name"] {
            assert!(!is_companion(h), "{h}");
        }
    }

    #[test]
    fn the_same_layout_gets_the_same_key_whatever_the_case() {
        let a = layout_key(&["Имя".into(), "E-mail".into()]);
        assert_eq!(a, layout_key(&["ИМЯ".into(), "e-mail".into()]));
        assert_ne!(a, layout_key(&["E-mail".into(), "Имя".into()]));
    }
}
