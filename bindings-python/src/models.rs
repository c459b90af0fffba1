//! The models that stand alone: `salespulse.rfm_summary` and the `BetaGeo`, `ModifiedBetaGeo`,
//! `ParetoNBD` and `GammaGamma` classes. Each call converts its arguments (numbers go through
//! `salespulse._convert.floats` as Arrow float64 arrays, without Python loops), makes one core
//! call (`salespulse::models`, mostly `models::tables`) without the GIL, and converts the result.

use crate::convert::{self, invalid, To};
use crate::errors::{raise, run, CoreResult};
use arrow_array::{Array, Float64Array};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyDict, PyFloat};
use pyo3_arrow::PyArray;
use salespulse::ingest::{DateFormat, DateReader};
use salespulse::models::btyd::{
    BetaGeo, BetaGeoParams, ClvOptions, Estimate, FitOptions, Fitted, GammaGamma, GammaGammaParams,
    ModelParams, ModifiedBetaGeo, ModifiedBetaGeoParams, ParetoNBD, ParetoNBDParams, RfmData,
    SpendData, TransactionModel,
};
use salespulse::models::tables::{self, RfmSummaryOptions};
use salespulse::Config;

/// Numbers from Python: one value (a scalar) or an Arrow float64 array.
enum Floats {
    One(f64),
    Many(Float64Array),
}

impl Floats {
    fn values(&self) -> &[f64] {
        match self {
            Floats::One(x) => std::slice::from_ref(x),
            Floats::Many(a) => a.values(),
        }
    }
}

/// `value` (a number, list, numpy array, pandas / polars Series or pyarrow array) as floats.
fn floats(value: &Bound<'_, PyAny>, name: &str) -> PyResult<Floats> {
    static FLOATS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let py = value.py();
    let converted = FLOATS
        .import(py, "salespulse._convert", "floats")?
        .call1((value, name))?;
    if let Ok(x) = converted.cast::<PyFloat>() {
        return Ok(Floats::One(x.value()));
    }
    let array: PyArray = converted.extract()?;
    match array.array().as_any().downcast_ref::<Float64Array>() {
        Some(a) => Ok(Floats::Many(a.clone())),
        None => Err(invalid(py, format!("{name} must be float64 numbers"))),
    }
}

/// Whether every input was a scalar (then the result is a float, not an array).
fn all_scalar(inputs: &[&Floats]) -> bool {
    inputs.iter().all(|f| matches!(f, Floats::One(_)))
}

/// A result column as a numpy float64 array, or a float when the inputs were scalars.
fn output(py: Python<'_>, values: Vec<f64>, scalar: bool) -> PyResult<Bound<'_, PyAny>> {
    static TO_NUMPY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    if scalar && values.len() == 1 {
        return Ok(PyFloat::new(py, values[0]).into_any());
    }
    let bytes = PyByteArray::new_with(py, values.len() * 8, |buffer| {
        for (chunk, x) in buffer.chunks_exact_mut(8).zip(&values) {
            chunk.copy_from_slice(&x.to_ne_bytes());
        }
        Ok(())
    })?;
    TO_NUMPY
        .import(py, "salespulse._convert", "float_array")?
        .call1((bytes,))
}

fn not_fitted(py: Python<'_>, model: &str, args: &str) -> PyErr {
    raise(
        py,
        "Error",
        format!("this {model} is not fitted yet: call .fit({args}) first"),
    )
}

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

    fn fitted(&self, py: Python<'_>, model: &str) -> PyResult<&Fitted<P>> {
        match self {
            Known::Fitted(f) => Ok(f),
            Known::Given(_) => Err(raise(
                py,
                "Error",
                format!(
                    "this {model} was made from given parameters (from_params), not fitted: it \
                     has no log-likelihood"
                ),
            )),
        }
    }
}

/// A model from parameters in a dict (or anything with keys) or a sequence.
fn given_params<P: ModelParams>(value: &Bound<'_, PyAny>) -> PyResult<P> {
    initial_params::<P>(Some(value))?
        .ok_or_else(|| invalid(value.py(), "params must be a dict of parameters, not None"))
}

fn fit_options(
    py: Python<'_>,
    penalizer: f64,
    max_iterations: i64,
    tolerance: f64,
) -> PyResult<FitOptions> {
    let options = FitOptions {
        penalizer,
        // A negative count becomes 0, which the core refuses with its own message.
        max_iterations: usize::try_from(max_iterations).unwrap_or(0),
        tolerance,
    };
    tables::check_fit_options(&options).py_err(py)?;
    Ok(options)
}

