//! The content-line syntax that reading and writing share: `group.NAME;PARAM=x:value`, the
//! backslash escapes of values, and folding long lines.

/// One property of a card as read: its name and parameters parsed, its value still raw bytes
/// (it may be quoted-printable, base64 or in a legacy charset until [`crate::card`] decodes it).
#[derive(Debug, Clone)]
pub struct Property {
    /// The physical line the property starts on.
    pub line: u32,
    /// The Apple/Google group (`item1` in `item1.TEL`), lower-cased.
    pub group: Option<String>,
    /// The property name, upper-cased (`TEL`, `X-ABLABEL`).
    pub name: String,
    pub params: Params,
    pub raw: Vec<u8>,
}

/// The parameters of a property, with the spellings of every version folded together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params {
    /// `TYPE=work,voice`, `TYPE=WORK;TYPE=VOICE`, 2.1 bare `WORK;VOICE` and 4.0 `PREF=1`
    /// (as `pref`), lower-cased.
    pub types: Vec<String>,
    /// `ENCODING=`, lower-cased: `quoted-printable`, `base64`, `b`, `8bit`.
    pub encoding: Option<String>,
    pub charset: Option<String>,
    /// `VALUE=`, lower-cased: `uri`, `url`, `date`, `text`.
    pub value: Option<String>,
    /// Any other parameter: upper-cased name, value as written.
    pub other: Vec<(String, String)>,
}

impl Params {
    pub fn is_quoted_printable(&self) -> bool {
        self.encoding.as_deref() == Some("quoted-printable")
    }

    pub fn is_base64(&self) -> bool {
        matches!(self.encoding.as_deref(), Some("b" | "base64"))
    }

    /// The value of another parameter, by upper-case name.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.other.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Splits a logical line at its first `:` outside double quotes (4.0 allows `:` in quoted
/// parameter values); a line with an unbalanced quote falls back to its first `:`.
pub fn split_line(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut quoted = false;
    let mut colon = None;
    for (i, &b) in line.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b':' if !quoted => {
                colon = Some(i);
                break;
            }
            _ => {}
        }
    }
    let colon = colon.or_else(|| line.iter().position(|&b| b == b':'))?;
    Some((&line[..colon], &line[colon + 1..]))
}

/// Whether the part of a line before its first `:` names an encoding (for the line-joining
/// rules of 2.1, which only look at the first physical line).
pub fn header_mentions(line: &[u8], word: &[u8]) -> bool {
    if word.is_empty() {
        return false;
    }
    let end = line.iter().position(|&b| b == b':').unwrap_or(line.len());
    line[..end].windows(word.len()).any(|w| w.eq_ignore_ascii_case(word))
}

/// Parses `group.NAME;params` into the group, the upper-case name and the parameters.
pub fn parse_header(header: &str) -> (Option<String>, String, Params) {
    let mut pieces = split_outside_quotes(header, ';').into_iter();
    let first = pieces.next().unwrap_or_default();
    let first = first.trim();
    let (group, name) = match first.split_once('.') {
        Some((g, n)) if !g.is_empty() => (Some(g.to_ascii_lowercase()), n),
        _ => (None, first),
    };
    let mut params = Params::default();
    for piece in pieces {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        match piece.split_once('=') {
            Some((key, value)) => add_param(&mut params, &key.trim().to_ascii_uppercase(), value.trim()),
            None => add_bare_param(&mut params, piece),
        }
    }
    (group, name.trim().to_ascii_uppercase(), params)
}

fn add_param(params: &mut Params, key: &str, value: &str) {
    match key {
        "TYPE" => {
            // `TYPE="work,voice"` is a list too.
            for t in value.split(',') {
                let t = t.trim().trim_matches('"').trim().to_lowercase();
                if !t.is_empty() {
                    params.types.push(t);
                }
            }
        }
        "PREF" => params.types.push("pref".into()),
        "ENCODING" => params.encoding = Some(unquote(value).to_ascii_lowercase()),
        "CHARSET" => params.charset = Some(unquote(value).to_string()),
        "VALUE" => params.value = Some(unquote(value).to_ascii_lowercase()),
        _ => params.other.push((key.to_string(), unquote(value).to_string())),
    }
}

