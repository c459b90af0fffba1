//! Incremental item co-occurrence: "A -> C" rules without refitting.
//!
//! Owns: [`CoOccurrence`], counts of baskets, of baskets per item and of baskets per item pair,
//! updated one basket (or one new item of a basket) at a time, and the rule metrics they give
//! (the same [`RuleMetrics`] as mlxtend's `association_rules`, from pairs only). Counts are
//! sparse (a map of partners per item) and each item keeps at most a fixed number of partners,
//! so memory stays bounded on wide catalogues. Counts add up, so two partitions merge.
//!
//! Must not touch: frequent itemset mining (see [`crate::itemsets`]), which finds rules with
//! several antecedents in one batch; this file counts pairs as data arrives.

use crate::itemsets::RuleMetrics;
use rustc_hash::FxHashMap;

/// Partners kept per item unless told otherwise.
pub const DEFAULT_MAX_PARTNERS: usize = 4096;

/// Pair counts over baskets, updated incrementally.
///
/// A basket of `b` distinct items touches `b (b - 1) / 2` pairs when it arrives whole
/// ([`CoOccurrence::add_basket`]); when a basket grows by one item (a customer's item set
/// gaining a product), [`CoOccurrence::add_item`] updates in O(b). When an item has more than
/// twice `max_partners` partners, its rarest pairs are dropped down to `max_partners` (as in
/// lossy counting): from then on [`CoOccurrence::pruned_floor`] bounds how much any pair count
/// may be short, and rules about the dropped pairs are weak by construction.
///
/// ```
/// use salespulse::affinity::CoOccurrence;
///
/// let mut co = CoOccurrence::new();
/// co.add_basket(&[0, 1, 2]); // beer, chips, salsa
/// co.add_basket(&[0, 1]);
/// co.add_basket(&[1, 2]);
/// co.add_basket(&[3]);
/// assert_eq!(co.pair_count(0, 1), 2);
/// let rule = co.rule(0, 1).unwrap(); // beer -> chips
/// assert_eq!(rule.get(salespulse::itemsets::Metric::Confidence), 1.0);
/// // A basket gains an item: only its pairs with the new item change.
/// co.add_item(&[3], 0);
/// assert_eq!((co.count(0), co.pair_count(0, 3)), (3, 1));
/// ```
#[derive(Clone, Debug)]
pub struct CoOccurrence {
    baskets: u64,
    counts: Vec<u32>,
    partners: Vec<FxHashMap<u32, u32>>,
    max_partners: usize,
    floor: u32,
}

impl Default for CoOccurrence {
    fn default() -> Self {
        CoOccurrence::with_max_partners(DEFAULT_MAX_PARTNERS)
    }
}

impl CoOccurrence {
    /// Empty counts, keeping up to [`DEFAULT_MAX_PARTNERS`] partners per item.
    pub fn new() -> CoOccurrence {
        CoOccurrence::default()
    }

    /// Empty counts keeping up to `max_partners` partners per item (at least 1).
    pub fn with_max_partners(max_partners: usize) -> CoOccurrence {
        CoOccurrence {
            baskets: 0,
            counts: Vec::new(),
            partners: Vec::new(),
            max_partners: max_partners.max(1),
            floor: 0,
        }
    }

    /// Counts a new basket in; an item repeated in `items` counts once.
    pub fn add_basket(&mut self, items: &[u32]) {
        let mut items = items.to_vec();
        items.sort_unstable();
        items.dedup();
        self.baskets += 1;
        for (i, &a) in items.iter().enumerate() {
            self.grow(a);
            self.counts[a as usize] += 1;
            for &c in &items[..i] {
                self.bump(a, c);
            }
        }
    }

    /// Counts `item` into a basket already counted with the distinct items `basket` (it must not
    /// contain `item`): the item's count and its pairs with the basket's items go up by one.
    pub fn add_item(&mut self, basket: &[u32], item: u32) {
        self.grow(item);
        self.counts[item as usize] += 1;
        for &c in basket {
            self.bump(item, c);
        }
    }

    /// Adds another set of counts (over disjoint baskets): the merge of two partitions.
    pub fn merge(&mut self, other: &CoOccurrence) {
        self.baskets += other.baskets;
        self.floor = self.floor.max(other.floor);
        for (a, row) in other.partners.iter().enumerate() {
            self.grow(a as u32);
            self.counts[a] += other.counts[a];
            for (&c, &n) in row {
                *self.partners[a].entry(c).or_insert(0) += n;
            }
            self.prune(a);
        }
    }

    /// Baskets counted.
    pub fn baskets(&self) -> u64 {
        self.baskets
    }

    /// Baskets that contain `item`.
    pub fn count(&self, item: u32) -> u32 {
        self.counts.get(item as usize).copied().unwrap_or(0)
    }

    /// Baskets that contain both items (as kept in `a`'s partner list).
    pub fn pair_count(&self, a: u32, c: u32) -> u32 {
        self.partners
            .get(a as usize)
            .and_then(|row| row.get(&c))
            .copied()
            .unwrap_or(0)
    }

    /// The items seen together with `a`, with the number of baskets holding both.
    pub fn partners(&self, a: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.partners
            .get(a as usize)
            .into_iter()
            .flat_map(|row| row.iter().map(|(&c, &n)| (c, n)))
    }

