//! Master data: customers, reps, products.
//!
//! Owns: the rules of usable master rows and their upsert into the state. Master data is "last
//! write wins" per field: a later row with a value replaces the earlier value; a missing value
//! leaves it as it was.

use super::{
    id_cell, number_cell, opt_id_cell, optional, required, resolve, text_cell, IdCell,
    IngestReport, Schema,
};
use crate::error::Result;
use crate::ids::Interner;
use crate::ids::LabelId;
use crate::model::{CustomerRow, ProductRow, RepRow};
use crate::state::State;
use crate::table::{Batch, Cell, Mapping};

pub(crate) const CUSTOMERS: Schema = Schema {
    table: "customers",
    required: &["customer_id"],
    optional: &["rep_id", "segment", "region", "name"],
};

pub(crate) const REPS: Schema = Schema {
    table: "reps",
    required: &["rep_id"],
    optional: &["manager_id", "name", "email", "locale"],
};

pub(crate) const PRODUCTS: Schema = Schema {
    table: "products",
    required: &["product_id"],
    optional: &["family", "list_price", "name"],
};

/// Languages the brief is written in.
pub const LOCALES: [&str; 2] = ["en", "he"];

type RowError = (&'static str, String);

fn text_of(cell: &IdCell<'_>, ids: &Interner) -> String {
    match cell {
        IdCell::Text(t) => t.to_string(),
        IdCell::Interned(id) if (*id as usize) < ids.len() => ids.resolve(*id).to_string(),
        IdCell::Interned(id) => format!("#{id}"),
    }
}

fn label(vocabulary: &mut Interner, text: Option<String>) -> Option<LabelId> {
    text.map(|t| LabelId(vocabulary.intern(&t)))
}

fn collect<T>(
    rows: usize,
    mut read: impl FnMut(usize) -> Result<T, RowError>,
) -> (Vec<T>, IngestReport) {
    let mut report = IngestReport::default();
    let mut good = Vec::new();
    for row in 0..rows {
        match read(row) {
            Ok(v) => good.push(v),
            Err((column, reason)) => report.reject(row, column, reason),
        }
    }
    report.accepted = good.len();
    (good, report)
}

/// Upserts the rows read from a batch and reports rejections at the batch's row indexes.
fn upsert_read<R>(
    state: &mut State,
    read: Vec<(usize, R)>,
    mut report: IngestReport,
    upsert: fn(&mut State, &[R]) -> IngestReport,
) -> IngestReport {
    let (rows_idx, rows): (Vec<usize>, Vec<R>) = read.into_iter().unzip();
    let typed = upsert(state, &rows);
    report.accepted = typed.accepted;
    for mut r in typed.rejected {
        r.row = rows_idx[r.row];
        report.rejected.push(r);
    }
    report.rejected.sort_by_key(|r| r.row);
    report
}

fn owned_text(cell: Cell<'_>) -> Result<Option<String>, String> {
    text_cell(cell).map(|t| t.map(|t| t.into_owned()))
}

/// Ingests customers from a batch.
pub(crate) fn ingest_customers(
    state: &mut State,
    batch: &Batch<'_>,
    mapping: Option<&Mapping>,
) -> Result<IngestReport> {
    let cols = resolve(&CUSTOMERS, batch, mapping)?;
    let (rows, report) = collect(batch.len(), |row| {
        let id = required(cols[0].expect("required"), row, "customer_id", |c| {
            id_cell(c).map(Some)
        })?;
        let rep = optional(cols[1], row, "rep_id", opt_id_cell)?;
        Ok((
            row,
            CustomerRow {
                customer_id: text_of(&id, &state.customer_ids),
                rep_id: rep.map(|r| text_of(&r, &state.rep_ids)),
                segment: optional(cols[2], row, "segment", owned_text)?,
                region: optional(cols[3], row, "region", owned_text)?,
                name: optional(cols[4], row, "name", owned_text)?,
            },
        ))
    });
    Ok(upsert_read(state, rows, report, upsert_customers))
}

/// Ingests typed customer rows.
pub(crate) fn upsert_customers(state: &mut State, rows: &[CustomerRow]) -> IngestReport {
    let mut report = IngestReport::default();
    for (row, r) in rows.iter().enumerate() {
        if r.customer_id.trim().is_empty() {
            report.reject(row, "customer_id", "missing (blank) id");
            continue;
        }
        let id = state.intern_customer(r.customer_id.trim());
        let owner = r
            .rep_id
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| state.intern_rep(t));
        let segment = label(&mut state.segments, clean(&r.segment));
        let region = label(&mut state.regions, clean(&r.region));
        let master = &mut state.customers[id.index()].master;
        master.owner = owner.or(master.owner);
        master.segment = segment.or(master.segment);
        master.region = region.or(master.region);
        master.name = clean(&r.name).or(master.name.take());
        report.accepted += 1;
    }
    report
}

