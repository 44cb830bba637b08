//! Which field of a section dates the calendar entries, and what kind of entry each record
//! becomes. Chosen from the section's field keys and kinds, not its key, so a renamed or
//! custom section exports too.

use cardbase_plugin_sdk::{FieldInfo, SectionInfo};

/// What a record becomes in the calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A timed VEVENT (a `datetime` field such as `planned`).
    Event,
    /// A VTODO due at the date-time (a `datetime` field named like `due`).
    Todo,
    /// A yearly all-day VEVENT (a `date_no_year` field such as `birthday`).
    Yearly,
    /// A one-off all-day VEVENT (a `date` field such as `contract_end`).
    AllDay,
}

/// The dating field of a section and the shape it gives its records.
#[derive(Clone, Debug)]
pub struct Plan {
    pub shape: Shape,
    /// The field's key.
    pub field: String,
    /// The field's label, in the user's words ("Birthday", "Contract end").
    pub label: String,
}

/// The preset fields, in the order they win when a section has several.
const PREFERRED_KEYS: [&str; 4] = ["planned", "due", "birthday", "contract_end"];

/// `datetime` fields with these keys are deadlines: their records become to-dos.
const DEADLINE_KEYS: [&str; 3] = ["due", "deadline", "due_date"];

impl Plan {
    /// The plan for `section`: the field named by the `field` setting if given, else a preset
    /// field, else the first date-time, birthday-like or date field, in that order.
    pub fn for_section(section: &SectionInfo, wanted: Option<&str>) -> Result<Plan, String> {
        let plan = |field: &FieldInfo| {
            shape_of(field).map(|shape| Plan {
                shape,
                field: field.key.clone(),
                label: field.label.clone(),
            })
        };
        if let Some(wanted) = wanted {
            return section
                .fields
                .iter()
                .find(|f| f.key == wanted)
                .and_then(plan)
                .ok_or_else(|| {
                    format!(
                        "The setting \"field\" names \"{wanted}\", which is not a date, date-time or \
                     date-without-year field of the section \"{}\". Name one of its date fields, or \
                     remove the setting.",
                        section.label
                    )
                });
        }
        let preferred = PREFERRED_KEYS
            .iter()
            .find_map(|key| section.fields.iter().find(|f| f.key == *key));
        preferred
            .and_then(plan)
            .or_else(|| section.fields.iter().filter_map(plan).min_by_key(|p| rank(p.shape)))
            .ok_or_else(|| {
                format!(
                    "The section \"{}\" has no date, date-time or date-without-year field, so there is \
                     nothing to put in a calendar. Export a section such as events, tasks or contacts \
                     with birthdays.",
                    section.label
                )
            })
    }
}

fn shape_of(field: &FieldInfo) -> Option<Shape> {
    match field.kind.as_str() {
        "datetime" | "date_time" if DEADLINE_KEYS.contains(&field.key.as_str()) => Some(Shape::Todo),
        "datetime" | "date_time" => Some(Shape::Event),
        "date_no_year" => Some(Shape::Yearly),
        "date" => Some(Shape::AllDay),
        _ => None,
    }
}

/// Timed entries say most about a record, a yearly date more than a one-off one.
fn rank(shape: Shape) -> u8 {
    match shape {
        Shape::Event | Shape::Todo => 0,
        Shape::Yearly => 1,
        Shape::AllDay => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(fields: &[(&str, &str)]) -> SectionInfo {
        SectionInfo {
            key: "custom".into(),
            label: "Custom".into(),
            fields: fields
                .iter()
                .map(|(key, kind)| FieldInfo::new(key, key, kind))
                .collect(),
        }
    }

    fn chosen(fields: &[(&str, &str)], wanted: Option<&str>) -> Option<(Shape, String)> {
        Plan::for_section(&section(fields), wanted)
            .ok()
            .map(|p| (p.shape, p.field))
    }

    #[test]
    fn preset_fields_win_over_field_order() {
        let org = [("contract_start", "date"), ("contract_end", "date")];
        assert_eq!(chosen(&org, None), Some((Shape::AllDay, "contract_end".into())));
        let events = [("created", "datetime"), ("planned", "datetime")];
        assert_eq!(chosen(&events, None), Some((Shape::Event, "planned".into())));
    }

    #[test]
    fn custom_sections_go_by_kind() {
        let fields = [
            ("signed", "date"),
            ("anniversary", "date_no_year"),
            ("call_at", "datetime"),
        ];
        assert_eq!(chosen(&fields, None), Some((Shape::Event, "call_at".into())));
        assert_eq!(chosen(&fields[..2], None), Some((Shape::Yearly, "anniversary".into())));
        assert_eq!(chosen(&fields[..1], None), Some((Shape::AllDay, "signed".into())));
        assert_eq!(
            chosen(&[("deadline", "datetime")], None),
            Some((Shape::Todo, "deadline".into()))
        );
    }

    #[test]
    fn a_preset_key_of_another_kind_is_passed_over() {
        assert_eq!(
            chosen(&[("planned", "text"), ("when", "date")], None),
            Some((Shape::AllDay, "when".into()))
        );
    }

    #[test]
    fn the_field_setting_picks_the_field() {
        let org = [("contract_start", "date"), ("contract_end", "date"), ("name", "text")];
        assert_eq!(
            chosen(&org, Some("contract_start")),
            Some((Shape::AllDay, "contract_start".into()))
        );
        assert_eq!(chosen(&org, Some("name")), None);
        assert_eq!(chosen(&org, Some("missing")), None);
    }

    #[test]
    fn a_section_without_dates_has_no_plan() {
        let err = Plan::for_section(&section(&[("title", "text")]), None).unwrap_err();
        assert!(err.contains("\"Custom\" has no date"), "{err}");
    }
}
