//! Where everything the command line prints goes through: [`say!`] for stdout, [`say_err!`] for
//! stderr, [`DataOut`] for CSV. Two jobs, in one place:
//!
//! - Nothing the user's records, files or plugins hold reaches a terminal as a control
//!   sequence: [`escape`] shows ESC, CSI, OSC 52 (which writes the clipboard), BEL and the
//!   other controls as text. Human output is always escaped; CSV, which is data, only when it
//!   goes to a terminal, so `cardbase list --format csv > out.csv` stays exact.
//! - Printing returns its error instead of panicking as `println!` does, so a reader that
//!   closes the pipe early (`cardbase list | head -1`) ends the command quietly (see
//!   [`is_broken_pipe`](super::is_broken_pipe)).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};

/// Prints a line on stdout, like `println!`, escaped (see [`escape`]), and returns the
/// `io::Result` of writing it.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::terminal::print_line(&format!($($arg)*))
    };
}

/// Prints a line on stderr, like `eprintln!`, escaped. A failure to write there is ignored:
/// there is nowhere left to report it.
macro_rules! say_err {
    ($($arg:tt)*) => {
        $crate::cli::terminal::print_error_line(&format!($($arg)*))
    };
}

pub(crate) use {say, say_err};

/// Writes `text`, escaped, and a line end to stdout.
pub fn print_line(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(escape(text).as_bytes())?;
    out.write_all(b"\n")
}

/// Writes `text`, escaped, and a line end to stderr.
pub fn print_error_line(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err
        .write_all(escape(text).as_bytes())
        .and_then(|()| err.write_all(b"\n"));
}

/// `text` as a terminal may show it: every control character a terminal would act on (ESC and
/// with it CSI and OSC sequences, such as OSC 52 that writes the clipboard; BEL, backspace, a
/// lone CR that would overwrite the line, the C1 controls U+0080–U+009F, DEL) is written as a
/// visible escape in JSON's form, `\u001b`, `\u009b`. Line ends (LF, CRLF) and tabs stay as
/// they are. JSON text passes through unchanged in meaning: its strings hold no raw C0
/// controls, and a raw C1 or DEL becomes the escape JSON itself would use.
///
/// ```
/// use cardbase_desktop::cli::terminal::escape;
/// assert_eq!(escape("Ada\x1b]52;c;ZXZpbA==\x07"), "Ada\\u001b]52;c;ZXZpbA==\\u0007");
/// assert_eq!(escape("two\nlines\r\n"), "two\nlines\r\n");
/// ```
pub fn escape(text: &str) -> Cow<'_, str> {
    let mut chars = text.chars().peekable();
    let mut clean = true;
    while let Some(c) = chars.next() {
        if acts_on_terminal(c, chars.peek().copied()) {
            clean = false;
            break;
        }
    }
    if clean {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if acts_on_terminal(c, chars.peek().copied()) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether a terminal would act on `c` (followed by `next`) instead of showing it.
fn acts_on_terminal(c: char, next: Option<char>) -> bool {
    match c {
        '\n' | '\t' => false,
        '\r' => next != Some('\n'),
        c => c.is_control(),
    }
}

/// Stdout for data (CSV): written as it is into a pipe or a file, escaped line by line on a
/// terminal. A line end is always one byte, never part of a UTF-8 character, so lines are
/// whole text.
pub struct DataOut {
    out: std::io::Stdout,
    terminal: bool,
    line: Vec<u8>,
}

impl DataOut {
    /// On the process's stdout.
    pub fn stdout() -> DataOut {
        let out = std::io::stdout();
        DataOut {
            terminal: out.is_terminal(),
            out,
            line: Vec::new(),
        }
    }

    fn write_lines(&mut self, upto: usize) -> std::io::Result<()> {
        let text = String::from_utf8_lossy(&self.line[..upto]);
        self.out.lock().write_all(escape(&text).as_bytes())?;
        self.line.drain(..upto);
        Ok(())
    }
}

impl Write for DataOut {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.terminal {
            return self.out.write(buf);
        }
        self.line.extend_from_slice(buf);
        if let Some(end) = self.line.iter().rposition(|&b| b == b'\n') {
            self.write_lines(end + 1)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.line.is_empty() {
            self.write_lines(self.line.len())?;
        }
        self.out.flush()
    }
}

impl Drop for DataOut {
    /// The last line, if a writer did not flush: nowhere is left to report an error.
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64: the same cases on every run.
    struct Seeded(u64);

    impl Seeded {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) % n
        }
    }

    /// Text mixing every C0 and C1 control, DEL, line ends, tabs, ASCII and wider characters.
    fn hostile_text(rng: &mut Seeded) -> String {
        let len = rng.below(40);
        (0..len)
            .map(|_| match rng.below(6) {
                0 => char::from_u32(rng.below(0x20) as u32).unwrap(),
                1 => char::from_u32(0x7f + rng.below(0x21) as u32).unwrap(),
                2 => ['\r', '\n', '\t', '\u{1b}'][rng.below(4) as usize],
                3 => ['é', 'Ж', '中', '😀', '\u{202e}', '\\'][rng.below(6) as usize],
                _ => char::from_u32(0x20 + rng.below(0x5f) as u32).unwrap(),
            })
            .collect()
    }

    #[test]
    fn no_escaped_text_holds_a_control_a_terminal_acts_on() {
        let mut rng = Seeded(0x7E57);
        for _ in 0..20_000 {
            let text = hostile_text(&mut rng);
            let shown = escape(&text);
            let mut chars = shown.chars().peekable();
            while let Some(c) = chars.next() {
                assert!(
                    !acts_on_terminal(c, chars.peek().copied()),
                    "{text:?} was shown as {shown:?}"
                );
            }
            // Nothing else changes: with the escapes taken back, it is the text.
            assert_eq!(unescape(&shown), text);
        }
    }

    /// The escapes made by `escape`, read back (for the test: `\u` followed by four hex digits
    /// from an escape only; the hostile text holds no such sequence of its own).
    fn unescape(shown: &str) -> String {
        let mut out = String::new();
        let mut rest = shown;
        while let Some(i) = rest.find("\\u") {
            let hex = rest.get(i + 2..i + 6).and_then(|h| u32::from_str_radix(h, 16).ok());
            match hex.and_then(char::from_u32).filter(|c| c.is_control()) {
                Some(c) => {
                    out.push_str(&rest[..i]);
                    out.push(c);
                    rest = &rest[i + 6..];
                }
                None => {
                    out.push_str(&rest[..i + 2]);
                    rest = &rest[i + 2..];
                }
            }
        }
        out + rest
    }

    #[test]
    fn line_ends_tabs_and_plain_text_stay_as_they_are() {
        for text in ["Ada Lovelace", "a\tb\nc\r\n", "", "Пётр 中文 😀", "back\\slash"] {
            assert!(matches!(escape(text), Cow::Borrowed(_)), "{text:?}");
        }
        assert_eq!(escape("over\rwrite"), "over\\u000dwrite");
        assert_eq!(escape("\u{9b}31m"), "\\u009b31m");
    }

    #[test]
    fn json_keeps_its_meaning() {
        let json = serde_json::json!({ "name": "Ada\u{1b}[2J\u{9b}\u{7f}" }).to_string();
        let shown = escape(&json);
        let back: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(back["name"], "Ada\u{1b}[2J\u{9b}\u{7f}");
    }
}
