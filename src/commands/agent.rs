//! `vault agent create|set|list|show|rm`, `vault attach` and `vault detach`: which values each
//! agent gets, under which names, and whether a running agent has the latest of them.
//!
//! Long: the whole agent command group (create and its wizard, set, show, list, token, attach,
//! detach, rm), each a short function over the model.

use std::path::PathBuf;

use anyhow::Result;
use serde_json::json;

use super::{Context, UsageError, local_time, now};
use crate::cli::{AgentCommand, AgentSetArgs, AttachArgs, DetachArgs};
use crate::names::{AgentName, EnvName};
use crate::vault::keyless::TokenHash;
use crate::vault::{
    Agent, AgentChanges, AttachOutcome, Attached, Document, Kind, ModelError, VaultError,
};

/// Names as the audit log takes them.
fn to_strings(names: &[EnvName]) -> Vec<String> {
    names.iter().map(ToString::to_string).collect()
}

pub fn run(ctx: &Context, cmd: AgentCommand) -> Result<()> {
    match cmd {
        AgentCommand::Create {
            name,
            attach,
            image,
            keyless,
            sandbox,
            network,
            allow_write,
            command,
        } => {
            let settings = AgentChanges {
                keyless: keyless.then_some(true),
                sandbox: sandbox.then_some(true),
                network,
                allow_write: (!allow_write.is_empty())
                    .then(|| absolute_paths(&allow_write))
                    .transpose()?,
                ..AgentChanges::default()
            };
            create(ctx, name, attach, image, settings, command)
        }
        AgentCommand::Set(args) => set(ctx, args),
        AgentCommand::Token { name } => token(ctx, &name, false),
        AgentCommand::RotateToken { name } => token(ctx, &name, true),
        AgentCommand::List => list(ctx),
        AgentCommand::Show { name } => show(ctx, &name),
        AgentCommand::Rm { name } => {
            let keys = ctx.keys()?;
            ctx.vault
                .update(&keys, |doc| Ok(doc.remove_agent(&name)?))?;
            ctx.state.forget(ctx.vault.path(), &name);
            ctx.record_change("agent rm", Vec::new(), Some(&name));
            ctx.ui.status(format!(
                "Removed agent {name} (the entries it used stay in the vault)"
            ));
            Ok(())
        }
    }
}

fn set(ctx: &Context, args: AgentSetArgs) -> Result<()> {
    let name = args.name;
    // A flag that sets a value and one that clears it: the change, if any.
    fn change<T>(set: Option<T>, clear: bool) -> Option<Option<T>> {
        match (set, clear) {
            (Some(value), _) => Some(Some(value)),
            (None, true) => Some(None),
            (None, false) => None,
        }
    }
    let command = (!args.command.is_empty()).then_some(args.command);
    let changes = AgentChanges {
        image: change(args.image, args.no_image),
        command: change(command, args.no_command).map(Option::unwrap_or_default),
        keyless: change(args.keyless.then_some(true), args.no_keyless)
            .map(|on| on.unwrap_or(false)),
        rates: args.rates,
        budget: change(args.budget, args.no_budget),
        requests: args.requests.map(|l| l.0),
        tokens: args.tokens.map(|l| l.0),
        concurrency: args.concurrency.map(|c| c.0),
        sandbox: change(args.sandbox.then_some(true), args.no_sandbox)
            .map(|on| on.unwrap_or(false)),
        network: args.network,
        allow_write: change(
            (!args.allow_write.is_empty())
                .then(|| absolute_paths(&args.allow_write))
                .transpose()?,
            args.no_allow_write,
        )
        .map(Option::unwrap_or_default),
        models: args.models,
        endpoints: change(
            (!args.endpoints.is_empty()).then(|| args.endpoints.into_iter().collect()),
            args.all_endpoints,
        ),
        openai_organization: args
            .openai_organization
            .map(|org| Some(org).filter(|o| !o.is_empty())),
        openai_project: args
            .openai_project
            .map(|project| Some(project).filter(|p| !p.is_empty())),
    };
    if changes.is_empty() {
        return Err(UsageError(
            "nothing to change: give --image, --no-image, --command CMD…, --no-command, \
             --keyless, --no-keyless, --rate PROVIDER=RATE, --budget BUDGET, --no-budget, \
             --requests LIMITS, --tokens LIMITS, --concurrency N, --sandbox, --no-sandbox, --network MODE, --allow-write PATH, --no-allow-write, \
             --models PROVIDER=MODELS, --endpoints CLASSES, --all-endpoints, \
             --openai-organization ORG or --openai-project PROJECT"
                .into(),
        )
        .into());
    }
    let keys = ctx.keys()?;
    ctx.vault
        .update(&keys, |doc| Ok(doc.set_agent(&name, changes, now())?))?;
    ctx.record_change("agent set", Vec::new(), Some(&name));
    ctx.ui.status(format!("Updated agent {name}"));
    Ok(())
}

