//! Joining two states built on disjoint customers.
//!
//! Owns: [`State::merge`]. It is the reduce step of a distributed job: each partition of
//! customers builds its own engine and the driver merges them. The result equals (in
//! [`State::canonical`] form) the state built from all rows at once, and merging is associative
//! and commutative. Conflicts are checked before anything changes, so a failed merge leaves the
//! state as it was.

use super::{OrderInfo, State};
use crate::error::{Error, Result};
use crate::ids::{CustomerId, Interner, LabelId, OrderId, ProductId, RepId};

fn remap(from: &Interner, into: &mut Interner) -> Vec<u32> {
    from.iter().map(|text| into.intern(text)).collect()
}

fn agree<T: PartialEq + std::fmt::Debug>(
    what: &str,
    id: &str,
    a: &Option<T>,
    b: &Option<T>,
) -> Result<()> {
    match (a, b) {
        (Some(x), Some(y)) if x != y => Err(Error::Merge(format!(
            "{what} of {id:?} is {x:?} in one engine and {y:?} in the other; ingest the same master data into both"
        ))),
        _ => Ok(()),
    }
}

impl State {
    /// Adds `other`'s facts to this state. Fails, changing nothing, when both hold order lines or
    /// deals of one customer, when an order id belongs to different customers, when currencies
    /// differ, or when master data disagree.
    pub fn merge(&mut self, other: State) -> Result<()> {
        self.check_mergeable(&other)?;
        let customers = remap(&other.customer_ids, &mut self.customer_ids);
        let products = remap(&other.product_ids, &mut self.product_ids);
        let reps = remap(&other.rep_ids, &mut self.rep_ids);
        let segments = remap(&other.segments, &mut self.segments);
        let regions = remap(&other.regions, &mut self.regions);
        let families = remap(&other.families, &mut self.families);
        let stages = remap(&other.stages, &mut self.stages);
        let orders = remap(&other.order_ids, &mut self.order_ids);
        let deals = remap(&other.deal_ids, &mut self.deal_ids);
        self.grow_rows();
        let label = |map: &[u32], l: Option<LabelId>| l.map(|l| LabelId(map[l.index()]));
        let rep = |r: Option<RepId>| r.map(|r| RepId(reps[r.index()]));
        let product_ids: Vec<ProductId> = products.iter().map(|&p| ProductId(p)).collect();

        for (i, mut theirs) in other.reps.into_iter().enumerate() {
            let mine = &mut self.reps[reps[i] as usize];
            theirs.manager = rep(theirs.manager);
            mine.manager = mine.manager.or(theirs.manager);
            mine.name = mine.name.take().or(theirs.name);
            mine.email = mine.email.take().or(theirs.email);
            mine.locale = mine.locale.take().or(theirs.locale);
        }
        for (i, theirs) in other.products.into_iter().enumerate() {
            let mine = &mut self.products[products[i] as usize];
            mine.family = mine.family.or(label(&families, theirs.family));
            mine.list_price = mine.list_price.or(theirs.list_price);
            mine.name = mine.name.take().or(theirs.name);
            mine.customers += theirs.customers;
            mine.totals.absorb(&theirs.totals);
        }
        for (i, mut theirs) in other.customers.into_iter().enumerate() {
            let mine = &mut self.customers[customers[i] as usize];
            let m = &mut mine.master;
            m.owner = m.owner.or(rep(theirs.master.owner));
            m.segment = m.segment.or(label(&segments, theirs.master.segment));
            m.region = m.region.or(label(&regions, theirs.master.region));
            m.name = m.name.take().or(theirs.master.name.take());
            mine.order_rep = mine
                .order_rep
                .or(theirs.order_rep.map(|(d, r)| (d, RepId(reps[r.index()]))));
            mine.orders += theirs.orders;
            mine.totals.absorb(&theirs.totals);
            let mut pairs = theirs.take_pairs();
            for h in &mut pairs {
                h.product = product_ids[h.product.index()];
            }
            if !pairs.is_empty() {
                mine.set_pairs(pairs);
            }
        }
        for (i, info) in other.orders.into_iter().enumerate() {
            let id = orders[i] as usize;
            let remapped = info.map(|info| OrderInfo {
                customer: CustomerId(customers[info.customer.index()]),
                day: info.day,
            });
            if id == self.orders.len() {
                self.orders.push(remapped);
            } else if remapped.is_some() {
                self.orders[id] = remapped;
            }
        }
        let order_ids: Vec<OrderId> = orders.iter().map(|&o| OrderId(o)).collect();
        let keys = other.line_keys.remapped(&order_ids, &product_ids);
        for (order, line) in keys {
            self.line_keys.insert(order, line);
        }
        for (i, mut deal) in other.deals.into_iter().enumerate() {
            deal.customer = CustomerId(customers[deal.customer.index()]);
            deal.facts.rep = rep(deal.facts.rep);
            deal.facts.product = deal.facts.product.map(|p| product_ids[p.index()]);
            deal.remap_stages(&stages);
            let id = deals[i] as usize;
            if id == self.deals.len() {
                self.deals.push(deal);
            } else {
                self.deals[id].absorb(deal);
            }
        }
        self.currency = self.currency.take().or(other.currency);
        Ok(())
    }

