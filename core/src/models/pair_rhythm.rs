//! The rhythm of one customer x product pair, and the chance that it has stopped.
//!
//! Owns: [`PairRhythm`] (a pair's intervals between purchase days, measured on a clock the
//! caller chooses: the detectors count the customer's own order days, see below),
//! [`RhythmPriors`] (the pooled regularity of each product and each
//! customer, which pairs with few intervals borrow) and [`PairRhythm::lapse`], the scoring of
//! the open gap since the last purchase as a censored interval. Detectors decide what to flag;
//! nothing here reads the state.
//!
//! # The model
//!
//! B2B items are bought on the customer's order days, so the natural clock of a pair is the
//! customer's orders: an item bought every second order has intervals 2, 2, 2, 3, 2 however
//! the order days themselves wander, and a customer who orders less often, or closes for the
//! holidays, has not lapsed any item. Measured this way a regular item's intervals vary far
//! less than in calendar days, and two missed orders in a row say more than a gap in days.
//!
//! Intervals of a pair that is still bought are gamma with the pair's mean `m` and squared
//! coefficient of variation `c²`. The pair's own `c²` is shrunk toward the prior of its product
//! and of its customer, each worth [`PRIOR_INTERVALS`] intervals, so a pair with 3 intervals is
//! mostly its product's and customer's behaviour and one with 40 speaks for itself:
//!
//! `c²_post = (n c²_pair + k (c²_product + c²_customer) / 2) / (n + k)`.
//!
//! The pair's mean is known only from its own `n` intervals, so a gap is scored under the
//! posterior predictive rather than at the sample mean: with shape `a = 1 / c²` and the rate
//! under a Jeffreys prior, `P(X > g) = P(B > g / (g + n m))`, `B ~ Beta(a, n a)`. With twelve
//! intervals this is close to the gamma at the mean; with three or four the tail is fatter by
//! what the mean itself may be off. Scoring the few-interval pairs at their sample mean made
//! them look stopped too soon: on the 2,000-customer tuning set, pairs with three to five
//! intervals scored 0.3-0.8 had stopped 6% of the time where 46% was predicted.
//!
//! A steady buyer still skips a purchase now and then (stock on hand, a closed week), which
//! makes one interval about twice as long. An interval longer than [`SKIP_RATIO`] times the
//! pair's median counts as a skip: it is left out of the mean and CV², and the skip rate `s`
//! makes the survival of a gap a mixture of one, two and three intervals. A pair's `s` is its
//! skips shrunk toward the population's rate with a beta-binomial prior whose weight is learned
//! from how much the pairs' skip counts spread: when skips strike every pair alike, a pair's
//! twelve clean intervals are luck, not a pair that never skips (taking them at their word made
//! two missed purchases look like a stop: P = 0.69 where 0.37 had stopped, on the synthetic
//! distributor). Pairs that skip often (an item bought every one and a half orders) keep their
//! own rate, shrunk by [`PRIOR_INTERVALS`]:
//!
//! `S(g) = (1 - s) S₁(g) + s (1 - s) S₂(g) + s² S₃(g)`, `Sₖ` the survival of a sum of `k` (shape `k a`,
//! predictive as above).
//!
//! ## Two clocks
//!
//! The order clock alone cannot tell an order placed before the item was needed from one placed
//! after: two orders without an item bought every fourteen days mean little when both fell in
//! the same fortnight, and a great deal when the second came a week after the item was due. So
//! each interval is measured in calendar days too (the steady intervals' mean and CV², the CV²
//! pooled toward the population's median with [`PRIOR_INTERVALS`]), and an open gap is read on
//! both clocks ([`OpenGap`]: the orders since the last purchase, and the days up to the
//! customer's latest order, since the days after it say nothing of the item). The two are
//! taken as independent given how many purchases were skipped:
//!
//! `S(g, d) = (1 - s) S₁(g) D₁(d) + s (1 - s) S₂(g) D₂(d) + s² S₃(g) D₃(d)`, `Dₖ` the calendar
//! survival of `k` intervals (predictive as above).
//!
//! Against what happened (the gap-survival table of BENCHMARKS.md, which needs no labels), the
//! order clock alone was two to three times too likely to see a gap of one or two skips
//! (`S` between 1e-3 and 1e-1) in a pair that went on; read on both clocks it is within 1.4x
//! there. Beyond 1e-4 the two clocks, which do move together, claim too much.
//!
//! A pair stops at a rate `h(t)` per calendar day, the same for every pair on a given day and
//! changing over time in blocks of two months ([`super::stop_rates`], learned by EM over every
//! pair's watched time and open gap), so after a purchase on day `L` it stops before the next
//! with probability `q = 1 - exp(-∫ h from L to L + median interval in days)`: an item bought
//! weekly has four chances to stop for a monthly item's one, each a quarter as likely (one rate
//! per purchase for every pair scored weekly items two missed orders overdue at 0.55 where 0.32
//! had stopped, on the synthetic distributor), and a pair last bought in a burst of stops (a
//! competitor's launch) is likelier to have stopped than one last bought before it; and where
//! one product's pairs in one segment stopped far more often over the last weeks than the same
//! product elsewhere (a competitor's substitute), that group's rate surges over those weeks
//! ([`super::stop_rates`], "Surges"). An open gap `g` is a censored
//! interval: a pair still bought shows it with probability `S(g)`, a stopped pair always does,
//! so
//!
//! `P(stopped | gap g) = q / (q + (1 - q) S(g))`.
//!
//! A pair whose silence is its product's (out of season, or the product paused for everyone)
//! is watched by the stop rates only up to its last purchase: its gap says nothing of whether
//! it stopped. Counted as stops, every season's end raised the rate for everyone (on the
//! synthetic distributor, about 20 to 100 stops per 100,000 pair-days before any planted
//! event, where none had happened), and that error had hidden the order clock's too-fat
//! survival: the two cancelled on one seed and not on another.
//!
//! # Limits
//!
//! The latest block of the stop rate is the least certain: a stop shows only once the pair's
//! gap has grown past its rhythm, so the stops of the last weeks are mostly still to be seen
//! when the rate is learned, and the block takes the rate of the one before when that is
//! higher (see [`super::stop_rates`]). The two clocks are not independent: deep in the tail
//! (`S` below 1e-4) their product is too small, which matters only for pairs already scored
//! near 1. Calibration against the planted truth is in BENCHMARKS.md.

