//! One wave's admin page: its state, open and close now, the population figures (pasted, or
//! from the SCB population), the classes per school, and the QR code of an open wave's address.

mod view;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;
use serde::Deserialize;

use crate::collect::{Access, WaveState, population, scb_population};
use crate::store::{self, waves::WaveError};
use crate::web::extract::{CurrentUser, Form, PageCtx};
use crate::web::markup::words::wave_name;
use crate::web::{ADMIN, AppError, AppState, Routes};
use view::{CsvForms, POPULATION_FIELD, SCB_FIELD, SCHOOLS_FIELD, WavePage};

pub fn routes() -> Routes {
    Routes::default()
        .get("/admin/waves/{slug}", ADMIN, show)
        .post(
            "/admin/waves/{slug}/open",
            "/admin/waves/{slug}",
            ADMIN,
            open_now,
        )
        .post(
            "/admin/waves/{slug}/close",
            "/admin/waves/{slug}",
            ADMIN,
            close_now,
        )
        .post(
            "/admin/waves/{slug}/population",
            "/admin/waves/{slug}",
            ADMIN,
            upload_totals,
        )
        .post(
            "/admin/waves/{slug}/population/scb",
            "/admin/waves/{slug}",
            ADMIN,
            totals_from_scb,
        )
        .post(
            "/admin/waves/{slug}/schools",
            "/admin/waves/{slug}",
            ADMIN,
            upload_schools,
        )
        .get("/admin/waves/{slug}/qr.svg", ADMIN, qr_code)
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn show(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<Done>,
) -> Result<Markup, AppError> {
    let page = load(&state, &slug, ctx.lang).await?;
    let notice = query.done.as_deref().and_then(|d| view::notice(&ctx, d));
    Ok(view::page(&ctx, &page, &CsvForms::default(), notice))
}

/// Everything the wave page shows; 404 for an unknown slug.
async fn load(state: &AppState, slug: &str, lang: crate::i18n::Lang) -> Result<WavePage, AppError> {
    let wave = store::waves::find_by_slug(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let survey = state.surveys.version(&wave.survey_id, wave.survey_version);
    let responses = store::waves::response_count(&state.db, &wave.id).await?;
    let totals = store::population::totals_summary(&state.db, &wave.id).await?;
    let schools = match wave.access {
        Access::Class => store::population::school_classes(&state.db, &wave.id).await?,
        Access::Open | Access::Invite => Vec::new(),
    };
    let invitations = match wave.access {
        Access::Invite => Some(store::invitations::summary(&state.db, &wave.id).await?),
        Access::Open | Access::Class => None,
    };
    let computation = store::indicators::find(&state.db, &wave.id).await?;
    let published = crate::evaluate::published(&state.db, &wave).await?;
    let cells = store::population::totals(&state.db, &wave.id).await?;
    // The year of the SCB population the totals can be built from, when the lägesbild has it.
    let scb_year = match (&survey, state.settings.municipality.as_deref()) {
        (Some(survey), Some(area)) if scb_population::takes_scb(survey) => {
            let figures = store::population::scb_figures(&state.db, area).await?;
            scb_population::latest_year(survey, &figures)
        }
        _ => None,
    };
    Ok(WavePage {
        scb_year,
        name: wave_name(state, &wave, lang),
        settings: state.settings.clone(),
        cells,
        wave,
        survey,
        responses,
        totals,
        schools,
        invitations,
        computation,
        published,
    })
}

fn wave_error(e: WaveError) -> AppError {
    match e {
        WaveError::Unknown(_) => AppError::NotFound,
        WaveError::Database(e) => e.into(),
        e @ WaveError::SlugTaken(_) => AppError::Internal(e.into()),
    }
}

async fn open_now(
    State(state): State<AppState>,
    Extension(admin): Extension<CurrentUser>,
    Path(slug): Path<String>,
) -> Result<Redirect, AppError> {
    let wave = store::waves::open_now(&state.db, &slug, &admin.email)
        .await
        .map_err(wave_error)?;
    Ok(Redirect::to(&format!(
        "/admin/waves/{}?done=opened",
        wave.slug
    )))
}

#[tracing::instrument(skip_all, fields(wave = %slug))]
async fn close_now(
    State(state): State<AppState>,
    Extension(admin): Extension<CurrentUser>,
    Path(slug): Path<String>,
) -> Result<Redirect, AppError> {
    let wave = store::waves::close(&state.db, &slug, &admin.email)
        .await
        .map_err(wave_error)?;
    // The final figures, computed now rather than by the next background round.
    if let Err(e) = crate::evaluate::refresh::recompute(&state.db, &state.surveys, &wave).await {
        tracing::warn!(wave = %wave.slug, error = %e, "indicators of a closed wave could not be computed");
    }
    Ok(Redirect::to(&format!(
        "/admin/waves/{}?done=closed",
        wave.slug
    )))
}

#[derive(Deserialize)]
struct CsvForm {
    #[serde(default)]
    csv: String,
}

/// The wave page again with the pasted text and its problems (422): nothing was stored.
fn refused(ctx: &PageCtx, page: &WavePage, forms: CsvForms) -> Response {
    let markup = view::page(ctx, page, &forms, None);
    (StatusCode::UNPROCESSABLE_ENTITY, markup).into_response()
}

#[tracing::instrument(skip_all, fields(wave = %slug))]
async fn upload_totals(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(admin): Extension<CurrentUser>,
    Path(slug): Path<String>,
    Form(form): Form<CsvForm>,
) -> Result<Response, AppError> {
    let page = load(&state, &slug, ctx.lang).await?;
    let mut forms = CsvForms {
        population: form.csv,
        ..CsvForms::default()
    };
    let Some(survey) = &page.survey else {
        forms.errors.add(
            POPULATION_FIELD,
            ctx.t(
                "Enkätversionen som omgången använder är inte inläst.",
                "The questionnaire version this wave uses is not loaded.",
            ),
        );
        return Ok(refused(&ctx, &page, forms));
    };
    match population::parse_totals(survey, &forms.population) {
        Ok(cells) => {
            store::population::replace_totals(&state.db, &page.wave.id, &cells, &admin.email)
                .await?;
            Ok(
                Redirect::to(&format!("/admin/waves/{}?done=population", page.wave.slug))
                    .into_response(),
            )
        }
        Err(problems) => {
            forms.errors.add_problems(&ctx, POPULATION_FIELD, &problems);
            Ok(refused(&ctx, &page, forms))
        }
    }
}

#[derive(Deserialize)]
struct ScbForm {
    /// The year the button offered.
    #[serde(default)]
    year: String,
}

/// The population totals from the SCB population the lägesbild stores for the municipality
/// (the year the button offered): stored as an upload's, or the page again with the reasons.
#[tracing::instrument(skip_all, fields(wave = %slug))]
async fn totals_from_scb(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(admin): Extension<CurrentUser>,
    Path(slug): Path<String>,
    Form(form): Form<ScbForm>,
) -> Result<Response, AppError> {
    let page = load(&state, &slug, ctx.lang).await?;
    let mut forms = CsvForms::default();
    let (Some(survey), Some(area)) = (&page.survey, state.settings.municipality.as_deref()) else {
        let reason = if page.survey.is_none() {
            ctx.t(
                "Enkätversionen som omgången använder är inte inläst.",
                "The questionnaire version this wave uses is not loaded.",
            )
        } else {
            ctx.t(
                "Kommunens kod är inte inställd (inställningen municipality eller TRYGG_MUNICIPALITY), så det går inte att veta vilket områdes siffror som ska användas.",
                "The municipality's code is not set (the setting municipality or TRYGG_MUNICIPALITY), so it is not known whose figures to use.",
            )
        };
        forms.errors.add(SCB_FIELD, reason);
        return Ok(refused(&ctx, &page, forms));
    };
    let figures = store::population::scb_figures(&state.db, area).await?;
    let year = Some(form.year.trim()).filter(|y| !y.is_empty());
    match scb_population::build(survey, area, &figures, year) {
        Ok(built) => {
            store::population::replace_totals(&state.db, &page.wave.id, &built.cells, &admin.email)
                .await?;
            Ok(
                Redirect::to(&format!("/admin/waves/{}?done=population", page.wave.slug))
                    .into_response(),
            )
        }
        Err(problems) => {
            forms.errors.add_problems(&ctx, SCB_FIELD, &problems);
            Ok(refused(&ctx, &page, forms))
        }
    }
}

#[tracing::instrument(skip_all, fields(wave = %slug))]
async fn upload_schools(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(admin): Extension<CurrentUser>,
    Path(slug): Path<String>,
    Form(form): Form<CsvForm>,
) -> Result<Response, AppError> {
    let page = load(&state, &slug, ctx.lang).await?;
    if page.wave.access != Access::Class {
        // The form is only offered for class waves; a hand-made post gets nothing to fix.
        return Err(AppError::NotFound);
    }
    let mut forms = CsvForms {
        schools: form.csv,
        ..CsvForms::default()
    };
    match population::parse_schools(&forms.schools) {
        Ok(schools) => {
            store::population::replace_schools(&state.db, &page.wave.id, &schools, &admin.email)
                .await?;
            Ok(
                Redirect::to(&format!("/admin/waves/{}?done=schools", page.wave.slug))
                    .into_response(),
            )
        }
        Err(problems) => {
            forms.errors.add_problems(&ctx, SCHOOLS_FIELD, &problems);
            Ok(refused(&ctx, &page, forms))
        }
    }
}

/// The QR code of an open wave's address as an SVG file to download (for letters and posters).
/// A closed wave has none: its address takes no answers, so a printed code would mislead
/// (410, saying so).
async fn qr_code(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let wave = store::waves::find_by_slug(&state.db, &slug)
        .await?
        .filter(|w| w.access == Access::Open)
        .ok_or(AppError::NotFound)?;
    if wave.state() == WaveState::Closed {
        return Ok((StatusCode::GONE, view::no_qr_code(&ctx, &wave)).into_response());
    }
    let address = view::open_address(&state.settings, &wave);
    let svg = super::qr::svg(&address).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "the address of wave {slug} does not fit a QR code"
        ))
    })?;
    let disposition = format!("attachment; filename=\"{}-qr.svg\"", wave.slug);
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "image/svg+xml".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{svg}"),
    )
        .into_response())
}
