//! The card's Events block driven headless: plan a call on a contact, see it listed, mark it
//! done with a result and a follow-up, and find both events in the vault.

#[path = "support/ui.rs"]
mod support;

use cardbase_desktop::gui::Controller;
use cardbase_desktop::gui::ui::{Card, Table};
use cardbase_engine::{Passphrase, Preset, Value, Vault};
use slint::{ComponentHandle, Model};
use support::*;

fn event_lines(ui: &cardbase_desktop::gui::MainWindow) -> Vec<String> {
    let events = ui.global::<Card>().get_events();
    events.iter().map(|e| e.text.to_string()).collect()
}

#[test]
fn a_call_is_planned_done_and_followed_up_from_the_card() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.cardbase");
    let ann = {
        let mut v = Vault::create(&path, &Passphrase::new("p"), Preset::Personal).unwrap();
        v.create_record_from_text("contacts", &[("first_name", "Ann")]).unwrap()
    };
    let (ui, controller, _links) = app(&path, Some("p"));
    ui.global::<Table>().invoke_search_edited("Ann".into());
    assert_eq!(ui.global::<Card>().get_title(), "Ann");
    assert!(
        ui.global::<Card>().get_has_events(),
        "a contact's card has an Events block"
    );
    assert!(event_lines(&ui).is_empty());

    find(&ui, "event at").set_accessible_value("next tuesday-ish");
    click(&ui, "plan event");
    let error = ui.global::<Card>().get_event_error();
    assert!(!error.is_empty(), "a date that does not parse is said inline");
    find(&ui, "event error");
    assert!(event_lines(&ui).is_empty(), "and plans nothing");

    find(&ui, "event at").set_accessible_value("2030-12-01 10:00");
    find(&ui, "event duration").set_accessible_value("a while");
    click(&ui, "plan event");
    assert!(
        ui.global::<Card>().get_event_error().starts_with("Duration:"),
        "a duration that does not parse is said inline: {}",
        ui.global::<Card>().get_event_error()
    );
    assert!(event_lines(&ui).is_empty(), "and plans nothing");
    find(&ui, "event duration").set_accessible_value("45m");
    find(&ui, "event assignee").set_accessible_value("Maria");
    click(&ui, "plan event");
    assert_eq!(ui.global::<Card>().get_event_error(), "");
    assert_eq!(event_lines(&ui), ["1 December 2030, 10:00  Call  Planned"]);
    assert_eq!(
        find(&ui, "event 0").accessible_value().unwrap_or_default(),
        "1 December 2030, 10:00  Call  Planned"
    );
    assert!(
        !ui.global::<Card>().get_events().row_data(0).unwrap().overdue,
        "a call in 2030 is not overdue"
    );

    click(&ui, "done event 0");
    find(&ui, "event notes").set_accessible_value("Wants the offer in writing");
    find(&ui, "event follow-up").set_accessible_value("2030-12-08 10:00");
    click(&ui, "save event");
    assert_eq!(ui.global::<Card>().get_event_error(), "");
    assert_eq!(
        event_lines(&ui),
        [
            "8 December 2030, 10:00  Call  Planned",
            "1 December 2030, 10:00  Call  Done  Reached",
        ],
        "the follow-up is listed first, the done call below with its result"
    );

    drop(controller);
    Controller::uninstall();
    drop(ui);
    let v = Vault::open(&path, &Passphrase::new("p")).unwrap();
    let events = v.events_of(ann).unwrap();
    let shown = |i: usize, key: &str| events[i].get(key).map(Value::display).unwrap_or_default();
    assert_eq!(events.len(), 2);
    assert_eq!(
        (shown(0, "type"), shown(0, "status")),
        ("Call".into(), "Planned".into())
    );
    assert_eq!(
        (shown(1, "status"), shown(1, "result"), shown(1, "notes")),
        ("Done".into(), "Reached".into(), "Wants the offer in writing".into())
    );
    assert_eq!(
        (shown(1, "duration_minutes"), shown(1, "assignee")),
        ("45".into(), "Maria".into()),
        "the Plan row's duration and assignee are saved"
    );
    assert_eq!(shown(0, "assignee"), "Maria", "and the follow-up keeps the assignee");
}

/// The ids of the records the table lists now, and which of them stand out as overdue.
fn listed(ui: &cardbase_desktop::gui::MainWindow) -> Vec<(i64, bool)> {
    let rows = ui.global::<Table>().get_rows();
    (0..rows.row_count())
        .map(|i| {
            let r = rows.row_data(i).unwrap();
            (r.id as i64, r.overdue)
        })
        .collect()
}

