//! Reminders: what is due, computed from the records: birthdays (with or without a year, 29
//! February too), date fields marked "remind N days before" (a contract's end), planned events
//! with their remind-before offset, and open tasks by their due time. Each reminder has a
//! stable id, so snoozing and dismissing it are remembered in the vault; a reminder that came
//! due while the app was closed is still there at the next check until it is dismissed.
//!
//! Nothing is "missed" before its record existed: a contact imported today whose birthday was
//! last week, or an event logged after its date, reminds of nothing, and a reminder whose time
//! came before the record was made is due from the record's creation on (a birthday in three
//! days, imported today, is due now rather than "missed four days ago"). Tasks are the
//! exception: an open task past its due time is overdue whenever it was written down.
//!
//! ```
//! # use cardbase_engine::{Vault, Preset, Passphrase};
//! # let dir = tempfile::tempdir().unwrap();
//! # let mut vault = Vault::create(&dir.path().join("v"), &Passphrase::new("p"), Preset::Personal).unwrap();
//! vault.create_record_from_text("contacts", &[("first_name", "Ada"), ("birthday", "--12-10")]).unwrap();
//! let now = chrono::DateTime::parse_from_rfc3339("2026-12-05T12:00:00Z").unwrap().to_utc();
//! let due = vault.reminders_in(now, 7, None, &chrono::Utc).unwrap();
//! assert_eq!(due[0].title, "Birthday: Ada");
//! ```

use crate::error::{Error, Result};
use crate::ids::RecordId;
use crate::plugin::{PluginError, ReminderPlugin};
use crate::query::Query;
use crate::records::Value;
use crate::schema::FieldType;
use crate::vault::Vault;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

/// Date-based reminders come at this time of the local day.
const REMIND_AT: NaiveTime = NaiveTime::from_hms_opt(9, 0, 0).expect("a valid time");
/// How long a missed one-time reminder (a date, an event) stays listed.
const MISSED_DAYS: i64 = 30;

/// What a reminder is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    Birthday,
    /// A date field marked "remind N days before" (e.g. a contract's end).
    Date,
    Event,
    Task,
    /// Asked for by a plugin's reminder rule.
    Plugin,
}

/// One reminder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reminder {
    /// Stable across checks: the rule, the record, the field and the occurrence.
    pub id: String,
    pub kind: ReminderKind,
    /// When to remind (after a snooze, the snooze's end).
    pub due: DateTime<Utc>,
    /// When the thing itself is (the birthday, the contract's end, the event, the task).
    pub at: DateTime<Utc>,
    pub title: String,
    pub record: RecordId,
    pub section: String,
    /// Who it is for; `None`: everyone.
    pub assignee: Option<String>,
}

fn local_morning<Tz: TimeZone>(tz: &Tz, date: NaiveDate) -> DateTime<Utc> {
    tz.from_local_datetime(&date.and_time(REMIND_AT))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&date.and_time(REMIND_AT)))
}

/// The birthday's date in `year`; 29 February falls on 28 February in other years.
fn in_year(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).or_else(|| {
        (month == 2 && day == 29)
            .then(|| NaiveDate::from_ymd_opt(year, 2, 28))
            .flatten()
    })
}

impl Vault {
    /// Reminders due from now up to `days` ahead (and missed ones not yet dismissed), for a
    /// profile (`None`: all), with dates in the local time zone.
    pub fn reminders(&self, now: DateTime<Utc>, days: i64, profile: Option<&str>) -> Result<Vec<Reminder>> {
        self.reminders_in(now, days, profile, &chrono::Local)
    }

    /// Like [`Vault::reminders`], in the given time zone (tests use a fixed one).
    pub fn reminders_in<Tz: TimeZone>(
        &self,
        now: DateTime<Utc>,
        days: i64,
        profile: Option<&str>,
        tz: &Tz,
    ) -> Result<Vec<Reminder>> {
        Ok(self.reminders_with(now, days, profile, tz, &[])?.0)
    }

