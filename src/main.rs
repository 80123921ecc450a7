//! The `vault` binary: parse, run, print the error, pick the exit code — nothing else.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Usage errors exit with 2 inside parse().
    let cli = vault::cli::Cli::parse();
    vault::ui::init_logging(cli.verbose);
    let json = cli.json;
    match vault::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            vault::ui::Ui::new(json).error(&err);
            if err.is::<vault::commands::UsageError>() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
