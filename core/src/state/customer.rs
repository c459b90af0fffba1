//! What the engine knows of one customer.
//!
//! Owns: [`CustomerState`] (master data, the customer's pair histories, running totals) and
//! [`Totals`], the additive aggregates shared with products. Every field merges commutatively,
//! so engines built on parts of the data add up to the engine built on all of it.

use super::fixed::Fixed;
use super::history::{PairHistory, Purchase};
use crate::day::Day;
use crate::ids::{LabelId, ProductId, RepId};
use serde::{Deserialize, Serialize};

/// Additive aggregates of a set of order lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Stored lines (returns included).
    pub lines: u64,
    /// Net amount, returns netted out.
    pub net: Fixed,
    /// Units, returns netted out.
    pub quantity: Fixed,
    /// The first line's day.
    pub first_day: Option<Day>,
    /// The last line's day.
    pub last_day: Option<Day>,
}

impl Totals {
    /// Counts one line in.
    pub fn add_line(&mut self, day: Day, net: f64, quantity: f64) {
        self.lines += 1;
        self.net += Fixed::from_f64(net);
        self.quantity += Fixed::from_f64(quantity);
        self.first_day = Some(self.first_day.map_or(day, |d| d.min(day)));
        self.last_day = Some(self.last_day.map_or(day, |d| d.max(day)));
    }

    /// Adds another set's totals (the sets are disjoint).
    pub fn absorb(&mut self, other: &Totals) {
        self.lines += other.lines;
        self.net += other.net;
        self.quantity += other.quantity;
        self.first_day = min_opt(self.first_day, other.first_day);
        self.last_day = max_opt(self.last_day, other.last_day);
    }
}

fn min_opt(a: Option<Day>, b: Option<Day>) -> Option<Day> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

fn max_opt(a: Option<Day>, b: Option<Day>) -> Option<Day> {
    a.max(b)
}

/// Master data of a customer (from the customers table).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerMaster {
    /// The account owner.
    pub owner: Option<RepId>,
    /// Market segment.
    pub segment: Option<LabelId>,
    /// Sales region.
    pub region: Option<LabelId>,
    /// Display name.
    pub name: Option<String>,
}

/// Everything the engine holds for one customer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerState {
    /// Master data.
    pub master: CustomerMaster,
    /// The rep named on the customer's latest order line (latest day; lowest id on a tie), the
    /// owner when the customers table names none.
    pub order_rep: Option<(Day, RepId)>,
    /// Distinct orders.
    pub orders: u32,
    /// Totals over all lines.
    pub totals: Totals,
    pairs: Vec<PairHistory>,
}

impl CustomerState {
    /// The customer's pair histories, sorted by product id.
    pub fn pairs(&self) -> &[PairHistory] {
        &self.pairs
    }

    /// The history of one product, if the customer ever bought it.
    pub fn pair(&self, product: ProductId) -> Option<&PairHistory> {
        self.pairs
            .binary_search_by_key(&product, |h| h.product)
            .ok()
            .map(|i| &self.pairs[i])
    }

    /// Days on or before `day` on which the customer bought something (some product's net
    /// quantity that day was positive), ascending.
    pub fn purchase_days_until(&self, day: Day) -> Vec<Day> {
        let mut days: Vec<Day> = self
            .pairs
            .iter()
            .flat_map(|h| h.purchase_days_until(day))
            .collect();
        days.sort_unstable();
        days.dedup();
        days
    }

    /// The rep responsible for the customer: the account owner, else the latest order's rep.
    pub fn rep(&self) -> Option<RepId> {
        self.master.owner.or(self.order_rep.map(|(_, r)| r))
    }

    /// Stores a line; returns whether the pair is new (the product's first line from this
    /// customer).
    pub fn add_line(
        &mut self,
        product: ProductId,
        purchase: Purchase,
        net: f64,
        quantity: f64,
    ) -> bool {
        self.add_lines(product, std::iter::once((purchase, net, quantity)))
            .0
    }

    /// Stores lines of one product, each with its exact net amount and quantity; returns
    /// whether the pair is new and the lines' totals. The history grows once for all of them.
    pub fn add_lines(
        &mut self,
        product: ProductId,
        lines: impl ExactSizeIterator<Item = (Purchase, f64, f64)>,
    ) -> (bool, Totals) {
        let (at, new_pair) = match self.pairs.binary_search_by_key(&product, |h| h.product) {
            Ok(i) => (i, false),
            Err(i) => {
                self.pairs.insert(i, PairHistory::new(product));
                (i, true)
            }
        };
        let history = &mut self.pairs[at];
        history.reserve(lines.len());
        let mut added = Totals::default();
        for (purchase, net, quantity) in lines {
            added.add_line(purchase.day, net, quantity);
            history.insert(purchase);
        }
        self.totals.absorb(&added);
        (new_pair, added)
    }

    /// Notes the rep named on a line.
    pub fn note_order_rep(&mut self, day: Day, rep: RepId) {
        let candidate = (day, RepId(u32::MAX - rep.0));
        let current = self.order_rep.map(|(d, r)| (d, RepId(u32::MAX - r.0)));
        if current.is_none_or(|c| candidate > c) {
            self.order_rep = Some((day, rep));
        }
    }

    /// Trims spare capacity of every pair (after a batch).
    pub fn trim(&mut self) {
        self.pairs.iter_mut().for_each(PairHistory::trim);
    }

    /// Heap bytes held by the pair histories.
    pub fn heap_bytes(&self) -> usize {
        self.pairs.capacity() * std::mem::size_of::<PairHistory>()
            + self
                .pairs
                .iter()
                .map(PairHistory::heap_bytes)
                .sum::<usize>()
            + self.master.name.as_ref().map_or(0, String::capacity)
    }

    /// Replaces the pairs wholesale (merges and restores build them elsewhere).
    pub(crate) fn set_pairs(&mut self, mut pairs: Vec<PairHistory>) {
        pairs.sort_by_key(|h| h.product);
        self.pairs = pairs;
    }

    /// Takes the pairs out (merge).
    pub(crate) fn take_pairs(&mut self) -> Vec<PairHistory> {
        std::mem::take(&mut self.pairs)
    }
}
