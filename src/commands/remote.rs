//! `vault remote add/list/rm/status`, `vault pull`, `vault push`: the vault and a team's
//! OpenBao / HashiCorp Vault KV v2 mount (see `remote`). Names and versions are printed and
//! audited, never values or the token.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};
use serde_json::json;

use super::{Context, UsageError, now};
use crate::cli::{PullArgs, PushArgs, RemoteAddArgs, RemoteArgs, RemoteCommand};
use crate::names::{AgentName, EnvName};
use crate::remote::State;
use crate::remote::{self, Kv, Stored, Written};
use crate::vault::Document;
use crate::vault::remote::{DEFAULT_MAX_AGE, Known, Remote, age_text};

pub fn run(ctx: &Context, cmd: RemoteCommand) -> Result<()> {
    match cmd {
        RemoteCommand::Add(args) => add(ctx, args),
        RemoteCommand::List => list(ctx),
        RemoteCommand::Rm { name } => rm(ctx, &name),
        RemoteCommand::Status(args) => status(ctx, &args),
    }
}

fn home() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|b| b.home_dir().to_owned())
}

pub(super) fn connect(remote: &Remote, token_file: Option<&Path>) -> Result<Kv> {
    Ok(remote::connect(remote, token_file, home().as_deref())?)
}

/// A mount or path on the server: folders of letters, digits, `.`, `_` and `-` (nothing a URL
/// would read otherwise, and no `..`).
fn location(text: &str, flag: &str) -> Result<String> {
    let trimmed = text.trim_matches('/');
    let fine = trimmed.split('/').all(|part| {
        !part.is_empty()
            && part != "."
            && part != ".."
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    });
    if !trimmed.is_empty() && !fine {
        return Err(UsageError(format!(
            "{flag} is folders of letters, digits, ., _ and - separated by /, such as \
             secret or team/agents"
        ))
        .into());
    }
    Ok(trimmed.to_owned())
}

fn add(ctx: &Context, args: RemoteAddArgs) -> Result<()> {
    let address = args.address.or_else(remote::env_address).ok_or_else(|| {
        UsageError("give the server's address: --address URL (or set BAO_ADDR)".into())
    })?;
    let remote = Remote {
        address: remote::address(&address, args.allow_http)
            .map_err(|e| UsageError(e.to_string()))?,
        mount: location(&args.mount, "--mount")?,
        path: location(&args.path, "--path")?,
        entries: BTreeMap::new(),
        live: BTreeMap::new(),
        agents: BTreeMap::new(),
        allow_http: args.allow_http,
    };
    if remote.mount.is_empty() {
        return Err(UsageError("give the KV version 2 mount: --mount MOUNT".into()).into());
    }
    let keys = ctx.keys()?;
    let doc = ctx.vault.open(&keys)?;
    if doc.remotes.contains_key(&args.name) {
        return Err(UsageError(format!(
            "there is a remote {} already: vault remote rm {} first, or pick another name",
            args.name, args.name
        ))
        .into());
    }
    // Checked before it is stored: a remote that cannot be used is not added.
    connect(&remote, args.token_file.as_deref())?.check_mount()?;
    let shown = format!("{}/{} at {}", remote.mount, remote.path, remote.address);
    ctx.vault.update(&keys, |doc| {
        doc.remotes.insert(args.name.clone(), remote);
        Ok(())
    })?;
    ctx.record_change("remote add", vec![args.name.to_string()], None);
    ctx.ui
        .status(format!("Added remote {}: {shown}", args.name));
    Ok(())
}

fn list(ctx: &Context) -> Result<()> {
    let doc = ctx.open()?;
    if ctx.ui.json {
        let remotes: Vec<_> = doc
            .remotes
            .iter()
            .map(|(name, r)| {
                json!({"name": name.as_str(), "address": r.address, "mount": r.mount,
                       "path": r.path, "entries": r.entries.len()})
            })
            .collect();
        ctx.ui.print_json(&json!(remotes))?;
        return Ok(());
    }
    if doc.remotes.is_empty() {
        ctx.ui
            .status("No remotes: vault remote add NAME --address URL --mount MOUNT");
        return Ok(());
    }
    let rows = doc
        .remotes
        .iter()
        .map(|(name, r)| {
            vec![
                name.to_string(),
                r.address.clone(),
                format!("{}/{}", r.mount, r.path),
                r.entries.len().to_string(),
            ]
        })
        .collect();
    ctx.ui.print(
        ctx.ui
            .table(&["REMOTE", "ADDRESS", "MOUNT/PATH", "ENTRIES SYNCED"], rows),
    )?;
    Ok(())
}

fn rm(ctx: &Context, name: &AgentName) -> Result<()> {
    let keys = ctx.keys()?;
    let doc = ctx.vault.open(&keys)?;
    if !doc.remotes.contains_key(name) {
        return Err(anyhow!(no_such_remote(&doc, name)));
    }
    ctx.vault.update(&keys, |doc| {
        doc.remotes.remove(name);
        Ok(())
    })?;
    ctx.record_change("remote rm", vec![name.to_string()], None);
    ctx.ui.status(format!(
        "Removed remote {name} (nothing on the server changed)"
    ));
    Ok(())
}

fn no_such_remote(doc: &Document, name: &str) -> String {
    let known: Vec<&str> = doc.remotes.keys().map(|k| k.as_str()).collect();
    if let Some(like) = crate::vault::model::closest(doc.remotes.keys(), name) {
        return format!("there is no remote {name}: did you mean {like}?");
    }
    match known.is_empty() {
        true => format!("there is no remote {name}: add one with vault remote add"),
        false => format!(
            "there is no remote {name}; the remotes are {}",
            known.join(", ")
        ),
    }
}

