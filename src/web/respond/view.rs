//! The respondent's pages: start, one page per section of the questionnaire, and the thank-you
//! page (the pupil code entry is `code::view`). Built for phones first and for screen readers: every group of
//! choices is a fieldset with a legend, every input has a label, and errors follow the GOV.UK
//! pattern (a summary linking to each field, the message again at the field, "Fel:" in the title).

use maud::{Markup, html};
use serde_json::{Map, Value};

use crate::collect::form::{FieldError, number_text};
use crate::survey::{Page, Question, QuestionKind, Survey};
use crate::web::extract::PageCtx;
use crate::web::markup::forms::FormErrors;
use crate::web::markup::words::duration_words;
use crate::web::markup::{csrf_field, layout};

/// What the start page offers.
pub enum StartMode<'a> {
    /// A start button (open waves, or an invitation with its token).
    Start { token: Option<&'a str> },
    /// An invitation wave reached without a personal link.
    NeedsInvitation,
    /// A class wave: pupils begin at `/k`.
    NeedsCode,
    /// This browser has the form in progress (a pupil who has just entered their code): a link
    /// to its first page.
    Continue { href: &'a str, pupil: bool },
}

pub fn start(
    ctx: &PageCtx,
    slug: &str,
    survey: &Survey,
    mode: StartMode,
    draft_gone: bool,
) -> Markup {
    let title = survey.title.get(ctx.lang);
    layout(
        ctx,
        title,
        html! {
            h1 { (title) }
            @if draft_gone {
                p class="notice warning" role="status" { (ctx.t(
                    "Det du hade börjat fylla i finns inte längre i den här webbläsaren. Påbörjade svar raderas 24 timmar efter den senaste sidan, och har du fortsatt med din personliga länk på en annan enhet finns de där. Du kan börja om här.",
                    "What you had started to fill in is no longer in this browser. Answers in progress are deleted 24 hours after the last page, and if you went on with your personal link on another device, they are there. You can start again here."
                )) }
            }
            @for paragraph in survey.intro.get(ctx.lang).split("\n\n") {
                p class="lead" { (paragraph) }
            }
            p class="notice" { (ctx.t(
                "Dina svar är anonyma. Vi sparar inte vem du är, din IP-adress eller när på dagen du svarade.",
                "Your answers are anonymous. We do not store who you are, your IP address or the time of day you answered."
            )) }
            @match mode {
                StartMode::Start { token } => {
                    form method="post" action={ "/s/" (slug) "/start" } {
                        (csrf_field(ctx))
                        @if let Some(token) = token {
                            input type="hidden" name="t" value=(token);
                        }
                        button type="submit" { (ctx.t("Starta enkäten", "Start the survey")) }
                    }
                }
                StartMode::NeedsInvitation => {
                    p { (ctx.t(
                        "Den här enkäten besvaras via den personliga länk du fått i ditt e-postmeddelande.",
                        "This survey is answered through the personal link in the e-mail you received."
                    )) }
                }
                StartMode::Continue { href, pupil } => {
                    p { a class="button" href=(href) {
                        @if pupil {
                            (ctx.t("Börja svara", "Start answering"))
                        } @else {
                            (ctx.t("Fortsätt med enkäten", "Continue with the survey"))
                        }
                    } }
                }
                StartMode::NeedsCode => {
                    p { a href="/k" { (ctx.t("Skriv in din kod för att börja", "Enter your code to begin")) } }
                }
            }
        },
    )
}

/// Where a page stands in the form.
pub struct Position {
    pub number: usize,
    pub of: usize,
}

/// One page of the questionnaire.
pub struct QuestionPage<'a> {
    pub slug: &'a str,
    pub survey: &'a Survey,
    pub page: &'a Page,
    /// The page's questions shown for the answers so far.
    pub questions: Vec<&'a Question>,
    pub position: Position,
    pub answers: &'a Map<String, Value>,
    /// What was typed, shown again when it could not be used.
    pub raw: &'a Map<String, Value>,
    pub errors: &'a [FieldError],
    /// Follow-up questions appeared after the last answers.
    pub revealed: bool,
    /// A time limit the respondent should know about.
    pub deadline: Option<Deadline>,
}

/// A time limit on a form in progress, in seconds from now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// The survey closes within a day.
    SurveyCloses(i64),
    /// The class session has ended; a pupil who had started may still submit for this long.
    LessonEnded(i64),
}

