//! What every fit shares: options, the fitted-model type, and the driver that turns an
//! optimiser run into parameters with standard errors.

use super::optimize::{invert_spd, minimize, refine, Failure, Objective, Settings};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Options of a fit, shared by all models.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FitOptions {
    /// L2 penalty on the parameters added to the mean negative log-likelihood, as lifetimes'
    /// `penalizer_coef` (applied, like there, to the time-scaled parameters). 0 = plain MLE.
    pub penalizer: f64,
    /// Iteration limit of the optimiser.
    pub max_iterations: usize,
    /// Converged when no component of the gradient of the mean negative log-likelihood with
    /// respect to the log-parameters exceeds this.
    pub tolerance: f64,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            penalizer: 0.0,
            max_iterations: 1000,
            tolerance: 1e-9,
        }
    }
}

impl FitOptions {
    pub(crate) fn check(&self) -> Result<()> {
        if !(self.penalizer.is_finite() && self.penalizer >= 0.0) {
            return Err(Error::InvalidArgument(format!(
                "penalizer {} must be finite and >= 0",
                self.penalizer
            )));
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(Error::InvalidArgument(format!(
                "tolerance {} must be finite and > 0",
                self.tolerance
            )));
        }
        if self.max_iterations == 0 {
            return Err(Error::InvalidArgument(
                "max_iterations must be at least 1".into(),
            ));
        }
        Ok(())
    }
}

/// Builder methods for the [`FitOptions`] of a model configuration.
macro_rules! fit_option_setters {
    ($model:ty, $params:ty) => {
        impl $model {
            /// L2 penalty on the (time-scaled) parameters, as lifetimes' `penalizer_coef`.
            pub fn penalizer(mut self, coefficient: f64) -> Self {
                self.options.penalizer = coefficient;
                self
            }

            /// Iteration limit of the optimiser (default 1000).
            pub fn max_iterations(mut self, iterations: usize) -> Self {
                self.options.max_iterations = iterations;
                self
            }

            /// Gradient tolerance (default 1e-9, per customer, on log-parameters).
            pub fn tolerance(mut self, tolerance: f64) -> Self {
                self.options.tolerance = tolerance;
                self
            }

            /// Where the optimiser starts (default: data-driven guesses, then fallbacks).
            pub fn initial_params(mut self, params: $params) -> Self {
                self.initial_params = Some(params);
                self
            }
        }
    };
}
pub(crate) use fit_option_setters;

/// A model's parameter set: named positive numbers.
pub trait ModelParams: Clone {
    /// The parameter names, in order (as lifetimes names them).
    const NAMES: &'static [&'static str];

    /// The values in the order of [`NAMES`](ModelParams::NAMES).
    fn to_vec(&self) -> Vec<f64>;

    /// Parameters from values in the order of [`NAMES`](ModelParams::NAMES).
    fn from_slice(values: &[f64]) -> Self;

    /// Checks that every parameter is finite and positive.
    fn check(&self) -> Result<()> {
        for (name, v) in Self::NAMES.iter().zip(self.to_vec()) {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::InvalidArgument(format!(
                    "parameter {name} = {v} must be finite and > 0"
                )));
            }
        }
        Ok(())
    }
}

/// One fitted parameter with its standard error.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The parameter's name (`r`, `alpha`, ...).
    pub name: String,
    /// The maximum-likelihood estimate.
    pub value: f64,
    /// Its standard error from the observed information (delta method from the log scale);
    /// `None` when the information matrix is singular, as on a boundary of the parameter space.
    pub std_error: Option<f64>,
}

/// A fitted model: its parameters, their uncertainty and the fit's diagnostics. The
/// predictions come from the parameter type (see [`TransactionModel`](super::TransactionModel)
/// and [`Fitted::expected_spend`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Fitted<P> {
    params: P,
    log_covariance: Option<Vec<f64>>,
    log_likelihood: f64,
    n_customers: f64,
    n_patterns: usize,
    iterations: usize,
}

impl<P: ModelParams> Fitted<P> {
    /// The fitted parameters.
    pub fn params(&self) -> &P {
        &self.params
    }

    /// Each parameter with its standard error, in the order of [`ModelParams::NAMES`].
    pub fn estimates(&self) -> Vec<Estimate> {
        let values = self.params.to_vec();
        let n = values.len();
        P::NAMES
            .iter()
            .zip(&values)
            .enumerate()
            .map(|(i, (name, &value))| Estimate {
                name: (*name).to_string(),
                value,
                std_error: self
                    .log_covariance
                    .as_ref()
                    .map(|c| value * c[i * n + i].sqrt()),
            })
            .collect()
    }

    /// Covariance matrix (row-major) of the estimates of the *logarithms* of the parameters,
    /// the scale on which they are approximately normal; `None` if the information is singular.
    pub fn log_covariance(&self) -> Option<&[f64]> {
        self.log_covariance.as_deref()
    }

    /// The log-likelihood at the estimates, on the data in its own time unit (as published,
    /// e.g. −9582.4 for BG/NBD on CDNOW in weeks). Without the penalty.
    pub fn log_likelihood(&self) -> f64 {
        self.log_likelihood
    }

    /// Number of customers fitted (sum of the weights).
    pub fn n_customers(&self) -> f64 {
        self.n_customers
    }

    /// Number of distinct data patterns the likelihood was evaluated on.
    pub fn n_patterns(&self) -> usize {
        self.n_patterns
    }

    /// Optimiser iterations used.
    pub fn iterations(&self) -> usize {
        self.iterations
    }
}

