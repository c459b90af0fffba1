//! Customer summaries as the models take them, validated and grouped.
//!
//! Owns: [`RfmData`] (borrowed columns, one row per customer or pattern), [`RfmGroups`] (the
//! distinct `(x, t_x, T)` patterns with their counts: the sufficient statistics of every
//! transaction model here, so two partitions' groups merge by adding counts), and the
//! level-indexed layout the likelihood loops run over.

use crate::error::{Error, Result};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::hash_map::Entry;

/// Per-customer summaries to fit a transaction model on: frequency `x` (repeat purchase
/// periods), recency `t_x` (age at the last purchase), age `T`, all in one time unit (for
/// example as produced by [`rfm_summary`](crate::models::rfm::rfm_summary)), and optional
/// weights (how many customers share the row; default 1).
#[derive(Clone, Copy, Debug)]
pub struct RfmData<'a> {
    /// Number of repeat purchases (whole numbers ≥ 0).
    pub frequency: &'a [f64],
    /// Age of the customer at the last purchase; 0 when frequency is 0; at most `t`.
    pub recency: &'a [f64],
    /// Age of the customer at the end of the observation period.
    pub t: &'a [f64],
    /// Customers per row (≥ 0, finite); `None` means one each.
    pub weights: Option<&'a [f64]>,
}

impl<'a> RfmData<'a> {
    /// Rows of one customer each.
    pub fn new(frequency: &'a [f64], recency: &'a [f64], t: &'a [f64]) -> Self {
        RfmData {
            frequency,
            recency,
            t,
            weights: None,
        }
    }

    /// The same rows, each standing for `weights[i]` customers.
    pub fn with_weights(self, weights: &'a [f64]) -> Self {
        RfmData {
            weights: Some(weights),
            ..self
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.frequency.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.frequency.is_empty()
    }

    fn check_lengths(&self) -> Result<()> {
        let n = self.frequency.len();
        let mismatch = |name: &str, len: usize| {
            Error::InvalidArgument(format!("{name} has {len} rows but frequency has {n}"))
        };
        if self.recency.len() != n {
            return Err(mismatch("recency", self.recency.len()));
        }
        if self.t.len() != n {
            return Err(mismatch("T", self.t.len()));
        }
        match self.weights {
            Some(w) if w.len() != n => Err(mismatch("weights", w.len())),
            _ => Ok(()),
        }
    }
}

/// Checks one customer's `(x, t_x, T)`; the error names the rule it breaks.
pub(crate) fn check_customer(x: f64, t_x: f64, t: f64) -> Result<()> {
    let bad = |why: String| Err(Error::InvalidArgument(why));
    if !(x.is_finite() && x >= 0.0 && x.fract() == 0.0) {
        return bad(format!("frequency {x} is not a whole number >= 0"));
    }
    if !(t_x.is_finite() && t_x >= 0.0) {
        return bad(format!("recency {t_x} is not a finite number >= 0"));
    }
    if !(t.is_finite() && t >= 0.0) {
        return bad(format!("T {t} is not a finite number >= 0"));
    }
    if t_x > t {
        return bad(format!("recency {t_x} is greater than T {t}"));
    }
    if x == 0.0 && t_x != 0.0 {
        return bad(format!("recency must be 0 when frequency is 0 (got {t_x})"));
    }
    Ok(())
}

fn check_weight(w: f64) -> Result<()> {
    if w.is_finite() && w >= 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "weight {w} is not a finite number >= 0"
        )))
    }
}

/// Puts "row i: " in front of an argument error.
pub(crate) fn at_row(row: usize, err: Error) -> Error {
    match err {
        Error::InvalidArgument(m) => Error::InvalidArgument(format!("row {row}: {m}")),
        other => other,
    }
}

/// The distinct `(frequency, recency, T)` patterns of a customer base and how many customers
/// show each: all a transaction model needs from the data.
///
/// Fitting on groups instead of customers makes a fit's cost depend on the number of distinct
/// patterns, which summaries in whole days or weeks keep far below the number of customers.
/// Groups of disjoint customer sets [`merge`](RfmGroups::merge) by adding counts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RfmGroups {
    frequency: Vec<f64>,
    recency: Vec<f64>,
    t: Vec<f64>,
    weight: Vec<f64>,
}

/// Sort key of a pattern: exact bit patterns, so equal floats group and nothing is rounded.
type PatternKey = (u64, u64, u64);

