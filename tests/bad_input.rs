//! Every bad input: a clear message, a non-zero exit, and the vault exactly as it was.

mod common;

use common::*;

/// A vault with two saves behind it, so a backup exists.
fn vault_with_backup() -> Env {
    let env = Env::new();
    env.init();
    env.ok_with_stdin(&["secret", "add", "KEEP"], CANARY.as_bytes());
    env.ok(&["var", "set", "MODE", "prod"]);
    assert!(env.backup_path().exists());
    env
}

#[test]
fn bad_names_change_nothing() {
    let env = vault_with_backup();
    let before = env.snapshot();
    // Names are parsed with the command line: a bad one is a usage error (exit 2) that says
    // what names look like, and never repeats the name (it may be a key pasted there).
    let refused = |out: &std::process::Output, name: &str| {
        let err = stderr(out);
        assert_eq!(out.status.code(), Some(2), "{name:?}: {err}");
        assert!(err.contains("not a valid name"), "{name:?}: {err}");
        assert!(name.is_empty() || !err.contains(name), "{err}");
    };
    for name in [
        "1ABC",
        "WITH-DASH",
        "has space",
        "",
        "É",
        "sk-proj-PASTEDkey0123456789",
    ] {
        refused(
            &env.run_with_stdin(&["secret", "add", name], b"value"),
            name,
        );
        refused(&env.run(&["var", "set", name, "v"]), name);
        refused(&env.run(&["get", name]), name);
        refused(&env.run(&["attach", "agent-x", "OK", name]), name);
        refused(
            &env.run(&["provider", "add", "openai", "--name", name]),
            name,
        );
    }
    env.assert_unchanged(&before);
}

#[test]
fn a_value_with_a_nul_byte_changes_nothing() {
    let env = vault_with_backup();
    let before = env.snapshot();
    let out = env.run_with_stdin(&["secret", "add", "NUL"], b"abc\0def");
    assert_fails_with(&out, "NUL byte");
    let file = env.path("nul.bin");
    std::fs::write(&file, b"abc\0def").unwrap();
    let out = env.run(&[
        "secret",
        "add",
        "NUL",
        "--from-file",
        file.to_str().unwrap(),
    ]);
    assert_fails_with(&out, "NUL byte");
    let out = env.run_with_stdin(&["secret", "add", "BIN"], &[0xff, 0xfe, 0x41]);
    assert_fails_with(&out, "not valid UTF-8");
    std::fs::remove_file(&file).unwrap();
    env.assert_unchanged(&before);
}

#[test]
fn empty_stdin_is_refused_at_once() {
    let env = vault_with_backup();
    let before = env.snapshot();
    let out = env.run(&["secret", "add", "EMPTY"]);
    assert_fails_with(&out, "no value on standard input");
    assert!(stderr(&out).contains("--from-file"));
    env.assert_unchanged(&before);
}

#[test]
fn a_missing_vault_says_how_to_make_one() {
    let env = Env::new();
    let out = env.run(&["list"]);
    assert_fails_with(&out, "no vault at");
    assert!(stderr(&out).contains("vault init"));
    let out = env.run_with_stdin(&["secret", "add", "A"], b"x");
    assert_fails_with(&out, "no vault at");
    assert!(!env.vault_path().exists());
}

#[test]
fn a_deleted_vault_points_to_its_backup() {
    let env = vault_with_backup();
    std::fs::remove_file(env.vault_path()).unwrap();
    let out = env.run(&["list"]);
    assert_fails_with(&out, "no vault at");
    assert!(stderr(&out).contains(&format!("cp {}", env.backup_path().display())));
}

#[test]
fn a_wrong_identity_names_it_and_changes_nothing() {
    let env = vault_with_backup();
    let before = env.snapshot();
    let (key, recipient) = new_age_key();
    for args in [
        &["list"][..],
        &["var", "set", "X", "1"][..],
        &["recipient", "list"][..],
    ] {
        let out = env
            .cmd()
            .env("VAULT_IDENTITY", &key)
            .args(args)
            .output()
            .unwrap();
        assert_fails_with(&out, &format!("this vault is not encrypted to {recipient}"));
        assert!(stderr(&out).contains("identities tried: VAULT_IDENTITY"));
        assert!(!stderr(&out).contains(&key));
    }
    env.assert_unchanged(&before);
}

#[test]
fn a_truncated_vault_is_reported_with_its_backup_and_left_alone() {
    let env = vault_with_backup();
    let bytes = std::fs::read(env.vault_path()).unwrap();
    for len in [0, 20, 100, bytes.len() - 1] {
        std::fs::write(env.vault_path(), &bytes[..len]).unwrap();
        let before = env.snapshot();
        for args in [&["list"][..], &["var", "set", "X", "1"][..]] {
            let out = env.run(args);
            assert_fails_with(&out, "is damaged");
            assert!(
                stderr(&out).contains(&format!("cp {}", env.backup_path().display())),
                "{}",
                stderr(&out)
            );
        }
        env.assert_unchanged(&before);
    }
}

#[test]
fn a_corrupted_vault_is_reported_and_left_alone() {
    let env = vault_with_backup();
    let bytes = std::fs::read(env.vault_path()).unwrap();
    // Flip one bit in the header, the header MAC, and the payload.
    for at in [30, bytes.len() / 2, bytes.len() - 5] {
        let mut bad = bytes.clone();
        bad[at] ^= 0x01;
        std::fs::write(env.vault_path(), &bad).unwrap();
        let before = env.snapshot();
        let out = env.run_with_stdin(&["secret", "add", "NEW"], b"v");
        assert_ne!(out.status.code(), Some(0), "flip at {at}");
        assert!(stderr(&out).contains("damaged") || stderr(&out).contains("not encrypted"));
        assert!(!stderr(&out).contains(CANARY));
        env.assert_unchanged(&before);
    }
    // Restoring the backup as the message says works.
    std::fs::copy(env.backup_path(), env.vault_path()).unwrap();
    assert_eq!(env.ok(&["get", "KEEP"]), format!("{CANARY}\n"));
}

