//! The backtest and the outcomes of issued tasks, over the public API: the replay never reads
//! the future, outcomes follow the customers' orders, precision is what the orders say, and on
//! real data (CDNOW) the report is complete and consistent.

mod common;

use chrono::NaiveDate;
use common::cdnow;
use salespulse::brief::{Action, Brief, Locale, Task, TaskOffer};
use salespulse::{synth, Config, CustomerRow, Day, Engine, OrderLine};
use std::collections::BTreeSet;

fn date(d: Day) -> NaiveDate {
    d.to_date()
}

type Key = (String, Option<String>, Option<String>);

fn engine_with(data: &synth::Distributor, until: Option<Day>) -> Engine {
    let mut engine = Engine::new(Config::default()).unwrap();
    engine.ingest_rep_rows(&data.reps);
    engine.ingest_product_rows(&data.products);
    engine.ingest_customer_rows(&data.customers);
    let lines: Vec<OrderLine> = data
        .orders
        .iter()
        .filter(|l| until.is_none_or(|d| l.date <= date(d)))
        .cloned()
        .collect();
    assert!(engine.ingest_order_rows(&lines).is_clean());
    // Deals as they stood on the day: the stages entered by then, closed only if closed by then.
    let deals: Vec<salespulse::DealRow> = data
        .deals
        .iter()
        .filter(|r| until.is_none_or(|d| r.stage_entered <= date(d)))
        .map(|r| {
            let mut r = r.clone();
            if until.is_some_and(|d| r.closed.is_some_and(|c| c > date(d))) {
                r.closed = None;
                r.outcome = None;
            }
            r
        })
        .collect();
    assert!(engine.ingest_deal_rows(&deals).is_clean());
    engine
}

/// The alarms and tasks of every replayed day equal those of an engine that holds only the
/// orders and deal stages up to that day and is advanced on the same days: nothing after a day
/// is read on it.
#[test]
fn the_replay_never_reads_orders_or_deals_after_its_day() {
    let data = synth::distributor(150, 2, 7);
    let full = engine_with(&data, None);
    let end = Day::from_date(data.end);
    let start = end - 220;
    let report = full.backtest(start, start + 14, 7).unwrap();
    let days: Vec<Day> = report.weeks.iter().map(|w| w.day).collect();
    assert_eq!(days, [start, start + 7, start + 14]);
    let mut compared_alarms = 0;
    for (i, &day) in days.iter().enumerate() {
        let mut past = engine_with(&data, Some(day));
        assert!(past.state().last_day().unwrap() <= day);
        past.advance_list(start - 7).unwrap();
        let mut risen = Vec::new();
        for &d in &days[..=i] {
            risen = past.advance_list(d).unwrap();
        }
        let state = past.state();
        let expected: BTreeSet<Key> = risen
            .iter()
            .map(|s| {
                (
                    s.kind.name().to_string(),
                    s.customer.map(|c| state.customer_text(c).to_string()),
                    s.product.map(|p| state.product_text(p).to_string()),
                )
            })
            .collect();
        let got: BTreeSet<Key> = report
            .alarms
            .iter()
            .filter(|a| a.day == day)
            .map(|a| (a.kind.clone(), a.customer_id.clone(), a.product_id.clone()))
            .collect();
        assert_eq!(got, expected, "alarms of {day}");
        compared_alarms += got.len();
        let brief = past.weekly_brief(day, None).unwrap();
        let tasks: Vec<(String, u32, String)> = brief
            .tasks
            .iter()
            .map(|t| (t.rep_id.clone(), t.rank, t.customer_id.clone()))
            .collect();
        let issued: Vec<(String, u32, String)> = report
            .outcomes
            .iter()
            .filter(|o| o.task.issued == day)
            .map(|o| {
                (
                    o.task.rep_id.clone(),
                    o.task.rank,
                    o.task.customer_id.clone(),
                )
            })
            .collect();
        assert!(!tasks.is_empty());
        assert_eq!(issued, tasks, "tasks of {day}");
    }
    assert!(compared_alarms > 0, "the comparison must see some alarms");
}

fn task(rep: &str, rank: u32, customer: &str, product: Option<&str>, due: Day) -> Task {
    Task {
        rep_id: rep.into(),
        rep_name: None,
        rank,
        customer_id: customer.into(),
        customer_name: None,
        action: Action::Reorder,
        talking_points: Vec::new(),
        offer: product.map(|p| TaskOffer {
            product_id: p.into(),
            product_name: p.into(),
            price: None,
        }),
        value: 100.0,
        due,
        signals: vec!["item_lapsed".into()],
        rhythm: None,
        locale: Locale::En,
    }
}

