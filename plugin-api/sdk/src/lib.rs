//! Write Cardbase plugins in Rust: importers, exporters and reminder rules, compiled to
//! sandboxed WASM components.
//!
//! A plugin is a `cdylib` crate that implements one or more of the traits [`Importer`],
//! [`Exporter`] and [`ReminderRule`] and names its implementations in [`export_plugin!`].
//! The host feeds it bytes or records and checks everything it hands back; the plugin sees no
//! file, no socket and no clock, only its arguments, its [`config`] and a [`log`].
//!
//! # A worked example: an importer of "name;phone" lines
//!
//! ```
//! use cardbase_plugin_sdk::{export_plugin, Entry, FieldInfo, Importer, Item, Value};
//!
//! /// One file being read: the part of a line not yet ended by a newline, and the line number.
//! #[derive(Default)]
//! pub struct PhoneList {
//!     pending: Vec<u8>,
//!     line: u32,
//! }
//!
//! impl PhoneList {
//!     fn entry(&mut self, line: &[u8]) -> Option<Entry> {
//!         self.line += 1;
//!         let text = String::from_utf8_lossy(line);
//!         let text = text.trim();
//!         if text.is_empty() {
//!             return None;
//!         }
//!         let entry = Entry::at(self.line);
//!         Some(match text.split_once(';') {
//!             Some((name, phone)) => entry
//!                 .with("full_name", Value::Text(name.trim().into()))
//!                 .with("phones", Value::Items(vec![Item::new("mobile", phone.trim())])),
//!             None => entry.failed("expected \"name;phone\""),
//!         })
//!     }
//! }
//!
//! impl Importer for PhoneList {
//!     fn fields() -> Vec<FieldInfo> {
//!         vec![FieldInfo::new("full_name", "Name", "text"), FieldInfo::new("phones", "Phone", "phones")]
//!     }
//!
//!     fn sniff(file_name: &str, _head: &[u8]) -> bool {
//!         file_name.to_lowercase().ends_with(".phones")
//!     }
//!
//!     fn start(_file_name: &str) -> Self {
//!         PhoneList::default()
//!     }
//!
//!     fn feed(&mut self, chunk: &[u8]) -> Result<Vec<Entry>, String> {
//!         self.pending.extend_from_slice(chunk);
//!         let mut entries = Vec::new();
//!         while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
//!             let line: Vec<u8> = self.pending.drain(..=end).collect();
//!             entries.extend(self.entry(&line));
//!         }
//!         Ok(entries)
//!     }
//!
//!     fn finish(&mut self) -> Result<Vec<Entry>, String> {
//!         let rest = std::mem::take(&mut self.pending);
//!         Ok(self.entry(&rest).into_iter().collect())
//!     }
//! }
//!
//! export_plugin!(importer: PhoneList);
//!
//! // The same code runs natively in tests, without a host:
//! let mut session = PhoneList::start("team.phones");
//! let mut entries = session.feed(b"Ann Lee; +1 555 0100\nBob").unwrap();
//! entries.extend(session.finish().unwrap());
//! assert_eq!(entries[0].text("full_name"), Some("Ann Lee"));
//! assert_eq!(entries[1].error.as_deref(), Some("expected \"name;phone\""));
//! ```
//!
//! Build it with `cargo build --release --target wasm32-wasip2`, describe it in a
//! `plugin.toml`, and try it with `cardbase plugin check` and `cardbase plugin run`.

#[doc(hidden)]
pub mod __bindings;
#[doc(hidden)]
pub mod __glue;
pub mod config;
pub mod log;
mod values;

pub use __bindings::cardbase::plugin::types::{
    Address, Date, Entry, FieldInfo, FieldValue, Image, Item, Money, PartialDate, Record, Reminder, SectionInfo, Value,
};

/// Reads a file and turns it into records, chunk by chunk. `Self` is one file being read.
///
/// The host calls [`Importer::start`] once per file, then [`Importer::feed`] with chunks of
/// up to 1 MiB, then [`Importer::finish`]. Return the entries each call completes, so neither
/// side holds the whole file. See the crate docs for a worked example.
pub trait Importer: 'static {
    /// The fields the entries fill, so the user can map them to the section's fields.
    fn fields() -> Vec<FieldInfo>;

    /// Whether this importer reads the file, from its name and its first bytes (up to 4 KiB).
    fn sniff(file_name: &str, head: &[u8]) -> bool;

    /// Starts reading a file.
    fn start(file_name: &str) -> Self;

    /// The next chunk of the file. A chunk may end in the middle of a line or of a UTF-8
    /// character: keep what is unfinished for the next call.
    fn feed(&mut self, chunk: &[u8]) -> Result<Vec<Entry>, String>;

    /// The end of the file: return the last entries. An `Err` fails the whole import.
    fn finish(&mut self) -> Result<Vec<Entry>, String>;
}

