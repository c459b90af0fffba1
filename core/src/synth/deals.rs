//! CRM deals: opportunities that move through the pipeline stages with stage-dependent,
//! log-normal dwell times, and end won, lost, or still open at the end of the history.
//!
//! A deal is several rows, one per stage it entered, as successive CRM exports would show it;
//! a closed deal ends with a "Closed Won" or "Closed Lost" row that carries `closed` and the
//! outcome. A won cross-sell deal becomes a new regular item of the customer shortly after.

use rand::seq::IndexedRandom;
use rand::Rng;

use super::accounts::Account;
use super::labels::{kind, Label};
use super::portfolio::{never, quantity, untried, Pair};
use super::random::{chance, day_in, lognormal, poisson, stream, uniform, Stream};
use super::world::World;
use crate::day::Day;
use crate::model::{DealRow, Outcome};

/// A pipeline stage: its median dwell, the spread of its dwell, and the chance a deal is lost
/// when it leaves the stage.
struct Stage {
    name: &'static str,
    median: f64,
    sigma: f64,
    lost: f64,
}

impl Stage {
    /// A natural dwell in days, capped near the 98th percentile so that a deal far past its
    /// stage's 90th percentile is always a planted stall.
    fn dwell(&self, rng: &mut impl Rng) -> i32 {
        let cap = self.median * (2.0 * self.sigma).exp();
        lognormal(rng, self.median, self.sigma)
            .min(cap)
            .round()
            .max(1.0) as i32
    }

    /// The 90th percentile of the natural dwell.
    fn p90(&self) -> f64 {
        self.median * (1.2816 * self.sigma).exp()
    }
}

/// The open stages, in order; about a third of deals are won.
const STAGES: [Stage; 4] = [
    Stage {
        name: "Prospecting",
        median: 10.0,
        sigma: 0.6,
        lost: 0.25,
    },
    Stage {
        name: "Qualification",
        median: 14.0,
        sigma: 0.5,
        lost: 0.20,
    },
    Stage {
        name: "Proposal",
        median: 12.0,
        sigma: 0.5,
        lost: 0.20,
    },
    Stage {
        name: "Negotiation",
        median: 18.0,
        sigma: 0.6,
        lost: 0.25,
    },
];
/// The stage of a won deal's last row.
pub const CLOSED_WON: &str = "Closed Won";
/// The stage of a lost deal's last row.
pub const CLOSED_LOST: &str = "Closed Lost";
/// A stalled deal has sat in its stage for at least this many times the stage's 90th percentile
/// by the end of the history.
const STALL_FACTOR: f64 = 3.0;
/// Share of deals that offer a product the customer does not buy yet.
const CROSS_SELL_SHARE: f64 = 0.6;

/// A customer's deals, the items its won cross-sells add, and its stalled-deal label.
#[derive(Default)]
pub(crate) struct Deals {
    pub rows: Vec<DealRow>,
    pub won: Vec<Pair>,
    pub stalled: Option<Label>,
}

/// What a deal offers, and for a cross-sell, the item it becomes if won.
struct Offer {
    product: usize,
    amount: f64,
    item: Option<Pair>,
}

/// One deal being written out.
struct Draft<'a> {
    world: &'a World,
    account: &'a Account,
    id: String,
    offer: Offer,
    created: Day,
}

impl Draft<'_> {
    fn row(&self, stage: &str, entered: Day) -> DealRow {
        DealRow {
            deal_id: self.id.clone(),
            customer_id: self.account.id.clone(),
            stage: stage.to_string(),
            stage_entered: entered.to_date(),
            rep_id: Some(self.account.rep_id(self.world).to_string()),
            product_id: Some(self.world.catalogue.products[self.offer.product].id.clone()),
            amount: Some(self.offer.amount),
            created: Some(self.created.to_date()),
            closed: None,
            outcome: Some(Outcome::Open),
        }
    }

    fn closing_row(&self, outcome: Outcome, day: Day) -> DealRow {
        let stage = if outcome == Outcome::Won {
            CLOSED_WON
        } else {
            CLOSED_LOST
        };
        DealRow {
            closed: Some(day.to_date()),
            outcome: Some(outcome),
            ..self.row(stage, day)
        }
    }
}

/// Draws the deals of `account` (whose items are `pairs`) from its own stream.
pub(crate) fn draw(world: &World, account: &Account, pairs: &[Pair]) -> Deals {
    let mut rng = stream(world.config.seed, Stream::Deals, account.index as u64);
    let begin = account.onboard.max(world.start);
    let years = (world.end - begin + 1) as f64 / 365.25;
    let mut created: Vec<Day> =
        (0..poisson(&mut rng, world.config.deals_per_customer_year * years))
            .map(|_| day_in(&mut rng, begin, world.end))
            .collect();
    created.sort_unstable();
    let cross_sell = untried(world, pairs);
    let mut deals = Deals::default();
    for day in created {
        let Some(offer) = offer(&mut rng, world, account, pairs, &cross_sell) else {
            continue;
        };
        let mut draft = Draft {
            world,
            account,
            id: deal_id(account, deals.count() + 1),
            offer,
            created: day,
        };
        let won = walk(&mut rng, &draft, &mut deals.rows);
        if let (Some(closed), Some(item)) = (won, draft.offer.item.take()) {
            adopt(&mut rng, world, pairs, &mut deals.won, item, closed);
        }
    }
    if world.plan.stalled(account.index) {
        stall(&mut rng, world, account, pairs, &cross_sell, &mut deals);
    }
    deals
}

