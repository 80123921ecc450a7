//! Import and export benchmark: `vault import` of a 10,000-line .env file into an empty vault,
//! and `vault export --all` of 10,000 entries in each format. Prints its figures; checks
//! nothing.
//!
//!     cargo bench --bench import_export
//!
//! Both run the real binary as a user or a script would: process start, decrypt, and for
//! import the parse, the locked write with fsync and the audit line. The .env parse alone is
//! shown too. Target: import and export each under 200 ms.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

mod common;

use age::secrecy::ExposeSecret;
use common::ms;
use vault::vault::{Document, RecipientEntry, VaultFile};

const RUNS: usize = 11;

/// The median of RUNS timings.
fn median(f: impl FnMut() -> Duration) -> Duration {
    common::median(RUNS, f)
}

/// Wall time of the binary on `path` (its memory is the store benchmark's subject), with
/// GITHUB_ENV set for `--format github` (emptied first).
fn run_vault(path: &Path, key: &str, args: &[&str]) -> Duration {
    let github_env = path.with_file_name("github_env");
    std::fs::write(&github_env, "").expect("empty GITHUB_ENV");
    common::run_vault_with(path, key, args, &[("GITHUB_ENV", &github_env)]).0
}
const LINES: usize = 10_000;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let identity = age::x25519::Identity::generate();
    let key = identity.to_string().expose_secret().to_owned();
    let recipient = identity.to_public().to_string();

    // A .env file as people write them: comments, quotes, exports, a few multi-line values.
    let mut text = String::from("# generated for the benchmark\n");
    for i in 0..LINES {
        let _ = match i % 5 {
            0 => writeln!(text, "API_KEY_{i}=sk-bench-{i:08}-{}", "x".repeat(40)),
            1 => writeln!(text, "export SETTING_{i}='value {i} with spaces'"),
            2 => writeln!(text, "PROMPT_{i}=\"line one\\nline two {i}\" # note"),
            3 => writeln!(text, "URL_{i}=https://example.com/{i}?a=b"),
            _ => writeln!(text, "MULTI_{i}=\"first {i}\nsecond\""),
        };
    }
    let env_file = dir.path().join("big.env");
    std::fs::write(&env_file, &text).expect("write .env");

    let empty = dir.path().join("empty.age");
    VaultFile::new(&empty)
        .create(&Document::new(vec![RecipientEntry {
            key: recipient,
            label: Some("bench".into()),
            added: jiff::Timestamp::now(),
        }]))
        .expect("create");
    let target = dir.path().join("vault.age");

    let parse = median(|| {
        let started = Instant::now();
        let parsed = vault::dotenv::parse(&text).expect("parse");
        assert_eq!(parsed.bindings.len(), LINES);
        started.elapsed()
    });
    let import = median(|| {
        std::fs::copy(&empty, &target).expect("reset the vault");
        run_vault(&target, &key, &["import", &env_file.to_string_lossy()])
    });

    println!("vault import/export benchmark ({LINES} entries, median of {RUNS} runs)");
    println!("  parse .env (library)      {}", ms(parse));
    println!("  vault import FILE         {}", ms(import));
    for format in ["dotenv", "json", "shell", "github"] {
        let export = median(|| {
            run_vault(
                &target,
                &key,
                &["export", "--all", "--format", format, "--reveal"],
            )
        });
        println!("  vault export --all {format:<7}{}", ms(export));
    }
    println!("target: import and export each < 200 ms");
}
