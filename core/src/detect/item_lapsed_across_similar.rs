//! `item_lapsed_across_similar`: one product lapses at more customers of a segment than its
//! usual lapse rate allows (a competitor's substitute).
//!
//! Owns: turning [`segment_lapses`] into segment-level signals (no customer; the segment and the
//! product set). The test is a one-sided binomial per (segment, product) at a Bonferroni level,
//! so one scan raises a false alarm with probability at most `similar_lapse_alpha`. The customer
//! pairs it explains are linked from their `item_lapsed` signals. Value at stake = the lapsed
//! pairs' expected revenue over the horizon; probability = 1 - p-value.

use super::lapses::{segment_lapses, SegmentLapse, SEGMENT_WINDOW_DAYS};
use super::{Detector, Scene};
use crate::config::Config;
use crate::day::Day;
use crate::signal::{Signal, SignalKind};
use crate::state::State;

/// The across-similar-customers detector.
#[derive(Clone, Debug)]
pub struct ItemLapsedAcrossSimilar {
    alpha: f64,
}

impl ItemLapsedAcrossSimilar {
    /// The detector with the configured false-alarm rate.
    pub fn from_config(config: &Config) -> ItemLapsedAcrossSimilar {
        ItemLapsedAcrossSimilar {
            alpha: config.thresholds.similar_lapse_alpha,
        }
    }
}

/// The `item_lapsed_across_similar` signal of a segment lapse at `as_of` (shared with the
/// real-time feed).
pub(crate) fn across_similar_signal(state: &State, s: &SegmentLapse, as_of: Day) -> Signal {
    let evidence = format!(
        "{} stopped at {} of its {} regular buyers in segment {} within {} days \
         ({:.1} expected; p = {:.1e})",
        state.product_text(s.product),
        s.lapsed,
        s.buyers,
        state.segment_text(s.segment),
        SEGMENT_WINDOW_DAYS,
        s.expected,
        s.p_value
    );
    let mut signal = Signal::new(
        SignalKind::ItemLapsedAcrossSimilar,
        None,
        Some(s.product),
        as_of,
        s.value,
        1.0 - s.p_value,
        evidence,
    )
    .with_detail("customers_lapsed", f64::from(s.lapsed))
    .with_detail("regular_buyers", f64::from(s.buyers))
    .with_detail("expected_lapses", s.expected);
    signal.segment = Some(s.segment);
    signal
}

impl Detector for ItemLapsedAcrossSimilar {
    fn kind(&self) -> SignalKind {
        SignalKind::ItemLapsedAcrossSimilar
    }

    fn detect(&self, scene: &Scene<'_>) -> Vec<Signal> {
        segment_lapses(scene, self.alpha)
            .into_iter()
            .map(|s| across_similar_signal(scene.state, &s, scene.as_of))
            .collect()
    }
}
