//! The vault file: an age-encrypted document (see `format`). Opening never locks; every change runs under
//! the writers' lock as read → change → encrypt to all recipients → atomic replace.
//! Usable without the command line: a program can open a vault with nothing but an identity.
//!
//! ```
//! use vault::identity::Identities;
//! use vault::secret::SecretValue;
//! use vault::vault::{Details, Document, RecipientEntry, VaultFile};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let identity = age::x25519::Identity::generate();
//! let keys = Identities::from_age(vec![identity.clone()]);
//! let now = jiff::Timestamp::now();
//!
//! let file = VaultFile::new(dir.path().join("vault.age"));
//! file.create(&Document::new(vec![RecipientEntry {
//!     key: identity.to_public().to_string(),
//!     label: None,
//!     added: now,
//! }]))?;
//! let value = SecretValue::new("sk-example".into())?;
//! file.update(&keys, |doc| {
//!     Ok(doc.add_entry("OPENAI_API_KEY", Details::Secret, value, now)?)
//! })?;
//!
//! let doc = file.open(&keys)?;
//! assert_eq!(doc.entries["OPENAI_API_KEY"].value().expose(), "sk-example");
//! # Ok(())
//! # }
//! ```

pub mod agent;
pub mod agents;
pub mod crypto;
pub mod entry;
pub mod format;
pub mod keyless;
pub mod model;
pub mod remote;
pub mod storage;
pub mod time;

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub use agents::{Agent, AgentChanges, AttachOutcome, Attached};
pub use model::{Details, Document, Entry, Kind, ModelError, ProviderKey, RecipientEntry};

