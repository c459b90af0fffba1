//! Arrow record batches in and out (the `arrow` feature).
//!
//! Owns: reading Arrow arrays as [`CellColumn`]s ([`ArrowTable`]), the engine's Arrow entry points
//! ([`Engine::ingest_arrow`], [`Engine::ingest_arrow_reader`], [`Engine::ingest_ipc`]), and the
//! way out: [`frame_to_record_batch`], [`frame_to_ipc`], plus [`read_ipc`] for Arrow IPC bytes
//! (stream or file format, as JS `apache-arrow`'s `tableToIPC` writes them). The Python and Node
//! bindings call only these, so they hold no logic of their own.
//!
//! How Arrow types are read (a null is always a missing value):
//!
//! | Arrow type | cell |
//! | --- | --- |
//! | Utf8, LargeUtf8, Utf8View | text |
//! | Int8..Int64, UInt8..UInt64 | integer (UInt64 above `i64::MAX`: float) |
//! | Float16, Float32, Float64, Decimal128/256 | float (Float32 by its shortest decimal form) |
//! | Boolean | boolean |
//! | Date32, Date64 | calendar day |
//! | Timestamp with a time zone | instant, converted to the engine's zone |
//! | Timestamp without a time zone | wall-clock time (its own date) |
//! | Dictionary of any of these (pandas categoricals) | the value's cell |
//! | Null | missing |
//!
//! A column of any other type (lists, structs, binary, durations, ...) is kept in the table but
//! cannot be read: ingesting a table whose schema *uses* it (as a required or optional column,
//! by name or mapping) fails with an [`Error::Schema`] naming the column and its type, before any
//! row is taken. Unused columns of any type are ignored.

use super::{resolve, IngestReport, Schema};
use crate::day::Day;
use crate::engine::{Engine, IngestOptions, TableKind};
use crate::error::{Error, Result};
use crate::model::{CustomerRow, DealRow, OrderLine, ProductRow, RepRow};
use crate::table::{Batch, Cell, CellColumn, Column, Frame, Series};
use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int64Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, LargeStringArray,
    RecordBatch, RecordBatchOptions, RecordBatchReader, StringArray, StringViewArray,
};
use arrow_buffer::{BooleanBuffer, NullBuffer, ScalarBuffer};
use arrow_schema::{ArrowError, DataType, Field, Schema as ArrowSchema, TimeUnit};
use std::sync::Arc;

const MILLIS_PER_DAY: i64 = 86_400_000;

/// Text values of one of Arrow's three string layouts.
#[derive(Debug)]
enum Text {
    Utf8(StringArray),
    Large(LargeStringArray),
    View(StringViewArray),
}

impl Text {
    #[inline]
    fn value(&self, row: usize) -> &str {
        match self {
            Text::Utf8(a) => a.value(row),
            Text::Large(a) => a.value(row),
            Text::View(a) => a.value(row),
        }
    }
}

/// The values of an Arrow column, in the few layouts the engine reads.
#[derive(Debug)]
enum Values {
    /// All missing (Arrow's Null type, or a dictionary without values).
    Null,
    Text(Text),
    Int(ScalarBuffer<i64>),
    UInt(ScalarBuffer<u64>),
    Float(ScalarBuffer<f64>),
    Float32(ScalarBuffer<f32>),
    Bool(BooleanBuffer),
    /// Date32: days since the epoch.
    Days(ScalarBuffer<i32>),
    /// Date64: milliseconds since the epoch.
    DateMillis(ScalarBuffer<i64>),
    /// Timestamps in `per_second` units since the epoch; `zoned` when they are instants (the
    /// Arrow type carries a time zone).
    Timestamp {
        values: ScalarBuffer<i64>,
        per_second: i64,
        zoned: bool,
    },
    /// Dictionary-encoded values (pandas categoricals): a key per row into `values`.
    Dictionary {
        keys: ScalarBuffer<i64>,
        values: Box<ArrowColumn>,
    },
    /// A type the engine cannot read.
    Unsupported(DataType),
}

/// One Arrow array read as cells; see the module docs for how each type becomes a [`Cell`].
#[derive(Debug)]
pub struct ArrowColumn {
    values: Values,
    nulls: Option<NullBuffer>,
    len: usize,
}

impl ArrowColumn {
    /// Reads an Arrow array (the array's buffers are shared, not copied, except that small
    /// integers, half floats and decimals are widened).
    pub fn new(array: &dyn Array) -> ArrowColumn {
        let len = array.len();
        let nulls = array.logical_nulls().filter(|n| n.null_count() > 0);
        let values = match values_of(array) {
            Some(v) => v,
            None => Values::Unsupported(array.data_type().clone()),
        };
        let nulls = match values {
            Values::Null => None,
            _ => nulls,
        };
        ArrowColumn { values, nulls, len }
    }

    /// The Arrow type when the engine cannot read this column, else `None`.
    pub fn unsupported_type(&self) -> Option<&DataType> {
        match &self.values {
            Values::Unsupported(t) => Some(t),
            _ => None,
        }
    }

    /// This column as a [`Column`] of a [`Batch`]: plain slices for null-free floats, integers
    /// and dates (the fast paths of ingest), cell by cell otherwise.
    pub fn column(&self) -> Column<'_> {
        if self.nulls.is_none() {
            match &self.values {
                Values::Float(v) => return Column::Float(v),
                Values::Int(v) => return Column::Int(v),
                Values::Days(v) => return Column::Days(v),
                _ => {}
            }
        }
        Column::Cells(self)
    }
}

fn widened(array: &dyn Array, to: &DataType) -> Option<ArrayRef> {
    arrow_cast::cast(array, to).ok()
}

