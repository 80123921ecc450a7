//! OpenBao / HashiCorp Vault KV version 2 over HTTP (reqwest, rustls): the calls pull, push
//! and status need, each failure named for what it is (no server, no such mount, a KV v1
//! mount, a token without the policy, a check-and-set conflict). The token goes in a header
//! marked sensitive and is never in a message; values are never in one either.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::header::HeaderValue;
use serde_json::{Value, json};

use crate::secret::SecretValue;

/// Why a call to the server failed. Names paths and versions, never a value or the token.
#[derive(Debug, thiserror::Error)]
pub enum KvError {
    #[error(
        "cannot reach the server at {address} ({reason}); check that it runs there (the \
         remote's address, as vault remote list shows it: BAO_ADDR is read only by remote add)"
    )]
    Unreachable { address: String, reason: String },
    #[error(
        "the server has no mount `{mount}`, or the token may not see it: enable a KV version 2 \
         engine there (bao secrets enable -path={mount} kv-v2) or give the right --mount"
    )]
    NoMount { mount: String },
    #[error(
        "`{mount}` is a KV version 1 mount; vault needs KV version 2, for versions and \
         check-and-set (bao kv enable-versioning {mount})"
    )]
    KvV1 { mount: String },
    #[error("`{mount}` is a `{kind}` engine, not KV version 2")]
    NotKv { mount: String, kind: String },
    #[error(
        "the token may not {action} {path}: its policy needs that capability on {policy} (bao \
         token capabilities {policy}); the token itself is fine"
    )]
    Denied {
        action: &'static str,
        path: String,
        /// The API path a policy names (KV v2's `MOUNT/data/…` or `MOUNT/metadata/…`).
        policy: String,
    },
    #[error(
        "the server refused the token (missing, expired or revoked): set BAO_TOKEN or \
         VAULT_TOKEN, log in (bao login), or give --token-file"
    )]
    BadToken,
    #[error(
        "the server refused to {action} {path}: the token is missing, expired or revoked (set \
         BAO_TOKEN or VAULT_TOKEN, bao login, or --token-file), or its policy lacks that \
         capability (the token cannot look itself up, so which is not known)"
    )]
    DeniedOrBadToken { action: &'static str, path: String },
    #[error("the server answered {status} to {action} {path}: {message}")]
    Server {
        action: &'static str,
        path: String,
        status: u16,
        message: String,
    },
}

/// One secret as the server holds it.
pub struct Stored {
    pub value: SecretValue,
    pub version: u64,
    /// The version's custom metadata: the entry's kind, provider, base URL.
    pub meta: serde_json::Map<String, Value>,
}

/// What a check-and-set write came to.
pub enum Written {
    /// The new version.
    Version(u64),
    /// The server's version is not the one given: someone else changed it.
    Conflict,
}

/// A KV v2 mount on one server, with a token.
pub struct Kv {
    client: Client,
    address: String,
    mount: String,
    token: HeaderValue,
    namespace: Option<HeaderValue>,
}

