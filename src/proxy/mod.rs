//! The keyless proxy: agents hold a token and the proxy's address instead of provider keys.
//! It listens on loopback only, checks the token, checks that the provider is attached to the
//! token's agent, enforces the agent's rate limits and budget, swaps the token for the real
//! key where it came, forwards the request, passes the answer back as it arrives (with every
//! real key scrubbed out) and records the tokens used.

pub mod bridge;
pub mod live;
pub mod pricing;
pub mod quota;
mod server;
pub mod sink;
pub mod token;
pub mod usage;
pub mod usage_db;

use std::net::{IpAddr, SocketAddr, TcpListener, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Arc;

use crate::providers::Provider;
use crate::secret::SecretValue;
use crate::vault::keyless::{Budget, TokenHash};
use crate::vault::{Document, Kind, ModelError};

pub use pricing::Pricing;
pub use usage_db::UsageDb;

/// One provider an agent may use through the proxy.
pub struct Upstream {
    pub provider: &'static Provider,
    /// The variable the agent has the key (now: its token) in.
    pub key_env: String,
    pub key: SecretValue,
    /// Where requests go: the key's own endpoint, else the provider's, without the path the
    /// SDK adds itself (Gemini's API version); parsed too, to check that each request's URL
    /// stays below it.
    pub base_url: String,
    pub base: reqwest::Url,
}

/// One agent the proxy serves.
pub struct Route {
    pub agent: String,
    pub upstreams: Vec<Upstream>,
    pub budget: Option<Budget>,
    pub scope: crate::scope::Scope,
    /// Its limits on requests and tokens: its own, and each provider's rate.
    pub limits: Vec<quota::Limit>,
    pub concurrency: Option<std::num::NonZeroU32>,
    /// The windows its tokens are counted in (those of its token limits).
    pub token_windows: Arc<[u64]>,
}

/// Everything the proxy knows, as read from one version of the vault.
pub struct Config {
    /// The vault, as usage records name it.
    pub vault: PathBuf,
    pub routes: Vec<Arc<Route>>,
    /// Token hash → the route it stands for.
    pub tokens: Vec<(TokenHash, Arc<Route>)>,
    /// Providers the vault has a key for (attached to some agent or not).
    pub configured: Vec<&'static str>,
    pub pricing: Pricing,
    pub usage: UsageDb,
    /// How the proxy follows later versions of the vault (`None`: it serves this one only).
    pub follow: Option<live::Follow>,
    /// A budget for everything this proxy serves, in US dollars (`vault run --budget`).
    pub run_budget: Option<f64>,
}

impl Config {
    /// The proxy's view of `agents` (each with the hash of the token that stands for it).
    pub fn new(
        doc: &Document,
        agents: &[(String, TokenHash)],
        vault: PathBuf,
        pricing: Pricing,
        usage: UsageDb,
    ) -> Result<Self, ModelError> {
        let mut routes = Vec::new();
        let mut tokens = Vec::new();
        for (name, hash) in agents {
            // An agent removed since the proxy started has no route: its token is unknown.
            let Ok(agent) = doc.agent(name) else {
                continue;
            };
            let upstreams: Vec<Upstream> = doc
                .attached(name)?
                .into_iter()
                .filter(|a| a.entry.kind() == Kind::Provider)
                .filter_map(|a| {
                    let (provider, endpoint) = a.entry.endpoint()?;
                    let base_url = provider.sdk_url(endpoint).to_owned();
                    // A custom endpoint without its address cannot be reached (`provider
                    // add` always stores one, checked when the vault is read).
                    let base = reqwest::Url::parse(&base_url).ok()?;
                    Some(Upstream {
                        provider,
                        key_env: a.env_name.to_owned(),
                        key: a.entry.value().clone(),
                        base_url,
                        base,
                    })
                })
                .collect();
            let rates = upstreams
                .iter()
                .filter_map(|u| Some((u.provider.id, agent.rate(u.provider.id)?)));
            let limits = quota::Limit::all(&agent.limits, rates);
            let route = Arc::new(Route {
                agent: name.clone(),
                budget: agent.budget,
                scope: agent.scope.clone(),
                concurrency: agent.limits.concurrency,
                token_windows: agent
                    .limits
                    .tokens
                    .iter()
                    .map(|rate| rate.window.as_secs())
                    .collect(),
                limits,
                upstreams,
            });
            tokens.push((*hash, Arc::clone(&route)));
            routes.push(route);
        }
        let mut configured: Vec<&'static str> = doc
            .entries
            .values()
            .filter_map(|e| Some(e.provider_key()?.provider().id))
            .collect();
        configured.sort_unstable();
        configured.dedup();
        Ok(Self {
            vault,
            routes,
            tokens,
            configured,
            pricing,
            usage,
            follow: None,
            run_budget: None,
        })
    }

    /// Every real key the proxy holds.
    fn keys(&self) -> impl Iterator<Item = &SecretValue> {
        self.routes
            .iter()
            .flat_map(|r| &r.upstreams)
            .map(|u| &u.key)
    }
}

/// The address an agent's SDK is given for `provider`, and the variable it goes in.
pub fn base_url_for(provider: &Provider, addr: SocketAddr) -> (&'static str, String) {
    let (env, path) = provider.proxy_url_env();
    (env, format!("http://{addr}/{}{path}", provider.id))
}

#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    #[error(
        "the proxy listens on loopback only (127.0.0.1, ::1 or localhost), not `{0}`: anyone \
         who can reach it can spend the keys behind it"
    )]
    NotLoopback(String),
    #[error(
        "the proxy listens on loopback (127.0.0.1, ::1, localhost) or a container bridge \
         (this machine's: {bridges}), not `{given}`: anyone who can reach it can spend the \
         keys behind it, and a wildcard or a network card's address is reachable from other \
         machines"
    )]
    NotLoopbackOrBridge { given: String, bridges: String },
    #[error("`{0}` is not an address and port such as 127.0.0.1:8765")]
    BadAddress(String),
    #[error(
        "cannot listen on {0} (is another vault proxy running there? --listen 127.0.0.1:0 \
         picks a free port)"
    )]
    Listen(String, #[source] std::io::Error),
    #[error("cannot start the proxy")]
    Start(#[source] std::io::Error),
    #[error(transparent)]
    Mask(#[from] crate::launch::mask::MaskError),
    #[error("cannot record usage")]
    Usage(#[from] usage_db::UsageError),
}

/// Binds `text` (`127.0.0.1:PORT`, `[::1]:PORT`, `localhost:PORT`), refusing anything that
/// is not loopback.
pub fn bind_loopback(text: &str) -> Result<TcpListener, ProxyError> {
    let addrs: Vec<SocketAddr> = text
        .to_socket_addrs()
        .map_err(|_| ProxyError::BadAddress(text.to_owned()))?
        .collect();
    if addrs.is_empty() {
        return Err(ProxyError::BadAddress(text.to_owned()));
    }
    if let Some(outside) = addrs.iter().find(|a| !is_loopback(a.ip())) {
        return Err(ProxyError::NotLoopback(outside.ip().to_string()));
    }
    // localhost may name ::1 and 127.0.0.1: IPv4 first, as SDKs most often resolve it.
    let mut addrs = addrs;
    addrs.sort_by_key(|a| !a.is_ipv4());
    let mut last = None;
    for addr in &addrs {
        match TcpListener::bind(addr) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = Some(e),
        }
    }
    Err(ProxyError::Listen(
        text.to_owned(),
        last.unwrap_or_else(|| std::io::Error::other("no address")),
    ))
}

/// Binds `ip:port`, an address of one of this machine's container bridges (docker0's
/// 172.17.0.1, say), refusing any other. The proxy on it lets in only peers from a container
/// bridge's subnet ([`bridge::Peers`]).
pub fn bind_gateway(ip: IpAddr, port: u16) -> Result<Listener, ProxyError> {
    let Some(bridge) = bridge::with_address(ip) else {
        return Err(not_loopback_or_bridge(&ip.to_string()));
    };
    let addr = SocketAddr::new(bridge.ip, port);
    TcpListener::bind(addr)
        .map(Listener::Bridge)
        .map_err(|e| ProxyError::Listen(format!("{addr} ({})", bridge.interface), e))
}

fn not_loopback_or_bridge(given: &str) -> ProxyError {
    let bridges: Vec<String> = bridge::all()
        .iter()
        .map(|b| format!("{} {}", b.interface, b.ip))
        .collect();
    ProxyError::NotLoopbackOrBridge {
        given: given.to_owned(),
        bridges: match bridges.is_empty() {
            true => "none".into(),
            false => bridges.join(", "),
        },
    }
}

/// Binds what `vault proxy --listen` names: a loopback address and port, or a container
/// bridge's, by its address (`172.17.0.1:8765`) or its name (`docker0:8765`).
pub fn bind_listen(text: &str) -> Result<Listener, ProxyError> {
    let (host, port) = text
        .rsplit_once(':')
        .ok_or_else(|| ProxyError::BadAddress(text.to_owned()))?;
    let port: u16 = port
        .parse()
        .map_err(|_| ProxyError::BadAddress(text.to_owned()))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<IpAddr>() {
        Ok(ip) if is_loopback(ip) => bind_loopback(text).map(Listener::Tcp),
        Ok(ip) => bind_gateway(ip, port),
        Err(_) if host.eq_ignore_ascii_case("localhost") => bind_loopback(text).map(Listener::Tcp),
        Err(_) => match bridge::named(host) {
            Some(bridge) => bind_gateway(bridge.ip, port),
            None => Err(not_loopback_or_bridge(host)),
        },
    }
}

/// Whether `ip` is loopback (`::ffff:127.0.0.1` included).
pub use crate::net::is_loopback;

/// The proxy holds real keys for as long as it runs: on Linux, other processes of the same
/// user may then not read its memory (ptrace, /proc/PID/mem) or get a core dump of it. The
/// agent itself, started afresh by exec, is unaffected.
pub fn keep_out_of_debuggers() {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::process::{DumpableBehavior, set_dumpable_behavior};
        if let Err(e) = set_dumpable_behavior(DumpableBehavior::NotDumpable) {
            log::warn!("cannot keep the proxy's memory from other processes: {e}");
        }
    }
}

/// A proxy serving in the background (for `vault run --keyless`): it stops when dropped.
pub struct Background {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Where a proxy listens: a loopback port, or (for a sandbox whose only way out is the
/// proxy) a unix socket in a private directory.
pub enum Listener {
    /// Loopback: whoever can connect is on this machine.
    Tcp(TcpListener),
    /// A container bridge's address: only peers from a container bridge's subnet are let in.
    Bridge(TcpListener),
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixListener),
}

impl Listener {
    /// Where it listens, as an address agents are given (a unix socket has none).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        match self {
            Self::Tcp(l) | Self::Bridge(l) => l.local_addr(),
            #[cfg(unix)]
            Self::Unix(_) => Err(std::io::Error::other("a unix socket has no address")),
        }
    }
}

