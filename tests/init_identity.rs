//! `vault init` and how the identity is found, kept and exported.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::*;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn init_creates_a_private_vault_and_identity_file() {
    let env = Env::new();
    let out = env.init();
    assert!(
        out.contains("Your recipient (public key, safe to share): age1"),
        "{out}"
    );
    assert!(out.contains("identity file"), "{out}");
    assert!(out.contains("vault identity export"), "{out}");
    assert_eq!(mode(&env.vault_path()), 0o600);
    assert_eq!(mode(&env.identity_path()), 0o600);
    assert_eq!(mode(env.vault_path().parent().unwrap()), 0o700);
    assert_eq!(mode(env.identity_path().parent().unwrap()), 0o700);
    let recipient = env.ok(&["identity", "show"]);
    assert!(out.contains(recipient.trim()));
    assert_eq!(env.ok(&["list", "--json"]).trim(), "[]");
}

#[test]
fn init_refuses_to_overwrite_an_existing_vault() {
    let env = Env::new();
    env.init();
    env.ok_with_stdin(&["secret", "add", "KEEP"], b"value");
    let before = env.snapshot();
    let out = env.run(&["init"]);
    assert_fails_with(&out, "a vault already exists");
    env.assert_unchanged(&before);
}

#[test]
fn a_second_init_for_another_vault_reuses_the_identity() {
    let env = Env::new();
    env.init();
    let identity = std::fs::read(env.identity_path()).unwrap();
    let second = env.path("second.age");
    let out = env.ok(&["--vault", second.to_str().unwrap(), "init"]);
    assert!(out.contains("your existing one"), "{out}");
    assert_eq!(std::fs::read(env.identity_path()).unwrap(), identity);
    env.ok(&["--vault", second.to_str().unwrap(), "list"]);
}

