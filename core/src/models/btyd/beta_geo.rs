//! BG/NBD: the beta-geometric / negative binomial model of Fader, Hardie & Lee (2005).
//!
//! While alive, a customer buys as a Poisson process with rate `λ ~ Gamma(r, α)` (shape `r`,
//! rate `α`); after each repeat purchase they drop out with probability `p ~ Beta(a, b)`.
//! The formulas, shared with MBG/NBD, are in the private `bg_family` module.

use super::bg_family::{self, BgObjective, Rab, Variant};
use super::data::{RfmData, RfmGroups};
use super::fit::{self, fit_option_setters, FitOptions, Fitted, ModelParams};
use super::TransactionModel;
use crate::error::Result;
use serde::{Deserialize, Serialize};

/// BG/NBD parameters: purchase rates `λ ~ Gamma(shape r, rate alpha)`, dropout probabilities
/// `p ~ Beta(a, b)`. `alpha` is in the time unit of the data.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BetaGeoParams {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Rate (inverse scale) of the purchase-rate distribution, in the data's time unit.
    pub alpha: f64,
    /// First shape of the dropout-probability distribution.
    pub a: f64,
    /// Second shape of the dropout-probability distribution.
    pub b: f64,
}

impl ModelParams for BetaGeoParams {
    const NAMES: &'static [&'static str] = &["r", "alpha", "a", "b"];

    fn to_vec(&self) -> Vec<f64> {
        vec![self.r, self.alpha, self.a, self.b]
    }

    fn from_slice(v: &[f64]) -> Self {
        BetaGeoParams {
            r: v[0],
            alpha: v[1],
            a: v[2],
            b: v[3],
        }
    }
}

impl BetaGeoParams {
    /// The individual log-likelihood `ln L(r, α, a, b | x, t_x, T)` (what the fit maximises,
    /// summed over customers).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`](crate::error::Error::InvalidArgument) for invalid parameters
    /// or an invalid customer.
    pub fn log_likelihood(&self, frequency: f64, recency: f64, t: f64) -> Result<f64> {
        bg_family::log_likelihood(self.rab()?, Variant::BetaGeo, frequency, recency, t)
    }

    fn rab(&self) -> Result<Rab> {
        self.check()?;
        Ok(Rab {
            r: self.r,
            alpha: self.alpha,
            a: self.a,
            b: self.b,
        })
    }
}

impl TransactionModel for BetaGeoParams {
    /// `1` if `x = 0`, else `1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))`.
    fn p_alive(&self, frequency: f64, recency: f64, t: f64) -> Result<f64> {
        bg_family::p_alive(self.rab()?, Variant::BetaGeo, frequency, recency, t)
    }

    /// FHL (2005) eq. 10.
    fn expected_purchases(
        &self,
        horizon: f64,
        frequency: f64,
        recency: f64,
        t: f64,
    ) -> Result<f64> {
        bg_family::expected_purchases(
            self.rab()?,
            Variant::BetaGeo,
            horizon,
            frequency,
            recency,
            t,
        )
    }

    /// FHL (2005) eq. 9: `(a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))]`.
    fn expected_purchases_new_customer(&self, horizon: f64) -> Result<f64> {
        bg_family::expected_purchases(self.rab()?, Variant::BetaGeo, horizon, 0.0, 0.0, 0.0)
    }
}

/// The BG/NBD model, unfitted: its fit options.
///
/// Log-likelihood of a customer (Fader, Hardie & Lee 2005, eq. 6), maximised over the
/// customers:
///
/// ```text
/// ln L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
///      + ln( (α+T)^−(r+x) + [x > 0] · a/(b+x−1) · (α+t_x)^−(r+x) )
/// ```
///
/// ```
/// use salespulse::models::btyd::{BetaGeo, RfmData, TransactionModel};
///
/// // frequency (repeat purchases), recency and T per customer, in weeks.
/// let x = [2.0, 1.0, 0.0, 0.0, 4.0, 0.0, 7.0, 1.0];
/// let t_x = [30.4, 1.7, 0.0, 0.0, 30.9, 0.0, 35.0, 12.0];
/// let t = [38.9, 38.9, 38.9, 38.9, 38.9, 38.9, 38.9, 38.9];
/// let fitted = BetaGeo::new().fit(&RfmData::new(&x, &t_x, &t)).unwrap();
/// let alive = fitted.p_alive(4.0, 30.9, 38.9).unwrap();
/// assert!(alive > 0.0 && alive <= 1.0);
/// let next_year = fitted.expected_purchases(52.0, 4.0, 30.9, 38.9).unwrap();
/// assert!(next_year > 0.0);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BetaGeo {
    /// Penalty, iteration limit and tolerance.
    pub options: FitOptions,
    /// Where the optimiser starts; `None` for data-driven guesses.
    pub initial_params: Option<BetaGeoParams>,
}

fit_option_setters!(BetaGeo, BetaGeoParams);

/// A fitted BG/NBD model.
pub type FittedBetaGeo = Fitted<BetaGeoParams>;

impl BetaGeo {
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
    pub fn fit(&self, data: &RfmData) -> Result<FittedBetaGeo> {
        self.fit_groups(&RfmGroups::from_data(data)?)
    }

    /// Fits on already grouped data.
    ///
    /// # Errors
    ///
    /// As [`fit`](Self::fit), except for the row checks [`RfmGroups`] already made.
    pub fn fit_groups(&self, groups: &RfmGroups) -> Result<FittedBetaGeo> {
        fit_bg_family(
            groups,
            Variant::BetaGeo,
            &self.options,
            self.initial_params.map(|p| p.to_vec()),
        )
    }
}

/// Shared by BG/NBD and MBG/NBD: checks the data, builds the objective, runs the fit.
pub(crate) fn fit_bg_family<P: ModelParams>(
    groups: &RfmGroups,
    variant: Variant,
    options: &FitOptions,
    initial: Option<Vec<f64>>,
) -> Result<Fitted<P>> {
    let name = match variant {
        Variant::BetaGeo => "BG/NBD",
        Variant::Modified => "MBG/NBD",
    };
    super::fit::check_fittable(name, groups)?;
    let objective = BgObjective::new(groups, variant, options.penalizer);
    let starts = match initial {
        Some(p) => {
            P::from_slice(&p).check()?;
            vec![p]
        }
        None => objective.starts(groups),
    };
    let warm = fit::warm_start(name, groups, &starts, options, |sample| {
        Box::new(BgObjective::new(sample, variant, options.penalizer))
    });
    fit::run(name, &objective, &starts, warm, options)
}
