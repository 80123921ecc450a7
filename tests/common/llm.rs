//! A mock OpenAI, Anthropic and Gemini API on loopback, for keyless mode: chat completions,
//! messages, Gemini's generateContent (any API version) and OpenAI's Responses API (plain,
//! streamed, and over a WebSocket), with fixed usage figures. It answers 401 (echoing the key it
//! got, as OpenAI does) to anything but the one good key, and echoes the good key too, in a
//! header and in every body, so tests can prove the proxy scrubs it. A stream stops after its
//! first event until the test releases it (or 20 s pass), so a test can tell that the first
//! event reached the client before the rest existed.

use std::io::{BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

/// The usage figures the mock reports: (input, output) tokens.
pub const OPENAI_PLAIN: (u64, u64) = (11, 7);
pub const OPENAI_STREAM: (u64, u64) = (13, 17);
pub const ANTHROPIC_PLAIN: (u64, u64) = (21, 9);
pub const ANTHROPIC_STREAM: (u64, u64) = (23, 19);
pub const GEMINI_PLAIN: (u64, u64) = (5, 3);
pub const GEMINI_STREAM: (u64, u64) = (6, 4);
/// Each response of the Responses API, over HTTP or a WebSocket.
pub const RESPONSES: (u64, u64) = (31, 5);

#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Shared {
    seen: Mutex<Vec<Seen>>,
    /// Streams wait for this; `released_by_test` says whether the wait ended by release.
    released: Mutex<bool>,
    wake: Condvar,
    released_in_time: Mutex<Vec<bool>>,
    /// Streams whose rest could not be written: the client (or proxy) had gone.
    broken: Mutex<usize>,
    /// Keys accepted besides the one the mock started with (a rotated key); answers still
    /// echo the first.
    also_accepted: Mutex<Vec<String>>,
}

pub struct LlmMock {
    pub addr: SocketAddr,
    good_key: String,
    shared: Arc<Shared>,
}

impl LlmMock {
    pub fn start(good_key: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let shared = Arc::new(Shared::default());
        let (key, state) = (good_key.to_owned(), Arc::clone(&shared));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (key, state) = (key.clone(), Arc::clone(&state));
                std::thread::spawn(move || serve(stream, &key, &state));
            }
        });
        Self {
            addr,
            good_key: good_key.to_owned(),
            shared,
        }
    }

    /// Accepts `key` too from now on (a key rotated at the provider).
    #[allow(dead_code)]
    pub fn also_accept(&self, key: &str) {
        self.shared
            .also_accepted
            .lock()
            .unwrap()
            .push(key.to_owned());
    }

    /// The endpoint to store with `vault provider add … --base-url`.
    pub fn base_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }

    /// Lets waiting streams (and every later one) go on.
    pub fn release(&self) {
        *self.shared.released.lock().unwrap() = true;
        self.shared.wake.notify_all();
    }

    /// For each stream so far: whether the test released it (rather than the timeout).
    pub fn released_in_time(&self) -> Vec<bool> {
        self.shared.released_in_time.lock().unwrap().clone()
    }

    pub fn broken_streams(&self) -> usize {
        *self.shared.broken.lock().unwrap()
    }

    pub fn good_key(&self) -> &str {
        &self.good_key
    }

    /// Stores `key` in `env`'s vault as the openai provider key, its endpoint this mock, and
    /// attaches it to `agent`.
    pub fn serve_openai_key(&self, env: &super::Env, key: &str, agent: &str) {
        env.ok_with_stdin(
            &[
                "provider",
                "add",
                "openai",
                "--base-url",
                &self.base_url("/v1"),
            ],
            key.as_bytes(),
        );
        env.ok(&["attach", agent, "OPENAI_API_KEY"]);
    }

    /// The JSON lines a client fixture prints on `stdout`, releasing this mock's streams as
    /// soon as the client says the first text arrived (`first-delta`).
    pub fn client_lines(&self, stdout: impl Read) -> Vec<Value> {
        use std::io::BufRead as _;
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            let value: Value = serde_json::from_str(&line)
                .unwrap_or_else(|_| panic!("not a JSON line from the client: {line}"));
            if value["event"] == "first-delta" {
                self.release();
            }
            lines.push(value);
        }
        lines
    }
}