use super::stop_rates::{stopped_given_gap, StopRates, WatchedPair};
use crate::day::Day;
use crate::detect::rhythm::{median, MIN_CV2};
use std::collections::HashMap;

/// Weight, in intervals, of the product's and the customer's pooled CV² in a pair's CV².
pub const PRIOR_INTERVALS: f64 = 6.0;
/// Intervals of the pair's current rhythm (older ones may belong to another rhythm).
pub const RECENT_INTERVALS: usize = 12;
/// An interval longer than this many median intervals is a skipped purchase.
pub const SKIP_RATIO: f64 = 1.6;

/// A pair's purchase rhythm up to a day.
#[derive(Clone, Debug, PartialEq)]
pub struct PairRhythm {
    /// Purchase days (distinct days with a net purchase).
    pub purchases: usize,
    /// Mean of the recent intervals, in clock units.
    pub mean_interval: f64,
    /// The pair's own CV² of the recent intervals (before pooling).
    pub cv2: f64,
    /// Intervals the statistics rest on (skips excluded).
    pub intervals: usize,
    /// Recent intervals that were skips.
    pub skips: usize,
    /// Median interval in calendar days (for evidence and due days).
    pub median_days: f64,
    /// Mean of the recent steady intervals in calendar days.
    pub mean_days: f64,
    /// The pair's own CV² of the recent steady intervals in calendar days (before pooling).
    pub days_cv2: f64,
    /// Net amount per purchase day, over the recent purchases.
    pub net_per_purchase: f64,
}

impl PairRhythm {
    /// The rhythm of purchase `days` (ascending) with their net amounts, intervals measured by
    /// `clock(from, to)`. `None` with fewer than two steady intervals.
    pub fn from_days(
        days: &[crate::day::Day],
        nets: &[f64],
        clock: impl Fn(crate::day::Day, crate::day::Day) -> f64,
    ) -> Option<PairRhythm> {
        if days.len() < 3 {
            return None;
        }
        let recent = &days[days.len().saturating_sub(RECENT_INTERVALS + 1)..];
        let calendar: Vec<f64> = recent.windows(2).map(|w| f64::from(w[1] - w[0])).collect();
        let median_days = median(calendar.clone()).unwrap_or(0.0);
        let (steady, skipped): (Vec<usize>, Vec<usize>) =
            (0..calendar.len()).partition(|&i| calendar[i] <= SKIP_RATIO * median_days);
        if steady.len() < 2 {
            return None;
        }
        let open: Vec<f64> = steady
            .iter()
            .map(|&i| clock(recent[i], recent[i + 1]).max(1.0))
            .collect();
        let (mean_interval, cv2) = mean_and_cv2(&open);
        let steady_days: Vec<f64> = steady.iter().map(|&i| calendar[i]).collect();
        let (mean_days, days_cv2) = mean_and_cv2(&steady_days);
        let recent_nets = &nets[nets.len().saturating_sub(recent.len())..];
        Some(PairRhythm {
            purchases: days.len(),
            mean_interval,
            cv2,
            intervals: open.len(),
            skips: skipped.len(),
            median_days,
            mean_days,
            days_cv2,
            net_per_purchase: recent_nets.iter().sum::<f64>() / recent_nets.len() as f64,
        })
    }

    /// The pair's CV² pooled toward its product's and customer's.
    pub fn pooled_cv2(&self, product_cv2: f64, customer_cv2: f64) -> f64 {
        let n = self.intervals as f64;
        let prior = (product_cv2 + customer_cv2) / 2.0;
        ((n * self.cv2 + PRIOR_INTERVALS * prior) / (n + PRIOR_INTERVALS)).max(MIN_CV2)
    }

