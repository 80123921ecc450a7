//! Keyless agents in containers: `vault run AGENT --keyless --image IMAGE` with real engines
//! (podman as root and rootless, docker where it runs), set up by the tests themselves. A
//! client inside the container (busybox wget, and the official openai Python SDK, streaming
//! included) gets its answer through the run's proxy from a mock provider on this machine's
//! loopback; the mock sees the real key, and nothing the container has, prints or receives
//! holds it. With `--network proxy` the proxy is all the container reaches.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::engines::{self, BUSYBOX, CONTAINER_PYTHON, Docker, Engine, PYTHON, TunOpen};
use common::llm::LlmMock;
use common::{Env, Proxy, stderr};

const OPENAI_KEY: &str = "sk-proj-REALkeyNeverLeaves0123456789abcdef";

/// A vault whose openai key points at `mock` and is attached to agent `box`, handed over to
/// the engine's user.
fn keyless_env(engine: &Engine, mock: &LlmMock) -> Env {
    let env = Env::outside_tmp();
    env.init();
    mock.serve_openai_key(&env, OPENAI_KEY, "box");
    engine.hand_over(env.dir.path());
    env
}

/// `vault run box --keyless --image IMAGE --engine ENGINE [extra…] -- CMD…`, as the engine's
/// user, from the vault's work directory.
fn keyless_run(env: &Env, engine: &Engine, image: &str, extra: &[&str], cmd: &[&str]) -> Command {
    let mut run = env.cmd_in_work();
    run.args([
        "run",
        "box",
        "--keyless",
        "--image",
        image,
        "--engine",
        engine.program,
    ])
    .args(extra)
    .arg("--")
    .args(cmd);
    engine.wrap(run)
}

/// A chat completion by busybox wget: the token in the header, a JSON body, the answer on
/// stdout (after the container's environment, for the test to look through).
const WGET_CHAT: &str = r#"env; echo ---; busybox timeout 20 wget -q -O- \
  --header "Authorization: Bearer $OPENAI_API_KEY" --header "Content-Type: application/json" \
  --post-data '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}' \
  "$OPENAI_BASE_URL/chat/completions"; status=$?; echo; echo "wget=$status""#;

/// The audit log names the run as `program`.
fn assert_audited(env: &Env, program: &str) {
    let audit = env.ok(&["audit"]);
    assert!(audit.contains(program), "{audit}");
}

/// A refusal: exit 2 (bad usage) and `needle` in the message.
fn assert_refused(out: &Output, needle: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", text(out));
    assert!(
        stderr(out).contains(needle),
        "stderr lacks {needle:?}: {}",
        stderr(out)
    );
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A run that ended well with the mock's answer, none of it holding the key: all it printed.
fn answered(engine: &Engine, out: &Output) -> String {
    let all = text(out);
    assert!(out.status.success(), "{}: {all}", engine.label);
    assert!(
        all.contains("Hello from the mock"),
        "{}: {all}",
        engine.label
    );
    assert_no_key(&all);
    all
}

/// Nothing the container had or said holds the key, or a telling part of it.
fn assert_no_key(what: &str) {
    assert!(
        !what.contains(OPENAI_KEY),
        "the real key reached the container: {what}"
    );
    assert!(
        !what.contains(&OPENAI_KEY[OPENAI_KEY.len() - 12..]),
        "part of the real key reached the container: {what}"
    );
}

/// wget in the container gets the mock's answer through the proxy; the mock saw the real
/// key; the container's environment has the token and the proxy's address; the audit log
/// says what ran; usage is counted. `url_prefix`: how the base URL must start.
fn wget_gets_an_answer(engine: &Engine, url_prefix: &str) {
    let mock = LlmMock::start(OPENAI_KEY);
    let env = keyless_env(engine, &mock);
    let out = keyless_run(
        &env,
        engine,
        BUSYBOX,
        &["--mask", "never"],
        &["/bin/sh", "-c", WGET_CHAT],
    )
    .output()
    .unwrap();
    let all = answered(engine, &out);
    assert!(all.contains("wget=0"), "{all}");
    assert_no_key(&all);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let env_of = |name: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} not in the container: {stdout}"))
            .to_owned()
    };
    assert!(
        env_of("OPENAI_API_KEY").starts_with("vault-proxy-"),
        "{stdout}"
    );
    let base = env_of("OPENAI_BASE_URL");
    assert!(
        base.starts_with(url_prefix) && base.ends_with("/openai/v1"),
        "{}: {base}",
        engine.label
    );
    let seen = mock.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(
        seen[0].header("authorization"),
        Some(format!("Bearer {OPENAI_KEY}").as_str())
    );
    assert_audited(&env, &format!("{}: {BUSYBOX} (keyless)", engine.program));
    let usage = common::usage_with(&env, &["--agent", "box"], 1);
    assert_eq!(usage["total"]["requests"], 1, "{usage}");

    // Exit status passed on; the token masked where output is not a terminal.
    let out = keyless_run(
        &env,
        engine,
        BUSYBOX,
        &[],
        &["/bin/sh", "-c", "echo \"token=$OPENAI_API_KEY\"; exit 7"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "token=***\n");
}