/// The remote named, or the only one.
fn chosen(doc: &Document, name: Option<&str>) -> Result<(AgentName, Remote)> {
    let found = match name {
        Some(name) => doc.remotes.iter().find(|(n, _)| n.as_str() == name),
        None if doc.remotes.len() == 1 => doc.remotes.iter().next(),
        None if doc.remotes.is_empty() => {
            return Err(UsageError(
                "this vault has no remote: vault remote add NAME --address URL --mount MOUNT \
                 [--path PREFIX] (the same as your teammates')"
                    .into(),
            )
            .into());
        }
        None => {
            let known: Vec<&str> = doc.remotes.keys().map(|k| k.as_str()).collect();
            return Err(UsageError(format!(
                "this vault has several remotes: name one of {}",
                known.join(", ")
            ))
            .into());
        }
    };
    let (name, remote) =
        found.ok_or_else(|| UsageError(no_such_remote(doc, name.unwrap_or(""))))?;
    Ok((name.clone(), remote.clone()))
}

/// Folder of the agents' settings under a remote's path (not entries).
const AGENTS: &str = "_agents";
/// Calls to the server at once (each entry is a request or three).
const AT_ONCE: usize = 8;

/// `f` of each item, in order, from up to [`AT_ONCE`] threads; after the first error the
/// items not yet begun are not tried (a server that hangs costs one timeout, not one per
/// item): they come back as that error's "not tried".
fn each<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> Result<R> + Sync) -> Vec<Result<R>> {
    let failed = std::sync::atomic::AtomicBool::new(false);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<Result<R>>>> =
        items.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..AT_ONCE.min(items.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let result = match failed.load(std::sync::atomic::Ordering::Relaxed) {
                        true => Err(anyhow!("not tried: an earlier request failed")),
                        false => f(item),
                    };
                    if result.is_err() {
                        failed.store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                    if let Ok(mut slot) = results[i].lock() {
                        *slot = Some(result);
                    }
                }
            });
        }
    });
    results
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| Err(anyhow!("not tried")))
        })
        .collect()
}

/// One entry as the server holds it: its digest, version, and what it becomes here.
pub(super) struct There {
    pub stored: Stored,
    pub details: crate::vault::Details,
    pub digest: String,
}

pub(super) fn there(name: &EnvName, stored: Stored) -> Result<There> {
    let details = remote::details(name, &stored).map_err(|e| anyhow!(e))?;
    let digest = remote::digest(&details, stored.value.expose());
    Ok(There {
        stored,
        details,
        digest,
    })
}

/// Every entry the server holds under the remote's path, as it holds it (secrets not in
/// vault's form are left alone, and said so).
fn server_entries(kv: &Kv, remote: &Remote, ui: &crate::ui::Ui) -> Result<ServerEntries> {
    let mut names = Vec::new();
    let mut folders = std::collections::BTreeSet::new();
    for path in kv.list(&remote.path)? {
        if path.starts_with(&format!("{AGENTS}/")) {
            continue;
        }
        let shown = |path: &str| match remote.path.is_empty() {
            true => path.to_owned(),
            false => format!("{}/{path}", remote.path),
        };
        // A folder: another remote's path, or this one's when it was added without --path.
        if let Some((folder, _)) = path.split_once('/') {
            if folders.insert(folder.to_owned()) {
                let folder = shown(folder);
                ui.warn(format!(
                    "left the folder {folder}/ alone: a remote whose --path is {folder} pulls \
                     what is in it"
                ));
            }
            continue;
        }
        match path.parse::<EnvName>() {
            Ok(name) => names.push(name),
            Err(_) => ui.warn(format!(
                "left {} alone: an entry's name is an environment-variable name",
                shown(&path)
            )),
        }
    }
    let read = each(&names, |name| Ok(kv.read(&remote.path, name)?));
    let mut found = BTreeMap::new();
    let listed = names.iter().cloned().collect();
    for (name, stored) in names.into_iter().zip(read) {
        match stored? {
            Some(stored) => {
                found.insert(name.clone(), there(&name, stored)?);
            }
            None => ui.warn(format!(
                "left {}/{name} alone: it is deleted, or not in vault's form (a string under \
                 `value`)",
                remote.path
            )),
        }
    }
    Ok(ServerEntries { found, listed })
}

/// The entries under a remote's path.
struct ServerEntries {
    /// Those in vault's form, as the server holds them.
    found: BTreeMap<EnvName, There>,
    /// Every name the server lists there, in vault's form or not, deleted softly or not: what
    /// is not among them is gone from the server.
    listed: std::collections::BTreeSet<EnvName>,
}

fn agents_folder(remote: &Remote) -> String {
    match remote.path.is_empty() {
        true => AGENTS.to_owned(),
        false => format!("{}/{AGENTS}", remote.path),
    }
}

/// The agents' settings the server holds under `_agents/`.
#[derive(Default)]
struct ServerAgents {
    /// What each holds, and its version.
    read: BTreeMap<AgentName, (crate::vault::Agent, Known)>,
    /// Those this version of vault cannot read (written by a newer one?), said once.
    unreadable: BTreeMap<AgentName, Known>,
}

/// Why an agent's settings on the server are left alone.
fn unreadable_agent(name: &AgentName, folder: &str) -> String {
    format!(
        "left agent {name} as it is here: its settings on the server ({folder}/{name}) are not \
         an agent's as this version of vault reads them (pushed by a newer vault? upgrade vault, \
         then pull again)"
    )
}

