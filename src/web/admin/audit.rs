//! The admin's audit log page: filters in the query string (a GET form, no JavaScript), pages
//! of 50 entries, newest first.

mod view;
mod words;

use axum::extract::{Query, State};
use chrono::NaiveDate;
use maud::Markup;

use crate::local_time;
use crate::store;
use crate::web::extract::PageCtx;
use crate::web::markup::forms::FormErrors;
use crate::web::markup::words::wave_name;
use crate::web::{ADMIN, AppError, AppState, Routes};
use view::{AuditPage, AuditQuery, IndicatorName, IndicatorNames, WaveName};

pub const PER_PAGE: u64 = 50;

pub fn routes() -> Routes {
    Routes::default().get("/admin/audit", ADMIN, audit)
}

/// Every loaded questionnaire's indicators by `survey/indicator`, with their titles.
fn indicator_names(state: &AppState) -> IndicatorNames {
    let mut names = IndicatorNames::new();
    for loaded in state.surveys.iter() {
        for i in &loaded.survey.indicators {
            names.insert(
                format!("{}/{}", loaded.survey.id, i.id),
                IndicatorName {
                    sv: i.title.get(crate::i18n::Lang::Sv).to_owned(),
                    en: i.title.get(crate::i18n::Lang::En).to_owned(),
                    proportion: i.statistic == crate::survey::Statistic::Proportion,
                },
            );
        }
    }
    names
}

fn date(text: &str) -> Option<Result<NaiveDate, ()>> {
    let text = text.trim();
    (!text.is_empty()).then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| ()))
}

async fn audit(
    ctx: PageCtx,
    State(state): State<AppState>,
    Query(query): Query<AuditQuery>,
) -> Result<Markup, AppError> {
    let mut errors = FormErrors::new();
    let waves = store::waves::list(&state.db).await?;
    let names: Vec<(String, WaveName)> = waves
        .iter()
        .map(|w| {
            (
                w.id.clone(),
                WaveName {
                    slug: w.slug.clone(),
                    name: wave_name(&state, w, ctx.lang),
                },
            )
        })
        .collect();
    let mut filter = store::audit::Filter::default();
    if !query.actor.trim().is_empty() {
        filter.actor = Some(query.actor.trim().to_owned());
    }
    let kind = query.kind.trim();
    if view::KINDS.contains(&kind) {
        filter.kind = Some(kind.to_owned());
    }
    let bad_date = ctx.t(
        "Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2026-03-01.",
        "Write the date as YYYY-MM-DD, e.g. 2026-03-01.",
    );
    match date(&query.from) {
        Some(Ok(d)) => filter.from = local_time::start_of_day(d),
        Some(Err(())) => errors.add("from", bad_date),
        None => {}
    }
    match date(&query.until) {
        // Until and including that day.
        Some(Ok(d)) => filter.until = d.succ_opt().and_then(local_time::start_of_day),
        Some(Err(())) => errors.add("until", bad_date),
        None => {}
    }
    if let (Some(from), Some(until)) = (filter.from, filter.until)
        && until <= from
    {
        errors.add(
            "until",
            ctx.t(
                "Slutdatumet ligger före startdatumet.",
                "The end date is before the start date.",
            ),
        );
        filter.until = None;
    }
    let wave = query.wave.trim();
    if !wave.is_empty() {
        match waves.iter().find(|w| w.slug == wave) {
            Some(w) => filter.wave_id = Some(w.id.clone()),
            // A wave that does not exist has no events.
            None => filter.wave_id = Some(String::new()),
        }
    }
    let page = query
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<u64>().ok())
        .filter(|p| *p >= 1 && *p <= 1_000_000)
        .map_or(0, |p| p - 1);
    let (entries, total) = store::audit::page(&state.db, &filter, page, PER_PAGE).await?;
    let actors = store::audit::actors(&state.db).await?;
    let indicators = indicator_names(&state);
    Ok(view::page(
        &ctx,
        &AuditPage {
            entries: &entries,
            total,
            page,
            per_page: PER_PAGE,
            actors: &actors,
            waves: &names,
            indicators: &indicators,
            query: &query,
            errors: &errors,
        },
    ))
}
