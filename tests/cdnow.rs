//! CDNOW end to end: the real transaction file goes in through the public CSV path, and what the
//! engine reports (accepted and rejected rows, totals, KPIs) must equal what a plain, independent
//! reading of the same file says.
//!
//! CDNOW (`CDNOW_master.txt`: customer_id, date as YYYYMMDD, number_of_cds, dollar_value;
//! whitespace separated, CRLF) has no order or product columns: each row becomes its own order
//! (the row number) of the one product "CD".

use chrono::NaiveDate;
use salespulse::state::Fixed;
use salespulse::table::{Frame, Series};
use salespulse::{Config, Day, Engine, GroupBy, IngestReport};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

mod common;
use common::cdnow::{file_bytes, ingest};

const DATA_ROWS: usize = 69_659;
const CUSTOMERS: usize = 23_570;
/// The default active window, which the KPIs below use.
const W: i32 = 90;

fn date(ymd: &str) -> Day {
    Day::from_date(NaiveDate::parse_from_str(ymd, "%Y%m%d").unwrap())
}

// ---------------------------------------------------------------------------------------------
// The independent reading: plain Rust, integers for money, no salespulse code.

/// One usable row of the file.
#[derive(Clone, Debug)]
struct Row {
    customer: String,
    day: Day,
    cds: i64,
    cents: i64,
}

/// "12.34", "-5", "0.50" as cents; `None` for anything else.
fn cents(text: &str) -> Option<i64> {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty()
        || fraction.len() > 2
        || !(whole.bytes().chain(fraction.bytes())).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
    Some(sign * (whole.parse::<i64>().ok()? * 100 + fraction))
}

/// A data line as a usable row, or `None` when the ingest rules must refuse it: wrong field
/// count, a non-date, non-numbers, CDs and dollars both 0, or of opposite signs.
fn usable(line: &str) -> Option<Row> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [customer, ymd, cds, dollars] = fields[..] else {
        return None;
    };
    let day = NaiveDate::parse_from_str(ymd, "%Y%m%d").ok()?;
    let (cds, cents) = (cds.parse::<i64>().ok()?, cents(dollars)?);
    let empty = cds == 0 && cents == 0;
    let opposite = cds.signum() * cents.signum() < 0;
    (!empty && !opposite).then(|| Row {
        customer: customer.to_string(),
        day: Day::from_date(day),
        cds,
        cents,
    })
}

/// Every data row of the file: `Some` when usable.
fn read_independently(text: &str) -> Vec<Option<Row>> {
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(usable)
        .collect()
}

fn by_customer(rows: &[Option<Row>]) -> BTreeMap<&str, Vec<&Row>> {
    let mut map: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for row in rows.iter().flatten() {
        map.entry(row.customer.as_str()).or_default().push(row);
    }
    map
}

// ---------------------------------------------------------------------------------------------
// The engine's reading.

/// The file, its independent reading and the engine's, made once for all tests.
struct Cdnow {
    raw: Vec<Option<Row>>,
    engine: Engine,
    report: IngestReport,
}

fn cdnow() -> &'static Cdnow {
    static CDNOW: OnceLock<Cdnow> = OnceLock::new();
    CDNOW.get_or_init(|| {
        let bytes = file_bytes();
        let text = std::str::from_utf8(&bytes).expect("CDNOW_master.txt is ASCII");
        let raw = read_independently(text);
        let (engine, report) = ingest(&bytes);
        Cdnow {
            raw,
            engine,
            report,
        }
    })
}

fn rejected_rows(report: &IngestReport) -> BTreeSet<usize> {
    report.rejected.iter().map(|r| r.row).collect()
}

fn unusable_rows(rows: &[Option<Row>]) -> BTreeSet<usize> {
    (0..rows.len()).filter(|&i| rows[i].is_none()).collect()
}

// ---------------------------------------------------------------------------------------------
// KPIs worked out from the rows, following the definitions of `salespulse::kpi` literally.

fn median(mut xs: Vec<f64>) -> Option<f64> {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(xs[n / 2]),
        _ => Some((xs[n / 2 - 1] + xs[n / 2]) / 2.0),
    }
}

/// Days with more CDs bought than returned, up to `t`.
fn purchase_days(rows: &[&Row], t: Day) -> Vec<Day> {
    let mut per_day: BTreeMap<Day, i64> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.day <= t) {
        *per_day.entry(r.day).or_default() += r.cds;
    }
    per_day
        .into_iter()
        .filter(|&(_, cds)| cds > 0)
        .map(|(d, _)| d)
        .collect()
}

