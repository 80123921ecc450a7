//! Keyless limits and budgets, shared by every proxy serving an agent: two keyless runs of
//! one agent share one rate; a concurrency cap holds under 32 parallel requests through two
//! proxies; the `X-RateLimit-*` headers and the 80 % warning are right; 32 concurrent requests
//! against a budget that allows 10 get 10 through and the recorded spend stays inside it; a
//! client that hangs up gives its reservation back; a run's own budget (`vault run --budget`).

mod common;

use std::time::Duration;

use common::llm::{self, LlmMock};
use common::{Env, Proxy};
use serde_json::Value;

const KEY: &str = "sk-proj-LIMITSkeyNeverLeaves0123456789abcdef";

/// A vault whose agent `bot` has the mock's OpenAI key, its own rate off (each test sets the
/// limits it is about), and prices that make sums easy: input free, output $1000 per million
/// tokens ($0.001 a token).
fn setup(env: &Env, mock: &LlmMock) -> String {
    env.init();
    common::add_provider_at(env, "openai", &mock.base_url("/v1"), KEY);
    env.ok(&["attach", "bot", "OPENAI_API_KEY"]);
    env.ok(&["agent", "set", "bot", "--rate", "openai=off"]);
    let pricing = env.home.join(".config/vault/pricing.toml");
    std::fs::create_dir_all(pricing.parent().unwrap()).unwrap();
    std::fs::write(
        &pricing,
        "[openai]\n\"gpt-4o-mini\" = { input = 0.0, output = 1000.0 }\n",
    )
    .unwrap();
    env.ok(&["agent", "token", "bot"]).trim().to_owned()
}

fn client() -> reqwest::blocking::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::new()
}

/// A chat request allowing `max_tokens` of output, streamed or not.
fn chat(max_tokens: u64, stream: bool) -> String {
    serde_json::json!({
        "model": "gpt-4o-mini",
        "max_tokens": max_tokens,
        "stream": stream,
        "messages": [{"role": "user", "content": "hi"}],
    })
    .to_string()
}

