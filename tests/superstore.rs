//! Superstore discounts end to end: the real order lines (Windows-1252, `Sales` net of the
//! `Discount` column) go into an engine, and the weekly discount rates, baselines and spikes
//! that salespulse computes per segment must equal a plain, independent computation written
//! here from the raw file.
//!
//! The file has no list price: a line's list amount is Sales / (1 - Discount). Segments come
//! from the file's Segment column, product families from Category.

use chrono::NaiveDate;
use salespulse::models::discounts::{discount_tests, DiscountRules, Group};
use salespulse::{CustomerRow, Day, Engine, OrderLine, ProductRow, SignalKind};
use std::collections::{BTreeMap, BTreeSet};

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/superstore/Sample - Superstore.csv"
);
const ROWS: usize = 9_994;

/// One row as the independent reading sees it.
struct Row {
    row_id: i64,
    order_id: String,
    day: Day,
    customer: String,
    segment: String,
    product: String,
    category: String,
    sales: f64,
    quantity: f64,
    discount: f64,
}

fn read() -> Vec<Row> {
    let bytes = std::fs::read(PATH).unwrap_or_else(|e| {
        panic!("the Superstore file is required at {PATH} (shared/data/superstore): {e}")
    });
    let (text, _, had_errors) = encoding_rs::WINDOWS_1252.decode(&bytes);
    assert!(!had_errors);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            Row {
                row_id: r[0].parse().unwrap(),
                order_id: r[1].to_string(),
                day: Day::from_date(NaiveDate::parse_from_str(&r[2], "%m/%d/%Y").unwrap()),
                customer: r[5].to_string(),
                segment: r[7].to_string(),
                product: r[13].to_string(),
                category: r[14].to_string(),
                sales: r[17].parse().unwrap(),
                quantity: r[18].parse().unwrap(),
                discount: r[19].parse().unwrap(),
            }
        })
        .collect()
}

fn engine(rows: &[Row]) -> Engine {
    let mut engine = Engine::new(salespulse::Config::default()).unwrap();
    let customers: BTreeMap<&str, &str> = rows
        .iter()
        .map(|r| (r.customer.as_str(), r.segment.as_str()))
        .collect();
    let customers: Vec<CustomerRow> = customers
        .into_iter()
        .map(|(c, s)| CustomerRow {
            customer_id: c.into(),
            segment: Some(s.into()),
            ..CustomerRow::default()
        })
        .collect();
    let products: BTreeMap<&str, &str> = rows
        .iter()
        .map(|r| (r.product.as_str(), r.category.as_str()))
        .collect();
    let products: Vec<ProductRow> = products
        .into_iter()
        .map(|(p, f)| ProductRow {
            product_id: p.into(),
            family: Some(f.into()),
            ..ProductRow::default()
        })
        .collect();
    let lines: Vec<OrderLine> = rows
        .iter()
        .map(|r| OrderLine {
            line_no: Some(r.row_id),
            list_amount: Some(r.sales / (1.0 - r.discount)),
            ..OrderLine::new(
                r.order_id.clone(),
                r.customer.clone(),
                r.product.clone(),
                r.day.to_date(),
                r.quantity,
                r.sales,
            )
        })
        .collect();
    engine.ingest_customer_rows(&customers);
    engine.ingest_product_rows(&products);
    let report = engine.ingest_order_rows(&lines);
    assert_eq!(report.accepted, ROWS, "{:?}", report.rejected.first());
    engine
}

// ---------------------------------------------------------------------------------------------
// The independent computation: per segment and week, 1 - Σsales / Σlist; median and MAD of the
// baseline weeks; z of the latest week; CUSUM over the recent weeks.

struct Expected {
    current: f64,
    median: f64,
    mad: f64,
    z: f64,
    cusum: f64,
    alarm: bool,
}

