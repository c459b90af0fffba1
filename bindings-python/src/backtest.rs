//! `salespulse.BacktestReport` and the outcomes calls of `Engine`: thin doors to
//! `Engine::backtest`, `Engine::record_brief`, `Engine::outcomes` and `Engine::outcome_rates`.
//!
//! Owns: converting a core [`BacktestReport`] to Python values (its tables as pandas, polars or
//! pyarrow, the summary as a dict). No replay or scoring happens here; the engine methods in
//! `engine.rs` only parse their arguments and call the functions below.

use crate::convert::{self, To};
use crate::errors::run;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use salespulse::{BacktestReport, Day, Engine, Frame};

/// What ``Engine.backtest`` returns: the history replayed week by week through the real-time
/// feed and the weekly brief, scored against what the customers did next.
///
/// Attributes (pandas DataFrames; ``table(name, to=...)`` gives polars or pyarrow):
///     kinds: per signal kind: kind, truth (what counts as true), alarms, scored, true_alarms,
///         precision, base_rate (the same test on every customer or pair: chance),
///         median_lead_days (before the static monthly report flagged the customer),
///         report_flagged, revenue_next_quarter, lost_revenue_next_quarter.
///     weeks: per replayed day: day, alarms, tasks, scored, lost_total, lost_ours, lost_rfm,
///         lost_oracle, share_ours, share_rfm, share_oracle (shares of next-quarter lost
///         revenue the week's tasks, the RFM list of the same length and the oracle pointed at).
///     alarms: every signal that rose: day, kind, customer_id, product_id, value_at_stake,
///         came_true, lead_days, expected, actual.
///     outcomes: every task the replay issued: issued, rep_id, rank, customer_id, product_id,
///         signals, value, outcome, acted_on, item_returned.
///     outcome_rates: per rep: tasks, decided, acted, acted_rate, item_tasks, items_returned,
///         return_to_basket_rate.
///     summary: a dict: start, end, every_days, weeks, weeks_scored, tasks, share_ours,
///         share_rfm, share_oracle, weeks_ours_ahead, weeks_rfm_ahead.
///
/// ``str(report)`` is a plain-text summary.
#[pyclass(
    module = "salespulse",
    name = "BacktestReport",
    frozen,
    skip_from_py_object
)]
pub struct PyBacktestReport {
    inner: BacktestReport,
}

impl PyBacktestReport {
    fn frame(&self, name: &str) -> Option<Frame> {
        let r = &self.inner;
        Some(match name {
            "kinds" => r.kinds_frame(),
            "weeks" => r.weeks_frame(),
            "alarms" => r.alarms_frame(),
            "outcomes" => r.outcomes_frame(),
            "outcome_rates" => r.outcome_rates_frame(),
            "summary" => r.summary_frame(),
            _ => return None,
        })
    }

    fn pandas<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        convert::frame(py, &self.frame(name).expect("a known table"), To::Pandas)
    }
}

#[pymethods]
impl PyBacktestReport {
    /// Per signal kind (see the class documentation).
    #[getter]
    fn kinds<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.pandas(py, "kinds")
    }

    /// Per replayed day.
    #[getter]
    fn weeks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.pandas(py, "weeks")
    }

    /// Every alarm, judged.
    #[getter]
    fn alarms<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.pandas(py, "alarms")
    }

    /// The replay's tasks and what the customers did.
    #[getter]
    fn outcomes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.pandas(py, "outcomes")
    }

    /// Per rep, acted and return-to-basket rates of the replay's tasks.
    #[getter]
    fn outcome_rates<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.pandas(py, "outcome_rates")
    }

    /// The totals, as a dict.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = &self.inner.summary;
        let d = PyDict::new(py);
        d.set_item("start", convert::py_date(py, s.start)?)?;
        d.set_item("end", convert::py_date(py, s.end)?)?;
        d.set_item("every_days", s.every_days)?;
        d.set_item("weeks", s.weeks)?;
        d.set_item("weeks_scored", s.weeks_scored)?;
        d.set_item("tasks", s.tasks)?;
        d.set_item("share_ours", s.share_ours)?;
        d.set_item("share_rfm", s.share_rfm)?;
        d.set_item("share_oracle", s.share_oracle)?;
        d.set_item("weeks_ours_ahead", s.weeks_ours_ahead)?;
        d.set_item("weeks_rfm_ahead", s.weeks_rfm_ahead)?;
        Ok(d)
    }

    /// One table by name ("kinds", "weeks", "alarms", "outcomes", "outcome_rates", "summary")
    /// as "pandas" (default), "polars" or "arrow" (a pyarrow.Table).
    ///
    /// Raises:
    ///     InvalidArgumentError: another name or format.
    #[pyo3(signature = (name, to = "pandas"))]
    fn table<'py>(&self, py: Python<'py>, name: &str, to: &str) -> PyResult<Bound<'py, PyAny>> {
        let to = To::parse(py, to)?;
        let frame = self.frame(name).ok_or_else(|| {
            convert::invalid(
                py,
                format!(
                    "table {name:?} is unknown; it is one of kinds, weeks, alarms, outcomes, \
                     outcome_rates, summary"
                ),
            )
        })?;
        convert::frame(py, &frame, to)
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self) -> String {
        let s = &self.inner.summary;
        format!(
            "<salespulse.BacktestReport: {} .. {} every {} days, {} weeks ({} scored)>",
            s.start, s.end, s.every_days, s.weeks, s.weeks_scored
        )
    }
}

/// `Engine.backtest`.
pub fn backtest(
    py: Python<'_>,
    engine: &Engine,
    start: Day,
    end: Day,
    every_days: u32,
) -> PyResult<PyBacktestReport> {
    let inner = run(py, || engine.backtest(start, end, every_days))?;
    Ok(PyBacktestReport { inner })
}

/// `Engine.outcomes` (`rates = false`) and `Engine.outcome_rates` (`rates = true`).
pub fn outcomes<'py>(
    py: Python<'py>,
    engine: &Engine,
    as_of: Day,
    rates: bool,
    to: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let to = To::parse(py, to)?;
    let frame = run(py, || {
        if rates {
            engine.outcome_rates(as_of)
        } else {
            engine.outcomes(as_of)
        }
    })?;
    convert::frame(py, &frame, to)
}
