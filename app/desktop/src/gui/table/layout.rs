//! The table's columns: widths, which are shown and in which order, saved per section.

use super::super::ui::Table;
use super::TableController;
use slint::ComponentHandle as _;
use slint::Model as _;
use std::rc::Rc;

impl TableController {
    pub(in crate::gui) fn resize_column(&self, column: usize, width: f32) {
        let total = {
            let mut view = self.view.borrow_mut();
            let Some(c) = view.columns.get_mut(column) else { return };
            c.width = width;
            view.columns.iter().map(|c| c.width).sum::<f32>()
        };
        self.shell.app(|a| {
            let cols = a.global::<Table>().get_columns();
            if let Some(mut item) = cols.row_data(column) {
                item.width = width;
                cols.set_row_data(column, item);
            }
            a.global::<Table>().set_columns_width(total);
        });
    }

    /// Remembers the current section's column layout in the vault.
    pub(in crate::gui) fn save_layout(&self) {
        let (key, json) = {
            let mut view = self.view.borrow_mut();
            let cols = view.columns.clone();
            let section = view.section.clone();
            view.layouts.insert(section.clone(), cols.clone());
            (
                format!("ui.columns.{section}"),
                serde_json::to_string(&cols).unwrap_or_default(),
            )
        };
        self.shell.save_setting(&key, json);
    }

    pub(in crate::gui) fn toggle_column(self: &Rc<Self>, key: &str) {
        {
            let schema = self.shell.schema.borrow();
            let mut view = self.view.borrow_mut();
            let Some(field) = schema.section(&view.section).and_then(|s| s.field(key)) else {
                return;
            };
            crate::gui::columns::toggle(&mut view.columns, field);
        }
        self.columns_changed();
    }

    pub(in crate::gui) fn move_column(self: &Rc<Self>, key: &str, delta: i32) {
        crate::gui::columns::shift(&mut self.view.borrow_mut().columns, key, delta);
        self.columns_changed();
    }

    fn columns_changed(self: &Rc<Self>) {
        self.show_columns();
        self.save_layout();
        self.rows.refresh_rows();
        self.refresh_table();
    }
}