/// Stored paths are absolute and must exist (the sandbox binds them).
fn absolute_paths(paths: &[PathBuf]) -> Result<Vec<String>> {
    paths
        .iter()
        .map(|p| {
            let real = p.canonicalize().map_err(|_| {
                UsageError(format!(
                    "--allow-write {}: no such file or directory; create it first",
                    p.display()
                ))
            })?;
            real.into_os_string().into_string().map_err(|_| {
                UsageError(format!("--allow-write {}: not a UTF-8 path", p.display())).into()
            })
        })
        .collect()
}

/// `agent token` (only when the agent has none) and `agent rotate-token`: a new token whose
/// hash is stored, printed once on standard output.
fn token(ctx: &Context, name: &AgentName, rotate: bool) -> Result<()> {
    let token = crate::proxy::token::generate()
        .map_err(|e| anyhow::anyhow!("cannot draw random bytes for a token: {e}"))?;
    let hash = TokenHash::of(token.expose());
    let keys = ctx.keys()?;
    let mut replaced = false;
    ctx.vault.update(&keys, |doc| {
        replaced = doc.agent(name)?.token.is_some();
        if !rotate && replaced {
            return Err(ModelError::TokenExists(name.to_string()).into());
        }
        Ok(doc.set_agent_token(name, Some(hash), now())?)
    })?;
    ctx.record_change(
        if rotate {
            "agent rotate-token"
        } else {
            "agent token"
        },
        Vec::new(),
        Some(name),
    );
    if ctx.ui.json {
        ctx.ui
            .print_json(&json!({ "agent": name, "token": token.expose() }))?;
    } else {
        ctx.ui.print(format!("{}\n", token.expose()))?;
    }
    ctx.ui.status(format!(
        "This is agent {name}'s proxy token; it is not shown again (vault keeps only its \
         hash). Give it to the agent as its API key, with the base URLs `vault proxy` prints{}.",
        if replaced {
            "; the old token stops working at its next request"
        } else {
            ""
        }
    ));
    Ok(())
}

/// What an agent is made of, from flags or the wizard.
struct NewAgent {
    name: AgentName,
    attach: Vec<EnvName>,
    image: Option<String>,
    /// Keyless and sandbox settings.
    settings: AgentChanges,
    command: Vec<String>,
}

fn create(
    ctx: &Context,
    name: Option<AgentName>,
    attach: Vec<EnvName>,
    image: Option<String>,
    settings: AgentChanges,
    command: Vec<String>,
) -> Result<()> {
    let keys = ctx.keys()?;
    let new = match name {
        Some(name) => NewAgent {
            name,
            attach,
            image,
            settings,
            command,
        },
        None if ctx.ui.can_prompt() => wizard(ctx, &ctx.vault.open(&keys)?)?,
        None => {
            return Err(UsageError(
                "give the agent's name: vault agent create NAME [--attach NAME…] [--image IMAGE] \
                 [--command CMD…] (the wizard runs only on a terminal)"
                    .into(),
            )
            .into());
        }
    };
    ctx.vault.update(&keys, |doc| {
        let at = now();
        doc.create_agent(&new.name, new.image.clone(), new.command.clone(), at)?;
        if !new.settings.is_empty() {
            doc.set_agent(&new.name, new.settings.clone(), at)?;
        }
        for (i, entry) in new.attach.iter().enumerate() {
            doc.attach(&new.name, entry, None, at)
                .map_err(|e| which_name(e, i, new.attach.len()))?;
        }
        Ok(())
    })?;
    ctx.record_change("agent create", to_strings(&new.attach), Some(&new.name));
    ctx.ui.status(match new.attach.len() {
        0 => format!(
            "Created agent {n}; attach entries with `vault attach {n} NAME…`",
            n = new.name
        ),
        n => format!("Created agent {} with {n} attached entries", new.name),
    });
    Ok(())
}

