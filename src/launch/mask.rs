//! Output masking: every attached secret value in the child's output becomes `***`, also when
//! the child writes it a byte at a time, and also where two secrets overlap (every byte that
//! belongs to any occurrence is hidden). A secret of [`ENCODED_FROM`] characters or more is
//! also caught as programs commonly write it: base64, percent-encoded, and escaped in a JSON
//! string (see [`encoded_forms`]). Output is passed on as soon as it cannot be the start of a
//! secret; only a tail that still could be is held back, until the next write or the end.
//!
//! Long: half of it is tests (every encoded form, every split across writes).

use std::fmt;
use std::io::{self, Read, Write};
use std::ops::Deref;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use base64::Engine;
use zeroize::Zeroizing;

/// What a run of masked bytes becomes.
pub const MASK: &[u8] = b"***";

/// The shortest secret, in characters, whose encoded forms are masked too. A shorter one is
/// masked only as it is: its encodings would be short as well (four characters are six in
/// base64), and short strings turn up in ordinary output, which masking them would garble.
pub const ENCODED_FROM: usize = 8;

/// How much of each form the matcher looks for; a candidate it finds is then compared with
/// the whole form. A trie of whole forms (500 secrets, about ten forms each) takes several
/// milliseconds to build; one of their first bytes a small part of that, and a random key's
/// first dozen bytes of any form are already all but unique.
const PREFIX: usize = 12;

/// The masking matcher could not be built (the secrets are too many or too large for it).
#[derive(Debug, thiserror::Error)]
#[error("cannot prepare output masking ({0}); nothing was started (--mask never runs without it)")]
pub struct MaskError(String);

/// The secrets to hide, prepared once per run and shared by the output streams. What is
/// hidden are their forms: each secret as it is, and the encoded forms of the longer ones.
pub struct Secrets {
    /// Finds where a form may start: the first [`PREFIX`] bytes of each (a shorter form whole).
    matcher: Option<AhoCorasick>,
    /// Every form, sorted: to confirm what the matcher found, and to tell whether a tail of
    /// output is the start of a form.
    sorted: Vec<Zeroizing<Vec<u8>>>,
    /// The forms that start with the matcher's pattern `i` are `sorted[groups[i]..groups[i + 1]]`
    /// (sorting keeps them together).
    groups: Vec<usize>,
    longest: usize,
}

/// Only counts: the forms themselves never show.
impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secrets")
            .field("forms", &self.sorted.len())
            .finish_non_exhaustive()
    }
}

impl Secrets {
    /// Empty values are left out: they would match everywhere. Fails (rather than masking
    /// nothing) when the matcher cannot be built.
    pub fn new<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> Result<Self, MaskError> {
        let mut sorted: Vec<Zeroizing<Vec<u8>>> = Vec::new();
        for value in values.into_iter().filter(|v| !v.is_empty()) {
            sorted.push(Zeroizing::new(value.to_vec()));
            encoded_forms(value, &mut sorted);
        }
        sorted.sort_unstable_by(|a, b| a.as_slice().cmp(b.as_slice()));
        sorted.dedup_by(|a, b| a.as_slice() == b.as_slice());
        // Forms sharing their first PREFIX bytes sort together: one pattern for the lot.
        let mut groups = Vec::new();
        let mut prefixes: Vec<&[u8]> = Vec::new();
        for (i, form) in sorted.iter().enumerate() {
            let prefix = &form[..form.len().min(PREFIX)];
            if prefixes.last() != Some(&prefix) {
                prefixes.push(prefix);
                groups.push(i);
            }
        }
        groups.push(sorted.len());
        // Standard semantics report every match, overlapping ones too. A contiguous NFA: a
        // DFA searches a little faster but takes longer to build than a run of most agents.
        let matcher = if prefixes.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(&prefixes)
                    .map_err(|e| MaskError(e.to_string()))?,
            )
        };
        let longest = sorted.iter().map(|s| s.len()).max().unwrap_or(0);
        Ok(Self {
            matcher,
            sorted,
            groups,
            longest,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.matcher.is_none()
    }

    /// The forms that start with the matcher's pattern `pattern`.
    fn group(&self, pattern: usize) -> &[Zeroizing<Vec<u8>>] {
        &self.sorted[self.groups[pattern]..self.groups[pattern + 1]]
    }

    /// Whether `tail` is the beginning of some longer form. The forms that start with `tail`
    /// sort together, right after `tail` itself (which may be a form too: a bot's id and its
    /// `id:token`); the first one greater than `tail` decides.
    fn starts_a_form(&self, tail: &[u8]) -> bool {
        let i = self.sorted.partition_point(|s| s.as_slice() <= tail);
        self.sorted.get(i).is_some_and(|s| s.starts_with(tail))
    }
}

