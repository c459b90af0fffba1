//! Basket input for frequent itemsets.
//!
//! Owns: [`Baskets`], the transactions that [`frequent_itemsets`](super::frequent_itemsets)
//! mines, stored sparse (each basket's distinct item ids, sorted, in one flat vector: memory
//! grows with the number of (basket, item) pairs, never with baskets x catalogue), and the three
//! ways to build it: from lists of item lists ([`Baskets::from_lists`]), from (basket id, item)
//! pairs ([`Baskets::from_pairs`]) and from a table of such pairs ([`Baskets::from_batch`],
//! whose basket may span several columns, such as member x date). Items are interned to dense
//! `u32`s in order of first sight; labels are kept verbatim (no trimming, case as given).
//! Positions in the flat vector are `u32` too (4 billion pairs, 16 GiB of ids, is the limit):
//! the offsets are a fifth of the memory mining holds for the baskets.
//!
//! Must not touch: mining or rules (see [`super::fpgrowth`], [`super::rules`](mod@super::rules)).

use super::packed::PackedIds;
use crate::error::{Error, Result};
use crate::ids::Interner;
use crate::table::{Batch, Cell, Column};
use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use smallvec::SmallVec;
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hash, Hasher};

/// Transactions as sets of interned items.
///
/// ```
/// use salespulse::itemsets::Baskets;
/// let baskets = Baskets::from_lists([vec!["milk", "bread"], vec!["milk"], vec![]]);
/// assert_eq!(baskets.len(), 3);
/// assert_eq!(baskets.items(), 2);
/// let milk = baskets.item_id("milk").unwrap();
/// assert!(baskets.basket(1).contains(&milk));
/// ```
#[derive(Clone, Default)]
pub struct Baskets {
    labels: Interner,
    /// Basket `b` holds `items[ends[b - 1]..ends[b]]` (from 0 for the first).
    ends: Vec<u32>,
    items: Vec<u32>,
    skipped: usize,
}

impl std::fmt::Debug for Baskets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Baskets")
            .field("baskets", &self.len())
            .field("items", &self.items())
            .field("pairs", &self.items.len())
            .field("skipped", &self.skipped)
            .finish()
    }
}

/// Which columns of a table hold the basket and the item, for [`Baskets::from_batch`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BasketColumns {
    /// The column(s) whose values together name a basket (default `["basket_id"]`); for
    /// example `["Member_number", "Date"]` makes one basket per member and day.
    pub basket: Vec<String>,
    /// The column of item labels (default `"item"`). Numbers and dates become their text.
    pub item: String,
}

impl Default for BasketColumns {
    fn default() -> Self {
        BasketColumns {
            basket: vec!["basket_id".to_string()],
            item: "item".to_string(),
        }
    }
}