/// The official openai SDK in the Python container, plain and streamed, through the proxy.
fn the_sdk_gets_an_answer(engine: &Engine) {
    if !Path::new(CONTAINER_PYTHON).join("openai").is_dir() {
        engines::unavailable(
            "the container's openai SDK",
            &format!("pip install --target {CONTAINER_PYTHON} openai"),
        );
        return;
    }
    let mock = LlmMock::start(OPENAI_KEY);
    let env = keyless_env(engine, &mock);
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let work = env.path("work");
    let mounts = [
        "-v".to_owned(),
        "/usr:/usr:ro".to_owned(),
        "-v".to_owned(),
        format!("{CONTAINER_PYTHON}:/deps:ro"),
        "-v".to_owned(),
        format!("{fixtures}:/fixtures:ro"),
        "-v".to_owned(),
        format!("{}:/work", work.display()),
        "-e".to_owned(),
        "PYTHONPATH=/deps".to_owned(),
    ];
    let mut extra = vec!["--mask", "never"];
    for arg in &mounts {
        extra.push("--engine-arg");
        extra.push(arg);
    }
    let mut child = keyless_run(
        &env,
        engine,
        PYTHON,
        &extra,
        &[
            "python3",
            "/fixtures/keyless_client.py",
            "openai",
            "/work/child-env.json",
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let lines = mock.client_lines(child.stdout.take().unwrap());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}: {err}", engine.label);
    let events: Vec<&str> = lines.iter().filter_map(|l| l["event"].as_str()).collect();
    assert_eq!(events, ["plain", "first-delta", "stream"], "{lines:?}");
    assert_eq!(lines[2]["text"], "Hello from the mock");
    // The stream's first text arrived before the mock wrote the rest: nothing buffered it.
    assert_eq!(mock.released_in_time(), [true]);
    let child_env = std::fs::read_to_string(work.join("child-env.json")).unwrap();
    assert!(child_env.contains("vault-proxy-"), "{child_env}");
    assert_no_key(&format!("{child_env}{lines:?}{err}"));
    assert!(
        mock.seen()
            .iter()
            .all(|s| s.header("authorization") == Some(&format!("Bearer {OPENAI_KEY}"))),
        "{:?}",
        mock.seen()
    );
}

/// A server on every address of this machine that answers `open` to whoever connects.
fn open_port() -> u16 {
    let listener = TcpListener::bind("0.0.0.0:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 1024];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nopen\n");
        }
    });
    port
}

