//! The models that stand alone (API.md): `rfmSummary` and the `BetaGeo`, `ModifiedBetaGeo`,
//! `ParetoNBD` and `GammaGamma` classes.
//!
//! Each call reads its arguments (numbers from a number, an array or a typed array; tables as
//! the ingest calls read them), makes one core call (`salespulse::models`, mostly
//! `models::tables`, which also owns the broadcasting of single values and the names of periods
//! and parameters) and converts the answer: a `Float64Array`, a plain object, or rows. The
//! calls are synchronous: fits group identical customers first and take milliseconds.

use crate::engine::read_options;
use crate::error::{sync, CodedError, Fail};
use crate::input::{camel_case, check, read_optional_day, read_table, HandleScope, Js, TableInput};
use crate::output::{self, Format, OutputOptions};
use napi::bindgen_prelude::*;
use napi::{sys, Env};
use salespulse::ingest::arrow::read_ipc;
use salespulse::ingest::{DateFormat, DateReader};
use salespulse::models::btyd::{
    BetaGeo as CoreBetaGeo, BetaGeoParams as CoreBetaGeoParams, ClvOptions, Estimate, FitOptions,
    Fitted, GammaGamma as CoreGammaGamma, GammaGammaParams as CoreGammaGammaParams, ModelParams,
    ModifiedBetaGeo as CoreModifiedBetaGeo, ModifiedBetaGeoParams as CoreModifiedBetaGeoParams,
    ParetoNBD as CoreParetoNBD, ParetoNBDParams as CoreParetoNBDParams, RfmData, SpendData,
    TransactionModel,
};
use salespulse::models::tables::{self, RfmSummaryOptions as CoreRfmOptions};
use salespulse::table::{Batch, Column};
use salespulse::Config;
use std::ptr;
use std::result::Result;

// ---------------------------------------------------------------------------------------------
// Numbers in and out

const NUMBERS: &str = "a number, an array of numbers or a Float64Array";

/// Array elements read under one handle scope.
const ELEMENTS_PER_SCOPE: u32 = 4096;

fn kind_of(t: i32) -> &'static str {
    use sys::ValueType as T;
    match t {
        T::napi_undefined => "undefined",
        T::napi_null => "null",
        T::napi_boolean => "a boolean",
        T::napi_number => "a number",
        T::napi_string => "a string",
        T::napi_bigint => "a BigInt",
        T::napi_function => "a function",
        T::napi_symbol => "a symbol",
        _ => "an object",
    }
}

/// A column of numbers: one number (standing for every row), an array of numbers, or a typed
/// array (`Float64Array`, or any other non-BigInt typed array, widened).
fn numbers(env: &Env, value: Unknown<'_>, name: &str) -> Result<Vec<f64>, Fail> {
    numbers_raw(Js::new(env), value.raw(), name)
}

fn numbers_raw(js: Js, value: sys::napi_value, name: &str) -> Result<Vec<f64>, Fail> {
    let t = js.type_of(value)?;
    if t == sys::ValueType::napi_number {
        return Ok(vec![js.number(value)?]);
    }
    if t == sys::ValueType::napi_object && js.is_typedarray(value)? {
        return typed_numbers(js, value, name);
    }
    if t == sys::ValueType::napi_object && js.is_array(value)? {
        let n = js.array_len(value)?;
        let mut out = Vec::with_capacity(n as usize);
        let mut first = 0;
        while first < n {
            let _scope = HandleScope::open(js.env)?;
            for i in first..n.min(first + ELEMENTS_PER_SCOPE) {
                let element = js.element(value, i)?;
                let t = js.type_of(element)?;
                if t != sys::ValueType::napi_number {
                    return Err(Fail::arg(format!(
                        "{name}[{i}] is {}; {name} must be {NUMBERS}",
                        kind_of(t)
                    )));
                }
                out.push(js.number(element)?);
            }
            first += ELEMENTS_PER_SCOPE;
        }
        return Ok(out);
    }
    Err(Fail::arg(format!(
        "{name} is {}; it must be {NUMBERS}",
        kind_of(t)
    )))
}

/// The values of a typed array, as floats.
fn typed_numbers(js: Js, value: sys::napi_value, name: &str) -> Result<Vec<f64>, Fail> {
    use sys::TypedarrayType as A;
    let mut kind = 0;
    let mut len = 0usize;
    let mut data = ptr::null_mut();
    let mut buffer = ptr::null_mut();
    let mut offset = 0usize;
    check(
        unsafe {
            sys::napi_get_typedarray_info(
                js.env,
                value,
                &mut kind,
                &mut len,
                &mut data,
                &mut buffer,
                &mut offset,
            )
        },
        "typed array",
    )?;
    if len == 0 || data.is_null() {
        return Ok(Vec::new());
    }
    // The elements of a typed array are aligned to their size (JS requires the byte offset to
    // be a multiple of it), and live as long as the array, which the caller holds.
    fn read<T: Copy>(data: *mut std::ffi::c_void, len: usize, f: impl Fn(T) -> f64) -> Vec<f64> {
        unsafe { std::slice::from_raw_parts(data as *const T, len) }
            .iter()
            .map(|&x| f(x))
            .collect()
    }
    Ok(match kind {
        A::float64_array => read::<f64>(data, len, |x| x),
        A::float32_array => read::<f32>(data, len, f64::from),
        A::int32_array => read::<i32>(data, len, f64::from),
        A::uint32_array => read::<u32>(data, len, f64::from),
        A::int16_array => read::<i16>(data, len, f64::from),
        A::uint16_array => read::<u16>(data, len, f64::from),
        A::int8_array => read::<i8>(data, len, f64::from),
        A::uint8_array | A::uint8_clamped_array => read::<u8>(data, len, f64::from),
        _ => {
            return Err(Fail::arg(format!(
                "{name} is a BigInt typed array; it must be {NUMBERS}"
            )))
        }
    })
}

