//! Whether a product is paused for everyone: a season over, an item withdrawn.
//!
//! Owns: the purchase counts over the pause windows ([`PauseCounts`]), the pause test
//! ([`PauseActivity::paused`], [`paused_products`]), what one regular pair adds to its
//! product's expectation ([`pause_expectation`]), and each product's latest restart
//! ([`restarts`]). The lapse scan ([`super::lapses`]) and the real-time feed
//! ([`crate::realtime`]) both count the purchases and ask these questions, so the two cannot
//! drift apart; this module reads no state.
//!
//! A product whose regular buyers together bought far less than their rhythms expect over the
//! last [`PAUSE_WINDOW_DAYS`] is paused: its pairs' gaps are the product's rhythm, not the
//! customers'. What the rhythms expect is scaled by how the whole business bought against its
//! own rhythms over the same days, since the rhythms run on the customers' order clocks: in a
//! holiday week nobody orders, and no product is paused for it. A season that ended only days
//! ago is caught sooner over the last one, two or three weeks ([`SHORT_PAUSE_WINDOWS`]), on two
//! conditions that a competitor taking the item from many buyers at once does not meet: the
//! shortfall is improbable under the usual rhythms ([`PAUSE_ALPHA`], Poisson), and the product
//! was as quiet over the same weeks a year earlier.

use crate::day::Day;
use crate::models::pair_rhythm::PairRhythm;
use statrs::distribution::{DiscreteCDF, Poisson};

/// The window over which a product's purchases are compared with its buyers' rhythms.
pub const PAUSE_WINDOW_DAYS: i32 = 28;
/// The shorter windows, ending on the same day, that catch a season ending sooner.
pub const SHORT_PAUSE_WINDOWS: [i32; 3] = [7, 14, 21];
/// A product bought less than this share of what its regular buyers' rhythms expect over a
/// window is paused for everyone, and none of its lapses is reported.
const PAUSE_SHARE: f64 = 0.3;
/// The chance, under its buyers' usual rhythms, below which a shortfall over a short window
/// counts. A false pause hides the product's lapses until the window passes; it raises no alarm.
pub const PAUSE_ALPHA: f64 = 1e-3;
/// A year, for the same weeks a year earlier.
const YEAR_DAYS: i32 = 365;

/// Purchase days of a product's regular pairs (or of one pair) over the pause windows.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct PauseCounts {
    /// Over the last [`PAUSE_WINDOW_DAYS`].
    pub window: u32,
    /// Over each of the last [`SHORT_PAUSE_WINDOWS`].
    pub short: [u32; SHORT_PAUSE_WINDOWS.len()],
    /// Over each of them a year earlier.
    pub short_year_ago: [u32; SHORT_PAUSE_WINDOWS.len()],
}

impl PauseCounts {
    /// The counts at `as_of`, from `days_in(from, to)`: the purchase days in `from..=to`.
    pub fn at(as_of: Day, days_in: impl Fn(Day, Day) -> u32) -> PauseCounts {
        let ending = |end: Day, w: i32| days_in(end - w + 1, end);
        PauseCounts {
            window: ending(as_of, PAUSE_WINDOW_DAYS),
            short: SHORT_PAUSE_WINDOWS.map(|w| ending(as_of, w)),
            short_year_ago: SHORT_PAUSE_WINDOWS.map(|w| ending(as_of - YEAR_DAYS, w)),
        }
    }

    /// The counts of ascending purchase `days` at `as_of`.
    pub fn of_days(days: &[Day], as_of: Day) -> PauseCounts {
        PauseCounts::at(as_of, |from, to| {
            (days.partition_point(|d| *d <= to) - days.partition_point(|d| *d < from)) as u32
        })
    }

    /// Adds another pair's counts.
    pub fn add(&mut self, other: &PauseCounts) {
        self.window += other.window;
        for (a, b) in self.short.iter_mut().zip(other.short) {
            *a += b;
        }
        for (a, b) in self.short_year_ago.iter_mut().zip(other.short_year_ago) {
            *a += b;
        }
    }
}

/// Purchase days of a product's regular pairs over the pause windows and what their rhythms
/// expect; summed over every product, the same of the whole business.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct PauseActivity {
    /// Purchase days over the windows.
    pub counts: PauseCounts,
    /// Purchase days the rhythms expect over [`PAUSE_WINDOW_DAYS`].
    pub expected: f64,
}

impl PauseActivity {
    /// Adds another pair's or product's activity.
    pub fn add(&mut self, other: &PauseActivity) {
        self.counts.add(&other.counts);
        self.expected += other.expected;
    }

    /// Whether the product of this activity is paused while `everyone` (the whole business)
    /// bought as it did.
    pub fn paused(&self, everyone: &PauseActivity) -> bool {
        let (c, all) = (&self.counts, &everyone.counts);
        // What this product's buyers expect over `w` days when the business buys at its pace.
        let expected = |w: i32, business_seen: u32| {
            let share_of_window = f64::from(w) / f64::from(PAUSE_WINDOW_DAYS);
            let business_expected = everyone.expected * share_of_window;
            if business_expected <= 0.0 {
                return 0.0;
            }
            self.expected * share_of_window * f64::from(business_seen) / business_expected
        };
        let short_of = |seen: u32, expected: f64| f64::from(seen) < PAUSE_SHARE * expected;
        short_of(c.window, expected(PAUSE_WINDOW_DAYS, all.window))
            || SHORT_PAUSE_WINDOWS.iter().enumerate().any(|(i, &w)| {
                let now = expected(w, all.short[i]);
                short_of(c.short[i], now)
                    && improbably_few(c.short[i], now)
                    && short_of(c.short_year_ago[i], expected(w, all.short_year_ago[i]))
            })
    }
}

