//! Next-best items per customer: rules and neighbours, blended.
//!
//! Owns: [`Recommender`], which scores the items a customer never bought by two kinds of
//! evidence and ranks them:
//!
//! - **rules**: "customers who buy A also buy C" from item co-occurrence over customers' item
//!   sets ([`CoOccurrence`]); the best antecedent's confidence, shrunk toward 0 when A has few
//!   buyers (`n_AC / (n_A + shrink)`), so a rule seen on two customers does not read as certain;
//! - **neighbours**: the similarity-weighted share of the customer's nearest neighbours
//!   ([`SimilarCustomers`]) who buy C.
//!
//! score = `rule_weight` x rule + (1 - `rule_weight`) x neighbours, in 0..=1. When fewer than k
//! items have evidence, the list is filled with the most popular items the customer lacks
//! (score 0, marked `popular`). It works on dense `u32` ids, so it serves the engine and any
//! other data alike; prices, revenue and words live in [`super::offers`](mod@super::offers).
//!
//! Must not touch: the engine's state or signals.

use super::cooccurrence::CoOccurrence;
use super::profiles::Profiles;
use super::similar::{Neighbour, SimilarCustomers};
use smallvec::SmallVec;

/// The knobs of the recommender; the defaults are what the quality example measures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecommendOptions {
    /// Neighbours consulted per customer.
    pub neighbours: usize,
    /// Customers who must share A and C before "A -> C" counts as a rule.
    pub min_together: u32,
    /// Pseudo-count that shrinks the confidence of rules with few antecedent buyers.
    pub shrink: f64,
    /// Weight of the rule evidence in the score (the rest goes to neighbours), 0..=1.
    pub rule_weight: f64,
}

impl Default for RecommendOptions {
    fn default() -> Self {
        RecommendOptions {
            neighbours: 50,
            min_together: 3,
            shrink: 5.0,
            rule_weight: 0.5,
        }
    }
}

/// A rule behind a candidate: the customer buys `antecedent`, and that implies the candidate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RuleEvidence {
    /// The item the customer buys (A of "A -> C").
    pub antecedent: u32,
    /// Share of A's buyers who also buy C.
    pub confidence: f64,
    /// confidence / share of all customers who buy C.
    pub lift: f64,
}

/// An item the customer never bought, with its score and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The item.
    pub item: u32,
    /// The blended score, 0..=1; higher is stronger.
    pub score: f64,
    /// Similarity-weighted share of the neighbours who buy it.
    pub similar_share: f64,
    /// Neighbours who buy it.
    pub similar_buyers: u32,
    /// The (up to two) strongest rules implying it, strongest first.
    pub rules: SmallVec<[RuleEvidence; 2]>,
    /// Filled in from popularity for lack of evidence.
    pub popular: bool,
}

/// A customer's candidates and the neighbours they were found with.
#[derive(Clone, Debug, Default)]
pub struct Recommendations {
    /// The nearest neighbours, most similar first.
    pub neighbours: Vec<Neighbour>,
    /// The ranked candidates, best first.
    pub candidates: Vec<Candidate>,
}

/// Reusable buffers for [`Recommender::recommend`] (one per thread).
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    customers: Vec<f32>,
    slots: Vec<Slot>,
    touched: Vec<u32>,
    /// owned[item]: the customer being scored bought it (a flag per item beats a binary search
    /// in the inner loops).
    owned: Vec<bool>,
}

#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    weight: f32,
    buyers: u32,
    rules: [Option<(u32, f64)>; 2],
    seen: bool,
}

/// Rules, neighbours and popularity fitted on one set of profiles.
///
/// ```
/// use salespulse::affinity::{ProfileBuilder, Recommender, RecommendOptions, Scratch};
/// use salespulse::Day;
///
/// // Six customers buy coffee (0) and milk (1); five of them also buy sugar (2).
/// let mut b = ProfileBuilder::new();
/// for c in 0..6 {
///     for item in [0, 1, 2] {
///         if !(c == 5 && item == 2) {
///             b.add(c, item, Day(0), 1.0, 1.0);
///         }
///     }
/// }
/// let rec = Recommender::new(b.build(), RecommendOptions::default());
/// let top = rec.recommend(5, 3, &mut Scratch::default());
/// assert_eq!(top.candidates[0].item, 2);
/// assert_eq!(top.candidates[0].similar_buyers, 5);
/// ```
#[derive(Clone, Debug)]
pub struct Recommender {
    profiles: Profiles,
    co: CoOccurrence,
    similar: SimilarCustomers,
    buyers: Vec<u32>,
    popular: Vec<u32>,
    options: RecommendOptions,
}

