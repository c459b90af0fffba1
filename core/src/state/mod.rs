//! The engine's memory: histories and aggregates.
//!
//! Owns: [`State`], plain data built by [`crate::ingest`] and read by KPIs, models and detectors:
//! the interners, one [`CustomerState`] per customer (with its [`PairHistory`]s), one
//! [`ProductState`] per product, reps, orders, the duplicate index and the deals. Everything is
//! serde, and [`State::merge`] joins states built on disjoint customers. This module validates
//! nothing about rows (ingest does) and computes no statistics (models and KPIs do).

mod customer;
mod deal;
mod fixed;
mod history;
mod line_keys;
mod memo;
mod merge;
mod product;
mod staging;
mod validate;

pub use customer::{CustomerMaster, CustomerState, Totals};
pub use deal::{DealFacts, DealState, StageVisit};
pub use fixed::Fixed;
pub use history::{line_days, LineDay, PairHistory, Purchase};
pub use line_keys::{LineKey, LineKeys, MAX_LINE_NO};
pub(crate) use memo::Memo;
pub use product::{ProductState, RepState};
pub(crate) use staging::{AcceptedLine, StagedLines};

use crate::day::Day;
use crate::ids::{CustomerId, DealId, Interner, LabelId, OrderId, ProductId, RepId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One ERP order: whose it is and its first line's day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderInfo {
    /// The customer who placed it.
    pub customer: CustomerId,
    /// The earliest day among its lines.
    pub day: Day,
}

/// Everything the engine has learned from the tables it ingested.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub(crate) customer_ids: Interner,
    pub(crate) product_ids: Interner,
    pub(crate) rep_ids: Interner,
    pub(crate) order_ids: Interner,
    pub(crate) deal_ids: Interner,
    pub(crate) segments: Interner,
    pub(crate) regions: Interner,
    pub(crate) families: Interner,
    pub(crate) stages: Interner,
    pub(crate) customers: Vec<CustomerState>,
    pub(crate) products: Vec<ProductState>,
    pub(crate) reps: Vec<RepState>,
    /// Per order id: its customer and day, once a line claimed it.
    pub(crate) orders: Vec<Option<OrderInfo>>,
    pub(crate) line_keys: LineKeys,
    pub(crate) deals: Vec<DealState>,
    pub(crate) currency: Option<String>,
    /// Customers that received order lines since the real-time feed last drained them.
    #[serde(skip)]
    pub(crate) dirty: DirtyCustomers,
    /// Every customer's best offers at a day, kept for the next read at the same day.
    #[serde(skip)]
    pub(crate) offers_memo: Memo<crate::affinity::offers::OffersKey, Vec<crate::affinity::Offer>>,
}

/// Customers whose histories changed since the last [`State::drain_dirty`]: the real-time feed
/// ([`crate::realtime`]) re-reads only these. Bookkeeping, not content: it is not serialised and
/// two states with the same histories compare equal whatever their dirty lists.
#[derive(Clone, Debug, Default)]
pub(crate) struct DirtyCustomers {
    list: Vec<CustomerId>,
    marked: Vec<bool>,
}

impl PartialEq for DirtyCustomers {
    fn eq(&self, _: &DirtyCustomers) -> bool {
        true
    }
}

/// Sizes of a state, for reports and memory budgets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateStats {
    /// Customers known (from orders, masters or deals).
    pub customers: usize,
    /// Products known.
    pub products: usize,
    /// Reps known.
    pub reps: usize,
    /// Customer x product pairs with at least one line.
    pub pairs: usize,
    /// Stored order lines.
    pub lines: usize,
    /// Distinct orders.
    pub orders: usize,
    /// Deals.
    pub deals: usize,
    /// Heap bytes held by the state (histories, duplicate index, interners, tables).
    pub heap_bytes: usize,
}

macro_rules! id_table {
    ($intern:ident, $lookup:ident, $text:ident, $ids:ident, $rows:ident, $id:ident) => {
        /// The id of a text id, adding it if new.
        pub fn $intern(&mut self, text: &str) -> $id {
            let id = self.$ids.intern(text);
            if id as usize == self.$rows.len() {
                self.$rows.push(Default::default());
            }
            $id(id)
        }

        /// The id of a known text id.
        pub fn $lookup(&self, text: &str) -> Option<$id> {
            self.$ids.get(text).map($id)
        }

        /// The text of an id.
        pub fn $text(&self, id: $id) -> &str {
            self.$ids.resolve(id.0)
        }
    };
}

impl State {
    id_table!(
        intern_customer,
        customer_id,
        customer_text,
        customer_ids,
        customers,
        CustomerId
    );
    id_table!(
        intern_product,
        product_id,
        product_text,
        product_ids,
        products,
        ProductId
    );
    id_table!(intern_rep, rep_id, rep_text, rep_ids, reps, RepId);

