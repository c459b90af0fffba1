//! Outcomes: the tasks a brief issued, and whether the customer acted on them.
//!
//! Owns: [`Outcomes`] (the issued tasks an engine remembers, part of its snapshot),
//! [`Engine::record_brief`], [`Engine::outcomes`] (one row per task) and
//! [`Engine::outcome_rates`] (per rep). An outcome is never stored: it is read from the order
//! lines and deal stages the engine holds at the `as_of` asked for, so late-arriving lines count
//! and the same call at an earlier day gives the earlier answer. It must not touch the ranker or
//! the brief (it reads a [`Brief`] as it is) nor the state.
//!
//! # Definitions
//!
//! A task issued on day `I` (the brief's `as_of`) to customer `c`, offering product `p` (when it
//! offers one), is judged at `T = as_of` over its *window* `(I, min(I + W, T)]`, where `W` is
//! [`ACT_WINDOW_DAYS`]:
//!
//! - **item returned**: `(c, p)` has a purchase day in the window (quantities of the day's lines
//!   sum to more than 0, as everywhere in the engine): the item came back to the basket;
//! - **ordered**: `c` has a purchase day of any product in the window;
//! - **deal moved**: a deal of `c` entered a stage, or closed, in the window;
//! - `outcome` is the first that holds of `item_returned`, `ordered`, `deal_moved`; else
//!   `pending` while `T < I + W`; else `no_action`. `acted_on` is the first day any of the three
//!   held.
//!
//! Per rep ([`Engine::outcome_rates`]): a task is *decided* when it is acted on or its window has
//! closed (`T >= I + W`); `acted_rate` = acted / decided; `return_to_basket_rate` (the rate of
//! items returning to the basket after a task) = decided tasks with an offered product whose
//! item returned / decided tasks with an offered product. Pending tasks are left out of both
//! denominators, so a rate does not sink just because last week's tasks had no time yet. The
//! KPI table by rep (`kpis(as_of, by = rep)`) carries the same two numbers as
//! `task_items_decided` and `task_return_to_basket_rate` (`with_task_outcomes`).

use crate::brief::Brief;
use crate::day::Day;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ids::CustomerId;
use crate::state::State;
use crate::table::{Frame, Series};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Days after a task within which a customer's order or deal move counts as acting on it: a
/// month, the span of a rep's follow-up before the next monthly review.
pub const ACT_WINDOW_DAYS: i32 = 30;

/// One task as issued. Ids are kept as text so that merged engines keep their tasks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IssuedTask {
    /// The brief's day.
    pub issued: Day,
    /// The rep who got it.
    pub rep_id: String,
    /// Its rank in the rep's list.
    pub rank: u32,
    /// The customer to contact.
    pub customer_id: String,
    /// The product offered, if any.
    pub product_id: Option<String>,
    /// The signal kinds behind it.
    pub signals: Vec<String>,
    /// The value the ranker gave it.
    pub value: f64,
}

/// The tasks an engine has issued, by (issued, rep, rank).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outcomes {
    tasks: Vec<IssuedTask>,
}

impl Outcomes {
    /// The issued tasks.
    pub fn tasks(&self) -> &[IssuedTask] {
        &self.tasks
    }

    /// Adds the tasks of `brief`; a task already recorded (same day, rep and customer) is not
    /// added twice. Returns how many were new.
    pub fn record(&mut self, brief: &Brief) -> usize {
        let before = self.tasks.len();
        // Tasks are sorted by day: only those of the brief's day can repeat one of its tasks.
        let from = self.tasks.partition_point(|x| x.issued < brief.as_of);
        let to = self.tasks.partition_point(|x| x.issued <= brief.as_of);
        let same_day: Vec<(String, String)> = self.tasks[from..to]
            .iter()
            .map(|x| (x.rep_id.clone(), x.customer_id.clone()))
            .collect();
        for t in &brief.tasks {
            let known = same_day
                .iter()
                .any(|(r, c)| *r == t.rep_id && *c == t.customer_id);
            if !known {
                self.tasks.push(IssuedTask {
                    issued: brief.as_of,
                    rep_id: t.rep_id.clone(),
                    rank: t.rank,
                    customer_id: t.customer_id.clone(),
                    product_id: t.offer.as_ref().map(|o| o.product_id.clone()),
                    signals: t.signals.clone(),
                    value: t.value,
                });
            }
        }
        self.sort();
        self.tasks.len() - before
    }

    /// Joins the tasks of another engine's partition.
    pub fn absorb(&mut self, other: Outcomes) {
        self.tasks.extend(other.tasks);
        self.sort();
    }

    fn sort(&mut self) {
        self.tasks.sort_by(|a, b| {
            (a.issued, &a.rep_id, a.rank, &a.customer_id).cmp(&(
                b.issued,
                &b.rep_id,
                b.rank,
                &b.customer_id,
            ))
        });
    }
}

