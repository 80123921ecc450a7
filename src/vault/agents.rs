//! Agents: named sets of attached entries, and how to start them. The rules that keep an
//! agent's environment well-defined live here: one environment name per attachment, only
//! existing entries, and no entry removed while an agent still uses it.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;

use crate::names::{AgentName, EnvName};
use crate::providers::Provider;
use crate::sandbox::Network;
use crate::scope::{Endpoint, ModelPattern};

pub use super::agent::Agent;
use super::keyless::{Budget, Rate, TokenHash};
use super::model::{Document, Entry, Kind, ModelError};

/// What `vault agent set` changes; `None` (or empty) leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct AgentChanges {
    pub image: Option<Option<String>>,
    pub command: Option<Vec<String>>,
    pub keyless: Option<bool>,
    pub rates: Vec<(String, Option<Rate>)>,
    pub budget: Option<Option<Budget>>,
    pub requests: Option<Vec<Rate>>,
    pub tokens: Option<Vec<Rate>>,
    pub concurrency: Option<Option<std::num::NonZeroU32>>,
    pub sandbox: Option<bool>,
    pub network: Option<Network>,
    pub allow_write: Option<Vec<String>>,
    /// Provider → the models allowed there (none: every model again).
    pub models: Vec<(String, Vec<ModelPattern>)>,
    pub endpoints: Option<Option<BTreeSet<Endpoint>>>,
    pub openai_organization: Option<Option<String>>,
    pub openai_project: Option<Option<String>>,
}

impl AgentChanges {
    pub fn is_empty(&self) -> bool {
        self.image.is_none()
            && self.command.is_none()
            && self.keyless.is_none()
            && self.rates.is_empty()
            && self.budget.is_none()
            && self.requests.is_none()
            && self.tokens.is_none()
            && self.concurrency.is_none()
            && self.sandbox.is_none()
            && self.network.is_none()
            && self.allow_write.is_none()
            && self.models.is_empty()
            && self.endpoints.is_none()
            && self.openai_organization.is_none()
            && self.openai_project.is_none()
    }
}

/// One attached value, resolved: what the agent's environment gets.
#[derive(Debug, Clone)]
pub struct Attached<'d> {
    pub entry_name: &'d str,
    pub env_name: &'d str,
    pub entry: &'d Entry,
    /// For a provider key attached under the name its SDK reads the key from: the variables
    /// that come with it (see [`SdkGroup`]).
    pub sdk: Option<SdkGroup<'d>>,
}

/// A provider key attached under the name its SDK reads brings every variable clients read
/// that provider's credential or endpoint from: the aliases that mean the same get the key
/// too, those that hold another kind of credential stay empty, and the base-URL variables get
/// the key's endpoint, or stay empty when it is the provider's own. Whatever was inherited
/// under those names is dropped, so nothing redirects the key or replaces it.
#[derive(Debug, Clone, Copy)]
pub struct SdkGroup<'d> {
    pub provider: &'static Provider,
    /// The address for the base-URL variables (`None`: the provider's own).
    pub url: Option<&'d str>,
}

impl<'d> SdkGroup<'d> {
    /// The base-URL variables and the address they get, when it is not the provider's own.
    pub fn urls(self) -> impl Iterator<Item = (&'static str, &'d str)> {
        self.url
            .into_iter()
            .flat_map(|url| self.provider.base_url_envs().map(move |env| (env, url)))
    }
}

/// The variables that come with a provider key attached as `env_name`, the name its SDK
/// reads or one of the aliases (see [`SdkGroup`]).
pub fn sdk_group<'e>(entry: &'e Entry, env_name: &str) -> Option<SdkGroup<'e>> {
    let (provider, endpoint) = entry.endpoint()?;
    // Under an alias clients read it from (CODEX_API_KEY), the key brings its group too: an
    // inherited base URL would send it elsewhere all the same.
    let named_for_clients =
        env_name == provider.sdk_key_env || provider.key_aliases.iter().any(|a| a.name == env_name);
    if !named_for_clients {
        return None;
    }
    let url = Some(endpoint)
        .filter(|url| !provider.is_default_base_url(url))
        .map(|url| provider.sdk_url(url));
    Some(SdkGroup { provider, url })
}