fn post(proxy: &str, token: &str, body: &str) -> reqwest::blocking::Response {
    client()
        .post(format!("{proxy}/openai/v1/chat/completions"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .expect("request through the proxy")
}

fn json(response: reqwest::blocking::Response) -> Value {
    serde_json::from_slice(&response.bytes().unwrap()).expect("a JSON answer")
}

fn header(response: &reqwest::blocking::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

/// Waits, when the clock's current hour ends within a minute, for the next one: the limits
/// these tests set are per hour, and a test must not see its window start again midway.
fn clear_of_the_hour_s_end() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let left = 3600 - now % 3600;
    if left < 60 {
        std::thread::sleep(Duration::from_secs(left + 1));
    }
}

#[test]
fn two_keyless_runs_of_one_agent_share_one_rate() {
    clear_of_the_hour_s_end();
    let env = Env::new();
    let mock = LlmMock::start(KEY);
    setup(&env, &mock);
    env.ok(&["agent", "set", "bot", "--requests", "10/1h"]);
    let show = env.ok(&["agent", "show", "bot"]);
    assert!(show.contains("Limits on requests: 10/3600s"), "{show}");
    // Each run waits for the other to start, then sends 8 requests: 16 in all against a
    // limit of 10 an hour, through two proxies at once.
    let script = r#"
import json, os, sys, time, urllib.request, urllib.error
open(sys.argv[1], "w").close()
while not all(os.path.exists(p) for p in sys.argv[1:3]):
    time.sleep(0.01)
codes = []
for _ in range(8):
    request = urllib.request.Request(
        os.environ["OPENAI_BASE_URL"] + "/chat/completions",
        data=b'{"model":"gpt-4o-mini","messages":[]}',
        headers={"authorization": "Bearer " + os.environ["OPENAI_API_KEY"],
                 "content-type": "application/json"})
    try:
        with urllib.request.urlopen(request) as answer:
            codes.append([answer.status, answer.headers.get("x-ratelimit-limit")])
    except urllib.error.HTTPError as e:
        body = json.loads(e.read())
        codes.append([e.code, body["error"]["code"], body["error"]["retry_after"],
                      e.headers.get("retry-after")])
print(json.dumps(codes))
"#;
    let run = |mine: &str, theirs: &str| {
        let mut cmd = env.cmd();
        cmd.args([
            "run",
            "bot",
            "--keyless",
            "--no-sandbox",
            "--",
            "python3",
            "-c",
            script,
        ])
        .arg(env.path(mine))
        .arg(env.path(theirs))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
        cmd.spawn().expect("vault run")
    };
    let (a, b) = (run("a", "b"), run("b", "a"));
    let mut codes = Vec::new();
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mine: Vec<Value> = serde_json::from_slice(&out.stdout).expect("the client's codes");
        codes.extend(mine);
    }
    let passed: Vec<&Value> = codes.iter().filter(|c| c[0] == 200).collect();
    let refused: Vec<&Value> = codes.iter().filter(|c| c[0] == 429).collect();
    assert_eq!(passed.len(), 10, "{codes:?}");
    assert_eq!(refused.len(), 6, "{codes:?}");
    for answer in passed {
        assert_eq!(answer[1], "10", "{answer}");
    }
    for refusal in refused {
        assert_eq!(refusal[1], "rate_limited");
        let retry = refusal[2].as_u64().unwrap();
        assert!((1..=3600).contains(&retry), "{refusal}");
        assert_eq!(refusal[3].as_str().unwrap(), retry.to_string());
    }
    assert_eq!(
        mock.seen().len(),
        10,
        "refused requests reached the provider"
    );
}

#[test]
fn answers_say_what_is_left_and_warn_from_80_percent() {
    clear_of_the_hour_s_end();
    let env = Env::new();
    let mock = LlmMock::start(KEY);
    let token = setup(&env, &mock);
    env.ok(&["agent", "set", "bot", "--requests", "5/1h"]);
    let proxy = Proxy::start(&env);
    for n in 1..=5u64 {
        let answer = post(&proxy.url, &token, &chat(7, false));
        assert_eq!(answer.status().as_u16(), 200);
        assert_eq!(header(&answer, "x-ratelimit-limit").as_deref(), Some("5"));
        let remaining: u64 = header(&answer, "x-ratelimit-remaining")
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(remaining, 5 - n);
        let reset: u64 = header(&answer, "x-ratelimit-reset")
            .unwrap()
            .parse()
            .unwrap();
        assert!(reset <= 3600, "{reset}");
        // 4 of 5 is 80 %.
        let warning = header(&answer, "x-ratelimit-warning");
        assert_eq!(warning.is_some(), n >= 4, "{n}: {warning:?}");
        if let Some(warning) = warning {
            assert!(
                warning.contains("bot") && warning.contains("%"),
                "{warning}"
            );
        }
    }
    let refused = post(&proxy.url, &token, &chat(7, false));
    assert_eq!(refused.status().as_u16(), 429);
    assert_eq!(
        header(&refused, "x-ratelimit-remaining").as_deref(),
        Some("0")
    );
    let retry = header(&refused, "retry-after").unwrap();
    let body: Value = json(refused);
    assert_eq!(body["error"]["type"], "rate_limit_error");
    assert_eq!(body["error"]["retry_after"].to_string(), retry);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("limit of 5/3600s requests"),
        "{body}"
    );

    // Tokens: each plain answer uses 18; a limit of 30 an hour admits two, then refuses.
    env.ok(&[
        "agent",
        "set",
        "bot",
        "--requests",
        "off",
        "--tokens",
        "30/1h",
    ]);
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(post(&proxy.url, &token, &chat(7, false)).status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 429]);
    assert_eq!(mock.seen().len(), 7);
}

