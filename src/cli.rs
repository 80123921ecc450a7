//! The whole command line, defined once: it feeds parsing, `--help`, the completions in
//! completions/ and the man pages in man/.
//!
//! Long on purpose: the whole command line is one clap tree, because completions/ and man/ are
//! generated from it and a test checks them against it.

use std::path::PathBuf;

use crate::names::{AgentName, EnvName};
use clap::{Args, Parser, Subcommand};

const ABOUT: &str = "Secrets manager and launcher for AI agents";

const LONG_ABOUT: &str = "\
Secrets manager and launcher for AI agents.

One age-encrypted file holds your provider keys, other secrets and plain variables. Each agent \
gets only what is attached to it. Secret values are never taken from the command line: they \
come from a hidden prompt, standard input, a file or an environment variable.";

/// The environment variables vault reads: `--help` and the man page's ENVIRONMENT section.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    ("VAULT_FILE", "the vault to use (like --vault)"),
    (
        "VAULT_IDENTITY",
        "an AGE-SECRET-KEY-1… string that opens the vault (for CI)",
    ),
    ("VAULT_IDENTITY_FILE", "a file holding the identity"),
    (
        "VAULT_PASSPHRASE",
        "unlocks a passphrase-protected identity (file or SSH key) without a prompt",
    ),
    (
        "VAULT_NO_KEYRING",
        "when set (not 0), never use the OS keyring",
    ),
    (
        "VAULT_CONTAINER_ENGINE",
        "the container engine for vault run with an image (like --engine)",
    ),
    ("NO_COLOR", "when set, no colours"),
];

/// How the identity is found, in words.
pub const IDENTITY_ORDER: &str = "Identity lookup, first match wins: --identity, VAULT_IDENTITY, \
    VAULT_IDENTITY_FILE (each of these, when given, is the only one tried), then the OS keyring, \
    the identity file in the config directory, and ~/.ssh/id_ed25519 and ~/.ssh/id_rsa.";

/// Where vault keeps things (Linux paths; other systems follow their own conventions).
pub const FILES: &[(&str, &str)] = &[
    (
        "~/.local/share/vault/vault.age",
        "the vault, unless --vault or VAULT_FILE names another",
    ),
    (
        "VAULT.bak",
        "the vault's version before the last change, beside it",
    ),
    ("VAULT.lock", "the writers' lock, beside the vault"),
    (
        "~/.config/vault/identity.txt",
        "your identity, when it is not in the OS keyring (mode 0600)",
    ),
    (
        "~/.local/state/vault/audit.log",
        "runs and changes, one JSON line each, names never values (mode 0600)",
    ),
    (
        "~/.local/state/vault/launched/AGENT",
        "when AGENT was last started on this machine",
    ),
];

/// Exit codes: `--help` and the man page's EXIT STATUS section.
pub const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "success"),
    (
        "1",
        "failure; the message says what went wrong and what to do",
    ),
    (
        "2",
        "usage error (unknown command or option, a missing argument, a secret value on the \
         command line)",
    ),
    (
        "N",
        "vault run: the command's own exit status; 128+N when signal N ended it; 126 when it \
         cannot be executed, 127 when it is not found",
    ),
];

fn after_long_help() -> String {
    let section = |title: &str, rows: &[(&str, &str)]| {
        let width = rows.iter().map(|(term, _)| term.len()).max().unwrap_or(0);
        let mut text = format!("{title}:\n");
        for (term, what) in rows {
            text += &format!("  {term:<width$}  {what}\n");
        }
        text
    };
    format!(
        "{}\n{IDENTITY_ORDER}\n\n{}\n{}",
        section("Environment", ENVIRONMENT),
        section("Files", FILES),
        section("Exit status", EXIT_STATUS).trim_end()
    )
}

