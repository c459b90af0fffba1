//! Seeded randomness: one independent stream per (seed, purpose, index), and the few
//! distributions the generator draws from.
//!
//! Every customer draws from streams keyed by its own index, never from a shared one, so any
//! subset of customers is generated identically, in any order, on any machine (the partitions of
//! a distributed job). The streams are `StdRng` (ChaCha12 in rand 0.9): determinism holds for a
//! given salespulse version, since a rand upgrade may change the algorithm behind `StdRng`.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Gamma, Poisson, StandardNormal};

use crate::day::Day;

/// What a stream is for: separate purposes never share draws, so adding a draw to one (a new
/// deal field, say) leaves the others' output unchanged.
#[derive(Clone, Copy)]
pub(crate) enum Stream {
    Catalogue = 1,
    SalesForce,
    Plan,
    Account,
    Portfolio,
    Events,
    Deals,
    Orders,
}

/// The stream of `purpose` for item `index` (a customer's index, or 0 for world-level streams).
pub(crate) fn stream(seed: u64, purpose: Stream, index: u64) -> StdRng {
    let key = mix(mix(seed ^ ((purpose as u64) << 58)).wrapping_add(index));
    StdRng::seed_from_u64(key)
}

/// SplitMix64's finaliser: spreads nearby (seed, index) keys over the whole seed space, so
/// neighbouring customers get unrelated streams.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform draw in `[lo, hi)`; `lo` when the range is empty.
pub(crate) fn uniform(rng: &mut impl Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo).max(0.0) * rng.random::<f64>()
}

/// True with probability `p`.
pub(crate) fn chance(rng: &mut impl Rng, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// A log-normal draw given by its median and the standard deviation of its logarithm.
pub(crate) fn lognormal(rng: &mut impl Rng, median: f64, sigma: f64) -> f64 {
    let z: f64 = StandardNormal.sample(rng);
    median * (sigma * z).exp()
}

/// A normal draw.
pub(crate) fn normal(rng: &mut impl Rng, mean: f64, sd: f64) -> f64 {
    let z: f64 = StandardNormal.sample(rng);
    mean + sd * z
}

/// A gamma draw given by its mean and coefficient of variation: the interval model of regular
/// B2B buying (a CV of 0.2 is a customer who orders like clockwork, 1.0 would be Poisson).
pub(crate) fn gamma(rng: &mut impl Rng, mean: f64, cv: f64) -> f64 {
    if cv <= 0.0 || mean <= 0.0 {
        return mean;
    }
    let shape = 1.0 / (cv * cv);
    Gamma::new(shape, mean / shape).map_or(mean, |g| g.sample(rng))
}

/// A Poisson count with mean `lambda` (0 for a non-positive mean).
pub(crate) fn poisson(rng: &mut impl Rng, lambda: f64) -> usize {
    Poisson::new(lambda).map_or(0, |p| p.sample(rng) as usize)
}

/// A day uniform in `[lo, hi]`; `lo` when the range is empty.
pub(crate) fn day_in(rng: &mut impl Rng, lo: Day, hi: Day) -> Day {
    if hi <= lo {
        lo
    } else {
        Day(rng.random_range(lo.0..=hi.0))
    }
}

/// An index drawn with probability proportional to `weights` (a linear scan: for short lists).
/// Returns `None` when no weight is positive.
pub(crate) fn pick_weighted(rng: &mut impl Rng, weights: &[f64]) -> Option<usize> {
    let total: f64 = weights.iter().filter(|w| **w > 0.0).sum();
    if total <= 0.0 {
        return None;
    }
    let mut target = rng.random::<f64>() * total;
    let mut last = None;
    for (i, &w) in weights.iter().enumerate() {
        if w <= 0.0 {
            continue;
        }
        last = Some(i);
        if target < w {
            return Some(i);
        }
        target -= w;
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_purpose_and_index_and_repeat_by_key() {
        let draw = |purpose, index| stream(7, purpose, index).random::<u64>();
        assert_eq!(draw(Stream::Orders, 3), draw(Stream::Orders, 3));
        assert_ne!(draw(Stream::Orders, 3), draw(Stream::Orders, 4));
        assert_ne!(draw(Stream::Orders, 3), draw(Stream::Deals, 3));
    }

    #[test]
    fn gamma_has_the_requested_mean_and_cv() {
        let mut rng = stream(1, Stream::Orders, 0);
        let xs: Vec<f64> = (0..20_000).map(|_| gamma(&mut rng, 14.0, 0.25)).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64).sqrt();
        assert!((mean - 14.0).abs() < 0.2, "mean {mean}");
        assert!((sd / mean - 0.25).abs() < 0.02, "cv {}", sd / mean);
    }
}
