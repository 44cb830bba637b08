//! Closing and reopening the app restores the last section, the column layout and the window
//! size (kept in the vault, encrypted with it).

#[path = "support/ui.rs"]
mod support;

use cardbase_desktop::gui::Controller;
use cardbase_desktop::gui::ui::{Shell, Sidebar, Table};
use cardbase_engine::{Passphrase, Preset, Vault};
use slint::platform::WindowEvent;
use slint::{ComponentHandle, Model};

#[test]
fn reopening_restores_section_columns_and_window_size() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.cardbase");
    {
        let mut vault = Vault::create(&path, &Passphrase::new("p"), Preset::Personal).unwrap();
        cardbase_engine::demo::load_demo(&mut vault, chrono::NaiveDate::from_ymd_opt(2026, 1, 10).unwrap()).unwrap();
    }

    let (ui, controller, _) = support::app(&path, Some("p"));
    support::click(&ui, "Tasks");
    assert_eq!(ui.global::<Sidebar>().get_current_section(), 2);
    ui.global::<Table>().invoke_resize_column(0, 222.0);
    ui.global::<Table>().invoke_resize_done();
    ui.global::<Table>().invoke_toggle_column("notes".into());
    ui.window().set_size(slint::LogicalSize::new(1000.0, 700.0));
    ui.window().dispatch_event(WindowEvent::CloseRequested);
    let columns: Vec<String> = ui
        .global::<Table>()
        .get_columns()
        .iter()
        .map(|c| c.key.to_string())
        .collect();
    drop(controller);
    Controller::uninstall();
    drop(ui);

    let (ui, _controller, _) = support::app(&path, Some("p"));
    assert_eq!(ui.global::<Shell>().get_screen(), "main");
    assert_eq!(
        ui.global::<Sidebar>().get_current_section(),
        2,
        "the last section is shown again"
    );
    let reopened: Vec<String> = ui
        .global::<Table>()
        .get_columns()
        .iter()
        .map(|c| c.key.to_string())
        .collect();
    assert_eq!(reopened, columns, "the same columns in the same order");
    assert!(reopened.contains(&"notes".to_string()));
    assert_eq!(
        ui.global::<Table>().get_columns().row_data(0).unwrap().width,
        222.0,
        "the resized column keeps its width"
    );
    let size = ui.window().size().to_logical(ui.window().scale_factor());
    assert_eq!(
        (size.width, size.height),
        (1000.0, 700.0),
        "the window size is restored"
    );
}
