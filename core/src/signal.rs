//! Signals: what the detectors say and how it is shown.
//!
//! Owns: [`SignalKind`] (the ten kinds of API.md), [`Signal`] (one finding about a customer,
//! a pair, a segment or a team, with the money at stake, the probability that it is real, and
//! evidence in words) and the signals table ([`signals_frame`]). Detectors make signals; the
//! ranker orders them; nothing here detects or ranks.

use crate::day::Day;
use crate::ids::{CustomerId, LabelId, ProductId, RepId};
use crate::state::State;
use crate::table::{Frame, Series};
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;
use std::collections::BTreeSet;

/// The kinds of signal, as named in the signals table's `kind` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SignalKind {
    /// The customer has probably stopped buying (P(alive) fell) while it was worth something.
    CustomerAtRisk,
    /// The customer still buys, but far less often than its own history.
    FrequencyDrop,
    /// The customer's set of regularly bought items shrinks.
    VarietyDrop,
    /// A regular item is overdue at one customer.
    ItemLapsed,
    /// One product lapses at more similar customers than its normal lapse rate allows.
    ItemLapsedAcrossSimilar,
    /// An item the customer is likely to need but never bought.
    CrossSell,
    /// A seasonal item bought last season is not bought yet this season.
    SeasonalDue,
    /// Discounts of a segment, rep or family rose beyond their baseline.
    DiscountSpike,
    /// A deal sits in its stage past the stage's usual dwell time.
    DealStalled,
    /// A team's pipeline conversion or velocity fell beyond its normal variation.
    PipelineSlowdown,
}

impl SignalKind {
    /// Every kind, in table order.
    pub const ALL: [SignalKind; 10] = [
        SignalKind::CustomerAtRisk,
        SignalKind::FrequencyDrop,
        SignalKind::VarietyDrop,
        SignalKind::ItemLapsed,
        SignalKind::ItemLapsedAcrossSimilar,
        SignalKind::CrossSell,
        SignalKind::SeasonalDue,
        SignalKind::DiscountSpike,
        SignalKind::DealStalled,
        SignalKind::PipelineSlowdown,
    ];

    /// The snake_case name used in tables and labels.
    pub fn name(self) -> &'static str {
        match self {
            SignalKind::CustomerAtRisk => "customer_at_risk",
            SignalKind::FrequencyDrop => "frequency_drop",
            SignalKind::VarietyDrop => "variety_drop",
            SignalKind::ItemLapsed => "item_lapsed",
            SignalKind::ItemLapsedAcrossSimilar => "item_lapsed_across_similar",
            SignalKind::CrossSell => "cross_sell",
            SignalKind::SeasonalDue => "seasonal_due",
            SignalKind::DiscountSpike => "discount_spike",
            SignalKind::DealStalled => "deal_stalled",
            SignalKind::PipelineSlowdown => "pipeline_slowdown",
        }
    }

    /// The kind named `name`.
    pub fn parse(name: &str) -> Option<SignalKind> {
        SignalKind::ALL
            .into_iter()
            .find(|k| k.name() == name.trim())
    }
}

impl std::fmt::Display for SignalKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One finding of a detector.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Signal {
    /// What was found.
    pub kind: SignalKind,
    /// The customer concerned (none for team-level signals).
    pub customer: Option<CustomerId>,
    /// The product concerned.
    pub product: Option<ProductId>,
    /// The rep who should act (the customer's rep, or the team's manager).
    pub rep: Option<RepId>,
    /// The customer's (or the signal's) segment.
    pub segment: Option<LabelId>,
    /// The day the detector saw it.
    pub detected_on: Day,
    /// Money at stake over the configured horizon, in the orders' currency; never negative.
    pub value_at_stake: f64,
    /// The probability that the finding is real (calibrated per kind), 0..=1.
    pub probability: f64,
    /// value_at_stake x probability; the ranker refines it with urgency.
    pub score: f64,
    /// The reason in one sentence, with the numbers that make it.
    pub evidence: String,
    /// Kind-specific numbers, shown as extra columns of the signals table.
    pub details: SmallVec<[(&'static str, f64); 4]>,
}

impl Signal {
    /// A signal with its score computed from value and probability.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        kind: SignalKind,
        customer: Option<CustomerId>,
        product: Option<ProductId>,
        detected_on: Day,
        value_at_stake: f64,
        probability: f64,
        evidence: String,
    ) -> Signal {
        let value_at_stake = value_at_stake.max(0.0);
        let probability = probability.clamp(0.0, 1.0);
        Signal {
            kind,
            customer,
            product,
            rep: None,
            segment: None,
            detected_on,
            value_at_stake,
            probability,
            score: value_at_stake * probability,
            evidence,
            details: SmallVec::new(),
        }
    }

    /// Adds a kind-specific number.
    pub fn with_detail(mut self, name: &'static str, value: f64) -> Signal {
        self.details.push((name, value));
        self
    }

    /// Fills rep and segment from the customer's master data.
    pub fn attributed(mut self, state: &State) -> Signal {
        if let Some(c) = self.customer {
            let customer = state.customer(c);
            self.rep = self.rep.or(customer.rep());
            self.segment = self.segment.or(customer.master.segment);
        }
        self
    }

    /// What identifies the finding over time: kind, customer and product. The real-time feed
    /// reports a signal when its key was not active at the previous advance.
    pub fn key(
        &self,
    ) -> (
        SignalKind,
        Option<CustomerId>,
        Option<ProductId>,
        Option<LabelId>,
    ) {
        (self.kind, self.customer, self.product, self.segment)
    }
}

/// The signals table: kind, customer_id, product_id, rep_id, segment, detected_on,
/// value_at_stake, probability, score, evidence, then one column per kind-specific detail
/// (sorted by name; empty where a signal has no such detail).
pub fn signals_frame(state: &State, signals: &[Signal]) -> Frame {
    let text = |f: &dyn Fn(&Signal) -> Option<String>| Series::Str(signals.iter().map(f).collect());
    let number =
        |f: &dyn Fn(&Signal) -> f64| Series::F64(signals.iter().map(|s| Some(f(s))).collect());
    let mut frame = Frame::new()
        .with("kind", text(&|s| Some(s.kind.name().to_string())))
        .with(
            "customer_id",
            text(&|s| s.customer.map(|c| state.customer_text(c).to_string())),
        )
        .with(
            "product_id",
            text(&|s| s.product.map(|p| state.product_text(p).to_string())),
        )
        .with(
            "rep_id",
            text(&|s| s.rep.map(|r| state.rep_text(r).to_string())),
        )
        .with(
            "segment",
            text(&|s| s.segment.map(|l| state.segment_text(l).to_string())),
        )
        .with(
            "detected_on",
            Series::Day(signals.iter().map(|s| Some(s.detected_on)).collect()),
        )
        .with("value_at_stake", number(&|s| s.value_at_stake))
        .with("probability", number(&|s| s.probability))
        .with("score", number(&|s| s.score))
        .with("evidence", text(&|s| Some(s.evidence.clone())));
    let names: BTreeSet<&'static str> = signals
        .iter()
        .flat_map(|s| s.details.iter().map(|d| d.0))
        .collect();
    for name in names {
        let values = signals
            .iter()
            .map(|s| s.details.iter().find(|d| d.0 == name).map(|d| d.1))
            .collect();
        frame = frame.with(name, Series::F64(values));
    }
    frame
}
