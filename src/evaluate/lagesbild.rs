//! The lägesbild as data (`/evaluate/lagesbild`, its XLSX, `GET /api/v1/sources/lagesbild` and
//! the annual report's section read the same): per priority area the surveys' indicators beside
//! the series the agreement names (reported crime per 100,000, the municipality against the
//! country); the fault reports per month and category and per district; per district the
//! resident survey's indicators by district, the fault reports and the dialogues held there;
//! the dialogues; the problem picture with its chain problem → cause → intervention → output →
//! outcome indicator; and where every figure comes from.
//!
//! Survey figures are the published ones (`evaluate::wave_indicators`): a district's figure is
//! shown only where the publication rules let the wave publish it.

use std::collections::{BTreeMap, HashMap};

use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};

use super::EvalError;
use super::areas::{AreaIndicator, Titles};
use super::series::{self, SeriesChange, SeriesTrend, SeriesWave};
use crate::entities::{dialogue, source_import, source_measure, source_value};
use crate::i18n::Lang;
use crate::survey::{Statistic, SurveyCatalog};

/// The country's code in Kolada and SCB.
pub const COUNTRY: &str = "0000";

/// The background question whose categories are the districts.
pub const DISTRICT_QUESTION: &str = "district";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PeriodValue {
    pub period: String,
    pub value: f64,
}

/// A series of a source for the municipality and the country.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeasureSeries {
    /// `kolada/N07540`.
    pub id: String,
    pub title: String,
    pub unit: String,
    pub municipality: Vec<PeriodValue>,
    pub country: Vec<PeriodValue>,
    /// "Källa: Kolada (RKA), CC BY 4.0 · 2019–2025 · inläst 7 december 2026".
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LagesbildArea {
    pub id: String,
    pub title: Titles,
    /// The surveys' indicators of the area (school indicators per grade in `headline`).
    pub indicators: Vec<AreaIndicator>,
    /// The series the agreement names for the area.
    pub measures: Vec<MeasureSeries>,
}

/// Fault reports of one category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FaultCategory {
    /// `felanmalan/klotter`.
    pub measure: String,
    pub title: String,
    /// Count per month (`2025-07`), every district.
    pub months: Vec<PeriodValue>,
}

/// The fault reports of one district over the last twelve months, per category (in the order
/// of [`Faults::categories`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FaultDistrict {
    pub district: String,
    pub counts: Vec<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Faults {
    pub categories: Vec<FaultCategory>,
    /// The twelve months the district table counts: after `from`, up to and with `to`.
    pub from: String,
    pub to: String,
    pub districts: Vec<FaultDistrict>,
    pub source: String,
}

/// An indicator of the resident survey in one district.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DistrictIndicator {
    pub survey: String,
    pub indicator: String,
    pub title: Titles,
    pub statistic: Statistic,
    /// The latest published wave with a figure for the district.
    pub latest: Option<SeriesWave>,
    pub change: Option<SeriesChange>,
    pub trend: Option<SeriesTrend>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct District {
    /// The district's name (the resident survey's label), as fault reports and dialogues name it.
    pub name: String,
    /// The survey's code for it.
    pub code: String,
    pub indicators: Vec<DistrictIndicator>,
    /// Fault reports over the last twelve months, per category (as [`Faults::categories`]).
    pub faults: Vec<f64>,
    pub dialogues: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DialogueRow {
    pub id: String,
    pub held_on: String,
    pub kind: String,
    pub district: String,
    pub priority_area: String,
    pub residents: i64,
    pub staff: i64,
    pub police: i64,
    pub others: i64,
    pub raised: String,
}

/// An outcome indicator of an intervention, with its latest published figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChainIndicator {
    pub survey: String,
    pub indicator: String,
    pub title: Titles,
    /// `None` (`""` in the JSON) when the linked indicator is not in a loaded questionnaire.
    #[serde(with = "unknown_statistic")]
    #[schema(value_type = String)]
    pub statistic: Option<Statistic>,
    pub target: Option<f64>,
    pub latest: Option<SeriesWave>,
    pub change: Option<SeriesChange>,
}

