//! Ingest rules over the public API: every kind of unusable row is rejected with its row,
//! column and reason, and every good row of the same batch survives.

use chrono::NaiveDate;
use salespulse::ingest::{CsvOptions, DateFormat};
use salespulse::table::{Batch, Column};
use salespulse::{Config, DealRow, Engine, IngestOptions, OrderLine, Outcome, RepRow, TableKind};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn engine() -> Engine {
    Engine::new(Config::default()).unwrap()
}

/// One column per field, as text, so that bad values of every kind can be written.
struct TextOrders {
    order_id: Vec<Option<&'static str>>,
    line_no: Vec<Option<&'static str>>,
    customer_id: Vec<Option<&'static str>>,
    product_id: Vec<Option<&'static str>>,
    date: Vec<Option<&'static str>>,
    quantity: Vec<Option<&'static str>>,
    net_amount: Vec<Option<&'static str>>,
    currency: Vec<Option<&'static str>>,
}

impl TextOrders {
    fn from_rows(rows: &[[&'static str; 8]]) -> TextOrders {
        let col = |i: usize| -> Vec<Option<&'static str>> {
            rows.iter()
                .map(|r| (!r[i].is_empty()).then_some(r[i]))
                .collect()
        };
        TextOrders {
            order_id: col(0),
            line_no: col(1),
            customer_id: col(2),
            product_id: col(3),
            date: col(4),
            quantity: col(5),
            net_amount: col(6),
            currency: col(7),
        }
    }

    fn batch(&self) -> Batch<'_> {
        Batch::new()
            .with("order_id", Column::Text(&self.order_id))
            .with("line_no", Column::Text(&self.line_no))
            .with("customer_id", Column::Text(&self.customer_id))
            .with("product_id", Column::Text(&self.product_id))
            .with("date", Column::Text(&self.date))
            .with("quantity", Column::Text(&self.quantity))
            .with("net_amount", Column::Text(&self.net_amount))
            .with("currency", Column::Text(&self.currency))
    }
}

#[test]
fn each_kind_of_bad_order_row_is_rejected_and_every_good_row_survives() {
    // (order, line, customer, product, date, qty, net, currency); "good" rows interleave the bad.
    let rows = [
        ["SO1", "1", "C1", "P1", "2024-01-05", "2", "20", "USD"], // 0 good
        ["", "1", "C1", "P1", "2024-01-05", "2", "20", ""],       // 1 missing order_id
        ["SO2", "1", "  ", "P1", "2024-01-05", "2", "20", ""],    // 2 blank customer_id
        ["SO2", "1", "C1", "", "2024-01-05", "2", "20", ""],      // 3 missing product_id
        ["SO2", "1", "C1", "P1", "2024-02-30", "2", "20", ""],    // 4 impossible date
        ["SO2", "1", "C1", "P1", "1850-01-01", "2", "20", ""],    // 5 absurd date
        ["SO2", "1", "C1", "P1", "2024-01-06", "NaN", "20", ""],  // 6 NaN quantity
        ["SO2", "1", "C1", "P1", "2024-01-06", "2", "inf", ""],   // 7 infinite amount
        ["SO2", "1", "C1", "P1", "2024-01-06", "5e10", "20", ""], // 8 absurd quantity
        ["SO2", "1", "C1", "P1", "2024-01-06", "2", "-20", ""],   // 9 opposite signs
        ["SO2", "1", "C1", "P1", "2024-01-06", "0", "0", ""],     // 10 empty line
        ["SO2", "1.5", "C1", "P1", "2024-01-06", "2", "20", ""],  // 11 fractional line_no
        ["SO2", "1", "C1", "P1", "2024-01-06", "two", "20", ""],  // 12 not a number
        ["SO2", "1", "C1", "P1", "2024-01-06", "2", "20", "EUR"], // 13 second currency
        ["SO1", "2", "C2", "P2", "2024-01-05", "1", "10", ""],    // 14 order of another customer
        ["SO2", "1", "C2", "P2", "2024-01-07", "3", "30", "usd"], // 15 good
        ["SO2", "1", "C2", "P2", "2024-01-07", "3", "30", ""],    // 16 duplicate of 15
        ["SO3", "", "C2", "P1", "2024-01-09", "-1", "-10", ""],   // 17 good return
    ];
    let text = TextOrders::from_rows(&rows);
    let mut e = engine();
    let report = e
        .ingest_orders(&text.batch(), &IngestOptions::default())
        .unwrap();
    let expected = [
        (1, "order_id", "missing"),
        (2, "customer_id", "blank"),
        (3, "product_id", "missing"),
        (4, "date", "not a date"),
        (5, "date", "outside"),
        (6, "quantity", "not a finite number"),
        (7, "net_amount", "not a finite number"),
        (8, "quantity", "not plausible"),
        (9, "net_amount", "opposite signs"),
        (10, "quantity", "both 0"),
        (11, "line_no", "not a line number"),
        (12, "quantity", "not a number"),
        (13, "currency", "EUR differs from USD"),
        (14, "customer_id", "belongs to customer \"C1\""),
    ];
    let got: Vec<(usize, &str, &str)> = report
        .rejected
        .iter()
        .map(|r| (r.row, r.column.as_str(), r.reason.as_str()))
        .collect();
    assert_eq!(got.len(), expected.len(), "{report}");
    for ((row, column, reason), (erow, ecolumn, efragment)) in got.iter().zip(expected) {
        assert_eq!((*row, *column), (erow, ecolumn), "{reason}");
        assert!(
            reason.contains(efragment),
            "row {row}: {reason:?} lacks {efragment:?}"
        );
    }
    assert_eq!((report.accepted, report.duplicates), (3, 1));
    let stats = e.stats();
    assert_eq!((stats.lines, stats.customers >= 2), (3, true));
    let c2 = e.state().customer(e.state().customer_id("C2").unwrap());
    assert_eq!(
        c2.totals.net.to_f64(),
        20.0,
        "the return nets out against the purchase"
    );
    assert_eq!(e.state().currency(), Some("USD"));
}