    /// The pair's calendar CV² pooled toward the population's `population_days_cv2`.
    pub fn pooled_days_cv2(&self, population_days_cv2: f64) -> f64 {
        let n = self.intervals as f64;
        ((n * self.days_cv2 + PRIOR_INTERVALS * population_days_cv2) / (n + PRIOR_INTERVALS))
            .max(MIN_CV2)
    }

    /// Whether the pair skips often enough to carry a skip rate of its own (an item bought
    /// every one and a half orders alternates 1 and 2), rather than the occasional skip that
    /// every steady buyer shares.
    pub fn skips_often(&self) -> bool {
        self.skips as f64 > OCCASIONAL_SKIP_SHARE * (self.intervals + self.skips) as f64
    }

    /// The pair's skip rate shrunk toward the population's under `priors`: an occasional
    /// skipper is shrunk with the weight the population's spread of skip counts supports
    /// ([`RhythmPriors::skip_prior_weight`]); a pair that skips often by
    /// [`PRIOR_INTERVALS`] only.
    pub fn pooled_skip_rate(&self, priors: &RhythmPriors) -> f64 {
        let weight = if self.skips_often() {
            PRIOR_INTERVALS
        } else {
            priors.skip_prior_weight
        };
        let n = (self.intervals + self.skips) as f64;
        (self.skips as f64 + weight * priors.skip_rate) / (n + weight)
    }

    /// P(an open gap as long as `gap` on both clocks while still buying): one, two or three
    /// intervals, each as long in orders and in days, the two clocks independent given how
    /// many purchases were skipped. `cv2` and `days_cv2` are the pooled CV² on each clock.
    pub fn gap_survival(&self, gap: OpenGap, cv2: f64, days_cv2: f64, skip_rate: f64) -> f64 {
        let no_ceiling = self.gap_survival_within(gap, (cv2, days_cv2), skip_rate, f64::INFINITY);
        no_ceiling.unwrap_or(1.0)
    }

    /// [`PairRhythm::gap_survival`] when it may be at most `ceiling`; `None` once its first
    /// term (the gap within one interval) is above it, since the survival is at least that
    /// term: a scorer that only needs to know whether the survival is low enough skips the
    /// two- and three-interval terms of every pair that is plainly still on its rhythm.
    pub fn gap_survival_within(
        &self,
        gap: OpenGap,
        (cv2, days_cv2): (f64, f64),
        skip_rate: f64,
        ceiling: f64,
    ) -> Option<f64> {
        let s = skip_rate;
        let n = self.intervals as f64;
        // What the pair's intervals say of its rate on each clock: `n` intervals of shape
        // `1 / cv2` summing to `n m`.
        let (shape, days_shape) = (1.0 / cv2, 1.0 / days_cv2);
        let sum_of = |k: f64| {
            predictive_survival(gap.orders, k * shape, n * shape, n * self.mean_interval)
                * predictive_survival(gap.days, k * days_shape, n * days_shape, n * self.mean_days)
        };
        let one_interval = (1.0 - s) * sum_of(1.0);
        if one_interval > ceiling {
            return None;
        }
        Some(one_interval + s * (1.0 - s) * sum_of(2.0) + s * s * sum_of(3.0))
    }

    /// P(stopped | an open `gap`) with pooled CV² `cv2` and `days_cv2`, skip rate `skip_rate`
    /// and chance `stop_chance` of stopping within an interval.
    pub fn lapse(
        &self,
        gap: OpenGap,
        cv2: f64,
        days_cv2: f64,
        skip_rate: f64,
        stop_chance: f64,
    ) -> f64 {
        stopped_given_gap(
            stop_chance,
            self.gap_survival(gap, cv2, days_cv2, skip_rate),
        )
    }

    /// Expected purchases over `horizon_days` calendar days if the pair goes on.
    pub fn purchases_over(&self, horizon_days: f64) -> f64 {
        horizon_days / self.median_days.max(1.0)
    }
}

/// A gap without the item of `k` orders (or days) means the interval is at least `k + 1`: the
/// continuous survival is read half a unit beyond `k`.
pub const CONTINUITY: f64 = 0.5;

/// The open gap since a pair's last purchase, on both of its clocks, up to its customer's
/// latest order (the days after it say nothing of the item).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OpenGap {
    /// The customer's orders since the last purchase, plus [`CONTINUITY`].
    pub orders: f64,
    /// Days from the last purchase to the customer's latest order, plus [`CONTINUITY`].
    pub days: f64,
}

impl OpenGap {
    /// The gap of a pair last bought on `last`: `orders` orders since, and the days to the
    /// customer's `latest_order` (none: no days).
    pub fn since(last: Day, orders: u32, latest_order: Option<Day>) -> OpenGap {
        OpenGap::of(f64::from(orders), latest_order.map_or(0, |d| d - last))
    }

    /// The gap of `orders` orders over `days` days, each read half a unit on.
    pub fn of(orders: f64, days: i32) -> OpenGap {
        OpenGap {
            orders: orders + CONTINUITY,
            days: f64::from(days.max(0)) + CONTINUITY,
        }
    }
}

