//! At a real terminal: hidden prompts asked twice, confirmations, one passphrase prompt per
//! command, and typed secrets never shown. tmux provides the terminal; the test reads the
//! screen and types like a person.

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

struct Terminal {
    socket: PathBuf,
}

impl Terminal {
    /// A shell in a detached tmux session, with the test's isolated environment.
    fn start(env: &Env) -> Self {
        let socket = env.path("tmux.sock");
        let status = Command::new("tmux")
            .env_clear()
            .envs(env.cmd().get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
            .env("VAULT", env!("CARGO_BIN_EXE_vault"))
            .env("PS1", "$ ")
            .env("TERM", "xterm")
            .arg("-S")
            .arg(&socket)
            .args([
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "150",
                "-y",
                "50",
                "sh",
            ])
            .stdin(Stdio::null())
            .status()
            .expect("start tmux");
        assert!(status.success());
        Self { socket }
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Types a line and presses Enter.
    fn line(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
        self.tmux(&["send-keys", "Enter"]);
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-S", "-2000"])
    }

    /// Waits until `needle` has appeared `times` times on the screen.
    fn wait_for(&self, needle: &str, times: usize) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if screen.matches(needle).count() >= times {
                return screen;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "waited for {needle:?} ×{times}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

#[test]
fn prompts_at_a_terminal_hide_input_confirm_and_ask_once() {
    if !have("tmux") {
        return;
    }
    let env = Env::new();
    let term = Terminal::start(&env);
    let unlock = "Passphrase for identity file";
    let passphrase = "terminal pass phrase";

    // A new passphrase is asked for twice.
    term.line("\"$VAULT\" init --passphrase");
    term.wait_for("Passphrase for the new identity", 1);
    term.line(passphrase);
    term.wait_for("Repeat to confirm", 1);
    term.line(passphrase);
    term.wait_for("Created vault", 1);

    // The passphrase once, then the hidden value twice; the value never shows.
    term.line("\"$VAULT\" secret add BOT_TOKEN");
    term.wait_for(unlock, 1);
    term.line(passphrase);
    term.wait_for("Value for BOT_TOKEN (hidden)", 1);
    term.line(CANARY);
    term.wait_for("Repeat to confirm", 1); // the first one was cleared once answered
    term.line(CANARY);
    let screen = term.wait_for("Added secret BOT_TOKEN", 1);
    assert_eq!(screen.matches(unlock).count(), 1, "asked twice:\n{screen}");
    assert!(
        !screen.contains(CANARY),
        "the typed secret is on screen:\n{screen}"
    );

    // An existing name is refused before any value is asked for.
    term.line("\"$VAULT\" secret add BOT_TOKEN");
    term.wait_for(unlock, 2);
    term.line(passphrase);
    let screen = term.wait_for("BOT_TOKEN already exists", 1);
    assert_eq!(screen.matches("Value for BOT_TOKEN").count(), 1);

    // Removal asks; "no" keeps it, "yes" removes it.
    term.line("\"$VAULT\" secret rm BOT_TOKEN");
    term.wait_for(unlock, 3);
    term.line(passphrase);
    term.wait_for("Remove secret BOT_TOKEN?", 1);
    term.tmux(&["send-keys", "n"]);
    term.wait_for("Kept secret BOT_TOKEN", 1);
    term.line("\"$VAULT\" secret rm BOT_TOKEN");
    term.wait_for(unlock, 4);
    term.line(passphrase);
    term.wait_for("Remove secret BOT_TOKEN?", 2);
    term.tmux(&["send-keys", "y"]);
    term.wait_for("Removed secret BOT_TOKEN", 1);

    // Exporting the identity to a terminal comes with a warning.
    term.line("\"$VAULT\" identity export");
    term.wait_for(unlock, 5);
    term.line(passphrase);
    term.wait_for("warning: this is the secret key that opens your vault", 1);

    let out = env
        .cmd()
        .env("VAULT_PASSPHRASE", passphrase)
        .arg("list")
        .output()
        .unwrap();
    assert_success(&out, &["list"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("BOT_TOKEN"));
}

#[test]
fn agent_create_without_a_name_walks_through_a_wizard() {
    if !have("tmux") {
        return;
    }
    let env = Env::new();
    env.init();
    env.ok_with_stdin(&["secret", "add", "DB_URL"], b"postgres://db");
    env.ok_with_stdin(&["secret", "add", "OPENAI_API_KEY"], CANARY.as_bytes());
    env.ok(&["var", "set", "LOG_LEVEL", "debug"]);
    let term = Terminal::start(&env);

    term.line("\"$VAULT\" agent create");
    term.wait_for("Agent name", 1);
    term.line("bad.name");
    term.wait_for("not a valid agent name", 1);
    term.line("wiz-bot");
    term.wait_for("Entries to attach", 1);
    // The entries are listed by name: DB_URL, LOG_LEVEL, OPENAI_API_KEY. Pick the 1st and 3rd.
    term.tmux(&["send-keys", "Space", "Down", "Down", "Space", "Enter"]);
    term.wait_for("Command to run", 1);
    term.line("python3 -u 'my bot.py'");
    term.wait_for("Container image", 1);
    term.line("python:3.12");
    term.wait_for("Created agent wiz-bot with 2 attached entries", 1);

    let shown: serde_json::Value =
        serde_json::from_str(&env.ok(&["--json", "agent", "show", "wiz-bot"])).unwrap();
    assert_eq!(shown["image"], "python:3.12");
    assert_eq!(
        shown["command"],
        serde_json::json!(["python3", "-u", "my bot.py"])
    );
    let attached: Vec<&str> = shown["attached"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["entry"].as_str().unwrap())
        .collect();
    assert_eq!(attached, ["DB_URL", "OPENAI_API_KEY"]);
}

#[test]
fn export_to_a_terminal_leaves_secrets_out_unless_revealed() {
    if !have("tmux") {
        return;
    }
    let env = Env::new();
    env.init();
    env.ok_with_stdin(&["secret", "add", "OPENAI_API_KEY"], CANARY.as_bytes());
    env.ok(&["var", "set", "LOG_LEVEL", "debug"]);
    env.ok(&["attach", "bot", "OPENAI_API_KEY", "LOG_LEVEL"]);
    let term = Terminal::start(&env);

    for format in ["dotenv", "shell", "json", "github"] {
        term.line(&format!(
            "\"$VAULT\" export bot --format {format}; echo done-{format}"
        ));
        let screen = term.wait_for(&format!("done-{format}"), 2);
        assert!(!screen.contains(CANARY), "{format}:\n{screen}");
    }
    let screen = term.screen();
    assert!(screen.contains("LOG_LEVEL=debug"), "{screen}");
    assert!(screen.contains("1 secret value was left out"), "{screen}");
    assert!(screen.contains("\"OPENAI_API_KEY\": null"), "{screen}");

    term.line("\"$VAULT\" export bot --reveal; echo done-reveal");
    let screen = term.wait_for("done-reveal", 2);
    assert!(
        screen.contains(&format!("OPENAI_API_KEY={CANARY}")),
        "{screen}"
    );
    // A value's control characters are shown escaped in tables, not obeyed by the terminal.
    env.ok(&["var", "set", "TITLE", "a\x1b[2Jb"]);
    term.line("\"$VAULT\" list; echo done-list");
    let screen = term.wait_for("done-list", 2);
    assert!(screen.contains("a\\x{1b}[2Jb"), "{screen}");
    // Piped, nothing is left out.
    term.line("\"$VAULT\" export bot | cat; echo done-pipe");
    let screen = term.wait_for("done-pipe", 2);
    assert_eq!(
        screen.matches(&format!("OPENAI_API_KEY={CANARY}")).count(),
        2
    );
}

#[test]
fn provider_add_without_a_provider_offers_the_catalog() {
    if !have("tmux") {
        return;
    }
    let env = Env::new();
    env.init();
    let term = Terminal::start(&env);
    let key = "sk-ant-api03-typed-A1b2C3d4E5f6G7h8";

    term.line("\"$VAULT\" provider add");
    term.wait_for("Provider", 1);
    term.wait_for("openrouter", 1);
    // The catalog's order: openai, then anthropic.
    term.tmux(&["send-keys", "Down", "Enter"]);
    term.wait_for("Value for ANTHROPIC_API_KEY (hidden)", 1);
    term.line(key);
    term.wait_for("Repeat to confirm", 1);
    term.line(key);
    let screen = term.wait_for("Added Anthropic key ANTHROPIC_API_KEY (sk-…G7h8)", 1);
    assert!(!screen.contains("typed-A1b2"), "{screen}");
}
