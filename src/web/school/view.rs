//! Markup of the school coordinators' pages: class sessions per wave, the form that opens one,
//! a session's page, and the printable slips with pupil codes.

use maud::{Markup, html};
use serde::Deserialize;

use crate::collect::Wave;
use crate::collect::class_session::{
    FINISH_AFTER_END_SECONDS, GRADES, MAX_LABEL_CHARS, MAX_PUPILS, SessionProblem,
};
use crate::store::class_sessions::SessionSummary;
use crate::survey::Text;
use crate::web::extract::PageCtx;
use crate::web::markup::forms::FormErrors;
use crate::web::markup::words::{duration_words, period, state_name};
use crate::web::markup::{csrf_field, layout, public_url};

/// What the coordinator typed into the session form; shown again when it is refused.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct SessionForm {
    #[serde(default)]
    pub wave: String,
    #[serde(default)]
    pub class_label: String,
    #[serde(default)]
    pub grade: String,
    #[serde(default)]
    pub pupils: String,
    /// A random value of this showing of the form: sending it again finds the session it opened.
    #[serde(default)]
    pub once: String,
}

/// An open class wave with its questionnaire's title and this school's sessions in it.
pub struct WaveSessions {
    pub wave: Wave,
    pub title: Option<Text>,
    /// The grades the questionnaire is for (`grades`), empty for any grade.
    pub grades: Vec<i32>,
    pub sessions: Vec<SessionSummary>,
}

/// A grade as a heading or table cell shows it: "Årskurs 9", "Gymnasiet år 2".
pub fn grade_cell(ctx: &PageCtx, grade: i32) -> String {
    crate::i18n::capitalised(&ctx.lang.grade(grade))
}

/// A grade the survey is not for, naming the grades it is for.
pub fn grade_not_in_survey(ctx: &PageCtx, grade: i32, allowed: &[i32]) -> String {
    let (grade, allowed) = (ctx.lang.grade(grade), ctx.lang.grades(allowed));
    match ctx.lang {
        crate::i18n::Lang::Sv => {
            format!("Undersökningen är inte för {grade}. Den är för {allowed}.")
        }
        crate::i18n::Lang::En => format!("The survey is not for {grade}. It is for {allowed}."),
    }
}

pub fn session_problem(ctx: &PageCtx, problem: SessionProblem) -> String {
    match problem {
        SessionProblem::ClassLabel => format!(
            "{} {MAX_LABEL_CHARS} {}",
            ctx.t(
                "Skriv klassens namn, t.ex. 9B, högst",
                "Enter the class name, e.g. 9B, at most"
            ),
            ctx.t("tecken.", "characters.")
        ),
        SessionProblem::Grade => format!(
            "{} {} {} {}.",
            ctx.t(
                "Årskursen ska vara ett heltal från",
                "The grade must be a whole number from"
            ),
            GRADES.start(),
            ctx.t("till", "to"),
            GRADES.end()
        ),
        SessionProblem::Pupils => format!(
            "{} {MAX_PUPILS}.",
            ctx.t(
                "Antalet elever ska vara ett heltal från 1 till",
                "The number of pupils must be a whole number from 1 to"
            )
        ),
    }
}

/// A wave as coordinators know it: the questionnaire's title and the survey year.
fn wave_title(ctx: &PageCtx, w: &WaveSessions) -> String {
    wave_name(ctx, &w.wave, w.title.as_ref())
}

pub fn wave_name(ctx: &PageCtx, wave: &Wave, title: Option<&Text>) -> String {
    match title {
        Some(t) => format!("{} {}", t.get(ctx.lang), wave.period),
        None => format!("{} {}", ctx.t("Undersökning", "Survey"), wave.period),
    }
}

/// The coordinator's school: its id (on the account) and its name, when a wave's list of
/// schools gives one.
pub struct School<'a> {
    pub id: &'a str,
    pub name: Option<&'a str>,
}

