//! An agent's keyless-mode settings, as stored in the vault: request rates per provider, a
//! spending budget, and the hash of its standing proxy token. Each has one text form, the one
//! users type and the vault stores (`100/60s`, `5usd/day`, `sha256:…`).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use sha2::{Digest, Sha256};

/// At most `requests` requests in any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub requests: u32,
    pub window: Duration,
}

/// The limit agents get where none is set: the catalog's for the provider.
pub fn default_rate(provider: &str) -> Rate {
    let requests = crate::providers::find(provider)
        .map_or(crate::providers::FALLBACK_RATE, |p| p.default_rate);
    Rate {
        requests,
        window: Duration::from_secs(60),
    }
}

/// Why a rate, budget or token hash does not parse; the text says what is expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingError(pub &'static str);

const RATE_FORM: &str = "a rate is REQUESTS/WINDOW, such as 100/60s, 20/m or 1000/1h (a whole \
                         number of requests, above 0; a window of s, m, h or d, at most 1d)";

/// A length of time as settings take it: a whole number (1 when left out) and s, m, h or d
/// (`60s`, `5min`, `1h`, `d`), in seconds.
pub fn seconds(text: &str) -> Option<u64> {
    let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let amount: u64 = match digits.is_empty() {
        true => 1,
        false => digits.parse().ok()?,
    };
    let unit = match &text[digits.len()..] {
        "s" | "sec" => 1,
        "m" | "min" => 60,
        "h" | "hour" => 3600,
        "d" | "day" => 86_400,
        _ => return None,
    };
    amount.checked_mul(unit)
}

impl FromStr for Rate {
    type Err = SettingError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (count, window) = text.trim().split_once('/').ok_or(SettingError(RATE_FORM))?;
        let requests: u32 = count.parse().map_err(|_| SettingError(RATE_FORM))?;
        let window = seconds(window).ok_or(SettingError(RATE_FORM))?;
        if requests == 0 || window == 0 || window > 86_400 {
            return Err(SettingError(RATE_FORM));
        }
        Ok(Rate {
            requests,
            window: Duration::from_secs(window),
        })
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}s", self.requests, self.window.as_secs())
    }
}

impl serde::Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Rate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Limits on all an agent does through every proxy serving it, whichever provider: requests
/// and tokens (input + output) per window, and requests under way at once. A window is a
/// stretch of the clock (each minute, hour or day of UTC for 1m, 1h, 1d), shared by every
/// proxy process: `X-RateLimit-Reset` says when the current one ends.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<Rate>,
    /// Tokens per window: `requests` in each is a count of tokens.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tokens: Vec<Rate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<std::num::NonZeroU32>,
}

impl Limits {
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty() && self.tokens.is_empty() && self.concurrency.is_none()
    }
}

const LIMITS_FORM: &str = "give COUNT/WINDOW limits separated by commas, such as 100/1m,5000/1d \
                           (a whole number above 0; a window of s, m, h or d, at most 1d), or \
                           off for none";

/// A `--requests` or `--tokens` value: the limits it sets (none for `off`).
pub fn parse_limits(text: &str) -> Result<Vec<Rate>, SettingError> {
    if matches!(text.trim(), "off" | "none") {
        return Ok(Vec::new());
    }
    let mut limits: Vec<Rate> = text
        .split(',')
        .map(|part| part.parse().map_err(|_| SettingError(LIMITS_FORM)))
        .collect::<Result<_, _>>()?;
    limits.sort_by_key(|r| r.window);
    limits.dedup_by_key(|r| r.window);
    Ok(limits)
}

/// A `--concurrency` value: at most this many requests at once (none for `off`).
pub fn parse_concurrency(text: &str) -> Result<Option<std::num::NonZeroU32>, SettingError> {
    const FORM: SettingError = SettingError(
        "give the most requests the agent may have under way at once, a whole number above 0 \
         (such as 4), or off for no cap",
    );
    match text.trim() {
        "off" | "none" => Ok(None),
        n => n.parse().map(Some).map_err(|_| FORM),
    }
}

