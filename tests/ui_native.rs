//! The desktop behaves as a native app does (issue 13): dialogs take the keyboard on their
//! first field, Esc, Enter and Ctrl+Enter work as everywhere, leaving a changed form asks
//! first, a new form never shows the last one's choice, relation fields offer the records
//! typed, the file browser owns the keyboard, and the filter's × really clears the filter.

#[path = "support/ui.rs"]
mod support;

use cardbase_desktop::gui::MainWindow;
use cardbase_desktop::gui::ui::{FileBrowser, Form, Table};
use cardbase_engine::{Passphrase, Preset, Query, Vault};
use slint::platform::{Key, WindowEvent};
use slint::{ComponentHandle, Model};
use support::*;

/// Types text as a keyboard does, one key at a time, into whatever has the focus.
fn type_keys(ui: &MainWindow, text: &str) {
    for c in text.chars() {
        let s: slint::SharedString = c.to_string().into();
        ui.window().dispatch_event(WindowEvent::KeyPressed { text: s.clone() });
        ui.window().dispatch_event(WindowEvent::KeyReleased { text: s });
    }
}

fn ctrl_enter(ui: &MainWindow) {
    ui.window().dispatch_event(WindowEvent::KeyPressed {
        text: Key::Control.into(),
    });
    press(ui, Key::Return.into());
    ui.window().dispatch_event(WindowEvent::KeyReleased {
        text: Key::Control.into(),
    });
}

fn field_text(ui: &MainWindow, key: &str) -> String {
    ui.global::<Form>()
        .get_fields()
        .iter()
        .find(|f| f.key == key)
        .map(|f| f.text.to_string())
        .unwrap_or_default()
}

fn client_base(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("v.cardbase");
    let mut v = Vault::create(&path, &Passphrase::new("p"), Preset::ClientBase).unwrap();
    v.create_record_from_text("organizations", &[("name", "Северный ветер")])
        .unwrap();
    v.create_record_from_text("organizations", &[("name", "Acme Ltd")])
        .unwrap();
    path
}

#[test]
fn a_new_form_takes_the_keyboard_and_ctrl_enter_saves_it() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = client_base(dir.path());
    let (ui, _c, _) = app(&path, Some("p"));
    ui.window().set_size(slint::LogicalSize::new(1200.0, 1400.0));
    click(&ui, "Contacts");
    ctrl(&ui, "n");
    assert!(ui.global::<Form>().get_shown(), "Ctrl+N opens the form");
    type_keys(&ui, "Ada");
    assert_eq!(field_text(&ui, "first_name"), "Ada", "typing goes into the first field");
    ctrl_enter(&ui);
    assert!(
        !ui.global::<Form>().get_shown(),
        "Ctrl+Enter saves from a one-line field: {}",
        ui.global::<Form>().get_error()
    );
    assert!(ui_rows(&ui).iter().any(|r| r.iter().any(|c| c == "Ada")));

    // F2 edits the current record, with the first field focused too; Esc leaves at once when
    // nothing changed.
    press(&ui, Key::F2.into());
    assert!(ui.global::<Form>().get_shown(), "F2 edits");
    press(&ui, Key::Escape.into());
    assert!(!ui.global::<Form>().get_shown(), "Esc leaves an unchanged form");
}

#[test]
fn leaving_a_changed_form_asks_first() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = client_base(dir.path());
    let (ui, _c, _) = app(&path, Some("p"));
    ui.window().set_size(slint::LogicalSize::new(1200.0, 1400.0));
    click(&ui, "Contacts");
    ctrl(&ui, "n");
    type_keys(&ui, "Half typed");
    press(&ui, Key::Escape.into());
    assert!(
        ui.global::<Form>().get_shown(),
        "Esc with changes does not throw them away"
    );
    assert!(ui.global::<Form>().get_confirm_discard(), "it asks");
    press(&ui, Key::Escape.into());
    assert!(
        ui.global::<Form>().get_shown() && !ui.global::<Form>().get_confirm_discard(),
        "Esc again: keep editing"
    );
    assert_eq!(field_text(&ui, "first_name"), "Half typed");
    click(&ui, "Cancel");
    click(&ui, "discard changes");
    assert!(!ui.global::<Form>().get_shown(), "Discard leaves");
    assert_eq!(ui.global::<Table>().get_rows().row_count(), 0, "nothing was saved");
}