fn values_of(array: &dyn Array) -> Option<Values> {
    use DataType as T;
    Some(match array.data_type() {
        T::Null => Values::Null,
        T::Utf8 => Values::Text(Text::Utf8(array.as_string::<i32>().clone())),
        T::LargeUtf8 => Values::Text(Text::Large(array.as_string::<i64>().clone())),
        T::Utf8View => Values::Text(Text::View(array.as_string_view().clone())),
        T::Int64 => Values::Int(array.as_primitive::<Int64Type>().values().clone()),
        T::Int8 | T::Int16 | T::Int32 | T::UInt8 | T::UInt16 | T::UInt32 => {
            let wide = widened(array, &T::Int64)?;
            Values::Int(wide.as_primitive::<Int64Type>().values().clone())
        }
        T::UInt64 => Values::UInt(array.as_primitive::<UInt64Type>().values().clone()),
        T::Float64 => Values::Float(array.as_primitive::<Float64Type>().values().clone()),
        T::Float32 => Values::Float32(array.as_primitive::<Float32Type>().values().clone()),
        T::Float16
        | T::Decimal32(..)
        | T::Decimal64(..)
        | T::Decimal128(..)
        | T::Decimal256(..) => {
            let wide = widened(array, &T::Float64)?;
            Values::Float(wide.as_primitive::<Float64Type>().values().clone())
        }
        T::Boolean => Values::Bool(array.as_boolean().values().clone()),
        T::Date32 => Values::Days(array.as_primitive::<Date32Type>().values().clone()),
        T::Date64 => Values::DateMillis(array.as_primitive::<Date64Type>().values().clone()),
        T::Timestamp(unit, zone) => {
            let (values, per_second) = match unit {
                TimeUnit::Second => (
                    array.as_primitive::<TimestampSecondType>().values().clone(),
                    1,
                ),
                TimeUnit::Millisecond => (
                    array
                        .as_primitive::<TimestampMillisecondType>()
                        .values()
                        .clone(),
                    1_000,
                ),
                TimeUnit::Microsecond => (
                    array
                        .as_primitive::<TimestampMicrosecondType>()
                        .values()
                        .clone(),
                    1_000_000,
                ),
                TimeUnit::Nanosecond => (
                    array
                        .as_primitive::<TimestampNanosecondType>()
                        .values()
                        .clone(),
                    1_000_000_000,
                ),
            };
            Values::Timestamp {
                values,
                per_second,
                zoned: zone.is_some(),
            }
        }
        T::Dictionary(_, value_type) => {
            let dictionary = array.as_any_dictionary_opt()?;
            let dictionary_values = dictionary.values();
            if dictionary_values.is_empty() {
                Values::Null
            } else if matches!(**value_type, T::Utf8 | T::LargeUtf8 | T::Utf8View) {
                let keys = widened(dictionary.keys(), &T::Int64)?;
                Values::Dictionary {
                    keys: keys.as_primitive::<Int64Type>().values().clone(),
                    values: Box::new(ArrowColumn::new(dictionary_values.as_ref())),
                }
            } else {
                // Other dictionaries are rare: decode them to their value type.
                let decoded = widened(array, value_type)?;
                values_of(decoded.as_ref())?
            }
        }
        _ => return None,
    })
}

/// Microseconds of `value` in units of `per_second` (floored; saturated on overflow, which the
/// date reader then rejects as out of range).
fn to_micros(value: i64, per_second: i64) -> i64 {
    match per_second {
        1_000_000 => value,
        1_000_000_000 => value.div_euclid(1_000),
        p => value.saturating_mul(1_000_000 / p),
    }
}

/// The shortest decimal form of an f32, as f64 (0.1f32 is 0.1, not 0.10000000149011612).
fn f32_to_f64(x: f32) -> f64 {
    if x.is_finite() {
        x.to_string().parse().unwrap_or(x as f64)
    } else {
        x as f64
    }
}

impl CellColumn for ArrowColumn {
    fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn cell(&self, row: usize) -> Cell<'_> {
        if self.nulls.as_ref().is_some_and(|n| n.is_null(row)) {
            return Cell::Null;
        }
        match &self.values {
            Values::Null | Values::Unsupported(_) => Cell::Null,
            Values::Text(t) => Cell::Text(t.value(row)),
            Values::Int(v) => Cell::Int(v[row]),
            Values::UInt(v) => match i64::try_from(v[row]) {
                Ok(n) => Cell::Int(n),
                Err(_) => Cell::Float(v[row] as f64),
            },
            Values::Float(v) => Cell::Float(v[row]),
            Values::Float32(v) => Cell::Float(f32_to_f64(v[row])),
            Values::Bool(v) => Cell::Bool(v.value(row)),
            Values::Days(v) => Cell::Day(Day(v[row])),
            Values::DateMillis(v) => {
                let day = v[row].div_euclid(MILLIS_PER_DAY);
                Cell::Day(Day(day.clamp(i32::MIN as i64, i32::MAX as i64) as i32))
            }
            Values::Timestamp {
                values,
                per_second,
                zoned,
            } => {
                let micros = to_micros(values[row], *per_second);
                if *zoned {
                    Cell::UtcMicros(micros)
                } else {
                    Cell::LocalMicros(micros)
                }
            }
            Values::Dictionary { keys, values } => match usize::try_from(keys[row]) {
                Ok(k) if k < values.len => values.cell(k),
                _ => Cell::Null,
            },
        }
    }
}

/// The columns of one Arrow `RecordBatch`, ready to be borrowed as a [`Batch`].
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{RecordBatch, StringArray, Float64Array};
/// use salespulse::ingest::arrow::ArrowTable;
/// let rb = RecordBatch::try_from_iter([
///     ("customer_id", Arc::new(StringArray::from(vec!["C1", "C2"])) as _),
///     ("score", Arc::new(Float64Array::from(vec![1.5, 2.5])) as _),
/// ]).unwrap();
/// let table = ArrowTable::new(&rb);
/// assert_eq!(table.batch().len(), 2);
/// ```
#[derive(Debug)]
pub struct ArrowTable {
    names: Vec<String>,
    columns: Vec<ArrowColumn>,
    rows: usize,
}

impl ArrowTable {
    /// Reads a record batch (its buffers are shared, not copied).
    pub fn new(batch: &RecordBatch) -> ArrowTable {
        ArrowTable {
            names: batch
                .schema_ref()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect(),
            columns: batch
                .columns()
                .iter()
                .map(|c| ArrowColumn::new(c.as_ref()))
                .collect(),
            rows: batch.num_rows(),
        }
    }

