//! Pareto/NBD: the model of Schmittlein, Morrison & Colombo (1987).
//!
//! While alive, a customer buys as a Poisson process with rate `λ ~ Gamma(r, α)`; their
//! lifetime is exponential with rate `μ ~ Gamma(s, β)` (shapes `r`, `s`; rates `α`, `β`).
//!
//! # Likelihood
//!
//! Fader & Hardie (2005, "A Note on Deriving the Pareto/NBD Model and Related Expressions",
//! eqs. 22–23), with `A = r+s+x`, `m = max(α, β)` and `z(t) = |α−β| / (m + t)`:
//!
//! ```text
//! L = Γ(r+x) αʳ βˢ / (Γ(r) (m+t_x)^A) · [ s/A · ₂F₁(A, b₁; A+1; z(t_x))
//!                                       + (r+x)/A · ₂F₁(A, b₂; A+1; z(T)) · ((m+t_x)/(m+T))^A ]
//! ```
//!
//! with `(b₁, b₂) = (s+1, s)` if `α ≥ β` and `(r+x, r+x+1)` otherwise. Both terms are
//! positive, so unlike the textbook form (alive term plus a *difference* of two ₂F₁ terms) it
//! needs no subtraction. Each `₂F₁(A, b; A+1; z)` is written as
//! `(1−z)^(1−b) · ₂F₁(1, A+1−b; A+1; z)` (Euler's transformation), whose series has positive
//! terms all at most 1 and which is evaluated by Gauss's continued fraction (`special::
//! hyp2f1_one_b_c`): it converges for every `z < 1` in about `1/√(1−z)` steps, where the power
//! series used by lifetimes and BTYD needs about `37/(1−z)` terms. `ln(1−z)` is formed
//! as `ln(min+t) − ln(m+t)`, without cancellation.
//!
//! The fit's gradient is exact: the same code runs on dual numbers ([`Dual`]), which carry
//! the derivatives through the continued fraction.
//!
//! P(alive) is the alive term's share of `L`: `Γ(r+x) αʳ βˢ / (Γ(r) (α+T)^(r+x) (β+T)ˢ) / L`.

use super::data::{check_customer, Levels, RfmData, RfmGroups};
use super::dual::{ln_add_exp, Dual, Real};
use super::fit::{
    self, check_horizon, fit_option_setters, FitOptions, Fitted, ModelParams, Problem,
};
use super::optimize::Objective;
use super::special::{digamma_diff, hyp2f1_one_b_c, ln_gamma_ratio};
use super::TransactionModel;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Pareto/NBD parameters: purchase rates `λ ~ Gamma(shape r, rate alpha)`, dropout rates
/// `μ ~ Gamma(shape s, rate beta)`; `alpha` and `beta` in the data's time unit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParetoNBDParams {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Rate of the purchase-rate distribution.
    pub alpha: f64,
    /// Shape of the dropout-rate distribution.
    pub s: f64,
    /// Rate of the dropout-rate distribution.
    pub beta: f64,
}

impl ModelParams for ParetoNBDParams {
    const NAMES: &'static [&'static str] = &["r", "alpha", "s", "beta"];

    fn to_vec(&self) -> Vec<f64> {
        vec![self.r, self.alpha, self.s, self.beta]
    }

    fn from_slice(v: &[f64]) -> Self {
        ParetoNBDParams {
            r: v[0],
            alpha: v[1],
            s: v[2],
            beta: v[3],
        }
    }
}

/// The parameters as numbers of type `T`: `f64` for predictions, [`Dual`] for fits.
#[derive(Clone, Copy)]
struct Prm<T> {
    r: T,
    alpha: T,
    s: T,
    beta: T,
}

impl From<&ParetoNBDParams> for Prm<f64> {
    fn from(p: &ParetoNBDParams) -> Self {
        Prm {
            r: p.r,
            alpha: p.alpha,
            s: p.s,
            beta: p.beta,
        }
    }
}

/// Logarithms of `α + t_x`, `β + t_x`, `α + T`, `β + T` (computed once per level in fits).
#[derive(Clone, Copy)]
struct LnAges<T> {
    alpha_tx: T,
    beta_tx: T,
    alpha_t: T,
    beta_t: T,
}

fn ln_ages<T: Real>(p: &Prm<T>, t_x: f64, t: f64) -> LnAges<T> {
    LnAges {
        alpha_tx: (p.alpha + t_x).ln(),
        beta_tx: (p.beta + t_x).ln(),
        alpha_t: (p.alpha + t).ln(),
        beta_t: (p.beta + t).ln(),
    }
}

