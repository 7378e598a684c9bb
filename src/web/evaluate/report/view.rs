//! Markup of the annual report: the list of years, the web page with its text forms, the
//! confirmation of "mark final", the refusals, and the report itself, which the web page and the
//! printed document (`standalone`) share.

use std::collections::BTreeMap;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::Print;
use crate::evaluate::compare::{self, Standing};
use crate::evaluate::lagesbild::ReportLagesbild;
use crate::evaluate::report::{self, Panel, Shown};
use crate::evaluate::words::{self, standing_text, value_with_unit, verdict_text, wave_text};
use crate::i18n::Lang;
use crate::stats::trend::TargetStatus;
use crate::store::reports::Row;
use crate::web::evaluate::unreliable;
use crate::web::evaluate::view::{chart_of_series, reading_notes};
use crate::web::extract::PageCtx;
use crate::web::markup::charts::ComparisonLine;
use crate::web::markup::{STYLESHEET, csrf_field, layout};

/// The years with a report, each a draft or final.
pub fn years(ctx: &PageCtx, years: &[i32], rows: &[Row]) -> Markup {
    let title = ctx.t("Årlig uppföljning", "Annual evaluation");
    layout(
        ctx,
        title,
        html! {
            h1 { (title) }
            p { (ctx.t(
                "En rapport per år: sammanfattning per prioriterat område, indikatorerna med diagram, åtgärdsplanens insatser och metod. Skriv texterna, markera rapporten som slutlig när den är klar – då låses siffrorna – och ladda ner den som PDF.",
                "One report per year: a summary per priority area, the indicators with charts, the action plan's interventions and the method. Write the texts, mark the report final when it is done – its numbers are then locked – and download it as a PDF."
            )) }
            @if years.is_empty() {
                p { (ctx.t("Det finns inga omgångar ännu.", "There are no waves yet.")) }
            } @else {
                ul {
                    @for y in years {
                        li {
                            a href=(format!("/evaluate/report/{y}")) { (ctx.t("Uppföljning", "Evaluation")) " " (y) }
                            " – "
                            @if rows.iter().any(|r| r.key == y.to_string() && r.status == "final") {
                                strong { (ctx.t("slutlig", "final")) }
                            } @else {
                                (ctx.t("utkast", "draft"))
                            }
                        }
                    }
                }
            }
        },
    )
}

/// The report's web page: the texts can be written while it is a draft; "mark final", or for an
/// admin "open as a draft again" once final.
pub fn page(ctx: &PageCtx, year: i32, shown: &Shown, is_admin: bool) -> Markup {
    let editable = shown.finalized.is_none();
    let title = format!("{} {year}", ctx.t("Årlig uppföljning", "Annual evaluation"));
    let editor = |section: &str| -> Markup {
        if !editable {
            return html! {};
        }
        text_editor(
            ctx,
            &format!("/evaluate/report/{year}/texts/{section}"),
            section,
            shown.texts.get(section).map(String::as_str),
        )
    };
    let actions = html! {
            div class="report-actions no-print" {
                                ul {
                    li { a href=(format!("/evaluate/report/{year}/pdf{}", if ctx.lang == Lang::En { "?lang=en" } else { "" })) { (ctx.t("Ladda ner som PDF", "Download as PDF")) } }
                }
                @if editable {
                    p { a class="button" href=(format!("/evaluate/report/{year}/final{}", if ctx.lang == Lang::En { "?lang=en" } else { "" })) {
                        (ctx.t("Markera som slutlig …", "Mark as final …"))
                    } }
                } @else if is_admin {
                    form method="post" action=(format!("/evaluate/report/{year}/reopen")) {
                        (csrf_field(ctx))
                        button type="submit" class="secondary" { (ctx.t("Öppna som utkast igen", "Open as a draft again")) }
                    }
                }
            }
    };
    layout(
        ctx,
        &title,
        html! {
            p class="no-print" { a href="/evaluate/report" { (ctx.t("Alla år", "Every year")) } }
            (body(ctx.lang, shown, page_head(ctx.lang, shown, actions), &editor))
        },
    )
}

/// "Nothing was saved": why, and the way back to the report at `back`.
pub fn refusal(ctx: &PageCtx, message: &str, back: &str) -> Markup {
    message_page(
        ctx,
        ctx.t("Inget sparades", "Nothing was saved"),
        message,
        back,
    )
}

/// A page that says `message` under `title`, and the way back to the report at `back`.
fn message_page(ctx: &PageCtx, title: &str, message: &str, back: &str) -> Markup {
    layout(
        ctx,
        title,
        html! {
            h1 { (title) }
            p { (message) }
            p { a href=(back) { (ctx.t("Tillbaka till rapporten", "Back to the report")) } }
        },
    )
}

