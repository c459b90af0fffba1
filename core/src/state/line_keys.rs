//! The duplicate index of order lines.
//!
//! Owns: [`LineKeys`], the set of (order, line) keys already taken, so a line seen twice counts
//! once. A key is one `u64`: the interned order id in the high half, the line number (or, without
//! one, the product marked by the top bit) in the low half. About 9-18 bytes per line.

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

/// The largest line number a key can hold.
pub const MAX_LINE_NO: i64 = (PRODUCT_BIT - 1) as i64;

fn pack(order: OrderId, line: LineKey) -> u64 {
    let low = match line {
        LineKey::Number(n) => n,
        LineKey::Product(p) => PRODUCT_BIT | p.0,
    };
    (u64::from(order.0) << 32) | u64::from(low)
}

/// The set of order lines already ingested.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineKeys {
    keys: HashSet<u64, FxBuildHasher>,
}

impl LineKeys {
    /// Records a line; `false` when it was there already (a duplicate).
    pub fn insert(&mut self, order: OrderId, line: LineKey) -> bool {
        self.keys.insert(pack(order, line))
    }

    /// How many distinct lines are recorded.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no line is recorded.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Makes room for `additional` more lines at once (one rehash for a batch, not many).
    pub fn reserve(&mut self, additional: usize) {
        self.keys.reserve(additional);
    }

    /// Heap bytes held (buckets plus control bytes).
    pub fn heap_bytes(&self) -> usize {
        self.keys.capacity() * (std::mem::size_of::<u64>() + 1)
    }

    /// Checks that every key's order and product exist.
    pub(crate) fn validate(&self, orders: usize, products: usize) -> Result<(), String> {
        for &k in &self.keys {
            let low = k as u32;
            let order = (k >> 32) as usize;
            if order >= orders
                || (low & PRODUCT_BIT != 0 && (low & !PRODUCT_BIT) as usize >= products)
            {
                return Err(format!(
                    "line key {k:#x} refers to an unknown order or product"
                ));
            }
        }
        Ok(())
    }

    /// The keys with their orders renamed by `order_map` (old id -> new id), for merges.
    pub fn remapped(
        &self,
        order_map: &[OrderId],
        product_map: &[ProductId],
    ) -> Vec<(OrderId, LineKey)> {
        self.keys
            .iter()
            .map(|&k| {
                let order = order_map[(k >> 32) as usize];
                let low = k as u32;
                let line = if low & PRODUCT_BIT != 0 {
                    LineKey::Product(product_map[(low & !PRODUCT_BIT) as usize])
                } else {
                    LineKey::Number(low)
                };
                (order, line)
            })
            .collect()
    }
}

impl Serialize for LineKeys {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Sorted, so equal states give equal snapshot bytes.
        let mut keys: Vec<u64> = self.keys.iter().copied().collect();
        keys.sort_unstable();
        keys.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for LineKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let keys = Vec::<u64>::deserialize(deserializer)?;
        Ok(LineKeys {
            keys: keys.into_iter().collect(),
        })
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
        assert_eq!(keys.len(), 3);
    }
}
