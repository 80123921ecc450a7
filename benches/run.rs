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
use vault::vault::{Details, Document, RecipientEntry, VaultFile};

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
    let values =
        |n: usize| -> Vec<Vec<u8>> { (0..n).map(|i| bench_value(i).into_bytes()).collect() };
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
        out
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
    assert_eq!(through(&secrets, &text, 8 * 1024), text);
    let took = median_of(21, || drop(through(&secrets, &text, 8 * 1024)));
    println!(
        "{:<48} {:>10}",
        "1 MiB through it (500), 8 KiB writes",
        ms(took)
    );
    // A key in every line: every one a match to confirm and mask.
    let keyed: Vec<u8> = (0..)
        .flat_map(|i| format!("{i:08} INFO using key {}\n", bench_value(i % 500)).into_bytes())
        .take(1 << 20)
        .collect();
    let masked = through(&secrets, &keyed, 8 * 1024);
    assert!(
        !masked.windows(8).any(|w| w == b"sk-bench"),
        "a key was not masked"
    );
    let took = median_of(21, || drop(through(&secrets, &keyed, 8 * 1024)));
    println!(
        "{:<48} {:>10}",
        "1 MiB, a key in every line (500), 8 KiB writes",
        ms(took)
    );
    let took = median_of(21, || drop(through(&secrets, &text[..64 * 1024], 1)));
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
        let value = SecretValue::new(bench_value(i)).expect("value");
        doc.add_entry(&format!("SECRET_{i}"), Details::Secret, value, now)
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

/// Secret `i`: shaped like a provider key, random after its prefix as real keys are (which
/// decides how much of them a matcher can share).
fn bench_value(i: usize) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut seed = 0x9e37_79b9_7f4a_7c15u64 ^ (i as u64 + 1).wrapping_mul(0x2545_f491_4f6c_dd1d);
    let random: String = (0..40)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            ALPHABET[(seed % 64) as usize] as char
        })
        .collect();
    format!("sk-bench-{i:04}-{random}")
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