/// With `--network proxy` the container reaches the proxy and nothing else: not the mock
/// (on this machine's loopback), not a port open on every address of this machine, which the
/// same container without it does reach.
fn only_the_proxy_is_reachable(engine: &Engine) {
    let mock = LlmMock::start(OPENAI_KEY);
    let env = keyless_env(engine, &mock);
    let Some(host) = engines::host_address() else {
        engines::unavailable("a network card's address", "ip -4 addr shows none");
        return;
    };
    let port = open_port();
    let reach = |target: &str| {
        format!(
            "if busybox timeout 5 wget -q -O- http://{target}/ >/dev/null 2>&1; then echo \
             {target}=open; else echo {target}=closed; fi; "
        )
    };
    let mock_port = mock.addr.port();
    let script = format!(
        "{WGET_CHAT}; {}{}{}",
        reach(&format!("{host}:{port}")),
        reach(&format!("127.0.0.1:{mock_port}")),
        reach(&format!("{host}:{mock_port}"))
    );
    // Without --network proxy: the engine's network, where the open port is reachable.
    let out = keyless_run(
        &env,
        engine,
        BUSYBOX,
        &["--mask", "never"],
        &["/bin/sh", "-c", &script],
    )
    .output()
    .unwrap();
    let all = answered(engine, &out);
    assert!(
        all.contains(&format!("{host}:{port}=open")),
        "{}: {all}",
        engine.label
    );

    let out = keyless_run(
        &env,
        engine,
        BUSYBOX,
        &["--mask", "never", "--network", "proxy"],
        &["/bin/sh", "-c", &format!("{script} ls /sys/class/net")],
    )
    .output()
    .unwrap();
    let all = answered(engine, &out);
    for target in [
        format!("{host}:{port}"),
        format!("127.0.0.1:{mock_port}"),
        format!("{host}:{mock_port}"),
    ] {
        assert!(
            all.contains(&format!("{target}=closed")),
            "{}: {target} was reachable with --network proxy: {all}",
            engine.label
        );
    }
    // Its only interface is loopback.
    let interfaces: Vec<&str> = all
        .lines()
        .skip_while(|l| !l.contains(&format!("{host}:{mock_port}=")))
        .skip(1)
        .collect();
    assert_eq!(interfaces, ["lo"], "{all}");
    assert_no_key(&all);
    assert_audited(&env, &format!("{BUSYBOX} (keyless, network proxy)"));
}

/// The agent's stored image, keyless default and network are used, and its rate limit holds
/// in the container as for a process: the second request in the window gets 429 from the
/// proxy, which never calls the provider for it.
fn stored_settings_and_limits_hold(engine: &Engine) {
    let mock = LlmMock::start(OPENAI_KEY);
    let env = keyless_env(engine, &mock);
    let mut set = env.cmd();
    set.args([
        "agent",
        "set",
        "box",
        "--keyless",
        "--image",
        BUSYBOX,
        "--network",
        "proxy",
        "--rate",
        "openai=1/60s",
    ]);
    let set = engine.wrap(set).output().unwrap();
    assert!(set.status.success(), "{}", text(&set));
    let twice = format!("{WGET_CHAT}; {WGET_CHAT}");
    let mut run = env.cmd_in_work();
    run.args(["run", "box", "--engine", engine.program, "--mask", "never"])
        .args(["--", "/bin/sh", "-c", &twice]);
    let out = engine.wrap(run).output().unwrap();
    let all = answered(engine, &out);
    assert!(all.contains("wget=0") && all.contains("wget=1"), "{all}");
    assert!(all.contains("429"), "{all}");
    assert_eq!(
        mock.seen().len(),
        1,
        "the provider was called past the rate"
    );
    assert_audited(&env, &format!("{BUSYBOX} (keyless, network proxy)"));
}

/// A signal to vault reaches the command in the container; its status comes back.
fn signals_reach_the_keyless_container(engine: &Engine) {
    let mock = LlmMock::start(OPENAI_KEY);
    let env = keyless_env(engine, &mock);
    engines::assert_sigterm_reaches(keyless_run(
        &env,
        engine,
        BUSYBOX,
        &[],
        &["/bin/sh", "-c", engines::TRAP_TERM],
    ));
}

