//! The result of frequent-itemset mining, and the same read back from a table.
//!
//! Owns: [`FrequentItemsets`] (itemsets with their supports, items numbered in label order so
//! that an itemset sorted by id is sorted by label), its row order, its [`Frame`] form
//! (mlxtend's `support` and `itemsets` columns) and its construction from such rows, which is
//! how a table handed back by a binding (possibly filtered by the caller) reaches
//! [`association_rules`](super::association_rules).
//!
//! Must not touch: mining ([`super::fpgrowth`]) or rule metrics ([`super::metrics`]).

use crate::error::{Error, Result};
use crate::table::{Frame, Series};
use rustc_hash::FxHashMap;

/// Itemsets with their supports.
///
/// Rows are ordered by itemset length, then by support (highest first), then by their labels;
/// the items of an itemset by label. The order depends only on the itemsets and supports, not on
/// the order in which baskets or rows arrived.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrequentItemsets {
    /// Labels of the items that occur in some itemset, sorted.
    labels: Vec<String>,
    /// Item ids (indexes into `labels`) of all itemsets, each itemset ascending.
    items: Vec<u32>,
    /// Itemset `i` is `items[ends[i - 1]..ends[i]]` (from 0 for the first).
    ends: Vec<usize>,
    supports: Vec<f64>,
    /// Basket counts, when the itemsets were mined here.
    counts: Option<Vec<u32>>,
    baskets: Option<usize>,
}

