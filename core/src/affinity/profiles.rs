//! What each customer has bought: the input of every affinity model.
//!
//! Owns: [`Profiles`], one sorted list of [`ItemStat`]s per customer (compressed rows: memory
//! grows with the customer x item pairs bought, never with customers x catalogue), built from
//! the engine's state as of a day ([`Profiles::from_state`]) or from plain purchase events
//! ([`ProfileBuilder`], for data outside an engine, such as member x date receipts).
//!
//! Must not touch: the state (read only) or any scoring (see the sibling files).

use crate::day::Day;
use crate::state::State;

/// One customer's purchases of one item, up to the profile's day.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ItemStat {
    /// The item (a product id's index, or any dense id).
    pub item: u32,
    /// Distinct days with a net purchase of the item.
    pub days: u32,
    /// Net amount, returns netted out.
    pub net: f64,
    /// Units, returns netted out.
    pub quantity: f64,
    /// Net amount of the lines that carry a list amount.
    pub net_listed: f64,
    /// List amount of those lines (0 when no line has one).
    pub list: f64,
    /// The first purchase day.
    pub first: Day,
}

impl ItemStat {
    /// Net amount per unit, when units were bought.
    pub fn unit_price(&self) -> Option<f64> {
        (self.quantity > 0.0 && self.net > 0.0).then(|| self.net / self.quantity)
    }

    /// The discount off list (1 - net / list) over the lines with a list amount.
    pub fn discount(&self) -> Option<f64> {
        (self.list > 0.0).then(|| 1.0 - self.net_listed / self.list)
    }
}

/// Every customer's bought items, as of one day.
///
/// ```
/// use salespulse::affinity::ProfileBuilder;
/// use salespulse::Day;
///
/// let mut b = ProfileBuilder::new();
/// b.add(0, 7, Day(1), 2.0, 10.0);
/// b.add(0, 7, Day(1), 1.0, 5.0); // same day: one purchase day
/// b.add(0, 3, Day(4), 1.0, 2.0);
/// b.add(2, 7, Day(9), 1.0, 5.0);
/// let profiles = b.build();
/// assert_eq!(profiles.customers(), 3);
/// assert_eq!(profiles.of(0).iter().map(|s| s.item).collect::<Vec<_>>(), [3, 7]);
/// assert_eq!(profiles.of(0)[1].days, 1);
/// assert!(profiles.of(1).is_empty());
/// assert!(profiles.owns(2, 7) && !profiles.owns(2, 3));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Profiles {
    /// Customer `c` holds `stats[starts[c]..starts[c + 1]]`.
    starts: Vec<usize>,
    stats: Vec<ItemStat>,
    items: usize,
}

impl Profiles {
    /// Every customer's items bought on or before `as_of` (an item only returned is not bought).
    pub fn from_state(state: &State, as_of: Day) -> Profiles {
        let mut starts = Vec::with_capacity(state.customers().len() + 1);
        let mut stats = Vec::new();
        starts.push(0);
        for (_, customer) in state.customers() {
            for pair in customer.pairs() {
                if let Some(stat) = stat_of(pair, as_of) {
                    stats.push(stat);
                }
            }
            starts.push(stats.len());
        }
        Profiles {
            starts,
            stats,
            items: state.products().len(),
        }
    }

    /// Customers (ids `0..customers()`).
    pub fn customers(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// The size of the item id space (ids `0..items()`).
    pub fn items(&self) -> usize {
        self.items
    }

    /// A customer's items, sorted by item id.
    pub fn of(&self, customer: u32) -> &[ItemStat] {
        let c = customer as usize;
        &self.stats[self.starts[c]..self.starts[c + 1]]
    }

    /// A customer's purchases of one item, if it bought it.
    pub fn stat(&self, customer: u32, item: u32) -> Option<&ItemStat> {
        let row = self.of(customer);
        row.binary_search_by_key(&item, |s| s.item)
            .ok()
            .map(|i| &row[i])
    }

    /// Whether the customer bought the item.
    pub fn owns(&self, customer: u32, item: u32) -> bool {
        self.stat(customer, item).is_some()
    }

    /// Customers per item (an item's document frequency).
    pub fn buyers_per_item(&self) -> Vec<u32> {
        let mut buyers = vec![0u32; self.items];
        for s in &self.stats {
            buyers[s.item as usize] += 1;
        }
        buyers
    }

    /// The customer's usual discount off list: the median over its items that have one.
    pub fn usual_discount(&self, customer: u32) -> Option<f64> {
        median(self.of(customer).iter().filter_map(ItemStat::discount))
    }
}

/// The median of some numbers (`None` when there are none).
pub(crate) fn median(values: impl Iterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

fn stat_of(pair: &crate::state::PairHistory, as_of: Day) -> Option<ItemStat> {
    let mut days = pair.purchase_days_until(as_of);
    let first = days.next()?;
    let mut stat = ItemStat {
        item: pair.product.0,
        days: 1 + days.count() as u32,
        net: 0.0,
        quantity: 0.0,
        net_listed: 0.0,
        list: 0.0,
        first,
    };
    for line in pair.until(as_of) {
        stat.net += f64::from(line.net);
        stat.quantity += f64::from(line.quantity);
        if let Some(list) = line.list {
            stat.list += f64::from(list);
            stat.net_listed += f64::from(line.net);
        }
    }
    Some(stat)
}

/// Builds [`Profiles`] from purchase events in any order.
#[derive(Clone, Debug, Default)]
pub struct ProfileBuilder {
    events: Vec<(u32, u32, Day, f64, f64)>,
}

impl ProfileBuilder {
    /// An empty builder.
    pub fn new() -> ProfileBuilder {
        ProfileBuilder::default()
    }

    /// One purchase: customer, item, day, units and net amount (dense ids from 0).
    pub fn add(&mut self, customer: u32, item: u32, day: Day, quantity: f64, net: f64) {
        self.events.push((customer, item, day, quantity, net));
    }

    /// The profiles; customers and items not named by any event have empty rows.
    pub fn build(mut self) -> Profiles {
        self.events.sort_unstable_by_key(|e| (e.0, e.1, e.2));
        let customers = self.events.last().map_or(0, |e| e.0 as usize + 1);
        let items = self
            .events
            .iter()
            .map(|e| e.1 as usize + 1)
            .max()
            .unwrap_or(0);
        let mut starts = vec![0usize; customers + 1];
        let mut stats: Vec<ItemStat> = Vec::new();
        for pair in self.events.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            let (customer, item, first) = (pair[0].0, pair[0].1, pair[0].2);
            starts[customer as usize + 1] += 1;
            stats.push(ItemStat {
                item,
                days: pair.chunk_by(|a, b| a.2 == b.2).count() as u32,
                net: pair.iter().map(|e| e.4).sum(),
                quantity: pair.iter().map(|e| e.3).sum(),
                net_listed: 0.0,
                list: 0.0,
                first,
            });
        }
        for c in 0..customers {
            starts[c + 1] += starts[c];
        }
        Profiles {
            starts,
            stats,
            items,
        }
    }
}
