//! The proxy's HTTP side: one request at a time from token to provider and back.
//!
//! Long: the request path from accept to relay, with the scrubbing and metering body it
//! relays and the refusals of limits and budgets (the WebSocket side is in
//! server/websocket.rs, the limits themselves in quota.rs); its own tests are the last 130
//! lines.

use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Body, Frame, Incoming};
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::json;

use super::live::{Current, Live};
use super::quota::{Ask, Quota, Refused, Shown, Ticket};
use super::sink::Sink;
use super::usage::{Meter, Record, Seen};
use super::{Config, ProxyError, Route, Upstream};
use crate::launch::mask::{Masker, Secrets};

mod websocket;

/// The largest request body forwarded (audio uploads fit; nothing an agent sends is larger).
const MAX_REQUEST: usize = 64 * 1024 * 1024;

type ProxyBody = UnsyncBoxBody<Bytes, io::Error>;

/// What every request shares.
pub struct State {
    /// What does not change with the vault: where usage goes, and what it costs.
    config: Config,
    /// What does: routes, tokens, keys.
    current: Current,
    client: reqwest::Client,
    /// Where usage goes.
    sink: Sink,
    /// Limits and budgets, shared with every other proxy.
    quota: Arc<Quota>,
    /// This process, as its usage records name it.
    run_id: String,
    /// WebSockets carried at once (they outlive the connection slot they came in on).
    sockets: Arc<tokio::sync::Semaphore>,
}

impl State {
    pub fn new(mut config: Config) -> Result<Arc<Self>, ProxyError> {
        crate::providers::verify::install_crypto();
        let client = reqwest::Client::builder()
            .user_agent(concat!("vault-proxy/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            // A redirect would carry the key wherever it points; the agent gets it instead.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ProxyError::Start(io::Error::other(e)))?;
        let current = Current::new(&mut config)?;
        let run_id = format!(
            "{}-{}",
            std::process::id(),
            jiff::Timestamp::now().as_millisecond()
        );
        let quota = Quota::new(&config.usage, &config.vault, &run_id, config.run_budget)?;
        let sink = Sink::start(&config.usage, Arc::clone(&quota))?;
        Ok(Arc::new(Self {
            sink,
            quota,
            run_id,
            config,
            current,
            client,
            sockets: Arc::new(tokio::sync::Semaphore::new(websocket::MAX_SOCKETS)),
        }))
    }
}

/// At most this many connections at once: each may hold a request body in memory, and file
/// descriptors are finite.
const MAX_CONNECTIONS: usize = 512;
/// A client that has not sent a whole request head by then is let go.
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);

/// What the proxy accepts connections on.
pub enum Listening {
    Tcp(tokio::net::TcpListener),
    /// On a container bridge: peers from elsewhere are closed at once.
    Bridge(tokio::net::TcpListener, super::bridge::Peers),
    #[cfg(unix)]
    Unix(tokio::net::UnixListener),
}

/// Accepts connections until the listener fails.
pub async fn serve(listener: Listening, state: Arc<State>) {
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        // Wait for a free slot before accepting: the backlog holds the rest.
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        let state = Arc::clone(&state);
        let accepted = match &listener {
            Listening::Tcp(listener) => listener.accept().await.map(|(stream, _)| {
                let _ = stream.set_nodelay(true);
                tokio::spawn(connection(stream, state, slot));
            }),
            Listening::Bridge(listener, peers) => listener.accept().await.map(|(stream, peer)| {
                if peers.allows(peer.ip()) {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(connection(stream, state, slot));
                } else {
                    log::warn!("refused {peer}: not from a container bridge");
                }
            }),
            #[cfg(unix)]
            Listening::Unix(listener) => listener.accept().await.map(|(stream, _)| {
                tokio::spawn(connection(stream, state, slot));
            }),
        };
        // Out of file descriptors and the like: wait a moment rather than spin.
        if accepted.is_err() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Serves one connection's requests, holding its slot until it ends.
async fn connection<I>(io: I, state: Arc<State>, slot: tokio::sync::OwnedSemaphorePermit)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |request| {
        let state = Arc::clone(&state);
        async move { Ok::<_, Infallible>(handle(&state, request).await) }
    });
    // A client that goes away mid-answer ends only its own connection.
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades()
        .await;
    drop(slot);
}

/// A refusal: the status, a machine-readable code and a message that says what to do.
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after: Option<u64>,
    /// What a limit's or budget's refusal says besides (boxed: refusals are returned often,
    /// these are rare).
    extra: Option<Box<Extra>>,
}

