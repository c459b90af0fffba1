//! The order lines of one customer: on each order day, every pair that has come due joins the
//! basket; quantities follow the time since the last purchase; discounts are the customer's
//! plus noise plus any creep of its segment; a few lines are credited back later.

use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;

use super::accounts::Account;
use super::portfolio::{never, untried, Pair};
use super::random::{chance, day_in, gamma, lognormal, normal, stream, Stream};
use super::rhythm::{Calendar, Rhythm};
use super::world::World;
use crate::day::Day;
use crate::model::OrderLine;

/// Chance that a due purchase is skipped for no planted reason (stock on hand, a closed week):
/// real rhythms have the odd long gap.
const ORGANIC_SKIP: f64 = 0.02;
/// Chance that an order also carries a one-off product outside the portfolio.
const ONE_OFF_RATE: f64 = 0.06;
/// Chance that a return takes back the whole line rather than part of it.
const FULL_RETURN: f64 = 0.7;

/// A customer's simulated lines, and for each pair the first day a planted event suppressed one
/// of its purchases (the `due` of its label).
pub(crate) struct Simulated {
    pub lines: Vec<OrderLine>,
    pub missed: Vec<Option<Day>>,
}

/// Simulates customer `account` buying `pairs` on the order days of `rhythm`.
pub(crate) fn simulate(
    world: &World,
    account: &Account,
    pairs: &[Pair],
    rhythm: &Rhythm,
) -> Simulated {
    let calendar = Calendar::of(world, account.segment);
    let mut sim = Sim::new(world, account, pairs, rhythm.cadence);
    let mut day = rhythm.first_day(account.onboard, &mut sim.rng, &calendar);
    sim.schedule(day);
    while day <= world.end && day < rhythm.stop {
        sim.order(day, rhythm.stop);
        day = rhythm.next_day(day, &mut sim.rng, &calendar);
    }
    sim.finish()
}

/// Where a pair stands: when it next falls due, when it was last bought, which season it is in.
#[derive(Clone, Default)]
struct PairState {
    next_due: f64,
    last: Option<Day>,
    season: Option<i32>,
}

/// One product in a basket, with the day from which a return of it would be unwelcome.
struct Item {
    product: usize,
    qty: f64,
    until: Day,
}

struct Sim<'a> {
    world: &'a World,
    account: &'a Account,
    pairs: &'a [Pair],
    state: Vec<PairState>,
    missed: Vec<Option<Day>>,
    /// A purchase is due on an order day at most half a cadence before its due day: the
    /// customer tops up with the order that comes closest.
    tolerance: f64,
    one_offs: Vec<usize>,
    rng: StdRng,
    lines: Vec<OrderLine>,
    credits: Vec<OrderLine>,
    orders: u32,
    credit_notes: u32,
}

