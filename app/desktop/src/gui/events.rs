//! The card's Events block: a record's calls and meetings newest first, planning the next one,
//! and recording how a planned one went (with its follow-up in the same step).

use super::controller::{Controller, with_controller};
use super::ui::Card;
use super::ui::EventLine;
use super::worker::Session;
use cardbase_engine::agenda;
use cardbase_engine::events::EventPlan;
use cardbase_engine::{Record, RecordId, Value, Vault};
use chrono::{DateTime, Utc};
use slint::ComponentHandle as _;
use slint::{Model, ModelRc, SharedString, VecModel};
use std::rc::Rc;

/// The remind-before choices of the Plan row, in minutes (`App.event-reminds` names them).
const REMIND_MINUTES: [Option<f64>; 4] = [None, Some(15.0), Some(60.0), Some(24.0 * 60.0)];

/// One event as the card lists it (plain data, made on the worker).
pub(super) struct EventData {
    id: i64,
    text: String,
    overdue: bool,
    planned: bool,
}

/// A record's Events block as the worker prepares it; `None` on the card of an event, or when
/// the vault has no usable events section.
pub(super) struct EventsData {
    events: Vec<EventData>,
    types: Vec<String>,
    results: Vec<String>,
}

fn choices(v: &Vault, key: &str) -> Vec<String> {
    v.schema()
        .section("events")
        .and_then(|s| s.field(key))
        .map(|f| f.options.choices.clone())
        .unwrap_or_default()
}

fn event_data(event: &Record, now: DateTime<Utc>) -> EventData {
    let shown = |key: &str| event.get(key).map(Value::display).unwrap_or_default();
    let planned_at = match event.get("planned") {
        Some(Value::DateTime(t)) => Some(*t),
        _ => None,
    };
    let status = shown("status");
    let planned = status.eq_ignore_ascii_case("planned");
    let when = planned_at
        .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "—".to_string());
    let text = [when, shown("type"), status, shown("result")]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("  ");
    EventData {
        id: event.id.0,
        text,
        overdue: planned && planned_at.is_some_and(|t| t < now),
        planned,
    }
}

/// The Events block of the card of `record` (in section `section`).
pub(super) fn events_data(v: &Vault, record: RecordId, section: &str) -> Option<EventsData> {
    let events_section = v.schema().section("events")?;
    if events_section.key == section || events_section.deleted {
        return None;
    }
    let events = v.events_of(record).ok()?;
    let now = Utc::now();
    Some(EventsData {
        events: events.iter().map(|e| event_data(e, now)).collect(),
        types: choices(v, "type"),
        results: choices(v, "result"),
    })
}

/// A local date and time as typed ("2026-12-01 10:00"), or a time from now ("2d").
fn moment(text: &str) -> Result<DateTime<Utc>, String> {
    agenda::parse_moment(text, Utc::now()).map_err(capitalized)
}

/// An engine message as the start of a sentence in the card.
fn capitalized(message: String) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => message,
    }
}

/// A list of texts as a model for a ComboBox.
pub(super) fn strings(list: impl IntoIterator<Item = String>) -> ModelRc<SharedString> {
    ModelRc::new(VecModel::from(
        list.into_iter().map(SharedString::from).collect::<Vec<_>>(),
    ))
}

impl Controller {
    /// Fills the card's Events block (or hides it); clears what the Plan and Done rows held.
    pub(super) fn show_events(&self, events: Option<EventsData>) {
        self.app(|a| {
            a.global::<Card>().set_event_error("".into());
            a.global::<Card>().set_event_completing(-1);
            a.global::<Card>().set_event_plan_at("".into());
            a.global::<Card>().set_event_plan_duration("".into());
            a.global::<Card>().set_event_plan_assignee("".into());
            a.global::<Card>().set_event_done_notes("".into());
            a.global::<Card>().set_event_done_follow_up("".into());
            a.global::<Card>().set_has_events(events.is_some());
            let Some(data) = events else {
                a.global::<Card>().set_events(ModelRc::default());
                return;
            };
            let lines: Vec<EventLine> = data
                .events
                .into_iter()
                .map(|e| EventLine {
                    id: e.id as i32,
                    text: e.text.into(),
                    overdue: e.overdue,
                    planned: e.planned,
                })
                .collect();
            a.global::<Card>().set_events(ModelRc::new(VecModel::from(lines)));
            a.global::<Card>().set_event_types(strings(data.types));
            a.global::<Card>().set_event_results(strings(data.results));
        });
    }

