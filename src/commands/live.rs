//! Live references: entries whose value is a remote's. They are fetched again before an agent
//! starts (`refresh`), and, while a keyless proxy serves, on a thread of their own (`follow`)
//! that saves a changed value as any change is saved: the proxy follows the vault file, so the
//! next request has it. The thread talks to the server without holding anything the proxy
//! needs, so a server that hangs delays only the next fetch.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, mpsc};
use std::time::Duration;

use anyhow::{Result, anyhow};

use super::remote::{There, connect, stamp_failure, there};
use super::{Context, now};
use crate::identity::Identities;
use crate::names::{AgentName, EnvName};
use crate::remote;
use crate::vault::Document;
use crate::vault::remote::{DEFAULT_MAX_AGE, Known, Remote, age_text, refetch_every};

/// The identities a running proxy opens the vault with, shared by the threads that read it.
pub type SharedKeys = Arc<Mutex<Identities<'static>>>;

pub fn lock(keys: &SharedKeys) -> MutexGuard<'_, Identities<'static>> {
    keys.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Live references by remote.
type Wanted<'d> = Vec<(&'d AgentName, &'d Remote, Vec<&'d EnvName>)>;

/// The live references attached to any of `agents` (`keys_only`: provider keys only, what a
/// proxy serves) that `pick` chooses, given each one's max age.
fn wanted<'d>(
    doc: &'d Document,
    agents: &[&str],
    keys_only: bool,
    mut pick: impl FnMut(&EnvName, u64) -> bool,
) -> Wanted<'d> {
    let attached: Vec<&crate::vault::Agent> =
        agents.iter().filter_map(|a| doc.agent(a).ok()).collect();
    doc.remotes
        .iter()
        .map(|(name, remote)| {
            let entries = remote
                .live
                .iter()
                .filter(|(e, _)| attached.iter().any(|a| a.attach.contains_key(*e)))
                .filter(|(e, _)| {
                    !keys_only
                        || doc
                            .entries
                            .get(*e)
                            .is_some_and(|entry| entry.provider_key().is_some())
                })
                .filter(|(e, age)| pick(e, **age))
                .map(|(e, _)| e)
                .collect();
            (name, remote, entries)
        })
        .filter(|(_, _, entries): &(_, _, Vec<&EnvName>)| !entries.is_empty())
        .collect()
}

/// Why a live reference's server could not give its value.
enum Unusable<'e> {
    /// It could not be reached or used.
    Unreachable(&'e anyhow::Error),
    /// It answered, and no longer has the entry.
    Gone,
}

/// A value fetched that is not the one kept here (`kept`: the digest of that one).
struct Fresh {
    entry: EnvName,
    remote: AgentName,
    there: There,
    kept: Option<String>,
}

/// What to warn of: by entry, or (`None`) of the fetch as a whole.
type Warnings = Vec<(Option<EnvName>, String)>;

/// What a fetch found: the values to save, and what to warn of.
#[derive(Default)]
struct Fetched {
    fresh: Vec<Fresh>,
    warnings: Warnings,
}

type OnUnusable<'a> = dyn FnMut(&AgentName, &Remote, &EnvName, Unusable<'_>) -> Result<()> + 'a;

/// Reads `wanted` from their servers (nothing is saved). Each entry whose server cannot give
/// it goes to `unusable`, which says whether that stops everything.
fn fetch(
    ctx: &Context,
    doc: &Document,
    wanted: &Wanted<'_>,
    unusable: &mut OnUnusable<'_>,
) -> Result<Fetched> {
    let vault = ctx.vault_real_path();
    let mut found = Fetched::default();
    for (name, remote, entries) in wanted {
        let read = connect(remote, None).and_then(|kv| {
            entries
                .iter()
                .map(|e| Ok((*e, kv.read(&remote.path, e)?)))
                .collect::<Result<Vec<_>>>()
        });
        let read = match read {
            Ok(read) => read,
            Err(why) => {
                for entry in entries {
                    unusable(name, remote, entry, Unusable::Unreachable(&why))?;
                }
                continue;
            }
        };
        for (entry, stored) in read {
            let Some(stored) = stored else {
                unusable(name, remote, entry, Unusable::Gone)?;
                continue;
            };
            let there = there(entry, stored)?;
            let kept = doc.entries.get(entry).map(remote::entry_digest);
            if kept.as_deref() == Some(there.digest.as_str()) {
                found.warnings.extend(stamped(ctx, &vault, entry));
                continue;
            }
            let base = remote.entries.get(entry).map(|k| k.digest.as_str());
            if kept.is_some() && kept.as_deref() != base {
                let why = format!(
                    "{entry} was changed here, but it is a live reference to remote {name}: the \
                     server's value replaces it (push it there, or make it an ordinary entry: \
                     vault secret rm {entry}, then vault secret add {entry})"
                );
                found.warnings.push((Some((*entry).clone()), why));
            }
            found.fresh.push(Fresh {
                entry: (*entry).clone(),
                remote: (*name).clone(),
                there,
                kept,
            });
        }
    }
    Ok(found)
}

