//! How often regular pairs stop, over time: the stop rate per pair and calendar day, block by
//! block of [`BLOCK_DAYS`] days back from the day it was learned.
//!
//! Owns: [`StopRates`] (the rates, their integral over any stretch of days) and their learning by
//! EM from every pair's watched time and open gap. It knows nothing of orders or products: the
//! caller ([`super::pair_rhythm::RhythmPriors`]) hands it, per pair, the chance that its open gap
//! would be seen if it still bought.
//!
//! # Why not one rate
//!
//! Stops come in bursts: a competitor's launch takes an item from many customers within weeks,
//! a price rise sends several to another supplier. One rate for the whole history is right on
//! average and wrong on both sides of a burst: before it, a pair two purchases overdue is nearly
//! always a slow one; a few months in, the same gap is mostly a stop (on the synthetic
//! distributor, whose events all start in the last 40% of its history, pairs scored 0.53 on one
//! rate had stopped 4% of the time at the start of the burst and 74% a few months in).
//!
//! # The model
//!
//! A pair still bought stops at rate `λ(t)` per day, constant within each block. A pair last
//! bought on day `L`, with median interval `m` days, stops before its next purchase with
//! probability `q = 1 - exp(-∫ λ from L to L + m)`: the stop that leaves an open gap behind is
//! the one that falls in the interval after the last purchase. The EM:
//!
//! - E step: a pair's P(stopped | gap) from `q` (up to the day learned on: a stop cannot have
//!   happened later) and the survival of its gap if it still bought;
//! - M step: each block's rate is its expected stops (each pair's P(stopped) spread over the
//!   days of `[L, L + m)` in proportion to the rate there) over its exposure (the days each pair
//!   was watched in the block: until its customer's last order if it still buys, since its gap
//!   is counted in the customer's orders and says nothing of the days after; until half an
//!   interval after its last purchase if it stopped), shrunk toward the rate over all blocks
//!   with a prior worth [`PRIOR_BLOCK_SHARE`] of an average block's exposure, so that a block
//!   with few pairs watched borrows from the others.
//!
//! Days after the day learned on take the latest block's rate, days before the first block the
//! first block's.

use crate::day::Day;

/// Days per block of the stop rate: two months, long enough that every block of a
/// 2,000-customer history holds dozens of stops, short enough to follow a competitor's launch.
pub const BLOCK_DAYS: i32 = 56;
/// The prior toward the rate over all blocks, as a share of an average block's exposure: as
/// much as one block's own evidence. The latest block's own rate runs low (its stops are mostly
/// still to show as overdue gaps); a quarter of a block left the lowest predictions at half the
/// stops seen (10,000 customers, planted truth), and one block was chosen over a quarter and four
/// on the 2,000-customer tuning set (BENCHMARKS.md, item lapses).
pub const PRIOR_BLOCK_SHARE: f64 = 1.0;
/// Blocks at most (about three years); older time counts in the oldest block.
const MAX_BLOCKS: usize = 20;
/// EM steps at most (it settles in a few dozen).
const EM_STEPS: usize = 200;
/// The EM has settled when no block's rate moves by more than this share of itself.
const SETTLED: f64 = 1e-6;
/// Each block's rate is kept within these bounds (a population with no stops yet still may
/// stop).
pub const RATE_BOUNDS: (f64, f64) = (1e-6, 0.1);

/// One pair as the stop rates read it.
#[derive(Clone, Copy, Debug)]
pub struct WatchedPair {
    /// The day its watched time starts.
    pub from: f64,
    /// Its last purchase day.
    pub last: f64,
    /// The last day its open gap was seen growing (its customer's last order): watched until
    /// then, not later.
    pub seen: f64,
    /// Its median interval in days (at least 1).
    pub interval_days: f64,
    /// P(a gap as long as its open one | it still buys).
    pub survival: f64,
}

/// The stop rate per pair and day, block by block back from `as_of`.
#[derive(Clone, Debug, PartialEq)]
pub struct StopRates {
    /// The day the rates were learned on: the end of the latest block.
    pub as_of: Day,
    /// Rates per day, latest block first; never empty.
    pub rates: Vec<f64>,
}

impl StopRates {
    /// One rate for all time.
    pub fn constant(rate: f64, as_of: Day) -> StopRates {
        StopRates {
            as_of,
            rates: vec![rate],
        }
    }

    /// `∫ λ` over `[from, to)` (days; zero when `to <= from`).
    pub fn hazard(&self, from: f64, to: f64) -> f64 {
        let mut total = 0.0;
        self.spread(from, to, |block, days| total += self.rates[block] * days);
        total
    }

    /// P(a pair last bought on `last`, bought every `interval_days`, stops before its next
    /// purchase).
    pub fn stop_chance(&self, last: f64, interval_days: f64) -> f64 {
        1.0 - (-self.hazard(last, last + interval_days.max(1.0))).exp()
    }