fn within(days: &[Day], after: Day, until: Day) -> impl Iterator<Item = Day> + '_ {
    days.iter()
        .copied()
        .filter(move |&d| after < d && d <= until)
}

/// The gap median of `days` (sorted, distinct), `None` with fewer than two.
fn median_gap(days: &[Day]) -> Option<f64> {
    median(days.windows(2).map(|w| f64::from(w[1] - w[0])).collect())
}

/// Whether one customer's "CD" pair lapsed during (t-2W, t-W] and whether it came back in
/// (t-W, t].
fn lapse(days: &[Day], t: Day) -> (bool, bool) {
    let cut = t - W;
    let before: Vec<Day> = days.iter().copied().filter(|&d| d <= cut).collect();
    let (Some(g), Some(&last)) = (median_gap(&before), before.last()) else {
        return (false, false);
    };
    let lapsed_at = |x: Day| f64::from(x - last) > 2.0 * g && x - last >= 14;
    let lapsed = lapsed_at(cut) && !lapsed_at(cut - W);
    (lapsed, lapsed && within(days, cut, t).next().is_some())
}

fn expected_kpis(rows: &[Option<Row>], t: Day) -> BTreeMap<&'static str, Option<f64>> {
    let (cur, prev) = (t - W, t - 2 * W);
    let (mut customers, mut active, mut active_prev, mut new, mut churned) = (0, 0, 0, 0, 0);
    let (mut orders, mut lapsed, mut returned) = (0, 0, 0);
    let (mut net, mut net_prev) = (0i64, 0i64);
    let mut paces = Vec::new();
    for rows in by_customer(rows).values() {
        let days = purchase_days(rows, t);
        let is_active = within(&days, cur, t).next().is_some();
        let was_active = within(&days, prev, cur).next().is_some();
        customers += usize::from(!days.is_empty());
        active += usize::from(is_active);
        active_prev += usize::from(was_active);
        churned += usize::from(was_active && !is_active);
        new += usize::from(days.first().is_some_and(|&d| d > cur));
        // Every row is an order; it counts when dated on a purchase day in the window.
        orders += rows
            .iter()
            .filter(|r| cur < r.day && r.day <= t && days.contains(&r.day))
            .count();
        let recent: Vec<Day> = within(&days, t - 365, t).collect();
        paces.extend(median_gap(&recent).filter(|_| is_active));
        let (l, r) = lapse(&days, t);
        lapsed += usize::from(l);
        returned += usize::from(r);
        let sum = |after: Day, until: Day| -> i64 {
            rows.iter()
                .filter(|r| after < r.day && r.day <= until)
                .map(|r| r.cents)
                .sum()
        };
        net += sum(cur, t);
        net_prev += sum(prev, cur);
    }
    let ratio = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
    let count = |n: usize| Some(n as f64);
    BTreeMap::from([
        ("customers", count(customers)),
        ("active_customers", count(active)),
        ("active_customers_prev", count(active_prev)),
        ("new_customers", count(new)),
        ("churned_customers", count(churned)),
        ("churn_rate", ratio(churned, active_prev)),
        // One product: every active customer bought exactly one.
        ("variety_per_customer", (active > 0).then_some(1.0)),
        ("orders", count(orders)),
        (
            "orders_per_customer_30d",
            ratio(orders, active).map(|x| x * 30.0 / f64::from(W)),
        ),
        ("median_days_between_orders", median(paces)),
        ("lapsed_pairs", count(lapsed)),
        ("returned_pairs", count(returned)),
        ("return_to_basket_rate", ratio(returned, lapsed)),
        ("net_revenue", Some(net as f64 / 100.0)),
        ("net_revenue_prev", Some(net_prev as f64 / 100.0)),
    ])
}

/// The frame's row 0 as floats, by column name (group and day columns left out).
fn first_row(frame: &Frame) -> BTreeMap<&str, Option<f64>> {
    frame
        .columns
        .iter()
        .filter_map(|(name, series)| {
            let value = match series {
                Series::I64(v) => v[0].map(|n| n as f64),
                Series::F64(v) => v[0],
                _ => return None,
            };
            Some((name.as_str(), value))
        })
        .collect()
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-12 * x.abs().max(1.0),
        (x, y) => x == y,
    }
}

// ---------------------------------------------------------------------------------------------