fn serve(stream: TcpStream, good_key: &str, shared: &Shared) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut stream = stream;
    loop {
        let Some(super::mock::Request { path, headers, .. }) = super::mock::read_head(&mut reader)
        else {
            return;
        };
        let length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let seen = Seen {
            path,
            headers,
            body,
        };
        shared.seen.lock().unwrap().push(seen.clone());
        let given = given_key(&seen);
        let upgrade = seen
            .header("upgrade")
            .is_some_and(|u| u.eq_ignore_ascii_case("websocket"));
        if upgrade {
            websocket(stream, &seen, &given, good_key, shared);
            return;
        }
        let ok = if seen.path.contains("/gzip/") {
            // A provider that compresses although asked not to.
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n\
                 Content-Length: 4\r\n\r\n\x1f\u{8b}\x08\x00"
            )
            .is_ok()
        } else if given != good_key && !shared.also_accepted.lock().unwrap().contains(&given) {
            let body = json!({"error": {"message": format!("Incorrect API key provided: {given}"), "type": "invalid_request_error"}});
            respond(&mut stream, "401 Unauthorized", good_key, &body.to_string())
        } else if seen.body["stream"] == json!(true) || seen.path.contains(":streamGenerateContent")
        {
            stream_answer(&mut stream, &seen, good_key, shared);
            return;
        } else if seen.body["user"] == "slow-body" {
            // The head at once, the body when the test releases it (a slow provider).
            let body = plain_answer(&seen, good_key).to_string();
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            if stream.write_all(head.as_bytes()).is_err() || stream.flush().is_err() {
                return;
            }
            wait_for_release(shared);
            stream.write_all(body.as_bytes()).is_ok()
        } else {
            let body = plain_answer(&seen, good_key);
            respond(&mut stream, "200 OK", good_key, &body.to_string())
        };
        if !ok {
            return;
        }
    }
}

/// The key a request carries: a bearer token, `x-api-key`, `x-goog-api-key` or `?key=`.
fn given_key(seen: &Seen) -> String {
    let query_key = seen.path.split_once('?').and_then(|(_, query)| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("key="))
            .map(str::to_owned)
    });
    seen.header("authorization")
        .map(|v| v.trim_start_matches("Bearer ").to_owned())
        .or_else(|| seen.header("x-api-key").map(str::to_owned))
        .or_else(|| seen.header("x-goog-api-key").map(str::to_owned))
        .or(query_key)
        .unwrap_or_default()
}

/// The request's path without its query.
fn route(seen: &Seen) -> &str {
    seen.path.split('?').next().unwrap_or_default()
}

fn is_gemini(seen: &Seen) -> bool {
    route(seen).contains(":generateContent") || route(seen).contains(":streamGenerateContent")
}

fn is_responses(seen: &Seen) -> bool {
    route(seen).ends_with("/responses")
}

/// The model of a Gemini request, from its path (`models/NAME:generateContent`).
fn gemini_model(seen: &Seen) -> String {
    let path = route(seen);
    let start = path.rfind("/models/").map_or(0, |i| i + "/models/".len());
    path[start..]
        .split(':')
        .next()
        .unwrap_or("unknown")
        .to_owned()
}

fn gemini_chunk(seen: &Seen, key: &str, text: &str, usage: Option<(u64, u64)>) -> Value {
    let mut chunk = json!({
        "candidates": [{"content": {"parts": [{"text": text}], "role": "model"}, "index": 0}],
        "modelVersion": gemini_model(seen),
        "responseId": format!("resp-{key}"),
    });
    if let Some((input, output)) = usage {
        chunk["candidates"][0]["finishReason"] = json!("STOP");
        chunk["usageMetadata"] = json!({"promptTokenCount": input, "candidatesTokenCount": output, "totalTokenCount": input + output});
    }
    chunk
}

