//! Where everything the command line prints goes through: [`say!`] for stdout, [`say_err!`] for
//! stderr. Printing returns its error instead of panicking as `println!` does, so a reader that
//! closes the pipe early (`cardbase list | head -1`) ends the command quietly (see
//! [`is_broken_pipe`](super::is_broken_pipe)).

use std::io::Write;

/// Prints a line on stdout, like `println!`, and returns the `io::Result` of writing it.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::terminal::print_line(&format!($($arg)*))
    };
}

/// Prints a line on stderr, like `eprintln!`. A failure to write there is ignored: there is
/// nowhere left to report it.
macro_rules! say_err {
    ($($arg:tt)*) => {
        $crate::cli::terminal::print_error_line(&format!($($arg)*))
    };
}

pub(crate) use {say, say_err};

/// Writes `text` and a line end to stdout.
pub fn print_line(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")
}

/// Writes `text` and a line end to stderr.
pub fn print_error_line(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.write_all(b"\n"));
}
