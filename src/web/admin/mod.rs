//! The admin's pages: the overview and the loaded questionnaires here; accounts in `users`, the
//! audit log in `audit`, waves in `waves` and `wave`, invitations in `invitations`.

mod audit;
mod invitations;
mod qr;
mod users;
mod view;
mod wave;
mod waves;

use axum::extract::{Path, State};
use maud::Markup;

use crate::store;
use crate::web::extract::PageCtx;
use crate::web::{ADMIN, AppError, AppState, Routes};

pub fn routes() -> Routes {
    Routes::default()
        .get("/admin", ADMIN, overview)
        .get("/admin/surveys/{id}", ADMIN, survey)
        .merge(users::routes())
        .merge(audit::routes())
        .merge(waves::routes())
        .merge(wave::routes())
        .merge(invitations::routes())
}

async fn overview(ctx: PageCtx, State(state): State<AppState>) -> Result<Markup, AppError> {
    let users = store::users::list(&state.db).await?;
    Ok(view::overview(&ctx, &state.surveys, users.len()))
}

async fn survey(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let loaded = state.surveys.get(&id).ok_or(AppError::NotFound)?;
    Ok(view::survey(&ctx, loaded))
}
