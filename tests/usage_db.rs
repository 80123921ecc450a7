//! Keyless usage in SQLite: eight `vault proxy` processes serving one agent at once record
//! every request exactly once, `vault usage` and the README's `sqlite3` query agree on the
//! totals, and a usage log from an earlier version is imported once, then left alone.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::llm::{self, LlmMock};
use common::{Env, Proxy};
use serde_json::Value;

const KEY: &str = "sk-proj-USAGEkeyNeverLeaves0123456789abcdef";

fn usage_json(env: &Env, args: &[&str]) -> Value {
    let out = env.ok(&[&["--json", "usage"][..], args].concat());
    serde_json::from_str(&out).expect("usage JSON")
}

fn db_path(env: &Env) -> PathBuf {
    env.home.join(".local/state/vault/usage.db")
}

/// `sqlite3 DB QUERY`, when sqlite3 is there (under CI it must be).
fn sqlite3(db: &std::path::Path, query: &str) -> Option<String> {
    match Command::new("sqlite3").arg(db).arg(query).output() {
        Ok(out) => {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8(out.stdout).unwrap())
        }
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("sqlite3 is required under CI=true (.ci/run installs it)")
        }
        Err(_) => {
            eprintln!("SKIPPED: the sqlite3 check (apt install sqlite3)");
            None
        }
    }
}

#[test]
fn eight_proxies_record_every_request_exactly_once() {
    const PROXIES: usize = 8;
    const REQUESTS: usize = 500;
    const THREADS: usize = 4;
    let env = Env::new();
    env.init();
    let mock = LlmMock::start(KEY);
    common::add_provider_at(&env, "openai", &mock.base_url("/v1"), KEY);
    env.ok(&["attach", "bot", "OPENAI_API_KEY"]);
    env.ok(&["agent", "set", "bot", "--rate", "openai=off"]);
    let token = env.ok(&["agent", "token", "bot"]).trim().to_owned();
    let proxies: Vec<Proxy> = (0..PROXIES).map(|_| Proxy::start(&env)).collect();
    let _ = rustls::crypto::ring::default_provider().install_default();
    std::thread::scope(|scope| {
        for proxy in &proxies {
            for _ in 0..THREADS {
                let (url, token) = (&proxy.url, &token);
                scope.spawn(move || {
                    let client = reqwest::blocking::Client::new();
                    for _ in 0..REQUESTS / THREADS {
                        let answer = client
                            .post(format!("{url}/openai/v1/chat/completions"))
                            .bearer_auth(token)
                            .header("content-type", "application/json")
                            .body(r#"{"model":"gpt-4o-mini","messages":[]}"#)
                            .send()
                            .expect("request");
                        assert_eq!(answer.status().as_u16(), 200);
                        // Read to the end, as clients do (one that leaves early is recorded
                        // with what it was sent by then).
                        answer.bytes().expect("the answer");
                    }
                });
            }
        }
    });
    // Rows are written moments after their answers, by each proxy's writer.
    let total = PROXIES * REQUESTS;
    let usage = common::usage_with(&env, &[], total as u64);
    let (input, output) = llm::OPENAI_PLAIN;
    assert_eq!(usage["total"]["requests"], total as u64, "{usage}");
    assert_eq!(usage["total"]["input_tokens"], total as u64 * input);
    assert_eq!(usage["total"]["output_tokens"], total as u64 * output);
    drop(proxies);
    let cost = usage["total"]["cost_usd"].as_f64().unwrap();
    assert!(cost > 0.0);
    // The README's query gives the same totals.
    let Some(out) = sqlite3(
        &db_path(&env),
        "SELECT agent_id, service, COUNT(*), SUM(tokens_used), ROUND(SUM(cost_usd), 6) \
         FROM usage GROUP BY agent_id, service",
    ) else {
        return;
    };
    let expected = format!(
        "bot|openai|{total}|{}|{}",
        total as u64 * (input + output),
        (cost * 1e6).round() / 1e6
    );
    assert_eq!(out.trim(), expected);
    let runs = sqlite3(&db_path(&env), "SELECT COUNT(DISTINCT run_id) FROM usage").unwrap();
    assert_eq!(runs.trim(), PROXIES.to_string());
}

#[test]
fn an_old_usage_log_is_imported_once_then_left_alone() {
    let env = Env::new();
    env.init();
    let vault = std::fs::canonicalize(env.vault_path()).unwrap();
    let state = env.home.join(".local/state/vault");
    std::fs::create_dir_all(&state).unwrap();
    let line = |time: &str, vault: &std::path::Path, model: &str| {
        serde_json::json!({
            "time": time, "vault": vault, "agent": "bot", "provider": "openai",
            "model": model, "status": 200, "input_tokens": 10, "output_tokens": 5,
            "cost_usd": 0.25,
        })
        .to_string()
            + "\n"
    };
    let old = state.join("usage.log");
    let text = [
        line("2026-11-30T10:00:00Z", &vault, "gpt-4o"),
        line("2026-12-01T09:00:00Z", &vault, "gpt-4o-mini"),
        line(
            "2026-12-01T09:00:00Z",
            std::path::Path::new("/another/vault.age"),
            "x",
        ),
    ]
    .concat();
    common::write_private(&old, text.as_bytes());
    let usage = usage_json(&env, &[]);
    assert_eq!(usage["total"]["requests"], 2, "{usage}");
    assert_eq!(usage["total"]["cost_usd"], 0.5);
    // Appended to after the import: left alone.
    let mut more = text.clone();
    more += &line("2026-12-01T11:00:00Z", &vault, "gpt-4o");
    common::write_private(&old, more.as_bytes());
    assert_eq!(usage_json(&env, &[])["total"]["requests"], 2);

    // Grouped by day, as JSON and CSV.
    let by_day = usage_json(&env, &["--by", "day"]);
    let days: Vec<&str> = by_day["usage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["day"].as_str().unwrap())
        .collect();
    assert_eq!(days, ["2026-11-30", "2026-12-01"]);
    let csv = env.ok(&["usage", "--by", "agent,model", "--csv"]);
    assert_eq!(
        csv,
        "agent,model,requests,input_tokens,output_tokens,cost_usd\n\
         bot,gpt-4o,1,10,5,0.250000\nbot,gpt-4o-mini,1,10,5,0.250000\n"
    );
    let table = env.ok(&["usage", "--by", "provider"]);
    assert!(
        table.contains("PROVIDER") && table.contains("TOTAL"),
        "{table}"
    );
    // The database is the user's alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(db_path(&env))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
    let out = env.run(&["usage", "--by", "week"]);
    assert_eq!(out.status.code(), Some(2));
    let out = env.run(&["--json", "usage", "--csv"]);
    assert_eq!(out.status.code(), Some(2));
}
