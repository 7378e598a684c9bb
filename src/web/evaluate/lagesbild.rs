//! The lägesbild (`/evaluate/lagesbild`), for evaluators and admins: per priority area of the
//! agreement, the surveys' indicators (latest published wave and its change) beside the
//! lägesbild measures the agreement names — reported crime per 100,000 from Kolada, the
//! municipality against the country over the years — then the fault reports per month and
//! category (the season visible) and per district, and where every figure comes from.

use std::collections::BTreeMap;

use axum::extract::State;
use maud::{Markup, html};

use super::overview::{Judged, badge};
use crate::entities::{source_import, source_measure, source_value};
use crate::evaluate::areas::AreaIndicator;
use crate::evaluate::words::{difference_text, verdict_text, wave_text};
use crate::i18n::Lang;
use crate::survey::Statistic;
use crate::web::extract::PageCtx;
use crate::web::views::charts::{
    ComparisonLine, LineChart, MonthColumns, line_chart, month_columns,
};
use crate::web::views::layout;
use crate::web::{AppError, AppState};

/// The country's code in Kolada and SCB.
const COUNTRY: &str = "0000";

pub(super) async fn page(ctx: PageCtx, State(state): State<AppState>) -> Result<Markup, AppError> {
    let areas =
        crate::evaluate::areas::areas(&state.db, &state.surveys, &state.agreements, None).await?;
    let agreement = areas
        .agreement
        .as_deref()
        .and_then(|id| state.agreements.get(id));
    let measures = crate::store::sources::measures(&state.db).await?;
    let kolada = crate::store::sources::values(&state.db, "kolada/").await?;
    let faults = crate::store::sources::values(&state.db, "felanmalan/").await?;
    let imports = crate::store::sources::imports(&state.db).await?;
    let municipality = state.settings.municipality.clone().or_else(|| {
        let mut codes: Vec<&str> = kolada
            .iter()
            .map(|v| v.area.as_str())
            .filter(|a| *a != COUNTRY)
            .collect();
        codes.sort_unstable();
        codes.dedup();
        (codes.len() == 1).then(|| codes[0].to_owned())
    });
    let title = ctx.t("Lägesbild", "Situation picture");
    let provenance = Provenance { imports: &imports };
    Ok(layout(
        &ctx,
        title,
        html! {
            h1 { (title) }
            p class="lead" { (ctx.t(
                "Enkäterna sida vid sida med polisanmälda brott och kommunens felanmälningar, per prioriterat område. Varje siffra med sin källa och period.",
                "The surveys side by side with police-reported crime and the municipality's fault reports, per priority area. Every figure with its source and period."
            )) }
            @if let Some(a) = agreement {
                p { (ctx.t("Områdena är överenskommelsens:", "The areas are those of the agreement:")) " "
                    a href=(format!("/evaluate/agreements/{}", a.id)) { (a.title.get(ctx.lang)) } "." }
            }
            @if imports.is_empty() {
                div class="warning" role="note" {
                    p { (ctx.t(
                        "Inga källor är inlästa ännu. Läs in Kolada-svar, felanmälningar eller andra serier med kommandot trygg sources import --file FIL.",
                        "No sources are imported yet. Import Kolada answers, fault reports or other series with the command trygg sources import --file FILE."
                    )) }
                }
            }
            @for area in &areas.areas {
                @let named: Vec<String> = agreement.and_then(|a| a.area(&area.id)).map(|a| a.measures.clone()).unwrap_or_default();
                section aria-labelledby=(format!("area-{}", area.id)) {
                    h2 id=(format!("area-{}", area.id)) { (area.title.get(ctx.lang)) }
                    @if !area.indicators.is_empty() {
                        (indicator_table(&ctx, &area.id, &area.indicators))
                    }
                    @for m in &named {
                        (kolada_measure(&ctx, m, &measures, &kolada, municipality.as_deref(), &provenance))
                    }
                }
            }
            (fault_reports(&ctx, &measures, &faults, &provenance))
            (sources_list(&ctx, &imports))
        },
    ))
}

/// The imports, for the source line under each figure.
struct Provenance<'a> {
    imports: &'a [source_import::Model],
}

impl Provenance<'_> {
    /// "Källa: Kolada (RKA), CC BY 4.0 · 2019–2025 · inläst 7 december 2026" for `values`.
    fn line(&self, lang: Lang, values: &[&source_value::Model]) -> String {
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
            .map(|t| crate::local_time::day_words(t, lang))
            .unwrap_or_default();
        format!(
            "{licence} · {span} · {} {when}",
            lang.pick("inläst", "imported")
        )
    }
}

