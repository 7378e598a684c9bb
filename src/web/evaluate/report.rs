//! The annual evaluation report (`/evaluate/report/{year}`): a summary per priority area, how to
//! read it, per area the indicator panel with charts and the interventions of the action plan
//! with their outputs against plan, method and data quality, and the texts evaluators write per
//! section. A draft is assembled from the stored results on every view; marking it final stores
//! what it shows, and the final report is shown from that, whatever data come later. It prints
//! on A4 (no chart split across pages) and downloads as a tagged PDF (`crate::pdf`).
//!
//! [`standalone`] is the whole report as one self-contained HTML document: what
//! `trygg report --format html` prints and what Chromium prints to PDF. It carries a
//! Content-Security-Policy that runs no script and loads nothing (`crate::pdf::POLICY`); a PDF
//! download waits at most [`PRINT_WAIT`] for the printer and is otherwise answered 503 with
//! `Retry-After`.

pub(super) mod view;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;
use serde::Deserialize;

use crate::accounts::Role;
use crate::evaluate::report::{self, Frozen, Shown};
use crate::store;
use crate::store::reports::ReportError;
use crate::web::extract::{CurrentUser, Form, PageCtx};
use crate::web::{ADMIN, AppError, AppState, EVALUATORS, Routes};

pub(crate) use view::standalone;

pub fn routes() -> Routes {
    Routes::default()
        .get("/evaluate/report", EVALUATORS, years)
        .get("/evaluate/report/{year}", EVALUATORS, page)
        .get("/evaluate/report/{year}/pdf", EVALUATORS, pdf)
        .post(
            "/evaluate/report/{year}/texts/{section}",
            "/evaluate/report/{year}",
            EVALUATORS,
            save_text,
        )
        // "Mark final" asks once more on a page of its own (no script): its form freezes.
        .get("/evaluate/report/{year}/final", EVALUATORS, confirm_final)
        .post(
            "/evaluate/report/{year}/final",
            "/evaluate/report/{year}/final",
            EVALUATORS,
            finalize,
        )
        .post(
            "/evaluate/report/{year}/reopen",
            "/evaluate/report/{year}",
            ADMIN,
            reopen,
        )
}

async fn years(ctx: PageCtx, State(state): State<AppState>) -> Result<Markup, AppError> {
    let years = report::years(&state.db).await?;
    let rows = store::reports::all(&state.db, store::reports::Key::Year(0)).await?;
    Ok(view::years(&ctx, &years, &rows))
}

/// The report of `year` as it is shown, or 404 for a year without one.
async fn shown(state: &AppState, year: i32) -> Result<Shown, AppError> {
    report::load(
        &state.db,
        &state.surveys,
        &state.agreements,
        (year, state.settings.municipality.as_deref()),
    )
    .await?
    .ok_or(AppError::NotFound)
}

fn parse_year(text: &str) -> Result<i32, AppError> {
    text.parse::<i32>()
        .ok()
        .filter(|y| (1990..=2100).contains(y))
        .ok_or(AppError::NotFound)
}

async fn page(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(year): Path<String>,
) -> Result<Markup, AppError> {
    let year = parse_year(&year)?;
    let shown = shown(&state, year).await?;
    let is_admin = ctx.user.as_ref().is_some_and(|u| u.role == Role::Admin);
    Ok(view::page(&ctx, year, &shown, is_admin))
}

/// A section's text as posted (the annual report's and the final follow-up's).
#[derive(Debug, Deserialize)]
pub struct TextForm {
    #[serde(default)]
    body: String,
}

impl TextForm {
    /// The text as it is stored (line ends as `\n`, trimmed); `None` when it is longer than
    /// [`MAX_TEXT`] (see [`text_too_long`]).
    pub fn checked(&self) -> Option<String> {
        let body = self.body.replace("\r\n", "\n").trim().to_owned();
        (body.chars().count() <= MAX_TEXT).then_some(body)
    }
}

