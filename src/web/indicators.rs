//! The evaluator API: a wave's indicators, an indicator's series over waves, and the priority
//! areas, as JSON or CSV (`?format=csv`, or `Accept: text/csv`). Evaluators and admins only.
//!
//! Every read comes from the stored results of `evaluate` (computed in the background); only a
//! wave that has never been computed is estimated on the request.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{AppError, AppState, EVALUATORS, Routes, Said};
use crate::evaluate::{self, csv_out};

pub fn routes() -> Routes {
    Routes::default()
        .get(
            "/api/v1/waves/{slug}/indicators",
            EVALUATORS,
            wave_indicators,
        )
        .get(
            "/api/v1/surveys/{survey}/indicators/{indicator}/series",
            EVALUATORS,
            series,
        )
        .get("/api/v1/areas", EVALUATORS, areas)
}

/// `?format=json|csv`.
#[derive(Debug, Deserialize)]
pub struct FormatQuery {
    pub format: Option<String>,
}

/// `?year=YYYY&format=…`.
#[derive(Debug, Deserialize)]
pub struct AreasQuery {
    pub format: Option<String>,
    /// The year to show; the latest year with a published wave when left out.
    pub year: Option<String>,
}

/// `?by=VAR&format=…`.
#[derive(Debug, Deserialize)]
pub struct SeriesQuery {
    pub by: Option<String>,
    pub format: Option<String>,
}

/// `?format=`: how the answer is written (described for the OpenAPI document; the handlers read
/// the parameter as text, so that another value gets a 400 naming the ones there are).
#[derive(Debug, Clone, Copy, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum OutputFormat {
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Json,
    Csv,
}

pub(super) fn format(asked: Option<&str>, headers: &HeaderMap) -> Result<Format, AppError> {
    match asked {
        Some("json") => Ok(Format::Json),
        Some("csv") => Ok(Format::Csv),
        Some(other) => Err(AppError::BadRequest(Said::new(
            format!("Formatet ”{other}” finns inte; välj json eller csv."),
            format!("format `{other}` is not known; use json or csv"),
        ))),
        None => {
            let accept = headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            Ok(if accept.contains("text/csv") {
                Format::Csv
            } else {
                Format::Json
            })
        }
    }
}

pub(super) fn respond<T: serde::Serialize>(
    format: Format,
    value: &T,
    csv: impl FnOnce(&T) -> String,
    file: &str,
) -> Response {
    match format {
        Format::Json => axum::Json(value).into_response(),
        Format::Csv => {
            let mut response = csv(value).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}.csv\"")) {
                headers.insert(header::CONTENT_DISPOSITION, v);
            }
            response
        }
    }
}

