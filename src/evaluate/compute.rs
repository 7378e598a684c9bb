//! Every indicator of a wave, estimated the one way DESIGN.md ("Evaluation") defines: the design
//! by access mode, post-stratification to the wave's population totals, overall and per
//! breakdown, logit intervals for proportions, and publication control with the survey's k
//! (`publication`: remainders and earlier publications of the wave included).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::publication::{self, Counts};
use super::rows::Rows;
use crate::collect::Access;
use crate::collect::population::PopulationCell;
use crate::stats::data::{Categories, DataError, Dataset};
use crate::stats::{
    self, Calibration, CiMethod, DesignSpec, EstimateSpec, Figures, Flag, LonelyPsu, Request,
};
use crate::survey::{PriorityArea, Statistic, Survey};

/// A wave's population figures, as uploaded on the wave page.
#[derive(Debug, Clone, Default)]
pub struct Population {
    /// Totals per cell of background variables (post-stratification).
    pub totals: Vec<PopulationCell>,
    /// Class waves: the number of classes per school (the fpc).
    pub school_classes: HashMap<String, i32>,
}

/// One published estimate of an indicator for one domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IndicatorEstimate {
    pub indicator: String,
    pub priority_area: PriorityArea,
    pub statistic: Statistic,
    pub domain: BTreeMap<String, String>,
    #[serde(flatten)]
    pub figures: Figures,
}

/// Whether a wave's estimates are calibrated to its population totals (`none`,
/// `poststratify` in the published JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Calibrated {
    None,
    Poststratify,
}

impl Calibrated {
    /// Weighted to the population (the figures describe it, not only those who answered).
    pub fn is_weighted(self) -> bool {
        self == Calibrated::Poststratify
    }

    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            Calibrated::None => lang.pick("ingen", "none"),
            Calibrated::Poststratify => lang.pick("efterstratifiering", "post-stratification"),
        }
    }
}

/// What went into a wave's estimates, besides the estimates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Method {
    /// Every stored response of the wave.
    pub responses: u64,
    /// Left out because `unreliable_if` holds for them.
    pub unreliable: u64,
    /// Left out of calibrated estimates: a missing code in a calibration variable.
    pub uncalibrated: u64,
    /// `poststratify` or `none`.
    pub calibration: Calibrated,
    /// Why the wave's population totals were not used, when it has some.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration_note: Option<String>,
    /// The same, for the wave page to say in the visitor's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration_issue: Option<CalibrationIssue>,
    /// `simple` (each response its own PSU) or `stratified_cluster` (schools, classes).
    pub design: String,
    /// Class waves: why the number of classes per school was not used as fpc.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fpc_note: Option<String>,
}

/// Why population totals could not be used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CalibrationIssue {
    /// A variable of the totals is not a background question of the survey.
    UnknownVariable { variable: String },
    /// A cell of the totals does not name every variable.
    IncompleteCell { cell: BTreeMap<String, String> },
    /// A population cell in which nobody answered.
    EmptyCell { cell: BTreeMap<String, String> },
    /// Respondents in a cell the totals do not have.
    MissingTotal { cell: BTreeMap<String, String> },
    /// The calibration itself failed.
    Failed { message: String },
}

impl CalibrationIssue {
    /// The reason in `lang`; with the questionnaire, cells are named by their answers' labels
    /// ("25–34 år, Annat") rather than codes.
    pub fn text(&self, lang: crate::i18n::Lang) -> String {
        self.text_with(lang, None)
    }

