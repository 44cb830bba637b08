//! Text shown in the UI: right-to-left display and passphrase hints.

use unicode_bidi::BidiInfo;

/// Whether text reads right to left (its first strong character is Arabic, Hebrew...).
pub fn is_rtl(text: &str) -> bool {
    unicode_bidi::get_base_direction(text) == unicode_bidi::Direction::Rtl
}

/// Text as Slint 1.18 should be given it to show right-to-left words in the right order.
///
/// Slint shapes each right-to-left word correctly but lays a line's words out left to right
/// (slint#2294, #7267), so "علی رضایی" would show its words swapped. We reorder the words of
/// each right-to-left run ourselves (the Unicode bidi algorithm decides the runs) and leave
/// the letters of each word in logical order for Slint's shaper.
pub fn bidi_display(text: &str) -> String {
    if !text
        .chars()
        .any(|c| matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF))
    {
        return text.to_string();
    }
    text.lines().map(display_line).collect::<Vec<_>>().join("\n")
}

fn display_line(line: &str) -> String {
    let info = BidiInfo::new(line, None);
    let Some(para) = info.paragraphs.first() else {
        return line.to_string();
    };
    let (levels, runs) = info.visual_runs(para, para.range.clone());
    let mut out = String::with_capacity(line.len());
    for run in runs {
        let part = &line[run.clone()];
        if levels[run.start].is_rtl() {
            let words: Vec<&str> = part.split(' ').collect();
            out.push_str(&words.into_iter().rev().collect::<Vec<_>>().join(" "));
        } else {
            out.push_str(part);
        }
    }
    out
}

/// A short hint on how strong a new passphrase is.
pub fn passphrase_strength(p: &str) -> &'static str {
    if p.is_empty() {
        return "";
    }
    let classes = [
        p.chars().any(|c| c.is_lowercase()),
        p.chars().any(|c| c.is_uppercase()),
        p.chars().any(|c| c.is_numeric()),
        p.chars().any(|c| !c.is_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    let words = p.split_whitespace().count();
    let len = p.chars().count();
    match (len, classes, words) {
        (l, _, w) if l >= 20 && w >= 4 => "Very strong: a long passphrase of several words",
        (l, c, _) if l >= 16 && c >= 2 => "Strong",
        (l, c, _) if l >= 12 && c >= 2 => "Fair: longer is stronger (try four random words)",
        _ => "Weak: use at least 12 characters, or four random words",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persian_words_are_reordered_for_display_and_latin_is_untouched() {
        assert_eq!(bidi_display("Ada Lovelace"), "Ada Lovelace");
        assert_eq!(bidi_display("علی رضایی"), "رضایی علی");
        assert!(is_rtl("علی رضایی") && !is_rtl("Ada"));
    }

    #[test]
    fn passphrase_hints_grow_with_length() {
        assert!(passphrase_strength("abc").starts_with("Weak"));
        assert!(passphrase_strength("correct horse battery staple").starts_with("Very strong"));
    }
}