#[test]
fn a_missing_required_column_is_a_schema_error_naming_it_and_the_mapping_fix() {
    let ids = ["SO1"];
    let batch = Batch::new().with("order_id", Column::Text(&ids));
    let err = engine()
        .ingest_orders(&batch, &IngestOptions::default())
        .unwrap_err();
    let msg = err.to_string();
    assert_eq!(err.code(), "SchemaError");
    assert!(
        msg.contains("\"customer_id\"") && msg.contains("mapping"),
        "{msg}"
    );

    let err = engine()
        .ingest_orders(&batch, &IngestOptions::default().map("custmer_id", "x"))
        .unwrap_err();
    assert!(err.to_string().contains("custmer_id"), "{err}");
}

#[test]
fn columns_are_found_by_mapping_or_by_loose_name() {
    let csv = "Order ID,Customer ID,Product ID,Order Date,Quantity,Sales\n\
               A-1,C1,P1,3/5/2024,2,10.5\n\
               A-2,C1,P1,3/19/2024,1,5.25\n";
    let options = IngestOptions::default()
        .map("date", "Order Date")
        .map("net_amount", "Sales")
        .with_date_format(DateFormat::MonthFirst);
    let mut e = engine();
    let report = e
        .ingest_csv_bytes(
            TableKind::Orders,
            csv.as_bytes(),
            &CsvOptions::default(),
            &options,
        )
        .unwrap();
    assert_eq!(report.accepted, 2, "{report}");
    let c = e.state().customer(e.state().customer_id("C1").unwrap());
    assert_eq!(c.totals.first_day.unwrap().to_string(), "2024-03-05");
    assert_eq!(c.totals.last_day.unwrap().to_string(), "2024-03-19");
}

#[test]
fn csv_rejections_point_at_file_rows_including_ragged_ones() {
    let csv = "order_id,customer_id,product_id,date,quantity,net_amount\n\
               A1,C1,P1,2024-01-01,1,1\n\
               A2,C1,P1\n\
               A3,C1,P1,2024-01-03,x,1\n\
               A4,C1,P1,2024-01-04,1,1\n";
    let mut e = engine();
    let report = e
        .ingest_csv_bytes(
            TableKind::Orders,
            csv.as_bytes(),
            &CsvOptions::default(),
            &IngestOptions::default(),
        )
        .unwrap();
    let rows: Vec<(usize, &str)> = report
        .rejected
        .iter()
        .map(|r| (r.row, r.column.as_str()))
        .collect();
    assert_eq!(rows, [(1, "row"), (2, "quantity")]);
    assert_eq!(report.accepted, 2);
}