/// An optional column of numbers: `undefined` or `null` is `None`.
fn optional_numbers(
    env: &Env,
    value: Option<Unknown<'_>>,
    name: &str,
) -> Result<Option<Vec<f64>>, Fail> {
    let Some(value) = value else { return Ok(None) };
    let js = Js::new(env);
    match js.type_of(value.raw())? {
        sys::ValueType::napi_undefined | sys::ValueType::napi_null => Ok(None),
        _ => numbers_raw(js, value.raw(), name).map(Some),
    }
}

/// Parameters from an object of name -> number (any order) or an array of numbers in the order
/// of `P::NAMES`; the core checks the names and values.
fn read_params<P: ModelParams>(js: Js, value: sys::napi_value, what: &str) -> Result<P, Fail> {
    let names = P::NAMES.join(", ");
    let wanted = || {
        Fail::arg(format!(
            "{what} must be an object of {names} to numbers (or the {} numbers in that order)",
            P::NAMES.len()
        ))
    };
    let t = js.type_of(value)?;
    if t != sys::ValueType::napi_object {
        return Err(wanted());
    }
    let mut pairs: Vec<(String, f64)> = Vec::new();
    if js.is_array(value)? || js.is_typedarray(value)? {
        let values = numbers_raw(js, value, what)?;
        if values.len() != P::NAMES.len() {
            return Err(wanted());
        }
        pairs.extend(P::NAMES.iter().map(|n| n.to_string()).zip(values));
    } else {
        let keys = js.keys(value)?;
        for i in 0..js.array_len(keys)? {
            let key = js.element(keys, i)?;
            let name = js.string(key)?;
            let v = js.property(value, key)?;
            let t = js.type_of(v)?;
            if t != sys::ValueType::napi_number {
                return Err(Fail::arg(format!(
                    "{what}.{name} is {}; it must be a number",
                    kind_of(t)
                )));
            }
            pairs.push((name, js.number(v)?));
        }
    }
    let pairs: Vec<(&str, f64)> = pairs.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    Ok(tables::params_from_pairs(&pairs)?)
}

// ---------------------------------------------------------------------------------------------
// Options

/// How a model fits; every key is optional.
#[napi(object, object_to_js = false)]
pub struct ModelOptions<'a> {
    /// L2 penalty on the parameters, as lifetimes' `penalizer_coef` (default 0: plain maximum
    /// likelihood).
    pub penalizer: Option<f64>,
    /// Iteration limit of the optimiser (default 1000).
    pub max_iterations: Option<f64>,
    /// Convergence threshold on the gradient (default 1e-9).
    pub tolerance: Option<f64>,
    /// Where the optimiser starts: an object of the model's parameters (e.g. `{r, alpha, a, b}`),
    /// or the numbers in the order of `params` (default: guesses from the data).
    #[napi(ts_type = "Record<string, number> | number[]")]
    pub initial_params: Option<Unknown<'a>>,
}

const MODEL_KEYS: &[&str] = &["penalizer", "maxIterations", "tolerance", "initialParams"];
const OUTPUT_KEYS: &[&str] = &["format"];

/// The fit options and the starting parameters of a model's options object.
fn model_options<P: ModelParams>(
    env: &Env,
    options: Option<Unknown<'_>>,
) -> Result<(FitOptions, Option<P>), Fail> {
    let Some(o) = read_options::<ModelOptions>(env, options, MODEL_KEYS, "options")? else {
        return Ok((FitOptions::default(), None));
    };
    let defaults = FitOptions::default();
    let max_iterations = match o.max_iterations {
        None => defaults.max_iterations,
        Some(x) if x.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&x) => x as usize,
        Some(x) => {
            return Err(Fail::arg(format!(
                "maxIterations is {x}; it must be a whole number >= 1"
            )))
        }
    };
    let fit = FitOptions {
        penalizer: o.penalizer.unwrap_or(defaults.penalizer),
        max_iterations,
        tolerance: o.tolerance.unwrap_or(defaults.tolerance),
    };
    tables::check_fit_options(&fit)?;
    let js = Js::new(env);
    let initial = match o.initial_params {
        Some(v)
            if !matches!(
                js.type_of(v.raw())?,
                sys::ValueType::napi_undefined | sys::ValueType::napi_null
            ) =>
        {
            Some(read_params::<P>(js, v.raw(), "initialParams")?)
        }
        _ => None,
    };
    Ok((fit, initial))
}

/// The output format of a `{format}` options object.
fn format_of(env: &Env, options: Option<Unknown<'_>>) -> Result<Format, Fail> {
    Format::of(read_options::<OutputOptions>(env, options, OUTPUT_KEYS, "options")?.as_ref())
}

// ---------------------------------------------------------------------------------------------
// Parameters as JS objects

/// BG/NBD or MBG/NBD parameters: purchase rates ~ Gamma(r, alpha) (alpha in the data's time
/// unit), dropout probabilities ~ Beta(a, b).
#[napi(object)]
pub struct BetaGeoParams {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Rate of the purchase-rate distribution, in the data's time unit.
    pub alpha: f64,
    /// First shape of the dropout-probability distribution.
    pub a: f64,
    /// Second shape of the dropout-probability distribution.
    pub b: f64,
}

