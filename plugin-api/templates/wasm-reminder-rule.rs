//! {{title}}: reminds at 9:00 (local time) on each contact's `call_on` date. Change
//! `reminders` to your rule; the host passes `now` (there is no clock in a plugin).

use cardbase_plugin_sdk::{Record, Reminder, ReminderRule, Value, export_plugin};

pub struct Plugin;

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn day_number(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

fn reminder(record: &Record, utc_offset: i32) -> Option<Reminder> {
    let Some(Value::Date(d)) = record.get("call_on") else { return None };
    let name = record.text("first_name").unwrap_or("a contact");
    Some(Reminder {
        record_id: record.id.clone(),
        key: d.iso(),
        due: day_number(d.year, d.month, d.day) * 86_400 + 9 * 3600 - i64::from(utc_offset),
        title: format!("Call {name}"),
    })
}

impl ReminderRule for Plugin {
    fn sections() -> Vec<String> {
        vec!["contacts".into()]
    }

    fn reminders(_now: i64, utc_offset: i32, batch: Vec<Record>) -> Result<Vec<Reminder>, String> {
        Ok(batch.iter().filter_map(|r| reminder(r, utc_offset)).collect())
    }
}

export_plugin!(reminder_rule: Plugin);

#[cfg(test)]
mod tests {
    use super::*;
    use cardbase_plugin_sdk::Date;

    #[test]
    fn reminds_at_nine_on_the_day() {
        let mut ann = Record::new("contacts").with("call_on", Value::Date(Date { year: 2026, month: 3, day: 14 }));
        ann.id = "7".into();
        let got = Plugin::reminders(0, 3600, vec![ann]).unwrap();
        assert_eq!(got[0].due, 1_773_446_400 + 8 * 3600);
        assert_eq!(got[0].key, "2026-03-14");
    }
}
