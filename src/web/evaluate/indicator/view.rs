//! Markup of an indicator's page: in brief, what the figures rest on, per grade, over time, by
//! background, comparisons (with their form), what went into each wave, and the downloads.

use maud::{Markup, html};

use super::{
    ComparisonForm, GROUP, IndicatorData, LABEL, SOURCE, StandingRow, VALUE, YEAR,
    bars_description, breakdown_bars, breakdown_slug, breakdowns, whole_label,
};
use crate::evaluate::Titles;
use crate::evaluate::WaveIndicators;
use crate::evaluate::areas::HeadlineFigure;
use crate::evaluate::compare::detectable_change;
use crate::evaluate::headline::HeadlineRow;
use crate::evaluate::series::DomainSeries;
use crate::evaluate::words::{
    self, ComparisonFact, amount_text, difference_text, p_text, standing_text, value_with_unit,
    verdict_text, wave_text,
};
use crate::stats::Flag;
use crate::survey::{Better, Statistic};
use crate::web::evaluate::overview::view::marks_words;
use crate::web::evaluate::unreliable;
use crate::web::evaluate::view::series_chart;
use crate::web::extract::PageCtx;
use crate::web::markup::charts::{BarChart, ComparisonLine, Reference, interval_bars, legend};
use crate::web::markup::forms::FormErrors;
use crate::web::markup::{csrf_field, layout};

/// The indicator's page; `form` and `errors` are the comparison form's, refused or empty.
pub fn page(
    ctx: &PageCtx,
    data: &IndicatorData,
    form: &ComparisonForm,
    errors: &FormErrors,
) -> Markup {
    let survey = data.survey;
    let indicator = data.indicator;
    let title = indicator.title.get(ctx.lang);
    let standings = data.standings();
    let base = format!("/evaluate/indicators/{}/{}", survey.id, indicator.id);
    let current = data.current();
    let wave_query = current
        .map(|c| format!("?wave={}", c.wave.slug))
        .unwrap_or_default();
    // The headline groups (grades), when the questionnaire leads with them.
    let heads: Vec<HeadlineRow> = if survey.headline_by.is_some() {
        crate::evaluate::headline::rows(survey, indicator, &data.waves)
            .into_iter()
            .filter(|h| !h.key.is_empty())
            .collect()
    } else {
        Vec::new()
    };
    layout(
        ctx,
        &errors.title(ctx, title),
        html! {
            (errors.summary(ctx))
            (heading(ctx, data, title))
            @if let (Some(overall), Some(current)) = (&data.overall, current) {
                (findings(ctx, data, overall, current, &standings))
                (meaning_section(ctx, data))
                @if !heads.is_empty() {
                    (grades_section(ctx, data, overall, &heads))
                }
                (series_section(ctx, data, overall, !heads.is_empty(), (&base, &wave_query)))
                (breakdowns_section(ctx, data, current, (&base, &wave_query)))
            }
            (comparisons_section(ctx, data, &standings, (form, errors), &base))
            @if current.is_some() {
                (method_section(ctx, data))
            }
            (downloads_section(ctx, data, &base, &wave_query))
        },
    )
}

/// The way back, the title, the questionnaire, the priority area, which way is better and the
/// target.
fn heading(ctx: &PageCtx, data: &IndicatorData, title: &str) -> Markup {
    let (survey, indicator) = (data.survey, data.indicator);
    let statistic = indicator.statistic;
    html! {
        p { a href=(format!("/evaluate?survey={}", survey.id)) { (ctx.t("Tillbaka till översikten", "Back to the overview")) } }
        h1 { (title) }
        p class="muted" {
            (survey.title.get(ctx.lang)) " · " (indicator.priority_area.title(ctx.lang)) " · "
            (match indicator.better { Better::Lower => ctx.t("lägre är bättre", "lower is better"), Better::Higher => ctx.t("högre är bättre", "higher is better") })
            @if let Some(t) = indicator.target {
                " · " (ctx.t("mål", "target")) " " (value_with_unit(ctx.lang, statistic, t))
            }
        }
    }
}