#[derive(Debug, Parser)]
#[command(
    name = "vault",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_long_help = after_long_help(),
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// The vault file [default: ~/.local/share/vault/vault.age]
    #[arg(
        long,
        global = true,
        env = "VAULT_FILE",
        hide_env_values = true,
        value_name = "FILE"
    )]
    pub vault: Option<PathBuf>,

    /// The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected
    /// age file); when given, it is the only identity tried
    #[arg(long, global = true, value_name = "FILE")]
    pub identity: Option<PathBuf>,

    /// Print listings as JSON (list, agent list/show/token, audit, recipient list, identity
    /// show, provider list/test, import, export, proxy, usage, remote list/status)
    #[arg(long, global = true)]
    pub json: bool,

    /// Say more about what happens (repeat for more); never prints values
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses argv like `Cli::parse`, and also refuses a mistyped option that a trailing
    /// command would otherwise swallow (`vault run bot --keyles python3 bot.py` would run a
    /// program named `--keyles`): before `--`, a command's first word may not start with `-`.
    /// Exits with clap's usage error (status 2) and the closest option.
    pub fn parse_checked() -> Self {
        use clap::Parser;
        let cli = Self::parse();
        let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
        let (words, path): (&[String], &[&str]) = match &cli.command {
            Command::Run(args) => (&args.command, &["run"]),
            Command::Agent(AgentCommand::Create { command, .. }) => (command, &["agent", "create"]),
            Command::Agent(AgentCommand::Set(args)) => (&args.command, &["agent", "set"]),
            _ => return cli,
        };
        let Some(first) = words.first().filter(|w| w.starts_with('-')) else {
            return cli;
        };
        // After `--`, anything is the command's.
        let after_dashes = argv
            .iter()
            .position(|a| a == "--")
            .and_then(|i| argv.get(i + 1))
            .is_some_and(|next| next == first.as_str());
        if after_dashes {
            return cli;
        }
        let mut command = <Self as clap::CommandFactory>::command();
        // Built, so that the usage line names `vault run`, not `run`.
        command.build();
        let mut sub = &mut command;
        for name in path {
            // The subcommands matched above are in the clap tree by construction; were one
            // not, the command would simply go on as parsed.
            let Some(next) = sub.find_subcommand_mut(name) else {
                return cli;
            };
            sub = next;
        }
        let name = first.split('=').next().unwrap_or(first);
        let closest = sub
            .get_arguments()
            .filter_map(|a| a.get_long())
            .map(|long| {
                (
                    strsim::jaro_winkler(name.trim_start_matches('-'), long),
                    long,
                )
            })
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, long)| format!("\n\n  tip: a similar option exists: '--{long}'"))
            .unwrap_or_default();
        let usage = path.join(" ");
        let placing = match path {
            ["run"] => format!(
                "a command whose name starts with '-' goes after '--': vault run … -- {first}"
            ),
            _ => format!(
                "a program whose name starts with '-' is given by its path: --command ./{first}"
            ),
        };
        sub.error(
            clap::error::ErrorKind::UnknownArgument,
            format!("unexpected option '{first}' for vault {usage}{closest}\n  tip: {placing}"),
        )
        .exit()
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new vault and, unless you have one, an identity to open it
    Init(InitArgs),
    /// Add, replace or remove secrets (values never shown in listings)
    #[command(subcommand)]
    Secret(SecretCommand),
    /// Set or remove plain variables (values shown in listings)
    #[command(subcommand)]
    Var(VarCommand),
    /// Print one entry's value, for `$(vault get NAME)` in scripts
    Get(GetArgs),
    /// List the entries: name, kind, value (variables only), last update
    #[command(visible_alias = "ls")]
    List,
    /// Add, check, list or remove AI-provider keys (OpenAI, Anthropic, OpenRouter, …)
    #[command(subcommand)]
    Provider(ProviderCommand),
    /// Create, list, show or remove agents
    #[command(subcommand)]
    Agent(AgentCommand),
    /// Attach entries to an agent (the agent is created when it does not exist)
    Attach(AttachArgs),
    /// Detach entries from an agent
    Detach(DetachArgs),
    /// Add every entry of a .env file in one change (FILE, or - for standard input)
    #[command(after_long_help = import_after_help())]
    Import(ImportArgs),
    /// Print an agent's values, or every entry, as dotenv, JSON, shell or GitHub Actions input
    #[command(after_long_help = EXPORT_AFTER_HELP)]
    Export(ExportArgs),
    /// Run a command with an agent's attached values added to its environment
    #[command(after_long_help = run_after_help())]
    Run(RunArgs),
    /// Run the keyless proxy for every agent that has a proxy token (vault agent token)
    #[command(after_long_help = PROXY_AFTER_HELP)]
    Proxy(ProxyArgs),
    /// Show keyless mode's recorded usage: requests, tokens and estimated cost
    Usage(UsageArgs),
    /// Show the audit log: runs and changes, with names, never values
    Audit(AuditArgs),
    /// Connect the vault to a team's OpenBao or HashiCorp Vault server (KV version 2)
    #[command(subcommand)]
    Remote(RemoteCommand),
    /// Bring every secret of a remote into the vault, in one change
    Pull(PullArgs),
    /// Write entries to a remote, never over a teammate's change (check-and-set)
    Push(PushArgs),
    /// Manage who can open the vault
    #[command(subcommand)]
    Recipient(RecipientCommand),
    /// Show or export the identity that opens the vault
    #[command(subcommand)]
    Identity(IdentityCommand),
    /// Check what works on this machine: the identity and whether it opens the vault, the
    /// keyring, file modes, container engines, the sandbox, the proxy's loopback (exit 1
    /// when something fails); never prints a value
    Doctor,
    /// Print a shell completion script
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Protect the new identity file with a passphrase (age scrypt); asked on a terminal,
    /// else taken from VAULT_PASSPHRASE
    #[arg(long)]
    pub passphrase: bool,

    /// Keep the new identity in a file in the config directory, not in the OS keyring
    #[arg(long)]
    pub no_keyring: bool,
}

/// Where a secret value comes from. With neither flag: a hidden prompt on a terminal,
/// otherwise standard input. There is deliberately no way to give the value itself.
#[derive(Debug, Args)]
pub struct ValueSource {
    /// Read the value from this file (one trailing newline is dropped)
    #[arg(long, value_name = "PATH", conflicts_with = "from_env")]
    pub from_file: Option<PathBuf>,

    /// Read the value from this environment variable
    #[arg(long, value_name = "VAR")]
    pub from_env: Option<String>,

    // Anything after the name is caught here so that the refusal does not quote it back.
    /// Refused: secret values are never taken from the command line
    #[arg(hide = true, num_args = 0.., allow_hyphen_values = true, trailing_var_arg = true)]
    pub stray: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Add a new secret: hidden prompt, standard input, --from-file or --from-env; or, with
    /// --remote, a live reference fetched from the team's server each time an agent starts
    Add {
        /// The secret's name, an environment-variable name such as TELEGRAM_BOT_TOKEN
        name: EnvName,
        #[command(flatten)]
        source: ValueSource,
        /// Fetch its value from this remote when an agent using it starts, and while a keyless
        /// proxy serves it (the value is kept here too, for when the server cannot be reached)
        #[arg(long, value_name = "REMOTE")]
        remote: Option<AgentName>,
        /// How old the value kept here may be when the server cannot be reached [default: 1h];
        /// a running proxy fetches it again four times within it, at least every 5 min
        #[arg(long, value_name = "AGE", requires = "remote", value_parser = parse_max_age)]
        max_age: Option<u64>,
    },
    /// Replace the value of an existing secret (same sources as add)
    Set {
        /// The secret's name
        name: EnvName,
        #[command(flatten)]
        source: ValueSource,
    },
    /// Remove a secret (asks on a terminal; pass --yes otherwise)
    #[command(visible_alias = "remove")]
    Rm(RemoveArgs),
}

