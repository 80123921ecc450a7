//! `vault provider`: the catalog's format checks, live checks against a mock provider on
//! loopback (active, invalid, connection refused, timeout), the right request for each
//! provider, and a key that never shows up in what is printed, even when echoed back.

mod common;

use std::process::Output;
use std::time::{Duration, Instant};

use common::mock::{MockProvider, closed_port};
use common::*;

const GOOD: &str = "sk-proj-good-7Qz9XvLm2Rt8WpYbA1b2";
const BAD: &str = "sk-proj-bad-canary-Hh4Jk9Lm2Np7Qr";

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn add(env: &Env, args: &[&str], key: &str) -> Output {
    let mut argv = vec!["provider", "add"];
    argv.extend_from_slice(args);
    env.run_with_stdin(&argv, key.as_bytes())
}

fn no_key_in(out: &Output, key: &str) {
    for text in [stdout(out), stderr(out)] {
        assert!(!text.contains(key), "the key was printed:\n{text}");
        assert!(
            !text.contains(&key[8..]),
            "part of the key was printed:\n{text}"
        );
    }
}

fn statuses(env: &Env) -> serde_json::Value {
    serde_json::from_str(&env.ok(&["provider", "list", "--json"])).unwrap()
}

#[test]
fn live_checks_give_active_invalid_refused_and_timeout_each_within_the_timeout() {
    let env = Env::new();
    env.init();
    let mock = MockProvider::start(GOOD);
    let silent = MockProvider::silent();
    let base = mock.url("/v1");
    let closed = format!("http://127.0.0.1:{}/v1", closed_port());
    let quiet = silent.url("/v1");
    for (name, key, url) in [
        ("GOOD_KEY", GOOD, base.as_str()),
        ("BAD_KEY", BAD, base.as_str()),
        ("CLOSED_KEY", GOOD, closed.as_str()),
        ("SILENT_KEY", GOOD, quiet.as_str()),
    ] {
        let out = add(&env, &["openai", "--name", name, "--base-url", url], key);
        assert_success(&out, &["provider", "add", name]);
        no_key_in(&out, key);
    }
    let started = Instant::now();
    let out = env.run(&["provider", "test", "--all", "--timeout", "2"]);
    let took = started.elapsed();
    // All four run at once, so the slowest (the timeout) bounds the whole command.
    assert!(took < Duration::from_secs(8), "took {took:?}");
    assert_eq!(
        out.status.code(),
        Some(1),
        "not all active: {}",
        stderr(&out)
    );
    no_key_in(&out, BAD);
    no_key_in(&out, GOOD);
    let listed = statuses(&env);
    let status = |name: &str| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["name"] == name)
            .unwrap()["status"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(status("GOOD_KEY"), "active");
    assert_eq!(status("BAD_KEY"), "invalid");
    assert_eq!(status("CLOSED_KEY"), "error: connection refused");
    assert_eq!(status("SILENT_KEY"), "error: timeout");
    let listing = env.ok(&["provider", "list"]);
    assert!(listing.contains("sk-…A1b2"), "{listing}");
    assert!(!listing.contains(GOOD) && !listing.contains(BAD));

    // One key at a time, and verbose: still nothing of the key, though the mock echoes it.
    let out = env.run(&["-vvv", "provider", "test", "BAD_KEY"]);
    assert_eq!(out.status.code(), Some(1));
    no_key_in(&out, BAD);
    let out = env.run(&["provider", "test", "GOOD_KEY"]);
    assert_success(&out, &["provider", "test", "GOOD_KEY"]);
}

