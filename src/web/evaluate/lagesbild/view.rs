//! Markup of the lägesbild: the page, a district's page, and the section of the annual report;
//! the problem chains and dialogues the input pages show too.

use maud::{Markup, html};

use crate::agreement::AgreementCatalog;
use crate::evaluate::areas::AreaIndicator;
use crate::evaluate::lagesbild::{
    ChainIntervention, DialogueRow, District, Faults, Lagesbild, MeasureSeries, ProblemChain,
};
use crate::evaluate::words::{difference_text, verdict_text, wave_text};
use crate::i18n::Lang;
use crate::sources::dialogues::DialogueKind;
use crate::survey::Statistic;
use crate::web::evaluate::overview::view::{Judged, badge};
use crate::web::extract::PageCtx;
use crate::web::markup::charts::{
    ChartPoint, ComparisonLine, LineChart, MonthColumns, line_chart, month_columns,
};
use crate::web::markup::layout;

/// The lägesbild page: per priority area the indicators, measures, problems and what the
/// dialogues raised, then the districts, the fault reports, the dialogues and the sources.
pub fn page(ctx: &PageCtx, agreements: &AgreementCatalog, l: &Lagesbild) -> Markup {
    let title = ctx.t("Lägesbild", "Situation picture");
    layout(
        ctx,
        title,
        html! {
            h1 { (title) }
            p class="lead" { (ctx.t(
                "Enkäterna sida vid sida med polisanmälda brott, kommunens felanmälningar och vad dialogerna tog upp, per prioriterat område och per stadsdel. Varje siffra med sin källa och period.",
                "The surveys side by side with police-reported crime, the municipality's fault reports and what the dialogues raised, per priority area and per district. Every figure with its source and period."
            )) }
            @if let Some(a) = l.agreement.as_deref().and_then(|id| agreements.get(id)) {
                p { (ctx.t("Områdena är överenskommelsens:", "The areas are those of the agreement:")) " "
                    a href=(format!("/evaluate/agreements/{}", a.id)) { (a.title.get(ctx.lang)) } "." }
            }
            nav aria-label=(ctx.t("Lägesbildens delar", "Parts of the situation picture")) {
                ul class="inline-links" {
                    li { a href="/evaluate/lagesbild/import" { (ctx.t("Läs in en källa", "Import a source")) } }
                    li { a href="/evaluate/lagesbild/dialogues" { (ctx.t("Dialoger", "Dialogues")) } }
                    li { a href="/evaluate/lagesbild/problems" { (ctx.t("Problembild och orsaker", "Problems and causes")) } }
                    li { a href="/evaluate/lagesbild.xlsx" download { (ctx.t("Ladda ner (Excel)", "Download (Excel)")) } }
                }
            }
            @if l.sources.is_empty() {
                div class="warning" role="note" {
                    p { (ctx.t(
                        "Inga källor är inlästa ännu. Läs in Kolada-svar, felanmälningar eller andra serier på sidan Läs in en källa, eller med kommandot trygg sources import --file FIL.",
                        "No sources are imported yet. Import Kolada answers, fault reports or other series on the page Import a source, or with the command trygg sources import --file FILE."
                    )) }
                }
            }
            @for area in &l.areas {
                section aria-labelledby=(format!("area-{}", area.id)) {
                    h2 id=(format!("area-{}", area.id)) { (area.title.get(ctx.lang)) }
                    @if !area.indicators.is_empty() {
                        (indicator_table(ctx, &area.id, &area.indicators))
                    }
                    @for m in &area.measures {
                        (measure_chart(ctx, m, l.municipality.as_deref()))
                    }
                    (problem_list(ctx, l.problems.iter().filter(|p| p.priority_area == area.id)))
                    @let raised: Vec<DialogueRow> = l.dialogues.iter().filter(|d| d.priority_area == area.id).cloned().collect();
                    @if !raised.is_empty() {
                        details {
                            summary { (ctx.t("Vad dialogerna tog upp om området", "What the dialogues raised about the area")) " (" (raised.len()) ")" }
                            (dialogue_items(ctx, &raised))
                        }
                    }
                }
            }
            (district_overview(ctx, l))
            (fault_reports(ctx, &l.faults))
            (dialogue_summary(ctx, &l.dialogues, 5))
            (sources_list(ctx, l))
        },
    )
}