/// Removing a secret or a provider key.
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The entry's name
    pub name: EnvName,
    /// Remove without asking
    #[arg(short, long)]
    pub yes: bool,
    /// Also detach it from the agents it is attached to (otherwise that is refused)
    #[arg(long)]
    pub detach: bool,
}

#[derive(Debug, Subcommand)]
pub enum ProviderCommand {
    /// Add a provider's API key: hidden prompt, standard input, --from-file or --from-env
    #[command(after_long_help = PROVIDER_ADD_AFTER_HELP)]
    Add {
        /// The provider (openai, anthropic, openrouter, gemini, deepseek, xai, groq, mistral,
        /// venice, custom); with none on a terminal, a list to choose from
        provider: Option<String>,
        /// The entry's name [default: the variable the provider's SDKs read, e.g.
        /// OPENAI_API_KEY]
        #[arg(long)]
        name: Option<EnvName>,
        /// Another endpoint for this key (a proxy, a gateway, a local server); required for
        /// custom
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        #[command(flatten)]
        key: NewKey,
    },
    /// Replace a provider key's value (a rotated key): same sources and checks as add
    Set {
        /// The provider key's name
        name: EnvName,
        #[command(flatten)]
        key: NewKey,
    },
    /// Check keys with their providers (a cheap authenticated request) and record the status
    #[command(group(clap::ArgGroup::new("which").required(true).args(["names", "all"])))]
    Test {
        /// The provider keys' names
        names: Vec<EnvName>,
        /// Check every provider key in the vault
        #[arg(long)]
        all: bool,
        /// Give up on a provider after this many seconds
        #[arg(long, value_name = "SECONDS", default_value_t = 10,
              value_parser = clap::value_parser!(u64).range(1..=600))]
        timeout: u64,
    },
    /// List the provider keys: provider, entry, key hint, endpoint, status, when checked
    #[command(visible_alias = "ls")]
    List,
    /// Remove a provider key (asks on a terminal; pass --yes otherwise)
    #[command(visible_alias = "remove")]
    Rm(RemoveArgs),
}

/// A provider key about to be stored: where it comes from, and how it is checked.
#[derive(Debug, Args)]
pub struct NewKey {
    /// Store the key even when it does not look like the provider's keys
    #[arg(long)]
    pub force: bool,
    /// Check the key with the provider first (as `vault provider test`); an invalid key is
    /// then not stored
    #[arg(long)]
    pub verify: bool,
    #[command(flatten)]
    pub source: ValueSource,
}