/// What `attach` did with one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachOutcome {
    Attached,
    AlreadyAttached,
    /// It was attached under another name, which it no longer has.
    Renamed {
        from: String,
    },
}

pub use crate::names::{RESERVED_ENV_NAMES, is_reserved_env_name};

/// Whether `name` can be an agent's name (see `names`): the model's own guard, as for entries.
fn check_agent_name(name: &str) -> Result<(), ModelError> {
    Ok(crate::names::check_agent_name(name)?)
}

impl Document {
    pub fn agent(&self, name: &str) -> Result<&Agent, ModelError> {
        check_agent_name(name)?;
        self.agents
            .get(name)
            .ok_or_else(|| self.agent_not_found(name))
    }

    fn agent_mut(&mut self, name: &str) -> Result<&mut Agent, ModelError> {
        check_agent_name(name)?;
        if !self.agents.contains_key(name) {
            return Err(self.agent_not_found(name));
        }
        self.agents
            .get_mut(name)
            .ok_or_else(|| ModelError::AgentNotFound {
                name: name.to_owned(),
                similar: None,
            })
    }

    /// An existing agent whose name is close to `name` (a typo), if any.
    pub fn similar_agent(&self, name: &str) -> Option<String> {
        super::model::closest(self.agents.keys(), name)
    }

    fn agent_not_found(&self, name: &str) -> ModelError {
        ModelError::AgentNotFound {
            name: name.to_owned(),
            similar: self.similar_agent(name),
        }
    }

    pub fn create_agent(
        &mut self,
        name: &str,
        image: Option<String>,
        command: Vec<String>,
        now: Timestamp,
    ) -> Result<(), ModelError> {
        let key: AgentName = name.parse()?;
        if self.agents.contains_key(name) {
            return Err(ModelError::AgentExists(name.to_owned()));
        }
        self.agents.insert(
            key,
            Agent {
                image,
                command,
                ..Agent::new(now)
            },
        );
        Ok(())
    }

    pub fn remove_agent(&mut self, name: &str) -> Result<Agent, ModelError> {
        self.agent_mut(name)?;
        self.agents
            .remove(name)
            .ok_or_else(|| self.agent_not_found(name))
    }

    /// Changes an agent's stored settings (what `changes` leaves out stays as it is).
    pub fn set_agent(
        &mut self,
        name: &str,
        changes: AgentChanges,
        now: Timestamp,
    ) -> Result<(), ModelError> {
        let agent = self.agent_mut(name)?;
        if let Some(image) = changes.image {
            agent.image = image;
        }
        if let Some(command) = changes.command {
            agent.command = command;
        }
        if let Some(keyless) = changes.keyless {
            agent.keyless = keyless;
        }
        for (provider, rate) in changes.rates {
            agent.rates.insert(provider, rate);
        }
        if let Some(budget) = changes.budget {
            agent.budget = budget;
        }
        if let Some(requests) = changes.requests {
            agent.limits.requests = requests;
        }
        if let Some(tokens) = changes.tokens {
            agent.limits.tokens = tokens;
        }
        if let Some(concurrency) = changes.concurrency {
            agent.limits.concurrency = concurrency;
        }
        if let Some(sandbox) = changes.sandbox {
            agent.sandbox = Some(sandbox);
        }
        if let Some(network) = changes.network {
            agent.network = Some(network);
        }
        if let Some(paths) = changes.allow_write {
            agent.allow_write = paths;
        }
        let scope = &mut agent.scope;
        for (provider, models) in changes.models {
            match models.is_empty() {
                true => scope.models.remove(&provider),
                false => scope.models.insert(provider, models),
            };
        }
        if let Some(endpoints) = changes.endpoints {
            scope.endpoints = endpoints;
        }
        if let Some(org) = changes.openai_organization {
            scope.openai_organization = org;
        }
        if let Some(project) = changes.openai_project {
            scope.openai_project = project;
        }
        agent.updated = now;
        Ok(())
    }

    /// Sets (or, with `None`, removes) the hash of the agent's standing proxy token.
    pub fn set_agent_token(
        &mut self,
        name: &str,
        token: Option<TokenHash>,
        now: Timestamp,
    ) -> Result<(), ModelError> {
        let agent = self.agent_mut(name)?;
        agent.token = token;
        agent.updated = now;
        Ok(())
    }

