//! The record table's model: the ids of the current view (filter + sort order, computed by
//! the engine) and a small cache of pages of rows read on demand. A million ids cost 8 MB;
//! rows cost memory only for the pages near the viewport.

use super::ui::{CellItem, RowItem};
use slint::{Model, ModelNotify, ModelRc, ModelTracker, SharedString, VecModel};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

/// Rows read per page.
pub const PAGE: usize = 100;
/// Pages kept; the oldest is dropped beyond this.
const MAX_PAGES: usize = 12;

/// One row as the worker reads it: the text of each cell and whether it reads right to left,
/// and whether the record is overdue (a task or event past its date and still open).
#[derive(Debug, Clone, Default)]
pub struct RowCells {
    pub cells: Vec<(String, bool)>,
    pub overdue: bool,
}

/// Asks for a page of rows: (generation, page number, the ids on that page).
pub type PageRequest = Box<dyn Fn(u64, usize, Vec<i64>)>;

pub struct RecordRows {
    ids: RefCell<Vec<i64>>,
    generation: Cell<u64>,
    pages: RefCell<HashMap<usize, Vec<RowCells>>>,
    page_order: RefCell<Vec<usize>>,
    pending: RefCell<HashSet<usize>>,
    selected: RefCell<BTreeSet<i64>>,
    request: RefCell<Option<PageRequest>>,
    on_fill: RefCell<Option<Box<dyn Fn()>>>,
    // True while row_data itself is filling a page (inline worker): no notifications then.
    filling_inline: Cell<bool>,
    notify: ModelNotify,
}

impl RecordRows {
    pub fn new() -> Rc<RecordRows> {
        Rc::new(RecordRows {
            ids: RefCell::new(Vec::new()),
            generation: Cell::new(0),
            pages: RefCell::new(HashMap::new()),
            page_order: RefCell::new(Vec::new()),
            pending: RefCell::new(HashSet::new()),
            selected: RefCell::new(BTreeSet::new()),
            request: RefCell::new(None),
            on_fill: RefCell::new(None),
            filling_inline: Cell::new(false),
            notify: ModelNotify::default(),
        })
    }

    pub fn set_request(&self, request: PageRequest) {
        *self.request.borrow_mut() = Some(request);
    }

    /// Called after each page of rows arrives.
    pub fn set_on_fill(&self, on_fill: Box<dyn Fn()>) {
        *self.on_fill.borrow_mut() = Some(on_fill);
    }

    /// Swaps in a new list of ids (a new search, filter or sort). Returns the new generation;
    /// pages of older generations are ignored when they arrive.
    pub fn set_ids(&self, ids: Vec<i64>) -> u64 {
        let g = self.generation.get() + 1;
        self.generation.set(g);
        let still: HashSet<i64> = ids.iter().copied().collect();
        self.selected.borrow_mut().retain(|id| still.contains(id));
        *self.ids.borrow_mut() = ids;
        self.pages.borrow_mut().clear();
        self.page_order.borrow_mut().clear();
        self.pending.borrow_mut().clear();
        self.notify.reset();
        g
    }

    /// Forgets the cached rows (after an edit) so they are read again.
    pub fn refresh_rows(&self) {
        self.generation.set(self.generation.get() + 1);
        self.pages.borrow_mut().clear();
        self.page_order.borrow_mut().clear();
        self.pending.borrow_mut().clear();
        self.notify.reset();
    }

    /// A page of rows arrived from the worker.
    pub fn fill_page(&self, generation: u64, page: usize, rows: Vec<RowCells>) {
        if generation != self.generation.get() {
            return;
        }
        self.pending.borrow_mut().remove(&page);
        let n = rows.len();
        {
            let mut pages = self.pages.borrow_mut();
            let mut order = self.page_order.borrow_mut();
            pages.insert(page, rows);
            order.retain(|p| *p != page);
            order.push(page);
            while order.len() > MAX_PAGES {
                let old = order.remove(0);
                pages.remove(&old);
            }
        }
        if !self.filling_inline.get() {
            for i in 0..n {
                self.notify.row_changed(page * PAGE + i);
            }
        }
        if let Some(f) = self.on_fill.borrow().as_ref() {
            f();
        }
    }

    pub fn id_at(&self, row: usize) -> Option<i64> {
        self.ids.borrow().get(row).copied()
    }

    pub fn row_of(&self, id: i64) -> Option<usize> {
        self.ids.borrow().iter().position(|x| *x == id)
    }

    pub fn len(&self) -> usize {
        self.ids.borrow().len()
    }

    pub fn selected_ids(&self) -> Vec<i64> {
        self.selected.borrow().iter().copied().collect()
    }

    /// Selects rows: one row, toggles one (ctrl), or extends a range (shift) from `anchor`.
    pub fn select(&self, row: usize, toggle: bool, range_from: Option<usize>) {
        let ids = self.ids.borrow();
        let Some(id) = ids.get(row).copied() else { return };
        let mut sel = self.selected.borrow_mut();
        let before: Vec<i64> = sel.iter().copied().collect();
        match (toggle, range_from) {
            (_, Some(anchor)) => {
                sel.clear();
                let (a, b) = if anchor <= row { (anchor, row) } else { (row, anchor) };
                sel.extend(ids[a..=b.min(ids.len() - 1)].iter().copied());
            }
            (true, None) => {
                if !sel.remove(&id) {
                    sel.insert(id);
                }
            }
            (false, None) => {
                sel.clear();
                sel.insert(id);
            }
        }
        let changed: HashSet<i64> = before.iter().chain(sel.iter()).copied().collect();
        drop(sel);
        for (i, id) in ids.iter().enumerate() {
            if changed.contains(id) && self.pages.borrow().contains_key(&(i / PAGE)) {
                self.notify.row_changed(i);
            }
        }
    }

    fn request_page(&self, page: usize) {
        if !self.pending.borrow_mut().insert(page) {
            return;
        }
        let ids: Vec<i64> = {
            let ids = self.ids.borrow();
            let start = page * PAGE;
            ids[start.min(ids.len())..(start + PAGE).min(ids.len())].to_vec()
        };
        if let Some(request) = self.request.borrow().as_ref() {
            self.filling_inline.set(true);
            request(self.generation.get(), page, ids);
            self.filling_inline.set(false);
        }
    }
}

impl Model for RecordRows {
    type Data = RowItem;

    fn row_count(&self) -> usize {
        self.ids.borrow().len()
    }

    fn row_data(&self, row: usize) -> Option<RowItem> {
        let id = self.id_at(row)?;
        let page = row / PAGE;
        if !self.pages.borrow().contains_key(&page) {
            self.request_page(page);
        }
        let pages = self.pages.borrow();
        let selected = self.selected.borrow().contains(&id);
        Some(match pages.get(&page).and_then(|p| p.get(row % PAGE)) {
            Some(row) => RowItem {
                id: id as i32,
                cells: ModelRc::new(VecModel::from(
                    row.cells
                        .iter()
                        .map(|(t, rtl)| CellItem {
                            text: SharedString::from(t.as_str()),
                            rtl: *rtl,
                        })
                        .collect::<Vec<_>>(),
                )),
                selected,
                loaded: true,
                overdue: row.overdue,
            },
            None => RowItem {
                id: id as i32,
                cells: ModelRc::default(),
                selected,
                loaded: false,
                overdue: false,
            },
        })
    }

    fn model_tracker(&self) -> &dyn ModelTracker {
        &self.notify
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
