//! The purchase rhythm behind a task, as the picture shows it.
//!
//! Owns: [`Rhythm`] (past purchase days of the task's item, or of the customer when the task
//! names no item; the window in which the next purchase was expected; today) and how it is read
//! from the state. The expected window is the last purchase plus the lower and upper quartile
//! of the recent intervals: a plain description of the customer's own habit, not the detectors'
//! model (which the evidence states). Drawing is [`super::svg`]'s.

use crate::day::Day;
use crate::ids::{CustomerId, ProductId};
use crate::state::State;
use serde::Serialize;

/// How far back the picture looks, in days.
pub const LOOKBACK_DAYS: i32 = 365;
/// Intervals that make the expected window (the most recent ones).
const RECENT_INTERVALS: usize = 12;

/// A customer's purchase rhythm for one item (or overall).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rhythm {
    /// The product id, when the rhythm is of one item.
    pub product_id: Option<String>,
    /// Purchase days within [`LOOKBACK_DAYS`] before `today`, ascending.
    pub purchases: Vec<Day>,
    /// The window in which the next purchase was expected, when there are at least two
    /// intervals.
    pub expected: Option<(Day, Day)>,
    /// The brief's day.
    pub today: Day,
}

impl Rhythm {
    /// The rhythm of `customer` for `product` (or all its purchases), as of `today`; `None` when
    /// it never bought.
    pub fn of(
        state: &State,
        customer: CustomerId,
        product: Option<ProductId>,
        today: Day,
    ) -> Option<Rhythm> {
        let c = state.customer(customer);
        let days: Vec<Day> = match product.and_then(|p| c.pair(p)) {
            Some(pair) => pair.purchase_days_until(today).collect(),
            None => c.purchase_days_until(today),
        };
        let last = *days.last()?;
        let mut gaps: Vec<i32> = days
            .windows(2)
            .rev()
            .take(RECENT_INTERVALS)
            .map(|w| w[1] - w[0])
            .collect();
        let expected = (gaps.len() >= 2).then(|| {
            gaps.sort_unstable();
            let q = |p: f64| gaps[((gaps.len() - 1) as f64 * p).round() as usize];
            (last + q(0.25), last + q(0.75))
        });
        let purchases = days
            .into_iter()
            .filter(|d| *d > today - LOOKBACK_DAYS)
            .collect();
        Some(Rhythm {
            product_id: product
                .filter(|p| c.pair(*p).is_some())
                .map(|p| state.product_text(p).to_string()),
            purchases,
            expected,
            today,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Engine, OrderLine};

    #[test]
    fn the_window_is_the_last_purchase_plus_the_interval_quartiles() {
        let mut engine = Engine::new(Config::default()).unwrap();
        let start = Day::from_ymd(2024, 1, 1).unwrap();
        let lines: Vec<OrderLine> = [0, 10, 20, 32, 40]
            .iter()
            .enumerate()
            .map(|(i, d)| {
                OrderLine::new(
                    format!("SO-{i}"),
                    "C1",
                    "P1",
                    (start + *d).to_date(),
                    1.0,
                    10.0,
                )
            })
            .collect();
        engine.ingest_order_rows(&lines);
        let state = engine.state();
        let c = state.customer_id("C1").unwrap();
        let p = state.product_id("P1");
        let r = Rhythm::of(state, c, p, start + 70).unwrap();
        assert_eq!(r.purchases.len(), 5);
        // Intervals 10, 10, 12, 8: quartiles 10 and 10 (nearest rank).
        assert_eq!(r.expected, Some((start + 50, start + 50)));
        assert_eq!(r.product_id.as_deref(), Some("P1"));
        assert!(Rhythm::of(state, c, p, start - 1).is_none());
    }
}
