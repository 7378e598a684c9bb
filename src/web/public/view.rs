//! Markup of the public page (`/trygghet`): per priority area what residents told us, what was
//! promised and what is done, then how to take part and what comes next.

use chrono::NaiveDate;
use maud::{Markup, html};

use crate::agreement::{Agreement, Promise};
use crate::collect::Wave;
use crate::entities::promise_follow_up;
use crate::evaluate::areas::{Area, AreaIndicator, Areas, HeadlineFigure};
use crate::evaluate::words::{value_text, value_with_unit};
use crate::i18n::Lang;
use crate::local_time::date_words;
use crate::plan::promises::PromiseState;
use crate::stats::trend::Verdict;
use crate::survey::{Statistic, SurveyCatalog};
use crate::web::evaluate::view::chart_of_series;
use crate::web::extract::PageCtx;
use crate::web::markup::layout;

/// An intervention of the action plan with a text for residents, as the public page shows it.
pub struct PublicIntervention {
    pub area: String,
    pub title: String,
    pub text: String,
    pub status: crate::plan::Status,
    pub start_year: i32,
    pub end_year: i32,
    /// Each output measure's name, unit and the sum of its actual values so far.
    pub outputs: Vec<(String, String, f64)>,
}

/// What the public page shows, as the handler read it.
pub struct PublicPage<'a> {
    /// The priority areas with their public indicators only.
    pub areas: &'a Areas,
    /// The agreement in force (or the one of the areas' year).
    pub agreement: Option<&'a Agreement>,
    pub today: NaiveDate,
    pub done: &'a [PublicIntervention],
    /// The promises' follow-ups.
    pub kept: &'a [promise_follow_up::Model],
    /// The open resident waves of public questionnaires.
    pub open: &'a [&'a Wave],
    /// The next public wave to open.
    pub next: Option<&'a Wave>,
    pub surveys: &'a SurveyCatalog,
}

/// The page: an introduction, how to take part, the priority areas, the promises for all areas
/// and what comes next.
pub fn page(ctx: &PageCtx, p: &PublicPage) -> Markup {
    let title = ctx.t(
        "Trygghet i kommunen: vad ni sa och vad vi gör",
        "Safety in the municipality: what you told us and what we do",
    );
    let survey_title = |id: &str| {
        p.surveys.get(id).map_or_else(
            || id.to_owned(),
            |l| l.survey.title.get(ctx.lang).to_owned(),
        )
    };
    let body = html! {
        div class="public-page" {
            (introduction(ctx, title, p.agreement))
            @if !p.open.is_empty() {
                (take_part(ctx, p.open, &survey_title))
            }
            @if p.areas.areas.iter().all(|a| a.indicators.is_empty()) {
                p { (ctx.t("Inga resultat är publicerade ännu.", "No results are published yet.")) }
            }
            (reading_help(ctx))
            (area_sections(ctx, p, &survey_title))
            @if let Some(a) = p.agreement {
                (general_promises(ctx, a, p))
            }
            (next_steps(ctx, p, &survey_title))
        }
    };
    layout(ctx, title, body)
}

/// The heading, what the page is, and the agreement the work follows.
fn introduction(ctx: &PageCtx, title: &str, agreement: Option<&Agreement>) -> Markup {
    html! {
        h1 { (title) }
        p class="lead" { (ctx.t(
            "Kommunen och polisen arbetar tillsammans för att fler ska vara och känna sig trygga. Här berättar vi vad ni svarade i våra undersökningar, vad vi har lovat och vad som händer härnäst.",
            "The municipality and the police work together so that more people are, and feel, safe. Here we tell you what you answered in our surveys, what we have promised, and what happens next."
        )) }
        @if let Some(a) = agreement {
            p { (ctx.t("Arbetet följer", "The work follows")) " " (a.title.get(ctx.lang)) ", "
                (date_words(a.starts, ctx.lang)) " – " (date_words(a.ends, ctx.lang)) ", "
                (ctx.t("mellan", "between")) " " (parties(ctx.lang, a)) "." }
        }
    }
}

/// The open waves' links.
fn take_part(ctx: &PageCtx, open: &[&Wave], survey_title: &dyn Fn(&str) -> String) -> Markup {
    html! {
        section class="take-part" aria-labelledby="take-part-h" {
            h2 id="take-part-h" { (ctx.t("Var med och svara", "Take part")) }
            @for w in open {
                p { (survey_title(&w.survey_id)) " " (w.period) " " (ctx.t("är öppen just nu.", "is open now.")) " "
                    a href=(format!("/s/{}", w.slug)) { (ctx.t("Svara på enkäten", "Answer the survey")) } }
            }
            p class="muted" { (ctx.t(
                "Svaren är anonyma. Siffrorna från en pågående undersökning visas först när den har stängt.",
                "The answers are anonymous. The figures of a survey under way are shown only once it has closed."
            )) }
        }
    }
}

