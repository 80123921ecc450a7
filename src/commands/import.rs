//! `vault import FILE|-`: every entry of a .env file added in one change. A line that cannot
//! be read, a clash refused by --on-conflict fail, or an attachment that cannot be made leaves
//! the vault exactly as it was.

use std::path::Path;

use anyhow::{Context as _, Result, anyhow, bail};
use serde_json::json;
use zeroize::Zeroizing;

use super::entries::HIDDEN;
use super::{Context, now};
use crate::cli::{ImportArgs, ImportKind, OnConflict};
use crate::dotenv::{self, Binding};
use crate::sensitive::looks_secret;
use crate::vault::agents::is_reserved_env_name;
use crate::vault::model::InvalidEntry;
use crate::vault::{Details, Document, Entry, Kind, ModelError, ProviderKey};

/// What happens to one binding of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Add,
    Overwrite,
    /// The vault already holds this value, as this kind.
    Unchanged,
    /// The vault holds this value as a variable; --kind secret makes it a secret.
    MakeSecret,
    /// The vault holds another value, kept (--on-conflict skip).
    Keep,
    /// The vault holds another value and --on-conflict is fail.
    Conflict,
    /// The vault's entry is a provider key, and this value does not look like that
    /// provider's key (it would be sent to the wrong provider).
    WrongKey,
    /// A secret-looking entry with no value: nothing to store (--kind auto).
    SkipEmpty,
}

impl Action {
    fn describe(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Overwrite => "overwrite",
            Action::Unchanged => "unchanged",
            Action::MakeSecret => "make it a secret",
            Action::Keep => "keep the vault's value",
            Action::Conflict => "conflict",
            Action::WrongKey => "not this provider's key",
            Action::SkipEmpty => "skip: empty",
        }
    }

    /// Whether this stops the whole import.
    fn refused(self) -> bool {
        matches!(self, Action::Conflict | Action::WrongKey)
    }

    /// Whether the vault's entry is written.
    fn changes_entry(self) -> bool {
        matches!(self, Action::Add | Action::Overwrite | Action::MakeSecret)
    }

    /// Whether the entry ends up in the vault under this name (and so can be attached).
    fn present(self) -> bool {
        !matches!(
            self,
            Action::SkipEmpty | Action::Conflict | Action::WrongKey
        )
    }
}

struct Step<'b> {
    binding: &'b Binding,
    kind: Kind,
    action: Action,
    /// The vault's own value where it stays and may be shown (a variable kept by
    /// --on-conflict skip).
    kept: Option<String>,
}

/// What an applied plan did besides the entries.
#[derive(Default)]
struct Attachments {
    created_agent: bool,
    attached: Vec<String>,
}

