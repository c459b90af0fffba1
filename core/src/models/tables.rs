//! The stand-alone models on tables and columns, for the bindings.
//!
//! Owns: everything beyond type conversion that the Python and Node bindings need to offer the
//! models of API.md's "Models that stand alone" on user data:
//!
//! - [`rfm_summary_table`] / `rfm_summary_arrow` (feature `arrow`): a transactions table (a [`Batch`], or Arrow
//!   record batches) summarised per customer as [`rfm_summary`] does, as a [`Frame`];
//! - the names the bindings accept for periods and time units ([`parse_freq`],
//!   [`parse_time_unit`]) and for parameters ([`params_from_pairs`]), and [`check_fit_options`];
//! - row-wise predictions on columns where a column of one value stands for every row, as numpy
//!   broadcasts a scalar ([`broadcast`], [`p_alive_each`], [`expected_purchases_each`],
//!   [`expected_purchases_new_customer_each`], [`expected_spend_each`], [`clv_each`]);
//! - fitted parameters as a table ([`estimates_frame`], lifetimes' `summary`).
//!
//! Errors are [`Error::InvalidArgument`] naming the column and row at fault, or
//! [`Error::Schema`] for a column the table lacks.

use super::btyd::{
    ClvOptions, Estimate, FitOptions, GammaGammaParams, ModelParams, RfmData, TimeUnit,
    TransactionModel,
};
use super::rfm::{rfm_summary, Freq};
use crate::day::Day;
use crate::error::{Error, Result};
use crate::ingest::{day_cell, id_cell, number_cell, DateReader, IdCell};
use crate::table::{Batch, Cell, Column, Frame, Series};
use std::borrow::Cow;

/// Which columns of a transactions table [`rfm_summary_table`] reads, and how.
#[derive(Clone, Copy, Debug)]
pub struct RfmSummaryOptions<'a> {
    /// The customer id column (text or integers; integer ids stay integers and sort as numbers).
    pub customer_col: &'a str,
    /// The transaction date column (dates, timestamps or text, read by `dates`).
    pub date_col: &'a str,
    /// The transaction value column, if any (numbers).
    pub monetary_col: Option<&'a str>,
    /// The end of the observation period; `None` for the last transaction's day (as lifetimes'
    /// `observation_period_end=None`).
    pub observation_end: Option<Day>,
    /// Days or weeks.
    pub freq: Freq,
    /// How dates are read (text formats, and the zone aware timestamps are taken in).
    pub dates: DateReader,
}

/// The customer keys of a table: integers when every id is one, else text.
enum Keys<'a> {
    Int(Vec<i64>),
    Text(Vec<Cow<'a, str>>),
}

fn at_row(row: usize, message: impl std::fmt::Display) -> Error {
    Error::InvalidArgument(format!("row {row}: {message}"))
}

