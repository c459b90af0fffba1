//! `frequency_drop`: the customer still buys, but far less often than its own history says.
//!
//! Owns: the test of a customer's recent purchase count against its own rhythm. Purchase days
//! are a renewal process (B2B customers order on a rhythm, far more regularly than Poisson).
//! In a recent window of R days the count K then has mean μ = R / m and, by the renewal central
//! limit theorem, variance c²μ, where m is the customer's mean interval and c its coefficient of
//! variation (Poisson is the special case c = 1). The baseline (after the first purchase, before
//! the window) gives m from n intervals and c² shrunk toward the population's median CV²
//! (Gamma-Poisson style pooling, so a customer with few intervals borrows strength), and the
//! rate estimate's own uncertainty adds μ²c²/n to the variance. With a year of history, μ is
//! scaled by the customer's seasonality (the same window last year against its usual rate,
//! add-one smoothed), so a school that never buys in the summer break is not flagged.
//!
//! Time is counted in open days of the learned business calendar (weekends and closures that
//! silence every customer at once are not a customer's drop).
//!
//! The statistic is z = (k + ½ - μ) / sd. Its p-value is not read from a normal table but from
//! the **empirical null**: the z of every customer's own past windows of the same length
//! (up to six per customer, spread over its baseline). Short windows, skewed intervals and partial
//! gaps make real counts more variable than any asymptotic formula says; the empirical null
//! measures that and keeps the false alarm rate at α. A drop is reported when that p-value is
//! below α, the count is at most `frequency_drop_ratio` of μ, and the customer still bought in
//! the window and within three usual intervals (a customer silent for longer has stopped, not
//! slowed: that is `customer_at_risk`'s case).

use super::rhythm::{interval_stats, median, pooled_cv2};
use super::{Calendar, Detector, Scene};
use crate::config::Config;
use crate::day::Day;
use crate::ids::CustomerId;
use crate::signal::{Signal, SignalKind};

/// The frequency-drop detector.
#[derive(Clone, Debug)]
pub struct FrequencyDrop {
    alpha: f64,
    max_ratio: f64,
    horizon: f64,
}

/// The recent window spans this many median intervals (so about this many purchases are
/// expected): enough for a halved rate to stand out, short enough to see it within weeks.
const GAPS_PER_WINDOW: i32 = 8;
const MIN_WINDOW: i32 = 28;
const MAX_WINDOW: i32 = 182;
/// Intervals needed before the window for a baseline.
const MIN_BASELINE_INTERVALS: usize = 6;

/// One customer's baseline and recent counts.
struct Counts {
    first: Day,
    /// The last purchase day.
    last: Day,
    start: Day,
    window: i32,
    /// Open days (see [`super::Calendar`]) in the window.
    window_open: f64,
    /// Purchase days per open day in the baseline.
    rate: f64,
    observed: usize,
    intervals: usize,
    mean_interval: f64,
    cv2: f64,
    season: f64,
    value_per_day: f64,
}

/// The test's verdict for one customer.
struct Verdict {
    expected: f64,
    z: f64,
}

/// A customer silent for more than this many usual intervals has stopped rather than slowed:
/// that is `customer_at_risk`'s finding, not this one's.
const CHURN_GAPS: f64 = 3.0;

/// Past windows per customer in the empirical null.
const NULL_WINDOWS: i32 = 6;

impl FrequencyDrop {
    /// The detector with the configured thresholds.
    pub fn from_config(config: &Config) -> FrequencyDrop {
        FrequencyDrop {
            alpha: config.thresholds.frequency_drop_alpha,
            max_ratio: config.thresholds.frequency_drop_ratio,
            horizon: f64::from(config.horizon_days),
        }
    }

