//! The record table: which section, search, filter, group and sort; the columns and their
//! layout; selection; and the actions on selected records (delete, undo).

mod edits;
mod layout;

use super::columns::{ColumnLayout, default_columns};
use super::quick_filters::QuickFilters;
use super::rows::RecordRows;
use super::rows::RowCells;
use super::shell::{self, Shell};
use super::sidebar::SidebarController;
use super::text;
use super::ui::{Sidebar, Table};
use super::worker::Session;
use cardbase_engine::agenda;
use cardbase_engine::query::{Aggregate, AggregateFn, Filter, StatsQuery, parse_filter};
use cardbase_engine::records::Record;
use cardbase_engine::schema::{Field, Section};
use cardbase_engine::{FieldType, Query, RecordId, SortKey, Value, Vault};
use chrono::{DateTime, Utc};
use slint::ComponentHandle as _;
use slint::{Model, ModelRc, VecModel};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Sections larger than this get an index on a field the first time the user sorts by it.
const INDEX_ON_SORT_ABOVE: usize = 20_000;

/// What the table shows: the section and how it is narrowed and sorted.
#[derive(Debug, Clone, Default)]
pub struct ViewState {
    pub section: String,
    pub search: String,
    pub filter: String,
    pub group: Option<String>,
    /// Today / overdue / this week, by assignee, by type (dated sections only).
    pub quick: QuickFilters,
    pub sort: Vec<SortKey>,
    pub columns: Vec<ColumnLayout>,
    /// Saved column layouts per section key.
    pub layouts: HashMap<String, Vec<ColumnLayout>>,
}

/// Told the record that became current (or that there is none).
type CurrentListener = Box<dyn Fn(Option<i64>)>;

/// The sidebar and the record table: sections and groups, the view, its rows, the current
/// record and the selection.
pub(super) struct TableController {
    pub shell: Rc<Shell>,
    pub sidebar: Rc<SidebarController>,
    pub view: RefCell<ViewState>,
    pub rows: Rc<RecordRows>,
    current: Cell<Option<usize>>,
    /// The record a Shift-click selects from.
    anchor: Cell<Option<i64>>,
    /// Counts table refreshes, so the engine skips any a newer one has replaced.
    refresh_seq: Arc<AtomicU64>,
    /// A record to select once the table has loaded (after a save or a jump to a relation).
    pub pending_select: Cell<Option<i64>>,
    /// The sidebar's groups still have to be read for the section just opened.
    groups_due: Cell<bool>,
    on_current: RefCell<Vec<CurrentListener>>,
    /// After the first page of rows arrives (start-up timing).
    on_first_fill: RefCell<Option<Box<dyn FnOnce()>>>,
}

/// The text of a value in a table cell: secrets masked, relations by title, RTL reordered.
pub(super) fn cell_text(vault: &Vault, field: &Field, value: &Value) -> (String, bool) {
    let raw = match value {
        _ if field.kind == FieldType::Secret => "••••••".to_string(),
        Value::Relation(id) => vault.record_title(*id),
        Value::Photo(_) => "(photo)".to_string(),
        v => super::display::Locale::current().value(v).replace('\n', " "),
    };
    let rtl = text::is_rtl(&raw);
    (text::bidi_display(&raw), rtl)
}

fn row_cells(
    vault: &Vault,
    section: &Section,
    record: Option<&Record>,
    keys: &[String],
    now: DateTime<Utc>,
) -> RowCells {
    let cells = keys
        .iter()
        .map(|k| {
            let value = record.and_then(|r| r.get(k));
            match (section.field(k), value) {
                (Some(f), Some(v)) => cell_text(vault, f, v),
                _ => (String::new(), false),
            }
        })
        .collect();
    RowCells {
        cells,
        overdue: record.is_some_and(|r| agenda::is_overdue(section, r, now)),
    }
}

/// What a refresh of the table brings back from the engine.
struct Listing {
    ids: Vec<i64>,
    footer: String,
}

