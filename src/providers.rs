//! The AI-provider catalog, kept as data in one place: for each provider, the environment
//! variables its official SDKs read, where its API is, what its keys look like, how a key is
//! sent and which cheap request proves that a key works.
//!
//! Long: the catalog is data, one entry of about twenty fields per provider; its tests are
//! the last 150 lines.

pub mod verify;

use std::fmt;

/// How a provider expects the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Bearer KEY`.
    Bearer,
    /// `x-api-key: KEY` with `anthropic-version: VERSION`.
    XApiKey { version: &'static str },
    /// `x-goog-api-key: KEY`.
    GoogApiKey,
}

/// Another variable a client reads a provider's credential from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyAlias {
    pub name: &'static str,
    /// Whether it means the same as the key's own variable (so it gets the key, or in keyless
    /// mode the token, too); otherwise it holds another kind of credential (an OAuth or
    /// bearer token) and an agent given vault's key never gets one.
    pub same_as_key: bool,
    /// Who reads it, for `--help` and the README.
    pub read_by: &'static str,
}

/// One provider of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provider {
    /// What users type: `vault provider add openai`.
    pub id: &'static str,
    pub name: &'static str,
    /// The variable the official SDKs read the key from; the entry's default name.
    pub key_env: &'static str,
    /// The variable the SDK used with this provider reads the key from (OpenAI's for custom
    /// endpoints): an entry attached under it brings the aliases and base-URL variables.
    pub sdk_key_env: &'static str,
    /// Every other variable the official SDKs and the major agents read a credential of this
    /// provider from.
    pub key_aliases: &'static [KeyAlias],
    /// The variable the provider's official SDK reads a different endpoint from, where it has
    /// one (providers used through the OpenAI SDK have none of their own).
    pub base_url_env: Option<&'static str>,
    /// Other variables clients read the endpoint from; they get the same address.
    pub base_url_aliases: &'static [&'static str],
    /// What else a keyless run sets for this provider's clients, so that they send the token
    /// to the proxy and nowhere else (Claude Code sends its key to api.anthropic.com for
    /// feature flags and telemetry, whatever its base URL, unless told not to).
    pub keyless_settings: &'static [(&'static str, &'static str)],
    /// Keyless mode's base-URL variable where the SDK has none (`OPENROUTER_BASE_URL`, for
    /// the agent's code to pass to the OpenAI SDK).
    pub proxy_url_env: Option<&'static str>,
    /// The API's address, up to the version segment the SDKs add paths to.
    pub base_url: &'static str,
    /// The end of `base_url` that the SDK adds itself to the address in its base-URL variable
    /// (Gemini's `/v1beta`: google-genai picks its API version): agents are given the address
    /// without it, and the proxy takes every path below what is left.
    pub sdk_adds_path: &'static str,
    /// How keys begin (any of these); empty when keys have no fixed start.
    pub prefixes: &'static [&'static str],
    /// Keys are at least this long.
    pub min_len: usize,
    pub auth: Auth,
    /// Whether the proxy carries WebSockets to it (OpenAI's Responses and Realtime APIs,
    /// whose events it can count and limit).
    pub websockets: bool,
    /// Whether it reads `OpenAI-Organization` and `OpenAI-Project`, which choose the
    /// organization and project a request bills: the proxy sends them as the agent's scope
    /// says (an agent's own are never passed on, to any provider).
    pub account_headers: bool,
    /// Whether its clients may send the key in the URL (`?key=`, Gemini's REST API): only
    /// there does the proxy look for a token in the query (elsewhere a query is the
    /// provider's, and its logs would keep a key).
    pub key_in_query: bool,
    /// Whether a key needs its endpoint given when it is added (`custom`: any
    /// OpenAI-compatible server, whose key name is given too).
    pub needs_base_url: bool,
    /// Keyless mode's request limit where the agent sets none: this many per 60 s.
    pub default_rate: u32,
    /// A cheap authenticated GET that proves a key works, relative to `base_url`.
    pub verify_path: &'static str,
}

