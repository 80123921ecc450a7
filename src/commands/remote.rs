//! `vault remote add/list/rm/status`, `vault pull`, `vault push`: the vault and a team's
//! OpenBao / HashiCorp Vault KV v2 mount (see `remote`). Names and versions are printed and
//! audited, never values or the token.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};
use serde_json::json;

use super::{Context, UsageError, now};
use crate::cli::{PullArgs, PushArgs, RemoteAddArgs, RemoteArgs, RemoteCommand};
use crate::identity::Identities;
use crate::names::{AgentName, EnvName};
use crate::remote::{self, Kv, Stored, Written};
use crate::vault::Document;
use crate::vault::remote::{DEFAULT_MAX_AGE, Remote, age_text};

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

fn connect(remote: &Remote, token_file: Option<&Path>) -> Result<Kv> {
    Ok(remote::connect(remote, token_file, home().as_deref())?)
}

/// An http(s) URL with no credentials, path, query or fragment.
fn server_address(text: &str) -> Result<String> {
    let bad = || {
        UsageError(
            "the address is the server's URL, such as https://bao.example.com:8200 (http or \
             https, no user, password or path)"
                .into(),
        )
    };
    let url = url::Url::parse(text.trim()).map_err(|_| bad())?;
    let plain = matches!(url.scheme(), "http" | "https")
        && url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none()
        && url.path().trim_matches('/').is_empty();
    if !plain || url.host_str().is_none() {
        return Err(bad().into());
    }
    Ok(text.trim().trim_end_matches('/').to_owned())
}

