//! Helpers for the headless UI tests: Slint's testing backend, the inline worker (so every
//! engine call completes before the UI call returns: no timing), and element lookups by the
//! accessible labels the views set.

#![allow(dead_code)]

use cardbase_desktop::gui::worker::{Session, Worker};
use cardbase_desktop::gui::{Controller, LinkOpener, MainWindow, Options};
use chrono::Datelike;
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;
use slint::platform::{Key, WindowEvent};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::OnceLock;

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

/// Points the plugin host of this test process at its own folders under the target dir
/// (`XDG_DATA_HOME`, `XDG_CACHE_HOME`), so UI tests never see or change the user's plugins.
/// Each test binary is one process: its plugins start as a fresh install, while compiled
/// plugins stay cached between runs. Returns the data folder.
pub fn isolate_plugins() -> PathBuf {
    static DATA: OnceLock<PathBuf> = OnceLock::new();
    DATA.get_or_init(|| {
        let exe = std::env::current_exe().expect("the test binary's path");
        let name = exe.file_stem().expect("a file name").to_string_lossy().into_owned();
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ui-plugins").join(name);
        let data = root.join("data");
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data).expect("the plugins folder is created");
        // SAFETY: set once, under the lock of `OnceLock`, before this process starts any plugin
        // host; other test threads read the environment only through std, which locks it.
        unsafe {
            std::env::set_var("XDG_DATA_HOME", &data);
            std::env::set_var("XDG_CACHE_HOME", root.join("cache"));
        }
        data
    })
    .clone()
}

/// A personal vault (passphrase "p") with Ada, whose birthday is today: due from the moment
/// she was added (the preset reminds 7 days before, but not before the record existed).
pub fn vault_with_birthday_today(path: &Path) -> cardbase_engine::Vault {
    let mut v = cardbase_engine::Vault::create(
        path,
        &cardbase_engine::Passphrase::new("p"),
        cardbase_engine::Preset::Personal,
    )
    .expect("a new vault");
    let today = chrono::Local::now().date_naive();
    let birthday = format!("--{:02}-{:02}", today.month(), today.day());
    v.create_record_from_text("contacts", &[("first_name", "Ada"), ("birthday", &birthday)])
        .expect("Ada is saved");
    v
}

/// A window and its controller on a vault path, engine calls inline.
pub fn app(vault: &Path, passphrase: Option<&str>) -> (MainWindow, Rc<Controller>, Links) {
    let (ui, c, links, _) = app_with_notes(vault, passphrase);
    (ui, c, links)
}

/// Like [`app`], also returning the notifications sent.
pub fn app_with_notes(vault: &Path, passphrase: Option<&str>) -> (MainWindow, Rc<Controller>, Links, Notes) {
    let notes = Notes::default();
    let (ui, controller, links) = app_with(vault, passphrase, Box::new(notes.clone()));
    (ui, controller, links, notes)
}

/// Like [`app`], with this desktop-notification service.
pub fn app_with(
    vault: &Path,
    passphrase: Option<&str>,
    notifier: Box<dyn cardbase_desktop::gui::Notifier>,
) -> (MainWindow, Rc<Controller>, Links) {
    isolate_plugins();
    let ui = MainWindow::new().expect("the window is created");
    let links = Links::default();
    let options = Options {
        vault: vault.to_path_buf(),
        passphrase: passphrase.map(cardbase_engine::Passphrase::new),
        links: Box::new(links.clone()),
        notifier,
    };
    let worker = Worker::inline(Session::new(vault.to_path_buf()));
    let controller = Controller::install(&ui, worker, options);
    controller.start();
    ui.show().expect("the window shows");
    (ui, controller, links)
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

pub fn ctrl_shift(ui: &MainWindow, letter: &str) {
    for k in [Key::Control, Key::Shift] {
        ui.window().dispatch_event(WindowEvent::KeyPressed { text: k.into() });
    }
    press(ui, letter.into());
    for k in [Key::Shift, Key::Control] {
        ui.window().dispatch_event(WindowEvent::KeyReleased { text: k.into() });
    }
}

/// The table's rows as the user sees them: the text of each cell.
pub fn ui_rows(ui: &MainWindow) -> Vec<Vec<String>> {
    use cardbase_desktop::gui::ui::Table;
    use slint::Model;
    let rows = ui.global::<Table>().get_rows();
    (0..rows.row_count())
        .filter_map(|i| rows.row_data(i))
        .map(|r| r.cells.iter().map(|c| c.text.to_string()).collect())
        .collect()
}
