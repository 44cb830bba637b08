//! The card's Events block driven headless: plan a call on a contact, see it listed, mark it
//! done with a result and a follow-up, and find both events in the vault.

#[path = "support/ui.rs"]
mod support;

use cardbase_desktop::gui::Controller;
use cardbase_desktop::gui::ui::App;
use cardbase_engine::{Passphrase, Preset, Value, Vault};
use slint::{ComponentHandle, Model};
use support::*;

fn event_lines(ui: &cardbase_desktop::gui::MainWindow) -> Vec<String> {
    let events = ui.global::<App>().get_card_events();
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
    let state = ui.global::<App>();
    state.invoke_search_edited("Ann".into());
    assert_eq!(state.get_card_title(), "Ann");
    assert!(state.get_card_has_events(), "a contact's card has an Events block");
    assert!(event_lines(&ui).is_empty());

    find(&ui, "event at").set_accessible_value("next tuesday-ish");
    click(&ui, "plan event");
    let error = state.get_event_error();
    assert!(!error.is_empty(), "a date that does not parse is said inline");
    find(&ui, "event error");
    assert!(event_lines(&ui).is_empty(), "and plans nothing");

    find(&ui, "event at").set_accessible_value("2030-12-01 10:00");
    click(&ui, "plan event");
    assert_eq!(state.get_event_error(), "");
    assert_eq!(event_lines(&ui), ["2030-12-01 10:00  Call  Planned"]);
    assert_eq!(
        find(&ui, "event 0").accessible_value().unwrap_or_default(),
        "2030-12-01 10:00  Call  Planned"
    );
    assert!(
        !state.get_card_events().row_data(0).unwrap().overdue,
        "a call in 2030 is not overdue"
    );

    click(&ui, "done event 0");
    find(&ui, "event notes").set_accessible_value("Wants the offer in writing");
    find(&ui, "event follow-up").set_accessible_value("2030-12-08 10:00");
    click(&ui, "save event");
    assert_eq!(state.get_event_error(), "");
    assert_eq!(
        event_lines(&ui),
        [
            "2030-12-08 10:00  Call  Planned",
            "2030-12-01 10:00  Call  Done  Reached",
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
}
