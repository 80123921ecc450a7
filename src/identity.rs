//! Finding the identity that opens the vault, and keeping a new one safe.
//!
//! Order, first match wins: `--identity FILE` > `VAULT_IDENTITY` > `VAULT_IDENTITY_FILE` > the
//! OS keyring > the identity file in the config directory > `~/.ssh` keys. The first three are
//! explicit: when one is given it is the only identity tried, so a CI key is never "helped" by
//! a personal key that happens to be on the same machine. The rest are tried in turn.
//!
//! Long: every source an identity can come from (environment, file, keyring, SSH keys,
//! passphrase files) and how each is unlocked only when its recipient matches; tests follow.

pub mod keyring;

use std::cell::{OnceCell, RefCell};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use age::x25519;
use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use sha2::Digest as _;
use zeroize::Zeroizing;

use crate::vault::{Keys, crypto, storage};

/// The identity file's name inside the config directory.
pub const IDENTITY_FILE_NAME: &str = "identity.txt";

/// Where an identity came from, as users name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Flag(PathBuf),
    EnvKey,
    EnvFile(PathBuf),
    Keyring,
    ConfigFile(PathBuf),
    Ssh(PathBuf),
}

impl Source {
    pub fn is_explicit(&self) -> bool {
        matches!(self, Source::Flag(_) | Source::EnvKey | Source::EnvFile(_))
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(p) => write!(f, "--identity {}", p.display()),
            Source::EnvKey => f.write_str("VAULT_IDENTITY"),
            Source::EnvFile(p) => write!(f, "VAULT_IDENTITY_FILE={}", p.display()),
            Source::Keyring => write!(f, "the OS keyring ({})", keyring::backend_name()),
            Source::ConfigFile(p) => write!(f, "identity file {}", p.display()),
            Source::Ssh(p) => write!(f, "SSH key {}", p.display()),
        }
    }
}

/// The SSH keys in ~/.ssh that may open a vault with an SSH recipient, in the order tried.
pub const SSH_KEY_NAMES: [&str; 2] = ["id_ed25519", "id_rsa"];

/// Everything identity lookup depends on, gathered once at the top (flags and environment).
#[derive(Clone)]
pub struct Settings {
    pub flag_file: Option<PathBuf>,
    pub env_key: Option<SecretString>,
    pub env_file: Option<PathBuf>,
    /// `VAULT_PASSPHRASE`: unlocks a passphrase-protected identity without a prompt.
    pub passphrase: Option<SecretString>,
    /// How long to wait for the OS keyring; `None` leaves the keyring alone.
    pub keyring_timeout: Option<Duration>,
    pub config_dir: PathBuf,
    pub ssh_dir: Option<PathBuf>,
}

impl Settings {
    pub fn identity_file(&self) -> PathBuf {
        self.config_dir.join(IDENTITY_FILE_NAME)
    }
}

/// Asks a person for a passphrase. Returns `None` where nobody can be asked (no terminal).
pub trait Prompter: Sync {
    fn passphrase(&self, prompt: &str) -> Option<SecretString>;
}

/// A prompter for places where nobody can be asked.
pub struct NoPrompt;

impl Prompter for NoPrompt {
    fn passphrase(&self, _: &str) -> Option<SecretString> {
        None
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error(
        "{} is readable by others (mode {mode:03o}); an identity must be private to you\n  \
         fix it with: chmod 600 {}", .path.display(), .path.display()
    )]
    TooOpen { path: PathBuf, mode: u32 },
    #[error("cannot read the identity file {}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{source_name} does not hold an age identity: {why}")]
    Invalid { source_name: String, why: String },
    #[error("{0} is passphrase-protected and could not be unlocked: {1}")]
    Locked(String, String),
    #[error(
        "no identity found; tried {}\n  set VAULT_IDENTITY (an AGE-SECRET-KEY-1… string) or \
         VAULT_IDENTITY_FILE, pass --identity FILE, or run `vault init`",
        .0.join(", ")
    )]
    NoneFound(Vec<String>),
    #[error("{0} is an SSH key; copy the key file itself (vault prints only age identities)")]
    NotExportable(String),
    #[error("cannot write the identity to {}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("the new identity could not be protected with the passphrase: {0}")]
    Encrypt(#[from] crypto::EncryptError),
}

