//! The agreements and their final follow-up (`/evaluate/agreements`, `/evaluate/agreements/{id}`):
//! per priority area and indicator the baseline before the period against the latest wave in it
//! with the test of the change, the trend within the period and the target; the interventions of
//! the period with their outputs summed; the citizen promises with their follow-up per year
//! (written here, `/evaluate/agreements/{id}/promises/{promise}/{year}`); texts per section,
//! frozen with the numbers when the follow-up is marked final, as the annual report is. It prints
//! with a cover (parties, period) and page numbers, and downloads as a PDF.

pub(super) mod view;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;

use super::report::{FinalForm, Print, TextForm, pdf_response, refusal_page, text_too_long};
use crate::accounts::Role;
use crate::evaluate::final_follow_up::{self, FinalFrozen, FinalShown};
use crate::plan::promises::PromiseFollowUpForm;
use crate::store;
use crate::store::reports::{Key, ReportError};
use crate::web::extract::{CurrentUser, Form, PageCtx};
use crate::web::markup::forms::{FormErrors, errors_of};
use crate::web::{ADMIN, AppError, AppState, EVALUATORS, Routes};

pub fn routes() -> Routes {
    Routes::default()
        .get("/evaluate/agreements", EVALUATORS, list)
        .get("/evaluate/agreements/{id}", EVALUATORS, page)
        .get("/evaluate/agreements/{id}/pdf", EVALUATORS, pdf)
        .post(
            "/evaluate/agreements/{id}/texts/{section}",
            "/evaluate/agreements/{id}",
            EVALUATORS,
            save_text,
        )
        .get("/evaluate/agreements/{id}/final", EVALUATORS, confirm_final)
        .post(
            "/evaluate/agreements/{id}/final",
            "/evaluate/agreements/{id}/final",
            EVALUATORS,
            finalize,
        )
        .post(
            "/evaluate/agreements/{id}/reopen",
            "/evaluate/agreements/{id}",
            ADMIN,
            reopen,
        )
        .get(
            "/evaluate/agreements/{id}/promises/{promise}/{year}",
            EVALUATORS,
            promise_form,
        )
        .post(
            "/evaluate/agreements/{id}/promises/{promise}/{year}",
            "/evaluate/agreements/{id}/promises/{promise}/{year}",
            EVALUATORS,
            save_promise,
        )
}

async fn list(ctx: PageCtx, State(state): State<AppState>) -> Result<Markup, AppError> {
    let rows = store::reports::all(&state.db, Key::Agreement("")).await?;
    Ok(view::list(&ctx, &state.agreements, &rows))
}

async fn shown(state: &AppState, id: &str) -> Result<FinalShown, AppError> {
    final_follow_up::load(
        &state.db,
        &state.surveys,
        &state.agreements,
        (id, state.settings.municipality.as_deref()),
    )
    .await?
    .ok_or(AppError::NotFound)
}

async fn page(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let shown = shown(&state, &id).await?;
    let is_admin = ctx.user.as_ref().is_some_and(|u| u.role == Role::Admin);
    Ok(view::page(&ctx, &id, &shown, is_admin))
}

fn final_refusal(ctx: &PageCtx, id: &str) -> Response {
    refusal_page(
        ctx,
        StatusCode::CONFLICT,
        ctx.t(
            "Uppföljningen är slutlig och ändras inte. En administratör kan öppna den som utkast igen.",
            "The follow-up is final and does not change. An administrator can open it as a draft again.",
        ),
        &format!("/evaluate/agreements/{id}"),
    )
}

async fn save_text(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path((id, section)): Path<(String, String)>,
    Form(form): Form<TextForm>,
) -> Result<Response, AppError> {
    let agreement = state.agreements.get(&id).ok_or(AppError::NotFound)?;
    if !final_follow_up::is_section(agreement, &section) {
        return Err(AppError::NotFound);
    }
    let Some(body) = form.checked() else {
        return Ok(text_too_long(&ctx, &format!("/evaluate/agreements/{id}")));
    };
    match store::reports::save_text(&state.db, Key::Agreement(&id), &section, &body, &user.email)
        .await
    {
        Ok(()) => Ok(
            Redirect::to(&format!("/evaluate/agreements/{id}#section-{section}")).into_response(),
        ),
        Err(ReportError::Final(_)) => Ok(final_refusal(&ctx, &id)),
        Err(ReportError::Db(e)) => Err(e.into()),
        Err(ReportError::NotFinal(_)) => Err(AppError::NotFound),
    }
}