fn server_agents(kv: &Kv, remote: &Remote, ui: &crate::ui::Ui) -> Result<ServerAgents> {
    let folder = agents_folder(remote);
    let mut found = ServerAgents::default();
    for path in kv.list(&folder)? {
        let Ok(name) = path.parse::<AgentName>() else {
            ui.warn(format!("left {folder}/{path} alone: not an agent's name"));
            continue;
        };
        let Some(stored) = kv.read(&folder, &path)? else {
            continue;
        };
        let known = Known {
            version: stored.version,
            digest: agent_digest(stored.value.expose()),
        };
        match serde_json::from_str(stored.value.expose()) {
            Ok(settings) => {
                found.read.insert(name, (settings, known));
            }
            Err(_) => {
                ui.warn(unreadable_agent(&name, &folder));
                found.unreadable.insert(name, known);
            }
        }
    }
    Ok(found)
}

/// A digest of an agent's settings as the server keeps them (`agent_text`), leaving out when
/// it last changed: a change to what is each person's own (its proxy token) moves that time,
/// and is no change to share.
fn agent_digest(text: &str) -> String {
    let shared = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(mut settings)) => {
            settings.remove("updated");
            serde_json::Value::Object(settings).to_string()
        }
        _ => text.to_owned(),
    };
    remote::digest(&crate::vault::Details::Secret, &shared)
}

/// An agent's settings as the server keeps them (its proxy token left out: it is each
/// person's own).
fn agent_text(agent: &crate::vault::Agent) -> Result<crate::secret::SecretValue> {
    let mut shared = agent.clone();
    shared.token = None;
    let text = serde_json::to_string(&shared)?;
    crate::secret::SecretValue::new(text).map_err(|_| anyhow!("an agent's settings are too large"))
}

fn state_line(what: &str, state: State, there: Option<u64>, base: Option<&Known>) -> String {
    let versions = format!(
        "server {}, last synced {}",
        there.map_or_else(|| "none".into(), |v| format!("v{v}")),
        base.map_or_else(|| "never".into(), |k| format!("v{}", k.version))
    );
    match state {
        State::Same => format!("{what}: the same ({versions})"),
        State::OnlyThere => format!("{what}: only on the server ({versions})"),
        State::OnlyHere => format!("{what}: only here ({versions})"),
        State::ChangedHere => format!("{what}: changed here ({versions})"),
        State::ChangedThere => format!("{what}: changed on the server ({versions})"),
        State::DeletedHere => format!("{what}: deleted here ({versions})"),
        State::DeletedThere => format!("{what}: deleted on the server ({versions})"),
        State::Conflict => format!("{what}: changed on both sides ({versions})"),
    }
}

/// What a pulled agent's settings change in what it runs and how it is contained, against
/// the agent here (`None`: a new agent), for the person to see before it next runs: `: it
/// now runs …, sandbox off, …`, or nothing.
fn how_it_runs(here: Option<&crate::vault::Agent>, there: &crate::vault::Agent) -> String {
    let mut changes = Vec::new();
    let differs = |f: &dyn Fn(&crate::vault::Agent) -> String| {
        let new = f(there);
        let old = here.map_or_else(|| f(&crate::vault::Agent::new(there.created)), f);
        (new != old).then_some(new)
    };
    let words = |command: &[String]| shlex::try_join(command.iter().map(String::as_str));
    if let Some(command) = differs(&|a| words(&a.command).unwrap_or_else(|_| a.command.join(" "))) {
        changes.push(match command.is_empty() {
            true => "no command of its own".to_owned(),
            false => format!("it runs `{command}`"),
        });
    }
    if let Some(image) = differs(&|a| a.image.clone().unwrap_or_default()) {
        changes.push(match image.is_empty() {
            true => "no image".to_owned(),
            false => format!("image {image}"),
        });
    }
    if let Some(on) = differs(&|a| a.sandbox.unwrap_or(a.keyless).to_string()) {
        changes.push(format!(
            "sandbox {}",
            if on == "true" { "on" } else { "off" }
        ));
    }
    if let Some(network) = differs(&|a| a.network.unwrap_or_default().as_str().to_owned()) {
        changes.push(format!("network {network}"));
    }
    if let Some(paths) = differs(&|a| a.allow_write.join(", ")) {
        changes.push(match paths.is_empty() {
            true => "may write only its working directory".to_owned(),
            false => format!("may write {paths}"),
        });
    }
    match changes.is_empty() {
        true => String::new(),
        false => format!(": {}", changes.join(", ")),
    }
}

