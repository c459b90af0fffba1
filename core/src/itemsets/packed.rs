//! Narrow id vectors for reading basket tables.
//!
//! Owns: [`PackedIds`], a vector of `u32` ids stored one, two or four bytes each, the narrowest
//! width that holds every id pushed so far (it widens itself when a larger id arrives). Reading
//! a table keeps one basket number and one item id per row until the rows are placed basket by
//! basket; real tables have a few hundred to a few thousand items and often fewer than 65,536
//! baskets, so this holds a row in two or three bytes instead of eight (the largest block of
//! memory while reading).
//!
//! Must not touch: what the ids mean ([`super::baskets`] owns that).

/// `u32` ids in the narrowest of `u8`, `u16` and `u32` that holds them all.
pub(crate) enum PackedIds {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
}

impl PackedIds {
    /// Room for `capacity` ids, one byte each until a larger id is pushed.
    pub fn with_capacity(capacity: usize) -> PackedIds {
        PackedIds::U8(Vec::with_capacity(capacity))
    }

    #[inline]
    pub fn len(&self) -> usize {
        match self {
            PackedIds::U8(v) => v.len(),
            PackedIds::U16(v) => v.len(),
            PackedIds::U32(v) => v.len(),
        }
    }

    /// Appends `id`, widening every id stored so far if `id` does not fit their width.
    #[inline]
    pub fn push(&mut self, id: u32) {
        match self {
            PackedIds::U8(v) => match u8::try_from(id) {
                Ok(id) => v.push(id),
                Err(_) => self.widen(id),
            },
            PackedIds::U16(v) => match u16::try_from(id) {
                Ok(id) => v.push(id),
                Err(_) => self.widen(id),
            },
            PackedIds::U32(v) => v.push(id),
        }
    }

    /// The id at `index`.
    #[inline]
    pub fn get(&self, index: usize) -> u32 {
        match self {
            PackedIds::U8(v) => u32::from(v[index]),
            PackedIds::U16(v) => u32::from(v[index]),
            PackedIds::U32(v) => v[index],
        }
    }

    /// Copies the ids into the next width that holds `id` (same capacity, so the old and new
    /// blocks are both live only for this copy), then pushes `id`.
    #[cold]
    fn widen(&mut self, id: u32) {
        let capacity = self.capacity();
        let wider = match self {
            PackedIds::U8(v) if id <= u32::from(u16::MAX) => {
                PackedIds::U16(widened(v, capacity, u16::from))
            }
            PackedIds::U8(v) => PackedIds::U32(widened(v, capacity, u32::from)),
            PackedIds::U16(v) => PackedIds::U32(widened(v, capacity, u32::from)),
            PackedIds::U32(_) => unreachable!("u32 ids always fit"),
        };
        *self = wider;
        self.push(id);
    }

    fn capacity(&self) -> usize {
        match self {
            PackedIds::U8(v) => v.capacity(),
            PackedIds::U16(v) => v.capacity(),
            PackedIds::U32(v) => v.capacity(),
        }
    }
}

fn widened<T: Copy, U>(values: &[T], capacity: usize, widen: impl Fn(T) -> U) -> Vec<U> {
    let mut out = Vec::with_capacity(capacity.max(values.len() + 1));
    out.extend(values.iter().map(|&v| widen(v)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widens_as_ids_grow_and_keeps_earlier_ids() {
        let mut ids = PackedIds::with_capacity(4);
        ids.push(7);
        assert!(matches!(ids, PackedIds::U8(_)));
        ids.push(300);
        assert!(matches!(ids, PackedIds::U16(_)));
        ids.push(70_000);
        assert!(matches!(ids, PackedIds::U32(_)));
        ids.push(1);
        let back: Vec<u32> = (0..ids.len()).map(|i| ids.get(i)).collect();
        assert_eq!(back, [7, 300, 70_000, 1]);
    }

    #[test]
    fn a_large_first_id_skips_to_u32() {
        let mut ids = PackedIds::with_capacity(1);
        ids.push(u32::MAX);
        assert!(matches!(ids, PackedIds::U32(_)));
        assert_eq!(ids.get(0), u32::MAX);
    }
}