    /// Rows.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The columns as a [`Batch`] for [`Engine::ingest`]. Columns of unsupported types read as
    /// missing values here: prefer [`Engine::ingest_arrow`], which refuses them when used.
    pub fn batch(&self) -> Batch<'_> {
        let mut batch = Batch::new();
        for (name, column) in self.names.iter().zip(&self.columns) {
            batch.push(name.clone(), column.column());
        }
        batch
    }

    /// `Err(Error::Schema)` when the table `kind`, with this mapping, would read a column whose
    /// Arrow type the engine cannot read (or lacks a required column).
    pub fn check(&self, kind: TableKind, options: &IngestOptions) -> Result<()> {
        if self.columns.iter().all(|c| c.unsupported_type().is_none()) {
            return Ok(());
        }
        let schema = schema_of(kind);
        let batch = self.batch();
        let resolved = resolve(schema, &batch, options.mapping.as_ref())?;
        for (canonical, column) in schema.all().zip(resolved) {
            let Some(Column::Cells(cells)) = column else {
                continue;
            };
            let address = cells as *const dyn CellColumn as *const ();
            let found = self
                .columns
                .iter()
                .position(|c| std::ptr::eq(c as *const ArrowColumn as *const (), address));
            if let Some(i) = found {
                if let Some(data_type) = self.columns[i].unsupported_type() {
                    return Err(Error::Schema(format!(
                        "column {:?} (read as {canonical:?} of the {} table) has the Arrow type \
                         {data_type}, which salespulse cannot read; convert it to text, a number \
                         or a date",
                        self.names[i], schema.table
                    )));
                }
            }
        }
        Ok(())
    }
}

fn schema_of(kind: TableKind) -> &'static Schema {
    match kind {
        TableKind::Orders => &super::orders::ORDERS,
        TableKind::Customers => &super::masters::CUSTOMERS,
        TableKind::Reps => &super::masters::REPS,
        TableKind::Products => &super::masters::PRODUCTS,
        TableKind::Deals => &super::deals::DEALS,
    }
}

fn arrow_error(context: &str, e: ArrowError) -> Error {
    Error::InvalidArgument(format!("{context}: {e}"))
}

fn shifted(mut report: IngestReport, offset: usize) -> IngestReport {
    if offset > 0 {
        for r in &mut report.rejected {
            r.row += offset;
        }
    }
    report
}

impl Engine {
    /// Ingests a table given as Arrow record batches, in order. Row indexes of rejections count
    /// across all batches (the first row of the second batch follows the last of the first).
    ///
    /// Every batch is checked (required columns, readable types) before any row is taken, so a
    /// schema error changes nothing. No batches: an empty report.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use arrow_array::{RecordBatch, StringArray};
    /// use salespulse::{Config, Engine, IngestOptions, TableKind};
    /// let rb = RecordBatch::try_from_iter([
    ///     ("customer_id", Arc::new(StringArray::from(vec!["C1", "C2"])) as _),
    ///     ("segment", Arc::new(StringArray::from(vec![Some("Retail"), None])) as _),
    /// ]).unwrap();
    /// let mut engine = Engine::new(Config::default()).unwrap();
    /// let report = engine.ingest_arrow(TableKind::Customers, &[rb], &IngestOptions::default()).unwrap();
    /// assert_eq!(report.accepted, 2);
    /// ```
    pub fn ingest_arrow(
        &mut self,
        kind: TableKind,
        batches: &[RecordBatch],
        options: &IngestOptions,
    ) -> Result<IngestReport> {
        let tables: Vec<ArrowTable> = batches.iter().map(ArrowTable::new).collect();
        for table in &tables {
            table.check(kind, options)?;
            // Resolves the columns (missing, ambiguous, mapping) without taking a row.
            resolve(schema_of(kind), &table.batch(), options.mapping.as_ref())?;
        }
        let mut report = IngestReport::default();
        let mut offset = 0;
        for table in &tables {
            let part = self.ingest(kind, &table.batch(), options)?;
            report.absorb(shifted(part, offset));
            offset += table.len();
        }
        Ok(report)
    }

    /// Ingests a stream of record batches as they come (bounded memory for long streams): the
    /// Arrow C stream of a pandas, polars or pyarrow table in the Python binding.
    ///
    /// The stream's schema is checked before its first batch is read, so a missing column or an
    /// unreadable type changes nothing. If the stream itself fails midway, the batches read
    /// before stay ingested and the error says how many rows that was; ingest is idempotent, so
    /// the whole stream can be ingested again.
    pub fn ingest_arrow_reader<R: RecordBatchReader + ?Sized>(
        &mut self,
        kind: TableKind,
        reader: &mut R,
        options: &IngestOptions,
    ) -> Result<IngestReport> {
        let empty = RecordBatch::new_empty(reader.schema());
        self.ingest_arrow(kind, &[empty], options)?;
        let mut report = IngestReport::default();
        let mut offset = 0;
        for batch in reader {
            let batch = batch.map_err(|e| {
                arrow_error(
                    &format!(
                        "reading the {} table's Arrow stream failed after {offset} rows \
                         (those were ingested)",
                        kind.name()
                    ),
                    e,
                )
            })?;
            let table = ArrowTable::new(&batch);
            let part = self.ingest(kind, &table.batch(), options)?;
            report.absorb(shifted(part, offset));
            offset += table.len();
        }
        Ok(report)
    }

    /// Ingests Arrow IPC bytes (stream or file format; see [`read_ipc`]). A stream without
    /// batches is still checked against the table's schema.
    pub fn ingest_ipc(
        &mut self,
        kind: TableKind,
        bytes: &[u8],
        options: &IngestOptions,
    ) -> Result<IngestReport> {
        let batches = read_ipc(bytes)?;
        self.ingest_arrow(kind, &batches, options)
    }
}

/// The record batches of Arrow IPC bytes, in the stream format (JS `tableToIPC(table)`) or the
/// file format (`tableToIPC(table, "file")`, `.arrow` files). A stream with no batches gives one
/// empty batch with the stream's schema, so its columns can still be checked. Bytes that are not
/// Arrow IPC give an [`Error::InvalidArgument`].
pub fn read_ipc(bytes: &[u8]) -> Result<Vec<RecordBatch>> {
    // The IPC decoders validate what they read, but malformed input has made them panic in the
    // past: such bytes must give an error, not take the host process down.
    let read = std::panic::catch_unwind(|| read_ipc_unguarded(bytes));
    match read {
        Ok(result) => result,
        Err(_) => Err(Error::InvalidArgument(
            "the bytes are not valid Arrow IPC data (the decoder gave up)".into(),
        )),
    }
}

fn read_ipc_unguarded(bytes: &[u8]) -> Result<Vec<RecordBatch>> {
    use arrow_ipc::reader::{FileReader, StreamReader};
    let context = "the bytes are not valid Arrow IPC data (stream or file format)";
    if bytes.is_empty() {
        return Err(Error::InvalidArgument(format!("{context}: they are empty")));
    }
    let cursor = std::io::Cursor::new(bytes);
    let (schema, batches) = if bytes.starts_with(b"ARROW1") {
        let reader = FileReader::try_new(cursor, None).map_err(|e| arrow_error(context, e))?;
        let schema = reader.schema();
        let batches = reader
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| arrow_error(context, e))?;
        (schema, batches)
    } else {
        let reader = StreamReader::try_new(cursor, None).map_err(|e| arrow_error(context, e))?;
        let schema = reader.schema();
        let batches = reader
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| arrow_error(context, e))?;
        (schema, batches)
    };
    if batches.is_empty() {
        return Ok(vec![RecordBatch::new_empty(schema)]);
    }
    Ok(batches)
}

