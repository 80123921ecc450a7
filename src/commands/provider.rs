//! `vault provider add|test|list|rm`: AI-provider keys, checked against the catalog's key
//! formats and, on request, against the provider itself. Keys come from a hidden prompt or
//! standard input like any secret; what is shown of one is its hint (`sk-…a1b2`).

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Result, bail};
use serde_json::json;

use super::secret::{read_value, refuse_argv_value};
use super::{Context, UsageError, local_time, now};
use crate::cli::{ProviderCommand, ValueSource};
use crate::names::EnvName;
use crate::providers::verify::{self, Status};
use crate::providers::{self, CATALOG, Provider, key_hint};
use crate::secret::SecretValue;
use crate::vault::{Details, Document, Entry, Kind, ProviderKey, model};

/// How long `provider add --verify` waits for the provider.
const ADD_VERIFY_TIMEOUT: Duration = Duration::from_secs(10);

pub fn run(ctx: &Context, cmd: ProviderCommand) -> Result<ExitCode> {
    match cmd {
        ProviderCommand::Add {
            provider,
            name,
            base_url,
            key,
        } => add(
            ctx,
            AddArgs {
                provider,
                name,
                base_url,
                force: key.force,
                verify: key.verify,
            },
            &key.source,
        )?,
        ProviderCommand::Set { name, key } => {
            set(ctx, &name, key.force, key.verify, &key.source)?;
        }
        ProviderCommand::Test {
            names,
            all,
            timeout,
        } => return test(ctx, &names, all, Duration::from_secs(timeout)),
        ProviderCommand::List => list(ctx)?,
        ProviderCommand::Rm(args) => super::secret::remove(ctx, Kind::Provider, &args)?,
    }
    Ok(ExitCode::SUCCESS)
}

struct AddArgs {
    provider: Option<String>,
    name: Option<EnvName>,
    base_url: Option<String>,
    force: bool,
    verify: bool,
}

fn catalog_ids() -> String {
    CATALOG.iter().map(|p| p.id).collect::<Vec<_>>().join(", ")
}

/// The catalog entry a user named, or chose from a list on a terminal.
fn choose_provider(ctx: &Context, given: Option<&str>) -> Result<&'static Provider> {
    if let Some(id) = given {
        // What was typed is not repeated: a key pasted in its place would be echoed.
        return providers::find(id).ok_or_else(|| {
            UsageError(format!(
                "that is not a provider vault knows; the catalog has {} (custom is any \
                 OpenAI-compatible endpoint)",
                catalog_ids()
            ))
            .into()
        });
    }
    if !ctx.ui.can_prompt() {
        return Err(UsageError(format!(
            "give the provider: vault provider add PROVIDER (one of {})",
            catalog_ids()
        ))
        .into());
    }
    let items: Vec<String> = CATALOG
        .iter()
        .map(|p| match p.needs_base_url {
            // Its key's name is given when it is added.
            true => format!("{:<11} {}", p.id, p.name),
            false => format!("{:<11} {} ({})", p.id, p.name, p.key_env),
        })
        .collect();
    // choose_one returns an index into `items`, which has one line per catalog entry.
    Ok(&CATALOG[ctx.ui.choose_one("Provider", &items)?])
}

/// `--base-url`, checked (see `providers::check_base_url`).
fn check_base_url(url: &str) -> Result<String, UsageError> {
    providers::check_base_url(url).map_err(|why| UsageError(format!("--base-url {why}")))
}

/// Whether a key sent to `url` crosses a network in clear text.
fn sent_in_clear(url: &str) -> bool {
    reqwest::Url::parse(url).is_ok_and(|url| crate::net::in_clear_off_this_machine(&url))
}

