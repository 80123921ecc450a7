//! Limits and budgets shared by every proxy that serves an agent (per-run and standalone,
//! several at once), kept in the usage database.
//!
//! - **Requests per window** (an agent's `--requests`, a provider's `--rate`): each window is a
//!   stretch of the clock, and the database counts what every proxy was granted of it. A proxy
//!   takes a share at a time (a sixteenth of what is left, at least one request) and admits
//!   from it without asking again, so a busy agent costs the database one transaction per
//!   share, not per request; near the limit the shares are single requests. The proxies
//!   together never admit more than the limit; a share a proxy took and did not use is lost
//!   with its window.
//! - **Tokens per window**: counted when answers end (the usage writer adds them up per
//!   window); a request is admitted while the window's count is under the limit.
//! - **Requests at once**: each proxy holds slots of the agent's cap, taken like shares (a
//!   sixteenth of the free ones, at least one) and given back as its requests end, but for as
//!   many unused as it took beyond the first: near the cap, slots come and go one at a time.
//! - **Budgets**: a request is admitted only when the most it can cost fits in what is left of
//!   the budget after what was spent and what every proxy holds. A proxy holds a part of the
//!   budget (a sixteenth of what is left, at least what the request needs), reserves each
//!   request's most from it and gives back the rest when the answer ends, so concurrent
//!   requests through any number of proxies cannot spend past the budget. The usage writer
//!   moves a request's real cost from what its proxy holds to what was spent, in one
//!   transaction. A proxy that stops gives back what it holds; one that died is found by its
//!   process id and its holdings dropped.
//! - **A run's budget** (`vault run --budget`): the run's own proxy alone serves it, so it is
//!   kept in memory.
//!
//! Long: admission and the counts the usage writer keeps are one protocol over the same
//! tables, kept in one place; the last 310 lines are its tests.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::usage::Job;
use super::usage_db::{UsageDb, UsageError, spent_in};
use crate::vault::keyless::{Budget, Rate};

/// A proxy takes this part of what is left of a window or a budget at a time.
const SHARE: u64 = 16;
/// How long a proxy trusts the token count it last read of a window.
const TOKENS_FRESH: Duration = Duration::from_millis(25);
/// From this part of a limit on, answers carry a warning.
const WARN_AT: f64 = 0.8;

/// What a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Requests,
    Tokens,
}

/// One limit an agent's requests count against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    /// Its counter in the database: `requests/60`, `requests/openai/60`, `tokens/86400`.
    pub counter: String,
    pub counted: Counted,
    pub rate: Rate,
    /// A provider's rate counts that provider's requests only.
    pub provider: Option<&'static str>,
}

impl Limit {
    /// An agent's limits: its own requests and tokens limits, and each provider's rate.
    pub fn all(
        limits: &crate::vault::keyless::Limits,
        rates: impl Iterator<Item = (&'static str, Rate)>,
    ) -> Vec<Limit> {
        let window = |rate: &Rate| rate.window.as_secs();
        let mut all: Vec<Limit> = limits
            .requests
            .iter()
            .map(|rate| Limit {
                counter: format!("requests/{}", window(rate)),
                counted: Counted::Requests,
                rate: *rate,
                provider: None,
            })
            .collect();
        all.extend(limits.tokens.iter().map(|rate| Limit {
            counter: tokens_counter(window(rate)),
            counted: Counted::Tokens,
            rate: *rate,
            provider: None,
        }));
        all.extend(rates.map(|(provider, rate)| Limit {
            counter: format!("requests/{provider}/{}", window(&rate)),
            counted: Counted::Requests,
            rate,
            provider: Some(provider),
        }));
        all
    }

    fn applies_to(&self, provider: &str) -> bool {
        self.provider.is_none_or(|p| p == provider)
    }

    fn limit(&self) -> u64 {
        u64::from(self.rate.requests)
    }

    fn describe(&self) -> String {
        match (self.counted, self.provider) {
            (Counted::Requests, Some(provider)) => format!("{provider} rate of {}", self.rate),
            (Counted::Requests, None) => format!("limit of {} requests", self.rate),
            (Counted::Tokens, _) => format!("limit of {} tokens", self.rate),
        }
    }
}

fn tokens_counter(window: u64) -> String {
    format!("tokens/{window}")
}

/// Where the window of `len` seconds holding `now` ends (seconds since 1970).
fn window_end(now: i64, len: u64) -> i64 {
    let len = i64::try_from(len.max(1)).unwrap_or(i64::MAX);
    now.div_euclid(len).saturating_add(1).saturating_mul(len)
}

/// Why a request is not admitted.
#[derive(Debug)]
pub enum Refused {
    /// Over a limit: which, and how long until its window ends.
    Limit {
        agent: String,
        limit: String,
        retry_after: u64,
        shown: Shown,
    },
    Concurrency {
        agent: String,
        cap: NonZeroU32,
    },
    Budget {
        agent: String,
        budget: Budget,
        spent: f64,
        held: f64,
        needed: f64,
    },
    RunBudget {
        usd: f64,
        spent: f64,
        needed: f64,
    },
    /// The database could not be read or written: a limit cannot be checked.
    Database(UsageError),
}

/// The limit with the least left, as the answer's `X-RateLimit-*` headers show it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shown {
    pub limit: u64,
    pub remaining: u64,
    /// Seconds until the window ends.
    pub reset: u64,
    /// From 80 % of any limit: which.
    pub warning: Option<String>,
}

