//! Scoring detectors against planted labels.
//!
//! Owns: [`score_signals`], which replays an engine's history with a full scan at a fixed
//! step, and [`score_advance`], which replays it through the real-time feed day by day; both
//! collect each signal's *alarms* (runs of consecutive detections of one key: kind, customer,
//! product or segment) and match them to the [`Label`]s of a synthetic distributor:
//!
//! - detections of one key less than [`REARM_DAYS`] apart belong to one alarm (a signal that
//!   flickers for a week is one alarm, not two);
//! - an alarm is **true** when a label of its kind for the same customer (and product, for item
//!   kinds; segment, for segment kinds) started on or before the alarm's first day;
//! - **precision** = true alarms / alarms; **recall** = labels with a true alarm / labels;
//! - **delay** = an alarm's first day minus the label's `due` day (item events: when the next
//!   purchase would have come) or its `start`.
//!
//! Also the baseline (the static monthly report) and the calibration tables of the lapse
//! model: P(stopped) against the planted truth or a look-ahead, and the gap survival of the
//! pairs that go on ([`gap_survival_reliability`]), which needs no labels. Every bin of those
//! tables carries a 95% interval for its error, observed minus predicted, by a bootstrap over
//! customers ([`ReliabilityBin::off_by_interval`]): a bin of 300 pairs seen on twelve days is
//! not 3,600 independent rows.
//!
//! It only reads the engine (`score_advance` moves its clock and feed, nothing else);
//! detectors see nothing but data up to each replayed day.

use crate::day::Day;
use crate::detect::lapses::{orders_between, PairLapse};
use crate::detect::Scene;
use crate::engine::Engine;
use crate::error::Result;
use crate::models::pair_rhythm::{OpenGap, CONTINUITY};
use crate::signal::{Signal, SignalKind};
use crate::synth::{kind, Label};
use std::collections::{BTreeMap, BTreeSet};
use tally::Tally;

mod tally;

/// An engine under `config` holding every table of the synthetic distributor `data` (reps,
/// products, customers, orders, deals), ready to be scored against its labels.
pub fn engine_with(data: &crate::synth::Distributor, config: crate::Config) -> Result<Engine> {
    let mut engine = Engine::new(config)?;
    engine.ingest_rep_rows(&data.reps);
    engine.ingest_product_rows(&data.products);
    engine.ingest_customer_rows(&data.customers);
    engine.ingest_order_rows(&data.orders);
    engine.ingest_deal_rows(&data.deals);
    Ok(engine)
}

/// A reliability table as Markdown, as BENCHMARKS.md prints it: each bin's range, pairs, mean
/// prediction, observed share, and its error with the 95% interval.
pub fn reliability_markdown(bins: &[ReliabilityBin]) -> String {
    let mut out = String::from(
        "| range | pairs | mean predicted | observed | observed - predicted (95% interval) |\n\
         | --- | --- | --- | --- | --- |\n",
    );
    for bin in bins {
        let (low, high) = bin.off_by_interval;
        out += &format!(
            "| {:.1}-{:.1} | {} | {:.3} | {:.3} | {:+.3} ({low:+.3}, {high:+.3}) |\n",
            bin.range.0,
            bin.range.1,
            bin.pairs,
            bin.predicted,
            bin.observed,
            bin.observed - bin.predicted,
        );
    }
    out
}

/// How one kind did.
#[derive(Clone, Debug, PartialEq)]
pub struct KindScore {
    /// The signal kind.
    pub kind: SignalKind,
    /// Planted events of this kind that started within the replay.
    pub labels: usize,
    /// Of those, found by a true alarm.
    pub found: usize,
    /// Alarms raised.
    pub alarms: usize,
    /// Alarms that matched a planted event.
    pub true_alarms: usize,
    /// Median days from the label's due (or start) day to the first true alarm.
    pub median_delay_days: Option<f64>,
    /// False alarms by what the customer had instead: another planted kind, or "none".
    pub false_alarms_on: BTreeMap<String, usize>,
    /// Each found label (an index into the labels given) with its delay in days.
    pub detections: Vec<(usize, f64)>,
}

impl KindScore {
    /// found / labels (`None` without labels).
    pub fn recall(&self) -> Option<f64> {
        (self.labels > 0).then(|| self.found as f64 / self.labels as f64)
    }

    /// true alarms / alarms (`None` without alarms).
    pub fn precision(&self) -> Option<f64> {
        (self.alarms > 0).then(|| self.true_alarms as f64 / self.alarms as f64)
    }
}

/// Detections of one key closer than this belong to the same alarm.
pub const REARM_DAYS: i32 = 28;

type Key = (SignalKind, Option<String>, Option<String>, Option<String>);

