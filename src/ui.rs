//! Everything that talks to the person at the terminal: tables, JSON, messages, prompts,
//! colours (off with NO_COLOR or when not a terminal) and the verbosity of log lines.
//! Nothing below `commands/` prints or prompts; it all comes through here.

use std::io::{self, IsTerminal, Read, Write};

use comfy_table::{Table, presets};
use secrecy::SecretString;
use zeroize::Zeroizing;

use crate::identity::Prompter;

/// How output should look, decided once at start-up.
#[derive(Debug, Clone)]
pub struct Ui {
    pub json: bool,
    stdin_tty: bool,
    stdout_tty: bool,
    stderr_tty: bool,
    color: bool,
}

/// A prompt was needed but nobody can answer it; the message names what to use instead.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CannotPrompt(pub String);

impl Ui {
    pub fn new(json: bool) -> Self {
        let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        if !color {
            console::set_colors_enabled(false);
            console::set_colors_enabled_stderr(false);
        }
        Self {
            json,
            stdin_tty: io::stdin().is_terminal(),
            stdout_tty: io::stdout().is_terminal(),
            stderr_tty: io::stderr().is_terminal(),
            color,
        }
    }

    pub fn stdin_is_terminal(&self) -> bool {
        self.stdin_tty
    }

    pub fn stdout_is_terminal(&self) -> bool {
        self.stdout_tty
    }

    /// Whether a person can be asked something: input and the prompt's output are terminals.
    pub fn can_prompt(&self) -> bool {
        self.stdin_tty && self.stderr_tty
    }

    /// A status line for people (stderr), so stdout stays clean for scripts.
    pub fn status(&self, message: impl AsRef<str>) {
        eprintln!("{}", message.as_ref());
    }

    pub fn warn(&self, message: impl AsRef<str>) {
        let label = if self.color && self.stderr_tty {
            console::style("warning:").yellow().bold().to_string()
        } else {
            "warning:".to_owned()
        };
        eprintln!("{label} {}", message.as_ref());
    }

