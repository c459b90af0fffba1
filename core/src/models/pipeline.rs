//! The CRM pipeline: how long deals stay in each stage, how often they are won from it, and how
//! a team's conversion out of a stage compares with its own past.
//!
//! Owns: reading a deal as it stood on a day ([`DealAt`]), the dwell-time distribution and win
//! rate of each stage learned from the deals closed by that day ([`StageStats`], [`Pipeline`]),
//! and the stage conversion of a team over a window ([`Conversion`], [`conversion_drop`]).
//!
//! A deal's visits are its stage rows in day order; the dwell of a visit is the days until the
//! next visit. A closed deal's last visit is its closing row ("Closed Won", "Won", ...): it ends
//! the deal and has no dwell of its own. Only closed deals teach dwell times and win rates, as
//! in the usual CRM reports (an open deal's finished visits would favour fast stages).
//!
//! Dwell times are right-skewed; besides the empirical median and p90, each stage gets a
//! log-normal fit (mean and standard deviation of ln(dwell)), whose survival
//! S(t) = 1 - Φ((ln t - μ) / σ) says how unusual an open deal's time in the stage is.

use crate::day::Day;
use crate::ids::{LabelId, RepId};
use crate::model::Outcome;
use crate::state::{DealState, StageVisit, State};
use statrs::distribution::{ContinuousCDF, Normal};
use std::collections::BTreeMap;

/// A deal as it stood at the end of a day.
#[derive(Clone, Debug, PartialEq)]
pub struct DealAt<'a> {
    /// Visits entered on or before the day.
    pub visits: &'a [StageVisit],
    /// The outcome, if the deal had closed by the day.
    pub closed: Option<(Outcome, Day)>,
}

impl<'a> DealAt<'a> {
    /// `deal` as of `as_of`; `None` when it had not started yet.
    pub fn of(deal: &'a DealState, as_of: Day) -> Option<DealAt<'a>> {
        let all = deal.visits();
        let visits = &all[..all.partition_point(|v| v.entered <= as_of)];
        if visits.is_empty() {
            return None;
        }
        let facts = &deal.facts;
        let closed = match facts.outcome {
            Outcome::Open => None,
            outcome => {
                let day = facts.closed.unwrap_or(all[all.len() - 1].entered);
                (day <= as_of).then_some((outcome, day))
            }
        };
        Some(DealAt { visits, closed })
    }

    /// The visits that are pipeline stages (a closed deal's closing row left out).
    pub fn stage_visits(&self) -> &'a [StageVisit] {
        match self.closed {
            Some(_) if self.visits.len() > 1 => &self.visits[..self.visits.len() - 1],
            Some(_) => &[],
            None => self.visits,
        }
    }

    /// (visit, days until the next visit) for every finished stage visit.
    pub fn dwells(&self) -> impl Iterator<Item = (StageVisit, i32)> + '_ {
        let n = self.stage_visits().len();
        self.visits
            .windows(2)
            .take(n)
            .map(|w| (w[0], w[1].entered - w[0].entered))
    }
}

/// What closed deals say about one stage.
#[derive(Clone, Debug, PartialEq)]
pub struct StageStats {
    /// The stage.
    pub stage: LabelId,
    /// Days spent in the stage by closed deals, ascending.
    pub dwell_days: Vec<f64>,
    /// Closed deals that passed through the stage.
    pub closed: u32,
    /// Of those, won.
    pub won: u32,
}

impl StageStats {
    /// Won / closed among deals that passed through the stage (`None` without any).
    pub fn win_rate(&self) -> Option<f64> {
        (self.closed > 0).then(|| f64::from(self.won) / f64::from(self.closed))
    }

    /// The empirical `q`-quantile of the dwell (linear interpolation between order statistics,
    /// as numpy's default); `None` without data.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        quantile(&self.dwell_days, q)
    }

    /// The share of closed dwells at least `days` long, add-one smoothed:
    /// (#{dwell ≥ days} + 1) / (n + 1), the p-value of an open deal's time in the stage under the
    /// stage's own history (distribution-free).
    pub fn exceedance(&self, days: f64) -> f64 {
        let n = self.dwell_days.len();
        let below = self.dwell_days.partition_point(|d| *d < days);
        (n - below + 1) as f64 / (n + 1) as f64
    }

    /// Mean and standard deviation of ln(dwell) (a dwell of 0 days counts as half a day);
    /// `None` with fewer than two dwells.
    pub fn log_normal(&self) -> Option<(f64, f64)> {
        let n = self.dwell_days.len();
        if n < 2 {
            return None;
        }
        let logs = self.dwell_days.iter().map(|d| d.max(0.5).ln());
        let mean = logs.clone().sum::<f64>() / n as f64;
        let var = logs.map(|l| (l - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (var > 0.0).then(|| (mean, var.sqrt()))
    }

    /// P(a closed deal's dwell exceeds `days`) under the log-normal fit.
    pub fn survival(&self, days: f64) -> Option<f64> {
        let (mu, sigma) = self.log_normal()?;
        let normal = Normal::new(mu, sigma).ok()?;
        Some(normal.sf(days.max(0.5).ln()))
    }

    /// The dwell that a share `p` of deals stay within, under the log-normal fit.
    pub fn fitted_quantile(&self, p: f64) -> Option<f64> {
        let (mu, sigma) = self.log_normal()?;
        let normal = Normal::new(mu, sigma).ok()?;
        Some(normal.inverse_cdf(p).exp())
    }
}

/// The `q`-quantile of ascending `sorted` values, interpolated linearly.
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = q.clamp(0.0, 1.0) * (n - 1) as f64;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// Stage statistics of every stage, from the deals closed by a day.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pipeline {
    /// Per stage.
    pub stages: BTreeMap<LabelId, StageStats>,
}

