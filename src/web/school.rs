//! School coordinators' pages: class sessions in the coordinator's own school, and the one-time
//! pupil codes printed for them.

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;
use serde::Deserialize;

use super::extract::Form;
use super::extract::{CurrentUser, PageCtx};
use super::views::forms::FormErrors;
use super::views::school as view;
use super::{AppError, AppState, Routes, SCHOOLS};
use crate::collect::class_session::NewClassSession;
use crate::collect::{Access, WaveState};
use crate::store::{self, class_sessions::SessionError};

pub fn routes() -> Routes {
    Routes::default()
        .get("/school", SCHOOLS, overview)
        .post("/school/sessions", SCHOOLS, open_session)
        .get("/school/sessions/{id}", SCHOOLS, session)
        .get("/school/sessions/{id}/end", SCHOOLS, confirm_end)
        .post("/school/sessions/{id}/end", SCHOOLS, end_session)
        .post("/school/sessions/{id}/codes", SCHOOLS, new_codes)
}

/// The coordinator's school. Accounts of this role always have one (`NewUser::parse`); one
/// without is refused rather than shown every school's sessions.
fn school_of(user: &CurrentUser) -> Result<&str, AppError> {
    user.school_id
        .as_deref()
        .ok_or_else(|| AppError::Forbidden("your account is not bound to a school".to_owned()))
}

async fn overview(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
) -> Result<Markup, AppError> {
    let school = school_of(&user)?;
    overview_page(
        &ctx,
        &state,
        school,
        &view::SessionForm::default(),
        &FormErrors::new(),
    )
    .await
}

async fn overview_page(
    ctx: &PageCtx,
    state: &AppState,
    school: &str,
    form: &view::SessionForm,
    errors: &FormErrors,
) -> Result<Markup, AppError> {
    let waves: Vec<_> = store::waves::list(&state.db)
        .await?
        .into_iter()
        .filter(|w| w.access == Access::Class && w.state() == WaveState::Open)
        .collect();
    let ids: Vec<String> = waves.iter().map(|w| w.id.clone()).collect();
    let mut sessions = store::class_sessions::list_for_school(&state.db, school, &ids).await?;
    let waves: Vec<view::WaveSessions> = waves
        .into_iter()
        .map(|wave| {
            let title = state
                .surveys
                .version(&wave.survey_id, wave.survey_version)
                .map(|s| s.title.clone());
            let (mine, rest): (Vec<_>, Vec<_>) = sessions
                .drain(..)
                .partition(|s| s.session.wave_id == wave.id);
            sessions = rest;
            view::WaveSessions {
                wave,
                title,
                sessions: mine,
            }
        })
        .collect();
    Ok(view::overview(ctx, school, &waves, form, errors))
}

/// Where pupils type their code: the service's public address without its scheme, short enough
/// to type from a slip (`trygg.kommun.se/k`).
fn code_address(public_url: &str) -> String {
    let host = public_url
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    format!("{host}/k")
}

