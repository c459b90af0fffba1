//! The backtest on real data (CDNOW) and on the synthetic distributor: our weekly tasks against
//! an RFM baseline list of the same length, on next-quarter lost revenue pointed at.
//!
//! CDNOW (`../shared/data/cdnow/CDNOW_master.txt`: 23,570 customers of an online music store,
//! 1997-01 to 1998-06) has no reps, products or orders: each row is an order of one product
//! "CD", and the customers are dealt round-robin to `REPS` reps (default 100, about 236
//! customers each, a distributor rep's book) so that every week has a brief of 7 tasks per rep.
//! The replay runs weekly from 1997-04-01 (after the acquisition quarter) to 1998-03-31 (the
//! last week with a full quarter of data after it). The synthetic distributor (`CUSTOMERS`,
//! default 5,000, two years, seed 42) is replayed weekly from its 7th month to its end.
//!
//! Run: `cargo run --release -p salespulse --example backtest_cdnow [-- REPS CUSTOMERS]`

#[path = "../tests/common/cdnow.rs"]
mod cdnow;

use salespulse::{synth, BacktestReport, Config, CustomerRow, Day, Engine};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let reps: usize = args.next().map_or(Ok(100), |a| a.parse())?;
    let customers: usize = args.next().map_or(Ok(5_000), |a| a.parse())?;

    // CDNOW.
    let started = Instant::now();
    let (mut engine, report) = cdnow::ingest(&cdnow::file_bytes());
    let ids: Vec<String> = engine
        .state()
        .customers()
        .map(|(id, _)| engine.state().customer_text(id).to_string())
        .collect();
    let rows: Vec<CustomerRow> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| CustomerRow {
            customer_id: id.clone(),
            rep_id: Some(format!("R{:03}", i % reps)),
            ..Default::default()
        })
        .collect();
    engine.ingest_customer_rows(&rows);
    println!(
        "CDNOW: {} lines, {} customers dealt to {reps} reps (ingest {:.2} s)",
        report.accepted,
        ids.len(),
        started.elapsed().as_secs_f64()
    );
    let start = Day::from_ymd(1997, 4, 1).expect("valid");
    let end = Day::from_ymd(1998, 3, 31).expect("valid");
    run("CDNOW", &engine, start, end)?;

    // The synthetic distributor.
    let data = synth::distributor(customers, 2, 42);
    let engine = salespulse::evaluate::engine_with(&data, Config::default())?;
    let first = Day::from_date(data.start);
    let last = Day::from_date(data.end);
    println!(
        "\nsynthetic distributor: {customers} customers, {} lines, {} .. {last}",
        data.orders.len(),
        first
    );
    run("synthetic", &engine, first + 182, last)?;
    Ok(())
}

fn run(
    name: &str,
    engine: &Engine,
    start: Day,
    end: Day,
) -> Result<BacktestReport, Box<dyn std::error::Error>> {
    let started = Instant::now();
    let report = engine.backtest(start, end, 7)?;
    println!(
        "{name} backtest took {:.1} s\n{report}",
        started.elapsed().as_secs_f64()
    );
    let scored: Vec<_> = report.weeks.iter().filter(|w| w.scored).collect();
    let total = |f: &dyn Fn(&salespulse::backtest::WeekRow) -> f64| {
        scored.iter().map(|w| f(w)).sum::<f64>()
    };
    let lost = total(&|w| w.lost_total);
    println!(
        "{name}: next-quarter lost revenue summed over {} scored weeks {:.0}; pointed at: ours {:.0} ({:.1}%), RFM {:.0} ({:.1}%), oracle {:.0} ({:.1}%)",
        scored.len(),
        lost,
        total(&|w| w.lost_ours),
        100.0 * total(&|w| w.lost_ours) / lost,
        total(&|w| w.lost_rfm),
        100.0 * total(&|w| w.lost_rfm) / lost,
        total(&|w| w.lost_oracle),
        100.0 * total(&|w| w.lost_oracle) / lost,
    );
    let rates = report.outcome_rates_frame();
    let sum = |c: &str| {
        rates
            .i64_column(c)
            .map_or(0, |v| v.iter().flatten().sum::<i64>())
    };
    println!(
        "{name}: replayed tasks {} (decided {}), acted on within 30 days {:.1}%, offered item back in the basket {:.1}% of {}",
        sum("tasks"),
        sum("decided"),
        100.0 * sum("acted") as f64 / sum("decided").max(1) as f64,
        100.0 * sum("items_returned") as f64 / sum("item_tasks").max(1) as f64,
        sum("item_tasks")
    );
    Ok(report)
}
