//! The lapse scan: every regular pair's rhythm and the chance it has stopped, once per scene.
//!
//! Owns: [`LapseScan`] (computed lazily by [`Scene::lapses`] and shared by `item_lapsed`,
//! `variety_drop` and `item_lapsed_across_similar`) and the segment test that finds one product
//! lapsing at too many similar customers at once ([`segment_lapses`]). It reads the scene and
//! the pair rhythm model; it never emits signals itself.
//!
//! A pair is *regular* with at least [`MIN_PURCHASES`] purchase days. Its lapse is *reportable*
//! when P(stopped) reaches `item_lapsed_probability` and the customer still bought something
//! after the item was due: a customer silent on everything is `customer_at_risk`'s case, not an
//! item's. A pair that was silent over the same weeks a year earlier is seasonal, not lapsed;
//! so is every pair of a product paused for everyone (its regular buyers together bought it far
//! less than their rhythms expect: a season over, an item withdrawn; see the crate-private
//! `detect::product_pause`): that is the product's rhythm, not the customer's. A competitor
//! taking the item in one segment does not pause it. And a pair last bought before its
//! product's latest restart (the first sale after a product-wide silence of at least
//! [`PAUSE_WINDOW_DAYS`], a new season) waits for the customer's first purchase of the new
//! season: that is `seasonal_due`'s question, not an item lapse.
//!
//! The pairs' P(stopped) reads the pooled priors the scan learns first, among them the surge
//! of a (segment, product) whose pairs stopped far more often lately than the same product in
//! the other segments (a competitor's substitute; see [`crate::models::stop_rates`]). A pair
//! silent with its product (seasonal, paused, before a restart) counts toward no segment's
//! surge.

pub use super::product_pause::PAUSE_WINDOW_DAYS;
use super::product_pause::{pause_expectation, restarts, PauseActivity, PauseCounts};
use super::{product_pause, Scene};
use crate::day::Day;
use crate::ids::{CustomerId, LabelId, ProductId};
use crate::models::pair_rhythm::{MeasuredPair, OpenGap, PairRhythm, RhythmPriors};
use crate::models::stop_rates::{stopped_given_gap, survival_ceiling};
use statrs::distribution::{Binomial, DiscreteCDF};
use std::collections::BTreeMap;

/// Purchase days a pair needs to have a rhythm worth watching.
pub const MIN_PURCHASES: usize = 4;
/// Days after its due day over which a lapse counts toward its product's segment test.
pub const SEGMENT_WINDOW_DAYS: i32 = 42;

/// One regular pair's state at the scene's day.
#[derive(Clone, Debug)]
pub struct PairLapse {
    /// The customer.
    pub customer: CustomerId,
    /// The product.
    pub product: ProductId,
    /// The pair's rhythm.
    pub rhythm: PairRhythm,
    /// The last purchase day.
    pub last: Day,
    /// When the next purchase was due (last + median interval).
    pub due: Day,
    /// P(the pair stopped | its open gap).
    pub probability: f64,
    /// Expected net revenue over the horizon if the pair goes on.
    pub value: f64,
    /// Watched: overdue, the customer still buying, not a seasonal or product-wide pause. The
    /// lapse probability is calibrated over watched pairs.
    pub watched: bool,
    /// Reportable: watched and probable.
    pub reportable: bool,
}

/// Every regular pair of the scene, and the priors they were scored with.
#[derive(Clone, Debug)]
pub struct LapseScan {
    /// Regular pairs, by customer then product.
    pub pairs: Vec<PairLapse>,
    /// The learned priors.
    pub priors: RhythmPriors,
}

impl LapseScan {
    /// The reportable lapses.
    pub fn reportable(&self) -> impl Iterator<Item = &PairLapse> {
        self.pairs.iter().filter(|p| p.reportable)
    }
}

impl Scene<'_> {
    /// The lapse scan of this scene (computed on first use).
    pub fn lapses(&self) -> &LapseScan {
        self.lapse_scan.get_or_init(|| scan(self))
    }
}

