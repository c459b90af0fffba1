//! Customers drawn from the models' own processes (lifetimes' `generate_data`), for tests,
//! benchmarks and what-if studies.
//!
//! Owns: exact simulation in continuous time. Each function takes the customers' ages `T`
//! and returns their frequency and recency in the same unit. All return
//! [`Error::InvalidArgument`] for non-positive parameters or an age that is not finite and
//! ≥ 0.

use super::{BetaGeoParams, ModelParams, ModifiedBetaGeoParams, ParetoNBDParams};
use crate::error::{Error, Result};
use rand::Rng;
use rand_distr::{Beta, Distribution, Exp, Gamma};

/// Simulated customer summaries: `frequency[i]`, `recency[i]` for the customer of age `t[i]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Simulated {
    /// Repeat purchases in `(0, T]`.
    pub frequency: Vec<f64>,
    /// Time of the last repeat purchase (0 without one).
    pub recency: Vec<f64>,
}

fn check_ages(t: &[f64]) -> Result<()> {
    match t.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
        Some(i) => Err(Error::InvalidArgument(format!(
            "row {i}: T {} is not a finite number >= 0",
            t[i]
        ))),
        None => Ok(()),
    }
}

fn dist_error(e: impl std::fmt::Display) -> Error {
    Error::InvalidArgument(format!("cannot simulate with these parameters: {e}"))
}

/// Purchases of a Poisson process of rate `lambda` on `(0, end]`, stopping after a purchase
/// with probability `p_death`: returns (count, time of the last).
fn purchases<R: Rng + ?Sized>(lambda: f64, end: f64, p_death: f64, rng: &mut R) -> (f64, f64) {
    let (mut n, mut last, mut now) = (0.0, 0.0, 0.0);
    let Ok(wait) = Exp::new(lambda) else {
        return (0.0, 0.0);
    };
    loop {
        now += wait.sample(rng);
        if now > end {
            return (n, last);
        }
        n += 1.0;
        last = now;
        if rng.random::<f64>() < p_death {
            return (n, last);
        }
    }
}

fn bg_family<R: Rng + ?Sized>(
    v: &[f64],
    t: &[f64],
    death_at_start: bool,
    rng: &mut R,
) -> Result<Simulated> {
    check_ages(t)?;
    let rates = Gamma::new(v[0], 1.0 / v[1]).map_err(dist_error)?;
    let deaths = Beta::new(v[2], v[3]).map_err(dist_error)?;
    let mut out = Simulated::default();
    for &age in t {
        let (lambda, p) = (rates.sample(rng), deaths.sample(rng));
        let dead_at_once = death_at_start && rng.random::<f64>() < p;
        let (n, last) = if dead_at_once {
            (0.0, 0.0)
        } else {
            purchases(lambda, age, p, rng)
        };
        out.frequency.push(n);
        out.recency.push(last);
    }
    Ok(out)
}

/// BG/NBD: rate `λ ~ Gamma(r, α)`, drop-out probability `p ~ Beta(a, b)` after each repeat
/// purchase.
pub fn beta_geo<R: Rng + ?Sized>(
    params: &BetaGeoParams,
    t: &[f64],
    rng: &mut R,
) -> Result<Simulated> {
    params.check()?;
    bg_family(&params.to_vec(), t, false, rng)
}

/// MBG/NBD: as BG/NBD, and the customer may also drop out right after the first purchase.
pub fn modified_beta_geo<R: Rng + ?Sized>(
    params: &ModifiedBetaGeoParams,
    t: &[f64],
    rng: &mut R,
) -> Result<Simulated> {
    params.check()?;
    bg_family(&params.to_vec(), t, true, rng)
}

/// Pareto/NBD: rate `λ ~ Gamma(r, α)`, lifetime exponential with rate `μ ~ Gamma(s, β)`.
pub fn pareto_nbd<R: Rng + ?Sized>(
    params: &ParetoNBDParams,
    t: &[f64],
    rng: &mut R,
) -> Result<Simulated> {
    params.check()?;
    check_ages(t)?;
    let rates = Gamma::new(params.r, 1.0 / params.alpha).map_err(dist_error)?;
    let dropouts = Gamma::new(params.s, 1.0 / params.beta).map_err(dist_error)?;
    let mut out = Simulated::default();
    for &age in t {
        let (lambda, mu) = (rates.sample(rng), dropouts.sample(rng));
        let lifetime = Exp::new(mu).map_or(f64::INFINITY, |d| d.sample(rng));
        let (n, last) = purchases(lambda, age.min(lifetime), 0.0, rng);
        out.frequency.push(n);
        out.recency.push(last);
    }
    Ok(out)
}