pub fn pull(ctx: &Context, args: &PullArgs) -> Result<()> {
    let keys = ctx.keys()?;
    let doc = ctx.vault.open(&keys)?;
    let (name, remote) = chosen(&doc, args.remote.remote.as_deref())?;
    let kv = connect(&remote, args.remote.token_file.as_deref())?;
    kv.check_mount()?;
    // Everything is read before anything changes: a server lost midway changes nothing.
    let ServerEntries {
        found: entries,
        listed,
    } = server_entries(&kv, &remote, &ctx.ui)?;
    let agents = server_agents(&kv, &remote, &ctx.ui)?;
    let mut take = Vec::new();
    // What each taken entry and agent was here when the plan was made: the vault is saved
    // only if it still is (a change made here meanwhile is not written over).
    let mut was: Vec<(String, Option<String>)> = Vec::new();
    let mut bases = Vec::new();
    let mut said = Vec::new();
    let mut conflicts = Vec::new();
    for (entry, there) in &entries {
        let local = doc.entries.get(entry).map(remote::entry_digest);
        let base = remote.entries.get(entry);
        let state = remote::compare(
            local.as_deref(),
            Some(&there.digest),
            base.map(|k| k.digest.as_str()),
        );
        let known = Known {
            version: there.stored.version,
            digest: there.digest.clone(),
        };
        match state {
            State::Same => {
                // --live makes it a reference to the server's value: only as planned.
                if args.live {
                    was.push((entry.to_string(), local));
                }
                bases.push((entry.clone(), known));
            }
            State::OnlyThere | State::ChangedThere => {
                said.push(format!("take {entry} (v{})", there.stored.version));
                was.push((entry.to_string(), local));
                take.push(entry.clone());
                bases.push((entry.clone(), known));
            }
            State::Conflict if args.force => {
                said.push(format!(
                    "take {entry} (v{}), over the change here",
                    there.stored.version
                ));
                was.push((entry.to_string(), local));
                take.push(entry.clone());
                bases.push((entry.clone(), known));
            }
            State::Conflict => conflicts.push(entry.to_string()),
            other => said.push(format!(
                "keep {}",
                state_line(entry, other, Some(there.stored.version), base)
            )),
        }
    }
    // What the server deleted since this vault last synced it.
    let mut drop_here = Vec::new();
    for (entry, base) in &remote.entries {
        if entries.contains_key(entry) {
            continue;
        }
        let Some(local) = doc.entries.get(entry).map(remote::entry_digest) else {
            continue;
        };
        let users = doc.agents_using(entry);
        let users = match users.is_empty() {
            true => String::new(),
            false => format!(", detached from {}", users.join(", ")),
        };
        if listed.contains(entry) {
            // Deleted softly (bao kv delete), or not in vault's form: not gone for good.
            said.push(format!(
                "keep {entry}: the server holds it deleted (softly) or not in vault's form \
                 (only what is gone from it is removed here)"
            ));
            continue;
        }
        match (local == base.digest, args.prune) {
            (true, true) => {
                said.push(format!("remove {entry} (deleted on the server){users}"));
                was.push((entry.to_string(), Some(local)));
                drop_here.push(entry.clone());
            }
            (true, false) => said.push(format!(
                "keep {entry}: deleted on the server (vault pull --prune removes it here)"
            )),
            (false, _) => said.push(format!(
                "keep {entry}: deleted on the server, changed here (vault push --force writes \
                 it there again; vault secret rm removes it here)"
            )),
        }
    }
    let mut take_agents = Vec::new();
    for (agent, (settings, known)) in &agents.read {
        let local = match doc.agents.get(agent) {
            Some(a) => Some(agent_digest(agent_text(a)?.expose())),
            None => None,
        };
        let base = remote.agents.get(agent);
        let state = remote::compare(
            local.as_deref(),
            Some(&known.digest),
            base.map(|k| k.digest.as_str()),
        );
        match state {
            State::Same => take_agents.push((agent.clone(), None, known.clone())),
            State::OnlyThere | State::ChangedThere => {
                let changes = how_it_runs(doc.agents.get(agent), settings);
                said.push(format!("take agent {agent} (v{}){changes}", known.version));
                was.push((format!("agent {agent}"), local));
                take_agents.push((agent.clone(), Some(settings.clone()), known.clone()));
            }
            State::Conflict if args.force => {
                let changes = how_it_runs(doc.agents.get(agent), settings);
                said.push(format!(
                    "take agent {agent} (v{}), over the change here{changes}",
                    known.version
                ));
                was.push((format!("agent {agent}"), local));
                take_agents.push((agent.clone(), Some(settings.clone()), known.clone()));
            }
            State::Conflict => conflicts.push(format!("agent {agent}")),
            other => said.push(format!(
                "keep {}",
                state_line(&format!("agent {agent}"), other, Some(known.version), base)
            )),
        }
    }
    if args.dry_run {
        let mut out: String = said.iter().map(|l| format!("{l}\n")).collect();
        if !conflicts.is_empty() {
            out += &format!("changed on both sides: {}\n", conflicts.join(", "));
        }
        out += "nothing was changed (--dry-run)\n";
        ctx.ui.print(out)?;
        return Ok(());
    }
    let at = now();
    let age = args.max_age;
    let changed = args.live
        || !take.is_empty()
        || !drop_here.is_empty()
        || bases.iter().any(|(e, k)| remote.entries.get(e) != Some(k))
        || take_agents
            .iter()
            .any(|(a, settings, k)| settings.is_some() || remote.agents.get(a) != Some(k));
    ctx.vault.update_if_changed(&keys, |doc| {
        let now_here = |what: &str| match what.strip_prefix("agent ") {
            Some(agent) => doc
                .agents
                .get(agent)
                .and_then(|a| agent_text(a).ok())
                .map(|text| agent_digest(text.expose())),
            None => doc.entries.get(what).map(remote::entry_digest),
        };
        if let Some((what, _)) = was.iter().find(|(what, then)| now_here(what) != *then) {
            return Err(crate::vault::ModelError::ChangedMeanwhile {
                what: what.clone(),
                doing: "this pull read the server",
                retry: format!("run vault pull {name} again"),
            }
            .into());
        }
        for entry in &take {
            let there = &entries[entry];
            doc.put_entry(entry, there.details.clone(), there.stored.value.clone(), at)?;
        }
        for entry in &drop_here {
            let kind = doc.entry(entry)?.kind();
            doc.remove_entry(entry, kind, true, at)?;
        }
        for (agent, settings, _) in &take_agents {
            if let Some(settings) = settings {
                // Its standing proxy token is each person's own: kept as it is here.
                let mut settings = settings.clone();
                settings.token = doc.agents.get(agent).and_then(|a| a.token);
                doc.agents.insert(agent.clone(), settings);
                // Its attachments must name entries the vault now has.
                doc.attached(agent)?;
            }
        }
        if let Some(saved) = doc.remotes.get_mut(&name) {
            for (entry, known) in &bases {
                saved.entries.insert(entry.clone(), known.clone());
                if args.live && (age.is_some() || !saved.live.contains_key(entry)) {
                    saved
                        .live
                        .insert(entry.clone(), age.unwrap_or(DEFAULT_MAX_AGE));
                }
            }
            for (agent, _, known) in &take_agents {
                saved.agents.insert(agent.clone(), known.clone());
            }
            for entry in &drop_here {
                saved.entries.remove(entry);
                saved.live.remove(entry);
            }
        }
        Ok(((), changed))
    })?;
    if args.live {
        let vault = ctx.vault_real_path();
        for (entry, _) in &bases {
            stamp_fetch(ctx, &vault, entry);
        }
    }
    let audited: Vec<String> = take
        .iter()
        .map(|entry| format!("{entry}@v{}", entries[entry].stored.version))
        .chain(
            take_agents
                .iter()
                .filter(|(_, settings, _)| settings.is_some())
                .map(|(agent, _, known)| format!("agent {agent}@v{}", known.version)),
        )
        .chain(drop_here.iter().map(|entry| format!("{entry} (deleted)")))
        .collect();
    if !audited.is_empty() {
        ctx.record_change("pull", audited.clone(), None);
    }
    for line in said {
        ctx.ui.status(line);
    }
    ctx.ui.status(format!(
        "Pulled from {name}: {} taken{}",
        audited.len() - drop_here.len(),
        match drop_here.len() {
            0 => String::new(),
            n => format!(", {n} removed"),
        }
    ));
    if !conflicts.is_empty() {
        return Err(anyhow!(
            "changed both here and on the server since this vault last synced, so kept as they \
             are here: {}; vault pull {name} --force takes the server's, vault push {name} \
             --force writes yours over it (vault remote status shows both versions)",
            conflicts.join(", ")
        ));
    }
    Ok(())
}

