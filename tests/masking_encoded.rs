//! Encoded secrets are masked too: `vault run --mask always` hides an attached secret of 8
//! characters or more also as base64 (standard and URL-safe, with and without padding),
//! percent-encoded (upper- and lower-case hex) and escaped in a JSON string (as serde_json
//! writes it, with `\/`, and with every ASCII character but letters and digits as `\u00XX` in
//! either case): written whole or a byte at a time, with the text around passing unchanged.
//! A shorter secret is masked only as it is. `vault proxy` scrubs the same forms of a real key
//! from the answers it passes on.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Output;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use common::*;

/// A secret whose forms all differ: `+` and `/` in its standard base64, padding, bytes a URL
/// encoder writes with letters in their hex, and `"`, `\` and `/` for JSON.
const PUNCTUATED: &str = r#"sk-~~~???a/b"c\d e!"#;

/// Seven characters: masked as it is, its encodings left alone.
const SHORT: &str = "q!8Zr%w";

/// The forms of `secret` masking is to catch, named; worked out here, apart from vault's code.
fn forms(secret: &str) -> Vec<(&'static str, String)> {
    let bytes = secret.as_bytes();
    let percent = |upper: bool| -> String {
        bytes
            .iter()
            .map(|&b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    char::from(b).to_string()
                }
                _ if upper => format!("%{b:02X}"),
                _ => format!("%{b:02x}"),
            })
            .collect()
    };
    let json = serde_json::to_string(secret).unwrap();
    let json = json[1..json.len() - 1].to_owned();
    let unicode = |upper: bool| -> String {
        secret
            .chars()
            .map(|c| match c {
                c if c.is_ascii_alphanumeric() || !c.is_ascii() => c.to_string(),
                c if upper => format!("\\u{:04X}", u32::from(c)),
                c => format!("\\u{:04x}", u32::from(c)),
            })
            .collect()
    };
    vec![
        ("as it is", secret.to_owned()),
        ("base64", STANDARD.encode(bytes)),
        ("base64 unpadded", STANDARD_NO_PAD.encode(bytes)),
        ("base64url", URL_SAFE.encode(bytes)),
        ("base64url unpadded", URL_SAFE_NO_PAD.encode(bytes)),
        ("percent %XX", percent(true)),
        ("percent %xx", percent(false)),
        ("JSON", json.clone()),
        ("JSON \\/", json.replace('/', "\\/")),
        ("JSON \\u00xx", unicode(false)),
        ("JSON \\u00XX", unicode(true)),
    ]
}

/// A vault with the canary (OPENAI_API_KEY) and a database URL attached to agent `a`, as in
/// the other run tests, and PUNCTUATED and SHORT too.
fn agent_env() -> Env {
    let env = agent_with_values("a");
    env.ok_with_stdin(&["secret", "add", "PUNCTUATED"], PUNCTUATED.as_bytes());
    env.ok_with_stdin(&["secret", "add", "SHORT"], SHORT.as_bytes());
    env.ok(&["attach", "a", "PUNCTUATED", "SHORT"]);
    env
}

/// What the child prints, one form on a line between markers, and what must come out.
fn output_and_expected() -> (String, String) {
    let (mut output, mut expected) = (String::new(), String::new());
    for secret in [PUNCTUATED, CANARY] {
        for (name, form) in forms(secret) {
            output.push_str(&format!("{name}: <{form}> ok\n"));
            expected.push_str(&format!("{name}: <***> ok\n"));
        }
    }
    for (name, form) in forms(SHORT) {
        output.push_str(&format!("short {name}: <{form}> ok\n"));
        if form == SHORT {
            expected.push_str(&format!("short {name}: <***> ok\n"));
        } else {
            expected.push_str(&format!("short {name}: <{form}> ok\n"));
        }
    }
    // No newline at the end: the byte-at-a-time child reads the file with $(...).
    output.push_str("end");
    expected.push_str("end");
    (output, expected)
}

/// `vault run a --mask always -- sh -c SCRIPT sh FILE`, the output in FILE.
fn run_printing(env: &Env, script: &str, output: &str) -> Output {
    let file = env.path("work/forms.txt");
    std::fs::write(&file, output).unwrap();
    let file = file.to_str().unwrap();
    env.run(&[
        "run", "a", "--mask", "always", "--", "sh", "-c", script, "sh", file,
    ])
}

