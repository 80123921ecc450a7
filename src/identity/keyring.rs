//! The OS keyring as a home for the identity: Secret Service on Linux and the BSDs, the
//! Keychain on macOS, the Credential Manager on Windows. Only persistent stores are used: an
//! identity kept somewhere that forgets it (a session collection, kernel keyutils) would lose
//! the vault at the next reboot.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use keyring_core::{CredentialStore, Entry};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroize;

const SERVICE: &str = "vault";
const ACCOUNT: &str = "age-identity";

/// Why the keyring could not be used. Never carries a secret.
#[derive(Debug, thiserror::Error, Clone)]
pub enum KeyringError {
    #[error("no OS keyring is reachable ({0})")]
    Unavailable(String),
    #[error("the OS keyring did not answer within {0:?}")]
    TimedOut(Duration),
    #[error("the OS keyring only offers a session store that forgets at logout or reboot")]
    NotPersistent,
    #[error("the OS keyring refused: {0}")]
    Failed(String),
}

/// The name people know the platform's keyring by.
pub fn backend_name() -> &'static str {
    if cfg!(target_os = "macos") {
        "macOS Keychain"
    } else if cfg!(windows) {
        "Windows Credential Manager"
    } else {
        "Secret Service"
    }
}

/// The keyring item, named the same way everywhere so people can find it in their keyring UI.
pub fn item_name() -> String {
    format!("service \"{SERVICE}\", account \"{ACCOUNT}\"")
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn open_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn open_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(windows)]
fn open_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(unix, windows)))]
fn open_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(keyring_core::Error::NotSupportedByStore(
        "no keyring on this platform".into(),
    ))
}

fn entry() -> Result<Entry, KeyringError> {
    let store = open_store().map_err(|e| KeyringError::Unavailable(describe(&e)))?;
    store
        .build(SERVICE, ACCOUNT, None)
        .map_err(|e| KeyringError::Failed(describe(&e)))
}

/// keyring errors can carry the bytes they failed to decode; only their kind is shown.
fn describe(err: &keyring_core::Error) -> String {
    use keyring_core::Error as E;
    match err {
        E::PlatformFailure(e) | E::NoStorageAccess(e) => e.to_string(),
        E::NoEntry => "no entry".into(),
        E::BadEncoding(_) | E::BadDataFormat(..) => "the stored item is not text".into(),
        E::Ambiguous(_) => "more than one matching item".into(),
        // The remaining kinds describe names and limits, never the stored bytes.
        other => other.to_string(),
    }
}

/// Runs a keyring call on a helper thread so that a keyring stuck on an unlock prompt cannot
/// hang the command.
fn with_timeout<T: Send + 'static>(
    timeout: Duration,
    call: impl FnOnce() -> Result<T, KeyringError> + Send + 'static,
) -> Result<T, KeyringError> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("keyring".into())
        .spawn(move || {
            let _ = tx.send(call());
        })
        .map_err(|e| KeyringError::Unavailable(e.to_string()))?;
    rx.recv_timeout(timeout)
        .map_err(|_| KeyringError::TimedOut(timeout))?
}

/// The identity kept in the keyring, if there is one.
pub fn load(timeout: Duration) -> Result<Option<SecretString>, KeyringError> {
    with_timeout(timeout, || {
        let entry = entry()?;
        match entry.get_secret() {
            Ok(mut bytes) => {
                let text = String::from_utf8(std::mem::take(&mut bytes));
                bytes.zeroize();
                match text {
                    Ok(text) => Ok(Some(SecretString::from(text))),
                    Err(e) => {
                        e.into_bytes().zeroize();
                        Err(KeyringError::Failed("the stored item is not text".into()))
                    }
                }
            }
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(classify(&e)),
        }
    })
}

/// Keeps "the keyring is not there" apart from "the keyring answered, but not usefully".
fn classify(err: &keyring_core::Error) -> KeyringError {
    use keyring_core::Error as E;
    match err {
        E::PlatformFailure(_) | E::NoStorageAccess(_) | E::NoDefaultStore => {
            KeyringError::Unavailable(describe(err))
        }
        E::Ambiguous(_) => KeyringError::Failed(format!(
            "more than one item matches {}; remove the extra one with your keyring manager",
            item_name()
        )),
        _ => KeyringError::Failed(describe(err)),
    }
}

/// Stores the identity; refuses to overwrite one that is already there.
pub fn store(identity: &SecretString, timeout: Duration) -> Result<(), KeyringError> {
    let secret = SecretString::from(identity.expose_secret().to_owned());
    with_timeout(timeout, move || {
        let entry = entry()?;
        match entry.get_secret() {
            Ok(mut existing) => {
                existing.zeroize();
                return Err(KeyringError::Failed(
                    "it already holds a vault identity".into(),
                ));
            }
            Err(keyring_core::Error::NoEntry) => {}
            Err(e) => return Err(classify(&e)),
        }
        entry
            .set_secret(secret.expose_secret().as_bytes())
            .map_err(|e| KeyringError::Failed(describe(&e)))?;
        if !is_persistent(&entry) {
            let _ = entry.delete_credential();
            return Err(KeyringError::NotPersistent);
        }
        // Read it back: a keyring that accepts and loses items is no place for the identity.
        match entry.get_secret() {
            Ok(mut back) => {
                let same = back == secret.expose_secret().as_bytes();
                back.zeroize();
                if same {
                    Ok(())
                } else {
                    Err(KeyringError::Failed("it returned a different item".into()))
                }
            }
            Err(e) => Err(KeyringError::Failed(describe(&e))),
        }
    })
}

/// Secret Service's "session" collection lives in memory only. Anything that cannot be shown
/// to be persistent counts as not persistent: the identity then goes to a file.
#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn is_persistent(entry: &Entry) -> bool {
    entry
        .get_credential()
        .ok()
        .and_then(|cred| {
            cred.as_any()
                .downcast_ref::<zbus_secret_service_keyring_store::cred::Wrapper>()
                .map(|w| !w.get_path().contains("/collection/session/"))
        })
        .unwrap_or(false)
}

#[cfg(not(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
)))]
fn is_persistent(_: &Entry) -> bool {
    true
}
