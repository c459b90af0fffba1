//! The lapse scan and its signals on real data (CDNOW and Superstore from ../shared/data): the
//! scan watches exactly the pairs with a rhythm (counted independently here), and no signal
//! comes before a pair has history or carries a negative or non-finite value. Plus small
//! hand-made cases: one stopped item is an item lapse, two are a variety drop.

use salespulse::detect::lapses::MIN_PURCHASES;
use salespulse::detect::Scene;
use salespulse::ingest::{CsvOptions, DateFormat};
use salespulse::{Config, Day, Engine, IngestOptions, SignalKind, TableKind};
use std::collections::BTreeMap;

mod common;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data");

fn read(path: &str) -> Vec<u8> {
    let path = format!("{DATA}/{path}");
    std::fs::read(&path).unwrap_or_else(|e| panic!("the data file is required at {path}: {e}"))
}

fn cdnow() -> Engine {
    let (engine, report) = common::cdnow::ingest(&common::cdnow::file_bytes());
    assert!(report.accepted > 60_000, "{report}");
    engine
}

fn superstore() -> Engine {
    let bytes = read("superstore/Sample - Superstore.csv");
    let options = IngestOptions::default()
        .map("order_id", "Order ID")
        .map("customer_id", "Customer ID")
        .map("product_id", "Product ID")
        .map("date", "Order Date")
        .map("quantity", "Quantity")
        .map("net_amount", "Sales")
        .with_date_format(DateFormat::MonthFirst);
    let mut engine = Engine::new(Config::default()).unwrap();
    let report = engine
        .ingest_csv_bytes(TableKind::Orders, &bytes, &CsvOptions::default(), &options)
        .unwrap();
    assert!(report.accepted > 9_000, "{report}");
    engine
}

/// Pairs with at least `MIN_PURCHASES` days of positive net quantity up to `as_of`, counted
/// from the raw lines.
fn pairs_with_rhythm(engine: &Engine, as_of: Day) -> usize {
    let state = engine.state();
    state
        .customers()
        .flat_map(|(_, c)| c.pairs())
        .filter(|h| {
            let mut by_day: BTreeMap<Day, f64> = BTreeMap::new();
            for l in h.lines().iter().filter(|l| l.day <= as_of) {
                *by_day.entry(l.day).or_default() += f64::from(l.quantity);
            }
            by_day.values().filter(|q| **q > 0.0).count() >= MIN_PURCHASES
        })
        .count()
}

fn check(engine: &Engine, as_of: Day) -> usize {
    let state = engine.state();
    let scene = Scene::new(state, engine.config(), as_of);
    let scan = scene.lapses();
    assert_eq!(
        scan.pairs.len(),
        pairs_with_rhythm(engine, as_of),
        "at {as_of}"
    );
    for p in &scan.pairs {
        assert!(p.last <= as_of && p.due > p.last, "{p:?}");
        assert!((0.0..=1.0).contains(&p.probability), "{p:?}");
        assert!(p.value.is_finite() && p.value >= 0.0, "{p:?}");
        assert!(!p.reportable || p.watched);
    }
    for s in engine.signal_list(Some(as_of)).unwrap() {
        assert!(
            s.value_at_stake.is_finite() && s.value_at_stake >= 0.0,
            "{s:?}"
        );
        assert!((0.0..=1.0).contains(&s.probability), "{s:?}");
        if let Some(c) = s.customer {
            let first = state.customer(c).totals.first_day.unwrap();
            assert!(
                first <= as_of,
                "a signal before the customer's first line: {s:?}"
            );
        }
        if s.kind == SignalKind::ItemLapsed {
            let h = state
                .customer(s.customer.unwrap())
                .pair(s.product.unwrap())
                .unwrap();
            assert!(
                h.purchase_days_until(as_of).count() >= MIN_PURCHASES,
                "{s:?}"
            );
        }
    }
    scan.pairs.len()
}

#[test]
fn lapses_on_cdnow_are_sane() {
    let engine = cdnow();
    for as_of in [Day::from_ymd(1997, 6, 30), Day::from_ymd(1998, 6, 30)] {
        let watched = check(&engine, as_of.unwrap());
        assert!(watched > 100, "CDNOW has regular buyers: {watched}");
    }
}

#[test]
fn lapses_on_superstore_are_sane() {
    let engine = superstore();
    // Superstore customers rarely buy one product four times: few pairs have a rhythm.
    for as_of in [Day::from_ymd(2016, 6, 30), Day::from_ymd(2017, 12, 30)] {
        check(&engine, as_of.unwrap());
    }
}

/// One customer buying `products` every 7 days for 30 weeks from day 0 of 2024; those in
/// `stopped` end after week 20. A second customer buys everything throughout (the population).
fn weekly_buyer(products: &[&str], stopped: &[&str]) -> Engine {
    let mut lines = Vec::new();
    let start = Day::from_ymd(2024, 1, 1).unwrap();
    for (customer, stops) in [("C1", stopped), ("C2", &[][..])] {
        for week in 0..30 {
            for (i, p) in products.iter().enumerate() {
                if week >= 20 && stops.contains(p) {
                    continue;
                }
                lines.push(salespulse::OrderLine {
                    order_id: format!("{customer}-{week}"),
                    line_no: Some(i as i64),
                    customer_id: customer.into(),
                    product_id: (*p).into(),
                    date: (start + 7 * week).to_date(),
                    quantity: 2.0,
                    net_amount: 20.0,
                    list_amount: None,
                    rep_id: None,
                    currency: None,
                });
            }
        }
    }
    let mut engine = Engine::new(Config::default()).unwrap();
    engine.ingest_order_rows(&lines);
    engine
}

fn kinds_for(engine: &Engine, day: Day) -> Vec<(SignalKind, Option<String>)> {
    let state = engine.state();
    engine
        .signal_list(Some(day))
        .unwrap()
        .into_iter()
        .filter(|s| s.customer.is_some_and(|c| state.customer_text(c) == "C1"))
        .map(|s| (s.kind, s.product.map(|p| state.product_text(p).to_string())))
        .collect()
}

#[test]
fn one_stopped_item_of_a_steady_customer_is_an_item_lapse_and_two_are_a_variety_drop() {
    let end = Day::from_ymd(2024, 1, 1).unwrap() + 7 * 29;
    let one = weekly_buyer(&["A", "B", "C", "D"], &["A"]);
    assert_eq!(
        kinds_for(&one, end),
        vec![(SignalKind::ItemLapsed, Some("A".into()))]
    );
    let early = Day::from_ymd(2024, 1, 1).unwrap() + 7 * 20;
    assert!(kinds_for(&one, early).is_empty(), "not overdue yet");
    let two = weekly_buyer(&["A", "B", "C", "D"], &["A", "B"]);
    assert_eq!(kinds_for(&two, end), vec![(SignalKind::VarietyDrop, None)]);
    let none = weekly_buyer(&["A", "B", "C", "D"], &[]);
    assert!(kinds_for(&none, end).is_empty());
}
