//! Admin routes for a wave's e-mail invitations: upload addresses, send reminders, retry.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::extract::Form;
use super::extract::{CurrentUser, PageCtx};
use super::views::invitations as view;
use super::{ADMIN, AppError, AppState, Routes};
use crate::collect::{Access, Wave, WaveState, invitations};
use crate::problems::Problems;
use crate::store;

pub fn routes() -> Routes {
    Routes::default()
        .get("/admin/waves/{slug}/invitations", ADMIN, show)
        .post_limited(
            "/admin/waves/{slug}/invitations",
            ADMIN,
            invitations::MAX_FORM_BYTES,
            upload,
        )
        .post("/admin/waves/{slug}/reminders", ADMIN, remind)
        .post("/admin/waves/{slug}/invitations/retry", ADMIN, retry)
}

/// An invitation wave, or 404 (other waves have no invitations).
async fn invite_wave(state: &AppState, slug: &str) -> Result<Wave, AppError> {
    store::waves::find_by_slug(&state.db, slug)
        .await?
        .filter(|w| w.access == Access::Invite)
        .ok_or(AppError::NotFound)
}

async fn show(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let wave = invite_wave(&state, &slug).await?;
    let summary = store::invitations::summary(&state.db, &wave.id).await?;
    Ok(view::page(&ctx, &wave, &summary, "", &Problems::new()).into_response())
}

#[derive(Deserialize)]
struct UploadForm {
    #[serde(default)]
    addresses: String,
}

async fn upload(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(admin): Extension<CurrentUser>,
    Path(slug): Path<String>,
    Form(form): Form<UploadForm>,
) -> Result<Response, AppError> {
    let wave = invite_wave(&state, &slug).await?;
    if wave.state() == WaveState::Closed {
        return Err(AppError::Gone("the wave is closed".into()));
    }
    match invitations::parse_addresses(&form.addresses) {
        Ok(addresses) => {
            store::invitations::add(&state.db, &wave.id, &addresses, &admin.email).await?;
            state.outbox.wake.notify_one();
            Ok(Redirect::to(&format!("/admin/waves/{slug}/invitations")).into_response())
        }
        Err(problems) => {
            let summary = store::invitations::summary(&state.db, &wave.id).await?;
            let page = view::page(&ctx, &wave, &summary, &form.addresses, &problems);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

async fn remind(
    State(state): State<AppState>,
    Extension(admin): Extension<CurrentUser>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let wave = invite_wave(&state, &slug).await?;
    if wave.state() == WaveState::Closed {
        return Err(AppError::Gone("the wave is closed".into()));
    }
    store::invitations::queue_reminders(&state.db, &wave.id, &admin.email).await?;
    state.outbox.wake.notify_one();
    Ok(Redirect::to(&format!("/admin/waves/{slug}/invitations")).into_response())
}

async fn retry(
    State(state): State<AppState>,
    Extension(admin): Extension<CurrentUser>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let wave = invite_wave(&state, &slug).await?;
    store::invitations::retry_failed(&state.db, &wave.id, &admin.email).await?;
    state.outbox.wake.notify_one();
    Ok(Redirect::to(&format!("/admin/waves/{slug}/invitations")).into_response())
}
