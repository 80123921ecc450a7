//! Agents: attaching, renaming, the conflicts that are refused, "restart needed", and the
//! audit log.

mod common;

use common::*;

/// A vault with a secret, a second secret and a variable.
fn vault_with_entries() -> Env {
    let env = Env::new();
    env.init();
    env.ok_with_stdin(&["secret", "add", "OPENAI_API_KEY"], CANARY.as_bytes());
    env.ok_with_stdin(&["secret", "add", "DB_URL"], b"postgres://u:pw@db/app");
    env.ok(&["var", "set", "LOG_LEVEL", "debug"]);
    env
}

fn json(env: &Env, args: &[&str]) -> serde_json::Value {
    let mut with_json = vec!["--json"];
    with_json.extend_from_slice(args);
    serde_json::from_str(&env.ok(&with_json)).expect("JSON output")
}

#[test]
fn attach_creates_the_agent_and_says_so() {
    let env = vault_with_entries();
    let out = env.run(&["attach", "agent-x", "OPENAI_API_KEY", "LOG_LEVEL"]);
    assert_success(&out, &["attach"]);
    assert!(
        stderr(&out).contains("Created agent agent-x"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["attach", "agent-x", "DB_URL", "--as", "DATABASE_URL"]);
    assert!(!stderr(&out).contains("Created agent"));
    let shown = json(&env, &["agent", "show", "agent-x"]);
    let attached = shown["attached"].as_array().unwrap();
    let pairs: Vec<(&str, &str)> = attached
        .iter()
        .map(|a| (a["entry"].as_str().unwrap(), a["env"].as_str().unwrap()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("DB_URL", "DATABASE_URL"),
            ("LOG_LEVEL", "LOG_LEVEL"),
            ("OPENAI_API_KEY", "OPENAI_API_KEY")
        ]
    );
    assert!(!shown.to_string().contains(CANARY));
}

#[test]
fn two_values_cannot_share_an_environment_name() {
    let env = vault_with_entries();
    env.ok(&["attach", "a", "DB_URL", "--as", "TOKEN"]);
    let before = env.snapshot();
    let out = env.run(&["attach", "a", "OPENAI_API_KEY", "--as", "TOKEN"]);
    assert_fails_with(&out, "already gets DB_URL as TOKEN");
    env.assert_unchanged(&before);
    // Attaching the same thing again changes nothing and says so.
    let out = env.run(&["attach", "a", "DB_URL", "--as", "TOKEN"]);
    assert!(
        stderr(&out).contains("already attached"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        env.run(&["attach", "a", "DB_URL", "LOG_LEVEL", "--as", "X"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn what_opens_the_vault_cannot_be_attached() {
    let env = vault_with_entries();
    let before = env.snapshot();
    let out = env.run(&["attach", "a", "DB_URL", "--as", "VAULT_IDENTITY"]);
    assert_fails_with(&out, "VAULT_IDENTITY is what opens the vault");
    env.assert_unchanged(&before);
}

#[test]
fn attaching_what_is_not_there_is_refused() {
    let env = vault_with_entries();
    let before = env.snapshot();
    assert_fails_with(&env.run(&["attach", "a", "NOPE"]), "no entry by that name");
    assert_fails_with(
        &env.run(&["attach", "a", "OPENAI_API_KY"]),
        "did you mean OPENAI_API_KEY?",
    );
    // An agent name is parsed where it comes in, as clap parses every argument: a usage
    // error (exit 2), with the same message.
    let out = env.run(&["attach", "bad.name", "DB_URL"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a valid agent name"),
        "{}",
        stderr(&out)
    );
    env.assert_unchanged(&before);
}

#[test]
fn removing_an_attached_entry_names_the_agents_and_detach_allows_it() {
    let env = vault_with_entries();
    env.ok(&["attach", "agent-a", "DB_URL", "LOG_LEVEL"]);
    env.ok(&["attach", "agent-b", "DB_URL"]);
    let before = env.snapshot();
    let out = env.run(&["secret", "rm", "DB_URL", "--yes"]);
    assert_fails_with(&out, "DB_URL is attached to agents agent-a, agent-b");
    assert!(stderr(&out).contains("--detach"));
    assert_fails_with(
        &env.run(&["var", "rm", "LOG_LEVEL"]),
        "attached to agent agent-a",
    );
    env.assert_unchanged(&before);

    env.ok(&["secret", "rm", "DB_URL", "--yes", "--detach"]);
    env.ok(&["var", "rm", "LOG_LEVEL", "--detach"]);
    let shown = json(&env, &["agent", "show", "agent-a"]);
    assert!(shown["attached"].as_array().unwrap().is_empty());
}

#[test]
fn detach_and_agent_rm() {
    let env = vault_with_entries();
    env.ok(&["attach", "a", "DB_URL", "LOG_LEVEL"]);
    env.ok(&["detach", "a", "DB_URL"]);
    assert_fails_with(
        &env.run(&["detach", "a", "DB_URL"]),
        "DB_URL is not attached to agent a",
    );
    env.ok(&["agent", "rm", "a"]);
    assert_fails_with(&env.run(&["agent", "show", "a"]), "no agent named a");
    // The entries stay.
    assert_eq!(env.ok(&["get", "LOG_LEVEL"]), "debug\n");
}

#[test]
fn agent_create_stores_image_and_command() {
    let env = vault_with_entries();
    env.ok(&[
        "agent",
        "create",
        "bot",
        "--image",
        "python:3.12",
        "--command",
        "python",
        "-u",
        "bot.py",
    ]);
    let list = json(&env, &["agent", "list"]);
    assert_eq!(list[0]["name"], "bot");
    assert_eq!(list[0]["image"], "python:3.12");
    assert_eq!(
        list[0]["command"],
        serde_json::json!(["python", "-u", "bot.py"])
    );
    assert!(list[0]["last_launch"].is_null());
    assert_fails_with(&env.run(&["agent", "create", "bot"]), "already exists");
    // No name and no terminal: say what to give, never wait.
    assert_eq!(env.run(&["agent", "create"]).status.code(), Some(2));
}

#[test]
fn restart_needed_flips_after_secret_set_and_clears_after_a_run() {
    let env = vault_with_entries();
    env.ok(&["attach", "a", "OPENAI_API_KEY", "LOG_LEVEL"]);
    let status = |env: &Env| -> Vec<String> {
        json(env, &["agent", "show", "a"])["attached"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                format!(
                    "{}={}",
                    a["entry"].as_str().unwrap(),
                    a["status"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        status(&env),
        ["LOG_LEVEL=not launched", "OPENAI_API_KEY=not launched"]
    );
    env.ok(&["run", "a", "--", "true"]);
    assert_eq!(
        status(&env),
        ["LOG_LEVEL=current", "OPENAI_API_KEY=current"]
    );
    env.ok_with_stdin(&["secret", "set", "OPENAI_API_KEY"], b"sk-rotated");
    assert_eq!(
        status(&env),
        ["LOG_LEVEL=current", "OPENAI_API_KEY=restart needed"]
    );
    env.ok(&["run", "a", "--", "true"]);
    assert_eq!(
        status(&env),
        ["LOG_LEVEL=current", "OPENAI_API_KEY=current"]
    );
    // A new attachment is missing from the running agent too; the others say why.
    env.ok(&["attach", "a", "DB_URL"]);
    assert_eq!(
        status(&env),
        [
            "DB_URL=restart needed (agent changed)",
            "LOG_LEVEL=restart needed (agent changed)",
            "OPENAI_API_KEY=restart needed (agent changed)"
        ]
    );
}

#[test]
fn a_provider_key_changed_after_a_keyless_launch_needs_no_restart_and_after_a_plain_one_does() {
    let env = Env::new();
    env.init();
    let key = "sk-proj-RestartOrNot0123456789abcdefghijklmn";
    env.ok_with_stdin(&["provider", "add", "openai"], key.as_bytes());
    env.ok(&["attach", "a", "OPENAI_API_KEY"]);
    let status = |env: &Env| json(env, &["agent", "show", "a"])["attached"][0]["status"].clone();
    // What counts is how it was last started, not what the agent is set to.
    let keyless = ["--keyless", "--no-sandbox"];
    for (setting, flags, after) in [
        (None, &keyless[..], "current (through the proxy)"),
        (None, &[][..], "restart needed"),
        (Some("--keyless"), &["--no-keyless"][..], "restart needed"),
        (
            Some("--keyless"),
            &["--no-sandbox"][..],
            "current (through the proxy)",
        ),
    ] {
        if let Some(setting) = setting {
            env.ok(&["agent", "set", "a", setting]);
        }
        env.ok(&[&["run", "a"][..], flags, &["--", "true"]].concat());
        assert_eq!(status(&env), "current", "{flags:?}");
        env.ok_with_stdin(&["provider", "set", "OPENAI_API_KEY"], key.as_bytes());
        assert_eq!(status(&env), after, "{setting:?} {flags:?}");
    }
}

#[test]
fn the_audit_log_records_runs_and_changes_with_names_only() {
    let env = vault_with_entries();
    env.ok(&["attach", "a", "OPENAI_API_KEY", "LOG_LEVEL"]);
    let _ = env.run(&["run", "a", "--", "sh", "-c", "exit 3"]);
    let records = json(&env, &["audit"]);
    let records = records.as_array().unwrap();
    let events: Vec<String> = records
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["event"].as_str().unwrap(),
                r["command"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            "change init",
            "change secret add",
            "change secret add",
            "change var set",
            "change attach",
            "start run",
            "run run"
        ]
    );
    assert_eq!(records[5]["pid"], records[6]["pid"]);
    assert_eq!(records[5]["started"], records[6]["started"]);
    let run = &records[6];
    assert_eq!(run["event"], "run");
    assert_eq!(run["agent"], "a");
    assert_eq!(run["program"], "sh");
    assert_eq!(run["status"], 3);
    assert!(run["pid"].as_u64().unwrap() > 0);
    assert_eq!(
        run["names"],
        serde_json::json!(["LOG_LEVEL", "OPENAI_API_KEY"])
    );

    let log = env.home.join(".local/state/vault/audit.log");
    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(text.lines().count(), 7);
    assert!(
        !text.contains(CANARY) && !text.contains("debug"),
        "values in the log"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&log).unwrap().permissions().mode() & 0o777,
        0o600
    );

    // Filters: an agent's runs and the changes to it.
    let only_a = json(&env, &["audit", "--agent", "a"]);
    let events: Vec<&str> = only_a
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["change", "start", "run"]);
    let recent = json(&env, &["audit", "--since", "1h"]);
    assert_eq!(recent.as_array().unwrap().len(), 7);
    assert_eq!(
        env.run(&["audit", "--since", "yesterday-ish"])
            .status
            .code(),
        Some(2)
    );
    let table = env.ok(&["audit"]);
    assert!(
        table.contains("secret add") && table.contains("OPENAI_API_KEY"),
        "{table}"
    );
}

#[test]
fn agent_set_and_create_with_attach_cover_what_the_wizard_asks() {
    let env = vault_with_entries();
    env.ok(&["agent", "create", "bot", "--attach", "DB_URL", "LOG_LEVEL"]);
    env.ok(&[
        "agent",
        "set",
        "bot",
        "--image",
        "python:3.12",
        "--command",
        "sh",
        "-c",
        "echo hi",
    ]);
    let shown = json(&env, &["agent", "show", "bot"]);
    assert_eq!(shown["image"], "python:3.12");
    assert_eq!(shown["command"], serde_json::json!(["sh", "-c", "echo hi"]));
    assert_eq!(shown["attached"].as_array().unwrap().len(), 2);
    env.ok(&["agent", "set", "bot", "--no-image", "--no-command"]);
    let shown = json(&env, &["agent", "show", "bot"]);
    assert!(shown["image"].is_null());
    assert_eq!(shown["command"], serde_json::json!([]));
    assert_eq!(env.run(&["agent", "set", "bot"]).status.code(), Some(2));
    // Which of several names is not an entry, without repeating it.
    let out = env.run(&["agent", "create", "other", "--attach", "LOG_LEVEL", "NOPE"]);
    assert_fails_with(&out, "the 2nd name given is not an entry");
}

#[test]
fn attach_messages_say_what_changed_and_detach_knows_the_env_name() {
    let env = vault_with_entries();
    env.ok(&["attach", "agent-x", "DB_URL", "--as", "DATABASE_URL"]);
    let out = env.run(&["attach", "agent-x", "DB_URL", "--as", "DB"]);
    assert!(
        stderr(&out).contains("DB_URL is now attached as DB to agent-x (it was DATABASE_URL)"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["detach", "agent-x", "DB"]);
    assert_fails_with(
        &out,
        "it is the name DB_URL is attached as: vault detach agent-x DB_URL",
    );
    // A typo in the agent's name: attach says there is a similar one; run asks.
    let out = env.run(&["attach", "agnet-x", "LOG_LEVEL"]);
    assert!(
        stderr(&out).contains("there is also an agent named agent-x"),
        "{}",
        stderr(&out)
    );
    env.ok(&["agent", "rm", "agnet-x"]);
    assert_fails_with(
        &env.run(&["agent", "show", "agnt-x"]),
        "did you mean agent-x?",
    );
    // Attaching what is already attached changes nothing and is not logged as a change.
    let before = env.snapshot();
    env.ok(&["attach", "agent-x", "DB_URL", "--as", "DB"]);
    env.assert_unchanged(&before);
}

#[test]
fn each_vault_has_its_own_audit_view_and_launches() {
    let env = vault_with_entries();
    env.ok(&["attach", "a", "LOG_LEVEL"]);
    env.ok(&["run", "a", "--", "true"]);
    let other = env.path("other.age");
    let other = other.to_str().unwrap();
    env.ok(&["--vault", other, "init"]);
    env.ok(&["--vault", other, "var", "set", "LOG_LEVEL", "x"]);
    env.ok(&["--vault", other, "attach", "a", "LOG_LEVEL"]);
    let shown = json(&env, &["--vault", other, "agent", "show", "a"]);
    assert!(
        shown["last_launch"].is_null(),
        "agent a of the other vault never ran"
    );
    let events = json(&env, &["--vault", other, "audit"]);
    let commands: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["command"].as_str().unwrap())
        .collect();
    assert_eq!(commands, ["init", "var set", "attach"]);
}
