//! The app: installs every feature on the window, opens or creates the vault (the welcome and
//! unlock screens), applies what the vault remembers of the window (theme, size, last
//! section), and saves the window's size when it closes. Features live in their own modules,
//! each an adapter over a workflow with its own state; this is the only module that knows
//! them all.

use super::bulk::BulkController;
use super::card::CardController;
use super::columns::ColumnLayout;
use super::export_dialog::ExportDialogController;
use super::file_browser::FileBrowserController;
use super::form::FormController;
use super::import_wizard::ImportWizardController;
use super::links::{LinkOpener, SystemLinks};
use super::plugin_manager::PluginManagerController;
use super::reminders::{DesktopNotifier, Notifier, RemindersController};
use super::schema_editor::SchemaEditorController;
use super::shell::{self, Shell};
use super::sidebar::SidebarController;
use super::table::TableController;
use super::text;
use super::ui::{MainWindow, Shell as ShellGlobal};
use super::worker::{Session, Worker};
use cardbase_engine::schema::{Preset, Schema};
use cardbase_engine::{Error, Passphrase, Vault};
use slint::{ComponentHandle, SharedString};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

/// How the desktop app starts.
pub struct Options {
    pub vault: PathBuf,
    /// Unlock at once with this passphrase (from `CARDBASE_PASSPHRASE` or a file).
    pub passphrase: Option<Passphrase>,
    pub links: Box<dyn LinkOpener>,
    pub notifier: Box<dyn Notifier>,
}

impl Options {
    pub fn new(vault: PathBuf, passphrase: Option<Passphrase>) -> Options {
        Options {
            vault,
            passphrase,
            links: Box::new(SystemLinks),
            notifier: Box::new(DesktopNotifier),
        }
    }
}

/// The app as a whole: the shared shell, the features the session steps need, and how the
/// vault is to be opened.
pub struct Controller {
    shell: Rc<Shell>,
    table: Rc<TableController>,
    reminders: Rc<RemindersController>,
    passphrase: RefCell<Option<Passphrase>>,
    /// When the passphrase was given; with `CARDBASE_LOG_TIMING` set, the time to the first
    /// page of rows is printed (for measuring start-up on large vaults).
    unlocked_at: Cell<Option<std::time::Instant>>,
}

/// Settings the app keeps in the vault, read when it opens.
#[derive(Debug, Clone, Default)]
pub(super) struct Settings {
    pub last_section: Option<String>,
    pub dark: bool,
    pub window: Option<(f32, f32)>,
    pub layouts: HashMap<String, Vec<ColumnLayout>>,
}

fn read_settings(vault: &Vault) -> Settings {
    let get = |k: &str| vault.setting(k).ok().flatten();
    let mut layouts = HashMap::new();
    for s in vault.schema().live_sections() {
        if let Some(json) = get(&format!("ui.columns.{}", s.key))
            && let Ok(cols) = serde_json::from_str::<Vec<ColumnLayout>>(&json)
        {
            layouts.insert(s.key.clone(), cols);
        }
    }
    Settings {
        last_section: get("ui.last_section"),
        dark: get("ui.dark").as_deref() == Some("true"),
        window: get("ui.window").and_then(|w| {
            let (a, b) = w.split_once('x')?;
            Some((a.parse().ok()?, b.parse().ok()?))
        }),
        layouts,
    }
}

/// What opening or creating a vault hands back to the UI.
pub(super) type Opened = Result<(Schema, Settings), String>;

