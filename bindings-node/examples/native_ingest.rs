//! The native side of `benches/node_ingest.mjs`: times `Engine::ingest_ipc` of order lines from
//! an Arrow IPC file, the very call the Node binding makes for `ingestOrders(buffer)`, and prints
//! one JSON line of seconds (a fresh engine each run; its creation is not timed).
//!
//! `cargo run --release -p salespulse-node --example native_ingest -- FILE.arrow [--repeat N]`

use salespulse::{Config, Engine, IngestOptions, TableKind};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: native_ingest FILE.arrow [--repeat N]");
    let repeat: usize = match (args.next().as_deref(), args.next()) {
        (Some("--repeat"), Some(n)) => n.parse().expect("--repeat N"),
        _ => 3,
    };
    let bytes = std::fs::read(&path).expect("read the Arrow IPC file");
    let mut seconds = Vec::with_capacity(repeat);
    let mut accepted = 0;
    for _ in 0..repeat {
        let mut engine = Engine::new(Config::default()).expect("default config");
        let started = Instant::now();
        let report = engine
            .ingest_ipc(TableKind::Orders, &bytes, &IngestOptions::default())
            .expect("ingest");
        seconds.push(started.elapsed().as_secs_f64());
        accepted = report.accepted;
        assert!(report.is_clean(), "{report}");
    }
    seconds.sort_by(f64::total_cmp);
    let best = seconds[0];
    let median = seconds[seconds.len() / 2];
    println!("{{\"rows\": {accepted}, \"best\": {best:.6}, \"median\": {median:.6}, \"runs\": {repeat}}}");
}
