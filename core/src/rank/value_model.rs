//! The value model: what acting on a signal is worth this week.
//!
//! Owns: [`RankWeights`] (every weight of the model, with its builder and by-name setter, so
//! Python and Node set them as `rank={"escalation_base": 10, ...}`), [`signal_value`], the
//! value of acting on one signal, and [`typical_urgency`]. It reads signals; it must not change them, and it knows
//! nothing of customers, reps or tasks (that is [`super`]).
//!
//! # The model
//!
//! ```text
//! value of acting = value at stake × P(acting works) × urgency
//! P(acting works) = P(the finding is real) × P(a contact turns it around | real)
//!                 = signal.probability     × acting_works(kind)
//! urgency(a)      = escalation(a) × response(a)
//! escalation(a)   = min(escalation_cap, escalation_base ^ (a / escalation_stage_days))
//! response(a)     = 1 + (response_gain − 1) × exp(−a / response_days)
//! ```
//!
//! where `a` is the signal's *age*: how many days the problem has gone unhandled, read from the
//! signal's own numbers when it carries them ([`age_days`]): days overdue (an item), days late
//! (a season), days silent (a customer), days past the stage's 90th percentile (a deal). A
//! signal that carries none of them (a drop measured over a window, a team signal, a new kind)
//! gets the week's typical urgency ([`typical_urgency`]: the median over the signals that do),
//! so a kind is neither favoured nor penalised for not stating an age.
//!
//! - **Escalation (the 1-10-100 rule).** A problem costs 1 to prevent, 10 to correct and 100
//!   once it has become a failure: each stage it goes unhandled multiplies what it costs by
//!   ten. With the defaults a stage is 90 days (the default value horizon), so a lapse 45 days
//!   old weighs 10^0.5 ≈ 3.2 times a fresh one, a 90-day one 10 times, and nothing weighs more
//!   than 100 times (two stages: a lost account is the failure stage).
//! - **Response (the speed-to-contact finding).** Firms that contact a lead within an hour are
//!   about seven times as likely to qualify it as those who wait longer (Oldroyd, McElheny and
//!   Elkington, HBR 2011). Days are the engine's finest clock, so a problem that rose today
//!   (age 0) weighs up to `response_gain` = 7 times, decaying with `response_days` = 1 toward 1.
//!   Most weekly tasks are older than a day and get ≈ 1; the feed's fresh signals get the boost.
//! - **P(a contact turns it around | real)**, per kind ([`RankWeights::acting_works`]), defaults
//!   (judgement, to be calibrated by the backtest on outcomes):
//!
//! | kind | default | why |
//! | --- | --- | --- |
//! | `seasonal_due` | 0.45 | the need recurs; a timely reminder often is all it takes |
//! | `item_lapsed` | 0.35 | one item out of a live account: often a stock-out, an oversight or a price question |
//! | `deal_stalled` | 0.30 | a stalled deal still has a buyer; a nudge or a concession moves many |
//! | `pipeline_slowdown` | 0.30 | a manager's coaching and pipeline review |
//! | `frequency_drop` | 0.25 | the account is alive but splitting its orders; partly winnable |
//! | `variety_drop` | 0.25 | several items went elsewhere; some come back with an offer |
//! | `item_lapsed_across_similar` | 0.20 | a competitor's substitute: a price or a product answer is needed |
//! | `cross_sell` | 0.15 | adopting a new product is the least likely outcome of a call |
//! | `customer_at_risk` | 0.15 | win-back of a silent account succeeds in a minority of cases |
//! | `discount_spike` | 0.50 | an internal policy matter: a manager can usually stop it |
//! | any other kind | 0.25 | `acting_works_default`; a new signal kind needs no change here |
//!
//! The weights only scale values; they never hide a signal. All are set by name with
//! [`RankWeights::set`] (`acting_works.<kind>` for the per-kind values).

