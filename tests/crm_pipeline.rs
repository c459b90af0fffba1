//! CRM Sales Opportunities end to end: the real pipeline (MavenTech, Maven Analytics) goes into an
//! engine as deal rows, and the stage dwell times, win rates and stalled deals that salespulse
//! computes must equal a plain, independent computation written here from the raw file.
//!
//! Each opportunity becomes the rows its dates allow: "Engaging" entered on engage_date, and for a
//! closed deal a "Won" or "Lost" row on close_date carrying the outcome. Prospecting deals have no
//! date at all and are not ingested. A deal's amount is its close_value when won, else the list
//! price of its product (products.csv; `GTXPro` there is `GTX Pro`). The rep is the sales agent,
//! whose manager comes from sales_teams.csv.

use chrono::NaiveDate;
use salespulse::detect::{DealStalled, Detector, Scene};
use salespulse::models::pipeline::Pipeline;
use salespulse::{Config, Day, DealRow, Engine, Outcome, RepRow, SignalKind};
use std::collections::{BTreeMap, BTreeSet};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/crm-sales-opportunities"
);

fn records(file: &str) -> Vec<csv::StringRecord> {
    let path = format!("{DIR}/{file}");
    let mut reader = csv::Reader::from_path(&path)
        .unwrap_or_else(|e| panic!("the CRM data is required at {path}: {e}"));
    reader.records().map(|r| r.unwrap()).collect()
}

fn date(text: &str) -> Option<Day> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(Day::from_date)
}

/// One opportunity as the independent reading sees it.
struct Opportunity {
    id: String,
    agent: String,
    stage: String,
    engaged: Option<Day>,
    closed: Option<Day>,
    amount: f64,
}

fn read() -> Vec<Opportunity> {
    let prices: BTreeMap<String, f64> = records("products.csv")
        .iter()
        .map(|r| (r[0].replace(' ', ""), r[2].parse().unwrap()))
        .collect();
    records("sales_pipeline.csv")
        .iter()
        .map(|r| {
            let list = prices[&r[2].replace(' ', "")];
            Opportunity {
                id: r[0].to_string(),
                agent: r[1].to_string(),
                stage: r[4].to_string(),
                engaged: date(&r[5]),
                closed: date(&r[6]),
                amount: if &r[4] == "Won" {
                    r[7].parse().unwrap()
                } else {
                    list
                },
            }
        })
        .collect()
}

fn engine(opportunities: &[Opportunity]) -> Engine {
    let mut engine = Engine::new(Config::default()).unwrap();
    let mut reps: Vec<RepRow> = records("sales_teams.csv")
        .iter()
        .map(|r| RepRow {
            rep_id: r[0].to_string(),
            manager_id: Some(r[1].to_string()),
            ..RepRow::default()
        })
        .collect();
    let managers: BTreeSet<String> = reps.iter().filter_map(|r| r.manager_id.clone()).collect();
    reps.extend(managers.into_iter().map(|m| RepRow {
        rep_id: m,
        ..RepRow::default()
    }));
    engine.ingest_rep_rows(&reps);
    let raw = records("sales_pipeline.csv");
    let mut rows = Vec::new();
    for (o, r) in opportunities.iter().zip(&raw) {
        let Some(engaged) = o.engaged else { continue };
        let account = if r[3].is_empty() {
            "(no account)"
        } else {
            &r[3]
        };
        let row = DealRow {
            deal_id: o.id.clone(),
            customer_id: account.to_string(),
            stage: "Engaging".into(),
            stage_entered: engaged.to_date(),
            rep_id: Some(o.agent.clone()),
            product_id: Some(r[2].to_string()),
            amount: Some(o.amount),
            created: Some(engaged.to_date()),
            closed: None,
            outcome: Some(Outcome::Open),
        };
        if let Some(closed) = o.closed {
            let outcome = if o.stage == "Won" {
                Outcome::Won
            } else {
                Outcome::Lost
            };
            rows.push(DealRow {
                stage: o.stage.clone(),
                stage_entered: closed.to_date(),
                closed: Some(closed.to_date()),
                outcome: Some(outcome),
                ..row.clone()
            });
        }
        rows.push(row);
    }
    let report = engine.ingest_deal_rows(&rows);
    assert!(report.rejected.is_empty(), "{:?}", report.rejected.first());
    assert_eq!(report.accepted, rows.len());
    engine
}

