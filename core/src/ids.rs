//! Interned identifiers.
//!
//! Owns: the typed ids ([`CustomerId`], [`ProductId`], ...) and the [`Interner`] that maps the
//! caller's text ids to them. Ids are dense `u32`s handed out in order of first sight, so state is
//! kept in plain vectors indexed by id. Ids are local to one engine: anything that crosses engines
//! (merge, snapshot) goes through the text.

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::hash::BuildHasher;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
        pub struct $name(pub u32);

        impl $name {
            /// The position of this id in vectors indexed by it.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

typed_id!(
    /// A customer (account) of the distributor.
    CustomerId
);
typed_id!(
    /// A product (item, SKU).
    ProductId
);
typed_id!(
    /// A sales rep or a manager: managers are reps that others report to.
    RepId
);
typed_id!(
    /// An ERP order (invoice, credit note).
    OrderId
);
typed_id!(
    /// A CRM deal (opportunity).
    DealId
);
typed_id!(
    /// A label of a small vocabulary: segment, region, product family, deal stage, currency.
    LabelId
);

/// A compact two-way map between text ids and dense `u32`s.
///
/// All strings live in one buffer; the hash table stores only the `u32`, so an interned id costs
/// its bytes plus about 13 bytes, which matters when every order id of ten million lines is
/// interned for the duplicate index.
///
/// ```
/// use salespulse::Interner;
/// let mut ids = Interner::default();
/// let a = ids.intern("C-001");
/// assert_eq!(ids.intern("C-002"), a + 1);
/// assert_eq!(ids.intern("C-001"), a);
/// assert_eq!(ids.get("C-002"), Some(a + 1));
/// assert_eq!(ids.resolve(a), "C-001");
/// ```
#[derive(Clone, Default)]
pub struct Interner {
    text: String,
    ends: Vec<u64>,
    table: HashTable<u32>,
    hasher: FxBuildHasher,
}

impl Interner {
    /// How many distinct ids are interned.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether nothing is interned yet.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The text of an id handed out by this interner.
    ///
    /// # Panics
    /// If `id` was not handed out by this interner (ids are never forged by callers: they come
    /// from [`Interner::intern`] or [`Interner::get`]).
    pub fn resolve(&self, id: u32) -> &str {
        &self.text[span(&self.ends, id)]
    }

    /// The id of `text` if it was interned.
    pub fn get(&self, text: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(text);
        self.table
            .find(hash, |&id| self.resolve(id) == text)
            .copied()
    }

    /// The id of `text`, interning it if new.
    pub fn intern(&mut self, text: &str) -> u32 {
        let hash = self.hasher.hash_one(text);
        let Self {
            text: buf,
            ends,
            table,
            hasher,
        } = self;
        if let Some(&id) = table.find(hash, |&id| &buf[span(ends, id)] == text) {
            return id;
        }
        let id = u32::try_from(ends.len()).expect("more than 4 billion distinct ids");
        buf.push_str(text);
        ends.push(buf.len() as u64);
        let (text_buf, ends_ref) = (&*buf, &*ends);
        table.insert_unique(hash, id, |&other| {
            hasher.hash_one(&text_buf[span(ends_ref, other)])
        });
        id
    }

    /// All interned texts in id order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len() as u32).map(move |id| self.resolve(id))
    }

    /// Heap bytes held (text, offsets and hash table), for memory accounting.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.ends.capacity() * std::mem::size_of::<u64>()
            + self.table.capacity() * (std::mem::size_of::<u32>() + 1)
    }

    /// Builds an interner from texts in id order; fails on a repeated text (which would make two
    /// ids for one customer), naming it.
    pub fn from_texts<I, S>(texts: I) -> Result<Interner, String>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut interner = Interner::default();
        for (expected, text) in texts.into_iter().enumerate() {
            let text = text.as_ref();
            if interner.intern(text) as usize != expected {
                return Err(format!("id {text:?} appears twice"));
            }
        }
        Ok(interner)
    }
}

/// The byte range of id `id`'s text in the shared buffer, given each text's end offset. A free
/// function so `intern` can use it while the table is borrowed mutably.
fn span(ends: &[u64], id: u32) -> std::ops::Range<usize> {
    let i = id as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] as usize };
    start..ends[i] as usize
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Interner {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Serialize for Interner {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Interner {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let texts = Vec::<String>::deserialize(deserializer)?;
        Interner::from_texts(&texts).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_dense_in_order_of_first_sight() {
        let mut ids = Interner::default();
        let texts: Vec<String> = (0..10_000)
            .map(|i| format!("ORD-{}", i * 7919 % 10_007))
            .collect();
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(ids.intern(t), i as u32);
        }
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(ids.intern(t), i as u32, "re-interning must not add");
            assert_eq!(ids.resolve(i as u32), t);
        }
        assert_eq!(ids.len(), texts.len());
        assert_eq!(ids.get("nope"), None);
    }

    #[test]
    fn empty_and_unicode_texts_are_distinct_ids() {
        let mut ids = Interner::default();
        let a = ids.intern("");
        let b = ids.intern("עברית");
        let c = ids.intern("e\u{301}");
        assert_eq!((a, b, c), (0, 1, 2));
        assert_eq!(ids.resolve(b), "עברית");
    }

    #[test]
    fn serde_round_trip_and_duplicate_rejection() {
        let mut ids = Interner::default();
        for t in ["a", "b", "c"] {
            ids.intern(t);
        }
        let bytes = postcard::to_allocvec(&ids).unwrap();
        let back: Interner = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, ids);
        let dup = postcard::to_allocvec(&vec!["a", "a"]).unwrap();
        assert!(postcard::from_bytes::<Interner>(&dup).is_err());
    }
}
