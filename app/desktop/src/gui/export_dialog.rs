//! The export dialog: the current view, the whole section or every section, in one of the
//! formats the export workflow offers (the built-in ones, then the enabled exporter plugins).

use super::file_browser::{self, FileBrowserController};
use super::shell::{self, Shell};
use super::table::TableController;
use super::ui::{ExportDialog, MainWindow};
use super::worker::Session;
use cardbase_workflows::Progress;
use cardbase_workflows::export::{CsvKind, ExportRequest, Format};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// The export dialog over the export workflow.
pub(super) struct ExportDialogController {
    shell: Rc<Shell>,
    table: Rc<TableController>,
    files: Rc<FileBrowserController>,
    /// The formats offered, in the list's order.
    export_formats: RefCell<Vec<Format>>,
}

impl ExportDialogController {
    pub(super) fn install(
        table: &Rc<TableController>,
        files: &Rc<FileBrowserController>,
        ui: &MainWindow,
    ) -> Rc<ExportDialogController> {
        let c = Rc::new(ExportDialogController {
            shell: table.shell.clone(),
            table: table.clone(),
            files: files.clone(),
            export_formats: RefCell::new(Vec::new()),
        });
        shell::register(c.clone());
        let d = ui.global::<ExportDialog>();
        d.on_show(|| shell::with(|c: &Rc<ExportDialogController>| c.export_show()));
        d.on_format_changed(|| shell::with(|c: &Rc<ExportDialogController>| c.export_format_changed()));
        d.on_run(|| shell::with(|c: &Rc<ExportDialogController>| c.export_run()));
        d.on_browse(|| shell::with(|c: &Rc<ExportDialogController>| c.browse()));
        c
    }

    pub(super) fn export_show(&self) {
        let label = {
            let schema = self.shell.schema.borrow();
            schema
                .section(&self.table.view.borrow().section)
                .map(|s| s.label.clone())
                .unwrap_or_else(|| "export".into())
        };
        let dir = directories::UserDirs::new()
            .and_then(|u| {
                u.document_dir()
                    .map(Path::to_path_buf)
                    .or_else(|| Some(u.home_dir().to_path_buf()))
            })
            .unwrap_or_default();
        let file = dir.join(format!("{label}.xlsx"));
        *self.export_formats.borrow_mut() = Format::built_in().to_vec();
        self.show_export_formats();
        self.shell.app(|a| {
            a.global::<ExportDialog>().set_file(file.display().to_string().into());
            a.global::<ExportDialog>().set_format(0);
            a.global::<ExportDialog>().set_scope(0);
            a.global::<ExportDialog>().set_error("".into());
            a.global::<ExportDialog>().set_shown(true);
        });
        // The enabled exporter plugins join the list once the host has listed them.
        self.shell.worker.run(
            |s: &mut Session| cardbase_workflows::export::choices(&mut s.plugins),
            |formats| {
                shell::with(|c: &Rc<ExportDialogController>| {
                    *c.export_formats.borrow_mut() = formats;
                    c.show_export_formats();
                })
            },
        );
    }

    /// Browse…: the folder to export to (or a file of the format to replace).
    fn browse(&self) {
        let Some(file) = self
            .shell
            .app(|a| PathBuf::from(a.global::<ExportDialog>().get_file().as_str()))
        else {
            return;
        };
        let format = self.shell.app(|a| {
            let d = a.global::<ExportDialog>();
            (d.get_format(), d.get_csv())
        });
        let ext = format
            .map(|(f, csv)| self.export_format(f, csv).extension().to_string())
            .unwrap_or_default();
        let start = file_browser::start_folder(&file.display().to_string(), None);
        self.files.open_for_saving(
            vec![ext],
            start,
            Box::new(move |chosen: PathBuf| {
                let path = if chosen.is_dir() {
                    chosen.join(file.file_name().unwrap_or_default())
                } else {
                    chosen
                };
                shell::with(|c: &Rc<ExportDialogController>| {
                    c.shell
                        .app(|a| a.global::<ExportDialog>().set_file(path.display().to_string().into()));
                })
            }),
        );
    }

