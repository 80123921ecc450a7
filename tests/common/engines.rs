//! Container engines for the tests, set up by the tests themselves: podman as root and
//! rootless (as an ordinary user with subordinate ids, created here when the tests run as
//! root), and docker (a daemon already reachable, else one started here on a private socket
//! when the tests run as root). Images come from tarballs, never from a registry:
//! `vault-test`, a static busybox, and `vault-test-py`, an empty root whose /usr is this
//! machine's (Debian's python3), with the openai SDK that .ci/run installs for it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::{as_user, is_root};

pub const BUSYBOX: &str = "localhost/vault-test:latest";
pub const PYTHON: &str = "localhost/vault-test-py:latest";

/// Where .ci/run puts the openai SDK for the container's Python (Debian's python3).
pub const CONTAINER_PYTHON: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/target/test-deps/container-python"
);

pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// A skip on a laptop, a failure under CI=true.
pub fn unavailable(what: &str, why: &str) {
    if under_ci() {
        panic!("{what} cannot run here under CI=true (.ci/run sets it up): {why}");
    }
    eprintln!("SKIPPED: {what} cannot run here: {why}");
}

/// An ordinary user the engine (and vault) run as.
#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    /// Its own directory: storage, runtime directory, the tests' vaults.
    pub dir: PathBuf,
}

/// One engine, as the tests drive it.
#[derive(Debug, Clone)]
pub struct Engine {
    /// `podman` or `docker`.
    pub program: &'static str,
    /// What the tests call it in messages.
    pub label: &'static str,
    /// The engine's own settings (CONTAINERS_CONF, DOCKER_HOST…), in vault's environment.
    pub env: Vec<(String, String)>,
    /// Set for rootless podman: vault and the engine run as this user.
    pub user: Option<User>,
}

impl Engine {
    /// `cmd` with the engine's settings, as the engine's user.
    pub fn wrap(&self, mut cmd: Command) -> Command {
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        match &self.user {
            None => cmd,
            Some(user) => as_user(&cmd, user.uid, user.gid),
        }
    }

    /// The engine itself, run directly by the test.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(self.program);
        if let Some(user) = &self.user {
            // The user's own environment: the storage and runtime directory are its.
            cmd.env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", &user.dir);
        }
        let mut cmd = self.wrap(cmd);
        cmd.stdin(Stdio::null());
        cmd
    }

    /// How many containers exist (running or not) whose command has `marker` in it: a test
    /// gives its commands a marker of its own, so that another user of this engine cannot
    /// throw the count off.
    pub fn containers(&self, marker: &str) -> usize {
        let out = self
            .command()
            .args(["ps", "--all", "--no-trunc", "--format", "{{.Command}}"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains(marker))
            .count()
    }

    /// Makes `path` (a test's directory) this engine's user's.
    pub fn hand_over(&self, path: &Path) {
        if let Some(user) = &self.user {
            let ok = Command::new("chown")
                .arg("-R")
                .arg(format!("{}:{}", user.uid, user.gid))
                .arg(path)
                .status()
                .unwrap();
            assert!(ok.success());
        }
    }

    fn import(&self, tar: &Path, image: &str) -> Result<(), String> {
        let out = self
            .command()
            .arg("import")
            .arg(tar)
            .arg(image)
            .output()
            .map_err(|e| e.to_string())?;
        match out.status.success() {
            true => Ok(()),
            false => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
        }
    }

    /// Imports both images and runs one container: None when that works.
    fn prepare(&self, dir: &Path) -> Option<String> {
        for (tar, image) in [("busybox.tar", BUSYBOX), ("python.tar", PYTHON)] {
            if let Err(why) = self.import(&dir.join(tar), image) {
                return Some(why);
            }
        }
        let probe = self
            .command()
            .args(["run", "--rm", BUSYBOX, "/bin/true"])
            .output();
        match probe {
            Ok(out) if out.status.success() => None,
            Ok(out) => Some(String::from_utf8_lossy(&out.stderr).into_owned()),
            Err(e) => Some(e.to_string()),
        }
    }
}

