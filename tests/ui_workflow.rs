//! The desktop shell driven headless, as a user would: create a vault on the welcome screen,
//! add a record through the generated form, find it with quick search, sort by a column, and
//! rename a section in the schema editor.

#[path = "support/ui.rs"]
mod support;

use cardbase_desktop::gui::ui::App;
use slint::{ComponentHandle, Model};
use support::*;

fn section_labels(ui: &cardbase_desktop::gui::MainWindow) -> Vec<String> {
    ui.global::<App>()
        .get_sections()
        .iter()
        .map(|s| s.label.to_string())
        .collect()
}

fn first_cells(ui: &cardbase_desktop::gui::MainWindow) -> Vec<String> {
    let rows = ui.global::<App>().get_rows();
    (0..rows.row_count())
        .filter_map(|i| rows.row_data(i))
        .map(|r| {
            r.cells
                .iter()
                .map(|c| c.text.to_string())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

#[test]
fn a_new_user_creates_a_vault_adds_finds_sorts_and_renames() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("mine.cardbase");
    let (ui, _controller, _links) = app(&vault, None);
    let state = ui.global::<App>();
    assert_eq!(state.get_screen(), "welcome");

    // Welcome: two different passphrases are refused, two equal ones create the vault.
    find(&ui, "new passphrase").set_accessible_value("four random words here");
    find(&ui, "repeat passphrase").set_accessible_value("four random words there");
    click(&ui, "Create vault");
    assert_eq!(state.get_welcome_error(), "The two passphrases differ.");
    find(&ui, "repeat passphrase").set_accessible_value("four random words here");
    click(&ui, "Create vault");
    assert_eq!(state.get_screen(), "main", "{}", state.get_welcome_error());
    assert!(vault.exists());
    assert_eq!(
        section_labels(&ui),
        ["Contacts", "Organizations", "Tasks", "Notes", "Links", "Events"],
        "the sidebar lists the preset's sections"
    );
    let demo_contacts = state.get_rows().row_count();
    assert!(demo_contacts > 10, "demo records were added: {demo_contacts}");
    assert!(state.get_reminders_open(), "the demo's due reminders pop up");
    press(&ui, slint::platform::Key::Escape.into());
    assert!(!state.get_reminders_open());

    // A new record through the generated form; a bad value is shown next to its field.
    // (A tall window, so every field of the form is on screen for the element lookups.)
    ui.window().set_size(slint::LogicalSize::new(1200.0, 1400.0));
    click(&ui, "new record");
    assert!(state.get_form_open());
    find(&ui, "first_name").set_accessible_value("Zinaida");
    find(&ui, "last_name").set_accessible_value("Квасова");
    find(&ui, "birthday").set_accessible_value("31.02");
    click(&ui, "Save");
    assert!(state.get_form_open(), "an invalid birthday keeps the form open");
    assert!(find(&ui, "error birthday").accessible_label().is_some());
    find(&ui, "birthday").set_accessible_value("--02-29");
    click(&ui, "Save");
    assert!(!state.get_form_open(), "{}", state.get_form_error());
    assert_eq!(state.get_rows().row_count(), demo_contacts + 1);

    // Quick search, case and ё-insensitive, as you type.
    find(&ui, "search").set_accessible_value("КВАС");
    state.invoke_search_edited("КВАС".into());
    let found = first_cells(&ui);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("Zinaida") && found[0].contains("Квасова"),
        "{found:?}"
    );
    assert_eq!(
        state.get_card_title(),
        "Zinaida Квасова",
        "the card shows the found record"
    );
    state.invoke_search_edited("".into());

    // Sort by last name, then reverse.
    click(&ui, "column Last name");
    let col = state.get_columns().iter().position(|c| c.key == "last_name").unwrap();
    assert_eq!(state.get_columns().row_data(col).unwrap().sort, 1);
    let names = |ui: &_| -> Vec<String> {
        let rows = ui_rows(ui);
        rows.iter().map(|r| r[col].clone()).filter(|s| !s.is_empty()).collect()
    };
    let ascending = names(&ui);
    let mut sorted = ascending.clone();
    sorted.sort();
    assert_eq!(ascending, sorted, "ascending by last name");
    click(&ui, "column Last name");
    let descending = names(&ui);
    assert_eq!(descending.first(), ascending.last());

    // Rename a section in the schema editor; the sidebar shows the new label.
    click(&ui, "Sections and fields…");
    assert!(state.get_schema_open());
    type_and_enter(&ui, "section label organizations", "Clients");
    assert_eq!(state.get_schema_error(), "");
    assert!(
        section_labels(&ui).contains(&"Clients".to_string()),
        "{:?}",
        section_labels(&ui)
    );

    // Field options: make the first name required.
    click(&ui, "open section contacts");
    click(&ui, "options first_name");
    click(&ui, "Required");
    click(&ui, "Save options");
    assert_eq!(state.get_schema_error(), "");
    let first_name = state
        .get_schema_fields()
        .iter()
        .find(|f| f.key == "first_name")
        .unwrap();
    assert!(first_name.required, "the option is saved through the engine");
    click(&ui, "Close");
    click(&ui, "new record");
    click(&ui, "Save");
    assert!(
        find(&ui, "error first_name").accessible_label().is_some(),
        "a required field left empty is marked"
    );
    click(&ui, "Cancel");
    assert!(
        section_labels(&ui).contains(&"Clients".to_string()),
        "{:?}",
        section_labels(&ui)
    );
}

fn ui_rows(ui: &cardbase_desktop::gui::MainWindow) -> Vec<Vec<String>> {
    let rows = ui.global::<App>().get_rows();
    (0..rows.row_count())
        .filter_map(|i| rows.row_data(i))
        .map(|r| r.cells.iter().map(|c| c.text.to_string()).collect())
        .collect()
}
