//! Keyless proxy benchmark: a mock OpenAI upstream on loopback answers a chat completion (at
//! once, and after 20 ms); the same requests go to it directly and through `vault proxy` (the
//! real binary), from 1, 16 and 64 concurrent clients on kept-alive connections. Prints the
//! latency the proxy adds (p50, p99) and its throughput as a share of direct; checks nothing.
//! Clients, mock and proxy share the machine's cores, as they would on a laptop.
//!
//! Against the instant upstream it measures, in one run and in turn: the bare proxy (no
//! limits); the proxy with a scope, requests and tokens limits and a budget all on; the same
//! after 1,000,000 usage rows exist; the same with a concurrency cap too; and nginx as a bare
//! reverse proxy doing the same token check and key swap, when nginx is installed.
//!
//!     cargo bench --bench proxy
//!
//! Targets: p50 added under 0.5 ms with every feature on, at both history sizes; throughput at
//! 64 clients no lower than the bare proxy's.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use age::secrecy::ExposeSecret;
use bytes::Bytes;
use http_body_util::Full;
use vault::secret::SecretValue;
use vault::vault::keyless::TokenHash;
use vault::vault::{
    AgentChanges, Details, Document, ModelError, ProviderKey, RecipientEntry, VaultFile,
};

const KEY: &str = "sk-proj-benchmarkKey0123456789abcdefghij";
const ANSWER: &str = r#"{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, how can I help you today?"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":10,"total_tokens":22}}"#;
const REQUEST: &str =
    r#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}"#;

/// What the agent has switched on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Setup {
    /// No limit at all (the provider's rate off).
    Bare,
    /// A scope, requests and tokens limits, a budget.
    AllOn,
    /// All of that and a cap on requests at once.
    Capped,
}

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    // An upstream that answers at once shows the proxy's own cost at its starkest; one that
    // takes 20 ms (still faster than any real model) shows what a client would notice.
    for delay in [Duration::ZERO, Duration::from_millis(20)] {
        let mock = runtime.block_on(start_mock(delay));
        let upstream = format!("http://{mock}/v1");
        let direct_url = format!("http://{mock}/v1/chat/completions");
        println!(
            "\nvault proxy: a chat completion through the proxy vs straight to a mock upstream \
             answering in {} ms",
            delay.as_millis()
        );
        let mut cases = vec![
            ("bare proxy (no limits)", Setup::Bare, 0),
            ("scope, limits and a budget on", Setup::AllOn, 0),
        ];
        if delay.is_zero() {
            cases.push(("the same, 1,000,000 usage rows", Setup::AllOn, 1_000_000));
            cases.push(("the same and --concurrency 1000", Setup::Capped, 0));
        }
        for (title, setup, history) in cases {
            let dir = tempfile::tempdir().expect("temp dir");
            let token = build_vault(dir.path(), &upstream, setup);
            if history > 0 {
                let started = Instant::now();
                fill_history(dir.path(), history);
                println!(
                    "({history} usage rows written in {:.1} s)",
                    started.elapsed().as_secs_f64()
                );
            }
            let proxy = start_proxy(dir.path());
            let url = format!("{}/openai/v1/chat/completions", proxy.url);
            measure(&runtime, title, &direct_url, &url, &token, delay);
        }
        if delay.is_zero() {
            match Nginx::start(mock) {
                Some(nginx) => {
                    let url = format!("{}/openai/v1/chat/completions", nginx.url);
                    let title = "nginx (token check + key swap)";
                    measure(&runtime, title, &direct_url, &url, NGINX_TOKEN, delay);
                }
                None => println!("\n(nginx is not installed: apt install nginx-light to compare)"),
            }
        }
    }
}