async fn confirm_final(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let shown = shown(&state, &id).await?;
    if shown.finalized.is_some() {
        return Ok(Redirect::to(&format!("/evaluate/agreements/{id}")).into_response());
    }
    Ok(view::confirmation(&ctx, &id, &shown).into_response())
}

#[tracing::instrument(skip_all, fields(agreement = %id))]
async fn finalize(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(form): Form<FinalForm>,
) -> Result<Response, AppError> {
    let shown = shown(&state, &id).await?;
    if shown.finalized.is_some() {
        return Ok(final_refusal(&ctx, &id));
    }
    if !form.confirmed() {
        return Ok(view::confirmation(&ctx, &id, &shown).into_response());
    }
    let frozen = FinalFrozen {
        data: shown.data,
        texts: shown.texts,
    };
    let snapshot = serde_json::to_string(&frozen)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the follow-up as JSON: {e}")))?;
    match store::reports::finalize(&state.db, Key::Agreement(&id), &snapshot, &user.email).await {
        Ok(()) => Ok(Redirect::to(&format!("/evaluate/agreements/{id}")).into_response()),
        Err(ReportError::Final(_)) => Ok(final_refusal(&ctx, &id)),
        Err(ReportError::Db(e)) => Err(e.into()),
        Err(ReportError::NotFinal(_)) => Err(AppError::NotFound),
    }
}

async fn reopen(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    match store::reports::reopen(&state.db, Key::Agreement(&id), &user.email).await {
        Ok(()) => Ok(Redirect::to(&format!("/evaluate/agreements/{id}")).into_response()),
        Err(ReportError::Db(e)) => Err(e.into()),
        Err(_) => Err(AppError::NotFound),
    }
}

#[tracing::instrument(skip_all, fields(agreement = %id))]
async fn pdf(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let shown = shown(&state, &id).await?;
    let print = Print {
        municipality: state.settings.municipality_name.as_deref(),
        printed_at: crate::util::now(),
    };
    let html = view::standalone(ctx.lang, &shown, &print).into_string();
    let name = format!(
        "{}-{id}.pdf",
        ctx.t("slutlig-uppfoljning", "final-follow-up")
    );
    Ok(pdf_response(&ctx, &html, &name, &format!("/evaluate/agreements/{id}")).await)
}

/// The promise and year of a follow-up form, or 404: the promise of the agreement, a year of its
/// period, and a follow-up that is still a draft.
async fn promise_year<'a>(
    state: &'a AppState,
    (id, promise, year): &(String, String, String),
) -> Result<(&'a crate::agreement::Promise, i32), AppError> {
    let agreement = state.agreements.get(id).ok_or(AppError::NotFound)?;
    let p = agreement
        .promises
        .iter()
        .find(|p| &p.id == promise)
        .ok_or(AppError::NotFound)?;
    let year = year.parse::<i32>().map_err(|_| AppError::NotFound)?;
    use chrono::Datelike;
    if year < p.starts.year() || year > p.ends.year() {
        return Err(AppError::NotFound);
    }
    if let Some(row) = store::reports::find(&state.db, Key::Agreement(id)).await?
        && row.status == "final"
    {
        return Err(AppError::NotFound);
    }
    Ok((p, year))
}

async fn promise_form(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(path): Path<(String, String, String)>,
) -> Result<Markup, AppError> {
    let (p, year) = promise_year(&state, &path).await?;
    let stored = store::promises::follow_ups(&state.db, std::slice::from_ref(&p.id)).await?;
    let form = stored
        .iter()
        .find(|f| f.year == year)
        .map(|f| PromiseFollowUpForm {
            state: f.state.clone(),
            note: f.note.clone(),
        })
        .unwrap_or_default();
    Ok(view::promise_page(
        &ctx,
        &path.0,
        p,
        year,
        &form,
        &FormErrors::new(),
    ))
}

async fn save_promise(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(path): Path<(String, String, String)>,
    Form(form): Form<PromiseFollowUpForm>,
) -> Result<Response, AppError> {
    let (p, year) = promise_year(&state, &path).await?;
    match form.parse() {
        Ok(follow_up) => {
            store::promises::save_follow_up(&state.db, &p.id, year, &follow_up, &user.email)
                .await?;
            Ok(
                Redirect::to(&format!("/evaluate/agreements/{}#promise-{}", path.0, p.id))
                    .into_response(),
            )
        }
        Err(problems) => {
            let errors = errors_of(&ctx, &problems);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                view::promise_page(&ctx, &path.0, p, year, &form, &errors),
            )
                .into_response())
        }
    }
}
