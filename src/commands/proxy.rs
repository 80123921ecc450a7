//! `vault proxy [--listen ADDR]`: the keyless proxy, standalone, for every agent with a proxy
//! token. It prints where it listens and each agent's base-URL variables, then serves until
//! interrupted.

use std::io::Write as _;
use std::sync::{Arc, Mutex};

use anyhow::Result;
use serde_json::json;

use super::live::{self, Served, SharedKeys, lock};
use super::{Context, UsageError};
use crate::cli::ProxyArgs;
use crate::identity::Identities;
use crate::proxy::live::{Follower, Stamp};
use crate::proxy::{self, Config, Pricing};
use crate::vault::Document;
use crate::vault::keyless::TokenHash;

/// The pricing table with the user's overrides (`pricing.toml` in the config directory).
pub(super) fn pricing(ctx: &Context) -> Result<Pricing> {
    Ok(Pricing::load(&ctx.pricing_file)?)
}

/// Every agent with a stored proxy token (what `vault proxy` serves).
fn stored_tokens(doc: &Document) -> Vec<(String, TokenHash)> {
    doc.agents
        .iter()
        .filter_map(|(name, agent)| agent.token.map(|hash| (name.to_string(), hash)))
        .collect()
}

/// How a running proxy reads the vault again: the same file, with the identities that opened
/// it (quiet: a passphrase is not asked for again), for `agents`' tokens (`None`: every stored
/// token, as the vault has them then).
pub(super) fn follower(
    ctx: &Context,
    keys: SharedKeys,
    agents: Option<Vec<(String, TokenHash)>>,
) -> Result<Follower<'static>> {
    let vault = ctx.vault.clone();
    let real = ctx.vault_real_path();
    let pricing = pricing(ctx)?;
    let usage = ctx.state.usage_db();
    Ok(Follower::new(move || {
        let doc = vault.open(&*lock(&keys)).map_err(|e| e.to_string())?;
        let agents = agents.clone().unwrap_or_else(|| stored_tokens(&doc));
        Config::new(&doc, &agents, real.clone(), pricing.clone(), usage.clone())
            .map_err(|e| e.to_string())
    }))
}

/// The identities, for the threads that read the vault while a proxy runs. Never a prompt
/// from those: the agent may own the terminal by then.
pub(super) fn shared(keys: Identities<'_>) -> SharedKeys {
    Arc::new(Mutex::new(keys.quiet()))
}

pub fn run(ctx: &Context, args: &ProxyArgs) -> Result<()> {
    // The address is checked before anything else: a refusal costs no passphrase.
    let listener = proxy::bind_listen(&args.listen)?;
    let addr = listener.local_addr()?;
    proxy::keep_out_of_debuggers();
    // Taken before the vault is read: a save made while it is read is then a new version.
    let stamp = Stamp::of(ctx.vault.path());
    let keys = ctx.keys()?;
    let doc = ctx.vault.open(&keys)?;
    let agents = stored_tokens(&doc);
    if agents.is_empty() {
        return Err(UsageError(
            "no agent has a proxy token: create one with vault agent token AGENT (or run an \
             agent with vault run AGENT --keyless, which needs none)"
                .into(),
        )
        .into());
    }
    let mut config = Config::new(
        &doc,
        &agents,
        ctx.vault_real_path(),
        pricing(ctx)?,
        ctx.state.usage_db(),
    )?;
    // The agents' live provider keys, fetched again from their servers while it serves.
    let served: Served = Box::new(|doc| stored_tokens(doc).into_iter().map(|(a, _)| a).collect());
    let keys = shared(keys);
    let live = live::follow(ctx, &doc, Arc::clone(&keys), served, None);
    drop(doc);
    let follower = follower(ctx, keys, None)?;
    config.follow = Some(follower.follow(ctx.vault.path().to_owned(), stamp));
    // The usage database must open before the proxy says it is listening.
    config.usage.open()?;
    // What each agent sets: the base-URL variable of every provider the proxy serves it.
    let mut text = format!("Listening on http://{addr}\n");
    let mut agents = Vec::new();
    for route in &config.routes {
        text += &format!("{}:", route.agent);
        if route.upstreams.is_empty() {
            text += " no provider key attached";
        }
        text += "\n";
        let mut providers = Vec::new();
        for u in &route.upstreams {
            let (env, url) = proxy::base_url_for(u.provider, addr);
            // The aliases clients read too (CODEX_API_KEY, OPENAI_API_BASE).
            let key_aliases: Vec<&str> = u.provider.key_copies().collect();
            let url_aliases = u.provider.base_url_aliases;
            let also = |names: &[&str]| match names {
                [] => String::new(),
                names => format!(", also in {}", names.join(", ")),
            };
            text += &format!(
                "  {env}={url}{}  ({}=<its token>{})\n",
                also(url_aliases),
                u.key_env,
                also(&key_aliases)
            );
            providers.push(json!({
                "key_env": u.key_env,
                "key_aliases": key_aliases,
                "base_url_env": env,
                "base_url_aliases": url_aliases,
                "base_url": url,
            }));
        }
        agents.push(json!({ "agent": route.agent, "providers": providers }));
    }
    if ctx.ui.json {
        ctx.ui
            .print_json(&json!({ "listen": format!("http://{addr}"), "agents": agents }))?;
    } else {
        ctx.ui.print(text)?;
    }
    // Whoever waits for the address (a script, a test) gets it now.
    std::io::stdout().flush()?;
    ctx.ui.status(
        "Serving until interrupted (Ctrl-C); changes to the vault take effect on the next \
         request.",
    );
    let _live = live;
    std::thread::scope(|scope| {
        let _following = follower.spawn(scope);
        proxy::serve_until_stopped(config, listener)
    })?;
    Ok(())
}