/// Appends the encoded forms of `value` that masking catches, when it has [`ENCODED_FROM`]
/// characters or more (bytes, when it is not UTF-8). Each form is written into memory of its
/// final size, so no copy is left behind by a growing buffer; all are zeroized when dropped.
/// Forms equal to the value or to each other are removed later, by [`Secrets::new`].
///
/// - base64, standard (`+/`) and URL-safe (`-_`) alphabets, each with and without `=` padding;
/// - percent-encoded as a URL encoder writes it: every byte outside RFC 3986's unreserved
///   `A-Za-z0-9-._~` as `%XX`, in upper- and in lower-case hex;
/// - escaped in a JSON string (UTF-8 values only; without the quotes): as serde_json writes
///   it (`\"`, `\\`, `\n` and the like, other control characters `\u00XX`); the same with `/`
///   written `\/`; and with every ASCII character but letters and digits written `\u00XX`
///   (as `\u002d` for `-`), in lower- and in upper-case hex.
pub fn encoded_forms(value: &[u8], forms: &mut Vec<Zeroizing<Vec<u8>>>) {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    const HEX: [&[u8; 16]; 2] = [b"0123456789ABCDEF", b"0123456789abcdef"];
    let text = std::str::from_utf8(value).ok();
    let characters = text.map_or(value.len(), |t| t.chars().count());
    if characters < ENCODED_FROM {
        return;
    }
    let sized = |capacity: usize| Zeroizing::new(Vec::with_capacity(capacity));

    for (engine, padded) in [
        (STANDARD, true),
        (STANDARD_NO_PAD, false),
        (URL_SAFE, true),
        (URL_SAFE_NO_PAD, false),
    ] {
        let Some(len) = base64::encoded_len(value.len(), padded) else {
            continue;
        };
        let mut form = Zeroizing::new(vec![0; len]);
        if engine.encode_slice(value, form.as_mut_slice()) == Ok(len) {
            forms.push(form);
        }
    }

    let unreserved = |b: u8| b.is_ascii_alphanumeric() || b"-._~".contains(&b);
    let escaped = value.iter().filter(|&&b| !unreserved(b)).count();
    for hex in HEX {
        let mut form = sized(value.len() + 2 * escaped);
        for &b in value {
            if unreserved(b) {
                form.push(b);
            } else {
                form.extend_from_slice(&[b'%', hex[usize::from(b >> 4)], hex[usize::from(b & 15)]]);
            }
        }
        forms.push(form);
    }

    // A JSON string holds text only.
    let Some(text) = text else {
        return;
    };
    // Six bytes at most for each (`\u001f`), and the quotes.
    let mut json = sized(6 * value.len() + 2);
    if serde_json::to_writer(&mut *json, text).is_err() || json.len() < 2 {
        return;
    }
    json.pop();
    json.remove(0);
    let slashes = json.iter().filter(|&&b| b == b'/').count();
    if slashes > 0 {
        let mut form = sized(json.len() + slashes);
        for &b in json.iter() {
            if b == b'/' {
                form.extend_from_slice(b"\\/");
            } else {
                form.push(b);
            }
        }
        forms.push(form);
    }
    forms.push(json);
    let escape = |b: u8| b.is_ascii() && !b.is_ascii_alphanumeric();
    let escaped = value.iter().filter(|&&b| escape(b)).count();
    for hex in HEX.into_iter().rev() {
        let mut form = sized(value.len() + 5 * escaped);
        for &b in value {
            if escape(b) {
                form.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    hex[usize::from(b >> 4)],
                    hex[usize::from(b & 15)],
                ]);
            } else {
                form.push(b);
            }
        }
        forms.push(form);
    }
}

