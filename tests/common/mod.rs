//! Shared set-up for the end-to-end tests: a throwaway home per test, the real binary run in a
//! clean environment (no keyring reachable unless a test starts one), and helpers to prove
//! that nothing on disk changed.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

pub mod engines;
pub mod llm;
pub mod mock;

/// `--show` for the checkout, so that a sandboxed command can read the tests' fixtures and
/// tools although the checkout is under /tmp, which a sandbox makes private (a no-op where
/// it is not).
pub const SHOW_CHECKOUT: [&str; 2] = ["--show", env!("CARGO_MANIFEST_DIR")];

/// A secret that must never show up anywhere but where a user asked for it.
pub const CANARY: &str = "sk-canary-7Qz9XvLm2Rt8WpYb";

pub struct Env {
    pub dir: TempDir,
    pub home: PathBuf,
}

impl Env {
    pub fn new() -> Self {
        Self::in_dir(&std::env::temp_dir())
    }

    /// A home outside /tmp, as a person's is: a sandbox gives the command a private /tmp,
    /// so only there is what the sandbox hides in the home really there to hide. Commands
    /// run from `work` beside the home (`cmd_in_work`). /var/tmp where there is one (the
    /// checkout itself may be under /tmp), else the tests' own temporary directory.
    pub fn outside_tmp() -> Self {
        let var_tmp = Path::new("/var/tmp");
        if var_tmp.is_dir() {
            return Self::in_dir(&var_tmp.join("vault-tests"));
        }
        Self::in_dir(Path::new(env!("CARGO_TARGET_TMPDIR")))
    }

    fn in_dir(base: &Path) -> Self {
        std::fs::create_dir_all(base).expect("mkdir");
        let dir = tempfile::Builder::new()
            .prefix("vault-test-")
            .tempdir_in(base)
            .expect("temp dir");
        let home = dir.path().join("home");
        for sub in ["home", "run", "work"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        }
        Self { dir, home }
    }

    /// `cmd()` started in the `work` directory (a project directory, not the home).
    pub fn cmd_in_work(&self) -> Command {
        let mut cmd = self.cmd();
        cmd.current_dir(self.path("work"));
        cmd
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn vault_path(&self) -> PathBuf {
        self.home.join(".local/share/vault/vault.age")
    }

    pub fn backup_path(&self) -> PathBuf {
        self.home.join(".local/share/vault/vault.age.bak")
    }

    pub fn identity_path(&self) -> PathBuf {
        self.home.join(".config/vault/identity.txt")
    }

    /// The `vault` binary with an isolated environment: its own HOME and XDG directories,
    /// no D-Bus session (so no keyring), UTC, and nothing inherited from the developer.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_vault"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_STATE_HOME", self.home.join(".local/state"))
            .env("XDG_RUNTIME_DIR", self.path("run"))
            .env("TZ", "UTC")
            .env("USER", "tester")
            .stdin(Stdio::null());
        cmd
    }

    /// `sh -c SCRIPT` in the same isolated environment, with `$VAULT` naming the binary.
    pub fn shell(&self, script: &str) -> Command {
        let mut sh = Command::new("sh");
        sh.env_clear()
            .envs(self.cmd().get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
            .env("VAULT", env!("CARGO_BIN_EXE_vault"))
            .args(["-c", script])
            .stdin(Stdio::null());
        sh
    }

    /// Runs vault with no standard input.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run vault")
    }

    /// Runs vault with `input` on standard input.
    pub fn run_with_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        run_piped(self.cmd().args(args), input)
    }

    /// Runs and insists on success, returning stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_success(&out, args);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn ok_with_stdin(&self, args: &[&str], input: &[u8]) -> String {
        let out = self.run_with_stdin(args, input);
        assert_success(&out, args);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A vault with its identity in the config directory's identity file.
    pub fn init(&self) -> String {
        self.ok(&["init"])
    }

    /// A vault whose identity file is protected by `passphrase` (given via VAULT_PASSPHRASE).
    pub fn init_with_passphrase(&self, passphrase: &str) {
        let out = self
            .cmd()
            .env("VAULT_PASSPHRASE", passphrase)
            .args(["init", "--passphrase"])
            .output()
            .expect("run vault");
        assert_success(&out, &["init", "--passphrase"]);
    }

    /// Asserts that no file changed since `before`, naming the ones that did.
    pub fn assert_unchanged(&self, before: &BTreeMap<PathBuf, Vec<u8>>) {
        let changed = changed_paths(before, &self.snapshot());
        assert!(changed.is_empty(), "files changed: {changed:?}");
    }

    /// Every file under the test's directory with its bytes, to prove a failed command
    /// changed nothing. The lock file is left out: it is created empty and never written.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        collect(self.dir.path(), &mut files);
        files.retain(|p, _| !p.to_string_lossy().ends_with(".lock"));
        files
    }
}

/// The paths whose contents differ between two snapshots (added, removed or changed).
pub fn changed_paths(
    a: &BTreeMap<PathBuf, Vec<u8>>,
    b: &BTreeMap<PathBuf, Vec<u8>>,
) -> Vec<String> {
    a.keys()
        .chain(b.keys())
        .filter(|p| a.get(*p) != b.get(*p))
        .map(|p| p.display().to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

fn collect(dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if let Ok(bytes) = std::fs::read(&path) {
            files.insert(path, bytes);
        }
    }
}

pub fn run_piped(cmd: &mut Command, input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn vault");
    let mut stdin = child.stdin.take().expect("stdin");
    // vault may rightly exit before reading its input (a bad name is refused first): the
    // broken pipe that leaves is not the test's concern.
    if let Err(e) = stdin.write_all(input) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
    }
    drop(stdin);
    child.wait_with_output().expect("wait vault")
}

