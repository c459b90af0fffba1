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

use super::data::{check_customer, Levels, RfmGroups, Row};
use super::fit::{check_horizon, Problem};
use super::optimize::Objective;
use super::special::{digamma_diff, hyp2f1_series_m1, ln_gamma_ratio, logistic, trigamma_diff};
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
/// times scaled by `scale`, with its exact gradient and Hessian.
pub(crate) struct BgObjective {
    levels: Levels,
    variant: Variant,
    penalizer: f64,
    scale: f64,
    /// Σ w·x: the log-likelihood changes by −x·ln(scale) per customer under time scaling,
    /// and its `−x ln α` terms sum to `−Σ w·x · ln α`.
    weighted_frequency: f64,
    /// Per level of `T`: Σ w and Σ w·x over the patterns with that `T`, which is all the
    /// "alive" term `−(r+x) ln(1+T/α)` of the likelihood needs.
    t_weight: Vec<f64>,
    t_weight_x: Vec<f64>,
    /// The patterns with `x + k > 0`, whose likelihood also has the "died after the last
    /// purchase" term, in runs of equal `x`.
    mixed: Vec<Mixed>,
    /// The runs of `mixed`: (`x` level, end index).
    runs: Vec<(usize, usize)>,
}

/// A pattern of [`BgObjective::mixed`]: its levels of `T` and `t_x`, and its weight.
#[derive(Clone, Copy)]
struct Mixed {
    t: u32,
    t_x: u32,
    w: f64,
}

/// How much of the derivatives an evaluation computes (a const parameter, so that the
/// unused parts compile away).
const VALUE: u8 = 0;
const GRADIENT: u8 = 1;
const HESSIAN: u8 = 2;

/// Per level of `T` or `t_x` (scaled), at α: `ln(1 + T/α)` and its first and second
/// derivatives in `ln α`: `−T/(α+T)` and `αT/(α+T)²`.
#[derive(Clone, Copy, Default)]
struct Age {
    ln: f64,
    d1: f64,
    d2: f64,
}

