//! Signing in and out, the session cookie, the CSRF token, and the role check of protected routes.

mod view;

use axum::Extension;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use cookie::{Cookie, SameSite};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

use super::extract::{CsrfToken, CurrentUser, Form, PageCtx, Via};
use super::markup::home_of;
use super::{AppError, AppState, PUBLIC, Routes, Said};
use crate::accounts::{self, Role};
use crate::store;
use crate::util::random_token;

pub const SESSION_COOKIE: &str = "trygg_session";
pub const CSRF_COOKIE: &str = "trygg_csrf";

/// Marks a response as the same for every anonymous visitor (cacheable by shared caches): it
/// gets no token cookie, so that a cache never hands one visitor's cookie to another.
#[derive(Debug, Clone, Copy)]
pub struct SharedPage;
/// The device cookie (`store::login_devices`): sent only to `/login`.
pub const DEVICE_COOKIE: &str = "trygg_device";

/// Put into a request's extensions when it carried a bearer token that opens nothing (malformed,
/// unknown, expired, revoked, or of a user who may not have one): a signed-in API route answers
/// 401 `invalid_token`.
#[derive(Debug, Clone, Copy)]
pub struct BearerRefused;

/// Put into a response's extensions by [`require_role`] when a token opened the route, so that
/// [`load_session`] notes the day the token was used.
#[derive(Debug, Clone, Copy)]
struct TokenAccepted;

/// The credential of an `Authorization: Bearer …` header (scheme case-insensitive; empty when
/// the header names the scheme only, which is refused like any other token that opens nothing).
pub fn bearer_credential(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, credential) = value.split_once(' ').unwrap_or((value, ""));
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| credential.trim())
}

/// The user of a bearer token: an evaluator or admin whose token is neither expired nor revoked.
async fn user_of_token(
    db: &sea_orm::DatabaseConnection,
    credential: &str,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(hash) = accounts::api_token::hash_of(credential) else {
        return Ok(None);
    };
    let Some((token, found)) = store::api_tokens::find_valid(db, &hash).await? else {
        return Ok(None);
    };
    // The role is read now, not when the token was made: a user who is no longer an evaluator
    // or admin cannot use the tokens made before.
    let role = Role::parse(&found.role).filter(|r| accounts::api_token::check_role(*r).is_ok());
    Ok(role.map(|role| CurrentUser {
        id: found.id,
        email: found.email,
        role,
        school_id: found.school_id,
        session_token: String::new(),
        via: Via::Token {
            id: token.id,
            expires_at: token.expires_at,
            last_used_on: token.last_used_on,
        },
    }))
}

/// A cookie's value from the request headers (the first of that name; values are not
/// percent-decoded: trygg's own cookies are hex or plain codes).
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        // Parsed from a borrowed header, the raw value borrows it too (not the parsed cookie).
        .and_then(|c| c.value_raw())
}

fn cookie_header(
    settings: &crate::config::Settings,
    name: &str,
    value: &str,
    max_age: i64,
) -> Option<HeaderValue> {
    cookie_header_for_path(settings, name, value, "/", max_age)
}

/// An `HttpOnly`, `SameSite=Strict` cookie for `path`, `Secure` when configured.
pub fn cookie_header_for_path(
    settings: &crate::config::Settings,
    name: &str,
    value: &str,
    path: &str,
    max_age: i64,
) -> Option<HeaderValue> {
    let cookie = Cookie::build((name, value))
        .path(path)
        .max_age(cookie::time::Duration::seconds(max_age))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(settings.cookie_secure)
        .build();
    // A value a header cannot carry gives no cookie rather than a broken header.
    HeaderValue::from_str(&cookie.to_string()).ok()
}

