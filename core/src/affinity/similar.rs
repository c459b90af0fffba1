//! Similar customers: nearest neighbours by what they buy.
//!
//! Owns: [`SimilarCustomers`], each customer's purchase vector weighted like a search engine
//! weighs words (BM25-style: an item counts more the more often the customer buys it, with
//! diminishing returns, and the fewer customers buy it at all), normalised to unit length, and
//! an inverted index (item -> its buyers) so that a customer's neighbours are found by walking
//! only the buyers of its own items: no customers x items matrix, no all-pairs comparison.
//!
//! Must not touch: what neighbours are used for (see [`super::recommend`]).

use super::profiles::Profiles;

/// How much the purchase count saturates (BM25's k1): with 1.2, ten purchase days weigh about
/// twice one, not ten times.
const K1: f64 = 1.2;

/// A neighbour and how alike the two customers are (cosine of their weighted vectors, 0..=1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neighbour {
    /// The other customer.
    pub customer: u32,
    /// Cosine similarity.
    pub similarity: f32,
}

/// The nearest-neighbour index over customers' purchase vectors.
///
/// ```
/// use salespulse::affinity::{ProfileBuilder, SimilarCustomers};
/// use salespulse::Day;
///
/// let mut b = ProfileBuilder::new();
/// for (customer, items) in [(0, [1, 2, 3]), (1, [1, 2, 4]), (2, [7, 8, 9])] {
///     for item in items {
///         b.add(customer, item, Day(0), 1.0, 1.0);
///     }
/// }
/// let index = SimilarCustomers::new(&b.build());
/// let near = index.neighbours(0, 5, &mut Vec::new());
/// assert_eq!(near.len(), 1); // customer 2 shares nothing with 0
/// assert_eq!(near[0].customer, 1);
/// ```
#[derive(Clone, Debug)]
pub struct SimilarCustomers {
    /// Customer `c`'s weighted items: `vectors[starts[c]..starts[c + 1]]`.
    starts: Vec<usize>,
    vectors: Vec<(u32, f32)>,
    /// Item -> (buyer, weight), the inverted index.
    postings: Vec<Vec<(u32, f32)>>,
}

impl SimilarCustomers {
    /// The index of every customer of `profiles`.
    pub fn new(profiles: &Profiles) -> SimilarCustomers {
        let idf = idf(profiles);
        let mut starts = vec![0usize];
        let mut vectors = Vec::new();
        let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); profiles.items()];
        for c in 0..profiles.customers() as u32 {
            let start = vectors.len();
            for s in profiles.of(c) {
                let tf = f64::from(s.days) * (K1 + 1.0) / (f64::from(s.days) + K1);
                vectors.push((s.item, (tf * idf[s.item as usize]) as f32));
            }
            normalise(&mut vectors[start..]);
            for &(item, w) in &vectors[start..] {
                postings[item as usize].push((c, w));
            }
            starts.push(vectors.len());
        }
        SimilarCustomers {
            starts,
            vectors,
            postings,
        }
    }

    /// A customer's weighted, unit-length purchase vector (item, weight), sorted by item.
    pub fn vector(&self, customer: u32) -> &[(u32, f32)] {
        let c = customer as usize;
        &self.vectors[self.starts[c]..self.starts[c + 1]]
    }

    /// The `k` customers most like `customer` (itself excluded), most similar first; only
    /// customers sharing at least one item qualify. `scratch` is reused between calls to save
    /// allocations (pass the same `Vec` for every customer).
    pub fn neighbours(&self, customer: u32, k: usize, scratch: &mut Vec<f32>) -> Vec<Neighbour> {
        scratch.resize(self.starts.len() - 1, 0.0);
        let mut touched: Vec<u32> = Vec::new();
        for &(item, w) in self.vector(customer) {
            for &(other, v) in &self.postings[item as usize] {
                let slot = &mut scratch[other as usize];
                if *slot == 0.0 {
                    touched.push(other);
                }
                *slot += w * v;
            }
        }
        let mut found: Vec<Neighbour> = touched
            .iter()
            .filter(|&&o| o != customer)
            .map(|&o| Neighbour {
                customer: o,
                similarity: scratch[o as usize].min(1.0),
            })
            .filter(|n| n.similarity > 0.0)
            .collect();
        for &o in &touched {
            scratch[o as usize] = 0.0;
        }
        top_k(&mut found, k);
        found
    }
}

/// BM25's inverse document frequency: ln(1 + (N - df + 0.5) / (df + 0.5)).
fn idf(profiles: &Profiles) -> Vec<f64> {
    let n = profiles.customers() as f64;
    profiles
        .buyers_per_item()
        .into_iter()
        .map(|df| {
            let df = f64::from(df);
            (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
        })
        .collect()
}

fn normalise(v: &mut [(u32, f32)]) {
    let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|(_, w)| *w /= norm);
    }
}

/// Keeps the `k` most similar, sorted, ties by customer id (deterministic output).
fn top_k(found: &mut Vec<Neighbour>, k: usize) {
    let order = |a: &Neighbour, b: &Neighbour| {
        b.similarity
            .total_cmp(&a.similarity)
            .then(a.customer.cmp(&b.customer))
    };
    if found.len() > k && k > 0 {
        found.select_nth_unstable_by(k - 1, order);
    }
    found.truncate(k);
    found.sort_by(order);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::affinity::ProfileBuilder;
    use crate::day::Day;

    fn index(rows: &[&[u32]]) -> SimilarCustomers {
        let mut b = ProfileBuilder::new();
        for (c, items) in rows.iter().enumerate() {
            for &i in *items {
                b.add(c as u32, i, Day(0), 1.0, 1.0);
            }
        }
        SimilarCustomers::new(&b.build())
    }

    #[test]
    fn identical_baskets_are_fully_similar() {
        let idx = index(&[&[1, 2], &[1, 2], &[1, 3]]);
        let near = idx.neighbours(0, 10, &mut Vec::new());
        assert_eq!(near[0].customer, 1);
        assert!((near[0].similarity - 1.0).abs() < 1e-6);
        assert!(near[1].similarity < 1.0);
    }

    #[test]
    fn rare_shared_items_count_more_than_common_ones() {
        // 0 shares the common item 1 with customer 1 and the rare item 9 with customer 2.
        let idx = index(&[&[1, 9, 5], &[1, 6], &[9, 7], &[1], &[1], &[1]]);
        let near = idx.neighbours(0, 2, &mut Vec::new());
        assert_eq!(near[0].customer, 2);
    }

    #[test]
    fn scratch_is_clean_between_calls() {
        let idx = index(&[&[1, 2], &[2, 3], &[3, 4]]);
        let mut scratch = Vec::new();
        let first = idx.neighbours(1, 5, &mut scratch);
        let again = idx.neighbours(1, 5, &mut scratch);
        assert_eq!(first, again);
        assert!(scratch.iter().all(|&x| x == 0.0));
    }
}
