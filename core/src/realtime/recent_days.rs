//! A watched pair's last purchase days and their net amounts, kept in its cached state.
//!
//! Owns: [`RecentDays`], the last [`RECENT`] purchase days of a pair with their net amounts, as
//! [`line_days`] gives them. A purchase re-reads only the pair's last day on (lines just
//! written, in cache) and appends here, instead of walking back through the pair's older lines
//! (cold: they were written long ago) to find its last days at every measure. When the kept
//! days are fewer than the pair has (a return netted out its last day while all were kept), the
//! reader fills them again from the lines: a rare, exact fallback.
//!
//! Also owns each kept day's place on the customer's order clock (the order days on or before
//! it): a customer's order days are only appended to between re-reads that start them anew, so
//! a day placed once keeps its place and a purchase searches the order days for its own day only,
//! not for all thirteen.
//!
//! Also owns the kept days' calendar intervals in ascending order, for the median of the
//! pair's rhythm: a purchase drops the oldest interval and places its own, instead of every
//! measure sorting them anew.
//!
//! Also owns [`ReadDays`], the purchase days a pair's re-read found with their net amounts: the
//! cursor's pass over the new lines collects them, so the kept days follow without a second
//! pass over the same lines.

use super::pair_reader::position_before;
use super::recent_rhythm::RECENT;
use crate::day::Day;
use crate::state::{line_days, Purchase};

/// Purchase days found by a re-read, kept when an order brings this many or fewer.
const READ_DAYS: usize = 4;

/// The purchase days (ascending) with their net amounts that a re-read of a pair's lines found,
/// from the first line day it re-read (`from`) on; `all` false when they were more than
/// [`READ_DAYS`] (a first read of a long history: the lines are read again).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct ReadDays {
    from: Day,
    days: [Day; READ_DAYS],
    nets: [f64; READ_DAYS],
    len: u8,
    all: bool,
}

impl ReadDays {
    /// No day yet, of a re-read starting on day `from`.
    pub fn new(from: Day) -> ReadDays {
        ReadDays {
            from,
            days: [Day::default(); READ_DAYS],
            nets: [0.0; READ_DAYS],
            len: 0,
            all: true,
        }
    }

    /// Notes the next purchase day found.
    pub fn push(&mut self, day: Day, net: f64) {
        let len = usize::from(self.len);
        if len < READ_DAYS {
            self.days[len] = day;
            self.nets[len] = net;
            self.len += 1;
        } else {
            self.all = false;
        }
    }
}

/// The last purchase days of a pair (ascending) with their net amounts.
#[derive(Clone, Debug, Default)]
pub(super) struct RecentDays {
    days: [Day; RECENT],
    nets: [f64; RECENT],
    len: u8,
    /// `positions[..placed]` are the order-clock places of `days[..placed]`.
    positions: [u32; RECENT],
    placed: u8,
    /// The intervals between consecutive `days`, ascending (`len - 1` of them).
    sorted: [i32; RECENT - 1],
}

impl RecentDays {
    /// Whether these are the last `min(purchases, RECENT)` purchase days of a pair with
    /// `purchases` purchase days.
    pub fn complete(&self, purchases: u32) -> bool {
        usize::from(self.len) == (purchases as usize).min(RECENT)
    }

    pub fn days(&self) -> &[Day] {
        &self.days[..usize::from(self.len)]
    }

    pub fn nets(&self) -> &[f64] {
        &self.nets[..usize::from(self.len)]
    }

    /// The calendar intervals between consecutive kept days, ascending.
    pub fn sorted_intervals(&self) -> &[i32] {
        &self.sorted[..usize::from(self.len.saturating_sub(1))]
    }

    /// Forgets the days (the pair's lines were rewritten before its last day).
    pub fn clear(&mut self) {
        self.len = 0;
        self.placed = 0;
    }