struct Measured {
    customer: CustomerId,
    product: ProductId,
    rhythm: PairRhythm,
    last: Day,
    /// The open gap, on both clocks.
    gap: OpenGap,
    seasonal_pause: bool,
    /// Its purchase days over the pause windows.
    pause_counts: PauseCounts,
}

/// Order days of the customer in `(from, to]`: the clock of its pairs' rhythms.
pub(crate) fn orders_between(orders: &[Day], from: Day, to: Day) -> f64 {
    (orders.partition_point(|d| *d <= to) - orders.partition_point(|d| *d <= from)) as f64
}

fn measure(scene: &Scene<'_>) -> (Vec<Measured>, Vec<Vec<Day>>) {
    let mut out = Vec::new();
    let mut product_days: Vec<Vec<Day>> = vec![Vec::new(); scene.state.products().len()];
    for (customer, state) in scene.state.customers() {
        let orders = scene.days_of(customer);
        for history in state.pairs() {
            let (days, nets): (Vec<Day>, Vec<f64>) = history.purchases_until(scene.as_of).unzip();
            product_days[history.product.index()].extend_from_slice(&days);
            let Some(m) = measure_pair(&days, &nets, orders, scene.as_of) else {
                continue;
            };
            let gap = m.open_gap(orders);
            out.push(Measured {
                pause_counts: PauseCounts::of_days(&days, scene.as_of),
                customer,
                product: history.product,
                rhythm: m.rhythm,
                last: m.last,
                gap,
                seasonal_pause: m.seasonal_until.is_some(),
            });
        }
    }
    (out, product_days)
}

/// One pair measured at a day: what the scan and the real-time feed ([`crate::realtime`]) both
/// compute from the pair's purchase days, so the two cannot drift apart.
#[derive(Clone, Debug)]
pub(crate) struct PairMeasure {
    /// The rhythm on the customer's order clock.
    pub rhythm: PairRhythm,
    /// The last purchase day.
    pub last: Day,
    /// Customer order days after the last purchase (the open gap without its continuity half).
    pub gap_orders: u32,
    /// While the pair keeps last year's silence (seasonal): the first day it no longer does.
    pub seasonal_until: Option<Day>,
}

impl PairMeasure {
    /// Its open gap, on the customer's order days `orders` (up to the day measured on).
    pub(crate) fn open_gap(&self, orders: &[Day]) -> OpenGap {
        OpenGap::since(self.last, self.gap_orders, orders.last().copied())
    }
}

/// Measures a pair from its purchase `days` (ascending) and `nets` up to `as_of`, on the
/// customer's order days `orders`; `None` for a pair that is not regular.
pub(crate) fn measure_pair(
    days: &[Day],
    nets: &[f64],
    orders: &[Day],
    as_of: Day,
) -> Option<PairMeasure> {
    if days.len() < MIN_PURCHASES {
        return None;
    }
    let rhythm = PairRhythm::from_days(days, nets, |a, b| orders_between(orders, a, b))?;
    let last = days[days.len() - 1];
    let first_after = days[days.partition_point(|d| *d <= last - 365)];
    let seasonal_until = seasonal_until(days[0], first_after, last, as_of);
    Some(PairMeasure {
        rhythm,
        last,
        gap_orders: orders_between(orders, last, as_of) as u32,
        seasonal_until,
    })
}

/// While a pair first bought on `first` and last on `last` keeps last year's silence: the first
/// day it no longer does. `first_after` is its first purchase after `last - 365` (there is one:
/// `last` itself). Seasonal while no purchase falls in `(last - 365, as_of - 365]`, which ends
/// the day that window reaches `first_after`.
pub(crate) fn seasonal_until(first: Day, first_after: Day, last: Day, as_of: Day) -> Option<Day> {
    (first < last - 365 && first_after > as_of - 365).then_some(first_after + 365)
}

/// The pair whose lapse is scored: its product and its customer, with the customer's segment.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PairKey {
    pub product: ProductId,
    pub customer: CustomerId,
    pub segment: Option<LabelId>,
}