/// `initial_params`: None, a dict (or anything with keys, such as lifetimes' `params_`
/// Series) of name -> value, or a sequence of values in the order of `P::NAMES`.
fn initial_params<P: ModelParams>(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<P>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let py = value.py();
    let names = P::NAMES.join(", ");
    let wanted = || {
        invalid(
            py,
            format!(
                "parameters must be a dict of {names} to numbers, or {} numbers in that order",
                P::NAMES.len()
            ),
        )
    };
    let pairs: Vec<(String, f64)> = if value.hasattr("keys")? {
        let dict = py.import("builtins")?.getattr("dict")?.call1((value,))?;
        let dict = dict.cast::<PyDict>()?;
        dict.iter()
            .map(|(k, v)| Ok((k.extract::<String>()?, v.extract::<f64>()?)))
            .collect::<PyResult<_>>()
            .map_err(|_| wanted())?
    } else {
        let values: Vec<f64> = value.extract().map_err(|_| wanted())?;
        if values.len() != P::NAMES.len() {
            return Err(wanted());
        }
        P::NAMES.iter().map(|n| n.to_string()).zip(values).collect()
    };
    let pairs: Vec<(&str, f64)> = pairs.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    tables::params_from_pairs(&pairs).map(Some).py_err(py)
}

fn params_dict<'py, P: ModelParams + Copy>(
    py: Python<'py>,
    known: &Known<P>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for e in known.estimates() {
        d.set_item(e.name, e.value)?;
    }
    Ok(d)
}

fn errors_dict<'py, P: ModelParams + Copy>(
    py: Python<'py>,
    known: &Known<P>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for e in known.estimates() {
        d.set_item(e.name, e.std_error)?;
    }
    Ok(d)
}

fn summary<'py, P: ModelParams + Copy>(
    py: Python<'py>,
    known: &Known<P>,
) -> PyResult<Bound<'py, PyAny>> {
    let frame = tables::estimates_frame(&known.estimates());
    convert::frame(py, &frame, To::Pandas)?.call_method1("set_index", ("parameter",))
}

fn repr<P: ModelParams + Copy>(
    name: &str,
    options: &FitOptions,
    known: Option<&Known<P>>,
) -> String {
    let Some(known) = known else {
        return format!(
            "<{name} (not fitted): penalizer={:?}, max_iterations={}, tolerance={:?}>",
            options.penalizer, options.max_iterations, options.tolerance
        );
    };
    let params: Vec<String> = known
        .estimates()
        .iter()
        .map(|e| format!("{}={:.4}", e.name, e.value))
        .collect();
    match known {
        Known::Fitted(f) => format!(
            "<{name} fitted on {} customers: {}; log-likelihood {:.2}>",
            f.n_customers(),
            params.join(", "),
            f.log_likelihood()
        ),
        Known::Given(_) => format!("<{name} with given parameters: {}>", params.join(", ")),
    }
}

/// The fitted parameters of a transaction model object, for `GammaGamma.clv`.
#[derive(Clone, Copy)]
enum AnyParams {
    Bg(BetaGeoParams),
    Mbg(ModifiedBetaGeoParams),
    Pnbd(ParetoNBDParams),
}

impl AnyParams {
    fn model(&self) -> &dyn TransactionModel {
        match self {
            AnyParams::Bg(p) => p,
            AnyParams::Mbg(p) => p,
            AnyParams::Pnbd(p) => p,
        }
    }

    fn of(model: &Bound<'_, PyAny>) -> PyResult<AnyParams> {
        let py = model.py();
        if let Ok(m) = model.cast::<PyBetaGeo>() {
            return Ok(AnyParams::Bg(m.borrow().known(py)?.params()));
        }
        if let Ok(m) = model.cast::<PyModifiedBetaGeo>() {
            return Ok(AnyParams::Mbg(m.borrow().known(py)?.params()));
        }
        if let Ok(m) = model.cast::<PyParetoNBD>() {
            return Ok(AnyParams::Pnbd(m.borrow().known(py)?.params()));
        }
        Err(invalid(
            py,
            format!(
                "model must be a BetaGeo, ModifiedBetaGeo or ParetoNBD, not {}",
                model.get_type()
            ),
        ))
    }
}