impl BgObjective {
    pub fn new(groups: &RfmGroups, variant: Variant, penalizer: f64) -> Self {
        let scale = 1.0 / groups.max_t().max(f64::MIN_POSITIVE);
        let levels = Levels::new(groups, scale);
        let k = variant.k();
        let mut t_weight = vec![0.0; levels.t.len()];
        let mut t_weight_x = vec![0.0; levels.t.len()];
        let mut rows: Vec<Row> = Vec::with_capacity(levels.rows.len());
        for row in &levels.rows {
            let x = levels.x[row.x as usize];
            t_weight[row.t as usize] += row.w;
            t_weight_x[row.t as usize] += row.w * x;
            if x + k > 0.0 {
                rows.push(*row);
            }
        }
        // Groups are sorted by frequency first, so this only checks that they are.
        rows.sort_by_key(|row| row.x);
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            match runs.last_mut() {
                Some((x, end)) if *x == row.x as usize => *end = i + 1,
                _ => runs.push((row.x as usize, i + 1)),
            }
        }
        let mixed = rows
            .iter()
            .map(|row| Mixed {
                t: row.t,
                t_x: row.t_x,
                w: row.w,
            })
            .collect();
        BgObjective {
            weighted_frequency: t_weight_x.iter().sum(),
            levels,
            variant,
            penalizer,
            scale,
            t_weight,
            t_weight_x,
            mixed,
            runs,
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

    /// Σ w·ln L at `p` (scaled units); for `ORDER ≥ GRADIENT` its gradient in the
    /// log-parameters `θ = ln(r, α, a, b)` in `grad`, for `ORDER = HESSIAN` also its Hessian
    /// in `θ` (row-major) in `hess`.
    ///
    /// Per pattern `ℓ = ln(e^A + [x+k>0]·e^D)` with `A = −(r+x) ln(1+T/α)` (alive) and
    /// `D = ln a − ln(b+x+k−1) − (r+x) ln(1+t_x/α)` (died after the last purchase). With
    /// `p_D = 1/(1 + e^(A−D))` the share of the second term, `ℓ = A + ln(1 + e^(D−A))`,
    /// `∇ℓ = ∇A + p_D ∇(D−A)` and `∇²ℓ = ∇²A + p_D ∇²(D−A) + p_A p_D ∇(D−A) ∇(D−A)ᵀ`. The
    /// `A` parts are sums over the levels of `T`; the pattern loop only forms `D − A`, one
    /// exponential and the `p_D`-weighted sums, which are combined with the factors that
    /// depend on `x` alone once per run of equal `x`.
    fn sum_log_lik<const ORDER: u8>(
        &self,
        p: Rab,
        grad: &mut [f64; 4],
        hess: &mut [f64; 16],
    ) -> f64 {
        let lv = &self.levels;
        let k = self.variant.k();
        let ages = |ts: &[f64]| -> Vec<Age> {
            ts.iter()
                .map(|&t| {
                    let ln = (t / p.alpha).ln_1p();
                    if ORDER == VALUE {
                        return Age {
                            ln,
                            d1: 0.0,
                            d2: 0.0,
                        };
                    }
                    let inv = 1.0 / (p.alpha + t);
                    Age {
                        ln,
                        d1: -t * inv,
                        d2: p.alpha * t * inv * inv,
                    }
                })
                .collect()
        };
        let (age_t, age_tx) = (ages(&lv.t), ages(&lv.t_x));
        // Sums over the patterns (weights w) of: ln(1+T/α) mixed by the shares (L), its
        // first ln α-derivative mixed likewise (J), (r+x)·J, (r+x)·(second derivative mixed);
        // p_D; p_D·∂_b D; p_D·∂²_b D.
        let (mut ll, mut s_l, mut s_j, mut s_rxj, mut s_rxjj) = (0.0, 0.0, 0.0, 0.0, 0.0);
        let (mut s_p, mut s_pe, mut s_pee) = (0.0, 0.0, 0.0);
        // With q = w·p_A·p_D, δl = ln(1+t_x/α) − ln(1+T/α), δj = (r+x)·(its ln α-derivative),
        // e = ∂_b D: Σ q·(δl², δl·δj, δj², δl, δj, 1, e, δl·e, δj·e, e²).
        let mut q_sums = [0.0; 10];
        // The alive term of every pattern, per level of T.
        for ((age, &w), &wx) in age_t.iter().zip(&self.t_weight).zip(&self.t_weight_x) {
            let rx_w = p.r * w + wx; // Σ w·(r+x)
            ll -= rx_w * age.ln;
            if ORDER >= GRADIENT {
                s_l += w * age.ln;
                s_j += w * age.d1;
                s_rxj += rx_w * age.d1;
            }
            if ORDER == HESSIAN {
                s_rxjj += rx_w * age.d2;
            }
        }
        // ln(1 + e^(D−A)) = max(0, D−A) + ln(1 + e), e = e^−|D−A| ≤ 1: the logarithms of the
        // patterns of weight 1 (most of them, on customer data) are taken of their product,
        // one per `PRODUCT_BLOCK` patterns (each factor is at most 2, so the product cannot
        // overflow). A product rounds as a logarithm would, so no precision is lost.
        const PRODUCT_BLOCK: usize = 1000;
        let (mut product, mut in_product) = (1.0f64, 0);
        let mut start = 0;
        for &(xi, end) in &self.runs {
            let x = lv.x[xi];
            let rx = p.r + x;
            let m = x + k - 1.0;
            let bxk = p.b + m;
            let c4 = p.a.ln() - bxk.ln();
            // ∂_b and ∂²_b (in ln b) of D.
            let eb = -p.b / bxk;
            let deb = eb * m / bxk;
            // Per run: Σ w·p_D·(1, δl, δd1, δd2) and Σ q·(1, δl, δd1, δl², δl·δd1, δd1²), with
            // δd1, δd2 the differences of the first and second ln α-derivatives.
            let (mut sp, mut spl, mut spj, mut spj2) = (0.0, 0.0, 0.0, 0.0);
            let (mut q1, mut ql, mut qj, mut qll, mut qlj, mut qjj) =
                (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
            for row in &self.mixed[start..end] {
                let at = age_t[row.t as usize];
                let atx = age_tx[row.t_x as usize];
                let dl = atx.ln - at.ln;
                let diff = c4 - rx * dl;
                let e = (-diff.abs()).exp();
                ll += row.w * diff.max(0.0);
                if row.w == 1.0 {
                    product *= 1.0 + e;
                    in_product += 1;
                    if in_product == PRODUCT_BLOCK {
                        ll += product.ln();
                        (product, in_product) = (1.0, 0);
                    }
                } else {
                    ll += row.w * (1.0 + e).ln();
                }
                if ORDER == VALUE {
                    continue;
                }
                // The shares of the larger and the smaller term, without branches.
                let larger = 1.0 / (1.0 + e);
                let smaller = e * larger;
                let p4 = if diff >= 0.0 { larger } else { smaller };
                let wp = row.w * p4;
                let dd1 = atx.d1 - at.d1;
                sp += wp;
                spl += wp * dl;
                spj += wp * dd1;
                if ORDER == HESSIAN {
                    spj2 += wp * (atx.d2 - at.d2);
                    let q = row.w * larger * smaller;
                    q1 += q;
                    ql += q * dl;
                    qj += q * dd1;
                    qll += q * dl * dl;
                    qlj += q * dl * dd1;
                    qjj += q * dd1 * dd1;
                }
            }
            start = end;
            if ORDER == VALUE {
                continue;
            }
            s_p += sp;
            s_pe += eb * sp;
            s_l += spl;
            s_j += spj;
            s_rxj += rx * spj;
            if ORDER == HESSIAN {
                s_pee += deb * sp;
                s_rxjj += rx * spj2;
                let run = [
                    qll,
                    rx * qlj,
                    rx * rx * qjj,
                    ql,
                    rx * qj,
                    q1,
                    eb * q1,
                    eb * ql,
                    eb * rx * qj,
                    eb * eb * q1,
                ];
                for (total, v) in q_sums.iter_mut().zip(run) {
                    *total += v;
                }
            }
        }
        ll += product.ln();
        // The pattern-independent part per x level: ln Γ(r+x)/Γ(r) + ln B(a, b+x+k) − ln B(a, b)
        // (as Γ ratios) and −x ln α, the latter summed once over all customers.
        ll -= self.weighted_frequency * p.alpha.ln();
        let (mut c_r, mut c_a, mut c_b) = (0.0, 0.0, 0.0);
        let (mut c_rr, mut c_aa, mut c_bb) = (0.0, 0.0, 0.0);
        for (&x, &w) in lv.x.iter().zip(&lv.x_weight) {
            let xk = x + k;
            ll += w
                * (ln_gamma_ratio(p.r, x) + ln_gamma_ratio(p.b, xk)
                    - ln_gamma_ratio(p.a + p.b, xk));
            if ORDER == VALUE {
                continue;
            }
            let (psi_r, psi_b, psi_ab) = (
                digamma_diff(p.r, x),
                digamma_diff(p.b, xk),
                digamma_diff(p.a + p.b, xk),
            );
            c_r += w * psi_r;
            c_a -= w * psi_ab;
            c_b += w * (psi_b - psi_ab);
            if ORDER == HESSIAN {
                let tri_ab = trigamma_diff(p.a + p.b, xk);
                c_rr += w * trigamma_diff(p.r, x);
                c_aa -= w * tri_ab;
                c_bb += w * (trigamma_diff(p.b, xk) - tri_ab);
            }
        }
        if ORDER == VALUE {
            return ll;
        }
        let (r, a, b) = (p.r, p.a, p.b);
        // In θ, ∂_θ = v·∂_v for v = r, a, b (the ages are already in ln α), so the Γ-ratio
        // terms f(v) contribute v·f′ and v·f′ + v²·f″.
        *grad = [
            -r * s_l + r * c_r,
            -s_rxj - self.weighted_frequency,
            s_p + a * c_a,
            s_pe + b * c_b,
        ];
        if ORDER == HESSIAN {
            let [qll, qlj, qjj, ql, qj, q1, qe, qle, qje, qee] = q_sums;
            let h_rr = -r * s_l + r * r * qll + r * c_r + r * r * c_rr;
            let h_r_alpha = -r * s_j + r * qlj;
            let h_alpha_alpha = -s_rxjj + qjj;
            let (h_r_a, h_r_b) = (-r * ql, -r * qle);
            let (h_alpha_a, h_alpha_b) = (-qj, -qje);
            let h_aa = q1 + a * c_a + a * a * c_aa;
            let h_ab = qe + a * b * c_aa;
            let h_bb = s_pee + qee + b * c_b + b * b * c_bb;
            *hess = [
                h_rr,
                h_r_alpha,
                h_r_a,
                h_r_b, //
                h_r_alpha,
                h_alpha_alpha,
                h_alpha_a,
                h_alpha_b, //
                h_r_a,
                h_alpha_a,
                h_aa,
                h_ab, //
                h_r_b,
                h_alpha_b,
                h_ab,
                h_bb,
            ];
        }
        ll
    }

    /// The objective (mean negative log-likelihood plus penalty) from [`Self::sum_log_lik`].
    fn evaluate<const ORDER: u8>(&self, theta: &[f64], grad: &mut [f64], hess: &mut [f64]) -> f64 {
        let Some(p) = rab(theta) else {
            return f64::INFINITY;
        };
        let (mut g, mut h) = ([0.0; 4], [0.0; 16]);
        let ll = self.sum_log_lik::<ORDER>(p, &mut g, &mut h);
        let w = self.levels.total_weight;
        let squares = [p.r * p.r, p.alpha * p.alpha, p.a * p.a, p.b * p.b];
        if ORDER >= GRADIENT {
            for i in 0..4 {
                // d/dθ of c·e^{2θ} is 2c·e^{2θ}, and the second derivative 4c·e^{2θ}.
                grad[i] = -g[i] / w + 2.0 * self.penalizer * squares[i];
            }
        }
        if ORDER == HESSIAN {
            for i in 0..16 {
                hess[i] = -h[i] / w;
            }
            for i in 0..4 {
                hess[i * 5] += 4.0 * self.penalizer * squares[i];
            }
        }
        -ll / w + self.penalizer * squares.iter().sum::<f64>()
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
        self.evaluate::<VALUE>(theta, &mut [], &mut [])
    }

    fn value_grad(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        self.evaluate::<GRADIENT>(theta, grad, &mut [])
    }

    fn exact_gradient(&self) -> bool {
        true
    }

    fn value_grad_hess(&self, theta: &[f64], grad: &mut [f64], hess: &mut [f64]) -> Option<f64> {
        Some(self.evaluate::<HESSIAN>(theta, grad, hess))
    }
}

impl Problem for BgObjective {
    fn log_likelihood(&self, theta: &[f64]) -> f64 {
        rab(theta).map_or(f64::NAN, |p| {
            self.sum_log_lik::<VALUE>(p, &mut [0.0; 4], &mut [0.0; 16])
                + self.weighted_frequency * self.scale.ln()
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
    fn analytic_hessian_matches_differences_of_the_gradient() {
        // Frequencies past 32 take the digamma/trigamma branch of the Γ-ratio derivatives.
        let x = [0.0, 1.0, 3.0, 12.0, 2.0, 0.0, 40.0];
        let tx = [0.0, 4.5, 20.0, 38.0, 1.0, 0.0, 37.0];
        let t = [10.0, 39.0, 39.0, 39.0, 25.0, 39.0, 39.0];
        let groups = RfmGroups::from_data(&RfmData::new(&x, &tx, &t)).unwrap();
        for variant in [Variant::BetaGeo, Variant::Modified] {
            let objective = BgObjective::new(&groups, variant, 0.01);
            for theta in [
                [-0.5, 0.3, 0.2, -1.0],
                [0.4, -2.0, -0.3, 1.5],
                [1.2, 1.0, 2.0, 3.0],
            ] {
                let (mut grad, mut hess) = ([0.0; 4], [0.0; 16]);
                let value = objective
                    .value_grad_hess(&theta, &mut grad, &mut hess)
                    .unwrap();
                let mut plain = [0.0; 4];
                assert_eq!(value, objective.value_grad(&theta, &mut plain));
                assert_eq!(value, objective.value(&theta));
                assert_eq!(grad, plain);
                for j in 0..4 {
                    let h = 1e-6;
                    let (mut up, mut down) = (theta, theta);
                    up[j] += h;
                    down[j] -= h;
                    let (mut g_up, mut g_down) = ([0.0; 4], [0.0; 4]);
                    objective.value_grad(&up, &mut g_up);
                    objective.value_grad(&down, &mut g_down);
                    for i in 0..4 {
                        let fd = (g_up[i] - g_down[i]) / (2.0 * h);
                        assert!(
                            (hess[i * 4 + j] - fd).abs() < 1e-6 * (1.0 + fd.abs()),
                            "{variant:?} {theta:?} ({i}, {j}): {} vs {fd}",
                            hess[i * 4 + j]
                        );
                    }
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
