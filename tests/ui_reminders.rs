//! A due reminder shows in the app's Reminders panel and as a desktop notification; Open shows
//! its record's card, Snooze moves it away.

#[path = "support/ui.rs"]
mod support;

use cardbase_desktop::gui::ui::{Card, Reminders, Shell, Table};
use slint::{ComponentHandle, Model};
use support::*;

#[test]
fn a_due_birthday_is_notified_listed_opened_and_snoozed() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.cardbase");
    {
        let mut v = vault_with_birthday_today(&path);
        v.create_record_from_text("contacts", &[("first_name", "Bob")]).unwrap();
    }
    let (ui, _c, _links, notes) = app_with_notes(&path, Some("p"));
    assert_eq!(
        ui.global::<Reminders>().get_list().row_count(),
        1,
        "the missed reminder is there at start"
    );
    assert_eq!(
        *notes.0.borrow(),
        ["Birthday: Ada"],
        "and was sent as a desktop notification"
    );

    assert!(
        ui.global::<Reminders>().get_shown(),
        "a newly due reminder pops the panel up"
    );
    press(&ui, slint::platform::Key::Escape.into());
    assert!(!ui.global::<Reminders>().get_shown(), "Esc closes it");
    click(&ui, "reminders");
    assert!(ui.global::<Reminders>().get_shown());
    click(&ui, "open Birthday: Ada");
    assert!(!ui.global::<Reminders>().get_shown());
    assert_eq!(ui.global::<Card>().get_title(), "Ada", "Open shows the record's card");

    click(&ui, "reminders");
    click(&ui, "snooze an hour Birthday: Ada");
    assert_eq!(
        ui.global::<Reminders>().get_list().row_count(),
        0,
        "a snoozed reminder leaves the panel"
    );
    assert_eq!(
        notes.0.borrow().len(),
        1,
        "and nothing is notified again until it is due"
    );
}

#[test]
fn a_reminder_is_snoozed_until_a_typed_time_and_a_bad_one_is_said() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.cardbase");
    drop(vault_with_birthday_today(&path));
    let (ui, controller, _links) = app(&path, Some("p"));
    assert_eq!(ui.global::<Reminders>().get_list().row_count(), 1);
    let id = ui.global::<Reminders>().get_list().row_data(0).unwrap().id.to_string();

    click(&ui, "reminders");
    click(&ui, "snooze until Birthday: Ada");
    find(&ui, "snooze until").set_accessible_value("someday");
    click(&ui, "snooze custom");
    let error = ui.global::<Reminders>().get_error().to_string();
    assert!(error.contains("2h"), "a time that does not parse is said: {error}");
    find(&ui, "snooze error");
    assert_eq!(
        ui.global::<Reminders>().get_list().row_count(),
        1,
        "and nothing is snoozed"
    );

    find(&ui, "snooze until").set_accessible_value("2001-01-01 09:00");
    click(&ui, "snooze custom");
    assert!(
        ui.global::<Reminders>().get_error().contains("passed"),
        "{}",
        ui.global::<Reminders>().get_error()
    );

    find(&ui, "snooze until").set_accessible_value("3d");
    click(&ui, "snooze custom");
    assert_eq!(ui.global::<Reminders>().get_error(), "");
    assert_eq!(
        ui.global::<Reminders>().get_list().row_count(),
        0,
        "a snoozed reminder leaves the panel"
    );
    assert_eq!(ui.global::<Reminders>().get_custom(), -1, "and the custom row closes");

    drop(controller);
    cardbase_desktop::gui::Controller::uninstall();
    drop(ui);
    let v = cardbase_engine::Vault::open(&path, &cardbase_engine::Passphrase::new("p")).unwrap();
    let now = chrono::Utc::now();
    let due = |at| v.reminders_in(at, 0, None, &chrono::Local).unwrap();
    assert!(
        due(now + chrono::Duration::days(2)).iter().all(|r| r.id != id),
        "quiet for two days"
    );
    assert!(
        due(now + chrono::Duration::days(4)).iter().any(|r| r.id == id),
        "and back after three"
    );
}

/// Refuses every notification as a desktop without a notification service does.
#[derive(Default, Clone)]
struct NoService(std::rc::Rc<std::cell::Cell<usize>>);

