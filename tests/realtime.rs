//! The timer-driven feed against the full rescan, day by day, on a small synthetic distributor.
//!
//! The reference is what `advance` meant before it was incremental: the keys of
//! `signal_list(as_of)` (a full rescan) minus those of the previous advance. Orders arrive day
//! by day, as an ERP would send them; the feed must report the same keys on the same days with
//! [`FeedOptions::exact`] (priors refitted and customer-level detectors run every day), and,
//! with the weekly defaults, the item-level kinds may differ only through the staleness of the
//! priors and of the customers explained by customer-level findings (measured and bounded here).

use salespulse::realtime::FeedOptions;
use salespulse::{synth, Config, Day, Engine, OrderLine, Signal, SignalKind};
use std::collections::{BTreeMap, BTreeSet};

type Key = (
    SignalKind,
    Option<salespulse::ids::CustomerId>,
    Option<salespulse::ids::ProductId>,
    Option<salespulse::ids::LabelId>,
);

struct Replay {
    engine: Engine,
    by_day: BTreeMap<Day, Vec<OrderLine>>,
    start: Day,
}

/// An engine with the masters, deals and the orders before `start` (150 days before the end,
/// when the planted events have begun);
/// the later orders grouped by day.
fn replay(customers: usize, seed: u64, options: FeedOptions) -> Replay {
    let data = synth::distributor(customers, 2, seed);
    let mut engine = Engine::new(Config::default()).unwrap();
    engine.set_feed_options(options).unwrap();
    engine.ingest_rep_rows(&data.reps);
    engine.ingest_product_rows(&data.products);
    engine.ingest_customer_rows(&data.customers);
    engine.ingest_deal_rows(&data.deals);
    let start = Day::from_date(data.end) - 150;
    let mut by_day: BTreeMap<Day, Vec<OrderLine>> = BTreeMap::new();
    let mut before = Vec::new();
    for line in data.orders {
        let day = Day::from_date(line.date);
        if day < start {
            before.push(line);
        } else {
            by_day.entry(day).or_default().push(line);
        }
    }
    assert!(engine.ingest_order_rows(&before).is_clean());
    Replay {
        engine,
        by_day,
        start,
    }
}

fn keys(signals: &[Signal]) -> BTreeSet<Key> {
    signals.iter().map(Signal::key).collect()
}

/// Runs `days` days from the replay's start; per day: (rescan-diff keys, feed keys).
fn run(r: &mut Replay, days: i32) -> Vec<(Day, BTreeSet<Key>, BTreeSet<Key>)> {
    let mut previous: BTreeSet<Key> = BTreeSet::new();
    let mut out = Vec::new();
    for day in (0..days).map(|i| r.start + i) {
        if let Some(lines) = r.by_day.get(&day) {
            assert!(r.engine.ingest_order_rows(lines).is_clean());
        }
        let now = keys(&r.engine.signal_list(Some(day)).unwrap());
        let reference: BTreeSet<Key> = now.difference(&previous).copied().collect();
        previous = now;
        let fed = r.engine.advance_list(day).unwrap();
        let fed_keys = keys(&fed);
        assert_eq!(
            fed_keys.len(),
            fed.len(),
            "a key is reported once per advance"
        );
        out.push((day, reference, fed_keys));
    }
    out
}

fn is_item_level(kind: SignalKind) -> bool {
    matches!(
        kind,
        SignalKind::ItemLapsed | SignalKind::VarietyDrop | SignalKind::ItemLapsedAcrossSimilar
    )
}

#[test]
fn with_daily_refits_the_feed_reports_exactly_what_the_rescan_diff_reports() {
    let mut r = replay(500, 11, FeedOptions::exact());
    let days = run(&mut r, 90);
    let mut item_level = 0;
    for (day, reference, fed) in &days {
        let missing: Vec<_> = reference.difference(fed).collect();
        let extra: Vec<_> = fed.difference(reference).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{day}: the rescan reports {missing:?} that the feed does not; the feed reports \
             {extra:?} that the rescan does not"
        );
        item_level += reference.iter().filter(|k| is_item_level(k.0)).count();
    }
    // The first advance reports everything active; later days must report item lapses too, or
    // the comparison says little.
    let later: usize = days[1..]
        .iter()
        .map(|(_, r, _)| r.iter().filter(|k| k.0 == SignalKind::ItemLapsed).count())
        .sum();
    assert!(
        later >= 10,
        "only {later} item lapses rose after the first day ({item_level} item-level in all)"
    );
}

