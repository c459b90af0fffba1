//! `pipeline_slowdown`: a team converts fewer deals out of a stage than it used to.
//!
//! Owns: the test of each team's (a manager's reps; a rep without a manager is its own team)
//! conversion out of each stage over the last [`RECENT_DAYS`] against the [`BASELINE_DAYS`]
//! before them (see [`crate::models::pipeline::conversions`]): a one-sided two-proportion z-test
//! with pooled variance. It reports a drop when z ≤ [`Z_CRITICAL`] (one-sided p ≤ 1e-4 per team,
//! stage and check: with 15 teams, 4 stages and weekly checks that is about one false alarm in
//! 30 years of weekly checks, before counting that successive weeks share most of their data),
//! the drop is at least [`MIN_DROP`] and both windows have enough exits. The team's pipeline
//! velocity (deals x win rate x average won amount / cycle length) in both windows goes along
//! as evidence.
//!
//! Value at stake: the lost conversions' worth over the horizon: (baseline rate - recent rate)
//! x recent exits per day x horizon x the team's recent won amount per closed deal.
//! Probability: Φ(-z).

use super::{Detector, Scene};
use crate::config::Config;
use crate::models::pipeline::{conversion_drop, conversions, velocities, Pipeline};
use crate::signal::{Signal, SignalKind};
use statrs::distribution::{ContinuousCDF, Normal};

/// The pipeline-slowdown detector.
#[derive(Clone, Debug)]
pub struct PipelineSlowdown {
    horizon_days: f64,
}

/// The recent window, in days.
pub const RECENT_DAYS: i32 = 91;
/// The baseline window before it, in days.
pub const BASELINE_DAYS: i32 = 365;
/// The z at or below which a drop is reported (one-sided p = 1e-4).
pub const Z_CRITICAL: f64 = -3.719;
/// The smallest drop in conversion reported (ten points).
pub const MIN_DROP: f64 = 0.10;
/// Fewest exits in the recent window.
pub const MIN_RECENT_EXITS: u32 = 20;
/// Fewest exits in the baseline window.
pub const MIN_BASELINE_EXITS: u32 = 40;

impl PipelineSlowdown {
    /// The detector with the configured horizon.
    pub fn from_config(config: &Config) -> PipelineSlowdown {
        PipelineSlowdown {
            horizon_days: f64::from(config.horizon_days),
        }
    }
}

impl Detector for PipelineSlowdown {
    fn kind(&self) -> SignalKind {
        SignalKind::PipelineSlowdown
    }

