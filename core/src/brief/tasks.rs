//! Tasks: what one rep should do this week for one customer.
//!
//! Owns: [`Task`] and [`build_tasks`], which turn the ranker's lists into tasks: the action
//! (from the strongest signal's kind), talking points (each signal's evidence, strongest
//! first), the offer (the signal's product at the customer's last unit price, the suggested
//! price of a cross-sell, else the customer's next-best offer from `recommend`), a short ready
//! text, the value, the due day and the purchase rhythm to draw. Ranking is [`crate::rank`]'s;
//! wording is [`super::locale`]'s.

use super::locale::{Action, Locale};
use super::rhythm::Rhythm;
use crate::affinity::{offers, Offer};
use crate::config::Config;
use crate::day::Day;
use crate::ids::{CustomerId, ProductId, RepId};
use crate::rank::{age_days, rank_by_rep, Candidate, RankWeights};
use crate::signal::{Signal, SignalKind};
use crate::state::State;
use chrono::Weekday;
use serde::Serialize;
use std::collections::BTreeMap;

/// Talking points per task at most.
pub const MAX_TALKING_POINTS: usize = 4;

/// The product and price a task offers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TaskOffer {
    /// The product id.
    pub product_id: String,
    /// Its display name (the id when the products table names none).
    pub product_name: String,
    /// A unit price: the customer's last one for an item it buys, the suggested price of a new
    /// one, else the list price; `None` when none is known.
    pub price: Option<f64>,
}

/// One task of a rep's weekly list.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Task {
    /// The rep who acts.
    pub rep_id: String,
    /// The rep's name, when known.
    pub rep_name: Option<String>,
    /// 1 for the most valuable task of the rep.
    pub rank: u32,
    /// Whom to contact.
    pub customer_id: String,
    /// The customer's name, when known.
    pub customer_name: Option<String>,
    /// What to do, independent of language.
    pub action: Action,
    /// What to talk about: the signals' evidence, strongest first.
    pub talking_points: Vec<String>,
    /// What to offer.
    pub offer: Option<TaskOffer>,
    /// The value of acting (see [`crate::rank::value_model`]): money at stake x P(acting works)
    /// x urgency, in the orders' currency weighted by urgency, so an old problem's value can
    /// exceed the money at stake (a problem left for a stage costs ten times more to fix).
    pub value: f64,
    /// The day by which to act.
    pub due: Day,
    /// The kinds of the signals behind the task, strongest first (empty for a next-best offer
    /// that fills a short list).
    pub signals: Vec<String>,
    /// The purchase rhythm of the offered item (or of the customer) to draw.
    pub rhythm: Option<Rhythm>,
    /// The rep's language (for the tasks table's texts).
    pub locale: Locale,
}

impl Task {
    /// The customer as shown: its name, else its id.
    pub fn customer_label(&self) -> &str {
        self.customer_name.as_deref().unwrap_or(&self.customer_id)
    }

    /// The action in words, in `locale`.
    pub fn action_text(&self, locale: Locale) -> String {
        let product = self.offer.as_ref().map(|o| o.product_name.as_str());
        locale.action(&self.action, product)
    }

    /// The ready text to send, in `locale`; prices in `currency`.
    pub fn content(&self, locale: Locale, currency: Option<&str>) -> String {
        let offer = self.offer.as_ref();
        let price = offer.and_then(|o| o.price).map(|p| money(p, currency));
        locale.content(
            &self.action,
            self.customer_label(),
            offer.map(|o| o.product_name.as_str()),
            price.as_deref(),
        )
    }
}