/// One of the three transaction models: the same Python surface over a core model type.
macro_rules! transaction_model {
    (
        $rust:ident, $name:literal, $config:ty, $params:ty,
        doc = $doc:expr, params_doc = $params_doc:literal
    ) => {
        #[doc = $doc]
        #[pyclass(module = "salespulse", name = $name, skip_from_py_object)]
        pub struct $rust {
            config: $config,
            known: Option<Known<$params>>,
        }

        impl $rust {
            fn known(&self, py: Python<'_>) -> PyResult<&Known<$params>> {
                self.known
                    .as_ref()
                    .ok_or_else(|| not_fitted(py, $name, "frequency, recency, T"))
            }
        }

        #[pymethods]
        impl $rust {
            #[new]
            #[pyo3(signature = (*, penalizer = 0.0, max_iterations = 1000, tolerance = 1e-9, initial_params = None))]
            fn new(
                py: Python<'_>,
                penalizer: f64,
                max_iterations: i64,
                tolerance: f64,
                initial_params: Option<&Bound<'_, PyAny>>,
            ) -> PyResult<Self> {
                let mut config = <$config>::default();
                config.options = fit_options(py, penalizer, max_iterations, tolerance)?;
                config.initial_params = self::initial_params::<$params>(initial_params)?;
                Ok(Self {
                    config,
                    known: None,
                })
            }

            /// A model with given parameters instead of fitted ones (from another tool, a
            /// paper or an earlier fit), for predictions.
            ///
            /// Args:
            ///     params: a dict of the parameters (lifetimes' ``params_`` works too), or the
            ///         numbers in the order of ``params``.
            ///
            /// Raises:
            ///     InvalidArgumentError: a parameter is missing, unknown or not finite and > 0.
            #[staticmethod]
            fn from_params(params: &Bound<'_, PyAny>) -> PyResult<Self> {
                Ok(Self {
                    config: <$config>::default(),
                    known: Some(Known::Given(given_params::<$params>(params)?)),
                })
            }

            /// Fits the model by maximum likelihood on one row per customer.
            ///
            /// Args:
            ///     frequency: repeat purchase periods per customer (whole numbers >= 0), as
            ///         ``rfm_summary`` gives them.
            ///     recency: age of each customer at their last purchase (0 when frequency is
            ///         0; at most T).
            ///     T: age of each customer at the end of the observation period.
            ///     weights: optional, how many customers each row stands for (>= 0).
            ///
            /// Each argument is a list, numpy array, pandas or polars Series or pyarrow array;
            /// a single number stands for every row. recency and T are in one time unit (days,
            /// weeks, ...), which the predictions then use too.
            ///
            /// Returns:
            ///     The model itself, fitted (so ``BetaGeo().fit(...)`` chains).
            ///
            /// Raises:
            ///     InvalidArgumentError: columns of different lengths (named), a bad row (its
            ///         number and rule: NaN, a fractional frequency, recency > T, ...), no
            ///         repeat buyers, or a fit that does not converge (with what to try:
            ///         max_iterations, a small penalizer, initial_params).
            #[pyo3(signature = (frequency, recency, T, weights = None))]
            #[allow(non_snake_case)]
            fn fit<'py>(
                slf: Bound<'py, Self>,
                frequency: &Bound<'py, PyAny>,
                recency: &Bound<'py, PyAny>,
                T: &Bound<'py, PyAny>,
                weights: Option<&Bound<'py, PyAny>>,
            ) -> PyResult<Bound<'py, Self>> {
                let py = slf.py();
                let (f, r, t) = (
                    floats(frequency, "frequency")?,
                    floats(recency, "recency")?,
                    floats(T, "T")?,
                );
                let w = weights
                    .filter(|w| !w.is_none())
                    .map(|w| floats(w, "weights"))
                    .transpose()?;
                let config = slf.borrow().config.clone();
                let fitted = run(py, || {
                    let mut columns = vec![
                        ("frequency", f.values()),
                        ("recency", r.values()),
                        ("T", t.values()),
                    ];
                    if let Some(w) = &w {
                        columns.push(("weights", w.values()));
                    }
                    let c = tables::broadcast(&columns)?;
                    let data = RfmData::new(&c[0], &c[1], &c[2]);
                    let data = match c.get(3) {
                        Some(w) => data.with_weights(w),
                        None => data,
                    };
                    config.fit(&data)
                })?;
                slf.borrow_mut().known = Some(Known::Fitted(fitted));
                Ok(slf)
            }

            #[doc = concat!("The fitted parameters as a dict: ", $params_doc, ".")]
            #[getter]
            fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                params_dict(py, self.known(py)?)
            }

            /// Standard errors of the parameters as a dict (None where the information matrix
            /// is singular), from the observed information, as lifetimes reports them.
            #[getter]
            fn standard_errors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                errors_dict(py, self.known(py)?)
            }

            /// The log-likelihood of the data at the fitted parameters (without the penalty).
            #[getter]
            fn log_likelihood(&self, py: Python<'_>) -> PyResult<f64> {
                Ok(self.known(py)?.fitted(py, $name)?.log_likelihood())
            }

            /// The parameters as a pandas DataFrame indexed by parameter, as lifetimes'
            /// ``summary``: coef, se(coef), lower 95% bound, upper 95% bound.
            #[getter]
            fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                summary(py, self.known(py)?)
            }

            /// The probability that each customer is still active ("alive") at T.
            ///
            /// Args:
            ///     frequency, recency, T: each customer's history, as for ``fit`` (in the
            ///         time unit of the fit).
            ///
            /// Returns:
            ///     A numpy float64 array (a float when every argument is a number).
            ///
            /// Raises:
            ///     InvalidArgumentError: lengths differ (named) or a row is invalid (numbered).
            #[pyo3(signature = (frequency, recency, T))]
            #[allow(non_snake_case)]
            fn p_alive<'py>(
                &self,
                py: Python<'py>,
                frequency: &Bound<'py, PyAny>,
                recency: &Bound<'py, PyAny>,
                T: &Bound<'py, PyAny>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let params = self.known(py)?.params();
                let f = floats(frequency, "frequency")?;
                let r = floats(recency, "recency")?;
                let t = floats(T, "T")?;
                let scalar = all_scalar(&[&f, &r, &t]);
                let out = run(py, || {
                    tables::p_alive_each(&params, f.values(), r.values(), t.values())
                })?;
                output(py, out, scalar)
            }

            /// Expected number of purchases of each customer in the next ``t`` periods, given
            /// their history (lifetimes' ``conditional_expected_number_of_purchases_up_to_time``).
            ///
            /// Args:
            ///     t: the horizon, in the time unit of the fit: a number, or one per customer.
            ///     frequency, recency, T: each customer's history, as for ``fit``.
            ///
            /// Returns:
            ///     A numpy float64 array (a float when every argument is a number).
            ///
            /// Raises:
            ///     InvalidArgumentError: lengths differ (named) or a row is invalid (numbered).
            #[pyo3(signature = (t, frequency, recency, T))]
            #[allow(non_snake_case)]
            fn expected_purchases<'py>(
                &self,
                py: Python<'py>,
                t: &Bound<'py, PyAny>,
                frequency: &Bound<'py, PyAny>,
                recency: &Bound<'py, PyAny>,
                T: &Bound<'py, PyAny>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let params = self.known(py)?.params();
                let h = floats(t, "t")?;
                let f = floats(frequency, "frequency")?;
                let r = floats(recency, "recency")?;
                let age = floats(T, "T")?;
                let scalar = all_scalar(&[&h, &f, &r, &age]);
                let out = run(py, || {
                    tables::expected_purchases_each(
                        &params,
                        h.values(),
                        f.values(),
                        r.values(),
                        age.values(),
                    )
                })?;
                output(py, out, scalar)
            }

            /// Expected number of repeat purchases in the first ``t`` periods of a customer
            /// just acquired (lifetimes' ``expected_number_of_purchases_up_to_time``).
            ///
            /// Args:
            ///     t: the horizon in the time unit of the fit: a number or an array of them.
            ///
            /// Returns:
            ///     A float, or a numpy float64 array for an array of horizons.
            #[pyo3(signature = (t))]
            fn expected_purchases_new_customer<'py>(
                &self,
                py: Python<'py>,
                t: &Bound<'py, PyAny>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let params = self.known(py)?.params();
                let h = floats(t, "t")?;
                let scalar = all_scalar(&[&h]);
                let out = run(py, || {
                    tables::expected_purchases_new_customer_each(&params, h.values())
                })?;
                output(py, out, scalar)
            }

            fn __repr__(&self) -> String {
                repr($name, &self.config.options, self.known.as_ref())
            }
        }
    };
}

