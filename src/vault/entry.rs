//! One entry of the vault: a value, when it was made and last changed, and what it is. What
//! only a provider key carries (its provider, endpoint and last check) lives in its variant, so
//! a secret with a provider cannot be built, and a file that holds one is refused on read.
//!
//! The stored form is flat (`kind`, `value`, …, `provider`, `base_url`, `status`, `checked`):
//! `Stored` is its one serde description, and `Entry::try_from` the rules it must keep.

use std::borrow::Cow;
use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::time::toml_time;
use crate::providers::{self, Provider, verify::Status};
use crate::secret::SecretValue;

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    details: Details,
    value: SecretValue,
    created: Timestamp,
    updated: Timestamp,
}

/// What an entry is, with what only that kind carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Details {
    Secret,
    Variable,
    Provider(ProviderKey),
}

/// What a provider key knows beyond its value: its provider from the catalog, its own endpoint
/// (an http(s) URL without credentials; required where the catalog says so) and its last check.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderKey {
    provider: &'static Provider,
    base_url: Option<String>,
    last_check: Option<(Status, Timestamp)>,
}

/// An entry that breaks the rules (only a hand-edited file holds one). Never quotes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidEntry {
    #[error("only provider keys have provider, base_url, status or checked")]
    NotAProviderKey,
    #[error("a provider key needs a provider from the catalog")]
    UnknownProvider,
    #[error("a custom provider's key needs its base_url")]
    NeedsBaseUrl,
    #[error("its base_url is not an http(s) URL without credentials, query or fragment")]
    BadBaseUrl,
    #[error("a check's status and the time it ran (checked) go together")]
    HalfACheck,
}

impl InvalidEntry {
    pub const ALL: [InvalidEntry; 5] = [
        Self::NotAProviderKey,
        Self::UnknownProvider,
        Self::NeedsBaseUrl,
        Self::BadBaseUrl,
        Self::HalfACheck,
    ];
}

impl ProviderKey {
    /// A key for `provider`, sent to `base_url` when given (else the provider's own endpoint).
    pub fn new(
        provider: &'static Provider,
        base_url: Option<String>,
    ) -> Result<Self, InvalidEntry> {
        if let Some(url) = &base_url
            && providers::check_base_url(url).as_deref() != Ok(url.as_str())
        {
            return Err(InvalidEntry::BadBaseUrl);
        }
        if base_url.is_none() && provider.needs_base_url {
            return Err(InvalidEntry::NeedsBaseUrl);
        }
        Ok(Self {
            provider,
            base_url,
            last_check: None,
        })
    }

    /// A key for the catalog's provider `id` (exactly as the catalog spells it).
    pub fn of(id: &str, base_url: Option<String>) -> Result<Self, InvalidEntry> {
        let provider = providers::find(id)
            .filter(|p| p.id == id)
            .ok_or(InvalidEntry::UnknownProvider)?;
        Self::new(provider, base_url)
    }

    pub fn provider(&self) -> &'static Provider {
        self.provider
    }

    /// The key's own endpoint, when it is not the provider's.
    pub fn base_url(&self) -> Option<&str> {
        self.base_url.as_deref()
    }

    /// Where the key is sent: its own endpoint, else the provider's.
    pub fn endpoint(&self) -> &str {
        self.base_url.as_deref().unwrap_or(self.provider.base_url)
    }

    /// The last live check of this value: what it found, and when.
    pub fn last_check(&self) -> Option<(&Status, Timestamp)> {
        self.last_check.as_ref().map(|(status, at)| (status, *at))
    }
}

impl Details {
    pub fn kind(&self) -> Kind {
        match self {
            Details::Secret => Kind::Secret,
            Details::Variable => Kind::Variable,
            Details::Provider(_) => Kind::Provider,
        }
    }
}

impl Details {
    /// The details of a kind that carries none; `None` for a provider key (it needs its own).
    pub fn plain(kind: Kind) -> Option<Details> {
        match kind {
            Kind::Secret => Some(Details::Secret),
            Kind::Variable => Some(Details::Variable),
            Kind::Provider => None,
        }
    }
}

impl Entry {
    pub fn new(details: Details, value: SecretValue, now: Timestamp) -> Self {
        Self {
            details,
            value,
            created: now,
            updated: now,
        }
    }

    pub fn kind(&self) -> Kind {
        self.details.kind()
    }

    pub fn details(&self) -> &Details {
        &self.details
    }

    pub fn value(&self) -> &SecretValue {
        &self.value
    }

    pub fn created(&self) -> Timestamp {
        self.created
    }

    pub fn updated(&self) -> Timestamp {
        self.updated
    }

    /// A provider key's details; `None` for other entries.
    pub fn provider_key(&self) -> Option<&ProviderKey> {
        match &self.details {
            Details::Provider(key) => Some(key),
            _ => None,
        }
    }

    /// A provider key's catalog entry and the endpoint it is sent to (its own, else the
    /// provider's); `None` for other entries.
    pub fn endpoint(&self) -> Option<(&'static Provider, &str)> {
        self.provider_key()
            .map(|key| (key.provider, key.endpoint()))
    }

