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
            let key = from_file(&key)?.unwrap_or(key);
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

/// The recipient in a file named instead of a key: an SSH `.pub` line, an `age1…` line, or
/// an identity file (`# public key: age1…`, as `vault identity new` and age-keygen write it,
/// or the secret key itself, whose recipient is derived; the secret is not kept). `None` when
/// `arg` is a key, not a file.
fn from_file(arg: &str) -> Result<Option<String>> {
    let path = std::path::Path::new(arg);
    if arg.starts_with("age1") || arg.starts_with("ssh-") || !path.is_file() {
        return Ok(None);
    }
    let text =
        zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            anyhow::Error::new(e).context(format!("cannot read {}", path.display()))
        })?);
    for line in text.lines().map(str::trim) {
        if let Some(public) = line.strip_prefix("# public key:") {
            return Ok(Some(public.trim().to_owned()));
        }
        if line.starts_with("age1") || line.starts_with("ssh-") {
            return Ok(Some(line.to_owned()));
        }
        if line.starts_with("AGE-SECRET-KEY-1") {
            let public = crate::identity::public_of(line).ok_or_else(|| {
                anyhow::anyhow!(
                    "{} holds a line that is not a valid age key",
                    path.display()
                )
            })?;
            return Ok(Some(public));
        }
    }
    anyhow::bail!(
        "{} holds no public key (age1…, ssh-…) or age identity; give the key itself",
        path.display()
    )
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
