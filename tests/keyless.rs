//! Keyless mode end to end: the official OpenAI and Anthropic Python SDKs run under
//! `vault run --keyless` against a mock provider on loopback, and `vault proxy` serves tokens
//! made with `vault agent token`. The real key reaches the mock and nothing else.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::llm::{self, LlmMock};
use common::{Env, Proxy, assert_success};
use serde_json::Value;

const OPENAI_KEY: &str = "sk-proj-REALkeyNeverLeaves0123456789abcdef";
const ANTHROPIC_KEY: &str = "sk-ant-api03-REALkeyNeverLeaves0123456789";
const GEMINI_KEY: &str = "AIzaSyREALkeyNeverLeaves0123456789abcd";

/// Whether CI runs the tests (where a missing client is a failure, not a skip).
fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn missing(what: &str, how: &str) {
    if under_ci() {
        panic!("{what} is required under CI=true (.ci/run installs it)");
    }
    eprintln!("SKIPPED: {what} is missing ({how})");
}

/// The Python that has every SDK the tests run (its full path: the tests' HOME is not the
/// developer's, so a pyenv shim would not find its interpreter).
fn python_with_sdks() -> Option<PathBuf> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import openai, anthropic, google.genai, websockets, sys; print(sys.executable)",
        ])
        .output();
    match out {
        Ok(out) if out.status.success() => Some(PathBuf::from(
            String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        )),
        _ => {
            missing(
                "python3 with openai, anthropic, google-genai and websockets",
                "pip install openai anthropic google-genai websockets",
            );
            None
        }
    }
}

/// Where .ci/run installs the Node packages the tests run.
fn node_modules() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/target/test-deps/node_modules"
    ))
}

/// node, when it and the official Node SDKs are installed.
fn node_with_sdks() -> Option<PathBuf> {
    let modules = node_modules();
    let found = ["openai", "@anthropic-ai/sdk"]
        .iter()
        .all(|m| modules.join(m).join("package.json").is_file());
    let node = Command::new("sh")
        .args(["-c", "command -v node"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim().to_owned()));
    match node {
        Some(node) if found => Some(node),
        _ => {
            missing(
                "node with the openai and @anthropic-ai/sdk packages",
                "npm install --prefix target/test-deps openai @anthropic-ai/sdk",
            );
            None
        }
    }
}

/// A vault whose `provider` key (`key`) points at `mock`, attached to agent `agent`; the
/// entry's name.
fn add_key(env: &Env, provider: &str, key: &str, mock: &LlmMock, agent: &str) -> &'static str {
    let (path, entry) = match provider {
        "openai" => ("/v1", "OPENAI_API_KEY"),
        "gemini" => ("/v1beta", "GEMINI_API_KEY"),
        _ => ("", "ANTHROPIC_API_KEY"),
    };
    common::add_provider_at(env, provider, &mock.base_url(path), key);
    env.ok(&["attach", agent, entry]);
    entry
}

/// The agent's usage once it counts at least `requests` requests.
fn usage_totals(env: &Env, agent: &str, requests: u64) -> Value {
    common::usage_with(env, &["--agent", agent], requests)
}

/// Runs `program args… ENV_DUMP` under `vault run bot --keyless`, releasing the mock's stream
/// as soon as the client says its first text arrived. Returns the client's JSON lines and the
/// environment it got.
fn run_client(
    env: &Env,
    program: &PathBuf,
    args: &[&str],
    mock: &LlmMock,
    parent_env: &[(&str, &str)],
) -> (Vec<Value>, Value) {
    // The working directory is the one place outside /tmp a sandboxed client may write.
    let work = env.path("work");
    std::fs::create_dir_all(&work).unwrap();
    let dump = work.join("child-env.json");
    let mut child = env
        .cmd()
        .current_dir(&work)
        .envs(parent_env.iter().copied())
        .env("NODE_PATH", node_modules())
        .args(["run", "bot", "--keyless", "--mask", "never"])
        .args(common::SHOW_CHECKOUT)
        .arg("--")
        .arg(program)
        .args(args)
        .arg(&dump)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start vault run");
    let lines = mock.client_lines(child.stdout.take().unwrap());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "vault run failed: {stderr}");
    for key in [OPENAI_KEY, ANTHROPIC_KEY, GEMINI_KEY] {
        assert!(!stderr.contains(key), "{stderr}");
    }
    let child_env: Value =
        serde_json::from_slice(&std::fs::read(&dump).expect("env dump")).unwrap();
    (lines, child_env)
}

/// One client of the tests: how it is run, which provider it calls, and what it must see.
struct Client {
    /// `python` or `node`.
    runtime: &'static str,
    /// What the fixture script is told to do.
    sdk: &'static str,
    provider: &'static str,
    key: &'static str,
    url_env: &'static str,
    url_path: &'static str,
    /// The usage figures of its plain and its streamed request.
    plain: (u64, u64),
    streamed: (u64, u64),
    /// US dollars per million input and output tokens for the model it asks for.
    price: (f64, f64),
    /// Requests the mock sees (a WebSocket's handshake and each message count).
    requests: usize,
}