/// The Arrow type of a [`Series`]: Str -> Utf8, F64 -> Float64, I64 -> Int64, Day -> Date32,
/// Bool -> Boolean, StrList -> List<Utf8>.
pub fn series_data_type(series: &Series) -> DataType {
    match series {
        Series::Str(_) => DataType::Utf8,
        Series::F64(_) => DataType::Float64,
        Series::I64(_) => DataType::Int64,
        Series::Day(_) => DataType::Date32,
        Series::Bool(_) => DataType::Boolean,
        Series::StrList(_) => DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true))),
    }
}

fn series_array(series: &Series) -> ArrayRef {
    match series {
        Series::Str(v) => Arc::new(v.iter().map(|s| s.as_deref()).collect::<StringArray>()),
        Series::F64(v) => Arc::new(v.iter().copied().collect::<Float64Array>()),
        Series::I64(v) => Arc::new(v.iter().copied().collect::<Int64Array>()),
        Series::Day(v) => Arc::new(v.iter().map(|d| d.map(|d| d.0)).collect::<Date32Array>()),
        Series::Bool(v) => Arc::new(v.iter().copied().collect::<BooleanArray>()),
        Series::StrList(v) => {
            let items: usize = v
                .iter()
                .map(|l| l.iter().map(String::len).sum::<usize>())
                .sum();
            let mut builder = ListBuilder::with_capacity(
                StringBuilder::with_capacity(v.iter().map(Vec::len).sum(), items),
                v.len(),
            );
            for list in v {
                for s in list {
                    builder.values().append_value(s);
                }
                builder.append(true);
            }
            Arc::new(builder.finish())
        }
    }
}

/// A [`Frame`] as an Arrow record batch (column types as in [`series_data_type`]; every column
/// nullable). Columns of different lengths give an [`Error::InvalidArgument`].
pub fn frame_to_record_batch(frame: &Frame) -> Result<RecordBatch> {
    let fields: Vec<Field> = frame
        .columns
        .iter()
        .map(|(name, s)| Field::new(name, series_data_type(s), true))
        .collect();
    let arrays: Vec<ArrayRef> = frame.columns.iter().map(|(_, s)| series_array(s)).collect();
    RecordBatch::try_new_with_options(
        Arc::new(ArrowSchema::new(fields)),
        arrays,
        &RecordBatchOptions::new().with_row_count(Some(frame.len())),
    )
    .map_err(|e| arrow_error("the table cannot be made an Arrow record batch", e))
}

/// A [`Frame`] as Arrow IPC bytes in the stream format (what JS `tableFromIPC` and pyarrow's
/// `ipc.open_stream` read).
pub fn frame_to_ipc(frame: &Frame) -> Result<Vec<u8>> {
    record_batches_to_ipc(&[frame_to_record_batch(frame)?])
}

