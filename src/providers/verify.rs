//! Live checks: one cheap authenticated request that proves a key works. The key goes only
//! into the request's auth header; nothing the provider answers is printed or kept, so a
//! provider that echoes the key in an error body cannot put it on a screen or in a log.

use std::fmt;
use std::time::Duration;

use super::{Auth, Provider};

/// What a check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// The provider accepted the key (2xx).
    Active,
    /// The provider refused it (401 or 403).
    Invalid,
    /// No verdict: the reason (timeout, connection refused, DNS, TLS, HTTP 5xx…).
    Error(String),
}

impl std::str::FromStr for Status {
    type Err = &'static str;

    /// As `Display` writes it (and the vault stores it): `active`, `invalid`, `error: …`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "active" => Ok(Status::Active),
            "invalid" => Ok(Status::Invalid),
            _ => text
                .strip_prefix("error: ")
                .map(|reason| Status::Error(reason.to_owned()))
                .ok_or("a check's status is active, invalid or error: REASON"),
        }
    }
}

/// Stored as its text, so that format 1's strings read as they were written.
impl serde::Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Status {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Active => f.write_str("active"),
            Status::Invalid => f.write_str("invalid"),
            Status::Error(reason) => write!(f, "error: {reason}"),
        }
    }
}

/// Checks `key` against `provider` at `base_url`. Honours the standard proxy variables
/// (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), as reqwest does.
pub fn check(provider: &Provider, base_url: &str, key: &str, timeout: Duration) -> Status {
    install_crypto();
    let client = match reqwest::blocking::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("vault/", env!("CARGO_PKG_VERSION")))
        // A redirect would carry the key to wherever it points: reqwest drops Authorization
        // on a cross-host redirect, but not x-api-key or x-goog-api-key. A redirect is an
        // error instead (the endpoint is not the API).
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(client) => client,
        Err(e) => return Status::Error(format!("cannot make an HTTP client ({})", kind_of(&e))),
    };
    let url = format!("{}{}", base_url.trim_end_matches('/'), provider.verify_path);
    log::info!("checking a {} key at {url}", provider.name);
    let request = client.get(&url);
    // Marked sensitive, as bearer_auth marks its header: kept out of reqwest's own Debug.
    let Ok(mut secret) = reqwest::header::HeaderValue::from_str(key) else {
        return Status::Error("the key has characters no HTTP header can carry".into());
    };
    secret.set_sensitive(true);
    let request = match provider.auth {
        Auth::Bearer => request.bearer_auth(key),
        Auth::XApiKey { version } => request
            .header("x-api-key", secret)
            .header("anthropic-version", version),
        Auth::GoogApiKey => request.header("x-goog-api-key", secret),
    };
    match request.send() {
        Ok(response) => {
            let code = response.status();
            if code.is_success() {
                Status::Active
            } else if code.as_u16() == 401 || code.as_u16() == 403 {
                Status::Invalid
            } else if code.is_redirection() {
                Status::Error(format!(
                    "HTTP {} redirect (not followed: check the endpoint)",
                    code.as_u16()
                ))
            } else {
                Status::Error(format!("HTTP {}", code.as_u16()))
            }
        }
        Err(e) => Status::Error(kind_of(&e)),
    }
}

/// Chooses rustls's cryptography, once per process (an error means one already is).
pub(crate) fn install_crypto() {
    static CRYPTO: std::sync::Once = std::sync::Once::new();
    CRYPTO.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Why a request failed, in a few fixed words: reqwest's own message names the URL and
/// its causes, which are not ours to vet.
pub(crate) fn kind_of(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "timeout".to_owned();
    }
    // reqwest's own message names the URL (which may hold any word); only its causes count.
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return "connection refused".to_owned(),
                std::io::ErrorKind::TimedOut => return "timeout".to_owned(),
                std::io::ErrorKind::ConnectionReset => return "connection reset".to_owned(),
                _ => {}
            }
        }
        let text = e.to_string().to_ascii_lowercase();
        if text.contains("dns") || text.contains("failed to lookup") || text.contains("resolve") {
            return "DNS lookup failed".to_owned();
        }
        if text.contains("certificate") || text.contains("tls") || text.contains("handshake") {
            return "TLS failed".to_owned();
        }
        source = e.source();
    }
    if error.is_connect() {
        "cannot connect".to_owned()
    } else if error.is_builder() {
        "bad URL".to_owned()
    } else {
        "request failed".to_owned()
    }
}
