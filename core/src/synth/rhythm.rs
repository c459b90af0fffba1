//! When a customer orders: a renewal process of gamma intervals with a low coefficient of
//! variation (B2B regularity, not Poisson), on business days only.

use chrono::Datelike;
use rand::Rng;

use super::accounts::Account;
use super::catalogue::EDUCATION;
use super::portfolio::never;
use super::random::{gamma, uniform};
use super::world::World;
use crate::day::Day;

/// A customer's order timing, with the planted changes to it.
#[derive(Clone, Debug)]
pub(crate) struct Rhythm {
    /// Mean days between orders.
    pub cadence: f64,
    /// Coefficient of variation of the days between orders.
    pub cv: f64,
    /// From this day on the mean interval is `cadence * slow_factor` (a frequency drop).
    pub slow_from: Day,
    pub slow_factor: f64,
    /// No order on or after this day (churn).
    pub stop: Day,
}

impl Rhythm {
    /// The customer's own rhythm, unchanged to the end.
    pub fn steady(account: &Account, world: &World) -> Rhythm {
        Rhythm {
            cadence: account.cadence,
            cv: account.cadence_cv,
            slow_from: never(world),
            slow_factor: 1.0,
            stop: never(world),
        }
    }

    /// The first order day: somewhere in the first cadence after onboarding, so customers that
    /// existed before the history are out of phase with each other.
    pub fn first_day(&self, onboard: Day, rng: &mut impl Rng, calendar: &Calendar) -> Day {
        calendar.open_from(onboard + uniform(rng, 0.0, self.cadence) as i32)
    }

    /// The order day after `day`.
    pub fn next_day(&self, day: Day, rng: &mut impl Rng, calendar: &Calendar) -> Day {
        let factor = if day >= self.slow_from {
            self.slow_factor
        } else {
            1.0
        };
        let gap = gamma(rng, self.cadence * factor, self.cv).round().max(1.0);
        calendar.open_from(day + gap as i32)
    }
}

/// The days a customer can take deliveries.
pub(crate) struct Calendar {
    closures: bool,
    summer_break: bool,
}

impl Calendar {
    /// The calendar of a customer in `segment`.
    pub fn of(world: &World, segment: usize) -> Calendar {
        Calendar {
            closures: world.config.closures,
            summer_break: segment == EDUCATION,
        }
    }

    /// Weekdays, less the year-end closure (Dec 24 - Jan 1) and, for schools, the summer break
    /// (Jul 10 - Aug 20).
    pub fn is_open(&self, day: Day) -> bool {
        // Day 0 (1970-01-01) was a Thursday: +3 makes Monday 0.
        if (day.0 + 3).rem_euclid(7) >= 5 {
            return false;
        }
        if !self.closures {
            return true;
        }
        let date = day.to_date();
        let md = (date.month(), date.day());
        let year_end = md >= (12, 24) || md == (1, 1);
        let summer = self.summer_break && ((7, 10)..=(8, 20)).contains(&md);
        !(year_end || summer)
    }

    /// The first open day on or after `day`.
    pub fn open_from(&self, day: Day) -> Day {
        let mut day = day;
        while !self.is_open(day) {
            day = day + 1;
        }
        day
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    #[test]
    fn orders_fall_on_business_days_outside_closures() {
        let school = Calendar {
            closures: true,
            summer_break: true,
        };
        let saturday = Day::from_ymd(2024, 3, 2).unwrap();
        assert_eq!(saturday.weekday(), Weekday::Sat);
        assert_eq!(school.open_from(saturday).to_string(), "2024-03-04");
        assert_eq!(
            school
                .open_from(Day::from_ymd(2024, 12, 24).unwrap())
                .to_string(),
            "2025-01-02"
        );
        assert_eq!(
            school
                .open_from(Day::from_ymd(2024, 7, 15).unwrap())
                .to_string(),
            "2024-08-21"
        );
        let shop = Calendar {
            closures: true,
            summer_break: false,
        };
        assert!(shop.is_open(Day::from_ymd(2024, 7, 15).unwrap()));
    }
}