/// What OpenAI's clients read besides `OPENAI_API_KEY`.
const OPENAI_KEY_ALIASES: &[KeyAlias] = &[KeyAlias {
    name: "CODEX_API_KEY",
    same_as_key: true,
    read_by: "the Codex CLI (codex exec)",
}];

/// What OpenAI's clients read besides `OPENAI_BASE_URL`.
const OPENAI_URL_ALIASES: &[&str] = &["OPENAI_API_BASE"];

/// Keyless mode's request limit per 60 s for a provider id the catalog does not know.
pub const FALLBACK_RATE: u32 = 100;

/// Every provider vault knows; `custom` is any OpenAI-compatible endpoint (its base URL and
/// key name are given when it is added).
pub const CATALOG: &[Provider] = &[
    Provider {
        id: "openai",
        name: "OpenAI",
        key_env: "OPENAI_API_KEY",
        sdk_key_env: "OPENAI_API_KEY",
        key_aliases: OPENAI_KEY_ALIASES,
        base_url_env: Some("OPENAI_BASE_URL"),
        base_url_aliases: OPENAI_URL_ALIASES,
        keyless_settings: &[],
        proxy_url_env: None,
        base_url: "https://api.openai.com/v1",
        sdk_adds_path: "",
        prefixes: &["sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"],
        min_len: 20,
        auth: Auth::Bearer,
        websockets: true,
        account_headers: true,
        key_in_query: false,
        needs_base_url: false,
        default_rate: 100,
        verify_path: "/models",
    },
    Provider {
        id: "anthropic",
        name: "Anthropic",
        key_env: "ANTHROPIC_API_KEY",
        sdk_key_env: "ANTHROPIC_API_KEY",
        key_aliases: &[
            KeyAlias {
                name: "ANTHROPIC_AUTH_TOKEN",
                same_as_key: false,
                read_by: "the Anthropic SDKs and Claude Code (sent as a bearer token)",
            },
            KeyAlias {
                name: "CLAUDE_CODE_OAUTH_TOKEN",
                same_as_key: false,
                read_by: "Claude Code (a subscription's OAuth token)",
            },
        ],
        base_url_env: Some("ANTHROPIC_BASE_URL"),
        base_url_aliases: &[],
        keyless_settings: &[("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")],
        proxy_url_env: None,
        base_url: "https://api.anthropic.com",
        sdk_adds_path: "",
        prefixes: &["sk-ant-"],
        min_len: 20,
        auth: Auth::XApiKey {
            version: "2023-06-01",
        },
        websockets: false,
        account_headers: false,
        key_in_query: false,
        needs_base_url: false,
        default_rate: 50,
        verify_path: "/v1/models",
    },
    Provider {
        id: "openrouter",
        name: "OpenRouter",
        key_env: "OPENROUTER_API_KEY",
        sdk_key_env: "OPENROUTER_API_KEY",
        key_aliases: &[],
        base_url_env: None,
        base_url_aliases: &[],
        keyless_settings: &[],
        proxy_url_env: Some("OPENROUTER_BASE_URL"),
        base_url: "https://openrouter.ai/api/v1",
        sdk_adds_path: "",
        prefixes: &["sk-or-v1-"],
        min_len: 20,
        auth: Auth::Bearer,
        // /models answers without a key; /key describes the key it is given.
        websockets: false,
        account_headers: false,
        key_in_query: false,
        needs_base_url: false,
        default_rate: 100,
        verify_path: "/key",
    },
    Provider {
        id: "gemini",
        name: "Google Gemini",
        key_env: "GEMINI_API_KEY",
        sdk_key_env: "GEMINI_API_KEY",
        key_aliases: &[KeyAlias {
            name: "GOOGLE_API_KEY",
            // google-genai prefers it to GEMINI_API_KEY and warns when both are set.
            same_as_key: false,
            read_by: "google-genai (before GEMINI_API_KEY), LangChain, gemini-cli",
        }],
        base_url_env: Some("GOOGLE_GEMINI_BASE_URL"),
        base_url_aliases: &[],
        keyless_settings: &[],
        proxy_url_env: None,
        base_url: "https://generativelanguage.googleapis.com/v1beta",
        sdk_adds_path: "/v1beta",
        prefixes: &["AIza"],
        min_len: 30,
        auth: Auth::GoogApiKey,
        websockets: false,
        account_headers: false,
        key_in_query: true,
        needs_base_url: false,
        default_rate: 100,
        verify_path: "/models",
    },
    Provider {
        id: "deepseek",
        name: "DeepSeek",
        key_env: "DEEPSEEK_API_KEY",
        sdk_key_env: "DEEPSEEK_API_KEY",
        key_aliases: &[],
        base_url_env: None,
        base_url_aliases: &[],
        keyless_settings: &[],
        proxy_url_env: Some("DEEPSEEK_BASE_URL"),
        base_url: "https://api.deepseek.com",
        sdk_adds_path: "",
        prefixes: &["sk-"],
        min_len: 20,
        auth: Auth::Bearer,
        websockets: false,
        account_headers: false,
        key_in_query: false,
        needs_base_url: false,
        default_rate: 100,
        verify_path: "/models",
    },
    Provider {
        id: "xai",
        name: "xAI",
        key_env: "XAI_API_KEY",
        sdk_key_env: "XAI_API_KEY",
        key_aliases: &[],
        base_url_env: None,
        base_url_aliases: &[],
        keyless_settings: &[],
        proxy_url_env: Some("XAI_BASE_URL"),
        base_url: "https://api.x.ai/v1",
        sdk_adds_path: "",
        prefixes: &["xai-"],
        min_len: 20,
        auth: Auth::Bearer,
        websockets: false,
        account_headers: false,
        key_in_query: false,
        needs_base_url: false,
        default_rate: 100,
        verify_path: "/models",
    },
    Provider {
        id: "groq",
        name: "Groq",
        key_env: "GROQ_API_KEY",
        sdk_key_env: "GROQ_API_KEY",
        key_aliases: &[],
        base_url_env: Some("GROQ_BASE_URL"),
        base_url_aliases: &[],
        keyless_settings: &[],
        proxy_url_env: None,
        base_url: "https://api.groq.com/openai/v1",
        sdk_adds_path: "",
        prefixes: &["gsk_"],
        min_len: 20,
        auth: Auth::Bearer,
        websockets: false,
        account_headers: false,
        key_in_query: false,
        needs_base_url: false,
        default_rate: 100,
        verify_path: "/models",
    },
    Provider {
        id: "mistral",
        name: "Mistral",
        key_env: "MISTRAL_API_KEY",
        sdk_key_env: "MISTRAL_API_KEY",
        key_aliases: &[],
        base_url_env: None,
        base_url_aliases: &[],
        keyless_settings: &[],
        proxy_url_env: Some("MISTRAL_BASE_URL"),
        base_url: "https://api.mistral.ai/v1",
        sdk_adds_path: "",
        prefixes: &[],
        min_len: 20,
        auth: Auth::Bearer,
        websockets: false,
        account_headers: false,
        key_in_query: false,
        needs_base_url: false,
        default_rate: 100,
        verify_path: "/models",
    },
    Provider {
        id: "venice",
        name: "Venice",
        key_env: "VENICE_API_KEY",
        sdk_key_env: "VENICE_API_KEY",
        key_aliases: &[],
        base_url_env: None,
        base_url_aliases: &[],
        keyless_settings: &[],
        proxy_url_env: Some("VENICE_BASE_URL"),
        base_url: "https://api.venice.ai/api/v1",
        sdk_adds_path: "",
        prefixes: &[],
        min_len: 20,
        auth: Auth::Bearer,
        websockets: false,
        account_headers: false,
        key_in_query: false,
        needs_base_url: false,
        default_rate: 100,
        verify_path: "/models",
    },
    Provider {
        id: "custom",
        name: "OpenAI-compatible endpoint",
        key_env: "",
        // Such endpoints are used through the OpenAI SDK (and OpenAI's clients).
        sdk_key_env: "OPENAI_API_KEY",
        key_aliases: OPENAI_KEY_ALIASES,
        base_url_env: Some("OPENAI_BASE_URL"),
        base_url_aliases: OPENAI_URL_ALIASES,
        keyless_settings: &[],
        proxy_url_env: None,
        base_url: "",
        sdk_adds_path: "",
        prefixes: &[],
        min_len: 1,
        auth: Auth::Bearer,
        websockets: true,
        account_headers: false,
        key_in_query: false,
        needs_base_url: true,
        default_rate: 100,
        verify_path: "/models",
    },
];