/// The column called `name` (exactly), or a schema error listing the table's columns.
fn named<'a>(batch: &Batch<'a>, name: &str, role: &str) -> Result<Column<'a>> {
    match batch.names().iter().position(|n| n == name) {
        Some(i) => Ok(batch.column_at(i)),
        None => Err(Error::Schema(format!(
            "the transactions table has no column {name:?} ({role}); its columns are: {}",
            batch
                .names()
                .iter()
                .map(|n| format!("{n:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// An integer id: an integer cell, or a float holding a whole number (pandas turns integer
/// columns with gaps into floats).
fn int_id(cell: Cell<'_>) -> Option<i64> {
    match cell {
        Cell::Int(n) => Some(n),
        Cell::Float(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.0e15 => Some(x as i64),
        _ => None,
    }
}

/// The customer keys of the parts of a table, as integers if every cell is one.
fn read_keys<'a>(parts: &[Column<'a>], name: &str) -> Result<Keys<'a>> {
    let total = parts.iter().map(Column::len).sum();
    let mut ints = Vec::with_capacity(total);
    'ints: for part in parts {
        if let Column::Int(values) = part {
            ints.extend_from_slice(values);
            continue;
        }
        for row in 0..part.len() {
            match int_id(part.cell(row)) {
                Some(n) => ints.push(n),
                None => break 'ints,
            }
        }
    }
    if ints.len() == total {
        return Ok(Keys::Int(ints));
    }
    let mut texts = Vec::with_capacity(total);
    for part in parts {
        for row in 0..part.len() {
            match id_cell(part.cell(row)) {
                Ok(IdCell::Text(t)) => texts.push(t),
                Ok(IdCell::Interned(id)) => {
                    return Err(at_row(
                        texts.len(),
                        format!("{name:?}: interned id {id} is not a customer id of this table"),
                    ))
                }
                Err(reason) => return Err(at_row(texts.len(), format!("{name:?}: {reason}"))),
            }
        }
    }
    Ok(Keys::Text(texts))
}

fn read_days(parts: &[Column<'_>], name: &str, dates: &DateReader) -> Result<Vec<i32>> {
    let mut days = Vec::with_capacity(parts.iter().map(Column::len).sum());
    for part in parts {
        for row in 0..part.len() {
            match day_cell(part.cell(row), dates) {
                Ok(Some(day)) => days.push(day.0),
                Ok(None) => return Err(at_row(days.len(), format!("{name:?}: missing date"))),
                Err(reason) => return Err(at_row(days.len(), format!("{name:?}: {reason}"))),
            }
        }
    }
    Ok(days)
}

fn read_values(parts: &[Column<'_>], name: &str) -> Result<Vec<f64>> {
    let mut values = Vec::with_capacity(parts.iter().map(Column::len).sum());
    for part in parts {
        for row in 0..part.len() {
            match number_cell(part.cell(row)) {
                Ok(Some(x)) => values.push(x),
                Ok(None) => {
                    return Err(at_row(
                        values.len(),
                        format!("{name:?}: missing value (null or NaN)"),
                    ))
                }
                Err(reason) => return Err(at_row(values.len(), format!("{name:?}: {reason}"))),
            }
        }
    }
    Ok(values)
}

/// Frequency, recency, T (and monetary_value) per customer of a transactions table, exactly as
/// lifetimes' (0.11.3) `summary_data_from_transaction_data` (see [`rfm_summary`] for the
/// definitions).
///
/// `parts` are the pieces of one table in order (one for a single batch; an Arrow stream's
/// record batches); row numbers in errors count across them. The result has one row per
/// customer, sorted by id: the customer column (named `customer_col`; integers if every id is
/// an integer, else text), then `frequency`, `recency`, `T` and, with a monetary column,
/// `monetary_value`, all floats in periods of `freq`.
///
/// # Errors
///
/// [`Error::Schema`] for a column the table lacks (naming it and listing the columns);
/// [`Error::InvalidArgument`] for a missing id, date or value, an unreadable date or a value
/// that is not a finite number, naming the row and column.
///
/// ```
/// use salespulse::models::rfm::Freq;
/// use salespulse::models::tables::{rfm_summary_table, RfmSummaryOptions};
/// use salespulse::ingest::{DateFormat, DateReader};
/// use salespulse::table::{Batch, Column, Series};
///
/// let customers = ["a", "a", "b"];
/// let dates = ["2024-01-01", "2024-01-11", "2024-01-05"];
/// let values = [10.0, 20.0, 7.0];
/// let batch = Batch::new()
///     .with("customer", Column::Text(&customers))
///     .with("date", Column::Text(&dates))
///     .with("amount", Column::Float(&values));
/// let options = RfmSummaryOptions {
///     customer_col: "customer",
///     date_col: "date",
///     monetary_col: Some("amount"),
///     observation_end: None,
///     freq: Freq::Day,
///     dates: DateReader::new(DateFormat::Auto, chrono_tz::UTC),
/// };
/// let summary = rfm_summary_table(&[batch], &options).unwrap();
/// assert_eq!(summary.f64_column("frequency").unwrap(), &[Some(1.0), Some(0.0)]);
/// assert_eq!(summary.f64_column("T").unwrap(), &[Some(10.0), Some(6.0)]);
/// assert_eq!(summary.f64_column("monetary_value").unwrap(), &[Some(20.0), Some(0.0)]);
/// ```
pub fn rfm_summary_table(parts: &[Batch<'_>], options: &RfmSummaryOptions) -> Result<Frame> {
    for part in parts {
        part.check_lengths().map_err(Error::Schema)?;
    }
    let customer = named_in_parts(parts, options.customer_col, "customer_col")?;
    let date = named_in_parts(parts, options.date_col, "date_col")?;
    let monetary = options
        .monetary_col
        .map(|name| named_in_parts(parts, name, "monetary_col").map(|c| (c, name)))
        .transpose()?;
    let keys = read_keys(&customer, options.customer_col)?;
    let days = read_days(&date, options.date_col, &options.dates)?;
    let values = monetary
        .map(|(parts, name)| read_values(&parts, name))
        .transpose()?;
    let values = values.as_deref();
    let end = match options.observation_end {
        Some(day) => day.0,
        // No transactions and no end: an empty summary, whatever the end.
        None => days.iter().copied().max().unwrap_or(0),
    };
    let float = |v: Vec<f64>| Series::F64(v.into_iter().map(Some).collect());
    let (customer, columns) = match keys {
        Keys::Int(ids) => {
            let t = rfm_summary(&ids, &days, values, end, options.freq)?;
            let ids = Series::I64(t.customer.into_iter().map(Some).collect());
            (ids, (t.frequency, t.recency, t.t, t.monetary_value))
        }
        Keys::Text(ids) => {
            let t = rfm_summary(&ids, &days, values, end, options.freq)?;
            let ids = Series::Str(
                t.customer
                    .into_iter()
                    .map(|c| Some(c.into_owned()))
                    .collect(),
            );
            (ids, (t.frequency, t.recency, t.t, t.monetary_value))
        }
    };
    let (frequency, recency, t, monetary_value) = columns;
    let mut frame = Frame::new()
        .with(options.customer_col, customer)
        .with("frequency", float(frequency))
        .with("recency", float(recency))
        .with("T", float(t));
    if let Some(m) = monetary_value {
        frame = frame.with("monetary_value", float(m));
    }
    Ok(frame)
}

/// The column `name` of every part (of an empty table when there are no parts).
fn named_in_parts<'a>(parts: &[Batch<'a>], name: &str, role: &str) -> Result<Vec<Column<'a>>> {
    if parts.is_empty() {
        return named(&Batch::new(), name, role).map(|c| vec![c]);
    }
    parts.iter().map(|p| named(p, name, role)).collect()
}

/// [`rfm_summary_table`] on an Arrow stream (the Arrow C stream of a pandas, polars or pyarrow
/// table in the Python binding; decoded IPC in Node). The used columns' Arrow types are checked
/// against the stream's schema before any batch is read.
///
/// # Errors
///
/// As [`rfm_summary_table`]; also [`Error::Schema`] for a used column of an Arrow type that
/// cannot be read (lists, structs, binary, ...) and [`Error::InvalidArgument`] if the stream
/// fails.
#[cfg(feature = "arrow")]
pub fn rfm_summary_arrow<R: arrow_array::RecordBatchReader + ?Sized>(
    reader: &mut R,
    options: &RfmSummaryOptions,
) -> Result<Frame> {
    use crate::ingest::arrow::ArrowColumn;
    use arrow_array::RecordBatch;

    let schema = reader.schema();
    let empty = RecordBatch::new_empty(schema.clone());
    let used = [
        Some(options.customer_col),
        Some(options.date_col),
        options.monetary_col,
    ];
    for name in used.into_iter().flatten() {
        if let Ok(i) = schema.index_of(name) {
            if let Some(data_type) = ArrowColumn::new(empty.column(i).as_ref()).unsupported_type() {
                return Err(Error::Schema(format!(
                    "column {name:?} of the transactions table has the Arrow type {data_type}, \
                     which salespulse cannot read; convert it to text, a number or a date"
                )));
            }
        }
    }
    let mut batches = vec![];
    for batch in reader {
        batches.push(batch.map_err(|e| {
            Error::InvalidArgument(format!(
                "reading the transactions' Arrow stream failed: {e}"
            ))
        })?);
    }
    if batches.is_empty() {
        batches.push(empty);
    }
    let columns: Vec<Vec<ArrowColumn>> = batches
        .iter()
        .map(|b| {
            b.columns()
                .iter()
                .map(|c| ArrowColumn::new(c.as_ref()))
                .collect()
        })
        .collect();
    let parts: Vec<Batch<'_>> = columns
        .iter()
        .map(|cols| {
            let mut part = Batch::new();
            for (field, column) in schema.fields().iter().zip(cols) {
                part.push(field.name().clone(), column.column());
            }
            part
        })
        .collect();
    rfm_summary_table(&parts, options)
}

/// The period of a summary from its name: `"D"` (days) or `"W"` (weeks from Monday to Sunday,
/// pandas' `W` = `W-SUN`), as lifetimes' `freq`; `"day"` and `"week"` also work.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for any other name.
pub fn parse_freq(name: &str) -> Result<Freq> {
    match name.trim().to_ascii_lowercase().as_str() {
        "d" | "day" | "days" => Ok(Freq::Day),
        "w" | "w-sun" | "week" | "weeks" => Ok(Freq::Week),
        _ => Err(Error::InvalidArgument(format!(
            "freq is {name:?}; it must be \"D\" (days) or \"W\" (weeks, Monday to Sunday)"
        ))),
    }
}

/// A transaction model's time unit from its name, as lifetimes' `freq` of
/// `customer_lifetime_value`: `"H"` (hours), `"D"` (days), `"W"` (weeks) or `"M"` (months).
///
/// # Errors
///
/// [`Error::InvalidArgument`] for any other name.
pub fn parse_time_unit(name: &str) -> Result<TimeUnit> {
    match name.trim() {
        "H" | "h" | "hour" | "hours" => Ok(TimeUnit::Hours),
        "D" | "d" | "day" | "days" => Ok(TimeUnit::Days),
        "W" | "w" | "week" | "weeks" => Ok(TimeUnit::Weeks),
        "M" | "month" | "months" => Ok(TimeUnit::Months),
        _ => Err(Error::InvalidArgument(format!(
            "time_unit is {name:?}; it must be \"H\" (hours), \"D\" (days), \"W\" (weeks) or \
             \"M\" (months): the unit of the transaction model's T"
        ))),
    }
}

/// Checks fit options before a fit (so a model configuration can refuse them when made).
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a penalizer that is not finite and ≥ 0, a tolerance that is
/// not finite and > 0, or `max_iterations` = 0.
pub fn check_fit_options(options: &FitOptions) -> Result<()> {
    options.check()
}

/// Parameters from `(name, value)` pairs in any order; every name of `P::NAMES` exactly once.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for an unknown, missing or repeated name, or a value that is not
/// finite and > 0.
pub fn params_from_pairs<P: ModelParams>(pairs: &[(&str, f64)]) -> Result<P> {
    let names = P::NAMES.join(", ");
    let mut values = vec![None; P::NAMES.len()];
    for &(name, value) in pairs {
        let Some(i) = P::NAMES.iter().position(|n| *n == name) else {
            return Err(Error::InvalidArgument(format!(
                "unknown parameter {name:?}; the parameters are {names}"
            )));
        };
        if values[i].replace(value).is_some() {
            return Err(Error::InvalidArgument(format!(
                "parameter {name:?} is given twice"
            )));
        }
    }
    let values: Vec<f64> = values
        .iter()
        .zip(P::NAMES)
        .map(|(v, name)| {
            v.ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "parameter {name:?} is missing; the parameters are {names}"
                ))
            })
        })
        .collect::<Result<_>>()?;
    let params = P::from_slice(&values);
    params.check()?;
    Ok(params)
}

