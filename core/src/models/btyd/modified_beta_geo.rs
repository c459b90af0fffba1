//! MBG/NBD: the modified BG/NBD of Batislam, Denizel & Filiztekin (2007).
//!
//! As BG/NBD, except that a customer may also drop out right after the first purchase, so a
//! one-time buyer is not certainly alive. The formulas, shared with BG/NBD, are in the private
//! `bg_family` module (with `k = 1`).

use super::beta_geo::fit_bg_family;
use super::bg_family::{self, Rab, Variant};
use super::data::{RfmData, RfmGroups};
use super::fit::{fit_option_setters, FitOptions, Fitted, ModelParams};
use super::TransactionModel;
use crate::error::Result;
use serde::{Deserialize, Serialize};

/// MBG/NBD parameters, with the same meaning as [`BetaGeoParams`](super::BetaGeoParams).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModifiedBetaGeoParams {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Rate (inverse scale) of the purchase-rate distribution, in the data's time unit.
    pub alpha: f64,
    /// First shape of the dropout-probability distribution.
    pub a: f64,
    /// Second shape of the dropout-probability distribution.
    pub b: f64,
}

impl ModelParams for ModifiedBetaGeoParams {
    const NAMES: &'static [&'static str] = &["r", "alpha", "a", "b"];

    fn to_vec(&self) -> Vec<f64> {
        vec![self.r, self.alpha, self.a, self.b]
    }

    fn from_slice(v: &[f64]) -> Self {
        ModifiedBetaGeoParams {
            r: v[0],
            alpha: v[1],
            a: v[2],
            b: v[3],
        }
    }
}

impl ModifiedBetaGeoParams {
    /// The individual log-likelihood `ln L(r, α, a, b | x, t_x, T)` (what the fit maximises,
    /// summed over customers).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`](crate::error::Error::InvalidArgument) for invalid parameters
    /// or an invalid customer.
    pub fn log_likelihood(&self, frequency: f64, recency: f64, t: f64) -> Result<f64> {
        bg_family::log_likelihood(self.rab()?, Variant::Modified, frequency, recency, t)
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

impl TransactionModel for ModifiedBetaGeoParams {
    /// `1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x))`, below 1 even for `x = 0`.
    fn p_alive(&self, frequency: f64, recency: f64, t: f64) -> Result<f64> {
        bg_family::p_alive(self.rab()?, Variant::Modified, frequency, recency, t)
    }

    /// `(a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t))] · P(alive)`.
    fn expected_purchases(
        &self,
        horizon: f64,
        frequency: f64,
        recency: f64,
        t: f64,
    ) -> Result<f64> {
        bg_family::expected_purchases(
            self.rab()?,
            Variant::Modified,
            horizon,
            frequency,
            recency,
            t,
        )
    }

    /// `b/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))]`.
    fn expected_purchases_new_customer(&self, horizon: f64) -> Result<f64> {
        bg_family::expected_purchases(self.rab()?, Variant::Modified, horizon, 0.0, 0.0, 0.0)
    }
}

/// The MBG/NBD model, unfitted: its fit options.
///
/// Log-likelihood of a customer (Batislam, Denizel & Filiztekin 2007):
///
/// ```text
/// ln L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x+1) − ln B(a, b)
///      + ln( (α+T)^−(r+x) + a/(b+x) · (α+t_x)^−(r+x) )
/// ```
///
/// ```
/// use salespulse::models::btyd::{ModifiedBetaGeo, RfmData, TransactionModel};
///
/// let x = [2.0, 1.0, 0.0, 0.0, 4.0, 0.0, 7.0, 1.0];
/// let t_x = [30.4, 1.7, 0.0, 0.0, 30.9, 0.0, 35.0, 12.0];
/// let t = [38.9; 8];
/// let fitted = ModifiedBetaGeo::new().fit(&RfmData::new(&x, &t_x, &t)).unwrap();
/// // Unlike BG/NBD, a customer who never came back may be gone.
/// assert!(fitted.p_alive(0.0, 0.0, 38.9).unwrap() < 1.0);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ModifiedBetaGeo {
    /// Penalty, iteration limit and tolerance.
    pub options: FitOptions,
    /// Where the optimiser starts; `None` for data-driven guesses.
    pub initial_params: Option<ModifiedBetaGeoParams>,
}

fit_option_setters!(ModifiedBetaGeo, ModifiedBetaGeoParams);

/// A fitted MBG/NBD model.
pub type FittedModifiedBetaGeo = Fitted<ModifiedBetaGeoParams>;

impl ModifiedBetaGeo {
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
    pub fn fit(&self, data: &RfmData) -> Result<FittedModifiedBetaGeo> {
        self.fit_groups(&RfmGroups::from_data(data)?)
    }

    /// Fits on already grouped data.
    ///
    /// # Errors
    ///
    /// As [`fit`](Self::fit), except for the row checks [`RfmGroups`] already made.
    pub fn fit_groups(&self, groups: &RfmGroups) -> Result<FittedModifiedBetaGeo> {
        fit_bg_family(
            groups,
            Variant::Modified,
            &self.options,
            self.initial_params.map(|p| p.to_vec()),
        )
    }
}
