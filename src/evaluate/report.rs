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
pub use super::report_plan::{InterventionPart, OutputPart};
use super::series::DomainSeries;
use super::{EvalError, WaveIndicators};
use crate::i18n::Lang;
use crate::stats::Flag;
use crate::survey::{Better, Statistic, SurveyCatalog};

/// Sections an evaluator writes a text for, besides one per priority area.
pub const SECTIONS: [&str; 4] = ["summary", "lagesbild", "method", "next"];

/// Whether `section` is one the report of `year` may have: a fixed one, or a priority area of
/// any agreement (the year's own, or an earlier one an intervention of the year is filed under).
pub fn is_section(
    agreements: &crate::agreement::AgreementCatalog,
    year: i32,
    section: &str,
) -> bool {
    SECTIONS.contains(&section)
        || section == super::areas::OTHER_AREA
        || agreements.year_areas(year).iter().any(|a| a.id == section)
        || agreements.area_names().iter().any(|a| a.id == section)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportData {
    pub year: i32,
    /// When the numbers were read (RFC 3339).
    pub assembled_at: String,
    pub areas: Vec<AreaPart>,
    pub waves: Vec<WaveQuality>,
    /// The lägesbild and the problem picture (absent in reports frozen before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lagesbild: Option<super::lagesbild::ReportLagesbild>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaPart {
    /// The priority area's id.
    pub area: String,
    /// Its titles, from the agreement for the year (absent in reports frozen before agreements
    /// were files: their areas are the seed's three).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Titles>,
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
    pub statistic: Statistic,
    pub better: Better,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonPart {
    pub label: String,
    pub values: Vec<(i32, f64)>,
    pub sources: Vec<(i32, String)>,
}

/// What went into one of the year's waves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaveQuality {
    pub survey_title: Titles,
    pub slug: String,
    #[serde(with = "super::period")]
    pub period: i32,
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
#[tracing::instrument(skip_all, fields(year = year))]
pub async fn load(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    agreements: &crate::agreement::AgreementCatalog,
    (year, municipality): (i32, Option<&str>),
) -> Result<Option<Shown>, EvalError> {
    let key = crate::store::reports::Key::Year(year);
    let row = crate::store::reports::find(db, key).await?;
    if let Some((frozen, finalized)) = frozen::<Frozen>(row.as_ref(), key)? {
        return Ok(Some(Shown {
            data: frozen.data,
            texts: frozen.texts,
            finalized: Some(finalized),
        }));
    }
    if !years(db).await?.contains(&year) {
        return Ok(None);
    }
    let mut data = assemble(db, catalog, agreements, year).await?;
    let lagesbild = super::lagesbild::load(
        db,
        &super::lagesbild::Inputs {
            surveys: catalog,
            agreements,
            municipality,
            lang: Lang::Sv,
        },
    )
    .await?;
    data.lagesbild = Some(super::lagesbild::for_report(&lagesbild, year));
    let texts = crate::store::reports::texts(db, key)
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

/// When a report was marked final (Unix seconds) and by whom.
pub type Finalized = (i64, String);

/// What a final report stored when it was marked final, with when and by whom; `None` for a
/// draft (or no row).
pub fn frozen<T: serde::de::DeserializeOwned>(
    row: Option<&crate::store::reports::Row>,
    key: crate::store::reports::Key<'_>,
) -> Result<Option<(T, Finalized)>, EvalError> {
    let Some(row) = row.filter(|r| r.status == "final") else {
        return Ok(None);
    };
    let frozen: T = row
        .snapshot
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .ok_or_else(|| EvalError::Estimation(format!("the final report {key} cannot be read")))?;
    let finalized = (
        row.finalized_at.unwrap_or(0),
        row.finalized_by.clone().unwrap_or_default(),
    );
    Ok(Some((frozen, finalized)))
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
    agreements: &crate::agreement::AgreementCatalog,
    year: i32,
) -> Result<ReportData, EvalError> {
    let all_waves = crate::store::waves::list(db).await?;
    let agreement = agreements.for_year(year);
    let mut areas: Vec<AreaPart> = super::areas::area_list(agreement)
        .into_iter()
        .map(|a| AreaPart {
            area: a.id,
            title: Some(a.title),
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
        let waves = super::areas::up_to(survey_waves(db, catalog, &survey.id).await?, Some(year));
        let this_year = waves
            .last()
            .filter(|w| w.wave.period == year)
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
                    statistic: indicator.statistic,
                    better: indicator.better,
                    target: indicator.target,
                    group: (!row.key.is_empty()).then_some(row.label),
                    series,
                    wave: this_year.clone(),
                    comparisons: lines.into_values().collect(),
                };
                let id = super::areas::area_of(agreement, &survey.id, indicator);
                part_of(&mut areas, agreements, &id).indicators.push(panel);
            }
        }
        quality.extend(wave_quality(&waves, &all_waves, survey, year));
    }
    for (area, part) in super::report_plan::interventions(db, catalog, year..=year).await? {
        part_of(&mut areas, agreements, &area)
            .interventions
            .push(part);
    }
    Ok(ReportData {
        year,
        assembled_at: super::rfc3339(crate::util::now()),
        areas,
        waves: quality,
        lagesbild: None,
    })
}

/// The report's part for area `id`, added at the end when the agreement for the year has no
/// such area (the "other indicators", an intervention filed under an earlier agreement's area).
fn part_of<'a>(
    areas: &'a mut Vec<AreaPart>,
    agreements: &crate::agreement::AgreementCatalog,
    id: &str,
) -> &'a mut AreaPart {
    let at = match areas.iter().position(|a| a.area == id) {
        Some(at) => at,
        None => {
            let title = if id == super::areas::OTHER_AREA {
                super::areas::other_area_title()
            } else {
                Titles {
                    sv: agreements.area_title(id, Lang::Sv),
                    en: agreements.area_title(id, Lang::En),
                }
            };
            areas.push(AreaPart {
                area: id.to_owned(),
                title: Some(title),
                indicators: Vec::new(),
                interventions: Vec::new(),
            });
            areas.len() - 1
        }
    };
    &mut areas[at]
}

