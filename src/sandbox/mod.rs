//! Contained agents: what a sandboxed command sees and may do, kept as data in this one
//! module ([`RULES`], [`CREDENTIAL_STORES`], [`SESSION_VARIABLES`]), and the plan for one run
//! built from it. The sandbox itself is bubblewrap (`bwrap`, the engine Flatpak and Claude
//! Code use): [`bwrap`] turns a plan into its arguments, and [`init`] is the small process of
//! vault's own that runs first inside, to pass on signals and the proxy's port.

pub mod bwrap;
pub mod init;

use std::path::{Path, PathBuf};

/// What a sandboxed command may reach over the network.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    /// The machine's network (the proxy on loopback)
    #[default]
    Host,
    /// Its own network namespace, where the only thing reachable is the vault proxy
    Proxy,
    /// Its own network namespace with nothing in it but loopback
    None,
}

impl Network {
    pub fn as_str(self) -> &'static str {
        match self {
            Network::Host => "host",
            Network::Proxy => "proxy",
            Network::None => "none",
        }
    }
}

/// What the sandbox guarantees, as `vault run --help`, the man page and the README list it:
/// (what, what the command sees or may do).
pub const RULES: &[(&str, &str)] = &[
    (
        "processes",
        "only its own descendants: its own PID namespace and /proc (no ancestor's environment, \
         command line or memory)",
    ),
    (
        "vault's own files",
        "nothing: the vault file and the files beside it, vault's data, config and state \
         directories, every identity vault would try (--identity, VAULT_IDENTITY_FILE, the \
         identity file, SSH keys that are recipients of this vault); vault itself finds \
         nothing to open",
    ),
    (
        "other tools' credentials",
        "nothing, unless shown (--show PATH, which also makes a path below /tmp readable): \
         the credential stores listed below, and any --hide PATH",
    ),
    (
        "filesystem",
        "read-only, except the working directory, a private /tmp and each --allow-write PATH \
         (no ~/.bashrc, crontab, systemd unit, git hook or shell history can be planted \
         outside them; in them, a repository's .git/config and .git/hooks stay read-only)",
    ),
    (
        "session",
        "no $XDG_RUNTIME_DIR, no D-Bus session bus, no tmux, screen, X11 or Wayland socket, \
         and no controlling terminal (it cannot push keystrokes into yours)",
    ),
    (
        "network",
        "--network host (the machine's), proxy (only the vault proxy: no internet, no other \
         loopback service, no abstract unix socket of the machine) or none",
    ),
    (
        "privileges",
        "no new privileges (setuid programs do not raise them), no capabilities",
    ),
];

/// Other tools' credential stores, hidden unless shown (relative to the home directory).
pub const CREDENTIAL_STORES: &[&str] = &[
    ".aws",
    ".config/gcloud",
    ".azure",
    ".kube",
    ".docker/config.json",
    ".netrc",
    ".git-credentials",
    ".config/gh",
    ".npmrc",
    ".pypirc",
    ".gnupg",
    ".password-store",
    ".1password",
    ".config/op",
    ".cargo/credentials",
    ".cargo/credentials.toml",
    ".codex/auth.json",
    ".claude/.credentials.json",
    ".vault-token",
    ".ssh/id_rsa",
    ".ssh/id_ecdsa",
    ".ssh/id_ed25519",
];

/// Sockets of the machine's daemons that would run a command (or a container) outside the
/// sandbox for whoever can reach them.
pub const DAEMON_SOCKETS: &[&str] = &[
    "/run/docker.sock",
    "/var/run/docker.sock",
    "/run/podman/podman.sock",
    "/run/containerd/containerd.sock",
];

/// Variables that point into the person's session, removed from a sandboxed command's
/// environment (the sockets they name are hidden too).
pub const SESSION_VARIABLES: &[&str] = &[
    "DBUS_SESSION_BUS_ADDRESS",
    "XDG_RUNTIME_DIR",
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "XAUTHORITY",
    "TMUX",
    "TMUX_PANE",
    "STY",
    "SSH_AUTH_SOCK",
    "GNOME_KEYRING_CONTROL",
    "TMUX_TMPDIR",
];

