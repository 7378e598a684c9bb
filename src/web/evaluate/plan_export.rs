//! The action plan out of trygg: `GET /api/v1/plan` (JSON, or the interventions as CSV) for
//! evaluators' scripts, and three CSV files for every signed-in staff member:
//! `/evaluate/plan.csv` (one row per intervention), `/evaluate/plan/outputs.csv` (one row per
//! output measure and year, planned and actual) and `/evaluate/plan/follow-ups.csv` (one row per
//! follow-up note).
//!
//! The API's CSV has codes and numbers as the JSON has them (`delayed`, `12.5`), `,` between
//! fields; `?dialect=excel-sv` gives the file the pages link to. The pages' three files are for
//! Swedish Excel ([`crate::safe_csv::excel_sv`]: byte-order mark, `;`, decimal comma), with
//! headers and words in the reader's language (`Försenad`, `Kommunen`), indicators by name and
//! times in Swedish local time. Both are written by [`crate::safe_csv`]: fields with `,` `;` `"`
//! or line breaks are quoted, and every piece of a text cell that a spreadsheet would take for a
//! formula gets a `'` before it (the API's file guards its negative numbers the same way; the
//! Excel file writes a negative number with `−`).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;

use crate::i18n::Lang;
use crate::plan::links::target_text;
use crate::plan::number::canonical;
use crate::plan::{Responsible, Status};
use crate::safe_csv::{Cell, excel_sv};
use crate::store::plan as store;
use crate::survey::{PriorityArea, SurveyCatalog};
use crate::web::api::indicators::{Dialect, Format, FormatQuery, format_and_dialect, respond};
use crate::web::extract::PageCtx;
use crate::web::{ANY_USER, AppError, AppState, EVALUATORS, Routes};

pub fn routes() -> Routes {
    Routes::default()
        .get("/evaluate/plan.csv", ANY_USER, interventions_csv)
        .get("/evaluate/plan/outputs.csv", ANY_USER, outputs_csv)
        .get("/evaluate/plan/follow-ups.csv", ANY_USER, follow_ups_csv)
        .get("/api/v1/plan", EVALUATORS, api)
}

/// The whole action plan.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Plan {
    pub interventions: Vec<PlanIntervention>,
}

/// An intervention (insats) with its output measures, indicators and follow-up notes.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlanIntervention {
    pub id: i64,
    /// `youth-at-risk`, `outdoor-insecurity` or `threats-violence`.
    pub priority_area: String,
    pub title: String,
    /// A citizen promise (medborgarlöfte), which runs two years.
    pub citizen_promise: bool,
    /// The problem it targets.
    pub problem: String,
    /// How it is meant to work.
    pub mechanism: String,
    pub responsible: Responsible,
    /// The organisation when `responsible` is `other`.
    pub responsible_other: String,
    pub planned_by: String,
    pub carried_out_by: String,
    pub followed_up_by: String,
    pub partners: String,
    pub start_year: i32,
    pub end_year: i32,
    pub status: Status,
    /// Why it is delayed or cancelled (or a comment on its status).
    pub status_reason: String,
    /// RFC 3339.
    pub updated_at: String,
    /// The same moment as a Unix time, for the files that give it in Swedish local time.
    #[serde(skip)]
    pub updated_ts: i64,
    pub outputs: Vec<PlanOutput>,
    pub indicators: Vec<PlanIndicator>,
    pub follow_ups: Vec<PlanFollowUp>,
}

/// An output measure (prestationsmått) with planned and actual values per year.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlanOutput {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub values: Vec<PlanOutputValue>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlanOutputValue {
    pub year: i32,
    pub planned: Option<f64>,
    pub actual: Option<f64>,
}

/// An outcome indicator the intervention is followed up with.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlanIndicator {
    pub survey: String,
    pub indicator: String,
    /// The slug of the wave that gives the baseline.
    pub baseline_wave: String,
    /// `proportion` or `mean`, which says how to read `target`.
    pub statistic: crate::survey::Statistic,
    /// As the survey files give targets: a proportion between 0 and 1, or a mean.
    pub target: Option<f64>,
}

/// The follow-up note of a year.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlanFollowUp {
    pub year: i32,
    pub note: String,
}