fn add(ctx: &Context, args: RemoteAddArgs) -> Result<()> {
    let address = args.address.or_else(remote::env_address).ok_or_else(|| {
        UsageError("give the server's address: --address URL (or set BAO_ADDR)".into())
    })?;
    let remote = Remote {
        address: server_address(&address)?,
        mount: args.mount.trim_matches('/').to_owned(),
        path: args.path.trim_matches('/').to_owned(),
        versions: BTreeMap::new(),
        live: BTreeMap::new(),
        agent_versions: BTreeMap::new(),
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
                       "path": r.path, "entries": r.versions.len()})
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
                r.versions.len().to_string(),
            ]
        })
        .collect();
    ctx.ui.print(
        ctx.ui
            .table(&["REMOTE", "ADDRESS", "MOUNT/PATH", "ENTRIES PULLED"], rows),
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
                "this vault has no remote: vault remote add NAME --address URL --mount MOUNT"
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
const AGENTS: &str = "_agents/";

/// Calls to the server at once (each entry is a request or three).
const AT_ONCE: usize = 8;

/// `f` of each item, in order, from up to [`AT_ONCE`] threads.
fn each<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let size = items.len().div_ceil(AT_ONCE).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(size)
            .map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|part| part.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// Every entry the server holds under the remote's path, as it holds it.
fn server_entries(
    kv: &Kv,
    remote: &Remote,
    ui: &crate::ui::Ui,
) -> Result<BTreeMap<EnvName, Stored>> {
    let mut names = Vec::new();
    for path in kv.list(&remote.path)? {
        if path.starts_with(AGENTS) {
            continue;
        }
        match path.parse::<EnvName>() {
            Ok(name) => names.push(name),
            Err(_) => ui.warn(format!(
                "skipped {}/{path}: an entry's name is an environment-variable name",
                remote.path
            )),
        }
    }
    let read = each(&names, |name| kv.read(&remote.path, name));
    let mut found = BTreeMap::new();
    for (name, stored) in names.into_iter().zip(read) {
        if let Some(stored) = stored? {
            found.insert(name, stored);
        }
    }
    Ok(found)
}

/// The agents' settings the server holds under `_agents/`, with their versions.
fn server_agents(
    kv: &Kv,
    remote: &Remote,
) -> Result<BTreeMap<AgentName, (crate::vault::Agent, u64)>> {
    let folder = format!("{}/{}", remote.path, AGENTS.trim_end_matches('/'));
    let mut found = BTreeMap::new();
    for path in kv.list(&folder)? {
        let name: AgentName = path
            .parse()
            .map_err(|_| anyhow!("skipped {folder}/{path}: not an agent's name"))?;
        let Some(stored) = kv.read(&folder, &path)? else {
            continue;
        };
        let settings = serde_json::from_str(stored.value.expose()).map_err(|e| {
            anyhow!(
                "the server's settings of agent {name} ({folder}/{path}) are not an agent's: {e}"
            )
        })?;
        found.insert(name, (settings, stored.version));
    }
    Ok(found)
}

/// An agent's settings as the server keeps them (its proxy token left out: it is each
/// person's own).
fn agent_text(agent: &crate::vault::Agent) -> Result<crate::secret::SecretValue> {
    let mut shared = agent.clone();
    shared.token = None;
    let text = serde_json::to_string(&shared)?;
    crate::secret::SecretValue::new(text).map_err(|_| anyhow!("an agent's settings are too large"))
}

/// The agents a push wrote (with their new versions) and those it did not, for conflicts.
type AgentsPushed = (Vec<(AgentName, u64)>, Vec<AgentName>);

/// Writes every agent's settings under `_agents/`, with check-and-set like entries.
fn push_agents(kv: &Kv, remote: &Remote, doc: &Document, force: bool) -> Result<AgentsPushed> {
    let folder = format!("{}/{}", remote.path, AGENTS.trim_end_matches('/'));
    let (mut written, mut conflicts) = (Vec::new(), Vec::new());
    for (name, agent) in &doc.agents {
        let text = agent_text(agent)?;
        let server = kv.read(&folder, name)?;
        let on_server = server.as_ref().map(|s| s.version);
        if let Some(server) = &server
            && server.value.expose() == text.expose()
        {
            written.push((name.clone(), server.version));
            continue;
        }
        let pulled = remote.agent_versions.get(name).copied();
        let cas = if force {
            on_server.unwrap_or(0)
        } else {
            pulled.unwrap_or(0)
        };
        if !force && on_server.unwrap_or(0) != cas {
            conflicts.push(name.clone());
            continue;
        }
        let mut meta = serde_json::Map::new();
        meta.insert("kind".into(), "agent".into());
        match kv.write(&folder, name, &text, Some(cas), meta)? {
            Written::Version(version) => written.push((name.clone(), version)),
            Written::Conflict => conflicts.push(name.clone()),
        }
    }
    Ok((written, conflicts))
}

/// What a pull does with one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pulled {
    Added,
    Updated,
    Unchanged,
    /// Changed here since the last pull, and not on the server: kept, to be pushed.
    KeptLocal,
}

