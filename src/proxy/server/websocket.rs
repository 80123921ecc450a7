//! WebSocket upgrades through the proxy (OpenAI's Responses and Realtime APIs, which Codex
//! opens first): the handshake is checked and its token swapped like any request, then
//! messages pass both ways. What the provider sends is scrubbed of every real key, and the
//! usage its `response.completed` / `response.done` events report is recorded. Each
//! `response.create` the agent sends (but a prewarm, which generates nothing) is a request
//! for the rate and the budget.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::upgrade::OnUpgrade;
use hyper::{Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::client::generate_key;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::{
    HOP_BY_HOP, Place, ProxyBody, Refusal, State, admit, full, scrub_header, upstream_headers,
};
use crate::launch::mask::{Masker, Secrets};
use crate::proxy::usage::Seen;
use crate::proxy::{Route, Upstream};

/// Headers of the handshake that belong to one side's socket: each side has its own key,
/// and no compression is offered (compressed frames could not be scrubbed).
const SOCKET_HEADERS: [&str; 4] = [
    "sec-websocket-key",
    "sec-websocket-version",
    "sec-websocket-extensions",
    "sec-websocket-accept",
];

/// How long the provider may take to accept a socket.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);

/// The route (as it was when the socket opened) and the upstream a socket's requests count
/// against.
pub(super) struct Admitted {
    pub route: Arc<Route>,
    pub upstream: usize,
    /// The keys the socket's messages are scrubbed of (those of the vault it opened with).
    pub secrets: Arc<Secrets>,
}

impl Admitted {
    fn upstream(&self) -> &Upstream {
        // `upstream` is the index route_to found in this very route.
        &self.route.upstreams[self.upstream]
    }
}

/// Whether a request asks to become a WebSocket (`Connection: Upgrade`, `Upgrade: websocket`).
pub(super) fn wanted(headers: &HeaderMap) -> bool {
    let has_token = |name: header::HeaderName, token: &str| {
        headers.get_all(name).iter().any(|v| {
            v.to_str().is_ok_and(|v| {
                v.split(',')
                    .any(|part| part.trim().eq_ignore_ascii_case(token))
            })
        })
    };
    has_token(header::CONNECTION, "upgrade") && has_token(header::UPGRADE, "websocket")
}

/// A socket that carries nothing either way for this long is closed.
const IDLE: Duration = Duration::from_secs(15 * 60);
/// At most this many sockets at once (each holds two connections and a message buffer);
/// they do not count against the proxy's HTTP connections, which they outlive.
pub(super) const MAX_SOCKETS: usize = 64;

fn config() -> WebSocketConfig {
    // Responses and Realtime messages are JSON events and audio chunks: well under these.
    WebSocketConfig::default()
        .max_message_size(Some(8 << 20))
        .max_frame_size(Some(2 << 20))
}

fn unreachable(admitted: &Admitted, why: &str) -> Refusal {
    let name = admitted.upstream().provider.name;
    Refusal::new(
        StatusCode::BAD_GATEWAY,
        "provider_unreachable",
        format!("{name} could not be reached ({why})"),
    )
}

/// Opens the socket to the provider (the real key where the token was); once the provider
/// has accepted, answers the agent's handshake and relays between the two.
pub(super) async fn open(
    state: &Arc<State>,
    admitted: Admitted,
    url: String,
    incoming: &HeaderMap,
    places: &[Place],
    upgrade: OnUpgrade,
) -> Result<Response<ProxyBody>, Refusal> {
    let Some(client_key) = incoming.get("sec-websocket-key").cloned() else {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "bad_handshake",
            "a WebSocket handshake needs Sec-WebSocket-Key",
        ));
    };
    // check_token and the route lookup hand out only indices that exist.
    let upstream = &admitted.upstream();
    if !upstream.provider.websockets {
        return Err(Refusal::new(
            StatusCode::NOT_IMPLEMENTED,
            "websocket_not_carried",
            format!(
                "the proxy carries WebSockets for OpenAI's Responses and Realtime APIs only, \
                 where it can count and limit what they ask for; use {}'s HTTP API",
                upstream.provider.name
            ),
        ));
    }
    let Ok(slot) = Arc::clone(&state.sockets).try_acquire_owned() else {
        return Err(Refusal::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "too_many_websockets",
            format!("the proxy carries at most {MAX_SOCKETS} WebSockets at once; close one first"),
        ));
    };
    let Ok(mut target) = reqwest::Url::parse(&url) else {
        return Err(super::not_found());
    };
    let secure = target.scheme() == "https";
    let (Some(host), Some(port)) = (
        target.host_str().map(str::to_owned),
        target.port_or_known_default(),
    ) else {
        return Err(super::not_found());
    };
    // http → ws and https → wss always succeed for a URL with a host.
    let _ = target.set_scheme(if secure { "wss" } else { "ws" });

    let request = handshake(
        incoming,
        places,
        upstream,
        &admitted.route.scope,
        &target,
        &host,
    )?;

    // An IPv6 literal comes bracketed in a URL, not in a socket address.
    let bare_host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let connect = tokio::net::TcpStream::connect((bare_host.as_str(), port));
    let stream = match tokio::time::timeout(Duration::from_secs(10), connect).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(_)) => return Err(unreachable(&admitted, "connection refused")),
        Err(_) => return Err(unreachable(&admitted, "timeout")),
    };
    let _ = stream.set_nodelay(true);
    let accept = derive_accept_key(client_key.as_bytes());
    if secure {
        let tls = tls_connector().map_err(|_| unreachable(&admitted, "TLS could not be set up"))?;
        let name = rustls::pki_types::ServerName::try_from(bare_host)
            .map_err(|_| unreachable(&admitted, "not a TLS server name"))?;
        let stream = tokio::time::timeout(Duration::from_secs(10), tls.connect(name, stream))
            .await
            .map_err(|_| unreachable(&admitted, "timeout"))?
            .map_err(|_| unreachable(&admitted, "TLS failed"))?;
        finish(state, admitted, request, stream, &accept, upgrade, slot).await
    } else {
        finish(state, admitted, request, stream, &accept, upgrade, slot).await
    }
}

