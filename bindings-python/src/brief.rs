//! `salespulse.Brief`: the weekly brief of `Engine.weekly_brief`, as the core made it.
//!
//! Owns: converting a core [`Brief`] to Python values (the tasks table, digests as dicts,
//! Markdown and HTML strings). No ranking or wording happens here.

use crate::convert::{self, To};
use crate::errors::{run, CoreResult};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use salespulse::brief::{Brief, Digest};

/// One week's brief: every rep's ranked tasks and every manager's digest.
///
/// Attributes:
///     tasks: a pandas DataFrame, one row per task: rep_id, rank, customer_id, action,
///         talking_points (list of str), offer_product_id, offer_price, content (a short
///         ready text to send), value, due, signals (list of signal kinds).
///     digests: a list of dicts, one per manager: manager_id, manager_name, reps,
///         team_signals (list of dicts: kind, segment, product_id, value_at_stake,
///         probability, value, evidence), kpis (list of dicts: name, this_week, last_week) and
///         top_tasks (each rep's top three: rep_id, rank, customer_id, action, value, due).
///     as_of, week_of: the brief's day and the first day of its business week.
///
/// In a notebook the brief shows itself as HTML.
#[pyclass(module = "salespulse", name = "Brief", frozen, skip_from_py_object)]
pub struct PyBrief {
    pub inner: Brief,
}

fn digest_dict<'py>(py: Python<'py>, d: &Digest) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("manager_id", &d.manager_id)?;
    out.set_item("manager_name", &d.manager_name)?;
    out.set_item("reps", PyList::new(py, &d.reps)?)?;
    let signals = PyList::empty(py);
    for s in &d.team_signals {
        let x = PyDict::new(py);
        x.set_item("kind", &s.kind)?;
        x.set_item("segment", &s.segment)?;
        x.set_item("product_id", &s.product_id)?;
        x.set_item("value_at_stake", s.value_at_stake)?;
        x.set_item("probability", s.probability)?;
        x.set_item("value", s.value)?;
        x.set_item("evidence", &s.evidence)?;
        signals.append(x)?;
    }
    out.set_item("team_signals", signals)?;
    let kpis = PyList::empty(py);
    for k in &d.kpis {
        let x = PyDict::new(py);
        x.set_item("name", k.name)?;
        x.set_item("this_week", k.this_week)?;
        x.set_item("last_week", k.last_week)?;
        kpis.append(x)?;
    }
    out.set_item("kpis", kpis)?;
    let top = PyList::empty(py);
    for t in &d.top_tasks {
        let x = PyDict::new(py);
        x.set_item("rep_id", &t.rep_id)?;
        x.set_item("rank", t.rank)?;
        x.set_item("customer_id", &t.customer_id)?;
        x.set_item("action", t.action_text(t.locale))?;
        x.set_item("value", t.value)?;
        x.set_item("due", convert::py_date(py, t.due)?)?;
        top.append(x)?;
    }
    out.set_item("top_tasks", top)?;
    Ok(out)
}

#[pymethods]
impl PyBrief {
    /// The tasks as a pandas DataFrame (see ``tasks_table`` for polars or pyarrow).
    #[getter]
    fn tasks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::frame(py, &self.inner.tasks_frame(), To::Pandas)
    }

    /// The tasks table as "pandas" (default), "polars" or "arrow" (a pyarrow.Table).
    #[pyo3(signature = (to = "pandas"))]
    fn tasks_table<'py>(&self, py: Python<'py>, to: &str) -> PyResult<Bound<'py, PyAny>> {
        let to = To::parse(py, to)?;
        convert::frame(py, &self.inner.tasks_frame(), to)
    }

    /// One dict per manager (see the class documentation for the keys).
    #[getter]
    fn digests<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for d in &self.inner.digests {
            list.append(digest_dict(py, d)?)?;
        }
        Ok(list)
    }

    /// The brief's day (a datetime.date).
    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::py_date(py, self.inner.as_of)
    }

    /// The first day of the brief's business week (a datetime.date).
    #[getter]
    fn week_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::py_date(py, self.inner.week_of)
    }

    /// The part of the brief for one rep: its tasks, and its digest when it manages a team.
    ///
    /// Raises:
    ///     InvalidArgumentError: the brief has neither tasks nor a digest for ``rep_id``.
    fn for_rep(&self, py: Python<'_>, rep_id: &str) -> PyResult<PyBrief> {
        let inner = self.inner.for_rep(rep_id).py_err(py)?;
        Ok(PyBrief { inner })
    }

    /// The brief in Markdown, in "en" (default) or "he".
    ///
    /// Raises:
    ///     InvalidArgumentError: another locale.
    #[pyo3(signature = (locale = "en"))]
    fn to_markdown(&self, py: Python<'_>, locale: &str) -> PyResult<String> {
        let brief = &self.inner;
        run(py, || brief.to_markdown(locale))
    }

    /// The brief as a self-contained HTML page in "en" (default) or "he" (right to left), each
    /// task with a small inline SVG of the customer's purchase rhythm.
    ///
    /// Raises:
    ///     InvalidArgumentError: another locale.
    #[pyo3(signature = (locale = "en"))]
    fn to_html(&self, py: Python<'_>, locale: &str) -> PyResult<String> {
        let brief = &self.inner;
        run(py, || brief.to_html(locale))
    }

    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let brief = &self.inner;
        run(py, || brief.to_html_fragment("en"))
    }

    fn __repr__(&self) -> String {
        let b = &self.inner;
        format!(
            "<salespulse.Brief: as of {}, {} tasks for {} reps, {} digests>",
            b.as_of,
            b.tasks.len(),
            b.by_rep().len(),
            b.digests.len()
        )
    }
}