fn deadline_notice(ctx: &PageCtx, deadline: Deadline) -> Markup {
    match deadline {
        Deadline::SurveyCloses(seconds) => html! {
            p class="notice warning" role="status" {
                (ctx.t("Enkäten stänger om", "The survey closes in")) " " (duration_words(ctx, seconds)) ". "
                (ctx.t(
                    "Svar som inte har skickats in då sparas inte.",
                    "Answers not submitted by then are not kept."
                ))
            }
        },
        Deadline::LessonEnded(seconds) => {
            let left = duration_words(ctx, seconds);
            let text = match ctx.lang {
                crate::i18n::Lang::Sv => format!(
                    "Lektionen är avslutad, men du hann börja: du kan skicka in dina svar i {left} till."
                ),
                crate::i18n::Lang::En => format!(
                    "The lesson has ended, but you had started: you can still submit your answers for {left}."
                ),
            };
            html! { p class="notice warning" role="status" { (text) } }
        }
    }
}

pub fn question_page(ctx: &PageCtx, p: &QuestionPage) -> Markup {
    let page_title = p.page.title.get(ctx.lang);
    let survey_title = p.survey.title.get(ctx.lang);
    let mut errors = FormErrors::new();
    for e in p.errors {
        let field = format!("q-{}", e.question);
        match p.survey.question(&e.question) {
            Some(q) => errors.add_labelled(field, q.text.get(ctx.lang), &e.message),
            None => errors.add(field, &e.message),
        }
    }
    let title = errors.title(ctx, &format!("{page_title} – {survey_title}"));
    let last = p.position.number == p.position.of;
    let shown: Vec<&str> = p.questions.iter().map(|q| q.id.as_str()).collect();
    layout(
        ctx,
        &title,
        html! {
            (errors.summary(ctx))
            p class="progress" {
                span class="survey-name" { (survey_title) } " · "
                (ctx.t("Sida", "Page")) " " (p.position.number) " " (ctx.t("av", "of")) " " (p.position.of)
            }
            h1 { (page_title) }
            @if let Some(deadline) = p.deadline {
                (deadline_notice(ctx, deadline))
            }
            @if p.revealed {
                p class="notice" role="status" { (ctx.t(
                    "Efter dina svar har vi lagt till en eller flera följdfrågor på sidan.",
                    "Based on your answers, one or more follow-up questions were added to this page."
                )) }
            }
            form method="post" action={ "/s/" (p.slug) "/sida/" (p.page.id) } novalidate {
                (csrf_field(ctx))
                input type="hidden" name="_shown" value=(shown.join(","));
                div class="stack" {
                    @for q in &p.questions {
                        (question_field(ctx, q, p.answers, p.raw, &errors))
                    }
                }
                div class="actions" {
                    // The first submit button is the one Enter triggers: forward.
                    button type="submit" name="_action" value="next" {
                        @if last { (ctx.t("Skicka in svaren", "Submit your answers")) } @else { (ctx.t("Nästa", "Next")) }
                    }
                    @if p.position.number > 1 {
                        button type="submit" name="_action" value="back" class="secondary" { (ctx.t("Föregående", "Previous")) }
                    }
                }
                @if last {
                    p class="hint" { (ctx.t(
                        "När du skickat in kan du inte ändra dina svar.",
                        "Once submitted, your answers cannot be changed."
                    )) }
                }
            }
        },
    )
}

