//! `salespulse.IngestReport`.

use crate::convert::{frame, To};
use pyo3::prelude::*;
use salespulse::IngestReport;

/// What an ingest call did with its rows.
///
/// Attributes:
///     accepted: rows taken into the engine.
///     duplicates: rows seen before (same order_id and line_no; same deal, stage and day),
///         counted once.
///     rejected: a pandas DataFrame of the unusable rows: row (0-based position in the input,
///         not a pandas index label; for a CSV file, the first data row is 0), column (the
///         canonical name of the column at fault) and reason.
#[pyclass(
    module = "salespulse",
    name = "IngestReport",
    frozen,
    skip_from_py_object
)]
pub struct PyIngestReport {
    pub inner: IngestReport,
}

#[pymethods]
impl PyIngestReport {
    /// Rows taken into the engine.
    #[getter]
    fn accepted(&self) -> usize {
        self.inner.accepted
    }

    /// Rows seen before, counted once.
    #[getter]
    fn duplicates(&self) -> usize {
        self.inner.duplicates
    }

    /// The rejected rows as a pandas DataFrame: row, column, reason.
    #[getter]
    fn rejected<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.rejected_as(py, "pandas")
    }

    /// The rejected rows as a "pandas" or "polars" DataFrame, or an "arrow" Table.
    #[pyo3(signature = (to = "pandas"))]
    fn rejected_as<'py>(&self, py: Python<'py>, to: &str) -> PyResult<Bound<'py, PyAny>> {
        frame(py, &self.inner.rejected_frame(), To::parse(py, to)?)
    }

    /// Whether no row was rejected.
    #[getter]
    fn is_clean(&self) -> bool {
        self.inner.is_clean()
    }

    /// The counts as a dict: accepted, duplicates, rejected (the number of rejected rows).
    fn to_dict(&self) -> std::collections::BTreeMap<&'static str, usize> {
        [
            ("accepted", self.inner.accepted),
            ("duplicates", self.inner.duplicates),
            ("rejected", self.inner.rejected.len()),
        ]
        .into()
    }

    fn __repr__(&self) -> String {
        format!("<IngestReport: {}>", self.inner)
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyIngestReport>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }
}