/// What cannot be done is refused, and no container is left behind: refused before one
/// exists, or removed again.
fn bad_input_leaves_no_container(engine: &Engine) {
    let mock = LlmMock::start(OPENAI_KEY);
    let env = keyless_env(engine, &mock);
    let marker = format!("bad-input-{}", std::process::id());
    let command = ["/bin/sh", "-c", &format!("echo {marker}")];
    let out = keyless_run(
        &env,
        engine,
        BUSYBOX,
        &["--network", "proxy", "--engine-arg=--network=host"],
        &command,
    )
    .output()
    .unwrap();
    assert_refused(&out, "--engine-arg --network=host chooses one too");
    // An image the engine does not have: its own failure, exit 125.
    let out = keyless_run(&env, engine, "localhost/no-such-image:1", &[], &command)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(125), "{}", text(&out));
    assert!(stderr(&out).contains("no-such-image"), "{}", stderr(&out));
    // A network namespace that is this machine's (the test's own), chosen by an engine
    // argument: the proxy
    // would be on the machine's loopback at a port fixed in advance; refused once the
    // container exists, and the container removed.
    let ns = format!(
        "--engine-arg=--network=ns:/proc/{}/ns/net",
        std::process::id()
    );
    let out = keyless_run(&env, engine, BUSYBOX, &[&ns], &command)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        stderr(&out).contains("shares this machine's network namespace"),
        "{}",
        stderr(&out)
    );
    assert!(
        !text(&out).contains(&format!("\n{marker}")),
        "it ran: {}",
        text(&out)
    );
    assert_eq!(engine.containers(&marker), 0, "a container was left behind");
}

/// A signal while the container is being made ends the run before the command starts, and
/// the container is removed: SIGTERM to vault alone, and Ctrl-C (SIGINT to the whole process
/// group, the engine's steps included). The engine is slowed at `init` to make the moment.
fn a_signal_while_the_container_is_made_leaves_nothing(engine: &Engine) {
    let mock = LlmMock::start(OPENAI_KEY);
    let env = keyless_env(engine, &mock);
    let slow = env.path("slow-podman");
    std::fs::write(
        &slow,
        "#!/bin/sh\n[ \"$1\" = init ] && sleep 2\nexec podman \"$@\"\n",
    )
    .unwrap();
    let mut perms = std::fs::metadata(&slow).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&slow, perms).unwrap();
    for (signal, group) in [(libc::SIGTERM, false), (libc::SIGINT, true)] {
        let marker = format!("interrupted-{}-{signal}", std::process::id());
        let mut run = env.cmd_in_work();
        run.args(["run", "box", "--keyless", "--image", BUSYBOX, "--engine"])
            .arg(&slow)
            .args(["--", "/bin/sh", "-c", &format!("echo {marker}")]);
        let mut run = engine.wrap(run);
        std::os::unix::process::CommandExt::process_group(&mut run, 0);
        let child = run
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1200));
        let pid = child.id() as i32;
        // SAFETY: kill(2) on our own child, or its process group (its pid: it leads it).
        unsafe { libc::kill(if group { -pid } else { pid }, signal) };
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(128 + signal), "{}", text(&out));
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains(&marker),
            "it ran"
        );
        assert_eq!(engine.containers(&marker), 0, "a container was left behind");
    }
}

/// `vault proxy --listen LISTEN` serves a container the test starts itself, as a compose
/// service would be: the container is given `engine_args` and reaches the proxy at its
/// address with `seen_as` for the host (the compose example's `host.docker.internal`).
fn the_standalone_proxy_serves_containers(
    engine: &Engine,
    listen: &str,
    engine_args: &[&str],
    seen_as: Option<&str>,
) {
    let mock = LlmMock::start(OPENAI_KEY);
    let env = keyless_env(engine, &mock);
    let token = env.ok(&["agent", "token", "box"]).trim().to_owned();
    assert!(token.starts_with("vault-proxy-"), "{token}");
    let proxy = Proxy::listening(&env, listen);
    let url = url::Url::parse(&proxy.url).unwrap();
    let host = url.host_str().unwrap();
    assert!(
        !host.starts_with("0.0.0.0") && host != "[::]",
        "{}",
        proxy.url
    );
    let base = format!(
        "http://{}:{}/openai/v1",
        seen_as.unwrap_or(host),
        url.port().unwrap()
    );
    let out = engine
        .command()
        .args([
            "run",
            "--rm",
            "-e",
            "OPENAI_API_KEY",
            "-e",
            "OPENAI_BASE_URL",
        ])
        .args(engine_args)
        .args([BUSYBOX, "/bin/sh", "-c", WGET_CHAT])
        .env("OPENAI_API_KEY", &token)
        .env("OPENAI_BASE_URL", &base)
        .output()
        .unwrap();
    answered(engine, &out);
    drop(proxy);
}

