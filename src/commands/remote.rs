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
use crate::remote::{self, Kv, Stored, Written};
use crate::vault::Document;
use crate::vault::remote::Remote;

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

/// Every entry the server holds under the remote's path, as it holds it.
fn server_entries(
    kv: &Kv,
    remote: &Remote,
    ui: &crate::ui::Ui,
) -> Result<BTreeMap<EnvName, Stored>> {
    let mut found = BTreeMap::new();
    for path in kv.list(&remote.path)? {
        if path.starts_with(AGENTS) {
            continue;
        }
        let Ok(name) = path.parse::<EnvName>() else {
            ui.warn(format!(
                "skipped {}/{path}: an entry's name is an environment-variable name",
                remote.path
            ));
            continue;
        };
        if let Some(stored) = kv.read(&remote.path, &path)? {
            found.insert(name, stored);
        }
    }
    Ok(found)
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
        out += &format!("{unchanged} unchanged; nothing was changed (--dry-run)\n");
        ctx.ui.print(out)?;
        return Ok(());
    }
    let at = now();
    let audited: Vec<String> = plan
        .iter()
        .filter(|(_, _, _, a)| matches!(a, Pulled::Added | Pulled::Updated))
        .map(|(entry, stored, _, _)| format!("{entry}@v{}", stored.version))
        .collect();
    ctx.vault.update(&keys, |doc| {
        for (entry, stored, details, action) in &plan {
            if matches!(action, Pulled::Added | Pulled::Updated) {
                doc.put_entry(entry, details.clone(), stored.value.clone(), at)?;
            }
        }
        if let Some(saved) = doc.remotes.get_mut(&name) {
            for (entry, stored, _, action) in &plan {
                if *action != Pulled::KeptLocal {
                    saved.versions.insert(entry.clone(), stored.version);
                }
            }
        }
        Ok(())
    })?;
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
    let mut written: Vec<(EnvName, u64)> = Vec::new();
    let mut conflicts = Vec::new();
    let mut unchanged = 0;
    for entry in &names {
        let local = doc.entry(entry)?;
        let server = kv.read(&remote.path, entry)?;
        let pulled = remote.versions.get(entry).copied();
        if let Some(server) = &server {
            let details = remote::details(entry, server).map_err(|e| anyhow!(e))?;
            if remote::same(local, &details, server) {
                written.push((entry.clone(), server.version));
                unchanged += 1;
                continue;
            }
        }
        let on_server = server.as_ref().map(|s| s.version);
        let cas = match args.force {
            true => on_server.unwrap_or(0),
            false => pulled.unwrap_or(0),
        };
        if !args.force && on_server.unwrap_or(0) != cas {
            conflicts.push((entry.clone(), on_server, pulled));
            continue;
        }
        match kv.write(
            &remote.path,
            entry,
            local.value(),
            Some(cas),
            remote::metadata(local),
        )? {
            Written::Version(version) => written.push((entry.clone(), version)),
            Written::Conflict => conflicts.push((entry.clone(), on_server, pulled)),
        }
    }
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
        }
        Ok(())
    })?;
    let audited: Vec<String> = written
        .iter()
        .map(|(entry, version)| format!("{entry}@v{version}"))
        .chain(removed.iter().map(|entry| format!("{entry} (deleted)")))
        .collect();
    ctx.record_change("push", audited, None);
    let pushed = written.len() - unchanged;
    let mut said = format!("Pushed to {name}: {pushed} written, {unchanged} unchanged");
    if !removed.is_empty() {
        said += &format!(", {} deleted", removed.len());
    }
    ctx.ui.status(said);
    if !conflicts.is_empty() {
        let each: Vec<String> = conflicts
            .iter()
            .map(|(entry, server, pulled)| {
                format!(
                    "{entry} (on the server: {}; last pulled: {})",
                    server.map_or_else(|| "deleted".into(), |v| format!("v{v}")),
                    version_text(*pulled)
                )
            })
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