    /// Attaches an existing entry, under `env_name` or its own name (a provider key: the name
    /// its provider's SDK reads, such as OPENAI_API_KEY). Attaching it again under
    /// the same name changes nothing; another entry already using the name is refused.
    pub fn attach(
        &mut self,
        agent: &str,
        entry: &str,
        env_name: Option<&str>,
        now: Timestamp,
    ) -> Result<AttachOutcome, ModelError> {
        let attaching = self.entry(entry)?;
        // A provider key goes, unless told otherwise, under the name its SDK reads.
        let default_env = attaching
            .provider_key()
            .map_or(entry, |key| key.provider().sdk_key_env);
        let env_name: EnvName = env_name.unwrap_or(default_env).parse()?;
        if is_reserved_env_name(&env_name) {
            return Err(ModelError::ReservedEnvName(env_name.into()));
        }
        let entry_key: EnvName = entry.parse()?;
        let current = self.agent(agent)?;
        let previous = current.attach.get(entry).cloned();
        if previous.as_ref() == Some(&env_name) {
            return Ok(AttachOutcome::AlreadyAttached);
        }
        let mut proposed = current.attach.clone();
        proposed.insert(entry_key, env_name);
        self.check_attachments(agent, &proposed, Some(entry))?;
        let target = self.agent_mut(agent)?;
        target.attach = proposed;
        target.updated = now;
        Ok(match previous {
            Some(from) => AttachOutcome::Renamed { from: from.into() },
            None => AttachOutcome::Attached,
        })
    }

    /// The rules an agent's attachments keep together: one value per variable (a provider
    /// key's base-URL variable included, so nothing else can redirect the key) and one key per
    /// provider. `adding` is the entry being attached: a refusal names it against the one
    /// already there. With none (a vault as it was read, perhaps edited by hand), a clash is
    /// reported as such.
    fn check_attachments(
        &self,
        agent: &str,
        attach: &BTreeMap<EnvName, EnvName>,
        adding: Option<&str>,
    ) -> Result<(), ModelError> {
        // Every variable the agent gets: its name, the entry it comes from, whether it is a
        // base URL. Those already there come first, and key names before base URLs.
        let mut vars: Vec<(&str, &str, bool)> = Vec::new();
        let mut keys: Vec<(&Provider, &str)> = Vec::new();
        for (entry_name, env) in attach {
            // A missing entry is `attached`'s to report.
            let Some(entry) = self.entries.get(entry_name) else {
                continue;
            };
            vars.push((env, entry_name, false));
            if let Some(group) = sdk_group(entry, env) {
                vars.extend(
                    group
                        .provider
                        .companion_envs()
                        .map(|companion| (companion, entry_name.as_str(), true)),
                );
            }
            if let Some(key) = entry.provider_key() {
                keys.push((key.provider(), entry_name));
            }
        }
        let is_new = |entry: &str| Some(entry) == adding;
        keys.sort_by_key(|(_, entry)| is_new(entry));
        vars.sort_by_key(|(_, entry, is_url)| (is_new(entry), *is_url));
        for (i, (provider, entry)) in keys.iter().enumerate() {
            if let Some((_, other)) = keys[..i].iter().find(|(p, _)| p.id == provider.id) {
                return Err(ModelError::ProviderTaken {
                    agent: agent.to_owned(),
                    provider: provider.name.to_owned(),
                    entry: (*entry).to_owned(),
                    other: (*other).to_owned(),
                });
            }
        }
        for (i, (var, entry, is_url)) in vars.iter().enumerate() {
            let Some((_, other, other_is_url)) = vars[..i].iter().find(|(v, _, _)| v == var) else {
                continue;
            };
            let (agent, env_name) = (agent.to_owned(), (*var).to_owned());
            return Err(match (adding, is_url, other_is_url) {
                (None, _, _) => ModelError::EnvTwice { agent, env_name },
                (Some(_), false, false) => ModelError::EnvNameTaken {
                    agent,
                    env_name,
                    entry: (*other).to_owned(),
                },
                // A key's base-URL variable on one side: the other would redirect that key.
                (Some(_), true, _) => ModelError::EndpointVariable {
                    agent,
                    env_name,
                    key: (*entry).to_owned(),
                },
                (Some(_), false, true) => ModelError::EndpointVariable {
                    agent,
                    env_name,
                    key: (*other).to_owned(),
                },
            });
        }
        Ok(())
    }

