//! completions/ and man/ are generated from src/cli.rs and committed. This test regenerates
//! them in memory and fails when the committed copies are stale.
//!
//! Regenerate with:  VAULT_REGENERATE=1 cargo test --test generated_files

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap_complete::Shell;

const REGENERATE: &str = "VAULT_REGENERATE=1 cargo test --test generated_files";

/// Every generated file, by path relative to the crate root.
fn generate() -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for (shell, name) in [
        (Shell::Bash, "vault.bash"),
        (Shell::Zsh, "_vault"),
        (Shell::Fish, "vault.fish"),
        (Shell::PowerShell, "_vault.ps1"),
        (Shell::Elvish, "vault.elv"),
    ] {
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut vault::cli::Cli::command(), "vault", &mut out);
        files.insert(Path::new("completions").join(name), out);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    clap_mangen::generate_to(vault::cli::Cli::command(), dir.path()).expect("man pages");
    for entry in std::fs::read_dir(dir.path()).expect("read man dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name").to_owned();
        files.insert(
            Path::new("man").join(name),
            std::fs::read(&path).expect("read"),
        );
    }
    files
}

fn committed(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for dir in ["completions", "man"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let rel = Path::new(dir).join(entry.file_name());
            files.insert(rel, std::fs::read(entry.path()).expect("read"));
        }
    }
    files
}

#[test]
fn completions_and_man_pages_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fresh = generate();
    if std::env::var_os("VAULT_REGENERATE").is_some() {
        for dir in ["completions", "man"] {
            let _ = std::fs::remove_dir_all(root.join(dir));
            std::fs::create_dir_all(root.join(dir)).expect("mkdir");
        }
        for (rel, bytes) in &fresh {
            std::fs::write(root.join(rel), bytes).expect("write");
        }
        eprintln!("regenerated {} files", fresh.len());
        return;
    }
    let old = committed(root);
    let stale: Vec<String> = fresh
        .keys()
        .chain(old.keys())
        .filter(|rel| fresh.get(*rel) != old.get(*rel))
        .map(|rel| rel.display().to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(
        stale.is_empty(),
        "generated files are stale: {}\nregenerate them with: {REGENERATE}",
        stale.join(", ")
    );
}

#[test]
fn there_is_a_man_page_for_every_command() {
    let fresh = generate();
    for page in [
        "vault.1",
        "vault-init.1",
        "vault-secret-add.1",
        "vault-secret-set.1",
        "vault-secret-rm.1",
        "vault-var-set.1",
        "vault-get.1",
        "vault-list.1",
        "vault-recipient-add.1",
        "vault-identity-export.1",
        "vault-completions.1",
    ] {
        assert!(fresh.contains_key(&Path::new("man").join(page)), "{page}");
    }
    let main = String::from_utf8(fresh[&Path::new("man").join("vault.1")].clone()).unwrap();
    assert!(
        main.contains("Exit status"),
        "the man page documents exit codes"
    );
}
