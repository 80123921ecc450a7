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
use crate::providers::verify::{self, Status};
use crate::providers::{self, CATALOG, Provider, key_hint};
use crate::secret::SecretValue;
use crate::vault::{Document, Entry, Kind, model};

/// How long `provider add --verify` waits for the provider.
const ADD_VERIFY_TIMEOUT: Duration = Duration::from_secs(10);

pub fn run(ctx: &Context, cmd: ProviderCommand) -> Result<ExitCode> {
    match cmd {
        ProviderCommand::Add {
            provider,
            name,
            base_url,
            force,
            verify,
            source,
        } => add(
            ctx,
            AddArgs {
                provider,
                name,
                base_url,
                force,
                verify,
            },
            &source,
        )?,
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
    name: Option<String>,
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
        .map(|p| match p.id {
            "custom" => format!("{:<11} {}", p.id, p.name),
            _ => format!("{:<11} {} ({})", p.id, p.name, p.key_env),
        })
        .collect();
    Ok(&CATALOG[ctx.ui.choose_one("Provider", &items)?])
}

/// An endpoint must be an http(s) URL; it is stored without a trailing slash.
fn check_base_url(url: &str) -> Result<String> {
    let parsed = reqwest::Url::parse(url).map_err(|_| {
        UsageError("--base-url must be a URL such as https://gateway.example.com/v1".into())
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(
            UsageError("--base-url must be an http:// or https:// URL with a host".into()).into(),
        );
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(UsageError(
            "--base-url must not hold credentials (the key is the credential); remove the \
             user:password@ part"
                .into(),
        )
        .into());
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// Whether a key sent to `url` crosses a network in clear text.
fn sent_in_clear(url: &str) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return false;
    };
    let host = parsed
        .host_str()
        .unwrap_or_default()
        .trim_start_matches('[')
        .trim_end_matches(']');
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    parsed.scheme() == "http" && !loopback
}

fn add(ctx: &Context, args: AddArgs, source: &ValueSource) -> Result<()> {
    refuse_argv_value(source)?;
    let provider = choose_provider(ctx, args.provider.as_deref())?;
    if provider.id == "custom" && (args.name.is_none() || args.base_url.is_none()) {
        return Err(UsageError(
            "custom needs a name and an endpoint: vault provider add custom --name LOCAL_LLM_KEY \
             --base-url http://127.0.0.1:11434/v1"
                .into(),
        )
        .into());
    }
    let name = args.name.unwrap_or_else(|| provider.key_env.to_owned());
    model::check_name(&name)?;
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
    if ctx.ui.stdin_is_terminal() && source.from_file.is_none() && source.from_env.is_none() {
        // Say "already exists" before someone pastes a key for nothing.
        if let Ok(existing) = ctx.vault.open(&keys)?.entry(&name) {
            bail!(model::ModelError::AlreadyExists {
                name,
                kind: existing.kind
            });
        }
    }
    let example = format!("vault provider add {} --name {name}", provider.id);
    let value = read_value(ctx, &example, &name, source)?;
    if let Err(problem) = provider.check_key(value.expose()) {
        if !args.force {
            bail!(
                "{problem}. Check that this is the key you meant, or pass --force to store it \
                 anyway; nothing was stored"
            );
        }
        ctx.ui.warn(format!("{problem}; stored anyway (--force)"));
    }
    let endpoint = base_url.as_deref().unwrap_or(provider.base_url);
    let checked = if args.verify {
        let status = verify::check(provider, endpoint, value.expose(), ADD_VERIFY_TIMEOUT);
        if status == Status::Invalid {
            bail!(
                "{} refused the key (401/403 from {endpoint}); nothing was stored. Check the \
                 key, or add it without --verify",
                provider.name
            );
        }
        Some((status, now()))
    } else {
        None
    };
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
    ctx.record_change("provider add", vec![name.clone()], None);
    let at = base_url
        .as_deref()
        .map(|url| format!(" at {url}"))
        .unwrap_or_default();
    ctx.ui
        .status(format!("Added {} key {name} ({hint}){at}", provider.name));
    if let Some((status, _)) = &checked {
        match status {
            Status::Active => ctx
                .ui
                .status(format!("{} accepted it: active", provider.name)),
            other => ctx.ui.warn(format!(
                "could not check it with {}: {other}; `vault provider test {name}` tries again",
                provider.name
            )),
        }
    }
    Ok(())
}

fn store(
    doc: &mut Document,
    name: &str,
    provider: &Provider,
    base_url: Option<String>,
    value: SecretValue,
    checked: &Option<(Status, jiff::Timestamp)>,
) -> Result<(), model::ModelError> {
    doc.add_entry(name, Kind::Provider, value, now())?;
    let entry = doc
        .entries
        .get_mut(name)
        .ok_or_else(|| model::ModelError::NotFound {
            name: name.to_owned(),
            similar: None,
        })?;
    entry.provider = Some(provider.id.to_owned());
    entry.base_url = base_url;
    if let Some((status, at)) = checked {
        entry.status = Some(status.to_string());
        entry.checked = Some(*at);
    }
    Ok(())
}

/// The catalog entry and endpoint of a stored provider key.
fn endpoint(entry: &Entry) -> Option<(&'static Provider, &str)> {
    let provider = providers::find(entry.provider.as_deref()?)?;
    Some((
        provider,
        entry.base_url.as_deref().unwrap_or(provider.base_url),
    ))
}

fn test(ctx: &Context, names: &[String], all: bool, timeout: Duration) -> Result<ExitCode> {
    for name in names {
        model::check_name(name)?;
    }
    let keys = ctx.keys()?;
    let doc = ctx.vault.open(&keys)?;
    let chosen: Vec<&str> = if all {
        doc.entries
            .iter()
            .filter(|(_, e)| e.kind == Kind::Provider)
            .map(|(name, _)| name.as_str())
            .collect()
    } else {
        for name in names {
            super::secret::ensure_kind(&doc, name, Kind::Provider)?;
        }
        names.iter().map(String::as_str).collect()
    };
    if chosen.is_empty() {
        ctx.ui
            .status("There are no provider keys to check; add one with `vault provider add`.");
        return Ok(ExitCode::SUCCESS);
    }
    // All at once: a provider that does not answer holds up only its own row.
    let results: Vec<(String, Option<&'static Provider>, Status)> = std::thread::scope(|scope| {
        let handles: Vec<_> = chosen
            .iter()
            .map(|name| {
                let entry = &doc.entries[*name];
                scope.spawn(move || match endpoint(entry) {
                    Some((provider, url)) => (
                        (*name).to_owned(),
                        Some(provider),
                        verify::check(provider, url, entry.value.expose(), timeout),
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
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| (String::new(), None, Status::Error("check failed".into())))
            })
            .collect()
    });
    let checked_at = now();
    // Record each status on the key that was checked: one replaced meanwhile keeps its own.
    let tested: Vec<(String, String, SecretValue)> = results
        .iter()
        .filter_map(|(name, _, status)| {
            let entry = doc.entries.get(name)?;
            Some((name.clone(), status.to_string(), entry.value.clone()))
        })
        .collect();
    drop(doc);
    ctx.vault.update_if_changed(&keys, |doc| {
        let mut changed = false;
        for (name, status, value) in &tested {
            if let Some(entry) = doc.entries.get_mut(name)
                && entry.kind == Kind::Provider
                && entry.value == *value
            {
                entry.status = Some(status.clone());
                entry.checked = Some(checked_at);
                changed = true;
            }
        }
        Ok(((), changed))
    })?;
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
    let keys: Vec<(&String, &Entry)> = doc
        .entries
        .iter()
        .filter(|(_, e)| e.kind == Kind::Provider)
        .collect();
    let provider_id = |e: &Entry| e.provider.clone().unwrap_or_else(|| "?".into());
    let base_url = |e: &Entry| {
        endpoint(e)
            .map(|(_, url)| url.to_owned())
            .unwrap_or_default()
    };
    if ctx.ui.json {
        let items: Vec<_> = keys
            .iter()
            .map(|(name, e)| {
                json!({
                    "provider": provider_id(e),
                    "name": name,
                    "hint": key_hint(e.value.expose()),
                    "base_url": base_url(e),
                    "status": e.status,
                    "checked": e.checked.map(|t| t.to_string()),
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
        .map(|(name, e)| {
            vec![
                provider_id(e),
                (*name).clone(),
                key_hint(e.value.expose()),
                base_url(e),
                e.status.clone().unwrap_or_else(|| "unchecked".into()),
                e.checked.map(local_time).unwrap_or_default(),
            ]
        })
        .collect();
    ctx.ui.print(ctx.ui.table(
        &["PROVIDER", "ENTRY", "KEY", "BASE URL", "STATUS", "CHECKED"],
        rows,
    ))?;
    Ok(())
}
