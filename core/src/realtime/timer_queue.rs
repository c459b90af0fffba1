//! A queue of timers by day, with lazy cancellation.
//!
//! Owns: [`TimerQueue`], a min-heap of `(day, key, generation)`. An owner cancels or moves a
//! key's timer by bumping the key's generation and scheduling anew; the stale entry stays in the
//! heap and is dropped when it comes up (lazy validation on pop), so cancelling costs nothing
//! and scheduling is O(log n). It knows nothing of what a key is or why it is due.

use crate::day::Day;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Timers by day; the owner keeps each key's current generation.
#[derive(Clone, Debug)]
pub struct TimerQueue<K: Ord> {
    heap: BinaryHeap<Reverse<(Day, K, u32)>>,
}

impl<K: Ord> Default for TimerQueue<K> {
    fn default() -> Self {
        TimerQueue {
            heap: BinaryHeap::new(),
        }
    }
}

impl<K: Ord + Copy> TimerQueue<K> {
    /// Schedules `key` at `day` under `generation` (the owner's current one for the key).
    pub fn schedule(&mut self, day: Day, key: K, generation: u32) {
        self.heap.push(Reverse((day, key, generation)));
    }

    /// The earliest timer on or before `as_of`, removed; stale ones come out too and the owner
    /// drops those whose generation is not the key's current one.
    pub fn pop_due(&mut self, as_of: Day) -> Option<(Day, K, u32)> {
        match self.heap.peek() {
            Some(Reverse((day, _, _))) if *day <= as_of => self.heap.pop().map(|Reverse(t)| t),
            _ => None,
        }
    }

    /// Timers held, stale ones included.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no timer is held.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_pop_in_day_order_and_only_when_due() {
        let mut q = TimerQueue::default();
        q.schedule(Day(10), 1u32, 0);
        q.schedule(Day(5), 2u32, 0);
        q.schedule(Day(7), 3u32, 4);
        assert_eq!(q.pop_due(Day(4)), None);
        assert_eq!(q.pop_due(Day(7)), Some((Day(5), 2, 0)));
        assert_eq!(q.pop_due(Day(7)), Some((Day(7), 3, 4)));
        assert_eq!(q.pop_due(Day(7)), None);
        assert_eq!(q.len(), 1);
        assert_eq!(q.pop_due(Day(10)), Some((Day(10), 1, 0)));
        assert!(q.is_empty());
    }
}