/// `ln L − [ln Γ(r+x) − ln Γ(r) + r ln α + s ln β]`: the part of the log-likelihood that
/// depends on `t_x` and `T` (see the module docs). `NaN` if a ₂F₁ does not converge.
fn ln_lik_rest<T: Real>(p: &Prm<T>, x: f64, t_x: f64, t: f64, ln: &LnAges<T>) -> T {
    let rx = p.r + x;
    let big_a = rx + p.s;
    // Logs of (m + t_x), (m + T), (min + t_x), (min + T); the ₂F₁ arguments; the second
    // parameters A+1−b of the ₂F₁(1, ·; A+1; z) factors; the exponents 1−b of (1 − z).
    let (m_tx, m_t, min_tx, min_t, z_tx, z_t, b1, b2, e1, e2) = if p.alpha.value() >= p.beta.value()
    {
        let d = p.alpha - p.beta;
        // b = s+1 (first term) and b = s (second term).
        let (z_tx, z_t) = (d / (p.alpha + t_x), d / (p.alpha + t));
        (
            ln.alpha_tx,
            ln.alpha_t,
            ln.beta_tx,
            ln.beta_t,
            z_tx,
            z_t,
            rx,
            rx + 1.0,
            -p.s,
            -p.s + 1.0,
        )
    } else {
        let d = p.beta - p.alpha;
        // b = r+x and b = r+x+1.
        let (z_tx, z_t) = (d / (p.beta + t_x), d / (p.beta + t));
        (
            ln.beta_tx,
            ln.beta_t,
            ln.alpha_tx,
            ln.alpha_t,
            z_tx,
            z_t,
            p.s + 1.0,
            p.s,
            -rx + 1.0,
            -rx,
        )
    };
    let c = big_a + 1.0;
    let h1 = hyp2f1_one_b_c(b1, c, z_tx);
    let h2 = hyp2f1_one_b_c(b2, c, z_t);
    let ln_a = big_a.ln();
    let term1 = p.s.ln() - ln_a + e1 * (min_tx - m_tx) + h1.ln();
    let term2 = rx.ln() - ln_a + e2 * (min_t - m_t) + h2.ln() + big_a * (m_tx - m_t);
    -(big_a * m_tx) + ln_add_exp(term1, term2)
}

/// The per-`x` constant `ln Γ(r+x) − ln Γ(r) + r ln α + s ln β`.
fn ln_lik_const(p: &ParetoNBDParams, x: f64) -> f64 {
    ln_gamma_ratio(p.r, x) + p.r * p.alpha.ln() + p.s * p.beta.ln()
}

/// The gradient of [`ln_lik_const`] with respect to the log-parameters.
fn ln_lik_const_grad(p: &ParetoNBDParams, x: f64) -> [f64; 4] {
    [
        p.r * (digamma_diff(p.r, x) + p.alpha.ln()),
        p.r,
        p.s * p.beta.ln(),
        p.s,
    ]
}

impl ParetoNBDParams {
    /// The individual log-likelihood `ln L(r, α, s, β | x, t_x, T)`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for invalid parameters or an invalid customer.
    pub fn log_likelihood(&self, frequency: f64, recency: f64, t: f64) -> Result<f64> {
        self.check()?;
        check_customer(frequency, recency, t)?;
        let p = Prm::from(self);
        let ln = ln_ages(&p, recency, t);
        Ok(ln_lik_const(self, frequency) + ln_lik_rest(&p, frequency, recency, t, &ln))
    }

    fn checked_p_alive(&self, x: f64, t_x: f64, t: f64) -> Result<f64> {
        self.check()?;
        check_customer(x, t_x, t)?;
        let p = Prm::from(self);
        let ln = ln_ages(&p, t_x, t);
        let ln_alive_share =
            -(self.r + x) * ln.alpha_t - self.s * ln.beta_t - ln_lik_rest(&p, x, t_x, t, &ln);
        let p = ln_alive_share.exp();
        if p.is_nan() {
            return Err(Error::InvalidArgument(format!(
                "P(alive) could not be computed for x = {x}, t_x = {t_x}, T = {t} (hypergeometric series did not converge)"
            )));
        }
        Ok(p.min(1.0))
    }
}