/// What one request asks of its agent's limits.
pub struct Ask<'a> {
    pub agent: &'a str,
    pub limits: &'a [Limit],
    pub provider: &'static str,
    pub concurrency: Option<NonZeroU32>,
    pub budget: Option<Budget>,
    /// The most the request can cost, in US dollars.
    pub most: f64,
    /// Whether it counts as a request (a WebSocket's handshake does not: each response asked
    /// for over it does).
    pub counts: bool,
}

/// A request admitted: what it holds until its answer ends.
pub struct Ticket {
    quota: Arc<Quota>,
    agent: String,
    /// Reserved of the agent's budget (`None`: it has none).
    reserved: Option<f64>,
    /// Reserved of the run's budget.
    run_reserved: Option<f64>,
    /// Counted among the agent's requests under way.
    running: bool,
    pub shown: Option<Shown>,
}

impl Ticket {
    /// The answer ended having cost `cost` and used `tokens` that token limits count (the
    /// usage writer is about to write them): what was reserved beyond the cost is free again.
    pub fn settle(mut self, cost: f64, tokens: u64) {
        self.release(cost, tokens);
    }

    fn release(&mut self, cost: f64, tokens: u64) {
        let (reserved, run_reserved) = (self.reserved.take(), self.run_reserved.take());
        let running = std::mem::take(&mut self.running);
        if reserved.is_none() && run_reserved.is_none() && !running && tokens == 0 {
            return; // nothing was counted: the common case, kept off the lock
        }
        self.quota
            .release(&self.agent, (reserved, run_reserved), running, cost, tokens);
    }
}

impl Drop for Ticket {
    /// A request that never reached the provider cost nothing.
    fn drop(&mut self) {
        self.release(0.0, 0);
    }
}

/// This proxy's part of one request window.
#[derive(Debug, Clone, Copy)]
struct Share {
    ends: i64,
    /// Requests it may still admit.
    left: u64,
    /// What every proxy had been granted of the window when this one last took a share.
    granted: u64,
    /// The limit it was taken under (a live change makes it void).
    limit: u64,
}

/// The token count of one window, as last read (and what this proxy has yet to write).
#[derive(Debug, Clone, Copy)]
struct Tokens {
    ends: i64,
    read: u64,
    at: Instant,
}

#[derive(Debug, Default)]
struct AgentState {
    shares: HashMap<String, Share>,
    tokens: HashMap<String, Tokens>,
    /// Tokens answered but not yet written by the usage writer.
    unwritten_tokens: u64,
    /// Of the budget this proxy holds: what is not reserved by a request under way.
    free: f64,
    /// Requests under way through this proxy.
    running: u32,
    /// Of the agent's cap on requests at once, the slots this proxy holds (at least
    /// `running`), and how many of them it may keep unused.
    slots: u32,
    spare: u32,
    /// The cap and the budget its slots and `free` were taken under: when a live change
    /// alters one, what was taken under the old one goes back first.
    cap: Option<NonZeroU32>,
    budget: Option<Budget>,
    /// Shares voided by a changed limit, to give back: counter, window end, requests.
    void: Vec<(String, i64, u64)>,
}

#[derive(Debug, Default)]
struct Local {
    agents: HashMap<String, AgentState>,
    run_spent: f64,
    run_reserved: f64,
}

/// One proxy's side of the shared limits.
pub struct Quota {
    db: UsageDb,
    conn: Mutex<Connection>,
    vault: String,
    run_id: String,
    pid: i64,
    /// When this process started (Linux: in clock ticks since boot; 0 elsewhere), so that a
    /// process id used again is not taken for this proxy.
    started: i64,
    /// The proxy has stopped and given back what it held: nothing is taken again.
    closed: std::sync::atomic::AtomicBool,
    /// The run's own budget, in US dollars (`vault run --budget`).
    run_budget: Option<f64>,
    local: Mutex<Local>,
}

impl Quota {
    pub fn new(
        db: &UsageDb,
        vault: &std::path::Path,
        run_id: &str,
        run_budget: Option<f64>,
    ) -> Result<Arc<Self>, UsageError> {
        Ok(Arc::new(Quota {
            conn: Mutex::new(db.open()?),
            db: db.clone(),
            vault: vault.to_string_lossy().into_owned(),
            run_id: run_id.to_owned(),
            pid: i64::from(std::process::id()),
            started: start_time(i64::from(std::process::id())).unwrap_or(0),
            closed: std::sync::atomic::AtomicBool::new(false),
            run_budget,
            local: Mutex::new(Local::default()),
        }))
    }

    fn local(&self) -> std::sync::MutexGuard<'_, Local> {
        self.local.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Admits the request, or says which limit refuses it (nothing is counted then).
    pub fn admit(self: &Arc<Self>, ask: &Ask<'_>) -> Result<Ticket, Refused> {
        let counted =
            |l: &Limit| l.applies_to(ask.provider) && (ask.counts || l.counted == Counted::Tokens);
        if ask.concurrency.is_none()
            && ask.budget.is_none()
            && self.run_budget.is_none()
            && !ask.limits.iter().any(counted)
        {
            // Nothing to count: the lock is not taken.
            return Ok(Ticket {
                quota: Arc::clone(self),
                agent: String::new(),
                reserved: None,
                run_reserved: None,
                running: false,
                shown: None,
            });
        }
        let now = Timestamp::now();
        let secs = now.as_second();
        let mut local = self.local();
        let local = &mut *local;
        let state = local.agents.entry(ask.agent.to_owned()).or_default();
        let running = match ask.concurrency {
            Some(cap) => {
                self.start_running(ask.agent, state, cap)?;
                true
            }
            None => false,
        };
        // Each step after the first gives back what those before it counted when it refuses.
        let shown = self.count(ask, state, secs).inspect_err(|_| {
            if running {
                self.stop_running(ask.agent, state);
            }
        });
        let shown = shown?;
        let mut run_reserved = None;
        if let Some(usd) = self.run_budget {
            let committed = local.run_spent + local.run_reserved;
            if committed >= usd || committed + ask.most > usd {
                self.undo_count(ask, state, secs);
                if running {
                    self.stop_running(ask.agent, state);
                }
                return Err(Refused::RunBudget {
                    usd,
                    spent: local.run_spent,
                    needed: ask.most,
                });
            }
            local.run_reserved += ask.most;
            run_reserved = Some(ask.most);
        }
        let mut reserved = None;
        if let Some(budget) = ask.budget {
            if let Err(refused) = self.reserve(ask.agent, state, budget, ask.most, now) {
                self.undo_count(ask, state, secs);
                if running {
                    self.stop_running(ask.agent, state);
                }
                if let Some(most) = run_reserved {
                    local.run_reserved -= most;
                }
                return Err(refused);
            }
            reserved = Some(ask.most);
        }
        Ok(Ticket {
            quota: Arc::clone(self),
            agent: ask.agent.to_owned(),
            reserved,
            run_reserved,
            running,
            shown,
        })
    }

