//! The metrics of an association rule A -> C, as mlxtend 0.25 defines them.
//!
//! Owns: [`Metric`] (the names mlxtend accepts for filtering, which are also its column names,
//! in its column order) and [`RuleMetrics::new`], the twelve values of a rule from three
//! supports, with mlxtend's operation order (so values agree to the last bit) and its
//! conventions for the undefined cases.
//!
//! Must not touch: which rules exist ([`super::rules`](mod@super::rules)).

use crate::error::{Error, Result};

/// A rule metric: the column names of [`association_rules`](super::association_rules) after
/// `antecedents` and `consequents`, and the names it accepts as `metric`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    /// sA, the support of the antecedent.
    AntecedentSupport,
    /// sC, the support of the consequent.
    ConsequentSupport,
    /// sAC, the support of antecedent and consequent together.
    Support,
    /// sAC / sA.
    Confidence,
    /// confidence / sC.
    Lift,
    /// The share of baskets without missing values: always 1 here (mlxtend computes it from
    /// `num_itemsets` and its null-value counts; there are no null values in baskets).
    Representativity,
    /// sAC - sA * sC.
    Leverage,
    /// (1 - sC) / (1 - confidence); infinite when the confidence is 1 (or more).
    Conviction,
    /// leverage / max(sAC * (1 - sA), sA * (sC - sAC)); 0 when that maximum is 0.
    ZhangsMetric,
    /// sAC / (sA + sC - sAC).
    Jaccard,
    /// (confidence - sC) / (1 - sC); 0 when sC is 1.
    Certainty,
    /// (sAC / sA + sAC / sC) / 2.
    Kulczynski,
}

impl Metric {
    /// Every metric, in mlxtend's column order.
    pub const ALL: [Metric; 12] = [
        Metric::AntecedentSupport,
        Metric::ConsequentSupport,
        Metric::Support,
        Metric::Confidence,
        Metric::Lift,
        Metric::Representativity,
        Metric::Leverage,
        Metric::Conviction,
        Metric::ZhangsMetric,
        Metric::Jaccard,
        Metric::Certainty,
        Metric::Kulczynski,
    ];

    /// mlxtend's name (also the column name).
    pub fn name(self) -> &'static str {
        match self {
            Metric::AntecedentSupport => "antecedent support",
            Metric::ConsequentSupport => "consequent support",
            Metric::Support => "support",
            Metric::Confidence => "confidence",
            Metric::Lift => "lift",
            Metric::Representativity => "representativity",
            Metric::Leverage => "leverage",
            Metric::Conviction => "conviction",
            Metric::ZhangsMetric => "zhangs_metric",
            Metric::Jaccard => "jaccard",
            Metric::Certainty => "certainty",
            Metric::Kulczynski => "kulczynski",
        }
    }

    /// The metric called `name` (mlxtend's names, exactly).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for any other name, listing the valid ones.
    ///
    /// ```
    /// use salespulse::itemsets::Metric;
    /// assert_eq!(Metric::from_name("zhangs_metric").unwrap(), Metric::ZhangsMetric);
    /// assert!(Metric::from_name("Lift").is_err());
    /// ```
    pub fn from_name(name: &str) -> Result<Metric> {
        Metric::ALL
            .into_iter()
            .find(|m| m.name() == name)
            .ok_or_else(|| {
                let names: Vec<String> = Metric::ALL
                    .iter()
                    .map(|m| format!("{:?}", m.name()))
                    .collect();
                Error::InvalidArgument(format!(
                    "unknown metric {name:?}; use one of {}",
                    names.join(", ")
                ))
            })
    }
}

