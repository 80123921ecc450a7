//! `vault audit`: the runs and changes recorded on this machine, newest last.

use anyhow::{Context as _, Result};

use super::{Context, UsageError, local_time};
use crate::audit::{Event, Record};

pub fn run(ctx: &Context, args: &crate::cli::AuditArgs) -> Result<()> {
    let since = args.since.as_deref().map(parse_since).transpose()?;
    // The log is this machine's, for every vault: show the vault in use.
    let vault = ctx.vault_real_path();
    let records: Vec<Record> = ctx
        .state
        .records()
        .with_context(|| format!("cannot read {}", ctx.state.log_path().display()))?
        .into_iter()
        .filter(|r| r.vault.as_ref().is_none_or(|v| *v == vault))
        .filter(|r| args.agent.is_none() || r.agent.as_deref() == args.agent.as_deref())
        .filter(|r| since.is_none_or(|since| r.time >= since))
        .collect();
    if ctx.ui.json {
        ctx.ui.print_json(&serde_json::to_value(&records)?)?;
        return Ok(());
    }
    // In the table a run is one row: its start line only while it has no end line yet.
    let ended = |start: &Record| {
        records
            .iter()
            .any(|r| r.event == Event::Run && r.pid == start.pid && r.started == start.started)
    };
    let records: Vec<&Record> = records
        .iter()
        .filter(|r| r.event != Event::Start || !ended(r))
        .collect();
    if records.is_empty() {
        ctx.ui.status(format!(
            "Nothing recorded{} (log: {}).",
            if args.agent.is_some() || since.is_some() {
                " that matches"
            } else {
                " yet"
            },
            ctx.state.log_path().display()
        ));
        return Ok(());
    }
    let rows = records
        .iter()
        .map(|r| {
            vec![
                // A run is listed by when it started; its line is written when it ends.
                local_time(r.started.unwrap_or(r.time)),
                match r.event {
                    Event::Start => "running",
                    Event::Run => "run",
                    Event::Change => "change",
                    Event::Export => "export",
                }
                .to_owned(),
                r.agent.clone().unwrap_or_default(),
                match r.event {
                    Event::Start | Event::Run => r.program.clone().unwrap_or_default(),
                    Event::Change | Event::Export => r.command.clone(),
                },
                r.names.join(" "),
                r.status.map(|s| s.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    ctx.ui.print(ctx.ui.table(
        &["TIME", "EVENT", "AGENT", "COMMAND", "NAMES", "STATUS"],
        rows,
    ))?;
    Ok(())
}

/// `30m`, `2h`, `7d`, `1 week`…: how far back to look.
pub(super) fn parse_since(text: &str) -> Result<jiff::Timestamp> {
    let span: jiff::Span = text.parse().map_err(|_| {
        UsageError(format!(
            "--since takes a duration such as 30m, 2h or 7d, not `{text}`"
        ))
    })?;
    Ok(jiff::Zoned::now()
        .checked_sub(span.abs())
        .context("that duration reaches too far back")?
        .timestamp())
}
