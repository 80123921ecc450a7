//! One file per command group. Each turns parsed arguments into calls on the vault, identity
//! and (later) launch modules, and prints the result through `ui`.

mod agent;
mod audit;
mod completions;
mod doctor;
mod entries;
mod export;
mod identity;
mod import;
mod init;
mod live;
mod provider;
mod proxy;
mod recipient;
mod remote;
mod run;
mod secret;
mod usage;
mod var;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use secrecy::SecretString;

use crate::audit::{Event, Record};
use crate::cli::{Cli, Command};
use crate::identity::{Identities, Settings};
use crate::paths::Locations;
use crate::state::StateDir;
use crate::ui::Ui;
use crate::vault::{Document, VaultFile};

/// A mistake in how the command was called (exit status 2, like clap's own usage errors).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// What every command needs: where the vault is, how to find the identity, how to talk.
#[derive(Clone)]
pub struct Context {
    pub ui: Ui,
    pub vault: VaultFile,
    pub identity: Settings,
    /// The audit log and launch stamps (this machine's).
    pub state: StateDir,
    /// vault's data, config and state directories.
    own_dirs: [PathBuf; 3],
    /// The user's pricing table for keyless mode.
    pub pricing_file: PathBuf,
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
            state: StateDir::new(locations.state_dir.clone()),
            own_dirs: [
                locations.data_dir.clone(),
                locations.config_dir.clone(),
                locations.state_dir.clone(),
            ],
            pricing_file: locations.pricing_file(),
        })
    }

    /// vault's data, config and state directories (what a sandbox hides).
    pub fn own_dirs(&self) -> impl Iterator<Item = PathBuf> + '_ {
        self.own_dirs.iter().cloned()
    }

    /// The identities that may open the vault, in the order they are tried.
    pub fn keys(&self) -> Result<Identities<'_>> {
        let keys = crate::identity::resolve(&self.identity, &self.ui)?;
        for c in &keys.candidates {
            log::info!("identity candidate: {}", c.source);
        }
        Ok(keys)
    }

    /// Notes a change to the vault in the audit log. A log that cannot be written is warned
    /// about, not fatal: the change itself is already saved.
    pub fn record_change(&self, command: &str, names: Vec<String>, agent: Option<&str>) {
        self.record(Event::Change, command, names, agent);
    }

    /// Notes in the audit log that values left the vault (names only).
    pub fn record_export(&self, command: &str, names: Vec<String>, agent: Option<&str>) {
        self.record(Event::Export, command, names, agent);
    }

    fn record(&self, event: Event, command: &str, names: Vec<String>, agent: Option<&str>) {
        let record = Record {
            time: now(),
            event,
            command: command.to_owned(),
            names,
            agent: agent.map(str::to_owned),
            program: None,
            pid: None,
            status: None,
            started: None,
            vault: Some(self.vault_real_path()),
        };
        if let Err(e) = self.state.append(&record) {
            self.ui.warn(format!(
                "`vault {command}` is done, but the audit log {} could not be written: {e}",
                self.state.log_path().display()
            ));
        }
    }

    /// The vault file as it really is (symlinks resolved): how the audit log names it.
    pub fn vault_real_path(&self) -> PathBuf {
        crate::vault::storage::real_path(self.vault.path())
    }

    /// Says that an entry is gone, and which agents it was detached from.
    pub fn report_removal(&self, kind: crate::vault::Kind, name: &str, detached: &[String]) {
        for agent in detached {
            self.record_change("detach", vec![name.to_owned()], Some(agent));
        }
        self.record_change(
            &format!("{} rm", kind.command()),
            vec![name.to_owned()],
            None,
        );
        self.ui.status(match detached {
            [] => format!("Removed {} {name}", kind.label()),
            agents => format!(
                "Removed {} {name} and detached it from {}",
                kind.label(),
                agents.join(", ")
            ),
        });
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
        Command::Provider(cmd) => return provider::run(&ctx, cmd),
        Command::Agent(cmd) => agent::run(&ctx, cmd)?,
        Command::Attach(args) => agent::attach(&ctx, &args)?,
        Command::Detach(args) => agent::detach(&ctx, &args)?,
        Command::Import(args) => import::run(&ctx, &args)?,
        Command::Export(args) => export::run(&ctx, &args)?,
        Command::Run(args) => return run::run(&ctx, args),
        Command::Proxy(args) => proxy::run(&ctx, &args)?,
        Command::Usage(args) => usage::run(&ctx, &args)?,
        Command::Audit(args) => audit::run(&ctx, &args)?,
        Command::Get(args) => entries::get(&ctx, &args)?,
        Command::List => entries::list(&ctx)?,
        Command::Recipient(cmd) => recipient::run(&ctx, cmd)?,
        Command::Remote(cmd) => remote::run(&ctx, cmd)?,
        Command::Pull(args) => remote::pull(&ctx, &args)?,
        Command::Push(args) => remote::push(&ctx, &args)?,
        Command::Identity(cmd) => identity::run(&ctx, cmd)?,
        Command::Doctor => return doctor::run(&ctx),
        Command::Completions(_) => {} // handled above, before any vault set-up
    }
    Ok(ExitCode::SUCCESS)
}

/// Now, at full precision: "changed since the last launch" compares instants that can fall
/// within the same second.
pub fn now() -> jiff::Timestamp {
    jiff::Timestamp::now()
}

/// A timestamp as people read it: local time to the minute.
pub fn local_time(ts: jiff::Timestamp) -> String {
    ts.to_zoned(local_zone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// The local time zone's rules: `TZ`, else /etc/localtime, else UTC. (jiff's own lookup also
/// finds the zone's name, by walking all of /usr/share/zoneinfo when /etc/localtime is a
/// copy: over a millisecond per command, for a name vault never shows.)
fn local_zone() -> jiff::tz::TimeZone {
    static ZONE: std::sync::OnceLock<jiff::tz::TimeZone> = std::sync::OnceLock::new();
    ZONE.get_or_init(|| {
        if let Some(tz) = std::env::var_os("TZ").and_then(|tz| tz.into_string().ok()) {
            let name = tz.trim_start_matches(':');
            if let Ok(zone) = jiff::tz::TimeZone::get(name) {
                return zone;
            }
        }
        std::fs::read("/etc/localtime")
            .ok()
            .and_then(|data| jiff::tz::TimeZone::tzif("localtime", &data).ok())
            .unwrap_or(jiff::tz::TimeZone::UTC)
    })
    .clone()
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
