//! Containers: the engine (docker or podman) and the command line that runs an agent's image
//! with its values. Values reach the container only through the engine process's own
//! environment: `-e NAME` names each one, with no `=VALUE`, so no value is ever in argv.

use std::ffi::{OsStr, OsString};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::env::EnvValue;
use super::process::resolve_program;

#[cfg(target_os = "linux")]
pub mod netns;

/// The engines tried, in order, when none is named.
pub const ENGINES: [&str; 2] = ["docker", "podman"];

/// A container engine found on this machine.
#[derive(Debug, Clone)]
pub struct Engine {
    /// As the user named it, or as found (`docker`, `podman`).
    pub name: String,
    pub path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(
        "no container engine found: install docker or podman, or name one with --engine or \
         VAULT_CONTAINER_ENGINE"
    )]
    NoneFound,
    #[error(
        "the container engine {0} was not found on PATH; install it, or name another with \
         --engine or VAULT_CONTAINER_ENGINE"
    )]
    NotFound(String),
    #[error("cannot run the container engine {engine}")]
    Start {
        engine: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`{engine} {command}` failed: {why}")]
    Failed {
        engine: String,
        command: String,
        why: String,
    },
    #[error(
        "cannot tell which engine {engine} is (`{engine} --version` said `{said}`): keyless \
         containers work with docker and podman"
    )]
    Unknown { engine: String, said: String },
}

/// Which engine a program is: a `docker` that is podman's shim is podman.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Docker,
    Podman,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Docker => "docker",
            Kind::Podman => "podman",
        }
    }
}

/// An engine and what `ENGINE --version` says it is.
#[derive(Debug, Clone)]
pub struct Identified {
    pub kind: Kind,
    /// As the engine prints it (`4.3.1`, `28.2.2`).
    pub version: String,
}

