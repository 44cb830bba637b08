//! The schema editor: sections and fields renamed, hidden, reordered, added, deleted to the bin
//! and restored, and fields retyped, each through one engine migration.

use super::shell::{self, Shell};
use super::table::TableController;
use super::ui::{FieldOptionsView, SchemaFieldItem, SchemaSectionItem};
use super::ui::{MainWindow, SchemaEditor, Sidebar};
use super::worker::Session;
use cardbase_engine::schema::edit::FieldChange;
use cardbase_engine::schema::{FieldSpec, Schema};
use cardbase_engine::{FieldType, Vault};
use slint::ComponentHandle as _;
use slint::{ModelRc, SharedString, VecModel};
use std::rc::Rc;

/// The schema editor: every edit one migration in the engine.
pub(super) struct SchemaEditorController {
    shell: Rc<Shell>,
    table: Rc<TableController>,
}

impl SchemaEditorController {
    pub(super) fn install(table: &Rc<TableController>, ui: &MainWindow) -> Rc<SchemaEditorController> {
        let c = Rc::new(SchemaEditorController {
            shell: table.shell.clone(),
            table: table.clone(),
        });
        shell::register(c.clone());
        ui.global::<SchemaEditor>().set_field_types(ModelRc::new(VecModel::from(
            cardbase_engine::FieldType::ALL
                .iter()
                .map(|t| SharedString::from(t.name()))
                .collect::<Vec<_>>(),
        )));
        ui.global::<SchemaEditor>().on_key_for_section(|label| {
            shell::get::<SchemaEditorController>()
                .map(|c| c.new_section_key(&label))
                .unwrap_or_default()
                .into()
        });
        ui.global::<SchemaEditor>().on_key_for_field(|label| {
            shell::get::<SchemaEditorController>()
                .map(|c| c.new_field_key(&label))
                .unwrap_or_default()
                .into()
        });
        macro_rules! on {
            ($setter:ident, |$c:ident $(, $arg:ident)*| $body:expr) => {{
                ui.global::<SchemaEditor>().$setter(move |$($arg),*| shell::with(|$c: &Rc<SchemaEditorController>| { $body; }));
            }};
        }
        on!(on_show, |c| c.schema_show());
        on!(on_close, |c| c.schema_close());
        on!(on_select_section, |c, i| c.schema_select_section(i as usize));
        on!(on_rename_section, |c, i, l| c
            .schema_rename_section(i as usize, l.to_string()));
        on!(on_toggle_section_hidden, |c, i| c
            .schema_toggle_section_hidden(i as usize));
        on!(on_move_section, |c, i, d| c.schema_move_section(i as usize, d));
        on!(on_delete_section, |c, i| c.schema_delete_section(i as usize));
        on!(on_restore_section, |c, i| c.schema_restore_section(i as usize));
        on!(on_add_section, |c, k, l| c
            .schema_add_section(k.to_string(), l.to_string()));
        on!(on_rename_field, |c, i, l| c
            .schema_rename_field(i as usize, l.to_string()));
        on!(on_toggle_field_hidden, |c, i| c.schema_toggle_field_hidden(i as usize));
        on!(on_move_field, |c, i, d| c.schema_move_field(i as usize, d));
        on!(on_delete_field, |c, i| c.schema_delete_field(i as usize));
        on!(on_restore_field, |c, i| c.schema_restore_field(i as usize));
        on!(on_change_type, |c, i, t| c.schema_change_type(i as usize, t as usize));
        on!(on_add_field, |c, k, l, t| c.schema_add_field(
            k.to_string(),
            l.to_string(),
            t as usize
        ));
        on!(on_edit_options, |c, i| c.schema_edit_options(i as usize));
        on!(on_save_options, |c, o| c.schema_save_options(o));
        c
    }

    pub(super) fn schema_show(self: &Rc<Self>) {
        let current = self.table.view.borrow().section.clone();
        let index = self
            .shell
            .schema
            .borrow()
            .sections
            .iter()
            .position(|s| s.key == current)
            .unwrap_or(0);
        self.shell.app(|a| {
            a.global::<SchemaEditor>().set_section(index as i32);
            a.global::<SchemaEditor>().set_error("".into());
            a.global::<SchemaEditor>().set_shown(true);
        });
        self.show_schema_lists();
    }

    pub(super) fn schema_close(&self) {
        self.shell.app(|a| a.global::<SchemaEditor>().set_shown(false));
        if let Some(ui) = self.shell.ui.upgrade() {
            ui.invoke_focus_main();
        }
    }

    fn schema_index(&self) -> usize {
        self.shell
            .app(|a| a.global::<SchemaEditor>().get_section().max(0) as usize)
            .unwrap_or(0)
    }

