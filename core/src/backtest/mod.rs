//! The backtest: the engine's own history replayed as a stream, scored against what followed.
//!
//! Owns: [`Engine::backtest`]. A copy of the engine (same configuration and state, no clock, no
//! feed, no issued tasks) is moved through the history on the replayed days `start`,
//! `start + every_days`, ... `<= end` through the production paths: [`Engine::advance_list`]
//! (the real-time feed: the signals that rose since the previous day are that day's *alarms*),
//! [`Engine::weekly_brief`] and [`Engine::record_brief`]. Both read only lines dated on or before
//! their day (the `backtest` integration test checks it against engines fed only those lines),
//! so the future the copy holds is invisible to them. One advance at `start - every_days` is
//! made first and its signals dropped, so that the alarms of `start` are the ones that rose then,
//! not everything already active. Then [`truth`] judges every alarm and every brief from the
//! full history, and [`rfm_baseline`] makes the list to beat. Files: [`truth`] (what happened),
//! [`rfm_baseline`] (the baseline), [`report`] (the tables).
//!
//! It must not touch the detectors, the ranker or the brief: it replays them as they are.
//!
//! # What is measured
//!
//! **Per alarm** at day `d` (see [`truth`] for expected, actual and lost revenue):
//! - item kinds (`item_lapsed`, `seasonal_due`, and `item_lapsed_across_similar` at a customer):
//!   true when the pair has no purchase day in the next quarter;
//! - `cross_sell`: true when the customer buys the product in the next quarter (an opportunity
//!   taken, not a loss);
//! - other kinds with a customer: true when the customer's next-quarter revenue falls below
//!   [`truth::LOSS_FRACTION`] of its run rate;
//! - kinds without a customer (team-level) are counted, not judged.
//!
//! An alarm is judged (*scored*) when `d + 90` is on or before the last order day. **Lead
//! time**: days from the alarm to the static monthly report's flag of the same customer
//! ([`truth::Ledger::report_lead`]); the median is over alarms the report flagged.
//!
//! **Per brief** at a scored day: the *share of next-quarter lost revenue pointed at* is the
//! sum of `max(0, E - A)` over the distinct customers of the week's tasks, divided by that sum
//! over every customer with a rep (the book the briefs cover). The RFM list takes, for each
//! rep, as many of the rep's customers as the rep has tasks, in [`rfm_baseline`] order; the
//! oracle takes the rep's customers with the most lost revenue (knowing the future: the
//! ceiling of any list of that length).

pub mod report;
pub mod rfm_baseline;
pub mod truth;

pub use report::{AlarmRow, BacktestReport, KindRow, Summary, WeekRow};

use crate::day::Day;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ids::{CustomerId, RepId};
use crate::outcomes::judge;
use crate::signal::{Signal, SignalKind};
use crate::state::State;
use std::collections::{BTreeMap, BTreeSet};
use truth::{pair_bought, pair_series, Ledger, LOSS_FRACTION, QUARTER_DAYS};

/// The most replayed days one call makes (about 40 years of weeks).
pub const MAX_REPLAYED_DAYS: i64 = 2_000;

#[derive(Clone, Copy, PartialEq)]
enum Test {
    ItemLapsed,
    ItemBought,
    CustomerLost,
    None,
}

fn test_of(s: &Signal) -> Test {
    match (s.kind, s.customer, s.product) {
        (_, None, _) => Test::None,
        (
            SignalKind::ItemLapsed | SignalKind::SeasonalDue | SignalKind::ItemLapsedAcrossSimilar,
            Some(_),
            Some(_),
        ) => Test::ItemLapsed,
        (SignalKind::CrossSell, Some(_), Some(_)) => Test::ItemBought,
        _ => Test::CustomerLost,
    }
}

fn truth_text(t: Test) -> &'static str {
    match t {
        Test::ItemLapsed => "item not bought in the next 90 days",
        Test::ItemBought => "item bought in the next 90 days",
        Test::CustomerLost => "next-90-day revenue < 50% of run rate",
        Test::None => "team-level: not judged",
    }
}

