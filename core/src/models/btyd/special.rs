//! Special functions the models need, written for the argument ranges they meet.
//!
//! Owns: `ln Γ`, digamma, the logistic function, and two Gauss hypergeometric functions:
//! a continued fraction for `₂F₁(1, b; c; z)` (Pareto/NBD likelihood) and a plain series for
//! `₂F₁(a, b; c; z) − 1` (BG/NBD conditional expectations). Only what the models call, for
//! `z ∈ [0, 1)`; nothing here is a general-purpose special-function library.

use super::dual::Real;

/// Below this, `ln Γ` and digamma shift their argument up by recurrence before using Stirling.
const ASYMPTOTIC_FROM: f64 = 10.0;

/// `ln Γ(x)` for `x > 0` (returns `+∞` at 0 and `NaN` below), absolute error below ~1e-15
/// near the zeros at 1 and 2 and relative error below ~1e-15 elsewhere.
///
/// Recurrence `Γ(x) = Γ(x + n) / (x (x+1) … (x+n−1))` lifts small arguments to where Stirling's
/// series with seven Bernoulli terms is accurate to machine precision.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::INFINITY;
    }
    let mut x = x;
    let mut product = 1.0;
    while x < ASYMPTOTIC_FROM {
        product *= x;
        x += 1.0;
    }
    stirling_ln_gamma(x) - product.ln()
}

/// Stirling's series for `ln Γ(x)`, `x ≥ 10`.
fn stirling_ln_gamma(x: f64) -> f64 {
    const HALF_LN_2PI: f64 = 0.918_938_533_204_672_8;
    (x - 0.5) * x.ln() - x + HALF_LN_2PI + stirling_tail(x)
}

/// The Bernoulli tail of Stirling's series, `ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π]`, `x ≥ 10`.
fn stirling_tail(x: f64) -> f64 {
    // B_{2k} / (2k (2k-1)) for k = 1..7.
    const C: [f64; 7] = [
        1.0 / 12.0,
        -1.0 / 360.0,
        1.0 / 1260.0,
        -1.0 / 1680.0,
        1.0 / 1188.0,
        -691.0 / 360_360.0,
        1.0 / 156.0,
    ];
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    inv * (C[0]
        + inv2
            * (C[1] + inv2 * (C[2] + inv2 * (C[3] + inv2 * (C[4] + inv2 * (C[5] + inv2 * C[6]))))))
}

/// `ln Γ(z + n) − ln Γ(z)` for `z > 0`, `n ≥ 0`, without the cancellation of the plain
/// difference when `z` is large: at `z = 5·10⁶` each `ln Γ` is ~7·10⁷ and the difference
/// would keep only ~1e-8 of absolute precision, enough to stall an optimiser on a ridge where
/// a shape parameter runs off to infinity. For `z ≥ 10` it uses
/// `(z − ½) ln(1 + n/z) + n ln(z + n) − n` plus the difference of the Stirling tails.
pub(crate) fn ln_gamma_ratio(z: f64, n: f64) -> f64 {
    if n == 0.0 {
        return 0.0;
    }
    if is_small_whole(n) && z < 1e8 {
        // Γ(z+n)/Γ(z) = z (z+1) … (z+n−1): one logarithm, exact to a few ulps.
        return (0..n as u32)
            .map(|j| z + f64::from(j))
            .product::<f64>()
            .ln();
    }
    if z < ASYMPTOTIC_FROM {
        return ln_gamma(z + n) - ln_gamma(z);
    }
    (z - 0.5) * (n / z).ln_1p() + n * (z + n).ln() - n + (stirling_tail(z + n) - stirling_tail(z))
}

/// Whether `n` is a whole number small enough for the finite products and sums of
/// [`ln_gamma_ratio`] and [`digamma_diff`] (the frequencies of most customers).
fn is_small_whole(n: f64) -> bool {
    (0.0..=32.0).contains(&n) && n.fract() == 0.0
}

/// `ψ(z + n) − ψ(z)` for `z > 0`, `n ≥ 0`: the finite sum `Σ 1/(z+j)` for small whole `n`,
/// the difference of digammas otherwise.
pub(crate) fn digamma_diff(z: f64, n: f64) -> f64 {
    if is_small_whole(n) {
        (0..n as u32).map(|j| 1.0 / (z + f64::from(j))).sum()
    } else {
        digamma(z + n) - digamma(z)
    }
}

