//! The form for a new or an existing record, generated at run time from the section's fields:
//! one editor per field type, validation messages next to the field the engine names.

use super::file_browser::{self, FileBrowserController};
use super::shell::{self, Shell};
use super::table::TableController;
use super::ui::Table;
use super::ui::{Date, FieldView, Form, ItemView, MainWindow};
use super::worker::Session;
use cardbase_engine::schema::{Field, Section};
use cardbase_engine::{Error, FieldType, RecordId, Value};
use slint::ComponentHandle;
use slint::{Model, ModelRc, SharedString, VecModel};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

/// The record the form edits (none: a new one) and the texts it started with, so only
/// changed fields are saved.
pub(super) struct FormState {
    section: String,
    record: Option<i64>,
    /// What the record holds (nothing, for a new one): only fields that differ are saved, so
    /// a default the form shows is saved like a typed value.
    original: Vec<(String, String)>,
    /// What the editors showed when the form opened: leaving after a change asks first.
    shown: Vec<(String, String)>,
    /// A relation field's suggestions: the record ids, by form row.
    suggested: HashMap<usize, Vec<i64>>,
}

fn placeholder(f: &Field) -> &'static str {
    match f.kind {
        FieldType::Date => "2026-12-31 or 31.12.2026",
        FieldType::DateNoYear => "1985-03-14, or --03-14 without the year",
        FieldType::Datetime => "2026-12-31 14:30",
        FieldType::Money => "1 234.56 EUR",
        FieldType::Number | FieldType::Percent => "0",
        FieldType::Phones => "+1 555 0100",
        FieldType::Emails => "name@example.org",
        FieldType::Urls => "https://example.org",
        FieldType::Tags => "Family, Work",
        FieldType::Relation => "the record's title, or #id",
        FieldType::Photo => "@/path/to/photo.jpg",
        _ => "",
    }
}

/// The rows a list editor starts with: the value's items, or one empty row to type into.
fn items_of(f: &Field, text: &str) -> Vec<ItemView> {
    let item = |kind: &str, value: &str| ItemView {
        kind: kind.into(),
        value: value.into(),
    };
    match Value::parse_as(f.kind, &[], None, text) {
        Ok(Some(Value::Items(items))) => items.iter().map(|i| item(&i.kind, &i.value)).collect(),
        Ok(Some(Value::Tags(tags))) => tags.iter().map(|t| item("", t)).collect(),
        _ if f.kind == FieldType::Tags => Vec::new(),
        // Unparsable text stays visible in one row rather than being lost.
        _ => vec![item(if f.kind == FieldType::Phones { "mobile" } else { "other" }, text)],
    }
}

