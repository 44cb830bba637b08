//! A due reminder shows in the app's Reminders panel and as a desktop notification; Open shows
//! its record's card, Snooze moves it away.

#[path = "support/ui.rs"]
mod support;

use cardbase_desktop::gui::ui::{Card, Reminders};
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