    pub fn text_with(&self, lang: crate::i18n::Lang, survey: Option<&Survey>) -> String {
        use crate::i18n::Lang;
        let cell = |c: &BTreeMap<String, String>| match survey {
            Some(survey) => c
                .iter()
                .map(|(var, code)| {
                    survey
                        .question(var)
                        .and_then(|q| q.choice(code))
                        .map_or_else(
                            || format!("{var} = {code}"),
                            |ch| ch.label.get(lang).to_owned(),
                        )
                })
                .collect::<Vec<_>>()
                .join(", "),
            None => cell_text(c),
        };
        match (self, lang) {
            (CalibrationIssue::UnknownVariable { variable }, Lang::Sv) => format!(
                "befolkningstalen använder {variable}, som inte är en bakgrundsfråga i enkäten"
            ),
            (CalibrationIssue::UnknownVariable { variable }, Lang::En) => format!(
                "the population totals use {variable}, which is not a background question of the survey"
            ),
            (CalibrationIssue::IncompleteCell { cell: c }, Lang::Sv) => {
                format!("befolkningscellen {} anger inte alla variabler", cell(c))
            }
            (CalibrationIssue::IncompleteCell { cell: c }, Lang::En) => {
                format!("population cell {} does not give every variable", cell(c))
            }
            (CalibrationIssue::EmptyCell { cell: c }, Lang::Sv) => format!(
                "ingen har svarat i befolkningscellen {}, så befolkningstalen kan inte användas",
                cell(c)
            ),
            (CalibrationIssue::EmptyCell { cell: c }, Lang::En) => format!(
                "population cell {} has no respondents, so the totals cannot be used",
                cell(c)
            ),
            (CalibrationIssue::MissingTotal { cell: c }, Lang::Sv) => format!(
                "det finns svarande med {} men inget befolkningstal för dem",
                cell(c)
            ),
            (CalibrationIssue::MissingTotal { cell: c }, Lang::En) => {
                format!("respondents with {} have no population total", cell(c))
            }
            (CalibrationIssue::Failed { message }, Lang::Sv) => {
                format!("kalibreringen misslyckades: {message}")
            }
            (CalibrationIssue::Failed { message }, Lang::En) => {
                format!("the calibration failed: {message}")
            }
        }
    }
}

/// A wave's indicators as published: what went into them, and the estimates after publication
/// control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Computed {
    pub method: Method,
    pub estimates: Vec<IndicatorEstimate>,
}

/// A computation: what it publishes, and the true counts of its cells (kept, never shown).
#[derive(Debug, Clone)]
pub struct Computation {
    pub computed: Computed,
    pub counts: Counts,
}

/// Estimates every indicator of `survey` from a wave's rows, hiding what the wave's earlier
/// publications (their true counts, `earlier`) and the rules of publication require.
pub fn compute(
    survey: &Survey,
    access: Access,
    rows: &Rows,
    population: &Population,
    earlier: &[Counts],
) -> Result<Computation, DataError> {
    let responses = rows.len() as u64 + rows.unreliable + rows.unreadable;
    let all = vec![true; rows.len()];
    let mut method = Method {
        responses,
        unreliable: rows.unreliable,
        uncalibrated: 0,
        calibration: Calibrated::None,
        calibration_note: None,
        calibration_issue: None,
        design: match access {
            Access::Class => "stratified_cluster",
            Access::Open | Access::Invite => "simple",
        }
        .into(),
        fpc_note: None,
    };
    let calibration = match plan_calibration(survey, access, rows, population) {
        Ok(plan) => plan,
        Err(issue) => {
            method.calibration_note = Some(issue.text(crate::i18n::Lang::En));
            method.calibration_issue = Some(issue);
            None
        }
    };
    if let Some((keep, spec)) = calibration {
        let uncalibrated = keep.iter().filter(|k| !**k).count() as u64;
        match estimate(survey, access, rows, &keep, population, Some(spec), earlier) {
            Ok((estimates, counts, fpc_note)) => {
                method.calibration = Calibrated::Poststratify;
                method.uncalibrated = uncalibrated;
                method.fpc_note = fpc_note;
                return Ok(Computation {
                    computed: Computed { method, estimates },
                    counts,
                });
            }
            Err(e) => {
                let issue = CalibrationIssue::Failed {
                    message: e.to_string(),
                };
                method.calibration_note = Some(issue.text(crate::i18n::Lang::En));
                method.calibration_issue = Some(issue);
            }
        }
    }
    let (estimates, counts, fpc_note) =
        estimate(survey, access, rows, &all, population, None, earlier)?;
    method.fpc_note = fpc_note;
    Ok(Computation {
        computed: Computed { method, estimates },
        counts,
    })
}

