//! The vault document as it is stored (inside the age file; see `format`): entries and recipients, with
//! the rules every change must keep (agents are in `agents.rs`). Pure data: no I/O, no printing.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::agent::Agent;
pub use super::entry::{Details, Entry, InvalidEntry, Kind, ProviderKey};
use super::time::toml_time;
use crate::names::{AgentName, EnvName};
use crate::secret::SecretValue;

/// The newest document format this build reads and writes.
pub const FORMAT_VERSION: u32 = 2;

/// Unknown fields are refused, not dropped: a save would otherwise silently lose what a newer
/// vault (or a person) wrote. Newer formats also raise `version`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub version: u32,
    #[serde(default)]
    pub recipients: Vec<RecipientEntry>,
    /// Names are checked as they are read (see `names`), like every name that comes in.
    #[serde(default)]
    pub entries: BTreeMap<EnvName, Entry>,
    #[serde(default)]
    pub agents: BTreeMap<AgentName, Agent>,
    /// Team servers this vault pulls from and pushes to, by name (named like agents).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub remotes: BTreeMap<AgentName, super::remote::Remote>,
}

/// Someone (a person, a team member, a CI runner) the vault is encrypted to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipientEntry {
    /// `age1…`, `ssh-ed25519 AAAA…` or `ssh-rsa AAAA…`, normalised (no comment).
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(deserialize_with = "toml_time::deserialize")]
    pub added: Timestamp,
}

/// A change the document refuses. Messages say what to do instead; none carries a value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ModelError {
    /// The name is kept for callers but never printed: a token pasted where a name goes
    /// would otherwise be echoed into logs.
    #[error(transparent)]
    Name(#[from] crate::names::NameError),
    /// A change planned from one reading of the vault, which another command changed since.
    #[error("{what} changed here while {doing}: nothing was changed; {retry}")]
    ChangedMeanwhile {
        what: String,
        doing: &'static str,
        retry: String,
    },
    #[error(transparent)]
    Invalid(#[from] InvalidEntry),
    #[error("{name} already exists (a {}); change it with `vault {} set {name}`", kind.label(), kind.command())]
    AlreadyExists { name: String, kind: Kind },
    /// The name asked for is not repeated (a token typed in place of a name would be echoed
    /// into logs); a similar name that exists in the vault is.
    #[error("there is no entry by that name; {}", match .similar {
        Some(similar) => format!("did you mean {similar}?"),
        None => "`vault list` shows what the vault holds".to_owned(),
    })]
    NotFound {
        name: String,
        similar: Option<String>,
    },
    #[error(
        "the {} name given is not an entry in the vault; `vault list` shows them",
        ordinal(*.position)
    )]
    NotFoundAt { position: usize },
    #[error("{name} is a {}, not a {}; manage it with `vault {} …`", actual.label(), expected.label(), actual.command())]
    WrongKind {
        name: String,
        actual: Kind,
        expected: Kind,
    },
    #[error("{0} is already a recipient of this vault")]
    RecipientExists(String),
    #[error("the label `{0}` is taken; choose another with --label")]
    LabelTaken(String),
    #[error("no recipient has that key or label; `vault recipient list` shows them")]
    RecipientNotFound(String),
    #[error("that matches more than one recipient; give the whole key or its label")]
    RecipientAmbiguous(String),
    #[error(
        "refusing to remove the last recipient: nobody could open the vault any more \
         (add another with `vault recipient add` first)"
    )]
    LastRecipient,
    #[error(
        "refusing to remove {0}: it is yours, and without it you could no longer open the vault \
         (pass --force if that is what you want)"
    )]
    WouldLockYouOut(String),

    #[error("an agent named {0} already exists; `vault agent show {0}` shows it")]
    AgentExists(String),
    #[error(
        "agent {0} already has a proxy token, and it is shown only once; replace it with \
         `vault agent rotate-token {0}`"
    )]
    TokenExists(String),
    #[error("there is no agent named {name}; {}", match .similar {
        Some(similar) => format!("did you mean {similar}?"),
        None => "`vault agent list` shows them".to_owned(),
    })]
    AgentNotFound {
        name: String,
        similar: Option<String>,
    },
    #[error(
        "agent {agent} already gets {entry} as {env_name}; two values cannot share one \
         environment variable (attach it under another name with `vault attach {agent} NAME \
         --as OTHER`, or detach {entry} first)"
    )]
    EnvNameTaken {
        agent: String,
        env_name: String,
        entry: String,
    },
    #[error(
        "agent {agent} gets {env_name} from two attachments (a hand-edited vault?); detach one \
         of them"
    )]
    EnvTwice { agent: String, env_name: String },
    #[error(
        "{env_name} comes with {key} on agent {agent} (clients read that key or its endpoint \
         from it): another value under that name would send {key} elsewhere or stand in for it; \
         attach the other value under another name (--as), and give the key its endpoint with \
         `vault provider add … --base-url URL`"
    )]
    EndpointVariable {
        agent: String,
        env_name: String,
        key: String,
    },
    #[error(
        "agent {agent} already has a key for {provider} ({other}); one key per provider per \
         agent, since both would set the same variables: detach {other} first (vault detach \
         {agent} {other}) to attach {entry}"
    )]
    ProviderTaken {
        agent: String,
        provider: String,
        entry: String,
        other: String,
    },
    #[error(
        "{0} is what opens the vault, and vault never gives it to an agent; choose another \
         name with --as"
    )]
    ReservedEnvName(String),
    #[error("{entry} is not attached to agent {agent}{}", match .attached_as {
        Some(other) => format!(
            "; it is the name {other} is attached as: vault detach {agent} {other}"
        ),
        None => String::new(),
    })]
    NotAttached {
        agent: String,
        entry: String,
        attached_as: Option<String>,
    },
    #[error(
        "{name} is attached to {}; detach it first, or pass --detach to detach it and remove it",
        agent_list(.agents)
    )]
    EntryAttached { name: String, agents: Vec<String> },
    #[error(
        "agent {agent} has {entry} attached, but the vault has no such entry; detach it with \
         `vault detach {agent} {entry}`"
    )]
    DanglingAttachment { agent: String, entry: String },
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn agent_list(agents: &[String]) -> String {
    match agents {
        [one] => format!("agent {one}"),
        many => format!("agents {}", many.join(", ")),
    }
}

