//! The respondent's routes: the form of a wave (`/s/{slug}`), page by page with a server-side
//! draft, and the pupil code entry (`/k`).
//!
//! Nothing here logs or stores who is answering: the draft cookie holds a random token (the
//! table keeps its hash), the access code is checked here and consumed only when the answers are
//! stored, and the response row is written by `collect::submit`'s writer alone
//! (`store::submissions`), from a submission `collect::intake` checked.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::collect::form::{self, FieldError};
use crate::collect::{Access, Outcome, Wave, codes, intake};
use crate::store::{self, drafts::Draft, drafts::Holder};
use crate::survey::{Question, Survey};
use crate::web::api::{open_wave, refusal_error};
use crate::web::auth::{cookie_header_for_path, cookie_value};
use crate::web::extract::{Form, PageCtx};
use crate::web::{AppError, AppState, PUBLIC, Routes, Said};
use view::{Deadline, Position, QuestionPage, StartMode};

mod code;
mod view;

pub fn routes() -> Routes {
    Routes::default()
        .get("/s/{slug}", PUBLIC, start)
        .post("/s/{slug}/start", "/s/{slug}", PUBLIC, begin)
        .get("/s/{slug}/sida/{page}", PUBLIC, show_page)
        .post(
            "/s/{slug}/sida/{page}",
            "/s/{slug}/sida/{page}",
            PUBLIC,
            save_page,
        )
        .get("/s/{slug}/tack", PUBLIC, thanks)
        .get("/k", PUBLIC, code::code_form)
        .post("/k", "/k", PUBLIC, code::enter_code)
}

fn draft_cookie(slug: &str) -> String {
    format!("trygg_draft_{slug}")
}

fn set_draft_cookie(
    state: &AppState,
    slug: &str,
    token: &str,
    max_age: i64,
) -> Option<HeaderValue> {
    cookie_header_for_path(
        &state.settings,
        &draft_cookie(slug),
        token,
        &format!("/s/{slug}"),
        max_age,
    )
}