/// Rows that can be placed in a population cell, and the post-stratification; `Ok(None)` without
/// totals; `Err` (why) when the totals cannot be used. Respondents in a category the totals never
/// name (gender "Annat" in a register file of women and men) are calibrated by collapsing cells
/// (`collapse`), when only one variable has such categories.
fn plan_calibration(
    survey: &Survey,
    access: Access,
    rows: &Rows,
    population: &Population,
) -> Result<Option<(Vec<bool>, Calibration)>, CalibrationIssue> {
    let totals = &population.totals;
    if totals.is_empty() {
        return Ok(None);
    }
    let background: Vec<&crate::survey::Question> = survey.background_questions().collect();
    let (variables, columns) = calibration_variables(totals, &background)?;
    // The codes of each variable that the totals name.
    let named: Vec<HashSet<&str>> = variables
        .iter()
        .map(|v| {
            totals
                .iter()
                .filter_map(|c| c.cell.get(v).map(String::as_str))
                .collect()
        })
        .collect();
    let placement = Placement::of(rows, &background, &columns, &named, &variables)?;
    // Each population cell's codes, in the variables' order.
    let keys: Vec<Vec<&str>> = totals
        .iter()
        .map(|c| {
            variables
                .iter()
                .map(|v| c.cell.get(v).map_or("", String::as_str))
                .collect()
        })
        .collect();
    if let Some((cell, _)) = totals
        .iter()
        .zip(&keys)
        .find(|(_, key)| !placement.counts.contains_key(*key))
    {
        return Err(CalibrationIssue::EmptyCell {
            cell: cell.cell.clone(),
        });
    }
    if let Some(key) = placement.counts.keys().find(|k| !keys.contains(k)) {
        return Err(CalibrationIssue::MissingTotal {
            cell: as_cell(&variables, key),
        });
    }
    let mut cells: Vec<super::collapse::Cell> = keys
        .iter()
        .zip(totals)
        .map(|(key, c)| {
            (
                key.iter().map(|s| (*s).to_owned()).collect(),
                c.total as f64,
            )
        })
        .collect();
    if let Some(var) = placement.collapse_on {
        let weights = design_weights(access, rows, &placement.keep, population);
        let placed: Vec<(Vec<&str>, f64)> = (placement.placed.into_iter())
            .map(|(row, cell)| (cell, weights[row]))
            .collect();
        cells = super::collapse::collapse(&cells, &placed, var, &named[var]).map_err(|cell| {
            CalibrationIssue::MissingTotal {
                cell: variables.iter().cloned().zip(cell).collect(),
            }
        })?;
    }
    let population = cells
        .into_iter()
        .map(|(codes, total)| stats::PopulationCell {
            total,
            values: variables
                .iter()
                .cloned()
                .zip(codes.into_iter().map(serde_json::Value::String))
                .collect(),
        })
        .collect();
    Ok(Some((
        placement.keep,
        Calibration::Poststratify {
            variables,
            population,
        },
    )))
}

/// The variables of the totals, sorted, and the position of each among the background
/// questions; refused when one is not a background question or a cell does not name them all.
fn calibration_variables(
    totals: &[PopulationCell],
    background: &[&crate::survey::Question],
) -> Result<(Vec<String>, Vec<usize>), CalibrationIssue> {
    let mut variables: Vec<String> = totals.iter().flat_map(|c| c.cell.keys().cloned()).collect();
    variables.sort();
    variables.dedup();
    let mut columns = Vec::new();
    for var in &variables {
        let Some(at) = background.iter().position(|q| &q.id == var) else {
            return Err(CalibrationIssue::UnknownVariable {
                variable: var.clone(),
            });
        };
        columns.push(at);
    }
    if let Some(cell) = totals.iter().find(|c| c.cell.len() != variables.len()) {
        return Err(CalibrationIssue::IncompleteCell {
            cell: cell.cell.clone(),
        });
    }
    Ok((variables, columns))
}

/// A cell's codes (in the variables' order) as variable → code.
fn as_cell(variables: &[String], key: &[&str]) -> BTreeMap<String, String> {
    variables
        .iter()
        .cloned()
        .zip(key.iter().map(|s| (*s).to_owned()))
        .collect()
}

