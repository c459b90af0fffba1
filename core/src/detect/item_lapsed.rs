//! `item_lapsed`: a regular item is overdue at one customer beyond a calibrated probability.
//!
//! Owns: turning the scene's reportable pair lapses into signals. A lapse that belongs to a
//! customer's variety drop is left to `variety_drop` (one finding, not several); one whose
//! product also lapses across its segment (`item_lapsed_across_similar`) is linked to it: the
//! signal says so and its urgency (score) doubles, since a competitor is probably taking the
//! item from several customers at once. Value at stake = the pair's expected revenue over the
//! horizon; probability = P(the pair stopped | its open gap) from the pair rhythm model.

use super::lapses::{segment_lapses, PairLapse};
use super::variety_drop::variety_drops;
use super::{Detector, Scene};
use crate::config::Config;
use crate::day::Day;
use crate::signal::{Signal, SignalKind};
use std::collections::BTreeSet;

/// The item-lapsed detector.
#[derive(Clone, Debug)]
pub struct ItemLapsed {
    variety_share: f64,
    similar_alpha: f64,
}

/// How much a lapse shared across its segment raises the score.
const SHARED_LAPSE_URGENCY: f64 = 2.0;

impl ItemLapsed {
    /// The detector with the configured thresholds.
    pub fn from_config(config: &Config) -> ItemLapsed {
        ItemLapsed {
            variety_share: config.thresholds.variety_drop_share,
            similar_alpha: config.thresholds.similar_lapse_alpha,
        }
    }
}

/// The `item_lapsed` signal of a reportable pair at `as_of`; `across` when its product also
/// lapses across the customer's segment (shared with the real-time feed).
pub(crate) fn item_lapsed_signal(p: &PairLapse, as_of: Day, across: bool) -> Signal {
    let evidence = format!(
        "buys every ~{:.0} days, last bought {} days ago; P(stopped) = {:.2}{}",
        p.rhythm.median_days,
        as_of - p.last,
        p.probability,
        if across {
            "; the item lapses at several similar customers"
        } else {
            ""
        }
    );
    let mut signal = Signal::new(
        SignalKind::ItemLapsed,
        Some(p.customer),
        Some(p.product),
        as_of,
        p.value,
        p.probability,
        evidence,
    )
    .with_detail("median_interval_days", p.rhythm.median_days)
    .with_detail("days_since_last", f64::from(as_of - p.last))
    .with_detail("days_overdue", f64::from(as_of - p.due))
    .with_detail("across_similar", f64::from(u8::from(across)));
    if across {
        signal.score *= SHARED_LAPSE_URGENCY;
    }
    signal
}

impl Detector for ItemLapsed {
    fn kind(&self) -> SignalKind {
        SignalKind::ItemLapsed
    }

    fn detect(&self, scene: &Scene<'_>) -> Vec<Signal> {
        let in_variety_drop = variety_drops(scene, self.variety_share);
        let shared: BTreeSet<_> = segment_lapses(scene, self.similar_alpha)
            .into_iter()
            .map(|s| (s.segment, s.product))
            .collect();
        scene
            .lapses()
            .reportable()
            .filter(|p| !in_variety_drop.contains_key(&p.customer))
            .map(|p| {
                let segment = scene.state.customer(p.customer).master.segment;
                let across = segment.is_some_and(|s| shared.contains(&(s, p.product)));
                item_lapsed_signal(p, scene.as_of, across)
            })
            .collect()
    }
}
