//! One indicator (`/evaluate/indicators/{survey}/{indicator}`): its series over the waves (chart
//! and table with the changes), a few plain sentences from the tests, what the figures mean (the
//! question, the answers counted, who is counted, the source and the method), the chosen wave by
//! each breakdown (interval bars with the whole municipality as a line), what went into each
//! wave with the smallest change it could detect, comparison values an evaluator enters (a
//! national figure, say) judged by the interval, and downloads (each chart as SVG and its data
//! as CSV, XLSX, JSON).

mod view;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;
use serde::Deserialize;

use super::{Pick, unreliable, waves_until};
use crate::entities::comparison_value;
use crate::evaluate::compare::{self, Standing};
use crate::evaluate::meaning::{self, Note, WaveSource};
use crate::evaluate::series::{self, DomainSeries};
use crate::evaluate::words;
use crate::evaluate::{IndicatorEstimate, WaveIndicators};
use crate::i18n::Lang;
use crate::store;
use crate::store::comparisons::NewComparison;
use crate::survey::{Indicator, Statistic, Survey};
use crate::web::extract::{CurrentUser, Form, PageCtx};
use crate::web::markup::charts::{Bar, ComparisonLine};
use crate::web::markup::forms::FormErrors;
use crate::web::{AppError, AppState, EVALUATORS, Routes};

pub fn routes() -> Routes {
    Routes::default()
        .get(
            "/evaluate/indicators/{survey}/{indicator}",
            EVALUATORS,
            page,
        )
        .post(
            "/evaluate/indicators/{survey}/{indicator}/comparisons",
            "/evaluate/indicators/{survey}/{indicator}",
            EVALUATORS,
            add_comparison,
        )
        .post(
            "/evaluate/indicators/{survey}/{indicator}/comparisons/{id}/delete",
            "/evaluate/indicators/{survey}/{indicator}",
            EVALUATORS,
            delete_comparison,
        )
}

/// Everything the page and the downloads show of one indicator.
pub(super) struct IndicatorData<'a> {
    pub survey: &'a Survey,
    pub indicator: &'a Indicator,
    /// The survey's waves up to the chosen one, in period order.
    pub waves: Vec<WaveIndicators>,
    pub overall: Option<DomainSeries>,
    pub comparisons: Vec<comparison_value::Model>,
    /// The waves as the source note names them (how each was collected), in `waves`' order.
    pub sources: Vec<WaveSource>,
}

impl IndicatorData<'_> {
    pub fn current(&self) -> Option<&WaveIndicators> {
        self.waves.last()
    }

    /// What the figures mean: question, answers counted, who is counted, source, method.
    pub fn notes(&self, lang: Lang) -> Vec<Note> {
        meaning::notes(lang, self.survey, self.indicator, &self.sources)
    }

    /// The chosen wave's overall estimate (the whole municipality), when it is shown.
    pub fn whole(&self) -> Option<f64> {
        let current = self.current()?;
        self.overall
            .as_ref()?
            .waves
            .iter()
            .find(|w| w.slug == current.wave.slug)?
            .figures
            .estimate
    }

    /// The comparison values as chart lines, one per label.
    pub fn lines(&self) -> Vec<ComparisonLine> {
        super::comparison_lines(&self.comparisons, &self.indicator.id)
    }

    /// The chosen wave's overall estimate against each comparison line: the line, the value it
    /// is compared with and the standing; `None` for a line with no value up to that year.
    pub fn standings(&self) -> Vec<(ComparisonLine, Option<StandingRow<'_>>)> {
        let current = self
            .overall
            .as_ref()
            .zip(self.current())
            .and_then(|(o, c)| o.waves.iter().find(|w| w.slug == c.wave.slug));
        self.lines()
            .into_iter()
            .map(|line| {
                let row = current.and_then(|w| {
                    let (year, value) = compare::value_for(&line.values, w.period)?;
                    let source = self
                        .comparisons
                        .iter()
                        .find(|c| c.label == line.label && c.period == year && c.domain.is_empty())
                        .map(|c| c.source.as_str())
                        .unwrap_or_default();
                    let standing = match (w.figures.ci_low, w.figures.ci_high) {
                        (Some(lo), Some(hi)) => {
                            Some(compare::standing(lo, hi, value, self.indicator.better))
                        }
                        _ => None,
                    };
                    Some(StandingRow {
                        year,
                        value,
                        source,
                        standing,
                    })
                });
                (line, row)
            })
            .collect()
    }
}

pub(super) struct StandingRow<'a> {
    pub year: i32,
    pub value: f64,
    pub source: &'a str,
    /// `None` when the estimate has no interval (suppressed or df 0).
    pub standing: Option<Standing>,
}