fn assert_masked(out: &Output, expected: &str) {
    assert_success(out, &["run"]);
    let shown = String::from_utf8_lossy(&out.stdout);
    for secret in [PUNCTUATED, CANARY] {
        for (name, form) in forms(secret) {
            assert!(!shown.contains(&form), "{name} of a secret shows:\n{shown}");
        }
    }
    assert_eq!(shown, expected);
}

#[test]
fn every_encoded_form_of_a_secret_is_masked() {
    // The forms really differ from each other (else a test of one would stand for another).
    for secret in [PUNCTUATED, "sk-canary-7Qz9XvLm2Rt8WpYb"] {
        let forms = forms(secret);
        let mut distinct: Vec<&String> = forms.iter().map(|(_, f)| f).collect();
        distinct.sort();
        distinct.dedup();
        let expected = if secret == PUNCTUATED { 11 } else { 5 };
        assert_eq!(distinct.len(), expected, "{secret}: {forms:?}");
    }
    let env = agent_env();
    let (output, expected) = output_and_expected();
    let out = run_printing(&env, "cat \"$1\"", &output);
    assert_masked(&out, &expected);
}

#[test]
fn encoded_forms_written_a_byte_at_a_time_are_masked() {
    let env = agent_env();
    let (output, expected) = output_and_expected();
    // Each byte its own write; a pause after every seventh, so that vault reads every form
    // (11 bytes at least) in pieces.
    let script = "s=$(cat \"$1\"); i=0; while [ -n \"$s\" ]; do rest=\"${s#?}\"; \
                  printf '%s' \"${s%\"$rest\"}\"; s=\"$rest\"; i=$((i + 1)); \
                  [ $((i % 7)) -ne 0 ] || sleep 0.005; done";
    let out = run_printing(&env, script, &output);
    assert_masked(&out, &expected);
    // On stderr as well.
    let out = run_printing(&env, &format!("{{ {script}; }} >&2"), &output);
    assert_success(&out, &["run"]);
    assert_eq!(stderr(&out), expected);
}

/// A provider on loopback whose every answer holds each form of `key`, one a line, in the
/// body (sent a byte at a time) and in a header; returns its address.
fn echoing_provider(key: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let body: String = forms(key)
        .into_iter()
        .map(|(name, form)| format!("{name}: <{form}> ok\n"))
        .collect();
    let header = STANDARD.encode(key);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            // The request's head; a GET has no body.
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            let mut stream = reader.into_inner();
            stream.set_nodelay(true).unwrap();
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\
                 x-echo-key: Basic {header}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            for (i, byte) in body.bytes().enumerate() {
                let _ = stream.write_all(&[byte]);
                let _ = stream.flush();
                if i % 7 == 6 {
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
        }
    });
    format!("http://{addr}/v1")
}

#[test]
fn the_proxy_scrubs_encoded_forms_of_a_real_key() {
    // An OpenAI-shaped key: letters, digits, `-` and `_`, so base64 (padded, its two
    // alphabets alike) and the \u00XX forms differ from it.
    let key = "sk-proj-Tq8vZ_3mWkP0xR7bLc2NfYh5DsJ9eGuA1oIl";
    let env = Env::new();
    env.init();
    let upstream = echoing_provider(key);
    env.ok_with_stdin(
        &["provider", "add", "openai", "--base-url", &upstream],
        key.as_bytes(),
    );
    env.ok(&["attach", "bot", "OPENAI_API_KEY"]);
    let token = env.ok(&["agent", "token", "bot"]).trim().to_owned();
    let proxy = Proxy::start(&env);

    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = reqwest::blocking::Client::new()
        .get(format!("{}/openai/v1/models", proxy.url))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .expect("request through the proxy");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["x-echo-key"], "Basic ***");
    let mut body = String::new();
    response.take(1 << 20).read_to_string(&mut body).unwrap();
    let expected: String = forms(key)
        .into_iter()
        .map(|(name, _)| format!("{name}: <***> ok\n"))
        .collect();
    assert_eq!(body, expected);
}
