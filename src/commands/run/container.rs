//! `vault run --image`: which engine, which network, and for a keyless run where the
//! container reaches its proxy. What each engine can do is checked before anything starts.

use std::ffi::OsString;
use std::net::TcpListener;

use anyhow::Result;

use super::super::UsageError;
use super::listener::ProxyAt;
use crate::cli::RunArgs;
use crate::launch::container::{self, Created, Engine, EngineError, Interrupts, Kind};
use crate::sandbox::{self, Network};
use crate::vault::Attached;
use crate::vault::agents::Agent;

/// podman's `init` (the container's namespaces made, its command not started) and `start
/// --attach` passing the exit status on: podman 2.0 and later.
const PODMAN_FOR_KEYLESS: (u32, u32) = (2, 0);

/// How the container runs.
pub struct Settings {
    pub engine: Engine,
    pub image: String,
    /// `--network` (or the agent's): the same words as for the sandbox.
    pub network: Option<Network>,
    /// For a keyless run: where the proxy is to be.
    pub proxy_at: Option<ProxyAt>,
}

impl Settings {
    /// What the engine is given before the image: vault's network choice, then the user's.
    pub fn engine_args(&self, args: &RunArgs) -> Vec<String> {
        let network = match self.network {
            None => None,
            Some(Network::Host) => Some("--network=host"),
            Some(Network::Proxy | Network::None) => Some("--network=none"),
        };
        network
            .map(str::to_owned)
            .into_iter()
            .chain(args.engine_args.iter().cloned())
            .collect()
    }

    /// The audit log's and the log's name for what runs.
    pub fn program_name(&self) -> String {
        let mut notes = Vec::new();
        if self.proxy_at.is_some() {
            notes.push("keyless".to_owned());
        }
        if let Some(network) = self.network {
            notes.push(format!("network {}", network.as_str()));
        }
        match notes.is_empty() {
            true => format!("{}: {}", self.engine.name, self.image),
            false => format!(
                "{}: {} ({})",
                self.engine.name,
                self.image,
                notes.join(", ")
            ),
        }
    }

    /// Whether the container is created and its proxy bound inside before it starts.
    pub fn proxy_inside(&self) -> bool {
        self.proxy_at == Some(ProxyAt::InContainer)
    }
}