    /// Counts the request against each window limit that applies: the one with least left.
    fn count(
        &self,
        ask: &Ask<'_>,
        state: &mut AgentState,
        secs: i64,
    ) -> Result<Option<Shown>, Refused> {
        let mut shown: Option<(f64, Shown)> = None;
        let mut warning = None;
        for (i, limit) in ask.limits.iter().enumerate() {
            if !limit.applies_to(ask.provider)
                || (limit.counted == Counted::Requests && !ask.counts)
            {
                continue;
            }
            let window = limit.rate.window.as_secs();
            let ends = window_end(secs, window);
            let reset = u64::try_from(ends - secs).unwrap_or(0);
            let used = match limit.counted {
                Counted::Requests => match self.take_request(ask.agent, state, limit, ends) {
                    Ok(used) => used,
                    Err(refused) => {
                        // The requests counted for the limits before this one are given back.
                        self.undo_before(ask, state, i, secs);
                        return Err(refused);
                    }
                },
                Counted::Tokens => {
                    let used = match self.tokens_used(ask.agent, state, limit, ends) {
                        Ok(used) => used,
                        Err(refused) => {
                            self.undo_before(ask, state, i, secs);
                            return Err(refused);
                        }
                    };
                    if used >= limit.limit() {
                        self.undo_before(ask, state, i, secs);
                        return Err(self.over(ask.agent, limit, reset, limit.limit()));
                    }
                    used
                }
            };
            let remaining = limit.limit().saturating_sub(used);
            let part = used as f64 / limit.limit() as f64;
            if part >= WARN_AT && warning.is_none() {
                warning = Some(format!(
                    "agent {} has used {:.0}% of its {}",
                    ask.agent,
                    (part * 100.0).min(100.0),
                    limit.describe()
                ));
            }
            if shown.as_ref().is_none_or(|(least, _)| part > *least) {
                let this = Shown {
                    limit: limit.limit(),
                    remaining,
                    reset,
                    warning: None,
                };
                shown = Some((part, this));
            }
        }
        Ok(shown.map(|(_, mut shown)| {
            shown.warning = warning;
            shown
        }))
    }

    fn over(&self, agent: &str, limit: &Limit, reset: u64, cap: u64) -> Refused {
        Refused::Limit {
            agent: agent.to_owned(),
            limit: limit.describe(),
            retry_after: reset.max(1),
            shown: Shown {
                limit: cap,
                remaining: 0,
                reset,
                warning: None,
            },
        }
    }

    /// Gives back the requests counted for the limits before `upto`.
    fn undo_before(&self, ask: &Ask<'_>, state: &mut AgentState, upto: usize, secs: i64) {
        for limit in ask.limits[..upto].iter() {
            if limit.counted == Counted::Requests
                && ask.counts
                && limit.applies_to(ask.provider)
                && let Some(share) = state.shares.get_mut(&limit.counter)
                && share.ends == window_end(secs, limit.rate.window.as_secs())
            {
                share.left += 1;
            }
        }
    }

    fn undo_count(&self, ask: &Ask<'_>, state: &mut AgentState, secs: i64) {
        self.undo_before(ask, state, ask.limits.len(), secs);
    }

    /// One request of the window ending at `ends`, from this proxy's share or a new one:
    /// how many of the window are used (at most), or the refusal.
    fn take_request(
        &self,
        agent: &str,
        state: &mut AgentState,
        limit: &Limit,
        ends: i64,
    ) -> Result<u64, Refused> {
        if let Some(share) = state.shares.get(&limit.counter)
            && share.ends == ends
            && share.limit != limit.limit()
            && share.left > 0
        {
            // Taken under another limit: given back, then the new one is asked.
            state
                .void
                .push((limit.counter.clone(), share.ends, share.left));
            state.shares.remove(&limit.counter);
            self.give_back_void(agent, state);
        }
        let share = state
            .shares
            .get_mut(&limit.counter)
            .filter(|s| s.ends == ends);
        if let Some(share) = share
            && share.left > 0
        {
            share.left -= 1;
            return Ok(share.granted - share.left);
        }
        let granted = self
            .grant(agent, limit, ends)
            .map_err(|e| Refused::Database(self.db.error(e)))?;
        let Some((took, granted)) = granted else {
            let secs = Timestamp::now().as_second();
            let reset = u64::try_from(ends - secs).unwrap_or(0);
            return Err(self.over(agent, limit, reset, limit.limit()));
        };
        let left = took - 1;
        state.shares.insert(
            limit.counter.clone(),
            Share {
                ends,
                left,
                granted,
                limit: limit.limit(),
            },
        );
        Ok(granted - left)
    }