pub(super) async fn load<'a>(
    state: &'a AppState,
    survey_id: &str,
    indicator_id: &str,
    wave: Option<&str>,
) -> Result<IndicatorData<'a>, AppError> {
    let loaded = state.surveys.get(survey_id).ok_or(AppError::NotFound)?;
    let survey = loaded.survey.as_ref();
    let indicator = survey.indicator(indicator_id).ok_or(AppError::NotFound)?;
    let (mut waves, upto) = waves_until(state, &survey.id, wave).await?;
    waves.truncate(upto);
    let overall = series::build(&survey.id, indicator, &waves, None)
        .series
        .into_iter()
        .next();
    let comparisons =
        store::comparisons::for_indicator(&state.db, &survey.id, &indicator.id).await?;
    let access: std::collections::HashMap<String, crate::collect::Access> =
        store::waves::list(&state.db)
            .await?
            .into_iter()
            .filter(|w| w.survey_id == survey.id)
            .map(|w| (w.slug, w.access))
            .collect();
    let sources = waves
        .iter()
        .map(|w| WaveSource {
            period: w.wave.period,
            access: access.get(&w.wave.slug).copied(),
            responses: w.wave.method.responses,
            weighted: w.wave.method.calibration.is_weighted(),
        })
        .collect();
    Ok(IndicatorData {
        survey,
        indicator,
        waves,
        overall,
        comparisons,
        sources,
    })
}

/// What the comparison form holds, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub(super) struct ComparisonForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    source: String,
    /// The group the value is for (`grade=y9`), empty for everyone.
    #[serde(default)]
    group: String,
}

async fn page(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path((survey_id, indicator_id)): Path<(String, String)>,
    Query(pick): Query<Pick>,
) -> Result<Markup, AppError> {
    let data = load(&state, &survey_id, &indicator_id, pick.wave.as_deref()).await?;
    Ok(view::page(
        &ctx,
        &data,
        &ComparisonForm::default(),
        &FormErrors::new(),
    ))
}

async fn add_comparison(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path((survey_id, indicator_id)): Path<(String, String)>,
    Form(form): Form<ComparisonForm>,
) -> Result<Response, AppError> {
    let data = load(&state, &survey_id, &indicator_id, None).await?;
    match parse_comparison(ctx.lang, data.survey, data.indicator, &form) {
        Ok(new) => {
            store::comparisons::put(&state.db, &new, &user.email).await?;
            Ok(Redirect::to(&format!(
                "/evaluate/indicators/{}/{}#comparisons-h",
                data.survey.id, data.indicator.id
            ))
            .into_response())
        }
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            view::page(&ctx, &data, &form, &errors),
        )
            .into_response()),
    }
}

async fn delete_comparison(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path((survey_id, indicator_id, id)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let loaded = state.surveys.get(&survey_id).ok_or(AppError::NotFound)?;
    let indicator = loaded
        .survey
        .indicator(&indicator_id)
        .ok_or(AppError::NotFound)?;
    if !store::comparisons::delete(&state.db, &survey_id, &indicator.id, &id, &user.email).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to(&format!(
        "/evaluate/indicators/{survey_id}/{}#comparisons-h",
        indicator.id
    ))
    .into_response())
}

/// Field ids of the comparison form.
const LABEL: &str = "comparison-label";
const YEAR: &str = "comparison-year";
const VALUE: &str = "comparison-value";
const SOURCE: &str = "comparison-source";
const GROUP: &str = "comparison-group";

/// A number as people type it (see `plan::number::parse_number`: a decimal comma or point,
/// spaces between digit groups, a typographic minus), for a percentage with an optional "%".
fn parse_number(text: &str) -> Option<f64> {
    crate::plan::number::parse_number(text.trim().trim_end_matches('%'))
        .ok()
        .flatten()
}

