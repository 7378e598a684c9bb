//! Markup of the action plan's read pages: the plan by priority area (`/evaluate/plan`) and one
//! intervention with its output measures, indicators, follow-up notes and change history. The
//! plan's forms are in `forms`.

pub mod forms;

use std::collections::HashMap;

use chrono::DateTime;
use maud::{Markup, html};

use crate::accounts::Role;
use crate::entities::plan_follow_up;
use crate::plan::history::{field_label, value_text};
use crate::plan::number::localized;
use crate::plan::{Action, Change, Intervention, Status};
use crate::stats::trend::TargetStatus;
use crate::store::plan::{HistoryEntry, InterventionRow, LinkRow, OutputRow};
use crate::web::extract::PageCtx;
use crate::web::markup::layout;

/// Whether the signed-in user may change the plan (evaluators and admins; everyone else reads).
pub fn can_edit(ctx: &PageCtx) -> bool {
    ctx.user
        .as_ref()
        .is_some_and(|u| matches!(u.role, Role::Evaluator | Role::Admin))
}

/// A time as the history shows it: in Swedish time, as people write it ("2 april 2026 kl.
/// 14.05"), with the exact moment for machines in `datetime`.
pub fn when(ctx: &PageCtx, ts: i64) -> Markup {
    let machine = DateTime::from_timestamp(ts, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    html! { time datetime=(machine) { (crate::local_time::readable(ts, ctx.lang)) } }
}

/// The status in words, marked by a symbol and a border as well as its colour.
pub fn status_badge(ctx: &PageCtx, status: Status) -> Markup {
    let symbol = match status {
        Status::NotStarted => "○",
        Status::Ongoing => "◐",
        Status::Done => "●",
        Status::Delayed => "!",
        Status::Cancelled => "×",
    };
    html! {
        span class={ "status status-" (status.id()) } {
            span aria-hidden="true" { (symbol) " " }
            (status.label(ctx.lang))
        }
    }
}

pub fn promise_badge(ctx: &PageCtx) -> Markup {
    html! { span class="promise" { (ctx.t("Medborgarlöfte", "Citizen promise")) } }
}

pub fn period_text(i: &Intervention) -> String {
    if i.start_year == i.end_year {
        i.start_year.to_string()
    } else {
        format!("{}–{}", i.start_year, i.end_year)
    }
}

fn responsible_text(ctx: &PageCtx, i: &Intervention) -> String {
    if i.responsible_other.is_empty() {
        i.responsible.label(ctx.lang).to_owned()
    } else {
        format!("{}: {}", i.responsible.label(ctx.lang), i.responsible_other)
    }
}

/// What the overview is filtered by.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub year: Option<i32>,
    pub status: Option<Status>,
}

impl Filter {
    pub fn admits(&self, i: &Intervention) -> bool {
        self.year.is_none_or(|y| i.years().contains(&y))
            && self.status.is_none_or(|s| s == i.status)
    }
}

/// A notice after a change, by the `done` of the redirect.
pub fn notice(ctx: &PageCtx, done: &str) -> Option<&'static str> {
    let (sv, en) = match done {
        "created" => ("Insatsen är skapad.", "The intervention has been created."),
        "saved" => ("Ändringarna är sparade.", "The changes are saved."),
        "unchanged" => ("Inget ändrades.", "Nothing was changed."),
        "output" => (
            "Prestationsmåttet är sparat.",
            "The output measure is saved.",
        ),
        "output-deleted" => (
            "Prestationsmåttet är borttaget.",
            "The output measure has been removed.",
        ),
        "indicator" => ("Indikatorn är sparad.", "The indicator is saved."),
        "indicator-deleted" => (
            "Indikatorn är borttagen.",
            "The indicator has been removed.",
        ),
        "follow-up" => ("Uppföljningen är sparad.", "The follow-up is saved."),
        _ => return None,
    };
    Some(ctx.t(sv, en))
}

fn notice_box(notice: Option<&str>) -> Markup {
    html! { @if let Some(n) = notice { p class="notice" role="status" { (n) } } }
}

/// Free text with its line breaks kept.
fn prose(text: &str) -> Markup {
    html! { @for para in text.split("\n\n").filter(|p| !p.trim().is_empty()) { p class="prose" { (para.trim()) } } }
}

