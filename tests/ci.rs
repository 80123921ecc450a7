//! CI use, end to end: a vault committed to a repository and a CI identity in VAULT_IDENTITY
//! are enough (examples/ci/run-agent.sh runs here as a CI job would), and no command waits for
//! a prompt when standard input is not a terminal.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use clap::Parser as _;
use common::*;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Waits for a child, failing the test if it is still running after `limit` (so it waited
/// for input nobody will give).
fn wait_or_fail(mut cmd: Command, what: &str, limit: Duration) -> Output {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.expect("wait"),
        Err(_) => {
            // SAFETY: kill(2) on the child we spawned; it has not been reaped (no output yet).
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            panic!("{what} was still running after {limit:?}: it waited for input");
        }
    }
}

/// A developer's vault with a CI recipient, copied into a "repository" as it would be
/// committed; returns the CI identity and the repository directory.
fn committed_vault(dev: &Env) -> (String, PathBuf) {
    dev.init();
    dev.ok_with_stdin(&["secret", "add", "OPENAI_API_KEY"], CANARY.as_bytes());
    dev.ok(&["var", "set", "MODEL", "gpt-4o-mini"]);
    dev.ok_with_stdin(&["secret", "add", "UNRELATED_TOKEN"], b"not-for-ci-bot");
    dev.ok(&["attach", "ci-bot", "OPENAI_API_KEY", "MODEL"]);
    let (ci_secret, ci_public) = new_age_key();
    dev.ok(&["recipient", "add", &ci_public, "--label", "ci"]);
    let repo = dev.path("repo");
    std::fs::create_dir_all(repo.join(".vault")).unwrap();
    std::fs::copy(dev.vault_path(), repo.join(".vault/vault.age")).unwrap();
    std::fs::create_dir_all(repo.join("examples/ci")).unwrap();
    std::fs::copy(
        repo_root().join("examples/ci/run-agent.sh"),
        repo.join("examples/ci/run-agent.sh"),
    )
    .unwrap();
    (ci_secret, repo)
}

