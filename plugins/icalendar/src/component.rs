//! One record as one calendar component: a timed VEVENT, a VTODO, or an all-day VEVENT that
//! may repeat every year. Field keys are those of the Cardbase presets (`title`, `notes`,
//! `duration_minutes`...); a section without one of them simply leaves that property out.

use crate::plan::{Plan, Shape};
use crate::time::{self, Day};
use crate::write::Lines;
use cardbase_plugin_sdk::{Record, SectionInfo, Value};

/// What a record's component depends on besides the record.
pub struct Context<'a> {
    pub section: &'a SectionInfo,
    pub plan: &'a Plan,
    /// The `now` setting, seconds since 1970 UTC: the DTSTAMP of every component.
    pub now: Option<i64>,
    /// The `remind_days_before` setting, for all-day entries.
    pub remind_days_before: Option<u32>,
}

const DEFAULT_DURATION_MINUTES: i64 = 30;
const BIRTHDAY_REMINDER_DAYS: u32 = 1;
/// The year a date without one is placed in: a leap year, so 29 February exists.
const UNKNOWN_YEAR: i32 = 2000;

/// Appends the component of `record` to `lines`, or says why the record has none.
pub fn write(lines: &mut Lines, cx: &Context, record: &Record) -> Result<(), String> {
    if record.id.is_empty() {
        return Err("it has no id to make a stable UID from".into());
    }
    match cx.plan.shape {
        Shape::Event => event(lines, cx, record),
        Shape::Todo => todo(lines, cx, record),
        Shape::Yearly => all_day(lines, cx, record, true),
        Shape::AllDay => all_day(lines, cx, record, false),
    }
}

fn event(lines: &mut Lines, cx: &Context, record: &Record) -> Result<(), String> {
    let start = moment(cx, record)?;
    let dtstart = time::utc(start).ok_or_else(|| out_of_range(cx))?;
    let minutes = number(record, "duration_minutes")
        .filter(|m| *m >= 0.0)
        .map_or(DEFAULT_DURATION_MINUTES, |m| m.round() as i64);
    // A duration too long to write leaves DTEND out: the event then ends as it starts.
    let dtend = minutes
        .checked_mul(60)
        .and_then(|s| start.checked_add(s))
        .and_then(time::utc);
    let summary = summary(cx, record);

    lines.begin("VEVENT");
    identify(lines, cx, record, &dtstart);
    lines.raw("DTSTART", &dtstart);
    if let Some(dtend) = dtend {
        lines.raw("DTEND", &dtend);
    }
    lines.text("SUMMARY", &summary);
    lines.text(
        "DESCRIPTION",
        &description(cx, record, &["result", "assignee", "record"]),
    );
    let status = event_status(record);
    if let Some(status) = status {
        lines.raw("STATUS", status);
    }
    // Nothing to be reminded of once an entry is cancelled or done.
    if let Some(minutes) = remind_minutes(record).filter(|_| status != Some("CANCELLED")) {
        alarm(lines, "TRIGGER", &time::before(minutes), &summary);
    }
    lines.end("VEVENT");
    Ok(())
}

fn todo(lines: &mut Lines, cx: &Context, record: &Record) -> Result<(), String> {
    let due = time::utc(moment(cx, record)?).ok_or_else(|| out_of_range(cx))?;
    let summary = summary(cx, record);

    lines.begin("VTODO");
    identify(lines, cx, record, &due);
    lines.raw("DUE", &due);
    lines.text("SUMMARY", &summary);
    lines.text("DESCRIPTION", &description(cx, record, &["assignee", "record"]));
    let status = todo_status(record);
    if let Some(status) = status {
        lines.raw("STATUS", status);
    }
    if let Some(priority) = priority(record) {
        lines.raw("PRIORITY", &priority.to_string());
    }
    let open = !matches!(status, Some("COMPLETED" | "CANCELLED"));
    if let Some(minutes) = remind_minutes(record).filter(|_| open) {
        // A to-do has no DTSTART, so its alarm must be tied to DUE (RFC 5545 §3.8.6.3).
        alarm(lines, "TRIGGER;RELATED=END", &time::before(minutes), &summary);
    }
    lines.end("VTODO");
    Ok(())
}

