//! How often regular pairs stop, over time: the stop rate per pair and calendar day, block by
//! block of [`BLOCK_DAYS`] days back from the day it was learned, and the surges of the groups
//! (one product at the customers of one segment) where far more pairs stopped lately.
//!
//! Owns: [`StopRates`] (the rates, the surges, their integral over any stretch of days) and
//! their learning by EM from every pair's watched time and open gap. It knows nothing of orders,
//! products or segments: the caller ([`super::pair_rhythm::RhythmPriors`]) hands it, per pair,
//! the chance that its open gap would be seen if it still bought, and an index for its group.
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
//!   interval after its last purchase if it stopped).
//!
//! The latest block is the exception: a stop shows only once its pair is overdue, so most of
//! the latest block's stops are still hidden when it is learned, and its own rate is a lower
//! bound. It takes the block before's rate when that is higher (a random walk's forecast),
//! and its own when a burst lifts it above. On the synthetic distributor, whose events all
//! start in the last 40% of its history, the latest block learned on its own came out at a
//! seventh to a third of the planted rate, while every older block matched it; shrinking
//! every block toward the rate over all blocks, as before, lifted the latest only part way
//! and pulled the older ones toward the stop-free months before the events (BENCHMARKS.md,
//! item lapses).
//!
//! Days after the day learned on take the latest block's rate, days before the first block the
//! first block's.
//!
//! # Surges: a competitor in one segment
//!
//! A competitor's substitute takes one item from half the customers of a segment within a few
//! weeks. Everyone's rate barely moves, and each victim alone looks like any pair one purchase
//! late; together they are a cluster no shared rate explains. Once the EM above has settled,
//! each group's expected stops over the last [`SURGE_SLOTS`] slots of [`SURGE_SLOT_DAYS`] days
//! are tested against its product's rate in the other groups (a one-sided Poisson test at a
//! Bonferroni level, [`SURGE_ALPHA`] for one learning). The groups far above it *surge*: the EM
//! goes on with a factor per slot on everyone's rate for each of them, shrunk toward 1 by a
//! gamma prior worth [`SURGE_PRIOR_STOPS`] expected stops. Slots of two weeks put the surge on
//! the weeks the stops fell in, so a victim one purchase late scores high while a customer of
//! the same group who bought after the launch is back to everyone's rate. Measured against the
//! planted truth in BENCHMARKS.md (item lapses).

use crate::day::Day;
use statrs::distribution::{DiscreteCDF, Poisson};
use std::collections::HashMap;

/// Days per block of the stop rate: two months, long enough that every block of a
/// 2,000-customer history holds dozens of stops, short enough to follow a competitor's launch.
pub const BLOCK_DAYS: i32 = 56;
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
    /// Its group (one product at the customers of one segment), whose stops in the latest
    /// block may run above everyone's: an index below the `groups` given to
    /// [`StopRates::learn`]; `None` for a pair in no group.
    pub group: Option<u32>,
}

/// The stop rate per pair and day, block by block back from `as_of`, and the surges of the
/// groups whose pairs stopped far more often lately than everyone's.
#[derive(Clone, Debug, PartialEq)]
pub struct StopRates {
    /// The day the rates were learned on: the end of the latest block.
    pub as_of: Day,
    /// Rates per day, latest block first; never empty.
    pub rates: Vec<f64>,
    /// Per surging group (see [`StopRates::learn`]): its rate in each slot of the last
    /// [`SURGE_SLOTS`] x [`SURGE_SLOT_DAYS`] days, latest first, as a multiple of everyone's.
    pub surges: HashMap<u32, Surge>,
}

/// Days per slot of a group's surge: two weeks, about the spread of one competitor's launch
/// over the customers it takes.
pub const SURGE_SLOT_DAYS: i32 = 14;
/// Slots of a surge: the last 16 weeks (two blocks), so that a monthly item's stop is still
/// inside them when its second purchase is missed.
pub const SURGE_SLOTS: usize = 8;
/// A group's rate per slot as a multiple of everyone's, latest first.
pub type Surge = [f64; SURGE_SLOTS];
/// A surging group's factor in each slot is shrunk toward 1 with a gamma prior worth this
/// many expected stops. Chosen among 0.5, 1 and 2 on the 10,000-customer benchmark (the
/// 2,000-customer tuning set holds one substitution, too few to tell), by the reliability
/// table: with the rhythm's predictive survival ([`super::pair_rhythm`]) every bin is within
/// 0.05 of the truth at 0.5 (the worst 0.041), while 1 and 2 leave the surging groups'
/// victims so far under their truth that the 0.7-0.8 bin is off by 0.074 and 0.084. The
/// substitutions are then found 1.17x their interval after the missed purchase (1.52x at 2).
/// Before the predictive survival, 2 was needed to keep the other pairs' over-prediction from
/// showing.
pub const SURGE_PRIOR_STOPS: f64 = 0.5;
/// The false-alarm rate of the test that lets a group surge, over every group of one learning
/// together.
pub const SURGE_ALPHA: f64 = 0.001;

