//! Quick filters over sections whose records are dated (Events by planned time, Tasks by due
//! date): today, overdue, this week, and by assignee and by type. They narrow the table on top
//! of the search and the filter bar; what each period means is the engine's (`agenda`).

use cardbase_engine::agenda::{self, Period};
use cardbase_engine::query::{Condition, Filter, Op};
use cardbase_engine::{FieldType, Section};
use chrono::{Local, Utc};
use slint::{ModelRc, SharedString};

/// The quick filters chosen on the current section.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuickFilters {
    pub period: Option<Period>,
    pub assignee: Option<String>,
    pub kind: Option<String>,
}

/// The field a section's "by type" filter uses: its `type` choice field.
pub(super) fn type_field(section: &Section) -> Option<&cardbase_engine::Field> {
    section
        .field("type")
        .filter(|f| !f.deleted && f.kind == FieldType::Choice)
}

pub(super) fn has_assignee(section: &Section) -> bool {
    section.field("assignee").is_some_and(|f| !f.deleted)
}

/// A ComboBox model: `first` (the "any" choice), then `rest`.
pub(super) fn strings(first: &str, rest: impl IntoIterator<Item = String>) -> ModelRc<SharedString> {
    super::models::strings(std::iter::once(first.to_string()).chain(rest))
}

/// `field = value`, typed.
pub(super) fn equals(field: &str, value: &str) -> Filter {
    Filter::Cond(Condition {
        field: field.to_string(),
        op: Op::Eq,
        values: vec![value.to_string()],
    })
}

impl QuickFilters {
    /// The filters these quick filters add on `section`, with "today" and "now" as the local
    /// clock has them at the time of the call.
    pub fn filters(&self, section: &Section) -> Vec<Filter> {
        let mut out = Vec::new();
        if let Some(p) = self.period
            && let Some(f) = agenda::period_filter(section, p, Utc::now(), &Local)
        {
            out.push(f);
        }
        if let Some(a) = &self.assignee {
            out.push(equals("assignee", a));
        }
        if let Some(k) = &self.kind {
            out.push(equals("type", k));
        }
        out
    }
}
