//! Contained agents: a hostile agent, run as an ordinary user (`nobody` when the tests run as
//! root), tries every route to a provider key or to what opens the vault, under `vault run
//! --keyless --sandbox` and, to prove the routes exist, under `--no-sandbox`. In two set-ups:
//! a laptop's (identity file from `vault init`, an SSH key that is a recipient) and CI's
//! (the identity in the calling shell's environment, the vault file in the working
//! directory). Also: the official SDK under the sandbox and under `--network proxy`, an
//! interactive program in a real terminal, signals, and bad input.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::llm::LlmMock;
use common::{Env, as_user, copy_setup, have, is_root, stderr};
use serde_json::Value;

const OPENAI_KEY: &str = "sk-proj-SANDBOXrealKEY0123456789abcdefgh";
const HOSTILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/hostile_agent.py"
);
const NOBODY: u32 = 65534;
const TEAM_TOKEN: &str = "s.TEAMserverTOKENneverForAgents0123";

/// What the sandbox tests need: bubblewrap, the system's python3 (the hostile agent), and
/// setpriv to become an ordinary user when the tests run as root.
fn can_sandbox() -> bool {
    have("bwrap") && Path::new("/usr/bin/python3").is_file() && (!is_root() || have("setpriv"))
}

/// Gives `nobody` everything under the test's directory (when root), so that an ordinary
/// user owns the home, the vault and the working directory.
fn hand_to_ordinary_user(env: &Env) {
    if !is_root() {
        return;
    }
    let status = Command::new("chown")
        .args(["-R", &format!("{NOBODY}:{NOBODY}")])
        .arg(env.dir.path())
        .status()
        .unwrap();
    assert!(status.success());
}

/// `cmd` as an ordinary user: itself when the tests are not root, else through setpriv as
/// nobody (same program, arguments, environment and directory).
fn as_ordinary_user(cmd: &Command) -> Command {
    if !is_root() {
        let mut same = Command::new(cmd.get_program());
        same.args(cmd.get_args());
        copy_setup(cmd, &mut same);
        return same;
    }
    as_user(cmd, NOBODY, NOBODY)
}

/// An abstract unix socket the test listens on, which says hello (a D-Bus bus or X11 may
/// listen on one); its name.
fn fake_abstract_socket() -> String {
    use std::os::linux::net::SocketAddrExt;
    let name = format!("vault-test-{}-{}", std::process::id(), rand_suffix());
    let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
    let listener = std::os::unix::net::UnixListener::bind_addr(&addr).unwrap();
    std::thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            let _ = client.write_all(b"hello");
        }
    });
    name
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}

/// A session bus stand-in: a unix socket the test listens on, which says hello.
fn fake_bus(path: &Path) {
    let listener = std::os::unix::net::UnixListener::bind(path).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            let _ = client.write_all(b"hello");
        }
    });
}

/// One set-up: a vault with a provider key attached to `bot`, and what the hostile agent is
/// told of vault's layout.
struct Setup {
    env: Env,
    mock: LlmMock,
    /// Extra environment of the shell that starts `vault run` (CI: VAULT_IDENTITY).
    shell_env: Vec<(String, String)>,
    hostile_args: Vec<String>,
    /// The routes this set-up has (each open without the sandbox).
    routes: Vec<&'static str>,
    _sleeper: std::process::Child,
}

const COMMON_ROUTES: [&str; 8] = [
    "vault_command",
    "team_token",
    "vault_file",
    "other_processes",
    "usage_records",
    "home_write",
    "session_bus",
    "abstract_socket",
];

