//! CRM deals and their stage history.
//!
//! Owns: [`DealState`] and [`StageVisit`]. A deal's rows arrive as snapshots of the CRM (each says
//! "in stage S since day D"); the visits are kept sorted by day, so the history is the same in any
//! arrival order. The latest visit's row speaks for the deal's amount, outcome and close date.

use crate::day::Day;
use crate::ids::{CustomerId, LabelId, ProductId, RepId};
use crate::model::Outcome;
use serde::{Deserialize, Serialize};

/// The deal entered `stage` on `entered`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StageVisit {
    /// The day the deal entered the stage.
    pub entered: Day,
    /// The stage.
    pub stage: LabelId,
}

/// The fields a deal row carries beside its stage.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DealFacts {
    /// The owning rep.
    pub rep: Option<RepId>,
    /// The product of the deal.
    pub product: Option<ProductId>,
    /// Amount.
    pub amount: Option<f64>,
    /// Created.
    pub created: Option<Day>,
    /// Closed.
    pub closed: Option<Day>,
    /// Open, won or lost.
    pub outcome: Outcome,
}

/// One deal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DealState {
    /// The customer the deal is with.
    pub customer: CustomerId,
    /// The facts of the latest row (by stage day).
    pub facts: DealFacts,
    visits: Vec<StageVisit>,
}

impl DealState {
    /// A deal first seen in `visit`.
    pub fn new(customer: CustomerId, visit: StageVisit, facts: DealFacts) -> DealState {
        DealState {
            customer,
            facts,
            visits: vec![visit],
        }
    }

    /// Stage visits in day order.
    pub fn visits(&self) -> &[StageVisit] {
        &self.visits
    }

    /// The stage the deal is in now (its latest visit).
    pub fn current(&self) -> StageVisit {
        *self.visits.last().expect("a deal has at least one visit")
    }

    /// Records a visit; `false` when it was known already. The facts of the row with the latest
    /// visit win; a row for an earlier visit only fills facts still unknown.
    pub fn record(&mut self, visit: StageVisit, facts: DealFacts) -> bool {
        match self.visits.binary_search(&visit) {
            Ok(_) => false,
            Err(i) => {
                let latest = i == self.visits.len();
                self.visits.insert(i, visit);
                if latest {
                    self.facts = fill(facts, &self.facts);
                } else {
                    self.facts = fill(self.facts.clone(), &facts);
                }
                true
            }
        }
    }

    /// Adds another engine's view of the same deal.
    pub fn absorb(&mut self, other: DealState) {
        let (mine, theirs) = (self.current(), other.current());
        for visit in &other.visits {
            if let Err(i) = self.visits.binary_search(visit) {
                self.visits.insert(i, *visit);
            }
        }
        self.facts = if theirs > mine {
            fill(other.facts, &self.facts)
        } else {
            fill(self.facts.clone(), &other.facts)
        };
    }
}

fn fill(mut primary: DealFacts, backup: &DealFacts) -> DealFacts {
    primary.rep = primary.rep.or(backup.rep);
    primary.product = primary.product.or(backup.product);
    primary.amount = primary.amount.or(backup.amount);
    primary.created = primary.created.or(backup.created);
    primary.closed = primary.closed.or(backup.closed);
    primary
}

impl DealState {
    /// Renames the stage labels (merge).
    pub(crate) fn remap_stages(&mut self, map: &[u32]) {
        for v in &mut self.visits {
            v.stage = crate::ids::LabelId(map[v.stage.index()]);
        }
        self.visits.sort();
    }
}
