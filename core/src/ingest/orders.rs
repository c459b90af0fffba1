//! Order lines: the rules of a usable line, and how it lands in the state.
//!
//! Owns: reading an order row from a [`Batch`] or an [`OrderLine`], checking it (see the rules in
//! [`crate::ingest`]), the duplicate check, and storing it. Both input paths meet in
//! [`OrderCells`], so the rules exist once.

use super::order_columns::OrderColumns;
use super::{id_cell, resolve, DateReader, IdCell, IngestReport, Schema};
use crate::config::Config;
use crate::day::Day;
use crate::error::Result;
use crate::ids::{CustomerId, OrderId, ProductId, RepId};
use crate::model::OrderLine;
use crate::state::{AcceptedLine, LineKey, StagedLines, State, MAX_LINE_NO};
use crate::table::{Batch, Mapping};
use std::borrow::Cow;

pub(crate) const ORDERS: Schema = Schema {
    table: "orders",
    required: &[
        "order_id",
        "customer_id",
        "product_id",
        "date",
        "quantity",
        "net_amount",
    ],
    optional: &["line_no", "list_amount", "rep_id", "currency"],
};

/// Units above this on one line are taken for a data error.
const MAX_QUANTITY: f64 = 1e9;
/// Amounts above this on one line are taken for a data error.
const MAX_AMOUNT: f64 = 1e12;

/// One order row, read but not yet checked.
pub(crate) struct OrderCells<'a> {
    pub order: IdCell<'a>,
    pub line_no: Option<f64>,
    pub customer: IdCell<'a>,
    pub product: IdCell<'a>,
    pub day: Day,
    pub quantity: f64,
    pub net: f64,
    pub list: Option<f64>,
    pub rep: Option<IdCell<'a>>,
    pub currency: Option<Cow<'a, str>>,
}

/// The column a row is rejected for, and why.
pub(crate) type RowError = (&'static str, String);

enum Landed {
    New,
    Duplicate,
}

/// Ingests a batch of order lines.
pub(crate) fn ingest_orders(
    state: &mut State,
    config: &Config,
    batch: &Batch<'_>,
    mapping: Option<&Mapping>,
    reader: &DateReader,
) -> Result<IngestReport> {
    let cols = resolve(&ORDERS, batch, mapping)?;
    let required = [0, 1, 2, 3, 4, 5].map(|i| cols[i].expect("required columns are resolved"));
    let columns = OrderColumns::new(required, [6, 7, 8, 9].map(|i| cols[i]));
    let mut landing = Landing::default();
    for row in 0..batch.len() {
        landing.land(state, config, columns.read(row, reader), row);
    }
    Ok(landing.finish(state))
}

/// Ingests typed order lines.
pub(crate) fn ingest_order_rows(
    state: &mut State,
    config: &Config,
    lines: &[OrderLine],
    reader: &DateReader,
) -> IngestReport {
    let mut landing = Landing::default();
    for (row, line) in lines.iter().enumerate() {
        let cells = (|| -> Result<OrderCells<'_>, RowError> {
            Ok(OrderCells {
                order: text_id("order_id", &line.order_id)?,
                customer: text_id("customer_id", &line.customer_id)?,
                product: text_id("product_id", &line.product_id)?,
                day: reader.date(line.date).map_err(|e| ("date", e))?,
                quantity: line.quantity,
                net: line.net_amount,
                line_no: line.line_no.map(|n| n as f64),
                list: line.list_amount,
                rep: match &line.rep_id {
                    Some(r) if !r.trim().is_empty() => Some(text_id("rep_id", r)?),
                    _ => None,
                },
                currency: line.currency.as_deref().map(Cow::Borrowed),
            })
        })();
        landing.land(state, config, cells, row);
    }
    landing.finish(state)
}

fn text_id<'a>(name: &'static str, text: &'a str) -> Result<IdCell<'a>, RowError> {
    id_cell(crate::table::Cell::Text(text)).map_err(|e| (name, e))
}

