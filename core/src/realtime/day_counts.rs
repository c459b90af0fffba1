//! Counts per day in a flat array: a product's purchases by day, as the feed keeps them.
//!
//! Owns: [`DayCounts`], a count per calendar day from the first day counted to the last, and
//! the two questions the feed asks of it (a sum over a window, the latest restart after a
//! silence). An order adds or removes a count in one slot, where a tree map walked nodes that
//! were seldom in cache; a day span of a few years costs a few kilobytes per product.

use crate::day::Day;

/// A count per day (zero where nothing was counted).
#[derive(Clone, Debug, Default)]
pub(super) struct DayCounts {
    /// The day of `counts[0]`.
    first: Day,
    counts: Vec<u32>,
}

impl DayCounts {
    /// Adds one to `day`'s count (`add`), or takes one from it (never below zero).
    pub fn count(&mut self, day: Day, add: bool) {
        if add {
            let at = self.slot(day);
            self.counts[at] += 1;
        } else if let Some(n) = self.get_mut(day) {
            *n = n.saturating_sub(1);
        }
    }

    /// Forgets every count.
    pub fn clear(&mut self) {
        self.counts.clear();
    }

    /// The counts of the days in `from..=to`, summed.
    pub fn sum(&self, from: Day, to: Day) -> u32 {
        let (lo, hi) = (self.index(from), self.index(to + 1));
        self.counts[lo..hi].iter().sum()
    }

    /// The latest day on or before `as_of` with a count whose previous day with a count is at
    /// least `silence` days earlier.
    pub fn latest_restart(&self, as_of: Day, silence: i32) -> Option<Day> {
        let mut next: Option<usize> = None;
        for i in (0..self.index(as_of + 1)).rev() {
            if self.counts[i] == 0 {
                continue;
            }
            if next.is_some_and(|n| (n - i) as i32 >= silence) {
                return next.map(|n| self.first + n as i32);
            }
            next = Some(i);
        }
        None
    }

    /// The index of `day` clamped to the counted span (an end bound).
    fn index(&self, day: Day) -> usize {
        let offset = i64::from(day.0) - i64::from(self.first.0);
        offset.clamp(0, self.counts.len() as i64) as usize
    }

    fn get_mut(&mut self, day: Day) -> Option<&mut u32> {
        let offset = i64::from(day.0) - i64::from(self.first.0);
        usize::try_from(offset)
            .ok()
            .and_then(|i| self.counts.get_mut(i))
    }

    /// The slot of `day`, the span grown to hold it (by at least a quarter, so days arriving
    /// one at a time grow it in amortised O(1)).
    fn slot(&mut self, day: Day) -> usize {
        if self.counts.is_empty() {
            self.first = day;
            self.counts.push(0);
            return 0;
        }
        let slack = self.counts.len() / 4 + 8;
        if day < self.first {
            let grow = (self.first - day) as usize + slack;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.first = self.first - grow as i32;
        }
        let at = (day - self.first) as usize;
        if at >= self.counts.len() {
            let len = (at + 1).max(self.counts.len() + slack);
            self.counts.resize(len, 0);
        }
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        /// The same answers as a tree map of the non-zero counts.
        #[test]
        fn answers_as_a_map_of_counts(
            ops in prop::collection::vec((-50i32..400, any::<bool>()), 0..200),
            as_of in -60i32..420,
        ) {
            let mut flat = DayCounts::default();
            let mut map: BTreeMap<Day, u32> = BTreeMap::new();
            for (day, add) in ops {
                let day = Day(day);
                flat.count(day, add);
                if add {
                    *map.entry(day).or_insert(0) += 1;
                } else if let Some(n) = map.get_mut(&day) {
                    *n -= 1;
                    if *n == 0 {
                        map.remove(&day);
                    }
                }
            }
            let as_of = Day(as_of);
            let want: u32 = map.range(as_of - 27..=as_of).map(|(_, n)| *n).sum();
            prop_assert_eq!(flat.sum(as_of - 27, as_of), want);
            let days: Vec<Day> = map.range(..=as_of).map(|(d, _)| *d).collect();
            let restart = days.windows(2).rev().find(|w| w[1] - w[0] >= 28).map(|w| w[1]);
            prop_assert_eq!(flat.latest_restart(as_of, 28), restart);
        }
    }
}
