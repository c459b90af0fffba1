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
    /// Keys of the full scan at the previous advance.
    previous: BTreeSet<Key>,
    by_day: BTreeMap<Day, Vec<OrderLine>>,
    start: Day,
}

/// An engine with the masters, deals and the orders before `start` (150 days before the end,
/// when the planted events have begun);
/// the later orders grouped by day.
fn replay(customers: usize, seed: u64, options: FeedOptions) -> Replay {
    replay_from(customers, seed, options, |end| end - 150)
}

/// An engine with the masters and deals of a synthetic distributor (none of its orders).
fn engine_of(data: &synth::Distributor, options: FeedOptions) -> Engine {
    let mut engine = Engine::new(Config::default()).unwrap();
    engine.set_feed_options(options).unwrap();
    engine.ingest_rep_rows(&data.reps);
    engine.ingest_product_rows(&data.products);
    engine.ingest_customer_rows(&data.customers);
    engine.ingest_deal_rows(&data.deals);
    engine
}

/// As [`replay`], from the day `start(end)` of the history's last day `end`.
fn replay_from(
    customers: usize,
    seed: u64,
    options: FeedOptions,
    start: impl FnOnce(Day) -> Day,
) -> Replay {
    let data = synth::distributor(customers, 2, seed);
    let mut engine = engine_of(&data, options);
    let start = start(Day::from_date(data.end));
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
        previous: BTreeSet::new(),
        by_day,
        start,
    }
}

fn keys(signals: &[Signal]) -> BTreeSet<Key> {
    signals.iter().map(Signal::key).collect()
}

/// Runs `days` days from the replay's start; per day: (rescan-diff keys, feed keys). With
/// `check_values`, every risen signal must equal the full scan's signal of that day.
fn run(r: &mut Replay, days: i32, check_values: bool) -> Vec<(Day, BTreeSet<Key>, BTreeSet<Key>)> {
    let mut out = Vec::new();
    let start = r.start;
    for day in (0..days).map(|i| start + i) {
        if let Some(lines) = r.by_day.remove(&day) {
            assert!(r.engine.ingest_order_rows(&lines).is_clean());
        }
        out.push(step(r, day, check_values));
    }
    out
}

