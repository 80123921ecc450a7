//! Keyless usage in SQLite: `usage.db` in the state directory, one table a person can query
//! with `sqlite3` (the README has the schema and a query). Every proxy writes to it at once
//! (WAL; a writer waits its turn), each from a thread of its own that writes what has come in
//! as one transaction, at once: no request waits for the database, and a row is there moments
//! after its answer (a proxy stopped with SIGINT or SIGTERM writes what it still holds; one
//! killed outright loses those moments). Budgets are summed from it, so every proxy of an
//! agent sees what the others spent. An old `usage.log` (JSON lines) is imported once, then
//! left alone.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{Connection, params};

use super::usage::Record;
use crate::vault::keyless::Period;

/// The table, as `sqlite3 ~/.local/state/vault/usage.db .schema` shows it (README: "Usage").
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS usage (
    id            INTEGER PRIMARY KEY,
    time          TEXT    NOT NULL, -- UTC, 2026-12-01T15:04:05.123456Z
    vault         TEXT    NOT NULL, -- the vault file the agent belongs to
    run_id        TEXT    NOT NULL, -- the proxy process that served it
    agent_id      TEXT    NOT NULL,
    service       TEXT    NOT NULL, -- the provider: openai, anthropic, gemini…
    endpoint      TEXT    NOT NULL, -- chat, embeddings, models… (see Scopes)
    model         TEXT,
    status        INTEGER NOT NULL, -- the provider's HTTP status; 0: no answer came
    input_tokens  INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    tokens_used   INTEGER NOT NULL, -- input + output
    cost_usd      REAL    NOT NULL  -- estimated, from the pricing table
);
CREATE INDEX IF NOT EXISTS usage_by_agent ON usage (vault, agent_id, time);
CREATE TABLE IF NOT EXISTS imported (source TEXT PRIMARY KEY, time TEXT NOT NULL);
";

/// How long a writer waits for another process's transaction before giving up.
const BUSY: Duration = Duration::from_secs(10);
/// At most this many records in one transaction.
const BATCH: usize = 1024;
/// How long the writer gathers records after the first before it writes them: one
/// transaction (and one wake-up of its thread) per this long at most, however busy the proxy.
const GATHER: Duration = Duration::from_millis(20);

#[derive(Debug, thiserror::Error)]
#[error("the usage database {}: {source}", .path.display())]
pub struct UsageError {
    path: PathBuf,
    #[source]
    source: rusqlite::Error,
}

/// The usage database, and the JSON-lines log earlier versions wrote beside it.
#[derive(Debug, Clone)]
pub struct UsageDb {
    path: PathBuf,
    old_log: PathBuf,
}

impl crate::state::StateDir {
    /// Keyless mode's usage database, in the state directory.
    pub fn usage_db(&self) -> UsageDb {
        UsageDb {
            path: self.path("usage.db"),
            old_log: self.path("usage.log"),
        }
    }
}

/// A timestamp as the table holds it: fixed width, so that text order is time order.
pub fn time_text(time: Timestamp) -> String {
    time.strftime("%Y-%m-%dT%H:%M:%S.%6fZ").to_string()
}

fn clamp(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl UsageDb {
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, source: rusqlite::Error) -> UsageError {
        UsageError {
            path: self.path.clone(),
            source,
        }
    }

    /// Opens it (made, mode 0600, when missing), with the old log imported if it never was.
    pub fn open(&self) -> Result<Connection, UsageError> {
        if let Some(dir) = self.path.parent() {
            let _ = crate::vault::storage::create_private_dir(dir);
        }
        #[cfg(unix)]
        if !self.path.exists() {
            // Made private before SQLite writes anything to it.
            use std::os::unix::fs::OpenOptionsExt as _;
            let _ = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .mode(0o600)
                .open(&self.path);
        }
        let mut conn = Connection::open(&self.path).map_err(|e| self.error(e))?;
        conn.busy_timeout(BUSY).map_err(|e| self.error(e))?;
        // Switching to WAL takes the whole file, and SQLite refuses rather than waits when
        // another process holds it (several proxies starting at once): tried again meanwhile.
        let deadline = std::time::Instant::now() + BUSY;
        loop {
            match self.set_up(&mut conn) {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if matches!(
                        e.code,
                        rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                    ) && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(10));
                }
                done => return done.map(|()| conn).map_err(|e| self.error(e)),
            }
        }
    }

    /// WAL (readers never wait for writers, and a commit needs no flush to disk: a crash of
    /// the machine may lose the last moments of usage, never the database), the schema, and
    /// the old log's import.
    fn set_up(&self, conn: &mut Connection) -> rusqlite::Result<()> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(SCHEMA)?;
        self.import_old_log(conn)
    }

    /// Copies `usage.log` into the table, the first time any process opens the database.
    fn import_old_log(&self, conn: &mut Connection) -> rusqlite::Result<()> {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let first = tx.execute(
            "INSERT OR IGNORE INTO imported (source, time) VALUES ('usage.log', ?1)",
            [time_text(Timestamp::now())],
        )? == 1;
        if first {
            let records: Vec<Record> =
                crate::state::read_json_lines(&self.old_log).unwrap_or_default();
            insert(&tx, records.iter())?;
            if !records.is_empty() {
                log::info!(
                    "imported {} records of {} into {}",
                    records.len(),
                    self.old_log.display(),
                    self.path.display()
                );
            }
        }
        tx.commit()
    }

    /// This vault's records, oldest first: of one agent, and since a moment, when given.
    pub fn records(
        &self,
        vault: &Path,
        agent: Option<&str>,
        since: Option<Timestamp>,
    ) -> Result<Vec<Record>, UsageError> {
        let conn = self.open()?;
        let read = || -> rusqlite::Result<Vec<Record>> {
            let mut query = conn.prepare(
                "SELECT time, run_id, agent_id, service, endpoint, model, status, \
                 input_tokens, output_tokens, cost_usd FROM usage \
                 WHERE vault = ?1 AND (?2 IS NULL OR agent_id = ?2) AND (?3 IS NULL OR time >= ?3) \
                 ORDER BY time, id",
            )?;
            let rows = query.query_map(
                params![vault.to_string_lossy(), agent, since.map(time_text)],
                |row| {
                    let time: String = row.get(0)?;
                    Ok(Record {
                        time: time.parse().unwrap_or(Timestamp::UNIX_EPOCH),
                        vault: vault.to_owned(),
                        run_id: row.get(1)?,
                        agent: row.get(2)?,
                        provider: row.get(3)?,
                        endpoint: row.get(4)?,
                        model: row.get(5)?,
                        status: row.get(6)?,
                        input_tokens: row.get::<_, i64>(7)?.max(0).unsigned_abs(),
                        output_tokens: row.get::<_, i64>(8)?.max(0).unsigned_abs(),
                        cost_usd: row.get(9)?,
                    })
                },
            )?;
            rows.collect()
        };
        read().map_err(|e| self.error(e))
    }
}

