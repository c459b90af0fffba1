//! Recall, precision and detection delay of every detector on the synthetic distributor's planted
//! events (the numbers of BENCHMARKS.md).
//!
//! Run: `cargo run --release -p salespulse --example detectors [-- [--advance] [--seed=N]
//! CUSTOMERS [STEP_DAYS [ITEM_LAPSED_PROBABILITY]]]` (the last overrides the `item_lapsed`
//! threshold, to trace precision against delay). The replay runs a full scan every STEP_DAYS
//! days; with `--advance` it advances the real-time feed day by day instead, as a user would
//! (STEP_DAYS is then ignored). The distributor's seed is 42 unless `--seed` says otherwise.

use salespulse::evaluate::{
    engine_with, gap_survival_reliability, lapse_reliability, lapse_reliability_planted,
    lapse_reliability_planted_by_substitution, lapse_truth_by_day, lapse_truth_by_gap,
    monthly_report_baseline, reliability_markdown, score_advance, score_signals,
};
use salespulse::synth::Label;
use salespulse::{synth, Config, Day, Engine, SignalKind};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let advance = std::env::args().any(|a| a == "--advance");
    let seed: u64 = std::env::args()
        .find_map(|a| a.strip_prefix("--seed=").map(str::to_string))
        .map_or(Ok(42), |s| s.parse())?;
    let mut args = std::env::args()
        .skip(1)
        .filter(|a| a != "--advance" && !a.starts_with("--seed="));
    let customers: usize = args.next().map_or(Ok(10_000), |a| a.parse())?;
    let step: i32 = args.next().map_or(Ok(7), |a| a.parse())?;
    let mut config = Config::default();
    if let Some(threshold) = args.next() {
        config.thresholds.item_lapsed_probability = threshold.parse()?;
    }
    println!(
        "item_lapsed threshold P(stopped) >= {}",
        config.thresholds.item_lapsed_probability
    );
    let data = synth::distributor(customers, 2, seed);
    let mut engine = engine_with(&data, config)?;
    let (start, end) = (Day::from_date(data.start), Day::from_date(data.end));
    let from = start + 365;
    let started = Instant::now();
    let scores = if advance {
        score_advance(&mut engine, &data.labels, from, end)?
    } else {
        score_signals(&engine, &data.labels, from, end, step)?
    };
    let how = if advance {
        "advancing the feed every day".to_string()
    } else {
        format!("scanning every {step} days")
    };
    println!(
        "{customers} customers (seed {seed}), replayed {from} .. {end} {how} in {:.1} s",
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
    if let Some(lapsed) = scores.iter().find(|s| s.kind == SignalKind::ItemLapsed) {
        print_delay_in_intervals(&engine, &data.labels, &lapsed.detections);
        let baseline = monthly_report_baseline(&engine, &data.labels, from, end);
        println!(
            "\nmonthly report baseline (a customer's month 30% below its previous three), on the \
             same item-level events: recall {:.2} ({} of {}), precision {:.2} ({} of {} flags on \
             customers with any planted event), median delay {} days; it flags {:.0}% of active \
             customers in an average month",
            baseline.found as f64 / baseline.labels.max(1) as f64,
            baseline.found,
            baseline.labels,
            baseline.true_alarms as f64 / baseline.alarms.max(1) as f64,
            baseline.true_alarms,
            baseline.alarms,
            baseline
                .median_delay_days
                .map_or("-".to_string(), |d| format!("{d:.0}")),
            100.0 * baseline.flagged_share
        );
    }
    let days: Vec<Day> = (0..12).map(|k| end - 120 - 14 * k).collect();
    println!("\nreliability of P(stopped) against the planted truth (watched pairs at 12 days):");
    print!(
        "{}",
        reliability_markdown(&lapse_reliability_planted(&engine, &data.labels, &days, 10))
    );
    let (substituted, others) =
        lapse_reliability_planted_by_substitution(&engine, &data.labels, &days, 10);
    println!("\nthe same, pairs of a (segment, product) a planted substitution hit:");
    print!("{}", reliability_markdown(&substituted));
    println!("\nthe same, every other pair:");
    print!("{}", reliability_markdown(&others));
    println!(
        "\nthe planted truth by the open gap, in the pair's mean intervals (the last row: longer):"
    );
    print!(
        "{}",
        reliability_markdown(&lapse_truth_by_gap(&engine, &data.labels, &days, 5))
    );
    println!(
        "\nthe planted truth day by day, pairs predicted 0.4-0.8 (days before the end; the \
         generator's events start about {} days before it):",
        (0.4 * (end - Day::from_date(data.start)) as f64) as i32
    );
    println!("| day | pairs | mean predicted | observed | 95% interval of the difference |");
    println!("| --- | --- | --- | --- | --- |");
    for (day, row) in lapse_truth_by_day(&engine, &data.labels, &days, (0.4, 0.8)) {
        println!(
            "| end - {} | {} | {:.3} | {:.3} | ({:+.3}, {:+.3}) |",
            end - day,
            row.pairs,
            row.predicted,
            row.observed,
            row.off_by_interval.0,
            row.off_by_interval.1
        );
    }
    println!("\nthe same against a look-ahead (stopped = no purchase in the next 120 days):");
    print!(
        "{}",
        reliability_markdown(&lapse_reliability(&engine, &days, 120, 10))
    );
    println!(
        "\ngap survival of the pairs that go on (the same days; P(the gap reaches k orders | it \
         reached the open gap) against whether it did, by decade of the prediction):"
    );
    println!(
        "| predicted | (pair, order) | mean predicted | reached | 95% interval of the difference |"
    );
    println!("| --- | --- | --- | --- | --- |");
    for row in gap_survival_reliability(&engine, &days, 6) {
        println!(
            "| {:.0e}-{:.0e} | {} | {:.5} | {:.5} | ({:+.5}, {:+.5}) |",
            row.range.0,
            row.range.1,
            row.pairs,
            row.predicted,
            row.observed,
            row.off_by_interval.0,
            row.off_by_interval.1
        );
    }
    println!("\nfalse alarms by what the customer had instead:");
    for s in scores.iter().filter(|s| !s.false_alarms_on.is_empty()) {
        println!("  {}: {:?}", s.kind, s.false_alarms_on);
    }
    Ok(())
}

