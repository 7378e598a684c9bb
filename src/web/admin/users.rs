//! Staff accounts: the list and the new-account form, and per account: deactivate or reactivate,
//! a new password, another role, and signing out everywhere. Every change is a POST form with
//! the CSRF token, is written to the audit log, and ends with a redirect to a confirmation.

mod view;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;
use serde::Deserialize;

use crate::accounts::{self, AccountError, NewUser, Role};
use crate::entities::user;
use crate::i18n::Lang;
use crate::store;
use crate::store::users::ChangeError;
use crate::web::extract::{CurrentUser, Form, PageCtx};
use crate::web::markup::forms::FormErrors;
use crate::web::{ADMIN, AppError, AppState, Routes, Said};

pub fn routes() -> Routes {
    Routes::default()
        .get("/admin/users", ADMIN, list)
        .post("/admin/users", "/admin/users", ADMIN, add_user)
        .get("/admin/users/{id}", ADMIN, show)
        .post(
            "/admin/users/{id}/active",
            "/admin/users/{id}",
            ADMIN,
            set_active,
        )
        .post(
            "/admin/users/{id}/password",
            "/admin/users/{id}",
            ADMIN,
            set_password,
        )
        .post(
            "/admin/users/{id}/role",
            "/admin/users/{id}",
            ADMIN,
            set_role,
        )
        .post(
            "/admin/users/{id}/sign-out",
            "/admin/users/{id}",
            ADMIN,
            sign_out,
        )
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn list(
    ctx: PageCtx,
    State(state): State<AppState>,
    Query(query): Query<Done>,
) -> Result<Markup, AppError> {
    let users = store::users::list(&state.db).await?;
    let notice = query.done.as_deref().and_then(|d| view::notice(&ctx, d));
    Ok(view::list(
        &ctx,
        &users,
        &view::UserForm::default(),
        &FormErrors::new(),
        notice,
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

fn not_a_role(ctx: &PageCtx, role: &str) -> String {
    match ctx.lang {
        Lang::Sv => format!("”{role}” är inte en roll"),
        Lang::En => format!("“{role}” is not a role"),
    }
}

async fn hash(password: String) -> Result<String, AppError> {
    accounts::hash_password_limited(password)
        .await
        .map_err(|accounts::HashingBusy| {
            AppError::Unavailable(Said::new(
                "Tjänsten är upptagen. Försök igen om en stund.",
                "the service is busy; try again in a moment",
            ))
        })?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("hashing a password failed")))
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
            errors.add("role", not_a_role(&ctx, &form.role));
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
        return rerender_list(&ctx, &state, &refill, &errors).await;
    };
    let hash = hash(form.password).await?;
    match store::users::add(&state.db, &new, hash, &admin.email).await {
        Ok(_) => Ok(Redirect::to("/admin/users?done=created").into_response()),
        Err(store::users::AddUserError::Invalid(e)) => {
            errors.add(account_field(&e), e.message(ctx.lang));
            rerender_list(&ctx, &state, &refill, &errors).await
        }
        Err(store::users::AddUserError::Db(e)) => Err(e.into()),
    }
}

async fn rerender_list(
    ctx: &PageCtx,
    state: &AppState,
    form: &view::UserForm,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let users = store::users::list(&state.db).await?;
    let page = view::list(ctx, &users, form, errors, None);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn account(state: &AppState, id: &str) -> Result<user::Model, AppError> {
    store::users::find_by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn show(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<Done>,
) -> Result<Markup, AppError> {
    let account = account(&state, &id).await?;
    let notice = query.done.as_deref().and_then(|d| view::notice(&ctx, d));
    Ok(view::account(
        &ctx,
        &account,
        &view::RoleForm::of(&account),
        &FormErrors::new(),
        notice,
    ))
}

/// The account page again with the problems of a refused change (422): nothing was changed.
async fn refused(
    ctx: &PageCtx,
    state: &AppState,
    id: &str,
    role_form: Option<view::RoleForm>,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let account = account(state, id).await?;
    let role_form = role_form.unwrap_or_else(|| view::RoleForm::of(&account));
    let page = view::account(ctx, &account, &role_form, errors, None);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

fn done(id: &str, what: &str) -> Response {
    Redirect::to(&format!("/admin/users/{id}?done={what}")).into_response()
}

/// A change refused for a reason the admin can act on, or an error.
async fn change_refused(
    ctx: &PageCtx,
    state: &AppState,
    id: &str,
    field: &str,
    role_form: Option<view::RoleForm>,
    error: ChangeError,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::new();
    match error {
        ChangeError::Unknown => return Err(AppError::NotFound),
        ChangeError::Db(e) => return Err(e.into()),
        ChangeError::LastAdmin => errors.add(field, view::last_admin(ctx)),
        ChangeError::Invalid(e) => errors.add(account_field(&e), e.message(ctx.lang)),
    }
    refused(ctx, state, id, role_form, &errors).await
}

#[derive(Deserialize)]
struct ActiveForm {
    #[serde(default)]
    active: String,
}

async fn set_active(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(admin): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(form): Form<ActiveForm>,
) -> Result<Response, AppError> {
    let active = match form.active.as_str() {
        "true" => true,
        "false" => false,
        _ => {
            return Err(AppError::BadRequest(Said::new(
                "Kontot kan bara vara aktivt eller avstängt.",
                "active must be true or false",
            )));
        }
    };
    match store::users::set_active(&state.db, &id, active, &admin.email).await {
        Ok(_) => Ok(done(
            &id,
            if active { "reactivated" } else { "deactivated" },
        )),
        Err(e) => change_refused(&ctx, &state, &id, view::ACTIVE_FIELD, None, e).await,
    }
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    password: String,
}

async fn set_password(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(admin): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let account = account(&state, &id).await?;
    // The same rules as for a new account.
    if let Err(problem) = accounts::check_password(&form.password, &account.email) {
        let mut errors = FormErrors::new();
        errors.add(view::PASSWORD_FIELD, problem.message(ctx.lang));
        return refused(&ctx, &state, &id, None, &errors).await;
    }
    let hash = hash(form.password).await?;
    match store::users::set_password(&state.db, &id, hash, &admin.email).await {
        Ok(_) => Ok(done(&id, "password")),
        Err(e) => change_refused(&ctx, &state, &id, view::PASSWORD_FIELD, None, e).await,
    }
}

#[derive(Deserialize)]
struct RoleChange {
    #[serde(default)]
    role: String,
    #[serde(default)]
    school: String,
}

async fn set_role(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(admin): Extension<CurrentUser>,
    Path(id): Path<String>,
    Form(form): Form<RoleChange>,
) -> Result<Response, AppError> {
    let refill = view::RoleForm {
        role: form.role.clone(),
        school: form.school.clone(),
    };
    let Some(role) = Role::parse(&form.role) else {
        let mut errors = FormErrors::new();
        errors.add(view::ROLE_FIELD, not_a_role(&ctx, &form.role));
        return refused(&ctx, &state, &id, Some(refill), &errors).await;
    };
    match store::users::set_role(&state.db, &id, role, Some(&form.school), &admin.email).await {
        Ok(_) => Ok(done(&id, "role")),
        Err(e) => change_refused(&ctx, &state, &id, view::ROLE_FIELD, Some(refill), e).await,
    }
}

async fn sign_out(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(admin): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    match store::users::sign_out_everywhere(&state.db, &id, &admin.email).await {
        Ok(_) => Ok(done(&id, "signed-out")),
        Err(e) => change_refused(&ctx, &state, &id, view::ACTIVE_FIELD, None, e).await,
    }
}
