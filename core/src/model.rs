//! Typed rows: the five tables of the public surface as Rust structs.
//!
//! Owns: the row types callers build by hand ([`OrderLine`], [`CustomerRow`], [`RepRow`],
//! [`ProductRow`], [`DealRow`]) and the small enums they use. These rows carry text ids and
//! calendar dates exactly as a caller has them; validation and interning happen in
//! [`crate::ingest`], never here.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One ERP order line (an invoice line; a negative quantity is a return or credit note).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderLine {
    /// The order (invoice, credit note) the line belongs to.
    pub order_id: String,
    /// The line's number within its order. Without it, a line is identified by its product within
    /// the order, so an order that lists one product twice needs line numbers.
    pub line_no: Option<i64>,
    /// The buying customer.
    pub customer_id: String,
    /// The product bought.
    pub product_id: String,
    /// The order (or invoice) date.
    pub date: NaiveDate,
    /// Units; negative for a return.
    pub quantity: f64,
    /// Amount after discounts, in the engine's currency; negative for a return.
    pub net_amount: f64,
    /// List price x quantity, when known: the base of the discount rate.
    pub list_amount: Option<f64>,
    /// The rep credited with the line, when it differs from the account owner.
    pub rep_id: Option<String>,
    /// ISO currency code; all lines of one engine must share one currency.
    pub currency: Option<String>,
}

impl OrderLine {
    /// A line with the required fields; the optional ones are `None`.
    pub fn new(
        order_id: impl Into<String>,
        customer_id: impl Into<String>,
        product_id: impl Into<String>,
        date: NaiveDate,
        quantity: f64,
        net_amount: f64,
    ) -> OrderLine {
        OrderLine {
            order_id: order_id.into(),
            line_no: None,
            customer_id: customer_id.into(),
            product_id: product_id.into(),
            date,
            quantity,
            net_amount,
            list_amount: None,
            rep_id: None,
            currency: None,
        }
    }
}

/// A customer (account) of the distributor.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct CustomerRow {
    /// The customer's id, as in the orders.
    pub customer_id: String,
    /// The account owner.
    pub rep_id: Option<String>,
    /// Market segment (for example "Retail", "Horeca").
    pub segment: Option<String>,
    /// Sales region.
    pub region: Option<String>,
    /// Display name.
    pub name: Option<String>,
}

/// A sales rep; a rep whom others name as `manager_id` is a manager.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct RepRow {
    /// The rep's id.
    pub rep_id: String,
    /// The rep's manager.
    pub manager_id: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Where the brief goes.
    pub email: Option<String>,
    /// Language of the brief: "en" or "he".
    pub locale: Option<String>,
}

/// A product (item, SKU).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct ProductRow {
    /// The product's id, as in the orders.
    pub product_id: String,
    /// Product family (category).
    pub family: Option<String>,
    /// List price per unit, the base of discounts when orders carry no list amount.
    pub list_price: Option<f64>,
    /// Display name.
    pub name: Option<String>,
}

/// How a CRM deal ended, or that it has not yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Outcome {
    /// Still in the pipeline.
    #[default]
    Open,
    /// Closed won.
    Won,
    /// Closed lost.
    Lost,
}

impl Outcome {
    /// Reads the common spellings ("open", "won", "Closed Won", "lost", "closed-lost", ...).
    pub fn parse(text: &str) -> Option<Outcome> {
        let t: String = text
            .trim()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        match t.as_str() {
            "open" | "" | "inprogress" | "active" => Some(Outcome::Open),
            "won" | "closedwon" | "win" => Some(Outcome::Won),
            "lost" | "closedlost" | "loss" => Some(Outcome::Lost),
            _ => None,
        }
    }

    /// The lower-case name used in tables: "open", "won", "lost".
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Open => "open",
            Outcome::Won => "won",
            Outcome::Lost => "lost",
        }
    }
}

/// A CRM deal (opportunity) as of one export: its current stage and when it entered it.
/// Ingesting later exports of the same deal builds its stage history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DealRow {
    /// The deal's id.
    pub deal_id: String,
    /// The customer the deal is with.
    pub customer_id: String,
    /// The stage the deal is in (for example "Prospecting", "Engaging").
    pub stage: String,
    /// When the deal entered that stage.
    pub stage_entered: NaiveDate,
    /// The rep who owns the deal.
    pub rep_id: Option<String>,
    /// The product the deal is about.
    pub product_id: Option<String>,
    /// Expected (open) or final (closed) amount.
    pub amount: Option<f64>,
    /// When the deal was created.
    pub created: Option<NaiveDate>,
    /// When the deal closed.
    pub closed: Option<NaiveDate>,
    /// Open, won or lost; defaults to open.
    pub outcome: Option<Outcome>,
}
