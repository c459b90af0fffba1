//! Association rules from frequent itemsets.
//!
//! Owns: [`rules`] (every split of every itemset of two or more items into antecedent ->
//! consequent whose chosen metric reaches the threshold, as mlxtend 0.25 enumerates them) and
//! [`association_rules`], the same as mlxtend's table.
//!
//! Must not touch: the metric formulas ([`super::metrics`]) or mining ([`super::fpgrowth`]).

use super::frequent::FrequentItemsets;
use super::metrics::{Metric, RuleMetrics};
use crate::error::{Error, Result};
use crate::table::{Frame, Series};
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

/// Item ids of one side of a rule (ids of the itemsets' labels, ascending).
pub type Side = SmallVec<[u32; 4]>;

/// One rule A -> C.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// Index of the itemset A + C in the [`FrequentItemsets`].
    pub itemset: usize,
    /// A, as item ids of the itemsets ([`FrequentItemsets::label`] names them).
    pub antecedent: Side,
    /// C, the rest of the itemset.
    pub consequent: Side,
    /// Its metrics.
    pub metrics: RuleMetrics,
}

/// The longest itemset split into rules: 2^k - 2 rules each, so beyond this the count alone
/// makes the call useless.
const MAX_RULE_ITEMSET: usize = 24;

/// Every rule A -> C with `metric(A -> C) >= min_threshold`, for A and C non-empty, disjoint,
/// and A + C one of the itemsets.
///
/// Rules come in the order of the itemsets; within one itemset, antecedents from the largest to
/// the smallest, and among equal sizes in the order of their labels (mlxtend's
/// `combinations(itemset, r)` for r from len - 1 down to 1).
///
/// # Errors
///
/// [`Error::InvalidArgument`] when `min_threshold` is NaN, when the support of an antecedent or
/// consequent is missing from `itemsets` (a table filtered before the call; mlxtend raises a
/// `KeyError` there), or when an itemset has more than 24 items.
pub fn rules(itemsets: &FrequentItemsets, metric: Metric, min_threshold: f64) -> Result<Vec<Rule>> {
    if min_threshold.is_nan() {
        return Err(Error::InvalidArgument(
            "min_threshold is NaN; give the least value of the metric a rule must reach".into(),
        ));
    }
    let support: FxHashMap<&[u32], f64> = (0..itemsets.len())
        .map(|i| (itemsets.ids(i), itemsets.support(i)))
        .collect();
    let lookup = |side: &[u32]| {
        support.get(side).copied().ok_or_else(|| {
            let labels: Vec<&str> = side.iter().map(|&id| itemsets.label(id)).collect();
            Error::InvalidArgument(format!(
                "the support of {labels:?} is missing: association rules need the support of \
                 every subset of each itemset, as frequent_itemsets returns them (do not \
                 filter its table before this call; filter the rules instead)"
            ))
        })
    };
    let mut found = Vec::new();
    for i in 0..itemsets.len() {
        let set = itemsets.ids(i);
        if set.len() > MAX_RULE_ITEMSET {
            return Err(Error::InvalidArgument(format!(
                "itemset {:?} has {} items, which makes {} rules; mine with a max_len of at \
                 most {MAX_RULE_ITEMSET}",
                itemsets.itemset(i),
                set.len(),
                1u64.checked_shl(set.len() as u32)
                    .map_or(u64::MAX, |n| n - 2)
            )));
        }
        let s_ac = itemsets.support(i);
        for size in (1..set.len()).rev() {
            for_each_combination(set.len(), size, |chosen| {
                let (antecedent, consequent) = split(set, chosen);
                let metrics = RuleMetrics::new(s_ac, lookup(&antecedent)?, lookup(&consequent)?);
                if metrics.get(metric) >= min_threshold {
                    found.push(Rule {
                        itemset: i,
                        antecedent,
                        consequent,
                        metrics,
                    });
                }
                Ok(())
            })?;
        }
    }
    Ok(found)
}

/// The items of `set` at the positions of the bits of `chosen`, and the others.
fn split(set: &[u32], chosen: u32) -> (Side, Side) {
    let (mut a, mut c) = (Side::new(), Side::new());
    for (pos, &item) in set.iter().enumerate() {
        if chosen & (1 << pos) != 0 {
            a.push(item);
        } else {
            c.push(item);
        }
    }
    (a, c)
}