/// Looks up the session cookie and the CSRF token, or under `/api/v1/` a bearer token instead of
/// the cookie. Only requests that carry a session cookie or a bearer token touch the database.
pub async fn load_session(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let bearer = req
        .uri()
        .path()
        .starts_with("/api/v1/")
        .then(|| bearer_credential(req.headers()).map(str::to_owned))
        .flatten();
    let token = cookie_value(req.headers(), SESSION_COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .filter(|_| bearer.is_none())
        .map(str::to_owned);
    let mut user = None;
    let mut csrf = None;
    if let Some(credential) = &bearer {
        user = user_of_token(&state.db, credential).await?;
        if user.is_none() {
            req.extensions_mut().insert(BearerRefused);
        }
    } else if let Some(token) = token
        && let Some((session, found)) = store::sessions::find_valid(&state.db, &token).await?
        && let Some(role) = Role::parse(&found.role)
    {
        csrf = Some(session.csrf_token);
        user = Some(CurrentUser {
            id: found.id,
            email: found.email,
            role,
            school_id: found.school_id,
            session_token: token,
            via: Via::Session,
        });
    }
    let mut new_cookie = None;
    let csrf = match csrf {
        Some(c) => c,
        None => match cookie_value(req.headers(), CSRF_COOKIE)
            .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            Some(existing) => existing.to_owned(),
            None => {
                let fresh = random_token();
                new_cookie = cookie_header(&state.settings, CSRF_COOKIE, &fresh, 60 * 60 * 24 * 30);
                fresh
            }
        },
    };
    req.extensions_mut().insert(CsrfToken(csrf));
    let used_token = match &user {
        Some(CurrentUser {
            via: Via::Token {
                id, last_used_on, ..
            },
            ..
        }) => Some((id.clone(), last_used_on.clone())),
        _ => None,
    };
    if let Some(user) = user {
        req.extensions_mut().insert(user);
    }
    let mut response = next.run(req).await;
    if let Some((id, last_used_on)) = used_token
        && response.extensions().get::<TokenAccepted>().is_some()
    {
        let today = store::api_tokens::day_of(crate::util::now());
        if last_used_on.as_deref() != Some(today.as_str())
            && let Err(e) = store::api_tokens::mark_used(&state.db, &id, &today).await
        {
            // The answer is ready; a missed note of the day is not worth failing it.
            tracing::warn!(error = %e, "could not note the day an API token was used");
        }
    }
    // Only pages carry forms; JSON, CSS and health answers need no token cookie.
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    // A page that may be cached for everyone carries no visitor's token (it has no form).
    let shared = response.extensions().get::<SharedPage>().is_some();
    if let Some(cookie) = new_cookie.filter(|_| is_page && !shared) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// The role check of a protected route. Pages send a visitor without a session to the login page
/// (and back afterwards); the API answers 401 (`invalid_token` for a bearer token that opens
/// nothing). A signed-in user without the role gets 403.
pub async fn require_role(roles: &'static [Role], req: Request, next: Next) -> Response {
    match req.extensions().get::<CurrentUser>() {
        Some(user) if roles.contains(&user.role) => {
            let by_token = matches!(user.via, Via::Token { .. });
            let mut response = next.run(req).await;
            if by_token {
                response.extensions_mut().insert(TokenAccepted);
            }
            response
        }
        Some(_) => AppError::Forbidden(Said::new(
            "Ditt konto har inte behörighet till den här sidan.",
            "Your account does not have access to this page.",
        ))
        .into_response(),
        None if req.extensions().get::<BearerRefused>().is_some() => {
            AppError::BadToken.into_response()
        }
        None if req.uri().path().starts_with("/api/") => AppError::Unauthorized.into_response(),
        None => {
            let next_path = req.uri().path_and_query().map_or("/", |p| p.as_str());
            let target = format!("/login?next={}", url_encode(next_path));
            Redirect::to(&target).into_response()
        }
    }
}

/// Only local paths are followed after login, never another site: a path of plain characters
/// (no whitespace, control characters or backslashes, which browsers strip or turn into `/`), not
/// starting with `//`.
fn safe_next(next: Option<&str>) -> Option<&str> {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && n.len() <= 2000
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/-_.~?=&%+".contains(&b))
    })
}

/// Bytes left as they are in a `next=` value: unreserved characters and `/`, so that a path
/// stays readable in the address bar; everything else (`?`, `&`, `=`, `%`, …) is escaped.
const NEXT_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

fn url_encode(text: &str) -> String {
    utf8_percent_encode(text, NEXT_VALUE).to_string()
}