/// `(1 − ((β+T)/(β+T+h))^(s−1)) / (s−1)`, exact as `s → 1` (where it is `ln(1 + h/(β+T))`).
fn dropout_horizon_factor(s: f64, beta_t: f64, h: f64) -> f64 {
    let l = (h / beta_t).ln_1p();
    if s == 1.0 {
        l
    } else {
        -(-(s - 1.0) * l).exp_m1() / (s - 1.0)
    }
}

impl TransactionModel for ParetoNBDParams {
    fn p_alive(&self, frequency: f64, recency: f64, t: f64) -> Result<f64> {
        self.checked_p_alive(frequency, recency, t)
    }

    /// `P(alive) · (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+h))^(s−1)]`
    /// (Schmittlein et al. 1987; Fader & Hardie 2005 note, eq. 41).
    fn expected_purchases(
        &self,
        horizon: f64,
        frequency: f64,
        recency: f64,
        t: f64,
    ) -> Result<f64> {
        check_horizon(horizon)?;
        let alive = self.checked_p_alive(frequency, recency, t)?;
        let factor = dropout_horizon_factor(self.s, self.beta + t, horizon);
        Ok(alive * (self.r + frequency) / (self.alpha + t) * (self.beta + t) * factor)
    }

    /// `rβ / (α(s−1)) · [1 − (β/(β+h))^(s−1)]`.
    fn expected_purchases_new_customer(&self, horizon: f64) -> Result<f64> {
        self.check()?;
        check_horizon(horizon)?;
        Ok(self.r / self.alpha * self.beta * dropout_horizon_factor(self.s, self.beta, horizon))
    }
}

/// The mean negative log-likelihood (plus penalty) over grouped data in log-parameters and
/// scaled time, with its exact gradient by dual numbers.
struct ParetoObjective {
    levels: Levels,
    penalizer: f64,
    scale: f64,
    weighted_frequency: f64,
}

impl ParetoObjective {
    fn new(groups: &RfmGroups, penalizer: f64) -> Self {
        let scale = 1.0 / groups.max_t().max(f64::MIN_POSITIVE);
        let levels = Levels::new(groups, scale);
        let weighted_frequency = levels
            .rows
            .iter()
            .map(|row| row.w * levels.x[row.x as usize])
            .sum();
        ParetoObjective {
            levels,
            penalizer,
            scale,
            weighted_frequency,
        }
    }

    /// Σ w·ln L in scaled units, as `T` (with the gradient in log-parameters when dual),
    /// and the part that does not depend on `t_x` and `T` with its gradient.
    fn sum_log_lik<T: Real>(&self, p: &ParetoNBDParams, pt: &Prm<T>) -> (T, f64, [f64; 4]) {
        let lv = &self.levels;
        let ages = |ts: &[f64]| -> Vec<(T, T)> {
            ts.iter()
                .map(|&t| ((pt.alpha + t).ln(), (pt.beta + t).ln()))
                .collect()
        };
        let (ln_tx, ln_t) = (ages(&lv.t_x), ages(&lv.t));
        let (mut constant, mut constant_grad) = (0.0, [0.0; 4]);
        for (&x, &w) in lv.x.iter().zip(&lv.x_weight) {
            constant += w * ln_lik_const(p, x);
            let g = ln_lik_const_grad(p, x);
            (0..4).for_each(|i| constant_grad[i] += w * g[i]);
        }
        let mut rest = T::constant(0.0);
        for row in &lv.rows {
            let (x, t_x, t) = (
                lv.x[row.x as usize],
                lv.t_x[row.t_x as usize],
                lv.t[row.t as usize],
            );
            let ((alpha_tx, beta_tx), (alpha_t, beta_t)) =
                (ln_tx[row.t_x as usize], ln_t[row.t as usize]);
            let ln = LnAges {
                alpha_tx,
                beta_tx,
                alpha_t,
                beta_t,
            };
            rest = rest + ln_lik_rest(pt, x, t_x, t, &ln) * row.w;
        }
        (rest, constant, constant_grad)
    }

    fn params_of(theta: &[f64]) -> Option<ParetoNBDParams> {
        let p = ParetoNBDParams::from_slice(&theta.iter().map(|v| v.exp()).collect::<Vec<_>>());
        p.check().is_ok().then_some(p)
    }

    fn penalty(&self, p: &ParetoNBDParams) -> f64 {
        self.penalizer * p.to_vec().iter().map(|v| v * v).sum::<f64>()
    }
}

impl Objective for ParetoObjective {
    fn dim(&self) -> usize {
        4
    }