impl PairKey {
    /// The pair's product and customer as the priors index them.
    fn indices(&self) -> (usize, usize) {
        (self.product.index(), self.customer.index())
    }

    /// The pair's chance of stopping within an interval after `last`, under `priors`.
    fn stop_chance(&self, rhythm: &PairRhythm, last: Day, priors: &RhythmPriors) -> f64 {
        let segment = self.segment.map(|s| s.0);
        priors.stop_chance(rhythm, last, self.product.index(), segment)
    }
}

/// P(stopped) of a pair with `rhythm` after an open `gap`, under `priors`.
pub(crate) fn lapse_probability(
    rhythm: &PairRhythm,
    gap: OpenGap,
    last: Day,
    key: PairKey,
    priors: &RhythmPriors,
) -> f64 {
    let (product, customer) = key.indices();
    let survival = priors.gap_survival(rhythm, gap, product, customer);
    stopped_given_gap(key.stop_chance(rhythm, last, priors), survival)
}

/// [`lapse_probability`] when it reaches `threshold` (in `(0, 1]`), `None` when it cannot:
/// the same number where it is computed, with the survival's costlier terms skipped for a
/// pair plainly still on its rhythm ([`RhythmPriors::gap_survival_within`]).
pub(crate) fn lapse_probability_reaching(
    rhythm: &PairRhythm,
    gap: OpenGap,
    last: Day,
    key: PairKey,
    priors: &RhythmPriors,
    threshold: f64,
) -> Option<f64> {
    let stop_chance = key.stop_chance(rhythm, last, priors);
    let ceiling = survival_ceiling(stop_chance, threshold)?;
    let survival = priors.gap_survival_within(rhythm, gap, key.indices(), ceiling)?;
    Some(stopped_given_gap(stop_chance, survival)).filter(|p| *p >= threshold)
}

/// When the next purchase of a pair last bought on `last` was due.
pub(crate) fn due_day(rhythm: &PairRhythm, last: Day) -> Day {
    // The median is one of the whole-day intervals, so it is cast as it is; `round` (a library
    // call on the baseline x86-64 target) is left for any other value.
    let median = rhythm.median_days;
    let whole = median as i32;
    last + if f64::from(whole) == median {
        whole
    } else {
        median.round() as i32
    }
}

/// Expected net revenue of a pair over `horizon_days` if it goes on (never negative).
pub(crate) fn pair_value(rhythm: &PairRhythm, horizon_days: f64) -> f64 {
    (rhythm.purchases_over(horizon_days) * rhythm.net_per_purchase).max(0.0)
}

fn scan(scene: &Scene<'_>) -> LapseScan {
    let (measured, product_days) = measure(scene);
    let segment_of = |c: CustomerId| scene.state.customer(c).master.segment;
    let restarts = restarts(product_days);
    let paused = paused(&measured, scene.state.products().len());
    let pauses_with_its_product = |m: &Measured| {
        pauses_with_its_product(
            m.seasonal_pause,
            paused[m.product.index()],
            restarts[m.product.index()],
            m.last,
        )
    };
    let priors = RhythmPriors::learn(
        measured.iter().map(|m| MeasuredPair {
            product: m.product.index(),
            customer: m.customer.index(),
            rhythm: &m.rhythm,
            gap: m.gap,
            last: m.last,
            seen: scene.days_of(m.customer).last().copied().unwrap_or(m.last),
            segment: segment_of(m.customer).map(|s| s.0),
            silent_with_product: pauses_with_its_product(m),
        }),
        scene.state.products().len(),
        scene.state.customers().len(),
        scene.as_of,
    );
    let threshold = scene.config.thresholds.item_lapsed_probability;
    let horizon = f64::from(scene.config.horizon_days);
    let pairs: Vec<PairLapse> = measured
        .into_iter()
        .map(|m| {
            let key = PairKey {
                product: m.product,
                customer: m.customer,
                segment: segment_of(m.customer),
            };
            let probability = lapse_probability(&m.rhythm, m.gap, m.last, key, &priors);
            let due = due_day(&m.rhythm, m.last);
            let customer_still_buys = scene.days_of(m.customer).last().is_some_and(|d| *d > due);
            let watched = customer_still_buys && !pauses_with_its_product(&m);
            PairLapse {
                customer: m.customer,
                product: m.product,
                watched,
                reportable: watched && probability >= threshold,
                value: pair_value(&m.rhythm, horizon),
                rhythm: m.rhythm,
                last: m.last,
                due,
                probability,
            }
        })
        .collect();
    LapseScan { pairs, priors }
}

