//! A team's secrets server as the vault stores it: an OpenBao (or HashiCorp Vault) KV version 2
//! mount this vault pulls from and pushes to. Never its token: that comes from the
//! environment or the token helper file each time (see `remote::token`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::names::{AgentName, EnvName};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remote {
    /// The server, such as `https://bao.example.com:8200`.
    pub address: String,
    /// The KV v2 mount, such as `secret`.
    pub mount: String,
    /// Where under the mount this vault's secrets are (empty: the mount's top).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    /// What this vault last saw of each entry on the server (at its last pull or push): the
    /// base a later pull or push compares both sides with, so that neither a teammate's change
    /// nor one made here is lost.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub entries: BTreeMap<EnvName, Known>,
    /// Entries whose value is fetched from the server each time an agent using them starts
    /// (live references), with how old (seconds) the value kept here may be when the server
    /// cannot be reached. When each was last fetched is this machine's (`StateDir`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub live: BTreeMap<EnvName, u64>,
    /// The same base for each agent's settings (under `_agents/`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub agents: BTreeMap<AgentName, Known>,
    /// An http:// address off this machine was allowed (`remote add --allow-http`): the token
    /// crosses the network unencrypted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_http: bool,
}

/// One entry or agent as the server held it when this vault last pulled or pushed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Known {
    pub version: u64,
    /// SHA-256 of what it held (kind, provider, endpoint and value), in hex: inside the
    /// encrypted vault, like the value itself.
    pub digest: String,
}

/// A live reference's default `--max-age`: an hour.
pub const DEFAULT_MAX_AGE: u64 = 3600;

/// How often a running keyless proxy fetches a live reference with `max_age` again: four
/// times within its max age, and at least every 5 minutes (as a server's own agent polls), but
/// never more than once a second. Seconds.
pub fn refetch_every(max_age: u64) -> u64 {
    (max_age / 4).clamp(1, 300)
}

/// A `--max-age` such as `1h`, `30m`, `2d` or `90s`: seconds.
pub fn parse_max_age(text: &str) -> Result<u64, &'static str> {
    super::keyless::seconds(text.trim())
        .filter(|&s| s > 0)
        .ok_or("a max age is at least 1s: a whole number and s, m, h or d, such as 30m, 1h or 2d")
}

/// An age in seconds as people read it: `45 s`, `12 min`, `3 h`, `2 d`.
pub fn age_text(seconds: u64) -> String {
    match seconds {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s if s < 172_800 => format!("{} h", s / 3600),
        s => format!("{} d", s / 86_400),
    }
}

impl super::Document {
    /// The remote `entry` is a live reference to, and its max age (seconds), if it is one.
    pub fn live_reference(&self, entry: &str) -> Option<(&AgentName, u64)> {
        self.remotes
            .iter()
            .find_map(|(name, r)| r.live.get(entry).map(|age| (name, *age)))
    }
}