/// One identity found, ready to try on the vault.
pub struct Candidate<'p> {
    pub source: Source,
    held: Held<'p>,
}

enum Held<'p> {
    Age(AgeKey),
    Ssh {
        key: Box<age::ssh::Identity>,
        public: Option<String>,
    },
    LockedSsh(Box<LockedSsh<'p>>),
    LockedFile(Box<LockedFile<'p>>),
}

impl Candidate<'_> {
    /// The public recipient (`age1…` / `ssh-…`), where it is known without a prompt or once
    /// unlocked.
    pub fn recipient(&self) -> Option<String> {
        match &self.held {
            Held::Age(key) => key.recipient.clone(),
            Held::Ssh { public, .. } => public.clone(),
            Held::LockedSsh(locked) => Some(locked.public.clone()),
            Held::LockedFile(locked) => locked
                .unlocked
                .get()
                .and_then(|ids| ids.as_ref().ok())
                .and_then(|ids| ids.first())
                .and_then(|key| key.recipient.clone()),
        }
    }

    /// Why this identity could not be used, once that is known (a passphrase problem).
    fn note(&self) -> Option<String> {
        match &self.held {
            Held::LockedFile(l) => l.note.borrow().clone(),
            Held::LockedSsh(l) => l.note.borrow().clone(),
            _ => None,
        }
    }

    fn describe(&self) -> String {
        match (self.recipient(), self.note()) {
            (_, Some(note)) => format!("{} ({note})", self.source),
            (Some(r), None) => format!("{} ({r})", self.source),
            (None, None) => self.source.to_string(),
        }
    }

    /// The age secret key, for moving to CI. Unlocks a passphrase-protected file if needed.
    pub fn age_secret(&self) -> Result<SecretString, IdentityError> {
        match &self.held {
            Held::Age(key) => key.secret(&self.source),
            Held::LockedFile(locked) => match locked.unlock()?.first() {
                Some(key) => key.secret(&self.source),
                None => Err(IdentityError::Invalid {
                    source_name: self.source.to_string(),
                    why: "it is empty".into(),
                }),
            },
            Held::Ssh { .. } | Held::LockedSsh(_) => {
                Err(IdentityError::NotExportable(self.source.to_string()))
            }
        }
    }

    /// Makes sure the recipient is known, unlocking a passphrase-protected file if needed.
    pub fn unlock(&self) -> Result<(), IdentityError> {
        if let Held::LockedFile(locked) = &self.held {
            locked.unlock()?;
        }
        Ok(())
    }
}

impl age::Identity for Candidate<'_> {
    fn unwrap_stanza(
        &self,
        stanza: &age_core::format::Stanza,
    ) -> Option<Result<age_core::format::FileKey, age::DecryptError>> {
        match &self.held {
            Held::Age(key) => key.identity.unwrap_stanza(stanza),
            Held::Ssh { key, .. } => age::Identity::unwrap_stanza(key.as_ref(), stanza),
            Held::LockedSsh(locked) => locked.unwrap_stanza(stanza),
            Held::LockedFile(locked) => locked.unwrap_stanza(stanza),
        }
    }

    /// All of a file's stanzas at once: a plugin's identity answers them in one exchange.
    fn unwrap_stanzas(
        &self,
        stanzas: &[age_core::format::Stanza],
    ) -> Option<Result<age_core::format::FileKey, age::DecryptError>> {
        match &self.held {
            Held::Age(key) => key.identity.unwrap_stanzas(stanzas),
            _ => stanzas.iter().find_map(|s| self.unwrap_stanza(s)),
        }
    }
}

/// An age identity as the age crate parsed it (a native X25519 key; with age's `plugin`
/// feature, also a plugin's, such as a YubiKey's), and what vault needs of it besides.
struct AgeKey {
    identity: Box<dyn age::Identity + Send + Sync>,
    /// `age1…` for a native key (a plugin identity's is known to its plugin alone).
    recipient: Option<String>,
    /// The key itself, for `vault identity export`: native keys only.
    secret: Option<SecretString>,
}

impl AgeKey {
    fn native(key: x25519::Identity) -> Self {
        AgeKey {
            recipient: Some(key.to_public().to_string()),
            secret: Some(key.to_string()),
            identity: Box::new(key),
        }
    }

    fn secret(&self, source: &Source) -> Result<SecretString, IdentityError> {
        self.secret
            .clone()
            .ok_or_else(|| IdentityError::NotExportable(source.to_string()))
    }
}

