//! `customer_at_risk`: the customer has probably stopped buying, and it was worth something.
//!
//! Owns: each customer's P(alive). The population's BG/NBD process is fitted at the scene's
//! day (time in open days of the learned business calendar, so a year-end closure does not age
//! everyone); it gives the dropout probability after each purchase, whose posterior mean for a
//! customer with x repeat purchases is a / (a + b + x). BG/NBD assumes Poisson buying while
//! alive, which is far too forgiving of a silence for B2B customers who order on a rhythm, so
//! the silence is scored under the customer's own renewal process instead (gamma intervals with
//! its mean and pooled CV, as in Platzer & Reutterer's regularity-aware models):
//!
//! P(alive | silent g) = (1 - p) S(g) / ((1 - p) S(g) + p),  S(g) = P(interval > g).
//!
//! With Poisson intervals S(g) = e^(-λg) and this is BG/NBD's form for a known λ. A silence the
//! customer also kept in the same weeks last year (a school's summer break) is seasonal, not a
//! risk. Flagged: P(alive) < `at_risk_p_alive` after at least two repeat purchases (one-off
//! buyers never settled). Value at stake = purchases over the horizon if alive (the horizon in
//! open days over the customer's mean interval) x expected spend per purchase (Gamma-Gamma's
//! conditional mean, or the customer's own mean when the spend model cannot be fitted). The
//! signal also carries BG/NBD's own P(alive) for comparison.

use super::rhythm::{gap_survival, interval_stats, median, pooled_cv2};
use super::{Detector, Scene};
use crate::config::Config;
use crate::ids::CustomerId;
use crate::models::btyd::{BetaGeo, GammaGamma, RfmData, SpendData, TransactionModel};
use crate::signal::{Signal, SignalKind};

/// The customer-at-risk detector.
#[derive(Clone, Debug)]
pub struct CustomerAtRisk {
    threshold: f64,
}

/// Repeat purchases a customer needs before it can be "at risk".
const MIN_REPEATS: f64 = 2.0;

/// One customer's summary in open days.
struct Summary {
    customer: CustomerId,
    /// Mean and CV² of the intervals in open days, with their count.
    rhythm: Option<(f64, f64, usize)>,
    /// Whether the customer was also silent during the same days a year earlier.
    silent_last_year: bool,
    frequency: f64,
    recency: f64,
    age: f64,
    mean_spend: f64,
    silent_days: i32,
}

impl CustomerAtRisk {
    /// The detector with the configured threshold (the horizon comes from the scene).
    pub fn from_config(config: &Config) -> CustomerAtRisk {
        CustomerAtRisk {
            threshold: config.thresholds.at_risk_p_alive,
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
            let (quiet_from, quiet_to) = (last - 365, scene.as_of - 365);
            let silent_last_year =
                quiet_from > first && !days.iter().any(|d| *d > quiet_from && *d <= quiet_to);
            let open_scale = cal.open_days(first, last) / f64::from((last - first).max(1));
            let rhythm = interval_stats(days)
                .map(|(m, cv2, n)| (current_mean(days, m) * open_scale, cv2, n));
            Some(Summary {
                customer: id,
                rhythm,
                silent_last_year,
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

/// Intervals that make the customer's *current* rhythm.
const RECENT_INTERVALS: usize = 3;

/// The mean interval the silence is judged against: the longer of the whole history's and the
/// last few intervals'. A customer who slowed down (a `frequency_drop`) is judged by its new,
/// slower rhythm, so its longer gaps are not mistaken for a stop; a customer who stopped had
/// its usual rhythm until the silence, so nothing changes for it.
fn current_mean(days: &[crate::day::Day], overall: f64) -> f64 {
    let recent = &days[days.len().saturating_sub(RECENT_INTERVALS + 1)..];
    let span = f64::from(recent[recent.len() - 1] - recent[0]);
    overall.max(span / (recent.len() - 1) as f64)
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
        let horizon = scene.horizon_open_days();
        let spend = spend_per_purchase(&all);
        let rhythms = all.iter().filter_map(|s| s.rhythm.map(|r| r.1));
        let population_cv2 = median(rhythms.collect()).unwrap_or(1.0);
        let (a, b) = (model.params().a, model.params().b);
        let mut out = Vec::new();
        for (s, spend) in all.iter().zip(spend) {
            let settled = s.frequency >= MIN_REPEATS && !s.silent_last_year;
            let Some((mean, cv2, n)) = s.rhythm.filter(|_| settled) else {
                continue;
            };
            let dropout = a / (a + b + s.frequency);
            let survival =
                gap_survival(s.age - s.recency, mean, pooled_cv2(cv2, n, population_cv2));
            let p_alive = (1.0 - dropout) * survival / ((1.0 - dropout) * survival + dropout);
            if p_alive >= self.threshold {
                continue;
            }
            let bgnbd_p_alive = model.p_alive(s.frequency, s.recency, s.age).unwrap_or(1.0);
            // If alive, the customer keeps its own rhythm: horizon / mean interval purchases.
            let if_alive = horizon / mean;
            let evidence = format!(
                "bought on {} days, about every {:.0} open days; nothing for {} days; P(alive) = {:.1e}",
                s.frequency as usize + 1,
                mean,
                s.silent_days,
                p_alive
            );
            let signal = Signal::new(
                SignalKind::CustomerAtRisk,
                Some(s.customer),
                None,
                scene.as_of,
                if_alive * spend,
                1.0 - p_alive,
                evidence,
            )
            .with_detail("p_alive", p_alive)
            .with_detail("p_alive_bgnbd", bgnbd_p_alive)
            .with_detail("expected_purchases_if_alive", if_alive)
            .with_detail("days_silent", f64::from(s.silent_days));
            out.push(signal);
        }
        out
    }
}