fn key_of(engine: &Engine, s: &Signal) -> Key {
    let state = engine.state();
    let item_level = matches!(
        s.kind,
        SignalKind::ItemLapsed
            | SignalKind::SeasonalDue
            | SignalKind::ItemLapsedAcrossSimilar
            | SignalKind::CrossSell
    );
    let customer = s.customer.map(|c| state.customer_text(c).to_string());
    let product = s
        .product
        .filter(|_| item_level)
        .map(|p| state.product_text(p).to_string());
    let segment = s
        .segment
        .filter(|_| customer.is_none())
        .map(|l| state.segment_text(l).to_string());
    (s.kind, customer, product, segment)
}

/// The label kinds an alarm of `kind` can be true for. An item that stops at one customer
/// because a competitor's substitute took it (a customer-level `item_lapsed_across_similar`
/// label) is an item lapse at that customer too.
fn label_kinds(kind: SignalKind) -> &'static [SignalKind] {
    match kind {
        SignalKind::ItemLapsed => &[SignalKind::ItemLapsed, SignalKind::ItemLapsedAcrossSimilar],
        SignalKind::CustomerAtRisk => &[SignalKind::CustomerAtRisk],
        SignalKind::FrequencyDrop => &[SignalKind::FrequencyDrop],
        SignalKind::VarietyDrop => &[SignalKind::VarietyDrop],
        SignalKind::ItemLapsedAcrossSimilar => &[SignalKind::ItemLapsedAcrossSimilar],
        SignalKind::CrossSell => &[SignalKind::CrossSell],
        SignalKind::SeasonalDue => &[SignalKind::SeasonalDue],
        SignalKind::DiscountSpike => &[SignalKind::DiscountSpike],
        SignalKind::DealStalled => &[SignalKind::DealStalled],
        SignalKind::PipelineSlowdown => &[SignalKind::PipelineSlowdown],
    }
}

fn label_matches(label: &Label, key: &Key) -> bool {
    let (kind, customer, product, segment) = key;
    SignalKind::parse(label.kind).is_some_and(|k| label_kinds(*kind).contains(&k))
        && label.customer_id == *customer
        && (product.is_none() || label.product_id == *product)
        && (customer.is_some() || label.segment == *segment)
}

/// Replays `engine` from `from` to `to` every `every_days` and scores each kind it emits or has
/// labels for.
pub fn score_signals(
    engine: &Engine,
    labels: &[Label],
    from: Day,
    to: Day,
    every_days: i32,
) -> Result<Vec<KindScore>> {
    let mut alarms = Alarms::new(every_days);
    let mut day = from;
    while day <= to {
        let detected = engine.signal_list(Some(day))?;
        alarms.detect(day, detected.iter().map(|s| key_of(engine, s)));
        day = day + every_days;
    }
    Ok(alarms.score(labels, from, to))
}

/// As [`score_signals`], but through the real-time feed, as a user advancing every day sees
/// it: from `from` to `to` the engine advances day by day ([`Engine::advance_list`], with the
/// engine's [`crate::realtime::FeedOptions`]), and the signals active after each advance are
/// that day's detections. Item lapses rise on the day of the customer's order that makes them
/// probable enough, not at the next weekly scan; the customer-level kinds rise on their
/// cadence. The engine's clock ends at `to`.
pub fn score_advance(
    engine: &mut Engine,
    labels: &[Label],
    from: Day,
    to: Day,
) -> Result<Vec<KindScore>> {
    let mut alarms = Alarms::new(1);
    let mut active = BTreeMap::new();
    let mut day = from;
    while day <= to {
        let step = engine.advance_step(day)?;
        for key in &step.cleared {
            active.remove(key);
        }
        for s in &step.risen {
            active.insert(s.key(), key_of(engine, s));
        }
        alarms.detect(day, active.values().cloned());
        day = day + 1;
    }
    Ok(alarms.score(labels, from, to))
}

/// Detections gathered day by day into alarms: runs of one key's detections less than
/// [`REARM_DAYS`] (or the step between detection days, if longer) apart.
struct Alarms {
    step: i32,
    alarms: BTreeMap<Key, Vec<Day>>,
    last_seen: BTreeMap<Key, Day>,
}

impl Alarms {
    fn new(step: i32) -> Alarms {
        Alarms {
            step,
            alarms: BTreeMap::new(),
            last_seen: BTreeMap::new(),
        }
    }

    /// The keys detected on `day`.
    fn detect(&mut self, day: Day, keys: impl Iterator<Item = Key>) {
        for key in keys {
            let continuing = self
                .last_seen
                .get(&key)
                .is_some_and(|d| day - *d <= self.step.max(REARM_DAYS));
            if !continuing {
                self.alarms.entry(key.clone()).or_default().push(day);
            }
            self.last_seen.insert(key, day);
        }
    }

    /// Every kind's score against `labels` started in `from..=to`.
    fn score(&self, labels: &[Label], from: Day, to: Day) -> Vec<KindScore> {
        let alarms = &self.alarms;
        let mut kinds: Vec<SignalKind> = alarms.keys().map(|k| k.0).collect();
        kinds.extend(labels.iter().filter_map(|l| SignalKind::parse(l.kind)));
        kinds.sort();
        kinds.dedup();
        kinds
            .into_iter()
            .map(|k| score_kind(k, alarms, labels, from, to))
            .collect()
    }
}

