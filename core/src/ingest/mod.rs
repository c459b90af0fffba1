//! Validated, idempotent ingest of the five tables.
//!
//! Owns: turning rows (typed structs, a [`Batch`] of columns, CSV files, Arrow record batches)
//! into [`State`](crate::state::State): column resolution with a mapping, coercion of cells to
//! ids, numbers and days, the rules of what a usable row is, and the [`IngestReport`]. Every
//! unusable row becomes a [`Rejection`] naming its row, column and reason; the rest of the batch
//! is taken. Statistics never happen here.
//!
//! Rules for order lines (each broken rule is a rejection with this reason):
//! - order_id, customer_id and product_id are present and not blank;
//! - the date is a date between 1900 and 2199 (see [`DateFormat`] for what is read);
//! - quantity, net_amount and list_amount are finite; |quantity| <= 1e9, |amounts| <= 1e12;
//! - quantity and net_amount do not have opposite signs, and are not both 0 (a return has both
//!   negative and nets out against purchases);
//! - line_no, when given, is an integer in 0..2^31;
//! - an order belongs to one customer;
//! - all lines share one currency.
//!
//! A line whose (order_id, line_no) was seen before counts once: it is reported in
//! [`IngestReport::duplicates`], not accepted again. Without line_no, the product identifies the
//! line within its order. Lines may arrive in any order: the state is the same.

pub mod csv;
pub mod dates;
mod deals;
mod masters;
mod order_columns;
mod orders;

#[cfg(feature = "arrow")]
pub mod arrow;

pub use self::csv::{CsvOptions, Delimiter, Encoding};
pub use dates::{DateFormat, DateReader};
pub(crate) use deals::{ingest_deal_rows, ingest_deals};
pub(crate) use masters::{
    ingest_customers, ingest_products, ingest_reps, upsert_customers, upsert_products, upsert_reps,
};
pub(crate) use orders::{ingest_order_rows, ingest_orders};

use crate::day::Day;
use crate::error::{Error, Result};
use crate::table::{Batch, Cell, Column, Frame, Mapping, Series};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// One row that could not be used, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// The row's index in the input (0-based; the first data row of a CSV file is 0).
    pub row: usize,
    /// The canonical name of the column at fault (`"row"` when the row as a whole is).
    pub column: String,
    /// What is wrong, in words a person can act on.
    pub reason: String,
}

/// What an ingest call did with its rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestReport {
    /// Rows taken into the state.
    pub accepted: usize,
    /// Rows already seen (same order_id and line_no; same deal, stage and day), counted once.
    pub duplicates: usize,
    /// Rows that could not be used, with reasons.
    pub rejected: Vec<Rejection>,
}

impl IngestReport {
    /// Whether every row was accepted or a known duplicate.
    pub fn is_clean(&self) -> bool {
        self.rejected.is_empty()
    }

    /// The rejections as a table: row, column, reason.
    pub fn rejected_frame(&self) -> Frame {
        let rows = self.rejected.iter().map(|r| Some(r.row as i64)).collect();
        let columns = self
            .rejected
            .iter()
            .map(|r| Some(r.column.clone()))
            .collect();
        let reasons = self
            .rejected
            .iter()
            .map(|r| Some(r.reason.clone()))
            .collect();
        Frame::new()
            .with("row", Series::I64(rows))
            .with("column", Series::Str(columns))
            .with("reason", Series::Str(reasons))
    }

    /// Adds another report's counts (for readers that ingest in chunks).
    pub fn absorb(&mut self, other: IngestReport) {
        self.accepted += other.accepted;
        self.duplicates += other.duplicates;
        self.rejected.extend(other.rejected);
    }

    pub(crate) fn reject(&mut self, row: usize, column: &str, reason: impl Into<String>) {
        self.rejected.push(Rejection {
            row,
            column: column.to_string(),
            reason: reason.into(),
        });
    }
}

impl fmt::Display for IngestReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} accepted, {} duplicates, {} rejected",
            self.accepted,
            self.duplicates,
            self.rejected.len()
        )?;
        for r in self.rejected.iter().take(5) {
            write!(f, "\n  row {}, {}: {}", r.row, r.column, r.reason)?;
        }
        if self.rejected.len() > 5 {
            write!(f, "\n  ... and {} more", self.rejected.len() - 5)?;
        }
        Ok(())
    }
}

