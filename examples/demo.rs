//! The main job on bundled data: a synthetic wholesale distributor (10,000 customers, two years,
//! seed 42) is generated, ingested table by table, and its KPIs are printed overall and by
//! segment, then the signals active on the last day, most money at stake first, then this week's
//! brief for one rep and one manager (Markdown). The full brief is written as HTML in English and
//! Hebrew to `target/brief/brief.en.html` and `target/brief/brief.he.html` (or the directory in
//! `SALESPULSE_BRIEF_DIR`). Nothing is downloaded.
//!
//! Run: `cargo run --release -p salespulse --example demo [-- CUSTOMERS]`

use salespulse::{synth, Config, Day, Engine, GroupBy, IngestReport};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let customers: usize = match std::env::args().nth(1) {
        Some(n) => n
            .parse()
            .map_err(|_| format!("CUSTOMERS must be a whole number, not {n:?}"))?,
        None => 10_000,
    };
    let started = Instant::now();
    let data = synth::distributor(customers, 2, 42);
    println!(
        "synthetic distributor: {} customers, {} products, {} reps, {} order lines, {} deal rows, \
         {} planted events, {} .. {} (generated in {:.1} s)",
        data.customers.len(),
        data.products.len(),
        data.reps.len(),
        data.orders.len(),
        data.deals.len(),
        data.labels.len(),
        data.start,
        data.end,
        started.elapsed().as_secs_f64()
    );

    let mut engine = Engine::new(Config::default())?;
    let started = Instant::now();
    show("reps", engine.ingest_rep_rows(&data.reps));
    show("products", engine.ingest_product_rows(&data.products));
    show("customers", engine.ingest_customer_rows(&data.customers));
    show("orders", engine.ingest_order_rows(&data.orders));
    show("deals", engine.ingest_deal_rows(&data.deals));
    let stats = engine.stats();
    println!(
        "ingested in {:.2} s: {} lines in {} customer x product histories, {:.1} bytes per stored line",
        started.elapsed().as_secs_f64(),
        stats.lines,
        stats.pairs,
        stats.heap_bytes as f64 / stats.lines.max(1) as f64
    );

    let as_of = Day::from_date(data.end);
    println!(
        "\nKPIs as of {as_of} (window: the last {} days)",
        engine.config().thresholds.active_window_days
    );
    println!("{}", engine.kpis(as_of, None)?);
    println!("KPIs by segment");
    println!("{}", engine.kpis(as_of, Some(GroupBy::Segment))?);

    let signals = engine.signal_list(Some(as_of))?;
    let top = &signals[..signals.len().min(10)];
    println!(
        "{} signals active as of {as_of}; the {} with the most at stake:",
        signals.len(),
        top.len()
    );
    for s in top {
        println!(
            "  {:<17} {:<8} rep {:<5} {:>10.0} at stake, p {:.2}: {}",
            s.kind.name(),
            s.customer.map_or("-", |c| engine.state().customer_text(c)),
            s.rep.map_or("-", |r| engine.state().rep_text(r)),
            s.value_at_stake,
            s.probability,
            s.evidence
        );
    }

    let started = Instant::now();
    let brief = engine.weekly_brief(as_of, None)?;
    println!(
        "\nweekly brief as of {as_of}: {} tasks for {} reps, {} manager digests (made in {:.1} s)",
        brief.tasks.len(),
        brief.by_rep().len(),
        brief.digests.len(),
        started.elapsed().as_secs_f64()
    );
    if let Some(task) = brief.tasks.first() {
        println!("\n{}", brief.for_rep(&task.rep_id)?.to_markdown("en")?);
    }
    if let Some(digest) = brief.digests.first() {
        println!("{}", brief.for_rep(&digest.manager_id)?.to_markdown("en")?);
    }
    let dir = std::env::var_os("SALESPULSE_BRIEF_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("target/brief"));
    std::fs::create_dir_all(&dir)?;
    for locale in ["en", "he"] {
        let path = dir.join(format!("brief.{locale}.html"));
        std::fs::write(&path, brief.to_html(locale)?)?;
        println!("the full brief in HTML ({locale}): {}", path.display());
    }
    Ok(())
}

fn show(table: &str, report: IngestReport) {
    println!("  {table:<9} {report}");
}