/// Sends 32 streams at once, alternating between `proxies`. Streams hold until the mock is
/// released, so whatever is admitted stays under way: the mock is released once it has seen
/// `admitted` of them and the rest have had time to be refused. `refused` checks each refusal's
/// JSON. Returns every status.
fn thirty_two_streams(
    proxies: &[Proxy],
    token: &str,
    mock: &LlmMock,
    admitted: usize,
    refused: impl Fn(&Value) + Sync,
) -> Vec<u16> {
    std::thread::scope(|scope| {
        let sent: Vec<_> = (0..32)
            .map(|i| {
                let (url, refused) = (&proxies[i % proxies.len()].url, &refused);
                scope.spawn(move || {
                    let answer = post(url, token, &chat(17, true));
                    let status = answer.status().as_u16();
                    if status == 200 {
                        answer.bytes().unwrap();
                    } else {
                        refused(&json(answer));
                    }
                    status
                })
            })
            .collect();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while mock.seen().len() < admitted && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(500));
        mock.release();
        sent.into_iter().map(|t| t.join().unwrap()).collect()
    })
}

#[test]
fn a_concurrency_cap_holds_under_32_parallel_requests_through_two_proxies() {
    let env = Env::new();
    let mock = LlmMock::start(KEY);
    let token = setup(&env, &mock);
    env.ok(&["agent", "set", "bot", "--concurrency", "4"]);
    let proxies = [Proxy::start(&env), Proxy::start(&env)];
    let statuses = thirty_two_streams(&proxies, &token, &mock, 4, |body| {
        assert_eq!(body["error"]["code"], "concurrency_limited", "{body}");
    });
    let admitted = statuses.iter().filter(|&&s| s == 200).count();
    assert_eq!(admitted, 4, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&s| s == 429).count(), 28);
    assert_eq!(mock.seen().len(), 4);
    // Once they have ended, the agent may have 4 under way again.
    for proxy in &proxies {
        assert_eq!(post(&proxy.url, &token, &chat(7, false)).status(), 200);
    }
}

#[test]
fn concurrent_requests_cannot_spend_past_a_budget() {
    let env = Env::new();
    let mock = LlmMock::start(KEY);
    let token = setup(&env, &mock);
    // A stream allowing 17 tokens may cost $0.017, and the mock's costs just that: a budget
    // of $0.1705 holds 10.
    env.ok(&["agent", "set", "bot", "--budget", "0.1705usd/day"]);
    let proxies = [Proxy::start(&env), Proxy::start(&env)];
    let statuses = thirty_two_streams(&proxies, &token, &mock, 10, |body| {
        assert_eq!(body["error"]["code"], "budget_exceeded", "{body}");
        assert_eq!(body["error"]["budget"], "0.1705usd/day");
        assert!(body["error"]["resets_at"].is_string(), "{body}");
    });
    assert_eq!(
        statuses.iter().filter(|&&s| s == 200).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|&&s| s == 402).count(), 22);
    assert_eq!(mock.seen().len(), 10);
    let usage = common::usage_with(&env, &["--agent", "bot"], 10);
    let spent = usage["total"]["cost_usd"].as_f64().unwrap();
    let (_, output) = llm::OPENAI_STREAM;
    assert!(
        (spent - 10.0 * output as f64 * 0.001).abs() < 1e-9,
        "{spent}"
    );
    assert!(spent <= 0.1705, "{spent}");
    drop(proxies);
    // What was left ($0.0005) cannot pay for another.
    let proxy = Proxy::start(&env);
    let refused = post(&proxy.url, &token, &chat(17, false));
    assert_eq!(refused.status().as_u16(), 402);
    let body: Value = json(refused);
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("0.1705usd/day"), "{message}");
    assert!(message.contains("starts again at"), "{message}");
}