fn choose(ui: &cardbase_desktop::gui::MainWindow, list: &str, value: &str) {
    let model = if list == "assignee" {
        ui.global::<Table>().get_quick_assignees()
    } else {
        ui.global::<Table>().get_quick_types()
    };
    let at = model
        .iter()
        .position(|v| v == value)
        .unwrap_or_else(|| panic!("{value} in {list}")) as i32;
    if list == "assignee" {
        ui.global::<Table>().set_quick_assignee(at);
    } else {
        ui.global::<Table>().set_quick_type(at);
    }
    ui.global::<Table>().invoke_quick_changed();
}

#[test]
fn the_events_section_filters_today_overdue_this_week_by_assignee_and_by_type_and_late_tasks_stand_out() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.cardbase");
    let now = chrono::Local::now();
    let local = |t: chrono::DateTime<chrono::Local>| t.format("%Y-%m-%d %H:%M").to_string();
    let noon_today = format!("{} 12:00", now.format("%Y-%m-%d"));
    let (missed, held, today, far, late_task, open_task) = {
        let mut v = Vault::create(&path, &Passphrase::new("p"), Preset::Personal).unwrap();
        let ann = v.create_record_from_text("contacts", &[("first_name", "Ann")]).unwrap();
        let on = format!("#{}", ann.0);
        let mut event = |title: &str, kind: &str, at: &str, status: &str, who: &str| {
            v.create_record_from_text(
                "events",
                &[
                    ("title", title),
                    ("type", kind),
                    ("planned", at),
                    ("status", status),
                    ("assignee", who),
                    ("record", &on),
                ],
            )
            .unwrap()
        };
        let two_days_ago = local(now - chrono::Duration::days(2));
        let missed = event("missed", "Call", &two_days_ago, "Planned", "Maria");
        let held = event("held", "Meeting", &two_days_ago, "Done", "Maria");
        // Done, so it is today's and never overdue, whatever the hour the test runs at.
        let today = event("today", "Call", &noon_today, "Done", "Oleg");
        let far = event(
            "far",
            "Visit",
            &local(now + chrono::Duration::days(400)),
            "Planned",
            "Oleg",
        );
        let yesterday = local(now - chrono::Duration::days(1));
        let late_task = v
            .create_record_from_text("tasks", &[("title", "Send invoice"), ("due", &yesterday)])
            .unwrap();
        let tomorrow = local(now + chrono::Duration::days(1));
        let open_task = v
            .create_record_from_text("tasks", &[("title", "Call back"), ("due", &tomorrow)])
            .unwrap();
        (missed.0, held.0, today.0, far.0, late_task.0, open_task.0)
    };
    let (ui, controller, _links) = app(&path, Some("p"));
    assert!(
        !ui.global::<Table>().get_quick_shown(),
        "contacts are not dated: no quick filters"
    );

    click(&ui, "Events");
    assert!(
        ui.global::<Table>().get_quick_shown(),
        "the Events section has quick filters"
    );
    let ids = |ui| {
        let mut ids: Vec<i64> = listed(ui).iter().map(|(id, _)| *id).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&ui), [missed, held, today, far]);
    assert_eq!(
        listed(&ui)
            .iter()
            .filter(|(_, overdue)| *overdue)
            .map(|(id, _)| *id)
            .collect::<Vec<_>>(),
        [missed],
        "only the missed planned call stands out"
    );

    click(&ui, "quick Overdue");
    assert_eq!(listed(&ui), [(missed, true)]);
    click(&ui, "quick Overdue");
    assert_eq!(
        ids(&ui),
        [missed, held, today, far],
        "clicking the chip again clears it"
    );

    click(&ui, "quick Today");
    assert_eq!(ids(&ui), [today]);
    click(&ui, "quick This week");
    let week = ids(&ui);
    assert!(week.contains(&today) && !week.contains(&far), "{week:?}");
    click(&ui, "quick This week");

    choose(&ui, "assignee", "Maria");
    assert_eq!(ids(&ui), [missed, held]);
    choose(&ui, "type", "Meeting");
    assert_eq!(ids(&ui), [held], "assignee and type together");
    choose(&ui, "assignee", "Anyone");
    choose(&ui, "type", "Any type");
    assert_eq!(ids(&ui), [missed, held, today, far]);

    click(&ui, "Tasks");
    assert!(ui.global::<Table>().get_quick_shown());
    assert_eq!(
        ui.global::<Table>().get_quick_period(),
        -1,
        "a new section starts unfiltered"
    );
    let mut tasks = listed(&ui);
    tasks.sort();
    assert_eq!(
        tasks,
        [(late_task, true), (open_task, false)],
        "the late task stands out"
    );
    click(&ui, "quick Overdue");
    assert_eq!(listed(&ui), [(late_task, true)]);

    drop(controller);
    Controller::uninstall();
}
