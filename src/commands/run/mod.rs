//! `vault run AGENT [-- CMD…]`: starts the command with exactly the agent's attached values
//! added to its environment, stays in between to forward signals and mask output, and exits
//! with the command's status. Every run is recorded (names, never values).

use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Result;

mod container;
mod listener;
mod sandbox;

use listener::{ProxyAt, ProxyListener};

use super::{Context, UsageError, now};
use crate::audit::{Event, Record};
use crate::cli::{MaskMode, RunArgs};
use crate::launch::container::{ENGINE_FAILED, Interrupts};
use crate::launch::env::{self, EnvOptions, Keyless};
use crate::launch::mask::Secrets;
use crate::launch::process::{self, Launch};
use crate::providers::Provider;
use crate::vault::agents::check_agent_name;
use crate::vault::keyless::TokenHash;
use crate::vault::{Attached, Document, Kind};

pub fn run(ctx: &Context, args: RunArgs) -> Result<ExitCode> {
    check_agent_name(&args.agent)?;
    // Taken before the vault is read: a value changed after this moment makes the agent's
    // status "restart needed", even if it changed while this run was starting.
    let started = now();
    let doc = ctx.open()?;
    let agent = doc.agent(&args.agent)?;
    let command = if args.command.is_empty() {
        agent.command.clone()
    } else {
        args.command.clone()
    };
    let image = if args.no_container {
        None
    } else {
        args.image.clone().or_else(|| agent.image.clone())
    };
    if image.is_none() && command.is_empty() {
        return Err(UsageError(format!(
            "no command to run: give one (vault run {a} -- CMD ARGS…), or store one with \
             vault agent set {a} --command CMD…",
            a = args.agent
        ))
        .into());
    }
    if image.is_none() && (args.engine.is_some() || !args.engine_args.is_empty()) {
        return Err(UsageError(
            "--engine and --engine-arg are for containers: give --image IMAGE (or store one \
             with vault agent set AGENT --image IMAGE)"
                .into(),
        )
        .into());
    }
    let attached = doc.attached(&args.agent)?;
    let keyless = !args.no_keyless && (args.keyless || agent.keyless);
    if keyless && args.keep_env {
        return Err(UsageError(
            "--keep-env lets inherited variables win, so an inherited provider key and base URL \
             would pass the proxy by; keyless runs do not take it"
                .into(),
        )
        .into());
    }
    let contained = sandbox::settings(ctx, &args, agent, keyless, image.is_some())?;
    let boxed = image
        .as_deref()
        .map(|image| container::settings(&args, agent, &attached, keyless, image))
        .transpose()?;
    let proxy_at = match (&boxed, &contained) {
        (Some(boxed), _) => boxed.proxy_at.unwrap_or(ProxyAt::Loopback),
        (None, Some(c)) if c.network == crate::sandbox::Network::Proxy => ProxyAt::SandboxSocket,
        (None, _) => ProxyAt::Loopback,
    };
    let (keyless, mut proxy) = match keyless {
        true => match prepare_keyless(ctx, &doc, &args.agent, &attached, proxy_at)? {
            Some(k) => (Some(k.env), Some((k.config, k.listener))),
            None => (None, None),
        },
        false => (None, None),
    };
    let names: Vec<String> = attached.iter().map(|a| a.entry_name.to_owned()).collect();
    let mask = |is_terminal: bool| match args.mask {
        MaskMode::Always => true,
        MaskMode::Never => false,
        MaskMode::Auto => !is_terminal,
    };
    let (mask_stdout, mask_stderr) = (
        mask(std::io::stdout().is_terminal()),
        mask(std::io::stderr().is_terminal()),
    );
    // The matcher is built only when some output is masked; if it cannot be, nothing runs.
    let secrets = if mask_stdout || mask_stderr {
        Some(Arc::new(Secrets::new(
            attached
                .iter()
                .filter(|a| a.entry.kind.is_sensitive())
                .map(|a| a.entry.value.expose().as_bytes())
                .chain(keyless.iter().map(|k| k.token.expose().as_bytes())),
        )?))
    } else {
        None
    };
    let child_env = env::plan(
        std::env::vars_os(),
        &attached,
        EnvOptions {
            keep_env: args.keep_env,
            isolate: args.isolate,
            keyless: keyless.as_ref(),
            sandboxed: contained.is_some(),
        },
    );
    // In a container, the engine is the child: it passes the attached names on with -e.
    let mut sandbox_pipes = None;
    // For a container made before it starts: signals noted until the engine has started it.
    let mut interrupts = None;
    let (program, program_args, created) = match &image {
        None => {
            let (program, rest): (OsString, Vec<OsString>) = command
                .split_first()
                .map(|(p, rest)| (OsString::from(p), rest.iter().map(OsString::from).collect()))
                .unwrap_or_default();
            match &contained {
                // bubblewrap is the child; the command starts inside.
                Some(settings) => {
                    let socket = proxy.as_ref().and_then(|(_, l)| l.socket());
                    let (bwrap, bwrap_args, pipes) =
                        sandbox::start(ctx, &doc, settings, &program, &rest, &child_env, socket)?;
                    sandbox_pipes = Some(pipes);
                    (bwrap, bwrap_args, None)
                }
                None => (program, rest, None),
            }
        }
        Some(_) => {
            let boxed = boxed
                .as_ref()
                .ok_or_else(|| anyhow::anyhow!("no container settings"))?;
            let names = container::env_names(&attached, &child_env);
            let tty = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
            let engine_args = boxed.engine_args(&args);
            let engine = &boxed.engine;
            if !boxed.proxy_inside() {
                let run_args = crate::launch::container::run_args(
                    "run",
                    &boxed.image,
                    &names,
                    &engine_args,
                    &command,
                    tty,
                );
                (engine.path.clone().into_os_string(), run_args, None)
            } else {
                // Created first, so that the proxy listens inside before the command starts.
                let create_args = crate::launch::container::run_args(
                    "create",
                    &boxed.image,
                    &names,
                    &engine_args,
                    &command,
                    tty,
                );
                let caught = Interrupts::catch()?;
                let made = container::make(boxed, &create_args, &child_env, &caught);
                interrupts = Some(caught);
                let created = match made? {
                    container::Made::Ready { created, listener } => {
                        if let Some((_, place)) = proxy.as_mut() {
                            place.bound(listener);
                        }
                        created
                    }
                    container::Made::EngineFailed(e) => {
                        ctx.ui.error(&e);
                        return Ok(ExitCode::from(ENGINE_FAILED));
                    }
                    container::Made::Interrupted(signal) => {
                        return Ok(ExitCode::from(128u8.saturating_add(signal as u8)));
                    }
                };
                let start = created.start_args();
                (engine.path.clone().into_os_string(), start, Some(created))
            }
        }
    };
    let shown = command.first().map_or("", String::as_str);
    let program_name = match &boxed {
        Some(boxed) => boxed.program_name(),
        None => match (proxy.is_some(), contained.is_some()) {
            (true, true) => format!("{shown} (keyless, sandbox)"),
            (true, false) => format!("{shown} (keyless)"),
            (false, true) => format!("{shown} (sandbox)"),
            (false, false) => shown.to_owned(),
        },
    };
    let launch = Launch {
        program: program.clone(),
        args: program_args,
        env: child_env,
        mask_stdout,
        mask_stderr,
        // With a terminal, the child must share vault's process group (it is the terminal's
        // foreground job); without one, its own group keeps group-wide signals from reaching
        // it twice. A sandbox has no terminal of its own: everything reaches it through vault.
        own_process_group: sandbox_pipes.is_some() || !std::io::stdin().is_terminal(),
        sandbox: sandbox_pipes,
    };
    log::info!(
        "running {program_name} for agent {} with {} attached values",
        args.agent,
        attached.len()
    );

    // The proxy serves from before the child starts until after it ends.
    let proxy = proxy
        .map(|(config, listener)| listener.serve(config))
        .transpose()?;
    let outcome = process::start(launch, secrets);
    if let Ok(running) = &outcome {
        if let Some(created) = created {
            created.started();
        }
        // A signal in the moment before the engine started: it is the engine's now.
        if let Some(signal) = interrupts.as_ref().and_then(Interrupts::caught) {
            process::signal(running.pid(), signal);
        }
    }
    drop(interrupts);
    drop(keyless);
    // The child has its environment: the rest of the vault need not stay in memory while
    // it runs (which may be for days).
    drop(attached);
    drop(doc);
    let vault_path = ctx.vault_real_path();
    let record = |event: Event, pid: Option<u32>, status: Option<i32>| Record {
        time: now(),
        event,
        command: "run".into(),
        names: names.clone(),
        agent: Some(args.agent.clone()),
        program: Some(program_name.clone()),
        pid,
        status,
        started: Some(started),
        vault: Some(vault_path.clone()),
    };
    let (pid, result) = match outcome {
        Ok(running) => {
            if let Err(e) = ctx
                .state
                .stamp_launch(ctx.vault.path(), &args.agent, started)
            {
                ctx.ui
                    .warn(format!("could not note the launch of {}: {e}", args.agent));
            }
            let pid = running.pid();
            // A start line now, so that a run still going (or a vault killed with SIGKILL)
            // is in the log too; the run's own line follows when it ends.
            append(ctx, &record(Event::Start, Some(pid), None));
            (Some(pid), running.wait())
        }
        Err(e) => (None, Err(e)),
    };
    let code = match &result {
        Ok(status) => process::exit_code(*status),
        Err(e) => e.exit_code(),
    };
    drop(proxy);
    append(ctx, &record(Event::Run, pid, Some(i32::from(code))));
    match result {
        Err(e) => ctx.ui.error(&anyhow::Error::new(e)),
        Ok(_) if code == ENGINE_FAILED => {
            if let Some(boxed) = &boxed {
                ctx.ui.error(&anyhow::anyhow!(
                    "{} could not run the image {} (exit {code}); its own message is above",
                    boxed.engine.name,
                    boxed.image
                ));
            }
        }
        Ok(_) => {}
    }
    Ok(ExitCode::from(code))
}