/// P(a sum of gamma intervals of total shape `shape` lasts longer than `gap`) when their rate
/// is known only from intervals of total shape `evidence` that summed to `scale`: under the
/// rate's posterior (Jeffreys prior), `X / scale` is `G / H` with `G ~ Gamma(shape)` and
/// `H ~ Gamma(evidence)`, so `P(X > gap) = P(B > gap / (gap + scale))` with
/// `B ~ Beta(shape, evidence)`. With many intervals this is the gamma survival at the pair's
/// mean; with few, the tail is fatter by what the mean itself may be off.
fn predictive_survival(gap: f64, shape: f64, evidence: f64, scale: f64) -> f64 {
    if gap <= 0.0 {
        return 1.0;
    }
    let u = gap / (gap + scale);
    statrs::function::beta::checked_beta_reg(evidence, shape, 1.0 - u)
        .map_or(1.0, |p| p.clamp(0.0, 1.0))
}

/// The mean and squared coefficient of variation (sample variance over the squared mean) of
/// at least two steady intervals: the one arithmetic every way of building a [`PairRhythm`]
/// shares, so they agree to the bit.
pub(crate) fn mean_and_cv2(intervals: &[f64]) -> (f64, f64) {
    let n = intervals.len() as f64;
    let mean = intervals.iter().sum::<f64>() / n;
    let var = intervals.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var / (mean * mean))
}

/// Pooled regularity of products and customers, and the population's stop rate.
#[derive(Clone, Debug, PartialEq)]
pub struct RhythmPriors {
    /// Median CV² of each product's pairs (population median where a product has none).
    pub product_cv2: Vec<f64>,
    /// Median CV² of each customer's pairs (population median where a customer has none).
    pub customer_cv2: Vec<f64>,
    /// Median CV² of every pair.
    pub population_cv2: f64,
    /// Median calendar CV² of every pair, which a pair's own is pooled toward.
    pub population_days_cv2: f64,
    /// Skipped purchases per interval over the occasional skippers.
    pub skip_rate: f64,
    /// How many intervals the population's skip rate is worth in an occasional skipper's own
    /// rate: the beta-binomial prior's `α + β`, from how much more the pairs' skip counts
    /// spread than a shared rate would make them.
    pub skip_prior_weight: f64,
    /// Stops per pair and calendar day, over time: see [`RhythmPriors::stop_chance`].
    pub stop_rates: StopRates,
    /// The (segment, product) groups whose stops surge ([`StopRates::surges`]), by the index
    /// the surges are kept under.
    pub surging: HashMap<(u32, u32), u32>,
}

/// Pairs skipping more than this share of their intervals carry their own skip rate and are
/// left out of the population's.
const OCCASIONAL_SKIP_SHARE: f64 = 0.25;
/// The skip rate is kept within these bounds.
const SKIP_RATE_BOUNDS: (f64, f64) = (0.001, 0.3);

/// One measured pair, as [`RhythmPriors::learn`] reads it.
pub struct MeasuredPair<'a> {
    /// Product index.
    pub product: usize,
    /// Customer index.
    pub customer: usize,
    /// The rhythm.
    pub rhythm: &'a PairRhythm,
    /// Its open gap.
    pub gap: OpenGap,
    /// Its last purchase day.
    pub last: Day,
    /// The customer's last order day (up to the day learned on): the gap, counted in the
    /// customer's orders, says nothing of the days after it.
    pub seen: Day,
    /// The customer's segment, if it has one: the pairs of one product in one segment form a
    /// group whose stops may surge ([`StopRates::surges`]).
    pub segment: Option<u32>,
    /// Whether the pair's silence is its product's (out of season, paused): its open gap then
    /// says nothing of whether it stopped.
    pub silent_with_product: bool,
}

impl MeasuredPair<'_> {
    /// The segment of the pair's (segment, product) group: none when its silence is its
    /// product's, since a season's end is not a competitor.
    fn group_segment(&self) -> Option<u32> {
        self.segment.filter(|_| !self.silent_with_product)
    }
}