fn pattern_key(x: f64, t_x: f64, t: f64) -> PatternKey {
    // +0.0 for -0.0 so that both spellings of zero fall into one group.
    let bits = |v: f64| (v + 0.0).to_bits();
    (bits(x), bits(t_x), bits(t))
}

/// [`check_customer`] and [`check_weight`] as one test without the error messages, for the
/// hot loop of grouping.
#[inline]
fn is_valid_row(x: f64, t_x: f64, t: f64, w: f64) -> bool {
    // Below 2^52 a float is whole iff it survives the round trip through an integer; above,
    // every finite float is whole.
    const WHOLE_FROM: f64 = 4_503_599_627_370_496.0;
    let whole = if x < WHOLE_FROM {
        x >= 0.0 && (x as u64) as f64 == x
    } else {
        x.is_finite()
    };
    let finite_times = t_x >= 0.0 && t < f64::INFINITY && t_x <= t;
    whole && finite_times && (x != 0.0 || t_x == 0.0) && (0.0..f64::INFINITY).contains(&w)
}

/// Adds up the weights of equal patterns. Up to [`HASH_GROUPING_ROWS`] rows it looks each
/// pattern up in a hash map and sorts only the distinct patterns, which is cheaper when
/// patterns repeat; above, where the map would no longer fit in cache, it sorts all rows.
enum Grouper {
    Hashed {
        index: FxHashMap<PatternKey, usize>,
        distinct: Vec<(PatternKey, f64)>,
    },
    Sorted(Vec<(PatternKey, f64)>),
}

/// Largest number of rows grouped through a hash map (its table then stays within ~4 MiB).
const HASH_GROUPING_ROWS: usize = 50_000;

impl Grouper {
    fn with_capacity(rows: usize) -> Self {
        if rows <= HASH_GROUPING_ROWS {
            Grouper::Hashed {
                index: FxHashMap::with_capacity_and_hasher(rows, Default::default()),
                distinct: Vec::new(),
            }
        } else {
            Grouper::Sorted(Vec::with_capacity(rows))
        }
    }

    fn add(&mut self, key: PatternKey, w: f64) {
        match self {
            Grouper::Hashed { index, distinct } => match index.entry(key) {
                Entry::Occupied(group) => distinct[*group.get()].1 += w,
                Entry::Vacant(slot) => {
                    slot.insert(distinct.len());
                    distinct.push((key, w));
                }
            },
            Grouper::Sorted(rows) => rows.push((key, w)),
        }
    }

    fn finish(self) -> RfmGroups {
        let (mut rows, merge_equal) = match self {
            Grouper::Hashed { distinct, .. } => (distinct, false),
            Grouper::Sorted(rows) => (rows, true),
        };
        // Keys are bit patterns of non-negative floats, whose order is the numeric order.
        rows.sort_unstable_by_key(|r| r.0);
        let mut groups = RfmGroups::default();
        let mut last = None;
        for (key, w) in rows {
            if merge_equal && last == Some(key) {
                *groups.weight.last_mut().expect("non-empty") += w;
                continue;
            }
            last = Some(key);
            groups.frequency.push(f64::from_bits(key.0));
            groups.recency.push(f64::from_bits(key.1));
            groups.t.push(f64::from_bits(key.2));
            groups.weight.push(w);
        }
        groups
    }
}

impl RfmGroups {
    /// Validates every row and groups identical patterns (O(n log n); for small inputs O(n)
    /// hashing, then O(p log p) for the p distinct patterns).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming the first offending row: a frequency that is not a
    /// whole number ≥ 0, a negative or non-finite recency or T, recency > T, recency ≠ 0 with
    /// frequency 0, or a negative or non-finite weight; or columns of different lengths.
    pub fn from_data(data: &RfmData) -> Result<Self> {
        data.check_lengths()?;
        let mut grouper = Grouper::with_capacity(data.len());
        for i in 0..data.len() {
            let (x, t_x, t) = (data.frequency[i], data.recency[i], data.t[i]);
            let w = data.weights.map_or(1.0, |w| w[i]);
            if !is_valid_row(x, t_x, t, w) {
                // The slow checks name the rule the row breaks.
                check_customer(x, t_x, t).map_err(|e| at_row(i, e))?;
                check_weight(w).map_err(|e| at_row(i, e))?;
            }
            if w > 0.0 {
                grouper.add(pattern_key(x, t_x, t), w);
            }
        }
        Ok(grouper.finish())
    }

