//! The one error type of the web layer.
//!
//! Handlers return `Result<_, AppError>`. An error becomes a status and a JSON body; for pages (any
//! path outside `/api/`) the `render_errors` middleware in `web::middleware` turns that into an
//! HTML page in the visitor's language (and gives axum's own plain-text refusals the same shapes). Database and unexpected errors are logged with their cause
//! chain and answered with a plain 500 that reveals nothing.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One problem with one field or question of a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Detail {
    /// The question's id (or a field of the body, such as `submission_id`).
    pub question: String,
    pub message: String,
}

/// A message said in both languages: pages show the visitor's, the API's `error` is the English.
/// There is no way to make one from one language alone, so no refusal reaches a Swedish page in
/// English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub sv: String,
    pub en: String,
}

impl Said {
    pub fn new(sv: impl Into<String>, en: impl Into<String>) -> Said {
        Said {
            sv: sv.into(),
            en: en.into(),
        }
    }
}

impl std::fmt::Display for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign in to continue")]
    Unauthorized,
    /// A bearer token that opens nothing: malformed, unknown, expired or revoked.
    #[error("the API token is unknown, expired or revoked")]
    BadToken,
    #[error("{0}")]
    Forbidden(Said),
    #[error("{0}")]
    BadRequest(Said),
    /// A request that cannot be read at all: malformed JSON or form data (400), a body over the
    /// route's limit (413), a Content-Type the route does not take (415). Said in both
    /// languages, since the page shows it as it is; the API's `error` is the English text.
    #[error("{en}")]
    Unreadable {
        status: StatusCode,
        sv: String,
        en: String,
    },
    #[error("{message}")]
    Validation {
        message: String,
        details: Vec<Detail>,
    },
    #[error("{0}")]
    Conflict(Said),
    #[error("{0}")]
    Gone(Said),
    #[error("{0}")]
    Unavailable(Said),
    /// A wave whose period has not begun (410, as for a closed one: the contract has one status
    /// for "not accepting answers"); its page says when it opens.
    #[error("this survey is not open yet")]
    NotYetOpen { opens_at: Option<i64> },
    #[error("too many attempts; try again in {0} seconds")]
    TooManyRequests(i64),
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

/// What a page needs to show for an error; put into the response's extensions.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub status: StatusCode,
    /// The API's English message.
    pub message: String,
    /// What the page says, in both languages.
    pub page: Said,
    /// The page's heading and explanation when the status alone does not say it
    /// (`[sv heading, en heading, sv explanation, en explanation]`).
    pub heading: Option<[&'static str; 4]>,
}

