//! Gamma-Gamma: the spend model of Fader, Hardie & Lee (2005, "RFM and CLV"), and customer
//! lifetime value.
//!
//! The value of each of a customer's transactions is Gamma(`p`, `ν`); across customers
//! `ν ~ Gamma(q, γ)` (`γ` is lifetimes' `v`). The observed mean `m̄` of `x` repeat purchases
//! has the density (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value", eq. 4)
//!
//! ```text
//! f(m̄ | x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q · m̄^(px−1) · x^(px) / (γ + m̄x)^(px+q)
//! ```
//!
//! and the expected spend per transaction given `(x, m̄)` is the credibility-weighted mean
//! `(p γ + p x m̄) / (p x + q − 1)` (eq. 5), finite only for `q > 1`.

use super::data::at_row;
use super::fit::{self, fit_option_setters, FitOptions, Fitted, ModelParams, Problem};
use super::optimize::Objective;
use super::special::{digamma, ln_gamma};
use super::TransactionModel;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Gamma-Gamma parameters: per-transaction values Gamma(shape `p`, rate `ν`), `ν ~ Gamma(shape
/// q, rate v)`. `v` is in money units.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GammaGammaParams {
    /// Shape of a customer's transaction values.
    pub p: f64,
    /// Shape of the distribution of the customers' rate `ν`.
    pub q: f64,
    /// Rate of the distribution of `ν` (γ in the papers, `v` in lifetimes), in money units.
    pub v: f64,
}

impl ModelParams for GammaGammaParams {
    const NAMES: &'static [&'static str] = &["p", "q", "v"];

    fn to_vec(&self) -> Vec<f64> {
        vec![self.p, self.q, self.v]
    }

    fn from_slice(v: &[f64]) -> Self {
        GammaGammaParams {
            p: v[0],
            q: v[1],
            v: v[2],
        }
    }
}

/// The time unit of a transaction model's `T`, which fixes how many periods make a month in
/// [`GammaGammaParams::clv`] (lifetimes' `freq`: H, D, W, M).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimeUnit {
    /// Hours: 720 a month.
    Hours,
    /// Days: 30 a month.
    Days,
    /// Weeks: 4.345 a month.
    Weeks,
    /// Months.
    Months,
}

impl TimeUnit {
    /// Periods per month, as lifetimes counts them.
    pub fn per_month(self) -> f64 {
        match self {
            TimeUnit::Hours => 720.0,
            TimeUnit::Days => 30.0,
            TimeUnit::Weeks => 4.345,
            TimeUnit::Months => 1.0,
        }
    }
}

/// How customer lifetime value is summed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClvOptions {
    /// Horizon in months (lifetimes' `time`, default 12).
    pub months: u32,
    /// Discount rate per month (lifetimes' `discount_rate`, default 0.01).
    pub monthly_discount_rate: f64,
    /// The transaction model's time unit (lifetimes' `freq`, default days).
    pub time_unit: TimeUnit,
}

impl Default for ClvOptions {
    fn default() -> Self {
        ClvOptions {
            months: 12,
            monthly_discount_rate: 0.01,
            time_unit: TimeUnit::Days,
        }
    }
}

fn check_spend_row(x: f64, m: f64) -> Result<()> {
    if !(x.is_finite() && x >= 0.0 && x.fract() == 0.0) {
        return Err(Error::InvalidArgument(format!(
            "frequency {x} is not a whole number >= 0"
        )));
    }
    if !m.is_finite() || m < 0.0 || (x > 0.0 && m == 0.0) {
        return Err(Error::InvalidArgument(format!(
            "monetary value {m} must be finite and > 0 for a repeat buyer (>= 0 otherwise)"
        )));
    }
    Ok(())
}

impl GammaGammaParams {
    fn check_mean(&self) -> Result<()> {
        self.check()?;
        if self.q <= 1.0 {
            return Err(Error::InvalidArgument(format!(
                "expected spend is infinite for q = {} <= 1",
                self.q
            )));
        }
        Ok(())
    }

    /// Expected value of a transaction given `frequency` repeat purchases of mean value
    /// `monetary_value` (lifetimes' `conditional_expected_average_profit`); the population mean
    /// `p v / (q − 1)` for `frequency = 0`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if `q ≤ 1` (the mean is infinite) or for an invalid row.
    pub fn expected_spend(&self, frequency: f64, monetary_value: f64) -> Result<f64> {
        self.check_mean()?;
        check_spend_row(frequency, monetary_value)?;
        let px = self.p * frequency;
        Ok((self.p * self.v + px * monetary_value) / (px + self.q - 1.0))
    }