/// What a push did with one entry.
enum Pushed {
    /// Now the server holds this: written by this push (`true`), or held already.
    Known(Known, bool),
    /// Nothing to write: what the server holds is newer (a pull takes it), or it is deleted
    /// there.
    Left(String),
    Conflict(String),
}

/// Writes `entry` when it changed here and the server still holds what this vault last saw
/// (check-and-set against the version just read), or with `force` whatever the server holds.
fn push_one(
    kv: &Kv,
    remote: &Remote,
    doc: &Document,
    entry: &EnvName,
    force: bool,
) -> Result<Pushed> {
    let local = doc.entry(entry)?;
    let local_digest = remote::entry_digest(local);
    let server = match kv.read(&remote.path, entry)? {
        Some(stored) => Some(there(entry, stored)?),
        None => None,
    };
    let base = remote.entries.get(entry);
    let state = remote::compare(
        Some(&local_digest),
        server.as_ref().map(|t| t.digest.as_str()),
        base.map(|k| k.digest.as_str()),
    );
    let version = server.as_ref().map(|t| t.stored.version);
    let write = match state {
        State::Same => {
            let known = Known {
                version: version.unwrap_or(0),
                digest: local_digest,
            };
            return Ok(Pushed::Known(known, false));
        }
        State::OnlyHere | State::ChangedHere => true,
        State::ChangedThere | State::DeletedThere if !force => {
            return Ok(Pushed::Left(state_line(entry, state, version, base)));
        }
        State::Conflict if !force => {
            return Ok(Pushed::Conflict(state_line(entry, state, version, base)));
        }
        _ => force,
    };
    if !write {
        return Ok(Pushed::Left(state_line(entry, state, version, base)));
    }
    // Keys the server's metadata has besides vault's own are kept.
    let mut meta = server.map(|t| t.stored.meta).unwrap_or_default();
    meta.extend(remote::metadata(local));
    let at = (&remote.path[..], entry.as_str(), entry.as_str());
    write_checked(kv, at, local.value(), (force, version), meta, local_digest)
}

/// Writes `value` at `folder/name` with check-and-set against `version`, the one just read
/// (`force` over a deleted one: against none): what the server then holds, or a conflict
/// naming `what`.
fn write_checked(
    kv: &Kv,
    (folder, name, what): (&str, &str, &str),
    value: &crate::secret::SecretValue,
    (force, version): (bool, Option<u64>),
    meta: serde_json::Map<String, serde_json::Value>,
    digest: String,
) -> Result<Pushed> {
    let cas = match (force, version) {
        (true, None) => None,
        (_, version) => Some(version.unwrap_or(0)),
    };
    match kv.write(folder, name, value, cas, meta)? {
        Written::Version(version) => Ok(Pushed::Known(Known { version, digest }, true)),
        Written::Conflict => Ok(Pushed::Conflict(format!(
            "{what}: changed on the server while this push ran"
        ))),
    }
}

/// The same for each agent's settings, under `_agents/`.
fn push_agent(
    kv: &Kv,
    remote: &Remote,
    name: &AgentName,
    agent: &crate::vault::Agent,
    force: bool,
) -> Result<Pushed> {
    let folder = agents_folder(remote);
    let text = agent_text(agent)?;
    let local_digest = agent_digest(text.expose());
    let server = kv.read(&folder, name)?;
    let version = server.as_ref().map(|s| s.version);
    let server_digest = server.as_ref().map(|s| agent_digest(s.value.expose()));
    let base = remote.agents.get(name);
    let what = format!("agent {name}");
    let state = remote::compare(
        Some(&local_digest),
        server_digest.as_deref(),
        base.map(|k| k.digest.as_str()),
    );
    match state {
        State::Same => {
            let known = Known {
                version: version.unwrap_or(0),
                digest: local_digest,
            };
            return Ok(Pushed::Known(known, false));
        }
        State::OnlyHere | State::ChangedHere => {}
        State::Conflict if !force => {
            return Ok(Pushed::Conflict(state_line(&what, state, version, base)));
        }
        _ if !force => return Ok(Pushed::Left(state_line(&what, state, version, base))),
        _ => {}
    }
    let mut meta = server.map(|s| s.meta).unwrap_or_default();
    meta.insert("kind".into(), "agent".into());
    let at = (&folder[..], name.as_str(), &what[..]);
    write_checked(kv, at, &text, (force, version), meta, local_digest)
}