/// The refusal of a text longer than [`MAX_TEXT`], with the way back to the report at `back`.
pub fn text_too_long(ctx: &PageCtx, back: &str) -> Response {
    refusal_page(
        ctx,
        StatusCode::UNPROCESSABLE_ENTITY,
        ctx.t(
            "Texten är för lång: högst 20 000 tecken per avsnitt. Inget sparades.",
            "The text is too long: at most 20,000 characters per section. Nothing was saved.",
        ),
        back,
    )
}

/// The longest text a section takes.
const MAX_TEXT: usize = 20_000;

async fn save_text(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path((year, section)): Path<(String, String)>,
    Form(form): Form<TextForm>,
) -> Result<Response, AppError> {
    let year = parse_year(&year)?;
    if !report::is_section(&state.agreements, year, &section)
        || !report::years(&state.db).await?.contains(&year)
    {
        return Err(AppError::NotFound);
    }
    let Some(body) = form.checked() else {
        return Ok(text_too_long(&ctx, &format!("/evaluate/report/{year}")));
    };
    match store::reports::save_text(
        &state.db,
        store::reports::Key::Year(year),
        &section,
        &body,
        &user.email,
    )
    .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/evaluate/report/{year}#section-{section}")).into_response())
        }
        Err(ReportError::Final(_)) => Ok(final_refusal(&ctx, year)),
        Err(ReportError::Db(e)) => Err(e.into()),
        Err(ReportError::NotFinal(_)) => Err(AppError::NotFound),
    }
}

fn refusal(ctx: &PageCtx, status: StatusCode, message: &str, year: i32) -> Response {
    refusal_page(ctx, status, message, &format!("/evaluate/report/{year}"))
}

/// "Nothing was saved": why, and the way back to the report at `back`.
pub fn refusal_page(ctx: &PageCtx, status: StatusCode, message: &str, back: &str) -> Response {
    (status, view::refusal(ctx, message, back)).into_response()
}

fn final_refusal(ctx: &PageCtx, year: i32) -> Response {
    refusal(
        ctx,
        StatusCode::CONFLICT,
        ctx.t(
            "Rapporten är slutlig och ändras inte. En administratör kan öppna den som utkast igen.",
            "The report is final and does not change. An administrator can open it as a draft again.",
        ),
        year,
    )
}

/// The confirmation of "mark final": what freezing means, which sections still lack a text,
/// and the one form that freezes. A final report has nothing to confirm.
async fn confirm_final(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(year): Path<String>,
) -> Result<Response, AppError> {
    let year = parse_year(&year)?;
    let shown = shown(&state, year).await?;
    if shown.finalized.is_some() {
        return Ok(Redirect::to(&format!("/evaluate/report/{year}")).into_response());
    }
    Ok(view::confirmation(&ctx, &shown).into_response())
}

/// What "mark final" posts: only the confirmation's form says `confirm=yes`.
#[derive(Debug, Deserialize)]
pub struct FinalForm {
    #[serde(default)]
    confirm: String,
}

impl FinalForm {
    pub fn confirmed(&self) -> bool {
        self.confirm == "yes"
    }
}

/// Freezes the report, but only from the confirmation's form (`confirm=yes`): any other post
/// (an old page's one-click button, a hand-made request) gets the confirmation and changes
/// nothing.
#[tracing::instrument(skip_all, fields(year = %year))]
async fn finalize(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(year): Path<String>,
    Form(form): Form<FinalForm>,
) -> Result<Response, AppError> {
    let year = parse_year(&year)?;
    let shown = shown(&state, year).await?;
    if shown.finalized.is_some() {
        return Ok(final_refusal(&ctx, year));
    }
    if !form.confirmed() {
        return Ok(view::confirmation(&ctx, &shown).into_response());
    }
    let frozen = Frozen {
        data: shown.data,
        texts: shown.texts,
    };
    let snapshot = serde_json::to_string(&frozen)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the report as JSON: {e}")))?;
    match store::reports::finalize(
        &state.db,
        store::reports::Key::Year(year),
        &snapshot,
        &user.email,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/evaluate/report/{year}")).into_response()),
        Err(ReportError::Final(_)) => Ok(final_refusal(&ctx, year)),
        Err(ReportError::Db(e)) => Err(e.into()),
        Err(ReportError::NotFinal(_)) => Err(AppError::NotFound),
    }
}