/// The existing name closest to `wanted` (case aside), when it is close enough to be a typo.
pub fn closest<'a, N: AsRef<str> + 'a>(
    names: impl Iterator<Item = &'a N>,
    wanted: &str,
) -> Option<String> {
    let wanted = wanted.to_ascii_uppercase();
    names
        .map(|k| k.as_ref())
        .map(|k| (strsim::jaro_winkler(&k.to_ascii_uppercase(), &wanted), k))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.to_owned())
}

/// Whether `name` can be an entry's name (see `names`): the model's own guard for names that
/// come from library callers (the command line parses them already).
pub(super) fn check_name(name: &str) -> Result<(), ModelError> {
    Ok(crate::names::check_env_name(name)?)
}

impl Document {
    pub fn new(recipients: Vec<RecipientEntry>) -> Self {
        Self {
            version: FORMAT_VERSION,
            recipients,
            entries: BTreeMap::new(),
            agents: BTreeMap::new(),
            remotes: BTreeMap::new(),
        }
    }

    /// Adds a new entry; an existing one of that name is an error, never overwritten.
    pub fn add_entry(
        &mut self,
        name: &str,
        details: Details,
        value: SecretValue,
        now: Timestamp,
    ) -> Result<(), ModelError> {
        let key: EnvName = name.parse()?;
        if let Some(existing) = self.entries.get(name) {
            return Err(ModelError::AlreadyExists {
                name: name.to_owned(),
                kind: existing.kind(),
            });
        }
        self.entries.insert(key, Entry::new(details, value, now));
        Ok(())
    }

    /// Replaces the value of an existing entry of the given kind.
    pub fn replace_value(
        &mut self,
        name: &str,
        kind: Kind,
        value: SecretValue,
        now: Timestamp,
    ) -> Result<(), ModelError> {
        let entry = self.entry_of_kind_mut(name, kind)?;
        entry.set_value(value, now);
        Ok(())
    }

    /// Sets a variable, creating it when missing. Returns whether it was created.
    pub fn set_variable(
        &mut self,
        name: &str,
        value: SecretValue,
        now: Timestamp,
    ) -> Result<bool, ModelError> {
        check_name(name)?;
        match self.entries.get(name) {
            None => {
                self.add_entry(name, Details::Variable, value, now)?;
                Ok(true)
            }
            Some(_) => {
                self.replace_value(name, Kind::Variable, value, now)?;
                Ok(false)
            }
        }
    }