    pub fn detach(&mut self, agent: &str, entry: &str, now: Timestamp) -> Result<(), ModelError> {
        let target = self.agent_mut(agent)?;
        if target.attach.remove(entry).is_none() {
            // Perhaps the name given is what an entry is attached *as*.
            let attached_as = target
                .attach
                .iter()
                .find(|(_, env)| env.as_str() == entry)
                .map(|(other, _)| other.to_string());
            return Err(ModelError::NotAttached {
                agent: agent.to_owned(),
                entry: entry.to_owned(),
                attached_as,
            });
        }
        target.updated = now;
        Ok(())
    }

    /// The agents an entry is attached to.
    pub fn agents_using(&self, entry: &str) -> Vec<String> {
        self.agents
            .iter()
            .filter(|(_, agent)| agent.attach.contains_key(entry))
            .map(|(name, _)| name.to_string())
            .collect()
    }

    /// Removes an entry of the given kind. When agents use it, that is refused unless
    /// `detach` is set, which detaches it from them first. Returns the agents it was
    /// detached from.
    pub fn remove_entry(
        &mut self,
        name: &str,
        kind: Kind,
        detach: bool,
        now: Timestamp,
    ) -> Result<Vec<String>, ModelError> {
        self.check_kind(name, kind)?;
        let users = self.agents_using(name);
        if !users.is_empty() {
            if !detach {
                return Err(ModelError::EntryAttached {
                    name: name.to_owned(),
                    agents: users,
                });
            }
            for agent in &users {
                self.detach(agent, name, now)?;
            }
        }
        self.take_entry(name)?;
        // No longer fetched from a remote (what the remote last held stays known: a push
        // with --prune deletes it there).
        for remote in self.remotes.values_mut() {
            remote.live.remove(name);
        }
        Ok(users)
    }

