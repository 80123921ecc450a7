//! age encryption of the whole vault document: recipients are parsed here, every save encrypts
//! to all of them, and opening tries the identities it is given.

use std::fmt;
use std::io::Write;
use std::str::FromStr;

use zeroize::Zeroizing;

/// The kinds of recipient a vault can be encrypted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipientKind {
    X25519,
    SshEd25519,
    SshRsa,
}

impl fmt::Display for RecipientKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RecipientKind::X25519 => "age",
            RecipientKind::SshEd25519 => "ssh-ed25519",
            RecipientKind::SshRsa => "ssh-rsa",
        })
    }
}

/// A recipient as the user typed it, checked and normalised.
pub struct ParsedRecipient {
    pub kind: RecipientKind,
    /// `age1…` or `ssh-… BASE64` without the comment.
    pub key: String,
    /// The comment of an SSH public key line, if any (a natural label).
    pub comment: Option<String>,
}

/// Why a recipient was refused. Never quotes the input: people paste the wrong thing, and the
/// wrong thing is often a secret key.
#[derive(Debug, thiserror::Error)]
pub enum RecipientError {
    #[error(
        "that is not a recipient vault understands: give an age public key (age1…) or an SSH \
         public key line (ssh-ed25519 AAAA… or ssh-rsa AAAA…)"
    )]
    Unknown,
    #[error(
        "that looks like an age public key (age1…) but is not a valid one; check it was copied whole"
    )]
    BadAge,
    #[error("that SSH public key is not usable: {0}")]
    BadSsh(String),
    #[error(
        "that is a secret key, not a public one: never share it. Give the recipient \
         (age1…, or the .pub line of an SSH key) instead; `vault identity show` prints yours"
    )]
    SecretKeyGiven,
}

/// Parses `age1…`, `ssh-ed25519 AAAA… [comment]` or `ssh-rsa AAAA… [comment]`.
pub fn parse_recipient(text: &str) -> Result<ParsedRecipient, RecipientError> {
    let text = text.trim();
    let upper = text.to_ascii_uppercase();
    if upper.contains("SECRET-KEY") || upper.contains("PRIVATE KEY") {
        return Err(RecipientError::SecretKeyGiven);
    }
    if text.starts_with("age1") {
        return age::x25519::Recipient::from_str(text)
            .map(|r| ParsedRecipient {
                kind: RecipientKind::X25519,
                key: r.to_string(),
                comment: None,
            })
            .map_err(|_| RecipientError::BadAge);
    }
    let mut fields = text.split_whitespace();
    let (Some(kind), Some(data)) = (fields.next(), fields.next()) else {
        return Err(RecipientError::Unknown);
    };
    let kind = match kind {
        "ssh-ed25519" => RecipientKind::SshEd25519,
        "ssh-rsa" => RecipientKind::SshRsa,
        _ => return Err(RecipientError::Unknown),
    };
    let comment: Vec<&str> = fields.collect();
    let recipient = age::ssh::Recipient::from_str(&format!("{kind} {data}"))
        .map_err(|e| RecipientError::BadSsh(describe_ssh_error(e)))?;
    Ok(ParsedRecipient {
        kind,
        key: recipient.to_string(),
        comment: (!comment.is_empty()).then(|| comment.join(" ")),
    })
}

fn describe_ssh_error(err: age::ssh::ParseRecipientKeyError) -> String {
    use age::ssh::ParseRecipientKeyError as E;
    match err {
        E::Ignore => "it is not an SSH public key".into(),
        E::Invalid(why) => why.into(),
        E::RsaModulusTooLarge => "the RSA key is larger than age supports".into(),
        E::RsaModulusTooSmall => "the RSA key is smaller than 2048 bits".into(),
        E::Unsupported(kind) => format!("{kind} keys are not supported (use ed25519 or rsa)"),
        _ => "it is not a usable SSH public key".into(),
    }
}

fn to_age_recipient(key: &str) -> Result<Box<dyn age::Recipient + Send>, RecipientError> {
    let parsed = parse_recipient(key)?;
    Ok(match parsed.kind {
        RecipientKind::X25519 => Box::new(
            age::x25519::Recipient::from_str(&parsed.key).map_err(|_| RecipientError::BadAge)?,
        ),
        RecipientKind::SshEd25519 | RecipientKind::SshRsa => Box::new(
            age::ssh::Recipient::from_str(&parsed.key)
                .map_err(|e| RecipientError::BadSsh(describe_ssh_error(e)))?,
        ),
    })
}

