//! A team's secrets server as the vault stores it: an OpenBao (or HashiCorp Vault) KV version 2
//! mount this vault pulls from and pushes to. Never its token: that comes from the
//! environment or the token helper file each time (see `remote::token`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::names::EnvName;

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
    /// Each entry's version on the server when this vault last pulled or pushed it: what a
    /// push checks the server against, so that a teammate's change is never written over.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub versions: BTreeMap<EnvName, u64>,
}