/// A passphrase-protected identity file: decrypted only when a vault needs it, once.
struct LockedFile<'p> {
    name: String,
    ciphertext: Vec<u8>,
    passphrase: Option<SecretString>,
    prompter: &'p dyn Prompter,
    unlocked: OnceCell<Result<Vec<AgeKey>, String>>,
    note: RefCell<Option<String>>,
}

impl LockedFile<'_> {
    fn unlock(&self) -> Result<&[AgeKey], IdentityError> {
        let result = self.unlocked.get_or_init(|| {
            let passphrase = match &self.passphrase {
                Some(p) => Some(p.clone()),
                None => self
                    .prompter
                    .passphrase(&format!("Passphrase for {}", self.name)),
            };
            let Some(passphrase) = passphrase else {
                return Err("set VAULT_PASSPHRASE, or run on a terminal to be asked".into());
            };
            let identity = age::scrypt::Identity::new(passphrase);
            let plaintext = crypto::decrypt(&self.ciphertext, &[&identity])
                .map_err(|_| "wrong passphrase (VAULT_PASSPHRASE or typed)".to_owned())?;
            parse_age_identities(&plaintext).map_err(|why| why.to_string())
        });
        match result {
            Ok(ids) => Ok(ids),
            Err(why) => {
                *self.note.borrow_mut() = Some(why.clone());
                Err(IdentityError::Locked(self.name.clone(), why.clone()))
            }
        }
    }

    fn unwrap_stanza(
        &self,
        stanza: &age_core::format::Stanza,
    ) -> Option<Result<age_core::format::FileKey, age::DecryptError>> {
        if stanza.tag != "X25519" {
            return None;
        }
        let keys = self.unlock().ok()?;
        keys.iter()
            .find_map(|key| key.identity.unwrap_stanza(stanza))
    }
}

/// A passphrase-protected SSH key: the passphrase is asked for only when the vault has a
/// stanza for this very key (matched by its public key's tag).
struct LockedSsh<'p> {
    key: age::ssh::Identity,
    public: String,
    kind: String,
    tag: String,
    path: PathBuf,
    passphrase: Option<SecretString>,
    prompter: &'p dyn Prompter,
    unlocked: OnceCell<Option<age::ssh::Identity>>,
    note: RefCell<Option<String>>,
}

impl LockedSsh<'_> {
    fn unwrap_stanza(
        &self,
        stanza: &age_core::format::Stanza,
    ) -> Option<Result<age_core::format::FileKey, age::DecryptError>> {
        if stanza.tag != self.kind || stanza.args.first() != Some(&self.tag) {
            return None;
        }
        let unlocked = self.unlocked.get_or_init(|| {
            let age::ssh::Identity::Encrypted(enc) = &self.key else {
                return None;
            };
            let passphrase = self.passphrase.clone().or_else(|| {
                self.prompter
                    .passphrase(&format!("Passphrase for SSH key {}", self.path.display()))
            });
            let Some(passphrase) = passphrase else {
                *self.note.borrow_mut() =
                    Some("passphrase-protected: set VAULT_PASSPHRASE or run on a terminal".into());
                return None;
            };
            match enc.decrypt(passphrase) {
                Ok(key) => Some(age::ssh::Identity::from(key)),
                Err(_) => {
                    *self.note.borrow_mut() = Some("wrong passphrase".into());
                    None
                }
            }
        });
        age::Identity::unwrap_stanza(unlocked.as_ref()?, stanza)
    }
}

/// Candidates for plain age keys that came from one source.
fn age_candidates<'p>(
    source: &Source,
    keys: Vec<AgeKey>,
) -> impl Iterator<Item = Candidate<'p>> + use<'p, '_> {
    keys.into_iter().map(|key| Candidate {
        source: source.clone(),
        held: Held::Age(key),
    })
}

/// The identities found, in the order they are tried.
pub struct Identities<'p> {
    pub candidates: Vec<Candidate<'p>>,
    /// Sources that were looked at and held nothing usable (for error messages).
    pub looked: Vec<String>,
}

/// The prompter of identities that must never ask (see [`Identities::quiet`]).
static NO_PROMPT: NoPrompt = NoPrompt;