impl TableController {
    /// Creates the table and wires the sidebar's and the table's callbacks.
    pub(super) fn install(sidebar: &Rc<SidebarController>, ui: &super::ui::MainWindow) -> Rc<TableController> {
        let rows = RecordRows::new();
        let c = Rc::new(TableController {
            shell: sidebar.shell.clone(),
            sidebar: sidebar.clone(),
            view: RefCell::new(ViewState::default()),
            rows: rows.clone(),
            current: Cell::new(None),
            anchor: Cell::new(None),
            refresh_seq: Default::default(),
            pending_select: Cell::new(None),
            groups_due: Cell::new(false),
            on_current: RefCell::new(Vec::new()),
            on_first_fill: RefCell::new(None),
        });
        shell::register(c.clone());
        ui.global::<Table>().set_rows(ModelRc::from(rows.clone()));
        rows.set_request(Box::new(|generation, page, ids| {
            shell::with(|c: &Rc<TableController>| c.load_page(generation, page, ids));
        }));
        rows.set_on_fill(Box::new(|| {
            shell::with(|c: &Rc<TableController>| {
                if c.groups_due.take() {
                    c.sidebar.load_groups(&c.view.borrow().section);
                }
                if let Some(f) = c.on_first_fill.borrow_mut().take() {
                    f();
                }
            })
        }));
        macro_rules! on {
            ($global:ident, $setter:ident, |$c:ident $(, $arg:ident)*| $body:expr) => {{
                ui.global::<$global>().$setter(move |$($arg),*| shell::with(|$c: &Rc<TableController>| { $body; }));
            }};
        }
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
        on!(Table, on_delete_selected, |c| c.delete_selected());
        on!(Table, on_undo, |c| c.undo());
        on!(Table, on_clear_search, |c| c.clear_search());
        ui.global::<Table>().on_row_text(|row| {
            let mut text = String::new();
            shell::with(|c: &Rc<TableController>| text = c.row_text(row as usize));
            text.into()
        });
        c
    }

    /// Calls `listener` with the record that becomes current, each time it changes.
    pub(super) fn on_current(&self, listener: impl Fn(Option<i64>) + 'static) {
        self.on_current.borrow_mut().push(Box::new(listener));
    }

    /// Runs `f` once, after the next page of rows is shown.
    pub(super) fn after_first_fill(&self, f: impl FnOnce() + 'static) {
        *self.on_first_fill.borrow_mut() = Some(Box::new(f));
    }

    /// The record the card shows: the current row's.
    pub(super) fn current_id(&self) -> Option<i64> {
        self.current.get().and_then(|r| self.rows.id_at(r))
    }

    /// Reloads the sidebar's sections and counts.
    pub(super) fn refresh_sections(&self) {
        self.sidebar.refresh_sections(&self.view.borrow().section);
    }

    /// After an edit: the assignees in use again (one may be new).
    pub(super) fn reload_assignees(&self) {
        let key = self.view.borrow().section.clone();
        let chosen = self.view.borrow().quick.assignee.clone();
        let section = self.shell.schema.borrow().section(&key).cloned();
        if let Some(s) = section {
            super::quick_filter_bar::reload_assignees(&self.shell, &s, chosen);
        }
    }

    /// A chip, the assignee list or the type list changed: narrow the table again.
    pub(super) fn quick_changed(self: &Rc<Self>) {
        let Some(quick) = self.shell.app(super::quick_filter_bar::chosen) else {
            return;
        };
        self.view.borrow_mut().quick = quick;
        self.refresh_table();
    }

