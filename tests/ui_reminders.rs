//! A due reminder shows in the app's Reminders panel and as a desktop notification; Open shows
//! its record's card, Snooze moves it away.

#[path = "support/ui.rs"]
mod support;

use cardbase_desktop::gui::ui::App;
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
    let state = ui.global::<App>();
    assert_eq!(
        state.get_reminders().row_count(),
        1,
        "the missed reminder is there at start"
    );
    assert_eq!(
        *notes.0.borrow(),
        ["Birthday: Ada"],
        "and was sent as a desktop notification"
    );

    click(&ui, "reminders");
    assert!(state.get_reminders_open());
    click(&ui, "open Birthday: Ada");
    assert!(!state.get_reminders_open());
    assert_eq!(state.get_card_title(), "Ada", "Open shows the record's card");

    click(&ui, "reminders");
    click(&ui, "snooze an hour Birthday: Ada");
    assert_eq!(
        state.get_reminders().row_count(),
        0,
        "a snoozed reminder leaves the panel"
    );
    assert_eq!(
        notes.0.borrow().len(),
        1,
        "and nothing is notified again until it is due"
    );
}
