//! RFC 5545 content lines: `NAME;PARAM=x:value`, ended by CRLF, folded at 75 octets, with
//! TEXT values escaped.

/// The longest physical line, in octets, without its CRLF (RFC 5545 §3.1).
const MAX_LINE_OCTETS: usize = 75;

/// Calendar text being built, one content line at a time.
#[derive(Default)]
pub struct Lines {
    out: String,
}

impl Lines {
    /// A line whose value is already in its iCalendar form: a date, a duration, a keyword.
    /// `name` may carry parameters (`DTSTART;VALUE=DATE`).
    pub fn raw(&mut self, name: &str, value: &str) {
        let line = format!("{name}:{value}");
        fold_into(&mut self.out, &line);
    }

    /// A TEXT line: the value is escaped, and dropped with its line when it is empty.
    pub fn text(&mut self, name: &str, value: &str) {
        if !value.is_empty() {
            self.raw(name, &escape_text(value));
        }
    }

    pub fn begin(&mut self, component: &str) {
        self.raw("BEGIN", component);
    }

    pub fn end(&mut self, component: &str) {
        self.raw("END", component);
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.out.into_bytes()
    }
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newline escaped; other
/// control characters, which TEXT does not allow, dropped.
pub fn escape_text(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\n' => escaped.push_str("\\n"),
            // CRLF and a lone CR are one newline each.
            '\r' => {
                chars.next_if_eq(&'\n');
                escaped.push_str("\\n");
            }
            '\t' => escaped.push('\t'),
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// Appends `line` with its CRLF, folded so that no physical line is longer than 75 octets: a
/// fold is CRLF and a space, and never falls inside a UTF-8 character.
fn fold_into(out: &mut String, line: &str) {
    let mut octets = 0;
    for c in line.chars() {
        if octets + c.len_utf8() > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            octets = 1;
        }
        out.push(c);
        octets += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(line: &str) -> String {
        let mut out = String::new();
        fold_into(&mut out, line);
        out
    }

    #[test]
    fn a_line_of_75_octets_is_not_folded() {
        let line = "x".repeat(75);
        assert_eq!(folded(&line), format!("{line}\r\n"));
    }

    #[test]
    fn a_line_of_76_octets_is_folded_once() {
        let line = "x".repeat(76);
        assert_eq!(folded(&line), format!("{}\r\n x\r\n", "x".repeat(75)));
    }

    #[test]
    fn continuation_lines_count_their_leading_space() {
        let out = folded(&"x".repeat(75 + 74 + 1));
        assert_eq!(out, format!("{}\r\n {}\r\n x\r\n", "x".repeat(75), "x".repeat(74)));
    }

    #[test]
    fn a_fold_never_splits_a_character() {
        // 74 ASCII octets, then a 2-octet letter that would end at octet 76: it moves down whole.
        let line = format!("{}ж", "x".repeat(74));
        assert_eq!(folded(&line), format!("{}\r\n ж\r\n", "x".repeat(74)));
        // A 4-octet emoji behaves the same.
        let line = format!("{}😀", "x".repeat(73));
        assert_eq!(folded(&line), format!("{}\r\n 😀\r\n", "x".repeat(73)));
    }

    #[test]
    fn text_escapes_what_rfc_5545_reserves() {
        assert_eq!(escape_text(r"a\b;c,d"), r"a\\b\;c\,d");
        assert_eq!(escape_text("one\ntwo\r\nthree\rfour"), r"one\ntwo\nthree\nfour");
        assert_eq!(
            escape_text("tab\tkept, bell\u{7} and nul\0 dropped"),
            "tab\tkept\\, bell and nul dropped"
        );
        assert_eq!(escape_text("colon: kept"), "colon: kept");
    }

    #[test]
    fn empty_text_writes_no_line() {
        let mut lines = Lines::default();
        lines.text("DESCRIPTION", "");
        assert!(lines.into_bytes().is_empty());
    }
}
