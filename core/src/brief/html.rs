//! The brief as HTML: a self-contained page (inline CSS and SVG, no external assets), right to
//! left for Hebrew.
//!
//! Owns: the HTML layout and escaping. Each task is an `<article class="task">` with its
//! customer, action, offer, value, due day, talking points, ready text and a small SVG of the
//! purchase rhythm ([`super::svg`]); each manager's digest is a `<section class="digest">`.
//! Words come from [`super::locale`], data from [`super::Brief`].

use super::digest::Digest;
use super::locale::{Key, Locale};
use super::markdown::{customer, kpi_change, kpi_label, kpi_value, offer_text, person};
use super::svg::rhythm_svg;
use super::tasks::{money, Task};
use super::Brief;
use std::fmt::Write;

/// Text safe in HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
.salespulse-brief{font-family:system-ui,-apple-system,'Segoe UI',Arial,sans-serif;color:#0f172a;\
max-width:960px;margin:0 auto;padding:16px;line-height:1.45}\
.salespulse-brief h1{font-size:1.5em;margin:0 0 12px}\
.salespulse-brief h2{font-size:1.2em;border-bottom:2px solid #e2e8f0;padding-bottom:4px;margin-top:28px}\
.salespulse-brief h3{font-size:1em;margin:14px 0 6px}\
.salespulse-brief .task{border:1px solid #e2e8f0;border-radius:8px;padding:10px 14px;margin:10px 0;\
display:grid;grid-template-columns:1fr 330px;gap:4px 16px}\
.salespulse-brief .task .facts{grid-column:1}\
.salespulse-brief .task .chart{grid-column:2;grid-row:1 / span 3;align-self:start}\
.salespulse-brief .task .rank{display:inline-block;min-width:1.6em;font-weight:700;color:#2563eb}\
.salespulse-brief .meta{color:#475569;font-size:.92em}\
.salespulse-brief .value{font-weight:700}\
.salespulse-brief .signals code{background:#f1f5f9;border-radius:4px;padding:0 4px;margin-inline-end:4px}\
.salespulse-brief ul{margin:4px 0;padding-inline-start:20px}\
.salespulse-brief blockquote{margin:6px 0;padding:6px 10px;background:#f8fafc;border-inline-start:3px solid #2563eb}\
.salespulse-brief table{border-collapse:collapse;margin:6px 0}\
.salespulse-brief th,.salespulse-brief td{border:1px solid #e2e8f0;padding:3px 8px;text-align:start}\
.salespulse-brief td.num{text-align:end;font-variant-numeric:tabular-nums}\
.salespulse-brief .legend{font-size:.8em;color:#475569}\
.salespulse-brief .legend .dot{color:#2563eb}.salespulse-brief .legend .band{color:#d97706}\
.salespulse-brief .legend .now{color:#dc2626}";

/// The brief as a `<div>` (for notebooks and for embedding in a page).
pub fn fragment(brief: &Brief, locale: Locale) -> String {
    let mut s = String::new();
    let cur = brief.currency.as_deref();
    let _ = write!(
        s,
        "<div class=\"salespulse-brief\" lang=\"{}\" dir=\"{}\"><style>{STYLE}</style>\
         <h1>{} — {} {} <span class=\"meta\">({} {})</span></h1>",
        locale.code(),
        locale.dir(),
        escape(locale.text(Key::Title)),
        escape(locale.text(Key::WeekOf)),
        brief.week_of,
        escape(locale.text(Key::AsOf)),
        brief.as_of
    );
    for (rep, tasks) in brief.by_rep() {
        let first = tasks[0];
        let _ = write!(
            s,
            "<section class=\"rep\" data-rep=\"{}\"><h2>{} {}</h2>",
            escape(rep),
            escape(locale.text(Key::TasksFor)),
            escape(&person(first.rep_name.as_deref(), rep))
        );
        for t in tasks {
            task(&mut s, t, locale, cur);
        }
        s.push_str("</section>");
    }
    for d in &brief.digests {
        digest(&mut s, brief, d, locale);
    }
    if brief.tasks.is_empty() && brief.digests.is_empty() {
        let _ = write!(s, "<p>{}</p>", escape(locale.text(Key::NoTasks)));
    }
    s.push_str("</div>");
    s
}

/// The brief as a whole HTML page.
pub fn document(brief: &Brief, locale: Locale) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\" dir=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} {}</title></head><body>{}</body></html>\n",
        locale.code(),
        locale.dir(),
        escape(locale.text(Key::Title)),
        brief.week_of,
        fragment(brief, locale)
    )
}

fn task(s: &mut String, t: &Task, locale: Locale, cur: Option<&str>) {
    let _ = write!(
        s,
        "<article class=\"task\" data-rank=\"{}\" data-customer=\"{}\"><div class=\"facts\">\
         <h3><span class=\"rank\">{}.</span> {}</h3>\
         <div><b>{}:</b> {}</div><div><b>{}:</b> {}</div>\
         <div class=\"meta\"><b>{}:</b> <span class=\"value\">{}</span> · <b>{}:</b> {} · \
         <span class=\"signals\"><b>{}:</b> {}</span></div></div>",
        t.rank,
        escape(&t.customer_id),
        t.rank,
        escape(&customer(t)),
        escape(locale.text(Key::Action)),
        escape(&t.action_text(locale)),
        escape(locale.text(Key::Offer)),
        escape(&offer_text(t, cur)),
        escape(locale.text(Key::Value)),
        escape(&money(t.value, cur)),
        escape(locale.text(Key::Due)),
        t.due,
        escape(locale.text(Key::Signals)),
        t.signals
            .iter()
            .map(|k| format!("<code>{}</code>", escape(k)))
            .collect::<String>()
    );
    if let Some(r) = &t.rhythm {
        let _ = write!(
            s,
            "<figure class=\"chart\" style=\"margin:0\">{}<figcaption class=\"legend\">\
             <span class=\"dot\">●</span> {} <span class=\"band\">■</span> {} \
             <span class=\"now\">|</span> {}</figcaption></figure>",
            rhythm_svg(r, locale),
            escape(locale.text(Key::Purchases)),
            escape(locale.text(Key::Expected)),
            escape(locale.text(Key::Today))
        );
    }
    let _ = write!(
        s,
        "<div class=\"facts\"><b>{}</b><ul>",
        escape(locale.text(Key::TalkingPoints))
    );
    for p in &t.talking_points {
        let _ = write!(s, "<li>{}</li>", escape(p));
    }
    let _ = write!(
        s,
        "</ul><b>{}</b><blockquote class=\"content\">{}</blockquote></div></article>",
        escape(locale.text(Key::Message)),
        escape(&t.content(locale, cur))
    );
}

fn digest(s: &mut String, brief: &Brief, d: &Digest, locale: Locale) {
    let cur = brief.currency.as_deref();
    let _ = write!(
        s,
        "<section class=\"digest\" data-manager=\"{}\"><h2>{} {}</h2><p class=\"meta\">{}: {}</p>\
         <h3>{}</h3>",
        escape(&d.manager_id),
        escape(locale.text(Key::DigestFor)),
        escape(&person(d.manager_name.as_deref(), &d.manager_id)),
        escape(locale.text(Key::Team)),
        escape(&d.reps.join(", ")),
        escape(locale.text(Key::TeamSignals))
    );
    if d.team_signals.is_empty() {
        let _ = write!(s, "<p>{}</p>", escape(locale.text(Key::NoTeamSignals)));
    } else {
        s.push_str("<ul class=\"team-signals\">");
        for t in &d.team_signals {
            let about = t
                .segment
                .as_deref()
                .map_or(String::new(), |x| format!(" ({x})"));
            let _ = write!(
                s,
                "<li><code>{}</code>{}: {} — <b>{}</b> {}</li>",
                escape(&t.kind),
                escape(&about),
                escape(&t.evidence),
                escape(&money(t.value_at_stake, cur)),
                escape(locale.text(Key::AtStake))
            );
        }
        s.push_str("</ul>");
    }
    let _ = write!(
        s,
        "<h3>{}</h3><ul class=\"top-tasks\">",
        escape(locale.text(Key::TopTasks))
    );
    for rep in &d.reps {
        let tasks: Vec<&Task> = d.top_tasks.iter().filter(|t| &t.rep_id == rep).collect();
        let Some(first) = tasks.first() else { continue };
        let _ = write!(
            s,
            "<li>{}<ol>",
            escape(&person(first.rep_name.as_deref(), rep))
        );
        for t in tasks {
            let _ = write!(
                s,
                "<li>{} — {} ({})</li>",
                escape(&customer(t)),
                escape(&t.action_text(locale)),
                escape(&money(t.value, cur))
            );
        }
        s.push_str("</ol></li>");
    }
    let _ = write!(
        s,
        "</ul><h3>{}</h3><table class=\"kpis\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        escape(locale.text(Key::Kpis)),
        escape(locale.text(Key::Kpi)),
        escape(locale.text(Key::ThisWeek)),
        escape(locale.text(Key::LastWeek)),
        escape(locale.text(Key::Change))
    );
    for k in &d.kpis {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(kpi_label(k.name, locale)),
            escape(&kpi_value(k.name, k.this_week, cur)),
            escape(&kpi_value(k.name, k.last_week, cur)),
            escape(&kpi_change(k.name, k.this_week, k.last_week, cur))
        );
    }
    let _ = write!(
        s,
        "</table><p class=\"legend\">{}</p></section>",
        escape(locale.text(Key::KpiWindow))
    );
}