#[test]
fn every_row_is_accepted_or_rejected_exactly_as_an_independent_reading_says() {
    let Cdnow {
        raw,
        engine,
        report,
    } = cdnow();
    assert_eq!(raw.len(), DATA_ROWS);
    assert_eq!(
        report.accepted + report.rejected.len(),
        DATA_ROWS,
        "{report}"
    );
    assert_eq!(report.duplicates, 0);
    assert_eq!(rejected_rows(report), unusable_rows(raw), "{report}");
    // CDNOW is clean: its 80 rows of 0.00 dollars still carry CDs, so they are (free) purchases.
    assert_eq!(report.accepted, DATA_ROWS);
    let free = raw.iter().flatten().filter(|r| r.cents == 0).count();
    assert_eq!(free, 80);
    assert_eq!(engine.stats().lines, DATA_ROWS);
}

#[test]
fn broken_rows_are_rejected_exactly_as_an_independent_reading_says() {
    let text = String::from_utf8(file_bytes()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Data row r is line r + 1 (after the header).
    lines[10] = " 00010 19970101  0    0.00".into(); // empty line
    lines[20] = " 00011 19970101  2   -5.00".into(); // opposite signs
    lines[30] = " 00012 19971332  1    5.00".into(); // no such date
    lines[40] = " 00013 19970101  1".into(); // a field short
    let broken = lines.join("\r\n");
    let raw = read_independently(&broken);
    let (_, report) = ingest(broken.as_bytes());
    assert_eq!(unusable_rows(&raw), BTreeSet::from([9, 19, 29, 39]));
    assert_eq!(rejected_rows(&report), unusable_rows(&raw), "{report}");
    assert_eq!(report.accepted + report.rejected.len(), DATA_ROWS);
}

#[test]
fn customers_and_their_totals_match_an_independent_sum() {
    let Cdnow { raw, engine, .. } = cdnow();
    let state = engine.state();
    let customers = by_customer(raw);
    assert_eq!(customers.len(), CUSTOMERS);
    assert_eq!(engine.stats().customers, CUSTOMERS);
    for (text, rows) in &customers {
        let id = state
            .customer_id(text)
            .unwrap_or_else(|| panic!("{text} unknown"));
        let totals = state.customer(id).totals;
        let cents: i64 = rows.iter().map(|r| r.cents).sum();
        let cds: i64 = rows.iter().map(|r| r.cds).sum();
        assert_eq!(totals.net, Fixed(cents * 100), "customer {text}");
        assert_eq!(totals.quantity, Fixed(cds * 10_000), "customer {text}");
        assert_eq!(totals.lines, rows.len() as u64, "customer {text}");
    }
    let total: Fixed = state.customers().map(|(_, c)| c.totals.net).sum();
    let cents: i64 = raw.iter().flatten().map(|r| r.cents).sum();
    assert_eq!(total, Fixed(cents * 100));
    // Two windows of 273 days hold the whole history (1997-01-01..=1998-06-30, 546 days), so
    // the KPI revenue, read back from the stored lines, must add up to the same total.
    let mut config = Config::default();
    config.thresholds.active_window_days = 273;
    let all = salespulse::kpi::kpis(state, &config, date("19980630"), None).unwrap();
    let all = first_row(&all);
    assert_eq!(all["customers"], Some(CUSTOMERS as f64));
    assert_eq!(all["new_customers"], Some(0.0));
    let kpi_total = all["net_revenue"].unwrap() + all["net_revenue_prev"].unwrap();
    assert!(
        close(Some(kpi_total), Some(cents as f64 / 100.0)),
        "{kpi_total}"
    );
}

#[test]
fn kpis_equal_an_independent_computation_from_the_raw_file() {
    let Cdnow { raw, engine, .. } = cdnow();
    for ymd in ["19970331", "19970630", "19971231", "19980331", "19980630"] {
        let t = date(ymd);
        let frame = engine.kpis(t, None).unwrap();
        let got = first_row(&frame);
        let want = expected_kpis(raw, t);
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>()
        );
        for (name, value) in &want {
            assert!(
                close(got[name], *value),
                "{ymd} {name}: engine {:?}, file {value:?}",
                got[name]
            );
        }
        // Without master data every customer falls in the one group without a segment.
        let grouped = engine.kpis(t, Some(GroupBy::Segment)).unwrap();
        assert_eq!(grouped.str_column("segment").unwrap(), [None]);
        assert_eq!(first_row(&grouped), got);
    }
}
