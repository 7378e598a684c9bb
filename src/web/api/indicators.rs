//! The evaluator API: a wave's indicators, an indicator's series over waves, and the priority
//! areas, as JSON or CSV (`?format=csv`, or `Accept: text/csv`). Evaluators and admins only.
//! The CSV is the contract's (`,`, codes, full precision) unless `?dialect=excel-sv` asks for
//! the file for Swedish Excel (`evaluate::csv_sv`), which the pages link to.
//!
//! Every read comes from the stored results of `evaluate` (computed in the background); only a
//! wave that has never been computed is estimated on the request.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::evaluate::{self, csv_out, csv_sv};
use crate::web::extract::PageCtx;
use crate::web::{AppError, AppState, EVALUATORS, Routes, Said};

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

/// `?format=json|csv&dialect=excel-sv`.
#[derive(Debug, Deserialize)]
pub struct FormatQuery {
    pub format: Option<String>,
    pub dialect: Option<String>,
}

/// `?year=YYYY&format=…`.
#[derive(Debug, Deserialize)]
pub struct AreasQuery {
    pub format: Option<String>,
    pub dialect: Option<String>,
    /// The year to show; the latest year with a published wave when left out.
    pub year: Option<String>,
}

/// `?by=VAR&format=…&dialect=…`.
#[derive(Debug, Deserialize)]
pub struct SeriesQuery {
    pub by: Option<String>,
    pub format: Option<String>,
    pub dialect: Option<String>,
}

/// `?dialect=`: how a CSV is written (described for the OpenAPI document).
#[derive(Debug, Clone, Copy, utoipa::ToSchema)]
#[allow(dead_code)]
pub enum CsvDialect {
    /// For Swedish Excel: UTF-8 byte-order mark, `;` between fields, decimal comma, headers in
    /// the caller's language (`?lang=en`), names instead of codes, rounded numbers, a change as
    /// its size and its direction in words, hidden figures as `..`.
    #[serde(rename = "excel-sv")]
    ExcelSv,
}

/// Which CSV: the contract's, or the one for Swedish Excel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::web) enum Dialect {
    Contract,
    ExcelSv,
}

/// The format and the CSV dialect asked for: `?dialect=excel-sv` alone means CSV; with
/// `format=json` it is refused, and so is a dialect that does not exist.
pub(in crate::web) fn format_and_dialect(
    format_asked: Option<&str>,
    dialect_asked: Option<&str>,
    headers: &HeaderMap,
) -> Result<(Format, Dialect), AppError> {
    let dialect = match dialect_asked {
        None => Dialect::Contract,
        Some("excel-sv") => Dialect::ExcelSv,
        Some(other) => {
            return Err(AppError::BadRequest(Said::new(
                format!("CSV-dialekten ”{other}” finns inte; den som finns är excel-sv."),
                format!("dialect `{other}` is not known; the one there is is excel-sv"),
            )));
        }
    };
    match (format_asked, dialect) {
        (None, Dialect::ExcelSv) => Ok((Format::Csv, dialect)),
        (Some("json"), Dialect::ExcelSv) => Err(AppError::BadRequest(Said::new(
            "En dialekt gäller bara CSV; ta bort dialect eller välj format=csv.",
            "a dialect applies to CSV only; leave out `dialect` or use format=csv",
        ))),
        _ => Ok((format(format_asked, headers)?, dialect)),
    }
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
pub(in crate::web) enum Format {
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

pub(in crate::web) fn respond<T: serde::Serialize>(
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
        ("dialect" = Option<CsvDialect>, Query, description = "excel-sv: the CSV for Swedish Excel (byte-order mark, `;`, decimal comma, headers in the language of `lang`, indicators and groups by name, proportions in percent with one decimal, suppressed figures as `..`); implies format=csv. Without it the CSV is the contract's"),
    ),
    responses(
        (status = 200, description = "The wave's latest publication", content(
            (crate::evaluate::WaveIndicators = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "An unknown format or dialect", body = crate::web::error::ErrorBody),
        (status = 404, description = "No wave with this slug", body = crate::web::error::ErrorBody),
        (status = 409, description = "The wave is not closed (or closed without responses): it publishes nothing but its number of responses, which the error gives", body = crate::web::error::ErrorBody),
        (status = 500, description = "The estimates could not be computed", body = crate::web::error::ErrorBody),
        (status = 503, description = "The wave's questionnaire is not loaded", body = crate::web::error::ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(wave = %slug))]
pub async fn wave_indicators(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<FormatQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (format, dialect) =
        format_and_dialect(query.format.as_deref(), query.dialect.as_deref(), &headers)?;
    let wave = crate::store::waves::find_by_slug(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let result = evaluate::wave_indicators(&state.db, &state.surveys, &wave).await?;
    let file = format!("{slug}-indicators");
    Ok(match dialect {
        Dialect::Contract => respond(format, &result, csv_out::wave, &file),
        Dialect::ExcelSv => {
            let survey = state.surveys.get(&result.wave.survey);
            let survey = survey.map(|l| l.survey.as_ref());
            respond(
                format,
                &result,
                |r| csv_sv::wave(r, survey, ctx.lang),
                &file,
            )
        }
    })
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
        ("dialect" = Option<CsvDialect>, Query, description = "excel-sv: the CSV for Swedish Excel (byte-order mark, `;`, decimal comma, headers in the language of `lang`, names instead of codes, rounded numbers, a change as its size with its direction in words); implies format=csv"),
    ),
    responses(
        (status = 200, description = "The series", content(
            (crate::evaluate::series::Series = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "An unknown format or dialect, or `by` is not a background question", body = crate::web::error::ErrorBody),
        (status = 404, description = "No such survey or indicator", body = crate::web::error::ErrorBody),
        (status = 500, description = "The estimates could not be computed", body = crate::web::error::ErrorBody),
        (status = 503, description = "A wave's questionnaire is not loaded", body = crate::web::error::ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(survey = %survey_id, indicator = %indicator_id))]
pub async fn series(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path((survey_id, indicator_id)): Path<(String, String)>,
    Query(query): Query<SeriesQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (format, dialect) =
        format_and_dialect(query.format.as_deref(), query.dialect.as_deref(), &headers)?;
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
    let file = format!("{survey_id}-{indicator_id}-series");
    Ok(match dialect {
        Dialect::Contract => respond(format, &series, csv_out::series, &file),
        Dialect::ExcelSv => respond(
            format,
            &series,
            |s| csv_sv::series(s, Some(survey), ctx.lang),
            &file,
        ),
    })
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
        ("dialect" = Option<CsvDialect>, Query, description = "excel-sv: the CSV for Swedish Excel (byte-order mark, `;`, decimal comma, headers in the language of `lang`, rounded numbers, a change as its size with its direction in words); implies format=csv"),
    ),
    responses(
        (status = 200, description = "The priority areas", content(
            (crate::evaluate::areas::Areas = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "An unknown format", body = crate::web::error::ErrorBody),
        (status = 500, description = "The estimates could not be computed", body = crate::web::error::ErrorBody),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn areas(
    ctx: PageCtx,
    State(state): State<AppState>,
    Query(query): Query<AreasQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (format, dialect) =
        format_and_dialect(query.format.as_deref(), query.dialect.as_deref(), &headers)?;
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
    let areas = evaluate::areas::areas(&state.db, &state.surveys, &state.agreements, year).await?;
    Ok(match dialect {
        Dialect::Contract => respond(format, &areas, csv_out::areas, "areas"),
        Dialect::ExcelSv => respond(format, &areas, |a| csv_sv::areas(a, ctx.lang), "areas"),
    })
}