pub fn overview(
    ctx: &PageCtx,
    school: &School,
    waves: &[WaveSessions],
    form: &SessionForm,
    errors: &FormErrors,
) -> Markup {
    let title = ctx.t("Skolsamordnare", "School coordinator");
    let now = crate::util::now();
    layout(
        ctx,
        &errors.title(ctx, title),
        html! {
            (errors.summary(ctx))
            h1 { (title) }
            p { (ctx.t("Din skola:", "Your school:")) " " strong { (school.name.unwrap_or(school.id)) } }
            p { (ctx.t(
                "Här öppnar du klasstillfällen och skriver ut engångskoder till eleverna när en drogvaneundersökning pågår.",
                "Here you open class sessions and print one-time codes for the pupils while a drug-habit survey is running."
            )) }
            @if waves.is_empty() {
                p class="notice" { (ctx.t(
                    "Ingen undersökning med klasskoder pågår just nu.",
                    "No survey with class codes is running at the moment."
                )) }
            }
            @for w in waves {
                @let heading = format!("wave-{}", w.wave.slug);
                section aria-labelledby=(heading) {
                    h2 id=(heading) { (wave_title(ctx, w)) }
                    p class="muted" { (state_name(ctx, w.wave.state())) ", " (period(ctx, &w.wave)) }
                    @if w.sessions.is_empty() {
                        p { (ctx.t("Inga klasstillfällen från din skola än.", "No class sessions from your school yet.")) }
                    } @else {
                        div class="table-wrap" { table {
                            thead { tr {
                                th scope="col" { (ctx.t("Klass", "Class")) }
                                th scope="col" { (ctx.t("Årskurs", "Grade")) }
                                th scope="col" { (ctx.t("Elever", "Pupils")) }
                                th scope="col" { (ctx.t("Har svarat", "Answered")) }
                                th scope="col" { (ctx.t("Svarar nu", "Answering now")) }
                                th scope="col" { (ctx.t("Status", "State")) }
                            } }
                            tbody {
                                @for s in &w.sessions {
                                    tr {
                                        td { a href={ "/school/sessions/" (s.session.id) } { (s.session.class_label) } }
                                        td { (grade_cell(ctx, s.session.grade)) }
                                        td { (s.session.pupils) }
                                        td { (s.answered) " " (ctx.t("av", "of")) " " (s.issued) }
                                        td { (s.answering_at(now)) }
                                        td { (session_state(ctx, s)) }
                                    }
                                }
                            }
                        } }
                    }
                }
            }
            @if !waves.is_empty() {
                h2 id="new-session" { (ctx.t("Öppna ett klasstillfälle", "Open a class session")) }
                (session_form(ctx, waves, form, errors))
            }
        },
    )
}

fn session_state(ctx: &PageCtx, s: &SessionSummary) -> &'static str {
    if s.is_ended() {
        ctx.lang.pick("Avslutat", "Ended")
    } else {
        ctx.lang.pick("Pågår", "Open")
    }
}

