//! The action plan's pages (`/evaluate/plan…`): every signed-in staff member reads the plan;
//! evaluators and admins create and change interventions, their output measures, indicator
//! links and follow-up notes. A refused form changes nothing and comes back with its problems
//! (422); every change is audit-logged (see `store::plan`).

mod view;

use std::collections::HashMap;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;
use serde::Deserialize;

use crate::plan::links::{LinkForm, target_text};
use crate::plan::outputs::OutputForm;
use crate::plan::{Choices, InterventionForm, Status, clean_text, number};
use crate::store::plan::{self as store, InterventionRow, PlanError};
use crate::web::extract::{CurrentUser, Form, PageCtx};
use crate::web::markup::forms::{FormErrors, errors_of};
use crate::web::{ANY_USER, AppError, AppState, EVALUATORS, Routes};
use view::{Filter, InterventionPage, LinkView, forms};

pub fn routes() -> Routes {
    Routes::default()
        .get("/evaluate/plan", ANY_USER, overview)
        .get("/evaluate/plan/new", EVALUATORS, new_form)
        .post("/evaluate/plan", "/evaluate/plan", EVALUATORS, create)
        .get("/evaluate/plan/{id}", ANY_USER, show)
        .get("/evaluate/plan/{id}/edit", EVALUATORS, edit_form)
        .post(
            "/evaluate/plan/{id}",
            "/evaluate/plan/{id}",
            EVALUATORS,
            update,
        )
        .get("/evaluate/plan/{id}/outputs/new", EVALUATORS, new_output)
        .post(
            "/evaluate/plan/{id}/outputs",
            "/evaluate/plan/{id}/outputs/new",
            EVALUATORS,
            create_output,
        )
        .get(
            "/evaluate/plan/{id}/outputs/{output}",
            EVALUATORS,
            edit_output,
        )
        .post(
            "/evaluate/plan/{id}/outputs/{output}",
            "/evaluate/plan/{id}/outputs/{output}",
            EVALUATORS,
            update_output,
        )
        .post(
            "/evaluate/plan/{id}/outputs/{output}/delete",
            "/evaluate/plan/{id}",
            EVALUATORS,
            delete_output,
        )
        .get("/evaluate/plan/{id}/indicators/new", EVALUATORS, new_link)
        .post(
            "/evaluate/plan/{id}/indicators",
            "/evaluate/plan/{id}/indicators/new",
            EVALUATORS,
            create_link,
        )
        .get(
            "/evaluate/plan/{id}/indicators/{link}",
            EVALUATORS,
            edit_link,
        )
        .post(
            "/evaluate/plan/{id}/indicators/{link}",
            "/evaluate/plan/{id}/indicators/{link}",
            EVALUATORS,
            update_link,
        )
        .post(
            "/evaluate/plan/{id}/indicators/{link}/delete",
            "/evaluate/plan/{id}",
            EVALUATORS,
            delete_link,
        )
        .get(
            "/evaluate/plan/{id}/follow-up/{year}",
            EVALUATORS,
            follow_up_form,
        )
        .post(
            "/evaluate/plan/{id}/follow-up/{year}",
            "/evaluate/plan/{id}/follow-up/{year}",
            EVALUATORS,
            save_follow_up,
        )
}

/// A path's number, or 404 (not axum's 400: `/evaluate/plan/abc` is simply no page).
fn number_in(text: &str) -> Result<i64, AppError> {
    text.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(AppError::NotFound)
}

/// The item of `items` whose id the path names, or 404.
fn pick<T>(items: Vec<T>, wanted: &str, id_of: fn(&T) -> i64) -> Result<T, AppError> {
    let wanted = number_in(wanted)?;
    items
        .into_iter()
        .find(|item| id_of(item) == wanted)
        .ok_or(AppError::NotFound)
}

async fn intervention(state: &AppState, id: &str) -> Result<InterventionRow, AppError> {
    store::find(&state.db, number_in(id)?)
        .await?
        .ok_or(AppError::NotFound)
}

fn plan_error(e: PlanError) -> AppError {
    match e {
        PlanError::NotFound => AppError::NotFound,
        PlanError::Db(e) => e.into(),
        e @ (PlanError::Outdated | PlanError::Duplicate) => AppError::Internal(e.into()),
    }
}

