//! The Slint desktop shell. Views and their adapter globals live in `ui/` (.slint); here, one
//! module per feature adapts its global to a workflow and keeps its own state, in the shape of
//! Slint's todo-mvc. No SQL and no file formats: the engine and the workflows do that.
//!
//! Layers, each using only those below it (a feature hears from those above through the
//! callbacks it registers):
//! - `ui` (generated), `worker` (the engine thread), `text`, `display`, `models`, `rows` (the table's
//!   model), `links`, `columns`, `quick_filters`, `events` (plain data and helpers);
//!   `quick_filter_bar`;
//! - `shell`: what the features share (the window, the worker, the schema, the message bar);
//! - `file_browser`, `sidebar` (its lists), then `table` (the view, its rows, the current
//!   record; it wires the sidebar's choices);
//! - `card`, `form`, `bulk`, `schema_editor`, `import_wizard`, `export_dialog`, `reminders`,
//!   `plugin_manager`: one feature each;
//! - `app`: installs them all and opens the vault.

mod app;
mod bulk;
mod card;
mod columns;
pub mod display;
mod events;
mod export_dialog;
mod file_browser;
mod form;
mod import_wizard;
mod links;
mod models;
mod plugin_manager;
mod quick_filter_bar;
mod quick_filters;
pub mod reminders;
mod rows;
mod schema_editor;
mod shell;
mod sidebar;
mod table;
pub mod text;
pub mod ui;
pub mod worker;

pub use app::{Controller, Options};
pub use links::{LinkOpener, SystemLinks};
pub use reminders::{DesktopNotifier, Notifier};
pub use ui::MainWindow;

use anyhow::{Context, Result};
use slint::ComponentHandle;

/// Runs the desktop app until its window closes.
pub fn run(options: Options) -> Result<()> {
    let ui =
        MainWindow::new().context("cannot open a window (is a display available? try SLINT_BACKEND=winit-software)")?;
    let path = options.vault.clone();
    let worker = worker::Worker::threaded(worker::Session::new(path));
    let controller = Controller::install(&ui, worker, options);
    controller.start();
    ui.run().context("the window's event loop failed")?;
    Controller::uninstall();
    Ok(())
}
