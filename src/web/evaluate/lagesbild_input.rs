//! What evaluators and admins put into the lägesbild: a source file uploaded
//! (`/evaluate/lagesbild/import`, read and stored as `trygg sources import` does), dialogues
//! (`/evaluate/lagesbild/dialogues`) and the problem picture with its causes
//! (`/evaluate/lagesbild/problems`, one problem's chain at `/evaluate/lagesbild/problems/{id}`).

use axum::Extension;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use super::lagesbild::{chain_markup, dialogue_items, load};
use crate::plan::analysis::{Aspect, CauseForm, CauseKind, ProblemChoices, ProblemForm};
use crate::sources::dialogues::{DialogueForm, DialogueKind, GROUPS};
use crate::store;
use crate::web::extract::{CurrentUser, Form, PageCtx};
use crate::web::views::forms::FormErrors;
use crate::web::views::plan_forms::{
    Group, actions, area, errors_of, form_page, input, select, ungrouped,
};
use crate::web::views::{csrf_field, layout};
use crate::web::{AppError, AppState, EVALUATORS, Routes};

/// The largest file the upload page takes (a fault export of a few hundred thousand rows).
pub const UPLOAD_BYTES: usize = 64 * 1024 * 1024;

pub fn routes() -> Routes {
    Routes::default()
        .get("/evaluate/lagesbild/import", EVALUATORS, import_form)
        .post_limited(
            "/evaluate/lagesbild/import",
            "/evaluate/lagesbild/import",
            EVALUATORS,
            UPLOAD_BYTES,
            upload,
        )
        .get("/evaluate/lagesbild/dialogues", EVALUATORS, dialogues)
        .post(
            "/evaluate/lagesbild/dialogues",
            "/evaluate/lagesbild/dialogues",
            EVALUATORS,
            add_dialogue,
        )
        .post(
            "/evaluate/lagesbild/dialogues/{id}/delete",
            "/evaluate/lagesbild/dialogues",
            EVALUATORS,
            delete_dialogue,
        )
        .get("/evaluate/lagesbild/problems", EVALUATORS, problems)
        .post(
            "/evaluate/lagesbild/problems",
            "/evaluate/lagesbild/problems",
            EVALUATORS,
            create_problem,
        )
        .get("/evaluate/lagesbild/problems/{id}", EVALUATORS, chain)
        .get(
            "/evaluate/lagesbild/problems/{id}/edit",
            EVALUATORS,
            edit_problem,
        )
        .post(
            "/evaluate/lagesbild/problems/{id}/edit",
            "/evaluate/lagesbild/problems/{id}/edit",
            EVALUATORS,
            save_problem,
        )
        .post(
            "/evaluate/lagesbild/problems/{id}/delete",
            "/evaluate/lagesbild/problems/{id}",
            EVALUATORS,
            delete_problem,
        )
        .post(
            "/evaluate/lagesbild/problems/{id}/causes",
            "/evaluate/lagesbild/problems/{id}",
            EVALUATORS,
            add_cause,
        )
        .get(
            "/evaluate/lagesbild/problems/{id}/causes/{cause}",
            EVALUATORS,
            edit_cause,
        )
        .post(
            "/evaluate/lagesbild/problems/{id}/causes/{cause}",
            "/evaluate/lagesbild/problems/{id}/causes/{cause}",
            EVALUATORS,
            save_cause,
        )
        .post(
            "/evaluate/lagesbild/problems/{id}/causes/{cause}/delete",
            "/evaluate/lagesbild/problems/{id}",
            EVALUATORS,
            delete_cause,
        )
}

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

fn refused(page: Markup) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

// ---------------------------------------------------------------- upload

/// What an upload did, for the page.
enum Outcome {
    None,
    Stored(String),
    Refused(String),
}

async fn import_form(ctx: PageCtx) -> Markup {
    import_page(&ctx, &Outcome::None)
}

