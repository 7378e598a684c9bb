//! The action plan out of trygg: `GET /api/v1/plan` (JSON, or the interventions as CSV) for
//! evaluators' scripts, and three CSV files for every signed-in staff member:
//! `/evaluate/plan.csv` (one row per intervention), `/evaluate/plan/outputs.csv` (one row per
//! output measure and year, planned and actual) and `/evaluate/plan/follow-ups.csv` (one row per
//! follow-up note). UTF-8 with a header row; codes and numbers as the API writes them (`delayed`,
//! `12.5`); written by [`crate::safe_csv`]: fields with `,` `;` `"` or line breaks are quoted, and
//! every piece of a cell that a spreadsheet would take for a formula (negative numbers included)
//! gets a `'` before it.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;

use super::indicators::{Format, FormatQuery, format, respond};
use super::{ANY_USER, AppError, AppState, EVALUATORS, Routes};
use crate::plan::links::target_text;
use crate::plan::number::canonical;
use crate::plan::{Responsible, Status};
use crate::store::plan as store;

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
    pub statistic: String,
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
                statistic: l.link.statistic.id().to_owned(),
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
                priority_area: i.priority_area.id().to_owned(),
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

fn number(value: Option<f64>) -> String {
    value.map(canonical).unwrap_or_default()
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
                    let statistic = match l.statistic.as_str() {
                        "mean" => crate::survey::Statistic::Mean,
                        _ => crate::survey::Statistic::Proportion,
                    };
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

/// One row per output measure and year with a value (a measure without values: one row
/// without a year).
pub fn outputs(plan: &Plan) -> String {
    let header = [
        "intervention_id",
        "intervention",
        "priority_area",
        "output_id",
        "output",
        "unit",
        "year",
        "planned",
        "actual",
    ];
    let mut rows = Vec::new();
    for i in &plan.interventions {
        for o in &i.outputs {
            let row = |year: String, planned: String, actual: String| {
                vec![
                    i.id.to_string(),
                    i.title.clone(),
                    i.priority_area.clone(),
                    o.id.to_string(),
                    o.name.clone(),
                    o.unit.clone(),
                    year,
                    planned,
                    actual,
                ]
            };
            if o.values.is_empty() {
                rows.push(row(String::new(), String::new(), String::new()));
            }
            for v in &o.values {
                rows.push(row(v.year.to_string(), number(v.planned), number(v.actual)));
            }
        }
    }
    write(&header, rows)
}

/// One row per follow-up note.
pub fn follow_ups(plan: &Plan) -> String {
    let header = ["intervention_id", "intervention", "year", "note"];
    let rows = plan
        .interventions
        .iter()
        .flat_map(|i| {
            i.follow_ups.iter().map(move |f| {
                vec![
                    i.id.to_string(),
                    i.title.clone(),
                    f.year.to_string(),
                    f.note.clone(),
                ]
            })
        })
        .collect();
    write(&header, rows)
}

async fn interventions_csv(State(state): State<AppState>) -> Result<Response, AppError> {
    let plan = load(&state).await?;
    Ok(respond(Format::Csv, &plan, interventions, "action-plan"))
}

async fn outputs_csv(State(state): State<AppState>) -> Result<Response, AppError> {
    let plan = load(&state).await?;
    Ok(respond(Format::Csv, &plan, outputs, "action-plan-outputs"))
}

async fn follow_ups_csv(State(state): State<AppState>) -> Result<Response, AppError> {
    let plan = load(&state).await?;
    Ok(respond(
        Format::Csv,
        &plan,
        follow_ups,
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
        ("format" = Option<super::indicators::OutputFormat>, Query, description = "json (default), or csv: one row per intervention; or send Accept: text/csv"),
    ),
    responses(
        (status = 200, description = "The action plan", content(
            (Plan = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "An unknown format", body = super::error::ErrorBody),
        (status = 500, description = "The plan could not be read", body = super::error::ErrorBody),
    )
)]
pub async fn api(
    State(state): State<AppState>,
    Query(query): Query<FormatQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let format = format(query.format.as_deref(), &headers)?;
    let plan = load(&state).await?;
    Ok(respond(format, &plan, interventions, "action-plan"))
}