pub fn assert_success(out: &Output, args: &[&str]) {
    assert!(
        out.status.success(),
        "vault {args:?} failed ({:?})\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Asserts a clean failure: exit 1 and a message on stderr containing `needle`.
pub fn assert_fails_with(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit 1, got {:?}\nstderr: {stderr}",
        out.status
    );
    assert!(
        stderr.contains(needle),
        "stderr lacks {needle:?}:\n{stderr}"
    );
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Whether the tests run as root (CI does; a containment test's hostile side must not).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Gives `to` the environment, working directory and (null) stdin of `from`.
pub fn copy_setup(from: &Command, to: &mut Command) {
    to.env_clear();
    for (k, v) in from.get_envs() {
        if let Some(v) = v {
            to.env(k, v);
        }
    }
    if let Some(dir) = from.get_current_dir() {
        to.current_dir(dir);
    }
    to.stdin(Stdio::null());
}

/// `cmd` (program, arguments, environment, directory) as user `uid`, group `gid`, through
/// setpriv (only root can).
pub fn as_user(cmd: &Command, uid: u32, gid: u32) -> Command {
    let mut setpriv = Command::new("setpriv");
    setpriv
        .args([
            format!("--reuid={uid}"),
            format!("--regid={gid}"),
            "--clear-groups".into(),
            "--".into(),
        ])
        .arg(cmd.get_program())
        .args(cmd.get_args());
    copy_setup(cmd, &mut setpriv);
    setpriv
}

/// Whether an outside tool the test needs is installed. On a developer's machine a missing
/// tool skips the test with a note; under CI=true it is a failure (.ci/run installs it).
pub fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !found {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{tool} is required under CI=true (.ci/run installs it)");
        }
        eprintln!("SKIPPED: {tool} is not installed (apt-get install it to run this test)");
    }
    found
}

/// A fresh age identity, as `vault identity export` would print it, and its recipient.
pub fn new_age_key() -> (String, String) {
    use age::secrecy::ExposeSecret;
    let id = age::x25519::Identity::generate();
    (
        id.to_string().expose_secret().to_owned(),
        id.to_public().to_string(),
    )
}

/// Writes a private file (0600).
pub fn write_private(path: &Path, contents: &[u8]) {
    use std::os::unix::fs::PermissionsExt;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, contents).expect("write");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
}

/// Values that break naive quoting.
pub fn nasty_values() -> Vec<String> {
    let mut values: Vec<String> = [
        "plain",
        "two words",
        "it's",
        "say \"hi\"",
        "both ' and \" here",
        "back\\slash and \\n literally",
        "ends in a backslash \\",
        "line 1\nline 2\n",
        "crlf\r\nline",
        "$HOME ${PATH} $(whoami) `id`",
        "# not a comment",
        "value # with a hash",
        "  padded  ",
        "tab\there",
        "ünïcødé ✓ 🔑 日本",
        "'",
        "\"",
        "\\",
        "=",
        "\\'\\\"",
        "%0A%25::add-mask::x",
        "!event:$?",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    values.push(CANARY.to_owned());
    values
}

/// A vault with the canary secret, a second secret and a variable, all attached to `agent`
/// (the second as DATABASE_URL).
pub fn agent_with_values(agent: &str) -> Env {
    let env = Env::new();
    env.init();
    env.ok_with_stdin(&["secret", "add", "OPENAI_API_KEY"], CANARY.as_bytes());
    env.ok_with_stdin(
        &["secret", "add", "DB_URL"],
        b"postgres://u:pw-7Hd93@db/app",
    );
    env.ok(&["var", "set", "LOG_LEVEL", "debug"]);
    env.ok(&["attach", agent, "OPENAI_API_KEY", "LOG_LEVEL"]);
    env.ok(&["attach", agent, "DB_URL", "--as", "DATABASE_URL"]);
    env
}

/// `vault --json usage ARGS` once it counts at least `requests` requests, or after 10 s: a
/// running proxy writes each row moments after its answer.
pub fn usage_with(env: &Env, args: &[&str], requests: u64) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let out = env.ok(&[&["--json", "usage"][..], args].concat());
        let usage: serde_json::Value = serde_json::from_str(&out).expect("usage JSON");
        let counted = usage["total"]["requests"].as_u64().unwrap_or(0);
        if counted >= requests || std::time::Instant::now() >= deadline {
            return usage;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// `vault provider add PROVIDER --base-url URL` with `key` on standard input.
pub fn add_provider_at(env: &Env, provider: &str, url: &str, key: &str) {
    env.ok_with_stdin(
        &["provider", "add", provider, "--base-url", url],
        key.as_bytes(),
    );
}

/// `vault proxy --listen 127.0.0.1:0`, stopped when dropped.
pub struct Proxy {
    child: std::process::Child,
    pub url: String,
}

impl Proxy {
    pub fn start(env: &Env) -> Self {
        Self::listening(env, "127.0.0.1:0")
    }

    /// `vault proxy --listen LISTEN`.
    pub fn listening(env: &Env, listen: &str) -> Self {
        Self::of(env.cmd().args(["proxy", "--listen", listen]))
    }

    /// `cmd`, a `vault proxy` made ready by the caller (its environment, its flags).
    pub fn of(cmd: &mut Command) -> Self {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start vault proxy");
        let mut first = String::new();
        use std::io::BufRead as _;
        std::io::BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut first)
            .unwrap();
        let url = first
            .trim()
            .strip_prefix("Listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .to_owned();
        Self { child, url }
    }
}

impl Proxy {
    /// The `vault proxy` process.
    pub fn child(&mut self) -> &mut std::process::Child {
        &mut self.child
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