// ---------------------------------------------------------------------------------------------
// The independent computation.

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

struct Expected {
    dwell: Vec<f64>,
    win_rate: f64,
    p90: f64,
    p99: f64,
    stalled: BTreeSet<String>,
}

fn expected(opportunities: &[Opportunity], as_of: Day) -> Expected {
    let closed: Vec<&Opportunity> = opportunities
        .iter()
        .filter(|o| o.engaged.is_some() && o.closed.is_some_and(|c| c <= as_of))
        .collect();
    let mut dwell: Vec<f64> = closed
        .iter()
        .map(|o| f64::from(o.closed.unwrap().0 - o.engaged.unwrap().0))
        .collect();
    dwell.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let won = closed.iter().filter(|o| o.stage == "Won").count();
    let p90 = quantile(&dwell, 0.9);
    let p99 = quantile(&dwell, 0.99);
    let stalled = opportunities
        .iter()
        .filter(|o| o.engaged.is_some_and(|e| e <= as_of))
        .filter(|o| o.closed.is_none_or(|c| c > as_of))
        .filter(|o| f64::from(as_of.0 - o.engaged.unwrap().0) > p90.max(p99))
        .map(|o| o.id.clone())
        .collect();
    Expected {
        win_rate: won as f64 / closed.len() as f64,
        dwell,
        p90,
        p99,
        stalled,
    }
}

#[test]
fn stage_dwell_times_win_rates_and_stalled_deals_equal_an_independent_computation() {
    let opportunities = read();
    assert_eq!(opportunities.len(), 8_800);
    let engine = engine(&opportunities);
    let state = engine.state();
    let engaging = state
        .deals()
        .map(|(_, d)| d.visits()[0].stage)
        .find(|s| state.stage_text(*s) == "Engaging")
        .unwrap();
    let mut total_stalled = 0;
    for as_of in ["2017-06-30", "2017-09-30", "2017-12-31"] {
        let as_of = date(as_of).unwrap();
        let e = expected(&opportunities, as_of);
        let pipeline = Pipeline::learn(state, as_of);
        let stats = pipeline.stage(engaging).unwrap();
        assert_eq!(stats.dwell_days, e.dwell, "{as_of}");
        assert!((stats.win_rate().unwrap() - e.win_rate).abs() < 1e-12);
        assert!((stats.quantile(0.9).unwrap() - e.p90).abs() < 1e-9);
        assert!((stats.quantile(0.99).unwrap() - e.p99).abs() < 1e-9);
        // The detector's stalled deals, named in its evidence.
        let config = Config::default();
        let scene = Scene::new(state, &config, as_of);
        let found: BTreeSet<String> = DealStalled::from_config(&config)
            .detect(&scene)
            .iter()
            .inspect(|s| assert_eq!(s.kind, SignalKind::DealStalled))
            .map(|s| {
                s.evidence["deal ".len()..]
                    .split(' ')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(found, e.stalled, "{as_of}");
        total_stalled += found.len();
        println!(
            "{as_of}: {} closed dwells, median {:.0} days, p90 {:.1}, p99 {:.1}, win rate \
             {:.3}, {} stalled",
            e.dwell.len(),
            quantile(&e.dwell, 0.5),
            e.p90,
            e.p99,
            e.win_rate,
            found.len()
        );
    }
    assert!(total_stalled > 0, "the data has deals open for over a year");
}
