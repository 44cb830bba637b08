//! A due reminder shows in the app's Reminders panel and as a desktop notification; Open shows
//! its record's card, Snooze moves it away.

#[path = "support/ui.rs"]
mod support;

use cardbase_desktop::gui::ui::App;
use cardbase_engine::{Passphrase, Preset, Vault};
use chrono::Datelike;
use slint::{ComponentHandle, Model};
use support::*;

#[test]
fn a_due_birthday_is_notified_listed_opened_and_snoozed() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.cardbase");
    {
        let mut v = Vault::create(&path, &Passphrase::new("p"), Preset::Personal).unwrap();
        // A birthday today: it came due a week ago (the preset reminds 7 days before) and was
        // missed while the app was closed.
        let today = chrono::Local::now().date_naive();
        let birthday = format!("--{:02}-{:02}", today.month(), today.day());
        v.create_record_from_text("contacts", &[("first_name", "Ada"), ("birthday", &birthday)])
            .unwrap();
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
