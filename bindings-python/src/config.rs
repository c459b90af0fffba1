//! `salespulse.Config`: the engine's settings, from keywords or a dict.

use crate::errors::{raise, CoreResult};
use chrono::Weekday;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use salespulse::Config;

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
const KEYS: &str =
    "timezone, week_start, tasks_per_rep, horizon_days, currency, stages, thresholds, rank";

/// Engine settings. Every argument is optional; an omitted one keeps its default.
///
/// Args:
///     timezone: IANA zone in which timestamps become calendar days (default "UTC").
///     week_start: first day of the business week, "monday".."sunday" (default "monday").
///     tasks_per_rep: tasks per rep in the weekly brief, 5..7 (default 7).
///     horizon_days: how far ahead value at stake is counted, 1..3650 (default 90).
///     currency: ISO code of all amounts (default: the first currency seen in the orders).
///     stages: CRM deal stages in pipeline order (default: learned from the deals).
///     thresholds: dict of detection cut-offs: active_window_days (default 90),
///         regular_min_purchases (2), frequency_drop_alpha (0.005), frequency_drop_ratio (0.5),
///         at_risk_p_alive (0.001), item_lapsed_probability (0.7), variety_drop_share (0.25),
///         similar_lapse_alpha (0.001), cross_sell_min_probability (0.03),
///         cross_sell_min_share (0.25), cross_sell_min_lift (1.5); see the Rust `Thresholds`
///         for each meaning.
///     rank: dict of the ranker's weights: escalation_base (10: the 1-10-100 rule),
///         escalation_stage_days (90), escalation_cap (100), response_gain (7),
///         response_days (1), merge_weight (0.5), diversity (0.85), acting_works_default
///         (0.25) and "acting_works.<signal kind>" (P(a contact works), per kind); see the
///         Rust `salespulse::rank::value_model` for the model.
///
/// Raises:
///     ConfigError: a value is out of range or a key is unknown.
///
/// Example:
///     >>> Config(timezone="Europe/Berlin", tasks_per_rep=5).tasks_per_rep
///     5
///     >>> Engine({"timezone": "Asia/Jerusalem", "week_start": "sunday"})  # a dict works too
#[pyclass(
    module = "salespulse",
    name = "Config",
    frozen,
    eq,
    skip_from_py_object
)]
#[derive(Clone, PartialEq)]
pub struct PyConfig {
    pub inner: Config,
}

fn config_error(py: Python<'_>, message: String) -> PyErr {
    raise(
        py,
        "ConfigError",
        format!("invalid configuration: {message}"),
    )
}

fn extract<'py, T: for<'a> FromPyObject<'a, 'py>>(
    value: &Bound<'py, PyAny>,
    key: &str,
    wanted: &str,
) -> PyResult<T> {
    value
        .extract::<T>()
        .map_err(|_| config_error(value.py(), format!("{key} must be {wanted}, not {value}")))
}

/// Sets one key of `config` from a Python value.
fn set(config: &mut Config, key: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = value.py();
    if value.is_none() {
        return match key {
            "currency" => {
                config.currency = None;
                Ok(())
            }
            "stages" | "thresholds" | "rank" | "timezone" | "week_start" | "tasks_per_rep"
            | "horizon_days" => Ok(()),
            _ => Err(unknown(py, key, KEYS)),
        };
    }
    match key {
        "timezone" => {
            let name: String = extract(value, key, "an IANA zone name such as \"UTC\"")?;
            *config = config.clone().with_timezone(&name).py_err(py)?;
        }
        "week_start" => {
            let name: String = extract(value, key, "a weekday name such as \"monday\"")?;
            config.week_start = name.trim().parse::<Weekday>().map_err(|_| {
                config_error(
                    py,
                    format!("week_start is {name:?}; it must be a weekday, \"monday\"..\"sunday\""),
                )
            })?;
        }
        "tasks_per_rep" => config.tasks_per_rep = extract(value, key, "an integer (5, 6 or 7)")?,
        "horizon_days" => config.horizon_days = extract(value, key, "a whole number of days")?,
        "currency" => {
            let code: String = extract(value, key, "a currency code such as \"EUR\"")?;
            *config = config.clone().with_currency(&code);
        }
        "stages" => {
            let stages: Vec<String> = extract(value, key, "a list of stage names")?;
            *config = config.clone().with_stages(stages);
        }
        "thresholds" => {
            let dict = value
                .cast::<PyDict>()
                .map_err(|_| config_error(py, format!("thresholds must be a dict, not {value}")))?;
            for (k, v) in dict.iter() {
                let k: String = k.extract()?;
                let v: f64 = extract(&v, &k, "a number")?;
                config
                    .thresholds
                    .set(&k, v)
                    .map_err(|e| config_error(py, e.to_string()))?;
            }
        }
        "rank" => {
            let dict = value
                .cast::<PyDict>()
                .map_err(|_| config_error(py, format!("rank must be a dict, not {value}")))?;
            for (k, v) in dict.iter() {
                let k: String = k.extract()?;
                let v: f64 = extract(&v, &k, "a number")?;
                config
                    .rank
                    .set(&k, v)
                    .map_err(|e| config_error(py, e.to_string()))?;
            }
        }
        _ => return Err(unknown(py, key, KEYS)),
    }
    Ok(())
}

