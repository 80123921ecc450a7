//! Who can open the vault: age and SSH recipients, re-encryption on every save, and the
//! refusals that keep you from locking yourself (or everyone) out.

mod common;

use std::process::Command;

use common::*;

#[test]
fn an_added_recipient_can_open_the_vault() {
    let env = Env::new();
    env.init();
    env.ok_with_stdin(&["secret", "add", "SHARED"], b"team-value");
    let (ci_key, ci_recipient) = new_age_key();
    env.ok(&["recipient", "add", &ci_recipient, "--label", "ci"]);

    let open_as_ci = |args: &[&str]| {
        env.cmd()
            .env("VAULT_IDENTITY", &ci_key)
            .args(args)
            .output()
            .unwrap()
    };
    let out = open_as_ci(&["get", "SHARED"]);
    assert_success(&out, &["get"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "team-value\n");

    let list: serde_json::Value =
        serde_json::from_str(&env.ok(&["recipient", "list", "--json"])).unwrap();
    let items = list.as_array().unwrap();
    assert_eq!(items.len(), 2);
    let ci = items.iter().find(|r| r["label"] == "ci").unwrap();
    assert_eq!(ci["key"], ci_recipient.as_str());
    assert_eq!(ci["yours"], false);
    assert!(items.iter().any(|r| r["yours"] == true));

    // Removing it re-encrypts: the CI key no longer opens the vault.
    env.ok(&["recipient", "rm", "ci"]);
    assert_fails_with(&open_as_ci(&["get", "SHARED"]), "not encrypted to");
}

#[test]
fn duplicate_and_malformed_recipients_are_refused() {
    let env = Env::new();
    env.init();
    let own = env.ok(&["identity", "show"]);
    let before = env.snapshot();
    assert_fails_with(
        &env.run(&["recipient", "add", own.trim()]),
        "already a recipient",
    );
    assert_fails_with(
        &env.run(&["recipient", "add", "age1typo"]),
        "not a valid one",
    );
    assert_fails_with(&env.run(&["recipient", "add", "hello"]), "not a recipient");

    let (secret, _) = new_age_key();
    // Pasted bare, as a whole identity file, or as an assignment: refused, never echoed.
    let identity_file = std::fs::read_to_string(env.identity_path()).unwrap();
    let own_secret = identity_file
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .unwrap()
        .to_owned();
    for pasted in [
        secret.clone(),
        identity_file.clone(),
        format!("VAULT_IDENTITY={secret}"),
    ] {
        let out = env.run(&["recipient", "add", &pasted]);
        assert_fails_with(&out, "secret key, not a public one");
        assert!(!stderr(&out).contains(&secret) && !stderr(&out).contains(&own_secret));
    }
    env.assert_unchanged(&before);
}

#[test]
fn labels_name_one_recipient_each() {
    let env = Env::new();
    env.init();
    let (_, first) = new_age_key();
    let (_, second) = new_age_key();
    env.ok(&["recipient", "add", &first, "--label", "ci"]);
    let before = env.snapshot();
    let out = env.run(&["recipient", "add", &second, "--label", "ci"]);
    assert_fails_with(&out, "the label `ci` is taken");
    env.assert_unchanged(&before);
    env.ok(&["recipient", "rm", "ci"]);
    assert!(!env.ok(&["recipient", "list"]).contains(&first));
}

#[test]
fn removing_the_last_or_your_own_recipient_is_refused_unless_forced() {
    let env = Env::new();
    env.init();
    let own = env.ok(&["identity", "show"]);
    let own = own.trim();
    let before = env.snapshot();
    assert_fails_with(&env.run(&["recipient", "rm", own]), "last recipient");
    assert_fails_with(
        &env.run(&["recipient", "rm", own, "--force"]),
        "last recipient",
    );
    env.assert_unchanged(&before);

    let (other_key, other) = new_age_key();
    env.ok(&["recipient", "add", &other]);
    let before = env.snapshot();
    let out = env.run(&["recipient", "rm", own]);
    assert_fails_with(&out, "it is yours");
    assert!(stderr(&out).contains("--force"));
    env.assert_unchanged(&before);

    env.ok(&["recipient", "rm", own, "--force"]);
    assert_fails_with(&env.run(&["list"]), "not encrypted to");
    // The backup is still encrypted to you, and the message says so.
    assert!(stderr(&env.run(&["list"])).contains("does open with your identity"));
    let out = env
        .cmd()
        .env("VAULT_IDENTITY", &other_key)
        .arg("list")
        .output()
        .unwrap();
    assert_success(&out, &["list"]);
}

/// Makes ~/.ssh/id_<kind> (with this passphrase, "" for none) and returns its public line.
fn ssh_keygen(env: &Env, kind: &str, passphrase: &str, comment: &str) -> String {
    let ssh_dir = env.home.join(".ssh");
    std::fs::create_dir_all(&ssh_dir).unwrap();
    let key = ssh_dir.join(format!("id_{kind}"));
    let mut cmd = Command::new("ssh-keygen");
    cmd.args(["-q", "-t", kind, "-N", passphrase, "-C", comment, "-f"])
        .arg(&key);
    if kind == "rsa" {
        cmd.args(["-b", "2048"]);
    }
    assert!(cmd.status().unwrap().success());
    std::fs::read_to_string(ssh_dir.join(format!("id_{kind}.pub"))).unwrap()
}

/// ssh-ed25519 and ssh-rsa recipients, and the matching key in ~/.ssh opening the vault with
/// no other identity around.
#[test]
fn ssh_recipients_open_with_the_key_in_dot_ssh() {
    if !have("ssh-keygen") {
        return;
    }
    for kind in ["ed25519", "rsa"] {
        let env = Env::new();
        env.init();
        env.ok(&["var", "set", "GREETING", "hello"]);
        let public = ssh_keygen(&env, kind, "", "alice@laptop");
        env.ok(&["recipient", "add", public.trim()]);
        let list = env.ok(&["recipient", "list"]);
        assert!(
            list.contains(&format!("ssh-{kind}")) && list.contains("alice@laptop"),
            "{list}"
        );

        // Take the age identity away: only the SSH key is left.
        std::fs::remove_file(env.identity_path()).unwrap();
        assert_eq!(env.ok(&["get", "GREETING"]), "hello\n", "{kind}");
        let shown = env.run(&["identity", "show"]);
        assert!(stderr(&shown).contains("SSH key"), "{}", stderr(&shown));
    }
}

/// A passphrase-protected SSH key is only unlocked when the vault has a stanza for it, and
/// VAULT_PASSPHRASE unlocks it without a prompt.
#[test]
fn passphrase_protected_ssh_key_opens_with_vault_passphrase() {
    if !have("ssh-keygen") {
        return;
    }
    let env = Env::new();
    env.init();
    env.ok(&["var", "set", "GREETING", "hello"]);
    let public = ssh_keygen(&env, "ed25519", "ssh pass phrase", "bob@laptop");
    env.ok(&["recipient", "add", public.trim()]);
    std::fs::remove_file(env.identity_path()).unwrap();

    let out = env.run(&["get", "GREETING"]);
    assert_fails_with(&out, "VAULT_PASSPHRASE");
    let out = env
        .cmd()
        .env("VAULT_PASSPHRASE", "ssh pass phrase")
        .args(["get", "GREETING"])
        .output()
        .unwrap();
    assert_success(&out, &["get"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello\n");
}
