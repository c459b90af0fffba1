//! A customer's watched pairs side by side, each with the purchase days it keeps.
//!
//! Owns: [`WatchList`], a customer's watches in product order, one entry per watch: the judged
//! state `W` (walked for every watch at every order of the customer) followed by its
//! [`RecentDays`] (about 260 bytes, read only when an order changed the pair). The two stay in
//! one entry: kept apart in a parallel vector, judging walked half the bytes, but a changed
//! pair touched two cold places instead of one and orders were no faster at 10,000 customers
//! (BENCHMARKS.md, the `latency3` subsection). The layout is this file's business: the feed
//! sees iterators and one watch at a time.
//!
//! Also owns the capacity rule: a watch comes only from a pair of the customer, so room for
//! every pair is reserved when room runs out, and a new watch seldom reallocates on the
//! per-order path (at 100,000 customers, a glibc `malloc` of a few kilobytes there sometimes
//! took 0.5-0.9 ms: about a third of the orders slower than 60 us).

use super::recent_days::RecentDays;

/// A watch: its judged state first, its kept days after it.
#[derive(Clone, Debug)]
struct Entry<W> {
    judged: W,
    recent: RecentDays,
}

/// A customer's watches, in product order.
#[derive(Clone, Debug)]
pub(super) struct WatchList<W> {
    entries: Vec<Entry<W>>,
}

impl<W> Default for WatchList<W> {
    fn default() -> Self {
        WatchList {
            entries: Vec::new(),
        }
    }
}

impl<W> WatchList<W> {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The judged state of every watch, in product order.
    pub fn iter(&self) -> impl Iterator<Item = &W> + Clone {
        self.entries.iter().map(|e| &e.judged)
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut W> {
        self.entries.iter_mut().map(|e| &mut e.judged)
    }

    /// The place of the first watch for which `before` is false (watches in product order).
    pub fn partition_point(&self, mut before: impl FnMut(&W) -> bool) -> usize {
        self.entries.partition_point(|e| before(&e.judged))
    }

    /// One watch: its judged state and its kept days.
    pub fn get_mut(&mut self, at: usize) -> (&mut W, &mut RecentDays) {
        let e = &mut self.entries[at];
        (&mut e.judged, &mut e.recent)
    }

    /// Inserts a watch at `at`; when full, makes room for `room` watches in all (the
    /// customer's pairs: no more can be watched until it buys a new product), and at least
    /// doubles (a customer that keeps adding products still reallocates seldom).
    pub fn insert(&mut self, at: usize, watch: W, recent: RecentDays, room: usize) {
        let len = self.entries.len();
        if len == self.entries.capacity() {
            let more = room.max(2 * len).max(len + 1) - len;
            self.entries.reserve_exact(more);
        }
        self.entries.insert(
            at,
            Entry {
                judged: watch,
                recent,
            },
        );
    }

    /// Removes the watch at `at`, returning its judged state.
    pub fn remove(&mut self, at: usize) -> W {
        self.entries.remove(at).judged
    }
}
