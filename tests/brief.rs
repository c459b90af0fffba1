//! The weekly brief over the public API, on the synthetic distributor (300 customers, seed 42).

use salespulse::brief::Brief;
use salespulse::rank::RankWeights;
use salespulse::synth::{self, Distributor};
use salespulse::{Config, Day, Engine};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

fn data() -> &'static Distributor {
    static DATA: OnceLock<Distributor> = OnceLock::new();
    DATA.get_or_init(|| synth::distributor(300, 2, 42))
}

fn engine_with(config: Config) -> Engine {
    let d = data();
    let mut engine = Engine::new(config).unwrap();
    engine.ingest_rep_rows(&d.reps);
    engine.ingest_product_rows(&d.products);
    engine.ingest_customer_rows(&d.customers);
    engine.ingest_order_rows(&d.orders);
    engine.ingest_deal_rows(&d.deals);
    engine
}

fn brief() -> &'static (Engine, Brief) {
    static BRIEF: OnceLock<(Engine, Brief)> = OnceLock::new();
    BRIEF.get_or_init(|| {
        let engine = engine_with(Config::default());
        let brief = engine
            .weekly_brief(Day::from_date(data().end), None)
            .unwrap();
        (engine, brief)
    })
}

#[test]
fn every_rep_gets_seven_distinct_customers_ordered_by_value_due_this_week() {
    let (_, brief) = brief();
    let d = data();
    let reps_with_customers: BTreeSet<&str> = d
        .customers
        .iter()
        .filter_map(|c| c.rep_id.as_deref())
        .collect();
    let by_rep = brief.by_rep();
    assert_eq!(
        by_rep.iter().map(|(r, _)| *r).collect::<BTreeSet<_>>(),
        reps_with_customers
    );
    let as_of = brief.as_of;
    for (rep, tasks) in by_rep {
        assert_eq!(tasks.len(), 7, "{rep}");
        let ranks: Vec<u32> = tasks.iter().map(|t| t.rank).collect();
        assert_eq!(ranks, (1..=7).collect::<Vec<_>>());
        assert!(tasks.windows(2).all(|w| w[0].value >= w[1].value), "{rep}");
        let customers: BTreeSet<&str> = tasks.iter().map(|t| t.customer_id.as_str()).collect();
        assert_eq!(customers.len(), 7, "{rep}: one task per customer");
        for t in tasks {
            assert!(t.due > as_of && t.due <= as_of + 7, "{t:?}");
            assert!(!t.talking_points.is_empty(), "{t:?}");
            assert!(t.value.is_finite() && t.value >= 0.0);
            if let Some(price) = t.offer.as_ref().and_then(|o| o.price) {
                assert!(price > 0.0, "{t:?}");
            }
            let owner = d
                .customers
                .iter()
                .find(|c| c.customer_id == t.customer_id)
                .and_then(|c| c.rep_id.as_deref());
            assert_eq!(owner, Some(rep), "a task goes to the customer's rep");
        }
    }
}

#[test]
fn tasks_point_at_planted_events_far_above_chance() {
    let (_, brief) = brief();
    let d = data();
    let labelled: BTreeSet<&str> = d
        .labels
        .iter()
        .filter(|l| l.start <= d.end)
        .filter_map(|l| l.customer_id.as_deref())
        .collect();
    let with_signal = brief.tasks.iter().filter(|t| !t.signals.is_empty());
    let (n, hits) = with_signal.fold((0, 0), |(n, h), t| {
        (
            n + 1,
            h + usize::from(labelled.contains(t.customer_id.as_str())),
        )
    });
    let chance = labelled.len() as f64 / d.customers.len() as f64;
    let precision = hits as f64 / n as f64;
    // With ~20 labelled customers per 100, random lists would hit about 0.2.
    assert!(n >= 20, "{n} tasks carry signals");
    assert!(
        precision > 3.0 * chance && precision > 0.8,
        "{precision} vs chance {chance}"
    );
}

