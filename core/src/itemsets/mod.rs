//! Frequent itemsets and association rules ("what sells together"), identical to mlxtend 0.25.
//!
//! A **basket** is what one customer bought at one time: an order, a receipt, a member's
//! purchases on one day. An **itemset** is a set of items; its **support** is the share of
//! baskets that contain all of them. [`frequent_itemsets`] finds every itemset whose support
//! reaches `min_support` (FP-growth); [`association_rules`] turns each frequent itemset into
//! rules "antecedent -> consequent" and scores them: *confidence* is the share of baskets with
//! the antecedent that also hold the consequent, *lift* compares that with the consequent's own
//! support (above 1: they go together more often than chance), and so on (see [`Metric`]).
//!
//! ```
//! use salespulse::itemsets::{association_rules, frequent_itemsets, Baskets, Metric};
//!
//! // Four receipts.
//! let baskets = Baskets::from_lists([
//!     vec!["beer", "chips", "salsa"],
//!     vec!["beer", "chips"],
//!     vec!["chips", "salsa"],
//!     vec!["milk"],
//! ]);
//! // Itemsets in at least half of the baskets: {chips} 3/4, {beer} 2/4, {salsa} 2/4,
//! // {beer, chips} 2/4, {chips, salsa} 2/4.
//! let itemsets = frequent_itemsets(&baskets, 0.5, None).unwrap();
//! assert_eq!(itemsets.len(), 5);
//! assert_eq!(itemsets.support_of(&["chips", "beer"]), Some(0.5));
//!
//! // Rules right at least 80% of the time: whoever buys beer (or salsa) buys chips.
//! let rules = association_rules(&itemsets, Metric::Confidence, 0.8).unwrap();
//! assert_eq!(rules.len(), 2);
//! let antecedents = rules.column("antecedents").unwrap();
//! assert_eq!(antecedents.display(0), "beer");
//! assert_eq!(rules.f64_column("lift").unwrap()[0], Some(1.0 / 0.75));
//! ```
//!
//! Baskets come from lists of item lists ([`Baskets::from_lists`]), from (basket id, item)
//! pairs ([`Baskets::from_pairs`]) or from a table ([`Baskets::from_batch`], where a basket may
//! be named by several columns such as member and date; with the `arrow` feature also from
//! Arrow record batches). Items are kept as sets: an item twice in a basket counts once.
//!
//! # Same results as mlxtend
//!
//! For the same baskets (one-hot encoded for mlxtend), `frequent_itemsets(b, s, max_len)`
//! returns exactly the itemsets and supports of mlxtend 0.25's `fpgrowth(df, min_support=s,
//! use_colnames=True, max_len=max_len)`, and `association_rules(sets, metric, t)` the rules and
//! the twelve metric columns of `association_rules(df_sets, metric=metric, min_threshold=t)`
//! (tests/itemsets.rs checks both on the Kaggle groceries data). In particular:
//!
//! - supports are `count / baskets` in `f64`; an itemset of two or more items must also reach
//!   `ceil(min_support * baskets)`, which mlxtend uses to prune (this can exclude a pair a
//!   single item with the same count passes; see the `Thresholds` notes in `fpgrowth.rs`);
//! - conviction is `+inf` when the confidence is 1; zhangs_metric is 0 when its denominator is
//!   0; certainty is 0 when the consequent is in every basket; representativity is always 1
//!   (there are no missing values in baskets);
//! - confidence is `sAC / sA`, mlxtend's formula with its default `num_itemsets=1`. Passing
//!   `num_itemsets=len(df)` makes mlxtend compute `sAC * n / (sA * n)`, which may differ in the
//!   last bit and so flip a rule sitting exactly on the threshold (on the groceries data at
//!   confidence 0.1 it yields 131 rules instead of 130).
//!
//! Differences, all on bad or empty input: mlxtend reads `max_len=0` as "no limit" (refused
//! here), raises on an empty itemsets table (here: an empty rules table with all columns), and
//! does not check `min_threshold` (NaN is refused here). Row order is deterministic here
//! (itemsets by length, support, labels; rules by itemset, then antecedent size descending)
//! while mlxtend's depends on numpy's unstable sort.
//!
//! # Cost
//!
//! Memory grows with the (basket, item) pairs and the number of itemsets found, never with
//! baskets x catalogue: no one-hot matrix is built. Low `min_support` on large catalogues can
//! still produce very many itemsets (and rules); `max_len` bounds that.
//!
//! Files: [`baskets`] (input; `packed.rs` holds a table's rows in as few bytes as their ids
//! need while they are placed), [`fpgrowth`] (mining), [`frequent`] (the itemsets and their
//! table form), [`rules`](mod@rules) and [`metrics`]. Incremental co-occurrence counts for the engine live
//! elsewhere (`affinity`), not here.

pub mod baskets;
pub mod fpgrowth;
pub mod frequent;
pub mod metrics;
mod packed;
pub mod rules;

#[cfg(feature = "arrow")]
pub mod arrow;

pub use baskets::{BasketColumns, Baskets};
pub use fpgrowth::frequent_itemsets;
pub use frequent::FrequentItemsets;
pub use metrics::{Metric, RuleMetrics};
pub use rules::{association_rules, rules, Rule};

#[cfg(test)]
mod tests;
