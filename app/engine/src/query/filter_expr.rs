//! Parser for the filter expressions users type on the command line, e.g.
//! `cardbase list contacts --filter "city = Moscow AND amount >= 1000"`.
//!
//! A filter is made of conditions `FIELD OP VALUE`, joined with `AND` / `OR`
//! (or `&&` / `||`), grouped with parentheses and negated with a `NOT` prefix.
//! `AND` binds tighter than `OR`. Keywords and word operators are
//! case-insensitive; whitespace is insignificant outside quotes.
//!
//! ```text
//! filter    = or
//! or        = and { ("OR" | "||") and }
//! and       = unary { ("AND" | "&&") unary }
//! unary     = { "NOT" } primary
//! primary   = "(" or ")" | condition
//! condition = FIELD binop value
//!           | FIELD "in" "(" value { "," value } ")"
//!           | FIELD ("empty" | "not-empty" | "not_empty")
//! binop     = "=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">="
//!           | "contains" | "starts-with" | "starts_with"
//! FIELD     = [A-Za-z_][A-Za-z0-9_]*            (normalized to lowercase)
//! value     = '"' … '"' | "'" … "'"             (escapes: \" \' \\)
//!           | bare word                         (up to whitespace, ")", "&&", "||",
//!                                                and "," inside an "in" list)
//! ```
//!
//! Values are kept as strings (`Москва`, `تهران`, `1234.5`, `-3`,
//! `2024-03-01`, `--03-14`, …); typing them is the caller's job.
//!
//! A field literally called `not` can only be used with a symbolic operator
//! (`not = 1`); otherwise `not` starts a negation.
//!
//! # Example
//!
//! ```
//! use cardbase_engine::query::filter_expr::{parse_filter, Condition, Filter, Op};
//!
//! let filter = parse_filter("City = Moscow AND amount >= 1000").unwrap();
//! assert_eq!(
//!     filter,
//!     Filter::And(vec![
//!         Filter::Cond(Condition { field: "city".into(), op: Op::Eq, values: vec!["Moscow".into()] }),
//!         Filter::Cond(Condition { field: "amount".into(), op: Op::Ge, values: vec!["1000".into()] }),
//!     ])
//! );
//!
//! // `Display` prints a canonical form that parses back to the same filter.
//! assert_eq!(filter.to_string(), "city = Moscow AND amount >= 1000");
//! assert_eq!(parse_filter(&filter.to_string()), Ok(filter));
//!
//! // Errors point at a 1-based character column.
//! let err = parse_filter("city Moscow").unwrap_err();
//! assert_eq!(err.column, 6);
//! assert!(err.message.starts_with("expected an operator"));
//! ```

use std::fmt::{self, Write as _};

use serde::{Deserialize, Serialize};

/// Maximum nesting of parentheses and `NOT`s, so hostile input cannot
/// overflow the stack (while parsing, printing or dropping a [`Filter`]).
const MAX_DEPTH: usize = 64;

/// The operators as listed in error messages.
const OPERATOR_LIST: &str = "=, !=, <, <=, >, >=, contains, starts-with, in, empty, not-empty";

/// Longest piece of offending input quoted in an error message.
const MAX_SNIPPET_CHARS: usize = 20;

/// A parsed filter expression.
///
/// `And` and `Or` produced by [`parse_filter`] always have at least two
/// members and are flattened: an `And` never directly contains an `And`,
/// and an `Or` never directly contains an `Or`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Filter {
    /// All members must match.
    And(Vec<Filter>),
    /// At least one member must match.
    Or(Vec<Filter>),
    /// The inner filter must not match.
    Not(Box<Filter>),
    /// A single `FIELD OP VALUE` condition.
    Cond(Condition),
}

/// One condition: `field op values…`.
///
/// `values` holds no value for [`Op::Empty`] / [`Op::NotEmpty`], exactly one
/// for the binary operators, and one or more for [`Op::In`]. Values are kept
/// as the user typed them (after unquoting); typing happens later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    /// Field key, an ASCII identifier normalized to lowercase.
    pub field: String,
    /// The comparison.
    pub op: Op,
    /// The operand(s), see the type documentation for their count.
    pub values: Vec<String>,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Op {
    /// `=` (also `==`).
    Eq,
    /// `!=` (also `<>`).
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `contains`: substring match.
    Contains,
    /// `starts-with` (also `starts_with`): prefix match.
    StartsWith,
    /// `in (a, b, …)`: equal to one of the listed values.
    In,
    /// `empty`: the field has no value. Takes no operand.
    Empty,
    /// `not-empty` (also `not_empty`): the field has a value. Takes no operand.
    NotEmpty,
}

impl Op {
    /// The canonical spelling, as printed by `Display` and accepted by
    /// [`parse_filter`]: `=`, `!=`, `<`, `<=`, `>`, `>=`, `contains`,
    /// `starts-with`, `in`, `empty`, `not-empty`.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Contains => "contains",
            Op::StartsWith => "starts-with",
            Op::In => "in",
            Op::Empty => "empty",
            Op::NotEmpty => "not-empty",
        }
    }
}

/// Why a filter expression could not be parsed, and where.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
#[error("filter {src:?}: {message} at column {column}")]
pub struct FilterParseError {
    /// The whole input that was being parsed.
    pub src: String,
    /// 1-based column, counted in characters (not bytes).
    pub column: usize,
    /// What went wrong, in plain words (e.g. `expected a value after "="`).
    pub message: String,
}

/// Parses a filter expression such as `city = Moscow AND amount >= 1000`.
///
/// See the [module documentation](self) for the grammar. Never panics; deeply
/// nested input (more than 64 levels of parentheses and `NOT`) is rejected.
///
/// # Errors
///
/// Returns a [`FilterParseError`] with a 1-based character column and a
/// plain-words message when `src` is empty or does not follow the grammar.
pub fn parse_filter(src: &str) -> Result<Filter, FilterParseError> {
    Parser::new(src).parse()
}

