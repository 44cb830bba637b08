//! What a Cardbase user does, written once for both front ends.
//!
//! The engine (`cardbase-engine`) knows records, schemas and file formats; the plugin host
//! runs plugins. A *workflow* is what a person does with them: import a file (which reader,
//! with a plugin as the fallback; a preview; the mapping; the backup first; the run with
//! progress and cancel), export records (one table of formats, built-in and plugin, each
//! written to `<file>.partial` and moved into place), the reminders that are due (with the
//! enabled plugin rules), schema changes that rewrite or delete values (with a backup first),
//! and setting plugins up. The command line and the desktop shell call these functions and
//! only parse arguments or wire widgets around them, so the two cannot drift apart.
//!
//! Every workflow takes the vault, the [`Plugins`] (a plugin host started on first use) and,
//! where it runs long, a [`Progress`]; none of them prints or shows anything.
//!
//! ```
//! use cardbase_engine::{Passphrase, Preset, Vault};
//! use cardbase_workflows::export::{self, ExportRequest, Format};
//! use cardbase_workflows::{Plugins, Progress};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let mut vault = Vault::create(&dir.path().join("v"), &Passphrase::new("pw"), Preset::Personal).unwrap();
//! vault.create_record_from_text("contacts", &[("first_name", "Ada")]).unwrap();
//! let out = dir.path().join("contacts.csv");
//! let request = ExportRequest::section("contacts", Format::for_path(&out).unwrap(), &out);
//! let done = export::run(&vault, &mut Plugins::none(), &request, &mut Progress::none()).unwrap();
//! assert_eq!(done.records, 1);
//! assert!(std::fs::read_to_string(&out).unwrap().contains("Ada"));
//! ```

#![warn(missing_docs)]

pub mod atomic;
mod error;
pub mod export;
pub mod import;
pub mod plugins;
mod progress;
pub mod reminders;
pub mod schema;
pub mod values;

pub use error::{Error, Result};
pub use plugins::Plugins;
pub use progress::{Cancel, Progress};
