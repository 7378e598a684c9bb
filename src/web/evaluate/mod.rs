//! Evaluators' dashboard (`/evaluate`): per priority area of the action plan, every indicator of
//! the chosen survey with its value and interval in words, n, a chart over the waves, the change
//! since the wave before as the test decides it, the trend, the target status and marks for
//! unreliable or suppressed estimates. Everything is read from the stored results of `evaluate`.

mod downloads;
mod indicator;
mod xlsx;

use axum::extract::{Query, State};
use maud::{Markup, html};
use serde::Deserialize;

use super::extract::PageCtx;
use super::views::charts::{ChartPoint, ComparisonLine, LineChart, line_chart};
use super::views::layout;
use super::{AppError, AppState, EVALUATORS, Routes};
use crate::evaluate::WaveIndicators;
use crate::evaluate::series::{self, DomainSeries};
use crate::evaluate::words::{
    difference_text, standing_text, value_text, value_with_unit, verdict_text, wave_text,
};
use crate::i18n::Lang;
use crate::stats::Flag;
use crate::stats::trend::TargetStatus;
use crate::survey::{Better, Indicator, PriorityArea, Statistic};

pub fn routes() -> Routes {
    Routes::default()
        .get("/evaluate", EVALUATORS, overview)
        .merge(indicator::routes())
}

#[derive(Debug, Deserialize)]
struct Pick {
    survey: Option<String>,
    wave: Option<String>,
}

