//! Frequent itemsets and association rules on the Kaggle groceries data, against mlxtend 0.25.
//!
//! Baskets are member x day (`Member_number`, `Date` of `Groceries_dataset.csv`, read verbatim:
//! CRLF endings, item labels with their trailing spaces, the 759 repeated rows counting once).
//! The expected values are `tests/fixtures/itemsets/groceries_*.csv`, written once by
//! `make_mlxtend_fixture.py` next to them (see its docstring for versions and the command).

use salespulse::itemsets::{
    association_rules, frequent_itemsets, BasketColumns, Baskets, FrequentItemsets, Metric,
};
use salespulse::table::{Batch, Column, Frame, Series};
use std::collections::BTreeMap;

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/groceries-kaggle/Groceries_dataset.csv"
);
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/itemsets");
const MIN_SUPPORT: f64 = 0.001;
const MIN_CONFIDENCE: f64 = 0.1;
const TOLERANCE: f64 = 1e-9;

/// The data file's rows as (member, date, item) text, exactly as written.
fn rows() -> Vec<[String; 3]> {
    let mut reader = csv::Reader::from_path(DATA).unwrap_or_else(|e| {
        panic!("the groceries data is required at {DATA} (shared/data/groceries-kaggle): {e}")
    });
    reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV row");
            [r[0].to_string(), r[1].to_string(), r[2].to_string()]
        })
        .collect()
}

fn baskets() -> Baskets {
    Baskets::from_pairs(
        rows()
            .into_iter()
            .map(|[member, date, item]| ((member, date), item)),
    )
}

/// A fixture CSV as rows of fields (no field holds a comma or a quote).
fn fixture(name: &str) -> Vec<Vec<String>> {
    let path = format!("{FIXTURES}/{name}");
    let mut reader = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    reader
        .records()
        .map(|r| r.expect("a row").iter().map(str::to_string).collect())
        .collect()
}

fn number(text: &str) -> f64 {
    text.parse()
        .unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

/// Item labels joined as the fixture joins them.
fn joined(labels: &[String]) -> String {
    let mut sorted = labels.to_vec();
    sorted.sort();
    sorted.join("|")
}

fn str_lists<'a>(frame: &'a Frame, name: &str) -> &'a [Vec<String>] {
    match frame.column(name) {
        Some(Series::StrList(v)) => v,
        other => panic!("{name}: {other:?}"),
    }
}

fn close(expected: f64, actual: f64) -> bool {
    expected == actual || (expected - actual).abs() <= TOLERANCE
}

#[test]
fn the_file_gives_the_documented_baskets() {
    let b = baskets();
    assert_eq!(b.len(), 14_963);
    assert_eq!(b.items(), 167);
    assert_eq!(b.pairs(), 38_765 - 759);
    assert!(b.item_id("roll products ").is_some());
    assert!(b.item_id("roll products").is_none());
}

#[test]
fn the_table_path_gives_the_same_baskets() {
    let rows = rows();
    let member: Vec<i64> = rows.iter().map(|r| r[0].parse().expect("member")).collect();
    let date: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    let item: Vec<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    let batch = Batch::new()
        .with("Member_number", Column::Int(&member))
        .with("Date", Column::Text(&date))
        .with("itemDescription", Column::Text(&item));
    let columns = BasketColumns {
        basket: vec!["Member_number".into(), "Date".into()],
        item: "itemDescription".into(),
    };
    let from_table = Baskets::from_batch(&[batch], &columns).unwrap();
    assert_eq!(from_table.len(), 14_963);
    let a = frequent_itemsets(&from_table, MIN_SUPPORT, None).unwrap();
    let b = frequent_itemsets(&baskets(), MIN_SUPPORT, None).unwrap();
    assert_eq!(a.to_frame(), b.to_frame());
}

