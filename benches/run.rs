//! Run benchmark: what `vault run AGENT -- true` adds over running `true` directly (median of
//! many runs), with masking off and on, for agents with 5 and 500 attachments, and what
//! `--sandbox` adds to that (where bubblewrap is installed); then what output masking costs
//! inside vault (building the matcher, and passing output through it). Prints its figures;
//! checks nothing.
//!
//!     cargo bench --bench run
//!
//! Targets: under 2 ms added at 5 attachments; the sandbox under 10 ms more.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use age::secrecy::ExposeSecret;
use vault::secret::SecretValue;
use vault::vault::{Document, Kind, RecipientEntry, VaultFile};

const RUNS: usize = 200;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let identity = age::x25519::Identity::generate();
    let key = identity.to_string().expose_secret().to_owned();
    let recipient = identity.to_public().to_string();

    // An agent with 5 attachments in a vault of 10 entries; one with 500 in a vault of 500.
    let mut configs: Vec<(String, Box<dyn Fn() -> Command>)> =
        vec![("true".into(), Box::new(|| Command::new("true")))];
    let bwrap = Command::new("sh")
        .args(["-c", "command -v bwrap"])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !bwrap {
        println!("(bubblewrap is not installed: no --sandbox rows)");
    }
    for (attachments, entries) in [(5, 10), (500, 500)] {
        let vault = dir.path().join(format!("vault-{entries}.age"));
        build_vault(&vault, &recipient, entries, attachments);
        let sandboxes: &[&str] = match (bwrap, attachments) {
            (true, 5) => &["--no-sandbox", "--sandbox"],
            _ => &["--no-sandbox"],
        };
        for (mask, sandbox) in ["never", "always"]
            .into_iter()
            .flat_map(|m| sandboxes.iter().map(move |s| (m, *s)))
        {
            let (vault, key, home) = (vault.clone(), key.clone(), dir.path().to_owned());
            let label = match sandbox {
                "--sandbox" => {
                    format!("vault run --sandbox ({attachments} of {entries}, mask {mask})")
                }
                _ => format!("vault run ({attachments} of {entries} entries, mask {mask})"),
            };
            configs.push((
                label,
                Box::new(move || {
                    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vault"));
                    cmd.args(["run", "agent", sandbox, "--mask", mask, "--", "true"])
                        .env_clear()
                        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                        .env("HOME", &home)
                        .env("XDG_STATE_HOME", home.join("state"))
                        .env("VAULT_FILE", &vault)
                        .env("VAULT_IDENTITY", &key)
                        .env("VAULT_NO_KEYRING", "1");
                    cmd
                }),
            ));
        }
    }
    // Round-robin, so that the machine's own ups and downs fall on every row alike.
    let mut samples: Vec<Vec<Duration>> = vec![Vec::with_capacity(RUNS); configs.len()];
    for _ in 0..RUNS {
        for (i, (_, make)) in configs.iter().enumerate() {
            samples[i].push(time(make()));
        }
    }
    let medians: Vec<Duration> = samples.iter_mut().map(|s| median(s)).collect();
    let direct = medians[0];
    println!("vault run overhead (median of {RUNS} runs, interleaved)");
    println!("{:<48} {:>10} {:>10} {:>8}", "", "median", "added", "ratio");
    for ((label, _), took) in configs.iter().zip(&medians) {
        if *took == direct {
            println!("{label:<48} {:>10}", ms(*took));
            continue;
        }
        println!(
            "{label:<48} {:>10} {:>10} {:>7.1}x",
            ms(*took),
            ms(took.saturating_sub(direct)),
            took.as_secs_f64() / direct.as_secs_f64()
        );
    }
    println!("targets: under 2 ms added at 5 attachments; --sandbox under 10 ms more");
    masking();
}

/// The masking library on its own: the matcher's build for 5 and 500 secrets shaped like the
/// vault's above (each with its encoded forms), and output passed through it, in 8 KiB writes
/// and a byte at a time (the held-back tail is looked at after every write).
fn masking() {
    use vault::launch::mask::{Masker, Secrets};
    let values = |n: usize| -> Vec<Vec<u8>> {
        (0..n)
            .map(|i| format!("sk-bench-{i:04}-{}", "x".repeat(40)).into_bytes())
            .collect()
    };
    let build = |values: &[Vec<u8>]| Secrets::new(values.iter().map(Vec::as_slice)).unwrap();
    let text: Vec<u8> = (0..)
        .flat_map(|i| {
            format!("{i:08} INFO request handled in 12 ms: GET /v1/models 200\n").into_bytes()
        })
        .take(1 << 20)
        .collect();
    let through = |secrets: &Secrets, text: &[u8], write: usize| {
        let mut masker = Masker::new(secrets);
        let mut out = Vec::with_capacity(text.len());
        for piece in text.chunks(write) {
            masker.push(piece, &mut out);
        }
        masker.finish(&mut out);
        assert_eq!(out.len(), text.len());
    };
    println!();
    println!("output masking in vault (library calls, median)");
    for n in [5, 500] {
        let values = values(n);
        let took = median_of(RUNS, || drop(build(&values)));
        println!(
            "{:<48} {:>10}",
            format!("matcher for {n} secrets"),
            ms(took)
        );
    }
    let secrets = build(&values(500));
    let took = median_of(21, || through(&secrets, &text, 8 * 1024));
    println!(
        "{:<48} {:>10}",
        "1 MiB through it (500), 8 KiB writes",
        ms(took)
    );
    let took = median_of(21, || through(&secrets, &text[..64 * 1024], 1));
    println!(
        "{:<48} {:>10}",
        "64 KiB through it (500), a byte a write",
        ms(took)
    );
}

fn median_of(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    median(&mut times)
}

/// A vault of `entries` secrets and an agent `agent` with the first `attachments` attached.
fn build_vault(path: &Path, recipient: &str, entries: usize, attachments: usize) {
    let now = jiff::Timestamp::now();
    let mut doc = Document::new(vec![RecipientEntry {
        key: recipient.to_owned(),
        label: None,
        added: now,
    }]);
    for i in 0..entries {
        let value = SecretValue::new(format!("sk-bench-{i:04}-{}", "x".repeat(40))).expect("value");
        doc.add_entry(&format!("SECRET_{i}"), Kind::Secret, value, now)
            .expect("add");
    }
    doc.create_agent("agent", None, Vec::new(), now)
        .expect("agent");
    for i in 0..attachments {
        doc.attach("agent", &format!("SECRET_{i}"), None, now)
            .expect("attach");
    }
    VaultFile::new(path).create(&doc).expect("create");
}

fn time(mut cmd: Command) -> Duration {
    let started = Instant::now();
    let status = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run");
    assert!(status.success(), "{cmd:?} failed");
    started.elapsed()
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