/// Calls `f` with each `size`-subset of positions `0..n` as a bit mask, in the lexicographic
/// order of the positions (as `itertools.combinations`).
fn for_each_combination(n: usize, size: usize, mut f: impl FnMut(u32) -> Result<()>) -> Result<()> {
    let mut positions: Vec<usize> = (0..size).collect();
    loop {
        f(positions.iter().fold(0u32, |mask, &p| mask | (1 << p)))?;
        // The rightmost position that can still move right, as itertools does it.
        let Some(i) = (0..size).rev().find(|&i| positions[i] != i + n - size) else {
            return Ok(());
        };
        positions[i] += 1;
        for j in i + 1..size {
            positions[j] = positions[j - 1] + 1;
        }
    }
}

/// mlxtend 0.25's `association_rules(itemsets, metric=metric, min_threshold=min_threshold)`
/// as a table: `antecedents` and `consequents` (sorted item labels), then every metric column
/// of [`Metric::ALL`] in that order. See [`rules`] for the order of the rows and the errors.
///
/// Unlike mlxtend, no itemsets (or none of two items or more) give an empty table with the
/// same columns instead of an error.
///
/// ```
/// use salespulse::itemsets::{association_rules, frequent_itemsets, Baskets, Metric};
/// let baskets = Baskets::from_lists([vec!["a", "b"], vec!["a", "b"], vec!["a"], vec!["c"]]);
/// let sets = frequent_itemsets(&baskets, 0.5, None).unwrap();
/// let rules = association_rules(&sets, Metric::Confidence, 0.8).unwrap();
/// // b -> a holds in 2 of 2 baskets with b; a -> b in 2 of 3.
/// assert_eq!(rules.len(), 1);
/// assert_eq!(rules.f64_column("confidence").unwrap(), &[Some(1.0)]);
/// assert_eq!(rules.f64_column("conviction").unwrap(), &[Some(f64::INFINITY)]);
/// ```
pub fn association_rules(
    itemsets: &FrequentItemsets,
    metric: Metric,
    min_threshold: f64,
) -> Result<Frame> {
    let found = rules(itemsets, metric, min_threshold)?;
    let labels = |side: &Side| -> Vec<String> {
        side.iter()
            .map(|&id| itemsets.label(id).to_string())
            .collect()
    };
    let mut frame = Frame::new()
        .with(
            "antecedents",
            Series::StrList(found.iter().map(|r| labels(&r.antecedent)).collect()),
        )
        .with(
            "consequents",
            Series::StrList(found.iter().map(|r| labels(&r.consequent)).collect()),
        );
    for m in Metric::ALL {
        let values = found.iter().map(|r| Some(r.metrics.get(m))).collect();
        frame = frame.with(m.name(), Series::F64(values));
    }
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_in_itertools_order() {
        let mut seen = vec![];
        for_each_combination(4, 2, |m| {
            seen.push(m);
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, [0b0011, 0b0101, 0b1001, 0b0110, 0b1010, 0b1100]);
    }

    #[test]
    fn every_split_of_a_triple_in_mlxtend_order() {
        let sets = FrequentItemsets::from_rows(
            &[0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
            &[
                vec!["a"],
                vec!["b"],
                vec!["c"],
                vec!["a", "b"],
                vec!["a", "c"],
                vec!["b", "c"],
                vec!["a", "b", "c"],
            ],
        )
        .unwrap();
        let found = rules(&sets, Metric::Support, 0.0).unwrap();
        assert_eq!(found.len(), 3 * 2 + 6);
        let last: Vec<(Vec<u32>, Vec<u32>)> = found[6..]
            .iter()
            .map(|r| (r.antecedent.to_vec(), r.consequent.to_vec()))
            .collect();
        assert_eq!(
            last,
            [
                (vec![0, 1], vec![2]),
                (vec![0, 2], vec![1]),
                (vec![1, 2], vec![0]),
                (vec![0], vec![1, 2]),
                (vec![1], vec![0, 2]),
                (vec![2], vec![0, 1]),
            ]
        );
    }

    #[test]
    fn missing_subset_and_nan_threshold_are_refused() {
        let sets = FrequentItemsets::from_rows(&[0.5, 0.4], &[vec!["a"], vec!["a", "b"]]).unwrap();
        let err = rules(&sets, Metric::Lift, 0.0).unwrap_err().to_string();
        assert!(err.contains("[\"b\"]"), "{err}");
        assert!(rules(&sets, Metric::Lift, f64::NAN).is_err());
    }

    #[test]
    fn no_itemsets_give_an_empty_table_with_all_columns() {
        let frame =
            association_rules(&FrequentItemsets::default(), Metric::Confidence, 0.8).unwrap();
        assert_eq!(frame.len(), 0);
        assert_eq!(frame.columns.len(), 14);
        assert_eq!(frame.columns[2].0, "antecedent support");
    }
}
