//! The `vault` binary: parse, run, print the error, pick the exit code — nothing else.

use std::process::ExitCode;

fn main() -> ExitCode {
    // Inside a sandbox, vault's binary is first the sandbox's init, and for a keyless
    // container it is the helper that listens inside the container (neither is a command of
    // its own: no --help or completion knows them).
    let mut argv = std::env::args_os().skip(1);
    match argv.next() {
        Some(a) if a == vault::sandbox::init::COMMAND => {
            return ExitCode::from(vault::sandbox::init::main(argv));
        }
        #[cfg(target_os = "linux")]
        Some(a) if a == vault::launch::container::netns::COMMAND => {
            return ExitCode::from(vault::launch::container::netns::main(argv));
        }
        _ => {}
    }
    // Usage errors exit with 2 inside parse().
    let cli = vault::cli::Cli::parse_checked();
    vault::ui::init_logging(cli.verbose);
    let json = cli.json;
    match vault::commands::run(cli) {
        Ok(code) => code,
        // A reader that stopped reading (`vault list | head -1`) is not an error: quietly
        // done, as ripgrep and coreutils do.
        Err(err) if vault::ui::is_broken_pipe(&err) => ExitCode::SUCCESS,
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