#[test]
fn the_feed_reports_the_same_signal_values_as_the_rescan() {
    let mut r = replay(300, 5, FeedOptions::exact());
    for day in (0..30).map(|i| r.start + i) {
        if let Some(lines) = r.by_day.get(&day) {
            r.engine.ingest_order_rows(lines);
        }
        let all: BTreeMap<Key, Signal> = r
            .engine
            .signal_list(Some(day))
            .unwrap()
            .into_iter()
            .map(|s| (s.key(), s))
            .collect();
        for s in r.engine.advance_list(day).unwrap() {
            let truth = &all[&s.key()];
            assert_eq!(s.evidence, truth.evidence);
            assert_eq!(s.rep, truth.rep);
            assert_eq!(s.detected_on, truth.detected_on);
            for (a, b) in [
                (s.probability, truth.probability),
                (s.score, truth.score),
                (s.value_at_stake, truth.value_at_stake),
            ] {
                assert!(
                    (a - b).abs() <= 1e-9 * b.abs().max(1.0),
                    "{s:?} vs {truth:?}"
                );
            }
        }
    }
}

#[test]
fn with_weekly_refits_item_level_signals_match_within_the_staleness_bound() {
    let mut r = replay(500, 11, FeedOptions::default());
    let days = run(&mut r, 90);
    // Each item-level key the rescan diff reports, and each the feed reports, with its days.
    let mut by_rescan: BTreeMap<Key, Vec<Day>> = BTreeMap::new();
    let mut by_feed: BTreeMap<Key, Vec<Day>> = BTreeMap::new();
    for (day, reference, fed) in &days[1..] {
        for k in reference.iter().filter(|k| is_item_level(k.0)) {
            by_rescan.entry(*k).or_default().push(*day);
        }
        for k in fed.iter().filter(|k| is_item_level(k.0)) {
            by_feed.entry(*k).or_default().push(*day);
        }
    }
    let near = |days: &[Day], other: Option<&Vec<Day>>| {
        other.is_some_and(|o| days.iter().all(|d| o.iter().any(|e| (*e - *d).abs() <= 7)))
    };
    let same_day = by_rescan
        .iter()
        .filter(|(k, d)| by_feed.get(k) == Some(d))
        .count();
    let found = by_rescan
        .iter()
        .filter(|(k, d)| near(d, by_feed.get(k)))
        .count();
    let confirmed = by_feed
        .iter()
        .filter(|(k, d)| near(d, by_rescan.get(k)))
        .count();
    let (n_rescan, n_feed) = (by_rescan.len(), by_feed.len());
    println!(
        "item-level keys: rescan {n_rescan}, feed {n_feed}; same days {same_day}; rescan's \
         within a week in the feed {found}; feed's within a week in the rescan {confirmed}"
    );
    assert!(
        n_rescan >= 10,
        "too few item-level signals to compare: {n_rescan}"
    );
    assert!(
        found as f64 >= 0.9 * n_rescan as f64,
        "the feed misses too many: {found} of {n_rescan}"
    );
    assert!(
        confirmed as f64 >= 0.9 * n_feed as f64,
        "the feed reports too many the rescan does not: {confirmed} of {n_feed}"
    );
}

#[test]
fn a_quiet_day_reports_nothing_new_and_an_order_of_the_item_clears_its_lapse() {
    let mut r = replay(500, 11, FeedOptions::exact());
    let days = run(&mut r, 40);
    // A lapse the feed reported, of a customer that later buys the item again.
    let (day, c, p) = days
        .iter()
        .flat_map(|(d, _, fed)| fed.iter().map(move |k| (*d, k)))
        .filter(|(_, k)| k.0 == SignalKind::ItemLapsed)
        .map(|(d, k)| (d, k.1.unwrap(), k.2.unwrap()))
        .next()
        .expect("some item lapse rose");
    let engine = &mut r.engine;
    let clock = engine.clock().unwrap();
    // A day without orders: the same answer as the rescan, nothing new for this pair.
    let next = clock + 1;
    let quiet = engine.advance_list(next).unwrap();
    assert!(quiet
        .iter()
        .all(|s| s.key().1 != Some(c) || s.key().2 != Some(p)));
    let customer = engine.state().customer_text(c).to_string();
    let product = engine.state().product_text(p).to_string();
    let active = |e: &Engine, d: Day| {
        e.signal_list(Some(d)).unwrap().iter().any(|s| {
            s.kind == SignalKind::ItemLapsed && s.customer == Some(c) && s.product == Some(p)
        })
    };
    if active(engine, next) {
        // The customer buys the item: the lapse clears, and a later advance reports it again
        // only if it lapses anew (the rescan agrees on both).
        let date = (next + 1).to_date();
        let order = OrderLine::new("RT-TEST-1", &customer, &product, date, 3.0, 30.0);
        assert!(engine.ingest_order_rows(&[order]).is_clean());
        let after = engine.advance_list(next + 1).unwrap();
        assert!(
            !active(engine, next + 1),
            "the order of the item clears the lapse ({day})"
        );
        assert!(after
            .iter()
            .all(|s| !(s.customer == Some(c) && s.product == Some(p))));
    }
}
