//! `vault run --image` with a real container engine (podman, set up by the test on its own:
//! a busybox image imported from a tarball, no registry). Values reach the container through
//! the engine's environment only; never through a command line.

mod common;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::engines::{self, Engine};
use common::*;

const IMAGE: &str = engines::BUSYBOX;

/// podman as set up for the tests (None, said why, where it cannot run).
fn podman() -> Option<&'static Engine> {
    engines::podman()
}

/// A vault whose agent `box` has the canary secret, a second secret and a variable attached,
/// and one more secret that is not attached.
fn agent_env() -> Env {
    let env = agent_with_values("box");
    env.ok_with_stdin(&["secret", "add", "NOT_ATTACHED"], b"not-for-box-Qq81");
    env
}

/// `vault run box --image IMAGE --engine podman [extra…] -- CMD…`, not started yet.
fn box_run(env: &Env, engine: &Engine, image: &str, extra: &[&str], command: &[&str]) -> Command {
    let mut cmd = env.cmd();
    cmd.args(["run", "box", "--image", image, "--engine", "podman"])
        .args(extra)
        .arg("--")
        .args(command);
    engine.wrap(cmd)
}

/// `sh -c SCRIPT` in the container, run to its end.
fn in_box(env: &Env, engine: &Engine, extra: &[&str], script: &str) -> Output {
    box_run(env, engine, IMAGE, extra, &["/bin/sh", "-c", script])
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_container_sees_exactly_the_attached_values() {
    let Some(engine) = podman() else { return };
    let env = agent_env();
    let out = in_box(
        &env,
        engine,
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
    let out = in_box(&env, engine, &[], "echo \"key=$OPENAI_API_KEY\"; exit 7");
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(stdout(&out), "key=***\n");
    assert!(!stderr(&out).contains(CANARY));
}

#[test]
fn no_command_line_holds_a_value() {
    let Some(engine) = podman() else { return };
    let env = agent_env();
    let mut child = box_run(&env, engine, IMAGE, &[], &["sleep", "3"])
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
        audit.contains("podman: localhost/vault-test:latest"),
        "{audit}"
    );
}

#[test]
fn engine_failures_say_so_in_the_engines_words() {
    let Some(engine) = podman() else { return };
    let env = agent_env();
    let out = box_run(&env, engine, "localhost/no-such-image:1", &[], &["true"])
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
    let mut cmd = env.cmd();
    cmd.env("VAULT_CONTAINER_ENGINE", "podman").args([
        "run",
        "box",
        "--mask",
        "never",
        "--",
        "/bin/sh",
        "-c",
        "echo $LOG_LEVEL",
    ]);
    let out = engine.wrap(cmd).output().unwrap();
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
    let Some(engine) = podman() else { return };
    let env = agent_env();
    engines::assert_sigterm_reaches(box_run(
        &env,
        engine,
        IMAGE,
        &[],
        &["/bin/sh", "-c", engines::TRAP_TERM],
    ));
}
