//! The backtest's report: tables for programs, a summary, and a plain-text rendering for people.
//!
//! Owns: [`BacktestReport`] and its rows. It computes nothing; [`super`] fills it.

use crate::day::Day;
use crate::outcomes::{outcomes_frame, rates_frame, TaskOutcome};
use crate::table::{Frame, Series};

/// How one signal kind did over the replay.
#[derive(Clone, Debug, PartialEq)]
pub struct KindRow {
    /// The signal kind.
    pub kind: String,
    /// What counts as true for this kind (see [`super::truth`]).
    pub truth: &'static str,
    /// Signals that rose in the feed on the replayed days.
    pub alarms: usize,
    /// Of those, the ones the data can judge (a full quarter after, a customer to judge).
    pub scored: usize,
    /// Scored alarms that were true.
    pub true_alarms: usize,
    /// true / scored (`None` without scored alarms).
    pub precision: Option<f64>,
    /// The same test over every customer (pair, for item kinds) on the same days: the
    /// precision of picking at random.
    pub base_rate: Option<f64>,
    /// Median days the alarm came before the monthly report's flag of the same customer
    /// (negative: the report was earlier).
    pub median_lead_days: Option<f64>,
    /// Scored alarms whose customer the monthly report flagged near them (see
    /// [`super::truth::Ledger::report_lead`]).
    pub report_flagged: usize,
    /// Net revenue of the alarms' subjects (pair for item kinds, else customer) over the next
    /// quarter.
    pub revenue_next_quarter: f64,
    /// Lost revenue (`max(0, expected - actual)`) of the alarms' subjects over the next quarter.
    pub lost_revenue_next_quarter: f64,
}

/// One replayed week.
#[derive(Clone, Debug, PartialEq)]
pub struct WeekRow {
    /// The replayed day.
    pub day: Day,
    /// Signals that rose in the feed since the previous replayed day.
    pub alarms: usize,
    /// Tasks in the week's brief.
    pub tasks: usize,
    /// Whether a full quarter of data follows the day (else the week is not scored).
    pub scored: bool,
    /// Next-quarter lost revenue of every customer with a rep.
    pub lost_total: f64,
    /// Of it, the customers the week's tasks pointed at.
    pub lost_ours: f64,
    /// Of it, the customers of the RFM baseline list of the same length per rep.
    pub lost_rfm: f64,
    /// Of it, the best list of the same length per rep (knowing the future): the ceiling.
    pub lost_oracle: f64,
}

impl WeekRow {
    fn share(&self, x: f64) -> Option<f64> {
        (self.scored && self.lost_total > 0.0).then(|| x / self.lost_total)
    }
}

/// One alarm, as judged.
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmRow {
    /// The replayed day it rose on.
    pub day: Day,
    /// Its kind.
    pub kind: String,
    /// Its customer, if any.
    pub customer_id: Option<String>,
    /// Its product, if any.
    pub product_id: Option<String>,
    /// The detector's value at stake.
    pub value_at_stake: f64,
    /// Whether it came true (`None` when it cannot be judged).
    pub came_true: Option<bool>,
    /// Days before the monthly report's flag of the customer.
    pub lead_days: Option<i32>,
    /// The subject's expected next-quarter revenue.
    pub expected: Option<f64>,
    /// The subject's actual next-quarter revenue.
    pub actual: Option<f64>,
}

/// The totals of a backtest.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// First replayed day.
    pub start: Day,
    /// Last day asked for.
    pub end: Day,
    /// Days between replayed days.
    pub every_days: u32,
    /// Replayed days.
    pub weeks: usize,
    /// Of those, scored (a full quarter of data after).
    pub weeks_scored: usize,
    /// Tasks issued in scored weeks.
    pub tasks: usize,
    /// Mean over scored weeks of the share of lost revenue the tasks pointed at.
    pub share_ours: Option<f64>,
    /// The same for the RFM baseline list.
    pub share_rfm: Option<f64>,
    /// The same for the oracle list (the ceiling).
    pub share_oracle: Option<f64>,
    /// Scored weeks where the tasks pointed at more lost revenue than the RFM list.
    pub weeks_ours_ahead: usize,
    /// Scored weeks where the RFM list pointed at more.
    pub weeks_rfm_ahead: usize,
}

