//! The child's environment: what it inherits, what is attached, and what it must never get.

use std::ffi::{OsStr, OsString};

use crate::secret::SecretValue;
use crate::vault::Attached;

/// What opens the vault itself never reaches a child, whatever the options: not inherited,
/// and not attached (which `attach` refuses already).
pub use crate::vault::agents::RESERVED_ENV_NAMES as VAULT_OWN_VARIABLES;

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
}

/// What a keyless run gives the child in place of its provider keys.
#[derive(Debug)]
pub struct Keyless {
    pub token: SecretValue,
    /// Provider id → the base-URL variable and the proxy's address for it.
    pub urls: Vec<(&'static str, String, String)>,
    /// Inherited variables the child must not get: every provider's key and base-URL
    /// variable (a key in the parent's environment would pass the proxy by).
    pub hidden: Vec<String>,
}

impl Keyless {
    /// The base-URL variable and proxy address for a provider key, when `a` is one.
    pub fn url_for(&self, a: &Attached<'_>) -> Option<(&str, &str)> {
        let provider = a.entry.provider.as_deref()?;
        self.urls
            .iter()
            .find(|(id, _, _)| *id == provider)
            .map(|(_, env, url)| (env.as_str(), url.as_str()))
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

/// The child's whole environment, in a stable order (inherited first, then attached).
pub fn plan<'d>(
    inherited: impl IntoIterator<Item = (OsString, OsString)>,
    attached: &[Attached<'d>],
    options: EnvOptions<'d>,
) -> Vec<(OsString, EnvValue<'d>)> {
    // In keyless mode a provider key's variable holds the run's token, and its endpoint is
    // the proxy.
    let keyless = |a: &Attached<'d>| {
        options
            .keyless
            .and_then(|k| k.url_for(a).map(|(env, url)| (&k.token, env, url)))
    };
    let value_of = |a: &Attached<'d>| match keyless(a) {
        Some((token, _, _)) => token,
        None => &a.entry.value,
    };
    let url_of = |a: &Attached<'d>| match keyless(a) {
        Some((_, env, url)) => Some((env, Some(url))),
        None => a.base_url,
    };
    let is_attached = |name: &OsStr| {
        attached
            .iter()
            .any(|a| same_name(OsStr::new(a.env_name), name))
    };
    let is_reserved = |name: &OsStr| {
        VAULT_OWN_VARIABLES
            .iter()
            .any(|own| same_name(OsStr::new(own), name))
    };
    let mut vars: Vec<(OsString, EnvValue<'d>)> = inherited
        .into_iter()
        .filter(|(name, _)| !is_reserved(name))
        .filter(|(name, _)| {
            options
                .keyless
                .is_none_or(|k| !k.hidden.iter().any(|h| same_name(OsStr::new(h), name)))
        })
        .filter(|(name, _)| !options.isolate || isolated_keeps(name))
        .filter(|(name, _)| options.keep_env || !is_attached(name))
        .map(|(name, value)| (name, EnvValue::Inherited(value)))
        .collect();
    for a in attached {
        let name = OsString::from(a.env_name);
        if is_reserved(&name) || vars.iter().any(|(n, _)| same_name(n, &name)) {
            continue; // reserved, or --keep-env: the inherited value stays
        }
        vars.push((name, EnvValue::Attached(value_of(a))));
    }
    // A provider key and its SDK's base-URL variable come as a pair: where the key is vault's,
    // so is the variable (the key's endpoint, or none at all), whatever was inherited; where
    // an inherited key was kept (--keep-env), the inherited variable stays with it.
    for a in attached {
        let Some((url_env, url)) = url_of(a) else {
            continue;
        };
        let key_is_ours = vars.iter().any(|(n, v)| {
            same_name(n, OsStr::new(a.env_name)) && matches!(v, EnvValue::Attached(_))
        });
        if !key_is_ours {
            continue;
        }
        vars.retain(|(n, _)| !same_name(n, OsStr::new(url_env)));
        if let Some(url) = url {
            vars.push((OsString::from(url_env), EnvValue::Setting(url)));
        }
    }
    vars
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
    use crate::vault::{Document, Kind};

    fn doc() -> Document {
        let mut d = Document::new(vec![]);
        let now = jiff::Timestamp::UNIX_EPOCH;
        for (name, value) in [("TOKEN", "attached-token"), ("HOME", "attached-home")] {
            d.add_entry(
                name,
                Kind::Secret,
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
            for own in VAULT_OWN_VARIABLES {
                assert!(
                    value_of(&vars, own).is_none(),
                    "{own} leaked with {options:?}"
                );
            }
        }
    }
}