fn import_page(ctx: &PageCtx, outcome: &Outcome) -> Markup {
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

async fn upload(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let file = match uploaded_file(&mut multipart).await {
        Ok(file) => file,
        Err(e) => {
            let text = format!(
                "{} {e}",
                ctx.t(
                    "Filen kunde inte tas emot:",
                    "The file could not be received:"
                )
            );
            return Ok(refused(import_page(&ctx, &Outcome::Refused(text))));
        }
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let text = ctx
            .t("Välj en fil att läsa in.", "Choose a file to import.")
            .to_owned();
        return Ok(refused(import_page(&ctx, &Outcome::Refused(text))));
    };
    let name = if name.is_empty() {
        "upload".to_owned()
    } else {
        name
    };
    let districts = crate::sources::districts(&state.surveys);
    let parsed = match crate::sources::read(&bytes, &districts) {
        Ok(parsed) => parsed,
        Err(e) => {
            let text = format!(
                "{name}: {e}. {}",
                ctx.t("Ingenting sparades.", "Nothing was stored.")
            );
            return Ok(refused(import_page(&ctx, &Outcome::Refused(text))));
        }
    };
    let sha = store::sources::sha256(&bytes);
    let report = store::sources::import(&state.db, &parsed, (&name, &sha), &user.email).await?;
    let text = match &report.already {
        Some(earlier) => format!(
            "{name}: {} {} {} {}. {}",
            ctx.t("inläst redan", "imported already on"),
            crate::local_time::readable(earlier.imported_at, ctx.lang),
            ctx.t("av", "by"),
            earlier.imported_by,
            ctx.t("Ingenting nytt sparades.", "Nothing new was stored.")
        ),
        None => {
            let mut text = format!(
                "{name} ({}): {} {}, {} {}, {} {}. {}",
                parsed.format,
                ctx.lang.number(parsed.rows as i128),
                ctx.t("rader", "rows"),
                ctx.lang.number(i128::from(report.stored)),
                ctx.t("värden sparade", "values stored"),
                ctx.lang.number(i128::from(report.unchanged)),
                ctx.t("fanns redan", "stored already"),
                parsed.source.licence()
            );
            if !parsed.unknown_areas.is_empty() {
                text.push_str(&format!(
                    " {} {}.",
                    ctx.t(
                        "Områden som inte är stadsdelar i boendeenkäten (sparade som de skrevs):",
                        "Areas that are no district of the resident survey (stored as written):"
                    ),
                    parsed.unknown_areas.join(", ")
                ));
            }
            text
        }
    };
    Ok(import_page(&ctx, &Outcome::Stored(text)).into_response())
}

/// The `file` field of an upload: the file's name (without a folder) and its bytes.
async fn uploaded_file(
    multipart: &mut Multipart,
) -> Result<Option<(String, Vec<u8>)>, axum::extract::multipart::MultipartError> {
    let mut file = None;
    while let Some(field) = multipart.next_field().await? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field
            .file_name()
            .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_owned())
            .unwrap_or_default();
        file = Some((name, field.bytes().await?.to_vec()));
    }
    Ok(file)
}

// ---------------------------------------------------------------- dialogues

fn area_options(ctx: &PageCtx, state: &AppState) -> Vec<(String, String)> {
    state
        .agreements
        .area_names()
        .iter()
        .map(|a| (a.id.clone(), a.title.get(ctx.lang).to_owned()))
        .collect()
}

async fn dialogues(ctx: PageCtx, State(state): State<AppState>) -> Result<Markup, AppError> {
    let form = DialogueForm {
        held_on: crate::evaluate::today(),
        ..DialogueForm::default()
    };
    dialogues_page(&ctx, &state, &form, &FormErrors::new()).await
}

async fn dialogues_page(
    ctx: &PageCtx,
    state: &AppState,
    form: &DialogueForm,
    errors: &FormErrors,
) -> Result<Markup, AppError> {
    let stored = store::analysis::dialogues(&state.db).await?;
    let rows: Vec<crate::evaluate::lagesbild::DialogueRow> = stored
        .iter()
        .map(crate::evaluate::lagesbild::dialogue_row)
        .collect();
    let districts = crate::sources::districts(&state.surveys);
    let areas = area_options(ctx, state);
    let title = ctx.t("Dialoger", "Dialogues");
    Ok(form_page(
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
            @for d in &rows {
                div class="dialogue-card" {
                    (dialogue_items(ctx, std::slice::from_ref(d)))
                    (remove_form(ctx, &format!("/evaluate/lagesbild/dialogues/{}/delete", d.id), (ctx.t("Ta bort", "Remove"), "secondary")))
                }
            }
        },
    ))
}

async fn add_dialogue(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Form(form): Form<DialogueForm>,
) -> Result<Response, AppError> {
    let districts = crate::sources::districts(&state.surveys);
    let areas: Vec<String> = state
        .agreements
        .area_names()
        .into_iter()
        .map(|a| a.id)
        .collect();
    let today = crate::local_time::today();
    match form.parse(&districts, &areas, today) {
        Ok(d) => {
            store::analysis::add_dialogue(&state.db, &d, &user.email).await?;
            Ok(Redirect::to("/evaluate/lagesbild/dialogues").into_response())
        }
        Err(problems) => Ok(refused(
            dialogues_page(&ctx, &state, &form, &errors_of(&ctx, &problems)).await?,
        )),
    }
}

