//! `variety_drop`: a customer's set of regularly bought items shrinks.
//!
//! Owns: grouping a customer's lapsed regular pairs (from the scene's lapse scan) into one
//! finding. A customer with at least two lapsed items that make at least
//! `variety_drop_share` of its regular items, while it still buys the rest, is a variety drop;
//! its lapsed items are reported here, once, rather than as separate `item_lapsed` signals.
//! Value at stake = the lapsed items' expected revenue over the horizon; probability = P(at
//! least the two likeliest lapses are real), their lapse probabilities multiplied.

use super::lapses::PairLapse;
use super::{Detector, Scene};
use crate::config::Config;
use crate::day::Day;
use crate::ids::CustomerId;
use crate::signal::{Signal, SignalKind};
use crate::state::State;
use std::collections::BTreeMap;

/// The variety-drop detector.
#[derive(Clone, Debug)]
pub struct VarietyDrop {
    min_share: f64,
}

/// Lapsed items a variety drop needs.
const MIN_LAPSED: usize = 2;

impl VarietyDrop {
    /// The detector with the configured share.
    pub fn from_config(config: &Config) -> VarietyDrop {
        VarietyDrop {
            min_share: config.thresholds.variety_drop_share,
        }
    }
}

/// Customers whose lapses make a variety drop: (regular items, lapsed pairs).
pub(super) fn variety_drops<'s>(
    scene: &'s Scene<'_>,
    min_share: f64,
) -> BTreeMap<CustomerId, (usize, Vec<&'s PairLapse>)> {
    let mut by_customer: BTreeMap<CustomerId, (usize, Vec<&PairLapse>)> = BTreeMap::new();
    for p in &scene.lapses().pairs {
        let entry = by_customer.entry(p.customer).or_default();
        entry.0 += 1;
        if p.reportable {
            entry.1.push(p);
        }
    }
    by_customer.retain(|_, (regular, lapsed)| is_variety_drop(*regular, lapsed.len(), min_share));
    by_customer
}

/// The `variety_drop` signal of `customer` with `regular` regular items of which `lapsed` are
/// reportable lapses (at least [`MIN_LAPSED`]), at `as_of` (shared with the real-time feed).
pub(crate) fn variety_drop_signal(
    state: &State,
    customer: CustomerId,
    regular: usize,
    mut lapsed: Vec<&PairLapse>,
    as_of: Day,
) -> Signal {
    lapsed.sort_by(|a, b| b.value.total_cmp(&a.value));
    let value: f64 = lapsed.iter().map(|p| p.value).sum();
    let mut probabilities: Vec<f64> = lapsed.iter().map(|p| p.probability).collect();
    probabilities.sort_by(|a, b| b.total_cmp(a));
    let names: Vec<&str> = lapsed
        .iter()
        .take(3)
        .map(|p| state.product_text(p.product))
        .collect();
    let more = lapsed.len().saturating_sub(names.len());
    let evidence = format!(
        "stopped {} of {} regular items ({}{}) while still ordering the rest",
        lapsed.len(),
        regular,
        names.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    );
    Signal::new(
        SignalKind::VarietyDrop,
        Some(customer),
        None,
        as_of,
        value,
        probabilities[0] * probabilities[1],
        evidence,
    )
    .with_detail("regular_items", regular as f64)
    .with_detail("lapsed_items", lapsed.len() as f64)
}

/// Whether a customer with `regular` regular items of which `lapsed` are reportable lapses is
/// a variety drop.
pub(crate) fn is_variety_drop(regular: usize, lapsed: usize, min_share: f64) -> bool {
    lapsed >= MIN_LAPSED && lapsed as f64 >= min_share * regular as f64
}

impl Detector for VarietyDrop {
    fn kind(&self) -> SignalKind {
        SignalKind::VarietyDrop
    }

    fn detect(&self, scene: &Scene<'_>) -> Vec<Signal> {
        variety_drops(scene, self.min_share)
            .into_iter()
            .map(|(customer, (regular, lapsed))| {
                variety_drop_signal(scene.state, customer, regular, lapsed, scene.as_of)
            })
            .collect()
    }
}
