//! .env files: reading them the way people's other tools do, and writing them so that those
//! tools (and vault) read back exactly the values written.
//!
//! The grammar is python-dotenv's, which node's dotenv agrees with wherever both accept a line:
//! `export ` prefixes, single and double quotes (both may span lines), escapes in double quotes,
//! `#` comments after whitespace or a closing quote, blank lines, CRLF (every line ending,
//! also inside quotes, reads as `\n`, as both tools read files). Where they differ, vault
//! picks one answer and says so in the README:
//!
//! - `${VAR}` and `$VAR` are kept as written, never expanded (as node's dotenv does): expanding
//!   would copy whatever the importing shell's environment holds into the vault.
//! - A line python-dotenv would skip with a warning is an error here, naming the line: an import
//!   that silently drops a key is worse than one that stops.
//! - Names must be environment-variable names; a UTF-8 byte-order mark is skipped.
//!
//! (dotenvy, the usual Rust crate, expands `$VAR` from the importing process's environment with
//! no way to turn it off, refuses unquoted values with spaces, and puts the whole offending line
//! — perhaps a secret — in its errors; so the grammar is written out here.)
//!
//! Errors name lines, never the text on them: a value may be a secret.
//!
//! Long: the reader and writer agree with python-dotenv and node's dotenv case by case, and
//! the last 160 lines are their tests.

use std::fmt;

use zeroize::Zeroizing;

use crate::names::{check_env_name, why_bad_env_name};
use crate::secret::{SecretText, SecretValue, ValueError};

/// One `NAME=value` line (or several, for a quoted multi-line value).
#[derive(Debug)]
pub struct Binding {
    pub name: String,
    pub value: SecretValue,
    /// The line the name is on, counting from 1.
    pub line: usize,
}

/// Something worth telling the person that does not stop the import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// A line with a name but no `=` (`export NAME`, or a stray word): nothing to import.
    NoValue { line: usize },
    /// A name given twice: the later value is used, as other tools do.
    Repeated {
        name: String,
        first: usize,
        line: usize,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The word on such a line is not repeated: it may be a pasted token.
            Note::NoValue { line } => write!(f, "line {line} has a name but no '=': skipped"),
            Note::Repeated { name, first, line } => write!(
                f,
                "{name} is set on line {first} and again on line {line}: the later value is used"
            ),
        }
    }
}

/// A file's bindings, in file order, each name once (the last value given for it).
#[derive(Debug, Default)]
pub struct Parsed {
    pub bindings: Vec<Binding>,
    pub notes: Vec<Note>,
}

/// Why a file cannot be read. Carries line numbers, never the text of a line.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("line {line}: {reason}{}", match .value_line {
    Some(start) if *start != *line => format!(" (in the value that starts on line {start})"),
    _ => String::new(),
})]
pub struct ParseError {
    pub line: usize,
    /// Where the binding began, when the problem is further into a multi-line value.
    pub value_line: Option<usize>,
    pub reason: Reason,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Reason {
    #[error("expected NAME=value")]
    NoName,
    #[error(
        "the name is not an environment-variable name ({0}); names are a letter or _ followed by \
         letters, digits or _"
    )]
    BadName(&'static str),
    #[error("expected '=' after the name (each line is NAME=value)")]
    NoEquals,
    #[error("the value's opening {0} quote is never closed")]
    Unclosed(QuoteKind),
    #[error(
        "unexpected text after the value's closing quote (a comment starts with '#'; quote the \
         whole value)"
    )]
    AfterQuote,
    #[error("{0}")]
    Value(ValueError),
    #[error("the file is not UTF-8 text")]
    NotUtf8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteKind {
    Single,
    Double,
}

impl fmt::Display for QuoteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QuoteKind::Single => "single",
            QuoteKind::Double => "double",
        })
    }
}

/// Reads a .env file's bytes.
pub fn parse_bytes(bytes: &[u8]) -> Result<Parsed, ParseError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text),
        Err(e) => Err(ParseError {
            line: 1 + count_breaks(&bytes[..e.valid_up_to()]),
            value_line: None,
            reason: Reason::NotUtf8,
        }),
    }
}

/// `text` with CR LF and lone CR made LF, in a buffer that wipes itself (sized for the
/// result, which is never longer than `text`).
fn normalize_line_ends(text: &str) -> Zeroizing<String> {
    let mut out = SecretText::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            chars.next_if_eq(&'\n');
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out.into_zeroizing()
}