    fn show_schema_lists(&self) {
        self.show_schema_sections();
        self.show_schema_fields();
    }

    fn show_schema_sections(&self) {
        let schema = self.shell.schema.borrow();
        let sections: Vec<SchemaSectionItem> = schema
            .sections
            .iter()
            .map(|s| SchemaSectionItem {
                key: s.key.as_str().into(),
                label: s.label.as_str().into(),
                hidden: s.hidden,
                deleted: s.deleted,
            })
            .collect();
        self.shell.app(|a| {
            a.global::<SchemaEditor>()
                .set_sections(ModelRc::new(VecModel::from(sections)))
        });
    }

    /// The fields of the section chosen in the editor (rebuilt without touching the section
    /// list, so a label being edited there keeps its editor).
    fn show_schema_fields(&self) {
        let schema = self.shell.schema.borrow();
        let index = self.schema_index().min(schema.sections.len().saturating_sub(1));
        let fields: Vec<SchemaFieldItem> = schema
            .sections
            .get(index)
            .map(|s| {
                s.fields
                    .iter()
                    .map(|f| SchemaFieldItem {
                        key: f.key.as_str().into(),
                        label: f.label.as_str().into(),
                        kind: f.kind.key().into(),
                        kind_name: f.kind.name().into(),
                        hidden: f.hidden,
                        deleted: f.deleted,
                        required: f.required,
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.shell.app(|a| {
            a.global::<SchemaEditor>()
                .set_fields(ModelRc::new(VecModel::from(fields)))
        });
    }

    pub(super) fn schema_select_section(&self, index: usize) {
        if self.shell.app(|a| a.global::<SchemaEditor>().get_section()) == Some(index as i32) {
            return;
        }
        self.shell.app(|a| a.global::<SchemaEditor>().set_section(index as i32));
        self.show_schema_fields();
    }

    fn section_key(&self, index: usize) -> Option<String> {
        self.shell.schema.borrow().sections.get(index).map(|s| s.key.clone())
    }

    fn field_key(&self, index: usize) -> Option<(String, String)> {
        let schema = self.shell.schema.borrow();
        let s = schema.sections.get(self.schema_index())?;
        Some((s.key.clone(), s.fields.get(index)?.key.clone()))
    }

    /// Runs one schema edit on the worker; then refreshes the editor, sidebar and table.
    fn migrate<E: std::fmt::Display>(
        self: &Rc<Self>,
        edit: impl FnOnce(&mut Vault) -> Result<String, E> + Send + 'static,
    ) {
        self.shell.set_busy(true);
        self.shell.worker.run(
            move |s: &mut Session| -> Result<(Schema, String), String> {
                let v = s.vault.as_mut().ok_or("the vault is not open")?;
                let done = edit(v).map_err(|e| e.to_string())?;
                Ok((v.schema().clone(), done))
            },
            |r| {
                shell::with(|c: &Rc<SchemaEditorController>| {
                    c.shell.set_busy(false);
                    match r {
                        Ok((schema, done)) => {
                            *c.shell.schema.borrow_mut() = schema;
                            c.shell.app(|a| a.global::<SchemaEditor>().set_error("".into()));
                            if !done.is_empty() {
                                c.shell.say(done, false);
                            }
                            c.schema_changed();
                        }
                        Err(e) => {
                            c.shell.app(|a| a.global::<SchemaEditor>().set_error(e.into()));
                        }
                    }
                })
            },
        );
    }

    /// After a schema edit: the editor's lists, the sidebar, the columns and the rows.
    fn schema_changed(self: &Rc<Self>) {
        self.show_schema_lists();
        let sections = self.shell.visible_sections();
        let current = self.table.view.borrow().section.clone();
        match sections.iter().position(|k| *k == current) {
            Some(i) => {
                // Keep the table's state; drop columns whose fields are gone or hidden.
                {
                    let schema = self.shell.schema.borrow();
                    let mut view = self.table.view.borrow_mut();
                    if let Some(s) = schema.section(&current) {
                        view.columns.retain(|c| s.field(&c.key).is_some_and(|f| !f.hidden));
                    }
                }
                self.shell.app(|a| a.global::<Sidebar>().set_current_section(i as i32));
                self.table.show_columns();
                self.table.rows.refresh_rows();
                self.table.refresh_table();
            }
            None if !sections.is_empty() => self.table.select_section(0),
            None => {}
        }
        self.table.refresh_sections();
    }

    pub(super) fn schema_rename_section(self: &Rc<Self>, index: usize, label: String) {
        let Some(key) = self.section_key(index) else { return };
        self.migrate(move |v| {
            v.rename_section(&key, &label)
                .map(|_| format!("Renamed the section to {label:?}."))
        });
    }

    pub(super) fn schema_toggle_section_hidden(self: &Rc<Self>, index: usize) {
        let Some((key, hidden)) = self
            .shell
            .schema
            .borrow()
            .sections
            .get(index)
            .map(|s| (s.key.clone(), s.hidden))
        else {
            return;
        };
        self.migrate(move |v| v.set_section_hidden(&key, !hidden).map(|_| String::new()));
    }

    pub(super) fn schema_move_section(self: &Rc<Self>, index: usize, delta: i32) {
        let Some(key) = self.section_key(index) else { return };
        let live: Vec<String> = self
            .shell
            .schema
            .borrow()
            .live_sections()
            .map(|s| s.key.clone())
            .collect();
        let Some(pos) = live.iter().position(|k| *k == key) else {
            return;
        };
        let to = (pos as i32 + delta).clamp(0, live.len() as i32 - 1) as usize + 1;
        self.shell
            .app(|a| a.global::<SchemaEditor>().set_section((index as i32 + delta).max(0)));
        self.migrate(move |v| v.move_section(&key, to).map(|_| String::new()));
    }

    pub(super) fn schema_delete_section(self: &Rc<Self>, index: usize) {
        let Some(key) = self.section_key(index) else { return };
        self.migrate(move |v| {
            v.delete_section(&key)
                .map(|_| format!("Moved section {key} to the bin; Restore brings it back."))
        });
    }

    pub(super) fn schema_restore_section(self: &Rc<Self>, index: usize) {
        let Some(key) = self.section_key(index) else { return };
        self.migrate(move |v| v.restore_section(&key).map(|_| format!("Restored section {key}.")));
    }

    /// The key a new section named `label` gets: from the label, not one taken (by a section
    /// in the bin either).
    fn new_section_key(&self, label: &str) -> String {
        let taken: Vec<String> = self
            .shell
            .schema
            .borrow()
            .sections
            .iter()
            .map(|s| s.key.clone())
            .collect();
        cardbase_workflows::import::key_from_header(label, &taken)
    }

    /// The key a new field named `label` gets in the section the editor shows.
    fn new_field_key(&self, label: &str) -> String {
        let schema = self.shell.schema.borrow();
        let taken: Vec<String> = schema
            .sections
            .get(self.schema_index())
            .map(|s| s.fields.iter().map(|f| f.key.clone()).collect())
            .unwrap_or_default();
        cardbase_workflows::import::key_from_header(label, &taken)
    }

    pub(super) fn schema_add_section(self: &Rc<Self>, key: String, label: String) {
        let key = if key.trim().is_empty() {
            self.new_section_key(&label)
        } else {
            key
        };
        let label = if label.trim().is_empty() { key.clone() } else { label };
        self.migrate(move |v| {
            v.add_section(&key, &label)?;
            v.add_field(&key, &FieldSpec::new("title", "Title", FieldType::Text))?;
            v.set_section_title(&key, &["title".to_string()])?;
            Ok::<_, cardbase_engine::Error>(format!("Added section {label:?} with a Title field."))
        });
    }

    pub(super) fn schema_rename_field(self: &Rc<Self>, index: usize, label: String) {
        let Some((s, f)) = self.field_key(index) else { return };
        self.migrate(move |v| {
            v.rename_field(&s, &f, &label)
                .map(|_| format!("Renamed the field to {label:?}."))
        });
    }

    pub(super) fn schema_toggle_field_hidden(self: &Rc<Self>, index: usize) {
        let Some((s, f)) = self.field_key(index) else { return };
        let hidden = self
            .shell
            .schema
            .borrow()
            .section(&s)
            .and_then(|x| x.field(&f))
            .is_some_and(|x| x.hidden);
        self.migrate(move |v| v.set_field_hidden(&s, &f, !hidden).map(|_| String::new()));
    }

    pub(super) fn schema_move_field(self: &Rc<Self>, index: usize, delta: i32) {
        let Some((s, f)) = self.field_key(index) else { return };
        let live: Vec<String> = self
            .shell
            .schema
            .borrow()
            .section(&s)
            .map(|x| x.live_fields().map(|f| f.key.clone()).collect())
            .unwrap_or_default();
        let Some(pos) = live.iter().position(|k| *k == f) else {
            return;
        };
        let to = (pos as i32 + delta).clamp(0, live.len() as i32 - 1) as usize + 1;
        self.migrate(move |v| v.move_field(&s, &f, to).map(|_| String::new()));
    }

    pub(super) fn schema_delete_field(self: &Rc<Self>, index: usize) {
        let Some((s, f)) = self.field_key(index) else { return };
        self.migrate(move |v| {
            v.delete_field(&s, &f)
                .map(|_| format!("Moved field {f} to the bin with its values; Restore brings them back."))
        });
    }

    pub(super) fn schema_restore_field(self: &Rc<Self>, index: usize) {
        let Some((s, f)) = self.field_key(index) else { return };
        self.migrate(move |v| {
            v.restore_field(&s, &f)
                .map(|_| format!("Restored field {f} with its values."))
        });
    }

    pub(super) fn schema_change_type(self: &Rc<Self>, index: usize, type_index: usize) {
        let Some((s, f)) = self.field_key(index) else { return };
        let Some(kind) = FieldType::ALL.get(type_index).copied() else {
            return;
        };
        let same = self
            .shell
            .schema
            .borrow()
            .section(&s)
            .and_then(|x| x.field(&f))
            .is_some_and(|x| x.kind == kind);
        if same {
            return;
        }
        self.migrate(move |v| {
            // A copy to go back to before values are converted, as on the command line.
            let changed = cardbase_workflows::schema::change_type(v, &s, &f, kind, &FieldChange::default())?;
            Ok::<_, cardbase_workflows::Error>(format!("Changed {f} to {kind}: {}.", changed.done.summary()))
        });
    }

    /// Opens the options of a field (required, unique, indexed, default, help, choices...).
    pub(super) fn schema_edit_options(&self, index: usize) {
        let Some((s, f)) = self.field_key(index) else { return };
        let schema = self.shell.schema.borrow();
        let Some(field) = schema.section(&s).and_then(|x| x.field(&f)) else {
            return;
        };
        let o = &field.options;
        let view = FieldOptionsView {
            index: index as i32,
            key: field.key.as_str().into(),
            kind: field.kind.key().into(),
            required: field.required,
            unique: field.unique,
            indexed: field.indexed,
            help: field.help.clone().unwrap_or_default().into(),
            default_value: field.default.clone().unwrap_or_default().into(),
            choices: o.choices.join(", ").into(),
            currency: o.currency.clone().unwrap_or_default().into(),
            target: o.target.clone().unwrap_or_default().into(),
            remind_days: o.remind_days_before.map(|d| d.to_string()).unwrap_or_default().into(),
        };
        self.shell.app(|a| {
            a.global::<SchemaEditor>().set_options(view);
            a.global::<SchemaEditor>().set_options_shown(true);
        });
    }

    pub(super) fn schema_save_options(self: &Rc<Self>, o: FieldOptionsView) {
        let Some((s, f)) = self.field_key(o.index as usize) else {
            return;
        };
        let text = |t: &slint::SharedString| Some(t.trim().to_string()).filter(|t| !t.is_empty());
        let remind = match text(&o.remind_days) {
            None => None,
            Some(t) => match t.parse::<u32>() {
                Ok(d) => Some(d),
                Err(_) => {
                    self.shell.app(|a| {
                        a.global::<SchemaEditor>()
                            .set_error(format!("{t:?} is not a number of days").into())
                    });
                    return;
                }
            },
        };
        let change = FieldChange {
            required: Some(o.required),
            unique: Some(o.unique),
            indexed: Some(o.indexed),
            help: Some(text(&o.help)),
            default: Some(text(&o.default_value)),
            choices: Some(
                o.choices
                    .split(',')
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty())
                    .collect(),
            ),
            target: Some(text(&o.target)),
            currency: Some(text(&o.currency).map(|c| c.to_ascii_uppercase())),
            remind_days_before: Some(remind),
        };
        self.shell.app(|a| a.global::<SchemaEditor>().set_options_shown(false));
        self.migrate(move |v| {
            v.set_field_options(&s, &f, &change)
                .map(|_| format!("Saved the options of {f}."))
        });
    }

    pub(super) fn schema_add_field(self: &Rc<Self>, key: String, label: String, type_index: usize) {
        let section = self
            .shell
            .schema
            .borrow()
            .sections
            .get(self.schema_index())
            .map(|s| s.key.clone());
        let Some(section) = section else { return };
        let kind = FieldType::ALL.get(type_index).copied().unwrap_or(FieldType::Text);
        let key = if key.trim().is_empty() {
            self.new_field_key(&label)
        } else {
            key
        };
        let label = if label.trim().is_empty() { key.clone() } else { label };
        self.migrate(move |v| {
            let mut spec = FieldSpec::new(&key, &label, kind);
            if kind == FieldType::Choice {
                spec.choices = vec!["A".into(), "B".into()];
            }
            v.add_field(&section, &spec).map(|_| format!("Added field {label:?}."))
        });
    }
}