impl RhythmPriors {
    /// Learns the priors on day `as_of` from every measured pair.
    pub fn learn<'a>(
        pairs: impl Iterator<Item = MeasuredPair<'a>> + Clone,
        products: usize,
        customers: usize,
        as_of: Day,
    ) -> RhythmPriors {
        let mut by_product: Vec<Vec<f64>> = vec![Vec::new(); products];
        let mut by_customer: Vec<Vec<f64>> = vec![Vec::new(); customers];
        for p in pairs.clone() {
            by_product[p.product].push(p.rhythm.cv2);
            by_customer[p.customer].push(p.rhythm.cv2);
        }
        let population_cv2 = median(by_product.iter().flatten().copied().collect()).unwrap_or(1.0);
        let pooled = |groups: Vec<Vec<f64>>| -> Vec<f64> {
            groups
                .into_iter()
                .map(|g| median(g).unwrap_or(population_cv2))
                .collect()
        };
        let population_days_cv2 =
            median(pairs.clone().map(|p| p.rhythm.days_cv2).collect()).unwrap_or(1.0);
        let product_cv2 = pooled(by_product);
        let customer_cv2 = pooled(by_customer);
        let (skip_rate, skip_prior_weight) =
            occasional_skip_prior(pairs.clone().map(|p| p.rhythm).filter(|r| !r.skips_often()));
        let mut priors = RhythmPriors {
            product_cv2,
            customer_cv2,
            population_cv2,
            population_days_cv2,
            skip_rate,
            skip_prior_weight,
            stop_rates: StopRates::constant(0.0, as_of),
            surging: HashMap::new(),
        };
        let groups = index_groups(pairs.clone());
        priors.stop_rates = priors.learn_stop_rates(pairs, &groups, as_of);
        priors.surging = groups
            .into_iter()
            .filter(|(_, g)| priors.stop_rates.surges.contains_key(g))
            .collect();
        priors
    }

    /// P(an open `gap` while still buying) of a pair of `product` and `customer` with
    /// `rhythm`: its survival under its CV² pooled toward theirs, its calendar CV² pooled
    /// toward the population's, and its pooled skip rate.
    pub fn gap_survival(
        &self,
        rhythm: &PairRhythm,
        gap: OpenGap,
        product: usize,
        customer: usize,
    ) -> f64 {
        let no_ceiling = self.gap_survival_within(rhythm, gap, (product, customer), f64::INFINITY);
        no_ceiling.unwrap_or(1.0)
    }

    /// [`RhythmPriors::gap_survival`] when it may be at most `ceiling`, `None` when it is
    /// certainly above ([`PairRhythm::gap_survival_within`]).
    pub fn gap_survival_within(
        &self,
        rhythm: &PairRhythm,
        gap: OpenGap,
        (product, customer): (usize, usize),
        ceiling: f64,
    ) -> Option<f64> {
        let cv2 = rhythm.pooled_cv2(self.product_cv2[product], self.customer_cv2[customer]);
        let days_cv2 = rhythm.pooled_days_cv2(self.population_days_cv2);
        let skip_rate = rhythm.pooled_skip_rate(self);
        rhythm.gap_survival_within(gap, (cv2, days_cv2), skip_rate, ceiling)
    }

    /// The chance that a pair last bought on `last` stops before its next purchase: the stop
    /// rate per day summed over the pair's median interval in days after `last`. A stop is an
    /// event in time, not in purchases: an item bought weekly has four purchases in which to
    /// stop for a monthly item's one, and each is a quarter as likely to be its last.
    /// A pair of a surging (segment, product) group takes its group's surge over the last weeks.
    pub fn stop_chance(
        &self,
        rhythm: &PairRhythm,
        last: Day,
        product: usize,
        segment: Option<u32>,
    ) -> f64 {
        let surge = segment
            .and_then(|s| self.surging.get(&(s, product as u32)))
            .and_then(|g| self.stop_rates.surges.get(g));
        self.stop_rates
            .stop_chance(f64::from(last.0), rhythm.median_days, surge)
    }

    /// The stop rates that make the pairs' open gaps most likely ([`StopRates::learn`]): each
    /// pair is watched over its recent intervals (a skipped purchase counts twice) and its open
    /// gap, and its open gap would be seen with the gap's survival if it still bought.
    fn learn_stop_rates<'a>(
        &self,
        pairs: impl Iterator<Item = MeasuredPair<'a>>,
        groups: &HashMap<(u32, u32), u32>,
        as_of: Day,
    ) -> StopRates {
        let watched: Vec<WatchedPair> = pairs
            .map(|p| {
                let r = p.rhythm;
                let interval_days = r.median_days.max(1.0);
                let last = f64::from(p.last.0);
                // A gap its product explains is watched no further than the last purchase:
                // counted as a stop, a season's end would raise the rate for everyone.
                let seen = if p.silent_with_product {
                    p.last
                } else {
                    p.seen
                };
                WatchedPair {
                    from: last - (r.intervals + 2 * r.skips) as f64 * interval_days,
                    last,
                    seen: f64::from(seen.0),
                    interval_days,
                    survival: self.gap_survival(r, p.gap, p.product, p.customer),
                    group: p
                        .group_segment()
                        .and_then(|s| groups.get(&(s, p.product as u32)).copied()),
                }
            })
            .collect();
        let mut group_products = vec![0; groups.len()];
        for (&(_, product), &g) in groups {
            group_products[g as usize] = product;
        }
        StopRates::learn(&watched, &group_products, as_of)
    }
}

/// Numbers each (segment, product) group of `pairs` in the order it first appears.
fn index_groups<'a>(pairs: impl Iterator<Item = MeasuredPair<'a>>) -> HashMap<(u32, u32), u32> {
    let mut groups = HashMap::new();
    for p in pairs {
        if let Some(segment) = p.group_segment() {
            let next = groups.len() as u32;
            groups.entry((segment, p.product as u32)).or_insert(next);
        }
    }
    groups
}

/// The prior weight is kept within these bounds: never less than [`PRIOR_INTERVALS`], and at
/// most what makes a pair's own skips irrelevant.
const SKIP_PRIOR_WEIGHT_BOUNDS: (f64, f64) = (PRIOR_INTERVALS, 1_000.0);