/// The handshake the proxy sends the provider: the client's headers with the real key where
/// the token was (a subprotocol key included), and its own WebSocket key.
fn handshake(
    incoming: &HeaderMap,
    places: &[Place],
    upstream: &super::super::Upstream,
    scope: &crate::scope::Scope,
    target: &reqwest::Url,
    host: &str,
) -> Result<hyper::Request<()>, Refusal> {
    let mut headers = upstream_headers(incoming, places, upstream, scope);
    for name in SOCKET_HEADERS {
        headers.remove(name);
    }
    // A browser-style key in the subprotocol list (`openai-insecure-api-key.KEY`) is a
    // credential like any other: a token there was checked with the others (see
    // `subprotocol_token`), and the key goes where it was.
    if let Some(protocols) = headers.get("sec-websocket-protocol").cloned() {
        let swapped = swap_subprotocol_key(protocols.to_str().unwrap_or(""), upstream.key.expose());
        let mut value = HeaderValue::from_str(&swapped).map_err(|_| super::not_found())?;
        value.set_sensitive(true);
        headers.insert("sec-websocket-protocol", value);
    }
    let host_header = match target.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let mut request = hyper::Request::get(target.as_str())
        .body(())
        .map_err(|_| super::not_found())?;
    *request.headers_mut() = headers;
    for (name, value) in [
        ("accept-encoding", "identity".to_owned()),
        ("host", host_header),
        ("connection", "Upgrade".to_owned()),
        ("upgrade", "websocket".to_owned()),
        ("sec-websocket-version", "13".to_owned()),
        ("sec-websocket-key", generate_key()),
    ] {
        let value = HeaderValue::from_str(&value).map_err(|_| super::not_found())?;
        request.headers_mut().insert(name, value);
    }
    Ok(request)
}

