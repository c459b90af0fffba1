//! A synthetic wholesale distributor with planted, labelled events.
//!
//! Owns: generating the five input tables (orders, customers, reps, products, deals) of a B2B
//! distributor, plus [`Label`]s that say which events were planted where and when, so detectors
//! and the ranker can be scored for recall and precision on data whose truth is known.
//!
//! # What it models
//!
//! - **Sales force**: managers over reps (default 8 reps each), reps over books of 60-120
//!   customers (90 on average) in one of five regions (North, South, East, West, Center);
//!   about one rep in ten reads briefs in Hebrew (`locale` "he").
//! - **Customers** in five segments (Retail 30%, Horeca 25%, Industrial 20%, Healthcare 15%,
//!   Education 10%), each with a size (log-normal), a negotiated discount (segment mean 5-10%),
//!   and an order cadence of 5 to 35 days (segment medians 7-16). 15% of the customers appear
//!   during the history; the rest, and every customer with a planted order event, buy from the
//!   start. No customer leaves unless planted to.
//! - **Catalogue**: 15 families (coffee, dairy, cleaning, PPE, medical, ...), a few hundred
//!   products (growing with the log of the customer count), log-normal list prices, skewed
//!   popularity. 5-8% of the products are seasonal: sold only in a yearly window of 8-12 weeks.
//! - **Buying rhythm** (B2B, not Poisson): order days follow a gamma renewal process with a
//!   coefficient of variation of 0.15-0.4, on weekdays only, outside a year-end closure
//!   (Dec 24 - Jan 1) and, for Education, a summer break (Jul 10 - Aug 20). Each customer
//!   buys 3-40 regular products from a few families chosen by its segment's affinity; each
//!   family has an interval of 1-4 cadences and a phase, so a family's items share order days
//!   (basket rules). A purchase joins the order closest to its due day; quantities follow the
//!   time since the last purchase with mild noise; 2% of due purchases are skipped for no
//!   reason; 6% of orders carry a one-off product. Amounts: `list_amount` = quantity x list
//!   price, `net_amount` = list x (1 - discount), discount = the customer's plus noise plus any
//!   creep, in half points. 1% of lines are credited back 2-21 days later (70% wholly).
//! - **CRM deals**: 0.5 per customer per year; 60% cross-sell an untried product, 40% expand a
//!   bought one. Stages "Prospecting", "Qualification", "Proposal", "Negotiation" with
//!   log-normal dwells (medians 10, 14, 12, 18 days), then "Closed Won" or "Closed Lost" (about
//!   a third are won); one [`DealRow`] per stage entered, the closing row carrying `closed` and
//!   `outcome`. Deals still in the pipeline at the end are open. A won cross-sell becomes a new
//!   regular item of the customer days later.
//!
//! # Ids
//!
//! Customers "C000001", products "P0001", reps "R001", managers "M01", orders
//! "SO-000123-0017" (the 17th order of customer C000123), credit notes "CN-000123-0002", deals
//! "DL-000123-01". Order and deal ids embed the customer's number because each customer is
//! generated alone: a global counter would tie a partition to all the customers before it.
//!
//! # Planted events
//!
//! Each customer has at most one of the first five; the others are independent of them. Rates
//! are the defaults of [`EventRates`]; a positive rate always plants at least one event. Events
//! start in the last 40% of the history, never in its first year when it spans two or more
//! years, and early enough to be seen for about two intervals of what they change before the
//! end. Each label's `kind` is the signal kind that should catch it:
//!
//! | kind | rate | what happens from `start` | `product_id` | `due` | `effect` |
//! | --- | --- | --- | --- | --- | --- |
//! | `customer_at_risk` | 3% of customers | no more orders | - | - | - |
//! | `frequency_drop` | 3% | same items, mean order interval x2-3 | - | - | the factor |
//! | `variety_drop` | 2% | 30-50% of the regular items stop, the rest go on | - | - | share stopped |
//! | `item_lapsed` | 5% | one regular item stops | the item | its first missed purchase | - |
//! | `seasonal_due` | 2% | a seasonal item bought last season is skipped this season; `start` = the season's first day | the item | its first missed purchase | - |
//! | `item_lapsed_across_similar` | 1.5 per 10k customers | in one segment, 40-70% of the regular buyers of a widely bought product switch, within 3 weeks, to the least popular product of its family at equal spend; `start` = the customer's switch day | the lost product | its first missed purchase | - |
//! | `discount_spike` | 1 segment | the segment's discounts rise 6-10 points over 2-4 weeks and stay | - | - | the rise |
//! | `deal_stalled` | 1% of customers | one deal sits in a stage for 3x its 90th-percentile dwell or more, open at the end; `start` = the day it would have moved on | the deal's | - | - |
//!
//! Unlabelled on purpose, as in real data: the year-end closure, the Education summer break
//! (six weeks without orders), the 2% of skipped purchases, one-off lines, and new items from
//! won deals. A detector that flags these is raising false alarms.
//!
//! `seasonal_due` needs the season before the skipped one inside the history, so a one-year
//! history has none. `item_lapsed_across_similar` has one label per switching customer and
//! one segment-level label (`customer_id` None, `start` = the substitution's start, `effect` =
//! the share drawn); `discount_spike` has one segment-level label. Customer labels carry the
//! customer's segment and rep; `deal_stalled` carries `deal_id`.
//!
//! # Determinism and scale
//!
//! Same config, same data: every customer draws from its own streams, seeded from (seed,
//! customer index), so [`Synth::history`] of any subset of customers, in any order, equals
//! those customers' part of [`Synth::generate`]. The streams are rand's `StdRng`, so the data
//! are stable for a given salespulse version; every binding calls this code, so a seed gives
//! the same data in every language. 10,000 customers over 2 years make about 3.7 million
//! lines (about 365 per customer and two-year history, 1 GB as `OrderLine`s) in a few seconds;
//! for far more, stream with [`Synth::histories`] or [`Synth::orders`] instead of collecting.
//!
//! ```
//! use salespulse::synth::{distributor, kind, Synth, SynthConfig};
//!
//! let d = distributor(200, 2, 42);
//! assert_eq!(d.customers.len(), 200);
//! assert!(d.labels.iter().any(|l| l.kind == kind::CUSTOMER_AT_RISK));
//!
//! // The streaming form: one customer at a time, identical to its part of the whole.
//! let synth = Synth::new(SynthConfig::new(200, 2, 42));
//! let first = synth.history(0);
//! let mine: Vec<_> = d.orders.iter().filter(|l| l.customer_id == first.customer.customer_id).collect();
//! assert_eq!(first.orders.iter().collect::<Vec<_>>(), mine);
//! ```

