//! Columns no field takes become new fields, so what a file holds is not left behind: named
//! after their headers, typed by their values (dates, numbers, yes/no, long text, else text).

use super::Preview;
use crate::Result;
use cardbase_engine::import::mapping;
use cardbase_engine::import::table::Cell;
use cardbase_engine::schema::FieldSpec;
use cardbase_engine::{FieldType, Value, Vault};

/// A column of the file that no field takes, and the field it would become.
#[derive(Debug, Clone, PartialEq)]
pub struct NewField {
    /// Its place in the file (0 is the first column).
    pub column: usize,
    /// Its header, as the file has it (the new field's label).
    pub header: String,
    /// The field it becomes.
    pub spec: FieldSpec,
}

/// The columns of a preview that no field takes and that hold something in its rows, each
/// with the field it would become in `section` (a key made from the header, unused there).
///
/// A column empty in every previewed row is not offered: a field nobody fills is clutter.
pub fn unmatched_columns(vault: &Vault, section: &str, preview: &Preview) -> Result<Vec<NewField>> {
    let s = vault.schema().require_section(section)?;
    let mut taken: Vec<String> = s.fields.iter().map(|f| f.key.clone()).collect();
    let mut out = Vec::new();
    for (i, header) in preview.headers.iter().enumerate() {
        if preview.mapping.get(i).is_some_and(Option::is_some) || mapping::is_companion(header) {
            continue;
        }
        let cells: Vec<&Cell> = preview
            .samples
            .iter()
            .filter_map(|row| row.get(i))
            .filter(|c| !c.is_empty())
            .collect();
        if cells.is_empty() {
            continue;
        }
        let label = match header.trim() {
            "" => format!("Column {}", i + 1),
            h => h.chars().take(100).collect(),
        };
        // A plugin's own key, so its exporter finds the field again ("uid", "anniversary").
        let own = preview
            .keys
            .as_ref()
            .and_then(|k| k.get(i))
            .filter(|k| cardbase_engine::schema::valid_key(k) && !taken.contains(k));
        let key = own.cloned().unwrap_or_else(|| super::key_from_header(&label, &taken));
        taken.push(key.clone());
        out.push(NewField {
            column: i,
            header: header.clone(),
            spec: FieldSpec::new(&key, &label, type_of(&cells)),
        });
    }
    Ok(out)
}

/// Adds the new fields to `section` and points their columns at them in `mapping`.
pub fn add(vault: &mut Vault, section: &str, fields: &[NewField], mapping: &mut [Option<String>]) -> Result<()> {
    for f in fields {
        vault.add_field(section, &f.spec)?;
        if let Some(m) = mapping.get_mut(f.column) {
            *m = Some(f.spec.key.clone());
        }
    }
    Ok(())
}

/// Takes the fields [`add`] added away again, for good, after an import that saved nothing
/// (they hold no value).
pub fn remove(vault: &mut Vault, section: &str, fields: &[NewField]) -> Result<()> {
    for f in fields {
        vault.remove_unused_field(section, &f.spec.key)?;
    }
    Ok(())
}

/// The type every value of a column reads as: date, number (not a phone or a code with a
/// leading zero), yes/no, long text, else text.
fn type_of(cells: &[&Cell]) -> FieldType {
    use cardbase_engine::plugin::PluginValue as P;
    let text = |c: &Cell| match c {
        Cell::Text(t) => Some(t.trim().to_string()),
        _ => None,
    };
    let all = |test: &dyn Fn(&Cell) -> bool| cells.iter().all(|c| test(c));
    let is_number = |c: &Cell| match c {
        Cell::Number(_) => true,
        Cell::Text(t) => {
            let t = t.trim();
            let coded = t.len() > 1 && (t.starts_with('0') && !t.starts_with("0.") || t.starts_with('+'));
            !coded && t.parse::<f64>().is_ok_and(f64::is_finite)
        }
        _ => false,
    };
    let is_date = |c: &Cell| match c {
        Cell::Date(_) => true,
        Cell::Text(t) => {
            // A bare number is not a date here, whatever a date parser makes of it.
            t.chars().any(|c| !c.is_ascii_digit())
                && matches!(Value::parse_as(FieldType::Date, &[], None, t), Ok(Some(_)))
        }
        _ => false,
    };
    // Cells a plugin typed say their type.
    if all(&|c| matches!(c, Cell::Typed(P::Date(_) | P::PartialDate { .. }))) {
        return if all(&|c| matches!(c, Cell::Typed(P::Date(_)))) {
            FieldType::Date
        } else {
            FieldType::DateNoYear
        };
    }
    if all(&|c| matches!(c, Cell::Typed(P::Number(_)))) {
        return FieldType::Number;
    }
    if all(&|c| matches!(c, Cell::Typed(P::Checkbox(_)) | Cell::Bool(_))) {
        return FieldType::Checkbox;
    }
    if all(&|c| matches!(c, Cell::Typed(P::DateTime(_)))) {
        return FieldType::Datetime;
    }
    if all(&|c| matches!(c, Cell::Bool(_))) {
        FieldType::Checkbox
    } else if all(&is_date) {
        FieldType::Date
    } else if all(&|c| matches!(c, Cell::DateTime(_) | Cell::Date(_))) {
        FieldType::Datetime
    } else if all(&is_number) {
        FieldType::Number
    } else if cells
        .iter()
        .filter_map(|c| text(c))
        .any(|t| t.contains('\n') || t.chars().count() > 200)
    {
        FieldType::LongText
    } else {
        FieldType::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn columns_are_typed_by_their_values() {
        let cases: [(&[Cell], FieldType); 6] = [
            (&[t("2024-03-01"), t("31.12.2023")], FieldType::Date),
            (&[t("12"), t("3.5"), Cell::Number(7.0)], FieldType::Number),
            (&[t("0049"), t("12")], FieldType::Text),
            (&[t("+49 30 1234")], FieldType::Text),
            (&[Cell::Bool(true), Cell::Bool(false)], FieldType::Checkbox),
            (&[t("line one\nline two"), t("x")], FieldType::LongText),
        ];
        for (cells, want) in cases {
            let refs: Vec<&Cell> = cells.iter().collect();
            assert_eq!(type_of(&refs), want, "{cells:?}");
        }
    }
}
