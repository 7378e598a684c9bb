//! What evaluators and admins put into the lägesbild: a source file uploaded
//! (`/evaluate/lagesbild/import`, read and stored as `trygg sources import` does), dialogues
//! (`/evaluate/lagesbild/dialogues`) and the problem picture with its causes
//! (`/evaluate/lagesbild/problems`, one problem's chain at `/evaluate/lagesbild/problems/{id}`).

mod view;

use axum::Extension;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;

use super::lagesbild::load;
use crate::plan::analysis::{CauseForm, ProblemChoices, ProblemForm};
use crate::sources::dialogues::DialogueForm;
use crate::store;
use crate::web::extract::{CurrentUser, Form, PageCtx};
use crate::web::markup::forms::{FormErrors, errors_of};
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
    view::import_page(&ctx, &Outcome::None)
}

#[tracing::instrument(skip_all)]
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
            return Ok(refused(view::import_page(&ctx, &Outcome::Refused(text))));
        }
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let text = ctx
            .t("Välj en fil att läsa in.", "Choose a file to import.")
            .to_owned();
        return Ok(refused(view::import_page(&ctx, &Outcome::Refused(text))));
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
            return Ok(refused(view::import_page(&ctx, &Outcome::Refused(text))));
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
    Ok(view::import_page(&ctx, &Outcome::Stored(text)).into_response())
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
    Ok(view::dialogues(
        ctx,
        (form, errors),
        &rows,
        &districts,
        &areas,
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

/// What the problem form may name, and the evidence to choose from with its titles.
type Choices = (ProblemChoices, Vec<(String, String)>);

/// What the problem form may name: the agreements' areas, the resident survey's districts, the
/// indicators of the loaded questionnaires and the stored series.
async fn problem_choices(state: &AppState) -> Result<Choices, AppError> {
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
    Ok(view::problems(ctx, state, (form, errors), &l, &choices))
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
    Ok(view::edit(ctx, state, id, (form, errors), &choices))
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
    Ok(view::chain(ctx, (id, p), (form, errors), &plan))
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
    Ok(view::cause(ctx, (id, cause), (form, errors), &plan))
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
