//! Tables in and out, without a dataframe library.
//!
//! Owns: [`Batch`], a borrowed columnar view that every input (CSV, Arrow, user vectors) becomes
//! before ingest, with its [`Column`]s and [`Cell`]s; and [`Frame`], the owned columnar result of
//! queries (KPIs, rejected rows, signals), which the `arrow` feature turns into a `RecordBatch`.
//! Coercing cells to ids, numbers and dates (with reasons) lives in [`crate::ingest`].

use crate::day::Day;
use std::collections::HashMap;

/// A column of text cells (`None` is a missing value).
pub trait TextColumn: Sync {
    /// Rows in the column.
    fn len(&self) -> usize;
    /// The text at `row`.
    fn text(&self, row: usize) -> Option<&str>;
    /// Whether the column has no rows.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

macro_rules! text_column {
    ($($t:ty => |$cell:ident| $get:expr),* $(,)?) => {$(
        impl TextColumn for Vec<$t> {
            fn len(&self) -> usize {
                <[$t]>::len(self)
            }
            fn text(&self, row: usize) -> Option<&str> {
                let $cell = &self[row];
                $get
            }
        }
        impl TextColumn for &[$t] {
            fn len(&self) -> usize {
                <[$t]>::len(self)
            }
            fn text(&self, row: usize) -> Option<&str> {
                let $cell = &self[row];
                $get
            }
        }
        impl<const N: usize> TextColumn for [$t; N] {
            fn len(&self) -> usize {
                N
            }
            fn text(&self, row: usize) -> Option<&str> {
                let $cell = &self[row];
                $get
            }
        }
    )*};
}

text_column!(
    String => |s| Some(s.as_str()),
    &str => |s| Some(*s),
    Option<String> => |s| s.as_deref(),
    Option<&str> => |s| *s,
);

/// One cell of any column.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'a> {
    /// Missing.
    Null,
    /// Text.
    Text(&'a str),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A calendar day.
    Day(Day),
    /// An instant, microseconds since 1970-01-01T00:00:00Z (a zone-aware timestamp).
    UtcMicros(i64),
    /// A wall-clock time without a zone, microseconds since 1970-01-01T00:00:00.
    LocalMicros(i64),
    /// An id already interned by this engine.
    Interned(u32),
}

/// A column whose cells are produced one at a time (Arrow arrays implement this).
pub trait CellColumn: Sync {
    /// Rows in the column.
    fn len(&self) -> usize;
    /// The cell at `row`.
    fn cell(&self, row: usize) -> Cell<'_>;
    /// Whether the column has no rows.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A borrowed column of a [`Batch`].
#[derive(Clone, Copy)]
pub enum Column<'a> {
    /// Text cells.
    Text(&'a dyn TextColumn),
    /// Ids interned by this engine (from `Engine::intern_*`), the fastest path.
    Interned(&'a [u32]),
    /// Floats (NaN is a bad value, not a missing one: use `OptFloat` for gaps).
    Float(&'a [f64]),
    /// Floats with gaps.
    OptFloat(&'a [Option<f64>]),
    /// Integers.
    Int(&'a [i64]),
    /// Day numbers (days since 1970-01-01).
    Days(&'a [i32]),
    /// Anything else, cell by cell.
    Cells(&'a dyn CellColumn),
}

impl<'a> Column<'a> {
    /// Rows in the column.
    pub fn len(&self) -> usize {
        match self {
            Column::Text(c) => c.len(),
            Column::Interned(c) => c.len(),
            Column::Float(c) => c.len(),
            Column::OptFloat(c) => c.len(),
            Column::Int(c) => c.len(),
            Column::Days(c) => c.len(),
            Column::Cells(c) => c.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cell at `row`.
    #[inline]
    pub fn cell(&self, row: usize) -> Cell<'a> {
        match *self {
            Column::Text(c) => c.text(row).map_or(Cell::Null, Cell::Text),
            Column::Interned(c) => Cell::Interned(c[row]),
            Column::Float(c) => Cell::Float(c[row]),
            Column::OptFloat(c) => c[row].map_or(Cell::Null, Cell::Float),
            Column::Int(c) => Cell::Int(c[row]),
            Column::Days(c) => Cell::Day(Day(c[row])),
            Column::Cells(c) => c.cell(row),
        }
    }
}

/// A table as named, borrowed columns of equal length.
///
/// ```
/// use salespulse::table::{Batch, Column};
/// let ids = ["C1", "C2"];
/// let segments = [Some("Retail"), None];
/// let batch = Batch::new()
///     .with("customer_id", Column::Text(&ids))
///     .with("segment", Column::Text(&segments));
/// assert_eq!(batch.len(), 2);
/// ```
#[derive(Clone, Default)]
pub struct Batch<'a> {
    names: Vec<String>,
    columns: Vec<Column<'a>>,
}

impl<'a> Batch<'a> {
    /// An empty batch.
    pub fn new() -> Batch<'a> {
        Batch::default()
    }

    /// Adds a column.
    pub fn with(mut self, name: impl Into<String>, column: Column<'a>) -> Batch<'a> {
        self.push(name, column);
        self
    }

    /// Adds a column.
    pub fn push(&mut self, name: impl Into<String>, column: Column<'a>) {
        self.names.push(name.into());
        self.columns.push(column);
    }

    /// Rows (the shortest column's length; [`Batch::check_lengths`] tells when they differ).
    pub fn len(&self) -> usize {
        self.columns.iter().map(Column::len).min().unwrap_or(0)
    }

    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Column names in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The column at `index`.
    pub fn column_at(&self, index: usize) -> Column<'a> {
        self.columns[index]
    }

    /// An error message when columns differ in length.
    pub fn check_lengths(&self) -> Result<(), String> {
        let Some(first) = self.columns.first() else {
            return Ok(());
        };
        for (name, c) in self.names.iter().zip(&self.columns) {
            if c.len() != first.len() {
                return Err(format!(
                    "column {name:?} has {} rows but {:?} has {}",
                    c.len(),
                    self.names[0],
                    first.len()
                ));
            }
        }
        Ok(())
    }
}

/// Renames from the canonical column names of API.md to the caller's column names.
pub type Mapping = HashMap<String, String>;

/// The values of one [`Frame`] column.
#[derive(Clone, Debug, PartialEq)]
pub enum Series {
    /// Text.
    Str(Vec<Option<String>>),
    /// Floats.
    F64(Vec<Option<f64>>),
    /// Integers.
    I64(Vec<Option<i64>>),
    /// Calendar days.
    Day(Vec<Option<Day>>),
    /// Booleans.
    Bool(Vec<Option<bool>>),
    /// Lists of text (for example the signals behind a task).
    StrList(Vec<Vec<String>>),
}

impl Series {
    /// Rows.
    pub fn len(&self) -> usize {
        match self {
            Series::Str(v) => v.len(),
            Series::F64(v) => v.len(),
            Series::I64(v) => v.len(),
            Series::Day(v) => v.len(),
            Series::Bool(v) => v.len(),
            Series::StrList(v) => v.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An owned columnar table: what queries return. Bindings hand it to pandas, polars, Arrow or JS.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frame {
    /// Columns in order.
    pub columns: Vec<(String, Series)>,
}

impl Frame {
    /// An empty frame.
    pub fn new() -> Frame {
        Frame::default()
    }

    /// Adds a column.
    pub fn with(mut self, name: &str, series: Series) -> Frame {
        self.columns.push((name.to_string(), series));
        self
    }

    /// Rows.
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, |(_, s)| s.len())
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Series> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, s)| s)
    }

    /// The text column `name` (`None` when absent or not text).
    pub fn str_column(&self, name: &str) -> Option<&[Option<String>]> {
        match self.column(name)? {
            Series::Str(v) => Some(v),
            _ => None,
        }
    }

    /// The float column `name` (`None` when absent or not float).
    pub fn f64_column(&self, name: &str) -> Option<&[Option<f64>]> {
        match self.column(name)? {
            Series::F64(v) => Some(v),
            _ => None,
        }
    }

    /// The integer column `name` (`None` when absent or not integer).
    pub fn i64_column(&self, name: &str) -> Option<&[Option<i64>]> {
        match self.column(name)? {
            Series::I64(v) => Some(v),
            _ => None,
        }
    }
}

impl Series {
    /// The cell at `row` as display text (empty for a missing value).
    pub fn display(&self, row: usize) -> String {
        fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
            v.as_ref().map_or(String::new(), T::to_string)
        }
        match self {
            Series::Str(v) => v[row].clone().unwrap_or_default(),
            Series::F64(v) => v[row].map_or(String::new(), |x| {
                if x.fract() == 0.0 && x.abs() < 1e15 {
                    format!("{x:.0}")
                } else {
                    format!("{x:.3}")
                }
            }),
            Series::I64(v) => opt(&v[row]),
            Series::Day(v) => opt(&v[row]),
            Series::Bool(v) => opt(&v[row]),
            Series::StrList(v) => v[row].join(", "),
        }
    }
}

/// An aligned text table, for terminals and logs.
impl std::fmt::Display for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cells: Vec<Vec<String>> = self
            .columns
            .iter()
            .map(|(name, s)| {
                std::iter::once(name.clone())
                    .chain((0..s.len()).map(|r| s.display(r)))
                    .collect()
            })
            .collect();
        let widths: Vec<usize> = cells
            .iter()
            .map(|c| c.iter().map(|s| s.chars().count()).max().unwrap_or(0))
            .collect();
        for row in 0..=self.len() {
            let line: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{:>w$}", c[row], w = w))
                .collect();
            writeln!(f, "{}", line.join("  ").trim_end())?;
        }
        Ok(())
    }
}