/// Standard errors of BG/NBD or MBG/NBD parameters (null where the information matrix is
/// singular, or for parameters given with `fromParams`).
#[napi(object, use_nullable = true)]
pub struct BetaGeoStandardErrors {
    pub r: Option<f64>,
    pub alpha: Option<f64>,
    pub a: Option<f64>,
    pub b: Option<f64>,
}

/// Pareto/NBD parameters: purchase rates ~ Gamma(r, alpha), dropout rates ~ Gamma(s, beta)
/// (alpha and beta in the data's time unit).
#[napi(object, js_name = "ParetoNBDParams")]
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

/// Standard errors of Pareto/NBD parameters (null where unknown).
#[napi(object, js_name = "ParetoNBDStandardErrors", use_nullable = true)]
pub struct ParetoNBDStandardErrors {
    pub r: Option<f64>,
    pub alpha: Option<f64>,
    pub s: Option<f64>,
    pub beta: Option<f64>,
}

/// Gamma-Gamma parameters: a customer's transaction values ~ Gamma(p, nu), nu ~ Gamma(q, v)
/// across customers (v in money units; the papers' gamma).
#[napi(object)]
pub struct GammaGammaParams {
    /// Shape of a customer's transaction values.
    pub p: f64,
    /// Shape of the distribution of the customers' rates.
    pub q: f64,
    /// Rate of the distribution of the customers' rates, in money units.
    pub v: f64,
}

/// Standard errors of Gamma-Gamma parameters (null where unknown).
#[napi(object, use_nullable = true)]
pub struct GammaGammaStandardErrors {
    pub p: Option<f64>,
    pub q: Option<f64>,
    pub v: Option<f64>,
}

/// A JS object of parameters (or of their standard errors) from the core's estimates.
trait FromEstimates {
    fn from_estimates(estimates: &[Estimate]) -> Self;
}

fn estimate<'e>(estimates: &'e [Estimate], name: &str) -> &'e Estimate {
    estimates
        .iter()
        .find(|e| e.name == name)
        .expect("the core names every parameter")
}

macro_rules! from_estimates {
    ($ty:ident, $get:ident, [$($field:ident),*]) => {
        impl FromEstimates for $ty {
            fn from_estimates(estimates: &[Estimate]) -> Self {
                $ty {
                    $($field: estimate(estimates, stringify!($field)).$get),*
                }
            }
        }
    };
}

from_estimates!(BetaGeoParams, value, [r, alpha, a, b]);
from_estimates!(BetaGeoStandardErrors, std_error, [r, alpha, a, b]);
from_estimates!(ParetoNBDParams, value, [r, alpha, s, beta]);
from_estimates!(ParetoNBDStandardErrors, std_error, [r, alpha, s, beta]);
from_estimates!(GammaGammaParams, value, [p, q, v]);
from_estimates!(GammaGammaStandardErrors, std_error, [p, q, v]);

/// What a model object knows: parameters it fitted, or parameters it was given.
enum Known<P> {
    Fitted(Fitted<P>),
    Given(P),
}

impl<P: ModelParams + Copy> Known<P> {
    fn params(&self) -> P {
        match self {
            Known::Fitted(f) => *f.params(),
            Known::Given(p) => *p,
        }
    }

    /// The parameters with their standard errors (none for given parameters).
    fn estimates(&self) -> Vec<Estimate> {
        match self {
            Known::Fitted(f) => f.estimates(),
            Known::Given(p) => P::NAMES
                .iter()
                .zip(p.to_vec())
                .map(|(name, value)| Estimate {
                    name: name.to_string(),
                    value,
                    std_error: None,
                })
                .collect(),
        }
    }

    fn fitted(&self, model: &str) -> Result<&Fitted<P>, Fail> {
        match self {
            Known::Fitted(f) => Ok(f),
            Known::Given(_) => Err(Fail::NotFitted(format!(
                "this {model} was made from given parameters (fromParams), not fitted: it has \
                 no log-likelihood"
            ))),
        }
    }
}

fn known<'k, P>(
    known: &'k Option<Known<P>>,
    model: &str,
    args: &str,
) -> Result<&'k Known<P>, Fail> {
    known.as_ref().ok_or_else(|| {
        Fail::NotFitted(format!(
            "this {model} is not fitted yet: call .fit({args}) first, or make it with \
             {model}.fromParams(...)"
        ))
    })
}

fn summary_of(
    env: &Env,
    estimates: &[Estimate],
    options: Option<Unknown<'_>>,
) -> Result<Unknown<'static>, Fail> {
    let format = format_of(env, options)?;
    output::frame_keyed(
        env,
        &tables::estimates_frame(estimates),
        format,
        str::to_string,
    )
}

// ---------------------------------------------------------------------------------------------
// The transaction models