    /// Customer lifetime value over `options.months` months, as lifetimes' (0.11.3)
    /// `customer_lifetime_value`: for month `i = 1..=months` with `u = options.time_unit
    /// .per_month()`, the expected purchases in `((i−1)·u, i·u]` from `model`, times
    /// [`expected_spend`](Self::expected_spend), discounted by `(1 + rate)^i`, summed.
    ///
    /// # Errors
    ///
    /// As [`expected_spend`](Self::expected_spend) and the model's
    /// [`expected_purchases`](TransactionModel::expected_purchases), or a discount rate
    /// that is not finite and above −1.
    pub fn clv(
        &self,
        model: &dyn TransactionModel,
        frequency: f64,
        recency: f64,
        t: f64,
        monetary_value: f64,
        options: &ClvOptions,
    ) -> Result<f64> {
        let rate = options.monthly_discount_rate;
        if !(rate.is_finite() && rate > -1.0) {
            return Err(Error::InvalidArgument(format!(
                "discount rate {rate} must be finite and > -1"
            )));
        }
        let spend = self.expected_spend(frequency, monetary_value)?;
        let unit = options.time_unit.per_month();
        let mut value = 0.0;
        let mut before = 0.0;
        for i in 1..=options.months {
            let cumulative =
                model.expected_purchases(f64::from(i) * unit, frequency, recency, t)?;
            value += spend * (cumulative - before) / (1.0 + rate).powf(f64::from(i));
            before = cumulative;
        }
        Ok(value)
    }

    /// [`expected_spend`](Self::expected_spend) for every row; errors name the row.
    pub fn expected_spend_many(
        &self,
        frequency: &[f64],
        monetary_value: &[f64],
    ) -> Result<Vec<f64>> {
        check_same_len(frequency.len(), monetary_value.len())?;
        (0..frequency.len())
            .map(|i| {
                self.expected_spend(frequency[i], monetary_value[i])
                    .map_err(|e| at_row(i, e))
            })
            .collect()
    }

    /// [`clv`](Self::clv) for every customer of `data` (weights ignored); errors name the row.
    pub fn clv_many(
        &self,
        model: &dyn TransactionModel,
        data: &super::RfmData,
        monetary_value: &[f64],
        options: &ClvOptions,
    ) -> Result<Vec<f64>> {
        let n = data.frequency.len();
        check_same_len(n, monetary_value.len())?;
        if data.recency.len() != n || data.t.len() != n {
            return Err(Error::InvalidArgument(
                "frequency, recency and T must have the same length".into(),
            ));
        }
        (0..n)
            .map(|i| {
                self.clv(
                    model,
                    data.frequency[i],
                    data.recency[i],
                    data.t[i],
                    monetary_value[i],
                    options,
                )
                .map_err(|e| at_row(i, e))
            })
            .collect()
    }
}

fn check_same_len(n: usize, m: usize) -> Result<()> {
    if n == m {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "monetary_value has {m} rows but frequency has {n}"
        )))
    }
}

/// Repeat buyers' frequency and mean repeat-purchase value, for fitting [`GammaGamma`].
#[derive(Clone, Copy, Debug)]
pub struct SpendData<'a> {
    /// Number of repeat purchases.
    pub frequency: &'a [f64],
    /// Mean value of the repeat purchases (> 0 where frequency > 0).
    pub monetary_value: &'a [f64],
    /// Customers per row; `None` means one each.
    pub weights: Option<&'a [f64]>,
}

impl<'a> SpendData<'a> {
    /// Rows of one customer each.
    pub fn new(frequency: &'a [f64], monetary_value: &'a [f64]) -> Self {
        SpendData {
            frequency,
            monetary_value,
            weights: None,
        }
    }

    /// The same rows, each standing for `weights[i]` customers.
    pub fn with_weights(self, weights: &'a [f64]) -> Self {
        SpendData {
            weights: Some(weights),
            ..self
        }
    }
}

/// Repeat buyers as `(x, m̄, weight)` with spend scaled by `scale`.
struct GgObjective {
    rows: Vec<(f64, f64, f64)>,
    total_weight: f64,
    penalizer: f64,
    scale: f64,
}