/// A model-specific objective over log-parameters in scaled units, plus what the driver needs
/// to report the result in the data's units.
pub(crate) trait Problem: Objective {
    /// The penalty-free log-likelihood at `theta`, in the data's own units.
    fn log_likelihood(&self, theta: &[f64]) -> f64;
    /// Number of customers (total weight).
    fn total_weight(&self) -> f64;
    /// Number of distinct patterns.
    fn n_patterns(&self) -> usize;
    /// Log-parameters in fit units to parameters in the data's units.
    fn to_params(&self, theta: &[f64]) -> Vec<f64>;
    /// Parameters in the data's units to log-parameters in fit units.
    fn to_theta(&self, params: &[f64]) -> Vec<f64>;
}

/// A head start for a fit: parameters (data units) and the Hessian of the mean objective in
/// log-parameters, both from a fit on a sample of the data.
pub(crate) struct WarmStart {
    pub params: Vec<f64>,
    pub hessian: Vec<f64>,
}

/// Fits `problem`: from `warm` by Newton steps if given and they converge, otherwise from each
/// of `starts` in turn until one converges (the first success is taken: the starts are
/// fallbacks, not a global search). `model` names the model in errors.
pub(crate) fn run<P: ModelParams>(
    model: &str,
    problem: &dyn Problem,
    starts: &[Vec<f64>],
    warm: Option<WarmStart>,
    options: &FitOptions,
) -> Result<Fitted<P>> {
    let (params, hessian, iterations) = run_raw(model, problem, starts, warm, options)?;
    let information: Vec<f64> = hessian.iter().map(|h| h * problem.total_weight()).collect();
    Ok(Fitted {
        log_covariance: invert_spd(&information, params.len()),
        log_likelihood: problem.log_likelihood(&problem.to_theta(&params)),
        params: P::from_slice(&params),
        n_customers: problem.total_weight(),
        n_patterns: problem.n_patterns(),
        iterations,
    })
}

/// [`run`] without the packaging: parameters (data units), mean-objective Hessian in
/// log-parameters, iterations.
pub(crate) fn run_raw(
    model: &str,
    problem: &dyn Problem,
    starts: &[Vec<f64>],
    warm: Option<WarmStart>,
    options: &FitOptions,
) -> Result<(Vec<f64>, Vec<f64>, usize)> {
    options.check()?;
    let settings = Settings {
        max_iterations: options.max_iterations,
        tolerance: options.tolerance,
    };
    let mut last_failure = None;
    let valid = |theta: &[f64]| {
        let params = problem.to_params(theta);
        params
            .iter()
            .all(|v| v.is_finite() && *v > 0.0)
            .then_some(params)
    };
    if let Some(w) = &warm {
        if let Ok(min) = refine(problem, &problem.to_theta(&w.params), &w.hessian, settings) {
            if let Some(params) = valid(&min.theta) {
                return Ok((params, min.hessian, min.iterations));
            }
        }
    }
    let warm_start = warm.map(|w| w.params);
    for start in warm_start.iter().chain(starts) {
        match minimize(problem, &problem.to_theta(start), settings) {
            Ok(min) => match valid(&min.theta) {
                Some(params) => return Ok((params, min.hessian, min.iterations)),
                None => last_failure = Some("parameters left the representable range".to_string()),
            },
            Err(Failure::BadStart) => {
                last_failure = Some(format!(
                    "the likelihood is not finite at the start {start:?}"
                ));
            }
            Err(Failure::NotConverged {
                iterations,
                gradient,
            }) => {
                last_failure =
                    Some(format!("did not converge after {iterations} iterations (largest gradient {gradient:.3e})"));
            }
        }
    }
    Err(Error::InvalidArgument(format!(
        "{model} fit failed: {}; try more max_iterations, a small penalizer (e.g. 0.001) or other \
         initial_params, and check that the data has repeat buyers",
        last_failure.unwrap_or_else(|| "no starting point".into())
    )))
}

/// Above this many patterns a fit first runs on a systematic sample of
/// [`WARM_START_CUSTOMERS`] customers and polishes that optimum on all the data.
pub(crate) const WARM_START_PATTERNS: usize = 20_000;
/// Size of the warm-start sample.
pub(crate) const WARM_START_CUSTOMERS: f64 = 20_000.0;

/// The warm start for `groups` when they are large: a fit of `build`'s problem on a sample.
pub(crate) fn warm_start(
    model: &str,
    groups: &super::data::RfmGroups,
    starts: &[Vec<f64>],
    options: &FitOptions,
    build: impl Fn(&super::data::RfmGroups) -> Box<dyn Problem>,
) -> Option<WarmStart> {
    if groups.len() <= WARM_START_PATTERNS {
        return None;
    }
    let sample = groups.systematic_sample(WARM_START_CUSTOMERS);
    let coarse = build(&sample);
    let (params, hessian, _) = run_raw(model, coarse.as_ref(), starts, None, options).ok()?;
    Some(WarmStart { params, hessian })
}

/// Checks a prediction horizon.
pub(crate) fn check_horizon(t: f64) -> Result<()> {
    if t.is_finite() && t >= 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "horizon {t} is not a finite number >= 0"
        )))
    }
}

/// Rejects data a transaction model cannot be fitted on.
pub(crate) fn check_fittable(model: &str, groups: &super::data::RfmGroups) -> Result<()> {
    if groups.is_empty() || groups.total_weight() <= 0.0 {
        return Err(Error::InvalidArgument(format!(
            "{model} fit needs at least one customer"
        )));
    }
    if groups.max_t() <= 0.0 {
        return Err(Error::InvalidArgument(format!(
            "{model} fit needs customers with T > 0"
        )));
    }
    if groups.columns().0.iter().all(|&x| x == 0.0) {
        return Err(Error::InvalidArgument(format!(
            "{model} fit needs repeat purchases: every customer has frequency 0"
        )));
    }
    Ok(())
}
