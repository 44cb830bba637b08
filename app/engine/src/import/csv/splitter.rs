//! The CSV record splitter: the file's bytes decoded to UTF-8 a chunk at a time (noting the
//! chunks that held malformed bytes), then split into records (RFC 4180, read as leniently as
//! Excel does) with the line each starts on. Memory stays bounded by the longest record.

use super::{CHUNK, MAX_RECORD_BYTES};
use encoding_rs::{CoderResult, Decoder, Encoding};
use std::io::{self, Read};

/// Decodes `src` onto the end of `out`; malformed sequences become U+FFFD. `last` flushes a
/// character left unfinished at the end. Returns whether any sequence was malformed.
pub(super) fn decode_into(decoder: &mut Decoder, mut src: &[u8], last: bool, out: &mut Vec<u8>) -> bool {
    let mut replaced = false;
    loop {
        let room = decoder
            .max_utf8_buffer_length(src.len())
            .unwrap_or(src.len().saturating_mul(3))
            .max(16);
        let start = out.len();
        out.resize(start + room, 0);
        let (result, read, written, had_replacements) = decoder.decode_to_utf8(src, &mut out[start..], last);
        replaced |= had_replacements;
        out.truncate(start + written);
        src = &src[read..];
        if result == CoderResult::InputEmpty {
            return replaced;
        }
    }
}

/// The file's bytes in, UTF-8 out, a chunk at a time.
pub(super) struct Source {
    input: Box<dyn Read + Send>,
    decoder: Decoder,
    chunk: Box<[u8]>,
    /// Raw bytes taken from `input` so far.
    pub(super) consumed: u64,
    finished: bool,
}

impl Source {
    pub(super) fn new(input: Box<dyn Read + Send>, encoding: &'static Encoding) -> Source {
        let chunk = vec![0; CHUNK].into_boxed_slice();
        Source {
            input,
            decoder: encoding.new_decoder_with_bom_removal(),
            chunk,
            consumed: 0,
            finished: false,
        }
    }

    /// Decodes the next chunk onto the end of `out` (which may add nothing, in the middle of a
    /// character); false once the input is used up. `replaced` tells whether the chunk held
    /// bytes the encoding does not allow (each now U+FFFD).
    pub(super) fn fill(&mut self, out: &mut Vec<u8>, replaced: &mut bool) -> io::Result<bool> {
        if self.finished {
            return Ok(false);
        }
        let read = loop {
            match self.input.read(&mut self.chunk) {
                Ok(read) => break read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        };
        self.consumed += read as u64;
        self.finished = read == 0;
        *replaced = decode_into(&mut self.decoder, &self.chunk[..read], self.finished, out);
        Ok(true)
    }
}

/// What the parser makes of the next record.
pub(super) enum Parsed {
    /// `replaced`: the record held bytes the encoding does not allow, now U+FFFD.
    Record {
        line: usize,
        fields: Vec<String>,
        replaced: bool,
    },
    Broken {
        line: usize,
        message: String,
    },
}

#[derive(Clone, Copy)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted cell: the closing one, or the first of a doubled `""`.
    QuoteInQuoted,
}

/// Splits decoded text into records (RFC 4180, read as leniently as Excel does), counting lines.
pub(super) struct Parser {
    pub(super) source: Source,
    /// Decoded text; what comes before `pos` is parsed and dropped from time to time.
    buf: Vec<u8>,
    pos: usize,
    /// The line `pos` is on, from 1; LF, CRLF and a lone CR each end a line.
    pub(super) line: usize,
    /// Whether the byte before `pos` is a CR (so that an LF at `pos` ends no further line).
    after_cr: bool,
    delimiter: u8,
    /// Spans of `buf` decoded from chunks that held malformed bytes, so a record in one that
    /// holds U+FFFD can be reported.
    replaced: Vec<(usize, usize)>,
}

impl Parser {
    pub(super) fn new(source: Source, delimiter: u8) -> Parser {
        Parser {
            source,
            buf: Vec::new(),
            pos: 0,
            line: 1,
            after_cr: false,
            delimiter,
            replaced: Vec::new(),
        }
    }

