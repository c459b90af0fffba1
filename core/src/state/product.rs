//! What the engine knows of one product and one rep.
//!
//! Owns: [`ProductState`] and [`RepState`]: master data plus additive totals. Pure data.

use super::customer::Totals;
use crate::ids::{LabelId, RepId};
use serde::{Deserialize, Serialize};

/// Master data and totals of a product.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductState {
    /// Product family.
    pub family: Option<LabelId>,
    /// List price per unit.
    pub list_price: Option<f64>,
    /// Display name.
    pub name: Option<String>,
    /// Distinct customers who bought it.
    pub customers: u32,
    /// Totals over all lines.
    pub totals: Totals,
}

/// Master data of a rep (managers are reps).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RepState {
    /// The rep's manager.
    pub manager: Option<RepId>,
    /// Display name.
    pub name: Option<String>,
    /// Where the brief goes.
    pub email: Option<String>,
    /// The brief's language ("en", "he").
    pub locale: Option<String>,
}