/// The events of one response of the Responses API (streamed over HTTP or a WebSocket):
/// text in two deltas, then `response.completed` with the usage.
pub fn responses_events(model: &str, key: &str) -> Vec<Value> {
    let (input, output) = RESPONSES;
    let id = format!("resp_{key}");
    let item = |text: &str, status: &str| {
        json!({"id": "msg_1", "type": "message", "role": "assistant", "status": status,
               "content": [{"type": "output_text", "text": text, "annotations": []}]})
    };
    let response = |status: &str, output_items: Value, usage: Value| {
        json!({"id": id, "object": "response", "created_at": 1, "status": status, "model": model,
               "output": output_items, "usage": usage, "error": null, "incomplete_details": null,
               "instructions": null, "parallel_tool_calls": true, "tool_choice": "auto", "tools": [],
               "metadata": {}, "temperature": 1.0, "top_p": 1.0})
    };
    vec![
        json!({"type": "response.created", "sequence_number": 0, "response": response("in_progress", json!([]), Value::Null)}),
        json!({"type": "response.output_item.added", "sequence_number": 1, "output_index": 0, "item": item("", "in_progress")}),
        json!({"type": "response.content_part.added", "sequence_number": 2, "output_index": 0, "item_id": "msg_1", "content_index": 0, "part": {"type": "output_text", "text": "", "annotations": []}}),
        json!({"type": "response.output_text.delta", "sequence_number": 3, "output_index": 0, "item_id": "msg_1", "content_index": 0, "delta": "Hello", "logprobs": []}),
        json!({"type": "response.output_text.delta", "sequence_number": 4, "output_index": 0, "item_id": "msg_1", "content_index": 0, "delta": " from the mock", "logprobs": []}),
        json!({"type": "response.output_text.done", "sequence_number": 5, "output_index": 0, "item_id": "msg_1", "content_index": 0, "text": "Hello from the mock", "logprobs": []}),
        json!({"type": "response.content_part.done", "sequence_number": 6, "output_index": 0, "item_id": "msg_1", "content_index": 0, "part": {"type": "output_text", "text": "Hello from the mock", "annotations": []}}),
        json!({"type": "response.output_item.done", "sequence_number": 7, "output_index": 0, "item": item("Hello from the mock", "completed")}),
        json!({"type": "response.completed", "sequence_number": 8, "response": response("completed", json!([item("Hello from the mock", "completed")]),
               json!({"input_tokens": input, "output_tokens": output, "total_tokens": input + output,
                      "input_tokens_details": {"cached_tokens": 0}, "output_tokens_details": {"reasoning_tokens": 0}}))}),
    ]
}

/// OpenAI's Responses API in WebSocket mode: the handshake must carry the good key; then
/// each `response.create` the client sends is answered with the events of one response.
fn websocket(stream: TcpStream, seen: &Seen, given: &str, good_key: &str, shared: &Shared) {
    let mut stream = stream;
    // A browser-style key in the subprotocol list (OpenAI's Realtime API takes those).
    let protocols = seen.header("sec-websocket-protocol").unwrap_or_default();
    let subprotocol_key = protocols
        .split(',')
        .find_map(|p| p.trim().strip_prefix("openai-insecure-api-key."));
    let given = subprotocol_key.unwrap_or(given);
    if given != good_key {
        let body = json!({"error": {"message": format!("Incorrect API key provided: {given}")}});
        respond(&mut stream, "401 Unauthorized", good_key, &body.to_string());
        return;
    }
    let accept = tungstenite::handshake::derive_accept_key(
        seen.header("sec-websocket-key")
            .unwrap_or_default()
            .as_bytes(),
    );
    let chosen = match protocols.contains("realtime") {
        true => "Sec-WebSocket-Protocol: realtime\r\n",
        false => "",
    };
    let head = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {accept}\r\nX-Echo-Key: {good_key}\r\n{chosen}\r\n"
    );
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let mut socket =
        tungstenite::WebSocket::from_raw_socket(stream, tungstenite::protocol::Role::Server, None);
    while let Ok(message) = socket.read() {
        let tungstenite::Message::Text(text) = message else {
            continue;
        };
        let event: Value = serde_json::from_str(text.as_str()).unwrap_or(Value::Null);
        shared.seen.lock().unwrap().push(Seen {
            path: format!("{} (websocket message)", seen.path),
            headers: seen.headers.clone(),
            body: event.clone(),
        });
        if event["type"] != "response.create" {
            continue;
        }
        let model = event["model"]
            .as_str()
            .or_else(|| event["response"]["model"].as_str())
            .unwrap_or("unknown");
        // A provider that puts the key in a ping (no client should ever see it).
        let ping = tungstenite::Message::Ping(good_key.as_bytes().to_vec().into());
        if model == "ping-me" && socket.send(ping).is_err() {
            return;
        }
        for event in responses_events(model, good_key) {
            if socket
                .send(tungstenite::Message::text(event.to_string()))
                .is_err()
            {
                return;
            }
        }
    }
}

/// Waits until the test releases the mock (or 20 s pass): whether it did.
fn wait_for_release(shared: &Shared) -> bool {
    let guard = shared.released.lock().unwrap();
    let (guard, timeout) = shared
        .wake
        .wait_timeout_while(guard, Duration::from_secs(20), |r| !*r)
        .unwrap();
    *guard && !timeout.timed_out()
}

fn respond(stream: &mut TcpStream, status: &str, key: &str, body: &str) -> bool {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nX-Echo-Key: {key}\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .is_ok()
}

fn model(seen: &Seen) -> String {
    seen.body["model"].as_str().unwrap_or("unknown").to_owned()
}

fn is_anthropic(seen: &Seen) -> bool {
    route(seen).ends_with("/messages")
}