#[derive(Debug, thiserror::Error)]
pub enum EncryptError {
    #[error(transparent)]
    Recipient(#[from] RecipientError),
    #[error("age refused to encrypt to these recipients: {0}")]
    Age(#[from] age::EncryptError),
    #[error("the vault has no recipients to encrypt to")]
    NoRecipients,
    #[error("writing the encrypted vault failed")]
    Io(#[from] std::io::Error),
}

/// Encrypts `plaintext` to every recipient key (binary age format, as `age -e` writes it).
pub fn encrypt<'k>(
    plaintext: &[u8],
    recipient_keys: impl IntoIterator<Item = &'k str>,
) -> Result<Vec<u8>, EncryptError> {
    let recipients = recipient_keys
        .into_iter()
        .map(to_age_recipient)
        .collect::<Result<Vec<_>, _>>()?;
    if recipients.is_empty() {
        return Err(EncryptError::NoRecipients);
    }
    let encryptor = age::Encryptor::with_recipients(
        recipients.iter().map(|r| r.as_ref() as &dyn age::Recipient),
    )?;
    let mut out = Vec::with_capacity(plaintext.len() + 512);
    let mut writer = encryptor.wrap_output(&mut out)?;
    writer.write_all(plaintext)?;
    writer.finish()?;
    Ok(out)
}

/// Decrypts an age file (binary or armored) with the first identity that matches.
pub fn decrypt(
    ciphertext: &[u8],
    identities: &[&dyn age::Identity],
) -> Result<Zeroizing<Vec<u8>>, age::DecryptError> {
    let reader = age::armor::ArmoredReader::new(ciphertext);
    let decryptor = age::Decryptor::new_buffered(std::io::BufReader::new(reader))?;
    let mut stream = decryptor.decrypt(identities.iter().copied())?;
    // The plaintext is shorter than the ciphertext: one buffer, wiped however it ends.
    Ok(crate::secret::read_all(&mut stream, ciphertext.len())?)
}

/// Checks which file key the identities unwrap, without decrypting the content: cheap, and it
/// is the moment a passphrase-protected identity asks for its passphrase.
pub fn unwrap_header(
    ciphertext: &[u8],
    identities: &[&dyn age::Identity],
) -> Result<(), age::DecryptError> {
    let reader = age::armor::ArmoredReader::new(ciphertext);
    let decryptor = age::Decryptor::new_buffered(std::io::BufReader::new(reader))?;
    decryptor.decrypt(identities.iter().copied()).map(drop)
}

/// Encrypts with a passphrase (age scrypt), armored so that the result is a text file.
pub fn encrypt_with_passphrase(
    plaintext: &[u8],
    passphrase: secrecy::SecretString,
) -> Result<Vec<u8>, EncryptError> {
    let encryptor = age::Encryptor::with_user_passphrase(passphrase);
    let mut out = Vec::new();
    let armored = age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor)?;
    let mut writer = encryptor.wrap_output(armored)?;
    writer.write_all(plaintext)?;
    writer.finish()?.finish()?;
    Ok(out)
}

/// Whether `bytes` look like an age file (binary or armored) rather than plain text.
pub fn is_age_file(bytes: &[u8]) -> bool {
    bytes.starts_with(b"age-encryption.org/")
        || bytes.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----")
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn round_trip_to_two_recipients() {
        let a = age::x25519::Identity::generate();
        let b = age::x25519::Identity::generate();
        let keys = [a.to_public().to_string(), b.to_public().to_string()];
        let ct = encrypt(b"hello", keys.iter().map(String::as_str)).unwrap();
        assert_eq!(&*decrypt(&ct, &[&b]).unwrap(), b"hello");
        assert_eq!(&*decrypt(&ct, &[&a]).unwrap(), b"hello");
        let c = age::x25519::Identity::generate();
        assert!(matches!(
            decrypt(&ct, &[&c]),
            Err(age::DecryptError::NoMatchingKeys)
        ));
    }

    #[test]
    fn recipients_are_checked_and_normalised() {
        let id = age::x25519::Identity::generate();
        let public = id.to_public().to_string();
        assert_eq!(
            parse_recipient(&format!("  {public} ")).unwrap().key,
            public
        );
        assert!(matches!(
            parse_recipient(id.to_string().expose_secret()),
            Err(RecipientError::SecretKeyGiven)
        ));
        assert!(matches!(
            parse_recipient("age1nope"),
            Err(RecipientError::BadAge)
        ));
        assert!(matches!(
            parse_recipient("hello"),
            Err(RecipientError::Unknown)
        ));
        // Secret keys wrapped in other text are still recognised, and never quoted.
        let secret = id.to_string().expose_secret().to_owned();
        let wrapped = format!("# created\n# public key: {public}\n{secret}");
        for text in [wrapped, format!("VAULT_IDENTITY={secret}")] {
            assert!(matches!(
                parse_recipient(&text),
                Err(RecipientError::SecretKeyGiven)
            ));
        }
        let pem = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n";
        assert!(matches!(
            parse_recipient(pem),
            Err(RecipientError::SecretKeyGiven)
        ));
        let ssh = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN alice@host";
        let parsed = parse_recipient(ssh).unwrap();
        assert_eq!(parsed.kind, RecipientKind::SshEd25519);
        assert_eq!(parsed.comment.as_deref(), Some("alice@host"));
        assert!(!parsed.key.contains("alice"));
    }

    #[test]
    fn passphrase_files_are_armored_age() {
        let ct = encrypt_with_passphrase(b"AGE-SECRET-KEY-1X", "pw".to_owned().into()).unwrap();
        assert!(is_age_file(&ct));
        assert!(ct.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"));
    }
}