fn setup(ci: bool) -> Setup {
    let env = Env::outside_tmp();
    let mock = LlmMock::start(OPENAI_KEY);
    mock.release();
    let mut shell_env = Vec::new();
    let mut routes: Vec<&'static str> = COMMON_ROUTES.to_vec();
    let home = env.home.clone();
    let mut args = vec![
        format!("vault={}", env!("CARGO_BIN_EXE_vault")),
        "secret=OPENAI_API_KEY".into(),
        format!("key={}", OPENAI_KEY.chars().rev().collect::<String>()),
        format!("home_file={}", home.join(".bashrc").display()),
        format!(
            "usage={}",
            home.join(".local/state/vault/usage.db").display()
        ),
        format!("bus={}", env.path("run/bus").display()),
    ];
    env.init();
    if ci {
        // The CI key lives in the job's environment; the vault file is in the repository
        // (the working directory), and no identity file is on the runner.
        let (identity, recipient) = common::new_age_key();
        env.ok(&["recipient", "add", &recipient]);
        let committed = env.path("work/vault.age");
        std::fs::rename(env.vault_path(), &committed).unwrap();
        std::fs::remove_file(env.identity_path()).unwrap();
        shell_env.push(("VAULT_IDENTITY".to_owned(), identity));
        shell_env.push(("VAULT_FILE".to_owned(), committed.display().to_string()));
        routes.extend(["ancestor_environ", "ancestor_memory"]);
    } else {
        // An SSH key of the person's that is also a recipient of the vault.
        let ssh = home.join(".ssh");
        std::fs::create_dir_all(&ssh).unwrap();
        let key = ssh.join("id_ed25519");
        let made = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(&key)
            .status()
            .unwrap();
        assert!(made.success());
        let public = std::fs::read_to_string(ssh.join("id_ed25519.pub")).unwrap();
        env.ok(&["recipient", "add", public.trim()]);
        args.push(format!(
            "identity={}",
            home.join(".config/vault/identity.txt").display()
        ));
        args.push(format!("ssh={}", key.display()));
        routes.extend(["identity_file", "ssh_key"]);
    }
    let mut add = env.cmd();
    add.envs(shell_env.iter().map(|(k, v)| (k, v)));
    let out = common::run_piped(
        add.args([
            "provider",
            "add",
            "openai",
            "--base-url",
            &mock.base_url("/v1"),
        ]),
        OPENAI_KEY.as_bytes(),
    );
    common::assert_success(&out, &["provider", "add"]);
    let mut attach = env.cmd();
    attach.envs(shell_env.iter().map(|(k, v)| (k, v)));
    common::assert_success(
        &attach
            .args(["attach", "bot", "OPENAI_API_KEY"])
            .output()
            .unwrap(),
        &["attach"],
    );
    let vault_file = match ci {
        true => env.path("work/vault.age"),
        false => env.vault_path(),
    };
    args.push(format!("vault_file={}", vault_file.display()));
    std::fs::write(home.join(".bashrc"), "# the person's own\n").unwrap();
    // The team's OpenBao token, where bao login leaves it and in the shell.
    std::fs::write(home.join(".vault-token"), TEAM_TOKEN).unwrap();
    shell_env.push(("BAO_TOKEN".to_owned(), TEAM_TOKEN.to_owned()));
    args.push(format!(
        "team_token={}",
        TEAM_TOKEN.chars().rev().collect::<String>()
    ));
    args.push(format!(
        "team_token_file={}",
        home.join(".vault-token").display()
    ));
    std::fs::create_dir_all(home.join(".local/state/vault")).unwrap();
    std::fs::write(home.join(".local/state/vault/usage.db"), "").unwrap();
    fake_bus(&env.path("run/bus"));
    args.push(format!("abstract={}", fake_abstract_socket()));
    // A process of the same user outside the agent's tree, with a marker to find it by.
    let marker = format!("{}.{}", 900 + std::process::id() % 100, std::process::id());
    let sleeper = as_ordinary_user(Command::new("/bin/sleep").arg(&marker))
        .spawn()
        .unwrap();
    args.push(format!(
        "marker={}",
        marker.chars().rev().collect::<String>()
    ));
    hand_to_ordinary_user(&env);
    Setup {
        env,
        mock,
        shell_env,
        hostile_args: args,
        routes,
        _sleeper: sleeper,
    }
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = self._sleeper.kill();
        let _ = self._sleeper.wait();
    }
}

