//! `vault agent create|set|list|show|rm`, `vault attach` and `vault detach`: which values each
//! agent gets, under which names, and whether a running agent has the latest of them.

use anyhow::Result;
use serde_json::json;

use super::{Context, UsageError, local_time, now};
use crate::cli::{AgentCommand, AttachArgs, DetachArgs};
use crate::vault::{
    AttachOutcome, Document, ModelError, VaultError, agents::check_agent_name, model::check_name,
};

pub fn run(ctx: &Context, cmd: AgentCommand) -> Result<()> {
    match cmd {
        AgentCommand::Create {
            name,
            attach,
            image,
            command,
        } => create(ctx, name, attach, image, command),
        AgentCommand::Set {
            name,
            image,
            no_image,
            no_command,
            command,
        } => {
            check_agent_name(&name)?;
            let image = match (image, no_image) {
                (Some(image), _) => Some(Some(image)),
                (None, true) => Some(None),
                (None, false) => None,
            };
            let command = match (command.is_empty(), no_command) {
                (false, _) => Some(command),
                (true, true) => Some(Vec::new()),
                (true, false) => None,
            };
            if image.is_none() && command.is_none() {
                return Err(UsageError(
                    "nothing to change: give --image IMAGE, --no-image, --command CMD… or \
                     --no-command"
                        .into(),
                )
                .into());
            }
            let keys = ctx.keys()?;
            ctx.vault.update(&keys, |doc| {
                Ok(doc.set_agent(&name, image, command, now())?)
            })?;
            ctx.record_change("agent set", Vec::new(), Some(&name));
            ctx.ui.status(format!("Updated agent {name}"));
            Ok(())
        }
        AgentCommand::List => list(ctx),
        AgentCommand::Show { name } => show(ctx, &name),
        AgentCommand::Rm { name } => {
            check_agent_name(&name)?;
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

/// What an agent is made of, from flags or the wizard.
struct NewAgent {
    name: String,
    attach: Vec<String>,
    image: Option<String>,
    command: Vec<String>,
}

fn create(
    ctx: &Context,
    name: Option<String>,
    attach: Vec<String>,
    image: Option<String>,
    command: Vec<String>,
) -> Result<()> {
    let keys = ctx.keys()?;
    let new = match name {
        Some(name) => NewAgent {
            name,
            attach,
            image,
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
    check_agent_name(&new.name)?;
    for entry in &new.attach {
        check_name(entry)?;
    }
    ctx.vault.update(&keys, |doc| {
        let at = now();
        doc.create_agent(&new.name, new.image.clone(), new.command.clone(), at)?;
        for (i, entry) in new.attach.iter().enumerate() {
            doc.attach(&new.name, entry, None, at)
                .map_err(|e| which_name(e, i, new.attach.len()))?;
        }
        Ok(())
    })?;
    ctx.record_change("agent create", new.attach.clone(), Some(&new.name));
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
                name.clone(),
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
fn shell_words(command: &[String]) -> String {
    shlex::try_join(command.iter().map(String::as_str)).unwrap_or_else(|_| command.join(" "))
}

fn show(ctx: &Context, name: &str) -> Result<()> {
    let doc = ctx.open()?;
    let agent = doc.agent(name)?;
    let attached = doc.attached(name)?;
    let launched = ctx.state.last_launch(ctx.vault.path(), name);
    // A value, or the agent itself, changed after the last launch: the running agent has the
    // old value (or lacks the new attachment) until it is restarted.
    let status = |updated: jiff::Timestamp| match launched {
        None => "not launched",
        Some(at) if updated > at => "restart needed",
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
                    "kind": a.entry.kind.to_string(),
                    "updated": a.entry.updated.to_string(),
                    "status": status(a.entry.updated),
                    "base_url": a.base_url.and_then(|(env, url)| {
                        url.map(|url| json!({ "env": env, "url": url }))
                    }),
                })
            })
            .collect();
        ctx.ui.print_json(&json!({
            "agent": name,
            "image": agent.image,
            "command": agent.command,
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
                match a.base_url {
                    Some((env, Some(url))) => format!("{} (+ {env}={url})", a.env_name),
                    _ => a.env_name.to_owned(),
                },
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
        out += &format!("Command: {}\n", shell_words(&agent.command));
    }
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
    let (created, similar, outcomes) = ctx.vault.update_if_changed(&keys, |doc| {
        let at = now();
        let created = !doc.agents.contains_key(&args.agent);
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
                    .and_then(|a| a.attach.get(entry).cloned())
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
        ctx.record_change("attach", args.names.clone(), Some(&args.agent));
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
        let as_env = if env.is_empty() || env == *entry {
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
    check_agent_name(&args.agent)?;
    let keys = ctx.keys()?;
    ctx.vault.update(&keys, |doc| {
        let at = now();
        for entry in &args.names {
            doc.detach(&args.agent, entry, at)?;
        }
        Ok(())
    })?;
    ctx.record_change("detach", args.names.clone(), Some(&args.agent));
    for entry in &args.names {
        ctx.ui
            .status(format!("Detached {entry} from {}", args.agent));
    }
    Ok(())
}