impl Identified {
    /// The version's major and minor numbers (0.0 when it cannot be read).
    pub fn major_minor(&self) -> (u32, u32) {
        let mut parts = self
            .version
            .split(|c: char| !c.is_ascii_digit())
            .map(|p| p.parse().unwrap_or(0));
        (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
    }
}

/// What docker's daemon says of itself and its default bridge.
#[derive(Debug, Clone)]
pub struct DockerDaemon {
    pub version: String,
    pub rootless: bool,
    /// The default bridge's gateway: this machine's address on the bridge its containers are
    /// on (`172.17.0.1` unless configured otherwise).
    pub gateway: Option<IpAddr>,
}

impl Engine {
    /// `ENGINE ARGS…`, its standard output (trimmed) when it succeeds.
    pub fn output(&self, args: &[&OsStr]) -> Result<String, EngineError> {
        let out = Command::new(&self.path)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|source| EngineError::Start {
                engine: self.name.clone(),
                source,
            })?;
        if !out.status.success() {
            return Err(EngineError::Failed {
                engine: self.name.clone(),
                command: args
                    .first()
                    .map(|a| a.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                why: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            });
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    /// Which engine this is, and its version.
    pub fn identify(&self) -> Result<Identified, EngineError> {
        let said = self.output(&[OsStr::new("--version")])?;
        let lower = said.to_ascii_lowercase();
        let kind = if lower.starts_with("podman version ") {
            Kind::Podman
        } else if lower.starts_with("docker version ") {
            Kind::Docker
        } else {
            return Err(EngineError::Unknown {
                engine: self.name.clone(),
                said,
            });
        };
        let version = said
            .split_whitespace()
            .nth(2)
            .unwrap_or_default()
            .trim_end_matches(',')
            .to_owned();
        Ok(Identified { kind, version })
    }

    /// docker's daemon: its version, whether it is rootless, its default bridge's gateway.
    pub fn docker_daemon(&self) -> Result<DockerDaemon, EngineError> {
        let info = self.output(&[
            OsStr::new("info"),
            OsStr::new("--format"),
            OsStr::new("{{.ServerVersion}}|{{json .SecurityOptions}}"),
        ])?;
        let (version, options) = info.split_once('|').unwrap_or((&info, ""));
        let gateway = self
            .output(&[
                OsStr::new("network"),
                OsStr::new("inspect"),
                OsStr::new("bridge"),
                OsStr::new("--format"),
                OsStr::new("{{range .IPAM.Config}}{{.Gateway}} {{end}}"),
            ])
            .ok()
            .and_then(|g| g.split_whitespace().find_map(|g| g.parse().ok()));
        Ok(DockerDaemon {
            version: version.to_owned(),
            rootless: options.contains("rootless"),
            gateway,
        })
    }

    /// `ENGINE create …` (`args` begin with `create`): the new container. The values reach
    /// the engine through `env`, its environment, as for `run`; the engine's own messages go
    /// to vault's stderr. The engine also writes the id to a file (`--cidfile`), so that a
    /// container made by a `create` that failed or was interrupted afterwards is removed too.
    pub fn create(
        &self,
        args: &[OsString],
        env: &[(OsString, EnvValue<'_>)],
    ) -> Result<Created, EngineError> {
        let start = |source| EngineError::Start {
            engine: self.name.clone(),
            source,
        };
        let dir = tempfile::Builder::new()
            .prefix("vault-container-")
            .tempdir()
            .map_err(start)?;
        let cidfile = dir.path().join("id");
        let mut command = Command::new(&self.path);
        let (verb, rest) = args.split_first().unzip();
        command
            .args(verb)
            .arg("--cidfile")
            .arg(&cidfile)
            .args(rest.unwrap_or_default())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        super::env::apply(&mut command, env);
        let out = command.output().map_err(start)?;
        let id = std::fs::read_to_string(&cidfile)
            .ok()
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty());
        // Removed when dropped, whatever happens next.
        let created = id.map(|id| Created {
            engine: self.clone(),
            id,
            armed: true,
        });
        match created {
            Some(created) if out.status.success() => Ok(created),
            _ => Err(EngineError::Failed {
                engine: self.name.clone(),
                command: "create".into(),
                why: format!("{}; its own message is above", out.status),
            }),
        }
    }
}

/// SIGINT, SIGTERM, SIGHUP and SIGQUIT, noted rather than obeyed while they are registered:
/// while a container is made and before it starts, a signal must not end vault before it has
/// removed the container again.
pub struct Interrupts {
    caught: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    ids: Vec<signal_hook::SigId>,
}

impl Interrupts {
    pub fn catch() -> std::io::Result<Self> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
        let caught = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut ids = Vec::new();
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
            // The signal's number, so that vault can exit as it would have: 128+N.
            let number = usize::try_from(signal).unwrap_or(0);
            ids.push(signal_hook::flag::register_usize(
                signal,
                std::sync::Arc::clone(&caught),
                number,
            )?);
        }
        Ok(Self { caught, ids })
    }

    /// The last signal caught, if one was.
    pub fn caught(&self) -> Option<i32> {
        match self.caught.load(std::sync::atomic::Ordering::SeqCst) {
            0 => None,
            n => i32::try_from(n).ok(),
        }
    }
}

impl Drop for Interrupts {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// A container created and not yet started: removed when dropped, unless it was started
/// (it is `--rm`: the engine removes it when it ends).
#[derive(Debug)]
pub struct Created {
    engine: Engine,
    pub id: String,
    armed: bool,
}

impl Created {
    /// `ENGINE init ID` (podman: the container's namespaces are made, its command not yet
    /// started), and the pid of its first process.
    pub fn init(&self) -> Result<u32, EngineError> {
        let id = OsStr::new(&self.id);
        self.engine.output(&[OsStr::new("init"), id])?;
        let pid = self.engine.output(&[
            OsStr::new("inspect"),
            OsStr::new("--format"),
            OsStr::new("{{.State.Pid}}"),
            id,
        ])?;
        pid.parse()
            .ok()
            .filter(|&p| p > 0)
            .ok_or_else(|| EngineError::Failed {
                engine: self.engine.name.clone(),
                command: "inspect".into(),
                why: format!("the container has no process after init (pid `{pid}`)"),
            })
    }

    /// The arguments that start it, attached to vault's stdin, stdout and stderr (signals
    /// are passed on by the engine: its `--sig-proxy` is on when attached).
    pub fn start_args(&self) -> Vec<OsString> {
        ["start", "--attach", "--interactive", &self.id]
            .map(OsString::from)
            .into()
    }