/// Notes that `entry` was fetched now; a warning when that cannot be noted.
fn stamped(ctx: &Context, vault: &Path, entry: &EnvName) -> Option<(Option<EnvName>, String)> {
    stamp_failure(ctx, vault, entry).map(|why| (Some(entry.clone()), why))
}

/// Saves what `found` fetched, with time `at`, in one change noted in the audit log as
/// `command`: each value only while the vault still has its entry as a live reference, kept
/// as it was when fetched (one removed or changed here meanwhile is left as it is now).
/// Whether anything was saved.
fn save(
    ctx: &Context,
    keys: &Identities<'_>,
    found: &mut Fetched,
    (at, command, agent): (jiff::Timestamp, &str, Option<&str>),
) -> Result<bool> {
    if found.fresh.is_empty() {
        return Ok(false);
    }
    let saved = ctx.vault.update_if_changed(keys, |doc| {
        let mut saved = Vec::new();
        for f in &found.fresh {
            let live = doc
                .remotes
                .get(&f.remote)
                .is_some_and(|r| r.live.contains_key(&f.entry));
            if !live || doc.entries.get(&f.entry).map(remote::entry_digest) != f.kept {
                continue;
            }
            let there = &f.there;
            doc.put_entry(
                &f.entry,
                there.details.clone(),
                there.stored.value.clone(),
                at,
            )?;
            if let Some(remote) = doc.remotes.get_mut(&f.remote) {
                let known = Known {
                    version: there.stored.version,
                    digest: there.digest.clone(),
                };
                remote.entries.insert(f.entry.clone(), known);
            }
            saved.push((f.entry.clone(), there.stored.version));
        }
        let changed = !saved.is_empty();
        Ok((saved, changed))
    })?;
    // Only what was saved is fetched: an entry left as it is here is not the server's.
    let vault = ctx.vault_real_path();
    for (entry, _) in &saved {
        found.warnings.extend(stamped(ctx, &vault, entry));
    }
    let any = !saved.is_empty();
    if any {
        let names = saved.iter().map(|(e, v)| format!("{e}@v{v}")).collect();
        ctx.record_change(command, names, agent);
    }
    Ok(any)
}

fn gone(name: &AgentName, entry: &EnvName) -> String {
    format!(
        "{entry} is a live reference to remote {name}, which no longer has it: push it there \
         again (vault push {name} {entry} --force), or make it an ordinary entry (vault secret \
         rm {entry} --detach, then vault secret add {entry})"
    )
}