fn redirect_with_cookie(to: &str, cookie: Option<HeaderValue>) -> Response {
    let mut response = Redirect::to(to).into_response();
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// The draft this browser holds for the wave, if any.
async fn current_draft(
    state: &AppState,
    wave: &Wave,
    headers: &HeaderMap,
) -> Result<Option<(String, Draft)>, AppError> {
    let Some(token) = cookie_value(headers, &draft_cookie(&wave.slug))
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
    else {
        return Ok(None);
    };
    Ok(store::drafts::find(&state.db, &wave.id, token)
        .await?
        .map(|d| (token.to_owned(), d)))
}

/// The wave of a form in progress, or the page to answer with instead. When the wave has
/// closed under a respondent who was still answering (the browser holds a draft token), they
/// are told plainly that their answers were not kept, rather than only that it is closed.
async fn wave_of_form(
    state: &AppState,
    ctx: &PageCtx,
    slug: &str,
    headers: &HeaderMap,
) -> Result<(Wave, Arc<Survey>), Response> {
    match open_wave(state, slug).await {
        Err(AppError::Gone(_))
            if cookie_value(headers, &draft_cookie(slug)).is_some_and(|t| !t.is_empty()) =>
        {
            let wave = store::waves::find_by_slug(&state.db, slug)
                .await
                .ok()
                .flatten();
            let survey = wave.and_then(|w| state.surveys.version(&w.survey_id, w.survey_version));
            Err(closed_mid_form(state, ctx, slug, survey.as_deref()))
        }
        Err(e) => Err(e.into_response()),
        Ok(found) => Ok(found),
    }
}

/// 410 with the page that says the answers were not kept; the draft cookie is cleared.
fn closed_mid_form(
    state: &AppState,
    ctx: &PageCtx,
    slug: &str,
    survey: Option<&Survey>,
) -> Response {
    let mut response = (StatusCode::GONE, view::closed_mid_form(ctx, survey)).into_response();
    if let Some(cookie) = set_draft_cookie(state, slug, "", 0) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// The start page, telling a browser that held a draft token that its draft is gone.
fn start_again(slug: &str, headers: &HeaderMap) -> String {
    if cookie_value(headers, &draft_cookie(slug)).is_some_and(|t| !t.is_empty()) {
        format!("/s/{slug}?borta=1")
    } else {
        format!("/s/{slug}")
    }
}

/// The time limit a respondent should see on the form: the end of a pupil's time to finish
/// after their lesson ended, or the survey's close within a day. A pupil whose time has run
/// out is told so at once instead of answering on in vain.
async fn deadline(
    state: &AppState,
    wave: &Wave,
    draft: &Draft,
) -> Result<Option<Deadline>, AppError> {
    let now = crate::util::now();
    let closes_in = wave.closes_at.map(|closes| closes - now);
    if let (Access::Class, Some(code)) = (wave.access, &draft.proof)
        && let Some(until) = store::access::finish_until(&state.db, code).await?
        && closes_in.is_none_or(|left| left > until - now)
    {
        if until <= now {
            return Err(AppError::Forbidden(Said::new(
                "Lektionen avslutades och tiden för att skicka in svaren har gått ut. Svaren kunde inte tas emot.",
                "The lesson has ended and the time to submit the answers has run out. The answers could not be accepted.",
            )));
        }
        return Ok(Some(Deadline::LessonEnded(until - now)));
    }
    // The survey's close, when it comes within a day (and before a pupil's own limit).
    Ok(closes_in
        .filter(|left| *left <= 24 * 3600)
        .map(Deadline::SurveyCloses))
}

/// The answer a pupil's class session gives (its grade, as the survey's `grade_question`
/// code): the form does not ask it, and the draft carries it. `None` for other waves, or when
/// the survey maps no code to the session's grade (the pupil is then asked).
async fn given_answer(
    state: &AppState,
    wave: &Wave,
    survey: &Survey,
    draft: &Draft,
) -> Result<Option<(String, String)>, AppError> {
    let (Access::Class, Some(code)) = (wave.access, draft.proof.as_deref()) else {
        return Ok(None);
    };
    let Some(grade) = store::access::session_grade(&state.db, code).await? else {
        return Ok(None);
    };
    Ok(survey
        .session_answer(grade)
        .map(|(q, code)| (q.to_owned(), code.to_owned())))
}

/// Puts the session's answer into the draft's answers (whatever was there: the session knows).
fn give(answers: &mut Map<String, Value>, given: Option<&(String, String)>) {
    if let Some((question, code)) = given {
        answers.insert(question.clone(), Value::String(code.clone()));
    }
}

#[derive(Deserialize)]
struct StartQuery {
    t: Option<String>,
    /// Set when the browser came back to a draft that no longer exists.
    borta: Option<String>,
}

async fn start(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<StartQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (wave, survey) = open_wave(&state, &slug).await?;
    let token = query.t.as_deref().map(codes::normalize);
    // A browser with a form in progress (a pupil who just entered their code, or anyone
    // coming back) goes on with it. A personal link starts again from the link instead,
    // which resumes the link's own draft.
    let draft = match token {
        None => current_draft(&state, &wave, &headers).await?,
        Some(_) => None,
    };
    let given = match &draft {
        Some((_, d)) => given_answer(&state, &wave, &survey, d).await?,
        None => None,
    };
    let first = format!(
        "/s/{slug}/sida/{}",
        first_page_for(&survey, given.as_ref().map(|(q, _)| q.as_str()))?
    );
    let mode = match (wave.access, token.as_deref()) {
        _ if draft.is_some() => StartMode::Continue {
            href: &first,
            pupil: wave.access == Access::Class,
        },
        (Access::Open, _) => StartMode::Start { token: None },
        (Access::Invite, Some(t)) if codes::looks_valid(t) => StartMode::Start { token: Some(t) },
        (Access::Invite, _) => StartMode::NeedsInvitation,
        (Access::Class, _) => StartMode::NeedsCode,
    };
    let draft_gone = query.borta.is_some();
    Ok(view::start(&ctx, &slug, &survey, mode, draft_gone).into_response())
}

#[derive(Deserialize)]
struct BeginForm {
    #[serde(default)]
    t: Option<String>,
}

/// Starts (or, for a personal link, resumes) a draft and goes to the first page.
async fn begin(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Form(form): Form<BeginForm>,
) -> Result<Response, AppError> {
    let (wave, survey) = open_wave(&state, &slug).await?;
    let token = match wave.access {
        Access::Open => {
            let (token, _) = store::drafts::create(
                &state.db,
                &wave.id,
                wave.closes_at,
                Holder::Anyone,
                ctx.lang,
            )
            .await?;
            token
        }
        Access::Class => return Ok(Redirect::to("/k").into_response()),
        Access::Invite => {
            let link = form.t.as_deref().map(codes::normalize).unwrap_or_default();
            if !codes::looks_valid(&link)
                || !store::access::invitation_usable(&state.db, &wave.id, &codes::hash(&link))
                    .await?
            {
                return Err(AppError::Forbidden(Said::new(
                    "Länken fungerar inte längre. Kanske har du redan svarat – tack i så fall!",
                    "This link no longer works. Perhaps you have already answered – thank you if so!",
                )));
            }
            // Coming back with the personal link (from the person's own mailbox, on this or
            // another device): the draft it started moves to a new browser token.
            match store::drafts::resume(&state.db, &wave.id, &link).await? {
                Some(token) => token,
                None => {
                    let holder = Holder::Invitation(&link);
                    store::drafts::create(&state.db, &wave.id, wave.closes_at, holder, ctx.lang)
                        .await?
                        .0
                }
            }
        }
    };
    to_first_page(&state, &wave, &survey, &token)
}

/// A redirect to the survey's start page that gives the browser its draft token: the start page
/// then shows the introduction with a link to the first page.
pub(super) fn to_introduction(
    state: &AppState,
    wave: &Wave,
    survey: &Survey,
    token: &str,
) -> Result<Response, AppError> {
    // The form must have a first page to begin on.
    first_page(survey)?;
    let cookie = set_draft_cookie(state, &wave.slug, token, store::drafts::DRAFT_HOURS * 3600);
    Ok(redirect_with_cookie(&format!("/s/{}", wave.slug), cookie))
}

fn first_page(survey: &Survey) -> Result<String, AppError> {
    first_page_for(survey, None)
}

/// The first page the form asks anything on, `given` not asked.
fn first_page_for(survey: &Survey, given: Option<&str>) -> Result<String, AppError> {
    form::asked_pages(survey, &Map::new(), given)
        .first()
        .map(|p| p.id.clone())
        .ok_or(AppError::NotFound)
}

/// A redirect to the form's first page that gives the browser its draft token.
pub(super) fn to_first_page(
    state: &AppState,
    wave: &Wave,
    survey: &Survey,
    token: &str,
) -> Result<Response, AppError> {
    let first = first_page(survey)?;
    let cookie = set_draft_cookie(state, &wave.slug, token, store::drafts::DRAFT_HOURS * 3600);
    Ok(redirect_with_cookie(
        &format!("/s/{}/sida/{first}", wave.slug),
        cookie,
    ))
}

/// The page's shown questions and its place among the shown pages; the `given` question (a
/// class session's grade) is neither shown nor counted.
fn layout_of<'a>(
    survey: &'a Survey,
    page_id: &str,
    answers: &Map<String, Value>,
    given: Option<&str>,
) -> Option<(&'a crate::survey::Page, Vec<&'a Question>, Position)> {
    let pages = form::asked_pages(survey, answers, given);
    let index = pages.iter().position(|p| p.id == page_id)?;
    let page = pages[index];
    let shown = form::asked_ids(survey, answers, given);
    let questions = page
        .questions
        .iter()
        .filter(|q| shown.contains(&q.id))
        .collect();
    Some((
        page,
        questions,
        Position {
            number: index + 1,
            of: pages.len(),
        },
    ))
}

async fn show_page(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path((slug, page_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (wave, survey) = match wave_of_form(&state, &ctx, &slug, &headers).await {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let Some((_, mut draft)) = current_draft(&state, &wave, &headers).await? else {
        return Ok(Redirect::to(&start_again(&slug, &headers)).into_response());
    };
    let deadline = deadline(&state, &wave, &draft).await?;
    let given = given_answer(&state, &wave, &survey, &draft).await?;
    give(&mut draft.answers, given.as_ref());
    let given_id = given.as_ref().map(|(q, _)| q.as_str());
    let Some((page, questions, position)) = layout_of(&survey, &page_id, &draft.answers, given_id)
    else {
        // A page that asks only what the session gave: on to the first page that asks.
        if form::shown_pages(&survey, &draft.answers)
            .iter()
            .any(|p| p.id == page_id)
            && let Ok(first) = first_page_for(&survey, given_id)
        {
            return Ok(Redirect::to(&format!("/s/{slug}/sida/{first}")).into_response());
        }
        return Err(AppError::NotFound);
    };
    let view = QuestionPage {
        slug: &slug,
        survey: &survey,
        page,
        questions,
        position,
        answers: &draft.answers,
        raw: &Map::new(),
        errors: &[],
        revealed: false,
        deadline,
    };
    Ok(view::question_page(&ctx, &view).into_response())
}

async fn save_page(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path((slug, page_id)): Path<(String, String)>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (wave, survey) = match wave_of_form(&state, &ctx, &slug, &headers).await {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let Some((_, mut draft)) = current_draft(&state, &wave, &headers).await? else {
        // No draft: either it was just submitted (a second click) or it expired.
        let token = cookie_value(&headers, &draft_cookie(&slug)).unwrap_or_default();
        let done =
            !token.is_empty() && store::drafts::was_submitted(&state.db, &wave.id, token).await?;
        let to = if done {
            format!("/s/{slug}/tack")
        } else {
            start_again(&slug, &headers)
        };
        return Ok(Redirect::to(&to).into_response());
    };
    let deadline = deadline(&state, &wave, &draft).await?;
    let given = given_answer(&state, &wave, &survey, &draft).await?;
    let given_id = given.as_ref().map(|(q, _)| q.as_str());
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let going_back = field("_action") == Some("back");
    let rendered: Vec<&str> = field("_shown").unwrap_or_default().split(',').collect();
    let Some(page) = survey.pages.iter().find(|p| p.id == page_id) else {
        return Err(AppError::NotFound);
    };
    // Read only the questions the respondent saw; a question revealed by these very answers is
    // shown next, not complained about.
    let seen: Vec<&Question> = page
        .questions
        .iter()
        .filter(|q| rendered.contains(&q.id.as_str()) && Some(q.id.as_str()) != given_id)
        .collect();
    let input = form::read_page(&seen, &fields, &mut draft.answers, ctx.lang);
    give(&mut draft.answers, given.as_ref());
    form::drop_hidden(&survey, &mut draft.answers);
    draft.language = ctx.lang;
    store::drafts::save(&state.db, &draft, wave.closes_at).await?;

    let pages = form::asked_pages(&survey, &draft.answers, given_id);
    let Some(index) = pages.iter().position(|p| p.id == page_id) else {
        // A page the answers hide (a stale tab): back to the form's first page.
        let first = pages
            .first()
            .map_or(String::new(), |p| format!("/sida/{}", p.id));
        return Ok(Redirect::to(&format!("/s/{slug}{first}")).into_response());
    };
    if going_back {
        let previous = index.checked_sub(1).and_then(|i| pages.get(i));
        return Ok(match previous {
            Some(p) => Redirect::to(&format!("/s/{slug}/sida/{}", p.id)),
            None => Redirect::to(&format!("/s/{slug}")),
        }
        .into_response());
    }
    let shown = form::asked_ids(&survey, &draft.answers, given_id);
    let revealed = page
        .questions
        .iter()
        .any(|q| shown.contains(&q.id) && !rendered.contains(&q.id.as_str()));
    let mut errors = input.errors.clone();
    if !revealed {
        for missing in form::missing_on_page(&survey, page, &draft.answers, ctx.lang) {
            if !errors.iter().any(|e| e.question == missing.question) {
                errors.push(missing);
            }
        }
    }
    if revealed || !errors.is_empty() {
        sort_by_page_order(page, &mut errors);
        return render_page(
            &ctx,
            &slug,
            &survey,
            &page_id,
            &draft.answers,
            &input.raw,
            &errors,
            revealed,
            deadline,
            given_id,
        );
    }
    match pages.get(index + 1) {
        Some(next) => Ok(Redirect::to(&format!("/s/{slug}/sida/{}", next.id)).into_response()),
        None => submit_draft(&ctx, &state, &wave, &survey, draft, deadline, given_id).await,
    }
}

fn sort_by_page_order(page: &crate::survey::Page, errors: &mut [FieldError]) {
    errors.sort_by_key(|e| page.questions.iter().position(|q| q.id == e.question));
}

#[allow(clippy::too_many_arguments)]
fn render_page(
    ctx: &PageCtx,
    slug: &str,
    survey: &Survey,
    page_id: &str,
    answers: &Map<String, Value>,
    raw: &Map<String, Value>,
    errors: &[FieldError],
    revealed: bool,
    deadline: Option<Deadline>,
    given: Option<&str>,
) -> Result<Response, AppError> {
    let Some((page, questions, position)) = layout_of(survey, page_id, answers, given) else {
        return Err(AppError::NotFound);
    };
    let view = QuestionPage {
        slug,
        survey,
        page,
        questions,
        position,
        answers,
        raw,
        errors,
        revealed,
        deadline,
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, view::question_page(ctx, &view)).into_response())
}

/// The last page is done: check the whole answer set and store it.
async fn submit_draft(
    ctx: &PageCtx,
    state: &AppState,
    wave: &Wave,
    survey: &Arc<Survey>,
    draft: Draft,
    deadline: Option<Deadline>,
    given: Option<&str>,
) -> Result<Response, AppError> {
    let submission = match intake::from_draft(
        wave,
        survey,
        intake::FormDraft {
            draft_id: &draft.id,
            submission_id: &draft.submission_id,
            language: ctx.lang,
            answers: &draft.answers,
            proof: draft.proof.as_deref(),
        },
    ) {
        Ok(submission) => submission,
        Err(intake::Refusal::Answers(problems)) => {
            // Answers checked page by page normally pass; if not (the questionnaire's logic
            // spans pages), send the respondent to the first page with a problem.
            let Some(first) = problems.iter().find_map(|p| {
                survey
                    .pages
                    .iter()
                    .find(|page| page.questions.iter().any(|q| q.id == p.question))
            }) else {
                return Err(refusal_error(intake::Refusal::Answers(problems)));
            };
            let errors: Vec<FieldError> = problems
                .iter()
                .filter_map(|p| {
                    let q = first.questions.iter().find(|q| q.id == p.question)?;
                    Some(FieldError {
                        question: q.id.clone(),
                        message: form::required_message(q, ctx.lang),
                    })
                })
                .collect();
            return render_page(
                ctx,
                &wave.slug,
                survey,
                &first.id,
                &draft.answers,
                &Map::new(),
                &errors,
                false,
                deadline,
                given,
            );
        }
        Err(refusal) => return Err(refusal_error(refusal)),
    };
    let outcome = state
        .collector
        .submit(submission)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    match outcome {
        Outcome::Created | Outcome::Repeated | Outcome::Conflict => {
            let cookie = set_draft_cookie(state, &wave.slug, "", 0);
            Ok(redirect_with_cookie(
                &format!("/s/{}/tack", wave.slug),
                cookie,
            ))
        }
        Outcome::AccessDenied => Err(AppError::Forbidden(Said::new(
            "Koden har redan använts, eller så tog tiden för att skicka in slut efter att lektionen avslutades. Svaren kunde inte skickas in.",
            "The code has already been used, or the time to submit ran out after the lesson ended. The answers could not be submitted.",
        ))),
        Outcome::NotOpen => Ok(closed_mid_form(state, ctx, &wave.slug, Some(survey))),
    }
}

async fn thanks(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    // Shown after the wave closes, too: the last respondent may have submitted just in time.
    let wave = store::waves::find_by_slug(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let survey = state.surveys.version(&wave.survey_id, wave.survey_version);
    Ok(view::thanks(&ctx, survey.as_deref()).into_response())
}
