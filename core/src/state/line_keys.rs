//! The duplicate index of order lines.
//!
//! Owns: [`LineKeys`], the set of (order, line) keys already taken, so a line seen twice counts
//! once. Most ERP orders number their lines from 0 or 1 upwards, so a line numbered below 64 is
//! one bit in a word per order (about 1.5 bytes per line, no hashing); any other key (a high line
//! number, or a line identified by its product when there is no line number) goes to a hash set
//! of packed `u64`s: the order id in the high half, the line number or the product marked by the
//! top bit in the low half.

use crate::ids::{OrderId, ProductId};
use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashSet;

/// Identifies one line within its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKey {
    /// The line's number (0..2^31).
    Number(u32),
    /// No line number: the product identifies the line.
    Product(ProductId),
}

const PRODUCT_BIT: u32 = 1 << 31;
const WORD_BITS: u32 = u64::BITS;

/// The largest line number a key can hold.
pub const MAX_LINE_NO: i64 = (PRODUCT_BIT - 1) as i64;

fn pack(order: OrderId, line: LineKey) -> u64 {
    let low = match line {
        LineKey::Number(n) => n,
        LineKey::Product(p) => PRODUCT_BIT | p.0,
    };
    (u64::from(order.0) << 32) | u64::from(low)
}

fn unpack(key: u64) -> (usize, LineKey) {
    let low = key as u32;
    let line = if low & PRODUCT_BIT != 0 {
        LineKey::Product(ProductId(low & !PRODUCT_BIT))
    } else {
        LineKey::Number(low)
    };
    ((key >> 32) as usize, line)
}

/// The set of order lines already ingested.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineKeys {
    /// Per order id, bit n set when line n (< 64) was taken.
    low_lines: Vec<u64>,
    /// Every other key, packed.
    others: HashSet<u64, FxBuildHasher>,
    count: usize,
}

impl LineKeys {
    /// Records a line; `false` when it was there already (a duplicate).
    pub fn insert(&mut self, order: OrderId, line: LineKey) -> bool {
        let fresh = match line {
            LineKey::Number(n) if n < WORD_BITS => {
                if self.low_lines.len() <= order.index() {
                    self.low_lines.resize(order.index() + 1, 0);
                }
                let word = &mut self.low_lines[order.index()];
                let bit = 1u64 << n;
                let fresh = *word & bit == 0;
                *word |= bit;
                fresh
            }
            _ => self.others.insert(pack(order, line)),
        };
        self.count += usize::from(fresh);
        fresh
    }

    /// How many distinct lines are recorded.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether no line is recorded.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.low_lines.capacity() * std::mem::size_of::<u64>()
            + self.others.capacity() * (std::mem::size_of::<u64>() + 1)
    }

    /// Every key, packed, in ascending order.
    fn packed(&self) -> Vec<u64> {
        let mut keys: Vec<u64> = self.others.iter().copied().collect();
        for (order, &word) in self.low_lines.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let n = bits.trailing_zeros();
                keys.push(pack(OrderId(order as u32), LineKey::Number(n)));
                bits &= bits - 1;
            }
        }
        keys.sort_unstable();
        keys
    }

    /// Checks that every key's order and product exist.
    pub(crate) fn validate(&self, orders: usize, products: usize) -> Result<(), String> {
        if self.low_lines.len() > orders {
            return Err(format!(
                "line numbers recorded for {} orders, {orders} known",
                self.low_lines.len()
            ));
        }
        for &k in &self.others {
            match unpack(k) {
                (order, _) if order >= orders => {
                    return Err(format!("line key {k:#x} refers to an unknown order"))
                }
                (_, LineKey::Product(p)) if p.index() >= products => {
                    return Err(format!("line key {k:#x} refers to an unknown product"))
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The keys with orders and products renamed by the maps (old id -> new id), for merges.
    pub fn remapped(
        &self,
        order_map: &[OrderId],
        product_map: &[ProductId],
    ) -> Vec<(OrderId, LineKey)> {
        self.packed()
            .into_iter()
            .map(|k| match unpack(k) {
                (order, LineKey::Product(p)) => {
                    (order_map[order], LineKey::Product(product_map[p.index()]))
                }
                (order, number) => (order_map[order], number),
            })
            .collect()
    }
}

impl Serialize for LineKeys {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Sorted, so equal states give equal snapshot bytes.
        self.packed().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for LineKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut keys = LineKeys::default();
        for k in Vec::<u64>::deserialize(deserializer)? {
            let (order, line) = unpack(k);
            if !keys.insert(OrderId(order as u32), line) {
                return Err(serde::de::Error::custom("a line key appears twice"));
            }
        }
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_and_product_keys_never_collide() {
        let mut keys = LineKeys::default();
        assert!(keys.insert(OrderId(7), LineKey::Number(3)));
        assert!(keys.insert(OrderId(7), LineKey::Product(ProductId(3))));
        assert!(keys.insert(OrderId(8), LineKey::Number(3)));
        assert!(!keys.insert(OrderId(7), LineKey::Number(3)));
        assert!(keys.insert(OrderId(7), LineKey::Number(64)));
        assert!(!keys.insert(OrderId(7), LineKey::Number(64)));
        assert_eq!(keys.len(), 4);
        let bytes = postcard::to_allocvec(&keys).unwrap();
        assert_eq!(postcard::from_bytes::<LineKeys>(&bytes).unwrap(), keys);
    }
}