/// One advance against the rescan diff: (day, rescan-diff keys, feed keys).
fn step(r: &mut Replay, day: Day, check_values: bool) -> (Day, BTreeSet<Key>, BTreeSet<Key>) {
    let all: BTreeMap<Key, Signal> = r
        .engine
        .signal_list(Some(day))
        .unwrap()
        .into_iter()
        .map(|s| (s.key(), s))
        .collect();
    let now: BTreeSet<Key> = all.keys().copied().collect();
    let reference: BTreeSet<Key> = now.difference(&r.previous).copied().collect();
    r.previous = now;
    let fed = r.engine.advance_list(day).unwrap();
    let fed_keys = keys(&fed);
    assert_eq!(
        fed_keys.len(),
        fed.len(),
        "a key is reported once per advance"
    );
    if check_values {
        // A risen signal says what the full scan of that day says.
        for s in &fed {
            let truth = &all[&s.key()];
            assert_eq!(s.evidence, truth.evidence);
            assert_eq!((s.rep, s.detected_on), (truth.rep, truth.detected_on));
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
    (day, reference, fed_keys)
}

/// Days replayed (fewer in unoptimised builds: each day is also a full rescan).
const DAYS: i32 = if cfg!(debug_assertions) { 60 } else { 90 };

fn is_item_level(kind: SignalKind) -> bool {
    matches!(
        kind,
        SignalKind::ItemLapsed | SignalKind::VarietyDrop | SignalKind::ItemLapsedAcrossSimilar
    )
}

fn assert_same(day: Day, reference: &BTreeSet<Key>, fed: &BTreeSet<Key>) {
    let missing: Vec<_> = reference.difference(fed).collect();
    let extra: Vec<_> = fed.difference(reference).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{day}: the rescan reports {missing:?} that the feed does not; the feed reports \
         {extra:?} that the rescan does not"
    );
}

#[test]
fn with_daily_refits_the_feed_reports_exactly_what_the_rescan_diff_reports() {
    let mut r = replay(500, 11, FeedOptions::exact());
    let days = run(&mut r, DAYS, true);
    for (day, reference, fed) in &days {
        assert_same(*day, reference, fed);
    }
    // The first advance reports everything active; later days must report item lapses too, or
    // the comparison says little.
    let later: usize = days[1..]
        .iter()
        .map(|(_, r, _)| r.iter().filter(|k| k.0 == SignalKind::ItemLapsed).count())
        .sum();
    assert!(
        later >= 10,
        "only {later} item lapses rose after the first day"
    );

    // A lapse still active at the end: a quiet day reports nothing new, an order of the item
    // clears it, and the feed still agrees with the rescan.
    let clock = r.engine.clock().unwrap();
    let lapse = r
        .engine
        .signal_list(Some(clock))
        .unwrap()
        .into_iter()
        .find(|s| s.kind == SignalKind::ItemLapsed)
        .expect("an item lapse is active at the end");
    let (c, p) = (lapse.customer.unwrap(), lapse.product.unwrap());
    let quiet = step(&mut r, clock + 1, true);
    assert_same(quiet.0, &quiet.1, &quiet.2);
    assert!(quiet.2.iter().all(|k| (k.1, k.2) != (Some(c), Some(p))));
    let customer = r.engine.state().customer_text(c).to_string();
    let product = r.engine.state().product_text(p).to_string();
    let date = (clock + 2).to_date();
    let order = OrderLine::new("RT-TEST-1", &customer, &product, date, 3.0, 30.0);
    assert!(r.engine.ingest_order_rows(&[order]).is_clean());
    let after = step(&mut r, clock + 2, true);
    assert_same(after.0, &after.1, &after.2);
    assert!(
        !r.previous.contains(&lapse.key()),
        "the order of the item clears the lapse in the rescan"
    );
}

#[test]
fn with_weekly_refits_item_level_signals_match_within_the_staleness_bound() {
    let mut r = replay(500, 11, FeedOptions::default());
    let days = run(&mut r, DAYS, false);
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
fn a_restored_engine_and_per_order_updates_report_what_the_original_does() {
    let mut r = replay(300, 3, FeedOptions::exact());
    run(&mut r, 10, false);
    let mut restored = Engine::restore(&r.engine.snapshot()).unwrap();
    restored.set_feed_options(FeedOptions::exact()).unwrap();
    let mut risen_total = 0;
    for day in (10..30).map(|i| r.start + i) {
        let lines = r.by_day.remove(&day).unwrap_or_default();
        r.engine.ingest_order_rows(&lines);
        // The restored engine takes the day's orders one at a time, each read into its feed.
        for (i, line) in lines.iter().enumerate() {
            restored.ingest_order_rows(std::slice::from_ref(line));
            if i % 7 == 0 {
                restored.update_feed(day).unwrap();
            }
        }
        let a = keys(&r.engine.advance_list(day).unwrap());
        let b = keys(&restored.advance_list(day).unwrap());
        assert_eq!(a, b, "{day}");
        risen_total += a.len();
    }
    assert!(risen_total > 0, "something rose over the 20 days");
}

/// The first weekly scan, over the whole history, whose stop rates find a segment's surge (a
/// planted competitor's substitution).
fn first_surge(customers: usize, seed: u64) -> Option<Day> {
    let data = synth::distributor(customers, 2, seed);
    let mut engine = engine_of(&data, FeedOptions::exact());
    assert!(engine.ingest_order_rows(&data.orders).is_clean());
    let end = Day::from_date(data.end);
    (0..)
        .map(|week| end - 300 + 7 * week)
        .take_while(|day| *day <= end)
        .find(|day| {
            let scene = salespulse::detect::Scene::new(engine.state(), engine.config(), *day);
            !scene.lapses().priors.surging.is_empty()
        })
}

#[test]
fn with_daily_refits_the_feed_matches_the_rescan_while_a_segment_surges() {
    let (customers, seed) = (500, 11);
    let surge = first_surge(customers, seed).expect("the substitution surges in some week");
    // From three weeks before the first weekly scan that sees the surge, over the weeks it
    // grows and moves back through the slots.
    let mut r = replay_from(customers, seed, FeedOptions::exact(), |_| surge - 21);
    let days = run(&mut r, DAYS.min(60), true);
    for (day, reference, fed) in &days {
        assert_same(*day, reference, fed);
    }
    let surging_days = days
        .iter()
        .filter(|(day, _, _)| {
            let scene = salespulse::detect::Scene::new(r.engine.state(), r.engine.config(), *day);
            !scene.lapses().priors.surging.is_empty()
        })
        .count();
    assert!(surging_days >= 20, "the surge lasts {surging_days} days");
}