fn tls_connector() -> Result<tokio_rustls::TlsConnector, rustls::Error> {
    use rustls_platform_verifier::ConfigVerifierExt;
    static CONFIG: std::sync::OnceLock<Arc<rustls::ClientConfig>> = std::sync::OnceLock::new();
    if let Some(config) = CONFIG.get() {
        return Ok(tokio_rustls::TlsConnector::from(Arc::clone(config)));
    }
    let config = Arc::new(rustls::ClientConfig::with_platform_verifier()?);
    Ok(tokio_rustls::TlsConnector::from(Arc::clone(
        CONFIG.get_or_init(|| config),
    )))
}

/// The provider's side of the handshake, then the agent's answer and the relay.
async fn finish<S>(
    state: &Arc<State>,
    admitted: Admitted,
    request: hyper::Request<()>,
    stream: S,
    accept: &str,
    upgrade: OnUpgrade,
    slot: tokio::sync::OwnedSemaphorePermit,
) -> Result<Response<ProxyBody>, Refusal>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let handshake = tokio_tungstenite::client_async_with_config(request, stream, Some(config()));
    let (provider_socket, provider_answer) =
        match tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await {
            Ok(Ok(done)) => done,
            // The provider said no (401, 404, 426…): the agent hears the status.
            Ok(Err(WsError::Http(refused))) => {
                return Ok(refused_answer(&admitted, &refused));
            }
            Ok(Err(_)) => return Err(unreachable(&admitted, "WebSocket handshake failed")),
            Err(_) => return Err(unreachable(&admitted, "timeout")),
        };
    let mut answer = Response::new(full(String::new()));
    *answer.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    copy_headers(
        &admitted.secrets,
        provider_answer.headers(),
        answer.headers_mut(),
    );
    let headers = answer.headers_mut();
    headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    let accept = HeaderValue::from_str(accept).map_err(|_| super::not_found())?;
    headers.insert("sec-websocket-accept", accept);

    let state = Arc::clone(state);
    tokio::spawn(async move {
        let Ok(upgraded) = upgrade.await else {
            return;
        };
        let agent_socket =
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config()))
                .await;
        relay(&state, admitted, agent_socket, provider_socket).await;
        drop(slot);
    });
    Ok(answer)
}

/// A provider's refusal of the handshake, as the agent gets it: the status, with the proxy's
/// own message. The provider's body is not passed on: what the handshake read of it is
/// neither whole nor de-chunked nor decompressed, so it could not be scrubbed with
/// certainty.
fn refused_answer(
    admitted: &Admitted,
    refused: &hyper::Response<Option<Vec<u8>>>,
) -> Response<ProxyBody> {
    let name = admitted.upstream().provider.name;
    let status = refused.status();
    let mut refusal = Refusal::new(
        status,
        "websocket_refused",
        format!("{name} refused the WebSocket (HTTP {})", status.as_u16()),
    );
    refusal.retry_after = refused
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok()?.parse().ok());
    refusal.into_response()
}

/// The provider's handshake headers, as the agent gets them: scrubbed, without those that
/// belong to one side's connection or socket.
fn copy_headers(secrets: &Secrets, from: &HeaderMap, to: &mut HeaderMap) {
    for (name, value) in from {
        let own = HOP_BY_HOP.contains(&name.as_str())
            || SOCKET_HEADERS.contains(&name.as_str())
            || name == header::CONTENT_LENGTH;
        if !own {
            to.append(name.clone(), scrub_header(secrets, value));
        }
    }
}

/// Passes messages both ways until either side closes.
async fn relay<A, P>(
    state: &Arc<State>,
    admitted: Admitted,
    mut agent: WebSocketStream<A>,
    mut provider: WebSocketStream<P>,
) where
    A: AsyncRead + AsyncWrite + Unpin,
    P: AsyncRead + AsyncWrite + Unpin,
{
    loop {
        tokio::select! {
            () = tokio::time::sleep(IDLE) => {
                let _ = agent.close(None).await;
                let _ = provider.close(None).await;
                return;
            }
            message = agent.next() => {
                let Some(Ok(message)) = message else {
                    let _ = provider.close(None).await;
                    return;
                };
                if let Some(refusal) = refuse(state, &admitted, &message) {
                    if agent.send(refusal).await.is_err() {
                        let _ = provider.close(None).await;
                        return;
                    }
                    continue;
                }
                if provider.send(message).await.is_err() {
                    let _ = agent.close(None).await;
                    return;
                }
            }
            message = provider.next() => {
                let Some(Ok(message)) = message else {
                    let _ = agent.close(None).await;
                    return;
                };
                let Some(message) = scrub(state, &admitted, message) else {
                    continue;
                };
                if agent.send(message).await.is_err() {
                    let _ = provider.close(None).await;
                    return;
                }
            }
        }
    }
}

