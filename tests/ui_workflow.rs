//! The desktop shell driven headless, as a user would: create a vault on the welcome screen,
//! add a record through the generated form, find it with quick search, sort by a column, and
//! rename a section in the schema editor.

#[path = "support/ui.rs"]
mod support;

use cardbase_desktop::gui::ui::{Card, Form, Reminders, SchemaEditor, Shell, Sidebar, Table};
use slint::{ComponentHandle, Model};
use support::*;

fn section_labels(ui: &cardbase_desktop::gui::MainWindow) -> Vec<String> {
    ui.global::<Sidebar>()
        .get_sections()
        .iter()
        .map(|s| s.label.to_string())
        .collect()
}

fn first_cells(ui: &cardbase_desktop::gui::MainWindow) -> Vec<String> {
    let rows = ui.global::<Table>().get_rows();
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
    assert_eq!(ui.global::<Shell>().get_screen(), "welcome");

    // Welcome: a passphrase too weak to protect the file is refused with what is needed, two
    // different ones are refused, two equal ones create the vault.
    find(&ui, "new passphrase").set_accessible_value("x");
    find(&ui, "repeat passphrase").set_accessible_value("x");
    click(&ui, "Create vault");
    let said = ui.global::<Shell>().get_welcome_error().to_string();
    assert!(said.contains('8'), "the rule is said: {said}");
    assert!(!vault.exists(), "and no vault is made");
    find(&ui, "new passphrase").set_accessible_value("four random words here");
    find(&ui, "repeat passphrase").set_accessible_value("four random words there");
    click(&ui, "Create vault");
    assert_eq!(ui.global::<Shell>().get_welcome_error(), "The two passphrases differ.");
    find(&ui, "repeat passphrase").set_accessible_value("four random words here");
    click(&ui, "Create vault");
    assert_eq!(
        ui.global::<Shell>().get_screen(),
        "main",
        "{}",
        ui.global::<Shell>().get_welcome_error()
    );
    assert!(vault.exists());
    assert_eq!(
        section_labels(&ui),
        ["Contacts", "Organizations", "Tasks", "Notes", "Links", "Events"],
        "the sidebar lists the preset's sections"
    );
    let demo_contacts = ui.global::<Table>().get_rows().row_count();
    assert!(demo_contacts > 10, "demo records were added: {demo_contacts}");
    assert!(ui.global::<Reminders>().get_shown(), "the demo's due reminders pop up");
    press(&ui, slint::platform::Key::Escape.into());
    assert!(!ui.global::<Reminders>().get_shown());

    // A new record through the generated form; a bad value is shown next to its field.
    // (A tall window, so every field of the form is on screen for the element lookups.)
    ui.window().set_size(slint::LogicalSize::new(1200.0, 1400.0));
    click(&ui, "new record");
    assert!(ui.global::<Form>().get_shown());
    find(&ui, "first_name").set_accessible_value("Zinaida");
    find(&ui, "last_name").set_accessible_value("Квасова");
    find(&ui, "birthday").set_accessible_value("31.02");
    click(&ui, "Save");
    assert!(
        ui.global::<Form>().get_shown(),
        "an invalid birthday keeps the form open"
    );
    assert!(find(&ui, "error birthday").accessible_label().is_some());
    find(&ui, "birthday").set_accessible_value("--02-29");
    click(&ui, "Save");
    assert!(!ui.global::<Form>().get_shown(), "{}", ui.global::<Form>().get_error());
    assert_eq!(ui.global::<Table>().get_rows().row_count(), demo_contacts + 1);

    // Quick search, case and ё-insensitive, as you type.
    find(&ui, "search").set_accessible_value("КВАС");
    ui.global::<Table>().invoke_search_edited("КВАС".into());
    let found = first_cells(&ui);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("Zinaida") && found[0].contains("Квасова"),
        "{found:?}"
    );
    assert_eq!(
        ui.global::<Card>().get_title(),
        "Zinaida Квасова",
        "the card shows the found record"
    );
    ui.global::<Table>().invoke_search_edited("".into());

    // Sort by last name, then reverse.
    click(&ui, "column Last name");
    let col = ui
        .global::<Table>()
        .get_columns()
        .iter()
        .position(|c| c.key == "last_name")
        .unwrap();
    assert_eq!(ui.global::<Table>().get_columns().row_data(col).unwrap().sort, 1);
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
    assert!(ui.global::<SchemaEditor>().get_shown());
    type_and_enter(&ui, "section label organizations", "Clients");
    assert_eq!(ui.global::<SchemaEditor>().get_error(), "");
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
    assert_eq!(ui.global::<SchemaEditor>().get_error(), "");
    let first_name = ui
        .global::<SchemaEditor>()
        .get_fields()
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
