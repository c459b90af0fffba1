//! A customer's watched pairs, split by who reads what: the state judging reads, and the kept
//! purchase days only a re-measure reads.
//!
//! Owns: [`WatchList`], a customer's watches in product order as two parallel vectors (same
//! index): the judged state `W`, walked for every watch at every order of the customer, and each
//! watch's [`RecentDays`] (about 160 bytes), read only for the pairs an order changed. Kept
//! inline, the days doubled the bytes judging walks; on a large distributor those bytes are
//! cold (a customer's watches were last touched at its previous order) and each one costs.
//! Also owns the capacity rule: a watch comes only from a pair of the customer, so room for
//! every pair is reserved when room runs out, and a new watch seldom reallocates on the
//! per-order path (at 100,000 customers, a glibc `malloc` of a few kilobytes there sometimes
//! took 0.5-0.9 ms, about a third of the orders slower than 60 us).

use super::recent_days::RecentDays;

/// A customer's watches: judged state and kept days, side by side at the same index.
#[derive(Clone, Debug)]
pub(super) struct WatchList<W> {
    judged: Vec<W>,
    recent: Vec<RecentDays>,
}

impl<W> Default for WatchList<W> {
    fn default() -> Self {
        WatchList {
            judged: Vec::new(),
            recent: Vec::new(),
        }
    }
}

impl<W> WatchList<W> {
    pub fn len(&self) -> usize {
        self.judged.len()
    }

    /// The judged state of every watch, in product order.
    pub fn iter(&self) -> std::slice::Iter<'_, W> {
        self.judged.iter()
    }

    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, W> {
        self.judged.iter_mut()
    }

    /// The place of the first watch for which `before` is false (watches in product order).
    pub fn partition_point(&self, before: impl FnMut(&W) -> bool) -> usize {
        self.judged.partition_point(before)
    }

    /// One watch: its judged state and its kept days.
    pub fn get_mut(&mut self, at: usize) -> (&mut W, &mut RecentDays) {
        (&mut self.judged[at], &mut self.recent[at])
    }

    /// Inserts a watch at `at`; when full, makes room for `room` watches in all (the
    /// customer's pairs: no more can be watched until it buys a new product), and at least
    /// doubles (a customer that keeps adding products still reallocates seldom).
    pub fn insert(&mut self, at: usize, watch: W, recent: RecentDays, room: usize) {
        let len = self.judged.len();
        if len == self.judged.capacity() {
            let more = room.max(2 * len).max(len + 1) - len;
            self.judged.reserve_exact(more);
            self.recent.reserve_exact(more);
        }
        self.judged.insert(at, watch);
        self.recent.insert(at, recent);
    }

    /// Removes the watch at `at`, returning its judged state.
    pub fn remove(&mut self, at: usize) -> W {
        self.recent.remove(at);
        self.judged.remove(at)
    }
}
