//! `vault identity show|export`: the identity that opens the vault.

use anyhow::Result;
use secrecy::ExposeSecret;
use serde_json::json;

use super::Context;
use crate::cli::IdentityCommand;
use crate::identity::{Candidate, Identities, IdentityError};
use crate::vault::Keys;

pub fn run(ctx: &Context, cmd: IdentityCommand) -> Result<()> {
    let keys = ctx.keys()?;
    let identity = pick(ctx, &keys)?;
    match cmd {
        IdentityCommand::Show => show(ctx, identity)?,
        IdentityCommand::Export => {
            let secret = identity.age_secret()?;
            if ctx.ui.stdout_is_terminal() {
                ctx.ui.warn(
                    "this is the secret key that opens your vault: anyone who has it can read \
                     every secret. Store it as a CI secret (VAULT_IDENTITY) or in a password \
                     manager, never in a repository or a chat.",
                );
            }
            let line = zeroize::Zeroizing::new(format!("{}\n", secret.expose_secret()));
            ctx.ui.print(line.as_str())?;
        }
    }
    Ok(())
}

/// The identity that matters: the one that opens the vault in use when it exists (several
/// may be found: a keyring and an identity file, say), else the first found.
fn pick<'k, 'p>(ctx: &Context, keys: &'k Identities<'p>) -> Result<&'k Candidate<'p>> {
    let Some(first) = keys.first() else {
        return Err(IdentityError::NoneFound(keys.describe()).into());
    };
    if ctx.vault.exists() {
        if let Some(index) = ctx.vault.matching_identity(keys)? {
            return Ok(&keys.candidates[index]);
        }
        ctx.ui.warn(format!(
            "no identity found here opens {}; this is the first one found",
            ctx.vault.path().display()
        ));
    } else if keys.candidates.len() > 1 {
        ctx.ui.warn(format!(
            "{} identities found and no vault at {} to choose by; this is the first one",
            keys.candidates.len(),
            ctx.vault.path().display()
        ));
    }
    Ok(first)
}

fn show(ctx: &Context, identity: &Candidate<'_>) -> Result<()> {
    identity.unlock()?;
    let recipient = identity
        .recipient()
        .unwrap_or_else(|| "(unknown)".to_owned());
    if ctx.ui.json {
        ctx.ui.print_json(&json!({
            "recipient": recipient,
            "source": identity.source.to_string(),
        }))?;
    } else {
        ctx.ui.print(format!("{recipient}\n"))?;
        ctx.ui.status(format!("(from {})", identity.source));
    }
    Ok(())
}
