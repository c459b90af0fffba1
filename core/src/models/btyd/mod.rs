//! Buy-till-you-die models: who is still a customer, how much they will buy, and what they are
//! worth.
//!
//! Owns: the transaction models [`BetaGeo`] (BG/NBD), [`ModifiedBetaGeo`] (MBG/NBD) and
//! [`ParetoNBD`], the spend model [`GammaGamma`], and customer lifetime value. Each model is a
//! configuration (options, unfitted) whose `fit` returns a [`Fitted`] model: parameters,
//! standard errors, log-likelihood and the predictions. Predictions also work on parameters
//! from elsewhere (`BetaGeoParams { .. }.p_alive(..)`), which is how the tests check the
//! formulas against lifetimes independently of any optimiser.
//!
//! # Data
//!
//! A customer is summarised by frequency `x` (repeat purchase periods), recency `t_x` (age at
//! the last purchase) and age `T`, in one time unit, as
//! [`rfm_summary`](crate::models::rfm::rfm_summary) produces them ([`RfmData`]). Fits first
//! group identical `(x, t_x, T)` rows ([`RfmGroups`]), so their cost grows with the number of
//! distinct patterns, not of customers.
//!
//! # Estimation
//!
//! Exact maximum likelihood over the logarithms of the parameters (so they stay positive), with
//! times scaled by `1 / max T` during the fit as lifetimes does (the optimum does not depend on
//! it; conditioning does). BFGS with analytic gradients (numerical ones for Pareto/NBD), then
//! Newton steps on a finite-difference Hessian; standard errors come from the inverse of that
//! Hessian (the observed information) by the delta method, as lifetimes reports them. A fit
//! that does not converge is an error, never a model with `NaN` parameters.
//!
//! # References
//!
//! - Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An Alternative to the
//!   Pareto/NBD Model", Marketing Science 24(2), 275–284 (BG/NBD).
//! - Batislam, Denizel & Filiztekin (2007), "Empirical validation and comparison of models for
//!   customer base analysis", International Journal of Research in Marketing 24(3), 201–209
//!   (MBG/NBD).
//! - Schmittlein, Morrison & Colombo (1987), "Counting Your Customers: Who Are They and What
//!   Will They Do Next?", Management Science 33(1), 1–24 (Pareto/NBD); Fader & Hardie (2005),
//!   "A Note on Deriving the Pareto/NBD Model and Related Expressions" (the likelihood and
//!   P(alive) used here); Fader & Hardie (2013), "Overcoming the BG/NBD Model's #NUM! Error
//!   Problem" (the Euler transformation used for the conditional expectations).
//! - Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value Curves for Customer Base
//!   Analysis", Journal of Marketing Research 42(4), 415–430, and Fader & Hardie (2013), "The
//!   Gamma-Gamma Model of Monetary Value" (Gamma-Gamma).

mod beta_geo;
mod bg_family;
mod data;
mod dual;
mod fit;
mod gamma_gamma;
mod modified_beta_geo;
mod optimize;
mod pareto_nbd;
pub mod simulate;
mod special;

pub use beta_geo::{BetaGeo, BetaGeoParams, FittedBetaGeo};
pub use data::{RfmData, RfmGroups};
pub use fit::{Estimate, FitOptions, Fitted, ModelParams};
pub use gamma_gamma::{
    ClvOptions, FittedGammaGamma, GammaGamma, GammaGammaParams, SpendData, TimeUnit,
};
pub use modified_beta_geo::{FittedModifiedBetaGeo, ModifiedBetaGeo, ModifiedBetaGeoParams};
pub use pareto_nbd::{FittedParetoNBD, ParetoNBD, ParetoNBDParams};

use crate::error::Result;

/// What a fitted transaction model predicts for a customer with history `(x, t_x, T)`.
///
/// Implemented by the parameter types and by [`Fitted`] models.
///
/// # Errors
///
/// Every method returns [`Error::InvalidArgument`](crate::error::Error::InvalidArgument) for
/// inputs outside the model (`x` not a whole number ≥ 0, not `0 ≤ t_x ≤ T`, `t_x ≠ 0` with
/// `x = 0`, a horizon that is not finite and ≥ 0, non-positive parameters); the `_many`
/// methods name the offending row.
pub trait TransactionModel {
    /// The probability that the customer is still active ("alive") at `T`.
    fn p_alive(&self, frequency: f64, recency: f64, t: f64) -> Result<f64>;

    /// Expected number of purchases in `(T, T + horizon]` given the history: lifetimes'
    /// `conditional_expected_number_of_purchases_up_to_time`.
    fn expected_purchases(&self, horizon: f64, frequency: f64, recency: f64, t: f64)
        -> Result<f64>;

    /// Expected number of repeat purchases in `(0, horizon]` of a customer just acquired:
    /// lifetimes' `expected_number_of_purchases_up_to_time`.
    fn expected_purchases_new_customer(&self, horizon: f64) -> Result<f64>;

    /// [`p_alive`](TransactionModel::p_alive) for every row of `data` (weights ignored).
    fn p_alive_many(&self, data: &RfmData) -> Result<Vec<f64>> {
        each_row(data, |x, tx, t| self.p_alive(x, tx, t))
    }

    /// [`expected_purchases`](TransactionModel::expected_purchases) for every row of `data`.
    fn expected_purchases_many(&self, horizon: f64, data: &RfmData) -> Result<Vec<f64>> {
        each_row(data, |x, tx, t| self.expected_purchases(horizon, x, tx, t))
    }
}

/// Applies `f` to each row, prefixing an error with the row number.
fn each_row(data: &RfmData, mut f: impl FnMut(f64, f64, f64) -> Result<f64>) -> Result<Vec<f64>> {
    let n = data.frequency.len();
    if data.recency.len() != n || data.t.len() != n {
        return Err(crate::error::Error::InvalidArgument(format!(
            "frequency, recency and T must have the same length (got {}, {} and {})",
            n,
            data.recency.len(),
            data.t.len()
        )));
    }
    (0..n)
        .map(|i| f(data.frequency[i], data.recency[i], data.t[i]).map_err(|e| data::at_row(i, e)))
        .collect()
}

impl<P: TransactionModel + ModelParams> TransactionModel for Fitted<P> {
    fn p_alive(&self, frequency: f64, recency: f64, t: f64) -> Result<f64> {
        self.params().p_alive(frequency, recency, t)
    }

    fn expected_purchases(
        &self,
        horizon: f64,
        frequency: f64,
        recency: f64,
        t: f64,
    ) -> Result<f64> {
        self.params()
            .expected_purchases(horizon, frequency, recency, t)
    }

    fn expected_purchases_new_customer(&self, horizon: f64) -> Result<f64> {
        self.params().expected_purchases_new_customer(horizon)
    }
}
