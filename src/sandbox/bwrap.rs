//! A plan as bubblewrap's arguments: new user, PID, IPC, UTS and cgroup namespaces (and
//! network, unless `--network host`), the machine's root read-only, fresh /dev, /proc and
//! /tmp, the writable paths bound back writable, hidden paths covered, no new session's
//! terminal, no capabilities. bwrap itself sets no_new_privs.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::{Network, PROXY_PORT_INSIDE, PROXY_SOCKET_INSIDE, Plan, SandboxError};

/// Where vault's own binary is inside (for [`super::init`], which runs first).
pub const INIT_INSIDE: &str = "/tmp/.vault-init";

/// What the sandbox starts, and how it talks to vault outside.
pub struct Start<'a> {
    /// vault's own binary (the init inside is vault).
    pub vault_exe: &'a Path,
    /// The program, found on the command's PATH, and its argv[0] as typed.
    pub program: &'a Path,
    pub arg0: &'a std::ffi::OsStr,
    pub args: &'a [OsString],
    /// The descriptor (inherited) the init reads signals to pass on from.
    pub signal_fd: i32,
    /// The descriptor (inherited) bwrap reports on: its absence of an exit code says the
    /// sandbox could not be set up.
    pub status_fd: i32,
    /// With `--network proxy`: the proxy's unix socket outside.
    pub proxy_socket: Option<&'a Path>,
    /// The working directory, opened (inherited): bound by descriptor, so that swapping the
    /// path for a symlink after it was checked changes nothing.
    pub cwd_fd: i32,
}

/// Where bubblewrap is looked for: the system's own directories, never PATH, where a
/// directory of the project (a venv, node_modules/.bin) could hold an agent's own `bwrap`
/// for the person's next run.
pub const LOCATIONS: [&str; 3] = ["/usr/bin/bwrap", "/usr/local/bin/bwrap", "/bin/bwrap"];

/// bubblewrap, from [`LOCATIONS`].
pub fn find() -> Result<PathBuf, SandboxError> {
    LOCATIONS
        .iter()
        .map(PathBuf::from)
        .find(|candidate| candidate.is_file())
        .ok_or(SandboxError::NoBwrap)
}

/// bubblewrap's arguments for `plan`, ending with the init and the command.
pub fn args(plan: &Plan, start: &Start<'_>) -> Vec<OsString> {
    let mut args: Vec<OsString> = Vec::new();
    let mut push = |items: &[&dyn AsRef<std::ffi::OsStr>]| {
        args.extend(items.iter().map(|i| i.as_ref().to_owned()));
    };
    push(&[
        &"--unshare-user",
        &"--unshare-pid",
        &"--unshare-ipc",
        &"--unshare-uts",
        &"--unshare-cgroup-try",
    ]);
    if plan.network != Network::Host {
        push(&[&"--unshare-net"]);
    }
    push(&[
        &"--die-with-parent",
        // No controlling terminal inside: nothing there can push keystrokes into the
        // person's terminal (TIOCSTI), and the terminal's signals reach vault, which passes
        // them on.
        &"--new-session",
        &"--as-pid-1",
        &"--cap-drop",
        &"ALL",
        &"--ro-bind",
        &"/",
        &"/",
        &"--dev",
        &"/dev",
        &"--proc",
        &"/proc",
        &"--tmpfs",
        &"/tmp",
    ]);
    // Below the private /tmp (but where bound back) a path is not there to hide.
    let bound = |path: &Path| {
        std::iter::once(&plan.cwd)
            .chain(&plan.writable)
            .chain(&plan.readable)
            .any(|b| path.starts_with(b))
    };
    let invisible =
        |path: &Path| (path.starts_with("/tmp") && !bound(path)) || path.starts_with("/proc");
    // Writable first, then what is emptied and hidden over it: an --allow-write that holds
    // a session directory does not bring its sockets back.
    let cwd_fd = start.cwd_fd.to_string();
    push(&[&"--bind-fd", &cwd_fd, &plan.cwd]);
    for dir in &plan.writable {
        push(&[&"--bind", dir, dir]);
    }
    for dir in plan.emptied.iter().filter(|d| !invisible(d)) {
        push(&[&"--tmpfs", dir, &"--remount-ro", dir]);
    }
    for dir in &plan.readable {
        push(&[&"--ro-bind", dir, dir]);
    }
    for path in &plan.read_only {
        push(&[&"--ro-bind", path, path]);
    }
    for path in &plan.hidden {
        if invisible(path) || plan.emptied.iter().any(|d| path.starts_with(d)) {
            continue;
        }
        if path.is_dir() {
            push(&[&"--tmpfs", path, &"--remount-ro", path]);
        } else {
            push(&[&"--ro-bind", &"/dev/null", path]);
        }
    }
    if let Some(socket) = start.proxy_socket {
        push(&[&"--bind", &socket, &PROXY_SOCKET_INSIDE]);
    }
    let signal_fd = start.signal_fd.to_string();
    let status_fd = start.status_fd.to_string();
    push(&[
        &"--ro-bind",
        &start.vault_exe,
        &INIT_INSIDE,
        &"--chdir",
        &plan.cwd,
        &"--json-status-fd",
        &status_fd,
        &"--",
        &INIT_INSIDE,
        &super::init::COMMAND,
        &"--signals",
        &signal_fd,
    ]);
    if start.proxy_socket.is_some() {
        let relay = format!("{PROXY_PORT_INSIDE}={PROXY_SOCKET_INSIDE}");
        push(&[&"--relay", &relay]);
    }
    if plan.network == Network::Host {
        push(&[&"--host-network"]);
    }
    push(&[&"--arg0", &start.arg0, &"--", &start.program]);
    args.extend(start.args.iter().cloned());
    args
}

