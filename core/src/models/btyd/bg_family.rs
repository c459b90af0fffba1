//! The likelihood and predictions that BG/NBD and MBG/NBD share.
//!
//! The two differ only in whether a customer can drop out right after the first purchase
//! (MBG/NBD) or only after a repeat purchase (BG/NBD). With `k = 0` for BG/NBD and `k = 1` for
//! MBG/NBD, the individual log-likelihood (Fader, Hardie & Lee 2005, eq. 6; Batislam et al.
//! 2007) is
//!
//! ```text
//! ln L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x+k) − ln B(a, b)
//!      + ln( (α+T)^−(r+x) + [x+k > 0] · a/(b+x+k−1) · (α+t_x)^−(r+x) )
//! ```
//!
//! evaluated as a log-sum-exp so that large `x` and long `T` neither overflow nor underflow,
//! with `ln(α+T) = ln α + ln(1 + T/α)` and `ln Γ` ratios formed without cancellation so that
//! the value stays exact when a parameter runs off towards a boundary (homogeneous rates).

use super::data::{check_customer, Levels, RfmGroups};
use super::fit::{check_horizon, Problem};
use super::optimize::Objective;
use super::special::{digamma_diff, hyp2f1_series_m1, ln_gamma_ratio, logistic};
use crate::error::{Error, Result};

/// Which member of the family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Variant {
    /// BG/NBD: death only after a repeat purchase.
    BetaGeo,
    /// MBG/NBD: death possible after any purchase, the first included.
    Modified,
}

impl Variant {
    /// The shift `k` of the formulas in the module docs.
    fn k(self) -> f64 {
        match self {
            Variant::BetaGeo => 0.0,
            Variant::Modified => 1.0,
        }
    }
}

/// `(r, α, a, b)` as a plain tuple for the formulas.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rab {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
}

/// The mean negative log-likelihood (plus penalty) over grouped data, in log-parameters and
/// times scaled by `scale`.
pub(crate) struct BgObjective {
    levels: Levels,
    variant: Variant,
    penalizer: f64,
    scale: f64,
    /// Σ w·x: the log-likelihood changes by −x·ln(scale) per customer under time scaling.
    weighted_frequency: f64,
}

impl BgObjective {
    pub fn new(groups: &RfmGroups, variant: Variant, penalizer: f64) -> Self {
        let scale = 1.0 / groups.max_t().max(f64::MIN_POSITIVE);
        let levels = Levels::new(groups, scale);
        let weighted_frequency = levels
            .rows
            .iter()
            .map(|row| row.w * levels.x[row.x as usize])
            .sum();
        BgObjective {
            levels,
            variant,
            penalizer,
            scale,
            weighted_frequency,
        }
    }

    /// Starting points in the data's units: a guess from the mean purchase rate, then
    /// lifetimes' default (all parameters e^0.1 in scaled time), then a low-churn guess.
    pub fn starts(&self, groups: &RfmGroups) -> Vec<Vec<f64>> {
        let rate = groups.mean_rate().max(1e-3 / groups.max_t().max(1e-300));
        let unit = 1.0 / self.scale;
        vec![
            vec![1.0, 1.0 / rate, 1.0, 3.0],
            vec![
                0.1f64.exp(),
                0.1f64.exp() * unit,
                0.1f64.exp(),
                0.1f64.exp(),
            ],
            vec![0.5, 0.5 / rate, 0.5, 5.0],
        ]
    }