    pub(super) fn select_section(self: &Rc<Self>, index: usize) {
        let sections = self.shell.visible_sections();
        let Some(key) = sections.get(index).cloned() else {
            return;
        };
        {
            let schema = self.shell.schema.borrow();
            let Some(section) = schema.section(&key) else { return };
            let mut view = self.view.borrow_mut();
            view.section = key.clone();
            view.search.clear();
            view.filter.clear();
            view.group = None;
            view.quick = Default::default();
            view.sort.clear();
            let saved = view.layouts.get(&key).cloned().unwrap_or_default();
            let valid: Vec<ColumnLayout> = saved.into_iter().filter(|c| section.field(&c.key).is_some()).collect();
            view.columns = if valid.is_empty() {
                default_columns(section)
            } else {
                valid
            };
        }
        self.shell.app(|a| {
            a.global::<Sidebar>().set_current_section(index as i32);
            a.global::<Table>().set_search_text("".into());
            a.global::<Table>().set_filter_text("".into());
            a.global::<Table>().set_filter_error("".into());
            a.global::<Sidebar>().set_current_group(-1);
        });
        let section = self.shell.schema.borrow().section(&key).cloned();
        if let Some(section) = section {
            super::quick_filter_bar::show(&self.shell, &section);
        }
        self.shell.save_setting("ui.last_section", key);
        self.show_columns();
        // The table first: on a large section the groups (a scan of every record) take longer,
        // so they load once the first rows are on screen.
        self.shell.app(|a| a.global::<Sidebar>().set_groups(ModelRc::default()));
        self.groups_due.set(true);
        self.refresh_table();
    }

    /// The filters of the current view: the filter bar (as the user typed it), the chosen
    /// group and the quick filters (typed).
    pub(super) fn view_filters(&self) -> Result<Vec<Filter>, String> {
        let view = self.view.borrow();
        let schema = self.shell.schema.borrow();
        let mut out = Vec::new();
        if !view.filter.trim().is_empty() {
            out.push(parse_filter(&view.filter).map_err(|e| e.to_string())?);
        }
        let Some(section) = schema.section(&view.section) else {
            return Ok(out);
        };
        if let Some(g) = &view.group
            && let Some(field) = section.live_fields().find(|f| f.kind == FieldType::Tags)
        {
            out.push(super::quick_filters::equals(&field.key, g));
        }
        out.extend(view.quick.filters(section));
        Ok(out)
    }

    /// The query for what the table shows now (without its filters: see `view_filters`).
    pub(super) fn query(&self) -> Query {
        let view = self.view.borrow();
        let mut q = Query::section(&view.section);
        if !view.search.trim().is_empty() {
            q.search = Some(view.search.clone());
        }
        q.sort = view.sort.clone();
        q
    }

    /// Reloads the ids of the current view, the footer, and then the card.
    pub(super) fn refresh_table(self: &Rc<Self>) {
        let (query, numeric) = {
            let view = self.view.borrow();
            let schema = self.shell.schema.borrow();
            let numeric = schema.section(&view.section).and_then(|s| {
                view.columns
                    .iter()
                    .filter_map(|c| s.field(&c.key))
                    .find(|f| f.kind.is_numeric())
                    .map(|f| f.key.clone())
            });
            (self.query(), numeric)
        };
        let filters = self.view_filters();
        // Typing a search queues a refresh per key: only the newest one is worth running.
        let seq = self.refresh_seq.fetch_add(1, Ordering::SeqCst) + 1;
        let latest = self.refresh_seq.clone();
        self.shell.set_busy(true);
        self.shell.read_worker().run(
            move |s: &mut Session| -> Result<Option<Listing>, String> {
                if latest.load(Ordering::SeqCst) != seq {
                    return Ok(None);
                }
                let v = s.vault.as_ref().ok_or("the vault is not open")?;
                let mut q = query;
                q.filters.extend(filters?);
                let ids: Vec<i64> = v
                    .list_ids(&q)
                    .map_err(|e| e.to_string())?
                    .into_iter()
                    .map(|i| i.0)
                    .collect();
                let mut footer = if ids.len() == 1 {
                    "1 record".to_string()
                } else {
                    format!("{} records", ids.len())
                };
                if let Some(key) = numeric {
                    let agg = |func| Aggregate {
                        func,
                        field: key.clone(),
                    };
                    let sq = StatsQuery {
                        section: q.section.clone(),
                        search: q.search.clone(),
                        filters: q.filters.clone(),
                        group_by: None,
                        aggregates: vec![
                            agg(AggregateFn::Sum),
                            agg(AggregateFn::Avg),
                            agg(AggregateFn::Min),
                            agg(AggregateFn::Max),
                        ],
                    };
                    if let Ok(rows) = v.stats(&sq)
                        && let Some(row) = rows.first()
                    {
                        let label = v
                            .schema()
                            .section(&q.section)
                            .and_then(|s| s.field(&key))
                            .map(|f| f.label.clone());
                        let show = |i: usize| match &row.values[i] {
                            // An average of whole numbers is rarely whole: two decimals read best.
                            Some(Value::Number(n)) if n.fract() != 0.0 => format!("{n:.2}")
                                .trim_end_matches('0')
                                .trim_end_matches('.')
                                .to_string(),
                            Some(v) => v.display(),
                            None => "—".into(),
                        };
                        footer.push_str(&format!(
                            "   {}: sum {}  avg {}  min {}  max {}",
                            label.unwrap_or(key),
                            show(0),
                            show(1),
                            show(2),
                            show(3)
                        ));
                    }
                }
                Ok(Some(Listing { ids, footer }))
            },
            |r| {
                shell::with(|c: &Rc<TableController>| {
                    c.shell.set_busy(false);
                    match r {
                        Ok(Some(listing)) => c.show_listing(listing),
                        Ok(None) => {}
                        Err(e) => {
                            c.shell.app(|a| a.global::<Table>().set_filter_error(e.into()));
                        }
                    }
                })
            },
        );
    }

