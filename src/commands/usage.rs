//! `vault usage [--agent A] [--since DURATION]`: what keyless mode recorded for this vault's
//! agents, by agent, provider and model, with totals. Reads only the usage log: no identity
//! is needed.

use std::collections::BTreeMap;

use anyhow::{Context as _, Result};
use serde_json::json;

use super::Context;
use crate::cli::UsageArgs;

#[derive(Default, Clone, Copy)]
struct Totals {
    requests: u64,
    input: u64,
    output: u64,
    cost: f64,
}

impl Totals {
    fn add(&mut self, input: u64, output: u64, cost: f64) {
        // Counts as providers report them may be anything up to u64::MAX.
        self.requests += 1;
        self.input = self.input.saturating_add(input);
        self.output = self.output.saturating_add(output);
        self.cost += cost;
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "requests": self.requests,
            "input_tokens": self.input,
            "output_tokens": self.output,
            "cost_usd": self.cost,
        })
    }
}

pub fn run(ctx: &Context, args: &UsageArgs) -> Result<()> {
    let since = args
        .since
        .as_deref()
        .map(super::audit::parse_since)
        .transpose()?;
    let log = ctx.state.usage_log();
    let vault = ctx.vault_real_path();
    let records = log
        .records()
        .with_context(|| format!("cannot read the usage log {}", log.path().display()))?;
    let mut rows: BTreeMap<(String, String, String), Totals> = BTreeMap::new();
    let mut total = Totals::default();
    for r in records
        .iter()
        .filter(|r| r.vault == vault)
        .filter(|r| args.agent.as_ref().is_none_or(|a| a.as_str() == r.agent))
        .filter(|r| since.is_none_or(|since| r.time >= since))
    {
        let key = (
            r.agent.clone(),
            r.provider.clone(),
            r.model.clone().unwrap_or_default(),
        );
        rows.entry(key)
            .or_default()
            .add(r.input_tokens, r.output_tokens, r.cost_usd);
        total.add(r.input_tokens, r.output_tokens, r.cost_usd);
    }
    if ctx.ui.json {
        let items: Vec<_> = rows
            .iter()
            .map(|((agent, provider, model), t)| {
                let mut item = json!({ "agent": agent, "provider": provider, "model": model });
                if let (Some(item), serde_json::Value::Object(t)) = (item.as_object_mut(), t.json())
                {
                    item.extend(t);
                }
                item
            })
            .collect();
        ctx.ui
            .print_json(&json!({ "usage": items, "total": total.json() }))?;
        return Ok(());
    }
    if rows.is_empty() {
        ctx.ui.status(
            "No usage recorded yet: it is recorded for agents run with --keyless or through \
             vault proxy.",
        );
        return Ok(());
    }
    let cells = |t: &Totals| {
        [
            t.requests.to_string(),
            t.input.to_string(),
            t.output.to_string(),
            format!("{:.6}", t.cost),
        ]
    };
    let mut table: Vec<Vec<String>> = rows
        .iter()
        .map(|((agent, provider, model), t)| {
            let model = if model.is_empty() { "?" } else { model };
            let mut row = vec![agent.clone(), provider.clone(), model.to_owned()];
            row.extend(cells(t));
            row
        })
        .collect();
    let mut last = vec!["TOTAL".to_owned(), String::new(), String::new()];
    last.extend(cells(&total));
    table.push(last);
    ctx.ui.print(ctx.ui.table(
        &[
            "AGENT",
            "PROVIDER",
            "MODEL",
            "REQUESTS",
            "INPUT TOKENS",
            "OUTPUT TOKENS",
            "COST (USD, EST.)",
        ],
        table,
    ))?;
    Ok(())
}
