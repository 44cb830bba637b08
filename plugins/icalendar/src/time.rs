//! Civil-calendar arithmetic in UTC on the proleptic Gregorian calendar: enough to write
//! iCalendar dates, UTC date-times and alarm offsets without a clock or a time-zone database.

/// A calendar day that iCalendar can write: its year is 0001–9999 (four digits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Day {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

const SECONDS_PER_DAY: i64 = 86_400;
/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the moments iCalendar can write.
const FIRST_SECOND: i64 = -62_135_596_800;
const LAST_SECOND: i64 = 253_402_300_799;

impl Day {
    /// The day, if it exists (no 30 February) and its year has four digits.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Day> {
        let exists = (1..=9999).contains(&year) && (1..=12).contains(&month) && day >= 1;
        (exists && day <= days_in_month(year, month)).then_some(Day { year, month, day })
    }

    /// The day after, if it can still be written.
    pub fn next(self) -> Option<Day> {
        if self.day < days_in_month(self.year, self.month) {
            Some(Day {
                day: self.day + 1,
                ..self
            })
        } else if self.month < 12 {
            Some(Day {
                month: self.month + 1,
                day: 1,
                ..self
            })
        } else {
            Day::new(self.year + 1, 1, 1)
        }
    }

    /// The iCalendar DATE form, `YYYYMMDD`.
    pub fn ical(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    /// Midnight UTC at the start of the day, in the iCalendar UTC DATE-TIME form.
    pub fn ical_midnight_utc(self) -> String {
        format!("{}T000000Z", self.ical())
    }

    /// The day `days` days after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    fn from_days_since_epoch(days: i64) -> Option<Day> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Day::new(
            i32::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
    }
}

/// Whether `year` has a 29 February.
pub fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A moment in seconds since 1970-01-01 UTC in the iCalendar UTC DATE-TIME form
/// (`20250314T093000Z`), if its year has four digits.
pub fn utc(seconds: i64) -> Option<String> {
    if !(FIRST_SECOND..=LAST_SECOND).contains(&seconds) {
        return None;
    }
    let day = Day::from_days_since_epoch(seconds.div_euclid(SECONDS_PER_DAY))?;
    let second_of_day = seconds.rem_euclid(SECONDS_PER_DAY);
    let (hour, minute, second) = (second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60);
    Some(format!("{}T{hour:02}{minute:02}{second:02}Z", day.ical()))
}

/// An alarm trigger `minutes` before its event, as an iCalendar DURATION: `-PT15M`, `-P1D`.
pub fn before(minutes: u64) -> String {
    match minutes {
        0 => "PT0S".to_string(),
        m if m % 1440 == 0 => format!("-P{}D", m / 1440),
        m => format!("-PT{m}M"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_are_written_in_utc() {
        assert_eq!(utc(0).as_deref(), Some("19700101T000000Z"));
        assert_eq!(utc(1_741_944_600).as_deref(), Some("20250314T093000Z"));
        assert_eq!(utc(951_782_400).as_deref(), Some("20000229T000000Z"));
        assert_eq!(utc(-1).as_deref(), Some("19691231T235959Z"));
    }

    #[test]
    fn moments_outside_four_digit_years_are_refused() {
        assert_eq!(utc(FIRST_SECOND).as_deref(), Some("00010101T000000Z"));
        assert_eq!(utc(LAST_SECOND).as_deref(), Some("99991231T235959Z"));
        assert_eq!(utc(FIRST_SECOND - 1), None);
        assert_eq!(utc(LAST_SECOND + 1), None);
        assert_eq!(utc(i64::MIN), None);
        assert_eq!(utc(i64::MAX), None);
    }

    #[test]
    fn days_that_do_not_exist_are_refused() {
        assert!(Day::new(2024, 2, 29).is_some());
        assert_eq!(Day::new(2023, 2, 29), None);
        assert_eq!(Day::new(1900, 2, 29), None);
        assert!(Day::new(2000, 2, 29).is_some());
        assert_eq!(Day::new(2025, 4, 31), None);
        assert_eq!(Day::new(2025, 13, 1), None);
        assert_eq!(Day::new(2025, 1, 0), None);
        assert_eq!(Day::new(0, 1, 1), None);
        assert_eq!(Day::new(10_000, 1, 1), None);
    }

    #[test]
    fn the_next_day_crosses_months_and_years() {
        let next = |y, m, d| Day::new(y, m, d).and_then(Day::next).map(Day::ical);
        assert_eq!(next(2024, 2, 28).as_deref(), Some("20240229"));
        assert_eq!(next(2023, 2, 28).as_deref(), Some("20230301"));
        assert_eq!(next(2025, 12, 31).as_deref(), Some("20260101"));
        assert_eq!(next(9999, 12, 31), None);
    }

    #[test]
    fn triggers_use_days_when_whole() {
        assert_eq!(before(0), "PT0S");
        assert_eq!(before(15), "-PT15M");
        assert_eq!(before(90), "-PT90M");
        assert_eq!(before(1440), "-P1D");
        assert_eq!(before(30 * 1440), "-P30D");
    }
}