const PROVIDER_ADD_AFTER_HELP: &str = "\
The key is never taken from the command line. Its format is checked against the provider's
(Anthropic keys start with sk-ant-, OpenRouter's with sk-or-v1-, …); --force stores one that
does not match. `vault attach AGENT NAME` gives the agent the key under the variable the
provider's SDK reads (OPENAI_API_KEY, ANTHROPIC_API_KEY…; OPENAI_API_KEY for custom) and, when
--base-url is not the provider's own address, the SDK's base-URL variable too (OPENAI_BASE_URL,
ANTHROPIC_BASE_URL, GROQ_BASE_URL). Attached under another name (--as), the key comes alone.
One key per provider per agent. For providers whose SDK reads no base-URL variable, --base-url
is only where `vault provider test` sends the key (use custom for an OpenAI-compatible gateway).

Examples:
  vault provider add openai                     (hidden prompt)
  printf '%s' \"$KEY\" | vault provider add anthropic --verify
  vault provider add openai --name OPENAI_WORK_KEY
  vault provider add custom --name LOCAL_LLM_KEY --base-url http://127.0.0.1:11434/v1";

#[derive(Debug, Subcommand)]
pub enum VarCommand {
    /// Set a plain variable, creating it if needed (not for secrets: see `vault secret add`)
    Set {
        /// The variable's name, such as LOG_LEVEL
        name: EnvName,
        /// The value (may be empty)
        value: String,
    },
    /// Remove a plain variable
    #[command(visible_alias = "remove")]
    Rm {
        /// The variable's name
        name: EnvName,
        /// Also detach it from the agents it is attached to (otherwise that is refused)
        #[arg(long)]
        detach: bool,
    },
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// The entry's name
    pub name: EnvName,

    /// Do not print a newline after the value
    #[arg(short = 'n', long)]
    pub no_newline: bool,
}

const PROXY_AFTER_HELP: &str = "\
The proxy listens on loopback, or for containers on a container bridge of this machine
(--listen docker0:8765; never 0.0.0.0 or a network card's address), and serves each provider
under its own path: an agent
sets OPENAI_BASE_URL=http://127.0.0.1:8765/openai/v1 or
ANTHROPIC_BASE_URL=http://127.0.0.1:8765/anthropic (vault prints the whole list when it
starts) and puts its token where the key would go. The proxy checks the token, checks that
the provider is attached to the token's agent, swaps in the real key and forwards the
request; streams pass through as they arrive. The real key is removed from everything that
comes back.

Refusals are JSON: 401 unknown token, 403 provider not attached or out of the agent's scope,
404 unknown path, 429 over one of the agent's limits (with Retry-After), 402 when the most a
request can cost does not fit in its budget, 503 no key for the provider in the vault, 502
provider unreachable or a compressed answer. Limits and budgets are shared by every proxy
serving an agent (several vault proxy processes and keyless runs at once); every answer
carries X-RateLimit-Limit, -Remaining and -Reset, and X-RateLimit-Warning from 80 % of a
limit. The proxy follows the vault: a rotated
key, a new or rotated token, an attach, a detach or a removed agent take effect on the next
request, with no restart. It runs until interrupted (Ctrl-C, SIGTERM).

Examples:
  vault agent token agent-x
  vault proxy
  vault proxy --listen 127.0.0.1:0
  vault proxy --listen docker0:8765      (docker containers: http://172.17.0.1:8765/…)";

/// `vault run --help`'s long text; the variables keyless runs keep from the command come from
/// the catalog.
fn run_after_help() -> String {
    let credentials = format!(
        "Every variable a client reads a provider's credential or endpoint from is removed from \
         what a keyless command inherits: {}.",
        crate::providers::credential_env_names().join(", ")
    );
    format!(
        "\
The command gets the attached values added to the environment it inherits (--isolate: to a
minimal one). VAULT_IDENTITY, VAULT_IDENTITY_FILE and VAULT_PASSPHRASE never reach it.

SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH sent to vault are passed on.
vault exits with the command's status: 128+N when signal N ended it, 126 when it cannot be
executed, 127 when it is not found. Each run is written to the audit log (names, never values).

With an image (--image, or the agent's: vault agent set AGENT --image IMAGE) the command runs in
a container: ENGINE run --rm -i [-t] -e NAME… [--engine-arg…] IMAGE [CMD…]. Values reach the
container only through the engine's environment (-e NAME, never NAME=VALUE), so none is in any
command line. Masking, the audit log, the exit status and signals work as for a process; the
engine's own failures (an unknown image, no daemon) exit with 125 and its message.

With --keyless (or an agent created with --keyless) vault starts a proxy on 127.0.0.1 for the
life of the command. Each attached provider key's variable (and its aliases, such as
CODEX_API_KEY) holds a random token for this run, and the provider's base-URL variables
(OPENAI_BASE_URL, ANTHROPIC_BASE_URL, …) the proxy's address; the proxy puts the real key in the
requests (WebSockets included), enforces the agent's limits and budget (and --budget, this
run's own), and records usage (vault usage).

A keyless run with an image gets the same, the proxy where the container reaches it: with
podman (root or rootless) on 127.0.0.1:8765 inside the container's own network namespace
(created, the proxy bound inside, then started); with docker on its bridge's gateway
(172.17.0.1); with --network host on this machine's loopback. --network proxy gives the
container no network but the proxy (podman only); --network none, none at all.

{}

Keyless runs are sandboxed unless --no-sandbox (or vault agent set AGENT --no-sandbox); any run
can be with --sandbox (Linux, with bubblewrap). In the sandbox the command has:
{}
Each --allow-write PATH is writable too, --hide PATH hidden too, --show PATH (one of the
credential stores) readable. The working directory must not be / or hold your home. The command
has no controlling terminal: programs that open /dev/tty do not work there.

Examples:
  vault run agent-x -- python bot.py
  vault run agent-x --isolate python bot.py
  vault run bot                 (its stored command: vault agent set bot --command …)
  vault run bot --image python:3.12 -- python bot.py
  vault run agent-x --keyless -- python bot.py
  vault run coder --keyless -- claude -p \"fix the failing test\"
  vault run coder --keyless --network proxy --allow-write ~/.cache -- python agent.py
  vault run bot --keyless --image python:3.12 --network proxy -- python /app/bot.py
  vault run bot --engine podman --engine-arg=-v --engine-arg=$PWD:/app -- python /app/bot.py",
        wrap(&credentials, 96),
        crate::sandbox::describe()
    )
}

/// The import rules, written from the lists `--kind auto` uses so that they stay in step.
fn import_after_help() -> String {
    let kinds = format!(
        "--kind auto keeps as secrets the entries whose names contain {}, or whose values look \
         like known keys or tokens (starting {} …), JWTs, Azure keys or URLs with a user or \
         password; the rest become variables. An empty value under such a name is skipped: \
         there is nothing to keep secret. An entry the vault holds keeps its kind (a secret \
         stays one); an entry with the same value is left alone; other clashes follow \
         --on-conflict.",
        crate::sensitive::SENSITIVE_WORDS.join(", "),
        crate::sensitive::SECRET_PREFIXES.join(" ")
    );
    format!(
        "\
The file is read as python-dotenv and node's dotenv read it: `export ` prefixes, single and
double quotes (both may span lines), escapes in double quotes, `#` comments after whitespace,
blank lines, CRLF. ${{VAR}} is kept as written, never expanded. A line that cannot be read stops
the import with its line number, and the vault is left as it was.

{}

Examples:
  vault import .env --dry-run
  vault import .env --attach agent-x
  op read op://dev/bot/env | vault import - --on-conflict overwrite",
        wrap(&kinds, 96)
    )
}

/// Breaks `text` into lines of at most `width` columns, at spaces.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line_len = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line_len > 0 && line_len + 1 + len > width {
            out.push('\n');
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += len;
    }
    out
}

