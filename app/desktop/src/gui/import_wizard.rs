//! The import wizard and the export dialog. Files are read and written on the engine thread;
//! the wizard shows where each column goes with its first values as they will land. Files the
//! built-in readers do not read (a `.vcf`) go to the enabled importer plugin that claims them,
//! and enabled exporter plugins are offered beside the built-in formats.

use super::file_browser::{self, FileBrowserController};
use super::shell::{self, Shell};
use super::table::TableController;
use super::ui::ImportColumn;
use super::ui::{ImportWizard, MainWindow};
use super::worker::Session;
use cardbase_engine::import::table::Cell;
use cardbase_engine::import::{self, DateOrder, Existing, ImportOptions, cell_value};
use cardbase_engine::schema::{Field, FieldSpec};
use cardbase_engine::{Error, FieldType, Schema};
use cardbase_workflows::import::new_fields::{self, NewField};
use cardbase_workflows::import::{ReadOptions, key_from_header};
use cardbase_workflows::{Cancel, Progress};
use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Rows shown as a preview per column.
const PREVIEW_ROWS: usize = 3;

/// Rows read ahead to type the fields offered for columns no field takes.
const SAMPLE_ROWS: usize = 200;

/// What the wizard knows about the file being imported.
#[derive(Default)]
pub(super) struct ImportState {
    sections: Vec<String>,
    sheets: Vec<String>,
    headers: Vec<String>,
    samples: Vec<Vec<Cell>>,
    /// The fields offered in the mapping lists (index 0 of the list is "ignore").
    fields: Vec<Field>,
    mapping: Vec<Option<String>>,
    /// The fields offered for columns no field takes, and the columns whose offer the user
    /// unticked.
    new_fields: Vec<NewField>,
    declined: Vec<usize>,
    /// The file is read by a plugin: its cells come typed, so photo fields take them too.
    typed: bool,
    /// The kinds of file the wizard reads: the built-in ones, then the plugins'.
    extensions: Vec<String>,
    cancel: Cancel,
}

/// What reading the head of a file gives the wizard.
struct Head {
    sheets: Vec<String>,
    headers: Vec<String>,
    samples: Vec<Vec<Cell>>,
    mapping: Vec<Option<String>>,
    fields: Vec<Field>,
    new_fields: Vec<NewField>,
    about: String,
    /// The name of the plugin that read the file, if one did.
    plugin: Option<String>,
}

/// Opens a file for import the way both front ends do (`cardbase_workflows::import::open`).
fn open_file(
    s: &mut Session,
    path: &Path,
    sheet: Option<String>,
) -> Result<cardbase_workflows::import::Source, String> {
    let options = ReadOptions {
        sheet,
        ..ReadOptions::default()
    };
    let source = cardbase_workflows::import::open(path, &options, &mut s.plugins).map_err(|e| e.to_string());
    for e in s.plugins.take_problems() {
        eprintln!("cardbase: a bundled plugin could not be installed: {e}");
    }
    source
}

/// A cell as the preview shows it when no field converts it.
fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => t.clone(),
        Cell::Typed(v) => v.display(),
        other => format!("{other:?}"),
    }
}

fn field_list(fields: &[Field]) -> Vec<SharedString> {
    std::iter::once(SharedString::from("(ignore)"))
        .chain(
            fields
                .iter()
                .map(|f| SharedString::from(format!("{} ({})", f.label, f.key))),
        )
        .collect()
}

/// How a column's first values will land in its field (or why they will not).
fn preview(field: Option<&Field>, samples: &[Vec<Cell>], column: usize, order: DateOrder) -> String {
    let values = samples
        .iter()
        .filter_map(|row| row.get(column))
        .filter(|c| !c.is_empty())
        .take(PREVIEW_ROWS);
    let shown: Vec<String> = values
        .map(|cell| match field {
            None => cell_text(cell),
            Some(f) if f.kind == FieldType::Relation => format!("→ {}", cell_text(cell)),
            Some(f) => match cell_value(f, cell, order) {
                Ok(Some(v)) => v.display(),
                Ok(None) => String::new(),
                Err(e) => format!("⚠ {e}"),
            },
        })
        .collect();
    shown.join("  ·  ")
}