/// The areas with something to show (figures, promises or interventions), with a table of
/// contents when there are several.
fn area_sections(ctx: &PageCtx, p: &PublicPage, survey_title: &dyn Fn(&str) -> String) -> Markup {
    let shown: Vec<&Area> = p
        .areas
        .areas
        .iter()
        .filter(|a| {
            !a.indicators.is_empty()
                || p.agreement
                    .is_some_and(|ag| promises_of(ag, &a.id, p.today).next().is_some())
                || p.done.iter().any(|d| d.area == a.id)
        })
        .collect();
    html! {
        @if shown.len() > 1 {
            nav class="toc" aria-labelledby="toc-h" {
                h2 id="toc-h" class="visually-hidden" { (ctx.t("Områden", "Areas")) }
                ul { @for a in &shown { li { a href=(format!("#area-{}", a.id)) { (a.title.get(ctx.lang)) } } } }
            }
        }
        @for area in shown {
            (area_section(ctx, area, (p.agreement, p.today, p.kept), survey_title, p.done))
        }
    }
}

/// The agreement's promises for no area in particular.
fn general_promises(ctx: &PageCtx, a: &Agreement, p: &PublicPage) -> Markup {
    let general: Vec<&Promise> = a
        .promises_on(p.today)
        .filter(|p| p.area.is_none())
        .collect();
    html! {
        @if !general.is_empty() {
            section aria-labelledby="promises-h" {
                h2 id="promises-h" { (ctx.t("Våra löften", "Our promises")) }
                @for promised in general { (promise(ctx, promised, p.kept)) }
            }
        }
    }
}

/// The next wave, the yearly follow-up and the end of the agreement.
fn next_steps(ctx: &PageCtx, p: &PublicPage, survey_title: &dyn Fn(&str) -> String) -> Markup {
    html! {
        section aria-labelledby="next-h" {
            h2 id="next-h" { (ctx.t("Vad händer härnäst", "What happens next")) }
            ul {
                @if let Some(w) = p.next {
                    li { (survey_title(&w.survey_id)) " " (w.period) " "
                        (ctx.t("öppnar", "opens")) " "
                        (w.opens_at.and_then(crate::local_time::stockholm_date).map(|d| date_words(d, ctx.lang)).unwrap_or_default()) "." }
                }
                li { (ctx.t(
                    "Varje år följer kommunen och polisen upp arbetet: vad som gjordes och hur läget har utvecklats. Uppföljningen redovisas här.",
                    "Every year the municipality and the police follow up the work: what was done and how things have developed. The follow-up is reported here."
                )) }
                @if let Some(a) = p.agreement {
                    li { (ctx.t("Överenskommelsen gäller till", "The agreement runs until")) " " (date_words(a.ends, ctx.lang))
                        (ctx.t(". Då görs en slutlig uppföljning av hela perioden.", ". A final follow-up of the whole period is made then.")) }
                }
            }
        }
    }
}
fn promises_of<'a>(
    agreement: &'a Agreement,
    area: &'a str,
    today: NaiveDate,
) -> impl Iterator<Item = &'a Promise> {
    agreement
        .promises_on(today)
        .filter(move |p| p.area.as_deref() == Some(area))
}

fn parties(lang: Lang, a: &Agreement) -> String {
    let names: Vec<String> = a
        .parties
        .iter()
        .map(|p| p.get(lang).to_lowercase())
        .collect();
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {} {last}", rest.join(", "), lang.pick("och", "and")),
        None => String::new(),
    }
}

fn reading_help(ctx: &PageCtx) -> Markup {
    html! {
        details class="help" {
            summary { (ctx.t("Så läser du siffrorna", "How to read the figures")) }
            p { (ctx.t(
                "Siffrorna bygger på dem som svarade, så de är osäkra: det sanna värdet ligger med stor sannolikhet inom det spann som anges. En förändring kallas säker bara när den är så stor att den knappast beror på slumpen i vilka som svarade.",
                "The figures rest on those who answered, so they are uncertain: the true value very likely lies within the range given. A change is called certain only when it is so large that it is hardly down to chance in who answered."
            )) }
            p { (ctx.t(
                "\"..\" betyder att siffran inte visas: för få svarade för att ingen ska kunna kännas igen.",
                "\"..\" means that the figure is not shown: too few answered for nobody to be recognisable."
            )) }
        }
    }
}