fn refused(page: Markup) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

fn to(id: i64, done: &str) -> Response {
    Redirect::to(&format!("/evaluate/plan/{id}?done={done}")).into_response()
}

#[derive(Debug, Deserialize)]
struct OverviewQuery {
    year: Option<String>,
    status: Option<String>,
    done: Option<String>,
}

async fn overview(
    ctx: PageCtx,
    State(state): State<AppState>,
    Query(q): Query<OverviewQuery>,
) -> Result<Markup, AppError> {
    let rows = store::list(&state.db).await?;
    // An unknown year or status filters nothing rather than failing.
    let filter = Filter {
        year: q.year.as_deref().and_then(number::parse_year),
        status: q.status.as_deref().and_then(Status::parse),
    };
    let notice = q.done.as_deref().and_then(|d| view::notice(&ctx, d));
    let areas = plan_areas(&state.agreements, &rows, filter.year, ctx.lang);
    Ok(view::overview(&ctx, &rows, &areas, &filter, notice))
}

/// The plan's sections, (id, title): the areas of the agreement for `year`, or of every
/// agreement (each id once); then the area of any intervention filed under none of them.
fn plan_areas(
    agreements: &crate::agreement::AgreementCatalog,
    rows: &[InterventionRow],
    year: Option<i32>,
    lang: crate::i18n::Lang,
) -> Vec<(String, String)> {
    let names = match year {
        Some(y) => agreements.year_areas(y),
        None => agreements.area_names(),
    };
    let mut areas: Vec<(String, String)> = Vec::new();
    let ids = names.iter().map(|a| a.id.clone()).chain(
        rows.iter()
            .filter(|r| year.is_none_or(|y| r.intervention.years().contains(&y)))
            .map(|r| r.intervention.priority_area.clone()),
    );
    for id in ids {
        if !areas.iter().any(|(known, _)| *known == id) {
            let title = agreements.area_title(&id, lang);
            areas.push((id, title));
        }
    }
    areas
}

#[derive(Debug, Deserialize)]
struct Done {
    done: Option<String>,
}