    /// Σ w·ln L at `p` (scaled units), with the gradient of that sum in log-parameters.
    fn sum_log_lik(&self, p: Rab, grad: &mut [f64; 4]) -> f64 {
        let lv = &self.levels;
        let k = self.variant.k();
        // Per level of T (and of t_x): ln((α+T)/α) and its derivative in α. Taking ln α out
        // of the rows (it is summed per x level below) keeps the value exact when α is large.
        let ages = |ts: &[f64]| -> Vec<(f64, f64)> {
            ts.iter()
                .map(|&t| ((t / p.alpha).ln_1p(), -t / (p.alpha * (p.alpha + t))))
                .collect()
        };
        let (ln_t, ln_tx) = (ages(&lv.t), ages(&lv.t_x));
        // Per x level: r + x, whether the "died after the last purchase" term exists, its
        // constant ln a − ln(b+x+k−1), and d/db of that constant.
        let per_x: Vec<(f64, bool, f64, f64)> =
            lv.x.iter()
                .map(|&x| {
                    let bxk = p.b + x + k - 1.0;
                    (p.r + x, x + k > 0.0, p.a.ln() - bxk.ln(), -1.0 / bxk)
                })
                .collect();
        let (mut ll, mut g_r, mut g_alpha, mut g_a, mut g_b) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for row in &lv.rows {
            let (rx, has_death_term, c4, dc4_db) = per_x[row.x as usize];
            let (lt, it) = ln_t[row.t as usize];
            let a3 = -rx * lt;
            if !has_death_term {
                ll += row.w * a3;
                g_r -= row.w * lt;
                g_alpha -= row.w * rx * it;
                continue;
            }
            let (ltx, itx) = ln_tx[row.t_x as usize];
            let a4 = c4 - rx * ltx;
            // ln(e^a3 + e^a4) and the share p4 of the second term from one exponential, written
            // without branches (which term is larger is data-dependent and unpredictable).
            let diff = a4 - a3;
            let e = (-diff.abs()).exp();
            let l = a3.max(a4) + (1.0 + e).ln();
            let share_of_larger = 1.0 / (1.0 + e);
            let p4 = if diff >= 0.0 {
                share_of_larger
            } else {
                1.0 - share_of_larger
            };
            let p3 = 1.0 - p4;
            ll += row.w * l;
            g_r -= row.w * (p3 * lt + p4 * ltx);
            g_alpha -= row.w * rx * (p3 * it + p4 * itx);
            g_a += row.w * p4;
            g_b += row.w * p4 * dc4_db;
        }
        let ln_alpha = p.alpha.ln();
        for (&x, &w) in lv.x.iter().zip(&lv.x_weight) {
            let xk = x + k;
            ll += w
                * (ln_gamma_ratio(p.r, x) - x * ln_alpha + ln_gamma_ratio(p.b, xk)
                    - ln_gamma_ratio(p.a + p.b, xk));
            g_r += w * digamma_diff(p.r, x);
            g_alpha -= w * x / p.alpha;
            let psi_ab_diff = digamma_diff(p.a + p.b, xk);
            g_a -= w * psi_ab_diff * p.a;
            g_b += w * (digamma_diff(p.b, xk) - psi_ab_diff);
        }
        // Chain rule to log-parameters (g_a already carries its factor a).
        *grad = [g_r * p.r, g_alpha * p.alpha, g_a, g_b * p.b];
        ll
    }
}

fn rab(theta: &[f64]) -> Option<Rab> {
    let p = Rab {
        r: theta[0].exp(),
        alpha: theta[1].exp(),
        a: theta[2].exp(),
        b: theta[3].exp(),
    };
    let ok = [p.r, p.alpha, p.a, p.b]
        .iter()
        .all(|v| v.is_finite() && *v > 0.0);
    ok.then_some(p)
}

impl Objective for BgObjective {
    fn dim(&self) -> usize {
        4
    }

    fn value(&self, theta: &[f64]) -> f64 {
        let mut g = [0.0; 4];
        self.value_grad(theta, &mut g)
    }

    fn value_grad(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let Some(p) = rab(theta) else {
            return f64::INFINITY;
        };
        let mut g = [0.0; 4];
        let ll = self.sum_log_lik(p, &mut g);
        let w = self.levels.total_weight;
        let squares = [p.r * p.r, p.alpha * p.alpha, p.a * p.a, p.b * p.b];
        for i in 0..4 {
            // d/dθ of c·e^{2θ} is 2c·e^{2θ}.
            grad[i] = -g[i] / w + 2.0 * self.penalizer * squares[i];
        }
        -ll / w + self.penalizer * squares.iter().sum::<f64>()
    }

    fn exact_gradient(&self) -> bool {
        true
    }
}

