use unicode_normalization::UnicodeNormalization;

/// Folds text for search: NFKC, lower case, `ё` to `е`, Arabic `ي`/`ك` to Persian `ی`/`ک`,
/// Persian and Arabic-Indic digits to ASCII, Arabic vowel marks and tatweel removed, and the
/// zero-width non-joiner to a space (so both halves of a Persian compound are words).
///
/// ```
/// use cardbase_engine::search::fold;
/// assert_eq!(fold("Пётр"), fold("петр"));
/// assert_eq!(fold("علي"), fold("علی"));
/// assert_eq!(fold("۰۹۱۲"), "0912");
/// ```
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkc().flat_map(char::to_lowercase) {
        let mapped = match c {
            'ё' => 'е',
            'ي' | 'ى' | 'ئ' => 'ی',
            'ك' => 'ک',
            'ة' => 'ه',
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            '\u{200c}' | '\u{200d}' => ' ',
            // Harakat, superscript alef and tatweel carry no meaning for search.
            '\u{064b}'..='\u{065f}' | '\u{0670}' | '\u{0640}' => continue,
            c => c,
        };
        out.push(mapped);
    }
    out
}

/// The Latin spelling of folded Cyrillic text, so that `petr` finds `Пётр` and `Иванов`
/// finds `Ivanov`: the common passport-style transliteration (`ж` zh, `х` kh, `ц` ts, `ч`
/// ch, `ш` sh, `щ` shch, `ю` yu, `я` ya, `й` and `ы` y, soft and hard signs dropped).
/// `None` when the text has no Cyrillic letter (nothing to add to the index).
///
/// ```
/// use cardbase_engine::search::{fold, latin};
/// assert_eq!(latin(&fold("Пётр Щукин")).as_deref(), Some("petr shchukin"));
/// assert_eq!(latin("john"), None);
/// ```
pub fn latin(folded: &str) -> Option<String> {
    if !folded.chars().any(|c| matches!(c, '\u{0400}'..='\u{04ff}')) {
        return None;
    }
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        let l = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' | 'є' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' | 'і' => "i",
            'ї' => "yi",
            'й' | 'ы' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' | 'ў' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ю' => "yu",
            'я' => "ya",
            'ґ' => "g",
            c => {
                out.push(c);
                continue;
            }
        };
        out.push_str(l);
    }
    Some(out)
}

/// The ASCII digits of `text` (after folding Persian and Arabic digits), in order.
///
/// ```
/// assert_eq!(cardbase_engine::search::digits("+1 (905) 555-1234"), "19055551234");
/// ```
pub fn digits(text: &str) -> String {
    fold(text).chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_unifies_case_yo_and_persian_letters() {
        assert_eq!(fold("ПЁТР"), "петр");
        assert_eq!(fold("كريم"), "کریم");
        assert_eq!(fold("مي\u{200c}خواهم"), "می خواهم");
        assert_eq!(fold("ﬁle"), "file");
        assert_eq!(fold("مُحَمَّد"), "محمد");
    }

    #[test]
    fn cyrillic_gets_a_latin_spelling_and_other_scripts_none() {
        let cases = [
            ("Пётр Иванов", "petr ivanov"),
            ("Юлия Хмельницкая", "yuliya khmelnitskaya"),
            ("ООО «Северный ветер»", "ooo «severnyy veter»"),
            ("Объект 7", "obekt 7"),
        ];
        for (text, want) in cases {
            assert_eq!(latin(&fold(text)).as_deref(), Some(want), "{text}");
        }
        assert_eq!(latin(&fold("علی")), None);
        assert_eq!(latin("émilie"), None);
    }
}
