//! The ranker: from signals to each rep's short list of customers to act on.
//!
//! Owns: merging the signals of one customer into one [`Candidate`] (its value is the strongest
//! signal's value plus `merge_weight` × the others', since findings about one customer overlap
//! in the money they put at stake), and choosing each rep's list with a diversity rule
//! ([`select_diverse`]). The value of one signal is [`value_model`]'s. It works on any
//! [`SignalKind`], so a new detector's signals rank without a change here.
//!
//! Must not touch: detection (signals come in as they are) or wording (the brief words tasks).
//! Team-level signals (no customer) are not ranked into rep lists; the brief puts them in the
//! managers' digests.

pub mod value_model;

pub use value_model::{age_days, signal_value, typical_urgency, RankWeights};

use crate::ids::{CustomerId, RepId};
use crate::signal::{Signal, SignalKind};
use std::collections::BTreeMap;

/// One customer a rep could act on, with the signals behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The customer.
    pub customer: CustomerId,
    /// The rep who acts.
    pub rep: RepId,
    /// The kind of the strongest signal (`None` for a task with no signal, such as a
    /// next-best offer that fills a short list).
    pub kind: Option<SignalKind>,
    /// The value of acting (see [`value_model`]).
    pub value: f64,
    /// Indexes into the ranked signal slice with each one's value, strongest first.
    pub signals: Vec<(usize, f64)>,
}

/// One candidate per (rep, customer) with customer-level signals; by value, highest first (ties
/// by customer id). Signals without a customer or a rep are left out.
pub fn merge_by_customer(weights: &RankWeights, signals: &[Signal]) -> Vec<Candidate> {
    let typical = typical_urgency(weights, signals);
    let mut groups: BTreeMap<(RepId, CustomerId), Vec<(usize, f64)>> = BTreeMap::new();
    for (i, s) in signals.iter().enumerate() {
        if let (Some(customer), Some(rep)) = (s.customer, s.rep) {
            groups
                .entry((rep, customer))
                .or_default()
                .push((i, signal_value(weights, s, typical)));
        }
    }
    let mut out: Vec<Candidate> = groups
        .into_iter()
        .map(|((rep, customer), mut members)| {
            members.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let top = members[0].1;
            let rest: f64 = members[1..].iter().map(|m| m.1).sum();
            Candidate {
                customer,
                rep,
                kind: Some(signals[members[0].0].kind),
                value: top + weights.merge_weight * rest,
                signals: members,
            }
        })
        .collect();
    sort_by_value(&mut out);
    out
}

fn sort_by_value(list: &mut [Candidate]) {
    list.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then(a.customer.cmp(&b.customer))
    });
}

/// Picks `k` of one rep's candidates, greedily, like maximal marginal relevance: each step takes
/// the candidate with the highest `value × diversity^(tasks of its kind already taken)`. With
/// `diversity` 0.85 a fifth task of one kind is taken over another kind only when it is worth
/// more than 1/0.85⁴ ≈ 1.9 times as much; `diversity` 1 ranks by value alone. The result is in
/// value order (highest first).
pub fn select_diverse(mut candidates: Vec<Candidate>, k: usize, diversity: f64) -> Vec<Candidate> {
    sort_by_value(&mut candidates);
    let mut taken: Vec<Candidate> = Vec::with_capacity(k);
    let mut per_kind: BTreeMap<Option<SignalKind>, i32> = BTreeMap::new();
    while taken.len() < k && !candidates.is_empty() {
        let adjusted =
            |c: &Candidate| c.value * diversity.powi(per_kind.get(&c.kind).copied().unwrap_or(0));
        // Candidates are in value order, so the first of each kind is that kind's best: only
        // those can win a step.
        let mut best: Option<(usize, f64)> = None;
        let mut seen: Vec<Option<SignalKind>> = Vec::new();
        for (i, c) in candidates.iter().enumerate() {
            if seen.contains(&c.kind) {
                continue;
            }
            seen.push(c.kind);
            let a = adjusted(c);
            if best.is_none_or(|(_, b)| a > b) {
                best = Some((i, a));
            }
        }
        let (i, _) = best.expect("candidates is not empty");
        let chosen = candidates.remove(i);
        *per_kind.entry(chosen.kind).or_default() += 1;
        taken.push(chosen);
    }
    sort_by_value(&mut taken);
    taken
}

