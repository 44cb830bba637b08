//! The Cardbase app: the `cardbase` command line ([`cli`]) and the Slint desktop shell
//! ([`gui`]). Both only call the engine (`cardbase-engine`); neither holds SQL or file formats.

pub mod cli;
pub mod gui;