    fn grow_rows(&mut self) {
        self.customers
            .resize_with(self.customer_ids.len(), Default::default);
        self.products
            .resize_with(self.product_ids.len(), Default::default);
        self.reps.resize_with(self.rep_ids.len(), Default::default);
    }

    fn check_mergeable(&self, other: &State) -> Result<()> {
        agree(
            "the currency",
            "the orders",
            &self.currency,
            &other.currency,
        )?;
        for (id, theirs) in other.customers() {
            let text = other.customer_text(id);
            let Some(mine) = self.customer_id(text) else {
                continue;
            };
            let mine = self.customer(mine);
            if mine.totals.lines > 0 && theirs.totals.lines > 0 {
                return Err(Error::Merge(format!(
                    "customer {text:?} has order lines in both engines; merge takes engines built on \
                     disjoint sets of customers (partition the orders by customer)"
                )));
            }
            let seg = |s: &State, l: Option<LabelId>| l.map(|l| s.segment_text(l).to_string());
            agree(
                "the segment",
                text,
                &seg(self, mine.master.segment),
                &seg(other, theirs.master.segment),
            )?;
            let reg = |s: &State, l: Option<LabelId>| l.map(|l| s.region_text(l).to_string());
            agree(
                "the region",
                text,
                &reg(self, mine.master.region),
                &reg(other, theirs.master.region),
            )?;
            let owner = |s: &State, r: Option<RepId>| r.map(|r| s.rep_text(r).to_string());
            agree(
                "the owner",
                text,
                &owner(self, mine.master.owner),
                &owner(other, theirs.master.owner),
            )?;
        }
        for (id, theirs) in other.products() {
            let text = other.product_text(id);
            if let Some(mine) = self.product_id(text) {
                agree(
                    "the list price",
                    text,
                    &self.product(mine).list_price,
                    &theirs.list_price,
                )?;
            }
        }
        for (i, info) in other.orders().iter().enumerate() {
            let Some(info) = info else { continue };
            let text = other.order_ids.resolve(i as u32);
            let Some(mine) = self.order_ids.get(text) else {
                continue;
            };
            if let Some(mine) = self.orders[mine as usize] {
                let a = self.customer_text(mine.customer);
                let b = other.customer_text(info.customer);
                return Err(Error::Merge(format!(
                    "order {text:?} is in both engines (customers {a:?} and {b:?}); partition the \
                     orders by customer"
                )));
            }
        }
        for (id, theirs) in other.deals() {
            let text = other.deal_text(id);
            if let Some(mine) = self.deal_id(text) {
                let a = self.customer_text(self.deals[mine.index()].customer);
                let b = other.customer_text(theirs.customer);
                if a != b {
                    return Err(Error::Merge(format!(
                        "deal {text:?} is with customer {a:?} in one engine and {b:?} in the other"
                    )));
                }
            }
        }
        Ok(())
    }
}