#[derive(Default)]
struct Extra {
    /// The limit that refused it, for the `X-RateLimit-*` headers.
    shown: Option<Shown>,
    /// More for the error object: the budget and when it resets.
    fields: serde_json::Map<String, serde_json::Value>,
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
            extra: None,
        }
    }

    fn extra(&mut self) -> &mut Extra {
        self.extra.get_or_insert_default()
    }

    /// The error's type, in the words OpenAI's and Anthropic's APIs use.
    fn kind(&self) -> &'static str {
        match self.status {
            StatusCode::UNAUTHORIZED => "authentication_error",
            StatusCode::FORBIDDEN => "permission_error",
            StatusCode::TOO_MANY_REQUESTS => "rate_limit_error",
            StatusCode::PAYMENT_REQUIRED => "budget_exceeded",
            StatusCode::NOT_FOUND => "not_found_error",
            _ => "api_error",
        }
    }

    /// JSON both OpenAI's and Anthropic's SDKs read the message from.
    fn into_response(mut self) -> Response<ProxyBody> {
        let kind = self.kind();
        let mut error = json!({"type": kind, "code": self.code, "message": format!("vault proxy: {}", self.message)});
        if let Some(object) = error.as_object_mut() {
            if let Some(seconds) = self.retry_after {
                object.insert("retry_after".into(), seconds.into());
            }
            if let Some(extra) = &mut self.extra {
                object.extend(std::mem::take(&mut extra.fields));
            }
        }
        let body = json!({"type": "error", "error": error});
        let mut response = Response::new(full(body.to_string()));
        *response.status_mut() = self.status;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if let Some(shown) = self.extra.as_ref().and_then(|e| e.shown.as_ref()) {
            show_limits(response.headers_mut(), shown);
        }
        response
    }
}

fn full(text: String) -> ProxyBody {
    Full::new(Bytes::from(text))
        .map_err(|never| match never {})
        .boxed_unsync()
}

async fn handle(state: &Arc<State>, request: Request<Incoming>) -> Response<ProxyBody> {
    match forward(state, request).await {
        Ok(response) => response,
        Err(refusal) => refusal.into_response(),
    }
}

/// Where the token came in a request, so the key goes in the same place.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Bearer,
    XApiKey,
    GoogApiKey,
    Query,
    Subprotocol,
}

const KEY_HEADERS: [(Place, &str); 3] = [
    (Place::Bearer, "authorization"),
    (Place::XApiKey, "x-api-key"),
    (Place::GoogApiKey, "x-goog-api-key"),
];

/// Headers that belong to one connection, not to the request or answer.
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

async fn forward(
    state: &Arc<State>,
    mut request: Request<Incoming>,
) -> Result<Response<ProxyBody>, Refusal> {
    // A WebSocket handshake is checked like any request; the connection is taken over only
    // once the provider has accepted it too.
    let upgrade = websocket::wanted(request.headers()).then(|| hyper::upgrade::on(&mut request));
    let (parts, body) = request.into_parts();
    let live = state.current.get().await;
    let caller = authenticate(&live, &parts, upgrade.is_some())?;
    let route = &*caller.route;
    let target = route_to(&live, route, parts.uri.path())?;
    let url = upstream_url(&target, parts.uri.query(), caller.query_key.is_some())?;
    if let Some(upgrade) = upgrade {
        check_scope(route, &target, &parts, None, None)?;
        drop(admit(state, route, target.upstream, 0.0, false)?);
        // Each response asked for over the socket is admitted by the rate, not the socket.
        let admitted = websocket::Admitted {
            route: Arc::clone(&caller.route),
            upstream: target.index,
            secrets: Arc::clone(&live.secrets),
        };
        return websocket::open(
            state,
            admitted,
            url,
            &parts.headers,
            &caller.places,
            upgrade,
        )
        .await;
    }
    let body = Limited::new(body, MAX_REQUEST)
        .collect()
        .await
        .map_err(|_| {
            Refusal::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request_too_large",
                "the request body is larger than the proxy forwards (64 MiB)",
            )
        })?
        .to_bytes();
    // Scope, then limits and budgets: each refusal before the provider is called. A budget
    // reads the body, and a scope may: it is parsed once for both.
    let budgeted = route.budget.is_some() || state.config.run_budget.is_some();
    let json = match budgeted && !body.is_empty() {
        true => serde_json::from_slice::<serde_json::Value>(&body).ok(),
        false => None,
    };
    check_scope(route, &target, &parts, Some(&body), json.as_ref())?;
    let most = match budgeted {
        true => most_cost(state, &target, &parts, &body, json.as_ref()),
        false => 0.0,
    };
    let ticket = admit(state, route, target.upstream, most, true)?;
    // The real key where the token was; usage asked for where a stream would not report it.
    let headers = upstream_headers(
        &parts.headers,
        &caller.places,
        target.upstream,
        &route.scope,
    );
    let (body, stream, hide_usage_event) =
        read_request(body, target.tail.ends_with("/chat/completions"));
    let provider = target.upstream.provider;
    let response = state
        .client
        .request(parts.method, url)
        .headers(headers)
        .body(body)
        .send()
        .await
        .map_err(|e| {
            Refusal::new(
                StatusCode::BAD_GATEWAY,
                "provider_unreachable",
                format!(
                    "{} could not be reached ({})",
                    provider.name,
                    crate::providers::verify::kind_of(&e)
                ),
            )
        })?;
    let served = Served {
        route: Arc::clone(&caller.route),
        provider,
        endpoint: crate::scope::Endpoint::of(target.tail).name(),
        ticket,
    };
    relay(
        state,
        response,
        Arc::clone(&live.secrets),
        served,
        stream,
        hide_usage_event,
    )
}

