//! Offers: the recommender's candidates in the engine's terms (products, money, words).
//!
//! Owns: [`Offer`] and [`offers`], which fit a [`Recommender`] on the state as of a day and turn
//! each customer's candidates into a product with a suggested price (what similar customers pay
//! for it, moved to this customer's usual discount), the revenue it would bring over the
//! horizon, evidence in words, and whether it is strong enough to be a `cross_sell` signal
//! ([`Offer::cross_sell`]); and [`recommend_frame`], the table of `Engine::recommend`.
//!
//! Must not touch: the scoring of candidates ([`super::recommend`]) or the signal's shape
//! (`detect/cross_sell.rs`).

use super::profiles::{median, ItemStat, Profiles};
use super::recommend::{Candidate, RecommendOptions, Recommendations, Recommender, Scratch};
use crate::config::{Config, Thresholds};
use crate::day::Day;
use crate::ids::{CustomerId, ProductId};
use crate::state::State;
use crate::table::{Frame, Series};

/// A candidate is a `cross_sell` signal when it ranks this high or better and passes the
/// `cross_sell_*` thresholds of [`crate::config::Thresholds`] (probability, share of similar
/// buyers, lift of a rule): a customer gets one or two cross-sells, not a catalogue.
pub const CROSS_SELL_MAX_RANK: u32 = 2;
/// How many neighbours' worth of weight the item's overall adoption rate gets when a
/// customer's neighbours say how likely it is to start buying an item.
const ADOPTION_PRIOR_WEIGHT: f64 = 10.0;

/// One recommended product for one customer.
#[derive(Clone, Debug, PartialEq)]
pub struct Offer {
    /// The customer.
    pub customer: CustomerId,
    /// 1 for the best offer of the customer.
    pub rank: u32,
    /// The product, never bought by the customer up to the day.
    pub product: ProductId,
    /// The recommender's score, 0..=1 (a ranking score: not a calibrated probability).
    pub score: f64,
    /// P(the customer starts buying the product within the horizon), from how often its
    /// similar customers started buying it over the last horizon (shrunk toward all customers).
    pub probability: f64,
    /// A unit price the customer is likely to accept, when prices are known.
    pub suggested_price: Option<f64>,
    /// Revenue the product would bring from this customer over the horizon if it buys it as
    /// its similar customers do.
    pub expected_revenue: f64,
    /// Share of the similar customers who buy the product (unweighted), 0..=1.
    pub similar_share: f64,
    /// The strongest rule's confidence and lift, if a rule implies the product.
    pub rule: Option<(f64, f64)>,
    /// Whether the offer is strong enough to be a `cross_sell` signal.
    pub cross_sell: bool,
    /// The reason in one sentence.
    pub evidence: String,
}

/// The top `k` offers of each customer in `customers` (all customers with a purchase when
/// `None`), from data on or before `as_of`; by customer, then rank.
///
/// Every customer's top [`CROSS_SELL_MAX_RANK`] offers at a day are remembered with the state
/// (the `cross_sell` signals and the weekly brief both ask for them), so a second ask at the
/// same day, with the same lines and product masters, costs a copy instead of a refit.
pub fn offers(
    state: &State,
    config: &Config,
    as_of: Day,
    k: usize,
    customers: Option<&[CustomerId]>,
) -> Vec<Offer> {
    if customers.is_some() || k > CROSS_SELL_MAX_RANK as usize {
        return fit_offers(state, config, as_of, k, customers);
    }
    let key = OffersKey::new(state, config, as_of);
    let all = state.offers_memo.get_or_compute(key, || {
        fit_offers(state, config, as_of, CROSS_SELL_MAX_RANK as usize, None)
    });
    all.iter()
        .filter(|o| o.rank as usize <= k)
        .cloned()
        .collect()
}

/// What every customer's offers at a day are computed from: the day, the horizon and the
/// cross-sell thresholds, the stored lines (lines are only ever added, so their count changes
/// with any new one) and the product masters (list prices and names enter prices and evidence).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct OffersKey {
    as_of: Day,
    horizon_days: u32,
    thresholds: Thresholds,
    lines: usize,
    customers: usize,
    products: u64,
}

impl OffersKey {
    fn new(state: &State, config: &Config, as_of: Day) -> OffersKey {
        use std::hash::{Hash, Hasher};
        let mut products = std::collections::hash_map::DefaultHasher::new();
        for (_, p) in state.products() {
            p.list_price.map(f64::to_bits).hash(&mut products);
            p.name.hash(&mut products);
        }
        OffersKey {
            as_of,
            horizon_days: config.horizon_days,
            thresholds: config.thresholds.clone(),
            lines: state.line_keys.len(),
            customers: state.customers.len(),
            products: products.finish(),
        }
    }
}

