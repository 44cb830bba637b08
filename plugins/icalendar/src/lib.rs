//! The iCalendar exporter: writes a section's records as an RFC 5545 `.ics` file that calendar
//! apps (Google, Apple, Outlook, Thunderbird) import.
//!
//! What a record becomes depends on the section's fields, not its key, so renamed and custom
//! sections export too:
//!
//! | the section has                                   | each record becomes                        |
//! | ------------------------------------------------- | ------------------------------------------ |
//! | a `datetime` field `planned` (or any `datetime`)  | a VEVENT from it, `duration_minutes` long  |
//! | a `datetime` field `due` (or `deadline`)          | a VTODO due then, with PRIORITY and STATUS |
//! | a `date_no_year` field such as `birthday`         | an all-day VEVENT repeating every year     |
//! | a `date` field such as `contract_end`             | an all-day VEVENT                          |
//!
//! Records without that date are left out, with a warning in the log naming them.
//!
//! # Settings
//!
//! - `now`: seconds since 1970 UTC, set by the host; the DTSTAMP of every entry. Without it
//!   an entry is stamped with its own date, as a plugin has no clock.
//! - `remind_days_before`: an alarm that many days before each all-day entry. Birthdays get
//!   one a day before without it.
//! - `field`: the key of the date field to use, when the section has several.
//!
//! # Example
//!
//! ```
//! use cardbase_plugin_sdk::{config, Exporter, FieldInfo, Record, SectionInfo, Value};
//! use cardbase_plugin_icalendar::CalendarExport;
//!
//! config::set_for_tests("now", "1741944600");
//! let section = SectionInfo {
//!     key: "events".into(),
//!     label: "Events".into(),
//!     fields: vec![FieldInfo::new("title", "Subject", "text"), FieldInfo::new("planned", "Planned", "datetime")],
//! };
//! let mut record = Record::new("events")
//!     .with("title", Value::Text("Call Acme".into()))
//!     .with("planned", Value::DateTime(1_741_944_600));
//! record.id = "e1".into();
//!
//! let mut export = CalendarExport::start(section);
//! let mut ics = export.write(vec![record]).unwrap();
//! ics.extend(export.finish().unwrap());
//! let ics = String::from_utf8(ics).unwrap();
//! assert!(ics.contains("BEGIN:VEVENT\r\nUID:e1@cardbase\r\nDTSTAMP:20250314T093000Z\r\n"));
//! assert!(ics.contains("DTSTART:20250314T093000Z\r\nDTEND:20250314T100000Z\r\nSUMMARY:Call Acme\r\n"));
//! assert!(ics.ends_with("END:VCALENDAR\r\n"));
//! ```

mod component;
mod plan;
mod time;
mod write;

use cardbase_plugin_sdk::{Exporter, Record, SectionInfo, config, log};
use component::Context;
use plan::Plan;
use write::Lines;

/// One `.ics` file being written for the records of one section.
pub struct CalendarExport {
    section: SectionInfo,
    /// Why the section cannot be exported, if it cannot: reported on the first call.
    plan: Result<Plan, String>,
    now: Option<i64>,
    remind_days_before: Option<u32>,
    header_written: bool,
}

impl CalendarExport {
    fn header(&mut self, lines: &mut Lines) {
        if self.header_written {
            return;
        }
        self.header_written = true;
        lines.begin("VCALENDAR");
        lines.raw("VERSION", "2.0");
        lines.raw("PRODID", "-//Cardbase//Cardbase 1.0//EN");
        lines.raw("CALSCALE", "GREGORIAN");
        // The name Google, Apple and Outlook give a calendar made from the file.
        lines.text("X-WR-CALNAME", &self.section.label);
    }
}

/// A setting parsed as `T`; a blank one counts as unset, a wrong one is logged and ignored.
fn setting<T: std::str::FromStr>(key: &str, expected: &str) -> Option<T> {
    let value = config::get(key)?;
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let parsed = value.parse().ok();
    if parsed.is_none() {
        log::warn(format!("the setting \"{key}\" is \"{value}\", not {expected}; ignored"));
    }
    parsed
}

impl Exporter for CalendarExport {
    fn start(section: SectionInfo) -> Self {
        let field = config::get("field").filter(|f| !f.trim().is_empty());
        CalendarExport {
            plan: Plan::for_section(&section, field.as_deref().map(str::trim)),
            now: setting("now", "a number of seconds"),
            remind_days_before: setting("remind_days_before", "a whole number of days"),
            section,
            header_written: false,
        }
    }

    fn write(&mut self, batch: Vec<Record>) -> Result<Vec<u8>, String> {
        let plan = self.plan.clone()?;
        let mut lines = Lines::default();
        self.header(&mut lines);
        let cx = Context {
            section: &self.section,
            plan: &plan,
            now: self.now,
            remind_days_before: self.remind_days_before,
        };
        for record in &batch {
            if let Err(reason) = component::write(&mut lines, &cx, record) {
                let id = if record.id.is_empty() { "(no id)" } else { &record.id };
                log::warn(format!("record {id} is not exported: {reason}"));
            }
        }
        Ok(lines.into_bytes())
    }

    fn finish(&mut self) -> Result<Vec<u8>, String> {
        self.plan.as_ref().map_err(Clone::clone)?;
        let mut lines = Lines::default();
        self.header(&mut lines);
        lines.end("VCALENDAR");
        Ok(lines.into_bytes())
    }
}

cardbase_plugin_sdk::export_plugin!(exporter: CalendarExport);