/// Stops or watched days per block; over the surge slots, the days of each group apart.
#[derive(Clone, Debug)]
struct BlockSums {
    /// Per block: pairs in no group, and every pair outside the surge slots.
    blocks: Vec<f64>,
    /// Per group and slot.
    groups: Vec<Surge>,
}

impl BlockSums {
    fn zero(blocks: usize, groups: usize) -> BlockSums {
        BlockSums {
            blocks: vec![0.0; blocks],
            groups: vec![[0.0; SURGE_SLOTS]; groups],
        }
    }

    fn add(&mut self, block: usize, slot: Option<usize>, group: Option<u32>, amount: f64) {
        match (group, slot) {
            (Some(g), Some(s)) => self.groups[g as usize][s] += amount,
            _ => self.blocks[block] += amount,
        }
    }

    /// Per block, the sum over every group, each group's slots weighted by `factor(group)`.
    fn weighted(&self, slot_blocks: &[usize], factor: impl Fn(usize) -> Option<Surge>) -> Vec<f64> {
        let mut out = self.blocks.clone();
        for (g, sums) in self.groups.iter().enumerate() {
            let factors = factor(g).unwrap_or([1.0; SURGE_SLOTS]);
            for ((sum, f), block) in sums.iter().zip(factors).zip(slot_blocks) {
                out[*block] += sum * f;
            }
        }
        out
    }
}

impl StopRates {
    /// One rate for all time.
    pub fn constant(rate: f64, as_of: Day) -> StopRates {
        StopRates {
            as_of,
            rates: vec![rate],
            surges: HashMap::new(),
        }
    }

    /// `∫ λ` over `[from, to)` (days; zero when `to <= from`) for a pair of no surging group.
    pub fn hazard(&self, from: f64, to: f64) -> f64 {
        let mut total = 0.0;
        self.spread(from, to, |block, days| total += self.rates[block] * days);
        total
    }

    /// `∫ λ` over `[from, to)` for a pair of a group surging by `surge`.
    pub fn hazard_in(&self, from: f64, to: f64, surge: Option<&Surge>) -> f64 {
        let Some(surge) = surge else {
            return self.hazard(from, to);
        };
        let mut total = 0.0;
        self.spread_slots(from, to, |block, slot, days| {
            total += self.rates[block] * slot.map_or(1.0, |s| surge[s]) * days
        });
        total
    }

    /// P(a pair last bought on `last`, bought every `interval_days`, stops before its next
    /// purchase), in a group surging by `surge`.
    pub fn stop_chance(&self, last: f64, interval_days: f64, surge: Option<&Surge>) -> f64 {
        1.0 - (-self.hazard_in(last, last + interval_days.max(1.0), surge)).exp()
    }

    /// Learns the rates on `as_of` from every watched pair (see the module docs); the pairs'
    /// groups index `group_products`, each group's product.
    ///
    /// First one rate per block for every pair. Then each group's expected stops over the surge
    /// slots are tested against its product's rate in the other groups ([`SURGE_ALPHA`]); the
    /// groups far above it surge, and the EM goes on with a factor per slot for each of them.
    pub fn learn(pairs: &[WatchedPair], group_products: &[u32], as_of: Day) -> StopRates {
        let end = f64::from(as_of.0);
        let earliest = pairs.iter().map(|p| p.from).fold(end, f64::min);
        let blocks =
            (((end - earliest) / f64::from(BLOCK_DAYS)).ceil() as usize).clamp(1, MAX_BLOCKS);
        let mut rates = StopRates {
            as_of,
            rates: vec![RATE_BOUNDS.0; blocks],
            surges: HashMap::new(),
        };
        if pairs.is_empty() {
            return rates;
        }
        let watched_if_going_on = rates.days_watched(pairs, group_products.len());
        rates.settle(pairs, &watched_if_going_on);
        let surging = rates.surging_groups(pairs, &watched_if_going_on, group_products);
        if !surging.is_empty() {
            rates.surges = surging
                .into_iter()
                .map(|g| (g, [1.0; SURGE_SLOTS]))
                .collect();
            rates.settle(pairs, &watched_if_going_on);
        }
        rates
    }

