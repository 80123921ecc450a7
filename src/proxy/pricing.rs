//! The pricing table, kept as data: `pricing.toml` beside this file, with the user's
//! overrides from the config directory laid over it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

const BUILT_IN: &str = include_str!("pricing.toml");

/// US dollars per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub input: f64,
    pub output: f64,
}

/// Provider → model (or name prefix, or `*`) → price.
#[derive(Debug, Clone, Default)]
pub struct Pricing {
    table: BTreeMap<String, BTreeMap<String, Price>>,
}

#[derive(Debug, thiserror::Error)]
pub enum PricingError {
    #[error(
        "cannot read the pricing overrides {path}: {reason}; fix the file (the layout is \
         [PROVIDER] then \"MODEL\" = {{ input = USD, output = USD }} per million tokens) or \
         remove it"
    )]
    Overrides { path: String, reason: String },
}

impl Pricing {
    /// The built-in table, with `overrides` (a file that may not exist) laid over it.
    pub fn load(overrides: &Path) -> Result<Self, PricingError> {
        let mut pricing = Self::built_in();
        let text = match std::fs::read_to_string(overrides) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(pricing),
            Err(e) => {
                return Err(PricingError::Overrides {
                    path: overrides.display().to_string(),
                    reason: e.kind().to_string(),
                });
            }
        };
        let extra = parse(&text).map_err(|reason| PricingError::Overrides {
            path: overrides.display().to_string(),
            reason,
        })?;
        for (provider, models) in extra {
            pricing.table.entry(provider).or_default().extend(models);
        }
        Ok(pricing)
    }

    pub fn built_in() -> Self {
        // The built-in table is checked by a test; were it broken, nothing would be priced.
        Self {
            table: parse(BUILT_IN).unwrap_or_default(),
        }
    }

    /// The price of `model` at `provider`: its own, the longest listed prefix, or the
    /// provider's `*`.
    pub fn price(&self, provider: &str, model: &str) -> Option<Price> {
        let models = self.table.get(provider)?;
        if let Some(price) = models.get(model) {
            return Some(*price);
        }
        models
            .iter()
            .filter(|(name, _)| name.as_str() != "*" && model.starts_with(name.as_str()))
            .max_by_key(|(name, _)| name.len())
            .map(|(_, price)| *price)
            .or_else(|| models.get("*").copied())
    }

    /// The estimated cost in US dollars.
    pub fn cost(&self, provider: &str, model: &str, input: u64, output: u64) -> f64 {
        self.price(provider, model).map_or(0.0, |p| {
            (input as f64 * p.input + output as f64 * p.output) / 1_000_000.0
        })
    }
}

impl Pricing {
    /// The most a request naming `models` (none: the provider's dearest, `*`) can cost with
    /// `input` and `output` tokens.
    pub fn most(&self, provider: &str, models: &[String], input: u64, output: u64) -> f64 {
        let any = [String::new()];
        let models = if models.is_empty() { &any[..] } else { models };
        models
            .iter()
            .map(|model| self.cost(provider, model, input, output))
            .fold(0.0, f64::max)
    }
}

fn parse(text: &str) -> Result<BTreeMap<String, BTreeMap<String, Price>>, String> {
    let table: BTreeMap<String, BTreeMap<String, Price>> =
        toml::from_str(text).map_err(|e| e.message().to_owned())?;
    for models in table.values() {
        for price in models.values() {
            let valid = |x: f64| x.is_finite() && x >= 0.0;
            if !valid(price.input) || !valid(price.output) {
                return Err("prices must be numbers of dollars, 0 or more".to_owned());
            }
        }
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_table_parses_and_covers_every_provider() {
        let table = parse(BUILT_IN).unwrap();
        for provider in crate::providers::CATALOG {
            assert!(
                table.get(provider.id).is_some_and(|m| m.contains_key("*")),
                "{} has no * price",
                provider.id
            );
        }
    }

    #[test]
    fn models_match_exactly_then_by_longest_prefix_then_star() {
        let p = Pricing::built_in();
        assert_eq!(p.price("openai", "gpt-4o").unwrap().input, 2.5);
        assert_eq!(
            p.price("openai", "gpt-4o-mini-2024-07-18").unwrap().input,
            0.15
        );
        assert_eq!(p.price("openai", "gpt-4o-2024-08-06").unwrap().input, 2.5);
        assert_eq!(p.price("openai", "brand-new").unwrap().input, 15.0);
        assert_eq!(p.price("nowhere", "x"), None);
        let cost = p.cost("anthropic", "claude-sonnet-4-5", 1_000_000, 100_000);
        assert!((cost - 4.5).abs() < 1e-9);
    }

    #[test]
    fn overrides_replace_and_add() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pricing.toml");
        std::fs::write(
            &path,
            "[openai]\n\"gpt-4o\" = { input = 1.0, output = 2.0 }\n[custom]\n\"m\" = { input = 3.0, output = 4.0 }\n",
        )
        .unwrap();
        let p = Pricing::load(&path).unwrap();
        assert_eq!(p.price("openai", "gpt-4o").unwrap().output, 2.0);
        assert_eq!(p.price("openai", "gpt-4o-mini").unwrap().input, 0.15);
        assert_eq!(p.price("custom", "m").unwrap().input, 3.0);
        std::fs::write(&path, "[openai]\n\"x\" = { input = -1.0, output = 2.0 }\n").unwrap();
        assert!(Pricing::load(&path).is_err());
        assert!(Pricing::load(&dir.path().join("none.toml")).is_ok());
    }
}
