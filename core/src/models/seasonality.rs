//! Seasonality: which products sell in a yearly season, when the season runs, and which
//! customers bought a seasonal product last season.
//!
//! Owns: the week-of-year profile of each product ([`SeasonalProfile`]) with its measured
//! **seasonal strength** and season window, and a customer's purchases of a product in a
//! season ([`SeasonPurchases`]).
//!
//! The profile is the product's net amount per week of the year (52 weeks; the last one or two
//! days of a year fold into week 52), averaged over the full years before the day it is read
//! (at least one). It is split as in STL into a smooth seasonal part S (the circular centred
//! moving average over [`SMOOTH_WEEKS`] weeks) and a remainder R = x - S, and the strength is
//! Hyndman's F_S = max(0, 1 - Var(R) / Var(S + R)). A product sold evenly has a white-noise
//! profile, for which the moving average keeps a fifth of the variance: F_S ≈ 0.2. A product
//! sold only in an 8-12 week window has F_S above 0.8. The season is the shortest run of
//! consecutive weeks (wrapping over the new year) that holds [`SEASON_SHARE`] of the year's
//! amount; a product is **seasonal** when F_S ≥ [`MIN_STRENGTH`] and that run spans at most half
//! the year (a school supplier's summer dip is strong but not a season).

use crate::day::Day;
use crate::ids::ProductId;
use crate::state::{PairHistory, State};
use chrono::Datelike;

/// Weeks in a profile.
pub const WEEKS: usize = 52;
/// Width of the moving average that makes the smooth seasonal part.
pub const SMOOTH_WEEKS: usize = 5;
/// Share of a year's amount that the season window holds.
pub const SEASON_SHARE: f64 = 0.8;
/// Seasonal strength from which a product counts as seasonal.
pub const MIN_STRENGTH: f64 = 0.6;
/// Longest season, in weeks.
pub const MAX_SEASON_WEEKS: usize = 26;

/// The week of the year of `day`: 0 for January 1-7, ..., 51 for December 23-31.
pub fn week_of_year(day: Day) -> usize {
    (day.to_date().ordinal0() as usize / 7).min(WEEKS - 1)
}

/// The first day of week `week` of `year`.
pub fn week_start(year: i32, week: usize) -> Day {
    Day::from_ymd(year, 1, 1).expect("January 1 exists") + 7 * week as i32
}

/// Seasonal strength F_S = max(0, 1 - Var(R) / Var(S + R)) of a circular weekly profile, with
/// S its centred moving average over [`SMOOTH_WEEKS`] weeks.
pub fn seasonal_strength(profile: &[f64]) -> f64 {
    let n = profile.len();
    if n < SMOOTH_WEEKS {
        return 0.0;
    }
    let half = (SMOOTH_WEEKS / 2) as isize;
    let smooth: Vec<f64> = (0..n as isize)
        .map(|i| {
            (-half..=half)
                .map(|k| profile[(i + k).rem_euclid(n as isize) as usize])
                .sum::<f64>()
                / SMOOTH_WEEKS as f64
        })
        .collect();
    let remainder: Vec<f64> = profile.iter().zip(&smooth).map(|(x, s)| x - s).collect();
    let total = variance(profile);
    if total <= 0.0 {
        return 0.0;
    }
    (1.0 - variance(&remainder) / total).max(0.0)
}

fn variance(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n
}

/// The shortest circular run of weeks holding at least `share` of the profile's total, as
/// (first week, number of weeks); the earliest such run on a tie. `None` for an empty profile.
pub fn season_window(profile: &[f64], share: f64) -> Option<(usize, usize)> {
    let n = profile.len();
    let total: f64 = profile.iter().sum();
    if n == 0 || total <= 0.0 {
        return None;
    }
    for len in 1..=n {
        let mut sum: f64 = profile[..len].iter().sum();
        for first in 0..n {
            if sum >= share * total - 1e-9 * total {
                return Some((first, len));
            }
            sum += profile[(first + len) % n] - profile[first];
        }
    }
    Some((0, n))
}

