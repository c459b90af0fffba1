//! The planted events: the world-level plan (which customers get which event, the market-wide
//! substitutions and discount creeps) and how a customer's event changes its rhythm and items.
//!
//! The plan is drawn from the seed alone, before any customer, so every customer knows its fate
//! from its index and a partition of customers needs nothing from the others. The details of a
//! customer's event (its day, which items) come from the customer's own stream.

use rand::seq::{index, IndexedRandom, SliceRandom};
use rand::Rng;
use std::collections::BTreeMap;

use super::accounts::Account;
use super::catalogue::{Catalogue, Season, SEGMENTS};
use super::config::SynthConfig;
use super::labels::{kind, Label};
use super::portfolio::{self, Pair};
use super::random::{day_in, stream, uniform, Stream};
use super::rhythm::Rhythm;
use super::world::World;
use crate::day::Day;

/// The customer-level events; a customer has at most one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Planned {
    Churn,
    FrequencyDrop,
    VarietyDrop,
    ItemLapsed,
    SeasonalDue,
}

/// Days over which the customers of one substitution switch, one after another.
const SUBSTITUTION_SPREAD: i32 = 21;
/// A substituting customer has bought for at least this long before the substitution.
const SUBSTITUTION_TENURE: i32 = 180;

/// The days in which events start: the last 40% of the history, never its first year when it
/// spans two years or more, so every planted customer has a baseline before its event.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Window {
    pub first: Day,
    pub end: Day,
}

impl Window {
    /// The event window of a history from `start` to `end`.
    pub fn of(config: &SynthConfig, start: Day, end: Day) -> Window {
        let span = end - start + 1;
        let baseline = if config.years >= 2 { 365 } else { 0 };
        Window {
            first: start + ((0.6 * span as f64) as i32).max(baseline),
            end,
        }
    }

    /// Its length in days.
    pub fn days(&self) -> i32 {
        self.end - self.first
    }

    /// The latest start of an event that needs `margin` days before the end to be seen.
    pub fn latest(&self, margin: f64) -> Day {
        (self.end - margin.ceil() as i32).max(self.first)
    }
}

/// A competitor's substitute: `product` stops at a `share` of its buyers in `segment`, who buy
/// `substitute` (same family) instead from a day within three weeks after `start`.
pub(crate) struct Substitution {
    pub segment: usize,
    pub product: usize,
    pub substitute: usize,
    pub start: Day,
    pub share: f64,
}

/// Discount creep: the discounts of `segment` rise by `amount` over `ramp` days from `start`.
pub(crate) struct Creep {
    pub segment: usize,
    pub start: Day,
    pub ramp: i32,
    pub amount: f64,
}

/// Everything planted, decided from the seed alone.
pub(crate) struct Plan {
    planned: Vec<Option<Planned>>,
    stalled: Vec<bool>,
    pub substitutions: Vec<Substitution>,
    pub creeps: Vec<Creep>,
}

impl Plan {
    /// Draws the plan: exact counts of each customer-level event on distinct customers, and the
    /// creeping segments. The substitutions come later, from [`draw_substitutions`].
    pub fn draw(config: &SynthConfig, window: Window) -> Plan {
        let mut rng = stream(config.seed, Stream::Plan, 0);
        let n = config.customers;
        let rates = &config.rates;
        let kinds = [
            (Planned::Churn, rates.churn),
            (Planned::FrequencyDrop, rates.frequency_drop),
            (Planned::VarietyDrop, rates.variety_drop),
            (Planned::ItemLapsed, rates.item_lapsed),
            (Planned::SeasonalDue, rates.seasonal_due),
        ];
        let sequence: Vec<Planned> = kinds
            .iter()
            .flat_map(|&(k, rate)| std::iter::repeat_n(k, count(rate, n)))
            .collect();
        let mut planned = vec![None; n];
        let chosen = index::sample(&mut rng, n, sequence.len().min(n));
        for (i, k) in chosen.iter().zip(sequence) {
            planned[i] = Some(k);
        }
        let mut stalled = vec![false; n];
        for i in index::sample(&mut rng, n, count(rates.deal_stalled, n).min(n)).iter() {
            stalled[i] = true;
        }
        // No customers, no market to creep.
        let creep_segments = if n == 0 {
            0
        } else {
            rates.discount_creep_segments
        };
        let creeps = draw_creeps(&mut rng, window, creep_segments);
        Plan {
            planned,
            stalled,
            substitutions: Vec::new(),
            creeps,
        }
    }