/// Name, entries, command, image: what the flags give, asked one by one.
fn wizard(ctx: &Context, doc: &Document) -> Result<NewAgent> {
    let name = ctx.ui.ask_text("Agent name", None, |text: &String| {
        text.parse::<AgentName>()
            .map_err(|e| e.to_string())
            .and_then(|_| match doc.agents.contains_key(text) {
                true => Err(format!("an agent named {text} already exists")),
                false => Ok(()),
            })
    })?;
    let name: AgentName = name.parse()?;
    let names: Vec<&EnvName> = doc.entries.keys().collect();
    let labels: Vec<String> = doc
        .entries
        .iter()
        .map(|(entry, e)| format!("{entry} ({})", e.kind()))
        .collect();
    let chosen = if labels.is_empty() {
        ctx.ui
            .status("The vault has no entries yet; attach some later with `vault attach`.");
        Vec::new()
    } else {
        ctx.ui.choose_many(
            "Entries to attach (space to select, enter to confirm)",
            &labels,
        )?
    };
    let command = ctx.ui.ask_text(
        "Command to run (empty for none; quote as in a shell)",
        Some(""),
        |text: &String| match shlex::split(text) {
            Some(_) => Ok(()),
            None => Err("unbalanced quotes".to_owned()),
        },
    )?;
    let image = ctx.ui.ask_text(
        "Container image (empty for none)",
        Some(""),
        |_: &String| Ok::<(), String>(()),
    )?;
    Ok(NewAgent {
        name,
        attach: chosen.into_iter().map(|i| names[i].clone()).collect(),
        image: Some(image.trim().to_owned()).filter(|i| !i.is_empty()),
        settings: AgentChanges::default(),
        command: shlex::split(&command).unwrap_or_default(),
    })
}

fn list(ctx: &Context) -> Result<()> {
    let doc = ctx.open()?;
    let launched = |name: &str| ctx.state.last_launch(ctx.vault.path(), name);
    if ctx.ui.json {
        let items: Vec<_> = doc
            .agents
            .iter()
            .map(|(name, a)| {
                json!({
                    "name": name,
                    "attached": a.attach.len(),
                    "image": a.image,
                    "command": a.command,
                    "last_launch": launched(name).map(|t| t.to_string()),
                })
            })
            .collect();
        ctx.ui.print_json(&serde_json::Value::Array(items))?;
        return Ok(());
    }
    if doc.agents.is_empty() {
        ctx.ui.status(
            "No agents yet. Create one with `vault attach AGENT NAME…` or `vault agent create`.",
        );
        return Ok(());
    }
    let rows = doc
        .agents
        .iter()
        .map(|(name, a)| {
            vec![
                name.to_string(),
                a.attach.len().to_string(),
                a.image.clone().unwrap_or_default(),
                shell_words(&a.command),
                launched(name)
                    .map(local_time)
                    .unwrap_or_else(|| "never".into()),
            ]
        })
        .collect();
    ctx.ui.print(ctx.ui.table(
        &["AGENT", "ATTACHED", "IMAGE", "COMMAND", "LAST LAUNCH"],
        rows,
    ))?;
    Ok(())
}

/// A command as one could type it again.
/// What `agent show` says of the agent's sandbox.
fn sandbox_view(agent: &crate::vault::agents::Agent) -> String {
    if let Some(image) = &agent.image {
        let network = agent
            .network
            .map_or("the engine's own", crate::sandbox::Network::as_str);
        return format!(
            "its container's (image {image}), network {network}; vault run --no-container \
             runs it on this machine"
        );
    }
    let on = agent.sandbox.unwrap_or(agent.keyless);
    let why = match agent.sandbox {
        None if on => " (it runs keyless)",
        None => "",
        Some(_) => " (its own setting)",
    };
    if !on {
        return format!("no{why}; vault run --sandbox starts it in one");
    }
    let mut text = format!(
        "yes{why}, network {}",
        agent.network.unwrap_or_default().as_str()
    );
    if !agent.allow_write.is_empty() {
        text += &format!(", may also write {}", agent.allow_write.join(", "));
    }
    text
}

