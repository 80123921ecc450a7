//! Proxy tokens: what an agent holds in place of a provider key. 256 random bits, shown once;
//! the vault keeps only their hash, and the proxy compares hashes in constant time.

use base64::Engine as _;
use subtle::ConstantTimeEq;

use crate::secret::SecretValue;
use crate::vault::keyless::TokenHash;

/// Every token starts so: easy to recognise in a leaked log, and never a provider key's start.
pub const PREFIX: &str = "vault-proxy-";

/// A new random token.
pub fn generate() -> Result<SecretValue, getrandom::Error> {
    let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
    getrandom::fill(bytes.as_mut())?;
    let text = format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes[..])
    );
    // The text is letters, digits, '-' and '_': never the NUL byte `new` refuses.
    SecretValue::new(text).map_err(|_| getrandom::Error::UNSUPPORTED)
}

/// The known tokens' hashes, each with what it stands for.
pub struct Tokens<T> {
    known: Vec<(TokenHash, T)>,
}

impl<T> Tokens<T> {
    pub fn new(known: Vec<(TokenHash, T)>) -> Self {
        Self { known }
    }

    /// What `presented` stands for. Every known hash is compared, in constant time, so how
    /// long this takes says nothing about how close a guess came.
    pub fn find(&self, presented: &str) -> Option<&T> {
        let hash = TokenHash::of(presented);
        let mut found = None;
        for (known, what) in &self.known {
            if bool::from(known.0.ct_eq(&hash.0)) {
                found = Some(what);
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_found_by_hash() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_ne!(a.expose(), b.expose());
        assert!(a.expose().starts_with(PREFIX));
        assert_eq!(a.expose().len(), PREFIX.len() + 43);
        let tokens = Tokens::new(vec![
            (TokenHash::of(a.expose()), "agent-a"),
            (TokenHash::of(b.expose()), "agent-b"),
        ]);
        assert_eq!(tokens.find(a.expose()), Some(&"agent-a"));
        assert_eq!(tokens.find(b.expose()), Some(&"agent-b"));
        assert_eq!(tokens.find("vault-proxy-guess"), None);
        assert_eq!(tokens.find(""), None);
    }
}