/// The three transaction models share their JS surface; only the core types differ.
macro_rules! transaction_model {
    (
        $rust:ident ($js:tt) {
            config: $config:ident,
            params: $params:ident,
            js_params: $js_params:ident,
            js_errors: $js_errors:ident,
            params_ts: $params_ts:tt,
        }
    ) => {
        impl $rust {
            fn known(&self) -> Result<&Known<$params>, Fail> {
                known(&self.known, $js, "frequency, recency, T")
            }

            /// The parameters, for `GammaGamma.clv`.
            fn transaction_params(&self) -> Result<$params, Fail> {
                Ok(self.known()?.params())
            }
        }

        #[napi]
        impl $rust {
            /// An unfitted model. `options` (all optional): `penalizer` (L2 penalty, as
            /// lifetimes' `penalizer_coef`; default 0), `maxIterations` (default 1000),
            /// `tolerance` (default 1e-9), `initialParams` (where the optimiser starts).
            /// Throws an `InvalidArgumentError` for an option out of range or unknown.
            #[napi(constructor)]
            pub fn new(
                env: Env,
                #[napi(ts_arg_type = "ModelOptions")] options: Option<Unknown<'_>>,
            ) -> Result<Self, CodedError> {
                sync(|| {
                    let (fit, initial) = model_options::<$params>(&env, options)?;
                    let config = $config {
                        options: fit,
                        initial_params: initial,
                    };
                    Ok(Self {
                        config,
                        known: None,
                    })
                })
            }

            /// A model with given parameters instead of fitted ones (from another tool, a paper
            /// or an earlier fit), for predictions: an object of the parameters (as `params`
            /// returns them) or the numbers in that order. Throws an `InvalidArgumentError`
            /// for a missing, unknown or repeated parameter, or one that is not finite and > 0.
            #[napi(factory)]
            pub fn from_params(
                env: Env,
                #[napi(ts_arg_type = $params_ts)] params: Unknown<'_>,
            ) -> Result<Self, CodedError> {
                sync(|| {
                    let given = read_params::<$params>(Js::new(&env), params.raw(), "params")?;
                    Ok(Self {
                        config: $config::default(),
                        known: Some(Known::Given(given)),
                    })
                })
            }

            /// Fits the model by maximum likelihood on one row per customer and returns it
            /// (so calls chain: `new BetaGeo().fit(x, tx, T).params`).
            ///
            /// `frequency`: repeat purchase periods (whole numbers >= 0), `recency`: age at the
            /// last purchase (0 when frequency is 0; at most T), `T`: age at the end of the
            /// observation period, as `rfmSummary` gives them; `weights` (optional): how many
            /// customers each row stands for. Each is an array of numbers or a Float64Array; a
            /// single number stands for every row. recency and T are in one time unit (days,
            /// weeks, ...), which the predictions then use too.
            ///
            /// Throws an `InvalidArgumentError` for columns of different lengths (named), a bad
            /// row (its number and rule), data without repeat buyers, or a fit that does not
            /// converge (with what to try). A failed fit leaves the model as it was.
            #[napi(
                ts_args_type = "frequency: number | number[] | Float64Array, recency: number | number[] | Float64Array, T: number | number[] | Float64Array, weights?: number | number[] | Float64Array | null",
                ts_return_type = "this"
            )]
            #[allow(non_snake_case)]
            pub fn fit<'t>(
                &mut self,
                env: Env,
                this: This<'t>,
                frequency: Unknown<'_>,
                recency: Unknown<'_>,
                T: Unknown<'_>,
                weights: Option<
                    Unknown<'_>,
                >,
            ) -> Result<This<'t>, CodedError> {
                sync(|| {
                    let f = numbers(&env, frequency, "frequency")?;
                    let r = numbers(&env, recency, "recency")?;
                    let t = numbers(&env, T, "T")?;
                    let w = optional_numbers(&env, weights, "weights")?;
                    let mut columns = vec![("frequency", &f[..]), ("recency", &r[..]), ("T", &t[..])];
                    if let Some(w) = &w {
                        columns.push(("weights", &w[..]));
                    }
                    let c = tables::broadcast(&columns)?;
                    let data = RfmData::new(&c[0], &c[1], &c[2]);
                    let data = match c.get(3) {
                        Some(w) => data.with_weights(w),
                        None => data,
                    };
                    let fitted = self.config.fit(&data)?;
                    self.known = Some(Known::Fitted(fitted));
                    Ok(())
                })?;
                Ok(this)
            }

            /// The parameters (fitted, or given to `fromParams`).
            #[napi(getter)]
            pub fn params(&self) -> Result<$js_params, CodedError> {
                sync(|| Ok($js_params::from_estimates(&self.known()?.estimates())))
            }

            /// Standard errors of the fitted parameters, from the observed information as
            /// lifetimes reports them (null where the information matrix is singular, and for
            /// given parameters).
            #[napi(getter)]
            pub fn standard_errors(&self) -> Result<$js_errors, CodedError> {
                sync(|| Ok($js_errors::from_estimates(&self.known()?.estimates())))
            }

            /// The log-likelihood of the data at the fitted parameters (without the penalty).
            /// Throws a `NotFittedError` before a fit, and for a model made with `fromParams`.
            #[napi(getter)]
            pub fn log_likelihood(&self) -> Result<f64, CodedError> {
                sync(|| Ok(self.known()?.fitted($js)?.log_likelihood()))
            }

            /// Whether the model has parameters (fitted, or given to `fromParams`).
            #[napi(getter)]
            pub fn is_fitted(&self) -> bool {
                self.known.is_some()
            }

            /// The parameters as lifetimes' `summary` table: rows of `parameter`, `coef`,
            /// `se(coef)`, `lower 95% bound`, `upper 95% bound` (null bounds where the standard
            /// error is unknown); `{format: 'arrow'}` gives Arrow IPC bytes instead.
            #[napi(ts_return_type = "Array<Record<string, unknown>> | Buffer")]
            pub fn summary(
                &self,
                env: Env,
                #[napi(ts_arg_type = "OutputOptions")] options: Option<Unknown<'_>>,
            ) -> Result<Unknown<'static>, CodedError> {
                sync(|| summary_of(&env, &self.known()?.estimates(), options))
            }

            /// The probability that each customer is still active ("alive") at T, given their
            /// history (`frequency`, `recency`, `T` as for `fit`, in its time unit; a single
            /// number stands for every row). Throws an `InvalidArgumentError` naming a column
            /// of another length or a bad row.
            #[napi(ts_args_type = "frequency: number | number[] | Float64Array, recency: number | number[] | Float64Array, T: number | number[] | Float64Array")]
            #[allow(non_snake_case)]
            pub fn p_alive(
                &self,
                env: Env,
                frequency: Unknown<'_>,
                recency: Unknown<'_>,
                T: Unknown<'_>,
            ) -> Result<Float64Array, CodedError> {
                sync(|| {
                    let params = self.known()?.params();
                    let f = numbers(&env, frequency, "frequency")?;
                    let r = numbers(&env, recency, "recency")?;
                    let t = numbers(&env, T, "T")?;
                    Ok(Float64Array::new(tables::p_alive_each(&params, &f, &r, &t)?))
                })
            }

            /// Expected purchases of each customer in the next `t` periods (a number, or one
            /// per customer), given their history (lifetimes'
            /// `conditional_expected_number_of_purchases_up_to_time`).
            #[napi(ts_args_type = "t: number | number[] | Float64Array, frequency: number | number[] | Float64Array, recency: number | number[] | Float64Array, T: number | number[] | Float64Array")]
            #[allow(non_snake_case)]
            pub fn expected_purchases(
                &self,
                env: Env,
                t: Unknown<'_>,
                frequency: Unknown<'_>,
                recency: Unknown<'_>,
                T: Unknown<'_>,
            ) -> Result<Float64Array, CodedError> {
                sync(|| {
                    let params = self.known()?.params();
                    let h = numbers(&env, t, "t")?;
                    let f = numbers(&env, frequency, "frequency")?;
                    let r = numbers(&env, recency, "recency")?;
                    let age = numbers(&env, T, "T")?;
                    Ok(Float64Array::new(tables::expected_purchases_each(
                        &params, &h, &f, &r, &age,
                    )?))
                })
            }

            /// Expected repeat purchases in the first `t` periods of a customer just acquired
            /// (lifetimes' `expected_number_of_purchases_up_to_time`), for each horizon.
            #[napi]
            pub fn expected_purchases_new_customer(
                &self,
                env: Env,
                #[napi(ts_arg_type = "number | number[] | Float64Array")] t: Unknown<'_>,
            ) -> Result<Float64Array, CodedError> {
                sync(|| {
                    let params = self.known()?.params();
                    let h = numbers(&env, t, "t")?;
                    Ok(Float64Array::new(tables::expected_purchases_new_customer_each(
                        &params, &h,
                    )?))
                })
            }
        }
    };
}

