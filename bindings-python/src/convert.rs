//! Values across the boundary: dates in, frames out.

use crate::errors::{raise, CoreResult};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyString;
use pyo3_arrow::input::AnyRecordBatch;
use pyo3_arrow::PyTable;
use salespulse::ingest::arrow::frame_to_record_batch;
use salespulse::ingest::{DateFormat, DateReader};
use salespulse::{Config, Day, Frame};

/// A day from a str (ISO 8601, YYYYMMDD), a datetime.date/datetime, a pandas Timestamp or a
/// numpy datetime64. Aware date-times are converted to the engine's time zone first.
pub fn day(value: &Bound<'_, PyAny>, name: &str, config: &Config) -> PyResult<Day> {
    let py = value.py();
    let text: String = if let Ok(s) = value.cast::<PyString>() {
        s.extract::<String>()?
    } else if value.hasattr("isoformat")? {
        value.call_method0("isoformat")?.extract()?
    } else if value.get_type().name()?.extract::<String>()? == "datetime64" {
        value.str()?.extract::<String>()?
    } else {
        return Err(raise(
            py,
            "InvalidArgumentError",
            format!(
                "invalid argument: {name} must be a date: a str such as \"2024-03-31\", a \
                 datetime.date, a datetime or a pandas Timestamp, not {}",
                value.get_type()
            ),
        ));
    };
    DateReader::new(DateFormat::Auto, config.timezone)
        .text(&text)
        .map_err(|reason| {
            raise(
                py,
                "InvalidArgumentError",
                format!("invalid argument: {name}: {reason}"),
            )
        })
}

/// A Python `datetime.date` of a day.
pub fn py_date<'py>(py: Python<'py>, day: Day) -> PyResult<Bound<'py, PyAny>> {
    static DATE: PyOnceLock<Py<pyo3::types::PyType>> = PyOnceLock::new();
    use chrono::Datelike;
    let d = day.to_date();
    DATE.import(py, "datetime", "date")?
        .call1((d.year(), d.month(), d.day()))
}

/// The result kinds of `to=`.
#[derive(Clone, Copy)]
pub enum To {
    Pandas,
    Polars,
    Arrow,
}

impl To {
    /// Reads "pandas", "polars", "arrow" (or "pyarrow").
    pub fn parse(py: Python<'_>, name: &str) -> PyResult<To> {
        match name {
            "pandas" => Ok(To::Pandas),
            "polars" => Ok(To::Polars),
            "arrow" | "pyarrow" => Ok(To::Arrow),
            _ => Err(raise(
                py,
                "InvalidArgumentError",
                format!("invalid argument: to is {name:?}; it must be \"pandas\", \"polars\" or \"arrow\""),
            )),
        }
    }

    fn name(self) -> &'static str {
        match self {
            To::Pandas => "pandas",
            To::Polars => "polars",
            To::Arrow => "arrow",
        }
    }
}

/// A frame as a `pyarrow.Table`.
pub fn arrow_table<'py>(py: Python<'py>, frame: &Frame) -> PyResult<Bound<'py, PyAny>> {
    let batch = frame_to_record_batch(frame).py_err(py)?;
    let schema = batch.schema();
    PyTable::try_new(vec![batch], schema)?.into_pyarrow(py)
}

/// A frame as a pandas or polars DataFrame or a pyarrow Table (by `salespulse._convert`).
pub fn frame<'py>(py: Python<'py>, frame: &Frame, to: To) -> PyResult<Bound<'py, PyAny>> {
    static CONVERT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let table = arrow_table(py, frame)?;
    CONVERT
        .import(py, "salespulse._convert", "from_arrow")?
        .call1((table, to.name()))
}

/// An `InvalidArgumentError` with `message`.
pub fn invalid(py: Python<'_>, message: impl std::fmt::Display) -> PyErr {
    raise(
        py,
        "InvalidArgumentError",
        format!("invalid argument: {message}"),
    )
}

/// A table that speaks the Arrow PyCapsule protocol (pandas, polars, pyarrow), as a stream of
/// record batches. `also` completes the list of what is accepted in the error message.
pub fn arrow_input(table: &Bound<'_, PyAny>, also: &str) -> PyResult<AnyRecordBatch> {
    let py = table.py();
    if table.hasattr("__arrow_c_stream__")? || table.hasattr("__arrow_c_array__")? {
        // pandas converts itself to Arrow here; a column it cannot convert (an object column
        // mixing numbers and text) fails in pyarrow, which names the column.
        return table.extract::<AnyRecordBatch>().map_err(|e| {
            let err = raise(
                py,
                "SchemaError",
                format!("the table cannot be read as Arrow: {e}"),
            );
            err.set_cause(py, Some(e));
            err
        });
    }
    let hint = if table.hasattr("collect")? {
        " (a polars LazyFrame: call .collect() first)"
    } else {
        ""
    };
    Err(pyo3::exceptions::PyTypeError::new_err(format!(
        "expected a table (a pandas or polars DataFrame, a pyarrow Table or RecordBatchReader: \
         anything with __arrow_c_stream__){also}, not {}{hint}",
        table.get_type()
    )))
}
