//! A customer's portfolio: the products it buys regularly, each with its own renewal rhythm.
//!
//! A customer picks a few families by its segment's affinity (restaurants buy coffee, dairy and
//! disposables; clinics buy medical consumables and hygiene), then products within them by
//! popularity. Every product of one family gets the same interval (a multiple of the customer's
//! cadence) and phase, so a family's items come due on the same order days: that is where the
//! basket rules of the data come from.

use rand::Rng;

use super::accounts::Account;
use super::catalogue::FAMILIES;
use super::catalogue::QTY_REFERENCE_DAYS;
use super::events::{observable_season, Planned};
use super::random::{lognormal, pick_weighted, stream, uniform, Stream};
use super::world::World;
use crate::day::Day;

/// Interval multiples of the cadence a family can have, and how common each is.
const MULTIPLES: [f64; 4] = [1.0, 2.0, 3.0, 4.0];
const MULTIPLE_WEIGHTS: [f64; 4] = [0.35, 0.35, 0.15, 0.15];
/// Median number of regular products of an average-size customer.
const MEDIAN_PORTFOLIO: f64 = 8.0;
/// The fewest regular items of a customer planted with a variety drop: enough to drop several.
const VARIETY_DROP_MIN_ITEMS: usize = 8;

/// A customer x product buying relation.
#[derive(Clone, Debug)]
pub(crate) struct Pair {
    pub product: usize,
    /// Mean days between purchases.
    pub interval: f64,
    /// Coefficient of variation of the days between purchases.
    pub cv: f64,
    /// Typical units per purchase.
    pub qty: f64,
    /// Days after `from` (or after the season opens) before the first purchase falls due.
    pub phase: f64,
    /// First day the product may be bought.
    pub from: Day,
    /// First day the product is no longer bought (a planted stop); after the end by default.
    pub until: Day,
    /// A season (by the year it starts) in which the customer skips this seasonal product.
    pub skip_season: Option<i32>,
    /// Part of the portfolio from the start, not added later by a won deal or a substitution.
    pub established: bool,
}

impl Pair {
    /// An established, non-seasonal item: the kind planted item events stop.
    pub fn is_regular(&self, world: &World) -> bool {
        self.established && world.catalogue.products[self.product].season.is_none()
    }

    /// Whether a purchase due on `day` (in the season of `season_year`, for a seasonal product)
    /// is suppressed by a planted event.
    pub fn stopped(&self, day: Day, season_year: Option<i32>) -> bool {
        day >= self.until || (season_year.is_some() && season_year == self.skip_season)
    }

    /// The pair that takes over from this one on `from`, for `product`, with the same rhythm and
    /// the same spend per purchase.
    pub fn replaced_by(&self, world: &World, product: usize, from: Day) -> Pair {
        let products = &world.catalogue.products;
        Pair {
            product,
            qty: self.qty * products[self.product].price / products[product].price,
            phase: 0.0,
            from,
            until: never(world),
            skip_season: None,
            established: false,
            ..self.clone()
        }
    }
}

/// A day after the end of the history: "no planted stop".
pub(crate) fn never(world: &World) -> Day {
    world.end + 1
}

/// Draws the portfolio of `account` from its own stream.
pub(crate) fn draw(world: &World, account: &Account) -> Vec<Pair> {
    let mut rng = stream(world.config.seed, Stream::Portfolio, account.index as u64);
    let planned = world.plan.planned(account.index);
    let mut size = (lognormal(&mut rng, MEDIAN_PORTFOLIO, 0.35) * account.size.powf(0.25))
        .round()
        .clamp(3.0, 40.0) as usize;
    if planned == Some(Planned::VarietyDrop) {
        size = size.max(VARIETY_DROP_MIN_ITEMS);
    }
    let families = choose_families(
        &mut rng,
        account.segment,
        (size as f64 / 3.0).round().clamp(2.0, 7.0) as usize,
    );
    let rhythms: Vec<(f64, f64)> = (0..families.len())
        .map(|n| family_rhythm(&mut rng, account, n == 0))
        .collect();
    let weights: Vec<f64> = families
        .iter()
        .map(|&f| FAMILIES[f].affinity[account.segment])
        .collect();
    let mut pairs = Vec::with_capacity(size + 2);
    for slot in 0..size {
        // Every chosen family gets one product first, the rest follow the segment's pull.
        let n = if slot < families.len() {
            slot
        } else {
            pick_weighted(&mut rng, &weights).unwrap_or(0)
        };
        if let Some(product) = pick_product(&mut rng, world, families[n], &pairs) {
            let (multiple, phase) = rhythms[n];
            pairs.push(new_pair(&mut rng, world, account, product, multiple, phase));
        }
    }
    if planned == Some(Planned::SeasonalDue) {
        ensure_observable_seasonal(&mut rng, world, account, &mut pairs);
    }
    pairs
}