impl Controller {
    /// Installs every feature on a window and wires the window's own callbacks.
    pub fn install(ui: &MainWindow, worker: Worker, options: Options) -> Rc<Controller> {
        let shell = Rc::new(Shell::new(ui, worker));
        let files = FileBrowserController::install(&shell, ui);
        let sidebar = SidebarController::install(&shell);
        let table = TableController::install(&sidebar, ui);
        CardController::install(&table, ui, options.links);
        FormController::install(&table, &files, ui);
        BulkController::install(&table, ui);
        SchemaEditorController::install(&table, ui);
        ImportWizardController::install(&table, &files, ui);
        ExportDialogController::install(&table, &files, ui);
        PluginManagerController::install(&shell, &files, ui);
        let reminders = RemindersController::install(&table, ui, options.notifier);
        let c = Rc::new(Controller {
            shell,
            table,
            reminders,
            passphrase: RefCell::new(options.passphrase),
            unlocked_at: Cell::new(None),
        });
        shell::register(c.clone());
        super::worker::on_job_panic(|| {
            shell::with(|c: &Rc<Controller>| {
                c.shell.set_busy(false);
                c.shell.say(
                    "Something went wrong inside Cardbase; that step did nothing. Please report it.",
                    true,
                );
            })
        });
        set_vault_path(ui, &options.vault);
        let g = ui.global::<ShellGlobal>();
        g.on_passphrase_strength(|p| text::passphrase_strength(&p).into());
        g.on_create_vault(|p1, p2, preset, demo| {
            shell::with(|c: &Rc<Controller>| c.create_vault(&p1, &p2, preset, demo))
        });
        g.on_unlock(|p| shell::with(|c: &Rc<Controller>| c.unlock(Passphrase::new(p.as_str()))));
        g.on_dismiss_message(|| shell::with(|c: &Rc<Controller>| c.shell.say("", false)));
        g.on_toggle_dark(|| shell::with(|c: &Rc<Controller>| c.toggle_dark()));
        g.on_dialog_closed(|| shell::with(|c: &Rc<Controller>| c.shell.focus_main()));
        ui.window().on_close_requested(|| {
            shell::with(|c: &Rc<Controller>| c.save_window_size());
            slint::CloseRequestResponse::HideWindow
        });
        c
    }

    /// Drops every feature (the window is closing).
    pub fn uninstall() {
        shell::clear();
    }

    /// First screen: unlock an existing vault (at once when a passphrase was given), or welcome.
    pub fn start(self: &Rc<Self>) {
        let exists = self.worker_path().exists();
        self.shell.app(|a| {
            a.global::<ShellGlobal>()
                .set_screen(if exists { "unlock" } else { "welcome" }.into())
        });
        if let Some(ui) = self.shell.ui.upgrade() {
            ui.invoke_focus_screen();
        }
        if exists && let Some(p) = self.passphrase.borrow_mut().take() {
            self.unlock(p);
        }
    }

    fn worker_path(&self) -> PathBuf {
        self.shell
            .app(|a| PathBuf::from(a.global::<ShellGlobal>().get_vault_path().as_str()))
            .unwrap_or_default()
    }

    fn create_vault(self: &Rc<Self>, p1: &str, p2: &str, preset: i32, demo: bool) {
        let error = if p1.is_empty() {
            Some("Choose a passphrase.".to_string())
        } else if p1 != p2 {
            Some("The two passphrases differ.".to_string())
        } else {
            // The same rule as `cardbase init` and `passwd`, said in the same words.
            Passphrase::new(p1).check_strength().err().map(|e| e.to_string())
        };
        if let Some(e) = error {
            self.shell
                .app(|a| a.global::<ShellGlobal>().set_welcome_error(e.into()));
            return;
        }
        self.shell
            .app(|a| a.global::<ShellGlobal>().set_welcome_error("".into()));
        let pass = Passphrase::new(p1);
        let preset = if preset == 1 {
            Preset::ClientBase
        } else {
            Preset::Personal
        };
        self.shell.set_busy(true);
        self.shell.worker.run(
            move |s: &mut Session| -> Opened {
                let mut vault = Vault::create(&s.path, &pass, preset).map_err(|e| e.to_string())?;
                if demo {
                    let today = chrono::Local::now().date_naive();
                    cardbase_engine::demo::load_demo(&mut vault, today).map_err(|e| e.to_string())?;
                }
                let opened = (vault.schema().clone(), read_settings(&vault));
                s.vault = Some(vault);
                Ok(opened)
            },
            |r| shell::with(|c: &Rc<Controller>| c.open_done(r, |a, e| a.global::<ShellGlobal>().set_welcome_error(e))),
        );
    }