    /// EM steps until the rates and the surges settle.
    fn settle(&mut self, pairs: &[WatchedPair], watched_if_going_on: &BlockSums) {
        let slot_blocks = self.slot_blocks();
        for _ in 0..EM_STEPS {
            let (stops, exposure) = self.expected_stops_and_exposure(pairs, watched_if_going_on);
            let factor = |g: usize| self.surges.get(&(g as u32)).copied();
            let next = block_rates(
                &stops.weighted(&slot_blocks, |_| None),
                &exposure.weighted(&slot_blocks, factor),
            );
            let surges: HashMap<u32, Surge> = self
                .surges
                .keys()
                .map(|&g| {
                    let (s, e) = (&stops.groups[g as usize], &exposure.groups[g as usize]);
                    (g, surge_factors(s, e, &next, &slot_blocks))
                })
                .collect();
            let settled = settled(&next, &self.rates)
                && surges.iter().all(|(g, s)| settled(s, &self.surges[g]));
            self.rates = next;
            self.surges = surges;
            if settled {
                break;
            }
        }
    }

    /// Each slot's block.
    fn slot_blocks(&self) -> Vec<usize> {
        (0..SURGE_SLOTS)
            .map(|s| self.block_of(self.period_end(s + 1, SURGE_SLOT_DAYS)))
            .collect()
    }

    /// The groups whose expected stops over the surge slots exceed what their product's rate
    /// in the other groups gives their watched time, by more than chance allows: a one-sided
    /// Poisson test per group at a Bonferroni level, so that one learning lets a group surge by
    /// chance with probability at most [`SURGE_ALPHA`]. The product's own rate is the
    /// yardstick, as in the segment test of `item_lapsed_across_similar`: a withdrawn item
    /// stops its pairs in every segment at once, a competitor in one.
    fn surging_groups(
        &self,
        pairs: &[WatchedPair],
        watched_if_going_on: &BlockSums,
        group_products: &[u32],
    ) -> Vec<u32> {
        let (stops, exposure) = self.expected_stops_and_exposure(pairs, watched_if_going_on);
        let slot_blocks = self.slot_blocks();
        // Per group: expected stops, and the stops everyone's rate gives its watched days.
        let groups: Vec<(f64, f64)> = stops
            .groups
            .iter()
            .zip(&exposure.groups)
            .map(|(s, e)| {
                let at_everyones: f64 = e
                    .iter()
                    .zip(&slot_blocks)
                    .map(|(days, b)| days.max(0.0) * self.rates[*b])
                    .sum();
                (s.iter().sum(), at_everyones)
            })
            .collect();
        let mut by_product: HashMap<u32, (f64, f64)> = HashMap::new();
        for (product, (s, e)) in group_products.iter().zip(&groups) {
            let sums = by_product.entry(*product).or_default();
            sums.0 += s;
            sums.1 += e;
        }
        let tested = groups.iter().filter(|(_, e)| *e > 0.0).count().max(1);
        let level = SURGE_ALPHA / tested as f64;
        (0..groups.len() as u32)
            .filter(|&g| {
                let (s, e) = groups[g as usize];
                let (all_stops, all_expected) = by_product[&group_products[g as usize]];
                // The product's ratio to everyone's rate in the other groups, shrunk toward 1
                // by one expected stop.
                let ratio = ((all_stops - s).max(0.0) + 1.0) / ((all_expected - e) + 1.0);
                let seen = s.floor() as u64;
                seen >= 1
                    && Poisson::new(ratio * e).is_ok_and(|poisson| poisson.sf(seen - 1) < level)
            })
            .collect()
    }

    /// Per block (and per group and slot), the days every pair would be watched if none had
    /// stopped: from its `from` to the day learned on. The same in every EM step.
    fn days_watched(&self, pairs: &[WatchedPair], groups: usize) -> BlockSums {
        let mut days = BlockSums::zero(self.rates.len(), groups);
        for p in pairs {
            self.spread_slots(p.from, self.seen_until(p), |b, s, d| {
                days.add(b, s, p.group, d)
            });
        }
        days
    }