    /// The customer-level event of customer `i`.
    pub fn planned(&self, i: usize) -> Option<Planned> {
        self.planned.get(i).copied().flatten()
    }

    /// Whether customer `i` has a stalled deal.
    pub fn stalled(&self, i: usize) -> bool {
        self.stalled.get(i).copied().unwrap_or(false)
    }

    /// The slowest cadence customer `i` may have for its event to be observable in a window of
    /// `days` days (a frequency drop needs five slowed intervals of up to three cadences).
    pub fn cadence_cap(&self, i: usize, days: i32) -> f64 {
        let days = days as f64;
        match self.planned(i) {
            Some(Planned::FrequencyDrop) => days / 15.0,
            Some(Planned::VarietyDrop) => days / 6.0,
            Some(Planned::ItemLapsed) => days / 2.5,
            Some(Planned::Churn) => days / 3.0,
            Some(Planned::SeasonalDue) | None => f64::INFINITY,
        }
    }

    /// The extra discount of `segment` on `day` from discount creep.
    pub fn creep(&self, segment: usize, day: Day) -> f64 {
        self.creeps
            .iter()
            .filter(|c| c.segment == segment && day >= c.start)
            .map(|c| c.amount * ((day - c.start) as f64 / c.ramp as f64).min(1.0))
            .sum()
    }

    /// The segment-level labels: one per substitution, one per creeping segment.
    pub fn market_labels(&self, world: &World) -> Vec<Label> {
        let substitutions = self.substitutions.iter().map(|s| {
            Label::of_segment(kind::ITEM_LAPSED_ACROSS_SIMILAR, s.segment, s.start)
                .with_product(world, s.product)
                .with_effect(s.share)
        });
        let creeps = self.creeps.iter().map(|c| {
            Label::of_segment(kind::DISCOUNT_SPIKE, c.segment, c.start).with_effect(c.amount)
        });
        substitutions.chain(creeps).collect()
    }
}

/// How many customers (or events) a rate gives among `n`: at least one for a positive rate.
fn count(rate: f64, n: usize) -> usize {
    if rate <= 0.0 || n == 0 {
        0
    } else {
        // The epsilon keeps 1.5 per 10k at 10k customers from rounding down to 1.
        ((rate * n as f64 + 1e-9).round() as usize).max(1)
    }
}

/// Customers looked at to find which products have the most buyers in each segment.
const SUBSTITUTION_SAMPLE: usize = 2_000;

/// The substitutions of `world`, on distinct (segment, product), drawn among the products with
/// the most regular buyers in a segment (counted on the first customers), so that a
/// substitution always reaches customers, even in a small run. Each loses to the least popular
/// steady product of its family. Drawn after the rest of the world, which it does not change.
pub(crate) fn draw_substitutions(world: &World) -> Vec<Substitution> {
    let config = &world.config;
    let wanted = count(
        config.rates.substitutions_per_10k / 10_000.0,
        config.customers,
    );
    if wanted == 0 {
        return Vec::new();
    }
    let mut rng = stream(config.seed, Stream::Plan, 1);
    let mut buyers: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for i in
        (0..config.customers.min(SUBSTITUTION_SAMPLE)).filter(|&i| world.plan.planned(i).is_none())
    {
        let account = Account::draw(world, i);
        for pair in portfolio::draw(world, &account)
            .iter()
            .filter(|p| p.is_regular(world))
        {
            *buyers.entry((account.segment, pair.product)).or_default() += 1.0;
        }
    }
    let mut candidates: Vec<((usize, usize), f64)> = buyers
        .into_iter()
        .filter(|&((_, product), _)| substitute_for(&world.catalogue, product).is_some())
        .collect();
    // Stable sort on a BTreeMap's order: the same candidates on every machine.
    candidates.sort_by(|a, b| b.1.total_cmp(&a.1));
    candidates.truncate((2 * wanted).max(3));
    candidates.shuffle(&mut rng);
    let mut out = Vec::with_capacity(wanted);
    for ((segment, product), _) in candidates.into_iter().take(wanted) {
        let Some(substitute) = substitute_for(&world.catalogue, product) else {
            continue;
        };
        // Early in the window, so that each customer's lapse is seen for two of its intervals.
        let start = day_in(
            &mut rng,
            world.window.first,
            world.window.first + world.window.days() / 3,
        );
        out.push(Substitution {
            segment,
            product,
            substitute,
            start,
            share: uniform(&mut rng, 0.4, 0.7),
        });
    }
    out
}