/// Whose answer is relayed, from which provider, for what kind of endpoint.
struct Served {
    route: Arc<Route>,
    provider: &'static crate::providers::Provider,
    endpoint: &'static str,
    /// What it holds of the agent's limits until the answer ends.
    ticket: Ticket,
}

/// Who is asking: the route of the agent whose token every credential in the request is, and
/// where the request carried them.
struct Caller {
    /// The agent's route, as it was when the request came (a request finishes as it started).
    route: Arc<Route>,
    places: Vec<Place>,
    /// Gemini's `?key=`: the token there.
    query_key: Option<String>,
}

fn authenticate(
    live: &Live,
    parts: &hyper::http::request::Parts,
    upgrade: bool,
) -> Result<Caller, Refusal> {
    let mut places = Vec::new();
    let mut agent = None;
    for (place, name) in KEY_HEADERS {
        for value in parts.headers.get_all(name) {
            let text = value.to_str().unwrap_or("");
            let text = match place {
                Place::Bearer => strip_bearer(text).unwrap_or(""),
                _ => text,
            };
            places.push(place);
            agent = Some(check_token(live, text, agent)?);
        }
    }
    // A browser-style Realtime key travels in the WebSocket subprotocol list.
    if let Some(token) = upgrade
        .then(|| websocket::subprotocol_token(&parts.headers))
        .flatten()
    {
        places.push(Place::Subprotocol);
        agent = Some(check_token(live, &token, agent)?);
    }
    // Only where the catalog says clients send the key in the query (Gemini's REST API): in
    // other providers' queries it would stay in their logs.
    let path = parts.uri.path().strip_prefix('/').unwrap_or_default();
    let key_in_query = path
        .split_once('/')
        .and_then(|(id, _)| crate::providers::find(id))
        .is_some_and(|p| p.key_in_query);
    let query_key = parts.uri.query().filter(|_| key_in_query).and_then(|q| {
        form_pairs(q)
            .into_iter()
            .find(|(name, _)| name == "key")
            .map(|(_, value)| value)
    });
    if let Some(token) = &query_key {
        places.push(Place::Query);
        agent = Some(check_token(live, token, agent)?);
    }
    let Some(route) = agent else {
        return Err(Refusal::new(
            StatusCode::UNAUTHORIZED,
            "missing_token",
            "no token: send the token vault gave you where the API key goes",
        ));
    };
    Ok(Caller {
        route,
        places,
        query_key,
    })
}

/// Where a request goes: one of the agent's upstreams, and the path below its address.
struct Target<'s> {
    index: usize,
    upstream: &'s super::Upstream,
    tail: &'s str,
}

/// `/ID/REST`: the provider must be one of this agent's, and REST below the path the agent
/// was given.
fn route_to<'s>(
    live: &Live,
    route: &'s super::Route,
    path: &'s str,
) -> Result<Target<'s>, Refusal> {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    let (id, rest) = trimmed.split_at(trimmed.find('/').unwrap_or(trimmed.len()));
    let Some(provider) = crate::providers::find(id) else {
        return Err(not_found());
    };
    let Some((index, upstream)) = route
        .upstreams
        .iter()
        .enumerate()
        .find(|(_, u)| u.provider.id == provider.id)
    else {
        return Err(if live.configured.contains(&provider.id) {
            Refusal::new(
                StatusCode::FORBIDDEN,
                "provider_not_attached",
                format!(
                    "{} is not attached to agent {}: attach its key with vault attach {} KEY_NAME",
                    provider.name, route.agent, route.agent
                ),
            )
        } else {
            Refusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "key_not_configured",
                format!(
                    "{} key not configured in vault: vault provider add {}, attach it to agent \
                     {}",
                    provider.name, provider.id, route.agent
                ),
            )
        });
    };
    // Below the path the agent was given, everything the provider serves under its address.
    let (_, base_path) = provider.proxy_url_env();
    let Some(tail) = rest
        .strip_prefix(base_path)
        .filter(|t| t.is_empty() || t.starts_with('/'))
        .filter(|t| stays_below(t))
    else {
        return Err(not_found());
    };
    Ok(Target {
        index,
        upstream,
        tail,
    })
}