/// One table: `url` (with `token`) against the upstream directly, at 1, 16 and 64 clients.
fn measure(
    runtime: &tokio::runtime::Runtime,
    title: &str,
    direct_url: &str,
    url: &str,
    token: &str,
    delay: Duration,
) {
    println!("\n{title}");
    println!(
        "{:>7} {:>22} {:>22} {:>18} {:>10}",
        "clients", "direct p50/p99 (ms)", "proxy p50/p99 (ms)", "added p50/p99", "throughput"
    );
    for clients in [1, 16, 64] {
        let requests = match (delay.is_zero(), clients) {
            (true, 1) => 2000,
            (true, _) => 8000,
            (false, 1) => 100,
            (false, n) => 50 * n,
        };
        // Warm up both paths (connections, caches), then measure them in turn.
        let warm = clients * 4;
        runtime.block_on(load(direct_url, None, clients, warm));
        runtime.block_on(load(url, Some(token), clients, warm));
        let direct = runtime.block_on(load(direct_url, None, clients, requests));
        let proxied = runtime.block_on(load(url, Some(token), clients, requests));
        println!(
            "{clients:>7} {:>22} {:>22} {:>18} {:>9.0}%",
            format!("{:.3}/{:.3}", ms(direct.p50), ms(direct.p99)),
            format!("{:.3}/{:.3}", ms(proxied.p50), ms(proxied.p99)),
            format!(
                "{:.3}/{:.3}",
                ms(proxied.p50.saturating_sub(direct.p50)),
                ms(proxied.p99.saturating_sub(direct.p99))
            ),
            100.0 * proxied.per_second / direct.per_second,
        );
        println!(
            "{:>7} {:>22} {:>22}",
            "",
            format!("{:.0} req/s", direct.per_second),
            format!("{:.0} req/s", proxied.per_second)
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Figures {
    p50: Duration,
    p99: Duration,
    per_second: f64,
}

/// `requests` POSTs from `clients` concurrent clients, each on its own kept-alive connection.
async fn load(url: &str, token: Option<&str>, clients: usize, requests: usize) -> Figures {
    let started = Instant::now();
    let per_client = requests / clients;
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .build()
            .expect("client");
        let url = url.to_owned();
        let auth = format!("Bearer {}", token.unwrap_or(KEY));
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(per_client);
            for _ in 0..per_client {
                let t = Instant::now();
                let response = client
                    .post(&url)
                    .header("authorization", &auth)
                    .header("content-type", "application/json")
                    .body(REQUEST)
                    .send()
                    .await
                    .expect("request");
                assert!(response.status().is_success(), "{}", response.status());
                response.bytes().await.expect("body");
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut times = Vec::with_capacity(requests);
    for task in tasks {
        times.extend(task.await.expect("client task"));
    }
    let elapsed = started.elapsed();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    Figures {
        p50: at(0.50),
        p99: at(0.99),
        per_second: times.len() as f64 / elapsed.as_secs_f64(),
    }
}

/// The mock upstream: every request gets the same chat completion, on kept-alive
/// connections.
async fn start_mock(delay: Duration) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |request: hyper::Request<_>| async move {
                        // Read the request body as a provider would.
                        let _ = http_body_util::BodyExt::collect(request.into_body()).await;
                        if !delay.is_zero() {
                            tokio::time::sleep(delay).await;
                        }
                        let mut response =
                            hyper::Response::new(Full::new(Bytes::from_static(ANSWER.as_bytes())));
                        response.headers_mut().insert(
                            "content-type",
                            hyper::header::HeaderValue::from_static("application/json"),
                        );
                        Ok::<_, std::convert::Infallible>(response)
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

/// A vault with an OpenAI key at the mock, attached to an agent with a proxy token and what
/// `setup` switches on; returns the token.
fn build_vault(dir: &Path, base_url: &str, setup: Setup) -> String {
    let identity = age::x25519::Identity::generate();
    let file = VaultFile::new(dir.join("vault.age"));
    let now = jiff::Timestamp::now();
    file.create(&Document::new(vec![RecipientEntry {
        key: identity.to_public().to_string(),
        label: None,
        added: now,
    }]))
    .expect("create vault");
    let token = vault::proxy::token::generate().expect("token");
    let keys = vault::identity::Identities::from_age(vec![identity.clone()]);
    file.update(&keys, |doc| {
        let value = SecretValue::new(KEY.into()).expect("value");
        let key = ProviderKey::of("openai", Some(base_url.into())).map_err(ModelError::from)?;
        doc.add_entry("OPENAI_API_KEY", Details::Provider(key), value, now)?;
        doc.create_agent("agent", None, vec![], now)?;
        doc.attach("agent", "OPENAI_API_KEY", None, now)?;
        let mut changes = AgentChanges {
            rates: vec![("openai".into(), None)],
            ..AgentChanges::default()
        };
        if setup != Setup::Bare {
            // Far above what the benchmark sends: every request is counted, none refused.
            changes.requests = Some(vec!["4000000000/1m".parse().expect("rate")]);
            changes.tokens = Some(vec!["4000000000/1d".parse().expect("rate")]);
            changes.budget = Some(Some("1000000usd/day".parse().expect("budget")));
            changes.models = vec![(
                "openai".into(),
                vec![
                    "gpt-4o-mini".parse().expect("model"),
                    "gpt-4.1*".parse().expect("model"),
                ],
            )];
            changes.endpoints = Some(Some(
                [vault::scope::Endpoint::Chat, vault::scope::Endpoint::Models]
                    .into_iter()
                    .collect(),
            ));
        }
        if setup == Setup::Capped {
            changes.concurrency = Some(std::num::NonZeroU32::new(1000));
        }
        doc.set_agent("agent", changes, now)?;
        doc.set_agent_token("agent", Some(TokenHash::of(token.expose())), now)?;
        Ok(())
    })
    .expect("fill vault");
    std::fs::write(
        dir.join("identity"),
        identity.to_string().expose_secret().as_bytes(),
    )
    .expect("identity");
    token.expose().to_owned()
}

struct Proxy {
    child: Child,
    url: String,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_proxy(dir: &Path) -> Proxy {
    let key = std::fs::read_to_string(dir.join("identity")).expect("identity");
    let mut child = Command::new(env!("CARGO_BIN_EXE_vault"))
        .args(["proxy", "--listen", "127.0.0.1:0"])
        .env_clear()
        .env("HOME", dir)
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("VAULT_FILE", dir.join("vault.age"))
        .env("VAULT_IDENTITY", key.trim())
        .env("VAULT_NO_KEYRING", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start vault proxy");
    let mut first = String::new();
    BufReader::new(child.stdout.as_mut().expect("stdout"))
        .read_line(&mut first)
        .expect("first line");
    let url = first
        .trim()
        .strip_prefix("Listening on ")
        .expect("the proxy's address")
        .to_owned();
    Proxy { child, url }
}

/// Writes `rows` usage records of the agent, all of today, as the proxies' writer does.
fn fill_history(dir: &Path, rows: usize) {
    let db = vault::state::StateDir::new(dir.join("state/vault")).usage_db();
    let vault_path = std::fs::canonicalize(dir.join("vault.age")).expect("vault path");
    let quota =
        vault::proxy::quota::Quota::new(&db, &vault_path, "history", None).expect("usage db");
    let sink = vault::proxy::sink::Sink::start(&db, quota).expect("usage db");
    let windows: std::sync::Arc<[u64]> = std::sync::Arc::from([86_400u64]);
    let now = jiff::Timestamp::now();
    for i in 0..rows {
        let ago = jiff::SignedDuration::from_millis(i as i64 % 3_600_000);
        sink.send(
            vault::proxy::usage::Record {
                time: now.checked_sub(ago).unwrap_or(now),
                vault: vault_path.clone(),
                run_id: "history".into(),
                agent: "agent".into(),
                provider: "openai".into(),
                endpoint: "chat".into(),
                model: Some("gpt-4o-mini".into()),
                status: 200,
                input_tokens: 12,
                output_tokens: 10,
                cost_usd: 0.000_01,
            },
            std::sync::Arc::clone(&windows),
        );
    }
    sink.close();
}

const NGINX_TOKEN: &str = "vault-proxy-nginxBenchmarkToken0123456789";

/// nginx as a bare reverse proxy on the same hop: the token checked, the key put in its
/// place, kept-alive connections upstream.
struct Nginx {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Nginx {
    fn start(upstream: std::net::SocketAddr) -> Option<Self> {
        let binary = ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .into_iter()
            .find(|p| Path::new(p).exists())?;
        let dir = tempfile::tempdir().ok()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let d = dir.path().display();
        let conf = format!(
            r#"daemon off;
worker_processes 2;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    upstream mock {{ server {upstream}; keepalive 128; }}
    server {{
        listen 127.0.0.1:{port};
        keepalive_requests 1000000;
        location /openai/v1/ {{
            if ($http_authorization != "Bearer {NGINX_TOKEN}") {{ return 401; }}
            proxy_pass http://mock/v1/;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "Bearer {KEY}";
            proxy_buffering off;
        }}
    }}
}}
"#
        );
        std::fs::write(dir.path().join("nginx.conf"), conf).ok()?;
        let child = Command::new(binary)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let deadline = Instant::now() + Duration::from_secs(5);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(Nginx {
            child,
            url: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        })
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // The master stops its workers on SIGQUIT or SIGTERM.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}