/// Every variable any client reads a provider's credential or endpoint from, for every
/// provider: what a keyless run keeps from the agent when inherited.
pub fn credential_env_names() -> Vec<&'static str> {
    names(|p| {
        p.key_names()
            .chain(p.base_url_env)
            .chain(p.base_url_aliases.iter().copied())
            .chain(p.proxy_url_env)
            .collect()
    })
}

/// Every variable any client reads a provider's key or token from.
/// The provider whose SDKs read this name (`OPENAI_API_KEY`), when the value looks like its
/// key: such an entry becomes that provider's key (an import, a pull).
pub fn recognised_key(name: &str, value: &str) -> Option<&'static Provider> {
    CATALOG
        .iter()
        .find(|p| !p.key_env.is_empty() && p.key_env == name)
        .filter(|p| p.check_key(value).is_ok())
}

pub fn key_env_names() -> Vec<&'static str> {
    names(|p| p.key_names().collect())
}

fn names(of: impl Fn(&Provider) -> Vec<&'static str>) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = CATALOG
        .iter()
        .flat_map(of)
        .filter(|name| !name.is_empty())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The catalog entry for `id`.
pub fn find(id: &str) -> Option<&'static Provider> {
    CATALOG.iter().find(|p| p.id.eq_ignore_ascii_case(id))
}