/// What became of one task at a day.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskOutcome {
    /// The task.
    pub task: IssuedTask,
    /// `item_returned`, `ordered`, `deal_moved`, `pending` or `no_action`.
    pub outcome: &'static str,
    /// The first day the customer acted, if it did.
    pub acted_on: Option<Day>,
    /// Whether the offered item came back to the basket in the window.
    pub item_returned: bool,
    /// Whether the window has closed or the customer acted.
    pub decided: bool,
}

/// Judges every task of `outcomes` at `as_of` (see the module docs).
pub fn judge(state: &State, outcomes: &Outcomes, as_of: Day) -> Vec<TaskOutcome> {
    let moves = deal_moves(state);
    outcomes
        .tasks
        .iter()
        .filter(|t| t.issued <= as_of)
        .map(|t| judge_one(state, &moves, t, as_of))
        .collect()
}

fn judge_one(
    state: &State,
    moves: &BTreeMap<CustomerId, Vec<Day>>,
    t: &IssuedTask,
    as_of: Day,
) -> TaskOutcome {
    let close = t.issued + ACT_WINDOW_DAYS;
    let last = close.min(as_of);
    let in_window = |d: Day| d > t.issued && d <= last;
    let customer = state.customer_id(&t.customer_id);
    let first_purchase = |product: Option<&str>| -> Option<Day> {
        let c = state.customer(customer?);
        let mut best: Option<Day> = None;
        for pair in c.pairs() {
            if product.is_some_and(|p| state.product_text(pair.product) != p) {
                continue;
            }
            if let Some(d) = pair.purchase_days_until(last).find(|d| in_window(*d)) {
                best = Some(best.map_or(d, |b| b.min(d)));
            }
        }
        best
    };
    let item = t
        .product_id
        .as_deref()
        .and_then(|p| first_purchase(Some(p)));
    let order = first_purchase(None);
    let deal = customer
        .and_then(|c| moves.get(&c))
        .and_then(|days| days.iter().copied().find(|d| in_window(*d)));
    let acted_on = [item, order, deal].into_iter().flatten().min();
    let outcome = if item.is_some() {
        "item_returned"
    } else if order.is_some() {
        "ordered"
    } else if deal.is_some() {
        "deal_moved"
    } else if as_of < close {
        "pending"
    } else {
        "no_action"
    };
    TaskOutcome {
        task: t.clone(),
        outcome,
        acted_on,
        item_returned: item.is_some(),
        decided: acted_on.is_some() || as_of >= close,
    }
}

/// Per customer, the sorted days a deal of theirs entered a stage (after its first) or closed.
fn deal_moves(state: &State) -> BTreeMap<CustomerId, Vec<Day>> {
    let mut out: BTreeMap<CustomerId, Vec<Day>> = BTreeMap::new();
    for (_, deal) in state.deals() {
        let days = out.entry(deal.customer).or_default();
        days.extend(deal.visits().iter().skip(1).map(|v| v.entered));
        days.extend(deal.facts.closed);
    }
    for days in out.values_mut() {
        days.sort();
        days.dedup();
    }
    out
}

/// The outcomes table: issued, rep_id, rank, customer_id, product_id, signals, value, outcome,
/// acted_on, item_returned.
pub fn outcomes_frame(rows: &[TaskOutcome]) -> Frame {
    let text =
        |f: &dyn Fn(&TaskOutcome) -> Option<String>| Series::Str(rows.iter().map(f).collect());
    Frame::new()
        .with(
            "issued",
            Series::Day(rows.iter().map(|r| Some(r.task.issued)).collect()),
        )
        .with("rep_id", text(&|r| Some(r.task.rep_id.clone())))
        .with(
            "rank",
            Series::I64(rows.iter().map(|r| Some(i64::from(r.task.rank))).collect()),
        )
        .with("customer_id", text(&|r| Some(r.task.customer_id.clone())))
        .with("product_id", text(&|r| r.task.product_id.clone()))
        .with(
            "signals",
            Series::StrList(rows.iter().map(|r| r.task.signals.clone()).collect()),
        )
        .with(
            "value",
            Series::F64(rows.iter().map(|r| Some(r.task.value)).collect()),
        )
        .with("outcome", text(&|r| Some(r.outcome.to_string())))
        .with(
            "acted_on",
            Series::Day(rows.iter().map(|r| r.acted_on).collect()),
        )
        .with(
            "item_returned",
            Series::Bool(rows.iter().map(|r| Some(r.item_returned)).collect()),
        )
}

