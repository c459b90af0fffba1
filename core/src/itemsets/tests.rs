//! Tests of mining and rules together: small hand-checked cases, the mlxtend quirks (checked
//! against mlxtend 0.25 by hand: the expected sets below are what it printed), and a property
//! test against brute-force enumeration.

use super::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

/// Itemsets as sorted label lists with their supports.
fn as_map(sets: &FrequentItemsets) -> BTreeMap<Vec<String>, f64> {
    (0..sets.len())
        .map(|i| {
            let labels = sets.itemset(i).into_iter().map(str::to_string).collect();
            (labels, sets.support(i))
        })
        .collect()
}

fn repeat(list: &[&'static str], times: usize) -> Vec<Vec<&'static str>> {
    vec![list.to_vec(); times]
}

fn keys(map: &BTreeMap<Vec<String>, f64>) -> Vec<String> {
    map.keys().map(|k| k.join("+")).collect()
}

#[test]
fn textbook_example_by_hand() {
    // Han & Kamber's nine transactions, min count 2 (support 2/9).
    let baskets = Baskets::from_lists([
        vec!["I1", "I2", "I5"],
        vec!["I2", "I4"],
        vec!["I2", "I3"],
        vec!["I1", "I2", "I4"],
        vec!["I1", "I3"],
        vec!["I2", "I3"],
        vec!["I1", "I3"],
        vec!["I1", "I2", "I3", "I5"],
        vec!["I1", "I2", "I3"],
    ]);
    let sets = frequent_itemsets(&baskets, 2.0 / 9.0, None).unwrap();
    let map = as_map(&sets);
    assert_eq!(map.len(), 13);
    let count = |labels: &[&str]| sets.support_of(labels).map(|s| (s * 9.0).round() as u32);
    assert_eq!(count(&["I1", "I2", "I5"]), Some(2));
    assert_eq!(count(&["I1", "I2", "I3"]), Some(2));
    assert_eq!(count(&["I2"]), Some(7));
    assert_eq!(count(&["I2", "I4"]), Some(2));
    assert_eq!(count(&["I3", "I5"]), None);
    assert_eq!(sets.count(0), Some(7));
    assert_eq!(sets.baskets(), Some(9));
}

#[test]
fn max_len_cuts_longer_itemsets() {
    let baskets = Baskets::from_lists(repeat(&["a", "b", "c", "d"], 3));
    let all = frequent_itemsets(&baskets, 0.5, None).unwrap();
    assert_eq!(all.len(), 15);
    let pairs = frequent_itemsets(&baskets, 0.5, Some(2)).unwrap();
    assert_eq!(pairs.len(), 4 + 6);
    assert_eq!(frequent_itemsets(&baskets, 0.5, Some(1)).unwrap().len(), 4);
    assert_eq!(frequent_itemsets(&baskets, 0.5, Some(9)).unwrap(), all);
}

#[test]
fn max_len_on_a_branching_tree() {
    let mut lists = repeat(&["a", "b", "c"], 3);
    lists.extend(repeat(&["a", "c", "d"], 3));
    lists.extend(repeat(&["b", "d"], 3));
    let baskets = Baskets::from_lists(lists);
    let two = as_map(&frequent_itemsets(&baskets, 0.3, Some(2)).unwrap());
    assert!(two.keys().all(|k| k.len() <= 2));
    let all = as_map(&frequent_itemsets(&baskets, 0.3, None).unwrap());
    let cut: BTreeMap<_, _> = all.into_iter().filter(|(k, _)| k.len() <= 2).collect();
    assert_eq!(two, cut);
}

#[test]
fn empty_input_gives_no_itemsets_and_no_rules() {
    let none = Baskets::from_lists(Vec::<Vec<&str>>::new());
    let sets = frequent_itemsets(&none, 0.5, None).unwrap();
    assert!(sets.is_empty());
    let rules = association_rules(&sets, Metric::Lift, 1.0).unwrap();
    assert!(rules.is_empty());
    let empty_baskets = Baskets::from_lists([Vec::<&str>::new(), vec![]]);
    assert!(frequent_itemsets(&empty_baskets, 0.1, None)
        .unwrap()
        .is_empty());
}

#[test]
fn ties_give_the_same_result_in_any_input_order() {
    let lists = vec![
        vec!["x", "y"],
        vec!["y", "z"],
        vec!["z", "x"],
        vec!["x", "y", "z"],
    ];
    let forward = frequent_itemsets(&Baskets::from_lists(lists.clone()), 0.25, None).unwrap();
    let mut reversed = lists;
    reversed.reverse();
    for l in &mut reversed {
        l.reverse();
    }
    let backward = frequent_itemsets(&Baskets::from_lists(reversed), 0.25, None).unwrap();
    assert_eq!(forward.to_frame(), backward.to_frame());
    // Equal supports are ordered by label.
    let first: Vec<Vec<&str>> = (0..3).map(|i| forward.itemset(i)).collect();
    assert_eq!(first, [vec!["x"], vec!["y"], vec!["z"]]);
}

#[test]
fn mlxtend_prunes_pairs_at_the_ceiling_of_min_support_times_n() {
    // mlxtend 0.25 printed {a}, {b}, {c}, {d} (0.28) and {e} (0.44): no pairs, because
    // ceil(0.28 * 25) = ceil(7.000000000000001) = 8 > 7.
    let mut lists = repeat(&["a", "b"], 7);
    lists.extend(repeat(&["c", "d"], 7));
    lists.extend(repeat(&["e"], 11));
    let map = as_map(&frequent_itemsets(&Baskets::from_lists(lists), 0.28, None).unwrap());
    assert_eq!(keys(&map), ["a", "b", "c", "d", "e"]);
    assert_eq!(map[&vec!["a".to_string()]], 7.0 / 25.0);
}

#[test]
fn mlxtend_keeps_them_when_the_whole_tree_is_one_path() {
    // mlxtend 0.25 printed {a} 1.0, {b} 0.28, {a, b} 0.28.
    let mut lists = repeat(&["a", "b"], 7);
    lists.extend(repeat(&["a"], 18));
    let map = as_map(&frequent_itemsets(&Baskets::from_lists(lists), 0.28, None).unwrap());
    assert_eq!(keys(&map), ["a", "a+b", "b"]);
}

#[test]
fn bad_arguments_say_what_to_do() {
    let b = Baskets::from_lists([vec!["a"]]);
    for bad in [0.0, -0.1, 1.5, f64::NAN] {
        let err = frequent_itemsets(&b, bad, None).unwrap_err();
        assert!(matches!(err, crate::Error::InvalidArgument(ref m) if m.contains("(0, 1]")));
    }
    let err = frequent_itemsets(&b, 0.5, Some(0)).unwrap_err();
    assert!(err.to_string().contains("None for no limit"));
    assert!(frequent_itemsets(&b, 1.0, None).unwrap().len() == 1);
}

#[test]
fn rules_of_a_tiny_case_by_hand() {
    // 5 baskets: bread in 4, butter in 3, both in 3, jam in 2 (always with bread and butter).
    let baskets = Baskets::from_lists([
        vec!["bread", "butter", "jam"],
        vec!["bread", "butter", "jam"],
        vec!["bread", "butter"],
        vec!["bread"],
        vec!["milk"],
    ]);
    let sets = frequent_itemsets(&baskets, 0.4, None).unwrap();
    let rules = association_rules(&sets, Metric::Confidence, 1.0).unwrap();
    let text: Vec<String> = (0..rules.len())
        .map(|r| {
            format!(
                "{} -> {}",
                rules.column("antecedents").unwrap().display(r),
                rules.column("consequents").unwrap().display(r)
            )
        })
        .collect();
    assert_eq!(
        text,
        [
            "butter -> bread",
            "jam -> bread",
            "jam -> butter",
            "bread, jam -> butter",
            "butter, jam -> bread",
            "jam -> bread, butter",
        ]
    );
    let lift = rules.f64_column("lift").unwrap();
    assert_eq!(lift[0], Some(1.0 / 0.8));
    let conviction = rules.f64_column("conviction").unwrap();
    assert!(conviction.iter().all(|c| *c == Some(f64::INFINITY)));
}

#[test]
fn every_metric_filters() {
    let baskets = Baskets::from_lists([vec!["a", "b"], vec!["a"], vec!["b"], vec!["c"]]);
    let sets = frequent_itemsets(&baskets, 0.25, None).unwrap();
    for m in Metric::ALL {
        let all = rules(&sets, m, f64::NEG_INFINITY).unwrap();
        assert_eq!(all.len(), 2, "{m}");
        let kept = rules(&sets, m, all[0].metrics.get(m)).unwrap();
        assert!(kept
            .iter()
            .all(|r| r.metrics.get(m) >= all[0].metrics.get(m)));
    }
}

/// mlxtend's itemsets by enumerating every subset of a small item universe.
fn brute_force(lists: &[Vec<u8>], min_support: f64, max_len: usize) -> BTreeMap<Vec<String>, f64> {
    let n = lists.len();
    let universe: u32 = 8;
    let masks: Vec<u32> = lists
        .iter()
        .map(|l| l.iter().fold(0, |m, &i| m | 1 << i))
        .collect();
    let count = |set: u32| masks.iter().filter(|&&m| m & set == set).count();
    let float_ok = |c: usize| c as f64 / n as f64 >= min_support;
    let ceil = (min_support * n as f64).ceil() as usize;
    // mlxtend's top-level path case: the frequent items of the baskets nest.
    let frequent_items: u32 = (0..universe)
        .filter(|&i| float_ok(count(1 << i)))
        .fold(0, |m, i| m | 1 << i);
    let mut kept: Vec<u32> = masks.iter().map(|m| m & frequent_items).collect();
    kept.sort_by_key(|m| m.count_ones());
    let nested = kept.windows(2).all(|w| w[0] & w[1] == w[0]);
    let mut out = BTreeMap::new();
    for set in 1u32..(1 << universe) {
        let size = set.count_ones() as usize;
        let c = count(set);
        let ok = float_ok(c) && (size == 1 || nested || c >= ceil);
        if ok && size <= max_len {
            let labels = (0..universe)
                .filter(|i| set & (1 << i) != 0)
                .map(|i| format!("i{i}"))
                .collect();
            out.insert(labels, c as f64 / n as f64);
        }
    }
    out
}

fn labelled(lists: &[Vec<u8>]) -> Baskets {
    Baskets::from_lists(lists.iter().map(|l| l.iter().map(|i| format!("i{i}"))))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn fpgrowth_equals_brute_force(
        lists in prop::collection::vec(prop::collection::vec(0u8..8, 0..6), 1..40),
        min_support in prop::sample::select(vec![0.01, 0.05, 0.1, 0.15, 0.2, 0.25, 0.28, 0.3, 0.5, 0.7, 1.0]),
        max_len in prop::option::of(1usize..4),
    ) {
        let sets = frequent_itemsets(&labelled(&lists), min_support, max_len).unwrap();
        let expected = brute_force(&lists, min_support, max_len.unwrap_or(usize::MAX));
        prop_assert_eq!(as_map(&sets), expected);
    }

    #[test]
    fn rules_read_back_from_the_table_are_the_same(
        lists in prop::collection::vec(prop::collection::vec(0u8..6, 0..5), 1..30),
    ) {
        let sets = frequent_itemsets(&labelled(&lists), 0.1, None).unwrap();
        let again = FrequentItemsets::from_frame(&sets.to_frame()).unwrap();
        prop_assert_eq!(
            association_rules(&sets, Metric::Lift, 0.5).unwrap(),
            association_rules(&again, Metric::Lift, 0.5).unwrap()
        );
    }
}

#[test]
fn itemsets_too_long_for_rules_are_refused_with_advice() {
    let labels: Vec<String> = (0..30).map(|i| format!("i{i:02}")).collect();
    let sets = FrequentItemsets::from_rows(&[0.5], &[labels]).unwrap();
    let err = association_rules(&sets, Metric::Confidence, 0.5).unwrap_err();
    assert!(err.to_string().contains("max_len"), "{err}");
}
