//! Choosing a file: a small in-app browser of folders and the files that fit (images for a
//! photo field, importable files for the import wizard, a plugin's `plugin.toml` for the
//! plugin manager). A chosen photo is read by the engine when the form is saved and kept
//! inside the encrypted vault.

use super::controller::Controller;
use super::ui::{FileBrowser, ImportWizard, PluginManager};
use slint::ComponentHandle as _;
use slint::{Model, ModelRc, SharedString, VecModel};
use std::path::{Path, PathBuf};

const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "gif", "webp", "bmp"];

/// What the chosen file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Purpose {
    /// The photo field at this index of the record form.
    Photo(usize),
    /// The file of the import wizard.
    Import,
    /// The plugin to install in the plugin manager.
    Plugin,
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

impl Controller {
    pub(super) fn photo_browse(&self, field: usize) {
        self.browse_files(Purpose::Photo(field));
    }

    /// Opens the file browser in the folder of what is typed already, or the pictures or
    /// documents folder, or home.
    pub(super) fn browse_files(&self, purpose: Purpose) {
        let typed = match purpose {
            Purpose::Photo(field) => self
                .form_model
                .row_data(field)
                .map(|f| f.text.to_string())
                .unwrap_or_default(),
            Purpose::Import => self
                .app(|a| a.global::<ImportWizard>().get_file().to_string())
                .unwrap_or_default(),
            Purpose::Plugin => self
                .app(|a| a.global::<PluginManager>().get_file().to_string())
                .unwrap_or_default(),
        };
        let typed = PathBuf::from(typed.trim_start_matches('@'));
        let user = directories::UserDirs::new();
        let preferred = user.as_ref().and_then(|u| match purpose {
            Purpose::Photo(_) => u.picture_dir().map(Path::to_path_buf),
            Purpose::Import | Purpose::Plugin => u.document_dir().map(Path::to_path_buf),
        });
        let start = typed
            .parent()
            .filter(|p| p.is_dir())
            .map(Path::to_path_buf)
            .or(preferred)
            .or_else(|| user.as_ref().map(|u| u.home_dir().to_path_buf()))
            .unwrap_or_else(|| PathBuf::from("/"));
        self.picking.set(purpose);
        self.app(|a| a.global::<FileBrowser>().set_shown(true));
        self.show_photo_dir(start);
    }

    /// The kinds of file the browser lists for what it is choosing.
    fn extensions(&self) -> Vec<String> {
        match self.picking.get() {
            Purpose::Photo(_) => IMAGE_EXTENSIONS.iter().map(|e| e.to_string()).collect(),
            Purpose::Import => self.import_extensions(),
            Purpose::Plugin => vec!["toml".to_string()],
        }
    }

    fn show_photo_dir(&self, dir: PathBuf) {
        let list = entries(&dir, &self.extensions());
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
        self.app(|a| {
            a.global::<FileBrowser>().set_folder(dir.display().to_string().into());
            a.global::<FileBrowser>()
                .set_entries(ModelRc::new(VecModel::from(names)));
        });
        *self.photo_paths.borrow_mut() = list;
    }

    pub(super) fn photo_open_entry(&self, index: usize) {
        let Some((path, is_dir)) = self.photo_paths.borrow().get(index).cloned() else {
            return;
        };
        if is_dir {
            self.show_photo_dir(path);
            return;
        }
        match self.picking.get() {
            Purpose::Photo(field) => {
                if let Some(mut f) = self.form_model.row_data(field) {
                    f.text = format!("@{}", path.display()).into();
                    self.form_model.set_row_data(field, f);
                }
            }
            Purpose::Import => {
                self.app(|a| a.global::<ImportWizard>().set_file(path.display().to_string().into()));
            }
            Purpose::Plugin => {
                self.app(|a| a.global::<PluginManager>().set_file(path.display().to_string().into()));
            }
        }
        self.app(|a| a.global::<FileBrowser>().set_shown(false));
    }

    pub(super) fn photo_up(&self) {
        let dir = self
            .app(|a| PathBuf::from(a.global::<FileBrowser>().get_folder().as_str()))
            .unwrap_or_default();
        if let Some(parent) = dir.parent() {
            self.show_photo_dir(parent.to_path_buf());
        }
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