fn rfc3339(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// The plan as stored, in the overview's order.
async fn load(state: &AppState) -> Result<Plan, AppError> {
    let rows = store::list(&state.db).await?;
    let mut outputs: HashMap<i64, Vec<PlanOutput>> = HashMap::new();
    for o in store::outputs(&state.db, None).await? {
        outputs
            .entry(o.intervention_id)
            .or_default()
            .push(PlanOutput {
                id: o.id,
                values: o
                    .output
                    .values
                    .iter()
                    .map(|(&year, v)| PlanOutputValue {
                        year,
                        planned: v.planned,
                        actual: v.actual,
                    })
                    .collect(),
                name: o.output.name,
                unit: o.output.unit,
            });
    }
    let mut indicators: HashMap<i64, Vec<PlanIndicator>> = HashMap::new();
    for l in store::links(&state.db, &state.surveys, None).await? {
        indicators
            .entry(l.intervention_id)
            .or_default()
            .push(PlanIndicator {
                survey: l.link.survey_id,
                indicator: l.link.indicator_id,
                baseline_wave: l.link.baseline_slug,
                statistic: l.link.statistic,
                target: l.link.target,
            });
    }
    let mut follow_ups: HashMap<i64, Vec<PlanFollowUp>> = HashMap::new();
    for f in store::follow_ups(&state.db, None).await? {
        follow_ups
            .entry(f.intervention_id)
            .or_default()
            .push(PlanFollowUp {
                year: f.year,
                note: f.note,
            });
    }
    let interventions = rows
        .into_iter()
        .map(|r| {
            let i = r.intervention;
            PlanIntervention {
                id: r.id,
                priority_area: i.priority_area.clone(),
                title: i.title,
                citizen_promise: i.citizen_promise,
                problem: i.problem,
                mechanism: i.mechanism,
                responsible: i.responsible,
                responsible_other: i.responsible_other,
                planned_by: i.planned_by,
                carried_out_by: i.carried_out_by,
                followed_up_by: i.followed_up_by,
                partners: i.partners,
                start_year: i.start_year,
                end_year: i.end_year,
                status: i.status,
                status_reason: i.status_reason,
                updated_at: rfc3339(r.updated_at),
                updated_ts: r.updated_at,
                outputs: outputs.remove(&r.id).unwrap_or_default(),
                indicators: indicators.remove(&r.id).unwrap_or_default(),
                follow_ups: follow_ups.remove(&r.id).unwrap_or_default(),
            }
        })
        .collect();
    Ok(Plan { interventions })
}

/// Rows as CSV: the header, then each row, by the service's one CSV writer (quoted, and no cell
/// starts a spreadsheet formula).
fn write(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    crate::safe_csv::to_string(std::iter::once(header).chain(rows))
}

/// One row per intervention; its indicators in one cell, `survey/indicator (baseline WAVE,
/// target T)` separated by `; `.
pub fn interventions(plan: &Plan) -> String {
    let header = [
        "id",
        "priority_area",
        "title",
        "citizen_promise",
        "status",
        "status_reason",
        "start_year",
        "end_year",
        "responsible",
        "responsible_other",
        "planned_by",
        "carried_out_by",
        "followed_up_by",
        "partners",
        "problem",
        "mechanism",
        "indicators",
        "output_measures",
        "updated_at",
    ];
    let rows = plan
        .interventions
        .iter()
        .map(|i| {
            let indicators: Vec<String> = i
                .indicators
                .iter()
                .map(|l| {
                    let statistic = l.statistic;
                    let target = l
                        .target
                        .map(|t| format!(", target {}", target_text(statistic, t)))
                        .unwrap_or_default();
                    format!(
                        "{}/{} (baseline {}{target})",
                        l.survey, l.indicator, l.baseline_wave
                    )
                })
                .collect();
            vec![
                i.id.to_string(),
                i.priority_area.clone(),
                i.title.clone(),
                i.citizen_promise.to_string(),
                i.status.id().to_owned(),
                i.status_reason.clone(),
                i.start_year.to_string(),
                i.end_year.to_string(),
                i.responsible.id().to_owned(),
                i.responsible_other.clone(),
                i.planned_by.clone(),
                i.carried_out_by.clone(),
                i.followed_up_by.clone(),
                i.partners.clone(),
                i.problem.clone(),
                i.mechanism.clone(),
                indicators.join("; "),
                i.outputs.len().to_string(),
                i.updated_at.clone(),
            ]
        })
        .collect();
    write(&header, rows)
}

/// A number as typed (`12.5`), with as many decimals as it has, for Swedish Excel.
fn typed_number(value: Option<f64>) -> Cell {
    value.map_or(Cell::Empty, |v| {
        let decimals = canonical(v).split('.').nth(1).map_or(0, str::len);
        Cell::number(v, decimals)
    })
}

fn area_title(lang: Lang, id: &str) -> String {
    PriorityArea::parse(id).map_or_else(|| id.to_owned(), |a| a.title(lang).to_owned())
}

/// The interventions for Swedish Excel: one row each, words instead of codes, its indicators
/// by name in one cell.
pub fn interventions_sv(plan: &Plan, lang: Lang, surveys: &SurveyCatalog) -> String {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let header = [
        "Id",
        t("Prioriterat område", "Priority area"),
        t("Insats", "Intervention"),
        t("Medborgarlöfte", "Citizen promise"),
        t("Status", "Status"),
        t("Kommentar till status", "Comment on the status"),
        t("Startår", "Start year"),
        t("Slutår", "End year"),
        t("Ansvarig", "Responsible"),
        t(
            "Annan ansvarig organisation",
            "Other responsible organisation",
        ),
        t("Planeras av", "Planned by"),
        t("Genomförs av", "Carried out by"),
        t("Följs upp av", "Followed up by"),
        t("Samverkanspartner", "Partners"),
        t("Problem", "Problem"),
        t("Hur insatsen ska verka", "How it is meant to work"),
        t("Indikatorer", "Indicators"),
        t("Antal prestationsmått", "Output measures"),
        t("Senast ändrad (svensk tid)", "Last changed (Swedish time)"),
    ]
    .map(Cell::text)
    .to_vec();
    let rows = plan.interventions.iter().map(|i| {
        let indicators: Vec<String> = i
            .indicators
            .iter()
            .map(|l| {
                let survey = surveys.get(&l.survey);
                let title = survey
                    .and_then(|s| s.survey.indicator(&l.indicator))
                    .map_or_else(|| l.indicator.clone(), |ind| ind.title.get(lang).to_owned());
                let statistic = l.statistic;
                let target = l
                    .target
                    .map(|v| {
                        let text = target_text(statistic, v);
                        match lang {
                            Lang::Sv => format!(", mål {}", text.replace('.', ",")),
                            Lang::En => format!(", target {text}"),
                        }
                    })
                    .unwrap_or_default();
                format!(
                    "{title} ({} {}{target})",
                    t("baslinje", "baseline"),
                    l.baseline_wave
                )
            })
            .collect();
        let changed = crate::local_time::stockholm(i.updated_ts)
            .map(|(time, _)| time.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        vec![
            Cell::text(i.id.to_string()),
            Cell::text(area_title(lang, &i.priority_area)),
            Cell::text(&i.title),
            Cell::text(if i.citizen_promise {
                t("ja", "yes")
            } else {
                t("nej", "no")
            }),
            Cell::text(i.status.label(lang)),
            Cell::text(&i.status_reason),
            Cell::text(i.start_year.to_string()),
            Cell::text(i.end_year.to_string()),
            Cell::text(i.responsible.label(lang)),
            Cell::text(&i.responsible_other),
            Cell::text(&i.planned_by),
            Cell::text(&i.carried_out_by),
            Cell::text(&i.followed_up_by),
            Cell::text(&i.partners),
            Cell::text(&i.problem),
            Cell::text(&i.mechanism),
            Cell::text(indicators.join("; ")),
            Cell::count(i.outputs.len() as u64),
            Cell::text(changed),
        ]
    });
    excel_sv(std::iter::once(header).chain(rows))
}

/// Output measures for Swedish Excel: one row per measure and year.
pub fn outputs_sv(plan: &Plan, lang: Lang) -> String {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let header = [
        t("Insatsens id", "Intervention id"),
        t("Insats", "Intervention"),
        t("Prioriterat område", "Priority area"),
        t("Prestationsmåttets id", "Output measure id"),
        t("Prestationsmått", "Output measure"),
        t("Enhet", "Unit"),
        t("År", "Year"),
        t("Planerat", "Planned"),
        t("Utfall", "Actual"),
    ]
    .map(Cell::text)
    .to_vec();
    let mut rows = vec![header];
    for i in &plan.interventions {
        for o in &i.outputs {
            let row = |year: Cell, planned: Cell, actual: Cell| {
                vec![
                    Cell::text(i.id.to_string()),
                    Cell::text(&i.title),
                    Cell::text(area_title(lang, &i.priority_area)),
                    Cell::text(o.id.to_string()),
                    Cell::text(&o.name),
                    Cell::text(&o.unit),
                    year,
                    planned,
                    actual,
                ]
            };
            if o.values.is_empty() {
                rows.push(row(Cell::Empty, Cell::Empty, Cell::Empty));
            }
            for v in &o.values {
                rows.push(row(
                    Cell::text(v.year.to_string()),
                    typed_number(v.planned),
                    typed_number(v.actual),
                ));
            }
        }
    }
    excel_sv(rows)
}

/// Follow-up notes for Swedish Excel: one row each.
pub fn follow_ups_sv(plan: &Plan, lang: Lang) -> String {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let header = [
        t("Insatsens id", "Intervention id"),
        t("Insats", "Intervention"),
        t("År", "Year"),
        t("Uppföljning", "Follow-up"),
    ]
    .map(Cell::text)
    .to_vec();
    let rows = plan.interventions.iter().flat_map(|i| {
        i.follow_ups.iter().map(move |f| {
            vec![
                Cell::text(i.id.to_string()),
                Cell::text(&i.title),
                Cell::text(f.year.to_string()),
                Cell::text(&f.note),
            ]
        })
    });
    excel_sv(std::iter::once(header).chain(rows))
}

#[tracing::instrument(skip_all)]
async fn interventions_csv(
    ctx: PageCtx,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let plan = load(&state).await?;
    Ok(respond(
        Format::Csv,
        &plan,
        |p| interventions_sv(p, ctx.lang, &state.surveys),
        "action-plan",
    ))
}

#[tracing::instrument(skip_all)]
async fn outputs_csv(ctx: PageCtx, State(state): State<AppState>) -> Result<Response, AppError> {
    let plan = load(&state).await?;
    Ok(respond(
        Format::Csv,
        &plan,
        |p| outputs_sv(p, ctx.lang),
        "action-plan-outputs",
    ))
}

#[tracing::instrument(skip_all)]
async fn follow_ups_csv(ctx: PageCtx, State(state): State<AppState>) -> Result<Response, AppError> {
    let plan = load(&state).await?;
    Ok(respond(
        Format::Csv,
        &plan,
        |p| follow_ups_sv(p, ctx.lang),
        "action-plan-follow-ups",
    ))
}

/// The action plan: every intervention with its output measures (planned and actual per
/// year), outcome indicators (baseline wave, target) and follow-up notes.
#[utoipa::path(
    get,
    path = "/api/v1/plan",
    tag = "plan",
    operation_id = "action_plan",
    params(
        ("format" = Option<crate::web::api::indicators::OutputFormat>, Query, description = "json (default), or csv: one row per intervention; or send Accept: text/csv"),
        ("dialect" = Option<crate::web::api::indicators::CsvDialect>, Query, description = "excel-sv: the interventions as the page's file for Swedish Excel (byte-order mark, `;`, headers and words in the language of `lang`); implies format=csv"),
    ),
    responses(
        (status = 200, description = "The action plan", content(
            (Plan = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "An unknown format or dialect", body = crate::web::error::ErrorBody),
        (status = 500, description = "The plan could not be read", body = crate::web::error::ErrorBody),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn api(
    ctx: PageCtx,
    State(state): State<AppState>,
    Query(query): Query<FormatQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (format, dialect) =
        format_and_dialect(query.format.as_deref(), query.dialect.as_deref(), &headers)?;
    let plan = load(&state).await?;
    Ok(match dialect {
        Dialect::Contract => respond(format, &plan, interventions, "action-plan"),
        Dialect::ExcelSv => respond(
            format,
            &plan,
            |p| interventions_sv(p, ctx.lang, &state.surveys),
            "action-plan",
        ),
    })
}
