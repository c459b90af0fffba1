//! The real-time feed on a large synthetic distributor: `advance` day by day over one simulated
//! year against a full rescan per day, and the per-order update latency.
//!
//! The engine holds the first year of orders; the second year arrives day by day, as an ERP
//! would send it. Each day: the day's lines are ingested and `advance(day)` runs (the timed
//! part). A full rescan (`signal_list(day)` plus the key diff the old `advance` did) is timed
//! on every `RESCAN_EVERY`-th day (environment variable, default 28) of the same run and
//! extrapolated to the year. On
//! `LATENCY_DAYS` days mid-year the lines come one order at a time instead: each order is
//! ingested and read into the feed (`update_feed`), and the time of both is recorded per order.
//!
//! With `LATENCY_ONLY=1` only the per-order latency is measured: the orders up to mid-year are
//! ingested at once, the feed is built there (its first advance), and only the `LATENCY_DAYS`
//! days run (each day's orders one at a time, then `advance`); no daily loop before them, no
//! rescan, no year table. The feed then starts from one build instead of half a year of
//! advances (its priors fitted at the build, not at the last weekly refit), which is what
//! makes a 100,000-customer latency run fit a session.
//!
//! With `LATENCY_DUMP=PATH` each order's feed update time is also written to `PATH` (one line
//! per order, in nanoseconds), for `scripts/latency_median.py`, which reads several runs' dumps
//! and reports the latency of each order's median run: on a shared machine the other
//! processes' interference lands on different orders in each run, and the median filters it
//! out.
//!
//! Each order's feed update is also timed on the thread's CPU clock (Unix): that clock leaves
//! out the time the machine ran something else, and on a virtual machine the time the
//! hypervisor ran other guests where the guest is told of it as steal. Beside the wall-clock
//! row it says whether a slow run's extra time was taken away from the thread or spent in it
//! (on the machine of BENCHMARKS.md the two moved together).
//!
//! Run: `SPLIT=1 RESCAN_EVERY=61 cargo bench -p salespulse --bench realtime [-- CUSTOMERS]` (default
//! 100,000 customers).

