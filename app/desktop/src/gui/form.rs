//! The form for a new or an existing record, generated at run time from the section's fields:
//! one editor per field type, validation messages next to the field the engine names.

use super::controller::{Controller, with_controller};
use super::ui::FieldView;
use super::worker::Session;
use cardbase_engine::schema::{Field, Section};
use cardbase_engine::{Error, FieldType, RecordId, Value};
use slint::{Model, ModelRc, SharedString, VecModel};
use std::rc::Rc;

/// The record the form edits (none: a new one) and the texts it started with, so only
/// changed fields are saved.
pub(super) struct FormState {
    section: String,
    record: Option<i64>,
    original: Vec<(String, String)>,
}

fn placeholder(f: &Field) -> &'static str {
    match f.kind {
        FieldType::Date => "2026-12-31 or 31.12.2026",
        FieldType::DateNoYear => "1985-03-14, or --03-14 without the year",
        FieldType::Datetime => "2026-12-31 14:30",
        FieldType::Money => "1 234.56 EUR",
        FieldType::Number | FieldType::Percent => "0",
        FieldType::Phones => "mobile: +1 555 0100; work: +1 555 0199",
        FieldType::Emails => "name@example.org; work: name@company.com",
        FieldType::Urls => "https://example.org",
        FieldType::Tags => "Family, Work",
        FieldType::Relation => "the record's title, or #id",
        FieldType::Photo => "@/path/to/photo.jpg",
        _ => "",
    }
}

fn field_view(f: &Field, text: String) -> FieldView {
    FieldView {
        key: f.key.as_str().into(),
        label: f.label.as_str().into(),
        kind: f.kind.key().into(),
        checked: f.kind == FieldType::Checkbox && matches!(text.as_str(), "yes" | "true" | "1"),
        text: text.into(),
        options: ModelRc::new(VecModel::from(
            f.options
                .choices
                .iter()
                .map(|c| SharedString::from(c.as_str()))
                .collect::<Vec<_>>(),
        )),
        help: f.help.clone().unwrap_or_default().into(),
        error: SharedString::default(),
        required: f.required,
        placeholder: placeholder(f).into(),
    }
}

/// The text a field's editor starts with for an existing value.
fn edit_text(v: &cardbase_engine::Vault, value: &Value) -> String {
    match value {
        Value::Relation(id) => format!("{} (#{id})", v.record_title(*id)),
        Value::Photo(id) => format!("photo #{id}"),
        other => other.display(),
    }
}

fn editable(section: &Section) -> impl Iterator<Item = &Field> {
    section.visible_fields()
}

impl Controller {
    pub(super) fn new_record(self: &Rc<Self>) {
        let section = self.view.borrow().section.clone();
        let schema = self.schema.borrow();
        let Some(s) = schema.section(&section) else { return };
        let fields: Vec<FieldView> = editable(s)
            .map(|f| {
                let default = if f.kind == FieldType::Choice {
                    f.default
                        .clone()
                        .or_else(|| f.options.choices.first().cloned())
                        .unwrap_or_default()
                } else {
                    f.default.clone().unwrap_or_default()
                };
                field_view(f, default)
            })
            .collect();
        let original = fields.iter().map(|f| (f.key.to_string(), f.text.to_string())).collect();
        let title = format!("New record in {}", s.label);
        drop(schema);
        self.open_form(
            title,
            fields,
            FormState {
                section,
                record: None,
                original,
            },
        );
    }

    pub(super) fn edit_record(self: &Rc<Self>) {
        let Some(id) = self.current.get().and_then(|r| self.rows.id_at(r)) else {
            return;
        };
        self.worker.run(
            move |s: &mut Session| {
                let v = s.vault.as_ref()?;
                let record = v.record(RecordId(id)).ok()?;
                let section = v.section_of(record.id).ok()?;
                let texts: Vec<(String, String)> = editable(section)
                    .map(|f| {
                        (
                            f.key.clone(),
                            record.get(&f.key).map(|val| edit_text(v, val)).unwrap_or_default(),
                        )
                    })
                    .collect();
                Some((section.key.clone(), v.title(&record), texts))
            },
            move |r| {
                with_controller(|c| {
                    let Some((section, title, texts)) = r else { return };
                    let schema = c.schema.borrow().clone();
                    let Some(s) = schema.section(&section) else { return };
                    let fields: Vec<FieldView> = texts
                        .iter()
                        .filter_map(|(k, t)| s.field(k).map(|f| field_view(f, t.clone())))
                        .collect();
                    c.open_form(
                        title,
                        fields,
                        FormState {
                            section,
                            record: Some(id),
                            original: texts,
                        },
                    );
                })
            },
        );
    }

