//! Accepted order lines on their way into the histories.
//!
//! Owns: [`StagedLines`], the lines one ingest call accepted, stored at the end of the call
//! customer by customer. An ERP export lists lines by date, so consecutive lines belong to
//! different customers; storing each on arrival jumps between histories and misses the cache on
//! nearly every line. Grouping first turns the store into a walk through one customer at a time,
//! with each history growing once per batch instead of once per line.
//!
//! Must not: check lines or decide duplicates (ingest does both before a line is staged). The
//! state it builds is the same as storing line by line: every aggregate it touches is
//! order-independent, and histories keep their canonical order.

use super::history::Purchase;
use super::State;
use crate::day::Day;
use crate::ids::{CustomerId, ProductId, RepId};

/// One accepted line, 40 bytes.
#[derive(Clone, Copy, Debug)]
struct StagedLine {
    customer: u32,
    product: u32,
    /// `NO_REP` when the line names none.
    rep: u32,
    day: Day,
    quantity: f64,
    net: f64,
    /// NaN when the line has no list amount (checked lines never carry a NaN).
    list: f32,
    /// The line is its order's first: the customer has one more order.
    new_order: bool,
}

const NO_REP: u32 = u32::MAX;

impl StagedLine {
    const EMPTY: StagedLine = StagedLine {
        customer: 0,
        product: 0,
        rep: NO_REP,
        day: Day(0),
        quantity: 0.0,
        net: 0.0,
        list: f32::NAN,
        new_order: false,
    };

    fn purchase(&self) -> Purchase {
        Purchase {
            day: self.day,
            quantity: self.quantity as f32,
            net: self.net as f32,
            list: (!self.list.is_nan()).then_some(self.list),
        }
    }
}

/// A line ingest checked and found new.
pub(crate) struct AcceptedLine {
    pub customer: CustomerId,
    pub product: ProductId,
    pub rep: Option<RepId>,
    pub day: Day,
    pub quantity: f64,
    pub net: f64,
    pub list: Option<f64>,
    /// The line claimed its order (the order's first line).
    pub new_order: bool,
}

/// The accepted lines of one ingest call, stored a chunk at a time.
#[derive(Debug, Default)]
pub(crate) struct StagedLines {
    lines: Vec<StagedLine>,
    /// Scratch of the grouping, kept between chunks.
    grouped: Vec<StagedLine>,
    starts: Vec<usize>,
    /// Scratch of the per-customer store.
    keys: Vec<u64>,
}

/// Lines per chunk: big enough that a customer's lines in one chunk come in runs, small enough
/// (5 MB) that the chunk and its grouped copy stay in cache instead of paging in fresh memory.
const CHUNK_LINES: usize = 1 << 17;

/// A chunk at least this many times smaller than the customer count is grouped by a comparison
/// sort; a bigger one by counting customers (linear, but it walks every customer once).
const COUNTING_SORT_MIN_SHARE: usize = 8;

impl StagedLines {
    /// Stages one checked, new line; a full chunk goes into `state`.
    pub fn push(&mut self, state: &mut State, line: AcceptedLine) {
        if self.lines.len() == CHUNK_LINES {
            self.store(state);
        }
        self.lines.push(StagedLine {
            customer: line.customer.0,
            product: line.product.0,
            rep: line.rep.map_or(NO_REP, |r| r.0),
            day: line.day,
            quantity: line.quantity,
            net: line.net,
            list: line.list.map_or(f32::NAN, |l| l as f32),
            new_order: line.new_order,
        });
    }

    /// Stores every staged line in `state`.
    pub fn store(&mut self, state: &mut State) {
        if self.lines.is_empty() {
            return;
        }
        self.group_by_customer(state.customers.len());
        for run in self.grouped.chunk_by(|a, b| a.customer == b.customer) {
            store_customer_run(state, run, &mut self.keys);
        }
        self.lines.clear();
    }

    /// Fills `grouped` with the lines reordered so each customer's are contiguous, in arrival
    /// order within a customer.
    fn group_by_customer(&mut self, customers: usize) {
        let lines = &self.lines;
        let grouped = &mut self.grouped;
        grouped.clear();
        if lines.len() * COUNTING_SORT_MIN_SHARE < customers {
            grouped.extend_from_slice(lines);
            grouped.sort_by_key(|l| l.customer);
            return;
        }
        let starts = &mut self.starts;
        starts.clear();
        starts.resize(customers + 1, 0);
        for l in lines {
            starts[l.customer as usize + 1] += 1;
        }
        for c in 0..customers {
            starts[c + 1] += starts[c];
        }
        grouped.resize(lines.len(), StagedLine::EMPTY);
        for l in lines {
            let at = &mut starts[l.customer as usize];
            grouped[*at] = *l;
            *at += 1;
        }
    }
}

/// Stores one customer's lines: each product's run lands in its history at once. `keys` is
/// scratch space kept between calls.
fn store_customer_run(state: &mut State, run: &[StagedLine], keys: &mut Vec<u64>) {
    // Grouping by product is all the store needs: each history keeps its canonical order on
    // insert. Keeping the arrival order within a product (day order in an ERP export) lets each
    // history grow by appends. Sorting packed (product, position) keys moves 8 bytes per swap
    // instead of a 40-byte line.
    keys.clear();
    keys.extend(
        run.iter()
            .enumerate()
            .map(|(at, l)| (u64::from(l.product) << 32) | at as u64),
    );
    keys.sort_unstable();
    state.mark_dirty(CustomerId(run[0].customer)); // the real-time feed re-reads this customer
    let customer = &mut state.customers[run[0].customer as usize];
    customer.orders += run.iter().filter(|l| l.new_order).count() as u32;
    for product_keys in keys.chunk_by(|a, b| a >> 32 == b >> 32) {
        let product = ProductId((product_keys[0] >> 32) as u32);
        let lines = || product_keys.iter().map(|&k| &run[k as u32 as usize]);
        let (new_pair, added) =
            customer.add_lines(product, lines().map(|l| (l.purchase(), l.net, l.quantity)));
        for l in lines().filter(|l| l.rep != NO_REP) {
            customer.note_order_rep(l.day, RepId(l.rep));
        }
        let prod = &mut state.products[product.index()];
        prod.totals.absorb(&added);
        prod.customers += u32::from(new_pair);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(customer: u32, product: u32, day: i32) -> StagedLine {
        StagedLine {
            customer,
            product,
            day: Day(day),
            quantity: 1.0,
            net: 1.0,
            ..StagedLine::EMPTY
        }
    }

    fn grouped_keys(lines: Vec<StagedLine>, customers: usize) -> Vec<(u32, i32)> {
        let mut staged = StagedLines {
            lines,
            ..StagedLines::default()
        };
        staged.group_by_customer(customers);
        staged
            .grouped
            .iter()
            .map(|l| (l.customer, l.day.0))
            .collect()
    }

    #[test]
    fn both_groupings_keep_arrival_order_within_a_customer() {
        let lines = vec![line(2, 0, 5), line(0, 0, 3), line(2, 1, 1), line(0, 0, 9)];
        let expected = vec![(0, 3), (0, 9), (2, 5), (2, 1)];
        assert_eq!(grouped_keys(lines.clone(), 3), expected, "counting sort");
        assert_eq!(grouped_keys(lines, 1000), expected, "comparison sort");
    }
}
