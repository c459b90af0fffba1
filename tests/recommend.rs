//! `Engine::recommend` and the `cross_sell` signal on the synthetic distributor: offers are
//! products the customer never bought, ranked, and they beat the popularity baseline offline.

use salespulse::affinity::{bought_between, hit_rate, Profiles, RecommendOptions, Recommender};
use salespulse::{synth, Config, Day, Engine, SignalKind};
use std::collections::BTreeSet;

fn engine(customers: usize) -> (Engine, Day) {
    let data = synth::distributor(customers, 2, 42);
    let mut engine = Engine::new(Config::default()).unwrap();
    engine.ingest_product_rows(&data.products);
    engine.ingest_customer_rows(&data.customers);
    assert!(engine.ingest_order_rows(&data.orders).is_clean());
    (engine, Day::from_date(data.end))
}

#[test]
fn beats_popularity_twice_over_on_the_synthetic_distributor() {
    let (engine, end) = engine(1000);
    let cut = end - 90;
    let rec = Recommender::new(
        Profiles::from_state(engine.state(), cut),
        RecommendOptions::default(),
    );
    let q = hit_rate(&rec, &bought_between(engine.state(), cut, end), 5);
    println!("{q}");
    assert!(
        q.customers >= 100,
        "too few customers bought something new: {q}"
    );
    assert!(
        q.model_rate() >= 2.0 * q.popularity_rate(),
        "hit rate@5 should be at least twice popularity's: {q}"
    );
}

#[test]
fn recommends_only_never_bought_products_and_cross_sells_are_its_strongest_rows() {
    let (engine, end) = engine(400);
    let frame = engine.recommend(end, 5, None).unwrap();
    let customers = frame.str_column("customer_id").unwrap();
    let products = frame.str_column("product_id").unwrap();
    let ranks = frame.i64_column("rank").unwrap();
    let flags = match frame.column("cross_sell").unwrap() {
        salespulse::Series::Bool(v) => v.clone(),
        other => panic!("cross_sell should be booleans, not {other:?}"),
    };
    assert!(frame.len() > 300 * 5, "most customers get five offers");
    let state = engine.state();
    let mut flagged = BTreeSet::new();
    for row in 0..frame.len() {
        let (c, p) = (
            customers[row].as_deref().unwrap(),
            products[row].as_deref().unwrap(),
        );
        let customer = state.customer(state.customer_id(c).unwrap());
        let bought = customer
            .pair(state.product_id(p).unwrap())
            .is_some_and(|h| h.purchase_days_until(end).next().is_some());
        assert!(!bought, "{c} already buys {p}");
        assert!((1..=5).contains(&ranks[row].unwrap()));
        if flags[row] == Some(true) {
            assert!(ranks[row].unwrap() <= 2, "cross-sells are the top rows");
            flagged.insert((c.to_string(), p.to_string()));
        }
    }
    let signals: BTreeSet<(String, String)> = engine
        .signal_list(Some(end))
        .unwrap()
        .iter()
        .filter(|s| s.kind == SignalKind::CrossSell)
        .map(|s| {
            assert!(s.evidence.starts_with("buys "), "{}", s.evidence);
            assert!(s.details.iter().any(|d| d.0 == "suggested_price"));
            (
                state.customer_text(s.customer.unwrap()).to_string(),
                state.product_text(s.product.unwrap()).to_string(),
            )
        })
        .collect();
    assert!(
        !flagged.is_empty(),
        "some customers have a strong cross-sell"
    );
    assert_eq!(signals, flagged);
}

#[test]
fn one_customer_and_clear_errors() {
    let (engine, end) = engine(60);
    let some = engine.recommend(end, 3, Some(&["C000002"])).unwrap();
    assert_eq!(some.len(), 3);
    let err = engine.recommend(end, 3, Some(&["nobody"])).unwrap_err();
    assert!(err.to_string().contains("\"nobody\" is unknown"), "{err}");
    let err = engine.recommend(end, 0, None).unwrap_err();
    assert!(err.to_string().contains("k is 0"), "{err}");
}

#[test]
fn the_table_starts_with_the_columns_of_the_api() {
    let (engine, end) = engine(60);
    let frame = engine.recommend(end, 2, None).unwrap();
    let first: Vec<&str> = frame.columns.iter().take(6).map(|c| c.0.as_str()).collect();
    let api = [
        "customer_id",
        "rank",
        "product_id",
        "score",
        "suggested_price",
        "evidence",
    ];
    assert_eq!(first, api);
}

#[test]
fn the_cross_sell_thresholds_of_the_config_decide_which_offers_are_signals() {
    let (engine, end) = engine(400);
    let strong = |config: &Config| {
        salespulse::affinity::offers(engine.state(), config, end, 2, None)
            .iter()
            .filter(|o| o.cross_sell)
            .count()
    };
    let defaults = Config::default();
    let mut strict = Config::default();
    strict.thresholds.set("cross_sell_min_lift", 1e5).unwrap();
    let mut loose = Config::default();
    loose.thresholds.set("cross_sell_min_share", 0.0).unwrap();
    assert!(strong(&defaults) > 0);
    assert_eq!(strong(&strict), 0, "no rule has a lift of 100,000");
    assert!(strong(&loose) >= strong(&defaults));
    assert!(strict.validate().is_ok());
    strict.thresholds.set("cross_sell_min_share", 1.5).unwrap();
    assert!(strict.validate().is_err(), "a share above 1 is refused");
}
