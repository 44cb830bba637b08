//! The card's Events block: a record's calls and meetings newest first, planning the next one,
//! and recording how a planned one went (with its follow-up in the same step).

use cardbase_engine::agenda;
use cardbase_engine::{Record, RecordId, Value, Vault};
use chrono::{DateTime, Utc};

/// The remind-before choices of the Plan row, in minutes (`App.event-reminds` names them).
pub(super) const REMIND_MINUTES: [Option<f64>; 4] = [None, Some(15.0), Some(60.0), Some(24.0 * 60.0)];

/// One event as the card lists it (plain data, made on the worker).
pub(super) struct EventData {
    pub id: i64,
    pub text: String,
    pub overdue: bool,
    pub planned: bool,
}

/// A record's Events block as the worker prepares it; `None` on the card of an event, or when
/// the vault has no usable events section.
pub(super) struct EventsData {
    pub events: Vec<EventData>,
    pub types: Vec<String>,
    pub results: Vec<String>,
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
        .map(|t| super::display::Locale::current().value(&Value::DateTime(t)))
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
    let mut events = v.events_of(record).ok()?;
    // By when they are (were) planned, latest first; undated ones last.
    let planned = |e: &Record| match e.get("planned") {
        Some(Value::DateTime(t)) => Some(*t),
        _ => None,
    };
    events.sort_by(|a, b| planned(b).cmp(&planned(a)).then(b.id.0.cmp(&a.id.0)));
    let now = Utc::now();
    Some(EventsData {
        events: events.iter().map(|e| event_data(e, now)).collect(),
        types: choices(v, "type"),
        results: choices(v, "result"),
    })
}

/// A local date and time as typed ("2026-12-01 10:00"), or a time from now ("2d").
pub(super) fn moment(text: &str) -> Result<DateTime<Utc>, String> {
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