/// The BG/NBD model (Fader, Hardie & Lee 2005): who is still a customer and how much they
/// will buy, from each customer's frequency, recency and age (T). While alive, a customer
/// buys as a Poisson process with rate ~ Gamma(r, alpha); after each repeat purchase they
/// drop out with probability ~ Beta(a, b). Matches lifetimes' `BetaGeoFitter`.
///
/// ```js
/// const { rfmSummary, BetaGeo } = require('salespulse')
/// const s = rfmSummary(orders, { customerCol: 'customerId', dateCol: 'date', freq: 'W' })
/// const bg = new BetaGeo().fit(s.map((c) => c.frequency), s.map((c) => c.recency), s.map((c) => c.T))
/// bg.params                                  // { r, alpha, a, b }
/// bg.pAlive(2, 30.4, 38.9)                   // Float64Array
/// ```
#[napi(js_name = "BetaGeo")]
pub struct BetaGeo {
    config: CoreBetaGeo,
    known: Option<Known<CoreBetaGeoParams>>,
}

transaction_model! {
    BetaGeo ("BetaGeo") {
        config: CoreBetaGeo,
        params: CoreBetaGeoParams,
        js_params: BetaGeoParams,
        js_errors: BetaGeoStandardErrors,
        params_ts: "BetaGeoParams | number[]",
    }
}

/// The MBG/NBD model (Batislam, Denizel & Filiztekin 2007): BG/NBD where a customer may
/// also drop out right after the first purchase, so one-time buyers are not certainly
/// alive. Matches lifetimes' `ModifiedBetaGeoFitter`.
#[napi(js_name = "ModifiedBetaGeo")]
pub struct ModifiedBetaGeo {
    config: CoreModifiedBetaGeo,
    known: Option<Known<CoreModifiedBetaGeoParams>>,
}

transaction_model! {
    ModifiedBetaGeo ("ModifiedBetaGeo") {
        config: CoreModifiedBetaGeo,
        params: CoreModifiedBetaGeoParams,
        js_params: BetaGeoParams,
        js_errors: BetaGeoStandardErrors,
        params_ts: "BetaGeoParams | number[]",
    }
}

/// The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987): while alive a customer buys
/// as a Poisson process with rate ~ Gamma(r, alpha); lifetimes are exponential with rate
/// ~ Gamma(s, beta). Matches lifetimes' `ParetoNBDFitter`.
#[napi(js_name = "ParetoNBD")]
pub struct ParetoNBD {
    config: CoreParetoNBD,
    known: Option<Known<CoreParetoNBDParams>>,
}

transaction_model! {
    ParetoNBD ("ParetoNBD") {
        config: CoreParetoNBD,
        params: CoreParetoNBDParams,
        js_params: ParetoNBDParams,
        js_errors: ParetoNBDStandardErrors,
        params_ts: "ParetoNBDParams | number[]",
    }
}

/// A transaction model object's parameters, for `GammaGamma.clv`.
enum AnyParams {
    Bg(CoreBetaGeoParams),
    Mbg(CoreModifiedBetaGeoParams),
    Pnbd(CoreParetoNBDParams),
}

impl AnyParams {
    fn model(&self) -> &dyn TransactionModel {
        match self {
            AnyParams::Bg(p) => p,
            AnyParams::Mbg(p) => p,
            AnyParams::Pnbd(p) => p,
        }
    }