/// The provider a key's start points to: the one with the longest matching prefix, when only
/// one has it (`sk-` alone is OpenAI's and DeepSeek's).
pub fn recognise(key: &str) -> Option<(&'static Provider, &'static str)> {
    let mut best: Option<(&'static Provider, &'static str)> = None;
    let mut tie = false;
    for provider in CATALOG {
        for prefix in provider.prefixes {
            if !key.starts_with(prefix) {
                continue;
            }
            match best {
                Some((_, longest)) if prefix.len() < longest.len() => {}
                Some((other, longest)) if prefix.len() == longest.len() => {
                    tie |= other.id != provider.id;
                }
                _ => {
                    best = Some((provider, prefix));
                    tie = false;
                }
            }
        }
    }
    if tie { None } else { best }
}

/// Why a key does not look like the provider's. Never carries the key: at most a prefix from
/// the catalog, which is public.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatProblem {
    #[error("{}", match (.expected.as_str(), .looks_like) {
        ("", Some((other, prefix))) => format!("this key starts with {prefix}, which looks like {} key, not {} key", article(other), article(name)),
        (expected, Some((other, prefix))) => format!("{name} keys start with {expected}; this one starts with {prefix}, which looks like {} key", article(other)),
        (expected, None) => format!("{name} keys start with {expected}; this one does not"),
    })]
    WrongStart {
        name: &'static str,
        expected: String,
        looks_like: Option<(&'static str, &'static str)>,
    },
    #[error("{name} keys are at least {min} characters long; this one has {len}")]
    TooShort {
        name: &'static str,
        min: usize,
        len: usize,
    },
    #[error("the key contains whitespace (a space, tab or line break), which no key has")]
    Whitespace,
    #[error("{name} keys are letters, digits, '-', '_' and '.'; this one has other characters")]
    Characters { name: &'static str },
}