/// Runs the hostile agent under `vault run bot --keyless OPTIONS`, started by a shell that
/// stays its parent (as a person's or a CI job's does); returns its verdicts.
fn attack(setup: &Setup, options: &[&str]) -> BTreeMap<String, Value> {
    let env = &setup.env;
    let report = env.path("work/report.json");
    let _ = std::fs::remove_file(&report);
    let mut run = vec![
        env!("CARGO_BIN_EXE_vault").to_owned(),
        "run".into(),
        "bot".into(),
        "--keyless".into(),
        "--mask".into(),
        "never".into(),
    ];
    run.extend(options.iter().map(|o| (*o).to_owned()));
    if options.contains(&"--sandbox") {
        run.extend(common::SHOW_CHECKOUT.map(str::to_owned));
    }
    run.extend(["--".into(), "/usr/bin/python3".into(), HOSTILE.into()]);
    run.push(format!("report={}", report.display()));
    run.extend(setup.hostile_args.iter().cloned());
    // `sh -c '"$@"; true' sh …`: the shell waits, holding its environment, as a job's does.
    let mut shell = env.cmd_in_work();
    shell.envs(setup.shell_env.iter().map(|(k, v)| (k, v)));
    shell.env(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}", env.path("run/bus").display()),
    );
    let mut sh = Command::new("sh");
    sh.args(["-c", "\"$@\"; status=$?; exit $status", "sh"])
        .args(&run);
    copy_setup(&shell, &mut sh);
    let out = as_ordinary_user(&sh).output().unwrap();
    assert!(
        out.status.success(),
        "{options:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    let text =
        std::fs::read_to_string(&report).unwrap_or_else(|_| panic!("no report: {}", stderr(&out)));
    serde_json::from_str(&text).unwrap()
}

fn check_set_up(ci: bool) {
    if !can_sandbox() {
        return;
    }
    let setup = setup(ci);
    let open = attack(&setup, &["--no-sandbox"]);
    let closed = attack(&setup, &["--sandbox"]);
    for route in &setup.routes {
        assert_eq!(
            open[*route]["open"], true,
            "without the sandbox, route {route} should be open (else the test proves nothing): {}",
            open[*route]
        );
        assert_eq!(
            closed[*route]["open"], false,
            "route {route} is open under --sandbox: {}",
            closed[*route]
        );
    }
    // The team's server token is never inherited, sandbox or not.
    for report in [&open, &closed] {
        assert_eq!(report["team_token_in_environment"]["open"], false);
    }
    // The mock saw only the real key, and the agent got its answers' way nowhere else.
    let _ = &setup.mock;
}

#[test]
fn a_hostile_agent_finds_no_route_out_on_a_laptop() {
    check_set_up(false);
}

#[test]
fn a_hostile_agent_finds_no_route_out_in_ci() {
    check_set_up(true);
}

