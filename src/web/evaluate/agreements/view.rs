//! Markup of the agreements' pages: the list, the final follow-up (the web page and the printed
//! document with its cover), the confirmation of "mark final", and the form of a promise's
//! follow-up for a year.

use maud::{Markup, html};

use crate::agreement::AgreementCatalog;
use crate::evaluate::final_follow_up::{FinalData, FinalIndicator, FinalPromise, FinalShown};
use crate::evaluate::words::{difference_text, p_text, verdict_text, wave_text};
use crate::i18n::Lang;
use crate::plan::promises::{PromiseFollowUpForm, PromiseState};
use crate::stats::trend::TargetStatus;
use crate::store::reports::Row;
use crate::web::evaluate::overview::view::{Judged, badge};
use crate::web::evaluate::report::Print;
use crate::web::evaluate::report::view::{
    assembled_words, final_form, final_status_line, footer_css, intervention_markup,
    print_document, text, text_editor,
};
use crate::web::extract::PageCtx;
use crate::web::markup::forms::FormErrors;
use crate::web::markup::{csrf_field, layout};

/// The agreements, each with its period, areas, promises and the state of its final follow-up.
pub fn list(ctx: &PageCtx, agreements: &AgreementCatalog, rows: &[Row]) -> Markup {
    let title = ctx.t("Överenskommelser", "Agreements");
    let today = crate::local_time::today();
    layout(
        ctx,
        title,
        html! {
            h1 { (title) }
            p class="lead" { (ctx.t(
                "Samverkansöverenskommelserna mellan kommunen och polisen, med sina prioriterade områden och medborgarlöften. När en period är slut görs en slutlig uppföljning av hela perioden.",
                "The agreements between the municipality and the police, with their priority areas and citizen promises. When a period ends, a final follow-up covers the whole period."
            )) }
            @if agreements.iter().next().is_none() {
                p { (ctx.t("Inga överenskommelser är inlästa (katalogen agreements/).", "No agreements are loaded (the agreements/ directory).")) }
            }
            div class="stack" {
                @for a in agreements.iter().rev() {
                    section class="agreement" {
                        h2 { a href=(format!("/evaluate/agreements/{}{}", a.id, en_suffix(ctx))) { (a.title.get(ctx.lang)) } }
                        p {
                            (crate::local_time::date_words(a.starts, ctx.lang)) " – " (crate::local_time::date_words(a.ends, ctx.lang))
                            @if a.in_force_on(today) { " · " strong { (ctx.t("gäller nu", "in force")) } }
                        }
                        p { (ctx.t("Prioriterade områden:", "Priority areas:")) " "
                            @for (n, area) in a.areas.iter().enumerate() { @if n > 0 { ", " } (area.title.get(ctx.lang)) } }
                        p { (a.promises.len()) " " (ctx.t("medborgarlöften", "citizen promises")) " · "
                            @if rows.iter().any(|r| r.key == a.id && r.status == "final") {
                                (ctx.t("slutlig uppföljning fastställd", "final follow-up finalised"))
                            } @else {
                                (ctx.t("slutlig uppföljning: utkast", "final follow-up: draft"))
                            }
                        }
                    }
                }
            }
        },
    )
}

/// The final follow-up's web page: the texts can be written while it is a draft; "mark final",
/// or for an admin "open as a draft again" once final.
pub fn page(ctx: &PageCtx, id: &str, shown: &FinalShown, is_admin: bool) -> Markup {
    let editable = shown.finalized.is_none();
    let title = print_title(ctx.lang, &shown.data);
    let editor = |section: &str| -> Markup {
        if !editable {
            return html! {};
        }
        text_editor(
            ctx,
            &format!("/evaluate/agreements/{id}/texts/{section}"),
            section,
            shown.texts.get(section).map(String::as_str),
        )
    };
    let actions = html! {
        div class="report-actions no-print" {
            ul { li { a href=(format!("/evaluate/agreements/{id}/pdf{}", en_suffix(ctx))) { (ctx.t("Ladda ner som PDF", "Download as PDF")) } } }
            @if editable {
                p { a class="button" href=(format!("/evaluate/agreements/{id}/final{}", en_suffix(ctx))) {
                    (ctx.t("Markera som slutlig …", "Mark as final …"))
                } }
            } @else if is_admin {
                form method="post" action=(format!("/evaluate/agreements/{id}/reopen")) {
                    (csrf_field(ctx))
                    button type="submit" class="secondary" { (ctx.t("Öppna som utkast igen", "Open as a draft again")) }
                }
            }
        }
    };
    let head = html! {
        h1 { (title) }
        (facts(ctx.lang, shown))
        (actions)
    };
    let promise_link = |p: &FinalPromise, year: i32| -> Option<String> {
        editable.then(|| format!("/evaluate/agreements/{id}/promises/{}/{year}", p.id))
    };
    layout(
        ctx,
        &title,
        html! {
            p class="no-print" { a href="/evaluate/agreements" { (ctx.t("Alla överenskommelser", "Every agreement")) } }
            (body(ctx.lang, shown, head, &editor, &promise_link))
        },
    )
}

