//! The controller: owns the UI-side state, wires the `App` global's callbacks, and turns
//! engine results into what the views show. Engine calls go through the [`Worker`]; their
//! results come back on the UI thread and find the controller through a thread-local, since
//! the UI-side state (models, `Rc`s) must never leave that thread.

use super::rows::RecordRows;
use super::text;
use super::ui::{
    Bulk, Card, ExportDialog, FileBrowser, Form, ImportWizard, PluginManager, Reminders, SchemaEditor, Shell, Sidebar,
    Table,
};
use super::ui::{MainWindow, SectionItem};
use super::worker::{Session, Worker};
use super::{LinkOpener, SystemLinks};
use cardbase_engine::query::SortKey;
use cardbase_engine::schema::{Preset, Schema};
use cardbase_engine::{Error, Passphrase, Vault};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

/// The worker reads go to: see [`Controller::read_worker`].
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

/// How the desktop app starts.
pub struct Options {
    pub vault: PathBuf,
    /// Unlock at once with this passphrase (from `CARDBASE_PASSPHRASE` or a file).
    pub passphrase: Option<Passphrase>,
    pub links: Box<dyn LinkOpener>,
    pub notifier: Box<dyn super::reminders::Notifier>,
}

impl Options {
    pub fn new(vault: PathBuf, passphrase: Option<Passphrase>) -> Options {
        Options {
            vault,
            passphrase,
            links: Box::new(SystemLinks),
            notifier: Box::new(super::reminders::DesktopNotifier),
        }
    }
}

/// A column of the record table: a field key and its width in logical pixels.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ColumnLayout {
    pub key: String,
    pub width: f32,
}

/// What the table shows: the section and how it is narrowed and sorted.
#[derive(Debug, Clone, Default)]
pub struct ViewState {
    pub section: String,
    pub search: String,
    pub filter: String,
    pub group: Option<String>,
    /// Today / overdue / this week, by assignee, by type (dated sections only).
    pub quick: super::quick_filters::QuickFilters,
    pub sort: Vec<SortKey>,
    pub columns: Vec<ColumnLayout>,
    /// Saved column layouts per section key.
    pub layouts: HashMap<String, Vec<ColumnLayout>>,
}

pub struct Controller {
    pub(super) ui: slint::Weak<MainWindow>,
    pub(super) worker: Worker,
    /// While a long import holds `worker`, a second worker with a read-only handle on the
    /// vault (see `read_worker`), so the table, the search and the card stay live.
    pub(super) reads: RefCell<Option<Rc<Worker>>>,
    pub(super) links: Box<dyn LinkOpener>,
    pub(super) notifier: Box<dyn super::reminders::Notifier>,
    /// Reminders already notified in this session (a snooze takes one out again).
    pub(super) notified: RefCell<std::collections::HashSet<String>>,
    /// Set once notifications failed, so the app says why only once.
    pub(super) notifications_off: Cell<bool>,
    /// Plugin reminder rules whose failure was already reported in this session.
    pub(super) rule_problems: RefCell<std::collections::HashSet<String>>,
    /// Keeps the reminder check running while the app is open.
    reminder_timer: slint::Timer,
    pub(super) schema: RefCell<Schema>,
    pub(super) view: RefCell<ViewState>,
    pub(super) rows: Rc<RecordRows>,
    pub(super) current: Cell<Option<usize>>,
    /// The record a Shift-click selects from.
    pub(super) anchor: Cell<Option<i64>>,
    /// Counts table refreshes, so the engine skips any a newer one has replaced.
    pub(super) refresh_seq: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// A record to select once the table has loaded (after a save or a jump to a relation).
    pub(super) pending_select: Cell<Option<i64>>,
    pub(super) form: RefCell<Option<super::form::FormState>>,
    pub(super) form_model: Rc<VecModel<super::ui::FieldView>>,
    passphrase: RefCell<Option<Passphrase>>,
    /// When the passphrase was given; with `CARDBASE_LOG_TIMING` set, the time to the first
    /// page of rows is printed (for measuring start-up on large vaults).
    pub(super) unlocked_at: Cell<Option<std::time::Instant>>,
    /// The files the photo picker lists, in its order (folders flagged).
    pub(super) photo_paths: RefCell<Vec<(PathBuf, bool)>>,
    /// What the file browser is choosing a file for.
    pub(super) picking: Cell<super::photo_picker::Purpose>,
    /// The import wizard's file, columns and mapping.
    pub(super) import: RefCell<super::transfer::ImportState>,
    /// The formats the export dialog offers: the built-in ones, then the enabled exporter plugins.
    pub(super) export_formats: RefCell<Vec<cardbase_workflows::export::Format>>,
    /// The sidebar's groups still have to be read for the section just opened.
    pub(super) groups_due: Cell<bool>,
    /// A form save is on its way to the engine.
    pub(super) saving: Cell<bool>,
}