/// Before `agent` starts: its live references fetched again from their remotes, and the
/// vault saved when one changed (a running proxy follows that like any change). A server
/// that cannot be reached leaves the value kept here, when it is no older than its max age
/// (said on stderr); past it, the run fails naming the entry and its age.
/// `at`: the run's start, the time a fetched value is saved with (so that the agent, started
/// with it, is not "restart needed").
pub fn refresh(
    ctx: &Context,
    keys: &Identities<'_>,
    doc: Document,
    (agent, at): (&str, jiff::Timestamp),
) -> Result<Document> {
    let wanted = wanted(&doc, &[agent], false, |_, _| true);
    if wanted.is_empty() {
        return Ok(doc);
    }
    let vault = ctx.vault_real_path();
    let mut unusable = |name: &AgentName, remote: &Remote, entry: &EnvName, why: Unusable| match why
    {
        Unusable::Unreachable(why) => offline(ctx, &vault, (name, remote), entry, why),
        Unusable::Gone => Err(anyhow!(gone(name, entry))),
    };
    let mut found = fetch(ctx, &doc, &wanted, &mut unusable)?;
    let fetched = !found.fresh.is_empty();
    let record = (at, "run: live references fetched", Some(agent));
    let saved = save(ctx, keys, &mut found, record);
    for (_, why) in &found.warnings {
        ctx.ui.warn(why);
    }
    saved?;
    match fetched {
        // Read again even when a change made here meanwhile kept a value from being saved:
        // the agent starts with the vault as it is.
        true => Ok(ctx.vault.open(keys)?),
        false => Ok(doc),
    }
}

/// A live reference whose server cannot be reached: the value kept here serves while it is
/// no older than the reference's max age.
fn offline(
    ctx: &Context,
    vault: &Path,
    (name, remote): (&AgentName, &Remote),
    entry: &EnvName,
    why: &anyhow::Error,
) -> Result<()> {
    let max_age = remote.live.get(entry).copied().unwrap_or(DEFAULT_MAX_AGE);
    let age = ctx
        .state
        .last_fetch(vault, entry)
        .map(|at| now().duration_since(at).as_secs().max(0).unsigned_abs());
    match age {
        Some(age) if age <= max_age => {
            ctx.ui.warn(format!(
                "{entry}: remote {name} cannot be used ({why}); the value kept here, fetched \
                 {} ago, serves (its max age is {})",
                age_text(age),
                age_text(max_age)
            ));
            Ok(())
        }
        _ => Err(anyhow!(
            "{entry}: remote {name} cannot be used ({why}), and the value kept here is {} \
             past its max age of {}; reach the server again (vault remote status {name} says \
             when it answers)",
            age.map_or_else(
                || "of unknown age,".to_owned(),
                |a| format!("{} old,", age_text(a))
            ),
            age_text(max_age)
        )),
    }
}

/// Which agents a proxy serves, in the vault as it is now.
pub type Served = Box<dyn Fn(&Document) -> Vec<String> + Send>;

/// While it lives, a thread fetches the served agents' live provider keys again as each comes
/// due (`refetch_every` its max age), and saves a changed one. A server that cannot give a
/// value leaves the one the proxy serves in place, said once on stderr until that changes.
pub struct Following {
    stop: mpsc::Sender<()>,
    stopped: Arc<AtomicBool>,
    keys: SharedKeys,
}

/// Dropped (however the proxy's run ends), the thread saves nothing more; a save under way
/// is waited for, a fetch under way is not (the thread ends with the process).
impl Drop for Following {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        let _ = self.stop.send(());
        drop(lock(&self.keys));
    }
}

/// Starts that thread, when `doc` (the vault the proxy starts from) has live references at
/// all: a vault without remotes costs a keyless run nothing. `since`: when the served
/// references were last fetched (a run's start: it fetched them); `None`: each by when this
/// machine last fetched it.
pub fn follow(
    ctx: &Context,
    doc: &Document,
    keys: SharedKeys,
    served: Served,
    since: Option<jiff::Timestamp>,
) -> Option<Following> {
    if doc.remotes.values().all(|r| r.live.is_empty()) {
        return None;
    }
    let (stop, stops) = mpsc::channel();
    let stopped = Arc::new(AtomicBool::new(false));
    let mut ticks = Ticks {
        ctx: ctx.clone(),
        keys: Arc::clone(&keys),
        served,
        since,
        tried: BTreeMap::new(),
        said: BTreeMap::new(),
        stopped: Arc::clone(&stopped),
    };
    std::thread::spawn(move || {
        let mut wait = Duration::ZERO;
        while let Err(mpsc::RecvTimeoutError::Timeout) = stops.recv_timeout(wait) {
            wait = ticks.tick();
        }
    });
    Some(Following {
        stop,
        stopped,
        keys,
    })
}

