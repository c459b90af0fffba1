//! The columns of an orders batch, each matched to its role once per batch.
//!
//! Owns: [`OrderColumns`], which reads one row of a resolved orders batch into
//! [`OrderCells`]. A column holds one kind of cell from its first row to its last, so the kind is
//! decided here once, not once per cell: the kinds a fast producer hands over (interned ids, day
//! numbers, floats, integers) are read with a slice index, and every other kind goes through the
//! generic cell readers of [`crate::ingest`], which own the coercion rules and their messages.
//!
//! Must not: check values beyond what a cell reader checks (that is `orders::check`), or touch
//! the state.

use super::orders::{OrderCells, RowError};
use super::{
    day_cell, finite_number, id_cell, number_cell, opt_id_cell, optional, plausible_day, present,
    text_cell, DateReader, IdCell,
};
use crate::day::Day;
use crate::table::Column;

/// An id column: interned ids by index, anything else cell by cell.
#[derive(Clone, Copy)]
enum Ids<'a> {
    Interned(&'a [u32]),
    Cells(Column<'a>),
}

impl<'a> Ids<'a> {
    fn new(column: Column<'a>) -> Ids<'a> {
        match column {
            Column::Interned(ids) => Ids::Interned(ids),
            other => Ids::Cells(other),
        }
    }

    #[inline(always)]
    fn read(self, row: usize) -> Result<Option<IdCell<'a>>, String> {
        match self {
            Ids::Interned(ids) => Ok(Some(IdCell::Interned(ids[row]))),
            Ids::Cells(column) => id_cell(column.cell(row)).map(Some),
        }
    }
}

/// A date column: day numbers by index, anything else through the date reader.
#[derive(Clone, Copy)]
enum Days<'a> {
    Numbers(&'a [i32]),
    Cells(Column<'a>),
}

impl<'a> Days<'a> {
    fn new(column: Column<'a>) -> Days<'a> {
        match column {
            Column::Days(days) => Days::Numbers(days),
            other => Days::Cells(other),
        }
    }

    #[inline(always)]
    fn read(self, row: usize, reader: &DateReader) -> Result<Option<Day>, String> {
        match self {
            Days::Numbers(days) => plausible_day(Day(days[row])).map(Some),
            Days::Cells(column) => day_cell(column.cell(row), reader),
        }
    }
}

/// A number column: floats and integers by index, anything else cell by cell.
#[derive(Clone, Copy)]
enum Numbers<'a> {
    Float(&'a [f64]),
    OptFloat(&'a [Option<f64>]),
    Int(&'a [i64]),
    Cells(Column<'a>),
}

impl<'a> Numbers<'a> {
    fn new(column: Column<'a>) -> Numbers<'a> {
        match column {
            Column::Float(xs) => Numbers::Float(xs),
            Column::OptFloat(xs) => Numbers::OptFloat(xs),
            Column::Int(ns) => Numbers::Int(ns),
            other => Numbers::Cells(other),
        }
    }

    #[inline(always)]
    fn read(self, row: usize) -> Result<Option<f64>, String> {
        match self {
            Numbers::Float(xs) => finite_number(xs[row]).map(Some),
            Numbers::OptFloat(xs) => xs[row].map(finite_number).transpose(),
            Numbers::Int(ns) => Ok(Some(ns[row] as f64)),
            Numbers::Cells(column) => number_cell(column.cell(row)),
        }
    }
}

/// The resolved columns of an orders batch, by role.
pub(crate) struct OrderColumns<'a> {
    order: Ids<'a>,
    customer: Ids<'a>,
    product: Ids<'a>,
    date: Days<'a>,
    quantity: Numbers<'a>,
    net: Numbers<'a>,
    line_no: Option<Numbers<'a>>,
    list: Option<Numbers<'a>>,
    rep: Option<Column<'a>>,
    currency: Option<Column<'a>>,
}

impl<'a> OrderColumns<'a> {
    /// The columns in the order of [`super::orders::ORDERS`]: the six required ones, then
    /// line_no, list_amount, rep_id and currency (each `None` when absent).
    pub fn new(
        [order, customer, product, date, quantity, net]: [Column<'a>; 6],
        [line_no, list, rep, currency]: [Option<Column<'a>>; 4],
    ) -> OrderColumns<'a> {
        OrderColumns {
            order: Ids::new(order),
            customer: Ids::new(customer),
            product: Ids::new(product),
            date: Days::new(date),
            quantity: Numbers::new(quantity),
            net: Numbers::new(net),
            line_no: line_no.map(Numbers::new),
            list: list.map(Numbers::new),
            rep,
            currency,
        }
    }

    /// Row `row`, read but not checked; the error names the first unreadable column.
    #[inline(always)]
    pub fn read(&self, row: usize, reader: &DateReader) -> Result<OrderCells<'a>, RowError> {
        Ok(OrderCells {
            order: present("order_id", self.order.read(row))?,
            customer: present("customer_id", self.customer.read(row))?,
            product: present("product_id", self.product.read(row))?,
            day: present("date", self.date.read(row, reader))?,
            quantity: present("quantity", self.quantity.read(row))?,
            net: present("net_amount", self.net.read(row))?,
            line_no: maybe("line_no", self.line_no.map(|c| c.read(row)))?,
            list: maybe("list_amount", self.list.map(|c| c.read(row)))?,
            rep: optional(self.rep, row, "rep_id", opt_id_cell)?,
            currency: optional(self.currency, row, "currency", text_cell)?,
        })
    }
}

/// An optional column's value (`None` when the column or the cell is absent).
#[inline]
fn maybe<T>(
    name: &'static str,
    read: Option<Result<Option<T>, String>>,
) -> Result<Option<T>, RowError> {
    read.transpose().map(Option::flatten).map_err(|e| (name, e))
}

#[cfg(test)]
mod tests {
    use super::super::orders::ORDERS;
    use crate::table::{Batch, Cell, CellColumn, Column};
    use crate::{Config, Engine, IngestOptions};

    /// Any column, cell by cell: the generic path every other kind takes.
    struct Cells(Vec<Cell<'static>>);

    impl CellColumn for Cells {
        fn len(&self) -> usize {
            self.0.len()
        }
        fn cell(&self, row: usize) -> Cell<'_> {
            self.0[row]
        }
    }

    fn cells<T: Copy>(values: &[T], cell: impl Fn(T) -> Cell<'static>) -> Cells {
        Cells(values.iter().map(|&v| cell(v)).collect())
    }

    #[test]
    fn primitive_columns_read_exactly_as_the_generic_cells() {
        let mut template = Engine::new(Config::default()).unwrap();
        let order: Vec<u32> = ["A", "A", "B", "C", "D", "E", "F", "F"]
            .map(|o| template.intern_order(o))
            .to_vec();
        let customer = vec![template.intern_customer("C1"); 8];
        let product: Vec<u32> = ["P1", "P2", "P1", "P1", "P2", "P1", "P1", "P2"]
            .map(|p| template.intern_product(p))
            .to_vec();
        // Row 2: a day before 1900; 3: NaN quantity; 4: infinite net; 5: a negative line
        // number; 7: line 1 of order F again, a duplicate of row 6.
        let day = [
            20_000, 20_001, -30_000, 20_002, 20_003, 20_004, 20_005, 20_005,
        ];
        let quantity = [1.0, 2.0, 1.0, f64::NAN, 1.0, 1.0, 3.0, 3.0];
        let net = [10.0, 20.0, 10.0, 10.0, f64::INFINITY, 10.0, 30.0, 30.0];
        let list = [
            Some(12.0),
            None,
            None,
            None,
            None,
            None,
            Some(31.0),
            Some(31.0),
        ];
        let line_no = [1_i64, 2, 1, 1, 1, -1, 1, 1];

        let primitive = Batch::new()
            .with("order_id", Column::Interned(&order))
            .with("customer_id", Column::Interned(&customer))
            .with("product_id", Column::Interned(&product))
            .with("date", Column::Days(&day))
            .with("quantity", Column::Float(&quantity))
            .with("net_amount", Column::Float(&net))
            .with("list_amount", Column::OptFloat(&list))
            .with("line_no", Column::Int(&line_no));
        // In the order of the schema: the required columns, then line_no and list_amount.
        let generic_columns = [
            cells(&order, Cell::Interned),
            cells(&customer, Cell::Interned),
            cells(&product, Cell::Interned),
            cells(&day, |d| Cell::Day(crate::Day(d))),
            cells(&quantity, Cell::Float),
            cells(&net, Cell::Float),
            cells(&line_no, Cell::Int),
            cells(&list, |l| l.map_or(Cell::Null, Cell::Float)),
        ];
        let names = ORDERS.required.iter().chain(&ORDERS.optional[..2]);
        let generic = names
            .zip(&generic_columns)
            .fold(Batch::new(), |b, (name, c)| b.with(*name, Column::Cells(c)));

        let ingest = |batch: &Batch<'_>| {
            let mut engine = template.clone();
            let report = engine
                .ingest_orders(batch, &IngestOptions::default())
                .unwrap();
            (report, engine.snapshot())
        };
        let (fast, fast_state) = ingest(&primitive);
        let (slow, slow_state) = ingest(&generic);
        assert_eq!(fast, slow);
        assert_eq!(fast_state, slow_state);
        assert_eq!((fast.accepted, fast.duplicates), (3, 1), "{fast}");
        let rejected: Vec<(usize, &str)> = fast
            .rejected
            .iter()
            .map(|r| (r.row, r.column.as_str()))
            .collect();
        assert_eq!(
            rejected,
            [
                (2, "date"),
                (3, "quantity"),
                (4, "net_amount"),
                (5, "line_no")
            ]
        );
    }
}