#[test]
fn a_client_that_hangs_up_gives_its_reservation_back() {
    let env = Env::new();
    let mock = LlmMock::start(KEY);
    let token = setup(&env, &mock);
    // Room for one stream's most ($0.017) at a time, not two.
    env.ok(&["agent", "set", "bot", "--budget", "0.03usd/total"]);
    let proxy = Proxy::start(&env);
    let mut first = post(&proxy.url, &token, &chat(17, true));
    assert_eq!(first.status().as_u16(), 200);
    let mut chunk = [0u8; 64];
    use std::io::Read as _;
    let _ = first.read(&mut chunk).unwrap();
    // While it is under way, a second does not fit.
    assert_eq!(
        post(&proxy.url, &token, &chat(17, false)).status().as_u16(),
        402
    );
    // The client leaves; the provider's stream goes on, and the proxy finds the client gone.
    drop(first);
    mock.release();
    let usage = common::usage_with(&env, &["--agent", "bot"], 1);
    assert_eq!(usage["total"]["requests"], 1, "{usage}");
    let spent = usage["total"]["cost_usd"].as_f64().unwrap();
    assert!(spent <= 0.017 + 1e-9, "{spent}");
    // What it did not use is free again: $0.03 less what it was charged fits one more.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let status = post(&proxy.url, &token, &chat(7, false)).status().as_u16();
        if status == 200 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the reservation was never given back ({status})"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_plain_answer_left_unread_is_charged_whole() {
    let env = Env::new();
    let mock = LlmMock::start(KEY);
    let token = setup(&env, &mock);
    env.ok(&["agent", "set", "bot", "--budget", "1usd/day"]);
    let proxy = Proxy::start(&env);
    let slow = serde_json::json!({
        "model": "gpt-4o-mini", "max_tokens": 7, "user": "slow-body", "messages": [],
    })
    .to_string();
    for _ in 0..5 {
        // Headers read, body never (it comes later): the provider made, and billed, the
        // whole answer.
        let answer = post(&proxy.url, &token, &slow);
        assert_eq!(answer.status().as_u16(), 200);
        drop(answer);
    }
    mock.release();
    let usage = common::usage_with(&env, &["--agent", "bot"], 5);
    let (input, output) = llm::OPENAI_PLAIN;
    assert_eq!(usage["total"]["input_tokens"], 5 * input, "{usage}");
    assert_eq!(usage["total"]["output_tokens"], 5 * output, "{usage}");
}

#[test]
fn a_run_has_a_budget_of_its_own() {
    let env = Env::new();
    let mock = LlmMock::start(KEY);
    setup(&env, &mock);
    // Each request may cost $0.007 and does: $0.0175 holds two of them, a third does not fit.
    let script = r#"
import json, os, urllib.request, urllib.error
codes = []
for _ in range(3):
    request = urllib.request.Request(
        os.environ["OPENAI_BASE_URL"] + "/chat/completions",
        data=b'{"model":"gpt-4o-mini","max_tokens":7,"messages":[]}',
        headers={"authorization": "Bearer " + os.environ["OPENAI_API_KEY"],
                 "content-type": "application/json"})
    try:
        with urllib.request.urlopen(request) as answer:
            codes.append([answer.status])
    except urllib.error.HTTPError as e:
        codes.append([e.code, json.loads(e.read())["error"]["message"]])
print(json.dumps(codes))
"#;
    let args = [
        "run",
        "bot",
        "--keyless",
        "--no-sandbox",
        "--budget",
        "0.0175usd",
        "--",
        "python3",
        "-c",
        script,
    ];
    for _ in 0..2 {
        let out = env.ok(&args);
        let codes: Vec<Value> = serde_json::from_str(&out).expect("the client's codes");
        assert_eq!(codes[0][0], 200, "{codes:?}");
        assert_eq!(codes[1][0], 200, "{codes:?}");
        assert_eq!(codes[2][0], 402, "{codes:?}");
        let message = codes[2][1].as_str().unwrap();
        assert!(message.contains("this run"), "{message}");
    }
    // A run's budget is kept by the keyless proxy: asked of a run with the keys, refused.
    let before = env.snapshot();
    for (args, says) in [
        (
            &["run", "bot", "--budget", "1usd", "--", "true"][..],
            "--keyless",
        ),
        (
            &["run", "bot", "--keyless", "--budget", "0usd", "--", "true"][..],
            "above 0",
        ),
    ] {
        // Usage errors: exit 2, saying what to give.
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
        assert!(
            common::stderr(&out).contains(says),
            "{}",
            common::stderr(&out)
        );
    }
    env.assert_unchanged(&before);
}
