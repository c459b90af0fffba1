//! Detectors: one file per signal kind.
//!
//! Owns: the [`Detector`] trait, the [`Scene`] a detector reads (state, configuration, fitted
//! population models, the day), and [`detect_all`], which runs every detector and attributes
//! its signals to reps and segments. A detector reads; it never changes the state, and it never
//! ranks (the ranker does).

mod frequency_drop;

pub use frequency_drop::FrequencyDrop;

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
}

impl<'a> Scene<'a> {
    /// The scene of `state` at `as_of`.
    pub fn new(state: &'a State, config: &'a Config, as_of: Day) -> Scene<'a> {
        let purchase_days = state
            .customers()
            .map(|(_, c)| c.purchase_days_until(as_of))
            .collect();
        Scene {
            state,
            config,
            as_of,
            purchase_days,
        }
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
    vec![Box::new(FrequencyDrop::from_config(config))]
}

/// Runs every detector at `as_of`; signals come attributed (rep, segment) and sorted by score,
/// highest first.
pub fn detect_all(state: &State, config: &Config, as_of: Day) -> Vec<Signal> {
    let scene = Scene::new(state, config, as_of);
    let mut signals: Vec<Signal> = detectors(config)
        .iter()
        .flat_map(|d| d.detect(&scene))
        .map(|s| s.attributed(state))
        .collect();
    signals.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.key().cmp(&b.key())));
    signals
}
