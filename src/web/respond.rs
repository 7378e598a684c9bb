//! The respondent's routes: the form of a wave (`/s/{slug}`), page by page with a server-side
//! draft, and the pupil code entry (`/k`).
//!
//! Nothing here logs or stores who is answering: the draft cookie holds a random token (the
//! table keeps its hash), the access code is checked here and consumed only when the answers are
//! stored, and the response row is written by `collect::submit` alone.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::api::{open_wave, refusal_error};
use super::auth::{cookie_header_for_path, cookie_value};
use super::extract::Form;
use super::views::PageCtx;
use super::views::respond::{self as view, Position, QuestionPage, StartMode};
use super::{AppError, AppState, PUBLIC, Routes};
use crate::collect::form::{self, FieldError};
use crate::collect::{Access, AccessProof, Outcome, Submission, Wave, codes, intake};
use crate::store::{self, drafts::Draft};
use crate::survey::{Question, Survey, validate};

pub fn routes() -> Routes {
    Routes::default()
        .get("/s/{slug}", PUBLIC, start)
        .post("/s/{slug}/start", PUBLIC, begin)
        .get("/s/{slug}/sida/{page}", PUBLIC, show_page)
        .post("/s/{slug}/sida/{page}", PUBLIC, save_page)
        .get("/s/{slug}/tack", PUBLIC, thanks)
        .get("/k", PUBLIC, code_form)
        .post("/k", PUBLIC, enter_code)
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

#[derive(Deserialize)]
struct StartQuery {
    t: Option<String>,
}

async fn start(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<StartQuery>,
) -> Result<Response, AppError> {
    let (wave, survey) = open_wave(&state, &slug).await?;
    let token = query.t.as_deref().map(codes::normalize);
    let mode = match (wave.access, token.as_deref()) {
        (Access::Open, _) => StartMode::Start { token: None },
        (Access::Invite, Some(t)) if codes::looks_valid(t) => StartMode::Start { token: Some(t) },
        (Access::Invite, _) => StartMode::NeedsInvitation,
        (Access::Class, _) => StartMode::NeedsCode,
    };
    Ok(view::start(&ctx, &slug, &survey, mode).into_response())
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
    let access_hash = match wave.access {
        Access::Open => None,
        Access::Class => return Ok(Redirect::to("/k").into_response()),
        Access::Invite => {
            let token = form.t.as_deref().map(codes::normalize).unwrap_or_default();
            let hash = codes::hash(&token);
            if !codes::looks_valid(&token)
                || !store::access::invitation_usable(&state.db, &wave.id, &hash).await?
            {
                return Err(AppError::Forbidden(
                    ctx.t(
                        "Länken fungerar inte längre. Kanske har du redan svarat – tack i så fall!",
                        "This link no longer works. Perhaps you have already answered – thank you if so!",
                    )
                    .to_owned(),
                ));
            }
            Some(hash)
        }
    };
    start_draft(&state, &ctx, &wave, &survey, access_hash).await
}

/// A new draft (or the one already started with this code) and a redirect to its first page.
async fn start_draft(
    state: &AppState,
    ctx: &PageCtx,
    wave: &Wave,
    survey: &Survey,
    access_hash: Option<String>,
) -> Result<Response, AppError> {
    let resumable = wave.access == Access::Invite;
    let token = match &access_hash {
        // Resuming with a personal link (from the person's own mailbox): a new browser token for
        // the existing draft is not possible (only its hash is stored), so the draft moves to a
        // fresh token. Pupil codes are never resumed: a slip is easily read by a classmate, who
        // must not see the answers (`enter_code` refuses a code in use).
        Some(hash) if resumable => {
            match store::drafts::find_by_access(&state.db, &wave.id, hash).await? {
                Some(existing) => store::drafts::rekey(&state.db, &existing.id).await?,
                None => {
                    store::drafts::create(
                        &state.db,
                        &wave.id,
                        wave.closes_at,
                        access_hash.clone(),
                        ctx.lang,
                    )
                    .await?
                    .0
                }
            }
        }
        Some(_) | None => {
            store::drafts::create(
                &state.db,
                &wave.id,
                wave.closes_at,
                access_hash.clone(),
                ctx.lang,
            )
            .await?
            .0
        }
    };
    let first = form::shown_pages(survey, &Map::new())
        .first()
        .map(|p| p.id.clone())
        .ok_or(AppError::NotFound)?;
    let cookie = set_draft_cookie(state, &wave.slug, &token, store::drafts::DRAFT_HOURS * 3600);
    Ok(redirect_with_cookie(
        &format!("/s/{}/sida/{first}", wave.slug),
        cookie,
    ))
}

/// The page's shown questions and its place among the shown pages.
fn layout_of<'a>(
    survey: &'a Survey,
    page_id: &str,
    answers: &Map<String, Value>,
) -> Option<(&'a crate::survey::Page, Vec<&'a Question>, Position)> {
    let pages = form::shown_pages(survey, answers);
    let index = pages.iter().position(|p| p.id == page_id)?;
    let page = pages[index];
    let shown = form::shown_ids(survey, answers);
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
    let (wave, survey) = open_wave(&state, &slug).await?;
    let Some((_, draft)) = current_draft(&state, &wave, &headers).await? else {
        return Ok(Redirect::to(&format!("/s/{slug}")).into_response());
    };
    let Some((page, questions, position)) = layout_of(&survey, &page_id, &draft.answers) else {
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
    let (wave, survey) = open_wave(&state, &slug).await?;
    let Some((_, mut draft)) = current_draft(&state, &wave, &headers).await? else {
        // No draft: either it was just submitted (a second click) or it expired.
        let token = cookie_value(&headers, &draft_cookie(&slug)).unwrap_or_default();
        let done =
            !token.is_empty() && store::drafts::was_submitted(&state.db, &wave.id, token).await?;
        let to = if done {
            format!("/s/{slug}/tack")
        } else {
            format!("/s/{slug}")
        };
        return Ok(Redirect::to(&to).into_response());
    };
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
        .filter(|q| rendered.contains(&q.id.as_str()))
        .collect();
    let input = form::read_page(&seen, &fields, &mut draft.answers, ctx.lang);
    form::drop_hidden(&survey, &mut draft.answers);
    draft.language = ctx.lang;
    store::drafts::save(&state.db, &draft, wave.closes_at).await?;

    let pages = form::shown_pages(&survey, &draft.answers);
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
    let shown = form::shown_ids(&survey, &draft.answers);
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
        );
    }
    match pages.get(index + 1) {
        Some(next) => Ok(Redirect::to(&format!("/s/{slug}/sida/{}", next.id)).into_response()),
        None => submit_draft(&ctx, &state, &wave, &survey, draft).await,
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
) -> Result<Response, AppError> {
    let Some((page, questions, position)) = layout_of(survey, page_id, answers) else {
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
) -> Result<Response, AppError> {
    let answers = match validate(survey, &draft.answers) {
        Ok(a) => a,
        Err(problems) => {
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
            );
        }
    };
    let answers_json = Value::Object(answers.to_json());
    let access = match (&draft.access_hash, wave.access) {
        (_, Access::Open) => AccessProof::None,
        (Some(h), Access::Invite) => AccessProof::Invitation(h.clone()),
        (Some(h), Access::Class) => AccessProof::PupilCode(h.clone()),
        (None, Access::Invite | Access::Class) => {
            return Err(refusal_error(intake::Refusal::MissingCode));
        }
    };
    let submission = Submission {
        wave_id: wave.id.clone(),
        survey_id: survey.id.clone(),
        survey_version: survey.version,
        submission_id: draft.submission_id.clone(),
        body_hash: crate::util::sha256_hex(intake::canonical_json(&answers_json)),
        language: ctx.lang,
        answers: answers_json.to_string(),
        access,
        draft_id: Some(draft.id.clone()),
    };
    let outcome = state
        .collector
        .submit(submission)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    match outcome {
        Outcome::Created | Outcome::Repeated | Outcome::Conflict => {
            let cookie = set_draft_cookie(state, &wave.slug, "", 0);
            Ok(redirect_with_cookie(&format!("/s/{}/tack", wave.slug), cookie))
        }
        Outcome::AccessDenied => Err(AppError::Forbidden(
            ctx.t(
                "Koden har redan använts, eller så har lektionen avslutats. Svaren kunde inte skickas in.",
                "The code has already been used, or the session has ended. The answers could not be submitted.",
            )
            .to_owned(),
        )),
        Outcome::NotOpen => Err(AppError::Gone(ctx.t("Undersökningen har stängt.", "The survey has closed.").to_owned())),
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

/// Wrong codes tolerated per window, for the whole service: codes have 40 bits, and this keeps
/// guessing one that is live (someone else's, mid-lesson) out of reach. Counted globally because
/// respondents' addresses are not looked at.
const MAX_FAILED_CODES: u32 = 200;
const CODE_WINDOW_SECONDS: i64 = 60;
static FAILED_CODES: std::sync::Mutex<(i64, u32)> = std::sync::Mutex::new((0, 0));

fn failed_codes_now(add: u32) -> u32 {
    let now = crate::util::now();
    let mut window = FAILED_CODES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if now - window.0 >= CODE_WINDOW_SECONDS {
        *window = (now, 0);
    }
    window.1 = window.1.saturating_add(add);
    window.1
}

fn note_failed_code() {
    failed_codes_now(1);
}

fn too_many_failed_codes() -> bool {
    failed_codes_now(0) >= MAX_FAILED_CODES
}

async fn code_form(ctx: PageCtx) -> Response {
    view::code_entry(&ctx, "", None).into_response()
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

async fn enter_code(
    ctx: PageCtx,
    State(state): State<AppState>,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    if too_many_failed_codes() {
        return Err(AppError::TooManyRequests(CODE_WINDOW_SECONDS));
    }
    let typed = form.code.trim().chars().take(40).collect::<String>();
    let normalized = codes::normalize(&typed);
    let refuse = |message: &str| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            view::code_entry(&ctx, &typed, Some(message)),
        )
            .into_response()
    };
    if normalized.is_empty() {
        return Ok(refuse(ctx.t(
            "Skriv in koden från din lapp",
            "Enter the code from your slip",
        )));
    }
    if normalized.len() != codes::PUPIL_CODE_LEN || !codes::looks_valid(&normalized) {
        return Ok(refuse(ctx.t(
            "Koden ska vara 8 tecken, till exempel ABCD-EFGH",
            "The code must be 8 characters, for example ABCD-EFGH",
        )));
    }
    let hash = codes::hash(&normalized);
    let wave = match store::access::wave_of_pupil_code(&state.db, &hash).await? {
        Some(wave_id) => store::waves::find_by_id(&state.db, &wave_id).await?,
        None => None,
    };
    let Some(wave) = wave.filter(|w| w.access == Access::Class) else {
        note_failed_code();
        return Ok(refuse(ctx.t(
            "Koden finns inte eller har redan använts. Kontrollera att du skrivit rätt.",
            "The code does not exist or has already been used. Check that you typed it correctly.",
        )));
    };
    let (wave, survey) = open_wave(&state, &wave.slug).await?;
    if store::drafts::find_by_access(&state.db, &wave.id, &hash)
        .await?
        .is_some()
    {
        return Ok(refuse(ctx.t(
            "Koden används redan på en annan enhet. Be din lärare om en ny kod.",
            "The code is already in use on another device. Ask your teacher for a new code.",
        )));
    }
    start_draft(&state, &ctx, &wave, &survey, Some(hash)).await
}
