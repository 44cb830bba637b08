//! The import wizard and the export dialog, driven headless: a Russian Excel CSV goes in with
//! the columns matched by their headers, and the section comes out as a workbook.

#[path = "support/ui.rs"]
mod support;

use cardbase_desktop::gui::ui::{ExportDialog, ImportWizard, Table};
use cardbase_engine::{Passphrase, Preset, Vault};
use slint::{ComponentHandle, Model};
use support::*;

#[test]
fn a_user_imports_a_csv_through_the_wizard_and_exports_the_section() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.cardbase");
    Vault::create(&path, &Passphrase::new("p"), Preset::Personal).unwrap();
    let (ui, _c, _) = app(&path, Some("p"));
    ui.window().set_size(slint::LogicalSize::new(1200.0, 900.0));
    assert_eq!(ui.global::<Table>().get_rows().row_count(), 0);

    click(&ui, "Import…");
    assert!(ui.global::<ImportWizard>().get_shown());
    let csv =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import/excel-ru-1251.csv");
    find(&ui, "import file").set_accessible_value(csv.display().to_string());
    click(&ui, "read file");
    assert_eq!(ui.global::<ImportWizard>().get_error(), "");
    assert_eq!(ui.global::<ImportWizard>().get_step(), 1);
    assert!(
        ui.global::<ImportWizard>().get_about().contains("windows-1251"),
        "{}",
        ui.global::<ImportWizard>().get_about()
    );
    let columns: Vec<_> = ui.global::<ImportWizard>().get_columns().iter().collect();
    let surname = columns.iter().find(|c| c.header == "Фамилия").unwrap();
    assert!(surname.field > 0, "Фамилия is matched to a field");
    let birthday = columns.iter().find(|c| c.header == "Дата рождения").unwrap();
    assert!(
        birthday.preview.contains("1978-03-15"),
        "the preview shows the date as it will land: {}",
        birthday.preview
    );

    // "Город" has no field in the personal preset: make one from the column.
    let city = columns.iter().position(|c| c.header == "Город").unwrap();
    assert_eq!(columns[city].field, 0);
    ui.global::<ImportWizard>().invoke_new_field(city as i32);
    assert!(ui.global::<ImportWizard>().get_columns().row_data(city).unwrap().field > 0);

    click(&ui, "start import");
    assert_eq!(
        ui.global::<ImportWizard>().get_step(),
        3,
        "{}",
        ui.global::<ImportWizard>().get_error()
    );
    assert!(
        ui.global::<ImportWizard>().get_summary().contains("5 added"),
        "{}",
        ui.global::<ImportWizard>().get_summary()
    );
    assert_eq!(
        ui.global::<Table>().get_rows().row_count(),
        5,
        "the table shows the imported records"
    );
    click(&ui, "Close");

    click(&ui, "Export…");
    let out = dir.path().join("contacts.xlsx");
    find(&ui, "export file").set_accessible_value(out.display().to_string());
    click(&ui, "start export");
    assert_eq!(ui.global::<ExportDialog>().get_error(), "");
    assert!(!ui.global::<ExportDialog>().get_shown());
    assert!(std::fs::metadata(&out).unwrap().len() > 1000, "a workbook was written");
}

/// Every record of every section, as `cardbase list --format json` prints them.
fn listing(env: &support_cli::Env) -> String {
    let sections = env.ok(&["sections"]);
    ["contacts", "organizations"]
        .iter()
        .inspect(|s| assert!(sections.contains(*s)))
        .map(|s| env.ok(&["list", s, "--format", "json"]))
        .collect()
}

#[path = "support/cli.rs"]
mod support_cli;

#[test]
fn a_file_imported_from_the_command_line_and_from_the_wizard_gives_the_same_vault() {
    i_slint_backend_testing::init_no_event_loop();
    let fixtures = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    // A CSV read by the built-in reader (its company linked or created), and a vCard read by
    // the bundled plugin.
    for file in [
        fixtures.join("import/google-contacts-utf8.csv"),
        fixtures.join("real/palm-desktop/palm.vcf"),
    ] {
        let cli = support_cli::Env::init("personal");
        let out = cli.ok(&["import", file.to_str().unwrap(), "--section", "contacts"]);
        assert!(out.contains("Imported"), "{out}");

        let wizard = support_cli::Env::init("personal");
        let (ui, _c, _) = app(&wizard.vault, Some(support_cli::PASS));
        ui.window().set_size(slint::LogicalSize::new(1200.0, 900.0));
        click(&ui, "Import…");
        find(&ui, "import file").set_accessible_value(file.display().to_string());
        click(&ui, "read file");
        assert_eq!(ui.global::<ImportWizard>().get_error(), "");
        let plugin = ui.global::<ImportWizard>().get_about().contains("plugin");
        assert_eq!(
            plugin,
            out.contains("with plugin"),
            "both front ends choose the same reader for {}",
            file.display()
        );
        click(&ui, "start import");
        assert_eq!(
            ui.global::<ImportWizard>().get_step(),
            3,
            "{}",
            ui.global::<ImportWizard>().get_error()
        );
        // The window closes the vault before the command line reads it.
        drop(ui);
        cardbase_desktop::gui::Controller::uninstall();
        drop(_c);
        assert_eq!(listing(&cli), listing(&wizard), "{}", file.display());
        assert_eq!(
            cli.ok(&["history", "1"]).lines().count(),
            wizard.ok(&["history", "1"]).lines().count()
        );
    }
}
