//! `seasonal_due`: the season of an item the customer bought last season has begun, and the
//! customer has not bought it yet.
//!
//! Owns: the test of each customer's seasonal items (see [`crate::models::seasonality`]: a
//! product with seasonal strength ≥ 0.6 and a season of at most 26 weeks) against the
//! customer's own timing last season. Customers reorder seasonal items at much the same point
//! of the season each year (their stocking routine), so the item is *due* from the day of the
//! season on which the customer first bought it last season. It counts as **skipped** when the
//! customer has ordered since that day without it and more than one in-season interval of the
//! item plus half its usual gap between orders has passed (at least [`MIN_LATE_DAYS`]): one
//! routinely skipped reorder delays the item by about one interval, give or take the half gap
//! by which orders miss their due day, so a customer who keeps ordering but is later than that
//! has left the item out. Customers that stopped ordering altogether are
//! `customer_at_risk`'s, not this detector's (and one silent for three usual gaps is skipped).
//! The signal is raised only while the season can still be sold: its task, due
//! [`TASK_LEAD_DAYS`] after detection, must land before the season's last week ends.
//!
//! Value at stake: last season's amount of the item x the share of the season's sales still
//! ahead (the chance the customer still buys, if reminded now). Probability: 1 - (1 - h)^k for
//! k orders without the item, where h is the share of the customer's orders that carried it
//! last season (½ when it was bought once): the chance that k orders would all have missed it
//! by routine. False alarms come from customers who leave the item out of k orders by chance,
//! at rate (1 - h)^k, and from two routine skips in a row (2% each on the synthetic data).

use super::rhythm::median;
use super::{Detector, Scene};
use crate::config::Config;
use crate::models::seasonality::{profiles, season_purchases};
use crate::signal::{Signal, SignalKind};

/// The seasonal-due detector.
#[derive(Clone, Debug, Default)]
pub struct SeasonalDue;

/// Days from detection to the task's due date; the task must be due before the season ends.
pub const TASK_LEAD_DAYS: i32 = 7;
/// Days before a season's first week that still count as buying for it.
pub const EARLY_DAYS: i32 = 14;
/// The fewest days past the item's day of the season that can make it skipped.
pub const MIN_LATE_DAYS: f64 = 7.0;
/// A customer silent for more than this many usual gaps has stopped, not skipped a season.
const CHURN_GAPS: f64 = 3.0;

impl SeasonalDue {
    /// The detector.
    pub fn from_config(_config: &Config) -> SeasonalDue {
        SeasonalDue
    }
}

impl Detector for SeasonalDue {
    fn kind(&self) -> SignalKind {
        SignalKind::SeasonalDue
    }