/// One ingest call's progress: the report, the staged lines and the recent ids.
#[derive(Default)]
struct Landing {
    report: IngestReport,
    staged: StagedLines,
    recent: RecentIds,
}

impl Landing {
    /// Checks a read row and takes it, or records why not.
    fn land(
        &mut self,
        state: &mut State,
        config: &Config,
        cells: Result<OrderCells<'_>, RowError>,
        row: usize,
    ) {
        let (staged, recent) = (&mut self.staged, &mut self.recent);
        let landed = match &cells {
            Ok(c) => check(c).and_then(|line_no| take(state, config, c, line_no, staged, recent)),
            Err((column, reason)) => Err((*column, reason.clone())),
        };
        match landed {
            Ok(Landed::New) => self.report.accepted += 1,
            Ok(Landed::Duplicate) => self.report.duplicates += 1,
            Err((column, reason)) => self.report.reject(row, column, reason),
        }
    }

    /// Stores what is staged and returns the report.
    fn finish(mut self, state: &mut State) -> IngestReport {
        self.staged.store(state);
        self.report
    }
}

/// The line number as a key part, after the value checks.
fn check(c: &OrderCells<'_>) -> Result<Option<u32>, RowError> {
    for (name, value) in [
        ("quantity", Some(c.quantity)),
        ("net_amount", Some(c.net)),
        ("list_amount", c.list),
    ] {
        if let Some(v) = value.filter(|v| !v.is_finite()) {
            return Err((name, format!("{v} is not a finite number")));
        }
    }
    if c.quantity.abs() > MAX_QUANTITY {
        return Err((
            "quantity",
            format!(
                "{} units on one line is not plausible (limit 1e9)",
                c.quantity
            ),
        ));
    }
    for (name, value) in [("net_amount", Some(c.net)), ("list_amount", c.list)] {
        if let Some(v) = value.filter(|v| v.abs() > MAX_AMOUNT) {
            return Err((
                name,
                format!("{v} on one line is not plausible (limit 1e12)"),
            ));
        }
    }
    if c.quantity * c.net < 0.0 {
        return Err((
            "net_amount",
            format!(
                "quantity {} and net_amount {} have opposite signs; a return has both negative",
                c.quantity, c.net
            ),
        ));
    }
    if let Some(list) = c.list.filter(|l| l * c.quantity < 0.0) {
        return Err((
            "list_amount",
            format!(
                "list_amount {list} has the opposite sign of quantity {}",
                c.quantity
            ),
        ));
    }
    if c.quantity == 0.0 && c.net == 0.0 {
        return Err((
            "quantity",
            "empty line: quantity and net_amount are both 0".into(),
        ));
    }
    match c.line_no {
        None => Ok(None),
        // The range check first: a whole number in range survives the round trip through u32.
        Some(n) if (0.0..=MAX_LINE_NO as f64).contains(&n) && f64::from(n as u32) == n => {
            Ok(Some(n as u32))
        }
        Some(n) => Err((
            "line_no",
            format!("{n} is not a line number (a whole number from 0 to 2147483647)"),
        )),
    }
}

/// The text ids of the previous line and what they interned to. Consecutive lines of an ERP
/// export mostly share their order and customer, and comparing two short strings is cheaper
/// than hashing one into the interner.
#[derive(Default)]
struct RecentIds {
    order: (String, Option<OrderId>),
    customer: (String, Option<CustomerId>),
}

impl RecentIds {
    fn order(&mut self, state: &mut State, text: &str) -> OrderId {
        match self.order {
            (ref last, Some(id)) if last == text => id,
            _ => {
                let id = state.order_slot(text);
                remember(&mut self.order, text, id);
                id
            }
        }
    }