    /// Data for stdout.
    pub fn print(&self, text: impl AsRef<str>) -> io::Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(text.as_ref().as_bytes())?;
        out.flush()
    }

    pub fn print_json(&self, value: &serde_json::Value) -> io::Result<()> {
        let mut text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
        text.push('\n');
        self.print(text)
    }

    /// A table with a header row; plain characters when stdout is not a terminal.
    pub fn table(&self, header: &[&str], rows: Vec<Vec<String>>) -> String {
        let mut table = Table::new();
        if self.stdout_tty {
            table.load_style(presets::UTF8_HORIZONTAL_ONLY);
        } else {
            table.load_style(presets::ASCII_MARKDOWN).force_no_tty();
        }
        let header: Vec<comfy_table::Cell> = header
            .iter()
            .map(|h| {
                let cell = comfy_table::Cell::new(h);
                if self.color && self.stdout_tty {
                    cell.add_attribute(comfy_table::Attribute::Bold)
                } else {
                    cell
                }
            })
            .collect();
        table.set_header(header);
        for row in rows {
            if self.stdout_tty {
                // A value's control characters would reach the terminal as commands (moving
                // the cursor, rewriting rows): shown escaped instead.
                table.add_row(row.iter().map(|cell| escape_controls(cell)));
            } else {
                table.add_row(row);
            }
        }
        format!("{table}\n")
    }

    /// Asks for a secret without echo, twice; only on a terminal.
    pub fn read_secret_interactively(&self, prompt: &str) -> Result<SecretString, CannotPrompt> {
        dialoguer::Password::new()
            .with_prompt(prompt)
            .with_confirmation("Repeat to confirm", "The two entries differ; try again")
            .interact()
            .map(SecretString::from)
            .map_err(|e| CannotPrompt(format!("could not read from the terminal: {e}")))
    }

    /// Asks yes/no on a terminal. Where nobody can answer, fails with `refusal`, which should
    /// say what was not done and which flag does it without asking.
    pub fn confirm(&self, question: &str, refusal: &str) -> Result<bool, CannotPrompt> {
        if !self.can_prompt() {
            return Err(CannotPrompt(refusal.to_owned()));
        }
        dialoguer::Confirm::new()
            .with_prompt(question)
            .default(false)
            .interact()
            .map_err(|e| CannotPrompt(format!("could not read from the terminal: {e}")))
    }

    /// Asks for a line of text on a terminal, until `valid` accepts it.
    pub fn ask_text(
        &self,
        prompt: &str,
        default: Option<&str>,
        valid: impl FnMut(&String) -> Result<(), String>,
    ) -> Result<String, CannotPrompt> {
        let mut input = dialoguer::Input::<String>::new()
            .with_prompt(prompt)
            .validate_with(valid);
        if let Some(default) = default {
            input = input
                .default(default.to_owned())
                .allow_empty(true)
                .show_default(false);
        }
        input
            .interact_text()
            .map_err(|e| CannotPrompt(format!("could not read from the terminal: {e}")))
    }

    /// Lets a person pick one of `items` on a terminal; returns its position.
    pub fn choose_one(&self, prompt: &str, items: &[String]) -> Result<usize, CannotPrompt> {
        dialoguer::Select::new()
            .with_prompt(prompt)
            .items(items)
            .default(0)
            .interact()
            .map_err(|e| CannotPrompt(format!("could not read from the terminal: {e}")))
    }

    /// Lets a person pick any number of `items` on a terminal; returns their positions.
    pub fn choose_many(&self, prompt: &str, items: &[String]) -> Result<Vec<usize>, CannotPrompt> {
        dialoguer::MultiSelect::new()
            .with_prompt(prompt)
            .items(items)
            .interact()
            .map_err(|e| CannotPrompt(format!("could not read from the terminal: {e}")))
    }

    /// Reads all of standard input (for values piped in), until it is closed. Never called on
    /// a terminal. Reads the file descriptor itself: std's locked stdin keeps its own buffer,
    /// which would hold a copy of the input that nothing wipes.
    pub fn read_stdin(&self) -> io::Result<Zeroizing<Vec<u8>>> {
        #[cfg(unix)]
        {
            crate::secret::read_all(&mut RawStdin, 0)
        }
        #[cfg(not(unix))]
        {
            crate::secret::read_all(&mut io::stdin().lock(), 0)
        }
    }

    /// Prints an error and its causes to stderr.
    pub fn error(&self, err: &anyhow::Error) {
        let label = if self.color && self.stderr_tty {
            console::style("error:").red().bold().to_string()
        } else {
            "error:".to_owned()
        };
        eprintln!("{label} {err}");
        for cause in err.chain().skip(1) {
            eprintln!("  caused by: {cause}");
        }
    }
}

/// `text` with control characters other than newline and tab written as `\x1b`-style escapes.
fn escape_controls(text: &str) -> String {
    if !text.contains(|c: char| c.is_control() && c != '\n' && c != '\t') {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                format!("\\x{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Standard input, read with no buffer in between.
#[cfg(unix)]
struct RawStdin;

#[cfg(unix)]
impl Read for RawStdin {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::os::fd::AsFd;
        Ok(rustix::io::read(io::stdin().as_fd(), buf)?)
    }
}

impl Prompter for Ui {
    fn passphrase(&self, prompt: &str) -> Option<SecretString> {
        if !self.can_prompt() {
            return None;
        }
        dialoguer::Password::new()
            .with_prompt(prompt)
            .interact()
            .ok()
            .map(SecretString::from)
    }
}

/// Log lines go to stderr, only from vault's own code (dependencies stay quiet: their debug
/// output is not ours to vet for secrets). 0 = warnings, 1 = info, 2 = debug, 3+ = trace.
pub fn init_logging(verbosity: u8) {
    let level = match verbosity {
        0 => log::LevelFilter::Warn,
        1 => log::LevelFilter::Info,
        2 => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    };
    env_logger::Builder::new()
        .filter_level(log::LevelFilter::Off)
        .filter_module("vault", level)
        .format_timestamp(None)
        .format_target(false)
        .target(env_logger::Target::Stderr)
        .init();
}

/// Whether `err` comes from writing to a pipe whose reader has gone.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