/// The confirmation of "mark final": what freezing means, which sections still lack a text,
/// and the one form that freezes.
pub fn confirmation(ctx: &PageCtx, shown: &Shown) -> Markup {
    let year = shown.data.year;
    let title = match ctx.lang {
        Lang::Sv => format!("Markera uppföljningen {year} som slutlig?"),
        Lang::En => format!("Mark the evaluation {year} as final?"),
    };
    let mut missing: Vec<String> = Vec::new();
    let sections = [
        ("summary", ctx.t("Sammanfattning", "Summary")),
        (
            "lagesbild",
            ctx.t(
                "Lägesbild och orsaksanalys",
                "Situation picture and cause analysis",
            ),
        ),
    ]
    .into_iter()
    .filter(|(id, _)| *id != "lagesbild" || shown.data.lagesbild.is_some())
    .map(|(id, name)| (id.to_owned(), name.to_owned()))
    .chain(
        shown
            .data
            .areas
            .iter()
            .map(|a| (a.area.clone(), a.title(ctx.lang))),
    )
    .chain([
        (
            "method".to_owned(),
            ctx.t("Metod och datakvalitet", "Method and data quality")
                .to_owned(),
        ),
        (
            "next".to_owned(),
            ctx.t("Nästa steg", "Next steps").to_owned(),
        ),
    ]);
    for (id, name) in sections {
        if shown.texts.get(&id).is_none_or(|t| t.trim().is_empty()) {
            missing.push(name);
        }
    }
    let back = format!(
        "/evaluate/report/{year}{}",
        if ctx.lang == Lang::En { "?lang=en" } else { "" }
    );
    layout(
        ctx,
        &title,
        html! {
            p { a href=(back) { (ctx.t("Tillbaka till rapporten", "Back to the report")) } }
            h1 { (title) }
            p { (ctx.t(
                "När rapporten är slutlig låses siffrorna och texterna som de är nu. Den ändras inte när fler svar, nya omgångar eller jämförelsevärden kommer in, texterna går inte längre att skriva om, och PDF-filen visar samma sak varje gång.",
                "Once the report is final its numbers and texts are locked as they are now. It does not change when more answers, new waves or comparison values come in, the texts can no longer be rewritten, and the PDF shows the same every time."
            )) }
            p { (ctx.t(
                "Bara en administratör kan öppna en slutlig rapport som utkast igen. Händelsen skrivs i loggen med din e-postadress.",
                "Only an administrator can open a final report as a draft again. The event is written to the log with your e-mail address."
            )) }
            @if !missing.is_empty() {
                div class="warning" role="note" {
                    p { strong { (ctx.t("Avsnitt utan text:", "Sections without a text:")) } " " (missing.join(", ")) "." }
                    p { (ctx.t(
                        "De blir utan text i den slutliga rapporten.",
                        "They stay without a text in the final report."
                    )) }
                }
            }
            (final_form(ctx, &format!("/evaluate/report/{year}/final"), &back))
        },
    )
}

/// The one form that marks a report final (posting `confirm=yes` to `action`), and the way
/// back to the draft.
pub fn final_form(ctx: &PageCtx, action: &str, back: &str) -> Markup {
    html! {
        form method="post" action=(action) class="actions" {
            (csrf_field(ctx))
            input type="hidden" name="confirm" value="yes";
            button type="submit" { (ctx.t("Ja, markera som slutlig", "Yes, mark as final")) }
            a href=(back) { (ctx.t("Nej, tillbaka till utkastet", "No, back to the draft")) }
        }
    }
}

/// Why there is no PDF (the printer is missing, failing or busy), and the way back.
pub fn no_pdf(ctx: &PageCtx, message: &str, back: &str) -> Markup {
    message_page(ctx, ctx.t("Ingen PDF", "No PDF"), message, back)
}

/// The form that writes a section's text of a draft, folded under "Write or change the text".
pub fn text_editor(ctx: &PageCtx, action: &str, section: &str, current: Option<&str>) -> Markup {
    let id = format!("text-{section}");
    html! {
        details class="edit no-print" {
            summary { (ctx.t("Skriv eller ändra texten", "Write or change the text")) }
            form method="post" action=(action) class="stack" {
                (csrf_field(ctx))
                div class="field" {
                    label for=(id) { (ctx.t("Text (en tom rad mellan styckena)", "Text (a blank line between paragraphs)")) }
                    textarea id=(id) name="body" rows="6" { (current.unwrap_or_default()) }
                }
                button type="submit" class="secondary" { (ctx.t("Spara texten", "Save the text")) }
            }
        }
    }
}

/// The whole report as one self-contained HTML document (styles inline): a cover, then the
/// report, every page but the cover with a footer of the municipality, the title and "Sida 2 av
/// 18". The footer is CSS (`@page` margin boxes with the `page` and `pages` counters), which the
/// printer lays out without a script.
pub fn standalone(lang: Lang, shown: &Shown, print: &Print) -> Markup {
    print_document(
        lang,
        &print_title(lang, shown.data.year),
        &page_footer_css(lang, shown, print),
        body(lang, shown, cover(lang, shown, print), &|_| html! {}),
    )
}