fn score_kind(
    kind: SignalKind,
    alarms: &BTreeMap<Key, Vec<Day>>,
    all_labels: &[Label],
    from: Day,
    to: Day,
) -> KindScore {
    let kinds = label_kinds(kind);
    let labels: Vec<(usize, &Label)> = all_labels
        .iter()
        .enumerate()
        .filter(|(_, l)| SignalKind::parse(l.kind).is_some_and(|k| kinds.contains(&k)))
        // Segment-level labels are found by segment-level alarms only.
        .filter(|(_, l)| kind != SignalKind::ItemLapsed || l.customer_id.is_some())
        .filter(|(_, l)| kind != SignalKind::ItemLapsedAcrossSimilar || l.customer_id.is_none())
        .filter(|(_, l)| (from..=to).contains(&Day::from_date(l.start)))
        .collect();
    let mut score = KindScore {
        kind,
        labels: labels.len(),
        found: 0,
        alarms: 0,
        true_alarms: 0,
        median_delay_days: None,
        false_alarms_on: BTreeMap::new(),
        detections: Vec::new(),
    };
    let mut delays = Vec::new();
    let mut found = vec![false; labels.len()];
    for (key, days) in alarms.iter().filter(|(k, _)| k.0 == kind) {
        for &day in days {
            score.alarms += 1;
            let hit = labels
                .iter()
                .position(|(_, l)| label_matches(l, key) && Day::from_date(l.start) <= day);
            let explained = hit.is_none() && explained_by_other_label(kind, key, all_labels, day);
            if explained {
                score.true_alarms += 1;
            } else if let Some(i) = hit {
                score.true_alarms += 1;
                if !found[i] {
                    found[i] = true;
                    let (index, label) = labels[i];
                    let reference = label.due.unwrap_or(label.start);
                    let delay = f64::from(day - Day::from_date(reference));
                    delays.push(delay);
                    score.detections.push((index, delay));
                }
            } else {
                let cause = all_labels
                    .iter()
                    .find(|l| key.1.is_some() && l.customer_id == key.1)
                    .map_or("none", |l| l.kind);
                *score.false_alarms_on.entry(cause.to_string()).or_default() += 1;
            }
        }
    }
    score.found = found.iter().filter(|f| **f).count();
    delays.sort_by(f64::total_cmp);
    score.median_delay_days = median(&delays);
    score
}

/// An item lapse at a customer whose planted variety drop stopped several items at once is
/// true (the item did stop) without being that label's finding: it counts toward precision,
/// not recall.
fn explained_by_other_label(kind: SignalKind, key: &Key, labels: &[Label], day: Day) -> bool {
    kind == SignalKind::ItemLapsed
        && labels.iter().any(|l| {
            SignalKind::parse(l.kind) == Some(SignalKind::VarietyDrop)
                && l.customer_id == key.1
                && Day::from_date(l.start) <= day
        })
}

fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// One bin of the lapse probabilities' reliability table.
#[derive(Clone, Debug, PartialEq)]
pub struct ReliabilityBin {
    /// The bin's range of predicted P(stopped).
    pub range: (f64, f64),
    /// Pairs scored in the bin.
    pub pairs: usize,
    /// Their mean predicted probability.
    pub predicted: f64,
    /// The share that did stop.
    pub observed: f64,
    /// A 95% interval for `observed - predicted`: the percentile bootstrap over customers
    /// (each customer's rows drawn together, since one customer's pairs and scan days are not
    /// independent); `(0, 0)` for an empty bin.
    pub off_by_interval: (f64, f64),
}

/// How well the lapse probabilities are calibrated on data without labels: at each of `days`,
/// every watched pair (an overdue regular pair of a customer who still buys, the pairs
/// `item_lapsed` reports from) is scored, and its P(stopped) is compared with what happened:
/// stopped when the pair had no purchase in the next `look_ahead` days (a day is skipped when
/// the data do not reach that far). Pairs are binned by predicted probability in `bins` equal
/// bins. The look-ahead stands in for the truth and blurs it both ways: a pair that stops
/// within the look-ahead counts as stopped already, and a slow pair may simply not be due.
pub fn lapse_reliability(
    engine: &Engine,
    days: &[Day],
    look_ahead: i32,
    bins: usize,
) -> Vec<ReliabilityBin> {
    let state = engine.state();
    let end = state.last_day().unwrap_or(Day(i32::MIN));
    let days: Vec<Day> = days
        .iter()
        .copied()
        .filter(|d| *d + look_ahead <= end)
        .collect();
    reliability_bins(engine, &days, bins, |p, day| {
        !state.customer(p.customer).pair(p.product).is_some_and(|h| {
            h.lines()
                .iter()
                .any(|l| l.day > day && l.day <= day + look_ahead && l.quantity > 0.0)
        })
    })
}