/// The engine and the container's network for `image`, checked against the engine.
pub fn settings(
    args: &RunArgs,
    agent: &Agent,
    attached: &[Attached<'_>],
    keyless: bool,
    image: &str,
) -> Result<Settings> {
    let named = args.engine.clone().or_else(|| {
        std::env::var("VAULT_CONTAINER_ENGINE")
            .ok()
            .filter(|e| !e.is_empty())
    });
    let engine = container::find_engine(named.as_deref(), std::env::var_os("PATH").as_deref())?;
    if let Some(a) = attached
        .iter()
        .find(|a| container::configures_engine(a.env_name))
    {
        return Err(UsageError(format!(
            "{} is attached to {} as {}, a variable that configures the container engine \
             itself (it could send the container and its values to another daemon); attach it \
             under another name (vault attach {} {} --as OTHER) or run without a container \
             (--no-container)",
            a.entry_name, args.agent, a.env_name, args.agent, a.entry_name
        ))
        .into());
    }
    let network = args.network.or(agent.network);
    let chosen = container::network_args(&args.engine_args);
    if let (Some(network), Some(given)) = (network, chosen.first()) {
        return Err(UsageError(format!(
            "--network {} gives the container its network, and --engine-arg {given} chooses \
             one too: drop one of them",
            network.as_str()
        ))
        .into());
    }
    if network == Some(Network::Proxy) && !keyless {
        return Err(UsageError(
            "--network proxy leaves the container nothing but the vault proxy, which only \
             keyless runs have: add --keyless, or use --network none"
                .into(),
        )
        .into());
    }
    let proxy_at = match keyless {
        true => Some(proxy_at(&engine, network, &args.engine_args)?),
        false => None,
    };
    Ok(Settings {
        engine,
        image: image.to_owned(),
        network,
        proxy_at,
    })
}

/// Where a keyless container reaches its proxy, for this engine and network.
fn proxy_at(engine: &Engine, network: Option<Network>, engine_args: &[String]) -> Result<ProxyAt> {
    // Sharing this machine's network, the container reaches its loopback; with none, it
    // reaches nothing (as a sandbox with --network none).
    if matches!(network, Some(Network::Host | Network::None))
        || container::shares_host_network(engine_args)
    {
        return Ok(ProxyAt::Loopback);
    }
    // An engine that cannot say what it is was named wrongly: a usage error, like any other.
    let identified = engine.identify().map_err(|e| UsageError(e.to_string()))?;
    let version = &identified.version;
    match identified.kind {
        Kind::Podman => {
            if identified.major_minor() < PODMAN_FOR_KEYLESS {
                return Err(UsageError(format!(
                    "{} is podman {version}, too old to give a container a proxy of its own: \
                     keyless containers need podman {}.{} or later (podman init); upgrade it, \
                     or run with --network host",
                    engine.name, PODMAN_FOR_KEYLESS.0, PODMAN_FOR_KEYLESS.1
                ))
                .into());
            }
            Ok(ProxyAt::InContainer)
        }
        Kind::Docker => {
            let daemon = engine.docker_daemon().map_err(|e| {
                UsageError(format!(
                    "{} cannot reach its daemon, which a keyless container needs asked first \
                     (docker {version}): {e}",
                    engine.name
                ))
            })?;
            if network == Some(Network::Proxy) {
                return Err(UsageError(format!(
                    "docker {} cannot give a container only the proxy: --network proxy needs \
                     the container's own network namespace before its command starts, and \
                     docker has no step between making a container and starting it (podman \
                     has: --engine podman); or leave --network out, and the container reaches \
                     the proxy on docker's bridge",
                    daemon.version
                ))
                .into());
            }
            if daemon.rootless {
                return Err(UsageError(format!(
                    "docker {} is rootless: its containers' bridge is inside rootlesskit's \
                     network namespace, where a proxy on this machine cannot listen; use \
                     podman (--engine podman), which does this rootless",
                    daemon.version
                ))
                .into());
            }
            let gateway = daemon.gateway.ok_or_else(|| {
                UsageError(format!(
                    "docker {}'s default bridge network has no gateway address, where a \
                     keyless container reaches the proxy (docker network inspect bridge); \
                     start docker with its bridge, or run with --network host",
                    daemon.version
                ))
            })?;
            Ok(ProxyAt::Gateway(gateway))
        }
    }
}

/// The names the engine passes on with `-e`: every attached one (its value may be
/// inherited, with --keep-env), and what vault gives besides (a keyless run's base URLs).
pub fn env_names<'a>(
    attached: &'a [Attached<'_>],
    child_env: &'a [(OsString, crate::launch::env::EnvValue<'_>)],
) -> Vec<&'a str> {
    let mut names: Vec<&str> = attached.iter().map(|a| a.env_name).collect();
    for (name, value) in child_env {
        if let Some(name) = name
            .to_str()
            .filter(|n| value.is_given() && !names.contains(n))
        {
            names.push(name);
        }
    }
    names
}

/// The port the proxy has inside a container (as inside a sandbox).
pub const PORT_INSIDE: u16 = sandbox::PROXY_PORT_INSIDE;

/// A container made for a keyless run, its proxy's socket bound inside; or why not.
pub enum Made {
    Ready {
        created: Created,
        listener: TcpListener,
    },
    /// The engine's own failure (its message is above this one).
    EngineFailed(anyhow::Error),
    /// A signal came while it was being made: it is removed again, and vault exits as the
    /// signal would have had it.
    Interrupted(i32),
}

/// Creates the container (`create_args`, values in `env`), makes its namespaces and binds the
/// proxy's port inside, stopping at the first signal in `interrupts`. What was made is
/// removed again on every way out but `Ready`.
pub fn make(
    boxed: &Settings,
    create_args: &[OsString],
    env: &[(OsString, crate::launch::env::EnvValue<'_>)],
    interrupts: &Interrupts,
) -> Result<Made> {
    let engine = &boxed.engine;
    let created = match engine.create(create_args, env) {
        Ok(created) => created,
        Err(_) if interrupts.caught().is_some() => {
            return Ok(Made::Interrupted(interrupts.caught().unwrap_or_default()));
        }
        Err(e @ EngineError::Failed { .. }) => {
            return Ok(Made::EngineFailed(anyhow::Error::new(e).context(format!(
                "{} could not make a container of the image {}",
                engine.name, boxed.image
            ))));
        }
        Err(e) => return Err(e.into()),
    };
    // A step that failed because a signal ended the engine's process (Ctrl-C reaches the
    // whole process group) is the signal's doing, not the engine's.
    macro_rules! step {
        ($result:expr) => {{
            let result = $result;
            if let Some(signal) = interrupts.caught() {
                return Ok(Made::Interrupted(signal));
            }
            result?
        }};
    }
    if let Some(signal) = interrupts.caught() {
        return Ok(Made::Interrupted(signal));
    }
    let pid = step!(created.init());
    let listener = step!(container::netns::listen_in(pid, PORT_INSIDE));
    Ok(Made::Ready { created, listener })
}