fn add(ctx: &Context, args: AddArgs, source: &ValueSource) -> Result<()> {
    refuse_argv_value(source)?;
    let mut args = args;
    let provider = choose_provider(ctx, args.provider.as_deref())?;
    if provider.needs_base_url && args.provider.is_none() && ctx.ui.can_prompt() {
        // Chosen from the list: ask for what custom needs instead of refusing.
        if args.name.is_none() {
            let name = ctx
                .ui
                .ask_text("Name for the key (e.g. LOCAL_LLM_KEY)", None, |n| {
                    n.parse::<EnvName>().map(drop).map_err(|e| e.to_string())
                })?;
            args.name = Some(name.parse()?);
        }
        if args.base_url.is_none() {
            args.base_url = Some(ctx.ui.ask_text(
                "Endpoint (e.g. http://127.0.0.1:11434/v1)",
                None,
                |u| {
                    providers::check_base_url(u)
                        .map(|_| ())
                        .map_err(|why| format!("the endpoint {why}"))
                },
            )?);
        }
    }
    if provider.needs_base_url && (args.name.is_none() || args.base_url.is_none()) {
        return Err(UsageError(
            "custom needs a name and an endpoint: vault provider add custom --name LOCAL_LLM_KEY \
             --base-url http://127.0.0.1:11434/v1"
                .into(),
        )
        .into());
    }
    if args.base_url.is_some() && provider.base_url_env.is_none() {
        ctx.ui.warn(format!(
            "{}'s SDK reads no base-URL variable: `vault provider test` uses this endpoint, but \
             an agent given the key reaches {} unless it is configured otherwise (for an \
             OpenAI-compatible gateway, `vault provider add custom` sets OPENAI_BASE_URL)",
            provider.name, provider.base_url
        ));
    }
    let name = match args.name {
        Some(name) => name,
        None => provider.key_env.parse()?,
    };
    let base_url = args
        .base_url
        .as_deref()
        .map(check_base_url)
        .transpose()?
        .filter(|url| !provider.is_default_base_url(url));
    if base_url.as_deref().is_some_and(sent_in_clear) {
        ctx.ui.warn(
            "the endpoint is plain http on another machine: the key will cross the network \
             unencrypted (agents and `vault provider test` send it there); use https",
        );
    }
    let keys = ctx.keys()?;
    let typed =
        ctx.ui.stdin_is_terminal() && source.from_file.is_none() && source.from_env.is_none();
    if typed || args.verify {
        // Say "already exists" before someone pastes a key for nothing, or before a key is
        // sent to its provider for nothing.
        if let Ok(existing) = ctx.vault.open(&keys)?.entry(&name) {
            bail!(model::ModelError::AlreadyExists {
                name: name.into(),
                kind: existing.kind()
            });
        }
    }
    let example = match &base_url {
        Some(url) => format!(
            "vault provider add {} --name {name} --base-url {url}",
            provider.id
        ),
        None => format!("vault provider add {} --name {name}", provider.id),
    };
    let value = read_value(ctx, &example, &name, source)?;
    let endpoint = base_url.as_deref().unwrap_or(provider.base_url);
    let checked = check_new_key(ctx, provider, endpoint, &value, args.force, args.verify)?;
    let hint = key_hint(value.expose());
    ctx.vault.update(&keys, |doc| {
        Ok(store(
            doc,
            &name,
            provider,
            base_url.clone(),
            value,
            &checked,
        )?)
    })?;
    ctx.record_change("provider add", vec![name.to_string()], None);
    let at = base_url
        .as_deref()
        .map(|url| format!(" at {url}"))
        .unwrap_or_default();
    ctx.ui
        .status(format!("Added {} key {name} ({hint}){at}", provider.name));
    report_check(ctx, provider, &name, &checked);
    Ok(())
}

/// The format check and, with `verify`, the live check of a key about to be stored; an
/// invalid key is refused. Returns the live check's outcome.
fn check_new_key(
    ctx: &Context,
    provider: &Provider,
    endpoint: &str,
    value: &SecretValue,
    force: bool,
    verify: bool,
) -> Result<Option<(Status, jiff::Timestamp)>> {
    if let Err(problem) = provider.check_key(value.expose()) {
        if !force {
            bail!(
                "{problem}. Check that this is the key you meant, or pass --force to store it \
                 anyway; nothing was stored"
            );
        }
        ctx.ui
            .warn(format!("{problem}; storing it anyway (--force)"));
    }
    if !verify {
        return Ok(None);
    }
    let status = verify::check(provider, endpoint, value.expose(), ADD_VERIFY_TIMEOUT);
    if status == Status::Invalid {
        bail!(
            "{} refused the key (401/403 from {endpoint}); nothing was stored. Check the key, \
             or store it without --verify",
            provider.name
        );
    }
    Ok(Some((status, now())))
}