/// How well the lapse probabilities are calibrated against the synthetic distributor's
/// planted truth: as [`lapse_reliability`], with a watched pair *stopped* on `day` when
///
/// - a planted `item_lapsed` (or a substitution's `item_lapsed_across_similar`) label of its
///   customer and product started on or before `day`, or
/// - its customer's planted churn (`customer_at_risk`) started on or before `day`, or
/// - its customer's planted variety drop started on or before `day` and the pair was never
///   bought after that start (the generator keeps every item it does not drop due at least
///   twice after the start, so an item never bought again is one it dropped).
pub fn lapse_reliability_planted(
    engine: &Engine,
    labels: &[Label],
    days: &[Day],
    bins: usize,
) -> Vec<ReliabilityBin> {
    let mut table = PlantedReliability::new(bins);
    table.add(engine, labels, days);
    table.bins()
}

/// [`lapse_reliability_planted`] split in two: the pairs of a (segment, product) that a planted
/// competitor's substitution hit (`.0`, victims and the customers it spared alike), and every
/// other pair (`.1`). Pooled, errors of opposite sign in the two can cancel.
pub fn lapse_reliability_planted_by_substitution(
    engine: &Engine,
    labels: &[Label],
    days: &[Day],
    bins: usize,
) -> (Vec<ReliabilityBin>, Vec<ReliabilityBin>) {
    let state = engine.state();
    let truth = PlantedStops::new(labels);
    let substituted: BTreeSet<(&str, &str)> = labels
        .iter()
        .filter(|l| l.kind == kind::ITEM_LAPSED_ACROSS_SIMILAR && l.customer_id.is_none())
        .filter_map(|l| Some((l.segment.as_deref()?, l.product_id.as_deref()?)))
        .collect();
    let hit = |p: &PairLapse| {
        state.customer(p.customer).master.segment.is_some_and(|s| {
            substituted.contains(&(state.segment_text(s), state.product_text(p.product)))
        })
    };
    // Slots `0..bins` hold the substituted groups' pairs, `bins..2 bins` the others'.
    let slot_of = |_: &Scene<'_>, p: &PairLapse| {
        let bin = ((p.probability * bins as f64) as usize).min(bins - 1);
        if hit(p) {
            bin
        } else {
            bins + bin
        }
    };
    let mut all = tally_watched(engine, days, 2 * bins, slot_of, |p, day| {
        truth.stopped(state, p, day)
    });
    let others = all.split_off(bins);
    (
        with_probability_ranges(all),
        with_probability_ranges(others),
    )
}

/// The planted stops of a synthetic distributor, by pair and by customer.
struct PlantedStops<'a> {
    items: BTreeMap<(&'a str, &'a str), Day>,
    customers: BTreeMap<&'a str, (&'a str, Day)>,
}

impl<'a> PlantedStops<'a> {
    fn new(labels: &'a [Label]) -> Self {
        let items = labels
            .iter()
            .filter(|l| [kind::ITEM_LAPSED, kind::ITEM_LAPSED_ACROSS_SIMILAR].contains(&l.kind))
            .filter_map(|l| {
                let key = (l.customer_id.as_deref()?, l.product_id.as_deref()?);
                Some((key, Day::from_date(l.start)))
            })
            .collect();
        let customers = labels
            .iter()
            .filter(|l| [kind::CUSTOMER_AT_RISK, kind::VARIETY_DROP].contains(&l.kind))
            .filter_map(|l| Some((l.customer_id.as_deref()?, (l.kind, Day::from_date(l.start)))))
            .collect();
        PlantedStops { items, customers }
    }

    /// Whether pair `p` had stopped by `day` (see [`lapse_reliability_planted`]).
    fn stopped(&self, state: &crate::state::State, p: &PairLapse, day: Day) -> bool {
        let customer = state.customer_text(p.customer);
        let product = state.product_text(p.product);
        let item_stopped = self
            .items
            .get(&(customer, product))
            .is_some_and(|start| *start <= day);
        let bought_after = |start: Day| {
            state
                .customer(p.customer)
                .pair(p.product)
                .is_some_and(|h| h.lines().iter().any(|l| l.day > start && l.quantity > 0.0))
        };
        let customer_stopped = self.customers.get(customer).is_some_and(|(event, start)| {
            *start <= day && (*event == kind::CUSTOMER_AT_RISK || !bought_after(*start))
        });
        item_stopped || customer_stopped
    }
}

/// Bins every watched pair of the scans at `days` by predicted P(stopped), with `stopped`
/// telling what happened to a pair after a day.
fn reliability_bins(
    engine: &Engine,
    days: &[Day],
    bins: usize,
    stopped: impl Fn(&PairLapse, Day) -> bool,
) -> Vec<ReliabilityBin> {
    let mut tally = Tally::new(bins);
    tally_watched_into(&mut tally, engine, days, probability_bin(bins), stopped);
    with_probability_ranges(tally.bins())
}

/// The bin of `bins` equal bins of a watched pair's P(stopped).
fn probability_bin(bins: usize) -> impl Fn(&Scene<'_>, &PairLapse) -> usize {
    move |_, p| ((p.probability * bins as f64) as usize).min(bins - 1)
}