/// The official openai SDK through keyless mode under the sandbox, and under `--network
/// proxy`, where a direct connection to the mock fails.
#[test]
fn the_openai_sdk_answers_in_the_sandbox_and_with_only_the_proxy_for_network() {
    if !can_sandbox() {
        return;
    }
    let python = Command::new("python3")
        .args(["-c", "import openai, sys; print(sys.executable)"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    let Some(python) = python else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("python3 with openai is required under CI=true");
        }
        eprintln!("SKIPPED: python3 cannot import openai");
        return;
    };
    let env = Env::outside_tmp();
    env.init();
    let mock = LlmMock::start(OPENAI_KEY);
    mock.release();
    mock.serve_openai_key(&env, OPENAI_KEY, "bot");
    let script = format!(
        "import json, os, socket\n\
         from openai import OpenAI\n\
         c = OpenAI(max_retries=0)\n\
         r = c.chat.completions.create(model='gpt-4o-mini', messages=[{{'role':'user','content':'hi'}}])\n\
         direct = 'reached'\n\
         try:\n    socket.create_connection(('127.0.0.1', {port}), timeout=3)\n\
         except OSError as e:\n    direct = 'refused: ' + str(e)\n\
         print(json.dumps({{'text': r.choices[0].message.content, 'direct': direct, \
         'base': os.environ['OPENAI_BASE_URL']}}))\n",
        port = mock.addr.port()
    );
    for (network, direct_reachable) in [("host", true), ("proxy", false)] {
        let out = env
            .cmd_in_work()
            .args(["run", "bot", "--keyless", "--sandbox", "--network", network])
            .args(["--mask", "never", "--", &python, "-c", &script])
            .output()
            .unwrap();
        assert!(out.status.success(), "{network}: {}", stderr(&out));
        let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(answer["text"], "Hello from the mock", "{network}");
        assert_eq!(
            answer["direct"] == "reached",
            direct_reachable,
            "{network}: {answer}"
        );
        assert!(!String::from_utf8_lossy(&out.stdout).contains(OPENAI_KEY));
    }
}

/// A program reading a terminal, and told of a resize, under the sandbox in tmux.
#[test]
fn an_interactive_program_in_the_sandbox_reads_input_and_sees_a_resize() {
    if !can_sandbox() || !have("tmux") {
        return;
    }
    let env = Env::outside_tmp();
    env.init();
    env.ok(&["var", "set", "GREETING", "hello"]);
    env.ok(&["attach", "bot", "GREETING"]);
    let script = "import os, signal, sys\n\
        signal.signal(signal.SIGWINCH, lambda *a: print('resized to', os.get_terminal_size(0).columns, flush=True))\n\
        print('ready', os.environ['GREETING'], os.get_terminal_size(0).columns, flush=True)\n\
        line = sys.stdin.readline()\n\
        print('read', line.strip(), flush=True)\n\
        signal.pause()\n\
        print('done', flush=True)\n";
    std::fs::write(env.path("work/tty.py"), script).unwrap();
    let socket = env.path("tmux.sock");
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .arg("-S")
            .arg(&socket)
            .args(args)
            .output()
            .unwrap()
    };
    let vars: Vec<String> = env
        .cmd()
        .get_envs()
        .filter_map(|(k, v)| Some(format!("{}={}", k.to_str()?, v?.to_str()?)))
        .collect();
    let command = format!(
        "cd {} && env -i {} {} run bot --sandbox -- /usr/bin/python3 tty.py; sleep 5",
        env.path("work").display(),
        vars.iter()
            .map(|v| shlex::try_quote(v).unwrap().into_owned())
            .collect::<Vec<_>>()
            .join(" "),
        env!("CARGO_BIN_EXE_vault")
    );
    let out = tmux(&["new-session", "-d", "-x", "80", "-y", "24", &command]);
    assert!(out.status.success(), "{}", stderr(&out));
    let screen = |want: &str| {
        for _ in 0..100 {
            let text = String::from_utf8_lossy(&tmux(&["capture-pane", "-p"]).stdout).into_owned();
            if text.contains(want) {
                return text;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "the screen never showed {want:?}: {}",
            String::from_utf8_lossy(&tmux(&["capture-pane", "-p"]).stdout)
        );
    };
    screen("ready hello 80");
    tmux(&["send-keys", "typed words", "Enter"]);
    screen("read typed words");
    tmux(&["resize-window", "-x", "100", "-y", "30"]);
    screen("resized to 100");
    tmux(&["kill-server"]);
}

