//! What really happened after each replayed day: the yardstick of the backtest.
//!
//! Owns: the revenue ledger read from the state, each customer's and pair's *expected* and
//! *actual* next-quarter revenue, the loss tests behind precision, and the static monthly
//! report's flags behind lead time. It reads the full history (that is its job: it judges the
//! replay from the future) and must never be read by the replay itself.
//!
//! # Definitions
//!
//! For a customer (or a customer x product pair) at day `d`, with `first` its first line day:
//!
//! - **tenure** = `clamp(d - first + 1, MIN_TENURE_DAYS, RUN_RATE_DAYS)` days;
//! - **expected** `E` = [`QUARTER_DAYS`] x (net revenue in `(d - tenure, d]`) / tenure: its own
//!   trailing run rate (a year at most, so old habits fade; 90 days at least, so one recent order
//!   is not extrapolated to a huge rate);
//! - **actual** `A` = net revenue in `(d, d + QUARTER_DAYS]`;
//! - **lost revenue** = `max(0, E - A)`;
//! - a customer **lost revenue** (the test of customer-level signals) when `E > 0` and
//!   `A < LOSS_FRACTION x E`; an item **lapsed** (the test of item signals) when the pair has no
//!   purchase day in `(d, d + QUARTER_DAYS]`.
//!
//! Net revenue counts every line, credit notes included (negative).

use crate::day::Day;
use crate::evaluate::MONTHLY_REPORT_DROP;
use crate::ids::CustomerId;
use crate::state::{PairHistory, State};

/// The look-ahead: a quarter.
pub const QUARTER_DAYS: i32 = 90;
/// A customer whose next quarter brings less than this share of its run rate lost revenue.
pub const LOSS_FRACTION: f64 = 0.5;
/// The longest trailing span of the run rate.
pub const RUN_RATE_DAYS: i32 = 365;
/// The shortest span a run rate is divided by.
pub const MIN_TENURE_DAYS: i32 = 90;
/// How far after an alarm the monthly report's flag of the same customer is looked for.
pub const REPORT_LOOK_DAYS: i32 = 180;
/// A report flag this many days before the alarm still counts as the same event (the report
/// was earlier: negative lead).
pub const REPORT_BEFORE_DAYS: i32 = 31;

/// Running sums of net revenue by day.
#[derive(Clone, Debug, Default)]
pub struct Series {
    days: Vec<Day>,
    cum: Vec<f64>,
}

impl Series {
    /// From (day, net) lines in day order.
    pub fn from_lines(lines: impl Iterator<Item = (Day, f64)>) -> Series {
        let mut s = Series::default();
        let mut total = 0.0;
        for (day, net) in lines {
            total += net;
            if s.days.last() == Some(&day) {
                *s.cum.last_mut().expect("same length") = total;
            } else {
                s.days.push(day);
                s.cum.push(total);
            }
        }
        s
    }

    fn upto(&self, day: Day) -> f64 {
        let i = self.days.partition_point(|d| *d <= day);
        if i == 0 {
            0.0
        } else {
            self.cum[i - 1]
        }
    }

    /// Net revenue in `(from, to]`.
    pub fn between(&self, from: Day, to: Day) -> f64 {
        self.upto(to) - self.upto(from)
    }

    /// The first day with a line.
    pub fn first(&self) -> Option<Day> {
        self.days.first().copied()
    }

    /// `E` at `d` (see the module docs); `None` before the first line.
    pub fn expected(&self, d: Day) -> Option<f64> {
        let first = self.first().filter(|f| *f <= d)?;
        let tenure = (d - first + 1).clamp(MIN_TENURE_DAYS, RUN_RATE_DAYS);
        Some(f64::from(QUARTER_DAYS) * self.between(d - tenure, d) / f64::from(tenure))
    }

    /// `A` at `d`.
    pub fn actual(&self, d: Day) -> f64 {
        self.between(d, d + QUARTER_DAYS)
    }
}

/// A pair's series.
pub fn pair_series(pair: &PairHistory) -> Series {
    Series::from_lines(pair.lines().iter().map(|l| (l.day, f64::from(l.net))))
}

/// Whether a pair has a purchase day in `(d, d + QUARTER_DAYS]`.
pub fn pair_bought(pair: &PairHistory, d: Day) -> bool {
    pair.purchase_days_until(d + QUARTER_DAYS).any(|x| x > d)
}

/// Per customer (by id index): revenue series, purchase days, and the monthly report's flags.
pub struct Ledger {
    /// Revenue per customer.
    pub revenue: Vec<Series>,
    /// Sorted purchase days per customer (a day with any pair's net purchase).
    pub purchase_days: Vec<Vec<Day>>,
    /// Month-end days on which the monthly report flagged the customer.
    pub flags: Vec<Vec<Day>>,
}

