//! How well the weekly brief points at real problems, on the synthetic distributor whose planted
//! events are known.
//!
//! For the brief on the last day of the history it reports, per rep:
//! - **precision@k**: the share of the rep's tasks whose customer has a planted event that has
//!   started (is active) on that day, against **chance** (the share of the rep's customers with
//!   one);
//! - **value captured**: the true value of the events the tasks point at, over what an oracle
//!   that knows the labels would capture with the same number of tasks per rep (its k most
//!   valuable labelled customers). Target: >= 0.7.
//!
//! The true value of an event is what it costs over the horizon (90 days), from the data as
//! generated, not from any signal: the customer's (or the item's) daily net revenue over the 180
//! days before the event's start x 90 x the share the event takes away (all of it for a lost
//! customer or item, 1 - 1/factor for a frequency drop, the planted share for a variety drop);
//! a seasonal item's last-season revenue; a stalled deal's amount x the overall win rate. A
//! customer's value is the sum over its active events; a skipped season counts while its
//! window can still be open (started within the last 84 days). A second oracle picks only among
//! customers with at least one signal: the brief against it measures the ranker alone, the
//! first one the detectors and the ranker together. The "largest customers" line is a
//! baseline list: each rep's k customers with the most revenue in the last 90 days.
//!
//! Run: `cargo run --release -p salespulse --example brief_quality [-- CUSTOMERS [SEED]]`
//! (`BRIEF_QUALITY_FLAT=1`: one P(acting works) for every kind; `BRIEF_QUALITY_MISSES=1`: list
//! the oracle's customers the brief missed, with their signals).

use chrono::NaiveDate;
use salespulse::synth::{self, kind, Label};
use salespulse::{Config, Day};
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

