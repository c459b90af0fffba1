//! The engine: one object that owns the configuration, the state and the clock.
//!
//! Owns: the public calls of API.md (ingest of each table, KPIs, snapshot and restore, merge)
//! and their argument checks. It delegates the work: [`crate::ingest`] builds the state,
//! [`crate::kpi`] reads it, [`crate::snapshot`] encodes it. No statistics live here.

use crate::config::Config;
use crate::day::Day;
use crate::error::{Error, Result};
use crate::ids::{CustomerId, LabelId, ProductId};
use crate::ingest::csv::CsvTable;
use crate::ingest::{self, CsvOptions, DateFormat, DateReader, IngestReport};
use crate::model::{CustomerRow, DealRow, OrderLine, ProductRow, RepRow};
use crate::realtime::{Feed, FeedOptions, Step};
use crate::signal::{signals_frame, Signal, SignalKind};
use crate::state::{State, StateStats};
use crate::table::Frame;
use crate::table::{Batch, Mapping};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The five input tables of API.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TableKind {
    /// ERP order lines.
    Orders,
    /// Customers (accounts).
    Customers,
    /// Sales reps and managers.
    Reps,
    /// Products.
    Products,
    /// CRM deals.
    Deals,
}

impl TableKind {
    /// The table's name: "orders", "customers", "reps", "products", "deals".
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Orders => "orders",
            TableKind::Customers => "customers",
            TableKind::Reps => "reps",
            TableKind::Products => "products",
            TableKind::Deals => "deals",
        }
    }
}

/// How an ingest call reads its table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IngestOptions {
    /// Canonical column name -> the caller's column name, for columns named differently.
    pub mapping: Option<Mapping>,
    /// How text dates are written (default: ISO, YYYYMMDD and Excel serials).
    pub date_format: DateFormat,
}

impl IngestOptions {
    /// Renames canonical column `canonical` to the caller's `column`.
    pub fn map(mut self, canonical: &str, column: &str) -> Self {
        self.mapping
            .get_or_insert_with(Mapping::new)
            .insert(canonical.to_string(), column.to_string());
        self
    }

    /// Sets the date format.
    pub fn with_date_format(mut self, date_format: DateFormat) -> Self {
        self.date_format = date_format;
        self
    }
}

/// Turns order lines and deals into KPIs, signals and weekly tasks.
///
/// ```
/// use salespulse::{Config, Engine, OrderLine};
/// use chrono::NaiveDate;
///
/// let mut engine = Engine::new(Config::default()).unwrap();
/// let day = |d| NaiveDate::from_ymd_opt(2024, 3, d).unwrap();
/// let report = engine.ingest_order_rows(&[
///     OrderLine::new("SO-1", "C1", "P1", day(1), 2.0, 19.8),
///     OrderLine::new("SO-1", "C1", "P1", day(1), 2.0, 19.8), // the same line again
///     OrderLine::new("SO-2", "C1", "P1", day(8), f64::NAN, 9.9),
/// ]);
/// assert_eq!((report.accepted, report.duplicates), (1, 1));
/// assert_eq!(report.rejected[0].row, 2);
/// assert_eq!(report.rejected[0].column, "quantity");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Engine {
    config: Config,
    state: State,
    clock: Option<Day>,
    /// Keys of the signals active at the last `advance`, so the feed reports only new ones.
    active: BTreeSet<SignalKey>,
    /// The incremental feed behind `advance`; derived from the state, so not serialised: it is
    /// rebuilt by the first advance after a restore, a merge or new customer master data.
    #[serde(skip)]
    feed: FeedSlot,
    /// Tasks issued with [`Engine::record_brief`], read back by [`Engine::outcomes`].
    outcomes: crate::outcomes::Outcomes,
}

/// The engine's feed and its options. Derived data: two engines with the same state compare
/// equal whatever their feeds hold.
#[derive(Clone, Debug, Default)]
struct FeedSlot {
    feed: Option<Box<Feed>>,
    options: FeedOptions,
}

impl PartialEq for FeedSlot {
    fn eq(&self, _: &FeedSlot) -> bool {
        true
    }
}

type SignalKey = (
    SignalKind,
    Option<CustomerId>,
    Option<ProductId>,
    Option<LabelId>,
);

impl Engine {
    /// A new, empty engine.
    pub fn new(config: Config) -> Result<Engine> {
        config.validate()?;
        Ok(Engine {
            config,
            state: State::default(),
            clock: None,
            active: BTreeSet::new(),
            feed: FeedSlot::default(),
            outcomes: Default::default(),
        })
    }