fn article(name: &str) -> String {
    // By sound: "an OpenAI key", "an xAI key".
    let vowel = name.starts_with(['A', 'E', 'I', 'O', 'U', 'x']);
    format!("{} {name}", if vowel { "an" } else { "a" })
}

impl Provider {
    /// Checks that `key` looks like one of this provider's keys.
    pub fn check_key(&self, key: &str) -> Result<(), FormatProblem> {
        if key.contains(char::is_whitespace) {
            return Err(FormatProblem::Whitespace);
        }
        // A gateway takes whatever keys it was made for.
        if self.base_url.is_empty() {
            return Ok(());
        }
        if !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return Err(FormatProblem::Characters { name: self.name });
        }
        let starts_right =
            self.prefixes.is_empty() || self.prefixes.iter().any(|p| key.starts_with(p));
        // A key that another provider's longer prefix claims is that provider's. (Were one of
        // this provider's prefixes as long, `recognise` would name this one, or none.)
        let claimed_elsewhere = recognise(key).filter(|(other, _)| other.id != self.id);
        if !starts_right || claimed_elsewhere.is_some() {
            return Err(FormatProblem::WrongStart {
                name: self.name,
                expected: self.prefix_list(),
                looks_like: claimed_elsewhere.map(|(other, prefix)| (other.name, prefix)),
            });
        }
        if key.chars().count() < self.min_len {
            return Err(FormatProblem::TooShort {
                name: self.name,
                min: self.min_len,
                len: key.chars().count(),
            });
        }
        Ok(())
    }

    fn prefix_list(&self) -> String {
        match self.prefixes {
            [] => String::new(),
            [one] => one.to_string(),
            more => {
                // The generic `sk-` says it all when the list also has longer `sk-…` forms.
                let shortest: Vec<&str> = more
                    .iter()
                    .filter(|p| !more.iter().any(|q| q.len() < p.len() && p.starts_with(*q)))
                    .copied()
                    .collect();
                shortest.join(" or ")
            }
        }
    }

    /// The variables clients read this provider's key or token from.
    pub fn key_names(&self) -> impl Iterator<Item = &'static str> + use<> {
        [self.key_env, self.sdk_key_env]
            .into_iter()
            .chain(self.key_aliases.iter().map(|a| a.name))
    }

    /// The aliases that get the key (or the token) too.
    pub fn key_copies(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.key_aliases
            .iter()
            .filter(|a| a.same_as_key)
            .map(|a| a.name)
    }

    /// The variables that get the endpoint an agent is given: the SDK's own and its aliases
    /// (none for providers whose SDK reads no base-URL variable).
    pub fn base_url_envs(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.base_url_env
            .into_iter()
            .chain(self.base_url_aliases.iter().copied())
    }

    /// Every variable that comes with a key attached under `sdk_key_env`: the aliases (those
    /// that mean something else stay empty) and the base-URL variables.
    pub fn companion_envs(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.key_aliases
            .iter()
            .map(|a| a.name)
            .chain(self.base_url_envs())
    }

    /// The address an SDK's base-URL variable gets for `endpoint` (the key's endpoint):
    /// without the path the SDK adds itself.
    pub fn sdk_url<'u>(&self, endpoint: &'u str) -> &'u str {
        let endpoint = endpoint.trim_end_matches('/');
        match self.sdk_adds_path {
            "" => endpoint,
            added => endpoint.strip_suffix(added).unwrap_or(endpoint),
        }
    }

    /// The path of the provider's own address (`/v1` for OpenAI, empty for Anthropic).
    pub fn base_path(&self) -> &'static str {
        let after_scheme = self.base_url.split_once("://").map_or("", |(_, rest)| rest);
        after_scheme
            .find('/')
            .map_or("", |i| after_scheme[i..].trim_end_matches('/'))
    }

    /// Keyless mode: the variable that gets the proxy's address for this provider, and the
    /// path after `/ID` that address ends with. The official SDK's own variable where there
    /// is one; else `ID_BASE_URL`, for the agent's code to pass to the OpenAI SDK it uses with
    /// such providers.
    pub fn proxy_url_env(&self) -> (&'static str, &'static str) {
        let env = self.base_url_env.or(self.proxy_url_env).unwrap_or_default();
        let path = self.base_path();
        (env, path.strip_suffix(self.sdk_adds_path).unwrap_or(path))
    }

    /// Whether `url` is this provider's own address (so agents need no base-URL variable).
    pub fn is_default_base_url(&self, url: &str) -> bool {
        url.trim_end_matches('/') == self.base_url.trim_end_matches('/')
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// An endpoint, as stored: an http(s) URL with a host and no credentials, query or fragment
/// (paths are added to it), without a trailing slash. The error says what is wrong.
pub fn check_base_url(url: &str) -> Result<String, &'static str> {
    if url.contains(char::is_control) {
        return Err("must not contain control characters (a tab, a line break)");
    }
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return Err("must be a URL such as https://gateway.example.com/v1");
    };
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err("must be an http:// or https:// URL with a host");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(
            "must not hold credentials (the key is the credential); remove the user:password@ part",
        );
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err("must not have a ?query or #fragment: request paths are added to it");
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

