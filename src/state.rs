//! The state directory (`~/.local/state/vault`): what vault keeps on this machine besides the
//! vault, all per machine ("restart needed" means "restarted here"): the launch stamps, and
//! the logs of JSON lines the audit log (and earlier versions' usage log) are written as.

use std::fs::{self, OpenOptions};
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::Serialize;

use crate::vault::storage;

/// The state directory: the audit log (`audit`), keyless mode's usage database
/// (`proxy::usage_db`) and the launch stamps.
#[derive(Debug, Clone)]
pub struct StateDir {
    dir: PathBuf,
}

impl StateDir {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// A file of the state directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Launch stamps are per vault: two vaults may both have an agent-x.
    fn launch_path(&self, vault: &Path, agent: &str) -> PathBuf {
        self.dir.join("launched").join(vault_key(vault)).join(agent)
    }

    /// Notes that `agent` was started at `at` (on this machine), `keyless` or not: the stamp
    /// is a file whose modification time is the launch, holding `keyless` for a keyless one,
    /// a few system calls on the path every run takes.
    pub fn stamp_launch(
        &self,
        vault: &Path,
        agent: &str,
        at: Timestamp,
        keyless: bool,
    ) -> io::Result<()> {
        let mode: &[u8] = if keyless { KEYLESS } else { b"" };
        stamp(&self.launch_path(vault, agent), at, mode)
    }

    /// When `agent` was last started here, if ever.
    pub fn last_launch(&self, vault: &Path, agent: &str) -> Option<Timestamp> {
        stamped(&self.launch_path(vault, agent))
    }

    /// Whether `agent`'s last start here was keyless (its provider keys then are the proxy's,
    /// which follows the vault: a changed key needs no restart).
    pub fn launched_keyless(&self, vault: &Path, agent: &str) -> bool {
        fs::read(self.launch_path(vault, agent)).is_ok_and(|held| held == KEYLESS)
    }

    /// Where the time a live reference was last fetched from its remote is kept (here:
    /// a cached value's age is this machine's).
    fn fetch_path(&self, vault: &Path, entry: &str) -> PathBuf {
        self.dir.join("fetched").join(vault_key(vault)).join(entry)
    }

    /// Notes that the live reference `entry` was fetched from its server at `at`.
    pub fn stamp_fetch(&self, vault: &Path, entry: &str, at: Timestamp) -> io::Result<()> {
        stamp(&self.fetch_path(vault, entry), at, b"")
    }

    /// When `entry` was last fetched from its server here, if ever.
    pub fn last_fetch(&self, vault: &Path, entry: &str) -> Option<Timestamp> {
        stamped(&self.fetch_path(vault, entry))
    }

    /// Forgets an agent's launches (it was removed).
    pub fn forget(&self, vault: &Path, agent: &str) {
        let _ = fs::remove_file(self.launch_path(vault, agent));
    }
}

/// What a keyless launch's stamp holds.
const KEYLESS: &[u8] = b"keyless\n";

/// A private file holding `held` whose modification time is `at`.
fn stamp(path: &Path, at: Timestamp, held: &[u8]) -> io::Result<()> {
    storage::create_private_dir(storage::parent_dir(path))?;
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    if !held.is_empty() {
        file.write_all(held)?;
    }
    file.set_modified(at.into())
}

fn stamped(path: &Path) -> Option<Timestamp> {
    let modified = fs::metadata(path).ok()?.modified().ok()?;
    Timestamp::try_from(modified).ok()
}

/// A short, stable name for a vault file, from its real path: state file names need not spell
/// out where the vaults are, and a path may hold any character.
pub fn vault_key(vault: &Path) -> String {
    use sha2::Digest as _;
    let real = storage::real_path(vault);
    let digest = sha2::Sha256::digest(real.as_os_str().as_encoded_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends `record` to a log of JSON lines (created 0600 in a 0700 directory) in one write:
/// O_APPEND keeps lines of concurrent writers whole.
pub fn append_json_line<T: Serialize>(path: &Path, record: &T) -> io::Result<()> {
    open_for_append(path)?.write_all(&json_line(record)?)
}

fn json_line<T: Serialize>(record: &T) -> io::Result<Vec<u8>> {
    let mut line = serde_json::to_vec(record).map_err(io::Error::other)?;
    line.push(b'\n');
    Ok(line)
}

fn open_for_append(path: &Path) -> io::Result<fs::File> {
    storage::create_private_dir(storage::parent_dir(path))?;
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Every record of a log of JSON lines, oldest first; lines that are not records are
/// skipped, and a missing log has none.
pub fn read_json_lines<T: serde::de::DeserializeOwned>(path: &Path) -> io::Result<Vec<T>> {
    let file = match fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut records = Vec::new();
    for line in io::BufReader::new(file).lines() {
        if let Ok(record) = serde_json::from_str(&line?) {
            records.push(record);
        }
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launch_stamps_are_per_vault_and_agent() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::new(dir.path());
        let (one, two) = (dir.path().join("one.age"), dir.path().join("two.age"));
        assert_eq!(state.last_launch(&one, "a"), None);
        let at: Timestamp = "2026-11-23T10:00:00Z".parse().unwrap();
        state.stamp_launch(&one, "a", at, true).unwrap();
        assert_eq!(state.last_launch(&one, "a"), Some(at));
        assert!(state.launched_keyless(&one, "a"));
        // A later plain launch is not keyless (the file is rewritten, not added to).
        state.stamp_launch(&one, "a", at, false).unwrap();
        assert!(!state.launched_keyless(&one, "a"));
        assert_eq!(state.last_launch(&one, "a"), Some(at));
        assert_eq!(state.last_launch(&one, "b"), None);
        assert_eq!(state.last_launch(&two, "a"), None);
        state.forget(&one, "a");
        assert_eq!(state.last_launch(&one, "a"), None);
    }
}