#[test]
fn a_task_whose_item_is_ordered_again_is_marked_acted() {
    let d0 = Day::from_ymd(2024, 1, 1).unwrap();
    let mut engine = Engine::new(Config::default()).unwrap();
    let mut lines = Vec::new();
    for (i, &c) in ["C1", "C2", "C3"].iter().enumerate() {
        for w in 0..10 {
            let day = date(d0 + 7 * w);
            lines.push(OrderLine::new(format!("{c}-{w}"), c, "P1", day, 1.0, 10.0));
            lines.push(OrderLine::new(
                format!("{c}-{w}"),
                c,
                "P2",
                day,
                1.0,
                5.0 + i as f64,
            ));
        }
    }
    engine.ingest_order_rows(&lines);
    let issued = d0 + 100;
    let brief = Brief {
        as_of: issued,
        week_of: issued,
        currency: None,
        tasks: vec![
            task("R1", 1, "C1", Some("P1"), issued + 1),
            task("R1", 2, "C2", Some("P1"), issued + 1),
            task("R2", 1, "C3", None, issued + 1),
        ],
        digests: Vec::new(),
    };
    assert_eq!(engine.record_brief(&brief), 3);
    assert_eq!(
        engine.record_brief(&brief),
        0,
        "the same brief twice adds nothing"
    );
    // After the brief: C1 takes a credit note for P1 (not a purchase), then buys P1 again; C2
    // buys only P2; C3 does nothing.
    engine.ingest_order_rows(&[
        OrderLine::new("CN-1", "C1", "P1", date(issued + 2), -1.0, -10.0),
        OrderLine::new("A-1", "C1", "P1", date(issued + 5), 2.0, 20.0),
        OrderLine::new("A-2", "C2", "P2", date(issued + 3), 1.0, 6.0),
    ]);
    let at = |engine: &Engine, day: Day| {
        let t = engine.outcomes(day).unwrap();
        (
            t.str_column("outcome").unwrap().to_vec(),
            t.column("acted_on").cloned(),
        )
    };
    let (outcome, acted) = at(&engine, issued + 40);
    let outcome: Vec<&str> = outcome.iter().map(|o| o.as_deref().unwrap()).collect();
    assert_eq!(outcome, ["item_returned", "ordered", "no_action"]);
    assert_eq!(
        acted,
        Some(salespulse::Series::Day(vec![
            Some(issued + 5),
            Some(issued + 3),
            None
        ]))
    );
    // Before C1's order, its task is still open; C3's window has not closed.
    let (early, _) = at(&engine, issued + 4);
    let early: Vec<&str> = early.iter().map(|o| o.as_deref().unwrap()).collect();
    assert_eq!(early, ["pending", "ordered", "pending"]);
    // Per rep: R1 had two decided item tasks, one returned; R2 no item task.
    let rates = engine.outcome_rates(issued + 40).unwrap();
    assert_eq!(
        rates.f64_column("return_to_basket_rate").unwrap(),
        [Some(0.5), None]
    );
    assert_eq!(
        rates.f64_column("acted_rate").unwrap(),
        [Some(1.0), Some(0.0)]
    );
    // The KPI table by rep carries the same outcome numbers.
    let owner = |customer: &str, rep: &str| CustomerRow {
        customer_id: customer.into(),
        rep_id: Some(rep.into()),
        ..CustomerRow::default()
    };
    engine.ingest_customer_rows(&[owner("C1", "R1"), owner("C2", "R1"), owner("C3", "R2")]);
    let kpis = engine
        .kpis(issued + 40, Some(salespulse::GroupBy::Rep))
        .unwrap();
    assert_eq!(
        kpis.str_column("rep_id").unwrap(),
        [Some("R1".to_string()), Some("R2".to_string())]
    );
    assert_eq!(
        kpis.i64_column("task_items_decided").unwrap(),
        [Some(2), Some(0)]
    );
    assert_eq!(
        kpis.f64_column("task_return_to_basket_rate").unwrap(),
        [Some(0.5), None]
    );
    // C3's deal enters its next stage after the brief: the deal moved.
    let deal = |stage: &str, day: Day| salespulse::DealRow {
        deal_id: "D1".into(),
        customer_id: "C3".into(),
        stage: stage.into(),
        stage_entered: date(day),
        rep_id: None,
        product_id: None,
        amount: Some(1000.0),
        created: Some(date(d0)),
        closed: None,
        outcome: None,
    };
    let report = engine.ingest_deal_rows(&[deal("qualify", d0 + 10), deal("propose", issued + 9)]);
    assert!(report.is_clean(), "{report}");
    let (after_deal, acted) = at(&engine, issued + 40);
    assert_eq!(after_deal[2].as_deref(), Some("deal_moved"));
    assert!(matches!(acted, Some(salespulse::Series::Day(v)) if v[2] == Some(issued + 9)));
    // The tasks survive a snapshot.
    let back = Engine::restore(&engine.snapshot()).unwrap();
    assert_eq!(back.issued_tasks(), engine.issued_tasks());
    assert!(engine.outcomes(Day(i32::MAX)).is_err());
}

