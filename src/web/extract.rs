//! Extractors whose rejections are answered through [`AppError`], like every other error.

use axum::extract::FromRequest;
use axum::extract::rejection::FormRejection;

use super::AppError;

/// `axum::Form`, but a malformed body gets trygg's error page (or JSON) instead of plain text.
#[derive(FromRequest)]
#[from_request(via(axum::Form), rejection(AppError))]
pub struct Form<T>(pub T);

impl From<FormRejection> for AppError {
    fn from(rejection: FormRejection) -> Self {
        AppError::BadRequest(format!(
            "the form could not be read: {}",
            rejection.body_text()
        ))
    }
}