async fn reopen(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(year): Path<String>,
) -> Result<Response, AppError> {
    let year = parse_year(&year)?;
    match store::reports::reopen(&state.db, store::reports::Key::Year(year), &user.email).await {
        Ok(()) => Ok(Redirect::to(&format!("/evaluate/report/{year}")).into_response()),
        Err(ReportError::Db(e)) => Err(e.into()),
        Err(_) => Err(AppError::NotFound),
    }
}

/// How long a PDF download waits for a turn at the printer (`crate::pdf::MAX_PRINTS` print at a
/// time) before it is answered 503, and the `Retry-After` it then gets.
const PRINT_WAIT: std::time::Duration = std::time::Duration::from_secs(15);
const PRINT_RETRY_SECS: u64 = 10;

#[tracing::instrument(skip_all, fields(year = %year))]
async fn pdf(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(year): Path<String>,
) -> Result<Response, AppError> {
    let year = parse_year(&year)?;
    let shown = shown(&state, year).await?;
    let print = Print {
        municipality: state.settings.municipality_name.as_deref(),
        printed_at: crate::util::now(),
    };
    let html = standalone(ctx.lang, &shown, &print).into_string();
    let name = format!("{}-{year}.pdf", ctx.t("uppfoljning", "evaluation"));
    Ok(pdf_response(&ctx, &html, &name, &format!("/evaluate/report/{year}")).await)
}

/// `html` printed to a PDF download named `name`; when the printer is missing, failing or busy,
/// a page that says so (503, with `Retry-After` when busy) and links `back`.
#[tracing::instrument(skip_all, fields(file = name))]
pub async fn pdf_response(ctx: &PageCtx, html: &str, name: &str, back: &str) -> Response {
    match crate::pdf::print_within(html, PRINT_WAIT).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "report PDF");
            let message = match e {
                crate::pdf::PdfError::NoChromium => ctx.t(
                    "PDF-filen görs med webbläsaren Chromium, som inte finns på servern. Be driften installera den (Debian: apt-get install chromium). Under tiden kan du skriva ut rapporten till PDF från din egen webbläsare.",
                    "The PDF is made with the Chromium browser, which is not on the server. Ask operations to install it (Debian: apt-get install chromium). Meanwhile you can print the report to PDF from your own browser.",
                ),
                crate::pdf::PdfError::Failed(_) => ctx.t(
                    "PDF-filen kunde inte göras just nu. Försök igen, eller skriv ut rapporten till PDF från din webbläsare.",
                    "The PDF could not be made just now. Try again, or print the report to PDF from your browser.",
                ),
                crate::pdf::PdfError::Busy => ctx.t(
                    "Servern gör andra PDF-filer just nu. Försök igen om en liten stund, eller skriv ut rapporten till PDF från din webbläsare.",
                    "The server is making other PDF files just now. Try again in a little while, or print the report to PDF from your browser.",
                ),
            };
            let retry = matches!(e, crate::pdf::PdfError::Busy)
                .then(|| (header::RETRY_AFTER, PRINT_RETRY_SECS.to_string()));
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::response::AppendHeaders(retry),
                view::no_pdf(ctx, message, back),
            )
                .into_response()
        }
    }
}

/// What only the printed report carries: the municipality's name (the setting
/// `municipality_name`) and the moment it is printed (for the cover's date).
#[derive(Debug, Clone, Copy)]
pub struct Print<'a> {
    pub municipality: Option<&'a str>,
    pub printed_at: i64,
}
