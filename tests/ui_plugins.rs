//! Plugins in the desktop app, driven headless: the plugin manager lists the bundled plugins,
//! turns one off for good, installs and removes another; a vCard file goes in through the
//! import wizard and comes out through the export dialog; a plugin that traps is stopped with
//! a clear message and leaves the vault and the built-in reminders as they were.

#[path = "support/ui.rs"]
mod support;

use cardbase_desktop::gui::ui::{Card, ExportDialog, ImportWizard, PluginManager, Reminders, Shell, Table};
use cardbase_plugin_host::PluginHost;
use slint::{ComponentHandle, Model, SharedString};
use std::path::{Path, PathBuf};
use support::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The installed plugins as the host sees them: (id, enabled).
fn installed(data: &Path) -> Vec<(String, bool)> {
    let cache = data.join("../cache");
    PluginHost::new(&data.join("cardbase"), &cache)
        .list()
        .unwrap()
        .into_iter()
        .map(|i| (i.manifest.id, i.state.enabled))
        .collect()
}

/// A plugin that panics whenever it is fed a file or asked for reminders.
fn write_hostile(dir: &Path) -> PathBuf {
    let folder = dir.join("hostile");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("plugin.toml"),
        r#"
        id = "hostile"
        name = "Hostile"
        version = "0.1.0"
        api = "1.0.0"
        kinds = ["importer", "reminder-rule"]
        runtime = "wasm"
        entry = "hostile.wasm"
        extensions = ["hostile"]
        capabilities = ["secrets"]
        [config]
        behaviour = "panic"
        "#,
    )
    .unwrap();
    std::fs::write(folder.join("hostile.wasm"), cardbase_bundled_plugins::fixtures::HOSTILE).unwrap();
    folder
}