/// [`offers`] without the memo: fits the recommender on the state as of the day.
fn fit_offers(
    state: &State,
    config: &Config,
    as_of: Day,
    k: usize,
    customers: Option<&[CustomerId]>,
) -> Vec<Offer> {
    let recommender = Recommender::new(
        Profiles::from_state(state, as_of),
        RecommendOptions::default(),
    );
    let facts = ItemFacts::new(recommender.profiles(), as_of, config.horizon_days as i32);
    let ctx = Context {
        state,
        recommender: &recommender,
        facts: &facts,
        as_of,
        horizon: f64::from(config.horizon_days),
        thresholds: &config.thresholds,
    };
    let all: Vec<CustomerId>;
    let customers = match customers {
        Some(c) => c,
        None => {
            all = (0..recommender.profiles().customers() as u32)
                .filter(|&c| !recommender.profiles().of(c).is_empty())
                .map(CustomerId)
                .collect();
            &all
        }
    };
    let mut scratch = Scratch::default();
    customers
        .iter()
        .flat_map(|&c| {
            let found = recommender.recommend(c.0, k, &mut scratch);
            ctx.offers_of(c, &found)
        })
        .collect()
}

/// The table of `Engine::recommend`: customer_id, rank, product_id, score, suggested_price,
/// evidence, then probability, expected_revenue, similar_share and cross_sell (whether the row is also a
/// `cross_sell` signal).
pub fn recommend_frame(state: &State, offers: &[Offer]) -> Frame {
    let number = |f: &dyn Fn(&Offer) -> Option<f64>| Series::F64(offers.iter().map(f).collect());
    Frame::new()
        .with(
            "customer_id",
            Series::Str(
                offers
                    .iter()
                    .map(|o| Some(state.customer_text(o.customer).to_string()))
                    .collect(),
            ),
        )
        .with(
            "rank",
            Series::I64(offers.iter().map(|o| Some(i64::from(o.rank))).collect()),
        )
        .with(
            "product_id",
            Series::Str(
                offers
                    .iter()
                    .map(|o| Some(state.product_text(o.product).to_string()))
                    .collect(),
            ),
        )
        .with("score", number(&|o| Some(o.score)))
        .with("suggested_price", number(&|o| o.suggested_price))
        .with(
            "evidence",
            Series::Str(offers.iter().map(|o| Some(o.evidence.clone())).collect()),
        )
        .with("probability", number(&|o| Some(o.probability)))
        .with("expected_revenue", number(&|o| Some(o.expected_revenue)))
        .with("similar_share", number(&|o| Some(o.similar_share)))
        .with(
            "cross_sell",
            Series::Bool(offers.iter().map(|o| Some(o.cross_sell)).collect()),
        )
}

/// What every offer of one call reads.
struct Context<'a> {
    state: &'a State,
    recommender: &'a Recommender,
    facts: &'a ItemFacts,
    as_of: Day,
    horizon: f64,
    thresholds: &'a Thresholds,
}