    /// A row's cells as the table shows them, tab-separated.
    fn row_text(&self, row: usize) -> String {
        self.rows
            .row_data(row)
            .map(|r| {
                r.cells
                    .iter()
                    .map(|c| c.text.to_string())
                    .collect::<Vec<_>>()
                    .join("\t")
            })
            .unwrap_or_default()
    }

    /// "Clear search and filter": the whole section again.
    fn clear_search(self: &Rc<Self>) {
        {
            let mut view = self.view.borrow_mut();
            view.search.clear();
            view.filter.clear();
            view.group = None;
        }
        self.shell.app(|a| {
            let t = a.global::<Table>();
            t.set_search_text("".into());
            t.set_filter_text("".into());
            t.set_filter_error("".into());
            a.global::<Sidebar>().set_current_group(-1);
        });
        self.refresh_table();
    }

    /// What the table says when it shows nothing, and whether a search or filter is the reason.
    fn empty_state(&self, rows: usize) -> (String, bool) {
        if rows > 0 {
            return (String::new(), false);
        }
        let view = self.view.borrow();
        let label = self
            .shell
            .schema
            .borrow()
            .section(&view.section)
            .map(|s| s.label.clone())
            .unwrap_or_default();
        let narrowed = !view.search.trim().is_empty()
            || !view.filter.trim().is_empty()
            || view.group.is_some()
            || view.quick != QuickFilters::default();
        if !view.search.trim().is_empty() {
            (format!("Nothing matches “{}”.", view.search.trim()), true)
        } else if narrowed {
            ("No record matches this filter.".to_string(), true)
        } else {
            (
                format!(
                    "No {} yet. Ctrl+N adds one; Import… brings a file.",
                    label.to_lowercase()
                ),
                false,
            )
        }
    }

    fn show_listing(self: &Rc<Self>, listing: Listing) {
        self.shell.app(|a| {
            a.global::<Table>().set_filter_error("".into());
            a.global::<Table>().set_footer(listing.footer.into());
        });
        let keep = self
            .pending_select
            .take()
            .or_else(|| self.current.get().and_then(|r| self.rows.id_at(r)));
        let (empty, narrowed) = self.empty_state(listing.ids.len());
        self.shell.app(|a| {
            let t = a.global::<Table>();
            t.set_empty_text(empty.into());
            t.set_narrowed(narrowed);
        });
        self.rows.set_ids(listing.ids);
        let row = keep
            .and_then(|id| self.rows.row_of(id))
            .or(if self.rows.len() > 0 { Some(0) } else { None });
        match row {
            Some(r) => {
                self.rows.select(r, false, None);
                self.set_current(Some(r));
                if let Some(ui) = self.shell.ui.upgrade() {
                    ui.invoke_show_current();
                }
            }
            None => {
                self.set_current(None);
                if self.groups_due.take() {
                    self.sidebar.load_groups(&self.view.borrow().section);
                }
            }
        }
    }