#[test]
fn each_provider_is_asked_the_right_path_with_the_right_header() {
    let env = Env::new();
    env.init();
    let expected: &[(&str, &str, &str, &str, &str)] = &[
        // provider, key, expected path (after /ID), header, header value
        (
            "openai",
            "sk-proj-ok-A1b2C3d4E5f6G7h8",
            "/models",
            "authorization",
            "Bearer ",
        ),
        (
            "anthropic",
            "sk-ant-api03-ok-A1b2C3d4E5f6",
            "/v1/models",
            "x-api-key",
            "",
        ),
        (
            "openrouter",
            "sk-or-v1-ok-A1b2C3d4E5f6G7h8",
            "/key",
            "authorization",
            "Bearer ",
        ),
        (
            "gemini",
            "AIzaSyA1b2C3d4E5f6G7h8J9k0L1m2N3p4Q",
            "/models",
            "x-goog-api-key",
            "",
        ),
        (
            "deepseek",
            "sk-ok-A1b2C3d4E5f6G7h8J9k0",
            "/models",
            "authorization",
            "Bearer ",
        ),
        (
            "xai",
            "xai-ok-A1b2C3d4E5f6G7h8J9k0",
            "/models",
            "authorization",
            "Bearer ",
        ),
        (
            "groq",
            "gsk_ok-A1b2C3d4E5f6G7h8J9k0",
            "/models",
            "authorization",
            "Bearer ",
        ),
        (
            "mistral",
            "A1b2C3d4E5f6G7h8J9k0L1m2N3p4",
            "/models",
            "authorization",
            "Bearer ",
        ),
        (
            "venice",
            "V1b2C3d4E5f6G7h8J9k0L1m2N3p4",
            "/models",
            "authorization",
            "Bearer ",
        ),
        (
            "custom",
            "local-A1b2C3d4E5f6",
            "/models",
            "authorization",
            "Bearer ",
        ),
    ];
    for (id, key, path, header, scheme) in expected {
        let mock = MockProvider::start(key);
        let name = format!("{}_TEST_KEY", id.to_uppercase());
        let base = mock.url(&format!("/{id}"));
        let out = add(
            &env,
            &[id, "--name", &name, "--base-url", &base, "--verify"],
            key,
        );
        assert_success(&out, &["provider", "add", id, "--verify"]);
        assert!(stderr(&out).contains("active"), "{id}: {}", stderr(&out));
        let requests = mock.requests();
        assert_eq!(requests.len(), 1, "{id}");
        let request = &requests[0];
        assert_eq!(request.method, "GET", "{id}");
        assert_eq!(request.path, format!("/{id}{path}"), "{id}");
        assert_eq!(
            request.header(header),
            Some(format!("{scheme}{key}").as_str()),
            "{id}"
        );
        if *id == "anthropic" {
            assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
        }
        // The key travels in the header only.
        assert!(!request.path.contains(key));
    }
}

#[test]
fn add_checks_the_format_and_verify_keeps_invalid_keys_out() {
    let env = Env::new();
    env.init();
    let before = env.snapshot();
    let out = add(&env, &["anthropic"], GOOD);
    assert_fails_with(
        &out,
        "Anthropic keys start with sk-ant-; this one starts with sk-proj-, which looks like an OpenAI key",
    );
    assert!(stderr(&out).contains("--force"));
    no_key_in(&out, GOOD);
    env.assert_unchanged(&before);

    // --verify with a key the provider refuses: nothing stored, and the echo is not shown.
    let mock = MockProvider::start(GOOD);
    let out = add(
        &env,
        &["openai", "--base-url", &mock.url("/v1"), "--verify"],
        BAD,
    );
    assert_fails_with(&out, "refused the key");
    no_key_in(&out, BAD);
    env.assert_unchanged(&before);

    // --verify with a name that is taken: refused before the key goes anywhere.
    let taken = MockProvider::start(GOOD);
    env.ok_with_stdin(&["secret", "add", "TAKEN"], b"x");
    let before_taken = env.snapshot();
    let out = add(
        &env,
        &[
            "openai",
            "--name",
            "TAKEN",
            "--base-url",
            &taken.url("/v1"),
            "--verify",
        ],
        GOOD,
    );
    assert_fails_with(&out, "already exists");
    assert!(taken.requests().is_empty(), "the key was sent");
    env.assert_unchanged(&before_taken);

    // --force stores a key that does not look right, with a warning.
    let out = add(&env, &["anthropic", "--force"], GOOD);
    assert_success(&out, &["provider", "add", "--force"]);
    assert!(stderr(&out).contains("anyway (--force)"));

    // Bad inputs, each refused with the way forward and nothing changed.
    let before = env.snapshot();
    for (args, needle) in [
        (&["nosuch"][..], "the catalog has openai, anthropic"),
        (&["custom"][..], "custom needs a name and an endpoint"),
        (
            &["openai", "--base-url", "ftp://x"][..],
            "--base-url must be an http",
        ),
        (
            &["openai", "--base-url", "https://u:p@h/v1"][..],
            "must not hold credentials",
        ),
        (&["openai", GOOD][..], "never taken from the command line"),
        (&[][..], "give the provider"),
    ] {
        let out = add(&env, args, GOOD);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
        no_key_in(&out, GOOD);
    }
    env.assert_unchanged(&before);
}

