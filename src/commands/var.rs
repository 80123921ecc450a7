//! `vault var set|rm`: plain variables, stored in the same encrypted file but shown in
//! listings. Their values may be given on the command line because they are not secret.

use anyhow::Result;

use super::{Context, now};
use crate::cli::VarCommand;
use crate::secret::SecretValue;
use crate::vault::Kind;

pub fn run(ctx: &Context, cmd: VarCommand) -> Result<()> {
    match cmd {
        VarCommand::Set { name, value } => {
            let value = SecretValue::new(value)?;
            let keys = ctx.keys()?;
            let created = ctx
                .vault
                .update(&keys, |doc| Ok(doc.set_variable(&name, value, now())?))?;
            ctx.record_change("var set", vec![name.to_string()], None);
            ctx.ui.status(if created {
                format!("Added variable {name}")
            } else {
                format!("Updated variable {name}")
            });
        }
        VarCommand::Rm { name, detach } => {
            let keys = ctx.keys()?;
            let detached = ctx.vault.update(&keys, |doc| {
                Ok(doc.remove_entry(&name, Kind::Variable, detach, now())?)
            })?;
            ctx.report_removal(Kind::Variable, &name, &detached);
        }
    }
    Ok(())
}
