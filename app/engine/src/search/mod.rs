//! Quick search: text is normalized in Rust (case, compatibility forms, ё/е, Arabic/Persian
//! letters and digits) before it reaches SQLite's FTS5 index, and queries are normalized the
//! same way, so `пётр` finds `Петр` and `علي` finds `علی`. Phone fragments are matched as
//! digit substrings through a trigram index, so `555-12` finds `+1 (905) 555-1234`.
//! Cyrillic is indexed with its Latin spelling beside it, and a Cyrillic query word also
//! looks for its Latin spelling, so `petr` finds `Пётр` and `Иванов` finds `Ivanov`.

mod normalize;

pub use normalize::{digits, fold, latin};

/// Which way the search index is written; a vault indexed another way is reindexed on open.
pub(crate) const INDEX_SCHEME: &str = "2-latin";

/// The text the search index holds for a record's words: folded, and for Cyrillic words their
/// Latin spelling too.
pub(crate) fn index_text(words: &str, out: &mut String) {
    let folded = fold(words);
    out.push_str(&folded);
    out.push(' ');
    if let Some(l) = latin(&folded) {
        out.push_str(&l);
        out.push(' ');
    }
}

/// Builds an FTS5 query matching every word of `query` as a prefix (a Cyrillic word, or its
/// Latin spelling). `None` if the query has no words. Every word is quoted, so FTS5 syntax
/// characters in user input are plain text.
///
/// ```
/// use cardbase_engine::search::text_query;
/// assert_eq!(text_query("Пётр  iv").as_deref(), Some("(\"петр\"* OR \"petr\"*) AND \"iv\"*"));
/// ```
pub fn text_query(query: &str) -> Option<String> {
    let folded = fold(query);
    let quoted = |w: &str| format!("\"{}\"*", w.replace('"', "\"\""));
    let words: Vec<String> = folded
        .split(|c: char| !(c.is_alphanumeric() || is_mark(c)))
        .filter(|w| !w.is_empty())
        .map(|w| match latin(w) {
            Some(l) if !l.is_empty() && l != w => format!("({} OR {})", quoted(w), quoted(&l)),
            _ => quoted(w),
        })
        .collect();
    (!words.is_empty()).then(|| words.join(" AND "))
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

#[cfg(test)]
mod tests {
    use crate::{Passphrase, Preset, Query, Vault};

    fn found(v: &Vault, q: &str) -> usize {
        v.list(&Query::section("contacts").search(q)).unwrap().total
    }

    #[test]
    fn latin_finds_cyrillic_and_cyrillic_finds_latin_also_in_a_vault_indexed_before() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v");
        let mut v = Vault::create(&path, &Passphrase::new("p"), Preset::Personal).unwrap();
        v.create_record_from_text("contacts", &[("first_name", "Пётр"), ("last_name", "Щукин")])
            .unwrap();
        v.create_record_from_text("contacts", &[("first_name", "Olga"), ("last_name", "Ivanova")])
            .unwrap();
        for (q, n) in [
            ("petr", 1),
            ("shchuk", 1),
            ("Петр Щук", 1),
            ("Иванова", 1),
            ("ольга", 1),
            ("pyotr", 0),
        ] {
            assert_eq!(found(&v, q), n, "{q:?}");
        }
        // A vault written before Latin spellings were indexed: its index holds only the words.
        v.conn
            .execute_batch(
                "INSERT INTO search_text(search_text) VALUES ('delete-all');
                 INSERT INTO search_text(rowid, doc) SELECT id, 'петр щукин' FROM record LIMIT 1;
                 UPDATE meta SET value = '1' WHERE key = 'search_index'",
            )
            .unwrap();
        drop(v);
        let v = Vault::open(&path, &Passphrase::new("p")).unwrap();
        assert_eq!(found(&v, "petr"), 1, "reindexed on open");
        assert_eq!(found(&v, "olga"), 1);
    }
}