#[test]
fn proxies_from_the_environment_are_used() {
    let env = Env::new();
    env.init();
    let proxy = MockProvider::start(GOOD);
    let out = add(
        &env,
        &["openai", "--base-url", "http://provider.invalid/v1"],
        GOOD,
    );
    assert_success(&out, &["provider", "add"]);
    let out = env
        .cmd()
        .env("HTTP_PROXY", proxy.url(""))
        .args(["provider", "test", "OPENAI_API_KEY"])
        .output()
        .unwrap();
    assert_success(&out, &["provider", "test"]);
    let requests = proxy.requests();
    assert_eq!(requests[0].path, "http://provider.invalid/v1/models");
}

#[test]
fn agents_get_the_key_and_a_changed_endpoint_one_key_per_provider() {
    let env = Env::new();
    env.init();
    let out = add(
        &env,
        &["anthropic", "--base-url", "http://127.0.0.1:8787/anthropic"],
        "sk-ant-api03-A1b2C3d4E5f6G7h8",
    );
    assert_success(&out, &["provider", "add"]);
    let out = add(&env, &["openai"], GOOD);
    assert_success(&out, &["provider", "add"]);
    let out = add(&env, &["openai", "--name", "OPENAI_OTHER_KEY"], GOOD);
    assert_success(&out, &["provider", "add"]);
    env.ok(&["attach", "bot", "ANTHROPIC_API_KEY", "OPENAI_API_KEY"]);
    let seen = env.ok(&[
        "run", "bot", "--mask", "never", "--", "sh", "-c",
        "printf '%s|%s|%s' \"$ANTHROPIC_BASE_URL\" \"${OPENAI_BASE_URL-unset}\" \"$OPENAI_API_KEY\"",
    ]);
    assert_eq!(
        seen,
        format!("http://127.0.0.1:8787/anthropic|unset|{GOOD}")
    );
    let shown = env.ok(&["agent", "show", "bot"]);
    assert!(
        shown.contains("ANTHROPIC_API_KEY (+ ANTHROPIC_BASE_URL=http://127.0.0.1:8787/anthropic)"),
        "{shown}"
    );

    let before = env.snapshot();
    let out = env.run(&["attach", "bot", "OPENAI_OTHER_KEY"]);
    assert_fails_with(&out, "already has a key for OpenAI (OPENAI_API_KEY)");
    assert!(stderr(&out).contains("OPENAI_OTHER_KEY"));
    env.assert_unchanged(&before);

    // Removal is protected like a secret's.
    let out = env.run(&["provider", "rm", "OPENAI_API_KEY", "--yes"]);
    assert_fails_with(&out, "attached to agent bot");
    env.ok(&["provider", "rm", "OPENAI_OTHER_KEY", "--yes"]);
    let out = env.run(&["secret", "rm", "OPENAI_API_KEY", "--yes"]);
    assert_fails_with(&out, "vault provider");
}

#[test]
fn imported_provider_keys_and_exports_know_their_provider() {
    let env = Env::new();
    env.init();
    env.ok_with_stdin(
        &["import", "-"],
        format!("OPENAI_API_KEY={GOOD}\nANTHROPIC_API_KEY=not-an-anthropic-key\n").as_bytes(),
    );
    let listed = statuses(&env);
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    // Only a value that looks like the provider's key becomes its provider key.
    assert_eq!(names, ["OPENAI_API_KEY"]);
    assert_eq!(listed[0]["provider"], "openai");
    let list = env.ok(&["list"]);
    assert!(list.contains("sk-…A1b2") && !list.contains(GOOD), "{list}");

    // An agent's export holds what `vault run` gives it, endpoint included.
    let out = add(
        &env,
        &["groq", "--base-url", "http://127.0.0.1:9999/openai/v1"],
        "gsk_A1b2C3d4E5f6G7h8J9k0",
    );
    assert_success(&out, &["provider", "add", "groq"]);
    env.ok(&["attach", "bot", "GROQ_API_KEY"]);
    assert_eq!(
        env.ok(&["export", "bot"]),
        "GROQ_API_KEY=gsk_A1b2C3d4E5f6G7h8J9k0\nGROQ_BASE_URL=http://127.0.0.1:9999/openai/v1\n"
    );
}