/// `push --prune`: deletes from `folder` what this vault knew and no longer has, when the
/// server still holds it as this vault last saw it (`force`: however it holds it).
#[derive(Clone, Copy)]
struct Pruning<'k> {
    kv: &'k Kv,
    folder: &'k str,
    force: bool,
}

impl Pruning<'_> {
    /// Deletes each of `gone` (names and what was last synced), naming in `removed` what is
    /// no longer there and in `conflicts` what changed there since (`what`: how it is named);
    /// the failure that stopped it, if one did.
    fn run<'n, N: AsRef<str> + Clone + 'n>(
        self,
        gone: impl Iterator<Item = (&'n N, &'n Known)>,
        digest: impl Fn(&N, Stored) -> Result<String>,
        what: impl Fn(&N) -> String,
        removed: &mut Vec<N>,
        conflicts: &mut Vec<String>,
    ) -> Option<anyhow::Error> {
        for (name, base) in gone {
            let stored = match self.kv.read(self.folder, name.as_ref()) {
                Ok(Some(stored)) => stored,
                Ok(None) => {
                    removed.push(name.clone());
                    continue;
                }
                Err(e) => return Some(e.into()),
            };
            let version = stored.version;
            match digest(name, stored) {
                Ok(digest) if digest != base.digest && !self.force => {
                    let line = state_line(&what(name), State::Conflict, Some(version), Some(base));
                    conflicts.push(line);
                    continue;
                }
                Ok(_) => {}
                Err(e) => return Some(e),
            }
            match self.kv.delete(self.folder, name.as_ref()) {
                Ok(()) => removed.push(name.clone()),
                Err(e) => return Some(e.into()),
            }
        }
        None
    }
}

pub fn push(ctx: &Context, args: &PushArgs) -> Result<()> {
    let keys = ctx.keys()?;
    let doc = ctx.vault.open(&keys)?;
    // The first word names a remote when one has that name; the rest are entries.
    let mut targets = args.targets.as_slice();
    let remote_name = match targets.first() {
        Some(first) if doc.remotes.keys().any(|k| k.as_str() == first) => {
            targets = &targets[1..];
            Some(first.as_str())
        }
        _ => None,
    };
    // A first word that names neither a remote nor an entry, but looks like a remote's name,
    // is a remote misspelled.
    if let Some(first) = targets.first()
        && remote_name.is_none()
        && !doc.entries.keys().any(|e| e.as_str() == first)
        && let Some(like) = crate::vault::model::closest(doc.remotes.keys(), first)
    {
        return Err(UsageError(format!(
            "there is no remote or entry {first}: did you mean remote {like}? (vault push {like} \
             [NAMES…])"
        ))
        .into());
    }
    let everything = targets.is_empty();
    let names: Vec<EnvName> = match everything {
        true => doc.entries.keys().cloned().collect(),
        false => targets
            .iter()
            .map(|t| t.parse::<EnvName>())
            .collect::<Result<_, _>>()
            .map_err(|e| UsageError(e.to_string()))?,
    };
    for entry in &names {
        doc.entry(entry)?;
    }
    let (name, remote) = chosen(&doc, remote_name)?;
    let kv = connect(&remote, args.token_file.as_deref())?;
    kv.check_mount()?;
    let outcomes = each(&names, |entry| {
        push_one(&kv, &remote, &doc, entry, args.force)
    });
    let mut known: Vec<(EnvName, Known, bool)> = Vec::new();
    let (mut left, mut conflicts, mut failures) = (Vec::new(), Vec::new(), Vec::new());
    for (entry, outcome) in names.iter().zip(outcomes) {
        match outcome {
            Ok(Pushed::Known(k, wrote)) => known.push((entry.clone(), k, wrote)),
            Ok(Pushed::Left(line)) => left.push(line),
            Ok(Pushed::Conflict(line)) => conflicts.push(line),
            Err(e) => failures.push(e),
        }
    }
    let mut agents_known = Vec::new();
    if everything && failures.is_empty() {
        for (agent_name, agent) in &doc.agents {
            match push_agent(&kv, &remote, agent_name, agent, args.force) {
                Ok(Pushed::Known(k, wrote)) => agents_known.push((agent_name.clone(), k, wrote)),
                Ok(Pushed::Left(line)) => left.push(line),
                Ok(Pushed::Conflict(line)) => conflicts.push(line),
                Err(e) => failures.push(e),
            }
        }
    }
    let mut removed = Vec::new();
    let mut removed_agents = Vec::new();
    if args.prune && failures.is_empty() {
        let gone = remote
            .entries
            .iter()
            .filter(|(e, _)| !doc.entries.contains_key(*e));
        let digest = |entry: &EnvName, stored| Ok(there(entry, stored)?.digest);
        let what = |entry: &EnvName| entry.to_string();
        let pruning = Pruning {
            kv: &kv,
            folder: &remote.path,
            force: args.force,
        };
        let failure = pruning.run(gone, digest, what, &mut removed, &mut conflicts);
        failures.extend(failure);
        if everything && failures.is_empty() {
            // The same for agents removed here, under `_agents/`.
            let folder = agents_folder(&remote);
            let gone = remote
                .agents
                .iter()
                .filter(|(a, _)| !doc.agents.contains_key(*a));
            let digest = |_: &AgentName, stored: Stored| Ok(agent_digest(stored.value.expose()));
            let what = |agent: &AgentName| format!("agent {agent}");
            let pruning = Pruning {
                folder: &folder,
                ..pruning
            };
            let failure = pruning.run(gone, digest, what, &mut removed_agents, &mut conflicts);
            failures.extend(failure);
        }
    }
    // What was written is noted even when something else failed.
    ctx.vault.update_if_changed(&keys, |doc| {
        let Some(saved) = doc.remotes.get_mut(&name) else {
            return Ok(((), false));
        };
        let before = saved.clone();
        for (entry, k, _) in &known {
            saved.entries.insert(entry.clone(), k.clone());
        }
        for (agent, k, _) in &agents_known {
            saved.agents.insert(agent.clone(), k.clone());
        }
        for entry in &removed {
            saved.entries.remove(entry);
        }
        for agent in &removed_agents {
            saved.agents.remove(agent);
        }
        let changed = *saved != before;
        Ok(((), changed))
    })?;
    let written: Vec<&(EnvName, Known, bool)> = known.iter().filter(|(_, _, w)| *w).collect();
    let agents_written: Vec<&(AgentName, Known, bool)> =
        agents_known.iter().filter(|(_, _, w)| *w).collect();
    let audited: Vec<String> = written
        .iter()
        .map(|(entry, k, _)| format!("{entry}@v{}", k.version))
        .chain(
            agents_written
                .iter()
                .map(|(agent, k, _)| format!("agent {agent}@v{}", k.version)),
        )
        .chain(removed.iter().map(|entry| format!("{entry} (deleted)")))
        .chain(
            removed_agents
                .iter()
                .map(|a| format!("agent {a} (deleted)")),
        )
        .collect();
    if !audited.is_empty() {
        ctx.record_change("push", audited, None);
    }
    for line in &left {
        ctx.ui.status(format!("left as it is: {line}"));
    }
    if !left.is_empty() {
        ctx.ui.status(format!(
            "(vault pull {name} takes what changed on the server, and with --prune removes \
             what was deleted there; vault push {name} --force writes yours over either)"
        ));
    }
    let mut said = format!(
        "Pushed to {name}: {} written, {} unchanged",
        written.len(),
        known.len() - written.len()
    );
    if !agents_written.is_empty() {
        let names: Vec<&str> = agents_written.iter().map(|(a, _, _)| a.as_str()).collect();
        said += &format!(", agents written: {}", names.join(", "));
    }
    if !removed.is_empty() {
        said += &format!(", {} deleted", removed.len());
    }
    if !removed_agents.is_empty() {
        let names: Vec<&str> = removed_agents.iter().map(AgentName::as_str).collect();
        said += &format!(", agents deleted: {}", names.join(", "));
    }
    ctx.ui.status(said);
    if let Some(failure) = failures.into_iter().next() {
        return Err(failure.context(format!("the push to {name} stopped")));
    }
    if !conflicts.is_empty() {
        return Err(anyhow!(
            "nothing was written for these, changed on the server since this vault last \
             synced: {}; vault pull {name} --force takes the server's, vault push {name} \
             --force writes yours over it (vault remote status shows both versions)",
            conflicts.join("; ")
        ));
    }
    Ok(())
}

