//! The annual evaluation report of a year: per priority area every indicator with its series up
//! to that year's wave, and the interventions of the action plan active that year with their
//! outputs against plan; per wave the data quality (responses, exclusions, calibration, hidden
//! cells, a break in the series when the questionnaire version changed).
//!
//! [`assemble`] reads everything from the stored results; the report shows it as it is until an
//! evaluator marks it final, when [`Frozen`] — these numbers and the texts — is stored and shown
//! from then on, whatever data are added later.

use std::collections::BTreeMap;

use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};

use super::areas::{Titles, survey_waves};
use super::series::DomainSeries;
use super::{EvalError, WaveIndicators};
use crate::i18n::Lang;
use crate::stats::Flag;
use crate::survey::{Better, PriorityArea, Statistic, SurveyCatalog};

/// Sections an evaluator writes a text for, besides one per priority area.
pub const SECTIONS: [&str; 3] = ["summary", "method", "next"];

/// Whether `section` is one the report has.
pub fn is_section(section: &str) -> bool {
    SECTIONS.contains(&section) || PriorityArea::parse(section).is_some()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportData {
    pub year: i32,
    /// When the numbers were read (RFC 3339).
    pub assembled_at: String,
    pub areas: Vec<AreaPart>,
    pub waves: Vec<WaveQuality>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaPart {
    /// The priority area's id.
    pub area: String,
    pub indicators: Vec<Panel>,
    pub interventions: Vec<InterventionPart>,
}

/// One indicator in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Panel {
    pub survey: String,
    pub survey_title: Titles,
    pub indicator: String,
    pub title: Titles,
    /// `proportion` or `mean`.
    pub statistic: String,
    /// `lower` or `higher`.
    pub better: String,
    pub target: Option<f64>,
    /// The headline group the panel is for (a grade of the school survey), `None` for the whole
    /// municipality.
    #[serde(default)]
    pub group: Option<Titles>,
    /// The series up to and including the year's wave: overall, or of the group.
    pub series: DomainSeries,
    /// The year's wave, when the survey had one.
    pub wave: Option<String>,
    /// Comparison lines: label and values by year, with the sources.
    pub comparisons: Vec<ComparisonPart>,
}

impl Panel {
    pub fn statistic(&self) -> Statistic {
        if self.statistic == "mean" {
            Statistic::Mean
        } else {
            Statistic::Proportion
        }
    }

    pub fn better(&self) -> Better {
        if self.better == "higher" {
            Better::Higher
        } else {
            Better::Lower
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonPart {
    pub label: String,
    pub values: Vec<(i32, f64)>,
    pub sources: Vec<(i32, String)>,
}

/// An intervention of the action plan active in the year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterventionPart {
    pub id: i64,
    pub title: String,
    /// `not_started`, `ongoing`, `done`, `delayed` or `cancelled`.
    pub status: String,
    pub status_reason: String,
    pub citizen_promise: bool,
    pub start_year: i32,
    pub end_year: i32,
    /// Who is responsible, in words of both languages.
    pub responsible: Titles,
    pub outputs: Vec<OutputPart>,
    /// The follow-up note written for the year.
    pub follow_up: Option<String>,
    /// Titles of the linked indicators.
    pub indicators: Vec<Titles>,
}

/// An output measure's planned and actual value for the year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputPart {
    pub name: String,
    pub unit: String,
    pub planned: Option<f64>,
    pub actual: Option<f64>,
}

/// What went into one of the year's waves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaveQuality {
    pub survey_title: Titles,
    pub slug: String,
    pub period: String,
    /// The day the wave's figures were published (empty in reports frozen before publications
    /// were dated).
    #[serde(default)]
    pub published: String,
    pub responses: u64,
    pub unreliable: u64,
    pub uncalibrated: u64,
    pub calibrated: bool,
    /// Why the population totals are not used, when they are not.
    pub calibration_issue: Option<Titles>,
    /// Hidden cells over every indicator and breakdown of the wave.
    pub suppressed: usize,
    /// The published estimates of the wave.
    pub estimates: usize,
    pub survey_version: u32,
    /// The questionnaire version differs from the survey's wave before: a break in the series.
    pub break_in_series: bool,
}

/// What a final report shows: its numbers and its texts as they were when it was marked final.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frozen {
    pub data: ReportData,
    pub texts: BTreeMap<String, String>,
}

/// A report as it is shown: its numbers, texts and status.
#[derive(Debug, Clone)]
pub struct Shown {
    pub data: ReportData,
    pub texts: BTreeMap<String, String>,
    /// `Some((when, who))` when final.
    pub finalized: Option<(i64, String)>,
}

/// The report of `year`: the frozen one when final, else assembled now; `None` for a year with
/// no wave and no final report.
pub async fn load(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    year: i32,
) -> Result<Option<Shown>, EvalError> {
    let row = crate::store::reports::find(db, year).await?;
    if let Some(row) = row.as_ref().filter(|r| r.status == "final") {
        let frozen: Frozen = row
            .snapshot
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .ok_or_else(|| {
                EvalError::Estimation(format!("the final report of {year} cannot be read"))
            })?;
        return Ok(Some(Shown {
            data: frozen.data,
            texts: frozen.texts,
            finalized: Some((
                row.finalized_at.unwrap_or(0),
                row.finalized_by.clone().unwrap_or_default(),
            )),
        }));
    }
    if !years(db).await?.contains(&year) {
        return Ok(None);
    }
    let data = assemble(db, catalog, year).await?;
    let texts = crate::store::reports::texts(db, year)
        .await?
        .into_iter()
        .map(|t| (t.section, t.body))
        .collect();
    Ok(Some(Shown {
        data,
        texts,
        finalized: None,
    }))
}

