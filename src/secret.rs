//! The one type every stored value travels in, from the moment it is read until it is handed
//! to the OS. It zeroizes on drop, and its `Debug` never shows the value.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer};
use zeroize::{Zeroize, Zeroizing};

/// Why bytes cannot become a stored value. Never carries the value itself.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ValueError {
    #[error(
        "the value is not valid UTF-8 text; vault stores text (base64-encode binary data first)"
    )]
    NotUtf8,
    #[error("the value contains a NUL byte, which no environment variable can hold")]
    ContainsNul,
    #[error("the value is empty")]
    Empty,
}

/// A stored value: a secret, a provider key or a plain variable. All are held the same way so
/// that no code path has to remember which ones are sensitive.
pub struct SecretValue(SecretString);

impl SecretValue {
    /// Accepts text that an environment variable can carry (no NUL byte).
    pub fn new(mut value: String) -> Result<Self, ValueError> {
        // Copied into an exactly sized box and the original wiped: letting String shrink its
        // buffer could move the text with realloc and leave an unwiped copy behind.
        let secret = SecretString::from(Box::<str>::from(value.as_str()));
        value.zeroize();
        if secret.expose_secret().contains('\0') {
            return Err(ValueError::ContainsNul);
        }
        Ok(Self(secret))
    }

    /// Like [`SecretValue::new`] but from raw bytes (a file, stdin); the bytes are wiped
    /// whatever the outcome.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, ValueError> {
        match String::from_utf8(bytes) {
            Ok(text) => Self::new(text),
            Err(err) => {
                err.into_bytes().zeroize();
                Err(ValueError::NotUtf8)
            }
        }
    }

    /// Reads a value typed or piped by a person: one trailing line ending (what `echo` and
    /// editors add) is dropped, and an empty result is refused.
    pub fn from_input(bytes: Vec<u8>) -> Result<Self, ValueError> {
        let mut bytes = Zeroizing::new(bytes);
        if bytes.ends_with(b"\n") {
            bytes.pop();
            if bytes.ends_with(b"\r") {
                bytes.pop();
            }
        }
        if bytes.is_empty() {
            return Err(ValueError::Empty);
        }
        Self::from_bytes(std::mem::take(&mut *bytes))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

/// Reads a file (or a pipe such as `<(command)`) with [`read_all`]: no unwiped copies.
pub fn read_file(path: &std::path::Path) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut file = std::fs::File::open(path)?;
    // A pipe has no length; a regular file is read in one buffer. The hint is capped: a
    // sparse file may claim any size.
    let hint = file.metadata().map_or(0, |m| m.len()).min(64 << 20) as usize;
    read_all(&mut file, hint)
}

/// Reads `reader` to its end into a buffer that wipes itself and every copy it outgrows.
/// `size_hint` (a file's length, or 0) sizes the first buffer.
pub fn read_all(
    reader: &mut impl std::io::Read,
    size_hint: usize,
) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut bytes = SecretBytes::with_capacity(size_hint.max(4096 - 1) + 1);
    let mut chunk = Zeroizing::new([0u8; 4096]);
    loop {
        let n = match reader.read(&mut chunk[..]) {
            Ok(0) => return Ok(bytes.into_zeroizing()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        bytes.extend_from_slice(&chunk[..n]);
    }
}

/// The capacity a secret buffer of `len` bytes in `capacity` moves to so that `more` fit, or
/// `None` when they fit already: at least double, so that growing stays rare.
fn grown(len: usize, capacity: usize, more: usize) -> Option<usize> {
    let needed = len + more;
    (needed > capacity).then(|| needed.max(2 * capacity).max(64))
}

/// The one buffer for text that holds secrets: it wipes itself when dropped, and grows by
/// moving into a bigger buffer and wiping the one it leaves (a `String`'s own growth frees
/// the old copy as it is). No caller has to size it in advance.
#[derive(Default)]
pub struct SecretText(Zeroizing<String>);

impl SecretText {
    pub fn new() -> Self {
        Self::default()
    }

    /// Room for `capacity` bytes to begin with: a hint, never needed for safety.
    pub fn with_capacity(capacity: usize) -> Self {
        Self(Zeroizing::new(String::with_capacity(capacity)))
    }

    pub fn push_str(&mut self, text: &str) {
        if let Some(capacity) = grown(self.0.len(), self.0.capacity(), text.len()) {
            let mut bigger = Zeroizing::new(String::with_capacity(capacity));
            bigger.push_str(&self.0);
            self.0 = bigger; // the old buffer is wiped as it drops
        }
        self.0.push_str(text);
    }

    pub fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_zeroizing(self) -> Zeroizing<String> {
        self.0
    }
}

impl fmt::Write for SecretText {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.push_str(text);
        Ok(())
    }
}