/// How `agent show` names what an attachment gives: its variable, and what comes with a
/// provider key (the aliases that get it too, its endpoint's variables).
fn attached_as(a: &crate::vault::Attached<'_>, keyless: bool) -> String {
    let copies: Vec<&str> = a
        .sdk
        .map(|g| g.provider.key_copies().collect())
        .unwrap_or_default();
    let also = match copies.as_slice() {
        [] => String::new(),
        names => format!(", also in {}", names.join(", ")),
    };
    if keyless && a.entry.kind() == crate::vault::Kind::Provider {
        return format!(
            "{} (keyless: a token{also}, and the proxy's address)",
            a.env_name
        );
    }
    let urls: Vec<String> = a
        .sdk
        .iter()
        .flat_map(|g| g.urls())
        .map(|(env, url)| format!("{env}={url}"))
        .collect();
    match (copies.as_slice(), urls.as_slice()) {
        ([], []) => a.env_name.to_owned(),
        (copies, urls) => {
            let given: Vec<&str> = copies
                .iter()
                .copied()
                .chain(urls.iter().map(String::as_str))
                .collect();
            format!("{} (+ {})", a.env_name, given.join(", "))
        }
    }
}

fn shell_words(command: &[String]) -> String {
    shlex::try_join(command.iter().map(String::as_str)).unwrap_or_else(|_| command.join(" "))
}

fn show(ctx: &Context, name: &str) -> Result<()> {
    let doc = ctx.open()?;
    let agent = doc.agent(name)?;
    let attached = doc.attached(name)?;
    let launched = ctx.state.last_launch(ctx.vault.path(), name);
    let through_proxy = ctx.state.launched_keyless(ctx.vault.path(), name);
    let keyless = KeylessView::of(ctx, name, agent, &attached);
    // A value, or the agent itself, changed after the last launch: the running agent has the
    // old value (or lacks the new attachment) until it is restarted. A keyless launch's
    // provider keys are the proxy's, which follows the vault: those need no restart.
    let status = |a: &Attached<'_>| match launched {
        None => "not launched",
        Some(at) if a.entry.updated() > at && through_proxy && a.entry.kind() == Kind::Provider => {
            "current (through the proxy)"
        }
        Some(at) if a.entry.updated() > at => "restart needed",
        Some(at) if agent.updated > at => "restart needed (agent changed)",
        Some(_) => "current",
    };
    if ctx.ui.json {
        let items: Vec<_> = attached
            .iter()
            .map(|a| {
                json!({
                    "entry": a.entry_name,
                    "env": a.env_name,
                    "kind": a.entry.kind().to_string(),
                    "updated": a.entry.updated().to_string(),
                    "status": status(a),
                    "base_url": a.sdk.and_then(|g| g.urls().next()).map(|(env, url)| json!({ "env": env, "url": url })),
                    "comes_with": a.sdk.map(|g| g.provider.companion_envs().collect::<Vec<_>>()).unwrap_or_default(),
                })
            })
            .collect();
        ctx.ui.print_json(&json!({
            "agent": name,
            "image": agent.image,
            "command": agent.command,
            "keyless": agent.keyless,
            "sandbox": agent.sandbox.unwrap_or(agent.keyless),
            "network": agent.network.unwrap_or_default().as_str(),
            "allow_write": agent.allow_write,
            "scope": agent.scope,
            "proxy_token": agent.token.is_some(),
            "rates": keyless.rates.iter().map(|(p, r)| (p.clone(), json!(r))).collect::<serde_json::Map<_, _>>(),
            "limits": agent.limits,
            "budget": agent.budget.map(|b| json!({
                "limit": b.to_string(),
                "spent_usd": keyless.spent,
            })),
            "updated": agent.updated.to_string(),
            "last_launch": launched.map(|t| t.to_string()),
            "attached": items,
        }))?;
        return Ok(());
    }
    let rows = attached
        .iter()
        .map(|a| {
            vec![
                a.entry_name.to_owned(),
                // A provider key's endpoint comes with it, under the SDK's variable.
                attached_as(a, agent.keyless),
                a.entry.kind().to_string(),
                local_time(a.entry.updated()),
                status(a).to_owned(),
            ]
        })
        .collect();
    let mut out = settings_text(name, agent, &keyless);
    out += &format!("Last changed: {}\n", local_time(agent.updated));
    out += &format!(
        "Last launched here: {}\n",
        launched.map(local_time).unwrap_or_else(|| "never".into())
    );
    if attached.is_empty() {
        out += &format!("Nothing attached yet: vault attach {name} NAME…\n");
    } else {
        out += &ctx
            .ui
            .table(&["ENTRY", "ENV NAME", "KIND", "UPDATED", "STATUS"], rows);
    }
    ctx.ui.print(out)?;
    Ok(())
}

