//! `vault completions SHELL`: the same scripts that completions/ holds, printed.

use anyhow::Result;

use crate::cli::{Cli, CompletionsArgs};
use crate::ui::Ui;

pub fn run(ui: &Ui, args: &CompletionsArgs) -> Result<()> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "vault", &mut out);
    ui.print(String::from_utf8_lossy(&out))?;
    Ok(())
}
