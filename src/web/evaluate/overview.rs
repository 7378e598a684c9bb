//! The overview (`/evaluate`): every priority area with all its indicators from every
//! questionnaire on one page, for a year. Each indicator shows its headline figures (the whole
//! municipality, or year 9 and upper-secondary year 2 apart for the school survey) with value and
//! interval, the change since the wave before, the trend, and the verdicts against the target and
//! the comparison values judged by the interval — by word and by shape, never by colour alone.
//!
//! Honest defaults: the year shown is the latest with a published (closed) wave; an open wave
//! publishes nothing and is only named with its number of responses. Every verdict names the wave
//! it is from, and a wave that is small, unweighted among weighted ones, or asked with another
//! version of the questionnaire is marked on the card, in the trend and on the indicator page.

pub(super) mod view;

use axum::extract::{Query, State};
use maud::Markup;

use super::Pick;
use crate::i18n::Lang;
use crate::web::extract::PageCtx;
use crate::web::markup::words::wave_name;
use crate::web::{AppError, AppState};

pub(super) async fn overview(
    ctx: PageCtx,
    State(state): State<AppState>,
    Query(pick): Query<Pick>,
) -> Result<Markup, AppError> {
    // `?wave=` (links from before years were picked) stands for its year and questionnaire.
    let mut survey_filter = pick.survey.clone().filter(|s| !s.is_empty());
    let mut year = pick
        .year
        .as_deref()
        .and_then(|y| y.trim().parse::<i32>().ok());
    if let Some(slug) = pick.wave.as_deref()
        && let Some(wave) = crate::store::waves::find_by_slug(&state.db, slug).await?
    {
        year = year.or(Some(wave.period));
        survey_filter = survey_filter.or(Some(wave.survey_id.clone()));
    }
    if survey_filter
        .as_deref()
        .is_some_and(|s| state.surveys.get(s).is_none())
    {
        survey_filter = None;
    }
    let mut areas =
        crate::evaluate::areas::areas(&state.db, &state.surveys, &state.agreements, year).await?;
    if year.is_some_and(|y| !areas.years.contains(&y)) {
        // A year without any published wave: show the latest instead, and say so.
        areas = crate::evaluate::areas::areas(&state.db, &state.surveys, &state.agreements, None)
            .await?;
    }
    if let Some(survey) = &survey_filter {
        for area in &mut areas.areas {
            area.indicators.retain(|i| &i.survey == survey);
        }
    }
    let asked_missing = year.filter(|y| Some(*y) != areas.year);
    let collecting = collecting(&state, ctx.lang).await?;
    let surveys: Vec<_> = state
        .surveys
        .iter()
        .filter(|l| !l.survey.indicators.is_empty())
        .collect();
    Ok(view::page(
        &ctx,
        &state,
        &view::Overview {
            areas: &areas,
            survey_filter: &survey_filter,
            asked_missing,
            collecting: &collecting,
            surveys: &surveys,
        },
    ))
}

/// The waves that are open now, by name, with how many have answered: all an open wave shows.
async fn collecting(state: &AppState, lang: Lang) -> Result<Vec<(String, u64)>, AppError> {
    let mut out = Vec::new();
    for wave in crate::store::waves::list(&state.db).await? {
        if wave.state() == crate::collect::WaveState::Open
            && state
                .surveys
                .get(&wave.survey_id)
                .is_some_and(|l| !l.survey.indicators.is_empty())
        {
            let responses = crate::store::waves::response_count(&state.db, &wave.id).await?;
            out.push((wave_name(state, &wave, lang), responses));
        }
    }
    Ok(out)
}
