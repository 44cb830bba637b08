//! Reading a file chunk by chunk: bytes become physical lines, physical lines become logical
//! ones (unfolding, 2.1 quoted-printable soft breaks, 2.1 base64 runs), and the logical lines
//! between `BEGIN:VCARD` and `END:VCARD` become a card, turned into an entry when it ends.
//!
//! Every byte is looked at a bounded number of times: lines are split as bytes arrive, and
//! the decision to join a line to the previous one looks only at its first bytes and at flags
//! set once per logical line.

use crate::card::{Card, Values, to_entry};
use crate::content::{Property, header_mentions, parse_header, split_line};
use crate::decode::{Charsets, FileBytes};
use cardbase_plugin_sdk::{Entry, log};

/// One file being read.
pub struct Reader {
    bytes: FileBytes,
    /// The physical line not yet ended by LF.
    partial: Vec<u8>,
    /// Physical lines seen so far.
    lines: u32,
    /// The logical line being built, until a line that does not continue it arrives.
    pending: Option<Logical>,
    card: Option<Card>,
    charsets: Charsets,
}

/// A logical line: one property, with its folded lines joined.
struct Logical {
    bytes: Vec<u8>,
    /// The physical line it starts on.
    line: u32,
    /// 2.1 quoted-printable: a line ending in `=` goes on at the start of the next one.
    quoted_printable: bool,
    /// 2.1 base64: the next lines of base64 characters belong to it, indented or not.
    base64: bool,
}

impl Default for Reader {
    fn default() -> Self {
        Reader::new()
    }
}

impl Reader {
    pub fn new() -> Reader {
        Reader {
            bytes: FileBytes::new(),
            partial: Vec::new(),
            lines: 0,
            pending: None,
            card: None,
            charsets: Charsets::default(),
        }
    }

    /// The next chunk; returns the cards it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<Entry> {
        let decoded = self.bytes.push(chunk);
        let mut out = Vec::new();
        self.split_lines(&decoded, &mut out);
        out
    }

    /// The end of the file: the last line, and a card left open.
    pub fn finish(&mut self) -> Vec<Entry> {
        let decoded = self.bytes.end();
        let mut out = Vec::new();
        self.split_lines(&decoded, &mut out);
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.physical(line, &mut out);
        }
        self.flush(&mut out);
        if let Some(mut card) = self.card.take() {
            let end = self.lines;
            card.fail(
                end,
                format!(
                    "the file ends inside the card that starts on line {} (no END:VCARD)",
                    card.line
                ),
            );
            out.push(self.entry(card));
        }
        out
    }

    fn split_lines(&mut self, bytes: &[u8], out: &mut Vec<Entry>) {
        let mut rest = bytes;
        while let Some(newline) = rest.iter().position(|&b| b == b'\n') {
            let (head, tail) = rest.split_at(newline);
            self.partial.extend_from_slice(head);
            let line = std::mem::take(&mut self.partial);
            self.physical(line, out);
            rest = tail.get(1..).unwrap_or_default();
        }
        self.partial.extend_from_slice(rest);
    }

    fn physical(&mut self, mut line: Vec<u8>, out: &mut Vec<Entry>) {
        // CRLF, and the CRCRLF of some broken Windows exports.
        while line.last() == Some(&b'\r') {
            line.pop();
        }
        self.lines = self.lines.saturating_add(1);
        if let Some(pending) = &mut self.pending {
            let first = line.first().copied();
            if pending.quoted_printable && pending.bytes.last() == Some(&b'=') && !is_end(&line) {
                pending.bytes.pop();
                pending.bytes.extend_from_slice(&line);
                return;
            }
            if matches!(first, Some(b' ' | b'\t')) {
                pending.bytes.extend_from_slice(line.get(1..).unwrap_or_default());
                return;
            }
            if pending.base64 && !line.is_empty() && line.iter().all(|&b| is_base64_byte(b)) {
                pending.bytes.extend_from_slice(&line);
                return;
            }
        }
        self.flush(out);
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let end = is_end(&line);
        let quoted_printable = header_mentions(&line, b"QUOTED-PRINTABLE");
        let base64 = header_mentions(&line, b"BASE64");
        self.pending = Some(Logical {
            bytes: line,
            line: self.lines,
            quoted_printable,
            base64,
        });
        // Nobody folds END:VCARD: end the card now rather than when the next line comes.
        if end {
            self.flush(out);
        }
    }

    fn flush(&mut self, out: &mut Vec<Entry>) {
        if let Some(logical) = self.pending.take() {
            self.logical(logical, out);
        }
    }

    fn logical(&mut self, logical: Logical, out: &mut Vec<Entry>) {
        let Some((header, value)) = split_line(&logical.bytes) else {
            match &mut self.card {
                Some(card) => card.fail(
                    logical.line,
                    format!("\"{}\" is not a vCard property (no ':')", excerpt(&logical.bytes)),
                ),
                None => log::debug(format!("line {}: text outside any card is skipped", logical.line)),
            }
            return;
        };
        let (group, name, params) = parse_header(&String::from_utf8_lossy(header));
        let is_vcard = || String::from_utf8_lossy(value).trim().eq_ignore_ascii_case("VCARD");
        match name.as_str() {
            "BEGIN" if is_vcard() => {
                if let Some(mut open) = self.card.take() {
                    open.fail(
                        logical.line,
                        format!(
                            "a new card begins before the card of line {} has ended (no END:VCARD)",
                            open.line
                        ),
                    );
                    out.push(self.entry(open));
                }
                self.card = Some(Card::new(logical.line));
            }
            "END" if is_vcard() => match self.card.take() {
                Some(card) => out.push(self.entry(card)),
                None => log::warn(format!(
                    "line {}: END:VCARD without BEGIN:VCARD is skipped",
                    logical.line
                )),
            },
            _ => match &mut self.card {
                Some(card) => card.props.push(Property {
                    line: logical.line,
                    group,
                    name,
                    params,
                    raw: value.to_vec(),
                }),
                None => log::debug(format!("line {}: {name} outside any card is skipped", logical.line)),
            },
        }
    }

    fn entry(&mut self, card: Card) -> Entry {
        let unicode_file = self.bytes.unicode;
        to_entry(
            card,
            &mut Values {
                charsets: &mut self.charsets,
                unicode_file,
            },
        )
    }
}

fn is_end(line: &[u8]) -> bool {
    line.trim_ascii().eq_ignore_ascii_case(b"END:VCARD")
}

fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')
}

fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}