/// The provider's URL for the request: the key's endpoint and the tail, which whatever the URL
/// parser makes of it must stay below that endpoint; the query with the real key where the
/// token was (Gemini's `?key=`).
fn upstream_url(
    target: &Target<'_>,
    query: Option<&str>,
    key_in_query: bool,
) -> Result<String, Refusal> {
    let upstream = target.upstream;
    let mut url = format!("{}{}", upstream.base_url, target.tail);
    let base = &upstream.base;
    if !reqwest::Url::parse(&url).is_ok_and(|full| {
        full.origin() == base.origin() && full.path().starts_with(base.path().trim_end_matches('/'))
    }) {
        return Err(not_found());
    }
    if let Some(query) = query {
        url.push('?');
        if key_in_query {
            url.push_str(&with_key(query, upstream.key.expose()));
        } else {
            url.push_str(query);
        }
    }
    Ok(url)
}

/// The provider's answer, passed on as it arrives: its headers scrubbed, its body scrubbed
/// and metered on the way, a compressed one refused.
fn relay(
    state: &Arc<State>,
    response: reqwest::Response,
    secrets: Arc<Secrets>,
    served: Served,
    stream: bool,
    hide_usage_event: bool,
) -> Result<Response<ProxyBody>, Refusal> {
    let Served {
        route,
        provider,
        endpoint,
        ticket,
    } = served;
    let status = response.status();
    let encoded = response
        .headers()
        .get(header::CONTENT_ENCODING)
        .is_some_and(|v| !v.as_bytes().eq_ignore_ascii_case(b"identity"));
    if encoded {
        // A compressed body cannot be scrubbed as it passes.
        return Err(Refusal::new(
            StatusCode::BAD_GATEWAY,
            "compressed_answer",
            format!(
                "{} sent a compressed answer although asked not to; the proxy passes on only \
                 what it can check for keys",
                provider.name
            ),
        ));
    }
    let mut headers = HeaderMap::new();
    for (name, value) in response.headers() {
        if HOP_BY_HOP.contains(&name.as_str()) || name == header::CONTENT_LENGTH {
            continue;
        }
        headers.append(name.clone(), scrub_header(&secrets, value));
    }
    if let Some(shown) = &ticket.shown {
        show_limits(&mut headers, shown);
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let meter = if content_type.starts_with("text/event-stream") {
        Meter::new(true)
    } else {
        // Plain answers are JSON; a stream asked for but answered otherwise still counts.
        Meter::new(stream && !content_type.contains("json"))
    };
    let relay = Relay {
        upstream: Box::pin(response.bytes_stream()),
        masker: Masker::new(secrets),
        meter,
        events: hide_usage_event.then(Vec::new),
        done: false,
        report: Some(Report {
            state: Arc::clone(state),
            route,
            provider: provider.id,
            endpoint,
            status: status.as_u16(),
            ticket: Some(ticket),
        }),
    };
    let mut answer = Response::new(relay.boxed_unsync());
    *answer.status_mut() = status;
    *answer.headers_mut() = headers;
    Ok(answer)
}

fn not_found() -> Refusal {
    Refusal::new(
        StatusCode::NOT_FOUND,
        "unknown_path",
        "no such path: use the base URL vault gave (such as http://127.0.0.1:PORT/openai/v1)",
    )
}

fn strip_bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The route a token stands for, which must be the one other credentials named.
fn check_token(
    live: &Live,
    token: &str,
    same_as: Option<Arc<Route>>,
) -> Result<Arc<Route>, Refusal> {
    let unknown = || {
        Refusal::new(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "unknown token: use the token vault gave this agent (vault agent token AGENT, or \
             the one vault run --keyless set)",
        )
    };
    let found = live.tokens.find(token).ok_or_else(unknown)?;
    match same_as {
        Some(other) if !Arc::ptr_eq(&other, found) => Err(unknown()),
        _ => Ok(Arc::clone(found)),
    }
}

/// The request as scopes and budgets read it (`body`: none for a WebSocket's handshake).
fn scope_request<'r>(
    target: &Target<'r>,
    parts: &'r hyper::http::request::Parts,
    body: Option<&'r [u8]>,
    json: Option<&'r serde_json::Value>,
) -> crate::scope::Request<'r> {
    let creates = match body {
        Some(_) => parts.method == hyper::Method::POST,
        None => crate::scope::socket_names_model_in_url(target.tail),
    };
    crate::scope::Request {
        creates,
        tail: target.tail,
        query: parts.uri.query(),
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
        body: body.unwrap_or_default(),
        json,
    }
}

/// What the agent's scope says of the request (`body`: none for a WebSocket's handshake): a
/// 403 naming the scope that refused it.
fn check_scope(
    route: &Route,
    target: &Target<'_>,
    parts: &hyper::http::request::Parts,
    body: Option<&[u8]>,
    json: Option<&serde_json::Value>,
) -> Result<(), Refusal> {
    let request = scope_request(target, parts, body, json);
    route
        .scope
        .check(&route.agent, target.upstream.provider.id, &request)
        .map_err(|refused| Refusal::new(StatusCode::FORBIDDEN, "out_of_scope", refused.to_string()))
}