/// A self-contained HTML document to print: `content` under the stylesheet and the footer
/// `footer` (CSS), with the policy that runs no script and loads nothing.
pub fn print_document(lang: Lang, title: &str, footer: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                // No script runs and nothing is loaded, wherever this document is opened or
                // printed (`crate::pdf` checks that it is there).
                (PreEscaped(crate::pdf::policy_meta()))
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLESHEET)) }
                style { (PreEscaped(footer)) }
            }
            body class="print" {
                main id="main" { (content) }
            }
        }
    }
}

/// The printed pages' footer: left the municipality, the title and (for a draft) "Utkast",
/// right "Sida N av M"; none on the cover.
fn page_footer_css(lang: Lang, shown: &Shown, print: &Print) -> String {
    footer_css(
        lang,
        print,
        &print_title(lang, shown.data.year),
        shown.finalized.is_none(),
    )
}

/// The printed pages' footer of a document titled `title` (see [`standalone`]).
pub fn footer_css(lang: Lang, print: &Print, title: &str, draft: bool) -> String {
    let mut left: Vec<String> = print.municipality.map(str::to_owned).into_iter().collect();
    left.push(title.to_owned());
    if draft {
        left.push(lang.pick("Utkast", "Draft").to_owned());
    }
    let (page, of) = (lang.pick("Sida", "Page"), lang.pick("av", "of"));
    format!(
        "@page {{ @bottom-left {{ content: {}; width: 75%; white-space: nowrap; font-size: 8pt; color: #333; }} \
         @bottom-right {{ content: {} counter(page) {} counter(pages); width: 25%; white-space: nowrap; text-align: right; font-size: 8pt; color: #333; }} }}\n\
         @page :first {{ @bottom-left {{ content: none; }} @bottom-right {{ content: none; }} }}",
        css_string(&left.join(" · ")),
        css_string(&format!("{page} ")),
        css_string(&format!(" {of} ")),
    )
}

/// `text` as a CSS string: letters, digits and spaces as they are, everything else as a hex
/// escape, so that no name (a quote, a backslash, `</style>`) can end the string or the sheet.
pub fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c.is_alphanumeric() || c == ' ' {
            out.push(c);
        } else {
            out.push_str(&format!("\\{:x} ", u32::from(c)));
        }
    }
    out.push('"');
    out
}

/// When the numbers were read (stored as RFC 3339) in Swedish local time; as stored when it
/// cannot be read.
pub fn assembled_words(lang: Lang, rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339).map_or_else(
        |_| rfc3339.to_owned(),
        |t| crate::local_time::readable(t.timestamp(), lang),
    )
}

/// An evaluator's text as paragraphs (a blank line between them); a note when there is none.
pub fn text(lang: Lang, texts: &BTreeMap<String, String>, section: &str, draft: bool) -> Markup {
    html! {
        @match texts.get(section).filter(|t| !t.trim().is_empty()) {
            Some(t) => div class="report-text" {
                @for paragraph in t.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
                    p { (paragraph) }
                }
            },
            None => @if draft {
                p class="muted no-print-empty" { (lang.pick("Ingen text skriven ännu.", "No text written yet.")) }
            },
        }
    }
}

/// The panel's wave of the year, and its change from the wave before.
fn year_wave(panel: &Panel) -> Option<&crate::evaluate::series::SeriesWave> {
    let slug = panel.wave.as_deref()?;
    panel.series.waves.iter().find(|w| w.slug == slug)
}

/// The web page's head of the report: its title, what it is, its status and `actions` (the
/// downloads and "mark final").
fn page_head(lang: Lang, shown: &Shown, actions: Markup) -> Markup {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    html! {
        h1 { (t("Årlig uppföljning", "Annual evaluation")) " " (shown.data.year) }
        p class="lead" { (t(
            "Uppföljning av den lokala överenskommelsen och åtgärdsplanen för brottsförebyggande arbete och trygghet.",
            "Follow-up of the local agreement and the action plan for crime prevention and safety."
        )) }
        (status_line(lang, shown))
        (actions)
    }
}

/// "Slutlig. Fastställd 3 mars 2026 av …" or "Utkast. Siffrorna …", with the day in Swedish time.
fn status_line(lang: Lang, shown: &Shown) -> Markup {
    final_status_line(lang, &shown.finalized)
}

/// The status of a report that can be marked final: when and by whom, or that it is a draft.
pub fn final_status_line(lang: Lang, finalized: &Option<(i64, String)>) -> Markup {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    html! {
        @match finalized {
            Some((at, by)) => p class="report-status final" {
                strong { (t("Slutlig.", "Final.")) } " "
                (t("Fastställd", "Finalised")) " " (crate::local_time::day_words(*at, lang)) " " (t("av", "by")) " " (by) ". "
                (t("Siffrorna är låsta som de var då.", "The numbers are locked as they were then."))
            },
            None => p class="report-status draft" {
                strong { (t("Utkast.", "Draft.")) } " "
                (t("Siffrorna läses från de senaste beräkningarna och kan ändras tills den markeras som slutlig.", "The numbers are read from the latest computations and may change until it is marked final."))
            },
        }
    }
}

