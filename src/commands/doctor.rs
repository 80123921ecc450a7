//! `vault doctor`: what works on this machine, one line per check (`ok`, `warn` or `fail`,
//! with what to do). It reads and probes; it changes nothing and never prints a value.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use serde_json::json;

use super::Context;
use crate::vault::Keys;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Ok,
    Warn,
    Fail,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Fail => "fail",
        }
    }
}

struct Check {
    name: &'static str,
    level: Level,
    detail: String,
}

/// One line per check: a detail that spans lines is joined.
fn check(name: &'static str, level: Level, detail: impl Into<String>) -> Check {
    let detail: String = detail.into();
    Check {
        name,
        level,
        detail: detail
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; "),
    }
}

pub fn run(ctx: &Context) -> Result<ExitCode> {
    let mut checks = vec![identity(ctx)];
    checks.push(keyring(ctx));
    checks.extend(file_modes(ctx));
    checks.push(lock_and_backup(ctx));
    checks.extend(container_engines());
    checks.push(sandbox());
    checks.push(loopback());
    let worst = checks.iter().map(|c| c.level).max().unwrap_or(Level::Ok);
    if ctx.ui.json {
        let items: Vec<_> = checks
            .iter()
            .map(|c| json!({ "check": c.name, "status": c.level.as_str(), "detail": c.detail }))
            .collect();
        ctx.ui.print_json(&serde_json::Value::Array(items))?;
    } else {
        let mut out = String::new();
        for c in &checks {
            out += &format!("{:<4}  {:<10}  {}\n", c.level.as_str(), c.name, c.detail);
        }
        ctx.ui.print(out)?;
    }
    Ok(if worst == Level::Fail {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Which identity would open the vault, from where, and whether it does.
fn identity(ctx: &Context) -> Check {
    let keys = match ctx.keys() {
        Ok(keys) => keys,
        Err(e) => return check("identity", Level::Fail, format!("{e:#}")),
    };
    let Some(first) = keys.first() else {
        return check(
            "identity",
            Level::Fail,
            format!(
                "no identity found ({}): vault init makes one, or set VAULT_IDENTITY",
                keys.describe().join(", ")
            ),
        );
    };
    let vault = ctx.vault.path().display();
    if !ctx.vault.exists() {
        return check(
            "identity",
            Level::Warn,
            format!(
                "{} would be used, but there is no vault at {vault}: vault init",
                first.source
            ),
        );
    }
    match ctx.vault.matching_identity(&keys) {
        Ok(Some(index)) => check(
            "identity",
            Level::Ok,
            format!("{} opens {vault}", keys.candidates[index].source),
        ),
        Ok(None) => check(
            "identity",
            Level::Fail,
            format!(
                "none of the identities found ({}) opens {vault}: ask someone who can open it to \
                 vault recipient add your recipient (vault identity show)",
                keys.describe().join(", ")
            ),
        ),
        Err(e) => check("identity", Level::Fail, format!("{e:#}")),
    }
}

fn keyring(ctx: &Context) -> Check {
    let Some(timeout) = ctx.identity.keyring_timeout else {
        return check("keyring", Level::Ok, "not used (VAULT_NO_KEYRING is set)");
    };
    let backend = crate::identity::keyring::backend_name();
    match crate::identity::keyring::load(timeout) {
        Ok(Some(_)) => check(
            "keyring",
            Level::Ok,
            format!("{backend} is reachable and holds vault's identity"),
        ),
        Ok(None) => check(
            "keyring",
            Level::Ok,
            format!("{backend} is reachable (it holds no identity of vault's)"),
        ),
        Err(crate::identity::keyring::KeyringError::Unavailable(why)) => check(
            "keyring",
            Level::Warn,
            format!(
                "no keyring is reachable ({why}): identities are kept in the identity file \
                 instead (vault init does that by itself)"
            ),
        ),
        Err(e) => check("keyring", Level::Fail, e.to_string()),
    }
}

/// vault's files: owned by this user, and readable by no one else.
fn file_modes(ctx: &Context) -> Vec<Check> {
    let mut paths: Vec<(std::path::PathBuf, bool)> = ctx.own_dirs().map(|d| (d, true)).collect();
    paths.push((ctx.vault.path().to_owned(), false));
    paths.push((ctx.vault.backup_path(), false));
    paths.push((ctx.identity.identity_file(), false));
    paths.extend(ctx.identity.env_file.iter().map(|p| (p.clone(), false)));
    paths.extend(ctx.identity.flag_file.iter().map(|p| (p.clone(), false)));
    let mut problems = Vec::new();
    let mut looked = 0;
    for (path, is_dir) in paths {
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        looked += 1;
        if let Some(problem) = mode_problem(&path, &meta, is_dir) {
            problems.push(check("files", Level::Fail, problem));
        }
    }
    if problems.is_empty() {
        problems.push(check(
            "files",
            Level::Ok,
            format!("{looked} of vault's files and directories are private to you"),
        ));
    }
    problems
}

#[cfg(unix)]
fn mode_problem(path: &Path, meta: &std::fs::Metadata, is_dir: bool) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me {
        return Some(format!(
            "{} belongs to user {}, not you: chown {} {}",
            path.display(),
            meta.uid(),
            me,
            path.display()
        ));
    }
    let open = meta.mode() & 0o077;
    (open != 0).then(|| {
        format!(
            "{} is readable or writable by others (mode {:03o}): chmod {} {}",
            path.display(),
            meta.mode() & 0o777,
            if is_dir { "700" } else { "600" },
            path.display()
        )
    })
}

#[cfg(not(unix))]
fn mode_problem(_: &Path, _: &std::fs::Metadata, _: bool) -> Option<String> {
    None
}

fn lock_and_backup(ctx: &Context) -> Check {
    let vault = ctx.vault.path();
    let backup = ctx.vault.backup_path();
    let leftover = vault
        .parent()
        .and_then(|dir| std::fs::read_dir(dir).ok())
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .count();
    let mut detail = match backup.exists() {
        true => format!("backup {} is there", backup.display()),
        false => "no backup yet (one is kept from the first change on)".to_owned(),
    };
    if leftover > 0 {
        detail += &format!(
            "; {leftover} temporary file(s) from an interrupted write, which the next change \
             cleans up"
        );
    }
    check("backup", Level::Ok, detail)
}

fn container_engines() -> Vec<Check> {
    let path = std::env::var_os("PATH");
    let mut found = Vec::new();
    for name in ["docker", "podman"] {
        let Ok(engine) = crate::launch::container::find_engine(Some(name), path.as_deref()) else {
            continue;
        };
        // The engine's own version, which docker has only with a daemon that answers.
        let version = std::process::Command::new(&engine.path)
            .args(["version", "--format", "{{.Server.Version}}"])
            .stdin(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
        found.push(match version {
            Some(version) => check(
                "containers",
                Level::Ok,
                format!("{name} {version} at {}", engine.path.display()),
            ),
            None => check(
                "containers",
                Level::Warn,
                format!(
                    "{name} is at {}, but its engine does not answer (is the daemon running, or \
                     the socket reachable?)",
                    engine.path.display()
                ),
            ),
        });
    }
    if found.is_empty() {
        found.push(check(
            "containers",
            Level::Warn,
            "neither docker nor podman is on PATH: vault run --image needs one (apt-get install \
             podman)",
        ));
    }
    found
}

fn sandbox() -> Check {
    if !cfg!(target_os = "linux") {
        return check(
            "sandbox",
            Level::Warn,
            crate::sandbox::SandboxError::Unsupported.to_string(),
        );
    }
    let bwrap = match crate::sandbox::bwrap::find() {
        Ok(bwrap) => bwrap,
        Err(e) => {
            return check(
                "sandbox",
                Level::Fail,
                format!("{e} (keyless runs need it)"),
            );
        }
    };
    match crate::sandbox::bwrap::probe(&bwrap) {
        Ok(()) => check(
            "sandbox",
            Level::Ok,
            format!("{} makes the namespaces a sandbox needs", bwrap.display()),
        ),
        Err(e) => check("sandbox", Level::Fail, e.to_string()),
    }
}

fn loopback() -> Check {
    match crate::proxy::bind_loopback("127.0.0.1:0") {
        Ok(listener) => check(
            "proxy",
            Level::Ok,
            format!(
                "can listen on loopback ({})",
                listener
                    .local_addr()
                    .map(|a| a.ip().to_string())
                    .unwrap_or_default()
            ),
        ),
        Err(e) => check("proxy", Level::Fail, e.to_string()),
    }
}
