//! The `Engine` class: one JS object per core [`salespulse::Engine`], shared with worker threads
//! behind `Arc<Mutex<..>>`. Each method is a few lines: read the arguments, call the core,
//! convert the answer.

use crate::error::{guard, sync, CodedError, Fail};
use crate::input::{
    self, read_day, read_optional_day, read_table, IngestOptionsInput, Js, TableInput,
};
use crate::output::{self, Format, IngestReportOutput, Stats};
use napi::bindgen_prelude::*;
use napi::{sys, Env, Task};
use salespulse::{Config, GroupBy, IngestOptions, IngestReport, TableKind};
use std::result::Result;
use std::sync::{Arc, Mutex, MutexGuard};

/// Engine settings; every key is optional.
#[napi(object)]
#[derive(Default)]
pub struct EngineConfig {
    /// The IANA zone in which timestamps (`Date`s) become calendar days (default `'UTC'`).
    pub timezone: Option<String>,
    /// The first day of the business week: `'monday'` (default) ... `'sunday'` (or `'mon'`...).
    pub week_start: Option<String>,
    /// Tasks per rep in the weekly brief: 5, 6 or 7 (default 7).
    pub tasks_per_rep: Option<f64>,
    /// How far ahead value at stake is counted, in days (default 90).
    pub horizon_days: Option<f64>,
    /// The currency of all amounts (default: the first currency seen in the orders).
    pub currency: Option<String>,
    /// Deal stages in pipeline order (default: learned from the deals).
    pub stages: Option<Vec<String>>,
    /// Detection thresholds.
    pub thresholds: Option<ThresholdsConfig>,
    /// The ranker's weights by name: `escalation_base` (10: the 1-10-100 rule),
    /// `escalation_stage_days` (90), `escalation_cap` (100), `response_gain` (7),
    /// `response_days` (1), `merge_weight` (0.5), `diversity` (0.85), `acting_works_default`
    /// (0.25) and `'acting_works.<signal kind>'` (P(a contact works) per kind).
    pub rank: Option<std::collections::HashMap<String, f64>>,
}

/// Cut-offs of the KPIs and detectors.
#[napi(object)]
#[derive(Default)]
pub struct ThresholdsConfig {
    /// A customer is active when it bought within this many days (default 90).
    pub active_window_days: Option<f64>,
    /// A product is regular for a customer when bought on at least this many distinct days within
    /// the active window (default 2).
    pub regular_min_purchases: Option<f64>,
    /// `frequency_drop`: the largest P(a count this low) still reported (default 0.005).
    pub frequency_drop_alpha: Option<f64>,
    /// `frequency_drop`: the recent count must be at most this share of the expected one
    /// (default 0.5).
    pub frequency_drop_ratio: Option<f64>,
    /// `customer_at_risk`: P(alive) below this flags a customer (default 0.001).
    pub at_risk_p_alive: Option<f64>,
    /// `item_lapsed`: P(the pair stopped) at or above this flags a regular pair (default 0.7).
    pub item_lapsed_probability: Option<f64>,
    /// `variety_drop`: lapsed items must be at least this share of the regular ones (default
    /// 0.25).
    pub variety_drop_share: Option<f64>,
    /// `item_lapsed_across_similar`: false-alarm rate of one scan (default 0.001).
    pub similar_lapse_alpha: Option<f64>,
    /// `cross_sell`: least P(the customer starts buying the offer within the horizon) (default
    /// 0.03).
    pub cross_sell_min_probability: Option<f64>,
    /// `cross_sell`: least share of similar customers who buy the offer (default 0.25).
    pub cross_sell_min_share: Option<f64>,
    /// `cross_sell`: least lift of a rule implying the offer (default 1.5).
    pub cross_sell_min_lift: Option<f64>,
}