/// Inserts `records` (in the caller's transaction).
fn insert<'r>(
    conn: &Connection,
    records: impl Iterator<Item = &'r Record>,
) -> rusqlite::Result<()> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO usage (time, vault, run_id, agent_id, service, endpoint, model, status, \
         input_tokens, output_tokens, tokens_used, cost_usd) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for r in records {
        // A cost below zero (a hand-written line) would give budget back.
        let cost = if r.cost_usd.is_finite() {
            r.cost_usd.max(0.0)
        } else {
            0.0
        };
        statement.execute(params![
            time_text(r.time),
            r.vault.to_string_lossy(),
            r.run_id,
            r.agent,
            r.provider,
            if r.endpoint.is_empty() {
                "unknown"
            } else {
                &r.endpoint
            },
            r.model,
            r.status,
            clamp(r.input_tokens),
            clamp(r.output_tokens),
            clamp(r.input_tokens.saturating_add(r.output_tokens)),
            cost,
        ])?;
    }
    Ok(())
}

/// Costs this process recorded that its writer has not written yet, per agent: budgets count
/// them too.
#[derive(Debug, Default)]
pub struct Pending(Mutex<HashMap<String, f64>>);

impl Pending {
    fn add(&self, agent: &str, cost: f64) {
        let mut pending = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match pending.get_mut(agent) {
            Some(owed) => *owed += cost,
            None => {
                pending.insert(agent.to_owned(), cost);
            }
        }
    }

    fn settle(&self, records: &[Record]) {
        let mut pending = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        for record in records {
            if let Some(cost) = pending.get_mut(&record.agent) {
                *cost = (*cost - record.cost_usd).max(0.0);
            }
        }
    }

    fn of(&self, agent: &str) -> f64 {
        let pending = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        pending.get(agent).copied().unwrap_or(0.0)
    }
}

/// Where a proxy's records go: its writer thread.
pub struct Sink {
    jobs: Mutex<Option<mpsc::Sender<Record>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    pending: Arc<Pending>,
}

impl Sink {
    /// Opens the database and starts the writer.
    pub fn start(db: &UsageDb) -> Result<Self, UsageError> {
        let mut conn = db.open()?;
        let pending = Arc::new(Pending::default());
        let (jobs, incoming) = mpsc::channel::<Record>();
        let (db, owed) = (db.clone(), Arc::clone(&pending));
        let writer = std::thread::Builder::new()
            .name("vault-usage".into())
            .spawn(move || {
                while let Ok(first) = incoming.recv() {
                    let mut batch = vec![first];
                    let until = std::time::Instant::now() + GATHER;
                    while batch.len() < BATCH {
                        let left = until.saturating_duration_since(std::time::Instant::now());
                        match incoming.recv_timeout(left) {
                            Ok(record) => batch.push(record),
                            Err(_) => break,
                        }
                    }
                    let written = conn
                        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                        .and_then(|tx| {
                            insert(&tx, batch.iter())?;
                            tx.commit()
                        });
                    if let Err(e) = written {
                        log::warn!("usage not recorded in {}: {e}", db.path.display());
                    }
                    owed.settle(&batch);
                }
            })
            .map_err(|e| UsageError {
                path: PathBuf::new(),
                source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
            })?;
        Ok(Sink {
            jobs: Mutex::new(Some(jobs)),
            writer: Mutex::new(Some(writer)),
            pending,
        })
    }

