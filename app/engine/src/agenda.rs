//! What is due when, for sections whose records are dated: events by their planned time, tasks
//! by their due time. The quick filters (today, overdue, this week) and "is this record
//! overdue" live here so the desktop's chips, the command line and the table's red rows agree.
//!
//! ```
//! use cardbase_engine::agenda::{self, Period};
//! use cardbase_engine::{Passphrase, Preset, Query, Vault};
//! use chrono::{TimeZone, Utc};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let mut vault = Vault::create(&dir.path().join("v"), &Passphrase::new("pw"), Preset::Personal).unwrap();
//! vault.create_record_from_text("tasks", &[("title", "Send invoice"), ("due", "2026-12-01T08:00:00Z")]).unwrap();
//! let tasks = vault.schema().section("tasks").unwrap().clone();
//! let now = Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap();
//! let overdue = agenda::period_filter(&tasks, Period::Overdue, now, &Utc).unwrap();
//! let mut q = Query::section("tasks");
//! q.filters.push(overdue);
//! assert_eq!(vault.list(&q).unwrap().total, 1);
//! ```

use crate::query::{Condition, Filter, Op};
use crate::records::{Record, Value};
use crate::schema::{Field, FieldType, Section};
use chrono::{DateTime, Datelike, Days, NaiveDate, SecondsFormat, TimeZone, Utc};

/// Statuses that close a task or an event: it is no longer due, so never overdue.
pub const CLOSED_STATUSES: [&str; 2] = ["Done", "Cancelled"];

/// A quick filter over a dated section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// Dated today (local midnight to midnight).
    Today,
    /// Dated before now and still open (its status is not one of [`CLOSED_STATUSES`]).
    Overdue,
    /// Dated this week, Monday to Sunday.
    ThisWeek,
}

impl Period {
    /// All periods, in the order a user meets them.
    pub const ALL: [Period; 3] = [Period::Today, Period::Overdue, Period::ThisWeek];

    /// The period named `today`, `overdue` or `this-week` (as the command line takes it).
    pub fn parse(name: &str) -> Option<Period> {
        match name.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "today" => Some(Period::Today),
            "overdue" => Some(Period::Overdue),
            "this-week" | "week" => Some(Period::ThisWeek),
            _ => None,
        }
    }
}

/// The field that dates a section's records: `planned` (events), else `due` (tasks), else the
/// section's first date-and-time field. `None` if it has none.
pub fn date_field(section: &Section) -> Option<&Field> {
    let live = |key: &str| section.field(key).filter(|f| !f.deleted && is_dated(f));
    live("planned")
        .or_else(|| live("due"))
        .or_else(|| section.live_fields().find(|f| f.kind == FieldType::Datetime))
}

fn is_dated(f: &Field) -> bool {
    matches!(f.kind, FieldType::Datetime | FieldType::Date)
}

/// Whether a status closes the record (matched ignoring case).
pub fn is_closed(status: &str) -> bool {
    CLOSED_STATUSES.iter().any(|c| c.eq_ignore_ascii_case(status.trim()))
}

/// Whether `record` of `section` is past its date at `now` and still open.
pub fn is_overdue(section: &Section, record: &Record, now: DateTime<Utc>) -> bool {
    let Some(field) = date_field(section) else { return false };
    let past = match record.get(&field.key) {
        Some(Value::DateTime(t)) => *t < now,
        Some(Value::Date(d)) => *d < now.date_naive(),
        _ => false,
    };
    let open = match record.get("status") {
        Some(Value::Text(s)) => !is_closed(s),
        _ => true,
    };
    past && open
}

/// Minutes as people type them: `15m`, `2h`, `1.5h`, `1d`, `90` (minutes), `2 hours`.
///
/// ```
/// assert_eq!(cardbase_engine::agenda::parse_minutes("2h"), Ok(120.0));
/// assert!(cardbase_engine::agenda::parse_minutes("soon").is_err());
/// ```
pub fn parse_minutes(text: &str) -> Result<f64, String> {
    let t = text.trim().to_lowercase();
    let wrong = || format!("{:?} is not a length of time: give e.g. 15m, 2h or 1d", text.trim());
    let (number, unit) = match t.char_indices().find(|(_, c)| c.is_alphabetic()) {
        Some((i, _)) => (&t[..i], t[i..].trim()),
        None => (t.as_str(), "m"),
    };
    let n: f64 = number
        .trim()
        .replace(',', ".")
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n >= 0.0 && *n <= 10.0 * 366.0 * 24.0 * 60.0)
        .ok_or_else(wrong)?;
    Ok(match unit {
        "m" | "min" | "mins" | "minute" | "minutes" => n,
        "h" | "hour" | "hours" => n * 60.0,
        "d" | "day" | "days" => n * 24.0 * 60.0,
        "w" | "week" | "weeks" => n * 7.0 * 24.0 * 60.0,
        _ => return Err(wrong()),
    })
}