impl GgObjective {
    /// Validates, keeps the repeat buyers (the others carry no spend information) and scales
    /// spend to mean 1 so that the optimiser sees `v` near 1.
    fn new(data: &SpendData, penalizer: f64) -> Result<Self> {
        let n = data.frequency.len();
        check_same_len(n, data.monetary_value.len())?;
        if let Some(w) = data.weights {
            if w.len() != n {
                return Err(Error::InvalidArgument(format!(
                    "weights has {} rows but frequency has {n}",
                    w.len()
                )));
            }
        }
        let mut rows = Vec::new();
        for i in 0..n {
            let (x, m) = (data.frequency[i], data.monetary_value[i]);
            check_spend_row(x, m).map_err(|e| at_row(i, e))?;
            let w = data.weights.map_or(1.0, |w| w[i]);
            if !(w.is_finite() && w >= 0.0) {
                return Err(at_row(
                    i,
                    Error::InvalidArgument(format!("weight {w} is not a finite number >= 0")),
                ));
            }
            if x > 0.0 && w > 0.0 {
                rows.push((x, m, w));
            }
        }
        let total_weight: f64 = rows.iter().map(|r| r.2).sum();
        if rows.is_empty() {
            return Err(Error::InvalidArgument(
                "Gamma-Gamma fit needs customers with frequency > 0".into(),
            ));
        }
        let mean = rows.iter().map(|r| r.1 * r.2).sum::<f64>() / total_weight;
        let scale = 1.0 / mean;
        rows.iter_mut().for_each(|r| r.1 *= scale);
        Ok(GgObjective {
            rows,
            total_weight,
            penalizer,
            scale,
        })
    }

    /// Σ w·ln f(m̄ | x) in scaled money, with its gradient in log-parameters.
    fn sum_log_lik(&self, p: f64, q: f64, v: f64, grad: &mut [f64; 3]) -> f64 {
        let (lg_q, psi_q, ln_v) = (ln_gamma(q), digamma(q), v.ln());
        let (mut ll, mut gp, mut gq, mut gv) = (0.0, 0.0, 0.0, 0.0);
        for &(x, m, w) in &self.rows {
            let (px, ln_m, ln_x, ln_xmv) = (p * x, m.ln(), x.ln(), (x * m + v).ln());
            let (psi_pxq, psi_px) = (digamma(px + q), digamma(px));
            ll += w
                * (ln_gamma(px + q) - ln_gamma(px) - lg_q
                    + q * ln_v
                    + (px - 1.0) * ln_m
                    + px * ln_x
                    - (px + q) * ln_xmv);
            gp += w * x * (psi_pxq - psi_px + ln_m + ln_x - ln_xmv);
            gq += w * (psi_pxq - psi_q + ln_v - ln_xmv);
            gv += w * (q / v - (px + q) / (x * m + v));
        }
        *grad = [gp * p, gq * q, gv * v];
        ll
    }
}

impl Objective for GgObjective {
    fn dim(&self) -> usize {
        3
    }

    fn value(&self, theta: &[f64]) -> f64 {
        let mut g = [0.0; 3];
        self.value_grad(theta, &mut g)
    }

    fn value_grad(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let (p, q, v) = (theta[0].exp(), theta[1].exp(), theta[2].exp());
        if ![p, q, v].iter().all(|x| x.is_finite() && *x > 0.0) {
            return f64::INFINITY;
        }
        let mut g = [0.0; 3];
        let ll = self.sum_log_lik(p, q, v, &mut g);
        let squares = [p * p, q * q, v * v];
        for i in 0..3 {
            grad[i] = -g[i] / self.total_weight + 2.0 * self.penalizer * squares[i];
        }
        -ll / self.total_weight + self.penalizer * squares.iter().sum::<f64>()
    }

    fn exact_gradient(&self) -> bool {
        true
    }
}

impl Problem for GgObjective {
    /// Scaling spend by `c` divides each density by `c`: add back `W ln c`.
    fn log_likelihood(&self, theta: &[f64]) -> f64 {
        let ll = self.sum_log_lik(
            theta[0].exp(),
            theta[1].exp(),
            theta[2].exp(),
            &mut [0.0; 3],
        );
        ll + self.total_weight * self.scale.ln()
    }

    fn total_weight(&self) -> f64 {
        self.total_weight
    }

    fn n_patterns(&self) -> usize {
        self.rows.len()
    }

    fn to_params(&self, theta: &[f64]) -> Vec<f64> {
        vec![theta[0].exp(), theta[1].exp(), theta[2].exp() / self.scale]
    }

    fn to_theta(&self, params: &[f64]) -> Vec<f64> {
        vec![
            params[0].ln(),
            params[1].ln(),
            (params[2] * self.scale).ln(),
        ]
    }
}

