//! `salespulse.Engine`: each method parses its arguments and makes one core call.

use crate::config::PyConfig;
use crate::convert::{self, To};
use crate::errors::{raise, run, CoreResult};
use crate::report::PyIngestReport;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};
use pyo3_arrow::input::AnyRecordBatch;
use salespulse::ingest::{CsvOptions, DateFormat, Delimiter, Encoding};
use salespulse::kpi::GroupBy;
use salespulse::table::Mapping;
use salespulse::{Engine, IngestOptions, TableKind};
use std::path::PathBuf;

/// Turns ERP order lines and CRM deals into KPIs, signals and weekly tasks for sales reps.
///
/// Args:
///     config: None (defaults), a dict of settings or a `Config`; see `salespulse.Config`.
///
/// Tables go in with the ``ingest_*`` methods: anything that speaks the Arrow PyCapsule protocol
/// (a pandas or polars DataFrame, a pyarrow Table or RecordBatchReader), or the path of a CSV
/// file. Results come out as pandas DataFrames, or polars / pyarrow with ``to="polars"`` /
/// ``to="arrow"``. Long calls release the GIL.
///
/// Example:
///     >>> import pandas as pd, salespulse
///     >>> engine = salespulse.Engine({"timezone": "Europe/Berlin"})
///     >>> orders = pd.DataFrame({"order_id": ["SO-1"], "customer_id": ["C1"],
///     ...     "product_id": ["P1"], "date": ["2024-03-01"], "quantity": [2.0],
///     ...     "net_amount": [19.8]})
///     >>> engine.ingest_orders(orders)
///     <IngestReport: 1 accepted, 0 duplicates, 0 rejected>
///     >>> engine.kpis("2024-03-31")  # a pandas DataFrame
#[pyclass(module = "salespulse", name = "Engine", skip_from_py_object)]
pub struct PyEngine {
    pub inner: Engine,
}

/// The table argument of an ingest call.
enum Input {
    Arrow(AnyRecordBatch),
    Csv(PathBuf),
}

fn invalid(py: Python<'_>, message: String) -> PyErr {
    convert::invalid(py, message)
}

fn input(table: &Bound<'_, PyAny>) -> PyResult<Input> {
    if table.is_instance_of::<PyString>() || table.hasattr("__fspath__")? {
        return Ok(Input::Csv(table.extract()?));
    }
    convert::arrow_input(table, " or the path of a CSV file").map(Input::Arrow)
}

fn options(py: Python<'_>, mapping: Option<Mapping>, date_format: &str) -> PyResult<IngestOptions> {
    let date_format = DateFormat::parse(date_format).ok_or_else(|| {
        invalid(
            py,
            format!(
                "date_format is {date_format:?}; it must be \"auto\", \"day_first\", \
                 \"month_first\" or \"excel\""
            ),
        )
    })?;
    Ok(IngestOptions {
        mapping,
        date_format,
    })
}

fn csv_options(py: Python<'_>, delimiter: &str, encoding: &str) -> PyResult<CsvOptions> {
    let delimiter = match delimiter {
        "whitespace" => Delimiter::Whitespace,
        d if d.len() == 1 && d.is_ascii() => Delimiter::Byte(d.as_bytes()[0]),
        d => {
            return Err(invalid(
                py,
                format!("delimiter is {d:?}; it must be one ASCII character or \"whitespace\""),
            ))
        }
    };
    let encoding = Encoding::parse(encoding).ok_or_else(|| {
        invalid(
            py,
            format!("encoding is {encoding:?}; it must be \"auto\", \"utf-8\" or \"windows-1252\""),
        )
    })?;
    Ok(CsvOptions::default()
        .with_delimiter(delimiter)
        .with_encoding(encoding))
}

