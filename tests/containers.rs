//! `vault run --image` with a real container engine (podman, set up by the test on its own:
//! a busybox image imported from a tarball, no registry). Values reach the container through
//! the engine's environment only; never through a command line.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::*;

const IMAGE: &str = "localhost/vault-test:latest";

/// The podman set-up every test shares: a configuration for this sandbox (runc, cgroupfs, no
/// ulimits) and the image. None when podman is not usable here (a failure under CI=true).
fn podman() -> Option<&'static PathBuf> {
    static SETUP: OnceLock<Option<PathBuf>> = OnceLock::new();
    SETUP
        .get_or_init(|| {
            if !have("podman") || !have("busybox") {
                return None;
            }
            // Kept for the whole test run: the image is imported from it once.
            let dir = tempfile::Builder::new()
                .prefix("vault-podman-")
                .tempdir()
                .unwrap()
                .keep();
            let rootfs = dir.join("rootfs/bin");
            std::fs::create_dir_all(&rootfs).unwrap();
            let conf = dir.join("containers.conf");
            std::fs::write(
                &conf,
                "[containers]\ndefault_ulimits = []\n[engine]\nruntime = \"runc\"\n\
                 cgroup_manager = \"cgroupfs\"\n",
            )
            .unwrap();
            let busybox = String::from_utf8(
                Command::new("sh")
                    .args(["-c", "command -v busybox"])
                    .output()
                    .unwrap()
                    .stdout,
            )
            .unwrap();
            std::fs::copy(busybox.trim(), rootfs.join("busybox")).unwrap();
            for tool in ["sh", "env", "cat", "echo", "sleep", "sort", "grep", "true"] {
                std::os::unix::fs::symlink("busybox", rootfs.join(tool)).unwrap();
            }
            let tar = dir.join("rootfs.tar");
            let ok = Command::new("tar")
                .arg("-C")
                .arg(dir.join("rootfs"))
                .arg("-cf")
                .arg(&tar)
                .arg(".")
                .status()
                .is_ok_and(|s| s.success())
                && Command::new("podman")
                    .env("CONTAINERS_CONF", &conf)
                    .arg("import")
                    .arg(&tar)
                    .arg(IMAGE)
                    .stdout(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success());
            let probe = Command::new("podman")
                .env("CONTAINERS_CONF", &conf)
                .args(["run", "--rm", IMAGE, "/bin/true"])
                .output();
            let why = match &probe {
                Ok(out) if ok && out.status.success() => None,
                Ok(out) => Some(String::from_utf8_lossy(&out.stderr).into_owned()),
                Err(e) => Some(e.to_string()),
            };
            if let Some(why) = why {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("podman cannot run containers here under CI=true: {why}");
                }
                eprintln!("SKIPPED: podman is installed but cannot run containers here: {why}");
                return None;
            }
            Some(conf)
        })
        .as_ref()
}

/// A vault whose agent `box` has the canary secret, a second secret and a variable attached,
/// and one more secret that is not attached.
fn agent_env() -> Env {
    let env = agent_with_values("box");
    env.ok_with_stdin(&["secret", "add", "NOT_ATTACHED"], b"not-for-box-Qq81");
    env
}

/// `vault run box --image IMAGE --engine podman [extra…] -- CMD…`, not started yet.
fn box_run(env: &Env, conf: &PathBuf, image: &str, extra: &[&str], command: &[&str]) -> Command {
    let mut cmd = env.cmd();
    cmd.env("CONTAINERS_CONF", conf)
        .args(["run", "box", "--image", image, "--engine", "podman"])
        .args(extra)
        .arg("--")
        .args(command);
    cmd
}

