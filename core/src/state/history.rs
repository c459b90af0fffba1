//! The purchase history of one customer x product pair.
//!
//! Owns: [`Purchase`] (one stored order line, 20 bytes) and [`PairHistory`] (a pair's lines,
//! sorted). Lines are kept in a canonical order (day, then values) so the same lines give the same
//! history whatever order they arrived in. Models read histories; nothing here interprets them.

use crate::day::Day;
use crate::ids::ProductId;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// One stored order line of a pair. Amounts are kept as `f32` (7 significant digits) because
/// models need shapes, not cents; exact totals live in [`Fixed`](super::Fixed) aggregates.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Purchase {
    /// The order day.
    pub day: Day,
    /// Units; negative for a return.
    pub quantity: f32,
    /// Net amount; negative for a return.
    pub net: f32,
    /// List amount (list price x quantity) when known.
    pub list: Option<f32>,
}

impl Purchase {
    /// Whether the line is a return or credit note.
    pub fn is_return(&self) -> bool {
        self.quantity < 0.0 || (self.quantity == 0.0 && self.net < 0.0)
    }

    fn canonical_cmp(&self, other: &Purchase) -> Ordering {
        self.day
            .cmp(&other.day)
            .then(self.quantity.total_cmp(&other.quantity))
            .then(self.net.total_cmp(&other.net))
            .then(
                self.list
                    .unwrap_or(f32::NEG_INFINITY)
                    .total_cmp(&other.list.unwrap_or(f32::NEG_INFINITY)),
            )
    }
}

/// The lines of one day of a pair, summed: a purchase day when the day's quantity is positive
/// (returns netted out).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineDay {
    /// The day.
    pub day: Day,
    /// Its lines.
    pub lines: usize,
    /// Whether the day's quantity, summed over its lines, is positive.
    pub purchase: bool,
    /// The day's net amount, summed over its lines.
    pub net: f64,
}

/// The days of sorted `lines` (a pair's, or a run of whole days of them), either way round:
/// the one rule of what a purchase day is, for readers that re-read only a pair's last days.
pub fn line_days(lines: &[Purchase]) -> impl DoubleEndedIterator<Item = LineDay> + '_ {
    lines
        .chunk_by(|a, b| a.day == b.day)
        .map(|same_day| LineDay {
            day: same_day[0].day,
            lines: same_day.len(),
            purchase: same_day.iter().map(|p| p.quantity as f64).sum::<f64>() > 0.0,
            net: same_day.iter().map(|p| f64::from(p.net)).sum::<f64>(),
        })
}

/// All lines of one customer x product pair, sorted by day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairHistory {
    /// The product of the pair (the customer is the owner of the list this sits in).
    pub product: ProductId,
    lines: Vec<Purchase>,
}

impl PairHistory {
    /// An empty history for `product`.
    pub fn new(product: ProductId) -> PairHistory {
        PairHistory {
            product,
            lines: Vec::new(),
        }
    }

    /// The lines, sorted by day (ties in a fixed order of their values).
    pub fn lines(&self) -> &[Purchase] {
        &self.lines
    }

    /// Adds a line at its sorted place. Lines mostly arrive in date order, so this is an append.
    pub fn insert(&mut self, purchase: Purchase) {
        let at = match self.lines.last() {
            Some(last) if last.canonical_cmp(&purchase) == Ordering::Greater => self
                .lines
                .partition_point(|p| p.canonical_cmp(&purchase) != Ordering::Greater),
            _ => self.lines.len(),
        };
        self.lines.insert(at, purchase);
    }

    /// Makes room for `additional` lines, plus a quarter of the new length as slack: spare
    /// capacity stays within what [`PairHistory::trim`] tolerates (memory per line near 20
    /// bytes), and growth stays geometric, so a stream of small batches appends in amortised
    /// O(1).
    pub fn reserve(&mut self, additional: usize) {
        let len = self.lines.len();
        if self.lines.capacity() - len < additional {
            let needed = len + additional;
            self.lines.reserve_exact(needed + needed / 4 - len);
        }
    }

    /// Lines on or before `day` (the history as it was known that day).
    pub fn until(&self, day: Day) -> &[Purchase] {
        let end = self.lines.partition_point(|p| p.day <= day);
        &self.lines[..end]
    }

    /// Distinct days with a net purchase (quantity summed over the day's lines > 0) on or before
    /// `day`: the purchase events of the pair's rhythm, returns netted out.
    pub fn purchase_days_until(&self, day: Day) -> impl DoubleEndedIterator<Item = Day> + '_ {
        self.purchases_until(day).map(|(d, _)| d)
    }

    /// [`PairHistory::purchase_days_until`] with each day's net amount (its lines summed).
    pub fn purchases_until(&self, day: Day) -> impl DoubleEndedIterator<Item = (Day, f64)> + '_ {
        line_days(self.until(day))
            .filter(|d| d.purchase)
            .map(|d| (d.day, d.net))
    }

    /// Drops spare capacity left by growth when it is more than a quarter of the length, so
    /// memory per line stays near 20 bytes without reallocating on every append.
    pub fn trim(&mut self) {
        if self.lines.capacity() > self.lines.len() + self.lines.len() / 4 + 2 {
            self.lines.shrink_to_fit();
        }
    }

    /// Heap bytes held by the lines.
    pub fn heap_bytes(&self) -> usize {
        self.lines.capacity() * std::mem::size_of::<Purchase>()
    }

    /// Appends another history's lines of the same pair (merge of engines).
    pub fn absorb(&mut self, other: PairHistory) {
        for p in other.lines {
            self.insert(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(day: i32, q: f32) -> Purchase {
        Purchase {
            day: Day(day),
            quantity: q,
            net: q * 2.0,
            list: None,
        }
    }

    #[test]
    fn insertion_order_does_not_matter() {
        let lines = [p(5, 1.0), p(1, 2.0), p(5, -1.0), p(3, 1.0), p(1, 1.0)];
        let mut a = PairHistory::new(ProductId(0));
        let mut b = PairHistory::new(ProductId(0));
        for l in lines {
            a.insert(l);
        }
        for l in lines.iter().rev() {
            b.insert(*l);
        }
        assert_eq!(a, b);
        let days: Vec<i32> = a.lines().iter().map(|l| l.day.0).collect();
        assert_eq!(days, [1, 1, 3, 5, 5]);
    }

    #[test]
    fn purchase_days_net_out_same_day_returns() {
        let mut h = PairHistory::new(ProductId(0));
        for l in [p(1, 2.0), p(3, 1.0), p(3, -1.0), p(7, 1.0), p(9, -2.0)] {
            h.insert(l);
        }
        let days: Vec<i32> = h.purchase_days_until(Day(8)).map(|d| d.0).collect();
        assert_eq!(days, [1, 7]);
        assert_eq!(h.until(Day(3)).len(), 3);
    }

    #[test]
    fn a_stored_line_is_small() {
        assert!(std::mem::size_of::<Purchase>() <= 20);
    }
}