/// The columns of one table kind: required ones first, then optional ones.
pub(crate) struct Schema {
    pub table: &'static str,
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
}

impl Schema {
    fn all(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.required.iter().chain(self.optional).copied()
    }
}

fn normalized(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The batch's columns in schema order (`None` for an absent optional column).
///
/// A canonical column is found under its mapped name, else its own name, else the one column
/// whose name matches it ignoring case, spaces and punctuation ("Customer ID", "customerId").
pub(crate) fn resolve<'a>(
    schema: &Schema,
    batch: &Batch<'a>,
    mapping: Option<&Mapping>,
) -> Result<Vec<Option<Column<'a>>>> {
    batch.check_lengths().map_err(Error::Schema)?;
    if let Some(mapping) = mapping {
        for key in mapping.keys() {
            if !schema.all().any(|c| c == key) {
                return Err(Error::Schema(format!(
                    "mapping names {key:?}, which is not a column of the {} table (its columns: {})",
                    schema.table,
                    schema.all().collect::<Vec<_>>().join(", ")
                )));
            }
        }
    }
    let names = batch.names();
    let find = |canonical: &str, required: bool| -> Result<Option<Column<'a>>> {
        if let Some(source) = mapping.and_then(|m| m.get(canonical)) {
            return match names.iter().position(|n| n == source) {
                Some(i) => Ok(Some(batch.column_at(i))),
                None => Err(missing(schema, canonical, Some(source), names)),
            };
        }
        if let Some(i) = names.iter().position(|n| n == canonical) {
            return Ok(Some(batch.column_at(i)));
        }
        let key = normalized(canonical);
        let close: Vec<usize> = (0..names.len())
            .filter(|&i| normalized(&names[i]) == key)
            .collect();
        match close[..] {
            [i] => Ok(Some(batch.column_at(i))),
            [] if !required => Ok(None),
            [] => Err(missing(schema, canonical, None, names)),
            _ => Err(Error::Schema(format!(
                "the {} table has several columns that could be {canonical:?} ({}); pass mapping={{{canonical:?}: ...}}",
                schema.table,
                close.iter().map(|&i| format!("{:?}", names[i])).collect::<Vec<_>>().join(", ")
            ))),
        }
    };
    let mut out = Vec::new();
    for c in schema.required {
        out.push(find(c, true)?);
    }
    for c in schema.optional {
        out.push(find(c, false)?);
    }
    Ok(out)
}

fn missing(schema: &Schema, canonical: &str, source: Option<&String>, names: &[String]) -> Error {
    let wanted = match source {
        Some(s) => format!("column {s:?} (mapped to {canonical:?})"),
        None => format!("{canonical:?} column"),
    };
    Error::Schema(format!(
        "the {} table has no {wanted}; its columns are: {}. Pass mapping={{\"{canonical}\": \"<your column>\"}}",
        schema.table,
        names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
    ))
}

/// An id cell: borrowed text, text made from a number, or an id interned by this engine.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum IdCell<'a> {
    Text(Cow<'a, str>),
    Interned(u32),
}

pub(crate) fn id_cell(cell: Cell<'_>) -> Result<IdCell<'_>, String> {
    match cell {
        Cell::Text(t) => {
            let t = t.trim();
            if t.is_empty() {
                Err("missing (blank) id".into())
            } else {
                Ok(IdCell::Text(Cow::Borrowed(t)))
            }
        }
        Cell::Interned(id) => Ok(IdCell::Interned(id)),
        Cell::Int(n) => Ok(IdCell::Text(Cow::Owned(n.to_string()))),
        Cell::Float(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 => {
            Ok(IdCell::Text(Cow::Owned(format!("{x:.0}"))))
        }
        Cell::Null => Err("missing id".into()),
        other => Err(format!("{} is not an id", describe(other))),
    }
}

pub(crate) fn opt_id_cell(cell: Cell<'_>) -> Result<Option<IdCell<'_>>, String> {
    match cell {
        Cell::Null => Ok(None),
        Cell::Text(t) if t.trim().is_empty() => Ok(None),
        other => id_cell(other).map(Some),
    }
}

/// A number, `None` when missing.
pub(crate) fn number_cell(cell: Cell<'_>) -> Result<Option<f64>, String> {
    let x = match cell {
        Cell::Null => return Ok(None),
        Cell::Float(x) => x,
        Cell::Int(n) => n as f64,
        Cell::Text(t) if t.trim().is_empty() => return Ok(None),
        Cell::Text(t) => t
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("{:?} is not a number", t.trim()))?,
        other => return Err(format!("{} is not a number", describe(other))),
    };
    finite_number(x).map(Some)
}

/// `x`, unless it is NaN or infinite.
#[inline]
pub(crate) fn finite_number(x: f64) -> Result<f64, String> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(format!("{x} is not a finite number"))
    }
}