    /// A copy with the same configuration, state and feed options but no clock, no feed and no
    /// issued tasks: the engine [`crate::backtest`] replays the history with.
    pub(crate) fn replay_copy(&self) -> Engine {
        Engine {
            config: self.config.clone(),
            state: self.state.clone(),
            clock: None,
            active: BTreeSet::new(),
            feed: FeedSlot {
                feed: None,
                options: self.feed.options,
            },
            outcomes: Default::default(),
        }
    }

    /// The issued tasks ([`crate::outcomes`]).
    pub(crate) fn issued(&self) -> &crate::outcomes::Outcomes {
        &self.outcomes
    }

    pub(crate) fn issued_mut(&mut self) -> &mut crate::outcomes::Outcomes {
        &mut self.outcomes
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The state (histories and aggregates), for models and custom analyses.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The engine's clock: the last day it was advanced to, if any.
    pub fn clock(&self) -> Option<Day> {
        self.clock
    }

    /// Sizes and memory of the state.
    pub fn stats(&self) -> StateStats {
        self.state.stats()
    }

    fn reader(&self, format: DateFormat) -> DateReader {
        DateReader::new(format, self.config.timezone)
    }

    /// Ingests a table given as a [`Batch`] of columns.
    pub fn ingest(
        &mut self,
        kind: TableKind,
        batch: &Batch<'_>,
        options: &IngestOptions,
    ) -> Result<IngestReport> {
        let reader = self.reader(options.date_format);
        let mapping = options.mapping.as_ref();
        let state = &mut self.state;
        match kind {
            TableKind::Orders => {
                ingest::ingest_orders(state, &self.config, batch, mapping, &reader)
            }
            TableKind::Customers => {
                // Segments may change: the feed's per-segment counts are rebuilt.
                self.feed.feed = None;
                ingest::ingest_customers(state, batch, mapping)
            }
            TableKind::Reps => ingest::ingest_reps(state, batch, mapping),
            TableKind::Products => ingest::ingest_products(state, batch, mapping),
            TableKind::Deals => ingest::ingest_deals(state, &self.config, batch, mapping, &reader),
        }
    }

    /// Ingests a CSV file.
    ///
    /// ```no_run
    /// use salespulse::{Config, Engine, TableKind, IngestOptions};
    /// use salespulse::ingest::{CsvOptions, DateFormat, Encoding};
    /// let mut engine = Engine::new(Config::default()).unwrap();
    /// let options = IngestOptions::default()
    ///     .map("order_id", "Order ID")
    ///     .map("date", "Order Date")
    ///     .map("net_amount", "Sales")
    ///     .with_date_format(DateFormat::MonthFirst);
    /// let report = engine
    ///     .ingest_csv(TableKind::Orders, "Sample - Superstore.csv", &CsvOptions::default(), &options)
    ///     .unwrap();
    /// println!("{report}");
    /// ```
    pub fn ingest_csv(
        &mut self,
        kind: TableKind,
        path: impl AsRef<std::path::Path>,
        csv: &CsvOptions,
        options: &IngestOptions,
    ) -> Result<IngestReport> {
        let table = CsvTable::from_path(path, csv)?;
        self.ingest_csv_table(kind, &table, options)
    }

    /// Ingests CSV bytes already in memory.
    pub fn ingest_csv_bytes(
        &mut self,
        kind: TableKind,
        bytes: &[u8],
        csv: &CsvOptions,
        options: &IngestOptions,
    ) -> Result<IngestReport> {
        let table = CsvTable::from_bytes(bytes, csv)?;
        self.ingest_csv_table(kind, &table, options)
    }

    fn ingest_csv_table(
        &mut self,
        kind: TableKind,
        table: &CsvTable,
        options: &IngestOptions,
    ) -> Result<IngestReport> {
        let report = self.ingest(kind, &table.batch(), options)?;
        Ok(table.restore_rows(report))
    }

    /// Ingests ERP order lines from a batch (see [`crate::ingest`] for the rules).
    pub fn ingest_orders(
        &mut self,
        batch: &Batch<'_>,
        options: &IngestOptions,
    ) -> Result<IngestReport> {
        self.ingest(TableKind::Orders, batch, options)
    }

    /// Ingests typed order lines.
    pub fn ingest_order_rows(&mut self, lines: &[OrderLine]) -> IngestReport {
        let reader = self.reader(DateFormat::Auto);
        ingest::ingest_order_rows(&mut self.state, &self.config, lines, &reader)
    }

    /// Ingests typed customers.
    pub fn ingest_customer_rows(&mut self, rows: &[CustomerRow]) -> IngestReport {
        self.feed.feed = None;
        ingest::upsert_customers(&mut self.state, rows)
    }

    /// Ingests typed reps.
    pub fn ingest_rep_rows(&mut self, rows: &[RepRow]) -> IngestReport {
        ingest::upsert_reps(&mut self.state, rows)
    }

    /// Ingests typed products.
    pub fn ingest_product_rows(&mut self, rows: &[ProductRow]) -> IngestReport {
        ingest::upsert_products(&mut self.state, rows)
    }

    /// Ingests typed deals.
    pub fn ingest_deal_rows(&mut self, rows: &[DealRow]) -> IngestReport {
        let reader = self.reader(DateFormat::Auto);
        ingest::ingest_deal_rows(&mut self.state, &self.config, rows, &reader)
    }

    /// The interned id of a customer, for batches of [`Column::Interned`](crate::table::Column)
    /// ids (the fastest ingest path).
    pub fn intern_customer(&mut self, text: &str) -> u32 {
        self.state.intern_customer(text).0
    }

    /// The interned id of a product, for interned batches.
    pub fn intern_product(&mut self, text: &str) -> u32 {
        self.state.intern_product(text).0
    }

    /// The interned id of an order, for interned batches.
    pub fn intern_order(&mut self, text: &str) -> u32 {
        self.state.order_slot(text).0
    }

    /// The interned id of a rep, for interned batches.
    pub fn intern_rep(&mut self, text: &str) -> u32 {
        self.state.intern_rep(text).0
    }

    /// Releases spare capacity of all histories (useful after many small streaming batches).
    pub fn compact(&mut self) {
        self.state.trim();
    }

    /// Every signal active at `as_of` (default: the engine's clock, else the last order day),
    /// highest score first. Only data on or before `as_of` is read.
    pub fn signal_list(&self, as_of: Option<Day>) -> Result<Vec<Signal>> {
        let as_of = self.resolve_day(as_of)?;
        Ok(crate::detect::detect_all(&self.state, &self.config, as_of))
    }

    /// [`Engine::signal_list`] as the signals table (see [`signals_frame`] for its columns).
    pub fn signals(&self, as_of: Option<Day>) -> Result<Frame> {
        Ok(signals_frame(&self.state, &self.signal_list(as_of)?))
    }

    /// Moves the clock to `as_of` and returns the signals that rose since the last advance: the
    /// real-time feed. A signal that stays active is reported once; one that clears and rises
    /// again is reported again. The clock never goes back.
    ///
    /// The feed is incremental ([`crate::realtime`]): an advance re-reads only the customers
    /// that received order lines since the previous one and those whose calendar timer fell due,
    /// re-judges the pairs of products whose pause or restart changed, refits the pooled rhythm
    /// priors and runs the customer- and team-level detectors on their cadence
    /// ([`FeedOptions`], weekly by default). Item lapses are counted on each customer's order
    /// clock, so they rise at the customer's orders. With [`FeedOptions::exact`] it reports
    /// exactly what diffing [`Engine::signal_list`] between advances reports; `signal_list`
    /// stays the full-scan truth. The first advance (and the first after a restore, a merge or
    /// new customer master data) builds the feed from the whole state.
    pub fn advance_list(&mut self, as_of: Day) -> Result<Vec<Signal>> {
        Ok(self.advance_step(as_of)?.risen)
    }

    /// [`Engine::advance_list`] with the keys that cleared as well.
    pub(crate) fn advance_step(&mut self, as_of: Day) -> Result<Step> {
        if let Some(clock) = self.clock.filter(|c| as_of < *c) {
            return Err(Error::InvalidArgument(format!(
                "advance({as_of}) would move the clock back from {clock}; signals(as_of) reads the past"
            )));
        }
        let as_of = self.resolve_day(Some(as_of))?;
        if self.feed.feed.as_ref().is_some_and(|f| f.clock() > as_of) {
            // update_feed read lines beyond this day: start afresh rather than report the future.
            self.feed.feed = None;
        }
        let feed = match &mut self.feed.feed {
            Some(feed) => feed,
            slot @ None => slot.insert(Box::new(Feed::build(
                &mut self.state,
                &self.config,
                as_of,
                self.feed.options,
                &self.active,
            ))),
        };
        let step = feed.advance(&mut self.state, &self.config, as_of);
        for key in &step.cleared {
            self.active.remove(key);
        }
        self.active.extend(step.risen.iter().map(Signal::key));
        self.clock = Some(as_of);
        Ok(step)
    }

    /// Reads the order lines ingested since the last call into the feed at `as_of` (the day they
    /// arrived; not before the clock): the per-order work of the real-time feed, which the next
    /// [`Engine::advance_list`] would otherwise do. A CRM hook calls it after each small batch so
    /// that an advance costs only the calendar's part. Does nothing before the first advance.
    pub fn update_feed(&mut self, as_of: Day) -> Result<()> {
        if let Some(clock) = self.clock.filter(|c| as_of < *c) {
            return Err(Error::InvalidArgument(format!(
                "update_feed({as_of}) is before the clock ({clock})"
            )));
        }
        if let Some(feed) = &mut self.feed.feed {
            feed.update(&mut self.state, as_of);
        }
        Ok(())
    }

    /// Regular pairs the feed watches and calendar timers it holds (both 0 before the first
    /// advance).
    pub fn feed_sizes(&self) -> (usize, usize) {
        self.feed.feed.as_ref().map_or((0, 0), |f| f.sizes())
    }

    /// How often the feed refits its priors and runs the customer-level detectors.
    pub fn feed_options(&self) -> FeedOptions {
        self.feed.options
    }

    /// Sets the feed's cadences; the feed is rebuilt at the next advance. Not part of a
    /// snapshot (a restored engine uses the defaults).
    pub fn set_feed_options(&mut self, options: FeedOptions) -> Result<()> {
        if options.refit_every_days == 0 || options.customer_level_every_days == 0 {
            return Err(Error::InvalidArgument(
                "feed cadences are whole days, at least 1".into(),
            ));
        }
        self.feed = FeedSlot {
            feed: None,
            options,
        };
        Ok(())
    }

    /// [`Engine::advance_list`] as the signals table.
    pub fn advance(&mut self, as_of: Day) -> Result<Frame> {
        let risen = self.advance_list(as_of)?;
        Ok(signals_frame(&self.state, &risen))
    }

    /// Next-best offers at `as_of`: per customer the top `k` products it never bought, with
    /// score, suggested price and evidence (see [`crate::affinity::recommend_frame`] for the
    /// columns); by customer, then rank. `customers` limits the rows to those ids (default:
    /// every customer with a purchase). The `cross_sell` signals are its strongest rows.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `k` is not in 1..=1000, `as_of` is implausible, or a
    /// customer id is unknown (the message names it).
    pub fn recommend(&self, as_of: Day, k: usize, customers: Option<&[&str]>) -> Result<Frame> {
        if !(1..=1000).contains(&k) {
            return Err(Error::InvalidArgument(format!(
                "k is {k}; recommend takes between 1 and 1000 products per customer"
            )));
        }
        let as_of = self.resolve_day(Some(as_of))?;
        let ids = customers
            .map(|list| {
                list.iter()
                    .map(|text| {
                        self.state.customer_id(text).ok_or_else(|| {
                            Error::InvalidArgument(format!(
                                "customer {text:?} is unknown; pass ids of ingested customers"
                            ))
                        })
                    })
                    .collect::<Result<Vec<CustomerId>>>()
            })
            .transpose()?;
        let offers = crate::affinity::offers(&self.state, &self.config, as_of, k, ids.as_deref());
        Ok(crate::affinity::recommend_frame(&self.state, &offers))
    }

    fn resolve_day(&self, as_of: Option<Day>) -> Result<Day> {
        let day = as_of
            .or(self.clock)
            .or_else(|| self.state.last_day())
            .ok_or_else(|| {
                Error::InvalidArgument("the engine has no orders yet; pass as_of".into())
            })?;
        if !day.is_plausible() {
            return Err(Error::InvalidArgument(format!(
                "as_of {day} is outside 1900..2199"
            )));
        }
        Ok(day)
    }

    /// The whole engine as bytes: versioned, checksummed; see [`crate::snapshot`].
    pub fn snapshot(&self) -> Vec<u8> {
        crate::snapshot::encode(self)
    }

    /// An engine from [`Engine::snapshot`] bytes. Foreign, truncated, corrupt or newer-format
    /// bytes give an [`Error::Snapshot`] that says which.
    pub fn restore(bytes: &[u8]) -> Result<Engine> {
        let engine: Engine = crate::snapshot::decode(bytes)?;
        engine
            .config
            .validate()
            .map_err(|e| Error::Snapshot(format!("its configuration is invalid: {e}")))?;
        engine.state.validate().map_err(|e| {
            Error::Snapshot(format!(
                "its state is inconsistent ({e}); the bytes were altered"
            ))
        })?;
        Ok(engine)
    }

    /// Joins an engine built on a disjoint set of customers (a partition of a distributed job).
    /// Both must have the same configuration. On error nothing changes.
    pub fn merge(&mut self, other: Engine) -> Result<()> {
        if self.config != other.config {
            return Err(Error::Merge(
                "the engines have different configurations".into(),
            ));
        }
        self.state.merge(other.state)?;
        self.outcomes.absorb(other.outcomes);
        self.clock = self.clock.max(other.clock);
        // Ids were renamed by the merge; the feed starts afresh.
        self.active.clear();
        self.feed.feed = None;
        Ok(())
    }
}