impl Baskets {
    /// One basket per list; an item repeated within a list counts once, and an empty list is an
    /// empty basket (it still counts in every support's denominator).
    ///
    /// # Panics
    ///
    /// When the lists hold more than `u32::MAX` (basket, item) pairs in all.
    pub fn from_lists<L, I, S>(lists: L) -> Baskets
    where
        L: IntoIterator<Item = I>,
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut baskets = Baskets::default();
        for list in lists {
            let start = baskets.items.len();
            for item in list {
                let id = baskets.labels.intern(item.as_ref());
                baskets.items.push(id);
            }
            baskets.close_basket(start);
        }
        baskets
    }

    /// One basket per distinct basket id, from (basket id, item) pairs in any order; a pair seen
    /// twice counts once. Baskets are numbered in order of first sight.
    ///
    /// # Panics
    ///
    /// When there are more than `u32::MAX` pairs.
    ///
    /// ```
    /// use salespulse::itemsets::Baskets;
    /// let pairs = [(7, "tea"), (9, "milk"), (7, "milk"), (7, "tea")];
    /// let baskets = Baskets::from_pairs(pairs);
    /// assert_eq!(baskets.len(), 2);
    /// assert_eq!(baskets.basket(0).len(), 2);
    /// ```
    pub fn from_pairs<P, K, S>(pairs: P) -> Baskets
    where
        P: IntoIterator<Item = (K, S)>,
        K: Hash + Eq,
        S: AsRef<str>,
    {
        let pairs = pairs.into_iter();
        let mut labels = Interner::default();
        let mut keys: Vec<K> = Vec::new();
        let mut table: HashTable<u32> = HashTable::new();
        let hasher = FxBuildHasher;
        let mut rows = CodedRows::with_capacity(pairs.size_hint().0);
        for (key, item) in pairs {
            let hash = hasher.hash_one(&key);
            let basket = match table.find(hash, |&b| keys[b as usize] == key) {
                Some(&b) => b,
                None => {
                    let b = keys.len() as u32;
                    keys.push(key);
                    table.insert_unique(hash, b, |&b| hasher.hash_one(&keys[b as usize]));
                    b
                }
            };
            rows.push(basket, labels.intern(item.as_ref()));
        }
        let count = keys.len();
        drop((table, keys));
        let pairs = u32::try_from(rows.len()).expect(TOO_MANY_PAIRS);
        Baskets::from_coded_rows(labels, rows, pairs, count, 0)
    }

    /// Baskets from a table of (basket, item) rows, the basket named by one or more columns.
    /// A row whose item or any basket column is missing is skipped and counted in
    /// [`Baskets::skipped`].
    ///
    /// # Errors
    ///
    /// [`Error::Schema`] when a named column is absent (the message lists the table's columns)
    /// or when columns differ in length; [`Error::InvalidArgument`] when no basket column is
    /// named or the table has more than `u32::MAX` rows.
    ///
    /// ```
    /// use salespulse::itemsets::{BasketColumns, Baskets};
    /// use salespulse::table::{Batch, Column};
    /// let member = [1_i64, 1, 2];
    /// let day = ["2015-01-02", "2015-01-02", "2015-01-02"];
    /// let item = ["tea", "milk", "tea"];
    /// let batch = Batch::new()
    ///     .with("member", Column::Int(&member))
    ///     .with("day", Column::Text(&day))
    ///     .with("item", Column::Text(&item));
    /// let columns = BasketColumns { basket: vec!["member".into(), "day".into()], item: "item".into() };
    /// let baskets = Baskets::from_batch(&[batch], &columns).unwrap();
    /// assert_eq!(baskets.len(), 2);
    /// ```
    pub fn from_batch(parts: &[Batch<'_>], columns: &BasketColumns) -> Result<Baskets> {
        if columns.basket.is_empty() {
            return Err(Error::InvalidArgument(
                "no basket column given: name the column(s) that identify a basket, such as \
                 [\"basket_id\"] or [\"customer_id\", \"date\"]"
                    .into(),
            ));
        }
        let mut keys = Vec::with_capacity(parts.len());
        let mut items = Vec::with_capacity(parts.len());
        for part in parts {
            part.check_lengths().map_err(Error::Schema)?;
            let part_keys = columns
                .basket
                .iter()
                .map(|name| named(part, name))
                .collect::<Result<SmallVec<[Column<'_>; 2]>>>()?;
            keys.push(part_keys);
            items.push(named(part, &columns.item)?);
        }
        let lengths: Vec<usize> = parts.iter().map(Batch::len).collect();
        let rows: usize = lengths.iter().sum();
        if u32::try_from(rows).is_err() {
            return Err(Error::InvalidArgument(format!(
                "the baskets table has {rows} rows, more than Baskets holds ({}); mine a \
                 sample or split the table",
                u32::MAX
            )));
        }
        let mut reader = PairReader::new(&keys, &lengths);
        for (part, &item) in items.iter().enumerate() {
            reader.read(part, item);
        }
        Ok(reader.finish())
    }

    /// Sorts and deduplicates the items pushed since `start` as one new basket.
    fn close_basket(&mut self, start: usize) {
        let distinct = dedup_sorted(&mut self.items[start..]);
        self.items.truncate(start + distinct);
        let end = u32::try_from(self.items.len()).expect(TOO_MANY_PAIRS);
        self.ends.push(end);
    }

    /// Baskets from coded rows (basket number, item id), `pairs` of them; `count` baskets,
    /// numbered `0..count`.
    ///
    /// The rows are placed basket by basket with a counting sort (linear; rows of real files
    /// come in any order), then each basket is sorted and deduplicated on its own. The rows are
    /// freed before that, and the placement's start offsets become the baskets' end offsets in
    /// place, so the peak is the rows plus the placed items and one offset per basket.
    fn from_coded_rows(
        labels: Interner,
        rows: CodedRows,
        pairs: u32,
        count: usize,
        skipped: usize,
    ) -> Baskets {
        let mut starts = basket_starts(&rows.baskets, count);
        let mut items = vec![0u32; pairs as usize];
        // Filled from the back of each basket's range, which leaves starts[b] at its start.
        rows.baskets.zip_rev(&rows.items, |basket, item| {
            let start = &mut starts[basket as usize];
            *start -= 1;
            items[*start as usize] = item;
        });
        drop(rows);
        let mut kept = 0;
        for b in 0..count {
            let (start, end) = (starts[b] as usize, starts[b + 1] as usize);
            let distinct = dedup_sorted(&mut items[start..end]);
            items.copy_within(start..start + distinct, kept);
            kept += distinct;
            // starts[b] is read for the last time above, so it can hold basket b's end.
            starts[b] = kept as u32;
        }
        starts.truncate(count);
        items.truncate(kept);
        items.shrink_to_fit();
        Baskets {
            labels,
            ends: starts,
            items,
            skipped,
        }
    }

    /// How many baskets (the denominator of every support).
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no baskets.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// How many distinct items the baskets name.
    pub fn items(&self) -> usize {
        self.labels.len()
    }

    /// How many (basket, item) pairs are stored (after removing repeats).
    pub fn pairs(&self) -> usize {
        self.items.len()
    }

    /// Rows of a table skipped for a missing basket id or item.
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    /// The distinct item ids of basket `index`, ascending.
    pub fn basket(&self, index: usize) -> &[u32] {
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        &self.items[start as usize..self.ends[index] as usize]
    }

    /// Every basket in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[u32]> + '_ {
        (0..self.len()).map(|b| self.basket(b))
    }

    /// The label of item `id`.
    pub fn label(&self, id: u32) -> &str {
        self.labels.resolve(id)
    }

    /// The id of the item labelled `label`, if any basket holds it.
    pub fn item_id(&self, label: &str) -> Option<u32> {
        self.labels.get(label)
    }

    /// Heap bytes held (for memory accounting).
    pub fn heap_bytes(&self) -> usize {
        self.labels.heap_bytes()
            + self.ends.capacity() * std::mem::size_of::<u32>()
            + self.items.capacity() * std::mem::size_of::<u32>()
    }
}