/// The import wizard: its file, columns and mapping, over the import workflow.
pub(super) struct ImportWizardController {
    shell: Rc<Shell>,
    table: Rc<TableController>,
    files: Rc<FileBrowserController>,
    import: RefCell<ImportState>,
}

impl ImportWizardController {
    pub(super) fn install(
        table: &Rc<TableController>,
        files: &Rc<FileBrowserController>,
        ui: &MainWindow,
    ) -> Rc<ImportWizardController> {
        let c = Rc::new(ImportWizardController {
            shell: table.shell.clone(),
            table: table.clone(),
            files: files.clone(),
            import: RefCell::new(ImportState::default()),
        });
        shell::register(c.clone());
        macro_rules! on {
            ($setter:ident, |$c:ident $(, $arg:ident)*| $body:expr) => {{
                ui.global::<ImportWizard>().$setter(move |$($arg),*| shell::with(|$c: &Rc<ImportWizardController>| { $body; }));
            }};
        }
        on!(on_show, |c| c.import_show());
        on!(on_browse, |c| c.import_browse());
        on!(on_load, |c| c.import_load());
        on!(on_remap, |c, col, f| c.import_remap(col as usize, f as usize));
        on!(on_new_field, |c, col| c.import_new_field(col as usize));
        on!(on_create_field, |c, col, create| c
            .import_create_field(col as usize, create));
        on!(on_run, |c| c.import_run());
        on!(on_cancel, |c| c.import_cancel());
        c
    }

    pub(super) fn import_show(&self) {
        let sections = self.shell.visible_sections();
        let current = self.table.view.borrow().section.clone();
        let labels: Vec<SharedString> = {
            let schema = self.shell.schema.borrow();
            sections
                .iter()
                .filter_map(|k| schema.section(k))
                .map(|s| SharedString::from(s.label.as_str()))
                .collect()
        };
        let index = sections.iter().position(|k| *k == current).unwrap_or(0);
        let extensions = std::mem::take(&mut self.import.borrow_mut().extensions);
        *self.import.borrow_mut() = ImportState {
            sections,
            extensions,
            ..ImportState::default()
        };
        self.show_import_hint();
        self.shell.app(|a| {
            a.global::<ImportWizard>()
                .set_sections(ModelRc::new(VecModel::from(labels)));
            a.global::<ImportWizard>().set_section(index as i32);
            a.global::<ImportWizard>().set_step(0);
            a.global::<ImportWizard>().set_error("".into());
            a.global::<ImportWizard>().set_about("".into());
            a.global::<ImportWizard>().set_sheets(ModelRc::default());
            a.global::<ImportWizard>().set_sheet(0);
            a.global::<ImportWizard>().set_shown(true);
        });
        // What the enabled importer plugins read, for the hint and the file browser.
        self.shell.worker.run(
            |s: &mut Session| cardbase_workflows::import::importable_extensions(&mut s.plugins),
            |exts| {
                shell::with(|c: &Rc<ImportWizardController>| {
                    c.import.borrow_mut().extensions = exts;
                    c.show_import_hint();
                })
            },
        );
    }

    /// The kinds of file the wizard reads: the built-in ones, then the plugins'.
    pub(super) fn import_extensions(&self) -> Vec<String> {
        let known = self.import.borrow().extensions.clone();
        if known.is_empty() {
            cardbase_workflows::import::built_in_extensions()
                .iter()
                .map(|e| e.to_string())
                .collect()
        } else {
            known
        }
    }

