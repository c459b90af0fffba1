//! The `salespulse._salespulse` native module: thin doors from Python to the `salespulse` crate.
//!
//! Every call parses its arguments, runs the core call without the GIL (a panic becomes
//! `salespulse.Error`), and hands results back as pyarrow tables that the Python layer
//! (`python/salespulse/_convert.py`) turns into pandas, polars or Arrow. No engine logic lives
//! here: add a call by writing a method on [`engine::PyEngine`] (or a function or class in
//! [`models`] for the models that stand alone) that does just that.

use pyo3::prelude::*;

mod backtest;
mod brief;
mod config;
mod convert;
mod engine;
mod errors;
mod itemsets;
mod models;
mod report;
mod synth;

/// The native module; import `salespulse` instead.
#[pymodule]
fn _salespulse(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<config::PyConfig>()?;
    m.add_class::<engine::PyEngine>()?;
    m.add_class::<brief::PyBrief>()?;
    m.add_class::<backtest::PyBacktestReport>()?;
    m.add_class::<report::PyIngestReport>()?;
    m.add_function(wrap_pyfunction!(synth::synth_distributor, m)?)?;
    m.add_class::<models::PyBetaGeo>()?;
    m.add_class::<models::PyModifiedBetaGeo>()?;
    m.add_class::<models::PyParetoNBD>()?;
    m.add_class::<models::PyGammaGamma>()?;
    m.add_function(wrap_pyfunction!(models::rfm_summary, m)?)?;
    m.add_function(wrap_pyfunction!(itemsets::frequent_itemsets, m)?)?;
    m.add_function(wrap_pyfunction!(itemsets::association_rules, m)?)?;
    Ok(())
}