    /// The place of each kept day on the order clock `orders` (the order days on or before it,
    /// all before index `end`, the place of the day measured at). Days placed before keep their
    /// place when `appended` (`orders` only grew at its end since); the others are searched,
    /// back from `end`.
    pub fn positions(&mut self, orders: &[Day], end: usize, appended: bool) -> &[u32] {
        if !appended {
            self.placed = 0;
        }
        let mut end = end;
        for i in (usize::from(self.placed)..usize::from(self.len)).rev() {
            end = position_before(orders, end, self.days[i]);
            self.positions[i] = end as u32;
        }
        self.placed = self.len;
        &self.positions[..usize::from(self.len)]
    }

    /// The places [`RecentDays::positions`] last gave (read beside the days, without a copy).
    pub fn placed(&self) -> &[u32] {
        &self.positions[..usize::from(self.placed)]
    }

    /// Brings the days up to a re-read of `lines`, the pair's lines from the start of the last
    /// line day read before on: that day and later ones replace what was kept from it on.
    pub fn reread(&mut self, lines: &[Purchase]) {
        let Some(first) = lines.first() else {
            return;
        };
        self.truncate_from(first.day);
        for d in line_days(lines).filter(|d| d.purchase) {
            self.push(d.day, d.net);
        }
    }

    /// [`RecentDays::reread`] of the `lines` a cursor re-read, from the days it found there
    /// when it kept them all (the lines are not walked again).
    pub fn reread_found(&mut self, read: &ReadDays, lines: &[Purchase]) {
        if !read.all {
            return self.reread(lines);
        }
        let found = usize::from(read.len);
        // Mostly the re-read starts on the kept last day and finds it again (an order that
        // day, or a line added to it): its net is replaced and its interval stays.
        let found_again = usize::from(self.len)
            .checked_sub(1)
            .filter(|&last| self.days[last] == read.from && found > 0 && read.days[0] == read.from);
        let first_new = match found_again {
            Some(last) => {
                self.nets[last] = read.nets[0];
                self.placed = self.placed.min(self.len - 1);
                1
            }
            None => {
                self.truncate_from(read.from);
                0
            }
        };
        for i in first_new..found {
            self.push(read.days[i], read.nets[i]);
        }
    }

    /// Forgets the days on or after `day`.
    fn truncate_from(&mut self, day: Day) {
        while self.len > 0 && self.days[usize::from(self.len) - 1] >= day {
            let last = usize::from(self.len) - 1;
            if last > 0 {
                self.drop_interval(self.days[last] - self.days[last - 1]);
            }
            self.len -= 1;
        }
        self.placed = self.placed.min(self.len);
    }

    /// Fills the days from all of a pair's `visible` lines, reading back from the last.
    pub fn fill(&mut self, visible: &[Purchase]) {
        let mut n = 0;
        for d in line_days(visible).rev().filter(|d| d.purchase).take(RECENT) {
            self.days[RECENT - 1 - n] = d.day;
            self.nets[RECENT - 1 - n] = d.net;
            n += 1;
        }
        self.days.copy_within(RECENT - n.., 0);
        self.nets.copy_within(RECENT - n.., 0);
        self.len = n as u8;
        self.placed = 0;
        for i in 1..n {
            self.sorted[i - 1] = self.days[i] - self.days[i - 1];
        }
        self.sorted[..n.saturating_sub(1)].sort_unstable();
    }

    /// Appends a purchase day after the last, dropping the oldest when full.
    fn push(&mut self, day: Day, net: f64) {
        let len = usize::from(self.len);
        if len == RECENT {
            // The oldest interval leaves as the new one comes: one replaces the other.
            let oldest = self.days[1] - self.days[0];
            let at = self.sorted.partition_point(|g| *g < oldest);
            self.sorted[at] = day - self.days[RECENT - 1];
            settle(&mut self.sorted, at);
            self.days.copy_within(1.., 0);
            self.nets.copy_within(1.., 0);
            self.positions.copy_within(1.., 0);
            self.placed = self.placed.saturating_sub(1);
            self.days[RECENT - 1] = day;
            self.nets[RECENT - 1] = net;
            return;
        }
        if len > 0 {
            self.sorted[len - 1] = day - self.days[len - 1];
            settle(&mut self.sorted[..len], len - 1);
        }
        self.days[len] = day;
        self.nets[len] = net;
        self.len += 1;
    }

