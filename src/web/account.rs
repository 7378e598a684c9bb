//! The account page (`/account`) with personal API tokens, and `GET /api/v1/me`, which tells a
//! script who its token (or session) belongs to.

mod view;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::extract::Form;
use super::extract::{CurrentUser, PageCtx, Via};
use super::markup::forms::FormErrors;
use super::{ANY_USER, AppError, AppState, EVALUATORS, Routes};
use crate::accounts::api_token;
use crate::entities::user;
use crate::store;
use crate::store::api_tokens::CreateTokenError;
use crate::util::now;
use view::{Fresh, TokenForm};

pub fn routes() -> Routes {
    Routes::default()
        .get("/account", ANY_USER, account)
        .post("/account/tokens", "/account", EVALUATORS, create_token)
        .post(
            "/account/tokens/{id}/revoke",
            "/account",
            EVALUATORS,
            revoke_token,
        )
        .get("/api/v1/me", EVALUATORS, me)
}

/// The signed-in user's row (gone only when the account was deleted during the request).
async fn owner(state: &AppState, user: &CurrentUser) -> Result<user::Model, AppError> {
    store::users::find_by_id(&state.db, &user.id)
        .await?
        .ok_or(AppError::Unauthorized)
}

#[derive(Deserialize)]
pub struct AccountQuery {
    revoked: Option<String>,
}

async fn account(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Query(query): Query<AccountQuery>,
) -> Result<Response, AppError> {
    let notice = query
        .revoked
        .is_some()
        .then(|| ctx.t("Nyckeln är återkallad.", "The token has been revoked."));
    render(
        &ctx,
        &state,
        &user,
        &TokenForm::default(),
        &FormErrors::new(),
        None,
        notice,
    )
    .await
}

async fn render(
    ctx: &PageCtx,
    state: &AppState,
    user: &CurrentUser,
    form: &TokenForm,
    errors: &FormErrors,
    fresh: Option<Fresh<'_>>,
    notice: Option<&str>,
) -> Result<Response, AppError> {
    let tokens = store::api_tokens::list_for_user(&state.db, &user.id).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = view::page(
        ctx,
        &view::Page {
            email: &user.email,
            role: user.role,
            tokens: &tokens,
            now: now(),
            form,
            errors,
            fresh,
            notice,
        },
    );
    Ok((status, page).into_response())
}

#[derive(Deserialize, Default)]
pub struct TokenFormBody {
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
}

async fn create_token(
    ctx: PageCtx,
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Form(body): Form<TokenFormBody>,
) -> Result<Response, AppError> {
    let form = TokenForm {
        name: body.name.clone(),
        days: body.days.clone(),
    };
    let mut errors = FormErrors::new();
    if let Err(e) = api_token::check_name(&body.name) {
        errors.add(e.field(), e.message(ctx.lang));
    }
    let days = api_token::parse_offered_days(&body.days)
        .map_err(|e| errors.add(e.field(), e.message(ctx.lang)))
        .ok();
    let Some(days) = days.filter(|_| errors.is_empty()) else {
        return render(&ctx, &state, &user, &form, &errors, None, None).await;
    };
    let owner = owner(&state, &user).await?;
    match store::api_tokens::create(&state.db, &owner, &body.name, days, &user.email).await {
        Ok(created) => {
            tracing::info!(role = %user.role, "API token created");
            let fresh = Fresh {
                token: &created.token,
                name: &created.row.name,
                expires_at: created.row.expires_at,
                public_url: &state.settings.public_url,
            };
            render(
                &ctx,
                &state,
                &user,
                &TokenForm::default(),
                &FormErrors::new(),
                Some(fresh),
                None,
            )
            .await
        }
        Err(CreateTokenError::Invalid(e)) => {
            errors.add(e.field(), e.message(ctx.lang));
            render(&ctx, &state, &user, &form, &errors, None, None).await
        }
        Err(CreateTokenError::Db(e)) => Err(e.into()),
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let owner = owner(&state, &user).await?;
    if !store::api_tokens::revoke(&state.db, &owner, &id, &user.email).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(role = %user.role, "API token revoked");
    Ok(Redirect::to("/account?revoked=1").into_response())
}

/// Who `GET /api/v1/me` says the caller is.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    /// The account's e-mail address.
    pub email: String,
    /// `admin` or `evaluator`.
    pub role: String,
    // No doc comment here: utoipa would wrap the enum in an `allOf` with a wrong `type: object`.
    #[schema(inline)]
    pub via: MeVia,
    /// When the token stops working (RFC 3339, UTC); null when signed in by a session.
    #[schema(format = DateTime, required = true)]
    pub token_expires_at: Option<String>,
}

/// How the caller was recognised: `session` (a browser's cookie) or `token` (a personal API
/// token).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MeVia {
    Session,
    Token,
}

/// Who the caller is: a script can check its token before it starts.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "account",
    operation_id = "me",
    responses(
        (status = 200, description = "The caller", body = Me),
    )
)]
pub async fn me(Extension(user): Extension<CurrentUser>) -> axum::Json<Me> {
    let (via, token_expires_at) = match &user.via {
        Via::Session => (MeVia::Session, None),
        Via::Token { expires_at, .. } => (
            MeVia::Token,
            chrono::DateTime::from_timestamp(*expires_at, 0)
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        ),
    };
    axum::Json(Me {
        email: user.email,
        role: user.role.as_str().to_owned(),
        via,
        token_expires_at,
    })
}