/// The years a report can be made for: those with a closed wave, newest first (an open wave
/// publishes nothing).
pub async fn years(db: &DatabaseConnection) -> Result<Vec<i32>, EvalError> {
    let mut years: Vec<i32> = crate::store::waves::list(db)
        .await?
        .iter()
        .filter(|w| w.state() == crate::collect::WaveState::Closed)
        .map(|w| w.period)
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    Ok(years)
}

/// Reads the report of `year` from the stored results, comparison values and action plan.
pub async fn assemble(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    year: i32,
) -> Result<ReportData, EvalError> {
    let all_waves = crate::store::waves::list(db).await?;
    let mut areas: Vec<AreaPart> = PriorityArea::ALL
        .iter()
        .map(|a| AreaPart {
            area: a.id().to_owned(),
            indicators: Vec::new(),
            interventions: Vec::new(),
        })
        .collect();
    let mut quality = Vec::new();
    for loaded in catalog.iter() {
        let survey = &loaded.survey;
        if survey.indicators.is_empty() {
            continue;
        }
        let mut waves = survey_waves(db, catalog, &survey.id).await?;
        waves.sort_by_key(|w| {
            (
                w.wave.period.parse::<i32>().unwrap_or(0),
                w.wave.published.clone(),
            )
        });
        waves.retain(|w| w.wave.period.parse::<i32>().is_ok_and(|p| p <= year));
        let this_year = waves
            .last()
            .filter(|w| w.wave.period == year.to_string())
            .map(|w| w.wave.slug.clone());
        let comparisons = crate::store::comparisons::for_survey(db, &survey.id).await?;
        for indicator in &survey.indicators {
            for row in super::headline::rows(survey, indicator, &waves) {
                let series = row.series;
                let mut lines: BTreeMap<&str, ComparisonPart> = BTreeMap::new();
                for c in comparisons.iter().filter(|c| {
                    c.indicator_id == indicator.id && c.period <= year && c.domain == row.key
                }) {
                    let line = lines.entry(&c.label).or_insert_with(|| ComparisonPart {
                        label: c.label.clone(),
                        values: Vec::new(),
                        sources: Vec::new(),
                    });
                    line.values.push((c.period, c.value));
                    line.sources.push((c.period, c.source.clone()));
                }
                let panel = Panel {
                    survey: survey.id.clone(),
                    survey_title: Titles::of(&survey.title),
                    indicator: indicator.id.clone(),
                    title: Titles::of(&indicator.title),
                    statistic: indicator.statistic.id().to_owned(),
                    better: indicator.better.id().to_owned(),
                    target: indicator.target,
                    group: (!row.key.is_empty()).then_some(row.label),
                    series,
                    wave: this_year.clone(),
                    comparisons: lines.into_values().collect(),
                };
                if let Some(area) = areas
                    .iter_mut()
                    .find(|a| a.area == indicator.priority_area.id())
                {
                    area.indicators.push(panel);
                }
            }
        }
        quality.extend(wave_quality(&waves, &all_waves, survey, year));
    }
    for (area, part) in super::report_plan::interventions(db, catalog, year).await? {
        if let Some(a) = areas.iter_mut().find(|a| a.area == area) {
            a.interventions.push(part);
        }
    }
    Ok(ReportData {
        year,
        assembled_at: super::rfc3339(crate::util::now()),
        areas,
        waves: quality,
    })
}

/// The data quality of the survey's waves of `year` (`waves` in period order, up to the year).
fn wave_quality(
    waves: &[WaveIndicators],
    all: &[crate::collect::Wave],
    survey: &crate::survey::Survey,
    year: i32,
) -> Vec<WaveQuality> {
    let version = |slug: &str| {
        all.iter()
            .find(|w| w.slug == slug)
            .map_or(0, |w| w.survey_version)
    };
    waves
        .iter()
        .enumerate()
        .filter(|(_, w)| w.wave.period == year.to_string())
        .map(|(i, w)| {
            let m = &w.wave.method;
            let v = version(&w.wave.slug);
            WaveQuality {
                survey_title: Titles::of(&survey.title),
                slug: w.wave.slug.clone(),
                period: w.wave.period.clone(),
                published: w.wave.published.clone(),
                responses: m.responses,
                unreliable: m.unreliable,
                uncalibrated: m.uncalibrated,
                calibrated: m.calibration == "poststratify",
                calibration_issue: m.calibration_issue.as_ref().map(|issue| Titles {
                    sv: issue.text_with(Lang::Sv, Some(survey)),
                    en: issue.text_with(Lang::En, Some(survey)),
                }),
                suppressed: w
                    .estimates
                    .iter()
                    .filter(|e| e.flags.contains(&Flag::Suppressed))
                    .count(),
                estimates: w.estimates.len(),
                survey_version: v,
                break_in_series: i > 0 && version(&waves[i - 1].wave.slug) != v,
            }
        })
        .collect()
}