impl Pipeline {
    /// Learns from `state`'s deals closed on or before `as_of`.
    pub fn learn(state: &State, as_of: Day) -> Pipeline {
        let mut stages: BTreeMap<LabelId, StageStats> = BTreeMap::new();
        for (_, deal) in state.deals() {
            let Some(at) = DealAt::of(deal, as_of) else {
                continue;
            };
            let Some((outcome, _)) = at.closed else {
                continue;
            };
            let mut seen: Vec<LabelId> = Vec::new();
            for (visit, days) in at.dwells() {
                let stats = stages.entry(visit.stage).or_insert_with(|| StageStats {
                    stage: visit.stage,
                    dwell_days: Vec::new(),
                    closed: 0,
                    won: 0,
                });
                stats.dwell_days.push(f64::from(days));
                if !seen.contains(&visit.stage) {
                    seen.push(visit.stage);
                    stats.closed += 1;
                    stats.won += u32::from(outcome == Outcome::Won);
                }
            }
        }
        for s in stages.values_mut() {
            s.dwell_days.sort_by(f64::total_cmp);
        }
        Pipeline { stages }
    }

    /// One stage's statistics.
    pub fn stage(&self, stage: LabelId) -> Option<&StageStats> {
        self.stages.get(&stage)
    }
}

/// The team a deal's rep belongs to: the rep's manager, else the rep itself.
pub fn team_of(state: &State, rep: RepId) -> RepId {
    state.rep(rep).manager.unwrap_or(rep)
}

/// Exits from one stage over a window: how many moved on (to a later stage or won) and how
/// many were lost.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Conversion {
    /// Exits that moved forward.
    pub forward: u32,
    /// Exits that ended lost.
    pub lost: u32,
}

impl Conversion {
    /// All exits.
    pub fn exits(&self) -> u32 {
        self.forward + self.lost
    }

    /// forward / exits (`None` without exits).
    pub fn rate(&self) -> Option<f64> {
        (self.exits() > 0).then(|| f64::from(self.forward) / f64::from(self.exits()))
    }
}

/// Per (team, stage): the exits in (`from`, `to`], read from the deals as of `to`. A visit exits
/// when the next visit is entered; it is lost when that next visit closes the deal lost.
pub fn conversions(state: &State, from: Day, to: Day) -> BTreeMap<(RepId, LabelId), Conversion> {
    let mut out: BTreeMap<(RepId, LabelId), Conversion> = BTreeMap::new();
    for (_, deal) in state.deals() {
        let Some(rep) = deal.facts.rep else { continue };
        let Some(at) = DealAt::of(deal, to) else {
            continue;
        };
        let team = team_of(state, rep);
        let last = at.stage_visits().len();
        for (i, w) in at.visits.windows(2).enumerate().take(last) {
            if w[1].entered <= from {
                continue;
            }
            let c = out.entry((team, w[0].stage)).or_default();
            let closing = i + 1 == at.visits.len() - 1 && at.closed.is_some();
            if closing && at.closed.map(|c| c.0) == Some(Outcome::Lost) {
                c.lost += 1;
            } else {
                c.forward += 1;
            }
        }
    }
    out
}

/// The one-sided two-proportion z of a drop from `before` to `recent` (pooled variance;
/// negative when the recent rate is lower); `None` when either has no exits.
pub fn conversion_drop(recent: Conversion, before: Conversion) -> Option<f64> {
    let (n1, n0) = (f64::from(recent.exits()), f64::from(before.exits()));
    let (p1, p0) = (recent.rate()?, before.rate()?);
    let pooled = (f64::from(recent.forward) + f64::from(before.forward)) / (n1 + n0);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n0)).sqrt();
    Some(if se > 0.0 { (p1 - p0) / se } else { 0.0 })
}

/// Pipeline velocity over a window: deals x win rate x average won amount / average cycle
/// length (days), per day. Reads the deals closed in (`from`, `to`] of one team.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Velocity {
    /// Deals closed.
    pub deals: u32,
    /// Of those, won.
    pub won: u32,
    /// Sum of won amounts.
    pub won_amount: f64,
    /// Sum of cycle lengths (first visit to close) in days.
    pub cycle_days: f64,
}