    /// Adds the customers of `other` (a disjoint set of customers) to these groups.
    pub fn merge(&mut self, other: &RfmGroups) {
        let keyed = |g: &RfmGroups| {
            (0..g.len())
                .map(|i| {
                    (
                        pattern_key(g.frequency[i], g.recency[i], g.t[i]),
                        g.weight[i],
                    )
                })
                .collect::<Vec<_>>()
        };
        let mut grouper = Grouper::with_capacity(self.len() + other.len());
        for (key, w) in keyed(self).into_iter().chain(keyed(other)) {
            grouper.add(key, w);
        }
        *self = grouper.finish();
    }

    /// Number of distinct patterns.
    pub fn len(&self) -> usize {
        self.frequency.len()
    }

    /// Whether there are no customers.
    pub fn is_empty(&self) -> bool {
        self.frequency.is_empty()
    }

    /// Number of customers (the sum of the weights).
    pub fn total_weight(&self) -> f64 {
        self.weight.iter().sum()
    }

    /// The patterns as columns `(frequency, recency, T, weight)`, sorted by pattern.
    pub fn columns(&self) -> (&[f64], &[f64], &[f64], &[f64]) {
        (&self.frequency, &self.recency, &self.t, &self.weight)
    }

    /// A systematic sample of about `customers` customers (all of them if there are fewer):
    /// walking the patterns in order, a pattern keeps one customer for each multiple of
    /// `total / customers` its cumulative weight passes. Used to find starting values on a
    /// small problem before polishing on the full one.
    pub(crate) fn systematic_sample(&self, customers: f64) -> RfmGroups {
        let step = self.total_weight() / customers;
        if step <= 1.0 {
            return self.clone();
        }
        let mut sample = RfmGroups::default();
        let mut cumulative = 0.0;
        for i in 0..self.len() {
            let before = (cumulative / step).floor();
            cumulative += self.weight[i];
            let kept = (cumulative / step).floor() - before;
            if kept > 0.0 {
                sample.frequency.push(self.frequency[i]);
                sample.recency.push(self.recency[i]);
                sample.t.push(self.t[i]);
                sample.weight.push(kept);
            }
        }
        sample
    }

    /// The largest `T`: the time scale the fits work in.
    pub(crate) fn max_t(&self) -> f64 {
        self.t.iter().copied().fold(0.0, f64::max)
    }

    /// The mean of `x / T` over customers (per unit of time), for starting values.
    pub(crate) fn mean_rate(&self) -> f64 {
        let (mut num, mut den) = (0.0, 0.0);
        for i in 0..self.len() {
            num += self.weight[i] * self.frequency[i];
            den += self.weight[i] * self.t[i];
        }
        if den > 0.0 {
            num / den
        } else {
            0.0
        }
    }
}

/// The groups laid out for likelihood loops: each of `x`, `t_x` and `T` as an index into its
/// sorted distinct values ("levels"), so that logarithms of `α + T` and the like are computed
/// once per level and not once per row. Times are multiplied by `scale`.
pub(crate) struct Levels {
    pub x: Vec<f64>,
    pub t_x: Vec<f64>,
    pub t: Vec<f64>,
    /// Total weight per `x` level.
    pub x_weight: Vec<f64>,
    pub rows: Vec<Row>,
    pub total_weight: f64,
}

/// One pattern as level indices plus its weight.
#[derive(Clone, Copy)]
pub(crate) struct Row {
    pub x: u32,
    pub t_x: u32,
    pub t: u32,
    pub w: f64,
}

/// Sorted distinct values and each value's index among them. Values are non-negative, so
/// their bit patterns sort as the numbers do and integer sorting and search can be used.
fn levels_of(values: &[f64]) -> (Vec<f64>, Vec<u32>) {
    let mut bits: Vec<u64> = values.iter().map(|v| v.to_bits()).collect();
    bits.sort_unstable();
    bits.dedup();
    let idx = values
        .iter()
        .map(|v| bits.binary_search(&v.to_bits()).expect("value is a level") as u32)
        .collect();
    (bits.into_iter().map(f64::from_bits).collect(), idx)
}