impl ThresholdsConfig {
    /// The fields by the core's snake_case names.
    fn by_name(&self) -> [(&'static str, Option<f64>); 11] {
        [
            ("active_window_days", self.active_window_days),
            ("regular_min_purchases", self.regular_min_purchases),
            ("frequency_drop_alpha", self.frequency_drop_alpha),
            ("frequency_drop_ratio", self.frequency_drop_ratio),
            ("at_risk_p_alive", self.at_risk_p_alive),
            ("item_lapsed_probability", self.item_lapsed_probability),
            ("variety_drop_share", self.variety_drop_share),
            ("similar_lapse_alpha", self.similar_lapse_alpha),
            (
                "cross_sell_min_probability",
                self.cross_sell_min_probability,
            ),
            ("cross_sell_min_share", self.cross_sell_min_share),
            ("cross_sell_min_lift", self.cross_sell_min_lift),
        ]
    }

    fn from_core(t: &salespulse::Thresholds) -> ThresholdsConfig {
        let value = |name: &str| t.entries().iter().find(|(n, _)| *n == name).map(|e| e.1);
        ThresholdsConfig {
            active_window_days: value("active_window_days"),
            regular_min_purchases: value("regular_min_purchases"),
            frequency_drop_alpha: value("frequency_drop_alpha"),
            frequency_drop_ratio: value("frequency_drop_ratio"),
            at_risk_p_alive: value("at_risk_p_alive"),
            item_lapsed_probability: value("item_lapsed_probability"),
            variety_drop_share: value("variety_drop_share"),
            similar_lapse_alpha: value("similar_lapse_alpha"),
            cross_sell_min_probability: value("cross_sell_min_probability"),
            cross_sell_min_share: value("cross_sell_min_share"),
            cross_sell_min_lift: value("cross_sell_min_lift"),
        }
    }
}

const CONFIG_KEYS: &[&str] = &[
    "timezone",
    "weekStart",
    "tasksPerRep",
    "horizonDays",
    "currency",
    "stages",
    "thresholds",
    "rank",
];
const THRESHOLD_KEYS: &[&str] = &[
    "activeWindowDays",
    "regularMinPurchases",
    "frequencyDropAlpha",
    "frequencyDropRatio",
    "atRiskPAlive",
    "itemLapsedProbability",
    "varietyDropShare",
    "similarLapseAlpha",
    "crossSellMinProbability",
    "crossSellMinShare",
    "crossSellMinLift",
];
const INGEST_KEYS: &[&str] = &["mapping", "dateFormat"];
const OUTPUT_KEYS: &[&str] = &["format"];

fn whole(name: &str, x: f64) -> Result<u32, Fail> {
    if x.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&x) {
        Ok(x as u32)
    } else {
        Err(Fail::config(format!(
            "{name} is {x}, it must be a whole number"
        )))
    }
}

impl EngineConfig {
    fn from_core(config: &Config) -> EngineConfig {
        use chrono::Weekday::*;
        let week_start = match config.week_start {
            Mon => "monday",
            Tue => "tuesday",
            Wed => "wednesday",
            Thu => "thursday",
            Fri => "friday",
            Sat => "saturday",
            Sun => "sunday",
        };
        EngineConfig {
            timezone: Some(config.timezone.to_string()),
            week_start: Some(week_start.to_string()),
            tasks_per_rep: Some(config.tasks_per_rep as f64),
            horizon_days: Some(config.horizon_days as f64),
            currency: config.currency.clone(),
            stages: Some(config.stages.clone()),
            thresholds: Some(ThresholdsConfig::from_core(&config.thresholds)),
            rank: Some(config.rank.entries().into_iter().collect()),
        }
    }

    fn to_core(&self) -> Result<Config, Fail> {
        let mut config = Config::default();
        if let Some(tz) = &self.timezone {
            config = config.with_timezone(tz)?;
        }
        if let Some(day) = &self.week_start {
            let weekday = day.trim().parse::<chrono::Weekday>().map_err(|_| {
                Fail::config(format!(
                    "weekStart {day:?} is not a weekday; use 'monday' ... 'sunday'"
                ))
            })?;
            config = config.with_week_start(weekday);
        }
        if let Some(n) = self.tasks_per_rep {
            config.tasks_per_rep = whole("tasksPerRep", n)? as usize;
        }
        if let Some(n) = self.horizon_days {
            config.horizon_days = whole("horizonDays", n)?;
        }
        if let Some(code) = &self.currency {
            config = config.with_currency(code);
        }
        if let Some(stages) = &self.stages {
            config = config.with_stages(stages.iter().cloned());
        }
        if let Some(t) = &self.thresholds {
            for (name, value) in t.by_name() {
                if let Some(v) = value {
                    config.thresholds.set(name, v)?;
                }
            }
        }
        if let Some(rank) = &self.rank {
            for (name, value) in rank {
                config.rank.set(name, *value)?;
            }
        }
        config.validate()?;
        Ok(config)
    }
}