    /// Replaces the value; a provider key's last check was of the old one, so it is dropped.
    pub fn set_value(&mut self, value: SecretValue, now: Timestamp) {
        if self.value != value
            && let Details::Provider(key) = &mut self.details
        {
            key.last_check = None;
        }
        self.value = value;
        self.updated = now;
    }

    /// Makes the entry something else (an import's overwrite, a secret recognised as a
    /// provider key). A provider key's last check goes with its old value or details.
    pub fn set_details(&mut self, details: Details, now: Timestamp) {
        if self.details != details {
            self.details = details;
            self.updated = now;
        }
    }

    /// Notes a provider key's check: what it found, and when. Other entries have no checks;
    /// returns whether it was noted.
    pub fn record_check(&mut self, status: Status, at: Timestamp) -> bool {
        match &mut self.details {
            Details::Provider(key) => {
                key.last_check = Some((status, at));
                true
            }
            _ => false,
        }
    }
}

/// The entry as the file holds it: the only description of its fields.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored<'a> {
    kind: Kind,
    value: Cow<'a, SecretValue>,
    #[serde(deserialize_with = "toml_time::deserialize")]
    created: Timestamp,
    #[serde(deserialize_with = "toml_time::deserialize")]
    updated: Timestamp,
    /// Provider keys only: the catalog id (`openai`, `custom`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provider: Option<Cow<'a, str>>,
    /// Provider keys only: the endpoint, when it is not the catalog's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base_url: Option<Cow<'a, str>>,
    /// Provider keys only: the last live check's outcome (`active`, `invalid`, `error: …`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<Cow<'a, Status>>,
    /// Provider keys only: when that check ran.
    #[serde(
        default,
        deserialize_with = "toml_time::deserialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    checked: Option<Timestamp>,
}

impl<'a> From<&'a Entry> for Stored<'a> {
    fn from(entry: &'a Entry) -> Self {
        let key = entry.provider_key();
        let check = key.and_then(|k| k.last_check.as_ref());
        Stored {
            kind: entry.kind(),
            value: Cow::Borrowed(&entry.value),
            created: entry.created,
            updated: entry.updated,
            provider: key.map(|k| Cow::Borrowed(k.provider.id)),
            base_url: key.and_then(|k| k.base_url.as_deref()).map(Cow::Borrowed),
            status: check.map(|(status, _)| Cow::Borrowed(status)),
            checked: check.map(|(_, at)| *at),
        }
    }
}

impl TryFrom<Stored<'_>> for Entry {
    type Error = InvalidEntry;

    /// The rules a stored entry must keep: what `vault provider add` would write, and nothing a
    /// writer of the file could slip past it (a key's endpoint is where agents send it).
    fn try_from(stored: Stored<'_>) -> Result<Self, InvalidEntry> {
        let details = match stored.kind {
            Kind::Provider => {
                let id = stored.provider.ok_or(InvalidEntry::UnknownProvider)?;
                let mut key = ProviderKey::of(&id, stored.base_url.map(Cow::into_owned))?;
                key.last_check = match (stored.status, stored.checked) {
                    (Some(status), Some(at)) => Some((status.into_owned(), at)),
                    (None, None) => None,
                    _ => return Err(InvalidEntry::HalfACheck),
                };
                Details::Provider(key)
            }
            kind => {
                if stored.provider.is_some()
                    || stored.base_url.is_some()
                    || stored.status.is_some()
                    || stored.checked.is_some()
                {
                    return Err(InvalidEntry::NotAProviderKey);
                }
                Details::plain(kind).ok_or(InvalidEntry::UnknownProvider)?
            }
        };
        Ok(Entry {
            details,
            value: stored.value.into_owned(),
            created: stored.created,
            updated: stored.updated,
        })
    }
}

impl Serialize for Entry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Stored::from(self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = Stored::deserialize(deserializer)?;
        Entry::try_from(stored).map_err(serde::de::Error::custom)
    }
}

/// The rule a stored entry breaks, if any: read again when the whole document was refused,
/// to name the entry (serde's error cannot say which one it was).
pub(super) struct Verdict(pub Option<InvalidEntry>);

impl<'de> Deserialize<'de> for Verdict {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = Stored::deserialize(deserializer)?;
        Ok(Verdict(Entry::try_from(stored).err()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Secret,
    Variable,
    /// An AI provider's API key (see `providers`): a secret that knows its provider.
    Provider,
}

impl Kind {
    /// The command group that manages entries of this kind (`vault secret …`, `vault var …`).
    pub fn command(self) -> &'static str {
        match self {
            Kind::Secret => "secret",
            Kind::Variable => "var",
            Kind::Provider => "provider",
        }
    }

    /// What people call it, in messages.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Secret => "secret",
            Kind::Variable => "variable",
            Kind::Provider => "provider key",
        }
    }

    pub fn is_sensitive(self) -> bool {
        matches!(self, Kind::Secret | Kind::Provider)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Secret => "secret",
            Kind::Variable => "variable",
            Kind::Provider => "provider",
        })
    }
}
