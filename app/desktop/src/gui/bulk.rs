//! Setting one field of all selected records at once, in one step that Ctrl+Z undoes.

use super::shell::{self, Shell};
use super::table::TableController;
use super::ui::{Bulk, MainWindow};
use super::worker::Session;
use cardbase_engine::{FieldType, RecordId};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};
use std::rc::Rc;

pub(super) struct BulkController {
    shell: Rc<Shell>,
    table: Rc<TableController>,
}

impl BulkController {
    pub(super) fn install(table: &Rc<TableController>, ui: &MainWindow) -> Rc<BulkController> {
        let c = Rc::new(BulkController {
            shell: table.shell.clone(),
            table: table.clone(),
        });
        shell::register(c.clone());
        ui.global::<Bulk>()
            .on_show(|| shell::with(|c: &Rc<BulkController>| c.open()));
        ui.global::<Bulk>()
            .on_apply(|f, v| shell::with(|c: &Rc<BulkController>| c.apply(f as usize, v.to_string())));
        c
    }

    /// Opens the dialog that sets one field of all selected records.
    pub(super) fn open(&self) {
        let fields: Vec<SharedString> = {
            let schema = self.shell.schema.borrow();
            let view = self.table.view.borrow();
            schema
                .section(&view.section)
                .map(|s| {
                    s.visible_fields()
                        .filter(|f| f.kind != FieldType::Photo)
                        .map(|f| SharedString::from(format!("{} ({})", f.label, f.key)))
                        .collect()
                })
                .unwrap_or_default()
        };
        self.shell.app(|a| {
            a.global::<Bulk>().set_fields(ModelRc::new(VecModel::from(fields)));
            a.global::<Bulk>().set_error("".into());
            a.global::<Bulk>().set_shown(true);
        });
    }

    /// Sets one field of every selected record (one undo step).
    pub(super) fn apply(self: &Rc<Self>, field: usize, value: String) {
        let key = {
            let schema = self.shell.schema.borrow();
            let view = self.table.view.borrow();
            schema.section(&view.section).and_then(|s| {
                s.visible_fields()
                    .filter(|f| f.kind != FieldType::Photo)
                    .nth(field)
                    .map(|f| f.key.clone())
            })
        };
        let Some(key) = key else { return };
        let ids: Vec<RecordId> = self.table.rows.selected_ids().into_iter().map(RecordId).collect();
        let n = ids.len();
        self.shell.worker.run(
            move |s: &mut Session| -> Result<(), String> {
                let v = s.vault.as_mut().ok_or("the vault is not open")?;
                v.update_records_from_text(&ids, &key, &value)
                    .map_err(|e| e.to_string())
            },
            move |r| {
                shell::with(|c: &Rc<BulkController>| match r {
                    Ok(()) => {
                        c.shell.app(|a| a.global::<Bulk>().set_shown(false));
                        c.shell.focus_main();
                        c.shell.say(format!("Changed {n} records. Ctrl+Z undoes it."), false);
                        c.table.after_records_changed();
                    }
                    Err(e) => {
                        c.shell.app(|a| a.global::<Bulk>().set_error(e.into()));
                    }
                })
            },
        );
    }
}
