//! `vault init`: a new vault, encrypted to your identity, which is adopted when you have one
//! and otherwise created and kept in the OS keyring or a private file.

use anyhow::{Context as _, Result, bail};
use secrecy::SecretString;

use super::{Context, now};
use crate::cli::InitArgs;
use crate::identity::{self, Settings, Source, StoredIn};
use crate::vault::{Document, RecipientEntry, VaultError};

pub fn run(ctx: &Context, args: &InitArgs) -> Result<()> {
    if ctx.vault.exists() {
        return Err(VaultError::AlreadyExists {
            path: ctx.vault.path().to_owned(),
        }
        .into());
    }

    let settings = Settings {
        keyring_timeout: if args.no_keyring {
            None
        } else {
            ctx.identity.keyring_timeout
        },
        ..ctx.identity.clone()
    };

    let (recipient, kept) = match adopt_existing(ctx, &settings)? {
        Some((recipient, source)) => {
            if args.passphrase {
                bail!(
                    "--passphrase protects a new identity, but you already have one ({source}); \
                     run init without --passphrase to use it"
                );
            }
            (recipient, Kept::Adopted(source))
        }
        None => {
            let passphrase = if args.passphrase {
                Some(new_passphrase(ctx)?)
            } else {
                None
            };
            let new = age::x25519::Identity::generate();
            let (stored, keyring_refusal) = identity::store_new(&new, &settings, passphrase)
                .context("the new identity could not be kept; no vault was created")?;
            if let Some(why) = &keyring_refusal {
                log::info!("keyring not used: {why}");
            }
            (
                new.to_public().to_string(),
                Kept::New(stored, keyring_refusal),
            )
        }
    };

    let doc = Document::new(vec![RecipientEntry {
        key: recipient.clone(),
        label: owner_label(),
        added: now(),
    }]);
    ctx.vault.create(&doc)?;
    ctx.record_change("init", Vec::new(), None);

    let path = ctx.vault.path().display();
    let mut out =
        format!("Created vault {path}\nYour recipient (public key, safe to share): {recipient}\n");
    match kept {
        Kept::Adopted(source) => {
            out += &format!("Identity: your existing one, from {source}\n");
        }
        Kept::New(stored, keyring_refusal) => {
            out += &format!("Identity: new, kept in {stored}\n");
            out += "Back it up now: `vault identity export` prints the secret key; keep it in a \
                    password manager.\nWhoever holds it can open the vault; if it is lost, nobody \
                    can.\n";
            if let (StoredIn::File(_), Some(why)) = (&stored, keyring_refusal) {
                out += &format!(
                    "(The OS keyring was not used: {why}. `vault init --passphrase` protects \
                     an identity file with a passphrase.)\n"
                );
            }
        }
    }
    ctx.ui.print(out)?;
    Ok(())
}

enum Kept {
    Adopted(Source),
    New(StoredIn, Option<identity::keyring::KeyringError>),
}

/// The identity to adopt: an explicit one (flag, environment) or one kept by an earlier init
/// (keyring, identity file). SSH keys are never adopted: init makes a vault identity.
fn adopt_existing(ctx: &Context, settings: &Settings) -> Result<Option<(String, Source)>> {
    let found = identity::resolve(settings, &ctx.ui)?;
    let Some(candidate) = found
        .candidates
        .iter()
        .find(|c| !matches!(c.source, Source::Ssh(_)))
    else {
        return Ok(None);
    };
    candidate.unlock()?;
    let recipient = candidate.recipient().with_context(|| {
        format!(
            "{} has no public key vault can find (for an SSH key, put KEY.pub beside it)",
            candidate.source
        )
    })?;
    Ok(Some((recipient, candidate.source.clone())))
}

fn new_passphrase(ctx: &Context) -> Result<SecretString> {
    if let Some(p) = &ctx.identity.passphrase {
        return Ok(p.clone());
    }
    if !ctx.ui.can_prompt() {
        bail!(
            "--passphrase needs a passphrase: set VAULT_PASSPHRASE, or run on a terminal to be \
             asked"
        );
    }
    Ok(ctx
        .ui
        .read_secret_interactively("Passphrase for the new identity")?)
}

/// `user@host`, so that a shared vault's recipient list says whose key is whose.
fn owner_label() -> Option<String> {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|u| !u.is_empty())?;
    #[cfg(unix)]
    {
        let host = rustix::system::uname()
            .nodename()
            .to_string_lossy()
            .into_owned();
        if !host.is_empty() {
            return Some(format!("{user}@{host}"));
        }
    }
    Some(user)
}
