//! The admin's list of waves and the form that creates one. One wave's page is in `wave`.

mod view;

pub(super) use view::access_name;

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;

use crate::collect::Wave;
use crate::collect::wave::NewWave;
use crate::store::{self, waves::WaveError};
use crate::web::extract::{CurrentUser, Form, PageCtx};
use crate::web::markup::forms::FormErrors;
use crate::web::{ADMIN, AppError, AppState, Routes};

pub fn routes() -> Routes {
    Routes::default().get("/admin/waves", ADMIN, list).post(
        "/admin/waves",
        "/admin/waves",
        ADMIN,
        create,
    )
}

async fn list(ctx: PageCtx, State(state): State<AppState>) -> Result<Markup, AppError> {
    list_page(&ctx, &state, &view::WaveForm::default(), &FormErrors::new()).await
}

async fn list_page(
    ctx: &PageCtx,
    state: &AppState,
    form: &view::WaveForm,
    errors: &FormErrors,
) -> Result<Markup, AppError> {
    let waves = store::waves::list(&state.db).await?;
    let counts = store::waves::response_counts(&state.db).await?;
    let rows: Vec<(Wave, u64)> = waves
        .into_iter()
        .map(|w| {
            let n = counts.get(&w.id).copied().unwrap_or(0);
            (w, n)
        })
        .collect();
    Ok(view::list(ctx, &rows, &state.surveys, form, errors))
}

async fn create(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(admin): Extension<CurrentUser>,
    Form(form): Form<view::WaveForm>,
) -> Result<Response, AppError> {
    let parsed = NewWave::parse(
        &state.surveys,
        &form.survey,
        &form.slug,
        &form.access,
        Some(&form.opens),
        Some(&form.closes),
    );
    let parsed = NewWave::with_period(parsed, Some(&form.period));
    let mut errors = FormErrors::new();
    match parsed {
        Ok(new) => match store::waves::create(&state.db, &new, &admin.email).await {
            Ok(wave) => {
                return Ok(
                    Redirect::to(&format!("/admin/waves/{}?done=created", wave.slug))
                        .into_response(),
                );
            }
            Err(WaveError::SlugTaken(slug)) => errors.add("slug", view::slug_taken(&ctx, &slug)),
            Err(WaveError::Database(e)) => return Err(e.into()),
            Err(e @ WaveError::Unknown(_)) => return Err(AppError::Internal(e.into())),
        },
        Err(problems) => {
            for (field, _) in problems {
                let message = view::wave_problem(&ctx, field, &form, &state.surveys);
                errors.add(view::wave_field_id(field), message);
            }
        }
    }
    let page = list_page(&ctx, &state, &form, &errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
