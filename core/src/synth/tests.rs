//! Behaviour tests of the generator, on one small distributor shared by the tests.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use chrono::NaiveDate;

use super::*;
use crate::model::Outcome;

/// 200 customers over 2 years, generated once, with its lines indexed by customer.
struct Fixture {
    synth: Synth,
    d: Distributor,
    lines: HashMap<String, Vec<OrderLine>>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let synth = Synth::new(SynthConfig::new(200, 2, 42));
        let d = synth.generate();
        let mut lines: HashMap<String, Vec<OrderLine>> = HashMap::new();
        for line in &d.orders {
            lines
                .entry(line.customer_id.clone())
                .or_default()
                .push(line.clone());
        }
        Fixture { synth, d, lines }
    })
}

impl Fixture {
    /// The customer's purchase lines (credit notes left out).
    fn bought(&self, customer: &str) -> impl Iterator<Item = &OrderLine> {
        self.lines
            .get(customer)
            .into_iter()
            .flatten()
            .filter(|l| l.quantity > 0.0)
    }

    fn labels(&self, kind: &str) -> Vec<&Label> {
        self.d.labels.iter().filter(|l| l.kind == kind).collect()
    }

    /// The customer's distinct order days in `[from, to)`.
    fn order_days(&self, customer: &str, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        let days: HashSet<NaiveDate> = self
            .bought(customer)
            .map(|l| l.date)
            .filter(|d| (from..to).contains(d))
            .collect();
        let mut days: Vec<NaiveDate> = days.into_iter().collect();
        days.sort();
        days
    }
}

fn customer_of(label: &Label) -> &str {
    label.customer_id.as_deref().expect("a customer label")
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len().max(1) as f64
}

fn gaps(days: &[NaiveDate]) -> Vec<f64> {
    days.windows(2)
        .map(|w| (w[1] - w[0]).num_days() as f64)
        .collect()
}