impl Levels {
    pub fn new(groups: &RfmGroups, scale: f64) -> Self {
        let (x, xi) = levels_of(&groups.frequency);
        let (t_x, txi) = levels_of(&groups.recency);
        let (t, ti) = levels_of(&groups.t);
        let mut x_weight = vec![0.0; x.len()];
        let rows: Vec<Row> = (0..groups.len())
            .map(|i| {
                x_weight[xi[i] as usize] += groups.weight[i];
                Row {
                    x: xi[i],
                    t_x: txi[i],
                    t: ti[i],
                    w: groups.weight[i],
                }
            })
            .collect();
        Levels {
            x,
            t_x: t_x.into_iter().map(|v| v * scale).collect(),
            t: t.into_iter().map(|v| v * scale).collect(),
            x_weight,
            total_weight: groups.total_weight(),
            rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_identical_patterns_and_merges() {
        let x = [0.0, 2.0, 0.0, 2.0, 1.0];
        let tx = [0.0, 5.0, 0.0, 5.0, 3.0];
        let t = [10.0, 10.0, 10.0, 10.0, 10.0];
        let g = RfmGroups::from_data(&RfmData::new(&x, &tx, &t)).unwrap();
        assert_eq!(g.len(), 3);
        assert_eq!(g.total_weight(), 5.0);
        assert_eq!(g.columns().3, &[2.0, 1.0, 2.0]);
        let mut m = g.clone();
        m.merge(&g);
        assert_eq!(m.len(), 3);
        assert_eq!(m.columns().3, &[4.0, 2.0, 4.0]);
    }

    #[test]
    fn rejects_bad_rows_by_number() {
        let err = |x: f64, tx: f64, t: f64| {
            RfmGroups::from_data(&RfmData::new(&[0.0, x], &[0.0, tx], &[1.0, t]))
                .unwrap_err()
                .to_string()
        };
        assert!(err(1.5, 0.5, 1.0).contains("row 1: frequency 1.5"));
        assert!(err(1.0, 2.0, 1.0).contains("row 1: recency 2 is greater than T 1"));
        assert!(err(0.0, 0.5, 1.0).contains("row 1: recency must be 0"));
        assert!(err(1.0, f64::NAN, 1.0).contains("row 1: recency NaN"));
        assert!(err(1.0, 0.5, -1.0).contains("row 1: T -1"));
        let w = RfmData::new(&[0.0], &[0.0], &[1.0]).with_weights(&[-1.0]);
        assert!(RfmGroups::from_data(&w)
            .unwrap_err()
            .to_string()
            .contains("row 0: weight -1"));
        let short = RfmData::new(&[0.0, 1.0], &[0.0], &[1.0, 1.0]);
        assert!(RfmGroups::from_data(&short)
            .unwrap_err()
            .to_string()
            .contains("recency has 1 rows"));
    }

    #[test]
    fn systematic_sample_keeps_proportions() {
        let x = [0.0, 1.0, 2.0];
        let tx = [0.0, 1.0, 2.0];
        let t = [3.0, 3.0, 3.0];
        let w = [600.0, 300.0, 100.0];
        let g = RfmGroups::from_data(&RfmData::new(&x, &tx, &t).with_weights(&w)).unwrap();
        let s = g.systematic_sample(100.0);
        assert_eq!(s.columns().3, &[60.0, 30.0, 10.0]);
        assert_eq!(g.systematic_sample(5000.0), g);
    }

    #[test]
    fn levels_index_distinct_values() {
        let x = [0.0, 3.0, 1.0, 3.0];
        let tx = [0.0, 4.0, 2.0, 2.0];
        let t = [5.0, 8.0, 5.0, 8.0];
        let g = RfmGroups::from_data(&RfmData::new(&x, &tx, &t)).unwrap();
        let lv = Levels::new(&g, 0.5);
        assert_eq!(lv.x, vec![0.0, 1.0, 3.0]);
        assert_eq!(lv.t, vec![2.5, 4.0]);
        assert_eq!(lv.x_weight, vec![1.0, 1.0, 2.0]);
        for (i, row) in lv.rows.iter().enumerate() {
            let (gx, gtx, gt, _) = g.columns();
            assert_eq!(lv.x[row.x as usize], gx[i]);
            assert_eq!(lv.t_x[row.t_x as usize], gtx[i] * 0.5);
            assert_eq!(lv.t[row.t as usize], gt[i] * 0.5);
        }
    }
}
