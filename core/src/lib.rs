//! # salespulse
//!
//! salespulse turns a B2B distributor's ERP order lines and CRM deals into real-time signals and
//! a weekly list of 5-7 tasks per sales rep, ranked by the money at stake.
//!
//! The data takes one path: **ingest** (validate, intern, dedupe) -> **state** (per customer x
//! product histories, aggregates) -> models -> detectors -> ranker -> brief. This crate is the
//! whole engine; the Python and Node packages are thin doors to it.
//!
//! ```
//! use salespulse::{Config, Engine, GroupBy, synth};
//!
//! let data = synth::distributor(200, 2, 42);
//! let mut engine = Engine::new(Config::default()).unwrap();
//! engine.ingest_customer_rows(&data.customers);
//! let report = engine.ingest_order_rows(&data.orders);
//! assert!(report.is_clean());
//! let kpis = engine.kpis(salespulse::Day::from_date(data.end), None).unwrap();
//! assert_eq!(kpis.len(), 1);
//! ```
//!
//! Modules by what they hold:
//! - [`model`]: the typed rows of the five tables; [`table`]: columnar batches in, frames out;
//! - [`ingest`]: the rules of a usable row, CSV and date reading; [`state`]: histories;
//! - [`kpi`]: the KPI definitions; [`synth`]: a synthetic distributor with labelled events;
//! - [`itemsets`]: frequent itemsets and association rules (as mlxtend);
//! - [`affinity`]: incremental co-occurrence, similar customers and recommendations;
//! - [`rank`]: the value of acting on signals, and each rep's diverse short list;
//! - [`brief`]: the weekly brief (tasks, manager digests, Markdown, HTML in en and he);
//! - [`outcomes`]: issued tasks and whether customers acted; [`backtest`]: the history replayed
//!   and scored against what followed, against an RFM baseline list;
//! - [`realtime`]: the incremental feed behind `advance` (dirty customers, a timer queue);
//! - [`Engine`]: the calls of the public surface; [`snapshot`]: the byte format.
#![warn(missing_docs)]

pub mod affinity;
pub mod backtest;
pub mod brief;
pub mod config;
pub mod day;
pub mod detect;
pub mod engine;
pub mod error;
pub mod evaluate;
pub mod ids;
pub mod ingest;
pub mod itemsets;
pub mod kpi;
pub mod model;
pub mod models;
pub mod outcomes;
pub mod rank;
pub mod realtime;
pub mod signal;
pub mod snapshot;
pub mod state;
pub mod synth;
pub mod table;

pub use backtest::BacktestReport;
pub use config::{Config, Thresholds};
pub use day::Day;
pub use engine::{Engine, IngestOptions, TableKind};
pub use error::{Error, Result};
pub use ids::Interner;
pub use ingest::{IngestReport, Rejection};
pub use itemsets::{association_rules, frequent_itemsets};
pub use kpi::GroupBy;
pub use model::{CustomerRow, DealRow, OrderLine, Outcome, ProductRow, RepRow};
pub use signal::{Signal, SignalKind};
pub use table::{Batch, Column, Frame, Series};
