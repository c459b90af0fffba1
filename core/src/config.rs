//! Engine configuration.
//!
//! Owns: [`Config`] and its builder, with the validation of every value. Detectors read their
//! thresholds from here; nothing else in the crate hard-codes a tunable.

use crate::error::{Error, Result};
use crate::rank::RankWeights;
use chrono::Weekday;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Everything an [`Engine`](crate::Engine) can be told up front. `Config::default()` is a sensible
/// start; change fields with the builder methods.
///
/// ```
/// use salespulse::Config;
/// let config = Config::default()
///     .with_timezone("Asia/Jerusalem").unwrap()
///     .with_week_start(chrono::Weekday::Sun)
///     .with_tasks_per_rep(6).unwrap();
/// assert_eq!(config.tasks_per_rep, 6);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// The zone in which timestamps become calendar days (default UTC).
    pub timezone: Tz,
    /// The first day of the business week (default Monday).
    pub week_start: Weekday,
    /// Tasks per rep in the weekly brief (default 7; 5..=7 unless widened).
    pub tasks_per_rep: usize,
    /// How far ahead value at stake is counted, in days (default 90).
    pub horizon_days: u32,
    /// The currency of all amounts; `None` takes the first currency seen in the orders.
    pub currency: Option<String>,
    /// Deal stages in pipeline order. When set, a deal in any other stage is rejected; when empty,
    /// stages are learned from the deals as they come.
    pub stages: Vec<String>,
    /// Detection thresholds.
    pub thresholds: Thresholds,
    /// The ranker's weights (see [`crate::rank::value_model`]).
    pub rank: RankWeights,
}

/// Cut-offs of the KPIs and detectors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// A customer is *active* at a day when it bought within this many days before it (default 90).
    pub active_window_days: u32,
    /// A product is in a customer's *regular* assortment when bought on at least this many
    /// distinct days within the active window (default 2).
    pub regular_min_purchases: u32,
    /// `frequency_drop`: the largest P(a count this low | the customer's usual rate) still
    /// reported (default 0.005).
    pub frequency_drop_alpha: f64,
    /// `frequency_drop`: the recent count must be at most this share of the expected one
    /// (default 0.5).
    pub frequency_drop_ratio: f64,
    /// `customer_at_risk`: P(alive) below this flags a customer (default 0.001).
    pub at_risk_p_alive: f64,
    /// `item_lapsed`: P(the pair stopped | its open gap) at or above this flags a regular pair
    /// (default 0.7: on the 2,000-customer synthetic distributor, advanced day by day, the
    /// lowest that keeps precision at 0.8, so the earliest alarm that does; see BENCHMARKS.md).
    /// The probabilities are calibrated, so this is also about the share of alarms that are
    /// real stops.
    pub item_lapsed_probability: f64,
    /// `variety_drop`: lapsed pairs must be at least this share of the customer's regular
    /// items, and at least two (default 0.25).
    pub variety_drop_share: f64,
    /// `item_lapsed_across_similar`: the false-alarm rate of one scan over every segment and
    /// product together (Bonferroni; default 0.001).
    pub similar_lapse_alpha: f64,
    /// `cross_sell`: an offer is a signal only when P(the customer starts buying it within the
    /// horizon) reaches this (default 0.03) ...
    pub cross_sell_min_probability: f64,
    /// ... at least this share of the customer's similar customers buy it (default 0.25) ...
    pub cross_sell_min_share: f64,
    /// ... and a rule from the customer's own items implies it with at least this lift
    /// (default 1.5).
    pub cross_sell_min_lift: f64,
}

impl Thresholds {
    /// The names of the thresholds, in declaration order.
    pub const NAMES: [&'static str; 11] = [
        "active_window_days",
        "regular_min_purchases",
        "frequency_drop_alpha",
        "frequency_drop_ratio",
        "at_risk_p_alive",
        "item_lapsed_probability",
        "variety_drop_share",
        "similar_lapse_alpha",
        "cross_sell_min_probability",
        "cross_sell_min_share",
        "cross_sell_min_lift",
    ];