    /// Sets an entry whatever it was before (an import's overwrite): creates it, or replaces
    /// its value and kind. Agents it is attached to keep it.
    pub fn put_entry(
        &mut self,
        name: &str,
        details: Details,
        value: SecretValue,
        now: Timestamp,
    ) -> Result<(), ModelError> {
        check_name(name)?;
        match self.entries.get_mut(name) {
            Some(entry) => {
                entry.set_details(details, now);
                entry.set_value(value, now);
                Ok(())
            }
            None => self.add_entry(name, details, value, now),
        }
    }

    /// The entry `name`, to change through its methods (which keep its rules).
    pub fn entry_mut(&mut self, name: &str) -> Result<&mut Entry, ModelError> {
        self.entry(name)?;
        self.entries
            .get_mut(name)
            .ok_or_else(|| ModelError::NotFound {
                name: name.to_owned(),
                similar: None,
            })
    }
    /// Fails unless `name` is an existing entry of `kind`.
    pub fn check_kind(&self, name: &str, kind: Kind) -> Result<(), ModelError> {
        let entry = self.entry(name)?;
        if entry.kind() != kind {
            return Err(ModelError::WrongKind {
                name: name.to_owned(),
                actual: entry.kind(),
                expected: kind,
            });
        }
        Ok(())
    }

    /// Takes an entry out; callers check kind and attachments first (see `remove_entry`).
    pub(super) fn take_entry(&mut self, name: &str) -> Result<Entry, ModelError> {
        self.entries
            .remove(name)
            .ok_or_else(|| self.not_found(name))
    }

    pub fn entry(&self, name: &str) -> Result<&Entry, ModelError> {
        check_name(name)?;
        self.entries.get(name).ok_or_else(|| self.not_found(name))
    }

    /// "No such entry", naming the closest existing name when one is close.
    fn not_found(&self, name: &str) -> ModelError {
        ModelError::NotFound {
            name: name.to_owned(),
            similar: closest(self.entries.keys(), name),
        }
    }

    fn entry_of_kind_mut(&mut self, name: &str, kind: Kind) -> Result<&mut Entry, ModelError> {
        self.check_kind(name, kind)?;
        self.entries
            .get_mut(name)
            .ok_or_else(|| ModelError::NotFound {
                name: name.to_owned(),
                similar: None,
            })
    }

    /// Adds a recipient given in normalised form.
    pub fn add_recipient(
        &mut self,
        key: String,
        label: Option<String>,
        now: Timestamp,
    ) -> Result<(), ModelError> {
        if self.recipients.iter().any(|r| r.key == key) {
            return Err(ModelError::RecipientExists(key));
        }
        if let Some(label) = &label
            && self
                .recipients
                .iter()
                .any(|r| r.label.as_ref() == Some(label))
        {
            return Err(ModelError::LabelTaken(label.clone()));
        }
        self.recipients.push(RecipientEntry {
            key,
            label,
            added: now,
        });
        Ok(())
    }

    /// Finds the one recipient a user means: the whole key, its label, or a unique key prefix.
    pub fn find_recipient(&self, wanted: &str) -> Result<usize, ModelError> {
        let wanted = wanted.trim();
        if let Some(i) = self.recipients.iter().position(|r| r.key == wanted) {
            return Ok(i);
        }
        let by_label = |i: &usize| self.recipients[*i].label.as_deref() == Some(wanted);
        let by_prefix =
            |i: &usize| !wanted.is_empty() && self.recipients[*i].key.starts_with(wanted);
        for matches in [
            (0..self.recipients.len())
                .filter(by_label)
                .collect::<Vec<_>>(),
            (0..self.recipients.len()).filter(by_prefix).collect(),
        ] {
            match matches.as_slice() {
                [] => continue,
                [one] => return Ok(*one),
                _ => return Err(ModelError::RecipientAmbiguous(wanted.to_owned())),
            }
        }
        Err(ModelError::RecipientNotFound(wanted.to_owned()))
    }

