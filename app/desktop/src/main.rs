//! `cardbase`: the Cardbase app. With no subcommand, the Slint desktop window; with one, the
//! command line.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = <cardbase_desktop::cli::Cli as clap::Parser>::parse();
    match cardbase_desktop::cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`cardbase list | head`): it has what it wanted, as with any
        // Unix tool that stops at a closed pipe.
        Err(e) if cardbase_desktop::cli::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // One line a person can act on; the cause chain joined by ": ".
            // Escaped: errors name files and values, which may hold terminal controls.
            let line = format!("cardbase: {}", format!("{e:#}").replace('\n', " "));
            eprintln!("{}", cardbase_desktop::cli::terminal::escape(&line));
            ExitCode::FAILURE
        }
    }
}
