//! Frequent itemsets and rules on the groceries baskets: time and memory as JSON on stdout, for
//! `benches/itemsets_vs_mlxtend.py`.
//!
//! `cargo run --release -p salespulse --example itemsets_timing [GROCERIES_CSV] [MIN_SUPPORT]`
//!
//! The file is read into memory first as three columns (the input, like mlxtend's DataFrame);
//! then, measured from that baseline: baskets from the table (member and date columns name the
//! basket: `Baskets::from_batch`, the path the bindings take), FP-growth, and the association
//! rules (confidence >= 0.1) as a table. Memory is reported two ways: the peak
//! heap above the baseline (a counting allocator) and the peak resident set above the baseline
//! (Linux `VmHWM` after resetting it through `/proc/self/clear_refs`, minus `VmRSS` then).

use salespulse::itemsets::{association_rules, frequent_itemsets, BasketColumns, Baskets, Metric};
use salespulse::table::{Batch, Column};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            if new_size >= layout.size() {
                // Counted as if the block moved (old and new both live for a moment), which
                // over-states growth in place: the peak errs on our side's cost.
                let before = LIVE.load(Ordering::Relaxed);
                PEAK.fetch_max(before + new_size, Ordering::Relaxed);
                LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The groceries file as columns.
struct Table {
    member: Vec<i64>,
    date: Vec<String>,
    item: Vec<String>,
}

fn read_table(path: &str) -> Table {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut t = Table {
        member: vec![],
        date: vec![],
        item: vec![],
    };
    for r in reader.records() {
        let r = r.expect("a CSV row");
        t.member.push(r[0].parse().expect("Member_number"));
        t.date.push(r[1].to_string());
        t.item.push(r[2].to_string());
    }
    t
}

fn baskets_of(t: &Table) -> Baskets {
    let batch = Batch::new()
        .with("Member_number", Column::Int(&t.member))
        .with("Date", Column::Text(&t.date))
        .with("itemDescription", Column::Text(&t.item));
    let columns = BasketColumns {
        basket: vec!["Member_number".into(), "Date".into()],
        item: "itemDescription".into(),
    };
    Baskets::from_batch(&[batch], &columns).expect("baskets")
}

/// Baskets, itemsets and the rules table; returns (baskets, itemsets, rules).
fn pipeline(t: &Table, min_support: f64) -> (usize, usize, usize) {
    let baskets = baskets_of(t);
    let sets = frequent_itemsets(&baskets, min_support, None).expect("itemsets");
    let rules = association_rules(&sets, Metric::Confidence, 0.1).expect("rules");
    (baskets.len(), sets.len(), rules.len())
}

/// [`pipeline`] with the heap peak of each stage (above the baseline, so what was still held
/// from earlier stages counts): the peak of the whole job is the largest of them.
fn staged_pipeline(t: &Table, min_support: f64, base: usize) -> (usize, usize, usize, [usize; 3]) {
    let stage = || {
        let peak = PEAK.swap(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
        peak.saturating_sub(base)
    };
    stage();
    let baskets = baskets_of(t);
    let read = stage();
    let sets = frequent_itemsets(&baskets, min_support, None).expect("itemsets");
    let mine = stage();
    let rules = association_rules(&sets, Metric::Confidence, 0.1).expect("rules");
    let rule_peak = stage();
    let whole = [read, mine, rule_peak].into_iter().max().unwrap_or(0);
    PEAK.fetch_max(base + whole, Ordering::Relaxed);
    (
        baskets.len(),
        sets.len(),
        rules.len(),
        [read, mine, rule_peak],
    )
}

/// `VmRSS` or `VmHWM` of this process in bytes (0 where /proc is not there).
fn status_bytes(field: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Resets the peak resident set to the current one; false where the kernel does not allow it.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

fn main() {
    let default = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/groceries-kaggle/Groceries_dataset.csv"
    );
    let path = std::env::args().nth(1).unwrap_or_else(|| default.into());
    let min_support: f64 = std::env::args()
        .nth(2)
        .map_or(0.001, |s| s.parse().expect("MIN_SUPPORT"));
    let rows = read_table(&path);

    // Memory first, on a process that has done nothing else since reading.
    let heap_base = LIVE.load(Ordering::Relaxed);
    PEAK.store(heap_base, Ordering::Relaxed);
    let rss_reset = reset_peak_rss();
    let rss_base = status_bytes("VmRSS:");
    let (baskets, itemsets, rules, stages) = staged_pipeline(&rows, min_support, heap_base);
    let rss_peak = status_bytes("VmHWM:");
    let heap_peak = PEAK.load(Ordering::Relaxed) - heap_base;

    let total_ms = median_ms(21, || {
        pipeline(&rows, min_support);
    });
    let baskets_value = baskets_of(&rows);
    let basket_ms = median_ms(21, || {
        baskets_of(&rows);
    });
    let mine_ms = median_ms(21, || {
        let sets = frequent_itemsets(&baskets_value, min_support, None).expect("itemsets");
        association_rules(&sets, Metric::Confidence, 0.1).expect("rules");
    });
    println!(
        "{{\"rows\": {}, \"baskets\": {baskets}, \"itemsets\": {itemsets}, \"rules\": {rules}, \
         \"total_ms\": {total_ms:.3}, \"baskets_ms\": {basket_ms:.3}, \"mine_and_rules_ms\": {mine_ms:.3}, \
         \"heap_peak_bytes\": {heap_peak}, \
         \"heap_peak_by_stage_bytes\": {{\"baskets\": {}, \"itemsets\": {}, \"rules\": {}}}, \
         \"rss_peak_above_base_bytes\": {}, \"rss_reset\": {rss_reset}}}",
        rows.item.len(),
        stages[0],
        stages[1],
        stages[2],
        rss_peak.saturating_sub(rss_base)
    );
}
