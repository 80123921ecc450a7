//! The child's environment: what it inherits, what is attached, and what it must never get.

use std::ffi::{OsStr, OsString};

use crate::secret::SecretValue;
use crate::vault::Attached;

/// What opens the vault itself never reaches a child, whatever the options: not inherited,
/// and not attached (which `attach` refuses already).
pub use crate::names::RESERVED_ENV_NAMES as VAULT_OWN_VARIABLES;

/// What `--isolate` keeps from the parent's environment (plus every `LC_*`).
pub const ISOLATED_KEEPS: [&str; 7] = ["PATH", "HOME", "USER", "LANG", "TERM", "TZ", "TMPDIR"];

#[derive(Debug, Clone, Copy, Default)]
pub struct EnvOptions<'k> {
    /// Inherited values win over attached ones of the same name.
    pub keep_env: bool,
    /// Start from `ISOLATED_KEEPS` instead of the whole parent environment.
    pub isolate: bool,
    /// Keyless mode: provider keys are replaced by a token and their endpoints by the proxy.
    pub keyless: Option<&'k Keyless>,
    /// In a sandbox: nothing that points into the person's session.
    pub sandboxed: bool,
}

/// What a keyless run gives the child in place of its provider keys.
#[derive(Debug)]
pub struct Keyless {
    pub token: SecretValue,
    /// Provider id → the base-URL variable and the proxy's address for it.
    pub urls: Vec<(&'static str, &'static str, String)>,
}

impl Keyless {
    /// The base-URL variable and proxy address for a provider key, when `a` is one.
    pub fn url_for(&self, a: &Attached<'_>) -> Option<(&'static str, &str)> {
        let provider = a.entry.provider_key()?.provider().id;
        self.urls
            .iter()
            .find(|(id, _, _)| *id == provider)
            .map(|(_, env, url)| (*env, url.as_str()))
    }
}

/// One variable of the child's environment.
#[derive(Debug)]
pub enum EnvValue<'d> {
    Inherited(OsString),
    Attached(&'d SecretValue),
    /// A setting that comes with an attachment (a provider key's base URL); not secret.
    Setting(&'d str),
}

impl EnvValue<'_> {
    /// Whether vault gives it (rather than the parent's environment).
    pub fn is_given(&self) -> bool {
        !matches!(self, Self::Inherited(_))
    }
}