fn en_suffix(ctx: &PageCtx) -> &'static str {
    if ctx.lang == Lang::En { "?lang=en" } else { "" }
}

/// "Slutlig uppföljning 2023–2026".
pub fn print_title(lang: Lang, data: &FinalData) -> String {
    format!(
        "{} {}–{}",
        lang.pick("Slutlig uppföljning", "Final follow-up"),
        year_of(&data.starts),
        year_of(&data.ends)
    )
}

fn year_of(iso: &str) -> &str {
    iso.get(..4).unwrap_or(iso)
}

fn day_text(lang: Lang, iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").map_or_else(
        |_| iso.to_owned(),
        |d| crate::local_time::date_words(d, lang),
    )
}

/// The agreement's title, parties, period, the status and when the numbers were read.
fn facts(lang: Lang, shown: &FinalShown) -> Markup {
    let data = &shown.data;
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    html! {
        p class="lead" { (data.title.get(lang)) }
        dl class="facts" {
            dt { (t("Parter", "Parties")) }
            dd { @for (n, p) in data.parties.iter().enumerate() { @if n > 0 { ", " } (p.get(lang)) } }
            dt { (t("Period", "Period")) }
            dd { (day_text(lang, &data.starts)) " – " (day_text(lang, &data.ends)) }
            dt { (t("Siffrorna lästes", "Numbers read")) }
            dd { (assembled_words(lang, &data.assembled_at)) }
        }
        (final_status_line(lang, &shown.finalized))
    }
}

/// The printed cover: the municipality, the title, the parties and the period, the status.
fn cover(lang: Lang, shown: &FinalShown, print: &Print) -> Markup {
    let data = &shown.data;
    html! {
        div class="cover" {
            @if let Some(name) = print.municipality {
                p class="cover-municipality" { (name) }
            }
            p class="cover-kicker" { (lang.pick("Slutlig uppföljning", "Final follow-up")) }
            h1 { (data.title.get(lang)) }
            dl class="facts cover-facts" {
                dt { (lang.pick("Parter", "Parties")) }
                dd { @for (n, p) in data.parties.iter().enumerate() { @if n > 0 { ", " } (p.get(lang)) } }
                dt { (lang.pick("Period", "Period")) }
                dd { (day_text(lang, &data.starts)) " – " (day_text(lang, &data.ends)) }
                dt { (lang.pick("Utskriven", "Printed")) }
                dd { (crate::local_time::day_words(print.printed_at, lang)) }
            }
            (final_status_line(lang, &shown.finalized))
        }
    }
}

/// The whole follow-up as one printable document (cover, page numbers in the footer).
pub fn standalone(lang: Lang, shown: &FinalShown, print: &Print) -> Markup {
    let title = print_title(lang, &shown.data);
    print_document(
        lang,
        &title,
        &footer_css(lang, print, &title, shown.finalized.is_none()),
        body(
            lang,
            shown,
            cover(lang, shown, print),
            &|_| html! {},
            &|_, _| None,
        ),
    )
}

/// The address of a promise's follow-up form for a year, when the follow-up can still change.
type PromiseLink<'a> = dyn Fn(&FinalPromise, i32) -> Option<String> + 'a;