fn append(ctx: &Context, record: &Record) {
    if let Err(e) = ctx.state.append(record) {
        ctx.ui.warn(format!(
            "the run is not in the audit log {}: {e}",
            ctx.state.log_path().display()
        ));
    }
}

/// What a keyless run needs: the child's token and proxy addresses, and the proxy itself,
/// bound to a free loopback port and ready to serve.
struct KeylessRun {
    env: Keyless,
    config: crate::proxy::Config,
    listener: ProxyListener,
}

/// `at`: where the agent reaches it (see [`ProxyAt`]).
fn prepare_keyless(
    ctx: &Context,
    doc: &Document,
    agent: &str,
    attached: &[Attached<'_>],
    at: ProxyAt,
) -> Result<Option<KeylessRun>> {
    // A real credential stored as a plain secret would reach the agent as it is.
    let credentials = crate::providers::key_env_names();
    if let Some(a) = attached
        .iter()
        .find(|a| a.entry.kind != Kind::Provider && credentials.contains(&a.env_name))
    {
        return Err(UsageError(format!(
            "{} is attached to {agent} as {}, a variable clients read a provider credential \
             from, but it is a plain {}, so a keyless run would hand it over as it is; store \
             the key with vault provider add (keyless mode replaces provider keys), or detach \
             it (vault detach {agent} {})",
            a.entry_name, a.env_name, a.entry.kind, a.entry_name
        ))
        .into());
    }
    for a in attached.iter().filter(|a| a.entry.kind == Kind::Secret) {
        if let Some((provider, _)) = crate::providers::recognise(a.entry.value.expose()) {
            ctx.ui.warn(format!(
                "{} (attached to {agent} as {}) looks like {} key, and reaches the agent as it \
                 is: keyless mode replaces only provider keys (vault provider add {})",
                a.entry_name, a.env_name, provider.name, provider.id
            ));
        }
    }
    if !attached.iter().any(|a| a.entry.kind == Kind::Provider) {
        ctx.ui.warn(format!(
            "agent {agent} has no provider key attached, so --keyless has nothing to replace; \
             it runs as usual"
        ));
        return Ok(None);
    }
    let token = crate::proxy::token::generate()
        .map_err(|e| anyhow::anyhow!("cannot draw random bytes for the run's token: {e}"))?;
    let config = crate::proxy::Config::new(
        doc,
        &[(agent.to_owned(), TokenHash::of(token.expose()))],
        ctx.vault_real_path(),
        super::proxy::pricing(ctx)?,
        ctx.state.usage_log(),
    )?;
    // The providers the proxy serves this agent (an agent has one key per provider).
    let providers: Vec<&'static Provider> = config
        .routes
        .iter()
        .flat_map(|r| &r.upstreams)
        .map(|u| u.provider)
        .collect();
    crate::proxy::keep_out_of_debuggers();
    let (listener, addr) = ProxyListener::bind(at)?;
    let mut urls = Vec::new();
    for provider in providers {
        let (env, url) = crate::proxy::base_url_for(provider, addr);
        // (What else comes with a key attached under its SDK's name, attach already keeps
        // free.)
        if let Some(a) = attached.iter().find(|a| a.env_name == env) {
            return Err(UsageError(format!(
                "{} is attached to {agent} as {env}, which keyless mode sets to the proxy's \
                 address; attach it under another name (vault attach {agent} {} --as OTHER) \
                 or run without --keyless",
                a.entry_name, a.entry_name
            ))
            .into());
        }
        urls.push((provider.id, env, url));
    }
    Ok(Some(KeylessRun {
        env: Keyless { token, urls },
        config,
        listener,
    }))
}