fn question_field(
    ctx: &PageCtx,
    q: &Question,
    answers: &Map<String, Value>,
    raw: &Map<String, Value>,
    errors: &FormErrors,
) -> Markup {
    let field = format!("q-{}", q.id);
    let class = errors.field_class(&field);
    let hint_id = q.help.as_ref().map(|_| format!("q-{}-hint", q.id));
    let described = errors.described_by(&field, hint_id.as_deref());
    let invalid = errors.has(&field).then_some("true");
    let hint = html! {
        @if let Some(help) = &q.help {
            p class="hint" id={ "q-" (q.id) "-hint" } { (help.get(ctx.lang)) }
        }
    };
    match &q.kind {
        QuestionKind::Single { choices }
        | QuestionKind::Ordinal { choices }
        | QuestionKind::Multi { choices } => {
            let multi = matches!(q.kind, QuestionKind::Multi { .. });
            let chosen: Vec<&str> = match answers.get(&q.id) {
                Some(Value::String(c)) => vec![c.as_str()],
                Some(Value::Array(cs)) => cs.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            html! {
                div class=(class) {
                    fieldset aria-describedby=[described] {
                        legend class="question" {
                            (q.text.get(ctx.lang))
                            @if !q.required { " " span class="optional" { (ctx.t("(frivillig)", "(optional)")) } }
                        }
                        (hint)
                        @if multi { p class="hint" { (ctx.t("Välj alla som stämmer.", "Select all that apply.")) } }
                        (errors.at_field(ctx, &field))
                        @for (i, c) in choices.iter().enumerate() {
                            @let id = if i == 0 { format!("q-{}", q.id) } else { format!("q-{}-{}", q.id, i) };
                            div class="choice" {
                                input type=(if multi { "checkbox" } else { "radio" }) id=(id) name=(q.id) value=(c.code)
                                    checked[chosen.contains(&c.code.as_str())];
                                label for=(id) { (c.label.get(ctx.lang)) }
                            }
                        }
                    }
                }
            }
        }
        QuestionKind::Number { min, max, unit, .. } => {
            let value = match (raw.get(&q.id), answers.get(&q.id)) {
                (Some(Value::String(typed)), _) => typed.clone(),
                (_, Some(v)) => v.to_string(),
                _ => String::new(),
            };
            let id = format!("q-{}", q.id);
            html! {
                div class=(class) {
                    label class="question" for=(id) {
                        (q.text.get(ctx.lang))
                        @if !q.required { " " span class="optional" { (ctx.t("(frivillig)", "(optional)")) } }
                    }
                    (hint)
                    (errors.at_field(ctx, &field))
                    div class="number" {
                        input type="text" inputmode="decimal" id=(id) name=(q.id) value=(value)
                            autocomplete="off" spellcheck="false" class="short"
                            aria-describedby=[described] aria-invalid=[invalid];
                        @if let Some(unit) = unit { span class="unit" { (unit.get(ctx.lang)) } }
                    }
                    p class="hint" { (ctx.t("Mellan", "Between")) " " (number_text(*min)) " " (ctx.t("och", "and")) " " (number_text(*max)) }
                }
            }
        }
        QuestionKind::Text { max_length } => {
            let value = match (raw.get(&q.id), answers.get(&q.id)) {
                (Some(Value::String(typed)), _) => typed.clone(),
                (_, Some(Value::String(v))) => v.clone(),
                _ => String::new(),
            };
            let id = format!("q-{}", q.id);
            html! {
                div class=(class) {
                    label class="question" for=(id) {
                        (q.text.get(ctx.lang))
                        @if !q.required { " " span class="optional" { (ctx.t("(frivillig)", "(optional)")) } }
                    }
                    (hint)
                    (errors.at_field(ctx, &field))
                    textarea id=(id) name=(q.id) rows="5"
                        aria-describedby=[described] aria-invalid=[invalid] { (value) }
                    p class="hint" { (ctx.t("Högst", "At most")) " " (max_length) " " (ctx.t("tecken", "characters")) }
                }
            }
        }
    }
}

pub fn thanks(ctx: &PageCtx, survey: Option<&Survey>) -> Markup {
    let title = ctx.t("Tack för dina svar!", "Thank you for your answers!");
    layout(
        ctx,
        title,
        html! {
            h1 { (title) }
            @if let Some(survey) = survey { p class="lead" { (survey.title.get(ctx.lang)) } }
            p { (ctx.t(
                "Dina svar är inskickade och sparade anonymt. De används tillsammans med andras svar för att göra kommunen tryggare.",
                "Your answers have been submitted and stored anonymously. Together with others' answers they are used to make the municipality safer.",
            )) }
            @if survey.is_some_and(|s| s.public) {
                p { (ctx.t("När undersökningen har stängt visar vi vad alla svarade, och vad kommunen och polisen gör:", "Once the survey has closed we show what everyone answered, and what the municipality and the police do:")) " "
                    a href="/trygghet" { (ctx.t("Trygghet i kommunen", "Safety in the municipality")) } "." }
            }
            p { (ctx.t("Du kan nu stänga sidan.", "You can now close this page.")) }
        },
    )
}

/// A survey closed while the respondent was still answering: what became of the answers.
pub fn closed_mid_form(ctx: &PageCtx, survey: Option<&Survey>) -> Markup {
    message_page(
        ctx,
        ctx.t(
            "Enkäten stängde innan dina svar skickades in",
            "The survey closed before your answers were submitted",
        ),
        survey,
        &[
            ctx.t(
                "Dina svar har inte sparats, och det du hade fyllt i är raderat: svar som inte har skickats in sparas inte när enkäten har stängt.",
                "Your answers have not been stored, and what you had filled in has been deleted: answers not submitted are not kept once the survey has closed.",
            ),
            ctx.t("Tack för att du ville svara.", "Thank you for wanting to answer."),
        ],
    )
}

/// A page that ends a respondent's visit: a heading, the survey's title, a few paragraphs.
fn message_page(
    ctx: &PageCtx,
    title: &str,
    survey: Option<&Survey>,
    paragraphs: &[&str],
) -> Markup {
    layout(
        ctx,
        title,
        html! {
            h1 { (title) }
            @if let Some(survey) = survey { p class="lead" { (survey.title.get(ctx.lang)) } }
            @for paragraph in paragraphs { p { (paragraph) } }
        },
    )
}
