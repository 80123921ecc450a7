//! `vault secret add|set|rm`. Values come from a hidden prompt, standard input, a file or an
//! environment variable — never from argv, where every process on the machine could read them.

use anyhow::{Context as _, Result, bail};

use super::{Context, now};
use crate::cli::{RemoveArgs, SecretCommand, ValueSource};
use crate::secret::SecretValue;
use crate::vault::{Details, Kind, model};

pub fn run(ctx: &Context, cmd: SecretCommand) -> Result<()> {
    match cmd {
        SecretCommand::Add {
            name,
            source,
            remote: Some(remote),
            max_age,
        } => {
            refuse_argv_value(&source)?;
            if source.from_file.is_some() || source.from_env.is_some() {
                bail!(super::UsageError(
                    "a live reference's value comes from the remote: drop --from-file and \
                     --from-env"
                        .into()
                ));
            }
            super::remote::add_live(ctx, &name, &remote, max_age)?;
        }
        SecretCommand::Add { name, source, .. } => {
            refuse_argv_value(&source)?;
            // One set of identities for the whole command: a passphrase is asked once.
            let keys = ctx.keys()?;
            if ctx.ui.stdin_is_terminal() && source.from_file.is_none() && source.from_env.is_none()
            {
                // Say "already exists" before someone types a secret for nothing.
                if let Ok(existing) = ctx.vault.open(&keys)?.entry(&name) {
                    bail!(model::ModelError::AlreadyExists {
                        name: name.into(),
                        kind: existing.kind()
                    });
                }
            }
            let value = read_value(ctx, &format!("vault secret add {name}"), &name, &source)?;
            ctx.vault.update(&keys, |doc| {
                Ok(doc.add_entry(&name, Details::Secret, value, now())?)
            })?;
            ctx.record_change("secret add", vec![name.to_string()], None);
            ctx.ui.status(format!("Added secret {name}"));
        }
        SecretCommand::Set { name, source } => {
            refuse_argv_value(&source)?;
            let keys = ctx.keys()?;
            // Say "no such secret" before reading a value for nothing.
            ctx.vault
                .open(&keys)?
                .check_kind(&name, Kind::Secret)
                .map_err(|e| match e {
                    model::ModelError::NotFound { similar: None, .. } => anyhow::anyhow!(
                        "there is no secret by that name; to create one: vault secret add NAME"
                    ),
                    other => other.into(),
                })?;
            let value = read_value(ctx, &format!("vault secret set {name}"), &name, &source)?;
            ctx.vault.update(&keys, |doc| {
                Ok(doc.replace_value(&name, Kind::Secret, value, now())?)
            })?;
            ctx.record_change("secret set", vec![name.to_string()], None);
            ctx.ui
                .status(format!("Replaced the value of secret {name}"));
        }
        SecretCommand::Rm(args) => remove(ctx, Kind::Secret, &args)?,
    }
    Ok(())
}

/// Removes a secret or provider key: refused while agents use it unless `detach`, and asked
/// about on a terminal unless `yes`.
pub(super) fn remove(ctx: &Context, kind: Kind, args: &RemoveArgs) -> Result<()> {
    let RemoveArgs { name, yes, detach } = args;
    let (name, yes, detach) = (name.as_str(), *yes, *detach);
    let keys = ctx.keys()?;
    // Check before asking, so nobody confirms a removal that cannot happen.
    // The same checks the removal makes, on a copy that is thrown away.
    ctx.vault
        .open(&keys)?
        .remove_entry(name, kind, detach, now())?;
    let what = kind.label();
    let refusal = format!(
        "not removing {what} {name} without confirmation: standard input is not a terminal; \
         pass --yes to remove it"
    );
    if !yes
        && !ctx
            .ui
            .confirm(&format!("Remove {what} {name}?"), &refusal)?
    {
        ctx.ui.status(format!("Kept {what} {name}"));
        return Ok(());
    }
    let detached = ctx.vault.update(&keys, |doc| {
        Ok(doc.remove_entry(name, kind, detach, now())?)
    })?;
    ctx.report_removal(kind, name, &detached);
    Ok(())
}

/// Refuses a value typed on the command line, without repeating it.
pub(super) fn refuse_argv_value(source: &ValueSource) -> Result<()> {
    let Some(first) = source.stray.first() else {
        return Ok(());
    };
    // A mistyped option (--from-fille) lands here too; it is safe to name.
    if first.len() > 2
        && first.starts_with("--")
        && first[2..]
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '-')
    {
        return Err(super::UsageError(format!(
            "unknown option {first}; the options are --from-file PATH and --from-env VAR \
             (see --help)"
        ))
        .into());
    }
    Err(super::UsageError(
        "secret values are never taken from the command line (any process can read it there); \
         pipe the value in, or use --from-file PATH or --from-env VAR. What you typed is in \
         your shell history now: if it was a real secret, rotate it."
            .into(),
    )
    .into())
}

/// Takes the secret from the first source that applies: --from-file, --from-env, a hidden
/// prompt when standard input is a terminal, else standard input itself.
/// `command` is the command line to show in a hint (`vault secret add NAME`).
pub(super) fn read_value(
    ctx: &Context,
    command: &str,
    name: &str,
    source: &ValueSource,
) -> Result<SecretValue> {
    if let Some(path) = &source.from_file {
        let mut bytes = crate::secret::read_file(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        return SecretValue::from_input(std::mem::take(&mut *bytes))
            .with_context(|| format!("the value in {} cannot be stored", path.display()));
    }
    if let Some(var) = &source.from_env {
        // The variable's name is not repeated: a value pasted there would be echoed.
        let Some(value) = std::env::var_os(var) else {
            bail!("the environment variable named by --from-env is not set");
        };
        let value = SecretValue::from_bytes(os_bytes(value))
            .context("the value of the --from-env variable cannot be stored")?;
        if value.is_empty() {
            bail!("the environment variable named by --from-env is empty");
        }
        return Ok(value);
    }
    if ctx.ui.stdin_is_terminal() {
        let typed = ctx
            .ui
            .read_secret_interactively(&format!("Value for {name} (hidden)"))?;
        return SecretValue::new(secrecy::ExposeSecret::expose_secret(&typed).to_owned())
            .context("the typed value cannot be stored");
    }
    let mut bytes = ctx.ui.read_stdin().context("cannot read standard input")?;
    let nothing_read = bytes.is_empty();
    SecretValue::from_input(std::mem::take(&mut *bytes)).map_err(|e| match e {
        crate::secret::ValueError::Empty if nothing_read => anyhow::anyhow!(
            "no value on standard input; pipe it in (printf '%s' \"$VALUE\" | {command}), or \
             use --from-file PATH or --from-env VAR"
        ),
        crate::secret::ValueError::Empty => {
            anyhow::anyhow!("the value on standard input is empty (only a line ending)")
        }
        other => anyhow::Error::new(other).context("the value on standard input cannot be stored"),
    })
}

#[cfg(unix)]
fn os_bytes(value: std::ffi::OsString) -> Vec<u8> {
    use std::os::unix::ffi::OsStringExt;
    value.into_vec()
}

#[cfg(not(unix))]
fn os_bytes(value: std::ffi::OsString) -> Vec<u8> {
    value.to_string_lossy().into_owned().into_bytes()
}