/// The two image tarballs, made once: a busybox root, and an empty root for /usr.
fn tarballs() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // Readable by the rootless user too, and kept for the whole test run.
        let dir = PathBuf::from("/var/tmp/vault-test-images");
        let _ = std::fs::remove_dir_all(&dir);
        let busybox_root = dir.join("busybox/bin");
        std::fs::create_dir_all(&busybox_root).unwrap();
        let busybox = String::from_utf8(
            Command::new("sh")
                .args(["-c", "command -v busybox"])
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        std::fs::copy(busybox.trim(), busybox_root.join("busybox")).unwrap();
        for tool in [
            "sh", "env", "cat", "echo", "sleep", "sort", "grep", "true", "wget", "timeout", "nc",
        ] {
            std::os::unix::fs::symlink("busybox", busybox_root.join(tool)).unwrap();
        }
        let python_root = dir.join("python");
        for sub in ["usr", "tmp", "work", "deps", "fixtures"] {
            std::fs::create_dir_all(python_root.join(sub)).unwrap();
        }
        for (link, to) in [
            ("bin", "usr/bin"),
            ("lib", "usr/lib"),
            ("lib64", "usr/lib64"),
            ("sbin", "usr/sbin"),
        ] {
            std::os::unix::fs::symlink(to, python_root.join(link)).unwrap();
        }
        for (root, tar) in [("busybox", "busybox.tar"), ("python", "python.tar")] {
            let ok = Command::new("tar")
                .arg("-C")
                .arg(dir.join(root))
                .arg("-cf")
                .arg(dir.join(tar))
                .arg(".")
                .status()
                .unwrap();
            assert!(ok.success());
        }
        let _ = Command::new("chmod")
            .arg("-R")
            .arg("a+rX")
            .arg(&dir)
            .status();
        dir
    })
}

/// podman's configuration for this machine: runc, cgroupfs and no ulimits (the tests'
/// sandbox may not raise them).
const CONTAINERS_CONF: &str = "[containers]\ndefault_ulimits = []\n[engine]\nruntime = \
                               \"runc\"\ncgroup_manager = \"cgroupfs\"\n";

fn installed(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// podman as this user (root, in CI). None, said why, when it cannot run here.
pub fn podman() -> Option<&'static Engine> {
    static SETUP: OnceLock<Option<Engine>> = OnceLock::new();
    SETUP
        .get_or_init(|| {
            if !installed("podman") || !installed("busybox") {
                unavailable("podman", "podman or busybox is not installed");
                return None;
            }
            let dir = tarballs();
            let conf = dir.join("containers.conf");
            std::fs::write(&conf, CONTAINERS_CONF).unwrap();
            let engine = Engine {
                program: "podman",
                label: "podman",
                env: vec![("CONTAINERS_CONF".into(), conf.display().to_string())],
                user: None,
            };
            if let Some(why) = engine.prepare(dir) {
                unavailable("podman", &why);
                return None;
            }
            Some(engine)
        })
        .as_ref()
}

/// The rootless user the tests create when they run as root.
const ROOTLESS_USER: &str = "vault-rootless";

/// podman rootless: as an ordinary user with subordinate uid and gid ranges (made here when
/// the tests run as root; else the tests' own user, if it has them). Its default network
/// (slirp4netns) needs /dev/net/tun, which Debian makes 0600: the caller opens it for its
/// run with [`TunOpen`].
pub fn podman_rootless() -> Option<&'static Engine> {
    static SETUP: OnceLock<Option<Engine>> = OnceLock::new();
    SETUP
        .get_or_init(|| {
            for tool in ["podman", "busybox", "newuidmap", "slirp4netns", "setpriv"] {
                if !installed(tool) {
                    unavailable("rootless podman", &format!("{tool} is not installed"));
                    return None;
                }
            }
            if !is_root() {
                // Rootless already: the tests' own user, with its own storage.
                let conf = tarballs().join("containers.conf");
                std::fs::write(&conf, CONTAINERS_CONF).unwrap();
                let engine = Engine {
                    program: "podman",
                    label: "podman (rootless)",
                    env: vec![("CONTAINERS_CONF".into(), conf.display().to_string())],
                    user: None,
                };
                if let Some(why) = engine.prepare(tarballs()) {
                    unavailable("rootless podman", &why);
                    return None;
                }
                return Some(engine);
            }
            let user = match rootless_user() {
                Ok(user) => user,
                Err(why) => {
                    unavailable("rootless podman", &why);
                    return None;
                }
            };
            let conf = user.dir.join("containers.conf");
            std::fs::write(&conf, CONTAINERS_CONF).unwrap();
            // Storage and runtime state in the user's directory, whatever HOME a test gives.
            let storage = user.dir.join("storage.conf");
            std::fs::write(
                &storage,
                format!(
                    "[storage]\ndriver = \"overlay\"\ngraphroot = \"{0}/storage\"\n\
                     rootless_storage_path = \"{0}/storage\"\nrunroot = \"{0}/run\"\n",
                    user.dir.display()
                ),
            )
            .unwrap();
            let runtime = user.dir.join("xdg");
            std::fs::create_dir_all(&runtime).unwrap();
            let engine = Engine {
                program: "podman",
                label: "podman (rootless)",
                env: vec![
                    ("CONTAINERS_CONF".into(), conf.display().to_string()),
                    (
                        "CONTAINERS_STORAGE_CONF".into(),
                        storage.display().to_string(),
                    ),
                    ("XDG_RUNTIME_DIR".into(), runtime.display().to_string()),
                ],
                user: Some(user.clone()),
            };
            engine.hand_over(&user.dir);
            let _ = std::fs::set_permissions(
                &runtime,
                std::os::unix::fs::PermissionsExt::from_mode(0o700),
            );
            if let Some(why) = engine.prepare(tarballs()) {
                unavailable("rootless podman", &why);
                return None;
            }
            Some(engine)
        })
        .as_ref()
}

