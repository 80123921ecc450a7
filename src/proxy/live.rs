//! The proxy follows the vault file. Each request first looks at the file (one `stat`); when
//! it is another version than the one served, the vault is read again — by whoever holds the
//! identities that open it, on a thread of its own (`answer`) — and the request, and every one
//! after it, is served from the new routes, tokens and keys. Requests and sockets already under
//! way keep the routes they started with. A version that cannot be read (a half-written file,
//! a vault this identity no longer opens) is logged and skipped: the last good one stays.

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use tokio::sync::oneshot;

use super::token::Tokens;
use super::{Config, ProxyError, Route};
use crate::launch::mask::Secrets;
use crate::secret::SecretValue;

/// How long a request waits for the vault to be read again before it is served from what the
/// proxy had (the vault opens in milliseconds; a passphrase is never asked for again).
const RELOAD_WAIT: Duration = if cfg!(test) {
    Duration::from_millis(100)
} else {
    Duration::from_secs(10)
};

/// One version of the vault file: every save replaces it (a new inode, new times).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    #[cfg(unix)]
    dev: u64,
    #[cfg(unix)]
    ino: u64,
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    /// The version of the file at `path` now; `None` when it cannot be looked at.
    pub fn of(path: &std::path::Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt as _;
        Some(Stamp {
            #[cfg(unix)]
            dev: meta.dev(),
            #[cfg(unix)]
            ino: meta.ino(),
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

/// What the proxy asks of the thread that can open the vault.
pub enum Wake {
    /// Read the vault again and send back what the proxy should now serve, or why it cannot.
    Reload(oneshot::Sender<Result<Config, String>>),
    /// The proxy has stopped: no more requests will come.
    Stop,
}

/// How a proxy follows its vault: the file, the version its first routes came from, and where
/// to ask for a fresh reading.
pub struct Follow {
    pub path: PathBuf,
    pub stamp: Option<Stamp>,
    pub wake: mpsc::Sender<Wake>,
}

/// Answers the proxy's requests to read the vault again with `reload`, until it stops.
pub fn answer(wakes: &mpsc::Receiver<Wake>, mut reload: impl FnMut() -> Result<Config, String>) {
    for wake in wakes {
        match wake {
            Wake::Reload(reply) => {
                let _ = reply.send(reload());
            }
            Wake::Stop => return,
        }
    }
}

/// What one version of the vault gives the proxy: who may call, with which keys.
pub(super) struct Live {
    pub tokens: Tokens<Arc<Route>>,
    /// Every real key served since the proxy started (a rotated-out key is still a real key):
    /// what is scrubbed from every answer.
    pub secrets: Arc<Secrets>,
    keys: Vec<SecretValue>,
    /// Providers the vault has a key for (attached to some agent or not).
    pub configured: Vec<&'static str>,
    stamp: Option<Stamp>,
}

impl Live {
    /// Takes what changes with the vault out of `config`; `before` is what was served until
    /// now, whose keys are still scrubbed.
    fn take(
        config: &mut Config,
        stamp: Option<Stamp>,
        before: Option<&Live>,
    ) -> Result<Live, ProxyError> {
        let mut keys: Vec<SecretValue> = before.map(|b| b.keys.clone()).unwrap_or_default();
        for key in config.keys() {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
        let secrets = Arc::new(Secrets::new(keys.iter().map(|k| k.expose().as_bytes()))?);
        config.routes.clear();
        Ok(Live {
            tokens: Tokens::new(std::mem::take(&mut config.tokens)),
            secrets,
            keys,
            configured: std::mem::take(&mut config.configured),
            stamp,
        })
    }
}

/// What the proxy serves now, and how it follows the vault.
pub(super) struct Current {
    live: RwLock<Arc<Live>>,
    follow: Option<Followed>,
}

struct Followed {
    path: PathBuf,
    wake: Mutex<mpsc::Sender<Wake>>,
    /// The last version that could not be read: not tried again until the file changes.
    failed: Mutex<Option<Stamp>>,
    /// One reading at a time; requests that come meanwhile wait for it.
    reading: tokio::sync::Mutex<()>,
    /// A reading that outlasted `RELOAD_WAIT`: its version, and where its answer comes.
    slow: Mutex<Option<Reading>>,
}

type Reading = (Option<Stamp>, oneshot::Receiver<Result<Config, String>>);

impl Current {
    pub fn new(config: &mut Config) -> Result<Self, ProxyError> {
        let follow = config.follow.take();
        let live = Live::take(config, follow.as_ref().and_then(|f| f.stamp), None)?;
        Ok(Current {
            live: RwLock::new(Arc::new(live)),
            follow: follow.map(|f| Followed {
                path: f.path,
                wake: Mutex::new(f.wake),
                failed: Mutex::new(None),
                reading: tokio::sync::Mutex::new(()),
                slow: Mutex::new(None),
            }),
        })
    }

    fn now(&self) -> Arc<Live> {
        Arc::clone(&self.live.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// What to serve a request with: the vault file's current version.
    pub async fn get(&self) -> Arc<Live> {
        let live = self.now();
        let Some(follow) = &self.follow else {
            return live;
        };
        let stamp = Stamp::of(&follow.path);
        let failed = || *follow.failed.lock().unwrap_or_else(PoisonError::into_inner);
        // A file that is gone or unreadable is not a new version: serve what there is.
        if stamp.is_none() || stamp == live.stamp || stamp == failed() {
            return live;
        }
        let _reading = follow.reading.lock().await;
        // A reading that took too long before: taken now if it has come; until then, what
        // there is is served (one slow reading does not hold up every request).
        let slow = follow
            .slow
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some((at, mut answer)) = slow {
            match answer.try_recv() {
                Ok(result) => {
                    self.take(follow, result, at);
                }
                Err(oneshot::error::TryRecvError::Empty) => {
                    *follow.slow.lock().unwrap_or_else(PoisonError::into_inner) =
                        Some((at, answer));
                    return self.now();
                }
                Err(oneshot::error::TryRecvError::Closed) => {}
            }
        }
        let live = self.now();
        if stamp == live.stamp || stamp == failed() {
            return live; // read while this request waited
        }
        let (reply, mut answer) = oneshot::channel();
        let asked = follow
            .wake
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .send(Wake::Reload(reply));
        if asked.is_err() {
            return live;
        }
        match tokio::time::timeout(RELOAD_WAIT, &mut answer).await {
            Ok(Ok(result)) => self.take(follow, result, stamp),
            Ok(Err(_)) => live, // stopping
            Err(_) => {
                log::warn!(
                    "the vault {} changed and is taking long to read; the proxy serves what it \
                     had until it is read",
                    follow.path.display()
                );
                *follow.slow.lock().unwrap_or_else(PoisonError::into_inner) = Some((stamp, answer));
                live
            }
        }
    }

    /// Serves what a reading of version `stamp` gave, or says why it cannot and keeps what
    /// there was (that version is not read again).
    fn take(
        &self,
        follow: &Followed,
        result: Result<Config, String>,
        stamp: Option<Stamp>,
    ) -> Arc<Live> {
        let live = self.now();
        let why = match result.map(|mut config| Live::take(&mut config, stamp, Some(&live))) {
            Ok(Ok(fresh)) => {
                let fresh = Arc::new(fresh);
                *self.live.write().unwrap_or_else(PoisonError::into_inner) = Arc::clone(&fresh);
                log::info!("the vault changed: serving its new version");
                return fresh;
            }
            Ok(Err(e)) => e.to_string(),
            Err(why) => why,
        };
        log::warn!(
            "the vault {} changed but cannot be used ({why}); the proxy keeps serving what it \
             had",
            follow.path.display()
        );
        *follow.failed.lock().unwrap_or_else(PoisonError::into_inner) = stamp;
        live
    }
}

/// Reads the vault again whenever a proxy asks, while the proxy runs.
pub struct Follower<'a> {
    wakes: mpsc::Receiver<Wake>,
    wake: mpsc::Sender<Wake>,
    reload: Box<dyn FnMut() -> Result<Config, String> + Send + 'a>,
}

/// While it lives, the follower's thread answers; dropped (however the proxy's run ends, a
/// panic included), it tells the thread to end, so that its scope is not left waiting.
pub struct Following(mpsc::Sender<Wake>);

impl Drop for Following {
    fn drop(&mut self) {
        let _ = self.0.send(Wake::Stop);
    }
}

impl<'a> Follower<'a> {
    pub fn new(reload: impl FnMut() -> Result<Config, String> + Send + 'a) -> Self {
        let (wake, wakes) = mpsc::channel();
        Follower {
            wakes,
            wake,
            reload: Box::new(reload),
        }
    }

    /// What a proxy's `Config` needs to follow the vault at `path` (whose version `stamp` it
    /// was read from) through this follower.
    pub fn follow(&self, path: PathBuf, stamp: Option<Stamp>) -> Follow {
        Follow {
            path,
            stamp,
            wake: self.wake.clone(),
        }
    }

    /// Starts the thread that reads the vault again for the proxy, in `scope` (the
    /// identities it holds borrow from the caller); it ends when the result is dropped.
    pub fn spawn<'s>(self, scope: &'s std::thread::Scope<'s, '_>) -> Following
    where
        'a: 's,
    {
        let Follower {
            wakes,
            wake,
            mut reload,
        } = self;
        scope.spawn(move || answer(&wakes, &mut *reload));
        Following(wake)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(dir: &std::path::Path, configured: &[&'static str]) -> Config {
        let doc = crate::vault::Document::new(vec![]);
        let usage = crate::state::StateDir::new(dir).usage_db();
        let mut config = Config::new(&doc, &[], dir.join("v"), Default::default(), usage).unwrap();
        config.configured = configured.to_vec();
        config
    }

    #[tokio::test]
    async fn a_slow_reading_holds_up_one_request_and_is_taken_when_it_comes() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("vault.age");
        std::fs::write(&file, "one").unwrap();
        let (wake, wakes) = mpsc::channel();
        let mut first = config(dir.path(), &[]);
        first.follow = Some(Follow {
            path: file.clone(),
            stamp: Stamp::of(&file),
            wake,
        });
        let current = Current::new(&mut first).unwrap();
        let path = dir.path().to_owned();
        let slow = std::thread::spawn(move || {
            answer(&wakes, || {
                std::thread::sleep(Duration::from_millis(400));
                Ok(config(&path, &["openai"]))
            })
        });
        std::fs::write(dir.path().join("new"), "two, longer").unwrap();
        std::fs::rename(dir.path().join("new"), &file).unwrap();
        // Timed out: what there was is served, and the next request does not wait again.
        assert!(current.get().await.configured.is_empty());
        let started = std::time::Instant::now();
        assert!(current.get().await.configured.is_empty());
        assert!(started.elapsed() < RELOAD_WAIT);
        // Once the reading is done, it is served, though no save came since.
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(current.get().await.configured, ["openai"]);
        drop(current);
        drop(first);
        slow.join().unwrap();
    }
}