fn session_form(
    ctx: &PageCtx,
    waves: &[WaveSessions],
    form: &SessionForm,
    errors: &FormErrors,
) -> Markup {
    let number = |id: &'static str, label: &str, hint: &str, min: i32, max: i32, value: &str| {
        let hint_id = format!("{id}-hint");
        html! {
            div class=(errors.field_class(id)) {
                label for=(id) { (label) }
                span class="hint" id=(hint_id) { (hint) }
                (errors.at_field(ctx, id))
                input id=(id) name=(id) type="number" inputmode="numeric" min=(min) max=(max) value=(value) class="narrow"
                    aria-describedby=[errors.described_by(id, Some(&hint_id))] aria-invalid=[errors.has(id).then_some("true")];
            }
        }
    };
    html! {
        form method="post" action="/school/sessions" class="stack" aria-labelledby="new-session" novalidate {
            (csrf_field(ctx))
            input type="hidden" name="once" value=(form.once);
            div class=(errors.field_class("wave")) {
                label for="wave" { (ctx.t("Undersökning", "Survey")) }
                (errors.at_field(ctx, "wave"))
                select id="wave" name="wave" aria-describedby=[errors.described_by("wave", None)] {
                    @for w in waves {
                        option value=(w.wave.slug) selected[form.wave == w.wave.slug] { (wave_title(ctx, w)) }
                    }
                }
            }
            div class=(errors.field_class("class_label")) {
                label for="class_label" { (ctx.t("Klass", "Class")) }
                span class="hint" id="class_label-hint" { (ctx.t("T.ex. 9B eller NA24b.", "E.g. 9B or NA24b.")) }
                (errors.at_field(ctx, "class_label"))
                input id="class_label" name="class_label" type="text" autocomplete="off" maxlength=(MAX_LABEL_CHARS) value=(form.class_label) class="narrow"
                    aria-describedby=[errors.described_by("class_label", Some("class_label-hint"))] aria-invalid=[errors.has("class_label").then_some("true")];
            }
            @if let Some(grades) = offered_grades(waves) {
                (grade_select(ctx, &grades, form, errors))
            } @else {
                (number("grade", ctx.t("Årskurs", "Grade"),
                    ctx.t("Årskurs 9 = 9, gymnasiet år 2 = 11.", "Year 9 = 9, upper-secondary year 2 = 11."),
                    *GRADES.start(), *GRADES.end(), &form.grade))
            }
            (number("pupils", ctx.t("Antal elever", "Number of pupils"),
                ctx.t("En kod per elev i klassen, även de som är frånvarande.", "One code per pupil in the class, absent ones included."),
                1, MAX_PUPILS, &form.pupils))
            button type="submit" { (ctx.t("Öppna och skriv ut koder", "Open and print codes")) }
        }
    }
}

/// The grades to choose from when every running questionnaire lists its grades (the school
/// survey's `grades = [9, 11]`): their union, in order. `None` when one takes any grade.
fn offered_grades(waves: &[WaveSessions]) -> Option<Vec<i32>> {
    let mut all = Vec::new();
    for w in waves {
        if w.grades.is_empty() {
            return None;
        }
        all.extend(&w.grades);
    }
    all.sort_unstable();
    all.dedup();
    (!all.is_empty()).then_some(all)
}

/// The grade as a choice of the grades the surveys are for, named as schools name them
/// ("Gymnasiet år 2", not 11); nothing is chosen until the coordinator chooses.
fn grade_select(ctx: &PageCtx, grades: &[i32], form: &SessionForm, errors: &FormErrors) -> Markup {
    let chosen = form.grade.trim();
    html! {
        div class=(errors.field_class("grade")) {
            label for="grade" { (ctx.t("Årskurs", "Grade")) }
            (errors.at_field(ctx, "grade"))
            select id="grade" name="grade" aria-describedby=[errors.described_by("grade", None)] aria-invalid=[errors.has("grade").then_some("true")] {
                option value="" selected[chosen.is_empty()] { (ctx.t("Välj årskurs", "Choose the grade")) }
                @for g in grades {
                    @let value = g.to_string();
                    option value=(value) selected[chosen == value] { (grade_cell(ctx, *g)) }
                }
            }
        }
    }
}

/// The slips to print. Shown again until the session ends to the coordinator who printed them.
pub struct CodesPage<'a> {
    pub session_id: &'a str,
    pub class_label: &'a str,
    pub title: Option<&'a Text>,
    /// Where pupils type their code, e.g. `trygg.kommun.se/k`.
    pub address: &'a str,
    /// `None` when the list cannot be opened here (printed from another sign-in).
    pub codes: Option<&'a [String]>,
    /// New codes for a lost printout rather than a new session.
    pub replaced: bool,
    /// For the warning when the address on the slips is one pupils cannot reach.
    pub settings: &'a crate::config::Settings,
}