impl FrequentItemsets {
    /// The itemsets found by mining `n` baskets: `items` (ids of `label`) of itemset `i` end at
    /// `ends[i]`, and it is in `counts[i]` baskets.
    pub(crate) fn from_counts<'a>(
        items: &[u32],
        ends: &[usize],
        counts: &[u32],
        n: u32,
        label: impl Fn(u32) -> &'a str,
    ) -> FrequentItemsets {
        let mut used: Vec<u32> = items.to_vec();
        used.sort_unstable();
        used.dedup();
        used.sort_by(|&a, &b| label(a).cmp(label(b)));
        let mut local: FxHashMap<u32, u32> = FxHashMap::default();
        for (i, &global) in used.iter().enumerate() {
            local.insert(global, i as u32);
        }
        let labels = used.iter().map(|&g| label(g).to_string()).collect();
        let sets = Sets::new(items, ends).map(|s| {
            let mut set: Vec<u32> = s.iter().map(|g| local[g]).collect();
            set.sort_unstable();
            set
        });
        let rows = counts
            .iter()
            .zip(sets)
            .map(|(&c, set)| Row {
                items: set,
                support: c as f64 / n as f64,
                count: Some(c),
            })
            .collect();
        FrequentItemsets::from_sorted_rows(labels, rows, Some(n as usize))
    }

    /// Itemsets given as rows of (support, item labels), such as a `support` / `itemsets` table
    /// returned by [`FrequentItemsets::to_frame`] and then filtered. Repeated labels within an
    /// itemset count once.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when the lengths differ, a support is not a number in [0, 1],
    /// or an itemset appears twice.
    ///
    /// ```
    /// use salespulse::itemsets::FrequentItemsets;
    /// let sets = FrequentItemsets::from_rows(&[0.5, 0.4], &[vec!["a"], vec!["b", "a"]]).unwrap();
    /// assert_eq!(sets.support_of(&["a", "b"]), Some(0.4));
    /// ```
    pub fn from_rows<S: AsRef<str>>(supports: &[f64], itemsets: &[Vec<S>]) -> Result<Self> {
        if supports.len() != itemsets.len() {
            return Err(Error::InvalidArgument(format!(
                "{} supports for {} itemsets; give one support per itemset",
                supports.len(),
                itemsets.len()
            )));
        }
        let mut labels: Vec<&str> = itemsets.iter().flatten().map(AsRef::as_ref).collect();
        labels.sort_unstable();
        labels.dedup();
        let id = |label: &str| labels.binary_search(&label).map_or(0, |i| i as u32);
        let mut rows = Vec::with_capacity(supports.len());
        for (row, (&support, set)) in supports.iter().zip(itemsets).enumerate() {
            if !(0.0..=1.0).contains(&support) {
                return Err(Error::InvalidArgument(format!(
                    "the support of itemset {row} is {support}; supports are shares of \
                     baskets, in [0, 1]"
                )));
            }
            let mut items: Vec<u32> = set.iter().map(|s| id(s.as_ref())).collect();
            items.sort_unstable();
            items.dedup();
            rows.push(Row {
                items,
                support,
                count: None,
            });
        }
        let labels = labels.into_iter().map(str::to_string).collect();
        let sets = FrequentItemsets::from_sorted_rows(labels, rows, None);
        sets.check_distinct()?;
        Ok(sets)
    }

    /// The itemsets of a frame with a float column `support` and a text-list column `itemsets`
    /// (what [`FrequentItemsets::to_frame`] returns, perhaps filtered).
    ///
    /// # Errors
    ///
    /// [`Error::Schema`] when a column is missing or of another type; as
    /// [`FrequentItemsets::from_rows`] otherwise (a missing support is refused).
    pub fn from_frame(frame: &Frame) -> Result<Self> {
        let supports = match frame.column("support") {
            Some(Series::F64(v)) => v
                .iter()
                .enumerate()
                .map(|(row, s)| {
                    s.ok_or_else(|| {
                        Error::InvalidArgument(format!("the support of itemset {row} is missing"))
                    })
                })
                .collect::<Result<Vec<f64>>>()?,
            _ => return Err(missing_column("support", "float")),
        };
        match frame.column("itemsets") {
            Some(Series::StrList(sets)) => FrequentItemsets::from_rows(&supports, sets),
            _ => Err(missing_column("itemsets", "list of text")),
        }
    }

    fn from_sorted_rows(labels: Vec<String>, mut rows: Vec<Row>, baskets: Option<usize>) -> Self {
        rows.sort_by(|a, b| {
            a.items
                .len()
                .cmp(&b.items.len())
                .then(b.support.total_cmp(&a.support))
                .then_with(|| a.items.cmp(&b.items))
        });
        let mut sets = FrequentItemsets {
            labels,
            baskets,
            ..FrequentItemsets::default()
        };
        let mut counts = Vec::with_capacity(rows.len());
        for row in rows {
            sets.items.extend_from_slice(&row.items);
            sets.ends.push(sets.items.len());
            sets.supports.push(row.support);
            counts.extend(row.count);
        }
        if baskets.is_some() {
            sets.counts = Some(counts);
        }
        sets
    }

    /// Rows are sorted, so equal itemsets are adjacent unless their supports differ; a map
    /// catches both.
    fn check_distinct(&self) -> Result<()> {
        let mut seen: FxHashMap<&[u32], usize> = FxHashMap::default();
        for i in 0..self.len() {
            if seen.insert(self.ids(i), i).is_some() {
                return Err(Error::InvalidArgument(format!(
                    "the itemset {:?} appears twice; give each itemset once",
                    self.itemset(i)
                )));
            }
        }
        Ok(())
    }

    /// How many itemsets.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The number of baskets mined (`None` for itemsets read from rows).
    pub fn baskets(&self) -> Option<usize> {
        self.baskets
    }

    /// The item ids of itemset `i`, ascending (ids number the labels in sorted order, so this
    /// is also the order of their labels; [`FrequentItemsets::label`] names them).
    pub fn ids(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.items[start..self.ends[i]]
    }

    /// The label of item id `id` (ids of [`FrequentItemsets::ids`] and of [`Rule`] sides).
    ///
    /// [`Rule`]: super::Rule
    pub fn label(&self, id: u32) -> &str {
        &self.labels[id as usize]
    }

    /// The labels of itemset `i`, sorted.
    pub fn itemset(&self, i: usize) -> Vec<&str> {
        self.ids(i).iter().map(|&id| self.label(id)).collect()
    }

    /// The support of itemset `i` (the share of baskets that hold all its items).
    pub fn support(&self, i: usize) -> f64 {
        self.supports[i]
    }

    /// The number of baskets that hold itemset `i` (`None` for itemsets read from rows).
    pub fn count(&self, i: usize) -> Option<u32> {
        self.counts.as_ref().map(|c| c[i])
    }

    /// The support of the itemset made of `labels` (in any order), if it is one of these (a
    /// linear scan: for many lookups, index the itemsets yourself).
    pub fn support_of<S: AsRef<str>>(&self, labels: &[S]) -> Option<f64> {
        let mut ids = labels
            .iter()
            .map(|l| self.labels.binary_search_by(|x| x.as_str().cmp(l.as_ref())))
            .map(|r| r.ok().map(|i| i as u32))
            .collect::<Option<Vec<u32>>>()?;
        ids.sort_unstable();
        ids.dedup();
        (0..self.len())
            .find(|&i| self.ids(i) == ids.as_slice())
            .map(|i| self.supports[i])
    }

    /// mlxtend's table: `support` (float) and `itemsets` (the sorted labels of each itemset).
    pub fn to_frame(&self) -> Frame {
        Frame::new()
            .with(
                "support",
                Series::F64(self.supports.iter().copied().map(Some).collect()),
            )
            .with(
                "itemsets",
                Series::StrList(
                    (0..self.len())
                        .map(|i| self.itemset(i).into_iter().map(str::to_string).collect())
                        .collect(),
                ),
            )
    }
}