/// The follow-up's sections; `editor(section)` adds a draft's text form on the web page and
/// `promise_link(promise, year)` the link to a promise year's follow-up form.
fn body(
    lang: Lang,
    shown: &FinalShown,
    head: Markup,
    editor: &dyn Fn(&str) -> Markup,
    promise_link: &PromiseLink,
) -> Markup {
    let data = &shown.data;
    let draft = shown.finalized.is_none();
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    html! {
        header class="report-head" {
            (head)
            nav class="toc" aria-labelledby="h-toc" {
                h2 id="h-toc" { (t("Innehåll", "Contents")) }
                ol {
                    li { a href="#section-summary" { (t("Sammanfattning", "Summary")) } }
                    li { a href="#section-reading" { (t("Så läser du uppföljningen", "How to read the follow-up")) } }
                    @for area in &data.areas {
                        li { a href=(format!("#section-{}", area.id)) { (area.title.get(lang)) } }
                    }
                    li { a href="#section-promises" { (t("Medborgarlöften", "Citizen promises")) } }
                    li { a href="#section-method" { (t("Metod", "Method")) } }
                    li { a href="#section-next" { (t("Nästa period", "The next period")) } }
                }
            }
        }
        section id="section-summary" aria-labelledby="h-summary" {
            h2 id="h-summary" { (t("Sammanfattning", "Summary")) }
            (text(lang, &shown.texts, "summary", draft))
            (editor("summary"))
            (summary_table(lang, data))
        }
        section id="section-reading" aria-labelledby="h-reading" {
            h2 id="h-reading" { (t("Så läser du uppföljningen", "How to read the follow-up")) }
            p { (t(
                "Utgångsläget är den senaste avslutade undersökningsomgången före periodens första år. Det jämförs med den senaste omgången under perioden. Inom parentes står 95-procentigt konfidensintervall: det sanna värdet ligger med stor sannolikhet där.",
                "The baseline is the latest closed survey wave before the period's first year. It is compared with the latest wave within the period. In brackets is the 95 % confidence interval: the true value very likely lies within it."
            )) }
            p { (t(
                "Förändringen kallas säker när den är statistiskt signifikant (p < 0,05); annars kan skillnaden bero på slumpen i vilka som svarade. Trenden är förändringen per år över omgångarna under perioden, när de är minst tre. Ett mål räknas som nått när hela intervallet ligger på rätt sida om målet.",
                "The change is called certain when it is statistically significant (p < 0.05); otherwise the difference may be down to chance in who answered. The trend is the change per year over the waves within the period, when there are at least three. A target counts as met when the whole interval lies on the right side of it."
            )) }
            p { (t(
                "\"..\" betyder att uppgiften inte visas: för få svarade, eller den skulle tillsammans med andra uppgifter visa vad en grupp på färre än fem eller tio personer svarade.",
                "\"..\" means the figure is not shown: too few answered, or together with other figures it would show what a group of fewer than five or ten people answered."
            )) }
        }
        @for area in &data.areas {
            section id=(format!("section-{}", area.id)) aria-labelledby=(format!("h-{}", area.id)) {
                h2 id=(format!("h-{}", area.id)) { (area.title.get(lang)) }
                p class="muted" { (area.description.get(lang)) }
                (text(lang, &shown.texts, &area.id, draft))
                (editor(&area.id))
                @let table_id = format!("ind-{}", area.id);
                h3 id=(table_id) { (t("Indikatorer: utgångsläge och senaste mätning", "Indicators: baseline and latest measurement")) }
                @if area.indicators.is_empty() {
                    p class="muted" { (t("Inga indikatorer följer området.", "No indicators follow the area.")) }
                } @else {
                    div class="table-wrap" tabindex="0" role="region" aria-labelledby=(table_id) {
                        table class="stack-table" {
                            thead { tr {
                                th scope="col" { (t("Indikator", "Indicator")) }
                                th scope="col" { (t("Utgångsläge", "Baseline")) }
                                th scope="col" { (t("Senast", "Latest")) }
                                th scope="col" { (t("Förändring", "Change")) }
                                th scope="col" { (t("Trend under perioden", "Trend within the period")) }
                                th scope="col" { (t("Mål", "Target")) }
                            } }
                            tbody { @for i in &area.indicators { (indicator_row(lang, i)) } }
                        }
                    }
                }
                h3 { (t("Insatser under perioden", "Interventions during the period")) }
                @if area.interventions.is_empty() {
                    p class="muted" { (t("Inga insatser under perioden.", "No interventions during the period.")) }
                }
                @let period = format!("{}–{}", year_of(&data.starts), year_of(&data.ends));
                @for i in &area.interventions {
                    (intervention_markup(lang, &period, i))
                }
                (measures_section(lang, area))
            }
        }
        section id="section-promises" aria-labelledby="h-promises" {
            h2 id="h-promises" { (t("Medborgarlöften", "Citizen promises")) }
            (text(lang, &shown.texts, "promises", draft))
            (editor("promises"))
            @if data.promises.is_empty() {
                p class="muted" { (t("Överenskommelsen har inga medborgarlöften.", "The agreement has no citizen promises.")) }
            }
            @for p in &data.promises { (promise_markup(lang, data, p, promise_link)) }
        }
        section id="section-method" aria-labelledby="h-method" {
            h2 id="h-method" { (t("Metod", "Method")) }
            (text(lang, &shown.texts, "method", draft))
            (editor("method"))
            p { (t(
                "Siffrorna är trygghetsundersökningarnas publicerade skattningar med 95-procentiga konfidensintervall, beräknade som i R:s survey-paket. Förändringen mellan utgångsläget och den senaste omgången prövas som skillnaden mellan två oberoende skattningar. Uppgifter som skulle kunna röja enskilda svarande visas inte (\"..\").",
                "The figures are the surveys' published estimates with 95 % confidence intervals, computed as R's survey package does. The change between baseline and latest wave is tested as the difference of two independent estimates. Figures that could reveal individual respondents are not shown (\"..\")."
            )) }
        }
        section id="section-next" aria-labelledby="h-next" {
            h2 id="h-next" { (t("Nästa period", "The next period")) }
            (text(lang, &shown.texts, "next", draft))
            (editor("next"))
        }
    }
}

