//! `salespulse.frequent_itemsets` and `salespulse.association_rules`: doors to
//! `salespulse::itemsets`. Tables come in through the Arrow PyCapsule path (an itemsets table
//! with frozensets is made Arrow by `salespulse._itemsets.itemsets_table` first), lists of item
//! lists are read here; results leave as the other calls' tables do, with itemset columns as
//! frozensets in pandas (`salespulse._itemsets.from_arrow`). No mining or rule logic lives here.

use crate::convert::{self, invalid, To};
use crate::errors::{run, CoreResult};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyInt, PyList, PyString};
use salespulse::itemsets::arrow::{baskets_from_arrow, itemsets_from_arrow};
use salespulse::itemsets::{self, BasketColumns, Baskets, Metric};
use salespulse::Frame;

/// A result table as `to` ("pandas", "polars" or "arrow", checked by the caller), with its
/// list columns as frozensets in pandas.
fn itemset_frame<'py>(py: Python<'py>, frame: &Frame, to: &str) -> PyResult<Bound<'py, PyAny>> {
    static FROM_ARROW: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let table = convert::arrow_table(py, frame)?;
    FROM_ARROW
        .import(py, "salespulse._itemsets", "from_arrow")?
        .call1((table, to))
}

/// The basket column argument: one name or a list of names.
fn basket_names(value: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if let Ok(name) = value.cast::<PyString>() {
        return Ok(vec![name.extract::<String>()?]);
    }
    value.extract::<Vec<String>>().map_err(|_| {
        invalid(
            value.py(),
            "basket_col must be a column name or a list of column names",
        )
    })
}

/// One item of a basket list: text, or an integer as its decimal text.
fn item_label(item: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = item.cast::<PyString>() {
        return s.extract::<String>();
    }
    if item.is_instance_of::<PyInt>() {
        return item.str()?.extract::<String>();
    }
    Err(invalid(
        item.py(),
        format!(
            "basket items must be str (or int), not {}",
            item.get_type().name()?
        ),
    ))
}

/// Baskets from an iterable of iterables of items.
fn baskets_from_lists(lists: &Bound<'_, PyAny>) -> PyResult<Vec<Vec<String>>> {
    let py = lists.py();
    let mut out = Vec::new();
    for (i, basket) in lists.try_iter()?.enumerate() {
        let basket = basket?;
        if basket.is_instance_of::<PyString>() {
            return Err(invalid(
                py,
                format!("basket {i} is a str; each basket must be a list of items"),
            ));
        }
        let items = basket.try_iter().map_err(|_| {
            invalid(
                py,
                format!(
                    "basket {i} is a {}, not a list of items",
                    basket
                        .get_type()
                        .name()
                        .map(|n| n.to_string())
                        .unwrap_or_default()
                ),
            )
        })?;
        out.push(
            items
                .map(|item| item_label(&item?))
                .collect::<PyResult<_>>()?,
        );
    }
    Ok(out)
}

