//! A customer's purchase rhythm: the statistics of the intervals between its purchase days.
//!
//! Owns: interval mean and coefficient of variation, their pooling toward the population (a
//! customer with few intervals borrows strength, one with many speaks for itself), and the
//! survival of an open gap under a gamma renewal model. Detectors share these; nothing here
//! decides what is a signal.

use crate::day::Day;
use statrs::distribution::{ContinuousCDF, Gamma};

/// Weight, in intervals, of the population's CV² in a customer's pooled CV².
pub const PRIOR_INTERVALS: f64 = 10.0;
/// No customer is treated as more regular than this (CV 0.2): guards against overconfidence.
pub const MIN_CV2: f64 = 0.04;

/// Mean and squared coefficient of variation of the intervals between `days` (None with fewer
/// than two intervals).
pub fn interval_stats(days: &[Day]) -> Option<(f64, f64, usize)> {
    if days.len() < 3 {
        return None;
    }
    let gaps: Vec<f64> = days.windows(2).map(|w| f64::from(w[1] - w[0])).collect();
    let n = gaps.len() as f64;
    let mean = gaps.iter().sum::<f64>() / n;
    let var = gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / (n - 1.0);
    Some((mean, var / (mean * mean), gaps.len()))
}

/// A customer's CV² from `intervals` intervals, pooled toward the population's.
pub fn pooled_cv2(cv2: f64, intervals: usize, population_cv2: f64) -> f64 {
    let n = intervals as f64;
    ((n * cv2 + PRIOR_INTERVALS * population_cv2) / (n + PRIOR_INTERVALS)).max(MIN_CV2)
}

/// The median (upper median for even counts; `None` when empty).
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mid = values.len() / 2;
    Some(*values.select_nth_unstable_by(mid, f64::total_cmp).1)
}

/// P(an interval lasts longer than `gap`) when intervals are gamma with this mean and CV².
pub fn gap_survival(gap: f64, mean: f64, cv2: f64) -> f64 {
    let shape = 1.0 / cv2;
    match Gamma::new(shape, shape / mean) {
        Ok(g) => g.sf(gap).clamp(0.0, 1.0),
        Err(_) => 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survival_falls_fast_for_regular_buyers_and_slowly_for_erratic_ones() {
        assert!(
            (gap_survival(7.0, 7.0, 1.0) - (-1.0f64).exp()).abs() < 1e-9,
            "CV 1 is exponential"
        );
        assert!(gap_survival(21.0, 7.0, 0.05) < 1e-6);
        assert!(gap_survival(21.0, 7.0, 1.0) > 0.04);
    }

    #[test]
    fn pooling_moves_few_intervals_toward_the_population() {
        assert!((pooled_cv2(1.0, 2, 0.1) - (2.0 + 1.0) / 12.0).abs() < 1e-12);
        assert!((pooled_cv2(0.2, 1000, 0.1) - 0.2).abs() < 0.002);
        let days: Vec<Day> = [0, 10, 20, 30].into_iter().map(Day).collect();
        assert_eq!(interval_stats(&days), Some((10.0, 0.0, 3)));
    }
}