    fn show_import_hint(&self) {
        let mut kinds: Vec<String> = self.import_extensions().iter().map(|e| format!(".{e}")).collect();
        let last = kinds.pop().unwrap_or_default();
        let hint = format!("A {} or {last} file", kinds.join(", "));
        self.shell.app(|a| a.global::<ImportWizard>().set_hint(hint.into()));
    }

    pub(super) fn import_browse(&self) {
        let typed = self
            .shell
            .app(|a| a.global::<ImportWizard>().get_file().to_string())
            .unwrap_or_default();
        let documents = directories::UserDirs::new().and_then(|u| u.document_dir().map(Into::into));
        self.files.open(
            self.import_extensions(),
            file_browser::start_folder(&typed, documents),
            Box::new(|path| {
                shell::with(|c: &Rc<ImportWizardController>| {
                    c.shell
                        .app(|a| a.global::<ImportWizard>().set_file(path.display().to_string().into()));
                    // A chosen file is read at once: no extra "Read" step.
                    c.import_load();
                })
            }),
        );
    }

    /// Reads the head of the chosen file and suggests where each column goes.
    pub(super) fn import_load(self: &Rc<Self>) {
        let Some((path, section, sheet_index)) = self.shell.app(|a| {
            (
                PathBuf::from(a.global::<ImportWizard>().get_file().as_str()),
                a.global::<ImportWizard>().get_section(),
                a.global::<ImportWizard>().get_sheet(),
            )
        }) else {
            return;
        };
        if path.as_os_str().is_empty() {
            self.shell
                .app(|a| a.global::<ImportWizard>().set_error("Choose a file to import.".into()));
            return;
        }
        let Some(section) = self.import.borrow().sections.get(section.max(0) as usize).cloned() else {
            return;
        };
        let sheet = self.import.borrow().sheets.get(sheet_index.max(0) as usize).cloned();
        self.shell.worker.run(
            move |s: &mut Session| -> Result<Head, String> {
                if s.vault.is_none() {
                    return Err("the vault is not open".into());
                }
                let mut source = open_file(s, &path, sheet)?;
                let v = s.vault.as_ref().ok_or("the vault is not open")?;
                let preview = cardbase_workflows::import::preview(v, &mut source, &section, SAMPLE_ROWS)
                    .map_err(|e| e.to_string())?;
                let new_fields = new_fields::unmatched_columns(v, &section, &preview).map_err(|e| e.to_string())?;
                Ok(Head {
                    new_fields,
                    sheets: source.sheets.clone(),
                    headers: preview.headers,
                    samples: preview.samples,
                    mapping: preview.mapping,
                    fields: preview.fields,
                    about: source.reader.describe(),
                    plugin: source.plugin.map(|p| p.name),
                })
            },
            |r| {
                shell::with(|c: &Rc<ImportWizardController>| match r {
                    Ok(head) => c.show_head(head),
                    Err(e) => {
                        c.shell.app(|a| a.global::<ImportWizard>().set_error(e.into()));
                    }
                })
            },
        );
    }

    fn show_head(&self, head: Head) {
        let sheet_names: Vec<SharedString> = head.sheets.iter().map(|s| s.as_str().into()).collect();
        let upsert: Vec<SharedString> = std::iter::once(SharedString::from("(none: always add)"))
            .chain(
                head.fields
                    .iter()
                    .filter(|f| f.unique)
                    .map(|f| SharedString::from(f.label.as_str())),
            )
            .collect();
        let about = match &head.plugin {
            Some(name) => format!("Read by plugin {name}: {} columns", head.headers.len()),
            None if head.about.is_empty() => format!("{} columns", head.headers.len()),
            None => format!("{} columns, read as {}", head.headers.len(), head.about),
        };
        {
            let mut st = self.import.borrow_mut();
            st.typed = head.plugin.is_some();
            st.sheets = head.sheets;
            st.headers = head.headers;
            st.samples = head.samples;
            st.fields = head.fields;
            st.mapping = head.mapping;
            st.new_fields = head.new_fields;
            st.declined.clear();
        }
        self.shell.app(|a| {
            a.global::<ImportWizard>()
                .set_sheets(ModelRc::new(VecModel::from(sheet_names)));
            a.global::<ImportWizard>()
                .set_upsert_fields(ModelRc::new(VecModel::from(upsert)));
            a.global::<ImportWizard>().set_upsert(0);
            a.global::<ImportWizard>().set_about(about.into());
            a.global::<ImportWizard>().set_error("".into());
            a.global::<ImportWizard>().set_step(1);
        });
        self.show_import_columns();
    }

