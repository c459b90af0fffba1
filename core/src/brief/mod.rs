//! The weekly brief: every rep's ranked tasks and every manager's digest, as tables for programs
//! and as Markdown and HTML for people (English, or Hebrew right to left).
//!
//! Owns: [`Brief`] and [`Engine::weekly_brief`](crate::Engine::weekly_brief). It reads the
//! engine (signals, offers, KPIs) and changes nothing. One concept per file: [`tasks`] (the
//! rep's tasks), [`digest`] (the manager's digest), [`rhythm`] (the purchase rhythm behind a
//! task), [`locale`] (every fixed string in each language), [`markdown`], [`html`] and [`svg`]
//! (rendering). The value of a task is the ranker's ([`crate::rank`]).
//!
//! ```
//! use salespulse::{synth, Config, Day, Engine};
//! use salespulse::brief::Locale;
//!
//! let data = synth::distributor(200, 2, 42);
//! let mut engine = Engine::new(Config::default()).unwrap();
//! engine.ingest_rep_rows(&data.reps);
//! engine.ingest_customer_rows(&data.customers);
//! engine.ingest_product_rows(&data.products);
//! engine.ingest_order_rows(&data.orders);
//! let brief = engine.weekly_brief(Day::from_date(data.end), None).unwrap();
//! let rep = &brief.tasks[0].rep_id;
//! assert!((5..=7).contains(&brief.for_rep(rep).unwrap().tasks.len()));
//! assert!(brief.to_html("he").unwrap().contains("dir=\"rtl\""));
//! assert!(brief.to_markdown("fr").is_err());
//! ```

pub mod digest;
pub mod html;
pub mod locale;
pub mod markdown;
pub mod rhythm;
pub mod svg;
pub mod tasks;

pub use digest::{Digest, KpiChange, TeamSignal};
pub use locale::{Action, Locale};
pub use rhythm::Rhythm;
pub use tasks::{Task, TaskOffer};

use crate::day::Day;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::table::{Frame, Series};
use serde::Serialize;

/// One week's brief.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Brief {
    /// The day it was made for.
    pub as_of: Day,
    /// The first day of `as_of`'s business week.
    pub week_of: Day,
    /// The currency of all amounts, when known.
    pub currency: Option<String>,
    /// Every rep's tasks, by rep id then rank.
    pub tasks: Vec<Task>,
    /// Every manager's digest, by manager id.
    pub digests: Vec<Digest>,
}

impl Engine {
    /// The weekly brief at `as_of`: for every rep with customers, its `tasks_per_rep` (default
    /// the configured one, 5..=7) most valuable tasks (fewer only when it has fewer
    /// customers), and for every manager a digest. Only data on or before `as_of` is read.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `as_of` is outside 1900..2199 or `tasks_per_rep` is not
    /// 5, 6 or 7.
    pub fn weekly_brief(&self, as_of: Day, tasks_per_rep: Option<usize>) -> Result<Brief> {
        let k = tasks_per_rep.unwrap_or(self.config().tasks_per_rep);
        if !(5..=7).contains(&k) {
            return Err(Error::InvalidArgument(format!(
                "tasks_per_rep is {k}; a weekly brief has 5, 6 or 7 tasks per rep"
            )));
        }
        if !as_of.is_plausible() {
            return Err(Error::InvalidArgument(format!(
                "as_of {as_of} is outside 1900..2199"
            )));
        }
        let signals = self.signal_list(Some(as_of))?;
        let (state, config) = (self.state(), self.config());
        let tasks = tasks::build_tasks(state, config, as_of, &signals, k);
        let mut digests = digest::build_digests(state, config, as_of, &signals)?;
        digest::attach_top_tasks(&mut digests, &tasks);
        Ok(Brief {
            as_of,
            week_of: as_of.week_start(config.week_start),
            currency: config
                .currency
                .clone()
                .or_else(|| state.currency().map(str::to_string)),
            tasks,
            digests,
        })
    }
}

