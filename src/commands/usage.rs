//! `vault usage [--agent A] [--since DURATION] [--by COLUMNS] [--json | --csv]`: what keyless
//! mode recorded for this vault's agents, grouped (by agent, provider and model unless told
//! otherwise), with totals. Reads only the usage database: no identity is needed.

use std::collections::BTreeMap;

use anyhow::Result;
use serde_json::json;

use super::Context;
use crate::cli::{UsageArgs, UsageBy};
use crate::proxy::usage::Record;

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

    fn cells(&self) -> [String; 4] {
        [
            self.requests.to_string(),
            self.input.to_string(),
            self.output.to_string(),
            format!("{:.6}", self.cost),
        ]
    }
}

impl UsageBy {
    /// The column's name in JSON and CSV, and its heading in the table.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            UsageBy::Agent => ("agent", "AGENT"),
            UsageBy::Provider => ("provider", "PROVIDER"),
            UsageBy::Model => ("model", "MODEL"),
            UsageBy::Day => ("day", "DAY (UTC)"),
        }
    }

    fn of(self, record: &Record) -> String {
        match self {
            UsageBy::Agent => record.agent.clone(),
            UsageBy::Provider => record.provider.clone(),
            UsageBy::Model => record.model.clone().unwrap_or_default(),
            UsageBy::Day => record.time.strftime("%Y-%m-%d").to_string(),
        }
    }
}

pub fn run(ctx: &Context, args: &UsageArgs) -> Result<()> {
    if args.csv && ctx.ui.json {
        return Err(super::UsageError("give --csv or --json, not both".into()).into());
    }
    let since = args
        .since
        .as_deref()
        .map(super::audit::parse_since)
        .transpose()?;
    let by: Vec<UsageBy> = match args.by.is_empty() {
        true => vec![UsageBy::Agent, UsageBy::Provider, UsageBy::Model],
        false => args.by.clone(),
    };
    let records =
        ctx.state
            .usage_db()
            .records(&ctx.vault_real_path(), args.agent.as_deref(), since)?;
    let mut rows: BTreeMap<Vec<String>, Totals> = BTreeMap::new();
    let mut total = Totals::default();
    for r in &records {
        let key = by.iter().map(|b| b.of(r)).collect();
        rows.entry(key)
            .or_default()
            .add(r.input_tokens, r.output_tokens, r.cost_usd);
        total.add(r.input_tokens, r.output_tokens, r.cost_usd);
    }
    if ctx.ui.json {
        let items: Vec<_> = rows
            .iter()
            .map(|(key, t)| {
                let mut item = serde_json::Map::new();
                for (b, value) in by.iter().zip(key) {
                    item.insert(b.names().0.into(), json!(value));
                }
                if let serde_json::Value::Object(t) = t.json() {
                    item.extend(t);
                }
                serde_json::Value::Object(item)
            })
            .collect();
        ctx.ui
            .print_json(&json!({ "usage": items, "total": total.json() }))?;
        return Ok(());
    }
    if args.csv {
        let mut out = csv_line(by.iter().map(|b| b.names().0).chain([
            "requests",
            "input_tokens",
            "output_tokens",
            "cost_usd",
        ]));
        for (key, t) in &rows {
            out += &csv_line(
                key.iter()
                    .map(String::as_str)
                    .chain(t.cells().iter().map(String::as_str)),
            );
        }
        ctx.ui.print(out)?;
        return Ok(());
    }
    if rows.is_empty() {
        ctx.ui.status(
            "No usage recorded yet: it is recorded for agents run with --keyless or through \
             vault proxy.",
        );
        return Ok(());
    }
    let mut table: Vec<Vec<String>> = rows
        .iter()
        .map(|(key, t)| {
            let mut row: Vec<String> = key
                .iter()
                .map(|v| if v.is_empty() { "?".into() } else { v.clone() })
                .collect();
            row.extend(t.cells());
            row
        })
        .collect();
    let mut last = vec![String::new(); by.len()];
    last[0] = "TOTAL".to_owned();
    last.extend(total.cells());
    table.push(last);
    let headings: Vec<&str> = by
        .iter()
        .map(|b| b.names().1)
        .chain([
            "REQUESTS",
            "INPUT TOKENS",
            "OUTPUT TOKENS",
            "COST (USD, EST.)",
        ])
        .collect();
    ctx.ui.print(ctx.ui.table(&headings, table))?;
    Ok(())
}

/// One CSV line (RFC 4180: a field with a comma, quote or line break is quoted).
fn csv_line<'a>(fields: impl Iterator<Item = &'a str>) -> String {
    let fields: Vec<String> = fields
        .map(|f| match f.contains([',', '"', '\n', '\r']) {
            true => format!("\"{}\"", f.replace('"', "\"\"")),
            false => f.to_owned(),
        })
        .collect();
    format!("{}\n", fields.join(","))
}
