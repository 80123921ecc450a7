//! Keyless scopes end to end, through `vault proxy` against the mock provider: models are
//! checked wherever the provider reads one (body, path, query, form), patterns match by the
//! documented rule, every endpoint class outside the scope is refused, and the provider never
//! sees a refused request. The organization and project a request bills are the agent's
//! settings', never its own headers.

mod common;

use common::llm::LlmMock;
use common::{Env, Proxy};
use serde_json::Value;

const OPENAI_KEY: &str = "sk-proj-SCOPEDkeyNeverLeaves0123456789abcd";
const GEMINI_KEY: &str = "AIzaSySCOPEDkeyNeverLeaves0123456789ab";

fn client() -> reqwest::blocking::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::new()
}

struct Setup {
    env: Env,
    openai: LlmMock,
    gemini: LlmMock,
    proxy: Proxy,
    token: String,
}

fn setup() -> Setup {
    let env = Env::new();
    env.init();
    let openai = LlmMock::start(OPENAI_KEY);
    let gemini = LlmMock::start(GEMINI_KEY);
    for (provider, mock, path, key, entry) in [
        ("openai", &openai, "/v1", OPENAI_KEY, "OPENAI_API_KEY"),
        ("gemini", &gemini, "/v1beta", GEMINI_KEY, "GEMINI_API_KEY"),
    ] {
        common::add_provider_at(&env, provider, &mock.base_url(path), key);
        env.ok(&["attach", "bot", entry]);
    }
    env.ok(&[
        "agent",
        "set",
        "bot",
        "--models",
        "openai=gpt-4o-mini,gpt-4.1*",
        "--models",
        "gemini=gemini-2.0-flash",
        "--endpoints",
        "chat,models",
    ]);
    let token = env.ok(&["agent", "token", "bot"]).trim().to_owned();
    let proxy = Proxy::start(&env);
    Setup {
        env,
        openai,
        gemini,
        proxy,
        token,
    }
}

impl Setup {
    /// A request through the proxy: its status and JSON error code (if any).
    fn send(&self, method: &str, path: &str, content_type: &str, body: &str) -> (u16, String) {
        let url = format!("{}{path}", self.proxy.url);
        let request = match method {
            "GET" => client().get(url),
            _ => client().post(url),
        };
        let response = request
            .bearer_auth(&self.token)
            .header("x-goog-api-key", &self.token)
            .header("content-type", content_type)
            .body(body.to_owned())
            .send()
            .expect("request through the proxy");
        let status = response.status().as_u16();
        let text = response.text().unwrap();
        let code = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v["error"]["code"].as_str().map(str::to_owned))
            .unwrap_or_default();
        (status, format!("{code} {text}"))
    }

    fn chat(&self, model: &str, query: &str) -> (u16, String) {
        let body =
            format!(r#"{{"model":"{model}","messages":[{{"role":"user","content":"hi"}}]}}"#);
        self.send(
            "POST",
            &format!("/openai/v1/chat/completions{query}"),
            "application/json",
            &body,
        )
    }

    fn calls(&self) -> usize {
        self.openai.seen().len() + self.gemini.seen().len()
    }
}

fn refused(answer: &(u16, String), needle: &str) {
    assert_eq!(answer.0, 403, "{}", answer.1);
    assert!(answer.1.starts_with("out_of_scope "), "{}", answer.1);
    assert!(answer.1.contains(needle), "{needle}: {}", answer.1);
}

#[test]
fn models_are_checked_wherever_the_provider_reads_them() {
    let s = setup();
    // The rule: exact names, and prefixes ending in *. Both sides of each edge.
    for allowed in ["gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1x"] {
        assert_eq!(s.chat(allowed, "").0, 200, "{allowed}");
    }
    let served = s.calls();
    for other in [
        "gpt-4o",
        "gpt-4o-mini-2024-07-18",
        "GPT-4o-mini",
        "gpt-4",
        "gpt-4.2",
    ] {
        refused(&s.chat(other, ""), &format!("model {other} of openai"));
    }
    // An allowed model in the body does not cover another in the query (a known bypass).
    refused(
        &s.chat("gpt-4o-mini", "?model=gpt-4o"),
        "model gpt-4o of openai",
    );
    // No model at all, or one that is not a name: refused.
    refused(
        &s.send(
            "POST",
            "/openai/v1/chat/completions",
            "application/json",
            "{}",
        ),
        "names none",
    );
    refused(
        &s.send(
            "POST",
            "/openai/v1/chat/completions",
            "application/json",
            r#"{"model":["gpt-4o-mini"]}"#,
        ),
        "of openai",
    );
    // Gemini reads its model from the path.
    let generate = |model: &str| {
        s.send(
            "POST",
            &format!("/gemini/v1beta/models/{model}:generateContent"),
            "application/json",
            r#"{"contents":[{"parts":[{"text":"hi"}]}]}"#,
        )
    };
    refused(
        &generate("gemini-1.5-pro"),
        "model gemini-1.5-pro of gemini",
    );
    assert_eq!(s.calls(), served, "the provider saw a refused request");
    assert_eq!(generate("gemini-2.0-flash").0, 200);
    // Listing models names none and needs none.
    assert_eq!(s.send("GET", "/openai/v1/models", "", "").0, 200);
}

