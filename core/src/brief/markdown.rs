//! The brief as Markdown: one section per rep (a table of tasks, then each task's talking points
//! and ready text) and one per manager (team signals, each rep's top tasks, KPIs this week vs
//! last).
//!
//! Owns: the Markdown layout. Words come from [`super::locale`], data from [`super::Brief`].

use super::digest::Digest;
use super::locale::{Key, Locale};
use super::tasks::{money, Task};
use super::Brief;
use std::fmt::Write;

/// Text safe inside a Markdown table cell: no pipes or line breaks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// A rep or manager as shown: "Name (id)", or the id.
pub(crate) fn person(name: Option<&str>, id: &str) -> String {
    match name {
        Some(n) if n != id => format!("{n} ({id})"),
        _ => id.to_string(),
    }
}

/// The customer as shown in a task: "Name (id)", or the id.
pub(crate) fn customer(task: &Task) -> String {
    person(task.customer_name.as_deref(), &task.customer_id)
}

/// A KPI value: counts as whole numbers, rates as percentages, money with two decimals.
pub(crate) fn kpi_value(name: &str, value: Option<f64>, currency: Option<&str>) -> String {
    match value {
        None => "–".into(),
        Some(v) if name.ends_with("_rate") => format!("{:.1}%", 100.0 * v),
        Some(v) if name == "net_revenue" => money(v, currency),
        Some(v) => format!("{v:.0}"),
    }
}

/// The change of a KPI: difference in the KPI's unit (points for rates).
pub(crate) fn kpi_change(
    name: &str,
    now: Option<f64>,
    before: Option<f64>,
    currency: Option<&str>,
) -> String {
    match (now, before) {
        (Some(a), Some(b)) if name.ends_with("_rate") => format!("{:+.1} pt", 100.0 * (a - b)),
        (Some(a), Some(b)) if name == "net_revenue" => {
            let sign = if a >= b { "+" } else { "" };
            format!("{sign}{}", money(a - b, currency))
        }
        (Some(a), Some(b)) => format!("{:+.0}", a - b),
        _ => "–".into(),
    }
}

/// The KPI's name in `locale`.
pub(crate) fn kpi_label(name: &str, locale: Locale) -> &'static str {
    locale.text(match name {
        "active_customers" => Key::ActiveCustomers,
        "churned_customers" => Key::ChurnedCustomers,
        "churn_rate" => Key::ChurnRate,
        "orders" => Key::Orders,
        "net_revenue" => Key::NetRevenue,
        _ => Key::ReturnRate,
    })
}

/// The offer of a task as one phrase: "Product (id) at price".
pub(crate) fn offer_text(task: &Task, currency: Option<&str>) -> String {
    match &task.offer {
        None => "–".into(),
        Some(o) => {
            let name = person(Some(&o.product_name), &o.product_id);
            match o.price {
                Some(p) => format!("{name} · {}", money(p, currency)),
                None => name,
            }
        }
    }
}

/// The whole brief in Markdown.
pub fn render(brief: &Brief, locale: Locale) -> String {
    let mut s = String::new();
    let cur = brief.currency.as_deref();
    let _ = writeln!(
        s,
        "# {} — {} {} ({} {})\n",
        locale.text(Key::Title),
        locale.text(Key::WeekOf),
        brief.week_of,
        locale.text(Key::AsOf),
        brief.as_of
    );
    for (rep, tasks) in brief.by_rep() {
        let first = tasks[0];
        let _ = writeln!(
            s,
            "## {} {}\n",
            locale.text(Key::TasksFor),
            person(first.rep_name.as_deref(), rep)
        );
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |\n|---|---|---|---|---:|---|---|",
            locale.text(Key::Rank),
            locale.text(Key::Customer),
            locale.text(Key::Action),
            locale.text(Key::Offer),
            locale.text(Key::Value),
            locale.text(Key::Due),
            locale.text(Key::Signals)
        );
        for t in &tasks {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} |",
                t.rank,
                cell(&customer(t)),
                cell(&t.action_text(locale)),
                cell(&offer_text(t, cur)),
                money(t.value, cur),
                t.due,
                cell(&t.signals.join(", "))
            );
        }
        s.push('\n');
        for t in &tasks {
            let _ = writeln!(s, "### {}. {}\n", t.rank, customer(t));
            let _ = writeln!(s, "**{}**\n", locale.text(Key::TalkingPoints));
            for p in &t.talking_points {
                let _ = writeln!(s, "- {p}");
            }
            let _ = writeln!(
                s,
                "\n**{}**\n\n> {}\n",
                locale.text(Key::Message),
                t.content(locale, cur)
            );
        }
    }
    for d in &brief.digests {
        digest(&mut s, brief, d, locale);
    }
    if brief.tasks.is_empty() && brief.digests.is_empty() {
        let _ = writeln!(s, "{}", locale.text(Key::NoTasks));
    }
    s
}

fn digest(s: &mut String, brief: &Brief, d: &Digest, locale: Locale) {
    let cur = brief.currency.as_deref();
    let _ = writeln!(
        s,
        "## {} {}\n\n{}: {}\n",
        locale.text(Key::DigestFor),
        person(d.manager_name.as_deref(), &d.manager_id),
        locale.text(Key::Team),
        d.reps.join(", ")
    );
    let _ = writeln!(s, "### {}\n", locale.text(Key::TeamSignals));
    if d.team_signals.is_empty() {
        let _ = writeln!(s, "{}\n", locale.text(Key::NoTeamSignals));
    }
    for t in &d.team_signals {
        let about = t
            .segment
            .as_deref()
            .map_or(String::new(), |x| format!(" ({x})"));
        let _ = writeln!(
            s,
            "- **{}**{about}: {} — {} {}",
            t.kind,
            t.evidence,
            money(t.value_at_stake, cur),
            locale.text(Key::AtStake)
        );
    }
    let _ = writeln!(s, "\n### {}\n", locale.text(Key::TopTasks));
    for rep in &d.reps {
        let tasks: Vec<&Task> = d.top_tasks.iter().filter(|t| &t.rep_id == rep).collect();
        let Some(first) = tasks.first() else { continue };
        let _ = writeln!(s, "- {}", person(first.rep_name.as_deref(), rep));
        for t in tasks {
            let _ = writeln!(
                s,
                "  {}. {} — {} ({})",
                t.rank,
                customer(t),
                t.action_text(locale),
                money(t.value, cur)
            );
        }
    }
    let _ = writeln!(
        s,
        "\n### {}\n\n| {} | {} | {} | {} |\n|---|---:|---:|---:|",
        locale.text(Key::Kpis),
        locale.text(Key::Kpi),
        locale.text(Key::ThisWeek),
        locale.text(Key::LastWeek),
        locale.text(Key::Change)
    );
    for k in &d.kpis {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            kpi_label(k.name, locale),
            kpi_value(k.name, k.this_week, cur),
            kpi_value(k.name, k.last_week, cur),
            kpi_change(k.name, k.this_week, k.last_week, cur)
        );
    }
    let _ = writeln!(s, "\n{}\n", locale.text(Key::KpiWindow));
}
