//! `vault run --sandbox`: which runs are sandboxed and how (the options and the agent's
//! settings), which of vault's own files the sandbox hides, and bubblewrap as the child.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use std::os::fd::AsRawFd;

use anyhow::Result;

use super::super::{Context, UsageError};
use crate::cli::RunArgs;
use crate::launch::env::EnvValue;
use crate::launch::process::Contained;
use crate::sandbox::{self, Network, bwrap};
use crate::vault::Document;
use crate::vault::agents::Agent;

/// How a sandboxed run is set up.
pub struct Settings {
    pub network: Network,
    allow_write: Vec<PathBuf>,
    hide: Vec<PathBuf>,
    show: Vec<PathBuf>,
}

/// Whether this run is sandboxed, and how: `--sandbox`, else `--no-sandbox`, else the agent's
/// setting, else whether it runs keyless. What it leaves open without, a keyless run says.
pub fn settings(
    ctx: &Context,
    args: &RunArgs,
    agent: &Agent,
    keyless: bool,
    container: bool,
) -> Result<Option<Settings>> {
    let sandbox_only =
        !args.allow_write.is_empty() || !args.hide.is_empty() || !args.show.is_empty();
    if container {
        if args.sandbox || sandbox_only {
            return Err(UsageError(
                "--sandbox, --allow-write, --hide and --show are for commands on this machine: \
                 a container is contained by its engine (run with --no-container to sandbox \
                 the command here; --network works for both)"
                    .into(),
            )
            .into());
        }
        return Ok(None);
    }
    let sandbox_only = sandbox_only || args.network.is_some();
    let on = args.sandbox || (!args.no_sandbox && agent.sandbox.unwrap_or(keyless));
    if !on {
        if sandbox_only {
            return Err(UsageError(
                "--network, --allow-write, --hide and --show are the sandbox's: add --sandbox"
                    .into(),
            )
            .into());
        }
        if keyless {
            ctx.ui.warn(
                "running keyless without a sandbox: the command can still run vault itself, \
                 read your identity file and the vault, read other processes' environments and \
                 memory, rewrite its usage records and plant commands in your home directory \
                 (~/.bashrc); --sandbox closes that",
            );
        }
        return Ok(None);
    }
    let network = args.network.or(agent.network).unwrap_or_default();
    if network == Network::Proxy && !keyless {
        return Err(UsageError(
            "--network proxy leaves the command nothing but the vault proxy, which only keyless \
             runs have: add --keyless, or use --network none"
                .into(),
        )
        .into());
    }
    let allow_write = agent
        .allow_write
        .iter()
        .map(PathBuf::from)
        .chain(args.allow_write.iter().cloned())
        .collect();
    Ok(Some(Settings {
        network,
        allow_write,
        hide: args.hide.clone(),
        show: args.show.clone(),
    }))
}