/// Record batches (of one schema) as Arrow IPC bytes in the stream format.
pub fn record_batches_to_ipc(batches: &[RecordBatch]) -> Result<Vec<u8>> {
    let Some(first) = batches.first() else {
        return Err(Error::InvalidArgument(
            "no record batches to write (an IPC stream needs a schema)".into(),
        ));
    };
    let context = "writing Arrow IPC failed";
    let mut out = Vec::new();
    let mut writer = arrow_ipc::writer::StreamWriter::try_new(&mut out, first.schema_ref())
        .map_err(|e| arrow_error(context, e))?;
    for batch in batches {
        writer.write(batch).map_err(|e| arrow_error(context, e))?;
    }
    writer.finish().map_err(|e| arrow_error(context, e))?;
    drop(writer);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Typed rows as frames: the synthetic distributor's tables leave the engine through these, so
// every binding gets the same columns (those of API.md, in its order) and the same types.

fn strs<T>(rows: &[T], get: impl Fn(&T) -> Option<&str>) -> Series {
    Series::Str(rows.iter().map(|r| get(r).map(str::to_string)).collect())
}

fn days<T>(rows: &[T], get: impl Fn(&T) -> Option<chrono::NaiveDate>) -> Series {
    Series::Day(rows.iter().map(|r| get(r).map(Day::from_date)).collect())
}

fn floats<T>(rows: &[T], get: impl Fn(&T) -> Option<f64>) -> Series {
    Series::F64(rows.iter().map(get).collect())
}

/// Order lines as a frame: order_id, line_no, customer_id, product_id, date, quantity,
/// net_amount, list_amount, rep_id, currency.
pub fn order_lines_frame(rows: &[OrderLine]) -> Frame {
    Frame::new()
        .with("order_id", strs(rows, |r| Some(&r.order_id)))
        .with(
            "line_no",
            Series::I64(rows.iter().map(|r| r.line_no).collect()),
        )
        .with("customer_id", strs(rows, |r| Some(&r.customer_id)))
        .with("product_id", strs(rows, |r| Some(&r.product_id)))
        .with("date", days(rows, |r| Some(r.date)))
        .with("quantity", floats(rows, |r| Some(r.quantity)))
        .with("net_amount", floats(rows, |r| Some(r.net_amount)))
        .with("list_amount", floats(rows, |r| r.list_amount))
        .with("rep_id", strs(rows, |r| r.rep_id.as_deref()))
        .with("currency", strs(rows, |r| r.currency.as_deref()))
}

/// Customers as a frame: customer_id, rep_id, segment, region, name.
pub fn customers_frame(rows: &[CustomerRow]) -> Frame {
    Frame::new()
        .with("customer_id", strs(rows, |r| Some(&r.customer_id)))
        .with("rep_id", strs(rows, |r| r.rep_id.as_deref()))
        .with("segment", strs(rows, |r| r.segment.as_deref()))
        .with("region", strs(rows, |r| r.region.as_deref()))
        .with("name", strs(rows, |r| r.name.as_deref()))
}

/// Reps as a frame: rep_id, manager_id, name, email, locale.
pub fn reps_frame(rows: &[RepRow]) -> Frame {
    Frame::new()
        .with("rep_id", strs(rows, |r| Some(&r.rep_id)))
        .with("manager_id", strs(rows, |r| r.manager_id.as_deref()))
        .with("name", strs(rows, |r| r.name.as_deref()))
        .with("email", strs(rows, |r| r.email.as_deref()))
        .with("locale", strs(rows, |r| r.locale.as_deref()))
}

/// Products as a frame: product_id, family, list_price, name.
pub fn products_frame(rows: &[ProductRow]) -> Frame {
    Frame::new()
        .with("product_id", strs(rows, |r| Some(&r.product_id)))
        .with("family", strs(rows, |r| r.family.as_deref()))
        .with("list_price", floats(rows, |r| r.list_price))
        .with("name", strs(rows, |r| r.name.as_deref()))
}

/// Deals as a frame: deal_id, customer_id, stage, stage_entered, rep_id, product_id, amount,
/// created, closed, outcome.
pub fn deals_frame(rows: &[DealRow]) -> Frame {
    Frame::new()
        .with("deal_id", strs(rows, |r| Some(&r.deal_id)))
        .with("customer_id", strs(rows, |r| Some(&r.customer_id)))
        .with("stage", strs(rows, |r| Some(&r.stage)))
        .with("stage_entered", days(rows, |r| Some(r.stage_entered)))
        .with("rep_id", strs(rows, |r| r.rep_id.as_deref()))
        .with("product_id", strs(rows, |r| r.product_id.as_deref()))
        .with("amount", floats(rows, |r| r.amount))
        .with("created", days(rows, |r| r.created))
        .with("closed", days(rows, |r| r.closed))
        .with("outcome", strs(rows, |r| r.outcome.map(|o| o.as_str())))
}

/// Planted events of the synthetic distributor as a frame: kind, customer_id, product_id,
/// segment, rep_id, deal_id, start, due, effect.
pub fn labels_frame(rows: &[crate::synth::Label]) -> Frame {
    Frame::new()
        .with("kind", strs(rows, |r| Some(r.kind)))
        .with("customer_id", strs(rows, |r| r.customer_id.as_deref()))
        .with("product_id", strs(rows, |r| r.product_id.as_deref()))
        .with("segment", strs(rows, |r| r.segment.as_deref()))
        .with("rep_id", strs(rows, |r| r.rep_id.as_deref()))
        .with("deal_id", strs(rows, |r| r.deal_id.as_deref()))
        .with("start", days(rows, |r| Some(r.start)))
        .with("due", days(rows, |r| r.due))
        .with("effect", floats(rows, |r| r.effect))
}

/// The tables of a synthetic distributor as named frames, in the order of API.md: orders,
/// customers, reps, products, deals, labels. The bindings' `synth.distributor` returns these.
pub fn distributor_frames(data: &crate::synth::Distributor) -> Vec<(&'static str, Frame)> {
    vec![
        ("orders", order_lines_frame(&data.orders)),
        ("customers", customers_frame(&data.customers)),
        ("reps", reps_frame(&data.reps)),
        ("products", products_frame(&data.products)),
        ("deals", deals_frame(&data.deals)),
        ("labels", labels_frame(&data.labels)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use arrow_array::builder::StringDictionaryBuilder;
    use arrow_array::types::Int8Type;
    use arrow_array::{
        Date64Array, DictionaryArray, Float32Array, Int16Array, Int32Array, Int8Array, NullArray,
        TimestampMicrosecondArray, TimestampMillisecondArray, TimestampNanosecondArray,
        TimestampSecondArray, UInt32Array, UInt64Array, UInt8Array,
    };
    use arrow_array::{Decimal128Array, ListArray};

    fn day(text: &str) -> Day {
        Day::from_date(chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap())
    }

    fn cells(array: ArrayRef) -> Vec<String> {
        let column = ArrowColumn::new(array.as_ref());
        (0..column.len())
            .map(|i| format!("{:?}", column.column().cell(i)))
            .collect()
    }

    fn orders(rows: usize, offset: usize) -> RecordBatch {
        let ids = |p: &str| -> ArrayRef {
            Arc::new(StringArray::from_iter_values(
                (offset..offset + rows).map(|i| format!("{p}{i}")),
            ))
        };
        RecordBatch::try_from_iter([
            ("order_id", ids("SO-")),
            ("customer_id", ids("C")),
            ("product_id", ids("P")),
            (
                "date",
                Arc::new(Date32Array::from(vec![day("2024-03-01").0; rows])) as _,
            ),
            (
                "quantity",
                Arc::new(Float64Array::from(vec![1.0; rows])) as _,
            ),
            (
                "net_amount",
                Arc::new(Float64Array::from(vec![9.5; rows])) as _,
            ),
        ])
        .unwrap()
    }

    fn engine() -> Engine {
        Engine::new(Config::default()).unwrap()
    }

    #[test]
    fn text_layouts_read_as_text_and_nulls_as_null() {
        let utf8: ArrayRef = Arc::new(StringArray::from(vec![Some("a"), None]));
        let large: ArrayRef = Arc::new(LargeStringArray::from(vec![Some("b"), None]));
        let view: ArrayRef = Arc::new(StringViewArray::from(vec![
            Some("a string longer than twelve bytes"),
            None,
        ]));
        assert_eq!(cells(utf8), ["Text(\"a\")", "Null"]);
        assert_eq!(cells(large), ["Text(\"b\")", "Null"]);
        assert_eq!(
            cells(view),
            ["Text(\"a string longer than twelve bytes\")", "Null"]
        );
        assert_eq!(cells(Arc::new(NullArray::new(2))), ["Null", "Null"]);
    }

    #[test]
    fn every_integer_width_reads_as_an_integer() {
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(Int8Array::from(vec![Some(-3), None])),
            Arc::new(Int16Array::from(vec![Some(-3), None])),
            Arc::new(Int32Array::from(vec![Some(-3), None])),
            Arc::new(Int64Array::from(vec![Some(-3), None])),
        ];
        for a in arrays {
            assert_eq!(cells(a), ["Int(-3)", "Null"]);
        }
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(UInt8Array::from(vec![Some(7), None])),
            Arc::new(UInt32Array::from(vec![Some(7), None])),
            Arc::new(UInt64Array::from(vec![Some(7), None])),
        ];
        for a in arrays {
            assert_eq!(cells(a), ["Int(7)", "Null"]);
        }
        let huge = UInt64Array::from(vec![u64::MAX]);
        assert_eq!(
            ArrowColumn::new(&huge).cell(0),
            Cell::Float(u64::MAX as f64)
        );
        // Null-free Int64 takes the slice fast path.
        let plain = Int64Array::from(vec![1, 2]);
        assert!(matches!(
            ArrowColumn::new(&plain).column(),
            Column::Int(&[1, 2])
        ));
    }

    #[test]
    fn floats_booleans_and_decimals() {
        let f64s: ArrayRef = Arc::new(Float64Array::from(vec![Some(2.5), None, Some(f64::NAN)]));
        assert_eq!(cells(f64s), ["Float(2.5)", "Null", "Float(NaN)"]);
        let f32s: ArrayRef = Arc::new(Float32Array::from(vec![Some(0.1f32), None]));
        assert_eq!(cells(f32s), ["Float(0.1)", "Null"]);
        let bools: ArrayRef = Arc::new(BooleanArray::from(vec![Some(true), None, Some(false)]));
        assert_eq!(cells(bools), ["Bool(true)", "Null", "Bool(false)"]);
        let decimals: ArrayRef = Arc::new(
            Decimal128Array::from(vec![Some(1250), None])
                .with_precision_and_scale(10, 2)
                .unwrap(),
        );
        assert_eq!(cells(decimals), ["Float(12.5)", "Null"]);
        let plain = Float64Array::from(vec![1.0]);
        assert!(matches!(
            ArrowColumn::new(&plain).column(),
            Column::Float(&[1.0])
        ));
    }

    #[test]
    fn dates_read_as_days() {
        let d = day("2024-03-05");
        let date32: ArrayRef = Arc::new(Date32Array::from(vec![Some(d.0), None]));
        assert_eq!(cells(date32), [format!("Day({d:?})"), "Null".into()]);
        let ms = d.0 as i64 * MILLIS_PER_DAY + 3_600_000;
        let date64: ArrayRef = Arc::new(Date64Array::from(vec![Some(ms), None]));
        assert_eq!(cells(date64), [format!("Day({d:?})"), "Null".into()]);
        let before_epoch = Date64Array::from(vec![-1]);
        assert_eq!(
            ArrowColumn::new(&before_epoch).cell(0),
            Cell::Day(day("1969-12-31"))
        );
    }

    #[test]
    fn timestamps_of_every_unit_with_and_without_zones() {
        let us = 1_709_681_400_000_000i64; // 2024-03-05T23:30:00Z
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(TimestampSecondArray::from(vec![Some(us / 1_000_000), None])),
            Arc::new(TimestampMillisecondArray::from(vec![
                Some(us / 1_000),
                None,
            ])),
            Arc::new(TimestampMicrosecondArray::from(vec![Some(us), None])),
            Arc::new(TimestampNanosecondArray::from(vec![Some(us * 1_000), None])),
        ];
        for a in &arrays {
            assert_eq!(
                cells(a.clone()),
                [format!("LocalMicros({us})"), "Null".into()]
            );
            let data = a.to_data();
            let DataType::Timestamp(unit, None) = data.data_type() else {
                unreachable!()
            };
            let zoned = DataType::Timestamp(*unit, Some("Asia/Jerusalem".into()));
            let zoned =
                arrow_array::make_array(data.into_builder().data_type(zoned).build().unwrap());
            assert_eq!(cells(zoned), [format!("UtcMicros({us})"), "Null".into()]);
        }
        // Nanoseconds before the epoch floor to the earlier microsecond.
        let ns = TimestampNanosecondArray::from(vec![-1]);
        assert_eq!(ArrowColumn::new(&ns).cell(0), Cell::LocalMicros(-1));
    }

    #[test]
    fn zoned_timestamps_take_the_date_in_the_engine_zone() {
        let us = 1_709_681_400_000_000i64; // 2024-03-05T23:30:00Z, 01:30 next day in Jerusalem
        let make = |zone: Option<&str>| -> ArrayRef {
            Arc::new(
                TimestampMicrosecondArray::from(vec![us]).with_timezone_opt(zone.map(Arc::from)),
            )
        };
        let orders = |date: ArrayRef| {
            RecordBatch::try_from_iter([
                (
                    "order_id",
                    Arc::new(StringArray::from(vec!["SO-1"])) as ArrayRef,
                ),
                ("customer_id", Arc::new(StringArray::from(vec!["C1"])) as _),
                ("product_id", Arc::new(StringArray::from(vec!["P1"])) as _),
                ("date", date),
                ("quantity", Arc::new(Float64Array::from(vec![1.0])) as _),
                ("net_amount", Arc::new(Float64Array::from(vec![2.0])) as _),
            ])
            .unwrap()
        };
        let config = Config::default().with_timezone("Asia/Jerusalem").unwrap();
        let last_day = |date: ArrayRef| {
            let mut e = Engine::new(config.clone()).unwrap();
            let r = e
                .ingest_arrow(
                    TableKind::Orders,
                    &[orders(date)],
                    &IngestOptions::default(),
                )
                .unwrap();
            assert_eq!(r.accepted, 1, "{r}");
            e.state().customers[0].totals.last_day.unwrap()
        };
        assert_eq!(last_day(make(Some("UTC"))), day("2024-03-06"));
        assert_eq!(last_day(make(Some("America/New_York"))), day("2024-03-06"));
        // Without a zone the wall-clock date is taken as it is.
        assert_eq!(last_day(make(None)), day("2024-03-05"));
    }

    #[test]
    fn dictionaries_read_their_values() {
        let mut builder = StringDictionaryBuilder::<Int8Type>::new();
        builder.append_value("Retail");
        builder.append_null();
        builder.append_value("Horeca");
        builder.append_value("Retail");
        let dict: ArrayRef = Arc::new(builder.finish());
        assert_eq!(
            cells(dict),
            [
                "Text(\"Retail\")",
                "Null",
                "Text(\"Horeca\")",
                "Text(\"Retail\")"
            ]
        );
        // A null inside the dictionary's values is a null too.
        let values = StringArray::from(vec![Some("x"), None]);
        let keys = Int32Array::from(vec![0, 1]);
        let dict = DictionaryArray::try_new(keys, Arc::new(values)).unwrap();
        assert_eq!(cells(Arc::new(dict)), ["Text(\"x\")", "Null"]);
        // A dictionary of numbers reads its numbers; an all-null one with no values reads nulls.
        let keys = Int8Array::from(vec![0, 0]);
        let dict = DictionaryArray::try_new(keys, Arc::new(Float64Array::from(vec![4.5])));
        assert_eq!(cells(Arc::new(dict.unwrap())), ["Float(4.5)", "Float(4.5)"]);
        let keys = Int8Array::from(vec![None, None]);
        let dict = DictionaryArray::try_new(keys, Arc::new(StringArray::from(Vec::<&str>::new())));
        assert_eq!(cells(Arc::new(dict.unwrap())), ["Null", "Null"]);
    }

    #[test]
    fn customers_from_a_categorical_segment() {
        let mut segments = StringDictionaryBuilder::<Int8Type>::new();
        segments.append_value("Retail");
        segments.append_null();
        let rb = RecordBatch::try_from_iter([
            (
                "Customer ID",
                Arc::new(Int64Array::from(vec![101, 102])) as ArrayRef,
            ),
            ("segment", Arc::new(segments.finish()) as _),
        ])
        .unwrap();
        let mut e = engine();
        let r = e
            .ingest_arrow(TableKind::Customers, &[rb], &IngestOptions::default())
            .unwrap();
        assert_eq!(r.accepted, 2, "{r}");
        assert_eq!(e.stats().customers, 2);
    }

    #[test]
    fn rejection_rows_count_across_batches() {
        let mut bad = orders(3, 3);
        // Make row 1 of the second batch (row 4 overall) a bad line: NaN quantity.
        let quantity: ArrayRef = Arc::new(Float64Array::from(vec![1.0, f64::NAN, 1.0]));
        let mut columns = bad.columns().to_vec();
        columns[4] = quantity;
        bad = RecordBatch::try_new(bad.schema(), columns).unwrap();
        let mut e = engine();
        let r = e
            .ingest_arrow(
                TableKind::Orders,
                &[orders(3, 0), bad],
                &IngestOptions::default(),
            )
            .unwrap();
        assert_eq!(r.accepted, 5, "{r}");
        assert_eq!(r.rejected.len(), 1);
        assert_eq!(
            (r.rejected[0].row, r.rejected[0].column.as_str()),
            (4, "quantity")
        );
        // Again, through a reader: same report, all duplicates now.
        let batches = vec![orders(3, 0), orders(3, 3)];
        let schema = batches[0].schema();
        let mut reader = arrow_array::RecordBatchIterator::new(batches.into_iter().map(Ok), schema);
        let r = e
            .ingest_arrow_reader(TableKind::Orders, &mut reader, &IngestOptions::default())
            .unwrap();
        assert_eq!((r.accepted, r.duplicates), (1, 5), "{r}");
    }

    #[test]
    fn sliced_batches_read_their_own_rows() {
        let whole = orders(6, 0);
        let mut columns = whole.columns().to_vec();
        columns[3] = Arc::new(
            TimestampNanosecondArray::from(vec![Some(0), None, Some(0), Some(0), None, Some(0)])
                .with_timezone("UTC"),
        );
        let whole = RecordBatch::try_from_iter_with_nullable(
            whole
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .zip(columns)
                .map(|(n, c)| (n, c, true)),
        )
        .unwrap();
        let (a, b) = (whole.slice(0, 3), whole.slice(3, 3));
        let table = ArrowTable::new(&b);
        assert_eq!(table.batch().column_at(0).cell(0), Cell::Text("SO-3"));
        let mut e = engine();
        let r = e
            .ingest_arrow(TableKind::Orders, &[a, b], &IngestOptions::default())
            .unwrap();
        assert_eq!(r.accepted, 4, "{r}");
        let rows: Vec<usize> = r.rejected.iter().map(|r| r.row).collect();
        assert_eq!(rows, [1, 4]);
    }

    #[test]
    fn nulls_in_required_columns_are_rejected_and_good_rows_kept() {
        let rb = orders(2, 0);
        let mut columns = rb.columns().to_vec();
        columns[1] = Arc::new(StringArray::from(vec![Some("C1"), None]));
        let rb = RecordBatch::try_from_iter_with_nullable(
            rb.schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .zip(columns)
                .map(|(n, c)| (n, c, true)),
        )
        .unwrap();
        let mut e = engine();
        let r = e
            .ingest_arrow(TableKind::Orders, &[rb], &IngestOptions::default())
            .unwrap();
        assert_eq!(r.accepted, 1);
        assert_eq!(r.rejected[0].row, 1);
        assert_eq!(r.rejected[0].column, "customer_id");
    }

    #[test]
    fn missing_and_unreadable_columns_are_schema_errors_that_change_nothing() {
        let good = orders(2, 0);
        let without_date = good.project(&[0, 1, 2, 4, 5]).unwrap();
        let mut e = engine();
        let err = e
            .ingest_arrow(
                TableKind::Orders,
                &[good.clone(), without_date.clone()],
                &IngestOptions::default(),
            )
            .unwrap_err();
        assert_eq!(err.code(), "SchemaError");
        assert!(err.to_string().contains("\"date\""), "{err}");
        assert_eq!(e.stats().lines, 0);
        let mut reader = arrow_array::RecordBatchIterator::new(
            vec![Ok(without_date.clone())],
            without_date.schema(),
        );
        let err = e
            .ingest_arrow_reader(TableKind::Orders, &mut reader, &IngestOptions::default())
            .unwrap_err();
        assert!(err.to_string().contains("\"date\""), "{err}");

        // A list column where the date should be: named with its type.
        let lists: ArrayRef = Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
            Some(vec![Some(1)]),
            None,
        ]));
        let mut columns = good.columns().to_vec();
        columns[3] = lists.clone();
        let fields: Vec<Field> = good
            .schema()
            .fields()
            .iter()
            .zip(&columns)
            .map(|(f, c)| Field::new(f.name(), c.data_type().clone(), true))
            .collect();
        let with_list = RecordBatch::try_new(Arc::new(ArrowSchema::new(fields)), columns).unwrap();
        let err = e
            .ingest_arrow(TableKind::Orders, &[with_list], &IngestOptions::default())
            .unwrap_err();
        assert_eq!(err.code(), "SchemaError");
        assert!(
            err.to_string().contains("\"date\"") && err.to_string().contains("List"),
            "{err}"
        );
        // The same column under a name the table does not use is ignored.
        let extra = RecordBatch::try_from_iter(
            good.schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .zip(good.columns().iter().cloned())
                .chain([("tags".to_string(), lists)]),
        )
        .unwrap();
        let r = e
            .ingest_arrow(TableKind::Orders, &[extra], &IngestOptions::default())
            .unwrap();
        assert_eq!(r.accepted, 2, "{r}");
    }

    use arrow_array::types::Int32Type;

    #[test]
    fn mapping_renames_arrow_columns() {
        let rb = RecordBatch::try_from_iter([
            ("Kunde", Arc::new(StringArray::from(vec!["K1"])) as ArrayRef),
            ("Region", Arc::new(StringArray::from(vec!["Nord"])) as _),
        ])
        .unwrap();
        let mut e = engine();
        let options = IngestOptions::default().map("customer_id", "Kunde");
        let r = e
            .ingest_arrow(TableKind::Customers, &[rb], &options)
            .unwrap();
        assert_eq!(r.accepted, 1);
    }

    fn sample_frame() -> Frame {
        Frame::new()
            .with("customer_id", Series::Str(vec![Some("C1".into()), None]))
            .with("score", Series::F64(vec![Some(0.5), None]))
            .with("n", Series::I64(vec![Some(3), None]))
            .with("day", Series::Day(vec![Some(day("2024-03-05")), None]))
            .with("flag", Series::Bool(vec![Some(true), None]))
            .with(
                "signals",
                Series::StrList(vec![vec!["a".into(), "b".into()], vec![]]),
            )
    }

    #[test]
    fn frames_become_record_batches_with_their_types() {
        let rb = frame_to_record_batch(&sample_frame()).unwrap();
        assert_eq!(rb.num_rows(), 2);
        let types: Vec<String> = rb
            .schema()
            .fields()
            .iter()
            .map(|f| f.data_type().to_string())
            .collect();
        assert_eq!(
            types[..5],
            ["Utf8", "Float64", "Int64", "Date32", "Boolean"]
        );
        assert!(types[5].starts_with("List("), "{}", types[5]);
        let days = rb.column(3).as_primitive::<Date32Type>();
        assert_eq!(days.value(0), day("2024-03-05").0);
        assert!(days.is_null(1));
        let lists = rb.column(5).as_list::<i32>();
        assert_eq!(lists.value(0).len(), 2);
        assert_eq!(lists.value(1).len(), 0);
        // An empty frame is an empty batch.
        assert_eq!(frame_to_record_batch(&Frame::new()).unwrap().num_rows(), 0);
        let ragged = Frame::new()
            .with("a", Series::I64(vec![Some(1)]))
            .with("b", Series::I64(vec![]));
        assert_eq!(
            frame_to_record_batch(&ragged).unwrap_err().code(),
            "InvalidArgumentError"
        );
    }

    #[test]
    fn ipc_round_trips_in_stream_and_file_format() {
        let frame = sample_frame();
        let bytes = frame_to_ipc(&frame).unwrap();
        let batches = read_ipc(&bytes).unwrap();
        assert_eq!(batches.len(), 1);
        assert_eq!(batches[0], frame_to_record_batch(&frame).unwrap());

        let rb = orders(4, 0);
        let mut file = Vec::new();
        let mut writer = arrow_ipc::writer::FileWriter::try_new(&mut file, &rb.schema()).unwrap();
        writer.write(&rb).unwrap();
        writer.write(&orders(2, 4)).unwrap();
        writer.finish().unwrap();
        drop(writer);
        let batches = read_ipc(&file).unwrap();
        assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), 6);
        let mut e = engine();
        let r = e
            .ingest_ipc(TableKind::Orders, &file, &IngestOptions::default())
            .unwrap();
        assert_eq!(r.accepted, 6);
        // A stream with a schema and no batches is still checked.
        let empty = record_batches_to_ipc(&[RecordBatch::new_empty(
            rb.project(&[0, 1]).unwrap().schema(),
        )])
        .unwrap();
        let err = e
            .ingest_ipc(TableKind::Orders, &empty, &IngestOptions::default())
            .unwrap_err();
        assert_eq!(err.code(), "SchemaError");
    }

    #[test]
    fn garbage_ipc_bytes_are_an_error_not_a_panic() {
        let bytes = frame_to_ipc(&sample_frame()).unwrap();
        for bad in [
            &b""[..],
            &b"hello"[..],
            &b"ARROW1\0\0garbage"[..],
            &bytes[..bytes.len() / 2],
            &bytes[8..],
        ] {
            let err = read_ipc(bad).unwrap_err();
            assert_eq!(err.code(), "InvalidArgumentError", "{err}");
        }
    }

    #[test]
    fn typed_rows_become_frames_that_ingest_back() {
        let d = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        let lines = vec![
            OrderLine::new("SO-1", "C1", "P1", d, 2.0, 19.8),
            OrderLine::new("SO-2", "C2", "P1", d, 1.0, 9.9),
        ];
        let rb = frame_to_record_batch(&order_lines_frame(&lines)).unwrap();
        let mut e = engine();
        let r = e
            .ingest_arrow(TableKind::Orders, &[rb], &IngestOptions::default())
            .unwrap();
        assert_eq!((r.accepted, r.rejected.len()), (2, 0), "{r}");
        let customers = customers_frame(&[CustomerRow {
            customer_id: "C1".into(),
            segment: Some("Retail".into()),
            ..Default::default()
        }]);
        assert_eq!(
            customers.str_column("segment").unwrap()[0].as_deref(),
            Some("Retail")
        );
        assert_eq!(reps_frame(&[]).columns.len(), 5);
        assert_eq!(products_frame(&[]).columns.len(), 4);
        assert_eq!(deals_frame(&[]).columns.len(), 10);
    }

    #[test]
    fn a_synthetic_distributor_goes_out_and_back_in_through_arrow() {
        let data = crate::synth::distributor(30, 1, 5);
        let frames = distributor_frames(&data);
        let names: Vec<&str> = frames.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            ["orders", "customers", "reps", "products", "deals", "labels"]
        );
        let mut e = engine();
        for (name, frame) in &frames {
            let kind = match *name {
                "orders" => TableKind::Orders,
                "customers" => TableKind::Customers,
                "reps" => TableKind::Reps,
                "products" => TableKind::Products,
                "deals" => TableKind::Deals,
                _ => continue,
            };
            let batch = frame_to_record_batch(frame).unwrap();
            let report = e
                .ingest_arrow(kind, &[batch], &IngestOptions::default())
                .unwrap();
            assert!(report.is_clean(), "{name}: {report}");
            assert_eq!(report.accepted + report.duplicates, frame.len(), "{name}");
        }
        assert_eq!(frames[5].1.len(), data.labels.len());
    }
}
