//! The native side of `benches/python_ingest.py`: times the ingest of the same order lines in
//! Rust, three ways, and prints one JSON line of seconds, wall-clock and on-CPU (best of
//! `--repeat` runs, a fresh engine each):
//!
//! - `columnar`: a [`Batch`] of owned Rust columns (`Vec<String>` ids, day numbers, `f64`s), the
//!   natural native path;
//! - `rows`: typed [`OrderLine`]s;
//! - `arrow`: the Arrow record batches themselves ([`Engine::ingest_arrow`]), the core of the
//!   Python path without the Python around it.
//!
//! Run: `cargo run --release -p salespulse --features arrow --example ingest_native -- FILE.arrow`
//! where FILE.arrow is an Arrow IPC file of order lines (order_id, line_no, customer_id,
//! product_id, date, quantity, net_amount) as the Python benchmark writes it.

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use salespulse::ingest::arrow::{read_ipc, ArrowColumn};
use salespulse::table::{Batch, Cell, CellColumn, Column};
use salespulse::{Config, Day, Engine, IngestOptions, OrderLine, TableKind};
use std::time::Instant;

fn strings(batches: &[RecordBatch], name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for b in batches {
        let column = b.column_by_name(name).expect("column");
        let cells = ArrowColumn::new(column.as_ref());
        for row in 0..column.len() {
            match cells.cell(row) {
                Cell::Text(t) => out.push(t.to_string()),
                other => panic!("{name}: {other:?}"),
            }
        }
    }
    out
}

fn days(batches: &[RecordBatch], name: &str) -> Vec<i32> {
    let mut out = Vec::new();
    for b in batches {
        let column = b.column_by_name(name).expect("column");
        let cells = ArrowColumn::new(column.as_ref());
        for row in 0..column.len() {
            out.push(match cells.cell(row) {
                Cell::Day(d) => d.0,
                Cell::LocalMicros(us) | Cell::UtcMicros(us) => us.div_euclid(86_400_000_000) as i32,
                other => panic!("{name}: {other:?}"),
            });
        }
    }
    out
}

fn floats(batches: &[RecordBatch], name: &str) -> Vec<f64> {
    batches
        .iter()
        .flat_map(|b| {
            let c = b.column_by_name(name).expect("column");
            c.as_primitive::<Float64Type>().values().to_vec()
        })
        .collect()
}

fn ints(batches: &[RecordBatch], name: &str) -> Vec<i64> {
    batches
        .iter()
        .flat_map(|b| {
            let c = b.column_by_name(name).expect("column");
            c.as_primitive::<Int64Type>().values().to_vec()
        })
        .collect()
}

/// Seconds this thread has run on a CPU (Linux; `None` elsewhere): steadier than wall time on a
/// busy machine.
fn cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(nanos / 1e9)
}

/// The best (wall, cpu) seconds of `repeat` runs.
fn best<F: FnMut() -> usize>(repeat: usize, expected: usize, mut run: F) -> (f64, f64) {
    let mut best = (f64::INFINITY, f64::INFINITY);
    for _ in 0..repeat {
        let (started, cpu) = (Instant::now(), cpu_seconds());
        let accepted = run();
        let wall = started.elapsed().as_secs_f64();
        let cpu = match (cpu, cpu_seconds()) {
            (Some(a), Some(b)) => b - a,
            _ => wall,
        };
        assert_eq!(accepted, expected, "every line is accepted");
        best = (best.0.min(wall), best.1.min(cpu));
    }
    best
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: ingest_native FILE.arrow [--repeat N]");
    let repeat = match (args.next().as_deref(), args.next()) {
        (Some("--repeat"), Some(n)) => n.parse().expect("--repeat N"),
        _ => 3,
    };
    let bytes = std::fs::read(&path).expect("read the IPC file");
    let batches = read_ipc(&bytes).expect("Arrow IPC");
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();

    let order_id = strings(&batches, "order_id");
    let customer_id = strings(&batches, "customer_id");
    let product_id = strings(&batches, "product_id");
    let line_no = ints(&batches, "line_no");
    let date = days(&batches, "date");
    let quantity = floats(&batches, "quantity");
    let net_amount = floats(&batches, "net_amount");

    let columnar = best(repeat, rows, || {
        let batch = Batch::new()
            .with("order_id", Column::Text(&order_id))
            .with("line_no", Column::Int(&line_no))
            .with("customer_id", Column::Text(&customer_id))
            .with("product_id", Column::Text(&product_id))
            .with("date", Column::Days(&date))
            .with("quantity", Column::Float(&quantity))
            .with("net_amount", Column::Float(&net_amount));
        let mut engine = Engine::new(Config::default()).unwrap();
        let report = engine
            .ingest(TableKind::Orders, &batch, &IngestOptions::default())
            .unwrap();
        report.accepted
    });

    let lines: Vec<OrderLine> = (0..rows)
        .map(|i| {
            let mut line = OrderLine::new(
                order_id[i].clone(),
                customer_id[i].clone(),
                product_id[i].clone(),
                Day(date[i]).to_date(),
                quantity[i],
                net_amount[i],
            );
            line.line_no = Some(line_no[i]);
            line
        })
        .collect();
    let typed = best(repeat, rows, || {
        let mut engine = Engine::new(Config::default()).unwrap();
        engine.ingest_order_rows(&lines).accepted
    });

    let arrow = best(repeat, rows, || {
        let mut engine = Engine::new(Config::default()).unwrap();
        let report = engine
            .ingest_arrow(TableKind::Orders, &batches, &IngestOptions::default())
            .unwrap();
        report.accepted
    });

    let pair = |(wall, cpu): (f64, f64)| format!("{{\"wall\": {wall:.6}, \"cpu\": {cpu:.6}}}");
    println!(
        "{{\"rows\": {rows}, \"columnar\": {}, \"rows_typed\": {}, \"arrow\": {}}}",
        pair(columnar),
        pair(typed),
        pair(arrow)
    );
}