/// What [`crate::Engine::backtest`] returns.
#[derive(Clone, Debug, PartialEq)]
pub struct BacktestReport {
    /// Per signal kind.
    pub kinds: Vec<KindRow>,
    /// Per replayed day.
    pub weeks: Vec<WeekRow>,
    /// Every alarm, judged.
    pub alarms: Vec<AlarmRow>,
    /// Every task the replay issued, judged at the last day of data.
    pub outcomes: Vec<TaskOutcome>,
    /// Totals.
    pub summary: Summary,
}

fn opt_f(v: impl Iterator<Item = Option<f64>>) -> Series {
    Series::F64(v.collect())
}

impl BacktestReport {
    /// The per-kind table: kind, truth, alarms, scored, true_alarms, precision, base_rate,
    /// median_lead_days, report_flagged, revenue_next_quarter, lost_revenue_next_quarter.
    pub fn kinds_frame(&self) -> Frame {
        let k = &self.kinds;
        let int = |f: &dyn Fn(&KindRow) -> usize| {
            Series::I64(k.iter().map(|r| Some(f(r) as i64)).collect())
        };
        Frame::new()
            .with(
                "kind",
                Series::Str(k.iter().map(|r| Some(r.kind.clone())).collect()),
            )
            .with(
                "truth",
                Series::Str(k.iter().map(|r| Some(r.truth.to_string())).collect()),
            )
            .with("alarms", int(&|r| r.alarms))
            .with("scored", int(&|r| r.scored))
            .with("true_alarms", int(&|r| r.true_alarms))
            .with("precision", opt_f(k.iter().map(|r| r.precision)))
            .with("base_rate", opt_f(k.iter().map(|r| r.base_rate)))
            .with(
                "median_lead_days",
                opt_f(k.iter().map(|r| r.median_lead_days)),
            )
            .with("report_flagged", int(&|r| r.report_flagged))
            .with(
                "revenue_next_quarter",
                opt_f(k.iter().map(|r| Some(r.revenue_next_quarter))),
            )
            .with(
                "lost_revenue_next_quarter",
                opt_f(k.iter().map(|r| Some(r.lost_revenue_next_quarter))),
            )
    }

    /// The per-week table: day, alarms, tasks, scored, lost_total, lost_ours, lost_rfm,
    /// lost_oracle, share_ours, share_rfm, share_oracle (shares null when not scored).
    pub fn weeks_frame(&self) -> Frame {
        let w = &self.weeks;
        Frame::new()
            .with("day", Series::Day(w.iter().map(|r| Some(r.day)).collect()))
            .with(
                "alarms",
                Series::I64(w.iter().map(|r| Some(r.alarms as i64)).collect()),
            )
            .with(
                "tasks",
                Series::I64(w.iter().map(|r| Some(r.tasks as i64)).collect()),
            )
            .with(
                "scored",
                Series::Bool(w.iter().map(|r| Some(r.scored)).collect()),
            )
            .with("lost_total", opt_f(w.iter().map(|r| Some(r.lost_total))))
            .with("lost_ours", opt_f(w.iter().map(|r| Some(r.lost_ours))))
            .with("lost_rfm", opt_f(w.iter().map(|r| Some(r.lost_rfm))))
            .with("lost_oracle", opt_f(w.iter().map(|r| Some(r.lost_oracle))))
            .with("share_ours", opt_f(w.iter().map(|r| r.share(r.lost_ours))))
            .with("share_rfm", opt_f(w.iter().map(|r| r.share(r.lost_rfm))))
            .with(
                "share_oracle",
                opt_f(w.iter().map(|r| r.share(r.lost_oracle))),
            )
    }