/// The Gamma-Gamma spend model, unfitted: its fit options.
///
/// A customer's transaction values are Gamma(`p`, `ν`) with `ν ~ Gamma(q, v)` across
/// customers; the mean `m̄` of `x` repeat purchases has the density
/// `Γ(px+q) / (Γ(px) Γ(q)) · v^q · m̄^(px−1) · x^(px) / (v + m̄x)^(px+q)` (Fader & Hardie 2013),
/// whose product over the repeat buyers is maximised.
///
/// Fit it on repeat buyers' frequency and mean repeat-purchase value; rows with frequency 0
/// are skipped (they carry no spend information). The model assumes spend independent of
/// purchase frequency, as the papers do; check the correlation before relying on it.
///
/// ```
/// use salespulse::models::btyd::{
///     BetaGeoParams, ClvOptions, GammaGamma, SpendData, TimeUnit,
/// };
///
/// let x = [2.0, 1.0, 4.0, 7.0, 1.0, 3.0, 2.0, 5.0];
/// let m = [22.4, 11.8, 18.0, 35.2, 9.5, 40.0, 14.1, 25.7];
/// let spend = GammaGamma::new().fit(&SpendData::new(&x, &m)).unwrap();
/// let per_order = spend.expected_spend(2.0, 22.4).unwrap();
/// assert!(per_order > 0.0);
///
/// // CLV over a year, weekly BG/NBD (the published CDNOW parameters), 1% a month.
/// let bg = BetaGeoParams { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
/// let options =
///     ClvOptions { months: 12, monthly_discount_rate: 0.01, time_unit: TimeUnit::Weeks };
/// let clv = spend.clv(&bg, 2.0, 30.4, 38.9, 22.4, &options).unwrap();
/// assert!(clv > 0.0);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GammaGamma {
    /// Penalty, iteration limit and tolerance.
    pub options: FitOptions,
    /// Where the optimiser starts; `None` for data-driven guesses.
    pub initial_params: Option<GammaGammaParams>,
}

fit_option_setters!(GammaGamma, GammaGammaParams);

/// A fitted Gamma-Gamma model.
pub type FittedGammaGamma = Fitted<GammaGammaParams>;

impl GammaGamma {
    /// A model with default options (no penalty).
    pub fn new() -> Self {
        Self::default()
    }

    /// Fits by maximum likelihood.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for columns of different lengths, a frequency that is not a
    /// whole number ≥ 0, a repeat buyer without a positive finite monetary value or a bad
    /// weight (naming the row), no repeat buyers, or a fit that does not converge.
    pub fn fit(&self, data: &SpendData) -> Result<FittedGammaGamma> {
        let objective = GgObjective::new(data, self.options.penalizer)?;
        let mean = 1.0 / objective.scale;
        let starts = match self.initial_params {
            Some(p) => {
                p.check()?;
                vec![p.to_vec()]
            }
            // Gamma-Gamma's mean p·v/(q−1) matched to the data's mean spend.
            None => vec![
                vec![2.0, 3.0, mean],
                vec![1.0, 2.0, mean],
                vec![0.1f64.exp(), 0.1f64.exp(), 0.1f64.exp()],
            ],
        };
        fit::run("Gamma-Gamma", &objective, &starts, None, &self.options)
    }
}

impl Fitted<GammaGammaParams> {
    /// See [`GammaGammaParams::expected_spend`].
    pub fn expected_spend(&self, frequency: f64, monetary_value: f64) -> Result<f64> {
        self.params().expected_spend(frequency, monetary_value)
    }

    /// See [`GammaGammaParams::clv`].
    pub fn clv(
        &self,
        model: &dyn TransactionModel,
        frequency: f64,
        recency: f64,
        t: f64,
        monetary_value: f64,
        options: &ClvOptions,
    ) -> Result<f64> {
        self.params()
            .clv(model, frequency, recency, t, monetary_value, options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analytic_gradient_matches_finite_differences() {
        let x = [1.0, 2.0, 5.0, 1.0, 3.0];
        let m = [10.0, 25.5, 14.0, 80.0, 33.3];
        let objective = GgObjective::new(&SpendData::new(&x, &m), 0.01).unwrap();
        for theta in [[0.5, 1.0, -0.2], [2.0, 0.2, 1.0]] {
            let mut grad = [0.0; 3];
            objective.value_grad(&theta, &mut grad);
            for i in 0..3 {
                let h = 1e-6;
                let (mut up, mut down) = (theta, theta);
                up[i] += h;
                down[i] -= h;
                let fd = (objective.value(&up) - objective.value(&down)) / (2.0 * h);
                assert!(
                    (grad[i] - fd).abs() < 1e-7 * (1.0 + fd.abs()),
                    "{theta:?} {i}: {} vs {fd}",
                    grad[i]
                );
            }
        }
    }

    #[test]
    fn spend_needs_q_above_one_and_valid_rows() {
        let p = GammaGammaParams {
            p: 6.25,
            q: 3.74,
            v: 15.44,
        };
        assert!((p.expected_spend(0.0, 0.0).unwrap() - 6.25 * 15.44 / 2.74).abs() < 1e-12);
        assert!(GammaGammaParams { q: 0.9, ..p }
            .expected_spend(1.0, 10.0)
            .is_err());
        assert!(p
            .expected_spend(2.0, 0.0)
            .unwrap_err()
            .to_string()
            .contains("monetary value 0"));
        let err = p.expected_spend_many(&[1.0, 1.5], &[3.0, 4.0]).unwrap_err();
        assert!(err.to_string().contains("row 1: frequency 1.5"));
    }
}