impl From<TcpListener> for Listener {
    fn from(listener: TcpListener) -> Self {
        Self::Tcp(listener)
    }
}

/// Starts serving `config` on `listener` in a thread of its own.
pub fn spawn(config: Config, listener: impl Into<Listener>) -> Result<Background, ProxyError> {
    let listener = listener.into();
    let runtime = runtime(2)?;
    let state = server::State::new(config)?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let listener = {
        let _entered = runtime.enter();
        listen(listener)?
    };
    let thread = std::thread::Builder::new()
        .name("vault-proxy".into())
        .spawn(move || {
            let serving = Arc::clone(&state);
            runtime.block_on(async move {
                tokio::select! {
                    () = server::serve(listener, serving) => {}
                    _ = stopped => {}
                }
            });
            // In-flight requests end with the run; what they used is written first.
            runtime.shutdown_background();
            state.close();
        })
        .map_err(ProxyError::Start)?;
    Ok(Background {
        stop: Some(stop),
        thread: Some(thread),
    })
}

/// Serves `config` on `listener` until SIGINT or SIGTERM (for `vault proxy`).
pub fn serve_until_stopped(config: Config, listener: Listener) -> Result<(), ProxyError> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let runtime = runtime(threads)?;
    let state = server::State::new(config)?;
    let serving = Arc::clone(&state);
    runtime.block_on(async move {
        let listener = listen(listener)?;
        let stop = stop_signal().map_err(ProxyError::Start)?;
        tokio::select! {
            () = server::serve(listener, serving) => {}
            () = stop => {}
        }
        Ok::<(), ProxyError>(())
    })?;
    runtime.shutdown_background();
    state.close();
    Ok(())
}