/// Per area: indicators better, similar and worse since the baseline, targets met, and the
/// interventions done, ongoing and cancelled.
fn summary_table(lang: Lang, data: &FinalData) -> Markup {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let count = |v: Vec<bool>| v.into_iter().filter(|b| *b).count();
    html! {
        div class="table-wrap" tabindex="0" role="region" aria-labelledby="h-summary" {
            table {
                caption { (t("Perioden i siffror: indikatorer jämfört med utgångsläget, och insatserna", "The period in figures: indicators against the baseline, and the interventions")) }
                thead { tr {
                    th scope="col" { (t("Område", "Area")) }
                    th scope="col" { (t("Bättre", "Better")) }
                    th scope="col" { (t("Ingen säker förändring", "No certain change")) }
                    th scope="col" { (t("Sämre", "Worse")) }
                    th scope="col" { (t("Mål nådda", "Targets met")) }
                    th scope="col" { (t("Insatser genomförda / pågår / avbrutna", "Interventions done / ongoing / cancelled")) }
                } }
                tbody {
                    @for a in &data.areas {
                        @let verdicts: Vec<_> = a.indicators.iter().filter_map(|i| i.change.as_ref().map(|c| c.verdict)).collect();
                        @let targets: Vec<_> = a.indicators.iter().filter_map(|i| i.target_status).collect();
                        @let status = |s: &str| a.interventions.iter().filter(|i| i.status == s).count();
                        tr {
                            th scope="row" { (a.title.get(lang)) }
                            td { (count(verdicts.iter().map(|v| Judged::of_verdict(*v) == Judged::Better).collect())) }
                            td { (count(verdicts.iter().map(|v| Judged::of_verdict(*v) == Judged::Similar).collect())) }
                            td { (count(verdicts.iter().map(|v| Judged::of_verdict(*v) == Judged::Worse).collect())) }
                            td { (count(targets.iter().map(|s| *s == TargetStatus::Met).collect())) " " (t("av", "of")) " " (targets.len()) }
                            td { (status("done")) " / " (status("ongoing") + status("delayed") + status("not-started")) " / " (status("cancelled")) }
                        }
                    }
                }
            }
        }
    }
}

