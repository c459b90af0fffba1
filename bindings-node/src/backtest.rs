//! The `Backtest` class of `engine.backtest(...)` and the outcomes calls: thin doors to
//! `Engine::backtest`, `Engine::outcomes` and `Engine::outcome_rates`.
//!
//! Owns: running the replay on the libuv pool ([`BacktestTask`]) and converting a core
//! [`BacktestReport`] to JS (tables as row objects with camelCase keys or Arrow IPC, the
//! summary as an object). No replay or scoring happens here; `engine.rs` only reads the
//! arguments and calls these.

use crate::error::{guard, sync, CodedError, Fail};
use crate::output::{self, Format};
use napi::bindgen_prelude::*;
use napi::{Env, Task};
use salespulse::backtest::BacktestReport;
use salespulse::{Day, Frame};
use std::result::Result;
use std::sync::{Arc, Mutex};

/// The totals of a backtest.
#[napi(object)]
pub struct BacktestSummary {
    /// First replayed day (`'YYYY-MM-DD'`).
    pub start: String,
    /// Last day asked for.
    pub end: String,
    /// Days between replayed days.
    pub every_days: u32,
    /// Replayed days.
    pub weeks: u32,
    /// Replayed days with a full quarter of data after them.
    pub weeks_scored: u32,
    /// Tasks issued on scored days.
    pub tasks: u32,
    /// Mean share of next-quarter lost revenue the tasks pointed at.
    pub share_ours: Option<f64>,
    /// The same for the RFM baseline list of the same length.
    pub share_rfm: Option<f64>,
    /// The same for the oracle (the ceiling).
    pub share_oracle: Option<f64>,
    /// Scored weeks where the tasks pointed at more lost revenue than the RFM list.
    pub weeks_ours_ahead: u32,
    /// Scored weeks where the RFM list pointed at more.
    pub weeks_rfm_ahead: u32,
}

/// What `engine.backtest(...)` resolves to: the history replayed week by week through the
/// real-time feed and the weekly brief, scored against what the customers did next.
#[napi]
pub struct Backtest {
    inner: BacktestReport,
}

impl Backtest {
    fn frame(&self, name: &str) -> Result<Frame, Fail> {
        let r = &self.inner;
        Ok(match name {
            "kinds" => r.kinds_frame(),
            "weeks" => r.weeks_frame(),
            "alarms" => r.alarms_frame(),
            "outcomes" => r.outcomes_frame(),
            "outcomeRates" | "outcome_rates" => r.outcome_rates_frame(),
            "summary" => r.summary_frame(),
            other => {
                return Err(Fail::arg(format!(
                    "table {other:?} is unknown; it is one of kinds, weeks, alarms, outcomes, \
                     outcomeRates, summary"
                )))
            }
        })
    }

    fn rows(&self, env: &Env, name: &str) -> Result<Unknown<'static>, CodedError> {
        sync(|| output::rows(env, &self.frame(name)?))
    }
}

