//! Renders the main window with Slint's software renderer to PNG files under the target
//! directory (`target/tmp/`), light and dark, with Persian text on the card, and the dialogs
//! (form, schema editor, import wizard, plugin manager): for people to look at, and checked
//! here only for being real pictures of the right size.

#[path = "support/ui.rs"]
mod support;

use cardbase_desktop::gui::ui::App;
use cardbase_engine::{Passphrase, Preset, Vault};
use i_slint_backend_testing::{TestingBackend, TestingBackendOptions};
use slint::{ComponentHandle, Model};
use std::collections::HashSet;
use std::path::PathBuf;

fn save_png(name: &str, ui: &cardbase_desktop::gui::MainWindow) -> PathBuf {
    let shot = ui
        .window()
        .take_snapshot()
        .expect("the software renderer draws the window");
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    image::RgbaImage::from_raw(shot.width(), shot.height(), shot.as_bytes().to_vec())
        .expect("a full RGBA buffer")
        .save(&path)
        .expect("the PNG is written");
    let colours: HashSet<&[u8]> = shot.as_bytes().chunks(4).collect();
    assert!(
        colours.len() > 50,
        "{name} is a real picture, not a blank window ({} colours)",
        colours.len()
    );
    assert_eq!((shot.width(), shot.height()), (1200, 760));
    path
}

#[test]
fn the_main_window_renders_light_and_dark_with_persian_text() {
    slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    })))
    .expect("the first platform of this process");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Demo.cardbase");
    {
        let mut vault = Vault::create(&path, &Passphrase::new("p"), Preset::ClientBase).unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        cardbase_engine::demo::load_demo(&mut vault, today).unwrap();
    }
    let (ui, _c, _links) = support::app(&path, Some("p"));
    ui.window().set_size(slint::PhysicalSize::new(1200, 760));
    let state = ui.global::<App>();
    assert_eq!(state.get_screen(), "main");
    assert!(state.get_reminders_open(), "the demo's due reminders pop the panel up");
    state.set_reminders_open(false);
    state.invoke_search_edited("رضایی".into());
    assert!(
        state.get_card_title().contains('ی'),
        "a Persian contact is on the card: {}",
        state.get_card_title()
    );
    let light = save_png("cardbase-main-light.png", &ui);
    state.invoke_toggle_dark();
    let dark = save_png("cardbase-main-dark.png", &ui);
    state.invoke_toggle_dark();
    state.invoke_new_record();
    let form = save_png("cardbase-form.png", &ui);
    state.invoke_form_cancel();
    state.invoke_schema_show();
    state.invoke_schema_edit_options(0);
    let schema = save_png("cardbase-schema-editor.png", &ui);
    state.invoke_schema_close();
    state.invoke_import_show();
    let csv =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import/excel-ru-1251.csv");
    state.set_import_file(csv.display().to_string().into());
    state.invoke_import_load();
    let wizard = save_png("cardbase-import-wizard.png", &ui);
    state.set_import_open(false);
    state.invoke_plugins_show();
    let plugins = save_png("cardbase-plugin-manager.png", &ui);
    state.invoke_toggle_dark();
    let plugins_dark = save_png("cardbase-plugin-manager-dark.png", &ui);
    state.invoke_toggle_dark();
    state.set_plugins_open(false);

    // The Events section with its quick filters, and a late task in red.
    support::click(&ui, "Events");
    let events = save_png("cardbase-events.png", &ui);
    support::click(&ui, "Tasks");
    support::click(&ui, "quick Overdue");
    // Let the chip's colour animation finish on the mock clock.
    i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(500));
    let tasks = save_png("cardbase-tasks-overdue.png", &ui);
    // A contact's card with the Done… form of a planned event open.
    support::click(&ui, "Contacts");
    let with_event = (0..state.get_rows().row_count()).find(|i| {
        state.invoke_row_clicked(*i as i32, false, false);
        state.get_card_events().iter().any(|e| e.planned)
    });
    if with_event.is_some() {
        let planned = state.get_card_events().iter().find(|e| e.planned).unwrap();
        state.set_event_completing(planned.id);
    }
    let done = save_png("cardbase-event-done.png", &ui);
    state.set_event_completing(-1);
    // The reminders panel with the custom snooze row open.
    state.set_reminders_open(true);
    state.set_reminder_custom(0);
    state.set_reminder_custom_text("2026-12-01 09:00".into());
    let snooze = save_png("cardbase-reminders-snooze.png", &ui);
    state.set_reminders_open(false);
    eprintln!(
        "screenshots: {} {} {} {}",
        events.display(),
        tasks.display(),
        done.display(),
        snooze.display()
    );
    eprintln!("screenshot: {}", wizard.display());
    eprintln!("screenshots: {} {}", plugins.display(), plugins_dark.display());
    eprintln!(
        "screenshots: {} {} {} {}",
        light.display(),
        dark.display(),
        form.display(),
        schema.display()
    );
}
