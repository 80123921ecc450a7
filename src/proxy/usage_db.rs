//! Keyless usage in SQLite: `usage.db` in the state directory, one table a person can query
//! with `sqlite3` (the README has the schema and a query). Every proxy writes to it at once
//! (WAL; a writer waits its turn), each from a thread of its own that writes what has come in
//! as one transaction, at once: no request waits for the database, and a row is there moments
//! after its answer (a proxy stopped with SIGINT or SIGTERM writes what it still holds; one
//! killed outright loses those moments). Budgets are summed from it, so every proxy of an
//! agent sees what the others spent. An old `usage.log` (JSON lines) is imported once, then
//! left alone.

use std::path::{Path, PathBuf};
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
-- What the proxies share to keep limits and budgets (see src/proxy/quota.rs).
CREATE TABLE IF NOT EXISTS spent (
    vault TEXT NOT NULL, agent_id TEXT NOT NULL, day TEXT NOT NULL, cost_usd REAL NOT NULL,
    PRIMARY KEY (vault, agent_id, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS granted (
    vault TEXT NOT NULL, agent_id TEXT NOT NULL, counter TEXT NOT NULL, ends INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (vault, agent_id, counter, ends)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS held (
    vault TEXT NOT NULL, agent_id TEXT NOT NULL, run_id TEXT NOT NULL, pid INTEGER NOT NULL,
    started INTEGER NOT NULL, usd REAL NOT NULL, slots INTEGER NOT NULL,
    PRIMARY KEY (vault, agent_id, run_id)
) WITHOUT ROWID;
";

/// How long a writer waits for another process's transaction before giving up.
const BUSY: Duration = Duration::from_secs(10);

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

    pub(super) fn error(&self, source: rusqlite::Error) -> UsageError {
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
        self.import_old_log(conn)?;
        sum_spent(conn)
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

/// Fills the `spent` table from the usage written before it existed (once).
fn sum_spent(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let first = tx.execute(
        "INSERT OR IGNORE INTO imported (source, time) VALUES ('spent', ?1)",
        [time_text(Timestamp::now())],
    )? == 1;
    if first {
        tx.execute(
            "INSERT INTO spent (vault, agent_id, day, cost_usd) \
             SELECT vault, agent_id, substr(time, 1, 10), SUM(cost_usd) FROM usage \
             GROUP BY 1, 2, 3",
            [],
        )?;
    }
    tx.commit()
}

/// A cost as the table keeps it: below zero (a hand-written line) would give budget back.
pub fn stored_cost(cost: f64) -> f64 {
    if cost.is_finite() { cost.max(0.0) } else { 0.0 }
}

/// Inserts `records` (in the caller's transaction).
pub(super) fn insert<'r>(
    conn: &Connection,
    records: impl Iterator<Item = &'r Record>,
) -> rusqlite::Result<()> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO usage (time, vault, run_id, agent_id, service, endpoint, model, status, \
         input_tokens, output_tokens, tokens_used, cost_usd) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for r in records {
        let cost = stored_cost(r.cost_usd);
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

impl UsageDb {
    /// What `agent` of `vault` spent in the `period` holding `now`, through every proxy.
    pub fn spent(
        &self,
        vault: &Path,
        agent: &str,
        period: Period,
        now: Timestamp,
    ) -> Result<f64, UsageError> {
        let conn = self.open()?;
        spent_in(&conn, &vault.to_string_lossy(), agent, period, now).map_err(|e| self.error(e))
    }
}

/// What `agent` spent in the `period` holding `now`, by every proxy (the `spent` table, kept
/// by the usage writer: one row per agent and day, so this costs the same however long the
/// history).
pub fn spent_in(
    conn: &Connection,
    vault: &str,
    agent: &str,
    period: Period,
    now: Timestamp,
) -> rusqlite::Result<f64> {
    let since = period
        .start(now)
        .map(|start| time_text(start)[..10].to_owned());
    conn.prepare_cached(
        "SELECT COALESCE(SUM(cost_usd), 0) FROM spent \
         WHERE vault = ?1 AND agent_id = ?2 AND (?3 IS NULL OR day >= ?3)",
    )?
    .query_row(params![vault, agent, since], |row| row.get(0))
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

    use crate::proxy::quota::Quota;
    use crate::proxy::sink::Sink;
    use std::sync::Arc;

    fn sink(db: &UsageDb) -> Sink {
        let quota = Quota::new(db, Path::new("/v"), "test", None).unwrap();
        Sink::start(db, quota).unwrap()
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
        let none: Arc<[u64]> = Arc::from([]);
        let one = sink(&db);
        let other = sink(&db);
        one.send(record("2026-11-23T02:00:00Z", "b", 4.0, "/v"), none.clone());
        other.send(
            record("2026-11-23T02:00:00Z", "a", 8.0, "/other"),
            none.clone(),
        );
        // Money given back (a hand-written record) counts as nothing.
        other.send(
            record("2026-11-23T04:00:00Z", "a", -100.0, "/v"),
            none.clone(),
        );
        one.close();
        other.close();
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let spent = |agent, period, at| db.spent(Path::new("/v"), agent, period, at).unwrap();
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
        let again = sink(&db);
        again.send(record("2026-11-23T03:30:00Z", "a", 0.25, "/v"), none);
        again.close();
        assert_eq!(spent("a", Period::Day, now), 2.25);
        let tomorrow: Timestamp = "2026-11-24T00:00:01Z".parse().unwrap();
        assert_eq!(spent("a", Period::Day, tomorrow), 0.0);
        assert_eq!(spent("a", Period::Month, tomorrow), 2.25);
        assert_eq!(
            db.records(Path::new("/v"), Some("a"), None).unwrap().len(),
            4
        );
    }

    #[test]
    fn a_database_from_before_the_spent_table_is_summed_once() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::state::StateDir::new(dir.path()).usage_db();
        let conn = db.open().unwrap();
        // As the last version left it: usage rows, no sums.
        conn.execute_batch("DELETE FROM spent; DELETE FROM imported WHERE source = 'spent';")
            .unwrap();
        insert(
            &conn,
            [record("2026-11-23T02:00:00Z", "a", 1.5, "/v")].iter(),
        )
        .unwrap();
        drop(conn);
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        for _ in 0..2 {
            assert_eq!(
                db.spent(Path::new("/v"), "a", Period::Day, now).unwrap(),
                1.5
            );
        }
    }
}