/// The event a `response.create` gets instead of reaching the provider, when the agent's
/// rate or budget says no (the error event of OpenAI's WebSocket mode).
fn refuse(state: &State, admitted: &Admitted, message: &Message) -> Option<Message> {
    let Message::Text(text) = message else {
        return None;
    };
    let refusal = match out_of_scope(admitted, text.as_str()) {
        Some(refusal) => refusal,
        None if !asks_for_a_response(text.as_str()) => return None,
        // The socket's answers are counted as they come, not reserved.
        None => admit(state, &admitted.route, admitted.upstream(), 0.0, true)
            .map(drop)
            .err()?,
    };
    let event = json!({
        "type": "error",
        "status": refusal.status.as_u16(),
        "error": {
            "type": refusal.kind(),
            "code": refusal.code,
            "message": format!("vault proxy: {}", refusal.message),
        },
    });
    Some(Message::text(event.to_string()))
}

/// A message naming a model the agent's scope does not allow at this provider (the model of
/// a `response.create`, of its `response`, or of a `session.update`'s session). Read only for
/// an agent whose scope names models there.
fn out_of_scope(admitted: &Admitted, text: &str) -> Option<Refusal> {
    let route = &admitted.route;
    let provider = admitted.upstream().provider.id;
    if !route.scope.models.contains_key(provider) {
        return None;
    }
    // A message the proxy cannot read might name any model: refused, as over HTTP.
    let refused = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(event) => crate::scope::models_in_json(&event)
            .iter()
            .find_map(|model| {
                route
                    .scope
                    .allows_model(&route.agent, provider, model)
                    .err()
            }),
        Err(_) => Some(crate::scope::Refused::Unreadable {
            agent: route.agent.clone(),
            provider: provider.to_owned(),
        }),
    }?;
    Some(Refusal::new(
        StatusCode::FORBIDDEN,
        "out_of_scope",
        refused.to_string(),
    ))
}

/// Whether an agent's message is a `response.create` that generates (a prewarm, `"generate":
/// false` as Codex sends first, does not). Only those two keys are read, the rest (often
/// audio) skipped unallocated, escapes decoded as the provider would; a key given twice
/// counts if any of its values would (a provider may take the first or the last).
fn asks_for_a_response(text: &str) -> bool {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
    struct Head {
        create: bool,
        prewarm: bool,
        /// A `generate` that is not `false` (given twice, one may be).
        generates: bool,
    }
    impl<'de> Visitor<'de> for Head {
        type Value = Head;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an event")
        }
        fn visit_map<M: MapAccess<'de>>(mut self, mut map: M) -> Result<Head, M::Error> {
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                match key.as_ref() {
                    "type" => {
                        let kind = map.next_value::<serde_json::Value>()?;
                        self.create |= kind == "response.create";
                    }
                    "generate" => {
                        let generate = map.next_value::<serde_json::Value>()?;
                        self.prewarm |= generate == false;
                        self.generates |= generate != false;
                    }
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(self)
        }
    }
    let mut reader = serde_json::Deserializer::from_str(text);
    let head = Head {
        create: false,
        prewarm: false,
        generates: false,
    };
    match reader.deserialize_map(head) {
        Ok(head) => head.create && (!head.prewarm || head.generates),
        // Not a JSON object: the provider will not take it as a request either.
        Err(_) => false,
    }
}

