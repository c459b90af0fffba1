//! A remembered result of an expensive read of the state.
//!
//! Owns: [`Memo`], one slot holding the last key and value computed from it. Reads such as the
//! offers of every customer cost seconds on a large state and are asked for several times at
//! the same day (the signals, then the weekly brief); the key says what the value was computed
//! from (the day, the number of stored lines, the settings), so a changed state or day computes
//! afresh. Bookkeeping, not content: a clone starts empty, it is never serialised, and two
//! states compare equal whatever their memos hold.
//!
//! Must not: decide what a key is (its caller knows what its value depends on).

use std::sync::{Arc, Mutex};

/// The last value computed by [`Memo::get_or_compute`], with its key.
pub(crate) struct Memo<K, V> {
    slot: Mutex<Option<(K, Arc<V>)>>,
}

impl<K: PartialEq, V> Memo<K, V> {
    /// The value for `key`: the remembered one when the key is the same, else `compute()`'s,
    /// which replaces it. Callers asking at once wait for one computation.
    pub fn get_or_compute(&self, key: K, compute: impl FnOnce() -> V) -> Arc<V> {
        let mut slot = self
            .slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, value)) = slot.as_ref().filter(|(k, _)| *k == key) {
            return Arc::clone(value);
        }
        let value = Arc::new(compute());
        *slot = Some((key, Arc::clone(&value)));
        value
    }
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            slot: Mutex::new(None),
        }
    }
}

impl<K, V> Clone for Memo<K, V> {
    fn clone(&self) -> Self {
        Memo::default()
    }
}

impl<K, V> PartialEq for Memo<K, V> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<K, V> std::fmt::Debug for Memo<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn computes_once_per_key_and_afresh_for_a_new_key() {
        let memo: Memo<u32, String> = Memo::default();
        let calls = Cell::new(0);
        let compute = |text: &str| {
            calls.set(calls.get() + 1);
            text.to_string()
        };
        assert_eq!(*memo.get_or_compute(1, || compute("a")), "a");
        assert_eq!(*memo.get_or_compute(1, || compute("b")), "a");
        assert_eq!(calls.get(), 1);
        assert_eq!(*memo.get_or_compute(2, || compute("c")), "c");
        assert_eq!(calls.get(), 2);
        assert_eq!(*memo.clone().get_or_compute(2, || compute("d")), "d");
    }
}