/// A date as an all-day event; `yearly` repeats it every year, as birthdays do.
fn all_day(lines: &mut Lines, cx: &Context, record: &Record, yearly: bool) -> Result<(), String> {
    let label = &cx.plan.label;
    let (year, month, day) = match record.get(&cx.plan.field) {
        Some(Value::Date(d)) => (Some(d.year), d.month, d.day),
        Some(Value::PartialDate(d)) => (d.year, d.month, d.day),
        Some(_) => return Err(format!("its \"{label}\" is not a date")),
        None => return Err(format!("it has no \"{label}\"")),
    };
    let year = match year {
        Some(year) => year,
        None if yearly => UNKNOWN_YEAR,
        None => return Err(format!("its \"{label}\" has no year")),
    };
    let start = Day::new(year, month, day)
        .ok_or_else(|| format!("its \"{label}\" ({year:04}-{month:02}-{day:02}) is not a date a calendar can hold"))?;
    let summary = match display_name(cx.section, record) {
        Some(name) => format!("{label}: {name}"),
        None => label.clone(),
    };

    lines.begin("VEVENT");
    identify(lines, cx, record, &start.ical_midnight_utc());
    lines.raw("DTSTART;VALUE=DATE", &start.ical());
    // The day after: all-day events end exclusively. Only 9999-12-31 has none to write, and
    // a DATE start alone also means one day.
    if let Some(end) = start.next() {
        lines.raw("DTEND;VALUE=DATE", &end.ical());
    }
    if yearly {
        // A yearly rule from 29 February would skip the three years without one (RFC 5545
        // drops invalid dates), so such a date repeats on the last day of February instead:
        // the 29th in leap years, the 28th otherwise. Google, Apple and Thunderbird calendars
        // all expand BYMONTHDAY=-1; DTSTART stays a real 29 February (in a leap year, the birth
        // year if known, else 2000), which the rule also matches, as RFC 5545 asks.
        let leap_day = month == 2 && day == 29;
        lines.raw(
            "RRULE",
            if leap_day {
                "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"
            } else {
                "FREQ=YEARLY"
            },
        );
    }
    lines.text("SUMMARY", &summary);
    // A day to remember, not a busy day.
    lines.raw("TRANSP", "TRANSPARENT");
    let remind_days = cx.remind_days_before.or(yearly.then_some(BIRTHDAY_REMINDER_DAYS));
    if let Some(days) = remind_days {
        alarm(lines, "TRIGGER", &time::before(u64::from(days) * 1440), &summary);
    }
    lines.end("VEVENT");
    Ok(())
}

/// UID, stable across exports so a calendar updates its copy, and the required DTSTAMP: the
/// `now` setting, else the record's own date (`fallback_stamp`), as a plugin has no clock.
fn identify(lines: &mut Lines, cx: &Context, record: &Record, fallback_stamp: &str) {
    lines.text("UID", &format!("{}@cardbase", record.id));
    let stamp = cx.now.and_then(time::utc);
    lines.raw("DTSTAMP", stamp.as_deref().unwrap_or(fallback_stamp));
}

fn alarm(lines: &mut Lines, trigger: &str, offset: &str, summary: &str) {
    lines.begin("VALARM");
    lines.raw("ACTION", "DISPLAY");
    // DISPLAY alarms require a DESCRIPTION; an empty one would write no line.
    lines.text(
        "DESCRIPTION",
        if summary.trim().is_empty() { "Reminder" } else { summary },
    );
    lines.raw(trigger, offset);
    lines.end("VALARM");
}

/// The date-time of the plan's field.
fn moment(cx: &Context, record: &Record) -> Result<i64, String> {
    match record.get(&cx.plan.field) {
        Some(Value::DateTime(seconds)) => Ok(*seconds),
        Some(_) => Err(format!("its \"{}\" is not a date and time", cx.plan.label)),
        None => Err(format!("it has no \"{}\"", cx.plan.label)),
    }
}

fn out_of_range(cx: &Context) -> String {
    format!(
        "its \"{}\" is outside the years 0001–9999 a calendar can hold",
        cx.plan.label
    )
}

