//! Markup of what evaluators put into the lägesbild: the upload page, the dialogues, the
//! problems and one problem's chain of causes.

use maud::{Markup, html};

use super::{Choices, Outcome, area_options};
use crate::evaluate::lagesbild::{DialogueRow, Lagesbild, ProblemChain};
use crate::plan::analysis::{Aspect, CauseForm, CauseKind, ProblemForm};
use crate::sources::dialogues::{DialogueForm, DialogueKind, GROUPS};
use crate::store::plan::InterventionRow;
use crate::web::AppState;
use crate::web::evaluate::lagesbild::view::{chain_markup, dialogue_items};
use crate::web::extract::PageCtx;
use crate::web::markup::forms::{
    FormErrors, Group, actions, area, form_page, input, select, ungrouped,
};
use crate::web::markup::{csrf_field, layout};

fn back_link(ctx: &PageCtx) -> Markup {
    html! { p { a href="/evaluate/lagesbild" { (ctx.t("Tillbaka till lägesbilden", "Back to the situation picture")) } } }
}

/// A form of its own that removes something: one button, `(label, class)`.
fn remove_form(ctx: &PageCtx, action: &str, (label, class): (&str, &str)) -> Markup {
    html! {
        form method="post" action=(action) class="remove" {
            (csrf_field(ctx))
            button type="submit" class=(class) { (label) }
        }
    }
}