impl Engine {
    /// Replays the history from `start` to `end` every `every_days` days through the real-time
    /// feed and the weekly brief, and scores each signal kind and each week's tasks against what
    /// the customers did next; see [`crate::backtest`] for every definition.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `start >= end`, `every_days` is 0, a day is outside
    /// 1900..2199, the engine has no orders, `start` is after the last order day, or the call
    /// would replay more than [`MAX_REPLAYED_DAYS`] days.
    pub fn backtest(&self, start: Day, end: Day, every_days: u32) -> Result<BacktestReport> {
        let data_end = check(self.state(), start, end, every_days)?;
        let step = every_days as i32;
        let mut replay = self.replay_copy();
        let warm_up = start - step;
        if warm_up.is_plausible() {
            replay.advance_list(warm_up)?;
        }
        let ledger = Ledger::build(self.state(), data_end);
        let mut builder = Builder::new(self.state(), &ledger, data_end);
        let mut day = start;
        while day <= end {
            let risen = replay.advance_list(day)?;
            let brief = replay.weekly_brief(day, None)?;
            replay.record_brief(&brief);
            builder.week(day, &risen, &brief)?;
            day = day + step;
        }
        let outcomes = judge(self.state(), replay.issued(), data_end);
        Ok(builder.finish(start, end, every_days, outcomes))
    }
}

fn check(state: &State, start: Day, end: Day, every_days: u32) -> Result<Day> {
    let bad = |m: String| Err(Error::InvalidArgument(m));
    if every_days == 0 {
        return bad("every_days is 0; the replay steps at least one day at a time".into());
    }
    for (name, d) in [("start", start), ("end", end)] {
        if !d.is_plausible() {
            return bad(format!(
                "{name} is day number {}; it must lie between 1900-01-01 and 2199-12-31",
                d.0
            ));
        }
    }
    if start >= end {
        return bad(format!(
            "start ({start}) must be before end ({end}); the backtest replays the days between"
        ));
    }
    let Some(data_end) = state.last_day() else {
        return bad("the engine has no orders to replay; ingest orders first".into());
    };
    if start > data_end {
        return bad(format!(
            "start ({start}) is after the last order day ({data_end}); nothing happened to replay"
        ));
    }
    let days = i64::from(end - start) / i64::from(every_days) + 1;
    if days > MAX_REPLAYED_DAYS {
        return bad(format!(
            "{days} replayed days is more than {MAX_REPLAYED_DAYS}; raise every_days or shorten the span"
        ));
    }
    Ok(data_end)
}

#[derive(Default)]
struct KindSums {
    test: Option<Test>,
    alarms: usize,
    scored: usize,
    true_alarms: usize,
    leads: Vec<f64>,
    base: Vec<f64>,
    revenue: f64,
    lost: f64,
}

/// Scores the replayed days one by one.
struct Builder<'a> {
    state: &'a State,
    ledger: &'a Ledger,
    data_end: Day,
    kinds: BTreeMap<SignalKind, KindSums>,
    weeks: Vec<WeekRow>,
    alarms: Vec<AlarmRow>,
}