/// The printed report's title: "Uppföljning av trygghetsarbetet 2025".
pub fn print_title(lang: Lang, year: i32) -> String {
    format!(
        "{} {year}",
        lang.pick(
            "Uppföljning av trygghetsarbetet",
            "Follow-up of the safety work"
        )
    )
}

/// The printed report's cover, a page of its own: the municipality, the title, the year, the
/// status and the day it was finalised or printed.
fn cover(lang: Lang, shown: &Shown, print: &Print) -> Markup {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let year = shown.data.year;
    html! {
        div class="cover" {
            @if let Some(name) = print.municipality {
                p class="cover-municipality" { (name) }
            }
            p class="cover-kicker" { (t("Årlig uppföljning", "Annual evaluation")) " " (year) }
            h1 { (print_title(lang, year)) }
            p class="lead" { (t(
                "Uppföljning av den lokala överenskommelsen och åtgärdsplanen för brottsförebyggande arbete och trygghet.",
                "Follow-up of the local agreement and the action plan for crime prevention and safety."
            )) }
            dl class="facts cover-facts" {
                dt { (t("År", "Year")) }
                dd { (year) }
                dt { (t("Utskriven", "Printed")) }
                dd { (crate::local_time::day_words(print.printed_at, lang)) }
            }
            (status_line(lang, shown))
        }
    }
}

/// The report's sections; `editor(section)` adds the text form of a draft on the web page.
/// `head` (the web page's title and actions, or the printed cover) comes before the contents.
pub fn body(lang: Lang, shown: &Shown, head: Markup, editor: &dyn Fn(&str) -> Markup) -> Markup {
    let data = &shown.data;
    let draft = shown.finalized.is_none();
    // A section's text, and on a draft's web page the form that writes it.
    let section_text = |section: &str| -> Markup {
        html! {
            (text(lang, &shown.texts, section, draft))
            (editor(section))
        }
    };
    html! {
        (contents(lang, data, head))
        (summary_section(lang, data, &section_text("summary")))
        (reading_section(lang))
        @if let Some(l) = &data.lagesbild {
            (lagesbild_section(lang, data.year, l, &section_text("lagesbild")))
        }
        @for (a, area) in data.areas.iter().enumerate() {
            @let first_figure = data.areas[..a].iter().map(|x| x.indicators.len()).sum::<usize>() + 1;
            (area_section(lang, data.year, area, first_figure, &section_text(&area.area)))
        }
        (method_section(lang, data, &section_text("method")))
        (next_section(lang, &section_text("next")))
    }
}

/// `head`, then the table of contents.
fn contents(lang: Lang, data: &report::ReportData, head: Markup) -> Markup {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    html! {
        header class="report-head" {
            (head)
            nav class="toc" aria-labelledby="h-toc" {
                h2 id="h-toc" { (t("Innehåll", "Contents")) }
                ol {
                    li { a href="#section-summary" { (t("Sammanfattning", "Summary")) } }
                    li { a href="#section-reading" { (t("Så läser du rapporten", "How to read the report")) } }
                    @if data.lagesbild.is_some() {
                        li { a href="#section-lagesbild" { (t("Lägesbild och orsaksanalys", "Situation picture and cause analysis")) } }
                    }
                    @for area in &data.areas {
                        li { a href=(format!("#section-{}", area.area)) { (area.title(lang)) } }
                    }
                    li { a href="#section-method" { (t("Metod och datakvalitet", "Method and data quality")) } }
                    li { a href="#section-next" { (t("Nästa steg", "Next steps")) } }
                }
            }
        }
    }
}

/// The summary: the evaluators' text and the table of verdicts per area.
fn summary_section(lang: Lang, data: &report::ReportData, text: &Markup) -> Markup {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    html! {
        section id="section-summary" aria-labelledby="h-summary" {
            h2 id="h-summary" { (t("Sammanfattning", "Summary")) }
            (text)
            (summary_table(lang, data))
        }
    }
}

/// How to read the report.
fn reading_section(lang: Lang) -> Markup {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    html! {
        section id="section-reading" aria-labelledby="h-reading" {
            h2 id="h-reading" { (t("Så läser du rapporten", "How to read the report")) }
            p { (t(
                "Siffrorna kommer från kommunens egna enkäter och är skattningar med osäkerhet. Varje värde står med sitt 95-procentiga konfidensintervall och antalet svarande (n). Förändringar och jämförelser avgörs av statistiska test, aldrig av rangordning, och orden säger bara vad siffrorna visar – inte varför.",
                "The figures come from the municipality's own surveys and are estimates with uncertainty. Each value stands with its 95 % confidence interval and the number of respondents (n). Changes and comparisons are decided by statistical tests, never by rank, and the words only say what the figures show – not why."
            )) }
            (reading_notes(lang))
        }
    }
}

