//! The keyless proxy follows the vault file: a rotated key, a rotated token, a detach, an
//! attach and a removed agent take effect on the next request, for `vault proxy` and for the
//! proxy of a running `vault run --keyless` (driven by the official OpenAI SDK), with no
//! restart. A vault that cannot be read after a change leaves the last good state serving.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::llm::LlmMock;
use common::{Env, Proxy};

const OLD_KEY: &str = "sk-proj-OLDkeyRotatedOut0123456789abcdefgh";
const NEW_KEY: &str = "sk-proj-NEWkeyRotatedIn0123456789abcdefghi";

const CHAT: &str = r#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#;

fn client() -> reqwest::blocking::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::new()
}

/// A chat request through the proxy at `url` with `token`: its status and body.
fn chat(url: &str, token: &str) -> (u16, String) {
    let response = client()
        .post(format!("{url}/openai/v1/chat/completions"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(CHAT)
        .send()
        .expect("request through the proxy");
    (response.status().as_u16(), response.text().unwrap())
}

/// A vault with OLD_KEY for openai at `mock`, attached to `agent`.
fn vault_with_key(mock: &LlmMock, agent: &str) -> Env {
    let env = Env::new();
    env.init();
    common::add_provider_at(&env, "openai", &mock.base_url("/v1"), OLD_KEY);
    env.ok(&["attach", agent, "OPENAI_API_KEY"]);
    env
}

fn last_key_seen(mock: &LlmMock) -> String {
    mock.seen()
        .last()
        .and_then(|s| s.header("authorization").map(str::to_owned))
        .unwrap_or_default()
}

#[test]
fn the_standalone_proxy_follows_the_vault_without_a_restart() {
    let mock = LlmMock::start(OLD_KEY);
    let env = vault_with_key(&mock, "writer");
    let token = env.ok(&["agent", "token", "writer"]).trim().to_owned();
    let mut proxy = Proxy::start(&env);

    let (status, body) = chat(&proxy.url, &token);
    assert_eq!(status, 200, "{body}");
    assert_eq!(last_key_seen(&mock), format!("Bearer {OLD_KEY}"));

    // A rotated key: the very next request carries it.
    mock.also_accept(NEW_KEY);
    env.ok_with_stdin(&["provider", "set", "OPENAI_API_KEY"], NEW_KEY.as_bytes());
    let (status, body) = chat(&proxy.url, &token);
    assert_eq!(status, 200, "{body}");
    assert_eq!(last_key_seen(&mock), format!("Bearer {NEW_KEY}"));
    // The mock still echoes the old key: it is scrubbed like the new one.
    assert!(!body.contains(OLD_KEY) && !body.contains(NEW_KEY), "{body}");

    // A rotated token: the old one stops at once, the new one works.
    let rotated = env
        .ok(&["agent", "rotate-token", "writer"])
        .trim()
        .to_owned();
    assert_eq!(chat(&proxy.url, &token).0, 401);
    assert_eq!(chat(&proxy.url, &rotated).0, 200);

    // Detached: refused before the provider is called; attached again: served.
    let calls = mock.seen().len();
    env.ok(&["detach", "writer", "OPENAI_API_KEY"]);
    let (status, body) = chat(&proxy.url, &rotated);
    assert_eq!(status, 403, "{body}");
    assert_eq!(mock.seen().len(), calls);
    env.ok(&["attach", "writer", "OPENAI_API_KEY"]);
    assert_eq!(chat(&proxy.url, &rotated).0, 200);

    // A new agent's token works on the proxy already running.
    env.ok(&["attach", "reader", "OPENAI_API_KEY"]);
    let reader = env.ok(&["agent", "token", "reader"]).trim().to_owned();
    assert_eq!(chat(&proxy.url, &reader).0, 200);

    // A vault that no longer opens (damaged by hand): the last good state keeps serving, and
    // the proxy says why. Put back, it is followed again.
    let vault = env.vault_path();
    let good = std::fs::read(&vault).unwrap();
    replace(&vault, b"age-encryption.org/v1\nnot a vault\n");
    assert_eq!(chat(&proxy.url, &reader).0, 200);
    replace(&vault, &good);
    env.ok(&["agent", "rm", "reader"]);
    assert_eq!(chat(&proxy.url, &reader).0, 401);
    assert_eq!(chat(&proxy.url, &rotated).0, 200);

    let stderr = stop(&mut proxy);
    assert!(stderr.contains("cannot be used"), "{stderr}");
    for key in [OLD_KEY, NEW_KEY] {
        assert!(!stderr.contains(key), "{stderr}");
    }
}

/// Replaces `path`'s contents as a save does (a new file renamed over it).
fn replace(path: &Path, contents: &[u8]) {
    let temp = path.with_extension("edit");
    common::write_private(&temp, contents);
    std::fs::rename(&temp, path).unwrap();
}

/// Stops the proxy; what it wrote on stderr.
fn stop(proxy: &mut Proxy) -> String {
    let child = proxy.child();
    let _ = child.kill();
    let _ = child.wait();
    let mut text = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut text);
    }
    text
}

