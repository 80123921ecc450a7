//! `vault export AGENT|--all`: values out of the vault, for other tools and CI systems. Every
//! output is built in one buffer sized up front (so no outgrown copy of a value is left behind)
//! and wiped after it is written.

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::{Context as _, Result, bail};
use zeroize::Zeroizing;

use super::{Context, UsageError};
use crate::cli::{ExportArgs, ExportFormat};
use crate::dotenv;
use crate::secret::{SecretBytes, SecretText};
use crate::vault::Kind;
use crate::vault::storage::write_private_file;

/// One value to write, under the name it is exported as.
struct Item<'d> {
    name: &'d str,
    entry: &'d str,
    kind: Kind,
    value: &'d str,
}

pub fn run(ctx: &Context, args: &ExportArgs) -> Result<()> {
    let format = match (args.format, ctx.ui.json) {
        (None, false) => ExportFormat::Dotenv,
        (Some(format), false) => format,
        (None | Some(ExportFormat::Json), true) => ExportFormat::Json,
        (Some(_), true) => {
            return Err(UsageError(
                "--json asks for JSON, but --format asks for another format; give one of them"
                    .into(),
            )
            .into());
        }
    };
    // Checked before the vault is opened (which may ask for a passphrase).
    if let Some(path) = &args.output {
        check_output(ctx, path)?;
    }
    let doc = ctx.open()?;
    if let Some(agent) = &args.agent
        && doc.agent(agent)?.keyless
    {
        ctx.ui.warn(format!(
            "{agent} runs keyless, but an export holds its real provider keys (vault run \
             --keyless would give it a token instead)"
        ));
    }
    let items = items(&doc, args.agent.as_deref())?;
    if items.is_empty() {
        ctx.ui.status(match &args.agent {
            Some(agent) => format!(
                "{agent} has nothing attached, so there is nothing to export (vault attach \
                 {agent} NAME… attaches entries)"
            ),
            None => "The vault is empty: there is nothing to export.".to_owned(),
        });
    }
    // Secret values reach a terminal only when asked for: a screen is read over shoulders,
    // shared and recorded.
    let hide = ctx.ui.stdout_is_terminal() && !args.reveal;
    // (Not when writing to a file of its own.)
    let hidden = |item: &Item| hide && args.output.is_none() && item.kind.is_sensitive();

    let text = match format {
        ExportFormat::Dotenv => dotenv_text(&items, hidden),
        ExportFormat::Shell => {
            warn_about_shell_names(ctx, &items);
            shell_text(&items, hidden)
        }
        ExportFormat::Json => json_text(&items, hidden)?,
        ExportFormat::Github => return github(ctx, args, &items, hidden),
    };
    match &args.output {
        Some(path) => {
            write_private_file(path, text.as_bytes(), true)
                .with_context(|| format!("cannot write {}", path.display()))?;
            ctx.ui.status(format!(
                "Wrote {} {} to {} (mode 0600)",
                items.len(),
                if items.len() == 1 { "value" } else { "values" },
                path.display()
            ));
        }
        None => {
            warn_if_stdout_is_shared(ctx);
            ctx.ui.print(text.as_str())?;
        }
    }
    report(ctx, args, format, &items, hidden);
    Ok(())
}

/// What is exported: for an agent, what `vault run` would give it (each value, the copies
/// under a key's aliases, and a provider key's endpoint when it is not the provider's own);
/// else every entry under its own name.
fn items<'d>(doc: &'d crate::vault::Document, agent: Option<&str>) -> Result<Vec<Item<'d>>> {
    let Some(agent) = agent else {
        return Ok(doc
            .entries
            .iter()
            .map(|(name, e)| Item {
                name,
                entry: name,
                kind: e.kind(),
                value: e.value().expose(),
            })
            .collect());
    };
    Ok(doc
        .attached(agent)?
        .into_iter()
        .flat_map(|a| {
            let group = a.sdk.into_iter();
            let copies = group
                .clone()
                .flat_map(|g| g.provider.key_copies())
                .map(|env| Item {
                    name: env,
                    entry: a.entry_name,
                    kind: a.entry.kind(),
                    value: a.entry.value().expose(),
                });
            let endpoint = group.flat_map(|g| g.urls()).map(|(env, url)| Item {
                name: env,
                entry: a.entry_name,
                kind: Kind::Variable,
                value: url,
            });
            std::iter::once(Item {
                name: a.env_name,
                entry: a.entry_name,
                kind: a.entry.kind(),
                value: a.entry.value().expose(),
            })
            .chain(copies)
            .chain(endpoint)
        })
        .collect())
}

