//! Middleware applied to every request: tracing without client addresses, security headers,
//! language choice, CSRF checks on forms, and HTML pages for errors outside the API.

use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use super::auth::cookie_value;
use super::error::{AppError, ErrorInfo, Said};
use super::extract::{Body as FormBody, body_limit, buffered, wrong_content_type};
use super::extract::{CsrfToken, CurrentUser, PageCtx, Via};
use crate::i18n::Lang;
use subtle::ConstantTimeEq;

pub const LANG_COOKIE: &str = "trygg_lang";

/// One span per request with the method and the route *pattern* (never the raw path, which may
/// hold a token, and never the client's address or user agent).
pub async fn trace_request(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", MatchedPath::as_str)
        .to_owned();
    // A respondent's requests are logged at debug level only: a timestamped line per submission
    // next to the order in which rows are stored would tell when each response arrived.
    let respondent = is_respondent_route(&route);
    let span = tracing::info_span!("request", method = %req.method(), route = %route);
    async move {
        let started = Instant::now();
        let response = next.run(req).await;
        let status = response.status().as_u16();
        let ms = started.elapsed().as_millis() as u64;
        if respondent && status < 500 {
            tracing::debug!(status, ms, "handled");
        } else {
            tracing::info!(status, ms, "handled");
        }
        response
    }
    .instrument(span)
    .await
}

/// The routes respondents use: the form, the code entry and the submission API. Staff routes under
/// `/api/v1/waves/` (a wave's indicators) are not among them and are logged as usual.
fn is_respondent_route(route: &str) -> bool {
    route.starts_with("/s/") || route == "/k" || route == "/api/v1/waves/{slug}/responses"
}

/// An address with a slash at the end (`/admin/`, `/k/`) leads to the same address without it
/// (308, so a form sent there keeps its method and body) instead of a 404: people type and
/// paste addresses that way. Only the root keeps its slash.
pub async fn trailing_slash(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path.len() > 1 && path.ends_with('/') {
        let trimmed = path.trim_end_matches('/');
        // "//" and the like: not an address of ours; a redirect to "" would be no better.
        if !trimmed.is_empty() && !trimmed.contains("//") {
            let target = match req.uri().query() {
                Some(q) => format!("{trimmed}?{q}"),
                None => trimmed.to_owned(),
            };
            if let Ok(location) = HeaderValue::from_str(&target) {
                let mut response = axum::http::StatusCode::PERMANENT_REDIRECT.into_response();
                response.headers_mut().insert(header::LOCATION, location);
                return response;
            }
        }
    }
    next.run(req).await
}

/// Headers that keep pages from being framed, sniffed, leaking referrers or running injected
/// scripts. trygg pages use no JavaScript, so no script source is allowed at all.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let fixed: [(HeaderName, &'static str); 6] = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // Pages may show answers or admin data: keep them out of shared caches and the back-forward
    // cache of a shared device. Static files set their own caching.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Chooses the language: `?lang=` (remembered in a cookie), else the cookie, else Swedish.
pub async fn preferences(mut req: Request, next: Next) -> Response {
    let from_query = req
        .uri()
        .query()
        .and_then(|q| query_value(q, "lang"))
        .and_then(|v| Lang::parse(&v));
    let lang = from_query
        .or_else(|| cookie_value(req.headers(), LANG_COOKIE).and_then(Lang::parse))
        .unwrap_or_default();
    req.extensions_mut().insert(lang);
    let mut response = next.run(req).await;
    if let Some(chosen) = from_query {
        // Lax, not Strict: a link from another site still opens in the chosen language.
        let cookie = cookie::Cookie::build((LANG_COOKIE, chosen.code()))
            .path("/")
            .max_age(cookie::time::Duration::seconds(31_536_000))
            .same_site(cookie::SameSite::Lax)
            .build();
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, value);
            // A response that sets a cookie is this visitor's: never one for shared caches.
            let shared = response
                .headers()
                .get(header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("public"));
            if shared {
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            }
        }
    }
    response
}

/// Refuses a form that does not carry this visitor's CSRF token: in an `X-CSRF-Token` header (JSON
/// clients), the query (`?_csrf=`, for file uploads) or the `_csrf` field of a URL-encoded body.
pub async fn check_csrf(req: Request, next: Next) -> Result<Response, AppError> {
    // A request signed in by an API token carries no cookie that another site could make a
    // browser send (its session cookie, if any, was ignored): there is nothing to forge.
    let by_token = req
        .extensions()
        .get::<CurrentUser>()
        .is_some_and(|u| matches!(u.via, Via::Token { .. }));
    if req.method() == Method::GET || req.method() == Method::HEAD || by_token {
        return Ok(next.run(req).await);
    }
    let expected = req
        .extensions()
        .get::<CsrfToken>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    let refused = || {
        AppError::Forbidden(Said::new(
            "Formuläret har gått ut eller kom inte från den här webbplatsen. Ladda om sidan och försök igen.",
            "the form has expired or did not come from this site; reload the page and try again",
        ))
    };
    let from_header = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(sent) =
        from_header.or_else(|| req.uri().query().and_then(|q| query_value(q, "_csrf")))
    {
        return if !expected.is_empty() && same_token(&sent, &expected) {
            Ok(next.run(req).await)
        } else {
            Err(refused())
        };
    }
    // Only a form can carry the token in its body: anything else is refused for its type, which
    // says more than "the form has expired".
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| FormBody::Form.is_sent_as(v));
    if !is_form {
        return Err(wrong_content_type(FormBody::Form));
    }
    let limit = body_limit(req.extensions());
    let (parts, body) = buffered(req, limit).await?.into_parts();
    // The body is in memory now: collecting it again copies no bytes.
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let sent = form_urlencoded_value(&bytes, "_csrf");
    match sent {
        Some(sent) if !expected.is_empty() && same_token(&sent, &expected) => Ok(next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await),
        _ => Err(refused()),
    }
}