pub fn routes() -> Routes {
    Routes::default()
        .get("/login", PUBLIC, login_page)
        .post("/login", "/login", PUBLIC, login)
        .post("/logout", "/", super::ANY_USER, logout)
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

async fn login_page(ctx: PageCtx, Query(query): Query<NextQuery>) -> Response {
    if let Some(user) = &ctx.user {
        return Redirect::to(home_of(user.role)).into_response();
    }
    view::page(&ctx, query.next.as_deref(), "", None).into_response()
}

/// Missing fields are empty, so a malformed post gets the ordinary "wrong e-mail or password".
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let email = accounts::normalize_email(&form.email).ok();
    let user = match &email {
        Some(e) => store::users::find_by_email(&state.db, e).await?,
        None => None,
    };
    // Every attempt is counted before the password is checked, so parallel guesses are counted
    // too: on the device when it carries a valid device cookie of this account (guesses from
    // elsewhere then never lock its owner out), otherwise on the address.
    let device =
        cookie_value(&headers, DEVICE_COOKIE).filter(|t| store::login_devices::well_formed(t));
    let trusted = match (&user, device) {
        (Some(u), Some(token)) => {
            store::login_devices::begin_attempt(&state.db, token, &u.id).await?
        }
        _ => false,
    };
    if !trusted
        && let store::logins::Attempt::Locked(wait) =
            store::logins::begin_attempt(&state.db, &form.email).await?
    {
        return Err(AppError::TooManyRequests(wait));
    }
    // Verify even when the account does not exist, so timing does not reveal which addresses do.
    let stored = user.as_ref().map_or_else(
        || accounts::decoy_hash().to_owned(),
        |u| u.password_hash.clone(),
    );
    let verified = accounts::verify_password_limited(form.password.clone(), stored)
        .await
        .map_err(|accounts::HashingBusy| {
            AppError::Unavailable(Said::new(
                "Tjänsten loggar in många just nu. Försök igen om en stund.",
                "the service is busy signing in other users; try again in a moment",
            ))
        })?;
    let user = match user {
        Some(u) if verified => u,
        _ => {
            let message = lang.pick(
                "Fel e-postadress eller lösenord.",
                "Wrong e-mail address or password.",
            );
            let page = view::page(&ctx, form.next.as_deref(), &form.email, Some(message));
            return Ok((axum::http::StatusCode::UNAUTHORIZED, page).into_response());
        }
    };
    // A success on a known device leaves the address's count alone: clearing it would give
    // whoever is guessing elsewhere their free attempts back.
    if !trusted {
        store::logins::clear(&state.db, &form.email).await?;
    }
    if user.deactivated_at.is_some() {
        // Said only to whoever knows the password, so it reveals nothing to a guesser.
        let message = lang.pick(
            "Kontot är avstängt. Kontakta en administratör om du behöver komma åt det igen.",
            "This account has been deactivated. Contact an administrator if you need access again.",
        );
        let page = view::page(&ctx, form.next.as_deref(), &form.email, Some(message));
        return Ok((axum::http::StatusCode::FORBIDDEN, page).into_response());
    }
    let Some(role) = Role::parse(&user.role) else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "user {} has an unknown role",
            user.id
        )));
    };
    let session =
        store::sessions::create(&state.db, &user.id, state.settings.session_hours).await?;
    let device_token = match device.filter(|_| trusted) {
        Some(token) => {
            store::login_devices::succeeded(&state.db, token).await?;
            token.to_owned()
        }
        None => store::login_devices::create(&state.db, &user.id).await?,
    };
    let target = safe_next(form.next.as_deref()).unwrap_or(home_of(role));
    let mut response = Redirect::to(target).into_response();
    let max_age = i64::from(state.settings.session_hours) * 3600;
    if let Some(cookie) = cookie_header(&state.settings, SESSION_COOKIE, &session.token, max_age) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    if let Some(cookie) = cookie_header_for_path(
        &state.settings,
        DEVICE_COOKIE,
        &device_token,
        "/login",
        store::login_devices::DEVICE_DAYS * 86_400,
    ) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    tracing::info!(role = %role, "signed in");
    Ok(response)
}

async fn logout(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
) -> Result<Response, AppError> {
    store::sessions::delete(&state.db, &user.session_token).await?;
    let mut response = Redirect::to("/").into_response();
    if let Some(cookie) = cookie_header(&state.settings, SESSION_COOKIE, "", 0) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/admin/users")), Some("/admin/users"));
        assert_eq!(safe_next(Some("//evil.example")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(Some("/\t/evil.example")), None);
        assert_eq!(safe_next(Some("/\n")), None);
        assert_eq!(safe_next(Some("/ /evil.example")), None);
        assert_eq!(
            safe_next(Some("/admin?x=1&y=%20")),
            Some("/admin?x=1&y=%20")
        );
        assert_eq!(safe_next(None), None);
    }

    #[test]
    fn next_paths_are_escaped_except_unreserved_characters_and_slashes() {
        assert_eq!(url_encode("/admin/a-b_c.d~e"), "/admin/a-b_c.d~e");
        assert_eq!(url_encode("/x?y=1&z=%"), "/x%3Fy%3D1%26z%3D%25");
        assert_eq!(url_encode("/å"), "/%C3%A5");
    }

    #[test]
    fn session_cookies_carry_every_attribute() {
        // The attributes of a Set-Cookie value, in a fixed order to compare.
        let attributes = |header: Option<HeaderValue>| {
            let header = header.expect("header");
            let mut parts: Vec<String> = (header.to_str().expect("text").split("; "))
                .map(str::to_owned)
                .collect();
            parts.sort();
            parts
        };
        let expected = |parts: &[&str]| {
            let mut parts: Vec<String> = parts.iter().map(|p| (*p).to_owned()).collect();
            parts.sort();
            parts
        };
        let mut settings = crate::config::Settings::default();
        assert_eq!(
            attributes(cookie_header_for_path(&settings, "n", "v", "/s/x", 60)),
            expected(&[
                "n=v",
                "Path=/s/x",
                "Max-Age=60",
                "HttpOnly",
                "SameSite=Strict"
            ])
        );
        settings.cookie_secure = true;
        assert_eq!(
            attributes(cookie_header(&settings, "n", "", 0)),
            expected(&[
                "n=",
                "Path=/",
                "Max-Age=0",
                "HttpOnly",
                "SameSite=Strict",
                "Secure"
            ])
        );
    }

    #[test]
    fn cookies_are_found_among_several() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; trygg_session=abc; b=2"),
        );
        assert_eq!(cookie_value(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie_value(&headers, "c"), None);
    }
}