#[test]
fn the_list_size_and_locale_are_checked_with_clear_errors() {
    let (engine, brief) = brief();
    let as_of = brief.as_of;
    let five = engine.weekly_brief(as_of, Some(5)).unwrap();
    assert!(five.by_rep().iter().all(|(_, t)| t.len() == 5));
    // The five are the seven's best five.
    let top5: Vec<(&str, &str)> = brief
        .tasks
        .iter()
        .filter(|t| t.rank <= 5)
        .map(|t| (t.rep_id.as_str(), t.customer_id.as_str()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let got: Vec<(&str, &str)> = five
        .tasks
        .iter()
        .map(|t| (t.rep_id.as_str(), t.customer_id.as_str()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let same = top5.iter().filter(|x| got.contains(x)).count();
    assert!(
        same as f64 >= 0.8 * top5.len() as f64,
        "{same} of {}",
        top5.len()
    );
    let err = engine.weekly_brief(as_of, Some(9)).unwrap_err().to_string();
    assert!(err.contains("tasks_per_rep is 9"), "{err}");
    let err = brief.to_html("fr").unwrap_err().to_string();
    assert!(err.contains("\"fr\"") && err.contains("\"he\""), "{err}");
    let err = brief.for_rep("nobody").unwrap_err().to_string();
    assert!(err.contains("\"nobody\""), "{err}");
}

#[test]
fn managers_get_team_signals_top_tasks_and_kpis_this_week_vs_last() {
    let (engine, brief) = brief();
    let d = data();
    let managers: BTreeSet<&str> = d
        .reps
        .iter()
        .filter_map(|r| r.manager_id.as_deref())
        .collect();
    assert_eq!(
        brief
            .digests
            .iter()
            .map(|x| x.manager_id.as_str())
            .collect::<BTreeSet<_>>(),
        managers
    );
    let signals = engine.signal_list(Some(brief.as_of)).unwrap();
    let team_level = signals.iter().filter(|s| s.customer.is_none()).count();
    let listed: usize = brief.digests.iter().map(|x| x.team_signals.len()).sum();
    assert!(
        listed >= team_level,
        "every team-level signal reaches a manager"
    );
    for digest in &brief.digests {
        let team: BTreeSet<&str> = d
            .reps
            .iter()
            .filter(|r| r.manager_id.as_deref() == Some(&digest.manager_id))
            .map(|r| r.rep_id.as_str())
            .collect();
        assert_eq!(
            digest
                .reps
                .iter()
                .map(String::as_str)
                .collect::<BTreeSet<_>>(),
            team
        );
        assert!(digest.team_signals.iter().all(|s| [
            "item_lapsed_across_similar",
            "discount_spike",
            "pipeline_slowdown"
        ]
        .contains(&s.kind.as_str())));
        let k: BTreeMap<&str, Option<f64>> =
            digest.kpis.iter().map(|k| (k.name, k.this_week)).collect();
        let active = k["active_customers"].unwrap();
        assert!(active > 0.0 && active <= d.customers.len() as f64);
        assert!(digest
            .kpis
            .iter()
            .all(|k| k.last_week.is_some() || k.name.ends_with("rate")));
        let md = brief
            .for_rep(&digest.manager_id)
            .unwrap()
            .to_markdown("en")
            .unwrap();
        for rep in &digest.reps {
            assert!(md.contains(rep.as_str()), "{rep} in the digest");
        }
    }
}

#[test]
fn markdown_and_html_in_english_and_hebrew() {
    let (_, brief) = brief();
    let rep = &brief.tasks[0].rep_id;
    let mine = brief.for_rep(rep).unwrap();
    assert!(mine.tasks.iter().all(|t| &t.rep_id == rep));
    let md = mine.to_markdown("en").unwrap();
    assert!(md.starts_with("# Weekly brief"));
    for t in &mine.tasks {
        assert!(md.contains(&t.customer_id));
        assert!(md.contains(&t.content(salespulse::brief::Locale::En, brief.currency.as_deref())));
    }
    let he = mine.to_markdown("he").unwrap();
    assert!(he.starts_with("# תדריך שבועי"));
    let html = brief.to_html("he").unwrap();
    assert!(html.contains("<html lang=\"he\" dir=\"rtl\">"));
    assert_eq!(
        html.matches("<article class=\"task\"").count(),
        brief.tasks.len()
    );
    let with_rhythm = brief.tasks.iter().filter(|t| t.rhythm.is_some()).count();
    assert!(with_rhythm * 10 >= brief.tasks.len() * 9, "{with_rhythm}");
    assert_eq!(html.matches("<svg").count(), with_rhythm);
    assert!(
        !html.contains("http://") || html.matches("http://").count() == with_rhythm,
        "no external assets: the only URL is the SVG namespace"
    );
    assert!(!html.contains("<script") && !html.contains("src="));
    let en = brief.to_html("en").unwrap();
    assert!(en.contains("dir=\"ltr\"") && en.contains("Talking points"));
}

#[test]
fn the_tasks_table_has_the_api_columns() {
    let (_, brief) = brief();
    let frame = brief.tasks_frame();
    let names: Vec<&str> = frame.columns.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "rep_id",
            "rank",
            "customer_id",
            "action",
            "talking_points",
            "offer_product_id",
            "offer_price",
            "content",
            "value",
            "due",
            "signals"
        ]
    );
    assert_eq!(frame.len(), brief.tasks.len());
}

#[test]
fn weights_change_the_ranking_and_bad_weights_are_refused() {
    let (_, brief) = brief();
    // Ranking by money at stake alone (no escalation, no response gain, one P(acting works)).
    let mut flat = RankWeights::default()
        .with("escalation_base", 1.0)
        .unwrap()
        .with("response_gain", 1.0)
        .unwrap()
        .with("diversity", 1.0)
        .unwrap();
    flat.acting_works_by_kind.clear();
    let engine = engine_with(Config::default().with_rank_weights(flat).unwrap());
    let other = engine.weekly_brief(brief.as_of, None).unwrap();
    assert_eq!(other.tasks.len(), brief.tasks.len());
    assert_ne!(
        other
            .tasks
            .iter()
            .map(|t| &t.customer_id)
            .collect::<Vec<_>>(),
        brief
            .tasks
            .iter()
            .map(|t| &t.customer_id)
            .collect::<Vec<_>>()
    );
    assert!(RankWeights::default().with("diversity", -1.0).is_err());
}

#[test]
fn only_data_up_to_as_of_is_read() {
    let d = data();
    let cut = d.end - chrono::Duration::days(60);
    let mut early = Engine::new(Config::default()).unwrap();
    early.ingest_rep_rows(&d.reps);
    early.ingest_product_rows(&d.products);
    early.ingest_customer_rows(&d.customers);
    let lines: Vec<_> = d.orders.iter().filter(|o| o.date <= cut).cloned().collect();
    early.ingest_order_rows(&lines);
    let mut all = Engine::new(Config::default()).unwrap();
    all.ingest_rep_rows(&d.reps);
    all.ingest_product_rows(&d.products);
    all.ingest_customer_rows(&d.customers);
    all.ingest_order_rows(&d.orders);
    let day = Day::from_date(cut);
    let a = early.weekly_brief(day, None).unwrap();
    let b = all.weekly_brief(day, None).unwrap();
    assert_eq!(a.to_markdown("en").unwrap(), b.to_markdown("en").unwrap());
}
