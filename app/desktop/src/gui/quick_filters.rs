//! Quick filters over sections whose records are dated (Events by planned time, Tasks by due
//! date): today, overdue, this week, and by assignee and by type. They narrow the table on top
//! of the search and the filter bar; what each period means is the engine's (`agenda`).

use super::controller::{Controller, with_controller};
use super::ui::Table;
use super::worker::Session;
use cardbase_engine::agenda::{self, Period};
use cardbase_engine::query::StatsQuery;
use cardbase_engine::{FieldType, Section};
use chrono::{Local, Utc};
use slint::ComponentHandle as _;
use slint::{Model, ModelRc, SharedString};
use std::rc::Rc;

/// The quick filters chosen on the current section.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuickFilters {
    pub period: Option<Period>,
    pub assignee: Option<String>,
    pub kind: Option<String>,
}

/// The field a section's "by type" filter uses: its `type` choice field.
fn type_field(section: &Section) -> Option<&cardbase_engine::Field> {
    section
        .field("type")
        .filter(|f| !f.deleted && f.kind == FieldType::Choice)
}

fn has_assignee(section: &Section) -> bool {
    section.field("assignee").is_some_and(|f| !f.deleted)
}

fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A ComboBox model: `first` (the "any" choice), then `rest`.
fn strings(first: &str, rest: impl IntoIterator<Item = String>) -> ModelRc<SharedString> {
    super::events::strings(std::iter::once(first.to_string()).chain(rest))
}

impl QuickFilters {
    /// The filter expressions these quick filters add on `section`, with "today" and "now" as
    /// the local clock has them at the time of the call.
    pub fn expressions(&self, section: &Section) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(p) = self.period
            && let Some(f) = agenda::period_filter(section, p, Utc::now(), &Local)
        {
            out.push(f.to_string());
        }
        if let Some(a) = &self.assignee {
            out.push(format!("assignee = {}", quoted(a)));
        }
        if let Some(k) = &self.kind {
            out.push(format!("type = {}", quoted(k)));
        }
        out
    }
}

impl Controller {
    /// Shows the quick filters for a newly chosen section (cleared), or hides them where its
    /// records are not dated; the assignees in use load on the worker.
    pub(super) fn show_quick_filters(self: &Rc<Self>, section: &Section) {
        let shown = agenda::date_field(section).is_some();
        let types = type_field(section)
            .map(|f| f.options.choices.clone())
            .unwrap_or_default();
        self.app(|a| {
            a.global::<Table>().set_quick_shown(shown);
            a.global::<Table>().set_quick_period(-1);
            a.global::<Table>().set_quick_assignee(0);
            a.global::<Table>().set_quick_type(0);
            a.global::<Table>().set_quick_types(strings("Any type", types));
            a.global::<Table>().set_quick_assignees(strings("Anyone", Vec::new()));
        });
        if shown && has_assignee(section) {
            self.load_assignees(section.key.clone());
        }
    }

    /// After an edit: the assignees in use again (one may be new).
    pub(super) fn reload_assignees(self: &Rc<Self>) {
        let key = self.view.borrow().section.clone();
        let section = self.schema.borrow().section(&key).cloned();
        if let Some(s) = section
            && agenda::date_field(&s).is_some()
            && has_assignee(&s)
        {
            self.load_assignees(key);
        }
    }

    /// The assignees named on the section's records, for the "by assignee" list.
    fn load_assignees(self: &Rc<Self>, section: String) {
        self.worker.run(
            move |s: &mut Session| {
                let Some(v) = s.vault.as_ref() else { return Vec::new() };
                let q = StatsQuery {
                    section,
                    group_by: Some("assignee".into()),
                    ..StatsQuery::default()
                };
                v.stats(&q)
                    .map(|rows| rows.into_iter().filter_map(|r| r.group).collect())
                    .unwrap_or_default()
            },
            |names: Vec<String>| {
                with_controller(|c| {
                    let chosen = c.view.borrow().quick.assignee.clone();
                    c.app(|a| {
                        a.global::<Table>()
                            .set_quick_assignees(strings("Anyone", names.iter().cloned()));
                        let at = chosen.and_then(|n| names.iter().position(|x| *x == n));
                        a.global::<Table>().set_quick_assignee(at.map_or(0, |i| i as i32 + 1));
                    });
                })
            },
        );
    }

    /// A chip, the assignee list or the type list changed: narrow the table again.
    pub(super) fn quick_changed(self: &Rc<Self>) {
        let Some(quick) = self.app(|a| {
            let pick = |list: ModelRc<SharedString>, i: i32| {
                (i > 0)
                    .then(|| list.row_data(i as usize))
                    .flatten()
                    .map(|s| s.to_string())
            };
            QuickFilters {
                period: usize::try_from(a.global::<Table>().get_quick_period())
                    .ok()
                    .and_then(|i| Period::ALL.get(i).copied()),
                assignee: pick(
                    a.global::<Table>().get_quick_assignees(),
                    a.global::<Table>().get_quick_assignee(),
                ),
                kind: pick(
                    a.global::<Table>().get_quick_types(),
                    a.global::<Table>().get_quick_type(),
                ),
            }
        }) else {
            return;
        };
        self.view.borrow_mut().quick = quick;
        self.refresh_table();
    }
}
