//! Helpers for the headless UI tests: Slint's testing backend, the inline worker (so every
//! engine call completes before the UI call returns: no timing), and element lookups by the
//! accessible labels the views set.

#![allow(dead_code)]

use cardbase_desktop::gui::worker::{Session, Worker};
use cardbase_desktop::gui::{Controller, LinkOpener, MainWindow, Options};
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;
use slint::platform::{Key, WindowEvent};
use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

/// Records the links the app asked the system to open.
#[derive(Default, Clone)]
pub struct Links(pub Rc<RefCell<Vec<String>>>);

impl LinkOpener for Links {
    fn open(&self, target: &str) -> Result<(), String> {
        self.0.borrow_mut().push(target.to_string());
        Ok(())
    }
}

/// Records the notifications the app sent.
#[derive(Default, Clone)]
pub struct Notes(pub Rc<RefCell<Vec<String>>>);

impl cardbase_desktop::gui::Notifier for Notes {
    fn notify(&self, summary: &str, _body: &str) -> Result<(), String> {
        self.0.borrow_mut().push(summary.to_string());
        Ok(())
    }
}

/// A window and its controller on a vault path, engine calls inline.
pub fn app(vault: &Path, passphrase: Option<&str>) -> (MainWindow, Rc<Controller>, Links) {
    let (ui, c, links, _) = app_with_notes(vault, passphrase);
    (ui, c, links)
}

/// Like [`app`], also returning the notifications sent.
pub fn app_with_notes(vault: &Path, passphrase: Option<&str>) -> (MainWindow, Rc<Controller>, Links, Notes) {
    let ui = MainWindow::new().expect("the window is created");
    let links = Links::default();
    let notes = Notes::default();
    let options = Options {
        vault: vault.to_path_buf(),
        passphrase: passphrase.map(cardbase_engine::Passphrase::new),
        links: Box::new(links.clone()),
        notifier: Box::new(notes.clone()),
    };
    let worker = Worker::inline(Session {
        path: vault.to_path_buf(),
        vault: None,
    });
    let controller = Controller::install(&ui, worker, options);
    controller.start();
    ui.show().expect("the window shows");
    (ui, controller, links, notes)
}

/// The one element with this accessible label.
pub fn find(ui: &MainWindow, label: &str) -> ElementHandle {
    let mut found: Vec<ElementHandle> = ElementHandle::find_by_accessible_label(ui, label).collect();
    assert!(!found.is_empty(), "no element labelled {label:?}");
    found.remove(0)
}

pub fn click(ui: &MainWindow, label: &str) {
    find(ui, label).invoke_accessible_default_action();
}

/// Types into a text field as a user would: the text, then Enter.
pub fn type_and_enter(ui: &MainWindow, label: &str, text: &str) {
    let field = find(ui, label);
    field.set_accessible_value(text);
    field.mock_single_click(slint::platform::PointerEventButton::Left);
    press(ui, Key::Return.into());
}

pub fn press(ui: &MainWindow, text: slint::SharedString) {
    ui.window()
        .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
    ui.window().dispatch_event(WindowEvent::KeyReleased { text });
}

pub fn ctrl(ui: &MainWindow, letter: &str) {
    ui.window().dispatch_event(WindowEvent::KeyPressed {
        text: Key::Control.into(),
    });
    press(ui, letter.into());
    ui.window().dispatch_event(WindowEvent::KeyReleased {
        text: Key::Control.into(),
    });
}