/// Whether a pair's silence is its product's rhythm: it is seasonal (silent over the same weeks
/// a year earlier), its product is `paused` for everyone, or it was last bought before its
/// product's latest `restart`. Such a pair is not watched, and its stops count toward no
/// segment's surge (a season's end is no competitor).
pub(crate) fn pauses_with_its_product(
    seasonal: bool,
    paused: bool,
    restart: Option<Day>,
    last: Day,
) -> bool {
    seasonal || paused || restart.is_some_and(|r| last < r)
}

/// Products bought far less over the pause windows than their regular buyers' rhythms expect.
fn paused(measured: &[Measured], products: usize) -> Vec<bool> {
    let mut activity = vec![PauseActivity::default(); products];
    for m in measured {
        activity[m.product.index()].add(&PauseActivity {
            counts: m.pause_counts,
            expected: pause_expectation(&m.rhythm),
        });
    }
    product_pause::paused_products(&activity)
}

/// One product lapsing at too many customers of a segment at once.
#[derive(Clone, Debug)]
pub struct SegmentLapse {
    /// The segment.
    pub segment: LabelId,
    /// The product.
    pub product: ProductId,
    /// Regular buyers of the product in the segment.
    pub buyers: u32,
    /// Of those, lapsed (reportable) with a due day within the window.
    pub lapsed: u32,
    /// Lapses expected in the window at the usual rate.
    pub expected: f64,
    /// P(at least this many lapses | the usual rate).
    pub p_value: f64,
    /// The lapsed pairs' value at stake.
    pub value: f64,
}

/// Products lapsing at more customers of one segment than the usual lapse rate allows: a
/// one-sided binomial test per (segment, product) with at least three lapses, at a Bonferroni
/// level `alpha / tests`, so one scan raises a false alarm with probability at most `alpha`.
/// The usual rate is the product's own: the share of its regular buyers in the *other*
/// segments with a reportable lapse due within the window, shrunk toward the share over every
/// product by one expected lapse. Products lapse at different rates (a weekly item is due, and
/// can be seen to lapse, four times as often as a monthly one); one rate for all of them made a
/// fast-moving product's ordinary lapses look like a competitor's attack.
pub fn segment_lapses(scene: &Scene<'_>, alpha: f64) -> Vec<SegmentLapse> {
    let scan = scene.lapses();
    let window_start = scene.as_of - SEGMENT_WINDOW_DAYS;
    let mut groups: BTreeMap<(LabelId, ProductId), SegmentGroup> = BTreeMap::new();
    let (mut all_pairs, mut all_lapsed) = (0u64, 0u64);
    for p in &scan.pairs {
        let Some(segment) = scene.state.customer(p.customer).master.segment else {
            continue;
        };
        let in_window = p.reportable && p.due > window_start;
        let group = groups.entry((segment, p.product)).or_default();
        group.0 += 1;
        all_pairs += 1;
        if in_window {
            group.1 += 1;
            group.2 += p.value;
            all_lapsed += 1;
        }
    }
    test_segments(&groups, all_pairs, all_lapsed, alpha)
}

/// A (segment, product) group of regular pairs: (regular buyers, lapsed within the window,
/// the lapsed pairs' value).
pub(crate) type SegmentGroup = (u32, u32, f64);

