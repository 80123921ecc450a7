//! `vault get` and `vault list`: reading entries. `list` never shows a secret's value.

use anyhow::Result;
use serde_json::json;

use super::{Context, local_time};
use crate::cli::GetArgs;
use crate::vault::{Kind, model};

/// What `list` shows in place of a secret's value.
pub const HIDDEN: &str = "••••";

pub fn get(ctx: &Context, args: &GetArgs) -> Result<()> {
    let doc = ctx.open()?;
    let entry = doc.entry(&args.name)?;
    let mut out = crate::secret::SecretText::new();
    out.push_str(entry.value().expose());
    if !args.no_newline {
        out.push('\n');
    }
    ctx.ui.print(out.as_str())?;
    Ok(())
}

pub fn list(ctx: &Context) -> Result<()> {
    let doc = ctx.open()?;
    let shown = |entry: &model::Entry| {
        (!entry.kind().is_sensitive()).then(|| entry.value().expose().to_owned())
    };
    if ctx.ui.json {
        let items: Vec<_> = doc
            .entries
            .iter()
            .map(|(name, e)| {
                let live = doc.live_reference(name).map(|(remote, max_age)| {
                    json!({"remote": remote.as_str(), "max_age_seconds": max_age})
                });
                json!({
                    "name": name,
                    "kind": e.kind().to_string(),
                    "live": live,
                    "value": shown(e),
                    "created": e.created().to_string(),
                    "updated": e.updated().to_string(),
                })
            })
            .collect();
        ctx.ui.print_json(&serde_json::Value::Array(items))?;
        return Ok(());
    }
    if doc.entries.is_empty() {
        ctx.ui.status(
            "The vault is empty. Add a secret with `vault secret add NAME` or a variable with \
             `vault var set NAME VALUE`.",
        );
        return Ok(());
    }
    let rows = doc
        .entries
        .iter()
        .map(|(name, e)| {
            // A live reference says whose value it keeps, and for how long.
            let kind = match doc.live_reference(name) {
                Some((remote, age)) => format!(
                    "{} (live: {remote}, {})",
                    e.kind(),
                    crate::vault::remote::age_text(age)
                ),
                None => e.kind().to_string(),
            };
            vec![
                name.to_string(),
                kind,
                match e.kind() {
                    // A provider key's hint tells keys apart without giving one away.
                    Kind::Provider => crate::providers::key_hint(e.value().expose()),
                    _ => shown(e).unwrap_or_else(|| HIDDEN.to_owned()),
                },
                local_time(e.updated()),
            ]
        })
        .collect();
    ctx.ui
        .print(ctx.ui.table(&["NAME", "KIND", "VALUE", "UPDATED"], rows))?;
    Ok(())
}