/// `agent show`'s lines for the agent's own settings: image, command, keyless, token,
/// sandbox, rates and budget.
fn settings_text(name: &str, agent: &crate::vault::agents::Agent, keyless: &KeylessView) -> String {
    let mut out = format!("Agent {name}\n");
    if let Some(image) = &agent.image {
        out += &format!("Image: {image}\n");
    }
    if !agent.command.is_empty() {
        out += &format!("Command: {}\n", shell_words(&agent.command));
    }
    if agent.keyless {
        out += "Keyless: yes (vault run gives it a proxy and a token, not its provider keys)\n";
    }
    if agent.token.is_some() {
        out += "Proxy token: set (for vault proxy)\n";
    }
    out += &format!("Sandbox: {}\n", sandbox_view(agent));
    let uses_keyless = agent.keyless || agent.token.is_some() || !agent.rates.is_empty();
    if uses_keyless && !keyless.rates.is_empty() {
        let rates: Vec<String> = keyless
            .rates
            .iter()
            .map(|(p, r)| format!("{p} {}", r.as_deref().unwrap_or("no limit")))
            .collect();
        out += &format!("Keyless rates: {}\n", rates.join(", "));
    }
    let limits = &agent.limits;
    for (what, list) in [("requests", &limits.requests), ("tokens", &limits.tokens)] {
        if !list.is_empty() {
            let shown: Vec<String> = list.iter().map(ToString::to_string).collect();
            out += &format!(
                "Limits on {what}: {} (every provider, every proxy)\n",
                shown.join(", ")
            );
        }
    }
    if let Some(cap) = limits.concurrency {
        out += &format!("At most {cap} requests at once (every provider, every proxy)\n");
    }
    if let Some(budget) = agent.budget {
        out += &format!(
            "Budget: {budget} (spent so far: ${:.4})\n",
            keyless.spent.unwrap_or(0.0)
        );
    }
    let scope = &agent.scope;
    for (provider, models) in &scope.models {
        let models: Vec<String> = models.iter().map(ToString::to_string).collect();
        out += &format!("Models at {provider}: {}\n", models.join(", "));
    }
    if let Some(endpoints) = &scope.endpoints {
        let names: Vec<&str> = endpoints.iter().map(|e| e.name()).collect();
        out += &format!("Endpoints: {} (the rest is refused)\n", names.join(", "));
    }
    for (header, value) in [
        ("OpenAI-Organization", &scope.openai_organization),
        ("OpenAI-Project", &scope.openai_project),
    ] {
        if let Some(value) = value {
            out += &format!("{header}: {value} (sent by the proxy)\n");
        }
    }
    out
}

/// What `agent show` says of keyless mode: the rate for each attached provider, and what
/// the budget's current period has spent.
struct KeylessView {
    rates: Vec<(String, Option<String>)>,
    spent: Option<f64>,
}