/// The constructor arguments, shared by the four model docstrings.
macro_rules! options_doc {
    ($names:literal) => {
        concat!(
            "Args (keywords only):\n",
            "    penalizer: L2 penalty on the parameters, as lifetimes' ``penalizer_coef``\n",
            "        (default 0.0: plain maximum likelihood).\n",
            "    max_iterations: iteration limit of the optimiser (default 1000).\n",
            "    tolerance: convergence threshold on the gradient (default 1e-9).\n",
            "    initial_params: where the optimiser starts: a dict of ",
            $names,
            ",\n",
            "        or the numbers in that order (default: guesses from the data).\n\n",
            "Raises:\n",
            "    InvalidArgumentError: an option is out of range.\n"
        )
    };
}

transaction_model!(
    PyBetaGeo,
    "BetaGeo",
    BetaGeo,
    BetaGeoParams,
    doc = concat!(
        "The BG/NBD model (Fader, Hardie & Lee 2005): who is still a customer and how much they\n",
        "will buy, from each customer's frequency, recency and age (T).\n\n",
        "While alive, a customer buys as a Poisson process with rate ~ Gamma(r, alpha); after\n",
        "each repeat purchase they drop out with probability ~ Beta(a, b). Matches lifetimes'\n",
        "``BetaGeoFitter`` (same parameters, log-likelihood and predictions).\n\n",
        options_doc!("r, alpha, a, b"),
        "\nExample:\n",
        "    >>> summary = salespulse.rfm_summary(orders, \"customer_id\", \"date\", \"2024-06-30\",\n",
        "    ...                                  freq=\"W\")\n",
        "    >>> bg = salespulse.BetaGeo().fit(summary[\"frequency\"], summary[\"recency\"],\n",
        "    ...                               summary[\"T\"])\n",
        "    >>> bg.params                                   # {'r': ..., 'alpha': ..., ...}\n",
        "    >>> bg.p_alive(summary[\"frequency\"], summary[\"recency\"], summary[\"T\"])\n",
        "    >>> bg.expected_purchases(52, summary[\"frequency\"], summary[\"recency\"], summary[\"T\"])\n"
    ),
    params_doc = "r, alpha (purchase rates ~ Gamma(r, alpha)), a, b (dropout ~ Beta(a, b))"
);