    fn value(&self, theta: &[f64]) -> f64 {
        let Some(p) = Self::params_of(theta) else {
            return f64::INFINITY;
        };
        let (rest, constant, _) = self.sum_log_lik(&p, &Prm::from(&p));
        let v = -(rest + constant) / self.levels.total_weight + self.penalty(&p);
        if v.is_nan() {
            f64::INFINITY
        } else {
            v
        }
    }

    fn value_grad(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let Some(p) = Self::params_of(theta) else {
            return f64::INFINITY;
        };
        // Each parameter e^θ has derivative e^θ with respect to its θ.
        let pt = Prm {
            r: Dual::input(p.r, 0, p.r),
            alpha: Dual::input(p.alpha, 1, p.alpha),
            s: Dual::input(p.s, 2, p.s),
            beta: Dual::input(p.beta, 3, p.beta),
        };
        let (rest, constant, constant_grad) = self.sum_log_lik(&p, &pt);
        let w = self.levels.total_weight;
        let values = p.to_vec();
        for i in 0..4 {
            grad[i] =
                -(rest.d[i] + constant_grad[i]) / w + 2.0 * self.penalizer * values[i] * values[i];
        }
        let v = -(rest.v + constant) / w + self.penalty(&p);
        if v.is_nan() || grad.iter().any(|g| g.is_nan()) {
            f64::INFINITY
        } else {
            v
        }
    }

    fn exact_gradient(&self) -> bool {
        true
    }
}

impl Problem for ParetoObjective {
    fn log_likelihood(&self, theta: &[f64]) -> f64 {
        Self::params_of(theta).map_or(f64::NAN, |p| {
            let (rest, constant, _) = self.sum_log_lik(&p, &Prm::from(&p));
            rest + constant + self.weighted_frequency * self.scale.ln()
        })
    }

    fn total_weight(&self) -> f64 {
        self.levels.total_weight
    }

    fn n_patterns(&self) -> usize {
        self.levels.rows.len()
    }

    fn to_params(&self, theta: &[f64]) -> Vec<f64> {
        vec![
            theta[0].exp(),
            theta[1].exp() / self.scale,
            theta[2].exp(),
            theta[3].exp() / self.scale,
        ]
    }

    fn to_theta(&self, params: &[f64]) -> Vec<f64> {
        vec![
            params[0].ln(),
            (params[1] * self.scale).ln(),
            params[2].ln(),
            (params[3] * self.scale).ln(),
        ]
    }
}

/// The Pareto/NBD model, unfitted: its fit options.
///
/// The likelihood of a customer is Fader & Hardie's (2005) sum of two positive terms, each a
/// Gauss hypergeometric function `₂F₁(r+s+x, ·; r+s+x+1; |α−β| / (max(α, β) + t))` for
/// `t = t_x` and `T`, evaluated by a continued fraction that converges for any parameters;
/// the fit's gradient is exact (dual numbers).
///
/// ```
/// use salespulse::models::btyd::{ParetoNBD, RfmData, TransactionModel};
///
/// let x = [2.0, 1.0, 0.0, 0.0, 4.0, 0.0, 7.0, 1.0];
/// let t_x = [30.4, 1.7, 0.0, 0.0, 30.9, 0.0, 35.0, 12.0];
/// let t = [38.9; 8];
/// let fitted = ParetoNBD::new().fit(&RfmData::new(&x, &t_x, &t)).unwrap();
/// let alive = fitted.p_alive(1.0, 1.7, 38.9).unwrap();
/// assert!(alive > 0.0 && alive < 1.0);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ParetoNBD {
    /// Penalty, iteration limit and tolerance.
    pub options: FitOptions,
    /// Where the optimiser starts; `None` for data-driven guesses.
    pub initial_params: Option<ParetoNBDParams>,
}

fit_option_setters!(ParetoNBD, ParetoNBDParams);

/// A fitted Pareto/NBD model.
pub type FittedParetoNBD = Fitted<ParetoNBDParams>;

impl ParetoNBD {
    /// A model with default options (no penalty).
    pub fn new() -> Self {
        Self::default()
    }

    /// Fits by maximum likelihood on one row per customer (or pattern, with weights).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`](crate::error::Error::InvalidArgument) for an invalid row
    /// (named: a frequency that is not a whole number ≥ 0, a negative or non-finite recency or
    /// T, recency > T, recency ≠ 0 with frequency 0, a bad weight), data without repeat
    /// purchases, or a fit that does not converge (with what to try).
    pub fn fit(&self, data: &RfmData) -> Result<FittedParetoNBD> {
        self.fit_groups(&RfmGroups::from_data(data)?)
    }