pub fn codes_page(ctx: &PageCtx, page: &CodesPage) -> Markup {
    let title = format!(
        "{} {}",
        ctx.t("Elevkoder för", "Pupil codes for"),
        page.class_label
    );
    layout(
        ctx,
        &title,
        html! {
            div class="no-print" {
                p { a href={ "/school/sessions/" (page.session_id) } { (ctx.t("Till klasstillfället", "To the class session")) } }
                h1 { (title) }
                (public_url::warning(ctx, page.settings))
                @match page.codes {
                    Some(codes) => {
                        @if page.replaced {
                            div class="notice warning" role="status" {
                                p { strong { (ctx.t("Nya koder.", "New codes.")) } " " (ctx.t(
                                    "De tidigare oanvända koderna fungerar inte längre. Skriv ut de här i stället.",
                                    "The earlier unused codes no longer work. Print these instead."
                                )) }
                            }
                        }
                        p { (ctx.t(
                            "Skriv ut med webbläsarens utskriftsfunktion (Ctrl+P eller Cmd+P) och klipp längs de streckade linjerna. En lapp per elev. Bara lapparna skrivs ut.",
                            "Print with the browser's print function (Ctrl+P or Cmd+P) and cut along the dashed lines. One slip per pupil. Only the slips are printed."
                        )) }
                        p { (ctx.lang.count(codes.len() as i128, ["kod", "koder"], ["code", "codes"])) ". " (ctx.t(
                            "Du kan visa och skriva ut dem igen från klasstillfällets sida tills du avslutar det. Koderna sparas krypterade och kan bara öppnas från din inloggning.",
                            "You can show and print them again from the class session's page until you end it. The codes are stored encrypted and can be opened only from your sign-in."
                        )) }
                    }
                    None => {
                        div class="notice warning" role="status" {
                            p { (ctx.t(
                                "Koderna kan bara visas igen från den inloggning där de skrevs ut, och du har loggat in på nytt sedan dess (eller någon annan skrev ut dem).",
                                "The codes can be shown again only from the sign-in they were printed from, and you have signed in again since then (or someone else printed them)."
                            )) }
                            p { (ctx.t(
                                "Behöver du lapparna igen kan du ta fram nya koder för de elever som inte har börjat svara; de gamla oanvända koderna slutar då att fungera.",
                                "If you need the slips again you can make new codes for the pupils who have not started answering; the old unused codes then stop working."
                            )) }
                        }
                        (new_codes_form(ctx, page.session_id))
                    }
                }
            }
            @if let Some(codes) = page.codes {
                div class="slips" aria-label=(ctx.t("Kodlappar att skriva ut", "Code slips to print")) role="list" {
                    @for code in codes {
                        (slip(page, code))
                    }
                }
            }
        },
    )
}

/// The button that replaces the unused codes of a lost printout.
fn new_codes_form(ctx: &PageCtx, session_id: &str) -> Markup {
    html! {
        form method="post" action={ "/school/sessions/" (session_id) "/codes" } {
            (csrf_field(ctx))
            button type="submit" class="secondary" { (ctx.t("Nya koder för elever som inte börjat", "New codes for pupils who have not started")) }
        }
    }
}

/// One slip, in Swedish and English whatever the coordinator's language: pupils read it.
fn slip(page: &CodesPage, code: &str) -> Markup {
    html! {
        div class="slip" role="listitem" {
            div {
                @if let Some(t) = page.title {
                    p class="slip-title" { (t.sv) " · " span lang="en" { (t.en) } " · " (page.class_label) }
                }
                p { "Gå till " span lang="en" { "/ Go to" } " " strong class="address" { (page.address) } }
            }
            div {
                p { "Din kod " span lang="en" { "/ Your code" } }
                p class="pupil-code" { (code) }
            }
            p class="slip-help" {
                "Koden fungerar en gång. Dina svar är anonyma – koden kopplas aldrig till dig."
                br;
                span lang="en" { "The code works once. Your answers are anonymous – the code is never linked to you." }
            }
        }
    }
}

