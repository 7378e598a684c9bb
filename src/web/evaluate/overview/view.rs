//! Markup of the overview (`/evaluate`): the pickers, the waves shown and still collecting, and
//! per priority area a summary and a card per indicator; the verdict badges the other evaluation
//! pages share.

use maud::{Markup, html};

use crate::evaluate::areas::{AreaIndicator, Areas, HeadlineFigure};
use crate::evaluate::compare::Standing;
use crate::evaluate::report::VerdictCounts;
use crate::evaluate::series::{SeriesWave, WaveMark};
use crate::evaluate::words::{difference_text, value_with_unit, verdict_text, wave_text};
use crate::i18n::Lang;
use crate::stats::trend::{TargetStatus, Verdict};
use crate::survey::{Better, LoadedSurvey, Statistic};
use crate::web::AppState;
use crate::web::evaluate::unreliable;
use crate::web::evaluate::view::how_to_read;
use crate::web::extract::PageCtx;
use crate::web::markup::layout;

/// How a verdict reads: better, similar or worse — a word, a shape and (only besides) a colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::web::evaluate) enum Judged {
    Better,
    Similar,
    Worse,
}

impl Judged {
    pub(in crate::web::evaluate) fn of_verdict(v: Verdict) -> Judged {
        match v {
            Verdict::Improved => Judged::Better,
            Verdict::Worsened => Judged::Worse,
            Verdict::NoSignificantChange => Judged::Similar,
        }
    }

    fn of_standing(s: Standing) -> Judged {
        match s {
            Standing::Better => Judged::Better,
            Standing::Similar => Judged::Similar,
            Standing::Worse => Judged::Worse,
        }
    }

    pub(in crate::web::evaluate) fn of_target(t: TargetStatus) -> Judged {
        match t {
            TargetStatus::Met => Judged::Better,
            TargetStatus::Inconclusive => Judged::Similar,
            TargetStatus::NotMet => Judged::Worse,
        }
    }

    fn class(self) -> &'static str {
        match self {
            Judged::Better => "judged better",
            Judged::Similar => "judged similar",
            Judged::Worse => "judged worse",
        }
    }

    /// The shape's symbol: a tick in a circle, an equals sign in a square, a cross in a diamond.
    fn symbol(self) -> &'static str {
        match self {
            Judged::Better => "✓",
            Judged::Similar => "=",
            Judged::Worse => "✗",
        }
    }
}

/// A verdict's shape and symbol (its word follows in the text).
pub(in crate::web::evaluate) fn badge(judged: Judged) -> Markup {
    html! { span class=(judged.class()) aria-hidden="true" { span { (judged.symbol()) } } }
}

/// What the overview shows, as the handler read it.
pub struct Overview<'a> {
    pub areas: &'a Areas,
    /// The questionnaire picked (`?survey=`), if any.
    pub survey_filter: &'a Option<String>,
    /// A year asked for that has no published wave (the latest is shown instead).
    pub asked_missing: Option<i32>,
    /// The open waves by name, with their responses so far.
    pub collecting: &'a [(String, u64)],
    /// The questionnaires with indicators, for the picker.
    pub surveys: &'a [&'a LoadedSurvey],
}