/// The title; else "type: related record"; else a name; else the section's label.
fn summary(cx: &Context, record: &Record) -> String {
    if let Some(title) = text(record, "title") {
        return title.to_string();
    }
    match (text(record, "type"), text(record, "record")) {
        (Some(kind), Some(related)) => format!("{kind}: {related}"),
        (Some(one), None) | (None, Some(one)) => one.to_string(),
        (None, None) => display_name(cx.section, record).unwrap_or_else(|| cx.section.label.clone()),
    }
}

/// The facts among `fact_keys` as "Label: value" lines, then a blank line and the notes.
fn description(cx: &Context, record: &Record, fact_keys: &[&str]) -> String {
    let facts = fact_keys
        .iter()
        .filter_map(|key| Some(format!("{}: {}", label_of(cx.section, key), text(record, key)?)));
    let mut parts: Vec<String> = facts.collect();
    if let Some(notes) = text(record, "notes") {
        if !parts.is_empty() {
            parts.push(String::new());
        }
        parts.push(notes.to_string());
    }
    parts.join("\n")
}

/// How the record is known: its title or name, a person's first and last name, else its first
/// filled text field.
fn display_name(section: &SectionInfo, record: &Record) -> Option<String> {
    if let Some(name) = ["title", "name", "full_name"].iter().find_map(|key| text(record, key)) {
        return Some(name.to_string());
    }
    let person: Vec<&str> = ["first_name", "last_name"]
        .iter()
        .filter_map(|key| text(record, key))
        .collect();
    if !person.is_empty() {
        return Some(person.join(" "));
    }
    section
        .fields
        .iter()
        .filter(|f| f.kind == "text")
        .find_map(|f| text(record, &f.key))
        .map(str::to_string)
}

fn label_of<'a>(section: &'a SectionInfo, key: &'a str) -> &'a str {
    section
        .fields
        .iter()
        .find(|f| f.key == key)
        .map_or(key, |f| f.label.as_str())
}

/// The trimmed text of a text, choice or relation field, if there is any.
fn text<'a>(record: &'a Record, key: &str) -> Option<&'a str> {
    record.text(key).map(str::trim).filter(|t| !t.is_empty())
}

/// A choice's value in lower case with `_` and `-` as spaces, to match "In progress",
/// "in_progress" and "in-progress" alike.
fn choice(record: &Record, key: &str) -> Option<String> {
    text(record, key).map(|t| t.to_lowercase().replace(['_', '-'], " "))
}

/// A finite number, from a number field or a text one holding a number.
fn number(record: &Record, key: &str) -> Option<f64> {
    let n = match record.get(key)? {
        Value::Number(n) => *n,
        Value::Text(t) => t.trim().parse().ok()?,
        _ => return None,
    };
    n.is_finite().then_some(n)
}

fn remind_minutes(record: &Record) -> Option<u64> {
    // `as` saturates: an absurd number becomes a long but valid duration.
    number(record, "remind_minutes_before")
        .filter(|m| *m >= 0.0)
        .map(|m| m.round() as u64)
}

fn event_status(record: &Record) -> Option<&'static str> {
    match choice(record, "status")?.as_str() {
        // A done event happened as planned.
        "planned" | "confirmed" | "done" => Some("CONFIRMED"),
        "tentative" => Some("TENTATIVE"),
        "cancelled" | "canceled" => Some("CANCELLED"),
        _ => None,
    }
}

fn todo_status(record: &Record) -> Option<&'static str> {
    match choice(record, "status")?.as_str() {
        "open" | "planned" | "to do" | "todo" => Some("NEEDS-ACTION"),
        "in progress" => Some("IN-PROCESS"),
        "done" | "completed" => Some("COMPLETED"),
        "cancelled" | "canceled" => Some("CANCELLED"),
        _ => None,
    }
}

/// RFC 5545 priorities: 1 highest, 5 normal, 9 lowest.
fn priority(record: &Record) -> Option<u8> {
    if let Some(n) = number(record, "priority") {
        return (0.0..=9.0).contains(&n).then_some(n.round() as u8);
    }
    match choice(record, "priority")?.as_str() {
        "high" | "urgent" => Some(1),
        "normal" | "medium" => Some(5),
        "low" => Some(9),
        _ => None,
    }
}