fn med(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn expected(rows: &[Row], segment: &str, as_of: Day, rules: &DiscountRules) -> Option<Expected> {
    let weeks = rules.recent_weeks + rules.baseline_weeks;
    let mut list = vec![0.0; weeks];
    let mut net = vec![0.0; weeks];
    let mut lines = vec![0u32; weeks];
    for r in rows.iter().filter(|r| r.segment == segment) {
        let back = as_of.0 - r.day.0;
        if back < 0 || back >= 7 * weeks as i32 {
            continue;
        }
        let w = (back / 7) as usize;
        list[w] += r.sales / (1.0 - r.discount);
        net[w] += r.sales;
        lines[w] += 1;
    }
    let rate: Vec<Option<f64>> = (0..weeks)
        .map(|w| (lines[w] >= rules.min_lines).then(|| 1.0 - net[w] / list[w]))
        .collect();
    let current = rate[0]?;
    let past: Vec<f64> = rate[rules.recent_weeks..]
        .iter()
        .flatten()
        .copied()
        .collect();
    if past.len() < rules.min_baseline_weeks {
        return None;
    }
    let median = med(past.clone());
    let mad = med(past.iter().map(|v| (v - median).abs()).collect());
    let sigma = (1.4826 * mad).max(rules.sigma_floor);
    let mut cusum = 0.0f64;
    for v in rate[..rules.recent_weeks].iter().rev().flatten() {
        cusum = (cusum + (v - median) / sigma - rules.cusum_k).max(0.0);
    }
    let z = (current - median) / sigma;
    let alarm =
        current - median >= rules.min_rise && (z >= rules.spike_z || cusum >= rules.cusum_h);
    Some(Expected {
        current,
        median,
        mad,
        z,
        cusum,
        alarm,
    })
}

#[test]
fn weekly_discount_baselines_and_spikes_equal_an_independent_computation() {
    let rows = read();
    assert_eq!(rows.len(), ROWS);
    let engine = engine(&rows);
    let state = engine.state();
    let rules = DiscountRules::default();
    let segments = ["Consumer", "Corporate", "Home Office"];
    let (mut checked, mut alarms, mut spikes_seen) = (0, 0, 0);
    // Every week of 2015-2017, on Sundays.
    let mut as_of = Day::from_ymd(2015, 1, 4).unwrap();
    while as_of <= Day::from_ymd(2017, 12, 31).unwrap() {
        let tests = discount_tests(state, as_of, &rules);
        let signals = engine.signal_list(Some(as_of)).unwrap();
        let flagged: BTreeSet<String> = signals
            .iter()
            .filter(|s| s.kind == SignalKind::DiscountSpike && s.customer.is_none())
            .filter_map(|s| s.segment.map(|l| state.segment_text(l).to_string()))
            .collect();
        spikes_seen += flagged.len();
        for segment in segments {
            let mine = tests.iter().find(|t| match t.group {
                Group::Segment(l) => state.segment_text(l) == segment,
                _ => false,
            });
            let theirs = expected(&rows, segment, as_of, &rules);
            match (mine, theirs) {
                (None, None) => {}
                (Some(m), Some(e)) => {
                    checked += 1;
                    // Amounts are stored as f32: rates agree to about 1e-6.
                    let close = |a: f64, b: f64, tol: f64| (a - b).abs() <= tol;
                    assert!(close(m.current, e.current, 1e-5), "{as_of} {segment}");
                    assert!(
                        close(m.baseline.median, e.median, 1e-5),
                        "{as_of} {segment}"
                    );
                    assert!(close(m.baseline.mad, e.mad, 1e-5), "{as_of} {segment}");
                    assert!(
                        close(m.z, e.z, 1e-3 * e.z.abs().max(1.0)),
                        "{as_of} {segment}"
                    );
                    assert!(
                        close(m.cusum, e.cusum, 1e-3 * e.cusum.max(1.0)),
                        "{as_of} {segment}"
                    );
                    let near_edge = (e.z - rules.spike_z).abs() < 1e-3
                        || (e.cusum - rules.cusum_h).abs() < 1e-3
                        || (e.current - e.median - rules.min_rise).abs() < 1e-5;
                    if !near_edge {
                        assert_eq!(m.alarm(&rules), e.alarm, "{as_of} {segment}");
                        assert_eq!(flagged.contains(segment), e.alarm, "{as_of} {segment}");
                    }
                    alarms += usize::from(e.alarm);
                }
                (m, e) => panic!(
                    "{as_of} {segment}: salespulse {:?}, independent {:?}",
                    m.map(|m| m.current),
                    e.map(|e| e.current)
                ),
            }
        }
        as_of = as_of + 7;
    }
    // Most segment-weeks have ten lines and a baseline (Home Office often has fewer).
    assert!(checked > 250, "{checked} segment-weeks checked");
    println!("{checked} segment-weeks checked, {alarms} discount spikes ({spikes_seen} signals)");
}