    /// Hands `record` to the writer.
    pub fn send(&self, record: Record) {
        self.pending.add(&record.agent, record.cost_usd.max(0.0));
        let jobs = self.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(jobs) = jobs.as_ref() {
            let _ = jobs.send(record);
        }
    }

    /// Writes what is still to write, and stops the writer (records sent later are lost).
    pub fn close(&self) {
        drop(
            self.jobs
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
        if let Some(writer) = self
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            let _ = writer.join();
        }
    }

    pub fn pending(&self) -> &Pending {
        &self.pending
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.close();
    }
}

/// What agents of one vault spent, for budgets: summed from the database (every proxy's
/// records) and what this proxy has yet to write.
pub struct Spending {
    conn: Mutex<Connection>,
    vault: String,
}

impl Spending {
    pub fn new(db: &UsageDb, vault: &Path) -> Result<Self, UsageError> {
        Ok(Spending {
            conn: Mutex::new(db.open()?),
            vault: vault.to_string_lossy().into_owned(),
        })
    }

    /// What `agent` spent in the `period` holding `now` (`pending`: this proxy's unwritten).
    pub fn spent(
        &self,
        agent: &str,
        period: Period,
        now: Timestamp,
        pending: Option<&Pending>,
    ) -> rusqlite::Result<f64> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let mut query = conn.prepare_cached(
            "SELECT COALESCE(SUM(cost_usd), 0) FROM usage \
             WHERE vault = ?1 AND agent_id = ?2 AND (?3 IS NULL OR time >= ?3)",
        )?;
        let since = period.start(now).map(time_text);
        let written: f64 = query.query_row(params![self.vault, agent, since], |row| row.get(0))?;
        Ok(written + pending.map_or(0.0, |p| p.of(agent)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(time: &str, agent: &str, cost: f64, vault: &str) -> Record {
        Record {
            time: time.parse().unwrap(),
            vault: vault.into(),
            run_id: "test".into(),
            agent: agent.into(),
            provider: "openai".into(),
            endpoint: "chat".into(),
            model: None,
            status: 200,
            input_tokens: 1,
            output_tokens: 1,
            cost_usd: cost,
        }
    }

    #[test]
    fn times_sort_as_text() {
        let a = time_text("2026-12-01T15:04:05Z".parse().unwrap());
        let b = time_text("2026-12-01T15:04:05.5Z".parse().unwrap());
        assert_eq!(a, "2026-12-01T15:04:05.000000Z");
        assert!(a < b);
    }

    #[test]
    fn spending_sums_per_agent_and_period_and_sees_other_writers() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::state::StateDir::new(dir.path()).usage_db();
        // An old log, imported once.
        for r in [
            record("2026-10-31T23:00:00Z", "a", 1.0, "/v"),
            record("2026-11-23T01:00:00Z", "a", 2.0, "/v"),
        ] {
            crate::state::append_json_line(&db.old_log, &r).unwrap();
        }
        let one = Sink::start(&db).unwrap();
        let other = Sink::start(&db).unwrap();
        one.send(record("2026-11-23T02:00:00Z", "b", 4.0, "/v"));
        other.send(record("2026-11-23T02:00:00Z", "a", 8.0, "/other"));
        // Money given back (a hand-written record) counts as nothing.
        other.send(record("2026-11-23T04:00:00Z", "a", -100.0, "/v"));
        one.close();
        other.close();
        let spending = Spending::new(&db, Path::new("/v")).unwrap();
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let spent = |agent, period, at| spending.spent(agent, period, at, None).unwrap();
        assert_eq!(spent("a", Period::Day, now), 2.0);
        assert_eq!(spent("a", Period::Month, now), 2.0);
        assert_eq!(spent("a", Period::Total, now), 3.0);
        assert_eq!(spent("b", Period::Day, now), 4.0);
        // The log is left alone after: what is appended to it now is not imported.
        crate::state::append_json_line(
            &db.old_log,
            &record("2026-11-23T03:00:00Z", "a", 0.5, "/v"),
        )
        .unwrap();
        let again = Sink::start(&db).unwrap();
        again.send(record("2026-11-23T03:30:00Z", "a", 0.25, "/v"));
        again.close();
        assert_eq!(spent("a", Period::Day, now), 2.25);
        let tomorrow: Timestamp = "2026-11-24T00:00:01Z".parse().unwrap();
        assert_eq!(spent("a", Period::Day, tomorrow), 0.0);
        assert_eq!(spent("a", Period::Month, tomorrow), 2.25);
        // What a proxy has not written yet counts too.
        let pending = Pending::default();
        pending.add("a", 1.0);
        assert_eq!(
            spending
                .spent("a", Period::Day, now, Some(&pending))
                .unwrap(),
            3.25
        );
        assert_eq!(
            db.records(Path::new("/v"), Some("a"), None).unwrap().len(),
            4
        );
    }
}
