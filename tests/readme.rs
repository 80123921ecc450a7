//! The README's first two commands stay true: the quick start runs, and it is what the README
//! says it is.

use std::process::Command;

#[test]
fn readme_opens_with_the_quick_start_and_the_test_command() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let first_block: Vec<&str> = readme
        .split("```")
        .nth(1)
        .expect("a code block")
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(
        first_block[0].starts_with("./examples/quickstart.sh"),
        "{first_block:?}"
    );
    assert!(first_block[1].starts_with("cargo test"), "{first_block:?}");
}

/// Runs the quick start as `set_up` arranges it, with no vault settings inherited and no
/// stdin; its standard output, once it has succeeded.
fn quick_start(set_up: impl FnOnce(&mut Command)) -> String {
    let mut sh = Command::new("sh");
    sh.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/quickstart.sh"
    ))
    .env_remove("VAULT_IDENTITY")
    .env_remove("VAULT_FILE")
    .stdin(std::process::Stdio::null());
    set_up(&mut sh);
    let out = sh.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn quick_start_runs_without_prompts_and_cleans_up() {
    let stdout = quick_start(|sh| {
        sh.env("VAULT_BIN", env!("CARGO_BIN_EXE_vault"));
    });
    assert!(
        stdout.contains("OPENAI_API_KEY") && stdout.contains("••••"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("sk-demo-0123456789abcdef"),
        "the quick start shows no secret"
    );
    // It ends with the real job: the example agent got exactly what was attached.
    for line in [
        "OPENAI_API_KEY=***",
        "TELEGRAM_BOT_TOKEN is not set",
        "LOG_LEVEL=debug",
        "VAULT_IDENTITY is not set",
    ] {
        assert!(
            stdout.lines().any(|l| l == line),
            "missing {line:?} in:\n{stdout}"
        );
    }
    let demo = stdout
        .lines()
        .find_map(|l| l.strip_prefix("This demo vault lived in "))
        .and_then(|l| l.strip_suffix(" and is deleted now."))
        .expect("the demo names its directory");
    assert!(
        !std::path::Path::new(demo).exists(),
        "the demo directory is removed"
    );
}

/// The quick start as someone with their own CARGO_TARGET_DIR runs it, from another
/// directory, with no VAULT_BIN: it builds (here a debug build into the tests' own target
/// directory, which is fresh already) and finds the binary where cargo put it.
#[test]
fn quick_start_finds_the_binary_wherever_cargo_builds_it() {
    // The tests' binary is TARGET/debug/vault.
    let target = std::path::Path::new(env!("CARGO_BIN_EXE_vault"))
        .parent()
        .and_then(|debug| debug.parent())
        .expect("the target directory");
    let stdout = quick_start(|sh| {
        sh.current_dir("/")
            .env("CARGO_TARGET_DIR", target)
            .env("VAULT_BUILD_PROFILE", "dev")
            .env_remove("VAULT_BIN");
    });
    assert!(stdout.contains("Building vault"), "{stdout}");
    assert!(stdout.lines().any(|l| l == "LOG_LEVEL=debug"), "{stdout}");
}