/// Digamma `ψ(x) = d/dx ln Γ(x)` for `x > 0`.
pub(crate) fn digamma(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    let mut x = x;
    let mut shift = 0.0;
    while x < ASYMPTOTIC_FROM {
        shift += 1.0 / x;
        x += 1.0;
    }
    // B_{2k} / (2k) for k = 1..6.
    const C: [f64; 6] = [
        1.0 / 12.0,
        -1.0 / 120.0,
        1.0 / 252.0,
        -1.0 / 240.0,
        1.0 / 132.0,
        -691.0 / 32760.0,
    ];
    let inv2 = 1.0 / (x * x);
    let series =
        inv2 * (C[0] + inv2 * (C[1] + inv2 * (C[2] + inv2 * (C[3] + inv2 * (C[4] + inv2 * C[5])))));
    x.ln() - 0.5 / x - series - shift
}

/// `ψ′(z + n) − ψ′(z)` (trigamma) for `z > 0`, `n ≥ 0`: `−Σ 1/(z+j)²` for small whole `n`,
/// the difference of trigammas otherwise. The second derivative of [`ln_gamma_ratio`] in `z`.
pub(crate) fn trigamma_diff(z: f64, n: f64) -> f64 {
    if is_small_whole(n) {
        -(0..n as u32)
            .map(|j| {
                let v = z + f64::from(j);
                1.0 / (v * v)
            })
            .sum::<f64>()
    } else {
        trigamma(z + n) - trigamma(z)
    }
}

/// Trigamma `ψ′(x)` for `x > 0`: recurrence up to 10, then the asymptotic series
/// `1/x + 1/(2x²) + Σ B_{2k}/x^{2k+1}` (relative error below ~1e-15).
pub(crate) fn trigamma(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::INFINITY;
    }
    let mut x = x;
    let mut shift = 0.0;
    while x < ASYMPTOTIC_FROM {
        shift += 1.0 / (x * x);
        x += 1.0;
    }
    // B_{2k} for k = 1..7.
    const B: [f64; 7] = [
        1.0 / 6.0,
        -1.0 / 30.0,
        1.0 / 42.0,
        -1.0 / 30.0,
        5.0 / 66.0,
        -691.0 / 2730.0,
        7.0 / 6.0,
    ];
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    let series = inv2
        * inv
        * (B[0]
            + inv2
                * (B[1]
                    + inv2 * (B[2] + inv2 * (B[3] + inv2 * (B[4] + inv2 * (B[5] + inv2 * B[6]))))));
    inv + 0.5 * inv2 + series + shift
}

