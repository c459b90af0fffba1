//! Fit timings of the BG/NBD family as JSON on stdout, for `benches/btyd_vs_lifetimes.py`.
//!
//! `cargo run --release -p salespulse --example btyd_timing [CDNOW_SUMMARY_CSV]`

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

/// Median wall time in milliseconds of `runs` calls.
fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

fn main() {
    let default = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/cdnow/cdnow_customers_summary.csv"
    );
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| default.to_string());
    let (x, tx, t) = read_summary(&path);
    let data = RfmData::new(&x, &tx, &t);
    let bg = BetaGeo::new().fit(&data).expect("BG/NBD fit");
    let cdnow_bg = median_ms(21, || {
        BetaGeo::new().fit(&data).expect("fit");
    });
    let cdnow_pnbd = median_ms(5, || {
        ParetoNBD::new().fit(&data).expect("fit");
    });

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
    let params = |v: Vec<f64>| {
        format!(
            "[{}]",
            v.iter()
                .map(|p| format!("{p:.6}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    println!(
        "{{\"cdnow_bg_fit_ms\": {cdnow_bg:.3}, \"cdnow_bg_params\": {}, \"cdnow_pnbd_fit_ms\": {cdnow_pnbd:.3}, \
         \"synthetic_customers\": {n}, \"synthetic_patterns\": {}, \"synthetic_group_ms\": {group_ms:.1}, \
         \"synthetic_grouped_fit_ms\": {grouped_fit_ms:.1}, \"synthetic_fit_ms\": {total_ms:.1}, \
         \"synthetic_true_params\": {}, \"synthetic_fitted_params\": {}, \"synthetic_iterations\": {}}}",
        params(bg.params().to_vec()),
        groups.len(),
        params(synthetic::TRUTH.to_vec()),
        params(fit.params().to_vec()),
        fit.iterations()
    );
}