fn indicator_row(lang: Lang, i: &FinalIndicator) -> Markup {
    let stat = i.statistic;
    let wave = |w: &Option<crate::evaluate::series::SeriesWave>| -> Markup {
        match w {
            Some(w) => {
                html! { span class="wave-year" { (w.period) ": " } (wave_text(lang, stat, w)) }
            }
            None => html! { span class="muted" { (lang.pick("ingen omgång", "no wave")) } },
        }
    };
    html! {
        tr {
            th scope="row" {
                (i.title.get(lang))
                @if let Some(g) = &i.group { " – " (g.get(lang)) }
                br; span class="muted small" { (i.survey_title.get(lang)) }
            }
            td data-label=(lang.pick("Utgångsläge", "Baseline")) { (wave(&i.baseline)) }
            td data-label=(lang.pick("Senast", "Latest")) { (wave(&i.latest)) }
            td data-label=(lang.pick("Förändring", "Change")) {
                @match &i.change {
                    Some(c) => {
                        (badge(Judged::of_verdict(c.verdict))) " "
                        (verdict_text(lang, c.verdict)) ": " (difference_text(lang, stat, c.difference))
                        " (" (p_text(lang, c.p)) ")"
                    },
                    None => span class="muted" { (lang.pick("kan inte prövas", "cannot be tested")) },
                }
            }
            td data-label=(lang.pick("Trend under perioden", "Trend within the period")) {
                @match &i.trend {
                    Some(tr) => {
                        (badge(Judged::of_verdict(tr.verdict))) " "
                        (verdict_text(lang, tr.verdict)) ": " (difference_text(lang, stat, tr.slope)) " " (lang.pick("per år", "per year"))
                        " (" (tr.periods.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")) ")"
                    },
                    None => span class="muted" { (lang.pick("för få omgångar", "too few waves")) },
                }
            }
            td data-label=(lang.pick("Mål", "Target")) class=[i.target.is_none().then_some("none")] {
                @match (i.target, i.target_status) {
                    (Some(target), Some(s)) => {
                        (badge(Judged::of_target(s))) " "
                        (target_words(lang, s)) " (" (crate::evaluate::words::value_with_unit(lang, stat, target)) ")"
                    },
                    (Some(target), None) => { (crate::evaluate::words::value_with_unit(lang, stat, target)) },
                    _ => span class="muted" { "–" },
                }
            }
        }
    }
}

fn target_words(lang: Lang, s: TargetStatus) -> &'static str {
    match s {
        TargetStatus::Met => lang.pick("nått", "met"),
        TargetStatus::NotMet => lang.pick("inte nått", "not met"),
        TargetStatus::Inconclusive => lang.pick("oklart", "inconclusive"),
    }
}

fn promise_judged(s: PromiseState) -> Judged {
    match s {
        PromiseState::Kept => Judged::Better,
        PromiseState::Partly | PromiseState::Ongoing => Judged::Similar,
        PromiseState::NotKept => Judged::Worse,
    }
}

