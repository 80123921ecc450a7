//! `vault run AGENT [-- CMD…]`: starts the command with exactly the agent's attached values
//! added to its environment, stays in between to forward signals and mask output, and exits
//! with the command's status. Every run is recorded (names, never values).

use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Result;

mod sandbox;

use super::{Context, UsageError, now};
use crate::audit::{Event, Record};
use crate::cli::{MaskMode, RunArgs};
use crate::launch::container;
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
    if keyless && image.is_some() {
        return Err(UsageError(
            "keyless runs use no container: the proxy listens on this machine's loopback, \
             which a container does not share; run with --no-container, or with --no-keyless"
                .into(),
        )
        .into());
    }
    let contained = sandbox::settings(ctx, &args, agent, keyless, image.is_some())?;
    let network = contained.as_ref().map(|c| c.network);
    let (keyless, proxy) = match keyless {
        true => match prepare_keyless(ctx, &doc, &args.agent, &attached, network)? {
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
    let (program, program_args, engine) = match &image {
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
        Some(image) => {
            let named = args.engine.clone().or_else(|| {
                std::env::var("VAULT_CONTAINER_ENGINE")
                    .ok()
                    .filter(|e| !e.is_empty())
            });
            let engine =
                container::find_engine(named.as_deref(), std::env::var_os("PATH").as_deref())?;
            if let Some(a) = attached
                .iter()
                .find(|a| container::configures_engine(a.env_name))
            {
                return Err(UsageError(format!(
                    "{} is attached to {} as {}, a variable that configures the container \
                     engine itself (it could send the container and its values to another \
                     daemon); attach it under another name (vault attach {} {} --as OTHER) or \
                     run without a container (--no-container)",
                    a.entry_name, args.agent, a.env_name, args.agent, a.entry_name
                ))
                .into());
            }
            // Every attached name (its value may be inherited, with --keep-env), and what
            // comes with provider keys.
            let mut names: Vec<&str> = attached.iter().map(|a| a.env_name).collect();
            for (name, value) in &child_env {
                if let Some(name) = name
                    .to_str()
                    .filter(|n| value.is_given() && !names.contains(n))
                {
                    names.push(name);
                }
            }
            let tty = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
            let run_args = container::run_args(image, &names, &args.engine_args, &command, tty);
            (
                engine.path.clone().into_os_string(),
                run_args,
                Some((engine, image.clone())),
            )
        }
    };
    let shown = command.first().map_or("", String::as_str);
    let program_name = match &engine {
        Some((engine, image)) => format!("{} (image {image})", engine.name),
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
        Ok(_) if code == container::ENGINE_FAILED => {
            if let Some((engine, image)) = &engine {
                ctx.ui.error(&anyhow::anyhow!(
                    "{} could not run the image {image} (exit {code}); its own message is \
                     above",
                    engine.name
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
    listener: sandbox::ProxyListener,
}

/// `network`: the sandbox's, when there is one (with `proxy`, the proxy listens on a unix
/// socket that only the sandbox is given, and the agent reaches it on a fixed port inside).
fn prepare_keyless(
    ctx: &Context,
    doc: &Document,
    agent: &str,
    attached: &[Attached<'_>],
    network: Option<crate::sandbox::Network>,
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
    let (listener, addr) = sandbox::ProxyListener::bind(network)?;
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