const OPENAI_CHAT: Client = Client {
    runtime: "python",
    sdk: "openai",
    provider: "openai",
    key: OPENAI_KEY,
    url_env: "OPENAI_BASE_URL",
    url_path: "/openai/v1",
    plain: llm::OPENAI_PLAIN,
    streamed: llm::OPENAI_STREAM,
    price: (0.15, 0.6), // gpt-4o-mini
    requests: 2,
};

const ANTHROPIC_MESSAGES: Client = Client {
    runtime: "python",
    sdk: "anthropic",
    provider: "anthropic",
    key: ANTHROPIC_KEY,
    url_env: "ANTHROPIC_BASE_URL",
    url_path: "/anthropic",
    plain: llm::ANTHROPIC_PLAIN,
    streamed: llm::ANTHROPIC_STREAM,
    price: (3.0, 15.0), // claude-sonnet-4-5
    requests: 2,
};

/// Every variable any client reads a provider credential or endpoint from, as vault's
/// catalog lists them (`vault run --help` prints them), each set in the parent to a canary.
fn canaries_in_every_alias() -> Vec<(&'static str, &'static str)> {
    let names = vault::providers::credential_env_names();
    for expected in [
        "ANTHROPIC_AUTH_TOKEN",
        "CLAUDE_CODE_OAUTH_TOKEN",
        "GOOGLE_API_KEY",
        "CODEX_API_KEY",
        "OPENAI_API_BASE",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} is not in the catalog"
        );
    }
    names.into_iter().map(|name| (name, CANARY_KEY)).collect()
}

const CANARY_KEY: &str = "sk-proj-CANARYinheritedKEY0123456789abc";

fn check_client(client: &Client) {
    let program = match client.runtime {
        "node" => node_with_sdks(),
        _ => python_with_sdks(),
    };
    let Some(program) = program else {
        return;
    };
    let script = match client.runtime {
        "node" => concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/keyless_client.mjs"
        ),
        _ => concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/keyless_client.py"
        ),
    };
    let env = Env::new();
    env.init();
    let mock = LlmMock::start(client.key);
    let key_env = add_key(&env, client.provider, client.key, &mock, "bot");
    // Every alias in the parent's environment holds a real key: none may reach the client.
    let parent = canaries_in_every_alias();
    let (lines, child_env) = run_client(&env, &program, &[script, client.sdk], &mock, &parent);

    // The client worked, plain and streamed, and the stream's first text reached it before
    // the mock had written the rest: nothing buffered the stream.
    let events: Vec<&str> = lines.iter().filter_map(|l| l["event"].as_str()).collect();
    assert_eq!(events, ["plain", "first-delta", "stream"], "{lines:?}");
    assert_eq!(lines[0]["text"], "Hello from the mock");
    assert_eq!(lines[2]["text"], "Hello from the mock");
    if client.sdk != "responses-websocket" {
        assert_eq!(mock.released_in_time(), [true]);
    }

    // The mock got the real key, where the client put its token.
    let seen = mock.seen();
    assert_eq!(seen.len(), client.requests, "{seen:?}");
    for request in &seen {
        let key = client.key;
        let bearer = request.header("authorization") == Some(&format!("Bearer {key}"));
        let x_api_key = request.header("x-api-key") == Some(key);
        let goog = request.header("x-goog-api-key") == Some(key);
        assert!(bearer || x_api_key || goog, "{request:?}");
    }

    // The client had a token and the proxy's address, never the key; nothing it received
    // (headers and bodies, plain and streamed) holds the key, though the mock echoed it in all.
    let token = child_env[key_env]
        .as_str()
        .expect("token in the key's variable");
    assert!(token.starts_with("vault-proxy-"), "{token}");
    let base = child_env[client.url_env].as_str().expect("base URL");
    assert!(
        base.starts_with("http://127.0.0.1:") && base.ends_with(client.url_path),
        "{base}"
    );
    let everything = format!("{child_env}{lines:?}");
    for key in [client.key, CANARY_KEY] {
        assert!(!everything.contains(key), "a real key reached the client");
        assert!(
            !everything.contains(&key[key.len() - 12..]),
            "part of a real key reached the client"
        );
    }
    assert!(lines[0]["headers"]["x-echo-key"] == "***", "{}", lines[0]);

    // Usage: the mock's figures, priced from the table.
    let usage = usage_totals(&env, "bot", 2);
    let total = &usage["total"];
    let (plain, streamed) = (client.plain, client.streamed);
    assert_eq!(total["requests"], 2);
    assert_eq!(total["input_tokens"], plain.0 + streamed.0);
    assert_eq!(total["output_tokens"], plain.1 + streamed.1);
    let expected = ((plain.0 + streamed.0) as f64 * client.price.0
        + (plain.1 + streamed.1) as f64 * client.price.1)
        / 1e6;
    let cost = total["cost_usd"].as_f64().unwrap();
    assert!((cost - expected).abs() < 1e-12, "{cost} != {expected}");
}

#[test]
fn the_openai_sdk_runs_keyless_and_never_sees_the_key() {
    check_client(&OPENAI_CHAT);
}

#[test]
fn the_anthropic_sdk_runs_keyless_and_never_sees_the_key() {
    check_client(&ANTHROPIC_MESSAGES);
}

#[test]
fn the_openai_node_sdk_runs_keyless_and_never_sees_the_key() {
    check_client(&Client {
        runtime: "node",
        ..OPENAI_CHAT
    });
}

