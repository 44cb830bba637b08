//! The Cardbase engine: one encrypted vault file holding a user-editable schema and the
//! records shaped by it, with quick search, filters, sorting and aggregates.
//!
//! The engine knows nothing of any UI: everything the desktop app can do, a test or the CLI
//! can do through [`Vault`].
//!
//! ```
//! use cardbase_engine::{Vault, Preset, Passphrase, Query};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("demo.cardbase");
//! let mut vault = Vault::create(&path, &Passphrase::new("correct horse"), Preset::Personal).unwrap();
//! let id = vault
//!     .create_record_from_text("contacts", &[("first_name", "Ada"), ("last_name", "Lovelace")])
//!     .unwrap();
//! let found = vault.list(&Query::section("contacts").search("lov")).unwrap();
//! assert_eq!(found.records[0].id, id);
//! ```

pub mod agenda;
pub mod demo;
pub mod error;
pub mod events;
pub mod export;
pub mod ids;
pub mod import;
pub mod plugin;
pub mod private_files;
pub mod query;
pub mod records;
pub mod reminders;
pub mod schema;
pub mod search;
pub mod vault;

pub use error::{Error, Result};
pub use ids::{FieldId, RecordId, SectionId};
pub use query::{Aggregate, AggregateFn, Query, QueryResult, SortKey, StatsQuery, StatsRow};
pub use records::{Record, Value};
pub use schema::{Field, FieldType, Preset, Schema, Section};
pub use vault::{Passphrase, Vault};