#[test]
fn itemsets_equal_mlxtend_fpgrowth() {
    let sets = frequent_itemsets(&baskets(), MIN_SUPPORT, None).unwrap();
    let expected: BTreeMap<String, f64> = fixture("groceries_itemsets.csv")
        .into_iter()
        .map(|r| (r[1].clone(), number(&r[0])))
        .collect();
    let frame = sets.to_frame();
    let supports = frame.f64_column("support").unwrap();
    let actual: BTreeMap<String, f64> = str_lists(&frame, "itemsets")
        .iter()
        .zip(supports)
        .map(|(labels, s)| (joined(labels), s.expect("support")))
        .collect();
    assert_eq!(actual.len(), sets.len(), "an itemset appears twice");
    let missing: Vec<&String> = expected
        .keys()
        .filter(|k| !actual.contains_key(*k))
        .collect();
    let extra: Vec<&String> = actual
        .keys()
        .filter(|k| !expected.contains_key(*k))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, extra {extra:?}"
    );
    assert_eq!(actual.len(), 750);
    for (set, s) in &expected {
        // Both are count / 14963 in f64: equal to the bit.
        assert_eq!(actual[set].to_bits(), s.to_bits(), "support of {set}");
    }
}

#[test]
fn rules_equal_mlxtend_association_rules() {
    let sets = frequent_itemsets(&baskets(), MIN_SUPPORT, None).unwrap();
    let rules = association_rules(&sets, Metric::Confidence, MIN_CONFIDENCE).unwrap();
    let table = fixture("groceries_rules.csv");
    let expected: BTreeMap<(String, String), Vec<f64>> = table
        .iter()
        .map(|r| {
            (
                (r[0].clone(), r[1].clone()),
                r[2..].iter().map(|v| number(v)).collect(),
            )
        })
        .collect();
    let names: Vec<&str> = rules.columns.iter().map(|(n, _)| n.as_str()).collect();
    let mut wanted = vec!["antecedents", "consequents"];
    wanted.extend(Metric::ALL.iter().map(|m| m.name()));
    assert_eq!(names, wanted);

    let antecedents = str_lists(&rules, "antecedents");
    let consequents = str_lists(&rules, "consequents");
    let mut actual: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    for row in 0..rules.len() {
        let metrics = Metric::ALL
            .iter()
            .map(|m| rules.f64_column(m.name()).unwrap()[row].expect("metric"))
            .collect();
        let key = (joined(&antecedents[row]), joined(&consequents[row]));
        assert!(actual.insert(key, metrics).is_none(), "rule twice");
    }
    assert_eq!(
        actual.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    assert_eq!(actual.len(), 130);
    let mut worst = 0.0f64;
    for (rule, want) in &expected {
        for (i, (&w, &a)) in want.iter().zip(&actual[rule]).enumerate() {
            assert!(
                close(w, a),
                "{rule:?} {}: mlxtend {w}, ours {a}",
                Metric::ALL[i].name()
            );
            if w.is_finite() {
                worst = worst.max((w - a).abs());
            }
        }
    }
    assert!(worst <= TOLERANCE);
}

#[test]
fn every_metric_threshold_keeps_what_mlxtend_would() {
    // Filtering by metric m at t keeps exactly the rules (of all rules) whose m reaches t.
    let sets = frequent_itemsets(&baskets(), MIN_SUPPORT, None).unwrap();
    let all = salespulse::itemsets::rules(&sets, Metric::Support, 0.0).unwrap();
    assert_eq!(all.len(), 592 * 2 + 9 * 6);
    for m in Metric::ALL {
        let mut values: Vec<f64> = all.iter().map(|r| r.metrics.get(m)).collect();
        values.sort_by(f64::total_cmp);
        let threshold = values[values.len() / 2];
        let kept = salespulse::itemsets::rules(&sets, m, threshold).unwrap();
        let want = values.iter().filter(|&&v| v >= threshold).count();
        assert_eq!(kept.len(), want, "{m}");
    }
}

#[test]
fn rules_from_the_itemsets_table_handed_back() {
    // What the bindings do: the itemsets leave as a table and come back for the rules.
    let sets = frequent_itemsets(&baskets(), MIN_SUPPORT, None).unwrap();
    let back = FrequentItemsets::from_frame(&sets.to_frame()).unwrap();
    assert_eq!(
        association_rules(&back, Metric::Confidence, MIN_CONFIDENCE).unwrap(),
        association_rules(&sets, Metric::Confidence, MIN_CONFIDENCE).unwrap()
    );
}

#[test]
fn max_len_two_is_the_short_itemsets() {
    let b = baskets();
    let two = frequent_itemsets(&b, MIN_SUPPORT, Some(2)).unwrap();
    assert_eq!(two.len(), 750 - 9);
}
