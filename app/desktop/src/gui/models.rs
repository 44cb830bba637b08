//! Small helpers for the models the views bind to.

use slint::{ModelRc, SharedString, VecModel};

/// A list of texts as a model for a ComboBox or a list.
pub(super) fn strings(list: impl IntoIterator<Item = String>) -> ModelRc<SharedString> {
    ModelRc::new(VecModel::from(
        list.into_iter().map(SharedString::from).collect::<Vec<_>>(),
    ))
}