/// 2.1 writes parameters without names: `TEL;WORK;VOICE`, `PHOTO;ENCODING=BASE64;JPEG`, and
/// some writers a bare `QUOTED-PRINTABLE`.
fn add_bare_param(params: &mut Params, piece: &str) {
    let lower = unquote(piece).to_ascii_lowercase();
    match lower.as_str() {
        "quoted-printable" | "base64" | "8bit" | "7bit" => params.encoding = Some(lower),
        _ => params.types.push(lower),
    }
}

fn unquote(s: &str) -> &str {
    s.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(s)
}

fn split_outside_quotes(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            out.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    out.push(&s[start..]);
    out
}

/// Undoes the backslash escapes of a value: `\n` (or `\N`) is a newline, `\x` is `x` for any
/// other character (`\,` `\;` `\\`, and Apple's `http\://`).
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Splits a value at each `sep` that is not escaped, and unescapes each part:
/// `Doe;John\; Jr.` is `["Doe", "John; Jr."]` for `;`.
pub fn split_unescape(s: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            current.push('\\');
            current.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            parts.push(unescape(&current));
            current.clear();
        } else {
            current.push(c);
        }
    }
    if escaped {
        current.push('\\');
    }
    parts.push(unescape(&current));
    parts
}

/// Escapes a text value or a component of a structured one: `\` `,` `;` and newlines.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in normalize_newlines(s).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes a phone number, address or URL: only `\` and newlines, so `,` and `;` in a URL
/// stay as they are.
pub fn escape_uri(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in normalize_newlines(s).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out
}

/// CRLF and lone CR become LF (values decoded from `=0D=0A`, or records typed on Windows).
pub fn normalize_newlines(s: &str) -> String {
    if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s.to_string()
    }
}

/// The longest a physical line may be, in octets, without its CRLF (RFC 6350 3.2).
const FOLD_AT: usize = 75;

/// Appends `line` to `out` folded at 75 octets (a continuation starts with a space, which
/// counts), never inside a UTF-8 character, each physical line ended by CRLF.
pub fn fold_into(out: &mut String, line: &str) {
    let mut rest = line;
    let mut limit = FOLD_AT;
    loop {
        if rest.len() <= limit {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (head, tail) = rest.split_at(cut);
        out.push_str(head);
        out.push_str("\r\n ");
        rest = tail;
        limit = FOLD_AT - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_type_gives_the_same_types() {
        for header in [
            "TEL;TYPE=work,voice",
            "TEL;TYPE=WORK;TYPE=VOICE",
            "TEL;WORK;VOICE",
            "tel;type=\"work,voice\"",
        ] {
            let (_, name, params) = parse_header(header);
            assert_eq!(name, "TEL");
            assert_eq!(params.types, ["work", "voice"], "{header}");
        }
    }

    #[test]
    fn groups_and_encodings_are_read() {
        let (group, name, params) = parse_header("item1.PHOTO;ENCODING=BASE64;JPEG");
        assert_eq!(group.as_deref(), Some("item1"));
        assert_eq!(name, "PHOTO");
        assert!(params.is_base64());
        assert_eq!(params.types, ["jpeg"]);
    }

    #[test]
    fn a_quoted_colon_does_not_end_the_parameters() {
        let (header, value) = split_line(b"ADR;GEO=\"geo:1,2\":;;Main St").unwrap();
        assert_eq!(header, b"ADR;GEO=\"geo:1,2\"");
        assert_eq!(value, b";;Main St");
    }

    #[test]
    fn escapes_round_trip_through_splitting() {
        let parts = ["Doe; Jr.", "a,b", "back\\slash", "two\nlines"];
        let joined: Vec<String> = parts.iter().map(|p| escape_text(p)).collect();
        assert_eq!(split_unescape(&joined.join(";"), ';'), parts);
        assert_eq!(unescape("http\\://x"), "http://x");
    }

    #[test]
    fn folding_keeps_utf8_characters_whole_and_lines_short() {
        let line = format!("NOTE:{}", "Ωмش".repeat(60));
        let mut out = String::new();
        fold_into(&mut out, &line);
        for physical in out.split("\r\n") {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        assert_eq!(out.replace("\r\n ", "").trim_end(), line);
    }
}
