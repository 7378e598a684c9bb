//! Admin pages: the loaded questionnaires, users and the audit log.

use super::extract::Form;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;
use serde::Deserialize;

use super::extract::{CurrentUser, PageCtx};
use super::views::admin as view;
use super::views::forms::FormErrors;
use super::{ADMIN, AppError, AppState, Routes};
use crate::accounts::{self, AccountError, NewUser, Role};
use crate::i18n::Lang;
use crate::store;

pub fn routes() -> Routes {
    Routes::default()
        .get("/admin", ADMIN, overview)
        .get("/admin/surveys/{id}", ADMIN, survey)
        .get("/admin/users", ADMIN, users)
        .post("/admin/users", ADMIN, add_user)
        .get("/admin/audit", ADMIN, audit)
}

async fn overview(ctx: PageCtx, State(state): State<AppState>) -> Result<Markup, AppError> {
    let users = store::users::list(&state.db).await?;
    Ok(view::overview(&ctx, &state.surveys, users.len()))
}

async fn survey(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let loaded = state.surveys.get(&id).ok_or(AppError::NotFound)?;
    Ok(view::survey(&ctx, loaded))
}

async fn users(ctx: PageCtx, State(state): State<AppState>) -> Result<Markup, AppError> {
    let users = store::users::list(&state.db).await?;
    Ok(view::users(
        &ctx,
        &users,
        &view::UserForm::default(),
        &FormErrors::new(),
    ))
}

#[derive(Deserialize, Default)]
pub struct AddUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    school: String,
    #[serde(default)]
    password: String,
}

/// The field an account problem belongs to.
fn account_field(e: &AccountError) -> &'static str {
    match e {
        AccountError::BadEmail(_) | AccountError::EmailTaken(_) => "email",
        AccountError::SchoolMissing
        | AccountError::SchoolNotAllowed(_)
        | AccountError::BadSchool(_) => "school",
    }
}

async fn add_user(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(admin): Extension<CurrentUser>,
    Form(form): Form<AddUserForm>,
) -> Result<Response, AppError> {
    let refill = view::UserForm {
        email: form.email.clone(),
        role: form.role.clone(),
        school: form.school.clone(),
    };
    let mut errors = FormErrors::new();
    let new = match Role::parse(&form.role) {
        None => {
            let message = match ctx.lang {
                Lang::Sv => format!("`{}` är inte en roll", form.role),
                Lang::En => format!("`{}` is not a role", form.role),
            };
            errors.add("role", message);
            None
        }
        Some(role) => NewUser::parse(&form.email, role, Some(&form.school))
            .map_err(|e| errors.add(account_field(&e), e.message(ctx.lang)))
            .ok(),
    };
    // The password is checked against the address as typed, also when the address was refused.
    if let Err(problem) = accounts::check_password(&form.password, &form.email) {
        errors.add("password", problem.message(ctx.lang));
    }
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        return rerender(&ctx, &state, &refill, &errors).await;
    };
    let hash = accounts::hash_password_limited(form.password)
        .await
        .map_err(|accounts::HashingBusy| {
            AppError::Unavailable("the service is busy; try again in a moment".to_owned())
        })?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("hashing a password failed")))?;
    match store::users::add(&state.db, &new, hash, &admin.email).await {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(store::users::AddUserError::Invalid(e)) => {
            errors.add(account_field(&e), e.message(ctx.lang));
            rerender(&ctx, &state, &refill, &errors).await
        }
        Err(store::users::AddUserError::Db(e)) => Err(e.into()),
    }
}

async fn rerender(
    ctx: &PageCtx,
    state: &AppState,
    form: &view::UserForm,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let users = store::users::list(&state.db).await?;
    let page = view::users(ctx, &users, form, errors);
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn audit(ctx: PageCtx, State(state): State<AppState>) -> Result<Markup, AppError> {
    let entries = store::audit::recent(&state.db, 500).await?;
    Ok(view::audit(&ctx, &entries))
}
