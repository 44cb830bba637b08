//! The quick-filter bar above the table of a dated section (Events, Tasks): the period chips,
//! the assignees in use and the types, shown cleared for each section and read back as
//! [`QuickFilters`] when the user changes one.

use super::quick_filters::{QuickFilters, has_assignee, strings, type_field};
use super::shell::Shell;
use super::ui::{MainWindow, Table};
use super::worker::Session;
use cardbase_engine::Section;
use cardbase_engine::agenda::{self, Period};
use slint::{ComponentHandle, Model, ModelRc, SharedString};

/// Shows the bar for a newly chosen section (cleared), or hides it where its records are not
/// dated; the assignees in use load on the worker.
pub(super) fn show(shell: &Shell, section: &Section) {
    let shown = agenda::date_field(section).is_some();
    let types = type_field(section)
        .map(|f| f.options.choices.clone())
        .unwrap_or_default();
    shell.app(|a| {
        let t = a.global::<Table>();
        t.set_quick_shown(shown);
        t.set_quick_period(-1);
        t.set_quick_assignee(0);
        t.set_quick_type(0);
        t.set_quick_types(strings("Any type", types));
        t.set_quick_assignees(strings("Anyone", Vec::new()));
    });
    reload_assignees(shell, section, None);
}

/// The assignees named on the section's records, for the "by assignee" list; `chosen` stays
/// chosen if it is still among them.
pub(super) fn reload_assignees(shell: &Shell, section: &Section, chosen: Option<String>) {
    if agenda::date_field(section).is_none() || !has_assignee(section) {
        return;
    }
    let key = section.key.clone();
    let ui = shell.ui.clone();
    shell.worker.run(
        move |s: &mut Session| {
            let Some(v) = s.vault.as_ref() else { return Vec::new() };
            cardbase_workflows::values::distinct(v, &key, "assignee")
                .map(|values| values.into_iter().map(|(value, _)| value).collect())
                .unwrap_or_default()
        },
        move |names: Vec<String>| {
            let Some(a) = ui.upgrade() else { return };
            let t = a.global::<Table>();
            t.set_quick_assignees(strings("Anyone", names.iter().cloned()));
            let at = chosen.and_then(|n| names.iter().position(|x| *x == n));
            t.set_quick_assignee(at.map_or(0, |i| i as i32 + 1));
        },
    );
}

/// The quick filters the bar shows chosen.
pub(super) fn chosen(a: &MainWindow) -> QuickFilters {
    let t = a.global::<Table>();
    let pick = |list: ModelRc<SharedString>, i: i32| {
        (i > 0)
            .then(|| list.row_data(i as usize))
            .flatten()
            .map(|s| s.to_string())
    };
    QuickFilters {
        period: usize::try_from(t.get_quick_period())
            .ok()
            .and_then(|i| Period::ALL.get(i).copied()),
        assignee: pick(t.get_quick_assignees(), t.get_quick_assignee()),
        kind: pick(t.get_quick_types(), t.get_quick_type()),
    }
}