/// The overview page.
pub fn page(ctx: &PageCtx, state: &AppState, p: &Overview) -> Markup {
    let title = ctx.t(
        "Uppföljning per prioriterat område",
        "Follow-up by priority area",
    );
    let Overview {
        areas,
        survey_filter,
        asked_missing,
        collecting,
        surveys,
    } = *p;
    layout(
        ctx,
        title,
        html! {
          div class="overview" {
            h1 { (title) }
            ul class="see-also" {
                li { a href="/evaluate/plan" { (ctx.t("Åtgärdsplanen: insatserna och deras uppföljning", "The action plan: the interventions and their follow-up")) } }
                li { a href="/evaluate/report" { (ctx.t("Årlig uppföljning: rapporten per år, som PDF", "Annual evaluation: the report per year, as PDF")) } }
            }
            form method="get" action="/evaluate" class="picker" {
                @if !areas.years.is_empty() {
                    div class="field" {
                        label for="year" { (ctx.t("År", "Year")) }
                        select id="year" name="year" {
                            @for y in areas.years.iter().rev() {
                                option value=(y) selected[areas.year == Some(*y)] { (y) }
                            }
                        }
                    }
                }
                div class="field" {
                    label for="survey" { (ctx.t("Enkät", "Survey")) }
                    select id="survey" name="survey" {
                        option value="" selected[survey_filter.is_none()] { (ctx.t("Alla enkäter", "Every survey")) }
                        @for l in surveys {
                            option value=(l.survey.id) selected[survey_filter.as_deref() == Some(l.survey.id.as_str())] { (l.survey.title.get(ctx.lang)) }
                        }
                    }
                }
                button type="submit" class="secondary" { (ctx.t("Visa", "Show")) }
            }
            @if let Some(y) = asked_missing {
                p class="notice" { (ctx.t("Ingen omgång från", "No wave from")) " " (y) " " (ctx.t("är publicerad; här visas det senaste året.", "is published; the latest year is shown.")) }
            }
            (open_waves(ctx, collecting))
            @if areas.year.is_none() {
                p { (ctx.t("Ingen omgång är publicerad ännu: siffrorna publiceras när en omgång har stängt.", "No wave is published yet: figures are published once a wave has closed.")) }
            } @else {
                (waves_shown(ctx, state, areas))
                (how_to_read(ctx))
                (judged_help(ctx))
                nav aria-labelledby="areas-nav" class="toc" {
                    h2 id="areas-nav" class="visually-hidden" { (ctx.t("Områden", "Areas")) }
                    ul {
                        @for area in areas.areas.iter().filter(|a| !a.indicators.is_empty()) {
                            li { a href=(format!("#area-{}", area.id)) { (area.title.get(ctx.lang)) } " (" (area.indicators.len()) ")" }
                        }
                    }
                }
                @for area in areas.areas.iter().filter(|a| !a.indicators.is_empty()) {
                    section aria-labelledby=(format!("area-{}", area.id)) {
                        h2 id=(format!("area-{}", area.id)) { (area.title.get(ctx.lang)) }
                        @if let Some(d) = &area.description { p class="area-description" { (d.get(ctx.lang)) } }
                        (area_summary(ctx, &area.indicators))
                        div class="cards" {
                            @for indicator in &area.indicators {
                                (card(ctx, state, areas, indicator))
                            }
                        }
                    }
                }
            }
          }
        },
    )
}

/// The waves still collecting, with their responses so far: their figures are not shown yet.
fn open_waves(ctx: &PageCtx, collecting: &[(String, u64)]) -> Markup {
    html! {
        @for (name, responses) in collecting {
            p class="notice" {
                (name) " " (ctx.t("pågår", "is open")) ": "
                (ctx.lang.number(i128::from(*responses))) " "
                (if *responses == 1 { ctx.t("svar hittills", "response so far") } else { ctx.t("svar hittills", "responses so far") }) ". "
                (ctx.t(
                    "Siffrorna publiceras när omgången har stängt; innan dess skulle varje nytt svar gå att läsa ut ur hur siffrorna ändras. Här visas de publicerade omgångarna.",
                    "Its figures are published once it has closed; before that, each new answer could be read off how the figures change. The published waves are shown here."
                ))
            }
        }
    }
}

