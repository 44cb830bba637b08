//! `cardbase`: the Cardbase app. Today the command line; the Slint desktop shell opens here
//! when no subcommand is given once it lands.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = <cli::Cli as clap::Parser>::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line a person can act on; the cause chain joined by ": ".
            eprintln!("cardbase: {}", format!("{e:#}").replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}