#[test]
fn lines_without_line_numbers_are_identified_by_product() {
    let d = date(2024, 1, 1);
    let mut e = engine();
    let r = e.ingest_order_rows(&[
        OrderLine::new("SO1", "C1", "P1", d, 1.0, 1.0),
        OrderLine::new("SO1", "C1", "P2", d, 1.0, 1.0),
        OrderLine::new("SO1", "C1", "P1", d, 1.0, 1.0),
    ]);
    assert_eq!((r.accepted, r.duplicates), (2, 1));
    let mut numbered = OrderLine::new("SO2", "C1", "P1", d, 1.0, 1.0);
    numbered.line_no = Some(1);
    let mut second = numbered.clone();
    second.line_no = Some(2);
    let r = e.ingest_order_rows(&[numbered.clone(), second, numbered]);
    assert_eq!((r.accepted, r.duplicates), (2, 1));
}

#[test]
fn master_and_deal_rows_are_checked_too() {
    let mut e = Engine::new(Config::default().with_stages(["Prospecting", "Proposal"])).unwrap();
    let reps = e.ingest_rep_rows(&[
        RepRow {
            rep_id: "R1".into(),
            manager_id: Some("M1".into()),
            ..RepRow::default()
        },
        RepRow {
            rep_id: "R2".into(),
            manager_id: Some("R2".into()),
            ..RepRow::default()
        },
        RepRow {
            rep_id: "R3".into(),
            locale: Some("fr".into()),
            ..RepRow::default()
        },
        RepRow {
            rep_id: "R4".into(),
            locale: Some("HE".into()),
            ..RepRow::default()
        },
    ]);
    let rows: Vec<(usize, &str)> = reps
        .rejected
        .iter()
        .map(|r| (r.row, r.column.as_str()))
        .collect();
    assert_eq!(rows, [(1, "manager_id"), (2, "locale")]);
    assert_eq!(reps.accepted, 2);

    let deal = |id: &str, stage: &str, d: u32| DealRow {
        deal_id: id.into(),
        customer_id: "C1".into(),
        stage: stage.into(),
        stage_entered: date(2024, 1, d),
        rep_id: Some("R1".into()),
        product_id: None,
        amount: Some(100.0),
        created: Some(date(2024, 1, 1)),
        closed: None,
        outcome: None,
    };
    let mut bad_amount = deal("D3", "Proposal", 3);
    bad_amount.amount = Some(-5.0);
    let mut other_customer = deal("D1", "Proposal", 9);
    other_customer.customer_id = "C2".into();
    let report = e.ingest_deal_rows(&[
        deal("D1", "Prospecting", 1),
        deal("D1", "Proposal", 8),
        deal("D1", "Proposal", 8),
        deal("D2", "Negotiation", 2),
        bad_amount,
        other_customer,
        deal("D1", "Won", 20),
    ]);
    let rows: Vec<(usize, &str)> = report
        .rejected
        .iter()
        .map(|r| (r.row, r.column.as_str()))
        .collect();
    assert_eq!(
        rows,
        [(3, "stage"), (4, "amount"), (5, "customer_id")],
        "{report}"
    );
    assert_eq!((report.accepted, report.duplicates), (3, 1));
    let (_, d1) = e.state().deals().next().unwrap();
    assert_eq!(d1.visits().len(), 3);
    assert_eq!(
        d1.facts.outcome,
        Outcome::Won,
        "a Won stage closes the deal as won"
    );
}

#[test]
fn a_batch_bigger_than_a_staging_chunk_stores_the_same_state_as_small_shuffled_batches() {
    // Accepted lines are stored 131,072 at a time; 400 customers give about 150,000 lines, so
    // the big batch crosses a chunk boundary, and customers' lines fall on both sides of it.
    let data = salespulse::synth::distributor(400, 2, 7);
    assert!(data.orders.len() > 140_000, "{} lines", data.orders.len());
    let mut whole = engine();
    let report = whole.ingest_order_rows(&data.orders);
    assert_eq!(report.accepted, data.orders.len(), "{report}");

    let mut shuffled = data.orders.clone();
    // A fixed permutation: reversed, then interleaved by stride.
    shuffled.reverse();
    let stride = 7;
    let shuffled: Vec<OrderLine> = (0..stride)
        .flat_map(|k| shuffled.iter().skip(k).step_by(stride).cloned())
        .collect();
    let mut parts = engine();
    for batch in shuffled.chunks(9_973) {
        parts.ingest_order_rows(batch);
    }
    assert_eq!(whole.state().canonical(), parts.state().canonical());
    let stored: usize = whole
        .state()
        .customers()
        .flat_map(|(_, c)| c.pairs())
        .map(|h| h.lines().len())
        .sum();
    assert_eq!(stored, data.orders.len(), "every line is in a history");
}