    /// Takes a share of the window from the database: how many, and how many every proxy
    /// has been granted now (`None`: the window is used up).
    fn grant(&self, agent: &str, limit: &Limit, ends: i64) -> rusqlite::Result<Option<(u64, u64)>> {
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let granted: i64 = tx
            .query_row(
                "SELECT n FROM granted WHERE vault = ?1 AND agent_id = ?2 AND counter = ?3 \
                 AND ends = ?4",
                params![self.vault, agent, limit.counter, ends],
                |row| row.get(0),
            )
            .optional()?
            .unwrap_or(0);
        let granted = granted.max(0).unsigned_abs();
        let left = limit.limit().saturating_sub(granted);
        if left == 0 {
            return Ok(None);
        }
        let take = (left / SHARE).max(1);
        tx.execute(
            "INSERT INTO granted (vault, agent_id, counter, ends, n) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT DO UPDATE SET n = n + excluded.n",
            params![self.vault, agent, limit.counter, ends, clamp(take)],
        )?;
        tx.commit()?;
        Ok(Some((take, granted + take)))
    }

    /// The tokens the window ending at `ends` has used, through every proxy.
    fn tokens_used(
        &self,
        agent: &str,
        state: &mut AgentState,
        limit: &Limit,
        ends: i64,
    ) -> Result<u64, Refused> {
        let fresh = state
            .tokens
            .get(&limit.counter)
            .filter(|t| t.ends == ends && t.at.elapsed() < TOKENS_FRESH)
            .copied();
        let read = match fresh {
            Some(tokens) => tokens.read,
            None => {
                let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
                let read: Option<i64> = conn
                    .prepare_cached(
                        "SELECT n FROM granted WHERE vault = ?1 AND agent_id = ?2 \
                         AND counter = ?3 AND ends = ?4",
                    )
                    .and_then(|mut q| {
                        q.query_row(params![self.vault, agent, limit.counter, ends], |row| {
                            row.get(0)
                        })
                        .optional()
                    })
                    .map_err(|e| Refused::Database(self.db.error(e)))?;
                let read = read.unwrap_or(0).max(0).unsigned_abs();
                state.tokens.insert(
                    limit.counter.clone(),
                    Tokens {
                        ends,
                        read,
                        at: Instant::now(),
                    },
                );
                read
            }
        };
        Ok(read + state.unwritten_tokens)
    }

    /// Counts a request under way, when fewer than `cap` are through every proxy: in a slot
    /// this proxy holds, else in new ones (a sixteenth of those free, at least one; it may
    /// keep that many unused, so near the cap slots come and go one at a time).
    fn start_running(
        &self,
        agent: &str,
        state: &mut AgentState,
        cap: NonZeroU32,
    ) -> Result<(), Refused> {
        if state.cap != Some(cap) {
            // A changed cap: no slot beyond those in use is kept (they go back as requests
            // end), and none beyond the new cap is used.
            state.cap = Some(cap);
            state.spare = 0;
        }
        if state.running < state.slots && state.running < cap.get() {
            state.running += 1;
            return Ok(());
        }
        let taken = (|| -> rusqlite::Result<Option<u32>> {
            let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let free = |others: u32| cap.get().saturating_sub(others + state.slots);
            let mut others = self.others_running(&tx, agent)?;
            if free(others) == 0 && self.drop_the_dead(&tx, agent)? {
                others = self.others_running(&tx, agent)?;
            }
            let free = free(others);
            if free == 0 {
                return Ok(None);
            }
            let take = (free / SHARE as u32).max(1);
            self.hold(&tx, agent, 0.0, state.slots + take)?;
            tx.commit()?;
            Ok(Some(take))
        })()
        .map_err(|e| Refused::Database(self.db.error(e)))?;
        let Some(take) = taken else {
            return Err(Refused::Concurrency {
                agent: agent.to_owned(),
                cap,
            });
        };
        state.slots += take;
        state.spare = take - 1;
        state.running += 1;
        Ok(())
    }

    fn others_running(&self, tx: &Transaction<'_>, agent: &str) -> rusqlite::Result<u32> {
        let n: i64 = tx.query_row(
            "SELECT COALESCE(SUM(slots), 0) FROM held \
             WHERE vault = ?1 AND agent_id = ?2 AND run_id != ?3",
            params![self.vault, agent, self.run_id],
            |row| row.get(0),
        )?;
        Ok(u32::try_from(n.max(0)).unwrap_or(u32::MAX))
    }

    /// Adds `usd` to what this proxy holds of the agent's budget, and sets the slots it
    /// holds of its cap on requests at once.
    fn hold(
        &self,
        tx: &Transaction<'_>,
        agent: &str,
        usd: f64,
        slots: u32,
    ) -> rusqlite::Result<()> {
        tx.execute(
            "INSERT INTO held (vault, agent_id, run_id, pid, started, usd, slots) \
             VALUES (?1, ?2, ?3, ?4, ?7, ?5, ?6) \
             ON CONFLICT DO UPDATE SET usd = usd + excluded.usd, slots = excluded.slots",
            params![
                self.vault,
                agent,
                self.run_id,
                self.pid,
                usd,
                slots,
                self.started
            ],
        )?;
        Ok(())
    }