/// `/evaluate/plan`: every intervention by priority area, filtered by year and status.
pub fn overview(
    ctx: &PageCtx,
    rows: &[InterventionRow],
    areas: &[(String, String)],
    filter: &Filter,
    notice: Option<&str>,
) -> Markup {
    let title = ctx.t("Åtgärdsplan", "Action plan");
    let shown: Vec<&InterventionRow> = rows
        .iter()
        .filter(|r| filter.admits(&r.intervention))
        .collect();
    let years: Vec<i32> = {
        let mut ys: Vec<i32> = rows.iter().flat_map(|r| r.intervention.years()).collect();
        ys.sort_unstable();
        ys.dedup();
        ys
    };
    layout(
        ctx,
        title,
        html! {
            (notice_box(notice))
            h1 { (title) }
            p class="lead" { (ctx.t(
                "Kommunens och polisens insatser per prioriterat område: vem som ansvarar, hur de går och hur de följs upp.",
                "The municipality's and the police's interventions by priority area: who is responsible, how they are going and how they are followed up."
            )) }
            @if can_edit(ctx) {
                p { a class="button" href="/evaluate/plan/new" { (ctx.t("Ny insats", "New intervention")) } }
            }
            form method="get" action="/evaluate/plan" class="picker" {
                div class="field" {
                    label for="year" { (ctx.t("År", "Year")) }
                    select id="year" name="year" {
                        option value="" { (ctx.t("Alla år", "All years")) }
                        @for y in &years {
                            option value=(y) selected[filter.year == Some(*y)] { (y) }
                        }
                    }
                }
                div class="field" {
                    label for="status" { (ctx.t("Status", "Status")) }
                    select id="status" name="status" {
                        option value="" { (ctx.t("Alla", "All")) }
                        @for s in Status::ALL {
                            option value=(s.id()) selected[filter.status == Some(s)] { (s.label(ctx.lang)) }
                        }
                    }
                }
                button type="submit" class="secondary" { (ctx.t("Visa", "Show")) }
            }
            p role="status" {
                @if shown.len() == rows.len() {
                    (rows.len()) " " (ctx.t("insatser", "interventions"))
                } @else {
                    (ctx.t("Visar", "Showing")) " " (shown.len()) " " (ctx.t("av", "of")) " " (rows.len()) " " (ctx.t("insatser", "interventions"))
                }
            }
            @for (area, area_title) in areas {
                @let in_area: Vec<&&InterventionRow> = shown.iter().filter(|r| &r.intervention.priority_area == area).collect();
                section aria-labelledby=(format!("area-{area}")) {
                    h2 id=(format!("area-{area}")) { (area_title) }
                    @if in_area.is_empty() {
                        p class="muted" { (ctx.t("Inga insatser här.", "No interventions here.")) }
                    }
                    @for row in in_area {
                        (card(ctx, row))
                    }
                }
            }
            section aria-labelledby="download-h" {
                h2 id="download-h" { (ctx.t("Ladda ner", "Download")) }
                ul {
                    li { a href="/evaluate/plan.csv" { (ctx.t("Insatserna som CSV", "The interventions as CSV")) } }
                    li { a href="/evaluate/plan/outputs.csv" { (ctx.t("Prestationsmått per år som CSV", "Output measures per year as CSV")) } }
                    li { a href="/evaluate/plan/follow-ups.csv" { (ctx.t("Uppföljningar per år som CSV", "Follow-ups per year as CSV")) } }
                }
            }
        },
    )
}

fn card(ctx: &PageCtx, row: &InterventionRow) -> Markup {
    let i = &row.intervention;
    html! {
        article class="intervention" aria-labelledby=(format!("i-{}", row.id)) {
            h3 id=(format!("i-{}", row.id)) { a href=(format!("/evaluate/plan/{}", row.id)) { (i.title) } }
            p class="badges" {
                (status_badge(ctx, i.status))
                @if i.citizen_promise { " " (promise_badge(ctx)) }
            }
            dl class="facts" {
                dt { (ctx.t("Period", "Period")) } dd { (period_text(i)) }
                dt { (ctx.t("Ansvarig", "Responsible")) } dd { (responsible_text(ctx, i)) }
                @if !i.carried_out_by.is_empty() {
                    dt { (ctx.t("Genomför", "Carries out")) } dd { (i.carried_out_by) }
                }
                @if i.status.needs_reason() && !i.status_reason.is_empty() {
                    dt { (ctx.t("Orsak", "Reason")) } dd { (i.status_reason) }
                }
            }
        }
    }
}

