//! A vault written by an earlier release (tests/fixtures/vault-v1, made by d740efb with
//! make.sh there) opens, lists, runs and re-saves with the same contents; and a hand-edited
//! vault in an illegal state is refused on read with a clear error.

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use common::{Env, stderr, write_private};
use serde_json::Value;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/vault-v1");

/// The fixture, copied into a fresh home (mode 0600, as vault wants its files).
fn fixture() -> (Env, PathBuf, PathBuf) {
    let env = Env::new();
    let vault = env.path("vault.age");
    let identity = env.path("identity.txt");
    for (from, to) in [("vault.age", &vault), ("identity.txt", &identity)] {
        write_private(to, &std::fs::read(Path::new(FIXTURE).join(from)).unwrap());
    }
    (env, vault, identity)
}

fn vault_cmd(env: &Env, vault: &Path, identity: &Path) -> Command {
    let mut cmd = env.cmd();
    cmd.env("VAULT_FILE", vault)
        .env("VAULT_IDENTITY_FILE", identity)
        .env("VAULT_NO_KEYRING", "1");
    cmd
}

fn ok(env: &Env, vault: &Path, identity: &Path, args: &[&str]) -> String {
    let out = vault_cmd(env, vault, identity).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// Everything the vault holds, as the commands show it: entries with their values, each
/// agent's settings and attachments, the recipients.
fn contents(env: &Env, vault: &Path, identity: &Path) -> Value {
    let json =
        |args: &[&str]| -> Value { serde_json::from_str(&ok(env, vault, identity, args)).unwrap() };
    let mut agents = serde_json::Map::new();
    for name in ["boxed", "coder", "plain", "walled"] {
        let mut shown = json(&["--json", "agent", "show", name]);
        // Launches (and so "restart needed") are this machine's, not the vault's.
        shown.as_object_mut().map(|o| o.remove("last_launch"));
        for a in shown["attached"].as_array_mut().into_iter().flatten() {
            a.as_object_mut().map(|o| o.remove("status"));
        }
        agents.insert(name.into(), shown);
    }
    serde_json::json!({
        "list": json(&["--json", "list"]),
        "providers": json(&["--json", "provider", "list"]),
        "values": json(&["--json", "export", "--all", "--reveal"]),
        "agents": agents,
        "recipients": json(&["--json", "recipient", "list"]),
    })
}

#[test]
fn a_vault_from_the_earlier_release_opens_lists_runs_and_resaves_the_same() {
    let (env, vault, identity) = fixture();
    let before = contents(&env, &vault, &identity);
    let values = &before["values"];
    assert_eq!(
        values["OPENAI_API_KEY"],
        "sk-proj-FIXTUREopenaiKey0123456789abcdefgh"
    );
    assert_eq!(values["MULTI_LINE"], "line one\n\"quoted\" \\ back\nüñï ✓");
    assert_eq!(values["EMPTYISH"], " spaces ");
    let coder = &before["agents"]["coder"];
    assert_eq!(coder["keyless"], true, "{coder}");
    assert_eq!(coder["network"], "proxy", "{coder}");
    assert_eq!(coder["budget"]["limit"], "5usd/day", "{coder}");
    assert_eq!(coder["proxy_token"], true, "{coder}");
    assert_eq!(before["agents"]["boxed"]["image"], "python:3.12");
    assert_eq!(before["recipients"].as_array().unwrap().len(), 2);
    // The last check of the Anthropic key, and the custom endpoint's own address.
    let providers = before["providers"].to_string();
    assert!(providers.contains("invalid"), "{providers}");
    assert!(providers.contains("/v1"), "{providers}");

    // Runs: the agent gets exactly its values.
    let out = ok(
        &env,
        &vault,
        &identity,
        &[
            "run",
            "plain",
            "--mask",
            "never",
            "--",
            "sh",
            "-c",
            "printf '%s|%s|%s|%s' \"$DATABASE_URL\" \"$EMPTYISH\" \"$LOG_LEVEL\" \"$MULTI_LINE\"",
        ],
    );
    assert_eq!(
        out,
        "postgres://app:pw-FIXTURE-7Hd93@db:5432/app| spaces |debug|line one\n\"quoted\" \\ \
         back\nüñï ✓"
    );

    // Re-saved (a change and its undoing), it holds the same.
    let file_before = std::fs::read(&vault).unwrap();
    ok(&env, &vault, &identity, &["var", "set", "TEMPORARY", "x"]);
    ok(&env, &vault, &identity, &["var", "rm", "TEMPORARY"]);
    assert_ne!(
        std::fs::read(&vault).unwrap(),
        file_before,
        "it was not saved"
    );
    assert_eq!(contents(&env, &vault, &identity), before);
}

/// Decrypts `vault` with `identity`, lets `edit` change the document, encrypts it again.
fn hand_edit(vault: &Path, identity: &Path, edit: impl Fn(&str) -> String) {
    let key = std::fs::read_to_string(identity).unwrap();
    let key = key
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .unwrap();
    let id = age::x25519::Identity::from_str(key).unwrap();
    let ciphertext = std::fs::read(vault).unwrap();
    let decryptor = age::Decryptor::new(&ciphertext[..]).unwrap();
    let mut text = String::new();
    decryptor
        .decrypt(std::iter::once(&id as &dyn age::Identity))
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit changed nothing");
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&id.to_public() as &dyn age::Recipient))
            .unwrap();
    let mut out = Vec::new();
    let mut writer = encryptor.wrap_output(&mut out).unwrap();
    writer.write_all(edited.as_bytes()).unwrap();
    writer.finish().unwrap();
    write_private(vault, &out);
}

#[test]
fn a_hand_edited_illegal_state_is_refused_on_read() {
    let (env, vault, identity) = fixture();
    // A plain secret with a provider's details: only provider keys carry them.
    hand_edit(&vault, &identity, |text| {
        text.replace(
            "[entries.DATABASE_URL]\nkind = \"secret\"\n",
            "[entries.DATABASE_URL]\nkind = \"secret\"\nprovider = \"openai\"\n",
        )
    });
    let before = std::fs::read(&vault).unwrap();
    let out = vault_cmd(&env, &vault, &identity)
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("DATABASE_URL"), "{err}");
    assert!(err.contains("only provider keys"), "{err}");
    assert!(!err.contains("pw-FIXTURE"), "a value in the error: {err}");
    assert_eq!(std::fs::read(&vault).unwrap(), before);
}