/// What a session's codes are doing, as the coordinator's facts list shows it.
fn code_facts(ctx: &PageCtx, s: &SessionSummary, now: i64) -> Markup {
    let answering = s.answering_at(now);
    let unfinished = s.unfinished_at(now);
    html! {
        dt { (ctx.t("Har svarat", "Answered")) } dd { (s.answered) " " (ctx.t("av", "of")) " " (s.issued) }
        dt { (ctx.t("Svarar just nu", "Answering right now")) }
        dd {
            (answering)
            @if answering > 0 {
                @if let Some(until) = s.finish_until() {
                    " " span class="muted" { "(" (ctx.t("kan skicka in i", "can submit for another")) " " (duration_words(ctx, until - now)) (ctx.t(" till", "")) ")" }
                } @else {
                    " " span class="muted" { (ctx.t("(har börjat men inte skickat in)", "(started, not yet submitted)")) }
                }
            }
        }
        @if s.is_ended() {
            dt { (ctx.t("Oanvända koder som stoppades", "Unused codes stopped")) } dd { (s.stopped) }
            @if unfinished > 0 {
                dt { (ctx.t("Påbörjade men inte inskickade", "Started but not submitted")) } dd { (unfinished) }
            }
        } @else {
            dt { (ctx.t("Oanvända koder", "Unused codes")) } dd { (s.unused) }
        }
    }
}

pub fn session_page(
    ctx: &PageCtx,
    s: &SessionSummary,
    wave: &Wave,
    title: Option<&Text>,
    notice: Option<&str>,
) -> Markup {
    let heading = format!("{} {}", ctx.t("Klass", "Class"), s.session.class_label);
    let wave_open = wave.state() == crate::collect::WaveState::Open;
    let now = crate::util::now();
    layout(
        ctx,
        &heading,
        html! {
            p { a href="/school" { (ctx.t("Alla klasstillfällen", "All class sessions")) } }
            h1 { (heading) }
            @if let Some(notice) = notice {
                p class="notice" role="status" { (notice) }
            }
            @if !s.is_ended() && s.session.sealed_codes.is_some() {
                p { a class="button secondary" href={ "/school/sessions/" (s.session.id) "/codes" } { (ctx.t("Visa och skriv ut koderna igen", "Show and print the codes again")) } }
            }
            dl class="facts" {
                dt { (ctx.t("Undersökning", "Survey")) } dd { (wave_name(ctx, wave, title)) " – " (state_name(ctx, wave.state())) }
                dt { (ctx.t("Årskurs", "Grade")) } dd { (grade_cell(ctx, s.session.grade)) }
                dt { (ctx.t("Elever", "Pupils")) } dd { (s.session.pupils) }
                (code_facts(ctx, s, now))
                dt { (ctx.t("Status", "State")) } dd { (session_state(ctx, s)) }
            }
            p class="muted" { (ctx.t(
                "Vilken kod som har använts går inte att se: svaren är anonyma.",
                "Which code was used cannot be seen: the answers are anonymous."
            )) }
            @if !s.is_ended() {
                @if wave_open && s.unused > 0 {
                    section aria-labelledby="new-codes-title" {
                        h2 id="new-codes-title" { (ctx.t("Nya koder", "New codes")) }
                        p { (ctx.t(
                            "Har utskriften kommit bort? Då kan du ta fram nya koder för de elever som inte har börjat svara. De gamla oanvända koderna slutar då att fungera; koder som elever svarar med just nu fortsätter att fungera.",
                            "Has the printout been lost? Then you can make new codes for the pupils who have not started answering. The old unused codes then stop working; codes pupils are answering with right now keep working."
                        )) }
                        (new_codes_form(ctx, &s.session.id))
                    }
                }
                section aria-labelledby="end-title" {
                    h2 id="end-title" { (ctx.t("Avsluta", "End")) }
                    p { (ctx.t(
                        "När klassen är klar avslutar du tillfället. Du får bekräfta innan det avslutas.",
                        "When the class is done, end the session. You will be asked to confirm first."
                    )) }
                    p { a class="button" href={ "/school/sessions/" (s.session.id) "/end" } { (ctx.t("Avsluta klasstillfället …", "End the class session …")) } }
                }
            }
        },
    )
}