/// The logistic function `1 / (1 + e⁻ˣ)`, accurate in both tails.
pub(crate) fn logistic(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// Iteration cap of the hypergeometric routines; reaching it returns `NaN`.
const MAX_TERMS: usize = 1_000_000;

/// `₂F₁(1, b; c; z)` for `0 < b < c`, `c > 1` and `0 ≤ z < 1`, by Gauss's continued fraction.
///
/// This is the function behind the incomplete beta function (`B_z(p, q) = zᵖ (1−z)^q / p ·
/// ₂F₁(1, p+q; p+1; z)`), evaluated with the modified Lentz algorithm. Unlike the power series,
/// whose terms decay like `zⁿ` and need ~`37/(1−z)` terms near `z = 1`, the fraction needs
/// ~`1/√(1−z)` steps and has no cancellation (all series terms are positive, and so is the
/// result, which is at least 1). Returns `NaN` outside the domain or without convergence.
pub(crate) fn hyp2f1_one_b_c<T: Real>(b: T, c: T, z: T) -> T {
    let (bv, cv, zv) = (b.value(), c.value(), z.value());
    if !(bv > 0.0 && cv > 1.0 && bv < cv && (0.0..1.0).contains(&zv)) {
        return T::constant(f64::NAN);
    }
    if zv == 0.0 {
        // 1 + (b/c)·z: the value 1 with the right first derivatives (α = β in Pareto/NBD).
        return T::constant(1.0) + b * z / c;
    }
    // In the incomplete-beta notation of the fraction: p = c − 1, q = b − p.
    let p = c - 1.0;
    let q = b - p;
    const TINY: f64 = 1e-300;
    let guard = |v: T| {
        if v.value().abs() < TINY {
            T::constant(TINY)
        } else {
            v
        }
    };
    let one = T::constant(1.0);
    let mut c_l = one;
    let mut d_l = one / guard(one - b * z / c);
    let mut h = d_l;
    for m in 1..MAX_TERMS {
        let m = m as f64;
        let m2 = 2.0 * m;
        let even = (q - m) * z * m / ((p + (m2 - 1.0)) * (p + m2));
        d_l = one / guard(one + even * d_l);
        c_l = guard(one + even / c_l);
        h = h * d_l * c_l;
        let odd = -((p + m) * (b + m) * z) / ((p + m2) * (p + (m2 + 1.0)));
        d_l = one / guard(one + odd * d_l);
        c_l = guard(one + odd / c_l);
        let delta = d_l * c_l;
        h = h * delta;
        if delta.settled(1e-16) {
            return h;
        }
    }
    T::constant(f64::NAN)
}

/// `₂F₁(a, b; c; z) − 1` for `0 ≤ z < 1` by the power series, returned without the leading 1
/// so that callers can form `1 − (1−z)ᵏ ₂F₁` with `ln_1p`/`exp_m1` and keep full precision for
/// small `z`. `c` must not be zero or a negative integer. Returns `NaN` without convergence
/// (only for `z` extremely close to 1).
pub(crate) fn hyp2f1_series_m1(a: f64, b: f64, c: f64, z: f64) -> f64 {
    if !(0.0..1.0).contains(&z) || !a.is_finite() || !b.is_finite() || !c.is_finite() {
        return f64::NAN;
    }
    let mut term = 1.0;
    let mut sum = 0.0;
    for n in 0..MAX_TERMS {
        let n = n as f64;
        let denom = (c + n) * (n + 1.0);
        if denom == 0.0 {
            return f64::NAN;
        }
        term *= (a + n) * (b + n) / denom * z;
        sum += term;
        // Once n exceeds |a|, |b| and |c| the ratio of successive terms is below 1 and tends
        // to z, so the tail is bounded by |term| z / (1 − z) · (a slowly varying factor).
        let settled = n > a.abs() + b.abs() + c.abs();
        if term == 0.0 || (settled && term.abs() <= 1e-17 * (1.0 + sum).abs() * (1.0 - z)) {
            return sum;
        }
    }
    f64::NAN
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn ln_gamma_matches_known_values() {
        assert!(ln_gamma(1.0).abs() < 4e-15);
        assert!(ln_gamma(2.0).abs() < 4e-15);
        assert!(close(ln_gamma(0.5), 0.5 * PI.ln(), 1e-14));
        assert!(close(ln_gamma(10.0), 362_880f64.ln(), 1e-14));
        assert!(close(ln_gamma(0.243), 1.318_043_584_699_669_9, 1e-14));
        assert!(close(ln_gamma(1e-8), 18.420_680_738_180_21, 1e-14));
        assert!(close(ln_gamma(1234.5), 7_550.550_901_077_895, 1e-14));
    }

    #[test]
    fn ln_gamma_ratio_is_precise_for_large_arguments() {
        assert_eq!(ln_gamma_ratio(3.0, 0.0), 0.0);
        assert!(close(
            ln_gamma_ratio(2.5, 3.0),
            ln_gamma(5.5) - ln_gamma(2.5),
            1e-14
        ));
        assert!(close(
            ln_gamma_ratio(12.0, 2.0),
            (12.0f64 * 13.0).ln(),
            1e-14
        ));
        // ln(z (z+1) (z+2)) at z = 5e6, where ln Γ(z) ≈ 7.2e7.
        let z = 5e6;
        assert!(close(
            ln_gamma_ratio(z, 3.0),
            z.ln() + (z + 1.0).ln() + (z + 2.0).ln(),
            1e-15
        ));
        // mpmath: loggamma(1e7 + 0.5) - loggamma(1e7).
        assert!(close(ln_gamma_ratio(1e7, 0.5), 8.059_047_812_979_16, 1e-14));
    }

    #[test]
    fn digamma_diff_matches_digamma() {
        for (z, n) in [
            (0.24, 3.0),
            (2.5, 31.0),
            (2.5, 33.0),
            (7.0, 0.0),
            (1e6, 5.0),
        ] {
            let want = digamma(z + n) - digamma(z);
            assert!(
                (digamma_diff(z, n) - want).abs() < 1e-12 * (1.0 + want.abs()),
                "{z} {n}"
            );
        }
    }

    #[test]
    fn trigamma_matches_known_values_and_digamma() {
        assert!(close(trigamma(1.0), PI * PI / 6.0, 1e-14));
        assert!(close(trigamma(0.5), PI * PI / 2.0, 1e-14));
        // The recurrence ψ′(x) = ψ′(x+1) + 1/x² across the switch to the series.
        for x in [9.5, 9.99, 10.0, 37.0] {
            assert!(close(trigamma(x), trigamma(x + 1.0) + 1.0 / (x * x), 1e-14));
        }
        for (z, n) in [
            (0.24, 3.0),
            (2.5, 31.0),
            (2.5, 33.0),
            (7.0, 0.0),
            (40.0, 2.5),
        ] {
            let h = 1e-5 * z;
            let fd = (digamma_diff(z + h, n) - digamma_diff(z - h, n)) / (2.0 * h);
            let got = trigamma_diff(z, n);
            assert!(
                (got - fd).abs() < 1e-7 * (1.0 + fd.abs()),
                "{z} {n}: {got} vs {fd}"
            );
        }
    }

    #[test]
    fn digamma_matches_known_values() {
        assert!(close(digamma(1.0), -0.577_215_664_901_532_9, 1e-14));
        assert!(close(digamma(0.5), -1.963_510_026_021_423_5, 1e-14));
        assert!(close(digamma(7.25), 1.910_453_526_883_736, 1e-14));
        // Derivative check against ln_gamma.
        for &x in &[0.3, 1.7, 4.4, 25.0] {
            let h = 1e-5;
            let fd = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
            assert!(close(digamma(x), fd, 1e-8), "x = {x}");
        }
    }

    #[test]
    fn continued_fraction_matches_mpmath() {
        // Reference values: mpmath.hyp2f1(1, b, c, z) at 40 digits.
        let cases = [
            (0.3, 1.5, 0.5, 1.139_769_678_219_755_3),
            (1.6, 2.2, 0.99, 14.432_900_301_528_792),
            (50.5, 51.2, 0.9, 9.024_724_850_037_535),
            (300.2, 300.8, 0.9999, 2_022.184_250_700_466_8),
            (0.6, 300.8, 0.999_999, 1.002_005_345_577_475_6),
        ];
        for (b, c, z, want) in cases {
            let got = hyp2f1_one_b_c::<f64>(b, c, z);
            assert!(
                close(got, want, 1e-11),
                "2F1(1,{b};{c};{z}) = {got}, want {want}"
            );
        }
        assert_eq!(hyp2f1_one_b_c::<f64>(0.5, 1.5, 0.0), 1.0);
        assert!(hyp2f1_one_b_c::<f64>(2.0, 1.5, 0.5).is_nan());
    }

    #[test]
    fn series_matches_closed_forms() {
        // 2F1(1, 1; 2; z) = −ln(1−z)/z.
        let z: f64 = 0.7;
        let want = -(1.0 - z).ln() / z - 1.0;
        assert!(close(hyp2f1_series_m1(1.0, 1.0, 2.0, z), want, 1e-14));
        // 2F1(a, b; b; z) = (1−z)^−a.
        let want = (1.0 - 0.3f64).powf(-2.5) - 1.0;
        assert!(close(hyp2f1_series_m1(2.5, 0.7, 0.7, 0.3), want, 1e-14));
        // Terminating series: 2F1(−2, b; c; z) is a polynomial.
        let (b, c, z) = (1.5, 2.5, 0.4);
        let want = -2.0 * b / c * z + (b * (b + 1.0)) / (c * (c + 1.0)) * z * z;
        assert!(close(hyp2f1_series_m1(-2.0, b, c, z), want, 1e-14));
    }
}