impl PyEngine {
    #[allow(clippy::too_many_arguments)]
    fn ingest(
        &mut self,
        py: Python<'_>,
        kind: TableKind,
        table: &Bound<'_, PyAny>,
        mapping: Option<Mapping>,
        date_format: &str,
        delimiter: &str,
        encoding: &str,
    ) -> PyResult<PyIngestReport> {
        let options = options(py, mapping, date_format)?;
        let engine = &mut self.inner;
        let report = match input(table)? {
            Input::Arrow(table) => {
                let mut reader = table.into_reader()?;
                run(py, || {
                    engine.ingest_arrow_reader(kind, &mut reader, &options)
                })?
            }
            Input::Csv(path) => {
                let csv = csv_options(py, delimiter, encoding)?;
                run(py, || engine.ingest_csv(kind, &path, &csv, &options))?
            }
        };
        Ok(PyIngestReport { inner: report })
    }

    fn day(&self, value: &Bound<'_, PyAny>, name: &str) -> PyResult<salespulse::Day> {
        convert::day(value, name, self.inner.config())
    }
}

/// One doc for the five ingest methods' arguments.
macro_rules! ingest_doc {
    ($what:literal, $columns:literal) => {
        concat!(
            "Ingests ", $what, ".\n\n",
            "Validated and idempotent: a row seen before counts once.\n\n",
            "Args:\n",
            "    table: a pandas or polars DataFrame, a pyarrow Table or RecordBatchReader (anything\n",
            "        with __arrow_c_stream__), or the path (str or Path) of a CSV file.\n",
            "    mapping: {canonical column: your column} for columns named differently, such as\n",
            "        {\"customer_id\": \"CustomerID\"}. Names that differ only in case, spaces or\n",
            "        punctuation (\"Customer ID\") are found without it.\n",
            "    date_format: how text dates are written: \"auto\" (ISO, YYYYMMDD, Excel serials),\n",
            "        \"day_first\" (dd/mm/yyyy), \"month_first\" (mm/dd/yyyy) or \"excel\".\n",
            "    delimiter: CSV files only: the field separator, one character or \"whitespace\".\n",
            "    encoding: CSV files only: \"auto\" (UTF-8, else Windows-1252), \"utf-8\" or\n",
            "        \"windows-1252\".\n\n",
            "Columns: ", $columns, "\n\n",
            "Returns:\n",
            "    IngestReport: accepted, duplicates and rejected (row, column, reason). A bad row is\n",
            "    rejected with its reason; the good rows of the table are taken.\n\n",
            "Raises:\n",
            "    SchemaError: a required column is missing (the message names it) or unreadable.\n",
            "    CsvError, IoError: a CSV file cannot be read.\n"
        )
    };
}

#[pymethods]
impl PyEngine {
    #[new]
    #[pyo3(signature = (config = None))]
    fn new(config: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let py_config = PyConfig::from_arg(config)?;
        let py = config.map(|c| c.py());
        match Engine::new(py_config) {
            Ok(inner) => Ok(PyEngine { inner }),
            Err(e) => Err(match py {
                Some(py) => crate::errors::core(py, e),
                None => Python::attach(|py| crate::errors::core(py, e)),
            }),
        }
    }

    /// The engine's settings.
    #[getter]
    fn config(&self) -> PyConfig {
        PyConfig {
            inner: self.inner.config().clone(),
        }
    }