async fn delete_dialogue(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    if !store::analysis::delete_dialogue(&state.db, &id, &user.email).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/evaluate/lagesbild/dialogues").into_response())
}

// ---------------------------------------------------------------- problems

/// What the problem form may name: the agreements' areas, the resident survey's districts, the
/// indicators of the loaded questionnaires and the stored series.
async fn problem_choices(
    state: &AppState,
) -> Result<(ProblemChoices, Vec<(String, String)>), AppError> {
    let mut evidence: Vec<(String, String)> = Vec::new();
    for loaded in state.surveys.iter() {
        for i in &loaded.survey.indicators {
            evidence.push((
                crate::plan::links::indicator_key(&loaded.survey.id, &i.id),
                i.title.get(crate::i18n::Lang::Sv).to_owned(),
            ));
        }
    }
    for m in store::sources::measures(&state.db).await? {
        evidence.push((m.id.clone(), m.title.clone()));
    }
    Ok((
        ProblemChoices {
            areas: state
                .agreements
                .area_names()
                .into_iter()
                .map(|a| a.id)
                .collect(),
            districts: crate::sources::districts(&state.surveys),
            evidence: evidence.iter().map(|(k, _)| k.clone()).collect(),
        },
        evidence,
    ))
}

fn problem_form(
    ctx: &PageCtx,
    state: &AppState,
    (action, submit): (&str, &str),
    form: &ProblemForm,
    choices: &(ProblemChoices, Vec<(String, String)>),
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

async fn problems(ctx: PageCtx, State(state): State<AppState>) -> Result<Markup, AppError> {
    let next = store::analysis::problems(&state.db).await?.len() + 1;
    let form = ProblemForm {
        rank: next.to_string(),
        ..ProblemForm::default()
    };
    problems_page(&ctx, &state, &form, &FormErrors::new()).await
}

async fn problems_page(
    ctx: &PageCtx,
    state: &AppState,
    form: &ProblemForm,
    errors: &FormErrors,
) -> Result<Markup, AppError> {
    let l = load(state, ctx.lang).await?;
    let choices = problem_choices(state).await?;
    let title = ctx.t("Problembild och orsaker", "Problems and causes");
    Ok(form_page(
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
            (problem_form(ctx, state, ("/evaluate/lagesbild/problems", ctx.t("Spara problemet", "Save the problem")), form, &choices, errors))
        },
    ))
}

async fn create_problem(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form = ProblemForm::from_pairs(&pairs);
    let choices = problem_choices(&state).await?;
    match form.parse(&choices.0) {
        Ok(p) => {
            let id = store::analysis::save_problem(&state.db, None, &p, &user.email)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(Redirect::to(&format!("/evaluate/lagesbild/problems/{id}")).into_response())
        }
        Err(problems) => Ok(refused(
            problems_page(&ctx, &state, &form, &errors_of(&ctx, &problems)).await?,
        )),
    }
}

fn problem_id(text: &str) -> Result<i64, AppError> {
    text.parse().map_err(|_| AppError::NotFound)
}

async fn edit_problem(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let id = problem_id(&id)?;
    let stored = store::analysis::find_problem(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = ProblemForm::of(&store::analysis::problem_of(&stored));
    edit_page(&ctx, &state, id, &form, &FormErrors::new()).await
}

async fn edit_page(
    ctx: &PageCtx,
    state: &AppState,
    id: i64,
    form: &ProblemForm,
    errors: &FormErrors,
) -> Result<Markup, AppError> {
    let choices = problem_choices(state).await?;
    let title = ctx.t("Ändra problemet", "Edit the problem");
    let action = format!("/evaluate/lagesbild/problems/{id}/edit");
    Ok(form_page(
        ctx,
        errors,
        title,
        None,
        html! {
            (problem_form(ctx, state, (&action, ctx.t("Spara ändringarna", "Save the changes")), form, &choices, errors))
            (remove_form(ctx, &format!("/evaluate/lagesbild/problems/{id}/delete"), (ctx.t("Ta bort problemet och dess orsaker", "Remove the problem and its causes"), "danger")))
        },
    ))
}

async fn save_problem(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let id = problem_id(&id)?;
    let form = ProblemForm::from_pairs(&pairs);
    let choices = problem_choices(&state).await?;
    match form.parse(&choices.0) {
        Ok(p) => {
            store::analysis::save_problem(&state.db, Some(id), &p, &user.email)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(Redirect::to(&format!("/evaluate/lagesbild/problems/{id}")).into_response())
        }
        Err(problems) => Ok(refused(
            edit_page(&ctx, &state, id, &form, &errors_of(&ctx, &problems)).await?,
        )),
    }
}

async fn delete_problem(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    if !store::analysis::delete_problem(&state.db, problem_id(&id)?, &user.email).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/evaluate/lagesbild/problems").into_response())
}

// ---------------------------------------------------------------- the chain

async fn chain(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let id = problem_id(&id)?;
    chain_page(&ctx, &state, id, &CauseForm::default(), &FormErrors::new()).await
}

async fn chain_page(
    ctx: &PageCtx,
    state: &AppState,
    id: i64,
    form: &CauseForm,
    errors: &FormErrors,
) -> Result<Markup, AppError> {
    let l = load(state, ctx.lang).await?;
    let p = l
        .problems
        .iter()
        .find(|p| p.id == id)
        .ok_or(AppError::NotFound)?;
    let plan = store::plan::list(&state.db).await?;
    let action = format!("/evaluate/lagesbild/problems/{id}/causes");
    Ok(form_page(
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
            (cause_form(ctx, (&action, "/evaluate/lagesbild/problems"), form, &plan, errors))
        },
    ))
}