/// A provider's message on its way to the agent: every real key replaced, and usage recorded
/// when it ends a response.
fn scrub(state: &State, admitted: &Admitted, message: Message) -> Option<Message> {
    let scrubbed = |data: &[u8]| {
        let mut masker = Masker::new(&*admitted.secrets);
        let mut out = Vec::with_capacity(data.len());
        masker.push(data, &mut out);
        masker.finish(&mut out);
        out
    };
    Some(match message {
        Message::Text(text) => {
            meter(state, admitted, text.as_str());
            let out = scrubbed(text.as_bytes());
            // Keys are ASCII and replaced whole, so the text stays UTF-8.
            Message::text(String::from_utf8_lossy(&out).into_owned())
        }
        Message::Binary(data) => Message::binary(scrubbed(&data)),
        Message::Close(Some(mut frame)) => {
            let reason = scrubbed(frame.reason.as_bytes());
            frame.reason = String::from_utf8_lossy(&reason).into_owned().into();
            Message::Close(Some(frame))
        }
        // The proxy answers the provider's pings itself; their payloads are not the agent's.
        Message::Ping(_) | Message::Pong(_) => return None,
        other => other,
    })
}

/// The subprotocol list with a browser-style key (`openai-insecure-api-key.TOKEN`) replaced
/// by the real one.
fn swap_subprotocol_key(protocols: &str, key: &str) -> String {
    protocols
        .split(',')
        .map(str::trim)
        .map(|p| match p.strip_prefix(SUBPROTOCOL_KEY) {
            Some(_) => format!("{SUBPROTOCOL_KEY}{key}"),
            None => p.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// How OpenAI's Realtime API takes a key from a browser, which cannot set headers.
const SUBPROTOCOL_KEY: &str = "openai-insecure-api-key.";

/// The token a handshake carries in its subprotocol list, if any.
pub(super) fn subprotocol_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all("sec-websocket-protocol")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|p| p.trim().strip_prefix(SUBPROTOCOL_KEY).map(str::to_owned))
}

/// Records the usage of an event that ends a response: `response.completed` (and its
/// failed or incomplete forms) in the Responses API, `response.done` in the Realtime API.
fn meter(state: &State, admitted: &Admitted, text: &str) {
    const ENDS: [&str; 4] = [
        "response.completed",
        "response.done",
        "response.failed",
        "response.incomplete",
    ];
    if !ENDS.iter().any(|end| text.contains(end)) {
        return;
    }
    let Ok(event) = serde_json::from_str::<Value>(text) else {
        return;
    };
    let Some(kind) = event["type"].as_str().filter(|k| ENDS.contains(k)) else {
        return;
    };
    let mut seen = Seen::default();
    seen.absorb(&event);
    let status = if kind == "response.failed" { 500 } else { 200 };
    let provider = admitted.upstream().provider.id;
    let answered = super::Answered {
        route: &admitted.route,
        provider,
        endpoint: crate::scope::Endpoint::Chat.name(),
        status,
    };
    // Admitted unreserved: what it cost comes out of the budgets now.
    state.record(answered, seen, None);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_create_is_recognised_however_it_is_written() {
        for asks in [
            r#"{"type":"response.create"}"#,
            r#"{"type":"response\u002ecreate","input":"x"}"#,
            r#"{"type":"x","type":"response.create"}"#,
            r#"{"type":"response.create","type":"x"}"#,
            r#"{"audio":"AAAA","type":"response.create","generate":true}"#,
            r#"{"type":"response.create","generate":false,"generate":true}"#,
        ] {
            assert!(asks_for_a_response(asks), "{asks}");
        }
        for not in [
            r#"{"type":"response.create","generate":false}"#,
            r#"{"type":"input_audio_buffer.append","audio":"response.create"}"#,
            "not json",
            r#"["response.create"]"#,
        ] {
            assert!(!asks_for_a_response(not), "{not}");
        }
    }

    #[test]
    fn only_websocket_upgrades_are_taken_over() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "connection",
            HeaderValue::from_static("keep-alive, Upgrade"),
        );
        headers.insert("upgrade", HeaderValue::from_static("websocket"));
        assert!(wanted(&headers));
        headers.insert("upgrade", HeaderValue::from_static("h2c"));
        assert!(!wanted(&headers));
        headers.insert("upgrade", HeaderValue::from_static("WebSocket"));
        headers.insert("connection", HeaderValue::from_static("close"));
        assert!(!wanted(&headers));
    }
}
