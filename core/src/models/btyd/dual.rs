//! Forward-mode automatic differentiation with dual numbers, for the Pareto/NBD likelihood.
//!
//! Owns: [`Real`], the arithmetic the Pareto/NBD formulas are written in, implemented by `f64`
//! (predictions) and by [`Dual`] (a value with its four partial derivatives, for the fit's
//! exact gradient). The likelihood runs through a continued fraction whose derivatives with
//! respect to the parameters have no closed form; dual numbers carry them through the same
//! iterations at about four times the cost of the value alone, where finite differences cost
//! eight evaluations and lose half the digits.

use std::ops::{Add, Div, Mul, Neg, Sub};

/// The operations the Pareto/NBD formulas need. Comparisons and branches look at
/// [`value`](Real::value) only.
pub(crate) trait Real:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
{
    /// A constant (zero derivatives).
    fn constant(v: f64) -> Self;
    /// The value.
    fn value(self) -> f64;
    fn ln(self) -> Self;
    fn exp(self) -> Self;
    fn ln_1p(self) -> Self;
    /// Whether this step factor of a continued fraction has converged: value within `tol` of
    /// 1 and (for duals) derivatives within `tol` of 0.
    fn settled(self, tol: f64) -> bool;
}

impl Real for f64 {
    fn constant(v: f64) -> Self {
        v
    }
    fn value(self) -> f64 {
        self
    }
    fn ln(self) -> Self {
        f64::ln(self)
    }
    fn exp(self) -> Self {
        f64::exp(self)
    }
    fn ln_1p(self) -> Self {
        f64::ln_1p(self)
    }
    fn settled(self, tol: f64) -> bool {
        (self - 1.0).abs() < tol
    }
}

/// A value and its partial derivatives with respect to four inputs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Dual {
    pub v: f64,
    pub d: [f64; 4],
}

impl Dual {
    /// The input `i` with value `v` and derivative `dv` (e.g. `v` for a parameter `e^θ`
    /// differentiated with respect to `θ`).
    pub fn input(v: f64, i: usize, dv: f64) -> Self {
        let mut d = [0.0; 4];
        d[i] = dv;
        Dual { v, d }
    }

    /// `f(self)` given `f(v)` and `f'(v)` (the chain rule).
    fn chain(self, fv: f64, dfv: f64) -> Self {
        Dual {
            v: fv,
            d: self.d.map(|x| x * dfv),
        }
    }
}

impl Add for Dual {
    type Output = Dual;
    fn add(self, o: Dual) -> Dual {
        Dual {
            v: self.v + o.v,
            d: std::array::from_fn(|i| self.d[i] + o.d[i]),
        }
    }
}

impl Sub for Dual {
    type Output = Dual;
    fn sub(self, o: Dual) -> Dual {
        Dual {
            v: self.v - o.v,
            d: std::array::from_fn(|i| self.d[i] - o.d[i]),
        }
    }
}

impl Mul for Dual {
    type Output = Dual;
    // The product rule adds: not a typo.
    #[allow(clippy::suspicious_arithmetic_impl)]
    fn mul(self, o: Dual) -> Dual {
        Dual {
            v: self.v * o.v,
            d: std::array::from_fn(|i| self.d[i] * o.v + self.v * o.d[i]),
        }
    }
}

impl Div for Dual {
    type Output = Dual;
    // The quotient rule multiplies and subtracts: not a typo.
    #[allow(clippy::suspicious_arithmetic_impl)]
    fn div(self, o: Dual) -> Dual {
        let inv = 1.0 / o.v;
        let q = self.v * inv;
        Dual {
            v: q,
            d: std::array::from_fn(|i| (self.d[i] - q * o.d[i]) * inv),
        }
    }
}

impl Neg for Dual {
    type Output = Dual;
    fn neg(self) -> Dual {
        Dual {
            v: -self.v,
            d: self.d.map(|x| -x),
        }
    }
}

impl Add<f64> for Dual {
    type Output = Dual;
    fn add(self, o: f64) -> Dual {
        Dual {
            v: self.v + o,
            d: self.d,
        }
    }
}

impl Sub<f64> for Dual {
    type Output = Dual;
    fn sub(self, o: f64) -> Dual {
        Dual {
            v: self.v - o,
            d: self.d,
        }
    }
}

impl Mul<f64> for Dual {
    type Output = Dual;
    fn mul(self, o: f64) -> Dual {
        Dual {
            v: self.v * o,
            d: self.d.map(|x| x * o),
        }
    }
}

impl Div<f64> for Dual {
    type Output = Dual;
    fn div(self, o: f64) -> Dual {
        self * (1.0 / o)
    }
}

impl Real for Dual {
    fn constant(v: f64) -> Self {
        Dual { v, d: [0.0; 4] }
    }
    fn value(self) -> f64 {
        self.v
    }
    fn ln(self) -> Self {
        self.chain(self.v.ln(), 1.0 / self.v)
    }
    fn exp(self) -> Self {
        let e = self.v.exp();
        self.chain(e, e)
    }
    fn ln_1p(self) -> Self {
        self.chain(self.v.ln_1p(), 1.0 / (1.0 + self.v))
    }
    fn settled(self, tol: f64) -> bool {
        (self.v - 1.0).abs() < tol && self.d.iter().all(|x| x.abs() < tol)
    }
}

/// `ln(eᵃ + eᵇ)` for any [`Real`]; exact for a `−∞` value.
pub(crate) fn ln_add_exp<T: Real>(a: T, b: T) -> T {
    let (hi, lo) = if a.value() >= b.value() {
        (a, b)
    } else {
        (b, a)
    };
    if lo.value() == f64::NEG_INFINITY {
        return hi;
    }
    hi + (lo - hi).exp().ln_1p()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivatives_follow_the_chain_rule() {
        // f(x, y) = ln(1 + x/y) · exp(x) at (0.7, 1.9).
        let (x, y) = (Dual::input(0.7, 0, 1.0), Dual::input(1.9, 1, 1.0));
        let f = (x / y).ln_1p() * x.exp();
        let value = |x: f64, y: f64| (x / y).ln_1p() * x.exp();
        let h = 1e-6;
        let dx = (value(0.7 + h, 1.9) - value(0.7 - h, 1.9)) / (2.0 * h);
        let dy = (value(0.7, 1.9 + h) - value(0.7, 1.9 - h)) / (2.0 * h);
        assert!((f.v - value(0.7, 1.9)).abs() < 1e-15);
        assert!(
            (f.d[0] - dx).abs() < 1e-8 && (f.d[1] - dy).abs() < 1e-8,
            "{f:?} vs {dx}, {dy}"
        );
        let g = ln_add_exp(x * 3.0 - 1.0, -y + 0.5);
        let gv = |x: f64, y: f64| ((3.0 * x - 1.0).exp() + (0.5 - y).exp()).ln();
        let gx = (gv(0.7 + h, 1.9) - gv(0.7 - h, 1.9)) / (2.0 * h);
        assert!((g.d[0] - gx).abs() < 1e-8);
    }

    #[test]
    fn ln_add_exp_is_stable() {
        assert_eq!(ln_add_exp(f64::NEG_INFINITY, -3.0), -3.0);
        assert!((ln_add_exp(1000.0, 1000.0) - (1000.0 + 2f64.ln())).abs() < 1e-12);
        let want = -1000.0 + (1.0 + (-1f64).exp()).ln();
        assert!((ln_add_exp(-1000.0, -1001.0) - want).abs() < 1e-12);
    }
}