/// A moment as people type it: a local date and time (`2026-12-01 10:00`, `2026-12-01`), or a
/// time from `now` (`30m`, `2h`, `1d`).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// let now = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap();
/// let later = cardbase_engine::agenda::parse_moment("2h", now).unwrap();
/// assert_eq!(later, Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap());
/// ```
pub fn parse_moment(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    match Value::parse_as(FieldType::Datetime, &[], None, text) {
        Ok(Some(Value::DateTime(t))) => Ok(t),
        Ok(_) => Err("give a date and time, e.g. 2026-12-31 09:00, or a time from now, e.g. 2h".into()),
        Err(as_date) => match parse_minutes(text) {
            Ok(m) => Ok(now + chrono::Duration::seconds((m * 60.0).round() as i64)),
            Err(_) => Err(format!("{as_date}, or a time from now such as 30m, 2h or 1d")),
        },
    }
}

fn cond(field: &str, op: Op, values: &[String]) -> Filter {
    Filter::Cond(Condition {
        field: field.to_string(),
        op,
        values: values.to_vec(),
    })
}

/// Local midnight of `day` in `tz`, as an instant (the first valid time when midnight falls in
/// a DST gap).
fn midnight<Tz: TimeZone>(day: NaiveDate, tz: &Tz) -> DateTime<Utc> {
    let naive = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    (0..=2)
        .find_map(|h| tz.from_local_datetime(&(naive + chrono::Duration::hours(h))).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| naive.and_utc())
}

/// A bound as the filter language reads it: a date for date fields, an RFC 3339 instant for
/// date-and-time fields (so the filter means the same in any time zone).
fn bound(field: &Field, at: DateTime<Utc>, day: NaiveDate) -> String {
    if field.kind == FieldType::Date {
        day.format("%Y-%m-%d").to_string()
    } else {
        at.to_rfc3339_opts(SecondsFormat::Secs, true)
    }
}