/// A wave's published indicators: what went into them, and every estimate by domain.
#[utoipa::path(
    get,
    path = "/api/v1/waves/{slug}/indicators",
    tag = "indicators",
    operation_id = "wave_indicators",
    params(
        ("slug" = String, Path, description = "The wave's slug"),
        ("format" = Option<OutputFormat>, Query, description = "json (default) or csv; or send Accept: text/csv"),
    ),
    responses(
        (status = 200, description = "The wave's latest publication", content(
            (crate::evaluate::WaveIndicators = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "An unknown format", body = super::error::ErrorBody),
        (status = 404, description = "No wave with this slug", body = super::error::ErrorBody),
        (status = 409, description = "The wave is not closed (or closed without responses): it publishes nothing but its number of responses, which the error gives", body = super::error::ErrorBody),
        (status = 500, description = "The estimates could not be computed", body = super::error::ErrorBody),
        (status = 503, description = "The wave's questionnaire is not loaded", body = super::error::ErrorBody),
    )
)]
pub async fn wave_indicators(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<FormatQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let format = format(query.format.as_deref(), &headers)?;
    let wave = crate::store::waves::find_by_slug(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let result = evaluate::wave_indicators(&state.db, &state.surveys, &wave).await?;
    Ok(respond(
        format,
        &result,
        csv_out::wave,
        &format!("{slug}-indicators"),
    ))
}

/// An indicator over the survey's waves in period order: estimates, changes, trend, verdict and
/// target status, overall or per category of a background question.
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{survey}/indicators/{indicator}/series",
    tag = "indicators",
    operation_id = "indicator_series",
    params(
        ("survey" = String, Path, description = "The survey's id, e.g. resident-safety"),
        ("indicator" = String, Path, description = "The indicator's id, e.g. unsafe_night"),
        ("by" = Option<String>, Query, description = "A background question: one series per category"),
        ("format" = Option<OutputFormat>, Query, description = "json (default) or csv; or send Accept: text/csv"),
    ),
    responses(
        (status = 200, description = "The series", content(
            (crate::evaluate::series::Series = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "An unknown format, or `by` is not a background question", body = super::error::ErrorBody),
        (status = 404, description = "No such survey or indicator", body = super::error::ErrorBody),
        (status = 500, description = "The estimates could not be computed", body = super::error::ErrorBody),
        (status = 503, description = "A wave's questionnaire is not loaded", body = super::error::ErrorBody),
    )
)]
pub async fn series(
    State(state): State<AppState>,
    Path((survey_id, indicator_id)): Path<(String, String)>,
    Query(query): Query<SeriesQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let format = format(query.format.as_deref(), &headers)?;
    let loaded = state.surveys.get(&survey_id).ok_or(AppError::NotFound)?;
    let survey = &loaded.survey;
    let indicator = survey.indicator(&indicator_id).ok_or(AppError::NotFound)?;
    let by = query.by.as_deref().filter(|b| !b.is_empty());
    if let Some(by) = by
        && !survey.background_questions().any(|q| q.id == by)
    {
        let known: Vec<&str> = survey
            .background_questions()
            .map(|q| q.id.as_str())
            .collect();
        return Err(AppError::BadRequest(Said::new(
            format!(
                "Uppdelningen (by) måste vara en bakgrundsfråga i enkäten: {}.",
                known.join(", ")
            ),
            format!(
                "`by` must be a background question of the survey: {}",
                known.join(", ")
            ),
        )));
    }
    let waves = evaluate::areas::survey_waves(&state.db, &state.surveys, &survey_id).await?;
    let series = evaluate::series::build(&survey_id, indicator, &waves, by);
    Ok(respond(
        format,
        &series,
        csv_out::series,
        &format!("{survey_id}-{indicator_id}-series"),
    ))
}

/// Per priority area of the action plan, each indicator's latest value, change, trend, verdict
/// and target status, up to a year; and its headline figures (per grade for the school survey),
/// each with the wave it is from, the comparison values judged against it and the series' marks.
#[utoipa::path(
    get,
    path = "/api/v1/areas",
    tag = "indicators",
    operation_id = "areas",
    params(
        ("format" = Option<OutputFormat>, Query, description = "json (default) or csv; or send Accept: text/csv"),
        ("year" = Option<i32>, Query, description = "the year to show (each questionnaire's latest published wave up to it); the latest year when left out"),
    ),
    responses(
        (status = 200, description = "The priority areas", content(
            (crate::evaluate::areas::Areas = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "An unknown format", body = super::error::ErrorBody),
        (status = 500, description = "The estimates could not be computed", body = super::error::ErrorBody),
    )
)]
pub async fn areas(
    State(state): State<AppState>,
    Query(query): Query<AreasQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let format = format(query.format.as_deref(), &headers)?;
    let year = match query.year.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(
            text.parse::<i32>()
                .ok()
                .filter(|y| (1900..=2200).contains(y))
                .ok_or_else(|| {
                    AppError::BadRequest(Said::new(
                        format!("`year` ska vara ett år, till exempel 2025, inte {text:?}"),
                        format!("`year` must be a year such as 2025, not {text:?}"),
                    ))
                })?,
        ),
    };
    let areas = evaluate::areas::areas(&state.db, &state.surveys, year).await?;
    Ok(respond(format, &areas, csv_out::areas, "areas"))
}