/// bubblewrap, its arguments and the pipes to it, for `program args…` under `settings`.
pub fn start(
    ctx: &Context,
    doc: &Document,
    settings: &Settings,
    program: &OsStr,
    args: &[OsString],
    child_env: &[(OsString, EnvValue<'_>)],
    proxy_socket: Option<PathBuf>,
) -> Result<(OsString, Vec<OsString>, Contained)> {
    let bwrap = bwrap::find()?;
    let path = crate::launch::env::child_path(child_env);
    let resolved = crate::launch::process::resolve_program(program, path.as_deref())?;
    let resolved = std::path::absolute(&resolved).unwrap_or(resolved);
    // The home as the system knows it, HOME or not (unset, it must not let the working
    // directory be the home).
    let home = crate::paths::Locations::for_current_user()
        .ok()
        .and_then(|l| l.home_dir)
        .or_else(|| std::env::var_os("HOME").map(PathBuf::from));
    // The state directory exists before the sandbox does, so that it is hidden (a fresh CI
    // home gets it only at the run's first log line, after the sandbox is made).
    for dir in ctx.own_dirs() {
        if let Err(e) = crate::vault::storage::create_private_dir(&dir) {
            log::debug!("cannot make {}: {e}", dir.display());
        }
    }
    // The session's runtime directory (where XDG_RUNTIME_DIR says, or where systemd puts
    // it), and screen's sockets, which are in neither it nor /tmp.
    let uid = rustix::process::getuid().as_raw();
    let runtime_dir = std::env::var_os("XDG_RUNTIME_DIR")
        .map_or_else(|| PathBuf::from(format!("/run/user/{uid}")), PathBuf::from);
    let screen =
        std::env::var_os("SCREENDIR").map_or_else(|| PathBuf::from("/run/screen"), PathBuf::from);
    // tmux keeps its sockets in $TMUX_TMPDIR/tmux-UID when that is set (else in /tmp).
    let tmux =
        std::env::var_os("TMUX_TMPDIR").map(|d| PathBuf::from(d).join(format!("tmux-{uid}")));
    // The SSH agent's socket: it signs as the person for whoever reaches it.
    let mut hide = settings.hide.clone();
    hide.extend(std::env::var_os("SSH_AUTH_SOCK").map(PathBuf::from));
    let bus_socket = std::env::var("DBUS_SESSION_BUS_ADDRESS")
        .ok()
        .and_then(|a| sandbox::bus_socket(&a));
    let plan = sandbox::plan(&sandbox::Request {
        network: settings.network,
        cwd: std::env::current_dir().map_err(sandbox::SandboxError::WorkingDirectory)?,
        home: home.as_deref(),
        own: own_files(ctx, doc),
        allow_write: &settings.allow_write,
        hide: &hide,
        show: &settings.show,
        session_dirs: [Some(runtime_dir), Some(screen), tmux]
            .into_iter()
            .flatten()
            .collect(),
        bus_socket,
    })?;
    let (mut pipes, signal_fd, status_fd) = Contained::new(bwrap.clone())?;
    // The working directory as checked, held open: if it is swapped for a symlink (to the
    // home, say) after the check, bubblewrap still binds what was checked.
    let cwd = rustix::fs::open(
        &plan.cwd,
        rustix::fs::OFlags::PATH | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::NOFOLLOW,
        rustix::fs::Mode::empty(),
    )
    .map_err(|e| sandbox::SandboxError::WorkingDirectory(e.into()))?;
    let held = std::fs::read_link(format!("/proc/self/fd/{}", cwd.as_raw_fd()));
    if held.ok().as_deref() != Some(plan.cwd.as_path()) {
        return Err(
            sandbox::SandboxError::WorkingDirectory(std::io::Error::other(
                "it changed while the sandbox was being made",
            ))
            .into(),
        );
    }
    let cwd_fd = cwd.as_raw_fd();
    pipes.child_ends.push(cwd);
    let vault_exe = std::env::current_exe()?;
    let bwrap_args = bwrap::args(
        &plan,
        &bwrap::Start {
            vault_exe: &vault_exe,
            program: &resolved,
            arg0: program,
            args,
            signal_fd,
            status_fd,
            proxy_socket: proxy_socket.as_deref(),
            cwd_fd,
        },
    );
    log::debug!("sandbox: {plan:?}");
    Ok((bwrap.into_os_string(), bwrap_args, pipes))
}

/// Everything of vault's that the sandbox hides: the vault file and the files beside it, the
/// data, config and state directories, every identity file it would try, and the SSH keys
/// that are recipients of this vault (or that cannot be told apart from one).
fn own_files(ctx: &Context, doc: &Document) -> Vec<PathBuf> {
    let mut own = Vec::new();
    // The vault as named and as it really is (a symlink's target has its own backup).
    let named = ctx.vault.path();
    let real = named.canonicalize().unwrap_or_else(|_| named.to_owned());
    for vault in [named, real.as_path()] {
        let (Some(dir), Some(name)) = (vault.parent(), vault.file_name()) else {
            continue;
        };
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(read) = std::fs::read_dir(dir) {
            for sibling in read.flatten() {
                if sibling
                    .file_name()
                    .as_encoded_bytes()
                    .starts_with(name.as_encoded_bytes())
                {
                    own.push(sibling.path());
                }
            }
        }
        own.push(vault.to_owned());
    }
    own.extend(ctx.own_dirs());
    let identity = &ctx.identity;
    own.extend(identity.flag_file.iter().cloned());
    own.extend(identity.env_file.iter().cloned());
    own.push(identity.identity_file());
    let ssh_recipients: Vec<&str> = doc
        .recipients
        .iter()
        .map(|r| r.key.as_str())
        .filter(|k| k.starts_with("ssh-"))
        .collect();
    if let Some(ssh) = &identity.ssh_dir
        && !ssh_recipients.is_empty()
    {
        for name in crate::identity::SSH_KEY_NAMES {
            let key = ssh.join(name);
            let public = std::fs::read_to_string(ssh.join(format!("{name}.pub")));
            let recipient = |public: &str| {
                let mut words = public.split_whitespace();
                let key = format!(
                    "{} {}",
                    words.next().unwrap_or(""),
                    words.next().unwrap_or("")
                );
                ssh_recipients.iter().any(|r| r.starts_with(&key))
            };
            // Without its public half, a key might be a recipient: hidden too.
            if public.as_deref().map_or(true, recipient) {
                own.push(key);
            }
        }
    }
    own
}