/// `day`, unless it lies outside the dates an order can carry.
#[inline]
pub(crate) fn plausible_day(day: Day) -> Result<Day, String> {
    if day.is_plausible() {
        Ok(day)
    } else {
        Err(format!(
            "day number {} is outside 1900-01-01..2199-12-31",
            day.0
        ))
    }
}

/// A day, `None` when missing.
pub(crate) fn day_cell(cell: Cell<'_>, reader: &DateReader) -> Result<Option<Day>, String> {
    match cell {
        Cell::Null => Ok(None),
        Cell::Text(t) if t.trim().is_empty() => Ok(None),
        Cell::Text(t) => reader.text(t).map(Some),
        Cell::Day(d) => plausible_day(d).map(Some),
        Cell::UtcMicros(us) => reader.utc_micros(us).map(Some),
        Cell::LocalMicros(us) => chrono::DateTime::from_timestamp_micros(us)
            .ok_or_else(|| format!("timestamp {us} µs is out of range"))
            .and_then(|t| reader.naive(t.naive_utc()))
            .map(Some),
        Cell::Int(n) => reader.integer(n).map(Some),
        Cell::Float(x) => reader.excel_serial(x).map(Some),
        other => Err(format!("{} is not a date", describe(other))),
    }
}

/// Text, `None` when missing or blank.
pub(crate) fn text_cell(cell: Cell<'_>) -> Result<Option<Cow<'_, str>>, String> {
    match cell {
        Cell::Null => Ok(None),
        Cell::Text(t) if t.trim().is_empty() => Ok(None),
        Cell::Text(t) => Ok(Some(Cow::Borrowed(t.trim()))),
        Cell::Int(n) => Ok(Some(Cow::Owned(n.to_string()))),
        Cell::Float(x) => Ok(Some(Cow::Owned(x.to_string()))),
        Cell::Bool(b) => Ok(Some(Cow::Owned(b.to_string()))),
        other => Err(format!("{} is not text", describe(other))),
    }
}

fn describe(cell: Cell<'_>) -> String {
    match cell {
        Cell::Null => "a missing value".into(),
        Cell::Text(t) => format!("{t:?}"),
        Cell::Int(n) => format!("the integer {n}"),
        Cell::Float(x) => format!("the number {x}"),
        Cell::Bool(b) => format!("the boolean {b}"),
        Cell::Day(d) => format!("the date {d}"),
        Cell::UtcMicros(_) | Cell::LocalMicros(_) => "a timestamp".into(),
        Cell::Interned(id) => format!("the interned id {id}"),
    }
}

/// Reads one cell of an optional column (absent column: `Ok(None)`), tagging errors with the
/// column name.
pub(crate) fn optional<'a, T>(
    column: Option<Column<'a>>,
    row: usize,
    name: &'static str,
    read: impl FnOnce(Cell<'a>) -> Result<Option<T>, String>,
) -> Result<Option<T>, (&'static str, String)> {
    match column {
        None => Ok(None),
        Some(c) => read(c.cell(row)).map_err(|e| (name, e)),
    }
}

/// Reads one cell of a required column, tagging errors with the column name.
pub(crate) fn required<'a, T>(
    column: Column<'a>,
    row: usize,
    name: &'static str,
    read: impl FnOnce(Cell<'a>) -> Result<Option<T>, String>,
) -> Result<T, (&'static str, String)> {
    present(name, read(column.cell(row)))
}

/// A required cell's value, or the reason it is unusable (tagged with the column name).
#[inline]
pub(crate) fn present<T>(
    name: &'static str,
    read: Result<Option<T>, String>,
) -> Result<T, (&'static str, String)> {
    match read {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err((name, format!("missing {name}"))),
        Err(e) => Err((name, e)),
    }
}