pub fn run(ctx: &Context, args: &ImportArgs) -> Result<()> {
    let (source, bytes) = read_source(ctx, &args.file)?;
    let parsed =
        dotenv::parse_bytes(&bytes).map_err(|e| anyhow!("{source}, {e}; nothing was imported"))?;
    drop(bytes);
    for note in &parsed.notes {
        ctx.ui.warn(format!("{source}: {note}"));
    }
    if parsed.bindings.is_empty() {
        bail!("{source} holds no NAME=value lines; nothing to import");
    }
    if args.kind == ImportKind::Secret {
        let empty: Vec<String> = parsed
            .bindings
            .iter()
            .filter(|b| b.value.is_empty())
            .map(|b| format!("{} (line {})", b.name, b.line))
            .collect();
        if !empty.is_empty() {
            bail!(
                "{source}: a secret cannot be empty, and these have no value: {}; give them \
                 values, remove them, or import with --kind auto (which skips empty secrets); \
                 nothing was imported",
                empty.join(", ")
            );
        }
    }
    if let Some(agent) = &args.attach
        && let Some(reserved) = parsed
            .bindings
            .iter()
            .find(|b| is_reserved_env_name(&b.name))
    {
        bail!(
            "{source} sets {} (line {}), which opens the vault and is never given to an agent, \
             so it cannot be attached to {agent}; remove it from the file, or import without \
             --attach and attach the rest by name; nothing was imported",
            reserved.name,
            reserved.line
        );
    }
    let keys = ctx.keys()?;
    if args.dry_run {
        let doc = ctx.vault.open(&keys)?;
        let steps = plan(&doc, &parsed.bindings, args);
        show(ctx, &source, &steps, args, true)?;
        refuse_conflicts(&source, &steps)?;
        // The same changes on this copy, which is never saved: whatever would stop the real
        // import stops this too.
        let mut doc = doc;
        let attachments = apply(&mut doc, &steps, args.attach.as_deref())?;
        if !ctx.ui.json {
            report_attachments(ctx, args, &attachments, true);
            ctx.ui.status("Dry run: the vault was not changed.");
        }
        return Ok(());
    }
    // The plan is made under the lock, against the vault as it is then.
    let (steps, attachments) = ctx.vault.update_if_changed(&keys, |doc| {
        let steps = plan(doc, &parsed.bindings, args);
        if steps.iter().any(|s| s.action.refused()) {
            return Ok(((steps, None), false));
        }
        let attachments = apply(doc, &steps, args.attach.as_deref())?;
        let changed = attachments.created_agent
            || !attachments.attached.is_empty()
            || steps.iter().any(|s| s.action.changes_entry());
        Ok(((steps, Some(attachments)), changed))
    })?;
    refuse_conflicts(&source, &steps)?;
    let attachments = attachments.unwrap_or_default();
    let changed: Vec<String> = steps
        .iter()
        .filter(|s| s.action.changes_entry())
        .map(|s| s.binding.name.clone())
        .collect();
    if !changed.is_empty() {
        ctx.record_change("import", changed, None);
    }
    if let Some(agent) = &args.attach
        && (attachments.created_agent || !attachments.attached.is_empty())
    {
        ctx.record_change("attach", attachments.attached.clone(), Some(agent));
    }
    if ctx.ui.json {
        return show(ctx, &source, &steps, args, false);
    }
    ctx.ui.status(summarize(&source, &steps));
    report_attachments(ctx, args, &attachments, false);
    Ok(())
}

/// The file's bytes, and how to name it in messages.
fn read_source(ctx: &Context, file: &Path) -> Result<(String, Zeroizing<Vec<u8>>)> {
    if file.as_os_str() == "-" {
        if ctx.ui.stdin_is_terminal() {
            ctx.ui
                .status("Reading .env lines from the terminal; end with Ctrl-D.");
        }
        let bytes = ctx.ui.read_stdin().context("cannot read standard input")?;
        return Ok(("standard input".to_owned(), bytes));
    }
    let name = file.display().to_string();
    let bytes = crate::secret::read_file(file)
        .with_context(|| format!("cannot read {name} (use - to read standard input)"))?;
    Ok((name, bytes))
}