    fn signal(
        &self,
        scene: &Scene<'_>,
        customer: CustomerId,
        c: &Counts,
        v: &Verdict,
        null: &[f64],
    ) -> Option<Signal> {
        let ratio = c.observed as f64 / v.expected;
        let silent_for = f64::from(scene.as_of - c.last);
        if c.observed == 0 || ratio > self.max_ratio || silent_for > CHURN_GAPS * c.mean_interval {
            return None;
        }
        let below = null.partition_point(|z| *z <= v.z);
        let p_value = (below as f64 + 1.0) / (null.len() as f64 + 1.0);
        if p_value >= self.alpha {
            return None;
        }
        let value = c.value_per_day * self.horizon * (1.0 - ratio);
        let evidence = format!(
            "bought every ~{:.0} days; {} purchase days in the last {} days where {:.1} were expected \
             (P = {:.1e})",
            c.mean_interval, c.observed, c.window, v.expected, p_value
        );
        let signal = Signal::new(
            SignalKind::FrequencyDrop,
            Some(customer),
            None,
            scene.as_of,
            value,
            1.0 - p_value,
            evidence,
        )
        .with_detail("observed_purchases", c.observed as f64)
        .with_detail("expected_purchases", v.expected)
        .with_detail("p_value", p_value)
        .with_detail("window_days", f64::from(c.window));
        Some(signal)
    }
}

fn counts(scene: &Scene<'_>, customer: CustomerId) -> Option<Counts> {
    let days = scene.days_of(customer);
    let window = window_days(days)?;
    let start = scene.as_of - window;
    let baseline: &[Day] = &days[..days.partition_point(|d| *d <= start)];
    if baseline.len() < MIN_BASELINE_INTERVALS + 1 {
        return None;
    }
    let (mean, cv2, intervals) = interval_stats(baseline)?;
    let n = intervals as f64;
    let first = baseline[0];
    let calendar = &scene.calendar;
    let rate = n / calendar.open_days(first, start).max(1.0);
    Some(Counts {
        first,
        last: *days.last().expect("the baseline is not empty"),
        start,
        window,
        window_open: calendar.open_days(start, scene.as_of),
        rate,
        observed: days.len() - baseline.len(),
        intervals,
        mean_interval: mean,
        cv2,
        season: seasonal_index(days, first, start, window, rate, calendar),
        value_per_day: scene.net_between(customer, first, start) / f64::from(start - first),
    })
}

fn shrunk_cv2(c: &Counts, population_cv2: f64) -> f64 {
    pooled_cv2(c.cv2, c.intervals, population_cv2)
}

/// The z of `observed` purchase days where `expected` were due, for a customer whose shrunk
/// interval CV² is `cv2` and whose rate rests on `intervals` intervals.
fn z_score(observed: usize, expected: f64, cv2: f64, intervals: usize) -> f64 {
    let variance = cv2 * expected + expected * expected * cv2 / intervals as f64;
    (observed as f64 + 0.5 - expected) / variance.max(1e-9).sqrt()
}

fn verdict(c: &Counts, cv2: f64) -> Verdict {
    let expected = c.rate * c.window_open * c.season;
    Verdict {
        expected,
        z: z_score(c.observed, expected, cv2, c.intervals),
    }
}

/// The z of the customer's past windows of the same length, spread over its baseline (each
/// leaves at least one window of history before it).
fn past_window_z<'s>(
    scene: &'s Scene<'_>,
    customer: CustomerId,
    c: &'s Counts,
    cv2: f64,
) -> impl Iterator<Item = f64> + 's {
    let days = scene.days_of(customer);
    let (window, step) = (c.window, (c.window / 2).max(1));
    (1..=NULL_WINDOWS)
        .map(move |j| c.start - j * step)
        .take_while(move |end| *end - window >= c.first + window)
        .map(move |end| {
            let from = end - window;
            let observed =
                days.partition_point(|d| *d <= end) - days.partition_point(|d| *d <= from);
            let expected = c.rate * scene.calendar.open_days(from, end);
            z_score(observed, expected, cv2, c.intervals)
        })
}