#[test]
fn every_endpoint_class_outside_the_scope_is_refused() {
    let s = setup();
    let json = "application/json";
    let cases = [
        (
            "POST",
            "/openai/v1/embeddings",
            json,
            r#"{"model":"gpt-4o-mini","input":"x"}"#,
            "embeddings",
        ),
        (
            "POST",
            "/openai/v1/audio/speech",
            json,
            r#"{"model":"gpt-4o-mini","input":"x"}"#,
            "audio",
        ),
        (
            "POST",
            "/openai/v1/images/generations",
            json,
            r#"{"model":"gpt-4o-mini"}"#,
            "images",
        ),
        (
            "POST",
            "/openai/v1/moderations",
            json,
            r#"{"model":"gpt-4o-mini"}"#,
            "moderation",
        ),
        ("GET", "/openai/v1/files", "", "", "files"),
        ("POST", "/openai/v1/uploads", json, "{}", "files"),
        (
            "POST",
            "/openai/v1/fine_tuning/jobs",
            json,
            r#"{"model":"gpt-4o-mini"}"#,
            "fine-tuning",
        ),
        ("POST", "/openai/v1/batches", json, "{}", "batches"),
        ("GET", "/openai/v1/assistants", "", "", "assistants"),
        ("POST", "/openai/v1/threads", json, "{}", "assistants"),
        ("GET", "/openai/v1/vector_stores", "", "", "assistants"),
        (
            "GET",
            "/openai/v1/organization/admin_api_keys",
            "",
            "",
            "admin",
        ),
        ("GET", "/openai/v1/evals", "", "", "other"),
        (
            "POST",
            "/gemini/v1beta/models/gemini-2.0-flash:embedContent",
            json,
            "{}",
            "embeddings",
        ),
    ];
    for (method, path, content_type, body, class) in cases {
        let answer = s.send(method, path, content_type, body);
        refused(&answer, &format!("the {class} endpoints"));
        assert!(answer.1.contains("--endpoints"), "{}", answer.1);
    }
    assert_eq!(s.calls(), 0, "the provider saw a refused request");
    // A scope widened while the proxy runs counts from the next request.
    s.env.ok(&[
        "agent",
        "set",
        "bot",
        "--endpoints",
        "chat,models,embeddings",
    ]);
    let embed = r#"{"model":"gpt-4o-mini","input":"x"}"#;
    assert_eq!(s.send("POST", "/openai/v1/embeddings", json, embed).0, 200);
    s.env.ok(&["agent", "set", "bot", "--all-endpoints"]);
    assert_eq!(s.send("GET", "/openai/v1/files", "", "").0, 200);
}

#[test]
fn an_agent_bills_only_its_own_organization_and_project() {
    let s = setup();
    let sent = |org: Option<&str>| {
        let mut request = client()
            .post(format!("{}/openai/v1/chat/completions", s.proxy.url))
            .bearer_auth(&s.token)
            .header("content-type", "application/json")
            .header("OpenAI-Project", "proj_someone_else")
            .body(r#"{"model":"gpt-4o-mini","messages":[]}"#);
        if let Some(org) = org {
            request = request.header("OpenAI-Organization", org);
        }
        assert_eq!(request.send().unwrap().status().as_u16(), 200);
        let seen = s.openai.seen();
        let last = seen.last().unwrap();
        (
            last.header("openai-organization").map(str::to_owned),
            last.header("openai-project").map(str::to_owned),
        )
    };
    assert_eq!(sent(Some("org-someone-else")), (None, None));
    s.env
        .ok(&["agent", "set", "bot", "--openai-organization", "org-mine"]);
    assert_eq!(
        sent(Some("org-someone-else")),
        (Some("org-mine".into()), None)
    );
    let shown = s.env.ok(&["agent", "show", "bot"]);
    assert!(shown.contains("OpenAI-Organization: org-mine"), "{shown}");
    assert!(
        shown.contains("Models at openai: gpt-4o-mini, gpt-4.1*"),
        "{shown}"
    );
    assert!(shown.contains("Endpoints: chat, models"), "{shown}");
}

#[test]
fn bad_scopes_are_refused_and_change_nothing() {
    let env = Env::new();
    env.init();
    env.ok(&["agent", "create", "bot"]);
    let before = env.snapshot();
    for args in [
        ["--models", "openai=gpt*4"],
        ["--models", "openai=*"],
        ["--models", "nosuch=gpt-4o"],
        ["--models", "gpt-4o"],
        ["--endpoints", "chat,everything"],
        ["--openai-organization", "org a"],
    ] {
        let out = env.run(&[&["agent", "set", "bot"][..], &args[..]].concat());
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            common::stderr(&out)
        );
    }
    env.assert_unchanged(&before);
}