    fn of(env: &Env, model: Unknown<'_>) -> Result<AnyParams, Fail> {
        // A `ClassInstance` checks the object's class (instanceof and type tag) before reading it.
        let either = unsafe {
            Either3::<
                ClassInstance<'_, BetaGeo>,
                ClassInstance<'_, ModifiedBetaGeo>,
                ClassInstance<'_, ParetoNBD>,
            >::from_napi_value(env.raw(), model.raw())
        }
        .map_err(|_| {
            Fail::arg(
                "model must be a BetaGeo, ModifiedBetaGeo or ParetoNBD (fitted, or made with \
                 fromParams)",
            )
        })?;
        Ok(match either {
            Either3::A(m) => AnyParams::Bg(m.transaction_params()?),
            Either3::B(m) => AnyParams::Mbg(m.transaction_params()?),
            Either3::C(m) => AnyParams::Pnbd(m.transaction_params()?),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Gamma-Gamma

/// How `GammaGamma.clv` sums customer lifetime value; every key is optional.
#[napi(object, js_name = "ClvOptions")]
pub struct ClvOptionsInput {
    /// The horizon in months (default 12).
    pub months: Option<f64>,
    /// The monthly discount rate (default 0.01).
    pub discount_rate: Option<f64>,
    /// The transaction model's time unit: `'D'` (days, the default), `'W'` (weeks), `'H'`
    /// (hours) or `'M'` (months), as lifetimes' `freq`.
    #[napi(ts_type = "'D' | 'W' | 'H' | 'M'")]
    pub time_unit: Option<String>,
}

const CLV_KEYS: &[&str] = &["months", "discountRate", "timeUnit"];

/// The Gamma-Gamma spend model (Fader, Hardie & Lee 2005; Fader & Hardie 2013): the expected
/// value of a customer's transactions, and customer lifetime value with a transaction model.
/// A customer's transaction values are Gamma(p, nu) with nu ~ Gamma(q, v) across customers. Fit
/// it on repeat buyers' frequency and mean repeat-purchase value (`rfmSummary`'s
/// `monetaryValue`); rows with frequency 0 are skipped. Matches lifetimes' `GammaGammaFitter`.
///
/// ```js
/// const gg = new GammaGamma().fit(frequency, monetaryValue)
/// gg.expectedSpend(frequency, monetaryValue)          // Float64Array
/// gg.clv(bg, frequency, recency, T, monetaryValue, { months: 12, timeUnit: 'W' })
/// ```
#[napi(js_name = "GammaGamma")]
pub struct GammaGamma {
    config: CoreGammaGamma,
    known: Option<Known<CoreGammaGammaParams>>,
}

impl GammaGamma {
    fn known(&self) -> Result<&Known<CoreGammaGammaParams>, Fail> {
        known(&self.known, "GammaGamma", "frequency, monetaryValue")
    }
}

#[napi]
impl GammaGamma {
    /// An unfitted model. `options` (all optional): `penalizer` (default 0), `maxIterations`
    /// (default 1000), `tolerance` (default 1e-9), `initialParams` (`{p, q, v}`).
    /// Throws an `InvalidArgumentError` for an option out of range or unknown.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "ModelOptions")] options: Option<Unknown<'_>>,
    ) -> Result<Self, CodedError> {
        sync(|| {
            let (fit, initial) = model_options::<CoreGammaGammaParams>(&env, options)?;
            Ok(GammaGamma {
                config: CoreGammaGamma {
                    options: fit,
                    initial_params: initial,
                },
                known: None,
            })
        })
    }

    /// A model with given parameters (`{p, q, v}`, or the numbers in that order) instead of
    /// fitted ones, for predictions.
    #[napi(factory)]
    pub fn from_params(
        env: Env,
        #[napi(ts_arg_type = "GammaGammaParams | number[]")] params: Unknown<'_>,
    ) -> Result<Self, CodedError> {
        sync(|| {
            let given = read_params::<CoreGammaGammaParams>(Js::new(&env), params.raw(), "params")?;
            Ok(GammaGamma {
                config: CoreGammaGamma::default(),
                known: Some(Known::Given(given)),
            })
        })
    }

    /// Fits the model by maximum likelihood and returns it. `frequency`: repeat purchases per
    /// customer (whole numbers >= 0); `monetaryValue`: the mean value of their repeat purchases
    /// (> 0 where frequency > 0; rows with frequency 0 are skipped); `weights` (optional): how
    /// many customers each row stands for.
    ///
    /// Throws an `InvalidArgumentError` for columns of different lengths, a bad row (numbered),
    /// no repeat buyers, or a fit that does not converge.
    #[napi(ts_return_type = "this")]
    pub fn fit<'t>(
        &mut self,
        env: Env,
        this: This<'t>,
        #[napi(ts_arg_type = "number | number[] | Float64Array")] frequency: Unknown<'_>,
        #[napi(ts_arg_type = "number | number[] | Float64Array")] monetary_value: Unknown<'_>,
        #[napi(ts_arg_type = "number | number[] | Float64Array | null")] weights: Option<
            Unknown<'_>,
        >,
    ) -> Result<This<'t>, CodedError> {
        sync(|| {
            let f = numbers(&env, frequency, "frequency")?;
            let m = numbers(&env, monetary_value, "monetaryValue")?;
            let w = optional_numbers(&env, weights, "weights")?;
            let mut columns = vec![("frequency", &f[..]), ("monetary_value", &m[..])];
            if let Some(w) = &w {
                columns.push(("weights", &w[..]));
            }
            let c = tables::broadcast(&columns)?;
            let data = SpendData::new(&c[0], &c[1]);
            let data = match c.get(2) {
                Some(w) => data.with_weights(w),
                None => data,
            };
            let fitted = self.config.fit(&data)?;
            self.known = Some(Known::Fitted(fitted));
            Ok(())
        })?;
        Ok(this)
    }

    /// The parameters (fitted, or given to `fromParams`).
    #[napi(getter)]
    pub fn params(&self) -> Result<GammaGammaParams, CodedError> {
        sync(|| Ok(GammaGammaParams::from_estimates(&self.known()?.estimates())))
    }

    /// Standard errors of the fitted parameters (null where unknown, and for given parameters).
    #[napi(getter)]
    pub fn standard_errors(&self) -> Result<GammaGammaStandardErrors, CodedError> {
        sync(|| {
            Ok(GammaGammaStandardErrors::from_estimates(
                &self.known()?.estimates(),
            ))
        })
    }

    /// The log-likelihood of the repeat buyers' mean spends at the fitted parameters. Throws a
    /// `NotFittedError` before a fit, and for a model made with `fromParams`.
    #[napi(getter)]
    pub fn log_likelihood(&self) -> Result<f64, CodedError> {
        sync(|| Ok(self.known()?.fitted("GammaGamma")?.log_likelihood()))
    }

    /// Whether the model has parameters (fitted, or given to `fromParams`).
    #[napi(getter)]
    pub fn is_fitted(&self) -> bool {
        self.known.is_some()
    }

    /// The parameters as lifetimes' `summary` table (see `BetaGeo.summary`).
    #[napi(ts_return_type = "Array<Record<string, unknown>> | Buffer")]
    pub fn summary(
        &self,
        env: Env,
        #[napi(ts_arg_type = "OutputOptions")] options: Option<Unknown<'_>>,
    ) -> Result<Unknown<'static>, CodedError> {
        sync(|| summary_of(&env, &self.known()?.estimates(), options))
    }