/// The recent window: about eight median intervals of the customer, within 4..26 weeks.
fn window_days(days: &[Day]) -> Option<i32> {
    if days.len() < MIN_BASELINE_INTERVALS + 2 {
        return None;
    }
    let mut gaps: Vec<i32> = days.windows(2).map(|w| w[1] - w[0]).collect();
    let mid = gaps.len() / 2;
    let median = *gaps.select_nth_unstable(mid).1;
    Some((median * GAPS_PER_WINDOW).clamp(MIN_WINDOW, MAX_WINDOW))
}

/// How busy the same window was a year earlier relative to the usual rate per open day (1
/// without a full year of history). Add-one smoothing keeps one quiet or busy year from
/// dominating.
fn seasonal_index(
    days: &[Day],
    first: Day,
    start: Day,
    window: i32,
    rate: f64,
    calendar: &Calendar,
) -> f64 {
    let (from, to) = (start - 365, start - 365 + window);
    if from < first {
        return 1.0;
    }
    let last_year = days.iter().filter(|d| **d > from && **d <= to).count() as f64;
    let usual = rate * calendar.open_days(from, to);
    ((last_year + 1.0) / (usual + 1.0)).clamp(0.1, 3.0)
}

impl Detector for FrequencyDrop {
    fn kind(&self) -> SignalKind {
        SignalKind::FrequencyDrop
    }

    fn detect(&self, scene: &Scene<'_>) -> Vec<Signal> {
        let all: Vec<(CustomerId, Counts)> = scene
            .state
            .customers()
            .filter_map(|(id, _)| counts(scene, id).map(|c| (id, c)))
            .collect();
        let Some(population_cv2) = median(all.iter().map(|(_, c)| c.cv2).collect()) else {
            return Vec::new();
        };
        let mut null: Vec<f64> = all
            .iter()
            .flat_map(|(id, c)| past_window_z(scene, *id, c, shrunk_cv2(c, population_cv2)))
            .collect();
        null.sort_by(f64::total_cmp);
        all.iter()
            .filter_map(|(id, c)| {
                let v = verdict(c, shrunk_cv2(c, population_cv2));
                self.signal(scene, *id, c, &v, &null)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts_of(observed: usize, intervals: usize, cv2: f64) -> Counts {
        Counts {
            first: Day(0),
            last: Day(455),
            start: Day(400),
            window: 60,
            window_open: 60.0,
            rate: 0.1,
            observed,
            intervals,
            mean_interval: 10.0,
            cv2,
            season: 1.0,
            value_per_day: 100.0,
        }
    }

    #[test]
    fn a_halved_rate_stands_out_for_a_regular_customer_not_for_an_erratic_one() {
        let regular = verdict(&counts_of(3, 40, 0.05), 0.05);
        assert!((regular.expected - 6.0).abs() < 1e-12);
        assert!(regular.z < -2.5, "{}", regular.z);
        let erratic = verdict(&counts_of(3, 40, 1.0), 1.0);
        assert!(erratic.z > -1.5, "{}", erratic.z);
        let usual = verdict(&counts_of(6, 40, 0.05), 0.05);
        assert!(usual.z > 0.0);
    }

    #[test]
    fn the_window_spans_eight_median_intervals_within_bounds() {
        let weekly: Vec<Day> = (0..30).map(|i| Day(i * 7)).collect();
        assert_eq!(window_days(&weekly), Some(56));
        let monthly: Vec<Day> = (0..30).map(|i| Day(i * 30)).collect();
        assert_eq!(window_days(&monthly), Some(182));
        assert_eq!(window_days(&weekly[..7]), None);
    }

    #[test]
    fn a_season_that_was_quiet_last_year_lowers_the_expectation() {
        let mut days: Vec<Day> = (0..60).map(|i| Day(i * 7)).collect();
        // Last year's window (days 365-365+42 back from start) had no purchases.
        days.retain(|d| !(d.0 > 400 - 365 && d.0 <= 400 - 365 + 42));
        let calendar = Calendar::learn(&[(0..400).map(Day).collect()], Day(400));
        let index = seasonal_index(&days, Day(0), Day(400), 42, 1.0 / 7.0, &calendar);
        assert!(index < 0.2, "{index}");
    }
}