/// The filter that picks the records of `section` in `period`, as seen at `now` by someone in
/// time zone `tz` ("today" is their today). `None` if the section has no date field.
pub fn period_filter<Tz: TimeZone>(section: &Section, period: Period, now: DateTime<Utc>, tz: &Tz) -> Option<Filter> {
    let field = date_field(section)?;
    let key = field.key.as_str();
    let today = now.with_timezone(tz).date_naive();
    let range = |from: NaiveDate, to: NaiveDate| {
        Filter::And(vec![
            cond(key, Op::Ge, &[bound(field, midnight(from, tz), from)]),
            cond(key, Op::Lt, &[bound(field, midnight(to, tz), to)]),
        ])
    };
    Some(match period {
        Period::Today => range(today, today + Days::new(1)),
        Period::ThisWeek => {
            let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
            range(monday, monday + Days::new(7))
        }
        Period::Overdue => {
            // A date field is overdue from the day after; a date and time from the minute after.
            let before = cond(key, Op::Lt, &[bound(field, now, today)]);
            match section.field("status").filter(|f| !f.deleted) {
                Some(_) => {
                    let closed: Vec<String> = CLOSED_STATUSES.iter().map(|s| s.to_string()).collect();
                    let open = Filter::Or(vec![
                        cond("status", Op::Empty, &[]),
                        Filter::Not(Box::new(cond("status", Op::In, &closed))),
                    ]);
                    Filter::And(vec![before, open])
                }
                None => before,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Passphrase, Preset, Query, RecordId, Vault};
    use chrono::FixedOffset;

    fn vault() -> (tempfile::TempDir, Vault) {
        let dir = tempfile::tempdir().unwrap();
        let v = Vault::create(&dir.path().join("v"), &Passphrase::new("pw"), Preset::Personal).unwrap();
        (dir, v)
    }

    fn titles(v: &Vault, section: &str, f: Filter) -> Vec<String> {
        let mut q = Query::section(section).sort("title", false);
        q.filters.push(f);
        v.list(&q)
            .unwrap()
            .records
            .iter()
            .map(|r| r.get("title").map(Value::display).unwrap_or_default())
            .collect()
    }

    #[test]
    fn tasks_today_overdue_and_this_week_seen_from_a_time_zone_east_of_utc() {
        let (_d, mut v) = vault();
        for (title, due, status) in [
            ("a late", "2026-12-02T06:00:00Z", "Open"),
            ("b late but done", "2026-12-02T06:00:00Z", "Done"),
            ("c later today", "2026-12-02T20:00:00Z", "Open"),
            // 23:30 UTC on the 2nd is already the 3rd in UTC+3.
            ("d tomorrow there", "2026-12-02T23:30:00Z", "Open"),
            ("e next week", "2026-12-08T10:00:00Z", "Open"),
            ("f last sunday", "2026-11-29T10:00:00Z", "In progress"),
        ] {
            v.create_record_from_text("tasks", &[("title", title), ("due", due), ("status", status)])
                .unwrap();
        }
        let tasks = v.schema().section("tasks").unwrap().clone();
        let now = "2026-12-02T09:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let msk = FixedOffset::east_opt(3 * 3600).unwrap();
        let f = |p| period_filter(&tasks, p, now, &msk).unwrap();
        assert_eq!(
            titles(&v, "tasks", f(Period::Today)),
            ["a late", "b late but done", "c later today"]
        );
        assert_eq!(titles(&v, "tasks", f(Period::Overdue)), ["a late", "f last sunday"]);
        // Wednesday 2 December: the week is Monday 30 November to Sunday 6 December.
        assert_eq!(
            titles(&v, "tasks", f(Period::ThisWeek)),
            ["a late", "b late but done", "c later today", "d tomorrow there"]
        );
    }

    #[test]
    fn overdue_events_are_the_planned_ones_in_the_past_and_a_record_knows_it() {
        let (_d, mut v) = vault();
        let ann = v.create_record_from_text("contacts", &[("first_name", "Ann")]).unwrap();
        let mk = |v: &mut Vault, title: &str, at: &str, status: &str| -> RecordId {
            v.create_record_from_text(
                "events",
                &[
                    ("title", title),
                    ("planned", at),
                    ("status", status),
                    ("record", &format!("#{}", ann.0)),
                ],
            )
            .unwrap()
        };
        let missed = mk(&mut v, "missed call", "2026-12-01T10:00:00Z", "Planned");
        let held = mk(&mut v, "held meeting", "2026-12-01T11:00:00Z", "Done");
        let coming = mk(&mut v, "coming visit", "2026-12-03T10:00:00Z", "Planned");
        let events = v.schema().section("events").unwrap().clone();
        let now = "2026-12-02T09:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let overdue = period_filter(&events, Period::Overdue, now, &Utc).unwrap();
        assert_eq!(titles(&v, "events", overdue), ["missed call"]);
        let flags: Vec<bool> = [missed, held, coming]
            .iter()
            .map(|id| is_overdue(&events, &v.record(*id).unwrap(), now))
            .collect();
        assert_eq!(flags, [true, false, false]);
    }

    #[test]
    fn a_section_without_a_date_has_no_quick_filters_and_nothing_overdue() {
        let (_d, mut v) = vault();
        let links = v.schema().section("links").unwrap().clone();
        assert!(date_field(&links).is_none());
        assert!(period_filter(&links, Period::Today, Utc::now(), &Utc).is_none());
        let id = v.create_record_from_text("links", &[("title", "x")]).unwrap();
        assert!(!is_overdue(&links, &v.record(id).unwrap(), Utc::now()));
    }

    #[test]
    fn lengths_and_moments_parse_as_people_type_them() {
        assert_eq!(parse_minutes("15m"), Ok(15.0));
        assert_eq!(parse_minutes(" 1,5 h "), Ok(90.0));
        assert_eq!(parse_minutes("2 days"), Ok(2880.0));
        assert_eq!(parse_minutes("90"), Ok(90.0));
        for bad in ["", "soon", "-5m", "3 fortnights", "1e309m", "NaN"] {
            let e = parse_minutes(bad).unwrap_err();
            assert!(e.contains("15m, 2h or 1d"), "{bad:?}: {e}");
        }
        let now = "2026-12-01T10:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(parse_moment("1d", now).unwrap(), now + chrono::Duration::days(1));
        assert_eq!(
            parse_moment("2026-12-05T09:00:00Z", now).unwrap(),
            "2026-12-05T09:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        let e = parse_moment("next tuesday-ish", now).unwrap_err();
        assert!(e.contains("2h"), "{e}");
    }

    #[test]
    fn period_names_parse_as_the_command_line_takes_them() {
        assert_eq!(Period::parse("Today"), Some(Period::Today));
        assert_eq!(Period::parse("this_week"), Some(Period::ThisWeek));
        assert_eq!(Period::parse("overdue"), Some(Period::Overdue));
        assert_eq!(Period::parse("yesterday"), None);
    }
}