    /// The id of an order text, adding an unclaimed slot if new.
    pub(crate) fn order_slot(&mut self, text: &str) -> OrderId {
        let id = self.order_ids.intern(text);
        if id as usize == self.orders.len() {
            self.orders.push(None);
        }
        OrderId(id)
    }

    /// Gives an order to `customer` (on its first line) and returns the customer it belongs to,
    /// which differs from `customer` when a line names the wrong one, and whether this line
    /// claimed it (the caller counts the customer's new order).
    pub(crate) fn claim_order(
        &mut self,
        order: OrderId,
        customer: CustomerId,
        day: Day,
    ) -> (CustomerId, bool) {
        match &mut self.orders[order.index()] {
            Some(info) => {
                if info.customer == customer {
                    info.day = info.day.min(day);
                }
                (info.customer, false)
            }
            slot @ None => {
                *slot = Some(OrderInfo { customer, day });
                (customer, true)
            }
        }
    }

    /// The text of an order id.
    pub fn order_text(&self, id: OrderId) -> &str {
        self.order_ids.resolve(id.0)
    }

    /// The id of a deal, if known.
    pub fn deal_id(&self, text: &str) -> Option<DealId> {
        self.deal_ids.get(text).map(DealId)
    }

    /// The text of a deal id.
    pub fn deal_text(&self, id: DealId) -> &str {
        self.deal_ids.resolve(id.0)
    }

