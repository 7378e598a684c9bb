//! Markup of the admin's list of waves and the form that creates one; words for a wave's access
//! mode, state and period shared by the staff pages.

use maud::{Markup, html};
use serde::Deserialize;

use crate::collect::wave::{DayEnd, parse_time};
use crate::collect::{Access, Wave};
use crate::survey::SurveyCatalog;
use crate::web::extract::PageCtx;
use crate::web::markup::forms::FormErrors;
use crate::web::markup::words::{period, state_name};
use crate::web::markup::{csrf_field, layout};

/// What the admin typed into the create form; shown again when it is refused.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct WaveForm {
    #[serde(default)]
    pub survey: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub access: String,
    #[serde(default)]
    pub opens: String,
    #[serde(default)]
    pub closes: String,
    /// The year the wave belongs to; empty: the year it opens.
    #[serde(default)]
    pub period: String,
}

/// The id an access-mode problem links to: the first radio button, as GOV.UK does.
pub fn access_field() -> String {
    format!("access-{}", Access::ALL[0].id())
}

pub fn access_name(ctx: &PageCtx, access: Access) -> &'static str {
    match access {
        Access::Open => ctx.lang.pick("Öppen länk", "Open link"),
        Access::Invite => ctx.lang.pick("Inbjudan via e-post", "E-mail invitation"),
        Access::Class => ctx.lang.pick("Klasskoder", "Class codes"),
    }
}

fn access_hint(ctx: &PageCtx, access: Access) -> &'static str {
    match access {
        Access::Open => ctx.lang.pick(
            "Alla som har länken kan svara, t.ex. en trygghetsundersökning.",
            "Anyone with the link can answer, e.g. a resident safety survey.",
        ),
        Access::Invite => ctx.lang.pick(
            "Personliga engångslänkar skickas med e-post, t.ex. till anställda.",
            "Personal one-time links are sent by e-mail, e.g. to staff.",
        ),
        Access::Class => ctx.lang.pick(
            "Skolsamordnare delar ut engångskoder i klassen. Bara för elevenkäter.",
            "School coordinators hand out one-time codes in class. Pupil surveys only.",
        ),
    }
}

/// A message for one problem `NewWave::parse` found, in the visitor's language. The parser's
/// own texts are for the command line; the form says what to do, as GOV.UK advises.
pub fn wave_problem(
    ctx: &PageCtx,
    field: &str,
    form: &WaveForm,
    catalog: &SurveyCatalog,
) -> String {
    let text = match field {
        "survey" => ctx.t("Välj en enkät.", "Choose a questionnaire."),
        "slug" => ctx.t(
            "Kortnamnet ska vara 3–60 tecken: a–z, 0–9 och bindestreck (inte först eller sist), t.ex. trygghet-2026.",
            "The short name must be 3–60 characters: a–z, 0–9 and hyphens (not first or last), e.g. trygghet-2026.",
        ),
        "access" => match Access::parse(&form.access) {
            Some(Access::Class) => {
                let title = catalog
                    .get(form.survey.trim())
                    .map(|l| l.survey.title.get(ctx.lang).to_owned())
                    .unwrap_or_default();
                return format!(
                    "{} {title}",
                    ctx.t(
                        "Klasskoder går bara att använda för elevenkäter, inte för",
                        "Class codes are for pupil surveys only, not for"
                    )
                );
            }
            _ => ctx.t(
                "Välj hur de svarande kommer åt enkäten.",
                "Choose how respondents reach the questionnaire.",
            ),
        },
        "opens" => ctx.t(
            "Öppningsdatumet ska vara ett datum, t.ex. 2026-03-01.",
            "The opening date must be a date, e.g. 2026-03-01.",
        ),
        "closes" if parse_time(&form.closes, DayEnd::End).is_ok() => ctx.t(
            "Sista svarsdagen ska komma efter öppningsdatumet.",
            "The last day for answers must come after the opening date.",
        ),
        "closes" => ctx.t(
            "Sista svarsdagen ska vara ett datum, t.ex. 2026-03-31.",
            "The last day for answers must be a date, e.g. 2026-03-31.",
        ),
        "period" => ctx.t(
            "Året ska vara ett årtal från 1990 till 2100, t.ex. 2026.",
            "The year must be a year from 1990 to 2100, e.g. 2026.",
        ),
        _ => ctx.t("Kontrollera fältet.", "Check this field."),
    };
    text.to_owned()
}