use crate::error::{Error, Result};
use crate::signal::{Signal, SignalKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every weight of the ranker. `RankWeights::default()` is the documented model (see
/// [`crate::rank::value_model`]).
///
/// ```
/// use salespulse::rank::RankWeights;
/// use salespulse::SignalKind;
/// let w = RankWeights::default()
///     .with("escalation_stage_days", 60.0).unwrap()
///     .with("acting_works.item_lapsed", 0.5).unwrap();
/// assert_eq!(w.acting_works(SignalKind::ItemLapsed), 0.5);
/// assert!(RankWeights::default().with("acting_works.nothing", 0.5).is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RankWeights {
    /// Cost multiplier per stage a problem goes unhandled (1-10-100: default 10).
    pub escalation_base: f64,
    /// Days per escalation stage (default 90).
    pub escalation_stage_days: f64,
    /// The largest escalation (default 100: two stages).
    pub escalation_cap: f64,
    /// How many times more often a contact on the day a problem rose works (default 7).
    pub response_gain: f64,
    /// Days over which the response gain decays (e-folding, default 1).
    pub response_days: f64,
    /// Weight of a customer's further signals in its task's value, after the strongest
    /// (default 0.5: findings about one customer overlap in the money they put at stake).
    pub merge_weight: f64,
    /// Diversity: each task of a kind already on a rep's list multiplies the next one's
    /// selection value by this (default 0.85: a fifth task of one kind needs to be worth about
    /// twice the best task of another kind).
    pub diversity: f64,
    /// P(a contact turns the problem around | the finding is real) for kinds not in
    /// `acting_works_by_kind` (default 0.25).
    pub acting_works_default: f64,
    /// The same per kind.
    pub acting_works_by_kind: BTreeMap<SignalKind, f64>,
}

impl Default for RankWeights {
    fn default() -> Self {
        use SignalKind::*;
        let by_kind = [
            (SeasonalDue, 0.45),
            (ItemLapsed, 0.35),
            (DealStalled, 0.30),
            (PipelineSlowdown, 0.30),
            (FrequencyDrop, 0.25),
            (VarietyDrop, 0.25),
            (ItemLapsedAcrossSimilar, 0.20),
            (CrossSell, 0.15),
            (CustomerAtRisk, 0.15),
            (DiscountSpike, 0.50),
        ];
        RankWeights {
            escalation_base: 10.0,
            escalation_stage_days: 90.0,
            escalation_cap: 100.0,
            response_gain: 7.0,
            response_days: 1.0,
            merge_weight: 0.5,
            diversity: 0.85,
            acting_works_default: 0.25,
            acting_works_by_kind: by_kind.into_iter().collect(),
        }
    }
}

/// The scalar weights' names, in declaration order.
const SCALARS: [&str; 8] = [
    "escalation_base",
    "escalation_stage_days",
    "escalation_cap",
    "response_gain",
    "response_days",
    "merge_weight",
    "diversity",
    "acting_works_default",
];

const ACTING_PREFIX: &str = "acting_works.";

impl RankWeights {
    /// P(a contact turns the problem around | real) for `kind`.
    pub fn acting_works(&self, kind: SignalKind) -> f64 {
        self.acting_works_by_kind
            .get(&kind)
            .copied()
            .unwrap_or(self.acting_works_default)
    }

    /// Every weight by name: the scalars, then `acting_works.<kind>` for every kind.
    pub fn entries(&self) -> Vec<(String, f64)> {
        let scalars = [
            self.escalation_base,
            self.escalation_stage_days,
            self.escalation_cap,
            self.response_gain,
            self.response_days,
            self.merge_weight,
            self.diversity,
            self.acting_works_default,
        ];
        let mut out: Vec<(String, f64)> = SCALARS
            .iter()
            .zip(scalars)
            .map(|(n, v)| (n.to_string(), v))
            .collect();
        out.extend(SignalKind::ALL.iter().map(|k| {
            (
                format!("{ACTING_PREFIX}{}", k.name()),
                self.acting_works(*k),
            )
        }));
        out
    }

    /// Sets the weight `name` (see [`RankWeights::entries`] for the names) and checks its range.
    pub fn set(&mut self, name: &str, value: f64) -> Result<()> {
        let name = name.trim();
        let bad = |range: &str| {
            Err(Error::Config(format!(
                "rank.{name} is {value}; it must be {range}"
            )))
        };
        if !value.is_finite() {
            return bad("a finite number");
        }
        if let Some(kind) = name.strip_prefix(ACTING_PREFIX) {
            let Some(kind) = SignalKind::parse(kind) else {
                return Err(Error::Config(format!(
                    "rank.{name}: {kind:?} is not a signal kind; the kinds are: {}",
                    SignalKind::ALL.map(SignalKind::name).join(", ")
                )));
            };
            if !(0.0..=1.0).contains(&value) {
                return bad("a probability between 0 and 1");
            }
            self.acting_works_by_kind.insert(kind, value);
            return Ok(());
        }
        let positive = value > 0.0;
        match name {
            "escalation_base" if value >= 1.0 => self.escalation_base = value,
            "escalation_base" => return bad("at least 1 (1 turns escalation off)"),
            "escalation_stage_days" if positive => self.escalation_stage_days = value,
            "escalation_cap" if value >= 1.0 => self.escalation_cap = value,
            "escalation_cap" => return bad("at least 1"),
            "response_gain" if value >= 1.0 => self.response_gain = value,
            "response_gain" => return bad("at least 1 (1 turns it off)"),
            "response_days" if positive => self.response_days = value,
            "escalation_stage_days" | "response_days" => return bad("more than 0 days"),
            "merge_weight" | "diversity" | "acting_works_default"
                if !(0.0..=1.0).contains(&value) =>
            {
                return bad("between 0 and 1")
            }
            "merge_weight" => self.merge_weight = value,
            "diversity" => self.diversity = value,
            "acting_works_default" => self.acting_works_default = value,
            _ => {
                return Err(Error::Config(format!(
                    "rank.{name} is not a ranking weight; the weights are: {}, and \
                     {ACTING_PREFIX}<signal kind>",
                    SCALARS.join(", ")
                )))
            }
        }
        Ok(())
    }

    /// [`RankWeights::set`] as a builder.
    pub fn with(mut self, name: &str, value: f64) -> Result<Self> {
        self.set(name, value)?;
        Ok(self)
    }

    /// Checks every weight (what [`RankWeights::set`] checks one at a time).
    pub fn validate(&self) -> Result<()> {
        let mut copy = self.clone();
        for (name, value) in self.entries() {
            copy.set(&name, value)?;
        }
        Ok(())
    }

    /// The urgency of a problem `age` days old: escalation × response (see the module docs).
    pub fn urgency(&self, age: f64) -> f64 {
        let age = age.max(0.0);
        let escalation = self
            .escalation_base
            .powf(age / self.escalation_stage_days)
            .min(self.escalation_cap);
        let response = 1.0 + (self.response_gain - 1.0) * (-age / self.response_days).exp();
        escalation * response
    }
}

/// How many days the problem behind `signal` has gone unhandled, from the numbers it carries:
/// `days_overdue`, `days_late`, `days_in_stage − stage_p90_days`, `days_silent` (the first
/// present); `None` when it carries none of them (a new kind, a team signal, a drop measured
/// over a window).
pub fn age_days(signal: &Signal) -> Option<f64> {
    let detail = |name: &str| signal.details.iter().find(|d| d.0 == name).map(|d| d.1);
    let age = detail("days_overdue")
        .or_else(|| detail("days_late"))
        .or_else(|| Some(detail("days_in_stage")? - detail("stage_p90_days")?))
        .or_else(|| detail("days_silent"))?;
    age.is_finite().then_some(age.max(0.0))
}

/// The urgency assumed for a signal that does not say how old its problem is: the median
/// urgency of the signals in `signals` that do (1 when none does). An unknown age is neither a
/// fresh problem (no response gain) nor an old one: it is taken as typical of the week.
pub fn typical_urgency(weights: &RankWeights, signals: &[Signal]) -> f64 {
    let mut known: Vec<f64> = signals
        .iter()
        .filter_map(age_days)
        .map(|a| weights.urgency(a))
        .collect();
    if known.is_empty() {
        return 1.0;
    }
    let mid = known.len() / 2;
    *known.select_nth_unstable_by(mid, f64::total_cmp).1
}

/// The value of acting on `signal` this week: value at stake × P(real) × P(acting works | real)
/// × urgency(age); `unknown_urgency` (see [`typical_urgency`]) when the signal does not say how
/// old its problem is.
pub fn signal_value(weights: &RankWeights, signal: &Signal, unknown_urgency: f64) -> f64 {
    let urgency = age_days(signal).map_or(unknown_urgency, |a| weights.urgency(a));
    let value =
        signal.value_at_stake * signal.probability * weights.acting_works(signal.kind) * urgency;
    if value.is_finite() {
        value.max(0.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::Day;

    #[test]
    fn urgency_follows_one_ten_hundred_and_the_response_gain() {
        let w = RankWeights::default();
        // A day-old problem has lost nearly all of the fast-response gain.
        assert!((w.urgency(0.0) - 7.0).abs() < 1e-12);
        let stage = w.urgency(90.0);
        assert!((stage - 10.0).abs() < 1e-6, "{stage}");
        assert!((w.urgency(180.0) - 100.0).abs() < 1e-6);
        assert_eq!(w.urgency(1000.0), 100.0, "capped at two stages");
        assert!(w.urgency(30.0) < w.urgency(60.0));
        let off = w.clone().with("escalation_base", 1.0).unwrap();
        assert!((off.urgency(200.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn value_multiplies_stake_probability_acting_and_urgency() {
        let w = RankWeights::default();
        let s = Signal::new(
            SignalKind::ItemLapsed,
            None,
            None,
            Day(0),
            1000.0,
            0.8,
            String::new(),
        )
        .with_detail("days_overdue", 45.0);
        let expected = 1000.0 * 0.8 * 0.35 * 10f64.powf(0.5) * (1.0 + 6.0 * (-45f64).exp());
        assert!((signal_value(&w, &s, 1.0) - expected).abs() < 1e-9);
        assert_eq!(age_days(&s), Some(45.0));
        let unknown = Signal::new(
            SignalKind::VarietyDrop,
            None,
            None,
            Day(0),
            1000.0,
            0.5,
            String::new(),
        );
        assert_eq!(age_days(&unknown), None);
        let typical = typical_urgency(&w, &[s.clone(), unknown.clone()]);
        assert!(
            (typical - w.urgency(45.0)).abs() < 1e-12,
            "the known signal's"
        );
        let v = signal_value(&w, &unknown, typical);
        assert!((v - 1000.0 * 0.5 * 0.25 * typical).abs() < 1e-9);
        assert_eq!(typical_urgency(&w, &[unknown]), 1.0);
    }

    #[test]
    fn every_weight_is_set_by_name_and_checked() {
        let mut w = RankWeights::default();
        for (name, value) in RankWeights::default().entries() {
            w.set(&name, value).unwrap();
        }
        assert_eq!(w, RankWeights::default());
        assert!(w.set("diversity", 1.5).is_err());
        assert!(w.set("escalation_base", 0.5).is_err());
        let err = w.set("urgency", 1.0).unwrap_err().to_string();
        assert!(err.contains("escalation_base"), "{err}");
        w.set("acting_works.cross_sell", 0.9).unwrap();
        assert_eq!(w.acting_works(SignalKind::CrossSell), 0.9);
        assert!(w.validate().is_ok());
    }
}
