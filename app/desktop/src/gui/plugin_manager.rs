//! The plugin manager: the installed plugins with what they are and ask for, Install from a
//! folder or `plugin.toml`, Remove, Enable/Disable. Plugin host calls are file operations, but
//! the first one installs the bundled plugins and an install compiles WASM, so they all run on
//! the worker, which keeps the host for imports, exports and reminder rules too.

use super::file_browser::{self, FileBrowserController};
use super::shell::{self, Shell};
use super::ui::PluginItem;
use super::ui::{MainWindow, PluginManager};
use super::worker::Session;
use cardbase_plugin_host::manifest::{CAPABILITIES, Runtime};
use cardbase_plugin_host::{Installed, PluginHost};
use slint::ComponentHandle as _;
use slint::{Model, ModelRc, VecModel};
use std::path::PathBuf;
use std::rc::Rc;

/// The session's plugin host, made ready (bundled plugins installed or updated) the first time
/// something needs it. A bundled plugin that fails to install is logged; the others work.
pub(super) fn host(s: &mut Session) -> Result<&PluginHost, String> {
    s.plugins.host().map_err(|e| e.to_string())?;
    for e in s.plugins.take_problems() {
        eprintln!("cardbase: a bundled plugin could not be installed: {e}");
    }
    s.plugins.host().map_err(|e| e.to_string())
}

/// One line of the manager's list.
fn item(i: &Installed) -> PluginItem {
    let m = &i.manifest;
    let capabilities: Vec<String> = m
        .capabilities
        .iter()
        .map(|c| {
            let what = CAPABILITIES.iter().find(|(k, _)| k == c).map_or("", |(_, w)| *w);
            let granted = if i.state.granted.contains(c) {
                "granted"
            } else {
                "not granted"
            };
            format!("{c} ({granted}): {what}")
        })
        .collect();
    PluginItem {
        id: m.id.as_str().into(),
        name: m.name.as_str().into(),
        version: m.version.as_str().into(),
        kinds: cardbase_workflows::plugins::kinds(&m.kinds).into(),
        runtime: match m.runtime {
            Runtime::Wasm => "WASM",
            Runtime::Rhai => "Rhai",
        }
        .into(),
        enabled: i.state.enabled,
        bundled: cardbase_workflows::plugins::is_bundled(&m.id),
        asks_secrets: m.capabilities.iter().any(|c| c == "secrets"),
        secrets_granted: i.state.granted.iter().any(|g| g == "secrets"),
        capabilities: if capabilities.is_empty() {
            "Asks for no capabilities.".into()
        } else {
            format!("Asks for {}.", capabilities.join("; ")).into()
        },
        description: m.description.as_str().into(),
    }
}

/// What a manager action hands back: what to say, or the error; and the list as it is now.
type Outcome = (Result<String, String>, Vec<Installed>);

/// The plugin manager over the plugin host the worker keeps.
pub(super) struct PluginManagerController {
    shell: Rc<Shell>,
    files: Rc<FileBrowserController>,
}

impl PluginManagerController {
    pub(super) fn install(
        shell: &Rc<Shell>,
        files: &Rc<FileBrowserController>,
        ui: &MainWindow,
    ) -> Rc<PluginManagerController> {
        let c = Rc::new(PluginManagerController {
            shell: shell.clone(),
            files: files.clone(),
        });
        shell::register(c.clone());
        let m = ui.global::<PluginManager>();
        m.on_show(|| shell::with(|c: &Rc<PluginManagerController>| c.plugins_show()));
        m.on_browse(|| shell::with(|c: &Rc<PluginManagerController>| c.plugin_browse()));
        m.on_install(|| shell::with(|c: &Rc<PluginManagerController>| c.plugin_install()));
        m.on_set_enabled(|i, on| shell::with(|c: &Rc<PluginManagerController>| c.plugin_set_enabled(i as usize, on)));
        m.on_set_secrets(|i, on| shell::with(|c: &Rc<PluginManagerController>| c.plugin_set_secrets(i as usize, on)));
        m.on_remove(|i| shell::with(|c: &Rc<PluginManagerController>| c.plugin_remove(i as usize)));
        c
    }

    pub(super) fn plugins_show(self: &Rc<Self>) {
        self.shell.app(|a| {
            a.global::<PluginManager>().set_error("".into());
            a.global::<PluginManager>().set_removing(-1);
            a.global::<PluginManager>().set_shown(true);
        });
        self.plugin_job(|_| Ok(String::new()));
    }

