//! Properties of ingest and state that must hold for any data: arrival order does not matter,
//! duplicates count once, snapshots round-trip, and merge is associative and commutative.

use chrono::NaiveDate;
use proptest::prelude::*;
use salespulse::{Config, CustomerRow, Engine, OrderLine};
use std::collections::HashSet;

const CUSTOMERS: u32 = 7;

/// A line whose order belongs to one customer (order n is customer n % CUSTOMERS's), with a
/// unique (order, line) key within a generated set.
fn line() -> impl Strategy<Value = OrderLine> {
    (
        0u32..40,
        prop::option::of(0i64..4),
        0u32..9,
        0u64..500,
        -3i32..12,
        1u32..5000,
    )
        .prop_filter("no empty lines", |t| t.4 != 0)
        .prop_map(|(order, line_no, product, day, qty, cents)| {
            let date = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap() + chrono::Days::new(day);
            let qty = f64::from(qty);
            let mut l = OrderLine::new(
                format!("SO{order}"),
                format!("C{}", order % CUSTOMERS),
                format!("P{product}"),
                date,
                qty,
                qty * f64::from(cents) / 100.0,
            );
            l.line_no = line_no;
            l.list_amount = Some(l.net_amount * 1.1);
            l
        })
}

fn key(l: &OrderLine) -> (String, Option<i64>, Option<String>) {
    let product = l.line_no.is_none().then(|| l.product_id.clone());
    (l.order_id.clone(), l.line_no, product)
}

/// Lines with distinct keys (the first of each key kept).
fn lines() -> impl Strategy<Value = Vec<OrderLine>> {
    prop::collection::vec(line(), 0..120).prop_map(|ls| {
        let mut seen = HashSet::new();
        ls.into_iter().filter(|l| seen.insert(key(l))).collect()
    })
}

fn masters() -> Vec<CustomerRow> {
    (0..CUSTOMERS)
        .map(|c| CustomerRow {
            customer_id: format!("C{c}"),
            segment: Some(["Retail", "Horeca"][c as usize % 2].into()),
            ..CustomerRow::default()
        })
        .collect()
}

fn engine_with(lines: &[OrderLine]) -> Engine {
    let mut e = Engine::new(Config::default()).unwrap();
    e.ingest_customer_rows(&masters());
    let report = e.ingest_order_rows(lines);
    assert!(report.is_clean(), "{report}");
    e
}

fn customer_of(l: &OrderLine) -> u32 {
    l.customer_id[1..].parse().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_arrival_order_gives_the_same_state(ls in lines(), seed in any::<u64>()) {
        let sorted = {
            let mut s = ls.clone();
            s.sort_by(|a, b| (a.date, &a.order_id, a.line_no).cmp(&(b.date, &b.order_id, b.line_no)));
            s
        };
        let mut shuffled = ls.clone();
        let mut rng = seed;
        for i in (1..shuffled.len()).rev() {
            rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (rng >> 33) as usize % (i + 1));
        }
        let a = engine_with(&sorted);
        let b = engine_with(&shuffled);
        prop_assert_eq!(a.state().canonical(), b.state().canonical());
        prop_assert_eq!(a.stats().lines, ls.len());
    }

    #[test]
    fn duplicates_count_once_however_often_they_come(ls in lines(), repeats in prop::collection::vec(any::<prop::sample::Index>(), 0..60)) {
        let once = engine_with(&ls);
        let mut again = engine_with(&ls);
        let mut extra: Vec<OrderLine> = Vec::new();
        if !ls.is_empty() {
            extra = repeats.iter().map(|i| ls[i.index(ls.len())].clone()).collect();
        }
        let report = again.ingest_order_rows(&extra);
        prop_assert_eq!((report.accepted, report.duplicates), (0, extra.len()));
        let report = again.ingest_order_rows(&ls);
        prop_assert_eq!(report.duplicates, ls.len());
        prop_assert_eq!(once.state().canonical(), again.state().canonical());
    }

    #[test]
    fn split_batches_equal_one_batch(ls in lines(), cut in any::<prop::sample::Index>()) {
        let whole = engine_with(&ls);
        let at = if ls.is_empty() { 0 } else { cut.index(ls.len()) };
        let mut parts = engine_with(&ls[..at]);
        parts.ingest_order_rows(&ls[at..]);
        prop_assert_eq!(whole.state().canonical(), parts.state().canonical());
    }

    #[test]
    fn snapshots_round_trip_exactly(ls in lines()) {
        let e = engine_with(&ls);
        let bytes = e.snapshot();
        let back = Engine::restore(&bytes).unwrap();
        prop_assert_eq!(&back, &e);
        prop_assert_eq!(back.snapshot(), bytes, "equal states encode to equal bytes");
    }

    #[test]
    fn corrupt_snapshots_are_errors_never_panics(ls in lines(), at in any::<prop::sample::Index>(), bit in 0u8..8, cut in any::<prop::sample::Index>()) {
        let bytes = engine_with(&ls).snapshot();
        let mut flipped = bytes.clone();
        let i = at.index(flipped.len());
        flipped[i] ^= 1 << bit;
        prop_assert!(Engine::restore(&flipped).is_err());
        let truncated = &bytes[..cut.index(bytes.len())];
        prop_assert!(Engine::restore(truncated).is_err());
    }

    #[test]
    fn merge_is_associative_and_commutative(ls in lines(), salt in 0u32..3) {
        let part = |k: u32| -> Vec<OrderLine> {
            ls.iter().filter(|l| (customer_of(l) + salt) % 3 == k).cloned().collect()
        };
        let (a, b, c) = (engine_with(&part(0)), engine_with(&part(1)), engine_with(&part(2)));
        let all = engine_with(&ls).state().canonical();

        let mut ab_c = a.clone();
        ab_c.merge(b.clone()).unwrap();
        ab_c.merge(c.clone()).unwrap();
        let mut bc = b.clone();
        bc.merge(c.clone()).unwrap();
        let mut a_bc = a.clone();
        a_bc.merge(bc).unwrap();
        let mut cb_a = c.clone();
        cb_a.merge(b.clone()).unwrap();
        cb_a.merge(a.clone()).unwrap();

        prop_assert_eq!(&ab_c.state().canonical(), &all);
        prop_assert_eq!(&a_bc.state().canonical(), &all);
        prop_assert_eq!(&cb_a.state().canonical(), &all);
    }
}

#[test]
fn merging_engines_that_share_a_customer_fails_and_changes_nothing() {
    let d = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let a = engine_with(&[OrderLine::new("SO1", "C1", "P1", d, 1.0, 1.0)]);
    let b = engine_with(&[OrderLine::new("SO2", "C1", "P1", d, 1.0, 1.0)]);
    let mut merged = a.clone();
    let err = merged.merge(b).unwrap_err();
    assert_eq!(err.code(), "MergeError");
    assert!(err.to_string().contains("\"C1\""), "{err}");
    assert_eq!(merged, a);
}
