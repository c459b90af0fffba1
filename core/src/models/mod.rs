//! What is learned across customers.
//!
//! Owns: the stand-alone statistical models of the public API ("Models that stand alone"):
//! [`rfm`] turns transactions into per-customer frequency, recency, age and spend; [`btyd`] fits
//! the buy-till-you-die models (BG/NBD, MBG/NBD, Pareto/NBD) and the Gamma-Gamma spend model on
//! them; [`tables`] offers both on tables and columns, for the bindings.

pub mod btyd;
pub mod discounts;
pub mod pair_rhythm;
pub mod pipeline;
pub mod rfm;
pub mod seasonality;
pub mod stop_rates;
pub mod tables;
