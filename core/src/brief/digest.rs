//! The manager's digest: what a team's manager reads each week.
//!
//! Owns: [`Digest`] and [`build_digests`]: for every manager (a rep that some rep names as its
//! manager) the team (its reps), the team-level signals (those about no single customer:
//! `item_lapsed_across_similar`, `discount_spike`, `pipeline_slowdown`, and any new kind of that
//! level), each rep's top tasks ([`attach_top_tasks`], so a digest reads on its own), and the
//! team's KPIs this week against last week. KPI definitions are [`crate::kpi`]'s; here they are only
//! summed over the team's reps.
//!
//! A team-level signal goes to the manager it names (`rep_id`: the manager, or a rep whose
//! manager then gets it); one about a segment goes to every manager whose team serves that
//! segment; one about neither to every manager.

use super::tasks::Task;
use crate::config::Config;
use crate::day::Day;
use crate::error::Result;
use crate::ids::{LabelId, RepId};
use crate::kpi::{kpis, GroupBy};
use crate::rank::{signal_value, typical_urgency};
use crate::signal::Signal;
use crate::state::State;
use crate::table::Frame;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Tasks per rep shown in a digest.
pub const TOP_TASKS: usize = 3;

/// A team-level signal as the digest lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TeamSignal {
    /// The signal kind.
    pub kind: String,
    /// The segment it is about, if any.
    pub segment: Option<String>,
    /// The product it is about, if any.
    pub product_id: Option<String>,
    /// Money at stake over the horizon.
    pub value_at_stake: f64,
    /// P(the finding is real).
    pub probability: f64,
    /// The value of acting (the ranker's value model).
    pub value: f64,
    /// The reason in one sentence.
    pub evidence: String,
}

/// One KPI of a team, this week and last.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KpiChange {
    /// The KPI's column name in the KPI table (`active_customers`, `churn_rate`, ...).
    pub name: &'static str,
    /// Its value at the brief's day.
    pub this_week: Option<f64>,
    /// Its value seven days before.
    pub last_week: Option<f64>,
}

/// One manager's digest.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Digest {
    /// The manager's rep id.
    pub manager_id: String,
    /// The manager's name, when known.
    pub manager_name: Option<String>,
    /// The reps of the team, by id.
    pub reps: Vec<String>,
    /// Team-level signals, most valuable first.
    pub team_signals: Vec<TeamSignal>,
    /// The team's KPIs this week vs last.
    pub kpis: Vec<KpiChange>,
    /// Each rep's top [`TOP_TASKS`] tasks, by rep then rank (filled from the brief's tasks).
    pub top_tasks: Vec<Task>,
}

/// The KPIs a digest shows, by their KPI-table column.
pub const KPI_NAMES: [&str; 6] = [
    "active_customers",
    "churned_customers",
    "churn_rate",
    "orders",
    "net_revenue",
    "return_to_basket_rate",
];

/// Sums of the KPI table's count columns over a set of reps' rows, and the rates rebuilt from
/// them (a rate of a team is its summed numerator over its summed denominator).
fn team_kpis(frame: &Frame, state: &State, team: &BTreeSet<RepId>) -> BTreeMap<&'static str, f64> {
    let reps = frame.str_column("rep_id").unwrap_or(&[]);
    let rows: Vec<usize> = (0..frame.len())
        .filter(|&i| {
            reps[i]
                .as_deref()
                .and_then(|r| state.rep_id(r))
                .is_some_and(|r| team.contains(&r))
        })
        .collect();
    let sum = |name: &str| -> f64 {
        match (frame.i64_column(name), frame.f64_column(name)) {
            (Some(v), _) => rows.iter().filter_map(|&i| v[i]).map(|x| x as f64).sum(),
            (_, Some(v)) => rows.iter().filter_map(|&i| v[i]).sum(),
            _ => 0.0,
        }
    };
    let mut out = BTreeMap::new();
    out.insert("active_customers", sum("active_customers"));
    out.insert("churned_customers", sum("churned_customers"));
    let prev = sum("active_customers_prev");
    if prev > 0.0 {
        out.insert("churn_rate", sum("churned_customers") / prev);
    }
    out.insert("orders", sum("orders"));
    out.insert("net_revenue", sum("net_revenue"));
    let lapsed = sum("lapsed_pairs");
    if lapsed > 0.0 {
        out.insert("return_to_basket_rate", sum("returned_pairs") / lapsed);
    }
    out
}

