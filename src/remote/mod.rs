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
    #[error(
        "{address} would send the token to {host} unencrypted: use https:// (with BAO_CACERT \
         for a private certificate authority), or remote add --allow-http where the network \
         between is yours alone"
    )]
    Cleartext { address: String, host: String },
    #[error(
        "the address is the server's URL, such as https://bao.example.com:8200 (http or \
         https, no user, password or path)"
    )]
    BadAddress,
    #[error(transparent)]
    Kv(#[from] KvError),
}

/// A server's address as a remote keeps it: an http(s) URL with no credentials, path, query
/// or fragment, without its trailing `/`, as the URL reads it (`HTTP://Bao.Example` is
/// `http://bao.example`). Every request carries the token, so http:// is for
/// this machine only (loopback), unless `allow_http`.
pub fn address(text: &str, allow_http: bool) -> Result<String, RemoteError> {
    let text = text.trim();
    let url = url::Url::parse(text).map_err(|_| RemoteError::BadAddress)?;
    let plain = matches!(url.scheme(), "http" | "https")
        && url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none()
        && url.path().trim_matches('/').is_empty();
    if !plain || url.host_str().is_none() {
        return Err(RemoteError::BadAddress);
    }
    if crate::net::in_clear_off_this_machine(&url) && !allow_http {
        return Err(RemoteError::Cleartext {
            address: text.to_owned(),
            host: url.host_str().unwrap_or_default().to_owned(),
        });
    }
    // As the URL reads it: scheme and host in lower case.
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Where a team server's token may be in the environment: never passed on to what `vault
/// run` starts (it would read every secret of the team), whatever `--keep-env` says. An agent
/// given one on purpose gets it attached like any secret.
pub const TOKEN_VARIABLES: [&str; 2] = ["BAO_TOKEN", "VAULT_TOKEN"];

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

/// The token: `token_file` when given (a flag names it on purpose), else as the server's own
/// tools find it: `BAO_TOKEN`, else `VAULT_TOKEN`, else the token helper's file
/// (`~/.vault-token`).
pub fn token(token_file: Option<&Path>, home: Option<&Path>) -> Result<SecretValue, RemoteError> {
    let read = |file: &Path| -> Result<Option<SecretValue>, RemoteError> {
        match std::fs::read_to_string(file) {
            Ok(text) if !text.trim().is_empty() => SecretValue::new(text.trim().to_owned())
                .map(Some)
                .map_err(|_| RemoteError::NoToken),
            Ok(_) => Ok(None),
            Err(e) => Err(RemoteError::TokenFile(file.to_owned(), e.kind())),
        }
    };
    if let Some(file) = token_file {
        return read(file)?.ok_or(RemoteError::NoToken);
    }
    if let Some(token) = env_first(TOKEN_VARIABLES) {
        return SecretValue::new(token.trim().to_owned()).map_err(|_| RemoteError::NoToken);
    }
    match home.map(|h| h.join(".vault-token")) {
        Some(helper) if helper.exists() => read(&helper)?.ok_or(RemoteError::NoToken),
        _ => Err(RemoteError::NoToken),
    }
}

/// The remote's mount, reached with the token found (and the namespace and CA file the
/// environment gives).
pub fn connect(
    remote: &Remote,
    token_file: Option<&Path>,
    home: Option<&Path>,
) -> Result<Kv, RemoteError> {
    // Checked each time: the vault file holds the address, and it may have been edited.
    address(&remote.address, remote.allow_http)?;
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

/// SHA-256 (hex) of what an entry holds: its kind, provider, endpoint and value.
pub fn digest(details: &Details, value: &str) -> String {
    use sha2::{Digest as _, Sha256};
    let mut hash = Sha256::new();
    hash.update(details.kind().to_string());
    if let Details::Provider(key) = details {
        hash.update([0]);
        hash.update(key.provider().id);
        hash.update([0]);
        hash.update(key.base_url().unwrap_or(""));
    }
    hash.update([0]);
    hash.update(value);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

pub fn entry_digest(entry: &Entry) -> String {
    digest(entry.details(), entry.value().expose())
}

/// Where an entry (or an agent) stands, here and on the server, against what this vault last
/// saw there (the base).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Both hold the same.
    Same,
    /// Only the server has it, and this vault never saw it: a pull adds it.
    OnlyThere,
    /// Only this vault has it, and the server never did: a push adds it.
    OnlyHere,
    /// Changed here since the base; the server still holds the base: a push writes it.
    ChangedHere,
    /// Changed on the server since the base; unchanged here: a pull takes it.
    ChangedThere,
    /// Deleted here; the server still holds the base: `push --prune` deletes it there.
    DeletedHere,
    /// Deleted on the server; unchanged here.
    DeletedThere,
    /// Both sides changed it (or one changed and the other deleted it, or both have it and
    /// this vault never synced it): neither a pull nor a push takes a side without --force.
    Conflict,
}

/// `local` and `server`: digests of what each holds (`None`: nothing there).
pub fn compare(local: Option<&str>, server: Option<&str>, base: Option<&str>) -> State {
    match (local, server, base) {
        (None, None, _) => State::Same,
        (Some(l), Some(s), _) if l == s => State::Same,
        (None, Some(_), None) => State::OnlyThere,
        (Some(_), None, None) => State::OnlyHere,
        (None, Some(s), Some(b)) if s == b => State::DeletedHere,
        (Some(l), None, Some(b)) if l == b => State::DeletedThere,
        (Some(_), Some(s), Some(b)) if s == b => State::ChangedHere,
        (Some(l), Some(_), Some(b)) if l == b => State::ChangedThere,
        _ => State::Conflict,
    }
}

#[cfg(test)]
mod tests {
    use super::{State, compare};

    #[test]
    fn both_sides_are_compared_with_the_base() {
        let (a, b, c) = ("a", "b", "c");
        assert_eq!(compare(Some(a), Some(a), None), State::Same);
        assert_eq!(compare(None, Some(a), None), State::OnlyThere);
        assert_eq!(compare(Some(a), None, None), State::OnlyHere);
        assert_eq!(compare(Some(b), Some(a), Some(a)), State::ChangedHere);
        assert_eq!(compare(Some(a), Some(b), Some(a)), State::ChangedThere);
        assert_eq!(compare(None, Some(a), Some(a)), State::DeletedHere);
        assert_eq!(compare(Some(a), None, Some(a)), State::DeletedThere);
        // Both changed; one changed and the other deleted; never synced but different.
        assert_eq!(compare(Some(b), Some(c), Some(a)), State::Conflict);
        assert_eq!(compare(None, Some(b), Some(a)), State::Conflict);
        assert_eq!(compare(Some(b), None, Some(a)), State::Conflict);
        assert_eq!(compare(Some(a), Some(b), None), State::Conflict);
    }
}

#[cfg(test)]
mod address_tests {
    use super::{RemoteError, address};

    #[test]
    fn http_is_for_this_machine_only_unless_allowed() {
        for here in [
            "http://127.0.0.1:8200",
            "http://127.1:8200",
            "http://[::1]:8200",
            "http://[::ffff:127.0.0.1]:8200",
            "http://localhost:8200",
            "http://LOCALHOST.:8200",
            "HTTP://Localhost:8200/",
        ] {
            assert!(address(here, false).is_ok(), "{here}");
        }
        for away in [
            "http://bao.example.com:8200",
            "http://localhost.evil.com",
            "http://10.0.0.2:8200",
            "http://[::ffff:10.0.0.2]",
        ] {
            assert!(
                matches!(address(away, false), Err(RemoteError::Cleartext { .. })),
                "{away}"
            );
            assert!(address(away, true).is_ok(), "{away}");
        }
        assert_eq!(
            address("https://Bao.Example.com:8200/", false).unwrap(),
            "https://bao.example.com:8200"
        );
        assert_eq!(
            address("HTTP://Localhost:8200/", false).unwrap(),
            "http://localhost:8200"
        );
        for bad in [
            "ftp://x",
            "https://u:p@x",
            "https://x/v1",
            "https://x?a",
            "x:8200",
        ] {
            assert!(
                matches!(address(bad, false), Err(RemoteError::BadAddress)),
                "{bad}"
            );
        }
    }
}