impl Recommender {
    /// Fits co-occurrence, the neighbour index and popularity on `profiles`.
    pub fn new(profiles: Profiles, options: RecommendOptions) -> Recommender {
        let mut co = CoOccurrence::new();
        let mut basket = Vec::new();
        for c in 0..profiles.customers() as u32 {
            basket.clear();
            basket.extend(profiles.of(c).iter().map(|s| s.item));
            if !basket.is_empty() {
                co.add_basket(&basket);
            }
        }
        let similar = SimilarCustomers::new(&profiles);
        let buyers = profiles.buyers_per_item();
        let mut popular: Vec<u32> = (0..buyers.len() as u32)
            .filter(|&i| buyers[i as usize] > 0)
            .collect();
        popular.sort_by_key(|&i| (std::cmp::Reverse(buyers[i as usize]), i));
        Recommender {
            profiles,
            co,
            similar,
            buyers,
            popular,
            options,
        }
    }

    /// The profiles it was fitted on.
    pub fn profiles(&self) -> &Profiles {
        &self.profiles
    }

    /// The item co-occurrence over customers' item sets.
    pub fn cooccurrence(&self) -> &CoOccurrence {
        &self.co
    }

    /// The neighbour index.
    pub fn similar(&self) -> &SimilarCustomers {
        &self.similar
    }

    /// Customers who bought `item`.
    pub fn buyers(&self, item: u32) -> u32 {
        self.buyers.get(item as usize).copied().unwrap_or(0)
    }

    /// The top `k` items the customer never bought, best first.
    pub fn recommend(&self, customer: u32, k: usize, scratch: &mut Scratch) -> Recommendations {
        scratch.slots.resize(self.profiles.items(), Slot::default());
        scratch.owned.resize(self.profiles.items(), false);
        for s in self.profiles.of(customer) {
            scratch.owned[s.item as usize] = true;
        }
        let neighbours =
            self.similar
                .neighbours(customer, self.options.neighbours, &mut scratch.customers);
        self.collect_neighbours(&neighbours, scratch);
        self.collect_rules(customer, scratch);
        let total: f32 = neighbours.iter().map(|n| n.similarity).sum();
        let mut scored: Vec<(f64, u32, Slot)> = scratch
            .touched
            .drain(..)
            .map(|item| {
                let slot = std::mem::take(&mut scratch.slots[item as usize]);
                (self.score(slot, total), item, slot)
            })
            .collect();
        let order =
            |a: &(f64, u32, Slot), b: &(f64, u32, Slot)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if scored.len() > k && k > 0 {
            scored.select_nth_unstable_by(k - 1, order);
        }
        scored.truncate(k);
        scored.sort_by(order);
        // Rule metrics and evidence only for the few kept: most touched items are dropped.
        let mut candidates: Vec<Candidate> = scored
            .into_iter()
            .map(|(score, item, slot)| self.candidate(item, slot, score, total))
            .collect();
        self.fill_with_popular(customer, k, &mut candidates);
        for s in self.profiles.of(customer) {
            scratch.owned[s.item as usize] = false;
        }
        Recommendations {
            neighbours,
            candidates,
        }
    }

    /// The popularity baseline: the `k` items bought by the most customers that `customer`
    /// never bought.
    pub fn popular(&self, customer: u32, k: usize) -> Vec<u32> {
        self.popular
            .iter()
            .copied()
            .filter(|&i| !self.profiles.owns(customer, i))
            .take(k)
            .collect()
    }

    fn touch(scratch: &mut Scratch, item: u32) -> &mut Slot {
        let slot = &mut scratch.slots[item as usize];
        if !slot.seen {
            slot.seen = true;
            scratch.touched.push(item);
        }
        slot
    }

    fn collect_neighbours(&self, neighbours: &[Neighbour], scratch: &mut Scratch) {
        for n in neighbours {
            for s in self.profiles.of(n.customer) {
                if !scratch.owned[s.item as usize] {
                    let slot = Self::touch(scratch, s.item);
                    slot.weight += n.similarity;
                    slot.buyers += 1;
                }
            }
        }
    }