/// "In brief": the sentences the tests allow, with the first comparison that can be judged.
fn findings(
    ctx: &PageCtx,
    data: &IndicatorData,
    overall: &DomainSeries,
    current: &WaveIndicators,
    standings: &[(ComparisonLine, Option<StandingRow>)],
) -> Markup {
    let indicator = data.indicator;
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
    html! {
        section class="findings" aria-labelledby="findings-h" {
            h2 id="findings-h" { (ctx.t("I korthet", "In brief")) }
            @for sentence in words::sentences(ctx.lang, indicator, overall, &current.wave.slug, first_fact.as_ref()) {
                p { (sentence) }
            }
        }
    }
}

/// The grades apart (the questionnaire leads with them): a table over the waves and each
/// grade's trend.
fn grades_section(
    ctx: &PageCtx,
    data: &IndicatorData,
    overall: &DomainSeries,
    heads: &[HeadlineRow],
) -> Markup {
    let statistic = data.indicator.statistic;
    html! {
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
                        @for h in heads { th scope="col" { (h.label.get(ctx.lang)) } }
                    } }
                    tbody {
                        @for (i, w) in overall.waves.iter().enumerate() {
                            tr {
                                th scope="row" { (w.period) }
                                @for h in heads {
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
            @for h in heads {
                @if let Some(t) = &h.series.trend {
                    p { strong { (h.label.get(ctx.lang)) } ": " (ctx.t("trend", "trend")) " "
                        (t.periods.first().cloned().unwrap_or_default()) "–" (t.periods.last().cloned().unwrap_or_default()) " "
                        (difference_text(ctx.lang, statistic, t.slope)) " " (ctx.t("per år", "per year"))
                        " (" (p_text(ctx.lang, t.p)) ") – " (verdict_text(ctx.lang, t.verdict)) "." }
                }
            }
        }
    }
}

/// The series over the waves: the chart, the trend, and the table with the changes and the
/// comparison values.
fn series_section(
    ctx: &PageCtx,
    data: &IndicatorData,
    overall: &DomainSeries,
    grades_apart: bool,
    (base, wave_query): (&str, &str),
) -> Markup {
    let indicator = data.indicator;
    let statistic = indicator.statistic;
    let lines = data.lines();
    html! {
        section aria-labelledby="series-h" {
            h2 id="series-h" {
                (ctx.t("Över tid", "Over time"))
                @if grades_apart { " – " (ctx.t("alla elever tillsammans", "all pupils together")) }
            }
            div class="series-chart" {
                (series_chart(ctx, "series", indicator, overall, &lines))
                (legend(ctx.lang, indicator.target.is_some(), &lines))
                (chart_links(ctx, &format!("{base}/chart"), wave_query, ctx.t("diagrammet över tid", "the chart over time")))
            }
            @if let Some(t) = &overall.trend {
                p { (ctx.t("Trend över", "Trend over")) " " (t.waves) " " (ctx.t("stängda omgångar", "closed waves"))
                    @if let (Some(first), Some(last)) = (t.periods.first(), t.periods.last()) { " (" (first) "–" (last) ")" }
                    @let marked: Vec<String> = overall.waves.iter().filter(|w| t.periods.contains(&w.period) && !w.marks.is_empty()).map(|w| format!("{} ({})", w.period, marks_words(ctx.lang, &w.marks))).collect();
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
                                td { (w.slug) @if !w.marks.is_empty() { " " span class="mark" { "⚑ " (marks_words(ctx.lang, &w.marks)) } } }
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
    }
}

/// The chosen wave by each breakdown, as interval bars with the whole municipality as a line.
fn breakdowns_section(
    ctx: &PageCtx,
    data: &IndicatorData,
    current: &WaveIndicators,
    (base, wave_query): (&str, &str),
) -> Markup {
    let (survey, indicator) = (data.survey, data.indicator);
    let statistic = indicator.statistic;
    let percent = statistic == Statistic::Proportion;
    html! {
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
                    (chart_links(ctx, &format!("{base}/by/{}/chart", breakdown_slug(keys)), wave_query, heading))
                }
            }
        }
    }
}

/// The downloads: the workbook, the CSV files and the API's JSON.
fn downloads_section(ctx: &PageCtx, data: &IndicatorData, base: &str, wave_query: &str) -> Markup {
    let current = data.current();
    let api = format!(
        "/api/v1/surveys/{}/indicators/{}/series",
        data.survey.id, data.indicator.id
    );
    html! {
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
    }
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

/// Comparison values an evaluator enters (a national figure, say): the latest wave judged
/// against them, per grade where the grades are apart, every value entered, and the form.
fn comparisons_section(
    ctx: &PageCtx,
    data: &IndicatorData,
    standings: &[(ComparisonLine, Option<StandingRow>)],
    (form, errors): (&ComparisonForm, &FormErrors),
    base: &str,
) -> Markup {
    let groups = crate::evaluate::headline::groups(data.survey);
    let per_group: Vec<HeadlineFigure> = if groups.len() > 1 {
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
    html! {
        section aria-labelledby="comparisons-h" {
            h2 id="comparisons-h" { (ctx.t("Jämförelser", "Comparisons")) }
            p { (ctx.t(
                "Jämförelsevärden, till exempel riket eller länet, från en källa du anger. Kommunens värde bedöms som bättre eller sämre bara när jämförelsevärdet ligger utanför kommunens 95-procentiga intervall, annars likartat.",
                "Comparison values, for example Sweden or the county, from a source you name. The municipality's value is judged better or worse only when the comparison value lies outside its 95 % interval, otherwise similar."
            )) }
            @if !standings.is_empty() {
                (standings_table(ctx, data, standings))
            }
            @if !per_group.is_empty() {
                (grades_table(ctx, data.indicator.statistic, &per_group))
            }
            @if !data.comparisons.is_empty() {
                (entered_values(ctx, data, groups.len() > 1, base))
            }
            (comparison_form(ctx, data, &groups, (form, errors), base))
        }
    }
}

/// The chosen wave's overall value against each comparison line.
fn standings_table(
    ctx: &PageCtx,
    data: &IndicatorData,
    standings: &[(ComparisonLine, Option<StandingRow>)],
) -> Markup {
    let statistic = data.indicator.statistic;
    let our = data.current().and_then(|c| {
        data.overall
            .as_ref()?
            .waves
            .iter()
            .find(|w| w.slug == c.wave.slug)
    });
    html! {
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
}

/// Per grade, the latest wave against the comparison values for the same grade.
fn grades_table(ctx: &PageCtx, statistic: Statistic, per_group: &[HeadlineFigure]) -> Markup {
    html! {
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
                @for h in per_group {
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
}

/// Every value entered, each with its remove button.
fn entered_values(ctx: &PageCtx, data: &IndicatorData, grouped: bool, base: &str) -> Markup {
    let statistic = data.indicator.statistic;
    html! {
        details {
            summary { (ctx.t("Alla inmatade värden", "Every value entered")) " (" (data.comparisons.len()) ")" }
            div class="table-wrap" tabindex="0" role="region" aria-labelledby="comparisons-h" { table {
                thead { tr {
                    th scope="col" { (ctx.t("Jämförelse", "Comparison")) }
                    @if grouped { th scope="col" { (ctx.t("Gäller", "For")) } }
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
                            @if grouped { td { (crate::evaluate::headline::group_name(data.survey, &c.domain, ctx.lang)) } }
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
}

/// The form that adds a comparison value (or replaces one of the same label and year).
fn comparison_form(
    ctx: &PageCtx,
    data: &IndicatorData,
    groups: &[(String, Titles)],
    (form, errors): (&ComparisonForm, &FormErrors),
    base: &str,
) -> Markup {
    let statistic = data.indicator.statistic;
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
        h3 id="comparison-form-h" { (ctx.t("Lägg till ett jämförelsevärde", "Add a comparison value")) }
        form method="post" action=(format!("{base}/comparisons")) class="stack" aria-labelledby="comparison-form-h" {
            (csrf_field(ctx))
            @if groups.len() > 1 {
                div class=(errors.field_class(GROUP)) {
                    label for=(GROUP) { (ctx.t("Gäller", "For")) }
                    span class="hint" id="comparison-group-hint" { (ctx.t("CAN och Ungdata redovisar årskurserna var för sig: ange värdet för samma årskurs.", "CAN and Ungdata report the grades apart: enter the value for the same grade.")) }
                    (errors.at_field(ctx, GROUP))
                    select id=(GROUP) name="group" aria-describedby=[errors.described_by(GROUP, Some("comparison-group-hint"))] {
                        @for (key, name) in groups {
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