const HORIZON: f64 = 90.0;
const BEFORE_DAYS: i64 = 180;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let customers: usize = args.next().map_or(Ok(10_000), |a| a.parse())?;
    let seed: u64 = args.next().map_or(Ok(42), |a| a.parse())?;
    let data = synth::distributor(customers, 2, seed);
    // BRIEF_QUALITY_FLAT=1 ranks by money at stake x probability x urgency alone (one P(acting
    // works) for every kind), to show what the per-kind defaults trade away on this measure.
    let mut config = Config::default();
    if std::env::var_os("BRIEF_QUALITY_FLAT").is_some() {
        config.rank.acting_works_by_kind.clear();
    }
    let engine = salespulse::evaluate::engine_with(&data, config)?;
    let as_of = Day::from_date(data.end);
    let started = Instant::now();
    let brief = engine.weekly_brief(as_of, None)?;
    let took = started.elapsed().as_secs_f64();
    let k = engine.config().tasks_per_rep;
    let signals = engine.signal_list(Some(as_of))?;
    let typical = salespulse::rank::typical_urgency(&engine.config().rank, &signals);

    // Daily revenue lookups from the generated orders.
    let mut lines: HashMap<&str, Vec<(NaiveDate, &str, f64)>> = HashMap::new();
    for o in &data.orders {
        lines.entry(o.customer_id.as_str()).or_default().push((
            o.date,
            o.product_id.as_str(),
            o.net_amount,
        ));
    }
    let revenue = |customer: &str, product: Option<&str>, from: NaiveDate, to: NaiveDate| -> f64 {
        lines.get(customer).map_or(0.0, |ls| {
            ls.iter()
                .filter(|(d, p, _)| *d >= from && *d < to && product.is_none_or(|x| x == *p))
                .map(|(_, _, n)| n)
                .sum()
        })
    };
    let (won, closed) = data
        .deals
        .iter()
        .fold((0usize, 0usize), |(w, c), d| match d.outcome {
            Some(salespulse::Outcome::Won) => (w + 1, c + 1),
            Some(salespulse::Outcome::Lost) => (w, c + 1),
            _ => (w, c),
        });
    let win_rate = won as f64 / closed.max(1) as f64;
    let deal_amount: HashMap<&str, f64> = data
        .deals
        .iter()
        .filter_map(|d| Some((d.deal_id.as_str(), d.amount?)))
        .collect();
    let value_of = |l: &Label| -> f64 {
        let c = l.customer_id.as_deref().expect("customer label");
        let from = l.start - chrono::Duration::days(BEFORE_DAYS);
        let daily = |p: Option<&str>| revenue(c, p, from, l.start) / BEFORE_DAYS as f64;
        match l.kind {
            kind::CUSTOMER_AT_RISK => daily(None) * HORIZON,
            kind::FREQUENCY_DROP => daily(None) * HORIZON * (1.0 - 1.0 / l.effect.unwrap_or(2.0)),
            kind::VARIETY_DROP => daily(None) * HORIZON * l.effect.unwrap_or(0.4),
            kind::SEASONAL_DUE => {
                let p = l.product_id.as_deref();
                revenue(c, p, l.start - chrono::Duration::days(365), l.start)
            }
            kind::DEAL_STALLED => {
                l.deal_id
                    .as_deref()
                    .and_then(|d| deal_amount.get(d))
                    .copied()
                    .unwrap_or(0.0)
                    * win_rate
            }
            _ => daily(l.product_id.as_deref()) * HORIZON,
        }
    };
    let mut truth: HashMap<&str, f64> = HashMap::new();
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    // A skipped season is over (nothing left to act on) once its window has passed: seasons
    // last at most 12 weeks.
    let active = |l: &&Label| {
        l.customer_id.is_some()
            && l.start <= data.end
            && (l.kind != kind::SEASONAL_DUE || (data.end - l.start).num_days() <= 84)
    };
    let signalled: std::collections::HashSet<String> = signals
        .iter()
        .filter_map(|s| Some(engine.state().customer_text(s.customer?).to_string()))
        .collect();
    for l in data.labels.iter().filter(active) {
        *truth.entry(l.customer_id.as_deref().unwrap()).or_default() += value_of(l);
        *by_kind.entry(l.kind).or_default() += 1;
    }
    let rep_of: HashMap<&str, &str> = data
        .customers
        .iter()
        .filter_map(|c| Some((c.customer_id.as_str(), c.rep_id.as_deref()?)))
        .collect();
    let mut book: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (c, r) in &rep_of {
        book.entry(r).or_default().push(c);
    }
    let recent_from = data.end - chrono::Duration::days(90);
    let end_excl = data.end + chrono::Duration::days(1);

    let mut precisions = Vec::new();
    let mut chances = Vec::new();
    let (mut captured, mut oracle, mut largest, mut reachable) = (0.0, 0.0, 0.0, 0.0);
    let mut by_action: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (rep, tasks) in brief.by_rep() {
        let hits = tasks
            .iter()
            .filter(|t| truth.contains_key(t.customer_id.as_str()))
            .count();
        precisions.push(hits as f64 / tasks.len() as f64);
        for t in &tasks {
            let e = by_action
                .entry(t.signals.first().cloned().unwrap_or("(offer)".into()))
                .or_default();
            e.0 += 1;
            e.1 += usize::from(truth.contains_key(t.customer_id.as_str()));
        }
        captured += tasks
            .iter()
            .map(|t| truth.get(t.customer_id.as_str()).copied().unwrap_or(0.0))
            .sum::<f64>();
        let mine = book.get(rep).cloned().unwrap_or_default();
        chances.push(
            mine.iter().filter(|c| truth.contains_key(*c)).count() as f64
                / mine.len().max(1) as f64,
        );
        let mut values: Vec<(f64, &str)> = mine
            .iter()
            .filter_map(|c| Some((truth.get(c).copied()?, *c)))
            .collect();
        values.sort_by(|a, b| b.0.total_cmp(&a.0));
        oracle += values.iter().take(k).map(|v| v.0).sum::<f64>();
        reachable += values
            .iter()
            .filter(|v| signalled.contains(v.1))
            .take(k)
            .map(|v| v.0)
            .sum::<f64>();
        if std::env::var_os("BRIEF_QUALITY_MISSES").is_some() {
            for (v, c) in values.iter().take(k) {
                if !tasks.iter().any(|t| t.customer_id == *c) {
                    let kinds: Vec<&str> = data
                        .labels
                        .iter()
                        .filter(|l| l.customer_id.as_deref() == Some(*c))
                        .map(|l| l.kind)
                        .collect();
                    let seen: Vec<String> = signals
                        .iter()
                        .filter(|s| {
                            s.customer
                                .is_some_and(|x| engine.state().customer_text(x) == *c)
                        })
                        .map(|s| {
                            format!(
                                "{} {:.0}",
                                s.kind,
                                salespulse::rank::signal_value(&engine.config().rank, s, typical)
                            )
                        })
                        .collect();
                    let last = tasks.last().map_or(0.0, |t| t.value);
                    println!("  miss {rep} {c} true {v:.0} {kinds:?} signals {seen:?} (last task {last:.0})");
                }
            }
        }
        let mut big: Vec<(f64, &str)> = mine
            .iter()
            .map(|c| (revenue(c, None, recent_from, end_excl), *c))
            .collect();
        big.sort_by(|a, b| b.0.total_cmp(&a.0));
        largest += big
            .iter()
            .take(k)
            .map(|(_, c)| truth.get(c).copied().unwrap_or(0.0))
            .sum::<f64>();
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let mut sorted = precisions.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "synthetic distributor: {customers} customers, seed {seed}, as of {as_of}; brief made in {took:.2} s"
    );
    println!(
        "{} reps, {} tasks ({k} per rep), {} digests; active labelled customers: {} ({:?})",
        precisions.len(),
        brief.tasks.len(),
        brief.digests.len(),
        truth.len(),
        by_kind
    );
    println!(
        "precision@{k} per rep: mean {:.3}, median {:.3}, min {:.3}, max {:.3}; chance (labelled share of a rep's customers): mean {:.3}",
        mean(&precisions),
        sorted[sorted.len() / 2],
        sorted[0],
        sorted[sorted.len() - 1],
        mean(&chances)
    );
    println!(
        "value captured vs the oracle: {:.3} (brief {:.0}, oracle {:.0}); largest-customers baseline: {:.3}",
        captured / oracle,
        captured,
        oracle,
        largest / oracle
    );
    println!(
        "value captured vs an oracle limited to customers with any signal (the ranker's share of the job): {:.3}",
        captured / reachable
    );
    println!("tasks by strongest signal (tasks, on a labelled customer):");
    for (kind, (n, hit)) in &by_action {
        println!("  {kind:<28} {n:>5} {hit:>5}");
    }
    Ok(())
}
