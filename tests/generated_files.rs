//! completions/ and man/ are generated from src/cli.rs and committed. This test regenerates
//! them in memory and fails when the committed copies are stale.
//!
//! Regenerate with:  VAULT_REGENERATE=1 cargo test --test generated_files

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Command;
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
    let mut root = vault::cli::Cli::command().disable_help_subcommand(true);
    root.build();
    let source = format!("vault {}", root.get_version().unwrap_or_default());
    add_man_pages(&root, &source, true, &mut files);
    files
}

/// One page per command, titled with its full name (vault-secret-add) and footed "vault X.Y".
fn add_man_pages(cmd: &Command, source: &str, root: bool, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        add_man_pages(sub, source, false, files);
    }
    let man = clap_mangen::Man::new(cmd.clone()).source(source);
    let mut page = Vec::new();
    man.render_title(&mut page).expect("render");
    man.render_name_section(&mut page).expect("render");
    man.render_synopsis_section(&mut page).expect("render");
    man.render_description_section(&mut page).expect("render");
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut page).expect("render");
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut page).expect("render");
    }
    if root {
        page.extend(root_sections().as_bytes());
    } else if let Some(after) = cmd.get_after_long_help() {
        page.extend(notes_section(&after.to_string()).as_bytes());
    }
    man.render_version_section(&mut page).expect("render");
    files.insert(Path::new("man").join(man.get_filename()), page);
}

/// A command's text after its options in `--help` (rules, formats, examples), kept as laid
/// out there.
fn notes_section(text: &str) -> String {
    use roff::{Roff, roman};
    let mut roff = Roff::new();
    roff.control("SH", ["NOTES"]).control("nf", []);
    for line in text.lines() {
        roff.text([roman(line)]).control("br", []);
    }
    roff.control("fi", []);
    roff.to_roff()
}

/// ENVIRONMENT, FILES and EXIT STATUS, from the same data as `vault --help`.
fn root_sections() -> String {
    use roff::{Roff, bold, roman};
    let mut roff = Roff::new();
    let mut tagged = |title: &str, rows: &[(&str, &str)], after: Option<&str>| {
        roff.control("SH", [title]);
        for (term, what) in rows {
            roff.control("TP", [])
                .text([bold(*term)])
                .text([roman(*what)]);
        }
        if let Some(text) = after {
            roff.control("PP", []).text([roman(text)]);
        }
    };
    tagged(
        "ENVIRONMENT",
        vault::cli::ENVIRONMENT,
        Some(vault::cli::IDENTITY_ORDER),
    );
    tagged("FILES", vault::cli::FILES, None);
    tagged("EXIT STATUS", vault::cli::EXIT_STATUS, None);
    roff.to_roff()
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
    let stale = common::changed_paths(&old, &fresh);
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
    for section in [".SH ENVIRONMENT", ".SH FILES", ".SH \"EXIT STATUS\""] {
        assert!(main.contains(section), "vault.1 lacks {section}");
    }
    assert!(!main.contains("EXTRA"));
    let sub =
        String::from_utf8(fresh[&Path::new("man").join("vault-secret-add.1")].clone()).unwrap();
    assert!(
        sub.contains(".TH vault-secret-add 1  \"vault "),
        "{}",
        &sub[..200]
    );
}