/// `count` distinct families, drawn by the segment's affinity times the customer's own taste.
fn choose_families(rng: &mut impl Rng, segment: usize, count: usize) -> Vec<usize> {
    let mut weights: Vec<f64> = FAMILIES
        .iter()
        .map(|f| f.affinity[segment] * lognormal(rng, 1.0, 0.5))
        .collect();
    let mut chosen = Vec::with_capacity(count);
    while chosen.len() < count {
        let Some(f) = pick_weighted(rng, &weights) else {
            break;
        };
        weights[f] = 0.0;
        chosen.push(f);
    }
    chosen
}

/// A family's interval multiple and phase at one customer; the first (core) family is bought at
/// every order.
fn family_rhythm(rng: &mut impl Rng, account: &Account, core: bool) -> (f64, f64) {
    let multiple = if core {
        1.0
    } else {
        MULTIPLES[pick_weighted(rng, &MULTIPLE_WEIGHTS).unwrap_or(0)]
    };
    (
        multiple,
        uniform(rng, 0.0, (multiple - 1.0) * account.cadence),
    )
}

/// A product of `family` not yet in `pairs`, by popularity.
fn pick_product(rng: &mut impl Rng, world: &World, family: usize, pairs: &[Pair]) -> Option<usize> {
    let candidates = &world.catalogue.by_family[family];
    let weights: Vec<f64> = candidates
        .iter()
        .map(|&p| {
            if pairs.iter().any(|q| q.product == p) {
                0.0
            } else {
                world.catalogue.products[p].popularity
            }
        })
        .collect();
    pick_weighted(rng, &weights).map(|i| candidates[i])
}

/// A pair bought every `multiple` orders; a seasonal product is bought every order or two while
/// its season is open, whatever its family's rhythm.
fn new_pair(
    rng: &mut impl Rng,
    world: &World,
    account: &Account,
    product: usize,
    multiple: f64,
    phase: f64,
) -> Pair {
    let seasonal = world.catalogue.products[product].season.is_some();
    let (interval, phase) = if seasonal {
        let every = if account.cadence < 10.0 { 2.0 } else { 1.0 };
        (every * account.cadence, uniform(rng, 0.0, account.cadence))
    } else {
        (multiple * account.cadence, phase)
    };
    Pair {
        product,
        interval,
        cv: uniform(rng, 0.1, 0.3),
        qty: quantity(rng, world, account, product, interval),
        phase,
        from: account.onboard,
        until: never(world),
        skip_season: None,
        established: true,
    }
}

/// Typical units per purchase: the family's use rate, scaled by customer size and interval.
pub(crate) fn quantity(
    rng: &mut impl Rng,
    world: &World,
    account: &Account,
    product: usize,
    interval: f64,
) -> f64 {
    let family = world.catalogue.family_of(product);
    family.qty * account.size * interval / QTY_REFERENCE_DAYS * lognormal(rng, 1.0, 0.4)
}

/// Adds a seasonal product whose skipped season can be observed, unless the portfolio has one.
fn ensure_observable_seasonal(
    rng: &mut impl Rng,
    world: &World,
    account: &Account,
    pairs: &mut Vec<Pair>,
) {
    let observable = |p: usize| {
        world.catalogue.products[p]
            .season
            .as_ref()
            .and_then(|s| observable_season(world, s))
            .is_some()
    };
    if pairs.iter().any(|pair| observable(pair.product)) {
        return;
    }
    let weights: Vec<f64> = world
        .catalogue
        .products
        .iter()
        .enumerate()
        .map(|(p, product)| {
            if observable(p) {
                product.popularity * FAMILIES[product.family].affinity[account.segment]
            } else {
                0.0
            }
        })
        .collect();
    if let Some(product) = pick_weighted(rng, &weights) {
        pairs.push(new_pair(rng, world, account, product, 1.0, 0.0));
    }
}

/// Products of the customer's families that it does not buy: the pool of one-off purchases and
/// cross-sell deals. Seasonal products are left out, so they sell only in their windows.
pub(crate) fn untried(world: &World, pairs: &[Pair]) -> Vec<usize> {
    let mut families: Vec<usize> = pairs
        .iter()
        .map(|p| world.catalogue.products[p.product].family)
        .collect();
    families.sort_unstable();
    families.dedup();
    families
        .iter()
        .flat_map(|&f| world.catalogue.by_family[f].iter().copied())
        .filter(|&p| {
            world.catalogue.products[p].season.is_none() && pairs.iter().all(|q| q.product != p)
        })
        .collect()
}
