//! CRM deals: the rules of a usable deal row and how it extends the deal's stage history.
//!
//! Owns: reading deal rows (batch or typed), checking them, and recording stage visits. A row
//! means "deal D with customer C was in stage S from day E"; the same row twice counts once.

use super::{
    day_cell, id_cell, number_cell, opt_id_cell, optional, required, resolve, text_cell,
    DateReader, IngestReport, Schema,
};
use crate::config::Config;
use crate::error::Result;
use crate::ids::{DealId, LabelId};
use crate::model::{DealRow, Outcome};
use crate::state::{DealFacts, DealState, StageVisit, State};
use crate::table::{Batch, Mapping};

pub(crate) const DEALS: Schema = Schema {
    table: "deals",
    required: &["deal_id", "customer_id", "stage", "stage_entered"],
    optional: &[
        "rep_id",
        "product_id",
        "amount",
        "created",
        "closed",
        "outcome",
    ],
};

type RowError = (&'static str, String);

/// A deal row after reading, before checks: dates are already days.
struct DealCells {
    deal: String,
    customer: String,
    stage: String,
    entered: crate::day::Day,
    rep: Option<String>,
    product: Option<String>,
    amount: Option<f64>,
    created: Option<crate::day::Day>,
    closed: Option<crate::day::Day>,
    outcome: Option<Outcome>,
}

/// Ingests deals from a batch.
pub(crate) fn ingest_deals(
    state: &mut State,
    config: &Config,
    batch: &Batch<'_>,
    mapping: Option<&Mapping>,
    reader: &DateReader,
) -> Result<IngestReport> {
    let cols = resolve(&DEALS, batch, mapping)?;
    let mut report = IngestReport::default();
    for row in 0..batch.len() {
        let text = |i: usize, name: &'static str| -> Result<Option<String>, RowError> {
            optional(cols[i], row, name, opt_id_cell).map(|c| c.map(|c| id_text(state, c)))
        };
        let cells = (|| -> Result<DealCells, RowError> {
            Ok(DealCells {
                deal: id_text(
                    state,
                    required(cols[0].expect("required"), row, "deal_id", |c| {
                        id_cell(c).map(Some)
                    })?,
                ),
                customer: id_text(
                    state,
                    required(cols[1].expect("required"), row, "customer_id", |c| {
                        id_cell(c).map(Some)
                    })?,
                ),
                stage: required(cols[2].expect("required"), row, "stage", text_cell)?.into_owned(),
                entered: required(cols[3].expect("required"), row, "stage_entered", |c| {
                    day_cell(c, reader)
                })?,
                rep: text(4, "rep_id")?,
                product: text(5, "product_id")?,
                amount: optional(cols[6], row, "amount", number_cell)?,
                created: optional(cols[7], row, "created", |c| day_cell(c, reader))?,
                closed: optional(cols[8], row, "closed", |c| day_cell(c, reader))?,
                outcome: optional(cols[9], row, "outcome", |c| {
                    text_cell(c)?
                        .map(|t| {
                            Outcome::parse(&t)
                                .ok_or_else(|| format!("{t:?} is not an outcome (open, won, lost)"))
                        })
                        .transpose()
                })?,
            })
        })();
        land(state, config, cells, row, &mut report);
    }
    Ok(report)
}

/// Ingests typed deal rows.
pub(crate) fn ingest_deal_rows(
    state: &mut State,
    config: &Config,
    rows: &[DealRow],
    reader: &DateReader,
) -> IngestReport {
    let mut report = IngestReport::default();
    for (row, r) in rows.iter().enumerate() {
        let cells = (|| -> Result<DealCells, RowError> {
            let day = |name, d: Option<chrono::NaiveDate>| {
                d.map(|d| reader.date(d)).transpose().map_err(|e| (name, e))
            };
            Ok(DealCells {
                deal: r.deal_id.clone(),
                customer: r.customer_id.clone(),
                stage: r.stage.clone(),
                entered: reader
                    .date(r.stage_entered)
                    .map_err(|e| ("stage_entered", e))?,
                rep: r.rep_id.clone(),
                product: r.product_id.clone(),
                amount: r.amount,
                created: day("created", r.created)?,
                closed: day("closed", r.closed)?,
                outcome: r.outcome,
            })
        })();
        land(state, config, cells, row, &mut report);
    }
    report
}