/// Reads a .env file's text.
pub fn parse(text: &str) -> Result<Parsed, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Line endings become `\n` first, inside quoted values too, as both python-dotenv (which
    // reads files with universal newlines) and node's dotenv do: a PEM key in a file saved on
    // Windows keeps no `\r`. (A copy, so it is wiped.)
    let normalized;
    let text = if text.contains('\r') {
        normalized = normalize_line_ends(text);
        normalized.as_str()
    } else {
        text
    };
    let mut reader = Reader {
        text,
        pos: 0,
        line: 1,
    };
    let mut parsed = Parsed::default();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    while let Some(found) = reader.binding()? {
        let Found { name, value, line } = found;
        let Some(value) = value else {
            parsed.notes.push(Note::NoValue { line });
            continue;
        };
        // `seen` holds only indices of bindings already pushed.
        if let Some(&index) = seen.get(&name) {
            let first = parsed.bindings[index].line;
            parsed.notes.push(Note::Repeated {
                name: name.clone(),
                first,
                line,
            });
            parsed.bindings[index] = Binding { name, value, line };
        } else {
            seen.insert(name.clone(), parsed.bindings.len());
            parsed.bindings.push(Binding { name, value, line });
        }
    }
    Ok(parsed)
}

struct Found {
    name: String,
    value: Option<SecretValue>,
    line: usize,
}

/// A cursor over the text that keeps count of lines (`\n`, `\r\n` and a lone `\r` each end one).
struct Reader<'t> {
    text: &'t str,
    pos: usize,
    line: usize,
}

/// Whitespace as python's `\s` and `str.strip` see it: Unicode's, plus the separators
/// \x1c-\x1f.
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

fn is_horizontal_space(c: char) -> bool {
    is_space(c) && c != '\n' && c != '\r'
}