    /// Every threshold with its value, by the names of [`Thresholds::NAMES`] (the bindings'
    /// dicts and objects are made from this).
    pub fn entries(&self) -> [(&'static str, f64); 11] {
        let values = [
            f64::from(self.active_window_days),
            f64::from(self.regular_min_purchases),
            self.frequency_drop_alpha,
            self.frequency_drop_ratio,
            self.at_risk_p_alive,
            self.item_lapsed_probability,
            self.variety_drop_share,
            self.similar_lapse_alpha,
            self.cross_sell_min_probability,
            self.cross_sell_min_share,
            self.cross_sell_min_lift,
        ];
        let mut out = [("", 0.0); 11];
        for (slot, (name, value)) in out.iter_mut().zip(Self::NAMES.into_iter().zip(values)) {
            *slot = (name, value);
        }
        out
    }

    /// Whether the threshold `name` is a whole number (days or purchases).
    pub fn is_whole(name: &str) -> bool {
        matches!(name, "active_window_days" | "regular_min_purchases")
    }

    /// Sets the threshold `name`. Ranges are checked by [`Config::validate`]; here an unknown
    /// name, or a fraction where a whole number of days or purchases is due, is an error.
    pub fn set(&mut self, name: &str, value: f64) -> Result<()> {
        let whole = |v: f64| -> Result<u32> {
            if v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v) {
                Ok(v as u32)
            } else {
                Err(Error::Config(format!(
                    "thresholds.{name} is {v}; it must be a whole number"
                )))
            }
        };
        match name {
            "active_window_days" => self.active_window_days = whole(value)?,
            "regular_min_purchases" => self.regular_min_purchases = whole(value)?,
            "frequency_drop_alpha" => self.frequency_drop_alpha = value,
            "frequency_drop_ratio" => self.frequency_drop_ratio = value,
            "at_risk_p_alive" => self.at_risk_p_alive = value,
            "item_lapsed_probability" => self.item_lapsed_probability = value,
            "variety_drop_share" => self.variety_drop_share = value,
            "similar_lapse_alpha" => self.similar_lapse_alpha = value,
            "cross_sell_min_probability" => self.cross_sell_min_probability = value,
            "cross_sell_min_share" => self.cross_sell_min_share = value,
            "cross_sell_min_lift" => self.cross_sell_min_lift = value,
            _ => {
                return Err(Error::Config(format!(
                    "thresholds.{name} is not a threshold; the thresholds are: {}",
                    Self::NAMES.join(", ")
                )))
            }
        }
        Ok(())
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            active_window_days: 90,
            regular_min_purchases: 2,
            frequency_drop_alpha: 0.005,
            frequency_drop_ratio: 0.5,
            at_risk_p_alive: 0.001,
            item_lapsed_probability: 0.7,
            variety_drop_share: 0.25,
            similar_lapse_alpha: 0.001,
            cross_sell_min_probability: 0.03,
            cross_sell_min_share: 0.25,
            cross_sell_min_lift: 1.5,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            timezone: Tz::UTC,
            week_start: Weekday::Mon,
            tasks_per_rep: 7,
            horizon_days: 90,
            currency: None,
            stages: Vec::new(),
            thresholds: Thresholds::default(),
            rank: RankWeights::default(),
        }
    }
}

impl Config {
    /// Sets the time zone from its IANA name ("Europe/Berlin", "UTC").
    pub fn with_timezone(mut self, name: &str) -> Result<Self> {
        self.timezone = name.parse().map_err(|_| {
            Error::Config(format!(
                "unknown time zone {name:?}: use an IANA name such as \"UTC\" or \"Europe/Berlin\""
            ))
        })?;
        Ok(self)
    }

    /// Sets the first day of the week.
    pub fn with_week_start(mut self, weekday: Weekday) -> Self {
        self.week_start = weekday;
        self
    }

    /// Sets the number of tasks per rep (5..=7).
    pub fn with_tasks_per_rep(mut self, n: usize) -> Result<Self> {
        self.tasks_per_rep = n;
        self.validate()?;
        Ok(self)
    }

    /// Sets the value horizon in days (1..=3650).
    pub fn with_horizon_days(mut self, days: u32) -> Result<Self> {
        self.horizon_days = days;
        self.validate()?;
        Ok(self)
    }

    /// Fixes the currency of all amounts.
    pub fn with_currency(mut self, code: &str) -> Self {
        self.currency = Some(code.trim().to_ascii_uppercase());
        self
    }