fn unknown(py: Python<'_>, key: &str, known: &str) -> PyErr {
    config_error(py, format!("unknown key {key:?}; the keys are: {known}"))
}

impl PyConfig {
    /// A configuration from `None` (defaults), a dict or a `Config`.
    pub fn from_arg(value: Option<&Bound<'_, PyAny>>) -> PyResult<Config> {
        let Some(value) = value.filter(|v| !v.is_none()) else {
            return Ok(Config::default());
        };
        let py = value.py();
        if let Ok(config) = value.cast::<PyConfig>() {
            return Ok(config.get().inner.clone());
        }
        let dict = value.cast::<PyDict>().map_err(|_| {
            raise(
                py,
                "ConfigError",
                format!(
                    "config must be None, a dict or a salespulse.Config, not {}",
                    value.get_type()
                ),
            )
        })?;
        let mut config = Config::default();
        for (key, v) in dict.iter() {
            let key: String = key
                .extract()
                .map_err(|_| unknown(py, &key.to_string(), KEYS))?;
            set(&mut config, &key, &v)?;
        }
        config.validate().py_err(py)?;
        Ok(config)
    }
}

#[pymethods]
impl PyConfig {
    #[new]
    #[pyo3(signature = (*, timezone=None, week_start=None, tasks_per_rep=None, horizon_days=None, currency=None, stages=None, thresholds=None, rank=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        timezone: Option<&Bound<'_, PyAny>>,
        week_start: Option<&Bound<'_, PyAny>>,
        tasks_per_rep: Option<&Bound<'_, PyAny>>,
        horizon_days: Option<&Bound<'_, PyAny>>,
        currency: Option<&Bound<'_, PyAny>>,
        stages: Option<&Bound<'_, PyAny>>,
        thresholds: Option<&Bound<'_, PyAny>>,
        rank: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let dict = PyDict::new(py);
        for (key, value) in [
            ("timezone", timezone),
            ("week_start", week_start),
            ("tasks_per_rep", tasks_per_rep),
            ("horizon_days", horizon_days),
            ("currency", currency),
            ("stages", stages),
            ("thresholds", thresholds),
            ("rank", rank),
        ] {
            if let Some(v) = value {
                dict.set_item(key, v)?;
            }
        }
        Ok(PyConfig {
            inner: PyConfig::from_arg(Some(dict.as_any()))?,
        })
    }

    /// The IANA time zone, such as "UTC".
    #[getter]
    fn timezone(&self) -> &'static str {
        self.inner.timezone.name()
    }

    /// The first day of the week, "monday".."sunday".
    #[getter]
    fn week_start(&self) -> &'static str {
        WEEKDAYS[self.inner.week_start.num_days_from_monday() as usize]
    }

    /// Tasks per rep in the weekly brief.
    #[getter]
    fn tasks_per_rep(&self) -> usize {
        self.inner.tasks_per_rep
    }

    /// Value horizon in days.
    #[getter]
    fn horizon_days(&self) -> u32 {
        self.inner.horizon_days
    }

    /// The currency of all amounts, or None when taken from the orders.
    #[getter]
    fn currency(&self) -> Option<String> {
        self.inner.currency.clone()
    }

    /// Deal stages in pipeline order (empty: learned from the deals).
    #[getter]
    fn stages(&self) -> Vec<String> {
        self.inner.stages.clone()
    }

    /// Detection thresholds as a dict.
    #[getter]
    fn thresholds<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (name, value) in self.inner.thresholds.entries() {
            if salespulse::Thresholds::is_whole(name) {
                d.set_item(name, value as u64)?;
            } else {
                d.set_item(name, value)?;
            }
        }
        Ok(d)
    }

    /// The ranker's weights as a dict (see `rank` in the class documentation).
    #[getter]
    fn rank<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (name, value) in self.inner.rank.entries() {
            d.set_item(name, value)?;
        }
        Ok(d)
    }

    /// All settings as a dict (what `Config(**d)` and `Engine(d)` take back).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("timezone", self.timezone())?;
        d.set_item("week_start", self.week_start())?;
        d.set_item("tasks_per_rep", self.tasks_per_rep())?;
        d.set_item("horizon_days", self.horizon_days())?;
        d.set_item("currency", self.currency())?;
        d.set_item("stages", PyList::new(py, self.stages())?)?;
        d.set_item("thresholds", self.thresholds(py)?)?;
        d.set_item("rank", self.rank(py)?)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let d = self.to_dict(py)?;
        let parts: PyResult<Vec<String>> = d
            .iter()
            .map(|(k, v)| Ok(format!("{}={}", k, v.repr()?)))
            .collect();
        Ok(format!("Config({})", parts?.join(", ")))
    }
}