    /// Customers in id order.
    pub fn customers(&self) -> impl ExactSizeIterator<Item = (CustomerId, &CustomerState)> + '_ {
        self.customers
            .iter()
            .enumerate()
            .map(|(i, c)| (CustomerId(i as u32), c))
    }

    /// One customer.
    pub fn customer(&self, id: CustomerId) -> &CustomerState {
        &self.customers[id.index()]
    }

    /// Products in id order.
    pub fn products(&self) -> impl ExactSizeIterator<Item = (ProductId, &ProductState)> + '_ {
        self.products
            .iter()
            .enumerate()
            .map(|(i, p)| (ProductId(i as u32), p))
    }

    /// One product.
    pub fn product(&self, id: ProductId) -> &ProductState {
        &self.products[id.index()]
    }

    /// What people call a product: its name from the product master, else its id.
    pub fn product_label(&self, id: ProductId) -> &str {
        self.product(id)
            .name
            .as_deref()
            .unwrap_or_else(|| self.product_text(id))
    }

    /// Reps in id order.
    pub fn reps(&self) -> impl ExactSizeIterator<Item = (RepId, &RepState)> + '_ {
        self.reps
            .iter()
            .enumerate()
            .map(|(i, r)| (RepId(i as u32), r))
    }

    /// One rep.
    pub fn rep(&self, id: RepId) -> &RepState {
        &self.reps[id.index()]
    }

    /// Orders in id order (`None` for an id interned before any of its lines arrived).
    pub fn orders(&self) -> &[Option<OrderInfo>] {
        &self.orders
    }

    /// Deals in id order.
    pub fn deals(&self) -> impl ExactSizeIterator<Item = (DealId, &DealState)> + '_ {
        self.deals
            .iter()
            .enumerate()
            .map(|(i, d)| (DealId(i as u32), d))
    }

    /// The name of a segment label.
    pub fn segment_text(&self, id: LabelId) -> &str {
        self.segments.resolve(id.0)
    }

    /// The name of a region label.
    pub fn region_text(&self, id: LabelId) -> &str {
        self.regions.resolve(id.0)
    }

    /// The name of a product family label.
    pub fn family_text(&self, id: LabelId) -> &str {
        self.families.resolve(id.0)
    }

    /// The name of a deal stage label.
    pub fn stage_text(&self, id: LabelId) -> &str {
        self.stages.resolve(id.0)
    }

    /// The currency of the amounts, once known.
    pub fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }

    /// Notes that `customer` received order lines (called where lines are stored).
    pub(crate) fn mark_dirty(&mut self, customer: CustomerId) {
        let dirty = &mut self.dirty;
        let i = customer.index();
        if dirty.marked.len() <= i {
            dirty.marked.resize(i + 1, false);
        }
        if !dirty.marked[i] {
            dirty.marked[i] = true;
            dirty.list.push(customer);
        }
    }

    /// The customers that received order lines since the last call, each once, in the order
    /// they were first marked; the record is emptied.
    pub fn drain_dirty(&mut self) -> Vec<CustomerId> {
        let dirty = &mut self.dirty;
        for c in &dirty.list {
            dirty.marked[c.index()] = false;
        }
        std::mem::take(&mut dirty.list)
    }

    /// The last day with an order line, if any.
    pub fn last_day(&self) -> Option<Day> {
        self.customers
            .iter()
            .filter_map(|c| c.totals.last_day)
            .max()
    }

    /// Releases spare capacity left in the histories by growth.
    pub(crate) fn trim(&mut self) {
        self.customers.iter_mut().for_each(CustomerState::trim);
    }

    /// Sizes and heap bytes.
    pub fn stats(&self) -> StateStats {
        let interners = [
            &self.customer_ids,
            &self.product_ids,
            &self.rep_ids,
            &self.order_ids,
            &self.deal_ids,
            &self.segments,
            &self.regions,
            &self.families,
            &self.stages,
        ];
        let heap_bytes = interners.iter().map(|i| i.heap_bytes()).sum::<usize>()
            + self.customers.capacity() * std::mem::size_of::<CustomerState>()
            + self
                .customers
                .iter()
                .map(CustomerState::heap_bytes)
                .sum::<usize>()
            + self.products.capacity() * std::mem::size_of::<ProductState>()
            + self.reps.capacity() * std::mem::size_of::<RepState>()
            + self.orders.capacity() * std::mem::size_of::<Option<OrderInfo>>()
            + self.line_keys.heap_bytes()
            + self.deals.capacity() * std::mem::size_of::<DealState>()
            + self
                .deals
                .iter()
                .map(|d| std::mem::size_of_val(d.visits()))
                .sum::<usize>();
        StateStats {
            customers: self.customers.len(),
            products: self.products.len(),
            reps: self.reps.len(),
            pairs: self.customers.iter().map(|c| c.pairs().len()).sum(),
            lines: self.line_keys.len(),
            orders: self.orders.iter().flatten().count(),
            deals: self.deals.len(),
            heap_bytes,
        }
    }

    /// The state with every id replaced by its text and every collection sorted: two states hold
    /// the same facts exactly when their canonical forms are equal, whatever order their rows
    /// arrived in and however they were merged.
    pub fn canonical(&self) -> CanonicalState {
        let label = |i: &Interner, l: Option<LabelId>| l.map(|l| i.resolve(l.0).to_string());
        let rep = |r: Option<RepId>| r.map(|r| self.rep_text(r).to_string());
        let customers = self
            .customers()
            .map(|(id, c)| {
                let pairs = c
                    .pairs()
                    .iter()
                    .map(|h| (self.product_text(h.product).to_string(), h.lines().to_vec()))
                    .collect();
                let view = CanonicalCustomer {
                    owner: rep(c.master.owner),
                    order_rep: rep(c.order_rep.map(|(_, r)| r)),
                    segment: label(&self.segments, c.master.segment),
                    region: label(&self.regions, c.master.region),
                    name: c.master.name.clone(),
                    orders: c.orders,
                    totals: c.totals,
                    pairs,
                };
                (self.customer_text(id).to_string(), view)
            })
            .collect();
        let products = self
            .products()
            .map(|(id, p)| {
                let view = (
                    label(&self.families, p.family),
                    p.list_price,
                    p.name.clone(),
                    p.customers,
                    p.totals,
                );
                (self.product_text(id).to_string(), view)
            })
            .collect();
        let deals = self
            .deals()
            .map(|(id, d)| {
                let visits = d
                    .visits()
                    .iter()
                    .map(|v| (v.entered, self.stage_text(v.stage).to_string()))
                    .collect();
                let view = (
                    self.customer_text(d.customer).to_string(),
                    visits,
                    d.facts.outcome,
                );
                (self.deal_text(id).to_string(), view)
            })
            .collect();
        CanonicalState {
            customers,
            products,
            deals,
            lines: self.line_keys.len(),
            currency: self.currency.clone(),
        }
    }
}

/// A customer as [`State::canonical`] shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct CanonicalCustomer {
    /// Account owner.
    pub owner: Option<String>,
    /// Rep of the latest order line.
    pub order_rep: Option<String>,
    /// Segment.
    pub segment: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Distinct orders.
    pub orders: u32,
    /// Totals.
    pub totals: Totals,
    /// Pair histories by product text.
    pub pairs: BTreeMap<String, Vec<Purchase>>,
}

/// The order-free view of a [`State`]; see [`State::canonical`].
#[derive(Clone, Debug, PartialEq)]
pub struct CanonicalState {
    /// Customers by text id.
    pub customers: BTreeMap<String, CanonicalCustomer>,
    /// Products by text id: family, list price, name, customers, totals.
    #[allow(clippy::type_complexity)]
    pub products: BTreeMap<String, (Option<String>, Option<f64>, Option<String>, u32, Totals)>,
    /// Deals by text id: customer, stage visits, outcome.
    #[allow(clippy::type_complexity)]
    pub deals: BTreeMap<String, (String, Vec<(Day, String)>, crate::model::Outcome)>,
    /// Stored lines.
    pub lines: usize,
    /// Currency.
    pub currency: Option<String>,
}