/// Bins of equal width over [0, 1], in order, given their ranges.
fn with_probability_ranges(bins: Vec<ReliabilityBin>) -> Vec<ReliabilityBin> {
    let n = bins.len() as f64;
    bins.into_iter()
        .enumerate()
        .map(|(i, bin)| ReliabilityBin {
            range: (i as f64 / n, (i + 1) as f64 / n),
            ..bin
        })
        .collect()
}

/// [`lapse_reliability_planted`] pooled over several synthetic distributors (seeds): one
/// distributor's middle bins hold a few hundred pairs, too few to tell an error of 0.05 from
/// chance (their intervals are about ±0.07 wide at 10,000 customers); each distributor added
/// narrows them. The bootstrap draws each distributor's customers as clusters of their own.
///
/// ```
/// use salespulse::evaluate::{engine_with, PlantedReliability};
/// use salespulse::{synth, Config, Day};
///
/// let mut pooled = PlantedReliability::new(10);
/// for seed in [1, 2] {
///     let data = synth::distributor(150, 2, seed);
///     let engine = engine_with(&data, Config::default())?;
///     let end = Day::from_date(data.end);
///     pooled.add(&engine, &data.labels, &[end - 120, end - 150]);
/// }
/// let bins = pooled.bins();
/// assert_eq!(bins.len(), 10);
/// assert!(bins.iter().map(|b| b.pairs).sum::<usize>() > 0);
/// # Ok::<(), salespulse::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct PlantedReliability {
    tally: Tally,
    bins: usize,
}

impl PlantedReliability {
    /// An empty table of `bins` equal bins of P(stopped).
    pub fn new(bins: usize) -> PlantedReliability {
        PlantedReliability {
            tally: Tally::new(bins.max(1)),
            bins: bins.max(1),
        }
    }

    /// Adds the watched pairs of `engine`'s scans at `days`, judged against its distributor's
    /// planted `labels` (see [`lapse_reliability_planted`]).
    pub fn add(&mut self, engine: &Engine, labels: &[Label], days: &[Day]) {
        let state = engine.state();
        let truth = PlantedStops::new(labels);
        tally_watched_into(
            &mut self.tally,
            engine,
            days,
            probability_bin(self.bins),
            |p, day| truth.stopped(state, p, day),
        );
    }

    /// The pooled table.
    pub fn bins(&self) -> Vec<ReliabilityBin> {
        with_probability_ranges(self.tally.bins())
    }
}

/// How well the rhythm model's gap survival is calibrated, on data without labels: at each of
/// `days`, every regular pair is followed to its next purchase, and for each later order of its
/// customer the model's P(the gap reaches that many orders | it reached the open gap) is set
/// against whether it did. Pairs not bought again before the data end (stopped, or cut off by
/// the end) are left out, so the table measures the survival `S(g)` of pairs that go on, the
/// term of P(stopped | gap) = q / (q + (1 - q) S(g)) that no stop rate can mend. Row `k` holds
/// the predictions in `[10^-(k+1), 10^-k)`, the last row every smaller one; `range` is that
/// interval. Orders are followed until the prediction falls below `10^-rows`.
pub fn gap_survival_reliability(engine: &Engine, days: &[Day], rows: usize) -> Vec<ReliabilityBin> {
    let state = engine.state();
    let end = state.last_day().unwrap_or(Day(i32::MIN));
    let orders: Vec<Vec<Day>> = state
        .customers()
        .map(|(_, c)| c.purchase_days_until(end))
        .collect();
    let floor = 10f64.powi(-(rows as i32));
    let mut tally = Tally::new(rows);
    tally.add_customers(orders.len());
    for &day in days {
        let scene = Scene::new(state, engine.config(), day);
        let scan = scene.lapses();
        for p in scan.pairs.iter().filter(|p| p.watched) {
            let Some(next) = state
                .customer(p.customer)
                .pair(p.product)
                .and_then(|h| h.purchase_days_until(end).find(|d| *d > day))
            else {
                continue;
            };
            let orders = &orders[p.customer.index()];
            let reached = orders_between(orders, p.last, next) as usize - 1;
            // The customer's orders after the last purchase: the gap at the k-th is k orders
            // over the days to it.
            let after = &orders[orders.partition_point(|d| *d <= p.last)..];
            let (product, customer) = (p.product.index(), p.customer.index());
            let survival = |k: usize| {
                let days = if k == 0 { 0 } else { after[k - 1] - p.last };
                let gap = OpenGap::of(k as f64, days);
                scan.priors.gap_survival(&p.rhythm, gap, product, customer)
            };
            let open = orders_between(orders, p.last, day) as usize;
            let from = survival(open);
            for k in open + 1..=after.len() {
                let predicted = if from > 0.0 { survival(k) / from } else { 0.0 };
                if predicted < floor {
                    break;
                }
                let row = ((-predicted.log10()).max(0.0) as usize).min(rows - 1);
                tally.add(customer, row, predicted, reached >= k);
            }
        }
    }
    tally
        .bins()
        .into_iter()
        .enumerate()
        .map(|(k, row)| ReliabilityBin {
            range: (10f64.powi(-(k as i32 + 1)), 10f64.powi(-(k as i32))),
            ..row
        })
        .collect()
}