/// What one product's sales say about its season.
#[derive(Clone, Debug, PartialEq)]
pub struct SeasonalProfile {
    /// The product.
    pub product: ProductId,
    /// Mean net amount per week of the year.
    pub weekly: Vec<f64>,
    /// Seasonal strength F_S.
    pub strength: f64,
    /// The season window: first week and length in weeks.
    pub window: Option<(usize, usize)>,
    /// Full years the profile averages.
    pub years: u32,
}

impl SeasonalProfile {
    /// The profile of `weekly` (mean amount per week of the year).
    pub fn new(product: ProductId, weekly: Vec<f64>, years: u32) -> SeasonalProfile {
        SeasonalProfile {
            product,
            strength: seasonal_strength(&weekly),
            window: season_window(&weekly, SEASON_SHARE),
            weekly,
            years,
        }
    }

    /// Whether the product is seasonal (see the module documentation).
    pub fn is_seasonal(&self) -> bool {
        self.strength >= MIN_STRENGTH && self.window.is_some_and(|w| w.1 <= MAX_SEASON_WEEKS)
    }

    /// The season that has begun on or before `day` and began most recently: its first day and
    /// the day after its last week.
    pub fn season_around(&self, day: Day) -> Option<(Day, Day)> {
        let (first, len) = self.window?;
        let year = day.year();
        [year, year - 1]
            .into_iter()
            .map(|y| week_start(y, first))
            .find(|start| *start <= day)
            .map(|start| (start, start + 7 * len as i32))
    }

    /// The share of the season's amount that falls in its weeks after `day`'s week.
    pub fn share_after(&self, day: Day) -> f64 {
        let Some((first, len)) = self.window else {
            return 0.0;
        };
        let Some((start, _)) = self.season_around(day) else {
            return 0.0;
        };
        let done = (((day - start) / 7 + 1).max(0) as usize).min(len);
        let week = |k: usize| self.weekly[(first + k) % WEEKS];
        let total: f64 = (0..len).map(week).sum();
        if total <= 0.0 {
            return 0.0;
        }
        (done..len).map(week).sum::<f64>() / total
    }
}

/// Every product's profile from the full years of sales up to `as_of` (up to three years;
/// none when less than a year of data precedes `as_of`).
pub fn profiles(state: &State, as_of: Day) -> Vec<SeasonalProfile> {
    let Some(first) = state
        .customers()
        .filter_map(|(_, c)| c.totals.first_day)
        .min()
    else {
        return Vec::new();
    };
    let years = ((as_of - first + 1) / 365).min(3);
    if years < 1 {
        return Vec::new();
    }
    let from = as_of - 365 * years;
    // The week of the year of every day of the window, computed once.
    let weeks: Vec<u8> = (1..=365 * years)
        .map(|k| week_of_year(from + k) as u8)
        .collect();
    let mut sums = vec![[0.0f64; WEEKS]; state.products().len()];
    for (_, customer) in state.customers() {
        for pair in customer.pairs() {
            let lines = pair.until(as_of);
            let start = lines.partition_point(|p| p.day <= from);
            for line in &lines[start..] {
                let w = weeks[(line.day - from - 1) as usize] as usize;
                sums[pair.product.index()][w] += f64::from(line.net);
            }
        }
    }
    sums.into_iter()
        .enumerate()
        .map(|(i, s)| {
            let weekly = s.iter().map(|v| v / f64::from(years)).collect();
            SeasonalProfile::new(ProductId(i as u32), weekly, years as u32)
        })
        .collect()
}

/// A customer's purchases of one product in one season.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SeasonPurchases {
    /// Purchase days.
    pub days: u32,
    /// Net amount.
    pub net: f64,
    /// The first purchase day.
    pub first: Day,
    /// Mean days between purchase days (`None` for a single purchase day).
    pub interval: Option<f64>,
}

