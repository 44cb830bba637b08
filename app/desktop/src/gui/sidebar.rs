//! The sidebar's lists: the sections with their record counts, and the groups (the values of
//! the first tags field) of the section the table shows. Choosing one is the table's business:
//! it wires the sidebar's callbacks, since they change its view.

use super::shell::{self, Shell};
use super::text;
use super::ui::{SectionItem, Sidebar};
use super::worker::Session;
use cardbase_engine::FieldType;
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};
use std::rc::Rc;

/// Loads what the sidebar lists.
pub(super) struct SidebarController {
    pub shell: Rc<Shell>,
}

impl SidebarController {
    pub(super) fn install(shell: &Rc<Shell>) -> Rc<SidebarController> {
        let c = Rc::new(SidebarController { shell: shell.clone() });
        shell::register(c.clone());
        c
    }

    /// Reloads the sidebar: labels from the schema, counts from the vault.
    pub(super) fn refresh_sections(&self, current: &str) {
        let current = current.to_string();
        let keys = self.shell.visible_sections();
        self.shell.worker.run(
            move |s: &mut Session| {
                let Some(v) = s.vault.as_ref() else { return Vec::new() };
                keys.iter()
                    .filter_map(|k| {
                        let section = v.schema().section(k)?;
                        Some((k.clone(), section.label.clone(), v.count(k).unwrap_or(0)))
                    })
                    .collect::<Vec<_>>()
            },
            move |list| {
                shell::with(|c: &Rc<SidebarController>| {
                    let items: Vec<SectionItem> = list
                        .iter()
                        .map(|(k, l, n)| SectionItem {
                            key: k.as_str().into(),
                            label: text::bidi_display(l).into(),
                            count: *n as i32,
                        })
                        .collect();
                    let index = list
                        .iter()
                        .position(|(k, _, _)| *k == current)
                        .map(|i| i as i32)
                        .unwrap_or(-1);
                    c.shell.app(|a| {
                        a.global::<Sidebar>().set_sections(ModelRc::new(VecModel::from(items)));
                        a.global::<Sidebar>().set_current_section(index);
                    });
                })
            },
        );
    }

    /// Lists the section's groups (the values of its first tags field) under it in the sidebar.
    pub(super) fn load_groups(&self, section: &str) {
        let section = section.to_string();
        let field = self.shell.schema.borrow().section(&section).and_then(|s| {
            s.live_fields()
                .find(|f| f.kind == FieldType::Tags)
                .map(|f| f.key.clone())
        });
        let Some(field) = field else {
            self.shell.app(|a| a.global::<Sidebar>().set_groups(ModelRc::default()));
            return;
        };
        self.shell.worker.run(
            move |s: &mut Session| {
                let Some(v) = s.vault.as_ref() else { return Vec::new() };
                cardbase_workflows::values::distinct(v, &section, &field)
                    .map(|values| values.into_iter().map(|(value, _)| value).collect())
                    .unwrap_or_default()
            },
            |groups: Vec<String>| {
                shell::with(|c: &Rc<SidebarController>| {
                    let items: Vec<SharedString> = groups.iter().map(|g| g.as_str().into()).collect();
                    c.shell
                        .app(|a| a.global::<Sidebar>().set_groups(ModelRc::new(VecModel::from(items))));
                })
            },
        );
    }
}