fn parse_comparison(
    lang: Lang,
    survey: &Survey,
    indicator: &Indicator,
    form: &ComparisonForm,
) -> Result<NewComparison, FormErrors> {
    let mut errors = FormErrors::new();
    let label = form.label.trim();
    if label.is_empty() {
        errors.add(
            LABEL,
            lang.pick(
                "Skriv vad värdet gäller, till exempel Riket eller Länet.",
                "Enter what the value is for, for example Sweden or the county.",
            ),
        );
    } else if label.chars().count() > 60 {
        errors.add(
            LABEL,
            lang.pick(
                "Jämförelsen får ha högst 60 tecken.",
                "The comparison can have at most 60 characters.",
            ),
        );
    }
    let year = form.year.trim().parse::<i32>().ok();
    match year {
        None => errors.add(
            YEAR,
            lang.pick(
                "Skriv året med fyra siffror, till exempel 2025.",
                "Enter the year as four digits, for example 2025.",
            ),
        ),
        Some(y) if !(1990..=2100).contains(&y) => errors.add(
            YEAR,
            lang.pick(
                "Året måste ligga mellan 1990 och 2100.",
                "The year must be between 1990 and 2100.",
            ),
        ),
        Some(_) => {}
    }
    let value = match (parse_number(&form.value), indicator.statistic) {
        (None, _) => {
            errors.add(
                VALUE,
                lang.pick(
                    "Skriv värdet som ett tal, till exempel 28 eller 28,5.",
                    "Enter the value as a number, for example 28 or 28.5.",
                ),
            );
            None
        }
        (Some(v), Statistic::Proportion) if !(0.0..=100.0).contains(&v) => {
            errors.add(
                VALUE,
                lang.pick(
                    "Värdet är en andel i procent och måste ligga mellan 0 och 100.",
                    "The value is a share in percent and must be between 0 and 100.",
                ),
            );
            None
        }
        (Some(v), Statistic::Proportion) => Some(v / 100.0),
        (Some(v), Statistic::Mean) => Some(v),
    };
    let source = form.source.trim();
    if source.is_empty() {
        errors.add(
            SOURCE,
            lang.pick(
                "Skriv varifrån värdet kommer, till exempel Brå, NTU 2025, tabell 3.2.",
                "Enter where the value comes from, for example Brå, NTU 2025, table 3.2.",
            ),
        );
    } else if source.chars().count() > 300 {
        errors.add(
            SOURCE,
            lang.pick(
                "Källan får ha högst 300 tecken.",
                "The source can have at most 300 characters.",
            ),
        );
    }
    let group = form.group.trim();
    if !crate::evaluate::headline::groups(survey)
        .iter()
        .any(|(key, _)| key == group)
    {
        errors.add(
            GROUP,
            lang.pick(
                "Välj vilka värdet gäller i listan.",
                "Choose who the value is for from the list.",
            ),
        );
    }
    match (errors.is_empty(), year, value) {
        (true, Some(period), Some(value)) => Ok(NewComparison {
            survey_id: survey.id.clone(),
            indicator_id: indicator.id.clone(),
            label: label.to_owned(),
            domain: group.to_owned(),
            period,
            value,
            source: source.to_owned(),
        }),
        _ => Err(errors),
    }
}

/// The breakdowns of a wave's table: each background question alone, then the survey's crossed
/// breakdowns, each with its title from the questions' short labels ("Kön", "Årskurs × kön").
pub(super) fn breakdowns(lang: Lang, survey: &Survey) -> Vec<(Vec<String>, String)> {
    let single = survey.background_questions().map(|q| vec![q.id.clone()]);
    let crossed = survey.breakdowns.iter().cloned();
    single
        .chain(crossed)
        .map(|keys| {
            let title = survey.breakdown_title(&keys, lang);
            (keys, title)
        })
        .collect()
}

/// A breakdown in an address: its question ids joined by `-` (which no question id has).
pub(super) fn breakdown_slug(keys: &[String]) -> String {
    keys.join("-")
}

/// A domain's name from its answers' labels: "Årskurs 9, Flicka".
pub(super) fn domain_label(
    lang: Lang,
    survey: &Survey,
    keys: &[String],
    e: &IndicatorEstimate,
) -> String {
    keys.iter()
        .map(|k| {
            let code = e.domain.get(k).map(String::as_str).unwrap_or_default();
            survey
                .question(k)
                .and_then(|q| q.choice(code))
                .map_or(code.to_owned(), |c| c.label.get(lang).to_owned())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows of one breakdown of the indicator in a wave.
pub(super) fn breakdown_rows<'w>(
    wave: &'w WaveIndicators,
    indicator: &str,
    keys: &[String],
) -> Vec<&'w IndicatorEstimate> {
    wave.estimates
        .iter()
        .filter(|e| {
            e.indicator == indicator
                && e.domain.len() == keys.len()
                && keys.iter().all(|k| e.domain.contains_key(k))
        })
        .collect()
}

/// "Hela kommunen": the reference line of a breakdown chart.
pub(super) fn whole_label(lang: Lang) -> &'static str {
    lang.pick("Hela kommunen", "Whole municipality")
}

/// One breakdown of the chosen wave as chart bars, named by their answers' labels.
pub(super) fn breakdown_bars(
    lang: Lang,
    survey: &Survey,
    wave: &WaveIndicators,
    indicator: &str,
    keys: &[String],
) -> Vec<Bar> {
    breakdown_rows(wave, indicator, keys)
        .into_iter()
        .map(|e| Bar {
            label: domain_label(lang, survey, keys, e),
            estimate: e.figures.estimate,
            low: e.figures.ci_low,
            high: e.figures.ci_high,
            hollow: unreliable(&e.figures.flags),
        })
        .collect()
}

/// The bars' figures in words: "Kvinna: 21 % (17–26); Man: ..".
pub(super) fn bars_description(lang: Lang, statistic: Statistic, bars: &[Bar]) -> String {
    bars.iter()
        .map(|b| {
            format!(
                "{}: {}",
                b.label,
                words::estimate_text(lang, statistic, b.estimate, b.low, b.high)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_people_type_them() {
        assert_eq!(parse_number("28,5"), Some(28.5));
        assert_eq!(parse_number(" 28.5 % "), Some(28.5));
        assert_eq!(parse_number("1 234,5"), Some(1234.5));
        assert_eq!(parse_number("−0,3"), Some(-0.3));
        assert_eq!(parse_number("tjugo"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number(""), None);
    }
}