/// Admits a request of `route`'s to `upstream` by the agent's limits and budgets (`most`:
/// the most it can cost; `counts`: whether it counts as a request), or refuses it: 429 over a
/// limit, 402 over a budget.
fn admit(
    state: &State,
    route: &Route,
    upstream: &Upstream,
    most: f64,
    counts: bool,
) -> Result<Ticket, Refusal> {
    let ask = Ask {
        agent: &route.agent,
        limits: &route.limits,
        provider: upstream.provider.id,
        concurrency: route.concurrency,
        budget: route.budget,
        most,
        counts,
    };
    state
        .quota
        .admit(&ask)
        .map_err(|refused| refusal(state, refused))
}

fn refusal(state: &State, refused: Refused) -> Refusal {
    match refused {
        Refused::Limit {
            agent,
            limit,
            retry_after,
            shown,
        } => {
            let mut refusal = Refusal::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("agent {agent} is over its {limit}; try again in {retry_after} s"),
            );
            refusal.retry_after = Some(retry_after);
            refusal.extra().shown = Some(shown);
            refusal
        }
        Refused::Concurrency { agent, cap } => {
            let mut refusal = Refusal::new(
                StatusCode::TOO_MANY_REQUESTS,
                "concurrency_limited",
                format!(
                    "agent {agent} already has {cap} requests under way, its most at once; try \
                     again when one has ended"
                ),
            );
            refusal.retry_after = Some(1);
            refusal
        }
        Refused::Budget {
            agent,
            budget,
            spent,
            held,
            needed,
        } => {
            let now = jiff::Timestamp::now();
            let end = budget.period.end(now);
            let resets = match end {
                Some(end) => format!("it starts again at {end}"),
                None => "it is a total: raise it with vault agent set AGENT --budget".to_owned(),
            };
            let mut refusal = Refusal::new(
                StatusCode::PAYMENT_REQUIRED,
                "budget_exceeded",
                format!(
                    "agent {agent} has spent an estimated ${spent:.4} of its {budget} budget \
                     (${held:.4} more is held for requests under way, and this one could cost \
                     up to ${needed:.4}); {resets}"
                ),
            );
            let fields = &mut refusal.extra().fields;
            fields.insert("budget".into(), budget.to_string().into());
            fields.insert("resets_at".into(), end.map(|e| e.to_string()).into());
            refusal
        }
        Refused::RunBudget { usd, spent, needed } => {
            let mut refusal = Refusal::new(
                StatusCode::PAYMENT_REQUIRED,
                "budget_exceeded",
                format!(
                    "this run has spent an estimated ${spent:.4} of its {usd}usd budget (vault \
                     run --budget), and this request could cost up to ${needed:.4}; it ends \
                     with the run"
                ),
            );
            let fields = &mut refusal.extra().fields;
            fields.insert("budget".into(), format!("{usd}usd/run").into());
            fields.insert("resets_at".into(), serde_json::Value::Null);
            refusal
        }
        Refused::Database(e) => Refusal::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "usage_unreadable",
            format!(
                "{e}: the agent's limits and budget cannot be checked (is {} writable?)",
                state.config.usage.path().display()
            ),
        ),
    }
}

/// The limit with the least left, on an answer or a refusal.
fn show_limits(headers: &mut HeaderMap, shown: &Shown) {
    for (name, value) in [
        ("x-ratelimit-limit", shown.limit),
        ("x-ratelimit-remaining", shown.remaining),
        ("x-ratelimit-reset", shown.reset),
    ] {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    }
    if let Some(warning) = &shown.warning
        && let Ok(value) = HeaderValue::from_str(warning)
    {
        headers.insert(HeaderName::from_static("x-ratelimit-warning"), value);
    }
}

/// The most a request can cost: every token of its body as input (no token is shorter than a
/// byte), and the output it allows (`max_tokens` and its kin; [`DEFAULT_OUTPUT_CAP`] where it
/// names none), at the dearest price of the models it names.
fn most_cost(
    state: &State,
    target: &Target<'_>,
    parts: &hyper::http::request::Parts,
    body: &[u8],
    json: Option<&serde_json::Value>,
) -> f64 {
    let request = scope_request(target, parts, Some(body), json);
    let models = crate::scope::models_named(&request).unwrap_or_default();
    let generates = request.creates && crate::scope::Endpoint::of(target.tail).generates();
    let output = match (generates, json) {
        (false, _) => 0,
        (true, Some(json)) => {
            super::usage::output_cap(json).unwrap_or(super::usage::DEFAULT_OUTPUT_CAP)
        }
        (true, None) => super::usage::DEFAULT_OUTPUT_CAP,
    };
    state.config.pricing.most(
        target.upstream.provider.id,
        &models,
        body.len() as u64,
        output,
    )
}