struct Row {
    items: Vec<u32>,
    support: f64,
    count: Option<u32>,
}

/// Slices of a flat vector split at `ends`.
struct Sets<'a> {
    items: &'a [u32],
    ends: std::slice::Iter<'a, usize>,
    start: usize,
}

impl<'a> Sets<'a> {
    fn new(items: &'a [u32], ends: &'a [usize]) -> Self {
        Sets {
            items,
            ends: ends.iter(),
            start: 0,
        }
    }
}

impl<'a> Iterator for Sets<'a> {
    type Item = &'a [u32];
    fn next(&mut self) -> Option<&'a [u32]> {
        let end = *self.ends.next()?;
        let set = &self.items[self.start..end];
        self.start = end;
        Some(set)
    }
}

fn missing_column(name: &str, kind: &str) -> Error {
    Error::Schema(format!(
        "the itemsets table needs a {kind} column {name:?}, as frequent_itemsets returns it \
         (columns \"support\" and \"itemsets\")"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_ordered_by_length_support_and_labels() {
        let sets = FrequentItemsets::from_rows(
            &[0.2, 0.5, 0.5, 0.9],
            &[vec!["b", "a"], vec!["c"], vec!["b"], vec!["a"]],
        )
        .unwrap();
        let order: Vec<Vec<&str>> = (0..sets.len()).map(|i| sets.itemset(i)).collect();
        assert_eq!(order, [vec!["a"], vec!["b"], vec!["c"], vec!["a", "b"]]);
    }

    #[test]
    fn frame_round_trip() {
        let sets = FrequentItemsets::from_rows(&[0.5, 0.25], &[vec!["x"], vec!["y", "x"]]).unwrap();
        assert_eq!(
            FrequentItemsets::from_frame(&sets.to_frame()).unwrap(),
            sets
        );
    }

    #[test]
    fn bad_rows_are_refused() {
        assert!(FrequentItemsets::from_rows(&[1.5], &[vec!["a"]]).is_err());
        assert!(FrequentItemsets::from_rows(&[f64::NAN], &[vec!["a"]]).is_err());
        assert!(FrequentItemsets::from_rows(&[0.1, 0.2], &[vec!["a"], vec!["a"]]).is_err());
        assert!(FrequentItemsets::from_rows(&[0.1], &[vec!["a"], vec!["b"]]).is_err());
        let no_itemsets = Frame::new().with("support", Series::F64(vec![]));
        assert!(matches!(
            FrequentItemsets::from_frame(&no_itemsets),
            Err(Error::Schema(_))
        ));
    }
}