/// The ordinary user for rootless podman, with subordinate ids (created if missing).
fn rootless_user() -> Result<User, String> {
    let id = |flag: &str| -> Option<u32> {
        let out = Command::new("id")
            .args([flag, ROOTLESS_USER])
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    };
    let dir = PathBuf::from(format!("/var/tmp/{ROOTLESS_USER}"));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    if id("-u").is_none() {
        let out = Command::new("useradd")
            .args(["--no-create-home", "--shell", "/bin/sh", "--home-dir"])
            .arg(&dir)
            .arg(ROOTLESS_USER)
            .output()
            .map_err(|e| format!("useradd: {e}"))?;
        if !out.status.success() && id("-u").is_none() {
            return Err(format!(
                "useradd failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    // A range of its own, unless useradd gave it one.
    for file in ["/etc/subuid", "/etc/subgid"] {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        if !text
            .lines()
            .any(|l| l.starts_with(&format!("{ROOTLESS_USER}:")))
        {
            use std::io::Write as _;
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(file)
                .map_err(|e| format!("{file}: {e}"))?;
            writeln!(f, "{ROOTLESS_USER}:300000:65536").map_err(|e| e.to_string())?;
        }
    }
    Ok(User {
        name: ROOTLESS_USER.into(),
        uid: id("-u").ok_or("no uid")?,
        gid: id("-g").ok_or("no gid")?,
        dir,
    })
}

/// /dev/net/tun opened to every user for as long as this lives (rootless podman's default
/// network, slirp4netns, needs it; Debian makes it 0600), then put back.
pub struct TunOpen {
    mode: Option<u32>,
}

impl TunOpen {
    pub fn new() -> Self {
        use std::os::unix::fs::PermissionsExt;
        let path = Path::new("/dev/net/tun");
        let mode = std::fs::metadata(path)
            .ok()
            .map(|m| m.permissions().mode() & 0o777);
        if is_root() && mode.is_some_and(|m| m & 0o006 != 0o006) {
            let _ = std::fs::set_permissions(path, PermissionsExt::from_mode(0o666));
            return Self { mode };
        }
        Self { mode: None }
    }
}

impl Drop for TunOpen {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if let Some(mode) = self.mode {
            let _ = std::fs::set_permissions("/dev/net/tun", PermissionsExt::from_mode(mode));
        }
    }
}

/// A docker daemon for the tests: one already reachable, else one this starts (as root) on
/// a private socket and data root, stopped when this is dropped.
pub struct Docker {
    pub engine: Engine,
    daemon: Option<Child>,
}

const DOCKER_SOCKET: &str = "/run/vault-test-docker.sock";
const DOCKER_ROOT: &str = "/var/tmp/vault-test-docker";

impl Docker {
    pub fn start() -> Option<Self> {
        if !installed("docker") || !installed("busybox") {
            unavailable("docker", "docker or busybox is not installed");
            return None;
        }
        let engine = |env: Vec<(String, String)>| Engine {
            program: "docker",
            label: "docker",
            env,
            user: None,
        };
        let answers = |engine: &Engine| {
            engine
                .command()
                .args(["info", "--format", "{{.ServerVersion}}"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        let existing = engine(Vec::new());
        if answers(&existing) {
            if let Some(why) = existing.prepare(tarballs()) {
                unavailable("docker", &why);
                return None;
            }
            return Some(Self {
                engine: existing,
                daemon: None,
            });
        }
        if !is_root() || !installed("dockerd") {
            unavailable(
                "docker",
                "no docker daemon answers, and only root can start one here (apt-get install \
                 docker.io)",
            );
            return None;
        }
        let ours = engine(vec![(
            "DOCKER_HOST".into(),
            format!("unix://{DOCKER_SOCKET}"),
        )]);
        // A daemon of an earlier run that was killed: stopped first.
        let pidfile = Path::new(DOCKER_ROOT).join("dockerd.pid");
        if let Ok(pid) = std::fs::read_to_string(&pidfile) {
            let _ = Command::new("kill").arg(pid.trim()).status();
            std::thread::sleep(Duration::from_secs(3));
        }
        std::fs::create_dir_all(DOCKER_ROOT).unwrap();
        let log = std::fs::File::create(Path::new(DOCKER_ROOT).join("dockerd.log")).unwrap();
        let daemon = Command::new("dockerd")
            .arg(format!("--host=unix://{DOCKER_SOCKET}"))
            .arg(format!("--data-root={DOCKER_ROOT}/data"))
            .arg(format!("--exec-root={DOCKER_ROOT}/exec"))
            .arg(format!("--pidfile={}", pidfile.display()))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn();
        let daemon = match daemon {
            Ok(d) => d,
            Err(e) => {
                unavailable("docker", &format!("cannot start dockerd: {e}"));
                return None;
            }
        };
        let docker = Self {
            engine: ours,
            daemon: Some(daemon),
        };
        let started = Instant::now();
        while !answers(&docker.engine) {
            if started.elapsed() > Duration::from_secs(60) {
                let log = std::fs::read_to_string(Path::new(DOCKER_ROOT).join("dockerd.log"))
                    .unwrap_or_default();
                unavailable("docker", &format!("dockerd did not answer in 60 s: {log}"));
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        if let Some(why) = docker.engine.prepare(tarballs()) {
            unavailable("docker", &why);
            return None;
        }
        Some(docker)
    }
}

impl Drop for Docker {
    fn drop(&mut self) {
        if let Some(daemon) = &mut self.daemon {
            // SAFETY: kill(2) on our own child, still running or a zombie we have not reaped.
            unsafe { libc::kill(daemon.id() as i32, libc::SIGTERM) };
            let _ = daemon.wait();
        }
    }
}

/// A command for `sh -c` that says `ready`, then on SIGTERM says `got-term` and exits 42.
pub const TRAP_TERM: &str =
    "trap 'echo got-term; exit 42' TERM; echo ready; while true; do sleep 0.1; done";

/// Starts `run` (a vault run whose container runs [`TRAP_TERM`]) and checks that SIGTERM sent
/// to vault reaches the container and its status comes back.
pub fn assert_sigterm_reaches(mut run: Command) {
    use std::io::{BufRead, BufReader};
    let mut child = run
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "ready");
    // The engine sets up its signal proxy only after the container has started (a signal in
    // between ends the engine itself, not the container): give it that moment.
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: kill(2) on our own, still running child (setpriv, for a rootless user, is
    // vault itself by then: it execs).
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    assert_eq!(lines.next().unwrap().unwrap(), "got-term");
    assert_eq!(child.wait().unwrap().code(), Some(42));
}

/// This machine's first address on a network card (not loopback, not a bridge): what a
/// container with a network reaches the machine at, and one without must not.
pub fn host_address() -> Option<String> {
    let out = Command::new("ip")
        .args(["-4", "-o", "addr", "show", "scope", "global"])
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|line| {
            let mut words = line.split_whitespace();
            let interface = words.nth(1)?;
            if Path::new("/sys/class/net")
                .join(interface)
                .join("bridge")
                .exists()
                || interface.starts_with("veth")
            {
                return None;
            }
            let address = words.skip_while(|w| *w != "inet").nth(1)?;
            Some(address.split('/').next()?.to_owned())
        })
}