impl Context<'_> {
    fn offers_of(&self, customer: CustomerId, found: &Recommendations) -> Vec<Offer> {
        found
            .candidates
            .iter()
            .enumerate()
            .map(|(i, cand)| self.offer(customer, i as u32 + 1, cand, found))
            .collect()
    }

    fn offer(
        &self,
        customer: CustomerId,
        rank: u32,
        cand: &Candidate,
        found: &Recommendations,
    ) -> Offer {
        let profiles = self.recommender.profiles();
        let similar_buyers: Vec<(u32, &ItemStat)> = found
            .neighbours
            .iter()
            .filter_map(|n| Some((n.customer, profiles.stat(n.customer, cand.item)?)))
            .collect();
        let share = if found.neighbours.is_empty() {
            0.0
        } else {
            similar_buyers.len() as f64 / found.neighbours.len() as f64
        };
        let rule = cand.rules.first().map(|r| (r.confidence, r.lift));
        let score = cand.score;
        let neighbours: Vec<u32> = found.neighbours.iter().map(|n| n.customer).collect();
        let probability = self.facts.adoption(cand.item, &neighbours, profiles);
        let t = self.thresholds;
        let cross_sell = !cand.popular
            && rank <= CROSS_SELL_MAX_RANK
            && probability >= t.cross_sell_min_probability
            && share >= t.cross_sell_min_share
            && rule.is_some_and(|(_, lift)| lift >= t.cross_sell_min_lift);
        Offer {
            customer,
            rank,
            product: ProductId(cand.item),
            score,
            probability,
            suggested_price: self.suggested_price(customer, cand.item, &similar_buyers),
            expected_revenue: self.expected_revenue(customer, cand.item, &similar_buyers),
            similar_share: share,
            rule,
            cross_sell,
            evidence: self.evidence(cand, similar_buyers.len(), found.neighbours.len()),
        }
    }

    /// What similar buyers pay per unit (all buyers when fewer than 3 neighbours buy it), moved
    /// from their discount on the product to this customer's usual discount.
    fn suggested_price(
        &self,
        customer: CustomerId,
        item: u32,
        similar: &[(u32, &ItemStat)],
    ) -> Option<f64> {
        let (paid, their_discount) = if similar.len() >= 3 {
            (
                median(similar.iter().filter_map(|(_, s)| s.unit_price())),
                median(similar.iter().filter_map(|(_, s)| s.discount())),
            )
        } else {
            self.facts.of(item)
        };
        let own = self.recommender.profiles().usual_discount(customer.0);
        let list = self.state.product(ProductId(item)).list_price;
        match (paid, their_discount, own, list) {
            (Some(p), Some(d), Some(o), _) if d < 1.0 => Some(p * (1.0 - o) / (1.0 - d)),
            (Some(p), ..) => Some(p),
            (None, _, Some(o), Some(l)) => Some(l * (1.0 - o)),
            (None, _, None, Some(l)) => Some(l),
            _ => None,
        }
    }

    /// Similar buyers' daily spend on the product (median, since each started buying it), scaled
    /// by how this customer's total daily spend compares with theirs, over the horizon.
    fn expected_revenue(
        &self,
        customer: CustomerId,
        item: u32,
        similar: &[(u32, &ItemStat)],
    ) -> f64 {
        let profiles = self.recommender.profiles();
        let per_day = |s: &ItemStat| s.net.max(0.0) / f64::from((self.as_of - s.first).max(30));
        let Some(rate) = median(similar.iter().map(|(_, s)| per_day(s))) else {
            return self.facts.daily_spend(item) * self.horizon;
        };
        let own = spend_rate(profiles, customer.0, self.as_of);
        let peers = median(
            similar
                .iter()
                .map(|(c, _)| spend_rate(profiles, *c, self.as_of)),
        );
        let size = match peers {
            Some(p) if p > 0.0 && own > 0.0 => (own / p).clamp(0.25, 4.0),
            _ => 1.0,
        };
        rate * size * self.horizon
    }

    fn evidence(&self, cand: &Candidate, buyers: usize, neighbours: usize) -> String {
        let name = |item: u32| self.state.product_label(ProductId(item));
        if cand.popular {
            let share = self.recommender.buyers(cand.item) as f64
                / self.recommender.profiles().customers().max(1) as f64;
            return format!(
                "{} is bought by {:.0}% of customers (popular; no closer evidence)",
                name(cand.item),
                100.0 * share
            );
        }
        let owned: Vec<&str> = cand.rules.iter().map(|r| name(r.antecedent)).collect();
        let mut text = match owned.as_slice() {
            [a, b] => format!("buys {a} and {b} but not {}", name(cand.item)),
            [a] => format!("buys {a} but not {}", name(cand.item)),
            _ => format!("never bought {}", name(cand.item)),
        };
        if neighbours > 0 {
            text += &format!(
                "; {buyers} of {neighbours} similar customers ({:.0}%) buy it",
                100.0 * buyers as f64 / neighbours as f64
            );
        }
        if let Some(r) = cand.rules.first() {
            text += &format!(
                "; {:.0}% of {} buyers do (lift {:.1})",
                100.0 * r.confidence,
                name(r.antecedent),
                r.lift
            );
        }
        text
    }
}

/// A customer's net spend per day since its first purchase (at least 30 days).
fn spend_rate(profiles: &Profiles, customer: u32, as_of: Day) -> f64 {
    let row = profiles.of(customer);
    let Some(first) = row.iter().map(|s| s.first).min() else {
        return 0.0;
    };
    let net: f64 = row.iter().map(|s| s.net.max(0.0)).sum();
    net / f64::from((as_of - first).max(30))
}

/// Per item, over all its buyers: median unit price, median discount and median daily spend
/// (the fallback when too few similar customers buy an item), and its adoption over the last
/// horizon: customers who started buying it then, among those who could have.
struct ItemFacts {
    unit: Vec<Option<f64>>,
    discount: Vec<Option<f64>>,
    daily: Vec<f64>,
    /// Customers' first purchase day (any item).
    first_day: Vec<Option<Day>>,
    /// The first day of the last horizon: adoption counts first purchases after it.
    window_start: Day,
    adoption: Vec<f64>,
}

