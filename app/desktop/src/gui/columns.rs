//! The table's columns: which fields show, in which order and how wide; a layout is saved per
//! section.

use super::text;
use super::ui::{ColumnChoice, ColumnItem};
use cardbase_engine::schema::{Field, Section};
use cardbase_engine::{FieldType, SortKey};

/// A column of the record table: a field key and its width in logical pixels.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ColumnLayout {
    pub key: String,
    pub width: f32,
}

/// The columns a section shows before the user chose any: its first six visible fields that
/// read well in a cell.
pub(super) fn default_columns(section: &Section) -> Vec<ColumnLayout> {
    section
        .visible_fields()
        .filter(|f| !matches!(f.kind, FieldType::Photo | FieldType::LongText | FieldType::Secret))
        .take(6)
        .map(|f| ColumnLayout {
            key: f.key.clone(),
            width: default_width(f),
        })
        .collect()
}

pub(super) fn default_width(f: &Field) -> f32 {
    match f.kind {
        FieldType::Number | FieldType::Money | FieldType::Percent | FieldType::Checkbox => 110.0,
        FieldType::Date | FieldType::DateNoYear => 110.0,
        FieldType::Phones | FieldType::Emails | FieldType::Addresses => 200.0,
        _ => 150.0,
    }
}

/// The table's header for `columns` of `section` sorted by `sort`: each column with its sort
/// mark, their total width, and the "Columns" list (every visible field, shown or not).
pub(super) fn header(
    section: &Section,
    columns: &[ColumnLayout],
    sort: &[SortKey],
) -> (Vec<ColumnItem>, f32, Vec<ColumnChoice>) {
    let items: Vec<ColumnItem> = columns
        .iter()
        .filter_map(|c| {
            let f = section.field(&c.key)?;
            let rank = sort.iter().position(|s| s.field == c.key);
            let mark = rank.map(|r| if sort[r].desc { -1 } else { 1 }).unwrap_or(0);
            Some(ColumnItem {
                key: f.key.as_str().into(),
                label: text::bidi_display(&f.label).into(),
                width: c.width,
                numeric: f.kind.is_numeric(),
                sort: mark,
                sort_rank: rank.map(|r| r as i32 + 1).unwrap_or(0),
            })
        })
        .collect();
    let total = items.iter().map(|c| c.width).sum();
    let choices = section
        .visible_fields()
        .map(|f| ColumnChoice {
            key: f.key.as_str().into(),
            label: f.label.as_str().into(),
            shown: columns.iter().any(|c| c.key == f.key),
        })
        .collect();
    (items, total, choices)
}

/// Shows the field's column, or hides it (never the last one).
pub(super) fn toggle(columns: &mut Vec<ColumnLayout>, field: &Field) {
    if let Some(i) = columns.iter().position(|c| c.key == field.key) {
        if columns.len() > 1 {
            columns.remove(i);
        }
    } else {
        columns.push(ColumnLayout {
            key: field.key.clone(),
            width: default_width(field),
        });
    }
}

/// Moves a column `delta` places (clamped to the ends).
pub(super) fn shift(columns: &mut [ColumnLayout], key: &str, delta: i32) {
    let Some(i) = columns.iter().position(|c| c.key == key) else {
        return;
    };
    let j = (i as i32 + delta).clamp(0, columns.len() as i32 - 1) as usize;
    columns.swap(i, j);
}