    /// Removes one interval of `gap` days from the sorted ones (there is one).
    fn drop_interval(&mut self, gap: i32) {
        let n = self.sorted_intervals().len();
        let at = self.sorted[..n].partition_point(|g| *g < gap);
        debug_assert_eq!(self.sorted.get(at), Some(&gap));
        self.sorted.copy_within(at + 1..n, at);
    }
}

/// Moves `sorted[at]` to its place among the others, which are in ascending order: a new
/// interval is mostly like the ones it joins, so this takes a step or two where a sort would
/// compare them all.
fn settle(sorted: &mut [i32], mut at: usize) {
    while at > 0 && sorted[at - 1] > sorted[at] {
        sorted.swap(at - 1, at);
        at -= 1;
    }
    while at + 1 < sorted.len() && sorted[at + 1] < sorted[at] {
        sorted.swap(at, at + 1);
        at += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ProductId;
    use crate::state::PairHistory;
    use proptest::prelude::*;

    fn expected(visible: &[Purchase]) -> (Vec<Day>, Vec<f64>) {
        let all: Vec<_> = line_days(visible).filter(|d| d.purchase).collect();
        let from = all.len().saturating_sub(RECENT);
        all[from..].iter().map(|d| (d.day, d.net)).unzip()
    }

    proptest! {
        /// Lines arriving day by day (some of them returns on the last day), each re-read from
        /// the start of the last line day: the kept days are the pair's last ones, or say they
        /// are not complete; filled again, they are.
        #[test]
        fn rereads_keep_the_last_days(raw in prop::collection::vec((0..60i32, -3i8..6, 1u8..50), 0..120)) {
            let mut raw = raw;
            raw.sort_by_key(|r| r.0);
            let mut h = PairHistory::new(ProductId(0));
            let mut recent = RecentDays::default();
            let mut tail_start = 0usize;
            for (day, q, net) in raw {
                h.insert(Purchase {
                    day: Day(day),
                    quantity: f32::from(q),
                    net: f32::from(net) * f32::from(q),
                    list: None,
                });
                let lines = h.lines();
                recent.reread(&lines[tail_start..]);
                tail_start = lines.partition_point(|p| p.day < Day(day));
                let (days, nets) = expected(lines);
                if !recent.complete(days.len() as u32) {
                    recent.fill(lines);
                }
                prop_assert_eq!(recent.days(), &days[..]);
                prop_assert_eq!(recent.nets(), &nets[..]);
                let mut sorted: Vec<i32> = days.windows(2).map(|w| w[1] - w[0]).collect();
                sorted.sort_unstable();
                prop_assert_eq!(recent.sorted_intervals(), &sorted[..]);
            }
        }

        /// Purchases arriving one at a time while the customer's order days only grow at
        /// their end (other orders between the purchases): the places kept from measure to
        /// measure equal the places searched anew.
        #[test]
        fn kept_places_equal_fresh_searches(steps in prop::collection::vec((1i32..20, 0i32..4), 1..60)) {
            let mut orders: Vec<Day> = Vec::new();
            let mut kept = RecentDays::default();
            let mut day = 0;
            for (gap, others) in steps {
                for k in 1..=others.min(gap - 1) {
                    orders.push(Day(day + k));
                }
                day += gap;
                orders.push(Day(day));
                let line = Purchase { day: Day(day), quantity: 1.0, net: 1.0, list: None };
                kept.reread(std::slice::from_ref(&line));
                let mut fresh = kept.clone();
                let want = fresh.positions(&orders, orders.len(), false).to_vec();
                prop_assert_eq!(kept.positions(&orders, orders.len(), true), &want[..]);
                let searched: Vec<u32> = kept
                    .days()
                    .iter()
                    .map(|d| orders.partition_point(|o| o <= d) as u32)
                    .collect();
                prop_assert_eq!(want, searched);
            }
        }
    }
}
