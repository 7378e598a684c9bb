//! The public page for residents (`/trygghet`, `?lang=en`): återkoppling, the last step of the
//! "Trygg i" model. No sign-in and no session: per priority area of the agreement in force, what
//! residents told us (the published figures of the latest closed waves of questionnaires marked
//! `public`, in plain words, with the same suppression as everywhere), what the municipality and
//! the police promised (the citizen promises in force), then what comes next and how to take part
//! (the open resident wave's link, when one is open).
//!
//! An open wave publishes nothing, here as everywhere: only closed, published waves are read.
//! The page is the same for every visitor, so it may be cached for a few minutes by browsers and
//! shared caches — unless the visitor is signed in (the header then names them) or the response
//! sets the language cookie.

mod view;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use crate::agreement::Agreement;
use crate::collect::{Access, WaveState};
use crate::web::extract::PageCtx;
use crate::web::{AppError, AppState, PUBLIC, Routes};
use view::PublicIntervention;

pub fn routes() -> Routes {
    Routes::default().get("/trygghet", PUBLIC, page)
}

/// How long browsers and shared caches may keep the page.
const MAX_AGE_SECONDS: u32 = 300;

async fn page(ctx: PageCtx, State(state): State<AppState>) -> Result<Response, AppError> {
    let now = crate::util::now();
    let today = crate::local_time::stockholm_date(now).unwrap_or_default();
    let mut areas =
        crate::evaluate::areas::areas(&state.db, &state.surveys, &state.agreements, None).await?;
    let public = |survey: &str| state.surveys.get(survey).is_some_and(|l| l.survey.public);
    for area in &mut areas.areas {
        area.indicators.retain(|i| public(&i.survey));
    }
    let agreement = state.agreements.in_force_on(today).or_else(|| {
        areas
            .agreement
            .as_deref()
            .and_then(|id| state.agreements.get(id))
    });
    let done = public_interventions(&state, agreement, today).await?;
    let promise_ids: Vec<String> = agreement
        .map(|a| a.promises_on(today).map(|p| p.id.clone()).collect())
        .unwrap_or_default();
    let kept = crate::store::promises::follow_ups(&state.db, &promise_ids).await?;
    let waves = crate::store::waves::list(&state.db).await?;
    let open: Vec<_> = waves
        .iter()
        .filter(|w| {
            w.state_at(now) == WaveState::Open && w.access == Access::Open && public(&w.survey_id)
        })
        .collect();
    let next: Option<_> = waves
        .iter()
        .filter(|w| w.state_at(now) == WaveState::Scheduled && public(&w.survey_id))
        .min_by_key(|w| w.opens_at.unwrap_or(i64::MAX));
    let page = view::PublicPage {
        areas: &areas,
        agreement,
        today,
        done: &done,
        kept: &kept,
        open: &open,
        next,
        surveys: &state.surveys,
    };
    let mut response = view::page(&ctx, &page).into_response();
    // The same page for every anonymous visitor: cacheable, unless it names a signed-in user.
    if ctx.user.is_none() {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_str(&format!("public, max-age={MAX_AGE_SECONDS}"))
                .unwrap_or_else(|_| HeaderValue::from_static("no-store")),
        );
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Cookie"));
        response
            .extensions_mut()
            .insert(crate::web::auth::SharedPage);
    }
    Ok(response)
}

/// The interventions with a text for residents that run in the agreement's period up to this
/// year (or this year and last without an agreement), with their outputs summed.
async fn public_interventions(
    state: &AppState,
    agreement: Option<&Agreement>,
    today: NaiveDate,
) -> Result<Vec<PublicIntervention>, AppError> {
    use chrono::Datelike;
    let first = agreement.map_or(today.year() - 1, |a| a.starts.year());
    let rows = crate::store::plan::list(&state.db).await?;
    let outputs = crate::store::plan::outputs(&state.db, None).await?;
    Ok(rows
        .into_iter()
        .filter(|r| {
            let i = &r.intervention;
            !i.public_text.trim().is_empty() && i.start_year <= today.year() && i.end_year >= first
        })
        .map(|r| {
            let i = r.intervention;
            let sums = outputs
                .iter()
                .filter(|o| o.intervention_id == r.id)
                .filter_map(|o| {
                    let actual: Vec<f64> =
                        o.output.values.values().filter_map(|v| v.actual).collect();
                    (!actual.is_empty()).then(|| {
                        (
                            o.output.name.clone(),
                            o.output.unit.clone(),
                            actual.iter().sum::<f64>(),
                        )
                    })
                })
                .collect();
            PublicIntervention {
                area: i.priority_area.clone(),
                title: i.title,
                text: i.public_text,
                status: i.status,
                start_year: i.start_year,
                end_year: i.end_year,
                outputs: sums,
            }
        })
        .collect())
}