/// The id of the input a `NewWave::parse` field name belongs to.
pub fn wave_field_id(field: &str) -> String {
    match field {
        "access" => access_field(),
        other => other.to_owned(),
    }
}

pub fn slug_taken(ctx: &PageCtx, slug: &str) -> String {
    format!(
        "{} {slug}. {}",
        ctx.t(
            "Det finns redan en omgång med kortnamnet",
            "There is already a wave with the short name"
        ),
        ctx.t("Välj ett annat.", "Choose another one.")
    )
}

/// The list of waves and the create form.
pub fn list(
    ctx: &PageCtx,
    waves: &[(Wave, u64)],
    catalog: &SurveyCatalog,
    form: &WaveForm,
    errors: &FormErrors,
) -> Markup {
    let title = ctx.t("Omgångar", "Waves");
    let now = crate::util::now();
    layout(
        ctx,
        &errors.title(ctx, title),
        html! {
            (errors.summary(ctx))
            h1 { (title) }
            p { (ctx.t(
                "En omgång är ett tillfälle då en enkät samlar in svar: en period och ett sätt för de svarande att komma in.",
                "A wave is one round of a questionnaire collecting answers: a period and a way in for respondents."
            )) }
            @if waves.is_empty() {
                p class="notice" { (ctx.t("Det finns inga omgångar än.", "There are no waves yet.")) }
            } @else {
                div class="table-wrap" { table {
                    thead { tr {
                        th scope="col" { (ctx.t("Omgång", "Wave")) }
                        th scope="col" { (ctx.t("Enkätversion", "Questionnaire version")) }
                        th scope="col" { (ctx.t("Åtkomst", "Access")) }
                        th scope="col" { (ctx.t("Status", "State")) }
                        th scope="col" { (ctx.t("Period", "Period")) }
                        th scope="col" class="num" { (ctx.t("Svar", "Responses")) }
                    } }
                    tbody {
                        @for (wave, responses) in waves {
                            tr {
                                @let survey = catalog.version(&wave.survey_id, wave.survey_version);
                                td {
                                    a href={ "/admin/waves/" (wave.slug) } {
                                        @match &survey {
                                            Some(s) => { (s.title.get(ctx.lang)) " " (wave.period) }
                                            None => { (wave.survey_id) " " (wave.period) }
                                        }
                                    }
                                    br;
                                    span class="muted small" { (ctx.t("kortnamn", "short name")) " " (wave.slug) }
                                }
                                td { (ctx.t("version", "version")) " " (wave.survey_version) }
                                td { (access_name(ctx, wave.access)) }
                                td { (state_name(ctx, wave.state_at(now))) }
                                td { (period(ctx, wave)) }
                                td class="num" { (ctx.lang.number(i128::from(*responses))) }
                            }
                        }
                    }
                } }
            }
            h2 id="new-wave" { (ctx.t("Ny omgång", "New wave")) }
            (create_form(ctx, catalog, form, errors))
        },
    )
}

