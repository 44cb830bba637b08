//! Going to records and changing them from the table: open one (a related record), show a
//! set as a list, delete the selected ones, undo.

use super::super::shell;
use super::super::ui::Table;
use super::super::worker::Session;
use super::TableController;
use cardbase_engine::RecordId;
use slint::ComponentHandle as _;
use std::rc::Rc;

impl TableController {
    /// Jumps to a record (a related record on the card): its section, unfiltered, selected.
    pub(in crate::gui) fn open_record(self: &Rc<Self>, id: i64) {
        self.shell.worker.run(
            move |s: &mut Session| {
                s.vault
                    .as_ref()
                    .and_then(|v| v.section_of(RecordId(id)).ok().map(|s| s.key.clone()))
            },
            move |section| {
                shell::with(|c: &Rc<TableController>| {
                    let Some(section) = section else { return };
                    let Some(index) = c.shell.visible_sections().iter().position(|k| *k == section) else {
                        return;
                    };
                    c.pending_select.set(Some(id));
                    c.select_section(index);
                    c.refresh_sections();
                })
            },
        );
    }

    /// Shows these records of a section as the table (the reminders' "Open all as a list"):
    /// the section with an `id in (…)` filter that the filter bar shows and × clears.
    pub(in crate::gui) fn show_records(self: &Rc<Self>, section: &str, ids: &[i64]) {
        let Some(index) = self.shell.visible_sections().iter().position(|k| k == section) else {
            return;
        };
        self.select_section(index);
        let list: Vec<String> = ids.iter().map(i64::to_string).collect();
        let filter = format!("id in ({})", list.join(", "));
        self.shell
            .app(|a| a.global::<Table>().set_filter_text(filter.as_str().into()));
        self.filter_accepted(&filter);
    }

    /// Deletes the selected records (or the current one) in one step that Ctrl+Z undoes.
    pub(in crate::gui) fn delete_selected(self: &Rc<Self>) {
        let mut ids = self.rows.selected_ids();
        if ids.is_empty() {
            ids.extend(self.current.get().and_then(|r| self.rows.id_at(r)));
        }
        if ids.is_empty() {
            return;
        }
        let n = ids.len();
        self.shell.worker.run(
            move |s: &mut Session| -> Result<(), String> {
                let v = s.vault.as_mut().ok_or("the vault is not open")?;
                let ids: Vec<RecordId> = ids.into_iter().map(RecordId).collect();
                v.delete_records(&ids).map_err(|e| e.to_string())
            },
            move |r| {
                shell::with(|c: &Rc<TableController>| match r {
                    Ok(()) => {
                        let what = if n == 1 {
                            "1 record".to_string()
                        } else {
                            format!("{n} records")
                        };
                        c.shell
                            .say(format!("Moved {what} to the bin. Ctrl+Z brings it back."), false);
                        c.after_records_changed();
                    }
                    Err(e) => c.shell.say(e, true),
                })
            },
        );
    }

    pub(in crate::gui) fn undo(self: &Rc<Self>) {
        self.shell.worker.run(
            |s: &mut Session| -> Result<Option<Vec<RecordId>>, String> {
                s.vault
                    .as_mut()
                    .ok_or("the vault is not open")?
                    .undo()
                    .map_err(|e| e.to_string())
            },
            |r| {
                shell::with(|c: &Rc<TableController>| match r {
                    Ok(Some(ids)) => {
                        c.shell.say("Undone.", false);
                        if let Some(id) = ids.first() {
                            c.pending_select.set(Some(id.0));
                        }
                        c.after_records_changed();
                    }
                    Ok(None) => c.shell.say("There is nothing to undo.", false),
                    Err(e) => c.shell.say(e, true),
                })
            },
        );
    }

    /// After records were added, edited or deleted: reload rows, counts, groups and the card.
    pub(in crate::gui) fn after_records_changed(self: &Rc<Self>) {
        self.rows.refresh_rows();
        self.refresh_table();
        self.refresh_sections();
        self.sidebar.load_groups(&self.view.borrow().section);
        self.reload_assignees();
    }
}