/// "1 elev svarar just nu och kan …": one sentence whose verb fits one pupil as well as many,
/// with the count in bold.
fn answering_sentence(ctx: &PageCtx, answering: i128, grace: &str) -> Markup {
    let pupils = ctx
        .lang
        .count(answering, ["elev", "elever"], ["pupil", "pupils"]);
    let (now, rest) = match ctx.lang {
        crate::i18n::Lang::Sv => (
            format!("{pupils} svarar just nu"),
            format!(" och kan skicka in sina svar i {grace} efter att du avslutat."),
        ),
        crate::i18n::Lang::En => (
            format!(
                "{pupils} {} answering right now",
                if answering == 1 { "is" } else { "are" }
            ),
            format!(" and can submit their answers for {grace} after you end the session."),
        ),
    };
    html! { strong { (now) } (rest) }
}

/// What ending does to the codes nobody has started with, worded for none, one and many.
fn unused_sentence(ctx: &PageCtx, unused: i128) -> String {
    match (ctx.lang, unused) {
        (crate::i18n::Lang::Sv, 0) => "Det finns inga oanvända koder att stoppa.".to_owned(),
        (crate::i18n::Lang::En, 0) => "There are no unused codes to stop.".to_owned(),
        (crate::i18n::Lang::Sv, 1) => {
            "Den enda kod som ingen har börjat svara med slutar fungera direkt.".to_owned()
        }
        (crate::i18n::Lang::En, 1) => {
            "The one code nobody has started answering with stops working at once.".to_owned()
        }
        (crate::i18n::Lang::Sv, n) => format!(
            "De {} koder som ingen har börjat svara med slutar fungera direkt.",
            ctx.lang.number(n)
        ),
        (crate::i18n::Lang::En, n) => format!(
            "The {} codes nobody has started answering with stop working at once.",
            ctx.lang.number(n)
        ),
    }
}

/// The question before a session ends, with what ending it does to the codes right now.
pub fn end_confirmation(ctx: &PageCtx, s: &SessionSummary) -> Markup {
    let title = format!(
        "{} {}?",
        ctx.t("Avsluta klasstillfället för", "End the class session of"),
        s.session.class_label
    );
    let now = crate::util::now();
    let answering = s.answering_at(now);
    let grace = duration_words(ctx, FINISH_AFTER_END_SECONDS);
    layout(
        ctx,
        &title,
        html! {
            h1 { (title) }
            dl class="facts" { (code_facts(ctx, s, now)) }
            ul {
                @if answering > 0 {
                    li { (answering_sentence(ctx, answering as i128, &grace)) }
                }
                li { (unused_sentence(ctx, i128::from(s.unused))) }
                li { (ctx.t(
                    "Klasstillfället kan inte öppnas igen. Behöver fler elever svara öppnar du ett nytt.",
                    "The session cannot be reopened. If more pupils need to answer, open a new one."
                )) }
            }
            form method="post" action={ "/school/sessions/" (s.session.id) "/end" } class="actions" {
                (csrf_field(ctx))
                input type="hidden" name="confirm" value="yes";
                button type="submit" class="danger" { (ctx.t("Ja, avsluta klasstillfället", "Yes, end the class session")) }
                a href={ "/school/sessions/" (s.session.id) } { (ctx.t("Nej, tillbaka", "No, go back")) }
            }
        },
    )
}
