//! Quick search: text is normalized in Rust (case, compatibility forms, ё/е, Arabic/Persian
//! letters and digits) before it reaches SQLite's FTS5 index, and queries are normalized the
//! same way, so `пётр` finds `Петр` and `علي` finds `علی`. Phone fragments are matched as
//! digit substrings through a trigram index, so `555-12` finds `+1 (905) 555-1234`.

mod normalize;

pub use normalize::{digits, fold};

/// Builds an FTS5 query matching every word of `query` as a prefix. `None` if the query has no
/// words. Every word is quoted, so FTS5 syntax characters in user input are plain text.
///
/// ```
/// assert_eq!(cardbase_engine::search::text_query("Пётр  ив").as_deref(), Some("\"петр\"* \"ив\"*"));
/// ```
pub fn text_query(query: &str) -> Option<String> {
    let folded = fold(query);
    let words: Vec<String> = folded
        .split(|c: char| !(c.is_alphanumeric() || is_mark(c)))
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// Builds a trigram query for a phone-number fragment: `Some` when the query is made of digits
/// (at least three) and phone punctuation only.
///
/// ```
/// assert_eq!(cardbase_engine::search::phone_query("555-12").as_deref(), Some("\"55512\""));
/// assert_eq!(cardbase_engine::search::phone_query("Ivan"), None);
/// ```
pub fn phone_query(query: &str) -> Option<String> {
    let q = fold(query);
    let phoneish = q.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    let d = digits(&q);
    (phoneish && d.len() >= 3).then(|| format!("\"{d}\""))
}

fn is_mark(c: char) -> bool {
    // Combining marks that FTS5's unicode61 keeps inside words (Indic vowel signs and the like).
    matches!(c as u32, 0x0300..=0x036F | 0x0900..=0x0DFF | 0x1AB0..=0x1AFF | 0x20D0..=0x20FF)
}