impl AreaPart {
    /// The area's title: as the report stored it, else the seed's (reports frozen before
    /// agreements were files), else its id.
    pub fn title(&self, lang: Lang) -> String {
        match &self.title {
            Some(t) => t.get(lang).to_owned(),
            None => crate::survey::PriorityArea::parse(&self.area)
                .map_or_else(|| self.area.clone(), |a| a.title(lang).to_owned()),
        }
    }
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
        .filter(|(_, w)| w.wave.period == year)
        .map(|(i, w)| {
            let m = &w.wave.method;
            let v = version(&w.wave.slug);
            WaveQuality {
                survey_title: Titles::of(&survey.title),
                slug: w.wave.slug.clone(),
                period: w.wave.period,
                published: w.wave.published.clone(),
                responses: m.responses,
                unreliable: m.unreliable,
                uncalibrated: m.uncalibrated,
                calibrated: m.calibration.is_weighted(),
                calibration_issue: m.calibration_issue.as_ref().map(|issue| Titles {
                    sv: issue.text_with(Lang::Sv, Some(survey)),
                    en: issue.text_with(Lang::En, Some(survey)),
                }),
                suppressed: w
                    .estimates
                    .iter()
                    .filter(|e| e.figures.flags.contains(&Flag::Suppressed))
                    .count(),
                estimates: w.estimates.len(),
                survey_version: v,
                break_in_series: i > 0 && version(&waves[i - 1].wave.slug) != v,
            }
        })
        .collect()
}

/// How many indicators of a priority area got each verdict: the change since the wave before
/// (year on year) beside the trend over every wave with numbers, and the targets. Counting only
/// the change since last year would call an area steady whose indicators worsen slowly: two
/// years of small, each uncertain, steps add up to a certain trend.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AreaSummary {
    pub indicators: usize,
    /// The year's change from the wave before, by its verdict.
    pub change: VerdictCounts,
    /// The linear trend up to the year's wave, by its verdict.
    pub trend: VerdictCounts,
    /// The spans the trends rest on: first and last period and the number of waves, each
    /// different span once, in the order of the indicators.
    pub trend_spans: Vec<TrendSpan>,
    pub target_met: usize,
    pub target_not_met: usize,
    pub interventions: usize,
}

