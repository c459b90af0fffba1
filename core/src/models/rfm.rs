//! Per-customer frequency, recency, age and spend from transactions.
//!
//! Owns: [`rfm_summary`], the exact counterpart of lifetimes' (0.11.3)
//! `summary_data_from_transaction_data` for `freq="D"` and `freq="W"`:
//!
//! - dates become periods (days, or weeks Monday–Sunday as pandas' `W` = `W-SUN`); transactions
//!   in periods after the observation end's period are dropped;
//! - purchases in the same period count once (their values are summed);
//! - `frequency` = number of periods with a purchase − 1 (repeat purchase periods);
//! - `recency` = last period − first period; `T` = observation end's period − first period;
//! - `monetary_value` = mean over the repeat periods of the period's summed value (the first
//!   period excluded), 0 when frequency is 0.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// The period a summary counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Freq {
    /// Calendar days (pandas `D`).
    Day,
    /// Weeks from Monday to Sunday (pandas `W`, i.e. `W-SUN`).
    Week,
}

impl Freq {
    /// The period of a day number (days since 1970-01-01, a Thursday).
    pub fn period(self, day: i32) -> i64 {
        match self {
            Freq::Day => i64::from(day),
            // Day −3 (1969-12-29) is a Monday: shift so that weeks start on Mondays.
            Freq::Week => (i64::from(day) + 3).div_euclid(7),
        }
    }
}

/// One row per customer, sorted by customer key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RfmTable<K> {
    /// The customer keys, ascending.
    pub customer: Vec<K>,
    /// Repeat purchase periods.
    pub frequency: Vec<f64>,
    /// Periods from the first to the last purchase.
    pub recency: Vec<f64>,
    /// Periods from the first purchase to the observation end.
    pub t: Vec<f64>,
    /// Mean value of the repeat periods (0 without repeat purchases); `None` without values.
    pub monetary_value: Option<Vec<f64>>,
}

impl<K> RfmTable<K> {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.customer.len()
    }

    /// Whether there are no customers.
    pub fn is_empty(&self) -> bool {
        self.customer.is_empty()
    }

    /// The columns the transaction models fit on.
    pub fn rfm_data(&self) -> crate::models::btyd::RfmData<'_> {
        crate::models::btyd::RfmData::new(&self.frequency, &self.recency, &self.t)
    }
}

fn check_inputs<K>(customers: &[K], days: &[i32], values: Option<&[f64]>) -> Result<()> {
    if days.len() != customers.len() {
        return Err(Error::InvalidArgument(format!(
            "days has {} rows but customers has {}",
            days.len(),
            customers.len()
        )));
    }
    if let Some(v) = values {
        if v.len() != customers.len() {
            return Err(Error::InvalidArgument(format!(
                "values has {} rows but customers has {}",
                v.len(),
                customers.len()
            )));
        }
        if let Some(i) = v.iter().position(|x| !x.is_finite()) {
            return Err(Error::InvalidArgument(format!(
                "row {i}: value {} is not finite",
                v[i]
            )));
        }
    }
    Ok(())
}

/// Accumulates one customer's periods in order.
struct CustomerRun {
    first: i64,
    last: i64,
    periods: u32,
    /// Sum of the values of the repeat periods (all but the first).
    repeat_value: f64,
}

/// Summarises transactions per customer, as lifetimes' `summary_data_from_transaction_data`.
///
/// `customers[i]` bought on day `days[i]` (days since 1970-01-01) for `values[i]` (optional;
/// any finite amount, returns included). Transactions after `observation_end`'s period are
/// ignored, and so are customers whose first purchase comes after it. O(n log n).
///
/// # Errors
///
/// [`Error::InvalidArgument`] for columns of different lengths or a value that is not finite
/// (naming the row).
///
/// ```
/// use salespulse::models::rfm::{rfm_summary, Freq};
///
/// let customers = ["a", "a", "a", "b"];
/// let days = [0, 0, 10, 5];
/// let values = [10.0, 5.0, 20.0, 7.0];
/// let table = rfm_summary(&customers, &days, Some(&values), 30, Freq::Day).unwrap();
/// assert_eq!(table.customer, vec!["a", "b"]);
/// assert_eq!(table.frequency, vec![1.0, 0.0]);
/// assert_eq!(table.recency, vec![10.0, 0.0]);
/// assert_eq!(table.t, vec![30.0, 25.0]);
/// assert_eq!(table.monetary_value, Some(vec![20.0, 0.0]));
/// ```
pub fn rfm_summary<K: Ord + Clone>(
    customers: &[K],
    days: &[i32],
    values: Option<&[f64]>,
    observation_end: i32,
    freq: Freq,
) -> Result<RfmTable<K>> {
    check_inputs(customers, days, values)?;
    let end = freq.period(observation_end);
    let mut order: Vec<usize> = (0..customers.len())
        .filter(|&i| freq.period(days[i]) <= end)
        .collect();
    order.sort_unstable_by(|&i, &j| customers[i].cmp(&customers[j]).then(days[i].cmp(&days[j])));
    let mut table = RfmTable {
        customer: Vec::new(),
        frequency: Vec::new(),
        recency: Vec::new(),
        t: Vec::new(),
        monetary_value: values.map(|_| Vec::new()),
    };
    let mut start = 0;
    while start < order.len() {
        let key = &customers[order[start]];
        let stop = start
            + order[start..]
                .iter()
                .take_while(|&&i| customers[i] == *key)
                .count();
        let run = summarise(&order[start..stop], days, values, freq);
        push_row(&mut table, key.clone(), &run, end);
        start = stop;
    }
    Ok(table)
}