#[test]
fn redirects_are_not_followed_and_clear_text_endpoints_are_flagged() {
    let env = Env::new();
    env.init();
    // A redirect would carry x-api-key to wherever it points: it is an error instead.
    let elsewhere = MockProvider::start("sk-ant-api03-A1b2C3d4E5f6G7h8");
    let redirect = MockProvider::redirecting(&elsewhere.url("/v1/models"));
    let out = add(
        &env,
        &["anthropic", "--base-url", &redirect.url(""), "--verify"],
        "sk-ant-api03-A1b2C3d4E5f6G7h8",
    );
    assert_success(&out, &["provider", "add", "--verify"]);
    assert!(
        stderr(&out).contains("HTTP 302 redirect"),
        "{}",
        stderr(&out)
    );
    assert_eq!(redirect.requests().len(), 1);
    assert!(elsewhere.requests().is_empty(), "the redirect was followed");

    // Plain http to another machine: said before the key is sent anywhere.
    let out = add(
        &env,
        &["openai", "--base-url", "http://gateway.example.com/v1"],
        GOOD,
    );
    assert_success(&out, &["provider", "add"]);
    assert!(stderr(&out).contains("unencrypted"), "{}", stderr(&out));
    let out = add(
        &env,
        &["groq", "--base-url", "http://127.0.0.1:8000/v1"],
        "gsk_A1b2C3d4E5f6G7h8J9k0",
    );
    assert!(!stderr(&out).contains("unencrypted"), "{}", stderr(&out));
}

#[test]
fn a_key_and_its_endpoint_variable_always_come_as_a_pair() {
    let env = Env::new();
    env.init();
    let sh = |agent: &str| {
        vec![
            "run".to_owned(),
            agent.to_owned(),
            "--mask".into(),
            "never".into(),
            "--".into(),
            "sh".into(),
            "-c".into(),
            "printf '%s|%s' \"${OPENAI_API_KEY-none}\" \"${OPENAI_BASE_URL-none}\"".into(),
        ]
    };
    let run = |cmd: &mut std::process::Command, agent: &str| {
        let out = cmd.args(sh(agent)).output().unwrap();
        assert_success(&out, &["run", agent]);
        stdout(&out)
    };
    assert_success(&add(&env, &["openai"], GOOD), &["provider", "add"]);
    let work = "sk-proj-work-A1b2C3d4E5f6G7h8J9";
    let out = add(
        &env,
        &[
            "openai",
            "--name",
            "OPENAI_WORK_KEY",
            "--base-url",
            "https://gw.example.com/v1",
        ],
        work,
    );
    assert_success(&out, &["provider", "add", "--name"]);
    let out = add(
        &env,
        &[
            "custom",
            "--name",
            "LOCAL_LLM_KEY",
            "--base-url",
            "http://127.0.0.1:11434/v1",
        ],
        "local-key-1",
    );
    assert_success(&out, &["provider", "add", "custom"]);

    // Attached by its entry name, a key goes under the SDK's variable, with its endpoint.
    let out = env.run(&["attach", "work", "OPENAI_WORK_KEY"]);
    assert!(
        stderr(&out).contains("Attached OPENAI_WORK_KEY as OPENAI_API_KEY to work"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        run(&mut env.cmd(), "work"),
        format!("{work}|https://gw.example.com/v1")
    );
    env.ok(&["attach", "local", "LOCAL_LLM_KEY"]);
    // The shell's own OpenAI key never meets the custom endpoint.
    assert_eq!(
        run(env.cmd().env("OPENAI_API_KEY", "sk-proj-shell"), "local"),
        "local-key-1|http://127.0.0.1:11434/v1"
    );
    // At the provider's own endpoint, an inherited base URL does not redirect the key…
    env.ok(&["attach", "plain", "OPENAI_API_KEY"]);
    assert_eq!(
        run(
            env.cmd().env("OPENAI_BASE_URL", "http://evil.example/v1"),
            "plain"
        ),
        format!("{GOOD}|none")
    );
    // …and with --keep-env, an inherited key keeps its own inherited endpoint.
    let out = env
        .cmd()
        .env("OPENAI_API_KEY", "sk-proj-shell")
        .env("OPENAI_BASE_URL", "http://own.example/v1")
        .args([
            "run",
            "work",
            "--keep-env",
            "--mask",
            "never",
            "--",
            "sh",
            "-c",
            "printf '%s|%s' \"$OPENAI_API_KEY\" \"$OPENAI_BASE_URL\"",
        ])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "sk-proj-shell|http://own.example/v1");

    // Refused, each leaving the vault as it was.
    let before = env.snapshot();
    let out = env.run(&["attach", "work", "LOCAL_LLM_KEY"]);
    assert_fails_with(&out, "OPENAI_API_KEY");
    env.ok(&["var", "set", "SOME_URL", "http://evil.example/v1"]);
    let before_vars = env.snapshot();
    let out = env.run(&["attach", "work", "SOME_URL", "--as", "OPENAI_BASE_URL"]);
    assert_fails_with(&out, "would send OPENAI_WORK_KEY elsewhere");
    env.assert_unchanged(&before_vars);
    env.ok(&["attach", "other", "SOME_URL", "--as", "OPENAI_BASE_URL"]);
    let out = env.run(&["attach", "other", "OPENAI_WORK_KEY"]);
    assert_fails_with(&out, "OPENAI_BASE_URL");
    let _ = before;
}

