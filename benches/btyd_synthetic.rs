//! The synthetic customer base of the BG/NBD benchmarks (shared by `btyd.rs` and
//! `btyd_timing.rs`): customers acquired uniformly over a year and observed up to two years
//! after the start, in whole days (as `rfm_summary` with `Freq::Day` produces them), drawn from
//! a BG/NBD process with a fixed seed.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use salespulse::models::btyd::{simulate, BetaGeoParams};

/// The true parameters, per day: about one purchase every two months while alive.
pub const TRUTH: BetaGeoParams = BetaGeoParams {
    r: 0.6,
    alpha: 35.0,
    a: 0.8,
    b: 3.0,
};

/// Frequency, recency and T (days) of `n` customers.
pub fn customers(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let t: Vec<f64> = (0..n)
        .map(|_| f64::from(rng.random_range(365..=730u32)))
        .collect();
    let sim = simulate::beta_geo(&TRUTH, &t, &mut rng).expect("valid parameters");
    // Whole days, as a daily summary reports them.
    let recency = sim.recency.iter().map(|r| r.floor()).collect();
    (sim.frequency, recency, t)
}
