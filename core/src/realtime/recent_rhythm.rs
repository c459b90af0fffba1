//! A pair's rhythm from its last purchase days, without allocating.
//!
//! Owns: [`recent_rhythm`], the value [`PairRhythm::from_days`] gives, computed on fixed-size
//! arrays of the last `RECENT_INTERVALS + 1` purchase days, with the order-clock intervals
//! given rather than measured by a closure (the feed reads them off the customer's order days
//! with one search per day). `from_days` stays the definition: this is the same arithmetic in
//! the same order, and the tests check the two agree bit for bit. A change of `from_days`
//! must be made here too (the tests will say so).

use crate::day::Day;
use crate::models::pair_rhythm::{mean_and_cv2, PairRhythm, RECENT_INTERVALS, SKIP_RATIO};

/// Purchase days of the rhythm: its last ones.
pub(super) const RECENT: usize = RECENT_INTERVALS + 1;

/// The rhythm of a pair with `purchases` purchase days in all, whose last ones are `days`
/// (calendar days, ascending, at most [`RECENT`]) with net amounts `nets`; `clock[i]` is the
/// interval from `days[i]` to `days[i + 1]` on the pair's clock. `None` with fewer than two
/// steady intervals, as [`PairRhythm::from_days`].
pub(super) fn recent_rhythm(
    days: &[Day],
    nets: &[f64],
    clock: &[f64],
    purchases: usize,
) -> Option<PairRhythm> {
    debug_assert!(
        days.len() <= RECENT && nets.len() == days.len() && clock.len() + 1 >= days.len()
    );
    if purchases < 3 || days.len() < 3 {
        return None;
    }
    let n = days.len() - 1;
    // Calendar intervals are whole days: sorted as integers (the same order as their `f64`
    // values, for a fraction of the comparisons' cost).
    let mut calendar = [0i32; RECENT_INTERVALS];
    for i in 0..n {
        calendar[i] = days[i + 1] - days[i];
    }
    let calendar = &calendar[..n];
    // The upper median, as `median` picks it.
    let mut sorted = [0i32; RECENT_INTERVALS];
    sorted[..n].copy_from_slice(calendar);
    sorted[..n].sort_unstable();
    let median_days = f64::from(sorted[n / 2]);
    let mut open = [0.0f64; RECENT_INTERVALS];
    let mut steady_days = [0.0f64; RECENT_INTERVALS];
    let mut steady = 0;
    for i in 0..n {
        if f64::from(calendar[i]) <= SKIP_RATIO * median_days {
            open[steady] = clock[i].max(1.0);
            steady_days[steady] = f64::from(calendar[i]);
            steady += 1;
        }
    }
    if steady < 2 {
        return None;
    }
    let (mean_interval, cv2) = mean_and_cv2(&open[..steady]);
    let (mean_days, days_cv2) = mean_and_cv2(&steady_days[..steady]);
    Some(PairRhythm {
        purchases,
        mean_interval,
        cv2,
        intervals: steady,
        skips: n - steady,
        median_days,
        mean_days,
        days_cv2,
        net_per_purchase: nets.iter().sum::<f64>() / nets.len() as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The last days with their clock intervals give exactly what `from_days` gives on
        /// the whole history.
        #[test]
        fn equals_from_days_on_the_whole_history(
            gaps in prop::collection::vec(1i32..60, 0..40),
            nets in prop::collection::vec(-50.0f64..500.0, 41),
            clock_scale in prop::collection::vec(0u8..5, 41),
        ) {
            let mut days = vec![Day(0)];
            for g in &gaps {
                days.push(*days.last().unwrap() + *g);
            }
            let nets = &nets[..days.len()];
            // Some clock: orders between two days, any non-negative count.
            let clock = |a: Day, b: Day| {
                let i = days.iter().position(|d| *d == a).unwrap();
                f64::from(clock_scale[i]) * f64::from((b - a).min(3))
            };
            let full = PairRhythm::from_days(&days, nets, clock);
            let from = days.len().saturating_sub(RECENT);
            let recent_days = &days[from..];
            let intervals: Vec<f64> = days[from..].windows(2).map(|w| clock(w[0], w[1])).collect();
            let recent = recent_rhythm(recent_days, &nets[from..], &intervals, days.len());
            prop_assert_eq!(full, recent);
        }
    }
}