fn count_breaks(bytes: &[u8]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => count += 1,
            b'\r' => {
                count += 1;
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    count
}

impl<'t> Reader<'t> {
    fn rest(&self) -> &'t str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn advance(&mut self, bytes: usize) {
        let consumed = &self.text[self.pos..self.pos + bytes];
        self.line += count_breaks(consumed.as_bytes());
        // A `\r\n` split by a cut point would be counted twice; cuts never fall inside one.
        self.pos += bytes;
    }

    fn skip_while(&mut self, keep: impl Fn(char) -> bool) -> usize {
        let len = self
            .rest()
            .find(|c: char| !keep(c))
            .unwrap_or(self.rest().len());
        self.advance(len);
        len
    }

    fn error(&self, start: usize, reason: Reason) -> ParseError {
        ParseError {
            line: self.line,
            value_line: Some(start),
            reason,
        }
    }

    /// The next binding, a comment (name-less, skipped here) or the end of the text.
    fn binding(&mut self) -> Result<Option<Found>, ParseError> {
        loop {
            self.skip_while(is_space);
            if self.rest().is_empty() {
                return Ok(None);
            }
            let line = self.line;
            if let Some(after) = self.rest().strip_prefix("export")
                && after.starts_with(is_horizontal_space)
            {
                self.advance("export".len());
                self.skip_while(is_horizontal_space);
            }
            let name = match self.peek() {
                Some('#') => None,
                Some('\'') => Some(self.quoted_name(line)?),
                _ => Some(self.plain_name(line)?),
            };
            self.skip_while(is_horizontal_space);
            let value = if name.is_some() && self.peek() == Some('=') {
                self.advance(1);
                let spaced = self.skip_while(is_horizontal_space) > 0;
                if spaced && self.peek() == Some('#') {
                    // `NAME= # comment`: the comment follows whitespace, so the value is empty.
                    self.skip_while(|c| c != '\r' && c != '\n');
                }
                let quoted = matches!(self.peek(), Some('\'' | '"'));
                Some((self.value(line)?, quoted))
            } else {
                None
            };
            let after_quote = value.as_ref().is_some_and(|(_, quoted)| *quoted);
            let value = value.map(|(value, _)| value);
            self.end_of_line(line, after_quote)?;
            if let Some(name) = name {
                if check_env_name(&name).is_err() {
                    return Err(ParseError {
                        line,
                        value_line: None,
                        reason: Reason::BadName(why_bad_env_name(&name)),
                    });
                }
                return Ok(Some(Found { name, value, line }));
            }
        }
    }

    /// `[^=#\s]+`, python-dotenv's unquoted key.
    fn plain_name(&mut self, line: usize) -> Result<String, ParseError> {
        let start = self.pos;
        if self.skip_while(|c| c != '=' && c != '#' && !is_space(c)) == 0 {
            return Err(self.error(line, Reason::NoName));
        }
        Ok(self.text[start..self.pos].to_owned())
    }

    /// `'NAME'`.
    fn quoted_name(&mut self, line: usize) -> Result<String, ParseError> {
        // Called only with the opening `'` (one byte) next.
        let inner = &self.rest()[1..];
        match inner.find('\'') {
            Some(end) if end > 0 => {
                let name = inner[..end].to_owned();
                self.advance(end + 2);
                Ok(name)
            }
            _ => Err(self.error(line, Reason::NoName)),
        }
    }

    fn value(&mut self, line: usize) -> Result<SecretValue, ParseError> {
        let text = match self.peek() {
            Some(quote @ ('\'' | '"')) => self.quoted_value(quote, line)?,
            None | Some('\n' | '\r') => String::new(),
            Some(_) => self.plain_value(),
        };
        SecretValue::new(text).map_err(|e| self.error(line, Reason::Value(e)))
    }

    /// The rest of the line, without a comment that follows whitespace, and without trailing
    /// whitespace.
    fn plain_value(&mut self) -> String {
        let end = self.rest().find(['\r', '\n']).unwrap_or(self.rest().len());
        let part = &self.rest()[..end];
        self.advance(end);
        let mut cut = part.len();
        let mut previous_space = false;
        for (i, c) in part.char_indices() {
            if c == '#' && previous_space {
                cut = part[..i].trim_end_matches(is_space).len();
                break;
            }
            previous_space = is_space(c);
        }
        part[..cut].trim_end_matches(is_space).to_owned()
    }

    /// A value in quotes. As in python-dotenv's `"((?:\\"|[^"])*)"`, the first unescaped quote
    /// closes it, or with none, the quote of the last `\"` (the regex gives its backslash
    /// back). Where python-dotenv would then fail because text follows on that line, the other
    /// `\"` quotes are tried too, last first, as node's dotenv does: so `"a\\"` (a value ending
    /// in a backslash) followed by more quoted lines still reads as `a\`.
    fn quoted_value(&mut self, quote: char, line: usize) -> Result<String, ParseError> {
        // Called only with the opening quote (`'` or `"`, one byte) next.
        let body = &self.rest()[1..];
        let bytes = body.as_bytes();
        let q = quote as u8;
        let mut candidates = Vec::new();
        let mut bare = None;
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'\\' && bytes.get(i + 1) == Some(&q) {
                candidates.push(i + 1);
                i += 2;
            } else if bytes[i] == q {
                bare = Some(i);
                break;
            } else {
                i += 1;
            }
        }
        candidates.extend(bare);
        let Some(&preferred) = candidates.last() else {
            let kind = if quote == '"' {
                QuoteKind::Double
            } else {
                QuoteKind::Single
            };
            return Err(self.error(line, Reason::Unclosed(kind)));
        };
        // Python-dotenv's choice first; the end-of-line check reports it when nothing fits.
        let close = candidates
            .iter()
            .rev()
            .copied()
            .find(|&close| ends_line(&body[close + 1..]))
            .unwrap_or(preferred);
        let decoded = if quote == '"' {
            unescape(&body[..close], |c| match c {
                '\\' => Some('\\'),
                '\'' => Some('\''),
                '"' => Some('"'),
                'a' => Some('\x07'),
                'b' => Some('\x08'),
                'f' => Some('\x0c'),
                'n' => Some('\n'),
                'r' => Some('\r'),
                't' => Some('\t'),
                'v' => Some('\x0b'),
                _ => None,
            })
        } else {
            unescape(&body[..close], |c| matches!(c, '\\' | '\'').then_some(c))
        };
        self.advance(close + 2);
        Ok(decoded)
    }

    /// After a value: optional whitespace and `#` comment, then the end of the line.
    fn end_of_line(&mut self, line: usize, after_quote: bool) -> Result<(), ParseError> {
        self.skip_while(is_horizontal_space);
        if self.peek() == Some('#') {
            self.skip_while(|c| c != '\r' && c != '\n');
        }
        match self.peek() {
            None => Ok(()),
            Some('\r') if self.rest().starts_with("\r\n") => {
                self.advance(2);
                Ok(())
            }
            Some('\r' | '\n') => {
                self.advance(1);
                Ok(())
            }
            Some(_) => Err(self.error(
                line,
                if after_quote {
                    Reason::AfterQuote
                } else {
                    Reason::NoEquals
                },
            )),
        }
    }
}