/// Indicators by verdict; `none` had no verdict of that kind (too few waves with numbers).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VerdictCounts {
    pub improved: usize,
    pub worsened: usize,
    pub no_certain_change: usize,
    pub none: usize,
}

impl VerdictCounts {
    pub fn add(&mut self, verdict: Option<crate::stats::trend::Verdict>) {
        use crate::stats::trend::Verdict;
        match verdict {
            Some(Verdict::Improved) => self.improved += 1,
            Some(Verdict::Worsened) => self.worsened += 1,
            Some(Verdict::NoSignificantChange) => self.no_certain_change += 1,
            None => self.none += 1,
        }
    }
}

/// The waves a trend rests on: from `first` to `last`, `waves` of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendSpan {
    pub first: i32,
    pub last: i32,
    pub waves: usize,
}

impl TrendSpan {
    /// The waves with numbers the trend of `series` was fitted to (as `series::build` picks
    /// them); `None` without a trend.
    pub fn of(series: &DomainSeries) -> Option<TrendSpan> {
        let trend = series.trend.as_ref()?;
        // Reports frozen before trends named their waves: the waves as the trend picks them.
        let periods: Vec<i32> = if trend.periods.is_empty() {
            series
                .waves
                .iter()
                .filter(|w| super::series::point(w).is_some())
                .map(|w| w.period)
                .collect()
        } else {
            trend.periods.clone()
        };
        Some(TrendSpan {
            first: *periods.first()?,
            last: *periods.last()?,
            waves: trend.waves,
        })
    }
}