const EXPORT_AFTER_HELP: &str = "\
Formats:
  dotenv  NAME=value lines that `vault import`, python-dotenv and node's dotenv read back
  json    one object, {\"NAME\": \"value\", …}
  shell   export NAME='value' lines, safe to eval in sh and bash
  github  in a GitHub Actions step: ::add-mask:: for each line of each secret on standard
          output, then each value as a NAME<<DELIMITER block (random delimiter) appended to
          the file in $GITHUB_ENV, for the job's later steps (refused when it is not set)

When standard output is a terminal, secret values are left out unless --reveal is given; when
it is a file that others can read, vault warns (--output FILE writes a private one). Each export
is written to the audit log (names, never values).

Examples:
  vault export agent-x -o agent-x.env     (a private file: mode 0600)
  vault export --all --format json | jq keys
  eval \"$(vault export agent-x --format shell)\"
  vault export ci-bot --format github     (in a GitHub Actions step)";

/// What `vault import` makes of each entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportKind {
    /// Secrets for sensitive-looking names and values, variables for the rest
    Auto,
    /// Every entry a secret
    Secret,
    /// Every entry a plain variable
    Variable,
}

/// What `vault import` does with a name the vault already holds with another value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnConflict {
    /// Import nothing, and name the clashing entries
    Fail,
    /// Keep the vault's values for them; import the rest
    Skip,
    /// Replace them with the file's values
    Overwrite,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The .env file, or - for standard input
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// What the entries become
    #[arg(long, value_enum, default_value_t = ImportKind::Auto)]
    pub kind: ImportKind,
    /// Also attach every imported entry to this agent (created when it does not exist)
    #[arg(long, value_name = "AGENT")]
    pub attach: Option<AgentName>,
    /// What to do when the vault already holds a name with another value
    #[arg(long, value_enum, default_value_t = OnConflict::Fail)]
    pub on_conflict: OnConflict,
    /// Show what would happen (secret values hidden) and change nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// How `vault export` writes values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// NAME=value lines, quoted where needed
    Dotenv,
    /// One JSON object of names and values
    Json,
    /// export NAME='value' lines for sh and bash
    Shell,
    /// GitHub Actions: ::add-mask:: lines and $GITHUB_ENV blocks
    Github,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["agent", "all"])))]
pub struct ExportArgs {
    /// The agent whose attached values to export, under the names it gets them as
    pub agent: Option<AgentName>,
    /// Export every entry in the vault, under its own name
    #[arg(long)]
    pub all: bool,
    /// The output format [default: dotenv] (--json is short for --format json)
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Print secret values even when standard output is a terminal
    #[arg(long)]
    pub reveal: bool,
    /// Write to this file (mode 0600, replaced atomically) instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Create an agent; with no name on a terminal, a short wizard asks for everything
    Create {
        /// The agent's name: letters, digits, _ and - (for example agent-x)
        name: Option<AgentName>,
        /// Entries to attach right away (as with `vault attach`)
        #[arg(long, num_args = 1.., value_name = "NAME")]
        attach: Vec<EnvName>,
        /// A default container image for `vault run`
        #[arg(long)]
        image: Option<String>,
        /// Start it keyless by default: `vault run` gives it a proxy and a token instead of
        /// its provider keys (and a sandbox)
        #[arg(long)]
        keyless: bool,
        /// Start it in a sandbox by default, keyless or not
        #[arg(long)]
        sandbox: bool,
        /// The network in the sandbox and in containers: host, proxy (only the vault proxy) or none
        #[arg(long, value_enum, value_name = "MODE")]
        network: Option<crate::sandbox::Network>,
        /// A path the sandboxed agent may write besides its working directory; repeat it
        #[arg(long = "allow-write", value_name = "PATH")]
        allow_write: Vec<PathBuf>,
        /// A default command for `vault run` (put it last: everything after it is the command)
        #[arg(long, num_args = 1.., allow_hyphen_values = true, value_name = "CMD")]
        command: Vec<String>,
    },
    /// Change an agent's stored image, command, keyless default, rate limits or budget
    Set(AgentSetArgs),
    /// Create the agent's proxy token for `vault proxy` and show it, once (only its hash is
    /// kept)
    Token {
        /// The agent's name
        name: AgentName,
    },
    /// Replace the agent's proxy token with a new one and show it, once; the old one stops
    /// working when `vault proxy` next starts
    RotateToken {
        /// The agent's name
        name: AgentName,
    },
    /// List the agents
    #[command(visible_alias = "ls")]
    List,
    /// Show an agent's attachments, and which changed since it was last started here
    Show {
        /// The agent's name
        name: AgentName,
    },
    /// Remove an agent (the entries it used stay in the vault)
    #[command(visible_alias = "remove")]
    Rm {
        /// The agent's name
        name: AgentName,
    },
}