pub fn pull(ctx: &Context, args: &PullArgs) -> Result<()> {
    let keys = ctx.keys()?;
    let doc = ctx.vault.open(&keys)?;
    let (name, remote) = chosen(&doc, args.remote.remote.as_deref())?;
    let kv = connect(&remote, args.remote.token_file.as_deref())?;
    // Everything is read before anything changes: a server lost midway changes nothing.
    let stored = server_entries(&kv, &remote, &ctx.ui)?;
    let agents = server_agents(&kv, &remote)?;
    let mut plan = Vec::new();
    for (entry, stored) in stored {
        let details = remote::details(&entry, &stored).map_err(|e| anyhow!(e))?;
        let pulled = remote.versions.get(&entry).copied();
        let action = match doc.entries.get(&entry) {
            None => Pulled::Added,
            Some(local) if remote::same(local, &details, &stored) => Pulled::Unchanged,
            Some(_) if pulled == Some(stored.version) => Pulled::KeptLocal,
            Some(_) => Pulled::Updated,
        };
        plan.push((entry, stored, details, action));
    }
    let lines: Vec<String> = plan
        .iter()
        .filter(|(_, _, _, a)| *a != Pulled::Unchanged)
        .map(|(entry, stored, _, action)| match action {
            Pulled::Added => format!("add {entry} (v{})", stored.version),
            Pulled::Updated => format!(
                "update {entry} ({} → v{})",
                version_text(remote.versions.get(entry).copied()),
                stored.version
            ),
            _ => format!(
                "keep {entry}: changed here since the last pull (v{} on the server); push it",
                stored.version
            ),
        })
        .collect();
    let unchanged = plan
        .iter()
        .filter(|(_, _, _, a)| *a == Pulled::Unchanged)
        .count();
    if args.dry_run {
        let mut out: String = lines.iter().map(|l| format!("{l}\n")).collect();
        for (agent, (_, version)) in &agents {
            out += &format!("agent {agent} (v{version})\n");
        }
        out += &format!("{unchanged} unchanged; nothing was changed (--dry-run)\n");
        ctx.ui.print(out)?;
        return Ok(());
    }
    let at = now();
    let audited: Vec<String> = plan
        .iter()
        .filter(|(_, _, _, a)| matches!(a, Pulled::Added | Pulled::Updated))
        .map(|(entry, stored, _, _)| format!("{entry}@v{}", stored.version))
        .chain(
            agents
                .iter()
                .map(|(agent, (_, version))| format!("agent {agent}@v{version}")),
        )
        .collect();
    ctx.vault.update(&keys, |doc| {
        for (entry, stored, details, action) in &plan {
            if matches!(action, Pulled::Added | Pulled::Updated) {
                doc.put_entry(entry, details.clone(), stored.value.clone(), at)?;
            }
        }
        for (agent, (settings, _)) in &agents {
            // Its standing proxy token is each person's own: kept as it is here.
            let mut settings = settings.clone();
            settings.token = doc.agents.get(agent).and_then(|a| a.token);
            doc.agents.insert(agent.clone(), settings);
            // Its attachments must name entries the vault now has.
            doc.attached(agent)?;
        }
        if let Some(saved) = doc.remotes.get_mut(&name) {
            for (agent, (_, version)) in &agents {
                saved.agent_versions.insert(agent.clone(), *version);
            }
        }
        if let Some(saved) = doc.remotes.get_mut(&name) {
            for (entry, stored, _, action) in &plan {
                if *action != Pulled::KeptLocal {
                    saved.versions.insert(entry.clone(), stored.version);
                }
                if args.live {
                    let age = args.max_age.unwrap_or(DEFAULT_MAX_AGE);
                    saved.live.insert(entry.clone(), age);
                }
            }
        }
        Ok(())
    })?;
    if args.live {
        let vault = ctx.vault_real_path();
        for (entry, _, _, _) in &plan {
            stamp_fetch(ctx, &vault, entry);
        }
    }
    ctx.record_change("pull", audited.clone(), None);
    for line in lines {
        ctx.ui.status(line);
    }
    ctx.ui.status(format!(
        "Pulled from {name}: {} changed, {unchanged} unchanged",
        audited.len()
    ));
    Ok(())
}