/// Twenty customers buy P1 and P2 every week; then 0-9 stop P1 (5-9 come back to it 60 days
/// later), 10-14 stop buying altogether, 15-19 go on. Each judged alarm's verdict is checked
/// against the order list itself, and precision against the verdicts.
#[test]
fn precision_is_what_the_orders_say() {
    let d0 = Day::from_ymd(2024, 1, 1).unwrap();
    let stop = d0 + 7 * 40;
    let last = stop + 200;
    let mut lines = Vec::new();
    let mut customers = Vec::new();
    for c in 0..20 {
        let id = format!("C{c:02}");
        customers.push(CustomerRow {
            customer_id: id.clone(),
            rep_id: Some("R1".into()),
            ..Default::default()
        });
        let mut day = d0 + c % 7;
        while day <= last {
            let before = day < stop;
            let p1 = before || (c >= 15) || ((5..10).contains(&c) && day >= stop + 60);
            let p2 = before || !(10..15).contains(&c);
            let order = format!("{id}-{}", day.0);
            if p1 {
                lines.push(OrderLine::new(
                    order.clone(),
                    &id,
                    "P1",
                    date(day),
                    2.0,
                    40.0,
                ));
            }
            if p2 {
                lines.push(OrderLine::new(
                    order.clone(),
                    &id,
                    "P2",
                    date(day),
                    1.0,
                    15.0,
                ));
            }
            day = day + 7;
        }
    }
    let mut engine = Engine::new(Config::default()).unwrap();
    engine.ingest_customer_rows(&customers);
    assert!(engine.ingest_order_rows(&lines).is_clean());
    let report = engine.backtest(stop - 14, stop + 70, 7).unwrap();
    let bought_after = |customer: &str, product: &str, day: Day| {
        lines.iter().any(|l| {
            l.customer_id == customer
                && l.product_id == product
                && l.date > date(day)
                && l.date <= date(day + 90)
        })
    };
    let (mut trues, mut falses) = (0, 0);
    for a in report.alarms.iter().filter(|a| a.came_true.is_some()) {
        let customer = a.customer_id.as_deref().unwrap();
        let truth = match (a.kind.as_str(), a.product_id.as_deref()) {
            ("item_lapsed" | "seasonal_due", Some(p)) => !bought_after(customer, p, a.day),
            ("cross_sell", Some(p)) => bought_after(customer, p, a.day),
            // Customer level: C10-C14 stopped everything (revenue 0 < half the run rate); the
            // others still buy at least P2 every week, 15/55 of their old run rate or more.
            _ => {
                let n: u32 = customer[1..].parse().unwrap();
                (10..15).contains(&n)
            }
        };
        assert_eq!(a.came_true, Some(truth), "{a:?}");
        if truth {
            trues += 1;
        } else {
            falses += 1;
        }
    }
    for k in &report.kinds {
        let judged: Vec<bool> = report
            .alarms
            .iter()
            .filter(|a| a.kind == k.kind)
            .filter_map(|a| a.came_true)
            .collect();
        assert_eq!(k.scored, judged.len(), "{}", k.kind);
        assert_eq!(k.true_alarms, judged.iter().filter(|t| **t).count());
        if k.scored > 0 {
            assert_eq!(k.precision, Some(k.true_alarms as f64 / k.scored as f64));
        }
    }
    assert!(
        trues > 0,
        "the stopped customers and items must raise true alarms"
    );
    let lapsed = report.kinds.iter().find(|k| k.kind == "item_lapsed");
    assert!(
        lapsed.is_some_and(|k| k.true_alarms > 0),
        "P1 stopping at C00-C04 is an item lapse: {:?} ({falses} false)",
        report.kinds
    );
}