/// The port the proxy has inside a sandbox of its own network (`--network proxy`): the
/// namespace is new, so it is always free.
pub const PROXY_PORT_INSIDE: u16 = 8765;

/// Where the proxy's socket is inside the sandbox (its private /tmp).
pub const PROXY_SOCKET_INSIDE: &str = "/tmp/.vault-proxy.sock";

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error(
        "--sandbox is not supported on this system (it needs Linux namespaces); run with \
         --no-sandbox, or in a container (--image)"
    )]
    Unsupported,
    #[error(
        "the sandbox needs bubblewrap (bwrap), which is not installed (looked for in /usr/bin, \
         /usr/local/bin and /bin, not on PATH): install it (Debian and Ubuntu: apt-get install \
         bubblewrap; Fedora: dnf install bubblewrap), or run with --no-sandbox"
    )]
    NoBwrap,
    #[error(
        "{option} {}: no such file or directory; create it first, or leave the option out",
        .path.display()
    )]
    NoSuchPath { option: &'static str, path: PathBuf },
    #[error(
        "the sandbox lets the command write {what}, which is {} and {why}; {fix}, or run with \
         --no-sandbox",
        .path.display()
    )]
    TooWide {
        /// "its working directory" or "--allow-write PATH".
        what: &'static str,
        path: PathBuf,
        why: &'static str,
        fix: &'static str,
    },
    #[error("cannot tell the working directory")]
    WorkingDirectory(#[source] std::io::Error),
    #[error(
        "the sandbox could not be set up (bubblewrap's message is above): {cause}; {fix}, or \
         run with --no-sandbox"
    )]
    Setup { cause: String, fix: String },
}

/// What one sandboxed run hides and allows.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub network: Network,
    /// The working directory: writable, and where the command starts.
    pub cwd: PathBuf,
    /// Writable besides the working directory.
    pub writable: Vec<PathBuf>,
    /// Hidden (an empty directory or an empty file in its place).
    pub hidden: Vec<PathBuf>,
    /// Emptied, as the person's session directories are.
    pub emptied: Vec<PathBuf>,
    /// Shown read-only although below /tmp or an emptied directory (`--show`).
    pub readable: Vec<PathBuf>,
    /// Read-only although below a writable directory: a git repository's configuration and
    /// hooks, which the person's next git command would run.
    pub read_only: Vec<PathBuf>,
}

/// What the caller knows of this run: where vault's own files and the person's home are, and
/// the person's options.
#[derive(Debug, Default)]
pub struct Request<'a> {
    pub network: Network,
    /// The working directory.
    pub cwd: PathBuf,
    pub home: Option<&'a Path>,
    /// vault's files and directories, and every identity it would try.
    pub own: Vec<PathBuf>,
    pub allow_write: &'a [PathBuf],
    pub hide: &'a [PathBuf],
    pub show: &'a [PathBuf],
    /// The session's directories (the runtime directory, screen's) and its bus socket, from
    /// the environment.
    pub session_dirs: Vec<PathBuf>,
    pub bus_socket: Option<PathBuf>,
}

/// Why a writable `path` would undo the sandbox, if it would: everything, the shared /tmp, the
/// home or what holds it, the person's configuration (shell start-up, systemd user units,
/// autostart), or the session's sockets.
fn too_wide(path: &Path, home: Option<&Path>, session: &[PathBuf]) -> Option<&'static str> {
    if path == Path::new("/") {
        return Some("everything");
    }
    if ["/tmp", "/var/tmp", "/dev/shm", "/run", "/var/run"]
        .iter()
        .any(|shared| path == Path::new(shared))
    {
        return Some("shared with every other program (its sockets included)");
    }
    if let Some(home) = home {
        if home.starts_with(path) {
            return Some("your home directory or holds it, with its ~/.bashrc");
        }
        if [".config", ".local", ".ssh", ".profile", ".bashrc", ".zshrc"]
            .iter()
            .any(|rel| path.starts_with(home.join(rel)))
        {
            return Some("where your shell, services and autostart take their configuration");
        }
    }
    if session
        .iter()
        .any(|d| d.starts_with(path) || path.starts_with(d))
    {
        return Some("where your session keeps its sockets");
    }
    None
}

