//! Remotes: an OpenBao (or HashiCorp Vault) KV version 2 mount as the team's store. Each
//! entry is one KV secret under the remote's path (its value under the data key `value`; its
//! kind, provider and endpoint in the version's custom metadata). Pulls bring every secret
//! into the local vault in one change; pushes write with check-and-set against the version
//! last pulled, so a teammate's change is a conflict, never overwritten. The token comes
//! from the environment or the token helper file each time and is never stored or printed.

pub mod kv;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::secret::SecretValue;
use crate::vault::remote::Remote;
use crate::vault::{Details, Entry, ProviderKey};
pub use kv::{Kv, KvError, Stored, Written};

/// Why a remote cannot be used. Never names the token or a value.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error(
        "no token for the server: set BAO_TOKEN (or VAULT_TOKEN), log in with bao login (it \
         writes ~/.vault-token), or give --token-file FILE"
    )]
    NoToken,
    #[error("cannot read the token file {0}: {1}")]
    TokenFile(PathBuf, std::io::ErrorKind),
    #[error("cannot read the CA certificate file {0} (BAO_CACERT / VAULT_CACERT): {1}")]
    CaFile(PathBuf, std::io::ErrorKind),
    #[error(transparent)]
    Kv(#[from] KvError),
}

/// The first of `names` set (non-empty) in the environment: OpenBao's name, then Vault's.
fn env_first(names: [&str; 2]) -> Option<String> {
    names
        .iter()
        .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
}

/// The server's address from the environment, as `bao` and `vault` take it.
pub fn env_address() -> Option<String> {
    env_first(["BAO_ADDR", "VAULT_ADDR"])
}

/// The token, as the server's own tools find it: `BAO_TOKEN`, else `VAULT_TOKEN`, else the
/// token helper's file (`~/.vault-token`), else `token_file`.
pub fn token(token_file: Option<&Path>, home: Option<&Path>) -> Result<SecretValue, RemoteError> {
    let from_env = ["BAO_TOKEN", "VAULT_TOKEN"]
        .iter()
        .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()));
    if let Some(token) = from_env {
        return SecretValue::new(token.trim().to_owned()).map_err(|_| RemoteError::NoToken);
    }
    let helper = home.map(|h| h.join(".vault-token"));
    for file in helper.iter().map(PathBuf::as_path).chain(token_file) {
        match std::fs::read_to_string(file) {
            Ok(text) if !text.trim().is_empty() => {
                return SecretValue::new(text.trim().to_owned()).map_err(|_| RemoteError::NoToken);
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && Some(file) != token_file => {}
            Err(e) => return Err(RemoteError::TokenFile(file.to_owned(), e.kind())),
        }
    }
    Err(RemoteError::NoToken)
}

/// The remote's mount, reached with the token found (and the namespace and CA file the
/// environment gives).
pub fn connect(
    remote: &Remote,
    token_file: Option<&Path>,
    home: Option<&Path>,
) -> Result<Kv, RemoteError> {
    let token = token(token_file, home)?;
    let namespace = env_first(["BAO_NAMESPACE", "VAULT_NAMESPACE"]);
    let ca = match env_first(["BAO_CACERT", "VAULT_CACERT"]) {
        Some(file) => {
            Some(std::fs::read(&file).map_err(|e| RemoteError::CaFile(file.into(), e.kind()))?)
        }
        None => None,
    };
    Ok(Kv::new(
        &remote.address,
        &remote.mount,
        &token,
        namespace.as_deref(),
        ca.as_deref(),
    )?)
}

/// An entry's kind, provider and endpoint, as a KV version's custom metadata.
pub fn metadata(entry: &Entry) -> serde_json::Map<String, Value> {
    let mut meta = serde_json::Map::new();
    meta.insert("kind".into(), entry.kind().to_string().into());
    if let Some(key) = entry.provider_key() {
        meta.insert("provider".into(), key.provider().id.into());
        if let Some(url) = key.base_url() {
            meta.insert("base_url".into(), url.into());
        }
    }
    meta
}

/// What a pulled secret becomes: the kind its metadata names (a catalog name whose value is
/// that provider's key becomes a provider key, as in an import, when none is named).
pub fn details(name: &str, stored: &Stored) -> Result<Details, String> {
    let text = |key: &str| stored.meta.get(key).and_then(Value::as_str);
    match text("kind") {
        Some("secret") => Ok(Details::Secret),
        Some("variable") => Ok(Details::Variable),
        Some("provider") => {
            let provider = text("provider").unwrap_or("");
            ProviderKey::of(provider, text("base_url").map(str::to_owned))
                .map(Details::Provider)
                .map_err(|e| format!("{name}: {e}"))
        }
        Some(other) => Err(format!(
            "{name}: its kind on the server is `{}`, not secret, variable or provider",
            other
                .chars()
                .filter(|c| !c.is_control())
                .take(40)
                .collect::<String>()
        )),
        None => match crate::providers::recognised_key(name, stored.value.expose()) {
            Some(provider) => ProviderKey::new(provider, None)
                .map(Details::Provider)
                .map_err(|e| format!("{name}: {e}")),
            None => Ok(Details::Secret),
        },
    }
}

/// Whether `entry` already holds what the server does.
pub fn same(entry: &Entry, details: &Details, stored: &Stored) -> bool {
    entry.details().kind() == details.kind()
        && entry.value().expose() == stored.value.expose()
        && entry
            .provider_key()
            .map(|k| (k.provider().id, k.base_url()))
            == match details {
                Details::Provider(k) => Some((k.provider().id, k.base_url())),
                _ => None,
            }
}
