//! `vault proxy [--listen ADDR]`: the keyless proxy, standalone, for every agent with a proxy
//! token. It prints where it listens and each agent's base-URL variables, then serves until
//! interrupted.

use std::io::Write as _;

use anyhow::Result;
use serde_json::json;

use super::{Context, UsageError};
use crate::cli::ProxyArgs;
use crate::proxy::{self, Config, Pricing, UsageLog};
use crate::vault::Kind;

/// The pricing table with the user's overrides (`pricing.toml` in the config directory).
pub(super) fn pricing(ctx: &Context) -> Result<Pricing> {
    Ok(Pricing::load(
        &ctx.identity.config_dir.join("pricing.toml"),
    )?)
}

pub fn run(ctx: &Context, args: &ProxyArgs) -> Result<()> {
    // The address is checked before anything else: a refusal costs no passphrase.
    let listener = proxy::bind_loopback(&args.listen)?;
    let addr = listener.local_addr()?;
    proxy::keep_out_of_debuggers();
    let doc = ctx.open()?;
    let agents: Vec<_> = doc
        .agents
        .iter()
        .filter_map(|(name, agent)| agent.token.map(|hash| (name.clone(), hash)))
        .collect();
    if agents.is_empty() {
        return Err(UsageError(
            "no agent has a proxy token: create one with vault agent token AGENT (or run an \
             agent with vault run AGENT --keyless, which needs none)"
                .into(),
        )
        .into());
    }
    // What each agent sets: the base-URL variable of every provider attached to it.
    let mut listing = Vec::new();
    for (name, _) in &agents {
        let mut urls = Vec::new();
        for a in doc.attached(name)? {
            let Some(provider) = a
                .entry
                .provider
                .as_deref()
                .filter(|_| a.entry.kind == Kind::Provider)
                .and_then(crate::providers::find)
            else {
                continue;
            };
            let (env, url) = proxy::base_url_for(provider, addr);
            urls.push((a.env_name.to_owned(), env, url));
        }
        listing.push((name.clone(), urls));
    }
    let config = Config::new(
        &doc,
        &agents,
        ctx.vault_real_path(),
        pricing(ctx)?,
        UsageLog::new(ctx.state.dir()),
    )?;
    drop(doc);
    if ctx.ui.json {
        let agents: Vec<_> = listing
            .iter()
            .map(|(name, urls)| {
                json!({
                    "agent": name,
                    "providers": urls.iter().map(|(key_env, env, url)| json!({
                        "key_env": key_env, "base_url_env": env, "base_url": url,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        ctx.ui
            .print_json(&json!({ "listen": format!("http://{addr}"), "agents": agents }))?;
    } else {
        let mut out = format!("Listening on http://{addr}\n");
        for (name, urls) in &listing {
            out += &format!("{name}:");
            if urls.is_empty() {
                out += " no provider key attached\n";
                continue;
            }
            out += "\n";
            for (key_env, env, url) in urls {
                out += &format!("  {env}={url}  ({key_env}=<its token>)\n");
            }
        }
        ctx.ui.print(out)?;
    }
    // Whoever waits for the address (a script, a test) gets it now.
    std::io::stdout().flush()?;
    ctx.ui
        .status("Serving until interrupted (Ctrl-C); restart after changing the vault.");
    proxy::serve_until_stopped(config, listener)?;
    Ok(())
}