/// An indicator link as the intervention page shows it.
#[derive(Debug, Clone)]
pub struct LinkView {
    pub row: LinkRow,
    /// The indicator's title, when its questionnaire is loaded.
    pub title: Option<String>,
    pub survey_title: Option<String>,
    /// The baseline wave's year.
    pub baseline_period: Option<i32>,
    /// The baseline and the latest value in words (evaluators and admins only).
    pub baseline_value: Option<String>,
    pub latest: Option<(i32, String)>,
    /// The target in words (`15 %`).
    pub target: Option<String>,
    /// Whether the latest closed wave meets the target (evaluators and admins only).
    pub target_status: Option<TargetStatus>,
}

fn target_words(ctx: &PageCtx, status: TargetStatus) -> &'static str {
    match status {
        TargetStatus::Met => ctx.t("nått", "met"),
        TargetStatus::NotMet => ctx.t("inte nått", "not met"),
        TargetStatus::Inconclusive => ctx.t(
            "oklart (målet ligger inom intervallet)",
            "inconclusive (the target lies within the interval)",
        ),
    }
}

/// Everything the intervention page shows.
pub struct InterventionPage<'a> {
    pub row: &'a InterventionRow,
    pub outputs: &'a [OutputRow],
    pub links: &'a [LinkView],
    pub follow_ups: &'a [plan_follow_up::Model],
    pub history: &'a [HistoryEntry],
    /// Titles of indicators by `survey/indicator`, for the history.
    pub names: &'a HashMap<String, String>,
    pub notice: Option<&'a str>,
    /// The priority area's title, from the agreements.
    pub area_title: String,
    /// The citizen promise it carries out: (link to the agreement's follow-up, its name).
    pub promise: Option<(String, String)>,
}

pub fn intervention(ctx: &PageCtx, page: &InterventionPage) -> Markup {
    let row = page.row;
    let i = &row.intervention;
    let base = format!("/evaluate/plan/{}", row.id);
    let edit = can_edit(ctx);
    layout(
        ctx,
        &i.title,
        html! {
            (notice_box(page.notice))
            p { a href="/evaluate/plan" { (ctx.t("Till åtgärdsplanen", "Back to the action plan")) } }
            h1 { (i.title) }
            p class="badges" {
                (status_badge(ctx, i.status))
                @if i.citizen_promise { " " (promise_badge(ctx)) }
            }
            @if edit { p { a href=(format!("{base}/edit")) { (ctx.t("Ändra insatsen", "Edit the intervention")) } } }
            dl class="facts plan-facts" {
                dt { (ctx.t("Prioriterat område", "Priority area")) } dd { (page.area_title) }
                dt { (ctx.t("Period", "Period")) } dd {
                    (period_text(i))
                    @if page.promise.is_none() && i.citizen_promise { " (" (ctx.t("medborgarlöfte, två år", "citizen promise, two years")) ")" }
                }
                @if let Some((href, name)) = &page.promise {
                    dt { (ctx.t("Medborgarlöfte", "Citizen promise")) } dd { a href=(href) { (name) } }
                }
                dt { (ctx.t("Status", "Status")) } dd {
                    (i.status.label(ctx.lang))
                    @if !i.status_reason.is_empty() { " – " (i.status_reason) }
                }
                dt { (ctx.t("Ansvarig organisation", "Responsible organisation")) } dd { (responsible_text(ctx, i)) }
                @for (label, value) in [
                    (ctx.t("Planerar", "Plans"), &i.planned_by),
                    (ctx.t("Genomför", "Carries out"), &i.carried_out_by),
                    (ctx.t("Följer upp", "Follows up"), &i.followed_up_by),
                    (ctx.t("Samverkanspartner", "Partners"), &i.partners),
                ] {
                    @if !value.is_empty() { dt { (label) } dd { (value) } }
                }
            }
            h2 { (ctx.t("Problemet", "The problem")) }
            (prose(&i.problem))
            @if !i.mechanism.is_empty() {
                h2 { (ctx.t("Så ska insatsen verka", "How it is meant to work")) }
                (prose(&i.mechanism))
            }
            (outputs_section(ctx, page, &base, edit))
            (links_section(ctx, page, &base, edit))
            (follow_up_section(ctx, page, &base, edit))
            (history_section(ctx, page.history, page.names))
        },
    )
}