    /// Drops what proxies that are no longer running held of `agent`: whether any did.
    fn drop_the_dead(&self, tx: &Transaction<'_>, agent: &str) -> rusqlite::Result<bool> {
        let pids: Vec<(i64, i64)> = tx
            .prepare_cached(
                "SELECT DISTINCT pid, started FROM held WHERE vault = ?1 AND agent_id = ?2 \
                 AND run_id != ?3",
            )?
            .query_map(params![self.vault, agent, self.run_id], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut dropped = false;
        for (pid, started) in pids.into_iter().filter(|&(p, s)| !alive(p, s)) {
            dropped |= tx.execute(
                "DELETE FROM held WHERE pid = ?1 AND started = ?2",
                [pid, started],
            )? > 0;
        }
        Ok(dropped)
    }

    /// Reserves `most` of the agent's budget: from what this proxy holds, else a new part.
    fn reserve(
        &self,
        agent: &str,
        state: &mut AgentState,
        budget: Budget,
        most: f64,
        now: Timestamp,
    ) -> Result<(), Refused> {
        if state.budget != Some(budget) {
            // A changed budget: what was taken of the old one goes back first.
            self.give_back_free(agent, state);
            state.budget = Some(budget);
        }
        if state.free >= most && state.free > 0.0 {
            state.free -= most;
            return Ok(());
        }
        let need = most - state.free;
        let taken = (|| -> rusqlite::Result<Result<f64, (f64, f64)>> {
            let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let spent = spent_in(&tx, &self.vault, agent, budget.period, now)?;
            let mut held = self.held(&tx, agent)?;
            let mut left = budget.usd - spent - held;
            if (left < need || left <= 0.0) && self.drop_the_dead(&tx, agent)? {
                held = self.held(&tx, agent)?;
                left = budget.usd - spent - held;
            }
            if left < need || left <= 0.0 {
                return Ok(Err((spent, held)));
            }
            let take = (left / SHARE as f64).max(need).min(left);
            self.hold(&tx, agent, take, state.slots)?;
            tx.commit()?;
            Ok(Ok(take))
        })()
        .map_err(|e| Refused::Database(self.db.error(e)))?;
        match taken {
            Ok(take) => {
                state.free += take - most;
                Ok(())
            }
            Err((spent, held)) => Err(Refused::Budget {
                agent: agent.to_owned(),
                budget,
                spent,
                held,
                needed: most,
            }),
        }
    }

    fn held(&self, tx: &Transaction<'_>, agent: &str) -> rusqlite::Result<f64> {
        tx.query_row(
            "SELECT COALESCE(SUM(usd), 0) FROM held WHERE vault = ?1 AND agent_id = ?2",
            params![self.vault, agent],
            |row| row.get(0),
        )
    }

    /// A request's answer ended (or it never reached the provider): what it reserved beyond
    /// `cost` is free again, and it is no longer under way.
    fn release(
        &self,
        agent: &str,
        (reserved, run_reserved): (Option<f64>, Option<f64>),
        running: bool,
        cost: f64,
        tokens: u64,
    ) {
        let mut local = self.local();
        if let Some(reserved) = run_reserved {
            local.run_reserved = (local.run_reserved - reserved).max(0.0);
            local.run_spent += cost;
        }
        let Some(state) = local.agents.get_mut(agent) else {
            return;
        };
        state.unwritten_tokens = state.unwritten_tokens.saturating_add(tokens);
        if let Some(reserved) = reserved {
            // Beyond what was reserved, the cost comes out of what is held too.
            state.free += reserved - cost;
        }
        if running {
            self.stop_running(agent, state);
        }
    }

    /// One request of `agent`'s fewer under way: slots beyond those it may keep unused go
    /// back.
    fn stop_running(&self, agent: &str, state: &mut AgentState) {
        state.running = state.running.saturating_sub(1);
        if self.closed.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        let unused = state.slots - state.running.min(state.slots);
        if unused <= state.spare {
            return;
        }
        state.slots -= unused - state.spare;
        let ended = (|| -> rusqlite::Result<()> {
            let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            self.hold(&tx, agent, 0.0, state.slots)?;
            tx.commit()
        })();
        if let Err(e) = ended {
            log::warn!("{}", self.db.error(e));
        }
    }

    /// `agent` spent `cost` that it did not reserve (a WebSocket's response): it comes out of
    /// what this proxy holds of its budget, and of the run's.
    /// `tokens`: those token limits count, which the usage writer is about to write.
    pub fn charged(&self, agent: &str, cost: f64, tokens: u64) {
        let mut local = self.local();
        local.run_spent += cost;
        if let Some(state) = local.agents.get_mut(agent) {
            state.unwritten_tokens = state.unwritten_tokens.saturating_add(tokens);
            if state.budget.is_some() {
                state.free -= cost;
            }
        }
    }

    /// Gives back to the database the unreserved part of what this proxy holds of `agent`'s
    /// budget.
    fn give_back_free(&self, agent: &str, state: &mut AgentState) {
        if state.free <= 0.0 {
            return;
        }
        let free = std::mem::take(&mut state.free);
        let given = self.conn().execute(
            "UPDATE held SET usd = MAX(usd - ?4, 0) WHERE vault = ?1 AND agent_id = ?2 \
             AND run_id = ?3",
            params![self.vault, agent, self.run_id, free],
        );
        if let Err(e) = given {
            log::warn!("{}", self.db.error(e));
        }
    }

    /// Gives back the requests of voided shares.
    fn give_back_void(&self, agent: &str, state: &mut AgentState) {
        for (counter, ends, left) in std::mem::take(&mut state.void) {
            let given = self.conn().execute(
                "UPDATE granted SET n = MAX(n - ?5, 0) WHERE vault = ?1 AND agent_id = ?2 \
                 AND counter = ?3 AND ends = ?4",
                params![self.vault, agent, counter, ends, clamp(left)],
            );
            if let Err(e) = given {
                log::warn!("{}", self.db.error(e));
            }
        }
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The usage writer wrote `records`: their tokens are in the database's counts now.
    pub fn written(&self, jobs: &[Job]) {
        let mut local = self.local();
        for Job { record, windows } in jobs {
            if windows.is_empty() {
                continue;
            }
            if let Some(state) = local.agents.get_mut(&record.agent) {
                let tokens = record.input_tokens.saturating_add(record.output_tokens);
                state.unwritten_tokens = state.unwritten_tokens.saturating_sub(tokens);
                // The next request reads the count again.
                state.tokens.clear();
            }
        }
    }

    /// Gives back all this proxy holds: its part of budgets, and the requests of its shares
    /// it did not use (it is stopping; its usage is written).
    pub fn close(&self) {
        let local = self.local();
        self.closed
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Timestamp::now().as_second();
        let given_back = (|| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute("DELETE FROM held WHERE run_id = ?1", [&self.run_id])?;
            for (agent, state) in &local.agents {
                for (counter, share) in &state.shares {
                    if share.left > 0 && share.ends > now {
                        tx.execute(
                            "UPDATE granted SET n = MAX(n - ?5, 0) WHERE vault = ?1 \
                             AND agent_id = ?2 AND counter = ?3 AND ends = ?4",
                            params![self.vault, agent, counter, share.ends, clamp(share.left)],
                        )?;
                    }
                }
            }
            tx.commit()
        })();
        if let Err(e) = given_back {
            log::warn!("{}", self.db.error(e));
        }
    }
}

fn clamp(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// When process `pid` started, in clock ticks since boot (Linux; `None` elsewhere, or when
/// there is no such process).
fn start_time(pid: i64) -> Option<i64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command's name (in parentheses, and it may hold any character) the fields
    // run on from the third; the start time is the 22nd.
    let (_, fields) = stat.rsplit_once(')')?;
    fields.split_whitespace().nth(19)?.parse().ok()
}

/// Whether the process `pid` that started at `started` still runs (one that cannot be told
/// about counts as running; a process id used again by another process does not).
fn alive(pid: i64, started: i64) -> bool {
    if started != 0
        && let Some(now) = start_time(pid)
    {
        return now == started;
    }
    #[cfg(unix)]
    {
        let Some(pid) = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        else {
            return false;
        };
        !matches!(
            rustix::process::test_kill_process(pid),
            Err(rustix::io::Errno::SRCH)
        )
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Keeps the shared counts in step with `jobs` as the usage writer writes them (in its
/// transaction): what each agent spent per day, its tokens per window, and what its proxy
/// held of its budget for them, summed first so that a batch costs a statement per agent,
/// not per record.
pub fn apply(tx: &Transaction<'_>, jobs: &[Job]) -> rusqlite::Result<()> {
    use std::collections::BTreeMap;
    use std::path::Path;
    // Days as numbers while summing (a day's text is made once per batch, not per record).
    let mut spent: BTreeMap<(&Path, &str, i64), f64> = BTreeMap::new();
    let mut held: BTreeMap<(&Path, &str, &str), f64> = BTreeMap::new();
    let mut tokens: BTreeMap<(&Path, &str, u64, i64), u64> = BTreeMap::new();
    for Job { record, windows } in jobs {
        let cost = super::usage_db::stored_cost(record.cost_usd);
        if cost > 0.0 {
            let day = record.time.as_second().div_euclid(86_400);
            *spent
                .entry((&record.vault, &record.agent, day))
                .or_default() += cost;
            *held
                .entry((&record.vault, &record.agent, &record.run_id))
                .or_default() += cost;
        }
        let used = record.input_tokens.saturating_add(record.output_tokens);
        if used > 0 {
            for &window in windows.iter() {
                let ends = window_end(record.time.as_second(), window);
                let count = tokens
                    .entry((&record.vault, &record.agent, window, ends))
                    .or_default();
                *count = count.saturating_add(used);
            }
        }
    }
    tx.prepare_cached("DELETE FROM granted WHERE ends <= ?1")?
        .execute([Timestamp::now().as_second()])?;
    let mut statement = tx.prepare_cached(
        "INSERT INTO spent (vault, agent_id, day, cost_usd) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT DO UPDATE SET cost_usd = cost_usd + excluded.cost_usd",
    )?;
    for ((vault, agent, day), cost) in &spent {
        let start = Timestamp::from_second(day * 86_400).unwrap_or(Timestamp::UNIX_EPOCH);
        let day = &super::usage_db::time_text(start)[..10];
        statement.execute(params![vault.to_string_lossy(), agent, day, cost])?;
    }
    let mut statement = tx.prepare_cached(
        "UPDATE held SET usd = MAX(usd - ?4, 0) WHERE vault = ?1 AND agent_id = ?2 AND run_id = ?3",
    )?;
    for ((vault, agent, run), cost) in &held {
        statement.execute(params![vault.to_string_lossy(), agent, run, cost])?;
    }
    let mut statement = tx.prepare_cached(
        "INSERT INTO granted (vault, agent_id, counter, ends, n) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT DO UPDATE SET n = n + excluded.n",
    )?;
    for ((vault, agent, window, ends), used) in &tokens {
        let counter = tokens_counter(*window);
        statement.execute(params![
            vault.to_string_lossy(),
            agent,
            counter,
            ends,
            clamp(*used)
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A usage database of its own (gone with the directory).
    fn database() -> (tempfile::TempDir, UsageDb) {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::state::StateDir::new(dir.path()).usage_db();
        (dir, db)
    }

    fn quota(db: &UsageDb, run: &str) -> Arc<Quota> {
        Quota::new(db, std::path::Path::new("/v"), run, None).unwrap()
    }

    fn ask<'a>(limits: &'a [Limit], budget: Option<Budget>, most: f64) -> Ask<'a> {
        Ask {
            agent: "a",
            limits,
            provider: "openai",
            concurrency: None,
            budget,
            most,
            counts: true,
        }
    }

    fn requests(text: &str) -> Vec<Limit> {
        let limits = crate::vault::keyless::Limits {
            requests: vec![text.parse().unwrap()],
            ..Default::default()
        };
        Limit::all(&limits, std::iter::empty())
    }

    #[test]
    fn proxies_sharing_a_window_admit_its_limit_and_no_more() {
        let (_dir, db) = database();
        let (one, other) = (quota(&db, "one"), quota(&db, "other"));
        let limits = requests("100/1d");
        let mut admitted = 0;
        for i in 0..300 {
            let quota = if i % 3 == 0 { &one } else { &other };
            if let Ok(ticket) = quota.admit(&ask(&limits, None, 0.0)) {
                admitted += 1;
                ticket.settle(0.0, 0);
            }
        }
        assert_eq!(admitted, 100);
        // A limit of another provider, or another agent's, is not touched.
        let mut other_agent = ask(&limits, None, 0.0);
        other_agent.agent = "b";
        assert!(one.admit(&other_agent).is_ok());
    }

    #[test]
    fn a_stopping_proxy_gives_back_what_it_took() {
        let (_dir, db) = database();
        let limits = requests("32/1d");
        let first = quota(&db, "first");
        // Its share is 2 (32/16): one used, one given back when it stops.
        drop(first.admit(&ask(&limits, None, 0.0)).unwrap());
        first.close();
        let second = quota(&db, "second");
        let admitted = (0..40)
            .filter(|_| second.admit(&ask(&limits, None, 0.0)).is_ok())
            .count();
        assert_eq!(admitted, 31);
    }

    #[test]
    fn reservations_through_two_proxies_stay_inside_the_budget() {
        let (_dir, db) = database();
        let (one, other) = (quota(&db, "one"), quota(&db, "other"));
        let budget: Budget = "1usd/day".parse().unwrap();
        // Under way at once: 3 of 0.3 fit in 1, a fourth does not.
        let mut tickets = Vec::new();
        for i in 0..8 {
            let quota = if i % 2 == 0 { &one } else { &other };
            if let Ok(ticket) = quota.admit(&ask(&[], Some(budget), 0.3)) {
                tickets.push(ticket);
            }
        }
        assert_eq!(tickets.len(), 3);
        // Settled below what they reserved, they free the rest.
        for ticket in tickets.drain(..) {
            ticket.settle(0.1, 0);
        }
        assert!(one.admit(&ask(&[], Some(budget), 0.3)).is_ok());
        match other.admit(&ask(&[], Some(budget), 2.0)) {
            Err(Refused::Budget { needed, .. }) => assert_eq!(needed, 2.0),
            _ => panic!("a request that cannot fit was admitted"),
        }
    }

    #[test]
    fn what_a_dead_proxy_held_is_dropped_when_it_is_needed() {
        let (_dir, db) = database();
        let conn = db.open().unwrap();
        // A proxy killed while it held all of the budget, and a living one holding nothing.
        conn.execute(
            "INSERT INTO held VALUES ('/v', 'a', 'dead', 2147483646, 5, 1.0, 3)",
            [],
        )
        .unwrap();
        let budget: Budget = "1usd/total".parse().unwrap();
        let living = quota(&db, "living");
        let mut capped = ask(&[], Some(budget), 0.5);
        capped.concurrency = NonZeroU32::new(3);
        let ticket = living.admit(&capped).unwrap();
        let dead: i64 = conn
            .query_row("SELECT COUNT(*) FROM held WHERE run_id = 'dead'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(dead, 0);
        ticket.settle(0.5, 0);
    }

    #[test]
    fn a_run_s_budget_is_its_own() {
        let (_dir, db) = database();
        let run = Quota::new(&db, std::path::Path::new("/v"), "run", Some(1.0)).unwrap();
        let first = run.admit(&ask(&[], None, 0.6)).unwrap();
        assert!(matches!(
            run.admit(&ask(&[], None, 0.6)),
            Err(Refused::RunBudget { .. })
        ));
        first.settle(0.2, 0);
        let second = run.admit(&ask(&[], None, 0.6)).unwrap();
        second.settle(0.6, 0);
        // $0.8 spent: nothing that may cost $0.6 fits any more.
        assert!(run.admit(&ask(&[], None, 0.6)).is_err());
        assert!(run.admit(&ask(&[], None, 0.1)).is_ok());
    }

    #[test]
    fn a_cap_on_requests_at_once_holds_across_proxies() {
        let (_dir, db) = database();
        let (one, other) = (quota(&db, "one"), quota(&db, "other"));
        let capped = |cap| {
            let mut ask = ask(&[], None, 0.0);
            ask.concurrency = NonZeroU32::new(cap);
            ask
        };
        // A small cap is kept exactly: slots come and go one at a time.
        let mut under_way: Vec<Ticket> = (0..3).map(|_| one.admit(&capped(4)).unwrap()).collect();
        under_way.push(other.admit(&capped(4)).unwrap());
        assert!(matches!(
            other.admit(&capped(4)),
            Err(Refused::Concurrency { .. })
        ));
        assert!(one.admit(&capped(4)).is_err());
        under_way.remove(0).settle(0.0, 0);
        let again = other.admit(&capped(4)).unwrap();
        drop(under_way);
        drop(again);
        // A large one is taken a sixteenth at a time: one proxy busy with 64 leaves the rest
        // of 1000 but its spare slots (at most a sixteenth of what was free) to the other.
        let busy: Vec<Ticket> = (0..64).map(|_| one.admit(&capped(1000)).unwrap()).collect();
        let mut rest = Vec::new();
        while let Ok(ticket) = other.admit(&capped(1000)) {
            rest.push(ticket);
        }
        assert!(busy.len() + rest.len() <= 1000);
        assert!(
            busy.len() + rest.len() >= 1000 - 1000 / 16,
            "{}",
            rest.len()
        );
    }

    fn record(run: &str, cost: f64) -> super::super::usage::Record {
        super::super::usage::Record {
            time: Timestamp::now(),
            vault: "/v".into(),
            run_id: run.into(),
            agent: "a".into(),
            provider: "openai".into(),
            endpoint: "chat".into(),
            model: None,
            status: 200,
            input_tokens: 0,
            output_tokens: 0,
            cost_usd: cost,
        }
    }

    /// What the usage writer does with one record.
    fn write(db: &UsageDb, quota: &Quota, run: &str, cost: f64) {
        let mut conn = db.open().unwrap();
        let tx = conn.transaction().unwrap();
        let jobs = vec![Job {
            record: record(run, cost),
            windows: Arc::from([]),
        }];
        crate::proxy::usage_db::insert(&tx, jobs.iter().map(|j| &j.record)).unwrap();
        apply(&tx, &jobs).unwrap();
        tx.commit().unwrap();
        quota.written(&jobs);
    }

    #[test]
    fn a_socket_s_responses_are_charged_to_the_budgets() {
        let (_dir, db) = database();
        let budget: Budget = "1usd/total".parse().unwrap();
        let agents = quota(&db, "agents");
        let run = Quota::new(&db, std::path::Path::new("/v"), "run", Some(1.0)).unwrap();
        for (quota, budget, run_id) in [(&agents, Some(budget), "agents"), (&run, None, "run")] {
            let mut admitted = 0;
            for _ in 0..100 {
                // As a WebSocket's response: admitted unreserved, charged when it ends.
                if let Ok(ticket) = quota.admit(&ask(&[], budget, 0.0)) {
                    admitted += 1;
                    drop(ticket);
                    write(&db, quota, run_id, 0.05);
                    quota.charged("a", 0.05, 0);
                }
            }
            assert!(admitted <= 21, "{admitted} responses of $0.05 under $1");
        }
    }

    #[test]
    fn a_lowered_cap_budget_or_limit_holds_from_the_next_request() {
        let (_dir, db) = database();
        let quota = quota(&db, "one");
        let capped = |cap| {
            let mut ask = ask(&[], None, 0.0);
            ask.concurrency = NonZeroU32::new(cap);
            ask
        };
        drop(
            (0..64)
                .map(|_| quota.admit(&capped(1000)).unwrap())
                .collect::<Vec<_>>(),
        );
        let under_way: Vec<Ticket> = (0..100)
            .map_while(|_| quota.admit(&capped(4)).ok())
            .collect();
        assert_eq!(under_way.len(), 4);
        drop(under_way);

        let big: Budget = "100usd/total".parse().unwrap();
        quota
            .admit(&ask(&[], Some(big), 0.01))
            .unwrap()
            .settle(0.01, 0);
        let small: Budget = "1usd/total".parse().unwrap();
        let reserved: Vec<Ticket> = (0..100)
            .map_while(|_| quota.admit(&ask(&[], Some(small), 0.5)).ok())
            .collect();
        assert_eq!(reserved.len(), 1, "$0.01 spent, $0.5 each, under $1");
        drop(reserved);

        let big = requests("5000/1d");
        drop(quota.admit(&ask(&big, None, 0.0)).unwrap());
        let small = requests("10/1d");
        let admitted = (0..1000)
            .filter(|_| quota.admit(&ask(&small, None, 0.0)).is_ok())
            .count();
        assert!(admitted <= 10, "{admitted}");
    }

    #[test]
    fn a_request_refused_for_an_unreadable_count_counts_nothing() {
        let (_dir, db) = database();
        let quota = quota(&db, "one");
        let limits = crate::vault::keyless::Limits {
            requests: vec!["100/1d".parse().unwrap()],
            tokens: vec!["1000/1d".parse().unwrap()],
            ..Default::default()
        };
        let limits = Limit::all(&limits, std::iter::empty());
        drop(quota.admit(&ask(&limits, None, 0.0)).unwrap());
        let left = |quota: &Quota| quota.local().agents["a"].shares["requests/86400"].left;
        let before = left(&quota);
        quota.local().agents.get_mut("a").unwrap().tokens.clear();
        db.open()
            .unwrap()
            .execute_batch("ALTER TABLE granted RENAME TO elsewhere")
            .unwrap();
        assert!(matches!(
            quota.admit(&ask(&limits, None, 0.0)),
            Err(Refused::Database(_))
        ));
        assert_eq!(left(&quota), before);
    }

    #[test]
    fn a_process_id_used_again_is_not_the_proxy_that_held() {
        let me = i64::from(std::process::id());
        let started = start_time(me).unwrap_or(0);
        assert!(alive(me, started));
        if started != 0 {
            assert!(!alive(me, started + 1));
        }
        assert!(!alive(2_147_483_646, 5));
    }

    #[test]
    fn windows_are_stretches_of_the_clock() {
        assert_eq!(window_end(0, 60), 60);
        assert_eq!(window_end(59, 60), 60);
        assert_eq!(window_end(60, 60), 120);
        assert_eq!(window_end(86_399, 86_400), 86_400);
    }
}