/// The request's headers as the provider gets them: the token replaced by the key where it
/// came, nothing that belongs to this connection, and no compression (the answer is
/// scrubbed as it passes).
fn upstream_headers(
    incoming: &HeaderMap,
    places: &[Place],
    upstream: &Upstream,
    scope: &crate::scope::Scope,
) -> HeaderMap {
    let key = upstream.key.expose();
    let mut headers = HeaderMap::new();
    for (name, value) in incoming {
        let skip = HOP_BY_HOP.contains(&name.as_str())
            || crate::scope::ACCOUNT_HEADERS.contains(&name.as_str())
            || name == header::HOST
            || name == header::CONTENT_LENGTH
            || name == header::ACCEPT_ENCODING
            || KEY_HEADERS.iter().any(|(_, n)| name == n);
        if !skip {
            headers.append(name.clone(), value.clone());
        }
    }
    for (place, name) in KEY_HEADERS {
        if !places.contains(&place) {
            continue;
        }
        let text = match place {
            Place::Bearer => format!("Bearer {key}"),
            _ => key.to_owned(),
        };
        // Keys are printable ASCII (checked when stored); a value that is not is not sent.
        if let Ok(mut value) = HeaderValue::from_str(&text) {
            value.set_sensitive(true);
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    headers.insert(
        header::ACCEPT_ENCODING,
        HeaderValue::from_static("identity"),
    );
    // The organization and project the agent's requests bill are its settings', not its own.
    if upstream.provider.account_headers {
        for (name, value) in scope.account_headers() {
            if let Some(value) = value.and_then(|v| HeaderValue::from_str(v).ok()) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
    }
    headers
}

fn form_pairs(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// The query with `key=` set to the real key.
fn with_key(query: &str, key: &str) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in form_pairs(query) {
        out.append_pair(&name, if name == "key" { key } else { &value });
    }
    out.finish()
}

/// The request body as it goes on, whether it asks for a stream (`"stream": true`), and
/// whether the stream's usage event is to be kept from the client. An OpenAI-style chat
/// stream reports usage only when asked (`stream_options.include_usage`): the proxy asks, and
/// keeps the extra event from a client that did not. The body is parsed once, here.
fn read_request(body: Bytes, chat: bool) -> (Bytes, bool, bool) {
    let Ok(serde_json::Value::Object(mut request)) = serde_json::from_slice(&body) else {
        return (body, false, false);
    };
    let stream = request.get("stream") == Some(&json!(true));
    if !stream || !chat {
        return (body, stream, false);
    }
    let options = request.entry("stream_options").or_insert_with(|| json!({}));
    let Some(options) = options.as_object_mut() else {
        return (body, true, false);
    };
    if options.get("include_usage") == Some(&json!(true)) {
        return (body, true, false);
    }
    options.insert("include_usage".into(), json!(true));
    match serde_json::to_vec(&request) {
        Ok(changed) => (Bytes::from(changed), true, true),
        Err(_) => (body, true, false),
    }
}

/// Takes the complete server-sent events (each ending in a blank line) off the front of
/// `pending`.
fn complete_events(pending: &mut Vec<u8>) -> Vec<Vec<u8>> {
    let mut events = Vec::new();
    loop {
        // Whichever blank line comes first: events end in LF LF or CR LF CR LF.
        let lf = pending.windows(2).position(|w| w == b"\n\n").map(|i| i + 2);
        let crlf = pending
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map(|i| i + 4);
        let end = match (lf, crlf) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let Some(end) = end else {
            return events;
        };
        events.push(pending.drain(..end).collect());
    }
}

/// The event that only reports usage: `"choices": []` and a `usage` object.
fn is_usage_only_event(event: &[u8]) -> bool {
    let text = String::from_utf8_lossy(event);
    let Some(data) = text.trim().strip_prefix("data:") else {
        return false;
    };
    serde_json::from_str::<serde_json::Value>(data.trim()).is_ok_and(|v| {
        v["choices"].as_array().is_some_and(|c| c.is_empty()) && v["usage"].is_object()
    })
}

/// Whether a path below a provider's endpoint stays there: no `.` or `..` segment, and no
/// encoded slash, backslash or dot a server might decode into one.
fn stays_below(tail: &str) -> bool {
    let lower = tail.to_ascii_lowercase();
    !lower.contains("%2e")
        && !lower.contains("%2f")
        && !lower.contains("%5c")
        && !lower.contains('\\')
        && !tail
            .split('/')
            .any(|segment| segment == "." || segment == "..")
}

fn scrub_header(secrets: &Secrets, value: &HeaderValue) -> HeaderValue {
    let mut masker = Masker::new(secrets);
    let mut out = Vec::with_capacity(value.len());
    masker.push(value.as_bytes(), &mut out);
    masker.finish(&mut out);
    HeaderValue::from_bytes(&out).unwrap_or_else(|_| HeaderValue::from_static("***"))
}

/// What to record when an answer ends.
struct Report {
    state: Arc<State>,
    route: Arc<Route>,
    provider: &'static str,
    endpoint: &'static str,
    status: u16,
    ticket: Option<Ticket>,
}

/// The provider's answer on its way back: passed on chunk by chunk as it arrives, scrubbed
/// of every real key, and metered for usage. Recorded when it ends, or when the client
/// leaves before (then with what was seen).
struct Relay {
    upstream: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    masker: Masker<Arc<Secrets>>,
    meter: Meter,
    /// Set when the usage event was asked for on the client's behalf: the stream passes
    /// event by event, and that event is left out.
    events: Option<Vec<u8>>,
    done: bool,
    report: Option<Report>,
}

fn seen_tokens(record: &Record) -> u64 {
    record.input_tokens.saturating_add(record.output_tokens)
}

/// What to write of one answer, besides what it used.
pub(super) struct Answered<'r> {
    pub route: &'r Route,
    pub provider: &'static str,
    pub endpoint: &'static str,
    pub status: u16,
}

impl State {
    /// Records what one answer used: handed to the writer, off the request's path, once the
    /// limits know of it (`ticket`: what the request holds, settled; none: it was admitted
    /// unreserved, and is charged).
    fn record(&self, answered: Answered<'_>, seen: Seen, ticket: Option<Ticket>) {
        let Answered {
            route,
            provider,
            endpoint,
            status,
        } = answered;
        let cost = self.config.pricing.cost(
            provider,
            seen.model.as_deref().unwrap_or(""),
            seen.input,
            seen.output,
        );
        let record = Record {
            time: jiff::Timestamp::now(),
            vault: self.config.vault.clone(),
            run_id: self.run_id.clone(),
            agent: route.agent.clone(),
            provider: provider.to_owned(),
            endpoint: endpoint.to_owned(),
            model: seen.model,
            status,
            input_tokens: seen.input,
            output_tokens: seen.output,
            cost_usd: cost,
        };
        let tokens = match route.token_windows.is_empty() {
            true => 0,
            false => seen_tokens(&record),
        };
        match ticket {
            Some(ticket) => ticket.settle(cost, tokens),
            None => self.quota.charged(&route.agent, cost, tokens),
        }
        self.sink.send(record, Arc::clone(&route.token_windows));
    }

    /// Writes the usage still to write (the proxy is stopping).
    pub fn close(&self) {
        self.sink.close();
    }
}

impl Relay {
    /// Records the answer (once).
    fn record(&mut self) {
        if let Some(report) = self.report.take() {
            report.record(&mut self.meter);
        }
    }
}

impl Report {
    /// Records what `meter` saw of the answer, and settles what the request reserved.
    fn record(mut self, meter: &mut Meter) {
        meter.finish();
        let seen = std::mem::take(&mut meter.seen);
        let answered = Answered {
            route: &self.route,
            provider: self.provider,
            endpoint: self.endpoint,
            status: self.status,
        };
        let ticket = self.ticket.take();
        self.state.record(answered, seen, ticket);
    }
}

impl Body for Relay {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            match this.upstream.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => {
                    this.meter.push(&chunk);
                    let mut out = Vec::with_capacity(chunk.len() + 8);
                    match &mut this.events {
                        Some(pending) => {
                            pending.extend_from_slice(&chunk);
                            for event in complete_events(pending) {
                                if !is_usage_only_event(&event) {
                                    this.masker.push(&event, &mut out);
                                }
                            }
                        }
                        None => this.masker.push(&chunk, &mut out),
                    }
                    if !out.is_empty() {
                        return Poll::Ready(Some(Ok(Frame::data(Bytes::from(out)))));
                    }
                }
                Poll::Ready(Some(Err(_))) => {
                    this.done = true;
                    this.record();
                    return Poll::Ready(Some(Err(io::Error::other(
                        "the provider's answer broke off",
                    ))));
                }
                Poll::Ready(None) => {
                    this.done = true;
                    let mut out = Vec::new();
                    if let Some(rest) = this.events.take() {
                        this.masker.push(&rest, &mut out);
                    }
                    this.masker.finish(&mut out);
                    this.record();
                    if !out.is_empty() {
                        return Poll::Ready(Some(Ok(Frame::data(Bytes::from(out)))));
                    }
                }
            }
        }
    }
}