/// Whether bubblewrap can make the namespaces a sandbox needs here: `Ok`, or why not and
/// what to do.
pub fn probe(bwrap: &Path) -> Result<(), SandboxError> {
    let probe = std::process::Command::new(bwrap)
        .args([
            "--unshare-user",
            "--unshare-pid",
            "--unshare-net",
            "--ro-bind",
            "/",
            "/",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--",
            "/bin/true",
        ])
        .stdin(std::process::Stdio::null())
        .output();
    let said = probe
        .as_ref()
        .map(|o| String::from_utf8_lossy(&o.stderr).trim().to_owned())
        .unwrap_or_default();
    if probe.is_ok_and(|o| o.status.success()) {
        return Ok(());
    }
    Err(refusal(&said))
}

/// What bubblewrap's message says is wrong, and what to do about it.
fn refusal(said: &str) -> SandboxError {
    let namespaces = said.contains("namespace")
        || said.contains("uid map")
        || said.contains("Operation not permitted")
        || said.contains("Permission denied");
    if namespaces {
        SandboxError::Setup {
            cause: "this system does not let ordinary users make the namespaces a sandbox \
                    needs (user namespaces are switched off, or an AppArmor rule restricts \
                    them)"
                .into(),
            fix: "allow them (sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu sysctl \
                  kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile for \
                  bwrap)"
                .into(),
        }
    } else {
        SandboxError::Setup {
            cause: format!("bubblewrap failed ({said})"),
            fix: "check that bwrap works (bwrap --ro-bind / / true)".into(),
        }
    }
}

/// Why bubblewrap could not set the sandbox up, and what to do, from what it says when asked
/// to make the same namespaces again (run only after a failure, so a good start costs
/// nothing).
pub fn diagnose(bwrap: &Path) -> SandboxError {
    match probe(bwrap) {
        Err(why) => why,
        Ok(()) => SandboxError::Setup {
            cause: "the namespaces work, but a path the sandbox binds or hides could not be \
                    (see bubblewrap's message)"
                .into(),
            fix: "check the --allow-write and --hide paths".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_of_namespaces_says_what_to_enable() {
        for said in [
            "bwrap: No permissions to create new namespace, likely because the kernel does not \
             allow non-privileged user namespaces.",
            "bwrap: setting up uid map: Permission denied",
        ] {
            let text = refusal(said).to_string();
            assert!(text.contains("does not let ordinary users"), "{text}");
            assert!(text.contains("--no-sandbox"), "{text}");
        }
        let text = refusal("bwrap: Can't mount proc").to_string();
        assert!(text.contains("Can't mount proc"), "{text}");
    }
}