/// The text a list editor's rows stand for, in the form `Value::parse` reads.
fn items_text(kind: &str, items: &[ItemView]) -> String {
    let filled = items.iter().filter(|i| !i.value.trim().is_empty());
    if kind == "tags" {
        return filled
            .map(|i| i.value.trim().to_string())
            .collect::<Vec<_>>()
            .join(", ");
    }
    filled
        .map(|i| {
            if i.kind.is_empty() || i.kind == "other" {
                i.value.trim().to_string()
            } else {
                format!("{}: {}", i.kind, i.value.trim())
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn is_list(kind: FieldType) -> bool {
    matches!(
        kind,
        FieldType::Phones | FieldType::Emails | FieldType::Urls | FieldType::Tags
    )
}

fn field_view(f: &Field, text: String) -> FieldView {
    let choice_index = f
        .options
        .choices
        .iter()
        .position(|c| *c == text)
        .map_or(-1, |i| i as i32);
    let items = if is_list(f.kind) {
        items_of(f, &text)
    } else {
        Vec::new()
    };
    let text = if is_list(f.kind) {
        // The list editors are the source of truth; keep the text in their own format so an
        // unchanged list compares equal on save.
        items_text(f.kind.key(), &items)
    } else {
        text
    };
    FieldView {
        items: ModelRc::new(VecModel::from(items)),
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
        choice_index,
        suggestions: ModelRc::default(),
        suggestion: -1,
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

/// The record form: its fields as the editors show them, and what it edits.
pub(super) struct FormController {
    shell: Rc<Shell>,
    table: Rc<TableController>,
    files: Rc<FileBrowserController>,
    form: RefCell<Option<FormState>>,
    form_model: Rc<VecModel<FieldView>>,
    /// A save is on its way to the engine.
    saving: Cell<bool>,
}

impl FormController {
    pub(super) fn install(
        table: &Rc<TableController>,
        files: &Rc<FileBrowserController>,
        ui: &MainWindow,
    ) -> Rc<FormController> {
        let c = Rc::new(FormController {
            shell: table.shell.clone(),
            table: table.clone(),
            files: files.clone(),
            form: RefCell::new(None),
            form_model: Rc::new(VecModel::default()),
            saving: Cell::new(false),
        });
        shell::register(c.clone());
        let form = ui.global::<Form>();
        form.set_fields(ModelRc::from(c.form_model.clone()));
        macro_rules! on {
            ($global:ident, $setter:ident, |$c:ident $(, $arg:ident)*| $body:expr) => {{
                ui.global::<$global>().$setter(move |$($arg),*| shell::with(|$c: &Rc<FormController>| { $body; }));
            }};
        }
        on!(Table, on_new_record, |c| c.new_record());
        on!(Table, on_edit_record, |c| c.edit_record());
        on!(Form, on_save, |c| c.form_save());
        on!(Form, on_cancel, |c| c.form_cancel());
        on!(Form, on_item_add, |c, f| c.form_item_add(f as usize));
        on!(Form, on_item_remove, |c, f, i| c
            .form_item_remove(f as usize, i as usize));
        on!(Form, on_tag_add, |c, f, t| c.form_tag_add(f as usize, &t));
        on!(Form, on_choose_photo, |c, f| c.choose_photo(f as usize));
        on!(Form, on_discard, |c| c.close_form());
        on!(Form, on_relation_typed, |c, f, t| c.relation_typed(f as usize, &t));
        on!(Form, on_relation_picked, |c, f, i| c
            .relation_picked(f as usize, i as usize));
        form.on_date_of(|t| date_of(&t));
        form.on_date_text(|k, d, old| date_text(&k, d, &old).into());
        form.on_without_year(|t| without_year(&t).into());
        form.on_with_year(|t| with_year(&t).into());
        c
    }

    /// Opens the file browser on images for the photo field at `field`; the chosen file is
    /// read when the form is saved.
    fn choose_photo(&self, field: usize) {
        let typed = self
            .form_model
            .row_data(field)
            .map(|f| f.text.to_string())
            .unwrap_or_default();
        let pictures = directories::UserDirs::new().and_then(|u| u.picture_dir().map(Into::into));
        let start = file_browser::start_folder(typed.trim_start_matches('@'), pictures);
        self.files.open(
            file_browser::IMAGE_EXTENSIONS.iter().map(|e| e.to_string()).collect(),
            start,
            Box::new(move |path: PathBuf| {
                shell::with(|c: &Rc<FormController>| {
                    if let Some(mut f) = c.form_model.row_data(field) {
                        f.text = format!("@{}", path.display()).into();
                        c.form_model.set_row_data(field, f);
                    }
                })
            }),
        );
    }

    pub(super) fn new_record(self: &Rc<Self>) {
        let section = self.table.view.borrow().section.clone();
        let schema = self.shell.schema.borrow();
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
        let title = format!("New record in {}", s.label);
        drop(schema);
        self.open_form(
            title,
            fields,
            FormState {
                section,
                record: None,
                original: Vec::new(),
                shown: Vec::new(),
                suggested: HashMap::new(),
            },
        );
    }

    pub(super) fn edit_record(self: &Rc<Self>) {
        let Some(id) = self.table.current_id() else {
            return;
        };
        self.shell.worker.run(
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
                shell::with(|c: &Rc<FormController>| {
                    let Some((section, title, texts)) = r else { return };
                    let schema = c.shell.schema.borrow().clone();
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
                            shown: Vec::new(),
                            original: texts,
                            suggested: HashMap::new(),
                        },
                    );
                })
            },
        );
    }

    fn open_form(&self, title: String, fields: Vec<FieldView>, mut state: FormState) {
        self.form_model.set_vec(fields);
        state.shown = self.texts();
        *self.form.borrow_mut() = Some(state);
        self.shell.app(|a| {
            let form = a.global::<Form>();
            // Right-to-left words in the order people read them, as on the card.
            form.set_title(super::text::bidi_display(&title).into());
            form.set_error("".into());
            form.set_confirm_discard(false);
            form.set_shown(true);
        });
    }

    /// Each field's key and the text its editor holds now, in the form `Value::parse` reads.
    fn texts(&self) -> Vec<(String, String)> {
        self.form_model
            .iter()
            .map(|f| {
                let text = match f.kind.as_str() {
                    "checkbox" => if f.checked { "yes" } else { "" }.to_string(),
                    "phones" | "emails" | "urls" | "tags" => items_text(&f.kind, &f.items.iter().collect::<Vec<_>>()),
                    _ => f.text.to_string(),
                };
                (f.key.to_string(), text)
            })
            .collect()
    }

    /// Whether an editor holds something other than when the form opened.
    fn is_dirty(&self) -> bool {
        self.form
            .borrow()
            .as_ref()
            .is_some_and(|state| state.shown != self.texts())
    }

    /// Cancel or Esc: leaves the form, after asking when that would lose changes.
    pub(super) fn form_cancel(&self) {
        if self.is_dirty() {
            self.shell.app(|a| a.global::<Form>().set_confirm_discard(true));
            return;
        }
        self.close_form();
    }

    /// Leaves the form, dropping what was typed.
    fn close_form(&self) {
        self.form.borrow_mut().take();
        self.shell.app(|a| {
            a.global::<Form>().set_confirm_discard(false);
            a.global::<Form>().set_shown(false);
        });
        if let Some(ui) = self.shell.ui.upgrade() {
            ui.invoke_focus_main();
        }
    }

    /// A relation field's text changed: the records of its target section whose title
    /// matches, for the list under the field.
    fn relation_typed(&self, field: usize, text: &str) {
        let Some(f) = self.form_model.row_data(field) else {
            return;
        };
        let target = {
            let schema = self.shell.schema.borrow();
            let section = self.table.view.borrow().section.clone();
            schema
                .section(&section)
                .and_then(|s| s.field(f.key.as_str()))
                .and_then(|f| f.options.target.clone())
        };
        let text = text.trim().to_string();
        if text.is_empty() || text.starts_with('#') {
            self.show_suggestions(field, Vec::new());
            return;
        }
        self.shell.read_worker().run_urgent(
            move |s: &mut Session| -> Vec<(i64, String)> {
                let Some(v) = s.vault.as_ref() else { return Vec::new() };
                let sections: Vec<String> = match target {
                    Some(t) => vec![t],
                    None => v.schema().live_sections().map(|s| s.key.clone()).collect(),
                };
                let mut found = Vec::new();
                for section in sections {
                    let q = cardbase_engine::Query::section(&section).search(&text).limit(8);
                    if let Ok(r) = v.list(&q) {
                        found.extend(r.records.iter().map(|rec| (rec.id.0, v.title(rec))));
                    }
                }
                found.truncate(8);
                found
            },
            move |found| shell::with(|c: &Rc<FormController>| c.show_suggestions(field, found)),
        );
    }

    fn show_suggestions(&self, field: usize, found: Vec<(i64, String)>) {
        let Some(mut f) = self.form_model.row_data(field) else {
            return;
        };
        let titles: Vec<SharedString> = found.iter().map(|(_, t)| super::text::bidi_display(t).into()).collect();
        f.suggestion = if titles.is_empty() { -1 } else { 0 };
        f.suggestions = ModelRc::new(VecModel::from(titles));
        self.form_model.set_row_data(field, f);
        if let Some(state) = self.form.borrow_mut().as_mut() {
            state
                .suggested
                .insert(field, found.into_iter().map(|(id, _)| id).collect());
        }
    }

    /// A suggestion picked: the field names that record (its title and `#id`).
    fn relation_picked(&self, field: usize, index: usize) {
        let id = self
            .form
            .borrow()
            .as_ref()
            .and_then(|s| s.suggested.get(&field)?.get(index).copied());
        let Some(mut f) = self.form_model.row_data(field) else {
            return;
        };
        let Some(id) = id else { return };
        let title = f.suggestions.row_data(index).map(|t| t.to_string()).unwrap_or_default();
        f.text = format!("{title} (#{id})").into();
        f.suggestions = ModelRc::default();
        f.suggestion = -1;
        self.form_model.set_row_data(field, f);
    }

    /// Saves what changed; errors go next to the field they name.
    pub(super) fn form_save(self: &Rc<Self>) {
        // A second Save (Ctrl+Enter, then a click) while the first is on its way would create the
        // record twice.
        if self.saving.replace(true) {
            return;
        }
        let Some((section, record, original)) = self
            .form
            .borrow()
            .as_ref()
            .map(|f| (f.section.clone(), f.record, f.original.clone()))
        else {
            self.saving.set(false);
            return;
        };
        let mut changes: Vec<(String, String)> = Vec::new();
        for i in 0..self.form_model.row_count() {
            let Some(mut f) = self.form_model.row_data(i) else {
                continue;
            };
            let text = match f.kind.as_str() {
                "checkbox" => if f.checked { "yes" } else { "" }.to_string(),
                "phones" | "emails" | "urls" | "tags" => items_text(&f.kind, &f.items.iter().collect::<Vec<_>>()),
                _ => f.text.to_string(),
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
        self.shell.worker.run(
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
                shell::with(|c: &Rc<FormController>| match r {
                    Ok(id) => {
                        c.saving.set(false);
                        c.close_form();
                        c.table.pending_select.set(Some(id));
                        c.shell.say("Saved.", false);
                        c.table.after_records_changed();
                    }
                    Err((field, message)) => {
                        c.saving.set(false);
                        c.show_form_error(field, message);
                    }
                })
            },
        );
    }

    /// Adds an empty row to a phones, e-mails or URLs editor.
    pub(super) fn form_item_add(&self, field: usize) {
        let Some(f) = self.form_model.row_data(field) else {
            return;
        };
        if let Some(items) = f.items.as_any().downcast_ref::<VecModel<ItemView>>() {
            let kind = if f.kind == "phones" { "mobile" } else { "other" };
            items.push(ItemView {
                kind: kind.into(),
                value: SharedString::default(),
            });
        }
    }

    pub(super) fn form_item_remove(&self, field: usize, item: usize) {
        let Some(f) = self.form_model.row_data(field) else {
            return;
        };
        if let Some(items) = f.items.as_any().downcast_ref::<VecModel<ItemView>>()
            && item < items.row_count()
        {
            items.remove(item);
        }
    }

    pub(super) fn form_tag_add(&self, field: usize, tag: &str) {
        let Some(f) = self.form_model.row_data(field) else {
            return;
        };
        let Some(items) = f.items.as_any().downcast_ref::<VecModel<ItemView>>() else {
            return;
        };
        for t in tag.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            // Reuse a suggested spelling, and never add the same tag twice.
            let t = f
                .options
                .iter()
                .find(|o| o.to_lowercase() == t.to_lowercase())
                .map(|o| o.to_string())
                .unwrap_or(t.to_string());
            if !items.iter().any(|i| i.value.to_lowercase() == t.to_lowercase()) {
                items.push(ItemView {
                    kind: SharedString::default(),
                    value: t.into(),
                });
            }
        }
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
                self.shell
                    .app(|a| a.global::<Form>().set_error("Please correct the marked field.".into()));
            }
            None => {
                self.shell.app(|a| a.global::<Form>().set_error(message.into()));
            }
        }
    }
}

/// The date a date editor's calendar opens on: the typed date, or today.
pub(super) fn date_of(text: &str) -> Date {
    use chrono::Datelike;
    let parsed = match Value::parse_as(FieldType::Datetime, &[], None, text) {
        Ok(Some(Value::DateTime(t))) => Some(t.with_timezone(&chrono::Local).date_naive()),
        _ => match Value::parse_as(FieldType::DateNoYear, &[], None, text) {
            Ok(Some(Value::PartialDate { year, month, day })) => {
                chrono::NaiveDate::from_ymd_opt(year.unwrap_or(chrono::Local::now().year()), month, day)
            }
            _ => None,
        },
    };
    let d = parsed.unwrap_or_else(|| chrono::Local::now().date_naive());
    Date {
        year: d.year(),
        month: d.month() as i32,
        day: d.day() as i32,
    }
}

/// The text a date editor gets from its calendar; a date-time keeps its time of day.
pub(super) fn date_text(kind: &str, d: Date, old: &str) -> String {
    let date = format!("{:04}-{:02}-{:02}", d.year, d.month, d.day);
    match kind {
        "datetime" => {
            let time = old
                .split_once(' ')
                .map(|(_, t)| t.trim())
                .filter(|t| t.contains(':'))
                .unwrap_or("09:00");
            format!("{date} {time}")
        }
        "date_no_year" if old.trim().starts_with("--") => format!("--{:02}-{:02}", d.month, d.day),
        _ => date,
    }
}

/// A date as a birthday without its year: `1985-03-14` or `14.03.1985` → `--03-14`; text that
/// is not a date stays as it is.
pub(super) fn without_year(text: &str) -> String {
    match Value::parse_as(FieldType::DateNoYear, &[], None, text) {
        Ok(Some(Value::PartialDate { month, day, .. })) => format!("--{month:02}-{day:02}"),
        _ => text.to_string(),
    }
}

/// A birthday without its year with this year put in (so the calendar can show it).
pub(super) fn with_year(text: &str) -> String {
    use chrono::Datelike;
    match Value::parse_as(FieldType::DateNoYear, &[], None, text) {
        Ok(Some(Value::PartialDate { year: None, month, day })) => {
            format!("{:04}-{month:02}-{day:02}", chrono::Local::now().year())
        }
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_editors_write_text_the_engine_reads() {
        let items = vec![
            ItemView {
                kind: "mobile".into(),
                value: "+1 555 0100".into(),
            },
            ItemView {
                kind: "other".into(),
                value: "112".into(),
            },
            ItemView {
                kind: "work".into(),
                value: "  ".into(),
            },
        ];
        assert_eq!(items_text("phones", &items), "mobile: +1 555 0100; 112");
        let tags = vec![
            ItemView {
                kind: "".into(),
                value: "Work".into(),
            },
            ItemView {
                kind: "".into(),
                value: "Friends".into(),
            },
        ];
        assert_eq!(items_text("tags", &tags), "Work, Friends");
    }

    #[test]
    fn a_birthday_loses_and_regains_its_year() {
        assert_eq!(without_year("1985-03-14"), "--03-14");
        assert_eq!(without_year("--03-14"), "--03-14");
        assert_eq!(without_year("not a date"), "not a date");
        assert!(with_year("--03-14").ends_with("-03-14"));
        assert_eq!(with_year("--03-14").len(), 10);
    }

    #[test]
    fn the_calendar_keeps_the_time_and_the_missing_year() {
        let d = Date {
            year: 2027,
            month: 3,
            day: 4,
        };
        assert_eq!(date_text("datetime", d.clone(), "2026-01-01 14:30"), "2027-03-04 14:30");
        assert_eq!(date_text("date_no_year", d.clone(), "--01-01"), "--03-04");
        assert_eq!(date_text("date", d, ""), "2027-03-04");
        assert_eq!(
            date_of("2024-02-29"),
            Date {
                year: 2024,
                month: 2,
                day: 29
            }
        );
    }
}