    pub(super) fn set_current(self: &Rc<Self>, row: Option<usize>) {
        self.current.set(row);
        let selected = self.rows.selected_ids().len() as i32;
        self.shell.app(|a| a.global::<Table>().set_selected_count(selected));
        self.shell
            .app(|a| a.global::<Table>().set_current_row(row.map(|r| r as i32).unwrap_or(-1)));
        let id = row.and_then(|r| self.rows.id_at(r));
        for listener in self.on_current.borrow().iter() {
            listener(id);
        }
    }

    /// Reads one page of rows for the table model.
    pub(super) fn load_page(self: &Rc<Self>, generation: u64, page: usize, ids: Vec<i64>) {
        let (section, keys) = {
            let view = self.view.borrow();
            (
                view.section.clone(),
                view.columns.iter().map(|c| c.key.clone()).collect::<Vec<_>>(),
            )
        };
        self.shell.read_worker().run_urgent(
            move |s: &mut Session| {
                let Some(v) = s.vault.as_ref() else { return Vec::new() };
                let Some(sec) = v.schema().section(&section).cloned() else {
                    return Vec::new();
                };
                let wanted: Vec<RecordId> = ids.iter().map(|i| RecordId(*i)).collect();
                let records = v.records_by_ids(&section, &wanted).unwrap_or_default();
                let now = Utc::now();
                ids.iter()
                    .map(|id| row_cells(v, &sec, records.iter().find(|r| r.id.0 == *id), &keys, now))
                    .collect::<Vec<_>>()
            },
            move |rows| shell::with(|c: &Rc<TableController>| c.rows.fill_page(generation, page, rows)),
        );
    }

    /// Pushes the column layout and sort marks to the header.
    pub(super) fn show_columns(&self) {
        let view = self.view.borrow();
        let schema = self.shell.schema.borrow();
        let Some(section) = schema.section(&view.section) else {
            return;
        };
        let (items, total, choices) = super::columns::header(section, &view.columns, &view.sort);
        self.shell.app(|a| {
            a.global::<Table>().set_columns(ModelRc::new(VecModel::from(items)));
            a.global::<Table>().set_columns_width(total);
            a.global::<Table>()
                .set_column_choices(ModelRc::new(VecModel::from(choices)));
        });
    }

    pub(super) fn select_group(self: &Rc<Self>, index: i32) {
        let groups = self
            .shell
            .app(|a| a.global::<Sidebar>().get_groups())
            .unwrap_or_default();
        let chosen = if index < 0 {
            None
        } else {
            groups.row_data(index as usize).map(|g| g.to_string())
        };
        let same = self.view.borrow().group == chosen;
        let (group, shown) = if same { (None, -1) } else { (chosen, index) };
        self.view.borrow_mut().group = group;
        self.shell.app(|a| a.global::<Sidebar>().set_current_group(shown));
        self.refresh_table();
    }

    pub(super) fn search_edited(self: &Rc<Self>, text: &str) {
        self.view.borrow_mut().search = text.to_string();
        self.refresh_table();
    }

    pub(super) fn filter_accepted(self: &Rc<Self>, text: &str) {
        self.view.borrow_mut().filter = text.trim().to_string();
        self.refresh_table();
    }