#[test]
fn a_new_form_shows_and_saves_its_own_choice_not_the_last_one() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = client_base(dir.path());
    let (ui, _c, _) = app(&path, Some("p"));
    ui.window().set_size(slint::LogicalSize::new(1200.0, 1400.0));
    click(&ui, "Clients");
    ctrl(&ui, "n");
    let status = |ui: &MainWindow| {
        ui.global::<Form>()
            .get_fields()
            .iter()
            .find(|f| f.key == "status")
            .unwrap()
    };
    assert_eq!(status(&ui).text, "Lead", "the preset's default");
    // Choose "Active" as the list does, and save.
    let fields = ui.global::<Form>().get_fields();
    let i = fields.iter().position(|f| f.key == "status").unwrap();
    let mut f = fields.row_data(i).unwrap();
    f.choice_index = 2;
    f.text = "Active".into();
    fields.set_row_data(i, f);
    find(&ui, "name").set_accessible_value("Gold client");
    click(&ui, "Save");
    assert!(!ui.global::<Form>().get_shown(), "{}", ui.global::<Form>().get_error());

    ctrl(&ui, "n");
    assert_eq!(status(&ui).choice_index, 0, "the list shows the default again");
    assert_eq!(status(&ui).text, "Lead");
    find(&ui, "name").set_accessible_value("Plain client");
    click(&ui, "Save");
    drop(ui);
    cardbase_desktop::gui::Controller::uninstall();
    drop(_c);
    let v = Vault::open(&path, &Passphrase::new("p")).unwrap();
    let all = v.list(&Query::section("organizations")).unwrap().records;
    let plain = all.iter().find(|r| v.title(r) == "Plain client").unwrap();
    assert_eq!(
        plain.get("status").map(|s| s.display()).as_deref(),
        Some("Lead"),
        "what the form showed is saved"
    );
    let gold = all.iter().find(|r| v.title(r) == "Gold client").unwrap();
    assert_eq!(gold.get("status").map(|s| s.display()).as_deref(), Some("Active"));
}

#[test]
fn a_relation_field_offers_the_records_typed_and_enter_or_a_click_picks_one() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = client_base(dir.path());
    let (ui, _c, _) = app(&path, Some("p"));
    ui.window().set_size(slint::LogicalSize::new(1200.0, 1400.0));
    click(&ui, "Contacts");
    ctrl(&ui, "n");
    // Click into the field and type, as a user does: the list follows the keys.
    find(&ui, "organization").mock_single_click(slint::platform::PointerEventButton::Left);
    type_keys(&ui, "север");
    let suggestions: Vec<String> = ui
        .global::<Form>()
        .get_fields()
        .iter()
        .find(|f| f.key == "organization")
        .unwrap()
        .suggestions
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(suggestions, ["Северный ветер"], "type-ahead over the organizations");
    press(&ui, Key::Return.into());
    assert!(
        field_text(&ui, "organization").starts_with("Северный ветер (#"),
        "Enter picks the marked record: {}",
        field_text(&ui, "organization")
    );
    // A click picks one too.
    find(&ui, "organization").set_accessible_value("");
    type_keys(&ui, "acme");
    click(&ui, "suggestion Acme Ltd");
    assert!(
        field_text(&ui, "organization").starts_with("Acme Ltd (#"),
        "{}",
        field_text(&ui, "organization")
    );
    find(&ui, "first_name").set_accessible_value("Пётр");
    click(&ui, "Save");
    assert!(!ui.global::<Form>().get_shown(), "{}", ui.global::<Form>().get_error());
}

#[test]
fn the_file_browser_keeps_what_is_typed_out_of_the_form_behind_it() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.cardbase");
    Vault::create(&path, &Passphrase::new("p"), Preset::Personal).unwrap();
    std::fs::write(dir.path().join("me.png"), b"not really").unwrap();
    let (ui, _c, _) = app(&path, Some("p"));
    ui.window().set_size(slint::LogicalSize::new(1200.0, 1400.0));
    ctrl(&ui, "n");
    find(&ui, "photo").set_accessible_value(dir.path().join("x.png").display().to_string());
    click(&ui, "choose photo");
    assert!(ui.global::<FileBrowser>().get_shown());
    let birthday_before = field_text(&ui, "birthday");
    type_keys(&ui, "me.png");
    assert_eq!(field_text(&ui, "birthday"), birthday_before, "keys stay in the browser");
    press(&ui, Key::Escape.into());
    assert!(!ui.global::<FileBrowser>().get_shown(), "Esc closes the browser");
    assert!(ui.global::<Form>().get_shown(), "…and only the browser");
}

#[test]
fn the_unlock_screen_names_the_app_and_the_vault() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    for (file, says) in [
        ("clients.cardbase", "The vault “clients” is locked."),
        ("default.cardbase", "Your vault is locked."),
    ] {
        let path = dir.path().join(file);
        drop(
            cardbase_engine::Vault::create(
                &path,
                &cardbase_engine::Passphrase::new("p"),
                cardbase_engine::Preset::Personal,
            )
            .unwrap(),
        );
        let (ui, controller, _links) = app(&path, None);
        assert_eq!(ui.global::<cardbase_desktop::gui::ui::Shell>().get_screen(), "unlock");
        find(&ui, "app name");
        assert_eq!(find(&ui, "locked vault").accessible_value().unwrap_or_default(), says);
        drop(controller);
        cardbase_desktop::gui::Controller::uninstall();
    }
}