    /// The largest pair count ever dropped to bound memory (0: every count is exact).
    pub fn pruned_floor(&self) -> u32 {
        self.floor
    }

    /// The metrics of the rule `a -> c` (support, confidence, lift, ... as mlxtend defines
    /// them), or `None` when the two were never seen together.
    pub fn rule(&self, a: u32, c: u32) -> Option<RuleMetrics> {
        let n = self.baskets as f64;
        let both = self.pair_count(a, c);
        (both > 0).then(|| {
            RuleMetrics::new(
                f64::from(both) / n,
                f64::from(self.count(a)) / n,
                f64::from(self.count(c)) / n,
            )
        })
    }

    /// Heap bytes held by the counts (an estimate: hash maps keep a little spare room).
    pub fn heap_bytes(&self) -> usize {
        self.counts.capacity() * 4
            + self.partners.capacity() * std::mem::size_of::<FxHashMap<u32, u32>>()
            + self
                .partners
                .iter()
                .map(|row| row.capacity() * 9)
                .sum::<usize>()
    }

    fn grow(&mut self, item: u32) {
        let need = item as usize + 1;
        if self.counts.len() < need {
            self.counts.resize(need, 0);
            self.partners.resize_with(need, FxHashMap::default);
        }
    }

    fn bump(&mut self, a: u32, c: u32) {
        self.grow(a.max(c));
        *self.partners[a as usize].entry(c).or_insert(0) += 1;
        *self.partners[c as usize].entry(a).or_insert(0) += 1;
        self.prune(a as usize);
        self.prune(c as usize);
    }

    /// Drops an item's rarest pairs when it holds more than twice the allowed partners; the
    /// slack of 2x keeps pruning rare (amortised O(1) per update).
    fn prune(&mut self, a: usize) {
        let row = &mut self.partners[a];
        if row.len() <= 2 * self.max_partners {
            return;
        }
        let mut counts: Vec<u32> = row.values().copied().collect();
        let cut = counts.len() - self.max_partners;
        let threshold = *counts.select_nth_unstable(cut).1;
        // Ties at the threshold go too, so the row surely shrinks.
        row.retain(|_, n| *n > threshold);
        self.floor = self.floor.max(threshold);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::itemsets::{association_rules, frequent_itemsets, Baskets, Metric};

    #[test]
    fn incremental_growth_equals_whole_baskets() {
        let mut whole = CoOccurrence::new();
        whole.add_basket(&[1, 4, 2, 9]);
        let mut grown = CoOccurrence::new();
        grown.add_basket(&[1]);
        grown.add_item(&[1], 4);
        grown.add_item(&[1, 4], 2);
        grown.add_item(&[1, 4, 2], 9);
        for a in 0..10 {
            assert_eq!(whole.count(a), grown.count(a));
            for c in 0..10 {
                assert_eq!(whole.pair_count(a, c), grown.pair_count(a, c));
            }
        }
    }

    #[test]
    fn pair_rules_match_association_rules() {
        let lists = [
            vec![0u32, 1, 2],
            vec![0, 1],
            vec![1, 2],
            vec![3],
            vec![0, 2, 3],
        ];
        let mut co = CoOccurrence::new();
        lists.iter().for_each(|b| co.add_basket(b));
        let names = |b: &Vec<u32>| b.iter().map(|i| format!("i{i}")).collect::<Vec<_>>();
        let baskets = Baskets::from_lists(lists.iter().map(names));
        let sets = frequent_itemsets(&baskets, 0.01, Some(2)).unwrap();
        let rules = association_rules(&sets, Metric::Confidence, 0.0).unwrap();
        let conf = rules.f64_column("confidence").unwrap();
        let lift = rules.f64_column("lift").unwrap();
        let ante = rules.column("antecedents").unwrap();
        let cons = rules.column("consequents").unwrap();
        for row in 0..rules.len() {
            let id = |s: String| s.trim_start_matches('i').parse::<u32>().unwrap();
            let (a, c) = (id(ante.display(row)), id(cons.display(row)));
            let m = co.rule(a, c).unwrap();
            assert_eq!(m.get(Metric::Confidence), conf[row].unwrap());
            assert_eq!(m.get(Metric::Lift), lift[row].unwrap());
        }
    }

    #[test]
    fn memory_stays_bounded_and_strong_pairs_survive() {
        let mut co = CoOccurrence::with_max_partners(8);
        // Item 0 goes with item 1 every time and with a new rare item each time.
        for i in 0..1000u32 {
            co.add_basket(&[0, 1, 2 + i]);
        }
        assert!(co.partners(0).count() <= 16);
        assert_eq!(co.pair_count(0, 1), 1000);
        assert_eq!(co.pruned_floor(), 1);
    }

    #[test]
    fn merge_adds_counts() {
        let (mut a, mut b, mut all) = (
            CoOccurrence::new(),
            CoOccurrence::new(),
            CoOccurrence::new(),
        );
        a.add_basket(&[0, 1]);
        b.add_basket(&[1, 5]);
        all.add_basket(&[0, 1]);
        all.add_basket(&[1, 5]);
        a.merge(&b);
        assert_eq!(a.baskets(), 2);
        assert_eq!((a.count(1), a.pair_count(5, 1)), (2, 1));
        assert_eq!(a.rule(1, 5).unwrap(), all.rule(1, 5).unwrap());
    }
}