/// The lägesbild and the cause analysis.
fn lagesbild_section(lang: Lang, year: i32, l: &ReportLagesbild, text: &Markup) -> Markup {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    html! {
        section id="section-lagesbild" aria-labelledby="h-lagesbild" {
            h2 id="h-lagesbild" { (t("Lägesbild och orsaksanalys", "Situation picture and cause analysis")) }
            (text)
            (crate::web::evaluate::lagesbild::view::report_section(lang, year, l))
        }
    }
}

/// A priority area: the text, the indicator panels (figures numbered from `first_figure`) and
/// the interventions of the action plan.
fn area_section(
    lang: Lang,
    year: i32,
    area: &report::AreaPart,
    first_figure: usize,
    text: &Markup,
) -> Markup {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    html! {
        section id=(format!("section-{}", area.area)) aria-labelledby=(format!("h-{}", area.area)) class="report-area" {
            h2 id=(format!("h-{}", area.area)) { (area.title(lang)) }
            (text)
            @if area.indicators.is_empty() {
                p class="muted" { (t("Inga indikatorer hör till området.", "No indicators belong to the area.")) }
            } @else {
                h3 { (t("Indikatorer", "Indicators")) }
                @for (i, panel) in area.indicators.iter().enumerate() {
                    (panel_markup(lang, &format!("r-{}-{i}", area.area), first_figure + i, panel))
                }
            }
            // A short list (none or one) goes with what comes before it rather than
            // standing alone on a page.
            h3 class=[(area.interventions.len() <= 1).then_some("keep-with-previous")] { (t("Insatser", "Interventions")) }
            @if area.interventions.is_empty() {
                p class="muted" { (t("Inga insatser i åtgärdsplanen under året.", "No interventions of the action plan in the year.")) }
            } @else {
                // The last two go together, so that no printed page holds the last one
                // alone.
                @let (before, last_two) = area.interventions.split_at(area.interventions.len().saturating_sub(2));
                @for i in before {
                    (intervention_markup(lang, &year.to_string(), i))
                }
                div class="keep-together" {
                    @for i in last_two {
                        (intervention_markup(lang, &year.to_string(), i))
                    }
                }
            }
        }
    }
}