async fn show(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Result<Markup, AppError> {
    let row = intervention(&state, &id).await?;
    let outputs = store::outputs(&state.db, Some(row.id)).await?;
    let links = link_views(&ctx, &state, row.id).await?;
    let follow_ups = store::follow_ups(&state.db, Some(row.id)).await?;
    let history = store::history(&state.db, row.id).await?;
    let names = indicator_names(&ctx, &state);
    let notice = q.done.as_deref().and_then(|d| view::notice(&ctx, d));
    Ok(view::intervention(
        &ctx,
        &InterventionPage {
            row: &row,
            outputs: &outputs,
            links: &links,
            follow_ups: &follow_ups,
            history: &history,
            names: &names,
            notice,
            area_title: state
                .agreements
                .area_title(&row.intervention.priority_area, ctx.lang),
            promise: state
                .agreements
                .promise(&row.intervention.promise)
                .map(|(a, p)| {
                    (
                        format!("/evaluate/agreements/{}#promise-{}", a.id, p.id),
                        p.title.get(ctx.lang).to_owned(),
                    )
                }),
        },
    ))
}

/// Every loaded indicator's title by `survey/indicator`.
fn indicator_names(ctx: &PageCtx, state: &AppState) -> HashMap<String, String> {
    state
        .surveys
        .iter()
        .flat_map(|l| {
            l.survey.indicators.iter().map(|i| {
                (
                    crate::plan::links::indicator_key(&l.survey.id, &i.id),
                    i.title.get(ctx.lang).to_owned(),
                )
            })
        })
        .collect()
}

/// The intervention's indicator links with their titles, and for evaluators and admins the
/// baseline and latest published value (the figures are theirs to read; other staff see the
/// links only).
async fn link_views(ctx: &PageCtx, state: &AppState, id: i64) -> Result<Vec<LinkView>, AppError> {
    let rows = store::links(&state.db, &state.surveys, Some(id)).await?;
    let waves = crate::store::waves::list(&state.db).await?;
    let mut results: HashMap<String, Vec<crate::evaluate::WaveIndicators>> = HashMap::new();
    let mut out = Vec::new();
    for row in rows {
        let link = &row.link;
        let loaded = state.surveys.get(&link.survey_id);
        let indicator = loaded.and_then(|l| l.survey.indicator(&link.indicator_id));
        let mut view = LinkView {
            title: indicator.map(|i| i.title.get(ctx.lang).to_owned()),
            survey_title: loaded.map(|l| l.survey.title.get(ctx.lang).to_owned()),
            baseline_period: waves
                .iter()
                .find(|w| w.id == link.baseline_wave_id)
                .map(|w| w.period),
            baseline_value: None,
            latest: None,
            target_status: None,
            target: link.target.map(|t| {
                let text = target_text(link.statistic, t);
                match ctx.lang {
                    crate::i18n::Lang::Sv => text.replace('.', ","),
                    crate::i18n::Lang::En => text,
                }
            }),
            row: row.clone(),
        };
        if let (Some(indicator), true) = (indicator, view::can_edit(ctx)) {
            // Each survey's stored results are read once for all its links.
            if !results.contains_key(&link.survey_id) {
                let read = crate::evaluate::areas::survey_waves(
                    &state.db,
                    &state.surveys,
                    &link.survey_id,
                )
                .await?;
                results.insert(link.survey_id.clone(), read);
            }
            let waves = results
                .get(&link.survey_id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            // The indicator with the plan's target, so that the series judges that target.
            let judged = crate::survey::Indicator {
                target: link.target,
                ..indicator.clone()
            };
            let series = crate::evaluate::series::build(&link.survey_id, &judged, waves, None);
            if let Some(overall) = series.series.first() {
                let text = |w: &crate::evaluate::series::SeriesWave| {
                    crate::evaluate::words::wave_text(ctx.lang, indicator.statistic, w)
                };
                view.baseline_value = overall
                    .waves
                    .iter()
                    .find(|w| w.slug == link.baseline_slug)
                    .map(text);
                view.latest = overall
                    .waves
                    .last()
                    .filter(|w| w.slug != link.baseline_slug)
                    .map(|w| (w.period, text(w)));
                view.target_status = overall.target_status;
            }
        }
        out.push(view);
    }
    Ok(out)
}

async fn new_form(ctx: PageCtx, State(state): State<AppState>) -> Markup {
    let form = InterventionForm {
        status: Status::NotStarted.id().to_owned(),
        ..InterventionForm::default()
    };
    let choices = Choices::of(&state.agreements);
    forms::intervention(&ctx, None, &form, &choices, &FormErrors::new())
}

async fn create(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Form(form): Form<InterventionForm>,
) -> Result<Response, AppError> {
    let choices = Choices::of(&state.agreements);
    match form.parse(&choices) {
        Ok(new) => {
            let id = store::create(&state.db, &new, &user.email).await?;
            Ok(to(id, "created"))
        }
        Err(problems) => {
            let errors = errors_of(&ctx, &problems);
            Ok(refused(forms::intervention(
                &ctx, None, &form, &choices, &errors,
            )))
        }
    }
}

async fn edit_form(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let row = intervention(&state, &id).await?;
    let form = InterventionForm::of(&row.intervention, row.version);
    Ok(forms::intervention(
        &ctx,
        Some(row.id),
        &form,
        &Choices::of(&state.agreements),
        &FormErrors::new(),
    ))
}

async fn update(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(mut form): Form<InterventionForm>,
) -> Result<Response, AppError> {
    let row = intervention(&state, &id).await?;
    let choices = Choices::of(&state.agreements);
    let problems = match form.parse(&choices) {
        Ok(changed) => {
            let version = form.version.trim().parse::<i64>().unwrap_or(0);
            match store::update(&state.db, row.id, version, &changed, &user.email).await {
                Ok(true) => return Ok(to(row.id, "saved")),
                Ok(false) => return Ok(to(row.id, "unchanged")),
                Err(PlanError::Outdated) => {
                    // Sent again from this page, the form replaces the other change knowingly.
                    form.version = row.version.to_string();
                    let mut p = crate::plan::FormProblems::default();
                    p.add(
                        "title",
                        "Någon annan har ändrat insatsen sedan du öppnade formuläret. Öppna insatsen i en ny flik för att se ändringen; skickar du formuläret igen ersätter det den.",
                        "Someone else has changed the intervention since you opened the form. Open the intervention in a new tab to see the change; sending the form again replaces it.",
                    );
                    p
                }
                Err(e) => return Err(plan_error(e)),
            }
        }
        Err(problems) => problems,
    };
    let errors = errors_of(&ctx, &problems);
    Ok(refused(forms::intervention(
        &ctx,
        Some(row.id),
        &form,
        &choices,
        &errors,
    )))
}

async fn new_output(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let row = intervention(&state, &id).await?;
    let years = view::output_years(&row.intervention, None);
    let form = OutputForm::of(&Default::default(), &years, ctx.lang);
    Ok(forms::output(
        &ctx,
        (row.id, &row.intervention),
        None,
        &form,
        &FormErrors::new(),
    ))
}

/// Output measure `output` of the intervention, or 404.
async fn output_of(
    state: &AppState,
    row: &InterventionRow,
    output: &str,
) -> Result<store::OutputRow, AppError> {
    let all = store::outputs(&state.db, Some(row.id)).await?;
    pick(all, output, |o| o.id)
}

async fn edit_output(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path((id, output)): Path<(String, String)>,
) -> Result<Markup, AppError> {
    let row = intervention(&state, &id).await?;
    let o = output_of(&state, &row, &output).await?;
    let years = view::output_years(&row.intervention, Some(&o.output));
    let form = OutputForm::of(&o.output, &years, ctx.lang);
    Ok(forms::output(
        &ctx,
        (row.id, &row.intervention),
        Some(o.id),
        &form,
        &FormErrors::new(),
    ))
}

async fn save_output(
    ctx: &PageCtx,
    state: &AppState,
    user: &CurrentUser,
    row: &InterventionRow,
    existing: Option<store::OutputRow>,
    fields: &HashMap<String, String>,
) -> Result<Response, AppError> {
    let years = view::output_years(&row.intervention, existing.as_ref().map(|o| &o.output));
    let form = OutputForm::from_fields(fields, &years);
    let output_id = existing.map(|o| o.id);
    match form.parse() {
        Ok(output) => {
            store::save_output(&state.db, row.id, output_id, &output, &user.email)
                .await
                .map_err(plan_error)?;
            Ok(to(row.id, "output"))
        }
        Err(problems) => {
            let errors = errors_of(ctx, &problems);
            let page = forms::output(ctx, (row.id, &row.intervention), output_id, &form, &errors);
            Ok(refused(page))
        }
    }
}

async fn create_output(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let row = intervention(&state, &id).await?;
    save_output(&ctx, &state, &user, &row, None, &fields).await
}

async fn update_output(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path((id, output)): Path<(String, String)>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let row = intervention(&state, &id).await?;
    let existing = output_of(&state, &row, &output).await?;
    save_output(&ctx, &state, &user, &row, Some(existing), &fields).await
}

async fn delete_output(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path((id, output)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let row = intervention(&state, &id).await?;
    let output = number_in(&output)?;
    store::delete_output(&state.db, row.id, output, &user.email)
        .await
        .map_err(plan_error)?;
    Ok(to(row.id, "output-deleted"))
}

async fn link_page(
    ctx: &PageCtx,
    state: &AppState,
    row: &InterventionRow,
    link_id: Option<i64>,
    form: &LinkForm,
    errors: &FormErrors,
) -> Result<Markup, AppError> {
    let waves = crate::store::waves::list(&state.db).await?;
    Ok(forms::link(
        ctx,
        (row.id, &row.intervention),
        link_id,
        (&state.surveys, &waves),
        form,
        errors,
    ))
}

async fn new_link(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let row = intervention(&state, &id).await?;
    link_page(
        &ctx,
        &state,
        &row,
        None,
        &LinkForm::default(),
        &FormErrors::new(),
    )
    .await
}

/// Indicator link `link` of the intervention, or 404.
async fn link_of(
    state: &AppState,
    row: &InterventionRow,
    link: &str,
) -> Result<store::LinkRow, AppError> {
    let all = store::links(&state.db, &state.surveys, Some(row.id)).await?;
    pick(all, link, |l| l.id)
}

async fn edit_link(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path((id, link)): Path<(String, String)>,
) -> Result<Markup, AppError> {
    let row = intervention(&state, &id).await?;
    let l = link_of(&state, &row, &link).await?;
    let form = LinkForm::of(&l.link, ctx.lang);
    link_page(&ctx, &state, &row, Some(l.id), &form, &FormErrors::new()).await
}

async fn save_link(
    ctx: &PageCtx,
    state: &AppState,
    user: &CurrentUser,
    row: &InterventionRow,
    link_id: Option<i64>,
    form: &LinkForm,
) -> Result<Response, AppError> {
    let waves = crate::store::waves::list(&state.db).await?;
    let problems = match form.parse(&state.surveys, &waves) {
        Ok(link) => {
            match store::save_link(
                &state.db,
                &state.surveys,
                row.id,
                link_id,
                &link,
                &user.email,
            )
            .await
            {
                Ok(_) => return Ok(to(row.id, "indicator")),
                Err(PlanError::Duplicate) => {
                    let mut p = crate::plan::FormProblems::default();
                    p.add(
                        "indicator",
                        "Indikatorn är redan kopplad till insatsen. Ändra den kopplingen i stället.",
                        "The indicator is already linked to the intervention. Edit that link instead.",
                    );
                    p
                }
                Err(e) => return Err(plan_error(e)),
            }
        }
        Err(problems) => problems,
    };
    let errors = errors_of(ctx, &problems);
    Ok(refused(
        link_page(ctx, state, row, link_id, form, &errors).await?,
    ))
}

async fn create_link(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(form): Form<LinkForm>,
) -> Result<Response, AppError> {
    let row = intervention(&state, &id).await?;
    save_link(&ctx, &state, &user, &row, None, &form).await
}

async fn update_link(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path((id, link)): Path<(String, String)>,
    Form(form): Form<LinkForm>,
) -> Result<Response, AppError> {
    let row = intervention(&state, &id).await?;
    let l = link_of(&state, &row, &link).await?;
    save_link(&ctx, &state, &user, &row, Some(l.id), &form).await
}

async fn delete_link(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path((id, link)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let row = intervention(&state, &id).await?;
    let link = number_in(&link)?;
    store::delete_link(&state.db, &state.surveys, row.id, link, &user.email)
        .await
        .map_err(plan_error)?;
    Ok(to(row.id, "indicator-deleted"))
}

/// The intervention and a year of its period, or 404.
async fn year_of(
    state: &AppState,
    id: &str,
    year: &str,
) -> Result<(InterventionRow, i32), AppError> {
    let row = intervention(state, id).await?;
    let year = number::parse_year(year)
        .filter(|y| row.intervention.years().contains(y))
        .ok_or(AppError::NotFound)?;
    Ok((row, year))
}

async fn follow_up_form(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path((id, year)): Path<(String, String)>,
) -> Result<Markup, AppError> {
    let (row, year) = year_of(&state, &id, &year).await?;
    let note = store::follow_ups(&state.db, Some(row.id))
        .await?
        .into_iter()
        .find(|f| f.year == year)
        .map(|f| f.note)
        .unwrap_or_default();
    Ok(forms::follow_up(
        &ctx,
        (row.id, &row.intervention),
        year,
        &note,
        &FormErrors::new(),
    ))
}

#[derive(Debug, Deserialize)]
struct NoteForm {
    #[serde(default)]
    note: String,
}

async fn save_follow_up(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path((id, year)): Path<(String, String)>,
    Form(form): Form<NoteForm>,
) -> Result<Response, AppError> {
    let (row, year) = year_of(&state, &id, &year).await?;
    let note = clean_text(&form.note);
    if note.chars().count() > crate::plan::MAX_TEXT {
        let mut errors = FormErrors::new();
        errors.add(
            "note",
            format!(
                "{} {} {}",
                ctx.t(
                    "Uppföljningen får vara högst",
                    "The follow-up must be at most"
                ),
                crate::plan::MAX_TEXT,
                ctx.t("tecken.", "characters.")
            ),
        );
        let page = forms::follow_up(&ctx, (row.id, &row.intervention), year, &form.note, &errors);
        return Ok(refused(page));
    }
    let changed = store::save_follow_up(&state.db, row.id, year, &note, &user.email)
        .await
        .map_err(plan_error)?;
    Ok(to(row.id, if changed { "follow-up" } else { "unchanged" }))
}