transaction_model!(
    PyModifiedBetaGeo,
    "ModifiedBetaGeo",
    ModifiedBetaGeo,
    ModifiedBetaGeoParams,
    doc = concat!(
        "The MBG/NBD model (Batislam, Denizel & Filiztekin 2007): BG/NBD where a customer may\n",
        "also drop out right after the first purchase, so one-time buyers are not certainly\n",
        "alive. Matches lifetimes' ``ModifiedBetaGeoFitter``.\n\n",
        options_doc!("r, alpha, a, b"),
        "\nExample:\n",
        "    >>> mbg = salespulse.ModifiedBetaGeo().fit(frequency, recency, T)\n",
        "    >>> mbg.p_alive(0, 0, 38.9)   # below 1, unlike BG/NBD\n"
    ),
    params_doc = "r, alpha (purchase rates ~ Gamma(r, alpha)), a, b (dropout ~ Beta(a, b))"
);

transaction_model!(
    PyParetoNBD,
    "ParetoNBD",
    ParetoNBD,
    ParetoNBDParams,
    doc = concat!(
        "The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987): while alive a customer\n",
        "buys as a Poisson process with rate ~ Gamma(r, alpha); lifetimes are exponential with\n",
        "rate ~ Gamma(s, beta). Matches lifetimes' ``ParetoNBDFitter`` (and reaches the\n",
        "published maximum on CDNOW).\n\n",
        options_doc!("r, alpha, s, beta"),
        "\nExample:\n",
        "    >>> pnbd = salespulse.ParetoNBD().fit(frequency, recency, T)\n",
        "    >>> pnbd.expected_purchases(52, frequency, recency, T)\n"
    ),
    params_doc =
        "r, alpha (purchase rates ~ Gamma(r, alpha)), s, beta (dropout rates ~ Gamma(s, beta))"
);

