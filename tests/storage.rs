//! Writes are serialized and atomic: concurrent writers lose nothing, and a writer killed at
//! any instant leaves the old vault or the new one, never neither.

mod common;

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::*;

#[test]
fn twenty_concurrent_writers_all_land() {
    let env = Env::new();
    env.init();
    let children: Vec<(usize, Child)> = (0..20)
        .map(|i| {
            let mut cmd = env.cmd();
            if i % 2 == 0 {
                cmd.args(["var", "set", &format!("VAR_{i}"), &format!("value-{i}")]);
            } else {
                cmd.args(["secret", "add", &format!("SECRET_{i}")])
                    .env("THE_VALUE", format!("value-{i}"))
                    .args(["--from-env", "THE_VALUE"]);
            }
            let child = cmd
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            (i, child)
        })
        .collect();
    for (i, child) in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "writer {i}: {}", stderr(&out));
    }
    let json: serde_json::Value = serde_json::from_str(&env.ok(&["list", "--json"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 20, "{json}");
    for i in 0..20 {
        let name = if i % 2 == 0 {
            format!("VAR_{i}")
        } else {
            format!("SECRET_{i}")
        };
        assert_eq!(env.ok(&["get", &name]), format!("value-{i}\n"));
    }
}

/// A small deterministic generator: the kill moments vary, the test stays reproducible.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

#[test]
fn a_writer_killed_at_any_moment_leaves_the_old_or_the_new_vault() {
    let env = Env::new();
    env.init();
    env.ok_with_stdin(&["secret", "add", "BASE"], b"base-value");

    // How long one add takes here, so the kills spread over its whole life.
    let started = Instant::now();
    env.ok_with_stdin(&["secret", "add", "TIMING"], b"t");
    let span = started.elapsed().as_micros() as u64 * 12 / 10;

    let mut rng = Lcg(0x5eed_u64 ^ span);
    let mut present = vec!["BASE".to_owned(), "TIMING".to_owned()];
    let (mut landed, mut lost) = (0, 0);
    for round in 0..60 {
        let name = format!("ROUND_{round}");
        let mut child = env
            .cmd()
            .args(["secret", "add", &name])
            .env("THE_VALUE", format!("value-{round}"))
            .args(["--from-env", "THE_VALUE"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(rng.below(span)));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();

        let out = env.run(&["list", "--json"]);
        assert_success(&out, &["list", "--json"]);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let names: Vec<&str> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap())
            .collect();
        for old in &present {
            assert!(
                names.contains(&old.as_str()),
                "round {round}: {old} vanished"
            );
        }
        if names.contains(&name.as_str()) {
            assert_eq!(env.ok(&["get", &name]), format!("value-{round}\n"));
            present.push(name);
            landed += 1;
        } else {
            lost += 1;
        }
        assert_eq!(
            names.len(),
            present.len(),
            "round {round}: unexpected entries"
        );
    }
    eprintln!("killed writers: {landed} had landed, {lost} had not");

    // The next writer clears temp files a killed writer left behind.
    env.ok_with_stdin(&["secret", "add", "AFTER"], b"x");
    let leftovers: Vec<_> = std::fs::read_dir(env.vault_path().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn readers_never_see_a_half_written_vault() {
    let env = Env::new();
    env.init();
    let mut writer = env
        .shell(r#"i=0; while [ $i -lt 40 ]; do "$VAULT" var set "V$i" "$i" || exit 1; i=$((i+1)); done"#)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reads = 0;
    while writer.try_wait().unwrap().is_none() {
        let out = env.run(&["list", "--json"]);
        assert_success(&out, &["list", "--json"]);
        reads += 1;
    }
    assert!(writer.wait().unwrap().success());
    assert!(reads > 0);
    assert_eq!(env.ok(&["get", "V39"]), "39\n");
}

#[test]
fn a_symlinked_vault_is_updated_where_it_really_is() {
    let env = Env::new();
    env.init();
    let link = env.path("link.age");
    std::os::unix::fs::symlink(env.vault_path(), &link).unwrap();
    env.ok(&[
        "--vault",
        link.to_str().unwrap(),
        "var",
        "set",
        "VIA",
        "link",
    ]);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(env.ok(&["get", "VIA"]), "link\n");
    assert!(
        env.backup_path().exists(),
        "the backup sits beside the real file"
    );
    assert!(!env.path("link.age.bak").exists());
}

#[test]
fn a_wrong_identity_fails_at_once_even_while_another_writer_holds_the_lock() {
    let env = Env::new();
    env.init();
    let lock_path = env.home.join(".local/share/vault/vault.age.lock");
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(&lock_path)
        .unwrap();
    lock.lock().unwrap();
    let (wrong, _) = new_age_key();
    let started = Instant::now();
    let out = env
        .cmd()
        .env("VAULT_IDENTITY", wrong)
        .args(["var", "set", "A", "1"])
        .output()
        .unwrap();
    assert_fails_with(&out, "not encrypted to");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "it waited for the lock"
    );
    lock.unlock().unwrap();
}