/// Columns of per-row inputs made equally long: a column of one value stands for every row
/// (as numpy broadcasts a scalar); all others must have the same length.
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming the column whose length differs, such as "recency has 3
/// rows but frequency has 5".
pub fn broadcast<'a>(columns: &[(&str, &'a [f64])]) -> Result<Vec<Cow<'a, [f64]>>> {
    let longest = columns.iter().find(|(_, c)| c.len() != 1);
    let n = longest.map_or(1, |(_, c)| c.len());
    columns
        .iter()
        .map(|&(name, c)| match c.len() {
            len if len == n => Ok(Cow::Borrowed(c)),
            1 => Ok(Cow::Owned(vec![c[0]; n])),
            len => Err(Error::InvalidArgument(format!(
                "{name} has {len} rows but {} has {n}",
                longest.map_or("", |(first, _)| first)
            ))),
        })
        .collect()
}

fn check_rows<T>(results: impl Iterator<Item = Result<T>>) -> Result<Vec<T>> {
    results
        .enumerate()
        .map(|(i, r)| {
            r.map_err(|e| match e {
                Error::InvalidArgument(m) => at_row(i, m),
                other => other,
            })
        })
        .collect()
}

/// [`TransactionModel::p_alive`] per row of `frequency`, `recency` and `t` (columns of one
/// value stand for every row).
///
/// # Errors
///
/// As [`broadcast`], and the model's errors prefixed with the row.
pub fn p_alive_each(
    model: &dyn TransactionModel,
    frequency: &[f64],
    recency: &[f64],
    t: &[f64],
) -> Result<Vec<f64>> {
    let c = broadcast(&[("frequency", frequency), ("recency", recency), ("T", t)])?;
    model.p_alive_many(&RfmData::new(&c[0], &c[1], &c[2]))
}