/// The plan for `request`, refusing what cannot be kept (a missing --allow-write path, a
/// working directory that would make home or everything writable).
pub fn plan(request: &Request<'_>) -> Result<Plan, SandboxError> {
    if !cfg!(target_os = "linux") {
        return Err(SandboxError::Unsupported);
    }
    let cwd = request
        .cwd
        .canonicalize()
        .map_err(SandboxError::WorkingDirectory)?;
    let home = request
        .home
        .map(|h| h.canonicalize().unwrap_or(h.to_owned()));
    let session: Vec<PathBuf> = request
        .session_dirs
        .iter()
        .filter_map(|d| d.canonicalize().ok())
        .collect();
    let too_wide = |path: &Path| too_wide(path, home.as_deref(), &session);
    if let Some(why) = too_wide(&cwd) {
        return Err(SandboxError::TooWide {
            what: "its working directory",
            path: cwd,
            why,
            fix: "cd into a project directory first",
        });
    }
    let mut writable = Vec::new();
    for path in request.allow_write {
        let real = path.canonicalize().map_err(|_| SandboxError::NoSuchPath {
            option: "--allow-write",
            path: path.clone(),
        })?;
        if let Some(why) = too_wide(&real) {
            return Err(SandboxError::TooWide {
                what: "an --allow-write path",
                path: real,
                why,
                fix: "allow a narrower path (such as ~/.cache/pip)",
            });
        }
        writable.push(real);
    }
    let mut shown: Vec<PathBuf> = Vec::new();
    for path in request.show {
        let real = path.canonicalize().map_err(|_| SandboxError::NoSuchPath {
            option: "--show",
            path: path.clone(),
        })?;
        shown.push(real);
    }
    let mut hidden = hidden_paths(request, home.as_deref(), &shown);
    let emptied: Vec<PathBuf> = request
        .session_dirs
        .iter()
        .filter_map(|d| d.canonicalize().ok())
        .collect();
    if let Some(socket) = request
        .bus_socket
        .as_ref()
        .and_then(|s| s.canonicalize().ok())
    {
        // A bus outside the runtime directory is hidden where it is.
        if !emptied.iter().any(|d| socket.starts_with(d)) {
            hidden.push(socket);
        }
    }
    // What --show names below the private /tmp or an emptied directory is bound back,
    // read-only (a project kept in /tmp, say); vault's own stay hidden even there.
    let readable = shown
        .into_iter()
        .filter(|p| p.starts_with("/tmp") || emptied.iter().any(|d| p.starts_with(d)))
        .filter(|p| !hidden.iter().any(|h| p.starts_with(h)))
        .collect();
    // A repository in a writable directory may take commits, not new hooks or a config that
    // runs commands (core.fsmonitor, core.hooksPath, aliases, filters).
    let read_only = std::iter::once(&cwd)
        .chain(&writable)
        .flat_map(|dir| [dir.join(".git/config"), dir.join(".git/hooks")])
        .filter(|p| p.exists())
        .collect();
    Ok(Plan {
        network: request.network,
        cwd,
        writable,
        hidden,
        emptied,
        readable,
        read_only,
    })
}