#[test]
fn init_adopts_vault_identity_from_the_environment() {
    let env = Env::new();
    let (secret, recipient) = new_age_key();
    let out = env
        .cmd()
        .env("VAULT_IDENTITY", &secret)
        .arg("init")
        .output()
        .unwrap();
    assert_success(&out, &["init"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains(&recipient));
    assert!(
        !env.identity_path().exists(),
        "no identity file is made for an adopted key"
    );
    let out = env
        .cmd()
        .env("VAULT_IDENTITY", &secret)
        .arg("list")
        .output()
        .unwrap();
    assert_success(&out, &["list"]);
}

#[test]
fn init_adopts_an_identity_file_given_with_the_flag() {
    let env = Env::new();
    let (secret, recipient) = new_age_key();
    let file = env.path("ci.key");
    write_private(&file, format!("{secret}\n").as_bytes());
    let out = env.ok(&["--identity", file.to_str().unwrap(), "init"]);
    assert!(out.contains(&recipient), "{out}");
    env.ok(&["--identity", file.to_str().unwrap(), "list"]);
}

#[test]
fn passphrase_protected_identity_opens_with_vault_passphrase() {
    let env = Env::new();
    env.init_with_passphrase("correct horse battery");
    let text = std::fs::read_to_string(env.identity_path()).unwrap();
    assert!(text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    assert!(!text.contains("AGE-SECRET-KEY"));

    let out = env
        .cmd()
        .env("VAULT_PASSPHRASE", "correct horse battery")
        .args(["var", "set", "A", "1"])
        .output()
        .unwrap();
    assert_success(&out, &["var", "set"]);

    let out = env
        .cmd()
        .env("VAULT_PASSPHRASE", "wrong")
        .args(["list"])
        .output()
        .unwrap();
    assert_fails_with(&out, "wrong passphrase");

    // No passphrase and no terminal: fail at once, naming the variable, never wait.
    let out = env.run(&["list"]);
    assert_fails_with(&out, "VAULT_PASSPHRASE");
}

#[test]
fn init_passphrase_without_a_terminal_names_vault_passphrase() {
    let env = Env::new();
    let before = env.snapshot();
    let out = env.run(&["init", "--passphrase"]);
    assert_fails_with(&out, "VAULT_PASSPHRASE");
    env.assert_unchanged(&before);
}

/// --identity > VAULT_IDENTITY > VAULT_IDENTITY_FILE > identity file: each explicit source,
/// when present, is the only one tried.
#[test]
fn identity_lookup_follows_the_documented_order() {
    let env = Env::new();
    env.init(); // identity file in the config dir
    let (flag_key, flag_r) = new_age_key();
    let (env_key, env_r) = new_age_key();
    let (file_key, file_r) = new_age_key();
    let flag_file = env.path("flag.key");
    let env_file = env.path("env.key");
    write_private(&flag_file, flag_key.as_bytes());
    write_private(&env_file, file_key.as_bytes());

    let show = |cmd: &mut std::process::Command| {
        let out = cmd.args(["identity", "show"]).output().unwrap();
        assert_success(&out, &["identity", "show"]);
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    let own = show(&mut env.cmd());
    assert!(own.starts_with("age1"));
    assert_eq!(
        show(env.cmd().env("VAULT_IDENTITY_FILE", &env_file)),
        file_r
    );
    assert_eq!(
        show(
            env.cmd()
                .env("VAULT_IDENTITY_FILE", &env_file)
                .env("VAULT_IDENTITY", &env_key)
        ),
        env_r
    );
    assert_eq!(
        show(
            env.cmd()
                .env("VAULT_IDENTITY_FILE", &env_file)
                .env("VAULT_IDENTITY", &env_key)
                .arg("--identity")
                .arg(&flag_file)
        ),
        flag_r
    );

    // An explicit identity that does not open the vault is not rescued by the identity file.
    let out = env
        .cmd()
        .env("VAULT_IDENTITY", &env_key)
        .arg("list")
        .output()
        .unwrap();
    assert_fails_with(&out, &format!("this vault is not encrypted to {env_r}"));
    assert!(stderr(&out).contains("identities tried: VAULT_IDENTITY"));
}

#[test]
fn identity_file_readable_by_others_is_refused_with_the_fix() {
    let env = Env::new();
    env.init();
    let before = env.snapshot();
    std::fs::set_permissions(env.identity_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env.run(&["list"]);
    assert_fails_with(&out, "readable by others");
    assert!(stderr(&out).contains(&format!("chmod 600 {}", env.identity_path().display())));
    std::fs::set_permissions(env.identity_path(), std::fs::Permissions::from_mode(0o600)).unwrap();
    env.assert_unchanged(&before);
}

#[test]
fn identity_export_prints_a_key_that_opens_the_vault_elsewhere() {
    let env = Env::new();
    env.init();
    env.ok(&["var", "set", "WHERE", "laptop"]);
    let key = env.ok(&["identity", "export"]);
    assert!(key.starts_with("AGE-SECRET-KEY-1"), "{key}");
    // Like a CI runner: no identity file, only VAULT_IDENTITY.
    let ci = Env::new();
    let out = ci
        .cmd()
        .env("VAULT_IDENTITY", key.trim())
        .env("VAULT_FILE", env.vault_path())
        .args(["get", "WHERE"])
        .output()
        .unwrap();
    assert_success(&out, &["get"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "laptop\n");
}

#[test]
fn bad_vault_identity_is_named_without_echoing_it() {
    let env = Env::new();
    env.init();
    let out = env
        .cmd()
        .env("VAULT_IDENTITY", CANARY)
        .arg("list")
        .output()
        .unwrap();
    assert_fails_with(&out, "VAULT_IDENTITY does not hold an age identity");
    assert!(!stderr(&out).contains(CANARY));
}

#[test]
fn no_identity_anywhere_says_how_to_get_one() {
    let env = Env::new();
    env.init();
    std::fs::remove_file(env.identity_path()).unwrap();
    let out = env.run(&["list"]);
    assert_fails_with(&out, "VAULT_IDENTITY");
    assert!(stderr(&out).contains("identity file"), "{}", stderr(&out));
}

#[test]
fn an_empty_vault_identity_is_an_error_not_a_fallback() {
    let env = Env::new();
    env.init();
    for var in ["VAULT_IDENTITY", "VAULT_IDENTITY_FILE"] {
        let out = env.cmd().env(var, "").arg("list").output().unwrap();
        assert_fails_with(&out, &format!("{var} is set but empty"));
    }
}

/// `vault doctor`'s checks, by name: (status, detail).
fn doctor(env: &Env) -> (Option<i32>, Vec<(String, String, String)>) {
    let out = env.cmd().args(["--json", "doctor"]).output().unwrap();
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("doctor JSON: {}", stderr(&out)));
    let rows = checks
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["check"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
                c["detail"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (out.status.code(), rows)
}

fn status_of<'r>(
    rows: &'r [(String, String, String)],
    name: &str,
) -> Vec<&'r (String, String, String)> {
    rows.iter().filter(|(n, _, _)| n == name).collect()
}

#[test]
fn doctor_says_what_works_and_what_to_do() {
    let env = Env::new();
    // No identity at all: fail, and how to make one.
    let (code, rows) = doctor(&env);
    assert_eq!(code, Some(1));
    let identity = &status_of(&rows, "identity")[0];
    assert_eq!(identity.1, "fail", "{identity:?}");
    assert!(identity.2.contains("vault init"), "{identity:?}");
    // A healthy set-up: nothing fails; the identity opens the vault, files are private.
    env.init();
    env.ok_with_stdin(&["secret", "add", "TOKEN"], CANARY.as_bytes());
    let (code, rows) = doctor(&env);
    assert_eq!(code, Some(0), "{rows:?}");
    assert!(rows.iter().all(|(_, s, _)| s != "fail"), "{rows:?}");
    for name in ["identity", "files", "proxy"] {
        assert!(
            status_of(&rows, name).iter().all(|r| r.1 == "ok"),
            "{name}: {rows:?}"
        );
    }
    assert!(
        status_of(&rows, "identity")[0].2.contains("opens"),
        "{rows:?}"
    );
    let text = env.ok(&["doctor"]);
    assert!(
        !text.contains(CANARY) && !text.contains("AGE-SECRET-KEY"),
        "{text}"
    );
    assert_eq!(
        text.lines().count(),
        rows.len(),
        "one line per check: {text}"
    );
    // A world-readable identity file: fail, with the chmod to run.
    std::fs::set_permissions(env.identity_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, rows) = doctor(&env);
    assert_eq!(code, Some(1));
    let chmod = format!("chmod 600 {}", env.identity_path().display());
    assert!(
        status_of(&rows, "files")
            .iter()
            .any(|r| r.1 == "fail" && r.2.contains(&chmod)),
        "{rows:?}"
    );
}
