//! The CDNOW file as the engine reads it, shared by the integration tests.
//!
//! CDNOW (`CDNOW_master.txt`: customer_id, date as YYYYMMDD, number_of_cds, dollar_value;
//! whitespace separated, CRLF) has no order or product columns: each row becomes its own order
//! (the row number) of the one product "CD".

use salespulse::ingest::csv::CsvTable;
use salespulse::ingest::{CsvOptions, Delimiter};
use salespulse::table::Column;
use salespulse::{Config, Engine, IngestOptions, IngestReport};

/// Where the file is (CI has shared/ beside the clone).
pub const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/cdnow/CDNOW_master.txt"
);

/// The file's bytes, or a panic saying where it is expected.
pub fn file_bytes() -> Vec<u8> {
    std::fs::read(PATH).unwrap_or_else(|e| {
        panic!(
            "the CDNOW data file is required at {PATH} (shared/data/cdnow/CDNOW_master.txt): {e}"
        )
    })
}

/// Ingests CDNOW-format bytes through `CsvTable` plus two generated columns: order_id (the data
/// row) and product_id ("CD"); the report's rows are the file's.
pub fn ingest(bytes: &[u8]) -> (Engine, IngestReport) {
    let csv = CsvOptions::default().with_delimiter(Delimiter::Whitespace);
    let table = CsvTable::from_bytes(bytes, &csv).unwrap();
    let orders: Vec<i64> = table.source_rows.iter().map(|&r| r as i64).collect();
    let products = vec!["CD"; orders.len()];
    let mut batch = table.batch();
    batch.push("order_id", Column::Int(&orders));
    batch.push("product_id", Column::Text(&products));
    let options = IngestOptions::default()
        .map("quantity", "number_of_cds")
        .map("net_amount", "dollar_value");
    let mut engine = Engine::new(Config::default()).unwrap();
    let report = engine.ingest_orders(&batch, &options).unwrap();
    (engine, table.restore_rows(report))
}
