//! Where vault keeps things by default, following each platform's conventions (XDG on Linux:
//! `~/.local/share/vault`, `~/.config/vault`, `~/.local/state/vault`).

use std::path::PathBuf;

/// The default file and directory locations for this user.
#[derive(Debug, Clone)]
pub struct Locations {
    pub data_dir: PathBuf,
    pub config_dir: PathBuf,
    pub state_dir: PathBuf,
    pub home_dir: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "cannot tell where your home directory is (HOME is not set); set HOME, or name the vault \
     and identity with --vault FILE and --identity FILE"
)]
pub struct NoHome;

impl Locations {
    pub fn for_current_user() -> Result<Self, NoHome> {
        let dirs = directories::ProjectDirs::from("", "", "vault").ok_or(NoHome)?;
        let home = directories::BaseDirs::new().map(|b| b.home_dir().to_owned());
        Ok(Self {
            data_dir: dirs.data_dir().to_owned(),
            config_dir: dirs.config_dir().to_owned(),
            state_dir: dirs
                .state_dir()
                .unwrap_or_else(|| dirs.data_local_dir())
                .to_owned(),
            home_dir: home,
        })
    }

    /// The vault used when neither `--vault` nor `VAULT_FILE` names one.
    pub fn default_vault(&self) -> PathBuf {
        self.data_dir.join("vault.age")
    }

    /// The user's pricing table for keyless mode, over the built-in one.
    pub fn pricing_file(&self) -> PathBuf {
        self.config_dir.join("pricing.toml")
    }

    pub fn ssh_dir(&self) -> Option<PathBuf> {
        self.home_dir.as_ref().map(|h| h.join(".ssh"))
    }
}