#[test]
fn the_anthropic_node_sdk_runs_keyless_and_never_sees_the_key() {
    check_client(&Client {
        runtime: "node",
        ..ANTHROPIC_MESSAGES
    });
}

#[test]
fn google_genai_runs_keyless_with_its_default_api_version() {
    check_client(&Client {
        runtime: "python",
        sdk: "gemini",
        provider: "gemini",
        key: GEMINI_KEY,
        url_env: "GOOGLE_GEMINI_BASE_URL",
        url_path: "/gemini",
        plain: llm::GEMINI_PLAIN,
        streamed: llm::GEMINI_STREAM,
        price: (0.3, 2.5), // gemini-2.5-flash
        requests: 2,
    });
}

#[test]
fn the_responses_api_runs_keyless_over_a_websocket() {
    check_client(&Client {
        sdk: "responses-websocket",
        plain: llm::RESPONSES,
        streamed: llm::RESPONSES,
        // The handshake, then two `response.create` messages.
        requests: 3,
        ..OPENAI_CHAT
    });
}

fn token(env: &Env, agent: &str) -> String {
    env.ok(&["agent", "token", agent]).trim().to_owned()
}

fn client() -> reqwest::blocking::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::new()
}

/// A POST through the proxy: the status, the Retry-After header and the body.
fn post(url: &str, auth: (&str, &str), body: &str) -> (u16, Option<String>, String) {
    let response = client()
        .post(url)
        .header(auth.0, auth.1)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .expect("request through the proxy");
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, retry, response.text().unwrap())
}

const CHAT: &str = r#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#;
const MESSAGE: &str =
    r#"{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}"#;

#[test]
fn a_token_reaches_only_its_own_agent_s_providers() {
    let env = Env::new();
    env.init();
    let openai = LlmMock::start(OPENAI_KEY);
    let anthropic = LlmMock::start(ANTHROPIC_KEY);
    add_key(&env, "openai", OPENAI_KEY, &openai, "writer");
    add_key(&env, "anthropic", ANTHROPIC_KEY, &anthropic, "coder");
    let writer = token(&env, "writer");
    let coder = token(&env, "coder");
    // A token is shown once; asking again is refused, and the vault stays as it was.
    let before = env.snapshot();
    common::assert_fails_with(&env.run(&["agent", "token", "writer"]), "rotate-token");
    env.assert_unchanged(&before);
    let proxy = Proxy::start(&env);
    let chat = format!("{}/openai/v1/chat/completions", proxy.url);
    let messages = format!("{}/anthropic/v1/messages", proxy.url);

    let bearer = |t: &str| format!("Bearer {t}");
    let (status, _, body) = post(&chat, ("authorization", &bearer(&writer)), CHAT);
    assert_eq!(status, 200, "{body}");
    let (status, _, body) = post(&messages, ("x-api-key", &coder), MESSAGE);
    assert_eq!(status, 200, "{body}");
    // Older Anthropic SDKs send x-api-key, newer ones a bearer token: both work.
    let (status, _, body) = post(&messages, ("authorization", &bearer(&coder)), MESSAGE);
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        anthropic.seen()[1].header("authorization"),
        Some(format!("Bearer {ANTHROPIC_KEY}").as_str())
    );

    // writer's token cannot use coder's Anthropic key, nor coder's writer's OpenAI key.
    let (status, _, body) = post(&messages, ("x-api-key", &writer), MESSAGE);
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("not attached to agent writer"), "{body}");
    let (status, _, body) = post(&chat, ("authorization", &bearer(&coder)), CHAT);
    assert_eq!(status, 403, "{body}");
    // Unknown tokens, a real key, or two different agents' tokens: 401, never forwarded.
    for auth in [
        ("authorization", bearer("vault-proxy-guessed")),
        ("authorization", bearer(OPENAI_KEY)),
        ("x-api-key", String::new()),
    ] {
        let (status, _, body) = post(&chat, (auth.0, &auth.1), CHAT);
        assert_eq!(status, 401, "{body}");
        let error: Value = serde_json::from_str(&body).expect("JSON error");
        assert!(
            error["error"]["message"]
                .as_str()
                .unwrap()
                .contains("token")
        );
    }
    let mixed = client()
        .post(&chat)
        .header("authorization", bearer(&writer))
        .header("x-api-key", &coder)
        .body(CHAT)
        .send()
        .unwrap();
    assert_eq!(mixed.status().as_u16(), 401);
    // A provider the vault has no key for: 503, saying how to add one.
    let (status, _, body) = post(
        &format!("{}/gemini/v1beta/models/x:generateContent", proxy.url),
        ("x-goog-api-key", &writer),
        "{}",
    );
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("vault provider add gemini"), "{body}");
    assert_eq!(openai.seen().len(), 1);
    assert_eq!(anthropic.seen().len(), 2);

    // A rotated token replaces the old one from the next start of the proxy.
    drop(proxy);
    let rotated = env
        .ok(&["agent", "rotate-token", "writer"])
        .trim()
        .to_owned();
    assert_ne!(rotated, writer);
    let proxy = Proxy::start(&env);
    let chat = format!("{}/openai/v1/chat/completions", proxy.url);
    assert_eq!(
        post(&chat, ("authorization", &bearer(&writer)), CHAT).0,
        401
    );
    assert_eq!(
        post(&chat, ("authorization", &bearer(&rotated)), CHAT).0,
        200
    );
    // The vault keeps only hashes.
    let text = env.ok(&["agent", "show", "writer"]);
    assert!(text.contains("Proxy token: set"), "{text}");
}