#[derive(Debug, Args)]
pub struct AgentSetArgs {
    /// The agent's name
    pub name: AgentName,
    /// A default container image for `vault run`
    #[arg(long, conflicts_with = "no_image")]
    pub image: Option<String>,
    /// Forget the stored image
    #[arg(long)]
    pub no_image: bool,
    /// Start it keyless by default (vault run --keyless)
    #[arg(long, conflicts_with = "no_keyless")]
    pub keyless: bool,
    /// Start it with its keys by default again
    #[arg(long)]
    pub no_keyless: bool,
    /// Start it in a sandbox by default (keyless runs are sandboxed unless this is turned off)
    #[arg(long, conflicts_with = "no_sandbox")]
    pub sandbox: bool,
    /// Start it without a sandbox by default, even keyless
    #[arg(long)]
    pub no_sandbox: bool,
    /// The network in the sandbox and in containers: host, proxy (only the vault proxy) or none
    #[arg(long, value_enum, value_name = "MODE")]
    pub network: Option<crate::sandbox::Network>,
    /// The paths the sandboxed agent may write besides its working directory (replaces the
    /// stored ones); repeat it for each
    #[arg(
        long = "allow-write",
        value_name = "PATH",
        conflicts_with = "no_allow_write"
    )]
    pub allow_write: Vec<PathBuf>,
    /// Forget the stored --allow-write paths
    #[arg(long)]
    pub no_allow_write: bool,
    /// Keyless mode's request limit for one provider, such as openai=100/60s, or
    /// PROVIDER=off for none; repeat it for each provider [default: openai 100/60s, anthropic
    /// 50/60s, others 100/60s]
    #[arg(long = "rate", value_name = "PROVIDER=RATE", value_parser = parse_rate)]
    pub rates: Vec<(String, Option<crate::vault::keyless::Rate>)>,
    /// Keyless mode's spending limit in estimated US dollars per UTC day, calendar month or in
    /// total, such as 5usd/day, 50usd/month or 20usd/total
    #[arg(long, value_name = "BUDGET", value_parser = parse_budget, conflicts_with = "no_budget")]
    pub budget: Option<crate::vault::keyless::Budget>,
    /// Remove the budget
    #[arg(long)]
    pub no_budget: bool,
    /// Keyless limits on the agent's requests to every provider, per window of the clock,
    /// shared by every proxy serving it, such as 100/1m,5000/1d (replaces the stored ones;
    /// off for none)
    #[arg(long, value_name = "LIMITS", value_parser = parse_limits)]
    pub requests: Option<LimitList>,
    /// Keyless limits on the tokens (input + output) the agent uses, per window of the clock,
    /// such as 200000/1m,2000000/1d (off for none)
    #[arg(long, value_name = "LIMITS", value_parser = parse_limits)]
    pub tokens: Option<LimitList>,
    /// Keyless cap on the agent's requests under way at once, through every proxy serving it
    /// (off for none)
    #[arg(long, value_name = "N", value_parser = parse_concurrency)]
    pub concurrency: Option<Cap>,
    /// Keyless scope: the models the agent may use at one provider, exact names or prefixes
    /// ending in *, such as openai=gpt-4o-mini,gpt-4.1* (PROVIDER= allows every model again);
    /// repeat it for each provider
    #[arg(long = "models", value_name = "PROVIDER=MODELS", value_parser = parse_models)]
    pub models: Vec<(String, Vec<crate::scope::ModelPattern>)>,
    /// Keyless scope: the endpoint classes the agent may use, such as chat,embeddings; every
    /// other class is refused
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "CLASSES",
        conflicts_with = "all_endpoints"
    )]
    pub endpoints: Vec<crate::scope::Endpoint>,
    /// Allow every endpoint class again
    #[arg(long)]
    pub all_endpoints: bool,
    /// The OpenAI-Organization header the proxy sends for the agent (an agent's own is never
    /// passed on); empty for none
    #[arg(long, value_name = "ORG", value_parser = parse_header_value)]
    pub openai_organization: Option<String>,
    /// The OpenAI-Project header the proxy sends for the agent; empty for none
    #[arg(long, value_name = "PROJECT", value_parser = parse_header_value)]
    pub openai_project: Option<String>,
    /// Forget the stored command
    #[arg(long, conflicts_with = "command")]
    pub no_command: bool,
    /// A default command for `vault run` (put it last: everything after it is the command)
    #[arg(long, num_args = 1.., allow_hyphen_values = true, value_name = "CMD")]
    pub command: Vec<String>,
}

fn parse_rate(text: &str) -> Result<(String, Option<crate::vault::keyless::Rate>), String> {
    crate::vault::keyless::parse_rate_setting(text).map_err(|e| e.to_string())
}

fn parse_max_age(text: &str) -> Result<u64, String> {
    crate::vault::remote::parse_max_age(text).map_err(str::to_owned)
}

fn parse_run_budget(text: &str) -> Result<f64, String> {
    crate::vault::keyless::parse_amount(text).map_err(|e| e.to_string())
}

/// `--requests` or `--tokens`: the limits (none: `off`).
#[derive(Debug, Clone)]
pub struct LimitList(pub Vec<crate::vault::keyless::Rate>);

/// `--concurrency`: the cap (none: `off`).
#[derive(Debug, Clone, Copy)]
pub struct Cap(pub Option<std::num::NonZeroU32>);

fn parse_limits(text: &str) -> Result<LimitList, String> {
    crate::vault::keyless::parse_limits(text)
        .map(LimitList)
        .map_err(|e| e.to_string())
}

fn parse_concurrency(text: &str) -> Result<Cap, String> {
    crate::vault::keyless::parse_concurrency(text)
        .map(Cap)
        .map_err(|e| e.to_string())
}

fn parse_models(text: &str) -> Result<(String, Vec<crate::scope::ModelPattern>), String> {
    let (id, models) = text
        .split_once('=')
        .ok_or("give PROVIDER=MODEL,MODEL… (such as openai=gpt-4o-mini,gpt-4.1*)")?;
    let provider = crate::providers::find(id).ok_or_else(|| {
        format!("{id} is not a provider vault knows (vault provider add lists them)")
    })?;
    let models = models
        .split(',')
        .filter(|m| !m.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    Ok((provider.id.to_owned(), models))
}

fn parse_header_value(text: &str) -> Result<String, String> {
    match text.bytes().all(|b| b.is_ascii_graphic()) {
        true => Ok(text.to_owned()),
        false => Err(
            "an organization or project id is letters, digits, - and _ (such as \
                      org-abc123)"
                .into(),
        ),
    }
}

fn parse_budget(text: &str) -> Result<crate::vault::keyless::Budget, String> {
    text.parse()
        .map_err(|e: crate::vault::keyless::SettingError| e.to_string())
}

#[derive(Debug, Args)]
pub struct ProxyArgs {
    /// Where to listen: a loopback address and port (127.0.0.1:PORT, [::1]:PORT or
    /// localhost:PORT), or a container bridge's, by name or address (docker0:PORT,
    /// 172.17.0.1:PORT) for containers; port 0 picks a free one
    #[arg(long, default_value = "127.0.0.1:8765", value_name = "ADDR:PORT")]
    pub listen: String,
}

#[derive(Debug, Args)]
pub struct UsageArgs {
    /// Only this agent's requests
    #[arg(long)]
    pub agent: Option<AgentName>,
    /// Only requests within this long ago, such as 30m, 24h or 7d
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
    /// Group by these columns, such as agent,day [default: agent,provider,model]
    #[arg(long, value_enum, value_delimiter = ',', value_name = "COLUMNS")]
    pub by: Vec<UsageBy>,
    /// Print CSV (a header line, then one line per group); not with --json
    #[arg(long)]
    pub csv: bool,
}

/// What `vault usage` groups requests by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UsageBy {
    Agent,
    Provider,
    Model,
    /// The UTC day
    Day,
}

