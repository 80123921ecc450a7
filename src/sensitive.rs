//! Telling secrets from plain variables when nobody said which (`vault import --kind auto`).
//! Errs towards "secret": a variable wrongly kept secret is only hidden from listings, while a
//! secret wrongly kept as a variable would be shown in them.

/// Words that mark a name as sensitive wherever they appear in it (OPENAI_API_KEY, GH_TOKEN,
/// DB_PASSWORD, PASSPHRASE, PRIVATE_KEY, AWS_CREDENTIALS, BASIC_AUTH…).
pub const SENSITIVE_WORDS: &[&str] = &[
    "KEY",
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "PRIVATE",
    "CREDENTIAL",
    "AUTH",
    "COOKIE",
    "SALT",
    "SESSION",
    "SIGNING",
    "BEARER",
    "WEBHOOK",
    "DSN",
    "CONNECTION_STRING",
    "IDENTITY",
    "CERT",
];

/// How well-known keys and tokens begin: AI providers (OpenAI, Anthropic, OpenRouter, Groq,
/// xAI, Google), code hosts, chat platforms, clouds and payment services.
pub const SECRET_PREFIXES: &[&str] = &[
    "sk-",
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "gsk_",
    "xai-",
    "AIza",
    "hf_",
    "r8_",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "github_pat_",
    "glpat-",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "xapp-",
    "AKIA",
    "ASIA",
    "npm_",
    "pypi-",
    "-----BEGIN",
    "AGE-SECRET-KEY-",
];

/// Text that gives a value away as a credential wherever it appears in it (Azure connection
/// strings, SAS tokens).
const SECRET_PARTS: &[&str] = &[
    "AccountKey=",
    "SharedAccessKey=",
    "SharedAccessSignature=",
    "sig=",
];

/// Whether an entry with this name and value should be kept as a secret.
pub fn looks_secret(name: &str, value: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SENSITIVE_WORDS.iter().any(|word| upper.contains(word))
        || crate::names::is_reserved_env_name(name)
        || SECRET_PREFIXES
            .iter()
            .any(|prefix| value.starts_with(prefix))
        || SECRET_PARTS.iter().any(|part| value.contains(part))
        || has_url_credentials(value)
        || looks_like_jwt(value)
}

/// `scheme://user:password@host…` or `scheme://token@host…`, as in DATABASE_URL, REDIS_URL, a
/// Sentry DSN or a git URL with a token: any user part may be a credential.
fn has_url_credentials(value: &str) -> bool {
    let Some((_, rest)) = value.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| !userinfo.is_empty())
}

/// Three base64url parts, the first a JSON header (`eyJ`).
fn looks_like_jwt(value: &str) -> bool {
    value.starts_with("eyJ")
        && value.split('.').count() == 3
        && !value.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::looks_secret;

    #[test]
    fn names_that_say_secret() {
        for name in [
            "OPENAI_API_KEY",
            "ANTHROPIC_API_KEY",
            "TELEGRAM_BOT_TOKEN",
            "GH_TOKEN",
            "DB_PASSWORD",
            "SMTP_PASS",
            "PASSPHRASE",
            "JWT_SECRET",
            "PRIVATE_KEY_PEM",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "BASIC_AUTH",
            "apiKey",
            "VAULT_IDENTITY",
            "SLACK_WEBHOOK_URL",
            "SENTRY_DSN",
            "AZURE_STORAGE_CONNECTION_STRING",
            "SESSION_SECRET_2",
            "TLS_CERT_PEM",
        ] {
            assert!(looks_secret(name, "x"), "{name}");
        }
    }

    #[test]
    fn values_that_say_secret() {
        for value in [
            "sk-proj-abc",
            "sk-ant-api03-abc",
            "sk-or-v1-abc",
            "gsk_abc",
            "xai-abc",
            "AIzaSyabc",
            "ghp_abc",
            "xoxb-1-2",
            "AKIAIOSFODNN7EXAMPLE",
            "postgres://app:hunter2@db:5432/app",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nabc",
            "AGE-SECRET-KEY-1QQQ",
            "https://ghp_abc@github.com/org/repo.git",
            "https://abc123@o1.ingest.sentry.io/42",
            "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc==",
        ] {
            assert!(looks_secret("SETTING", value), "{value}");
        }
    }

    #[test]
    fn plain_settings_stay_variables() {
        for (name, value) in [
            ("LOG_LEVEL", "debug"),
            ("MODEL", "gpt-4o-mini"),
            ("DATABASE_URL", "postgres://db:5432/app"),
            ("HOMEPAGE", "https://example.com/a@b"),
            ("PORT", "8080"),
            ("TASK_QUEUE", "skills"),
        ] {
            assert!(!looks_secret(name, value), "{name}");
        }
    }
}