/// How long a plain answer whose client left is still read for the usage it reports.
const DRAIN: Duration = Duration::from_secs(30);

impl Drop for Relay {
    /// A client that leaves before the end: a plain answer was made (and billed) whole, so the
    /// rest is read, off the client's path, for the usage it reports; a stream stops with the
    /// reading, so what was seen is what was used.
    fn drop(&mut self) {
        if self.done || self.report.is_none() || self.meter.streaming() {
            return self.record();
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return self.record();
        };
        let Some(report) = self.report.take() else {
            return;
        };
        let mut upstream =
            std::mem::replace(&mut self.upstream, Box::pin(futures_util::stream::empty()));
        let mut meter = std::mem::replace(&mut self.meter, Meter::new(false));
        runtime.spawn(async move {
            use futures_util::StreamExt as _;
            let read = async {
                while let Some(Ok(chunk)) = upstream.next().await {
                    meter.push(&chunk);
                }
            };
            let _ = tokio::time::timeout(DRAIN, read).await;
            report.record(&mut meter);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upstream(id: &str, key: &str) -> Upstream {
        let provider = crate::providers::find(id).unwrap();
        Upstream {
            provider,
            key_env: provider.key_env.to_owned(),
            key: crate::secret::SecretValue::new(key.to_owned()).unwrap(),
            base_url: provider.base_url.to_owned(),
            base: reqwest::Url::parse(provider.base_url).unwrap(),
        }
    }

    #[test]
    fn an_agent_bills_the_organization_and_project_its_scope_names() {
        let mut incoming = HeaderMap::new();
        incoming.insert("authorization", HeaderValue::from_static("Bearer token"));
        incoming.insert("openai-organization", HeaderValue::from_static("org-other"));
        incoming.insert("OpenAI-Project", HeaderValue::from_static("proj_other"));
        let places = [Place::Bearer];
        let out = upstream_headers(
            &incoming,
            &places,
            &upstream("openai", "sk-real"),
            &Default::default(),
        );
        assert!(out.get("openai-organization").is_none() && out.get("openai-project").is_none());
        let scope = crate::scope::Scope {
            openai_organization: Some("org-mine".into()),
            ..Default::default()
        };
        let out = upstream_headers(&incoming, &places, &upstream("openai", "sk-real"), &scope);
        assert_eq!(out["openai-organization"], "org-mine");
        assert!(out.get("openai-project").is_none());
        // Providers that do not read them get none.
        let out = upstream_headers(
            &incoming,
            &places,
            &upstream("anthropic", "sk-ant-x"),
            &scope,
        );
        assert!(out.get("openai-organization").is_none());
    }

    #[test]
    fn the_key_goes_where_the_token_came() {
        let mut incoming = HeaderMap::new();
        incoming.insert("x-api-key", HeaderValue::from_static("token"));
        incoming.insert("anthropic-version", HeaderValue::from_static("2023-06-01"));
        incoming.insert("host", HeaderValue::from_static("127.0.0.1:1"));
        incoming.insert("accept-encoding", HeaderValue::from_static("gzip"));
        let out = upstream_headers(
            &incoming,
            &[Place::XApiKey],
            &upstream("anthropic", "sk-ant-real"),
            &Default::default(),
        );
        assert_eq!(out["x-api-key"], "sk-ant-real");
        assert!(out["x-api-key"].is_sensitive());
        assert_eq!(out["anthropic-version"], "2023-06-01");
        assert_eq!(out["accept-encoding"], "identity");
        assert!(out.get("host").is_none() && out.get("authorization").is_none());
        let out = upstream_headers(
            &incoming,
            &[Place::Bearer],
            &upstream("openai", "sk-real"),
            &Default::default(),
        );
        assert_eq!(out["authorization"], "Bearer sk-real");
        assert!(out.get("x-api-key").is_none());
    }

    #[test]
    fn a_query_key_is_replaced_and_the_rest_kept() {
        assert_eq!(
            with_key("alt=sse&key=tok", "AIzaReal"),
            "alt=sse&key=AIzaReal"
        );
        assert_eq!(strip_bearer("bearer abc"), Some("abc"));
        assert_eq!(strip_bearer("Basic abc"), None);
    }

    #[test]
    fn paths_cannot_climb_out_of_the_endpoint() {
        for bad in [
            "/../x",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E./x",
            "/a%2fb",
            "/a\\b",
            "/./x",
        ] {
            assert!(!stays_below(bad), "{bad}");
        }
        for good in [
            "",
            "/chat/completions",
            "/models/gemini-2.5:generateContent",
            "/a..b",
        ] {
            assert!(stays_below(good), "{good}");
        }
    }

    #[test]
    fn stream_usage_is_asked_for_and_its_event_kept_from_the_client() {
        let (body, stream, hide) = read_request(Bytes::from_static(br#"{"stream":true}"#), true);
        assert!(stream && hide);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["stream_options"]["include_usage"], true);
        let asked = br#"{"stream":true,"stream_options":{"include_usage":true}}"#;
        assert!(!read_request(Bytes::from_static(asked), true).2);
        let mut pending =
            b"data: {\"choices\":[{}]}\n\ndata: {\"choices\":[],\"usage\":{}}\r\n\r\ndata: [DO"
                .to_vec();
        let events = complete_events(&mut pending);
        assert_eq!(events.len(), 2);
        assert!(!is_usage_only_event(&events[0]));
        assert!(is_usage_only_event(&events[1]));
        assert_eq!(pending, b"data: [DO");
    }

    #[test]
    fn stream_requests_are_recognised() {
        let stream = |body: &'static [u8], chat| read_request(Bytes::from_static(body), chat);
        assert!(stream(br#"{"model":"x","stream":true}"#, false).1);
        assert!(!stream(br#"{"model":"x","stream":true}"#, false).2);
        assert!(!stream(br#"{"model":"x"}"#, true).1);
        assert!(!stream(b"not json", true).1);
    }
}
