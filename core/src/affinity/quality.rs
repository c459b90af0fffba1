//! Offline quality of recommendations: hit rate@k against popularity.
//!
//! Owns: [`hit_rate`], the standard offline check of a recommender. Fit on the history before
//! a cut day; for each customer, take the top k items it never bought; a customer is a *hit*
//! when it bought at least one of them after the cut. Hit rate@k = hits / customers who bought
//! something new after the cut (only they can be hit, for either method). The same is done for
//! the popularity baseline (the k most widely bought items the customer lacks), so the ratio of
//! the two says what the rules and neighbours add.
//!
//! Must not touch: the recommender's scoring (see [`super::recommend`]).

use super::recommend::{Recommender, Scratch};
use crate::day::Day;
use crate::state::State;

/// Hits of one method.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hits {
    /// Customers with at least one recommended item bought after the cut.
    pub hits: usize,
    /// Recommended items bought after the cut, over all customers.
    pub items_hit: usize,
}

/// Hit rates of the recommender and of popularity on one split.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quality {
    /// Items recommended per customer.
    pub k: usize,
    /// Customers who bought before the cut and bought something new after it.
    pub customers: usize,
    /// The recommender's hits.
    pub model: Hits,
    /// The popularity baseline's hits.
    pub popularity: Hits,
}

impl Quality {
    /// The recommender's hit rate@k.
    pub fn model_rate(&self) -> f64 {
        rate(self.model.hits, self.customers)
    }

    /// The popularity baseline's hit rate@k.
    pub fn popularity_rate(&self) -> f64 {
        rate(self.popularity.hits, self.customers)
    }

    /// model rate / popularity rate (infinite when popularity hits nobody).
    pub fn ratio(&self) -> f64 {
        self.model_rate() / self.popularity_rate()
    }
}

impl std::fmt::Display for Quality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "hit rate@{k}: {m:.3} ({mh} of {n} customers), popularity {p:.3} ({ph}); {r:.2}x",
            k = self.k,
            m = self.model_rate(),
            mh = self.model.hits,
            n = self.customers,
            p = self.popularity_rate(),
            ph = self.popularity.hits,
            r = self.ratio()
        )
    }
}

fn rate(hits: usize, customers: usize) -> f64 {
    if customers == 0 {
        0.0
    } else {
        hits as f64 / customers as f64
    }
}

/// Scores `recommender` (fitted before the cut) against `after[c]`, the items customer `c`
/// bought after the cut (any order, repeats allowed).
pub fn hit_rate(recommender: &Recommender, after: &[Vec<u32>], k: usize) -> Quality {
    let profiles = recommender.profiles();
    let mut quality = Quality {
        k,
        customers: 0,
        model: Hits {
            hits: 0,
            items_hit: 0,
        },
        popularity: Hits {
            hits: 0,
            items_hit: 0,
        },
    };
    let mut scratch = Scratch::default();
    let upto = profiles.customers().min(after.len());
    for (c, bought) in after.iter().enumerate().take(upto) {
        let c = c as u32;
        let new: Vec<u32> = bought
            .iter()
            .copied()
            .filter(|&i| !profiles.owns(c, i))
            .collect();
        if profiles.of(c).is_empty() || new.is_empty() {
            continue;
        }
        quality.customers += 1;
        let ours = recommender.recommend(c, k, &mut scratch);
        count(
            &mut quality.model,
            ours.candidates.iter().map(|x| x.item),
            &new,
        );
        count(&mut quality.popularity, recommender.popular(c, k), &new);
    }
    quality
}

fn count(hits: &mut Hits, items: impl IntoIterator<Item = u32>, new: &[u32]) {
    let n = items.into_iter().filter(|i| new.contains(i)).count();
    hits.items_hit += n;
    hits.hits += usize::from(n > 0);
}

/// Each customer's items bought (net quantity over the day positive) in `(after, through]`, by
/// customer id, from the engine's state: the "after the cut" side of [`hit_rate`].
pub fn bought_between(state: &State, after: Day, through: Day) -> Vec<Vec<u32>> {
    state
        .customers()
        .map(|(_, customer)| {
            customer
                .pairs()
                .iter()
                .filter(|h| h.purchase_days_until(through).any(|d| d > after))
                .map(|h| h.product.0)
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::affinity::{ProfileBuilder, RecommendOptions};

    #[test]
    fn counts_hits_only_on_new_items() {
        let mut b = ProfileBuilder::new();
        // Customers 0-3 buy items 0, 1 and 2; customer 4 buys 0 and 1 only; 5-9 buy 3 alone,
        // so popularity prefers item 3 while the rule 0 -> 2 points at item 2.
        for c in 0..4 {
            for i in [0, 1, 2] {
                b.add(c, i, Day(0), 1.0, 1.0);
            }
        }
        b.add(4, 0, Day(0), 1.0, 1.0);
        b.add(4, 1, Day(0), 1.0, 1.0);
        for c in 5..10 {
            b.add(c, 3, Day(0), 1.0, 1.0);
        }
        let rec = Recommender::new(b.build(), RecommendOptions::default());
        let mut after = vec![Vec::new(); 10];
        after[4] = vec![2, 0]; // 0 is not new
        let q = hit_rate(&rec, &after, 1);
        assert_eq!(q.customers, 1);
        assert_eq!(q.model.hits, 1);
        assert_eq!(q.popularity.hits, 0);
        assert!(q.ratio().is_infinite());
    }
}