/// The rows placed in population cells: those with a code in every calibration variable.
struct Placement<'a> {
    keep: Vec<bool>,
    /// Respondents per cell whose every category the totals name.
    counts: HashMap<Vec<&'a str>, u64>,
    /// Each kept row and its cell's codes.
    placed: Vec<(usize, Vec<&'a str>)>,
    /// The one variable whose categories the totals never name, when respondents have them.
    collapse_on: Option<usize>,
}

impl<'a> Placement<'a> {
    /// Places each row by its codes in the background questions at `columns`; refused when a
    /// row's cell has categories the totals never name in more than one variable.
    fn of(
        rows: &Rows,
        background: &[&'a crate::survey::Question],
        columns: &[usize],
        named: &[HashSet<&str>],
        variables: &[String],
    ) -> Result<Placement<'a>, CalibrationIssue> {
        let code_of = |column: usize, row: usize| -> Option<&'a str> {
            let q = background.get(column)?;
            let choice = rows.categories[column][row]?;
            Some(q.choices().get(choice as usize)?.code.as_str())
        };
        let mut keep = vec![false; rows.len()];
        let mut counts: HashMap<Vec<&str>, u64> = HashMap::new();
        let mut placed: Vec<(usize, Vec<&str>)> = Vec::new();
        let mut collapse_on: Option<usize> = None;
        for (row, kept) in keep.iter_mut().enumerate() {
            let cell: Option<Vec<&str>> = columns.iter().map(|&c| code_of(c, row)).collect();
            let Some(cell) = cell else { continue };
            let unnamed: Vec<usize> = (0..cell.len())
                .filter(|&v| !named[v].contains(cell[v]))
                .collect();
            match unnamed.as_slice() {
                [] => *counts.entry(cell.clone()).or_default() += 1,
                // One variable at most is collapsed: cells of two never-named categories at
                // once (or of two variables' in different rows) would need totals nobody has.
                [v] if collapse_on.is_none_or(|c| c == *v) => collapse_on = Some(*v),
                _ => {
                    return Err(CalibrationIssue::MissingTotal {
                        cell: as_cell(variables, &cell),
                    });
                }
            }
            *kept = true;
            placed.push((row, cell));
        }
        Ok(Placement {
            keep,
            counts,
            placed,
            collapse_on,
        })
    }
}

/// Each row's design weight before calibration, as [`estimate`] sets the design: 1 for open
/// and invite waves; for class waves N_h / n_h (classes of the school over classes sampled)
/// when every school of the kept rows has its number of classes, else 1.
fn design_weights(access: Access, rows: &Rows, keep: &[bool], population: &Population) -> Vec<f64> {
    let mut weights = vec![1.0; rows.len()];
    if access != Access::Class || population.school_classes.is_empty() {
        return weights;
    }
    let sampled = rows.classes_per_school(keep);
    let per_school: Option<Vec<f64>> = rows
        .schools
        .names
        .iter()
        .enumerate()
        .map(|(s, name)| match population.school_classes.get(name) {
            Some(n) => Some(f64::from(*n) / f64::from(sampled[s].max(1))),
            None if sampled[s] == 0 => Some(1.0),
            None => None,
        })
        .collect();
    if let Some(per_school) = per_school {
        for (row, weight) in weights.iter_mut().enumerate() {
            if let Some(w) = per_school.get(rows.school[row] as usize) {
                *weight = *w;
            }
        }
    }
    weights
}