    /// The next non-empty record, `None` at the end of the text.
    pub(super) fn next(&mut self) -> io::Result<Option<Parsed>> {
        self.drop_parsed();
        while let Some(b'\r' | b'\n') = self.peek()? {
            self.bump();
        }
        if self.peek()?.is_none() {
            return Ok(None);
        }
        let (start, line, after_cr) = (self.pos, self.line, self.after_cr);
        match self.record(start)? {
            Ok(fields) => {
                let (end, pos) = (self.pos, start);
                let replaced = self.replaced.iter().any(|&(a, b)| a < end && b > pos)
                    && fields.iter().any(|f| f.contains('\u{FFFD}'));
                Ok(Some(Parsed::Record { line, fields, replaced }))
            }
            Err(message) => {
                // Go on with the line after the one the broken record starts on.
                (self.pos, self.line, self.after_cr) = (start, line, after_cr);
                while let Some(b) = self.peek()? {
                    self.bump();
                    if b == b'\r' || b == b'\n' {
                        break;
                    }
                    self.drop_parsed();
                }
                Ok(Some(Parsed::Broken { line, message }))
            }
        }
    }

    /// Reads the fields of the record starting at `start` (= `pos`); `Err` describes a broken one.
    fn record(&mut self, start: usize) -> io::Result<Result<Vec<String>, String>> {
        let delimiter = self.delimiter;
        let mut fields = Vec::new();
        let mut field = Vec::new();
        let mut state = State::FieldStart;
        let mut quote_line = self.line;
        loop {
            if self.pos - start > MAX_RECORD_BYTES {
                let mib = MAX_RECORD_BYTES >> 20;
                return Ok(Err(match state {
                    State::Quoted | State::QuoteInQuoted => {
                        format!(
                            "the quoted cell opened on line {quote_line} is still open after {mib} MiB — \
                             check the quoting"
                        )
                    }
                    _ => format!("the record is longer than {mib} MiB — is this really a CSV file?"),
                }));
            }
            let Some(b) = self.peek()? else {
                if let State::Quoted = state {
                    return Ok(Err(format!(
                        "the quote opened on line {quote_line} is never closed, so the rest of the file would be \
                         one cell — check the quoting"
                    )));
                }
                fields.push(into_text(field));
                return Ok(Ok(fields));
            };
            self.bump();
            let line_end = b == b'\r' || b == b'\n';
            match state {
                State::FieldStart | State::Unquoted | State::QuoteInQuoted if b == delimiter => {
                    fields.push(into_text(std::mem::take(&mut field)));
                    state = State::FieldStart;
                }
                State::FieldStart | State::Unquoted | State::QuoteInQuoted if line_end => {
                    fields.push(into_text(field));
                    return Ok(Ok(fields));
                }
                State::FieldStart if b == b'"' => {
                    state = State::Quoted;
                    quote_line = self.line;
                }
                State::FieldStart | State::Unquoted => {
                    field.push(b);
                    state = State::Unquoted;
                }
                State::Quoted if b == b'"' => state = State::QuoteInQuoted,
                State::Quoted => field.push(b),
                State::QuoteInQuoted if b == b'"' => {
                    field.push(b);
                    state = State::Quoted;
                }
                State::QuoteInQuoted if self.line != quote_line => {
                    return Ok(Err(format!(
                        "the quoted cell from line {quote_line} to line {} has text right after its closing quote — \
                         a quote is missing or extra; check the quoting",
                        self.line
                    )));
                }
                State::QuoteInQuoted => {
                    field.push(b);
                    state = State::Unquoted;
                }
            }
        }
    }

    /// The byte at `pos`, decoding more of the file when needed; `None` at the end.
    fn peek(&mut self) -> io::Result<Option<u8>> {
        while self.pos == self.buf.len() {
            let (before, mut replaced) = (self.buf.len(), false);
            if !self.source.fill(&mut self.buf, &mut replaced)? {
                return Ok(None);
            }
            if replaced {
                self.replaced.push((before, self.buf.len()));
            }
        }
        Ok(Some(self.buf[self.pos]))
    }

    /// Moves past the byte at `pos` (which `peek` has found), counting lines.
    fn bump(&mut self) {
        let b = self.buf[self.pos];
        self.pos += 1;
        if b == b'\r' || (b == b'\n' && !self.after_cr) {
            self.line += 1;
        }
        self.after_cr = b == b'\r';
    }

    /// Forgets parsed text once it is at least a chunk and half the buffer, so that memory stays
    /// bounded while copying stays linear.
    fn drop_parsed(&mut self) {
        if self.pos >= CHUNK && self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
            let dropped = self.pos;
            self.replaced.retain_mut(|(a, b)| {
                (*a, *b) = (a.saturating_sub(dropped), b.saturating_sub(dropped));
                *b > 0
            });
            self.pos = 0;
        }
    }
}

/// The text of a field. Decoded input is UTF-8 and fields are split at ASCII bytes, so this
/// never needs the lossy fallback.
fn into_text(field: Vec<u8>) -> String {
    String::from_utf8(field).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}