/// Writes records to a file, batch by batch. `Self` is one file being written.
///
/// ```
/// use cardbase_plugin_sdk::{Exporter, Record, SectionInfo};
///
/// /// One line per record: its title field.
/// pub struct Names;
///
/// impl Exporter for Names {
///     fn start(_section: SectionInfo) -> Self {
///         Names
///     }
///     fn write(&mut self, batch: Vec<Record>) -> Result<Vec<u8>, String> {
///         let mut out = String::new();
///         for record in &batch {
///             out.push_str(record.text("full_name").unwrap_or(""));
///             out.push('\n');
///         }
///         Ok(out.into_bytes())
///     }
///     fn finish(&mut self) -> Result<Vec<u8>, String> {
///         Ok(Vec::new())
///     }
/// }
/// ```
pub trait Exporter: 'static {
    /// Starts a file for the records of `section` (its fields in the user's order).
    fn start(section: SectionInfo) -> Self;

    /// The next batch of records (about a thousand); returns the bytes to append.
    fn write(&mut self, batch: Vec<Record>) -> Result<Vec<u8>, String>;

    /// The end: returns the file's last bytes.
    fn finish(&mut self) -> Result<Vec<u8>, String>;
}

/// Says when to remind of what, given the records of some sections.
///
/// ```
/// use cardbase_plugin_sdk::{Record, Reminder, ReminderRule, Value};
///
/// /// Reminds at `now` of every contact marked "call back".
/// pub struct CallBack;
///
/// impl ReminderRule for CallBack {
///     fn sections() -> Vec<String> {
///         vec!["contacts".into()]
///     }
///     fn reminders(now: i64, _utc_offset: i32, batch: Vec<Record>) -> Result<Vec<Reminder>, String> {
///         Ok(batch
///             .iter()
///             .filter(|r| r.get("call_back") == Some(&Value::Checkbox(true)))
///             .map(|r| Reminder { record_id: r.id.clone(), key: "call-back".into(), due: now, title: "Call back".into() })
///             .collect())
///     }
/// }
/// ```
pub trait ReminderRule: 'static {
    /// The sections whose records [`ReminderRule::reminders`] looks at.
    fn sections() -> Vec<String>;

    /// The reminders for one batch of records. `now` is in seconds since 1970-01-01 UTC and
    /// `utc_offset` is the user's offset from UTC in seconds. The host calls this once per
    /// batch, so a rule must not depend on seeing all records at once.
    fn reminders(now: i64, utc_offset: i32, batch: Vec<Record>) -> Result<Vec<Reminder>, String>;
}

/// Stands in for the kinds a plugin does not provide; the host never calls it for a plugin
/// whose manifest does not name that kind.
pub struct NotProvided;

const NOT_PROVIDED: &str = "this plugin does not provide that kind";

impl Importer for NotProvided {
    fn fields() -> Vec<FieldInfo> {
        Vec::new()
    }
    fn sniff(_: &str, _: &[u8]) -> bool {
        false
    }
    fn start(_: &str) -> Self {
        NotProvided
    }
    fn feed(&mut self, _: &[u8]) -> Result<Vec<Entry>, String> {
        Err(NOT_PROVIDED.into())
    }
    fn finish(&mut self) -> Result<Vec<Entry>, String> {
        Err(NOT_PROVIDED.into())
    }
}

impl Exporter for NotProvided {
    fn start(_: SectionInfo) -> Self {
        NotProvided
    }
    fn write(&mut self, _: Vec<Record>) -> Result<Vec<u8>, String> {
        Err(NOT_PROVIDED.into())
    }
    fn finish(&mut self) -> Result<Vec<u8>, String> {
        Err(NOT_PROVIDED.into())
    }
}

impl ReminderRule for NotProvided {
    fn sections() -> Vec<String> {
        Vec::new()
    }
    fn reminders(_: i64, _: i32, _: Vec<Record>) -> Result<Vec<Reminder>, String> {
        Err(NOT_PROVIDED.into())
    }
}

/// Exports a plugin's implementations to the host: name each kind it provides, once per
/// plugin crate.
///
/// ```ignore
/// cardbase_plugin_sdk::export_plugin!(importer: VcardImporter, exporter: VcardExporter);
/// cardbase_plugin_sdk::export_plugin!(reminder_rule: Renewals);
/// ```
#[macro_export]
macro_rules! export_plugin {
    ($($kind:ident : $ty:ty),+ $(,)?) => {
        $crate::export_plugin!(@kinds [$crate::NotProvided] [$crate::NotProvided] [$crate::NotProvided] $($kind: $ty,)+);
    };
    (@kinds [$i:ty] [$e:ty] [$r:ty] importer: $t:ty, $($rest:tt)*) => {
        $crate::export_plugin!(@kinds [$t] [$e] [$r] $($rest)*);
    };
    (@kinds [$i:ty] [$e:ty] [$r:ty] exporter: $t:ty, $($rest:tt)*) => {
        $crate::export_plugin!(@kinds [$i] [$t] [$r] $($rest)*);
    };
    (@kinds [$i:ty] [$e:ty] [$r:ty] reminder_rule: $t:ty, $($rest:tt)*) => {
        $crate::export_plugin!(@kinds [$i] [$e] [$t] $($rest)*);
    };
    (@kinds [$i:ty] [$e:ty] [$r:ty]) => {
        // Only in WASM: natively the same crate builds for tests, and a native cdylib cannot
        // carry export names with ':' (rust-lang/rust#141310).
        #[cfg(target_arch = "wasm32")]
        type __CardbasePlugin = $crate::__glue::Glue<$i, $e, $r>;
        #[cfg(target_arch = "wasm32")]
        $crate::__bindings::__export_plugin_world!(__CardbasePlugin with_types_in $crate::__bindings);
    };
}