fn area_section(
    ctx: &PageCtx,
    area: &Area,
    (agreement, today, kept): (Option<&Agreement>, NaiveDate, &[promise_follow_up::Model]),
    survey_title: &dyn Fn(&str) -> String,
    done: &[PublicIntervention],
) -> Markup {
    let id = format!("area-{}", area.id);
    let here: Vec<&PublicIntervention> = done.iter().filter(|d| d.area == area.id).collect();
    html! {
        section class="public-area" aria-labelledby=(id) {
            h2 id=(id) { (area.title.get(ctx.lang)) }
            @if let Some(d) = &area.description { p { (d.get(ctx.lang)) } }
            @if !area.indicators.is_empty() {
                @let (first, more) = residents_first(area, agreement);
                h3 { (ctx.t("Det här svarade ni", "What you told us")) }
                div class="public-cards" {
                    @for i in &first { (indicator_card(ctx, i, survey_title)) }
                }
                @if !more.is_empty() {
                    details class="public-more" {
                        summary { (ctx.t("Fler resultat inom området", "More results in this area")) " (" (more.len()) ")" }
                        div class="public-cards" {
                            @for i in &more { (indicator_card(ctx, i, survey_title)) }
                        }
                    }
                }
            }
            @if let Some(a) = agreement {
                @let promises: Vec<&Promise> = promises_of(a, &area.id, today).collect();
                @if !promises.is_empty() {
                    h3 { (ctx.t("Det här har vi lovat", "What we have promised")) }
                    @for p in promises { (promise(ctx, p, kept)) }
                }
            }
            @if !here.is_empty() {
                h3 { (ctx.t("Det här gör vi och har gjort", "What we do and have done")) }
                @for d in here { (intervention(ctx, d)) }
            }
        }
    }
}

/// How many indicators an area shows before "more results" when its agreement names none.
const FIRST_SHOWN: usize = 3;

/// The area's indicators residents see first — those the agreement names for them
/// (`residents`), in its order, else the first three — and the others.
fn residents_first<'a>(
    area: &'a Area,
    agreement: Option<&Agreement>,
) -> (Vec<&'a AreaIndicator>, Vec<&'a AreaIndicator>) {
    let named: &[(String, String)] = agreement
        .and_then(|a| a.area(&area.id))
        .map_or(&[], |a| a.residents.as_slice());
    let first: Vec<&AreaIndicator> = named
        .iter()
        .filter_map(|(s, id)| {
            area.indicators
                .iter()
                .find(|i| &i.survey == s && &i.indicator == id)
        })
        .collect();
    if first.is_empty() {
        // None named, or none of those named is public: the first three.
        let all: Vec<&AreaIndicator> = area.indicators.iter().collect();
        let (first, more) = all.split_at(all.len().min(FIRST_SHOWN));
        return (first.to_vec(), more.to_vec());
    }
    let more = area
        .indicators
        .iter()
        .filter(|i| !first.iter().any(|f| std::ptr::eq(*f, *i)))
        .collect();
    (first, more)
}

/// A promise in force: what was promised, by whom, and how it went each year so far.
fn promise(ctx: &PageCtx, p: &Promise, kept: &[promise_follow_up::Model]) -> Markup {
    let years: Vec<(i32, PromiseState, &str)> = kept
        .iter()
        .filter(|f| f.promise_id == p.id)
        .filter_map(|f| Some((f.year, PromiseState::parse(&f.state)?, f.note.as_str())))
        .collect();
    html! {
        article class="citizen-promise" {
            h4 { (p.title.get(ctx.lang)) }
            p { (p.text.get(ctx.lang)) }
            p class="muted" { (ctx.t("Löftet gäller", "The promise runs")) " " (date_words(p.starts, ctx.lang)) " – " (date_words(p.ends, ctx.lang)) "." }
            @if !p.activities.is_empty() {
                ul {
                    @for a in &p.activities {
                        li { (a.text.get(ctx.lang)) " – "
                            (a.by.iter().map(|w| w.name(ctx.lang)).collect::<Vec<_>>().join(", ")) }
                    }
                }
            }
            @if !years.is_empty() {
                h5 { (ctx.t("Så har det gått", "How it has gone")) }
                ul class="promise-years" {
                    @for (year, state, note) in &years {
                        li { strong { (state.label(ctx.lang)) " " (year) "." } " " (note) }
                    }
                }
            }
        }
    }
}