/// The Gamma-Gamma spend model (Fader, Hardie & Lee 2005; Fader & Hardie 2013): the expected
/// value of a customer's transactions, and customer lifetime value with a transaction model.
///
/// A customer's transaction values are Gamma(p, nu) with nu ~ Gamma(q, v) across customers.
/// Fit it on repeat buyers' frequency and mean repeat-purchase value (``rfm_summary``'s
/// monetary_value); rows with frequency 0 are skipped. It assumes spend independent of
/// purchase frequency: check their correlation first. Matches lifetimes' ``GammaGammaFitter``.
///
/// Args (keywords only):
///     penalizer: L2 penalty on the parameters, as lifetimes' ``penalizer_coef`` (default 0.0).
///     max_iterations: iteration limit of the optimiser (default 1000).
///     tolerance: convergence threshold on the gradient (default 1e-9).
///     initial_params: where the optimiser starts: a dict of p, q, v, or the numbers in that
///         order (default: guesses from the data).
///
/// Raises:
///     InvalidArgumentError: an option is out of range.
///
/// Example:
///     >>> gg = salespulse.GammaGamma().fit(summary["frequency"], summary["monetary_value"])
///     >>> gg.expected_spend(summary["frequency"], summary["monetary_value"])
///     >>> gg.clv(bg, summary["frequency"], summary["recency"], summary["T"],
///     ...        summary["monetary_value"], months=12, time_unit="W")
#[pyclass(module = "salespulse", name = "GammaGamma", skip_from_py_object)]
pub struct PyGammaGamma {
    config: GammaGamma,
    known: Option<Known<GammaGammaParams>>,
}

impl PyGammaGamma {
    fn known(&self, py: Python<'_>) -> PyResult<&Known<GammaGammaParams>> {
        self.known
            .as_ref()
            .ok_or_else(|| not_fitted(py, "GammaGamma", "frequency, monetary_value"))
    }
}

#[pymethods]
impl PyGammaGamma {
    #[new]
    #[pyo3(signature = (*, penalizer = 0.0, max_iterations = 1000, tolerance = 1e-9, initial_params = None))]
    fn new(
        py: Python<'_>,
        penalizer: f64,
        max_iterations: i64,
        tolerance: f64,
        initial_params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let config = GammaGamma {
            options: fit_options(py, penalizer, max_iterations, tolerance)?,
            initial_params: self::initial_params::<GammaGammaParams>(initial_params)?,
        };
        Ok(PyGammaGamma {
            config,
            known: None,
        })
    }