fn id_text(state: &State, cell: super::IdCell<'_>) -> String {
    match cell {
        super::IdCell::Text(t) => t.into_owned(),
        // Deal tables carry text ids; an interned number is shown as such and fails the id check.
        super::IdCell::Interned(id) => {
            let _ = state;
            format!("#{id}")
        }
    }
}

fn land(
    state: &mut State,
    config: &Config,
    cells: Result<DealCells, RowError>,
    row: usize,
    report: &mut IngestReport,
) {
    match cells
        .and_then(|c| check(config, &c).map(|stage| (c, stage)))
        .and_then(|(c, stage)| store(state, c, &stage))
    {
        Ok(true) => report.accepted += 1,
        Ok(false) => report.duplicates += 1,
        Err((column, reason)) => report.reject(row, column, reason),
    }
}

/// The stage's name as the engine spells it.
fn check(config: &Config, c: &DealCells) -> Result<String, RowError> {
    for (name, value) in [
        ("deal_id", &c.deal),
        ("customer_id", &c.customer),
        ("stage", &c.stage),
    ] {
        if value.trim().is_empty() {
            return Err((name, format!("missing {name}")));
        }
    }
    if let Some(a) = c.amount.filter(|a| *a < 0.0 || *a > 1e12) {
        return Err(("amount", format!("{a} is not a deal amount (0 to 1e12)")));
    }
    if let (Some(created), Some(closed)) = (c.created, c.closed) {
        if closed < created {
            return Err((
                "closed",
                format!("closed on {closed}, before it was created on {created}"),
            ));
        }
    }
    let stage = c.stage.trim();
    if config.stages.is_empty() {
        return Ok(stage.to_string());
    }
    config
        .stages
        .iter()
        .find(|s| s.trim().eq_ignore_ascii_case(stage))
        .map(|s| s.trim().to_string())
        .or_else(|| {
            Outcome::parse(stage)
                .filter(|o| *o != Outcome::Open)
                .map(|_| stage.to_string())
        })
        .ok_or_else(|| {
            (
                "stage",
                format!(
                    "unknown stage {stage:?}; the configured stages are {}",
                    config.stages.join(", ")
                ),
            )
        })
}

fn store(state: &mut State, c: DealCells, stage: &str) -> Result<bool, RowError> {
    let customer = state.intern_customer(c.customer.trim());
    let outcome = c
        .outcome
        .or_else(|| Outcome::parse(stage).filter(|o| *o != Outcome::Open))
        .unwrap_or_default();
    let facts = DealFacts {
        rep: c.rep.as_deref().map(|r| state.intern_rep(r.trim())),
        product: c.product.as_deref().map(|p| state.intern_product(p.trim())),
        amount: c.amount,
        created: c.created,
        closed: c.closed,
        outcome,
    };
    let visit = StageVisit {
        entered: c.entered,
        stage: LabelId(state.stages.intern(stage)),
    };
    let id = DealId(state.deal_ids.intern(c.deal.trim()));
    if id.index() == state.deals.len() {
        state.deals.push(DealState::new(customer, visit, facts));
        return Ok(true);
    }
    let deal = &mut state.deals[id.index()];
    if deal.customer != customer {
        return Err((
            "customer_id",
            format!(
                "deal {:?} is with customer {:?}; this row names {:?}",
                c.deal.trim(),
                state.customer_ids.resolve(deal.customer.0),
                c.customer.trim()
            ),
        ));
    }
    Ok(deal.record(visit, facts))
}
