//! The priority areas of the action plan: per area, each indicator's latest value, its change
//! from the wave before, the verdict and the target status (`GET /api/v1/areas`).

use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};

pub use super::Titles;
use super::series::{self, SeriesChange, SeriesTrend, SeriesWave};
use super::{EvalError, WaveIndicators, wave_indicators};
use crate::collect::WaveState;
use crate::i18n::Lang;
use crate::stats::trend::{TargetStatus, Verdict};
use crate::survey::{Better, PriorityArea, Statistic, SurveyCatalog};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AreaIndicator {
    pub survey: String,
    pub indicator: String,
    pub title: Titles,
    pub statistic: Statistic,
    pub better: Better,
    pub target: Option<f64>,
    /// The latest published wave with an estimate.
    pub latest: Option<SeriesWave>,
    /// The latest change between closed waves.
    pub change: Option<SeriesChange>,
    pub trend: Option<SeriesTrend>,
    pub verdict: Option<Verdict>,
    pub target_status: Option<TargetStatus>,
    /// The wave shown for the year asked: the survey's latest published wave up to that year.
    #[serde(default)]
    pub wave: Option<String>,
    #[serde(default, with = "super::period::option")]
    #[schema(value_type = Option<String>)]
    pub period: Option<i32>,
    /// The background question whose categories are the headline rows (`grade`), if any.
    #[serde(default)]
    pub headline_by: Option<String>,
    /// The headline rows: one per category of `headline_by`, or the whole municipality.
    #[serde(default)]
    pub headline: Vec<HeadlineFigure>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Area {
    pub id: String,
    pub title: Titles,
    /// What the agreement says the area is about (absent without an agreement).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Titles>,
    pub indicators: Vec<AreaIndicator>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Areas {
    /// The year shown: the wave of each questionnaire is its latest published one up to it.
    #[serde(default)]
    pub year: Option<i32>,
    /// The years with a published wave.
    #[serde(default)]
    pub years: Vec<i32>,
    /// The agreement whose priority areas these are (the one in force for the year), if any.
    #[serde(default)]
    pub agreement: Option<String>,
    pub areas: Vec<Area>,
}

/// Every published wave of a survey (closed; an open wave publishes nothing), with its
/// published indicators. A wave whose indicators cannot be computed is left out (and logged).
pub async fn survey_waves(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    survey_id: &str,
) -> Result<Vec<WaveIndicators>, EvalError> {
    let mut out = Vec::new();
    for wave in crate::store::waves::list(db).await? {
        if wave.survey_id != survey_id || wave.state() != WaveState::Closed {
            continue;
        }
        match wave_indicators(db, catalog, &wave).await {
            Ok(found) => out.push(found),
            Err(EvalError::Database(e)) => return Err(EvalError::Database(e)),
            Err(EvalError::NotPublished { .. }) => {}
            Err(e) => tracing::warn!(wave = %wave.slug, error = %e, "wave left out of the series"),
        }
    }
    Ok(out)
}

/// The years with a published wave of any questionnaire, in order.
pub fn years(waves: &[WaveIndicators]) -> Vec<i32> {
    let mut years: Vec<i32> = waves.iter().map(|w| w.wave.period).collect();
    years.sort_unstable();
    years.dedup();
    years
}

/// The waves of `waves` up to and including `year` (all without a year), in period order.
pub fn up_to(mut waves: Vec<WaveIndicators>, year: Option<i32>) -> Vec<WaveIndicators> {
    waves.retain(|w| year.is_none_or(|y| w.wave.period <= y));
    waves.sort_by_key(|w| (w.wave.period, w.wave.published.clone(), w.wave.slug.clone()));
    waves
}

/// One headline row of an indicator (the whole municipality, or one grade): the figure of the
/// wave shown, the change into it, the trend up to it, the target and comparison verdicts —
/// each saying which wave it is from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HeadlineFigure {
    /// `grade=y9`, or empty for everyone.
    pub group: String,
    pub label: Titles,
    /// The shown wave's row (without numbers when suppressed).
    pub shown: Option<SeriesWave>,
    /// The change from the wave before with numbers into the shown wave.
    pub change: Option<SeriesChange>,
    pub trend: Option<SeriesTrend>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trend_note: Option<String>,
    pub target_status: Option<TargetStatus>,
    /// The period of the wave the target status is judged on (the latest with numbers).
    #[serde(with = "super::period::option")]
    #[schema(value_type = Option<String>)]
    pub target_period: Option<i32>,
    pub comparisons: Vec<super::headline::ComparisonVerdict>,
    /// The series up to the shown wave, with each wave's marks.
    pub waves: Vec<SeriesWave>,
}

/// The headline figures of an indicator over `waves` (in period order, up to the wave shown).
pub fn headline_figures(
    survey: &crate::survey::Survey,
    indicator: &crate::survey::Indicator,
    waves: &[WaveIndicators],
    comparisons: &[crate::entities::comparison_value::Model],
) -> Vec<HeadlineFigure> {
    let shown = waves.last().map(|w| w.wave.slug.clone());
    super::headline::rows(survey, indicator, waves)
        .into_iter()
        .map(|row| {
            let s = row.series;
            let shown_row = shown
                .as_deref()
                .and_then(|slug| s.waves.iter().find(|w| w.slug == slug).cloned());
            let change = shown
                .as_deref()
                .and_then(|slug| s.changes.iter().find(|c| c.to == slug).cloned());
            let target_period = indicator.target.and_then(|_| {
                s.waves
                    .iter()
                    .rev()
                    .find(|w| w.figures.estimate.is_some())
                    .map(|w| w.period)
            });
            let comparisons = super::headline::comparisons(
                comparisons,
                indicator,
                &row.key,
                &s,
                shown.as_deref(),
            );
            HeadlineFigure {
                group: row.key,
                label: row.label,
                shown: shown_row,
                change,
                trend: s.trend,
                trend_note: s.trend_note,
                target_status: s.target_status,
                target_period,
                comparisons,
                waves: s.waves,
            }
        })
        .collect()
}

/// The id of the area "other indicators": indicators of a questionnaire that the agreement in
/// force does not name under any of its areas.
pub const OTHER_AREA: &str = "other";

/// The title of [`OTHER_AREA`].
pub fn other_area_title() -> Titles {
    Titles {
        sv: "Övriga indikatorer".into(),
        en: "Other indicators".into(),
    }
}

/// The priority areas of `agreement` (empty, with no indicators yet), or the three of the
/// questionnaire files' `priority_area` when no agreement is in force.
pub fn area_list(agreement: Option<&crate::agreement::Agreement>) -> Vec<Area> {
    match agreement {
        Some(a) => a
            .areas
            .iter()
            .map(|area| Area {
                id: area.id.clone(),
                title: Titles::of(&area.title),
                description: Some(Titles::of(&area.description)),
                indicators: Vec::new(),
            })
            .collect(),
        None => PriorityArea::ALL
            .iter()
            .map(|a| Area {
                id: a.id().to_owned(),
                title: Titles {
                    sv: a.title(Lang::Sv).to_owned(),
                    en: a.title(Lang::En).to_owned(),
                },
                description: None,
                indicators: Vec::new(),
            })
            .collect(),
    }
}

/// The area an indicator is filed under: the agreement's area that names it, or — with no
/// agreement — the questionnaire file's `priority_area`; [`OTHER_AREA`] when the agreement
/// names it under none.
pub fn area_of(
    agreement: Option<&crate::agreement::Agreement>,
    survey: &str,
    indicator: &crate::survey::Indicator,
) -> String {
    match agreement {
        Some(a) => a
            .area_of(survey, &indicator.id)
            .map_or_else(|| OTHER_AREA.to_owned(), |area| area.id.clone()),
        None => indicator.priority_area.id().to_owned(),
    }
}

/// Every priority area of the agreement in force for `year` with every indicator of every
/// questionnaire, as published up to `year` (the latest year with a published wave when `None`).
#[tracing::instrument(skip_all, fields(year = ?year))]
pub async fn areas(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    agreements: &crate::agreement::AgreementCatalog,
    year: Option<i32>,
) -> Result<Areas, EvalError> {
    let mut all_years = Vec::new();
    let mut per_survey = Vec::new();
    for loaded in catalog.iter() {
        let survey = &loaded.survey;
        if survey.indicators.is_empty() {
            continue;
        }
        let waves = survey_waves(db, catalog, &survey.id).await?;
        all_years.extend(years(&waves));
        per_survey.push((survey.clone(), waves));
    }
    all_years.sort_unstable();
    all_years.dedup();
    let year = year.or(all_years.last().copied());
    let agreement = year.and_then(|y| agreements.for_year(y));
    let mut areas = area_list(agreement);
    for (survey, waves) in per_survey {
        let waves = up_to(waves, year);
        let comparisons = crate::store::comparisons::for_survey(db, &survey.id).await?;
        for indicator in &survey.indicators {
            let s = series::build(&survey.id, indicator, &waves, None);
            let overall = s.series.into_iter().next();
            let entry = AreaIndicator {
                survey: survey.id.clone(),
                indicator: indicator.id.clone(),
                title: Titles::of(&indicator.title),
                statistic: indicator.statistic,
                better: indicator.better,
                target: indicator.target,
                latest: overall.as_ref().and_then(|o| {
                    o.waves
                        .iter()
                        .rev()
                        .find(|w| w.figures.estimate.is_some())
                        .cloned()
                }),
                change: overall.as_ref().and_then(|o| o.change.clone()),
                trend: overall.as_ref().and_then(|o| o.trend.clone()),
                verdict: overall.as_ref().and_then(|o| o.verdict),
                target_status: overall.as_ref().and_then(|o| o.target_status),
                wave: waves.last().map(|w| w.wave.slug.clone()),
                period: waves.last().map(|w| w.wave.period),
                headline_by: survey.headline_by.clone(),
                headline: headline_figures(&survey, indicator, &waves, &comparisons),
            };
            let area_id = area_of(agreement, &survey.id, indicator);
            match areas.iter_mut().find(|a| a.id == area_id) {
                Some(area) => area.indicators.push(entry),
                None => areas.push(Area {
                    id: OTHER_AREA.to_owned(),
                    title: other_area_title(),
                    description: None,
                    indicators: vec![entry],
                }),
            }
        }
    }
    Ok(Areas {
        year,
        years: all_years,
        agreement: agreement.map(|a| a.id.clone()),
        areas,
    })
}