mod accounts;
mod catalogue;
mod config;
mod customer;
mod deals;
mod events;
mod labels;
mod orders;
mod portfolio;
mod random;
mod rhythm;
mod world;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::Serialize;

pub use config::{EventRates, SynthConfig};
pub use deals::{CLOSED_LOST, CLOSED_WON};
pub use labels::{kind, Label};

use crate::model::{CustomerRow, DealRow, OrderLine, ProductRow, RepRow};
use customer::Customer;
use world::World;

/// A whole synthetic distributor in memory.
#[derive(Clone, Debug, Serialize)]
pub struct Distributor {
    /// Order lines and credit notes, customer by customer, each customer's by date.
    pub orders: Vec<OrderLine>,
    /// All customers, in index order ("C000001" first).
    pub customers: Vec<CustomerRow>,
    /// Managers first, then reps.
    pub reps: Vec<RepRow>,
    /// The catalogue.
    pub products: Vec<ProductRow>,
    /// One row per stage a deal entered.
    pub deals: Vec<DealRow>,
    /// Segment-level labels first, then customers' labels in customer order.
    pub labels: Vec<Label>,
    /// First day of the history.
    pub start: NaiveDate,
    /// Last day of the history.
    pub end: NaiveDate,
}

/// One customer's part of the distributor.
#[derive(Clone, Debug, Serialize)]
pub struct History {
    /// The customer's master data.
    pub customer: CustomerRow,
    /// Its order lines and credit notes, by date.
    pub orders: Vec<OrderLine>,
    /// Its deals, one row per stage entered.
    pub deals: Vec<DealRow>,
    /// The customer's labels (segment-level labels are in [`Synth::market_labels`]).
    pub labels: Vec<Label>,
}