/// One customer's transactions (indices sorted by day) as a run of periods.
fn summarise(rows: &[usize], days: &[i32], values: Option<&[f64]>, freq: Freq) -> CustomerRun {
    let first = freq.period(days[rows[0]]);
    let mut run = CustomerRun {
        first,
        last: first,
        periods: 1,
        repeat_value: 0.0,
    };
    for &i in rows {
        let period = freq.period(days[i]);
        if period != run.last {
            run.periods += 1;
            run.last = period;
        }
        if period != first {
            run.repeat_value += values.map_or(0.0, |v| v[i]);
        }
    }
    run
}

fn push_row<K>(table: &mut RfmTable<K>, key: K, run: &CustomerRun, end: i64) {
    let frequency = f64::from(run.periods - 1);
    table.customer.push(key);
    table.frequency.push(frequency);
    table.recency.push((run.last - run.first) as f64);
    table.t.push((end - run.first) as f64);
    if let Some(m) = table.monetary_value.as_mut() {
        m.push(if frequency > 0.0 {
            run.repeat_value / frequency
        } else {
            0.0
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        // 1970-01-01 is a Thursday; 1970-01-04 a Sunday; 1970-01-05 a Monday.
        assert_eq!(Freq::Week.period(0), Freq::Week.period(3));
        assert_eq!(Freq::Week.period(4), Freq::Week.period(0) + 1);
        assert_eq!(Freq::Week.period(-4), Freq::Week.period(0) - 1);
        assert_eq!(Freq::Week.period(-3), Freq::Week.period(0));
    }

    #[test]
    fn weekly_summary_merges_purchases_in_one_week() {
        let customers = [7u32, 7, 7, 7, 9];
        // Mon 5, Sun 11 (same week), Mon 12, Tue 20; customer 9 on Wed 14.
        let days = [4, 10, 11, 19, 13];
        let values = [1.0, 2.0, 4.0, 8.0, 3.0];
        let t = rfm_summary(&customers, &days, Some(&values), 27, Freq::Week).unwrap();
        assert_eq!(t.customer, vec![7, 9]);
        assert_eq!(t.frequency, vec![2.0, 0.0]);
        assert_eq!(t.recency, vec![2.0, 0.0]);
        assert_eq!(t.t, vec![3.0, 2.0]);
        assert_eq!(t.monetary_value, Some(vec![6.0, 0.0]));
    }

    #[test]
    fn ignores_transactions_after_the_end_and_unsorted_input_is_fine() {
        let customers = ["b", "a", "b", "c"];
        let days = [3, 1, 100, 50];
        let t = rfm_summary(&customers, &days, None, 10, Freq::Day).unwrap();
        assert_eq!(t.customer, vec!["a", "b"]);
        assert_eq!(t.frequency, vec![0.0, 0.0]);
        assert_eq!(t.t, vec![9.0, 7.0]);
        assert!(t.monetary_value.is_none());
    }

    #[test]
    fn rejects_bad_inputs() {
        assert!(rfm_summary(&[1u32], &[1, 2], None, 5, Freq::Day).is_err());
        let err =
            rfm_summary(&[1u32, 2], &[1, 2], Some(&[1.0, f64::NAN]), 5, Freq::Day).unwrap_err();
        assert!(err.to_string().contains("row 1: value NaN"));
    }
}
