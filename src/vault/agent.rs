//! An agent as the vault stores it: what is attached, how it starts, its keyless and sandbox
//! settings. Pure data; the rules that change agents are in `agents`.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::keyless::{Budget, Rate, TokenHash, parse_rate_setting};
use super::time::toml_time;
use crate::names::EnvName;
use crate::sandbox::Network;
use crate::scope::Scope;

/// An agent as stored in the vault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agent {
    /// Entry name → the environment variable the agent gets it as.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attach: BTreeMap<EnvName, EnvName>,
    /// Default container image for `vault run`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Default command for `vault run`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// `vault run` starts it keyless unless told otherwise.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keyless: bool,
    /// Keyless mode's request rates, by provider id (`None`: no limit); a provider not here
    /// has its default rate.
    #[serde(
        default,
        deserialize_with = "settings::rates",
        serialize_with = "settings::write_rates",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub rates: BTreeMap<String, Option<Rate>>,
    /// Keyless mode's limits on everything the agent does, whichever provider.
    #[serde(default, skip_serializing_if = "super::keyless::Limits::is_empty")]
    pub limits: super::keyless::Limits,
    /// Keyless mode's spending limit.
    #[serde(
        default,
        deserialize_with = "settings::parsed",
        serialize_with = "settings::written",
        skip_serializing_if = "Option::is_none"
    )]
    pub budget: Option<Budget>,
    /// The hash of the agent's standing proxy token (`vault agent token`), for `vault proxy`.
    #[serde(
        default,
        deserialize_with = "settings::parsed",
        serialize_with = "settings::written",
        skip_serializing_if = "Option::is_none"
    )]
    pub token: Option<TokenHash>,
    /// `vault run` starts it in a sandbox (`None`: when it runs keyless).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<bool>,
    /// The sandbox's network (`None`: the machine's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<Network>,
    /// Paths the sandboxed command may write besides its working directory.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_write: Vec<String>,
    /// Keyless mode's scope: the models and endpoint classes the agent may use.
    #[serde(default, skip_serializing_if = "Scope::is_empty")]
    pub scope: Scope,
    #[serde(deserialize_with = "toml_time::deserialize")]
    pub created: Timestamp,
    /// Last change to the agent itself (attachments, settings): a running agent started
    /// before it lacks the change.
    #[serde(deserialize_with = "toml_time::deserialize")]
    pub updated: Timestamp,
}

impl Agent {
    /// An agent with nothing attached and every setting at its default, made at `now`.
    pub fn new(now: Timestamp) -> Self {
        Agent {
            attach: BTreeMap::new(),
            image: None,
            command: Vec::new(),
            keyless: false,
            rates: BTreeMap::new(),
            limits: Default::default(),
            budget: None,
            token: None,
            sandbox: None,
            network: None,
            allow_write: Vec::new(),
            scope: Scope::default(),
            created: now,
            updated: now,
        }
    }

    /// The request rate keyless mode holds the agent to for `provider`.
    pub fn rate(&self, provider: &str) -> Option<Rate> {
        match self.rates.get(provider) {
            Some(set) => *set,
            None => Some(super::keyless::default_rate(provider)),
        }
    }
}

/// The keyless settings as their stored text (`openai=100/60s`, `5usd/day`, `sha256:…`).
mod settings {
    use std::collections::BTreeMap;
    use std::fmt::Display;
    use std::str::FromStr;

    use serde::Serializer;

    use serde::{Deserialize, Deserializer, de::Error as _};

    use super::{Rate, parse_rate_setting};

    pub fn written<S: Serializer, T: Display>(
        value: &Option<T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => serializer.collect_str(value),
            None => serializer.serialize_none(),
        }
    }

    pub fn write_rates<S: Serializer>(
        rates: &BTreeMap<String, Option<Rate>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            rates
                .iter()
                .map(|(provider, rate)| super::super::keyless::rate_setting(provider, *rate)),
        )
    }

    pub fn parsed<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        let text = String::deserialize(deserializer)?;
        text.parse().map(Some).map_err(D::Error::custom)
    }

    pub fn rates<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<String, Option<Rate>>, D::Error> {
        let mut rates = BTreeMap::new();
        for text in Vec::<String>::deserialize(deserializer)? {
            let (provider, rate) = parse_rate_setting(&text).map_err(D::Error::custom)?;
            if rates.insert(provider, rate).is_some() {
                return Err(D::Error::custom("a provider has two rates"));
            }
        }
        Ok(rates)
    }
}