    /// The agent's attached values, in environment-name order. An attachment whose entry is
    /// gone (a hand-edited vault) is an error, not a silent gap in the environment.
    pub fn attached<'d>(&'d self, agent: &str) -> Result<Vec<Attached<'d>>, ModelError> {
        let found = self.agent(agent)?;
        let mut values = found
            .attach
            .iter()
            .map(|(entry_name, env_name)| {
                let entry =
                    self.entries
                        .get(entry_name)
                        .ok_or_else(|| ModelError::DanglingAttachment {
                            agent: agent.to_owned(),
                            entry: entry_name.to_string(),
                        })?;
                // A hand-edited vault is held to the same rules as `attach` (its names were
                // checked as they were read).
                if is_reserved_env_name(env_name) {
                    return Err(ModelError::ReservedEnvName(env_name.to_string()));
                }
                Ok(Attached {
                    entry_name,
                    env_name,
                    entry,
                    sdk: sdk_group(entry, env_name),
                })
            })
            .collect::<Result<Vec<_>, ModelError>>()?;
        values.sort_by(|a, b| a.env_name.cmp(b.env_name));
        // A hand-edited vault could give one variable two values, or an agent two keys of
        // one provider; `attach` never does.
        self.check_attachments(agent, &found.attach, None)?;
        Ok(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::SecretValue;
    use crate::vault::model::{Details, ProviderKey};

    fn doc() -> Document {
        let mut d = Document::new(vec![]);
        let now = Timestamp::UNIX_EPOCH;
        for (name, kind) in [
            ("DB_URL", Kind::Secret),
            ("TOKEN", Kind::Secret),
            ("LOG", Kind::Variable),
        ] {
            let value = SecretValue::new(format!("{name}-value")).unwrap();
            d.add_entry(name, Details::plain(kind).unwrap(), value, now)
                .unwrap();
        }
        d.create_agent("agent-x", None, vec![], now).unwrap();
        d
    }

    #[test]
    fn attach_renames_and_refuses_a_taken_environment_name() {
        let mut d = doc();
        let now = Timestamp::UNIX_EPOCH;
        assert_eq!(
            d.attach("agent-x", "DB_URL", Some("DATABASE_URL"), now),
            Ok(AttachOutcome::Attached)
        );
        assert_eq!(
            d.attach("agent-x", "DB_URL", Some("DATABASE_URL"), now),
            Ok(AttachOutcome::AlreadyAttached)
        );
        assert!(matches!(
            d.attach("agent-x", "TOKEN", Some("DATABASE_URL"), now),
            Err(ModelError::EnvNameTaken { .. })
        ));
        let attached = d.attached("agent-x").unwrap();
        assert_eq!(attached.len(), 1);
        assert_eq!(attached[0].env_name, "DATABASE_URL");
        assert_eq!(attached[0].entry.value().expose(), "DB_URL-value");
    }

    #[test]
    fn what_opens_the_vault_cannot_be_an_attachment_s_name() {
        let mut d = doc();
        let now = Timestamp::UNIX_EPOCH;
        for name in ["VAULT_IDENTITY", "VAULT_PASSPHRASE", "Vault_Identity_File"] {
            assert_eq!(
                d.attach("agent-x", "TOKEN", Some(name), now),
                Err(ModelError::ReservedEnvName(name.into()))
            );
        }
    }

    #[test]
    fn an_attached_entry_is_removed_only_with_detach() {
        let mut d = doc();
        let now = Timestamp::UNIX_EPOCH;
        d.attach("agent-x", "TOKEN", None, now).unwrap();
        assert_eq!(
            d.remove_entry("TOKEN", Kind::Secret, false, now)
                .unwrap_err(),
            ModelError::EntryAttached {
                name: "TOKEN".into(),
                agents: vec!["agent-x".into()]
            }
        );
        d.remove_entry("TOKEN", Kind::Secret, true, now).unwrap();
        assert!(d.agent("agent-x").unwrap().attach.is_empty());
    }

    #[test]
    fn attaching_a_missing_entry_or_to_a_missing_agent_fails() {
        let mut d = doc();
        let now = Timestamp::UNIX_EPOCH;
        assert!(matches!(
            d.attach("agent-x", "NOPE", None, now),
            Err(ModelError::NotFound { .. })
        ));
        assert!(matches!(
            d.attach("nobody", "TOKEN", None, now),
            Err(ModelError::AgentNotFound { .. })
        ));
    }

    #[test]
    fn a_hand_edited_agent_is_held_to_the_attach_rules() {
        let mut d = doc();
        let now = Timestamp::UNIX_EPOCH;
        for name in ["KEY_A", "KEY_B"] {
            let value = SecretValue::new(format!("sk-proj-{name}-value-0123456789")).unwrap();
            let url = (name == "KEY_A").then(|| "https://gw.example.com/v1".to_owned());
            let key = ProviderKey::of("openai", url).unwrap();
            d.add_entry(name, Details::Provider(key), value, now)
                .unwrap();
        }
        let edit = |d: &mut Document, pairs: &[(&str, &str)]| {
            let agent = d.agents.get_mut("agent-x").unwrap();
            agent.attach = pairs
                .iter()
                .map(|(e, v)| (e.parse().unwrap(), v.parse().unwrap()))
                .collect();
        };
        edit(&mut d, &[("TOKEN", "X"), ("LOG", "X")]);
        assert!(matches!(
            d.attached("agent-x"),
            Err(ModelError::EnvTwice { .. })
        ));
        edit(&mut d, &[("KEY_A", "OPENAI_API_KEY"), ("KEY_B", "OTHER")]);
        assert!(matches!(
            d.attached("agent-x"),
            Err(ModelError::ProviderTaken { .. })
        ));
        // A value under a key's base-URL variable would redirect the key (KEY_A has its own
        // endpoint).
        edit(
            &mut d,
            &[("KEY_A", "OPENAI_API_KEY"), ("LOG", "OPENAI_BASE_URL")],
        );
        assert!(matches!(
            d.attached("agent-x"),
            Err(ModelError::EnvTwice { .. })
        ));
        edit(&mut d, &[("LOG", "OPENAI_BASE_URL")]);
        assert!(matches!(
            d.attach("agent-x", "KEY_A", None, now),
            Err(ModelError::EndpointVariable { .. })
        ));
        edit(&mut d, &[("KEY_A", "OPENAI_API_KEY")]);
        assert!(matches!(
            d.attach("agent-x", "LOG", Some("OPENAI_BASE_URL"), now),
            Err(ModelError::EndpointVariable { .. })
        ));
        assert!(matches!(
            d.attach("agent-x", "KEY_B", Some("OTHER"), now),
            Err(ModelError::ProviderTaken { .. })
        ));
    }
}