    /// The E step and the sums of the M step: per block (and per group and slot), expected
    /// stops and days watched (a stopped pair is watched until half an interval after its last
    /// purchase, so each pair takes P(stopped) of the days after that from
    /// `watched_if_going_on`).
    fn expected_stops_and_exposure(
        &self,
        pairs: &[WatchedPair],
        watched_if_going_on: &BlockSums,
    ) -> (BlockSums, BlockSums) {
        let mut stops = BlockSums::zero(self.rates.len(), watched_if_going_on.groups.len());
        let mut exposure = watched_if_going_on.clone();
        for p in pairs {
            let surge = p.group.and_then(|g| self.surges.get(&g));
            let end = self.seen_until(p);
            let stop_until = (p.last + p.interval_days).min(end);
            let hazard = self.hazard_in(p.last, stop_until, surge);
            let stopped = stopped_given_gap(1.0 - (-hazard).exp(), p.survival);
            if hazard > 0.0 {
                self.spread_slots(p.last, stop_until, |b, s, days| {
                    let rate = self.rates[b] * surge.zip(s).map_or(1.0, |(f, s)| f[s]);
                    stops.add(b, s, p.group, stopped * rate * days / hazard);
                });
            }
            let stopped_until = (p.last + p.interval_days / 2.0).min(end);
            self.spread_slots(stopped_until, end, |b, s, days| {
                exposure.add(b, s, p.group, -stopped * days)
            });
        }
        (stops, exposure)
    }

    /// The end of a pair's watched time: its last sighting, never after the day learned on.
    fn seen_until(&self, p: &WatchedPair) -> f64 {
        p.seen.min(f64::from(self.as_of.0))
    }

    /// The block of the day starting at `t`: 0 is the latest (and every later day).
    fn block_of(&self, t: f64) -> usize {
        self.period_of(t, BLOCK_DAYS).min(self.rates.len() - 1)
    }

    /// The period of `days` days back from the day learned on that holds the day starting at
    /// `t`: 0 is the latest (and every later day). Blocks and surge slots both count this way.
    fn period_of(&self, t: f64, days: i32) -> usize {
        let back = f64::from(self.as_of.0) - t;
        if back <= 0.0 {
            return 0;
        }
        ((back / f64::from(days)).ceil() as usize).max(1) - 1
    }

    /// Where period `k` of `days` days back from the day learned on ends (the latest never).
    fn period_end(&self, k: usize, days: i32) -> f64 {
        if k == 0 {
            f64::INFINITY
        } else {
            f64::from(self.as_of.0) - f64::from(days) * k as f64
        }
    }

    /// Calls `each(block, days)` for the days of `[from, to)` in each block.
    fn spread(&self, from: f64, to: f64, mut each: impl FnMut(usize, f64)) {
        let mut t = from;
        while t < to {
            let block = self.block_of(t);
            let stop = to.min(self.period_end(block, BLOCK_DAYS));
            each(block, stop - t);
            t = stop;
        }
    }