    /// Learns the rates on `as_of` from every watched pair (see the module docs).
    pub fn learn(pairs: &[WatchedPair], as_of: Day) -> StopRates {
        let end = f64::from(as_of.0);
        let earliest = pairs.iter().map(|p| p.from).fold(end, f64::min);
        let blocks =
            (((end - earliest) / f64::from(BLOCK_DAYS)).ceil() as usize).clamp(1, MAX_BLOCKS);
        let mut rates = StopRates {
            as_of,
            rates: vec![RATE_BOUNDS.0; blocks],
        };
        if pairs.is_empty() {
            return rates;
        }
        let watched_if_going_on = rates.days_watched(pairs);
        for _ in 0..EM_STEPS {
            let (stops, exposure) = rates.expected_stops_and_exposure(pairs, &watched_if_going_on);
            let next = shrunk_rates(&stops, &exposure);
            let settled = next
                .iter()
                .zip(&rates.rates)
                .all(|(a, b)| (a - b).abs() <= SETTLED * b);
            rates.rates = next;
            if settled {
                break;
            }
        }
        rates
    }

    /// Per block, the days every pair would be watched if none had stopped: from its `from` to
    /// the day learned on. The same in every EM step.
    fn days_watched(&self, pairs: &[WatchedPair]) -> Vec<f64> {
        let mut days = vec![0.0; self.rates.len()];
        for p in pairs {
            self.spread(p.from, self.seen_until(p), |b, d| days[b] += d);
        }
        days
    }

    /// The E step and the sums of the M step: per block, expected stops and days watched (a
    /// stopped pair is watched until half an interval after its last purchase, so each pair
    /// takes P(stopped) of the days after that from `watched_if_going_on`).
    fn expected_stops_and_exposure(
        &self,
        pairs: &[WatchedPair],
        watched_if_going_on: &[f64],
    ) -> (Vec<f64>, Vec<f64>) {
        let mut stops = vec![0.0; self.rates.len()];
        let mut exposure = watched_if_going_on.to_vec();
        for p in pairs {
            let end = self.seen_until(p);
            let stop_until = (p.last + p.interval_days).min(end);
            let hazard = self.hazard(p.last, stop_until);
            let stopped = stopped_given_gap(1.0 - (-hazard).exp(), p.survival);
            if hazard > 0.0 {
                self.spread(p.last, stop_until, |b, days| {
                    stops[b] += stopped * self.rates[b] * days / hazard;
                });
            }
            let stopped_until = (p.last + p.interval_days / 2.0).min(end);
            self.spread(stopped_until, end, |b, days| exposure[b] -= stopped * days);
        }
        (stops, exposure)
    }

    /// The end of a pair's watched time: its last sighting, never after the day learned on.
    fn seen_until(&self, p: &WatchedPair) -> f64 {
        p.seen.min(f64::from(self.as_of.0))
    }

    /// The block of the day starting at `t`: 0 is the latest (and every later day).
    fn block_of(&self, t: f64) -> usize {
        let back = f64::from(self.as_of.0) - t;
        if back <= 0.0 {
            return 0;
        }
        (((back / f64::from(BLOCK_DAYS)).ceil() as usize).max(1) - 1).min(self.rates.len() - 1)
    }

    /// Calls `each(block, days)` for the days of `[from, to)` in each block.
    fn spread(&self, from: f64, to: f64, mut each: impl FnMut(usize, f64)) {
        let end = f64::from(self.as_of.0);
        let mut t = from;
        while t < to {
            let block = self.block_of(t);
            let block_end = if block == 0 {
                f64::INFINITY
            } else {
                end - f64::from(BLOCK_DAYS) * block as f64
            };
            let stop = to.min(block_end);
            each(block, stop - t);
            t = stop;
        }
    }
}

/// P(stopped | an open gap) of a pair with chance `stop_chance` of stopping before its next
/// purchase and `survival` = P(a gap this long | it still buys): a stopped pair always shows
/// the gap, one still buying with probability `survival`.
pub fn stopped_given_gap(stop_chance: f64, survival: f64) -> f64 {
    if stop_chance > 0.0 {
        stop_chance / (stop_chance + (1.0 - stop_chance) * survival)
    } else {
        0.0
    }
}

