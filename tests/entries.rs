//! Secrets and variables: adding them from every allowed source, reading, listing, removing.

mod common;

use common::*;

#[test]
fn secret_add_reads_stdin_when_it_is_not_a_terminal() {
    let env = Env::new();
    env.init();
    env.ok_with_stdin(
        &["secret", "add", "BOT_TOKEN"],
        format!("{CANARY}\n").as_bytes(),
    );
    assert_eq!(env.ok(&["get", "BOT_TOKEN"]), format!("{CANARY}\n"));
    assert_eq!(env.ok(&["get", "-n", "BOT_TOKEN"]), CANARY);
}

#[test]
fn secret_add_from_file_and_from_env() {
    let env = Env::new();
    env.init();
    let file = env.path("token.txt");
    std::fs::write(&file, "from-a-file\n").unwrap();
    env.ok(&["secret", "add", "A", "--from-file", file.to_str().unwrap()]);
    let out = env
        .cmd()
        .env("SOURCE_VAR", "from-the-env")
        .args(["secret", "add", "B", "--from-env", "SOURCE_VAR"])
        .output()
        .unwrap();
    assert_success(&out, &["secret", "add", "--from-env"]);
    assert_eq!(env.ok(&["get", "A"]), "from-a-file\n");
    assert_eq!(env.ok(&["get", "B"]), "from-the-env\n");
}

#[test]
fn a_mistyped_option_is_named_as_one() {
    let env = Env::new();
    env.init();
    let out = env.run(&["secret", "add", "X", "--from-fille", "f"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown option --from-fille"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn secret_values_cannot_be_given_in_argv() {
    let env = Env::new();
    env.init();
    for args in [
        &["secret", "add", "X", "--value", "v"][..],
        &["secret", "add", "X", "v"][..],
        &["secret", "set", "X", "v"][..],
    ] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn secret_set_replaces_and_add_refuses_an_existing_name() {
    let env = Env::new();
    env.init();
    env.ok_with_stdin(&["secret", "add", "K"], b"one");
    let out = env.run_with_stdin(&["secret", "add", "K"], b"two");
    assert_fails_with(&out, "K already exists");
    assert!(stderr(&out).contains("vault secret set K"));
    assert_eq!(env.ok(&["get", "K"]), "one\n");
    env.ok_with_stdin(&["secret", "set", "K"], b"three");
    assert_eq!(env.ok(&["get", "K"]), "three\n");
    // The previous version is kept as the backup.
    assert!(env.backup_path().exists());
}

#[test]
fn secret_set_of_a_missing_name_says_so() {
    let env = Env::new();
    env.init();
    let before = env.snapshot();
    let out = env.run_with_stdin(&["secret", "set", "NOPE"], b"x");
    assert_fails_with(
        &out,
        "no secret by that name; to create one: vault secret add NAME",
    );
    env.assert_unchanged(&before);
    env.ok_with_stdin(&["secret", "add", "OPENAI_API_KEY"], b"x");
    let out = env.run(&["get", "OPENAI_APIKEY"]);
    assert_fails_with(&out, "did you mean OPENAI_API_KEY?");
}

#[test]
fn secret_rm_needs_yes_without_a_terminal_and_never_waits() {
    let env = Env::new();
    env.init();
    env.ok_with_stdin(&["secret", "add", "GONE"], b"x");
    let before = env.snapshot();
    let out = env.run(&["secret", "rm", "GONE"]);
    assert_fails_with(&out, "--yes");
    env.assert_unchanged(&before);
    env.ok(&["secret", "rm", "GONE", "--yes"]);
    assert_fails_with(&env.run(&["get", "GONE"]), "no entry by that name");
}

#[test]
fn variables_are_set_listed_and_removed() {
    let env = Env::new();
    env.init();
    env.ok(&["var", "set", "LOG_LEVEL", "debug"]);
    env.ok(&["var", "set", "LOG_LEVEL", "info"]);
    env.ok(&["var", "set", "EMPTY", ""]);
    assert_eq!(env.ok(&["get", "LOG_LEVEL"]), "info\n");
    assert_eq!(env.ok(&["get", "EMPTY"]), "\n");
    env.ok(&["var", "rm", "EMPTY"]);
    assert_fails_with(&env.run(&["get", "EMPTY"]), "no entry by that name");
}

#[test]
fn kinds_are_kept_apart() {
    let env = Env::new();
    env.init();
    env.ok_with_stdin(&["secret", "add", "S"], b"x");
    env.ok(&["var", "set", "V", "y"]);
    assert_fails_with(&env.run(&["var", "set", "S", "z"]), "S is a secret");
    assert_fails_with(&env.run(&["var", "rm", "S"]), "vault secret");
    assert_fails_with(&env.run(&["secret", "rm", "V", "--yes"]), "V is a variable");
    assert_eq!(env.ok(&["get", "S"]), "x\n");
}

#[test]
fn list_shows_variables_but_never_secret_values() {
    let env = Env::new();
    env.init();
    env.ok_with_stdin(&["secret", "add", "OPENAI_API_KEY"], CANARY.as_bytes());
    env.ok(&["var", "set", "LOG_LEVEL", "debug"]);
    let table = env.ok(&["list"]);
    assert!(
        table.contains("OPENAI_API_KEY") && table.contains("••••"),
        "{table}"
    );
    assert!(
        table.contains("LOG_LEVEL") && table.contains("debug"),
        "{table}"
    );
    assert!(!table.contains(CANARY));

    let json: serde_json::Value = serde_json::from_str(&env.ok(&["list", "--json"])).unwrap();
    let items = json.as_array().unwrap();
    assert_eq!(items.len(), 2);
    let secret = items
        .iter()
        .find(|i| i["name"] == "OPENAI_API_KEY")
        .unwrap();
    assert_eq!(secret["kind"], "secret");
    assert!(secret["value"].is_null());
    let var = items.iter().find(|i| i["name"] == "LOG_LEVEL").unwrap();
    assert_eq!(var["value"], "debug");
    assert!(!json.to_string().contains(CANARY));
}

#[test]
fn values_with_any_text_survive_a_round_trip() {
    let env = Env::new();
    env.init();
    let tricky = "quotes \" ' `back` $HOME #hash\nsecond line\ttab é 🔑 \\ end";
    env.ok_with_stdin(&["secret", "add", "TRICKY"], tricky.as_bytes());
    assert_eq!(env.ok(&["get", "-n", "TRICKY"]), tricky);
}

#[test]
fn completions_print_for_every_shell() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = env.ok(&["completions", shell]);
        assert!(out.contains("vault"), "{shell}");
    }
}