    fn collect_rules(&self, customer: u32, scratch: &mut Scratch) {
        for a in self.profiles.of(customer) {
            let n_a = f64::from(self.co.count(a.item));
            for (c, together) in self.co.partners(a.item) {
                if together < self.options.min_together || scratch.owned[c as usize] {
                    continue;
                }
                let strength = f64::from(together) / (n_a + self.options.shrink);
                keep_two_best(&mut Self::touch(scratch, c).rules, (a.item, strength));
            }
        }
    }

    /// rule_weight x the best rule's shrunk confidence + the rest x the neighbours' share.
    fn score(&self, slot: Slot, total: f32) -> f64 {
        let rule = slot.rules[0].map_or(0.0, |r| r.1);
        let w = self.options.rule_weight;
        w * rule + (1.0 - w) * share(slot, total)
    }

    fn candidate(&self, item: u32, slot: Slot, score: f64, total: f32) -> Candidate {
        Candidate {
            item,
            score,
            similar_share: share(slot, total),
            similar_buyers: slot.buyers,
            rules: slot
                .rules
                .iter()
                .flatten()
                .filter_map(|&(a, _)| self.rule_evidence(a, item))
                .collect(),
            popular: false,
        }
    }

    fn rule_evidence(&self, antecedent: u32, item: u32) -> Option<RuleEvidence> {
        use crate::itemsets::Metric;
        let m = self.co.rule(antecedent, item)?;
        Some(RuleEvidence {
            antecedent,
            confidence: m.get(Metric::Confidence),
            lift: m.get(Metric::Lift),
        })
    }

    fn fill_with_popular(&self, customer: u32, k: usize, candidates: &mut Vec<Candidate>) {
        let mut popular = self.popular.iter().copied();
        while candidates.len() < k {
            let Some(item) = popular.next() else { break };
            if self.profiles.owns(customer, item) || candidates.iter().any(|c| c.item == item) {
                continue;
            }
            candidates.push(Candidate {
                item,
                score: 0.0,
                similar_share: 0.0,
                similar_buyers: 0,
                rules: SmallVec::new(),
                popular: true,
            });
        }
    }
}

/// The similarity-weighted share of the neighbours who buy the slot's item.
fn share(slot: Slot, total: f32) -> f64 {
    if total > 0.0 {
        f64::from(slot.weight / total)
    } else {
        0.0
    }
}

/// Keeps the two strongest (antecedent, strength) pairs, strongest first.
fn keep_two_best(best: &mut [Option<(u32, f64)>; 2], new: (u32, f64)) {
    let beats = |old: Option<(u32, f64)>| old.is_none_or(|o| new.1 > o.1);
    if beats(best[0]) {
        best[1] = best[0];
        best[0] = Some(new);
    } else if beats(best[1]) {
        best[1] = Some(new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::affinity::ProfileBuilder;
    use crate::day::Day;

    fn fitted(rows: &[&[u32]]) -> Recommender {
        let mut b = ProfileBuilder::new();
        for (c, items) in rows.iter().enumerate() {
            for &i in *items {
                b.add(c as u32, i, Day(0), 1.0, 1.0);
            }
        }
        Recommender::new(b.build(), RecommendOptions::default())
    }

    #[test]
    fn never_recommends_what_the_customer_bought() {
        let rec = fitted(&[&[0, 1, 2], &[0, 1, 2], &[0, 1, 2], &[0, 1], &[3]]);
        let top = rec.recommend(3, 5, &mut Scratch::default());
        assert!(top.candidates.iter().all(|c| c.item != 0 && c.item != 1));
        assert_eq!(top.candidates[0].item, 2);
        assert!(!top.candidates[0].popular);
        assert_eq!(top.candidates[0].rules.len(), 2, "both 0 and 1 imply 2");
    }

    #[test]
    fn fills_from_popularity_without_evidence() {
        let rec = fitted(&[&[0, 1], &[0, 1], &[0], &[5]]);
        let top = rec.recommend(3, 2, &mut Scratch::default());
        let items: Vec<u32> = top.candidates.iter().map(|c| c.item).collect();
        assert_eq!(items, [0, 1]);
        assert!(top.candidates.iter().all(|c| c.popular && c.score == 0.0));
        assert_eq!(rec.popular(3, 2), [0, 1]);
    }

    #[test]
    fn keeps_the_two_strongest_rules() {
        let mut best = [None, None];
        for r in [(1, 0.2), (2, 0.5), (3, 0.1), (4, 0.4)] {
            keep_two_best(&mut best, r);
        }
        assert_eq!(best, [Some((2, 0.5)), Some((4, 0.4))]);
    }
}