/// When a budget starts again: calendar days and months in UTC, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    Month,
    Total,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Month => "month",
            Period::Total => "total",
        }
    }

    /// Where the period holding `now` began (UTC), or `None` for a total that never resets.
    pub fn start(self, now: jiff::Timestamp) -> Option<jiff::Timestamp> {
        let date = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        let first = match self {
            Period::Day => date,
            Period::Month => date.first_of_month(),
            Period::Total => return None,
        };
        first
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp())
    }

    /// Where the period holding `now` ends, when it does.
    pub fn end(self, now: jiff::Timestamp) -> Option<jiff::Timestamp> {
        let start = self.start(now)?.to_zoned(jiff::tz::TimeZone::UTC);
        let next = match self {
            Period::Day => start.checked_add(jiff::Span::new().days(1)),
            Period::Month => start.checked_add(jiff::Span::new().months(1)),
            Period::Total => return None,
        };
        next.ok().map(|z| z.timestamp())
    }
}

/// At most `usd` US dollars of estimated cost per period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    pub usd: f64,
    pub period: Period,
}

const BUDGET_FORM: &str = "a budget is AMOUNTusd/PERIOD, such as 5usd/day, 50usd/month or \
                           20usd/total (an amount above 0; a period of day, month or total); \
                           --no-budget removes one";

/// An amount of US dollars as budgets take it: `2usd`, `$2`, `2.5USD` (above 0).
fn dollars(amount: &str) -> Option<f64> {
    let amount = amount.trim();
    let number = amount
        .strip_prefix('$')
        .or_else(|| amount.strip_suffix("usd"))
        .or_else(|| amount.strip_suffix("USD"))?;
    let usd: f64 = number.trim().parse().ok()?;
    (usd.is_finite() && usd > 0.0 && usd <= 1e9).then_some(usd)
}

/// A run's budget (`vault run --budget 2usd`): dollars, for the run alone.
pub fn parse_amount(text: &str) -> Result<f64, SettingError> {
    dollars(text).ok_or(SettingError(
        "a run's budget is an amount of US dollars above 0, such as 2usd, 0.5usd or $2",
    ))
}

impl FromStr for Budget {
    type Err = SettingError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (amount, period) = text
            .trim()
            .split_once('/')
            .ok_or(SettingError(BUDGET_FORM))?;
        let usd = dollars(amount).ok_or(SettingError(BUDGET_FORM))?;
        let period = match period.trim() {
            "day" | "d" => Period::Day,
            "month" | "mo" => Period::Month,
            "total" => Period::Total,
            _ => return Err(SettingError(BUDGET_FORM)),
        };
        Ok(Budget { usd, period })
    }
}

impl fmt::Display for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}usd/{}", self.usd, self.period.as_str())
    }
}

/// The SHA-256 of an agent's proxy token: all the vault keeps of it. Tokens are 256 random
/// bits, so a fast hash is enough: nothing can be guessed from it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct TokenHash(pub [u8; 32]);

impl TokenHash {
    pub fn of(token: &str) -> Self {
        Self(Sha256::digest(token.as_bytes()).into())
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenHash({self})")
    }
}

impl fmt::Display for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("sha256:")?;
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl FromStr for TokenHash {
    type Err = SettingError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        const FORM: SettingError = SettingError("a token hash is sha256: and 64 hex digits");
        let hex = text.strip_prefix("sha256:").ok_or(FORM)?;
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(FORM);
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| FORM)?;
        }
        Ok(Self(bytes))
    }
}