/// What can open a vault: identities to try in order, and how to describe them in errors.
pub trait Keys {
    fn identities(&self) -> Vec<&dyn age::Identity>;
    /// One line per identity tried, e.g. `VAULT_IDENTITY (age1…)`.
    fn describe(&self) -> Vec<String>;
    /// The public recipients of these identities, where known.
    fn recipients(&self) -> Vec<String>;
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("no vault at {}\n{}", .path.display(), missing_hint(.path))]
    Missing { path: PathBuf },
    #[error(
        "a vault already exists at {}; nothing was changed\n  \
         to start a second vault, choose another file with --vault FILE or VAULT_FILE",
        .path.display()
    )]
    AlreadyExists { path: PathBuf },
    #[error("cannot read {}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "{} is damaged and cannot be opened: {what}; nothing was changed{}",
        .path.display(), backup_hint(.path)
    )]
    Damaged { path: PathBuf, what: String },
    #[error(
        "no identity found to open {}; looked at: {}\n  set VAULT_IDENTITY (an \
         AGE-SECRET-KEY-1… string) or VAULT_IDENTITY_FILE, pass --identity FILE, or run \
         `vault identity export` where the vault opens and bring the key here",
        .path.display(), .looked.join(", ")
    )]
    NoIdentity { path: PathBuf, looked: Vec<String> },
    #[error("{}", not_for_you(.path, .yours, .tried, *.backup_opens))]
    NotForYou {
        path: PathBuf,
        yours: Vec<String>,
        tried: Vec<String>,
        backup_opens: bool,
    },
    #[error("{} decrypts, but {source}; nothing was changed{}", .path.display(), backup_hint(.path))]
    Format {
        path: PathBuf,
        source: format::FormatError,
    },
    #[error(
        "{} was written by a newer vault (format {found}; this one knows up to {known}); \
         upgrade vault to open it",
        .path.display()
    )]
    Newer {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Lock(#[from] storage::LockError),
    #[error(transparent)]
    Encrypt(#[from] crypto::EncryptError),
    #[error("cannot write {}; the vault is unchanged", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// "restore it with: cp …" when a backup exists.
fn restore_hint(path: &Path) -> Option<String> {
    let backup = storage::backup_path(path);
    backup.exists().then(|| {
        format!(
            "the previous version is at {b}; restore it with: cp {b} {p}",
            b = backup.display(),
            p = path.display()
        )
    })
}

fn missing_hint(path: &Path) -> String {
    restore_hint(path).map_or_else(
        || {
            "  create one with `vault init`, or point --vault FILE / VAULT_FILE at an existing \
             vault"
                .to_owned()
        },
        |hint| format!("  {hint}"),
    )
}

fn backup_hint(path: &Path) -> String {
    restore_hint(path).map_or_else(
        || "\n  no backup exists yet (one is kept from the second save on)".to_owned(),
        |hint| format!("\n  {hint}"),
    )
}

fn not_for_you(path: &Path, yours: &[String], tried: &[String], backup_opens: bool) -> String {
    let mut msg = match yours {
        // Nothing unlocked (a wrong passphrase, say): the notes in `tried` say why.
        [] => format!(
            "none of your identities could open {}; identities tried: {}",
            path.display(),
            tried.join(", ")
        ),
        [one] => format!(
            "this vault is not encrypted to {one}; identities tried: {}",
            tried.join(", ")
        ),
        many => format!(
            "this vault is not encrypted to any of {}; identities tried: {}",
            many.join(", "),
            tried.join(", ")
        ),
    };
    if let Some(first) = yours.first() {
        let _ = write!(
            msg,
            "\n  someone who can open {} can add you with: vault recipient add {first}",
            path.display()
        );
    }
    if backup_opens {
        let backup = storage::backup_path(path);
        let _ = write!(
            msg,
            "\n  the version before the last change ({b}) does open with your identity; if that \
             change locked you out, restore it with: cp {b} {p}",
            b = backup.display(),
            p = path.display()
        );
    }
    msg
}

/// How much of the file the header checks read: an age header with a few dozen recipients is a
/// few kilobytes.
const HEAD: usize = 64 * 1024;

fn read_file(path: &Path) -> Result<Vec<u8>, VaultError> {
    fs::read(path).map_err(|source| match source.kind() {
        io::ErrorKind::NotFound => VaultError::Missing {
            path: path.to_owned(),
        },
        _ => VaultError::Read {
            path: path.to_owned(),
            source,
        },
    })
}

/// A vault at a path. Cheap to make; nothing is read until it is opened.
#[derive(Debug, Clone)]
pub struct VaultFile {
    path: PathBuf,
}

impl VaultFile {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn backup_path(&self) -> PathBuf {
        storage::backup_path(&self.path)
    }

    pub fn exists(&self) -> bool {
        self.path.exists()
    }

    /// Reads and decrypts the vault. Takes no lock: a concurrent writer replaces the file
    /// atomically, so this sees the old version or the new one.
    pub fn open(&self, keys: &dyn Keys) -> Result<Document, VaultError> {
        let bytes = self.read()?;
        self.decode(&bytes, keys)
    }

    /// Writes a new vault; refuses when one exists (checked under the lock).
    pub fn create(&self, doc: &Document) -> Result<(), VaultError> {
        let target = storage::real_path(&self.path);
        storage::create_private_dir(storage::parent_dir(&target)).map_err(|source| {
            VaultError::Write {
                path: self.path.clone(),
                source,
            }
        })?;
        let (lock, target) = self.lock_target()?;
        if target.exists() {
            return Err(VaultError::AlreadyExists {
                path: self.path.clone(),
            });
        }
        self.write(&lock, &target, doc)
    }

    /// Applies one change under the writers' lock. When `change` fails, nothing is written.
    pub fn update<T>(
        &self,
        keys: &dyn Keys,
        change: impl FnOnce(&mut Document) -> Result<T, VaultError>,
    ) -> Result<T, VaultError> {
        self.update_if_changed(keys, |doc| change(doc).map(|result| (result, true)))
    }

    /// Like [`VaultFile::update`], but `change` also says whether it changed anything: when it
    /// did not, nothing is written (and the backup keeps the version before).
    pub fn update_if_changed<T>(
        &self,
        keys: &dyn Keys,
        change: impl FnOnce(&mut Document) -> Result<(T, bool), VaultError>,
    ) -> Result<T, VaultError> {
        // Unlock the identities before taking the lock: a passphrase prompt must not keep
        // other writers waiting, and a wrong identity fails here, before anything is touched.
        self.check_header(keys)?;
        let (lock, target) = self.lock_target()?;
        let bytes = read_file(&target)?;
        let mut doc = self.decode(&bytes, keys)?;
        let (result, changed) = change(&mut doc)?;
        if changed {
            self.write(&lock, &target, &doc)?;
        }
        Ok(result)
    }

    /// Which of `keys`' identities opens this vault (the first that does), if any.
    pub fn matching_identity(&self, keys: &dyn Keys) -> Result<Option<usize>, VaultError> {
        let head = self.read_head()?;
        Ok(keys
            .identities()
            .iter()
            .position(|id| crypto::unwrap_header(&head, &[*id]).is_ok()))
    }

    /// Locks the file writes go to: a symlinked vault is updated where it really is, so the
    /// lock, the backup and the rename all happen beside the real file. The link is resolved
    /// again once locked, in case it was repointed meanwhile.
    fn lock_target(&self) -> Result<(storage::WriteLock, PathBuf), VaultError> {
        let mut target = storage::real_path(&self.path);
        for _ in 0..3 {
            let lock = storage::WriteLock::acquire(&target)?;
            let now = storage::real_path(&self.path);
            if now == target {
                return Ok((lock, target));
            }
            target = now;
        }
        Err(VaultError::Write {
            path: self.path.clone(),
            source: io::Error::other("the vault's symlink keeps changing; try again"),
        })
    }

    /// Unwraps the file key from the header alone: the first bytes of the file suffice, unless
    /// the header is extraordinarily long (hundreds of recipients).
    fn check_header(&self, keys: &dyn Keys) -> Result<(), VaultError> {
        let head = self.read_head()?;
        if !crypto::is_age_file(&head) {
            // decode() gives the precise message.
            return self.decode(&head, keys).map(drop);
        }
        match crypto::unwrap_header(&head, &keys.identities()) {
            Ok(()) => Ok(()),
            Err(age::DecryptError::NoMatchingKeys) => {
                Err(self.decrypt_error(age::DecryptError::NoMatchingKeys, keys))
            }
            Err(e) if head.len() < HEAD => Err(self.decrypt_error(e, keys)),
            Err(_) => {
                let whole = self.read()?;
                crypto::unwrap_header(&whole, &keys.identities())
                    .map_err(|e| self.decrypt_error(e, keys))
            }
        }
    }

    /// Up to [`HEAD`] bytes from the start of the file.
    fn read_head(&self) -> Result<Vec<u8>, VaultError> {
        use std::io::Read as _;
        let file = fs::File::open(&self.path).map_err(|source| match source.kind() {
            io::ErrorKind::NotFound => VaultError::Missing {
                path: self.path.clone(),
            },
            _ => VaultError::Read {
                path: self.path.clone(),
                source,
            },
        })?;
        let mut head = Vec::with_capacity(HEAD);
        file.take(HEAD as u64)
            .read_to_end(&mut head)
            .map_err(|source| VaultError::Read {
                path: self.path.clone(),
                source,
            })?;
        Ok(head)
    }

    fn read(&self) -> Result<Vec<u8>, VaultError> {
        read_file(&self.path)
    }

    fn decode(&self, bytes: &[u8], keys: &dyn Keys) -> Result<Document, VaultError> {
        let damaged = |what: &str| VaultError::Damaged {
            path: self.path.clone(),
            what: what.to_owned(),
        };
        if bytes.is_empty() {
            return Err(damaged("the file is empty"));
        }
        if !crypto::is_age_file(bytes) {
            return Err(damaged("it is not an age-encrypted file"));
        }
        let started = std::time::Instant::now();
        let plaintext =
            crypto::decrypt(bytes, &keys.identities()).map_err(|e| self.decrypt_error(e, keys))?;
        log::debug!(
            "decrypted {} ({} bytes) in {:?}",
            self.path.display(),
            bytes.len(),
            started.elapsed()
        );
        let started = std::time::Instant::now();
        let doc = format::from_bytes(&plaintext).map_err(|source| VaultError::Format {
            path: self.path.clone(),
            source,
        })?;
        log::debug!(
            "parsed {} entries in {:?}",
            doc.entries.len(),
            started.elapsed()
        );
        if doc.version > model::FORMAT_VERSION {
            return Err(VaultError::Newer {
                path: self.path.clone(),
                found: doc.version,
                known: model::FORMAT_VERSION,
            });
        }
        // An older format is read as it is and written as this one at the next save.
        let mut doc = doc;
        doc.version = model::FORMAT_VERSION;
        Ok(doc)
    }

    fn decrypt_error(&self, err: age::DecryptError, keys: &dyn Keys) -> VaultError {
        use age::DecryptError as E;
        let what = match err {
            E::NoMatchingKeys if keys.identities().is_empty() => {
                return VaultError::NoIdentity {
                    path: self.path.clone(),
                    looked: keys.describe(),
                };
            }
            E::NoMatchingKeys => {
                return VaultError::NotForYou {
                    path: self.path.clone(),
                    yours: keys.recipients(),
                    tried: keys.describe(),
                    backup_opens: self.backup_opens(keys),
                };
            }
            E::InvalidHeader | E::UnknownFormat => "its age header is unreadable".to_owned(),
            E::InvalidMac => {
                "its age header fails authentication (corrupted or altered)".to_owned()
            }
            E::DecryptionFailed => {
                "its content fails authentication (truncated, corrupted or altered)".to_owned()
            }
            E::Io(ref io) if io.kind() == io::ErrorKind::InvalidData => {
                "its content fails authentication (truncated, corrupted or altered)".to_owned()
            }
            E::Io(ref io) if io.kind() == io::ErrorKind::UnexpectedEof => {
                "the file is truncated".to_owned()
            }
            E::KeyDecryptionFailed => {
                "an identity that matches it could not be unlocked (wrong passphrase?)".to_owned()
            }
            other => other.to_string(),
        };
        VaultError::Damaged {
            path: self.path.clone(),
            what,
        }
    }

    fn backup_opens(&self, keys: &dyn Keys) -> bool {
        fs::read(self.backup_path())
            .map(|bytes| crypto::decrypt(&bytes, &keys.identities()).is_ok())
            .unwrap_or(false)
    }

    fn write(
        &self,
        lock: &storage::WriteLock,
        target: &Path,
        doc: &Document,
    ) -> Result<(), VaultError> {
        let started = std::time::Instant::now();
        let document = format::to_bytes(doc).map_err(|source| VaultError::Format {
            path: target.to_owned(),
            source,
        })?;
        let ciphertext = crypto::encrypt(&document, doc.recipients.iter().map(|r| r.key.as_str()))?;
        storage::replace_atomically(lock, target, &ciphertext).map_err(|source| {
            VaultError::Write {
                path: target.to_owned(),
                source,
            }
        })?;
        log::debug!(
            "saved {} ({} entries, {} recipients) in {:?}",
            target.display(),
            doc.entries.len(),
            doc.recipients.len(),
            started.elapsed()
        );
        Ok(())
    }
}