#[test]
fn bad_arguments_are_named() {
    let empty = Engine::new(Config::default()).unwrap();
    let d = Day::from_ymd(2024, 1, 1).unwrap();
    let msg = |r: salespulse::Result<salespulse::BacktestReport>| r.unwrap_err().to_string();
    assert!(msg(empty.backtest(d, d + 30, 7)).contains("no orders"));
    let mut engine = Engine::new(Config::default()).unwrap();
    engine.ingest_order_rows(&[OrderLine::new("O1", "C1", "P1", date(d), 1.0, 1.0)]);
    assert!(msg(engine.backtest(d + 30, d, 7)).contains("must be before end"));
    assert!(msg(engine.backtest(d, d, 7)).contains("must be before end"));
    assert!(msg(engine.backtest(d, d + 30, 0)).contains("every_days is 0"));
    assert!(msg(engine.backtest(d + 10, d + 30, 7)).contains("after the last order day"));
    assert!(msg(engine.backtest(d, d + 30_000, 1)).contains("more than"));
    assert!(msg(engine.backtest(Day(i32::MIN), d, 7)).contains("day number"));
}

/// CDNOW end to end (its first 2,357 customers by id, the size of the published 1/10 sample,
/// dealt to 10 reps): the report is complete and its tables agree; ours and RFM are printed.
#[test]
fn cdnow_backtest_runs_end_to_end_and_reports_ours_and_rfm() {
    let bytes = cdnow::file_bytes();
    let text = String::from_utf8(bytes).unwrap();
    let mut kept = String::new();
    for (i, line) in text.lines().enumerate() {
        let id: Option<u32> = line.split_whitespace().next().and_then(|w| w.parse().ok());
        if i == 0 || id.is_some_and(|id| id <= 2357) {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    let (mut engine, report) = cdnow::ingest(kept.as_bytes());
    assert!(report.rejected.is_empty());
    let rows: Vec<CustomerRow> = engine
        .state()
        .customers()
        .map(|(id, _)| CustomerRow {
            customer_id: engine.state().customer_text(id).to_string(),
            rep_id: Some(format!("R{}", id.0 % 10)),
            ..Default::default()
        })
        .collect();
    engine.ingest_customer_rows(&rows);
    let start = Day::from_ymd(1997, 4, 1).unwrap();
    let end = Day::from_ymd(1998, 3, 31).unwrap();
    let r = engine.backtest(start, end, 28).unwrap();
    println!("{r}");
    let s = &r.summary;
    assert_eq!(s.weeks, 14);
    assert_eq!(
        s.weeks_scored, 14,
        "every day to 1998-03-31 has a quarter after it"
    );
    assert!(s.weeks_ours_ahead + s.weeks_rfm_ahead <= s.weeks_scored);
    let (ours, rfm, oracle) = (
        s.share_ours.unwrap(),
        s.share_rfm.unwrap(),
        s.share_oracle.unwrap(),
    );
    println!("CDNOW (1/10): share of next-quarter lost revenue: ours {ours:.3}, RFM {rfm:.3}, oracle {oracle:.3}");
    for w in &r.weeks {
        assert!(w.lost_total > 0.0);
        // At most 7 tasks for each of the 10 reps (fewer when a rep has fewer customers with a
        // signal: one product leaves nothing to offer), and no list beats the oracle of its
        // length.
        assert!(w.tasks > 0 && w.tasks <= 70, "{w:?}");
        assert!(w.lost_ours <= w.lost_oracle + 1e-6 && w.lost_rfm <= w.lost_oracle + 1e-6);
        assert!(w.lost_oracle <= w.lost_total + 1e-6);
    }
    let tasks: usize = r.weeks.iter().map(|w| w.tasks).sum();
    assert_eq!(r.outcomes.len(), tasks);
    assert_eq!(s.tasks, tasks);
    assert!(r
        .kinds
        .iter()
        .any(|k| k.kind == "customer_at_risk" && k.scored > 0));
    for k in &r.kinds {
        assert!(k.true_alarms <= k.scored && k.scored <= k.alarms, "{k:?}");
        assert_eq!(
            k.alarms,
            r.alarms.iter().filter(|a| a.kind == k.kind).count()
        );
    }
    assert_eq!(r.weeks_frame().len(), 14);
    assert_eq!(r.kinds_frame().len(), r.kinds.len());
    assert_eq!(r.outcomes_frame().len(), tasks);
}