fn clean(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// Ingests reps from a batch.
pub(crate) fn ingest_reps(
    state: &mut State,
    batch: &Batch<'_>,
    mapping: Option<&Mapping>,
) -> Result<IngestReport> {
    let cols = resolve(&REPS, batch, mapping)?;
    let (rows, report) = collect(batch.len(), |row| {
        let id = required(cols[0].expect("required"), row, "rep_id", |c| {
            id_cell(c).map(Some)
        })?;
        let manager = optional(cols[1], row, "manager_id", opt_id_cell)?;
        Ok((
            row,
            RepRow {
                rep_id: text_of(&id, &state.rep_ids),
                manager_id: manager.map(|m| text_of(&m, &state.rep_ids)),
                name: optional(cols[2], row, "name", owned_text)?,
                email: optional(cols[3], row, "email", owned_text)?,
                locale: optional(cols[4], row, "locale", owned_text)?,
            },
        ))
    });
    Ok(upsert_read(state, rows, report, upsert_reps))
}

/// Ingests typed rep rows.
pub(crate) fn upsert_reps(state: &mut State, rows: &[RepRow]) -> IngestReport {
    let mut report = IngestReport::default();
    for (row, r) in rows.iter().enumerate() {
        match check_rep(r) {
            Err((column, reason)) => report.reject(row, column, reason),
            Ok(()) => {
                let id = state.intern_rep(r.rep_id.trim());
                let manager = clean(&r.manager_id).map(|m| state.intern_rep(&m));
                let rep = &mut state.reps[id.index()];
                rep.manager = manager.or(rep.manager);
                rep.name = clean(&r.name).or(rep.name.take());
                rep.email = clean(&r.email).or(rep.email.take());
                rep.locale = clean(&r.locale)
                    .map(|l| l.to_ascii_lowercase())
                    .or(rep.locale.take());
                report.accepted += 1;
            }
        }
    }
    report
}

fn check_rep(r: &RepRow) -> Result<(), RowError> {
    if r.rep_id.trim().is_empty() {
        return Err(("rep_id", "missing (blank) id".into()));
    }
    if clean(&r.manager_id).as_deref() == Some(r.rep_id.trim()) {
        return Err((
            "manager_id",
            format!("rep {:?} cannot be its own manager", r.rep_id.trim()),
        ));
    }
    if let Some(locale) = clean(&r.locale) {
        if !LOCALES.contains(&locale.to_ascii_lowercase().as_str()) {
            return Err((
                "locale",
                format!(
                    "locale {locale:?} is not supported; use one of {}",
                    LOCALES.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Ingests products from a batch.
pub(crate) fn ingest_products(
    state: &mut State,
    batch: &Batch<'_>,
    mapping: Option<&Mapping>,
) -> Result<IngestReport> {
    let cols = resolve(&PRODUCTS, batch, mapping)?;
    let (rows, report) = collect(batch.len(), |row| {
        let id = required(cols[0].expect("required"), row, "product_id", |c| {
            id_cell(c).map(Some)
        })?;
        Ok((
            row,
            ProductRow {
                product_id: text_of(&id, &state.product_ids),
                family: optional(cols[1], row, "family", owned_text)?,
                list_price: optional(cols[2], row, "list_price", number_cell)?,
                name: optional(cols[3], row, "name", owned_text)?,
            },
        ))
    });
    Ok(upsert_read(state, rows, report, upsert_products))
}

/// Ingests typed product rows.
pub(crate) fn upsert_products(state: &mut State, rows: &[ProductRow]) -> IngestReport {
    let mut report = IngestReport::default();
    for (row, r) in rows.iter().enumerate() {
        if r.product_id.trim().is_empty() {
            report.reject(row, "product_id", "missing (blank) id");
            continue;
        }
        if let Some(p) = r
            .list_price
            .filter(|p| !p.is_finite() || *p < 0.0 || *p > 1e12)
        {
            report.reject(
                row,
                "list_price",
                format!("{p} is not a list price (a finite number from 0 to 1e12)"),
            );
            continue;
        }
        let id = state.intern_product(r.product_id.trim());
        let family = label(&mut state.families, clean(&r.family));
        let product = &mut state.products[id.index()];
        product.family = family.or(product.family);
        product.list_price = r.list_price.or(product.list_price);
        product.name = clean(&r.name).or(product.name.take());
        report.accepted += 1;
    }
    report
}