#[test]
fn the_schema_editor_makes_keys_from_labels_names_types_in_words_and_reorders_by_keyboard_and_drag() {
    use cardbase_desktop::gui::ui::SchemaEditor;
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.cardbase");
    drop(Vault::create(&path, &Passphrase::new("p"), Preset::Personal).unwrap());
    let (ui, _c, _links) = app(&path, Some("p"));
    ui.global::<SchemaEditor>().invoke_show();
    click(&ui, "open section contacts");
    let types: Vec<String> = ui
        .global::<SchemaEditor>()
        .get_field_types()
        .iter()
        .map(|t| t.to_string())
        .collect();
    assert!(
        types.contains(&"Date, year optional (birthday)".to_string()),
        "{types:?}"
    );
    assert!(!types.iter().any(|t| t.contains('_')), "type names in words: {types:?}");

    // Only a name is asked for; the key is made from it and shown before adding.
    find(&ui, "new field name").set_accessible_value("Дата визита");
    assert_eq!(
        find(&ui, "new field key").accessible_value().unwrap_or_default(),
        "Key in files and on the command line: data_vizita"
    );
    click(&ui, "Add field");
    assert_eq!(ui.global::<SchemaEditor>().get_error(), "");
    let keys = |ui: &MainWindow| -> Vec<String> {
        ui.global::<SchemaEditor>()
            .get_fields()
            .iter()
            .filter(|f| !f.deleted)
            .map(|f| f.key.to_string())
            .collect()
    };
    let before = keys(&ui);
    assert_eq!(before.last().map(String::as_str), Some("data_vizita"), "{before:?}");
    let added = ui
        .global::<SchemaEditor>()
        .get_fields()
        .iter()
        .find(|f| f.key == "data_vizita")
        .unwrap();
    assert_eq!(added.kind_name, "Text");

    // Alt+Up on its label moves it up one place.
    find(&ui, "field label data_vizita").mock_single_click(slint::platform::PointerEventButton::Left);
    ui.window()
        .dispatch_event(WindowEvent::KeyPressed { text: Key::Alt.into() });
    press(&ui, Key::UpArrow.into());
    ui.window()
        .dispatch_event(WindowEvent::KeyReleased { text: Key::Alt.into() });
    let after = keys(&ui);
    let n = after.len();
    assert_eq!(
        &after[n - 2..],
        [before[n - 1].clone(), before[n - 2].clone()],
        "{after:?}"
    );

    // Dragging its grip two rows down and letting go moves it two places down (here: last).
    let grip = find(&ui, "drag field data_vizita");
    let at = grip.absolute_position();
    let size = grip.size();
    let start = slint::LogicalPosition::new(at.x + size.width / 2.0, at.y + size.height / 2.0);
    let end = slint::LogicalPosition::new(start.x, start.y + 34.0);
    let button = slint::platform::PointerEventButton::Left;
    ui.window().dispatch_event(WindowEvent::PointerPressed {
        position: start,
        button,
    });
    ui.window().dispatch_event(WindowEvent::PointerMoved { position: end });
    ui.window()
        .dispatch_event(WindowEvent::PointerReleased { position: end, button });
    assert_eq!(keys(&ui), before, "back where it was: {:?}", keys(&ui));
}

#[test]
fn ctrl_p_plans_on_the_current_record_and_ctrl_e_and_ctrl_o_open_export_and_import() {
    use cardbase_desktop::gui::ui::{Card, ExportDialog, ImportWizard};
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.cardbase");
    {
        let mut v = Vault::create(&path, &Passphrase::new("p"), Preset::Personal).unwrap();
        v.create_record_from_text("contacts", &[("first_name", "Ada")]).unwrap();
    }
    let (ui, _c, _links) = app(&path, Some("p"));
    assert_eq!(ui.global::<Card>().get_title(), "Ada");
    ui.global::<Card>().set_pane_hidden(true);
    ctrl(&ui, "p");
    assert!(!ui.global::<Card>().get_pane_hidden(), "the card comes back to plan on");
    type_keys(&ui, "2d");
    assert_eq!(
        ui.global::<Card>().get_event_plan_at(),
        "2d",
        "typing goes into the Plan row's 'when'"
    );

    ui.global::<Card>().set_event_plan_at("".into());
    ui.invoke_focus_main();
    ctrl(&ui, "e");
    assert!(ui.global::<ExportDialog>().get_shown(), "Ctrl+E exports the view");
    press(&ui, Key::Escape.into());
    assert!(!ui.global::<ExportDialog>().get_shown());
    ctrl(&ui, "o");
    assert!(ui.global::<ImportWizard>().get_shown(), "Ctrl+O imports");
}