    fn detect(&self, scene: &Scene<'_>) -> Vec<Signal> {
        let as_of = scene.as_of;
        let seasonal: Vec<_> = profiles(scene.state, as_of)
            .into_iter()
            .filter(|p| p.is_seasonal())
            .collect();
        let mut running = vec![None; scene.state.products().len()];
        for p in &seasonal {
            if let Some((start, end)) = p.season_around(as_of) {
                if as_of < end && as_of + TASK_LEAD_DAYS < end {
                    running[p.product.index()] = Some((p, start, end));
                }
            }
        }
        if running.iter().all(Option::is_none) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (id, customer) in scene.state.customers() {
            let days = scene.days_of(id);
            let Some(&last_order) = days.last() else {
                continue;
            };
            let gaps: Vec<f64> = days.windows(2).map(|w| f64::from(w[1] - w[0])).collect();
            let usual_gap = median(gaps).unwrap_or(30.0);
            if f64::from(as_of - last_order) > CHURN_GAPS * usual_gap.max(14.0) {
                continue;
            }
            for pair in customer.pairs() {
                let Some((profile, start, end)) = running[pair.product.index()] else {
                    continue;
                };
                let (start0, end0) = (start - 364, end - 364);
                let Some(last) = season_purchases(pair, start0 - EARLY_DAYS, end0) else {
                    continue;
                };
                if season_purchases(pair, start - EARLY_DAYS, as_of + 1).is_some() {
                    continue;
                }
                // Last season's share of the customer's orders that carried the item.
                let hit_rate = last.interval.map_or(0.5, |interval| {
                    let end = last.first + (interval * f64::from(last.days - 1)).round() as i32;
                    let orders = days.partition_point(|d| *d <= end)
                        - days.partition_point(|d| *d < last.first);
                    (f64::from(last.days) / orders.max(1) as f64).min(1.0)
                });
                let due = start + (last.first - start0).max(0);
                let late = f64::from(as_of - due);
                // Orders placed since the day the item was bought last season, all without it.
                let orders_without = days.len() - days.partition_point(|d| *d < due);
                let interval = last.interval.unwrap_or(usual_gap);
                let skipped =
                    orders_without >= 1 && late > (interval + 0.5 * usual_gap).max(MIN_LATE_DAYS);
                if !skipped {
                    continue;
                }
                let ahead = profile.share_after(as_of);
                let evidence = format!(
                    "bought {} for {:.0} last season (first on day {} of it); this season began \
                     {} and nothing yet, {:.0} days past that day; {:.0}% of the season's sales \
                     still ahead",
                    scene.state.product_text(pair.product),
                    last.net,
                    (last.first - start0).max(0) + 1,
                    start,
                    late,
                    100.0 * ahead
                );
                let signal = Signal::new(
                    SignalKind::SeasonalDue,
                    Some(id),
                    Some(pair.product),
                    as_of,
                    last.net * ahead,
                    1.0 - (1.0 - hit_rate).powi(orders_without as i32),
                    evidence,
                )
                .with_detail("last_season_amount", last.net)
                .with_detail("days_late", late)
                .with_detail("orders_without_item", orders_without as f64)
                .with_detail("season_ends_in_days", f64::from(end - as_of))
                .with_detail("seasonal_strength", profile.strength);
                out.push(signal);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::Day;
    use crate::model::OrderLine;
    use crate::Engine;

    /// Customers C0..C9 buy a steady item P0 every week; each buys the seasonal P1 on the first
    /// three Mondays of April in 2023 and, except C0, again in 2024.
    fn engine() -> Engine {
        let mut lines = Vec::new();
        let first = Day::from_ymd(2023, 1, 2).unwrap();
        for c in 0..10 {
            for week in 0..70 {
                let day = first + 7 * week;
                let line = |p: &str| {
                    OrderLine::new(
                        format!("O{c}-{week}-{p}"),
                        format!("C{c}"),
                        p,
                        day.to_date(),
                        1.0,
                        100.0,
                    )
                };
                lines.push(line("P0"));
                let april = day.to_date().format("%m").to_string() == "04";
                let buys = day.year() == 2023 || c != 0;
                if april && buys && (day.to_date().format("%d").to_string().as_str() < "22") {
                    lines.push(line("P1"));
                }
            }
        }
        let mut engine = Engine::new(Config::default()).unwrap();
        engine.ingest_order_rows(&lines);
        engine
    }

    #[test]
    fn the_customer_who_skips_this_season_is_due_and_the_others_are_not() {
        let engine = engine();
        let state = engine.state();
        let check = |day: Day| -> Vec<String> {
            engine
                .signal_list(Some(day))
                .unwrap()
                .into_iter()
                .filter(|s| s.kind == SignalKind::SeasonalDue)
                .map(|s| state.customer_text(s.customer.unwrap()).to_string())
                .collect()
        };
        // Early April 2024: the season has begun, but C0's day has not passed by a week.
        assert!(check(Day::from_ymd(2024, 4, 2).unwrap()).is_empty());
        // Mid April: C0 alone is late.
        assert_eq!(
            check(Day::from_ymd(2024, 4, 12).unwrap()),
            vec!["C0".to_string()]
        );
    }
}