    /// Fits on already grouped data.
    ///
    /// # Errors
    ///
    /// As [`fit`](Self::fit), except for the row checks [`RfmGroups`] already made.
    pub fn fit_groups(&self, groups: &RfmGroups) -> Result<FittedParetoNBD> {
        fit::check_fittable("Pareto/NBD", groups)?;
        let objective = ParetoObjective::new(groups, self.options.penalizer);
        let starts = match self.initial_params {
            Some(p) => {
                p.check()?;
                vec![p.to_vec()]
            }
            None => {
                let max_t = groups.max_t();
                let rate = groups.mean_rate().max(1e-3 / max_t);
                let e = 0.1f64.exp();
                vec![
                    vec![1.0, 1.0 / rate, 1.0, max_t],
                    vec![e, e * max_t, e, e * max_t],
                    vec![0.5, 0.5 / rate, 0.5, 0.5 * max_t],
                ]
            }
        };
        let penalizer = self.options.penalizer;
        let warm = fit::warm_start("Pareto/NBD", groups, &starts, &self.options, |sample| {
            Box::new(ParetoObjective::new(sample, penalizer))
        });
        fit::run("Pareto/NBD", &objective, &starts, warm, &self.options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::btyd::special::ln_gamma;
    use crate::models::btyd::RfmData;

    #[test]
    fn dual_gradient_matches_finite_differences() {
        let x = [0.0, 1.0, 3.0, 12.0, 2.0];
        let tx = [0.0, 4.5, 20.0, 38.0, 1.0];
        let t = [10.0, 39.0, 39.0, 39.0, 25.0];
        let groups = RfmGroups::from_data(&RfmData::new(&x, &tx, &t)).unwrap();
        let objective = ParetoObjective::new(&groups, 0.01);
        // alpha > beta, alpha < beta, and alpha = beta (z = 0 in both 2F1 terms).
        for theta in [
            [-0.5, 0.3, 0.2, -1.0],
            [0.4, -2.0, -0.3, 1.5],
            [0.1, 0.7, 0.9, 0.7],
        ] {
            let mut grad = [0.0; 4];
            let v = objective.value_grad(&theta, &mut grad);
            assert!((v - objective.value(&theta)).abs() < 1e-14);
            for i in 0..4 {
                let h = 1e-6;
                let (mut up, mut down) = (theta, theta);
                up[i] += h;
                down[i] -= h;
                let fd = (objective.value(&up) - objective.value(&down)) / (2.0 * h);
                assert!(
                    (grad[i] - fd).abs() < 1e-7 * (1.0 + fd.abs()),
                    "theta {theta:?}, i {i}: {} vs {fd}",
                    grad[i]
                );
            }
        }
    }

    #[test]
    fn log_likelihood_matches_the_textbook_form() {
        // Fader & Hardie (2005) eq. 22: the alive term plus a difference of two 2F1 terms,
        // evaluated here by plain series at small z, as lifetimes does.
        let p = ParetoNBDParams {
            r: 0.55,
            alpha: 10.58,
            s: 0.61,
            beta: 11.67,
        };
        let series = |a: f64, b: f64, c: f64, z: f64| {
            let (mut term, mut sum) = (1.0, 1.0);
            for n in 0..200 {
                let n = n as f64;
                term *= (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
                sum += term;
            }
            sum
        };
        for (x, tx, t) in [(0.0, 0.0, 38.86), (2.0, 30.43, 38.86), (7.0, 5.0, 30.0)] {
            let big_a = p.r + p.s + x;
            let f = |y: f64| {
                series(
                    big_a,
                    p.r + x,
                    big_a + 1.0,
                    (p.beta - p.alpha) / (p.beta + y),
                ) / (p.beta + y).powf(big_a)
            };
            let a0 = f(tx) - f(t);
            let c = ln_gamma(p.r + x) - ln_gamma(p.r) + p.r * p.alpha.ln() + p.s * p.beta.ln();
            let want = c
                + ((p.alpha + t).powf(-(p.r + x)) * (p.beta + t).powf(-p.s) + p.s / big_a * a0)
                    .ln();
            let got = p.log_likelihood(x, tx, t).unwrap();
            assert!(
                (got - want).abs() < 1e-12,
                "({x}, {tx}, {t}): {got} vs {want}"
            );
        }
    }
}
