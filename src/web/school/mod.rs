//! School coordinators' pages: class sessions in the coordinator's own school, and the one-time
//! pupil codes printed for them.

mod view;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;
use serde::Deserialize;

use crate::collect::class_session::{NewClassSession, SessionProblem};
use crate::collect::{Access, WaveState};
use crate::store::class_sessions::{Printer, SessionError};
use crate::store::{self};
use crate::web::extract::{CurrentUser, Form, PageCtx};
use crate::web::markup::forms::FormErrors;
use crate::web::{AppError, AppState, Routes, SCHOOLS, Said};

pub fn routes() -> Routes {
    Routes::default()
        .get("/school", SCHOOLS, overview)
        .post("/school/sessions", "/school", SCHOOLS, open_session)
        .get("/school/sessions/{id}", SCHOOLS, session)
        .get("/school/sessions/{id}/end", SCHOOLS, confirm_end)
        .post(
            "/school/sessions/{id}/end",
            "/school/sessions/{id}/end",
            SCHOOLS,
            end_session,
        )
        .get("/school/sessions/{id}/codes", SCHOOLS, printed_codes)
        .post(
            "/school/sessions/{id}/codes",
            "/school/sessions/{id}/codes",
            SCHOOLS,
            new_codes,
        )
}

/// The coordinator's school. Accounts of this role always have one (`NewUser::parse`); one
/// without is refused rather than shown every school's sessions.
fn school_of(user: &CurrentUser) -> Result<&str, AppError> {
    user.school_id
        .as_deref()
        .ok_or_else(|| AppError::Forbidden(Said::new(
            "Ditt konto hör inte till någon skola. Be en administratör att ange skolan på kontot.",
            "Your account is not tied to a school. Ask an administrator to set the school on the account.",
        )))
}

async fn overview(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
) -> Result<Markup, AppError> {
    let school = school_of(&user)?;
    let form = view::SessionForm {
        once: crate::util::random_token(),
        ..view::SessionForm::default()
    };
    overview_page(&ctx, &state, school, &form, &FormErrors::new()).await
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
            let title = title_of(state, &wave);
            let grades = state
                .surveys
                .version(&wave.survey_id, wave.survey_version)
                .map(|s| s.grades.clone())
                .unwrap_or_default();
            let (mine, rest): (Vec<_>, Vec<_>) = sessions
                .drain(..)
                .partition(|s| s.session.wave_id == wave.id);
            sessions = rest;
            view::WaveSessions {
                wave,
                title,
                grades,
                sessions: mine,
            }
        })
        .collect();
    // The school by its name from the lists of schools; its id when no list names it.
    let name = store::population::school_name(&state.db, school).await?;
    let school = view::School {
        id: school,
        name: name.as_deref(),
    };
    Ok(view::overview(ctx, &school, &waves, form, errors))
}

/// The title of a wave's questionnaire, when that version is loaded.
fn title_of(state: &AppState, wave: &crate::collect::Wave) -> Option<crate::survey::Text> {
    state
        .surveys
        .version(&wave.survey_id, wave.survey_version)
        .map(|s| s.title.clone())
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
            let message = match p {
                // The grade is chosen from a list: nothing chosen is not a bad number.
                SessionProblem::Grade if form.grade.trim().is_empty() => ctx
                    .t("Välj klassens årskurs.", "Choose the class's grade.")
                    .to_owned(),
                _ => view::session_problem(&ctx, *p),
            };
            errors.add(p.field(), message);
        }
    }
    // The grade must be one the survey is for (a year-9 survey takes no class of year 7).
    let allowed = wave
        .as_ref()
        .and_then(|w| state.surveys.version(&w.survey_id, w.survey_version))
        .map(|s| s.grades.clone())
        .unwrap_or_default();
    if let Ok(new) = &parsed
        && !allowed.is_empty()
        && !allowed.contains(&new.grade)
    {
        errors.add(
            "grade",
            view::grade_not_in_survey(&ctx, new.grade, &allowed),
        );
    }
    if let (Some(wave), Ok(new)) = (&wave, &parsed)
        && errors.is_empty()
    {
        // A form without its one-time value (sent by hand) opens a session each time.
        let once = match form.once.trim() {
            "" => crate::util::random_token(),
            once => once.to_owned(),
        };
        let key = Printer::key_for(&user.session_token);
        let printer = Printer {
            key: &key,
            once: &once,
        };
        match store::class_sessions::open(&state.db, &wave.id, school, new, &printer, &user.email)
            .await
        {
            // Post/Redirect/Get: the codes are on their own address, which a reload or the
            // language switch shows again rather than opening another session.
            Ok(opened) => {
                let id = &opened.session().id;
                return Ok(Redirect::to(&format!("/school/sessions/{id}/codes")).into_response());
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
    let title = title_of(&state, &wave);
    Ok(view::session_page(
        &ctx,
        &summary,
        &wave,
        title.as_ref(),
        notice,
    ))
}

fn session_error(e: SessionError) -> AppError {
    match e {
        SessionError::Database(e) => e.into(),
        SessionError::Unknown | SessionError::UnknownWave => AppError::NotFound,
        SessionError::Ended => AppError::Conflict(Said::new(
            "Klasstillfället är redan avslutat.",
            "The class session has already ended.",
        )),
        SessionError::NotClassWave | SessionError::WaveNotOpen => AppError::Gone(Said::new(
            "Undersökningen tar inte emot svar just nu.",
            "The survey is not accepting answers at the moment.",
        )),
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

/// Replaces the unused codes of a lost printout, then shows the new ones on the codes page.
async fn new_codes(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let school = school_of(&user)?;
    let key = Printer::key_for(&user.session_token);
    let (session, codes) =
        store::class_sessions::replace_unused_codes(&state.db, &id, school, &key, &user.email)
            .await
            .map_err(session_error)?;
    state.collector.scrub_soon();
    if codes.is_empty() {
        // Every pupil has answered or is answering: there is nothing to print.
        return Ok(Redirect::to(&format!("/school/sessions/{}", session.id)).into_response());
    }
    Ok(Redirect::to(&format!("/school/sessions/{}/codes?nya=1", session.id)).into_response())
}

#[derive(Deserialize)]
struct CodesQuery {
    /// Set after new codes replaced the unused ones of a lost printout.
    nya: Option<String>,
}

/// The slips of a session's last print, shown again as often as needed until the session ends,
/// to the coordinator who printed them.
async fn printed_codes(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
    Query(query): Query<CodesQuery>,
) -> Result<Response, AppError> {
    let school = school_of(&user)?;
    let key = Printer::key_for(&user.session_token);
    let (session, codes) =
        match store::class_sessions::printed_codes(&state.db, &id, school, &key).await {
            Err(SessionError::Ended) => {
                return Ok(Redirect::to(&format!("/school/sessions/{id}")).into_response());
            }
            other => other.map_err(session_error)?,
        };
    let wave = store::waves::find_by_id(&state.db, &session.wave_id).await?;
    let title = wave.and_then(|w| title_of(&state, &w));
    let page = view::CodesPage {
        session_id: &session.id,
        class_label: &session.class_label,
        title: title.as_ref(),
        address: &code_address(&state.settings.public_url),
        codes: codes.as_deref(),
        replaced: query.nya.is_some(),
        settings: &state.settings,
    };
    Ok(view::codes_page(&ctx, &page).into_response())
}