    /// Sets the ranker's weights.
    pub fn with_rank_weights(mut self, weights: RankWeights) -> Result<Self> {
        weights.validate()?;
        self.rank = weights;
        Ok(self)
    }

    /// Fixes the deal stages, in pipeline order.
    pub fn with_stages<I: IntoIterator<Item = S>, S: Into<String>>(mut self, stages: I) -> Self {
        self.stages = stages.into_iter().map(Into::into).collect();
        self
    }

    /// Checks every value; the engine calls this before it starts.
    pub fn validate(&self) -> Result<()> {
        if !(5..=7).contains(&self.tasks_per_rep) {
            return Err(Error::Config(format!(
                "tasks_per_rep is {}, it must be 5, 6 or 7",
                self.tasks_per_rep
            )));
        }
        if !(1..=3650).contains(&self.horizon_days) {
            return Err(Error::Config(format!(
                "horizon_days is {}, it must be between 1 and 3650",
                self.horizon_days
            )));
        }
        if !(7..=3650).contains(&self.thresholds.active_window_days) {
            return Err(Error::Config(format!(
                "thresholds.active_window_days is {}, it must be between 7 and 3650",
                self.thresholds.active_window_days
            )));
        }
        if self.thresholds.regular_min_purchases == 0 {
            return Err(Error::Config(
                "thresholds.regular_min_purchases must be at least 1".into(),
            ));
        }
        let t = &self.thresholds;
        for (name, value, range) in [
            ("frequency_drop_alpha", t.frequency_drop_alpha, 0.0..=0.5),
            ("frequency_drop_ratio", t.frequency_drop_ratio, 0.0..=1.0),
            ("at_risk_p_alive", t.at_risk_p_alive, 0.0..=1.0),
            (
                "item_lapsed_probability",
                t.item_lapsed_probability,
                0.5..=1.0,
            ),
            ("variety_drop_share", t.variety_drop_share, 0.0..=1.0),
            ("similar_lapse_alpha", t.similar_lapse_alpha, 0.0..=0.5),
            (
                "cross_sell_min_probability",
                t.cross_sell_min_probability,
                0.0..=1.0,
            ),
            ("cross_sell_min_share", t.cross_sell_min_share, 0.0..=1.0),
            ("cross_sell_min_lift", t.cross_sell_min_lift, 0.0..=1e6),
        ] {
            if !range.contains(&value) {
                return Err(Error::Config(format!(
                    "thresholds.{name} is {value}, it must be between {} and {}",
                    range.start(),
                    range.end()
                )));
            }
        }
        self.rank.validate()?;
        let mut seen = std::collections::HashSet::new();
        for stage in &self.stages {
            if stage.trim().is_empty() || !seen.insert(stage.trim()) {
                return Err(Error::Config(format!(
                    "stages must be distinct and non-empty; {stage:?} is not"
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_out_of_range_values_with_the_field_name() {
        let err = Config::default().with_tasks_per_rep(9).unwrap_err();
        assert!(err.to_string().contains("tasks_per_rep is 9"), "{err}");
        let err = Config::default().with_timezone("Mars/Olympus").unwrap_err();
        assert!(err.to_string().contains("Mars/Olympus"), "{err}");
        let err = Config::default()
            .with_stages(["a", "b", "a"])
            .validate()
            .unwrap_err();
        assert!(err.to_string().contains("\"a\""), "{err}");
        assert!(Config::default().validate().is_ok());
    }

    #[test]
    fn thresholds_are_set_and_read_by_name() {
        let mut t = Thresholds::default();
        for (name, value) in Thresholds::default().entries() {
            t.set(name, value).unwrap();
        }
        assert_eq!(t, Thresholds::default());
        t.set("item_lapsed_probability", 0.85).unwrap();
        assert_eq!(t.item_lapsed_probability, 0.85);
        assert!(t.entries().contains(&("item_lapsed_probability", 0.85)));
        let unknown = t.set("item_lapse", 0.8).unwrap_err().to_string();
        assert!(unknown.contains("item_lapsed_probability"), "{unknown}");
        assert!(t.set("active_window_days", 30.5).is_err());
    }
}