/// How `remote status` gives a state: a code for scripts (`--json`'s `state`), and words
/// with what to do.
type Shown = (&'static str, &'static str);

fn state_shown(state: State) -> Shown {
    match state {
        State::Same => ("same", "same"),
        State::OnlyThere => ("only_there", "only on the server (pull)"),
        State::OnlyHere => ("only_here", "only here (push)"),
        State::ChangedHere => ("changed_here", "changed here (push)"),
        State::ChangedThere => ("changed_there", "changed on the server (pull)"),
        State::DeletedHere => ("deleted_here", "deleted here (push --prune)"),
        State::DeletedThere => ("deleted_there", "deleted on the server (pull --prune)"),
        State::Conflict => ("conflict", "changed on both sides"),
    }
}

/// One line of `remote status`: the name, its state, the server's version, the synced one.
type StatusRow = (String, Shown, Option<u64>, Option<u64>);

/// `remote status`' lines for one kind of thing: each name, its state, the server's version
/// and the last synced one, for what is here (`local`: digests), there (digests, versions)
/// and last synced (`base`).
fn status_rows<N: Ord + AsRef<str>>(
    local: &BTreeMap<&N, String>,
    there: &BTreeMap<&N, (String, u64)>,
    base: &BTreeMap<N, Known>,
) -> Vec<StatusRow> {
    let names: std::collections::BTreeSet<&N> = local
        .keys()
        .chain(there.keys())
        .copied()
        .chain(base.keys())
        .collect();
    names
        .into_iter()
        .filter(|n| local.contains_key(n) || there.contains_key(n))
        .map(|name| {
            let here = local.get(name).map(String::as_str);
            let server = there.get(name);
            let synced = base.get(name);
            let state = remote::compare(
                here,
                server.map(|(digest, _)| digest.as_str()),
                synced.map(|k| k.digest.as_str()),
            );
            let server = server.map(|(_, version)| *version);
            let synced = synced.map(|k| k.version);
            (name.as_ref().to_owned(), state_shown(state), server, synced)
        })
        .collect()
}