const TOO_MANY_PAIRS: &str = "more than u32::MAX (basket, item) pairs for Baskets";

/// One (basket number, item id) per table row, each in as few bytes as its largest value needs.
struct CodedRows {
    baskets: PackedIds,
    items: PackedIds,
}

impl CodedRows {
    fn with_capacity(rows: usize) -> CodedRows {
        CodedRows {
            baskets: PackedIds::with_capacity(rows),
            items: PackedIds::with_capacity(rows),
        }
    }

    #[inline]
    fn push(&mut self, basket: u32, item: u32) {
        self.baskets.push(basket);
        self.items.push(item);
    }

    fn len(&self) -> usize {
        self.baskets.len()
    }
}

/// For a counting sort of rows by basket: `ends[b]` = the end of basket `b`'s range at `b`
/// (and the number of rows at `count`), so that placing each row at `--ends[b]` from the last
/// row back leaves `ends[b]` at basket `b`'s start.
fn basket_starts(baskets: &PackedIds, count: usize) -> Vec<u32> {
    let mut ends = vec![0u32; count + 1];
    baskets.for_each(|basket| ends[basket as usize + 1] += 1);
    for b in 0..count {
        ends[b + 1] += ends[b];
    }
    // ends[b + 1] is the end of basket b; move it to b.
    ends.copy_within(1.., 0);
    ends
}