    fn show_import_columns(&self) {
        let order = self.date_order();
        let st = self.import.borrow();
        let columns: Vec<ImportColumn> = st
            .headers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let key = st.mapping.get(i).cloned().flatten();
                let index = key
                    .as_ref()
                    .and_then(|k| st.fields.iter().position(|f| &f.key == k))
                    .map(|p| p + 1)
                    .unwrap_or(0);
                let field = index.checked_sub(1).and_then(|p| st.fields.get(p));
                let offered = st.new_fields.iter().find(|f| f.column == i);
                ImportColumn {
                    header: h.as_str().into(),
                    field: index as i32,
                    preview: preview(field, &st.samples, i, order).into(),
                    new_field: offered
                        .map(|f| format!("{} ({})", f.spec.label, f.spec.kind.name()))
                        .unwrap_or_default()
                        .into(),
                    create: !st.declined.contains(&i),
                }
            })
            .collect();
        let fields = field_list(&st.fields);
        self.shell.app(|a| {
            a.global::<ImportWizard>()
                .set_fields(ModelRc::new(VecModel::from(fields)));
            a.global::<ImportWizard>()
                .set_columns(ModelRc::new(VecModel::from(columns)));
        });
    }

    fn date_order(&self) -> DateOrder {
        if self
            .shell
            .app(|a| a.global::<ImportWizard>().get_day_first())
            .unwrap_or(false)
        {
            DateOrder::DayFirst
        } else {
            DateOrder::MonthFirst
        }
    }

    pub(super) fn import_remap(&self, column: usize, field: usize) {
        let order = self.date_order();
        let row = {
            let mut st = self.import.borrow_mut();
            let key = field
                .checked_sub(1)
                .and_then(|i| st.fields.get(i))
                .map(|f| f.key.clone());
            if let Some(slot) = st.mapping.get_mut(column) {
                *slot = key;
            }
            let f = field.checked_sub(1).and_then(|i| st.fields.get(i));
            preview(f, &st.samples, column, order)
        };
        self.shell.app(|a| {
            let cols = a.global::<ImportWizard>().get_columns();
            if let Some(mut c) = cols.row_data(column) {
                c.field = field as i32;
                c.preview = row.into();
                cols.set_row_data(column, c);
            }
        });
    }

    /// Ticks or unticks the new field offered for a column.
    pub(super) fn import_create_field(&self, column: usize, create: bool) {
        let mut st = self.import.borrow_mut();
        st.declined.retain(|c| *c != column);
        if !create {
            st.declined.push(column);
        }
    }

    /// "Create a new custom field from this column": a text field named like the header.
    pub(super) fn import_new_field(self: &Rc<Self>, column: usize) {
        let (section, header, taken) = {
            let st = self.import.borrow();
            let Some(section) = self
                .shell
                .app(|a| a.global::<ImportWizard>().get_section())
                .and_then(|i| st.sections.get(i.max(0) as usize).cloned())
            else {
                return;
            };
            let Some(header) = st.headers.get(column).cloned() else {
                return;
            };
            let taken: Vec<String> = self
                .shell
                .schema
                .borrow()
                .section(&section)
                .map(|s| s.fields.iter().map(|f| f.key.clone()).collect())
                .unwrap_or_default();
            (section, header, taken)
        };
        let key = key_from_header(&header, &taken);
        let typed = self.import.borrow().typed;
        let label = if header.trim().is_empty() {
            key.clone()
        } else {
            header.trim().to_string()
        };
        self.shell.worker.run(
            move |s: &mut Session| -> Result<_, String> {
                let v = s.vault.as_mut().ok_or("the vault is not open")?;
                v.add_field(&section, &FieldSpec::new(&key, &label, FieldType::Text))
                    .map_err(|e| e.to_string())?;
                let fields: Vec<Field> = v
                    .schema()
                    .require_section(&section)
                    .map_err(|e| e.to_string())?
                    .visible_fields()
                    .filter(|f| typed || f.kind != FieldType::Photo)
                    .cloned()
                    .collect();
                Ok((v.schema().clone(), fields, key))
            },
            move |r| {
                shell::with(|c: &Rc<ImportWizardController>| match r {
                    Ok((schema, fields, key)) => {
                        *c.shell.schema.borrow_mut() = schema;
                        {
                            let mut st = c.import.borrow_mut();
                            st.fields = fields;
                            if let Some(slot) = st.mapping.get_mut(column) {
                                *slot = Some(key);
                            }
                        }
                        c.show_import_columns();
                        c.table.show_columns();
                    }
                    Err(e) => {
                        c.shell.app(|a| a.global::<ImportWizard>().set_error(e.into()));
                    }
                })
            },
        );
    }

    pub(super) fn import_run(self: &Rc<Self>) {
        let Some((path, section_index, sheet_index, upsert_index, skip_bad)) = self.shell.app(|a| {
            (
                PathBuf::from(a.global::<ImportWizard>().get_file().as_str()),
                a.global::<ImportWizard>().get_section(),
                a.global::<ImportWizard>().get_sheet(),
                a.global::<ImportWizard>().get_upsert(),
                a.global::<ImportWizard>().get_skip_bad(),
            )
        }) else {
            return;
        };
        let cancel = Cancel::default();
        let options = {
            let mut st = self.import.borrow_mut();
            st.cancel = cancel.clone();
            let unique: Vec<&Field> = st.fields.iter().filter(|f| f.unique).collect();
            ImportOptions {
                section: st
                    .sections
                    .get(section_index.max(0) as usize)
                    .cloned()
                    .unwrap_or_default(),
                mapping: st.mapping.clone(),
                upsert: upsert_index
                    .checked_sub(1)
                    .and_then(|i| unique.get(i as usize))
                    .map(|f| f.key.clone()),
                on_existing: Existing::Update,
                skip_bad_rows: skip_bad,
                dry_run: false,
                date_order: self.date_order(),
            }
        };
        // The offered fields still ticked, for columns the user did not map elsewhere.
        let adding: Vec<NewField> = {
            let st = self.import.borrow();
            st.new_fields
                .iter()
                .filter(|f| !st.declined.contains(&f.column) && st.mapping.get(f.column).is_some_and(Option::is_none))
                .cloned()
                .collect()
        };
        let sheet = self.import.borrow().sheets.get(sheet_index.max(0) as usize).cloned();
        let weak = self.shell.ui.clone();
        self.shell.app(|a| {
            a.global::<ImportWizard>().set_step(2);
            a.global::<ImportWizard>().set_progress(0.0);
            a.global::<ImportWizard>().set_error("".into());
        });
        // Reads go to a read-only handle while the import holds the engine thread.
        self.shell.worker.run(
            |s: &mut Session| s.vault.as_ref().map(|v| v.reader()),
            |reader| {
                shell::with(|c: &Rc<ImportWizardController>| match reader {
                    Some(Ok(v)) => {
                        let session = Session {
                            path: v.path().to_path_buf(),
                            vault: Some(v),
                            plugins: cardbase_workflows::Plugins::none(),
                        };
                        *c.shell.reads.borrow_mut() = Some(Rc::new(c.shell.worker.sibling(session)));
                    }
                    // Without a reader the app still works; reads just wait for the import.
                    Some(Err(e)) => eprintln!("cardbase: no reader during the import: {e}"),
                    None => {}
                })
            },
        );
        self.shell.worker.run(
            move |s: &mut Session| -> (Result<import::ImportReport, Error>, Option<Schema>) {
                let mut source = match open_file(s, &path, sheet) {
                    Ok(source) => source,
                    Err(e) => return (Err(Error::Query(e)), None),
                };
                let Some(v) = s.vault.as_mut() else {
                    return (Err(Error::Query("the vault is not open".into())), None);
                };
                let mut progress = Progress::new(cancel, |done, total| {
                    let fraction = if total > 0 { done as f32 / total as f32 } else { 0.0 };
                    let _ = weak.upgrade_in_event_loop(move |ui| {
                        ui.global::<ImportWizard>().set_progress(fraction);
                    });
                });
                let result =
                    cardbase_workflows::import::run_adding_fields(v, &mut source, &options, &adding, &mut progress);
                let report = match result {
                    Ok(done) => Ok(done.report),
                    Err(cardbase_workflows::Error::Engine(e)) => Err(e),
                    Err(e) => Err(Error::Query(e.to_string())),
                };
                // Fields added for new columns show in the table at once.
                let schema = (!adding.is_empty()).then(|| v.schema().clone());
                (report, schema)
            },
            |(r, schema)| {
                shell::with(|c: &Rc<ImportWizardController>| {
                    if let Some(schema) = schema {
                        *c.shell.schema.borrow_mut() = schema;
                        c.table.show_columns();
                    }
                    c.import_done(r)
                })
            },
        );
    }

    fn import_done(self: &Rc<Self>, result: Result<import::ImportReport, Error>) {
        // Back to the main worker, which now sees the import. Taken out of the cell before it
        // is dropped (dropping joins its thread after the reads queued there).
        let reader = self.shell.reads.borrow_mut().take();
        drop(reader);
        let (summary, problems, error) = match result {
            // Skipped rows first, then the values kept as typed (the card marks them too).
            Ok(r) => (
                format!("Imported {}.", r.summary()),
                r.bad_rows
                    .iter()
                    .map(|b| b.to_string())
                    .chain(r.warnings.iter().cloned())
                    .chain(r.kept.iter().map(|k| k.to_string()))
                    .collect(),
                String::new(),
            ),
            Err(Error::ImportFailed(r)) => (
                match r.bad_rows.len() {
                    1 => "Nothing was imported: 1 row has a problem. Fix it, or tick \"Skip bad rows\".".to_string(),
                    n => format!("Nothing was imported: {n} rows have problems. Fix them, or tick \"Skip bad rows\"."),
                },
                r.bad_rows.iter().map(|b| b.to_string()).collect::<Vec<_>>(),
                String::new(),
            ),
            Err(Error::Cancelled) => (
                "Cancelled: nothing was imported.".to_string(),
                Vec::new(),
                String::new(),
            ),
            // The file stopped being readable part way (a plugin trapped or ran out of time).
            Err(e @ (Error::Read(_) | Error::Plugin(_))) => {
                (format!("Nothing was imported: {e}"), Vec::new(), String::new())
            }
            Err(e) => (String::new(), Vec::new(), e.to_string()),
        };
        let items: Vec<SharedString> = problems.into_iter().map(SharedString::from).collect();
        self.shell.app(|a| {
            a.global::<ImportWizard>()
                .set_step(if error.is_empty() { 3 } else { 1 });
            a.global::<ImportWizard>().set_summary(summary.into());
            a.global::<ImportWizard>()
                .set_problems(ModelRc::new(VecModel::from(items)));
            a.global::<ImportWizard>().set_error(error.into());
        });
        self.table.after_records_changed();
    }

    pub(super) fn import_cancel(&self) {
        self.import.borrow().cancel.cancel();
    }
}