    /// From now on the engine removes it when it ends.
    pub fn started(mut self) {
        self.armed = false;
    }
}

impl Drop for Created {
    fn drop(&mut self) {
        if self.armed {
            let _ = Command::new(&self.engine.path)
                .args(["rm", "--force", &self.id])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// The engine arguments that choose the container's network (`--network X`, `--net=X`,
/// `--pod X`…), as the words the user gave; empty when none does.
pub fn network_args(engine_args: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    let mut args = engine_args.iter();
    while let Some(arg) = args.next() {
        for flag in ["--network", "--net", "--pod", "--pod-id-file"] {
            if arg == flag {
                let value = args.next().map_or(String::new(), |v| format!(" {v}"));
                found.push(format!("{arg}{value}"));
            } else if arg.strip_prefix(flag).is_some_and(|r| r.starts_with('=')) {
                found.push(arg.clone());
            }
        }
    }
    found
}

/// Whether the engine arguments put the container in this machine's network namespace.
pub fn shares_host_network(engine_args: &[String]) -> bool {
    network_args(engine_args).iter().any(|a| {
        let value = a.split(['=', ' ']).nth(1).unwrap_or_default();
        value == "host"
    })
}

/// The engine named by `--engine` (or VAULT_CONTAINER_ENGINE), else the first of docker and
/// podman on `path`.
pub fn find_engine(named: Option<&str>, path: Option<&OsStr>) -> Result<Engine, EngineError> {
    if let Some(name) = named.filter(|n| !n.is_empty()) {
        return resolve_program(OsStr::new(name), path)
            .map(|path| Engine {
                name: name.to_owned(),
                path,
            })
            .map_err(|_| EngineError::NotFound(name.to_owned()));
    }
    ENGINES
        .iter()
        .find_map(|name| {
            resolve_program(OsStr::new(name), path)
                .ok()
                .map(|path| Engine {
                    name: (*name).to_owned(),
                    path,
                })
        })
        .ok_or(EngineError::NoneFound)
}

/// Whether an attached variable would configure the engine itself rather than reach the
/// container: in the engine's environment, DOCKER_HOST or CONTAINER_HOST would send the
/// container (and every value) to another daemon.
pub fn configures_engine(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "DOCKER_",
        "CONTAINER_",
        "CONTAINERS_",
        "PODMAN_",
        "BUILDAH_",
        "REGISTRY_AUTH_FILE",
    ]
    .iter()
    .any(|prefix| upper.starts_with(prefix))
}

/// `VERB --rm -i [-t] -e NAME… [engine args] IMAGE [CMD…]`, where VERB is `run`, or `create`
/// for a container that is started later.
pub fn run_args(
    verb: &str,
    image: &str,
    env_names: &[&str],
    engine_args: &[String],
    command: &[String],
    tty: bool,
) -> Vec<OsString> {
    let mut args: Vec<OsString> = [verb, "--rm", "-i"].map(OsString::from).into();
    if tty {
        args.push("-t".into());
    }
    for name in env_names {
        args.push("-e".into());
        args.push((*name).into());
    }
    args.extend(engine_args.iter().map(OsString::from));
    args.push(image.into());
    args.extend(command.iter().map(OsString::from));
    args
}

/// The exit status docker and podman use for their own failures (the container never ran).
pub const ENGINE_FAILED: u8 = 125;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_named_never_given() {
        let args = run_args(
            "run",
            "img:1",
            &["OPENAI_API_KEY", "LOG_LEVEL"],
            &["-v".into(), "/data:/data".into()],
            &["python".into(), "bot.py".into()],
            false,
        );
        let args: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args,
            [
                "run",
                "--rm",
                "-i",
                "-e",
                "OPENAI_API_KEY",
                "-e",
                "LOG_LEVEL",
                "-v",
                "/data:/data",
                "img:1",
                "python",
                "bot.py"
            ]
        );
        assert!(args.iter().all(|a| !a.contains('=')));
    }

    #[test]
    fn network_choices_in_engine_arguments_are_found() {
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(network_args(&args(&["-v", "/a:/a", "--network-alias", "x"])).is_empty());
        assert_eq!(
            network_args(&args(&["--network=host", "--net", "none", "--pod=p1"])),
            ["--network=host", "--net none", "--pod=p1"]
        );
        assert!(shares_host_network(&args(&["--net", "host"])));
        assert!(shares_host_network(&args(&["--network=host"])));
        assert!(!shares_host_network(&args(&["--network=bridge"])));
    }

    #[test]
    fn versions_are_read() {
        let v = |version: &str| {
            Identified {
                kind: Kind::Podman,
                version: version.into(),
            }
            .major_minor()
        };
        assert_eq!(v("4.3.1"), (4, 3));
        assert_eq!(v("28.2.2"), (28, 2));
        assert_eq!(v("1.9"), (1, 9));
        assert_eq!(v("dev"), (0, 0));
    }

    #[test]
    fn a_named_engine_must_exist() {
        let path = OsStr::new("/nonexistent");
        assert!(matches!(
            find_engine(Some("podman"), Some(path)),
            Err(EngineError::NotFound(_))
        ));
        assert!(matches!(
            find_engine(None, Some(path)),
            Err(EngineError::NoneFound)
        ));
        let found = find_engine(Some("/bin/sh"), Some(path)).unwrap();
        assert_eq!(found.path, PathBuf::from("/bin/sh"));
    }
}
