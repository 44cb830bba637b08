//! Renders the main window with Slint's software renderer to PNG files under the target
//! directory (`target/tmp/`), light and dark, with Persian text on the card, and the dialogs
//! (form, schema editor, import wizard, plugin manager): for people to look at, and checked
//! here only for being real pictures of the right size.

#[path = "support/ui.rs"]
mod support;

use cardbase_desktop::gui::ui::{Card, Form, ImportWizard, PluginManager, Reminders, SchemaEditor, Shell, Table};
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
    assert_eq!(ui.global::<Shell>().get_screen(), "main");
    assert!(
        ui.global::<Reminders>().get_shown(),
        "the demo's due reminders pop the panel up"
    );
    ui.global::<Reminders>().set_shown(false);
    ui.global::<Table>().invoke_search_edited("رضایی".into());
    assert!(
        ui.global::<Card>().get_title().contains('ی'),
        "a Persian contact is on the card: {}",
        ui.global::<Card>().get_title()
    );
    let light = save_png("cardbase-main-light.png", &ui);
    ui.global::<Shell>().invoke_toggle_dark();
    let dark = save_png("cardbase-main-dark.png", &ui);
    ui.global::<Shell>().invoke_toggle_dark();
    ui.global::<Table>().invoke_new_record();
    let form = save_png("cardbase-form.png", &ui);
    ui.global::<Form>().invoke_cancel();
    ui.global::<SchemaEditor>().invoke_show();
    ui.global::<SchemaEditor>().invoke_edit_options(0);
    let schema = save_png("cardbase-schema-editor.png", &ui);
    ui.global::<SchemaEditor>().invoke_close();
    ui.global::<ImportWizard>().invoke_show();
    let csv =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import/excel-ru-1251.csv");
    ui.global::<ImportWizard>().set_file(csv.display().to_string().into());
    ui.global::<ImportWizard>().invoke_load();
    let wizard = save_png("cardbase-import-wizard.png", &ui);
    ui.global::<ImportWizard>().set_shown(false);
    ui.global::<PluginManager>().invoke_show();
    let plugins = save_png("cardbase-plugin-manager.png", &ui);
    ui.global::<Shell>().invoke_toggle_dark();
    let plugins_dark = save_png("cardbase-plugin-manager-dark.png", &ui);
    ui.global::<Shell>().invoke_toggle_dark();
    ui.global::<PluginManager>().set_shown(false);

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
    let with_event = (0..ui.global::<Table>().get_rows().row_count()).find(|i| {
        ui.global::<Table>().invoke_row_clicked(*i as i32, false, false);
        ui.global::<Card>().get_events().iter().any(|e| e.planned)
    });
    if with_event.is_some() {
        let planned = ui.global::<Card>().get_events().iter().find(|e| e.planned).unwrap();
        ui.global::<Card>().set_event_completing(planned.id);
    }
    let done = save_png("cardbase-event-done.png", &ui);
    ui.global::<Card>().set_event_completing(-1);
    // The reminders panel with the custom snooze row open.
    ui.global::<Reminders>().set_shown(true);
    ui.global::<Reminders>().set_custom(0);
    ui.global::<Reminders>().set_custom_text("2026-12-01 09:00".into());
    let snooze = save_png("cardbase-reminders-snooze.png", &ui);
    ui.global::<Reminders>().set_shown(false);
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
