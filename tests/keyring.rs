//! The OS keyring as the identity's home: a private D-Bus session and gnome-keyring, started
//! by the test on a socket in its own directory.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// A session bus and an unlocked gnome-keyring, killed when dropped.
struct SecretService {
    bus: Child,
    keyring: Child,
    address: String,
}

impl SecretService {
    fn start(env: &Env) -> Self {
        let socket = env.path("run/bus");
        let address = format!("unix:path={}", socket.display());
        let bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--nopidfile"])
            .arg(format!("--address={address}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dbus-daemon");
        wait_for(|| socket.exists(), "the D-Bus socket");
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .envs(env.cmd().get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start gnome-keyring-daemon");
        {
            use std::io::Write;
            let mut stdin = keyring.stdin.take().expect("stdin");
            stdin.write_all(b"keyring-test-password").expect("unlock");
        }
        wait_for(
            || {
                Command::new("dbus-send")
                    .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus"])
                    .args(["/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner"])
                    .arg("string:org.freedesktop.secrets")
                    .env("DBUS_SESSION_BUS_ADDRESS", &address)
                    .output()
                    .map(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
                    .unwrap_or(false)
            },
            "the Secret Service",
        );
        Self {
            bus,
            keyring,
            address,
        }
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        let _ = self.keyring.kill();
        let _ = self.keyring.wait();
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

fn wait_for(mut ready: impl FnMut() -> bool, what: &str) {
    let started = Instant::now();
    while !ready() {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{what} did not come up"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn tools_present() -> bool {
    have("dbus-daemon") && have("gnome-keyring-daemon") && have("dbus-send")
}

fn lookup_item(env: &Env, service: &SecretService) -> Option<String> {
    if !Path::new("/usr/bin/secret-tool").exists() && !have("secret-tool") {
        return None;
    }
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "vault", "username", "age-identity"])
        .envs(env.cmd().get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .env("DBUS_SESSION_BUS_ADDRESS", &service.address)
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn init_keeps_the_identity_in_the_keyring_and_later_commands_use_it() {
    if !tools_present() {
        return;
    }
    let env = Env::new();
    let service = SecretService::start(&env);
    let with_bus = |args: &[&str]| {
        env.cmd()
            .env("DBUS_SESSION_BUS_ADDRESS", &service.address)
            .args(args)
            .output()
            .unwrap()
    };
    let out = with_bus(&["init"]);
    assert_success(&out, &["init"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("kept in the OS keyring (Secret Service"),
        "{text}"
    );
    assert!(
        !env.identity_path().exists(),
        "no identity file when the keyring holds it"
    );

    assert_success(
        &with_bus(&["var", "set", "FROM", "keyring"]),
        &["var", "set"],
    );
    let out = with_bus(&["get", "FROM"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "keyring\n");
    let out = with_bus(&["identity", "show"]);
    assert!(stderr(&out).contains("the OS keyring"), "{}", stderr(&out));

    // The item is where people's keyring tools find it, and it is the exported key.
    let exported = String::from_utf8_lossy(&with_bus(&["identity", "export"]).stdout).into_owned();
    if let Some(item) = lookup_item(&env, &service) {
        assert!(
            item.contains(exported.trim()),
            "keyring item differs from the export"
        );
    }

    // With the keyring gone (and no file), the vault does not open: the identity lives there.
    drop(service);
    let out = env.run(&["list"]);
    assert_fails_with(&out, "not reachable");
}

#[test]
fn no_keyring_keeps_the_identity_in_a_file_even_when_a_keyring_is_there() {
    if !tools_present() {
        return;
    }
    let env = Env::new();
    let service = SecretService::start(&env);
    for (args, var) in [
        (&["init", "--no-keyring"][..], None),
        (&["init"][..], Some("1")),
    ] {
        let _ = std::fs::remove_file(env.vault_path());
        let _ = std::fs::remove_file(env.identity_path());
        let mut cmd = env.cmd();
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &service.address)
            .args(args);
        if let Some(v) = var {
            cmd.env("VAULT_NO_KEYRING", v);
        }
        let out = cmd.output().unwrap();
        assert_success(&out, args);
        assert!(env.identity_path().exists(), "{args:?}");
    }
    assert_eq!(lookup_item(&env, &service).unwrap_or_default().trim(), "");
}

/// Two identities (one in the keyring, one in a file), two vaults: `identity export` gives the
/// one that opens the vault in use, so the backup init asks for is the right key.
#[test]
fn identity_export_gives_the_identity_that_opens_this_vault() {
    if !tools_present() {
        return;
    }
    let env = Env::new();
    let service = SecretService::start(&env);
    let second = env.path("second.age");
    let second = second.to_str().unwrap();
    let run = |args: &[&str]| {
        let out = env
            .cmd()
            .env("DBUS_SESSION_BUS_ADDRESS", &service.address)
            .args(args)
            .output()
            .unwrap();
        assert_success(&out, args);
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["init"]);
    run(&["--vault", second, "init", "--no-keyring"]);
    let first_key = run(&["identity", "export"]);
    let second_key = run(&["--vault", second, "identity", "export"]);
    assert_ne!(first_key, second_key);
    // Each exported key alone opens its own vault.
    let out = env
        .cmd()
        .env("VAULT_IDENTITY", second_key.trim())
        .args(["--vault", second, "list"])
        .output()
        .unwrap();
    assert_success(&out, &["list"]);
}