/// The planted truth by how long a watched pair's open gap is: row `k` holds the pairs whose
/// gap (in the customer's orders, as the model counts it) is `k` to `k + 1` of the pair's mean
/// intervals, the last row every longer one; `range` is `(k, k + 1)`. With the predicted
/// probability beside the share that had stopped, it shows how much a gap alone can tell.
pub fn lapse_truth_by_gap(
    engine: &Engine,
    labels: &[Label],
    days: &[Day],
    rows: usize,
) -> Vec<ReliabilityBin> {
    let state = engine.state();
    let truth = PlantedStops::new(labels);
    let gap_of = |scene: &Scene<'_>, p: &PairLapse| {
        let gap = orders_between(scene.days_of(p.customer), p.last, scene.as_of) + CONTINUITY;
        ((gap / p.rhythm.mean_interval) as usize).min(rows - 1)
    };
    tally_watched(engine, days, rows, gap_of, |p, day| {
        truth.stopped(state, p, day)
    })
    .into_iter()
    .enumerate()
    .map(|(k, row)| ReliabilityBin {
        range: (k as f64, (k + 1) as f64),
        ..row
    })
    .collect()
}

/// The planted truth day by day for the watched pairs whose P(stopped) lies in `range`
/// (`[low, high)`): one row per day of `days`, its `range` that of the probabilities. A stop
/// model with one rate for all time is calibrated on average over the days; these rows show
/// how far each day departs from that average when the rate of stops changes over the history
/// (the synthetic distributor starts its events only in the last 40% of it).
pub fn lapse_truth_by_day(
    engine: &Engine,
    labels: &[Label],
    days: &[Day],
    range: (f64, f64),
) -> Vec<(Day, ReliabilityBin)> {
    let state = engine.state();
    let truth = PlantedStops::new(labels);
    let outside = days.len();
    let slot_of = |scene: &Scene<'_>, p: &PairLapse| {
        let within = p.probability >= range.0 && p.probability < range.1;
        match days.iter().position(|d| *d == scene.as_of) {
            Some(i) if within => i,
            _ => outside,
        }
    };
    let rows = tally_watched(engine, days, days.len() + 1, slot_of, |p, day| {
        truth.stopped(state, p, day)
    });
    days.iter()
        .zip(rows)
        .map(|(day, row)| (*day, ReliabilityBin { range, ..row }))
        .collect()
}

