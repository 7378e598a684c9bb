//! The lägesbild (`/evaluate/lagesbild`), for evaluators and admins: per priority area of the
//! agreement, the surveys' indicators (latest published wave and its change, school figures per
//! grade) beside the series the agreement names — reported crime per 100,000 from Kolada, the
//! municipality against the country over the years — then per district, the fault reports per
//! month and category (the season visible), the dialogues, the problem picture, and where every
//! figure comes from. `/evaluate/lagesbild/districts/{code}` is one district's picture and
//! `/evaluate/lagesbild.xlsx` the same figures as a workbook. The data is
//! `evaluate::lagesbild::load`'s.

pub(super) mod view;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::Markup;

use crate::evaluate::lagesbild::{Inputs, Lagesbild};
use crate::i18n::Lang;
use crate::web::extract::PageCtx;
use crate::web::{AppError, AppState};

/// The lägesbild of what is stored, its source lines in `lang`.
pub(crate) async fn load(state: &AppState, lang: Lang) -> Result<Lagesbild, AppError> {
    Ok(crate::evaluate::lagesbild::load(
        &state.db,
        &Inputs {
            surveys: &state.surveys,
            agreements: &state.agreements,
            municipality: state.settings.municipality.as_deref(),
            lang,
        },
    )
    .await?)
}

pub(super) async fn page(ctx: PageCtx, State(state): State<AppState>) -> Result<Markup, AppError> {
    let l = load(&state, ctx.lang).await?;
    Ok(view::page(&ctx, &state.agreements, &l))
}

/// One district's picture: the resident survey's indicators there, its fault reports, the
/// dialogues held there and the problems that name it.
pub(super) async fn district_page(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Markup, AppError> {
    let l = load(&state, ctx.lang).await?;
    let Some(d) = l.districts.iter().find(|d| d.code == code) else {
        return Err(AppError::NotFound);
    };
    Ok(view::district(&ctx, &l, d))
}

/// `/evaluate/lagesbild.xlsx`: the lägesbild's figures as a workbook.
#[tracing::instrument(skip_all)]
pub(super) async fn xlsx(
    ctx: PageCtx,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let l = load(&state, ctx.lang).await?;
    let bytes = super::xlsx::lagesbild(ctx.lang, &l)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"lagesbild.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}
