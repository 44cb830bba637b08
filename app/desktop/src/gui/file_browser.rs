//! The app's own file browser: folders to walk through and the files that fit, for whoever
//! asks (the record form for a photo, the import wizard for a file, the plugin manager for a
//! plugin). It knows nothing of its callers: it takes the extensions to list, a folder to
//! start in, and what to do with the chosen file. While it is open it owns the keyboard.

use super::shell::{self, Shell};
use super::ui::{FileBrowser, MainWindow};
use slint::ComponentHandle;
use slint::{ModelRc, SharedString, VecModel};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// The images a photo field takes.
pub(super) const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "gif", "webp", "bmp"];

/// What to do with the chosen file.
pub(super) type OnChosen = Box<dyn FnOnce(PathBuf)>;

/// The folder a browser starts in: the folder of what is typed already, else `preferred`
/// (the pictures or documents folder), else home, else the root.
pub(super) fn start_folder(typed: &str, preferred: Option<PathBuf>) -> PathBuf {
    let typed = PathBuf::from(typed.trim());
    typed
        .parent()
        .filter(|p| !p.as_os_str().is_empty() && p.is_dir())
        .map(Path::to_path_buf)
        .or(preferred)
        .or_else(|| directories::UserDirs::new().map(|u| u.home_dir().to_path_buf()))
        .unwrap_or_else(|| PathBuf::from("/"))
}

/// Folders first, then the files with one of `extensions`, each sorted by name; hidden entries
/// left out.
fn entries(dir: &Path, extensions: &[impl AsRef<str>]) -> Vec<(PathBuf, bool)> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(PathBuf, bool)> = read
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        })
        .filter_map(|p| {
            if p.is_dir() {
                Some((p, true))
            } else {
                let ext = p.extension()?.to_str()?.to_ascii_lowercase();
                extensions.iter().any(|e| e.as_ref() == ext).then_some((p, false))
            }
        })
        .collect();
    found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    found
}

/// The browser: what it lists and who gets the chosen file.
pub(super) struct FileBrowserController {
    shell: Rc<Shell>,
    extensions: RefCell<Vec<String>>,
    /// The entries listed, in order (folders flagged).
    listed: RefCell<Vec<(PathBuf, bool)>>,
    folder: RefCell<PathBuf>,
    on_chosen: RefCell<Option<OnChosen>>,
}

impl FileBrowserController {
    pub(super) fn install(shell: &Rc<Shell>, ui: &MainWindow) -> Rc<FileBrowserController> {
        let c = Rc::new(FileBrowserController {
            shell: shell.clone(),
            extensions: RefCell::new(Vec::new()),
            listed: RefCell::new(Vec::new()),
            folder: RefCell::new(PathBuf::new()),
            on_chosen: RefCell::new(None),
        });
        shell::register(c.clone());
        let browser = ui.global::<FileBrowser>();
        browser.on_open_entry(|i| shell::with(|c: &Rc<FileBrowserController>| c.open_entry(i as usize)));
        browser.on_up(|| shell::with(|c: &Rc<FileBrowserController>| c.up()));
        browser.on_cancel(|| shell::with(|c: &Rc<FileBrowserController>| c.close()));
        browser.on_choose_folder(|| shell::with(|c: &Rc<FileBrowserController>| c.choose_folder()));
        c
    }

    /// Opens the browser in `start`, listing folders and the files with one of `extensions`;
    /// `on_chosen` gets the file the user picks (nothing happens on Cancel).
    pub(super) fn open(&self, extensions: Vec<String>, start: PathBuf, on_chosen: OnChosen) {
        self.open_as(false, extensions, start, on_chosen);
    }

    /// Like [`open`](Self::open), for a file to write: "Use this folder" hands over the folder
    /// shown, a listed file (to replace it) itself.
    pub(super) fn open_for_saving(&self, extensions: Vec<String>, start: PathBuf, on_chosen: OnChosen) {
        self.open_as(true, extensions, start, on_chosen);
    }

    fn open_as(&self, folders: bool, extensions: Vec<String>, start: PathBuf, on_chosen: OnChosen) {
        *self.extensions.borrow_mut() = extensions;
        *self.on_chosen.borrow_mut() = Some(on_chosen);
        self.shell.app(|a| {
            a.global::<FileBrowser>().set_folders(folders);
            a.global::<FileBrowser>().set_shown(true);
        });
        self.show(start);
    }

    fn choose_folder(&self) {
        let folder = self.folder.borrow().clone();
        let chosen = self.on_chosen.borrow_mut().take();
        self.close();
        if let Some(f) = chosen {
            f(folder);
        }
    }

    fn show(&self, dir: PathBuf) {
        let list = entries(&dir, &self.extensions.borrow());
        let names: Vec<SharedString> = list
            .iter()
            .map(|(p, is_dir)| {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if *is_dir { format!("▸ {name}/") } else { name }.into()
            })
            .collect();
        self.shell.app(|a| {
            let b = a.global::<FileBrowser>();
            b.set_folder(dir.display().to_string().into());
            b.set_entries(ModelRc::new(VecModel::from(names)));
        });
        *self.listed.borrow_mut() = list;
        *self.folder.borrow_mut() = dir;
    }

    fn open_entry(&self, index: usize) {
        let Some((path, is_dir)) = self.listed.borrow().get(index).cloned() else {
            return;
        };
        if is_dir {
            self.show(path);
            return;
        }
        let chosen = self.on_chosen.borrow_mut().take();
        self.close();
        if let Some(f) = chosen {
            f(path);
        }
    }

    fn up(&self) {
        let dir = self.folder.borrow().clone();
        if let Some(parent) = dir.parent() {
            self.show(parent.to_path_buf());
        }
    }

    fn close(&self) {
        self.on_chosen.borrow_mut().take();
        self.shell.app(|a| a.global::<FileBrowser>().set_shown(false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_come_first_and_only_fitting_files_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("holidays")).unwrap();
        std::fs::write(dir.path().join("b.JPG"), b"x").unwrap();
        std::fs::write(dir.path().join("a.png"), b"x").unwrap();
        std::fs::write(dir.path().join("clients.xlsx"), b"x").unwrap();
        std::fs::write(dir.path().join(".hidden.png"), b"x").unwrap();
        let names = |exts: &[&str]| -> Vec<String> {
            entries(dir.path(), exts)
                .iter()
                .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(names(IMAGE_EXTENSIONS), ["holidays", "a.png", "b.JPG"]);
        assert_eq!(names(cardbase_engine::import::EXTENSIONS), ["holidays", "clients.xlsx"]);
    }
}
