//! Fit benchmarks of the customer-level models (issue 4): BG/NBD on CDNOW's 2,357 customers
//! and on 1,000,000 synthetic customers (daily summaries drawn from a BG/NBD process, fixed
//! seed), Pareto/NBD on CDNOW. `benches/btyd_vs_lifetimes.py` compares with lifetimes.

#[path = "btyd_synthetic.rs"]
mod synthetic;

use criterion::{criterion_group, criterion_main, Criterion};
use salespulse::models::btyd::{BetaGeo, ParetoNBD, RfmData, RfmGroups};
use std::hint::black_box;
use std::time::Duration;

/// CDNOW's summary (ID, frequency, recency, T in weeks).
const CDNOW: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/cdnow/cdnow_customers_summary.csv"
);

fn cdnow() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let text = std::fs::read_to_string(CDNOW).expect("CDNOW summary");
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

fn bench_cdnow(c: &mut Criterion) {
    let (x, tx, t) = cdnow();
    let data = RfmData::new(&x, &tx, &t);
    c.bench_function("bg_nbd_fit_cdnow", |b| {
        b.iter(|| BetaGeo::new().fit(black_box(&data)).expect("fit"))
    });
    let mut slow = c.benchmark_group("slow");
    slow.sample_size(10);
    slow.bench_function("pareto_nbd_fit_cdnow", |b| {
        b.iter(|| ParetoNBD::new().fit(black_box(&data)).expect("fit"))
    });
    slow.finish();
}

fn bench_synthetic(c: &mut Criterion) {
    let (x, tx, t) = synthetic::customers(1_000_000, 42);
    let data = RfmData::new(&x, &tx, &t);
    let groups = RfmGroups::from_data(&data).expect("groups");
    let mut group = c.benchmark_group("synthetic_1m");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("group", |b| {
        b.iter(|| RfmGroups::from_data(black_box(&data)).expect("groups"))
    });
    group.bench_function("bg_nbd_fit_grouped", |b| {
        b.iter(|| BetaGeo::new().fit_groups(black_box(&groups)).expect("fit"))
    });
    group.bench_function("bg_nbd_fit", |b| {
        b.iter(|| BetaGeo::new().fit(black_box(&data)).expect("fit"))
    });
    group.finish();
}

criterion_group!(benches, bench_cdnow, bench_synthetic);
criterion_main!(benches);