/// Sorts a basket's items and moves the distinct ones to its front; returns how many there are.
fn dedup_sorted(values: &mut [u32]) -> usize {
    values.sort_unstable();
    let mut distinct = 0;
    for i in 0..values.len() {
        if distinct == 0 || values[distinct - 1] != values[i] {
            values[distinct] = values[i];
            distinct += 1;
        }
    }
    distinct
}

/// The column `name` of a table part.
fn named<'a>(part: &Batch<'a>, name: &str) -> Result<Column<'a>> {
    match part.names().iter().position(|n| n == name) {
        Some(i) => Ok(part.column_at(i)),
        None => Err(Error::Schema(format!(
            "the baskets table has no column {name:?}; its columns are {:?}. Name the basket \
             and item columns (defaults \"basket_id\" and \"item\")",
            part.names()
        ))),
    }
}

/// Reads (basket key, item) rows of table parts into coded rows.
///
/// A basket is known by its first row: the hash table holds basket numbers, hashed by the
/// basket cells and compared with the cells of that first row, so a row costs one lookup for
/// its basket (and one for its item label) and no allocation, and a basket costs its first
/// row's number (counted across parts).
struct PairReader<'k, 'a> {
    /// The basket columns of each part.
    keys: &'k [SmallVec<[Column<'a>; 2]>],
    /// The number (across parts) of each part's first row.
    part_starts: Vec<usize>,
    labels: Interner,
    /// The first row of each basket, numbered across parts.
    first_rows: Vec<u32>,
    table: HashTable<u32>,
    rows: CodedRows,
    skipped: usize,
    scratch: String,
}

impl<'k, 'a> PairReader<'k, 'a> {
    /// A reader of parts with `lengths` rows (at most `u32::MAX` in all).
    fn new(keys: &'k [SmallVec<[Column<'a>; 2]>], lengths: &[usize]) -> Self {
        let part_starts = lengths
            .iter()
            .scan(0, |start, &len| {
                let this = *start;
                *start += len;
                Some(this)
            })
            .collect();
        PairReader {
            keys,
            part_starts,
            labels: Interner::default(),
            first_rows: Vec::new(),
            table: HashTable::new(),
            rows: CodedRows::with_capacity(lengths.iter().sum()),
            skipped: 0,
            scratch: String::new(),
        }
    }

    fn read(&mut self, part: usize, item: Column<'_>) {
        for row in 0..item.len() {
            let Some(hash) = hash_cells(&self.keys[part], row) else {
                self.skipped += 1;
                continue;
            };
            let Some(item) = self.item_id(item.cell(row)) else {
                self.skipped += 1;
                continue;
            };
            let basket = self.basket_number(hash, part, row);
            self.rows.push(basket, item);
        }
    }

    fn basket_number(&mut self, hash: u64, part: usize, row: usize) -> u32 {
        let (keys, first_rows, starts) = (self.keys, &self.first_rows, &self.part_starts);
        let same = |&b: &u32| {
            let (p, r) = locate(starts, first_rows[b as usize]);
            same_cells(&keys[p], r, &keys[part], row)
        };
        if let Some(&b) = self.table.find(hash, same) {
            return b;
        }
        let b = self.first_rows.len() as u32;
        // Fits: the table has at most u32::MAX rows (checked by from_batch).
        self.first_rows.push((starts[part] + row) as u32);
        let first_rows = &self.first_rows;
        self.table.insert_unique(hash, b, |&b| {
            let (p, r) = locate(starts, first_rows[b as usize]);
            hash_cells(&keys[p], r).unwrap_or(0)
        });
        b
    }

    /// The item id of a cell: its text, interned (`None` for a missing value).
    fn item_id(&mut self, cell: Cell<'_>) -> Option<u32> {
        if let Cell::Text(text) = cell {
            return Some(self.labels.intern(text));
        }
        self.scratch.clear();
        write_cell(&mut self.scratch, cell)?;
        Some(self.labels.intern(&self.scratch))
    }

    fn finish(self) -> Baskets {
        let count = self.first_rows.len();
        let PairReader {
            labels,
            rows,
            skipped,
            table,
            first_rows,
            ..
        } = self;
        // The basket index is freed before the rows are placed: with the rows, it is most of
        // what reading holds.
        drop((table, first_rows));
        let pairs = rows.len() as u32;
        Baskets::from_coded_rows(labels, rows, pairs, count, skipped)
    }
}