impl Deals {
    /// Deals written so far (rows of one deal are contiguous).
    fn count(&self) -> usize {
        let mut ids: Vec<&str> = self.rows.iter().map(|r| r.deal_id.as_str()).collect();
        ids.dedup();
        ids.len()
    }
}

fn deal_id(account: &Account, n: usize) -> String {
    format!("DL-{:06}-{:02}", account.index + 1, n)
}

/// A cross-sell of an untried product (priced at a year of its expected volume), or else an
/// expansion of a product the customer buys (part of a year of its volume).
fn offer(
    rng: &mut impl Rng,
    world: &World,
    account: &Account,
    pairs: &[Pair],
    cross_sell: &[usize],
) -> Option<Offer> {
    let net = |product: usize, qty: f64, interval: f64| {
        let price = world.catalogue.products[product].price;
        let annual = price * qty * 365.0 / interval * (1.0 - account.discount);
        (annual / 10.0).round().max(1.0) * 10.0
    };
    if chance(rng, CROSS_SELL_SHARE) {
        if let Some(&product) = cross_sell.choose(rng) {
            let interval = account.cadence * rng.random_range(1..=3) as f64;
            let qty = quantity(rng, world, account, product, interval);
            let item = Pair {
                product,
                interval,
                cv: uniform(rng, 0.1, 0.3),
                qty,
                phase: 0.0,
                from: never(world),
                until: never(world),
                skip_season: None,
                established: false,
            };
            return Some(Offer {
                product,
                amount: net(product, qty, interval),
                item: Some(item),
            });
        }
    }
    let pair = pairs.choose(rng)?;
    let amount = net(pair.product, pair.qty, pair.interval) * uniform(rng, 0.2, 0.6);
    Some(Offer {
        product: pair.product,
        amount: (amount / 10.0).round().max(1.0) * 10.0,
        item: None,
    })
}

/// Moves a deal through the stages until it is lost, won, or the history ends; returns the day
/// it was won, if it was.
fn walk(rng: &mut impl Rng, draft: &Draft, rows: &mut Vec<DealRow>) -> Option<Day> {
    let mut entered = draft.created;
    for stage in &STAGES {
        rows.push(draft.row(stage.name, entered));
        let left = entered + stage.dwell(rng);
        if left > draft.world.end {
            return None;
        }
        if chance(rng, stage.lost) {
            rows.push(draft.closing_row(Outcome::Lost, left));
            return None;
        }
        entered = left;
    }
    rows.push(draft.closing_row(Outcome::Won, entered));
    Some(entered)
}

/// Turns a won cross-sell into a regular item from a few days after closing, when there is time
/// left to see it bought and it is not bought already.
fn adopt(
    rng: &mut impl Rng,
    world: &World,
    pairs: &[Pair],
    won: &mut Vec<Pair>,
    item: Pair,
    closed: Day,
) {
    let from = closed + rng.random_range(3..=14);
    let known = pairs
        .iter()
        .chain(won.iter())
        .any(|p| p.product == item.product);
    if !known && from + (2.0 * item.interval) as i32 <= world.end {
        won.push(Pair { from, ..item });
    }
}

/// Plants a deal that entered a later stage in the event window and never left it.
fn stall(
    rng: &mut impl Rng,
    world: &World,
    account: &Account,
    pairs: &[Pair],
    cross_sell: &[usize],
    deals: &mut Deals,
) {
    let Some(offer) = offer(rng, world, account, pairs, cross_sell) else {
        return;
    };
    let stuck = rng.random_range(1..STAGES.len());
    let entered = day_in(
        rng,
        world.window.first,
        world.window.latest(STALL_FACTOR * STAGES[stuck].p90()),
    );
    let before: Vec<i32> = STAGES[..stuck].iter().map(|s| s.dwell(rng)).collect();
    let created = entered - before.iter().sum::<i32>();
    let draft = Draft {
        world,
        account,
        id: deal_id(account, deals.count() + 1),
        offer,
        created,
    };
    let mut day = created;
    for (stage, dwell) in STAGES[..stuck].iter().zip(&before) {
        deals.rows.push(draft.row(stage.name, day));
        day = day + *dwell;
    }
    deals.rows.push(draft.row(STAGES[stuck].name, entered));
    let should_have_moved = entered + STAGES[stuck].dwell(rng);
    let mut label = Label::of_customer(kind::DEAL_STALLED, world, account, should_have_moved)
        .with_product(world, draft.offer.product);
    label.deal_id = Some(draft.id);
    deals.stalled = Some(label);
}