#[derive(Debug, Args)]
pub struct AttachArgs {
    /// The agent's name
    pub agent: AgentName,
    /// The entries to attach
    #[arg(required = true)]
    pub names: Vec<EnvName>,
    /// The environment variable the agent gets the entry as (one entry only)
    #[arg(long = "as", value_name = "ENVNAME")]
    pub as_name: Option<EnvName>,
}

#[derive(Debug, Args)]
pub struct DetachArgs {
    /// The agent's name
    pub agent: AgentName,
    /// The entries to detach
    #[arg(required = true)]
    pub names: Vec<EnvName>,
}

const REMOTE_AFTER_HELP: &str = "\
Each entry is one KV version 2 secret under the remote's path: its value under the data key
`value`, its kind, provider and endpoint in the version's custom metadata; agents go under
_agents/. Both sides are compared with what the vault last saw on the server: a pull takes
what changed only there, a push writes what changed only here (check-and-set), and what
changed on both sides is named and left alone unless --force. The token comes from
--token-file when given, else BAO_TOKEN, else VAULT_TOKEN, else the token helper file
(~/.vault-token, as bao login writes it); it is never stored in the vault and never printed.
BAO_NAMESPACE/VAULT_NAMESPACE and BAO_CACERT/VAULT_CACERT are honoured as bao honours them.

Examples:
  vault remote add team --address https://bao.example.com:8200 --mount secret --path agents
  vault push team                  (every entry; a teammate's newer version is a conflict)
  vault pull team --dry-run        (what would change, by name)
  vault remote status team";

#[derive(Debug, Subcommand)]
#[command(after_help = REMOTE_AFTER_HELP)]
pub enum RemoteCommand {
    /// Add a remote (the mount is checked: it must be KV version 2)
    Add(RemoteAddArgs),
    /// List the remotes
    List,
    /// Remove a remote from this vault (nothing on the server changes)
    Rm {
        /// The remote's name
        name: AgentName,
    },
    /// What differs between the vault and the server: names and versions, never values
    Status(RemoteArgs),
}

#[derive(Debug, Args)]
pub struct RemoteAddArgs {
    /// A name for it, such as team (named like agents)
    pub name: AgentName,
    /// The server [default: BAO_ADDR, else VAULT_ADDR]
    #[arg(long, value_name = "URL")]
    pub address: Option<String>,
    /// The KV version 2 mount, such as secret
    #[arg(long, value_name = "MOUNT")]
    pub mount: String,
    /// Where under the mount this vault's entries go, the same for every teammate [default:
    /// the mount's top]
    #[arg(
        long,
        value_name = "PREFIX",
        default_value = "",
        hide_default_value = true
    )]
    pub path: String,
    /// A file holding the token (it wins over BAO_TOKEN, VAULT_TOKEN and ~/.vault-token)
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Allow an http:// address off this machine: the token then crosses the network
    /// unencrypted, so only where that network is yours alone
    #[arg(long)]
    pub allow_http: bool,
}

#[derive(Debug, Args)]
pub struct RemoteArgs {
    /// The remote [default: the only one]
    pub remote: Option<AgentName>,
    /// A file holding the token (it wins over BAO_TOKEN, VAULT_TOKEN and ~/.vault-token)
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = REMOTE_AFTER_HELP)]
pub struct PullArgs {
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// Show what would change, by name, and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Take the server's version also of what changed both here and there
    #[arg(long)]
    pub force: bool,
    /// Make every pulled entry a live reference: fetched again each time an agent using it
    /// starts
    #[arg(long)]
    pub live: bool,
    /// With --live: how old a kept value may be when the server cannot be reached [default: 1h]
    #[arg(long, value_name = "AGE", requires = "live", value_parser = parse_max_age)]
    pub max_age: Option<u64>,
    /// Also remove here (detaching them) the entries deleted on the server since they were
    /// last synced, when unchanged here: how a revoked secret leaves teammates' vaults
    #[arg(long)]
    pub prune: bool,
}

#[derive(Debug, Args)]
#[command(after_help = REMOTE_AFTER_HELP)]
pub struct PushArgs {
    /// The remote (default: the only one), then the entries to push (default: every entry)
    #[arg(value_name = "REMOTE] [NAMES")]
    pub targets: Vec<String>,
    /// A file holding the token (it wins over BAO_TOKEN, VAULT_TOKEN and ~/.vault-token)
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Write over what changed on the server since the last pull
    #[arg(long)]
    pub force: bool,
    /// Also delete from the server the entries (and, pushing everything, the agents) removed
    /// here since they were last synced
    #[arg(long)]
    pub prune: bool,
}