impl ItemFacts {
    fn new(profiles: &Profiles, as_of: Day, horizon: i32) -> ItemFacts {
        let window_start = as_of - horizon;
        let mut by_item: Vec<Vec<ItemStat>> = vec![Vec::new(); profiles.items()];
        let mut first_day = Vec::with_capacity(profiles.customers());
        for c in 0..profiles.customers() as u32 {
            for s in profiles.of(c) {
                by_item[s.item as usize].push(*s);
            }
            first_day.push(profiles.of(c).iter().map(|s| s.first).min());
        }
        let established = first_day
            .iter()
            .filter(|d| d.is_some_and(|d| d <= window_start))
            .count();
        let per_day = |s: &ItemStat| s.net.max(0.0) / f64::from((as_of - s.first).max(30));
        let adoption = by_item
            .iter()
            .map(|v| {
                let before = v.iter().filter(|s| s.first <= window_start).count();
                let adopted = v.iter().filter(|s| s.first > window_start).count();
                adopted as f64 / (established.saturating_sub(before)).max(1) as f64
            })
            .collect();
        ItemFacts {
            unit: by_item
                .iter()
                .map(|v| median(v.iter().filter_map(ItemStat::unit_price)))
                .collect(),
            discount: by_item
                .iter()
                .map(|v| median(v.iter().filter_map(ItemStat::discount)))
                .collect(),
            daily: by_item
                .iter()
                .map(|v| median(v.iter().map(per_day)).unwrap_or(0.0))
                .collect(),
            first_day,
            window_start,
            adoption,
        }
    }

    fn of(&self, item: u32) -> (Option<f64>, Option<f64>) {
        (self.unit[item as usize], self.discount[item as usize])
    }

    fn daily_spend(&self, item: u32) -> f64 {
        self.daily[item as usize]
    }

    /// P(a customer like these starts buying `item` within a horizon): among the neighbours
    /// that were already customers a horizon ago and lacked the item then, the share that
    /// started buying it since, shrunk toward the item's adoption over all customers.
    fn adoption(&self, item: u32, neighbours: &[u32], profiles: &Profiles) -> f64 {
        let (mut at_risk, mut adopted) = (0u32, 0u32);
        for &n in neighbours {
            if self.first_day[n as usize].is_none_or(|d| d > self.window_start) {
                continue;
            }
            match profiles.stat(n, item) {
                Some(s) if s.first <= self.window_start => {}
                Some(_) => {
                    at_risk += 1;
                    adopted += 1;
                }
                None => at_risk += 1,
            }
        }
        let prior = self.adoption[item as usize];
        (f64::from(adopted) + ADOPTION_PRIOR_WEIGHT * prior)
            / (f64::from(at_risk) + ADOPTION_PRIOR_WEIGHT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{synth, Engine};

    fn engine(customers: usize) -> (Engine, Day) {
        let data = synth::distributor(customers, 1, 7);
        let mut engine = Engine::new(Config::default()).unwrap();
        engine.ingest_product_rows(&data.products);
        assert!(engine.ingest_order_rows(&data.orders).is_clean());
        (engine, Day::from_date(data.end))
    }

    #[test]
    fn remembered_offers_equal_a_fresh_fit_and_follow_new_lines() {
        let (mut engine, end) = engine(200);
        let config = Config::default();
        for k in 1..=CROSS_SELL_MAX_RANK as usize {
            let fresh = fit_offers(engine.state(), &config, end, k, None);
            assert!(!fresh.is_empty());
            assert_eq!(
                offers(engine.state(), &config, end, k, None),
                fresh,
                "k = {k}"
            );
        }
        // A new line of a customer with offers changes them: the memo must not answer.
        let first = fit_offers(engine.state(), &config, end, 1, None)[0].clone();
        let line = crate::OrderLine::new(
            "memo-test",
            engine.state().customer_text(first.customer),
            engine.state().product_text(first.product),
            end.to_date(),
            1.0,
            10.0,
        );
        assert!(engine.ingest_order_rows(&[line]).is_clean());
        let after = offers(engine.state(), &config, end, 1, None);
        assert_eq!(after, fit_offers(engine.state(), &config, end, 1, None));
        assert!(!after
            .iter()
            .any(|o| o.customer == first.customer && o.product == first.product));
    }
}