#[test]
fn the_proxy_listens_on_loopback_only() {
    let env = Env::new();
    env.init();
    for outside in ["0.0.0.0:8765", "[::]:8765", "192.0.2.1:80"] {
        let out = env.run(&["proxy", "--listen", outside]);
        common::assert_fails_with(&out, "listens on loopback");
    }
}

#[test]
fn rate_limits_and_budgets_cut_off_without_calling_the_provider() {
    let env = Env::new();
    env.init();
    let mock = LlmMock::start(OPENAI_KEY);
    add_key(&env, "openai", OPENAI_KEY, &mock, "bot");
    // Prices that make the sums easy: each plain answer (11 in, 7 out) costs $0.0018.
    let pricing = env.home.join(".config/vault/pricing.toml");
    std::fs::write(
        &pricing,
        "[openai]\n\"gpt-4o-mini\" = { input = 100.0, output = 100.0 }\n",
    )
    .unwrap();
    env.ok(&["agent", "set", "bot", "--rate", "openai=3/60s"]);
    let bot = token(&env, "bot");
    let auth = format!("Bearer {bot}");

    let proxy = Proxy::start(&env);
    let chat = format!("{}/openai/v1/chat/completions", proxy.url);
    for _ in 0..3 {
        assert_eq!(post(&chat, ("authorization", &auth), CHAT).0, 200);
    }
    let (status, retry, body) = post(&chat, ("authorization", &auth), CHAT);
    assert_eq!(status, 429, "{body}");
    let retry: u64 = retry.expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let error: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["error"]["code"], "rate_limited");
    assert_eq!(
        mock.seen().len(),
        3,
        "the refused request reached the provider"
    );
    drop(proxy);

    // Budget: 3 requests spent $0.0054. A request is admitted when the most it can cost
    // fits: its body's bytes as input tokens, and its max_tokens of output ($0.0089 here). A
    // budget of $0.016 a day allows one more; after it ($0.0072 spent) the next cannot fit.
    env.ok(&[
        "agent",
        "set",
        "bot",
        "--budget",
        "0.016usd/day",
        "--rate",
        "openai=off",
    ]);
    let capped = CHAT.replacen("\"messages\"", "\"max_tokens\":7,\"messages\"", 1);
    assert_eq!(capped.len(), 82);
    let proxy = Proxy::start(&env);
    let chat = format!("{}/openai/v1/chat/completions", proxy.url);
    assert_eq!(post(&chat, ("authorization", &auth), &capped).0, 200);
    let (status, _, body) = post(&chat, ("authorization", &auth), &capped);
    assert_eq!(status, 402, "{body}");
    assert!(body.contains("budget"), "{body}");
    assert!(body.contains("starts again at"), "{body}");
    assert_eq!(mock.seen().len(), 4);

    let usage = usage_totals(&env, "bot", 4);
    assert_eq!(usage["total"]["requests"], 4);
    assert_eq!(usage["total"]["input_tokens"], 44);
    assert_eq!(usage["total"]["output_tokens"], 28);
    let cost = usage["total"]["cost_usd"].as_f64().unwrap();
    assert!((cost - 0.0072).abs() < 1e-12, "{cost}");
    let rows = usage["usage"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["model"], "gpt-4o-mini");
    let show = env.ok(&["agent", "show", "bot"]);
    assert!(show.contains("Budget: 0.016usd/day"), "{show}");
    assert!(show.contains("openai no limit"), "{show}");
    // The table says the same, with a total.
    let table = env.ok(&["usage"]);
    assert!(
        table.contains("TOTAL") && table.contains("gpt-4o-mini"),
        "{table}"
    );
}

