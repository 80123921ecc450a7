//! One file per command group. Each turns parsed arguments into calls on the vault, identity
//! and (later) launch modules, and prints the result through `ui`.

mod completions;
mod entries;
mod identity;
mod init;
mod recipient;
mod secret;
mod var;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use secrecy::SecretString;

use crate::cli::{Cli, Command};
use crate::identity::{Identities, Settings};
use crate::paths::Locations;
use crate::ui::Ui;
use crate::vault::{Document, VaultFile};

/// A mistake in how the command was called (exit status 2, like clap's own usage errors).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// What every command needs: where the vault is, how to find the identity, how to talk.
pub struct Context {
    pub ui: Ui,
    pub vault: VaultFile,
    pub identity: Settings,
}

impl Context {
    pub fn from_cli(cli: &Cli) -> Result<Self> {
        let ui = Ui::new(cli.json);
        let locations = Locations::for_current_user()?;
        let vault_path = cli
            .vault
            .clone()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| locations.default_vault());
        log::info!("vault file: {}", vault_path.display());
        // A keyring may pop up an unlock dialog; give a person time to answer it, a script not.
        let keyring_timeout = if env_flag("VAULT_NO_KEYRING") {
            None
        } else if ui.can_prompt() {
            Some(Duration::from_secs(60))
        } else {
            Some(Duration::from_secs(5))
        };
        // Set but empty is a mistake (in CI, often a secret under another name); falling back
        // to another identity would hide it.
        for var in ["VAULT_IDENTITY", "VAULT_IDENTITY_FILE"] {
            if std::env::var_os(var).is_some_and(|v| v.is_empty()) {
                anyhow::bail!(
                    "{var} is set but empty; give it a value (in CI, check the secret's name) or \
                     unset it to use your usual identity"
                );
            }
        }
        let identity = Settings {
            flag_file: cli.identity.clone(),
            env_key: env_secret("VAULT_IDENTITY"),
            env_file: env_nonempty("VAULT_IDENTITY_FILE").map(PathBuf::from),
            passphrase: env_secret("VAULT_PASSPHRASE"),
            keyring_timeout,
            config_dir: locations.config_dir.clone(),
            ssh_dir: locations.ssh_dir(),
        };
        Ok(Self {
            ui,
            vault: VaultFile::new(vault_path),
            identity,
        })
    }

    /// The identities that may open the vault, in the order they are tried.
    pub fn keys(&self) -> Result<Identities<'_>> {
        let keys = crate::identity::resolve(&self.identity, &self.ui)?;
        for c in &keys.candidates {
            log::info!("identity candidate: {}", c.source);
        }
        Ok(keys)
    }

    /// Opens the vault for reading.
    pub fn open(&self) -> Result<Document> {
        let keys = self.keys()?;
        Ok(self.vault.open(&keys)?)
    }
}

/// Runs one parsed command line; the exit code is the command's own.
pub fn run(cli: Cli) -> Result<ExitCode> {
    // Completions need no vault, identity or home directory.
    if let Command::Completions(args) = &cli.command {
        completions::run(&Ui::new(cli.json), args)?;
        return Ok(ExitCode::SUCCESS);
    }
    let ctx = Context::from_cli(&cli)?;
    match cli.command {
        Command::Init(args) => init::run(&ctx, &args)?,
        Command::Secret(cmd) => secret::run(&ctx, cmd)?,
        Command::Var(cmd) => var::run(&ctx, cmd)?,
        Command::Get(args) => entries::get(&ctx, &args)?,
        Command::List => entries::list(&ctx)?,
        Command::Recipient(cmd) => recipient::run(&ctx, cmd)?,
        Command::Identity(cmd) => identity::run(&ctx, cmd)?,
        Command::Completions(_) => {} // handled above, before any vault set-up
    }
    Ok(ExitCode::SUCCESS)
}

/// Now, to the second: stored timestamps need no more precision than that.
pub fn now() -> jiff::Timestamp {
    let now = jiff::Timestamp::now();
    now.round(jiff::Unit::Second).unwrap_or(now)
}

/// A timestamp as people read it: local time to the minute.
pub fn local_time(ts: jiff::Timestamp) -> String {
    ts.to_zoned(jiff::tz::TimeZone::system())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

fn env_nonempty(name: &str) -> Option<OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

fn env_flag(name: &str) -> bool {
    env_nonempty(name).is_some_and(|v| v != "0")
}

fn env_secret(name: &str) -> Option<SecretString> {
    env_nonempty(name).map(|v| SecretString::from(v.to_string_lossy().into_owned()))
}