#[test]
fn a_plaintext_file_in_place_of_the_vault_is_not_read_as_one() {
    let env = vault_with_backup();
    std::fs::write(env.vault_path(), "version = 1\n").unwrap();
    let out = env.run(&["list"]);
    assert_fails_with(&out, "not an age-encrypted file");
}

#[test]
fn a_decryptable_but_malformed_document_never_echoes_its_content() {
    let env = vault_with_backup();
    let recipient = env.ok(&["identity", "show"]);
    // A document whose bad line holds a secret: the error may name the line, not the value.
    let doc = format!(
        "version = 1\n[[recipients]]\nkey = \"{}\"\nadded = \"2026-01-01T00:00:00Z\"\n\
         [entries.X]\nkind = 42\nvalue = \"{CANARY}\"\n",
        recipient.trim()
    );
    let ct = vault::vault::crypto::encrypt(doc.as_bytes(), [recipient.trim()]).unwrap();
    std::fs::write(env.vault_path(), ct).unwrap();
    let out = env.run(&["list"]);
    assert_fails_with(&out, "not in the vault format");
    assert!(!stderr(&out).contains(CANARY));
}

#[test]
fn fields_this_version_does_not_know_are_refused_not_dropped() {
    let env = vault_with_backup();
    let recipient = env.ok(&["identity", "show"]);
    let doc = format!(
        "version = 1\n[[recipients]]\nkey = \"{}\"\nadded = 2026-01-01T00:00:00Z\n\
         [entries.A]\nkind = \"secret\"\nvalue = \"v\"\ncreated = 2026-01-01T00:00:00Z\n\
         updated = 2026-01-01T00:00:00Z\n[hooks.agent-x]\nrun = \"python:3.12\"\n",
        recipient.trim()
    );
    let ct = vault::vault::crypto::encrypt(doc.as_bytes(), [recipient.trim()]).unwrap();
    std::fs::write(env.vault_path(), ct).unwrap();
    let before = env.snapshot();
    let out = env.run(&["var", "set", "LOG_LEVEL", "debug"]);
    assert_fails_with(
        &out,
        "line 10 of the document holds a field this version of vault does not know",
    );
    assert_fails_with(&env.run(&["list"]), "does not know");
    env.assert_unchanged(&before);
}

#[test]
fn a_vault_from_a_newer_version_is_not_rewritten() {
    let env = vault_with_backup();
    let recipient = env.ok(&["identity", "show"]);
    let doc = format!(
        "version = 99\n[[recipients]]\nkey = \"{}\"\nadded = \"2026-01-01T00:00:00Z\"\n",
        recipient.trim()
    );
    let ct = vault::vault::crypto::encrypt(doc.as_bytes(), [recipient.trim()]).unwrap();
    std::fs::write(env.vault_path(), ct).unwrap();
    let before = env.snapshot();
    assert_fails_with(&env.run(&["var", "set", "A", "1"]), "newer vault");
    env.assert_unchanged(&before);
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    for args in [
        &["nope"][..],
        &["secret"][..],
        &["var", "set", "ONLY_NAME"][..],
    ] {
        assert_eq!(env.run(args).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn a_mistyped_option_is_a_usage_error_naming_the_closest_one() {
    let env = common::agent_with_values("bot");
    let marker = env.path("ran");
    let touch = format!("touch {}", marker.display());
    for (typo, meant) in [("--keyles", "--keyless"), ("--sandbx", "--sandbox")] {
        let before = env.snapshot();
        let out = env.run(&["run", "bot", typo, "sh", "-c", &touch]);
        assert_eq!(out.status.code(), Some(2), "{typo}");
        let said = stderr(&out);
        assert!(
            said.contains(&format!("unexpected option '{typo}'")),
            "{said}"
        );
        assert!(
            said.contains(&format!("a similar option exists: '{meant}'")),
            "{said}"
        );
        assert!(said.contains("goes after '--'"), "{said}");
        assert!(!marker.exists(), "{typo} ran the command");
        env.assert_unchanged(&before);
    }
    // The same for a stored command.
    let out = env.run(&["agent", "set", "bot", "--command", "--imagee", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unexpected option '--imagee'"));
    // After `--`, a word starting with '-' is the command's, as before.
    let out = env.run(&["run", "bot", "--", "--no-such-program"]);
    assert_eq!(out.status.code(), Some(127), "{}", stderr(&out));
}

/// A reader that stops early (`vault list | head -1`) ends vault quietly with 0, as ripgrep
/// and coreutils do: no "Broken pipe" error, no failure for the pipeline.
#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::{BufRead, BufReader};
    let env = Env::new();
    env.init();
    // More than a pipe holds, so that vault is still writing when the reader goes.
    let dotenv: String = (0..4000)
        .map(|i| format!("SETTING_{i}=value-{i}\n"))
        .collect();
    let file = env.path("big.env");
    std::fs::write(&file, dotenv).unwrap();
    env.ok(&["import", file.to_str().unwrap()]);
    for args in [&["list"][..], &["--json", "list"], &["export", "--all"]] {
        let mut child = env
            .cmd()
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty(), "{args:?}");
        // The reader is gone (dropped above).
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
}