    fn open_form(&self, title: String, fields: Vec<FieldView>, state: FormState) {
        self.form_model.set_vec(fields);
        *self.form.borrow_mut() = Some(state);
        self.app(|a| {
            a.set_form_title(title.into());
            a.set_form_error("".into());
            a.set_form_open(true);
        });
    }

    pub(super) fn form_cancel(&self) {
        self.form.borrow_mut().take();
        self.app(|a| a.set_form_open(false));
        if let Some(ui) = self.ui.upgrade() {
            ui.invoke_focus_main();
        }
    }

    /// Saves what changed; errors go next to the field they name.
    pub(super) fn form_save(self: &Rc<Self>) {
        let Some((section, record, original)) = self
            .form
            .borrow()
            .as_ref()
            .map(|f| (f.section.clone(), f.record, f.original.clone()))
        else {
            return;
        };
        let mut changes: Vec<(String, String)> = Vec::new();
        for i in 0..self.form_model.row_count() {
            let Some(mut f) = self.form_model.row_data(i) else {
                continue;
            };
            let text = if f.kind == "checkbox" {
                if f.checked { "yes" } else { "" }.to_string()
            } else {
                f.text.to_string()
            };
            let before = original
                .iter()
                .find(|(k, _)| k == f.key.as_str())
                .map(|(_, t)| t.as_str())
                .unwrap_or("");
            let unchanged_checkbox = f.kind == "checkbox" && (before == "yes") == f.checked;
            if text != before && !unchanged_checkbox {
                changes.push((f.key.to_string(), text));
            }
            if !f.error.is_empty() {
                f.error = SharedString::default();
                self.form_model.set_row_data(i, f);
            }
        }
        self.worker.run(
            move |s: &mut Session| -> Result<i64, (Option<String>, String)> {
                let v = s.vault.as_mut().ok_or((None, "the vault is not open".to_string()))?;
                let pairs: Vec<(&str, &str)> = changes.iter().map(|(k, t)| (k.as_str(), t.as_str())).collect();
                let result = match record {
                    Some(id) => v.update_record_from_text(RecordId(id), &pairs).map(|_| id),
                    None => v.create_record_from_text(&section, &pairs).map(|id| id.0),
                };
                result.map_err(|e| {
                    let field = match &e {
                        Error::InvalidValue { field, .. }
                        | Error::Required { field }
                        | Error::NotUnique { field, .. } => Some(field.clone()),
                        _ => None,
                    };
                    (field, e.to_string())
                })
            },
            |r| {
                with_controller(|c| match r {
                    Ok(id) => {
                        c.form_cancel();
                        c.pending_select.set(Some(id));
                        c.say("Saved.", false);
                        c.after_records_changed();
                    }
                    Err((field, message)) => c.show_form_error(field, message),
                })
            },
        );
    }

    fn show_form_error(&self, field: Option<String>, message: String) {
        let row = field.as_ref().and_then(|k| {
            (0..self.form_model.row_count()).find(|i| self.form_model.row_data(*i).is_some_and(|f| f.key.as_str() == k))
        });
        match row {
            Some(i) => {
                if let Some(mut f) = self.form_model.row_data(i) {
                    let shown = message.split_once(": ").map(|(_, m)| m.to_string()).unwrap_or(message);
                    f.error = shown.into();
                    self.form_model.set_row_data(i, f);
                }
                self.app(|a| a.set_form_error("Please correct the marked field.".into()));
            }
            None => {
                self.app(|a| a.set_form_error(message.into()));
            }
        }
    }
}