/// An options object: `undefined`/`null` is `None`; a key that the call does not know is an
/// error that names it (a misspelt option must not pass silently).
pub(crate) fn read_options<T: FromNapiValue>(
    env: &Env,
    value: Option<Unknown<'_>>,
    allowed: &[&str],
    what: &str,
) -> Result<Option<T>, Fail> {
    let Some(value) = value else { return Ok(None) };
    let js = Js::new(env);
    let raw = value.raw();
    match js.type_of(raw)? {
        sys::ValueType::napi_undefined | sys::ValueType::napi_null => return Ok(None),
        sys::ValueType::napi_object if !js.is_array(raw)? => {}
        _ => return Err(Fail::arg(format!("{what} must be an object"))),
    }
    check_keys(js, raw, allowed, what)?;
    unsafe { T::from_napi_value(js.env, raw) }
        .map(Some)
        .map_err(|e| Fail::arg(format!("{what}: {}", e.reason)))
}

fn check_keys(js: Js, object: sys::napi_value, allowed: &[&str], what: &str) -> Result<(), Fail> {
    let keys = js.keys(object)?;
    for i in 0..js.array_len(keys)? {
        let key = js.string(js.element(keys, i)?)?;
        if !allowed.contains(&key.as_str()) {
            let camel = input::camel_case(&key);
            let hint = if allowed.contains(&camel.as_str()) {
                format!("; did you mean {camel:?}?")
            } else {
                String::new()
            };
            return Err(Fail::arg(format!(
                "{what} has no key {key:?}{hint} (its keys: {})",
                allowed.join(", ")
            )));
        }
        if key == "thresholds" {
            let value = js.property(object, js.create_string(&key)?)?;
            if js.type_of(value)? == sys::ValueType::napi_object {
                check_keys(js, value, THRESHOLD_KEYS, "config.thresholds")?;
            }
        }
    }
    Ok(())
}

/// The work of one ingest call, owned so that it can run on a worker thread.
pub struct IngestJob {
    kind: TableKind,
    table: TableInput,
    options: IngestOptions,
}

impl IngestJob {
    fn read(
        env: &Env,
        kind: TableKind,
        table: Unknown<'_>,
        options_arg: Option<Unknown<'_>>,
    ) -> Result<IngestJob, Fail> {
        let options: Option<IngestOptionsInput> =
            read_options(env, options_arg, INGEST_KEYS, "options")?;
        Ok(IngestJob {
            kind,
            table: read_table(env, table)?,
            options: options.unwrap_or_default().to_core()?,
        })
    }

    fn run(&self, engine: &mut salespulse::Engine) -> Result<IngestReport, Fail> {
        match &self.table {
            TableInput::Rows(rows) if rows.is_empty() => Ok(IngestReport::default()),
            TableInput::Rows(rows) => Ok(engine.ingest(self.kind, &rows.batch(), &self.options)?),
            TableInput::Ipc(bytes) => Ok(engine.ingest_ipc(self.kind, bytes, &self.options)?),
        }
    }
}

/// An ingest running on the libuv thread pool; it resolves to an [`IngestReportOutput`].
pub struct IngestTask {
    engine: Arc<Mutex<salespulse::Engine>>,
    job: Option<Result<IngestJob, Fail>>,
}

impl Task for IngestTask {
    type Output = Result<IngestReport, Fail>;
    type JsValue = IngestReportOutput;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let job = self.job.take();
        let engine = self.engine.clone();
        Ok(guard(move || {
            let job = job.ok_or_else(|| Fail::arg("the task ran twice"))??;
            job.run(&mut lock(&engine))
        }))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        output
            .map(IngestReportOutput::from)
            .map_err(|fail| fail.into_rejection(&env))
    }
}

