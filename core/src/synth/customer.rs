//! One customer, assembled from its own streams: account, portfolio, planted events, deals,
//! then (only when asked for) its order lines.

use super::accounts::Account;
use super::deals;
use super::events::{self, Pending};
use super::labels::Label;
use super::orders;
use super::portfolio::{self, Pair};
use super::rhythm::Rhythm;
use super::world::World;
use super::History;
use crate::day::Day;
use crate::model::DealRow;

/// Everything about a customer but its order lines, which are simulated on demand.
pub(crate) struct Customer {
    account: Account,
    pairs: Vec<Pair>,
    rhythm: Rhythm,
    pending: Vec<Pending>,
    deals: Vec<DealRow>,
}

impl Customer {
    /// Assembles customer `index`; cheap next to simulating its orders.
    pub fn assemble(world: &World, index: usize) -> Customer {
        let account = Account::draw(world, index);
        let mut pairs = portfolio::draw(world, &account);
        let (rhythm, mut pending) = events::apply(world, &account, &mut pairs);
        let deals = deals::draw(world, &account, &pairs);
        pairs.extend(deals.won);
        pending.extend(deals.stalled.map(|label| Pending {
            label,
            due_of: None,
        }));
        Customer {
            account,
            pairs,
            rhythm,
            pending,
            deals: deals.rows,
        }
    }

    /// The customer's rows, lines, deals and labels.
    pub fn history(self, world: &World) -> History {
        let simulated = orders::simulate(world, &self.account, &self.pairs, &self.rhythm);
        History {
            customer: self.account.row(world),
            orders: simulated.lines,
            deals: self.deals,
            labels: settle(self.pending, &simulated.missed),
        }
    }

    /// The customer's deals alone.
    pub fn deals(self) -> Vec<DealRow> {
        self.deals
    }

    /// The customer's labels, simulating its orders only when a label needs a `due` day.
    pub fn labels(self, world: &World) -> Vec<Label> {
        if self.pending.iter().any(|p| p.due_of.is_some()) {
            self.history(world).labels
        } else {
            settle(self.pending, &[])
        }
    }
}

/// The labels, with each `due` set to the first purchase its event suppressed.
fn settle(pending: Vec<Pending>, missed: &[Option<Day>]) -> Vec<Label> {
    pending
        .into_iter()
        .map(|p| {
            let due = p.due_of.and_then(|j| missed.get(j).copied().flatten());
            Label {
                due: due.map(Day::to_date),
                ..p.label
            }
        })
        .collect()
}