impl<'a> Builder<'a> {
    fn new(state: &'a State, ledger: &'a Ledger, data_end: Day) -> Builder<'a> {
        Builder {
            state,
            ledger,
            data_end,
            kinds: BTreeMap::new(),
            weeks: Vec::new(),
            alarms: Vec::new(),
        }
    }

    fn week(&mut self, day: Day, risen: &[Signal], brief: &crate::brief::Brief) -> Result<()> {
        let scored = day + QUARTER_DAYS <= self.data_end;
        let rates = if scored {
            Some(self.base_rates(day))
        } else {
            None
        };
        for s in risen {
            self.alarm(day, s, scored, rates);
        }
        let mut row = WeekRow {
            day,
            alarms: risen.len(),
            tasks: brief.tasks.len(),
            scored,
            lost_total: 0.0,
            lost_ours: 0.0,
            lost_rfm: 0.0,
            lost_oracle: 0.0,
        };
        if scored {
            self.lists(day, brief, &mut row)?;
        }
        self.weeks.push(row);
        Ok(())
    }

    /// The share of customers that lost revenue and of regular pairs that lapsed over the
    /// quarter after `day`: what a random pick would score.
    fn base_rates(&self, day: Day) -> (Option<f64>, Option<f64>) {
        let (mut lost, mut customers, mut lapsed, mut pairs) = (0usize, 0usize, 0usize, 0usize);
        for (id, c) in self.state.customers() {
            if let Some((e, a)) = self.ledger.customer(id, day).filter(|(e, _)| *e > 0.0) {
                customers += 1;
                lost += usize::from(a < LOSS_FRACTION * e);
            }
            for p in c.pairs() {
                // Pairs with a rhythm (two purchase days or more) are the ones a lapse is about.
                if p.purchase_days_until(day).nth(1).is_some() {
                    pairs += 1;
                    lapsed += usize::from(!pair_bought(p, day));
                }
            }
        }
        let rate = |a: usize, n: usize| (n > 0).then(|| a as f64 / n as f64);
        (rate(lost, customers), rate(lapsed, pairs))
    }

    fn alarm(
        &mut self,
        day: Day,
        s: &Signal,
        scored: bool,
        rates: Option<(Option<f64>, Option<f64>)>,
    ) {
        let test = test_of(s);
        let sums = self.kinds.entry(s.kind).or_default();
        sums.alarms += 1;
        if sums.test.is_none_or(|t| t == Test::None) {
            sums.test = Some(test);
        }
        let state = self.state;
        let mut row = AlarmRow {
            day,
            kind: s.kind.name().to_string(),
            customer_id: s.customer.map(|c| state.customer_text(c).to_string()),
            product_id: s.product.map(|p| state.product_text(p).to_string()),
            value_at_stake: s.value_at_stake,
            came_true: None,
            lead_days: None,
            expected: None,
            actual: None,
        };
        if let (true, Some(c)) = (scored, s.customer) {
            let pair = s.product.and_then(|p| state.customer(c).pair(p));
            let judged = match (test, pair) {
                (Test::ItemLapsed, Some(pair)) => {
                    let series = pair_series(pair);
                    Some((
                        !pair_bought(pair, day),
                        series.expected(day),
                        series.actual(day),
                    ))
                }
                (Test::ItemLapsed, None) => None,
                (Test::ItemBought, pair) => {
                    let bought = pair.is_some_and(|p| pair_bought(p, day));
                    let actual = pair.map_or(0.0, |p| pair_series(p).actual(day));
                    Some((bought, Some(0.0), actual))
                }
                (Test::CustomerLost, _) => self
                    .ledger
                    .customer(c, day)
                    .map(|(e, a)| (e > 0.0 && a < LOSS_FRACTION * e, Some(e), a)),
                (Test::None, _) => None,
            };
            if let Some((came_true, expected, actual)) = judged {
                sums.scored += 1;
                sums.true_alarms += usize::from(came_true);
                sums.revenue += actual;
                sums.lost += (expected.unwrap_or(0.0) - actual).max(0.0);
                let (customer_rate, pair_rate) = rates.unwrap_or_default();
                let base = match test {
                    Test::ItemLapsed => pair_rate,
                    Test::CustomerLost => customer_rate,
                    _ => None,
                };
                sums.base.extend(base);
                row.lead_days = self.ledger.report_lead(c, day);
                if test != Test::ItemBought {
                    sums.leads.extend(row.lead_days.map(f64::from));
                }
                row.came_true = Some(came_true);
                row.expected = expected;
                row.actual = Some(actual);
            }
        }
        self.alarms.push(row);
    }

    /// Lost revenue pointed at by the brief, the RFM list and the oracle, per rep at equal
    /// length.
    fn lists(&self, day: Day, brief: &crate::brief::Brief, row: &mut WeekRow) -> Result<()> {
        let state = self.state;
        let mut book: BTreeMap<RepId, Vec<(CustomerId, f64)>> = BTreeMap::new();
        for (id, c) in state.customers() {
            let (Some(rep), Some((e, a))) = (c.rep(), self.ledger.customer(id, day)) else {
                continue;
            };
            let lost = (e - a).max(0.0);
            row.lost_total += lost;
            book.entry(rep).or_default().push((id, lost));
        }
        let lost_of: BTreeMap<CustomerId, f64> =
            book.values().flatten().map(|(c, l)| (*c, *l)).collect();
        let mut length: BTreeMap<RepId, usize> = BTreeMap::new();
        let mut ours: BTreeSet<CustomerId> = BTreeSet::new();
        for t in &brief.tasks {
            let customer = state.customer_id(&t.customer_id).ok_or_else(|| {
                Error::InvalidArgument(format!("task customer {:?} is unknown", t.customer_id))
            })?;
            if let Some(rep) = state.rep_id(&t.rep_id) {
                *length.entry(rep).or_default() += 1;
            }
            ours.insert(customer);
        }
        row.lost_ours = ours.iter().filter_map(|c| lost_of.get(c)).sum();
        let mut rfm = rfm_baseline::rfm_priority(self.ledger, day);
        rfm_baseline::sort_list(&mut rfm);
        let mut taken: BTreeMap<RepId, usize> = BTreeMap::new();
        for r in &rfm {
            let Some(rep) = state.customer(r.customer).rep() else {
                continue;
            };
            let n = taken.entry(rep).or_default();
            if *n < length.get(&rep).copied().unwrap_or(0) {
                *n += 1;
                row.lost_rfm += lost_of.get(&r.customer).copied().unwrap_or(0.0);
            }
        }
        for (rep, mut customers) in book {
            customers.sort_by(|a, b| b.1.total_cmp(&a.1));
            let n = length.get(&rep).copied().unwrap_or(0);
            row.lost_oracle += customers.iter().take(n).map(|c| c.1).sum::<f64>();
        }
        Ok(())
    }

    fn finish(
        self,
        start: Day,
        end: Day,
        every_days: u32,
        outcomes: Vec<crate::outcomes::TaskOutcome>,
    ) -> BacktestReport {
        let kinds = self
            .kinds
            .into_iter()
            .map(|(kind, mut s)| {
                s.leads.sort_by(f64::total_cmp);
                let test = s.test.unwrap_or(Test::None);
                KindRow {
                    kind: kind.name().to_string(),
                    truth: truth_text(test),
                    alarms: s.alarms,
                    scored: s.scored,
                    true_alarms: s.true_alarms,
                    precision: (s.scored > 0).then(|| s.true_alarms as f64 / s.scored as f64),
                    base_rate: (!s.base.is_empty())
                        .then(|| s.base.iter().sum::<f64>() / s.base.len() as f64),
                    median_lead_days: median(&s.leads),
                    report_flagged: s.leads.len(),
                    revenue_next_quarter: s.revenue,
                    lost_revenue_next_quarter: s.lost,
                }
            })
            .collect();
        let scored: Vec<&WeekRow> = self
            .weeks
            .iter()
            .filter(|w| w.scored && w.lost_total > 0.0)
            .collect();
        let mean = |f: &dyn Fn(&WeekRow) -> f64| {
            (!scored.is_empty()).then(|| {
                scored.iter().map(|w| f(w) / w.lost_total).sum::<f64>() / scored.len() as f64
            })
        };
        let summary = Summary {
            start,
            end,
            every_days,
            weeks: self.weeks.len(),
            weeks_scored: self.weeks.iter().filter(|w| w.scored).count(),
            tasks: self
                .weeks
                .iter()
                .filter(|w| w.scored)
                .map(|w| w.tasks)
                .sum(),
            share_ours: mean(&|w| w.lost_ours),
            share_rfm: mean(&|w| w.lost_rfm),
            share_oracle: mean(&|w| w.lost_oracle),
            weeks_ours_ahead: scored.iter().filter(|w| w.lost_ours > w.lost_rfm).count(),
            weeks_rfm_ahead: scored.iter().filter(|w| w.lost_rfm > w.lost_ours).count(),
        };
        BacktestReport {
            kinds,
            weeks: self.weeks,
            alarms: self.alarms,
            outcomes,
            summary,
        }
    }
}

fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}