    /// Removes the recipient at `index`. The last one is never removed (nobody could open the
    /// file, and age cannot encrypt to nobody); nor, unless `force`, the last of `yours`.
    pub fn remove_recipient(
        &mut self,
        index: usize,
        yours: &[String],
        force: bool,
    ) -> Result<RecipientEntry, ModelError> {
        if self.recipients.len() <= 1 {
            return Err(ModelError::LastRecipient);
        }
        let still_yours = self
            .recipients
            .iter()
            .enumerate()
            .any(|(i, r)| i != index && yours.contains(&r.key));
        if !still_yours && !force {
            return Err(ModelError::WouldLockYouOut(
                self.recipients[index].key.clone(),
            ));
        }
        Ok(self.recipients.remove(index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &str) -> SecretValue {
        SecretValue::new(s.into()).unwrap()
    }

    fn doc() -> Document {
        Document::new(vec![RecipientEntry {
            key: "age1one".into(),
            label: None,
            added: Timestamp::UNIX_EPOCH,
        }])
    }

    #[test]
    fn add_refuses_an_existing_name_and_keeps_the_old_value() {
        let mut d = doc();
        let now = Timestamp::UNIX_EPOCH;
        d.add_entry("A", Details::Secret, value("one"), now)
            .unwrap();
        let err = d
            .add_entry("A", Details::Secret, value("two"), now)
            .unwrap_err();
        assert!(matches!(err, ModelError::AlreadyExists { .. }));
        assert_eq!(d.entries["A"].value().expose(), "one");
    }

    #[test]
    fn kinds_are_not_mixed_up() {
        let mut d = doc();
        let now = Timestamp::UNIX_EPOCH;
        d.add_entry("S", Details::Secret, value("x"), now).unwrap();
        assert!(matches!(
            d.set_variable("S", value("y"), now),
            Err(ModelError::WrongKind { .. })
        ));
        assert!(matches!(
            d.remove_entry("S", Kind::Variable, false, now),
            Err(ModelError::WrongKind { .. })
        ));
        assert_eq!(d.entries["S"].value().expose(), "x");
    }

    #[test]
    fn a_near_miss_names_the_entry_meant() {
        let mut d = doc();
        let now = Timestamp::UNIX_EPOCH;
        d.add_entry("OPENAI_API_KEY", Details::Secret, value("x"), now)
            .unwrap();
        for typo in ["OPENAI_API_KY", "openai_api_key", "OPENAI_APIKEY"] {
            let err = d.entry(typo).unwrap_err().to_string();
            assert!(err.contains("did you mean OPENAI_API_KEY?"), "{err}");
        }
        let err = d.entry("TELEGRAM").unwrap_err().to_string();
        assert!(err.contains("vault list"), "{err}");
    }

    #[test]
    fn labels_are_unique_and_ambiguity_is_refused() {
        let mut d = doc();
        let now = Timestamp::UNIX_EPOCH;
        d.add_recipient("age1two".into(), Some("ci".into()), now)
            .unwrap();
        assert_eq!(
            d.add_recipient("age1three".into(), Some("ci".into()), now),
            Err(ModelError::LabelTaken("ci".into()))
        );
        d.recipients.push(RecipientEntry {
            key: "age1four".into(),
            label: Some("ci".into()),
            added: now,
        });
        assert_eq!(
            d.find_recipient("ci"),
            Err(ModelError::RecipientAmbiguous("ci".into()))
        );
    }

    #[test]
    fn the_last_recipient_stays() {
        let mut d = doc();
        let mine = vec!["age1one".to_owned()];
        assert_eq!(
            d.remove_recipient(0, &mine, true),
            Err(ModelError::LastRecipient)
        );
        d.add_recipient("age1two".into(), Some("ci".into()), Timestamp::UNIX_EPOCH)
            .unwrap();
        assert_eq!(d.find_recipient("ci"), Ok(1));
        assert_eq!(d.find_recipient("age1t"), Ok(1));
        assert_eq!(
            d.find_recipient("age1"),
            Err(ModelError::RecipientAmbiguous("age1".into()))
        );
        assert_eq!(
            d.remove_recipient(0, &mine, false),
            Err(ModelError::WouldLockYouOut("age1one".into()))
        );
        d.remove_recipient(1, &mine, false).unwrap();
        assert_eq!(d.recipients.len(), 1);
    }
}