fn promise_markup(
    lang: Lang,
    data: &FinalData,
    p: &FinalPromise,
    promise_link: &PromiseLink,
) -> Markup {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let (first, last) = (
        year_of(&p.starts).parse::<i32>().unwrap_or(0),
        year_of(&p.ends).parse::<i32>().unwrap_or(0),
    );
    let area = p
        .area
        .as_ref()
        .and_then(|id| data.areas.iter().find(|a| &a.id == id));
    html! {
        article class="report-panel promise-panel" id=(format!("promise-{}", p.id)) {
            h3 { (p.title.get(lang)) " " span class="muted" { (year_of(&p.starts)) "–" (year_of(&p.ends)) } }
            blockquote { p { (p.text.get(lang)) } }
            @if let Some(area) = area {
                p class="muted" { (t("Prioriterat område:", "Priority area:")) " " (area.title.get(lang)) }
            }
            @if !p.activities.is_empty() {
                h4 { (t("Aktiviteter", "Activities")) }
                ul { @for (what, by) in &p.activities { li { (what.get(lang)) " – " em { (by.get(lang)) } } } }
            }
            h4 { (t("Så höll löftet", "How the promise held")) }
            p {
                strong { (t("Hela perioden:", "Over its period:")) } " "
                @match p.overall {
                    Some(s) => { (badge(promise_judged(s))) " " (s.label(lang)) },
                    None => span class="muted" { (t("inte följt upp ännu", "not followed up yet")) },
                }
            }
            div class="table-wrap" tabindex="0" role="region" aria-label=(format!("{} {}", t("Uppföljning per år:", "Follow-up per year:"), p.title.get(lang))) {
                table {
                    thead { tr {
                        th scope="col" { (t("År", "Year")) }
                        th scope="col" { (t("Höll löftet?", "Kept?")) }
                        th scope="col" { (t("Vad som gjordes", "What was done")) }
                    } }
                    tbody {
                        @for year in first..=last {
                            @let f = p.follow_ups.iter().find(|f| f.year == year);
                            tr {
                                th scope="row" { (year) }
                                td { @match f { Some(f) => { (badge(promise_judged(f.state))) " " (f.state.label(lang)) }, None => span class="muted" { "–" } } }
                                td {
                                    @if let Some(f) = f { (f.note) " " }
                                    @if let Some(href) = promise_link(p, year) {
                                        a class="no-print" href=(href) {
                                            (if f.is_some() { t("Ändra", "Change") } else { t("Följ upp året", "Follow up the year") })
                                            span class="visually-hidden" { " " (year) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !p.interventions.is_empty() {
                p { strong { (t("Insatser:", "Interventions:")) } " " (p.interventions.join("; ")) }
            }
        }
    }
}

pub fn confirmation(ctx: &PageCtx, id: &str, shown: &FinalShown) -> Markup {
    let title = match ctx.lang {
        Lang::Sv => format!("Markera den slutliga uppföljningen {id} som slutlig?"),
        Lang::En => format!("Mark the final follow-up {id} as final?"),
    };
    let sections: Vec<(String, String)> = [("summary", ctx.t("Sammanfattning", "Summary"))]
        .into_iter()
        .map(|(s, n)| (s.to_owned(), n.to_owned()))
        .chain(
            shown
                .data
                .areas
                .iter()
                .map(|a| (a.id.clone(), a.title.get(ctx.lang).to_owned())),
        )
        .chain([
            (
                "promises".to_owned(),
                ctx.t("Medborgarlöften", "Citizen promises").to_owned(),
            ),
            ("method".to_owned(), ctx.t("Metod", "Method").to_owned()),
            (
                "next".to_owned(),
                ctx.t("Nästa period", "The next period").to_owned(),
            ),
        ])
        .collect();
    let missing: Vec<&str> = sections
        .iter()
        .filter(|(s, _)| shown.texts.get(s).is_none_or(|t| t.trim().is_empty()))
        .map(|(_, n)| n.as_str())
        .collect();
    let back = format!("/evaluate/agreements/{id}{}", en_suffix(ctx));
    layout(
        ctx,
        &title,
        html! {
            p { a href=(back) { (ctx.t("Tillbaka till uppföljningen", "Back to the follow-up")) } }
            h1 { (title) }
            p { (ctx.t(
                "När uppföljningen är slutlig låses siffrorna, medborgarlöftenas uppföljning och texterna som de är nu. Den ändras inte när nya omgångar kommer in, och PDF-filen visar samma sak varje gång. Bara en administratör kan öppna den som utkast igen; händelsen skrivs i loggen.",
                "Once the follow-up is final its numbers, the promises' follow-up and the texts are locked as they are now. It does not change when new waves come in, and the PDF shows the same every time. Only an administrator can open it as a draft again; the event is written to the log."
            )) }
            @if !missing.is_empty() {
                div class="warning" role="note" {
                    p { strong { (ctx.t("Avsnitt utan text:", "Sections without a text:")) } " " (missing.join(", ")) "." }
                }
            }
            (final_form(ctx, &format!("/evaluate/agreements/{id}/final"), &back))
        },
    )
}

pub fn promise_page(
    ctx: &PageCtx,
    agreement: &str,
    p: &crate::agreement::Promise,
    year: i32,
    form: &PromiseFollowUpForm,
    errors: &FormErrors,
) -> Markup {
    let title = format!(
        "{} {year}: {}",
        ctx.t("Uppföljning", "Follow-up"),
        p.title.get(ctx.lang)
    );
    let back = format!("/evaluate/agreements/{agreement}#promise-{}", p.id);
    layout(
        ctx,
        &title,
        html! {
            p { a href=(back) { (ctx.t("Tillbaka till uppföljningen", "Back to the follow-up")) } }
            h1 { (title) }
            (errors.summary(ctx))
            blockquote { p { (p.text.get(ctx.lang)) } }
            form method="post" class="stack" novalidate {
                (csrf_field(ctx))
                fieldset class=[errors.has("state-kept").then_some("has-error")] aria-describedby=[errors.described_by("state-kept", None)] {
                    legend { (ctx.t("Höll löftet det här året?", "Was the promise kept this year?")) }
                    (errors.at_field(ctx, "state-kept"))
                    @for s in PromiseState::ALL {
                        div class="choice" {
                            input type="radio" name="state" id=(format!("state-{}", s.id())) value=(s.id()) checked[form.state == s.id()];
                            label for=(format!("state-{}", s.id())) { (s.label(ctx.lang)) }
                        }
                    }
                }
                div class=(if errors.has("note") { "field has-error" } else { "field" }) {
                    label for="note" { (ctx.t("Vad som gjordes", "What was done")) }
                    p class="hint" id="note-hint" { (ctx.t("Skriv för invånare och politiker: vad gjordes för löftet, och vad blev inte av?", "Write for residents and politicians: what was done for the promise, and what did not happen?")) }
                    (errors.at_field(ctx, "note"))
                    textarea id="note" name="note" rows="6" aria-describedby=[errors.described_by("note", Some("note-hint"))] aria-invalid=[errors.has("note").then_some("true")] { (form.note) }
                }
                div class="actions" {
                    button type="submit" { (ctx.t("Spara uppföljningen", "Save the follow-up")) }
                    a href=(back) { (ctx.t("Avbryt", "Cancel")) }
                }
            }
        },
    )
}

/// The measures over the period: the first and the last year with a figure, the municipality's
/// change between them and the country's value in the last year.
fn measure_table(lang: Lang, measures: &[&crate::evaluate::lagesbild::MeasureSeries]) -> Markup {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let num = |v: f64| crate::web::evaluate::lagesbild::view::series_number(lang, v);
    html! {
        div class="table-wrap" tabindex="0" role="region" aria-label=(t("Lägesbildens mått", "Measures of the situation picture")) {
            table class="stack-table" {
                thead { tr {
                    th scope="col" { (t("Mått", "Measure")) }
                    th scope="col" { (t("Före perioden", "Before the period")) }
                    th scope="col" { (t("Senast", "Latest")) }
                    th scope="col" { (t("Förändring", "Change")) }
                    th scope="col" { (t("Riket, senast", "Sweden, latest")) }
                } }
                tbody {
                    @for m in measures {
                        @let (first, last) = (m.municipality.first(), m.municipality.last());
                        tr {
                            th scope="row" { (m.title) br; span class="muted small" { (m.source) } }
                            td data-label=(t("Före perioden", "Before the period")) { @if let Some(v) = first { (v.period) ": " (num(v.value)) } }
                            td data-label=(t("Senast", "Latest")) { @if let Some(v) = last { (v.period) ": " (num(v.value)) } }
                            td data-label=(t("Förändring", "Change")) {
                                @if let (Some(a), Some(b)) = (first, last) {
                                    @if a.value != 0.0 { (signed_percent(lang, (b.value - a.value) / a.value * 100.0)) }
                                }
                            }
                            td data-label=(t("Riket, senast", "Sweden, latest")) {
                                @if let Some(v) = last.and_then(|l| m.country.iter().find(|c| c.period == l.period)) { (num(v.value)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// "+4 %", "−12 %", "0 %".
fn signed_percent(lang: Lang, pct: f64) -> String {
    let rounded = pct.round();
    let sign = if rounded > 0.0 {
        "+"
    } else if rounded < 0.0 {
        "−"
    } else {
        ""
    };
    format!("{sign}{} %", lang.decimal(rounded.abs(), 0))
}

/// An area's lägesbild measures over the period, or which ones the agreement follows when no
/// figures are imported.
fn measures_section(lang: Lang, area: &crate::evaluate::final_follow_up::FinalArea) -> Markup {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    html! {
        @if !area.measures.is_empty() {
            h3 { (t("Lägesbildens mått", "Measures of the situation picture")) }
            @let with_figures: Vec<_> = area.series.iter().filter(|m| !m.municipality.is_empty()).collect();
            @if with_figures.is_empty() {
                p class="muted" {
                    (t("Överenskommelsen följer också: ", "The agreement also follows: "))
                    (area.measures.join(", ")) ". "
                    (t("Siffrorna visas här när källorna för lägesbilden (Kolada, Brå, felanmälningar) har lästs in i trygg.",
                       "The figures are shown here once the situation picture's sources (Kolada, Brå, fault reports) have been brought into trygg."))
                }
            } @else {
                (measure_table(lang, &with_figures))
            }
        }
    }
}
