//! The generator's knobs: size, seed, calendar, and how often each planted event occurs.

use chrono::{Months, NaiveDate};

use super::{Distributor, Synth};

/// How often each planted event occurs.
///
/// Customer-level rates are shares of all customers; each such customer carries at most one of
/// churn, frequency drop, variety drop, item lapse and seasonal skip. A positive rate always
/// plants at least one event, so small runs still contain every kind.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRates {
    /// `customer_at_risk`: share of customers who stop buying everything.
    pub churn: f64,
    /// `frequency_drop`: share of customers whose order cadence slows 2-3x.
    pub frequency_drop: f64,
    /// `variety_drop`: share of customers who stop 30-50% of their regular items.
    pub variety_drop: f64,
    /// `item_lapsed`: share of customers who stop one regular item.
    pub item_lapsed: f64,
    /// `seasonal_due`: share of customers who skip a seasonal item's season.
    pub seasonal_due: f64,
    /// `deal_stalled`: share of customers with one deal stuck in a stage.
    pub deal_stalled: f64,
    /// `item_lapsed_across_similar`: competitor substitutions per 10,000 customers.
    pub substitutions_per_10k: f64,
    /// `discount_spike`: number of segments (0..=5) whose discounts creep up.
    pub discount_creep_segments: usize,
}

impl Default for EventRates {
    fn default() -> Self {
        EventRates {
            churn: 0.03,
            frequency_drop: 0.03,
            variety_drop: 0.02,
            item_lapsed: 0.05,
            seasonal_due: 0.02,
            deal_stalled: 0.01,
            substitutions_per_10k: 1.5,
            discount_creep_segments: 1,
        }
    }
}

impl EventRates {
    /// No planted events: a distributor where nothing happens, for measuring false alarms.
    pub fn none() -> Self {
        EventRates {
            churn: 0.0,
            frequency_drop: 0.0,
            variety_drop: 0.0,
            item_lapsed: 0.0,
            seasonal_due: 0.0,
            deal_stalled: 0.0,
            substitutions_per_10k: 0.0,
            discount_creep_segments: 0,
        }
    }
}

/// What to generate. Build with [`SynthConfig::new`] and the `with_*` setters.
#[derive(Clone, Debug, PartialEq)]
pub struct SynthConfig {
    /// Number of customers.
    pub customers: usize,
    /// Length of the history in years (at least 1; 0 counts as 1).
    pub years: u32,
    /// The seed: same config, same data.
    pub seed: u64,
    /// First day of the history (default 2024-01-01).
    pub start: NaiveDate,
    /// Catalogue size; `None` scales it with the number of customers (about 240 products for 200
    /// customers, 340 for 10,000, 460 for a million).
    pub products: Option<usize>,
    /// Average book size of a rep (default 90 customers).
    pub customers_per_rep: usize,
    /// Reps per manager (default 8).
    pub reps_per_manager: usize,
    /// Share of customers that appear during the history instead of before it (default 0.15).
    pub new_customer_share: f64,
    /// Share of order lines later credited back, wholly or partly (default 0.01).
    pub return_rate: f64,
    /// CRM deals per customer per year (default 0.5).
    pub deals_per_customer_year: f64,
    /// Year-end closure for everyone and a summer break for Education (default true). Weekends
    /// are always closed.
    pub closures: bool,
    /// Rates of the planted events.
    pub rates: EventRates,
}

impl SynthConfig {
    /// The default distributor of `customers` customers over `years` years.
    pub fn new(customers: usize, years: u32, seed: u64) -> Self {
        SynthConfig {
            customers,
            years: years.max(1),
            seed,
            start: NaiveDate::from_ymd_opt(2024, 1, 1).expect("2024-01-01 is a valid date"),
            products: None,
            customers_per_rep: 90,
            reps_per_manager: 8,
            new_customer_share: 0.15,
            return_rate: 0.01,
            deals_per_customer_year: 0.5,
            closures: true,
            rates: EventRates::default(),
        }
    }

    /// Sets the first day of the history.
    pub fn with_start(mut self, start: NaiveDate) -> Self {
        self.start = start;
        self
    }

    /// Sets the catalogue size (at least 30: two products per family).
    pub fn with_products(mut self, products: usize) -> Self {
        self.products = Some(products.max(30));
        self
    }

    /// Sets the average book size of a rep.
    pub fn with_customers_per_rep(mut self, customers: usize) -> Self {
        self.customers_per_rep = customers.max(1);
        self
    }

    /// Sets the number of reps per manager.
    pub fn with_reps_per_manager(mut self, reps: usize) -> Self {
        self.reps_per_manager = reps.max(1);
        self
    }

    /// Sets the share of customers that appear during the history.
    pub fn with_new_customer_share(mut self, share: f64) -> Self {
        self.new_customer_share = share.clamp(0.0, 1.0);
        self
    }

    /// Sets the share of lines credited back.
    pub fn with_return_rate(mut self, rate: f64) -> Self {
        self.return_rate = rate.clamp(0.0, 1.0);
        self
    }

    /// Sets the number of CRM deals per customer per year.
    pub fn with_deals_per_customer_year(mut self, deals: f64) -> Self {
        self.deals_per_customer_year = deals.max(0.0);
        self
    }

    /// Turns the year-end and summer closures on or off.
    pub fn with_closures(mut self, closures: bool) -> Self {
        self.closures = closures;
        self
    }

    /// Sets the rates of the planted events.
    pub fn with_rates(mut self, rates: EventRates) -> Self {
        self.rates = rates;
        self
    }

    /// The catalogue size in effect.
    pub fn product_count(&self) -> usize {
        self.products.unwrap_or_else(|| {
            let scale = (self.customers.max(10) as f64).log10();
            (100.0 + 60.0 * scale).round() as usize
        })
    }

    /// The last day of the history: the day before `start` plus `years` years.
    pub fn end(&self) -> NaiveDate {
        let years = self.years.max(1);
        let after = self
            .start
            .checked_add_months(Months::new(12 * years))
            .expect("the history ends before year 262143");
        after
            .pred_opt()
            .expect("a day after start has a predecessor")
    }

    /// Generates the whole distributor in memory (see [`Synth`] for the streaming form).
    pub fn generate(&self) -> Distributor {
        Synth::new(self.clone()).generate()
    }
}
