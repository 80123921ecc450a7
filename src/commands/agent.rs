//! `vault agent create|list|show|rm`, `vault attach` and `vault detach`: which values each
//! agent gets, under which names, and whether a running agent has the latest of them.

use anyhow::Result;
use serde_json::json;

use super::{Context, UsageError, local_time, now};
use crate::cli::{AgentCommand, AttachArgs, DetachArgs};
use crate::vault::{AttachOutcome, Document, agents::check_agent_name, model::check_name};

pub fn run(ctx: &Context, cmd: AgentCommand) -> Result<()> {
    match cmd {
        AgentCommand::Create {
            name,
            image,
            command,
        } => create(ctx, name, image, command),
        AgentCommand::List => list(ctx),
        AgentCommand::Show { name } => show(ctx, &name),
        AgentCommand::Rm { name } => {
            check_agent_name(&name)?;
            let keys = ctx.keys()?;
            ctx.vault
                .update(&keys, |doc| Ok(doc.remove_agent(&name)?))?;
            ctx.state.forget(&name);
            ctx.record_change("agent rm", vec![name.clone()]);
            ctx.ui.status(format!(
                "Removed agent {name} (the entries it used stay in the vault)"
            ));
            Ok(())
        }
    }
}

fn create(
    ctx: &Context,
    name: Option<String>,
    image: Option<String>,
    command: Vec<String>,
) -> Result<()> {
    let keys = ctx.keys()?;
    let (name, attach, image) = match name {
        Some(name) => (name, Vec::new(), image),
        None if ctx.ui.can_prompt() => wizard(ctx, &ctx.vault.open(&keys)?, image)?,
        None => {
            return Err(UsageError(
                "give the agent's name: vault agent create NAME [--image IMAGE] [--command CMD…] \
                 (the wizard runs only on a terminal)"
                    .into(),
            )
            .into());
        }
    };
    check_agent_name(&name)?;
    let attached = attach.len();
    ctx.vault.update(&keys, |doc| {
        let at = now();
        doc.create_agent(&name, image, command, at)?;
        for entry in &attach {
            doc.attach(&name, entry, None, at)?;
        }
        Ok(())
    })?;
    ctx.record_change("agent create", vec![name.clone()]);
    ctx.ui.status(match attached {
        0 => format!("Created agent {name}; attach entries with `vault attach {name} NAME…`"),
        n => format!("Created agent {name} with {n} attached entries"),
    });
    Ok(())
}

/// Name, entries, image: what the flags give, asked one by one.
fn wizard(
    ctx: &Context,
    doc: &Document,
    image: Option<String>,
) -> Result<(String, Vec<String>, Option<String>)> {
    let name = ctx.ui.ask_text("Agent name", None, |text: &String| {
        check_agent_name(text)
            .map_err(|e| e.to_string())
            .and_then(|()| match doc.agents.contains_key(text) {
                true => Err(format!("an agent named {text} already exists")),
                false => Ok(()),
            })
    })?;
    let names: Vec<&String> = doc.entries.keys().collect();
    let labels: Vec<String> = doc
        .entries
        .iter()
        .map(|(entry, e)| format!("{entry} ({})", e.kind))
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
    let image = match image {
        Some(image) => Some(image),
        None => Some(ctx.ui.ask_text(
            "Container image (empty for none)",
            Some(""),
            |_: &String| Ok::<(), String>(()),
        )?)
        .filter(|i| !i.trim().is_empty()),
    };
    Ok((
        name,
        chosen.into_iter().map(|i| names[i].clone()).collect(),
        image,
    ))
}

fn list(ctx: &Context) -> Result<()> {
    let doc = ctx.open()?;
    let launched = |name: &str| ctx.state.last_launch(name);
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
                name.clone(),
                a.attach.len().to_string(),
                a.image.clone().unwrap_or_default(),
                a.command.join(" "),
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

fn show(ctx: &Context, name: &str) -> Result<()> {
    let doc = ctx.open()?;
    let agent = doc.agent(name)?;
    let attached = doc.attached(name)?;
    let launched = ctx.state.last_launch(name);
    // A value (or the agent itself) changed after the last launch: the running agent has the
    // old one until it is restarted.
    let status = |updated: jiff::Timestamp| match launched {
        None => "not launched",
        Some(at) if updated > at || agent.updated > at => "restart needed",
        Some(_) => "current",
    };
    if ctx.ui.json {
        let items: Vec<_> = attached
            .iter()
            .map(|a| {
                json!({
                    "entry": a.entry_name,
                    "env": a.env_name,
                    "kind": a.entry.kind.to_string(),
                    "updated": a.entry.updated.to_string(),
                    "status": status(a.entry.updated),
                })
            })
            .collect();
        ctx.ui.print_json(&json!({
            "agent": name,
            "image": agent.image,
            "command": agent.command,
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
                a.env_name.to_owned(),
                a.entry.kind.to_string(),
                local_time(a.entry.updated),
                status(a.entry.updated).to_owned(),
            ]
        })
        .collect();
    let mut out = format!("Agent {name}\n");
    if let Some(image) = &agent.image {
        out += &format!("Image: {image}\n");
    }
    if !agent.command.is_empty() {
        out += &format!("Command: {}\n", agent.command.join(" "));
    }
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

pub fn attach(ctx: &Context, args: &AttachArgs) -> Result<()> {
    check_agent_name(&args.agent)?;
    if args.as_name.is_some() && args.names.len() != 1 {
        return Err(
            UsageError("--as renames one entry; give exactly one name with it".into()).into(),
        );
    }
    for name in args.names.iter().chain(&args.as_name) {
        check_name(name)?;
    }
    let keys = ctx.keys()?;
    let (created, outcomes) = ctx.vault.update(&keys, |doc| {
        let at = now();
        let created = !doc.agents.contains_key(&args.agent);
        if created {
            doc.create_agent(&args.agent, None, Vec::new(), at)?;
        }
        let outcomes = args
            .names
            .iter()
            .map(|entry| doc.attach(&args.agent, entry, args.as_name.as_deref(), at))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((created, outcomes))
    })?;
    ctx.record_change("attach", args.names.clone());
    if created {
        ctx.ui.status(format!("Created agent {}", args.agent));
    }
    for (entry, outcome) in args.names.iter().zip(outcomes) {
        let as_env = args
            .as_name
            .as_deref()
            .map(|env| format!(" as {env}"))
            .unwrap_or_default();
        ctx.ui.status(match outcome {
            AttachOutcome::Attached => format!("Attached {entry}{as_env} to {}", args.agent),
            AttachOutcome::AlreadyAttached => {
                format!("{entry} was already attached{as_env} to {}", args.agent)
            }
        });
    }
    Ok(())
}

pub fn detach(ctx: &Context, args: &DetachArgs) -> Result<()> {
    check_agent_name(&args.agent)?;
    let keys = ctx.keys()?;
    ctx.vault.update(&keys, |doc| {
        let at = now();
        for entry in &args.names {
            doc.detach(&args.agent, entry, at)?;
        }
        Ok(())
    })?;
    ctx.record_change("detach", args.names.clone());
    for entry in &args.names {
        ctx.ui
            .status(format!("Detached {entry} from {}", args.agent));
    }
    Ok(())
}