pub fn import_page(ctx: &PageCtx, outcome: &Outcome) -> Markup {
    let title = ctx.t("Läs in en källa", "Import a source");
    let action = format!("/evaluate/lagesbild/import?_csrf={}", ctx.csrf);
    layout(
        ctx,
        title,
        html! {
            (back_link(ctx))
            h1 { (title) }
            @match outcome {
                Outcome::Stored(text) => div class="notice" role="status" { p { (text) } },
                Outcome::Refused(text) => div class="error-summary" role="alert" tabindex="-1" {
                    h2 { (ctx.t("Filen lästes inte in", "The file was not imported")) }
                    p { (text) }
                },
                Outcome::None => {},
            }
            p { (ctx.t(
                "Formatet känns igen på innehållet. Samma fil två gånger sparas en gång; en fil med fel sparar ingenting och felet anges med rad eller plats.",
                "The format is recognised from the content. The same file twice is stored once; a file with a problem stores nothing, and the problem is given with its line or place."
            )) }
            ul {
                li { strong { "Kolada" } " – " (ctx.t("svar från Koladas API (v3, JSON), t.ex. N07540 anmälda brott per 100 000 invånare.", "answers of Kolada's API (v3, JSON), e.g. N07540 reported crimes per 100,000 inhabitants.")) }
                li { strong { "SCB" } " – " (ctx.t("tabeller från SCB:s statistikdatabas som JSON-stat 2.", "tables of SCB's database as JSON-stat 2.")) }
                li { strong { (ctx.t("Felanmälningar", "Fault reports")) } " – " (ctx.t(
                    "export från kommunens system, CSV eller Excel, en rad per ärende. Kolumnerna hittas på namnet: datum, kategori (eller ärendetyp) och område (eller stadsdel). Andra kolumner läses inte och sparas aldrig, eftersom fritext kan innehålla namn.",
                    "the municipality's export, CSV or Excel, one row per report. The columns are found by name: date (datum), category (kategori or ärendetyp) and district (område or stadsdel). Other columns are not read and never stored, since free text can hold names."
                )) }
                li { strong { (ctx.t("Andra serier", "Other series")) } " – " (ctx.t(
                    "CSV eller Excel med kolumnerna measure;area;period;value, t.ex. Brås tabeller eller lokalpolisens siffror.",
                    "CSV or Excel with the columns measure;area;period;value, e.g. Brå's tables or the local police's figures."
                )) }
            }
            form method="post" action=(action) enctype="multipart/form-data" class="stack" {
                div class="field" {
                    label for="file" { (ctx.t("Fil", "File")) }
                    span class="hint" id="file-hint" { (ctx.t("Högst 64 MB.", "At most 64 MB.")) }
                    input type="file" id="file" name="file" required aria-describedby="file-hint"
                        accept=".json,.csv,.txt,.xlsx,application/json,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                }
                div class="actions" {
                    button type="submit" { (ctx.t("Läs in", "Import")) }
                    a href="/evaluate/lagesbild" { (ctx.t("Avbryt", "Cancel")) }
                }
            }
        },
    )
}

fn problem_form(
    ctx: &PageCtx,
    state: &AppState,
    (action, submit): (&str, &str),
    form: &ProblemForm,
    choices: &Choices,
    errors: &FormErrors,
) -> Markup {
    let areas: Vec<Group> = ungrouped(
        area_options(ctx, state)
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect::<Vec<_>>()
            .into_iter(),
    );
    html! {
        form method="post" action=(action) class="stack" novalidate {
            (csrf_field(ctx))
            (input(ctx, errors, ("title", ctx.t("Problemet", "The problem")), Some(ctx.t("Kort, t.ex. \"Skadegörelse och otrygghet kring busstationen kvällstid\".", "Briefly, e.g. \"Vandalism and unsafety around the bus station in the evenings\".")), &form.title, None))
            (input(ctx, errors, ("rank", ctx.t("Prioritet", "Priority")), Some(ctx.t("1 är det mest angelägna.", "1 is the most pressing.")), &form.rank, Some("narrow")))
            (select(ctx, errors, ("priority_area", ctx.t("Prioriterat område", "Priority area")), (None, ctx.t("Välj område", "Choose an area")), &areas, &form.priority_area))
            (area(ctx, errors, ("description", ctx.t("Beskrivning", "Description")), Some(ctx.t("Vad visar siffrorna och dialogerna? Var och när?", "What do the figures and the dialogues show? Where and when?")), &form.description))
            fieldset id="districts" class=[errors.has("districts").then_some("has-error")] {
                legend { (ctx.t("Stadsdelar", "Districts")) }
                p class="hint" { (ctx.t("Inga valda: hela kommunen.", "None chosen: the whole municipality.")) }
                (errors.at_field(ctx, "districts"))
                @for (i, d) in choices.0.districts.iter().enumerate() {
                    div class="choice" {
                        input type="checkbox" name="district" id=(format!("district-{i}")) value=(d) checked[form.districts.contains(d)];
                        label for=(format!("district-{i}")) { (d) }
                    }
                }
            }
            fieldset id="evidence" class=[errors.has("evidence").then_some("has-error")] {
                legend { (ctx.t("Siffror som visar problemet", "Figures that show the problem")) }
                (errors.at_field(ctx, "evidence"))
                @for (i, (key, title)) in choices.1.iter().enumerate() {
                    div class="choice" {
                        input type="checkbox" name="evidence" id=(format!("evidence-{i}")) value=(key) checked[form.evidence.contains(key)];
                        label for=(format!("evidence-{i}")) { (title) " " span class="muted small" { "(" (key) ")" } }
                    }
                }
            }
            (actions(submit, ("/evaluate/lagesbild/problems", ctx.t("Avbryt", "Cancel"))))
        }
    }
}

fn cause_form(
    ctx: &PageCtx,
    (action, back): (&str, &str),
    form: &CauseForm,
    plan: &[InterventionRow],
    errors: &FormErrors,
) -> Markup {
    html! {
        form method="post" action=(action) class="stack" novalidate {
            (csrf_field(ctx))
            fieldset class=[errors.has("kind-risk").then_some("has-error")] {
                legend { (ctx.t("Risk eller skydd", "Risk or protection")) }
                (errors.at_field(ctx, "kind-risk"))
                @for k in CauseKind::ALL {
                    div class="choice" {
                        input type="radio" name="kind" id=(format!("kind-{}", k.id())) value=(k.id()) checked[form.kind == k.id()];
                        label for=(format!("kind-{}", k.id())) { (k.label(ctx.lang)) }
                    }
                }
            }
            fieldset class=[errors.has("aspect-place").then_some("has-error")] {
                legend { (ctx.t("Var i problemtriangeln?", "Where in the problem triangle?")) }
                p class="hint" { (ctx.t(
                    "Ett brott kräver en plats, en gärningsperson och ett offer eller mål som möts vid en tid; orsaken sitter i någon av dem.",
                    "A crime needs a place, an offender and a victim or target that meet at a time; the cause lies in one of them."
                )) }
                (errors.at_field(ctx, "aspect-place"))
                @for a in Aspect::ALL {
                    div class="choice" {
                        input type="radio" name="aspect" id=(format!("aspect-{}", a.id())) value=(a.id()) checked[form.aspect == a.id()];
                        label for=(format!("aspect-{}", a.id())) { (a.label(ctx.lang)) }
                    }
                }
            }
            (area(ctx, errors, ("description", ctx.t("Orsaken", "The cause")), Some(ctx.t("T.ex. \"Dålig belysning i gångtunneln under vinterhalvåret\".", "E.g. \"Poor lighting in the underpass in the winter months\".")), &form.description))
            fieldset id="interventions" class=[errors.has("interventions").then_some("has-error")] {
                legend { (ctx.t("Insatser i åtgärdsplanen som möter orsaken", "Interventions of the action plan that meet the cause")) }
                (errors.at_field(ctx, "interventions"))
                @if plan.is_empty() { p class="muted" { (ctx.t("Åtgärdsplanen har inga insatser ännu.", "The action plan has no interventions yet.")) } }
                @for i in plan {
                    @let id = i.id.to_string();
                    div class="choice" {
                        input type="checkbox" name="intervention" id=(format!("intervention-{id}")) value=(id) checked[form.interventions.contains(&id)];
                        label for=(format!("intervention-{id}")) { (i.intervention.title) " " span class="muted small" { "(" (i.intervention.start_year) "–" (i.intervention.end_year) ", " (i.intervention.status.label(ctx.lang)) ")" } }
                    }
                }
            }
            (actions(ctx.t("Spara orsaken", "Save the cause"), (back, ctx.t("Avbryt", "Cancel"))))
        }
    }
}

/// The dialogues' page: the form that records one, and those recorded.
pub fn dialogues(
    ctx: &PageCtx,
    (form, errors): (&DialogueForm, &FormErrors),
    rows: &[DialogueRow],
    districts: &[String],
    areas: &[(String, String)],
) -> Markup {
    let title = ctx.t("Dialoger", "Dialogues");
    form_page(
        ctx,
        errors,
        title,
        Some(ctx.t(
            "Medarbetardialoger, medborgardialoger och trygghetsvandringar: när, var, hur många som deltog och vad som kom fram. Skriv inga namn.",
            "Staff dialogues, residents' dialogues and safety walks: when, where, how many took part and what came up. Write no names.",
        )),
        html! {
            (back_link(ctx))
            h2 { (ctx.t("För in en dialog", "Record a dialogue")) }
            form method="post" action="/evaluate/lagesbild/dialogues" class="stack" novalidate {
                (csrf_field(ctx))
                (input(ctx, errors, ("held_on", ctx.t("Dag", "Day")), Some(ctx.t("ÅÅÅÅ-MM-DD", "YYYY-MM-DD")), &form.held_on, Some("narrow")))
                fieldset class=[errors.has("kind-staff").then_some("has-error")] aria-describedby=[errors.described_by("kind-staff", None)] {
                    legend { (ctx.t("Slag av dialog", "Kind of dialogue")) }
                    (errors.at_field(ctx, "kind-staff"))
                    @for k in DialogueKind::ALL {
                        div class="choice" {
                            input type="radio" name="kind" id=(format!("kind-{}", k.id())) value=(k.id()) checked[form.kind == k.id()];
                            label for=(format!("kind-{}", k.id())) { (k.label(ctx.lang)) }
                        }
                    }
                }
                (select(ctx, errors, ("district", ctx.t("Stadsdel", "District")), (None, ctx.t("Hela kommunen", "The whole municipality")), &ungrouped(districts.iter().map(|d| (d.as_str(), d.as_str()))), &form.district))
                (select(ctx, errors, ("priority_area", ctx.t("Prioriterat område", "Priority area")), (None, ctx.t("Inget särskilt", "None in particular")), &ungrouped(areas.iter().map(|(a, b)| (a.as_str(), b.as_str()))), &form.priority_area))
                fieldset {
                    legend { (ctx.t("Hur många deltog?", "How many took part?")) }
                    p class="hint" { (ctx.t("Antal, inga namn.", "Numbers, no names.")) }
                    @for (field, sv, en) in GROUPS {
                        @let value = match field { "residents" => &form.residents, "staff" => &form.staff, "police" => &form.police, _ => &form.others };
                        (input(ctx, errors, (field, ctx.t(sv, en)), None, value, Some("narrow")))
                    }
                }
                (area(ctx, errors, ("raised", ctx.t("Vad som kom fram", "What came up")), Some(ctx.t("Platser, tider och problem som togs upp. Skriv inga namn på personer.", "Places, times and problems that were raised. Write no names of people.")), &form.raised))
                (actions(ctx.t("Spara dialogen", "Save the dialogue"), ("/evaluate/lagesbild", ctx.t("Avbryt", "Cancel"))))
            }
            h2 { (ctx.t("Införda dialoger", "Recorded dialogues")) " (" (rows.len()) ")" }
            @if rows.is_empty() {
                p class="muted" { (ctx.t("Inga ännu.", "None yet.")) }
            }
            @for d in rows {
                div class="dialogue-card" {
                    (dialogue_items(ctx, std::slice::from_ref(d)))
                    (remove_form(ctx, &format!("/evaluate/lagesbild/dialogues/{}/delete", d.id), (ctx.t("Ta bort", "Remove"), "secondary")))
                }
            }
        },
    )
}

/// The problems' page: the problem picture, and the form that records a problem.
pub fn problems(
    ctx: &PageCtx,
    state: &AppState,
    (form, errors): (&ProblemForm, &FormErrors),
    l: &Lagesbild,
    choices: &Choices,
) -> Markup {
    let title = ctx.t("Problembild och orsaker", "Problems and causes");
    form_page(
        ctx,
        errors,
        title,
        Some(ctx.t(
            "Lägesbildens prioriterade problem, deras orsaker och de insatser i åtgärdsplanen som möter varje orsak.",
            "The situation picture's prioritised problems, their causes and the interventions of the action plan that meet each cause.",
        )),
        html! {
            (back_link(ctx))
            @if l.problems.is_empty() {
                p class="muted" { (ctx.t("Inga problem införda ännu.", "No problems recorded yet.")) }
            } @else {
                ol class="plain problems" {
                    @for p in &l.problems {
                        li {
                            h2 class="h3" { (p.rank) ". " a href=(format!("/evaluate/lagesbild/problems/{}", p.id)) { (p.title) } }
                            p class="muted small" {
                                (p.area_title.get(ctx.lang))
                                @if !p.districts.is_empty() { " · " (p.districts.join(", ")) }
                                " · " (p.causes.len()) " " (ctx.t("orsaker", "causes"))
                                " · " (p.causes.iter().map(|c| c.interventions.len()).sum::<usize>()) " " (ctx.t("kopplingar till insatser", "links to interventions"))
                            }
                        }
                    }
                }
            }
            h2 id="new-problem" { (ctx.t("För in ett problem", "Record a problem")) }
            (problem_form(ctx, state, ("/evaluate/lagesbild/problems", ctx.t("Spara problemet", "Save the problem")), form, choices, errors))
        },
    )
}

/// A problem's form, to change it, and the button that removes it.
pub fn edit(
    ctx: &PageCtx,
    state: &AppState,
    id: i64,
    (form, errors): (&ProblemForm, &FormErrors),
    choices: &Choices,
) -> Markup {
    let title = ctx.t("Ändra problemet", "Edit the problem");
    let action = format!("/evaluate/lagesbild/problems/{id}/edit");
    form_page(
        ctx,
        errors,
        title,
        None,
        html! {
            (problem_form(ctx, state, (&action, ctx.t("Spara ändringarna", "Save the changes")), form, choices, errors))
            (remove_form(ctx, &format!("/evaluate/lagesbild/problems/{id}/delete"), (ctx.t("Ta bort problemet och dess orsaker", "Remove the problem and its causes"), "danger")))
        },
    )
}

/// One problem's chain, and the form that adds a cause.
pub fn chain(
    ctx: &PageCtx,
    (id, p): (i64, &ProblemChain),
    (form, errors): (&CauseForm, &FormErrors),
    plan: &[InterventionRow],
) -> Markup {
    let action = format!("/evaluate/lagesbild/problems/{id}/causes");
    form_page(
        ctx,
        errors,
        &p.title,
        None,
        html! {
            p { a href="/evaluate/lagesbild/problems" { (ctx.t("Alla problem", "Every problem")) } " · "
                a href=(format!("/evaluate/lagesbild/problems/{id}/edit")) { (ctx.t("Ändra problemet", "Edit the problem")) } }
            p class="chain-legend small muted" { (ctx.t(
                "Kedjan: problem → orsak → insats → prestation → effekt på indikatorn.",
                "The chain: problem → cause → intervention → output → outcome on the indicator."
            )) }
            (chain_markup(ctx.lang, p, Some(&format!("/evaluate/lagesbild/problems/{id}"))))
            h2 id="new-cause" { (ctx.t("Lägg till en orsak", "Add a cause")) }
            (cause_form(ctx, (&action, "/evaluate/lagesbild/problems"), form, plan, errors))
        },
    )
}

/// A cause's form, to change it, and the button that removes it.
pub fn cause(
    ctx: &PageCtx,
    (id, cause): (i64, i64),
    (form, errors): (&CauseForm, &FormErrors),
    plan: &[InterventionRow],
) -> Markup {
    let action = format!("/evaluate/lagesbild/problems/{id}/causes/{cause}");
    form_page(
        ctx,
        errors,
        ctx.t("Ändra orsaken", "Edit the cause"),
        None,
        html! {
            p { a href=(format!("/evaluate/lagesbild/problems/{id}")) { (ctx.t("Tillbaka till problemet", "Back to the problem")) } }
            (cause_form(ctx, (&action, &format!("/evaluate/lagesbild/problems/{id}")), form, plan, errors))
            (remove_form(ctx, &format!("{action}/delete"), (ctx.t("Ta bort orsaken", "Remove the cause"), "danger")))
        },
    )
}