/// Which wave of each questionnaire the page shows, with what sets it apart.
fn waves_shown(ctx: &PageCtx, state: &AppState, areas: &Areas) -> Markup {
    let mut shown: Vec<(&str, &str, &SeriesWave)> = Vec::new();
    for i in areas.areas.iter().flat_map(|a| &a.indicators) {
        if shown.iter().any(|(s, _, _)| *s == i.survey) {
            continue;
        }
        if let Some(w) = i.headline.first().and_then(|h| h.shown.as_ref()) {
            let title = state
                .surveys
                .get(&i.survey)
                .map_or(i.survey.as_str(), |l| l.survey.title.get(ctx.lang));
            shown.push((&i.survey, title, w));
        }
    }
    html! {
        p class="lead" {
            (ctx.t("Siffrorna för", "The figures for")) " " strong { (areas.year.unwrap_or_default()) } ": "
            (ctx.t("varje enkäts senaste publicerade omgång till och med det året.", "each survey's latest published wave up to that year."))
            @if let Some(a) = areas.agreement.as_deref().and_then(|id| state.agreements.get(id)) {
                " " (ctx.t("Områdena är överenskommelsens:", "The areas are those of the agreement:")) " "
                a href=(format!("/evaluate/agreements/{}", a.id)) { (a.title.get(ctx.lang)) }
                " (" (crate::local_time::date_words(a.starts, ctx.lang)) " – " (crate::local_time::date_words(a.ends, ctx.lang)) ")."
            }
        }
        @if shown.iter().any(|(s, _, _)| state.surveys.get(s).is_some_and(|l| l.survey.headline_by.is_some())) {
            p class="muted" { (ctx.t(
                "Skolenkätens siffror redovisas per årskurs, årskurs 9 och gymnasiet år 2 var för sig, som i CAN:s och Ungdatas rapporter. Siffran för alla elever tillsammans finns på varje indikators sida.",
                "The school survey's figures are shown per grade, year 9 and upper-secondary year 2 apart, as in CAN's and Ungdata's reports. The figure for all pupils together is on each indicator's page."
            )) }
        }
        ul class="waves-shown" {
            @for (_, title, w) in &shown {
                li {
                    strong { (title) " " (w.period) } ": "
                    (ctx.lang.number(i128::from(w.responses))) " " (ctx.t("svar", "responses"))
                    ", " (ctx.t("publicerad", "published")) " " (w.published)
                    @if areas.year.is_some_and(|y| w.period != y) {
                        " – " strong { (ctx.t("ingen omgång", "no wave")) " " (areas.year.unwrap_or_default()) }
                    }
                    (marks_text(ctx.lang, w))
                }
            }
        }
    }
}

fn judged_help(ctx: &PageCtx) -> Markup {
    html! {
        p class="judged-help" {
            (badge(Judged::Better)) " " (ctx.t("bättre, förbättring, målet nått", "better, improving, target met")) " · "
            (badge(Judged::Similar)) " " (ctx.t("likartat eller ingen säker förändring", "similar or no certain change")) " · "
            (badge(Judged::Worse)) " " (ctx.t("sämre, försämring, målet inte nått", "worse, worsening, target not met")) ". "
            (ctx.t(
                "Bedömningarna görs med 95-procentiga intervall, inte med punktvärdet.",
                "The judgements are made with 95 % intervals, not with the point value."
            ))
        }
    }
}

/// An area's verdicts counted over its headline rows: since the wave before and over the trend.
fn area_summary(ctx: &PageCtx, indicators: &[AreaIndicator]) -> Markup {
    let mut change = VerdictCounts::default();
    let mut trend = VerdictCounts::default();
    for h in indicators.iter().flat_map(|i| &i.headline) {
        change.add(h.change.as_ref().map(|c| c.verdict));
        trend.add(h.trend.as_ref().map(|t| t.verdict));
    }
    let (yb, yw, ys) = (change.improved, change.worsened, change.no_certain_change);
    let (tb, tw, ts) = (trend.improved, trend.worsened, trend.no_certain_change);
    html! {
        p class="area-summary" {
            (ctx.t("Sedan förra omgången", "Since the wave before")) ": "
            (yb) " " (ctx.t("förbättringar", "improvements")) ", " (yw) " " (ctx.t("försämringar", "worsenings")) ", "
            (ys) " " (ctx.t("utan säker förändring", "without certain change")) ". "
            (ctx.t("Trend över omgångarna", "Trend over the waves")) ": "
            (tb) " " (ctx.t("förbättras", "improving")) ", " (tw) " " (ctx.t("försämras", "worsening")) ", "
            (ts) " " (ctx.t("utan säker trend", "without certain trend")) "."
        }
    }
}

