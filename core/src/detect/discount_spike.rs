//! `discount_spike`: a segment's, a rep's or a product family's discounts rose beyond their
//! baseline.
//!
//! Owns: turning the discount tests of [`crate::models::discounts`] into signals for managers
//! (no customer). Each week (the 7 days up to the scene's day) every segment's discount rate
//! (1 - Σnet / Σlist) is tested against the median and MAD of the 26 weeks before the last
//! four: a spike (robust z ≥ 4) or a persistent shift (CUSUM over the last four weeks ≥ 5σ̂),
//! of at least one point. Reps and families are tested the same way on their rate *in excess
//! of their segments' rates that week*, so a market-wide creep is one segment signal, and a rep
//! who gives away more than its market is its own. Residuals move with the mix of customers
//! that buy in a week, so they need a rise of two points, and they are not reported in a week
//! when any segment alarms (a ramp's timing within the week leaks into them). False-alarm rates are stated in the model's
//! documentation (about 1e-4 per group and week for the spike test, one in ~930 weeks for
//! CUSUM under normal in-control weeks).
//!
//! Value at stake: the extra discount over the horizon if it lasts, i.e. (rate now - usual
//! rate) x the group's weekly list amount x horizon weeks. Probability: Φ of the stronger of
//! the spike z and the recent weeks' mean z (near 1 for real alarms).
//!
//! A segment's signal carries the segment; a rep's carries the rep's manager (who acts) in
//! `rep_id` and names the rep in its evidence; a family's names the family.

use super::{Detector, Scene};
use crate::config::Config;
use crate::models::discounts::{DiscountRules, DiscountTest, Group, WeeklyDiscounts};
use crate::signal::{Signal, SignalKind};
use statrs::distribution::{ContinuousCDF, Normal};

/// The discount-spike detector.
#[derive(Clone, Debug)]
pub struct DiscountSpike {
    rules: DiscountRules,
    horizon_days: f64,
}

/// Reps and families must rise this many times the segments' material rise over their
/// segments: their residual series move with the mix of customers that buy in a week.
pub const RESIDUAL_RISE_FACTOR: f64 = 2.0;

impl DiscountSpike {
    /// The detector with the default rules and the configured horizon.
    pub fn from_config(config: &Config) -> DiscountSpike {
        DiscountSpike {
            rules: DiscountRules::default(),
            horizon_days: f64::from(config.horizon_days),
        }
    }

    /// The detector with other rules (tests, real data with few lines a week).
    pub fn with_rules(mut self, rules: DiscountRules) -> DiscountSpike {
        self.rules = rules;
        self
    }

    fn signal(&self, scene: &Scene<'_>, t: &DiscountTest, weekly_list: f64) -> Signal {
        let state = scene.state;
        let rise = t.current - t.baseline.median;
        let recent_z =
            (t.recent_mean - t.baseline.median) / t.sigma * (self.rules.recent_weeks as f64).sqrt();
        let normal = Normal::standard();
        let probability = normal.cdf(t.z.max(recent_z));
        let value = rise * weekly_list * self.horizon_days / 7.0;
        let (what, rep, segment, now, usual) = match t.group {
            Group::Segment(s) => (
                format!("segment {}", state.segment_text(s)),
                None,
                Some(s),
                t.current,
                t.baseline.median,
            ),
            Group::Rep(r) => (
                format!("rep {}", state.rep_text(r)),
                Some(state.rep(r).manager.unwrap_or(r)),
                None,
                t.current,
                t.baseline.median,
            ),
            Group::Family(f) => (
                format!("family {}", state.family_text(f)),
                None,
                None,
                t.current,
                t.baseline.median,
            ),
        };
        let evidence = match t.group {
            Group::Segment(_) => format!(
                "{what}: {:.1}% this week vs {:.1}% usual (z = {:.1}, CUSUM = {:.1})",
                100.0 * now,
                100.0 * usual,
                t.z,
                t.cusum
            ),
            _ => format!(
                "{what}: {:+.1} points over its segments' discount this week vs {:+.1} usual \
                 (z = {:.1}, CUSUM = {:.1})",
                100.0 * now,
                100.0 * usual,
                t.z,
                t.cusum
            ),
        };
        let mut signal = Signal::new(
            SignalKind::DiscountSpike,
            None,
            None,
            scene.as_of,
            value,
            probability,
            evidence,
        )
        .with_detail("discount_rate", t.current)
        .with_detail("discount_baseline", t.baseline.median)
        .with_detail("discount_z", t.z)
        .with_detail("discount_cusum", t.cusum);
        signal.rep = rep;
        signal.segment = segment;
        signal
    }
}