/// Method and data quality: how the estimates are made, and the year's waves.
fn method_section(lang: Lang, data: &report::ReportData, text: &Markup) -> Markup {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    html! {
        section id="section-method" aria-labelledby="h-method" {
            h2 id="h-method" { (t("Metod och datakvalitet", "Method and data quality")) }
            (text)
            p { (t(
                "Skattningarna är designbaserade som i officiell statistik (R:s survey-paket): skolenkäterna med skolor som strata och klasser som kluster, invånarenkäterna vägda till befolkningen per ålder och kön när befolkningstal finns. Svar som bedömts opålitliga räknas inte. Celler med för få svarande visas inte (\"..\"), och inte heller de celler som annars skulle ge dem eller resten (de som inte angett en grupp) med färre än k svarande, så att ingen kan kännas igen. Siffrorna publiceras när en omgång har stängt.",
                "The estimates are design-based as in official statistics (R's survey package): school surveys with schools as strata and classes as clusters, resident surveys weighted to the population by age and gender where population totals exist. Answers judged unreliable are not counted. Cells with too few respondents are not shown (\"..\"), nor the cells that would otherwise give them or the rest (those who gave no group) away with fewer than k respondents, so that nobody can be recognised. Figures are published once a wave has closed."
            )) }
            @if data.waves.is_empty() {
                p { (t("Inga omgångar under året.", "No waves in the year.")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-labelledby="h-method" {
                    table {
                        caption { (t("Årets omgångar", "The year's waves")) }
                        thead { tr {
                            th scope="col" { (t("Omgång", "Wave")) }
                            th scope="col" { (t("Svar", "Responses")) }
                            th scope="col" { (t("Opålitliga", "Unreliable")) }
                            th scope="col" { (t("Kalibrering", "Calibration")) }
                            th scope="col" { (t("Dolda celler", "Hidden cells")) }
                            th scope="col" { (t("Tidsserien", "The series")) }
                        } }
                        tbody {
                            @for w in &data.waves {
                                tr {
                                    th scope="row" {
                                        (w.survey_title.get(lang)) " " (w.period)
                                        br; span class="muted small" { (w.slug) }
                                    }
                                    td { (lang.number(i128::from(w.responses))) }
                                    td { (w.unreliable) }
                                    td {
                                        @if w.calibrated {
                                            (t("efterstratifiering", "post-stratification")) " (" (w.uncalibrated) " " (t("utan kod", "without a code")) ")"
                                        } @else {
                                            (t("ingen", "none"))
                                        }
                                        @if let Some(issue) = &w.calibration_issue { " – " (issue.get(lang)) }
                                    }
                                    td { (w.suppressed) " " (t("av", "of")) " " (w.estimates) }
                                    td { @if w.break_in_series {
                                        strong { (t("brott:", "break:")) } " " (t("ny enkätversion", "new questionnaire version")) " (" (w.survey_version) ")"
                                    } @else { (t("jämförbar", "comparable")) } }
                                }
                            }
                        }
                    }
                }
            }
            p class="muted" { (t("Siffrorna lästes", "The figures were read")) " " (assembled_words(lang, &data.assembled_at)) "." }
        }
    }
}

/// The next steps.
fn next_section(lang: Lang, text: &Markup) -> Markup {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    html! {
        section id="section-next" aria-labelledby="h-next" {
            h2 id="h-next" { (t("Nästa steg", "Next steps")) }
            (text)
        }
    }
}

/// The summary's table: per priority area the indicators by the verdict of the change since the
/// wave before and, beside it, by the verdict of the trend over the waves it rests on (named
/// under the area), and the targets.
fn summary_table(lang: Lang, data: &report::ReportData) -> Markup {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let summaries: Vec<report::AreaSummary> =
        data.areas.iter().map(report::AreaSummary::of).collect();
    // Where every area's trends rest on the same waves, the heading says which, once.
    let mut spans: Vec<&report::TrendSpan> =
        summaries.iter().flat_map(|s| &s.trend_spans).collect();
    spans.dedup();
    let common = match spans.as_slice() {
        [one] if summaries.iter().all(|s| s.trend_spans.len() <= 1) => Some(*one),
        _ => None,
    };
    html! {
        p { (t(
            "Förändringen jämför årets omgång med omgången före. Trenden väger samman alla omgångar med siffror, så en långsam förändring syns i trenden även när inget enskilt år skiljer sig säkert från året före.",
            "The change compares the year's wave with the wave before. The trend weighs together every wave with figures, so a slow change shows in the trend even when no single year differs with certainty from the year before."
        )) }
        // On a phone the same counts as sentences (the table is wider than the screen).
        ul class="summary-list" {
            @for (area, s) in data.areas.iter().zip(&summaries) {
                li { strong { (area.title(lang)) ": " } (summary_sentence(lang, s)) }
            }
        }
        div class="table-wrap summary-wrap" tabindex="0" role="region" aria-labelledby="h-summary" {
            table class="summary" {
                caption { (t("Indikatorerna per prioriterat område: förändring sedan omgången före, trend och mål", "The indicators per priority area: change since the wave before, trend, and targets")) }
                thead {
                    tr {
                        th scope="col" rowspan="2" { (t("Område", "Area")) }
                        th scope="col" rowspan="2" class="num" { (t("Indikatorer", "Indicators")) }
                        th scope="colgroup" colspan="3" { (t("Sedan omgången före", "Since the wave before")) }
                        th scope="colgroup" colspan="3" {
                            @match common {
                                Some(span) => { (t("Trend", "Trend")) " " (span_words(lang, span)) }
                                None => (t("Trend över omgångarna", "Trend over the waves")),
                            }
                        }
                        th scope="colgroup" colspan="2" { (t("Mål", "Target")) }
                        th scope="col" rowspan="2" class="num" { (t("Insatser", "Interventions")) }
                    }
                    tr {
                        th scope="col" class="num" { (t("Bättre", "Better")) }
                        th scope="col" class="num" { (t("Sämre", "Worse")) }
                        th scope="col" class="num" { (t("Ingen säker", "None certain")) }
                        th scope="col" class="num" { (t("Bättre", "Better")) }
                        th scope="col" class="num" { (t("Sämre", "Worse")) }
                        th scope="col" class="num" { (t("Ingen säker", "None certain")) }
                        th scope="col" class="num" { (t("Nått", "Met")) }
                        th scope="col" class="num" { (t("Inte nått", "Not met")) }
                    }
                }
                tbody {
                    @for (area, s) in data.areas.iter().zip(&summaries) {
                        tr {
                            th scope="row" {
                                (area.title(lang))
                                @if let Some(note) = trend_note(lang, s, common.is_none()) { br; span class="muted small" { (note) } }
                            }
                            td class="num" { (s.indicators) }
                            td class="num" { (s.change.improved) }
                            td class="num" { (s.change.worsened) }
                            td class="num" { (s.change.no_certain_change) }
                            td class="num" { (s.trend.improved) }
                            td class="num" { (s.trend.worsened) }
                            td class="num" { (s.trend.no_certain_change) }
                            td class="num" { (s.target_met) }
                            td class="num" { (s.target_not_met) }
                            td class="num" { (s.interventions) }
                        }
                    }
                }
            }
        }
    }
}

/// An area's counts in words: "18 indikatorer. Sedan omgången före: 2 bättre, 0 sämre, 16
/// utan säker förändring. Trend 2022–2025 (4 omgångar): …"
fn summary_sentence(lang: Lang, s: &report::AreaSummary) -> String {
    let n = |n: usize| lang.number(n as i128);
    let spans: Vec<String> = s
        .trend_spans
        .iter()
        .map(|span| span_words(lang, span))
        .collect();
    let spans = if spans.is_empty() {
        String::new()
    } else {
        format!(" {}", spans.join(", "))
    };
    match lang {
        Lang::Sv => format!(
            "{} {}. Sedan omgången före: {} bättre, {} sämre, {} utan säker förändring. Trend{spans}: {} bättre, {} sämre, {} utan säker trend{}. Mål: {} nått, {} inte nått. {} {}.",
            n(s.indicators),
            if s.indicators == 1 {
                "indikator"
            } else {
                "indikatorer"
            },
            n(s.change.improved),
            n(s.change.worsened),
            n(s.change.no_certain_change),
            n(s.trend.improved),
            n(s.trend.worsened),
            n(s.trend.no_certain_change),
            if s.trend.none > 0 {
                format!(", {} utan trend", n(s.trend.none))
            } else {
                String::new()
            },
            n(s.target_met),
            n(s.target_not_met),
            n(s.interventions),
            if s.interventions == 1 {
                "insats"
            } else {
                "insatser"
            },
        ),
        Lang::En => format!(
            "{} {}. Since the wave before: {} better, {} worse, {} without a certain change. Trend{spans}: {} better, {} worse, {} without a certain trend{}. Targets: {} met, {} not met. {} {}.",
            n(s.indicators),
            if s.indicators == 1 {
                "indicator"
            } else {
                "indicators"
            },
            n(s.change.improved),
            n(s.change.worsened),
            n(s.change.no_certain_change),
            n(s.trend.improved),
            n(s.trend.worsened),
            n(s.trend.no_certain_change),
            if s.trend.none > 0 {
                format!(", {} without a trend", n(s.trend.none))
            } else {
                String::new()
            },
            n(s.target_met),
            n(s.target_not_met),
            n(s.interventions),
            if s.interventions == 1 {
                "intervention"
            } else {
                "interventions"
            },
        ),
    }
}

/// "2022–2025 (4 omgångar)".
fn span_words(lang: Lang, span: &report::TrendSpan) -> String {
    let waves = match (lang, span.waves) {
        (Lang::Sv, 1) => "1 omgång".to_owned(),
        (Lang::Sv, n) => format!("{n} omgångar"),
        (Lang::En, 1) => "1 wave".to_owned(),
        (Lang::En, n) => format!("{n} waves"),
    };
    format!("{}–{} ({waves})", span.first, span.last)
}

/// Which waves an area's trends rest on (when `spans`: they differ between areas), and how
/// many indicators have none: "Trend 2022–2025 (4 omgångar); 1 indikator utan trend".
fn trend_note(lang: Lang, s: &report::AreaSummary, spans: bool) -> Option<String> {
    let mut parts: Vec<String> = if spans {
        s.trend_spans
            .iter()
            .map(|span| span_words(lang, span))
            .collect()
    } else {
        Vec::new()
    };
    if !parts.is_empty() {
        parts[0] = format!("{} {}", lang.pick("Trend", "Trend"), parts[0]);
    }
    if s.trend.none > 0 && s.indicators > 0 {
        parts.push(match (lang, s.trend.none) {
            (Lang::Sv, 1) => "1 indikator utan trend".to_owned(),
            (Lang::Sv, n) => format!("{n} indikatorer utan trend"),
            (Lang::En, 1) => "1 indicator without a trend".to_owned(),
            (Lang::En, n) => format!("{n} indicators without a trend"),
        });
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// One indicator: its figures in words beside its chart. Figures are numbered through the report;
/// the number starts the heading and ends the caption, so that a reader (and a test of the
/// printed PDF) can tell the chart was not split across pages.
fn panel_markup(lang: Lang, id: &str, number: usize, panel: &Panel) -> Markup {
    let statistic = panel.statistic;
    let current = year_wave(panel);
    let change = panel
        .series
        .changes
        .iter()
        .find(|c| Some(c.to.as_str()) == panel.wave.as_deref());
    let lines: Vec<ComparisonLine> = panel
        .comparisons
        .iter()
        .map(|c| ComparisonLine {
            label: c.label.clone(),
            values: c.values.clone(),
        })
        .collect();
    let comparison = current.and_then(|w| {
        let (lo, hi) = (w.figures.ci_low?, w.figures.ci_high?);
        panel.comparisons.iter().find_map(|c| {
            let (year, value) = compare::value_for(&c.values, w.period)?;
            let standing: Standing = compare::standing(lo, hi, value, panel.better);
            Some((c, year, value, standing))
        })
    });
    html! {
        article class="indicator report-panel" aria-labelledby=(format!("{id}-h")) {
            h4 id=(format!("{id}-h")) { (lang.pick("Figur", "Figure")) " " (number) ". " (panel.title.get(lang)) @if let Some(g) = &panel.group { " – " (g.get(lang)) } }
            p class="muted" { (panel.survey_title.get(lang)) }
            div class="indicator-body" {
                div class="indicator-facts" {
                    @match current {
                        Some(w) => p class="value" {
                            strong { (wave_text(lang, statistic, w)) }
                            @if let Some(n) = w.figures.n { " " span class="muted" { "n = " (lang.number(i128::from(n))) } }
                            @if unreliable(&w.figures.flags) { " " span class="flag" { "⚠ " (lang.pick("osäker skattning", "uncertain estimate")) } }
                        },
                        None => p class="value" { (lang.pick("Ingen omgång under året.", "No wave in the year.")) },
                    }
                    @if let Some(c) = change {
                        p { @if c.significant {
                            (if c.difference < 0.0 { lang.pick("Signifikant lägre än", "Significantly lower than") } else { lang.pick("Signifikant högre än", "Significantly higher than") })
                            " " (c.from_period) " (" (words::difference_text(lang, statistic, c.difference)) ") – " strong { (verdict_text(lang, c.verdict)) }
                        } @else {
                            (lang.pick("Ingen säker förändring sedan", "No certain change since")) " " (c.from_period)
                            " (" (words::difference_text(lang, statistic, c.difference)) ")"
                        } }
                    }
                    @if let Some(tr) = &panel.series.trend {
                        p { (lang.pick("Trend", "Trend")) " "
                            @if let Some(span) = report::TrendSpan::of(&panel.series) { (span.first) "–" (span.last) " " }
                            "(" (tr.waves) " " (lang.pick("omgångar", "waves")) "): "
                            (words::difference_text(lang, statistic, tr.slope)) " " (lang.pick("per år", "per year")) " – " (verdict_text(lang, tr.verdict)) }
                    }
                    @if let Some(target) = panel.target {
                        p { (lang.pick("Mål", "Target")) " " (value_with_unit(lang, statistic, target)) ": "
                            (match panel.series.target_status {
                                Some(TargetStatus::Met) => lang.pick("nått", "met"),
                                Some(TargetStatus::NotMet) => lang.pick("inte nått", "not met"),
                                Some(TargetStatus::Inconclusive) => lang.pick("oklart (målet ligger inom intervallet)", "inconclusive (the target lies within the interval)"),
                                None => lang.pick("ingen siffra att jämföra", "no figure to compare"),
                            }) }
                    }
                    @if let Some((c, year, value, standing)) = comparison {
                        p { (c.label) " " (year) ": " (value_with_unit(lang, statistic, value)) " – " strong { (standing_text(lang, standing)) }
                            @if let Some((_, source)) = c.sources.iter().find(|(p, _)| *p == year) { " " span class="muted" { "(" (source) ")" } } }
                    }
                }
                figure class="indicator-chart" {
                    @let chart_title = match &panel.group { Some(g) => format!("{} – {}", panel.title.get(lang), g.get(lang)), None => panel.title.get(lang).to_owned() };
                    (chart_of_series(lang, id, &chart_title, statistic, panel.target, &panel.series, &lines))
                    figcaption class="muted" {
                        @for (i, w) in panel.series.waves.iter().enumerate() {
                            @if i > 0 { "; " }
                            (w.period) ": " (wave_text(lang, statistic, w))
                        }
                        " (" (lang.pick("figur", "figure")) " " (number) ")"
                    }
                }
            }
        }
    }
}

fn number_text(lang: Lang, v: Option<f64>) -> String {
    match v {
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => lang.number(v as i128),
        Some(v) => lang.decimal(v, 1),
        None => "–".into(),
    }
}

pub fn intervention_markup(lang: Lang, period: &str, i: &report::InterventionPart) -> Markup {
    let status = crate::plan::Status::parse(&i.status);
    html! {
        article class="intervention report-panel" {
            h4 {
                (i.title)
                @if i.citizen_promise { " " span class="flag" { (lang.pick("Medborgarlöfte", "Citizen promise")) } }
            }
            p {
                strong { (status.map_or(i.status.clone(), |s| s.label(lang).to_owned())) }
                @if !i.status_reason.is_empty() { " – " (i.status_reason) }
                " · " (i.start_year) "–" (i.end_year)
                " · " (i.responsible.get(lang))
            }
            @if !i.outputs.is_empty() {
                div class="table-wrap" {
                    table {
                        caption { (lang.pick("Prestationer", "Outputs")) " " (period) }
                        thead { tr {
                            th scope="col" { (lang.pick("Mått", "Measure")) }
                            th scope="col" { (lang.pick("Planerat", "Planned")) }
                            th scope="col" { (lang.pick("Utfall", "Actual")) }
                        } }
                        tbody {
                            @for o in &i.outputs {
                                tr {
                                    th scope="row" { (o.name) @if !o.unit.is_empty() { " (" (o.unit) ")" } }
                                    td { (number_text(lang, o.planned)) }
                                    td { (number_text(lang, o.actual)) }
                                }
                            }
                        }
                    }
                }
            }
            @if !i.indicators.is_empty() {
                p class="muted" { (lang.pick("Följs upp med:", "Followed up with:")) " "
                    @for (n, t) in i.indicators.iter().enumerate() { @if n > 0 { "; " } (t.get(lang)) } }
            }
            @if let Some(note) = &i.follow_up {
                p { strong { (lang.pick("Uppföljning:", "Follow-up:")) } " " (note) }
            }
        }
    }
}