impl<'p> Identities<'p> {
    /// The same identities, never to ask anyone anything again: for a thread that reads the
    /// vault while an agent runs (a prompt there would wait on a terminal the agent has). Those
    /// already unlocked stay unlocked; a locked one not tried yet is then skipped.
    pub fn quiet(self) -> Identities<'static> {
        let candidates = self
            .candidates
            .into_iter()
            .map(|c| Candidate {
                source: c.source,
                held: match c.held {
                    Held::Age(key) => Held::Age(key),
                    Held::Ssh { key, public } => Held::Ssh { key, public },
                    Held::LockedFile(locked) => Held::LockedFile(Box::new(LockedFile {
                        prompter: &NO_PROMPT,
                        ..*locked
                    })),
                    Held::LockedSsh(locked) => Held::LockedSsh(Box::new(LockedSsh {
                        prompter: &NO_PROMPT,
                        ..*locked
                    })),
                },
            })
            .collect();
        Identities {
            candidates,
            looked: self.looked,
        }
    }

    /// Wraps identities the caller already has (tests, benchmarks, library users).
    pub fn from_age(ids: Vec<x25519::Identity>) -> Self {
        Self {
            candidates: age_candidates(
                &Source::EnvKey,
                ids.into_iter().map(AgeKey::native).collect(),
            )
            .collect(),
            looked: Vec::new(),
        }
    }

    pub fn first(&self) -> Option<&Candidate<'p>> {
        self.candidates.first()
    }

    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }
}

impl Keys for Identities<'_> {
    fn identities(&self) -> Vec<&dyn age::Identity> {
        self.candidates
            .iter()
            .map(|c| c as &dyn age::Identity)
            .collect()
    }

    fn describe(&self) -> Vec<String> {
        self.candidates
            .iter()
            .map(Candidate::describe)
            .chain(self.looked.iter().cloned())
            .collect()
    }

    /// Recipients of the identities that are usable: one that could not be unlocked (no or a
    /// wrong passphrase) is left out, so errors do not blame the vault for a locked key.
    fn recipients(&self) -> Vec<String> {
        self.candidates
            .iter()
            .filter(|c| c.note().is_none())
            .filter_map(Candidate::recipient)
            .collect()
    }
}

/// Finds the identities to try, in order. Explicit sources are exclusive.
pub fn resolve<'p>(
    settings: &Settings,
    prompter: &'p dyn Prompter,
) -> Result<Identities<'p>, IdentityError> {
    let mut found = Identities {
        candidates: Vec::new(),
        looked: Vec::new(),
    };
    if let Some(path) = &settings.flag_file {
        found.candidates = load_file(Source::Flag(path.clone()), path, settings, prompter)?;
        return Ok(found);
    }
    if let Some(key) = &settings.env_key {
        let ids = parse_age_identities(key.expose_secret().as_bytes()).map_err(|why| {
            IdentityError::Invalid {
                source_name: "VAULT_IDENTITY".into(),
                why: format!(
                    "{why}; it should be an AGE-SECRET-KEY-1… string, as `vault identity \
                     export` prints"
                ),
            }
        })?;
        found.candidates = age_candidates(&Source::EnvKey, ids).collect();
        return Ok(found);
    }
    if let Some(path) = &settings.env_file {
        found.candidates = load_file(Source::EnvFile(path.clone()), path, settings, prompter)?;
        return Ok(found);
    }

    if let Some(timeout) = settings.keyring_timeout {
        match keyring::load(timeout) {
            Ok(Some(secret)) => match parse_age_identities(secret.expose_secret().as_bytes()) {
                Ok(ids) => found
                    .candidates
                    .extend(age_candidates(&Source::Keyring, ids)),
                Err(why) => found.looked.push(format!("{} ({why})", Source::Keyring)),
            },
            Ok(None) => found.looked.push(format!("{} (empty)", Source::Keyring)),
            Err(e) => {
                log::debug!("keyring: {e}");
                let why = match e {
                    keyring::KeyringError::Unavailable(_) => "not reachable".to_owned(),
                    keyring::KeyringError::Failed(why) => why,
                    other => other.to_string(),
                };
                found.looked.push(format!("{} ({why})", Source::Keyring));
            }
        }
    }

    let file = settings.identity_file();
    if file.exists() {
        found.candidates.extend(load_file(
            Source::ConfigFile(file.clone()),
            &file,
            settings,
            prompter,
        )?);
    } else {
        found
            .looked
            .push(format!("{} (missing)", Source::ConfigFile(file)));
    }

    if let Some(ssh_dir) = &settings.ssh_dir {
        for name in SSH_KEY_NAMES {
            let path = ssh_dir.join(name);
            if !path.exists() {
                continue;
            }
            match load_ssh_key(Source::Ssh(path.clone()), &path, settings, prompter) {
                Ok(Some(candidate)) => found.candidates.push(candidate),
                Ok(None) => {}
                Err(e) => {
                    log::debug!("skipping {}: {e}", path.display());
                    let why = match e {
                        IdentityError::TooOpen { mode, .. } => {
                            format!("skipped: readable by others, mode {mode:03o}")
                        }
                        _ => "skipped: not readable as an SSH key".to_owned(),
                    };
                    found.looked.push(format!("{} ({why})", Source::Ssh(path)));
                }
            }
        }
    }
    Ok(found)
}