fn cause_form(
    ctx: &PageCtx,
    (action, back): (&str, &str),
    form: &CauseForm,
    plan: &[store::plan::InterventionRow],
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

async fn known_interventions(state: &AppState) -> Result<Vec<i64>, AppError> {
    Ok(store::plan::list(&state.db)
        .await?
        .iter()
        .map(|i| i.id)
        .collect())
}

async fn add_cause(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let id = problem_id(&id)?;
    let form = CauseForm::from_pairs(&pairs);
    match form.parse(&known_interventions(&state).await?) {
        Ok(c) => {
            let cause = store::analysis::save_cause(&state.db, id, None, &c, &user.email)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(
                Redirect::to(&format!("/evaluate/lagesbild/problems/{id}#cause-{cause}"))
                    .into_response(),
            )
        }
        Err(problems) => Ok(refused(
            chain_page(&ctx, &state, id, &form, &errors_of(&ctx, &problems)).await?,
        )),
    }
}

async fn edit_cause(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path((id, cause)): Path<(String, String)>,
) -> Result<Markup, AppError> {
    let (id, cause) = (problem_id(&id)?, problem_id(&cause)?);
    let stored = store::analysis::causes_of(&state.db, &[id])
        .await?
        .into_iter()
        .find(|c| c.id == cause)
        .ok_or(AppError::NotFound)?;
    let links = store::analysis::cause_links(&state.db).await?;
    let form = CauseForm {
        kind: stored.kind,
        aspect: stored.aspect,
        description: stored.description,
        interventions: links
            .iter()
            .filter(|l| l.cause_id == cause)
            .map(|l| l.intervention_id.to_string())
            .collect(),
    };
    cause_page(&ctx, &state, (id, cause), &form, &FormErrors::new()).await
}

async fn cause_page(
    ctx: &PageCtx,
    state: &AppState,
    (id, cause): (i64, i64),
    form: &CauseForm,
    errors: &FormErrors,
) -> Result<Markup, AppError> {
    let plan = store::plan::list(&state.db).await?;
    let action = format!("/evaluate/lagesbild/problems/{id}/causes/{cause}");
    Ok(form_page(
        ctx,
        errors,
        ctx.t("Ändra orsaken", "Edit the cause"),
        None,
        html! {
            p { a href=(format!("/evaluate/lagesbild/problems/{id}")) { (ctx.t("Tillbaka till problemet", "Back to the problem")) } }
            (cause_form(ctx, (&action, &format!("/evaluate/lagesbild/problems/{id}")), form, &plan, errors))
            (remove_form(ctx, &format!("{action}/delete"), (ctx.t("Ta bort orsaken", "Remove the cause"), "danger")))
        },
    ))
}

async fn save_cause(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path((id, cause)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (id, cause) = (problem_id(&id)?, problem_id(&cause)?);
    let form = CauseForm::from_pairs(&pairs);
    match form.parse(&known_interventions(&state).await?) {
        Ok(c) => {
            store::analysis::save_cause(&state.db, id, Some(cause), &c, &user.email)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(
                Redirect::to(&format!("/evaluate/lagesbild/problems/{id}#cause-{cause}"))
                    .into_response(),
            )
        }
        Err(problems) => Ok(refused(
            cause_page(
                &ctx,
                &state,
                (id, cause),
                &form,
                &errors_of(&ctx, &problems),
            )
            .await?,
        )),
    }
}

async fn delete_cause(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path((id, cause)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (id, cause) = (problem_id(&id)?, problem_id(&cause)?);
    if !store::analysis::delete_cause(&state.db, id, cause, &user.email).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to(&format!("/evaluate/lagesbild/problems/{id}")).into_response())
}
