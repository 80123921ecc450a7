//! Files on disk: private directories, the writers' lock, and the atomic replace that keeps the
//! previous version as a backup. A crash at any instant leaves the old file or the new one.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a writer waits for another writer before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// Creates `dir` and any missing parents with mode 0700 (only the ones it creates).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Opens a new file for writing with mode 0600; fails if it exists.
pub fn create_private_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Sets mode 0600 on a file we own (backups made by hard link inherit the old mode).
pub fn make_private(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// The parent directory of `path`, `.` for a bare file name.
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// `name` with a suffix appended to its file name (`vault.age` → `vault.age.bak`).
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// Where the previous version of `path` is kept: beside the real file when `path` is a link.
pub fn backup_path(path: &Path) -> PathBuf {
    sibling(&real_path(path), ".bak")
}

/// The file `path` really names: symlinks resolved, also a dangling one (a vault link made
/// before its target exists). Writes, locks and backups all happen there.
pub fn real_path(path: &Path) -> PathBuf {
    if let Ok(real) = fs::canonicalize(path) {
        return real;
    }
    match fs::read_link(path) {
        Ok(target) => parent_dir(path).join(target),
        Err(_) => path.to_owned(),
    }
}

/// An exclusive hold on the writers' lock of one file; released on drop.
#[derive(Debug)]
pub struct WriteLock {
    file: File,
    path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another vault command has been writing to this vault for {}s (lock file {}); \
         try again when it has finished", LOCK_WAIT.as_secs(), .0.display()
    )]
    Busy(PathBuf),
    #[error("cannot create the lock file {}", .0.display())]
    Io(PathBuf, #[source] io::Error),
}

impl WriteLock {
    /// Takes the lock on `target`'s sibling lock file, creating it (0600) when missing.
    /// The lock file is never removed: removing it would let two writers lock two files.
    pub fn acquire(target: &Path) -> Result<Self, LockError> {
        let path = sibling(target, ".lock");
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options
            .open(&path)
            .map_err(|e| LockError::Io(path.clone(), e))?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Self { file, path }),
                Err(fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(fs::TryLockError::WouldBlock) => return Err(LockError::Busy(path)),
                Err(fs::TryLockError::Error(e)) => return Err(LockError::Io(path, e)),
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        // Closing the file releases the lock too; unlocking first just makes it prompt.
        let _ = self.file.unlock();
    }
}

/// Prefix of the temporary files a writer creates next to `target`.
fn temp_prefix(target: &Path) -> String {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.tmp-")
}

/// Replaces `target` with `contents` atomically. The caller holds the [`WriteLock`].
///
/// Order: write a temp file (0600) in the same directory, fsync it; keep the current file as
/// the backup (hard link, then rename over the old backup); rename the temp file over the
/// target; fsync the directory. Readers see the old file or the new one, never a mix.
pub fn replace_atomically(lock: &WriteLock, target: &Path, contents: &[u8]) -> io::Result<()> {
    debug_assert_eq!(lock.path(), sibling(target, ".lock"));
    let dir = parent_dir(target);
    remove_stale_temp_files(target);

    let mut temp = tempfile::Builder::new()
        .prefix(&temp_prefix(target))
        .tempfile_in(dir)?;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;

    if target.exists() {
        keep_backup(target)?;
    }
    // The temp file is already 0600 (tempfile creates it so). After this rename the new
    // vault is in place: nothing below may report the save as failed.
    temp.persist(target).map_err(|e| e.error)?;
    if let Err(e) = sync_dir(dir) {
        log::warn!(
            "saved {}, but flushing its directory failed ({e}); a crash in the next moments \
             could still undo this change",
            target.display()
        );
    }
    Ok(())
}

/// Moves the current version of `target` to its backup path without ever leaving a moment
/// where neither exists.
fn keep_backup(target: &Path) -> io::Result<()> {
    let backup = backup_path(target);
    let staging = sibling(target, ".bak.tmp");
    let _ = fs::remove_file(&staging);
    if fs::hard_link(target, &staging).is_err() {
        // Some file systems have no hard links; a copy is as good, only slower.
        fs::copy(target, &staging)?;
    }
    fs::rename(&staging, &backup)?;
    // When the backup already is the vault's own inode (a writer killed between this and
    // its rename left them linked), rename(2) succeeds without doing anything and the
    // staging link stays: it is an old copy of the vault, so it goes.
    if staging.exists() {
        fs::remove_file(&staging)?;
    }
    // Best effort: some file systems (vfat, CIFS) refuse chmod, and the backup is encrypted.
    if let Err(e) = make_private(&backup) {
        log::debug!("could not make {} private: {e}", backup.display());
    }
    Ok(())
}

/// Temp files left by a writer that was killed mid-save. Only a lock holder calls this, and
/// only lock holders create temp files, so every one found is stale.
fn remove_stale_temp_files(target: &Path) {
    let prefix = temp_prefix(target);
    let Ok(entries) = fs::read_dir(parent_dir(target)) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            log::debug!("removing stale temp file {}", entry.path().display());
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Makes a rename durable: the directory entry is flushed, not just the file's data.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Writes a new private file atomically (temp file, fsync, rename without overwriting).
/// Used for files that must not exist yet, like a new identity file.
pub fn write_new_private_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    write_private_file(path, contents, false)
}

/// Writes a private file (mode 0600) atomically: temp file, fsync, rename; replacing one that
/// exists only when `replace` is set. Readers never see it half written, nor readable by others.
pub fn write_private_file(path: &Path, contents: &[u8], replace: bool) -> io::Result<()> {
    let dir = parent_dir(path);
    create_private_dir(dir)?;
    let mut temp = tempfile::Builder::new()
        .prefix(&temp_prefix(path))
        .tempfile_in(dir)?;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    if replace {
        temp.persist(path).map_err(|e| e.error)?;
    } else {
        temp.persist_noclobber(path).map_err(|e| e.error)?;
    }
    sync_dir(dir)
}

/// The permission bits of `path` that let group or others read or write it, if any.
#[cfg(unix)]
pub fn loose_permissions(path: &Path) -> io::Result<Option<u32>> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path)?.permissions().mode() & 0o777;
    Ok((mode & 0o077 != 0).then_some(mode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_keeps_the_previous_version_and_private_modes() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("v.age");
        let lock = WriteLock::acquire(&target).unwrap();
        replace_atomically(&lock, &target, b"one").unwrap();
        replace_atomically(&lock, &target, b"two").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two");
        assert_eq!(fs::read(backup_path(&target)).unwrap(), b"one");
        #[cfg(unix)]
        {
            assert_eq!(loose_permissions(&target).unwrap(), None);
            assert_eq!(loose_permissions(&backup_path(&target)).unwrap(), None);
        }
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(!names.iter().any(|n| n.contains(".tmp")), "{names:?}");
    }

    #[test]
    fn stale_temp_files_are_cleaned_by_the_next_writer() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("v.age");
        let stale = dir.path().join(".v.age.tmp-abc");
        fs::write(&stale, b"x").unwrap();
        let lock = WriteLock::acquire(&target).unwrap();
        replace_atomically(&lock, &target, b"one").unwrap();
        assert!(!stale.exists());
    }

    #[test]
    fn new_private_files_are_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/identity.txt");
        write_new_private_file(&path, b"a").unwrap();
        assert!(write_new_private_file(&path, b"b").is_err());
        assert_eq!(fs::read(&path).unwrap(), b"a");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o700);
        }
    }
}