/// Decides, for each binding, its kind and what happens to it.
fn plan<'b>(doc: &Document, bindings: &'b [Binding], args: &ImportArgs) -> Vec<Step<'b>> {
    bindings
        .iter()
        .map(|binding| {
            let existing = doc.entries.get(&binding.name);
            let kind = match (args.kind, existing) {
                // A secret stays one: an import never shows or unmasks a value it hid.
                (_, Some(entry)) if entry.kind().is_sensitive() => entry.kind(),
                (ImportKind::Secret, _) => Kind::Secret,
                (ImportKind::Variable, _) => Kind::Variable,
                // The vault already knows what this entry is.
                (ImportKind::Auto, Some(entry)) => entry.kind(),
                (ImportKind::Auto, None) => {
                    if crate::providers::recognised_key(&binding.name, binding.value.expose())
                        .is_some()
                    {
                        Kind::Provider
                    } else if looks_secret(&binding.name, binding.value.expose()) {
                        Kind::Secret
                    } else {
                        Kind::Variable
                    }
                }
            };
            let action = match existing {
                _ if kind.is_sensitive() && binding.value.is_empty() => Action::SkipEmpty,
                None => Action::Add,
                Some(entry) if *entry.value() == binding.value => {
                    if entry.kind() == kind {
                        Action::Unchanged
                    } else {
                        Action::MakeSecret
                    }
                }
                Some(_) => match args.on_conflict {
                    OnConflict::Fail => Action::Conflict,
                    OnConflict::Skip => Action::Keep,
                    OnConflict::Overwrite => Action::Overwrite,
                },
            };
            // A provider key keeps being sent to its provider: a value that is not that
            // provider's key is refused, as `vault provider add` refuses it.
            let action = match existing {
                Some(entry)
                    if entry.kind() == Kind::Provider
                        && action.changes_entry()
                        && entry
                            .endpoint()
                            .is_some_and(|(p, _)| p.check_key(binding.value.expose()).is_err()) =>
                {
                    Action::WrongKey
                }
                _ => action,
            };
            let kept = existing
                .filter(|e| action == Action::Keep && !e.kind().is_sensitive())
                .map(|e| e.value().expose().to_owned());
            Step {
                binding,
                kind,
                action,
                kept,
            }
        })
        .collect()
}

fn refuse_conflicts(source: &str, steps: &[Step]) -> Result<()> {
    let wrong: Vec<String> = steps
        .iter()
        .filter(|s| s.action == Action::WrongKey)
        .map(|s| format!("{} (line {})", s.binding.name, s.binding.line))
        .collect();
    if !wrong.is_empty() {
        bail!(
            "{source} gives provider keys values that are not their provider's keys: {}; \
             nothing was imported. Fix those lines, or remove the keys from the vault first \
             (vault provider rm NAME) to import them as they are",
            wrong.join(", ")
        );
    }
    let clashes: Vec<&str> = steps
        .iter()
        .filter(|s| s.action == Action::Conflict)
        .map(|s| s.binding.name.as_str())
        .collect();
    if clashes.is_empty() {
        return Ok(());
    }
    bail!(
        "{source} gives {} a value other than the vault's ({}); nothing was imported. Pass \
         --on-conflict skip to keep the vault's values, or --on-conflict overwrite to replace \
         them",
        if clashes.len() == 1 {
            "an entry"
        } else {
            "entries"
        },
        clashes.join(", ")
    )
}

/// What a step's entry becomes: a provider key keeps its provider and endpoint; a value the
/// catalog recognises becomes a key of that provider.
fn details(doc: &Document, step: &Step) -> Result<Details, ModelError> {
    if let Some(plain) = Details::plain(step.kind) {
        return Ok(plain);
    }
    if let Some(key) = doc
        .entries
        .get(&step.binding.name)
        .and_then(Entry::provider_key)
    {
        return Ok(Details::Provider(key.clone()));
    }
    // `plan` makes a new entry a provider key only when the catalog recognises its value.
    let provider =
        crate::providers::recognised_key(&step.binding.name, step.binding.value.expose())
            .ok_or(InvalidEntry::UnknownProvider)?;
    Ok(Details::Provider(ProviderKey::new(provider, None)?))
}

/// Makes the planned changes to `doc`, and the attachments --attach asks for.
fn apply(
    doc: &mut Document,
    steps: &[Step],
    attach: Option<&str>,
) -> Result<Attachments, ModelError> {
    let at = now();
    for step in steps {
        if step.action.changes_entry() {
            let details = details(doc, step)?;
            doc.put_entry(&step.binding.name, details, step.binding.value.clone(), at)?;
        }
    }
    let mut done = Attachments::default();
    let Some(agent) = attach else {
        return Ok(done);
    };
    if !doc.agents.contains_key(agent) {
        doc.create_agent(agent, None, Vec::new(), at)?;
        done.created_agent = true;
    }
    for step in steps.iter().filter(|s| s.action.present()) {
        let name = &step.binding.name;
        // Already attached, perhaps under another name: that choice stays.
        if doc.agent(agent)?.attach.contains_key(name) {
            continue;
        }
        doc.attach(agent, name, None, at)?;
        done.attached.push(name.clone());
    }
    Ok(done)
}

