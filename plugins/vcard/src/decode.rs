//! From the file's bytes to text: byte-order marks and UTF-16 files, quoted-printable, the
//! `CHARSET=` of 2.1 values, and a guess for 8-bit text that names no charset.

use encoding_rs::{Decoder, Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1251, WINDOWS_1252};

/// The start of a file: how its bytes become the bytes the line reader sees.
enum Start {
    /// The first bytes, kept until they say whether there is a byte-order mark.
    Undecided(Vec<u8>),
    /// UTF-8 or an 8-bit charset: passed on as they are.
    Bytes,
    /// UTF-16: transcoded to UTF-8 as it streams (a character may span chunks).
    Utf16(Decoder),
}

/// The file's bytes as a stream of UTF-8-or-legacy bytes, with any BOM removed and UTF-16
/// transcoded. `unicode` tells [`Charsets`] that the text is UTF-8 whatever `CHARSET=` says.
pub struct FileBytes {
    start: Start,
    pub unicode: bool,
}

impl FileBytes {
    pub fn new() -> FileBytes {
        FileBytes {
            start: Start::Undecided(Vec::new()),
            unicode: false,
        }
    }

    /// The next chunk, decoded.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<u8> {
        match &mut self.start {
            Start::Bytes => chunk.to_vec(),
            Start::Utf16(decoder) => transcode(decoder, chunk, false),
            Start::Undecided(head) => {
                head.extend_from_slice(chunk);
                if head.len() < 3 {
                    return Vec::new();
                }
                let head = std::mem::take(head);
                self.decide(&head)
            }
        }
    }

    /// The end of the file: what was held back.
    pub fn end(&mut self) -> Vec<u8> {
        match &mut self.start {
            Start::Bytes => Vec::new(),
            Start::Utf16(decoder) => transcode(decoder, &[], true),
            Start::Undecided(head) => {
                let head = std::mem::take(head);
                let mut out = self.decide(&head);
                out.extend(self.end());
                out
            }
        }
    }

    fn decide(&mut self, head: &[u8]) -> Vec<u8> {
        let (encoding, bom) = detect(head);
        self.unicode = encoding.is_some() || bom > 0;
        let rest = head.get(bom..).unwrap_or_default();
        match encoding {
            Some(encoding) => {
                let mut decoder = encoding.new_decoder_without_bom_handling();
                let out = transcode(&mut decoder, rest, false);
                self.start = Start::Utf16(decoder);
                out
            }
            None => {
                self.start = Start::Bytes;
                rest.to_vec()
            }
        }
    }
}

/// The UTF-16 encoding a file starts with (by BOM, or by a NUL beside an ASCII letter) and
/// the length of its BOM; `None` for UTF-8 and 8-bit files (a UTF-8 BOM has length 3).
fn detect(head: &[u8]) -> (Option<&'static Encoding>, usize) {
    match head {
        [0xEF, 0xBB, 0xBF, ..] => (None, 3),
        [0xFF, 0xFE, ..] => (Some(UTF_16LE), 2),
        [0xFE, 0xFF, ..] => (Some(UTF_16BE), 2),
        [a, 0, ..] if a.is_ascii() && *a != 0 => (Some(UTF_16LE), 0),
        [0, b, ..] if b.is_ascii() && *b != 0 => (Some(UTF_16BE), 0),
        _ => (None, 0),
    }
}

fn transcode(decoder: &mut Decoder, src: &[u8], last: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut src = src;
    loop {
        let capacity = decoder.max_utf8_buffer_length(src.len()).unwrap_or(src.len() * 3 + 16);
        let mut buf = vec![0u8; capacity.max(16)];
        let (result, read, written, _) = decoder.decode_to_utf8(src, &mut buf, last);
        out.extend_from_slice(buf.get(..written).unwrap_or_default());
        src = src.get(read..).unwrap_or_default();
        if matches!(result, encoding_rs::CoderResult::InputEmpty) {
            return out;
        }
    }
}

/// The start of a file as text, for sniffing: any BOM removed, UTF-16 decoded.
pub fn head_text(head: &[u8]) -> String {
    let (encoding, bom) = detect(head);
    let rest = head.get(bom..).unwrap_or_default();
    match encoding {
        Some(encoding) => encoding.decode_without_bom_handling(rest).0.into_owned(),
        None => String::from_utf8_lossy(rest).into_owned(),
    }
}