/// Reads an identity file: age keys, an SSH private key, or a passphrase-protected age file.
fn load_file<'p>(
    source: Source,
    path: &Path,
    settings: &Settings,
    prompter: &'p dyn Prompter,
) -> Result<Vec<Candidate<'p>>, IdentityError> {
    let bytes = read_private(path)?;
    if crypto::is_age_file(&bytes) {
        return Ok(vec![Candidate {
            held: Held::LockedFile(Box::new(LockedFile {
                name: source.to_string(),
                ciphertext: bytes.to_vec(),
                passphrase: settings.passphrase.clone(),
                prompter,
                unlocked: OnceCell::new(),
                note: RefCell::new(None),
            })),
            source,
        }]);
    }
    if bytes.starts_with(b"-----BEGIN OPENSSH PRIVATE KEY-----")
        || bytes.starts_with(b"-----BEGIN RSA PRIVATE KEY-----")
    {
        return load_ssh_key(source.clone(), path, settings, prompter)?
            .map(|c| vec![c])
            .ok_or_else(|| IdentityError::Invalid {
                source_name: source.to_string(),
                why: "this kind of SSH key is not supported (use ed25519 or rsa)".into(),
            });
    }
    let ids = parse_age_identities(&bytes).map_err(|why| IdentityError::Invalid {
        source_name: source.to_string(),
        why: why.to_string(),
    })?;
    Ok(age_candidates(&source, ids).collect())
}

fn load_ssh_key<'p>(
    source: Source,
    path: &Path,
    settings: &Settings,
    prompter: &'p dyn Prompter,
) -> Result<Option<Candidate<'p>>, IdentityError> {
    let bytes = read_private(path)?;
    let key = age::ssh::Identity::from_buffer(&bytes[..], Some(path.display().to_string()))
        .map_err(|e| IdentityError::Invalid {
            source_name: source.to_string(),
            why: e.to_string(),
        })?;
    let public = fs::read_to_string(storage::sibling(path, ".pub"))
        .ok()
        .and_then(|line| crypto::parse_recipient(&line).ok())
        .map(|r| r.key);
    let held = match key {
        age::ssh::Identity::Unencrypted(_) => Held::Ssh {
            key: Box::new(key),
            public,
        },
        age::ssh::Identity::Encrypted(_) => {
            // Without the public key there is no way to tell whether this key matches a
            // vault before asking for its passphrase, so it is not tried.
            let Some(public) = public else {
                log::debug!("{source}: encrypted and no .pub beside it; skipped");
                return Ok(None);
            };
            let (kind, tag) = ssh_stanza_tag(&public).ok_or_else(|| IdentityError::Invalid {
                source_name: source.to_string(),
                why: "its .pub file is not readable".into(),
            })?;
            Held::LockedSsh(Box::new(LockedSsh {
                key,
                public,
                kind,
                tag,
                path: path.to_owned(),
                passphrase: settings.passphrase.clone(),
                prompter,
                unlocked: OnceCell::new(),
                note: RefCell::new(None),
            }))
        }
        age::ssh::Identity::Unsupported(_) => return Ok(None),
    };
    Ok(Some(Candidate { source, held }))
}