    fn show_export_formats(&self) {
        let names: Vec<SharedString> = self.export_formats.borrow().iter().map(|f| f.label().into()).collect();
        let csv: Vec<SharedString> = CsvKind::ALL.iter().map(|k| k.label().into()).collect();
        self.shell.app(|a| {
            a.global::<ExportDialog>()
                .set_formats(ModelRc::new(VecModel::from(names)));
            a.global::<ExportDialog>()
                .set_csv_kinds(ModelRc::new(VecModel::from(csv)));
        });
    }

    /// The format chosen in the dialog, with its options.
    fn export_format(&self, index: i32, csv: i32) -> Format {
        let format = self
            .export_formats
            .borrow()
            .get(index.max(0) as usize)
            .cloned()
            .unwrap_or(Format::Xlsx);
        match format {
            Format::Csv(_) => Format::Csv(CsvKind::ALL.get(csv.max(0) as usize).copied().unwrap_or_default()),
            f => f,
        }
    }

    /// Keeps the file's extension in step with the chosen format.
    pub(super) fn export_format_changed(&self) {
        let Some((format, csv)) = self.shell.app(|a| {
            // Every section goes into one workbook.
            if a.global::<ExportDialog>().get_scope() == 2 {
                a.global::<ExportDialog>().set_format(0);
            }
            (
                a.global::<ExportDialog>().get_format(),
                a.global::<ExportDialog>().get_csv(),
            )
        }) else {
            return;
        };
        let format = self.export_format(format, csv);
        self.shell.app(|a| {
            a.global::<ExportDialog>().set_is_csv(matches!(format, Format::Csv(_)));
            let path = PathBuf::from(a.global::<ExportDialog>().get_file().as_str()).with_extension(format.extension());
            a.global::<ExportDialog>().set_file(path.display().to_string().into());
        });
    }

    pub(super) fn export_run(self: &Rc<Self>) {
        let Some((path, format, scope, csv)) = self.shell.app(|a| {
            (
                PathBuf::from(a.global::<ExportDialog>().get_file().as_str()),
                a.global::<ExportDialog>().get_format(),
                a.global::<ExportDialog>().get_scope(),
                a.global::<ExportDialog>().get_csv(),
            )
        }) else {
            return;
        };
        let format = self.export_format(format, csv);
        let (query, filters, columns) = {
            let view = self.table.view.borrow();
            (
                self.table.query(),
                self.table.view_filters(),
                view.columns.iter().map(|c| c.key.clone()).collect::<Vec<_>>(),
            )
        };
        self.shell.set_busy(true);
        self.shell.worker.run(
            move |s: &mut Session| -> Result<String, String> {
                let request = match scope {
                    2 => ExportRequest::every_section(&path),
                    1 => ExportRequest::section(&query.section, format, &path),
                    _ => {
                        let mut query = query;
                        query.filters.extend(filters?);
                        let columns = if matches!(format, Format::Plugin(_)) {
                            Vec::new()
                        } else {
                            columns
                        };
                        ExportRequest::records(query, columns, format, &path)
                    }
                };
                let v = s.vault.as_ref().ok_or("the vault is not open")?;
                cardbase_workflows::export::run(v, &mut s.plugins, &request, &mut Progress::none())
                    .map(|done| done.count())
                    .map_err(|e| e.to_string())
            },
            move |r| {
                shell::with(|c: &Rc<ExportDialogController>| {
                    c.shell.set_busy(false);
                    match r {
                        Ok(count) => {
                            c.shell.app(|a| a.global::<ExportDialog>().set_shown(false));
                            c.shell.focus_main();
                            c.shell.say(format!("Exported {count}."), false);
                        }
                        Err(e) => {
                            c.shell.app(|a| a.global::<ExportDialog>().set_error(e.into()));
                        }
                    }
                })
            },
        );
    }
}
