//! A watched pair's last purchase days and their net amounts, kept in its cached state.
//!
//! Owns: [`RecentDays`], the last [`RECENT`] purchase days of a pair with their net amounts, as
//! [`line_days`] gives them. A purchase re-reads only the pair's last day on (lines just
//! written, in cache) and appends here, instead of walking back through the pair's older lines
//! (cold: they were written long ago) to find its last days at every measure. When the kept
//! days are fewer than the pair has (a return netted out its last day while all were kept), the
//! reader fills them again from the lines: a rare, exact fallback.

use super::recent_rhythm::RECENT;
use crate::day::Day;
use crate::state::{line_days, Purchase};

/// The last purchase days of a pair (ascending) with their net amounts.
#[derive(Clone, Debug, Default)]
pub(super) struct RecentDays {
    days: [Day; RECENT],
    nets: [f64; RECENT],
    len: u8,
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

    /// Forgets the days (the pair's lines were rewritten before its last day).
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Brings the days up to a re-read of `lines`, the pair's lines from the start of the last
    /// line day read before on: that day and later ones replace what was kept from it on.
    pub fn reread(&mut self, lines: &[Purchase]) {
        let Some(first) = lines.first() else {
            return;
        };
        while self.len > 0 && self.days[usize::from(self.len) - 1] >= first.day {
            self.len -= 1;
        }
        for d in line_days(lines).filter(|d| d.purchase) {
            self.push(d.day, d.net);
        }
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
    }

    /// Appends a purchase day after the last, dropping the oldest when full.
    fn push(&mut self, day: Day, net: f64) {
        if usize::from(self.len) == RECENT {
            self.days.copy_within(1.., 0);
            self.nets.copy_within(1.., 0);
            self.len -= 1;
        }
        self.days[usize::from(self.len)] = day;
        self.nets[usize::from(self.len)] = net;
        self.len += 1;
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
            }
        }
    }
}