async fn open_session(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Form(form): Form<view::SessionForm>,
) -> Result<Response, AppError> {
    let school = school_of(&user)?;
    let mut errors = FormErrors::new();
    let wave = store::waves::find_by_slug(&state.db, form.wave.trim()).await?;
    let parsed = NewClassSession::parse(&form.class_label, &form.grade, &form.pupils);
    let wave_problem = |e: &SessionError| match e {
        SessionError::NotClassWave => ctx.t(
            "Den undersökningen använder inte klasskoder.",
            "That survey does not use class codes.",
        ),
        SessionError::WaveNotOpen => ctx.t(
            "Den undersökningen tar inte emot svar just nu.",
            "That survey is not accepting answers at the moment.",
        ),
        _ => ctx.t("Välj en pågående undersökning.", "Choose a running survey."),
    };
    if wave.is_none() {
        errors.add("wave", wave_problem(&SessionError::UnknownWave));
    }
    if let Err(problems) = &parsed {
        for p in problems {
            errors.add(p.field(), view::session_problem(&ctx, *p));
        }
    }
    if let (Some(wave), Ok(new)) = (&wave, &parsed) {
        match store::class_sessions::open(&state.db, &wave.id, school, new, &user.email).await {
            Ok((session, codes)) => {
                let title = state
                    .surveys
                    .version(&wave.survey_id, wave.survey_version)
                    .map(|s| s.title.clone());
                let page = view::CodesPage {
                    session_id: &session.id,
                    class_label: &session.class_label,
                    title: title.as_ref(),
                    address: &code_address(&state.settings.public_url),
                    codes: &codes,
                    replaced: false,
                };
                return Ok(view::codes_page(&ctx, &page).into_response());
            }
            Err(SessionError::Database(e)) => return Err(e.into()),
            Err(e) => errors.add("wave", wave_problem(&e)),
        }
    }
    let page = overview_page(&ctx, &state, school, &form, &errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// A session of the coordinator's own school; another school's does not exist for them.
async fn session_of(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<store::class_sessions::SessionSummary, AppError> {
    let school = school_of(user)?;
    store::class_sessions::find_for_school(&state.db, id, school)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn session(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
    Query(query): Query<Done>,
) -> Result<Markup, AppError> {
    let summary = session_of(&state, &user, &id).await?;
    let wave = store::waves::find_by_id(&state.db, &summary.session.wave_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let notice = match query.done.as_deref() {
        Some("ended") => Some(ctx.t(
            "Klasstillfället är avslutat. Elever som hade börjat svara kan fortfarande skicka in.",
            "The class session has ended. Pupils who had started answering can still submit.",
        )),
        _ => None,
    };
    Ok(view::session_page(&ctx, &summary, &wave, notice))
}

fn session_error(e: SessionError) -> AppError {
    match e {
        SessionError::Database(e) => e.into(),
        SessionError::Unknown | SessionError::UnknownWave => AppError::NotFound,
        SessionError::Ended => AppError::Conflict("the class session has ended".to_owned()),
        SessionError::NotClassWave | SessionError::WaveNotOpen => {
            AppError::Gone("the survey is not accepting answers".to_owned())
        }
    }
}

/// Asks before a session ends, showing how many pupils are answering right now.
async fn confirm_end(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let summary = session_of(&state, &user, &id).await?;
    if summary.is_ended() {
        return Ok(Redirect::to(&format!("/school/sessions/{id}")).into_response());
    }
    Ok(view::end_confirmation(&ctx, &summary).into_response())
}

#[derive(Deserialize)]
struct EndForm {
    #[serde(default)]
    confirm: String,
}

/// Ends a session once the coordinator has confirmed; without the confirmation, asks.
async fn end_session(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(form): Form<EndForm>,
) -> Result<Response, AppError> {
    if form.confirm != "yes" {
        return confirm_end(ctx, State(state), Extension(user), Path(id)).await;
    }
    let school = school_of(&user)?;
    store::class_sessions::end(&state.db, &id, school, &user.email)
        .await
        .map_err(session_error)?;
    state.collector.scrub_soon();
    Ok(Redirect::to(&format!("/school/sessions/{id}?done=ended")).into_response())
}

async fn new_codes(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let school = school_of(&user)?;
    let (session, codes) =
        store::class_sessions::replace_unused_codes(&state.db, &id, school, &user.email)
            .await
            .map_err(session_error)?;
    state.collector.scrub_soon();
    if codes.is_empty() {
        // Every pupil has answered: there is nothing to print.
        return Ok(Redirect::to(&format!("/school/sessions/{}", session.id)).into_response());
    }
    let wave = store::waves::find_by_id(&state.db, &session.wave_id).await?;
    let title = wave
        .and_then(|w| state.surveys.version(&w.survey_id, w.survey_version))
        .map(|s| s.title.clone());
    let page = view::CodesPage {
        session_id: &session.id,
        class_label: &session.class_label,
        title: title.as_ref(),
        address: &code_address(&state.settings.public_url),
        codes: &codes,
        replaced: true,
    };
    Ok(view::codes_page(&ctx, &page).into_response())
}