/// The least popular steady product of `product`'s family other than `product`.
fn substitute_for(catalogue: &Catalogue, product: usize) -> Option<usize> {
    let products = &catalogue.products;
    catalogue.by_family[products[product].family]
        .iter()
        .copied()
        .filter(|&p| p != product && products[p].season.is_none())
        .min_by(|&a, &b| products[a].popularity.total_cmp(&products[b].popularity))
}

/// Discount creep in `wanted` distinct segments, each +6-10 points over 2-4 weeks.
fn draw_creeps(rng: &mut impl Rng, window: Window, wanted: usize) -> Vec<Creep> {
    let mut segments: Vec<usize> = (0..SEGMENTS.len()).collect();
    segments.shuffle(rng);
    segments
        .into_iter()
        .take(wanted)
        .map(|segment| {
            let ramp = rng.random_range(14..=28);
            let start = day_in(rng, window.first, window.latest((ramp + 56) as f64));
            Creep {
                segment,
                start,
                ramp,
                amount: uniform(rng, 0.06, 0.10),
            }
        })
        .collect()
}

/// The latest season of `season` that lies wholly inside the event window and follows a season
/// inside the history: the one a customer can be seen to skip after buying the one before.
pub(crate) fn observable_season(world: &World, season: &Season) -> Option<i32> {
    (world.start.year()..=world.end.year()).rev().find(|&year| {
        let (first, after) = season.window(year);
        first >= world.window.first
            && after <= world.end
            && season.window(year - 1).0 >= world.start
    })
}

/// A planted label waiting for its `due` day, which the order simulation finds: the first day
/// pair `due_of` would have been bought had the event not stopped it.
pub(crate) struct Pending {
    pub label: Label,
    pub due_of: Option<usize>,
}

/// Applies customer `account`'s planted events to its rhythm and pairs.
pub(crate) fn apply(
    world: &World,
    account: &Account,
    pairs: &mut Vec<Pair>,
) -> (Rhythm, Vec<Pending>) {
    let mut rng = stream(world.config.seed, Stream::Events, account.index as u64);
    let mut rhythm = Rhythm::steady(account, world);
    let planted = match world.plan.planned(account.index) {
        Some(Planned::Churn) => churn(&mut rng, world, account, &mut rhythm),
        Some(Planned::FrequencyDrop) => slow_down(&mut rng, world, account, &mut rhythm),
        Some(Planned::VarietyDrop) => drop_variety(&mut rng, world, account, pairs),
        Some(Planned::ItemLapsed) => lapse_item(&mut rng, world, account, pairs),
        Some(Planned::SeasonalDue) => skip_season(world, account, pairs),
        None => substitute(&mut rng, world, account, pairs),
    };
    (rhythm, planted)
}

fn churn(
    rng: &mut impl Rng,
    world: &World,
    account: &Account,
    rhythm: &mut Rhythm,
) -> Vec<Pending> {
    let start = day_in(
        rng,
        world.window.first,
        world.window.latest((3.0 * account.cadence).max(42.0)),
    );
    rhythm.stop = start;
    vec![Pending {
        label: Label::of_customer(kind::CUSTOMER_AT_RISK, world, account, start),
        due_of: None,
    }]
}

fn slow_down(
    rng: &mut impl Rng,
    world: &World,
    account: &Account,
    rhythm: &mut Rhythm,
) -> Vec<Pending> {
    let factor = uniform(rng, 2.0, 3.0);
    let start = day_in(
        rng,
        world.window.first,
        world.window.latest(5.0 * factor * account.cadence),
    );
    rhythm.slow_from = start;
    rhythm.slow_factor = factor;
    let label = Label::of_customer(kind::FREQUENCY_DROP, world, account, start).with_effect(factor);
    vec![Pending {
        label,
        due_of: None,
    }]
}

/// Regular pairs whose interval is at most `longest` days.
fn regular_within(world: &World, pairs: &[Pair], longest: f64) -> Vec<usize> {
    (0..pairs.len())
        .filter(|&j| pairs[j].is_regular(world) && pairs[j].interval <= longest)
        .collect()
}

