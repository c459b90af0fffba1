//! Detectors: one file per signal kind.
//!
//! Owns: the [`Detector`] trait, the [`Scene`] a detector reads (state, configuration, fitted
//! population models, the day), and [`detect_all`], which runs every detector and attributes
//! its signals to reps and segments. A detector reads; it never changes the state, and it never
//! ranks (the ranker does).

mod cross_sell;
mod customer_at_risk;
mod deal_stalled;
mod discount_spike;
mod frequency_drop;
mod item_lapsed;
mod item_lapsed_across_similar;
pub mod lapses;
mod pipeline_slowdown;
pub(crate) mod product_pause;
pub mod rhythm;
mod seasonal_due;
mod variety_drop;

pub use cross_sell::CrossSell;
pub use customer_at_risk::CustomerAtRisk;
pub use deal_stalled::DealStalled;
pub use discount_spike::DiscountSpike;
pub use frequency_drop::FrequencyDrop;
pub use item_lapsed::ItemLapsed;
pub use item_lapsed_across_similar::ItemLapsedAcrossSimilar;
pub use pipeline_slowdown::PipelineSlowdown;
pub use seasonal_due::SeasonalDue;
pub use variety_drop::VarietyDrop;

// The signal builders the real-time feed shares with the detectors.
pub(crate) use item_lapsed::item_lapsed_signal;
pub(crate) use item_lapsed_across_similar::across_similar_signal;
pub(crate) use variety_drop::{is_variety_drop, variety_drop_signal};

use crate::config::Config;
use crate::day::Day;
use crate::ids::CustomerId;
use crate::signal::{Signal, SignalKind};
use crate::state::State;

/// What a detector sees: the state as of one day.
pub struct Scene<'a> {
    /// Histories and aggregates (detectors must ignore lines after `as_of`).
    pub state: &'a State,
    /// Thresholds and horizon.
    pub config: &'a Config,
    /// The day of detection.
    pub as_of: Day,
    /// Each customer's purchase days up to `as_of`, computed once for all detectors.
    pub purchase_days: Vec<Vec<Day>>,
    /// The business calendar learned from the data, up to `as_of`.
    pub calendar: Calendar,
    /// Every regular pair's lapse, computed on first use (see [`Scene::lapses`]).
    lapse_scan: std::sync::OnceLock<lapses::LapseScan>,
}

/// Which days the business trades, learned from the orders: a day is *open* when the number of
/// customers buying on it reaches a tenth of the median over days with any purchase. Weekends,
/// a year-end closure or a public holiday are closed days for every customer at once, so time
/// measured in open days does not mistake them for customers going quiet.
#[derive(Clone, Debug)]
pub struct Calendar {
    first: Day,
    /// open_before[i] = open days in [first, first + i).
    open_before: Vec<u32>,
}

impl Calendar {
    fn learn(purchase_days: &[Vec<Day>], as_of: Day) -> Calendar {
        let Some(first) = purchase_days
            .iter()
            .filter_map(|d| d.first())
            .min()
            .copied()
        else {
            return Calendar {
                first: as_of + 1,
                open_before: vec![0],
            };
        };
        let mut buyers = vec![0u32; (as_of - first + 1).max(0) as usize];
        for d in purchase_days.iter().flatten() {
            buyers[(*d - first) as usize] += 1;
        }
        let mut busy: Vec<u32> = buyers.iter().copied().filter(|n| *n > 0).collect();
        let mid = busy.len() / 2;
        let median = busy.select_nth_unstable(mid).1.to_owned();
        let mut open_before = Vec::with_capacity(buyers.len() + 1);
        let mut open = 0;
        open_before.push(0);
        for n in buyers {
            open += u32::from(n * 10 >= median && n > 0);
            open_before.push(open);
        }
        Calendar { first, open_before }
    }

    /// Open days in `(from, to]`; days outside the learned range count as open.
    pub fn open_days(&self, from: Day, to: Day) -> f64 {
        if to <= from {
            return 0.0;
        }
        let last = self.first + self.open_before.len() as i32 - 2;
        // open_before[d - first + 1] = open days in [first, d].
        let through = |d: Day| self.open_before[(d - self.first + 1) as usize];
        let (lo, hi) = (from.max(self.first - 1), to.min(last));
        let inside = if hi > lo {
            through(hi) - through(lo)
        } else {
            0
        };
        let before = ((self.first - 1).min(to) - from).max(0);
        let after = (to - from.max(last)).max(0);
        f64::from(inside) + f64::from(before + after)
    }
}

