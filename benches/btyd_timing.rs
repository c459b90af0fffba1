//! Fit timings of the BG/NBD family as JSON on stdout, for `benches/btyd_vs_lifetimes.py`.
//!
//! `cargo run --release -p salespulse --example btyd_timing -- [CDNOW_SUMMARY_CSV]
//! [--samples N] [--fits K] [--no-synthetic]`
//!
//! A CDNOW BG/NBD fit takes well under a millisecond, so one fit is too short to time on a
//! shared machine: each of `N` samples (default 21) times `K` back-to-back fits (default 200)
//! from the raw columns (grouping included, as lifetimes gets the raw columns) and the result
//! is the median over the samples of the time per fit, with the quartiles as its spread.

#[path = "btyd_synthetic.rs"]
mod synthetic;

use salespulse::models::btyd::{BetaGeo, ModelParams, ParetoNBD, RfmData, RfmGroups};
use std::time::Instant;

/// CDNOW's summary (ID, frequency, recency, T) as columns.
fn read_summary(path: &str) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let (mut x, mut tx, mut t) = (Vec::new(), Vec::new(), Vec::new());
    for line in text.lines().skip(1).filter(|l| !l.is_empty()) {
        let f: Vec<f64> = line
            .split(',')
            .map(|v| v.trim().parse().expect("number"))
            .collect();
        x.push(f[1]);
        tx.push(f[2]);
        t.push(f[3]);
    }
    (x, tx, t)
}

/// Time per call in milliseconds: `samples` samples of `calls` back-to-back calls each;
/// returns the (lower quartile, median, upper quartile) of the per-call times of the samples.
fn per_call_ms(samples: usize, calls: usize, mut f: impl FnMut()) -> (f64, f64, f64) {
    let mut times: Vec<f64> = (0..samples)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..calls {
                f();
            }
            start.elapsed().as_secs_f64() * 1e3 / calls as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((samples - 1) as f64 * q).round() as usize];
    (at(0.25), at(0.5), at(0.75))
}

/// Median wall time in milliseconds of `runs` single calls (for calls of many milliseconds).
fn median_ms(runs: usize, f: impl FnMut()) -> f64 {
    per_call_ms(runs, 1, f).1
}

fn params(v: Vec<f64>) -> String {
    format!(
        "[{}]",
        v.iter()
            .map(|p| format!("{p:.6}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn main() {
    let default = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/cdnow/cdnow_customers_summary.csv"
    );
    let (mut path, mut samples, mut fits, mut synthetic) = (default.to_string(), 21, 200, true);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut count = |name: &str| -> usize {
            args.next()
                .and_then(|v| v.parse().ok())
                .filter(|&v| v > 0)
                .unwrap_or_else(|| panic!("{name} needs a positive whole number"))
        };
        match arg.as_str() {
            "--samples" => samples = count("--samples"),
            "--fits" => fits = count("--fits"),
            "--no-synthetic" => synthetic = false,
            _ => path = arg,
        }
    }
    let (x, tx, t) = read_summary(&path);
    let data = RfmData::new(&x, &tx, &t);
    let bg = BetaGeo::new().fit(&data).expect("BG/NBD fit");
    // Warm-up: caches, allocator, CPU frequency.
    for _ in 0..fits {
        BetaGeo::new().fit(&data).expect("fit");
    }
    let (bg_q1, bg_median, bg_q3) = per_call_ms(samples, fits, || {
        BetaGeo::new().fit(&data).expect("fit");
    });
    let pnbd = median_ms(samples.min(7), || {
        ParetoNBD::new().fit(&data).expect("fit");
    });
    print!(
        "{{\"cdnow_bg_fit_ms\": {bg_median:.4}, \"cdnow_bg_fit_ms_quartiles\": [{bg_q1:.4}, {bg_q3:.4}], \
         \"cdnow_bg_samples\": {samples}, \"cdnow_bg_fits_per_sample\": {fits}, \"cdnow_bg_params\": {}, \
         \"cdnow_bg_iterations\": {}, \"cdnow_pnbd_fit_ms\": {pnbd:.3}",
        params(bg.params().to_vec()),
        bg.iterations()
    );
    if synthetic {
        let n = 1_000_000;
        let (sx, stx, st) = synthetic::customers(n, 42);
        let synthetic_data = RfmData::new(&sx, &stx, &st);
        let groups = RfmGroups::from_data(&synthetic_data).expect("groups");
        let fit = BetaGeo::new().fit(&synthetic_data).expect("fit");
        let group_ms = median_ms(5, || {
            RfmGroups::from_data(&synthetic_data).expect("groups");
        });
        let grouped_fit_ms = median_ms(5, || {
            BetaGeo::new().fit_groups(&groups).expect("fit");
        });
        let total_ms = median_ms(5, || {
            BetaGeo::new().fit(&synthetic_data).expect("fit");
        });
        print!(
            ", \"synthetic_customers\": {n}, \"synthetic_patterns\": {}, \"synthetic_group_ms\": {group_ms:.1}, \
             \"synthetic_grouped_fit_ms\": {grouped_fit_ms:.1}, \"synthetic_fit_ms\": {total_ms:.1}, \
             \"synthetic_true_params\": {}, \"synthetic_fitted_params\": {}, \"synthetic_iterations\": {}",
            groups.len(),
            params(synthetic::TRUTH.to_vec()),
            params(fit.params().to_vec()),
            fit.iterations()
        );
    }
    println!("}}");
}