/// Says so when standard output is a file that others can read: the shell made it with the
/// umask's mode, and the values are now in it.
fn warn_if_stdout_is_shared(ctx: &Context) {
    #[cfg(unix)]
    if let Ok(stat) = rustix::fs::fstat(std::io::stdout()) {
        let file_type = rustix::fs::FileType::from_raw_mode(stat.st_mode);
        let mode = stat.st_mode & 0o777;
        if file_type == rustix::fs::FileType::RegularFile && mode & 0o077 != 0 {
            ctx.ui.warn(format!(
                "standard output is a file that others can read (mode {mode:04o}); \
                 `chmod 600` it, or use --output FILE, which writes a private one"
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = ctx;
}

/// After the values are out: what was left out, and the audit line.
fn report(
    ctx: &Context,
    args: &ExportArgs,
    format: ExportFormat,
    items: &[Item],
    hidden: impl Fn(&Item) -> bool,
) {
    let left_out = items.iter().filter(|i| hidden(i)).count();
    if left_out > 0 {
        let elsewhere = if format == ExportFormat::Github {
            ""
        } else {
            ", or write to a file with --output FILE"
        };
        ctx.ui.status(format!(
            "{left_out} secret {} left out because standard output is a terminal; pass \
             --reveal to show {}{elsewhere}",
            if left_out == 1 {
                "value was"
            } else {
                "values were"
            },
            if left_out == 1 { "it" } else { "them" },
        ));
    }
    let exported: Vec<String> = items
        .iter()
        .filter(|i| !hidden(i))
        .map(|i| i.entry.to_owned())
        .collect();
    if !exported.is_empty() {
        ctx.record_export(
            &format!("export --format {}", format_name(format)),
            exported,
            args.agent.as_deref(),
        );
    }
}

fn format_name(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Dotenv => "dotenv",
        ExportFormat::Json => "json",
        ExportFormat::Shell => "shell",
        ExportFormat::Github => "github",
    }
}

/// The comment that stands in for a secret left out.
const LEFT_OUT: &str = "secret left out (standard output is a terminal; --reveal shows it)";

fn dotenv_text(items: &[Item], hidden: impl Fn(&Item) -> bool) -> Zeroizing<String> {
    let mut out = SecretText::new();
    for item in items {
        if hidden(item) {
            let _ = writeln!(out, "# {}: {LEFT_OUT}", item.name);
        } else {
            dotenv::write_binding(&mut out, item.name, item.value);
        }
    }
    out.into_zeroizing()
}

/// Names that change how the shell that evals the lines behaves, or what the programs it starts
/// load: a recipient of a shared vault could plant one.
const SHELL_SENSITIVE_NAMES: &[&str] = &[
    "PATH",
    "IFS",
    "PS1",
    "PS2",
    "PS4",
    "PROMPT_COMMAND",
    "BASH_ENV",
    "ENV",
    "CDPATH",
    "GLOBIGNORE",
    "SHELLOPTS",
    "BASHOPTS",
    "HISTFILE",
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
];

fn warn_about_shell_names(ctx: &Context, items: &[Item]) {
    let found: Vec<&str> = items
        .iter()
        .map(|i| i.name)
        .filter(|name| SHELL_SENSITIVE_NAMES.contains(name))
        .collect();
    if !found.is_empty() {
        ctx.ui.warn(format!(
            "these lines set {}, which change how the shell that evals them behaves; check \
             their values first, or use `vault run`, which sets them for one command only",
            found.join(", ")
        ));
    }
}

/// `export NAME='value'` lines: inside single quotes sh and bash take everything literally, and
/// a `'` is written as `'\''` (close, escaped quote, reopen).
fn shell_text(items: &[Item], hidden: impl Fn(&Item) -> bool) -> Zeroizing<String> {
    let mut out = SecretText::new();
    for item in items {
        if hidden(item) {
            let _ = writeln!(out, "# {}: {LEFT_OUT}", item.name);
            continue;
        }
        out.push_str("export ");
        out.push_str(item.name);
        out.push_str("='");
        for c in item.value.chars() {
            if c == '\'' {
                out.push_str("'\\''");
            } else {
                out.push(c);
            }
        }
        out.push_str("'\n");
    }
    out.into_zeroizing()
}

/// One JSON object; secrets left out are `null`.
fn json_text(items: &[Item], hidden: impl Fn(&Item) -> bool) -> Result<Zeroizing<String>> {
    let mut out = SecretBytes::default();
    out.extend_from_slice(b"{");
    for (i, item) in items.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n  " } else { b",\n  " });
        serde_json::to_writer(&mut out, item.name)?;
        out.extend_from_slice(b": ");
        if hidden(item) {
            out.extend_from_slice(b"null");
        } else {
            serde_json::to_writer(&mut out, item.value)?;
        }
    }
    out.extend_from_slice(if items.is_empty() { b"}\n" } else { b"\n}\n" });
    let mut out = out.into_zeroizing();
    let text =
        String::from_utf8(std::mem::take(&mut *out)).context("JSON output is always UTF-8 text")?;
    Ok(Zeroizing::new(text))
}

/// GitHub Actions: `::add-mask::` for every line of every secret, printed first so the runner
/// hides them before anything else can show them; then the values as `NAME<<DELIMITER` blocks,
/// appended to the file named by $GITHUB_ENV (or printed, outside Actions).
fn github(
    ctx: &Context,
    args: &ExportArgs,
    items: &[Item],
    hidden: impl Fn(&Item) -> bool + Copy,
) -> Result<()> {
    if args.output.is_some() {
        return Err(UsageError(
            "--format github writes to the file named by $GITHUB_ENV; --output is for the \
             other formats"
                .into(),
        )
        .into());
    }
    // Checked before anything is printed: elsewhere the masks and values would land in a log.
    let Some(env_file) = std::env::var_os("GITHUB_ENV").filter(|v| !v.is_empty()) else {
        bail!(
            "GITHUB_ENV is not set: --format github is for a step of a GitHub Actions job, \
             where the runner sets it; elsewhere use --format dotenv, shell or json"
        );
    };
    let env_file = std::path::PathBuf::from(env_file);
    let shown: Vec<&Item> = items.iter().filter(|i| !hidden(i)).collect();
    let masks = masks_text(&shown);
    let delimiter = delimiter(&shown)?;
    let mut blocks = SecretText::new();
    // A blank line first: the runner skips it, and a previous step's last line without a
    // newline cannot swallow the first name.
    blocks.push('\n');
    for item in &shown {
        let _ = write!(
            blocks,
            "{}<<{delimiter}\n{}\n{delimiter}\n",
            item.name, item.value
        );
    }
    ctx.ui.print(masks.as_str())?;
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&env_file)
        .with_context(|| format!("cannot open $GITHUB_ENV ({})", env_file.display()))?;
    file.write_all(blocks.as_bytes())
        .with_context(|| format!("cannot write to $GITHUB_ENV ({})", env_file.display()))?;
    let n = shown.len();
    ctx.ui.status(format!(
        "Added {n} {} to $GITHUB_ENV for the job's next steps",
        if n == 1 { "value" } else { "values" }
    ));
    report(ctx, args, ExportFormat::Github, items, hidden);
    Ok(())
}

/// `::add-mask::` lines for every line of every secret, with the runner's escapes (`%25`,
/// `%0D`), in a buffer of exactly their size.
fn masks_text(shown: &[&Item]) -> Zeroizing<String> {
    const COMMAND: &str = "::add-mask::";
    // A line of a multi-line secret shorter than this (`{`, `-----`) is not masked: the mask
    // would hide every such run in the log, and it gives nothing of the secret away.
    const SHORTEST_LINE: usize = 4;
    let lines = || {
        shown
            .iter()
            .filter(|i| i.kind.is_sensitive())
            .flat_map(|i| {
                let multi_line = i.value.contains('\n');
                i.value.lines().filter(move |l| {
                    let len = l.trim().chars().count();
                    len > 0 && (!multi_line || len >= SHORTEST_LINE)
                })
            })
    };
    let mut masks = SecretText::new();
    for line in lines() {
        masks.push_str(COMMAND);
        for c in line.chars() {
            match c {
                '%' => masks.push_str("%25"),
                '\r' => masks.push_str("%0D"),
                c => masks.push(c),
            }
        }
        masks.push('\n');
    }
    masks.into_zeroizing()
}

/// `VAULT_EOF_` and 128 random bits, in no value (GitHub would end the value there).
fn delimiter(items: &[&Item]) -> Result<String> {
    loop {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes)
            .map_err(|e| anyhow::anyhow!("no randomness for the delimiter: {e}"))?;
        let mut text = String::from("VAULT_EOF_");
        for b in bytes {
            let _ = write!(text, "{b:02x}");
        }
        if !items.iter().any(|i| i.value.contains(&text)) {
            return Ok(text);
        }
    }
}