impl std::ops::Deref for SecretText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// [`SecretText`] for bytes: JSON written by serde, a file read to its end.
#[derive(Default)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    pub fn with_capacity(capacity: usize) -> Self {
        Self(Zeroizing::new(Vec::with_capacity(capacity)))
    }

    pub fn extend_from_slice(&mut self, bytes: &[u8]) {
        if let Some(capacity) = grown(self.0.len(), self.0.capacity(), bytes.len()) {
            let mut bigger = Zeroizing::new(Vec::with_capacity(capacity));
            bigger.extend_from_slice(&self.0);
            self.0 = bigger; // the old buffer is wiped as it drops
        }
        self.0.extend_from_slice(bytes);
    }

    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    pub fn into_zeroizing(self) -> Zeroizing<Vec<u8>> {
        self.0
    }
}

impl std::io::Write for SecretBytes {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Clone for SecretValue {
    fn clone(&self) -> Self {
        Self(SecretString::from(self.expose().to_owned()))
    }
}

impl PartialEq for SecretValue {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl serde::Serialize for SecretValue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for SecretValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        // The error text is fixed: serde would otherwise quote the offending value.
        SecretValue::new(text).map_err(|_| serde::de::Error::custom("a value contains a NUL byte"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_buffers_grow_by_moving_and_keep_every_byte() {
        use std::fmt::Write as _;
        let mut text = SecretText::new();
        let mut expected = String::new();
        for i in 0..2000 {
            let piece = format!("{i}:é\"\n");
            let _ = write!(text, "{piece}");
            expected.push_str(&piece);
        }
        text.push('✓');
        expected.push('✓');
        assert_eq!(text.as_str(), expected);
        let mut bytes = SecretBytes::default();
        for chunk in expected.as_bytes().chunks(7) {
            std::io::Write::write_all(&mut bytes, chunk).unwrap();
        }
        assert_eq!(bytes.as_slice(), expected.as_bytes());
        assert_eq!(*text.into_zeroizing(), expected);
    }

    #[test]
    fn debug_never_shows_the_value() {
        let v = SecretValue::new("sk-very-secret".into()).unwrap();
        assert_eq!(format!("{v:?}"), "[REDACTED]");
        assert!(!format!("{:?}", Some(&v)).contains("very"));
    }

    #[test]
    fn nul_and_bad_utf8_are_refused() {
        assert_eq!(
            SecretValue::new("a\0b".into()).unwrap_err(),
            ValueError::ContainsNul
        );
        assert_eq!(
            SecretValue::from_bytes(vec![0xff, 0xfe]).unwrap_err(),
            ValueError::NotUtf8
        );
    }

    #[test]
    fn input_drops_one_line_ending_only() {
        assert_eq!(
            SecretValue::from_input(b"abc\n".to_vec()).unwrap().expose(),
            "abc"
        );
        assert_eq!(
            SecretValue::from_input(b"abc\r\n".to_vec())
                .unwrap()
                .expose(),
            "abc"
        );
        assert_eq!(
            SecretValue::from_input(b"abc\n\n".to_vec())
                .unwrap()
                .expose(),
            "abc\n"
        );
        assert_eq!(
            SecretValue::from_input(b"\n".to_vec()).unwrap_err(),
            ValueError::Empty
        );
    }
}