fn report_check(
    ctx: &Context,
    provider: &Provider,
    name: &str,
    checked: &Option<(Status, jiff::Timestamp)>,
) {
    match checked {
        None => {}
        Some((Status::Active, _)) => ctx
            .ui
            .status(format!("{} accepted it: active", provider.name)),
        Some((other, _)) => ctx.ui.warn(format!(
            "could not check it with {}: {other}; `vault provider test {name}` tries again",
            provider.name
        )),
    }
}

/// `vault provider set NAME`: a new value for a key (a rotated one), checked like a new key;
/// its attachments and endpoint stay.
fn set(ctx: &Context, name: &str, force: bool, verify: bool, source: &ValueSource) -> Result<()> {
    refuse_argv_value(source)?;
    let keys = ctx.keys()?;
    let doc = ctx.vault.open(&keys)?;
    doc.check_kind(name, Kind::Provider)?;
    let Some((provider, url)) = doc.entries.get(name).and_then(Entry::endpoint) else {
        bail!("{name} names no provider from the catalog; remove it and add it again");
    };
    let url = url.to_owned();
    drop(doc);
    let value = read_value(ctx, &format!("vault provider set {name}"), name, source)?;
    let checked = check_new_key(ctx, provider, &url, &value, force, verify)?;
    let hint = key_hint(value.expose());
    ctx.vault.update(&keys, |doc| {
        doc.replace_value(name, Kind::Provider, value, now())?;
        if let (Some(entry), Some((status, at))) = (doc.entries.get_mut(name), &checked) {
            entry.record_check(status.clone(), *at);
        }
        Ok(())
    })?;
    ctx.record_change("provider set", vec![name.to_owned()], None);
    ctx.ui.status(format!(
        "Replaced the {} key {name} ({hint})",
        provider.name
    ));
    report_check(ctx, provider, name, &checked);
    Ok(())
}

fn store(
    doc: &mut Document,
    name: &str,
    provider: &'static Provider,
    base_url: Option<String>,
    value: SecretValue,
    checked: &Option<(Status, jiff::Timestamp)>,
) -> Result<(), model::ModelError> {
    let key = ProviderKey::new(provider, base_url)?;
    doc.add_entry(name, Details::Provider(key), value, now())?;
    let entry = doc.entry_mut(name)?;
    if let Some((status, at)) = checked {
        entry.record_check(status.clone(), *at);
    }
    Ok(())
}

fn test(ctx: &Context, names: &[EnvName], all: bool, timeout: Duration) -> Result<ExitCode> {
    let keys = ctx.keys()?;
    let doc = ctx.vault.open(&keys)?;
    let chosen: Vec<&str> = if all {
        doc.entries
            .iter()
            .filter(|(_, e)| e.kind() == Kind::Provider)
            .map(|(name, _)| name.as_str())
            .collect()
    } else {
        for name in names {
            doc.check_kind(name, Kind::Provider)?;
        }
        names.iter().map(EnvName::as_str).collect()
    };
    if chosen.is_empty() {
        ctx.ui
            .status("There are no provider keys to check; add one with `vault provider add`.");
        return Ok(ExitCode::SUCCESS);
    }
    let results = check_all(&doc, &chosen, timeout);
    let checked_at = now();
    let names: Vec<String> = results.iter().map(|(name, _, _)| name.clone()).collect();
    // Record each status on the key that was checked: one replaced meanwhile keeps its own.
    let tested: Vec<(String, Status, SecretValue)> = results
        .iter()
        .filter_map(|(name, _, status)| {
            let entry = doc.entries.get(name)?;
            Some((name.clone(), status.clone(), entry.value().clone()))
        })
        .collect();
    drop(doc);
    ctx.vault.update_if_changed(&keys, |doc| {
        let mut changed = false;
        for (name, status, value) in &tested {
            if let Some(entry) = doc.entries.get_mut(name)
                && entry.kind() == Kind::Provider
                && *entry.value() == *value
            {
                entry.record_check(status.clone(), checked_at);
                changed = true;
            }
        }
        Ok(((), changed))
    })?;
    // The keys were sent out, and their status is written: both belong in the log.
    ctx.record_change("provider test", names, None);
    print_checks(ctx, &results)
}