    /// Like [`Vault::reminders_in`], with the reminders of plugin rules too. A rule that fails
    /// (or returns something invalid) adds nothing; its error is returned beside the
    /// reminders, so one bad plugin cannot hide the birthdays.
    pub fn reminders_with<Tz: TimeZone>(
        &self,
        now: DateTime<Utc>,
        days: i64,
        profile: Option<&str>,
        tz: &Tz,
        rules: &[&dyn ReminderPlugin],
    ) -> Result<(Vec<Reminder>, Vec<PluginError>)> {
        let horizon = now + Duration::days(days.max(0));
        let today = now.with_timezone(tz).date_naive();
        let mut out = Vec::new();
        for section in self.schema.live_sections() {
            let date_fields: Vec<_> = section
                .live_fields()
                .filter(|f| {
                    matches!(f.kind, FieldType::Date | FieldType::DateNoYear) && f.options.remind_days_before.is_some()
                })
                .cloned()
                .collect();
            let is_events = section.key == "events" && section.field("planned").is_some();
            let is_tasks = section.key == "tasks" && section.field("due").is_some();
            if date_fields.is_empty() && !is_events && !is_tasks {
                continue;
            }
            for record in self.list(&Query::section(&section.key))?.records {
                // A clock set back (or a `now` in the past) must not hide everything: a record
                // counts as made no later than `now`.
                let created = record.created.min(now);
                let created_day = created.with_timezone(tz).date_naive();
                let title = self.title(&record);
                let assignee = match record.get("assignee") {
                    Some(Value::Text(a)) if !a.trim().is_empty() => Some(a.trim().to_string()),
                    _ => None,
                };
                let mut push = |id: String, kind, due: DateTime<Utc>, at, title: String| {
                    out.push(Reminder {
                        id,
                        due: if kind == ReminderKind::Task {
                            due
                        } else {
                            due.max(created)
                        },
                        kind,
                        at,
                        title,
                        record: record.id,
                        section: section.key.clone(),
                        assignee: assignee.clone(),
                    });
                };
                for f in &date_fields {
                    let before = Duration::days(f.options.remind_days_before.unwrap_or(0) as i64);
                    match (f.kind, record.get(&f.key)) {
                        (FieldType::DateNoYear, Some(Value::PartialDate { month, day, .. })) => {
                            // The next occurrence, or one up to a week ago that was missed (while
                            // the record existed).
                            let Some(next) = [today.year() - 1, today.year(), today.year() + 1]
                                .into_iter()
                                .filter_map(|y| in_year(y, *month, *day))
                                .find(|d| *d >= today - Duration::days(7) && *d >= created_day)
                            else {
                                continue;
                            };
                            let label = if f.key == "birthday" {
                                "Birthday".to_string()
                            } else {
                                f.label.clone()
                            };
                            push(
                                format!("birthday:{}:{}:{next}", record.id, f.key),
                                ReminderKind::Birthday,
                                local_morning(tz, next - before),
                                local_morning(tz, next),
                                format!("{label}: {title}"),
                            );
                        }
                        (FieldType::Date, Some(Value::Date(d)))
                            if *d >= today - Duration::days(MISSED_DAYS) && *d >= created_day =>
                        {
                            push(
                                format!("date:{}:{}:{d}", record.id, f.key),
                                ReminderKind::Date,
                                local_morning(tz, *d - before),
                                local_morning(tz, *d),
                                format!("{}: {title} ({d})", f.label),
                            )
                        }
                        _ => {}
                    }
                }
                let open = !matches!(record.get("status"), Some(Value::Text(s)) if crate::agenda::is_closed(s));
                if is_events
                    && open
                    && let Some(Value::DateTime(at)) = record.get("planned")
                    && *at >= now - Duration::days(MISSED_DAYS)
                    && *at >= created
                {
                    let minutes = match record.get("remind_minutes_before") {
                        Some(Value::Number(m)) => *m as i64,
                        _ => 0,
                    };
                    push(
                        format!("event:{}:{}", record.id, at.timestamp()),
                        ReminderKind::Event,
                        *at - Duration::minutes(minutes),
                        *at,
                        title.clone(),
                    );
                }
                if is_tasks
                    && open
                    && let Some(Value::DateTime(at)) = record.get("due")
                {
                    push(
                        format!("task:{}:{}", record.id, at.timestamp()),
                        ReminderKind::Task,
                        *at,
                        *at,
                        format!("Task: {title}"),
                    );
                }
            }
        }
        let offset = tz.offset_from_utc_datetime(&now.naive_utc()).fix().local_minus_utc();
        let mut failed = Vec::new();
        for rule in rules {
            match self.plugin_rule_reminders(*rule, now, offset, horizon) {
                Ok(found) => out.extend(found),
                Err(Error::Plugin(e)) => failed.push(e),
                Err(e) => return Err(e),
            }
        }
        // Snoozes move a reminder; dismissals remove it for good.
        let mut stmt = self
            .conn
            .prepare_cached("SELECT snoozed_until, dismissed FROM reminder_state WHERE id = ?1")?;
        let mut kept = Vec::new();
        for mut r in out {
            let state: Option<(Option<i64>, bool)> = stmt
                .query_row([&r.id], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()?;
            match state {
                Some((_, true)) => continue,
                Some((Some(until), false)) => {
                    if let Some(t) = Utc.timestamp_opt(until, 0).single() {
                        r.due = r.due.max(t);
                    }
                }
                _ => {}
            }
            let for_profile = match (profile, &r.assignee) {
                (Some(p), Some(a)) => a.eq_ignore_ascii_case(p),
                _ => true,
            };
            if r.due <= horizon && for_profile {
                kept.push(r);
            }
        }
        kept.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.id.cmp(&b.id)));
        Ok((kept, failed))
    }

    /// Moves a reminder to `until`.
    pub fn snooze_reminder(&mut self, id: &str, until: DateTime<Utc>) -> Result<()> {
        check_id(id)?;
        self.conn.execute(
            "INSERT INTO reminder_state(id, snoozed_until, dismissed) VALUES (?1, ?2, 0)
             ON CONFLICT(id) DO UPDATE SET snoozed_until = ?2",
            params![id, until.timestamp()],
        )?;
        Ok(())
    }

    /// Removes a reminder for good (a birthday's reminder comes back next year: that is
    /// another occurrence, with another id).
    pub fn dismiss_reminder(&mut self, id: &str) -> Result<()> {
        self.dismiss_reminders(&[id])
    }

    /// Removes several reminders in one write ("Dismiss all" on a first start with hundreds
    /// of birthdays): all of them, or none if one id is not a reminder's.
    pub fn dismiss_reminders(&mut self, ids: &[&str]) -> Result<()> {
        ids.iter().try_for_each(|id| check_id(id))?;
        let tx = self.conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO reminder_state(id, dismissed) VALUES (?1, 1) ON CONFLICT(id) DO UPDATE SET dismissed = 1",
            )?;
            for id in ids {
                insert.execute([id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

fn check_id(id: &str) -> Result<()> {
    let known = ["birthday:", "date:", "event:", "task:", "plugin:"]
        .iter()
        .any(|p| id.starts_with(p));
    if known && id.len() < 200 {
        Ok(())
    } else {
        Err(Error::Query(format!(
            "{id:?} is not a reminder id (see `cardbase reminders`)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Passphrase, Preset};
    use chrono::FixedOffset;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn vault(preset: Preset) -> (tempfile::TempDir, Vault) {
        let dir = tempfile::tempdir().unwrap();
        let v = Vault::create(&dir.path().join("v"), &Passphrase::new("p"), preset).unwrap();
        (dir, v)
    }

    fn ids(v: &Vault, now: &str, days: i64) -> Vec<String> {
        let tz = FixedOffset::east_opt(3 * 3600).unwrap();
        v.reminders_in(at(now), days, None, &tz)
            .unwrap()
            .into_iter()
            .map(|r| r.title)
            .collect()
    }

    #[test]
    fn birthdays_with_and_without_a_year_and_on_29_february() {
        let (_d, mut v) = vault(Preset::Personal);
        v.create_record_from_text("contacts", &[("first_name", "Ada"), ("birthday", "1815-12-10")])
            .unwrap();
        v.create_record_from_text("contacts", &[("first_name", "Bo"), ("birthday", "--12-12")])
            .unwrap();
        v.create_record_from_text("contacts", &[("first_name", "Leap"), ("birthday", "--02-29")])
            .unwrap();
        v.create_record_from_text("contacts", &[("first_name", "Far"), ("birthday", "--06-01")])
            .unwrap();
        // The preset reminds 7 days before, at 09:00 local time (UTC+3 here).
        assert_eq!(
            ids(&v, "2026-12-03T05:59:00Z", 0),
            Vec::<String>::new(),
            "not before 09:00 local"
        );
        assert_eq!(ids(&v, "2026-12-03T06:00:00Z", 0), ["Birthday: Ada"]);
        assert_eq!(ids(&v, "2026-12-05T06:00:00Z", 0), ["Birthday: Ada", "Birthday: Bo"]);
        // 2027 is not a leap year: 29 February is celebrated on the 28th.
        assert_eq!(ids(&v, "2027-02-21T06:00:00Z", 0), ["Birthday: Leap"]);
        assert!(ids(&v, "2027-02-20T12:00:00Z", 0).is_empty());
    }

    #[test]
    fn an_event_reminds_its_offset_before_and_a_done_one_not_at_all() {
        let (_d, mut v) = vault(Preset::Personal);
        v.create_record_from_text(
            "events",
            &[
                ("title", "Ada"),
                ("planned", "2026-12-01T10:00:00Z"),
                ("remind_minutes_before", "15"),
            ],
        )
        .unwrap();
        v.create_record_from_text(
            "events",
            &[
                ("title", "Old"),
                ("planned", "2026-12-01T10:00:00Z"),
                ("status", "Done"),
            ],
        )
        .unwrap();
        assert!(ids(&v, "2026-12-01T09:44:59Z", 0).is_empty());
        assert_eq!(ids(&v, "2026-12-01T09:45:00Z", 0), ["Call Ada"]);
    }

    #[test]
    fn a_contract_end_30_days_ahead_with_a_30_day_rule_and_an_overdue_task() {
        let (_d, mut v) = vault(Preset::ClientBase);
        v.create_record_from_text("organizations", &[("name", "Acme"), ("contract_end", "2027-01-05")])
            .unwrap();
        v.create_record_from_text("tasks", &[("title", "Send invoice"), ("due", "2026-12-01T08:00:00Z")])
            .unwrap();
        v.create_record_from_text(
            "tasks",
            &[
                ("title", "Done one"),
                ("due", "2026-12-01T08:00:00Z"),
                ("status", "Done"),
            ],
        )
        .unwrap();
        assert_eq!(
            ids(&v, "2026-12-06T06:00:00Z", 0),
            ["Task: Send invoice", "Contract end: Acme (2027-01-05)"]
        );
    }

    #[test]
    fn snooze_moves_dismiss_removes_and_missed_ones_wait() {
        let (_d, mut v) = vault(Preset::Personal);
        v.create_record_from_text("contacts", &[("first_name", "Ada"), ("birthday", "--12-10")])
            .unwrap();
        let tz = FixedOffset::east_opt(0).unwrap();
        // Due on 3 December; the app was closed until the 8th: still there.
        let missed = v.reminders_in(at("2026-12-08T12:00:00Z"), 0, None, &tz).unwrap();
        assert_eq!(missed.len(), 1);
        let id = missed[0].id.clone();
        v.snooze_reminder(&id, at("2026-12-09T08:00:00Z")).unwrap();
        assert!(
            v.reminders_in(at("2026-12-08T12:00:00Z"), 0, None, &tz)
                .unwrap()
                .is_empty()
        );
        let back = v.reminders_in(at("2026-12-09T08:00:00Z"), 0, None, &tz).unwrap();
        assert_eq!(
            (back[0].id.as_str(), back[0].due),
            (id.as_str(), at("2026-12-09T08:00:00Z"))
        );
        v.dismiss_reminder(&id).unwrap();
        assert!(
            v.reminders_in(at("2026-12-20T08:00:00Z"), 0, None, &tz)
                .unwrap()
                .is_empty()
        );
        // Next year's birthday is a new reminder.
        assert_eq!(
            v.reminders_in(at("2027-12-03T09:00:00Z"), 0, None, &tz).unwrap().len(),
            1
        );
        assert!(v.dismiss_reminder("drop table").is_err());
    }

    /// Sets when every record of the vault was made, as if it had been made then.
    fn made_at(v: &Vault, when: DateTime<Utc>) {
        for section in v.schema.live_sections() {
            v.conn
                .execute(
                    &format!("UPDATE {} SET created = ?1", section.table()),
                    [when.timestamp_millis()],
                )
                .unwrap();
        }
    }

    #[test]
    fn nothing_is_missed_before_its_record_existed() {
        let (_d, mut v) = vault(Preset::ClientBase);
        v.create_record_from_text("contacts", &[("first_name", "Past"), ("birthday", "--06-05")])
            .unwrap();
        v.create_record_from_text("contacts", &[("first_name", "Soon"), ("birthday", "--06-13")])
            .unwrap();
        v.create_record_from_text("organizations", &[("name", "Ended"), ("contract_end", "2030-06-01")])
            .unwrap();
        v.create_record_from_text("events", &[("title", "Logged"), ("planned", "2030-06-09T10:00:00Z")])
            .unwrap();
        v.create_record_from_text("tasks", &[("title", "Late"), ("due", "2030-06-01T08:00:00Z")])
            .unwrap();
        let tz = FixedOffset::east_opt(0).unwrap();
        let made = at("2030-06-10T08:00:00Z");
        made_at(&v, made);
        let due = v.reminders_in(at("2030-06-10T12:00:00Z"), 0, None, &tz).unwrap();
        let seen: Vec<(&str, DateTime<Utc>)> = due.iter().map(|r| (r.title.as_str(), r.due)).collect();
        // The birthday five days ago, the contract that ended and the event logged after its
        // date are not missed; the birthday in three days is due from the import on, not
        // "four days ago"; the open task is overdue as it was before.
        assert_eq!(
            seen,
            [("Task: Late", at("2030-06-01T08:00:00Z")), ("Birthday: Soon", made),]
        );
        // A year on, the first birthday is an ordinary reminder, missed while the app was closed.
        let next_year = ids_at(&v, "2031-06-07T12:00:00Z", &tz);
        assert!(next_year.contains(&"Birthday: Past".to_string()), "{next_year:?}");
    }

    fn ids_at(v: &Vault, now: &str, tz: &FixedOffset) -> Vec<String> {
        v.reminders_in(at(now), 0, None, tz)
            .unwrap()
            .into_iter()
            .map(|r| r.title)
            .collect()
    }

    #[test]
    fn reminders_for_an_assignee_are_shown_to_that_profile_only() {
        let (_d, mut v) = vault(Preset::Personal);
        v.create_record_from_text(
            "tasks",
            &[("title", "Mine"), ("due", "2026-12-01T08:00:00Z"), ("assignee", "Anna")],
        )
        .unwrap();
        v.create_record_from_text("tasks", &[("title", "Everyone's"), ("due", "2026-12-01T08:00:00Z")])
            .unwrap();
        let tz = FixedOffset::east_opt(0).unwrap();
        let titles = |p| -> Vec<String> {
            v.reminders_in(at("2026-12-02T00:00:00Z"), 0, p, &tz)
                .unwrap()
                .into_iter()
                .map(|r| r.title)
                .collect()
        };
        assert_eq!(titles(Some("anna")), ["Task: Mine", "Task: Everyone's"]);
        assert_eq!(titles(Some("Boris")), ["Task: Everyone's"]);
        assert_eq!(titles(None).len(), 2);
    }
}
