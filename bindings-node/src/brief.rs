//! The `Brief` class of `engine.weeklyBrief(...)`: the core's weekly brief as JS values.
//!
//! Owns: converting a core [`salespulse::brief::Brief`] to JS (the tasks table as rows or Arrow,
//! digests as plain objects, Markdown and HTML strings). No ranking or wording happens here.

use crate::error::{sync, CodedError};
use crate::input::camel_case;
use crate::output::{self, Format, OutputOptions};
use napi::bindgen_prelude::*;
use napi::Env;
use std::result::Result;

/// A team-level signal in a manager's digest.
#[napi(object)]
pub struct TeamSignal {
    /// The signal kind (`item_lapsed_across_similar`, `discount_spike`, `pipeline_slowdown`).
    pub kind: String,
    /// The segment it is about, if any.
    pub segment: Option<String>,
    /// The product it is about, if any.
    pub product_id: Option<String>,
    /// Money at stake over the horizon.
    pub value_at_stake: f64,
    /// P(the finding is real).
    pub probability: f64,
    /// The value of acting (the ranker's value model).
    pub value: f64,
    /// The reason in one sentence.
    pub evidence: String,
}

/// One KPI of a team, this week and last.
#[napi(object)]
pub struct KpiChange {
    /// The KPI's column in the KPI table (`active_customers`, `churn_rate`, ...).
    pub name: String,
    /// Its value at the brief's day.
    pub this_week: Option<f64>,
    /// Its value seven days before.
    pub last_week: Option<f64>,
}

/// One of a rep's top tasks, as a digest lists it.
#[napi(object)]
pub struct TopTask {
    /// The rep.
    pub rep_id: String,
    /// The task's rank in the rep's list.
    pub rank: u32,
    /// Whom to contact.
    pub customer_id: String,
    /// What to do, in the rep's language.
    pub action: String,
    /// The value of acting.
    pub value: f64,
    /// The day by which to act (`'YYYY-MM-DD'`).
    pub due: String,
}

/// One manager's digest.
#[napi(object)]
pub struct Digest {
    /// The manager's rep id.
    pub manager_id: String,
    /// The manager's name, when known.
    pub manager_name: Option<String>,
    /// The reps of the team.
    pub reps: Vec<String>,
    /// Team-level signals, most valuable first.
    pub team_signals: Vec<TeamSignal>,
    /// The team's KPIs this week vs last.
    pub kpis: Vec<KpiChange>,
    /// Each rep's top three tasks.
    pub top_tasks: Vec<TopTask>,
}

/// One week's brief: every rep's ranked tasks and every manager's digest.
#[napi]
pub struct Brief {
    inner: salespulse::brief::Brief,
}

impl Brief {
    /// Wraps a core brief.
    pub fn wrap(inner: salespulse::brief::Brief) -> Brief {
        Brief { inner }
    }

    /// The core brief (for `engine.recordBrief`).
    pub fn core(&self) -> &salespulse::brief::Brief {
        &self.inner
    }
}

#[napi]
impl Brief {
    /// The tasks as row objects: repId, rank, customerId, action, talkingPoints (string[]),
    /// offerProductId, offerPrice, content (a short ready text to send), value, due
    /// (`'YYYY-MM-DD'`), signals (the signal kinds behind the task).
    #[napi(getter, ts_return_type = "Array<Record<string, unknown>>")]
    pub fn tasks(&self, env: Env) -> Result<Unknown<'static>, CodedError> {
        sync(|| output::rows(&env, &self.inner.tasks_frame()))
    }

    /// The tasks table as rows (default) or, with `{format: 'arrow'}`, Arrow IPC bytes.
    #[napi(ts_return_type = "Array<Record<string, unknown>> | Buffer")]
    pub fn tasks_table(
        &self,
        env: Env,
        options: Option<OutputOptions>,
    ) -> Result<Unknown<'static>, CodedError> {
        sync(|| {
            let format = Format::of(options.as_ref())?;
            output::frame_keyed(&env, &self.inner.tasks_frame(), format, camel_case)
        })
    }

    /// One digest per manager.
    #[napi(getter)]
    pub fn digests(&self) -> Vec<Digest> {
        self.inner
            .digests
            .iter()
            .map(|d| Digest {
                manager_id: d.manager_id.clone(),
                manager_name: d.manager_name.clone(),
                reps: d.reps.clone(),
                team_signals: d
                    .team_signals
                    .iter()
                    .map(|s| TeamSignal {
                        kind: s.kind.clone(),
                        segment: s.segment.clone(),
                        product_id: s.product_id.clone(),
                        value_at_stake: s.value_at_stake,
                        probability: s.probability,
                        value: s.value,
                        evidence: s.evidence.clone(),
                    })
                    .collect(),
                kpis: d
                    .kpis
                    .iter()
                    .map(|k| KpiChange {
                        name: k.name.to_string(),
                        this_week: k.this_week,
                        last_week: k.last_week,
                    })
                    .collect(),
                top_tasks: d
                    .top_tasks
                    .iter()
                    .map(|t| TopTask {
                        rep_id: t.rep_id.clone(),
                        rank: t.rank,
                        customer_id: t.customer_id.clone(),
                        action: t.action_text(t.locale),
                        value: t.value,
                        due: t.due.to_string(),
                    })
                    .collect(),
            })
            .collect()
    }

    /// The brief's day (`'YYYY-MM-DD'`).
    #[napi(getter)]
    pub fn as_of(&self) -> String {
        self.inner.as_of.to_string()
    }

    /// The first day of the brief's business week (`'YYYY-MM-DD'`).
    #[napi(getter)]
    pub fn week_of(&self) -> String {
        self.inner.week_of.to_string()
    }

    /// The part of the brief for one rep: its tasks, and its digest when it manages a team.
    /// Throws (code `InvalidArgumentError`) when the brief has neither for `repId`.
    #[napi]
    pub fn for_rep(&self, rep_id: String) -> Result<Brief, CodedError> {
        sync(|| Ok(Brief::wrap(self.inner.for_rep(&rep_id)?)))
    }

    /// The brief in Markdown, in `'en'` (default) or `'he'`.
    #[napi]
    pub fn to_markdown(
        &self,
        #[napi(ts_arg_type = "'en' | 'he'")] locale: Option<String>,
    ) -> Result<String, CodedError> {
        sync(|| Ok(self.inner.to_markdown(locale.as_deref().unwrap_or("en"))?))
    }

    /// The brief as a self-contained HTML page in `'en'` (default) or `'he'` (right to left),
    /// each task with a small inline SVG of the customer's purchase rhythm.
    #[napi]
    pub fn to_html(
        &self,
        #[napi(ts_arg_type = "'en' | 'he'")] locale: Option<String>,
    ) -> Result<String, CodedError> {
        sync(|| Ok(self.inner.to_html(locale.as_deref().unwrap_or("en"))?))
    }
}