/// (part, row in part) of a row numbered across parts that start at `starts`.
#[inline]
fn locate(starts: &[usize], row: u32) -> (usize, usize) {
    let row = row as usize;
    if starts.len() == 1 {
        return (0, row);
    }
    let part = starts.partition_point(|&s| s <= row) - 1;
    (part, row - starts[part])
}

/// A basket key cell in a form that hashes and compares by value: -0.0 is 0.0; text and
/// numbers never equal each other. `None` for a missing value (or NaN).
#[derive(PartialEq, Hash)]
enum KeyCell<'a> {
    Text(&'a str),
    Bits(u8, u64),
}

#[inline]
fn key_cell(cell: Cell<'_>) -> Option<KeyCell<'_>> {
    Some(match cell {
        Cell::Null => return None,
        Cell::Text(t) => KeyCell::Text(t),
        Cell::Int(v) => KeyCell::Bits(0, v as u64),
        Cell::Float(v) if v.is_nan() => return None,
        Cell::Float(v) => KeyCell::Bits(1, (v + 0.0).to_bits()),
        Cell::Bool(v) => KeyCell::Bits(2, v as u64),
        Cell::Day(d) => KeyCell::Bits(3, d.0 as u64),
        Cell::UtcMicros(v) => KeyCell::Bits(4, v as u64),
        Cell::LocalMicros(v) => KeyCell::Bits(5, v as u64),
        Cell::Interned(v) => KeyCell::Bits(6, v as u64),
    })
}

/// The hash of a row's basket cells (`None` when one is missing).
#[inline(always)]
fn hash_cells(columns: &[Column<'_>], row: usize) -> Option<u64> {
    let mut hasher = FxBuildHasher.build_hasher();
    for column in columns {
        key_cell(column.cell(row))?.hash(&mut hasher);
    }
    Some(hasher.finish())
}

/// Whether two rows have the same basket cells.
#[inline]
fn same_cells(a: &[Column<'_>], a_row: usize, b: &[Column<'_>], b_row: usize) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| key_cell(x.cell(a_row)) == key_cell(y.cell(b_row)))
}