impl Filter {
    /// Joins `parts` into an `And` or `Or`, splicing in members that are
    /// already of that kind; a single member is returned as is.
    fn group(kind: Connective, parts: Vec<Filter>) -> Filter {
        let mut flat = Vec::with_capacity(parts.len());
        for part in parts {
            match (kind, part) {
                (Connective::And, Filter::And(inner)) | (Connective::Or, Filter::Or(inner)) => {
                    flat.extend(inner);
                }
                (_, other) => flat.push(other),
            }
        }
        match <[Filter; 1]>::try_from(flat) {
            Ok([only]) => only,
            Err(flat) => match kind {
                Connective::And => Filter::And(flat),
                Connective::Or => Filter::Or(flat),
            },
        }
    }
}

// ---------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------

type PResult<T> = Result<T, FilterParseError>;

#[derive(Clone, Copy, PartialEq)]
enum Connective {
    And,
    Or,
}

/// Recursive-descent parser over the input's characters; `pos` is a char index.
struct Parser<'a> {
    src: &'a str,
    chars: Vec<char>,
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        Self {
            src,
            chars: src.chars().collect(),
            pos: 0,
            depth: 0,
        }
    }

    fn parse(mut self) -> PResult<Filter> {
        self.skip_ws();
        if self.at_end() {
            return Err(self.error_at(0, "empty filter: expected a condition such as `city = Moscow`"));
        }
        let filter = self.parse_or("")?;
        self.skip_ws();
        match self.peek() {
            None => Ok(filter),
            Some(')') => Err(self.error("unbalanced parenthesis: \")\" has no matching \"(\"")),
            Some(_) => Err(self.error(format!("expected AND or OR between conditions{}", self.found()))),
        }
    }

    /// `or = and { OR and }`. `ctx` describes what precedes, for error messages.
    fn parse_or(&mut self, ctx: &str) -> PResult<Filter> {
        let mut parts = vec![self.parse_and(ctx)?];
        loop {
            self.skip_ws();
            match self.connective() {
                Some((Connective::Or, len)) => {
                    let keyword = self.text(self.pos, self.pos.saturating_add(len));
                    self.bump(len);
                    parts.push(self.parse_and(&format!(" after {keyword:?}"))?);
                }
                _ => return Ok(Filter::group(Connective::Or, parts)),
            }
        }
    }

    /// `and = unary { AND unary }`.
    fn parse_and(&mut self, ctx: &str) -> PResult<Filter> {
        let mut parts = vec![self.parse_unary(ctx)?];
        loop {
            self.skip_ws();
            match self.connective() {
                Some((Connective::And, len)) => {
                    let keyword = self.text(self.pos, self.pos.saturating_add(len));
                    self.bump(len);
                    parts.push(self.parse_unary(&format!(" after {keyword:?}"))?);
                }
                _ => return Ok(Filter::group(Connective::And, parts)),
            }
        }
    }

    /// `unary = { NOT } primary`, looping over the `NOT`s rather than recursing.
    fn parse_unary(&mut self, ctx: &str) -> PResult<Filter> {
        let mut nots = 0;
        let mut ctx = ctx.to_owned();
        loop {
            self.skip_ws();
            if !self.at_not_keyword() {
                break;
            }
            if self.depth >= MAX_DEPTH {
                self.depth -= nots;
                return Err(self.too_deep());
            }
            self.depth += 1;
            nots += 1;
            ctx = format!(" after {:?}", self.text(self.pos, self.pos.saturating_add(3)));
            self.bump(3);
        }
        let inner = self.parse_primary(&ctx);
        self.depth -= nots;
        let mut filter = inner?;
        for _ in 0..nots {
            filter = Filter::Not(Box::new(filter));
        }
        Ok(filter)
    }

    /// `primary = "(" or ")" | condition`.
    fn parse_primary(&mut self, ctx: &str) -> PResult<Filter> {
        self.skip_ws();
        let Some(c) = self.peek() else {
            return Err(self.error(format!("expected a condition{ctx}")));
        };
        if c == '(' {
            if self.depth >= MAX_DEPTH {
                return Err(self.too_deep());
            }
            let open = self.pos;
            self.depth += 1;
            self.bump(1);
            let inner = self.parse_or(" after \"(\"");
            self.depth -= 1;
            let inner = inner?;
            self.skip_ws();
            return match self.peek() {
                Some(')') => {
                    self.bump(1);
                    Ok(inner)
                }
                None => Err(self.error_at(open, "unbalanced parenthesis: \"(\" is never closed")),
                Some(_) => Err(self.error(format!("expected AND, OR or \")\"{}", self.found()))),
            };
        }
        if c.is_ascii_alphabetic() || c == '_' {
            return self.parse_condition();
        }
        if c.is_alphanumeric() {
            return Err(self.error(format!(
                "expected a field name (ASCII letters, digits and \"_\", not starting with a digit){ctx}{}",
                self.found()
            )));
        }
        Err(self.error(format!(
            "expected a condition (a field name, NOT or \"(\"){ctx}{}",
            self.found()
        )))
    }

    /// `condition = FIELD OP [value | list]`; the cursor is on the field's first char.
    fn parse_condition(&mut self) -> PResult<Filter> {
        let start = self.pos;
        let len = self.word_len(false);
        let field = self.text(start, start.saturating_add(len));
        self.bump(len);
        self.skip_ws();
        let (op, op_text) = self.parse_op(&field)?;
        let values = match op {
            Op::Empty | Op::NotEmpty => Vec::new(),
            Op::In => self.parse_list(&op_text)?,
            _ => vec![self.parse_value(&op_text, false)?],
        };
        Ok(Filter::Cond(Condition {
            field: field.to_ascii_lowercase(),
            op,
            values,
        }))
    }

    /// Reads an operator, returning it with its text as typed.
    fn parse_op(&mut self, field: &str) -> PResult<(Op, String)> {
        const SYMBOLS: [(&str, Op); 8] = [
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<>", Op::Ne),
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("=", Op::Eq),
            ("<", Op::Lt),
            (">", Op::Gt),
        ];
        for (symbol, op) in SYMBOLS {
            if self.looking_at(symbol) {
                self.bump(symbol.chars().count());
                return Ok((op, symbol.to_owned()));
            }
        }
        if self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            let len = self.word_len(true);
            let word = self.text(self.pos, self.pos.saturating_add(len));
            let op = match word.to_ascii_lowercase().as_str() {
                "contains" => Some(Op::Contains),
                "starts-with" | "starts_with" => Some(Op::StartsWith),
                "in" => Some(Op::In),
                "empty" => Some(Op::Empty),
                "not-empty" | "not_empty" => Some(Op::NotEmpty),
                _ => None,
            };
            if let Some(op) = op {
                self.bump(len);
                return Ok((op, word));
            }
        }
        Err(self.error(format!(
            "expected an operator ({OPERATOR_LIST}) after {field:?}{}",
            self.found()
        )))
    }

    /// Reads `( value { , value } )` after `in`.
    fn parse_list(&mut self, op_text: &str) -> PResult<Vec<String>> {
        self.skip_ws();
        if self.peek() != Some('(') {
            return Err(self.error(format!(
                "expected \"(\" after {op_text:?}, as in `status in (new, \"on hold\")`{}",
                self.found()
            )));
        }
        let open = self.pos;
        self.bump(1);
        let never_closed = "unbalanced parenthesis: the list opened here is never closed";
        let mut values = Vec::new();
        let mut after = "(";
        loop {
            self.skip_ws();
            match self.peek() {
                None => return Err(self.error_at(open, never_closed)),
                Some(')') if values.is_empty() => {
                    return Err(self.error(format!("expected at least one value in the list after {op_text:?}")));
                }
                _ => {}
            }
            values.push(self.parse_value(after, true)?);
            self.skip_ws();
            match self.peek() {
                Some(',') => {
                    self.bump(1);
                    after = ",";
                }
                Some(')') => {
                    self.bump(1);
                    return Ok(values);
                }
                None => return Err(self.error_at(open, never_closed)),
                Some(_) => {
                    return Err(self.error(format!(
                        "expected \",\" or \")\" in the list after {op_text:?}{}",
                        self.found()
                    )));
                }
            }
        }
    }

    /// Reads a quoted or bare value; `after` is the preceding token, for messages.
    fn parse_value(&mut self, after: &str, in_list: bool) -> PResult<String> {
        self.skip_ws();
        let expected = format!("expected a value after {after:?}");
        match self.peek() {
            None => Err(self.error(expected)),
            Some(quote @ ('"' | '\'')) => self.parse_quoted(quote),
            Some('(') if !in_list => Err(self.error(format!(
                "{expected} but found \"(\" (a parenthesized list is only allowed after \"in\")"
            ))),
            Some('(') => Err(self.error(format!("{expected} but found \"(\" (lists cannot be nested)"))),
            Some(_) => {
                let start = self.pos;
                while let Some(c) = self.peek() {
                    let ends = c.is_whitespace()
                        || c == ')'
                        || (in_list && c == ',')
                        || self.looking_at("&&")
                        || self.looking_at("||");
                    if ends {
                        break;
                    }
                    self.bump(1);
                }
                if self.pos == start {
                    return Err(self.error(format!("{expected}{}", self.found())));
                }
                Ok(self.text(start, self.pos))
            }
        }
    }

    /// Reads a string quoted with `quote`; the cursor is on the opening quote.
    fn parse_quoted(&mut self, quote: char) -> PResult<String> {
        let open = self.pos;
        self.bump(1);
        let mut value = String::new();
        loop {
            match self.peek() {
                None => {
                    return Err(self.error_at(
                        open,
                        format!("unclosed quote: the string opened with {quote} here has no closing {quote}"),
                    ));
                }
                Some('\\') => match self.peek_at(1) {
                    Some(escaped @ ('"' | '\'' | '\\')) => {
                        value.push(escaped);
                        self.bump(2);
                    }
                    // Unknown escapes are kept literally, so `"C:\Users"` works.
                    _ => {
                        value.push('\\');
                        self.bump(1);
                    }
                },
                Some(c) if c == quote => {
                    self.bump(1);
                    return Ok(value);
                }
                Some(c) => {
                    value.push(c);
                    self.bump(1);
                }
            }
        }
    }

    // -- lexical helpers ----------------------------------------------------

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos.saturating_add(offset)).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn bump(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.chars.len());
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn looking_at(&self, s: &str) -> bool {
        s.chars().enumerate().all(|(i, c)| self.peek_at(i) == Some(c))
    }

    fn text(&self, start: usize, end: usize) -> String {
        self.chars
            .get(start..end)
            .map(|s| s.iter().collect())
            .unwrap_or_default()
    }

    /// Length of the run of `[A-Za-z0-9_]` (plus `-` if `dash`) at the cursor.
    fn word_len(&self, dash: bool) -> usize {
        self.chars
            .get(self.pos..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&c| c.is_ascii_alphanumeric() || c == '_' || (dash && c == '-'))
            .count()
    }

    /// `AND`/`&&` or `OR`/`||` at the cursor, with its length in chars.
    fn connective(&self) -> Option<(Connective, usize)> {
        if self.looking_at("&&") {
            return Some((Connective::And, 2));
        }
        if self.looking_at("||") {
            return Some((Connective::Or, 2));
        }
        let len = self.word_len(false);
        let word = self.text(self.pos, self.pos.saturating_add(len));
        if word.eq_ignore_ascii_case("and") {
            Some((Connective::And, len))
        } else if word.eq_ignore_ascii_case("or") {
            Some((Connective::Or, len))
        } else {
            None
        }
    }

    /// Whether the cursor is on the `NOT` keyword (rather than a field named `not`,
    /// which is recognized by a symbolic operator following it).
    fn at_not_keyword(&self) -> bool {
        let len = self.word_len(false);
        if len != 3
            || !self
                .text(self.pos, self.pos.saturating_add(3))
                .eq_ignore_ascii_case("not")
        {
            return false;
        }
        let next = self
            .chars
            .get(self.pos.saturating_add(3)..)
            .unwrap_or_default()
            .iter()
            .find(|c| !c.is_whitespace());
        !matches!(next, Some('=' | '!' | '<' | '>'))
    }

    /// ` but found "…"` describing the input at the cursor, or nothing at the end.
    fn found(&self) -> String {
        let Some(first) = self.peek() else {
            return String::new();
        };
        let mut snippet: String = if matches!(first, '(' | ')' | ',' | '"' | '\'') {
            first.to_string()
        } else {
            self.chars
                .get(self.pos..)
                .unwrap_or_default()
                .iter()
                .take_while(|&&c| !c.is_whitespace() && !matches!(c, '(' | ')' | ','))
                .take(MAX_SNIPPET_CHARS + 1)
                .collect()
        };
        if snippet.chars().count() > MAX_SNIPPET_CHARS {
            snippet = snippet.chars().take(MAX_SNIPPET_CHARS).collect();
            snippet.push('…');
        }
        format!(" but found {snippet:?}")
    }

    fn error(&self, message: impl Into<String>) -> FilterParseError {
        self.error_at(self.pos, message)
    }

    fn error_at(&self, pos: usize, message: impl Into<String>) -> FilterParseError {
        FilterParseError {
            src: self.src.to_owned(),
            column: pos.saturating_add(1),
            message: message.into(),
        }
    }

    fn too_deep(&self) -> FilterParseError {
        self.error(format!(
            "too deeply nested: at most {MAX_DEPTH} levels of parentheses and NOT are allowed"
        ))
    }
}