impl std::str::FromStr for Metric {
    type Err = Error;
    fn from_str(name: &str) -> Result<Metric> {
        Metric::from_name(name)
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The metrics of one rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RuleMetrics {
    /// In the order of [`Metric::ALL`].
    pub values: [f64; 12],
}

impl RuleMetrics {
    /// The metrics of A -> C from the supports of A and C together (`s_ac`), of A and of C.
    ///
    /// Each formula is mlxtend's with `num_itemsets` at its default 1 and no null values, where
    /// `sAC * (1 - 0) / (sA * (1 - 0) - 0)` is exactly `sAC / sA`. (With `num_itemsets =
    /// len(df)` mlxtend computes `sAC * n / (sA * n)`, which can differ in the last bit: on the
    /// groceries data that turns one confidence of exactly 0.1 into 0.1 - 1 ulp and back.)
    pub fn new(s_ac: f64, s_a: f64, s_c: f64) -> RuleMetrics {
        let confidence = s_ac / s_a;
        let leverage = s_ac - s_a * s_c;
        let conviction = if confidence < 1.0 {
            (1.0 - s_c) / (1.0 - confidence)
        } else {
            f64::INFINITY
        };
        let zhang_denominator = nan_max(s_ac * (1.0 - s_a), s_a * (s_c - s_ac));
        let zhangs_metric = if zhang_denominator == 0.0 {
            0.0
        } else {
            leverage / zhang_denominator
        };
        let certainty = if 1.0 - s_c == 0.0 {
            0.0
        } else {
            (confidence - s_c) / (1.0 - s_c)
        };
        RuleMetrics {
            values: [
                s_a,
                s_c,
                s_ac,
                confidence,
                confidence / s_c,
                1.0,
                leverage,
                conviction,
                zhangs_metric,
                s_ac / (s_a + s_c - s_ac),
                certainty,
                (s_ac / s_a + s_ac / s_c) / 2.0,
            ],
        }
    }

    /// The value of `metric`.
    pub fn get(&self, metric: Metric) -> f64 {
        self.values[metric as usize]
    }
}

/// numpy's `maximum`: NaN when either is NaN.
fn nan_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_in_column_order() {
        for (i, m) in Metric::ALL.into_iter().enumerate() {
            assert_eq!(m as usize, i);
            assert_eq!(Metric::from_name(m.name()).unwrap(), m);
        }
        let err = Metric::from_name("confidance").unwrap_err().to_string();
        assert!(err.contains("\"confidence\"") && err.contains("\"kulczynski\""));
    }

    #[test]
    fn hand_checked_rule() {
        // 10 baskets: A in 4, C in 5, both in 2.
        let m = RuleMetrics::new(0.2, 0.4, 0.5);
        assert_eq!(m.get(Metric::Confidence), 0.5);
        assert_eq!(m.get(Metric::Lift), 1.0);
        assert!((m.get(Metric::Leverage) - 0.0).abs() < 1e-15);
        assert_eq!(m.get(Metric::Conviction), 1.0);
        assert!((m.get(Metric::Jaccard) - 0.2 / 0.7).abs() < 1e-15);
        assert_eq!(m.get(Metric::Kulczynski), (0.5 + 0.4) / 2.0);
    }

    #[test]
    fn certain_rules_have_infinite_conviction() {
        let m = RuleMetrics::new(0.3, 0.3, 0.6);
        assert_eq!(m.get(Metric::Confidence), 1.0);
        assert_eq!(m.get(Metric::Conviction), f64::INFINITY);
        // leverage 0.3 - 0.18 over max(0.3 * 0.7, 0.3 * 0.3)
        assert!((m.get(Metric::ZhangsMetric) - 0.12 / 0.21).abs() < 1e-12);
    }

    #[test]
    fn consequent_in_every_basket_has_zero_certainty_and_zhang() {
        let m = RuleMetrics::new(0.5, 0.5, 1.0);
        assert_eq!(m.get(Metric::Certainty), 0.0);
        // leverage 0 over max(0.5 * 0.5, 0.5 * 0.5)
        assert_eq!(m.get(Metric::ZhangsMetric), 0.0);
        assert_eq!(m.get(Metric::Conviction), f64::INFINITY);
    }
}