#[test]
fn a_user_manages_plugins_and_moves_contacts_in_and_out_as_vcard() {
    // Before anything touches the plugin host: this process's plugins live in the target dir.
    let data = isolate_plugins();
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.cardbase");
    drop(vault_with_birthday_today(&path));
    let (ui, _c, _) = app(&path, Some("p"));
    ui.window().set_size(slint::LogicalSize::new(1200.0, 900.0));
    assert_eq!(
        ui.global::<Reminders>().get_list().row_count(),
        1,
        "Ada's birthday is due"
    );

    // The manager lists the bundled plugins.
    click(&ui, "Plugins…");
    assert!(ui.global::<PluginManager>().get_shown());
    let ids: Vec<SharedString> = ui.global::<PluginManager>().get_list().iter().map(|p| p.id).collect();
    assert_eq!(ids, ["birthdays", "contract-renewal", "icalendar", "vcard"]);
    let vcard = ui
        .global::<PluginManager>()
        .get_list()
        .iter()
        .find(|p| p.id == "vcard")
        .unwrap();
    assert_eq!(
        (vcard.name.as_str(), vcard.kinds.as_str(), vcard.runtime.as_str()),
        ("vCard", "importer + exporter", "WASM")
    );
    assert!(vcard.enabled);
    assert_eq!(
        find(&ui, "plugin vcard").accessible_value().unwrap_or_default(),
        "enabled"
    );

    assert!(
        i_slint_backend_testing::ElementHandle::find_by_accessible_label(&ui, "remove vcard")
            .next()
            .is_none(),
        "a built-in plugin is turned off, not removed (it would come back at the next start)"
    );

    // Disabling a plugin is kept by the host.
    click(&ui, "enable icalendar");
    assert_eq!(ui.global::<PluginManager>().get_error(), "");
    assert!(installed(&data).contains(&("icalendar".to_string(), false)));
    assert_eq!(
        find(&ui, "plugin icalendar").accessible_value().unwrap_or_default(),
        "disabled"
    );

    // Install one from its folder.
    let hostile = write_hostile(dir.path());
    find(&ui, "plugin file").set_accessible_value(hostile.display().to_string());
    click(&ui, "install plugin");
    assert_eq!(ui.global::<PluginManager>().get_error(), "");
    assert!(installed(&data).contains(&("hostile".to_string(), true)));
    assert!(ui.global::<Shell>().get_message().contains("Installed Hostile 0.1.0"));
    // It asks to see passwords: nothing is granted until the user says so, here.
    let granted = |data: &Path| {
        let host = PluginHost::new(&data.join("cardbase"), &data.join("../cache"));
        host.get("hostile").unwrap().state.granted
    };
    assert!(granted(&data).is_empty());
    click(&ui, "grant secrets hostile");
    assert_eq!(granted(&data), ["secrets"]);
    assert!(
        ui.global::<Shell>()
            .get_message()
            .contains("Hostile may now see secret fields")
    );
    click(&ui, "close plugins");
    assert!(!ui.global::<PluginManager>().get_shown());

    // A failing reminder rule is reported once; the built-in reminders still come.
    ui.global::<Shell>().invoke_dismiss_message();
    ui.global::<Reminders>().invoke_check();
    assert!(
        ui.global::<Shell>().get_message().contains("reminder rule failed")
            && ui.global::<Shell>().get_message().contains("hostile"),
        "{}",
        ui.global::<Shell>().get_message()
    );
    assert_eq!(
        ui.global::<Reminders>().get_list().row_count(),
        1,
        "Ada's birthday is still due"
    );
    ui.global::<Shell>().invoke_dismiss_message();
    ui.global::<Reminders>().invoke_check();
    assert_eq!(
        ui.global::<Shell>().get_message(),
        "",
        "the same failure is not reported again"
    );

    // A plugin that traps while reading stops the import with its reason; nothing is saved.
    let bad = dir.path().join("people.hostile");
    std::fs::write(&bad, "Ann\nBob\n").unwrap();
    click(&ui, "Import…");
    find(&ui, "import file").set_accessible_value(bad.display().to_string());
    click(&ui, "read file");
    let error = ui.global::<ImportWizard>().get_error();
    assert!(error.contains("plugin hostile"), "{error}");
    assert_ne!(ui.global::<ImportWizard>().get_step(), 3);
    click(&ui, "Cancel");
    assert_eq!(ui.global::<Table>().get_rows().row_count(), 1, "the vault is as it was");

    // A vCard file goes in through the wizard, read by the vCard plugin.
    click(&ui, "Import…");
    assert!(
        ui.global::<ImportWizard>().get_hint().contains(".vcf"),
        "{}",
        ui.global::<ImportWizard>().get_hint()
    );
    let vcf = root().join("plugins/vcard/tests/fixtures/gmail.vcf");
    find(&ui, "import file").set_accessible_value(vcf.display().to_string());
    click(&ui, "read file");
    assert_eq!(ui.global::<ImportWizard>().get_error(), "");
    assert_eq!(ui.global::<ImportWizard>().get_step(), 1);
    assert!(
        ui.global::<ImportWizard>()
            .get_about()
            .starts_with("Read by plugin vCard"),
        "{}",
        ui.global::<ImportWizard>().get_about()
    );
    let columns: Vec<_> = ui.global::<ImportWizard>().get_columns().iter().collect();
    let fields: Vec<SharedString> = ui.global::<ImportWizard>().get_fields().iter().collect();
    let last_name = columns.iter().find(|c| c.header == "Last name").unwrap();
    assert_eq!(
        fields[last_name.field as usize], "Last name (last_name)",
        "the plugin's columns are mapped to the fields of the same key"
    );
    assert!(last_name.preview.contains("Fischer"), "{}", last_name.preview);
    click(&ui, "start import");
    assert_eq!(
        ui.global::<ImportWizard>().get_step(),
        3,
        "{}",
        ui.global::<ImportWizard>().get_error()
    );
    assert!(
        ui.global::<ImportWizard>().get_summary().contains("2 added"),
        "{}",
        ui.global::<ImportWizard>().get_summary()
    );
    click(&ui, "Close");
    ui.global::<Table>().invoke_search_edited("Fischer".into());
    assert_eq!(ui.global::<Table>().get_rows().row_count(), 1);
    assert!(
        ui.global::<Card>().get_title().contains("Lena"),
        "{}",
        ui.global::<Card>().get_title()
    );
    ui.global::<Table>().invoke_search_edited("".into());
    assert_eq!(ui.global::<Table>().get_rows().row_count(), 3);

    // And out through the export dialog, as vCard; the disabled iCalendar is not offered.
    click(&ui, "Export…");
    let formats: Vec<SharedString> = ui.global::<ExportDialog>().get_formats().iter().collect();
    assert!(!formats.iter().any(|f| f.contains("iCalendar")), "{formats:?}");
    let vcard_format = formats
        .iter()
        .position(|f| f == "vCard (.vcf) — plugin")
        .unwrap_or_else(|| panic!("vCard is offered: {formats:?}"));
    ui.global::<ExportDialog>().set_format(vcard_format as i32);
    ui.global::<ExportDialog>().invoke_format_changed();
    assert!(
        ui.global::<ExportDialog>().get_file().ends_with(".vcf"),
        "{}",
        ui.global::<ExportDialog>().get_file()
    );
    let out = dir.path().join("contacts.vcf");
    find(&ui, "export file").set_accessible_value(out.display().to_string());
    click(&ui, "start export");
    assert_eq!(ui.global::<ExportDialog>().get_error(), "");
    assert!(!ui.global::<ExportDialog>().get_shown());
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.matches("BEGIN:VCARD").count(), 3, "{written}");
    assert!(written.contains("Fischer"));
    assert!(!dir.path().join("contacts.vcf.partial").exists());

    // Remove asks first; the shortcut opens the manager.
    ctrl_shift(&ui, "P");
    assert!(
        ui.global::<PluginManager>().get_shown(),
        "Ctrl+Shift+P opens the plugin manager"
    );
    click(&ui, "remove hostile");
    assert!(
        installed(&data).iter().any(|(id, _)| id == "hostile"),
        "not before a yes"
    );
    click(&ui, "confirm remove hostile");
    assert!(!installed(&data).iter().any(|(id, _)| id == "hostile"));
    assert!(
        !ui.global::<PluginManager>()
            .get_list()
            .iter()
            .any(|p| p.id == "hostile")
    );
}