fn status(ctx: &Context, args: &RemoteArgs) -> Result<()> {
    let doc = ctx.open()?;
    let (name, remote) = chosen(&doc, args.remote.as_deref())?;
    let kv = connect(&remote, args.token_file.as_deref())?;
    kv.check_mount()?;
    let read = || -> Result<_> {
        Ok((
            server_entries(&kv, &remote, &ctx.ui)?.found,
            server_agents(&kv, &remote, &ctx.ui)?,
        ))
    };
    let (server, server_agents) = read().with_context(|| format!("cannot read remote {name}"))?;
    let local: BTreeMap<&EnvName, String> = doc
        .entries
        .iter()
        .map(|(n, e)| (n, remote::entry_digest(e)))
        .collect();
    let there = server
        .iter()
        .map(|(n, t)| (n, (t.digest.clone(), t.stored.version)))
        .collect();
    let entries = status_rows(&local, &there, &remote.entries);
    let local_agents: BTreeMap<&AgentName, String> = doc
        .agents
        .iter()
        .map(|(n, a)| Ok((n, agent_digest(agent_text(a)?.expose()))))
        .collect::<Result<_>>()?;
    let there_agents = server_agents
        .read
        .iter()
        .map(|(n, (_, known))| (n, known))
        .chain(&server_agents.unreadable)
        .map(|(n, known)| (n, (known.digest.clone(), known.version)))
        .collect();
    let mut agents = status_rows(&local_agents, &there_agents, &remote.agents);
    for (name, state, ..) in &mut agents {
        if server_agents.unreadable.keys().any(|n| n.as_str() == name) {
            *state = ("unreadable", "unreadable by this vault (upgrade vault)");
        }
    }
    let json_rows = |rows: &[StatusRow]| -> Vec<serde_json::Value> {
        rows.iter()
            .map(|(name, (state, says), server, synced)| {
                json!({"name": name, "state": state, "says": says, "server_version": server,
                       "synced_version": synced})
            })
            .collect()
    };
    if ctx.ui.json {
        ctx.ui.print_json(&json!({
            "remote": name.as_str(),
            "entries": json_rows(&entries),
            "agents": json_rows(&agents),
        }))?;
        return Ok(());
    }
    let agents = agents
        .into_iter()
        .map(|(name, state, server, synced)| (format!("agent {name}"), state, server, synced));
    let rows = entries
        .into_iter()
        .chain(agents)
        .map(|(name, (_, says), server, synced)| {
            vec![
                name,
                says.to_owned(),
                server.map_or_else(|| "-".into(), |v| format!("v{v}")),
                synced.map_or_else(|| "never".into(), |v| format!("v{v}")),
            ]
        })
        .collect();
    ctx.ui.print(
        ctx.ui
            .table(&["NAME", "STATE", "SERVER", "LAST SYNCED"], rows),
    )?;
    Ok(())
}

pub(super) fn stamp_fetch(ctx: &Context, vault: &Path, entry: &str) {
    if let Some(why) = stamp_failure(ctx, vault, entry) {
        ctx.ui.warn(why);
    }
}

/// Notes that `entry` was fetched now; what to warn of when that cannot be noted.
pub(super) fn stamp_failure(ctx: &Context, vault: &Path, entry: &str) -> Option<String> {
    let e = ctx.state.stamp_fetch(vault, entry, now()).err()?;
    Some(format!(
        "cannot note when {entry} was fetched (in {}): {e}",
        ctx.state.path("fetched").display()
    ))
}

/// `vault secret add NAME --remote REMOTE`: an entry whose value is the server's, fetched
/// again each time an agent using it starts.
pub fn add_live(
    ctx: &Context,
    entry: &EnvName,
    remote_name: &AgentName,
    max_age: Option<u64>,
) -> Result<()> {
    let keys = ctx.keys()?;
    let doc = ctx.vault.open(&keys)?;
    if let Ok(existing) = doc.entry(entry) {
        anyhow::bail!(crate::vault::ModelError::AlreadyExists {
            name: entry.to_string(),
            kind: existing.kind()
        });
    }
    let (name, remote) = chosen(&doc, Some(remote_name))?;
    let kv = connect(&remote, None)?;
    let stored = kv.read(&remote.path, entry)?.ok_or_else(|| {
        anyhow!(
            "remote {name} has no {entry} under {}/{}: push it there first (vault push {name} \
             {entry} from a vault that has it)",
            remote.mount,
            remote.path
        )
    })?;
    let version = stored.version;
    let there = there(entry, stored)?;
    let age = max_age.unwrap_or(DEFAULT_MAX_AGE);
    ctx.vault.update(&keys, |doc| {
        doc.add_entry(
            entry,
            there.details.clone(),
            there.stored.value.clone(),
            now(),
        )?;
        if let Some(saved) = doc.remotes.get_mut(&name) {
            let known = Known {
                version,
                digest: there.digest.clone(),
            };
            saved.entries.insert(entry.clone(), known);
            saved.live.insert(entry.clone(), age);
        }
        Ok(())
    })?;
    stamp_fetch(ctx, &ctx.vault_real_path(), entry);
    ctx.record_change(
        "secret add",
        vec![format!("{entry}@v{version} (live, {name})")],
        None,
    );
    ctx.ui.status(format!(
        "Added {entry}, fetched from remote {name} each time an agent using it starts (when \
         the server cannot be reached: the value kept here, up to {} old)",
        age_text(age)
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::how_it_runs;
    use crate::vault::Agent;

    #[test]
    fn a_pulled_agent_s_changes_to_how_it_runs_are_named() {
        let at = jiff::Timestamp::UNIX_EPOCH;
        let mut here = Agent::new(at);
        here.keyless = true;
        let mut there = here.clone();
        assert_eq!(how_it_runs(Some(&here), &there), "");
        // Keyless runs are sandboxed unless turned off: turning it off is said.
        there.sandbox = Some(false);
        there.image = Some("evil:latest".into());
        there.network = Some(crate::sandbox::Network::Host);
        assert_eq!(
            how_it_runs(Some(&here), &there),
            ": image evil:latest, sandbox off"
        );
        there.network = Some(crate::sandbox::Network::None);
        there.allow_write = vec!["~/.bashrc".into()];
        assert_eq!(
            how_it_runs(Some(&here), &there),
            ": image evil:latest, sandbox off, network none, may write ~/.bashrc"
        );
        // A new agent: what it has beyond the defaults.
        let mut new = Agent::new(at);
        new.command = vec!["python".into(), "bot.py".into()];
        assert_eq!(how_it_runs(None, &new), ": it runs `python bot.py`");
        assert_eq!(
            how_it_runs(Some(&new), &Agent::new(at)),
            ": no command of its own"
        );
    }
}