/// `pair`'s purchases in `[from, to)`; `None` when there were none.
pub fn season_purchases(pair: &PairHistory, from: Day, to: Day) -> Option<SeasonPurchases> {
    let days: Vec<Day> = pair
        .purchase_days_until(to - 1)
        .filter(|d| *d >= from)
        .collect();
    let (&first, &last) = (days.first()?, days.last()?);
    let net = pair
        .until(to - 1)
        .iter()
        .filter(|p| p.day >= from)
        .map(|p| f64::from(p.net))
        .sum();
    Some(SeasonPurchases {
        days: days.len() as u32,
        net,
        first,
        interval: (days.len() > 1).then(|| f64::from(last - first) / (days.len() - 1) as f64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_of_the_year() {
        assert_eq!(week_of_year(Day::from_ymd(2024, 1, 7).unwrap()), 0);
        assert_eq!(week_of_year(Day::from_ymd(2024, 1, 8).unwrap()), 1);
        assert_eq!(week_of_year(Day::from_ymd(2024, 12, 31).unwrap()), 51);
        assert_eq!(week_start(2024, 1), Day::from_ymd(2024, 1, 8).unwrap());
    }

    #[test]
    fn a_flat_profile_has_no_strength_and_a_season_has_much() {
        assert_eq!(seasonal_strength(&[3.0; 52]), 0.0);
        let mut season = [0.0; 52];
        for w in season.iter_mut().skip(10).take(10) {
            *w = 10.0;
        }
        let s = seasonal_strength(&season);
        // Var(x) = 10²·(10/52)(42/52) = 15.53; the remainder lives on the 4 weeks at each edge.
        assert!(s > 0.8 && s < 1.0, "{s}");
        // Noise without a season: the moving average keeps only a small part of its variance.
        let mut x: u64 = 7;
        let noise: Vec<f64> = (0..52)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                100.0 + (x >> 33) as f64 / (1u64 << 31) as f64
            })
            .collect();
        assert!(
            seasonal_strength(&noise) < 0.45,
            "{}",
            seasonal_strength(&noise)
        );
    }

    #[test]
    fn the_season_window_is_the_shortest_run_holding_the_share() {
        let mut p = [0.0; 52];
        p[50] = 1.0;
        p[51] = 4.0;
        p[0] = 4.0;
        p[1] = 1.0;
        assert_eq!(
            season_window(&p, 0.8),
            Some((51, 2)),
            "wraps over the new year"
        );
        assert_eq!(season_window(&p, 1.0), Some((50, 4)));
        assert_eq!(season_window(&[0.0; 52], 0.8), None);
        let profile = SeasonalProfile::new(ProductId(0), p.to_vec(), 1);
        assert!(profile.is_seasonal(), "{profile:?}");
        // On 2025-01-03 the season that began in week 51 of 2024 is running.
        let (start, end) = profile
            .season_around(Day::from_ymd(2025, 1, 3).unwrap())
            .unwrap();
        assert_eq!(start, Day::from_ymd(2024, 12, 23).unwrap());
        assert_eq!(end, start + 14);
    }

    #[test]
    fn season_purchases_by_hand() {
        use crate::state::Purchase;
        let mut pair = PairHistory::new(ProductId(0));
        for (d, net) in [(5, 10.0), (20, 20.0), (30, 30.0), (60, 5.0)] {
            pair.insert(Purchase {
                day: Day(d),
                quantity: 1.0,
                net,
                list: None,
            });
        }
        let s = season_purchases(&pair, Day(10), Day(60)).unwrap();
        assert_eq!(
            (s.days, s.net, s.first, s.interval),
            (2, 50.0, Day(20), Some(10.0))
        );
        assert!(season_purchases(&pair, Day(61), Day(90)).is_none());
    }
}