/// The bridge podman's default network uses, made by running a container on it once.
fn podman_bridge(engine: &Engine) -> String {
    let out = engine
        .command()
        .args([
            "network",
            "inspect",
            "podman",
            "--format",
            "{{.NetworkInterface}}",
        ])
        .output()
        .unwrap();
    let name = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let _ = engine
        .command()
        .args(["run", "--rm", BUSYBOX, "true"])
        .status();
    if name.is_empty() {
        "cni-podman0".into()
    } else {
        name
    }
}

#[test]
fn podman_as_root_runs_keyless_containers() {
    let Some(engine) = engines::podman() else {
        return;
    };
    wget_gets_an_answer(engine, "http://127.0.0.1:8765/");
    the_sdk_gets_an_answer(engine);
    only_the_proxy_is_reachable(engine);
    stored_settings_and_limits_hold(engine);
    signals_reach_the_keyless_container(engine);
    bad_input_leaves_no_container(engine);
    a_signal_while_the_container_is_made_leaves_nothing(engine);
    let bridge = podman_bridge(engine);
    the_standalone_proxy_serves_containers(engine, &format!("{bridge}:0"), &[], None);
}

#[test]
fn rootless_podman_runs_keyless_containers() {
    let _tun = TunOpen::new();
    let Some(engine) = engines::podman_rootless() else {
        return;
    };
    wget_gets_an_answer(engine, "http://127.0.0.1:8765/");
    the_sdk_gets_an_answer(engine);
    only_the_proxy_is_reachable(engine);
    signals_reach_the_keyless_container(engine);
    // Rootless podman's containers reach this machine's loopback at 10.0.2.2 when slirp4netns
    // is told to allow it.
    the_standalone_proxy_serves_containers(
        engine,
        "127.0.0.1:0",
        &["--network", "slirp4netns:allow_host_loopback=true"],
        Some("10.0.2.2"),
    );
}

#[test]
fn docker_runs_keyless_containers() {
    let Some(docker) = Docker::start() else {
        return;
    };
    let engine = &docker.engine;
    wget_gets_an_answer(engine, "http://172.");
    the_sdk_gets_an_answer(engine);
    signals_reach_the_keyless_container(engine);
    // docker has no step between making a container and starting it: --network proxy is
    // refused, before anything starts.
    let mock = LlmMock::start(OPENAI_KEY);
    let env = keyless_env(engine, &mock);
    let out = keyless_run(
        &env,
        engine,
        BUSYBOX,
        &["--network", "proxy"],
        &["echo", "docker-network-proxy"],
    )
    .output()
    .unwrap();
    assert_refused(&out, "cannot give a container only the proxy");
    assert_eq!(engine.containers("docker-network-proxy"), 0);
    // With --network host the container shares this machine's loopback, where the proxy is.
    let out = keyless_run(
        &env,
        engine,
        BUSYBOX,
        &["--network", "host", "--mask", "never"],
        &["/bin/sh", "-c", WGET_CHAT],
    )
    .output()
    .unwrap();
    let all = answered(engine, &out);
    assert!(all.contains("OPENAI_BASE_URL=http://127.0.0.1:"), "{all}");
    // The compose example: the proxy on docker0, the service at host.docker.internal.
    the_standalone_proxy_serves_containers(
        engine,
        "docker0:0",
        &["--add-host", "host.docker.internal:host-gateway"],
        Some("host.docker.internal"),
    );
}