// ---------------------------------------------------------------------------
// Display
// ---------------------------------------------------------------------------

/// Prints the canonical form: canonical operator spellings, upper-case
/// `AND`/`OR`/`NOT`, single spaces, parentheses only where needed, and values
/// double-quoted only when a bare word would not read back the same.
///
/// Every filter returned by [`parse_filter`] prints to text that parses back
/// to an equal filter. Hand-built filters print with the same meaning, but
/// nested or single-member `And`/`Or` come back flattened, and empty
/// `And`/`Or` (printed `()`) or an empty `in` list have no parsable form.
impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Cond(condition) => condition.fmt(f),
            Filter::Not(inner) => {
                f.write_str("NOT ")?;
                write_member(f, inner, matches!(**inner, Filter::And(_) | Filter::Or(_)))
            }
            Filter::And(parts) => write_joined(f, parts, " AND ", |p| matches!(p, Filter::And(_) | Filter::Or(_))),
            Filter::Or(parts) => write_joined(f, parts, " OR ", |p| matches!(p, Filter::Or(_))),
        }
    }
}

fn write_joined(
    f: &mut fmt::Formatter<'_>,
    parts: &[Filter],
    separator: &str,
    needs_parens: fn(&Filter) -> bool,
) -> fmt::Result {
    if parts.is_empty() {
        return f.write_str("()");
    }
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        write_member(f, part, needs_parens(part))?;
    }
    Ok(())
}

