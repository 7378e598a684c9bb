//! The JSON API. Here: the respondents' clients' `POST /api/v1/waves/{slug}/responses`; the
//! evaluators' indicators in `indicators` (JSON or CSV), the lägesbild's sources in `sources`, the
//! OpenAPI description of them all in `openapi`.
//!
//! Status codes are the contract in DESIGN.md: 201 stored, 200 the same submission again, 409 the
//! same submission id with another body, 422 answers that do not fit, 404 unknown wave, 403 a
//! missing, used or wrong access code, 410 a wave that is closed or not open yet.

pub(super) mod indicators;
mod openapi;
mod sources;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::collect::{Outcome, Refusal, Wave, WaveState, intake};
use crate::i18n::Lang;
use crate::problems::Problems;
use crate::survey::{AnswerProblem, Survey};
use crate::web::error::Detail;
use crate::web::extract::Json;
use crate::web::{AppError, AppState, PUBLIC, Routes, Said};

pub fn routes() -> Routes {
    Routes::default()
        .post_api("/api/v1/waves/{slug}/responses", PUBLIC, submit)
        .merge(indicators::routes())
        .merge(sources::routes())
        .merge(openapi::routes())
}

/// The wave and its questionnaire, or the error a respondent gets: 404 for an unknown wave, 410
/// for one that is not open.
pub async fn open_wave(
    state: &AppState,
    slug: &str,
) -> Result<(Wave, std::sync::Arc<Survey>), AppError> {
    let wave = state
        .collector
        .wave(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    match wave.state() {
        WaveState::Open => {}
        WaveState::Scheduled => {
            return Err(AppError::NotYetOpen {
                opens_at: wave.opens_at,
            });
        }
        WaveState::Closed => {
            return Err(AppError::Gone(Said::new(
                "Undersökningen är stängd och tar inte längre emot svar.",
                "this survey is closed",
            )));
        }
    }
    let survey = state.surveys.version(&wave.survey_id, wave.survey_version).ok_or_else(|| {
        tracing::error!(wave = %wave.slug, survey = %wave.survey_id, version = wave.survey_version, "the questionnaire of an open wave is not loaded");
        AppError::Unavailable(Said::new(
            "Undersökningen går inte att besvara just nu. Försök igen senare.",
            "this survey is not available right now",
        ))
    })?;
    Ok((wave, survey))
}

/// The response for a refused body.
pub fn refusal_error(refusal: Refusal) -> AppError {
    match refusal {
        Refusal::Malformed(message) => AppError::Validation {
            message,
            details: Vec::new(),
        },
        Refusal::Answers(problems) => AppError::Validation {
            message: answers_message(&problems),
            details: problems
                .iter()
                .map(|p| Detail {
                    question: p.question.clone(),
                    message: p.message.clone(),
                })
                .collect(),
        },
        Refusal::MissingCode => AppError::Forbidden(Said::new(
            "Den här undersökningen besvaras med en personlig kod eller länk.",
            "this survey needs a valid personal code or link",
        )),
    }
}

/// The 422's `error`: how many answers do not fit, and how many of them `details` lists.
fn answers_message(problems: &Problems<AnswerProblem>) -> String {
    match (problems.total(), problems.hidden()) {
        (1, _) => "1 answer does not fit the questionnaire".to_owned(),
        (n, 0) => format!("{n} answers do not fit the questionnaire"),
        (n, _) => format!(
            "{} answers do not fit the questionnaire; details lists the first {}",
            Lang::En.number(n as i128),
            problems.len()
        ),
    }
}

/// What a stored submission is answered with.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Stored {
    #[schema(inline)]
    pub status: StoredStatus,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub enum StoredStatus {
    /// Stored now (201).
    #[serde(rename = "stored")]
    Stored,
    /// The same submission was stored before (200); nothing was stored again.
    #[serde(rename = "stored before")]
    StoredBefore,
}

/// A respondent's answers to a wave, from a client of the respondents' own (the web form posts
/// its pages elsewhere).
#[utoipa::path(
    post,
    path = "/api/v1/waves/{slug}/responses",
    tag = "responses",
    operation_id = "submit_response",
    params(("slug" = String, Path, description = "The wave's short name, as in its link /s/{slug}")),
    request_body(content = crate::collect::intake::ApiBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Stored", body = Stored),
        (status = 200, description = "The same submission_id with the same body again: stored once, before", body = Stored),
        (status = 400, description = "The body is not JSON", body = crate::web::error::ErrorBody),
        (status = 403, description = "A missing, used or wrong access code", body = crate::web::error::ErrorBody),
        (status = 404, description = "No wave with this slug", body = crate::web::error::ErrorBody),
        (status = 409, description = "The same submission_id with another body", body = crate::web::error::ErrorBody),
        (status = 410, description = "The wave is closed or not open yet", body = crate::web::error::ErrorBody),
        (status = 413, description = "The body is larger than the API takes", body = crate::web::error::ErrorBody),
        (status = 415, description = "The body is not sent as application/json", body = crate::web::error::ErrorBody),
        (status = 422, description = "The body does not have the contract's shape, or answers do not fit the questionnaire: `details` names each question", body = crate::web::error::ErrorBody),
        (status = 503, description = "The questionnaire of the wave is not available right now", body = crate::web::error::ErrorBody),
    )
)]
pub async fn submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Json(body): Json<Value>,
) -> Result<Response, AppError> {
    let (wave, survey) = open_wave(&state, &slug).await?;
    let submission = intake::from_value(&wave, &survey, body).map_err(refusal_error)?;
    let outcome = state
        .collector
        .submit(submission)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(match outcome {
        Outcome::Created => (
            StatusCode::CREATED,
            axum::Json(Stored {
                status: StoredStatus::Stored,
            }),
        )
            .into_response(),
        Outcome::Repeated => (
            StatusCode::OK,
            axum::Json(Stored {
                status: StoredStatus::StoredBefore,
            }),
        )
            .into_response(),
        Outcome::Conflict => {
            return Err(AppError::Conflict(Said::new(
                "Det här svaret (submission_id) skickades in tidigare med annat innehåll.",
                "this submission_id was used before with other content",
            )));
        }
        Outcome::AccessDenied => {
            return Err(AppError::Forbidden(Said::new(
                "Koden finns inte eller har redan använts.",
                "this code is unknown or has already been used",
            )));
        }
        Outcome::NotOpen => {
            return Err(AppError::Gone(Said::new(
                "Undersökningen tar inte emot svar just nu.",
                "this survey is closed",
            )));
        }
    })
}
