//! `synth.distributor(...)`: the core's synthetic wholesale distributor, as JS tables.

use crate::engine::read_options;
use crate::error::{sync, CodedError, Fail};
use crate::output::{self, Format};
use napi::bindgen_prelude::*;
use napi::Env;
use salespulse::ingest::arrow::{
    customers_frame, deals_frame, order_lines_frame, products_frame, reps_frame,
};
use salespulse::synth::Label;
use salespulse::table::{Frame, Series};
use salespulse::Day;
use std::result::Result;

/// What to generate, and how to return it.
#[napi(object)]
#[derive(Default)]
pub struct DistributorOptions {
    /// Customers (default 10,000: about 3.7 million order lines over 2 years; use
    /// `format: 'arrow'` for that many).
    pub customers: Option<f64>,
    /// Years of history (default 2).
    pub years: Option<f64>,
    /// The seed (default 42). Same seed, same data, in every language.
    pub seed: Option<f64>,
    /// `'rows'` (arrays of plain objects, the default) or `'arrow'` (Arrow IPC Buffers).
    #[napi(ts_type = "'rows' | 'arrow'")]
    pub format: Option<String>,
}

const KEYS: &[&str] = &["customers", "years", "seed", "format"];

/// The tables of a synthetic distributor, and the events planted in them.
#[napi(object, object_from_js = false)]
pub struct Distributor {
    /// ERP order lines (orderId, lineNo, customerId, productId, date, quantity, netAmount,
    /// listAmount, repId, currency).
    #[napi(ts_type = "Array<Record<string, unknown>> | Buffer")]
    pub orders: Unknown<'static>,
    /// Customers (customerId, repId, segment, region, name).
    #[napi(ts_type = "Array<Record<string, unknown>> | Buffer")]
    pub customers: Unknown<'static>,
    /// Reps and managers (repId, managerId, name, email, locale).
    #[napi(ts_type = "Array<Record<string, unknown>> | Buffer")]
    pub reps: Unknown<'static>,
    /// Products (productId, family, listPrice, name).
    #[napi(ts_type = "Array<Record<string, unknown>> | Buffer")]
    pub products: Unknown<'static>,
    /// CRM deals, one row per stage entered (dealId, customerId, stage, stageEntered, repId,
    /// productId, amount, created, closed, outcome).
    #[napi(ts_type = "Array<Record<string, unknown>> | Buffer")]
    pub deals: Unknown<'static>,
    /// The planted events (kind, customerId, productId, segment, repId, dealId, start, due,
    /// effect): what the signals should find.
    #[napi(ts_type = "Array<Record<string, unknown>> | Buffer")]
    pub labels: Unknown<'static>,
    /// The first day of the history (`'YYYY-MM-DD'`).
    pub start: String,
    /// The last day of the history (`'YYYY-MM-DD'`).
    pub end: String,
}

fn count(name: &str, value: Option<f64>, default: u64) -> Result<u64, Fail> {
    match value {
        None => Ok(default),
        Some(x) if x.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&x) => Ok(x as u64),
        Some(x) => Err(Fail::arg(format!(
            "{name} is {x}; it must be a whole number >= 0"
        ))),
    }
}

/// The labels as a table (the columns of API.md: kind, customer_id, product_id, segment, then
/// rep_id, deal_id, start, due, effect).
fn labels_frame(labels: &[Label]) -> Frame {
    let text = |get: fn(&Label) -> Option<&str>| {
        Series::Str(labels.iter().map(|l| get(l).map(str::to_string)).collect())
    };
    Frame::new()
        .with("kind", text(|l| Some(l.kind)))
        .with("customer_id", text(|l| l.customer_id.as_deref()))
        .with("product_id", text(|l| l.product_id.as_deref()))
        .with("segment", text(|l| l.segment.as_deref()))
        .with("rep_id", text(|l| l.rep_id.as_deref()))
        .with("deal_id", text(|l| l.deal_id.as_deref()))
        .with(
            "start",
            Series::Day(
                labels
                    .iter()
                    .map(|l| Some(Day::from_date(l.start)))
                    .collect(),
            ),
        )
        .with(
            "due",
            Series::Day(labels.iter().map(|l| l.due.map(Day::from_date)).collect()),
        )
        .with(
            "effect",
            Series::F64(labels.iter().map(|l| l.effect).collect()),
        )
}

/// A synthetic wholesale distributor: orders, customers, reps, products, deals, and `labels`,
/// the planted events (customers at risk, frequency and variety drops, lapsed items, seasonal
/// items due, a competitor's substitute, a discount spike, stalled deals).
///
/// ```js
/// const { synth, Engine } = require('salespulse')
/// const data = synth.distributor({ customers: 200, years: 2, seed: 42 })
/// const engine = new Engine()
/// await engine.ingestCustomers(data.customers)
/// await engine.ingestOrders(data.orders)
/// engine.kpis(data.end)
/// ```
#[napi(namespace = "synth", ts_return_type = "Distributor")]
pub fn distributor(
    env: Env,
    #[napi(ts_arg_type = "DistributorOptions")] options: Option<Unknown<'_>>,
) -> Result<Distributor, CodedError> {
    sync(|| {
        let options: DistributorOptions =
            read_options(&env, options, KEYS, "options")?.unwrap_or_default();
        let format = Format::parse(options.format.as_deref())?;
        let customers = count("customers", options.customers, 10_000)?;
        let years = count("years", options.years, 2)?;
        let seed = count("seed", options.seed, 42)?;
        let years = u32::try_from(years).map_err(|_| Fail::arg("years is too large"))?;
        let data = salespulse::synth::distributor(customers as usize, years, seed);
        let table = |frame: Frame| output::frame(&env, &frame, format);
        Ok(Distributor {
            orders: table(order_lines_frame(&data.orders))?,
            customers: table(customers_frame(&data.customers))?,
            reps: table(reps_frame(&data.reps))?,
            products: table(products_frame(&data.products))?,
            deals: table(deals_frame(&data.deals))?,
            labels: table(labels_frame(&data.labels))?,
            start: Day::from_date(data.start).to_string(),
            end: Day::from_date(data.end).to_string(),
        })
    })
}