    /// The last day the engine was advanced to (a datetime.date), or None.
    #[getter]
    fn clock<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .clock()
            .map(|d| convert::py_date(py, d))
            .transpose()
    }

    #[doc = ingest_doc!("ERP order lines (invoices, credit notes; a negative quantity is a return)",
        "order_id, customer_id, product_id, date, quantity, net_amount;\n    optional line_no, \
         list_amount, rep_id, currency.")]
    #[pyo3(signature = (table, mapping = None, date_format = "auto", *, delimiter = ",", encoding = "auto"))]
    fn ingest_orders(
        &mut self,
        py: Python<'_>,
        table: &Bound<'_, PyAny>,
        mapping: Option<Mapping>,
        date_format: &str,
        delimiter: &str,
        encoding: &str,
    ) -> PyResult<PyIngestReport> {
        let kind = TableKind::Orders;
        self.ingest(py, kind, table, mapping, date_format, delimiter, encoding)
    }

    #[doc = ingest_doc!("customers (accounts); a later row for a customer updates it",
        "customer_id; optional rep_id (the account owner), segment, region, name.")]
    #[pyo3(signature = (table, mapping = None, date_format = "auto", *, delimiter = ",", encoding = "auto"))]
    fn ingest_customers(
        &mut self,
        py: Python<'_>,
        table: &Bound<'_, PyAny>,
        mapping: Option<Mapping>,
        date_format: &str,
        delimiter: &str,
        encoding: &str,
    ) -> PyResult<PyIngestReport> {
        let kind = TableKind::Customers;
        self.ingest(py, kind, table, mapping, date_format, delimiter, encoding)
    }

    #[doc = ingest_doc!("sales reps and managers (a rep named as manager_id is a manager)",
        "rep_id; optional manager_id, name, email, locale.")]
    #[pyo3(signature = (table, mapping = None, date_format = "auto", *, delimiter = ",", encoding = "auto"))]
    fn ingest_reps(
        &mut self,
        py: Python<'_>,
        table: &Bound<'_, PyAny>,
        mapping: Option<Mapping>,
        date_format: &str,
        delimiter: &str,
        encoding: &str,
    ) -> PyResult<PyIngestReport> {
        let kind = TableKind::Reps;
        self.ingest(py, kind, table, mapping, date_format, delimiter, encoding)
    }

    #[doc = ingest_doc!("products (items, SKUs)",
        "product_id; optional family, list_price, name.")]
    #[pyo3(signature = (table, mapping = None, date_format = "auto", *, delimiter = ",", encoding = "auto"))]
    fn ingest_products(
        &mut self,
        py: Python<'_>,
        table: &Bound<'_, PyAny>,
        mapping: Option<Mapping>,
        date_format: &str,
        delimiter: &str,
        encoding: &str,
    ) -> PyResult<PyIngestReport> {
        let kind = TableKind::Products;
        self.ingest(py, kind, table, mapping, date_format, delimiter, encoding)
    }

    #[doc = ingest_doc!("CRM deals (opportunities) as of one export; later exports build each\ndeal's stage history",
        "deal_id, customer_id, stage, stage_entered;\n    optional rep_id, product_id, amount, \
         created, closed, outcome (open, won, lost).")]
    #[pyo3(signature = (table, mapping = None, date_format = "auto", *, delimiter = ",", encoding = "auto"))]
    fn ingest_deals(
        &mut self,
        py: Python<'_>,
        table: &Bound<'_, PyAny>,
        mapping: Option<Mapping>,
        date_format: &str,
        delimiter: &str,
        encoding: &str,
    ) -> PyResult<PyIngestReport> {
        let kind = TableKind::Deals;
        self.ingest(py, kind, table, mapping, date_format, delimiter, encoding)
    }

    /// Key performance indicators at a day: active customers, churn rate, product variety per
    /// customer, order frequency and pace, rate of items returning to the basket.
    ///
    /// Args:
    ///     as_of: the day: a str ("2024-03-31"), datetime.date, datetime or pandas Timestamp.
    ///     by: None (one row for the whole business), "rep", "segment" or "region".
    ///     to: "pandas" (default), "polars" or "arrow" (a pyarrow.Table).
    ///
    /// Returns:
    ///     A table with one row per group.
    #[pyo3(signature = (as_of, by = None, to = "pandas"))]
    fn kpis<'py>(
        &self,
        py: Python<'py>,
        as_of: &Bound<'py, PyAny>,
        by: Option<&str>,
        to: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (to, as_of) = (To::parse(py, to)?, self.day(as_of, "as_of")?);
        let by = by.map(GroupBy::parse).transpose().py_err(py)?;
        let engine = &self.inner;
        let frame = run(py, || engine.kpis(as_of, by))?;
        convert::frame(py, &frame, to)
    }

    /// Every signal active at a day, highest score first.
    ///
    /// Only data on or before ``as_of`` is read, so a past day shows what was known then. The
    /// engine's clock does not move (see ``advance`` for the real-time feed).
    ///
    /// Args:
    ///     as_of: the day: a str ("2024-03-31"), datetime.date, datetime or pandas Timestamp;
    ///         None (default) for the engine's clock, else its last order day.
    ///     to: "pandas" (default), "polars" or "arrow" (a pyarrow.Table).
    ///
    /// Returns:
    ///     The signals table, one row per signal: kind, customer_id, product_id (empty unless
    ///     the signal is about a product), rep_id, segment, detected_on, value_at_stake,
    ///     probability, score (value_at_stake x probability), evidence (one sentence with the
    ///     numbers), then kind-specific columns (empty for other kinds). Kinds: customer_at_risk,
    ///     frequency_drop, variety_drop, item_lapsed, item_lapsed_across_similar, cross_sell,
    ///     seasonal_due, discount_spike, deal_stalled, pipeline_slowdown.
    ///
    /// Raises:
    ///     InvalidArgumentError: as_of is not a date, or the engine has no orders and no as_of.
    #[pyo3(signature = (as_of = None, to = "pandas"))]
    fn signals<'py>(
        &self,
        py: Python<'py>,
        as_of: Option<&Bound<'py, PyAny>>,
        to: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let to = To::parse(py, to)?;
        let as_of = as_of
            .filter(|v| !v.is_none())
            .map(|v| self.day(v, "as_of"))
            .transpose()?;
        let engine = &self.inner;
        let frame = run(py, || engine.signals(as_of))?;
        convert::frame(py, &frame, to)
    }

    /// Next-best offers: per customer the top ``k`` products it never bought.
    ///
    /// Rules ("buys A and B, so C"), what similar customers buy, and popularity when there is no
    /// closer evidence; the ``cross_sell`` signals are its strongest rows. Only data on or
    /// before ``as_of`` is read.
    ///
    /// Args:
    ///     as_of: the day: a str ("2024-03-31"), datetime.date, datetime or pandas Timestamp.
    ///     k: products per customer (1..=1000, default 5).
    ///     customers: None (default) for every customer with a purchase, or a list of ids.
    ///     to: "pandas" (default), "polars" or "arrow" (a pyarrow.Table).
    ///
    /// Returns:
    ///     A table by customer, then rank: customer_id, rank, product_id, score (0..1),
    ///     suggested_price, evidence, probability (of starting to buy it within the horizon),
    ///     expected_revenue (over the horizon), similar_share, cross_sell (bool).
    ///
    /// Raises:
    ///     InvalidArgumentError: as_of is not a date, k is out of range, or a customer id is
    ///         unknown.
    #[pyo3(signature = (as_of, k = 5, customers = None, to = "pandas"))]
    fn recommend<'py>(
        &self,
        py: Python<'py>,
        as_of: &Bound<'py, PyAny>,
        k: usize,
        customers: Option<Vec<String>>,
        to: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (to, as_of) = (To::parse(py, to)?, self.day(as_of, "as_of")?);
        let engine = &self.inner;
        let ids: Option<Vec<&str>> = customers
            .as_ref()
            .map(|c| c.iter().map(String::as_str).collect());
        let frame = run(py, || engine.recommend(as_of, k, ids.as_deref()))?;
        convert::frame(py, &frame, to)
    }

    /// Moves the engine's clock to a day and returns the signals that rose since the last
    /// advance: the real-time feed.
    ///
    /// A signal that stays active is reported once, at the advance where it rose; one that
    /// clears and rises again is reported again. Call it on each new day (or week) after
    /// ingesting that day's orders. The clock never goes back.
    ///
    /// Args:
    ///     as_of: the new day: a str ("2024-03-31"), datetime.date, datetime or pandas
    ///         Timestamp; not before ``clock``.
    ///     to: "pandas" (default), "polars" or "arrow" (a pyarrow.Table).
    ///
    /// Returns:
    ///     The new signals, as a signals table (see ``signals`` for its columns).
    ///
    /// Raises:
    ///     InvalidArgumentError: as_of is not a date or lies before the engine's clock.
    #[pyo3(signature = (as_of, to = "pandas"))]
    fn advance<'py>(
        &mut self,
        py: Python<'py>,
        as_of: &Bound<'py, PyAny>,
        to: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (to, as_of) = (To::parse(py, to)?, self.day(as_of, "as_of")?);
        let engine = &mut self.inner;
        let frame = run(py, || engine.advance(as_of))?;
        convert::frame(py, &frame, to)
    }

    /// The weekly brief at a day: for every rep its 5-7 most valuable tasks (whom to contact,
    /// what to do and say, what to offer at what price, a ready text, the value and a due day),
    /// and for every manager a digest (team-level signals, each rep's top tasks, the team's
    /// KPIs this week vs last). Only data on or before ``as_of`` is read.
    ///
    /// Args:
    ///     as_of: the day: a str ("2024-03-31"), datetime.date, datetime or pandas Timestamp.
    ///     tasks_per_rep: 5, 6 or 7 (default: the engine's ``tasks_per_rep``).
    ///
    /// Returns:
    ///     Brief: ``tasks`` (a DataFrame), ``digests``, ``for_rep``, ``to_markdown``,
    ///     ``to_html`` (locales "en" and "he").
    ///
    /// Raises:
    ///     InvalidArgumentError: as_of is not a date, or tasks_per_rep is not 5, 6 or 7.
    #[pyo3(signature = (as_of, tasks_per_rep = None))]
    fn weekly_brief(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        tasks_per_rep: Option<usize>,
    ) -> PyResult<crate::brief::PyBrief> {
        let as_of = self.day(as_of, "as_of")?;
        let engine = &self.inner;
        let inner = run(py, || engine.weekly_brief(as_of, tasks_per_rep))?;
        Ok(crate::brief::PyBrief { inner })
    }

    /// Replays the history from ``start`` to ``end`` every ``every_days`` days through the
    /// real-time feed and the weekly brief, and scores each signal kind (precision, lead time
    /// before the monthly report, revenue that followed) and each week's tasks (share of
    /// next-quarter lost revenue pointed at, against an RFM list of the same length).
    ///
    /// Args:
    ///     start, end: days (str, datetime.date, datetime or pandas Timestamp), start < end.
    ///     every_days: days between replayed days (default 7).
    ///
    /// Returns:
    ///     BacktestReport: kinds, weeks, alarms, outcomes, outcome_rates, summary.
    ///
    /// Raises:
    ///     InvalidArgumentError: start >= end, every_days is 0, or the engine has no orders.
    #[pyo3(signature = (start, end, every_days = 7))]
    fn backtest(
        &self,
        py: Python<'_>,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
        every_days: u32,
    ) -> PyResult<crate::backtest::PyBacktestReport> {
        let (start, end) = (self.day(start, "start")?, self.day(end, "end")?);
        crate::backtest::backtest(py, &self.inner, start, end, every_days)
    }

    /// Remembers a brief's tasks as issued on its day, for ``outcomes``; returns how many were
    /// new (recording a brief twice adds nothing). Part of ``snapshot``.
    fn record_brief(&mut self, brief: &crate::brief::PyBrief) -> usize {
        self.inner.record_brief(&brief.inner)
    }

    /// Every recorded task judged at ``as_of``: issued, rep_id, rank, customer_id, product_id,
    /// signals, value, outcome (item_returned, ordered, deal_moved, pending, no_action),
    /// acted_on, item_returned. ``to``: "pandas" (default), "polars" or "arrow".
    #[pyo3(signature = (as_of, to = "pandas"))]
    fn outcomes<'py>(
        &self,
        py: Python<'py>,
        as_of: &Bound<'py, PyAny>,
        to: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let as_of = self.day(as_of, "as_of")?;
        crate::backtest::outcomes(py, &self.inner, as_of, false, to)
    }

    /// Per rep at ``as_of``: tasks, decided, acted, acted_rate, item_tasks, items_returned,
    /// return_to_basket_rate (the rate of items returning to the basket after a task).
    #[pyo3(signature = (as_of, to = "pandas"))]
    fn outcome_rates<'py>(
        &self,
        py: Python<'py>,
        as_of: &Bound<'py, PyAny>,
        to: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let as_of = self.day(as_of, "as_of")?;
        crate::backtest::outcomes(py, &self.inner, as_of, true, to)
    }

    /// The whole engine as bytes (versioned and checksummed), for `Engine.restore`.
    fn snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let engine = &self.inner;
        let bytes = run(py, || Ok(engine.snapshot()))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// An engine from `snapshot()` bytes (bytes, bytearray or memoryview).
    ///
    /// Raises:
    ///     SnapshotError: the bytes are not a salespulse snapshot, are truncated or corrupt, or
    ///         come from a newer version; the message says which.
    #[staticmethod]
    fn restore(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<PyEngine> {
        let owned;
        let bytes: &[u8] = match data.cast::<PyBytes>() {
            Ok(b) => b.as_bytes(),
            Err(_) => {
                owned = data
                    .call_method0("__bytes__")
                    .or_else(|_| py.import("builtins")?.getattr("bytes")?.call1((data,)))
                    .map_err(|_| {
                        raise(
                            py,
                            "SnapshotError",
                            format!(
                                "cannot restore snapshot: expected bytes, not {}",
                                data.get_type()
                            ),
                        )
                    })?;
                owned.cast::<PyBytes>()?.as_bytes()
            }
        };
        let inner = run(py, || Engine::restore(bytes))?;
        Ok(PyEngine { inner })
    }

    /// Joins an engine built on a disjoint set of customers (a partition of a distributed job).
    /// Both need the same configuration. `other` is copied, not changed. On error nothing
    /// changes.
    ///
    /// Raises:
    ///     MergeError: the engines overlap, differ in configuration, or conflict in master data.
    fn merge(slf: &Bound<'_, Self>, other: &Bound<'_, PyEngine>) -> PyResult<()> {
        let py = slf.py();
        if slf.is(other) {
            return Err(raise(
                py,
                "MergeError",
                "cannot merge engines: an engine cannot be merged with itself",
            ));
        }
        let other = other.borrow().inner.clone();
        let mut this = slf.borrow_mut();
        let engine = &mut this.inner;
        run(py, || engine.merge(other))
    }

    /// Sizes of the state as a dict: customers, products, reps, pairs (customer x product with
    /// lines), lines, orders, deals, heap_bytes.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.inner.stats();
        let d = PyDict::new(py);
        for (k, v) in [
            ("customers", s.customers),
            ("products", s.products),
            ("reps", s.reps),
            ("pairs", s.pairs),
            ("lines", s.lines),
            ("orders", s.orders),
            ("deals", s.deals),
            ("heap_bytes", s.heap_bytes),
        ] {
            d.set_item(k, v)?;
        }
        Ok(d)
    }

    /// Pickling goes through `snapshot()` / `Engine.restore`.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let restore = slf.get_type().getattr("restore")?;
        let bytes = slf.borrow().snapshot(py)?;
        PyTuple::new(py, [restore, PyTuple::new(py, [bytes])?.into_any()])
    }

    fn __repr__(&self) -> String {
        let s = self.inner.stats();
        format!(
            "<salespulse.Engine: {} customers, {} products, {} lines, {} deals>",
            s.customers, s.products, s.lines, s.deals
        )
    }
}