impl Kv {
    /// `ca`: a PEM file of certificates to trust besides the system's (BAO_CACERT).
    pub fn new(
        address: &str,
        mount: &str,
        token: &SecretValue,
        namespace: Option<&str>,
        ca: Option<&[u8]>,
    ) -> Result<Self, KvError> {
        crate::providers::verify::install_crypto();
        let unreachable = |reason: String| KvError::Unreachable {
            address: address.to_owned(),
            reason,
        };
        let mut builder = Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("vault/", env!("CARGO_PKG_VERSION")))
            // A redirect would carry the token wherever it points.
            .redirect(reqwest::redirect::Policy::none());
        // Through a proxy (HTTP_PROXY, ALL_PROXY), plain http would hand the proxy the token:
        // http goes straight to the server; https may take a proxy, which sees only TLS.
        if address.starts_with("http://") {
            builder = builder.no_proxy();
        }
        if let Some(pem) = ca {
            let certificates = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|_| unreachable("the CA certificate file is not PEM".into()))?;
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let client = builder
            .build()
            .map_err(|e| unreachable(crate::providers::verify::kind_of(&e)))?;
        let mut token =
            HeaderValue::from_str(token.expose().trim()).map_err(|_| KvError::BadToken)?;
        token.set_sensitive(true);
        let namespace = namespace
            .map(HeaderValue::from_str)
            .transpose()
            .map_err(|_| unreachable("the namespace is not a header value".into()))?;
        Ok(Kv {
            client,
            address: address.trim_end_matches('/').to_owned(),
            mount: mount.trim_matches('/').to_owned(),
            token,
            namespace,
        })
    }

    fn request(&self, method: reqwest::Method, api: &str) -> RequestBuilder {
        let mut request = self
            .client
            .request(method, format!("{}/v1/{api}", self.address))
            .header("X-Vault-Token", self.token.clone())
            .header("X-Vault-Request", "true");
        if let Some(namespace) = &self.namespace {
            request = request.header("X-Vault-Namespace", namespace.clone());
        }
        request
    }

    fn send(&self, request: RequestBuilder) -> Result<Response, KvError> {
        request.send().map_err(|e| KvError::Unreachable {
            address: self.address.clone(),
            reason: crate::providers::verify::kind_of(&e),
        })
    }

    /// The failure an answer means, for `action` on `path`.
    fn failure(&self, response: Response, action: &'static str, path: &str) -> KvError {
        let status = response.status();
        let policy = response.url().path().trim_start_matches("/v1/").to_owned();
        let message = response
            .bytes()
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .and_then(|v| v["errors"].as_array().cloned())
            .map(|errors| {
                errors
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|e| e.chars().filter(|c| !c.is_control()).take(200).collect())
                    .collect::<Vec<String>>()
                    .join("; ")
            })
            .unwrap_or_default();
        match status {
            StatusCode::FORBIDDEN if message.contains("permission denied") => {
                match self.token_is_valid() {
                    Some(true) => KvError::Denied {
                        action,
                        path: path.to_owned(),
                        policy,
                    },
                    Some(false) => KvError::BadToken,
                    None => KvError::DeniedOrBadToken {
                        action,
                        path: path.to_owned(),
                    },
                }
            }
            StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => KvError::BadToken,
            _ => KvError::Server {
                action,
                path: path.to_owned(),
                status: status.as_u16(),
                message,
            },
        }
    }

    /// Whether the server knows the token: it may look itself up under the default policy;
    /// `None` when it may not (a token without that policy, or an unknown one).
    fn token_is_valid(&self) -> Option<bool> {
        let answer = self
            .send(self.request(reqwest::Method::GET, "auth/token/lookup-self"))
            .ok()?;
        match answer.status() {
            s if s.is_success() => Some(true),
            StatusCode::FORBIDDEN => None,
            _ => Some(false),
        }
    }

    /// Checks that the mount is there and is KV version 2.
    pub fn check_mount(&self) -> Result<(), KvError> {
        let api = format!("sys/internal/ui/mounts/{}", self.mount);
        let response = self.send(self.request(reqwest::Method::GET, &api))?;
        let status = response.status();
        if status == StatusCode::NOT_FOUND
            || (status == StatusCode::FORBIDDEN && self.token_is_valid() == Some(true))
        {
            return Err(KvError::NoMount {
                mount: self.mount.clone(),
            });
        }
        if !status.is_success() {
            return Err(self.failure(response, "read", &api));
        }
        let mount = json_of(response);
        let data = &mount["data"];
        let kind = data["type"].as_str().unwrap_or("");
        if kind != "kv" && kind != "generic" {
            return Err(KvError::NotKv {
                mount: self.mount.clone(),
                kind: kind.to_owned(),
            });
        }
        match data["options"]["version"].as_str() {
            Some("2") => Ok(()),
            _ => Err(KvError::KvV1 {
                mount: self.mount.clone(),
            }),
        }
    }

    /// The secrets under `prefix` (a folder, empty for the top), as paths below it, every
    /// folder down.
    pub fn list(&self, prefix: &str) -> Result<Vec<String>, KvError> {
        let mut found = Vec::new();
        let mut folders = vec![String::new()];
        while let Some(folder) = folders.pop() {
            let path = join(prefix, &folder);
            let api = format!("{}/metadata/{path}", self.mount);
            let list = reqwest::Method::from_bytes(b"LIST").unwrap_or(reqwest::Method::GET);
            let response = self.send(self.request(list, &api))?;
            if response.status() == StatusCode::NOT_FOUND {
                continue; // an empty folder
            }
            if !response.status().is_success() {
                return Err(self.failure(response, "list", &format!("{}/{path}", self.mount)));
            }
            let body: Value = json_of(response);
            for key in body["data"]["keys"].as_array().into_iter().flatten() {
                let Some(key) = key.as_str() else { continue };
                let below = format!("{folder}{key}");
                match key.ends_with('/') {
                    true => folders.push(below),
                    false => found.push(below),
                }
            }
        }
        found.sort();
        Ok(found)
    }

    /// The current version of `path` under `prefix` (`None`: there is none, or it is
    /// deleted).
    pub fn read(&self, prefix: &str, path: &str) -> Result<Option<Stored>, KvError> {
        let full = join(prefix, path);
        let api = format!("{}/data/{full}", self.mount);
        let response = self.send(self.request(reqwest::Method::GET, &api))?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(self.failure(response, "read", &format!("{}/{full}", self.mount)));
        }
        // Read into a buffer that is wiped; the value goes straight into a SecretValue.
        let bytes =
            zeroize::Zeroizing::new(response.bytes().map(|b| b.to_vec()).unwrap_or_default());
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let data = &body["data"];
        let Some(value) = data["data"]["value"].as_str() else {
            return Ok(None);
        };
        let value = SecretValue::new(value.to_owned()).map_err(|_| KvError::Server {
            action: "read",
            path: format!("{}/{full}", self.mount),
            status: 200,
            message: "its value is empty or too large for an entry".into(),
        })?;
        let meta = &data["metadata"];
        Ok(Some(Stored {
            value,
            version: meta["version"].as_u64().unwrap_or(0),
            meta: meta["custom_metadata"]
                .as_object()
                .cloned()
                .unwrap_or_default(),
        }))
    }

    /// Writes `value` at `path` if the server's version is still `cas` (0: only if there is
    /// none), with `meta` as the secret's custom metadata.
    pub fn write(
        &self,
        prefix: &str,
        path: &str,
        value: &SecretValue,
        cas: Option<u64>,
        meta: serde_json::Map<String, Value>,
    ) -> Result<Written, KvError> {
        let full = join(prefix, path);
        let shown = format!("{}/{full}", self.mount);
        // The body is made in buffers that are wiped, the value escaped as JSON.
        let escaped =
            zeroize::Zeroizing::new(serde_json::to_string(value.expose()).unwrap_or_default());
        let mut text = zeroize::Zeroizing::new(String::with_capacity(escaped.len() + 64));
        text.push_str("{\"data\":{\"value\":");
        text.push_str(&escaped);
        text.push('}');
        if let Some(cas) = cas {
            text.push_str(&format!(",\"options\":{{\"cas\":{cas}}}"));
        }
        text.push('}');
        let api = format!("{}/data/{full}", self.mount);
        let response = self.send(
            self.request(reqwest::Method::POST, &api)
                .header("content-type", "application/json")
                .body(text.as_bytes().to_vec()),
        )?;
        if response.status() == StatusCode::BAD_REQUEST {
            let body: Value = json_of(response);
            let conflict = body["errors"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .any(|e| e.contains("check-and-set"));
            return match conflict {
                true => Ok(Written::Conflict),
                false => Err(KvError::Server {
                    action: "write",
                    path: shown,
                    status: 400,
                    message: "the server refused the write".into(),
                }),
            };
        }
        if !response.status().is_success() {
            return Err(self.failure(response, "write", &shown));
        }
        let answer: Value = json_of(response);
        let version = answer["data"]["version"].as_u64().unwrap_or(0);
        let api = format!("{}/metadata/{full}", self.mount);
        let response = self.send(
            self.request(reqwest::Method::POST, &api)
                .header("content-type", "application/json")
                .body(json!({"custom_metadata": meta}).to_string()),
        )?;
        if !response.status().is_success() {
            return Err(self.failure(response, "write the metadata of", &shown));
        }
        Ok(Written::Version(version))
    }

    /// Deletes `path` and all its versions.
    pub fn delete(&self, prefix: &str, path: &str) -> Result<(), KvError> {
        let full = join(prefix, path);
        let api = format!("{}/metadata/{full}", self.mount);
        let response = self.send(self.request(reqwest::Method::DELETE, &api))?;
        if !response.status().is_success() {
            return Err(self.failure(response, "delete", &format!("{}/{full}", self.mount)));
        }
        Ok(())
    }
}

/// An answer's JSON (null when it is none). For answers that hold no value.
fn json_of(response: Response) -> Value {
    response
        .bytes()
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null)
}

/// `prefix/path`, without doubled or outer slashes.
fn join(prefix: &str, path: &str) -> String {
    let prefix = prefix.trim_matches('/');
    match (prefix.is_empty(), path.is_empty()) {
        (true, _) => path.to_owned(),
        (false, true) => format!("{prefix}/"),
        (false, false) => format!("{prefix}/{path}"),
    }
}