impl Ledger {
    /// Reads every customer of `state`; the report runs on months that end by `data_end`.
    pub fn build(state: &State, data_end: Day) -> Ledger {
        let n = state.customers().len();
        let mut ledger = Ledger {
            revenue: Vec::with_capacity(n),
            purchase_days: Vec::with_capacity(n),
            flags: Vec::with_capacity(n),
        };
        for (_, c) in state.customers() {
            let mut lines: Vec<(Day, f64)> = c
                .pairs()
                .iter()
                .flat_map(|p| p.lines().iter().map(|l| (l.day, f64::from(l.net))))
                .collect();
            lines.sort_by_key(|l| l.0);
            let series = Series::from_lines(lines.into_iter());
            ledger.flags.push(monthly_flags(&series, data_end));
            ledger.revenue.push(series);
            ledger.purchase_days.push(c.purchase_days_until(data_end));
        }
        ledger
    }

    /// A customer's lost revenue at `d`: `(E, A)`, `None` before its first line.
    pub fn customer(&self, c: CustomerId, d: Day) -> Option<(f64, f64)> {
        let s = &self.revenue[c.index()];
        Some((s.expected(d)?, s.actual(d)))
    }

    /// Days from `d` to the monthly report's flag of `c` (the first in
    /// `[d - REPORT_BEFORE_DAYS, d + REPORT_LOOK_DAYS]`), `None` when it has none there.
    pub fn report_lead(&self, c: CustomerId, d: Day) -> Option<i32> {
        self.flags[c.index()]
            .iter()
            .find(|f| **f >= d - REPORT_BEFORE_DAYS && **f <= d + REPORT_LOOK_DAYS)
            .map(|f| *f - d)
    }
}

/// The static monthly report of [`crate::evaluate::monthly_report_baseline`]: at each month end,
/// a customer whose revenue of the month is at least [`MONTHLY_REPORT_DROP`] below the average of
/// the three months before is flagged.
fn monthly_flags(series: &Series, data_end: Day) -> Vec<Day> {
    use chrono::{Datelike, NaiveDate};
    let Some(first) = series.first() else {
        return Vec::new();
    };
    let month_start = |m: i32| {
        Day::from_date(NaiveDate::from_ymd_opt(m / 12, (m % 12) as u32 + 1, 1).expect("valid"))
    };
    let month_of = |d: Day| d.to_date().year() * 12 + d.to_date().month0() as i32;
    let revenue = |m: i32| series.between(month_start(m) - 1, month_start(m + 1) - 1);
    let mut flags = Vec::new();
    let mut m = month_of(first) + 1;
    while month_start(m + 1) - 1 <= data_end {
        let usual = (1..=3).map(|k| revenue(m - k)).sum::<f64>() / 3.0;
        if usual > 0.0 && revenue(m) < (1.0 - MONTHLY_REPORT_DROP) * usual {
            flags.push(month_start(m + 1) - 1);
        }
        m += 1;
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_rate_lost_revenue_and_report_flags() {
        let d0 = Day::from_ymd(2024, 1, 1).unwrap();
        // 100 every 30 days for a year, then nothing.
        let lines: Vec<(Day, f64)> = (0..13).map(|i| (d0 + 30 * i, 100.0)).collect();
        let s = Series::from_lines(lines.into_iter());
        let d = d0 + 360;
        // All 13 lines lie in the tenure (d0 - 1, d0 + 360].
        assert_eq!(s.between(d - 361, d), 1300.0);
        let e = s.expected(d).unwrap();
        assert!((e - 90.0 * 1300.0 / 361.0).abs() < 1e-9, "{e}");
        assert_eq!(s.actual(d), 0.0);
        assert_eq!(s.expected(d0 - 1), None);
        // One order 10 days ago is spread over the 90-day floor, not 10 days.
        let one = Series::from_lines([(d0, 50.0)].into_iter());
        assert_eq!(one.expected(d0 + 9), Some(50.0));
        // The report flags the month after the orders stop (January 2025), and also February
        // 2024, which a 30-day rhythm skips: the noise a calendar-month report lives with.
        let flags = monthly_flags(&s, d0 + 500);
        assert!(
            flags.contains(&Day::from_ymd(2025, 1, 31).unwrap()),
            "{flags:?}"
        );
        assert!(
            flags.contains(&Day::from_ymd(2024, 2, 29).unwrap()),
            "{flags:?}"
        );
        assert!(
            !flags.contains(&Day::from_ymd(2024, 6, 30).unwrap()),
            "{flags:?}"
        );
    }
}