fn cv(xs: &[f64]) -> f64 {
    let m = mean(xs);
    (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / xs.len() as f64).sqrt() / m
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

#[test]
fn same_seed_gives_same_data_and_another_seed_other_data() {
    let a = distributor(40, 2, 7);
    let b = distributor(40, 2, 7);
    assert_eq!(a.orders, b.orders);
    assert_eq!(a.customers, b.customers);
    assert_eq!(a.reps, b.reps);
    assert_eq!(a.products, b.products);
    assert_eq!(a.deals, b.deals);
    assert_eq!(a.labels, b.labels);
    let c = distributor(40, 2, 8);
    assert_ne!(a.orders, c.orders);
    assert_ne!(a.products, c.products);
}

#[test]
fn any_customer_alone_equals_its_part_of_the_whole() {
    let f = fixture();
    for index in [199, 0, 57, 120] {
        let alone = f.synth.history(index);
        let id = &alone.customer.customer_id;
        assert_eq!(&alone.customer, &f.d.customers[index]);
        assert_eq!(alone.orders, f.lines[id]);
        assert_eq!(f.synth.orders_of(index), f.lines[id]);
        let deals: Vec<&DealRow> = f.d.deals.iter().filter(|r| &r.customer_id == id).collect();
        assert_eq!(alone.deals.iter().collect::<Vec<_>>(), deals);
        assert_eq!(f.synth.deals_of(index), alone.deals);
    }
    assert_eq!(f.synth.customers(), f.d.customers);
    assert_eq!(f.synth.labels(), f.d.labels);
    assert_eq!(f.synth.orders().count(), f.d.orders.len());
}

#[test]
fn every_kind_is_planted_and_labels_point_at_existing_rows() {
    let f = fixture();
    let customers: HashSet<&str> =
        f.d.customers
            .iter()
            .map(|c| c.customer_id.as_str())
            .collect();
    let products: HashSet<&str> = f.d.products.iter().map(|p| p.product_id.as_str()).collect();
    let reps: HashSet<&str> = f.d.reps.iter().map(|r| r.rep_id.as_str()).collect();
    let deals: HashSet<&str> = f.d.deals.iter().map(|r| r.deal_id.as_str()).collect();
    for kind in kind::ALL {
        assert!(!f.labels(kind).is_empty(), "no {kind} label");
    }
    let first_year_end = f.d.start + chrono::Days::new(365);
    for label in &f.d.labels {
        assert!(kind::ALL.contains(&label.kind));
        assert!(
            label
                .customer_id
                .as_deref()
                .is_none_or(|c| customers.contains(c)),
            "{label:?}"
        );
        assert!(
            label
                .product_id
                .as_deref()
                .is_none_or(|p| products.contains(p)),
            "{label:?}"
        );
        assert!(
            label.rep_id.as_deref().is_none_or(|r| reps.contains(r)),
            "{label:?}"
        );
        assert!(
            label.deal_id.as_deref().is_none_or(|d| deals.contains(d)),
            "{label:?}"
        );
        assert!(label.segment.is_some());
        assert!(
            label.start >= first_year_end && label.start <= f.d.end,
            "{label:?}"
        );
    }
}

#[test]
fn churners_buy_before_start_and_never_after() {
    let f = fixture();
    for label in f.labels(kind::CUSTOMER_AT_RISK) {
        let c = customer_of(label);
        assert!(
            f.bought(c).filter(|l| l.date < label.start).count() >= 10,
            "{c} had no history"
        );
        assert!(
            f.lines[c].iter().all(|l| l.date < label.start),
            "{c} bought after {}",
            label.start
        );
    }
}

#[test]
fn a_lapsed_item_stops_while_the_customer_keeps_ordering() {
    let f = fixture();
    for label in f.labels(kind::ITEM_LAPSED) {
        let (c, p) = (customer_of(label), label.product_id.as_deref().unwrap());
        let item: Vec<&OrderLine> = f.lines[c].iter().filter(|l| l.product_id == p).collect();
        assert!(
            item.iter().filter(|l| l.date < label.start).count() >= 3,
            "{c}/{p} was not regular"
        );
        assert!(
            item.iter().all(|l| l.date < label.start),
            "{c}/{p} bought after {}",
            label.start
        );
        let due = label.due.expect("a due day");
        assert!(due >= label.start && due <= f.d.end);
        assert!(
            f.order_days(c, label.start, f.d.end).len() >= 2,
            "{c} stopped ordering"
        );
    }
}

#[test]
fn a_frequency_drop_slows_orders_by_about_the_planted_factor() {
    let f = fixture();
    let mut ratios = Vec::new();
    for label in f.labels(kind::FREQUENCY_DROP) {
        let c = customer_of(label);
        let before = gaps(&f.order_days(c, f.d.start, label.start));
        let after = gaps(&f.order_days(c, label.start, f.d.end + chrono::Days::new(1)));
        assert!(after.len() >= 2, "{c}: too few orders after the drop");
        let ratio = mean(&after) / mean(&before);
        assert!(
            ratio > 1.3,
            "{c}: intervals x{ratio:.2} for a planted x{:.2}",
            label.effect.unwrap()
        );
        ratios.push(ratio / label.effect.unwrap());
    }
    let typical = median(ratios);
    assert!(
        (0.75..1.35).contains(&typical),
        "observed / planted = {typical:.2}"
    );
}

#[test]
fn a_variety_drop_stops_the_planted_share_of_items_and_keeps_the_rest() {
    let f = fixture();
    let seasonal: HashSet<&str> = f
        .synth
        .world
        .catalogue
        .products
        .iter()
        .filter(|p| p.season.is_some())
        .map(|p| p.id.as_str())
        .collect();
    for label in f.labels(kind::VARIETY_DROP) {
        let c = customer_of(label);
        let mut days: BTreeMap<&str, Vec<NaiveDate>> = BTreeMap::new();
        for line in f
            .bought(c)
            .filter(|l| l.date < label.start && !seasonal.contains(l.product_id.as_str()))
        {
            days.entry(line.product_id.as_str())
                .or_default()
                .push(line.date);
        }
        let after: HashSet<&str> = f
            .bought(c)
            .filter(|l| l.date >= label.start)
            .map(|l| l.product_id.as_str())
            .collect();
        // Regular items that would have been bought after the start had nothing changed.
        let left = (f.d.end - label.start).num_days() as f64;
        let expected: Vec<&str> = days
            .iter()
            .filter(|(_, d)| d.len() >= 4 && mean(&gaps(d)) * 1.5 < left)
            .map(|(p, _)| *p)
            .collect();
        let stopped =
            expected.iter().filter(|p| !after.contains(*p)).count() as f64 / expected.len() as f64;
        let planted = label.effect.unwrap();
        assert!(
            stopped >= planted - 0.1,
            "{c}: {stopped:.2} of items stopped, planted {planted:.2}"
        );
        assert!(stopped < 1.0, "{c}: everything stopped");
    }
}

#[test]
fn a_substitution_moves_spend_to_another_item_of_the_family() {
    let f = fixture();
    let labels = f.labels(kind::ITEM_LAPSED_ACROSS_SIMILAR);
    let market: Vec<&&Label> = labels.iter().filter(|l| l.customer_id.is_none()).collect();
    assert!(!market.is_empty());
    let mut ratios = Vec::new();
    for label in labels.iter().filter(|l| l.customer_id.is_some()) {
        let (c, p) = (customer_of(label), label.product_id.as_deref().unwrap());
        let event = market
            .iter()
            .find(|m| m.product_id == label.product_id && m.segment == label.segment)
            .expect("its market label");
        assert!(
            (label.start - event.start).num_days() <= 21,
            "{c} switched late"
        );
        assert!(f
            .bought(c)
            .all(|l| l.product_id != p || l.date < label.start));
        // Spend per day over the half year before and everything after the switch.
        let spend = |from: NaiveDate, to: NaiveDate| {
            let sum: f64 = f
                .bought(c)
                .filter(|l| (from..to).contains(&l.date))
                .map(|l| l.net_amount)
                .sum();
            sum / (to - from).num_days() as f64
        };
        let after = spend(label.start, f.d.end + chrono::Days::new(1));
        let before = spend(label.start - chrono::Days::new(182), label.start);
        ratios.push(after / before);
    }
    assert!(!ratios.is_empty());
    assert!(ratios.iter().all(|r| (0.5..2.0).contains(r)), "{ratios:?}");
    let typical = median(ratios);
    assert!(
        (0.75..1.33).contains(&typical),
        "spend after / before = {typical:.2}"
    );
}

#[test]
fn seasonal_items_sell_only_in_their_window_and_skips_are_seen() {
    let f = fixture();
    let catalogue = &f.synth.world.catalogue;
    let season_of = |id: &str| {
        catalogue
            .products
            .iter()
            .find(|p| p.id == id)
            .and_then(|p| p.season.as_ref())
    };
    let mut sold = 0;
    for line in f.d.orders.iter().filter(|l| l.quantity > 0.0) {
        if let Some(season) = season_of(&line.product_id) {
            assert!(
                season
                    .year_of(crate::day::Day::from_date(line.date))
                    .is_some(),
                "{line:?} off season"
            );
            sold += 1;
        }
    }
    assert!(sold > 100, "only {sold} seasonal lines");
    for label in f.labels(kind::SEASONAL_DUE) {
        let (c, p) = (customer_of(label), label.product_id.as_deref().unwrap());
        let season = season_of(p).unwrap();
        let start = crate::day::Day::from_date(label.start);
        let year = season.year_of(start).expect("start opens a season");
        let (last_first, last_after) = season.window(year - 1);
        let (first, after) = season.window(year);
        let bought_in = |a: crate::day::Day, b: crate::day::Day| {
            f.bought(c)
                .filter(|l| l.product_id == p && (a.to_date()..b.to_date()).contains(&l.date))
                .count()
        };
        assert!(
            bought_in(last_first, last_after) >= 1,
            "{c} did not buy {p} last season"
        );
        assert_eq!(
            bought_in(first, after),
            0,
            "{c} bought {p} in the skipped season"
        );
        let due = label.due.expect("a due day");
        assert!(due >= first.to_date() && due < after.to_date());
    }
}

#[test]
fn discount_creep_raises_its_segment_by_the_planted_amount_only() {
    let f = fixture();
    let label = f.labels(kind::DISCOUNT_SPIKE)[0];
    let full = label.start + chrono::Days::new(28);
    // Each customer against itself, so customers coming and going do not move the means.
    let mut rises: HashMap<&str, Vec<f64>> = HashMap::new();
    for customer in &f.d.customers {
        let discounts = |keep: &dyn Fn(NaiveDate) -> bool| {
            let xs: Vec<f64> = f
                .bought(&customer.customer_id)
                .filter(|l| keep(l.date))
                .map(|l| 1.0 - l.net_amount / l.list_amount.unwrap())
                .collect();
            (xs.len() >= 5).then(|| mean(&xs))
        };
        if let (Some(before), Some(after)) =
            (discounts(&|d| d < label.start), discounts(&|d| d >= full))
        {
            rises
                .entry(customer.segment.as_deref().unwrap())
                .or_default()
                .push(after - before);
        }
    }
    for (segment, rise) in rises {
        let planted = if Some(segment) == label.segment.as_deref() {
            label.effect.unwrap()
        } else {
            0.0
        };
        let rise = mean(&rise);
        assert!(
            (rise - planted).abs() < 0.004,
            "{segment}: rise {rise:.4}, planted {planted:.4}"
        );
    }
}

#[test]
fn deals_move_forward_and_stalled_deals_sit_far_past_normal_dwell() {
    let f = fixture();
    let mut deals: BTreeMap<&str, Vec<&DealRow>> = BTreeMap::new();
    for row in &f.d.deals {
        deals.entry(row.deal_id.as_str()).or_default().push(row);
    }
    // Natural dwell per stage, from deals that left the stage.
    let mut dwell: HashMap<&str, Vec<f64>> = HashMap::new();
    for rows in deals.values() {
        assert!(
            rows.windows(2)
                .all(|w| w[0].stage_entered < w[1].stage_entered),
            "{rows:?}"
        );
        assert!(rows[..rows.len() - 1]
            .iter()
            .all(|r| r.closed.is_none() && r.outcome == Some(Outcome::Open)));
        let last = rows.last().unwrap();
        let closed = [CLOSED_WON, CLOSED_LOST].contains(&last.stage.as_str());
        assert_eq!(closed, last.closed.is_some());
        assert_eq!(rows[0].stage, "Prospecting");
        for w in rows.windows(2) {
            dwell
                .entry(w[0].stage.as_str())
                .or_default()
                .push((w[1].stage_entered - w[0].stage_entered).num_days() as f64);
        }
    }
    let stalled = f.labels(kind::DEAL_STALLED);
    for label in stalled {
        let rows = &deals[label.deal_id.as_deref().unwrap()];
        let last = rows.last().unwrap();
        assert_eq!(last.outcome, Some(Outcome::Open));
        let p90 = {
            let mut xs = dwell[last.stage.as_str()].clone();
            xs.sort_by(f64::total_cmp);
            xs[xs.len() * 9 / 10]
        };
        let age = (f.d.end - last.stage_entered).num_days() as f64;
        assert!(
            age >= 2.0 * p90,
            "{}: {age} days in {} (p90 {p90})",
            last.deal_id,
            last.stage
        );
        assert!(label.start > last.stage_entered && label.start <= f.d.end);
    }
    let open = deals
        .values()
        .filter(|rows| rows.last().unwrap().closed.is_none())
        .count();
    assert!(
        open * 4 < deals.len() && open > 0,
        "{open} of {} deals open",
        deals.len()
    );
}

#[test]
fn line_numbers_run_from_one_within_each_order() {
    let f = fixture();
    let mut orders: HashMap<&str, Vec<i64>> = HashMap::new();
    for line in &f.d.orders {
        orders
            .entry(line.order_id.as_str())
            .or_default()
            .push(line.line_no.unwrap());
    }
    for (order, mut numbers) in orders {
        numbers.sort_unstable();
        assert!(
            numbers.iter().enumerate().all(|(i, &n)| n == i as i64 + 1),
            "{order}: {numbers:?}"
        );
    }
}

#[test]
fn regular_items_are_bought_like_clockwork() {
    let f = fixture();
    let labelled: HashSet<&str> =
        f.d.labels
            .iter()
            .filter_map(|l| l.customer_id.as_deref())
            .collect();
    let seasonal: HashSet<&str> = f
        .synth
        .world
        .catalogue
        .products
        .iter()
        .filter(|p| p.season.is_some())
        .map(|p| p.id.as_str())
        .collect();
    let mut cvs = Vec::new();
    for customer in
        f.d.customers
            .iter()
            .filter(|c| c.segment.as_deref() != Some("Education"))
    {
        let c = customer.customer_id.as_str();
        if labelled.contains(c) {
            continue;
        }
        let mut days: HashMap<&str, Vec<NaiveDate>> = HashMap::new();
        for line in f
            .bought(c)
            .filter(|l| !seasonal.contains(l.product_id.as_str()))
        {
            days.entry(line.product_id.as_str())
                .or_default()
                .push(line.date);
        }
        cvs.extend(days.values().filter(|d| d.len() >= 8).map(|d| cv(&gaps(d))));
    }
    assert!(cvs.len() > 500, "{} regular pairs", cvs.len());
    let low = cvs.iter().filter(|&&x| x < 0.5).count() as f64 / cvs.len() as f64;
    let typical = median(cvs);
    assert!(low > 0.9, "only {low:.2} of pairs have a CV under 0.5");
    assert!(typical < 0.35, "median CV {typical:.2}");
}

#[test]
fn the_history_has_plausible_volumes_returns_and_newcomers() {
    let f = fixture();
    let per_customer_year = f.d.orders.len() as f64 / 200.0 / 2.0;
    assert!(
        (100.0..400.0).contains(&per_customer_year),
        "{per_customer_year} lines per customer-year"
    );
    let returns =
        f.d.orders.iter().filter(|l| l.quantity < 0.0).count() as f64 / f.d.orders.len() as f64;
    assert!((0.003..0.02).contains(&returns), "return share {returns}");
    assert!(f
        .d
        .orders
        .iter()
        .all(|l| l.date >= f.d.start && l.date <= f.d.end));
    assert!(f
        .d
        .orders
        .iter()
        .all(|l| (l.net_amount > 0.0) == (l.quantity > 0.0)));
    let late = f
        .lines
        .values()
        .filter(|lines| lines[0].date > f.d.start + chrono::Days::new(60))
        .count();
    assert!((10..60).contains(&late), "{late} customers start late");
    let reps = f.d.reps.iter().filter(|r| r.manager_id.is_some()).count();
    assert_eq!(reps, 3);
    assert_eq!(f.d.reps.len(), 4);
}

#[test]
fn without_rates_nothing_is_planted() {
    let d = SynthConfig::new(30, 1, 3)
        .with_rates(EventRates::none())
        .generate();
    assert!(d.labels.is_empty());
    assert!(!d.orders.is_empty());
}

#[test]
fn one_year_histories_still_plant_their_events_in_the_last_part() {
    let d = distributor(100, 1, 5);
    let first = d.start + chrono::Days::new(200);
    assert!(d
        .labels
        .iter()
        .all(|l| l.start >= first && l.start <= d.end));
    assert!(d.labels.iter().any(|l| l.kind == kind::CUSTOMER_AT_RISK));
}

#[test]
fn tiny_distributors_are_well_formed() {
    for customers in [0, 1, 5] {
        let d = distributor(customers, 1, 9);
        assert_eq!(d.customers.len(), customers);
        assert!(d.reps.len() >= 2, "a manager and a rep");
        let ids: HashSet<&str> = d.customers.iter().map(|c| c.customer_id.as_str()).collect();
        assert!(d
            .labels
            .iter()
            .all(|l| l.customer_id.as_deref().is_none_or(|c| ids.contains(c))));
        assert_eq!(customers == 0, d.labels.is_empty());
    }
}

#[test]
fn the_generator_can_be_shared_across_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Synth>();
    let synth = Synth::new(SynthConfig::new(20, 1, 4));
    let from_thread = std::thread::scope(|s| s.spawn(|| synth.orders_of(3)).join().unwrap());
    assert_eq!(from_thread, synth.orders_of(3));
}