/// The years an output measure is shown for: the intervention's period and any year with
/// values (the period may have been shortened since).
pub fn output_years(i: &Intervention, output: Option<&crate::plan::outputs::Output>) -> Vec<i32> {
    let mut years: Vec<i32> = i.years().collect();
    if let Some(o) = output {
        years.extend(o.values.keys().copied());
    }
    years.sort_unstable();
    years.dedup();
    years
}

fn outputs_section(ctx: &PageCtx, page: &InterventionPage, base: &str, edit: bool) -> Markup {
    let number = |v: Option<f64>| {
        v.map(|v| localized(ctx.lang, v))
            .unwrap_or_else(|| "–".into())
    };
    html! {
        section aria-labelledby="outputs-h" {
            h2 id="outputs-h" { (ctx.t("Prestationsmått", "Output measures")) }
            @if page.outputs.is_empty() {
                p class="muted" { (ctx.t("Inga prestationsmått ännu.", "No output measures yet.")) }
            }
            @for o in page.outputs {
                div class="table-wrap" {
                    table {
                        caption {
                            (o.output.name)
                            @if !o.output.unit.is_empty() { " (" (o.output.unit) ")" }
                            @if edit { " " a href=(format!("{base}/outputs/{}", o.id)) { (ctx.t("Ändra", "Edit")) span class="visually-hidden" { " " (o.output.name) } } }
                        }
                        thead { tr {
                            th scope="col" { (ctx.t("År", "Year")) }
                            th scope="col" class="num" { (ctx.t("Planerat", "Planned")) }
                            th scope="col" class="num" { (ctx.t("Utfall", "Actual")) }
                            th scope="col" class="num" { (ctx.t("Utfall av planerat", "Actual of planned")) }
                        } }
                        tbody {
                            @for year in output_years(&page.row.intervention, Some(&o.output)) {
                                @let v = o.output.values.get(&year).copied().unwrap_or_default();
                                tr {
                                    th scope="row" { (year) }
                                    td class="num" { (number(v.planned)) }
                                    td class="num" { (number(v.actual)) }
                                    td class="num" { @match (v.planned, v.actual) {
                                        (Some(p), Some(a)) if p > 0.0 => (format!("{}\u{a0}%", localized(ctx.lang, (a / p * 100.0).round()))),
                                        _ => "–",
                                    } }
                                }
                            }
                        }
                    }
                }
            }
            @if edit { p { a href=(format!("{base}/outputs/new")) { (ctx.t("Lägg till prestationsmått", "Add an output measure")) } } }
        }
    }
}

fn links_section(ctx: &PageCtx, page: &InterventionPage, base: &str, edit: bool) -> Markup {
    html! {
        section aria-labelledby="indicators-h" {
            h2 id="indicators-h" { (ctx.t("Utfallsindikatorer", "Outcome indicators")) }
            @if page.links.is_empty() {
                p class="muted" { (ctx.t("Inga indikatorer kopplade ännu.", "No indicators linked yet.")) }
            }
            ul class="links" {
                @for l in page.links {
                    @let link = &l.row.link;
                    @let name = l.title.clone().unwrap_or_else(|| crate::plan::links::indicator_key(&link.survey_id, &link.indicator_id));
                    li {
                        @if can_edit(ctx) && l.title.is_some() {
                            a href=(format!("/evaluate/indicators/{}/{}", link.survey_id, link.indicator_id)) { (name) }
                        } @else {
                            strong { (name) }
                        }
                        @if let Some(s) = &l.survey_title { " " span class="muted" { "(" (s) ")" } }
                        br;
                        (ctx.t("Utgångsläge", "Baseline")) ": "
                        @match (&l.survey_title, l.baseline_period) {
                            (Some(s), Some(p)) => { (s) " " (p) " " span class="muted small" { "(" (link.baseline_slug) ")" } }
                            (_, Some(p)) => { (p) " " span class="muted small" { "(" (link.baseline_slug) ")" } }
                            _ => { (link.baseline_slug) }
                        }
                        @if let Some(v) = &l.baseline_value { " – " (v) }
                        @if let Some((period, v)) = &l.latest { br; (ctx.t("Senast", "Latest")) " " (period) ": " (v) }
                        br;
                        (ctx.t("Mål", "Target")) ": "
                        @match &l.target { Some(t) => (t), None => (ctx.t("inget satt", "none set")) }
                        @if let Some(status) = l.target_status { " – " (target_words(ctx, status)) }
                        @if edit { " · " a href=(format!("{base}/indicators/{}", l.row.id)) { (ctx.t("Ändra", "Edit")) span class="visually-hidden" { " " (name) } } }
                    }
                }
            }
            @if edit { p { a href=(format!("{base}/indicators/new")) { (ctx.t("Koppla en indikator", "Link an indicator")) } } }
        }
    }
}