/// Whether `rest` (what follows a closing quote) is blank up to the end of its line, but for a
/// comment.
fn ends_line(rest: &str) -> bool {
    let rest = rest.trim_start_matches(is_horizontal_space);
    let line_end = rest.find(['\r', '\n']).unwrap_or(rest.len());
    line_end == 0 || rest.starts_with('#')
}

/// Replaces `\x` pairs that `decode` knows, left to right; other backslashes stay as written.
fn unescape(text: &str, decode: impl Fn(char) -> Option<char>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let mut lookahead = chars.clone();
        match lookahead.next().and_then(&decode) {
            Some(decoded) => {
                out.push(decoded);
                chars = lookahead;
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Appends `NAME=value` and a line ending, written so that vault, python-dotenv and node's
/// dotenv all read back exactly `value` where they can:
/// - bare when nothing in it is special to any of them;
/// - in single quotes when nothing inside would need an escape (newlines may be inside, but not
///   a `\r`: readers turn line endings into `\n`);
/// - bare again for one line with no `#`, no outer spaces and no opening quote (backslashes and
///   quotes inside are then taken literally by all three);
/// - else in double quotes with `\\`, `\"`, `\n` and `\r` escaped.
pub fn write_binding(out: &mut SecretText, name: &str, value: &str) {
    out.push_str(name);
    out.push('=');
    let safe = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-.,:/@%+=".contains(c));
    // (No control characters: python-dotenv strips \x1c-\x1f as whitespace, Rust does not.)
    let literal_line = !value.contains(['#', '\n', '\r'])
        && !value.contains(char::is_control)
        && !value.starts_with(['\'', '"', '`'])
        && value.trim_matches(is_space) == value;
    if safe {
        out.push_str(value);
    } else if !value.contains(['\'', '\\', '\r']) {
        out.push('\'');
        out.push_str(value);
        out.push('\'');
    } else if literal_line {
        out.push_str(value);
    } else {
        out.push('"');
        for c in value.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c => out.push(c),
            }
        }
        out.push('"');
        if value.ends_with('\\') {
            // `\\"` closes the value, but it also reads as an escaped quote: python-dotenv and
            // node's dotenv look on for a later quote and take this line's end as text if
            // one is followed by a comment. This line gives them such a quote, followed by
            // text, so vault's reader (and no other) falls back to the right closing quote.
            out.push('\n');
            out.push_str(TRAILING_BACKSLASH_GUARD);
        }
    }
    out.push('\n');
}

/// The comment written after a double-quoted value that ends in a backslash (see
/// `write_binding`).
const TRAILING_BACKSLASH_GUARD: &str =
    "# \"…\" above: that value ends in a backslash, which other .env readers may misread";

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, String)> {
        parse(text)
            .unwrap()
            .bindings
            .into_iter()
            .map(|b| (b.name, b.value.expose().to_owned()))
            .collect()
    }

    fn one(text: &str) -> String {
        let all = values(text);
        assert_eq!(all.len(), 1, "{text:?} gave {all:?}");
        all[0].1.clone()
    }

    fn error(text: &str) -> ParseError {
        parse(text).unwrap_err()
    }

    #[test]
    fn plain_lines() {
        assert_eq!(one("A=1"), "1");
        assert_eq!(one("A = 1 "), "1");
        assert_eq!(one("  export A=1\n"), "1");
        assert_eq!(one("A=a b  c"), "a b  c");
        assert_eq!(one("A=a#b"), "a#b");
        assert_eq!(one("A=a #b"), "a");
        assert_eq!(one("A=a\t# b # c"), "a");
        assert_eq!(one("A="), "");
        assert_eq!(one("A= # only a comment"), "");
        assert_eq!(one("A=${HOME}/x $B"), "${HOME}/x $B");
        assert_eq!(one("export=1"), "1");
        assert_eq!(one("'A'=1"), "1");
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(one(r#"A="a b""#), "a b");
        assert_eq!(one(r#"A="a\nb\t\"c\"\\""#), "a\nb\t\"c\"\\");
        assert_eq!(one(r#"A="a\$b\x""#), r"a\$b\x");
        assert_eq!(one(r"A='a\nb\'c\\'"), "a\\nb'c\\");
        assert_eq!(one("A='$B # not a comment'"), "$B # not a comment");
        assert_eq!(one("A=\"x\" # comment"), "x");
        assert_eq!(one("A=\"x\"#comment"), "x");
        assert_eq!(one("A=\"line 1\nline 2\"\n"), "line 1\nline 2");
        assert_eq!(one("A='line 1\r\nline 2'"), "line 1\nline 2");
        assert_eq!(one("A=\"one\rtwo\\r\""), "one\ntwo\r");
        // python-dotenv's regex gives the last `\"` back to close the value.
        assert_eq!(one(r#"A="a\" # c"#), "a\\");
        assert_eq!(one("A=\"é ünï ✓\""), "é ünï ✓");
    }

    #[test]
    fn files() {
        let text = "\u{feff}# top\r\n\r\nA=1\r\nexport B='2'\r\n  C=\"x\ny\" # c\r\nD=4";
        let parsed = parse(text).unwrap();
        let got: Vec<_> = parsed
            .bindings
            .iter()
            .map(|b| (b.name.as_str(), b.value.expose(), b.line))
            .collect();
        assert_eq!(
            got,
            [
                ("A", "1", 3),
                ("B", "2", 4),
                ("C", "x\ny", 5),
                ("D", "4", 7)
            ]
        );
    }

    #[test]
    fn repeats_and_bare_names_are_noted() {
        let parsed = parse("A=1\nexport B\nA=2\n").unwrap();
        assert_eq!(parsed.bindings.len(), 1);
        assert_eq!(parsed.bindings[0].value.expose(), "2");
        assert_eq!(
            parsed.notes,
            [
                Note::NoValue { line: 2 },
                Note::Repeated {
                    name: "A".into(),
                    first: 1,
                    line: 3
                }
            ]
        );
    }

    #[test]
    fn errors_name_the_line_and_never_the_text() {
        let e = error("A=1\nB=\"sk-secret\nC=2\n");
        assert_eq!(e.line, 2);
        assert_eq!(e.reason, Reason::Unclosed(QuoteKind::Double));
        assert!(!e.to_string().contains("sk-secret"));

        let e = error("A=1\n\nsk-secret-token value\n");
        assert_eq!((e.line, e.reason), (3, Reason::NoEquals));

        let e = error("A=\"x\ny\" junk\n");
        assert_eq!((e.line, &e.reason), (2, &Reason::AfterQuote));
        assert!(e.to_string().contains("starts on line 1"), "{e}");

        assert_eq!(error("=x").reason, Reason::NoName);
        assert!(matches!(error("my-key=x").reason, Reason::BadName(_)));
        assert!(matches!(error("A.B=x").reason, Reason::BadName(_)));
        assert_eq!(error("A='x").reason, Reason::Unclosed(QuoteKind::Single));
        assert_eq!(
            error("A=\"a\0b\"").reason,
            Reason::Value(ValueError::ContainsNul)
        );
        let e = parse_bytes(b"A=1\nB=\xff\n").unwrap_err();
        assert_eq!((e.line, e.reason), (2, Reason::NotUtf8));
    }

    #[test]
    fn written_values_read_back() {
        let nasty = [
            "",
            "plain",
            "a b",
            "it's",
            "say \"hi\"",
            "back\\slash",
            "both ' and \"",
            "line 1\nline 2\r\n",
            "$HOME ${X} #no",
            " padded ",
            "# hash",
            "\\\"",
            "a\\",
            "\\n literally",
            "tab\there",
            "ünïcødé ✓ 🔑",
            "'",
            "\"",
            "=",
            "a\\ # b",
            "x'y\\z",
            "ends in \\",
            " ends in \\",
            "\\\"\n\\",
        ];
        let mut text = SecretText::new();
        for (i, value) in nasty.iter().enumerate() {
            write_binding(&mut text, &format!("V{i}"), value);
        }
        let text = text.as_str();
        let got = values(text);
        assert_eq!(got.len(), nasty.len());
        for (i, value) in nasty.iter().enumerate() {
            assert_eq!(got[i].1, *value, "V{i} in {text}");
        }
    }
}