/// When secret values in the child's output are replaced by `***`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MaskMode {
    /// Mask each output stream that is not a terminal (logs, files, pipes, CI)
    Auto,
    /// Mask both streams, also on a terminal (the output then passes through vault, so the
    /// command no longer sees a terminal there)
    Always,
    /// Never mask: the command writes straight to vault's own output
    Never,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The agent whose attached values the command gets
    pub agent: AgentName,
    /// Let inherited environment variables win over attached values of the same name
    #[arg(long)]
    pub keep_env: bool,
    /// Start from a minimal environment (PATH, HOME, USER, LANG, LC_*, TERM, TZ, TMPDIR) plus
    /// the attached values, so the command inherits no other credentials
    #[arg(long)]
    pub isolate: bool,
    /// Replace attached secret values in the command's output with ***
    #[arg(long, value_enum, default_value_t = MaskMode::Auto)]
    pub mask: MaskMode,
    /// Run the command in a container of this image (default: the agent's stored image)
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// The container engine: docker, podman or a path [default: VAULT_CONTAINER_ENGINE, else
    /// docker, else podman]
    // Not clap's `env`: the variable says which engine to use when there is a container,
    // not that there must be one (it would clash with --no-container and image-less runs).
    #[arg(long, value_name = "ENGINE")]
    pub engine: Option<String>,
    /// An extra argument for the engine's `run`, before the image (volumes, network, user);
    /// repeat it for each: --engine-arg=-v --engine-arg=/data:/data
    #[arg(long = "engine-arg", value_name = "ARG", allow_hyphen_values = true)]
    pub engine_args: Vec<String>,
    /// Run on this machine even when the agent has an image
    #[arg(long, conflicts_with_all = ["image", "engine", "engine_args"])]
    pub no_container: bool,
    /// Give the command a proxy on 127.0.0.1 and a token in place of each attached provider
    /// key: the key itself never reaches it (default: the agent's own setting)
    #[arg(long, conflicts_with = "no_keyless")]
    pub keyless: bool,
    /// Give the command its provider keys even when the agent is keyless by default
    #[arg(long)]
    pub no_keyless: bool,
    /// A spending limit for this run alone, in estimated US dollars, such as 2usd (keyless:
    /// the run's proxy refuses, with 402, a request that could take it past; the agent's own
    /// --budget holds too)
    #[arg(long, value_name = "AMOUNT", value_parser = parse_run_budget)]
    pub budget: Option<f64>,
    /// Start the command in a sandbox, which hides vault's files, identities and other
    /// tools' credentials and lets it write only its working directory, /tmp and
    /// --allow-write paths (default: for keyless runs, and the agent's own setting)
    #[arg(long, conflicts_with = "no_sandbox")]
    pub sandbox: bool,
    /// Run without the sandbox, even keyless (stderr says what that leaves open)
    #[arg(long)]
    pub no_sandbox: bool,
    /// The network: host (the machine's), proxy (only the vault proxy) or none; for the
    /// sandbox and for containers alike [default: the agent's, else host for the sandbox and
    /// the engine's own for a container]
    #[arg(long, value_enum, value_name = "MODE")]
    pub network: Option<crate::sandbox::Network>,
    /// A path the sandboxed command may write besides its working directory and /tmp; repeat
    /// it for each (added to the agent's own)
    #[arg(long = "allow-write", value_name = "PATH")]
    pub allow_write: Vec<PathBuf>,
    /// A path the sandbox hides too; repeat it for each
    #[arg(long = "hide", value_name = "PATH")]
    pub hide: Vec<PathBuf>,
    /// A credential store the sandbox hides by default that this command may read (such as
    /// ~/.kube); repeat it for each
    #[arg(long = "show", value_name = "PATH")]
    pub show: Vec<PathBuf>,
    /// The command and its arguments, after -- or after vault's own options (default: the
    /// agent's stored command)
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CMD"
    )]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only this agent's runs and the changes to it
    #[arg(long)]
    pub agent: Option<AgentName>,
    /// Only what happened within this long ago, such as 30m, 2h, 7d
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum RecipientCommand {
    /// Let another key open the vault: age1…, "ssh-ed25519 AAAA…" or "ssh-rsa AAAA…", or a
    /// file that holds one (a .pub file, or what vault identity new --output wrote)
    Add {
        /// The public key (an SSH public key line may keep its comment), or a file holding it
        key: String,
        /// A name to recognise it by, such as "ci" or "alice" (default: the SSH comment)
        #[arg(long)]
        label: Option<String>,
    },
    /// List the recipients; yours is marked
    #[command(visible_alias = "ls")]
    List,
    /// Stop encrypting to a recipient (by key, label or unique key prefix)
    #[command(visible_alias = "remove")]
    Rm {
        /// The recipient's key, label, or a unique start of its key
        key: String,
        /// Remove it even when it is the last recipient you hold an identity for (you could
        /// no longer open the vault)
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum IdentityCommand {
    /// Make a new age identity (for a CI runner, a teammate's machine): written to --output
    /// with mode 0600, or printed once to a non-terminal standard output; its recipient
    /// (age1…) goes to standard error. Needs no vault.
    New {
        /// Write it to this file (mode 0600; an existing file is never overwritten)
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print your public recipient (age1…) and where the identity is kept
    Show,
    /// Print the secret key (AGE-SECRET-KEY-1…) to move it to CI as VAULT_IDENTITY
    Export,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to print completions for
    pub shell: clap_complete::Shell,
}

impl Cli {
    /// The clap command tree, for completions and man pages.
    pub fn command() -> clap::Command {
        <Self as clap::CommandFactory>::command()
    }
}