/// [`TransactionModel::expected_purchases`] per row: the expected purchases in the next
/// `horizon[i]` periods of a customer with history `(frequency[i], recency[i], t[i])` (columns
/// of one value stand for every row).
///
/// # Errors
///
/// As [`broadcast`], and the model's errors prefixed with the row.
pub fn expected_purchases_each(
    model: &dyn TransactionModel,
    horizon: &[f64],
    frequency: &[f64],
    recency: &[f64],
    t: &[f64],
) -> Result<Vec<f64>> {
    let c = broadcast(&[
        ("frequency", frequency),
        ("recency", recency),
        ("T", t),
        ("t", horizon),
    ])?;
    let data = RfmData::new(&c[0], &c[1], &c[2]);
    if horizon.len() == 1 {
        return model.expected_purchases_many(horizon[0], &data);
    }
    check_rows(
        (0..data.len()).map(|i| model.expected_purchases(c[3][i], c[0][i], c[1][i], c[2][i])),
    )
}

/// [`TransactionModel::expected_purchases_new_customer`] for each horizon.
///
/// # Errors
///
/// The model's errors prefixed with the row.
pub fn expected_purchases_new_customer_each(
    model: &dyn TransactionModel,
    horizon: &[f64],
) -> Result<Vec<f64>> {
    check_rows(
        horizon
            .iter()
            .map(|&h| model.expected_purchases_new_customer(h)),
    )
}

