//! A proxy's usage writer: a thread of its own that writes what has come in as one
//! transaction at once (gathering for a few milliseconds), so no request waits for the
//! database, and keeps the shared counts of limits and budgets in step in that transaction.

use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use super::quota::Quota;
use super::usage::{Job, Record};
use super::usage_db::{UsageDb, UsageError};

/// At most this many records in one transaction.
const BATCH: usize = 1024;
/// How long the writer gathers records after the first before it writes them: one
/// transaction (and one wake-up of its thread) per this long at most, however busy the proxy.
const GATHER: Duration = Duration::from_millis(20);

/// Where a proxy's records go: its writer thread.
pub struct Sink {
    /// Records, then `None` when the proxy stops (no lock on the request's path: a sender
    /// is shared as it is).
    jobs: mpsc::Sender<Option<Job>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    quota: Arc<Quota>,
}

impl Sink {
    /// Opens the database and starts the writer, which keeps `quota`'s counts as it writes.
    pub fn start(db: &UsageDb, quota: Arc<Quota>) -> Result<Self, UsageError> {
        let mut conn = db.open()?;
        let (jobs, incoming) = mpsc::channel::<Option<Job>>();
        let db_for_errors = db.clone();
        let (db, counts) = (db.clone(), Arc::clone(&quota));
        let writer = std::thread::Builder::new()
            .name("vault-usage".into())
            .spawn(move || {
                let mut stopping = false;
                while !stopping && let Ok(Some(first)) = incoming.recv() {
                    let mut batch = vec![first];
                    let until = std::time::Instant::now() + GATHER;
                    while batch.len() < BATCH {
                        let left = until.saturating_duration_since(std::time::Instant::now());
                        match incoming.recv_timeout(left) {
                            Ok(Some(job)) => batch.push(job),
                            Ok(None) => {
                                stopping = true;
                                break;
                            }
                            Err(_) => break,
                        }
                    }
                    let written = conn
                        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                        .and_then(|tx| {
                            super::usage_db::insert(&tx, batch.iter().map(|job| &job.record))?;
                            super::quota::apply(&tx, &batch)?;
                            tx.commit()
                        });
                    match written {
                        Ok(()) => counts.written(&batch),
                        // Their tokens stay counted as unwritten: limits err on the side of
                        // stopping early.
                        Err(e) => log::warn!("usage not recorded in {}: {e}", db.path().display()),
                    }
                }
            })
            .map_err(|e| {
                db_for_errors.error(rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
            })?;
        Ok(Sink {
            jobs,
            writer: Mutex::new(Some(writer)),
            quota,
        })
    }

    /// Hands `record` to the writer (its tokens, when counted in `windows`, already told to
    /// the quota: settled or charged).
    pub fn send(&self, record: Record, windows: Arc<[u64]>) {
        let _ = self.jobs.send(Some(Job { record, windows }));
    }

    /// Writes what is still to write, stops the writer (records sent later are lost) and
    /// gives back what the proxy holds of budgets.
    pub fn close(&self) {
        let _ = self.jobs.send(None);
        if let Some(writer) = self
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            let _ = writer.join();
            self.quota.close();
        }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.close();
    }
}