fn cell_text(cell: &BTreeMap<String, String>) -> String {
    cell.iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

const SCHOOL: &str = ".school";
const CLASS: &str = ".class";
const WEIGHT: &str = ".weight";
const FPC: &str = ".fpc";

fn value_column(indicator: usize) -> String {
    format!(".value{indicator}")
}

/// The columns of the kept rows the engine reads: each indicator's value, each background
/// question's codes, and for class waves the design's (schools, classes, fpc and weights).
#[derive(Default)]
struct Columns {
    numeric: Vec<(String, Vec<f64>)>,
    categorical: Vec<(String, Categories)>,
}

impl Columns {
    /// The indicators' values and the background questions' codes of the kept rows.
    fn answers(survey: &Survey, rows: &Rows, kept: &[usize]) -> Columns {
        let mut columns = Columns::default();
        for (i, values) in rows.values.iter().enumerate() {
            (columns.numeric).push((value_column(i), kept.iter().map(|&r| values[r]).collect()));
        }
        for (q, codes) in survey.background_questions().zip(&rows.categories) {
            columns.categorical.push((
                q.id.clone(),
                Categories {
                    codes: kept.iter().map(|&r| codes[r]).collect(),
                    values: q.choices().iter().map(|c| c.code.clone()).collect(),
                },
            ));
        }
        columns
    }

    /// A class wave's design: strata by school, clusters by class, and the fpc (with the weights
    /// N_h / n_h it implies, as R's svydesign derives them) only when every school in the data
    /// has its number of classes; otherwise why not.
    fn class_design(
        &mut self,
        design: &mut DesignSpec,
        rows: &Rows,
        keep: &[bool],
        kept: &[usize],
        population: &Population,
    ) -> Option<String> {
        self.categorical.push((
            SCHOOL.to_owned(),
            Categories {
                codes: kept.iter().map(|&r| Some(rows.school[r])).collect(),
                values: rows.schools.names.clone(),
            },
        ));
        let (clusters, count) = rows.clusters(kept);
        self.categorical.push((
            CLASS.to_owned(),
            Categories {
                codes: clusters.into_iter().map(Some).collect(),
                values: (0..count).map(|c| c.to_string()).collect(),
            },
        ));
        design.strata = Some(SCHOOL.to_owned());
        design.clusters = Some(CLASS.to_owned());
        let sampled = rows.classes_per_school(keep);
        let missing: Vec<&str> = (rows.schools.names.iter().enumerate())
            .filter(|(s, name)| {
                sampled[*s] > 0 && !population.school_classes.contains_key(name.as_str())
            })
            .map(|(_, name)| name.as_str())
            .collect();
        if population.school_classes.is_empty() {
            return Some("no classes per school uploaded: no finite population correction".into());
        }
        if !missing.is_empty() {
            return Some(format!(
                "no number of classes for {}: no finite population correction",
                missing.join(", ")
            ));
        }
        let factor: Vec<(f64, f64)> = (rows.schools.names.iter().enumerate())
            .map(|(s, name)| {
                let big_n = population.school_classes.get(name).copied().unwrap_or(0) as f64;
                (big_n, big_n / f64::from(sampled[s].max(1)))
            })
            .collect();
        let of_row = |r: usize| factor[rows.school[r] as usize];
        (self.numeric).push((FPC.to_owned(), kept.iter().map(|&r| of_row(r).0).collect()));
        (self.numeric).push((
            WEIGHT.to_owned(),
            kept.iter().map(|&r| of_row(r).1).collect(),
        ));
        design.fpc = Some(FPC.to_owned());
        design.weights = Some(WEIGHT.to_owned());
        None
    }
}

/// One estimate per indicator and breakdown, with the id `indicator:breakdown`.
fn estimate_specs(survey: &Survey) -> Vec<EstimateSpec> {
    let by_sets = publication::breakdowns(survey);
    let mut specs = Vec::new();
    for (i, indicator) in survey.indicators.iter().enumerate() {
        for (b, by) in by_sets.iter().enumerate() {
            specs.push(EstimateSpec {
                id: format!("{i}:{b}"),
                statistic: match indicator.statistic {
                    Statistic::Proportion => stats::Statistic::Proportion,
                    Statistic::Mean => stats::Statistic::Mean,
                },
                variable: value_column(i),
                by: by.clone(),
                ci: CiMethod::Logit,
            });
        }
    }
    specs
}

/// Estimates on the kept rows, as published, with the true counts of their cells; also says why
/// the fpc was not used, when it was not.
fn estimate(
    survey: &Survey,
    access: Access,
    rows: &Rows,
    keep: &[bool],
    population: &Population,
    calibration: Option<Calibration>,
    earlier: &[Counts],
) -> Result<(Vec<IndicatorEstimate>, Counts, Option<String>), DataError> {
    let kept: Vec<usize> = (0..rows.len()).filter(|&r| keep[r]).collect();
    let n = kept.len();
    let mut columns = Columns::answers(survey, rows, &kept);
    let mut design = DesignSpec {
        lonely_psu: LonelyPsu::Adjust,
        ..DesignSpec::default()
    };
    let mut fpc_note = None;
    if access == Access::Class {
        fpc_note = columns.class_design(&mut design, rows, keep, &kept, population);
    }
    let request = Request {
        design,
        calibration,
        confidence_level: 0.95,
        estimates: estimate_specs(survey),
        // Publication control is done below, on every breakdown of an indicator together.
        disclosure: None,
    };
    let result = if n == 0 {
        Vec::new()
    } else {
        let data = Dataset::from_columns(n, columns.numeric, columns.categorical)?;
        let response = match stats::estimate::run(&data, &request) {
            Err(e) if request.design.fpc.is_some() => {
                // An fpc that does not fit the data (fewer classes than sampled): estimate
                // without it and say so.
                fpc_note = Some(format!("{e}: no finite population correction"));
                let mut request = request.clone();
                request.design.fpc = None;
                request.design.weights = None;
                stats::estimate::run(&data, &request)?
            }
            other => other?,
        };
        response.estimates
    };
    let mut raw: Vec<(usize, usize, stats::Estimate)> = result
        .into_iter()
        .filter_map(|e| {
            let (i, b) = e.id.split_once(':')?;
            Some((i.parse::<usize>().ok()?, b.parse::<usize>().ok()?, e))
        })
        .collect();
    // Nobody in a domain answered, fewer than k did, a remainder or a change since an earlier
    // publication would give someone away: those rows are published without numbers.
    let counts = publication::counts(survey, rows, &kept);
    publication::control(
        survey,
        &mut raw,
        &counts,
        earlier,
        u64::from(survey.min_cell_size),
    );
    Ok((published(survey, raw, n == 0), counts, fpc_note))
}

/// The estimates after publication control as published: in the survey's order, without an
/// interval where the design gives no degrees of freedom; with no responses (`none`), each
/// indicator once, suppressed.
fn published(
    survey: &Survey,
    raw: Vec<(usize, usize, stats::Estimate)>,
    none: bool,
) -> Vec<IndicatorEstimate> {
    let mut out = Vec::with_capacity(raw.len());
    for (i, b, e) in raw {
        let Some(indicator) = survey.indicators.get(i) else {
            continue;
        };
        let mut row = IndicatorEstimate {
            indicator: indicator.id.clone(),
            priority_area: indicator.priority_area,
            statistic: indicator.statistic,
            domain: e.domain,
            figures: e.figures,
        };
        // No degrees of freedom (the whole domain in one class): the design says nothing about
        // the estimate's uncertainty, so no interval is published (as R, whose t has no
        // quantile at 0 df); the engine's `low_df` flag says why.
        // A boundary proportion keeps the end it sits on (0 or 1), which is certain.
        let f = &mut row.figures;
        if f.df == Some(0) {
            let boundary = f.flags.contains(&Flag::Boundary);
            if !(boundary && f.estimate == Some(0.0)) {
                f.ci_low = None;
            }
            if !(boundary && f.estimate == Some(1.0)) {
                f.ci_high = None;
            }
        }
        out.push((i, b, row));
    }
    if none {
        for (i, indicator) in survey.indicators.iter().enumerate() {
            // No responses at all: every indicator is published as suppressed.
            let row = IndicatorEstimate {
                indicator: indicator.id.clone(),
                priority_area: indicator.priority_area,
                statistic: indicator.statistic,
                domain: BTreeMap::new(),
                figures: Figures::only(Flag::Suppressed),
            };
            out.push((i, 0, row));
        }
    }
    // Indicators in file order, breakdowns in order, categories in the order of their choices.
    let position = |row: &IndicatorEstimate| -> Vec<usize> {
        row.domain
            .iter()
            .map(|(var, code)| {
                survey
                    .question(var)
                    .and_then(|q| q.choices().iter().position(|c| &c.code == code))
                    .unwrap_or(usize::MAX)
            })
            .collect()
    };
    out.sort_by_cached_key(|(i, b, row)| (*i, *b, position(row)));
    out.into_iter().map(|(_, _, row)| row).collect()
}