fn write_member(f: &mut fmt::Formatter<'_>, filter: &Filter, parens: bool) -> fmt::Result {
    if parens {
        write!(f, "({filter})")
    } else {
        write!(f, "{filter}")
    }
}

/// Prints `field op value`, `field in (a, b)` or `field empty`.
impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.op)?;
        match self.op {
            Op::Empty | Op::NotEmpty => Ok(()),
            Op::In => {
                f.write_str(" (")?;
                for (i, value) in self.values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write_value(f, value)?;
                }
                f.write_char(')')
            }
            _ => {
                f.write_char(' ')?;
                write_value(f, self.values.first().map_or("", String::as_str))
            }
        }
    }
}

/// Prints [`Op::as_str`].
impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Writes `value` bare when it reads back unchanged as a bare word, else double-quoted.
fn write_value(f: &mut fmt::Formatter<'_>, value: &str) -> fmt::Result {
    let needs_quotes = value.is_empty()
        || value.starts_with(['"', '\'', '('])
        || value.contains("&&")
        || value.contains("||")
        || value.chars().any(|c| c.is_whitespace() || c == ')' || c == ',');
    if !needs_quotes {
        return f.write_str(value);
    }
    f.write_char('"')?;
    for c in value.chars() {
        if c == '"' || c == '\\' {
            f.write_char('\\')?;
        }
        f.write_char(c)?;
    }
    f.write_char('"')
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(field: &str, op: Op, values: &[&str]) -> Filter {
        Filter::Cond(Condition {
            field: field.to_owned(),
            op,
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        })
    }

    fn parse(src: &str) -> Filter {
        parse_filter(src).unwrap_or_else(|e| panic!("{e}"))
    }

    fn parse_err(src: &str) -> FilterParseError {
        match parse_filter(src) {
            Ok(filter) => panic!("{src:?} parsed unexpectedly as {filter:?}"),
            Err(e) => e,
        }
    }

    /// Asserts that `src` fails at `column` with a message containing `needle`.
    fn assert_error(src: &str, column: usize, needle: &str) {
        let e = parse_err(src);
        assert_eq!(e.column, column, "column for {src:?}: {e}");
        assert!(e.message.contains(needle), "message for {src:?} lacks {needle:?}: {e}");
        assert_eq!(e.src, src);
    }

    // -- operators ----------------------------------------------------------

    #[test]
    fn equals_accepts_single_and_double_sign() {
        assert_eq!(parse("city = Moscow"), cond("city", Op::Eq, &["Moscow"]));
        assert_eq!(parse("city == Moscow"), cond("city", Op::Eq, &["Moscow"]));
    }

    #[test]
    fn not_equal_accepts_bang_and_angle_spellings() {
        assert_eq!(parse("city != Moscow"), cond("city", Op::Ne, &["Moscow"]));
        assert_eq!(parse("city <> Moscow"), cond("city", Op::Ne, &["Moscow"]));
    }

    #[test]
    fn comparison_operators_parse_with_or_without_spaces() {
        assert_eq!(parse("amount < 10"), cond("amount", Op::Lt, &["10"]));
        assert_eq!(parse("amount <= 10"), cond("amount", Op::Le, &["10"]));
        assert_eq!(parse("amount > 10"), cond("amount", Op::Gt, &["10"]));
        assert_eq!(parse("amount >= 10"), cond("amount", Op::Ge, &["10"]));
        assert_eq!(parse("amount>=10"), cond("amount", Op::Ge, &["10"]));
        assert_eq!(parse("amount<-3"), cond("amount", Op::Lt, &["-3"]));
    }

    #[test]
    fn word_operators_are_case_insensitive() {
        assert_eq!(parse("name contains ann"), cond("name", Op::Contains, &["ann"]));
        assert_eq!(parse("name CONTAINS ann"), cond("name", Op::Contains, &["ann"]));
        assert_eq!(parse("name starts-with An"), cond("name", Op::StartsWith, &["An"]));
        assert_eq!(parse("name Starts_With An"), cond("name", Op::StartsWith, &["An"]));
    }

    #[test]
    fn in_takes_a_list_of_bare_and_quoted_values() {
        let expected = cond("status", Op::In, &["new", "on hold", "active"]);
        assert_eq!(parse(r#"status in (new, "on hold", active)"#), expected);
        assert_eq!(parse("status IN(new,'on hold' ,active )"), expected);
        assert_eq!(parse("status in (new)"), cond("status", Op::In, &["new"]));
        assert_eq!(
            parse("city in (Москва, تهران)"),
            cond("city", Op::In, &["Москва", "تهران"])
        );
    }

    #[test]
    fn empty_and_not_empty_take_no_value() {
        assert_eq!(parse("email empty"), cond("email", Op::Empty, &[]));
        assert_eq!(parse("email EMPTY"), cond("email", Op::Empty, &[]));
        assert_eq!(parse("email not-empty"), cond("email", Op::NotEmpty, &[]));
        assert_eq!(parse("email not_empty"), cond("email", Op::NotEmpty, &[]));
        assert_eq!(
            parse("email empty AND phone not-empty"),
            Filter::And(vec![cond("email", Op::Empty, &[]), cond("phone", Op::NotEmpty, &[])])
        );
    }

    #[test]
    fn field_names_are_lowercased() {
        assert_eq!(parse("First_Name = Ann"), cond("first_name", Op::Eq, &["Ann"]));
        assert_eq!(parse("_x9 = 1"), cond("_x9", Op::Eq, &["1"]));
    }

    // -- values -------------------------------------------------------------

    #[test]
    fn quoted_values_keep_spaces_and_unescape() {
        assert_eq!(parse(r#"name = "Ann  Lee""#), cond("name", Op::Eq, &["Ann  Lee"]));
        assert_eq!(parse("name = 'Ann Lee'"), cond("name", Op::Eq, &["Ann Lee"]));
        assert_eq!(parse(r#"q = "say \"hi\"""#), cond("q", Op::Eq, &[r#"say "hi""#]));
        assert_eq!(parse(r"q = 'O\'Brien'"), cond("q", Op::Eq, &["O'Brien"]));
        assert_eq!(parse(r#"q = "a\\b""#), cond("q", Op::Eq, &[r"a\b"]));
        assert_eq!(parse(r#"q = "it's""#), cond("q", Op::Eq, &["it's"]));
        assert_eq!(parse(r"q = ''"), cond("q", Op::Eq, &[""]));
        assert_eq!(parse("q = \"AND ( ) , OR\""), cond("q", Op::Eq, &["AND ( ) , OR"]));
    }

    #[test]
    fn unknown_escapes_keep_the_backslash() {
        assert_eq!(parse(r#"path = "C:\Users\n""#), cond("path", Op::Eq, &[r"C:\Users\n"]));
    }

    #[test]
    fn bare_values_may_be_unicode() {
        assert_eq!(parse("city = Москва"), cond("city", Op::Eq, &["Москва"]));
        assert_eq!(parse("city = تهران"), cond("city", Op::Eq, &["تهران"]));
        assert_eq!(parse("city=Москва&&x=1").to_string(), "city = Москва AND x = 1");
    }

    #[test]
    fn bare_values_may_be_numbers_and_dates() {
        assert_eq!(parse("amount = 1234.5"), cond("amount", Op::Eq, &["1234.5"]));
        assert_eq!(parse("amount > -3"), cond("amount", Op::Gt, &["-3"]));
        assert_eq!(parse("born >= 2024-03-01"), cond("born", Op::Ge, &["2024-03-01"]));
        assert_eq!(parse("birthday = --03-14"), cond("birthday", Op::Eq, &["--03-14"]));
    }

    #[test]
    fn bare_values_stop_at_close_paren_and_keep_inner_punctuation() {
        assert_eq!(parse("(a = x)"), cond("a", Op::Eq, &["x"]));
        assert_eq!(parse("a = O'Brien"), cond("a", Op::Eq, &["O'Brien"]));
        assert_eq!(parse("a = R&D"), cond("a", Op::Eq, &["R&D"]));
        assert_eq!(parse("a = x,y"), cond("a", Op::Eq, &["x,y"]));
    }

    #[test]
    fn values_in_value_position_may_look_like_keywords() {
        assert_eq!(parse("a = AND"), cond("a", Op::Eq, &["AND"]));
        assert_eq!(parse("a in (or, not)"), cond("a", Op::In, &["or", "not"]));
    }

    // -- structure ----------------------------------------------------------

    #[test]
    fn and_binds_tighter_than_or() {
        assert_eq!(
            parse("a = 1 OR b = 2 AND c = 3"),
            Filter::Or(vec![
                cond("a", Op::Eq, &["1"]),
                Filter::And(vec![cond("b", Op::Eq, &["2"]), cond("c", Op::Eq, &["3"])]),
            ])
        );
        assert_eq!(
            parse("a = 1 AND b = 2 OR c = 3"),
            Filter::Or(vec![
                Filter::And(vec![cond("a", Op::Eq, &["1"]), cond("b", Op::Eq, &["2"])]),
                cond("c", Op::Eq, &["3"]),
            ])
        );
    }

    #[test]
    fn parentheses_override_precedence() {
        assert_eq!(
            parse("(a = 1 OR b = 2) AND c = 3"),
            Filter::And(vec![
                Filter::Or(vec![cond("a", Op::Eq, &["1"]), cond("b", Op::Eq, &["2"])]),
                cond("c", Op::Eq, &["3"]),
            ])
        );
        assert_eq!(parse("((a = 1))"), cond("a", Op::Eq, &["1"]));
    }

    #[test]
    fn nested_same_kind_groups_are_flattened() {
        let abc = |wrap: fn(Vec<Filter>) -> Filter| {
            wrap(vec![
                cond("a", Op::Eq, &["1"]),
                cond("b", Op::Eq, &["2"]),
                cond("c", Op::Eq, &["3"]),
            ])
        };
        assert_eq!(parse("a = 1 AND b = 2 AND c = 3"), abc(Filter::And));
        assert_eq!(parse("a = 1 AND (b = 2 AND c = 3)"), abc(Filter::And));
        assert_eq!(parse("(a = 1 OR b = 2) OR c = 3"), abc(Filter::Or));
    }

    #[test]
    fn not_negates_a_condition_or_a_group() {
        assert_eq!(parse("NOT a = 1"), Filter::Not(Box::new(cond("a", Op::Eq, &["1"]))));
        assert_eq!(
            parse("not (a = 1 OR b = 2)"),
            Filter::Not(Box::new(Filter::Or(vec![
                cond("a", Op::Eq, &["1"]),
                cond("b", Op::Eq, &["2"])
            ])))
        );
        assert_eq!(
            parse("NOT NOT a empty"),
            Filter::Not(Box::new(Filter::Not(Box::new(cond("a", Op::Empty, &[])))))
        );
        assert_eq!(parse("NOT(a = 1)"), Filter::Not(Box::new(cond("a", Op::Eq, &["1"]))));
    }

    #[test]
    fn not_binds_tighter_than_and() {
        assert_eq!(
            parse("NOT a = 1 AND b = 2"),
            Filter::And(vec![
                Filter::Not(Box::new(cond("a", Op::Eq, &["1"]))),
                cond("b", Op::Eq, &["2"])
            ])
        );
    }

    #[test]
    fn a_field_named_not_works_with_symbolic_operators() {
        assert_eq!(parse("not = 1"), cond("not", Op::Eq, &["1"]));
        assert_eq!(parse("NOT != 1"), cond("not", Op::Ne, &["1"]));
        assert_eq!(parse("nothing = 1"), cond("nothing", Op::Eq, &["1"]));
        assert_eq!(parse("and = 1 and or = 2").to_string(), "and = 1 AND or = 2");
    }

    #[test]
    fn symbolic_connectives_and_case_insensitive_keywords() {
        let expected = Filter::Or(vec![
            cond("a", Op::Eq, &["1"]),
            Filter::And(vec![cond("b", Op::Eq, &["2"]), cond("c", Op::Eq, &["3"])]),
        ]);
        assert_eq!(parse("a = 1 || b = 2 && c = 3"), expected);
        assert_eq!(parse("a = 1 or b = 2 And c = 3"), expected);
        assert_eq!(parse("a=1||b=2&&c=3"), expected);
    }

    #[test]
    fn whitespace_outside_quotes_is_insignificant() {
        let expected = Filter::And(vec![cond("a", Op::Eq, &["1"]), cond("b", Op::Lt, &["2"])]);
        assert_eq!(parse("(a=1)AND(b<2)"), expected);
        assert_eq!(parse("\t ( a \n = 1 ) \r\n AND\tb<2  "), expected);
    }

    // -- errors -------------------------------------------------------------

    #[test]
    fn empty_or_blank_input_is_an_error() {
        assert_error("", 1, "empty filter");
        assert_error("   \t", 1, "empty filter");
    }

    #[test]
    fn missing_operator_is_reported_after_the_field() {
        let e = parse_err("city Moscow");
        assert_eq!(e.column, 6);
        assert_eq!(
            e.message,
            "expected an operator (=, !=, <, <=, >, >=, contains, starts-with, in, empty, not-empty) \
             after \"city\" but found \"Moscow\""
        );
        assert_error("city", 5, "expected an operator");
        assert_error("city like x", 6, "but found \"like\"");
        assert_error("a ! 1", 3, "expected an operator");
    }

    #[test]
    fn missing_value_is_reported_after_the_operator() {
        let e = parse_err("city =");
        assert_eq!((e.column, e.message.as_str()), (7, "expected a value after \"=\""));
        assert_error("(city = )", 9, "expected a value after \"=\" but found \")\"");
        assert_error("city contains && b = 1", 15, "expected a value after \"contains\"");
        assert_error("a = (1, 2)", 5, "only allowed after \"in\"");
    }

    #[test]
    fn unclosed_quote_points_at_the_opening_quote() {
        assert_error("name = \"Ann", 8, "unclosed quote");
        assert_error("a = 1 AND name = 'Ann\\'", 18, "unclosed quote");
        assert_error("город = \"Москва", 1, "expected a field name");
        assert_error("c = 1 AND city = \"Москва", 18, "unclosed quote");
    }

    #[test]
    fn unbalanced_parentheses_are_reported() {
        assert_error("(a = 1", 1, "unbalanced parenthesis");
        assert_error("a = 1 AND ((b = 2)", 11, "unbalanced parenthesis");
        assert_error("a = 1)", 6, "unbalanced parenthesis");
        assert_error("(a = 1))", 8, "unbalanced parenthesis");
        assert_error("a in (1, 2", 6, "unbalanced parenthesis");
    }

    #[test]
    fn in_list_mistakes_are_reported() {
        assert_error("a in 1, 2", 6, "expected \"(\" after \"in\"");
        assert_error("a in ()", 7, "expected at least one value");
        assert_error("a in (1,)", 9, "expected a value after \",\"");
        assert_error("a in (1 2)", 9, "expected \",\" or \")\"");
        assert_error("a in ((1))", 7, "lists cannot be nested");
    }

    #[test]
    fn misplaced_connectives_and_junk_are_reported() {
        assert_error("a = 1 AND", 10, "expected a condition after \"AND\"");
        assert_error("a = 1 ||", 9, "expected a condition after \"||\"");
        assert_error("NOT", 4, "expected a condition after \"NOT\"");
        assert_error("AND a = 1", 5, "expected an operator");
        assert_error(
            "a = 1 b = 2",
            7,
            "expected AND or OR between conditions but found \"b\"",
        );
        assert_error("(a = 1 b = 2)", 8, "expected AND, OR or \")\"");
        assert_error("()", 2, "expected a condition (a field name, NOT or \"(\") after \"(\"");
        assert_error("= 1", 1, "expected a condition");
        assert_error("1a = 2", 1, "expected a field name");
        assert_error("a = 1 OR OR b = 1", 13, "expected an operator");
    }

    #[test]
    fn error_columns_count_characters_not_bytes() {
        assert_error("city = Москва Москва", 15, "but found \"Москва\"");
    }

    #[test]
    fn long_offending_input_is_truncated_in_messages() {
        let e = parse_err("a = 1 bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
        assert!(e.message.ends_with("but found \"bbbbbbbbbbbbbbbbbbbb…\""), "{e}");
    }

    #[test]
    fn error_display_names_source_message_and_column() {
        assert_eq!(
            parse_err("city =").to_string(),
            "filter \"city =\": expected a value after \"=\" at column 7"
        );
    }

    #[test]
    fn nesting_is_limited_to_64_levels() {
        let nested = |n: usize| format!("{}a = 1{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(parse(&nested(64)), cond("a", Op::Eq, &["1"]));
        assert_error(&nested(65), 65, "too deeply nested");
        assert_error(&"(".repeat(100_000), 65, "too deeply nested");
        assert_error(&"NOT ".repeat(100_000), 257, "too deeply nested");
        let nots = format!("{}a = 1", "NOT ".repeat(64));
        assert!(matches!(parse(&nots), Filter::Not(_)));
        assert_error(&format!("{}a = 1", "NOT (".repeat(40)), 161, "too deeply nested");
    }

    // -- display ------------------------------------------------------------

    #[test]
    fn display_prints_the_canonical_form() {
        let cases = [
            ("a == 1", "a = 1"),
            ("A <> 1", "a != 1"),
            ("n Starts_With 'a b'", "n starts-with \"a b\""),
            ("e NOT_EMPTY", "e not-empty"),
            ("s IN(x,'y z')", "s in (x, \"y z\")"),
            ("a=1&&b=2||c=3", "a = 1 AND b = 2 OR c = 3"),
            ("(a = 1 || b = 2) && c = 3", "(a = 1 OR b = 2) AND c = 3"),
            ("not (a = 1 and b = 2)", "NOT (a = 1 AND b = 2)"),
            ("NOT ((a = 1))", "NOT a = 1"),
            ("q = 'say \"hi\" \\\\'", r#"q = "say \"hi\" \\""#),
            ("q = ''", r#"q = """#),
        ];
        for (src, canonical) in cases {
            assert_eq!(parse(src).to_string(), canonical, "for {src:?}");
        }
    }

    #[test]
    fn display_round_trips_through_parse() {
        let sources = [
            "city = Moscow AND amount >= 1000",
            "a = 1 OR b = 2 AND c = 3",
            "(a = 1 OR b = 2) AND NOT (c = 3 OR d empty)",
            r#"status in (new, "on hold", active, "a,b", ")", "")"#,
            r#"name = "Ann \"the\" Lee" OR name contains 'O\'B'"#,
            r"path = 'C:\\dir\\' AND p2 = C:\dir",
            "city = Москва OR city = تهران",
            "birthday = --03-14 AND born < 2024-03-01 AND amount > -3.5",
            "x = '&&' || y = 'a||b' || z = \"(\"",
            "NOT NOT a not-empty",
            "not = 1 AND NOT not = 2",
            "a = AND OR b = OR",
            "q = \"tab\there\" AND r = \"line\nbreak\"",
            "((a = 1 AND (b = 2 OR (c = 3 AND NOT (d = 4 OR e = 5)))))",
        ];
        for src in sources {
            let filter = parse(src);
            let printed = filter.to_string();
            assert_eq!(parse_filter(&printed), Ok(filter), "{src:?} printed as {printed:?}");
        }
    }

    #[test]
    fn display_parenthesizes_hand_built_nesting_by_meaning() {
        let a = cond("a", Op::Eq, &["1"]);
        let b = cond("b", Op::Eq, &["2"]);
        let c = cond("c", Op::Eq, &["3"]);
        let or_in_and = Filter::And(vec![Filter::Or(vec![a.clone(), b.clone()]), c.clone()]);
        assert_eq!(or_in_and.to_string(), "(a = 1 OR b = 2) AND c = 3");
        let and_in_or = Filter::Or(vec![Filter::And(vec![a.clone(), b.clone()]), c.clone()]);
        assert_eq!(and_in_or.to_string(), "a = 1 AND b = 2 OR c = 3");
        let not_and = Filter::Not(Box::new(Filter::And(vec![a.clone(), b])));
        assert_eq!(not_and.to_string(), "NOT (a = 1 AND b = 2)");
        let and_in_and = Filter::And(vec![Filter::And(vec![a.clone(), c.clone()]), a]);
        assert_eq!(
            parse(&and_in_and.to_string()),
            Filter::And(vec![cond("a", Op::Eq, &["1"]), c, cond("a", Op::Eq, &["1"]),])
        );
    }

    #[test]
    fn op_as_str_is_accepted_by_the_parser() {
        let ops = [
            Op::Eq,
            Op::Ne,
            Op::Lt,
            Op::Le,
            Op::Gt,
            Op::Ge,
            Op::Contains,
            Op::StartsWith,
            Op::In,
            Op::Empty,
            Op::NotEmpty,
        ];
        for op in ops {
            let values: &[&str] = match op {
                Op::Empty | Op::NotEmpty => &[],
                Op::In => &["x", "y"],
                _ => &["x"],
            };
            let filter = cond("f", op, values);
            assert_eq!(parse(&filter.to_string()), filter, "{}", op.as_str());
            assert_eq!(op.to_string(), op.as_str());
        }
    }

    #[test]
    fn filter_types_implement_serde() {
        fn assert_serde<T: Serialize + serde::de::DeserializeOwned>() {}
        assert_serde::<Filter>();
        assert_serde::<Condition>();
        assert_serde::<Op>();
    }

    // -- robustness ---------------------------------------------------------

    /// Deterministic pseudo-random "soup" of operator, quote, paren, keyword,
    /// Latin, Cyrillic and Persian pieces: parsing must never panic, error
    /// columns must lie inside the input (or just past it), and every
    /// successful parse must survive a Display round-trip.
    #[test]
    fn random_soup_never_panics_and_round_trips() {
        const PIECES: &[&str] = &[
            " ",
            " ",
            " ",
            "\t",
            "\n",
            "(",
            ")",
            "(",
            ")",
            ",",
            "\"",
            "'",
            "\\",
            "=",
            "==",
            "!",
            "!=",
            "<",
            ">",
            "<=",
            ">=",
            "<>",
            "&",
            "&&",
            "|",
            "||",
            "-",
            "_",
            ".",
            "a",
            "b",
            "Z",
            "x1",
            "0",
            "7",
            "-3",
            "AND",
            "or",
            "Not",
            "NOT ",
            "in",
            "in (",
            "empty",
            "not-empty",
            "contains",
            "starts-with",
            "starts_with",
            "Москва",
            "ж",
            "تهران",
            "é",
            "\u{0}",
            "city = ",
            " AND ",
            " OR ",
            "a = 1",
            "\"x y\"",
            "'q'",
            "\\\"",
        ];
        let mut state: u64 = 0x5EED_CAFE_F00D_D00D;
        let mut next = move || {
            // Knuth's MMIX LCG; the high bits are the well-mixed ones.
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        let mut parsed_ok = 0;
        for _ in 0..5_000 {
            let len = next() % 24;
            let mut src = String::new();
            for _ in 0..len {
                src.push_str(PIECES[next() % PIECES.len()]);
            }
            match parse_filter(&src) {
                Ok(filter) => {
                    parsed_ok += 1;
                    let printed = filter.to_string();
                    assert_eq!(parse_filter(&printed), Ok(filter), "{src:?} printed as {printed:?}");
                }
                Err(e) => {
                    let max_column = src.chars().count() + 1;
                    assert!((1..=max_column).contains(&e.column), "bad column for {src:?}: {e}");
                    assert!(!e.message.is_empty());
                }
            }
        }
        assert!(parsed_ok > 0, "the soup should sometimes be a valid filter");
    }

    /// Random well-formed filters, shaped as the parser produces them (flat,
    /// lowercase fields) and full of awkward values, print to text that
    /// parses back to the very same filter.
    #[test]
    fn random_filters_round_trip_through_display() {
        const FIELDS: &[&str] = &["a", "city", "x_1", "_", "and", "or", "in", "empty"];
        const VALUES: &[&str] = &[
            "",
            " ",
            "\t",
            "Москва",
            "تهران",
            "a b",
            "\"",
            "'",
            "\\",
            "\\\"",
            "(",
            ")",
            ",",
            "&&",
            "||",
            "a&&b",
            "R&D",
            "-3",
            "1234.5",
            "--03-14",
            "AND",
            "NOT",
            "x)",
            "(x",
            "O'Brien",
            "=",
            "<>",
            "=x",
            "1,2",
            "é\u{0}",
        ];
        const OPS: [Op; 11] = [
            Op::Eq,
            Op::Ne,
            Op::Lt,
            Op::Le,
            Op::Gt,
            Op::Ge,
            Op::Contains,
            Op::StartsWith,
            Op::In,
            Op::Empty,
            Op::NotEmpty,
        ];
        struct Gen(u64);
        impl Gen {
            fn next(&mut self, n: usize) -> usize {
                self.0 = self
                    .0
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (self.0 >> 33) as usize % n
            }
            fn value(&mut self) -> String {
                VALUES[self.next(VALUES.len())].to_owned()
            }
            fn cond(&mut self) -> Filter {
                let op = OPS[self.next(OPS.len())];
                let values = match op {
                    Op::Empty | Op::NotEmpty => Vec::new(),
                    Op::In => (0..=self.next(3)).map(|_| self.value()).collect(),
                    _ => vec![self.value()],
                };
                let field = FIELDS[self.next(FIELDS.len())].to_owned();
                Filter::Cond(Condition { field, op, values })
            }
            /// A filter whose top level is not `exclude` (to keep groups flat).
            fn filter(&mut self, depth: usize, exclude: Option<Connective>) -> Filter {
                if depth == 0 {
                    return self.cond();
                }
                match self.next(4) {
                    0 => self.cond(),
                    1 => Filter::Not(Box::new(self.filter(depth - 1, None))),
                    kind => {
                        let kind = if kind == 2 { Connective::And } else { Connective::Or };
                        if exclude == Some(kind) {
                            return self.cond();
                        }
                        let parts = (0..2 + self.next(3))
                            .map(|_| self.filter(depth - 1, Some(kind)))
                            .collect();
                        match kind {
                            Connective::And => Filter::And(parts),
                            Connective::Or => Filter::Or(parts),
                        }
                    }
                }
            }
        }
        let mut generator = Gen(7);
        for _ in 0..2_000 {
            let filter = generator.filter(4, None);
            let printed = filter.to_string();
            assert_eq!(parse_filter(&printed), Ok(filter), "printed as {printed:?}");
        }
    }

    /// Same idea over raw single characters (including arbitrary Unicode).
    #[test]
    fn random_char_soup_never_panics() {
        let mut state: u64 = 42;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as u32
        };
        for _ in 0..3_000 {
            let len = next() % 32;
            let src: String = (0..len)
                .map(|_| match next() % 4 {
                    0 => char::from_u32(next() % 0x11_0000).unwrap_or('?'),
                    1 => char::from(b" ()\"'\\=!<>&|,-"[(next() % 14) as usize]),
                    2 => char::from(b'a' + (next() % 26) as u8),
                    _ => char::from_u32(0x0410 + next() % 64).unwrap_or('?'),
                })
                .collect();
            if let Ok(filter) = parse_filter(&src) {
                assert_eq!(parse_filter(&filter.to_string()), Ok(filter), "{src:?}");
            }
        }
    }
}