/// `sh -c SCRIPT` in the container, run to its end.
fn in_box(env: &Env, conf: &PathBuf, extra: &[&str], script: &str) -> Output {
    box_run(env, conf, IMAGE, extra, &["/bin/sh", "-c", script])
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_container_sees_exactly_the_attached_values() {
    let Some(conf) = podman() else { return };
    let env = agent_env();
    let out = in_box(
        &env,
        conf,
        &["--mask", "never"],
        "env | grep -E '^(OPENAI|DATABASE|DB_|LOG|NOT_|VAULT)' | sort",
    );
    assert_success(&out, &["run", "--image"]);
    assert_eq!(
        stdout(&out),
        format!(
            "DATABASE_URL=postgres://u:pw-7Hd93@db/app\nLOG_LEVEL=debug\nOPENAI_API_KEY={CANARY}\n"
        )
    );
    // Masked when the output is not a terminal, as for a process; exit status passed on.
    let out = in_box(&env, conf, &[], "echo \"key=$OPENAI_API_KEY\"; exit 7");
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(stdout(&out), "key=***\n");
    assert!(!stderr(&out).contains(CANARY));
}

#[test]
fn no_command_line_holds_a_value() {
    let Some(conf) = podman() else { return };
    let env = agent_env();
    let mut child = box_run(&env, conf, IMAGE, &[], &["sleep", "3"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The engine's pid, from the run's start line in the audit log.
    let started = Instant::now();
    let pid = loop {
        let audit = env.ok(&["audit", "--json"]);
        let records: Vec<serde_json::Value> = serde_json::from_str(&audit).unwrap();
        if let Some(pid) = records
            .iter()
            .find(|r| r["event"] == "start")
            .and_then(|r| r["pid"].as_u64())
        {
            break pid;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no start line");
        std::thread::sleep(Duration::from_millis(50));
    };
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
    let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
    assert!(
        cmdline.contains("run --rm -i -e DATABASE_URL -e LOG_LEVEL -e OPENAI_API_KEY"),
        "{cmdline}"
    );
    for value in [CANARY, "pw-7Hd93", "debug"] {
        assert!(
            !cmdline.contains(value),
            "a value is in the engine's argv: {cmdline}"
        );
    }
    assert!(child.wait().unwrap().success());
    // The record names the engine and the image.
    let audit = env.ok(&["audit"]);
    assert!(
        audit.contains("podman (image localhost/vault-test:latest)"),
        "{audit}"
    );
}

#[test]
fn engine_failures_say_so_in_the_engines_words() {
    let Some(conf) = podman() else { return };
    let env = agent_env();
    let out = box_run(&env, conf, "localhost/no-such-image:1", &[], &["true"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(125));
    let err = stderr(&out);
    assert!(
        err.contains("podman could not run the image localhost/no-such-image:1"),
        "{err}"
    );
    // podman's own message comes first.
    assert!(
        err.lines()
            .next()
            .is_some_and(|l| !l.starts_with("error: podman could")),
        "{err}"
    );
    assert!(!err.contains(CANARY));

    // A stored image is used, and agent show names it.
    env.ok(&["agent", "set", "box", "--image", IMAGE]);
    assert!(env.ok(&["agent", "show", "box"]).contains(IMAGE));
    let out = env
        .cmd()
        .env("CONTAINERS_CONF", conf)
        .env("VAULT_CONTAINER_ENGINE", "podman")
        .args([
            "run",
            "box",
            "--mask",
            "never",
            "--",
            "/bin/sh",
            "-c",
            "echo $LOG_LEVEL",
        ])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "debug\n", "{}", stderr(&out));
}

#[test]
fn values_that_would_configure_the_engine_are_refused() {
    let env = agent_env();
    env.ok(&["var", "set", "EVIL_HOST", "tcp://203.0.113.9:2375"]);
    env.ok(&["attach", "box", "EVIL_HOST", "--as", "DOCKER_HOST"]);
    let out = env.run(&[
        "run",
        "box",
        "--image",
        IMAGE,
        "--engine",
        "/bin/true",
        "--",
        "true",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("configures the container engine"),
        "{}",
        stderr(&out)
    );
    // On this machine it is an ordinary variable.
    let out = env.run(&["run", "box", "--no-container", "--", "true"]);
    assert_success(&out, &["run", "--no-container"]);
}

#[test]
fn without_an_engine_the_error_names_both() {
    let env = agent_env();
    let out = env
        .cmd()
        .env("PATH", "/nonexistent")
        .args(["run", "box", "--image", IMAGE, "--", "true"])
        .output()
        .unwrap();
    assert_fails_with(&out, "install docker or podman");
    let out = env.run(&["run", "box", "--engine", "podman", "--", "true"]);
    assert_eq!(out.status.code(), Some(2), "--engine without an image");
}

#[test]
fn signals_reach_the_container() {
    use std::io::{BufRead, BufReader};
    let Some(conf) = podman() else { return };
    let env = agent_env();
    let script = "trap 'echo got-term; exit 42' TERM; echo ready; while true; do sleep 0.1; done";
    let mut child = box_run(&env, conf, IMAGE, &[], &["/bin/sh", "-c", script])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "ready");
    // podman sets up its signal proxy only after the container has started (a signal in
    // between ends podman itself, not the container): give it that moment.
    std::thread::sleep(std::time::Duration::from_millis(500));
    // SAFETY: kill(2) on our own, still running child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    assert_eq!(lines.next().unwrap().unwrap(), "got-term");
    assert_eq!(child.wait().unwrap().code(), Some(42));
}