/// Every itemset in at least ``min_support`` of the baskets, as mlxtend 0.25's ``fpgrowth``.
///
/// Args:
///     baskets: a table of (basket, item) rows (pandas or polars DataFrame, pyarrow Table:
///         anything with ``__arrow_c_stream__``), or a list of item lists (one per basket;
///         items str or int).
///     min_support: the least share of baskets an itemset must appear in, in (0, 1].
///     max_len: the most items in an itemset; None (default) for no limit.
///     basket_col: for a table, the column naming the basket, or a list of columns that do
///         together (e.g. ``["Member_number", "Date"]``); default "basket_id".
///     item_col: for a table, the item column (default "item").
///     to: "pandas" (default), "polars" or "arrow".
///
/// Returns:
///     A table with columns ``support`` (float) and ``itemsets`` (frozensets of item labels in
///     pandas, lists in polars and Arrow), ordered by length, support (highest first) and
///     labels. An item repeated in a basket counts once; rows with a missing basket or item
///     are skipped.
///
/// Raises:
///     InvalidArgumentError: min_support outside (0, 1], max_len 0, a basket that is not a
///         list of items.
///     SchemaError: the table lacks a named column (the message lists its columns).
///
/// Example:
///     >>> sets = salespulse.frequent_itemsets([["tea", "milk"], ["tea"]], 0.5)
#[pyfunction]
#[pyo3(signature = (baskets, min_support, max_len = None, *, basket_col = None, item_col = "item", to = "pandas"))]
pub fn frequent_itemsets<'py>(
    py: Python<'py>,
    baskets: &Bound<'py, PyAny>,
    min_support: f64,
    max_len: Option<usize>,
    basket_col: Option<&Bound<'py, PyAny>>,
    item_col: &str,
    to: &str,
) -> PyResult<Bound<'py, PyAny>> {
    To::parse(py, to)?;
    let is_table =
        baskets.hasattr("__arrow_c_stream__")? || baskets.hasattr("__arrow_c_array__")?;
    let frame = if is_table {
        let columns = BasketColumns {
            basket: match basket_col.filter(|b| !b.is_none()) {
                Some(b) => basket_names(b)?,
                None => BasketColumns::default().basket,
            },
            item: item_col.to_string(),
        };
        let mut reader =
            convert::arrow_input(baskets, ", or a list of item lists")?.into_reader()?;
        run(py, || {
            let b = baskets_from_arrow(&mut *reader, &columns)?;
            Ok(itemsets::frequent_itemsets(&b, min_support, max_len)?.to_frame())
        })?
    } else if baskets.is_instance_of::<PyList>() || baskets.hasattr("__iter__")? {
        let lists = baskets_from_lists(baskets)?;
        run(py, || {
            let b = Baskets::from_lists(&lists);
            Ok(itemsets::frequent_itemsets(&b, min_support, max_len)?.to_frame())
        })?
    } else {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "baskets must be a table of (basket, item) rows or a list of item lists, not {}",
            baskets.get_type()
        )));
    };
    itemset_frame(py, &frame, to)
}

/// Association rules from frequent itemsets, as mlxtend 0.25's ``association_rules``.
///
/// Args:
///     itemsets: the table ``frequent_itemsets`` returned (columns ``support`` and
///         ``itemsets``; itemsets as frozensets, sets, lists or tuples of labels), unfiltered:
///         every subset's support is needed.
///     metric: the metric a rule must reach: "antecedent support", "consequent support",
///         "support", "confidence" (default), "lift", "representativity", "leverage",
///         "conviction", "zhangs_metric", "jaccard", "certainty" or "kulczynski".
///     min_threshold: the least value of ``metric`` (default 0.8).
///     to: "pandas" (default), "polars" or "arrow".
///
/// Returns:
///     One row per rule: ``antecedents`` and ``consequents`` (frozensets in pandas, lists
///     otherwise), then antecedent support, consequent support, support, confidence, lift,
///     representativity, leverage, conviction, zhangs_metric, jaccard, certainty and
///     kulczynski, as mlxtend computes them (conviction is inf when confidence is 1;
///     representativity is 1). No itemsets give an empty table with these columns.
///
/// Raises:
///     InvalidArgumentError: an unknown metric (the message lists them), a NaN threshold, or
///         an itemset whose subsets' supports are missing.
///     SchemaError: the table lacks ``support`` or ``itemsets``.
///
/// Example:
///     >>> rules = salespulse.association_rules(sets, metric="lift", min_threshold=1.2)
#[pyfunction]
#[pyo3(signature = (itemsets, metric = "confidence", min_threshold = 0.8, *, to = "pandas"))]
pub fn association_rules<'py>(
    py: Python<'py>,
    itemsets: &Bound<'py, PyAny>,
    metric: &str,
    min_threshold: f64,
    to: &str,
) -> PyResult<Bound<'py, PyAny>> {
    static TABLE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    To::parse(py, to)?;
    let metric = Metric::from_name(metric).py_err(py)?;
    let table = TABLE
        .import(py, "salespulse._itemsets", "itemsets_table")?
        .call1((itemsets,))?;
    let mut reader = convert::arrow_input(&table, "")?.into_reader()?;
    let frame = run(py, || {
        let sets = itemsets_from_arrow(&mut *reader)?;
        itemsets::association_rules(&sets, metric, min_threshold)
    })?;
    itemset_frame(py, &frame, to)
}
