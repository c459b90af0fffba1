//! Arrow in for itemsets (the `arrow` feature): what the Python and Node bindings call.
//!
//! Owns: [`baskets_from_arrow`] (a (basket, item) table as an Arrow stream) and
//! [`itemsets_from_arrow`] (a `support` / `itemsets` table, as `frequent_itemsets` returns it,
//! back in for `association_rules`). Frames go out through
//! [`crate::ingest::arrow::frame_to_record_batch`] (text lists become `List<Utf8>`).
//!
//! Must not touch: mining, rules, or how cells are read ([`crate::ingest::arrow`] owns that).

use super::baskets::{BasketColumns, Baskets};
use super::frequent::FrequentItemsets;
use crate::error::{Error, Result};
use crate::ingest::arrow::ArrowColumn;
use crate::table::Batch;
use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, RecordBatch, RecordBatchReader};
use arrow_schema::{DataType, Field};
use std::sync::Arc;

/// Every record batch of a stream (an empty one when the stream has none).
fn collect<R: RecordBatchReader + ?Sized>(reader: &mut R, what: &str) -> Result<Vec<RecordBatch>> {
    let schema = reader.schema();
    let mut batches = vec![];
    for batch in reader {
        batches.push(batch.map_err(|e| {
            Error::InvalidArgument(format!("reading the {what}' Arrow stream failed: {e}"))
        })?);
    }
    if batches.is_empty() {
        batches.push(RecordBatch::new_empty(schema));
    }
    Ok(batches)
}

/// [`Baskets::from_batch`] on an Arrow stream (the Arrow C stream of a pandas, polars or pyarrow
/// table in Python; decoded IPC or rows in Node).
///
/// # Errors
///
/// As [`Baskets::from_batch`]; also [`Error::Schema`] for a named column of an Arrow type that
/// cannot be read (lists, structs, ...) and [`Error::InvalidArgument`] if the stream fails.
pub fn baskets_from_arrow<R: RecordBatchReader + ?Sized>(
    reader: &mut R,
    columns: &BasketColumns,
) -> Result<Baskets> {
    let batches = collect(reader, "baskets")?;
    let schema = batches[0].schema();
    let read: Vec<Vec<ArrowColumn>> = batches
        .iter()
        .map(|b| {
            b.columns()
                .iter()
                .map(|c| ArrowColumn::new(c.as_ref()))
                .collect()
        })
        .collect();
    for name in columns.basket.iter().chain([&columns.item]) {
        if let Ok(i) = schema.index_of(name) {
            if let Some(t) = read[0][i].unsupported_type() {
                return Err(Error::Schema(format!(
                    "column {name:?} of the baskets table has the Arrow type {t}, which \
                     salespulse cannot read; convert it to text or a number"
                )));
            }
        }
    }
    let parts: Vec<Batch<'_>> = read
        .iter()
        .map(|cols| {
            let mut part = Batch::new();
            for (field, column) in schema.fields().iter().zip(cols) {
                part.push(field.name().clone(), column.column());
            }
            part
        })
        .collect();
    Baskets::from_batch(&parts, columns)
}

/// The itemsets of an Arrow stream with a numeric `support` column and an `itemsets` column of
/// lists of text (any list and string layout), as [`FrequentItemsets::from_rows`] reads them.
///
/// # Errors
///
/// [`Error::Schema`] when a column is missing or of another type; as
/// [`FrequentItemsets::from_rows`] otherwise (a missing support or itemset is refused).
pub fn itemsets_from_arrow<R: RecordBatchReader + ?Sized>(
    reader: &mut R,
) -> Result<FrequentItemsets> {
    let batches = collect(reader, "itemsets")?;
    let mut supports = Vec::new();
    let mut itemsets: Vec<Vec<String>> = Vec::new();
    for batch in &batches {
        supports.extend(read_supports(batch)?);
        itemsets.extend(read_itemsets(batch)?);
    }
    FrequentItemsets::from_rows(&supports, &itemsets)
}

fn column_of<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a Arc<dyn Array>> {
    batch.column_by_name(name).ok_or_else(|| {
        let names: Vec<&String> = batch
            .schema_ref()
            .fields()
            .iter()
            .map(|f| f.name())
            .collect();
        Error::Schema(format!(
            "the itemsets table has no column {name:?}; its columns are {names:?}. Pass the \
             table frequent_itemsets returned (columns \"support\" and \"itemsets\")"
        ))
    })
}

fn read_supports(batch: &RecordBatch) -> Result<Vec<f64>> {
    let column = column_of(batch, "support")?;
    let floats = arrow_cast::cast(column, &DataType::Float64).map_err(|_| {
        Error::Schema(format!(
            "the itemsets' support column has the Arrow type {}; it must hold numbers",
            column.data_type()
        ))
    })?;
    let floats = floats.as_primitive::<Float64Type>();
    (0..floats.len())
        .map(|row| match floats.is_valid(row) {
            true => Ok(floats.value(row)),
            false => Err(Error::InvalidArgument(format!(
                "the support of itemset {row} is missing"
            ))),
        })
        .collect()
}

fn read_itemsets(batch: &RecordBatch) -> Result<Vec<Vec<String>>> {
    let column = column_of(batch, "itemsets")?;
    let list_of_text = DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)));
    let lists = arrow_cast::cast(column, &list_of_text).map_err(|_| {
        Error::Schema(format!(
            "the itemsets' itemsets column has the Arrow type {}; it must hold lists of item \
             labels",
            column.data_type()
        ))
    })?;
    let lists = lists.as_list::<i32>();
    let mut out = Vec::with_capacity(lists.len());
    for row in 0..lists.len() {
        if lists.is_null(row) {
            return Err(Error::InvalidArgument(format!("itemset {row} is missing")));
        }
        let values = lists.value(row);
        let labels = values.as_string::<i32>();
        if labels.null_count() > 0 {
            return Err(Error::InvalidArgument(format!(
                "itemset {row} has a missing item label"
            )));
        }
        out.push(labels.iter().flatten().map(str::to_string).collect());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::arrow::frame_to_record_batch;
    use crate::itemsets::{frequent_itemsets, Baskets};
    use arrow_array::{Int64Array, RecordBatchIterator, StringArray};

    #[test]
    fn itemsets_round_trip_through_arrow() {
        let baskets = Baskets::from_lists([vec!["a", "b"], vec!["a"], vec!["b", "c"]]);
        let sets = frequent_itemsets(&baskets, 0.3, None).unwrap();
        let batch = frame_to_record_batch(&sets.to_frame()).unwrap();
        let schema = batch.schema();
        let mut reader = RecordBatchIterator::new([Ok(batch)], schema);
        let back = itemsets_from_arrow(&mut reader).unwrap();
        assert_eq!(back.to_frame(), sets.to_frame());
    }

    #[test]
    fn baskets_from_an_arrow_table() {
        let batch = RecordBatch::try_from_iter([
            ("basket_id", Arc::new(Int64Array::from(vec![1, 1, 2])) as _),
            (
                "item",
                Arc::new(StringArray::from(vec!["a", "b", "a"])) as _,
            ),
        ])
        .unwrap();
        let schema = batch.schema();
        let mut reader = RecordBatchIterator::new([Ok(batch)], schema);
        let b = baskets_from_arrow(&mut reader, &BasketColumns::default()).unwrap();
        assert_eq!((b.len(), b.pairs()), (2, 3));
    }
}