/// The Python that has the OpenAI SDK, if any (under CI it must).
fn python_with_openai() -> Option<PathBuf> {
    let out = Command::new("python3")
        .args(["-c", "import openai, sys; print(sys.executable)"])
        .output();
    match out {
        Ok(out) if out.status.success() => Some(PathBuf::from(
            String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        )),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("python3 with the openai SDK is required under CI=true (.ci/run installs it)")
        }
        _ => {
            eprintln!("SKIPPED: python3 with the openai SDK is missing (pip install openai)");
            None
        }
    }
}

/// The agent: asks once, then once more each time the test drops a file named `go-N` in its
/// working directory, printing what each request got.
const AGENT: &str = r#"
import os, sys, time, openai
client = openai.OpenAI(max_retries=0)
for n in range(4):
    while n and not os.path.exists(f"go-{n}"):
        time.sleep(0.02)
    try:
        client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
        print(n, 200, flush=True)
    except openai.APIStatusError as e:
        print(n, e.status_code, flush=True)
"#;

#[test]
fn a_keyless_run_follows_a_rotated_key_and_a_detach_without_a_restart() {
    let Some(python) = python_with_openai() else {
        return;
    };
    let mock = LlmMock::start(OLD_KEY);
    let env = vault_with_key(&mock, "bot");
    env.ok(&["agent", "set", "bot", "--keyless"]);
    let work = env.path("work");
    std::fs::create_dir_all(&work).unwrap();
    let mut run = env
        .cmd()
        .current_dir(&work)
        .args(["run", "bot", "--keyless", "--mask", "never"])
        .args(common::SHOW_CHECKOUT)
        .arg("--")
        .arg(&python)
        .args(["-c", AGENT])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start vault run");
    let mut lines = BufReader::new(run.stdout.take().unwrap()).lines();
    // However the test ends, the run (and the agent waiting for its next file) ends with it.
    let run = KillOnDrop(run);
    let mut next = |n: usize| {
        if n > 0 {
            common::write_private(&work.join(format!("go-{n}")), b"");
        }
        let line = lines.next().expect("a line from the agent").unwrap();
        let (step, status) = line.split_once(' ').expect("N STATUS");
        assert_eq!(step, n.to_string(), "{line}");
        status.parse::<u16>().unwrap()
    };
    assert_eq!(next(0), 200);
    assert_eq!(last_key_seen(&mock), format!("Bearer {OLD_KEY}"));

    mock.also_accept(NEW_KEY);
    env.ok_with_stdin(&["provider", "set", "OPENAI_API_KEY"], NEW_KEY.as_bytes());
    assert_eq!(next(1), 200);
    assert_eq!(last_key_seen(&mock), format!("Bearer {NEW_KEY}"));
    // A keyless agent has the new key without a restart, and `agent show` says so.
    let shown: serde_json::Value =
        serde_json::from_str(&env.ok(&["--json", "agent", "show", "bot"])).unwrap();
    let status = &shown["attached"][0]["status"];
    assert_eq!(status, "current (through the proxy)", "{shown}");

    let calls = mock.seen().len();
    env.ok(&["detach", "bot", "OPENAI_API_KEY"]);
    assert_eq!(next(2), 403);
    assert_eq!(mock.seen().len(), calls, "a detached key was used");

    env.ok(&["attach", "bot", "OPENAI_API_KEY"]);
    env.ok(&["agent", "rm", "bot"]);
    assert_eq!(next(3), 401);

    let mut run = run;
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = run.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "vault run did not end");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    run.0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "{stderr}");
    for key in [OLD_KEY, NEW_KEY] {
        assert!(!stderr.contains(key), "{stderr}");
    }
}

/// A run ended (SIGTERM, which vault passes on to the agent) when the test drops it, however
/// the test ends: an agent waiting for its next file is not left behind.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(Some(_))) {
            return; // ended already (its pid may be another process's by now)
        }
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}
