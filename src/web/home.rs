//! Public pages: the start page, the health check and the style sheet.

mod view;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::json;

use super::extract::PageCtx;
use super::markup::STYLESHEET;
use super::{AppState, PUBLIC, Routes};

pub fn routes() -> Routes {
    Routes::default()
        .get("/", PUBLIC, start_page)
        .get("/health", PUBLIC, health)
        .get("/static/trygg.css", PUBLIC, stylesheet)
}

/// 200 once the database answers a query; 503 otherwise.
async fn health(State(db): State<DatabaseConnection>) -> Response {
    match db.execute_unprepared("SELECT 1").await {
        Ok(_) => Json(json!({"status": "ok"})).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

async fn stylesheet() -> Response {
    let mut response = STYLESHEET.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

async fn start_page(ctx: PageCtx, State(state): State<AppState>) -> maud::Markup {
    view::start_page(&ctx, &state)
}