    /// A model with given parameters instead of fitted ones, for predictions.
    ///
    /// Args:
    ///     params: a dict of p, q, v (lifetimes' ``params_`` works too), or the numbers in
    ///         that order.
    ///
    /// Raises:
    ///     InvalidArgumentError: a parameter is missing, unknown or not finite and > 0.
    #[staticmethod]
    fn from_params(params: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyGammaGamma {
            config: GammaGamma::default(),
            known: Some(Known::Given(given_params::<GammaGammaParams>(params)?)),
        })
    }

    /// Fits the model by maximum likelihood.
    ///
    /// Args:
    ///     frequency: repeat purchases per customer (whole numbers >= 0).
    ///     monetary_value: the mean value of each customer's repeat purchases (> 0 where
    ///         frequency > 0; rows with frequency 0 are skipped).
    ///     weights: optional, how many customers each row stands for.
    ///
    /// Each argument is a list, numpy array, pandas or polars Series or pyarrow array.
    ///
    /// Returns:
    ///     The model itself, fitted.
    ///
    /// Raises:
    ///     InvalidArgumentError: columns of different lengths (named), a bad row (numbered),
    ///         no repeat buyers, or a fit that does not converge.
    #[pyo3(signature = (frequency, monetary_value, weights = None))]
    fn fit<'py>(
        slf: Bound<'py, Self>,
        frequency: &Bound<'py, PyAny>,
        monetary_value: &Bound<'py, PyAny>,
        weights: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, Self>> {
        let py = slf.py();
        let f = floats(frequency, "frequency")?;
        let m = floats(monetary_value, "monetary_value")?;
        let w = weights
            .filter(|w| !w.is_none())
            .map(|w| floats(w, "weights"))
            .transpose()?;
        let config = slf.borrow().config.clone();
        let fitted = run(py, || {
            let mut columns = vec![("frequency", f.values()), ("monetary_value", m.values())];
            if let Some(w) = &w {
                columns.push(("weights", w.values()));
            }
            let c = tables::broadcast(&columns)?;
            let data = SpendData::new(&c[0], &c[1]);
            let data = match c.get(2) {
                Some(w) => data.with_weights(w),
                None => data,
            };
            config.fit(&data)
        })?;
        slf.borrow_mut().known = Some(Known::Fitted(fitted));
        Ok(slf)
    }

    /// The fitted parameters as a dict: p (shape of transaction values), q and v (shape and
    /// rate of their distribution across customers; v in money units).
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        params_dict(py, self.known(py)?)
    }

    /// Standard errors of the parameters as a dict (None where the information matrix is
    /// singular).
    #[getter]
    fn standard_errors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        errors_dict(py, self.known(py)?)
    }

    /// The log-likelihood of the repeat buyers' mean spends at the fitted parameters.
    #[getter]
    fn log_likelihood(&self, py: Python<'_>) -> PyResult<f64> {
        Ok(self.known(py)?.fitted(py, "GammaGamma")?.log_likelihood())
    }

    /// The parameters as a pandas DataFrame indexed by parameter, as lifetimes' ``summary``:
    /// coef, se(coef), lower 95% bound, upper 95% bound.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        summary(py, self.known(py)?)
    }

    /// Expected value of a transaction of each customer, given their repeat purchases
    /// (lifetimes' ``conditional_expected_average_profit``); the population mean where
    /// frequency is 0.
    ///
    /// Args:
    ///     frequency: repeat purchases per customer.
    ///     monetary_value: mean value of those purchases (any value >= 0 where frequency is 0).
    ///
    /// Returns:
    ///     A numpy float64 array (a float when both arguments are numbers).
    ///
    /// Raises:
    ///     InvalidArgumentError: lengths differ, a row is invalid, or q <= 1 (infinite mean).
    #[pyo3(signature = (frequency, monetary_value))]
    fn expected_spend<'py>(
        &self,
        py: Python<'py>,
        frequency: &Bound<'py, PyAny>,
        monetary_value: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let params = self.known(py)?.params();
        let f = floats(frequency, "frequency")?;
        let m = floats(monetary_value, "monetary_value")?;
        let scalar = all_scalar(&[&f, &m]);
        let out = run(py, || {
            tables::expected_spend_each(&params, f.values(), m.values())
        })?;
        output(py, out, scalar)
    }

    /// Customer lifetime value, as lifetimes' ``customer_lifetime_value``: for each month of
    /// the horizon, the customer's expected purchases in that month (from ``model``) times
    /// their expected spend, discounted, summed.
    ///
    /// Args:
    ///     model: a fitted BetaGeo, ModifiedBetaGeo or ParetoNBD.
    ///     frequency, recency, T: each customer's history, in the model's time unit.
    ///     monetary_value: mean value of each customer's repeat purchases.
    ///     months: the horizon in months (default 12).
    ///     discount_rate: monthly discount rate (default 0.01).
    ///     time_unit: the model's time unit: "D" (days, default), "W" (weeks), "H" (hours)
    ///         or "M" (months), as lifetimes' ``freq``.
    ///
    /// Returns:
    ///     A numpy float64 array (a float when every column argument is a number).
    ///
    /// Raises:
    ///     InvalidArgumentError: model is not a transaction model, lengths differ, a row or an
    ///         option is invalid.
    ///     Error: model is not fitted.
    #[pyo3(signature = (model, frequency, recency, T, monetary_value, months = 12, discount_rate = 0.01, time_unit = "D"))]
    #[allow(non_snake_case, clippy::too_many_arguments)]
    fn clv<'py>(
        &self,
        py: Python<'py>,
        model: &Bound<'py, PyAny>,
        frequency: &Bound<'py, PyAny>,
        recency: &Bound<'py, PyAny>,
        T: &Bound<'py, PyAny>,
        monetary_value: &Bound<'py, PyAny>,
        months: i64,
        discount_rate: f64,
        time_unit: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let params = self.known(py)?.params();
        let transactions = AnyParams::of(model)?;
        let months = u32::try_from(months).map_err(|_| {
            invalid(
                py,
                format!("months is {months}; it must be a whole number >= 0"),
            )
        })?;
        let options = ClvOptions {
            months,
            monthly_discount_rate: discount_rate,
            time_unit: tables::parse_time_unit(time_unit).py_err(py)?,
        };
        let f = floats(frequency, "frequency")?;
        let r = floats(recency, "recency")?;
        let t = floats(T, "T")?;
        let m = floats(monetary_value, "monetary_value")?;
        let scalar = all_scalar(&[&f, &r, &t, &m]);
        let out = run(py, || {
            let columns = [f.values(), r.values(), t.values(), m.values()];
            tables::clv_each(&params, transactions.model(), columns, &options)
        })?;
        output(py, out, scalar)
    }

    fn __repr__(&self) -> String {
        repr("GammaGamma", &self.config.options, self.known.as_ref())
    }
}