    /// Expected value of a transaction of each customer given their repeat purchases (lifetimes'
    /// `conditional_expected_average_profit`); the population mean where frequency is 0.
    /// Throws an `InvalidArgumentError` for lengths that differ, a bad row, or q <= 1 (an
    /// infinite mean).
    #[napi]
    pub fn expected_spend(
        &self,
        env: Env,
        #[napi(ts_arg_type = "number | number[] | Float64Array")] frequency: Unknown<'_>,
        #[napi(ts_arg_type = "number | number[] | Float64Array")] monetary_value: Unknown<'_>,
    ) -> Result<Float64Array, CodedError> {
        sync(|| {
            let params = self.known()?.params();
            let f = numbers(&env, frequency, "frequency")?;
            let m = numbers(&env, monetary_value, "monetaryValue")?;
            Ok(Float64Array::new(tables::expected_spend_each(
                &params, &f, &m,
            )?))
        })
    }

    /// Customer lifetime value, as lifetimes' `customer_lifetime_value`: for each month of the
    /// horizon, the customer's expected purchases in that month (from `model`, a BetaGeo,
    /// ModifiedBetaGeo or ParetoNBD with parameters) times their expected spend, discounted,
    /// summed. `options`: `months` (default 12), `discountRate` (monthly, default 0.01),
    /// `timeUnit` (the model's time unit: `'D'` days, the default; `'W'`, `'H'` or `'M'`).
    #[napi(
        ts_args_type = "model: BetaGeo | ModifiedBetaGeo | ParetoNBD, frequency: number | number[] | Float64Array, recency: number | number[] | Float64Array, T: number | number[] | Float64Array, monetaryValue: number | number[] | Float64Array, options?: ClvOptions"
    )]
    #[allow(non_snake_case, clippy::too_many_arguments)]
    pub fn clv(
        &self,
        env: Env,
        model: Unknown<'_>,
        frequency: Unknown<'_>,
        recency: Unknown<'_>,
        T: Unknown<'_>,
        monetary_value: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<Float64Array, CodedError> {
        sync(|| {
            let params = self.known()?.params();
            let transactions = AnyParams::of(&env, model)?;
            let o: ClvOptionsInput =
                read_options(&env, options, CLV_KEYS, "options")?.unwrap_or(ClvOptionsInput {
                    months: None,
                    discount_rate: None,
                    time_unit: None,
                });
            let defaults = ClvOptions::default();
            let months = match o.months {
                None => defaults.months,
                Some(x) if x.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&x) => x as u32,
                Some(x) => {
                    return Err(Fail::arg(format!(
                        "months is {x}; it must be a whole number >= 0"
                    )))
                }
            };
            let options = ClvOptions {
                months,
                monthly_discount_rate: o.discount_rate.unwrap_or(defaults.monthly_discount_rate),
                time_unit: match &o.time_unit {
                    Some(name) => tables::parse_time_unit(name)?,
                    None => defaults.time_unit,
                },
            };
            let f = numbers(&env, frequency, "frequency")?;
            let r = numbers(&env, recency, "recency")?;
            let t = numbers(&env, T, "T")?;
            let m = numbers(&env, monetary_value, "monetaryValue")?;
            Ok(Float64Array::new(tables::clv_each(
                &params,
                transactions.model(),
                [&f, &r, &t, &m],
                &options,
            )?))
        })
    }
}

// ---------------------------------------------------------------------------------------------
// rfmSummary