impl AreaSummary {
    /// The counts of one priority area of the report.
    pub fn of(area: &AreaPart) -> AreaSummary {
        let mut out = AreaSummary {
            indicators: area.indicators.len(),
            interventions: area.interventions.len(),
            ..AreaSummary::default()
        };
        for panel in &area.indicators {
            let change = panel
                .series
                .changes
                .iter()
                .find(|c| Some(c.to.as_str()) == panel.wave.as_deref());
            out.change.add(change.map(|c| c.verdict));
            // Every trend the panel shows counts, with the span it rests on: where the year's
            // wave has no number (hidden, or no wave that year) that span ends earlier, and
            // the summary says so.
            let trend = panel.series.trend.as_ref();
            out.trend.add(trend.map(|t| t.verdict));
            if trend.is_some()
                && let Some(span) = TrendSpan::of(&panel.series)
                && !out.trend_spans.contains(&span)
            {
                out.trend_spans.push(span);
            }
            match panel.series.target_status {
                Some(crate::stats::trend::TargetStatus::Met) => out.target_met += 1,
                Some(crate::stats::trend::TargetStatus::NotMet) => out.target_not_met += 1,
                _ => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod summary_tests {
    use super::*;
    use crate::evaluate::series::{SeriesChange, SeriesTrend, SeriesWave};
    use crate::stats::Figures;
    use crate::stats::trend::Verdict;

    fn wave(period: i32, estimate: f64) -> SeriesWave {
        SeriesWave {
            slug: format!("w-{period}"),
            period,
            state: "closed".into(),
            responses: 400,
            published: String::new(),
            figures: Figures {
                n: Some(400),
                estimate: Some(estimate),
                se: Some(0.012),
                ci_low: Some(estimate - 0.024),
                ci_high: Some(estimate + 0.024),
                df: Some(399),
                deff: Some(1.0),
                flags: Vec::new(),
            },
            version: 1,
            marks: Vec::new(),
        }
    }

    fn change(from: i32, to: i32, difference: f64, verdict: Verdict) -> SeriesChange {
        SeriesChange {
            from: format!("w-{from}"),
            to: format!("w-{to}"),
            from_period: from,
            to_period: to,
            difference,
            se: 0.017,
            ci_low: difference - 0.033,
            ci_high: difference + 0.033,
            p: 0.3,
            significant: verdict != Verdict::NoSignificantChange,
            verdict,
        }
    }

    /// An indicator that creeps upwards (worse when lower is better) by 2 points a year: no
    /// single step is certain, the four years together are.
    fn creeping(id: &str, trend: Verdict) -> Panel {
        let waves = vec![
            wave(2022, 0.20),
            wave(2023, 0.22),
            wave(2024, 0.24),
            wave(2025, 0.26),
        ];
        let changes = vec![
            change(2022, 2023, 0.02, Verdict::NoSignificantChange),
            change(2023, 2024, 0.02, Verdict::NoSignificantChange),
            change(2024, 2025, 0.02, Verdict::NoSignificantChange),
        ];
        Panel {
            survey: "s".into(),
            survey_title: Titles {
                sv: "Enkät".into(),
                en: "Survey".into(),
            },
            indicator: id.into(),
            title: Titles {
                sv: id.into(),
                en: id.into(),
            },
            statistic: Statistic::Proportion,
            better: Better::Lower,
            target: None,
            group: None,
            series: DomainSeries {
                domain: BTreeMap::new(),
                waves,
                change: changes.last().cloned(),
                changes,
                trend: Some(SeriesTrend {
                    slope: 0.02,
                    se: 0.005,
                    ci_low: 0.01,
                    ci_high: 0.03,
                    p: 0.001,
                    significant: trend != Verdict::NoSignificantChange,
                    waves: 4,
                    verdict: trend,
                    periods: vec![2022, 2023, 2024, 2025],
                }),
                trend_note: None,
                verdict: Some(trend),
                target_status: None,
            },
            wave: Some("w-2025".into()),
            comparisons: Vec::new(),
        }
    }

    #[test]
    fn two_indicators_worsening_over_four_years_count_as_worsening_though_no_year_did() {
        let area = AreaPart {
            area: "threats-violence".into(),
            title: None,
            indicators: vec![
                creeping("threats", Verdict::Worsened),
                creeping("violence", Verdict::Worsened),
                creeping("school", Verdict::NoSignificantChange),
            ],
            interventions: Vec::new(),
        };
        let summary = AreaSummary::of(&area);
        assert_eq!(summary.indicators, 3);
        assert_eq!(
            summary.change,
            VerdictCounts {
                improved: 0,
                worsened: 0,
                no_certain_change: 3,
                none: 0
            },
            "year on year nothing worsened"
        );
        assert_eq!(
            summary.trend,
            VerdictCounts {
                improved: 0,
                worsened: 2,
                no_certain_change: 1,
                none: 0
            },
            "over the four years two worsen"
        );
        assert_eq!(
            summary.trend_spans,
            vec![TrendSpan {
                first: 2022,
                last: 2025,
                waves: 4
            }]
        );
    }

    #[test]
    fn a_trend_counts_with_the_span_it_rests_on_and_a_missing_one_as_none() {
        let mut hidden = creeping("hidden", Verdict::Worsened);
        // The year's figure is hidden: the trend rests on 2022–2024.
        hidden.series.waves[3].figures.estimate = None;
        hidden.series.waves[3].figures.se = None;
        if let Some(t) = hidden.series.trend.as_mut() {
            t.waves = 3;
            t.periods.pop();
        }
        let mut short = creeping("short", Verdict::Improved);
        short.series.trend = None;
        let summary = AreaSummary::of(&AreaPart {
            area: "youth-at-risk".into(),
            title: None,
            indicators: vec![hidden, short, creeping("full", Verdict::Improved)],
            interventions: Vec::new(),
        });
        assert_eq!(summary.trend.worsened, 1);
        assert_eq!(summary.trend.improved, 1);
        assert_eq!(summary.trend.none, 1);
        let spans: Vec<String> = summary
            .trend_spans
            .iter()
            .map(|s| format!("{}-{} {}", s.first, s.last, s.waves))
            .collect();
        assert_eq!(spans, ["2022-2024 3", "2022-2025 4"]);
    }
}