/// The item lapses' delays in units of each pair's own median interval before the event: over
/// all found events, then by the planted kind (a single item stopped, a competitor's
/// substitution).
fn print_delay_in_intervals(engine: &Engine, labels: &[Label], detections: &[(usize, f64)]) {
    let state = engine.state();
    let ratios: Vec<(&str, f64)> = detections
        .iter()
        .filter_map(|&(i, delay)| {
            let label = &labels[i];
            let customer = state.customer_id(label.customer_id.as_deref()?)?;
            let product = state.product_id(label.product_id.as_deref()?)?;
            let history = state.customer(customer).pair(product)?;
            let days: Vec<Day> = history
                .purchase_days_until(Day::from_date(label.start))
                .collect();
            let mut gaps: Vec<i32> = days.windows(2).map(|w| w[1] - w[0]).collect();
            gaps.sort_unstable();
            let median = f64::from(*gaps.get(gaps.len() / 2)?);
            Some((label.kind, delay / median))
        })
        .collect();
    let median_of = |kind: Option<&str>| {
        let mut chosen: Vec<f64> = ratios
            .iter()
            .filter(|(k, _)| kind.is_none_or(|kind| *k == kind))
            .map(|(_, r)| *r)
            .collect();
        chosen.sort_by(f64::total_cmp);
        chosen.get(chosen.len() / 2).map(|mid| (*mid, chosen.len()))
    };
    if let Some((mid, n)) = median_of(None) {
        println!(
            "\nitem_lapsed: median delay from the due day = {mid:.2} x the pair's own median \
             interval ({n} found events)"
        );
    }
    for kind in ["item_lapsed", "item_lapsed_across_similar"] {
        if let Some((mid, n)) = median_of(Some(kind)) {
            println!("  planted as {kind}: {mid:.2} x ({n} found)");
        }
    }
}