/// Every manager's digest at `as_of`, by manager id.
pub fn build_digests(
    state: &State,
    config: &Config,
    as_of: Day,
    signals: &[Signal],
) -> Result<Vec<Digest>> {
    let mut teams: BTreeMap<RepId, BTreeSet<RepId>> = BTreeMap::new();
    for (id, rep) in state.reps() {
        if let Some(manager) = rep.manager.filter(|m| *m != id) {
            teams.entry(manager).or_default().insert(id);
        }
    }
    if teams.is_empty() {
        return Ok(Vec::new());
    }
    let mut segments: BTreeMap<RepId, BTreeSet<LabelId>> = BTreeMap::new();
    for (_, c) in state.customers() {
        if let (Some(rep), Some(segment)) = (c.rep(), c.master.segment) {
            segments.entry(rep).or_default().insert(segment);
        }
    }
    let now = kpis(state, config, as_of, Some(GroupBy::Rep))?;
    let before = kpis(state, config, as_of - 7, Some(GroupBy::Rep))?;
    let team_level: Vec<&Signal> = signals.iter().filter(|s| s.customer.is_none()).collect();
    let typical = typical_urgency(&config.rank, signals);
    let mut out = Vec::new();
    for (manager, team) in &teams {
        let serves = |segment: LabelId| {
            team.iter()
                .chain(std::iter::once(manager))
                .any(|r| segments.get(r).is_some_and(|s| s.contains(&segment)))
        };
        let mut team_signals: Vec<TeamSignal> = team_level
            .iter()
            .filter(|s| match (s.rep, s.segment) {
                (Some(r), _) => r == *manager || state.rep(r).manager == Some(*manager),
                (None, Some(segment)) => serves(segment),
                (None, None) => true,
            })
            .map(|s| TeamSignal {
                kind: s.kind.name().to_string(),
                segment: s.segment.map(|l| state.segment_text(l).to_string()),
                product_id: s.product.map(|p| state.product_text(p).to_string()),
                value_at_stake: s.value_at_stake,
                probability: s.probability,
                value: signal_value(&config.rank, s, typical),
                evidence: s.evidence.clone(),
            })
            .collect();
        team_signals.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.kind.cmp(&b.kind)));
        let (this, last) = (
            team_kpis(&now, state, team),
            team_kpis(&before, state, team),
        );
        out.push(Digest {
            manager_id: state.rep_text(*manager).to_string(),
            manager_name: state.rep(*manager).name.clone(),
            reps: team
                .iter()
                .map(|r| state.rep_text(*r).to_string())
                .collect(),
            team_signals,
            kpis: KPI_NAMES
                .iter()
                .map(|name| KpiChange {
                    name,
                    this_week: this.get(name).copied(),
                    last_week: last.get(name).copied(),
                })
                .collect(),
            top_tasks: Vec::new(),
        });
    }
    out.sort_by(|a, b| a.manager_id.cmp(&b.manager_id));
    Ok(out)
}

/// Copies each team rep's top [`TOP_TASKS`] tasks into its manager's digest.
pub fn attach_top_tasks(digests: &mut [Digest], tasks: &[Task]) {
    for d in digests {
        d.top_tasks = tasks
            .iter()
            .filter(|t| d.reps.contains(&t.rep_id) && t.rank as usize <= TOP_TASKS)
            .cloned()
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::CustomerId;
    use crate::model::{CustomerRow, OrderLine, RepRow};
    use crate::signal::SignalKind;
    use crate::{Config, Engine};

    fn rep(id: &str, manager: Option<&str>) -> RepRow {
        RepRow {
            rep_id: id.into(),
            manager_id: manager.map(Into::into),
            ..RepRow::default()
        }
    }

    fn customer(id: &str, rep: &str, segment: &str) -> CustomerRow {
        CustomerRow {
            customer_id: id.into(),
            rep_id: Some(rep.into()),
            segment: Some(segment.into()),
            ..CustomerRow::default()
        }
    }

    #[test]
    fn team_signals_reach_the_managers_they_concern() {
        let mut engine = Engine::new(Config::default()).unwrap();
        engine.ingest_rep_rows(&[
            rep("R1", Some("M1")),
            rep("R2", Some("M2")),
            rep("M1", None),
            rep("M2", None),
        ]);
        engine.ingest_customer_rows(&[
            customer("C1", "R1", "Retail"),
            customer("C2", "R2", "Horeca"),
        ]);
        let day = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        engine.ingest_order_rows(&[
            OrderLine::new("SO-1", "C1", "P1", day, 1.0, 10.0),
            OrderLine::new("SO-2", "C2", "P1", day, 1.0, 10.0),
        ]);
        let state = engine.state();
        let as_of = Day::from_date(day) + 3;
        let team_signal = |kind, rep: Option<&str>, segment: Option<&str>| {
            let mut s = Signal::new(kind, None, None, as_of, 100.0, 0.9, format!("{kind}"));
            s.rep = rep.and_then(|r| state.rep_id(r));
            s.segment = segment.and_then(|x| {
                state
                    .customers()
                    .find_map(|(_, c)| c.master.segment.filter(|l| state.segment_text(*l) == x))
            });
            s
        };
        let mut customer_level = Signal::new(
            SignalKind::ItemLapsed,
            Some(CustomerId(0)),
            None,
            as_of,
            1.0,
            1.0,
            String::new(),
        );
        customer_level.rep = state.rep_id("R1");
        let signals = vec![
            team_signal(SignalKind::PipelineSlowdown, Some("M1"), None),
            team_signal(SignalKind::DiscountSpike, Some("R2"), None),
            team_signal(SignalKind::DiscountSpike, None, Some("Horeca")),
            team_signal(SignalKind::ItemLapsedAcrossSimilar, None, None),
            customer_level,
        ];
        let digests = build_digests(state, engine.config(), as_of, &signals).unwrap();
        let kinds = |m: &str| -> Vec<(String, Option<String>)> {
            let d = digests.iter().find(|d| d.manager_id == m).unwrap();
            let mut k: Vec<_> = d
                .team_signals
                .iter()
                .map(|s| (s.kind.clone(), s.segment.clone()))
                .collect();
            k.sort();
            k
        };
        let name = |k: SignalKind| k.name().to_string();
        assert_eq!(
            kinds("M1"),
            [
                (name(SignalKind::ItemLapsedAcrossSimilar), None),
                (name(SignalKind::PipelineSlowdown), None)
            ]
        );
        assert_eq!(
            kinds("M2"),
            [
                (name(SignalKind::DiscountSpike), None),
                (name(SignalKind::DiscountSpike), Some("Horeca".to_string())),
                (name(SignalKind::ItemLapsedAcrossSimilar), None)
            ]
        );
        let m1 = digests.iter().find(|d| d.manager_id == "M1").unwrap();
        assert_eq!(m1.reps, ["R1"]);
        let active = m1
            .kpis
            .iter()
            .find(|k| k.name == "active_customers")
            .unwrap();
        assert_eq!((active.this_week, active.last_week), (Some(1.0), Some(0.0)));
    }
}