    pub(super) fn plugin_browse(&self) {
        let typed = self
            .shell
            .app(|a| a.global::<PluginManager>().get_file().to_string())
            .unwrap_or_default();
        let documents = directories::UserDirs::new().and_then(|u| u.document_dir().map(Into::into));
        self.files.open(
            vec!["toml".to_string()],
            file_browser::start_folder(&typed, documents),
            Box::new(|path| {
                shell::with(|c: &Rc<PluginManagerController>| {
                    c.shell
                        .app(|a| a.global::<PluginManager>().set_file(path.display().to_string().into()));
                })
            }),
        );
    }

    /// Installs (or updates) the plugin in the folder or `plugin.toml` typed or chosen.
    pub(super) fn plugin_install(self: &Rc<Self>) {
        let path = self
            .shell
            .app(|a| PathBuf::from(a.global::<PluginManager>().get_file().trim()))
            .unwrap_or_default();
        if path.as_os_str().is_empty() {
            self.shell.app(|a| {
                a.global::<PluginManager>()
                    .set_error("Choose a plugin's folder or its plugin.toml.".into())
            });
            return;
        }
        self.plugin_job(move |host| {
            let i = host.install(&path, &[]).map_err(|e| e.to_string())?;
            let withheld = cardbase_workflows::plugins::withheld(&i);
            let mut said = format!("Installed {} {}.", i.manifest.name, i.manifest.version);
            if !withheld.is_empty() {
                said.push_str(&format!(" It asks for {}, not granted.", withheld.join(", ")));
            }
            Ok(said)
        });
    }

    pub(super) fn plugin_set_enabled(self: &Rc<Self>, index: usize, enabled: bool) {
        let Some((id, name)) = self.plugin_at(index) else {
            return;
        };
        self.plugin_job(move |host| {
            host.set_enabled(&id, enabled).map_err(|e| e.to_string())?;
            let verb = if enabled { "Enabled" } else { "Disabled" };
            Ok(format!("{verb} {name}."))
        });
    }

    /// Grants or takes back the "secrets" capability.
    pub(super) fn plugin_set_secrets(self: &Rc<Self>, index: usize, granted: bool) {
        let Some((id, name)) = self.plugin_at(index) else {
            return;
        };
        self.plugin_job(move |host| {
            host.set_granted(&id, "secrets", granted).map_err(|e| e.to_string())?;
            Ok(if granted {
                format!("{name} may now see secret fields.")
            } else {
                format!("{name} no longer sees secret fields.")
            })
        });
    }

    /// Removes a plugin (the view asked "Remove …?" first).
    pub(super) fn plugin_remove(self: &Rc<Self>, index: usize) {
        let Some((id, name)) = self.plugin_at(index) else {
            return;
        };
        self.shell.app(|a| a.global::<PluginManager>().set_removing(-1));
        self.plugin_job(move |host| {
            host.remove(&id).map_err(|e| e.to_string())?;
            Ok(format!("Removed {name}."))
        });
    }

    /// The id and name of the plugin on line `index` of the list.
    fn plugin_at(&self, index: usize) -> Option<(String, String)> {
        let p = self
            .shell
            .app(|a| a.global::<PluginManager>().get_list().row_data(index))
            .flatten()?;
        Some((p.id.to_string(), p.name.to_string()))
    }

    /// Runs a host action on the worker, then shows the list and what happened.
    fn plugin_job(self: &Rc<Self>, action: impl FnOnce(&PluginHost) -> Result<String, String> + Send + 'static) {
        self.shell.worker.run(
            move |s: &mut Session| -> Outcome {
                let host = match host(s) {
                    Ok(h) => h,
                    Err(e) => return (Err(e), Vec::new()),
                };
                let done = action(host);
                match host.list() {
                    Ok(list) => (done, list),
                    Err(e) => (done.and(Err(e.to_string())), Vec::new()),
                }
            },
            |(done, list)| shell::with(|c: &Rc<PluginManagerController>| c.plugins_done(done, list)),
        );
    }

    fn plugins_done(&self, done: Result<String, String>, list: Vec<Installed>) {
        let items: Vec<PluginItem> = list.iter().map(item).collect();
        self.shell.app(|a| {
            a.global::<PluginManager>()
                .set_list(ModelRc::new(VecModel::from(items)));
            a.global::<PluginManager>()
                .set_error(done.as_ref().err().map(String::as_str).unwrap_or("").into());
        });
        if let Ok(said) = done
            && !said.is_empty()
        {
            self.shell.say(said, false);
        }
    }
}