/// Stops 30-50% of the regular items, among those bought often enough to be missed, keeping at
/// least one of those too; effect = the share of regular items stopped.
fn drop_variety(
    rng: &mut impl Rng,
    world: &World,
    account: &Account,
    pairs: &mut [Pair],
) -> Vec<Pending> {
    let eligible = regular_within(world, pairs, world.window.days() as f64 / 3.0);
    let regular = pairs.iter().filter(|p| p.is_regular(world)).count();
    if eligible.len() < 2 {
        return Vec::new();
    }
    let wanted = (uniform(rng, 0.3, 0.5) * regular as f64).round() as usize;
    let dropped: Vec<usize> = eligible
        .choose_multiple(rng, wanted.clamp(1, eligible.len() - 1))
        .copied()
        .collect();
    // Late enough start that every eligible item, stopped or kept, is due twice after it.
    let longest = eligible
        .iter()
        .map(|&j| pairs[j].interval)
        .fold(0.0, f64::max);
    let start = day_in(rng, world.window.first, world.window.latest(2.0 * longest));
    for &j in &dropped {
        pairs[j].until = start;
    }
    let label = Label::of_customer(kind::VARIETY_DROP, world, account, start)
        .with_effect(dropped.len() as f64 / regular as f64);
    vec![Pending {
        label,
        due_of: None,
    }]
}

/// Stops one regular item seen for at least 2.5 of its intervals before the end.
fn lapse_item(
    rng: &mut impl Rng,
    world: &World,
    account: &Account,
    pairs: &mut [Pair],
) -> Vec<Pending> {
    let eligible = regular_within(world, pairs, world.window.days() as f64 / 2.5);
    let Some(&j) = eligible.choose(rng) else {
        return Vec::new();
    };
    let start = day_in(
        rng,
        world.window.first,
        world.window.latest(2.5 * pairs[j].interval),
    );
    pairs[j].until = start;
    let label = Label::of_customer(kind::ITEM_LAPSED, world, account, start)
        .with_product(world, pairs[j].product);
    vec![Pending {
        label,
        due_of: Some(j),
    }]
}

/// Skips the latest observable season of a seasonal item; start = the season's first day.
fn skip_season(world: &World, account: &Account, pairs: &mut [Pair]) -> Vec<Pending> {
    let found = pairs.iter().enumerate().find_map(|(j, pair)| {
        let season = world.catalogue.products[pair.product].season.as_ref()?;
        let year = observable_season(world, season)?;
        Some((j, season.window(year).0, year))
    });
    let Some((j, start, year)) = found else {
        return Vec::new();
    };
    pairs[j].skip_season = Some(year);
    let label = Label::of_customer(kind::SEASONAL_DUE, world, account, start)
        .with_product(world, pairs[j].product);
    vec![Pending {
        label,
        due_of: Some(j),
    }]
}

/// Switches this customer to the substitute of each substitution that reaches it: it must be in
/// the segment, have bought the product for a while, not already buy the substitute, and be
/// drawn into the substitution's share.
fn substitute(
    rng: &mut impl Rng,
    world: &World,
    account: &Account,
    pairs: &mut Vec<Pair>,
) -> Vec<Pending> {
    let mut planted = Vec::new();
    for sub in world
        .plan
        .substitutions
        .iter()
        .filter(|s| s.segment == account.segment)
    {
        // Draw before any test, so one substitution's outcome never shifts another's draws.
        let (u, offset) = (
            rng.random::<f64>(),
            rng.random_range(0..=SUBSTITUTION_SPREAD),
        );
        let start = sub.start + offset;
        let Some(j) = pairs
            .iter()
            .position(|p| p.product == sub.product && p.is_regular(world))
        else {
            continue;
        };
        let reaches = u < sub.share
            && account.onboard + SUBSTITUTION_TENURE <= sub.start
            && pairs.iter().all(|p| p.product != sub.substitute)
            && start + (2.0 * pairs[j].interval) as i32 <= world.end;
        if !reaches {
            continue;
        }
        let replacement = pairs[j].replaced_by(world, sub.substitute, start);
        pairs[j].until = start;
        pairs.push(replacement);
        let label = Label::of_customer(kind::ITEM_LAPSED_ACROSS_SIMILAR, world, account, start)
            .with_product(world, sub.product);
        planted.push(Pending {
            label,
            due_of: Some(j),
        });
    }
    planted
}
