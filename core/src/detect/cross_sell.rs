//! `cross_sell`: "buys A and B but not C", where C is strongly implied by rules and by what
//! similar customers buy.
//!
//! Owns: turning the strongest offers of [`crate::affinity::offers`] into signals: at most the
//! top [`CROSS_SELL_MAX_RANK`](crate::affinity::offers::CROSS_SELL_MAX_RANK) offers of a
//! customer, and only those that pass the `cross_sell_*` thresholds of the configuration
//! (probability, share of similar customers who buy C, and a rule with lift), so a customer gets
//! one or two cross-sells, not a catalogue.
//! Value at stake = the revenue C would bring from this customer over the horizon; probability =
//! the share of the customer's similar customers who started buying C over the last horizon,
//! among those who could have (shrunk toward all customers' rate). Details: `suggested_price`,
//! `similar_share`, `rule_confidence`, `rule_lift`.

use super::{Detector, Scene};
use crate::affinity::offers;
use crate::config::Config;
use crate::signal::{Signal, SignalKind};

/// The cross-sell detector.
#[derive(Clone, Debug, Default)]
pub struct CrossSell;

impl CrossSell {
    /// The detector (the offers read its thresholds from the configuration).
    pub fn from_config(_config: &Config) -> CrossSell {
        CrossSell
    }
}

impl Detector for CrossSell {
    fn kind(&self) -> SignalKind {
        SignalKind::CrossSell
    }

    fn detect(&self, scene: &Scene<'_>) -> Vec<Signal> {
        let rank = crate::affinity::offers::CROSS_SELL_MAX_RANK as usize;
        offers(scene.state, scene.config, scene.as_of, rank, None)
            .into_iter()
            .filter(|o| o.cross_sell)
            .map(|o| {
                let (confidence, lift) = o.rule.unwrap_or((0.0, 0.0));
                let signal = Signal::new(
                    SignalKind::CrossSell,
                    Some(o.customer),
                    Some(o.product),
                    scene.as_of,
                    o.expected_revenue,
                    o.probability,
                    o.evidence,
                )
                .with_detail("similar_share", o.similar_share)
                .with_detail("rule_confidence", confidence)
                .with_detail("rule_lift", lift);
                match o.suggested_price {
                    Some(price) => signal.with_detail("suggested_price", price),
                    None => signal,
                }
            })
            .collect()
    }
}
