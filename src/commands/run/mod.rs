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
use crate::proxy::live::Stamp;
use crate::vault::keyless::TokenHash;
use crate::vault::{Attached, Document, Kind};

pub fn run(ctx: &Context, args: RunArgs) -> Result<ExitCode> {
    // The scope is for the thread that reads the vault again for a keyless run's proxy.
    std::thread::scope(|scope| run_in(ctx, args, scope))
}

fn run_in<'s, 'c>(
    ctx: &'c Context,
    args: RunArgs,
    scope: &'s std::thread::Scope<'s, 'c>,
) -> Result<ExitCode> {
    // Taken before the vault is read: a value changed after this moment makes the agent's
    // status "restart needed", even if it changed while this run was starting.
    let started = now();
    // Taken before the vault is read: a save made while it is read is then a new version.
    let stamp = Stamp::of(ctx.vault.path());
    let keys = ctx.keys()?;
    let doc = ctx.vault.open(&keys)?;
    let doc = super::live::refresh(ctx, &keys, doc, (&args.agent, started))?;
    let plan = plan(ctx, &doc, &args)?;
    let (keyless, mut proxy) = match plan.keyless {
        true => match prepare_keyless(ctx, &doc, &args.agent, &plan.attached, plan.proxy_at)? {
            Some(mut k) => {
                k.config.run_budget = args.budget;
                (Some(k.env), Some((k.config, k.listener)))
            }
            None => (None, None),
        },
        false => (None, None),
    };
    // A keyless run's proxy follows the vault while the agent runs: a rotated key, a detach
    // or the agent's removal count from the next request.
    let following = match (&mut proxy, &keyless) {
        (Some((config, _)), Some(keyless)) => {
            let token = (
                args.agent.to_string(),
                TokenHash::of(keyless.token.expose()),
            );
            let keys = super::proxy::shared(keys);
            let follower = super::proxy::follower(ctx, Arc::clone(&keys), Some(vec![token]))?;
            config.follow = Some(follower.follow(ctx.vault.path().to_owned(), stamp));
            // Its live provider keys, fetched again from their servers while it runs.
            let agent = args.agent.to_string();
            let served: super::live::Served = Box::new(move |_| vec![agent.clone()]);
            let live = super::live::follow(ctx, &doc, keys, served, Some(started));
            Some((follower.spawn(scope), live))
        }
        _ => None,
    };
    let (mask_stdout, mask_stderr) = masked_streams(args.mask);
    // The matcher is built only when some output is masked; if it cannot be, nothing runs.
    let secrets = match mask_stdout || mask_stderr {
        true => Some(Arc::new(Secrets::new(
            plan.attached
                .iter()
                .filter(|a| a.entry.kind().is_sensitive())
                .map(|a| a.entry.value().expose().as_bytes())
                .chain(keyless.iter().map(|k| k.token.expose().as_bytes())),
        )?)),
        false => None,
    };
    let child_env = env::plan(
        std::env::vars_os(),
        &plan.attached,
        EnvOptions {
            keep_env: args.keep_env,
            isolate: args.isolate,
            keyless: keyless.as_ref(),
            sandboxed: plan.contained.is_some(),
        },
    );
    let mut proxy = proxy;
    let child = match child(ctx, &doc, &plan, &args, &child_env, &mut proxy)? {
        Prepared::Child(child) => *child,
        Prepared::Exit(code) => return Ok(code),
    };
    let program_name = plan.program_name(proxy.is_some());
    let launch = Launch {
        program: child.program,
        args: child.args,
        env: child_env,
        mask_stdout,
        mask_stderr,
        // With a terminal, the child must share vault's process group (it is the terminal's
        // foreground job); without one, its own group keeps group-wide signals from reaching
        // it twice. A sandbox has no terminal of its own: everything reaches it through vault.
        own_process_group: child.sandbox.is_some() || !std::io::stdin().is_terminal(),
        sandbox: child.sandbox,
    };
    log::info!(
        "running {program_name} for agent {} with {} attached values",
        args.agent,
        plan.attached.len()
    );
    let record = RunRecord {
        agent: args.agent.to_string(),
        names: plan
            .attached
            .iter()
            .map(|a| a.entry_name.to_owned())
            .collect(),
        program: program_name,
        started,
        vault: ctx.vault_real_path(),
        keyless: plan.keyless,
    };
    let engine = plan.boxed.map(|b| (b.engine.name, b.image));
    // The proxy serves from before the child starts until after it ends.
    let proxy = proxy
        .map(|(config, listener)| listener.serve(config))
        .transpose()?;
    let outcome = process::start(launch, secrets);
    if let Ok(running) = &outcome {
        if let Some(created) = child.created {
            created.started();
        }
        // A signal in the moment before the engine started: it is the engine's now.
        if let Some(signal) = child.interrupts.as_ref().and_then(Interrupts::caught) {
            process::signal(running.pid(), signal);
        }
    }
    drop(child.interrupts);
    drop(keyless);
    // The child has its environment: the rest of the vault need not stay in memory while
    // it runs (which may be for days).
    drop(plan.attached);
    drop(doc);
    let code = wait_and_record(ctx, outcome, &record, engine.as_ref());
    drop(proxy);
    drop(following);
    Ok(ExitCode::from(code))
}