#[test]
fn a_client_leaving_mid_stream_leaves_the_proxy_serving() {
    let env = Env::new();
    env.init();
    let mock = LlmMock::start(OPENAI_KEY);
    add_key(&env, "openai", OPENAI_KEY, &mock, "bot");
    let bot = token(&env, "bot");
    let proxy = Proxy::start(&env);
    let addr = proxy.url.trim_start_matches("http://").to_owned();

    // A client asks for a stream, reads its first event, and hangs up.
    let body = r#"{"model":"gpt-4o-mini","stream":true,"messages":[]}"#;
    let mut socket = TcpStream::connect(&addr).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        socket,
        "POST /openai/v1/chat/completions HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {bot}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&received).contains("Hello") {
        let n = socket.read(&mut buf).expect("the first event arrives");
        assert!(n > 0, "the proxy closed the stream");
        received.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&received);
    assert!(!text.contains(OPENAI_KEY), "{text}");
    drop(socket);
    mock.release();

    // Others are served, plain and streamed, while the abandoned stream winds down.
    let chat = format!("{}/openai/v1/chat/completions", proxy.url);
    let auth = format!("Bearer {bot}");
    assert_eq!(post(&chat, ("authorization", &auth), CHAT).0, 200);
    let (status, _, streamed) = post(&chat, ("authorization", &auth), body);
    assert_eq!(status, 200);
    assert!(streamed.contains("[DONE]"), "{streamed}");
    // The stream's usage was asked for on the client's behalf (so a budget counts it), and
    // its usage-only event kept from a client that had not asked.
    let last = mock.seen().last().unwrap().body.clone();
    assert_eq!(last["stream_options"]["include_usage"], true);
    assert!(!streamed.contains(r#""choices":[]"#), "{streamed}");
    assert!(streamed.contains(r#""finish_reason":"stop""#), "{streamed}");
    // The proxy let go of the abandoned upstream stream rather than reading it to the end.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while mock.broken_streams() == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(mock.broken_streams(), 1);
    // Each of the three requests is in the usage log, the abandoned one too, and the
    // complete stream with its tokens.
    let totals = usage_totals(&env, "bot", 3);
    assert_eq!(totals["total"]["requests"], 3);
    let (plain, streamed) = (llm::OPENAI_PLAIN, llm::OPENAI_STREAM);
    assert_eq!(totals["total"]["output_tokens"], plain.1 + streamed.1);

    // Paths that climb out of the endpoint, and compressed answers, go nowhere / stop.
    let seen = mock.seen().len();
    for bad in ["/../../x", "/%2e%2e/%2E%2E/x", "/a/..%2fb"] {
        let url = format!("{}/openai/v1{bad}", proxy.url);
        let (status, _, body) = post(&url, ("authorization", &auth), CHAT);
        assert_eq!(status, 404, "{bad}: {body}");
    }
    assert_eq!(mock.seen().len(), seen);
    let url = format!("{}/openai/v1/gzip/chat/completions", proxy.url);
    let (status, _, body) = post(&url, ("authorization", &auth), CHAT);
    assert_eq!(status, 502, "{body}");
    assert!(body.contains("compressed_answer"), "{body}");
}

#[test]
fn keyless_runs_refuse_what_they_cannot_do_and_say_so() {
    let env = Env::new();
    env.init();
    let mock = LlmMock::start(OPENAI_KEY);
    add_key(&env, "openai", OPENAI_KEY, &mock, "bot");
    // A variable attached under the name keyless mode sets would redirect the token.
    env.ok(&["var", "set", "GATEWAY", "http://elsewhere.example"]);
    env.ok(&["agent", "create", "other", "--keyless"]);
    env.ok(&["attach", "other", "OPENAI_API_KEY", "--as", "MY_KEY"]);
    env.ok(&["attach", "other", "GATEWAY", "--as", "OPENAI_BASE_URL"]);
    let refused = |args: &[&str], needle: &str| {
        let out = env.run(args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            common::stderr(&out).contains(needle),
            "{}",
            common::stderr(&out)
        );
    };
    refused(
        &["run", "other", "--", "true"],
        "keyless mode sets to the proxy's address",
    );
    // Bad settings are refused, and leave the vault as it was.
    let before = env.snapshot();
    for bad in [
        vec!["agent", "set", "bot", "--rate", "openai=0/60s"],
        vec!["agent", "set", "bot", "--rate", "nobody=1/1s"],
        vec!["agent", "set", "bot", "--budget", "5eur/day"],
    ] {
        let out = env.run(&bad);
        assert!(!out.status.success(), "{bad:?}");
    }
    env.assert_unchanged(&before);
    // Inherited values must not pass the proxy by.
    refused(
        &["run", "bot", "--keyless", "--keep-env", "--", "true"],
        "keyless runs do not take it",
    );
    // An agent keyless by default runs keyless; --no-keyless gives it the key. Provider keys
    // in vault's own environment do not reach a keyless child.
    env.ok(&["agent", "set", "bot", "--keyless"]);
    let out = env
        .cmd()
        .env("ANTHROPIC_API_KEY", "sk-ant-inherited")
        .env("OPENAI_BASE_URL", "https://elsewhere.example/v1")
        .args(["run", "bot", "--mask", "never", "--", "sh", "-c"])
        .arg("echo $OPENAI_API_KEY; echo ${ANTHROPIC_API_KEY:-none}; echo $OPENAI_BASE_URL")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("vault-proxy-"), "{out}");
    assert_eq!(lines[1], "none", "{out}");
    assert!(lines[2].starts_with("http://127.0.0.1:"), "{out}");
    let out = env.ok(&[
        "run",
        "bot",
        "--no-keyless",
        "--mask",
        "never",
        "--",
        "sh",
        "-c",
        "echo $OPENAI_API_KEY",
    ]);
    assert_eq!(out.trim(), OPENAI_KEY);
    assert_success(&env.run(&["agent", "show", "bot"]), &["agent", "show"]);
}

/// An agent program the tests run (installed by .ci/run under target/test-deps), or `None`
/// with a note (a failure under CI=true).
fn agent_program(rel: &str, how: &str) -> Option<PathBuf> {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target/test-deps")).join(rel);
    if path.is_file() {
        return Some(path);
    }
    missing(&format!("{} ({})", path.display(), rel), how);
    None
}

/// Runs `vault run bot --keyless -- ARGS…` with every alias of the parent set to a canary,
/// and checks what every agent test checks: it exited 0 and printed the mock's answer, the
/// mock saw only the real key, neither the output nor the mock's requests hold the canary,
/// and the agent tried to reach nothing beyond loopback (every other host goes through an
/// HTTPS proxy that records what it is asked for) but `allowed` (`CONNECT host:port`).
fn check_agent(
    env: &Env,
    mock: &LlmMock,
    key: &str,
    args: &[&str],
    allowed: &[&str],
) -> Vec<llm::Seen> {
    let parent = canaries_in_every_alias();
    let outside = common::mock::MockProvider::start("nothing-is-let-through");
    let work = env.path("work");
    let out = env
        .cmd()
        .envs(parent)
        .env("HTTPS_PROXY", outside.url(""))
        .env("HTTP_PROXY", outside.url(""))
        .env("NO_PROXY", "127.0.0.1,localhost")
        .current_dir(&work)
        .args(["run", "bot", "--keyless"])
        .args(common::SHOW_CHECKOUT)
        .arg("--")
        .args(args)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{args:?}: {stdout}\n{stderr}");
    assert!(stdout.contains("Hello from the mock"), "{stdout}\n{stderr}");
    for text in [&stdout, &stderr] {
        assert!(!text.contains(key) && !text.contains(CANARY_KEY), "{text}");
    }
    let tried: Vec<String> = outside
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .filter(|tried| !allowed.contains(&tried.as_str()))
        .collect();
    assert!(tried.is_empty(), "the agent tried to reach {tried:?}");
    let seen = mock.seen();
    assert!(!seen.is_empty());
    for request in &seen {
        let text = format!("{request:?}");
        assert!(text.contains(key), "a request without the real key: {text}");
        assert!(
            !text.contains(CANARY_KEY),
            "an inherited key reached the mock"
        );
        assert!(
            !text.contains("vault-proxy-"),
            "a token reached the mock: {text}"
        );
    }
    seen
}

#[test]
fn claude_code_gets_an_answer_through_keyless_mode() {
    let Some(claude) = agent_program(
        "node_modules/.bin/claude",
        "npm install --prefix target/test-deps @anthropic-ai/claude-code",
    ) else {
        return;
    };
    let env = Env::outside_tmp();
    env.init();
    let mock = LlmMock::start(ANTHROPIC_KEY);
    mock.release();
    add_key(&env, "anthropic", ANTHROPIC_KEY, &mock, "bot");
    // The README's recipe, word for word: nothing but what vault sets.
    let claude = claude.to_str().unwrap();
    let seen = check_agent(
        &env,
        &mock,
        ANTHROPIC_KEY,
        &[claude, "-p", "Say hello"],
        &[],
    );
    assert!(
        seen.iter().any(|s| s.path.starts_with("/v1/messages")),
        "{seen:?}"
    );
    let usage = usage_totals(&env, "bot", 1);
    assert!(usage["total"]["requests"].as_u64() >= Some(1), "{usage}");
}

#[test]
fn codex_gets_an_answer_through_keyless_mode() {
    let Some(codex) = agent_program(
        "node_modules/.bin/codex",
        "npm install --prefix target/test-deps @openai/codex",
    ) else {
        return;
    };
    let env = Env::outside_tmp();
    env.init();
    let mock = LlmMock::start(OPENAI_KEY);
    add_key(&env, "openai", OPENAI_KEY, &mock, "bot");
    // The README's recipe: Codex reads its endpoint from -c openai_base_url (not from
    // OPENAI_BASE_URL), and its key from CODEX_API_KEY, which vault sets. In the sandbox the
    // home is read-only: Codex keeps its state in the private /tmp.
    let script = format!(
        "CODEX_HOME=/tmp/codex; mkdir -p $CODEX_HOME; export CODEX_HOME; exec {} -c \
         \"openai_base_url=\\\"$OPENAI_BASE_URL\\\"\" --disable plugins -c \
         analytics.enabled=false \"$@\"",
        codex.display()
    );
    let seen = check_agent(
        &env,
        &mock,
        OPENAI_KEY,
        &[
            "sh",
            "-c",
            &script,
            "codex",
            "exec",
            "--skip-git-repo-check",
            "Say hello",
        ],
        &[],
    );
    // It spoke the Responses API over a WebSocket, through the proxy, the whole way.
    assert!(
        seen.iter()
            .any(|s| s.path == "/v1/responses (websocket message)"),
        "{seen:?}"
    );
    let usage = usage_totals(&env, "bot", 1);
    assert!(
        usage["total"]["input_tokens"].as_u64() >= Some(llm::RESPONSES.0),
        "{usage}"
    );
}

#[test]
fn aider_gets_an_answer_through_keyless_mode() {
    let Some(aider) = agent_program(
        "aider/bin/aider",
        "python3 -m venv target/test-deps/aider && target/test-deps/aider/bin/pip install aider-chat",
    ) else {
        return;
    };
    let env = Env::outside_tmp();
    env.init();
    let mock = LlmMock::start(OPENAI_KEY);
    mock.release();
    add_key(&env, "openai", OPENAI_KEY, &mock, "bot");
    // aider reads OPENAI_API_BASE, which vault sets beside OPENAI_BASE_URL. litellm, which
    // it uses, fetches its price list unless told to use its own copy, and aider fetches
    // the same public list for its model metadata (no credential goes with either).
    let aider = aider.to_str().unwrap();
    let seen = check_agent(
        &env,
        &mock,
        OPENAI_KEY,
        &[
            "env",
            "LITELLM_LOCAL_MODEL_COST_MAP=True",
            aider,
            "--model",
            "openai/gpt-4o-mini",
            "--message",
            "Say hello",
            "--yes-always",
            "--no-git",
            "--no-check-update",
            "--analytics-disable",
            "--no-show-model-warnings",
        ],
        &["CONNECT raw.githubusercontent.com:443"],
    );
    assert!(
        seen.iter().any(|s| s.path == "/v1/chat/completions"),
        "{seen:?}"
    );
}

#[test]
fn the_readme_lists_every_variable_keyless_mode_sets_or_removes() {
    let readme = include_str!("../README.md");
    let start = readme.find("## Keyless mode").expect("a keyless section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    for provider in vault::providers::CATALOG {
        let names = [provider.sdk_key_env]
            .into_iter()
            .chain(provider.key_aliases.iter().map(|a| a.name))
            .chain(provider.base_url_envs())
            .chain([provider.proxy_url_env().0])
            .chain(provider.keyless_settings.iter().map(|(name, _)| *name));
        for name in names {
            assert!(
                section.contains(&format!("`{name}")),
                "the README's keyless table does not name {name} ({})",
                provider.id
            );
        }
    }
}

/// A raw WebSocket client through `vault proxy`: a handshake with `headers`, then each text
/// message sent and what came back until `response.completed` (or an error event).
fn websocket_exchange(
    url: &str,
    headers: &[(&'static str, String)],
    messages: &[&str],
) -> Result<Vec<tungstenite::Message>, (u16, String)> {
    use tungstenite::client::IntoClientRequest;
    let mut request = url.into_client_request().unwrap();
    for (name, value) in headers {
        request.headers_mut().insert(*name, value.parse().unwrap());
    }
    let (mut socket, _) = match tungstenite::connect(request) {
        Ok(done) => done,
        Err(tungstenite::Error::Http(response)) => {
            let body = String::from_utf8_lossy(response.body().as_deref().unwrap_or_default());
            return Err((response.status().as_u16(), body.into_owned()));
        }
        Err(e) => panic!("handshake: {e}"),
    };
    let mut got = Vec::new();
    for message in messages {
        socket.send(tungstenite::Message::text(*message)).unwrap();
        loop {
            let answer = socket.read().unwrap();
            let text = answer.to_text().unwrap_or("").to_owned();
            got.push(answer);
            if text.contains("\"response.completed\"") || text.contains("\"type\":\"error\"") {
                break;
            }
        }
    }
    Ok(got)
}

#[test]
fn a_scoped_agent_s_socket_messages_name_only_allowed_models() {
    let env = Env::new();
    env.init();
    let mock = LlmMock::start(OPENAI_KEY);
    add_key(&env, "openai", OPENAI_KEY, &mock, "bot");
    env.ok(&["agent", "set", "bot", "--models", "openai=gpt-4o-mini"]);
    let token = token(&env, "bot");
    let proxy = Proxy::start(&env);
    let ws = proxy.url.replace("http://", "ws://");
    let bearer = ("authorization", format!("Bearer {token}"));
    let url = format!("{ws}/openai/v1/responses");
    let allowed = r#"{"type":"response.create","model":"gpt-4o-mini","input":"hi"}"#;
    let got = websocket_exchange(&url, std::slice::from_ref(&bearer), &[allowed]).unwrap();
    assert!(format!("{got:?}").contains("response.completed"));
    let seen = mock.seen().len();
    // Another model, one the proxy cannot read, one in a nested response: refused there.
    for refused in [
        r#"{"type":"response.create","model":"o3","input":"hi"}"#,
        r#"{"type":"response.create","model":"gpt-4o-mini","x":"\ud800"}"#,
        r#"{"type":"response.create","response":{"model":"o3"}}"#,
    ] {
        let got = websocket_exchange(&url, std::slice::from_ref(&bearer), &[refused]).unwrap();
        let last = got.last().unwrap().to_text().unwrap().to_owned();
        assert!(last.contains("out_of_scope"), "{refused}: {last}");
    }
    // A Realtime socket names its model in the URL: another, or none, is refused at once.
    for query in ["?model=o3", ""] {
        let url = format!("{ws}/openai/v1/realtime{query}");
        let (status, body) =
            websocket_exchange(&url, std::slice::from_ref(&bearer), &[]).unwrap_err();
        assert_eq!(status, 403, "{query}: {body}");
    }
    // Handshakes the mock saw are the allowed ones only; no refused message reached it.
    let after: Vec<_> = mock.seen()[seen..].iter().map(|s| s.path.clone()).collect();
    assert!(after.iter().all(|p| p.ends_with("/responses")), "{after:?}");
    assert!(
        mock.seen()
            .iter()
            .all(|s| !format!("{:?}", s.body).contains("o3")),
        "a refused model reached the provider"
    );
}

#[test]
fn websockets_are_checked_limited_and_scrubbed_like_requests() {
    let env = Env::new();
    env.init();
    let mock = LlmMock::start(OPENAI_KEY);
    add_key(&env, "openai", OPENAI_KEY, &mock, "bot");
    env.ok(&["agent", "set", "bot", "--rate", "openai=1/60s"]);
    let token = token(&env, "bot");
    let proxy = Proxy::start(&env);
    let url = format!(
        "{}/openai/v1/responses",
        proxy.url.replace("http://", "ws://")
    );
    let create = r#"{"type":"response.create","model":"ping-me","input":"hi"}"#;
    // The key in a provider's ping never reaches the agent; the answer itself is scrubbed.
    let bearer = ("authorization", format!("Bearer {token}"));
    let got = websocket_exchange(&url, std::slice::from_ref(&bearer), &[create]).unwrap();
    let everything = format!("{got:?}");
    assert!(!everything.contains(OPENAI_KEY), "{everything}");
    assert!(got.iter().all(|m| !m.is_ping()), "{got:?}");
    assert!(everything.contains("response.completed"));
    // An escaped type is still a response.create: the rate (1 a minute) holds.
    let escaped = r#"{"type":"response\u002ecreate","model":"gpt-4o-mini","input":"hi"}"#;
    let got = websocket_exchange(&url, std::slice::from_ref(&bearer), &[escaped]).unwrap();
    let refused = got.last().unwrap().to_text().unwrap().to_owned();
    assert!(
        refused.contains("\"type\":\"error\"") && refused.contains("rate_limited"),
        "{refused}"
    );
    // A browser-style key in the subprotocol list is checked and swapped like a header.
    env.ok(&["agent", "set", "bot", "--rate", "openai=off"]);
    drop(proxy);
    let proxy = Proxy::start(&env);
    let url = format!(
        "{}/openai/v1/responses",
        proxy.url.replace("http://", "ws://")
    );
    let protocols = (
        "sec-websocket-protocol",
        format!("realtime, openai-insecure-api-key.{token}"),
    );
    let got = websocket_exchange(&url, &[protocols], &[create]).unwrap();
    assert!(format!("{got:?}").contains("response.completed"));
    let forged = (
        "sec-websocket-protocol",
        "realtime, openai-insecure-api-key.vault-proxy-forged".to_owned(),
    );
    let (status, body) = websocket_exchange(&url, &[forged], &[create]).unwrap_err();
    assert_eq!(status, 401, "{body}");
    // The provider's refusal comes back as its status, with nothing of what it said.
    env.ok_with_stdin(
        &["provider", "set", "OPENAI_API_KEY"],
        b"sk-proj-WRONGkeyTheMockRefuses0123456789",
    );
    drop(proxy);
    let proxy = Proxy::start(&env);
    let url = format!(
        "{}/openai/v1/responses",
        proxy.url.replace("http://", "ws://")
    );
    let (status, body) = websocket_exchange(&url, &[bearer], &[create]).unwrap_err();
    assert_eq!(status, 401, "{body}");
    assert!(
        !body.contains("WRONGkey") && body.contains("refused the WebSocket"),
        "{body}"
    );
    // Providers whose WebSocket events the proxy cannot count are not carried.
    let mock2 = LlmMock::start(ANTHROPIC_KEY);
    add_key(&env, "anthropic", ANTHROPIC_KEY, &mock2, "bot");
    drop(proxy);
    let proxy = Proxy::start(&env);
    let url = format!(
        "{}/anthropic/v1/messages",
        proxy.url.replace("http://", "ws://")
    );
    let bearer = ("authorization", format!("Bearer {token}"));
    let (status, body) = websocket_exchange(&url, &[bearer], &[create]).unwrap_err();
    assert_eq!(status, 501, "{body}");
}

#[test]
fn a_keyless_run_hands_over_no_real_credential_stored_or_inherited_otherwise() {
    let env = Env::new();
    env.init();
    let mock = LlmMock::start(OPENAI_KEY);
    add_key(&env, "openai", OPENAI_KEY, &mock, "bot");
    // A copy of the key the proxy holds, inherited under a name of the person's own.
    let out = env
        .cmd()
        .env("MY_OWN_COPY", OPENAI_KEY)
        .args([
            "run",
            "bot",
            "--keyless",
            "--no-sandbox",
            "--mask",
            "never",
            "--",
        ])
        .args(["sh", "-c", "echo ${MY_OWN_COPY:-gone}"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "gone",
        "{}",
        common::stderr(&out)
    );
    // Without the sandbox, stderr says what that leaves open, once.
    let said = common::stderr(&out);
    assert_eq!(
        said.matches("running keyless without a sandbox").count(),
        1,
        "{said}"
    );
    // A real credential stored as a plain secret under a name clients read one from.
    env.ok_with_stdin(
        &["secret", "add", "CLAUDE_TOKEN"],
        b"sk-ant-oat01-REALtoken0123456789",
    );
    env.ok(&[
        "attach",
        "bot",
        "CLAUDE_TOKEN",
        "--as",
        "ANTHROPIC_AUTH_TOKEN",
    ]);
    let out = env.run(&["run", "bot", "--keyless", "--", "true"]);
    assert!(!out.status.success());
    assert!(
        common::stderr(&out).contains("a keyless run would hand it over as it is"),
        "{}",
        common::stderr(&out)
    );
}