fn create_form(
    ctx: &PageCtx,
    catalog: &SurveyCatalog,
    form: &WaveForm,
    errors: &FormErrors,
) -> Markup {
    let access_id = access_field();
    html! {
        form method="post" action="/admin/waves" class="stack" aria-labelledby="new-wave" novalidate {
            (csrf_field(ctx))
            div class=(errors.field_class("survey")) {
                label for="survey" { (ctx.t("Enkät", "Questionnaire")) }
                (errors.at_field(ctx, "survey"))
                select id="survey" name="survey" aria-describedby=[errors.described_by("survey", None)] {
                    option value="" { (ctx.t("Välj enkät", "Choose a questionnaire")) }
                    @for loaded in catalog.iter() {
                        @let s = &loaded.survey;
                        option value=(s.id) selected[form.survey.trim() == s.id] {
                            (s.title.get(ctx.lang)) " (" (ctx.t("version", "version")) " " (s.version)
                            ", " (crate::web::admin::view::audience_name(ctx, s.audience))
                            ")"
                        }
                    }
                }
            }
            div class=(errors.field_class("slug")) {
                label for="slug" { (ctx.t("Kortnamn", "Short name")) }
                span class="hint" id="slug-hint" { (ctx.t(
                    "Blir en del av länken, t.ex. trygghet-2026. 3–60 tecken: a–z, 0–9 och bindestreck.",
                    "Becomes part of the link, e.g. trygghet-2026. 3–60 characters: a–z, 0–9 and hyphens."
                )) }
                (errors.at_field(ctx, "slug"))
                input id="slug" name="slug" type="text" autocomplete="off" spellcheck="false" value=(form.slug)
                    aria-describedby=[errors.described_by("slug", Some("slug-hint"))] aria-invalid=[errors.has("slug").then_some("true")];
            }
            div class=(errors.field_class(&access_id)) {
                fieldset aria-describedby=[errors.described_by(&access_id, None)] {
                    legend { (ctx.t("Hur kommer de svarande in?", "How do respondents get in?")) }
                    (errors.at_field(ctx, &access_id))
                    @for access in Access::ALL {
                        @let id = format!("access-{}", access.id());
                        @let hint = format!("{id}-hint");
                        div class="choice" {
                            input type="radio" id=(id) name="access" value=(access.id())
                                checked[Access::parse(&form.access) == Some(access)] aria-describedby=(hint);
                            label for=(id) { (access_name(ctx, access)) }
                        }
                        p class="hint choice-hint" id=(hint) { (access_hint(ctx, access)) }
                    }
                }
            }
            div class=(errors.field_class("opens")) {
                label for="opens" { (ctx.t("Öppnar (valfritt)", "Opens (optional)")) }
                span class="hint" id="opens-hint" { (ctx.t("Lämna tomt för att öppna direkt.", "Leave empty to open at once.")) }
                (errors.at_field(ctx, "opens"))
                input id="opens" name="opens" type="date" value=(form.opens)
                    aria-describedby=[errors.described_by("opens", Some("opens-hint"))] aria-invalid=[errors.has("opens").then_some("true")];
            }
            div class=(errors.field_class("closes")) {
                label for="closes" { (ctx.t("Sista svarsdag (valfritt)", "Last day for answers (optional)")) }
                span class="hint" id="closes-hint" { (ctx.t(
                    "Svar tas emot hela den dagen och natten efter till kl. 01.00 (sommartid 02.00). Lämna tomt för att stänga för hand.",
                    "Answers are accepted all of that day and the night after until 01:00 Swedish time (summer time 02:00). Leave empty to close by hand."
                )) }
                (errors.at_field(ctx, "closes"))
                input id="closes" name="closes" type="date" value=(form.closes)
                    aria-describedby=[errors.described_by("closes", Some("closes-hint"))] aria-invalid=[errors.has("closes").then_some("true")];
            }
            div class=(errors.field_class("period")) {
                label for="period" { (ctx.t("Undersökningsår (valfritt)", "Survey year (optional)")) }
                span class="hint" id="period-hint" { (ctx.t(
                    "Året omgången räknas till i jämförelser över åren. Lämna tomt för året den öppnar.",
                    "The year the wave counts for in comparisons over the years. Leave empty for the year it opens."
                )) }
                (errors.at_field(ctx, "period"))
                input id="period" name="period" type="text" inputmode="numeric" maxlength="4" class="narrow" value=(form.period)
                    aria-describedby=[errors.described_by("period", Some("period-hint"))] aria-invalid=[errors.has("period").then_some("true")];
            }
            button type="submit" { (ctx.t("Skapa omgång", "Create wave")) }
        }
    }
}