/// Which columns `rfmSummary` reads, and how it answers.
#[napi(object, object_to_js = false)]
pub struct RfmSummaryOptions<'a> {
    /// The key (column) of the customer id.
    pub customer_col: String,
    /// The key (column) of the transaction date: `Date`s, ISO strings or YYYYMMDD.
    pub date_col: String,
    /// The end of the observation period (a `Date` or an ISO date string); default: the last
    /// transaction's day.
    #[napi(ts_type = "Date | string | null")]
    pub observation_end: Option<Unknown<'a>>,
    /// `'D'` (days, the default) or `'W'` (weeks from Monday to Sunday, pandas' `W`).
    #[napi(ts_type = "'D' | 'W'")]
    pub freq: Option<String>,
    /// The key (column) of the transaction value, if any: adds `monetaryValue`.
    pub monetary_col: Option<String>,
    /// `'rows'` (the default) or `'arrow'` (Arrow IPC bytes).
    #[napi(ts_type = "'rows' | 'arrow'")]
    pub format: Option<String>,
    /// How text dates are written: `'auto'` (ISO, YYYYMMDD, Excel serials; the default),
    /// `'day_first'`, `'month_first'` or `'excel'`.
    #[napi(ts_type = "'auto' | 'day_first' | 'month_first' | 'excel'")]
    pub date_format: Option<String>,
    /// The IANA zone in which `Date`s (instants) become days (default `'UTC'`).
    pub timezone: Option<String>,
}

const RFM_KEYS: &[&str] = &[
    "customerCol",
    "dateCol",
    "observationEnd",
    "freq",
    "monetaryCol",
    "format",
    "dateFormat",
    "timezone",
];

/// Frequency, recency, T (and monetary value) per customer from a transactions table, as
/// lifetimes' `summary_data_from_transaction_data`: the input of the BTYD models.
///
/// `transactions` is an array of plain objects or a Buffer / Uint8Array of Arrow IPC bytes, one
/// row per transaction; `options.customerCol` and `options.dateCol` name its keys (exactly).
/// Dates become periods of `freq`; transactions after the observation end's period are dropped;
/// purchases in one period count once (their values summed). frequency = periods with a
/// purchase - 1; recency = last period - first period; T = the observation end's period - first
/// period; monetaryValue = the mean value of the repeat periods, 0 without repeat purchases.
///
/// Returns one row per customer, sorted by id: the customer key (as named by `customerCol`;
/// integer ids stay numbers), `frequency`, `recency`, `T` and, with `monetaryCol`,
/// `monetaryValue`; `{format: 'arrow'}` gives Arrow IPC bytes (columns `frequency`, `recency`,
/// `T`, `monetary_value`). Throws a `SchemaError` for a missing column (listing the table's),
/// an `InvalidArgumentError` for a missing id, date or value, an unreadable date or a value that
/// is not a finite number (naming the row and column), or a bad option.
///
/// ```js
/// const summary = rfmSummary(transactions, {
///   customerCol: 'customerId', dateCol: 'date', observationEnd: '1998-06-30', freq: 'W',
///   monetaryCol: 'amount',
/// })
/// // [{ customerId: 4, frequency: 3, recency: 49, T: 78, monetaryValue: 23.72 }, ...]
/// ```
#[napi(ts_return_type = "Array<Record<string, unknown>> | Buffer")]
pub fn rfm_summary(
    env: Env,
    #[napi(ts_arg_type = "Array<Record<string, unknown>> | Uint8Array")] transactions: Unknown<'_>,
    #[napi(ts_arg_type = "RfmSummaryOptions")] options: Unknown<'_>,
) -> Result<Unknown<'static>, CodedError> {
    sync(|| {
        let o: RfmSummaryOptions = read_options(&env, Some(options), RFM_KEYS, "options")?
            .ok_or_else(|| Fail::arg("rfmSummary needs options: {customerCol, dateCol, ...}"))?;
        let format = Format::parse(o.format.as_deref())?;
        let freq = tables::parse_freq(o.freq.as_deref().unwrap_or("D"))?;
        let config = Config::default()
            .with_timezone(o.timezone.as_deref().unwrap_or("UTC"))
            .map_err(|e| Fail::arg(format!("timezone: {e}")))?;
        let date_format = match o.date_format.as_deref() {
            None => DateFormat::Auto,
            Some(name) => DateFormat::parse(name).ok_or_else(|| {
                Fail::arg(format!(
                    "dateFormat {name:?} is not one of 'auto', 'day_first', 'month_first', \
                     'excel'"
                ))
            })?,
        };
        let observation_end =
            read_optional_day(&env, o.observation_end, "observationEnd", &config)?;
        let options = CoreRfmOptions {
            customer_col: &o.customer_col,
            date_col: &o.date_col,
            monetary_col: o.monetary_col.as_deref(),
            observation_end,
            freq,
            dates: DateReader::new(date_format, config.timezone),
        };
        let frame = match read_table(&env, transactions)? {
            TableInput::Rows(rows) if rows.is_empty() => {
                // An empty array has no keys: it is a table with the named columns and no rows.
                let mut batch = Batch::new();
                for name in [
                    Some(options.customer_col),
                    Some(options.date_col),
                    options.monetary_col,
                ]
                .into_iter()
                .flatten()
                {
                    batch.push(name.to_string(), Column::Float(&[]));
                }
                tables::rfm_summary_table(&[batch], &options)?
            }
            TableInput::Rows(rows) => tables::rfm_summary_table(&[rows.batch()], &options)?,
            TableInput::Ipc(bytes) => {
                let batches = read_ipc(&bytes)?;
                let schema = batches[0].schema();
                let mut reader =
                    arrow_array::RecordBatchIterator::new(batches.into_iter().map(Ok), schema);
                tables::rfm_summary_arrow(&mut reader, &options)?
            }
        };
        let customer = o.customer_col.as_str();
        output::frame_keyed(&env, &frame, format, |name| {
            if name == customer {
                name.to_string()
            } else {
                camel_case(name)
            }
        })
    })
}