/// The stanza tag age writes for an SSH recipient: the key type and the first four bytes of
/// the SHA-256 of the key, base64 without padding.
fn ssh_stanza_tag(public: &str) -> Option<(String, String)> {
    let mut fields = public.split_whitespace();
    let kind = fields.next()?;
    let wire = base64::engine::general_purpose::STANDARD
        .decode(fields.next()?)
        .ok()?;
    let digest = sha2::Sha256::digest(&wire);
    let tag = base64::engine::general_purpose::STANDARD_NO_PAD.encode(&digest[..4]);
    Some((kind.to_owned(), tag))
}

/// Reads a private file, refusing it (as ssh does) when group or others can read it.
fn read_private(path: &Path) -> Result<Zeroizing<Vec<u8>>, IdentityError> {
    #[cfg(unix)]
    match storage::loose_permissions(path) {
        Ok(Some(mode)) => {
            return Err(IdentityError::TooOpen {
                path: path.to_owned(),
                mode,
            });
        }
        Ok(None) => {}
        Err(source) => {
            return Err(IdentityError::Read {
                path: path.to_owned(),
                source,
            });
        }
    }
    fs::read(path)
        .map(Zeroizing::new)
        .map_err(|source| IdentityError::Read {
            path: path.to_owned(),
            source,
        })
}

/// Parses age identity text (`AGE-SECRET-KEY-1…` lines, `#` comments) with the age crate's
/// own reader, a line at a time: age takes each line as it stands, and vault forgives the
/// spaces a copy and paste leaves around a key (a CI secret with a trailing newline or an
/// indent). Errors name the line, never its content.
fn parse_age_identities(bytes: &[u8]) -> Result<Vec<AgeKey>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not text".to_owned())?;
    let mut keys = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |why: &str| format!("line {} {why}", n + 1);
        let file = age::IdentityFile::from_buffer(line.as_bytes())
            .map_err(|_| bad("is not an AGE-SECRET-KEY-1… key"))?;
        let mut public = Vec::new();
        let native = file.write_recipients_file(&mut public).is_ok();
        let identity = file
            .into_identities()
            .map_err(|e| bad(&format!("cannot be used: {e}")))?
            .pop()
            .ok_or_else(|| bad("is not an AGE-SECRET-KEY-1… key"))?;
        keys.push(AgeKey {
            identity,
            recipient: native.then(|| String::from_utf8_lossy(&public).trim().to_owned()),
            secret: native.then(|| SecretString::from(line.to_owned())),
        });
    }
    if keys.is_empty() {
        return Err("it holds no key".into());
    }
    Ok(keys)
}

/// The public key (`age1…`) of an age identity line.
pub fn public_of(line: &str) -> Option<String> {
    let keys = parse_age_identities(line.as_bytes()).ok()?;
    keys.into_iter().next()?.recipient
}

/// Where `vault init` put a new identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredIn {
    Keyring,
    File(PathBuf),
    PassphraseFile(PathBuf),
}

impl fmt::Display for StoredIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoredIn::Keyring => write!(
                f,
                "the OS keyring ({}, {})",
                keyring::backend_name(),
                keyring::item_name()
            ),
            StoredIn::File(p) => write!(f, "the identity file {} (mode 0600)", p.display()),
            StoredIn::PassphraseFile(p) => write!(
                f,
                "the identity file {} (mode 0600, protected by your passphrase)",
                p.display()
            ),
        }
    }
}

