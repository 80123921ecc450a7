//! `vault identity new|show|export`: making an identity, and the one that opens the vault.

use anyhow::Result;
use secrecy::ExposeSecret;
use serde_json::json;

use super::Context;
use crate::cli::IdentityCommand;
use crate::identity::{Candidate, Identities, IdentityError};
use crate::vault::Keys;

pub fn run(ctx: &Context, cmd: IdentityCommand) -> Result<()> {
    if let IdentityCommand::New { output } = &cmd {
        return new(ctx, output.as_deref());
    }
    let keys = ctx.keys()?;
    let identity = pick(ctx, &keys)?;
    match cmd {
        IdentityCommand::New { .. } => {}
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

/// A new identity in age-keygen's layout (comment lines with the time and the public key,
/// then the secret key), to a new private file or once to a non-terminal stdout.
fn new(ctx: &Context, output: Option<&std::path::Path>) -> Result<()> {
    use std::io::Write;
    if output.is_none() && ctx.ui.stdout_is_terminal() {
        return Err(super::UsageError(
            "this would show a new secret key on the screen: give --output FILE (mode 0600), \
             or pipe it where it goes (vault identity new | gh secret set VAULT_IDENTITY)"
                .into(),
        )
        .into());
    }
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let text = zeroize::Zeroizing::new(format!(
        "# created: {}\n# public key: {recipient}\n{}\n",
        super::now(),
        identity.to_string().expose_secret()
    ));
    match output {
        Some(path) => {
            let mut file = crate::vault::storage::create_private_file(path).map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    anyhow::anyhow!(
                        "{} already exists: an identity file is never overwritten (move it \
                         away first, or choose another name)",
                        path.display()
                    )
                } else {
                    anyhow::Error::new(e).context(format!("cannot create {}", path.display()))
                }
            })?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            ctx.ui.status(format!(
                "Wrote a new identity to {} (mode 0600); its recipient: {recipient}\nAdd it with \
                 vault recipient add {}",
                path.display(),
                path.display()
            ));
        }
        None => {
            ctx.ui.print(text.as_str())?;
            ctx.ui.status(format!("Recipient: {recipient}"));
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
