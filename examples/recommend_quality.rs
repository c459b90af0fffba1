//! Offline quality of `Engine::recommend`: hit rate@5 against a popularity baseline.
//!
//! Train on everything but the last 90 days, recommend each customer the top 5 items it never
//! bought, and count a hit when the customer buys one of them in the last 90 days (see
//! `salespulse::affinity::quality`). Three data sets: the synthetic distributor, the Kaggle
//! groceries receipts (member x item) and the Superstore orders (customer x product, and
//! customer x sub-category).
//!
//! Run: `cargo run --release -p salespulse --example recommend_quality [-- CUSTOMERS]`

use chrono::NaiveDate;
use salespulse::affinity::{bought_between, hit_rate, Profiles, Quality, RecommendOptions};
use salespulse::affinity::{ProfileBuilder, Recommender};
use salespulse::ids::Interner;
use salespulse::{synth, Config, Day, Engine};
use std::time::Instant;

const K: usize = 5;
const TEST_DAYS: i32 = 90;
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let customers: usize = std::env::args().nth(1).map_or(Ok(10_000), |a| a.parse())?;
    println!("| data | customers scored | hit rate@5 | popularity@5 | ratio | fit + score (s) |");
    println!("| --- | --- | --- | --- | --- | --- |");
    synthetic(customers)?;
    groceries()?;
    superstore()?;
    Ok(())
}

fn row(name: &str, q: &Quality, seconds: f64) {
    println!(
        "| {name} | {} | {:.3} | {:.3} | {:.2}x | {seconds:.2} |",
        q.customers,
        q.model_rate(),
        q.popularity_rate(),
        q.ratio()
    );
}

fn synthetic(customers: usize) -> Result<(), Box<dyn std::error::Error>> {
    let data = synth::distributor(customers, 2, 42);
    let mut engine = Engine::new(Config::default())?;
    engine.ingest_product_rows(&data.products);
    engine.ingest_customer_rows(&data.customers);
    engine.ingest_order_rows(&data.orders);
    let end = Day::from_date(data.end);
    let cut = end - TEST_DAYS;
    let started = Instant::now();
    let rec = Recommender::new(
        Profiles::from_state(engine.state(), cut),
        RecommendOptions::default(),
    );
    let q = hit_rate(&rec, &bought_between(engine.state(), cut, end), K);
    row(
        &format!("synthetic distributor ({customers} customers, 2 years, seed 42)"),
        &q,
        started.elapsed().as_secs_f64(),
    );
    Ok(())
}

/// (customer, item, day) events of a CSV, with ids interned in order of first sight.
struct Events {
    customers: Interner,
    items: Interner,
    rows: Vec<(u32, u32, Day)>,
}

impl Events {
    fn read(
        path: &str,
        customer: &str,
        item: &str,
        date: &str,
        format: &str,
    ) -> Result<Events, Box<dyn std::error::Error>> {
        let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        // Superstore is Windows-1252; its product names are not read here, so a lossy
        // conversion does no harm.
        let text = String::from_utf8_lossy(&bytes);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader.headers()?.clone();
        let col = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .ok_or(format!("{path} has no column {name:?}"))
        };
        let (c, i, d) = (col(customer)?, col(item)?, col(date)?);
        let mut events = Events {
            customers: Interner::default(),
            items: Interner::default(),
            rows: Vec::new(),
        };
        for record in reader.records() {
            let record = record?;
            let day = Day::from_date(NaiveDate::parse_from_str(&record[d], format)?);
            let customer = events.customers.intern(&record[c]);
            let item = events.items.intern(&record[i]);
            events.rows.push((customer, item, day));
        }
        Ok(events)
    }

    fn quality(&self) -> (Quality, f64) {
        let end = self.rows.iter().map(|r| r.2).max().unwrap_or(Day(0));
        let cut = end - TEST_DAYS;
        let mut train = ProfileBuilder::new();
        let mut after = vec![Vec::new(); self.customers.len()];
        for &(c, i, day) in &self.rows {
            if day <= cut {
                train.add(c, i, day, 1.0, 1.0);
            } else {
                after[c as usize].push(i);
            }
        }
        let started = Instant::now();
        let rec = Recommender::new(train.build(), RecommendOptions::default());
        let q = hit_rate(&rec, &after, K);
        (q, started.elapsed().as_secs_f64())
    }
}

fn groceries() -> Result<(), Box<dyn std::error::Error>> {
    let path = format!("{DATA}/groceries-kaggle/Groceries_dataset.csv");
    let events = Events::read(
        &path,
        "Member_number",
        "itemDescription",
        "Date",
        "%d-%m-%Y",
    )?;
    let (q, s) = events.quality();
    row("Kaggle groceries (member x item)", &q, s);
    Ok(())
}

fn superstore() -> Result<(), Box<dyn std::error::Error>> {
    let path = format!("{DATA}/superstore/Sample - Superstore.csv");
    for (item, name) in [
        ("Product ID", "Superstore (customer x product)"),
        ("Sub-Category", "Superstore (customer x sub-category)"),
    ] {
        let events = Events::read(&path, "Customer ID", item, "Order Date", "%m/%d/%Y")?;
        let (q, s) = events.quality();
        row(name, &q, s);
    }
    Ok(())
}