/// Masks one stream. Feed it what the child writes; it returns what may be shown now.
/// `S` is how the secrets are held: borrowed, or shared (`Arc`) by a stream that outlives
/// the caller.
pub struct Masker<S: Deref<Target = Secrets>> {
    secrets: S,
    pending: Zeroizing<Vec<u8>>,
    masked: Vec<bool>,
    /// Whether the last thing emitted was a mask, so that one secret split across emits
    /// still shows as one `***`.
    in_mask: bool,
}

impl<S: Deref<Target = Secrets>> Masker<S> {
    pub fn new(secrets: S) -> Self {
        Self {
            secrets,
            pending: Zeroizing::new(Vec::new()),
            masked: Vec::new(),
            in_mask: false,
        }
    }

    /// Takes a chunk of output; appends to `out` everything that can be shown already.
    pub fn push(&mut self, data: &[u8], out: &mut Vec<u8>) {
        let Some(matcher) = &self.secrets.matcher else {
            out.extend_from_slice(data);
            return;
        };
        self.pending.extend_from_slice(data);
        self.masked.resize(self.pending.len(), false);
        let len = self.pending.len();
        // Where the earliest form starts that the output so far holds only the beginning of.
        let mut unfinished = len;
        for m in matcher.find_overlapping_iter(self.pending.as_slice()) {
            let rest = &self.pending[m.start()..];
            for form in self.secrets.group(m.pattern().as_usize()) {
                if rest.starts_with(form) {
                    self.masked[m.start()..m.start() + form.len()].fill(true);
                } else if form.starts_with(rest) {
                    unfinished = unfinished.min(m.start());
                }
            }
        }
        let held = (len - unfinished).max(self.held_short_tail());
        self.emit(len - held, out);
    }

    /// The end of the stream: everything left is shown (masked where it matched).
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        self.emit(self.pending.len(), out);
    }

    /// How many trailing bytes, fewer than [`PREFIX`], could still grow into a form. A longer
    /// such tail holds a whole pattern of the matcher, so `push` has found it already.
    fn held_short_tail(&self) -> usize {
        let len = self.pending.len();
        let most = len
            .min(PREFIX - 1)
            .min(self.secrets.longest.saturating_sub(1));
        (1..=most)
            .rev()
            .find(|&k| self.secrets.starts_a_form(&self.pending[len - k..]))
            .unwrap_or(0)
    }

    /// Moves the first `upto` pending bytes to `out`, each masked run as one `***`.
    fn emit(&mut self, upto: usize, out: &mut Vec<u8>) {
        let mut i = 0;
        while i < upto {
            let masked = self.masked[i];
            let run = self.masked[i..upto]
                .iter()
                .position(|&m| m != masked)
                .unwrap_or(upto - i);
            if masked {
                if !self.in_mask {
                    out.extend_from_slice(MASK);
                }
            } else {
                out.extend_from_slice(&self.pending[i..i + run]);
            }
            self.in_mask = masked;
            i += run;
        }
        self.pending.drain(..upto);
        self.masked.drain(..upto);
    }
}

