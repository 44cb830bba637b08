//! Events on a record: plan a call or a meeting, record how it went, plan the follow-up in the
//! same step, and read a record's history of events.
//!
//! Events are records of the `events` section (its `type`, `planned`, `status`, `result` and
//! `record` fields), so they show in the Events section, get reminders, and undo like any
//! other change.
//!
//! ```
//! use cardbase_engine::{Passphrase, Preset, Vault, events::EventPlan};
//! use chrono::{TimeZone, Utc};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let mut vault = Vault::create(&dir.path().join("v.cardbase"), &Passphrase::new("pw"), Preset::ClientBase).unwrap();
//! let ann = vault.create_record_from_text("contacts", &[("first_name", "Ann")]).unwrap();
//! let call = EventPlan::new("call", Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap());
//! let event = vault.plan_event(ann, &call).unwrap();
//! let next = EventPlan::new("meeting", Utc.with_ymd_and_hms(2026, 12, 8, 10, 0, 0).unwrap());
//! let follow_up = vault.complete_event(event, "agreed", Some("Sends the contract"), Some(&next)).unwrap();
//! assert!(follow_up.is_some());
//! assert_eq!(vault.events_of(ann).unwrap().len(), 2);
//! ```

use crate::error::{Error, Result};
use crate::ids::RecordId;
use crate::records::{self, Record, Value};
use crate::schema::Section;
use crate::vault::Vault;
use chrono::{DateTime, Utc};

/// The fields an events section must have for planning.
const NEEDED: [&str; 4] = ["type", "planned", "status", "record"];

/// An event to plan on a record.
#[derive(Debug, Clone, PartialEq)]
pub struct EventPlan {
    /// The event's type, one of the section's `type` choices (matched ignoring case).
    pub kind: String,
    pub at: DateTime<Utc>,
    pub duration_minutes: Option<f64>,
    pub remind_minutes_before: Option<f64>,
    pub assignee: Option<String>,
    /// Defaults to the record's title ("Ann Lee").
    pub title: Option<String>,
    pub notes: Option<String>,
}

impl EventPlan {
    /// A plan of `kind` at `at`, with nothing else set.
    pub fn new(kind: &str, at: DateTime<Utc>) -> EventPlan {
        EventPlan {
            kind: kind.to_string(),
            at,
            duration_minutes: None,
            remind_minutes_before: None,
            assignee: None,
            title: None,
            notes: None,
        }
    }
}

impl Vault {
    fn events_section(&self) -> Result<Section> {
        let s = self.schema.require_section("events")?;
        for key in NEEDED {
            if s.field(key).is_none_or(|f| f.deleted) {
                return Err(Error::Schema(format!(
                    "the events section has no field {key:?}; events need {}",
                    NEEDED.join(", ")
                )));
            }
        }
        Ok(s.clone())
    }

    /// A value of an events field, checked like typed input (choices matched ignoring case).
    fn event_value(section: &Section, key: &str, text: &str) -> Result<Option<Value>> {
        match section.field(key) {
            Some(f) if !f.deleted => Value::parse(f, text).map_err(|m| Error::invalid(key, m)),
            _ => Ok(None),
        }
    }

    fn plan_values(&self, section: &Section, record: RecordId, plan: &EventPlan) -> Result<Vec<(String, Value)>> {
        let title = self.record_title(record);
        let kind =
            Self::event_value(section, "type", &plan.kind)?.ok_or_else(|| Error::invalid("type", "give a type"))?;
        let mut values = vec![
            ("type".to_string(), kind.clone()),
            ("planned".to_string(), Value::DateTime(plan.at)),
            ("record".to_string(), Value::Relation(record)),
        ];
        if let Some(v) = Self::event_value(section, "status", "Planned")? {
            values.push(("status".into(), v));
        }
        // The section's title already leads with the type ("Call Ann Lee").
        let named = plan.title.clone().unwrap_or(title);
        let optional = [
            ("title", Some(named)),
            ("duration_minutes", plan.duration_minutes.map(|m| m.to_string())),
            (
                "remind_minutes_before",
                plan.remind_minutes_before.map(|m| m.to_string()),
            ),
            ("assignee", plan.assignee.clone()),
            ("notes", plan.notes.clone()),
        ];
        for (key, text) in optional {
            if let Some(text) = text
                && let Some(v) = Self::event_value(section, key, &text)?
            {
                values.push((key.to_string(), v));
            }
        }
        Ok(values)
    }