#[test]
fn endpoints_keys_and_rotation_are_checked() {
    let env = Env::new();
    env.init();
    let before = env.snapshot();
    for (args, needle) in [
        (
            &["openai", "--base-url", "https://gw.example.com/v1?key=x"][..],
            "?query",
        ),
        (
            &["openai", "--base-url", "https://gw.example.com/v1\t"][..],
            "control characters",
        ),
    ] {
        let out = add(&env, args, GOOD);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
    env.assert_unchanged(&before);
    // A provider whose SDK reads no base-URL variable: the endpoint is for checks, and said so.
    let out = add(
        &env,
        &["xai", "--base-url", "https://gw.example.com/v1"],
        "xai-A1b2C3d4E5f6G7h8J9k0",
    );
    assert_success(&out, &["provider", "add", "xai"]);
    assert!(
        stderr(&out).contains("reads no base-URL variable"),
        "{}",
        stderr(&out)
    );
    // Gemini's SDK reads GOOGLE_GEMINI_BASE_URL (and adds its API version itself): no
    // warning, and an agent gets the gateway without the version.
    let out = add(
        &env,
        &["gemini", "--base-url", "https://gw.example.com/v1beta"],
        "AIzaSyA1b2C3d4E5f6G7h8J9k0L1m2N3p4Q5r6",
    );
    assert_success(&out, &["provider", "add", "gemini"]);
    assert!(
        !stderr(&out).contains("base-URL variable"),
        "{}",
        stderr(&out)
    );
    env.ok(&["attach", "gem", "GEMINI_API_KEY"]);
    let out = env.ok(&[
        "run",
        "gem",
        "--",
        "sh",
        "-c",
        "echo $GOOGLE_GEMINI_BASE_URL",
    ]);
    assert_eq!(out.trim(), "https://gw.example.com");
    // The provider's own address, however written, is not a changed endpoint.
    let out = add(
        &env,
        &["openai", "--base-url", "HTTPS://API.OPENAI.COM/v1/"],
        GOOD,
    );
    assert_success(&out, &["provider", "add"]);
    let listed = statuses(&env);
    let openai = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["provider"] == "openai")
        .unwrap();
    assert_eq!(openai["base_url"], "https://api.openai.com/v1");

    // A rotated key: format-checked, and its old status goes.
    let mock = MockProvider::start(GOOD);
    let out = add(
        &env,
        &["anthropic", "--base-url", &mock.url(""), "--force"],
        GOOD,
    );
    assert_success(&out, &["provider", "add"]);
    env.run(&["provider", "test", "ANTHROPIC_API_KEY"]);
    let out = env.run_with_stdin(&["provider", "set", "ANTHROPIC_API_KEY"], GOOD.as_bytes());
    assert_fails_with(&out, "Anthropic keys start with sk-ant-");
    let new = "sk-ant-api03-new-A1b2C3d4E5f6G7h8";
    let out = env.run_with_stdin(&["provider", "set", "ANTHROPIC_API_KEY"], new.as_bytes());
    assert_success(&out, &["provider", "set"]);
    let listed = statuses(&env);
    let key = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "ANTHROPIC_API_KEY")
        .unwrap();
    assert_eq!(key["status"], serde_json::Value::Null);
    assert_eq!(key["hint"], "sk-…G7h8");

    // An import cannot swap in another provider's key either.
    let before = env.snapshot();
    let out = env.run_with_stdin(
        &["import", "-", "--on-conflict", "overwrite"],
        format!("OPENAI_API_KEY={new}\n").as_bytes(),
    );
    assert_fails_with(&out, "not their provider's keys: OPENAI_API_KEY (line 1)");
    no_key_in(&out, new);
    env.assert_unchanged(&before);
}
