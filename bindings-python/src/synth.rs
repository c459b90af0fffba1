//! `salespulse.synth`: the synthetic distributor of the core, as pyarrow tables.

use crate::convert::{arrow_table, py_date};
use crate::errors::run;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use salespulse::ingest::arrow::distributor_frames;
use salespulse::Day;

/// The tables of a synthetic distributor as pyarrow Tables (a dict: orders, customers, reps,
/// products, deals, labels) and its last day; use `salespulse.synth.distributor`.
#[pyfunction]
#[pyo3(signature = (customers, years, seed))]
pub fn synth_distributor<'py>(
    py: Python<'py>,
    customers: usize,
    years: u32,
    seed: u64,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyAny>)> {
    let (frames, end) = run(py, || {
        let data = salespulse::synth::distributor(customers, years, seed);
        Ok((distributor_frames(&data), data.end))
    })?;
    let tables = PyDict::new(py);
    for (name, frame) in &frames {
        tables.set_item(*name, arrow_table(py, frame)?)?;
    }
    Ok((tables, py_date(py, Day::from_date(end))?))
}