    /// The alarms table: day, kind, customer_id, product_id, value_at_stake, came_true,
    /// lead_days, expected, actual.
    pub fn alarms_frame(&self) -> Frame {
        let a = &self.alarms;
        Frame::new()
            .with("day", Series::Day(a.iter().map(|r| Some(r.day)).collect()))
            .with(
                "kind",
                Series::Str(a.iter().map(|r| Some(r.kind.clone())).collect()),
            )
            .with(
                "customer_id",
                Series::Str(a.iter().map(|r| r.customer_id.clone()).collect()),
            )
            .with(
                "product_id",
                Series::Str(a.iter().map(|r| r.product_id.clone()).collect()),
            )
            .with(
                "value_at_stake",
                opt_f(a.iter().map(|r| Some(r.value_at_stake))),
            )
            .with(
                "came_true",
                Series::Bool(a.iter().map(|r| r.came_true).collect()),
            )
            .with(
                "lead_days",
                Series::I64(a.iter().map(|r| r.lead_days.map(i64::from)).collect()),
            )
            .with("expected", opt_f(a.iter().map(|r| r.expected)))
            .with("actual", opt_f(a.iter().map(|r| r.actual)))
    }

    /// The replay's tasks and what the customers did (see [`crate::outcomes`]).
    pub fn outcomes_frame(&self) -> Frame {
        outcomes_frame(&self.outcomes)
    }

    /// Per rep, acted and return-to-basket rates of the replay's tasks.
    pub fn outcome_rates_frame(&self) -> Frame {
        rates_frame(&self.outcomes)
    }

    /// The summary as a one-row table: start, end, every_days, weeks, weeks_scored, tasks,
    /// share_ours, share_rfm, share_oracle, weeks_ours_ahead, weeks_rfm_ahead.
    pub fn summary_frame(&self) -> Frame {
        let s = &self.summary;
        let int = |x: usize| Series::I64(vec![Some(x as i64)]);
        Frame::new()
            .with("start", Series::Day(vec![Some(s.start)]))
            .with("end", Series::Day(vec![Some(s.end)]))
            .with("every_days", int(s.every_days as usize))
            .with("weeks", int(s.weeks))
            .with("weeks_scored", int(s.weeks_scored))
            .with("tasks", int(s.tasks))
            .with("share_ours", Series::F64(vec![s.share_ours]))
            .with("share_rfm", Series::F64(vec![s.share_rfm]))
            .with("share_oracle", Series::F64(vec![s.share_oracle]))
            .with("weeks_ours_ahead", int(s.weeks_ours_ahead))
            .with("weeks_rfm_ahead", int(s.weeks_rfm_ahead))
    }
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{:.1}%", 100.0 * v))
}

impl std::fmt::Display for BacktestReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.summary;
        writeln!(
            f,
            "backtest {} .. {} every {} days: {} replayed days, {} scored (a full quarter after), {} tasks",
            s.start, s.end, s.every_days, s.weeks, s.weeks_scored, s.tasks
        )?;
        writeln!(
            f,
            "share of next-quarter lost revenue pointed at (mean over scored weeks): ours {}, RFM list {}, oracle {}; ours ahead in {} weeks, RFM ahead in {}",
            pct(s.share_ours),
            pct(s.share_rfm),
            pct(s.share_oracle),
            s.weeks_ours_ahead,
            s.weeks_rfm_ahead
        )?;
        writeln!(f)?;
        writeln!(
            f,
            "{:<27} {:>7} {:>7} {:>9} {:>9} {:>9} {:>9} {:>14} {:>14}",
            "kind",
            "alarms",
            "scored",
            "precision",
            "base rate",
            "lead (d)",
            "reported",
            "revenue next q",
            "lost next q"
        )?;
        for k in &self.kinds {
            writeln!(
                f,
                "{:<27} {:>7} {:>7} {:>9} {:>9} {:>9} {:>9} {:>14.0} {:>14.0}",
                k.kind,
                k.alarms,
                k.scored,
                pct(k.precision),
                pct(k.base_rate),
                k.median_lead_days.map_or("-".into(), |v| format!("{v:.0}")),
                k.report_flagged,
                k.revenue_next_quarter,
                k.lost_revenue_next_quarter
            )?;
        }
        Ok(())
    }
}
