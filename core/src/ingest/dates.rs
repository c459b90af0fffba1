//! Reading dates from text, numbers and timestamps.
//!
//! Owns: [`DateFormat`] and [`DateReader`], which turn every date a table can hold into a [`Day`]
//! in the engine's time zone, or into a reason a person can act on. Nothing here knows which table
//! or row a date came from: callers attach that.

use crate::day::Day;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// How text dates are written.
///
/// `Auto` reads ISO dates (`2024-03-05`), ISO date-times with or without an offset
/// (`2024-03-05T14:00:00+02:00`, `2024-03-05 14:00`), compact `YYYYMMDD` (`20240305`) and Excel
/// serial numbers (`45356`, 1954..2119). It refuses `03/05/2024`-style dates, whose day and month
/// order cannot be told from one value: choose `DayFirst` or `MonthFirst` for those.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DateFormat {
    /// ISO forms, compact `YYYYMMDD` and Excel serials; refuses ambiguous slashed dates.
    #[default]
    Auto,
    /// `dd/mm/yyyy`, `dd-mm-yyyy` or `dd.mm.yyyy` (a time after a space is ignored); ISO still read.
    DayFirst,
    /// `mm/dd/yyyy` (US); ISO still read.
    MonthFirst,
    /// Excel serial day numbers only (1900 date system; fractions are times of day).
    Excel,
}

impl DateFormat {
    /// Reads the names used by the bindings: "auto", "day_first", "month_first", "excel".
    pub fn parse(name: &str) -> Option<DateFormat> {
        match name.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "auto" | "iso" => Some(DateFormat::Auto),
            "day_first" | "dmy" | "dd/mm/yyyy" => Some(DateFormat::DayFirst),
            "month_first" | "mdy" | "mm/dd/yyyy" => Some(DateFormat::MonthFirst),
            "excel" | "excel_serial" => Some(DateFormat::Excel),
            _ => None,
        }
    }
}

/// Turns dates into [`Day`]s in one time zone.
#[derive(Clone, Copy, Debug)]
pub struct DateReader {
    /// How text dates are written.
    pub format: DateFormat,
    /// The zone that aware timestamps are converted to before their date is taken.
    pub timezone: Tz,
}

/// Excel's day 0 in the 1900 date system (its day 60 is the fictitious 1900-02-29, so serials
/// from 61 on count from 1899-12-30).
const EXCEL_EPOCH: Day = Day(-25_569);
/// Serial numbers read as Excel dates in `Auto` mode: 1954-10-03 ..= 2119-01-08.
const EXCEL_AUTO_RANGE: std::ops::RangeInclusive<f64> = 20_000.0..=80_000.0;

impl DateReader {
    /// A reader for `format` in `timezone`.
    pub fn new(format: DateFormat, timezone: Tz) -> DateReader {
        DateReader { format, timezone }
    }

    /// The day of a text date, or why it is not one.
    pub fn text(&self, raw: &str) -> Result<Day, String> {
        let text = raw.trim();
        if text.is_empty() {
            return Err("missing date".into());
        }
        let day = match self.format {
            DateFormat::Excel => self.excel_text(text),
            _ => self
                .iso_or_compact(text)
                .or_else(|| self.numeric_or_slashed(text)),
        };
        let day = day.ok_or_else(|| self.explain(text))??;
        check_range(day, || text)
    }

    /// The day of an Excel serial number.
    pub fn excel_serial(&self, serial: f64) -> Result<Day, String> {
        if !serial.is_finite() || serial < 1.0 {
            return Err(format!("{serial} is not an Excel serial date (1 or more)"));
        }
        let whole = serial.floor() as i64;
        if whole > 2_958_465 {
            return Err(format!("{serial} is past Excel's last date (9999-12-31)"));
        }
        // Excel counts the non-existent 1900-02-29 as day 60.
        let day = if whole < 61 {
            Day(EXCEL_EPOCH.0 + whole as i32 + 1)
        } else {
            Day(EXCEL_EPOCH.0 + whole as i32)
        };
        check_range(day, || serial)
    }

