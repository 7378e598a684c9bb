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
    Forbidden(String),
    #[error("{0}")]
    BadRequest(String),
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
    Conflict(String),
    #[error("{0}")]
    Gone(String),
    #[error("{0}")]
    Unavailable(String),
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
    pub message: String,
    /// The message in Swedish, where the error has one (else pages show `message`).
    pub message_sv: Option<String>,
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
            AppError::Gone(_) => StatusCode::GONE,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl AppError {
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
        let detail = |lead: &str| {
            if text.is_empty() {
                format!("{lead}.")
            } else {
                format!("{lead}: {text}")
            }
        };
        AppError::Unreadable {
            status,
            sv: detail(sv),
            en: detail(en),
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
        let message_sv = match self {
            AppError::Unreadable { sv, .. } => Some(sv),
            _ => None,
        };
        response.extensions_mut().insert(ErrorInfo {
            status,
            message,
            message_sv,
        });
        response
    }
}

/// Indicators that cannot be given: the database's error, a questionnaire that is not loaded
/// (503), or an estimation that failed (500, logged).
impl From<crate::evaluate::EvalError> for AppError {
    fn from(e: crate::evaluate::EvalError) -> Self {
        use crate::evaluate::EvalError;
        match e {
            EvalError::Database(e) => AppError::Db(e),
            EvalError::SurveyMissing(..) => AppError::Unavailable(e.to_string()),
            EvalError::Estimation(message) => {
                AppError::Internal(anyhow::anyhow!("estimation failed: {message}"))
            }
        }
    }
}