/// [`GammaGammaParams::expected_spend`] per row (columns of one value stand for every row).
///
/// # Errors
///
/// As [`broadcast`] and [`GammaGammaParams::expected_spend_many`].
pub fn expected_spend_each(
    params: &GammaGammaParams,
    frequency: &[f64],
    monetary_value: &[f64],
) -> Result<Vec<f64>> {
    let c = broadcast(&[("frequency", frequency), ("monetary_value", monetary_value)])?;
    params.expected_spend_many(&c[0], &c[1])
}

/// [`GammaGammaParams::clv`] per row, with `model` the transaction model (columns of one
/// value stand for every row).
///
/// # Errors
///
/// As [`broadcast`] and [`GammaGammaParams::clv_many`]; a discount rate that is not finite and
/// above −1 is refused before any row.
pub fn clv_each(
    params: &GammaGammaParams,
    model: &dyn TransactionModel,
    columns: [&[f64]; 4],
    options: &ClvOptions,
) -> Result<Vec<f64>> {
    let rate = options.monthly_discount_rate;
    if !(rate.is_finite() && rate > -1.0) {
        return Err(Error::InvalidArgument(format!(
            "discount rate {rate} must be finite and > -1"
        )));
    }
    let [frequency, recency, t, monetary_value] = columns;
    let c = broadcast(&[
        ("frequency", frequency),
        ("recency", recency),
        ("T", t),
        ("monetary_value", monetary_value),
    ])?;
    params.clv_many(model, &RfmData::new(&c[0], &c[1], &c[2]), &c[3], options)
}

