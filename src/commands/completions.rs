//! `vault completions SHELL`: the same scripts that completions/ holds, printed.

use anyhow::Result;

use super::Context;
use crate::cli::{Cli, CompletionsArgs};

pub fn run(ctx: &Context, args: &CompletionsArgs) -> Result<()> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "vault", &mut out);
    ctx.ui.print(String::from_utf8_lossy(&out))?;
    Ok(())
}