impl Velocity {
    /// deals x win rate x average won amount / average cycle length, in money per day.
    pub fn per_day(&self) -> Option<f64> {
        if self.deals == 0 || self.won == 0 || self.cycle_days <= 0.0 {
            return None;
        }
        let deals = f64::from(self.deals);
        let win_rate = f64::from(self.won) / deals;
        let size = self.won_amount / f64::from(self.won);
        let cycle = self.cycle_days / deals;
        Some(deals * win_rate * size / cycle)
    }
}

/// Per team: the velocity of the deals closed in (`from`, `to`].
pub fn velocities(state: &State, from: Day, to: Day) -> BTreeMap<RepId, Velocity> {
    let mut out: BTreeMap<RepId, Velocity> = BTreeMap::new();
    for (_, deal) in state.deals() {
        let Some(rep) = deal.facts.rep else { continue };
        let Some(at) = DealAt::of(deal, to) else {
            continue;
        };
        let Some((outcome, day)) = at.closed.filter(|c| c.1 > from) else {
            continue;
        };
        let v = out.entry(team_of(state, rep)).or_default();
        v.deals += 1;
        v.cycle_days += f64::from((day - at.visits[0].entered).max(1));
        if outcome == Outcome::Won {
            v.won += 1;
            v.won_amount += deal.facts.amount.unwrap_or(0.0);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::DealFacts;

    fn deal(stages: &[(i32, u32)], outcome: Outcome, closed: Option<i32>) -> DealState {
        let facts = DealFacts {
            rep: Some(RepId(0)),
            amount: Some(100.0),
            outcome,
            closed: closed.map(Day),
            ..DealFacts::default()
        };
        let mut visits = stages.iter().map(|&(d, s)| StageVisit {
            entered: Day(d),
            stage: LabelId(s),
        });
        let mut d = DealState::new(
            crate::ids::CustomerId(0),
            visits.next().unwrap(),
            facts.clone(),
        );
        for v in visits {
            d.record(v, facts.clone());
        }
        d
    }

    #[test]
    fn a_deal_as_of_a_day_sees_only_its_past() {
        // Stage 0 on day 0, stage 1 on day 10, closed won (stage 9) on day 30.
        let d = deal(&[(0, 0), (10, 1), (30, 9)], Outcome::Won, Some(30));
        let early = DealAt::of(&d, Day(15)).unwrap();
        assert_eq!((early.visits.len(), early.closed), (2, None));
        assert_eq!(early.dwells().collect::<Vec<_>>().len(), 1);
        let late = DealAt::of(&d, Day(30)).unwrap();
        assert_eq!(late.closed, Some((Outcome::Won, Day(30))));
        let dwells: Vec<i32> = late.dwells().map(|d| d.1).collect();
        assert_eq!(dwells, vec![10, 20], "the closing row has no dwell");
        assert!(DealAt::of(&d, Day(-1)).is_none());
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(quantile(&v, 0.5), Some(3.0));
        assert!((quantile(&v, 0.9).unwrap() - 7.6).abs() < 1e-12);
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn stage_stats_by_hand() {
        let s = StageStats {
            stage: LabelId(0),
            dwell_days: vec![(1f64).exp(), (3f64).exp()],
            closed: 4,
            won: 1,
        };
        assert_eq!(s.win_rate(), Some(0.25));
        assert_eq!(s.exceedance(2.0), 1.0);
        assert_eq!(s.exceedance(10.0), 2.0 / 3.0);
        assert_eq!(s.exceedance(100.0), 1.0 / 3.0);
        let (mu, sigma) = s.log_normal().unwrap();
        assert!((mu - 2.0).abs() < 1e-12 && (sigma - 2f64.sqrt()).abs() < 1e-12);
        assert!((s.survival(2f64.exp()).unwrap() - 0.5).abs() < 1e-12);
        assert!((s.fitted_quantile(0.5).unwrap() - 2f64.exp()).abs() < 1e-9);
    }

    #[test]
    fn conversion_counts_forward_and_lost_exits_and_the_z_of_a_drop() {
        let before = Conversion {
            forward: 80,
            lost: 20,
        };
        let recent = Conversion {
            forward: 25,
            lost: 25,
        };
        // p0 0.8, p1 0.5, pooled 0.7: se = sqrt(0.21 (1/50 + 1/100)) = 0.0794.
        let z = conversion_drop(recent, before).unwrap();
        assert!((z - (-0.3 / (0.21f64 * 0.03).sqrt())).abs() < 1e-12);
        assert_eq!(conversion_drop(Conversion::default(), before), None);
        let v = Velocity {
            deals: 10,
            won: 5,
            won_amount: 500.0,
            cycle_days: 200.0,
        };
        // 10 deals x 0.5 x 100 / 20 days = 25 per day.
        assert_eq!(v.per_day(), Some(25.0));
    }
}