/// A CI runner: an empty home (no identity, no vault of its own), no terminal, no keyring,
/// CI=true, the runner's own credentials in the environment, and vault on PATH.
fn runner(ci: &Env, repo: &Path, identity: &str) -> Command {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_vault")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("sh");
    cmd.env_clear()
        .envs(ci.cmd().get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .env("PATH", path)
        .env("CI", "true")
        .env("GITHUB_TOKEN", "ghs_runner-token-Xk2")
        .env("VAULT_IDENTITY", identity)
        .current_dir(repo);
    cmd
}

#[test]
fn the_ci_script_runs_an_agent_from_a_committed_vault() {
    let dev = Env::new();
    let (identity, repo) = committed_vault(&dev);
    let ci = Env::new();

    let mut job = runner(&ci, &repo, &identity);
    job.args([
        "examples/ci/run-agent.sh",
        "ci-bot",
        "sh",
        "-c",
        "echo \"key=$OPENAI_API_KEY model=$MODEL\"; \
         echo \"runner=${GITHUB_TOKEN-none} other=${UNRELATED_TOKEN-none} id=${VAULT_IDENTITY-none}\"; \
         exit 3",
    ]);
    let out = wait_or_fail(job, "run-agent.sh", Duration::from_secs(60));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(3),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    // The agent got its values; the log shows its secret masked.
    assert!(
        stdout.contains("key=*** model=gpt-4o-mini"),
        "{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("runner=none other=none id=none"),
        "{stdout}"
    );
    assert!(
        stdout.contains("OPENAI_API_KEY"),
        "agent show lists it: {stdout}"
    );
    for text in [&*stdout, &*stderr] {
        assert!(!text.contains(CANARY));
        assert!(!text.contains("AGE-SECRET-KEY"));
    }
    // The runner's home holds no identity and no vault afterwards.
    let left: Vec<_> = ci
        .snapshot()
        .into_keys()
        .filter(|p| !p.to_string_lossy().contains("/.local/state/vault/"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn the_ci_script_says_what_is_missing() {
    let dev = Env::new();
    let (identity, repo) = committed_vault(&dev);
    let ci = Env::new();

    let mut job = runner(&ci, &repo, "");
    job.args(["examples/ci/run-agent.sh", "ci-bot", "true"]);
    let out = wait_or_fail(job, "run-agent.sh", Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("VAULT_IDENTITY is not set"));

    // The wrong key: an error naming the vault and the key tried, at once.
    let (other, _) = new_age_key();
    let mut job = runner(&ci, &repo, &other);
    job.args(["examples/ci/run-agent.sh", "ci-bot", "true"]);
    let out = wait_or_fail(job, "run-agent.sh", Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("VAULT_IDENTITY"), "{}", stderr(&out));
    assert!(!stderr(&out).contains(&other[20..]));

    let mut job = runner(&ci, &repo, &identity);
    job.args(["examples/ci/run-agent.sh", "no-such-agent", "true"]);
    let out = wait_or_fail(job, "run-agent.sh", Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn no_command_waits_for_a_prompt_without_a_terminal() {
    let env = Env::new();
    env.init_with_passphrase("pass phrase");
    let pass = |cmd: &mut Command| {
        cmd.env("VAULT_PASSPHRASE", "pass phrase");
    };
    let mut setup = env.cmd();
    pass(&mut setup);
    assert_success(
        &run_piped(setup.args(["secret", "add", "API_KEY"]), b"sk-x"),
        &["secret", "add"],
    );

    // Each: the command, whether VAULT_PASSPHRASE is given, and what the error must name.
    let cases: &[(&[&str], bool, &str)] = &[
        (&["list"], false, "VAULT_PASSPHRASE"),
        (&["secret", "add", "NEW_KEY"], true, "--from-file"),
        (&["secret", "set", "API_KEY"], true, "--from-env"),
        (&["secret", "rm", "API_KEY"], true, "--yes"),
        (&["agent", "create"], true, "vault agent create NAME"),
        (&["import", "-"], true, "no NAME=value lines"),
        (&["init"], true, "already"),
    ];
    for (args, with_pass, needle) in cases {
        let mut cmd = env.cmd();
        if *with_pass {
            pass(&mut cmd);
        }
        cmd.args(*args);
        let out = wait_or_fail(cmd, &format!("vault {args:?}"), Duration::from_secs(30));
        assert_ne!(out.status.code(), Some(0), "vault {args:?}");
        assert!(
            stderr(&out).contains(needle),
            "vault {args:?}: {}",
            stderr(&out)
        );
    }

    let other = Env::new();
    let mut cmd = other.cmd();
    cmd.args(["init", "--passphrase"]);
    let out = wait_or_fail(cmd, "vault init --passphrase", Duration::from_secs(30));
    assert_fails_with(&out, "VAULT_PASSPHRASE");
}

#[test]
fn the_github_workflow_uses_real_commands() {
    let workflow =
        std::fs::read_to_string(repo_root().join("examples/ci/github-workflow.yml")).unwrap();
    let mut checked = 0;
    for line in workflow.lines() {
        let Some(run) = line.trim().strip_prefix("run: ") else {
            continue;
        };
        if let Some(args) = run.strip_prefix("vault ") {
            let argv: Vec<String> = std::iter::once("vault".to_owned())
                .chain(shlex::split(args).unwrap())
                .collect();
            if let Err(e) = vault::cli::Cli::try_parse_from(&argv) {
                panic!("the workflow's `{run}` is not a vault command line: {e}");
            }
            checked += 1;
        } else if let Some(script) = run.strip_prefix("examples/") {
            let path = script.split_whitespace().next().unwrap();
            assert!(
                repo_root().join("examples").join(path).exists(),
                "the workflow runs examples/{path}, which does not exist"
            );
            checked += 1;
        }
    }
    assert!(checked >= 2, "{checked} commands checked");
    // The key that opens the vault goes to the steps that run vault, never to the whole job.
    let steps = workflow.split("\n      - ").collect::<Vec<_>>();
    let job_env = steps[0];
    assert!(
        !job_env.contains("VAULT_IDENTITY:"),
        "job-level VAULT_IDENTITY"
    );
    for step in &steps[1..] {
        let runs_vault = step.contains("run: vault ") || step.contains("run-agent.sh");
        assert_eq!(
            step.contains("VAULT_IDENTITY: ${{ secrets.VAULT_IDENTITY }}"),
            runs_vault,
            "{step}"
        );
    }
}

#[test]
fn every_listing_prints_json_for_scripts() {
    let env = Env::new();
    env.init();
    env.ok_with_stdin(&["secret", "add", "API_KEY"], CANARY.as_bytes());
    env.ok(&["var", "set", "MODE", "fast"]);
    env.ok(&["attach", "bot", "API_KEY", "MODE"]);
    let listings: &[&[&str]] = &[
        &["list"],
        &["agent", "list"],
        &["agent", "show", "bot"],
        &["recipient", "list"],
        &["identity", "show"],
        &["audit"],
        &["export", "bot"],
        &["import", "-", "--dry-run", "--on-conflict", "skip"],
        &["provider", "list"],
    ];
    for args in listings {
        let mut argv = vec!["--json"];
        argv.extend_from_slice(args);
        let out = env.run_with_stdin(&argv, b"MODE=slow\nNEW=1\n");
        assert_success(&out, &argv);
        let text = String::from_utf8_lossy(&out.stdout);
        let parsed: Result<serde_json::Value, _> = serde_json::from_str(&text);
        assert!(parsed.is_ok(), "vault {argv:?} printed no JSON: {text}");
        if args[0] != "export" {
            assert!(!text.contains(CANARY), "vault {argv:?} showed a secret");
        }
    }
}

#[test]
fn identity_new_makes_a_ci_key_without_age_keygen() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.init();
    env.ok(&["var", "set", "LOG_LEVEL", "debug"]);
    let key = env.path("ci.key");
    let out = env.run(&["identity", "new", "--output", key.to_str().unwrap()]);
    assert_success(&out, &["identity", "new"]);
    let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&key).unwrap();
    let recipient = text
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .expect("the recipient in the file");
    assert!(stderr(&out).contains(recipient), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("AGE-SECRET-KEY"),
        "the secret went to stderr"
    );
    // Never overwritten.
    let out = env.run(&["identity", "new", "--output", key.to_str().unwrap()]);
    assert_fails_with(&out, "never overwritten");
    assert_eq!(std::fs::read_to_string(&key).unwrap(), text);
    // recipient add takes the file itself, and keeps only the public half.
    env.ok(&["recipient", "add", key.to_str().unwrap(), "--label", "ci"]);
    let listed = env.ok(&["--json", "recipient", "list"]);
    assert!(listed.contains(recipient), "{listed}");
    assert!(!listed.contains("AGE-SECRET-KEY"));
    // A CI-like run: a fresh home, no terminal, VAULT_IDENTITY from the file's contents.
    let runner = Env::new();
    let out = runner
        .cmd()
        .env("VAULT_FILE", env.vault_path())
        .env("VAULT_IDENTITY", &text)
        .env("CI", "true")
        .args(["get", "LOG_LEVEL"])
        .output()
        .unwrap();
    assert_success(&out, &["get"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "debug");
    // Printed once to a pipe, the recipient on stderr.
    let out = env.run(&["identity", "new"]);
    assert_success(&out, &["identity", "new"]);
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("AGE-SECRET-KEY-1"));
    assert!(stderr(&out).contains("Recipient: age1"));
}

/// Every workflow example passes actionlint (a deprecated action's runtime included) and
/// zizmor (unpinned actions, broad permissions, persisted credentials).
#[test]
fn the_workflow_examples_pass_actionlint_and_zizmor() {
    if !have("actionlint") || !have("zizmor") {
        return;
    }
    let mut checked = 0;
    for entry in std::fs::read_dir(repo_root().join("examples/ci")).unwrap() {
        let path = entry.unwrap().path();
        let is_yaml = path.extension().is_some_and(|e| e == "yml" || e == "yaml");
        if !is_yaml {
            continue;
        }
        for (tool, args) in [("actionlint", &[][..]), ("zizmor", &["--offline"][..])] {
            let out = Command::new(tool).args(args).arg(&path).output().unwrap();
            assert!(
                out.status.success(),
                "{tool} {}:\n{}{}",
                path.display(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        checked += 1;
    }
    assert!(checked > 0, "no workflow example found");
}