    /// Click on a header: sort by that column (again: reverse); with shift, add it as the next
    /// sort key.
    pub(super) fn sort_by(self: &Rc<Self>, column: usize, add: bool) {
        let (key, section) = {
            let view = self.view.borrow();
            let Some(c) = view.columns.get(column) else { return };
            (c.key.clone(), view.section.clone())
        };
        {
            let mut view = self.view.borrow_mut();
            let existing = view.sort.iter().position(|s| s.field == key);
            match (add, existing) {
                (true, Some(i)) => view.sort[i].desc = !view.sort[i].desc,
                (true, None) => view.sort.push(SortKey {
                    field: key.clone(),
                    desc: false,
                }),
                (false, Some(0)) => {
                    let desc = !view.sort[0].desc;
                    view.sort = vec![SortKey {
                        field: key.clone(),
                        desc,
                    }];
                }
                (false, _) => {
                    view.sort = vec![SortKey {
                        field: key.clone(),
                        desc: false,
                    }]
                }
            }
        }
        self.show_columns();
        let needs_index = self
            .shell
            .schema
            .borrow()
            .section(&section)
            .and_then(|s| s.field(&key))
            .is_some_and(|f| !f.indexed && !f.unique && f.kind != FieldType::Relation);
        if needs_index && self.rows.len() > INDEX_ON_SORT_ABOVE {
            // Large sections get an index the first time they are sorted by a field.
            self.shell.set_busy(true);
            self.shell.worker.run(
                move |s: &mut Session| {
                    let v = s.vault.as_mut()?;
                    let change = cardbase_engine::schema::edit::FieldChange {
                        indexed: Some(true),
                        ..Default::default()
                    };
                    v.set_field_options(&section, &key, &change).ok()?;
                    Some(v.schema().clone())
                },
                |schema| {
                    shell::with(|c: &Rc<TableController>| {
                        if let Some(schema) = schema {
                            *c.shell.schema.borrow_mut() = schema;
                        }
                        c.refresh_table();
                    })
                },
            );
        } else {
            self.refresh_table();
        }
    }

    pub(super) fn row_clicked(self: &Rc<Self>, row: usize, ctrl: bool, shift: bool) {
        // The anchor is a record, not a row: a refresh may have moved it.
        let anchor = if shift {
            self.anchor
                .get()
                .and_then(|id| self.rows.row_of(id))
                .or(self.current.get())
        } else {
            None
        };
        self.rows.select(row, ctrl, anchor);
        if !shift {
            self.anchor.set(self.rows.id_at(row));
        }
        self.set_current(Some(row));
        if let Some(ui) = self.shell.ui.upgrade() {
            ui.invoke_focus_main();
        }
    }

    pub(super) fn move_current(self: &Rc<Self>, delta: i32) {
        let n = self.rows.len();
        if n == 0 {
            return;
        }
        let row = match self.current.get() {
            Some(r) => (r as i64 + delta as i64).clamp(0, n as i64 - 1) as usize,
            None => 0,
        };
        self.rows.select(row, false, None);
        self.anchor.set(self.rows.id_at(row));
        self.set_current(Some(row));
    }

    /// "Filter by selection": add `field = value` of the clicked cell to the filter.
    pub(super) fn filter_by_cell(self: &Rc<Self>, row: usize, column: usize) {
        let Some(id) = self.rows.id_at(row) else { return };
        let key = {
            let view = self.view.borrow();
            let Some(c) = view.columns.get(column) else { return };
            c.key.clone()
        };
        self.shell.worker.run(
            move |s: &mut Session| {
                let v = s.vault.as_ref()?;
                let record = v.record(RecordId(id)).ok()?;
                let condition = match record.get(&key) {
                    None => format!("{key} empty"),
                    Some(Value::Relation(target)) => format!("{key} = {target}"),
                    Some(Value::Items(items)) => format!("{key} = {}", quote(&items.first()?.value)),
                    Some(Value::Tags(tags)) => format!("{key} = {}", quote(tags.first()?)),
                    Some(Value::Money { cents, .. }) => format!("{key} = {}", *cents as f64 / 100.0),
                    Some(value) => format!("{key} = {}", quote(&value.display())),
                };
                Some(condition)
            },
            |condition| {
                shell::with(|c: &Rc<TableController>| {
                    let Some(condition) = condition else { return };
                    let filter = {
                        let mut view = c.view.borrow_mut();
                        view.filter = if view.filter.is_empty() {
                            condition
                        } else {
                            format!("{} AND {condition}", view.filter)
                        };
                        view.filter.clone()
                    };
                    c.shell.app(|a| a.global::<Table>().set_filter_text(filter.into()));
                    c.refresh_table();
                })
            },
        );
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
