//! `vault run`: exactly the attached environment, a real child (status, signals, stdin), and
//! secret values masked in its output and absent from every command line and file.

mod common;

use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// A vault with a secret (the canary), a second secret, a variable, and agent `a` using all.
fn agent_env() -> Env {
    agent_with_values("a")
}

/// `vault run a [flags] -- sh -c SCRIPT`, output captured (so not a terminal).
fn run_sh(env: &Env, flags: &[&str], script: &str) -> Output {
    let mut args = vec!["run", "a"];
    args.extend_from_slice(flags);
    args.extend_from_slice(&["--", "sh", "-c", script]);
    env.run(&args)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_command_gets_exactly_the_attached_values() {
    let env = agent_env();
    let out = run_sh(
        &env,
        &["--mask", "never"],
        "echo \"$OPENAI_API_KEY|$DATABASE_URL|$LOG_LEVEL|${DB_URL-unset}\"",
    );
    assert_success(&out, &["run"]);
    assert_eq!(
        stdout(&out),
        format!("{CANARY}|postgres://u:pw-7Hd93@db/app|debug|unset\n")
    );
}

#[test]
fn exit_status_passes_through() {
    let env = agent_env();
    for code in [0, 1, 42, 255] {
        let out = run_sh(&env, &[], &format!("exit {code}"));
        assert_eq!(out.status.code(), Some(code), "exit {code}");
    }
    // Death by signal N is 128 + N, as a shell reports it.
    for (signal, code) in [("KILL", 137), ("TERM", 143), ("INT", 130)] {
        let out = run_sh(&env, &[], &format!("kill -{signal} $$"));
        assert_eq!(out.status.code(), Some(code), "kill -{signal}");
    }
}

#[test]
fn a_command_that_is_not_found_exits_127_and_one_not_executable_126() {
    let env = agent_env();
    let out = env.run(&["run", "a", "--", "no-such-command-here"]);
    assert_eq!(out.status.code(), Some(127));
    assert!(stderr(&out).contains("command not found: no-such-command-here"));
    let script = env.path("not-executable.sh");
    std::fs::write(&script, "#!/bin/sh\necho hi\n").unwrap();
    let out = env.run(&["run", "a", "--", script.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(126));
    assert!(stderr(&out).contains("cannot execute"), "{}", stderr(&out));
}

#[test]
fn the_stored_command_runs_when_none_is_given() {
    let env = agent_env();
    env.ok(&[
        "agent",
        "create",
        "bot",
        "--command",
        "sh",
        "-c",
        "echo stored-$LOG_LEVEL",
    ]);
    env.ok(&["attach", "bot", "LOG_LEVEL"]);
    assert_eq!(env.ok(&["run", "bot"]), "stored-debug\n");
    let out = env.run(&["run", "a"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("vault run a -- CMD"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn stdin_is_the_command_s_stdin() {
    let env = agent_env();
    let out = env.run_with_stdin(&["run", "a", "--", "cat"], b"from stdin\n");
    assert_eq!(stdout(&out), "from stdin\n");
}

#[test]
fn injected_values_win_unless_keep_env_and_isolate_drops_the_rest() {
    let env = agent_env();
    let script = "echo \"$LOG_LEVEL|${OTHER_CREDENTIAL-dropped}|${PATH:+path}\"";
    let with = |flags: &[&str]| {
        let mut args = vec!["run", "a"];
        args.extend_from_slice(flags);
        args.extend_from_slice(&["--", "sh", "-c", script]);
        let out = env
            .cmd()
            .env("LOG_LEVEL", "inherited")
            .env("OTHER_CREDENTIAL", "aws-key")
            .args(&args)
            .output()
            .unwrap();
        assert_success(&out, &args);
        stdout(&out)
    };
    assert_eq!(with(&[]), "debug|aws-key|path\n");
    assert_eq!(with(&["--keep-env"]), "inherited|aws-key|path\n");
    assert_eq!(with(&["--isolate"]), "debug|dropped|path\n");
}

#[test]
fn what_opens_the_vault_is_never_inherited() {
    let env = Env::new();
    env.init_with_passphrase("the pass phrase");
    let with_pass = |args: &[&str]| {
        let out = env
            .cmd()
            .env("VAULT_PASSPHRASE", "the pass phrase")
            .args(args)
            .output()
            .unwrap();
        assert_success(&out, args);
        stdout(&out)
    };
    with_pass(&["var", "set", "X", "1"]);
    with_pass(&["attach", "a", "X"]);
    let seen = with_pass(&[
        "run",
        "a",
        "--",
        "sh",
        "-c",
        "echo ${VAULT_PASSPHRASE-none} ${VAULT_IDENTITY-none} ${VAULT_IDENTITY_FILE-none}",
    ]);
    assert_eq!(seen, "none none none\n");
    let key = with_pass(&["identity", "export"]);
    let out = env
        .cmd()
        .env("VAULT_IDENTITY", key.trim())
        .args(["run", "a", "--", "sh", "-c", "echo ${VAULT_IDENTITY-none}"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "none\n");
}

#[test]
fn secrets_are_masked_even_written_a_byte_at_a_time() {
    let env = agent_env();
    // Each character is its own write, with a pause between.
    let script = "s=\"$OPENAI_API_KEY\"; printf 'key='; while [ -n \"$s\" ]; do \
                  rest=\"${s#?}\"; printf '%s' \"${s%\"$rest\"}\"; s=\"$rest\"; sleep 0.01; done; \
                  echo ' end'; echo \"db=$DATABASE_URL level=$LOG_LEVEL\" >&2";
    let out = run_sh(&env, &[], script);
    assert_success(&out, &["run"]);
    assert_eq!(stdout(&out), "key=*** end\n");
    assert_eq!(
        stderr(&out),
        "db=*** level=debug\n",
        "variables are not masked"
    );
    let out = run_sh(&env, &["--mask", "never"], "echo $OPENAI_API_KEY");
    assert_eq!(stdout(&out), format!("{CANARY}\n"));
}

#[test]
fn overlapping_secrets_are_masked_whole() {
    let env = Env::new();
    env.init();
    env.ok_with_stdin(&["secret", "add", "FIRST"], b"abcdef12");
    env.ok_with_stdin(&["secret", "add", "SECOND"], b"ef12ghij");
    env.ok(&["attach", "a", "FIRST", "SECOND"]);
    let out = run_sh(
        &env,
        &[],
        "printf '<abcdef12ghij> <ef12ghij> <abcdef12>\\n'",
    );
    assert_eq!(stdout(&out), "<***> <***> <***>\n");
}

#[test]
fn binary_output_passes_byte_exact_apart_from_masked_values() {
    let env = agent_env();
    let mut bytes: Vec<u8> = (0u8..=255).collect();
    bytes.extend_from_slice(CANARY.as_bytes());
    bytes.extend((0u8..=255).rev());
    let file = env.path("binary.bin");
    std::fs::write(&file, &bytes).unwrap();
    let out = env.run(&["run", "a", "--", "cat", file.to_str().unwrap()]);
    let mut expected: Vec<u8> = (0u8..=255).collect();
    expected.extend_from_slice(b"***");
    expected.extend((0u8..=255).rev());
    assert_eq!(out.stdout, expected);
}

/// Starts `vault run a -- sh -c SCRIPT` in the background; the script touches `ready` first.
fn start_background(env: &Env, script: &str) -> (Child, std::path::PathBuf) {
    let ready = env.path("ready");
    let _ = std::fs::remove_file(&ready);
    let script = format!(
        "{script}; touch '{}'; while :; do sleep 0.05; done",
        ready.display()
    );
    let child = env
        .cmd()
        .args(["run", "a", "--", "sh", "-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !ready.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the child never got ready"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    (child, ready)
}

fn send(child: &Child, signal: i32) {
    let rc = unsafe { libc::kill(child.id() as libc::pid_t, signal) };
    assert_eq!(rc, 0);
}

#[test]
fn run_forwards_signals_to_the_child() {
    let env = agent_env();
    for (name, signal) in [
        ("TERM", libc::SIGTERM),
        ("INT", libc::SIGINT),
        ("HUP", libc::SIGHUP),
        ("QUIT", libc::SIGQUIT),
        ("USR1", libc::SIGUSR1),
        ("USR2", libc::SIGUSR2),
        ("WINCH", libc::SIGWINCH),
    ] {
        let marker = env.path(&format!("got-{name}"));
        let trap = format!(
            "trap 'echo {name} > \"{}\"; exit 0' {name}",
            marker.display()
        );
        let (child, _) = start_background(&env, &trap);
        send(&child, signal);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "SIG{name}: {}", stderr(&out));
        assert_eq!(
            std::fs::read_to_string(&marker).unwrap_or_default().trim(),
            name,
            "SIG{name} did not reach the child"
        );
    }
}

#[test]
fn a_signal_that_ends_the_child_ends_vault_with_128_plus_n() {
    let env = agent_env();
    let (child, _) = start_background(&env, "true");
    send(&child, libc::SIGTERM);
    assert_eq!(child.wait_with_output().unwrap().status.code(), Some(143));
}

#[test]
fn secrets_are_in_no_command_line_and_no_file_written_during_the_run() {
    let env = agent_env();
    let before = env.snapshot();
    let (child, ready) = start_background(&env, "true");
    // Every process's command line, vault's and the child's included.
    let mut seen = 0;
    for proc_dir in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(cmdline) = std::fs::read(proc_dir.path().join("cmdline")) {
            seen += 1;
            assert!(
                !cmdline
                    .windows(CANARY.len())
                    .any(|w| w == CANARY.as_bytes()),
                "{} has the secret in its command line",
                proc_dir.path().display()
            );
        }
    }
    assert!(seen > 2);
    send(&child, libc::SIGTERM);
    let _ = child.wait_with_output();
    std::fs::remove_file(ready).unwrap();
    for (path, contents) in env.snapshot() {
        if before.get(&path) == Some(&contents) || path == env.vault_path() {
            continue;
        }
        assert!(
            !contents
                .windows(CANARY.len())
                .any(|w| w == CANARY.as_bytes()),
            "{} was written during the run and holds the secret",
            path.display()
        );
    }
}

#[test]
fn runs_in_parallel_do_not_disturb_each_other() {
    let env = agent_env();
    let children: Vec<Child> = (0..8)
        .map(|i| {
            env.cmd()
                .args([
                    "run",
                    "a",
                    "--",
                    "sh",
                    "-c",
                    &format!("echo run-{i}:$LOG_LEVEL; exit {i}"),
                ])
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(i as i32));
        assert_eq!(stdout(&out), format!("run-{i}:debug\n"));
    }
    let audit: serde_json::Value =
        serde_json::from_str(&env.ok(&["--json", "audit", "--agent", "a"])).unwrap();
    let runs = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["event"] == "run")
        .count();
    assert_eq!(runs, 8);
}

#[test]
fn run_needs_the_identity_like_every_other_command() {
    let env = agent_env();
    let (wrong, _) = new_age_key();
    let out = Command::new(env!("CARGO_BIN_EXE_vault"))
        .env_clear()
        .envs(env.cmd().get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .env("VAULT_IDENTITY", wrong)
        .args(["run", "a", "--", "sh", "-c", "echo started"])
        .output()
        .unwrap();
    assert_fails_with(&out, "not encrypted to");
    assert!(!stdout(&out).contains("started"));
}

#[test]
fn the_command_may_follow_vault_s_options_without_a_double_dash() {
    let env = agent_env();
    assert_eq!(
        env.ok(&["run", "a", "sh", "-c", "echo $LOG_LEVEL"]),
        "debug\n"
    );
    assert_eq!(
        env.ok(&["run", "a", "--mask", "never", "sh", "-c", "echo --isolate"]),
        "--isolate\n"
    );
}

#[test]
fn failures_to_start_say_why_and_what_to_do() {
    let env = agent_env();
    let script = env.path("bad-interpreter.sh");
    std::fs::write(&script, "#!/no/such/interpreter\necho hi\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = env.run(&["run", "a", "--", script.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(126));
    assert!(stderr(&out).contains("interpreter"), "{}", stderr(&out));

    let plain = env.path("plain.sh");
    std::fs::write(&plain, "echo hi\n").unwrap();
    let out = env.run(&["run", "a", "--", plain.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(126));
    assert!(stderr(&out).contains("chmod +x"), "{}", stderr(&out));

    // A bare name is looked up on PATH, not in the current directory, as in a shell.
    let out = env
        .cmd()
        .current_dir(env.path(""))
        .args(["run", "a", "--", "plain.sh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(127));
    assert!(
        stderr(&out).contains("give its path: ./plain.sh"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_agent_with_an_image_runs_here_only_when_asked() {
    let env = agent_env();
    env.ok(&["agent", "set", "a", "--image", "python:3.12"]);
    // With no engine on PATH, the image is not silently ignored…
    let out = env
        .cmd()
        .env("PATH", "/nonexistent")
        .args(["run", "a", "--", "/bin/true"])
        .output()
        .unwrap();
    assert_fails_with(&out, "install docker or podman");
    // …and --no-container runs the command on this machine, also when the environment
    // names an engine (which picks the engine for containers, not that there is one).
    for engine in [None, Some("podman")] {
        let mut cmd = env.cmd();
        if let Some(engine) = engine {
            cmd.env("VAULT_CONTAINER_ENGINE", engine);
        }
        let out = cmd
            .args(["run", "a", "--no-container", "--", "true"])
            .output()
            .unwrap();
        assert_success(&out, &["run", "--no-container"]);
    }
    env.ok(&["agent", "set", "a", "--no-image"]);
    let out = env
        .cmd()
        .env("VAULT_CONTAINER_ENGINE", "podman")
        .args(["run", "a", "--", "true"])
        .output()
        .unwrap();
    assert_success(&out, &["run (VAULT_CONTAINER_ENGINE, no image)"]);
}

#[test]
fn a_secret_that_starts_a_longer_one_never_lets_its_tail_through() {
    let env = Env::new();
    env.init();
    env.ok_with_stdin(&["secret", "add", "BOT_ID"], b"123456");
    env.ok_with_stdin(&["secret", "add", "BOT_TOKEN"], b"123456:tok-AbCdEf");
    env.ok(&["attach", "bot", "BOT_ID", "BOT_TOKEN"]);
    let out = env.run(&[
        "run",
        "bot",
        "--",
        "sh",
        "-c",
        "printf 'token=%s' \"${BOT_TOKEN%%:*}\"; sleep 0.2; printf ':%s\\n' \"${BOT_TOKEN#*:}\"",
    ]);
    assert_eq!(stdout(&out), "token=***\n");
}

#[test]
fn leftover_processes_holding_the_output_do_not_keep_vault_waiting() {
    let env = agent_env();
    let started = Instant::now();
    let out = env.run(&[
        "run",
        "a",
        "--",
        "sh",
        "-c",
        "(sleep 30; echo late) & echo now",
    ]);
    assert_success(&out, &["run"]);
    assert_eq!(stdout(&out), "now\n");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "vault waited for the leftover"
    );
    // Clean up the leftover: it is in the command's own process group.
    let audit: serde_json::Value = serde_json::from_str(&env.ok(&["--json", "audit"])).unwrap();
    let pid = audit
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find_map(|r| r["pid"].as_i64())
        .unwrap();
    unsafe { libc::kill(-(pid as libc::pid_t), libc::SIGKILL) };
}

#[test]
fn without_a_terminal_the_command_has_its_own_process_group() {
    let env = agent_env();
    // Field 5 of /proc/PID/stat is the process group; the shell's own pid leads its group.
    let out = env.ok(&[
        "run",
        "a",
        "--",
        "sh",
        "-c",
        "echo $$ $(cut -d' ' -f5 /proc/$$/stat)",
    ]);
    let fields: Vec<&str> = out.split_whitespace().collect();
    assert_eq!(fields[0], fields[1], "{out}");
}

#[test]
fn a_signal_ignored_when_vault_started_stays_ignored() {
    use std::os::unix::process::CommandExt;
    let env = agent_env();
    let ready = env.path("ready-nohup");
    let script = format!("touch '{}'; sleep 1; echo survived", ready.display());
    let mut cmd = env.cmd();
    cmd.args(["run", "a", "--", "sh", "-c", &script])
        .stdout(Stdio::piped());
    // As nohup leaves it.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGHUP, libc::SIG_IGN);
            Ok(())
        });
    }
    let child = cmd.spawn().unwrap();
    let started = Instant::now();
    while !ready.exists() {
        assert!(started.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(20));
    }
    send(&child, libc::SIGHUP);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "survived\n");
}

#[test]
fn a_run_is_in_the_audit_log_while_it_runs() {
    let env = agent_env();
    let (child, _) = start_background(&env, "true");
    let audit: serde_json::Value = serde_json::from_str(&env.ok(&["--json", "audit"])).unwrap();
    let last = audit.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["event"], "start");
    assert!(last["status"].is_null());
    assert!(env.ok(&["audit"]).contains("running"));
    send(&child, libc::SIGTERM);
    let _ = child.wait_with_output();
    let table = env.ok(&["audit", "--agent", "a"]);
    assert!(!table.contains("running"), "{table}");
    assert_eq!(table.matches("| run ").count(), 1, "{table}");
}

#[test]
fn with_no_path_at_all_the_usual_directories_are_searched() {
    let env = agent_env();
    let out = Command::new(env!("CARGO_BIN_EXE_vault"))
        .env_clear()
        .env("HOME", &env.home)
        .env("XDG_RUNTIME_DIR", env.path("run"))
        .args(["run", "a", "--", "true"])
        .output()
        .unwrap();
    assert_success(&out, &["run"]);
}