impl KeylessView {
    fn of(ctx: &Context, name: &str, agent: &Agent, attached: &[Attached<'_>]) -> Self {
        // The attached providers' rates, and any set for others.
        let mut providers: Vec<&str> = attached
            .iter()
            .filter_map(|a| Some(a.entry.provider_key()?.provider().id))
            .chain(agent.rates.keys().map(String::as_str))
            .collect();
        providers.sort_unstable();
        providers.dedup();
        let rates = providers
            .into_iter()
            .map(|p| (p.to_owned(), agent.rate(p).map(|r| r.to_string())))
            .collect();
        let spent = agent.budget.map(|budget| {
            let db = ctx.state.usage_db();
            let spent = db.spent(&ctx.vault_real_path(), name, budget.period, now());
            spent.unwrap_or_else(|e| {
                ctx.ui.warn(format!("cannot read the usage database: {e}"));
                0.0
            })
        });
        Self { rates, spent }
    }
}

/// Names the position of an unknown name among several, without repeating it.
fn which_name(err: ModelError, index: usize, count: usize) -> VaultError {
    match err {
        ModelError::NotFound { similar: None, .. } if count > 1 => {
            VaultError::Model(ModelError::NotFoundAt {
                position: index + 1,
            })
        }
        other => other.into(),
    }
}

pub fn attach(ctx: &Context, args: &AttachArgs) -> Result<()> {
    if args.as_name.is_some() && args.names.len() != 1 {
        return Err(
            UsageError("--as renames one entry; give exactly one name with it".into()).into(),
        );
    }
    let keys = ctx.keys()?;
    let (created, similar, outcomes) = ctx.vault.update_if_changed(&keys, |doc| {
        let at = now();
        let created = !doc.agents.contains_key(args.agent.as_str());
        let similar = created.then(|| doc.similar_agent(&args.agent)).flatten();
        if created {
            doc.create_agent(&args.agent, None, Vec::new(), at)?;
        }
        let outcomes = args
            .names
            .iter()
            .enumerate()
            .map(|(i, entry)| {
                let outcome = doc
                    .attach(&args.agent, entry, args.as_name.as_deref(), at)
                    .map_err(|e| which_name(e, i, args.names.len()))?;
                // The name it went under (a provider key's default is its SDK's variable).
                let env = doc
                    .agent(&args.agent)
                    .ok()
                    .and_then(|a| a.attach.get(entry).map(ToString::to_string))
                    .unwrap_or_default();
                Ok::<_, VaultError>((outcome, env))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let changed = created
            || outcomes
                .iter()
                .any(|(o, _)| *o != AttachOutcome::AlreadyAttached);
        Ok(((created, similar, outcomes), changed))
    })?;
    if created
        || outcomes
            .iter()
            .any(|(o, _)| *o != AttachOutcome::AlreadyAttached)
    {
        ctx.record_change("attach", to_strings(&args.names), Some(&args.agent));
    }
    if created {
        ctx.ui.status(match similar {
            Some(similar) => format!(
                "Created agent {} (there is also an agent named {similar}: if that is the one \
                 you meant, `vault agent rm {}` undoes this)",
                args.agent, args.agent
            ),
            None => format!("Created agent {}", args.agent),
        });
    }
    for (entry, (outcome, env)) in args.names.iter().zip(outcomes) {
        let as_env = if env.is_empty() || env == entry.as_str() {
            String::new()
        } else {
            format!(" as {env}")
        };
        ctx.ui.status(match outcome {
            AttachOutcome::Attached => format!("Attached {entry}{as_env} to {}", args.agent),
            AttachOutcome::AlreadyAttached => {
                format!("{entry} was already attached{as_env} to {}", args.agent)
            }
            AttachOutcome::Renamed { from } => format!(
                "{entry} is now attached{as_env} to {} (it was {from})",
                args.agent
            ),
        });
    }
    Ok(())
}

pub fn detach(ctx: &Context, args: &DetachArgs) -> Result<()> {
    let keys = ctx.keys()?;
    ctx.vault.update(&keys, |doc| {
        let at = now();
        for entry in &args.names {
            doc.detach(&args.agent, entry, at)?;
        }
        Ok(())
    })?;
    ctx.record_change("detach", to_strings(&args.names), Some(&args.agent));
    for entry in &args.names {
        ctx.ui
            .status(format!("Detached {entry} from {}", args.agent));
    }
    Ok(())
}
