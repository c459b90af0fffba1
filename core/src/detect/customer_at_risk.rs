//! `customer_at_risk`: the customer has probably stopped buying, and it was worth something.
//!
//! Owns: fitting the population's BG/NBD purchase process at the scene's day and reading each
//! customer's P(alive) from it, with Gamma-Gamma for the spend per purchase. Time is counted in
//! open days of the learned business calendar, so a year-end closure does not age everyone.
//! A customer is flagged when P(alive) < `at_risk_p_alive` and it made at least two repeat
//! purchases (one-off buyers are not "at risk", they never settled). Value at stake = expected
//! purchases over the horizon if alive x expected spend per purchase (Gamma-Gamma's conditional
//! mean, or the customer's own mean when the spend model cannot be fitted).

use super::{Detector, Scene};
use crate::config::Config;
use crate::ids::CustomerId;
use crate::models::btyd::{BetaGeo, GammaGamma, RfmData, SpendData, TransactionModel};
use crate::signal::{Signal, SignalKind};

/// The customer-at-risk detector.
#[derive(Clone, Debug)]
pub struct CustomerAtRisk {
    threshold: f64,
    horizon_days: f64,
}

/// Repeat purchases a customer needs before it can be "at risk".
const MIN_REPEATS: f64 = 2.0;

/// One customer's summary in open days.
struct Summary {
    customer: CustomerId,
    frequency: f64,
    recency: f64,
    age: f64,
    mean_spend: f64,
    silent_days: i32,
}

impl CustomerAtRisk {
    /// The detector with the configured threshold and horizon.
    pub fn from_config(config: &Config) -> CustomerAtRisk {
        CustomerAtRisk {
            threshold: config.thresholds.at_risk_p_alive,
            horizon_days: f64::from(config.horizon_days),
        }
    }
}

fn summaries(scene: &Scene<'_>) -> Vec<Summary> {
    let cal = &scene.calendar;
    scene
        .state
        .customers()
        .filter_map(|(id, _)| {
            let days = scene.days_of(id);
            let (first, last) = (*days.first()?, *days.last()?);
            let frequency = (days.len() - 1) as f64;
            let repeat_net = scene.net_between(id, first, scene.as_of);
            Some(Summary {
                customer: id,
                frequency,
                recency: cal.open_days(first, last),
                age: cal.open_days(first, scene.as_of),
                mean_spend: if frequency > 0.0 {
                    repeat_net / frequency
                } else {
                    0.0
                },
                silent_days: scene.as_of - last,
            })
        })
        .filter(|s| s.age > 0.0)
        .collect()
}

/// Expected spend per purchase for each summary: Gamma-Gamma when it fits, else own mean.
fn spend_per_purchase(all: &[Summary]) -> Vec<f64> {
    let (freq, spend): (Vec<f64>, Vec<f64>) = all
        .iter()
        .filter(|s| s.frequency > 0.0 && s.mean_spend > 0.0)
        .map(|s| (s.frequency, s.mean_spend))
        .unzip();
    let fitted = GammaGamma::new().fit(&SpendData::new(&freq, &spend)).ok();
    all.iter()
        .map(|s| match &fitted {
            Some(m) if s.frequency > 0.0 && s.mean_spend > 0.0 => m
                .expected_spend(s.frequency, s.mean_spend)
                .unwrap_or(s.mean_spend),
            _ => s.mean_spend.max(0.0),
        })
        .collect()
}

impl Detector for CustomerAtRisk {
    fn kind(&self) -> SignalKind {
        SignalKind::CustomerAtRisk
    }

    fn detect(&self, scene: &Scene<'_>) -> Vec<Signal> {
        let all = summaries(scene);
        let freq: Vec<f64> = all.iter().map(|s| s.frequency).collect();
        let rec: Vec<f64> = all.iter().map(|s| s.recency).collect();
        let age: Vec<f64> = all.iter().map(|s| s.age).collect();
        let Ok(model) = BetaGeo::new().fit(&RfmData::new(&freq, &rec, &age)) else {
            return Vec::new();
        };
        let open_share = scene.calendar.open_days(scene.as_of - 365, scene.as_of) / 365.0;
        let horizon = self.horizon_days * open_share;
        let spend = spend_per_purchase(&all);
        let mut out = Vec::new();
        for (s, spend) in all.iter().zip(spend) {
            if s.frequency < MIN_REPEATS {
                continue;
            }
            let Ok(p_alive) = model.p_alive(s.frequency, s.recency, s.age) else {
                continue;
            };
            if p_alive >= self.threshold {
                continue;
            }
            let conditional = model
                .expected_purchases(horizon, s.frequency, s.recency, s.age)
                .unwrap_or(0.0);
            let if_alive = if p_alive > 0.0 {
                conditional / p_alive
            } else {
                0.0
            };
            let value = if_alive * spend;
            let evidence = format!(
                "bought on {} days, about every {:.0} open days; nothing for {} days; P(alive) = {:.2}",
                s.frequency as usize + 1,
                s.recency / s.frequency,
                s.silent_days,
                p_alive
            );
            let signal = Signal::new(
                SignalKind::CustomerAtRisk,
                Some(s.customer),
                None,
                scene.as_of,
                value,
                1.0 - p_alive,
                evidence,
            )
            .with_detail("p_alive", p_alive)
            .with_detail("expected_purchases_if_alive", if_alive)
            .with_detail("days_silent", f64::from(s.silent_days));
            out.push(signal);
        }
        out
    }
}