thread_local! {
    static CONTROLLER: RefCell<Option<Rc<Controller>>> = const { RefCell::new(None) };
}

/// Runs `f` with the controller, if the app is still up (results may arrive after it closed).
pub(super) fn with_controller(f: impl FnOnce(&Rc<Controller>)) {
    let c = CONTROLLER.with(|c| c.borrow().clone());
    if let Some(c) = c {
        f(&c);
    }
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
    /// Creates the controller for a window and wires every callback.
    pub fn install(ui: &MainWindow, worker: Worker, options: Options) -> Rc<Controller> {
        let rows = RecordRows::new();
        let c = Rc::new(Controller {
            ui: ui.as_weak(),
            worker,
            reads: RefCell::new(None),
            links: options.links,
            notifier: options.notifier,
            notified: RefCell::new(Default::default()),
            notifications_off: Cell::new(false),
            rule_problems: RefCell::new(Default::default()),
            reminder_timer: slint::Timer::default(),
            schema: RefCell::new(Schema::default()),
            view: RefCell::new(ViewState::default()),
            rows: rows.clone(),
            current: Cell::new(None),
            anchor: Cell::new(None),
            refresh_seq: Default::default(),
            pending_select: Cell::new(None),
            form: RefCell::new(None),
            form_model: Rc::new(VecModel::default()),
            passphrase: RefCell::new(options.passphrase),
            unlocked_at: Cell::new(None),
            groups_due: Cell::new(false),
            saving: Cell::new(false),
            photo_paths: RefCell::new(Vec::new()),
            picking: Cell::new(super::photo_picker::Purpose::Import),
            import: RefCell::new(Default::default()),
            export_formats: RefCell::new(Vec::new()),
        });
        CONTROLLER.with(|slot| *slot.borrow_mut() = Some(c.clone()));
        set_vault_path(ui, &options.vault);
        let app = ui;
        app.global::<Table>().set_rows(ModelRc::from(rows.clone()));
        app.global::<Form>().set_fields(ModelRc::from(c.form_model.clone()));
        app.global::<SchemaEditor>()
            .set_field_types(ModelRc::new(VecModel::from(
                cardbase_engine::FieldType::ALL
                    .iter()
                    .map(|t| SharedString::from(t.key()))
                    .collect::<Vec<_>>(),
            )));
        rows.set_request(Box::new(|generation, page, ids| {
            with_controller(|c| c.load_page(generation, page, ids));
        }));
        rows.set_on_fill(Box::new(|| {
            with_controller(|c| {
                if c.groups_due.take() {
                    c.load_groups();
                }
                if let Some(t) = c.unlocked_at.take()
                    && std::env::var_os("CARDBASE_LOG_TIMING").is_some()
                {
                    eprintln!(
                        "cardbase: first page shown {} ms after the passphrase",
                        t.elapsed().as_millis()
                    );
                }
            })
        }));
        c.wire(ui);
        c
    }

    /// Drops the controller (the window is closing).
    pub fn uninstall() {
        CONTROLLER.with(|slot| slot.borrow_mut().take());
    }

    /// The worker for what the user is looking at (rows, the card, a search): the reader while
    /// an import holds the main worker, else the main worker.
    pub(super) fn read_worker(&self) -> ReadWorker<'_> {
        match self.reads.borrow().as_ref() {
            Some(reader) => ReadWorker::Reader(reader.clone()),
            None => ReadWorker::Main(&self.worker),
        }
    }

    pub(super) fn app<R>(&self, f: impl FnOnce(&MainWindow) -> R) -> Option<R> {
        self.ui.upgrade().map(|ui| f(&ui))
    }

    /// Shows a message in the bar at the bottom of the window.
    pub(super) fn say(&self, text: impl Into<String>, error: bool) {
        let text = text.into();
        self.app(|a| {
            a.global::<Shell>().set_message(text.into());
            a.global::<Shell>().set_message_is_error(error);
        });
    }

    pub(super) fn set_busy(&self, busy: bool) {
        self.app(|a| a.global::<Shell>().set_busy(busy));
    }

    fn wire(self: &Rc<Self>, ui: &MainWindow) {
        macro_rules! on {
            ($global:ident, $setter:ident, |$c:ident $(, $arg:ident)*| $body:expr) => {{
                ui.global::<$global>().$setter(move |$($arg),*| with_controller(|$c| { $body; }));
            }};
        }
        ui.global::<Shell>()
            .on_passphrase_strength(|p| text::passphrase_strength(&p).into());
        on!(Shell, on_create_vault, |c, p1, p2, preset, demo| c
            .create_vault(&p1, &p2, preset, demo));
        on!(Shell, on_unlock, |c, p| c.unlock(Passphrase::new(p.as_str())));
        on!(Sidebar, on_select_section, |c, i| c.select_section(i as usize));
        on!(Sidebar, on_select_group, |c, i| c.select_group(i));
        on!(Table, on_search_edited, |c, t| c.search_edited(&t));
        on!(Table, on_filter_accepted, |c, t| c.filter_accepted(&t));
        on!(Table, on_quick_changed, |c| c.quick_changed());
        on!(Table, on_sort_by, |c, j, add| c.sort_by(j as usize, add));
        on!(Table, on_row_clicked, |c, i, ctrl, shift| c
            .row_clicked(i as usize, ctrl, shift));
        on!(Table, on_move_current, |c, d| c.move_current(d));
        on!(Table, on_filter_by_cell, |c, i, j| c
            .filter_by_cell(i as usize, j as usize));
        on!(Table, on_resize_column, |c, j, w| c.resize_column(j as usize, w));
        on!(Table, on_resize_done, |c| c.save_layout());
        on!(Table, on_toggle_column, |c, k| c.toggle_column(&k));
        on!(Table, on_move_column, |c, k, d| c.move_column(&k, d));
        on!(Card, on_open_link, |c, l| c.open_link(&l));
        on!(Card, on_event_plan, |c| c.event_plan());
        on!(Card, on_event_done, |c, e| c.event_done(e as i64));
        on!(Table, on_new_record, |c| c.new_record());
        on!(Bulk, on_show, |c| c.bulk_open());
        on!(Table, on_edit_record, |c| c.edit_record());
        on!(Table, on_delete_selected, |c| c.delete_selected());
        on!(Table, on_undo, |c| c.undo());
        on!(Form, on_save, |c| c.form_save());
        on!(Form, on_item_add, |c, f| c.form_item_add(f as usize));
        on!(Form, on_item_remove, |c, f, i| c
            .form_item_remove(f as usize, i as usize));
        on!(Form, on_tag_add, |c, f, t| c.form_tag_add(f as usize, &t));
        on!(Bulk, on_apply, |c, f, v| c.bulk_apply(f as usize, v.to_string()));
        ui.global::<Form>().on_date_of(|t| super::form::date_of(&t));
        ui.global::<Form>()
            .on_date_text(|k, d, old| super::form::date_text(&k, d, &old).into());
        on!(Form, on_cancel, |c| c.form_cancel());
        on!(SchemaEditor, on_show, |c| c.schema_show());
        on!(SchemaEditor, on_close, |c| c.schema_close());
        on!(SchemaEditor, on_select_section, |c, i| c
            .schema_select_section(i as usize));
        on!(SchemaEditor, on_rename_section, |c, i, l| c
            .schema_rename_section(i as usize, l.to_string()));
        on!(SchemaEditor, on_toggle_section_hidden, |c, i| c
            .schema_toggle_section_hidden(i as usize));
        on!(SchemaEditor, on_move_section, |c, i, d| c
            .schema_move_section(i as usize, d));
        on!(SchemaEditor, on_delete_section, |c, i| c
            .schema_delete_section(i as usize));
        on!(SchemaEditor, on_restore_section, |c, i| c
            .schema_restore_section(i as usize));
        on!(SchemaEditor, on_add_section, |c, k, l| c
            .schema_add_section(k.to_string(), l.to_string()));
        on!(SchemaEditor, on_rename_field, |c, i, l| c
            .schema_rename_field(i as usize, l.to_string()));
        on!(SchemaEditor, on_toggle_field_hidden, |c, i| c
            .schema_toggle_field_hidden(i as usize));
        on!(SchemaEditor, on_move_field, |c, i, d| c
            .schema_move_field(i as usize, d));
        on!(SchemaEditor, on_delete_field, |c, i| c.schema_delete_field(i as usize));
        on!(SchemaEditor, on_restore_field, |c, i| c
            .schema_restore_field(i as usize));
        on!(SchemaEditor, on_change_type, |c, i, t| c
            .schema_change_type(i as usize, t as usize));
        on!(SchemaEditor, on_add_field, |c, k, l, t| c.schema_add_field(
            k.to_string(),
            l.to_string(),
            t as usize
        ));
        on!(Shell, on_dismiss_message, |c| c.say("", false));
        on!(Reminders, on_check, |c| c.check_reminders());
        on!(Reminders, on_open, |c, i| c.reminder_open(i as usize));
        on!(Reminders, on_snooze, |c, i, m| c.reminder_snooze(i as usize, m));
        on!(Reminders, on_snooze_until, |c, i, t| c
            .reminder_snooze_until(i as usize, &t));
        on!(Reminders, on_dismiss, |c, i| c.reminder_dismiss(i as usize));
        on!(SchemaEditor, on_edit_options, |c, i| c.schema_edit_options(i as usize));
        on!(SchemaEditor, on_save_options, |c, o| c.schema_save_options(o));
        on!(Form, on_choose_photo, |c, f| c.photo_browse(f as usize));
        on!(FileBrowser, on_open_entry, |c, i| c.photo_open_entry(i as usize));
        on!(FileBrowser, on_up, |c| c.photo_up());
        on!(ImportWizard, on_show, |c| c.import_show());
        on!(ImportWizard, on_browse, |c| c.import_browse());
        on!(ImportWizard, on_load, |c| c.import_load());
        on!(ImportWizard, on_remap, |c, col, f| c
            .import_remap(col as usize, f as usize));
        on!(ImportWizard, on_new_field, |c, col| c.import_new_field(col as usize));
        on!(ImportWizard, on_run, |c| c.import_run());
        on!(ImportWizard, on_cancel, |c| c.import_cancel());
        on!(ExportDialog, on_show, |c| c.export_show());
        on!(ExportDialog, on_format_changed, |c| c.export_format_changed());
        on!(ExportDialog, on_run, |c| c.export_run());
        on!(PluginManager, on_show, |c| c.plugins_show());
        on!(PluginManager, on_browse, |c| c.plugin_browse());
        on!(PluginManager, on_install, |c| c.plugin_install());
        on!(PluginManager, on_set_enabled, |c, i, on| c
            .plugin_set_enabled(i as usize, on));
        on!(PluginManager, on_set_secrets, |c, i, on| c
            .plugin_set_secrets(i as usize, on));
        on!(PluginManager, on_remove, |c, i| c.plugin_remove(i as usize));
        on!(Shell, on_toggle_dark, |c| c.toggle_dark());
        if let Some(ui) = self.ui.upgrade() {
            ui.window().on_close_requested(|| {
                with_controller(|c| c.save_window_size());
                slint::CloseRequestResponse::HideWindow
            });
        }
    }

    /// First screen: unlock an existing vault (at once when a passphrase was given), or welcome.
    pub fn start(self: &Rc<Self>) {
        let exists = self.worker_path().exists();
        self.app(|a| {
            a.global::<Shell>()
                .set_screen(if exists { "unlock" } else { "welcome" }.into())
        });
        if let Some(ui) = self.ui.upgrade() {
            ui.invoke_focus_screen();
        }
        if exists && let Some(p) = self.passphrase.borrow_mut().take() {
            self.unlock(p);
        }
    }

    fn worker_path(&self) -> PathBuf {
        self.app(|a| PathBuf::from(a.global::<Shell>().get_vault_path().as_str()))
            .unwrap_or_default()
    }

    fn create_vault(self: &Rc<Self>, p1: &str, p2: &str, preset: i32, demo: bool) {
        let error = if p1.is_empty() {
            Some("Choose a passphrase.")
        } else if p1 != p2 {
            Some("The two passphrases differ.")
        } else {
            None
        };
        if let Some(e) = error {
            self.app(|a| a.global::<Shell>().set_welcome_error(e.into()));
            return;
        }
        self.app(|a| a.global::<Shell>().set_welcome_error("".into()));
        let pass = Passphrase::new(p1);
        let preset = if preset == 1 {
            Preset::ClientBase
        } else {
            Preset::Personal
        };
        self.set_busy(true);
        self.worker.run(
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
            |r| with_controller(|c| c.open_done(r, |a, e| a.global::<Shell>().set_welcome_error(e))),
        );
    }

    pub(super) fn unlock(self: &Rc<Self>, pass: Passphrase) {
        self.unlocked_at.set(Some(std::time::Instant::now()));
        self.set_busy(true);
        self.worker.run(
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
            |r| with_controller(|c| c.open_done(r, |a, e| a.global::<Shell>().set_unlock_error(e))),
        );
    }

    /// A vault was opened or created (or not: the error goes where `show_error` puts it).
    fn open_done(self: &Rc<Self>, result: Opened, show_error: fn(&MainWindow, SharedString)) {
        self.set_busy(false);
        match result {
            Ok(opened) => self.opened(opened),
            Err(e) => {
                self.app(|a| show_error(a, e.into()));
            }
        }
    }

    fn opened(self: &Rc<Self>, (schema, settings): (Schema, Settings)) {
        *self.schema.borrow_mut() = schema;
        self.view.borrow_mut().layouts = settings.layouts;
        if settings.dark {
            self.set_dark(true);
        }
        if let (Some((w, h)), Some(ui)) = (settings.window, self.ui.upgrade()) {
            ui.window().set_size(slint::LogicalSize::new(w, h));
        }
        self.app(|a| {
            a.global::<Shell>().set_screen("main".into());
            a.global::<Shell>().set_unlock_error("".into());
        });
        let sections = self.visible_sections();
        let start = settings
            .last_section
            .and_then(|k| sections.iter().position(|s| *s == k))
            .unwrap_or(0);
        self.refresh_sections();
        self.select_section(start);
        // Due reminders now (missed ones included), then every minute.
        self.check_reminders();
        self.reminder_timer
            .start(slint::TimerMode::Repeated, super::reminders::CHECK_EVERY, || {
                with_controller(|c| c.check_reminders());
            });
        if let Some(ui) = self.ui.upgrade() {
            ui.invoke_focus_main();
        }
    }

    /// Keys of the sections the sidebar shows, in order.
    pub(super) fn visible_sections(&self) -> Vec<String> {
        self.schema
            .borrow()
            .live_sections()
            .filter(|s| !s.hidden)
            .map(|s| s.key.clone())
            .collect()
    }

    /// Reloads the sidebar: labels from the schema, counts from the vault.
    pub(super) fn refresh_sections(self: &Rc<Self>) {
        let keys = self.visible_sections();
        self.worker.run(
            move |s: &mut Session| {
                let Some(v) = s.vault.as_ref() else { return Vec::new() };
                keys.iter()
                    .filter_map(|k| {
                        let section = v.schema().section(k)?;
                        Some((k.clone(), section.label.clone(), v.count(k).unwrap_or(0)))
                    })
                    .collect::<Vec<_>>()
            },
            |list| {
                with_controller(|c| {
                    let current = c.view.borrow().section.clone();
                    let items: Vec<SectionItem> = list
                        .iter()
                        .map(|(k, l, n)| SectionItem {
                            key: k.as_str().into(),
                            label: text::bidi_display(l).into(),
                            count: *n as i32,
                        })
                        .collect();
                    let index = list
                        .iter()
                        .position(|(k, _, _)| *k == current)
                        .map(|i| i as i32)
                        .unwrap_or(-1);
                    c.app(|a| {
                        a.global::<Sidebar>().set_sections(ModelRc::new(VecModel::from(items)));
                        a.global::<Sidebar>().set_current_section(index);
                    });
                })
            },
        );
    }

    fn toggle_dark(&self) {
        let dark = !self.app(|a| a.global::<Shell>().get_dark()).unwrap_or(false);
        self.set_dark(dark);
        self.save_setting("ui.dark", dark.to_string());
    }

    fn set_dark(&self, dark: bool) {
        if let Some(ui) = self.ui.upgrade() {
            ui.global::<Shell>().set_dark(dark);
            let scheme = if dark {
                slint::language::ColorScheme::Dark
            } else {
                slint::language::ColorScheme::Light
            };
            ui.global::<super::ui::Palette>().set_color_scheme(scheme);
        }
    }

    /// Saves a setting in the vault, in the background.
    pub(super) fn save_setting(&self, key: &str, value: String) {
        let key = key.to_string();
        self.worker.run(
            move |s: &mut Session| {
                if let Some(v) = s.vault.as_mut() {
                    let _ = v.set_setting(&key, &value);
                }
            },
            |_| {},
        );
    }

    fn save_window_size(&self) {
        if let Some(ui) = self.ui.upgrade() {
            let size = ui.window().size().to_logical(ui.window().scale_factor());
            self.save_setting("ui.window", format!("{}x{}", size.width.round(), size.height.round()));
        }
    }

    fn open_link(self: &Rc<Self>, link: &str) {
        if let Some(id) = link.strip_prefix('#').and_then(|i| i.parse::<i64>().ok()) {
            self.open_record(id);
        } else if let Err(e) = self.links.open(link) {
            self.say(e, true);
        }
    }
}

/// Sets the vault path shown on the welcome and unlock screens and used by the worker.
pub(super) fn set_vault_path(ui: &MainWindow, path: &std::path::Path) {
    let app = ui.global::<Shell>();
    app.set_vault_path(path.display().to_string().into());
    app.set_vault_name(
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
            .into(),
    );
}
