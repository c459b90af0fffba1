//! Recall, precision and detection delay of every detector on the synthetic distributor's planted
//! events (the numbers of BENCHMARKS.md).
//!
//! Run: `cargo run --release -p salespulse --example detectors [-- CUSTOMERS [STEP_DAYS]]`

use salespulse::evaluate::score_signals;
use salespulse::{synth, Config, Day, Engine};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let customers: usize = args.next().map_or(Ok(10_000), |a| a.parse())?;
    let step: i32 = args.next().map_or(Ok(7), |a| a.parse())?;
    let data = synth::distributor(customers, 2, 42);
    let mut engine = Engine::new(Config::default())?;
    engine.ingest_rep_rows(&data.reps);
    engine.ingest_product_rows(&data.products);
    engine.ingest_customer_rows(&data.customers);
    engine.ingest_order_rows(&data.orders);
    engine.ingest_deal_rows(&data.deals);
    let (start, end) = (Day::from_date(data.start), Day::from_date(data.end));
    let from = start + 365;
    let started = Instant::now();
    let scores = score_signals(&engine, &data.labels, from, end, step)?;
    println!(
        "{customers} customers, replayed {from} .. {end} every {step} days in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    println!(
        "| kind | planted | found | recall | alarms | true | precision | median delay (days) |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    let show = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.2}"));
    for s in &scores {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            s.kind,
            s.labels,
            s.found,
            show(s.recall()),
            s.alarms,
            s.true_alarms,
            show(s.precision()),
            show(s.median_delay_days)
        );
    }
    println!("\nfalse alarms by what the customer had instead:");
    for s in scores.iter().filter(|s| !s.false_alarms_on.is_empty()) {
        println!("  {}: {:?}", s.kind, s.false_alarms_on);
    }
    Ok(())
}