fn follow_up_section(ctx: &PageCtx, page: &InterventionPage, base: &str, edit: bool) -> Markup {
    html! {
        section aria-labelledby="follow-up-h" {
            h2 id="follow-up-h" { (ctx.t("Uppföljning per år", "Follow-up by year")) }
            @for year in page.row.intervention.years() {
                @let note = page.follow_ups.iter().find(|f| f.year == year);
                h3 { (year) }
                @match note {
                    Some(n) => { (prose(&n.note)) }
                    None => p class="muted" { (ctx.t("Ingen uppföljning skriven.", "No follow-up written.")) },
                }
                @if edit {
                    p { a href=(format!("{base}/follow-up/{year}")) {
                        @if note.is_some() { (ctx.t("Ändra uppföljningen", "Edit the follow-up")) } @else { (ctx.t("Skriv uppföljningen", "Write the follow-up")) }
                        span class="visually-hidden" { " " (year) }
                    } }
                }
            }
        }
    }
}

/// A stored value for the history in words, shortened when it is long.
fn short(ctx: &PageCtx, names: &HashMap<String, String>, field: &str, value: &str) -> String {
    let text = match names.get(value).filter(|_| field == "indicator") {
        Some(name) => name.clone(),
        None => value_text(ctx.lang, field, value),
    };
    if text.chars().count() > 160 {
        let cut: String = text.chars().take(157).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// One change in words: `2024 · Planerat: 12 → 14`; for something new just its value.
fn change_text(
    ctx: &PageCtx,
    names: &HashMap<String, String>,
    change: &Change,
    (created, with_subject): (bool, bool),
) -> String {
    let mut parts = Vec::new();
    if let Some(subject) = change.subject.as_ref().filter(|_| with_subject) {
        parts.push(names.get(subject).unwrap_or(subject).clone());
    }
    if let Some(year) = change.year {
        parts.push(year.to_string());
    }
    let value = |v: &Option<String>| {
        v.as_deref()
            .map_or_else(|| "–".to_owned(), |v| short(ctx, names, &change.field, v))
    };
    let values = if created && change.old.is_none() {
        value(&change.new)
    } else {
        format!("{} → {}", value(&change.old), value(&change.new))
    };
    parts.push(format!(
        "{}: {values}",
        field_label(ctx.lang, &change.field)
    ));
    parts.join(" · ")
}

fn history_section(
    ctx: &PageCtx,
    history: &[HistoryEntry],
    names: &HashMap<String, String>,
) -> Markup {
    html! {
        section aria-labelledby="history-h" {
            h2 id="history-h" { (ctx.t("Ändringshistorik", "Change history")) }
            ol class="history" {
                @for e in history {
                    @let created = matches!(e.action, Some(Action::Create | Action::OutputCreate | Action::IndicatorLink));
                    // A subject all changes share (an output measure, an indicator) is said once.
                    @let subject = e.changes.first().and_then(|c| c.subject.clone())
                        .filter(|s| e.changes.iter().all(|c| c.subject.as_ref() == Some(s)));
                    // In something new, its name or indicator is the heading's already.
                    @let lines: Vec<String> = e.changes.iter()
                        .filter(|c| !(created && subject.is_some() && matches!(c.field.as_str(), "name" | "indicator")))
                        .map(|c| change_text(ctx, names, c, (created, subject.is_none()))).collect();
                    li {
                        p {
                            strong { (e.action.map(|a| a.label(ctx.lang)).unwrap_or("–")) }
                            @if let Some(s) = &subject { " – " (names.get(s).unwrap_or(s)) }
                            br;
                            span class="muted" { (when(ctx, e.at)) " · " (e.actor) }
                        }
                        @if lines.len() > 4 {
                            details {
                                summary { (ctx.t("Visa alla", "Show all")) " " (lines.len()) }
                                ul { @for line in &lines { li { (line) } } }
                            }
                        } @else if !lines.is_empty() {
                            ul { @for line in &lines { li { (line) } } }
                        }
                    }
                }
            }
        }
    }
}