/// The body of every error answer of the API.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody<'a> {
    /// What went wrong, in English.
    #[schema(value_type = String)]
    pub error: &'a str,
    /// Each answer that does not fit: always present on a 422, as the contract promises; left
    /// out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Detail>>)]
    pub details: Option<&'a [Detail]>,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized | AppError::BadToken => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unreadable { status, .. } => *status,
            AppError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Gone(_) | AppError::NotYetOpen { .. } => StatusCode::GONE,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl AppError {
    /// What an error page says, in both languages. The English defaults to the API's message
    /// as a sentence.
    pub fn page_message(&self) -> Said {
        use crate::i18n::{Lang, day_words};
        let sv = match self {
            // The page's heading says it all.
            AppError::NotFound => return Said::new("", ""),
            AppError::NotYetOpen { opens_at: Some(t) } => {
                return Said::new(
                    format!(
                        "Den öppnar {}. Välkommen tillbaka då!",
                        day_words(Lang::Sv, *t)
                    ),
                    format!(
                        "It opens on {}. Welcome back then!",
                        day_words(Lang::En, *t)
                    ),
                );
            }
            AppError::NotYetOpen { opens_at: None } => {
                return Said::new(
                    "Den har inte öppnat än. Välkommen tillbaka senare!",
                    "It has not opened yet. Welcome back later!",
                );
            }
            AppError::Unauthorized => "Logga in för att fortsätta".to_owned(),
            AppError::BadToken => {
                "API-nyckeln är okänd, har gått ut eller är återkallad".to_owned()
            }
            AppError::Forbidden(said)
            | AppError::BadRequest(said)
            | AppError::Conflict(said)
            | AppError::Gone(said)
            | AppError::Unavailable(said) => said.sv.clone(),
            AppError::Unreadable { sv, .. } => sv.clone(),
            // The details name questions and are read by programs; a page says it plainly.
            AppError::Validation { .. } => "Svaren kunde inte tas emot".to_owned(),
            AppError::TooManyRequests(secs) => {
                format!(
                    "För många försök. Försök igen om {} sekunder.",
                    secs.max(&1)
                )
            }
            AppError::Db(_) | AppError::Internal(_) => "Något gick fel hos oss".to_owned(),
        };
        Said::new(sv, sentence(&self.to_string()))
    }

    /// axum's own plain-text error answer (`text`, possibly empty) as trygg's error.
    pub fn from_plain(status: StatusCode, text: &str) -> AppError {
        let text = text.trim();
        if status.is_server_error() {
            // A bug (a missing extension, say): logged, and answered with nothing of its text.
            return AppError::Internal(anyhow::anyhow!("{status} from axum: {text}"));
        }
        let (sv, en) = match status {
            StatusCode::BAD_REQUEST => {
                ("Begäran kunde inte läsas", "The request could not be read")
            }
            StatusCode::METHOD_NOT_ALLOWED => (
                "Den här adressen tar inte emot den metoden",
                "This address does not take that method",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => (
                "Det som skickades är för stort",
                "What was sent is too large",
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                "Innehållstypen (Content-Type) tas inte emot här",
                "That Content-Type is not accepted here",
            ),
            _ => (
                "Begäran kunde inte utföras",
                "The request could not be carried out",
            ),
        };
        // An address whose id does not parse (`/evaluate/report/abc`) is no page of ours.
        if status == StatusCode::BAD_REQUEST && text.starts_with("Invalid URL") {
            return AppError::NotFound;
        }
        // axum's own words are English and name Rust types: kept for the API and English
        // pages, left out of Swedish ones.
        let en = if text.is_empty() {
            format!("{en}.")
        } else {
            format!("{en}: {text}")
        };
        AppError::Unreadable {
            status,
            sv: format!("{sv}."),
            en,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            AppError::Db(e) => tracing::error!(error = %e, "database error"),
            AppError::Internal(e) => tracing::error!(error = format!("{e:#}"), "unexpected error"),
            _ => {}
        }
        let message = self.to_string();
        let details = match &self {
            AppError::Validation { details, .. } => Some(details.as_slice()),
            _ => None,
        };
        let mut response = (
            status,
            Json(ErrorBody {
                error: &message,
                details,
            }),
        )
            .into_response();
        // RFC 6750: a 401 names the scheme that would open the resource.
        let challenge = match &self {
            AppError::Unauthorized => Some("Bearer realm=\"trygg\""),
            AppError::BadToken => Some("Bearer realm=\"trygg\", error=\"invalid_token\""),
            _ => None,
        };
        if let Some(challenge) = challenge {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        if let AppError::TooManyRequests(secs) = &self
            && let Ok(value) = HeaderValue::from_str(&(*secs).max(1).to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        let page = self.page_message();
        let heading = match &self {
            AppError::NotYetOpen { .. } => Some([
                "Undersökningen har inte öppnat än",
                "The survey has not opened yet",
                "Den här undersökningen tar emot svar först när den har öppnat.",
                "This survey takes answers once it has opened.",
            ]),
            _ => None,
        };
        response.extensions_mut().insert(ErrorInfo {
            status,
            message,
            page,
            heading,
        });
        response
    }
}

/// The API's English message as a sentence for a page: a capital first letter and a full stop.
fn sentence(message: &str) -> String {
    let mut out = crate::i18n::capitalised(message);
    if !out.is_empty() && !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// Indicators that cannot be given: the database's error, a questionnaire that is not loaded
/// (503), a wave that is not closed and so publishes nothing (409), or an estimation that failed
/// (500, logged).
impl From<crate::evaluate::EvalError> for AppError {
    fn from(e: crate::evaluate::EvalError) -> Self {
        use crate::evaluate::EvalError;
        match e {
            EvalError::Database(e) => AppError::Db(e),
            EvalError::SurveyMissing(..) => AppError::Unavailable(Said::new(
                "Enkätfilen för de här siffrorna finns inte på servern just nu",
                e.to_string(),
            )),
            EvalError::Estimation(message) => {
                AppError::Internal(anyhow::anyhow!("estimation failed: {message}"))
            }
            e @ (EvalError::Compute(_) | EvalError::Task(_) | EvalError::Stored(_)) => {
                AppError::Internal(anyhow::Error::new(e))
            }
            EvalError::NotPublished {
                responses, state, ..
            } => AppError::Conflict(Said::new(
                if state == crate::collect::WaveState::Closed.id() {
                    "Omgången stängde utan svar: den har inga siffror att publicera".to_owned()
                } else {
                    format!(
                        "Omgången är inte stängd: dess siffror publiceras när den stänger ({} svar hittills)",
                        crate::i18n::Lang::Sv.number(i128::from(responses))
                    )
                },
                e.to_string(),
            )),
        }
    }
}