fn lock(engine: &Mutex<salespulse::Engine>) -> MutexGuard<'_, salespulse::Engine> {
    // A panic is caught inside the lock, so poisoning only follows a panic elsewhere; the engine
    // is still the best state there is.
    engine
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Turns order lines and deals into KPIs, signals and weekly tasks.
///
/// Heavy calls (the `ingest*` ones) return promises and run off the event loop; calls on one
/// engine run one at a time (a sync call waits for a running ingest of the same engine).
///
/// ```js
/// const { Engine } = require('salespulse')
/// const engine = new Engine({ timezone: 'Europe/Berlin', tasksPerRep: 6 })
/// const report = await engine.ingestOrders([
///   { orderId: 'SO-1', customerId: 'C1', productId: 'P1', date: '2024-03-01', quantity: 2, netAmount: 19.8 },
/// ])
/// ```
#[napi]
pub struct Engine {
    inner: Arc<Mutex<salespulse::Engine>>,
}

impl Engine {
    fn wrap(engine: salespulse::Engine) -> Engine {
        Engine {
            inner: Arc::new(Mutex::new(engine)),
        }
    }

    fn engine(&self) -> MutexGuard<'_, salespulse::Engine> {
        lock(&self.inner)
    }

    fn outcomes_of(
        &self,
        env: Env,
        as_of: Unknown<'_>,
        options: Option<Unknown<'_>>,
        rates: bool,
    ) -> Result<Unknown<'static>, CodedError> {
        sync(|| {
            let format = Format::of(read_options(&env, options, OUTPUT_KEYS, "options")?.as_ref())?;
            let engine = self.engine();
            let as_of = read_day(&env, as_of, "asOf", engine.config())?;
            crate::backtest::outcomes(&env, &engine, as_of, rates, format)
        })
    }

    fn ingest_async(
        &self,
        env: &Env,
        kind: TableKind,
        table: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> AsyncTask<IngestTask> {
        let job = guard(|| IngestJob::read(env, kind, table, options));
        AsyncTask::new(IngestTask {
            engine: self.inner.clone(),
            job: Some(job),
        })
    }

    fn ingest_sync(
        &self,
        env: &Env,
        kind: TableKind,
        table: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<IngestReportOutput, CodedError> {
        sync(|| {
            let job = IngestJob::read(env, kind, table, options)?;
            Ok(job.run(&mut self.engine())?.into())
        })
    }
}

#[napi]
impl Engine {
    /// A new, empty engine. Throws a `ConfigError` for an out-of-range or unknown setting.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "EngineConfig")] config: Option<Unknown<'_>>,
    ) -> Result<Self, CodedError> {
        sync(|| {
            let config: Option<EngineConfig> = read_options(&env, config, CONFIG_KEYS, "config")?;
            let config = config.unwrap_or_default().to_core()?;
            Ok(Engine::wrap(salespulse::Engine::new(config)?))
        })
    }

    /// Ingests ERP order lines (order_id, customer_id, product_id, date, quantity, net_amount;
    /// optional line_no, list_amount, rep_id, currency), off the event loop.
    ///
    /// `table` is an array of plain objects (camelCase or snake_case keys; `Date`s or ISO strings)
    /// or a Buffer / Uint8Array of Arrow IPC bytes (`tableToIPC(table)`, stream or file format).
    /// Unusable rows are rejected with their row, column and reason; the rest are taken. A missing
    /// required column rejects the promise with a `SchemaError`.
    #[napi(ts_return_type = "Promise<IngestReport>")]
    pub fn ingest_orders(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Array<Record<string, unknown>> | Uint8Array")] table: Unknown<'_>,
        #[napi(ts_arg_type = "IngestOptions")] options: Option<Unknown<'_>>,
    ) -> AsyncTask<IngestTask> {
        self.ingest_async(&env, TableKind::Orders, table, options)
    }

    /// Ingests customers (customer_id; optional rep_id, segment, region, name).
    #[napi(ts_return_type = "Promise<IngestReport>")]
    pub fn ingest_customers(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Array<Record<string, unknown>> | Uint8Array")] table: Unknown<'_>,
        #[napi(ts_arg_type = "IngestOptions")] options: Option<Unknown<'_>>,
    ) -> AsyncTask<IngestTask> {
        self.ingest_async(&env, TableKind::Customers, table, options)
    }

    /// Ingests reps (rep_id; optional manager_id, name, email, locale).
    #[napi(ts_return_type = "Promise<IngestReport>")]
    pub fn ingest_reps(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Array<Record<string, unknown>> | Uint8Array")] table: Unknown<'_>,
        #[napi(ts_arg_type = "IngestOptions")] options: Option<Unknown<'_>>,
    ) -> AsyncTask<IngestTask> {
        self.ingest_async(&env, TableKind::Reps, table, options)
    }

    /// Ingests products (product_id; optional family, list_price, name).
    #[napi(ts_return_type = "Promise<IngestReport>")]
    pub fn ingest_products(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Array<Record<string, unknown>> | Uint8Array")] table: Unknown<'_>,
        #[napi(ts_arg_type = "IngestOptions")] options: Option<Unknown<'_>>,
    ) -> AsyncTask<IngestTask> {
        self.ingest_async(&env, TableKind::Products, table, options)
    }

    /// Ingests CRM deals (deal_id, customer_id, stage, stage_entered; optional rep_id,
    /// product_id, amount, created, closed, outcome).
    #[napi(ts_return_type = "Promise<IngestReport>")]
    pub fn ingest_deals(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Array<Record<string, unknown>> | Uint8Array")] table: Unknown<'_>,
        #[napi(ts_arg_type = "IngestOptions")] options: Option<Unknown<'_>>,
    ) -> AsyncTask<IngestTask> {
        self.ingest_async(&env, TableKind::Deals, table, options)
    }

    /// `ingestOrders` on the calling thread (for small batches, e.g. one webhook event).
    #[napi(ts_return_type = "IngestReport")]
    pub fn ingest_orders_sync(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Array<Record<string, unknown>> | Uint8Array")] table: Unknown<'_>,
        #[napi(ts_arg_type = "IngestOptions")] options: Option<Unknown<'_>>,
    ) -> Result<IngestReportOutput, CodedError> {
        self.ingest_sync(&env, TableKind::Orders, table, options)
    }

    /// `ingestCustomers` on the calling thread.
    #[napi(ts_return_type = "IngestReport")]
    pub fn ingest_customers_sync(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Array<Record<string, unknown>> | Uint8Array")] table: Unknown<'_>,
        #[napi(ts_arg_type = "IngestOptions")] options: Option<Unknown<'_>>,
    ) -> Result<IngestReportOutput, CodedError> {
        self.ingest_sync(&env, TableKind::Customers, table, options)
    }

    /// `ingestReps` on the calling thread.
    #[napi(ts_return_type = "IngestReport")]
    pub fn ingest_reps_sync(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Array<Record<string, unknown>> | Uint8Array")] table: Unknown<'_>,
        #[napi(ts_arg_type = "IngestOptions")] options: Option<Unknown<'_>>,
    ) -> Result<IngestReportOutput, CodedError> {
        self.ingest_sync(&env, TableKind::Reps, table, options)
    }

    /// `ingestProducts` on the calling thread.
    #[napi(ts_return_type = "IngestReport")]
    pub fn ingest_products_sync(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Array<Record<string, unknown>> | Uint8Array")] table: Unknown<'_>,
        #[napi(ts_arg_type = "IngestOptions")] options: Option<Unknown<'_>>,
    ) -> Result<IngestReportOutput, CodedError> {
        self.ingest_sync(&env, TableKind::Products, table, options)
    }

    /// `ingestDeals` on the calling thread.
    #[napi(ts_return_type = "IngestReport")]
    pub fn ingest_deals_sync(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Array<Record<string, unknown>> | Uint8Array")] table: Unknown<'_>,
        #[napi(ts_arg_type = "IngestOptions")] options: Option<Unknown<'_>>,
    ) -> Result<IngestReportOutput, CodedError> {
        self.ingest_sync(&env, TableKind::Deals, table, options)
    }

    /// The whole engine as bytes: versioned and checksummed. `Engine.restore(bytes)` reads them.
    #[napi]
    pub fn snapshot(&self) -> Result<Buffer, CodedError> {
        sync(|| Ok(Buffer::from(self.engine().snapshot())))
    }

    /// An engine from `snapshot()` bytes. Foreign, truncated, corrupt or newer-format bytes throw
    /// a `SnapshotError` that says which.
    #[napi(factory)]
    pub fn restore(
        env: Env,
        #[napi(ts_arg_type = "Uint8Array")] bytes: Unknown<'_>,
    ) -> Result<Engine, CodedError> {
        sync(|| {
            let bytes =
                match read_table(&env, bytes) {
                    Ok(TableInput::Ipc(bytes)) => bytes,
                    _ => return Err(salespulse::Error::Snapshot(
                        "restore takes the bytes (a Buffer or Uint8Array) that snapshot() returned"
                            .into(),
                    )
                    .into()),
                };
            Ok(Engine::wrap(salespulse::Engine::restore(&bytes)?))
        })
    }

    /// Joins an engine built on a disjoint set of customers (a partition of a distributed job).
    /// Both must have the same configuration; `other` is left as it was. Throws a `MergeError`
    /// (and changes nothing) when they overlap or differ.
    #[napi]
    pub fn merge(&self, other: &Engine) -> Result<(), CodedError> {
        sync(|| {
            if Arc::ptr_eq(&self.inner, &other.inner) {
                return Err(salespulse::Error::Merge(
                    "an engine cannot be merged with itself".into(),
                )
                .into());
            }
            let other = other.engine().clone();
            self.engine().merge(other)?;
            Ok(())
        })
    }

    /// The KPI table at `asOf` (a `Date` or an ISO date string): active customers, churn rate,
    /// product variety per customer, order frequency and pace, the rate of items returning to the
    /// basket, net revenue. One row overall, or one per group with `by` = `'rep'`, `'segment'` or
    /// `'region'`. Rows are plain objects with camelCase keys (`activeCustomers`, `churnRate`,
    /// ...; days as `'YYYY-MM-DD'`); `{format: 'arrow'}` gives Arrow IPC bytes instead.
    #[napi(ts_return_type = "Array<Record<string, unknown>> | Buffer")]
    pub fn kpis(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Date | string")] as_of: Unknown<'_>,
        #[napi(ts_arg_type = "'rep' | 'segment' | 'region' | null")] by: Option<String>,
        #[napi(ts_arg_type = "OutputOptions")] options: Option<Unknown<'_>>,
    ) -> Result<Unknown<'static>, CodedError> {
        sync(|| {
            let format = Format::of(read_options(&env, options, OUTPUT_KEYS, "options")?.as_ref())?;
            let engine = self.engine();
            let as_of = read_day(&env, as_of, "asOf", engine.config())?;
            let by = by.as_deref().map(GroupBy::parse).transpose()?;
            let frame = engine.kpis(as_of, by)?;
            drop(engine);
            output::frame(&env, &frame, format)
        })
    }

    /// Every signal active at `asOf` (a `Date` or an ISO date string; default: the engine's
    /// clock, else the day of the last order), highest score first: kind, customerId, productId,
    /// repId, segment, detectedOn, valueAtStake, probability, score, evidence, then the
    /// kind-specific details. `{format: 'arrow'}` gives Arrow IPC bytes instead.
    #[napi(ts_return_type = "Array<Record<string, unknown>> | Buffer")]
    pub fn signals(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Date | string | null")] as_of: Option<Unknown<'_>>,
        #[napi(ts_arg_type = "OutputOptions")] options: Option<Unknown<'_>>,
    ) -> Result<Unknown<'static>, CodedError> {
        sync(|| {
            let format = Format::of(read_options(&env, options, OUTPUT_KEYS, "options")?.as_ref())?;
            let engine = self.engine();
            let as_of = read_optional_day(&env, as_of, "asOf", engine.config())?;
            let frame = engine.signals(as_of)?;
            drop(engine);
            output::frame(&env, &frame, format)
        })
    }

    /// Next-best offers at `asOf` (a `Date` or an ISO date string): per customer the top `k`
    /// (default 5) products it never bought, by customer, then rank: customerId, rank,
    /// productId, score, suggestedPrice, evidence, probability, expectedRevenue, similarShare,
    /// crossSell. `customers` limits it to those ids. The `cross_sell` signals are its
    /// strongest rows. `{format: 'arrow'}` gives Arrow IPC bytes instead.
    #[napi(ts_return_type = "Array<Record<string, unknown>> | Buffer")]
    pub fn recommend(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Date | string")] as_of: Unknown<'_>,
        k: Option<u32>,
        customers: Option<Vec<String>>,
        #[napi(ts_arg_type = "OutputOptions")] options: Option<Unknown<'_>>,
    ) -> Result<Unknown<'static>, CodedError> {
        sync(|| {
            let format = Format::of(read_options(&env, options, OUTPUT_KEYS, "options")?.as_ref())?;
            let engine = self.engine();
            let as_of = read_day(&env, as_of, "asOf", engine.config())?;
            let ids: Option<Vec<&str>> = customers
                .as_ref()
                .map(|c| c.iter().map(String::as_str).collect());
            let frame = engine.recommend(as_of, k.unwrap_or(5) as usize, ids.as_deref())?;
            drop(engine);
            output::frame(&env, &frame, format)
        })
    }

    /// Moves the engine's clock to `asOf` and returns the signals that rose since the last
    /// advance: the real-time feed (the same columns as `signals`). The clock never goes back.
    ///
    /// For a CRM backend, pass a callback (as the second argument, or third after `options`):
    /// it is called once per risen signal, highest score first, with the signal's row object,
    /// before `advance` returns (the rows are returned as well). A callback that throws stops
    /// the emission and `advance` throws; the clock has moved by then.
    #[napi(ts_return_type = "Array<Record<string, unknown>> | Buffer")]
    pub fn advance(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Date | string")] as_of: Unknown<'_>,
        #[napi(ts_arg_type = "OutputOptions | ((signal: Record<string, unknown>) => void) | null")]
        options: Option<Unknown<'_>>,
        #[napi(ts_arg_type = "(signal: Record<string, unknown>) => void")] on_signal: Option<
            Unknown<'_>,
        >,
    ) -> Result<Unknown<'static>, CodedError> {
        sync(|| {
            let (options, on_signal) = match options {
                Some(o) if o.get_type()? == ValueType::Function => (None, Some(o)),
                other => (other, on_signal),
            };
            let callback = on_signal
                .map(
                    |f| -> Result<Function<'_, Unknown<'_>, Unknown<'_>>, Fail> {
                        if f.get_type()? != ValueType::Function {
                            return Err(Fail::arg("onSignal must be a function"));
                        }
                        Ok(unsafe { Function::from_napi_value(env.raw(), f.raw()) }?)
                    },
                )
                .transpose()?;
            let format = Format::of(read_options(&env, options, OUTPUT_KEYS, "options")?.as_ref())?;
            let mut engine = self.engine();
            let as_of = read_day(&env, as_of, "asOf", engine.config())?;
            let frame = engine.advance(as_of)?;
            drop(engine);
            let result = output::frame(&env, &frame, format)?;
            if let Some(callback) = callback {
                let rows = match format {
                    Format::Rows => result,
                    Format::Arrow => output::rows(&env, &frame)?,
                };
                let rows: Array<'_> = unsafe { Array::from_napi_value(env.raw(), rows.raw()) }?;
                for i in 0..rows.len() {
                    let row: Unknown<'_> = rows.get(i)?.ok_or_else(|| Fail::arg("row missing"))?;
                    callback.call(row).map_err(|e| {
                        Fail::Napi(napi::Error::new(
                            Status::GenericFailure,
                            format!(
                                "the onSignal callback threw ({}); the clock is at {as_of} and \
                                 the remaining {} signals were not emitted",
                                e.reason,
                                rows.len() - i - 1
                            ),
                        ))
                    })?;
                }
            }
            Ok(result)
        })
    }

    /// The weekly brief at `asOf` (a `Date` or an ISO date string): every rep's 5-7 most
    /// valuable tasks and every manager's digest. `tasksPerRep`: 5, 6 or 7 (default: the
    /// engine's). Only data on or before `asOf` is read.
    #[napi]
    pub fn weekly_brief(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Date | string")] as_of: Unknown<'_>,
        tasks_per_rep: Option<u32>,
    ) -> Result<crate::brief::Brief, CodedError> {
        sync(|| {
            let engine = self.engine();
            let as_of = read_day(&env, as_of, "asOf", engine.config())?;
            let brief = engine.weekly_brief(as_of, tasks_per_rep.map(|n| n as usize))?;
            Ok(crate::brief::Brief::wrap(brief))
        })
    }

    /// Replays the history from `start` to `end` (`Date`s or ISO date strings) every
    /// `everyDays` days (default 7) through the real-time feed and the weekly brief, off the
    /// event loop, and resolves to a `Backtest`: per signal kind precision, lead time before the
    /// monthly report and the revenue that followed; per week the share of next-quarter lost
    /// revenue the tasks pointed at, against an RFM list of the same length.
    #[napi(ts_return_type = "Promise<Backtest>")]
    pub fn backtest(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Date | string")] start: Unknown<'_>,
        #[napi(ts_arg_type = "Date | string")] end: Unknown<'_>,
        every_days: Option<u32>,
    ) -> AsyncTask<crate::backtest::BacktestTask> {
        let args = guard(|| {
            let engine = self.engine();
            let start = read_day(&env, start, "start", engine.config())?;
            Ok((start, read_day(&env, end, "end", engine.config())?))
        });
        crate::backtest::task(self.inner.clone(), args, every_days.unwrap_or(7))
    }

    /// Remembers a brief's tasks as issued on its day, for `outcomes`; returns how many were
    /// new (recording a brief twice adds nothing). Part of `snapshot`.
    #[napi]
    pub fn record_brief(&self, brief: &crate::brief::Brief) -> Result<u32, CodedError> {
        sync(|| Ok(self.engine().record_brief(brief.core()) as u32))
    }

    /// Every recorded task judged at `asOf`: issued, repId, rank, customerId, productId,
    /// signals, value, outcome (`item_returned`, `ordered`, `deal_moved`, `pending`,
    /// `no_action`), actedOn, itemReturned. `{format: 'arrow'}` gives Arrow IPC bytes.
    #[napi(ts_return_type = "Array<Record<string, unknown>> | Buffer")]
    pub fn outcomes(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Date | string")] as_of: Unknown<'_>,
        #[napi(ts_arg_type = "OutputOptions")] options: Option<Unknown<'_>>,
    ) -> Result<Unknown<'static>, CodedError> {
        self.outcomes_of(env, as_of, options, false)
    }

    /// Per rep at `asOf`: repId, tasks, decided, acted, actedRate, itemTasks, itemsReturned,
    /// returnToBasketRate (the rate of items returning to the basket after a task).
    #[napi(ts_return_type = "Array<Record<string, unknown>> | Buffer")]
    pub fn outcome_rates(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Date | string")] as_of: Unknown<'_>,
        #[napi(ts_arg_type = "OutputOptions")] options: Option<Unknown<'_>>,
    ) -> Result<Unknown<'static>, CodedError> {
        self.outcomes_of(env, as_of, options, true)
    }

    /// Sizes and memory of the state.
    #[napi]
    pub fn stats(&self) -> Result<Stats, CodedError> {
        sync(|| Ok(self.engine().stats().into()))
    }

    /// The engine's settings, with every default filled in.
    #[napi(getter)]
    pub fn config(&self) -> Result<EngineConfig, CodedError> {
        sync(|| Ok(EngineConfig::from_core(self.engine().config())))
    }

    /// The engine's clock: the last day it was advanced to (`'YYYY-MM-DD'`), or null.
    #[napi(getter)]
    pub fn clock(&self) -> Result<Option<String>, CodedError> {
        sync(|| Ok(self.engine().clock().map(|d| d.to_string())))
    }
}
