//! The RFM baseline list: what a team without salespulse would call from a standard RFM scoring.
//!
//! Owns: [`rfm_priority`], the score the baseline ranks customers by at a replayed day. It reads
//! only lines on or before that day (it is a list someone could have made then).
//!
//! # Definition
//!
//! At day `d`, for every customer with a line on or before `d`:
//!
//! - **recency** = days since its last purchase day; **frequency** = purchase days in
//!   `(d - 365, d]`; **monetary** = net revenue in `(d - 365, d]`;
//! - each becomes a quintile score 1..=5 among those customers (`1 + floor(5 x share of customers
//!   strictly worse)`, so ties share a score): `R` is 5 for the most recent, `F` and `M` 5 for
//!   the most frequent and the biggest;
//! - **priority** = `(F + M) x (6 - R)`: the classic "valuable but slipping" (can't-lose-them)
//!   reading of RFM, highest first; ties by monetary, then customer id.
//!
//! The list for a rep is the rep's customers in that order, as long as the rep's brief.

use super::truth::Ledger;
use crate::day::Day;
use crate::ids::CustomerId;

/// One customer's RFM reading at a day.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rfm {
    /// The customer.
    pub customer: CustomerId,
    /// Days since the last purchase day.
    pub recency: i32,
    /// Purchase days in the trailing year.
    pub frequency: usize,
    /// Net revenue in the trailing year.
    pub monetary: f64,
    /// `(F + M) x (6 - R)` from the quintile scores.
    pub priority: f64,
}

/// The RFM reading of every customer with a purchase day on or before `d`.
pub fn rfm_priority(ledger: &Ledger, d: Day) -> Vec<Rfm> {
    let mut rows: Vec<Rfm> = Vec::new();
    for (i, days) in ledger.purchase_days.iter().enumerate() {
        let upto = days.partition_point(|x| *x <= d);
        if upto == 0 {
            continue;
        }
        let year = days[..upto].partition_point(|x| *x <= d - 365);
        rows.push(Rfm {
            customer: CustomerId(i as u32),
            recency: d - days[upto - 1],
            frequency: upto - year,
            monetary: ledger.revenue[i].between(d - 365, d),
            priority: 0.0,
        });
    }
    let n = rows.len();
    // Quintile of each value: 1 + floor(5 x (count strictly worse) / n).
    let quintiles = |values: Vec<f64>| -> Vec<f64> {
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        values
            .iter()
            .map(|v| {
                let worse = sorted.partition_point(|x| x < v);
                1.0 + (5 * worse / n) as f64
            })
            .collect()
    };
    // Recency: fewer days is better, so negate.
    let r = quintiles(rows.iter().map(|x| -f64::from(x.recency)).collect());
    let f = quintiles(rows.iter().map(|x| x.frequency as f64).collect());
    let m = quintiles(rows.iter().map(|x| x.monetary).collect());
    for (i, row) in rows.iter_mut().enumerate() {
        row.priority = (f[i] + m[i]) * (6.0 - r[i]);
    }
    rows
}

/// Orders RFM readings as the baseline list does: priority, then monetary, highest first, then
/// customer id.
pub fn sort_list(rows: &mut [Rfm]) {
    rows.sort_by(|a, b| {
        b.priority
            .total_cmp(&a.priority)
            .then(b.monetary.total_cmp(&a.monetary))
            .then(a.customer.cmp(&b.customer))
    });
}
