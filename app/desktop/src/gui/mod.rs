//! The Slint desktop shell. Views live in `ui/` (.slint); here are the controller that wires
//! the `App` global's callbacks to the engine, the worker that runs engine calls off the UI
//! thread, and the models the views bind to. No SQL and no file formats: the engine does that.

mod card;
mod controller;
mod events;
mod form;
mod photo_picker;
mod plugins;
mod quick_filters;
pub mod reminders;
mod rows;
mod schema_editor;
mod table;
pub mod text;
mod transfer;
pub mod ui;
pub mod worker;

pub use controller::{Controller, Options};
pub use reminders::{DesktopNotifier, Notifier};
pub use ui::MainWindow;

use anyhow::{Context, Result};
use slint::ComponentHandle;

/// Opens URLs, `mailto:` and `tel:` links through the system; a trait so tests need no desktop.
pub trait LinkOpener {
    fn open(&self, target: &str) -> Result<(), String>;
}

/// The desktop's handler for links (xdg-open on Linux).
pub struct SystemLinks;

impl LinkOpener for SystemLinks {
    fn open(&self, target: &str) -> Result<(), String> {
        open::that_detached(target).map_err(|e| format!("cannot open {target}: {e}"))
    }
}

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