/// One `PROVIDER=RATE` (or `PROVIDER=off`) setting, as `--rate` takes and the vault stores it.
pub fn parse_rate_setting(text: &str) -> Result<(String, Option<Rate>), SettingError> {
    const FORM: SettingError = SettingError(
        "give PROVIDER=RATE, such as openai=100/60s or anthropic=off (no limit); the \
         providers are openai, anthropic, openrouter, gemini, deepseek, xai, groq, mistral, \
         venice and custom",
    );
    let (provider, rate) = text.split_once('=').ok_or(FORM)?;
    let provider = crate::providers::find(provider.trim()).ok_or(FORM)?;
    let rate = match rate.trim() {
        "off" | "none" => None,
        rate => Some(rate.parse()?),
    };
    Ok((provider.id.to_owned(), rate))
}

/// The stored form of one rate setting.
pub fn rate_setting(provider: &str, rate: Option<Rate>) -> String {
    match rate {
        Some(rate) => format!("{provider}={rate}"),
        None => format!("{provider}=off"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_typed_and_print_in_seconds() {
        for (text, shown) in [
            ("100/60s", "100/60s"),
            ("20/m", "20/60s"),
            ("1000/1h", "1000/3600s"),
            ("5/2min", "5/120s"),
        ] {
            assert_eq!(text.parse::<Rate>().unwrap().to_string(), shown);
        }
        for bad in [
            "", "100", "0/60s", "100/0s", "100/60", "100/2d", "x/1s", "-1/1s",
        ] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
    }

    #[test]
    fn budgets_take_dollars_per_period() {
        let b: Budget = "5usd/day".parse().unwrap();
        assert_eq!((b.usd, b.period), (5.0, Period::Day));
        assert_eq!(
            "$2.5/month".parse::<Budget>().unwrap().to_string(),
            "2.5usd/month"
        );
        for bad in [
            "5/day",
            "5usd",
            "0usd/day",
            "5usd/week",
            "NaNusd/day",
            "-1usd/day",
        ] {
            assert!(bad.parse::<Budget>().is_err(), "{bad}");
        }
    }

    #[test]
    fn periods_are_utc_calendar_days_and_months() {
        let now: jiff::Timestamp = "2026-11-23T15:04:05Z".parse().unwrap();
        assert_eq!(
            Period::Day.start(now).unwrap().to_string(),
            "2026-11-23T00:00:00Z"
        );
        assert_eq!(
            Period::Month.end(now).unwrap().to_string(),
            "2026-12-01T00:00:00Z"
        );
        assert_eq!(Period::Total.start(now), None);
    }

    #[test]
    fn limits_are_lists_of_windows_or_off() {
        let limits = parse_limits("5000/1d,100/1m").unwrap();
        assert_eq!(
            limits.iter().map(Rate::to_string).collect::<Vec<_>>(),
            ["100/60s", "5000/86400s"]
        );
        assert!(parse_limits("off").unwrap().is_empty());
        for bad in ["", "100", "100/1m,", "0/1m", "x/1m"] {
            assert!(parse_limits(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_concurrency("4").unwrap().map(|n| n.get()), Some(4));
        assert_eq!(parse_concurrency("off").unwrap(), None);
        assert!(parse_concurrency("0").is_err());
        assert!(parse_concurrency("-1").is_err());
    }

    #[test]
    fn token_hashes_round_trip() {
        let hash = TokenHash::of("token");
        assert_eq!(hash.to_string().parse::<TokenHash>().unwrap(), hash);
        assert!("sha256:12".parse::<TokenHash>().is_err());
    }

    #[test]
    fn rate_settings_name_a_catalog_provider() {
        assert_eq!(
            parse_rate_setting("OpenAI=10/1s").unwrap(),
            ("openai".into(), Some("10/1s".parse().unwrap()))
        );
        assert_eq!(parse_rate_setting("anthropic=off").unwrap().1, None);
        let unknown = parse_rate_setting("nobody=1/1s").unwrap_err().to_string();
        for provider in crate::providers::CATALOG {
            assert!(unknown.contains(provider.id), "{} not named", provider.id);
        }
        assert!(parse_rate_setting("openai").is_err());
    }
}