fn runtime(threads: usize) -> Result<tokio::runtime::Runtime, ProxyError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .thread_name("vault-proxy")
        .enable_io()
        .enable_time()
        .build()
        .map_err(ProxyError::Start)
}

fn listen(listener: impl Into<Listener>) -> Result<server::Listening, ProxyError> {
    match listener.into() {
        Listener::Tcp(listener) => {
            listener.set_nonblocking(true).map_err(ProxyError::Start)?;
            tokio::net::TcpListener::from_std(listener)
                .map(server::Listening::Tcp)
                .map_err(ProxyError::Start)
        }
        Listener::Bridge(listener) => {
            listener.set_nonblocking(true).map_err(ProxyError::Start)?;
            tokio::net::TcpListener::from_std(listener)
                .map(|l| server::Listening::Bridge(l, bridge::Peers::new()))
                .map_err(ProxyError::Start)
        }
        #[cfg(unix)]
        Listener::Unix(listener) => {
            listener.set_nonblocking(true).map_err(ProxyError::Start)?;
            tokio::net::UnixListener::from_std(listener)
                .map(server::Listening::Unix)
                .map_err(ProxyError::Start)
        }
    }
}

#[cfg(unix)]
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut int = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_are_accepted() {
        for outside in ["0.0.0.0:0", "[::]:0", "192.0.2.1:8765"] {
            assert!(
                matches!(bind_loopback(outside), Err(ProxyError::NotLoopback(_))),
                "{outside}"
            );
        }
        assert!(matches!(
            bind_loopback("nonsense"),
            Err(ProxyError::BadAddress(_))
        ));
        let listener = bind_loopback("127.0.0.1:0").unwrap();
        assert!(listener.local_addr().unwrap().ip().is_loopback());
        assert!(bind_loopback("localhost:0").is_ok());
    }

    #[test]
    fn sdks_get_the_base_urls_they_expect() {
        let addr: SocketAddr = "127.0.0.1:8765".parse().unwrap();
        let url = |id| base_url_for(crate::providers::find(id).unwrap(), addr);
        assert_eq!(
            url("openai"),
            ("OPENAI_BASE_URL", "http://127.0.0.1:8765/openai/v1".into())
        );
        assert_eq!(
            url("anthropic"),
            (
                "ANTHROPIC_BASE_URL",
                "http://127.0.0.1:8765/anthropic".into()
            )
        );
        assert_eq!(
            url("gemini"),
            (
                "GOOGLE_GEMINI_BASE_URL",
                "http://127.0.0.1:8765/gemini".into()
            )
        );
        assert_eq!(
            url("openrouter"),
            (
                "OPENROUTER_BASE_URL",
                "http://127.0.0.1:8765/openrouter/api/v1".into()
            )
        );
    }
}