/// Each block's expected stops over its exposure, shrunk toward the rate over all blocks.
fn shrunk_rates(stops: &[f64], exposure: &[f64]) -> Vec<f64> {
    let all_stops: f64 = stops.iter().sum();
    let all_exposure: f64 = exposure.iter().sum();
    let pooled = if all_exposure > 0.0 {
        all_stops / all_exposure
    } else {
        RATE_BOUNDS.0
    };
    let prior = PRIOR_BLOCK_SHARE * all_exposure / exposure.len() as f64;
    stops
        .iter()
        .zip(exposure)
        .map(|(s, e)| {
            let rate = if e + prior > 0.0 {
                (s + prior * pooled) / (e + prior)
            } else {
                pooled
            };
            rate.clamp(RATE_BOUNDS.0, RATE_BOUNDS.1)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates_of(rates: Vec<f64>) -> StopRates {
        StopRates {
            as_of: Day(1000),
            rates,
        }
    }

    #[test]
    fn the_hazard_adds_each_blocks_rate_over_its_days() {
        // Latest block (944, 1000] at 0.01, the one before (888, 944] at 0.001, older: 0.0001.
        let r = rates_of(vec![0.01, 0.001, 0.0001]);
        assert!((r.hazard(990.0, 1000.0) - 0.1).abs() < 1e-12);
        assert!((r.hazard(934.0, 954.0) - (10.0 * 0.001 + 10.0 * 0.01)).abs() < 1e-12);
        // Later days take the latest rate, older ones the oldest.
        assert!((r.hazard(1000.0, 1010.0) - 0.1).abs() < 1e-12);
        assert!((r.hazard(500.0, 510.0) - 0.001).abs() < 1e-12);
        assert_eq!(r.hazard(10.0, 5.0), 0.0);
        let q = r.stop_chance(990.0, 20.0);
        assert!((q - (1.0 - (-0.2f64).exp())).abs() < 1e-12);
    }

    /// `n` pairs watched from day 0, every `interval` days, last bought on `last` with gap
    /// survival `survival`.
    fn pairs(n: usize, last: f64, interval: f64, survival: f64) -> Vec<WatchedPair> {
        vec![
            WatchedPair {
                from: 0.0,
                last,
                seen: 1000.0,
                interval_days: interval,
                survival,
            };
            n
        ]
    }

    #[test]
    fn stops_piling_up_lately_raise_the_latest_rates_and_not_the_old_ones() {
        // 1,000 pairs still bought lately; 60 stopped for certain (survival 0) in the last two
        // months, none before.
        let mut watched = pairs(1000, 995.0, 10.0, 1.0);
        watched.extend(pairs(60, 960.0, 10.0, 0.0));
        let rates = StopRates::learn(&watched, Day(1000));
        assert_eq!(rates.rates.len(), 18, "1,000 days in blocks of 56");
        let latest = rates.rates[0];
        let old = rates.rates[10];
        assert!(latest > 10.0 * old, "{:?}", rates.rates);
        // The latest block: about 60 stops over 1,060 pairs x 56 days, shrunk about halfway
        // toward the rate over all time (the prior weighs as much as one block).
        let raw = 60.0 / (1060.0 * 56.0);
        assert!(latest < raw && latest > 0.5 * raw, "{latest} vs {raw}");
    }

    #[test]
    fn pairs_of_customers_gone_silent_add_no_watched_days_after_their_last_order() {
        // A thousand pairs whose customers stopped ordering on day 500: their gaps, counted in
        // orders, have not grown since, so they neither stopped nor went on after it.
        let silent = |seen: f64| {
            pairs(1000, 495.0, 10.0, 1.0)
                .into_iter()
                .map(move |p| WatchedPair { seen, ..p })
        };
        let blocks = rates_of(vec![0.001; 18]);
        let days = blocks.days_watched(&silent(500.0).collect::<Vec<_>>());
        // Block 8 starts on day 496: four days watched there, none in the later blocks.
        assert!(days[..8].iter().all(|d| *d == 0.0), "{days:?}");
        assert!((days[8] - 1000.0 * 4.0).abs() < 1e-6, "{days:?}");
        // Beside pairs still bought and 60 recent stops, watching them to date would dilute
        // the latest rate with stop-free days it never saw.
        let mut watched = pairs(1000, 995.0, 10.0, 1.0);
        watched.extend(pairs(60, 960.0, 10.0, 0.0));
        let latest = |seen: f64| {
            let all: Vec<WatchedPair> = watched.iter().copied().chain(silent(seen)).collect();
            StopRates::learn(&all, Day(1000)).rates[0]
        };
        assert!(latest(500.0) > 1.5 * latest(1000.0));
    }

    #[test]
    fn stops_spread_evenly_give_one_rate() {
        // Pairs whose last purchase (and stop) falls evenly over 1,000 days.
        let mut watched = Vec::new();
        for day in 0..1000 {
            watched.extend(pairs(1, f64::from(day), 10.0, 0.0));
            watched.extend(pairs(20, 995.0, 10.0, 1.0));
        }
        let rates = StopRates::learn(&watched, Day(1000));
        let mean = rates.rates.iter().sum::<f64>() / rates.rates.len() as f64;
        for r in &rates.rates[1..rates.rates.len() - 1] {
            assert!((r / mean - 1.0).abs() < 0.25, "{:?}", rates.rates);
        }
    }

    #[test]
    fn no_pairs_learn_the_floor() {
        let rates = StopRates::learn(&[], Day(10));
        assert_eq!(rates.rates, vec![RATE_BOUNDS.0]);
    }
}