/// Every rep's list: the candidates of [`merge_by_customer`], `k` per rep chosen by
/// [`select_diverse`]; a rep with fewer than `k` is topped up with the best of `fill` (candidates
/// without a signal, such as next-best offers) for customers not already on its list. Lists are
/// in value order.
pub fn rank_by_rep(
    weights: &RankWeights,
    signals: &[Signal],
    mut fill: Vec<Candidate>,
    k: usize,
) -> BTreeMap<RepId, Vec<Candidate>> {
    let mut by_rep: BTreeMap<RepId, Vec<Candidate>> = BTreeMap::new();
    for c in merge_by_customer(weights, signals) {
        by_rep.entry(c.rep).or_default().push(c);
    }
    let mut lists: BTreeMap<RepId, Vec<Candidate>> = by_rep
        .into_iter()
        .map(|(rep, list)| (rep, select_diverse(list, k, weights.diversity)))
        .collect();
    sort_by_value(&mut fill);
    for c in fill {
        let list = lists.entry(c.rep).or_default();
        if list.len() < k && !list.iter().any(|x| x.customer == c.customer) {
            list.push(c);
        }
    }
    for list in lists.values_mut() {
        sort_by_value(list);
    }
    lists.retain(|_, list| !list.is_empty());
    lists
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::Day;

    fn signal(kind: SignalKind, customer: u32, value: f64) -> Signal {
        let mut s = Signal::new(
            kind,
            Some(CustomerId(customer)),
            None,
            Day(0),
            value,
            1.0,
            format!("{kind} of {customer}"),
        );
        s.rep = Some(RepId(0));
        s
    }

    #[test]
    fn one_customer_is_one_candidate_with_its_signals_strongest_first() {
        // One P(acting works) for every kind; no signal states an age, so urgency is 1.
        let mut w = RankWeights::default()
            .with("acting_works_default", 1.0)
            .unwrap();
        w.acting_works_by_kind.clear();
        let signals = [
            signal(SignalKind::ItemLapsed, 1, 100.0),
            signal(SignalKind::FrequencyDrop, 1, 300.0),
            signal(SignalKind::ItemLapsed, 2, 250.0),
        ];
        let merged = merge_by_customer(&w, &signals);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].customer, CustomerId(1));
        assert_eq!(merged[0].kind, Some(SignalKind::FrequencyDrop));
        assert_eq!(
            merged[0].signals.iter().map(|s| s.0).collect::<Vec<_>>(),
            [1, 0]
        );
        assert!((merged[0].value - (300.0 + 0.5 * 100.0)).abs() < 1e-9);
    }

    #[test]
    fn diversity_stops_one_kind_from_filling_the_list_when_others_are_close() {
        let mut candidates: Vec<Candidate> = (0..6)
            .map(|i| Candidate {
                customer: CustomerId(i),
                rep: RepId(0),
                kind: Some(SignalKind::ItemLapsed),
                value: 100.0 - f64::from(i),
                signals: vec![],
            })
            .collect();
        for i in 6..9 {
            candidates.push(Candidate {
                customer: CustomerId(i),
                rep: RepId(0),
                kind: Some(SignalKind::CustomerAtRisk),
                value: 80.0 - f64::from(i),
                signals: vec![],
            });
        }
        let plain = select_diverse(candidates.clone(), 5, 1.0);
        assert!(plain.iter().all(|c| c.kind == Some(SignalKind::ItemLapsed)));
        let diverse = select_diverse(candidates.clone(), 5, 0.85);
        let lapses = diverse
            .iter()
            .filter(|c| c.kind == Some(SignalKind::ItemLapsed))
            .count();
        assert!((2..5).contains(&lapses), "{lapses}");
        assert!(diverse.windows(2).all(|w| w[0].value >= w[1].value));
        // Far more valuable tasks of one kind still win.
        for c in candidates
            .iter_mut()
            .filter(|c| c.kind != Some(SignalKind::ItemLapsed))
        {
            c.value /= 10.0;
        }
        let lopsided = select_diverse(candidates, 5, 0.85);
        assert!(lopsided
            .iter()
            .all(|c| c.kind == Some(SignalKind::ItemLapsed)));
    }
}