fn indicator_card(
    ctx: &PageCtx,
    i: &AreaIndicator,
    survey_title: &dyn Fn(&str) -> String,
) -> Markup {
    let statistic = i.statistic;
    let grouped = i.headline_by.is_some();
    html! {
        article class="public-indicator" {
            h4 { (i.title.get(ctx.lang)) }
            p class="muted" { (survey_title(&i.survey)) @if let Some(p) = &i.period { " " (p) } }
            @for (n, h) in i.headline.iter().enumerate() {
                @if grouped { p class="group" { strong { (h.label.get(ctx.lang)) } } }
                p { (figure_words(ctx.lang, statistic, h)) }
                @if let Some(words) = change_words(ctx.lang, statistic, h) { p { (words) } }
                @if h.waves.iter().any(|w| w.figures.estimate.is_some()) {
                    @let chart_title = match grouped {
                        true => format!("{} – {}", i.title.get(ctx.lang), h.label.get(ctx.lang)),
                        false => i.title.get(ctx.lang).to_owned(),
                    };
                    div class="public-chart" {
                        (chart_of_series(ctx.lang, &format!("pub-{}-{}-{n}", i.survey, i.indicator), &chart_title, statistic, None, &series_of(h), &[]))
                    }
                }
            }
        }
    }
}

/// A headline row's waves as the chart takes them.
fn series_of(h: &HeadlineFigure) -> crate::evaluate::series::DomainSeries {
    crate::evaluate::series::DomainSeries {
        domain: Default::default(),
        waves: h.waves.clone(),
        changes: Vec::new(),
        change: None,
        trend: None,
        trend_note: None,
        verdict: None,
        target_status: None,
    }
}

/// "24 %, troligen mellan 22 och 27 %" — or why there is no figure.
fn figure_words(lang: Lang, statistic: Statistic, h: &HeadlineFigure) -> String {
    let Some(w) = &h.shown else {
        return lang
            .pick("Inga siffror ännu.", "No figures yet.")
            .to_owned();
    };
    match (w.figures.estimate, w.figures.ci_low, w.figures.ci_high) {
        (Some(e), Some(lo), Some(hi)) => match lang {
            Lang::Sv => format!(
                "{}: {}, troligen mellan {} och {}.",
                w.period,
                value_with_unit(lang, statistic, e),
                value_text(lang, statistic, lo),
                value_with_unit(lang, statistic, hi)
            ),
            Lang::En => format!(
                "{}: {}, most likely between {} and {}.",
                w.period,
                value_with_unit(lang, statistic, e),
                value_text(lang, statistic, lo),
                value_with_unit(lang, statistic, hi)
            ),
        },
        (Some(e), _, _) => format!("{}: {}.", w.period, value_with_unit(lang, statistic, e)),
        _ => format!(
            "{}: .. {}",
            w.period,
            lang.pick(
                "(visas inte: för få svarade)",
                "(not shown: too few answered)"
            )
        ),
    }
}

/// The change since the wave before, in words a resident reads: better, worse or about the same.
fn change_words(lang: Lang, statistic: Statistic, h: &HeadlineFigure) -> Option<String> {
    let c = h.change.as_ref()?;
    let higher = c.difference > 0.0;
    let size = crate::evaluate::words::amount_text(lang, statistic, c.difference);
    Some(match (c.verdict, lang) {
        (Verdict::NoSignificantChange, Lang::Sv) => {
            format!("Ungefär som {} – ingen säker förändring.", c.from_period)
        }
        (Verdict::NoSignificantChange, Lang::En) => {
            format!(
                "About the same as in {} – no certain change.",
                c.from_period
            )
        }
        (v, Lang::Sv) => format!(
            "{} än {} ({}) – {}.",
            if higher { "Högre" } else { "Lägre" },
            c.from_period,
            size,
            if v == Verdict::Improved {
                "en förbättring"
            } else {
                "en försämring"
            }
        ),
        (v, Lang::En) => format!(
            "{} than in {} ({}) – {}.",
            if higher { "Higher" } else { "Lower" },
            c.from_period,
            size,
            if v == Verdict::Improved {
                "an improvement"
            } else {
                "a worsening"
            }
        ),
    })
}

fn intervention(ctx: &PageCtx, d: &PublicIntervention) -> Markup {
    html! {
        article class="public-intervention" {
            h4 { (d.title) }
            p { (d.text) }
            p class="muted" {
                (d.status.label(ctx.lang)) " · " (d.start_year)
                @if d.end_year != d.start_year { "–" (d.end_year) }
            }
            @if !d.outputs.is_empty() {
                ul {
                    @for (name, unit, sum) in &d.outputs {
                        li { (name) ": " (ctx.lang.decimal(*sum, if sum.fract() == 0.0 { 0 } else { 1 }))
                            // "antal" (a count) says nothing after a number.
                            @if !unit.eq_ignore_ascii_case("antal") && !unit.is_empty() { " " (unit) } }
                    }
                }
            }
        }
    }
}
