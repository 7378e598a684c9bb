//! Admin routes for a wave's e-mail invitations: upload addresses, send reminders, retry.

mod view;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::collect::{Access, Wave, WaveState, invitations};
use crate::problems::Problems;
use crate::store;
use crate::web::extract::{CurrentUser, Form, PageCtx};
use crate::web::markup::words::wave_name;
use crate::web::{ADMIN, AppError, AppState, Routes, Said};

pub fn routes() -> Routes {
    Routes::default()
        .get("/admin/waves/{slug}/invitations", ADMIN, show)
        .post_limited(
            "/admin/waves/{slug}/invitations",
            "/admin/waves/{slug}/invitations",
            ADMIN,
            invitations::MAX_FORM_BYTES,
            upload,
        )
        .post(
            "/admin/waves/{slug}/reminders",
            "/admin/waves/{slug}/invitations",
            ADMIN,
            remind,
        )
        .post(
            "/admin/waves/{slug}/invitations/retry",
            "/admin/waves/{slug}/invitations",
            ADMIN,
            retry,
        )
}

/// An invitation wave, or 404 (other waves have no invitations).
async fn invite_wave(state: &AppState, slug: &str) -> Result<Wave, AppError> {
    store::waves::find_by_slug(&state.db, slug)
        .await?
        .filter(|w| w.access == Access::Invite)
        .ok_or(AppError::NotFound)
}

/// The confirmation after a change (Post/Redirect/Get): what was done and how many.
#[derive(Deserialize, Default)]
struct Done {
    done: Option<String>,
    n: Option<u64>,
    skipped: Option<u64>,
}

async fn show(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let wave = invite_wave(&state, &slug).await?;
    let summary = store::invitations::summary(&state.db, &wave.id).await?;
    let notice = done
        .done
        .as_deref()
        .and_then(|what| view::notice(&ctx, what, done.n.unwrap_or(0), done.skipped.unwrap_or(0)));
    let page = view::Page {
        wave: &wave,
        summary: &summary,
        typed: "",
        problems: &Problems::new(),
        notice: notice.as_deref(),
        settings: &state.settings,
        name: &wave_name(&state, &wave, ctx.lang),
    };
    Ok(view::page(&ctx, &page).into_response())
}

#[derive(Deserialize)]
struct UploadForm {
    #[serde(default)]
    addresses: String,
}

#[tracing::instrument(skip_all, fields(wave = %slug))]
async fn upload(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(admin): Extension<CurrentUser>,
    Path(slug): Path<String>,
    Form(form): Form<UploadForm>,
) -> Result<Response, AppError> {
    let wave = invite_wave(&state, &slug).await?;
    if wave.state() == WaveState::Closed {
        return Err(AppError::Gone(Said::new(
            "Omgången är stängd; inga inbjudningar kan skickas.",
            "the wave is closed; no invitations can be sent",
        )));
    }
    match invitations::parse_addresses(&form.addresses) {
        Ok(addresses) => {
            let added =
                store::invitations::add(&state.db, &wave.id, &addresses, &admin.email).await?;
            state.outbox.wake.notify_one();
            let skipped = addresses.len().saturating_sub(added);
            Ok(Redirect::to(&format!(
                "/admin/waves/{slug}/invitations?done=invited&n={added}&skipped={skipped}"
            ))
            .into_response())
        }
        Err(problems) => {
            let summary = store::invitations::summary(&state.db, &wave.id).await?;
            let page = view::Page {
                wave: &wave,
                summary: &summary,
                typed: &form.addresses,
                problems: &problems,
                notice: None,
                settings: &state.settings,
                name: &wave_name(&state, &wave, ctx.lang),
            };
            let page = view::page(&ctx, &page);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[tracing::instrument(skip_all, fields(wave = %slug))]
async fn remind(
    State(state): State<AppState>,
    Extension(admin): Extension<CurrentUser>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let wave = invite_wave(&state, &slug).await?;
    if wave.state() == WaveState::Closed {
        return Err(AppError::Gone(Said::new(
            "Omgången är stängd; inga inbjudningar kan skickas.",
            "the wave is closed; no invitations can be sent",
        )));
    }
    let queued = store::invitations::queue_reminders(&state.db, &wave.id, &admin.email).await?;
    state.outbox.wake.notify_one();
    Ok(Redirect::to(&format!(
        "/admin/waves/{slug}/invitations?done=reminded&n={queued}"
    ))
    .into_response())
}

#[tracing::instrument(skip_all, fields(wave = %slug))]
async fn retry(
    State(state): State<AppState>,
    Extension(admin): Extension<CurrentUser>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let wave = invite_wave(&state, &slug).await?;
    let retried = store::invitations::retry_failed(&state.db, &wave.id, &admin.email).await?;
    state.outbox.wake.notify_one();
    Ok(Redirect::to(&format!(
        "/admin/waves/{slug}/invitations?done=retried&n={retried}"
    ))
    .into_response())
}
