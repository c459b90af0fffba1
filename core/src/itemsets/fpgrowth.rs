//! FP-growth: every itemset contained in at least a minimum number of baskets.
//!
//! Owns: [`frequent_itemsets`], the FP-tree (an arena of nodes with parent links and per-item
//! node chains; the first tree, the peak memory of mining, is built basket by basket through a
//! (parent, item) -> child map and its chains are linked once the map is freed; conditional
//! trees from their paths sorted lexicographically so that shared prefixes are adjacent and no
//! child lookup is needed), conditional trees and their mining, and mlxtend's support
//! thresholds (see `Thresholds`). Memory is bounded by the (basket, item) pairs: the tree has
//! at most one node per pair, and each conditional tree at most one per node of its parent.
//!
//! Must not touch: basket input ([`super::baskets`]) or rules ([`super::rules`](mod@super::rules)).

use super::baskets::Baskets;
use super::frequent::FrequentItemsets;
use crate::error::{Error, Result};
use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;

/// Every itemset whose support (the share of baskets that contain it) is at least
/// `min_support`, with at most `max_len` items (no limit for `None`), exactly as mlxtend 0.25's
/// `fpgrowth(df, min_support, use_colnames=True, max_len=max_len)` on the one-hot table of the
/// same baskets: same itemsets, same supports (`count / baskets` in `f64`).
///
/// # Errors
///
/// [`Error::InvalidArgument`] when `min_support` is not in (0, 1] or `max_len` is `Some(0)`
/// (mlxtend reads 0 as "no limit"; here it is refused, say `None` for that).
///
/// ```
/// use salespulse::itemsets::{frequent_itemsets, Baskets};
/// let baskets = Baskets::from_lists([vec!["a", "b"], vec!["a", "b", "c"], vec!["a"]]);
/// let sets = frequent_itemsets(&baskets, 0.5, None).unwrap();
/// // {a} 3/3, {b} 2/3, {a, b} 2/3; {c} is in 1 of 3 baskets only.
/// assert_eq!(sets.len(), 3);
/// assert_eq!(sets.support_of(&["a", "b"]), Some(2.0 / 3.0));
/// ```
pub fn frequent_itemsets(
    baskets: &Baskets,
    min_support: f64,
    max_len: Option<usize>,
) -> Result<FrequentItemsets> {
    check_min_support(min_support)?;
    if max_len == Some(0) {
        return Err(Error::InvalidArgument(
            "max_len is 0; it must be at least 1 (the longest itemset wanted), or None for no \
             limit"
                .into(),
        ));
    }
    let n = u32::try_from(baskets.len()).map_err(|_| {
        Error::InvalidArgument(format!(
            "{} baskets are more than frequent_itemsets counts ({}); mine a sample or split \
             the baskets",
            baskets.len(),
            u32::MAX
        ))
    })?;
    let max_len = max_len.unwrap_or(usize::MAX);
    let mut out = Found::default();
    let mut thresholds = Thresholds::new(min_support, n);
    let (tree, singles) = top_tree(baskets, thresholds.single);
    for &(item, count) in &singles {
        out.push(&[item], count);
    }
    if tree.is_single_path() {
        // mlxtend never builds a conditional tree when the whole tree is one path: it takes
        // every combination of its items, filtered by the float test alone.
        thresholds.larger = thresholds.single;
    }
    if max_len > 1 {
        let mut miner = Miner {
            min_count: thresholds.larger,
            max_len,
            suffix: Vec::new(),
            out: &mut out,
        };
        miner.grow_each_item(&tree);
    }
    Ok(out.into_itemsets(baskets, n))
}

/// Refuses a min_support outside (0, 1].
pub(crate) fn check_min_support(min_support: f64) -> Result<()> {
    if min_support > 0.0 && min_support <= 1.0 {
        return Ok(());
    }
    Err(Error::InvalidArgument(format!(
        "min_support is {min_support}; it must be in (0, 1], the share of baskets an itemset \
         must appear in (for at least k of N baskets, pass k / N)"
    )))
}

