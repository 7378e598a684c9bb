//! The final follow-up (slutlig uppföljning) of an agreement period: per priority area and
//! indicator the baseline — the last closed wave before the period began — against the latest
//! wave in the period, with the test of that change, the trend over the waves within the period
//! and the target; the interventions of the period with their outputs summed over its years; the
//! citizen promises with their follow-up per year; the lägesbild measures the agreement names.
//!
//! Waves are placed by their period (a year): a wave of the agreement's first year counts as in
//! the period. Like the annual report, a draft is assembled afresh on every view and a final one
//! is shown from what was stored when it was marked final (`store::reports`, `Key::Agreement`).

use std::collections::BTreeMap;

use chrono::Datelike;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};

use super::EvalError;
use super::areas::{Titles, area_of, survey_waves, up_to};
use super::report::InterventionPart;
use super::series::{DomainSeries, SeriesChange, SeriesTrend, SeriesWave, domain_series};
use crate::agreement::{Agreement, AgreementCatalog};
use crate::i18n::Lang;
use crate::plan::promises::PromiseState;
use crate::stats::trend::TargetStatus;
use crate::store::reports::Key;
use crate::survey::{Better, Statistic, SurveyCatalog};

/// Sections an evaluator writes a text for, besides one per priority area.
pub const SECTIONS: [&str; 4] = ["summary", "promises", "method", "next"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FinalData {
    pub agreement: String,
    pub title: Titles,
    pub parties: Vec<Titles>,
    /// First and last day (ISO dates).
    pub starts: String,
    pub ends: String,
    /// When the numbers were read (RFC 3339).
    pub assembled_at: String,
    pub areas: Vec<FinalArea>,
    pub promises: Vec<FinalPromise>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FinalArea {
    pub id: String,
    pub title: Titles,
    pub description: Titles,
    pub indicators: Vec<FinalIndicator>,
    pub interventions: Vec<InterventionPart>,
    /// The lägesbild measures the agreement names for the area (`source/measure`).
    pub measures: Vec<String>,
    /// Their values from the year before the period to its last year (absent in follow-ups
    /// frozen before the lägesbild existed).
    #[serde(default)]
    pub series: Vec<super::lagesbild::MeasureSeries>,
}

/// One indicator (one headline group of it) over the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FinalIndicator {
    pub survey: String,
    pub survey_title: Titles,
    pub indicator: String,
    pub title: Titles,
    pub statistic: Statistic,
    pub better: Better,
    pub target: Option<f64>,
    /// The headline group (a grade of the school survey), `None` for the whole municipality.
    pub group: Option<Titles>,
    /// The last closed wave before the period.
    pub baseline: Option<SeriesWave>,
    /// The latest wave in the period with numbers (else the latest in it).
    pub latest: Option<SeriesWave>,
    /// Baseline against latest.
    pub change: Option<SeriesChange>,
    /// Over the waves within the period (three or more with numbers).
    pub trend: Option<SeriesTrend>,
    pub trend_note: Option<String>,
    /// The latest wave's interval against the target.
    pub target_status: Option<TargetStatus>,
    /// The baseline and the waves within the period, in order.
    pub waves: Vec<SeriesWave>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FinalPromise {
    pub id: String,
    pub title: Titles,
    pub text: Titles,
    pub starts: String,
    pub ends: String,
    /// The priority area's id, if the promise serves one.
    pub area: Option<String>,
    /// Each activity with who does it, in words of both languages.
    pub activities: Vec<(Titles, Titles)>,
    pub follow_ups: Vec<PromiseYear>,
    /// Over its years (see [`PromiseState::overall`]).
    pub overall: Option<PromiseState>,
    /// Titles of the interventions that carry it out.
    pub interventions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromiseYear {
    pub year: i32,
    pub state: PromiseState,
    pub note: String,
}

/// What the page and the printout show: the data, the texts, and who marked it final, when.
#[derive(Debug, Clone, PartialEq)]
pub struct FinalShown {
    pub data: FinalData,
    pub texts: BTreeMap<String, String>,
    pub finalized: Option<(i64, String)>,
}

/// What is stored when the follow-up is marked final.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FinalFrozen {
    pub data: FinalData,
    pub texts: BTreeMap<String, String>,
}

/// Whether `section` is one the agreement's follow-up has.
pub fn is_section(agreement: &Agreement, section: &str) -> bool {
    SECTIONS.contains(&section) || agreement.area(section).is_some()
}

/// The follow-up of agreement `id`: the frozen one when final, else assembled now; `None` for an
/// agreement that is not loaded and has no final follow-up.
#[tracing::instrument(skip_all, fields(agreement = id))]
pub async fn load(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    agreements: &AgreementCatalog,
    (id, municipality): (&str, Option<&str>),
) -> Result<Option<FinalShown>, EvalError> {
    let key = Key::Agreement(id);
    let row = crate::store::reports::find(db, key).await?;
    if let Some((frozen, finalized)) = super::report::frozen::<FinalFrozen>(row.as_ref(), key)? {
        return Ok(Some(FinalShown {
            data: frozen.data,
            texts: frozen.texts,
            finalized: Some(finalized),
        }));
    }
    let Some(agreement) = agreements.get(id) else {
        return Ok(None);
    };
    let mut data = assemble(db, catalog, agreement).await?;
    let (first, last) = (agreement.starts.year(), agreement.ends.year());
    let within = |p: &str| {
        p.get(..4)
            .and_then(|y| y.parse::<i32>().ok())
            .is_some_and(|y| (first - 1..=last).contains(&y))
    };
    for area in &mut data.areas {
        area.series = super::lagesbild::series_of(db, &area.measures, municipality, Lang::Sv)
            .await?
            .into_iter()
            .map(|mut m| {
                m.municipality.retain(|v| within(&v.period));
                m.country.retain(|v| within(&v.period));
                m
            })
            .collect();
    }
    let texts = crate::store::reports::texts(db, key)
        .await?
        .into_iter()
        .map(|t| (t.section, t.body))
        .collect();
    Ok(Some(FinalShown {
        data,
        texts,
        finalized: None,
    }))
}

/// Reads the follow-up of `agreement` from the stored results, the plan and the promises'
/// follow-ups.
pub async fn assemble(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    agreement: &Agreement,
) -> Result<FinalData, EvalError> {
    let (first, last) = (agreement.starts.year(), agreement.ends.year());
    let mut areas: Vec<FinalArea> = agreement
        .areas
        .iter()
        .map(|a| FinalArea {
            id: a.id.clone(),
            title: Titles::of(&a.title),
            description: Titles::of(&a.description),
            indicators: Vec::new(),
            interventions: Vec::new(),
            measures: a.measures.clone(),
            series: Vec::new(),
        })
        .collect();
    for loaded in catalog.iter() {
        let survey = &loaded.survey;
        if survey.indicators.is_empty() {
            continue;
        }
        let waves = up_to(survey_waves(db, catalog, &survey.id).await?, Some(last));
        for indicator in &survey.indicators {
            let area = area_of(Some(agreement), &survey.id, indicator);
            let Some(part) = areas.iter_mut().find(|a| a.id == area) else {
                continue;
            };
            for row in super::headline::rows(survey, indicator, &waves) {
                let over = over_period(indicator, &row.series, (first, last));
                part.indicators.push(FinalIndicator {
                    survey: survey.id.clone(),
                    survey_title: Titles::of(&survey.title),
                    indicator: indicator.id.clone(),
                    title: Titles::of(&indicator.title),
                    target: indicator.target,
                    group: (!row.key.is_empty()).then_some(row.label),
                    ..over
                });
            }
        }
    }
    let parts = super::report_plan::interventions(db, catalog, first..=last).await?;
    for (area, part) in parts {
        if let Some(a) = areas.iter_mut().find(|a| a.id == area) {
            a.interventions.push(part);
        }
    }
    let promises = promises(db, agreement, &areas).await?;
    Ok(FinalData {
        agreement: agreement.id.clone(),
        title: Titles::of(&agreement.title),
        parties: agreement.parties.iter().map(Titles::of).collect(),
        starts: agreement.starts.to_string(),
        ends: agreement.ends.to_string(),
        assembled_at: super::rfc3339(crate::util::now()),
        areas,
        promises,
    })
}

/// The figures of one series over the period `(first, last)` (years): the baseline before it,
/// the latest in it, the change between them, the trend within it and the target.
pub fn over_period(
    indicator: &crate::survey::Indicator,
    series: &DomainSeries,
    (first, last): (i32, i32),
) -> FinalIndicator {
    let baseline = series
        .waves
        .iter()
        .rev()
        .find(|w| w.period < first)
        .cloned();
    let within: Vec<SeriesWave> = series
        .waves
        .iter()
        .filter(|w| (first..=last).contains(&w.period))
        .cloned()
        .collect();
    let latest = within
        .iter()
        .rev()
        .find(|w| w.figures.estimate.is_some())
        .or(within.last())
        .cloned();
    let domain = series.domain.clone();
    let change = match (&baseline, &latest) {
        (Some(b), Some(l)) => {
            domain_series(indicator, domain.clone(), vec![b.clone(), l.clone()]).change
        }
        _ => None,
    };
    let period = domain_series(indicator, domain, within.clone());
    let waves: Vec<SeriesWave> = baseline.iter().cloned().chain(within).collect();
    FinalIndicator {
        survey: String::new(),
        survey_title: Titles::default(),
        indicator: indicator.id.clone(),
        title: Titles::of(&indicator.title),
        statistic: indicator.statistic,
        better: indicator.better,
        target: indicator.target,
        group: None,
        baseline,
        latest,
        change,
        trend: period.trend,
        trend_note: period.trend_note,
        target_status: period.target_status,
        waves,
    }
}

async fn promises(
    db: &DatabaseConnection,
    agreement: &Agreement,
    areas: &[FinalArea],
) -> Result<Vec<FinalPromise>, EvalError> {
    let ids: Vec<String> = agreement.promises.iter().map(|p| p.id.clone()).collect();
    let follow_ups = crate::store::promises::follow_ups(db, &ids).await?;
    let interventions: Vec<&InterventionPart> =
        areas.iter().flat_map(|a| a.interventions.iter()).collect();
    Ok(agreement
        .promises
        .iter()
        .map(|p| {
            let years: Vec<PromiseYear> = follow_ups
                .iter()
                .filter(|f| f.promise_id == p.id)
                .filter_map(|f| {
                    Some(PromiseYear {
                        year: f.year,
                        state: PromiseState::parse(&f.state)?,
                        note: f.note.clone(),
                    })
                })
                .collect();
            let by = |lang: Lang| {
                move |a: &crate::agreement::Activity| {
                    a.by.iter()
                        .map(|actor| actor.name(lang))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            };
            FinalPromise {
                id: p.id.clone(),
                title: Titles::of(&p.title),
                text: Titles::of(&p.text),
                starts: p.starts.to_string(),
                ends: p.ends.to_string(),
                area: p.area.clone(),
                activities: p
                    .activities
                    .iter()
                    .map(|a| {
                        (
                            Titles::of(&a.text),
                            Titles {
                                sv: by(Lang::Sv)(a),
                                en: by(Lang::En)(a),
                            },
                        )
                    })
                    .collect(),
                overall: PromiseState::overall(years.iter().map(|y| y.state)),
                follow_ups: years,
                interventions: interventions
                    .iter()
                    .filter(|i| i.promise == p.id)
                    .map(|i| i.title.clone())
                    .collect(),
            }
        })
        .collect())
}
