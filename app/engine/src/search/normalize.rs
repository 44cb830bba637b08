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
}