/// The binomial test of [`segment_lapses`] over groups already counted (every group has at
/// least one buyer); `all_pairs` and `all_lapsed` are the groups' totals.
pub(crate) fn test_segments(
    groups: &BTreeMap<(LabelId, ProductId), SegmentGroup>,
    all_pairs: u64,
    all_lapsed: u64,
    alpha: f64,
) -> Vec<SegmentLapse> {
    if all_pairs == 0 {
        return Vec::new();
    }
    let overall = (all_lapsed as f64 / all_pairs as f64).clamp(1e-6, 0.5);
    let by_product = product_totals(groups);
    let level = alpha / groups.len().max(1) as f64;
    groups
        .iter()
        .filter(|(_, (_, lapsed, _))| *lapsed >= 3)
        .filter_map(|(&(segment, product), &(buyers, lapsed, value))| {
            let (product_buyers, product_lapsed) = by_product[&product];
            let others = (
                f64::from(product_buyers - buyers),
                f64::from(product_lapsed - lapsed),
            );
            let rate = usual_rate(others, overall);
            let binomial = Binomial::new(rate, u64::from(buyers)).ok()?;
            let p_value = binomial.sf(u64::from(lapsed) - 1);
            (p_value < level).then_some(SegmentLapse {
                segment,
                product,
                buyers,
                lapsed,
                expected: rate * f64::from(buyers),
                p_value,
                value,
            })
        })
        .collect()
}

/// Each product's regular buyers and lapses over every segment.
fn product_totals(
    groups: &BTreeMap<(LabelId, ProductId), SegmentGroup>,
) -> BTreeMap<ProductId, (u32, u32)> {
    let mut totals: BTreeMap<ProductId, (u32, u32)> = BTreeMap::new();
    for (&(_, product), &(buyers, lapsed, _)) in groups {
        let total = totals.entry(product).or_default();
        total.0 += buyers;
        total.1 += lapsed;
    }
    totals
}

/// A product's usual lapse rate from its `(buyers, lapsed)` in the other segments, shrunk
/// toward the `overall` rate with the weight of one expected lapse (`1 / overall` buyers): a
/// product with few other buyers is judged by every product's rate, one with thousands by its
/// own.
fn usual_rate((buyers, lapsed): (f64, f64), overall: f64) -> f64 {
    let prior_buyers = 1.0 / overall;
    ((lapsed + 1.0) / (buyers + prior_buyers)).clamp(1e-6, 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(
        segment: u32,
        product: u32,
        buyers: u32,
        lapsed: u32,
    ) -> ((LabelId, ProductId), SegmentGroup) {
        (
            (LabelId(segment), ProductId(product)),
            (buyers, lapsed, 0.0),
        )
    }

    fn flagged(groups: &[((LabelId, ProductId), SegmentGroup)]) -> Vec<(u32, u32)> {
        let map: BTreeMap<_, _> = groups.iter().copied().collect();
        let (pairs, lapsed) = map.values().fold((0u64, 0u64), |(p, l), g| {
            (p + u64::from(g.0), l + u64::from(g.1))
        });
        test_segments(&map, pairs, lapsed, 0.001)
            .iter()
            .map(|l| (l.segment.0, l.product.0))
            .collect()
    }

    #[test]
    fn a_product_that_lapses_often_everywhere_is_not_flagged_in_one_segment() {
        // Product 0 lapses at 5% of its buyers in every segment; products 1..20 at 0.5%.
        let mut groups = vec![];
        for segment in 0..4 {
            groups.push(group(segment, 0, 200, 10));
            for product in 1..20 {
                groups.push(group(segment, product, 200, 1));
            }
        }
        assert!(flagged(&groups).is_empty(), "{:?}", flagged(&groups));
    }

    #[test]
    fn a_product_lapsing_in_one_segment_only_is_flagged_there() {
        let mut groups = vec![];
        for segment in 0..4 {
            let lapsed = if segment == 2 { 12 } else { 1 };
            groups.push(group(segment, 0, 200, lapsed));
            for product in 1..20 {
                groups.push(group(segment, product, 200, 1));
            }
        }
        assert_eq!(flagged(&groups), vec![(2, 0)]);
    }
}
