//! Calendar days as plain numbers.
//!
//! Owns: [`Day`], the one representation of a date inside the engine (days since 1970-01-01 in
//! the engine's configured time zone). Parsing of text and timestamps into days lives in
//! [`crate::ingest::dates`]; this module must stay free of parsing and of time zones.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar day: the number of days since 1970-01-01 (which is day 0).
///
/// Every date that enters the engine becomes a `Day` in the configured time zone, so date
/// arithmetic is integer arithmetic and a history of purchases is a sorted list of integers.
///
/// ```
/// use salespulse::Day;
/// let d = Day::from_ymd(2024, 3, 1).unwrap();
/// assert_eq!(d.to_string(), "2024-03-01");
/// assert_eq!((d + 30).to_string(), "2024-03-31");
/// assert_eq!(Day::from_ymd(2024, 3, 31).unwrap() - d, 30);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
pub struct Day(pub i32);

/// The earliest day the engine accepts (1900-01-01); anything before is a data error.
pub const MIN_DAY: Day = Day(-25_567);
/// The latest day the engine accepts (2199-12-31); anything after is a data error.
pub const MAX_DAY: Day = Day(84_005);

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("1970-01-01 is a valid date")
}

impl Day {
    /// The day of a calendar date, or `None` for an impossible date such as February 30.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Day> {
        NaiveDate::from_ymd_opt(year, month, day).map(Day::from_date)
    }

    /// The day of a `chrono::NaiveDate`.
    pub fn from_date(date: NaiveDate) -> Day {
        Day((date - epoch()).num_days() as i32)
    }

    /// The calendar date of this day.
    ///
    /// # Panics
    ///
    /// Beyond chrono's calendar (about 262,000 years from now either way), which no day of
    /// ingested data reaches (see [`Day::is_plausible`]); [`Day::checked_date`] never panics.
    pub fn to_date(self) -> NaiveDate {
        self.checked_date()
            .expect("day numbers of ingested data lie within chrono's calendar")
    }

    /// The calendar date of this day, `None` beyond chrono's calendar.
    pub fn checked_date(self) -> Option<NaiveDate> {
        if self.0 >= 0 {
            epoch().checked_add_days(Days::new(self.0 as u64))
        } else {
            epoch().checked_sub_days(Days::new(self.0.unsigned_abs() as u64))
        }
    }

    /// Whether the day lies in the range the engine accepts ([`MIN_DAY`]..=[`MAX_DAY`]).
    pub fn is_plausible(self) -> bool {
        (MIN_DAY..=MAX_DAY).contains(&self)
    }

    /// The day of the week.
    pub fn weekday(self) -> Weekday {
        self.to_date().weekday()
    }

    /// The first day of the week that contains this day, for weeks starting on `week_start`.
    pub fn week_start(self, week_start: Weekday) -> Day {
        let back = (7 + self.weekday().num_days_from_monday() as i32
            - week_start.num_days_from_monday() as i32)
            % 7;
        Day(self.0 - back)
    }

    /// The year of this day.
    pub fn year(self) -> i32 {
        self.to_date().year()
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Error messages print the days callers pass, plausible or not: never panic here.
        match self.checked_date() {
            Some(date) => write!(f, "{}", date.format("%Y-%m-%d")),
            None => write!(f, "day number {}", self.0),
        }
    }
}

impl fmt::Debug for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Day({self})")
    }
}

impl std::ops::Add<i32> for Day {
    type Output = Day;
    fn add(self, days: i32) -> Day {
        Day(self.0 + days)
    }
}

impl std::ops::Sub<i32> for Day {
    type Output = Day;
    fn sub(self, days: i32) -> Day {
        Day(self.0 - days)
    }
}

impl std::ops::Sub<Day> for Day {
    type Output = i32;
    fn sub(self, other: Day) -> i32 {
        self.0 - other.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_beyond_the_calendar_display_as_numbers() {
        assert_eq!(Day(i32::MAX).checked_date(), None);
        assert_eq!(
            Day(i32::MAX).to_string(),
            format!("day number {}", i32::MAX)
        );
        assert_eq!(
            Day(i32::MIN).to_string(),
            format!("day number {}", i32::MIN)
        );
        assert_eq!(Day(0).to_string(), "1970-01-01");
    }

    #[test]
    fn an_as_of_beyond_the_calendar_is_an_error_not_a_panic() {
        let mut engine = crate::Engine::new(crate::Config::default()).unwrap();
        let line = crate::OrderLine::new("O1", "C1", "P1", Day(20_000).to_date(), 1.0, 5.0);
        assert!(engine.ingest_order_rows(&[line]).is_clean());
        for day in [Day(i32::MAX), Day(i32::MIN)] {
            let err = engine.signals(Some(day)).unwrap_err().to_string();
            assert!(err.contains("day number"), "{err}");
        }
    }

    #[test]
    fn round_trips_dates_on_both_sides_of_the_epoch() {
        for (y, m, d) in [
            (1900, 1, 1),
            (1969, 12, 31),
            (1970, 1, 1),
            (2024, 2, 29),
            (2199, 12, 31),
        ] {
            let day = Day::from_ymd(y, m, d).unwrap();
            assert_eq!(day.to_date(), NaiveDate::from_ymd_opt(y, m, d).unwrap());
        }
        assert_eq!(Day::from_ymd(1900, 1, 1), Some(MIN_DAY));
        assert_eq!(Day::from_ymd(2199, 12, 31), Some(MAX_DAY));
        assert_eq!(Day::from_ymd(2023, 2, 29), None);
    }

    #[test]
    fn week_start_goes_back_to_the_configured_weekday() {
        let thu = Day::from_ymd(2026, 11, 26).unwrap();
        assert_eq!(thu.week_start(Weekday::Mon).to_string(), "2026-11-23");
        assert_eq!(thu.week_start(Weekday::Sun).to_string(), "2026-11-22");
        assert_eq!(thu.week_start(Weekday::Thu), thu);
    }
}
