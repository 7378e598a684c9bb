//! Markup the evaluators' pages share, and the annual report and the public page with them: how
//! to read the figures, and a series of estimates as a line chart.

use maud::{Markup, html};

use super::unreliable;
use crate::evaluate::series::DomainSeries;
use crate::evaluate::words::wave_text;
use crate::i18n::Lang;
use crate::survey::{Indicator, Statistic};
use crate::web::extract::PageCtx;
use crate::web::markup::charts::{ChartPoint, ComparisonLine, LineChart, line_chart};

pub(super) fn how_to_read(ctx: &PageCtx) -> Markup {
    html! {
        details class="help" {
            summary { (ctx.t("Så läser du siffrorna", "How to read the figures")) }
            (reading_notes(ctx.lang))
        }
    }
}

/// How to read the figures: intervals, certain changes, hollow points, dashes and "..".
pub(super) fn reading_notes(lang: Lang) -> Markup {
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

/// An indicator's overall series as a line chart, its figures in words as the description.
pub(super) fn series_chart(
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
pub(in crate::web) fn chart_of_series(
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