fn plain_answer(seen: &Seen, key: &str) -> Value {
    let model = model(seen);
    if is_gemini(seen) {
        return gemini_chunk(seen, key, "Hello from the mock", Some(GEMINI_PLAIN));
    }
    if is_responses(seen) {
        let events = responses_events(&model, key);
        return events[events.len() - 1]["response"].clone();
    }
    if is_anthropic(seen) {
        let (input, output) = ANTHROPIC_PLAIN;
        json!({
            "id": format!("msg_{key}"), "type": "message", "role": "assistant", "model": model,
            "content": [{"type": "text", "text": "Hello from the mock"}],
            "stop_reason": "end_turn", "stop_sequence": null,
            "usage": {"input_tokens": input, "output_tokens": output},
        })
    } else {
        let (input, output) = OPENAI_PLAIN;
        json!({
            "id": format!("chatcmpl-{key}"), "object": "chat.completion", "created": 1, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello from the mock"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": input, "completion_tokens": output, "total_tokens": input + output},
        })
    }
}

/// The stream's events: the first, then (after the release) the rest.
fn events(seen: &Seen, key: &str) -> (String, Vec<String>) {
    let model = model(seen);
    let data = |event: Option<&str>, v: Value| match event {
        Some(name) => format!("event: {name}\ndata: {v}\n\n"),
        None => format!("data: {v}\n\n"),
    };
    if is_gemini(seen) {
        let event = |v: Value| format!("data: {v}\r\n\r\n");
        let first = event(gemini_chunk(seen, key, "Hello", None));
        let rest = vec![event(gemini_chunk(
            seen,
            key,
            " from the mock",
            Some(GEMINI_STREAM),
        ))];
        return (first, rest);
    }
    if is_responses(seen) {
        let mut events = responses_events(&model, key)
            .into_iter()
            .map(|v| format!("event: {}\ndata: {v}\n\n", v["type"].as_str().unwrap_or("")));
        let first: String = events.by_ref().take(4).collect();
        return (first, events.collect());
    }
    if is_anthropic(seen) {
        let (input, output) = ANTHROPIC_STREAM;
        let first = data(
            Some("message_start"),
            json!({"type": "message_start", "message": {"id": format!("msg_{key}"), "type": "message", "role": "assistant", "model": model, "content": [], "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": input, "output_tokens": 1}}}),
        ) + &data(
            Some("content_block_start"),
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ) + &data(
            Some("content_block_delta"),
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello"}}),
        );
        let rest = vec![
            data(
                Some("content_block_delta"),
                json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": " from the mock"}}),
            ),
            data(
                Some("content_block_stop"),
                json!({"type": "content_block_stop", "index": 0}),
            ),
            data(
                Some("message_delta"),
                json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": output}}),
            ),
            data(Some("message_stop"), json!({"type": "message_stop"})),
        ];
        (first, rest)
    } else {
        let (input, output) = OPENAI_STREAM;
        let chunk = |delta: Value, finish: Value| {
            json!({"id": format!("chatcmpl-{key}"), "object": "chat.completion.chunk", "created": 1, "model": model,
                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
        };
        let first = data(
            None,
            chunk(
                json!({"role": "assistant", "content": "Hello"}),
                Value::Null,
            ),
        );
        let rest = vec![
            data(
                None,
                chunk(json!({"content": " from the mock"}), Value::Null),
            ),
            data(None, chunk(json!({}), json!("stop"))),
            data(
                None,
                json!({"id": "chatcmpl-usage", "object": "chat.completion.chunk", "created": 1, "model": model, "choices": [],
                       "usage": {"prompt_tokens": input, "completion_tokens": output, "total_tokens": input + output}}),
            ),
            "data: [DONE]\n\n".to_owned(),
        ];
        (first, rest)
    }
}

fn stream_answer(stream: &mut TcpStream, seen: &Seen, key: &str, shared: &Shared) {
    let (first, rest) = events(seen, key);
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nX-Echo-Key: {key}\r\n\
         Connection: close\r\n\r\n{first}"
    );
    if stream.write_all(head.as_bytes()).is_err() {
        *shared.broken.lock().unwrap() += 1;
        return;
    }
    let _ = stream.flush();
    let released = wait_for_release(shared);
    shared.released_in_time.lock().unwrap().push(released);
    for event in rest {
        // Written one by one, with a pause, as a provider streams tokens.
        std::thread::sleep(Duration::from_millis(20));
        if stream.write_all(event.as_bytes()).is_err() || stream.flush().is_err() {
            *shared.broken.lock().unwrap() += 1;
            return;
        }
    }
}
