//! A known secret, run through every command at the highest verbosity, never appears in any
//! output that was not asked for it, nor in any file on disk.

mod common;

use std::process::Output;

use common::*;

fn assert_clean(out: &Output, what: &str) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains(CANARY),
            "{what}: the secret leaked to {stream}:\n{text}"
        );
    }
}

#[test]
fn no_command_prints_a_secret_at_the_highest_verbosity() {
    let env = Env::new();
    let v = "-vvvv";
    assert_clean(&env.run(&[v, "init"]), "init");
    let canary_line = format!("{CANARY}\n");
    assert_clean(
        &env.run_with_stdin(
            &[v, "secret", "add", "OPENAI_API_KEY"],
            canary_line.as_bytes(),
        ),
        "secret add",
    );
    assert_clean(
        &env.run_with_stdin(
            &[v, "secret", "set", "OPENAI_API_KEY"],
            canary_line.as_bytes(),
        ),
        "secret set",
    );
    assert_clean(
        &env.run_with_stdin(
            &[v, "secret", "add", "OPENAI_API_KEY"],
            canary_line.as_bytes(),
        ),
        "secret add of an existing name",
    );
    let file = env.path("value.txt");
    std::fs::write(&file, &canary_line).unwrap();
    assert_clean(
        &env.run(&[
            v,
            "secret",
            "add",
            "FROM_FILE",
            "--from-file",
            file.to_str().unwrap(),
        ]),
        "secret add --from-file",
    );
    std::fs::remove_file(&file).unwrap();
    assert_clean(
        &env.cmd()
            .env("SRC", CANARY)
            .args([v, "secret", "add", "FROM_ENV", "--from-env", "SRC"])
            .output()
            .unwrap(),
        "secret add --from-env",
    );
    assert_clean(
        &env.run(&[v, "var", "set", "LOG_LEVEL", "debug"]),
        "var set",
    );
    assert_clean(
        &env.run(&[v, "var", "set", "OPENAI_API_KEY", "x"]),
        "var set on a secret",
    );
    assert_clean(&env.run(&[v, "list"]), "list");
    assert_clean(&env.run(&[v, "--json", "list"]), "list --json");
    assert_clean(&env.run(&[v, "identity", "show"]), "identity show");
    assert_clean(&env.run(&[v, "identity", "export"]), "identity export");
    let (_, other) = new_age_key();
    assert_clean(&env.run(&[v, "recipient", "add", &other]), "recipient add");
    assert_clean(&env.run(&[v, "recipient", "list"]), "recipient list");
    assert_clean(
        &env.run(&[v, "--json", "recipient", "list"]),
        "recipient list --json",
    );
    assert_clean(&env.run(&[v, "recipient", "rm", &other]), "recipient rm");
    assert_clean(&env.run(&[v, "get", "LOG_LEVEL"]), "get of a variable");
    assert_clean(&env.run(&[v, "get", "NOPE"]), "get of a missing entry");
    assert_clean(
        &env.run(&[v, "secret", "rm", "FROM_ENV"]),
        "secret rm without --yes",
    );
    assert_clean(
        &env.run(&[v, "secret", "rm", "FROM_ENV", "--yes"]),
        "secret rm",
    );
    assert_clean(&env.run(&[v, "completions", "bash"]), "completions");

    // Agents and runs: every command, with output not a terminal (so masking is on).
    assert_clean(
        &env.run(&[v, "attach", "bot", "OPENAI_API_KEY", "LOG_LEVEL"]),
        "attach",
    );
    assert_clean(
        &env.run(&[v, "attach", "bot", "FROM_FILE", "--as", "TOKEN"]),
        "attach --as",
    );
    assert_clean(&env.run(&[v, "agent", "show", "bot"]), "agent show");
    assert_clean(
        &env.run(&[v, "--json", "agent", "show", "bot"]),
        "agent show --json",
    );
    assert_clean(&env.run(&[v, "agent", "list"]), "agent list");
    let ran = env.run(&[
        v,
        "run",
        "bot",
        "--",
        "sh",
        "-c",
        "echo $OPENAI_API_KEY; echo $TOKEN >&2",
    ]);
    assert_success(&ran, &["run"]);
    assert_eq!(
        String::from_utf8_lossy(&ran.stdout),
        "***\n",
        "the run did its job"
    );
    assert_clean(&ran, "run");
    assert_clean(
        &env.run(&[v, "run", "bot", "--", "no-such-command"]),
        "run of a missing command",
    );
    assert_clean(&env.run(&[v, "audit"]), "audit");
    assert_clean(&env.run(&[v, "--json", "audit"]), "audit --json");
    assert_clean(&env.run(&[v, "detach", "bot", "TOKEN"]), "detach");
    assert_clean(
        &env.run(&[v, "secret", "rm", "OPENAI_API_KEY", "--yes"]),
        "rm of an attached secret",
    );
    assert_clean(
        &env.run(&[v, "agent", "create", "other", "--command", "true"]),
        "agent create",
    );
    assert_clean(&env.run(&[v, "agent", "rm", "other"]), "agent rm");

    // Secrets typed or pasted in the wrong place are refused without being repeated.
    assert_clean(
        &env.run(&[v, "secret", "add", "X", CANARY]),
        "value after the name",
    );
    assert_clean(
        &env.run(&[v, "secret", "set", "X", "--value", CANARY]),
        "--value",
    );
    assert_clean(&env.run(&[v, "secret", "add", CANARY]), "value as the name");
    assert_clean(
        &env.run(&[v, "get", CANARY]),
        "get with a value as the name",
    );
    assert_clean(
        &env.run(&[v, "recipient", "rm", CANARY]),
        "recipient rm of a value",
    );
    assert_clean(
        &env.run(&[v, "recipient", "add", &format!("age1{CANARY}")]),
        "bad age key",
    );
    assert_clean(
        &env.run(&[v, "recipient", "add", CANARY]),
        "not a recipient",
    );

    // Provider keys: added, refused, listed, checked (against a port nobody listens on).
    let closed = format!("http://127.0.0.1:{}/v1", common::mock::closed_port());
    assert_clean(
        &env.run_with_stdin(
            &[
                v,
                "provider",
                "add",
                "openai",
                "--name",
                "CANARY_KEY",
                "--base-url",
                &closed,
            ],
            canary_line.as_bytes(),
        ),
        "provider add",
    );
    assert_clean(
        &env.run_with_stdin(&[v, "provider", "add", "anthropic"], canary_line.as_bytes()),
        "provider add with the wrong provider's key",
    );
    assert_clean(
        &env.run(&[v, "provider", "add", "openai", CANARY]),
        "provider add with the key as an argument",
    );
    assert_clean(
        &env.run(&[v, "provider", "add", CANARY]),
        "key as the provider",
    );
    assert_clean(&env.run(&[v, "provider", "list"]), "provider list");
    assert_clean(
        &env.run(&[v, "--json", "provider", "list"]),
        "provider list --json",
    );
    assert_clean(
        &env.run(&[v, "provider", "test", "CANARY_KEY", "--timeout", "2"]),
        "provider test",
    );
    assert_clean(
        &env.run(&[v, "provider", "rm", "CANARY_KEY", "--yes"]),
        "provider rm",
    );
    // Import: the plan, a bad line and a clash never show a secret.
    let dotenv = format!("NEW_TOKEN={CANARY}\nBROKEN=\"{CANARY}\n");
    assert_clean(
        &env.run_with_stdin(&[v, "import", "-", "--dry-run"], dotenv.as_bytes()),
        "import of a bad file",
    );
    let dotenv = format!("NEW_TOKEN={CANARY}\nOPENAI_API_KEY={CANARY}x\n");
    assert_clean(
        &env.run_with_stdin(&[v, "import", "-", "--dry-run"], dotenv.as_bytes()),
        "import --dry-run with a clash",
    );

    // `get` prints the value it was asked for on stdout, and nothing else anywhere.
    let out = env.run(&[v, "get", "OPENAI_API_KEY"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), canary_line);
    assert!(!String::from_utf8_lossy(&out.stderr).contains(CANARY));

    // Failures: wrong identity, damaged file.
    let (wrong, _) = new_age_key();
    assert_clean(
        &env.cmd()
            .env("VAULT_IDENTITY", wrong)
            .args([v, "list"])
            .output()
            .unwrap(),
        "wrong identity",
    );
    let bytes = std::fs::read(env.vault_path()).unwrap();
    let mut bad = bytes.clone();
    let at = bad.len() - 10;
    bad[at] ^= 1;
    std::fs::write(env.vault_path(), &bad).unwrap();
    assert_clean(&env.run(&[v, "list"]), "damaged vault");
    std::fs::write(env.vault_path(), &bytes).unwrap();

    // Nothing on disk holds the value in the clear: vault, backup, identity, lock.
    for (path, contents) in env.snapshot() {
        assert!(
            !contents
                .windows(CANARY.len())
                .any(|w| w == CANARY.as_bytes()),
            "{} holds the secret in the clear",
            path.display()
        );
    }
}
