//! Messages for the plugin's log: `cardbase plugin run` prints them, the app writes them to
//! its log with the plugin's id. Natively (in a plugin's own tests) they go to stderr.
//!
//! ```
//! cardbase_plugin_sdk::log::warn("line 12: no name, using the e-mail");
//! ```

use crate::__bindings::cardbase::plugin::log::Level;

fn log(level: Level, message: &str) {
    #[cfg(target_arch = "wasm32")]
    crate::__bindings::cardbase::plugin::log::log(level, message);
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("[{level:?}] {message}");
}

/// Something went wrong.
pub fn error(message: impl AsRef<str>) {
    log(Level::Error, message.as_ref());
}

/// Something a user may want to know about (a value dropped, a guess made).
pub fn warn(message: impl AsRef<str>) {
    log(Level::Warn, message.as_ref());
}

/// Progress and facts.
pub fn info(message: impl AsRef<str>) {
    log(Level::Info, message.as_ref());
}

/// Details for the plugin's author.
pub fn debug(message: impl AsRef<str>) {
    log(Level::Debug, message.as_ref());
}