use salespulse::detect::{detectors, Scene};
use salespulse::realtime::FeedOptions;
use salespulse::{synth, Config, Day, Engine, OrderLine, SignalKind};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// Days whose orders come one at a time, unless `LATENCY_DAYS` says otherwise (a profile of
/// the per-order path wants more).
const LATENCY_DAYS: i32 = 10;

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    // Days between sampled rescans (each costs a full scan; at 100,000 customers many seconds).
    let rescan_every: i32 =
        std::env::var("RESCAN_EVERY").map_or(28, |v| v.parse().expect("RESCAN_EVERY is a number"));
    let customers: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map_or(100_000, |a| a.parse().expect("CUSTOMERS is a number"));
    let started = Instant::now();
    let data = synth::distributor(customers, 2, 42);
    println!(
        "{customers} customers, {} order lines, generated in {:.1} s",
        data.orders.len(),
        started.elapsed().as_secs_f64()
    );
    // With SPLIT=1 the customer- and team-level detectors are left out of the daily loop and
    // timed on the sampled days instead, then counted once a week (their cadence): at 100,000
    // customers one run of them takes minutes, and a year of them would not fit the session.
    let split = std::env::var("SPLIT").is_ok_and(|v| v == "1");
    let mut engine = Engine::new(Config::default()).unwrap();
    let options = FeedOptions {
        customer_level_every_days: if split { 100_000 } else { 7 },
        ..FeedOptions::default()
    };
    engine.set_feed_options(options).unwrap();
    engine.ingest_rep_rows(&data.reps);
    engine.ingest_product_rows(&data.products);
    engine.ingest_customer_rows(&data.customers);
    engine.ingest_deal_rows(&data.deals);
    let start = Day::from_date(data.start) + 365;
    let latency_from = start + 182;
    let latency_days: i32 = std::env::var("LATENCY_DAYS").map_or(LATENCY_DAYS, |v| {
        v.parse().expect("LATENCY_DAYS is a number")
    });
    let latency_only = std::env::var("LATENCY_ONLY").is_ok_and(|v| v == "1");
    // The days run one by one: the year, or only the latency days.
    let (first_day, end) = if latency_only {
        (latency_from, latency_from + latency_days - 1)
    } else {
        (start, Day::from_date(data.end))
    };
    let mut by_day: BTreeMap<Day, Vec<OrderLine>> = BTreeMap::new();
    let mut before = Vec::new();
    for line in data.orders {
        let day = Day::from_date(line.date);
        if day < first_day {
            before.push(line);
        } else if day <= end {
            by_day.entry(day).or_default().push(line);
        }
    }
    engine.ingest_order_rows(&before);
    drop(before);
    let t = Instant::now();
    engine.advance_list(first_day - 1).unwrap();
    println!(
        "first advance (builds the feed from the whole state): {:.0} ms",
        ms(t.elapsed())
    );

    let mut advance_times: Vec<(Day, Duration)> = Vec::new();
    let mut rescan_times: Vec<Duration> = Vec::new();
    let mut cadence_times: Vec<Duration> = Vec::new();
    let mut per_order: Vec<Duration> = Vec::new();
    let mut per_order_feed: Vec<Duration> = Vec::new();
    let mut per_order_cpu: Vec<Duration> = Vec::new();
    let mut previous_keys: Option<BTreeSet<_>> = None;
    let mut risen_total = 0usize;
    let mut day = first_day;
    while day <= end {
        let lines = by_day.remove(&day).unwrap_or_default();
        if day >= latency_from && day < latency_from + latency_days {
            let mut orders: BTreeMap<&str, Vec<OrderLine>> = BTreeMap::new();
            for line in &lines {
                orders
                    .entry(line.order_id.as_str())
                    .or_default()
                    .push(line.clone());
            }
            for order in orders.values() {
                let t0 = Instant::now();
                engine.ingest_order_rows(order);
                let cpu1 = thread_cpu_time();
                let t1 = Instant::now();
                engine.update_feed(day).unwrap();
                let t2 = Instant::now();
                let cpu2 = thread_cpu_time();
                per_order.push(t2 - t0);
                per_order_feed.push(t2 - t1);
                per_order_cpu.extend(cpu1.zip(cpu2).map(|(a, b)| b.saturating_sub(a)));
            }
        } else {
            engine.ingest_order_rows(&lines);
        }
        let t = Instant::now();
        let risen = engine.advance_list(day).unwrap();
        advance_times.push((day, t.elapsed()));
        risen_total += risen.len();
        if !latency_only && (day - start) % rescan_every == 0 {
            // What advance did before the feed: a full scan, then the key diff.
            let t = Instant::now();
            let keys: BTreeSet<_> = engine
                .signal_list(Some(day))
                .unwrap()
                .iter()
                .map(|s| s.key())
                .collect();
            let new = previous_keys
                .as_ref()
                .map_or(keys.len(), |p| keys.difference(p).count());
            rescan_times.push(t.elapsed());
            previous_keys = Some(keys);
            std::hint::black_box(new);
            if split {
                // What the feed's weekly run does: a scene and the detectors that are not
                // pair-level.
                let t = Instant::now();
                let config = engine.config().clone();
                let scene = Scene::new(engine.state(), &config, day);
                let n: usize = detectors(&config)
                    .iter()
                    .filter(|d| {
                        !matches!(
                            d.kind(),
                            SignalKind::ItemLapsed
                                | SignalKind::VarietyDrop
                                | SignalKind::ItemLapsedAcrossSimilar
                        )
                    })
                    .map(|d| d.detect(&scene).len())
                    .sum();
                std::hint::black_box(n);
                cadence_times.push(t.elapsed());
            }
        }
        if (day - start) % 30 == 29 {
            eprintln!("{day}: {} days advanced", day - start + 1);
        }
        day = day + 1;
    }
    if !latency_only {
        year_report(
            &advance_times,
            &rescan_times,
            &cadence_times,
            start,
            split,
            rescan_every,
        );
        println!("signals risen over the days run: {risen_total}");
    }
    if let Ok(path) = std::env::var("LATENCY_DUMP") {
        dump_per_order(&path, &per_order_feed, &per_order_cpu);
    }
    per_order_report(per_order, per_order_feed, per_order_cpu, latency_days);
    let (watched, timers) = engine_sizes(&engine);
    println!("\nwatched pairs {watched}, timers held {timers}");
}