/// Decodes quoted-printable (`=D0=98`); a `=` not followed by two hex digits stays as it is.
/// Soft line breaks were already joined by the line reader.
pub fn quoted_printable(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b == b'=' {
            let hi = raw.get(i + 1).and_then(|&c| hex(c));
            let lo = raw.get(i + 2).and_then(|&c| hex(c));
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// Turns value bytes into text for one file, keeping what it learned about the file's 8-bit
/// text so that short values are guessed like the long ones.
#[derive(Default)]
pub struct Charsets {
    /// Letters seen so far in undeclared 8-bit text: Cyrillic letters in windows-1251 ...
    high_letters: usize,
    /// ... and ASCII letters around them.
    ascii_letters: usize,
}

impl Charsets {
    /// The text of a value. `charset` is its `CHARSET=` parameter, if it applies (not for raw
    /// text of a file that was UTF-16 or had a UTF-8 BOM).
    pub fn text(&mut self, bytes: &[u8], charset: Option<&str>) -> String {
        let declared = charset.and_then(|label| {
            let found = Encoding::for_label(label.trim().as_bytes());
            if found.is_none() {
                cardbase_plugin_sdk::log::debug(format!("unknown CHARSET={label}; guessing"));
            }
            found
        });
        if let Some(encoding) = declared
            && encoding != UTF_8
        {
            return encoding.decode_without_bom_handling(bytes).0.into_owned();
        }
        // UTF-8, declared or not; files that say UTF-8 but are not fall through to the guess.
        match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => self.guess(bytes).decode_without_bom_handling(bytes).0.into_owned(),
        }
    }

    /// windows-1251 when the 8-bit letters outnumber the ASCII ones (Russian text is nearly all
    /// high bytes; German or French text is mostly ASCII), else windows-1252. A value with too
    /// few letters to tell is judged with the rest of the file.
    fn guess(&mut self, bytes: &[u8]) -> &'static Encoding {
        let (mut high, mut ascii) = (0, 0);
        for &b in bytes {
            if b >= 0xC0 || b == 0xA8 || b == 0xB8 {
                high += 1;
            } else if b.is_ascii_alphabetic() {
                ascii += 1;
            }
        }
        self.high_letters += high;
        self.ascii_letters += ascii;
        let (high, ascii) = if high + ascii >= 4 {
            (high, ascii)
        } else {
            (self.high_letters, self.ascii_letters)
        };
        if high >= ascii { WINDOWS_1251 } else { WINDOWS_1252 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(file: &[u8], chunk: usize) -> Vec<u8> {
        let mut bytes = FileBytes::new();
        let mut out = Vec::new();
        for piece in file.chunks(chunk) {
            out.extend(bytes.push(piece));
        }
        out.extend(bytes.end());
        out
    }

    #[test]
    fn utf16_files_become_utf8_whatever_the_chunks() {
        let text = "BEGIN:VCARD\r\nFN:Пётр\r\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        for file in [&le, &be] {
            for chunk in [1, 3, 1000] {
                assert_eq!(String::from_utf8(stream(file, chunk)).unwrap(), text);
            }
        }
    }

    #[test]
    fn a_utf8_bom_is_dropped_and_short_files_still_come_out() {
        assert_eq!(stream(b"\xEF\xBB\xBFBEGIN", 1), b"BEGIN");
        assert_eq!(stream(b"B", 1), b"B");
        assert_eq!(stream(b"", 1), b"");
    }

    #[test]
    fn quoted_printable_decodes_and_tolerates_stray_equals() {
        assert_eq!(quoted_printable(b"=D0=98=d0=b2a=3D=ZZ="), b"\xD0\x98\xD0\xB2a==ZZ=");
    }

    #[test]
    fn undeclared_8bit_text_is_guessed() {
        let mut charsets = Charsets::default();
        let cyrillic = WINDOWS_1251.encode("Пётр Иванов").0;
        assert_eq!(charsets.text(&cyrillic, None), "Пётр Иванов");
        let mut charsets = Charsets::default();
        let german = WINDOWS_1252.encode("Jürgen Müller").0;
        assert_eq!(charsets.text(&german, None), "Jürgen Müller");
        assert_eq!(charsets.text(&WINDOWS_1251.encode("Иван").0, Some("utf-8")), "Иван");
        assert_eq!(
            charsets.text(&encoding_rs::KOI8_R.encode("Иван").0, Some("KOI8-R")),
            "Иван"
        );
    }
}