/// The fetching thread's state.
struct Ticks {
    ctx: Context,
    keys: SharedKeys,
    served: Served,
    since: Option<jiff::Timestamp>,
    /// When each entry was last tried here (fetched or not).
    tried: BTreeMap<EnvName, jiff::Timestamp>,
    /// What was last said, by entry (`None`: of a fetch as a whole).
    said: BTreeMap<Option<EnvName>, String>,
    stopped: Arc<AtomicBool>,
}

impl Ticks {
    /// Fetches what is due now; how long until the next one is due (when there is none,
    /// 5 minutes: one may have been added by then).
    fn tick(&mut self) -> Duration {
        let idle = Duration::from_secs(refetch_every(u64::MAX));
        let doc = match self.ctx.vault.open(&*lock(&self.keys)) {
            Ok(doc) => doc,
            Err(e) => {
                log::info!("live references not fetched: the vault cannot be read ({e})");
                return idle;
            }
        };
        let agents = (self.served)(&doc);
        let agents: Vec<&str> = agents.iter().map(String::as_str).collect();
        let vault = self.ctx.vault_real_path();
        let started = now();
        // Each entry waits its time from its last fetch or try; those due now are tried,
        // and then wait their whole time again. A last time ahead of the clock (set back
        // since) does not count.
        let mut next = refetch_every(u64::MAX);
        let due = wanted(&doc, &agents, true, |entry, max_age| {
            let every = refetch_every(max_age);
            let tried = self.tried.get(entry).copied().or(self.since);
            let last = self.ctx.state.last_fetch(&vault, entry).max(tried);
            let waited =
                last.and_then(|at| u64::try_from(started.duration_since(at).as_secs()).ok());
            match waited {
                Some(waited) if waited < every => {
                    next = next.min(every - waited);
                    false
                }
                _ => {
                    next = next.min(every);
                    true
                }
            }
        });
        if due.is_empty() {
            return Duration::from_secs(next);
        }
        let mut warnings = Warnings::new();
        let mut unusable = |name: &AgentName, _: &Remote, entry: &EnvName, why: Unusable| {
            let why = match why {
                Unusable::Unreachable(why) => format!("remote {name} cannot be used ({why})"),
                Unusable::Gone => gone(name, entry),
            };
            let why = format!("{entry}: {why}; the proxy keeps serving the value it has");
            warnings.push((Some(entry.clone()), why));
            Ok(())
        };
        let found = fetch(&self.ctx, &doc, &due, &mut unusable);
        match found {
            Ok(mut found) => {
                let record = (started, "proxy: live references fetched", None);
                let keys = lock(&self.keys);
                if !self.stopped.load(Ordering::SeqCst)
                    && let Err(e) = save(&self.ctx, &keys, &mut found, record)
                {
                    let why = format!("live references fetched, but not saved: {e:#}");
                    found.warnings.push((None, why));
                }
                drop(keys);
                warnings.extend(found.warnings);
            }
            Err(e) => warnings.push((None, format!("live references not fetched: {e:#}"))),
        }
        let tried: Vec<EnvName> = due
            .iter()
            .flat_map(|(_, _, entries)| entries.iter().map(|e| (*e).clone()))
            .collect();
        for entry in &tried {
            self.tried.insert(entry.clone(), started);
        }
        self.say(tried, warnings);
        Duration::from_secs(next)
    }

    /// Warns of what is new in `warnings` for the entries `tried` (and the fetch as a whole),
    /// and forgets what is no longer so.
    fn say(&mut self, tried: Vec<EnvName>, warnings: Warnings) {
        let mut now: BTreeMap<Option<EnvName>, String> = BTreeMap::new();
        for (key, why) in warnings {
            now.entry(key)
                .and_modify(|said| *said = format!("{said}; {why}"))
                .or_insert(why);
        }
        for key in tried.into_iter().map(Some).chain([None]) {
            match now.remove(&key) {
                Some(why) if self.said.get(&key) != Some(&why) => {
                    // Nothing more once the proxy has stopped (its run may be printing its end).
                    if self.stopped.load(Ordering::SeqCst) {
                        return;
                    }
                    self.ctx.ui.warn(&why);
                    self.said.insert(key, why);
                }
                Some(_) => {}
                None => {
                    self.said.remove(&key);
                }
            }
        }
    }
}