/// A signal sent to vault reaches the command in the sandbox, and the status comes back.
#[test]
fn a_signal_reaches_the_sandboxed_command_and_its_status_comes_back() {
    if !can_sandbox() {
        return;
    }
    let env = Env::outside_tmp();
    env.init();
    env.ok(&["agent", "create", "bot", "--sandbox"]);
    let out = env
        .cmd_in_work()
        .args(["run", "bot", "--", "sh", "-c", "exit 7"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    let mut child = env
        .cmd_in_work()
        .args(["run", "bot", "--", "/usr/bin/python3", "-c"])
        .arg(
            // os.write and os._exit: the signal may come while print is still flushing.
            "import os, signal, time\n\
             signal.signal(signal.SIGTERM, lambda *a: (os.write(1, b'got TERM\\n'), os._exit(3)))\n\
             os.write(1, b'waiting\\n')\n\
             time.sleep(30)\n",
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 8];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    assert_eq!(&first, b"waiting\n");
    // SAFETY: kill has no memory effects.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "got TERM\n");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

/// Bad input: each a clear error, nothing started, the vault as it was.
#[test]
fn bad_sandbox_options_are_refused_before_anything_starts() {
    if !can_sandbox() {
        return;
    }
    let env = Env::outside_tmp();
    env.init();
    env.ok(&["agent", "create", "bot"]);
    let marker = env.path("work/started");
    let touch = format!("touch {}", marker.display());
    let before = env.snapshot();
    for (args, needle) in [
        (
            vec!["--sandbox", "--allow-write", "/no/such/dir"],
            "no such file or directory",
        ),
        (
            vec!["--sandbox", "--network", "internet"],
            "invalid value 'internet'",
        ),
        (vec!["--sandbox", "--network", "proxy"], "only keyless"),
        (vec!["--network", "none"], "add --sandbox"),
    ] {
        let out = env
            .cmd_in_work()
            .args(["run", "bot"])
            .args(&args)
            .args(["--", "sh", "-c", &touch])
            .output()
            .unwrap();
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
        assert!(!marker.exists(), "{args:?} started the command");
    }
    env.assert_unchanged(&before);
    // bubblewrap is looked for in the system's directories only: one planted on PATH (in a
    // project's venv, say) is not run. (A system refusing user namespaces is a unit test:
    // bubblewrap's message and what vault makes of it.)
    let vault_before = std::fs::read(env.vault_path()).unwrap();
    let planted = env.path("work/.venv/bin");
    std::fs::create_dir_all(&planted).unwrap();
    let escaped = env.path("escaped");
    std::fs::write(
        planted.join("bwrap"),
        format!("#!/bin/sh\ntouch {}\n", escaped.display()),
    )
    .unwrap();
    std::fs::set_permissions(
        planted.join("bwrap"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let path = format!("{}:{}", planted.display(), std::env::var("PATH").unwrap());
    let out = env
        .cmd_in_work()
        .env("PATH", &path)
        .args(["run", "bot", "--sandbox", "--", "sh", "-c", &touch])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!escaped.exists(), "a bwrap on PATH was run");
    assert!(marker.exists());
    std::fs::remove_file(&marker).unwrap();
    // Working directories and --allow-write paths that would undo the sandbox.
    for (dir, extra, needle) in [
        (
            std::path::PathBuf::from("/tmp"),
            None,
            "shared with every other program",
        ),
        (env.home.join(".config"), None, "take their configuration"),
        (
            env.path("work"),
            Some(env.home.clone()),
            "your home directory",
        ),
    ] {
        std::fs::create_dir_all(&dir).unwrap();
        let mut cmd = env.cmd();
        cmd.current_dir(&dir).args(["run", "bot", "--sandbox"]);
        if let Some(extra) = &extra {
            cmd.arg("--allow-write").arg(extra);
        }
        let out = cmd.args(["--", "sh", "-c", &touch]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{dir:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{dir:?}: {}", stderr(&out));
        assert!(!marker.exists());
    }
    // A working directory that would make the home writable.
    let out = env
        .cmd()
        .current_dir(&env.home)
        .args(["run", "bot", "--sandbox", "--", "sh", "-c", &touch])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("your home directory"),
        "{}",
        stderr(&out)
    );
    assert!(!marker.exists());
    assert_eq!(std::fs::read(env.vault_path()).unwrap(), vault_before);
}