    pub(super) fn unlock(self: &Rc<Self>, pass: Passphrase) {
        self.unlocked_at.set(Some(std::time::Instant::now()));
        self.shell.set_busy(true);
        self.shell.worker.run(
            move |s: &mut Session| -> Opened {
                let vault = Vault::open(&s.path, &pass).map_err(|e| match e {
                    Error::WrongPassphraseOrDamaged(_) => {
                        "Wrong passphrase (or the file is damaged). Try again.".to_string()
                    }
                    e => e.to_string(),
                })?;
                let opened = (vault.schema().clone(), read_settings(&vault));
                s.vault = Some(vault);
                Ok(opened)
            },
            |r| shell::with(|c: &Rc<Controller>| c.open_done(r, |a, e| a.global::<ShellGlobal>().set_unlock_error(e))),
        );
    }

    /// A vault was opened or created (or not: the error goes where `show_error` puts it).
    fn open_done(self: &Rc<Self>, result: Opened, show_error: fn(&MainWindow, SharedString)) {
        self.shell.set_busy(false);
        match result {
            Ok(opened) => self.opened(opened),
            Err(e) => {
                self.shell.app(|a| show_error(a, e.into()));
            }
        }
    }

    fn opened(self: &Rc<Self>, (schema, settings): (Schema, Settings)) {
        *self.shell.schema.borrow_mut() = schema;
        self.table.view.borrow_mut().layouts = settings.layouts;
        if settings.dark {
            self.set_dark(true);
        }
        if let (Some((w, h)), Some(ui)) = (settings.window, self.shell.ui.upgrade()) {
            ui.window().set_size(slint::LogicalSize::new(w, h));
        }
        self.shell.app(|a| {
            a.global::<ShellGlobal>().set_screen("main".into());
            a.global::<ShellGlobal>().set_unlock_error("".into());
        });
        let sections = self.shell.visible_sections();
        let start = settings
            .last_section
            .and_then(|k| sections.iter().position(|s| *s == k))
            .unwrap_or(0);
        self.table.refresh_sections();
        if let Some(t) = self.unlocked_at.take()
            && std::env::var_os("CARDBASE_LOG_TIMING").is_some()
        {
            self.table.after_first_fill(move || {
                eprintln!(
                    "cardbase: first page shown {} ms after the passphrase",
                    t.elapsed().as_millis()
                );
            });
        }
        self.table.select_section(start);
        self.reminders.start();
        if let Some(ui) = self.shell.ui.upgrade() {
            ui.invoke_focus_main();
        }
    }

    fn toggle_dark(&self) {
        let dark = !self
            .shell
            .app(|a| a.global::<ShellGlobal>().get_dark())
            .unwrap_or(false);
        self.set_dark(dark);
        self.shell.save_setting("ui.dark", dark.to_string());
    }

    fn set_dark(&self, dark: bool) {
        if let Some(ui) = self.shell.ui.upgrade() {
            ui.global::<ShellGlobal>().set_dark(dark);
            let scheme = if dark {
                slint::language::ColorScheme::Dark
            } else {
                slint::language::ColorScheme::Light
            };
            ui.global::<super::ui::Palette>().set_color_scheme(scheme);
        }
    }

    fn save_window_size(&self) {
        if let Some(ui) = self.shell.ui.upgrade() {
            let size = ui.window().size().to_logical(ui.window().scale_factor());
            self.shell
                .save_setting("ui.window", format!("{}x{}", size.width.round(), size.height.round()));
        }
    }
}

/// Sets the vault path shown on the welcome and unlock screens and used by the worker.
pub(super) fn set_vault_path(ui: &MainWindow, path: &std::path::Path) {
    let app = ui.global::<ShellGlobal>();
    app.set_vault_path(path.display().to_string().into());
    app.set_vault_name(
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
            .into(),
    );
}
