//! The counts behind the calibration tables, kept per customer so that each bin's error comes
//! with a bootstrap interval.
//!
//! Owns: [`Tally`] (predictions and outcomes by slot and customer) and the percentile
//! bootstrap over customers that turns it into [`ReliabilityBin`]s. It knows nothing of what a
//! slot means; the tables in the parent module decide that and set the ranges.
//!
//! # Why over customers
//!
//! One customer's pairs share its orders, and one pair is scored on several scan days, so the
//! rows of a table are not independent: a binomial error per bin would be too narrow. Drawing
//! whole customers with replacement keeps each customer's rows together, so the interval
//! counts a customer who weighs on a bin through many rows once per draw.

use super::ReliabilityBin;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Bootstrap draws: enough for the 2.5% and 97.5% percentiles to settle to about 0.005.
const DRAWS: usize = 1_000;
/// The bootstrap's seed: a table is the same every time it is computed.
const SEED: u64 = 0x5eed_ca1b;

/// One slot's rows of one customer (or of many, summed).
#[derive(Clone, Copy, Debug, Default)]
struct Count {
    rows: usize,
    predicted: f64,
    happened: usize,
}

impl Count {
    fn add(&mut self, other: &Count) {
        self.rows += other.rows;
        self.predicted += other.predicted;
        self.happened += other.happened;
    }

    /// Observed share minus mean prediction; `None` without rows.
    fn off_by(&self) -> Option<f64> {
        (self.rows > 0).then(|| (self.happened as f64 - self.predicted) / self.rows as f64)
    }
}

/// Predictions and what happened, by slot and customer.
#[derive(Clone, Debug)]
pub(super) struct Tally {
    slots: usize,
    /// Per customer index, per slot; empty for a customer with no row yet.
    customers: Vec<Vec<Count>>,
}

impl Tally {
    /// An empty tally of `slots` slots and no customers yet.
    pub(super) fn new(slots: usize) -> Tally {
        Tally {
            slots,
            customers: Vec::new(),
        }
    }

    /// Makes room for `customers` more customers (of one data set, pooled with the ones
    /// before): returns the index of the first.
    pub(super) fn add_customers(&mut self, customers: usize) -> usize {
        let first = self.customers.len();
        self.customers.resize(first + customers, Vec::new());
        first
    }

    /// One row of `customer` in `slot`: a prediction and whether it happened.
    pub(super) fn add(&mut self, customer: usize, slot: usize, predicted: f64, happened: bool) {
        let counts = &mut self.customers[customer];
        if counts.is_empty() {
            counts.resize(self.slots, Count::default());
        }
        let count = &mut counts[slot];
        count.rows += 1;
        count.predicted += predicted;
        count.happened += usize::from(happened);
    }

    /// One bin per slot (ranges left for the caller): rows, mean prediction, observed share and
    /// the bootstrap interval of their difference.
    pub(super) fn bins(&self) -> Vec<ReliabilityBin> {
        let present: Vec<&Vec<Count>> = self.customers.iter().filter(|c| !c.is_empty()).collect();
        let totals = self.sum(present.iter().copied());
        let intervals = self.bootstrap(&present);
        totals
            .iter()
            .zip(intervals)
            .map(|(total, off_by_interval)| {
                let share = |x: f64| {
                    if total.rows > 0 {
                        x / total.rows as f64
                    } else {
                        0.0
                    }
                };
                ReliabilityBin {
                    range: (0.0, 0.0),
                    pairs: total.rows,
                    predicted: share(total.predicted),
                    observed: share(total.happened as f64),
                    off_by_interval,
                }
            })
            .collect()
    }

    fn sum<'a>(&self, customers: impl Iterator<Item = &'a Vec<Count>>) -> Vec<Count> {
        let mut totals = vec![Count::default(); self.slots];
        for counts in customers {
            for (total, count) in totals.iter_mut().zip(counts) {
                total.add(count);
            }
        }
        totals
    }

    /// Per slot, the 2.5% and 97.5% percentiles of observed minus predicted over [`DRAWS`]
    /// draws of as many customers as there are, with replacement; `(0, 0)` for a slot no
    /// draw fills.
    fn bootstrap(&self, present: &[&Vec<Count>]) -> Vec<(f64, f64)> {
        if present.is_empty() {
            return vec![(0.0, 0.0); self.slots];
        }
        let mut rng = StdRng::seed_from_u64(SEED);
        let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(DRAWS); self.slots];
        for _ in 0..DRAWS {
            let drawn = (0..present.len()).map(|_| present[rng.random_range(0..present.len())]);
            for (slot, total) in self.sum(drawn).iter().enumerate() {
                draws[slot].extend(total.off_by());
            }
        }
        draws
            .into_iter()
            .map(|mut d| {
                if d.is_empty() {
                    return (0.0, 0.0);
                }
                d.sort_by(f64::total_cmp);
                let at = |q: f64| d[((q * (d.len() - 1) as f64).round() as usize).min(d.len() - 1)];
                (at(0.025), at(0.975))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tally of one slot where `customers` customers each have `rows` rows predicted at
    /// `p`, of which the first `happened_of(customer)` happened.
    fn tally(customers: usize, rows: usize, p: f64, happened_of: impl Fn(usize) -> usize) -> Tally {
        let mut tally = Tally::new(1);
        tally.add_customers(customers);
        for c in 0..customers {
            for r in 0..rows {
                tally.add(c, 0, p, r < happened_of(c));
            }
        }
        tally
    }

    #[test]
    fn a_bin_counts_its_rows_and_brackets_its_error() {
        let bins = tally(200, 5, 0.3, |c| c % 3).bins();
        let bin = &bins[0];
        assert_eq!(bin.pairs, 1_000);
        assert!((bin.predicted - 0.3).abs() < 1e-12);
        let off_by = bin.observed - bin.predicted;
        let (low, high) = bin.off_by_interval;
        assert!(low < off_by && off_by < high, "{low} < {off_by} < {high}");
    }

    #[test]
    fn customers_whose_rows_move_together_widen_the_interval() {
        // The same share of rows happened; in one table each customer holds a mix, in the
        // other all or none of a customer's rows happened.
        let width = |t: Tally| {
            let (low, high) = t.bins()[0].off_by_interval;
            high - low
        };
        let mixed = width(tally(100, 10, 0.5, |_| 5));
        let clustered = width(tally(100, 10, 0.5, |c| if c % 2 == 0 { 10 } else { 0 }));
        assert!(mixed < 1e-12, "no customer differs from another: {mixed}");
        assert!(clustered > 0.15, "{clustered}");
    }

    #[test]
    fn an_empty_slot_has_no_rows_and_no_width() {
        let mut t = Tally::new(2);
        t.add_customers(3);
        t.add(1, 0, 0.5, true);
        let bins = t.bins();
        assert_eq!(bins[1].pairs, 0);
        assert_eq!(bins[1].off_by_interval, (0.0, 0.0));
        assert_eq!(bins[0].pairs, 1);
    }
}