    /// The day of a UTC instant given in microseconds since the epoch, in the configured zone.
    pub fn utc_micros(&self, micros: i64) -> Result<Day, String> {
        let instant = DateTime::from_timestamp_micros(micros)
            .ok_or_else(|| format!("timestamp {micros} µs is out of range"))?;
        let day = Day::from_date(instant.with_timezone(&self.timezone).date_naive());
        check_range(day, || instant.to_rfc3339())
    }

    /// The day of a wall-clock time without a zone: its own date (it is taken as local time).
    pub fn naive(&self, datetime: NaiveDateTime) -> Result<Day, String> {
        check_range(Day::from_date(datetime.date()), || datetime)
    }

    /// The day of a calendar date.
    pub fn date(&self, date: NaiveDate) -> Result<Day, String> {
        check_range(Day::from_date(date), || date)
    }

    /// An integer date: `YYYYMMDD`, or an Excel serial in `Auto`/`Excel` mode.
    pub fn integer(&self, value: i64) -> Result<Day, String> {
        if self.format != DateFormat::Excel && (19_000_101..=21_991_231).contains(&value) {
            return compact(value)
                .ok_or_else(|| format!("{value} is not a valid YYYYMMDD date"))
                .and_then(|d| check_range(d, || value));
        }
        if self.format == DateFormat::Excel || EXCEL_AUTO_RANGE.contains(&(value as f64)) {
            return self.excel_serial(value as f64);
        }
        Err(format!(
            "the number {value} is neither a YYYYMMDD date nor an Excel serial date \
             (20000..80000); pass date_format=\"excel\" for other serials"
        ))
    }

    fn excel_text(&self, text: &str) -> Option<Result<Day, String>> {
        text.parse::<f64>().ok().map(|s| self.excel_serial(s))
    }

    fn iso_or_compact(&self, text: &str) -> Option<Result<Day, String>> {
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Some(Ok(Day::from_date(date)));
        }
        if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
            let local = instant.with_timezone(&self.timezone);
            return Some(Ok(Day::from_date(local.date_naive())));
        }
        for pattern in ["%Y-%m-%d %H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M:%S%.f%#z"] {
            if let Ok(instant) = DateTime::parse_from_str(text, pattern) {
                return Some(Ok(Day::from_date(
                    instant.with_timezone(&self.timezone).date_naive(),
                )));
            }
        }
        for pattern in [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(text, pattern) {
                return Some(Ok(Day::from_date(naive.date())));
            }
        }
        if let Some(utc) = text.strip_suffix('Z').or_else(|| text.strip_suffix('z')) {
            if let Ok(naive) = NaiveDateTime::parse_from_str(utc, "%Y-%m-%dT%H:%M:%S%.f") {
                let local = self.timezone.from_utc_datetime(&naive);
                return Some(Ok(Day::from_date(local.date_naive())));
            }
        }
        None
    }

    fn numeric_or_slashed(&self, text: &str) -> Option<Result<Day, String>> {
        if text.bytes().all(|b| b.is_ascii_digit()) {
            return text.parse::<i64>().ok().map(|n| self.integer(n));
        }
        if let Ok(serial) = text.parse::<f64>() {
            return EXCEL_AUTO_RANGE
                .contains(&serial)
                .then(|| self.excel_serial(serial));
        }
        let date_part = text.split([' ', 'T']).next().unwrap_or(text);
        let parts: Vec<&str> = date_part.split(['/', '-', '.']).collect();
        if parts.len() != 3 || parts[0].len() > 2 || parts[1].len() > 2 || parts[2].len() != 4 {
            return None;
        }
        let numbers: Option<Vec<u32>> = parts.iter().map(|p| p.parse().ok()).collect();
        let [a, b, year] = numbers?[..] else {
            return None;
        };
        let (day, month) = match self.format {
            DateFormat::DayFirst => (a, b),
            DateFormat::MonthFirst => (b, a),
            _ => {
                return Some(Err(format!(
                    "{text:?} does not say whether the day or the month comes first: \
                     pass date_format=\"day_first\" or \"month_first\""
                )))
            }
        };
        Some(
            Day::from_ymd(year as i32, month, day)
                .ok_or_else(|| format!("{text:?} is not a valid date (day {day}, month {month})")),
        )
    }

    fn explain(&self, text: &str) -> String {
        format!(
            "{text:?} is not a date this reader understands (ISO 2024-03-05, 2024-03-05T10:00:00Z, \
             YYYYMMDD, Excel serial{})",
            match self.format {
                DateFormat::DayFirst => ", dd/mm/yyyy",
                DateFormat::MonthFirst => ", mm/dd/yyyy",
                _ => "",
            }
        )
    }
}