/// The normal quantile of 97.5 %, for 95 % confidence bounds (as lifetimes computes them).
const Z_975: f64 = 1.959_963_984_540_054;

/// Fitted parameters as lifetimes' `summary` table: `parameter`, `coef`, `se(coef)`,
/// `lower 95% bound`, `upper 95% bound` (coef ∓ 1.96 se; empty where the standard error is
/// unknown).
pub fn estimates_frame(estimates: &[Estimate]) -> Frame {
    let column =
        |f: &dyn Fn(&Estimate) -> Option<f64>| Series::F64(estimates.iter().map(f).collect());
    Frame::new()
        .with(
            "parameter",
            Series::Str(estimates.iter().map(|e| Some(e.name.clone())).collect()),
        )
        .with("coef", column(&|e| Some(e.value)))
        .with("se(coef)", column(&|e| e.std_error))
        .with(
            "lower 95% bound",
            column(&|e| e.std_error.map(|s| e.value - Z_975 * s)),
        )
        .with(
            "upper 95% bound",
            column(&|e| e.std_error.map(|s| e.value + Z_975 * s)),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::DateFormat;
    use crate::models::btyd::{BetaGeoParams, ParetoNBDParams};

    fn reader() -> DateReader {
        DateReader::new(DateFormat::Auto, chrono_tz::UTC)
    }

    fn options<'a>(monetary: Option<&'a str>, freq: Freq) -> RfmSummaryOptions<'a> {
        RfmSummaryOptions {
            customer_col: "id",
            date_col: "day",
            monetary_col: monetary,
            observation_end: Day::from_ymd(2024, 1, 31),
            freq,
            dates: reader(),
        }
    }

    #[test]
    fn integer_ids_sort_as_numbers_across_parts() {
        let (ids1, ids2) = ([10i64, 9], [10i64]);
        let (days1, days2) = (["2024-01-01", "2024-01-03"], ["2024-01-08"]);
        let parts = [
            Batch::new()
                .with("id", Column::Int(&ids1))
                .with("day", Column::Text(&days1)),
            Batch::new()
                .with("id", Column::Int(&ids2))
                .with("day", Column::Text(&days2)),
        ];
        let f = rfm_summary_table(&parts, &options(None, Freq::Week)).unwrap();
        assert_eq!(f.i64_column("id").unwrap(), &[Some(9), Some(10)]);
        assert_eq!(f.f64_column("frequency").unwrap(), &[Some(0.0), Some(1.0)]);
        assert_eq!(f.f64_column("recency").unwrap(), &[Some(0.0), Some(1.0)]);
        assert!(f.column("monetary_value").is_none());
        let names: Vec<&str> = f.columns.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["id", "frequency", "recency", "T"]);
    }

    #[test]
    fn text_ids_and_errors_name_row_and_column() {
        let (ids, days) = ([Some("b"), Some("a")], ["2024-01-01", "2024-01-03"]);
        let batch = Batch::new()
            .with("id", Column::Text(&ids))
            .with("day", Column::Text(&days));
        let f = rfm_summary_table(&[batch], &options(None, Freq::Day)).unwrap();
        assert_eq!(
            f.str_column("id").unwrap(),
            &[Some("a".to_string()), Some("b".to_string())]
        );
        let gap = [Some("b"), Some("a"), None];
        let days3 = ["2024-01-01", "2024-01-03", "2024-01-04"];
        let bad = Batch::new()
            .with("id", Column::Text(&gap))
            .with("day", Column::Text(&days3));
        let err = rfm_summary_table(&[bad], &options(None, Freq::Day)).unwrap_err();
        assert!(
            err.to_string().contains("row 2: \"id\": missing id"),
            "{err}"
        );
        let money = [2.0, f64::NAN];
        let nan = Batch::new()
            .with("id", Column::Text(&ids))
            .with("day", Column::Text(&days))
            .with("m", Column::Float(&money));
        let err = rfm_summary_table(&[nan], &options(Some("m"), Freq::Day)).unwrap_err();
        assert!(
            err.to_string()
                .contains("row 1: \"m\": NaN is not a finite"),
            "{err}"
        );
        let missing = Batch::new().with("id", Column::Text(&ids));
        let err = rfm_summary_table(&[missing], &options(None, Freq::Day)).unwrap_err();
        assert!(matches!(err, Error::Schema(_)));
        assert!(
            err.to_string().contains("no column \"day\" (date_col)"),
            "{err}"
        );
    }

    #[test]
    fn broadcast_stretches_single_values_and_names_mismatches() {
        let (a, b, c) = ([1.0, 2.0, 3.0], [5.0], [1.0, 2.0]);
        let out = broadcast(&[("x", &b), ("y", &a)]).unwrap();
        assert_eq!(&*out[0], &[5.0, 5.0, 5.0]);
        let err = broadcast(&[("frequency", &a), ("recency", &c)]).unwrap_err();
        assert!(err
            .to_string()
            .contains("recency has 2 rows but frequency has 3"));
        assert_eq!(broadcast(&[("x", &b), ("y", &b)]).unwrap()[0].len(), 1);
    }

    #[test]
    fn per_row_horizons_match_the_scalar_path() {
        let bg = BetaGeoParams {
            r: 0.243,
            alpha: 4.414,
            a: 0.793,
            b: 2.426,
        };
        let (x, tx, t) = ([2.0, 0.0], [30.4, 0.0], [38.9, 38.9]);
        let one = expected_purchases_each(&bg, &[10.0], &x, &tx, &t).unwrap();
        let each = expected_purchases_each(&bg, &[10.0, 10.0], &x, &tx, &t).unwrap();
        assert_eq!(one, each);
        let err = expected_purchases_each(&bg, &[10.0, -1.0], &x, &tx, &t).unwrap_err();
        assert!(err.to_string().contains("row 1: horizon -1"), "{err}");
        let p: ParetoNBDParams =
            params_from_pairs(&[("s", 1.0), ("beta", 2.0), ("r", 0.5), ("alpha", 3.0)]).unwrap();
        assert_eq!(p.alpha, 3.0);
        let err = params_from_pairs::<ParetoNBDParams>(&[("r", 1.0)]).unwrap_err();
        assert!(err.to_string().contains("\"alpha\" is missing"), "{err}");
    }
}
