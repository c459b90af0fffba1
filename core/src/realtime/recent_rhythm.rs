//! A pair's rhythm from its last purchase days, without allocating.
//!
//! Owns: [`recent_rhythm`], the value [`PairRhythm::from_days`] gives, computed on fixed-size
//! arrays of the last `RECENT_INTERVALS + 1` purchase days, with their calendar intervals
//! given in ascending order and the order clock given as each day's place on it rather than
//! measured by a closure (the feed keeps both as purchases arrive: see
//! [`super::recent_days`]). `from_days` stays the definition: this is the same arithmetic in
//! the same order, and the tests check the two agree bit for bit. A change of `from_days`
//! must be made here too (the tests will say so).

use crate::day::Day;
use crate::models::pair_rhythm::{mean_and_cv2, PairRhythm, RECENT_INTERVALS, SKIP_RATIO};

/// Purchase days of the rhythm: its last ones.
pub(super) const RECENT: usize = RECENT_INTERVALS + 1;

/// The rhythm of a pair with `purchases` purchase days in all, whose last ones are `days`
/// (calendar days, ascending, at most [`RECENT`]) with net amounts `nets`; `sorted` holds the
/// calendar intervals between `days` in ascending order, and `places[i]` is the place of
/// `days[i]` on the pair's order clock (the customer's order days up to it), so that the
/// interval from `days[i]` to `days[i + 1]` on that clock is `places[i + 1] - places[i]`. `None` with fewer than two steady
/// intervals, as [`PairRhythm::from_days`].
pub(super) fn recent_rhythm(
    days: &[Day],
    nets: &[f64],
    sorted: &[i32],
    places: &[u32],
    purchases: usize,
) -> Option<PairRhythm> {
    debug_assert!(
        days.len() <= RECENT
            && nets.len() == days.len()
            && sorted.len() + 1 == days.len().max(1)
            && places.len() == days.len()
    );
    if purchases < 3 || days.len() < 3 {
        return None;
    }
    let n = days.len() - 1;
    // The upper median, as `median` picks it.
    let median_days = f64::from(sorted[n / 2]);
    let limit = SKIP_RATIO * median_days;
    // Whole days compare as their `f64` values do: the steady intervals are the sorted ones up
    // to the first above the limit.
    let steady = sorted.partition_point(|g| f64::from(*g) <= limit);
    if steady < 2 {
        return None;
    }
    let mut open = [0.0f64; RECENT_INTERVALS];
    let mut steady_days = [0.0f64; RECENT_INTERVALS];
    if steady == n {
        for i in 0..n {
            open[i] = order_interval(places, i);
            steady_days[i] = f64::from(days[i + 1] - days[i]);
        }
    } else {
        let mut kept = 0;
        for i in 0..n {
            let gap = f64::from(days[i + 1] - days[i]);
            if gap <= limit {
                open[kept] = order_interval(places, i);
                steady_days[kept] = gap;
                kept += 1;
            }
        }
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

/// The interval from the `i`-th day to the next on the order clock, at least one order (as
/// [`PairRhythm::from_days`] reads its clock).
fn order_interval(places: &[u32], i: usize) -> f64 {
    f64::from(places[i + 1] - places[i]).max(1.0)
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
            // Some order clock: orders between two days, any non-negative count, and each
            // day's place on it.
            let orders_between = |i: usize| u32::from(clock_scale[i]) * (days[i + 1] - days[i]).min(3) as u32;
            let mut places = vec![0u32];
            for i in 0..days.len() - 1 {
                places.push(places[i] + orders_between(i));
            }
            let clock = |a: Day, b: Day| {
                let i = days.iter().position(|d| *d == a).unwrap();
                let j = days.iter().position(|d| *d == b).unwrap();
                f64::from(places[j] - places[i])
            };
            let full = PairRhythm::from_days(&days, nets, clock);
            let from = days.len().saturating_sub(RECENT);
            let recent_days = &days[from..];
            let mut sorted: Vec<i32> = recent_days.windows(2).map(|w| w[1] - w[0]).collect();
            sorted.sort_unstable();
            let recent =
                recent_rhythm(recent_days, &nets[from..], &sorted, &places[from..], days.len());
            prop_assert_eq!(full, recent);
        }
    }
}