/// The plan as a table (or JSON), secret values hidden.
fn show(ctx: &Context, source: &str, steps: &[Step], args: &ImportArgs, dry: bool) -> Result<()> {
    // What the vault holds for the name afterwards, unless it is (or stays) a secret.
    let value = |step: &Step| match step.action {
        Action::Keep => step.kept.clone(),
        Action::SkipEmpty => Some(String::new()),
        _ => (!step.kind.is_sensitive()).then(|| step.binding.value.expose().to_owned()),
    };
    if ctx.ui.json {
        let entries: Vec<_> = steps
            .iter()
            .map(|s| {
                json!({
                    "name": s.binding.name,
                    "line": s.binding.line,
                    "kind": s.kind.to_string(),
                    "action": s.action.describe(),
                    "value": value(s),
                })
            })
            .collect();
        ctx.ui.print_json(&json!({
            "source": source,
            "dry_run": dry,
            "attach": args.attach,
            "entries": entries,
        }))?;
        return Ok(());
    }
    let rows = steps
        .iter()
        .map(|s| {
            vec![
                s.binding.line.to_string(),
                s.binding.name.clone(),
                s.kind.to_string(),
                s.action.describe().to_owned(),
                value(s).unwrap_or_else(|| HIDDEN.to_owned()),
            ]
        })
        .collect();
    ctx.ui.print(
        ctx.ui
            .table(&["LINE", "NAME", "KIND", "ACTION", "VALUE"], rows),
    )?;
    Ok(())
}

/// One line: how many entries were added, overwritten, left alone.
fn summarize(source: &str, steps: &[Step]) -> String {
    let count = |action: Action| steps.iter().filter(|s| s.action == action).count();
    let added_secrets = steps
        .iter()
        .filter(|s| s.action == Action::Add && s.kind.is_sensitive())
        .count();
    let added = count(Action::Add);
    let mut parts = vec![if added == 0 {
        "nothing added".to_owned()
    } else {
        format!(
            "{added} added ({added_secrets} {}, {} {})",
            plural(added_secrets, "secret", "secrets"),
            added - added_secrets,
            plural(added - added_secrets, "variable", "variables")
        )
    }];
    for (action, what) in [
        (Action::Overwrite, "overwritten"),
        (Action::MakeSecret, "made secrets"),
        (Action::Unchanged, "unchanged"),
        (Action::Keep, "kept as the vault had them"),
    ] {
        let n = count(action);
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    let empty: Vec<&str> = steps
        .iter()
        .filter(|s| s.action == Action::SkipEmpty)
        .map(|s| s.binding.name.as_str())
        .collect();
    if !empty.is_empty() {
        parts.push(format!(
            "{} skipped (empty, so nothing to keep secret: {})",
            empty.len(),
            empty.join(", ")
        ));
    }
    format!("Imported {source}: {}", parts.join(", "))
}

fn report_attachments(ctx: &Context, args: &ImportArgs, done: &Attachments, dry: bool) {
    let Some(agent) = &args.attach else {
        return;
    };
    let verb = if dry { "Would attach" } else { "Attached" };
    let n = done.attached.len();
    let what = format!("{n} {}", plural(n, "entry", "entries"));
    ctx.ui.status(match (done.created_agent, dry) {
        (true, true) => format!("Would create agent {agent} and attach {what} to it"),
        (true, false) => format!("Created agent {agent} and attached {what} to it"),
        (false, _) if n == 0 => format!("Everything was already attached to {agent}"),
        (false, _) => format!("{verb} {what} to {agent}"),
    });
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