/// Copies `from` to `to` until the end, masking as it goes and flushing after every read, so
/// an interactive child's output appears when it is written.
pub fn pump(secrets: &Secrets, mut from: impl Read, mut to: impl Write) -> io::Result<()> {
    let mut masker = Masker::new(secrets);
    let mut buf = Zeroizing::new(vec![0u8; 8 * 1024]);
    let mut out = Zeroizing::new(Vec::with_capacity(8 * 1024));
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        out.clear();
        masker.push(&buf[..n], &mut out);
        to.write_all(&out)?;
        to.flush()?;
    }
    out.clear();
    masker.finish(&mut out);
    to.write_all(&out)?;
    to.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask_in_chunks(secrets: &[&str], output: &[u8], chunk: usize) -> Vec<u8> {
        let secrets = Secrets::new(secrets.iter().map(|s| s.as_bytes())).unwrap();
        mask_with(&secrets, output, chunk)
    }

    fn mask_with(secrets: &Secrets, output: &[u8], chunk: usize) -> Vec<u8> {
        let mut masker = Masker::new(secrets);
        let mut out = Vec::new();
        for piece in output.chunks(chunk.max(1)) {
            masker.push(piece, &mut out);
        }
        masker.finish(&mut out);
        out
    }

    #[test]
    fn a_secret_written_a_byte_at_a_time_is_masked() {
        let text = b"key=sk-abc123 done";
        for chunk in [1, 2, 3, 5, 100] {
            assert_eq!(mask_in_chunks(&["sk-abc123"], text, chunk), b"key=*** done");
        }
    }

    #[test]
    fn overlapping_secrets_hide_every_byte_of_both() {
        // "abcdef" and "defghi" overlap in "def": nothing of either may show.
        for chunk in [1, 2, 4, 64] {
            assert_eq!(
                mask_in_chunks(&["abcdef", "defghi"], b"<abcdefghi>", chunk),
                b"<***>"
            );
            assert_eq!(
                mask_in_chunks(&["abc", "xabcx"], b"1xabcx2abc3", chunk),
                b"1***2***3"
            );
        }
    }

    #[test]
    fn output_without_secrets_is_passed_on_at_once() {
        let secrets = Secrets::new([b"sk-abc123".as_slice()]).unwrap();
        let mut masker = Masker::new(&secrets);
        let mut out = Vec::new();
        masker.push(b"hello world\n", &mut out);
        assert_eq!(out, b"hello world\n");
        // A tail that could start the secret waits; one that cannot goes on.
        out.clear();
        masker.push(b"id=sk-", &mut out);
        assert_eq!(out, b"id=");
        out.clear();
        masker.push(b"x", &mut out);
        assert_eq!(out, b"sk-x");
    }

    #[test]
    fn binary_output_passes_byte_exact_apart_from_the_secret() {
        let mut output: Vec<u8> = (0u8..=255).collect();
        output.extend_from_slice(b"SECRET");
        output.extend((0u8..=255).rev());
        let mut expected: Vec<u8> = (0u8..=255).collect();
        expected.extend_from_slice(MASK);
        expected.extend((0u8..=255).rev());
        for chunk in [1, 7, 4096] {
            assert_eq!(mask_in_chunks(&["SECRET"], &output, chunk), expected);
        }
    }

    #[test]
    fn a_held_tail_is_shown_at_the_end() {
        assert_eq!(mask_in_chunks(&["secret"], b"the sec", 1), b"the sec");
        assert_eq!(mask_in_chunks(&[], b"anything", 3), b"anything");
        assert_eq!(mask_in_chunks(&[""], b"anything", 3), b"anything");
    }

    #[test]
    fn a_secret_that_starts_a_longer_one_does_not_release_its_tail() {
        // A bot's id and its id:token: a write ending right after the id must not let the
        // token's rest through.
        for chunk in [1, 2, 3, 6] {
            assert_eq!(
                mask_in_chunks(&["abc", "abcdef"], b"abcdef\n", chunk),
                b"***\n"
            );
            assert_eq!(
                mask_in_chunks(&["12345", "12345:tok"], b"id 12345:tok.", chunk),
                b"id ***."
            );
        }
    }

    /// A small repeatable generator: `next(n)` is in `0..n`.
    fn xorshift(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |n| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        }
    }

    /// Masking in any chunking gives what masking the whole output at once gives.
    #[test]
    fn chunking_never_changes_the_result() {
        let mut next = xorshift(0x9e3779b97f4a7c15);
        let alphabet = b"ab:c";
        for _ in 0..3000 {
            let secrets: Vec<String> = (0..1 + next(3))
                .map(|_| {
                    (0..1 + next(5))
                        .map(|_| alphabet[next(4) as usize] as char)
                        .collect()
                })
                .collect();
            let output: Vec<u8> = (0..next(40)).map(|_| alphabet[next(4) as usize]).collect();
            let all = Secrets::new(secrets.iter().map(|s| s.as_bytes())).unwrap();
            let whole = mask_with(&all, &output, output.len().max(1));
            for chunk in [1, 2, 3, 5] {
                assert_eq!(
                    mask_with(&all, &output, chunk),
                    whole,
                    "secrets {secrets:?}, output {:?}, chunk {chunk}",
                    String::from_utf8_lossy(&output)
                );
            }
            // And nothing of a secret shows in the whole-output result.
            let shown = String::from_utf8_lossy(&whole).replace("***", "\u{0}");
            for secret in &secrets {
                assert!(!shown.contains(secret.as_str()), "{secret} in {shown:?}");
            }
        }
    }

    #[test]
    fn repeated_and_adjacent_secrets() {
        assert_eq!(mask_in_chunks(&["ab"], b"ababab-ab", 1), b"***-***");
        assert_eq!(mask_in_chunks(&["ab", "cd"], b"abcd", 2), b"***");
    }

    /// A secret whose every form differs from the others: `+` and `/` in its standard
    /// base64, padding, bytes a URL encoder escapes with letters in their hex, and `"`, `\`
    /// and `/` for JSON.
    const PUNCTUATED: &str = r#"sk-~~~???a/b"c\d e!"#;

    /// Each form of PUNCTUATED, written out by hand.
    const PUNCTUATED_FORMS: [(&str, &str); 10] = [
        ("base64", "c2stfn5+Pz8/YS9iImNcZCBlIQ=="),
        ("base64, no padding", "c2stfn5+Pz8/YS9iImNcZCBlIQ"),
        ("base64url", "c2stfn5-Pz8_YS9iImNcZCBlIQ=="),
        ("base64url, no padding", "c2stfn5-Pz8_YS9iImNcZCBlIQ"),
        ("percent, upper", "sk-~~~%3F%3F%3Fa%2Fb%22c%5Cd%20e%21"),
        ("percent, lower", "sk-~~~%3f%3f%3fa%2fb%22c%5cd%20e%21"),
        ("JSON", r#"sk-~~~???a/b\"c\\d e!"#),
        ("JSON, \\/", r#"sk-~~~???a\/b\"c\\d e!"#),
        (
            "JSON, \\u00xx",
            r"sk\u002d\u007e\u007e\u007e\u003f\u003f\u003fa\u002fb\u0022c\u005cd\u0020e\u0021",
        ),
        (
            "JSON, \\u00XX",
            r"sk\u002D\u007E\u007E\u007E\u003F\u003F\u003Fa\u002Fb\u0022c\u005Cd\u0020e\u0021",
        ),
    ];

    fn forms_of(value: &[u8]) -> Vec<Vec<u8>> {
        let mut forms = Vec::new();
        encoded_forms(value, &mut forms);
        forms.iter().map(|f| f.to_vec()).collect()
    }

    #[test]
    fn the_encoded_forms_are_the_ones_encoders_write() {
        let mut forms = forms_of(PUNCTUATED.as_bytes());
        forms.sort();
        let mut expected: Vec<Vec<u8>> = PUNCTUATED_FORMS
            .iter()
            .map(|(_, f)| f.as_bytes().to_vec())
            .collect();
        expected.sort();
        assert_eq!(forms, expected);
        // The JSON form is what serde_json writes, and the \/ one still reads back as the
        // secret; base64 decodes back to it.
        let json = serde_json::to_string(PUNCTUATED).unwrap();
        assert_eq!(&json[1..json.len() - 1], PUNCTUATED_FORMS[6].1);
        for (_, form) in &PUNCTUATED_FORMS[6..] {
            let back: String = serde_json::from_str(&format!("\"{form}\"")).unwrap();
            assert_eq!(back, PUNCTUATED);
        }
        use base64::engine::general_purpose::{STANDARD, URL_SAFE};
        assert_eq!(
            STANDARD.decode(PUNCTUATED_FORMS[0].1).unwrap(),
            PUNCTUATED.as_bytes()
        );
        assert_eq!(
            URL_SAFE.decode(PUNCTUATED_FORMS[2].1).unwrap(),
            PUNCTUATED.as_bytes()
        );
    }

    #[test]
    fn every_encoded_form_is_masked_whole_and_a_byte_at_a_time() {
        for (name, form) in PUNCTUATED_FORMS {
            let output = format!("before <{form}> after\n");
            for chunk in [1, 2, 3, 5, 11, 4096] {
                assert_eq!(
                    String::from_utf8(mask_in_chunks(&[PUNCTUATED], output.as_bytes(), chunk))
                        .unwrap(),
                    "before <***> after\n",
                    "{name}, written {chunk} bytes at a time"
                );
            }
        }
        // All of them one after another, and the secret itself among them.
        let mut output = String::new();
        for (_, form) in PUNCTUATED_FORMS {
            output.push_str(&format!("[{form}]"));
        }
        output.push_str(&format!("[{PUNCTUATED}]"));
        for chunk in [1, 7, 4096] {
            assert_eq!(
                mask_in_chunks(&[PUNCTUATED], output.as_bytes(), chunk),
                "[***]".repeat(11).as_bytes()
            );
        }
    }

    #[test]
    fn a_typical_key_gets_its_base64_and_json_escaped_forms_masked() {
        // Letters, digits and dashes: the percent and plain JSON forms are the key itself.
        let key = "sk-proj-Ab3dEf6hIj9kLm";
        let forms = forms_of(key.as_bytes());
        assert!(forms.contains(&b"c2stcHJvai1BYjNkRWY2aElqOWtMbQ==".to_vec()));
        assert!(forms.contains(&br"sk\u002dproj\u002dAb3dEf6hIj9kLm".to_vec()));
        assert!(forms.contains(&br"sk\u002Dproj\u002DAb3dEf6hIj9kLm".to_vec()));
        let secrets = Secrets::new([key.as_bytes()]).unwrap();
        assert_eq!(secrets.sorted.len(), 5, "duplicates are removed");
        let output = br#"{"key":"sk\u002dproj\u002dAb3dEf6hIj9kLm","auth":"Basic c2stcHJvai1BYjNkRWY2aElqOWtMbQ=="}"#;
        for chunk in [1, 3, 4096] {
            assert_eq!(
                mask_in_chunks(&[key], output, chunk),
                br#"{"key":"***","auth":"Basic ***"}"#
            );
        }
    }

    #[test]
    fn short_secrets_are_masked_only_as_they_are() {
        // Seven characters: no encoded forms, which would be short enough to turn up in
        // ordinary output. Eight: all of them.
        assert!(forms_of(b"abc1234").is_empty());
        assert_eq!(
            mask_in_chunks(&["abc1234"], b"abc1234 YWJjMTIzNA== abc\\u00311234", 1),
            b"*** YWJjMTIzNA== abc\\u00311234"
        );
        assert!(!forms_of(b"abc12345").is_empty());
        assert_eq!(
            mask_in_chunks(&["abc12345"], b"abc12345 YWJjMTIzNDU= x", 1),
            b"*** *** x"
        );
        // Characters, not bytes: seven accented letters are more than 8 bytes, still short.
        assert!(forms_of("päßwörd".as_bytes()).is_empty());
        let forms = forms_of("päßwörd!".as_bytes());
        assert!(forms.contains(&b"p%C3%A4%C3%9Fw%C3%B6rd%21".to_vec()));
        // JSON leaves what is not ASCII as it is.
        assert!(forms.contains(&"päßwörd\\u0021".as_bytes().to_vec()));
    }

    #[test]
    fn a_value_that_is_not_text_gets_no_json_forms() {
        let value = [0xff, 0xfe, b'/', b'a', b'b', b'c', b'd', b'e', b'f'];
        let forms = forms_of(&value);
        assert_eq!(forms.len(), 6, "base64 four ways and percent-encoded twice");
        assert!(forms.contains(&b"%FF%FE%2Fabcdef".to_vec()));
        let secrets = Secrets::new([value.as_slice()]).unwrap();
        let mut masker = Masker::new(&secrets);
        let mut out = Vec::new();
        masker.push(b"<//4vYWJjZGVm> <%ff%fe%2fabcdef>", &mut out);
        masker.finish(&mut out);
        assert_eq!(out, b"<***> <***>");
    }

    #[test]
    fn a_form_longer_than_the_matcher_s_prefix_is_held_until_it_can_be_told() {
        let form = PUNCTUATED_FORMS[8].1.as_bytes();
        assert!(form.len() > 3 * PREFIX);
        let secrets = Secrets::new([PUNCTUATED.as_bytes()]).unwrap();
        let mut masker = Masker::new(&secrets);
        let mut out = Vec::new();
        masker.push(b"<", &mut out);
        for &b in &form[..form.len() - 1] {
            masker.push(&[b], &mut out);
            assert_eq!(out, b"<", "nothing of the form shows before it ends");
        }
        masker.push(&form[form.len() - 1..], &mut out);
        masker.push(b">", &mut out);
        assert_eq!(out, b"<***>");
        // The same beginning, then something else: it was not the form after all, and all of
        // it shows.
        let mut out = Vec::new();
        let mut masker = Masker::new(&secrets);
        for &b in &form[..form.len() - 1] {
            masker.push(&[b], &mut out);
        }
        masker.push(b"!", &mut out);
        let mut expected = form[..form.len() - 1].to_vec();
        expected.push(b'!');
        assert_eq!(out, expected);
    }

    #[test]
    fn padded_and_unpadded_forms_overlap_and_are_hidden_as_one() {
        let output = b"token c2stfn5+Pz8/YS9iImNcZCBlIQ==.";
        assert_eq!(mask_in_chunks(&[PUNCTUATED], output, 1), b"token ***.");
    }

    #[test]
    fn debug_output_shows_no_form() {
        let secrets = Secrets::new([PUNCTUATED.as_bytes()]).unwrap();
        let shown = format!("{secrets:?} {secrets:#?}");
        assert!(shown.contains("forms: 11"), "{shown}");
        for (_, form) in PUNCTUATED_FORMS {
            assert!(!shown.contains(form), "{shown}");
        }
        assert!(!shown.contains("sk-"), "{shown}");
    }

    /// Output made of pieces of forms: whole ones, beginnings, and filler, cut up in any way,
    /// masks as when written whole, and no whole form shows.
    #[test]
    fn chunking_never_changes_the_result_with_encoded_forms() {
        let mut next = xorshift(0x2545f4914f6cdd1d);
        // Few letters, so that forms share beginnings and overlap.
        let alphabet = b"ab/\"-=";
        for _ in 0..1500 {
            let secrets: Vec<String> = (0..1 + next(3))
                .map(|_| {
                    (0..4 + next(14))
                        .map(|_| alphabet[next(alphabet.len() as u64) as usize] as char)
                        .collect()
                })
                .collect();
            let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
            let all = Secrets::new(refs.iter().map(|s| s.as_bytes())).unwrap();
            let mut output = Vec::new();
            for _ in 0..next(6) {
                let form = &all.sorted[next(all.sorted.len() as u64) as usize];
                match next(3) {
                    0 => output.extend_from_slice(form),
                    1 => output.extend_from_slice(&form[..next(form.len() as u64) as usize]),
                    _ => output.extend((0..next(4)).map(|_| b"ab=/\\"[next(5) as usize])),
                }
            }
            let whole = mask_with(&all, &output, output.len().max(1));
            for chunk in [1, 2, 3, 5, 13] {
                assert_eq!(
                    mask_with(&all, &output, chunk),
                    whole,
                    "secrets {secrets:?}, output {:?}, chunk {chunk}",
                    String::from_utf8_lossy(&output)
                );
            }
            let shown = whole.split(|&b| b == b'*').collect::<Vec<_>>();
            for form in &all.sorted {
                for piece in &shown {
                    assert!(
                        !piece.windows(form.len()).any(|w| w == form.as_slice()),
                        "{:?} in {:?}",
                        String::from_utf8_lossy(form),
                        String::from_utf8_lossy(&whole)
                    );
                }
            }
        }
    }
}