/// What the sandbox hides: vault's own files (whatever --show says), the credential stores
/// and daemon sockets of the table, and each --hide path, as they really are; what is inside
/// a hidden directory goes with it.
fn hidden_paths(request: &Request<'_>, home: Option<&Path>, shown: &[PathBuf]) -> Vec<PathBuf> {
    let stores = home
        .into_iter()
        .flat_map(|h| CREDENTIAL_STORES.iter().map(move |rel| h.join(rel)))
        .chain(DAEMON_SOCKETS.iter().map(PathBuf::from));
    let mut hidden: Vec<PathBuf> = Vec::new();
    // vault's own are hidden whatever --show says; only what exists can be shown.
    for (path, showable) in request.own.iter().cloned().map(|p| (p, false)).chain(
        stores
            .chain(request.hide.iter().cloned())
            .map(|p| (p, true)),
    ) {
        let Ok(real) = path.canonicalize() else {
            continue;
        };
        if showable && shown.contains(&real) {
            continue;
        }
        if !hidden.contains(&real) {
            hidden.push(real);
        }
    }
    // What lies inside a hidden directory is hidden with it.
    let covered: Vec<PathBuf> = hidden
        .iter()
        .filter(|p| {
            hidden
                .iter()
                .any(|other| other != *p && p.starts_with(other))
        })
        .cloned()
        .collect();
    hidden.retain(|p| !covered.contains(p));
    hidden
}

/// The path of a `unix:path=…` D-Bus address (abstract and other transports have none).
pub fn bus_socket(address: &str) -> Option<PathBuf> {
    address
        .split(';')
        .filter_map(|a| a.strip_prefix("unix:"))
        .flat_map(|a| a.split(','))
        .find_map(|kv| kv.strip_prefix("path="))
        .map(PathBuf::from)
}

/// `RULES` and the default credential stores, as `--help` and the man page show them.
pub fn describe() -> String {
    let mut out = String::new();
    for (what, how) in RULES {
        out += &format!("  {what}: {how}\n");
    }
    out += &format!(
        "  credential stores hidden by default (under ~): {}\n",
        CREDENTIAL_STORES.join(", ")
    );
    out += &format!("  daemon sockets hidden: {}\n", DAEMON_SOCKETS.join(", "));
    out += &format!("  variables removed: {}", SESSION_VARIABLES.join(", "));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bus_addresses_give_their_socket_path() {
        assert_eq!(
            bus_socket("unix:path=/run/user/1000/bus"),
            Some(PathBuf::from("/run/user/1000/bus"))
        );
        assert_eq!(
            bus_socket("unix:abstract=/tmp/dbus-x,guid=1;unix:path=/tmp/b"),
            Some(PathBuf::from("/tmp/b"))
        );
        assert_eq!(bus_socket("unix:abstract=/tmp/dbus-x"), None);
    }

    #[test]
    fn own_files_are_hidden_whatever_is_shown_and_stores_unless_shown() {
        let home = tempfile::tempdir().unwrap();
        let project = tempfile::tempdir().unwrap();
        for rel in [".aws", ".kube", ".config/vault"] {
            std::fs::create_dir_all(home.path().join(rel)).unwrap();
        }
        std::fs::write(home.path().join(".netrc"), "machine x").unwrap();
        let own = vec![
            home.path().join(".config/vault"),
            home.path().join("absent"),
        ];
        let show = [home.path().join(".kube"), home.path().join(".config/vault")];
        let plan = plan(&Request {
            cwd: project.path().to_owned(),
            home: Some(home.path()),
            own,
            show: &show,
            ..Default::default()
        })
        .unwrap();
        let real = |rel: &str| home.path().join(rel).canonicalize().unwrap();
        assert!(plan.hidden.contains(&real(".config/vault")));
        assert!(plan.hidden.contains(&real(".aws")));
        assert!(plan.hidden.contains(&real(".netrc")));
        assert!(!plan.hidden.contains(&real(".kube")));
        assert_eq!(plan.hidden.len(), 3);
        let missing = [PathBuf::from("/no/such/dir")];
        assert!(matches!(
            super::plan(&Request {
                cwd: project.path().to_owned(),
                allow_write: &missing,
                ..Default::default()
            }),
            Err(SandboxError::NoSuchPath { .. })
        ));
        assert!(matches!(
            super::plan(&Request {
                cwd: home.path().to_owned(),
                home: Some(home.path()),
                ..Default::default()
            }),
            Err(SandboxError::TooWide { .. })
        ));
    }
}