/// Which output streams are masked: `--mask`, and for `auto` whether each is a terminal.
fn masked_streams(mode: MaskMode) -> (bool, bool) {
    let mask = |is_terminal: bool| match mode {
        MaskMode::Always => true,
        MaskMode::Never => false,
        MaskMode::Auto => !is_terminal,
    };
    (
        mask(std::io::stdout().is_terminal()),
        mask(std::io::stderr().is_terminal()),
    )
}

/// What a run will do, decided from its arguments and the agent before anything starts:
/// each refusal of what cannot be done is here.
struct Plan<'d> {
    attached: Vec<Attached<'d>>,
    command: Vec<String>,
    keyless: bool,
    /// The sandbox's settings, when the command is sandboxed on this machine.
    contained: Option<sandbox::Settings>,
    /// The container's, when it runs in one.
    boxed: Option<container::Settings>,
    /// Where a keyless run's proxy is to be.
    proxy_at: ProxyAt,
}

fn plan<'d>(ctx: &Context, doc: &'d Document, args: &RunArgs) -> Result<Plan<'d>> {
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
    if args.budget.is_some() && !keyless {
        return Err(UsageError(
            "--budget is kept by the keyless proxy, and this run gets the agent's keys: add \
             --keyless (or drop --budget)"
                .into(),
        )
        .into());
    }
    let contained = sandbox::settings(ctx, args, agent, keyless, image.is_some())?;
    let boxed = image
        .as_deref()
        .map(|image| container::settings(args, agent, &attached, keyless, image))
        .transpose()?;
    let proxy_at = match (&boxed, &contained) {
        (Some(boxed), _) => boxed.proxy_at.unwrap_or(ProxyAt::Loopback),
        (None, Some(c)) if c.network == crate::sandbox::Network::Proxy => ProxyAt::SandboxSocket,
        (None, _) => ProxyAt::Loopback,
    };
    Ok(Plan {
        attached,
        command,
        keyless,
        contained,
        boxed,
        proxy_at,
    })
}

impl Plan<'_> {
    /// The audit log's name for what runs: the program (never its arguments), or the engine
    /// and image, and how it runs.
    fn program_name(&self, keyless: bool) -> String {
        if let Some(boxed) = &self.boxed {
            return boxed.program_name();
        }
        let shown = self.command.first().map_or("", String::as_str);
        match (keyless, self.contained.is_some()) {
            (true, true) => format!("{shown} (keyless, sandbox)"),
            (true, false) => format!("{shown} (keyless)"),
            (false, true) => format!("{shown} (sandbox)"),
            (false, false) => shown.to_owned(),
        }
    }
}

/// The process vault starts: the command itself, bubblewrap with the command inside, or the
/// container engine.
struct Child {
    program: OsString,
    args: Vec<OsString>,
    /// The pipes to the sandbox's init.
    sandbox: Option<crate::launch::process::Contained>,
    /// A container made before it starts, removed unless it does.
    created: Option<crate::launch::container::Created>,
    /// Signals noted while it was made, until the engine has started it.
    interrupts: Option<Interrupts>,
}

enum Prepared {
    Child(Box<Child>),
    /// Nothing is started: vault exits with this (the engine's failure, or a signal).
    Exit(ExitCode),
}

