//! Ingest throughput and memory per stored line, on 1M synthetic order lines.
//!
//! Three paths into one engine: a columnar batch of ids already interned by the engine (the
//! fastest; what a partition job or a replay uses), a columnar batch of text ids (what Arrow from
//! Python or Node becomes), and typed rows. Each iteration ingests into a fresh engine.
//! Before the timings it prints heap bytes per stored order line, measured by a counting
//! allocator around one ingest (duplicate index, interners and histories included).
//!
//! Run: `cargo bench -p salespulse --bench ingest` (add `-- --quick` for a short run).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use salespulse::table::{Batch, Column};
use salespulse::{synth, Config, Day, Engine, IngestOptions, OrderLine};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const LINES: usize = 1_000_000;

/// The first million lines of a synthetic distributor, sorted by date and order as an ERP export
/// would list them (so consecutive lines belong to different customers).
fn synthetic_lines() -> Vec<OrderLine> {
    let mut customers = 4_000;
    loop {
        let data = synth::distributor(customers, 2, 42);
        if data.orders.len() >= LINES {
            let mut orders = data.orders;
            orders.truncate(LINES);
            orders.sort_by(|a, b| {
                (a.date, &a.order_id, a.line_no).cmp(&(b.date, &b.order_id, b.line_no))
            });
            return orders;
        }
        customers *= 2;
    }
}

/// The lines as columns with text ids.
struct TextColumns {
    order: Vec<String>,
    line_no: Vec<i64>,
    customer: Vec<String>,
    product: Vec<String>,
    day: Vec<i32>,
    quantity: Vec<f64>,
    net: Vec<f64>,
    list: Vec<Option<f64>>,
}

impl TextColumns {
    fn new(lines: &[OrderLine]) -> TextColumns {
        TextColumns {
            order: lines.iter().map(|l| l.order_id.clone()).collect(),
            line_no: lines.iter().map(|l| l.line_no.unwrap_or(0)).collect(),
            customer: lines.iter().map(|l| l.customer_id.clone()).collect(),
            product: lines.iter().map(|l| l.product_id.clone()).collect(),
            day: lines.iter().map(|l| Day::from_date(l.date).0).collect(),
            quantity: lines.iter().map(|l| l.quantity).collect(),
            net: lines.iter().map(|l| l.net_amount).collect(),
            list: lines.iter().map(|l| l.list_amount).collect(),
        }
    }

    fn batch(&self) -> Batch<'_> {
        self.with_ids(
            Column::Text(&self.order),
            Column::Text(&self.customer),
            Column::Text(&self.product),
        )
    }

    fn with_ids<'a>(
        &'a self,
        order: Column<'a>,
        customer: Column<'a>,
        product: Column<'a>,
    ) -> Batch<'a> {
        Batch::new()
            .with("order_id", order)
            .with("line_no", Column::Int(&self.line_no))
            .with("customer_id", customer)
            .with("product_id", product)
            .with("date", Column::Days(&self.day))
            .with("quantity", Column::Float(&self.quantity))
            .with("net_amount", Column::Float(&self.net))
            .with("list_amount", Column::OptFloat(&self.list))
    }
}

/// The same columns with ids interned by `template`, which the timed runs clone.
struct InternedColumns {
    template: Engine,
    order: Vec<u32>,
    customer: Vec<u32>,
    product: Vec<u32>,
}

impl InternedColumns {
    fn new(text: &TextColumns) -> InternedColumns {
        let mut template = Engine::new(Config::default()).unwrap();
        let customer = text
            .customer
            .iter()
            .map(|c| template.intern_customer(c))
            .collect();
        let product = text
            .product
            .iter()
            .map(|p| template.intern_product(p))
            .collect();
        let order = text
            .order
            .iter()
            .map(|o| template.intern_order(o))
            .collect();
        InternedColumns {
            template,
            order,
            customer,
            product,
        }
    }
}

fn report_memory(text: &TextColumns) {
    let before = LIVE.load(Ordering::Relaxed);
    let mut engine = Engine::new(Config::default()).unwrap();
    let report = engine
        .ingest_orders(&text.batch(), &IngestOptions::default())
        .unwrap();
    let after = LIVE.load(Ordering::Relaxed);
    assert_eq!(report.accepted, LINES, "{report}");
    let stats = engine.stats();
    println!(
        "memory: {:.1} heap bytes per stored order line (allocator), {:.1} by the state's own \
         accounting; {} lines, {} pairs, {} orders, {} customers",
        (after - before) as f64 / LINES as f64,
        stats.heap_bytes as f64 / LINES as f64,
        stats.lines,
        stats.pairs,
        stats.orders,
        stats.customers
    );
    drop(engine);
}

fn ingest(c: &mut Criterion) {
    let lines = synthetic_lines();
    let text = TextColumns::new(&lines);
    let interned = InternedColumns::new(&text);
    report_memory(&text);

    let mut group = c.benchmark_group("ingest");
    group.throughput(Throughput::Elements(LINES as u64));
    group.sample_size(10);
    group.bench_function("interned_columns_1M", |b| {
        let batch = text.with_ids(
            Column::Interned(&interned.order),
            Column::Interned(&interned.customer),
            Column::Interned(&interned.product),
        );
        b.iter_batched(
            || interned.template.clone(),
            |mut engine| {
                let report = engine
                    .ingest_orders(&batch, &IngestOptions::default())
                    .unwrap();
                assert_eq!(report.accepted, LINES);
                engine
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("text_columns_1M", |b| {
        let batch = text.batch();
        b.iter_batched(
            || Engine::new(Config::default()).unwrap(),
            |mut engine| {
                let report = engine
                    .ingest_orders(&batch, &IngestOptions::default())
                    .unwrap();
                assert_eq!(report.accepted, LINES);
                engine
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("typed_rows_1M", |b| {
        b.iter_batched(
            || Engine::new(Config::default()).unwrap(),
            |mut engine| {
                let report = engine.ingest_order_rows(&lines);
                assert_eq!(report.accepted, LINES);
                engine
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