/// Per rep: rep_id, tasks, decided, acted, acted_rate, item_tasks (decided, with a product),
/// items_returned, return_to_basket_rate (see the module docs); by rep id.
pub fn rates_frame(rows: &[TaskOutcome]) -> Frame {
    #[derive(Default)]
    struct Counts {
        tasks: i64,
        decided: i64,
        acted: i64,
        item_tasks: i64,
        returned: i64,
    }
    let mut by_rep: BTreeMap<&str, Counts> = BTreeMap::new();
    for r in rows {
        let c = by_rep.entry(&r.task.rep_id).or_default();
        c.tasks += 1;
        if r.decided {
            c.decided += 1;
            c.acted += i64::from(r.acted_on.is_some());
            if r.task.product_id.is_some() {
                c.item_tasks += 1;
                c.returned += i64::from(r.item_returned);
            }
        }
    }
    let ratio = |a: i64, b: i64| (b > 0).then(|| a as f64 / b as f64);
    let col =
        |f: &dyn Fn(&Counts) -> i64| Series::I64(by_rep.values().map(|c| Some(f(c))).collect());
    Frame::new()
        .with(
            "rep_id",
            Series::Str(by_rep.keys().map(|r| Some(r.to_string())).collect()),
        )
        .with("tasks", col(&|c| c.tasks))
        .with("decided", col(&|c| c.decided))
        .with("acted", col(&|c| c.acted))
        .with(
            "acted_rate",
            Series::F64(by_rep.values().map(|c| ratio(c.acted, c.decided)).collect()),
        )
        .with("item_tasks", col(&|c| c.item_tasks))
        .with("items_returned", col(&|c| c.returned))
        .with(
            "return_to_basket_rate",
            Series::F64(
                by_rep
                    .values()
                    .map(|c| ratio(c.returned, c.item_tasks))
                    .collect(),
            ),
        )
}

/// `kpis`, a KPI table by rep, with each rep's task outcomes at `as_of` joined on `rep_id`:
/// `task_items_decided` (decided tasks that offered a product; 0 for a rep without one) and
/// `task_return_to_basket_rate` (the share of those whose item came back; null without one).
pub(crate) fn with_task_outcomes(engine: &Engine, kpis: Frame, as_of: Day) -> Frame {
    let rates = rates_frame(&judge(engine.state(), engine.issued(), as_of));
    let per_rep: BTreeMap<&str, (Option<i64>, Option<f64>)> = rates
        .str_column("rep_id")
        .unwrap_or_default()
        .iter()
        .zip(rates.i64_column("item_tasks").unwrap_or_default())
        .zip(
            rates
                .f64_column("return_to_basket_rate")
                .unwrap_or_default(),
        )
        .filter_map(|((rep, items), rate)| Some((rep.as_deref()?, (*items, *rate))))
        .collect();
    let reps = kpis.str_column("rep_id").unwrap_or_default().to_vec();
    let of = |rep: &Option<String>| rep.as_deref().and_then(|r| per_rep.get(r)).copied();
    let decided = reps
        .iter()
        .map(|r| of(r).map_or(Some(0), |c| c.0))
        .collect();
    let rate = reps.iter().map(|r| of(r).and_then(|c| c.1)).collect();
    kpis.with("task_items_decided", Series::I64(decided))
        .with("task_return_to_basket_rate", Series::F64(rate))
}

fn check_day(as_of: Day) -> Result<()> {
    if !as_of.is_plausible() {
        return Err(Error::InvalidArgument(format!(
            // The day number, not the date: a day this far out has no calendar date to print.
            "as_of is day number {}; it must lie between 1900-01-01 and 2199-12-31",
            as_of.0
        )));
    }
    Ok(())
}

impl Engine {
    /// Remembers the tasks of `brief` as issued on its `as_of`, so that [`Engine::outcomes`]
    /// can later say whether each customer acted. Recording the same brief twice adds nothing.
    /// Returns how many tasks were new. The tasks are part of [`Engine::snapshot`].
    pub fn record_brief(&mut self, brief: &Brief) -> usize {
        self.issued_mut().record(brief)
    }

    /// The tasks recorded with [`Engine::record_brief`].
    pub fn issued_tasks(&self) -> &[IssuedTask] {
        self.issued().tasks()
    }

    /// Every recorded task issued on or before `as_of`, judged at `as_of` (see
    /// [`crate::outcomes`] for the definitions): [`outcomes_frame`]'s columns.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `as_of` is outside 1900..2199.
    pub fn outcomes(&self, as_of: Day) -> Result<Frame> {
        check_day(as_of)?;
        Ok(outcomes_frame(&judge(self.state(), self.issued(), as_of)))
    }

    /// Per rep, the share of decided tasks acted on and the rate of items returning to the basket
    /// after a task, at `as_of` (see [`crate::outcomes`]): [`rates_frame`]'s columns.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `as_of` is outside 1900..2199.
    pub fn outcome_rates(&self, as_of: Day) -> Result<Frame> {
        check_day(as_of)?;
        Ok(rates_frame(&judge(self.state(), self.issued(), as_of)))
    }
}