/// An amount with two decimals, thousands separated, and the currency code when known.
pub fn money(x: f64, currency: Option<&str>) -> String {
    let cents = (x * 100.0).round() as i64;
    let (whole, frac) = (cents.abs() / 100, cents.abs() % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if cents < 0 { "-" } else { "" };
    match currency {
        Some(code) => format!("{sign}{grouped}.{frac:02} {code}"),
        None => format!("{sign}{grouped}.{frac:02}"),
    }
}

/// The action a signal kind asks for. New kinds follow up by name until they get their own.
pub fn action_of(kind: Option<SignalKind>) -> Action {
    #[allow(unreachable_patterns)]
    match kind {
        None | Some(SignalKind::CrossSell) => Action::Offer,
        Some(SignalKind::CustomerAtRisk) => Action::WinBack,
        Some(SignalKind::FrequencyDrop) => Action::Cadence,
        Some(SignalKind::VarietyDrop) => Action::Assortment,
        Some(SignalKind::ItemLapsed) => Action::Reorder,
        Some(SignalKind::ItemLapsedAcrossSimilar) => Action::Defend,
        Some(SignalKind::SeasonalDue) => Action::Season,
        Some(SignalKind::DealStalled) => Action::Deal,
        Some(other) => Action::FollowUp(other.name().to_string()),
    }
}

/// The days the business does not work: the two days before the week starts (Saturday and
/// Sunday for a Monday week, Friday and Saturday for a Sunday week).
fn is_weekend(day: Day, week_start: Weekday) -> bool {
    let before = week_start.pred();
    let w = day.weekday();
    w == before || w == before.pred()
}

/// The `n`-th working day after `day`.
fn working_days_after(day: Day, n: u32, week_start: Weekday) -> Day {
    let mut d = day;
    let mut left = n;
    while left > 0 {
        d = d + 1;
        if !is_weekend(d, week_start) {
            left -= 1;
        }
    }
    d
}

/// The due day of a task of `rank`: the response-time finding says the sooner the better, so
/// a problem that rose within the last day, and the two best tasks, are due the next working
/// day; ranks 3-4 the day after; the rest on the third working day.
pub fn due_day(as_of: Day, rank: u32, fresh: bool, week_start: Weekday) -> Day {
    let n = match rank {
        _ if fresh => 1,
        1..=2 => 1,
        3..=4 => 2,
        _ => 3,
    };
    working_days_after(as_of, n, week_start)
}

/// The customer's last unit price of `product` (net / quantity of its latest purchase line).
fn last_unit_price(
    state: &State,
    customer: CustomerId,
    product: ProductId,
    as_of: Day,
) -> Option<f64> {
    let pair = state.customer(customer).pair(product)?;
    pair.until(as_of)
        .iter()
        .rev()
        .find(|p| p.quantity > 0.0 && p.net > 0.0)
        .map(|p| f64::from(p.net) / f64::from(p.quantity))
}

/// Every rep's tasks at `as_of`, `k` per rep (fewer when a rep has fewer customers), by rep id
/// then rank.
pub fn build_tasks(
    state: &State,
    config: &Config,
    as_of: Day,
    signals: &[Signal],
    k: usize,
) -> Vec<Task> {
    let weights: &RankWeights = &config.rank;
    // One next-best offer per customer: it tops up short lists and gives product-less tasks
    // something to offer.
    let best_offer: BTreeMap<CustomerId, Offer> = offers(state, config, as_of, 1, None)
        .into_iter()
        .map(|o| (o.customer, o))
        .collect();
    let acting = weights.acting_works(SignalKind::CrossSell);
    let fill: Vec<Candidate> = best_offer
        .values()
        .filter_map(|o| {
            Some(Candidate {
                customer: o.customer,
                rep: state.customer(o.customer).rep()?,
                kind: None,
                value: o.expected_revenue * o.probability * acting,
                signals: Vec::new(),
            })
        })
        .collect();
    let lists = rank_by_rep(weights, signals, fill, k);
    let mut out = Vec::new();
    for (rep, list) in lists {
        for (i, c) in list.into_iter().enumerate() {
            out.push(task(state, config, as_of, signals, &best_offer, rep, i, c));
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn task(
    state: &State,
    config: &Config,
    as_of: Day,
    signals: &[Signal],
    best_offer: &BTreeMap<CustomerId, Offer>,
    rep: RepId,
    index: usize,
    c: Candidate,
) -> Task {
    let members: Vec<&Signal> = c.signals.iter().map(|(i, _)| &signals[*i]).collect();
    let action = action_of(c.kind);
    let customer = c.customer;
    let signal_product = members.iter().find_map(|s| s.product.map(|p| (p, *s)));
    let offer = match signal_product {
        Some((product, s)) => {
            let suggested = s
                .details
                .iter()
                .find(|d| d.0 == "suggested_price")
                .map(|d| d.1);
            let price = suggested
                .or_else(|| last_unit_price(state, customer, product, as_of))
                .or(state.product(product).list_price);
            Some(TaskOffer {
                product_id: state.product_text(product).to_string(),
                product_name: state.product_label(product).to_string(),
                price,
            })
        }
        None if action == Action::Deal => None,
        None => best_offer.get(&customer).map(|o| TaskOffer {
            product_id: state.product_text(o.product).to_string(),
            product_name: state.product_label(o.product).to_string(),
            price: o.suggested_price.or(state.product(o.product).list_price),
        }),
    };
    let mut talking_points: Vec<String> = Vec::new();
    for s in &members {
        let point = match s.product {
            Some(p) if !s.evidence.contains(state.product_text(p)) => {
                format!("{}: {}", state.product_label(p), s.evidence)
            }
            _ => s.evidence.clone(),
        };
        if !talking_points.contains(&point) {
            talking_points.push(point);
        }
    }
    if members.is_empty() {
        if let Some(o) = best_offer.get(&customer) {
            talking_points.push(o.evidence.clone());
        }
    }
    talking_points.truncate(MAX_TALKING_POINTS);
    let fresh = members
        .first()
        .and_then(|s| age_days(s))
        .is_some_and(|a| a < 1.0);
    let rank = index as u32 + 1;
    // The rhythm of the item the task is about; the customer's orders for customer-level tasks.
    let rhythm_product = signal_product.map(|(p, _)| p);
    let rep_state = state.rep(rep);
    let master = &state.customer(customer).master;
    let mut kinds: Vec<String> = Vec::new();
    for s in &members {
        let name = s.kind.name().to_string();
        if !kinds.contains(&name) {
            kinds.push(name);
        }
    }
    Task {
        rep_id: state.rep_text(rep).to_string(),
        rep_name: rep_state.name.clone(),
        rank,
        customer_id: state.customer_text(customer).to_string(),
        customer_name: master.name.clone(),
        action,
        talking_points,
        offer,
        value: c.value,
        due: due_day(as_of, rank, fresh, config.week_start),
        signals: kinds,
        rhythm: Rhythm::of(state, customer, rhythm_product, as_of),
        locale: rep_state
            .locale
            .as_deref()
            .and_then(|l| Locale::parse(l).ok())
            .unwrap_or(Locale::En),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(1234567.891, Some("EUR")), "1,234,567.89 EUR");
        assert_eq!(money(12.5, None), "12.50");
        assert_eq!(money(-999.999, None), "-1,000.00");
    }

    #[test]
    fn due_days_skip_the_weekend_of_the_business_week() {
        let friday = Day::from_ymd(2025, 12, 26).unwrap();
        assert_eq!(friday.weekday(), Weekday::Fri);
        // Monday week: next working day after Friday is Monday.
        assert_eq!(due_day(friday, 1, false, Weekday::Mon), friday + 3);
        assert_eq!(due_day(friday, 7, false, Weekday::Mon), friday + 5);
        // Sunday week (Israel): Friday and Saturday are the weekend.
        let thursday = friday - 1;
        assert_eq!(due_day(thursday, 1, false, Weekday::Sun), thursday + 3);
        assert_eq!(due_day(thursday, 6, true, Weekday::Sun), thursday + 3);
    }
}
