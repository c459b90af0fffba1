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

    /// Calls `f` with every id, in order (the width is matched once, not per id).
    pub fn for_each(&self, mut f: impl FnMut(u32)) {
        match self {
            PackedIds::U8(v) => v.iter().for_each(|&id| f(u32::from(id))),
            PackedIds::U16(v) => v.iter().for_each(|&id| f(u32::from(id))),
            PackedIds::U32(v) => v.iter().for_each(|&id| f(id)),
        }
    }

    /// Calls `f` with the ids of `self` and `other` at each index, last index first (both
    /// have the same length; the widths are matched once, not per id).
    pub fn zip_rev(&self, other: &PackedIds, f: impl FnMut(u32, u32)) {
        match self {
            PackedIds::U8(v) => other.zip_rev_with(v, f),
            PackedIds::U16(v) => other.zip_rev_with(v, f),
            PackedIds::U32(v) => other.zip_rev_with(v, f),
        }
    }

    fn zip_rev_with<T: Copy + Into<u32>>(&self, first: &[T], mut f: impl FnMut(u32, u32)) {
        debug_assert_eq!(first.len(), self.len());
        let mut each = |a: T, b: u32| f(a.into(), b);
        let first = first.iter().rev();
        match self {
            PackedIds::U8(v) => first
                .zip(v.iter().rev())
                .for_each(|(&a, &b)| each(a, b.into())),
            PackedIds::U16(v) => first
                .zip(v.iter().rev())
                .for_each(|(&a, &b)| each(a, b.into())),
            PackedIds::U32(v) => first.zip(v.iter().rev()).for_each(|(&a, &b)| each(a, b)),
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
        let mut back = vec![];
        ids.for_each(|id| back.push(id));
        assert_eq!(back, [7, 300, 70_000, 1]);
    }

    #[test]
    fn a_large_first_id_skips_to_u32() {
        let mut ids = PackedIds::with_capacity(1);
        ids.push(u32::MAX);
        assert!(matches!(ids, PackedIds::U32(_)));
        let mut narrow = PackedIds::with_capacity(1);
        narrow.push(3);
        let mut pairs = vec![];
        ids.zip_rev(&narrow, |a, b| pairs.push((a, b)));
        assert_eq!(pairs, [(u32::MAX, 3)]);
    }
}