    fn customer(&mut self, state: &mut State, text: &str) -> CustomerId {
        match self.customer {
            (ref last, Some(id)) if last == text => id,
            _ => {
                let id = state.intern_customer(text);
                remember(&mut self.customer, text, id);
                id
            }
        }
    }
}

fn remember<T>(slot: &mut (String, Option<T>), text: &str, id: T) {
    slot.0.clear();
    slot.0.push_str(text);
    slot.1 = Some(id);
}

/// Claims the line's order and key, and stages the line when it is new.
fn take(
    state: &mut State,
    config: &Config,
    c: &OrderCells<'_>,
    line_no: Option<u32>,
    staged: &mut StagedLines,
    recent: &mut RecentIds,
) -> Result<Landed, RowError> {
    check_currency(state, config, c.currency.as_deref())?;
    let customer = match &c.customer {
        IdCell::Text(t) => recent.customer(state, t),
        interned => customer_of(state, interned)?,
    };
    let product = product_of(state, &c.product)?;
    let rep = c.rep.as_ref().map(|r| rep_of(state, r)).transpose()?;
    let order = match &c.order {
        IdCell::Text(t) => recent.order(state, t),
        IdCell::Interned(id) => {
            check_interned(&state.order_ids, *id, "order_id")?;
            OrderId(*id)
        }
    };
    let (owner, new_order) = state.claim_order(order, customer, c.day);
    if owner != customer {
        return Err((
            "customer_id",
            format!(
                "order {:?} belongs to customer {:?}; this line names {:?}",
                state.order_text(order),
                state.customer_text(owner),
                state.customer_text(customer)
            ),
        ));
    }
    let key = line_no.map_or(LineKey::Product(product), LineKey::Number);
    if !state.line_keys.insert(order, key) {
        return Ok(Landed::Duplicate);
    }
    staged.push(
        state,
        AcceptedLine {
            customer,
            product,
            rep,
            day: c.day,
            quantity: c.quantity,
            net: c.net,
            list: c.list,
            new_order,
        },
    );
    Ok(Landed::New)
}

fn check_currency(
    state: &mut State,
    config: &Config,
    currency: Option<&str>,
) -> Result<(), RowError> {
    let Some(code) = currency.map(|c| c.trim().to_ascii_uppercase()) else {
        return Ok(());
    };
    let expected = config.currency.as_deref().or(state.currency.as_deref());
    match expected {
        Some(e) if e != code => Err((
            "currency",
            format!("{code} differs from {e}, the currency of this engine; convert amounts first or use one engine per currency"),
        )),
        Some(_) => Ok(()),
        None => {
            state.currency = Some(code);
            Ok(())
        }
    }
}

fn check_interned(
    ids: &crate::ids::Interner,
    id: u32,
    column: &'static str,
) -> Result<(), RowError> {
    if (id as usize) < ids.len() {
        Ok(())
    } else {
        Err((
            column,
            format!("interned id {id} was not handed out by this engine"),
        ))
    }
}

fn customer_of(state: &mut State, cell: &IdCell<'_>) -> Result<CustomerId, RowError> {
    match cell {
        IdCell::Text(t) => Ok(state.intern_customer(t)),
        IdCell::Interned(id) => {
            check_interned(&state.customer_ids, *id, "customer_id").map(|_| CustomerId(*id))
        }
    }
}

fn product_of(state: &mut State, cell: &IdCell<'_>) -> Result<ProductId, RowError> {
    match cell {
        IdCell::Text(t) => Ok(state.intern_product(t)),
        IdCell::Interned(id) => {
            check_interned(&state.product_ids, *id, "product_id").map(|_| ProductId(*id))
        }
    }
}

fn rep_of(state: &mut State, cell: &IdCell<'_>) -> Result<RepId, RowError> {
    match cell {
        IdCell::Text(t) => Ok(state.intern_rep(t)),
        IdCell::Interned(id) => check_interned(&state.rep_ids, *id, "rep_id").map(|_| RepId(*id)),
    }
}