impl cardbase_desktop::gui::Notifier for NoService {
    fn notify(&self, _summary: &str, _body: &str) -> Result<(), String> {
        self.0.set(self.0.get() + 1);
        Err("org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.Notifications was not provided by any .service files".into())
    }
}

#[test]
fn many_due_reminders_are_grouped_dismissed_and_opened_together_with_one_notification() {
    use chrono::Datelike;
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.cardbase");
    {
        let mut v = vault_with_birthday_today(&path);
        // Twenty birthdays in the coming days, added now: due from now on (the preset reminds
        // a week ahead), none of them "missed".
        let today = chrono::Local::now().date_naive();
        for i in 0..20 {
            let day = today + chrono::Duration::days(1 + i % 5);
            let birthday = format!("--{:02}-{:02}", day.month(), day.day());
            v.create_record_from_text(
                "contacts",
                &[("first_name", &format!("Guest {i}")), ("birthday", &birthday)],
            )
            .unwrap();
        }
        v.create_record_from_text("contacts", &[("first_name", "No birthday")])
            .unwrap();
    }
    let (ui, _c, _links, notes) = app_with_notes(&path, Some("p"));
    assert_eq!(ui.global::<Reminders>().get_list().row_count(), 21);
    assert_eq!(
        *notes.0.borrow(),
        ["21 reminders are due"],
        "one notification for all of them, not 21"
    );
    let groups: Vec<(String, i32, usize, i32)> = ui
        .global::<Reminders>()
        .get_groups()
        .iter()
        .map(|g| (g.title.to_string(), g.count, g.shown.row_count(), g.more))
        .collect();
    assert_eq!(
        groups,
        [
            ("Today: birthdays".to_string(), 1, 1, 0),
            ("Coming up: birthdays".to_string(), 20, 5, 15)
        ],
        "grouped by when, a few shown and the rest counted"
    );

    click(&ui, "reminders");
    click(&ui, "open all Coming up: birthdays");
    assert!(
        !ui.global::<Reminders>().get_shown(),
        "the panel makes way for the list"
    );
    let names: Vec<String> = ui_rows(&ui).iter().map(|r| r[0].clone()).collect();
    assert_eq!(names.len(), 20, "the group's records, and only they: {names:?}");
    assert!(names.iter().all(|n| n.starts_with("Guest")), "{names:?}");
    assert!(
        ui.global::<Table>().get_filter_text().starts_with("id in ("),
        "the list is a filter the user sees and can clear"
    );

    click(&ui, "reminders");
    click(&ui, "dismiss all Coming up: birthdays");
    let left: Vec<String> = ui
        .global::<Reminders>()
        .get_list()
        .iter()
        .map(|r| r.title.to_string())
        .collect();
    assert_eq!(left, ["Birthday: Ada"], "dismiss all takes the whole group, only it");
}

#[test]
fn without_a_notification_service_the_app_says_so_once_in_plain_words_and_the_note_goes_away() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.cardbase");
    drop(vault_with_birthday_today(&path));
    let service = NoService::default();
    let (ui, _c, _links) = app_with(&path, Some("p"), Box::new(service.clone()));
    assert_eq!(service.0.get(), 1, "the app tried to notify");
    let said = ui.global::<Shell>().get_message().to_string();
    assert!(
        said.contains("Reminders panel") && said.contains("settings"),
        "where the reminders are and where to fix it: {said}"
    );
    assert!(
        !said.contains("org.freedesktop"),
        "not the system's raw message: {said}"
    );
    assert!(!ui.global::<Shell>().get_message_is_error(), "a note, not an error");
    assert_eq!(
        ui.global::<Reminders>().get_list().row_count(),
        1,
        "the panel still works"
    );

    // The note goes away by itself, and the minute check does not bring it back.
    i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_secs(7));
    assert_eq!(
        ui.global::<Shell>().get_message(),
        "",
        "a note leaves after a few seconds"
    );
    ui.global::<Reminders>().invoke_check();
    assert_eq!(ui.global::<Shell>().get_message(), "", "said once per session");
    assert_eq!(ui.global::<Reminders>().get_list().row_count(), 1);
}