/// What `plan` starts, with `child_env` its environment; a keyless container's proxy place
/// in `proxy` is bound inside the container here.
fn child(
    ctx: &Context,
    doc: &Document,
    plan: &Plan<'_>,
    args: &RunArgs,
    child_env: &[(OsString, env::EnvValue<'_>)],
    proxy: &mut Option<(crate::proxy::Config, ProxyListener)>,
) -> Result<Prepared> {
    let plain = |program, args| Child {
        program,
        args,
        sandbox: None,
        created: None,
        interrupts: None,
    };
    let Some(boxed) = &plan.boxed else {
        let (program, rest): (OsString, Vec<OsString>) = plan
            .command
            .split_first()
            .map(|(p, rest)| (OsString::from(p), rest.iter().map(OsString::from).collect()))
            .unwrap_or_default();
        let Some(settings) = &plan.contained else {
            return Ok(Prepared::Child(Box::new(plain(program, rest))));
        };
        // bubblewrap is the child; the command starts inside.
        let socket = proxy.as_ref().and_then(|(_, l)| l.socket());
        let (bwrap, bwrap_args, pipes) =
            sandbox::start(ctx, doc, settings, &program, &rest, child_env, socket)?;
        return Ok(Prepared::Child(Box::new(Child {
            sandbox: Some(pipes),
            ..plain(bwrap, bwrap_args)
        })));
    };
    // In a container, the engine is the child: it passes the attached names on with -e.
    let names = container::env_names(&plan.attached, child_env);
    let tty = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let engine_args = boxed.engine_args(args);
    let engine_path = boxed.engine.path.clone().into_os_string();
    let verb = if boxed.proxy_inside() {
        "create"
    } else {
        "run"
    };
    let engine_command = crate::launch::container::run_args(
        verb,
        &boxed.image,
        &names,
        &engine_args,
        &plan.command,
        tty,
    );
    if !boxed.proxy_inside() {
        return Ok(Prepared::Child(Box::new(plain(
            engine_path,
            engine_command,
        ))));
    }
    // Created first, so that the proxy listens inside before the command starts.
    let caught = Interrupts::catch()?;
    let created = match container::make(boxed, &engine_command, child_env, &caught)? {
        container::Made::Ready { created, listener } => {
            if let Some((_, place)) = proxy.as_mut() {
                place.bound(listener);
            }
            created
        }
        container::Made::EngineFailed(e) => {
            ctx.ui.error(&e);
            return Ok(Prepared::Exit(ExitCode::from(ENGINE_FAILED)));
        }
        container::Made::Interrupted(signal) => {
            let code = 128u8.saturating_add(u8::try_from(signal).unwrap_or(0));
            return Ok(Prepared::Exit(ExitCode::from(code)));
        }
    };
    let start = created.start_args();
    Ok(Prepared::Child(Box::new(Child {
        created: Some(created),
        interrupts: Some(caught),
        ..plain(engine_path, start)
    })))
}

/// What the audit log says of a run, besides its pid and status.
struct RunRecord {
    agent: String,
    /// Started keyless: its provider keys are the proxy's, which follows the vault.
    keyless: bool,
    names: Vec<String>,
    program: String,
    started: jiff::Timestamp,
    vault: std::path::PathBuf,
}

impl RunRecord {
    fn record(&self, event: Event, pid: Option<u32>, status: Option<i32>) -> Record {
        Record {
            time: now(),
            event,
            command: "run".into(),
            names: self.names.clone(),
            agent: Some(self.agent.clone()),
            program: Some(self.program.clone()),
            pid,
            status,
            started: Some(self.started),
            vault: Some(self.vault.clone()),
        }
    }
}

/// Waits for the started child, writes the run's start and end to the audit log and stamps
/// the launch; the exit status vault passes on. `engine`: the engine and image, for its own
/// failures.
fn wait_and_record(
    ctx: &Context,
    outcome: Result<process::Running, process::LaunchError>,
    record: &RunRecord,
    engine: Option<&(String, String)>,
) -> u8 {
    let (pid, result) = match outcome {
        Ok(running) => {
            if let Err(e) = ctx.state.stamp_launch(
                ctx.vault.path(),
                &record.agent,
                record.started,
                record.keyless,
            ) {
                ctx.ui.warn(format!(
                    "could not note the launch of {}: {e}",
                    record.agent
                ));
            }
            let pid = running.pid();
            // A start line now, so that a run still going (or a vault killed with SIGKILL)
            // is in the log too; the run's own line follows when it ends.
            append(ctx, &record.record(Event::Start, Some(pid), None));
            (Some(pid), running.wait())
        }
        Err(e) => (None, Err(e)),
    };
    let code = match &result {
        Ok(status) => process::exit_code(*status),
        Err(e) => e.exit_code(),
    };
    append(ctx, &record.record(Event::Run, pid, Some(i32::from(code))));
    match result {
        Err(e) => ctx.ui.error(&anyhow::Error::new(e)),
        Ok(_) if code == ENGINE_FAILED => {
            if let Some((engine, image)) = engine {
                ctx.ui.error(&anyhow::anyhow!(
                    "{engine} could not run the image {image} (exit {code}); its own message \
                     is above"
                ));
            }
        }
        Ok(_) => {}
    }
    code
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
        .find(|a| a.entry.kind() != Kind::Provider && credentials.contains(&a.env_name))
    {
        return Err(UsageError(format!(
            "{} is attached to {agent} as {}, a variable clients read a provider credential \
             from, but it is a plain {}, so a keyless run would hand it over as it is; store \
             the key with vault provider add (keyless mode replaces provider keys), or detach \
             it (vault detach {agent} {})",
            a.entry_name,
            a.env_name,
            a.entry.kind(),
            a.entry_name
        ))
        .into());
    }
    for a in attached.iter().filter(|a| a.entry.kind() == Kind::Secret) {
        if let Some((provider, _)) = crate::providers::recognise(a.entry.value().expose()) {
            ctx.ui.warn(format!(
                "{} (attached to {agent} as {}) looks like {} key, and reaches the agent as it \
                 is: keyless mode replaces only provider keys (vault provider add {})",
                a.entry_name, a.env_name, provider.name, provider.id
            ));
        }
    }
    if !attached.iter().any(|a| a.entry.kind() == Kind::Provider) {
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
        ctx.state.usage_db(),
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