    /// Calls `each(block, slot, days)` for the days of `[from, to)` in each block, and within
    /// the surge slots in each slot (slot 0 is the latest, and every later day).
    fn spread_slots(&self, from: f64, to: f64, mut each: impl FnMut(usize, Option<usize>, f64)) {
        let slots_start = self.period_end(SURGE_SLOTS, SURGE_SLOT_DAYS);
        let before_slots = to.min(slots_start);
        if from < before_slots {
            self.spread(from, before_slots, |b, days| each(b, None, days));
        }
        let mut t = from.max(slots_start);
        while t < to {
            let slot = self.period_of(t, SURGE_SLOT_DAYS);
            let stop = to.min(self.period_end(slot, SURGE_SLOT_DAYS));
            each(self.block_of(t), Some(slot), stop - t);
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

/// The largest survival at which [`stopped_given_gap`] with `stop_chance` still reaches
/// `probability` (in `(0, 1]`), widened by a relative 1e-9 so that rounding never makes a
/// pair that reaches it look as if it could not; `None` when no survival does (no chance to
/// stop at all).
pub fn survival_ceiling(stop_chance: f64, probability: f64) -> Option<f64> {
    if stop_chance <= 0.0 {
        return None;
    }
    if stop_chance >= 1.0 {
        return Some(f64::INFINITY);
    }
    let ceiling = stop_chance * (1.0 - probability) / (probability * (1.0 - stop_chance));
    Some(ceiling * (1.0 + 1e-9))
}

/// Whether no value moved by more than [`SETTLED`] of itself.
fn settled(next: &[f64], previous: &[f64]) -> bool {
    next.iter()
        .zip(previous)
        .all(|(a, b)| (a - b).abs() <= SETTLED * b)
}

/// A surging group's factor in each slot: its expected `stops` over what everyone's `rates`
/// give its `exposure` days, both with [`SURGE_PRIOR_STOPS`] added (the gamma prior's
/// posterior mean).
fn surge_factors(stops: &Surge, exposure: &Surge, rates: &[f64], slot_blocks: &[usize]) -> Surge {
    let mut out = [1.0; SURGE_SLOTS];
    for (s, f) in out.iter_mut().enumerate() {
        let expected = rates[slot_blocks[s]] * exposure[s].max(0.0);
        *f = (stops[s] + SURGE_PRIOR_STOPS) / (expected + SURGE_PRIOR_STOPS);
    }
    out
}

/// Each block's expected stops over its exposure (the rate over all blocks for a block nobody
/// was watched in), the latest block at least the one before (see the module docs).
fn block_rates(stops: &[f64], exposure: &[f64]) -> Vec<f64> {
    let all_stops: f64 = stops.iter().sum();
    let all_exposure: f64 = exposure.iter().sum();
    let pooled = if all_exposure > 0.0 {
        all_stops / all_exposure
    } else {
        RATE_BOUNDS.0
    };
    let mut rates: Vec<f64> = stops
        .iter()
        .zip(exposure)
        .map(|(s, e)| {
            let rate = if *e > 0.0 { s / e } else { pooled };
            rate.clamp(RATE_BOUNDS.0, RATE_BOUNDS.1)
        })
        .collect();
    if let [latest, before, ..] = rates[..] {
        rates[0] = latest.max(before);
    }
    rates
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates_of(rates: Vec<f64>) -> StopRates {
        StopRates {
            as_of: Day(1000),
            rates,
            surges: HashMap::new(),
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
        let q = r.stop_chance(990.0, 20.0, None);
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
                group: None,
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
        let rates = StopRates::learn(&watched, &[], Day(1000));
        assert_eq!(rates.rates.len(), 18, "1,000 days in blocks of 56");
        let latest = rates.rates[0];
        let old = rates.rates[10];
        assert!(latest > 10.0 * old, "{:?}", rates.rates);
        // The latest block: its 60 stops over the pair-days watched in it (the stopped pairs
        // only until half an interval after their last purchase), not shrunk toward the
        // stop-free months before.
        let upper = 60.0 / (1000.0 * 56.0);
        let lower = 60.0 / (1060.0 * 56.0);
        assert!(latest >= lower && latest <= 1.2 * upper, "{latest}");
    }

    #[test]
    fn the_latest_block_whose_stops_are_still_hidden_takes_the_rate_of_the_one_before() {
        // 60 stops for certain in the block before the latest; in the latest, 1,000 pairs
        // bought a few days ago, any stop among them not yet seen.
        let mut watched = pairs(1000, 995.0, 10.0, 1.0);
        watched.extend(pairs(60, 920.0, 10.0, 0.0));
        let rates = StopRates::learn(&watched, &[], Day(1000));
        assert!(rates.rates[1] > 1e-4, "{:?}", rates.rates);
        assert_eq!(rates.rates[0], rates.rates[1]);
        // Stops seen in the latest block above the one before keep its own rate.
        watched.extend(pairs(200, 960.0, 10.0, 0.0));
        let rates = StopRates::learn(&watched, &[], Day(1000));
        assert!(rates.rates[0] > 2.0 * rates.rates[1], "{:?}", rates.rates);
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
        let days = blocks
            .days_watched(&silent(500.0).collect::<Vec<_>>(), 0)
            .blocks;
        // Block 8 starts on day 496: four days watched there, none in the later blocks.
        assert!(days[..8].iter().all(|d| *d == 0.0), "{days:?}");
        assert!((days[8] - 1000.0 * 4.0).abs() < 1e-6, "{days:?}");
        // Beside pairs still bought and 60 recent stops, watching them to date would dilute
        // the latest rate with stop-free days it never saw.
        let mut watched = pairs(1000, 995.0, 10.0, 1.0);
        watched.extend(pairs(60, 960.0, 10.0, 0.0));
        let latest = |seen: f64| {
            let all: Vec<WatchedPair> = watched.iter().copied().chain(silent(seen)).collect();
            StopRates::learn(&all, &[], Day(1000)).rates[0]
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
        let rates = StopRates::learn(&watched, &[], Day(1000));
        let mean = rates.rates.iter().sum::<f64>() / rates.rates.len() as f64;
        for r in &rates.rates[1..rates.rates.len() - 1] {
            assert!((r / mean - 1.0).abs() < 0.25, "{:?}", rates.rates);
        }
    }

    #[test]
    fn the_last_sixteen_weeks_are_cut_into_two_week_slots_within_their_blocks() {
        let r = rates_of(vec![0.001; 18]);
        let mut pieces = Vec::new();
        r.spread_slots(850.0, 1010.0, |block, slot, days| {
            pieces.push((block, slot, days))
        });
        // Before day 888 (112 days back) one piece per block and no slot.
        assert_eq!(pieces[0], (2, None, 38.0));
        // Then slot 7 (days 888..902) down to slot 0, which runs on past the day learned on.
        let slots: Vec<(usize, Option<usize>, f64)> = (0..SURGE_SLOTS)
            .rev()
            .map(|s| (s / 4, Some(s), if s == 0 { 24.0 } else { 14.0 }))
            .collect();
        assert_eq!(pieces[1..], slots[..]);
        let total: f64 = pieces.iter().map(|p| p.2).sum();
        assert_eq!(total, 160.0);
    }

    /// Groups 0 and 1 hold one product in two segments, group 2 another product; each has 300
    /// pairs still bought and a stop every few days over the whole history. `burst` lists the
    /// groups where 100 more pairs stopped for certain around day 960.
    fn surge_world(burst: &[u32]) -> Vec<WatchedPair> {
        let mut watched = Vec::new();
        for group in 0..3u32 {
            let in_group = |p: WatchedPair| WatchedPair {
                group: Some(group),
                ..p
            };
            watched.extend(pairs(300, 995.0, 10.0, 1.0).into_iter().map(in_group));
            for day in (0..1000).step_by(5) {
                watched.extend(
                    pairs(1, f64::from(day), 10.0, 0.0)
                        .into_iter()
                        .map(in_group),
                );
            }
            if burst.contains(&group) {
                for i in 0..100 {
                    let last = 955.0 + f64::from(i % 10);
                    watched.extend(pairs(1, last, 10.0, 0.0).into_iter().map(in_group));
                }
            }
        }
        watched
    }

    const GROUP_PRODUCTS: [u32; 3] = [7, 7, 8];

    #[test]
    fn a_product_taken_from_one_segment_surges_there_in_the_weeks_of_the_stops() {
        let rates = StopRates::learn(&surge_world(&[0]), &GROUP_PRODUCTS, Day(1000));
        assert_eq!(rates.surges.keys().copied().collect::<Vec<_>>(), vec![0]);
        let surge = rates.surges[&0];
        // The stops fall in days 955..974, most in slot 2 (days 958..972), where the EM puts
        // them; the other slots stay near everyone's rate.
        assert!(surge[2] > 10.0, "{surge:?}");
        let others = surge.iter().enumerate().filter(|(s, _)| *s != 2);
        assert!(others.clone().all(|(_, f)| *f < 2.0), "{surge:?}");
        let in_burst = rates.stop_chance(958.0, 10.0, Some(&surge));
        let elsewhere = rates.stop_chance(958.0, 10.0, None);
        // A hundred of the group's 600 pairs stopped within two weeks: about one in six of
        // those last bought then, against about 1% anywhere else.
        assert!(
            in_burst > 0.12 && elsewhere < 0.015,
            "{in_burst} {elsewhere}"
        );
        // A pair of the group bought after the burst is back to everyone's chance.
        let after = rates.stop_chance(990.0, 5.0, Some(&surge));
        assert!(after < 3.0 * rates.stop_chance(990.0, 5.0, None), "{after}");
    }

    #[test]
    fn a_product_stopping_in_every_segment_alike_does_not_surge() {
        let rates = StopRates::learn(&surge_world(&[0, 1]), &GROUP_PRODUCTS, Day(1000));
        assert!(rates.surges.is_empty(), "{:?}", rates.surges);
        let quiet = StopRates::learn(&surge_world(&[]), &GROUP_PRODUCTS, Day(1000));
        assert!(quiet.surges.is_empty(), "{:?}", quiet.surges);
    }

    #[test]
    fn no_pairs_learn_the_floor() {
        let rates = StopRates::learn(&[], &[], Day(10));
        assert_eq!(rates.rates, vec![RATE_BOUNDS.0]);
    }
}
