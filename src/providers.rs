//! The AI-provider catalog, kept as data in one place: for each provider, the environment
//! variables its official SDKs read, where its API is, what its keys look like, how a key is
//! sent and which cheap request proves that a key works.

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

/// One provider of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provider {
    /// What users type: `vault provider add openai`.
    pub id: &'static str,
    pub name: &'static str,
    /// The variable the official SDKs read the key from; the entry's default name.
    pub key_env: &'static str,
    /// The variable the provider's official SDK reads a different endpoint from, where it has
    /// one (providers used through the OpenAI SDK have none of their own).
    pub base_url_env: Option<&'static str>,
    /// The API's address, up to the version segment the SDKs add paths to.
    pub base_url: &'static str,
    /// How keys begin (any of these); empty when keys have no fixed start.
    pub prefixes: &'static [&'static str],
    /// Keys are at least this long.
    pub min_len: usize,
    pub auth: Auth,
    /// A cheap authenticated GET that proves a key works, relative to `base_url`.
    pub verify_path: &'static str,
}

/// Every provider vault knows; `custom` is any OpenAI-compatible endpoint (its base URL and
/// key name are given when it is added).
pub const CATALOG: &[Provider] = &[
    Provider {
        id: "openai",
        name: "OpenAI",
        key_env: "OPENAI_API_KEY",
        base_url_env: Some("OPENAI_BASE_URL"),
        base_url: "https://api.openai.com/v1",
        prefixes: &["sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"],
        min_len: 20,
        auth: Auth::Bearer,
        verify_path: "/models",
    },
    Provider {
        id: "anthropic",
        name: "Anthropic",
        key_env: "ANTHROPIC_API_KEY",
        base_url_env: Some("ANTHROPIC_BASE_URL"),
        base_url: "https://api.anthropic.com",
        prefixes: &["sk-ant-"],
        min_len: 20,
        auth: Auth::XApiKey {
            version: "2023-06-01",
        },
        verify_path: "/v1/models",
    },
    Provider {
        id: "openrouter",
        name: "OpenRouter",
        key_env: "OPENROUTER_API_KEY",
        base_url_env: None,
        base_url: "https://openrouter.ai/api/v1",
        prefixes: &["sk-or-v1-", "sk-or-"],
        min_len: 20,
        auth: Auth::Bearer,
        // /models answers without a key; /key describes the key it is given.
        verify_path: "/key",
    },
    Provider {
        id: "gemini",
        name: "Google Gemini",
        key_env: "GEMINI_API_KEY",
        base_url_env: None,
        base_url: "https://generativelanguage.googleapis.com/v1beta",
        prefixes: &["AIza"],
        min_len: 30,
        auth: Auth::GoogApiKey,
        verify_path: "/models",
    },
    Provider {
        id: "deepseek",
        name: "DeepSeek",
        key_env: "DEEPSEEK_API_KEY",
        base_url_env: None,
        base_url: "https://api.deepseek.com",
        prefixes: &["sk-"],
        min_len: 20,
        auth: Auth::Bearer,
        verify_path: "/models",
    },
    Provider {
        id: "xai",
        name: "xAI",
        key_env: "XAI_API_KEY",
        base_url_env: None,
        base_url: "https://api.x.ai/v1",
        prefixes: &["xai-"],
        min_len: 20,
        auth: Auth::Bearer,
        verify_path: "/models",
    },
    Provider {
        id: "groq",
        name: "Groq",
        key_env: "GROQ_API_KEY",
        base_url_env: Some("GROQ_BASE_URL"),
        base_url: "https://api.groq.com/openai/v1",
        prefixes: &["gsk_"],
        min_len: 20,
        auth: Auth::Bearer,
        verify_path: "/models",
    },
    Provider {
        id: "mistral",
        name: "Mistral",
        key_env: "MISTRAL_API_KEY",
        base_url_env: None,
        base_url: "https://api.mistral.ai/v1",
        prefixes: &[],
        min_len: 20,
        auth: Auth::Bearer,
        verify_path: "/models",
    },
    Provider {
        id: "venice",
        name: "Venice",
        key_env: "VENICE_API_KEY",
        base_url_env: None,
        base_url: "https://api.venice.ai/api/v1",
        prefixes: &[],
        min_len: 20,
        auth: Auth::Bearer,
        verify_path: "/models",
    },
    Provider {
        id: "custom",
        name: "OpenAI-compatible endpoint",
        key_env: "",
        // Such endpoints are used through the OpenAI SDK.
        base_url_env: Some("OPENAI_BASE_URL"),
        base_url: "",
        prefixes: &[],
        min_len: 1,
        auth: Auth::Bearer,
        verify_path: "/models",
    },
];

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
    #[error("{name} keys start with {expected}; {}", match .looks_like {
        Some((other, prefix)) => format!("this one starts with {prefix}, which looks like {} key", article(other)),
        None => "this one does not".to_owned(),
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
}

fn article(name: &str) -> String {
    let vowel = name.starts_with(['A', 'E', 'I', 'O', 'U']);
    format!("{} {name}", if vowel { "an" } else { "a" })
}

impl Provider {
    /// Checks that `key` looks like one of this provider's keys.
    pub fn check_key(&self, key: &str) -> Result<(), FormatProblem> {
        if key.contains(char::is_whitespace) {
            return Err(FormatProblem::Whitespace);
        }
        let recognised = recognise(key);
        let starts_right = self.prefixes.is_empty()
            || self.prefixes.iter().any(|p| key.starts_with(p))
                && recognised.is_none_or(|(other, _)| other.id == self.id);
        // A key that another provider's longer prefix claims is that provider's.
        let claimed_elsewhere = recognised.filter(|(other, prefix)| {
            other.id != self.id
                && !self
                    .prefixes
                    .iter()
                    .any(|own| own.len() >= prefix.len() && key.starts_with(own))
        });
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
            [] => "anything".to_owned(),
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

/// What `provider list` shows of a key: its first 3 and last 4 characters (`sk-…a1b2`), or
/// only `…` when the key is too short to give that much away.
pub fn key_hint(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() < 16 {
        return "…".to_owned();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
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
        }
    }
}
