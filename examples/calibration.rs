//! The lapse probabilities' reliability against the planted truth, pooled over several
//! synthetic distributors (seeds), with each bin's error and its 95% bootstrap interval: one
//! distributor's middle bins are too small to tell an error of 0.05 from chance.
//!
//! Run: `cargo run --release -p salespulse --example calibration [-- CUSTOMERS SEED...]`
//! (default 10,000 customers, seeds 42 7 1 2). Each distributor is scanned on the twelve days
//! of the `detectors` example (every 14 days from 120 to 274 days before its end); no replay
//! is needed, so a seed takes about a minute at 10,000 customers. The pooled table comes last.

use salespulse::evaluate::{engine_with, reliability_markdown, PlantedReliability};
use salespulse::{synth, Config, Day};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let customers: usize = args.next().map_or(Ok(10_000), |a| a.parse())?;
    let mut seeds: Vec<u64> = args.map(|a| a.parse()).collect::<Result<_, _>>()?;
    if seeds.is_empty() {
        seeds = vec![42, 7, 1, 2];
    }
    let mut pooled = PlantedReliability::new(10);
    for seed in &seeds {
        let started = Instant::now();
        let data = synth::distributor(customers, 2, *seed);
        let engine = engine_with(&data, Config::default())?;
        let end = Day::from_date(data.end);
        let days: Vec<Day> = (0..12).map(|k| end - 120 - 14 * k).collect();
        let mut own = PlantedReliability::new(10);
        own.add(&engine, &data.labels, &days);
        pooled.add(&engine, &data.labels, &days);
        println!(
            "\nseed {seed}: {customers} customers ({:.0} s)",
            started.elapsed().as_secs_f64()
        );
        print!("{}", reliability_markdown(&own.bins()));
    }
    println!("\npooled over seeds {seeds:?}:");
    print!("{}", reliability_markdown(&pooled.bins()));
    Ok(())
}