fn version_text(version: Option<u64>) -> String {
    version.map_or_else(|| "never pulled".into(), |v| format!("v{v}"))
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
    let names: Vec<EnvName> = match targets.is_empty() {
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
    let outcomes = each(&names, |entry| {
        push_one(&kv, &remote, &doc, entry, args.force)
    });
    let mut written: Vec<(EnvName, u64)> = Vec::new();
    let mut conflicts = Vec::new();
    let mut unchanged = 0;
    for (entry, outcome) in names.iter().zip(outcomes) {
        match outcome? {
            Pushed::Unchanged(version) => {
                written.push((entry.clone(), version));
                unchanged += 1;
            }
            Pushed::Written(version) => written.push((entry.clone(), version)),
            Pushed::Conflict { server, pulled } => conflicts.push((entry.clone(), server, pulled)),
        }
    }
    // Agents go with a push of everything.
    let (agents_written, agent_conflicts) = match targets.is_empty() {
        true => push_agents(&kv, &remote, &doc, args.force)?,
        false => (Vec::new(), Vec::new()),
    };
    let mut removed = Vec::new();
    if args.prune {
        for path in kv.list(&remote.path)? {
            let Ok(entry) = path.parse::<EnvName>() else {
                continue;
            };
            if path.starts_with(AGENTS) || doc.entries.contains_key(&entry) {
                continue;
            }
            let on_server = kv.read(&remote.path, &path)?.map(|s| s.version);
            let pulled = remote.versions.get(&entry).copied();
            if !args.force && on_server != pulled {
                // Added or changed by someone else since the last pull: not this vault's to
                // delete.
                conflicts.push((entry, on_server, pulled));
                continue;
            }
            kv.delete(&remote.path, &path)?;
            removed.push(entry);
        }
    }
    ctx.vault.update(&keys, |doc| {
        if let Some(saved) = doc.remotes.get_mut(&name) {
            for (entry, version) in &written {
                saved.versions.insert(entry.clone(), *version);
            }
            for entry in &removed {
                saved.versions.remove(entry);
            }
            for (agent, version) in &agents_written {
                saved.agent_versions.insert(agent.clone(), *version);
            }
        }
        Ok(())
    })?;
    let audited: Vec<String> = written
        .iter()
        .map(|(entry, version)| format!("{entry}@v{version}"))
        .chain(removed.iter().map(|entry| format!("{entry} (deleted)")))
        .chain(
            agents_written
                .iter()
                .map(|(agent, version)| format!("agent {agent}@v{version}")),
        )
        .collect();
    ctx.record_change("push", audited, None);
    let pushed = written.len() - unchanged;
    let mut said = format!("Pushed to {name}: {pushed} written, {unchanged} unchanged");
    if !removed.is_empty() {
        said += &format!(", {} deleted", removed.len());
    }
    ctx.ui.status(said);
    if !conflicts.is_empty() || !agent_conflicts.is_empty() {
        let each: Vec<String> = conflicts
            .iter()
            .map(|(entry, server, pulled)| {
                format!(
                    "{entry} (on the server: {}; last pulled: {})",
                    server.map_or_else(|| "deleted".into(), |v| format!("v{v}")),
                    version_text(*pulled)
                )
            })
            .chain(agent_conflicts.iter().map(|agent| format!("agent {agent}")))
            .collect();
        return Err(anyhow!(
            "changed on the server since this vault last pulled, so nothing was written for \
             them: {}; vault pull {name} to take the server's versions (then push again), or \
             push --force to write over them",
            each.join(", ")
        ));
    }
    Ok(())
}

/// What a push did with one entry.
enum Pushed {
    Unchanged(u64),
    Written(u64),
    Conflict {
        server: Option<u64>,
        pulled: Option<u64>,
    },
}

/// Writes `entry` unless the server has it already, or has a version this vault never saw.
fn push_one(
    kv: &Kv,
    remote: &Remote,
    doc: &Document,
    entry: &EnvName,
    force: bool,
) -> Result<Pushed> {
    let local = doc.entry(entry)?;
    let server = kv.read(&remote.path, entry)?;
    let pulled = remote.versions.get(entry).copied();
    if let Some(server) = &server {
        let details = remote::details(entry, server).map_err(|e| anyhow!(e))?;
        if remote::same(local, &details, server) {
            return Ok(Pushed::Unchanged(server.version));
        }
    }
    let on_server = server.as_ref().map(|s| s.version);
    let cas = match force {
        true => on_server.unwrap_or(0),
        false => pulled.unwrap_or(0),
    };
    let conflict = Pushed::Conflict {
        server: on_server,
        pulled,
    };
    if !force && on_server.unwrap_or(0) != cas {
        return Ok(conflict);
    }
    Ok(
        match kv.write(
            &remote.path,
            entry,
            local.value(),
            Some(cas),
            remote::metadata(local),
        )? {
            Written::Version(version) => Pushed::Written(version),
            Written::Conflict => conflict,
        },
    )
}

fn status(ctx: &Context, args: &RemoteArgs) -> Result<()> {
    let doc = ctx.open()?;
    let (name, remote) = chosen(&doc, args.remote.as_deref())?;
    let kv = connect(&remote, args.token_file.as_deref())?;
    let server = server_entries(&kv, &remote, &ctx.ui)
        .with_context(|| format!("cannot read remote {name}"))?;
    let mut rows = Vec::new();
    let mut json_rows = Vec::new();
    let names: std::collections::BTreeSet<&EnvName> =
        doc.entries.keys().chain(server.keys()).collect();
    for entry in names {
        let pulled = remote.versions.get(entry).copied();
        let (state, version) = match (doc.entries.get(entry), server.get(entry)) {
            (Some(_), None) if pulled.is_some() => ("deleted on the server", None),
            (Some(_), None) => ("only here (push it)", None),
            (None, Some(s)) => ("only on the server (pull it)", Some(s.version)),
            (Some(local), Some(s)) => {
                let details = remote::details(entry, s).map_err(|e| anyhow!(e))?;
                let state = if remote::same(local, &details, s) {
                    "same"
                } else if pulled != Some(s.version) {
                    "changed on the server (pull it)"
                } else {
                    "changed here (push it)"
                };
                (state, Some(s.version))
            }
            (None, None) => continue,
        };
        json_rows.push(json!({"name": entry.as_str(), "state": state,
                              "server_version": version, "pulled_version": pulled}));
        rows.push(vec![
            entry.to_string(),
            state.to_owned(),
            version.map_or_else(|| "-".into(), |v| format!("v{v}")),
            version_text(pulled),
        ]);
    }
    if ctx.ui.json {
        ctx.ui
            .print_json(&json!({"remote": name.as_str(), "entries": json_rows}))?;
        return Ok(());
    }
    ctx.ui.print(
        ctx.ui
            .table(&["ENTRY", "STATE", "SERVER", "LAST PULLED"], rows),
    )?;
    Ok(())
}

fn stamp_fetch(ctx: &Context, vault: &Path, entry: &str) {
    if let Err(e) = ctx.state.stamp_fetch(vault, entry, now()) {
        ctx.ui.warn(format!(
            "cannot note when {entry} was fetched (in {}): {e}",
            ctx.state.path("fetched").display()
        ));
    }
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
    let details = remote::details(entry, &stored).map_err(|e| anyhow!(e))?;
    let age = max_age.unwrap_or(DEFAULT_MAX_AGE);
    ctx.vault.update(&keys, |doc| {
        doc.add_entry(entry, details, stored.value.clone(), now())?;
        if let Some(saved) = doc.remotes.get_mut(&name) {
            saved.versions.insert(entry.clone(), stored.version);
            saved.live.insert(entry.clone(), age);
        }
        Ok(())
    })?;
    stamp_fetch(ctx, &ctx.vault_real_path(), entry);
    ctx.record_change(
        "secret add",
        vec![format!("{entry}@v{} (live, {name})", stored.version)],
        None,
    );
    ctx.ui.status(format!(
        "Added {entry}, fetched from remote {name} each time an agent using it starts (when \
         the server cannot be reached: the value kept here, up to {} old)",
        age_text(age)
    ));
    Ok(())
}

/// Before `agent` starts: its live references fetched again from their remotes, and the
/// vault saved when one changed (a running proxy follows that like any change). A server
/// that cannot be reached leaves the value kept here, when it is no older than its max age
/// (said on stderr); past it, the run fails naming the entry and its age.
pub fn refresh_live(
    ctx: &Context,
    keys: &Identities<'_>,
    doc: Document,
    agent: &str,
) -> Result<Document> {
    let Ok(found) = doc.agent(agent) else {
        return Ok(doc);
    };
    let wanted: Vec<(&AgentName, &Remote, Vec<&EnvName>)> = doc
        .remotes
        .iter()
        .map(|(name, remote)| {
            let entries = remote
                .live
                .keys()
                .filter(|e| found.attach.contains_key(*e))
                .collect();
            (name, remote, entries)
        })
        .filter(|(_, _, entries): &(_, _, Vec<&EnvName>)| !entries.is_empty())
        .collect();
    if wanted.is_empty() {
        return Ok(doc);
    }
    let vault = ctx.vault_real_path();
    let mut fresh = Vec::new();
    for (name, remote, entries) in wanted {
        let fetched = connect(remote, None).and_then(|kv| {
            entries
                .iter()
                .map(|e| Ok((*e, kv.read(&remote.path, e)?)))
                .collect::<Result<Vec<_>>>()
        });
        let fetched = match fetched {
            Ok(fetched) => fetched,
            Err(why) => {
                for entry in entries {
                    offline(ctx, &vault, (name, remote), entry, &why)?;
                }
                continue;
            }
        };
        for (entry, stored) in fetched {
            let stored = stored.ok_or_else(|| {
                anyhow!(
                    "{entry} is a live reference to remote {name}, which no longer has it: \
                     push it again, or make it an ordinary entry (vault secret rm {entry}, \
                     then vault secret add {entry})"
                )
            })?;
            stamp_fetch(ctx, &vault, entry);
            let details = remote::details(entry, &stored).map_err(|e| anyhow!(e))?;
            let kept = doc.entries.get(entry);
            if !kept.is_some_and(|k| remote::same(k, &details, &stored)) {
                fresh.push((entry.clone(), stored, details, name.clone()));
            }
        }
    }
    if fresh.is_empty() {
        return Ok(doc);
    }
    let at = now();
    ctx.vault.update(keys, |doc| {
        for (entry, stored, details, name) in &fresh {
            doc.put_entry(entry, details.clone(), stored.value.clone(), at)?;
            if let Some(saved) = doc.remotes.get_mut(name) {
                saved.versions.insert(entry.clone(), stored.version);
            }
        }
        Ok(())
    })?;
    let names = fresh
        .iter()
        .map(|(entry, stored, _, _)| format!("{entry}@v{}", stored.version))
        .collect();
    ctx.record_change("run: live references fetched", names, Some(agent));
    Ok(ctx.vault.open(keys)?)
}

/// A live reference whose server cannot be reached: the value kept here serves while it is
/// no older than the reference's max age.
fn offline(
    ctx: &Context,
    vault: &Path,
    (name, remote): (&AgentName, &Remote),
    entry: &EnvName,
    why: &anyhow::Error,
) -> Result<()> {
    let max_age = remote.live.get(entry).copied().unwrap_or(DEFAULT_MAX_AGE);
    let age = ctx
        .state
        .last_fetch(vault, entry)
        .map(|at| now().duration_since(at).as_secs().max(0).unsigned_abs());
    match age {
        Some(age) if age <= max_age => {
            ctx.ui.warn(format!(
                "{entry}: remote {name} cannot be used ({why}); the value kept here, fetched \
                 {} ago, serves (its max age is {})",
                age_text(age),
                age_text(max_age)
            ));
            Ok(())
        }
        _ => Err(anyhow!(
            "{entry}: remote {name} cannot be used ({why}), and the value kept here is {} \
             past its max age of {}; reach the server again, or raise it (vault secret rm \
             {entry}, then vault secret add {entry} --remote {name} --max-age 1d)",
            age.map_or_else(
                || "of unknown age,".to_owned(),
                |a| format!("{} old,", age_text(a))
            ),
            age_text(max_age)
        )),
    }
}