/// Where `--output` may write: an existing directory, and not onto what vault keeps itself
/// (the vault and the files beside it that share its name, such as its backup and lock, or
/// the identity file): a plaintext export there would replace them.
fn check_output(ctx: &Context, path: &std::path::Path) -> Result<()> {
    let dir = crate::vault::storage::parent_dir(path);
    if !dir.is_dir() {
        bail!(
            "cannot write {}: the directory {} does not exist",
            path.display(),
            dir.display()
        );
    }
    // The file as it will be written: symlinks resolved, relative to the working directory.
    let resolved = |p: &std::path::Path| {
        std::fs::canonicalize(p).unwrap_or_else(|_| {
            let dir = std::fs::canonicalize(crate::vault::storage::parent_dir(p))
                .unwrap_or_else(|_| crate::vault::storage::parent_dir(p).to_owned());
            p.file_name().map_or(dir.clone(), |name| dir.join(name))
        })
    };
    let out = resolved(path);
    let vault = resolved(ctx.vault.path());
    let beside_vault = out.parent() == vault.parent()
        && out
            .file_name()
            .zip(vault.file_name())
            .is_some_and(|(o, v)| o.as_encoded_bytes().starts_with(v.as_encoded_bytes()));
    if beside_vault || out == resolved(&ctx.identity.identity_file()) {
        bail!(
            "refusing to write the export to {}: that is one of vault's own files (the vault, \
             its backup or lock, or your identity); choose another file",
            path.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items() -> Vec<Item<'static>> {
        vec![
            Item {
                name: "API_KEY",
                entry: "API_KEY",
                kind: Kind::Secret,
                value: "sk-it's\nline 2",
            },
            Item {
                name: "MODE",
                entry: "MODE",
                kind: Kind::Variable,
                value: "fast",
            },
        ]
    }

    #[test]
    fn hidden_secrets_leave_only_their_names() {
        for text in [
            dotenv_text(&items(), |i| i.kind.is_sensitive()),
            shell_text(&items(), |i| i.kind.is_sensitive()),
            json_text(&items(), |i| i.kind.is_sensitive()).unwrap(),
        ] {
            assert!(text.contains("API_KEY"), "{}", text.as_str());
            assert!(!text.contains("sk-"), "{}", text.as_str());
            assert!(text.contains("fast"));
        }
    }

    #[test]
    fn awkward_values_come_out_whole() {
        let mut all = items();
        // Values that need the most room: escapes, a guard comment, many short lines.
        let awkward = [" ends in \\", "\"\\\"\n\r", &"a\n".repeat(300), "%\r%"];
        for (i, value) in awkward.iter().enumerate() {
            all.push(Item {
                name: ["A", "B", "C", "D"][i],
                entry: "E",
                kind: Kind::Secret,
                value,
            });
        }
        let dotenv = dotenv_text(&all, |_| false);
        let parsed = crate::dotenv::parse(&dotenv).unwrap();
        for (i, value) in awkward.iter().enumerate() {
            let name = ["A", "B", "C", "D"][i];
            let got = parsed.bindings.iter().find(|b| b.name == name).unwrap();
            assert_eq!(got.value.expose(), *value);
        }
        let json = json_text(&all, |_| false).unwrap();
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed["API_KEY"], "sk-it's\nline 2");
        assert_eq!(parsed["D"], "%\r%");
    }
}