/// Sets `env` as the whole environment of `command`.
pub fn apply(command: &mut std::process::Command, env: &[(OsString, EnvValue<'_>)]) {
    command.env_clear();
    for (key, value) in env {
        match value {
            EnvValue::Inherited(v) => command.env(key, v),
            EnvValue::Attached(v) => command.env(key, v.expose()),
            EnvValue::Setting(v) => command.env(key, v),
        };
    }
}

/// The command's PATH in `env`, where the program is looked for.
pub fn child_path(env: &[(OsString, EnvValue<'_>)]) -> Option<OsString> {
    env.iter()
        .find(|(key, _)| key == "PATH")
        .map(|(_, value)| match value {
            EnvValue::Inherited(v) => v.clone(),
            EnvValue::Attached(v) => OsString::from(v.expose()),
            EnvValue::Setting(v) => OsString::from(v),
        })
}

/// The child's whole environment, in a stable order (inherited first, then attached, then
/// what comes with provider keys).
pub fn plan<'d>(
    inherited: impl IntoIterator<Item = (OsString, OsString)>,
    attached: &[Attached<'d>],
    options: EnvOptions<'d>,
) -> Vec<(OsString, EnvValue<'d>)> {
    let is_attached = |name: &OsStr| {
        attached
            .iter()
            .any(|a| same_name(OsStr::new(a.env_name), name))
    };
    // vault's own variables, and a team server's token (an agent given one has it attached),
    // are never inherited.
    let is_reserved = |name: &OsStr| {
        VAULT_OWN_VARIABLES
            .iter()
            .chain(&crate::remote::TOKEN_VARIABLES)
            .any(|own| same_name(OsStr::new(own), name))
    };
    // Keyless: no provider's credential or endpoint variable is inherited, whichever keys
    // are attached (one in the parent's environment would pass the proxy by).
    let credentials = match options.keyless {
        Some(_) => crate::providers::credential_env_names(),
        None => Vec::new(),
    };
    let is_credential = |name: &OsStr| credentials.iter().any(|c| same_name(OsStr::new(c), name));
    // Keyless: nor does a copy of a key the proxy holds, under whatever name it was inherited.
    let real_keys: Vec<&[u8]> = match options.keyless {
        Some(k) => attached
            .iter()
            .filter(|a| k.url_for(a).is_some())
            .map(|a| a.entry.value().expose().as_bytes())
            .collect(),
        None => Vec::new(),
    };
    let holds_a_real_key = |value: &OsStr| real_keys.contains(&value.as_encoded_bytes());
    let is_session = |name: &OsStr| {
        options.sandboxed
            && crate::sandbox::SESSION_VARIABLES
                .iter()
                .any(|s| same_name(OsStr::new(s), name))
    };
    let mut vars: Vec<(OsString, EnvValue<'d>)> = inherited
        .into_iter()
        .filter(|(name, _)| !is_reserved(name) && !is_credential(name) && !is_session(name))
        .filter(|(_, value)| !holds_a_real_key(value))
        .filter(|(name, _)| !options.isolate || isolated_keeps(name))
        .filter(|(name, _)| options.keep_env || !is_attached(name))
        .map(|(name, value)| (name, EnvValue::Inherited(value)))
        .collect();
    for a in attached {
        let name = OsString::from(a.env_name);
        if is_reserved(&name) || vars.iter().any(|(n, _)| same_name(n, &name)) {
            continue; // reserved, or --keep-env: the inherited value stays
        }
        vars.push((name, EnvValue::Attached(value_for(&options, a))));
    }
    add_companions(&mut vars, attached, &options);
    vars
}

/// In keyless mode, a provider key's token, and its endpoint variable and the proxy's address.
fn keyless_for<'d>(
    options: &EnvOptions<'d>,
    a: &Attached<'d>,
) -> Option<(&'d SecretValue, &'static str, &'d str)> {
    options
        .keyless
        .and_then(|k| k.url_for(a).map(|(env, url)| (&k.token, env, url)))
}

/// What an attached entry's variable holds: its value, or in keyless mode a provider key's
/// token.
fn value_for<'d>(options: &EnvOptions<'d>, a: &Attached<'d>) -> &'d SecretValue {
    match keyless_for(options, a) {
        Some((token, _, _)) => token,
        None => a.entry.value(),
    }
}

/// Adds what comes with each provider key that is vault's in `vars`.
fn add_companions<'d>(
    vars: &mut Vec<(OsString, EnvValue<'d>)>,
    attached: &[Attached<'d>],
    options: &EnvOptions<'d>,
) {
    // A provider key comes with the variables clients read it and its endpoint from: where
    // the key is vault's, so are they (the key again, the key's endpoint, or nothing at all),
    // whatever was inherited; where an inherited key was kept (--keep-env), the inherited
    // variables stay with it.
    for a in attached {
        let key_is_ours = vars.iter().any(|(n, v)| {
            same_name(n, OsStr::new(a.env_name)) && matches!(v, EnvValue::Attached(_))
        });
        if !key_is_ours {
            continue;
        }
        let mut given: Vec<(&'static str, EnvValue<'d>)> = Vec::new();
        if let Some(group) = &a.sdk {
            let provider = group.provider;
            let copies = provider
                .key_copies()
                .map(|env| (env, EnvValue::Attached(value_for(options, a))));
            match keyless_for(options, a) {
                Some((_, url_env, url)) => {
                    let urls = std::iter::once(url_env)
                        .chain(provider.base_url_aliases.iter().copied())
                        .map(|env| (env, EnvValue::Setting(url)));
                    given.extend(copies.chain(urls));
                    given.extend(
                        provider
                            .keyless_settings
                            .iter()
                            .map(|(env, value)| (*env, EnvValue::Setting(value))),
                    );
                }
                None => {
                    let urls = group.urls().map(|(env, url)| (env, EnvValue::Setting(url)));
                    given.extend(copies.chain(urls));
                }
            }
            drop_names(vars, provider.companion_envs());
        } else if let Some((_, url_env, url)) = keyless_for(options, a) {
            // Attached under another name: the proxy's address still comes with the token.
            given.push((url_env, EnvValue::Setting(url)));
        }
        drop_names(vars, given.iter().map(|(env, _)| *env));
        vars.extend(given.into_iter().map(|(env, v)| (OsString::from(env), v)));
    }
}

fn drop_names<'n>(
    vars: &mut Vec<(OsString, EnvValue<'_>)>,
    names: impl IntoIterator<Item = &'n str>,
) {
    let names: Vec<&str> = names.into_iter().collect();
    vars.retain(|(n, _)| !names.iter().any(|d| same_name(n, OsStr::new(d))));
}

/// Environment names are case-sensitive on Unix and not on Windows.
fn same_name(a: &OsStr, b: &OsStr) -> bool {
    if cfg!(windows) {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

fn isolated_keeps(name: &OsStr) -> bool {
    ISOLATED_KEEPS.iter().any(|keep| OsStr::new(keep) == name)
        || name.to_str().is_some_and(|n| n.starts_with("LC_"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::{Details, Document, ProviderKey};

    fn doc() -> Document {
        let mut d = Document::new(vec![]);
        let now = jiff::Timestamp::UNIX_EPOCH;
        for (name, value) in [("TOKEN", "attached-token"), ("HOME", "attached-home")] {
            d.add_entry(
                name,
                Details::Secret,
                SecretValue::new(value.into()).unwrap(),
                now,
            )
            .unwrap();
        }
        d.create_agent("a", None, vec![], now).unwrap();
        d.attach("a", "TOKEN", None, now).unwrap();
        d.attach("a", "HOME", None, now).unwrap();
        d
    }

    fn inherited() -> Vec<(OsString, OsString)> {
        [
            ("PATH", "/bin"),
            ("HOME", "/home/me"),
            ("AWS_SECRET_ACCESS_KEY", "other-credential"),
            ("LC_ALL", "C"),
            ("VAULT_IDENTITY", "AGE-SECRET-KEY-1X"),
            ("VAULT_PASSPHRASE", "pw"),
            ("VAULT_IDENTITY_FILE", "/k"),
            ("BAO_TOKEN", "s.team-token"),
            ("VAULT_TOKEN", "hvs.team-token"),
        ]
        .into_iter()
        .map(|(k, v)| (k.into(), v.into()))
        .collect()
    }

    fn value_of(vars: &[(OsString, EnvValue<'_>)], name: &str) -> Option<String> {
        vars.iter().find(|(n, _)| n == name).map(|(_, v)| match v {
            EnvValue::Inherited(v) => v.to_string_lossy().into_owned(),
            EnvValue::Attached(v) => v.expose().to_owned(),
            EnvValue::Setting(v) => (*v).to_owned(),
        })
    }

    #[test]
    fn attached_values_win_unless_keep_env() {
        let d = doc();
        let attached = d.attached("a").unwrap();
        let vars = plan(inherited(), &attached, EnvOptions::default());
        assert_eq!(value_of(&vars, "HOME").as_deref(), Some("attached-home"));
        assert_eq!(value_of(&vars, "TOKEN").as_deref(), Some("attached-token"));
        assert_eq!(
            value_of(&vars, "AWS_SECRET_ACCESS_KEY").as_deref(),
            Some("other-credential")
        );
        let keep = EnvOptions {
            keep_env: true,
            ..Default::default()
        };
        let vars = plan(inherited(), &attached, keep);
        assert_eq!(value_of(&vars, "HOME").as_deref(), Some("/home/me"));
        assert_eq!(vars.iter().filter(|(n, _)| n == "HOME").count(), 1);
    }

    #[test]
    fn isolate_keeps_only_the_basics_and_the_attached() {
        let d = doc();
        let attached = d.attached("a").unwrap();
        let isolate = EnvOptions {
            isolate: true,
            ..Default::default()
        };
        let vars = plan(inherited(), &attached, isolate);
        let names: Vec<_> = vars
            .iter()
            .map(|(n, _)| n.to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["PATH", "LC_ALL", "HOME", "TOKEN"]);
    }

    #[test]
    fn what_opens_the_vault_never_reaches_the_child() {
        let d = doc();
        let attached = d.attached("a").unwrap();
        for options in [
            EnvOptions::default(),
            EnvOptions {
                keep_env: true,
                ..Default::default()
            },
            EnvOptions {
                keep_env: true,
                isolate: true,
                ..Default::default()
            },
        ] {
            let vars = plan(inherited(), &attached, options);
            for own in VAULT_OWN_VARIABLES
                .iter()
                .chain(&crate::remote::TOKEN_VARIABLES)
            {
                assert!(
                    value_of(&vars, own).is_none(),
                    "{own} leaked with {options:?}"
                );
            }
        }
    }

    /// A vault with an OpenAI key (at a gateway) and an Anthropic key attached to agent `a`.
    fn doc_with_keys() -> Document {
        let mut d = doc();
        let now = jiff::Timestamp::UNIX_EPOCH;
        for (name, provider, value) in [
            (
                "OPENAI_API_KEY",
                "openai",
                "sk-proj-vaults-own-key-0123456789",
            ),
            (
                "ANTHROPIC_API_KEY",
                "anthropic",
                "sk-ant-vaults-own-key-0123456789",
            ),
        ] {
            let url = (name == "OPENAI_API_KEY").then(|| "https://gw.example.com/v1".to_owned());
            d.add_entry(
                name,
                Details::Provider(ProviderKey::of(provider, url).unwrap()),
                SecretValue::new(value.into()).unwrap(),
                now,
            )
            .unwrap();
            d.attach("a", name, None, now).unwrap();
        }
        d
    }

    /// Every credential and endpoint variable of the catalog, holding a canary.
    fn inherited_credentials() -> Vec<(OsString, OsString)> {
        crate::providers::credential_env_names()
            .into_iter()
            .map(|name| (name.into(), "inherited-canary".into()))
            .chain(inherited())
            .collect()
    }

    #[test]
    fn a_keyless_run_inherits_no_credential_of_any_provider() {
        let d = doc_with_keys();
        let attached = d.attached("a").unwrap();
        let keyless = Keyless {
            token: SecretValue::new("vault-proxy-token".into()).unwrap(),
            urls: vec![
                (
                    "openai",
                    "OPENAI_BASE_URL",
                    "http://127.0.0.1:1/openai/v1".into(),
                ),
                (
                    "anthropic",
                    "ANTHROPIC_BASE_URL",
                    "http://127.0.0.1:1/anthropic".into(),
                ),
            ],
        };
        let options = EnvOptions {
            keyless: Some(&keyless),
            ..Default::default()
        };
        let vars = plan(inherited_credentials(), &attached, options);
        for (name, value) in &vars {
            let value = match value {
                EnvValue::Inherited(v) => v.to_string_lossy().into_owned(),
                EnvValue::Attached(v) => v.expose().to_owned(),
                EnvValue::Setting(v) => (*v).to_owned(),
            };
            assert!(!value.contains("canary"), "{name:?} was inherited");
            assert!(
                !value.contains("vaults-own-key"),
                "{name:?} holds a real key"
            );
        }
        let token = Some("vault-proxy-token");
        assert_eq!(value_of(&vars, "OPENAI_API_KEY").as_deref(), token);
        assert_eq!(value_of(&vars, "CODEX_API_KEY").as_deref(), token);
        assert_eq!(value_of(&vars, "ANTHROPIC_API_KEY").as_deref(), token);
        let proxy = Some("http://127.0.0.1:1/openai/v1");
        assert_eq!(value_of(&vars, "OPENAI_BASE_URL").as_deref(), proxy);
        assert_eq!(value_of(&vars, "OPENAI_API_BASE").as_deref(), proxy);
        for gone in [
            "ANTHROPIC_AUTH_TOKEN",
            "CLAUDE_CODE_OAUTH_TOKEN",
            "GOOGLE_API_KEY",
        ] {
            assert_eq!(value_of(&vars, gone), None, "{gone}");
        }
        // Each variable once.
        let mut names: Vec<_> = vars.iter().map(|(n, _)| n.clone()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), vars.len());
    }

    #[test]
    fn a_vault_key_brings_its_aliases_and_drops_inherited_ones() {
        let d = doc_with_keys();
        let attached = d.attached("a").unwrap();
        let vars = plan(inherited_credentials(), &attached, EnvOptions::default());
        let key = Some("sk-proj-vaults-own-key-0123456789");
        assert_eq!(value_of(&vars, "CODEX_API_KEY").as_deref(), key);
        let gateway = Some("https://gw.example.com/v1");
        assert_eq!(value_of(&vars, "OPENAI_BASE_URL").as_deref(), gateway);
        assert_eq!(value_of(&vars, "OPENAI_API_BASE").as_deref(), gateway);
        // Anthropic's own endpoint: no base-URL variable, and no other Anthropic credential.
        for gone in [
            "ANTHROPIC_BASE_URL",
            "ANTHROPIC_AUTH_TOKEN",
            "CLAUDE_CODE_OAUTH_TOKEN",
        ] {
            assert_eq!(value_of(&vars, gone), None, "{gone}");
        }
        // A provider without a key in the vault is none of vault's business in a plain run.
        assert_eq!(
            value_of(&vars, "GOOGLE_API_KEY").as_deref(),
            Some("inherited-canary")
        );
    }
}
