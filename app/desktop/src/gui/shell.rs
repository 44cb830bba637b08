//! What every feature of the desktop shares: the window, the engine's worker (and the reader
//! that stands in for it during a long import), the schema as the window last saw it, the
//! message bar, and a registry through which results coming back from the worker find the
//! feature that asked for them.
//!
//! Features sit above this module and below the app (`app.rs`) that installs them; a feature
//! calls the features below it directly and hears from those above through callbacks it
//! registers (the card hears from the table which record is current), so dependencies point
//! one way.

use super::ui::{MainWindow, Shell as ShellGlobal};
use super::worker::Worker;
use cardbase_engine::Schema;
use slint::ComponentHandle;
use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

/// The worker reads go to: see [`Shell::read_worker`].
pub(super) enum ReadWorker<'a> {
    Main(&'a Worker),
    Reader(Rc<Worker>),
}

impl std::ops::Deref for ReadWorker<'_> {
    type Target = Worker;

    fn deref(&self) -> &Worker {
        match self {
            ReadWorker::Main(w) => w,
            ReadWorker::Reader(w) => w,
        }
    }
}

/// The shared context of the features.
pub(super) struct Shell {
    pub ui: slint::Weak<MainWindow>,
    pub worker: Worker,
    /// While a long import holds `worker`, a second worker with a read-only handle on the
    /// vault, so the table, the search and the card stay live.
    pub reads: RefCell<Option<Rc<Worker>>>,
    /// The vault's schema as the window shows it.
    pub schema: RefCell<Schema>,
    /// Takes the message bar's text away after a while.
    message_timer: slint::Timer,
}

/// How long the message bar shows a message: errors a little longer.
const MESSAGE_FOR: std::time::Duration = std::time::Duration::from_secs(6);
const ERROR_FOR: std::time::Duration = std::time::Duration::from_secs(12);

impl Shell {
    pub fn new(ui: &MainWindow, worker: Worker) -> Shell {
        Shell {
            ui: ui.as_weak(),
            worker,
            reads: RefCell::new(None),
            schema: RefCell::new(Schema::default()),
            message_timer: slint::Timer::default(),
        }
    }

    /// Runs `f` with the window, if it is still open.
    pub fn app<R>(&self, f: impl FnOnce(&MainWindow) -> R) -> Option<R> {
        self.ui.upgrade().map(|ui| f(&ui))
    }

    /// The worker for what the user is looking at (rows, the card, a search): the reader while
    /// an import holds the main worker, else the main worker.
    pub fn read_worker(&self) -> ReadWorker<'_> {
        match self.reads.borrow().as_ref() {
            Some(reader) => ReadWorker::Reader(reader.clone()),
            None => ReadWorker::Main(&self.worker),
        }
    }

    /// Shows a message in the bar at the bottom of the window; it goes away by itself after a
    /// few seconds (or with its ×).
    pub fn say(&self, text: impl Into<String>, error: bool) {
        let text: slint::SharedString = text.into().into();
        self.app(|a| {
            let shell = a.global::<ShellGlobal>();
            shell.set_message(text.clone());
            shell.set_message_is_error(error);
        });
        if text.is_empty() {
            self.message_timer.stop();
            return;
        }
        let ui = self.ui.clone();
        self.message_timer.start(
            slint::TimerMode::SingleShot,
            if error { ERROR_FOR } else { MESSAGE_FOR },
            move || {
                if let Some(a) = ui.upgrade() {
                    let shell = a.global::<ShellGlobal>();
                    // Only the message this timer was for: a newer one has its own.
                    if shell.get_message() == text {
                        shell.set_message("".into());
                    }
                }
            },
        );
    }

    /// Gives the keyboard back to the table (a dialog closed).
    pub fn focus_main(&self) {
        if let Some(ui) = self.ui.upgrade() {
            ui.invoke_focus_main();
        }
    }

    pub fn set_busy(&self, busy: bool) {
        self.app(|a| a.global::<ShellGlobal>().set_busy(busy));
    }

    /// Keys of the sections the sidebar shows, in order.
    pub fn visible_sections(&self) -> Vec<String> {
        self.schema
            .borrow()
            .live_sections()
            .filter(|s| !s.hidden)
            .map(|s| s.key.clone())
            .collect()
    }

    /// Saves a setting in the vault, in the background.
    pub fn save_setting(&self, key: &str, value: String) {
        let key = key.to_string();
        self.worker.run(
            move |s| {
                if let Some(v) = s.vault.as_mut() {
                    let _ = v.set_setting(&key, &value);
                }
            },
            |_| {},
        );
    }
}

thread_local! {
    /// The installed features, found by type. UI-side state (`Rc`s, models) never leaves the
    /// UI thread; results the worker sends back find their feature here.
    static FEATURES: RefCell<Vec<Rc<dyn Any>>> = const { RefCell::new(Vec::new()) };
}

/// Makes a feature findable by [`with`] and [`get`].
pub(super) fn register<T: 'static>(feature: Rc<T>) {
    FEATURES.with(|f| f.borrow_mut().push(feature));
}

/// Forgets every feature (the window is closing).
pub(super) fn clear() {
    FEATURES.with(|f| f.borrow_mut().clear());
}

/// The installed feature of type `T`, if the window is still up.
pub(super) fn get<T: 'static>() -> Option<Rc<T>> {
    FEATURES.with(|f| f.borrow().iter().find_map(|any| Rc::clone(any).downcast::<T>().ok()))
}

/// Runs `f` with the installed feature of type `T` (results may arrive after the window
/// closed: then nothing runs).
pub(super) fn with<T: 'static>(f: impl FnOnce(&Rc<T>)) {
    if let Some(feature) = get::<T>() {
        f(&feature);
    }
}