impl<'a> Sim<'a> {
    fn new(world: &'a World, account: &'a Account, pairs: &'a [Pair], cadence: f64) -> Sim<'a> {
        Sim {
            world,
            account,
            pairs,
            state: vec![PairState::default(); pairs.len()],
            missed: vec![None; pairs.len()],
            tolerance: cadence / 2.0,
            one_offs: untried(world, pairs),
            rng: stream(world.config.seed, Stream::Orders, account.index as u64),
            lines: Vec::with_capacity(expected_lines(world, account, pairs, cadence)),
            credits: Vec::new(),
            orders: 0,
            credit_notes: 0,
        }
    }

    /// Sets each pair's first due day, counted from the first order day or the pair's start.
    fn schedule(&mut self, first: Day) {
        for (state, pair) in self.state.iter_mut().zip(self.pairs) {
            state.next_due = first.max(pair.from).0 as f64 + pair.phase;
        }
    }

    /// Places the order of `day`, if anything is due.
    fn order(&mut self, day: Day, stop: Day) {
        let basket = self.basket(day);
        if basket.is_empty() {
            return;
        }
        self.orders += 1;
        let order_id = format!("SO-{:06}-{:04}", self.account.index + 1, self.orders);
        let date = day.to_date();
        for (n, item) in basket.iter().enumerate() {
            let line = self.line(&order_id, n + 1, date, day, item);
            self.maybe_return(&line, day, item.until.min(stop));
            self.lines.push(line);
        }
    }

    fn basket(&mut self, day: Day) -> Vec<Item> {
        let mut basket: Vec<Item> = (0..self.pairs.len())
            .filter_map(|j| {
                let qty = self.due(j, day)?;
                Some(Item {
                    product: self.pairs[j].product,
                    qty,
                    until: self.pairs[j].until,
                })
            })
            .collect();
        if !basket.is_empty() && chance(&mut self.rng, ONE_OFF_RATE) {
            basket.extend(self.one_off());
        }
        basket
    }

    /// The quantity of pair `j` bought on `day`, if it is due and not suppressed.
    fn due(&mut self, j: usize, day: Day) -> Option<f64> {
        // Through the 'a reference, so `pair` does not borrow `self`.
        let pairs = self.pairs;
        let pair = &pairs[j];
        if day < pair.from {
            return None;
        }
        let season = match &self.world.catalogue.products[pair.product].season {
            None => None,
            Some(season) => {
                let year = season.year_of(day)?;
                self.enter_season(j, year, season.window(year).0);
                Some(year)
            }
        };
        let state = &mut self.state[j];
        if (day.0 as f64) < state.next_due - self.tolerance {
            return None;
        }
        let ratio = state
            .last
            .map_or(1.0, |last| (day - last) as f64 / pair.interval);
        state.next_due = day.0 as f64 + gamma(&mut self.rng, pair.interval, pair.cv);
        if pair.stopped(day, season) {
            self.missed[j].get_or_insert(day);
            return None;
        }
        if chance(&mut self.rng, ORGANIC_SKIP) {
            return None;
        }
        state.last = Some(day);
        // A longer gap means more stock used up: part of it is made up in the next purchase.
        let catch_up = ratio.clamp(0.5, 2.0).sqrt();
        Some(
            (pair.qty * catch_up * lognormal(&mut self.rng, 1.0, 0.12))
                .round()
                .max(1.0),
        )
    }

    /// Restarts a seasonal pair's schedule when its season of `year` opens on `first`.
    fn enter_season(&mut self, j: usize, year: i32, first: Day) {
        let state = &mut self.state[j];
        if state.season != Some(year) {
            *state = PairState {
                next_due: first.0 as f64 + self.pairs[j].phase,
                last: None,
                season: Some(year),
            };
        }
    }

    fn one_off(&mut self) -> Option<Item> {
        let &product = self.one_offs.choose(&mut self.rng)?;
        let family = self.world.catalogue.family_of(product);
        let qty = (family.qty * self.account.size * lognormal(&mut self.rng, 0.5, 0.5))
            .round()
            .max(1.0);
        Some(Item {
            product,
            qty,
            until: never(self.world),
        })
    }

    fn line(
        &mut self,
        order_id: &str,
        line_no: usize,
        date: NaiveDate,
        day: Day,
        item: &Item,
    ) -> OrderLine {
        let price = self.world.catalogue.products[item.product].price;
        let list = item.qty * price;
        OrderLine {
            line_no: Some(line_no as i64),
            net_amount: cents(list * (1.0 - self.discount(day))),
            list_amount: Some(cents(list)),
            ..OrderLine::new(
                order_id,
                &self.account.id,
                &self.world.catalogue.products[item.product].id,
                date,
                item.qty,
                0.0,
            )
        }
    }

    /// The customer's discount on `day`, with line-level noise and its segment's creep, in steps
    /// of half a point as price lists have them.
    fn discount(&mut self, day: Day) -> f64 {
        let creep = self.world.plan.creep(self.account.segment, day);
        let rate = normal(&mut self.rng, self.account.discount, 0.01) + creep;
        (rate.clamp(0.0, 0.6) * 200.0).round() / 200.0
    }

    /// Credits `line` back, wholly or partly, on a later day before `until`, now and then.
    fn maybe_return(&mut self, line: &OrderLine, day: Day, until: Day) {
        if !chance(&mut self.rng, self.world.config.return_rate) {
            return;
        }
        let date = day_in(&mut self.rng, day + 2, day + 21);
        if date > self.world.end || date >= until {
            return;
        }
        let units = if chance(&mut self.rng, FULL_RETURN) {
            line.quantity
        } else {
            (line.quantity * self.rng.random_range(0.2..0.8))
                .round()
                .max(1.0)
        };
        let share = units / line.quantity;
        self.credit_notes += 1;
        let credit_id = format!("CN-{:06}-{:04}", self.account.index + 1, self.credit_notes);
        self.credits.push(OrderLine {
            line_no: Some(1),
            list_amount: line.list_amount.map(|a| -cents(a * share)),
            ..OrderLine::new(
                credit_id,
                &line.customer_id,
                &line.product_id,
                date.to_date(),
                -units,
                -cents(line.net_amount * share),
            )
        });
    }

    /// All lines, credit notes among them, by date.
    fn finish(mut self) -> Simulated {
        self.lines.append(&mut self.credits);
        self.lines.sort_by(|a, b| {
            (a.date, &a.order_id, a.line_no).cmp(&(b.date, &b.order_id, b.line_no))
        });
        Simulated {
            lines: self.lines,
            missed: self.missed,
        }
    }
}

/// About how many lines the customer will have, to allocate once.
fn expected_lines(world: &World, account: &Account, pairs: &[Pair], cadence: f64) -> usize {
    let days = (world.end - account.onboard).max(0) as f64;
    let per_day: f64 = pairs.iter().map(|p| 1.0 / p.interval.max(cadence)).sum();
    (days * per_day * 1.1) as usize + 8
}

fn cents(amount: f64) -> f64 {
    (amount * 100.0).round() / 100.0
}
