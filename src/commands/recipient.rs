//! `vault recipient add|list|rm`: who can open the vault. Every change re-encrypts the whole
//! file to the new list.

use anyhow::Result;
use serde_json::json;

use super::{Context, local_time, now};
use crate::cli::RecipientCommand;
use crate::vault::{Keys, crypto};

pub fn run(ctx: &Context, cmd: RecipientCommand) -> Result<()> {
    match cmd {
        RecipientCommand::Add { key, label } => {
            let parsed = crypto::parse_recipient(&key)?;
            let label = label.or(parsed.comment);
            let keys = ctx.keys()?;
            let count = ctx.vault.update(&keys, |doc| {
                doc.add_recipient(parsed.key.clone(), label, now())?;
                Ok(doc.recipients.len())
            })?;
            ctx.record_change("recipient add", vec![parsed.key.clone()], None);
            ctx.ui.status(format!(
                "Added {} recipient {}; the vault is now encrypted to {count} recipients",
                parsed.kind,
                shorten(&parsed.key)
            ));
        }
        RecipientCommand::List => {
            let keys = ctx.keys()?;
            let doc = ctx.vault.open(&keys)?;
            let mine = keys.recipients();
            let kind = |key: &str| {
                crypto::parse_recipient(key)
                    .map(|p| p.kind.to_string())
                    .unwrap_or_else(|_| "unknown".into())
            };
            if ctx.ui.json {
                let items: Vec<_> = doc
                    .recipients
                    .iter()
                    .map(|r| {
                        json!({
                            "key": r.key,
                            "type": kind(&r.key),
                            "label": r.label,
                            "added": r.added.to_string(),
                            "yours": mine.contains(&r.key),
                        })
                    })
                    .collect();
                ctx.ui.print_json(&serde_json::Value::Array(items))?;
                return Ok(());
            }
            let rows = doc
                .recipients
                .iter()
                .map(|r| {
                    vec![
                        shorten(&r.key),
                        kind(&r.key),
                        r.label.clone().unwrap_or_default(),
                        local_time(r.added),
                        if mine.contains(&r.key) { "yes" } else { "" }.to_owned(),
                    ]
                })
                .collect();
            ctx.ui.print(
                ctx.ui
                    .table(&["RECIPIENT", "TYPE", "LABEL", "ADDED", "YOU"], rows),
            )?;
        }
        RecipientCommand::Rm { key, force } => {
            let keys = ctx.keys()?;
            let removed = ctx.vault.update(&keys, |doc| {
                let index = doc.find_recipient(&key)?;
                Ok(doc.remove_recipient(index, &keys.recipients(), force)?)
            })?;
            ctx.record_change("recipient rm", vec![removed.key.clone()], None);
            ctx.ui.status(format!(
                "Removed recipient {}; the vault is re-encrypted without it",
                shorten(&removed.key)
            ));
            ctx.ui.warn(
                "copies of the vault made before this (backups, git history) still open with \
                 that key; rotate the secrets it could read if it was compromised",
            );
        }
    }
    Ok(())
}

/// SSH keys are long; a table shows their type, start and end.
fn shorten(key: &str) -> String {
    match key.split_once(' ') {
        Some((kind, data)) if data.len() > 24 => {
            format!("{kind} {}…{}", &data[..12], &data[data.len() - 8..])
        }
        _ => key.to_owned(),
    }
}