/// Frequency, recency, T (and monetary_value) per customer from a transactions table, as
/// lifetimes' ``summary_data_from_transaction_data``: the input of the BTYD models.
///
/// Definitions (lifetimes 0.11.3): dates become periods of ``freq``; transactions after the
/// observation end's period are dropped; purchases in one period count once (their values
/// summed). frequency = periods with a purchase - 1 (repeat purchases); recency = last
/// period - first period; T = the observation end's period - first period; monetary_value =
/// the mean value of the repeat periods (the first excluded), 0 without repeat purchases.
///
/// Args:
///     transactions: a pandas or polars DataFrame or a pyarrow Table (anything with
///         ``__arrow_c_stream__``), one row per transaction.
///     customer_col: the name of the customer id column.
///     date_col: the name of the date column (dates, timestamps or ISO text).
///     observation_end: the end of the observation period (a str, datetime.date, datetime
///         or pandas Timestamp); None (default) for the last transaction's day.
///     freq: "D" (days, default) or "W" (weeks from Monday to Sunday, pandas' "W").
///     monetary_col: the name of the transaction value column, if any.
///     to: "pandas" (default), "polars" or "arrow" (a pyarrow.Table).
///     date_format: how text dates are written: "auto" (ISO, YYYYMMDD), "day_first",
///         "month_first" or "excel".
///     timezone: the zone in which timezone-aware timestamps become days (default "UTC").
///
/// Returns:
///     One row per customer, sorted by id: the customer column (integers stay integers),
///     frequency, recency, T and, with monetary_col, monetary_value (floats, in periods).
///     Unlike lifetimes, the customer id is a column, not the index.
///
/// Raises:
///     SchemaError: the table lacks a named column (the message lists its columns).
///     InvalidArgumentError: a missing id, date or value, an unreadable date or a value that
///         is not a finite number (naming the row and column), or a bad freq or date.
///
/// Example:
///     >>> summary = salespulse.rfm_summary(transactions, "customer_id", "date",
///     ...     observation_end="1998-06-30", freq="W", monetary_col="amount")
#[pyfunction]
#[pyo3(signature = (transactions, customer_col, date_col, observation_end = None, freq = "D", monetary_col = None, to = "pandas", *, date_format = "auto", timezone = "UTC"))]
#[allow(clippy::too_many_arguments)]
pub fn rfm_summary<'py>(
    py: Python<'py>,
    transactions: &Bound<'py, PyAny>,
    customer_col: &str,
    date_col: &str,
    observation_end: Option<&Bound<'py, PyAny>>,
    freq: &str,
    monetary_col: Option<&str>,
    to: &str,
    date_format: &str,
    timezone: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let to = To::parse(py, to)?;
    let freq = tables::parse_freq(freq).py_err(py)?;
    let config = Config::default()
        .with_timezone(timezone)
        .map_err(|e| invalid(py, format!("timezone: {e}")))?;
    let format = DateFormat::parse(date_format).ok_or_else(|| {
        invalid(
            py,
            format!(
                "date_format is {date_format:?}; it must be \"auto\", \"day_first\", \
                 \"month_first\" or \"excel\""
            ),
        )
    })?;
    let observation_end = observation_end
        .filter(|v| !v.is_none())
        .map(|v| convert::day(v, "observation_end", &config))
        .transpose()?;
    let mut reader = convert::arrow_input(transactions, "")?.into_reader()?;
    let options = RfmSummaryOptions {
        customer_col,
        date_col,
        monetary_col,
        observation_end,
        freq,
        dates: DateReader::new(format, config.timezone),
    };
    let frame = run(py, || tables::rfm_summary_arrow(&mut *reader, &options))?;
    convert::frame(py, &frame, to)
}