/// A cell as text (numbers as Rust prints them, days as ISO dates); `None` for a missing value.
fn write_cell(out: &mut String, cell: Cell<'_>) -> Option<()> {
    let written = match cell {
        Cell::Null => return None,
        Cell::Text(t) => write!(out, "{t}"),
        Cell::Int(v) => write!(out, "{v}"),
        Cell::Float(v) if v.is_nan() => return None,
        Cell::Float(v) => write!(out, "{v}"),
        Cell::Bool(v) => write!(out, "{v}"),
        Cell::Day(d) => write!(out, "{d}"),
        Cell::UtcMicros(v) | Cell::LocalMicros(v) => write!(out, "{v}"),
        Cell::Interned(v) => write!(out, "#{v}"),
    };
    written.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_dedupe_items_and_keep_empty_baskets() {
        let b = Baskets::from_lists([vec!["a", "b", "a"], vec![], vec!["b"]]);
        assert_eq!(b.len(), 3);
        assert_eq!(b.basket(0).len(), 2);
        assert!(b.basket(1).is_empty());
        assert_eq!(b.pairs(), 3);
    }

    #[test]
    fn pairs_group_by_basket_in_any_order() {
        let b = Baskets::from_pairs([("x", "a"), ("y", "b"), ("x", "b"), ("x", "a")]);
        assert_eq!(b.len(), 2);
        let labels: Vec<&str> = b.basket(0).iter().map(|&i| b.label(i)).collect();
        assert_eq!(labels, ["a", "b"]);
    }

    #[test]
    fn table_baskets_span_columns_and_skip_missing_values() {
        let member = [1_i64, 1, 1, 2];
        let day = [Some("d1"), Some("d2"), None, Some("d1")];
        let item = ["a", "a", "b", "c"];
        let batch = Batch::new()
            .with("m", Column::Int(&member))
            .with("d", Column::Text(&day))
            .with("i", Column::Text(&item));
        let columns = BasketColumns {
            basket: vec!["m".into(), "d".into()],
            item: "i".into(),
        };
        let b = Baskets::from_batch(&[batch], &columns).unwrap();
        assert_eq!((b.len(), b.skipped()), (3, 1));
    }

    #[test]
    fn rows_keep_their_ids_when_the_packed_widths_grow() {
        // 70,000 baskets and 300 items need four and two bytes; the first rows were stored in
        // one. Rows are given out of basket order, and one repeated.
        let item = |i: u32| format!("i{}", i % 300);
        let pairs: Vec<(u32, String)> = (0..70_000u32)
            .rev()
            .flat_map(|b| [(b, item(b)), (b, item(b * 7)), (b, item(b))])
            .collect();
        let from_pairs = Baskets::from_pairs(pairs);
        let lists = (0..70_000u32).rev().map(|b| [item(b), item(b * 7)]);
        let from_lists = Baskets::from_lists(lists);
        assert_eq!(from_pairs.len(), 70_000);
        for b in [0, 1, 255, 256, 65_535, 65_536, 69_999] {
            let labels = |x: &Baskets| -> Vec<String> {
                x.basket(b)
                    .iter()
                    .map(|&i| x.label(i).to_string())
                    .collect()
            };
            let (mut p, mut l) = (labels(&from_pairs), labels(&from_lists));
            p.sort();
            l.sort();
            assert_eq!(p, l);
        }
    }

    #[test]
    fn a_basket_spans_table_parts() {
        let (key_a, item_a) = ([5_i64, 6, 5], ["a", "b", "c"]);
        let (key_b, item_b) = ([6_i64, 5, 7], ["a", "a", "b"]);
        let part = |key, item| {
            Batch::new()
                .with("basket_id", Column::Int(key))
                .with("item", Column::Text(item))
        };
        let parts = [part(&key_a, &item_a), part(&key_b, &item_b)];
        let b = Baskets::from_batch(&parts, &BasketColumns::default()).unwrap();
        let labels = |i: usize| -> Vec<&str> { b.basket(i).iter().map(|&x| b.label(x)).collect() };
        assert_eq!(b.len(), 3);
        assert_eq!(labels(0), ["a", "c"]);
        assert_eq!(labels(1), ["a", "b"]);
        assert_eq!(labels(2), ["b"]);
    }

    #[test]
    fn missing_column_is_a_schema_error_listing_columns() {
        let item = ["a"];
        let batch = Batch::new().with("item", Column::Text(&item));
        let err = Baskets::from_batch(&[batch], &BasketColumns::default()).unwrap_err();
        assert!(
            matches!(err, Error::Schema(ref m) if m.contains("basket_id") && m.contains("item"))
        );
    }

    #[test]
    fn numbers_and_text_name_different_baskets() {
        let key = [
            Cell::Int(1),
            Cell::Text("1"),
            Cell::Float(-0.0),
            Cell::Float(0.0),
        ];
        let k: Vec<_> = key.iter().map(|&c| key_cell(c)).collect();
        assert!(k[0] != k[1]);
        assert!(k[2] == k[3]);
        assert!(key_cell(Cell::Float(f64::NAN)).is_none());
    }
}
