//! `deal_stalled`: an open deal has sat in its stage far longer than closed deals did.
//!
//! Owns: the test of an open deal's time in its current stage against that stage's dwell-time
//! distribution (learned from the deals closed by the scene's day, see
//! [`crate::models::pipeline`]). A deal past the stage's p90 is *late*; it is reported
//! **stalled** once it is past the stage's empirical p99, so that a deal that merely moves
//! slowly is flagged with probability about 1% per stage visit (the stated false-alarm rate;
//! distribution-free, as the quantile is the stage's own), instead of the 10% a bare p90 rule
//! would give. A log-normal fit is no good here: real CRM dwells have a long left tail in
//! log space (deals closed within a day or two), which inflates the fitted σ and its p99 five
//! times past the longest dwell ever seen. A stage needs [`MIN_CLOSED_DWELLS`] closed dwells
//! before its deals are judged, so that its p99 rests on data.
//!
//! Value at stake: the deal's amount x the win rate of deals that passed through the stage.
//! Probability: 1 - the share of closed dwells at least as long (add-one smoothed).

use super::{Detector, Scene};
use crate::config::Config;
use crate::models::pipeline::{DealAt, Pipeline};
use crate::signal::{Signal, SignalKind};

/// The deal-stalled detector.
#[derive(Clone, Debug)]
pub struct DealStalled {
    alpha: f64,
}

/// Closed dwells a stage needs before its open deals are judged.
pub const MIN_CLOSED_DWELLS: usize = 50;
/// Share of normally moving deals that would be flagged in a stage visit.
pub const STALL_ALPHA: f64 = 0.01;

impl DealStalled {
    /// The detector with the default false-alarm rate.
    pub fn from_config(_config: &Config) -> DealStalled {
        DealStalled { alpha: STALL_ALPHA }
    }
}

impl Detector for DealStalled {
    fn kind(&self) -> SignalKind {
        SignalKind::DealStalled
    }

    fn detect(&self, scene: &Scene<'_>) -> Vec<Signal> {
        let state = scene.state;
        let pipeline = Pipeline::learn(state, scene.as_of);
        let mut out = Vec::new();
        for (id, deal) in state.deals() {
            let Some(at) = DealAt::of(deal, scene.as_of) else {
                continue;
            };
            if at.closed.is_some() {
                continue;
            }
            let Some(current) = at.visits.last() else {
                continue;
            };
            let Some(stats) = pipeline
                .stage(current.stage)
                .filter(|s| s.dwell_days.len() >= MIN_CLOSED_DWELLS)
            else {
                continue;
            };
            let days = f64::from(scene.as_of - current.entered);
            let (Some(p90), Some(limit)) = (stats.quantile(0.9), stats.quantile(1.0 - self.alpha))
            else {
                continue;
            };
            if days <= p90.max(limit) {
                continue;
            }
            let survival = stats.exceedance(days);
            let win_rate = stats.win_rate().unwrap_or(0.0);
            let amount = deal.facts.amount.unwrap_or(0.0);
            let median = stats.quantile(0.5).unwrap_or(p90);
            let evidence = format!(
                "deal {} in {} for {days:.0} days; closed deals left it in {median:.0} (median), \
                 90% within {p90:.0}; {:.0}% of deals through it were won",
                state.deal_text(id),
                state.stage_text(current.stage),
                100.0 * win_rate
            );
            let mut signal = Signal::new(
                SignalKind::DealStalled,
                Some(deal.customer),
                deal.facts.product,
                scene.as_of,
                amount * win_rate,
                1.0 - survival,
                evidence,
            )
            .with_detail("days_in_stage", days)
            .with_detail("stage_p90_days", p90)
            .with_detail("stage_win_rate", win_rate)
            .with_detail("deal_amount", amount);
            signal.rep = deal.facts.rep;
            out.push(signal);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::Day;
    use crate::model::{DealRow, Outcome};
    use crate::Engine;

    fn row(deal: &str, stage: &str, day: i32, outcome: Outcome) -> DealRow {
        DealRow {
            deal_id: deal.into(),
            customer_id: "C1".into(),
            stage: stage.into(),
            stage_entered: Day(day).to_date(),
            rep_id: Some("R1".into()),
            product_id: None,
            amount: Some(1000.0),
            created: None,
            closed: (outcome != Outcome::Open).then(|| Day(day).to_date()),
            outcome: Some(outcome),
        }
    }

    /// 60 closed deals spent 8-12 days in "Proposal" (half won); one open deal entered it on
    /// day 0 and one on day 195.
    fn engine() -> Engine {
        let mut rows = Vec::new();
        for i in 0..60 {
            let id = format!("D{i}");
            let start = i * 2;
            let dwell = 8 + i % 5;
            rows.push(row(&id, "Proposal", start, Outcome::Open));
            let (stage, outcome) = if i % 2 == 0 {
                ("Won", Outcome::Won)
            } else {
                ("Lost", Outcome::Lost)
            };
            rows.push(row(&id, stage, start + dwell, outcome));
        }
        rows.push(row("OLD", "Proposal", 0, Outcome::Open));
        rows.push(row("NEW", "Proposal", 195, Outcome::Open));
        let mut engine = Engine::new(Config::default()).unwrap();
        engine.ingest_deal_rows(&rows);
        engine
    }

    #[test]
    fn a_deal_far_past_its_stage_dwell_is_stalled_and_a_fresh_one_is_not() {
        let engine = engine();
        let signals: Vec<Signal> = engine
            .signal_list(Some(Day(200)))
            .unwrap()
            .into_iter()
            .filter(|s| s.kind == SignalKind::DealStalled)
            .collect();
        assert_eq!(signals.len(), 1, "{signals:#?}");
        let s = &signals[0];
        assert!(
            s.evidence.starts_with("deal OLD in Proposal for 200 days"),
            "{}",
            s.evidence
        );
        assert_eq!(s.value_at_stake, 500.0, "amount x win rate 0.5");
        assert!((s.probability - (1.0 - 1.0 / 61.0)).abs() < 1e-12);
        // On day 60 the closed deals so far are too few to judge.
        assert!(engine
            .signal_list(Some(Day(60)))
            .unwrap()
            .iter()
            .all(|s| s.kind != SignalKind::DealStalled));
    }
}