#[napi]
impl Backtest {
    /// Per signal kind: kind, truth, alarms, scored, trueAlarms, precision, baseRate,
    /// medianLeadDays, reportFlagged, revenueNextQuarter, lostRevenueNextQuarter.
    #[napi(getter, ts_return_type = "Array<Record<string, unknown>>")]
    pub fn kinds(&self, env: Env) -> Result<Unknown<'static>, CodedError> {
        self.rows(&env, "kinds")
    }

    /// Per replayed day: day, alarms, tasks, scored, lostTotal, lostOurs, lostRfm, lostOracle,
    /// shareOurs, shareRfm, shareOracle.
    #[napi(getter, ts_return_type = "Array<Record<string, unknown>>")]
    pub fn weeks(&self, env: Env) -> Result<Unknown<'static>, CodedError> {
        self.rows(&env, "weeks")
    }

    /// Every signal that rose: day, kind, customerId, productId, valueAtStake, cameTrue,
    /// leadDays, expected, actual.
    #[napi(getter, ts_return_type = "Array<Record<string, unknown>>")]
    pub fn alarms(&self, env: Env) -> Result<Unknown<'static>, CodedError> {
        self.rows(&env, "alarms")
    }

    /// The replay's tasks: issued, repId, rank, customerId, productId, signals, value,
    /// outcome, actedOn, itemReturned.
    #[napi(getter, ts_return_type = "Array<Record<string, unknown>>")]
    pub fn outcomes(&self, env: Env) -> Result<Unknown<'static>, CodedError> {
        self.rows(&env, "outcomes")
    }

    /// Per rep: repId, tasks, decided, acted, actedRate, itemTasks, itemsReturned,
    /// returnToBasketRate.
    #[napi(getter, ts_return_type = "Array<Record<string, unknown>>")]
    pub fn outcome_rates(&self, env: Env) -> Result<Unknown<'static>, CodedError> {
        self.rows(&env, "outcome_rates")
    }

    /// The totals.
    #[napi(getter)]
    pub fn summary(&self) -> BacktestSummary {
        let s = &self.inner.summary;
        BacktestSummary {
            start: s.start.to_string(),
            end: s.end.to_string(),
            every_days: s.every_days,
            weeks: s.weeks as u32,
            weeks_scored: s.weeks_scored as u32,
            tasks: s.tasks as u32,
            share_ours: s.share_ours,
            share_rfm: s.share_rfm,
            share_oracle: s.share_oracle,
            weeks_ours_ahead: s.weeks_ours_ahead as u32,
            weeks_rfm_ahead: s.weeks_rfm_ahead as u32,
        }
    }

    /// One table by name as rows (default) or, with `{format: 'arrow'}`, Arrow IPC bytes.
    #[napi(ts_return_type = "Array<Record<string, unknown>> | Buffer")]
    pub fn table(
        &self,
        env: Env,
        #[napi(
            ts_arg_type = "'kinds' | 'weeks' | 'alarms' | 'outcomes' | 'outcomeRates' | 'summary'"
        )]
        name: String,
        #[napi(ts_arg_type = "OutputOptions")] options: Option<crate::output::OutputOptions>,
    ) -> Result<Unknown<'static>, CodedError> {
        sync(|| {
            let format = Format::of(options.as_ref())?;
            output::frame(&env, &self.frame(&name)?, format)
        })
    }

    /// A plain-text summary.
    #[napi(js_name = "toString")]
    pub fn to_text(&self) -> String {
        self.inner.to_string()
    }
}

/// A backtest running on the libuv thread pool; it resolves to a [`Backtest`].
pub struct BacktestTask {
    engine: Arc<Mutex<salespulse::Engine>>,
    args: Option<Result<(Day, Day), Fail>>,
    every_days: u32,
}

/// The task of `engine.backtest(start, end, everyDays)`; `args` are the days as read (or why
/// they could not be).
pub fn task(
    engine: Arc<Mutex<salespulse::Engine>>,
    args: Result<(Day, Day), Fail>,
    every_days: u32,
) -> AsyncTask<BacktestTask> {
    AsyncTask::new(BacktestTask {
        engine,
        args: Some(args),
        every_days,
    })
}

impl Task for BacktestTask {
    type Output = Result<BacktestReport, Fail>;
    type JsValue = Backtest;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let (args, every_days, engine) = (self.args.take(), self.every_days, self.engine.clone());
        Ok(guard(move || {
            let (start, end) = args.ok_or_else(|| Fail::arg("the task ran twice"))??;
            // The replay can take minutes: it runs on a copy so that the engine's other calls
            // (sync ones wait for the lock on the event loop) are not held up meanwhile.
            let copy = engine.lock().unwrap_or_else(|p| p.into_inner()).clone();
            Ok(copy.backtest(start, end, every_days)?)
        }))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        output
            .map(|inner| Backtest { inner })
            .map_err(|fail| fail.into_rejection(&env))
    }
}

/// `engine.outcomes(asOf, options)` (`rates = false`) and `engine.outcomeRates` (`true`).
pub fn outcomes(
    env: &Env,
    engine: &salespulse::Engine,
    as_of: Day,
    rates: bool,
    format: Format,
) -> Result<Unknown<'static>, Fail> {
    let frame = if rates {
        engine.outcome_rates(as_of)?
    } else {
        engine.outcomes(as_of)?
    };
    output::frame(env, &frame, format)
}