impl Detector for DiscountSpike {
    fn kind(&self) -> SignalKind {
        SignalKind::DiscountSpike
    }

    fn detect(&self, scene: &Scene<'_>) -> Vec<Signal> {
        let weekly = WeeklyDiscounts::from_state(scene.state, scene.as_of, self.rules.weeks());
        let residual_rules = DiscountRules {
            min_rise: self.rules.min_rise * RESIDUAL_RISE_FACTOR,
            ..self.rules
        };
        let tests: Vec<DiscountTest> = weekly
            .groups()
            .into_iter()
            .filter_map(|g| {
                DiscountTest::run(g, &weekly.series(g, self.rules.min_lines), &self.rules)
            })
            .collect();
        // A segment that moves this week makes its reps' and families' residuals unreliable
        // (their lines fall on other days of a ramp): the segment's signal speaks for them.
        let moving_segment = tests
            .iter()
            .any(|t| matches!(t.group, Group::Segment(_)) && t.alarm(&self.rules));
        tests
            .iter()
            .filter(|t| match t.group {
                Group::Segment(_) => t.alarm(&self.rules),
                _ => !moving_segment && t.alarm(&residual_rules),
            })
            .map(|t| self.signal(scene, t, weekly.totals(t.group)[0].list))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::Day;
    use crate::model::{CustomerRow, OrderLine};
    use crate::Engine;

    /// Two segments of four customers each buy weekly at 10% off; from week 30 the Retail
    /// customers get 20% off.
    fn engine(creep_from_week: i32) -> Engine {
        let mut engine = Engine::new(Config::default()).unwrap();
        let mut customers = Vec::new();
        let mut lines = Vec::new();
        for c in 0..8 {
            let segment = if c < 4 { "Retail" } else { "Horeca" };
            customers.push(CustomerRow {
                customer_id: format!("C{c}"),
                segment: Some(segment.into()),
                ..CustomerRow::default()
            });
            for week in 0..34 {
                for item in 0..3 {
                    let day = Day(7 * week + item);
                    let off = if c < 4 && week >= creep_from_week {
                        0.2
                    } else {
                        0.1 + 0.002 * f64::from((week + item) % 3)
                    };
                    let mut line = OrderLine::new(
                        format!("O{c}-{week}"),
                        format!("C{c}"),
                        format!("P{item}"),
                        day.to_date(),
                        1.0,
                        100.0 * (1.0 - off),
                    );
                    line.list_amount = Some(100.0);
                    lines.push(line);
                }
            }
        }
        engine.ingest_customer_rows(&customers);
        engine.ingest_order_rows(&lines);
        engine
    }

    #[test]
    fn a_segment_whose_discount_doubles_is_flagged_and_a_steady_one_is_not() {
        let creeping = engine(33);
        let signals: Vec<Signal> = creeping
            .signal_list(Some(Day(7 * 33 + 6)))
            .unwrap()
            .into_iter()
            .filter(|s| s.kind == SignalKind::DiscountSpike)
            .collect();
        assert_eq!(signals.len(), 1, "{signals:#?}");
        let s = &signals[0];
        let state = creeping.state();
        assert_eq!(state.segment_text(s.segment.unwrap()), "Retail");
        assert!(s.customer.is_none());
        assert!(
            s.evidence
                .starts_with("segment Retail: 20.0% this week vs 10."),
            "{}",
            s.evidence
        );
        // 9.8 points more (20% vs 10.2%) on 12 lines of 100 a week, over 90 days.
        assert!(
            (s.value_at_stake - 0.098 * 1200.0 * 90.0 / 7.0).abs() < 1.0,
            "{}",
            s.value_at_stake
        );
        let quiet = engine(99);
        assert!(quiet
            .signal_list(Some(Day(7 * 33 + 6)))
            .unwrap()
            .iter()
            .all(|s| s.kind != SignalKind::DiscountSpike));
    }
}