/// An engine vault cannot use for a keyless container is a clear error before anything runs:
/// a podman too old for `init`, a docker without its daemon, a program that is neither.
#[test]
fn engines_that_cannot_serve_a_keyless_container_are_refused() {
    let mock = LlmMock::start(OPENAI_KEY);
    let env = Env::new();
    env.init();
    mock.serve_openai_key(&env, OPENAI_KEY, "box");
    let bin = env.path("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let fake = |name: &str, script: &str| {
        let path = bin.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
        let mut perms = std::fs::metadata(&path).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&path, perms).unwrap();
        path
    };
    // Each records what it is asked: nothing but --version and info may be.
    let log = env.path("engine.log");
    let record = format!("echo \"$@\" >> {}", log.display());
    let cases = [
        (
            "old-podman",
            format!("{record}; [ \"$1\" = --version ] && echo 'podman version 1.9.3'"),
            "podman 1.9.3, too old",
        ),
        (
            "lonely-docker",
            format!(
                "{record}; [ \"$1\" = --version ] && {{ echo 'Docker version 28.2.2, build x'; \
                 exit 0; }}; echo 'Cannot connect to the Docker daemon' >&2; exit 1"
            ),
            "cannot reach its daemon",
        ),
        (
            "mystery",
            format!("{record}; echo 'mystery 1.0'"),
            "cannot tell which engine",
        ),
    ];
    for (name, script, expected) in cases {
        let engine = fake(name, &script);
        let _ = std::fs::remove_file(&log);
        let out = env
            .cmd()
            .args(["run", "box", "--keyless", "--image", BUSYBOX, "--engine"])
            .arg(&engine)
            .args(["--", "true"])
            .output()
            .unwrap();
        assert_refused(&out, expected);
        let asked = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(
            asked
                .lines()
                .all(|l| l == "--version" || l.starts_with("info")),
            "{name} was asked to make a container: {asked}"
        );
    }
    // --network proxy without --keyless: nothing to reach.
    let out = env
        .cmd()
        .args([
            "run",
            "box",
            "--image",
            BUSYBOX,
            "--engine",
            "podman",
            "--network",
            "proxy",
        ])
        .args(["--", "true"])
        .output()
        .unwrap();
    assert_refused(&out, "only keyless runs have");
    // The sandbox's own options stay the sandbox's.
    let out = env
        .cmd()
        .args([
            "run",
            "box",
            "--keyless",
            "--image",
            BUSYBOX,
            "--allow-write",
            "/srv",
        ])
        .args(["--", "true"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

/// Network namespaces and links made for a test, removed when dropped.
struct Links {
    namespaces: Vec<String>,
    links: Vec<String>,
}

impl Drop for Links {
    fn drop(&mut self) {
        for link in &self.links {
            let _ = Command::new("ip").args(["link", "delete", link]).status();
        }
        for ns in &self.namespaces {
            let _ = Command::new("ip").args(["netns", "delete", ns]).status();
        }
    }
}

fn ip(args: &str) {
    let out = Command::new("sh")
        .args(["-c", &format!("ip {args}")])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ip {args}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What a client in network namespace `ns` gets from `http://ADDR/openai/v1/models`: the
/// status line, or how the connection ended.
fn fetch_from(ns: &str, addr: &str) -> String {
    let (host, port) = addr.rsplit_once(':').unwrap();
    let script = format!(
        "import socket\n\
         try:\n    s = socket.create_connection(('{host}', {port}), timeout=5)\n\
         except OSError as e:\n    print('unreachable', e); raise SystemExit\n\
         s.sendall(b'GET /openai/v1/models HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n')\n\
         try:\n    data = s.recv(100)\n\
         except OSError as e:\n    data = b''\n\
         print(data.split(b'\\r\\n')[0].decode() if data else 'closed')\n"
    );
    let out = Command::new("ip")
        .args(["netns", "exec", ns, "/usr/bin/python3", "-c", &script])
        .output()
        .unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout).trim(),
        String::from_utf8_lossy(&out.stderr).trim()
    )
}

/// `vault proxy` on a container bridge lets in the containers on it and no one else: a
/// machine beside this one that routes the bridge's subnet here reaches the address (Linux
/// accepts packets for any of its addresses on any interface), yet the proxy closes its
/// connection at once. Both sides are network namespaces the test makes (as root).
#[test]
fn a_proxy_on_a_bridge_lets_in_only_the_bridge_s_containers() {
    if !common::is_root() || !Path::new("/usr/bin/python3").is_file() {
        engines::unavailable(
            "the bridge test",
            "it makes a bridge and network namespaces, which takes root and /usr/bin/python3",
        );
        return;
    }
    let id = std::process::id() % 10_000;
    let (bridge, inside, outside) = (
        format!("vtbr{id}"),
        format!("vt-in-{id}"),
        format!("vt-out-{id}"),
    );
    let _links = Links {
        namespaces: vec![inside.clone(), outside.clone()],
        links: vec![bridge.clone(), format!("vtin{id}"), format!("vtout{id}")],
    };
    let net = format!("10.213.{}", id % 250);
    ip(&format!("link add {bridge} type bridge"));
    ip(&format!("addr add {net}.1/24 dev {bridge}"));
    ip(&format!("link set {bridge} up"));
    // A network namespace with its end of a veth pair as eth0 at `address`; the host's end,
    // `link`, is left for the caller to place.
    let namespace = |ns: &str, link: &str, address: &str| {
        ip(&format!("netns add {ns}"));
        ip(&format!(
            "link add {link} type veth peer name eth0 netns {ns}"
        ));
        ip(&format!("-n {ns} addr add {address} dev eth0"));
        ip(&format!("-n {ns} link set eth0 up"));
        ip(&format!("-n {ns} link set lo up"));
    };
    // A container on the bridge.
    namespace(&inside, &format!("vtin{id}"), &format!("{net}.2/24"));
    ip(&format!("link set vtin{id} master {bridge} up"));
    // A machine beside this one, on a link of its own, routing the bridge's subnet here.
    namespace(&outside, &format!("vtout{id}"), "198.51.100.2/30");
    ip(&format!("addr add 198.51.100.1/30 dev vtout{id}"));
    ip(&format!("link set vtout{id} up"));
    ip(&format!(
        "-n {outside} route add {net}.0/24 via 198.51.100.1"
    ));

    let mock = LlmMock::start(OPENAI_KEY);
    let env = Env::new();
    env.init();
    mock.serve_openai_key(&env, OPENAI_KEY, "box");
    env.ok(&["agent", "token", "box"]);
    // The outside reaches the bridge's address: a plain server there answers it.
    let plain = TcpListener::bind(format!("{net}.1:0")).unwrap();
    let plain_addr = plain.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for mut stream in plain.incoming().flatten() {
            let mut buf = [0u8; 512];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(b"HTTP/1.0 200 OK\r\n\r\n");
        }
    });
    assert!(
        fetch_from(&outside, &plain_addr).starts_with("HTTP/1.0 200"),
        "the outside namespace cannot reach the bridge at all: the test proves nothing"
    );
    let proxy = Proxy::listening(&env, &format!("{bridge}:0"));
    let addr = proxy.url.trim_start_matches("http://").to_owned();
    assert!(addr.starts_with(&format!("{net}.1:")), "{addr}");
    // The container gets the proxy's own answer (no token: 401).
    assert_eq!(fetch_from(&inside, &addr), "HTTP/1.1 401 Unauthorized");
    // The machine beside gets nothing.
    let outside_got = fetch_from(&outside, &addr);
    assert!(
        outside_got == "closed" || outside_got.contains("reset"),
        "{outside_got}"
    );
    // A bridge that is not a container bridge's, or an address on none, is refused.
    let out = env.run(&["proxy", "--listen", "198.51.100.1:0"]);
    assert!(
        stderr(&out).contains("container bridge"),
        "{}",
        stderr(&out)
    );
}