async fn overview(
    ctx: PageCtx,
    State(state): State<AppState>,
    Query(pick): Query<Pick>,
) -> Result<Markup, AppError> {
    let surveys: Vec<_> = state
        .surveys
        .iter()
        .filter(|l| !l.survey.indicators.is_empty())
        .collect();
    let title = ctx.t(
        "Uppföljning per prioriterat område",
        "Follow-up by priority area",
    );
    let chosen = pick
        .survey
        .as_deref()
        .and_then(|id| surveys.iter().find(|l| l.survey.id == id))
        .or(surveys.first());
    let Some(loaded) = chosen else {
        return Ok(layout(
            &ctx,
            title,
            html! { h1 { (title) } p { (ctx.t("Inga enkäter har indikatorer.", "No questionnaire has indicators.")) } },
        ));
    };
    let survey = &loaded.survey;
    let (waves, upto) = waves_until(&state, &survey.id, pick.wave.as_deref()).await?;
    let shown: &[WaveIndicators] = &waves[..upto];
    let current = shown.last();
    let comparisons = crate::store::comparisons::for_survey(&state.db, &survey.id).await?;
    let collecting = collecting(&state, &survey.id, ctx.lang).await?;
    Ok(layout(
        &ctx,
        title,
        html! {
            h1 { (title) }
            ul class="see-also" {
                li { a href="/evaluate/plan" { (ctx.t("Åtgärdsplanen: insatserna och deras uppföljning", "The action plan: the interventions and their follow-up")) } }
                li { a href="/evaluate/report" { (ctx.t("Årlig uppföljning: rapporten per år, som PDF", "Annual evaluation: the report per year, as PDF")) } }
            }
            form method="get" action="/evaluate" class="picker" {
                div class="field" {
                    label for="survey" { (ctx.t("Enkät", "Survey")) }
                    select id="survey" name="survey" {
                        @for l in &surveys {
                            option value=(l.survey.id) selected[l.survey.id == survey.id] { (l.survey.title.get(ctx.lang)) }
                        }
                    }
                }
                @if !waves.is_empty() && pick.survey.as_deref().is_none_or(|s| s == survey.id) {
                    div class="field" {
                        label for="wave" { (ctx.t("Omgång", "Wave")) }
                        select id="wave" name="wave" {
                            @for w in &waves {
                                option value=(w.wave.slug) selected[current.is_some_and(|c| c.wave.slug == w.wave.slug)] {
                                    (w.wave.period) " – " (w.wave.slug)
                                }
                            }
                        }
                    }
                }
                button type="submit" class="secondary" { (ctx.t("Visa", "Show")) }
            }
            @for (name, responses) in &collecting {
                p class="notice" {
                    (name) " " (ctx.t("pågår", "is open")) ": "
                    (ctx.lang.number(i128::from(*responses))) " " (ctx.t("svar hittills", "responses so far")) ". "
                    (ctx.t(
                        "Siffrorna publiceras när omgången har stängt; innan dess skulle varje nytt svar gå att läsa ut ur hur siffrorna ändras.",
                        "Its figures are published once it has closed; before that, each new answer could be read off how the figures change."
                    ))
                }
            }
            @match current {
                None => p { (ctx.t(
                    "Enkäten har inga omgångar med svar ännu.",
                    "The survey has no waves with responses yet."
                )) }
                Some(wave) => {
                    (about_wave(&ctx, wave))
                    (how_to_read(&ctx))
                    @for area in PriorityArea::ALL {
                        @let indicators: Vec<&Indicator> = survey.indicators.iter().filter(|i| i.priority_area == area).collect();
                        @if !indicators.is_empty() {
                            section aria-labelledby=(format!("area-{}", area.id())) {
                                h2 id=(format!("area-{}", area.id())) { (area.title(ctx.lang)) }
                                @for indicator in indicators {
                                    (indicator_card(&ctx, &survey.id, indicator, shown, wave, &comparison_lines(&comparisons, &indicator.id)))
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

fn about_wave(ctx: &PageCtx, wave: &WaveIndicators) -> Markup {
    let w = &wave.wave;
    html! {
        p class="lead" {
            (ctx.t("Omgång", "Wave")) " " strong { (w.slug) } " (" (w.period) "): "
            (ctx.lang.number(i128::from(w.method.responses))) " " (ctx.t("svar", "responses"))
            @if w.method.unreliable > 0 {
                ", " (w.method.unreliable) " " (ctx.t("utelämnade som opålitliga", "left out as unreliable"))
            }
            @if w.method.calibration == "poststratify" {
                ", " (ctx.t("vägda till befolkningen", "weighted to the population"))
            }
            ". " (ctx.t("Publicerad", "Published")) " " (w.published) "."
        }
    }
}

fn how_to_read(ctx: &PageCtx) -> Markup {
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

/// The survey's waves that are open now, by name, with how many have answered: all an open wave
/// shows.
async fn collecting(
    state: &AppState,
    survey_id: &str,
    lang: Lang,
) -> Result<Vec<(String, u64)>, AppError> {
    let mut out = Vec::new();
    for wave in crate::store::waves::list(&state.db).await? {
        if wave.survey_id == survey_id && wave.state() == crate::collect::WaveState::Open {
            let responses = crate::store::waves::response_count(&state.db, &wave.id).await?;
            out.push((super::audit::wave_name(state, &wave, lang), responses));
        }
    }
    Ok(out)
}

/// The survey's waves in period order, and how many of them lead up to the chosen one
/// (`?wave=`, or the latest when none or another survey's is asked for).
async fn waves_until(
    state: &AppState,
    survey_id: &str,
    wave: Option<&str>,
) -> Result<(Vec<WaveIndicators>, usize), AppError> {
    let mut waves =
        crate::evaluate::areas::survey_waves(&state.db, &state.surveys, survey_id).await?;
    waves.sort_by_key(|w| {
        (
            w.wave.period.parse::<i32>().unwrap_or(0),
            w.wave.published.clone(),
        )
    });
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
        .filter_map(|w| {
            Some(ChartPoint {
                period: w.period.parse().ok()?,
                estimate: w.estimate,
                low: w.ci_low,
                high: w.ci_high,
                hollow: unreliable(&w.flags),
            })
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

/// An indicator's comparison values as chart lines, one per label.
fn comparison_lines(
    values: &[crate::entities::comparison_value::Model],
    indicator: &str,
) -> Vec<ComparisonLine> {
    let mut lines: std::collections::BTreeMap<&str, Vec<(i32, f64)>> = Default::default();
    for c in values.iter().filter(|c| c.indicator_id == indicator) {
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

fn indicator_card(
    ctx: &PageCtx,
    survey_id: &str,
    indicator: &Indicator,
    waves: &[WaveIndicators],
    current: &WaveIndicators,
    lines: &[ComparisonLine],
) -> Markup {
    let built = series::build(survey_id, indicator, waves, None);
    let empty = DomainSeries {
        domain: Default::default(),
        waves: Vec::new(),
        changes: Vec::new(),
        change: None,
        trend: None,
        trend_note: None,
        verdict: None,
        target_status: None,
    };
    let overall = built.series.first().unwrap_or(&empty);
    let latest = overall.waves.iter().find(|w| w.slug == current.wave.slug);
    let change = overall.changes.iter().find(|c| c.to == current.wave.slug);
    let id = format!("chart-{survey_id}-{}", indicator.id);
    let title = indicator.title.get(ctx.lang);
    let better = match indicator.better {
        Better::Lower => ctx.t("lägre är bättre", "lower is better"),
        Better::Higher => ctx.t("högre är bättre", "higher is better"),
    };
    html! {
        article class="indicator" aria-labelledby=(format!("{id}-h")) {
            h3 id=(format!("{id}-h")) {
                a href=(format!("/evaluate/indicators/{survey_id}/{}?wave={}", indicator.id, current.wave.slug)) { (title) }
            }
            div class="indicator-body" {
                div class="indicator-facts" {
                    @match latest {
                        Some(w) if w.estimate.is_some() => {
                            p class="value" {
                                strong { (wave_text(ctx.lang, indicator.statistic, w)) }
                                " " span class="muted" { "n = " (w.n.map(|n| ctx.lang.number(i128::from(n))).unwrap_or_default()) }
                                @if unreliable(&w.flags) {
                                    " " span class="flag" { "⚠ " (ctx.t("osäker skattning", "uncertain estimate")) }
                                }
                            }
                        }
                        _ => p class="value" {
                            strong { ".." } " "
                            span class="muted" { (ctx.t("visas inte, för att ingen ska kunna kännas igen", "not shown, so that nobody can be recognised")) }
                        }
                    }
                    p class="change" {
                        @match change {
                            Some(c) => {
                                @let words = match (c.significant, c.difference < 0.0) {
                                    (true, true) => ctx.t("signifikant lägre än", "significantly lower than"),
                                    (true, false) => ctx.t("signifikant högre än", "significantly higher than"),
                                    (false, _) => ctx.t("ingen säker förändring sedan", "no certain change since"),
                                };
                                (words) " " (c.from_period)
                                " (" (difference_text(ctx.lang, indicator.statistic, c.difference)) ")"
                                @if c.significant { " – " strong { (verdict_text(ctx.lang, c.verdict)) } }
                            }
                            None => (ctx.t("ingen tidigare omgång att jämföra med", "no earlier wave to compare with")),
                        }
                    }
                    @if let Some(t) = &overall.trend {
                        p class="trend" {
                            (ctx.t("Trend", "Trend")) " " (t.waves) " " (ctx.t("omgångar", "waves")) ": "
                            (difference_text(ctx.lang, indicator.statistic, t.slope)) " " (ctx.t("per år", "per year"))
                            " – " (verdict_text(ctx.lang, t.verdict))
                        }
                    }
                    @if let Some(target) = indicator.target {
                        p class="target" {
                            (ctx.t("Mål", "Target")) " " (value_text(ctx.lang, indicator.statistic, target))
                            @if indicator.statistic == Statistic::Proportion { "\u{a0}%" }
                            ": "
                            (match overall.target_status {
                                Some(TargetStatus::Met) => ctx.t("nått", "met"),
                                Some(TargetStatus::NotMet) => ctx.t("inte nått", "not met"),
                                Some(TargetStatus::Inconclusive) => ctx.t("oklart (målet ligger inom intervallet)", "inconclusive (the target lies within the interval)"),
                                None => ctx.t("ingen siffra att jämföra", "no figure to compare"),
                            })
                        }
                    }
                    @if let Some(w) = latest {
                        @for line in lines {
                            @if let (Some((year, value)), Ok(period), Some(lo), Some(hi)) = (crate::evaluate::compare::value_for(&line.values, w.period.parse().unwrap_or(0)), w.period.parse::<i32>(), w.ci_low, w.ci_high) {
                                p class="comparison" {
                                    (line.label) " " (year) ": " (value_with_unit(ctx.lang, indicator.statistic, value)) " – "
                                    strong { (standing_text(ctx.lang, crate::evaluate::compare::standing(lo, hi, value, indicator.better))) }
                                    @if year != period { " " span class="muted" { "(" (ctx.t("senaste jämförelsevärdet", "latest comparison value")) ")" } }
                                }
                            }
                        }
                    }
                    p class="muted" { (better) }
                }
                figure class="indicator-chart" {
                    (series_chart(ctx, &id, indicator, overall, lines))
                    details {
                        summary { (ctx.t("Siffrorna i tabell", "The figures as a table")) }
                        div class="table-wrap" {
                            table {
                                caption class="visually-hidden" { (title) }
                                thead { tr {
                                    th scope="col" { (ctx.t("År", "Year")) }
                                    th scope="col" { (ctx.t("Värde (95 % intervall)", "Value (95 % interval)")) }
                                    th scope="col" { "n" }
                                } }
                                tbody {
                                    @for w in &overall.waves {
                                        tr {
                                            th scope="row" { (w.period) }
                                            td { (wave_text(ctx.lang, indicator.statistic, w)) }
                                            td { (w.n.map(|n| ctx.lang.number(i128::from(n))).unwrap_or_else(|| "..".into())) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
