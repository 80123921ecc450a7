//! Store benchmark: open, add, get and list on vaults of 10, 1,000 and 10,000 entries, and
//! the peak memory of a vault process at 10,000. Prints its figures; checks nothing.
//!
//!     cargo bench --bench store
//!
//! "open" is the library call (read, decrypt, parse); add, get and list run the real binary,
//! as a user or a script would, so they include process start and, for add, the locked
//! read-modify-write with fsync. Targets: add < 50 ms and open < 20 ms at 10,000 entries,
//! peak RSS < 30 MB.

use std::path::Path;
use std::time::Instant;

mod common;

use age::secrecy::ExposeSecret;
use common::{median, ms, run_vault};
use vault::identity::Identities;
use vault::secret::SecretValue;
use vault::vault::{Details, Document, RecipientEntry, VaultFile};

const RUNS: usize = 15;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let identity = age::x25519::Identity::generate();
    let key = identity.to_string().expose_secret().to_owned();
    let recipient = identity.to_public().to_string();

    println!("vault store benchmark (median of {RUNS} runs; peak RSS per process)");
    println!(
        "{:>8}  {:>10}  {:>10}  {:>10}  {:>10}  {:>9}  {:>12}",
        "entries", "file", "open", "add", "get", "list", "peak RSS"
    );
    for size in [10usize, 1_000, 10_000] {
        let path = dir.path().join(format!("vault-{size}.age"));
        let file = build_vault(&path, size, &recipient);
        let bytes = std::fs::metadata(&path).expect("stat").len();

        let keys = Identities::from_age(vec![identity.clone()]);
        let open = median(RUNS, || {
            let started = Instant::now();
            let doc = file.open(&keys).expect("open");
            assert_eq!(doc.entries.len(), size);
            started.elapsed()
        });

        let mut peak = 0u64;
        let mut n = 0;
        let add = median(RUNS, || {
            n += 1;
            let (took, rss) = run_vault(
                &path,
                &key,
                &[
                    "secret",
                    "add",
                    &format!("NEW_{n}"),
                    "--from-env",
                    "BENCH_VALUE",
                ],
            );
            peak = peak.max(rss);
            took
        });
        let get = median(RUNS, || {
            let (took, rss) = run_vault(&path, &key, &["get", "ENTRY_5"]);
            peak = peak.max(rss);
            took
        });
        let list = median(RUNS, || {
            let (took, rss) = run_vault(&path, &key, &["list"]);
            peak = peak.max(rss);
            took
        });
        println!(
            "{size:>8}  {:>8} KB  {:>10}  {:>10}  {:>10}  {:>9}  {:>9.1} MB",
            bytes / 1024,
            ms(open),
            ms(add),
            ms(get),
            ms(list),
            peak as f64 / 1024.0
        );
    }
    println!("targets at 10,000 entries: add < 50 ms, open < 20 ms, peak RSS < 30 MB");
}

/// Writes a vault with `size` entries (every third a variable) straight through the library.
fn build_vault(path: &Path, size: usize, recipient: &str) -> VaultFile {
    let now = jiff::Timestamp::now();
    let mut doc = Document::new(vec![RecipientEntry {
        key: recipient.to_owned(),
        label: Some("bench".into()),
        added: now,
    }]);
    for i in 0..size {
        let kind = if i % 3 == 0 {
            Details::Variable
        } else {
            Details::Secret
        };
        let value = SecretValue::new(format!("sk-bench-{i:08}-{}", "x".repeat(40))).expect("value");
        // Each entry made at its own moment, as in a vault built up over time.
        let made = now + jiff::SignedDuration::from_secs(i as i64);
        doc.add_entry(&format!("ENTRY_{i}"), kind, value, made)
            .expect("add");
    }
    let file = VaultFile::new(path);
    file.create(&doc).expect("create");
    file
}