impl<'a> Scene<'a> {
    /// The scene of `state` at `as_of`.
    pub fn new(state: &'a State, config: &'a Config, as_of: Day) -> Scene<'a> {
        let purchase_days: Vec<Vec<Day>> = state
            .customers()
            .map(|(_, c)| c.purchase_days_until(as_of))
            .collect();
        let calendar = Calendar::learn(&purchase_days, as_of);
        Scene {
            state,
            config,
            as_of,
            purchase_days,
            calendar,
            lapse_scan: std::sync::OnceLock::new(),
        }
    }

    /// The configured horizon in open days (its share of open days as over the last year).
    pub fn horizon_open_days(&self) -> f64 {
        let open_share = self.calendar.open_days(self.as_of - 365, self.as_of) / 365.0;
        f64::from(self.config.horizon_days) * open_share
    }

    /// A customer's purchase days up to `as_of`.
    pub fn days_of(&self, customer: CustomerId) -> &[Day] {
        &self.purchase_days[customer.index()]
    }

    /// A customer's net amount on days in `(from, to]`.
    pub fn net_between(&self, customer: CustomerId, from: Day, to: Day) -> f64 {
        self.state
            .customer(customer)
            .pairs()
            .iter()
            .flat_map(|h| h.until(to))
            .filter(|p| p.day > from)
            .map(|p| f64::from(p.net))
            .sum()
    }
}

/// One kind of finding.
pub trait Detector: Send + Sync {
    /// The kind of signal it emits.
    fn kind(&self) -> SignalKind;
    /// The signals active at the scene's day.
    fn detect(&self, scene: &Scene<'_>) -> Vec<Signal>;
}

/// Every detector, configured.
pub fn detectors(config: &Config) -> Vec<Box<dyn Detector>> {
    vec![
        Box::new(CustomerAtRisk::from_config(config)),
        Box::new(FrequencyDrop::from_config(config)),
        Box::new(ItemLapsed::from_config(config)),
        Box::new(VarietyDrop::from_config(config)),
        Box::new(ItemLapsedAcrossSimilar::from_config(config)),
        Box::new(CrossSell::from_config(config)),
        Box::new(SeasonalDue::from_config(config)),
        Box::new(DiscountSpike::from_config(config)),
        Box::new(DealStalled::from_config(config)),
        Box::new(PipelineSlowdown::from_config(config)),
    ]
}

/// Whether a customer-level signal of this kind explains the customer's item lapses (which
/// [`detect_all`] and the real-time feed then leave out).
pub(crate) fn explains_item_lapses(kind: SignalKind) -> bool {
    matches!(kind, SignalKind::CustomerAtRisk | SignalKind::FrequencyDrop)
}

/// The kinds found from the lapse scan of regular pairs; the real-time feed keeps these
/// incrementally and runs the other detectors on their cadence.
pub(crate) fn is_pair_level(kind: SignalKind) -> bool {
    matches!(
        kind,
        SignalKind::ItemLapsed | SignalKind::VarietyDrop | SignalKind::ItemLapsedAcrossSimilar
    )
}

/// Runs every detector at `as_of`; signals come attributed (rep, segment) and sorted by score,
/// highest first. An item lapse of a customer with a customer-level finding (at risk, or buying
/// less often across the board) is left out: the customer-level signal explains it.
pub fn detect_all(state: &State, config: &Config, as_of: Day) -> Vec<Signal> {
    let scene = Scene::new(state, config, as_of);
    let signals: Vec<Signal> = detectors(config)
        .iter()
        .flat_map(|d| d.detect(&scene))
        .map(|s| s.attributed(state))
        .collect();
    let explained: std::collections::BTreeSet<CustomerId> = signals
        .iter()
        .filter(|s| explains_item_lapses(s.kind))
        .filter_map(|s| s.customer)
        .collect();
    let mut signals: Vec<Signal> = signals
        .into_iter()
        .filter(|s| {
            s.kind != SignalKind::ItemLapsed || s.customer.is_none_or(|c| !explained.contains(&c))
        })
        .collect();
    signals.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.key().cmp(&b.key())));
    signals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_calendar_learns_closed_days_from_everyone_going_quiet() {
        // Three customers buy every day except on days 5-6 (a closure) of days 0..10.
        let days: Vec<Day> = (0..10).filter(|d| !(5..=6).contains(d)).map(Day).collect();
        let cal = Calendar::learn(&[days.clone(), days.clone(), days], Day(9));
        assert_eq!(cal.open_days(Day(0), Day(9)), 7.0);
        assert_eq!(cal.open_days(Day(4), Day(6)), 0.0);
        assert_eq!(
            cal.open_days(Day(-3), Day(0)),
            3.0,
            "before the data every day counts"
        );
        assert_eq!(
            cal.open_days(Day(8), Day(12)),
            4.0,
            "after as_of every day counts"
        );
    }
}
