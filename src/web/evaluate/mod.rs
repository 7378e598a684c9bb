//! Evaluators' dashboard (`/evaluate`): per priority area of the action plan, every indicator of
//! the chosen survey with its value and interval in words, n, a chart over the waves, the change
//! since the wave before as the test decides it, the trend, the target status and marks for
//! unreliable or suppressed estimates. Everything is read from the stored results of `evaluate`.

mod agreements;

pub use agreements::standalone as final_standalone;
pub(crate) use lagesbild::load as load_lagesbild;
pub(crate) use lagesbild::report_section as lagesbild_report_section;
mod downloads;
mod indicator;
mod lagesbild;
mod lagesbild_input;
mod overview;
mod xlsx;

use maud::{Markup, html};
use serde::Deserialize;

use super::extract::PageCtx;
use super::views::charts::{ChartPoint, ComparisonLine, LineChart, line_chart};
use super::{AppError, AppState, EVALUATORS, Routes};
use crate::evaluate::WaveIndicators;
use crate::evaluate::series::DomainSeries;
use crate::evaluate::words::wave_text;
use crate::i18n::Lang;
use crate::stats::Flag;
use crate::survey::{Indicator, Statistic};

pub fn routes() -> Routes {
    Routes::default()
        .get("/evaluate", EVALUATORS, overview::overview)
        .merge(indicator::routes())
        .get(
            "/evaluate/indicators/{survey}/{indicator}/download.xlsx",
            EVALUATORS,
            xlsx::download,
        )
        .merge(downloads::routes())
        .merge(agreements::routes())
        .get("/evaluate/lagesbild", EVALUATORS, lagesbild::page)
        .get("/evaluate/lagesbild.xlsx", EVALUATORS, lagesbild::xlsx)
        .get(
            "/evaluate/lagesbild/districts/{code}",
            EVALUATORS,
            lagesbild::district_page,
        )
        .merge(lagesbild_input::routes())
}

#[derive(Debug, Deserialize)]
struct Pick {
    survey: Option<String>,
    wave: Option<String>,
    /// The overview's year.
    year: Option<String>,
}

pub(super) fn how_to_read(ctx: &PageCtx) -> Markup {
    html! {
        details class="help" {
            summary { (ctx.t("Så läser du siffrorna", "How to read the figures")) }
            (reading_notes(ctx.lang))
        }
    }
}

/// How to read the figures: intervals, certain changes, hollow points, dashes and "..".
pub(crate) fn reading_notes(lang: Lang) -> Markup {
    html! {
        {
            p { (lang.pick(
                "Inom parentes står 95-procentigt konfidensintervall: det sanna värdet ligger med stor sannolikhet där. Diagrammen visar intervallet som ett grått band. En förändring kallas säker när den är statistiskt signifikant (p < 0,05); annars kan skillnaden bero på slumpen i vilka som svarade.",
                "In brackets is the 95 % confidence interval: the true value very likely lies within it. The charts show the interval as a grey band. A change is called certain when it is statistically significant (p < 0.05); otherwise the difference may be down to chance in who answered."
            )) }
            p { (lang.pick(
                "Ihåliga punkter är osäkra skattningar (få svarande eller brett intervall). En streckad linje går över ett år utan siffror. \"..\" betyder att uppgiften inte visas: för få svarade, eller den skulle tillsammans med andra uppgifter (till exempel totalen minus de andra grupperna) visa vad en grupp på färre än fem eller tio personer svarade.",
                "Hollow points are uncertain estimates (few respondents or a wide interval). A dashed line crosses a year without figures. \"..\" means the figure is not shown: too few answered, or together with other figures (say, the total minus the other groups) it would show what a group of fewer than five or ten people answered."
            )) }
        }
    }
}

/// Flags that make an estimate uncertain enough to be marked.
pub(crate) fn unreliable(flags: &[Flag]) -> bool {
    flags.iter().any(|f| {
        matches!(
            f,
            Flag::LowEffectiveN | Flag::LowDf | Flag::WideInterval | Flag::WideRelativeInterval
        )
    })
}

/// The survey's waves in period order, and how many of them lead up to the chosen one
/// (`?wave=`, or the latest when none or another survey's is asked for).
async fn waves_until(
    state: &AppState,
    survey_id: &str,
    wave: Option<&str>,
) -> Result<(Vec<WaveIndicators>, usize), AppError> {
    let waves = crate::evaluate::areas::up_to(
        crate::evaluate::areas::survey_waves(&state.db, &state.surveys, survey_id).await?,
        None,
    );
    let upto = wave
        .and_then(|slug| waves.iter().position(|w| w.wave.slug == slug))
        .map_or(waves.len(), |i| i + 1);
    Ok((waves, upto))
}

/// An indicator's overall series as a line chart, its figures in words as the description.
fn series_chart(
    ctx: &PageCtx,
    id: &str,
    indicator: &Indicator,
    overall: &DomainSeries,
    comparisons: &[ComparisonLine],
) -> Markup {
    chart_of_series(
        ctx.lang,
        id,
        indicator.title.get(ctx.lang),
        indicator.statistic,
        indicator.target,
        overall,
        comparisons,
    )
}

/// A series as a line chart with its figures in words as the description (the pages and the
/// annual report).
pub(crate) fn chart_of_series(
    lang: Lang,
    id: &str,
    title: &str,
    statistic: Statistic,
    target: Option<f64>,
    overall: &DomainSeries,
    comparisons: &[ComparisonLine],
) -> Markup {
    let points: Vec<ChartPoint> = overall
        .waves
        .iter()
        .map(|w| ChartPoint {
            period: w.period,
            estimate: w.figures.estimate,
            low: w.figures.ci_low,
            high: w.figures.ci_high,
            hollow: unreliable(&w.figures.flags),
        })
        .collect();
    let description = overall
        .waves
        .iter()
        .map(|w| format!("{}: {}", w.period, wave_text(lang, statistic, w)))
        .collect::<Vec<_>>()
        .join("; ");
    line_chart(&LineChart {
        id,
        title,
        description: &description,
        points: &points,
        target,
        comparisons,
        percent: statistic == Statistic::Proportion,
        decimal_comma: lang == Lang::Sv,
        lang,
    })
}

/// An indicator's comparison values for everyone (not for one grade) as chart lines, one per
/// label.
fn comparison_lines(
    values: &[crate::entities::comparison_value::Model],
    indicator: &str,
) -> Vec<ComparisonLine> {
    let mut lines: std::collections::BTreeMap<&str, Vec<(i32, f64)>> = Default::default();
    for c in values
        .iter()
        .filter(|c| c.indicator_id == indicator && c.domain.is_empty())
    {
        lines.entry(&c.label).or_default().push((c.period, c.value));
    }
    lines
        .into_iter()
        .map(|(label, values)| ComparisonLine {
            label: label.to_owned(),
            values,
        })
        .collect()
}