fn card(ctx: &PageCtx, state: &AppState, areas: &Areas, i: &AreaIndicator) -> Markup {
    let loaded = state.surveys.get(&i.survey);
    let survey_title = loaded.map_or(i.survey.as_str(), |l| l.survey.title.get(ctx.lang));
    let statistic = i.statistic;
    let id = format!("ind-{}-{}", i.survey, i.indicator);
    let href = match &i.wave {
        Some(w) => format!("/evaluate/indicators/{}/{}?wave={w}", i.survey, i.indicator),
        None => format!("/evaluate/indicators/{}/{}", i.survey, i.indicator),
    };
    let grouped = i.headline_by.is_some();
    let better = match i.better {
        Better::Higher => ctx.t("högre är bättre", "higher is better"),
        Better::Lower => ctx.t("lägre är bättre", "lower is better"),
    };
    html! {
        article class="indicator" aria-labelledby=(format!("{id}-h")) {
            h3 id=(format!("{id}-h")) { a href=(href) { (i.title.get(ctx.lang)) } }
            p class="muted source" {
                (survey_title)
                @if let Some(p) = &i.period { " " (p) }
                " · " (better)
                @if areas.year.is_some_and(|y| i.period.is_some_and(|p| p != y)) {
                    " · " strong { (ctx.t("ingen omgång", "no wave")) " " (areas.year.unwrap_or_default()) }
                }
            }
            @if i.headline.is_empty() {
                p { (ctx.t("Ingen publicerad omgång till och med året.", "No published wave up to the year.")) }
            }
            @for h in &i.headline {
                div class="headline-row" {
                    @if grouped { h4 { (h.label.get(ctx.lang)) } }
                    (figure_line(ctx, statistic, h))
                    ul class="verdicts" {
                        (change_item(ctx, statistic, h))
                        (trend_item(ctx, statistic, h))
                        @if let Some(target) = i.target {
                            (target_item(ctx, statistic, target, h))
                        }
                        @for c in &h.comparisons {
                            li {
                                @match c.standing {
                                    Some(s) => {
                                        (badge(Judged::of_standing(s))) " "
                                        (c.label) " " (c.year) ": " (value_with_unit(ctx.lang, statistic, c.value)) " – "
                                        strong { (crate::evaluate::words::standing_text(ctx.lang, s)) }
                                    }
                                    None => {
                                        (c.label) " " (c.year) ": " (value_with_unit(ctx.lang, statistic, c.value)) " – "
                                        (ctx.t("kan inte bedömas", "cannot be judged"))
                                    }
                                }
                                " " span class="muted" { "(" (ctx.t("mot", "against")) " " (c.period) ")" }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn figure_line(ctx: &PageCtx, statistic: Statistic, h: &HeadlineFigure) -> Markup {
    html! {
        @match &h.shown {
            Some(w) if w.figures.estimate.is_some() => {
                p class="value" {
                    strong { (wave_text(ctx.lang, statistic, w)) }
                    " " span class="muted" { "n = " (w.figures.n.map(|n| ctx.lang.number(i128::from(n))).unwrap_or_default()) }
                    @if unreliable(&w.figures.flags) {
                        " " span class="flag" { "⚠ " (ctx.t("osäker skattning", "uncertain estimate")) }
                    }
                }
                (marks_note(ctx.lang, w))
            }
            Some(w) => {
                p class="value" {
                    strong { ".." } " "
                    span class="muted" { (ctx.t("visas inte, för att ingen ska kunna kännas igen", "not shown, so that nobody can be recognised")) }
                }
                (marks_note(ctx.lang, w))
            }
            None => p class="value" { strong { ".." } }
        }
    }
}

fn change_item(ctx: &PageCtx, statistic: Statistic, h: &HeadlineFigure) -> Markup {
    html! {
        li {
            @match &h.change {
                Some(c) => {
                    @let words = match (c.significant, c.difference < 0.0) {
                        (true, true) => ctx.t("signifikant lägre än", "significantly lower than"),
                        (true, false) => ctx.t("signifikant högre än", "significantly higher than"),
                        (false, _) => ctx.t("ingen säker förändring sedan", "no certain change since"),
                    };
                    (badge(Judged::of_verdict(c.verdict))) " "
                    (words) " " (c.from_period)
                    " (" (difference_text(ctx.lang, statistic, c.difference)) ")"
                    @if c.significant { " – " strong { (verdict_text(ctx.lang, c.verdict)) } }
                }
                None => {
                    @if h.shown.as_ref().is_some_and(|w| w.figures.estimate.is_some()) {
                        (ctx.t("ingen tidigare omgång att jämföra med", "no earlier wave to compare with"))
                    } @else {
                        (ctx.t("ingen förändring att visa", "no change to show"))
                    }
                }
            }
        }
    }
}

fn trend_item(ctx: &PageCtx, statistic: Statistic, h: &HeadlineFigure) -> Markup {
    let Some(t) = &h.trend else {
        return html! {};
    };
    let first = t.periods.first().cloned().unwrap_or_default();
    let last = t.periods.last().cloned().unwrap_or_default();
    let marked: Vec<&SeriesWave> = h
        .waves
        .iter()
        .filter(|w| t.periods.contains(&w.period) && !w.marks.is_empty())
        .collect();
    html! {
        li {
            (badge(Judged::of_verdict(t.verdict))) " "
            (ctx.t("Trend", "Trend")) " " (first) "–" (last) " (" (t.waves) " " (ctx.t("omgångar", "waves")) "): "
            (difference_text(ctx.lang, statistic, t.slope)) " " (ctx.t("per år", "per year"))
            " – " strong { (verdict_text(ctx.lang, t.verdict)) }
            @if !marked.is_empty() {
                " " span class="mark" {
                    "⚑ " (ctx.t("vilar också på", "also rests on")) " "
                    @for (k, w) in marked.iter().enumerate() {
                        @if k > 0 { ", " }
                        (w.period) " (" (marks_words(ctx.lang, &w.marks)) ")"
                    }
                }
            }
        }
    }
}

fn target_item(ctx: &PageCtx, statistic: Statistic, target: f64, h: &HeadlineFigure) -> Markup {
    html! {
        li {
            @if let Some(status) = h.target_status { (badge(Judged::of_target(status))) " " }
            (ctx.t("Mål", "Target")) " " (value_with_unit(ctx.lang, statistic, target)) ": "
            strong { (match h.target_status {
                Some(TargetStatus::Met) => ctx.t("nått", "met"),
                Some(TargetStatus::NotMet) => ctx.t("inte nått", "not met"),
                Some(TargetStatus::Inconclusive) => ctx.t("oklart (målet ligger inom intervallet)", "inconclusive (the target lies within the interval)"),
                None => ctx.t("ingen siffra att jämföra", "no figure to compare"),
            }) }
            @if let Some(p) = &h.target_period {
                " " span class="muted" { "(" (ctx.t("bedömt på", "judged on")) " " (p) ")" }
            }
        }
    }
}

/// The marks of a wave in words, e.g. "ovägd, ny version av enkäten".
pub(in crate::web::evaluate) fn marks_words(lang: Lang, marks: &[WaveMark]) -> String {
    marks
        .iter()
        .map(|m| match m {
            WaveMark::Small => lang.pick("få svar", "few responses"),
            WaveMark::Unweighted => lang.pick("ovägd", "unweighted"),
            WaveMark::VersionChanged => {
                lang.pick("ny version av enkäten", "new questionnaire version")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A wave's marks, explained, after the figure of that wave.
fn marks_note(lang: Lang, w: &SeriesWave) -> Markup {
    if w.marks.is_empty() {
        return html! {};
    }
    html! {
        p class="mark" {
            "⚑ " (lang.pick("Läs med försiktighet", "Read with care")) ": "
            @for (k, m) in w.marks.iter().enumerate() {
                @if k > 0 { " " }
                (mark_sentence(lang, *m, w))
            }
        }
    }
}

fn marks_text(lang: Lang, w: &SeriesWave) -> Markup {
    if w.marks.is_empty() {
        return html! {};
    }
    html! { " " span class="mark" { "⚑ " (marks_words(lang, &w.marks)) } }
}

/// A mark as a sentence.
pub(in crate::web::evaluate) fn mark_sentence(
    lang: Lang,
    mark: WaveMark,
    w: &SeriesWave,
) -> String {
    match mark {
        WaveMark::Small => match lang {
            Lang::Sv => format!(
                "omgången {} har få svar ({}) jämfört med de andra omgångarna.",
                w.period,
                lang.number(i128::from(w.responses))
            ),
            Lang::En => format!(
                "the {} wave has few responses ({}) compared with the other waves.",
                w.period,
                lang.number(i128::from(w.responses))
            ),
        },
        WaveMark::Unweighted => match lang {
            Lang::Sv => format!(
                "omgången {} är inte vägd; de andra är vägda, så den beskriver de som svarade snarare än befolkningen.",
                w.period
            ),
            Lang::En => format!(
                "the {} wave is not weighted; the others are, so it describes those who answered rather than the population.",
                w.period
            ),
        },
        WaveMark::VersionChanged => match lang {
            Lang::Sv => format!(
                "omgången {} ställde frågorna i en ny version av enkäten (version {}).",
                w.period, w.version
            ),
            Lang::En => format!(
                "the {} wave asked a new version of the questionnaire (version {}).",
                w.period, w.version
            ),
        },
    }
}
