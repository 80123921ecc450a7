//! Containers: the engine (docker or podman) and the command line that runs an agent's image
//! with its values. Values reach the container only through the engine process's own
//! environment: `-e NAME` names each one, with no `=VALUE`, so no value is ever in argv.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use super::process::resolve_program;

/// The engines tried, in order, when none is named.
pub const ENGINES: [&str; 2] = ["docker", "podman"];

/// A container engine found on this machine.
#[derive(Debug, Clone)]
pub struct Engine {
    /// As the user named it, or as found (`docker`, `podman`).
    pub name: String,
    pub path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(
        "no container engine found: install docker or podman, or name one with --engine or \
         VAULT_CONTAINER_ENGINE"
    )]
    NoneFound,
    #[error(
        "the container engine {0} was not found on PATH; install it, or name another with \
         --engine or VAULT_CONTAINER_ENGINE"
    )]
    NotFound(String),
}

/// The engine named by `--engine` (or VAULT_CONTAINER_ENGINE), else the first of docker and
/// podman on `path`.
pub fn find_engine(named: Option<&str>, path: Option<&OsStr>) -> Result<Engine, EngineError> {
    if let Some(name) = named.filter(|n| !n.is_empty()) {
        return resolve_program(OsStr::new(name), path)
            .map(|path| Engine {
                name: name.to_owned(),
                path,
            })
            .map_err(|_| EngineError::NotFound(name.to_owned()));
    }
    ENGINES
        .iter()
        .find_map(|name| {
            resolve_program(OsStr::new(name), path)
                .ok()
                .map(|path| Engine {
                    name: (*name).to_owned(),
                    path,
                })
        })
        .ok_or(EngineError::NoneFound)
}

/// Whether an attached variable would configure the engine itself rather than reach the
/// container: in the engine's environment, DOCKER_HOST or CONTAINER_HOST would send the
/// container (and every value) to another daemon.
pub fn configures_engine(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "DOCKER_",
        "CONTAINER_",
        "CONTAINERS_",
        "PODMAN_",
        "BUILDAH_",
        "REGISTRY_AUTH_FILE",
    ]
    .iter()
    .any(|prefix| upper.starts_with(prefix))
}

/// `run --rm -i [-t] -e NAME… [engine args] IMAGE [CMD…]`.
pub fn run_args(
    image: &str,
    env_names: &[&str],
    engine_args: &[String],
    command: &[String],
    tty: bool,
) -> Vec<OsString> {
    let mut args: Vec<OsString> = ["run", "--rm", "-i"].map(OsString::from).into();
    if tty {
        args.push("-t".into());
    }
    for name in env_names {
        args.push("-e".into());
        args.push((*name).into());
    }
    args.extend(engine_args.iter().map(OsString::from));
    args.push(image.into());
    args.extend(command.iter().map(OsString::from));
    args
}

/// The exit status docker and podman use for their own failures (the container never ran).
pub const ENGINE_FAILED: u8 = 125;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_named_never_given() {
        let args = run_args(
            "img:1",
            &["OPENAI_API_KEY", "LOG_LEVEL"],
            &["-v".into(), "/data:/data".into()],
            &["python".into(), "bot.py".into()],
            false,
        );
        let args: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args,
            [
                "run",
                "--rm",
                "-i",
                "-e",
                "OPENAI_API_KEY",
                "-e",
                "LOG_LEVEL",
                "-v",
                "/data:/data",
                "img:1",
                "python",
                "bot.py"
            ]
        );
        assert!(args.iter().all(|a| !a.contains('=')));
    }

    #[test]
    fn a_named_engine_must_exist() {
        let path = OsStr::new("/nonexistent");
        assert!(matches!(
            find_engine(Some("podman"), Some(path)),
            Err(EngineError::NotFound(_))
        ));
        assert!(matches!(
            find_engine(None, Some(path)),
            Err(EngineError::NoneFound)
        ));
        let found = find_engine(Some("/bin/sh"), Some(path)).unwrap();
        assert_eq!(found.path, PathBuf::from("/bin/sh"));
    }
}