/// One check's outcome: the key's name, its provider (if the catalog has it), what was found.
type Checked = (String, Option<&'static Provider>, Status);

/// Checks the `chosen` keys of `doc` all at once: a provider that does not answer holds up
/// only its own row.
fn check_all(doc: &model::Document, chosen: &[&str], timeout: Duration) -> Vec<Checked> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = chosen
            .iter()
            .map(|name| {
                // `chosen` holds only names of entries of `doc` (listed from it, or checked
                // with check_kind by the caller).
                let entry = &doc.entries[*name];
                scope.spawn(move || match entry.endpoint() {
                    Some((provider, url)) => (
                        (*name).to_owned(),
                        Some(provider),
                        verify::check(provider, url, entry.value().expose(), timeout),
                    ),
                    None => (
                        (*name).to_owned(),
                        None,
                        Status::Error("its provider is not in the catalog".into()),
                    ),
                })
            })
            .collect();
        handles
            .into_iter()
            .zip(chosen)
            .map(|(h, name)| {
                h.join().unwrap_or_else(|_| {
                    (
                        (*name).to_owned(),
                        None,
                        Status::Error("check failed".into()),
                    )
                })
            })
            .collect()
    })
}

/// The checks as a table or JSON; failure when any key is not active.
fn print_checks(ctx: &Context, results: &[Checked]) -> Result<ExitCode> {
    let failing = results
        .iter()
        .filter(|(_, _, status)| *status != Status::Active)
        .count();
    if ctx.ui.json {
        let items: Vec<_> = results
            .iter()
            .map(|(name, provider, status)| {
                json!({
                    "name": name,
                    "provider": provider.map(|p| p.id),
                    "status": status.to_string(),
                })
            })
            .collect();
        ctx.ui.print_json(&serde_json::Value::Array(items))?;
    } else {
        let rows = results
            .iter()
            .map(|(name, provider, status)| {
                vec![
                    name.clone(),
                    provider.map_or("?", |p| p.name).to_owned(),
                    status.to_string(),
                ]
            })
            .collect();
        ctx.ui
            .print(ctx.ui.table(&["NAME", "PROVIDER", "STATUS"], rows))?;
    }
    if failing > 0 {
        ctx.ui.status(format!(
            "{failing} of {} {} not active",
            results.len(),
            if results.len() == 1 {
                "key is"
            } else {
                "keys are"
            }
        ));
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn list(ctx: &Context) -> Result<()> {
    let doc = ctx.open()?;
    let keys: Vec<(&EnvName, &Entry, &ProviderKey)> = doc
        .entries
        .iter()
        .filter_map(|(name, e)| Some((name, e, e.provider_key()?)))
        .collect();
    if ctx.ui.json {
        let items: Vec<_> = keys
            .iter()
            .map(|(name, e, key)| {
                let check = key.last_check();
                json!({
                    "provider": key.provider().id,
                    "name": name,
                    "hint": key_hint(e.value().expose()),
                    "base_url": key.endpoint(),
                    "status": check.map(|(status, _)| status.to_string()),
                    "checked": check.map(|(_, at)| at.to_string()),
                })
            })
            .collect();
        ctx.ui.print_json(&serde_json::Value::Array(items))?;
        return Ok(());
    }
    if keys.is_empty() {
        ctx.ui.status(format!(
            "No provider keys yet. Add one with `vault provider add PROVIDER` ({}).",
            catalog_ids()
        ));
        return Ok(());
    }
    let rows = keys
        .iter()
        .map(|(name, e, key)| {
            let check = key.last_check();
            vec![
                key.provider().id.to_owned(),
                name.to_string(),
                key_hint(e.value().expose()),
                key.endpoint().to_owned(),
                check.map_or_else(|| "unchecked".into(), |(status, _)| status.to_string()),
                check.map(|(_, at)| local_time(at)).unwrap_or_default(),
            ]
        })
        .collect();
    ctx.ui.print(ctx.ui.table(
        &["PROVIDER", "ENTRY", "KEY", "BASE URL", "STATUS", "CHECKED"],
        rows,
    ))?;
    Ok(())
}
