//! What happened, on this machine: the audit log, one JSON line per run or change, names
//! and never values, in the state directory (see `state`).

use std::io;
use std::path::PathBuf;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::state::{StateDir, append_json_line, read_json_lines};

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub time: Timestamp,
    pub event: Event,
    /// The command as typed, without arguments (`secret add`, `run`).
    pub command: String,
    /// Entry, agent or recipient names the event concerns. Never values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// For runs: the program started (its name only, no arguments), its pid and exit status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<Timestamp>,
    /// The vault file the event concerns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Event {
    /// A run began (its `Run` line follows when it ends).
    Start,
    /// A run ended: with its exit status.
    Run,
    Change,
    /// Values were printed or written out of the vault (`vault export`).
    Export,
}

impl StateDir {
    pub fn log_path(&self) -> PathBuf {
        self.path("audit.log")
    }

    /// Appends one record as one line.
    pub fn append(&self, record: &Record) -> io::Result<()> {
        append_json_line(&self.log_path(), record)
    }

    /// Every record in the log, oldest first; lines that are not records are skipped.
    pub fn records(&self) -> io::Result<Vec<Record>> {
        read_json_lines(&self.log_path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_one_line_each_and_the_log_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::new(dir.path().join("state"));
        let record = Record {
            time: Timestamp::UNIX_EPOCH,
            event: Event::Run,
            command: "run".into(),
            names: vec!["TOKEN".into()],
            agent: Some("agent-x".into()),
            program: Some("python".into()),
            pid: Some(42),
            status: Some(0),
            started: Some(Timestamp::UNIX_EPOCH),
            vault: None,
        };
        state.append(&record).unwrap();
        state.append(&record).unwrap();
        let text = std::fs::read_to_string(state.log_path()).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert_eq!(state.records().unwrap(), vec![record.clone(), record]);
        #[cfg(unix)]
        assert_eq!(
            crate::vault::storage::loose_permissions(&state.log_path()).unwrap(),
            None
        );
    }
}