fn indicator_table(ctx: &PageCtx, area: &str, indicators: &[AreaIndicator]) -> Markup {
    let id = format!("surveys-{area}");
    html! {
        h3 id=(id) { (ctx.t("Enkäterna", "The surveys")) }
        div class="table-wrap" tabindex="0" role="region" aria-labelledby=(id) {
            table class="stack-table" {
                thead { tr {
                    th scope="col" { (ctx.t("Indikator", "Indicator")) }
                    th scope="col" { (ctx.t("Senast", "Latest")) }
                    th scope="col" { (ctx.t("Förändring", "Change")) }
                } }
                tbody {
                    @for i in indicators {
                        @let stat = if i.statistic == "mean" { Statistic::Mean } else { Statistic::Proportion };
                        tr {
                            th scope="row" {
                                a href=(format!("/evaluate/indicators/{}/{}", i.survey, i.indicator)) { (i.title.get(ctx.lang)) }
                            }
                            td data-label=(ctx.t("Senast", "Latest")) { @match &i.latest { Some(w) => { (w.period) ": " (wave_text(ctx.lang, stat, w)) }, None => "–" } }
                            td data-label=(ctx.t("Förändring", "Change")) {
                                @match &i.change {
                                    Some(c) => { (badge(Judged::of_verdict(c.verdict))) " " (verdict_text(ctx.lang, c.verdict)) " (" (difference_text(ctx.lang, stat, c.difference)) ")" },
                                    None => "–",
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn measure_title<'a>(measures: &'a [source_measure::Model], id: &'a str) -> (&'a str, &'a str) {
    measures
        .iter()
        .find(|m| m.id == id)
        .map_or((id, ""), |m| (m.title.as_str(), m.unit.as_str()))
}

fn kolada_measure(
    ctx: &PageCtx,
    id: &str,
    measures: &[source_measure::Model],
    values: &[source_value::Model],
    municipality: Option<&str>,
    provenance: &Provenance,
) -> Markup {
    let (title, unit) = measure_title(measures, id);
    let of = |area: &str| -> Vec<&source_value::Model> {
        values
            .iter()
            .filter(|v| v.measure == id && v.area == area)
            .collect()
    };
    let here = municipality.map(of).unwrap_or_default();
    let country = of(COUNTRY);
    let year = |v: &source_value::Model| v.period.parse::<i32>().ok();
    let points: Vec<crate::web::views::charts::ChartPoint> = here
        .iter()
        .filter_map(|v| {
            Some(crate::web::views::charts::ChartPoint {
                period: year(v)?,
                estimate: Some(v.value),
                low: None,
                high: None,
                hollow: false,
            })
        })
        .collect();
    let riket = ctx.t("Riket", "Sweden");
    let lines = [ComparisonLine {
        label: riket.to_owned(),
        values: country
            .iter()
            .filter_map(|v| Some((year(v)?, v.value)))
            .collect(),
    }];
    let chart_id = format!("m-{}", id.replace('/', "-"));
    let description = ctx.t(
        "Kommunen som heldragen linje, riket som streckad linje med fyrkanter.",
        "The municipality as a solid line, the country as a dashed line with squares.",
    );
    let all: Vec<&source_value::Model> = here.iter().chain(country.iter()).copied().collect();
    html! {
        h3 { (title) @if !unit.is_empty() { span class="muted" { " (" (unit) ")" } } }
        @if here.is_empty() && country.is_empty() {
            p class="muted" { (ctx.t("Inga siffror inlästa för", "No figures imported for")) " " code { (id) } "." }
        } @else {
            figure class="lagesbild-chart" {
                (line_chart(&LineChart {
                    id: &chart_id,
                    title,
                    description,
                    points: &points,
                    comparisons: &lines,
                    decimal_comma: ctx.lang == Lang::Sv,
                    lang: ctx.lang,
                    ..LineChart::default()
                }))
                figcaption {
                    (ctx.t("Kommunen", "The municipality")) @if let Some(m) = municipality { " (" (m) ")" } " " (ctx.t("och riket.", "and the country."))
                    " " span class="muted small" { (provenance.line(ctx.lang, &all)) }
                }
            }
            details {
                summary { (ctx.t("Siffrorna", "The figures")) }
                div class="table-wrap" {
                    table {
                        thead { tr { th scope="col" { (ctx.t("År", "Year")) } th scope="col" { (ctx.t("Kommunen", "Municipality")) } th scope="col" { (riket) } } }
                        tbody {
                            @for p in &points {
                                tr {
                                    th scope="row" { (p.period) }
                                    td { (ctx.lang.decimal(p.estimate.unwrap_or_default(), 1)) }
                                    td { @match lines[0].values.iter().find(|(y, _)| *y == p.period) { Some((_, v)) => (ctx.lang.decimal(*v, 1)), None => "–" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn fault_reports(
    ctx: &PageCtx,
    measures: &[source_measure::Model],
    values: &[source_value::Model],
    provenance: &Provenance,
) -> Markup {
    let mut by_measure: BTreeMap<&str, BTreeMap<&str, f64>> = BTreeMap::new();
    let mut by_district: BTreeMap<&str, BTreeMap<&str, f64>> = BTreeMap::new();
    let last_month = values.iter().map(|v| v.period.as_str()).max().unwrap_or("");
    let year_before = previous_year(last_month);
    for v in values {
        *by_measure
            .entry(&v.measure)
            .or_default()
            .entry(&v.period)
            .or_insert(0.0) += v.value;
        if v.period.as_str() > year_before.as_str() {
            *by_district
                .entry(&v.area)
                .or_default()
                .entry(&v.measure)
                .or_insert(0.0) += v.value;
        }
    }
    let all: Vec<&source_value::Model> = values.iter().collect();
    html! {
        section aria-labelledby="faults-h" {
            h2 id="faults-h" { (ctx.t("Felanmälningar", "Fault reports")) }
            @if values.is_empty() {
                p class="muted" { (ctx.t("Inga felanmälningar inlästa.", "No fault reports imported.")) }
            } @else {
                p class="muted small" { (provenance.line(ctx.lang, &all)) }
                div class="public-cards" {
                    @for (measure, months) in &by_measure {
                        @let (title, _) = measure_title(measures, measure);
                        @let months: Vec<(String, f64)> = months.iter().map(|(m, v)| ((*m).to_owned(), *v)).collect();
                        figure class="lagesbild-chart" {
                            (month_columns(&MonthColumns {
                                id: &format!("f-{}", measure.replace('/', "-")),
                                title,
                                description: ctx.t("Antal per månad, alla stadsdelar.", "Count per month, every district."),
                                months: &months,
                                lang: ctx.lang,
                            }))
                            figcaption { (title) ": " (ctx.t("antal per månad", "count per month")) }
                        }
                    }
                }
                h3 id="districts-h" { (ctx.t("Per stadsdel, de senaste tolv månaderna", "Per district, the last twelve months")) }
                div class="table-wrap" tabindex="0" role="region" aria-labelledby="districts-h" {
                    table {
                        thead { tr {
                            th scope="col" { (ctx.t("Stadsdel", "District")) }
                            @for measure in by_measure.keys() {
                                th scope="col" { (measure_title(measures, measure).0.trim_start_matches("Felanmälningar: ")) }
                            }
                        } }
                        tbody {
                            @for (district, counts) in &by_district {
                                tr {
                                    th scope="row" { (district) }
                                    @for measure in by_measure.keys() {
                                        td { (ctx.lang.number(counts.get(measure).copied().unwrap_or(0.0) as i128)) }
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

/// The month a year before `YYYY-MM` (the twelve months after it end with it).
fn previous_year(month: &str) -> String {
    match month.get(..4).and_then(|y| y.parse::<i32>().ok()) {
        Some(y) => format!("{}{}", y - 1, month.get(4..).unwrap_or("")),
        None => String::new(),
    }
}

fn sources_list(ctx: &PageCtx, imports: &[source_import::Model]) -> Markup {
    html! {
        section aria-labelledby="sources-h" {
            h2 id="sources-h" { (ctx.t("Källor", "Sources")) }
            @if imports.is_empty() {
                p class="muted" { "–" }
            } @else {
                ul {
                    @for i in imports {
                        li {
                            (i.file_name) " – " (i.licence) ". "
                            (ctx.t("Inläst", "Imported")) " " (crate::local_time::readable(i.imported_at, ctx.lang))
                            " " (ctx.t("av", "by")) " " (i.imported_by) "; "
                            (ctx.lang.number(i128::from(i.stored))) " " (ctx.t("värden sparade", "values stored")) "."
                        }
                    }
                }
            }
        }
    }
}