/// Keeps a new identity: passphrase-protected file when a passphrase is given, else the OS
/// keyring when one is reachable and persistent, else a private identity file. Returns also
/// why the keyring was passed over, if it was.
pub fn store_new(
    identity: &x25519::Identity,
    settings: &Settings,
    passphrase: Option<SecretString>,
) -> Result<(StoredIn, Option<keyring::KeyringError>), IdentityError> {
    let path = settings.identity_file();
    let secret = identity.to_string();
    let write = |contents: &[u8]| {
        storage::write_new_private_file(&path, contents).map_err(|source| IdentityError::Write {
            path: path.clone(),
            source,
        })
    };
    let text = Zeroizing::new(format!(
        "# vault identity, created {}\n# public key: {}\n{}\n",
        jiff::Timestamp::now()
            .round(jiff::Unit::Second)
            .unwrap_or(jiff::Timestamp::now()),
        identity.to_public(),
        secret.expose_secret()
    ));
    if let Some(passphrase) = passphrase {
        write(&crypto::encrypt_with_passphrase(
            text.as_bytes(),
            passphrase,
        )?)?;
        return Ok((StoredIn::PassphraseFile(path), None));
    }
    let keyring_refusal = match settings.keyring_timeout {
        Some(timeout) => match keyring::store(&secret, timeout) {
            Ok(()) => return Ok((StoredIn::Keyring, None)),
            Err(e) => Some(e),
        },
        None => None,
    };
    write(text.as_bytes())?;
    Ok((StoredIn::File(path), keyring_refusal))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn settings(dir: &Path) -> Settings {
        Settings {
            flag_file: None,
            env_key: None,
            env_file: None,
            passphrase: None,
            keyring_timeout: None,
            config_dir: dir.join("config"),
            ssh_dir: Some(dir.join("ssh")),
        }
    }

    #[test]
    fn explicit_identity_is_the_only_one_tried() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = settings(dir.path());
        let stored = x25519::Identity::generate();
        store_new(&stored, &s, None).unwrap();
        let env = x25519::Identity::generate();
        s.env_key = Some(env.to_string());
        let found = resolve(&s, &NoPrompt).unwrap();
        assert_eq!(found.candidates.len(), 1);
        assert_eq!(found.candidates[0].source, Source::EnvKey);
        assert_eq!(found.recipients(), vec![env.to_public().to_string()]);
    }

    #[test]
    fn identities_are_read_by_age_with_spaces_forgiven() {
        let key = x25519::Identity::generate();
        let text = format!(
            "# created: today\n\n  {}  \r\n",
            key.to_string().expose_secret()
        );
        let keys = parse_age_identities(text.as_bytes()).unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].recipient, Some(key.to_public().to_string()));
        assert_eq!(
            keys[0]
                .secret
                .as_ref()
                .map(|s| s.expose_secret().to_owned()),
            Some(key.to_string().expose_secret().to_owned())
        );
        // A plugin's identity (the `plugin` feature): read as one, so what is missing is its
        // program; without the feature it is not a key. Neither error quotes the line.
        let plugin = "AGE-PLUGIN-VAULTTEST-1WESH2MR5YP6X2UM5YP5KGETWW35HG7GGDMATN";
        let err = parse_age_identities(format!("# yubikey\n{plugin}\n").as_bytes())
            .err()
            .unwrap();
        if cfg!(feature = "plugin") {
            assert!(err.starts_with("line 2 cannot be used"), "{err}");
            assert!(err.contains("age-plugin-vaulttest"), "{err}");
        } else {
            assert_eq!(err, "line 2 is not an AGE-SECRET-KEY-1… key");
        }
        assert!(!err.contains("WESH2"), "{err}");
    }

    #[test]
    fn bad_env_identity_names_the_variable_not_the_value() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = settings(dir.path());
        s.env_key = Some("not-a-key-but-a-secret".to_owned().into());
        let err = resolve(&s, &NoPrompt).err().unwrap().to_string();
        assert!(err.contains("VAULT_IDENTITY"), "{err}");
        assert!(!err.contains("not-a-key-but-a-secret"), "{err}");
    }

    #[test]
    fn passphrase_file_unlocks_only_with_the_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = settings(dir.path());
        let id = x25519::Identity::generate();
        let (stored, _) = store_new(&id, &s, Some("correct horse".to_owned().into())).unwrap();
        assert!(matches!(stored, StoredIn::PassphraseFile(_)));
        let found = resolve(&s, &NoPrompt).unwrap();
        assert!(matches!(
            found.candidates[0].unlock(),
            Err(IdentityError::Locked(..))
        ));
        s.passphrase = Some("correct horse".to_owned().into());
        let found = resolve(&s, &NoPrompt).unwrap();
        assert_eq!(
            found.candidates[0].age_secret().unwrap().expose_secret(),
            id.to_string().expose_secret()
        );
    }

    #[test]
    fn ssh_tag_matches_what_age_writes() {
        // Tag from a vault encrypted by age to this key (checked against age's own stanza).
        let public =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN";
        let recipient = age::ssh::Recipient::from_str(public).unwrap();
        let (stanzas, _) = age::Recipient::wrap_file_key(
            &recipient,
            &age_core::format::FileKey::new(Box::new([7; 16])),
        )
        .unwrap();
        let (kind, tag) = ssh_stanza_tag(public).unwrap();
        assert_eq!(stanzas[0].tag, kind);
        assert_eq!(stanzas[0].args[0], tag);
    }
}