impl Problem for BgObjective {
    fn log_likelihood(&self, theta: &[f64]) -> f64 {
        rab(theta).map_or(f64::NAN, |p| {
            self.sum_log_lik(p, &mut [0.0; 4]) + self.weighted_frequency * self.scale.ln()
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
            theta[3].exp(),
        ]
    }

    fn to_theta(&self, params: &[f64]) -> Vec<f64> {
        vec![
            params[0].ln(),
            (params[1] * self.scale).ln(),
            params[2].ln(),
            params[3].ln(),
        ]
    }
}

/// `ln P(dead) − ln P(alive)` for a customer with `x + k > 0`:
/// `ln a − ln(b+x+k−1) + (r+x) ln((α+T)/(α+t_x))`.
fn log_odds_dead(p: Rab, k: f64, x: f64, t_x: f64, t: f64) -> f64 {
    p.a.ln() - (p.b + x + k - 1.0).ln() + (p.r + x) * ((t - t_x) / (p.alpha + t_x)).ln_1p()
}

/// The individual log-likelihood (module docs), the same arithmetic as the fit's.
pub(crate) fn log_likelihood(p: Rab, variant: Variant, x: f64, t_x: f64, t: f64) -> Result<f64> {
    check_customer(x, t_x, t)?;
    let k = variant.k();
    let rx = p.r + x;
    let constant = ln_gamma_ratio(p.r, x) - x * p.alpha.ln() + ln_gamma_ratio(p.b, x + k)
        - ln_gamma_ratio(p.a + p.b, x + k);
    let alive = -rx * (t / p.alpha).ln_1p();
    if x + k == 0.0 {
        return Ok(constant + alive);
    }
    let dead = p.a.ln() - (p.b + x + k - 1.0).ln() - rx * (t_x / p.alpha).ln_1p();
    let (hi, lo) = if alive >= dead {
        (alive, dead)
    } else {
        (dead, alive)
    };
    Ok(constant + hi + (lo - hi).exp().ln_1p())
}

/// P(alive | x, t_x, T) (Fader, Hardie & Lee 2008, note 021 for BG/NBD; Batislam et al. for
/// MBG/NBD): `1 / (1 + [x+k>0] · a/(b+x+k−1) · ((α+T)/(α+t_x))^(r+x))`.
pub(crate) fn p_alive(p: Rab, variant: Variant, x: f64, t_x: f64, t: f64) -> Result<f64> {
    check_customer(x, t_x, t)?;
    let k = variant.k();
    if x + k == 0.0 {
        return Ok(1.0);
    }
    Ok(logistic(-log_odds_dead(p, k, x, t_x, t)))
}

/// E[purchases in (T, T+h] | x, t_x, T] (FHL 2005 eq. 10; Batislam et al. for MBG/NBD).
///
/// With `c₀ = a+b−1+k` and `z = h/(α+T+h)`, the published form is
/// `(c₀+x)/(a−1) · [1 − (1−z)^(r+x) ₂F₁(r+x, b+x+k; c₀+x; z)] · P(alive)`. The Euler
/// transformation `₂F₁(A,B;C;z) = (1−z)^(C−A−B) ₂F₁(C−A, C−B; C; z)` (Fader & Hardie 2013,
/// the "#NUM!" note) turns the bracket into `1 − (1−z)^(a−1) ₂F₁(c₀−r, a−1; c₀+x; z)`, whose
/// series does not blow up for large `x`; `exp_m1`/`ln_1p` keep it exact for small `h`.
pub(crate) fn expected_purchases(
    p: Rab,
    variant: Variant,
    h: f64,
    x: f64,
    t_x: f64,
    t: f64,
) -> Result<f64> {
    check_customer(x, t_x, t)?;
    check_horizon(h)?;
    let alive = p_alive(p, variant, x, t_x, t)?;
    let c0 = p.a + p.b - 1.0 + variant.k();
    let bracket_over = |a: f64| -> f64 {
        let ln_1mz = -(h / (p.alpha + t)).ln_1p();
        let s = hyp2f1_series_m1(c0 - p.r, a - 1.0, c0 + x, h / (p.alpha + t + h));
        -((a - 1.0) * ln_1mz + s.ln_1p()).exp_m1() / (a - 1.0)
    };
    // At a = 1 the bracket and (a − 1) vanish together: near it, interpolate linearly between
    // the neighbours a = 1 ± δ (error O(δ²)) instead of dividing rounding noise by a − 1.
    const DELTA: f64 = 1e-6;
    let ratio = if (p.a - 1.0).abs() < DELTA {
        let (below, above) = (bracket_over(1.0 - DELTA), bracket_over(1.0 + DELTA));
        below + (p.a - (1.0 - DELTA)) / (2.0 * DELTA) * (above - below)
    } else {
        bracket_over(p.a)
    };
    let value = (c0 + x) * ratio * alive;
    if value.is_finite() {
        Ok(value.max(0.0))
    } else {
        Err(Error::InvalidArgument(format!(
            "expected purchases are not finite for horizon {h} (x = {x}, t_x = {t_x}, T = {t}); the horizon may be too long for these parameters"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::btyd::RfmData;

    #[test]
    fn analytic_gradient_matches_finite_differences() {
        let x = [0.0, 1.0, 3.0, 12.0, 2.0, 0.0];
        let tx = [0.0, 4.5, 20.0, 38.0, 1.0, 0.0];
        let t = [10.0, 39.0, 39.0, 39.0, 25.0, 39.0];
        let groups = RfmGroups::from_data(&RfmData::new(&x, &tx, &t)).unwrap();
        for variant in [Variant::BetaGeo, Variant::Modified] {
            let objective = BgObjective::new(&groups, variant, 0.01);
            for theta in [[-0.5, 0.3, 0.2, -1.0], [0.4, -2.0, -0.3, 1.5]] {
                let mut grad = [0.0; 4];
                objective.value_grad(&theta, &mut grad);
                for i in 0..4 {
                    let h = 1e-6;
                    let (mut up, mut down) = (theta, theta);
                    up[i] += h;
                    down[i] -= h;
                    let fd = (objective.value(&up) - objective.value(&down)) / (2.0 * h);
                    assert!(
                        (grad[i] - fd).abs() < 1e-7 * (1.0 + fd.abs()),
                        "{variant:?} {theta:?} {i}: {} vs {fd}",
                        grad[i]
                    );
                }
            }
        }
    }

    #[test]
    fn expectation_is_continuous_at_a_equal_one() {
        let p = |a: f64| Rab {
            r: 0.7,
            alpha: 5.0,
            a,
            b: 2.5,
        };
        let at =
            |a: f64| expected_purchases(p(a), Variant::BetaGeo, 20.0, 3.0, 15.0, 30.0).unwrap();
        let (below, exact, above) = (at(1.0 - 1e-4), at(1.0), at(1.0 + 1e-4));
        assert!(
            (exact - 0.5 * (below + above)).abs() < 1e-7,
            "{below} {exact} {above}"
        );
    }
}