fn compact(value: i64) -> Option<Day> {
    let (year, rest) = (value / 10_000, value % 10_000);
    Day::from_ymd(year as i32, (rest / 100) as u32, (rest % 100) as u32)
}

/// The day if plausible; the message (built only then) names what was read.
fn check_range<S: std::fmt::Display>(day: Day, shown: impl FnOnce() -> S) -> Result<Day, String> {
    if day.is_plausible() {
        Ok(day)
    } else {
        Err(format!(
            "date {} is outside 1900-01-01..2199-12-31",
            shown()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(format: DateFormat) -> DateReader {
        DateReader::new(format, "Asia/Jerusalem".parse().unwrap())
    }

    fn day(text: &str) -> Day {
        let d = NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
        Day::from_date(d)
    }

    #[test]
    fn auto_reads_iso_compact_and_excel() {
        let r = reader(DateFormat::Auto);
        assert_eq!(r.text("2024-03-05"), Ok(day("2024-03-05")));
        assert_eq!(r.text(" 19970101 "), Ok(day("1997-01-01")));
        assert_eq!(r.text("45356"), Ok(day("2024-03-05")));
        assert_eq!(r.text("45356.75"), Ok(day("2024-03-05")));
        assert_eq!(r.text("2024-03-05 10:30"), Ok(day("2024-03-05")));
    }

    #[test]
    fn aware_timestamps_take_the_date_in_the_configured_zone() {
        let r = reader(DateFormat::Auto);
        // 23:30 UTC is already the next day in Jerusalem (UTC+2 in March).
        assert_eq!(r.text("2024-03-05T23:30:00Z"), Ok(day("2024-03-06")));
        assert_eq!(r.text("2024-03-05T23:30:00+00:00"), Ok(day("2024-03-06")));
        assert_eq!(r.text("2024-03-05T23:30:00+02:00"), Ok(day("2024-03-05")));
        let micros = 1_709_681_400_000_000; // 2024-03-05T23:30:00Z
        assert_eq!(r.utc_micros(micros), Ok(day("2024-03-06")));
    }

    #[test]
    fn slashed_dates_need_an_explicit_order() {
        let err = reader(DateFormat::Auto).text("03/05/2024").unwrap_err();
        assert!(err.contains("day_first"), "{err}");
        assert_eq!(
            reader(DateFormat::DayFirst).text("03/05/2024"),
            Ok(day("2024-05-03"))
        );
        assert_eq!(
            reader(DateFormat::MonthFirst).text("3/5/2024"),
            Ok(day("2024-03-05"))
        );
        assert_eq!(
            reader(DateFormat::DayFirst).text("21-07-2015"),
            Ok(day("2015-07-21"))
        );
        assert!(reader(DateFormat::DayFirst)
            .text("31/02/2024")
            .unwrap_err()
            .contains("not a valid"));
    }

    #[test]
    fn excel_serials_follow_the_1900_system() {
        let r = reader(DateFormat::Excel);
        assert_eq!(r.excel_serial(1.0), Ok(day("1900-01-01")));
        assert_eq!(r.excel_serial(59.0), Ok(day("1900-02-28")));
        assert_eq!(r.excel_serial(61.0), Ok(day("1900-03-01")));
        assert_eq!(r.text("36526"), Ok(day("2000-01-01")));
        assert!(r.excel_serial(f64::NAN).is_err());
    }

    #[test]
    fn garbage_and_absurd_dates_say_why() {
        let r = reader(DateFormat::Auto);
        assert!(r.text("").unwrap_err().contains("missing"));
        assert!(r.text("next tuesday").unwrap_err().contains("not a date"));
        assert!(r.text("1850-01-01").unwrap_err().contains("outside"));
        assert!(r.integer(12).unwrap_err().contains("neither"));
    }
}