    fn detect(&self, scene: &Scene<'_>) -> Vec<Signal> {
        let state = scene.state;
        if state.deals().len() == 0 {
            return Vec::new();
        }
        let as_of = scene.as_of;
        let split = as_of - RECENT_DAYS;
        let recent = conversions(state, split, as_of);
        let before = conversions(state, split - BASELINE_DAYS, split);
        let v_recent = velocities(state, split, as_of);
        let v_before = velocities(state, split - BASELINE_DAYS, split);
        let pipeline = Pipeline::learn(state, as_of);
        let normal = Normal::standard();
        let mut out = Vec::new();
        for (&(team, stage), &now) in &recent {
            let Some(&then) = before.get(&(team, stage)) else {
                continue;
            };
            if now.exits() < MIN_RECENT_EXITS || then.exits() < MIN_BASELINE_EXITS {
                continue;
            }
            let (Some(p1), Some(p0), Some(z)) =
                (now.rate(), then.rate(), conversion_drop(now, then))
            else {
                continue;
            };
            if z > Z_CRITICAL || p0 - p1 < MIN_DROP {
                continue;
            }
            let v1 = v_recent.get(&team).and_then(|v| v.per_day());
            let v0 = v_before.get(&team).and_then(|v| v.per_day());
            let won_per_exit = v_recent
                .get(&team)
                .filter(|v| v.deals > 0)
                .map_or(0.0, |v| v.won_amount / f64::from(v.deals));
            let exits_per_day = f64::from(now.exits()) / f64::from(RECENT_DAYS);
            let value = (p0 - p1) * exits_per_day * self.horizon_days * won_per_exit;
            let velocity = match (v1, v0) {
                (Some(a), Some(b)) => format!("; velocity {a:.0}/day vs {b:.0}/day"),
                _ => String::new(),
            };
            let evidence = format!(
                "team of {}: {:.0}% of deals moved on from {} in the last {} days ({} of {}) vs \
                 {:.0}% in the year before (z = {:.1}){velocity}",
                state.rep_text(team),
                100.0 * p1,
                state.stage_text(stage),
                RECENT_DAYS,
                now.forward,
                now.exits(),
                100.0 * p0,
                z
            );
            let mut signal = Signal::new(
                SignalKind::PipelineSlowdown,
                None,
                None,
                as_of,
                value,
                normal.cdf(-z),
                evidence,
            )
            .with_detail("conversion_recent", p1)
            .with_detail("conversion_baseline", p0)
            .with_detail("conversion_z", z);
            if let (Some(a), Some(b)) = (v1, v0) {
                signal = signal
                    .with_detail("velocity_recent", a)
                    .with_detail("velocity_baseline", b);
            }
            if let Some(w) = pipeline.stage(stage).and_then(|s| s.win_rate()) {
                signal = signal.with_detail("stage_win_rate", w);
            }
            signal.rep = Some(team);
            out.push(signal);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::Day;
    use crate::model::{DealRow, Outcome, RepRow};
    use crate::Engine;

    fn deal(rows: &mut Vec<DealRow>, id: String, start: i32, won: bool) {
        let row = |stage: &str, day: i32, outcome: Outcome| DealRow {
            deal_id: id.clone(),
            customer_id: "C1".into(),
            stage: stage.into(),
            stage_entered: Day(day).to_date(),
            rep_id: Some("R1".into()),
            product_id: None,
            amount: Some(100.0),
            created: None,
            closed: (outcome != Outcome::Open).then(|| Day(day).to_date()),
            outcome: Some(outcome),
        };
        rows.push(row("Proposal", start, Outcome::Open));
        rows.push(if won {
            row("Won", start + 10, Outcome::Won)
        } else {
            row("Lost", start + 10, Outcome::Lost)
        });
    }

    /// Rep R1 (manager M1) closes a deal a day from "Proposal": 80% won for a year, then 30%.
    fn engine(drop: bool) -> Engine {
        let mut rows = Vec::new();
        for day in 0..500 {
            let rate = if drop && day >= 400 { 3 } else { 8 };
            deal(&mut rows, format!("D{day}"), day, day % 10 < rate);
        }
        let mut engine = Engine::new(Config::default()).unwrap();
        engine.ingest_rep_rows(&[
            RepRow {
                rep_id: "R1".into(),
                manager_id: Some("M1".into()),
                ..RepRow::default()
            },
            RepRow {
                rep_id: "M1".into(),
                ..RepRow::default()
            },
        ]);
        engine.ingest_deal_rows(&rows);
        engine
    }

    #[test]
    fn a_team_whose_conversion_falls_is_flagged_and_a_steady_one_is_not() {
        let as_of = Day(500);
        let flagged: Vec<Signal> = engine(true)
            .signal_list(Some(as_of))
            .unwrap()
            .into_iter()
            .filter(|s| s.kind == SignalKind::PipelineSlowdown)
            .collect();
        assert_eq!(flagged.len(), 1, "{flagged:#?}");
        let s = &flagged[0];
        assert!(s.evidence.starts_with("team of M1: "), "{}", s.evidence);
        assert!(s.customer.is_none());
        assert!(engine(false)
            .signal_list(Some(as_of))
            .unwrap()
            .iter()
            .all(|s| s.kind != SignalKind::PipelineSlowdown));
    }
}