/// A chain indicator's statistic, `""` when unknown (as the JSON has always said it).
mod unknown_statistic {
    use serde::de::IntoDeserializer;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::survey::Statistic;

    pub fn serialize<S: Serializer>(
        s: &Option<Statistic>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match s {
            Some(s) => s.serialize(serializer),
            None => serializer.serialize_str(""),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Statistic>, D::Error> {
        let text = String::deserialize(d)?;
        let known: Result<Statistic, serde::de::value::Error> =
            Statistic::deserialize(text.as_str().into_deserializer());
        Ok(known.ok())
    }
}

/// An output of an intervention, summed over its years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChainOutput {
    pub name: String,
    pub unit: String,
    pub planned: Option<f64>,
    pub actual: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChainIntervention {
    pub id: i64,
    pub title: String,
    pub status: crate::plan::Status,
    pub start_year: i32,
    pub end_year: i32,
    pub outputs: Vec<ChainOutput>,
    pub indicators: Vec<ChainIndicator>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChainCause {
    pub id: i64,
    pub kind: crate::plan::analysis::CauseKind,
    pub aspect: crate::plan::analysis::Aspect,
    pub description: String,
    pub interventions: Vec<ChainIntervention>,
}

/// A figure named as showing a problem: an indicator (`survey/indicator`) or a source's measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Evidence {
    pub key: String,
    pub title: Titles,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProblemChain {
    pub id: i64,
    pub rank: i32,
    pub title: String,
    pub description: String,
    pub priority_area: String,
    pub area_title: Titles,
    pub districts: Vec<String>,
    pub evidence: Vec<Evidence>,
    pub causes: Vec<ChainCause>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SourceRow {
    pub id: String,
    pub source: String,
    pub file_name: String,
    /// RFC 3339.
    pub imported_at: String,
    pub imported_by: String,
    pub licence: String,
    pub rows: i64,
    pub stored: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Lagesbild {
    /// The agreement whose areas these are.
    pub agreement: Option<String>,
    /// The municipality's code (the setting, or the one code the series name).
    pub municipality: Option<String>,
    pub areas: Vec<LagesbildArea>,
    pub faults: Faults,
    pub districts: Vec<District>,
    pub dialogues: Vec<DialogueRow>,
    pub problems: Vec<ProblemChain>,
    pub sources: Vec<SourceRow>,
}

/// What the lägesbild reads besides the database.
pub struct Inputs<'a> {
    pub surveys: &'a SurveyCatalog,
    pub agreements: &'a crate::agreement::AgreementCatalog,
    pub municipality: Option<&'a str>,
    /// The source lines' language.
    pub lang: Lang,
}

/// The lägesbild from what is stored.
#[tracing::instrument(skip_all)]
pub async fn load(db: &DatabaseConnection, inputs: &Inputs<'_>) -> Result<Lagesbild, EvalError> {
    let areas = super::areas::areas(db, inputs.surveys, inputs.agreements, None).await?;
    let agreement = areas
        .agreement
        .as_deref()
        .and_then(|id| inputs.agreements.get(id));
    let measures = crate::store::sources::measures(db).await?;
    let named: Vec<String> = agreement
        .map(|a| a.areas.iter().flat_map(|x| x.measures.clone()).collect())
        .unwrap_or_default();
    let series_values = named_values(db, &named).await?;
    let imports = crate::store::sources::imports(db).await?;
    let provenance = Provenance {
        imports: &imports,
        lang: inputs.lang,
    };
    let municipality = municipality_of(inputs.municipality, &series_values);
    let fault_rows = crate::store::sources::values(db, "felanmalan/").await?;
    let fault_values: Vec<&source_value::Model> = fault_rows.iter().collect();
    let faults = faults(&measures, &fault_values, &provenance);
    let stored_dialogues = crate::store::analysis::dialogues(db).await?;
    let lagesbild_areas = areas
        .areas
        .iter()
        .map(|area| {
            let named = agreement
                .and_then(|a| a.area(&area.id))
                .map(|a| a.measures.clone())
                .unwrap_or_default();
            LagesbildArea {
                id: area.id.clone(),
                title: area.title.clone(),
                indicators: area.indicators.clone(),
                measures: named
                    .iter()
                    .map(|m| {
                        measure_series(
                            m,
                            &measures,
                            &series_values,
                            municipality.as_deref(),
                            &provenance,
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    let districts = districts(db, inputs.surveys, &faults, &stored_dialogues).await?;
    let all_indicators: Vec<&AreaIndicator> = areas
        .areas
        .iter()
        .flat_map(|a| a.indicators.iter())
        .collect();
    let problems = problems(db, inputs, &areas.areas, &all_indicators, &measures).await?;
    Ok(Lagesbild {
        agreement: areas.agreement.clone(),
        municipality,
        areas: lagesbild_areas,
        faults,
        districts,
        dialogues: stored_dialogues.iter().map(dialogue_row).collect(),
        problems,
        sources: imports.iter().map(source_row).collect(),
    })
}

/// The municipality's code: the setting, else the one code other than the country's that the
/// Kolada series name.
fn municipality_of(setting: Option<&str>, values: &[source_value::Model]) -> Option<String> {
    setting.map(str::to_owned).or_else(|| {
        let mut codes: Vec<&str> = values
            .iter()
            .filter(|v| v.measure.starts_with("kolada/") && v.area != COUNTRY)
            .map(|v| v.area.as_str())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        (codes.len() == 1).then(|| codes[0].to_owned())
    })
}

/// The values the series `ids` need, and Kolada's (whose areas name the municipality when the
/// setting does not): not every stored value, which SCB's population tables would swell.
async fn named_values(
    db: &DatabaseConnection,
    ids: &[String],
) -> Result<Vec<source_value::Model>, EvalError> {
    let mut values = crate::store::sources::values(db, "kolada/").await?;
    let mut others: Vec<&String> = ids.iter().filter(|id| !id.starts_with("kolada/")).collect();
    others.sort_unstable();
    others.dedup();
    for id in others {
        values.extend(
            crate::store::sources::values(db, id)
                .await?
                .into_iter()
                .filter(|v| v.measure == *id),
        );
    }
    Ok(values)
}

/// The series `ids` for the municipality and the country, with their source lines in `lang`
/// (the final follow-up's measures).
pub async fn series_of(
    db: &DatabaseConnection,
    ids: &[String],
    municipality: Option<&str>,
    lang: Lang,
) -> Result<Vec<MeasureSeries>, EvalError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let measures = crate::store::sources::measures(db).await?;
    let values = named_values(db, ids).await?;
    let imports = crate::store::sources::imports(db).await?;
    let provenance = Provenance {
        imports: &imports,
        lang,
    };
    let municipality = municipality_of(municipality, &values);
    Ok(ids
        .iter()
        .map(|id| measure_series(id, &measures, &values, municipality.as_deref(), &provenance))
        .collect())
}

pub fn dialogue_row(d: &dialogue::Model) -> DialogueRow {
    DialogueRow {
        id: d.id.clone(),
        held_on: d.held_on.clone(),
        kind: d.kind.clone(),
        district: d.district.clone(),
        priority_area: d.priority_area.clone(),
        residents: d.residents,
        staff: d.staff,
        police: d.police,
        others: d.others,
        raised: d.raised.clone(),
    }
}

pub fn source_row(i: &source_import::Model) -> SourceRow {
    SourceRow {
        id: i.id.clone(),
        source: i.source.clone(),
        file_name: i.file_name.clone(),
        imported_at: super::rfc3339(i.imported_at),
        imported_by: i.imported_by.clone(),
        licence: i.licence.clone(),
        rows: i.rows,
        stored: i.stored,
    }
}

/// The imports, for the source line under each figure.
struct Provenance<'a> {
    imports: &'a [source_import::Model],
    lang: Lang,
}

impl Provenance<'_> {
    /// "Källa: Kolada (RKA), CC BY 4.0 · 2019–2025 · inläst 7 december 2026" for `values`.
    fn line(&self, values: &[&source_value::Model]) -> String {
        let mut periods: Vec<&str> = values.iter().map(|v| v.period.as_str()).collect();
        periods.sort_unstable();
        let span = match (periods.first(), periods.last()) {
            (Some(a), Some(b)) if a == b => (*a).to_owned(),
            (Some(a), Some(b)) => format!("{a}–{b}"),
            _ => String::new(),
        };
        let mut ids: Vec<&str> = values.iter().map(|v| v.import_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        let from: Vec<&source_import::Model> = self
            .imports
            .iter()
            .filter(|i| ids.contains(&i.id.as_str()))
            .collect();
        let licence = from.first().map_or("", |i| i.licence.as_str()).to_owned();
        let when = from
            .iter()
            .map(|i| i.imported_at)
            .max()
            .map(|t| crate::local_time::day_words(t, self.lang))
            .unwrap_or_default();
        format!(
            "{licence} · {span} · {} {when}",
            self.lang.pick("inläst", "imported")
        )
    }
}

/// A measure's title and unit, or its id when the files never named it.
pub fn measure_title<'a>(measures: &'a [source_measure::Model], id: &'a str) -> (&'a str, &'a str) {
    measures
        .iter()
        .find(|m| m.id == id)
        .map_or((id, ""), |m| (m.title.as_str(), m.unit.as_str()))
}

fn measure_series(
    id: &str,
    measures: &[source_measure::Model],
    values: &[source_value::Model],
    municipality: Option<&str>,
    provenance: &Provenance,
) -> MeasureSeries {
    let (title, unit) = measure_title(measures, id);
    let of = |area: &str| -> Vec<&source_value::Model> {
        values
            .iter()
            .filter(|v| v.measure == id && v.area == area)
            .collect()
    };
    let here = municipality.map(of).unwrap_or_default();
    let country = of(COUNTRY);
    let pv = |list: &[&source_value::Model]| -> Vec<PeriodValue> {
        list.iter()
            .map(|v| PeriodValue {
                period: v.period.clone(),
                value: v.value,
            })
            .collect()
    };
    let all: Vec<&source_value::Model> = here.iter().chain(country.iter()).copied().collect();
    MeasureSeries {
        id: id.to_owned(),
        title: title.to_owned(),
        unit: unit.to_owned(),
        municipality: pv(&here),
        country: pv(&country),
        source: if all.is_empty() {
            String::new()
        } else {
            provenance.line(&all)
        },
    }
}

/// The month a year before `YYYY-MM` (the twelve months after it end with it).
pub fn previous_year(month: &str) -> String {
    match month.get(..4).and_then(|y| y.parse::<i32>().ok()) {
        Some(y) => format!("{}{}", y - 1, month.get(4..).unwrap_or("")),
        None => String::new(),
    }
}

fn faults(
    measures: &[source_measure::Model],
    values: &[&source_value::Model],
    provenance: &Provenance,
) -> Faults {
    let mut by_measure: BTreeMap<&str, BTreeMap<&str, f64>> = BTreeMap::new();
    let mut by_district: BTreeMap<&str, HashMap<&str, f64>> = BTreeMap::new();
    let to = values.iter().map(|v| v.period.as_str()).max().unwrap_or("");
    let from = previous_year(to);
    for v in values {
        *by_measure
            .entry(&v.measure)
            .or_default()
            .entry(&v.period)
            .or_insert(0.0) += v.value;
        if v.period.as_str() > from.as_str() {
            *by_district
                .entry(&v.area)
                .or_default()
                .entry(&v.measure)
                .or_insert(0.0) += v.value;
        }
    }
    let categories: Vec<FaultCategory> = by_measure
        .iter()
        .map(|(measure, months)| FaultCategory {
            measure: (*measure).to_owned(),
            title: measure_title(measures, measure)
                .0
                .trim_start_matches("Felanmälningar: ")
                .to_owned(),
            months: months
                .iter()
                .map(|(m, v)| PeriodValue {
                    period: (*m).to_owned(),
                    value: *v,
                })
                .collect(),
        })
        .collect();
    let districts = by_district
        .iter()
        .map(|(district, counts)| FaultDistrict {
            district: (*district).to_owned(),
            counts: categories
                .iter()
                .map(|c| counts.get(c.measure.as_str()).copied().unwrap_or(0.0))
                .collect(),
        })
        .collect();
    Faults {
        categories,
        from: if values.is_empty() {
            String::new()
        } else {
            from
        },
        to: to.to_owned(),
        districts,
        source: if values.is_empty() {
            String::new()
        } else {
            provenance.line(values)
        },
    }
}

/// Per district of the resident survey: its indicators by district, its fault reports and the
/// dialogues held there.
async fn districts(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    faults: &Faults,
    dialogues: &[dialogue::Model],
) -> Result<Vec<District>, EvalError> {
    let mut out: Vec<District> = Vec::new();
    for loaded in catalog.iter() {
        let survey = &loaded.survey;
        let Some(question) = survey.question(DISTRICT_QUESTION) else {
            continue;
        };
        if survey.audience != crate::survey::Audience::Residents || survey.indicators.is_empty() {
            continue;
        }
        let waves = super::areas::up_to(
            super::areas::survey_waves(db, catalog, &survey.id).await?,
            None,
        );
        for choice in question.choices().iter().filter(|c| !c.missing) {
            let name = choice.label.sv.clone();
            let entry = match out.iter().position(|d| d.name == name) {
                Some(at) => &mut out[at],
                None => {
                    out.push(District {
                        faults: faults
                            .districts
                            .iter()
                            .find(|d| d.district == name)
                            .map(|d| d.counts.clone())
                            .unwrap_or_else(|| vec![0.0; faults.categories.len()]),
                        dialogues: dialogues.iter().filter(|d| d.district == name).count(),
                        name: name.clone(),
                        code: choice.code.clone(),
                        indicators: Vec::new(),
                    });
                    let last = out.len() - 1;
                    &mut out[last]
                }
            };
            for indicator in &survey.indicators {
                let built = series::build(&survey.id, indicator, &waves, Some(DISTRICT_QUESTION));
                let Some(s) = built
                    .series
                    .into_iter()
                    .find(|s| s.domain.get(DISTRICT_QUESTION) == Some(&choice.code))
                else {
                    continue;
                };
                entry.indicators.push(DistrictIndicator {
                    survey: survey.id.clone(),
                    indicator: indicator.id.clone(),
                    title: Titles::of(&indicator.title),
                    statistic: built.statistic,
                    latest: s
                        .waves
                        .iter()
                        .rev()
                        .find(|w| w.figures.estimate.is_some())
                        .cloned(),
                    change: s.change,
                    trend: s.trend,
                });
            }
        }
    }
    Ok(out)
}

async fn problems(
    db: &DatabaseConnection,
    inputs: &Inputs<'_>,
    areas: &[super::areas::Area],
    indicators: &[&AreaIndicator],
    measures: &[source_measure::Model],
) -> Result<Vec<ProblemChain>, EvalError> {
    let stored = crate::store::analysis::problems(db).await?;
    if stored.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = stored.iter().map(|p| p.id).collect();
    let causes = crate::store::analysis::causes_of(db, &ids).await?;
    let links = crate::store::analysis::cause_links(db).await?;
    let plan = Plan {
        interventions: crate::store::plan::list(db).await?,
        outputs: crate::store::plan::outputs(db, None).await?,
        links: crate::store::plan::links(db, inputs.surveys, None).await?,
        indicators,
    };
    let area_title = |id: &str| -> Titles {
        areas
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.title.clone())
            .unwrap_or_else(|| Titles {
                sv: inputs.agreements.area_title(id, Lang::Sv),
                en: inputs.agreements.area_title(id, Lang::En),
            })
    };
    Ok(stored
        .iter()
        .map(|m| {
            let p = crate::store::analysis::problem_of(m);
            ProblemChain {
                id: m.id,
                rank: p.rank,
                area_title: area_title(&p.priority_area),
                title: p.title,
                description: p.description,
                priority_area: p.priority_area,
                districts: p.districts,
                evidence: p
                    .evidence
                    .iter()
                    .map(|key| Evidence {
                        key: key.clone(),
                        title: key
                            .split_once('/')
                            .and_then(|(s, i)| indicator_title(inputs.surveys, s, i))
                            .unwrap_or_else(|| {
                                let t = measure_title(measures, key).0.to_owned();
                                Titles {
                                    sv: t.clone(),
                                    en: t,
                                }
                            }),
                    })
                    .collect(),
                causes: causes
                    .iter()
                    .filter(|c| c.problem_id == m.id)
                    .filter_map(|c| {
                        Some(ChainCause {
                            id: c.id,
                            kind: crate::plan::analysis::CauseKind::parse(&c.kind)?,
                            aspect: crate::plan::analysis::Aspect::parse(&c.aspect)?,
                            description: c.description.clone(),
                            interventions: links
                                .iter()
                                .filter(|l| l.cause_id == c.id)
                                .filter_map(|l| {
                                    chain_intervention(&plan, inputs, l.intervention_id)
                                })
                                .collect(),
                        })
                    })
                    .collect(),
            }
        })
        .collect())
}

/// A series in the annual report: the area it belongs to and its values up to the report's
/// year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportMeasure {
    pub area: Titles,
    pub series: MeasureSeries,
}

/// Fault reports of one category in the report's year, against the year before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportFaults {
    pub title: String,
    pub year: f64,
    /// `None` when no month of the year before is imported.
    pub year_before: Option<f64>,
    /// The month of the year with the most reports (`2025-07`).
    pub peak: Option<String>,
}

/// The lägesbild as the annual report of `year` carries it (and freezes it when final).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportLagesbild {
    pub municipality: Option<String>,
    pub measures: Vec<ReportMeasure>,
    pub faults: Vec<ReportFaults>,
    pub faults_source: String,
    /// Dialogues held in the year.
    pub dialogues: Vec<DialogueRow>,
    pub problems: Vec<ProblemChain>,
}

impl ReportLagesbild {
    pub fn is_empty(&self) -> bool {
        self.measures.is_empty()
            && self.faults.is_empty()
            && self.dialogues.is_empty()
            && self.problems.is_empty()
    }
}

/// What of `l` the annual report of `year` shows: the series up to the year, the year's fault
/// reports against the year before, the year's dialogues and the problem picture.
pub fn for_report(l: &Lagesbild, year: i32) -> ReportLagesbild {
    let y = year.to_string();
    let before = (year - 1).to_string();
    let up_to = |values: &[PeriodValue]| -> Vec<PeriodValue> {
        values
            .iter()
            .filter(|v| v.period.get(..4).is_some_and(|p| p <= y.as_str()))
            .cloned()
            .collect()
    };
    let in_year = |values: &[PeriodValue], year: &str| -> Vec<PeriodValue> {
        values
            .iter()
            .filter(|v| v.period.get(..4) == Some(year))
            .cloned()
            .collect()
    };
    ReportLagesbild {
        municipality: l.municipality.clone(),
        measures: {
            // A measure that several areas name is shown once, with their names.
            let mut measures: Vec<ReportMeasure> = Vec::new();
            for a in &l.areas {
                for m in &a.measures {
                    if let Some(seen) = measures.iter_mut().find(|r| r.series.id == m.id) {
                        seen.area.sv = format!("{}, {}", seen.area.sv, a.title.sv);
                        seen.area.en = format!("{}, {}", seen.area.en, a.title.en);
                        continue;
                    }
                    measures.push(ReportMeasure {
                        area: a.title.clone(),
                        series: MeasureSeries {
                            municipality: up_to(&m.municipality),
                            country: up_to(&m.country),
                            ..m.clone()
                        },
                    });
                }
            }
            measures.retain(|m| !m.series.municipality.is_empty() || !m.series.country.is_empty());
            measures
        },
        faults: l
            .faults
            .categories
            .iter()
            .filter_map(|c| {
                let this = in_year(&c.months, &y);
                if this.is_empty() {
                    return None;
                }
                let earlier = in_year(&c.months, &before);
                let peak = this
                    .iter()
                    .max_by(|a, b| a.value.total_cmp(&b.value))
                    .map(|v| v.period.clone());
                Some(ReportFaults {
                    title: c.title.clone(),
                    year: this.iter().map(|v| v.value).sum(),
                    year_before: (!earlier.is_empty())
                        .then(|| earlier.iter().map(|v| v.value).sum()),
                    peak,
                })
            })
            .collect(),
        faults_source: l.faults.source.clone(),
        dialogues: l
            .dialogues
            .iter()
            .filter(|d| d.held_on.get(..4) == Some(y.as_str()))
            .cloned()
            .collect(),
        problems: l.problems.clone(),
    }
}

/// The action plan as the chain reads it.
struct Plan<'a> {
    interventions: Vec<crate::store::plan::InterventionRow>,
    outputs: Vec<crate::store::plan::OutputRow>,
    links: Vec<crate::store::plan::LinkRow>,
    /// The areas' indicators with their latest published figures.
    indicators: &'a [&'a AreaIndicator],
}

fn indicator_title(surveys: &SurveyCatalog, survey: &str, indicator: &str) -> Option<Titles> {
    let s = &surveys.get(survey)?.survey;
    Some(Titles::of(&s.indicator(indicator)?.title))
}

/// Intervention `id` of the plan with its outputs summed and its outcome indicators.
fn chain_intervention(plan: &Plan, inputs: &Inputs<'_>, id: i64) -> Option<ChainIntervention> {
    let row = plan.interventions.iter().find(|i| i.id == id)?;
    let i = &row.intervention;
    Some(ChainIntervention {
        id,
        title: i.title.clone(),
        status: i.status,
        start_year: i.start_year,
        end_year: i.end_year,
        outputs: plan
            .outputs
            .iter()
            .filter(|o| o.intervention_id == id)
            .map(|o| {
                let sum = |f: fn(&crate::plan::outputs::YearValues) -> Option<f64>| {
                    let values: Vec<f64> = o.output.values.values().filter_map(f).collect();
                    (!values.is_empty()).then(|| values.iter().sum())
                };
                ChainOutput {
                    name: o.output.name.clone(),
                    unit: o.output.unit.clone(),
                    planned: sum(|v| v.planned),
                    actual: sum(|v| v.actual),
                }
            })
            .collect(),
        indicators: plan
            .links
            .iter()
            .filter(|l| l.intervention_id == id)
            .map(|l| {
                let found = plan
                    .indicators
                    .iter()
                    .find(|a| a.survey == l.link.survey_id && a.indicator == l.link.indicator_id);
                ChainIndicator {
                    survey: l.link.survey_id.clone(),
                    indicator: l.link.indicator_id.clone(),
                    title: indicator_title(inputs.surveys, &l.link.survey_id, &l.link.indicator_id)
                        .unwrap_or_else(|| Titles {
                            sv: l.link.indicator_id.clone(),
                            en: l.link.indicator_id.clone(),
                        }),
                    statistic: found.map(|a| a.statistic),
                    target: l.link.target,
                    latest: found.and_then(|a| a.latest.clone()),
                    change: found.and_then(|a| a.change.clone()),
                }
            })
            .collect(),
    })
}