    /// Plans an event on `record`; returns the event's id.
    pub fn plan_event(&mut self, record: RecordId, plan: &EventPlan) -> Result<RecordId> {
        let section = self.events_section()?;
        self.record(record)?;
        let values = self.plan_values(&section, record, plan)?;
        self.create_record(&section.key, values)
    }

    /// Marks an event done with its result (one of the `result` choices) and notes, and plans
    /// the follow-up on the same record in the same step (one undo reverts both). Returns the
    /// follow-up's id.
    pub fn complete_event(
        &mut self,
        event: RecordId,
        result: &str,
        notes: Option<&str>,
        follow_up: Option<&EventPlan>,
    ) -> Result<Option<RecordId>> {
        let section = self.events_section()?;
        let current = self.record(event)?;
        if current.section != section.id {
            return Err(Error::NoRecord(format!("#{event} is not an event")));
        }
        let mut changes: Vec<(String, Option<Value>)> = vec![
            ("status".into(), Self::event_value(&section, "status", "Done")?),
            ("result".into(), Self::event_value(&section, "result", result)?),
        ];
        if let Some(n) = notes.filter(|n| !n.trim().is_empty()) {
            let before = match current.get("notes") {
                Some(Value::Text(t)) if !t.trim().is_empty() => format!("{t}\n"),
                _ => String::new(),
            };
            changes.push((
                "notes".into(),
                Self::event_value(&section, "notes", &format!("{before}{n}"))?,
            ));
        }
        changes.retain(|(k, v)| v.is_some() && section.field(k).is_some());
        let next = match (follow_up, current.get("record")) {
            (Some(plan), Some(Value::Relation(on))) => {
                // The follow-up keeps this event's assignee and reminder unless told otherwise.
                let mut plan = plan.clone();
                if plan.assignee.is_none()
                    && let Some(Value::Text(a)) = current.get("assignee")
                {
                    plan.assignee = Some(a.clone());
                }
                if plan.remind_minutes_before.is_none()
                    && let Some(Value::Number(m)) = current.get("remind_minutes_before")
                {
                    plan.remind_minutes_before = Some(*m);
                }
                Some(self.plan_values(&section, *on, &plan)?)
            }
            (Some(_), _) => return Err(Error::invalid("record", "the event belongs to no record to follow up")),
            (None, _) => None,
        };
        let sections = self.schema.sections.clone();
        let tx = self.conn.transaction()?;
        let op = records::next_op(&tx)?;
        records::update_in(&tx, op, &sections, &section, event, changes)?;
        let created = next
            .map(|values| records::insert_record(&tx, op, &sections, &section, values))
            .transpose()?;
        tx.commit()?;
        Ok(created)
    }

    /// The events planned on `record`, newest first.
    pub fn events_of(&self, record: RecordId) -> Result<Vec<Record>> {
        let section = self.events_section()?;
        let (incoming, _) = self.related(record)?;
        let ids: Vec<RecordId> = incoming
            .iter()
            .filter(|r| r.section == section.key && r.field == "record")
            .map(|r| r.id)
            .collect();
        let mut events = self.records_by_ids(&section.key, &ids)?;
        let at = |r: &Record| match r.get("planned") {
            Some(Value::DateTime(t)) => Some(*t),
            _ => None,
        };
        events.sort_by(|a, b| at(b).cmp(&at(a)).then(b.id.0.cmp(&a.id.0)));
        Ok(events)
    }
}