/// The basket counts an itemset needs, as mlxtend 0.25 decides them.
///
/// mlxtend keeps a single item when `count / n >= min_support` (in floats), prunes conditional
/// trees at `ceil(min_support * n)` and finally keeps an itemset when `count / n >=
/// min_support`. The two tests can disagree by one basket when `min_support * n` rounds up
/// (0.28 * 25 is 7.000000000000001: a single item in 7 of 25 baskets is frequent, a pair in 7
/// is not, unless the whole tree is one path). Both tests are monotone in the count, so each
/// is a minimum count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Thresholds {
    /// Minimum count of a single item.
    pub single: u32,
    /// Minimum count of an itemset of two or more items.
    pub larger: u32,
}

impl Thresholds {
    pub fn new(min_support: f64, n: u32) -> Thresholds {
        let by_float = min_count_by_float(min_support, n);
        let ceil = (min_support * n as f64).ceil();
        // Counts above n are never reached; clamp to keep the conversion in range.
        let by_ceil = if ceil > n as f64 { n + 1 } else { ceil as u32 };
        Thresholds {
            single: by_float,
            larger: by_float.max(by_ceil),
        }
    }
}

/// The least count `c` with `c as f64 / n as f64 >= min_support` (`n + 1` when none is).
fn min_count_by_float(min_support: f64, n: u32) -> u32 {
    let passes = |c: u32| c as f64 / n as f64 >= min_support;
    let (mut lo, mut hi) = (0u32, n + 1);
    // Invariant: counts below lo fail, hi passes or is n + 1.
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if mid <= n && passes(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// The itemsets found so far: items (global ids) in one flat vector, sorted within each set.
#[derive(Default)]
struct Found {
    items: Vec<u32>,
    ends: Vec<usize>,
    counts: Vec<u32>,
}

impl Found {
    fn push(&mut self, items: &[u32], count: u32) {
        let start = self.items.len();
        self.items.extend_from_slice(items);
        self.items[start..].sort_unstable();
        self.ends.push(self.items.len());
        self.counts.push(count);
    }

    fn into_itemsets(self, baskets: &Baskets, n: u32) -> FrequentItemsets {
        let labels = |id: u32| baskets.label(id);
        FrequentItemsets::from_counts(&self.items, &self.ends, &self.counts, n, labels)
    }
}

/// The frequent single items with their counts, and the FP-tree of all baskets over them.
fn top_tree(baskets: &Baskets, min_count: u32) -> (Tree, Vec<(u32, u32)>) {
    let mut counts = vec![0u32; baskets.items()];
    for basket in baskets.iter() {
        for &item in basket {
            counts[item as usize] += 1;
        }
    }
    let frequent: Vec<(u32, u32)> = (0..counts.len() as u32)
        .map(|item| (item, counts[item as usize]))
        .filter(|&(_, c)| c >= min_count)
        .collect();
    let ranking = Ranking::by_count(&frequent, counts.len());
    let tree = Tree::insert_all(baskets, &ranking);
    (tree, frequent)
}

/// The order of items in a tree: most frequent first (rank 0), ties by the lower previous id.
struct Ranking {
    /// Rank of each previous id (`NONE` when not kept).
    rank_of: Vec<u32>,
    /// Global item id of each rank.
    labels: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl Ranking {
    /// `kept`: (previous id, count) of the kept items; `universe`: how many previous ids exist.
    fn by_count(kept: &[(u32, u32)], universe: usize) -> Ranking {
        let mut order: Vec<(u32, u32)> = kept.to_vec();
        order.sort_unstable_by_key(|&(id, count)| (std::cmp::Reverse(count), id));
        let mut rank_of = vec![NONE; universe];
        for (rank, &(id, _)) in order.iter().enumerate() {
            rank_of[id as usize] = rank as u32;
        }
        Ranking {
            rank_of,
            labels: order.iter().map(|&(id, _)| id).collect(),
        }
    }
}

/// Weighted transactions of ranks, each sorted ascending, in one flat vector.
#[derive(Default)]
struct Transactions {
    items: Vec<u32>,
    /// (start, end, weight) of each transaction.
    spans: Vec<(u32, u32, u32)>,
}

impl Transactions {
    /// Room for `items` items in `count` transactions (exact sizes avoid growth by doubling,
    /// which would double the peak memory of the largest tree).
    fn with_capacity(items: usize, count: usize) -> Transactions {
        Transactions {
            items: Vec::with_capacity(items),
            spans: Vec::with_capacity(count),
        }
    }

    /// Adds the kept items of `items` (by `rank_of`) as one transaction of `weight`.
    fn push_ranked(&mut self, items: impl Iterator<Item = usize>, rank_of: &[u32], weight: u32) {
        let start = self.items.len();
        self.items
            .extend(items.map(|i| rank_of[i]).filter(|&r| r != NONE));
        if self.items.len() == start {
            return;
        }
        self.items[start..].sort_unstable();
        self.spans
            .push((start as u32, self.items.len() as u32, weight));
    }

    fn get(&self, span: (u32, u32, u32)) -> &[u32] {
        &self.items[span.0 as usize..span.1 as usize]
    }
}

/// An FP-tree: node 0 is the root; each other node is an item (a rank of this tree) with the
/// number of baskets whose path passes through it.
struct Tree {
    item: Vec<u32>,
    count: Vec<u32>,
    parent: Vec<u32>,
    /// The next node of the same item (`NONE` at the end of the chain).
    next: Vec<u32>,
    /// The first node of each rank's chain.
    first: Vec<u32>,
    /// Global item id of each rank.
    labels: Vec<u32>,
}

impl Tree {
    /// The tree of `transactions` (sorted here) over items `0..labels.len()`.
    fn build(transactions: &mut Transactions, labels: Vec<u32>) -> Tree {
        let mut spans = std::mem::take(&mut transactions.spans);
        spans.sort_unstable_by(|&a, &b| transactions.get(a).cmp(transactions.get(b)));
        // At most one node per transaction item, plus the root.
        let nodes = transactions.items.len() + 1;
        let with_root = |root: u32| {
            let mut v = Vec::with_capacity(nodes);
            v.push(root);
            v
        };
        let mut tree = Tree {
            item: with_root(NONE),
            count: with_root(0),
            parent: with_root(NONE),
            next: with_root(NONE),
            first: vec![NONE; labels.len()],
            labels,
        };
        // Sorted transactions share a prefix with their predecessor or with nothing before it,
        // so the path of the previous transaction is all that is needed to find existing nodes.
        let mut path: Vec<u32> = Vec::new();
        let mut previous: &[u32] = &[];
        for &span in &spans {
            let items = transactions.get(span);
            let weight = span.2;
            let shared = common_prefix(previous, items);
            path.truncate(shared);
            for &node in &path {
                tree.count[node as usize] += weight;
            }
            for &item in &items[shared..] {
                let parent = path.last().copied().unwrap_or(0);
                path.push(tree.add_node(item, weight, parent));
            }
            previous = items;
        }
        tree
    }

    /// The tree of all baskets over the ranked items, inserted one basket at a time through a
    /// hash table of (parent, item) -> child: unlike [`Tree::build`] it needs no copy of the
    /// baskets, only the table, which has one slot per node (far fewer than basket items on
    /// real data).
    ///
    /// This is the largest tree and the peak memory of mining, so it is built lean: nodes are
    /// added without their item chains, and once the table is freed the node arrays are cut
    /// to size and the chains linked (one exact array instead of one more growing with the
    /// table alive).
    fn insert_all(baskets: &Baskets, ranking: &Ranking) -> Tree {
        let mut tree = Tree::empty(ranking.labels.clone());
        let children = tree.insert_unchained(baskets, &ranking.rank_of);
        drop(children);
        tree.item.shrink_to_fit();
        tree.count.shrink_to_fit();
        tree.parent.shrink_to_fit();
        tree.link_chains();
        tree
    }

    /// Inserts every basket's ranked items (`rank_of` each item), adding nodes with
    /// [`Tree::add_unchained`]; returns the (parent, item) -> child table.
    fn insert_unchained(&mut self, baskets: &Baskets, rank_of: &[u32]) -> HashTable<u32> {
        let tree = self;
        // Child node ids, hashed by (parent, item) read back from the node arrays: 5 bytes a
        // slot instead of a map's 17.
        let mut children: HashTable<u32> = HashTable::new();
        let hash = |parent: u32, item: u32| FxBuildHasher.hash_one((parent, item));
        let mut ranks: Vec<u32> = Vec::new();
        for basket in baskets.iter() {
            ranks.clear();
            ranks.extend(basket.iter().map(|&i| rank_of[i as usize]));
            ranks.retain(|&r| r != NONE);
            ranks.sort_unstable();
            let mut node = 0u32;
            for &rank in &ranks {
                let h = hash(node, rank);
                let found = children.find(h, |&c| {
                    tree.parent[c as usize] == node && tree.item[c as usize] == rank
                });
                node = match found {
                    Some(&child) => {
                        tree.count[child as usize] += 1;
                        child
                    }
                    None => {
                        let child = tree.add_unchained(rank, 1, node);
                        let (parent, item) = (&tree.parent, &tree.item);
                        children.insert_unique(h, child, |&c| {
                            hash(parent[c as usize], item[c as usize])
                        });
                        child
                    }
                };
            }
        }
        children
    }

    /// A tree with only its root, over items `0..labels.len()`.
    fn empty(labels: Vec<u32>) -> Tree {
        Tree {
            item: vec![NONE],
            count: vec![0],
            parent: vec![NONE],
            next: vec![NONE],
            first: vec![NONE; labels.len()],
            labels,
        }
    }

    fn add_node(&mut self, item: u32, count: u32, parent: u32) -> u32 {
        let node = self.add_unchained(item, count, parent);
        self.next.push(self.first[item as usize]);
        self.first[item as usize] = node;
        node
    }

    /// Adds a node but not to its item's chain: [`Tree::link_chains`] must follow.
    fn add_unchained(&mut self, item: u32, count: u32, parent: u32) -> u32 {
        let node = self.item.len() as u32;
        push_gently(&mut self.item, item);
        push_gently(&mut self.count, count);
        push_gently(&mut self.parent, parent);
        node
    }

    /// Links every node into its item's chain, in the order [`Tree::add_node`] would have.
    fn link_chains(&mut self) {
        self.next = vec![NONE; self.item.len()];
        for node in 1..self.item.len() {
            let item = self.item[node] as usize;
            self.next[node] = self.first[item];
            self.first[item] = node as u32;
        }
    }

    /// Whether every node has at most one child (nodes are created parent first, so that is
    /// every node's parent being the node created just before it).
    fn is_single_path(&self) -> bool {
        (1..self.item.len()).all(|n| self.parent[n] as usize == n - 1)
    }

    /// The nodes of `rank`.
    fn chain(&self, rank: u32) -> impl Iterator<Item = usize> + '_ {
        let mut node = self.first[rank as usize];
        std::iter::from_fn(move || {
            if node == NONE {
                return None;
            }
            let current = node as usize;
            node = self.next[current];
            Some(current)
        })
    }

    /// The number of baskets holding `rank` (with this tree's condition).
    fn support(&self, rank: u32) -> u32 {
        self.chain(rank).map(|n| self.count[n]).sum()
    }

    /// The ranks on the way from `node` up to the root, excluding `node` itself.
    fn ancestors(&self, node: usize) -> impl Iterator<Item = u32> + '_ {
        let mut current = self.parent[node];
        std::iter::from_fn(move || {
            if current == 0 || current == NONE {
                return None;
            }
            let rank = self.item[current as usize];
            current = self.parent[current as usize];
            Some(rank)
        })
    }
}

/// Pushes onto a node array, growing it by a quarter when full instead of doubling it.
///
/// Only the first tree grows (conditional trees reserve their bound), and it is the peak of
/// mining: doubling leaves up to half of each array unused and, while the three arrays double
/// one after another, holds old and new blocks of each. A quarter wastes at most a fifth; the
/// extra copies are a few bytes per node.
fn push_gently(values: &mut Vec<u32>, value: u32) {
    if values.len() == values.capacity() {
        values.reserve_exact((values.len() / 4).max(256));
    }
    values.push(value);
}

fn common_prefix(a: &[u32], b: &[u32]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// The recursive part of FP-growth: extends `suffix` (global ids) by each item of a tree.
struct Miner<'a> {
    min_count: u32,
    max_len: usize,
    suffix: Vec<u32>,
    out: &'a mut Found,
}

impl Miner<'_> {
    /// For each item of `tree` (the suffix's conditional tree), the itemsets that end in it and
    /// are longer than the suffix by two or more, via its own conditional tree. The itemsets
    /// longer by one (`suffix + item`) are emitted by the caller.
    fn grow_each_item(&mut self, tree: &Tree) {
        for rank in (0..tree.labels.len() as u32).rev() {
            let conditional = self.conditional_tree(tree, rank);
            if conditional.labels.is_empty() {
                continue;
            }
            self.suffix.push(tree.labels[rank as usize]);
            self.mine(&conditional);
            self.suffix.pop();
        }
    }

    /// Emits `suffix + X` for every non-empty itemset X of `tree` (all of whose items are
    /// frequent with the suffix), up to `max_len` items.
    fn mine(&mut self, tree: &Tree) {
        if tree.is_single_path() {
            self.emit_path_combinations(tree);
            return;
        }
        for rank in 0..tree.labels.len() as u32 {
            self.suffix.push(tree.labels[rank as usize]);
            self.out.push(&self.suffix, tree.support(rank));
            self.suffix.pop();
        }
        if self.suffix.len() + 1 < self.max_len {
            self.grow_each_item(tree);
        }
    }

    /// The conditional tree of `rank`: the paths above its nodes, weighted by the nodes'
    /// counts, over the items frequent among them.
    fn conditional_tree(&self, tree: &Tree, rank: u32) -> Tree {
        let mut counts = vec![0u32; rank as usize];
        let (mut paths, mut path_items) = (0, 0);
        for node in tree.chain(rank) {
            paths += 1;
            for above in tree.ancestors(node) {
                counts[above as usize] += tree.count[node];
                path_items += 1;
            }
        }
        let kept: Vec<(u32, u32)> = (0..rank)
            .map(|r| (r, counts[r as usize]))
            .filter(|&(_, c)| c >= self.min_count)
            .collect();
        let ranking = Ranking::by_count(&kept, rank as usize);
        let mut transactions = Transactions::default();
        if !kept.is_empty() {
            transactions = Transactions::with_capacity(path_items, paths);
            for node in tree.chain(rank) {
                let path = tree.ancestors(node).map(|r| r as usize);
                transactions.push_ranked(path, &ranking.rank_of, tree.count[node]);
            }
        }
        let labels = ranking
            .labels
            .iter()
            .map(|&r| tree.labels[r as usize])
            .collect();
        Tree::build(&mut transactions, labels)
    }

    /// Every combination of a one-path tree's nodes, each with the count of its deepest node.
    fn emit_path_combinations(&mut self, tree: &Tree) {
        let path: Vec<(u32, u32)> = (1..tree.item.len())
            .map(|n| (tree.labels[tree.item[n] as usize], tree.count[n]))
            .collect();
        let room = self.max_len.saturating_sub(self.suffix.len());
        self.combine(&path, 0, room);
    }

    /// Extends the suffix by nodes from `path[from..]` (deeper ones have smaller counts).
    fn combine(&mut self, path: &[(u32, u32)], from: usize, room: usize) {
        if room == 0 {
            return;
        }
        for i in from..path.len() {
            let (item, count) = path[i];
            self.suffix.push(item);
            self.out.push(&self.suffix, count);
            self.combine(path, i + 1, room - 1);
            self.suffix.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_and_ceil_thresholds_differ_when_the_product_rounds_up() {
        // 0.28 * 25 = 7.000000000000001: 7 of 25 passes the float test, not the ceiling.
        assert_eq!(
            Thresholds::new(0.28, 25),
            Thresholds {
                single: 7,
                larger: 8
            }
        );
        assert_eq!(Thresholds::new(0.1, 30).larger, 3);
        assert_eq!(
            Thresholds::new(0.5, 4),
            Thresholds {
                single: 2,
                larger: 2
            }
        );
        assert_eq!(Thresholds::new(1.0, 7).single, 7);
        assert_eq!(Thresholds::new(0.001, 14_963).larger, 15);
    }

    #[test]
    fn sorted_insertion_shares_prefixes() {
        let mut t = Transactions::default();
        let rank_of = [0, 1, 2, 3];
        for items in [&[0usize, 1, 2][..], &[0, 2], &[0, 1, 3], &[0, 1, 2]] {
            t.push_ranked(items.iter().copied(), &rank_of, 1);
        }
        let tree = Tree::build(&mut t, vec![10, 11, 12, 13]);
        // root, 0, 0-1, 0-1-2, 0-1-3, 0-2
        assert_eq!(tree.item.len(), 6);
        assert_eq!(tree.support(0), 4);
        assert_eq!(tree.support(2), 3);
        assert!(!tree.is_single_path());
    }

    #[test]
    fn nested_baskets_make_a_single_path() {
        let mut t = Transactions::default();
        let rank_of = [0, 1, 2];
        for items in [&[0usize][..], &[0, 1, 2], &[0, 1]] {
            t.push_ranked(items.iter().copied(), &rank_of, 1);
        }
        assert!(Tree::build(&mut t, vec![0, 1, 2]).is_single_path());
    }
}