/// What `provider list` shows of a key: its first 3 and last 4 characters (`sk-…a1b2`), or
/// only `…` when the key is too short to give that much away.
pub fn key_hint(key: &str) -> String {
    // At least 13 characters stay hidden; no copy of the key is made to count them.
    let len = key.chars().count();
    if len < 20 {
        return "…".to_owned();
    }
    let head_end = key.char_indices().nth(3).map_or(key.len(), |(i, _)| i);
    let tail_start = key
        .char_indices()
        .nth(len - 4)
        .map_or(key.len(), |(i, _)| i);
    format!("{}…{}", &key[..head_end], &key[tail_start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(prefix: &str) -> String {
        format!("{prefix}{}", "A1b2C3d4E5f6G7h8J9k0L1m2N3p4")
    }

    #[test]
    fn every_provider_accepts_its_keys_and_refuses_others() {
        let good: &[(&str, &[&str])] = &[
            ("openai", &["sk-proj-", "sk-svcacct-", "sk-"]),
            ("anthropic", &["sk-ant-api03-"]),
            ("openrouter", &["sk-or-v1-"]),
            ("gemini", &["AIzaSy"]),
            ("deepseek", &["sk-"]),
            ("xai", &["xai-"]),
            ("groq", &["gsk_"]),
            ("mistral", &[""]),
            ("venice", &[""]),
            ("custom", &["", "anything-"]),
        ];
        for (id, prefixes) in good {
            let provider = find(id).unwrap();
            for prefix in *prefixes {
                assert_eq!(provider.check_key(&key(prefix)), Ok(()), "{id} {prefix}");
            }
        }
        let bad: &[(&str, &str)] = &[
            ("openai", "sk-ant-api03-"),
            ("openai", "sk-or-v1-"),
            ("openai", "gsk_"),
            ("anthropic", "sk-proj-"),
            ("anthropic", "sk-"),
            ("openrouter", "sk-"),
            ("gemini", "sk-"),
            ("deepseek", "sk-ant-"),
            ("deepseek", "sk-proj-"),
            ("xai", "gsk_"),
            ("groq", "xai-"),
        ];
        for (id, prefix) in bad {
            let provider = find(id).unwrap();
            assert!(
                matches!(
                    provider.check_key(&key(prefix)),
                    Err(FormatProblem::WrongStart { .. })
                ),
                "{id} accepted {prefix}"
            );
        }
        assert!(matches!(
            find("mistral")
                .unwrap()
                .check_key("hunter2 password!123456"),
            Err(FormatProblem::Whitespace)
        ));
        assert!(matches!(
            find("venice").unwrap().check_key("hunter2!password#123456"),
            Err(FormatProblem::Characters { .. })
        ));
        assert!(matches!(
            find("mistral").unwrap().check_key("short"),
            Err(FormatProblem::TooShort { .. })
        ));
        assert_eq!(
            find("openai")
                .unwrap()
                .check_key("sk-abc def-ghijklmnopqrstuvw"),
            Err(FormatProblem::Whitespace)
        );
    }

    #[test]
    fn a_wrong_key_is_named_by_the_provider_it_looks_like() {
        let problem = find("anthropic")
            .unwrap()
            .check_key(&key("sk-proj-"))
            .unwrap_err();
        assert_eq!(
            problem.to_string(),
            "Anthropic keys start with sk-ant-; this one starts with sk-proj-, which looks like \
             an OpenAI key"
        );
        let problem = find("groq").unwrap().check_key(&key("zz")).unwrap_err();
        assert_eq!(
            problem.to_string(),
            "Groq keys start with gsk_; this one does not"
        );
        let problem = find("openai")
            .unwrap()
            .check_key(&key("sk-ant-"))
            .unwrap_err();
        assert!(
            problem.to_string().contains("looks like an Anthropic key"),
            "{problem}"
        );
        // Never the key itself.
        assert!(!problem.to_string().contains("A1b2"));
    }

    #[test]
    fn hints_show_little_of_a_key() {
        assert_eq!(key_hint("sk-proj-abcdefghijklmnopa1b2"), "sk-…a1b2");
        assert_eq!(key_hint("short-key"), "…");
        assert_eq!(key_hint("sixteen-chars-ok"), "…");
        assert_eq!(key_hint("ünïcødé-kéy-0123456789"), "ünï…6789");
    }

    #[test]
    fn catalog_is_consistent() {
        for p in CATALOG {
            assert_eq!(find(p.id), Some(p));
            if p.id != "custom" {
                assert!(p.key_env.ends_with("_API_KEY"), "{}", p.id);
                assert!(p.base_url.starts_with("https://"), "{}", p.id);
            }
            assert!(p.verify_path.starts_with('/'));
            // Keyless mode always has a variable for the proxy's address.
            assert!(!p.proxy_url_env().0.is_empty(), "{}", p.id);
            assert!(p.base_url.ends_with(p.sdk_adds_path), "{}", p.id);
        }
    }

    #[test]
    fn sdks_get_the_address_without_what_they_add_themselves() {
        let gemini = find("gemini").unwrap();
        assert_eq!(
            gemini.sdk_url("https://gw.example.com/v1beta/"),
            "https://gw.example.com"
        );
        assert_eq!(
            gemini.sdk_url("https://gw.example.com/other"),
            "https://gw.example.com/other"
        );
        assert_eq!(gemini.proxy_url_env(), ("GOOGLE_GEMINI_BASE_URL", ""));
        let openai = find("openai").unwrap();
        assert_eq!(
            openai.sdk_url("https://gw.example.com/v1"),
            "https://gw.example.com/v1"
        );
        assert_eq!(openai.proxy_url_env(), ("OPENAI_BASE_URL", "/v1"));
        assert_eq!(
            find("xai").unwrap().proxy_url_env(),
            ("XAI_BASE_URL", "/v1")
        );
        let names = credential_env_names();
        for alias in [
            "CODEX_API_KEY",
            "OPENAI_API_BASE",
            "ANTHROPIC_AUTH_TOKEN",
            "GOOGLE_API_KEY",
        ] {
            assert!(names.contains(&alias), "{alias}");
        }
    }
}
