//! `cardbase`: the Cardbase app. With no subcommand, the Slint desktop window; with one, the
//! command line.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = <cardbase_desktop::cli::Cli as clap::Parser>::parse();
    match cardbase_desktop::cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line a person can act on; the cause chain joined by ": ".
            eprintln!("cardbase: {}", format!("{e:#}").replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}
