//! One indicator (`/evaluate/indicators/{survey}/{indicator}`): its series over the waves (chart
//! and table with the changes), a few plain sentences from the tests, what the figures mean (the
//! question, the answers counted, who is counted, the source and the method), the chosen wave by
//! each breakdown (interval bars with the whole municipality as a line), what went into each
//! wave with the smallest change it could detect, comparison values an evaluator enters (a
//! national figure, say) judged by the interval, and downloads (each chart as SVG and its data
//! as CSV, XLSX, JSON).

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::{Pick, series_chart, unreliable, waves_until};
use crate::entities::comparison_value;
use crate::evaluate::compare::{self, Standing, detectable_change};
use crate::evaluate::meaning::{self, Note, WaveSource};
use crate::evaluate::series::{self, DomainSeries};
use crate::evaluate::words::{
    self, ComparisonFact, amount_text, difference_text, p_text, standing_text, value_with_unit,
    verdict_text, wave_text,
};
use crate::evaluate::{IndicatorEstimate, WaveIndicators};
use crate::i18n::Lang;
use crate::stats::Flag;
use crate::store;
use crate::store::comparisons::NewComparison;
use crate::survey::{Better, Indicator, Statistic, Survey};
use crate::web::extract::Form;
use crate::web::extract::{CurrentUser, PageCtx};
use crate::web::views::charts::{Bar, BarChart, ComparisonLine, Reference, interval_bars, legend};
use crate::web::views::forms::FormErrors;
use crate::web::views::{csrf_field, layout};
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
    Ok(render(
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
            render(&ctx, &data, &form, &errors),
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

fn render(
    ctx: &PageCtx,
    data: &IndicatorData,
    form: &ComparisonForm,
    errors: &FormErrors,
) -> Markup {
    let survey = data.survey;
    let indicator = data.indicator;
    let title = indicator.title.get(ctx.lang);
    let statistic = indicator.statistic;
    let percent = statistic == Statistic::Proportion;
    let lines = data.lines();
    let standings = data.standings();
    let api = format!(
        "/api/v1/surveys/{}/indicators/{}/series",
        survey.id, indicator.id
    );
    let base = format!("/evaluate/indicators/{}/{}", survey.id, indicator.id);
    let current = data.current();
    let wave_query = current
        .map(|c| format!("?wave={}", c.wave.slug))
        .unwrap_or_default();
    // The headline groups (grades), when the questionnaire leads with them.
    let heads = if survey.headline_by.is_some() {
        crate::evaluate::headline::rows(survey, indicator, &data.waves)
            .into_iter()
            .filter(|h| !h.key.is_empty())
            .collect()
    } else {
        Vec::new()
    };
    let first_fact = standings.iter().find_map(|(line, row)| {
        let row = row.as_ref()?;
        Some(ComparisonFact {
            label: &line.label,
            period: row.year,
            value: row.value,
            source: row.source,
            standing: row.standing?,
        })
    });
    layout(
        ctx,
        &errors.title(ctx, title),
        html! {
            (errors.summary(ctx))
            p { a href=(format!("/evaluate?survey={}", survey.id)) { (ctx.t("Tillbaka till översikten", "Back to the overview")) } }
            h1 { (title) }
            p class="muted" {
                (survey.title.get(ctx.lang)) " · " (indicator.priority_area.title(ctx.lang)) " · "
                (match indicator.better { Better::Lower => ctx.t("lägre är bättre", "lower is better"), Better::Higher => ctx.t("högre är bättre", "higher is better") })
                @if let Some(t) = indicator.target {
                    " · " (ctx.t("mål", "target")) " " (value_with_unit(ctx.lang, statistic, t))
                }
            }
            @if let (Some(overall), Some(current)) = (&data.overall, current) {
                section class="findings" aria-labelledby="findings-h" {
                    h2 id="findings-h" { (ctx.t("I korthet", "In brief")) }
                    @for sentence in words::sentences(ctx.lang, indicator, overall, &current.wave.slug, first_fact.as_ref()) {
                        p { (sentence) }
                    }
                }
                (meaning_section(ctx, data))
                @if !heads.is_empty() {
                    section aria-labelledby="heads-h" {
                        h2 id="heads-h" { (ctx.t("Per årskurs", "Per grade")) }
                        p { (ctx.t(
                            "Årskurserna redovisas var för sig, som i CAN:s och Ungdatas rapporter, så att de kan jämföras med de nationella siffrorna för samma årskurs. Längre ned står siffran för alla elever tillsammans.",
                            "The grades are shown apart, as in CAN's and Ungdata's reports, so that they can be compared with the national figures for the same grade. The figure for all pupils together is further down."
                        )) }
                        div class="table-wrap" tabindex="0" role="region" aria-labelledby="heads-h" {
                            table {
                                caption { (ctx.t("Värde per omgång och årskurs (95 % intervall), n", "Value per wave and grade (95 % interval), n")) }
                                thead { tr {
                                    th scope="col" { (ctx.t("År", "Year")) }
                                    @for h in &heads { th scope="col" { (h.label.get(ctx.lang)) } }
                                } }
                                tbody {
                                    @for (i, w) in overall.waves.iter().enumerate() {
                                        tr {
                                            th scope="row" { (w.period) }
                                            @for h in &heads {
                                                td { @match h.series.waves.get(i) {
                                                    Some(g) => { (wave_text(ctx.lang, statistic, g)) " " span class="muted" { "n = " (g.figures.n.map(|n| ctx.lang.number(i128::from(n))).unwrap_or_else(|| "..".into())) } }
                                                    None => "..",
                                                } }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        @for h in &heads {
                            @if let Some(t) = &h.series.trend {
                                p { strong { (h.label.get(ctx.lang)) } ": " (ctx.t("trend", "trend")) " "
                                    (t.periods.first().cloned().unwrap_or_default()) "–" (t.periods.last().cloned().unwrap_or_default()) " "
                                    (difference_text(ctx.lang, statistic, t.slope)) " " (ctx.t("per år", "per year"))
                                    " (" (p_text(ctx.lang, t.p)) ") – " (verdict_text(ctx.lang, t.verdict)) "." }
                            }
                        }
                    }
                }
                section aria-labelledby="series-h" {
                    h2 id="series-h" {
                        (ctx.t("Över tid", "Over time"))
                        @if !heads.is_empty() { " – " (ctx.t("alla elever tillsammans", "all pupils together")) }
                    }
                    div class="series-chart" {
                        (series_chart(ctx, "series", indicator, overall, &lines))
                        (legend(ctx.lang, indicator.target.is_some(), &lines))
                        (chart_links(ctx, &format!("{base}/chart"), &wave_query, ctx.t("diagrammet över tid", "the chart over time")))
                    }
                    @if let Some(t) = &overall.trend {
                        p { (ctx.t("Trend över", "Trend over")) " " (t.waves) " " (ctx.t("stängda omgångar", "closed waves"))
                            @if let (Some(first), Some(last)) = (t.periods.first(), t.periods.last()) { " (" (first) "–" (last) ")" }
                            @let marked: Vec<String> = overall.waves.iter().filter(|w| t.periods.contains(&w.period) && !w.marks.is_empty()).map(|w| format!("{} ({})", w.period, super::overview::marks_words(ctx.lang, &w.marks))).collect();
                            @if !marked.is_empty() { ", " (ctx.t("varav märkta", "of which marked")) " " (marked.join(", ")) }
                            ": "
                            (difference_text(ctx.lang, statistic, t.slope)) " " (ctx.t("per år", "per year"))
                            " (" (p_text(ctx.lang, t.p)) ") – " strong { (verdict_text(ctx.lang, t.verdict)) } "." }
                    } @else if let Some(note) = &overall.trend_note {
                        p class="muted" { (ctx.t("Ingen trend:", "No trend:")) " " (note) }
                    }
                    // Wide tables scroll sideways on a phone: the region takes the keyboard focus so
                    // that it can be scrolled without a mouse (WCAG 2.1.1).
                    div class="table-wrap" tabindex="0" role="region" aria-labelledby="series-h" {
                        table {
                            caption { (ctx.t("Värde per omgång och förändring från omgången före", "Value per wave and change from the wave before")) }
                            thead { tr {
                                th scope="col" { (ctx.t("År", "Year")) }
                                th scope="col" { (ctx.t("Omgång", "Wave")) }
                                th scope="col" { (ctx.t("Värde (95 % intervall)", "Value (95 % interval)")) }
                                th scope="col" { "n" }
                                th scope="col" { (ctx.t("Förändring", "Change")) }
                                th scope="col" { "p" }
                                @for line in &lines { th scope="col" { (line.label) } }
                            } }
                            tbody {
                                @for w in &overall.waves {
                                    @let change = overall.changes.iter().find(|c| c.to == w.slug);
                                    tr {
                                        th scope="row" { (w.period) }
                                        td { (w.slug) @if !w.marks.is_empty() { " " span class="mark" { "⚑ " (super::overview::marks_words(ctx.lang, &w.marks)) } } }
                                        td { (wave_text(ctx.lang, statistic, w)) @if unreliable(&w.figures.flags) { " ⚠" } }
                                        td { (w.figures.n.map(|n| ctx.lang.number(i128::from(n))).unwrap_or_else(|| "..".into())) }
                                        td { @if let Some(c) = change {
                                            (difference_text(ctx.lang, statistic, c.difference))
                                            @if c.significant { " – " (verdict_text(ctx.lang, c.verdict)) }
                                        } }
                                        td { @if let Some(c) = change { (p_text(ctx.lang, c.p).trim_start_matches("p = ")) } }
                                        @for line in &lines {
                                            td { (line.values.iter().find(|(p, _)| w.period == *p).map(|(_, v)| value_with_unit(ctx.lang, statistic, *v)).unwrap_or_else(|| "–".into())) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                section aria-labelledby="by-h" {
                    h2 id="by-h" { (current.wave.period) " " (ctx.t("efter bakgrund", "by background")) }
                    @if let Some(whole) = data.whole() {
                        p { (ctx.t("Den streckade linjen är hela kommunen:", "The dashed line is the whole municipality:")) " " (value_with_unit(ctx.lang, statistic, whole)) "." }
                    }
                    @for (b, (keys, heading)) in breakdowns(ctx.lang, survey).iter().enumerate() {
                        @let bars = breakdown_bars(ctx.lang, survey, current, &indicator.id, keys);
                        @if !bars.is_empty() {
                            @let description = bars_description(ctx.lang, statistic, &bars);
                            h3 { (heading) }
                            figure class="by-chart" {
                                (interval_bars(&BarChart {
                                    id: &format!("by-{b}"),
                                    title: heading,
                                    description: &description,
                                    bars: &bars,
                                    percent,
                                    lang: ctx.lang,
                                    reference: data.whole().map(|value| Reference { label: whole_label(ctx.lang), value }),
                                }))
                                figcaption class="muted" { (description) }
                            }
                            (chart_links(ctx, &format!("{base}/by/{}/chart", breakdown_slug(keys)), &wave_query, heading))
                        }
                    }
                }
            }
            (comparisons_section(ctx, data, &standings, form, errors, &base))
            @if current.is_some() {
                (method_section(ctx, data))
            }
            section aria-labelledby="download-h" {
                h2 id="download-h" { (ctx.t("Ladda ner", "Download")) }
                p { (ctx.t(
                    "CSV-filerna är gjorda för svenska Excel: semikolon mellan kolumnerna, decimalkomma, andelar i procent med en decimal och \"..\" där en siffra inte visas. Under tabellen står vad siffrorna betyder.",
                    "The CSV files are made for Swedish Excel: semicolons between the columns, decimal commas, shares in percent with one decimal and \"..\" where a figure is not shown. Below the table they say what the figures mean."
                )) }
                ul {
                    li { a href=(format!("{base}/download.xlsx{wave_query}")) { (ctx.t("Serie, bakgrund, jämförelser och noter som Excel (XLSX)", "Series, breakdowns, comparisons and notes as Excel (XLSX)")) } }
                    @if current.is_some() {
                        li { a href=(format!("{base}/chart.csv{wave_query}")) { (ctx.t("Serien som CSV för Excel", "The series as CSV for Excel")) } }
                    }
                    li { a href=(format!("{api}?format=csv&dialect=excel-sv")) { (ctx.t("Serien per bakgrund och omgång som CSV för Excel", "The series by background and wave as CSV for Excel")) } }
                    li { a href=(format!("{api}?format=csv")) { (ctx.t("Serien som CSV för skript (API:ts format)", "The series as CSV for scripts (the API's format)")) } }
                    li { a href=(api.clone()) { (ctx.t("Serien som JSON", "The series as JSON")) } }
                    @if let Some(current) = current {
                        li { a href=(format!("/api/v1/waves/{}/indicators?format=csv&dialect=excel-sv", current.wave.slug)) { (ctx.t("Alla indikatorer för", "Every indicator of")) " " (current.wave.slug) " " (ctx.t("som CSV för Excel", "as CSV for Excel")) } }
                    }
                }
            }
        },
    )
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

/// The links under a chart: the chart as an SVG file and its figures as CSV. `what` names the
/// chart for a screen reader, which hears the links out of their context.
fn chart_links(ctx: &PageCtx, path: &str, wave_query: &str, what: &str) -> Markup {
    html! {
        p class="chart-downloads" {
            (ctx.t("Ladda ner", "Download")) " "
            a href=(format!("{path}.svg{wave_query}")) download { (ctx.t("diagrammet (SVG)", "the chart (SVG)")) span class="visually-hidden" { ": " (what) } }
            " · "
            a href=(format!("{path}.csv{wave_query}")) download { (ctx.t("siffrorna (CSV för Excel)", "the figures (CSV for Excel)")) span class="visually-hidden" { ": " (what) } }
        }
    }
}

/// What the figures mean, in plain words.
fn meaning_section(ctx: &PageCtx, data: &IndicatorData) -> Markup {
    html! {
        section class="meaning" aria-labelledby="meaning-h" {
            h2 id="meaning-h" { (ctx.t("Vad siffrorna bygger på", "What the figures rest on")) }
            dl {
                @for note in data.notes(ctx.lang) {
                    dt { (note.heading) }
                    dd { (note.text) }
                }
            }
        }
    }
}

fn method_section(ctx: &PageCtx, data: &IndicatorData) -> Markup {
    let statistic = data.indicator.statistic;
    let overall_se = |slug: &str| {
        data.overall
            .as_ref()
            .and_then(|o| o.waves.iter().find(|w| w.slug == slug))
            .and_then(|w| w.figures.se)
    };
    html! {
        section aria-labelledby="method-h" {
            h2 id="method-h" { (ctx.t("Underlag per omgång", "What went into each wave")) }
            @if let Some(se) = data.current().and_then(|c| overall_se(&c.wave.slug)) {
                p { (words::detectable_sentence(ctx.lang, statistic, se)) }
            }
            div class="table-wrap" tabindex="0" role="region" aria-labelledby="method-h" {
                table {
                    thead { tr {
                        th scope="col" { (ctx.t("Omgång", "Wave")) }
                        th scope="col" { (ctx.t("Svar", "Responses")) }
                        th scope="col" { (ctx.t("Opålitliga", "Unreliable")) }
                        th scope="col" { (ctx.t("Utan kalibreringskod", "Without a calibration code")) }
                        th scope="col" { (ctx.t("Kalibrering", "Calibration")) }
                        th scope="col" { (ctx.t("Dolda celler", "Hidden cells")) }
                        th scope="col" { (ctx.t("Minsta förändring som kan upptäckas", "Smallest detectable change")) }
                    } }
                    tbody {
                        @for w in &data.waves {
                            tr {
                                th scope="row" { (w.wave.slug) }
                                td { (ctx.lang.number(i128::from(w.wave.method.responses))) }
                                td { (w.wave.method.unreliable) }
                                td { (w.wave.method.uncalibrated) }
                                td { (w.wave.method.calibration.label(ctx.lang))
                                     @if let Some(issue) = &w.wave.method.calibration_issue { " – " (issue.text_with(ctx.lang, Some(data.survey))) } }
                                td { (w.estimates.iter().filter(|e| e.indicator == data.indicator.id && e.figures.flags.contains(&Flag::Suppressed)).count()) }
                                td { (overall_se(&w.wave.slug).map(|se| amount_text(ctx.lang, statistic, detectable_change(se))).unwrap_or_else(|| "..".into())) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn comparisons_section(
    ctx: &PageCtx,
    data: &IndicatorData,
    standings: &[(ComparisonLine, Option<StandingRow>)],
    form: &ComparisonForm,
    errors: &FormErrors,
    base: &str,
) -> Markup {
    let statistic = data.indicator.statistic;
    let groups = crate::evaluate::headline::groups(data.survey);
    let per_group: Vec<crate::evaluate::areas::HeadlineFigure> = if groups.len() > 1 {
        crate::evaluate::areas::headline_figures(
            data.survey,
            data.indicator,
            &data.waves,
            &data.comparisons,
        )
        .into_iter()
        .filter(|h| !h.group.is_empty() && !h.comparisons.is_empty())
        .collect()
    } else {
        Vec::new()
    };
    let our = data.current().and_then(|c| {
        data.overall
            .as_ref()?
            .waves
            .iter()
            .find(|w| w.slug == c.wave.slug)
    });
    let field = |id: &str, label: &str, hint: Option<(&str, &str)>, value: &str, kind: &str| {
        html! {
            div class=(errors.field_class(id)) {
                label for=(id) { (label) }
                @if let Some((hint_id, text)) = hint { span class="hint" id=(hint_id) { (text) } }
                (errors.at_field(ctx, id))
                input id=(id) name=(id.trim_start_matches("comparison-")) type="text" inputmode=[(kind != "text").then_some(kind)] value=(value)
                    aria-describedby=[errors.described_by(id, hint.map(|h| h.0))] aria-invalid=[errors.has(id).then_some("true")];
            }
        }
    };
    html! {
        section aria-labelledby="comparisons-h" {
            h2 id="comparisons-h" { (ctx.t("Jämförelser", "Comparisons")) }
            p { (ctx.t(
                "Jämförelsevärden, till exempel riket eller länet, från en källa du anger. Kommunens värde bedöms som bättre eller sämre bara när jämförelsevärdet ligger utanför kommunens 95-procentiga intervall, annars likartat.",
                "Comparison values, for example Sweden or the county, from a source you name. The municipality's value is judged better or worse only when the comparison value lies outside its 95 % interval, otherwise similar."
            )) }
            @if !standings.is_empty() {
                div class="table-wrap" tabindex="0" role="region" aria-labelledby="comparisons-h" { table {
                    caption { (ctx.t("Senaste omgången jämförd", "The latest wave compared")) }
                    thead { tr {
                        th scope="col" { (ctx.t("Jämförelse", "Comparison")) }
                        th scope="col" { (ctx.t("År", "Year")) }
                        th scope="col" { (ctx.t("Deras värde", "Their value")) }
                        th scope="col" { (ctx.t("Kommunens värde", "The municipality's value")) }
                        th scope="col" { (ctx.t("Bedömning", "Judgement")) }
                        th scope="col" { (ctx.t("Källa", "Source")) }
                    } }
                    tbody {
                        @for (line, row) in standings {
                            tr {
                                th scope="row" { (line.label) }
                                @match row {
                                    Some(r) => {
                                        td { (r.year) }
                                        td { (value_with_unit(ctx.lang, statistic, r.value)) }
                                        td { (our.map(|w| wave_text(ctx.lang, statistic, w)).unwrap_or_else(|| "..".into())) }
                                        td { strong { (r.standing.map(|s| standing_text(ctx.lang, s)).unwrap_or(ctx.t("kan inte bedömas", "cannot be judged"))) } }
                                        td { (r.source) }
                                    }
                                    None => td colspan="5" { (ctx.t("inget värde för året eller tidigare", "no value for the year or before")) },
                                }
                            }
                        }
                    }
                } }
            }
            @if !per_group.is_empty() {
                div class="table-wrap" tabindex="0" role="region" aria-labelledby="comparisons-group-caption" { table {
                    caption id="comparisons-group-caption" { (ctx.t("Per årskurs, senaste omgången", "Per grade, the latest wave")) }
                    thead { tr {
                        th scope="col" { (ctx.t("Gäller", "For")) }
                        th scope="col" { (ctx.t("Jämförelse", "Comparison")) }
                        th scope="col" { (ctx.t("År", "Year")) }
                        th scope="col" { (ctx.t("Deras värde", "Their value")) }
                        th scope="col" { (ctx.t("Kommunens värde", "The municipality's value")) }
                        th scope="col" { (ctx.t("Bedömning", "Judgement")) }
                        th scope="col" { (ctx.t("Källa", "Source")) }
                    } }
                    tbody {
                        @for h in &per_group {
                            @for c in &h.comparisons {
                                tr {
                                    th scope="row" { (h.label.get(ctx.lang)) }
                                    td { (c.label) }
                                    td { (c.year) }
                                    td { (value_with_unit(ctx.lang, statistic, c.value)) }
                                    td { (h.shown.as_ref().map(|w| wave_text(ctx.lang, statistic, w)).unwrap_or_else(|| "..".into())) }
                                    td { strong { (c.standing.map(|s| standing_text(ctx.lang, s)).unwrap_or(ctx.t("kan inte bedömas", "cannot be judged"))) } }
                                    td { (c.source) }
                                }
                            }
                        }
                    }
                } }
            }
            @if !data.comparisons.is_empty() {
                details {
                    summary { (ctx.t("Alla inmatade värden", "Every value entered")) " (" (data.comparisons.len()) ")" }
                    div class="table-wrap" tabindex="0" role="region" aria-labelledby="comparisons-h" { table {
                        thead { tr {
                            th scope="col" { (ctx.t("Jämförelse", "Comparison")) }
                            @if groups.len() > 1 { th scope="col" { (ctx.t("Gäller", "For")) } }
                            th scope="col" { (ctx.t("År", "Year")) }
                            th scope="col" { (ctx.t("Värde", "Value")) }
                            th scope="col" { (ctx.t("Källa", "Source")) }
                            th scope="col" { (ctx.t("Inmatat av", "Entered by")) }
                            th scope="col" { span class="visually-hidden" { (ctx.t("Ta bort", "Remove")) } }
                        } }
                        tbody {
                            @for c in &data.comparisons {
                                tr {
                                    th scope="row" { (c.label) }
                                    @if groups.len() > 1 { td { (crate::evaluate::headline::group_name(data.survey, &c.domain, ctx.lang)) } }
                                    td { (c.period) }
                                    td { (value_with_unit(ctx.lang, statistic, c.value)) }
                                    td { (c.source) }
                                    td { (c.created_by) }
                                    td {
                                        form method="post" action=(format!("{base}/comparisons/{}/delete", c.id)) class="inline" {
                                            (csrf_field(ctx))
                                            button type="submit" class="secondary small" { (ctx.t("Ta bort", "Remove")) span class="visually-hidden" { " " (c.label) " " (c.period) } }
                                        }
                                    }
                                }
                            }
                        }
                    } }
                }
            }
            h3 id="comparison-form-h" { (ctx.t("Lägg till ett jämförelsevärde", "Add a comparison value")) }
            form method="post" action=(format!("{base}/comparisons")) class="stack" aria-labelledby="comparison-form-h" {
                (csrf_field(ctx))
                @if groups.len() > 1 {
                    div class=(errors.field_class(GROUP)) {
                        label for=(GROUP) { (ctx.t("Gäller", "For")) }
                        span class="hint" id="comparison-group-hint" { (ctx.t("CAN och Ungdata redovisar årskurserna var för sig: ange värdet för samma årskurs.", "CAN and Ungdata report the grades apart: enter the value for the same grade.")) }
                        (errors.at_field(ctx, GROUP))
                        select id=(GROUP) name="group" aria-describedby=[errors.described_by(GROUP, Some("comparison-group-hint"))] {
                            @for (key, name) in &groups {
                                option value=(key) selected[form.group == *key] { (name.get(ctx.lang)) }
                            }
                        }
                    }
                }
                (field(LABEL, ctx.t("Jämförelse", "Comparison"), Some(("comparison-label-hint", ctx.t("Till exempel Riket eller Länet. Samma namn för flera år blir en linje.", "For example Sweden or the county. The same name for several years makes one line."))), &form.label, "text"))
                (field(YEAR, ctx.t("År", "Year"), None, &form.year, "numeric"))
                (field(VALUE, if statistic == Statistic::Proportion { ctx.t("Värde i procent", "Value in percent") } else { ctx.t("Värde", "Value") }, None, &form.value, "decimal"))
                (field(SOURCE, ctx.t("Källa", "Source"), Some(("comparison-source-hint", ctx.t("Publikation, tabell och år, så att en läsare kan hitta siffran.", "Publication, table and year, so that a reader can find the figure."))), &form.source, "text"))
                p class="muted" { (ctx.t("Ett nytt värde för samma jämförelse och år ersätter det gamla.", "A new value for the same comparison and year replaces the old one.")) }
                button type="submit" { (ctx.t("Spara jämförelsevärdet", "Save the comparison value")) }
            }
        }
    }
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
