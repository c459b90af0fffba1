//! # salespulse for Node
//!
//! A thin door to the `salespulse` engine: JS values in (arrays of row objects or Arrow IPC
//! bytes, `Date`s or ISO strings), core calls, JS values out (arrays of row objects with
//! camelCase keys, or Arrow IPC). No rule of the engine lives here.
//!
//! - [`engine`]: the `Engine` class; heavy calls run as `AsyncTask`s on the libuv pool.
//! - [`brief`]: the `Brief` class of `engine.weeklyBrief(...)`.
//! - [`backtest`]: the `Backtest` class of `engine.backtest(...)` and the outcomes calls.
//! - [`synth`]: `synth.distributor(...)`, the synthetic distributor's tables.
//! - [`models`]: the models that stand alone: `rfmSummary` and the `BetaGeo`,
//!   `ModifiedBetaGeo`, `ParetoNBD` and `GammaGamma` classes.
//! - [`itemsets`]: `frequentItemsets` and `associationRules` (as mlxtend's).
//! - [`input`] / [`output`]: format conversion; [`error`]: core errors as JS `Error`s with `code`.
#![deny(clippy::all)]

#[macro_use]
extern crate napi_derive;

pub mod backtest;
pub mod brief;
pub mod engine;
pub mod error;
pub mod input;
pub mod itemsets;
pub mod models;
pub mod output;
pub mod synth;