impl Brief {
    /// The part of the brief for one rep: its tasks, and its digest when it manages a team.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when the brief has neither tasks nor a digest for `rep_id`.
    pub fn for_rep(&self, rep_id: &str) -> Result<Brief> {
        let tasks: Vec<Task> = self
            .tasks
            .iter()
            .filter(|t| t.rep_id == rep_id)
            .cloned()
            .collect();
        let digests: Vec<Digest> = self
            .digests
            .iter()
            .filter(|d| d.manager_id == rep_id)
            .cloned()
            .collect();
        if tasks.is_empty() && digests.is_empty() {
            let mut known: Vec<&str> = self.tasks.iter().map(|t| t.rep_id.as_str()).collect();
            known.dedup();
            return Err(Error::InvalidArgument(format!(
                "rep {rep_id:?} has no tasks and no digest in this brief (reps with tasks: {}{})",
                known.iter().take(5).copied().collect::<Vec<_>>().join(", "),
                if known.len() > 5 { ", ..." } else { "" }
            )));
        }
        Ok(Brief {
            tasks,
            digests,
            ..self.clone_header()
        })
    }

    fn clone_header(&self) -> Brief {
        Brief {
            as_of: self.as_of,
            week_of: self.week_of,
            currency: self.currency.clone(),
            tasks: Vec::new(),
            digests: Vec::new(),
        }
    }

    /// Tasks grouped by rep, in the order of `tasks`.
    pub fn by_rep(&self) -> Vec<(&str, Vec<&Task>)> {
        let mut out: Vec<(&str, Vec<&Task>)> = Vec::new();
        for t in &self.tasks {
            match out.last_mut() {
                Some((rep, list)) if *rep == t.rep_id => list.push(t),
                _ => out.push((&t.rep_id, vec![t])),
            }
        }
        out
    }

    /// The tasks table of API.md: rep_id, rank, customer_id, action, talking_points (list),
    /// offer_product_id, offer_price, content, value, due, signals (list of kinds). Action and
    /// content are in each rep's locale (English when it has none).
    pub fn tasks_frame(&self) -> Frame {
        let t = &self.tasks;
        let text = |f: &dyn Fn(&Task) -> Option<String>| Series::Str(t.iter().map(f).collect());
        let cur = self.currency.as_deref();
        Frame::new()
            .with("rep_id", text(&|x| Some(x.rep_id.clone())))
            .with(
                "rank",
                Series::I64(t.iter().map(|x| Some(i64::from(x.rank))).collect()),
            )
            .with("customer_id", text(&|x| Some(x.customer_id.clone())))
            .with("action", text(&|x| Some(x.action_text(x.locale))))
            .with(
                "talking_points",
                Series::StrList(t.iter().map(|x| x.talking_points.clone()).collect()),
            )
            .with(
                "offer_product_id",
                text(&|x| x.offer.as_ref().map(|o| o.product_id.clone())),
            )
            .with(
                "offer_price",
                Series::F64(
                    t.iter()
                        .map(|x| x.offer.as_ref().and_then(|o| o.price))
                        .collect(),
                ),
            )
            .with("content", text(&|x| Some(x.content(x.locale, cur))))
            .with(
                "value",
                Series::F64(t.iter().map(|x| Some(x.value)).collect()),
            )
            .with("due", Series::Day(t.iter().map(|x| Some(x.due)).collect()))
            .with(
                "signals",
                Series::StrList(t.iter().map(|x| x.signals.clone()).collect()),
            )
    }

    /// The brief in Markdown, in `locale` ("en" or "he").
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for another locale.
    pub fn to_markdown(&self, locale: &str) -> Result<String> {
        Ok(markdown::render(self, Locale::parse(locale)?))
    }

    /// The brief as a self-contained HTML page in `locale` ("en", or "he": right to left), each
    /// task with an inline SVG of the purchase rhythm.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for another locale.
    pub fn to_html(&self, locale: &str) -> Result<String> {
        Ok(html::document(self, Locale::parse(locale)?))
    }

    /// The brief as an HTML `<div>` (for notebooks and embedding), like [`Brief::to_html`].
    pub fn to_html_fragment(&self, locale: &str) -> Result<String> {
        Ok(html::fragment(self, Locale::parse(locale)?))
    }
}
