//! What things may be called: entries and the environment variables agents get them as, and
//! agents. The rules live here alone; `EnvName` and `AgentName` are names already checked,
//! parsed once where they come in (clap's value parsers, the vault document's reader).

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

/// Why a name is not one. Says what is wrong and what a good one looks like, never repeating
/// the input (it may be a value pasted in the wrong place).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error(
        "that is not a valid name ({0}): names are environment-variable names, a letter or _ \
         followed by letters, digits or _ (for example OPENAI_API_KEY)"
    )]
    Env(&'static str),
    #[error(
        "that is not a valid agent name: letters, digits, _ and -, starting with a letter or \
         digit, at most 64 characters (for example agent-x)"
    )]
    Agent,
}

/// Environment names an agent can never be given a value under: what opens the vault itself.
/// An agent started from a CI job must not be able to decrypt everything.
pub const RESERVED_ENV_NAMES: [&str; 3] =
    ["VAULT_IDENTITY", "VAULT_IDENTITY_FILE", "VAULT_PASSPHRASE"];

/// Whether `name` is one of [`RESERVED_ENV_NAMES`] (whatever its case: Windows ignores it).
pub fn is_reserved_env_name(name: &str) -> bool {
    RESERVED_ENV_NAMES
        .iter()
        .any(|r| r.eq_ignore_ascii_case(name))
}

/// Whether `name` can be an environment variable's name: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn check_env_name(name: &str) -> Result<(), NameError> {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    match valid {
        true => Ok(()),
        false => Err(NameError::Env(why_bad_env_name(name))),
    }
}

/// What is wrong with an environment name, without repeating it.
pub fn why_bad_env_name(name: &str) -> &'static str {
    match name.chars().next() {
        None => "it is empty",
        Some(c) if c.is_ascii_digit() => "it starts with a digit",
        _ if name.contains('-') => "it contains '-'; use '_'",
        _ if name.contains(char::is_whitespace) => "it contains a space",
        _ if !name.is_ascii() => "it contains a non-ASCII character",
        _ => "it contains a character other than letters, digits and _",
    }
}

/// Agent names: letters, digits, `_` and `-`, starting with a letter or digit, at most 64.
/// (They name files in the state directory and keys of the document, so nothing else.)
pub fn check_agent_name(name: &str) -> Result<(), NameError> {
    let mut chars = name.chars();
    let valid = name.len() <= 64
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match valid {
        true => Ok(()),
        false => Err(NameError::Agent),
    }
}

/// clap's parser for names: its refusal says what is wrong and which argument it was, never
/// the text given (clap's own quotes it), so a key pasted where a name goes stays off the
/// screen and out of CI logs.
#[derive(Debug)]
pub struct Quiet<T>(std::marker::PhantomData<T>);

impl<T> Clone for Quiet<T> {
    fn clone(&self) -> Self {
        Quiet(std::marker::PhantomData)
    }
}

impl<T> clap::builder::TypedValueParser for Quiet<T>
where
    T: FromStr<Err = NameError> + Clone + Send + Sync + 'static,
{
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let refused = |why: String| {
            let which = arg.map_or_else(String::new, |a| match a.get_long() {
                Some(long) => format!("--{long}: "),
                None => format!("{}: ", a.get_id().as_str().to_uppercase()),
            });
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("{which}{why}\n"),
            )
            .with_cmd(cmd)
        };
        let text = value
            .to_str()
            .ok_or_else(|| refused(NameError::Env("it is not valid UTF-8").to_string()))?;
        text.parse().map_err(|e: NameError| refused(e.to_string()))
    }
}

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $check:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = NameError;
            fn from_str(text: &str) -> Result<Self, NameError> {
                $check(text)?;
                Ok(Self(text.to_owned()))
            }
        }

        impl TryFrom<String> for $name {
            type Error = NameError;
            fn try_from(text: String) -> Result<Self, NameError> {
                $check(&text)?;
                Ok(Self(text))
            }
        }

        impl From<$name> for String {
            fn from(name: $name) -> String {
                name.0
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<String> for $name {
            fn borrow(&self) -> &String {
                &self.0
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Self::try_from(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
            }
        }

        impl clap::builder::ValueParserFactory for $name {
            type Parser = Quiet<$name>;
            fn value_parser() -> Quiet<$name> {
                Quiet(std::marker::PhantomData)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

name_type!(
    /// An entry's name, or the environment variable an agent gets it as.
    EnvName,
    check_env_name
);
name_type!(
    /// An agent's name.
    AgentName,
    check_agent_name
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_once_and_say_what_is_wrong() {
        assert!("OPENAI_API_KEY".parse::<EnvName>().is_ok());
        assert!("_x9".parse::<EnvName>().is_ok());
        for (bad, why) in [
            ("", "it is empty"),
            ("9X", "it starts with a digit"),
            ("A-B", "it contains '-'; use '_'"),
            ("A B", "it contains a space"),
            ("Ä", "it contains a non-ASCII character"),
            (
                "A.B",
                "it contains a character other than letters, digits and _",
            ),
        ] {
            assert_eq!(bad.parse::<EnvName>(), Err(NameError::Env(why)), "{bad}");
        }
        for good in ["A", "_", "OPENAI_API_KEY", "a1_b2", "_x"] {
            assert!(good.parse::<EnvName>().is_ok(), "{good}");
        }
        // The refusal never repeats what was given.
        for bad in ["", "1A", "A-B", "A B", "É", "A.B", "A=B", "$A"] {
            let err = bad.parse::<EnvName>().unwrap_err().to_string();
            assert!(bad.is_empty() || !err.contains(bad), "{err}");
        }
        for good in ["a", "agent-x", "bot_2", "A1", "9lives_ok"] {
            assert!(good.parse::<AgentName>().is_ok(), "{good}");
        }
        for bad in ["", "-x", "a/b", "a.b", "a b", "ä", &"a".repeat(65)] {
            assert_eq!(bad.parse::<AgentName>(), Err(NameError::Agent), "{bad}");
        }
        assert!(is_reserved_env_name("vault_identity"));
        let name: EnvName = "X".parse().unwrap();
        let map: std::collections::BTreeMap<EnvName, u8> = [(name, 1)].into();
        assert_eq!(map.get("X"), Some(&1));
    }
}