/// The occasional skippers' shared skip rate and its beta-binomial prior weight, by the method
/// of moments: with skip counts `kᵢ` of `nᵢ` intervals, rate `p = Σk / Σn` and intra-class
/// correlation `ρ` from `Σ(kᵢ - nᵢp)² = p(1-p) Σ nᵢ (1 + (nᵢ - 1) ρ)`, the weight is
/// `(1 - ρ) / ρ`. Skips that strike every pair alike (ρ near 0) give a large weight: a pair
/// with no skip in twelve intervals is then not taken to never skip, which would make two
/// missed purchases look like a stop.
fn occasional_skip_prior<'a>(rhythms: impl Iterator<Item = &'a PairRhythm> + Clone) -> (f64, f64) {
    let counts = rhythms.map(|r| (r.skips as f64, (r.intervals + r.skips) as f64));
    let (skips, all) = counts
        .clone()
        .fold((0.0, 0.0), |(s, n), (k, m)| (s + k, n + m));
    if all <= 0.0 {
        return (SKIP_RATE_BOUNDS.0, SKIP_PRIOR_WEIGHT_BOUNDS.0);
    }
    let p = (skips / all).clamp(SKIP_RATE_BOUNDS.0, SKIP_RATE_BOUNDS.1);
    let (spread, pairs_of_intervals) = counts.fold((0.0, 0.0), |(d, pairs), (k, n)| {
        (
            d + (k - n * p).powi(2) - n * p * (1.0 - p),
            pairs + n * (n - 1.0),
        )
    });
    let rho = spread / (p * (1.0 - p) * pairs_of_intervals.max(1.0));
    let weight = if rho > 0.0 {
        (1.0 - rho) / rho
    } else {
        SKIP_PRIOR_WEIGHT_BOUNDS.1
    };
    (
        p,
        weight.clamp(SKIP_PRIOR_WEIGHT_BOUNDS.0, SKIP_PRIOR_WEIGHT_BOUNDS.1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::Day;

    fn rhythm_of(days: &[i32]) -> PairRhythm {
        let days: Vec<Day> = days.iter().map(|d| Day(*d)).collect();
        let nets = vec![10.0; days.len()];
        PairRhythm::from_days(&days, &nets, |a, b| f64::from(b - a)).unwrap()
    }

    /// A gap of `orders` clock units read on the order clock alone (no days to the latest
    /// order, so the calendar says nothing).
    fn orders_only(orders: f64) -> OpenGap {
        OpenGap { orders, days: 0.0 }
    }

    #[test]
    fn a_steady_pair_has_its_interval_and_little_variation() {
        let r = rhythm_of(&[0, 14, 28, 42, 56]);
        assert_eq!(r.mean_interval, 14.0);
        assert_eq!(r.cv2, 0.0);
        assert_eq!(r.intervals, 4);
        assert_eq!(r.median_days, 14.0);
        assert_eq!(r.net_per_purchase, 10.0);
        assert!(
            PairRhythm::from_days(&[Day(0), Day(5)], &[1.0, 1.0], |a, b| f64::from(b - a))
                .is_none()
        );
    }

    #[test]
    fn few_intervals_borrow_the_priors_and_many_speak_for_themselves() {
        let few = rhythm_of(&[0, 10, 20, 30]);
        let pooled = few.pooled_cv2(0.5, 0.3);
        let expected = (3.0 * 0.0 + PRIOR_INTERVALS * 0.4) / (3.0 + PRIOR_INTERVALS);
        assert!((pooled - expected).abs() < 1e-12);
        let days: Vec<i32> = (0..41).map(|i| i * 10 + (i % 2) * 3).collect();
        let many = rhythm_of(&days);
        assert_eq!(many.intervals, RECENT_INTERVALS);
        assert!((many.pooled_cv2(0.5, 0.5) - many.cv2).abs() < 0.35);
    }

    #[test]
    fn the_lapse_probability_rises_with_the_gap_and_is_the_prior_at_zero() {
        let r = rhythm_of(&[0, 14, 28, 42, 56]);
        let cv2 = 0.1;
        let at = |g: f64| r.lapse(orders_only(g), cv2, cv2, 0.0, 0.02);
        assert!((at(0.0) - 0.02).abs() < 1e-9, "nothing learned from no gap");
        assert!(at(14.0) < 0.1);
        assert!(at(28.0) > 0.5);
        assert!(at(42.0) > 0.98);
        assert!(at(21.0) < at(28.0));
    }

    proptest::proptest! {
        /// A ceiling only decides whether the survival is worked out: where it is, it is the
        /// same number; where it is not, it is above the ceiling; and the probability that
        /// reaches a threshold is reached exactly when the full one reaches it.
        #[test]
        fn a_ceiling_skips_only_survivals_above_it(
            spread in 0.0f64..6.0,
            gap in (0.0f64..60.0, 0i32..90),
            (cv2, days_cv2, skip_rate) in (0.01f64..1.5, 0.01f64..1.5, 0.0f64..0.6),
            ceiling in 0.0f64..1.2,
            (stop_chance, threshold) in (0.0f64..1.0, 0.5f64..1.0),
        ) {
            let r = rhythm_of(&[0, 14, 28 + spread as i32, 42, 56 + 2 * spread as i32, 70]);
            let gap = OpenGap::of(gap.0, gap.1);
            let full = r.gap_survival(gap, cv2, days_cv2, skip_rate);
            match r.gap_survival_within(gap, (cv2, days_cv2), skip_rate, ceiling) {
                Some(s) => proptest::prop_assert_eq!(s, full),
                None => proptest::prop_assert!(full > ceiling),
            }
            let p = stopped_given_gap(stop_chance, full);
            let reaching = crate::models::stop_rates::survival_ceiling(stop_chance, threshold)
                .and_then(|c| r.gap_survival_within(gap, (cv2, days_cv2), skip_rate, c))
                .map(|s| stopped_given_gap(stop_chance, s))
                .filter(|q| *q >= threshold);
            proptest::prop_assert_eq!(reaching, Some(p).filter(|p| *p >= threshold));
        }
    }

    #[test]
    fn few_intervals_leave_the_mean_uncertain_and_fatten_the_tail() {
        let few = rhythm_of(&[0, 14, 28, 42, 56]);
        let many = rhythm_of(&(0..13).map(|i| 14 * i).collect::<Vec<_>>());
        assert_eq!((few.intervals, many.intervals), (4, 12));
        let tail = |r: &PairRhythm| r.gap_survival(orders_only(42.0), 0.1, 0.1, 0.0);
        assert!(
            tail(&few) > 5.0 * tail(&many),
            "four intervals say less than twelve"
        );
        let known_mean = crate::detect::rhythm::gap_survival(42.0, 14.0, 0.1);
        assert!(tail(&many) > known_mean);
        let endless = PairRhythm {
            intervals: 100_000,
            ..many
        };
        assert!(
            (tail(&endless) / known_mean - 1.0).abs() < 0.01,
            "the gamma in the limit"
        );
        assert!((few.gap_survival(orders_only(0.0), 0.1, 0.1, 0.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn an_order_placed_after_the_item_was_due_says_more_than_one_placed_before() {
        // Bought every 14 days, on an order clock of its own (two orders per interval).
        let days: Vec<Day> = (0..13).map(|i| Day(14 * i)).collect();
        let nets = vec![10.0; days.len()];
        let r = PairRhythm::from_days(&days, &nets, |a, b| f64::from(b - a) / 7.0).unwrap();
        assert_eq!((r.mean_interval, r.mean_days), (2.0, 14.0));
        let (cv2, days_cv2, skip) = (0.05, 0.05, 0.03);
        // Two orders without the item: both within the usual fortnight, or the second a week
        // after the item was due.
        let early = r.gap_survival(OpenGap::of(2.0, 13), cv2, days_cv2, skip);
        let late = r.gap_survival(OpenGap::of(2.0, 21), cv2, days_cv2, skip);
        assert!(late < early / 3.0, "{late} {early}");
        let p = |gap| r.lapse(gap, cv2, days_cv2, skip, 0.01);
        assert!(p(OpenGap::of(2.0, 21)) > 2.5 * p(OpenGap::of(2.0, 13)));
        // A customer who has not ordered since leaves no gap on either clock, however long ago.
        assert_eq!(OpenGap::of(0.0, 0), OpenGap::of(0.0, -5));
        assert!(r.gap_survival(OpenGap::of(0.0, 0), cv2, days_cv2, skip) > 0.999);
    }

    #[test]
    fn a_skipped_purchase_is_left_out_of_the_rhythm_and_softens_a_double_gap() {
        let r = rhythm_of(&[0, 10, 20, 40, 50, 60]);
        assert_eq!((r.intervals, r.skips), (4, 1));
        assert_eq!(r.mean_interval, 10.0);
        let cv2 = 0.02;
        let lapse = |g: f64, skip: f64| r.lapse(orders_only(g), cv2, cv2, skip, 0.01);
        let without = lapse(21.0, 0.0);
        let with = lapse(21.0, 0.05);
        assert!(without > 0.99, "{without}");
        assert!(with < 0.5, "a skip explains a gap of two intervals: {with}");
        assert!(lapse(35.0, 0.05) > 0.9, "three and a half do not");
    }

    fn with_skips(skips: usize, intervals: usize) -> PairRhythm {
        PairRhythm {
            skips,
            intervals,
            ..rhythm_of(&[0, 10, 20, 30])
        }
    }

    #[test]
    fn skips_shared_alike_outweigh_a_pairs_clean_record_and_spread_ones_do_not() {
        // 40 of 100 pairs skipped once in 12 intervals, the others never: no more spread than
        // one shared rate of 1 in 30 gives by chance.
        let alike: Vec<PairRhythm> = (0..100)
            .map(|i| {
                if i < 40 {
                    with_skips(1, 11)
                } else {
                    with_skips(0, 12)
                }
            })
            .collect();
        let (rate, weight) = occasional_skip_prior(alike.iter());
        assert!((rate - 40.0 / 1200.0).abs() < 1e-12);
        assert_eq!(
            weight, SKIP_PRIOR_WEIGHT_BOUNDS.1,
            "no extra spread: {weight}"
        );
        // Half the pairs never skip, half skip 3 in 12: the pairs differ, their records count.
        let spread: Vec<PairRhythm> = (0..100)
            .map(|i| {
                if i % 2 == 0 {
                    with_skips(0, 12)
                } else {
                    with_skips(3, 9)
                }
            })
            .collect();
        let (rate, weight) = occasional_skip_prior(spread.iter());
        assert!((rate - 0.125).abs() < 1e-12);
        assert!(weight < 20.0, "{weight}");
        let priors = RhythmPriors {
            product_cv2: vec![],
            customer_cv2: vec![],
            population_cv2: 0.1,
            population_days_cv2: 0.1,
            skip_rate: rate,
            skip_prior_weight: weight,
            stop_rates: StopRates::constant(0.01, Day(0)),
            surging: HashMap::new(),
        };
        let clean = with_skips(0, 12).pooled_skip_rate(&priors);
        assert!(
            clean < 0.6 * rate,
            "a clean record is believed when pairs differ: {clean}"
        );
    }

    #[test]
    fn the_stop_rate_is_the_expected_stops_over_the_time_watched() {
        let r = rhythm_of(&[0, 10, 20, 30, 40]);
        let pairs = [(0.0, 0), (5.0, 1), (200.0, 0), (300.0, 1)];
        let measured = || {
            pairs.iter().map(|&(gap, c)| MeasuredPair {
                product: 0,
                customer: c,
                rhythm: &r,
                gap: orders_only(gap),
                last: Day(40),
                seen: Day(50),
                segment: None,
                silent_with_product: false,
            })
        };
        let priors = RhythmPriors::learn(measured(), 1, 2, Day(50));
        assert_eq!(priors.stop_rates.rates.len(), 1, "50 days: one block");
        // Each pair is watched over its four intervals from day 0 and, on day 50, has either
        // gone on (50 days) or stopped half an interval after its last purchase (45 days), with
        // P(stopped | its gap). At the fixed point the expected stops are the rate times the
        // expected time watched.
        let q = priors.stop_chance(&r, Day(40), 0, None);
        let (mut stops, mut days) = (0.0, 0.0);
        for &(gap, c) in &pairs {
            let cv2 = r.pooled_cv2(priors.product_cv2[0], priors.customer_cv2[c]);
            let days_cv2 = r.pooled_days_cv2(priors.population_days_cv2);
            let survival =
                r.gap_survival(orders_only(gap), cv2, days_cv2, r.pooled_skip_rate(&priors));
            let stopped = q / (q + (1.0 - q) * survival);
            stops += stopped;
            days += (1.0 - stopped) * 50.0 + stopped * 45.0;
        }
        let rate = priors.stop_rates.rates[0];
        assert!((rate * days - stops).abs() < 1e-6, "{priors:?}");
        assert!(rate > 2.0 / 200.0 && rate < 2.5 / 190.0, "{rate}");
        assert_eq!(priors.skip_rate, SKIP_RATE_BOUNDS.0, "no skips seen");
        assert_eq!(priors.product_cv2, vec![0.0]);
    }

    #[test]
    fn a_gap_its_product_explains_adds_no_stop() {
        // Forty pairs long silent, with a thousand still bought: as stops, the silent ones
        // set the rate; out of season, they set nothing.
        let r = rhythm_of(&[0, 10, 20, 30, 40]);
        let learn = |silent_with_product: bool| {
            let pair = |gap: f64, silent_with_product| MeasuredPair {
                product: 0,
                customer: 0,
                rhythm: &r,
                gap: orders_only(gap),
                last: Day(40),
                seen: Day(200),
                segment: None,
                silent_with_product,
            };
            let going_on = (0..1000).map(|_| pair(1.0, false));
            let silent = (0..40).map(move |_| pair(160.0, silent_with_product));
            // The highest block: the one the stops after day 40 fall in.
            RhythmPriors::learn(going_on.chain(silent), 1, 1, Day(200))
                .stop_rates
                .rates
                .into_iter()
                .fold(0.0, f64::max)
        };
        assert!(learn(false) > 1e-4, "{}", learn(false));
        assert_eq!(learn(true), super::super::stop_rates::RATE_BOUNDS.0);
    }

    #[test]
    fn a_pair_bought_four_times_as_often_is_a_quarter_as_likely_to_stop_per_purchase() {
        let priors = RhythmPriors {
            stop_rates: StopRates::constant(0.001, Day(0)),
            ..RhythmPriors::learn(std::iter::empty(), 0, 0, Day(0))
        };
        let weekly = priors.stop_chance(&rhythm_of(&[0, 7, 14, 21]), Day(21), 0, None);
        let monthly = priors.stop_chance(&rhythm_of(&[0, 28, 56, 84]), Day(84), 0, None);
        assert!((monthly / weekly - 4.0).abs() < 0.05, "{weekly} {monthly}");
    }
}
