//! Admin pages: the overview and the loaded questionnaires. Accounts are in `users`, the audit
//! log in `audit`.

use axum::extract::{Path, State};
use maud::Markup;

use super::extract::PageCtx;
use super::views::admin as view;
use super::{ADMIN, AppError, AppState, Routes};
use crate::store;

pub fn routes() -> Routes {
    Routes::default()
        .get("/admin", ADMIN, overview)
        .get("/admin/surveys/{id}", ADMIN, survey)
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
