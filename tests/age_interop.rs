//! The vault is a real age file: Debian's `age` opens it (to the document in format 2,
//! MessagePack), and a document `age` encrypted (TOML text, format 1) opens in vault.

mod common;

use std::process::Command;

use common::*;

#[test]
fn the_age_tool_decrypts_the_vault_to_its_document() {
    if !have("age") {
        return;
    }
    let env = Env::new();
    env.init();
    env.ok_with_stdin(&["secret", "add", "API_KEY"], b"sk-from-vault");
    env.ok(&["var", "set", "REGION", "eu"]);
    let out = Command::new("age")
        .args(["-d", "-i"])
        .arg(env.identity_path())
        .arg(env.vault_path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = rmp_serde::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"].as_u64(), Some(2));
    assert_eq!(doc["entries"]["API_KEY"]["kind"].as_str(), Some("secret"));
    assert_eq!(
        doc["entries"]["API_KEY"]["value"].as_str(),
        Some("sk-from-vault")
    );
    assert_eq!(doc["entries"]["REGION"]["value"].as_str(), Some("eu"));
}

#[test]
fn a_document_encrypted_by_the_age_tool_opens_in_vault() {
    if !have("age") {
        return;
    }
    let env = Env::new();
    let (key, recipient) = new_age_key();
    let key_file = env.path("key.txt");
    write_private(&key_file, format!("{key}\n").as_bytes());
    let doc = env.path("doc.toml");
    std::fs::write(
        &doc,
        format!(
            "version = 1\n[[recipients]]\nkey = \"{recipient}\"\nadded = \"2026-01-01T00:00:00Z\"\n\
             [entries.FROM_AGE]\nkind = \"secret\"\nvalue = \"made by age\"\n\
             created = \"2026-01-01T00:00:00Z\"\nupdated = \"2026-01-01T00:00:00Z\"\n"
        ),
    )
    .unwrap();
    for armor in [false, true] {
        let vault_file = env.path(if armor { "armored.age" } else { "binary.age" });
        let mut age = Command::new("age");
        age.args(["-e", "-r", &recipient, "-o"]).arg(&vault_file);
        if armor {
            age.arg("-a");
        }
        assert!(age.arg(&doc).status().unwrap().success());
        let vault_arg = vault_file.to_str().unwrap();
        let id_arg = key_file.to_str().unwrap();
        assert_eq!(
            env.ok(&[
                "--vault",
                vault_arg,
                "--identity",
                id_arg,
                "get",
                "FROM_AGE"
            ]),
            "made by age\n"
        );
        // And vault can keep writing it.
        env.ok(&[
            "--vault",
            vault_arg,
            "--identity",
            id_arg,
            "var",
            "set",
            "MORE",
            "yes",
        ]);
        assert_eq!(
            env.ok(&["--vault", vault_arg, "--identity", id_arg, "get", "MORE"]),
            "yes\n"
        );
    }
}

#[test]
fn the_age_tool_opens_a_passphrase_protected_identity_file() {
    if !have("age") {
        return;
    }
    // age reads the passphrase from the terminal only; checking the format is what matters:
    // the identity file is an armored age file with a single scrypt stanza.
    let env = Env::new();
    env.init_with_passphrase("pw");
    let text = std::fs::read_to_string(env.identity_path()).unwrap();
    assert!(text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    let ct = vault::vault::crypto::decrypt(
        text.as_bytes(),
        &[&age::scrypt::Identity::new("pw".to_owned().into())],
    )
    .unwrap();
    assert!(
        String::from_utf8(ct.to_vec())
            .unwrap()
            .contains("AGE-SECRET-KEY-1")
    );
}