/// The year table: advance per day against the sampled rescans.
fn year_report(
    advance_times: &[(Day, Duration)],
    rescan_times: &[Duration],
    cadence_times: &[Duration],
    start: Day,
    split: bool,
    rescan_every: i32,
) {
    let days = advance_times.len();
    let weeks = days.div_ceil(7);
    let mut total: Duration = advance_times.iter().map(|(_, d)| *d).sum();
    let mut sorted: Vec<Duration> = advance_times.iter().map(|(_, d)| *d).collect();
    sorted.sort();
    let weekly: Duration = advance_times
        .iter()
        .filter(|(d, _)| (*d - (start - 1)) % 7 == 0)
        .map(|(_, d)| *d)
        .sum();
    let rescan_mean = rescan_times.iter().sum::<Duration>() / rescan_times.len() as u32;
    println!("\n| what | days | time per day | year |");
    println!("| --- | --- | --- | --- |");
    println!(
        "| advance, daily part (dirty customers, timers, products, segment test) | {days} | median {:.1} ms, p99 {:.0} ms, max {:.0} ms | {:.1} s |",
        ms(percentile(&sorted, 0.5)),
        ms(percentile(&sorted, 0.99)),
        ms(*sorted.last().unwrap()),
        total.as_secs_f64()
    );
    println!(
        "| of which the weekly days (prior refit{}) | {weeks} | - | {:.1} s |",
        if split {
            ""
        } else {
            ", customer-level detectors"
        },
        weekly.as_secs_f64()
    );
    if split {
        let cadence_mean = cadence_times.iter().sum::<Duration>() / cadence_times.len() as u32;
        let cadence_year = cadence_mean * weeks as u32;
        println!(
            "| customer- and team-level detectors, weekly (sampled {} times) | {weeks} | mean {:.0} ms per run | {:.1} s extrapolated |",
            cadence_times.len(),
            ms(cadence_mean),
            cadence_year.as_secs_f64()
        );
        total += cadence_year;
    }
    let advance_mean = total / days as u32;
    println!(
        "| **advance, all** | {days} | mean {:.0} ms | {:.1} s |",
        ms(advance_mean),
        total.as_secs_f64()
    );
    println!(
        "| full rescan + key diff (sampled every {rescan_every} days) | {} sampled | mean {:.0} ms | {:.1} s extrapolated to {days} days |",
        rescan_times.len(),
        ms(rescan_mean),
        rescan_mean.as_secs_f64() * days as f64
    );
    println!(
        "\nrescan / advance per day: {:.1}x",
        rescan_mean.as_secs_f64() / advance_mean.as_secs_f64()
    );
}

/// Writes each order's feed update time in nanoseconds, one line per order in the order the
/// orders came, with its thread CPU time after it where the platform gives one: the workload
/// is the same in every run (same seed, same orders), so `scripts/latency_median.py` can take
/// each order's median over several runs.
fn dump_per_order(path: &str, feed: &[Duration], cpu: &[Duration]) {
    let text: String = if cpu.len() == feed.len() {
        feed.iter()
            .zip(cpu)
            .map(|(wall, cpu)| format!("{} {}\n", wall.as_nanos(), cpu.as_nanos()))
            .collect()
    } else {
        feed.iter().map(|d| format!("{}\n", d.as_nanos())).collect()
    };
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
}

/// The CPU time this thread has run, which leaves out the time the machine gave to others
/// (on a virtual machine, also the time the hypervisor gave to other guests, where it is
/// accounted as steal); `None` where the platform keeps no such clock. Read by a system call, so
/// the interval between two readings also holds part of both calls (see the report).
#[cfg(unix)]
fn thread_cpu_time() -> Option<Duration> {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec for the duration of the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    (rc == 0).then(|| Duration::new(t.tv_sec as u64, t.tv_nsec as u32))
}

#[cfg(not(unix))]
fn thread_cpu_time() -> Option<Duration> {
    None
}

/// What two back-to-back readings of [`thread_cpu_time`] measure with nothing between them
/// (their median over 10,001 pairs): the clock's own share of each per-order CPU time.
fn cpu_clock_overhead() -> Option<Duration> {
    let mut gaps: Vec<Duration> = (0..10_001)
        .filter_map(|_| {
            let a = thread_cpu_time()?;
            let b = thread_cpu_time()?;
            Some(b.saturating_sub(a))
        })
        .collect();
    gaps.sort();
    gaps.get(gaps.len() / 2).copied()
}

/// The per-order latency table.
fn per_order_report(
    mut per_order: Vec<Duration>,
    mut per_order_feed: Vec<Duration>,
    mut per_order_cpu: Vec<Duration>,
    latency_days: i32,
) {
    per_order.sort();
    per_order_feed.sort();
    per_order_cpu.sort();
    println!(
        "\nper-order update, {} orders one at a time over {latency_days} days:",
        per_order.len()
    );
    println!("| part | p50 | p99 | max |");
    println!("| --- | --- | --- | --- |");
    let mut rows = vec![
        ("ingest + feed update", &per_order),
        ("feed update alone", &per_order_feed),
    ];
    if !per_order_cpu.is_empty() {
        rows.push(("feed update alone, thread CPU time", &per_order_cpu));
    }
    for (name, v) in rows {
        println!(
            "| {name} | {:.1} us | {:.1} us | {:.0} us |",
            us(percentile(v, 0.5)),
            us(percentile(v, 0.99)),
            us(*v.last().unwrap())
        );
    }
    if let Some(overhead) = cpu_clock_overhead() {
        println!(
            "(thread CPU time: two readings with nothing between them measure {:.2} us)",
            us(overhead)
        );
    }
}

fn engine_sizes(engine: &Engine) -> (usize, usize) {
    engine.feed_sizes()
}