    /// The record whose card is shown.
    fn card_record(&self) -> Option<i64> {
        self.current.get().and_then(|r| self.rows.id_at(r))
    }

    /// After planning or completing: the card and the sidebar counts again.
    fn events_changed(self: &Rc<Self>, record: i64, result: Result<(), String>) {
        match result {
            Ok(()) => {
                self.load_card(Some(record));
                self.refresh_sections();
            }
            Err(e) => {
                self.app(|a| a.global::<Card>().set_event_error(e.into()));
            }
        }
    }

    /// The Plan row's Plan button: plans an event of the chosen type on the card's record.
    pub(super) fn event_plan(self: &Rc<Self>) {
        let Some(record) = self.card_record() else { return };
        let Some((kind, at, remind, duration, assignee)) = self.app(|a| {
            let kind = a
                .global::<Card>()
                .get_event_types()
                .row_data(a.global::<Card>().get_event_plan_type().max(0) as usize);
            let remind = REMIND_MINUTES
                .get(a.global::<Card>().get_event_plan_remind().max(0) as usize)
                .copied()
                .flatten();
            (
                kind,
                a.global::<Card>().get_event_plan_at().to_string(),
                remind,
                a.global::<Card>().get_event_plan_duration().trim().to_string(),
                a.global::<Card>().get_event_plan_assignee().trim().to_string(),
            )
        }) else {
            return;
        };
        let Some(kind) = kind else {
            self.app(|a| {
                a.global::<Card>()
                    .set_event_error("The events section has no types to choose from.".into())
            });
            return;
        };
        let at = match moment(&at) {
            Ok(at) => at,
            Err(e) => {
                self.app(|a| a.global::<Card>().set_event_error(e.into()));
                return;
            }
        };
        let duration = match duration.as_str() {
            "" => None,
            text => match agenda::parse_minutes(text) {
                Ok(m) => Some(m),
                Err(e) => {
                    self.app(|a| a.global::<Card>().set_event_error(format!("Duration: {e}").into()));
                    return;
                }
            },
        };
        let mut plan = EventPlan::new(&kind, at);
        plan.remind_minutes_before = remind;
        plan.duration_minutes = duration;
        plan.assignee = Some(assignee).filter(|a| !a.is_empty());
        self.worker.run(
            move |s: &mut Session| -> Result<(), String> {
                let v = s.vault.as_mut().ok_or("No vault is open.")?;
                v.plan_event(RecordId(record), &plan)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            },
            move |r| with_controller(|c| c.events_changed(record, r)),
        );
    }

    /// A planned event's Save: its result and notes, and the follow-up of the same type when a
    /// date is given.
    pub(super) fn event_done(self: &Rc<Self>, event: i64) {
        let Some(record) = self.card_record() else { return };
        let Some((result, notes, follow_up)) = self.app(|a| {
            let result = a
                .global::<Card>()
                .get_event_results()
                .row_data(a.global::<Card>().get_event_done_result().max(0) as usize);
            (
                result.map(|r| r.to_string()).unwrap_or_default(),
                a.global::<Card>().get_event_done_notes().to_string(),
                a.global::<Card>().get_event_done_follow_up().trim().to_string(),
            )
        }) else {
            return;
        };
        let follow_up = if follow_up.is_empty() {
            None
        } else {
            match moment(&follow_up) {
                Ok(at) => Some(at),
                Err(e) => {
                    self.app(|a| a.global::<Card>().set_event_error(format!("Follow-up: {e}").into()));
                    return;
                }
            }
        };
        self.worker.run(
            move |s: &mut Session| -> Result<(), String> {
                let v = s.vault.as_mut().ok_or("No vault is open.")?;
                let next = match follow_up {
                    Some(at) => {
                        let kind = v
                            .record(RecordId(event))
                            .map_err(|e| e.to_string())?
                            .get("type")
                            .map(Value::display)
                            .ok_or("The event has no type to plan the follow-up with.")?;
                        Some(EventPlan::new(&kind, at))
                    }
                    None => None,
                };
                let notes = Some(notes.as_str()).filter(|n| !n.trim().is_empty());
                v.complete_event(RecordId(event), &result, notes, next.as_ref())
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            },
            move |r| with_controller(|c| c.events_changed(record, r)),
        );
    }
}