/// Compares tokens in time independent of where they differ (a length mismatch is no secret).
fn same_token(sent: &str, expected: &str) -> bool {
    sent.as_bytes().ct_eq(expected.as_bytes()).into()
}

/// Gives every error answer trygg's shape: outside `/api/` a page in the visitor's language,
/// under `/api/` the JSON `{"error": …}`. Errors of trygg's handlers say what they are in an
/// [`ErrorInfo`]; axum's own plain-text refusals (an unreadable query or path, a method the
/// route does not have, …) are read (their text is short) and said again the same way.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let ctx = PageCtx::from_extensions(req.extensions(), req.uri());
    let response = next.run(req).await;
    let info = match response.extensions().get::<ErrorInfo>() {
        Some(info) => info.clone(),
        None if is_plain_error(&response) => {
            let (parts, body) = response.into_parts();
            let text = to_bytes(body, 4096).await.unwrap_or_default();
            let error = AppError::from_plain(parts.status, &String::from_utf8_lossy(&text));
            let mut rewritten = error.into_response();
            if let Some(allow) = parts.headers.get(header::ALLOW) {
                rewritten.headers_mut().insert(header::ALLOW, allow.clone());
            }
            if api {
                return rewritten;
            }
            let Some(info) = rewritten.extensions().get::<ErrorInfo>().cloned() else {
                return rewritten;
            };
            return page_for(&ctx, &info, &rewritten);
        }
        None => return response,
    };
    if api {
        return response;
    }
    page_for(&ctx, &info, &response)
}

/// An error answer that is not trygg's own: no [`ErrorInfo`], and plain text or no body type.
fn is_plain_error(response: &Response) -> bool {
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    (status.is_client_error() || status.is_server_error()) && plain
}

/// The error page for `info`, keeping the headers of the original answer that still matter.
fn page_for(ctx: &PageCtx, info: &ErrorInfo, response: &Response) -> Response {
    let message = ctx.lang.pick(&info.page.sv, &info.page.en);
    let page = super::markup::error_page(ctx, info.status, info.heading, message);
    let mut page = (info.status, page).into_response();
    for name in [header::RETRY_AFTER, header::SET_COOKIE, header::ALLOW] {
        for value in response.headers().get_all(&name) {
            page.headers_mut().append(name.clone(), value.clone());
        }
    }
    page
}

/// The first value of `key` in a query string, percent-decoded.
pub fn query_value(query: &str, key: &str) -> Option<String> {
    form_urlencoded_value(query.as_bytes(), key)
}

/// The first value of `key` in `application/x-www-form-urlencoded` data (`+` is a space, `%XX`
/// a byte, a malformed escape stays as it is, invalid UTF-8 is replaced).
pub fn form_urlencoded_value(data: &[u8], key: &str) -> Option<String> {
    form_urlencoded::parse(data)
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A POST signed in by an API token needs no CSRF token (it carries no cookie another site
    /// could make a browser send); signed in by a session, it does.
    #[tokio::test]
    async fn token_requests_skip_the_csrf_check_and_session_requests_do_not() {
        use crate::accounts::Role;
        use axum::routing::post;

        async fn as_user(via: Option<Via>, mut req: Request, next: Next) -> Response {
            req.extensions_mut().insert(CsrfToken("a".repeat(64)));
            if let Some(via) = via {
                req.extensions_mut().insert(CurrentUser {
                    id: "u".into(),
                    email: "e@kommun.example".into(),
                    role: Role::Evaluator,
                    school_id: None,
                    session_token: String::new(),
                    via,
                });
            }
            next.run(req).await
        }
        let token = Via::Token {
            id: "t".into(),
            expires_at: i64::MAX,
            last_used_on: None,
        };
        let app = |via: Option<Via>| {
            axum::Router::new()
                .route("/api/v1/x", post(|| async { "done" }))
                .route_layer(axum::middleware::from_fn(check_csrf))
                .layer(axum::middleware::from_fn(move |req, next| {
                    as_user(via.clone(), req, next)
                }))
        };
        let client = reqwest::Client::new();
        for (via, expected) in [(Some(token), 200), (Some(Via::Session), 415), (None, 415)] {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let address = listener.local_addr().expect("address");
            let server = tokio::spawn(axum::serve(listener, app(via.clone())).into_future());
            let status = client
                .post(format!("http://{address}/api/v1/x"))
                .json(&serde_json::json!({}))
                .send()
                .await
                .expect("POST")
                .status();
            assert_eq!(status.as_u16(), expected, "{via:?}");
            server.abort();
        }
    }

    #[test]
    fn only_the_submission_route_of_the_api_is_a_respondent_route() {
        assert!(is_respondent_route("/api/v1/waves/{slug}/responses"));
        assert!(is_respondent_route("/s/{slug}/sida/{page}"));
        assert!(is_respondent_route("/k"));
        assert!(!is_respondent_route("/api/v1/waves/{slug}/indicators"));
        assert!(!is_respondent_route("/api/v1/me"));
        assert!(!is_respondent_route("/admin/waves/{slug}"));
    }

    #[test]
    fn form_values_are_percent_decoded() {
        assert_eq!(
            form_urlencoded_value(b"a=1&_csrf=ab%2Bc+d&x", "_csrf").as_deref(),
            Some("ab+c d")
        );
        assert_eq!(form_urlencoded_value(b"a=1", "_csrf"), None);
        assert_eq!(query_value("lang=en", "lang").as_deref(), Some("en"));
        assert_eq!(query_value("x=%zz%4", "x").as_deref(), Some("%zz%4"));
    }
}