/// Every watched pair of the scans at `days`, counted in `slots` by `slot_of`: pairs, mean
/// predicted P(stopped) and the share `stopped` (ranges left for the caller).
fn tally_watched(
    engine: &Engine,
    days: &[Day],
    slots: usize,
    slot_of: impl Fn(&Scene<'_>, &PairLapse) -> usize,
    stopped: impl Fn(&PairLapse, Day) -> bool,
) -> Vec<ReliabilityBin> {
    let mut tally = Tally::new(slots);
    tally_watched_into(&mut tally, engine, days, slot_of, stopped);
    tally.bins()
}

/// [`tally_watched`] into `tally`, the engine's customers after the ones already there.
fn tally_watched_into(
    tally: &mut Tally,
    engine: &Engine,
    days: &[Day],
    slot_of: impl Fn(&Scene<'_>, &PairLapse) -> usize,
    stopped: impl Fn(&PairLapse, Day) -> bool,
) {
    let state = engine.state();
    let first = tally.add_customers(state.customers().len());
    for &day in days {
        let scene = Scene::new(state, engine.config(), day);
        for p in scene.lapses().pairs.iter().filter(|p| p.watched) {
            let slot = slot_of(&scene, p);
            tally.add(
                first + p.customer.index(),
                slot,
                p.probability,
                stopped(p, day),
            );
        }
    }
}

/// How the static monthly report would have done on item-level events.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthlyReportScore {
    /// Item-level planted events (item lapses and substitutions) in the replay.
    pub labels: usize,
    /// Of those, whose customer the report flagged on or after the event's start.
    pub found: usize,
    /// Customer flags raised (consecutive monthly flags of a customer are one).
    pub alarms: usize,
    /// Flags of a customer with any planted event under way (generous to the report).
    pub true_alarms: usize,
    /// Median days from the event's due day to the report's first flag of its customer.
    pub median_delay_days: Option<f64>,
    /// Share of the customers with sales in the previous three months flagged per month.
    pub flagged_share: f64,
}

/// A drop of this share against the average of the three months before flags a customer.
pub const MONTHLY_REPORT_DROP: f64 = 0.3;

/// The baseline a sales team has today: at every month end in `from..=to`, a customer whose
/// revenue of the month is at least [`MONTHLY_REPORT_DROP`] below the average of the three
/// months before is flagged. Scored against the item-level labels (`item_lapsed`, and the
/// customers of `item_lapsed_across_similar`): a flag is true when the customer has any planted
/// event under way, recall and delay count item-level events only.
pub fn monthly_report_baseline(
    engine: &Engine,
    labels: &[Label],
    from: Day,
    to: Day,
) -> MonthlyReportScore {
    use chrono::{Datelike, NaiveDate};
    let state = engine.state();
    let month_of = |d: Day| {
        let date = d.to_date();
        date.year() * 12 + date.month0() as i32
    };
    let month_end = |m: i32| {
        let next = m + 1;
        Day::from_date(NaiveDate::from_ymd_opt(next / 12, (next % 12) as u32 + 1, 1).unwrap()) - 1
    };
    let (first, last) = (month_of(from), month_of(to) - 1);
    let mut flags: BTreeMap<String, Vec<Day>> = BTreeMap::new();
    let (mut customer_months, mut flagged_months) = (0usize, 0usize);
    for (id, customer) in state.customers() {
        let mut revenue: BTreeMap<i32, f64> = BTreeMap::new();
        for line in customer.pairs().iter().flat_map(|h| h.lines()) {
            *revenue.entry(month_of(line.day)).or_default() += f64::from(line.net);
        }
        for m in first..=last {
            let before = (1..=3).map(|k| revenue.get(&(m - k)).copied().unwrap_or(0.0));
            let usual = before.sum::<f64>() / 3.0;
            if usual <= 0.0 {
                continue;
            }
            customer_months += 1;
            if revenue.get(&m).copied().unwrap_or(0.0) < (1.0 - MONTHLY_REPORT_DROP) * usual {
                flagged_months += 1;
                flags
                    .entry(state.customer_text(id).to_string())
                    .or_default()
                    .push(month_end(m));
            }
        }
    }
    let item_level = |l: &&Label| {
        l.customer_id.is_some()
            && matches!(
                SignalKind::parse(l.kind),
                Some(SignalKind::ItemLapsed | SignalKind::ItemLapsedAcrossSimilar)
            )
            && (from..=to).contains(&Day::from_date(l.start))
    };
    let mut score = MonthlyReportScore {
        labels: labels.iter().filter(item_level).count(),
        found: 0,
        alarms: 0,
        true_alarms: 0,
        median_delay_days: None,
        flagged_share: flagged_months as f64 / customer_months.max(1) as f64,
    };
    for (customer, days) in &flags {
        let mut previous: Option<Day> = None;
        for &day in days {
            if previous.is_none_or(|p| day - p > 31) {
                score.alarms += 1;
                let under_way = labels.iter().any(|l| {
                    l.customer_id.as_deref() == Some(customer) && Day::from_date(l.start) <= day
                });
                score.true_alarms += usize::from(under_way);
            }
            previous = Some(day);
        }
    }
    let mut delays: Vec<f64> = labels
        .iter()
        .filter(item_level)
        .filter_map(|l| {
            let start = Day::from_date(l.start);
            let flagged = flags.get(l.customer_id.as_deref()?)?;
            let first = flagged.iter().find(|d| **d >= start)?;
            Some(f64::from(*first - Day::from_date(l.due.unwrap_or(l.start))))
        })
        .collect();
    score.found = delays.len();
    delays.sort_by(f64::total_cmp);
    score.median_delay_days = median(&delays);
    score
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{synth, Config};

    fn engine_of(data: &synth::Distributor) -> Engine {
        let mut engine = Engine::new(Config::default()).unwrap();
        engine.ingest_product_rows(&data.products);
        engine.ingest_customer_rows(&data.customers);
        engine.ingest_order_rows(&data.orders);
        engine
    }

    #[test]
    fn the_truth_by_day_splits_the_reliability_table_among_its_days() {
        let data = synth::distributor(300, 2, 7);
        let engine = engine_of(&data);
        let end = Day::from_date(data.end);
        let days: Vec<Day> = (0..4).map(|k| end - 120 - 28 * k).collect();
        let bins = lapse_reliability_planted(&engine, &data.labels, &days, 10);
        let in_range = |b: &&ReliabilityBin| b.range.0 >= 0.4 - 1e-9 && b.range.1 <= 0.8 + 1e-9;
        let rows = lapse_truth_by_day(&engine, &data.labels, &days, (0.4, 0.8));
        assert_eq!(rows.iter().map(|(d, _)| *d).collect::<Vec<_>>(), days);
        let pairs =
            |rows: &[(Day, ReliabilityBin)]| rows.iter().map(|(_, r)| r.pairs).sum::<usize>();
        let from_bins: usize = bins.iter().filter(in_range).map(|b| b.pairs).sum();
        assert_eq!(pairs(&rows), from_bins);
        assert!(from_bins > 0, "some watched pairs fall between 0.4 and 0.8");
        let stopped = |rows: &[(Day, ReliabilityBin)]| {
            rows.iter()
                .map(|(_, r)| r.observed * r.pairs as f64)
                .sum::<f64>()
        };
        let from_bins_stopped: f64 = bins
            .iter()
            .filter(in_range)
            .map(|b| b.observed * b.pairs as f64)
            .sum();
        assert!((stopped(&rows) - from_bins_stopped).abs() < 1e-6);
        for (_, row) in &rows {
            assert_eq!(row.range, (0.4, 0.8));
            assert!(row.pairs == 0 || (0.4..0.8).contains(&row.predicted));
        }
    }

    #[test]
    fn advancing_the_exact_feed_every_day_scores_what_daily_scans_score() {
        let data = synth::distributor(300, 2, 7);
        let end = Day::from_date(data.end);
        let from = end - 100;
        let scanned = score_signals(&engine_of(&data), &data.labels, from, end, 1).unwrap();
        let mut engine = engine_of(&data);
        engine
            .set_feed_options(crate::realtime::FeedOptions::exact())
            .unwrap();
        let advanced = score_advance(&mut engine, &data.labels, from, end).unwrap();
        let lapses = |scores: &[KindScore]| {
            scores
                .iter()
                .find(|s| s.kind == SignalKind::ItemLapsed)
                .map(|s| (s.alarms, s.found))
        };
        assert!(lapses(&advanced).is_some_and(|(alarms, found)| alarms > 0 && found > 0));
        assert_eq!(advanced, scanned);
        assert_eq!(engine.clock(), Some(end));
    }

    #[test]
    fn the_gap_survival_of_pairs_that_go_on_is_roughly_what_happens() {
        let data = synth::distributor(300, 2, 7);
        let engine = engine_of(&data);
        let start = Day::from_date(data.start);
        let days: Vec<Day> = (0..10).map(|k| start + 400 + 14 * k).collect();
        let rows = gap_survival_reliability(&engine, &days, 4);
        assert_eq!(rows.len(), 4);
        for row in rows.iter().filter(|r| r.pairs > 0) {
            assert!(row.range.0 <= row.predicted && row.predicted <= row.range.1);
        }
        let top = &rows[0];
        assert!(
            top.pairs > 100,
            "most pairs are followed for an order or two"
        );
        assert!((top.observed - top.predicted).abs() < 0.1, "{top:?}");
        let (deep, deep_reached) = rows[2..].iter().fold((0, 0.0), |(n, r), row| {
            (n + row.pairs, r + row.observed * row.pairs as f64)
        });
        assert!(deep > 0 && deep_reached / (deep as f64) < 0.02);
    }

    #[test]
    fn pooling_two_distributors_adds_their_rows_and_narrows_the_intervals() {
        let mut pooled = PlantedReliability::new(5);
        let own: Vec<Vec<ReliabilityBin>> = [3, 4]
            .into_iter()
            .map(|seed| {
                let data = synth::distributor(300, 2, seed);
                let engine = engine_of(&data);
                let end = Day::from_date(data.end);
                let days: Vec<Day> = (0..4).map(|k| end - 120 - 28 * k).collect();
                pooled.add(&engine, &data.labels, &days);
                lapse_reliability_planted(&engine, &data.labels, &days, 5)
            })
            .collect();
        let pooled = pooled.bins();
        let (a, b) = (&own[0], &own[1]);
        let width = |bin: &ReliabilityBin| bin.off_by_interval.1 - bin.off_by_interval.0;
        for ((all, a), b) in pooled.iter().zip(a).zip(b) {
            assert_eq!((all.range, all.pairs), (a.range, a.pairs + b.pairs));
            let stopped = |r: &ReliabilityBin| r.observed * r.pairs as f64;
            assert!((stopped(a) + stopped(b) - stopped(all)).abs() < 1e-6);
        }
        // The lowest bin holds most pairs in both: pooled, its interval is narrower than
        // either's.
        assert!(
            width(&pooled[0]) < width(&a[0]).min(width(&b[0])),
            "{pooled:?}"
        );
    }

    #[test]
    fn the_split_by_substitution_adds_up_to_the_pooled_table() {
        let data = synth::distributor(300, 2, 7);
        let engine = engine_of(&data);
        let end = Day::from_date(data.end);
        let days: Vec<Day> = (0..4).map(|k| end - 60 - 28 * k).collect();
        let pooled = lapse_reliability_planted(&engine, &data.labels, &days, 10);
        let (hit, others) =
            lapse_reliability_planted_by_substitution(&engine, &data.labels, &days, 10);
        assert!(
            hit.iter().map(|b| b.pairs).sum::<usize>() > 0,
            "the substitution's pairs"
        );
        for ((all, a), b) in pooled.iter().zip(&hit).zip(&others) {
            assert_eq!((a.range, b.range), (all.range, all.range));
            assert_eq!(a.pairs + b.pairs, all.pairs);
            let stopped = |r: &ReliabilityBin| r.observed * r.pairs as f64;
            assert!((stopped(a) + stopped(b) - stopped(all)).abs() < 1e-6);
        }
    }
}