/// One district's page: the resident survey there, its fault reports, its dialogues and the
/// problems that name it.
pub fn district(ctx: &PageCtx, l: &Lagesbild, d: &District) -> Markup {
    let title = format!("{}: {}", ctx.t("Lägesbild", "Situation picture"), d.name);
    let dialogues: Vec<DialogueRow> = l
        .dialogues
        .iter()
        .filter(|x| x.district == d.name)
        .cloned()
        .collect();
    layout(
        ctx,
        &title,
        html! {
            p { a href="/evaluate/lagesbild#districts-h" { (ctx.t("Tillbaka till lägesbilden", "Back to the situation picture")) } }
            h1 { (title) }
            (district_indicators(ctx, d))
            section aria-labelledby="d-faults-h" {
                h2 id="d-faults-h" { (ctx.t("Felanmälningar, de senaste tolv månaderna", "Fault reports, the last twelve months")) }
                @if l.faults.categories.is_empty() {
                    p class="muted" { (ctx.t("Inga felanmälningar inlästa.", "No fault reports imported.")) }
                } @else {
                    p class="muted small" { (l.faults.source) }
                    div class="table-wrap" {
                        table {
                            thead { tr { th scope="col" { (ctx.t("Kategori", "Category")) } th scope="col" { (d.name) } th scope="col" { (ctx.t("Hela kommunen", "The whole municipality")) } } }
                            tbody {
                                @for (i, c) in l.faults.categories.iter().enumerate() {
                                    @let all: f64 = l.faults.districts.iter().filter_map(|x| x.counts.get(i)).sum();
                                    tr { th scope="row" { (c.title) } td { (count(ctx, d.faults.get(i).copied().unwrap_or(0.0))) } td { (count(ctx, all)) } }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="d-dialogues-h" {
                h2 id="d-dialogues-h" { (ctx.t("Dialoger i stadsdelen", "Dialogues in the district")) }
                @if dialogues.is_empty() { p class="muted" { (ctx.t("Inga dialoger införda här.", "No dialogues recorded here.")) } }
                @else { (dialogue_items(ctx, &dialogues)) }
            }
            (problem_list(ctx, l.problems.iter().filter(|p| p.districts.contains(&d.name))))
        },
    )
}

fn change_cell(
    ctx: &PageCtx,
    stat: Statistic,
    c: Option<&crate::evaluate::series::SeriesChange>,
) -> Markup {
    html! {
        @match c {
            Some(c) => { (badge(Judged::of_verdict(c.verdict))) " " (verdict_text(ctx.lang, c.verdict)) " (" (difference_text(ctx.lang, stat, c.difference)) ")" },
            None => "–",
        }
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
                        @let stat = i.statistic;
                        @let grades: Vec<_> = i.headline.iter().filter(|h| !h.group.is_empty()).collect();
                        @let link = format!("/evaluate/indicators/{}/{}", i.survey, i.indicator);
                        @if grades.is_empty() {
                            tr {
                                th scope="row" { a href=(link) { (i.title.get(ctx.lang)) } }
                                td data-label=(ctx.t("Senast", "Latest")) { @match &i.latest { Some(w) => { (w.period) ": " (wave_text(ctx.lang, stat, w)) }, None => "–" } }
                                td data-label=(ctx.t("Förändring", "Change")) { (change_cell(ctx, stat, i.change.as_ref())) }
                            }
                        }
                        @for g in &grades {
                            tr {
                                th scope="row" { a href=(link) { (i.title.get(ctx.lang)) } br; span class="muted small" { (g.label.get(ctx.lang)) } }
                                td data-label=(ctx.t("Senast", "Latest")) { @match &g.shown { Some(w) => { (w.period) ": " (wave_text(ctx.lang, stat, w)) }, None => "–" } }
                                td data-label=(ctx.t("Förändring", "Change")) { (change_cell(ctx, stat, g.change.as_ref())) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn measure_chart(ctx: &PageCtx, m: &MeasureSeries, municipality: Option<&str>) -> Markup {
    let year = |p: &str| p.parse::<i32>().ok();
    let points: Vec<ChartPoint> = m
        .municipality
        .iter()
        .filter_map(|v| {
            Some(ChartPoint {
                period: year(&v.period)?,
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
        values: m
            .country
            .iter()
            .filter_map(|v| Some((year(&v.period)?, v.value)))
            .collect(),
    }];
    let chart_id = format!("m-{}", m.id.replace('/', "-"));
    html! {
        h3 { (m.title) @if !m.unit.is_empty() { span class="muted" { " (" (m.unit) ")" } } }
        @if m.municipality.is_empty() && m.country.is_empty() {
            p class="muted" { (ctx.t("Inga siffror inlästa för", "No figures imported for")) " " code { (m.id) } "." }
        } @else {
            figure class="lagesbild-chart" {
                (line_chart(&LineChart {
                    id: &chart_id,
                    title: &m.title,
                    description: ctx.t(
                        "Kommunen som heldragen linje, riket som streckad linje med fyrkanter.",
                        "The municipality as a solid line, the country as a dashed line with squares.",
                    ),
                    points: &points,
                    comparisons: &lines,
                    decimal_comma: ctx.lang == Lang::Sv,
                    lang: ctx.lang,
                    ..LineChart::default()
                }))
                figcaption {
                    (ctx.t("Kommunen", "The municipality")) @if let Some(m) = municipality { " (" (m) ")" } " " (ctx.t("och riket.", "and the country."))
                    " " span class="muted small" { (m.source) }
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
                                    td { (series_number(ctx.lang, p.estimate.unwrap_or_default())) }
                                    td { @match lines[0].values.iter().find(|(y, _)| *y == p.period) { Some((_, v)) => (series_number(ctx.lang, *v)), None => "–" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn count(ctx: &PageCtx, n: f64) -> String {
    ctx.lang.number(n.round() as i128)
}

/// The districts at a glance: fault reports of the last twelve months per category and the
/// dialogues held, each district linking to its own picture.
fn district_overview(ctx: &PageCtx, l: &Lagesbild) -> Markup {
    html! {
        section aria-labelledby="districts-h" {
            h2 id="districts-h" { (ctx.t("Per stadsdel", "Per district")) }
            @if l.districts.is_empty() {
                p class="muted" { (ctx.t("Boendeenkäten har ingen fråga om stadsdel.", "The resident survey has no district question.")) }
            } @else {
                p { (ctx.t(
                    "Välj en stadsdel för att se enkätens indikatorer där bredvid felanmälningarna och dialogerna.",
                    "Choose a district to see the survey's indicators there beside the fault reports and the dialogues."
                )) @if !l.faults.to.is_empty() { " " (ctx.t("Felanmälningarna gäller de tolv månaderna fram till och med", "The fault reports cover the twelve months up to and including")) " " (month_words(ctx.lang, &l.faults.to)) "." } }
                div class="table-wrap" tabindex="0" role="region" aria-labelledby="districts-h" {
                    table class="stack-table" {
                        thead { tr {
                            th scope="col" { (ctx.t("Stadsdel", "District")) }
                            @for c in &l.faults.categories { th scope="col" { (c.title) } }
                            th scope="col" { (ctx.t("Dialoger", "Dialogues")) }
                        } }
                        tbody {
                            @for d in &l.districts {
                                tr {
                                    th scope="row" { a href=(format!("/evaluate/lagesbild/districts/{}", d.code)) { (d.name) } }
                                    @for (c, n) in l.faults.categories.iter().zip(&d.faults) {
                                        td data-label=(c.title) { (count(ctx, *n)) }
                                    }
                                    td data-label=(ctx.t("Dialoger", "Dialogues")) { (d.dialogues) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn fault_reports(ctx: &PageCtx, faults: &Faults) -> Markup {
    html! {
        section aria-labelledby="faults-h" {
            h2 id="faults-h" { (ctx.t("Felanmälningar", "Fault reports")) }
            @if faults.categories.is_empty() {
                p class="muted" { (ctx.t("Inga felanmälningar inlästa.", "No fault reports imported.")) }
            } @else {
                p class="muted small" { (faults.source) }
                div class="public-cards" {
                    @for c in &faults.categories {
                        @let months: Vec<(String, f64)> = c.months.iter().map(|m| (m.period.clone(), m.value)).collect();
                        figure class="lagesbild-chart" {
                            (month_columns(&MonthColumns {
                                id: &format!("f-{}", c.measure.replace('/', "-")),
                                title: &c.title,
                                description: ctx.t("Antal per månad, alla stadsdelar.", "Count per month, every district."),
                                months: &months,
                                lang: ctx.lang,
                            }))
                            figcaption { (c.title) ": " (ctx.t("antal per månad", "count per month")) }
                        }
                    }
                }
            }
        }
    }
}

/// Who took part in a dialogue, in words ("14 invånare, 3 medarbetare, 2 poliser").
pub(crate) fn participants(lang: Lang, d: &DialogueRow) -> String {
    let parts: Vec<String> = [
        (d.residents, "invånare", "residents"),
        (d.staff, "medarbetare", "staff"),
        (d.police, "från polisen", "police"),
        (d.others, "andra", "others"),
    ]
    .iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, sv, en)| format!("{} {}", lang.number(i128::from(*n)), lang.pick(sv, en)))
    .collect();
    parts.join(", ")
}

/// The latest `shown` dialogues with what came up.
fn dialogue_summary(ctx: &PageCtx, dialogues: &[DialogueRow], shown: usize) -> Markup {
    html! {
        section aria-labelledby="dialogues-h" {
            h2 id="dialogues-h" { (ctx.t("Dialoger", "Dialogues")) }
            @if dialogues.is_empty() {
                p class="muted" { (ctx.t("Inga dialoger införda.", "No dialogues recorded.")) " " a href="/evaluate/lagesbild/dialogues" { (ctx.t("För in en dialog", "Record a dialogue")) } }
            } @else {
                (dialogue_items(ctx, &dialogues[..dialogues.len().min(shown)]))
                p { a href="/evaluate/lagesbild/dialogues" { (ctx.t("Alla dialoger", "Every dialogue")) " (" (dialogues.len()) ")" } }
            }
        }
    }
}

pub(crate) fn dialogue_items(ctx: &PageCtx, dialogues: &[DialogueRow]) -> Markup {
    html! {
        ul class="dialogues" {
            @for d in dialogues {
                li {
                    strong { (DialogueKind::label_of(&d.kind, ctx.lang)) ", " (day_text(ctx.lang, &d.held_on)) ", "
                        @if d.district.is_empty() { (ctx.t("hela kommunen", "the whole municipality")) } @else { (d.district) } }
                    br;
                    span class="muted small" { (participants(ctx.lang, d)) }
                    p class="prewrap" { (d.raised) }
                }
            }
        }
    }
}

fn problem_list<'a>(ctx: &PageCtx, problems: impl Iterator<Item = &'a ProblemChain>) -> Markup {
    let problems: Vec<&ProblemChain> = problems.collect();
    html! {
        @if !problems.is_empty() {
            h3 { (ctx.t("Prioriterade problem", "Prioritised problems")) }
            ul class="plain" {
                @for p in problems {
                    li { (p.rank) ". " a href=(format!("/evaluate/lagesbild/problems/{}", p.id)) { (p.title) }
                        " " span class="muted small" { "(" (p.causes.len()) " " (ctx.t("orsaker", "causes")) ")" } }
                }
            }
        }
    }
}

fn sources_list(ctx: &PageCtx, l: &Lagesbild) -> Markup {
    html! {
        section aria-labelledby="sources-h" {
            h2 id="sources-h" { (ctx.t("Källor", "Sources")) }
            @if l.sources.is_empty() {
                p class="muted" { "–" }
            } @else {
                ul {
                    @for i in &l.sources {
                        li {
                            (i.file_name) " – " (i.licence) ". "
                            (ctx.t("Inläst", "Imported")) " " (day_text(ctx.lang, i.imported_at.get(..10).unwrap_or(&i.imported_at)))
                            " " (ctx.t("av", "by")) " " (i.imported_by) "; "
                            (ctx.lang.number(i128::from(i.stored))) " " (ctx.t("värden sparade", "values stored")) "."
                        }
                    }
                }
            }
        }
    }
}

fn district_indicators(ctx: &PageCtx, d: &District) -> Markup {
    html! {
        section aria-labelledby="d-surveys-h" {
            h2 id="d-surveys-h" { (ctx.t("Boendeenkäten i stadsdelen", "The resident survey in the district")) }
            @if d.indicators.iter().all(|i| i.latest.is_none()) {
                p class="muted" { (ctx.t(
                    "Inga siffror för stadsdelen: ingen publicerad omgång, eller för få svarande för att visa den.",
                    "No figures for the district: no published wave, or too few respondents to show it."
                )) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-labelledby="d-surveys-h" {
                    table class="stack-table" {
                        thead { tr {
                            th scope="col" { (ctx.t("Indikator", "Indicator")) }
                            th scope="col" { (ctx.t("Senast", "Latest")) }
                            th scope="col" { (ctx.t("Förändring", "Change")) }
                            th scope="col" { (ctx.t("Trend", "Trend")) }
                        } }
                        tbody {
                            @for i in &d.indicators {
                                @let stat = i.statistic;
                                tr {
                                    th scope="row" { a href=(format!("/evaluate/indicators/{}/{}#by-h", i.survey, i.indicator)) { (i.title.get(ctx.lang)) } }
                                    td data-label=(ctx.t("Senast", "Latest")) { @match &i.latest { Some(w) => { (w.period) ": " (wave_text(ctx.lang, stat, w)) }, None => ".." } }
                                    td data-label=(ctx.t("Förändring", "Change")) { (change_cell(ctx, stat, i.change.as_ref())) }
                                    td data-label=(ctx.t("Trend", "Trend")) { @match &i.trend { Some(t) => { (badge(Judged::of_verdict(t.verdict))) " " (verdict_text(ctx.lang, t.verdict)) }, None => "–" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The annual report's lägesbild: the series the agreement names up to the year (the
/// municipality against the country), the year's fault reports against the year before, the
/// dialogues of the year and the problem picture with its chain to the plan.
pub(crate) fn report_section(
    lang: Lang,
    year: i32,
    rl: &crate::evaluate::lagesbild::ReportLagesbild,
) -> Markup {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let value_of = |values: &[crate::evaluate::lagesbild::PeriodValue], period: &str| {
        values.iter().find(|v| v.period == period).map(|v| v.value)
    };
    let num = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| series_number(lang, v));
    let (y, before) = (year.to_string(), (year - 1).to_string());
    html! {
        @if rl.is_empty() {
            p class="muted" { (t("Inga källor eller problem är införda i lägesbilden.", "No sources or problems are recorded in the situation picture.")) }
        }
        @if !rl.measures.is_empty() {
            h3 { (t("Polisanmälda brott och andra serier", "Police-reported crime and other series")) }
            div class="table-wrap" tabindex="0" role="region" aria-label=(t("Serier", "Series")) {
                table class="stack-table" {
                    thead { tr {
                        th scope="col" { (t("Mått", "Measure")) }
                        th scope="col" { (t("Kommunen", "Municipality")) " " (before) }
                        th scope="col" { (t("Kommunen", "Municipality")) " " (y) }
                        th scope="col" { (t("Riket", "Sweden")) " " (y) }
                    } }
                    tbody {
                        @for m in &rl.measures {
                            tr {
                                th scope="row" { (m.series.title) @if !m.series.unit.is_empty() { " (" (m.series.unit) ")" }
                                    br; span class="muted small" { (m.area.get(lang)) " · " (m.series.source) } }
                                td data-label=(format!("{} {before}", t("Kommunen", "Municipality"))) { (num(value_of(&m.series.municipality, &before))) }
                                td data-label=(format!("{} {y}", t("Kommunen", "Municipality"))) { (num(value_of(&m.series.municipality, &y))) }
                                td data-label=(format!("{} {y}", t("Riket", "Sweden"))) { (num(value_of(&m.series.country, &y))) }
                            }
                        }
                    }
                }
            }
        }
        @if !rl.faults.is_empty() {
            h3 { (t("Felanmälningar", "Fault reports")) }
            div class="table-wrap" tabindex="0" role="region" aria-label=(t("Felanmälningar", "Fault reports")) {
                table class="stack-table" {
                    thead { tr {
                        th scope="col" { (t("Kategori", "Category")) }
                        th scope="col" { (before) }
                        th scope="col" { (y) }
                        th scope="col" { (t("Flest under", "Most in")) }
                    } }
                    tbody {
                        @for f in &rl.faults {
                            tr {
                                th scope="row" { (f.title) }
                                td data-label=(before.as_str()) { @match f.year_before { Some(v) => (lang.number(v.round() as i128)), None => "–" } }
                                td data-label=(y.as_str()) { (lang.number(f.year.round() as i128)) }
                                td data-label=(t("Flest under", "Most in")) { (f.peak.as_deref().map_or_else(String::new, |m| month_words(lang, m))) }
                            }
                        }
                    }
                }
            }
            p class="muted small" { (rl.faults_source) }
        }
        h3 { (t("Dialoger under året", "Dialogues in the year")) }
        @if rl.dialogues.is_empty() {
            p class="muted" { (t("Inga dialoger införda för året.", "No dialogues recorded for the year.")) }
        } @else {
            ul class="dialogues" {
                @for d in &rl.dialogues {
                    li {
                        strong { (DialogueKind::label_of(&d.kind, lang)) ", " (day_text(lang, &d.held_on)) ", "
                            @if d.district.is_empty() { (t("hela kommunen", "the whole municipality")) } @else { (d.district) } }
                        " – " (participants(lang, d)) "."
                        p class="prewrap" { (d.raised) }
                    }
                }
            }
        }
        h3 { (t("Problembild och orsaksanalys", "Problem picture and cause analysis")) }
        @if rl.problems.is_empty() {
            p class="muted" { (t("Inga problem är analyserade.", "No problems are analysed.")) }
        } @else {
            p class="muted small" { (t(
                "Kedjan: problem → orsak → insats → prestation → effekt på indikatorn.",
                "The chain: problem → cause → intervention → output → outcome on the indicator."
            )) }
            @for p in &rl.problems {
                div class="report-problem keep-together" {
                    h4 { (p.rank) ". " (p.title) }
                    (chain_markup(lang, p, None))
                }
            }
        }
    }
}

/// "juli 2025", "July 2025".
fn month_words(lang: Lang, month: &str) -> String {
    match month
        .get(5..7)
        .and_then(|m| m.parse::<u32>().ok())
        .filter(|m| (1..=12).contains(m))
    {
        Some(m) => format!(
            "{} {}",
            crate::i18n::month_name(lang, m - 1),
            month.get(..4).unwrap_or("")
        ),
        None => month.to_owned(),
    }
}

/// `2025-10-16` as "16 oktober 2025"; as it is when it is no date.
pub(crate) fn day_text(lang: Lang, day: &str) -> String {
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(|d| crate::local_time::date_words(d, lang))
        .unwrap_or_else(|_| day.to_owned())
}

/// A value of a series as its source writes it: whole numbers without decimals, others with one
/// (`8 105`, `7 980,5`).
pub(crate) fn series_number(lang: Lang, v: f64) -> String {
    lang.decimal(v, if v.fract() == 0.0 { 0 } else { 1 })
}

/// One intervention of a cause: its status and years, its outputs summed, its outcome
/// indicators with their latest published figure.
fn chain_intervention(lang: Lang, i: &ChainIntervention) -> Markup {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    html! {
        div class="chain-step" {
            p { strong { a href=(format!("/evaluate/plan/{}", i.id)) { (i.title) } }
                " " span class="muted small" { (i.status.label(lang)) ", " (i.start_year) @if i.end_year != i.start_year { "–" (i.end_year) } } }
            @if !i.outputs.is_empty() {
                p class="small" { strong { (t("Prestationer: ", "Outputs: ")) }
                    @for (n, o) in i.outputs.iter().enumerate() {
                        @if n > 0 { "; " }
                        (o.name) " "
                        @match o.actual { Some(v) => (lang.decimal(v, 0)), None => "–" }
                        @if let Some(p) = o.planned { " " (t("av", "of")) " " (lang.decimal(p, 0)) " " (t("planerade", "planned")) }
                        @if !o.unit.is_empty() { " (" (o.unit) ")" }
                    }
                }
            }
            @if !i.indicators.is_empty() {
                p class="small" { strong { (t("Effekt: ", "Outcome: ")) }
                    @for (n, x) in i.indicators.iter().enumerate() {
                        @let stat = x.statistic.unwrap_or(Statistic::Proportion);
                        @if n > 0 { "; " }
                        a href=(format!("/evaluate/indicators/{}/{}", x.survey, x.indicator)) { (x.title.get(lang)) }
                        @if let Some(w) = &x.latest { " " (w.period) ": " (wave_text(lang, stat, w)) }
                        @if let Some(c) = &x.change { ", " (verdict_text(lang, c.verdict)) " (" (difference_text(lang, stat, c.difference)) ")" }
                    }
                }
            }
        }
    }
}

/// The chain of one problem: problem → causes → interventions → outputs → outcome indicators.
/// `edit_base` (the problem's page) adds a link to edit each cause.
pub(crate) fn chain_markup(lang: Lang, p: &ProblemChain, edit_base: Option<&str>) -> Markup {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    html! {
        p class="muted" {
            (t("Prioritet", "Priority")) " " (p.rank) " · " (p.area_title.get(lang))
            " · " @if p.districts.is_empty() { (t("hela kommunen", "the whole municipality")) } @else { (p.districts.join(", ")) }
        }
        @if !p.description.is_empty() { p class="prewrap" { (p.description) } }
        @if !p.evidence.is_empty() {
            p { strong { (t("Siffror som visar det: ", "Figures that show it: ")) }
                (p.evidence.iter().map(|e| e.title.get(lang)).collect::<Vec<_>>().join("; ")) }
        }
        @if p.causes.is_empty() {
            p class="muted" { (t("Inga orsaker införda.", "No causes recorded.")) }
        }
        ol class="chain" {
            @for c in &p.causes {
                li class=(format!("cause {}", c.kind.id())) id=(format!("cause-{}", c.id)) {
                    p { strong { (c.kind.label(lang)) } " · " (c.aspect.label(lang))
                        @if let Some(base) = edit_base { " · " a href=(format!("{base}/causes/{}", c.id)) { (t("Ändra", "Edit")) } } }
                    p class="prewrap" { (c.description) }
                    @if c.interventions.is_empty() {
                        p class="muted small" { (t("Ingen insats möter orsaken ännu.", "No intervention meets the cause yet.")) }
                    }
                    @for i in &c.interventions { (chain_intervention(lang, i)) }
                }
            }
        }
    }
}