/// The generator, for streaming: the shared world is drawn once, each customer on demand.
pub struct Synth {
    world: World,
}

impl Synth {
    /// Draws the shared world of `config` (catalogue, sales force, plan of events).
    pub fn new(config: SynthConfig) -> Synth {
        Synth {
            world: World::new(config),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &SynthConfig {
        &self.world.config
    }

    /// First day of the history.
    pub fn start(&self) -> NaiveDate {
        self.world.start.to_date()
    }

    /// Last day of the history.
    pub fn end(&self) -> NaiveDate {
        self.world.end.to_date()
    }

    /// Number of customers; valid indices are `0..customer_count()`.
    pub fn customer_count(&self) -> usize {
        self.world.config.customers
    }

    /// All customers (cheap: no orders are simulated).
    pub fn customers(&self) -> Vec<CustomerRow> {
        (0..self.customer_count())
            .map(|i| accounts::Account::draw(&self.world, i).row(&self.world))
            .collect()
    }

    /// Managers, then reps.
    pub fn reps(&self) -> Vec<RepRow> {
        self.world.force.rows()
    }

    /// The catalogue.
    pub fn products(&self) -> Vec<ProductRow> {
        self.world.catalogue.rows()
    }

    /// Everything about customer `index`.
    ///
    /// # Panics
    /// If `index >= customer_count()`.
    pub fn history(&self, index: usize) -> History {
        self.check(index);
        Customer::assemble(&self.world, index).history(&self.world)
    }

    /// The order lines of customer `index`.
    ///
    /// # Panics
    /// If `index >= customer_count()`.
    pub fn orders_of(&self, index: usize) -> Vec<OrderLine> {
        self.history(index).orders
    }

    /// The deal rows of customer `index` (cheap: no orders are simulated).
    ///
    /// # Panics
    /// If `index >= customer_count()`.
    pub fn deals_of(&self, index: usize) -> Vec<DealRow> {
        self.check(index);
        Customer::assemble(&self.world, index).deals()
    }

    /// Every customer's history in customer order, one at a time.
    pub fn histories(&self) -> impl Iterator<Item = History> + '_ {
        (0..self.customer_count()).map(|i| self.history(i))
    }

    /// Every order line, customer by customer, without holding more than one customer's.
    pub fn orders(&self) -> impl Iterator<Item = OrderLine> + '_ {
        self.histories().flat_map(|h| h.orders)
    }

    /// The segment-level labels (substitutions, discount creep).
    pub fn market_labels(&self) -> Vec<Label> {
        self.world.plan.market_labels(&self.world)
    }

    /// All labels, as in [`Distributor::labels`]; simulates only the customers whose labels
    /// need a `due` day.
    pub fn labels(&self) -> Vec<Label> {
        let customers = (0..self.customer_count())
            .flat_map(|i| Customer::assemble(&self.world, i).labels(&self.world));
        self.market_labels().into_iter().chain(customers).collect()
    }

    /// The whole distributor in memory.
    pub fn generate(&self) -> Distributor {
        let mut d = Distributor {
            orders: Vec::new(),
            customers: Vec::with_capacity(self.customer_count()),
            reps: self.reps(),
            products: self.products(),
            deals: Vec::new(),
            labels: self.market_labels(),
            start: self.start(),
            end: self.end(),
        };
        for history in self.histories() {
            d.customers.push(history.customer);
            d.orders.extend(history.orders);
            d.deals.extend(history.deals);
            d.labels.extend(history.labels);
        }
        d
    }

    fn check(&self, index: usize) {
        assert!(
            index < self.customer_count(),
            "customer index {index} out of 0..{}",
            self.customer_count()
        );
    }
}

/// The default distributor: `SynthConfig::new(customers, years, seed).generate()`.
pub fn distributor(customers: usize, years: u32, seed: u64) -> Distributor {
    SynthConfig::new(customers, years, seed).generate()
}