/// Which products are paused, from every product's activity.
pub(crate) fn paused_products(activity: &[PauseActivity]) -> Vec<bool> {
    let mut everyone = PauseActivity::default();
    for product in activity {
        everyone.add(product);
    }
    activity.iter().map(|p| p.paused(&everyone)).collect()
}

/// Whether `seen` or fewer events are less likely than [`PAUSE_ALPHA`] at a Poisson mean of
/// `expected`.
fn improbably_few(seen: u32, expected: f64) -> bool {
    Poisson::new(expected).is_ok_and(|p| p.cdf(u64::from(seen)) < PAUSE_ALPHA)
}

/// What one regular pair of a product expects to buy over the pause window.
pub(crate) fn pause_expectation(rhythm: &PairRhythm) -> f64 {
    f64::from(PAUSE_WINDOW_DAYS) / rhythm.median_days.max(1.0)
}

/// Each product's latest restart: its first sale after a silence (no sale to anyone) of at
/// least [`PAUSE_WINDOW_DAYS`].
pub(crate) fn restarts(mut product_days: Vec<Vec<Day>>) -> Vec<Option<Day>> {
    product_days
        .iter_mut()
        .map(|days| {
            days.sort_unstable();
            days.dedup();
            days.windows(2)
                .rev()
                .find(|w| w[1] - w[0] >= PAUSE_WINDOW_DAYS)
                .map(|w| w[1])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity(
        window: u32,
        short: [u32; 3],
        short_year_ago: [u32; 3],
        expected: f64,
    ) -> PauseActivity {
        PauseActivity {
            counts: PauseCounts {
                window,
                short,
                short_year_ago,
            },
            expected,
        }
    }

    /// A business buying exactly as its rhythms expect: 1,000 purchase days a week.
    fn steady_business() -> PauseActivity {
        activity(4000, [1000, 2000, 3000], [1000, 2000, 3000], 4000.0)
    }

    // Buyers expecting 40 purchase days over four weeks: 10 a week.
    const BUSY: f64 = 40.0;
    const QUIET_A_YEAR_AGO: [u32; 3] = [0, 1, 2];
    const BUSY_A_YEAR_AGO: [u32; 3] = [10, 20, 30];

    #[test]
    fn a_busy_product_silent_for_a_week_is_paused_when_it_was_a_year_ago_too() {
        let product = activity(30, [0, 9, 19], QUIET_A_YEAR_AGO, BUSY);
        assert!(product.paused(&steady_business()));
    }

    #[test]
    fn a_week_of_silence_the_product_did_not_have_a_year_ago_is_no_pause() {
        // A competitor taking most buyers at once looks like this, and must stay visible.
        let product = activity(30, [0, 9, 19], BUSY_A_YEAR_AGO, BUSY);
        assert!(!product.paused(&steady_business()));
    }

    #[test]
    fn a_week_the_whole_business_was_closed_is_no_pause() {
        // The last week of the year, this year and last: nobody ordered anything.
        let closed = activity(3000, [0, 1000, 2000], [0, 1000, 2000], 4000.0);
        let product = activity(30, [0, 9, 19], QUIET_A_YEAR_AGO, BUSY);
        assert!(!product.paused(&closed));
    }

    #[test]
    fn a_slow_week_is_no_pause() {
        let product = activity(34, [4, 13, 23], QUIET_A_YEAR_AGO, BUSY);
        assert!(!product.paused(&steady_business()));
    }

    #[test]
    fn a_small_product_silent_for_a_week_is_not_paused() {
        // Two purchase days a week expected: a silent week happens one week in seven.
        let product = activity(6, [0, 2, 4], [0, 0, 0], 8.0);
        assert!(!product.paused(&steady_business()));
    }

    #[test]
    fn the_whole_window_pauses_on_its_share_alone() {
        // One purchase day where four were expected over four weeks: under 30%, whatever the
        // chance of it and whatever a year earlier.
        assert!(activity(1, [0, 0, 1], [1, 2, 3], 4.0).paused(&steady_business()));
        assert!(!activity(2, [0, 0, 1], [1, 2, 3], 4.0).paused(&steady_business()));
    }

    #[test]
    fn counts_of_days_take_each_window_and_the_year_before() {
        let as_of = Day(1000);
        let days = [
            Day(620),
            Day(630),
            Day(640),
            Day(970),
            Day(990),
            Day(995),
            Day(1000),
        ];
        let c = PauseCounts::of_days(&days, as_of);
        // 970 is 30 days back: outside the 28.
        assert_eq!(c.window, 3);
        assert_eq!(c.short, [2, 3, 3]);
        // A year before 1000 is 635: 620 lies within 21 days of it, 630 within 7.
        assert_eq!(c.short_year_ago, [1, 1, 2]);
    }

    #[test]
    fn a_restart_is_the_first_sale_after_a_long_silence() {
        let days = vec![
            vec![Day(10), Day(20), Day(60), Day(61)],
            vec![Day(5), Day(6)],
        ];
        assert_eq!(restarts(days), vec![Some(Day(60)), None]);
    }
}
