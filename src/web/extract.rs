//! What handlers take from a request. The request context ([`PageCtx`], [`CurrentUser`],
//! [`CsrfToken`]) that the session and language middleware put into its extensions, and body
//! extractors whose rejections are answered through [`AppError`], like every other error: a
//! form or JSON body that is too large (413), of the wrong Content-Type (415) or malformed (400)
//! gets trygg's error page in the visitor's language, or the API's JSON error.

use axum::body::HttpBody;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Extensions, StatusCode, Uri};
use axum::response::IntoResponse;
use serde::de::DeserializeOwned;

use super::AppError;
use crate::accounts::Role;
use crate::i18n::Lang;

/// The signed-in user of a request, put into its extensions by
/// [`load_session`](super::auth::load_session).
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub school_id: Option<String>,
    /// The cookie token, to end the session at logout (empty when signed in by an API token).
    pub session_token: String,
    /// How the request was signed in.
    pub via: Via,
}

/// How the user of a request was recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// The session cookie of a browser.
    Session,
    /// A personal API token (`Authorization: Bearer …`): only on `/api/v1/` routes, and the
    /// session cookie of the same request is then ignored.
    Token {
        id: String,
        expires_at: i64,
        last_used_on: Option<String>,
    },
}

/// The token forms of this request must carry: the session's when signed in, else a random
/// per-browser token kept in an HttpOnly, SameSite=Strict cookie.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// What every page needs to know about the request it answers.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    pub user: Option<CurrentUser>,
    pub csrf: String,
    /// This page's address with `lang=` last, for the language switch.
    pub switch_lang_href: String,
    /// A respondent's page (a wave's form, the pupil code entry): no link for staff, since
    /// a pupil or resident has nothing to sign in to.
    pub respondent: bool,
}

impl PageCtx {
    pub fn from_extensions(ext: &Extensions, uri: &Uri) -> PageCtx {
        PageCtx {
            lang: ext.get::<Lang>().copied().unwrap_or_default(),
            user: ext.get::<CurrentUser>().cloned(),
            csrf: ext
                .get::<CsrfToken>()
                .map(|t| t.0.clone())
                .unwrap_or_default(),
            switch_lang_href: switch_href(uri),
            respondent: is_respondent_path(uri.path()),
        }
    }

    pub fn t<'a>(&self, sv: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(sv, en)
    }
}

/// The addresses respondents use (DESIGN.md: `/s/{slug}` a wave's form, `/k` code entry).
pub fn is_respondent_path(path: &str) -> bool {
    path == "/k" || path.starts_with("/s/")
}

/// This page again in the other language: the query kept (e.g. `next`), `lang` replaced.
fn switch_href(uri: &Uri) -> String {
    let kept: Vec<&str> = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("lang="))
        .collect();
    // A query-only reference stays on this page whatever the path looks like (a path such as
    // `//other.example` must not become a link to another site).
    let mut href = String::from("?");
    for pair in kept {
        href.push_str(pair);
        href.push('&');
    }
    href.push_str("lang=");
    href
}

impl<S: Send + Sync> FromRequestParts<S> for PageCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(PageCtx::from_extensions(&parts.extensions, &parts.uri))
    }
}

/// The largest body a route reads unless it sets its own limit ([`BodyLimit`]).
pub const DEFAULT_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The largest body of a route, in bytes: the app sets [`DEFAULT_BODY_BYTES`], a route may set
/// more (with axum's `DefaultBodyLimit` to the same number, which the extractors obey). The
/// CSRF check reads forms up to it, and a refusal names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimit(pub usize);

/// The body limit of this request.
pub fn body_limit(extensions: &Extensions) -> usize {
    extensions
        .get::<BodyLimit>()
        .map_or(DEFAULT_BODY_BYTES, |l| l.0)
}

/// How much of a body over the limit is still read (and thrown away) before the refusal is
/// sent. A server that answers while the client is still sending and then closes the
/// connection makes the client's network stack drop the answer (a reset); reading on lets the
/// client see its 413. Beyond this the connection is simply closed.
const DRAIN_BYTES: usize = 8 * 1024 * 1024;

/// The request with its whole body read into memory, or 413 for a body over `limit` bytes.
pub async fn buffered(req: Request, limit: usize) -> Result<Request, AppError> {
    let (parts, mut body) = req.into_parts();
    let declared = parts
        .headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit.saturating_add(DRAIN_BYTES)) {
        return Err(too_large(limit));
    }
    let mut data = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let frame = frame.map_err(|e| AppError::Unreadable {
            status: StatusCode::BAD_REQUEST,
            sv: format!("Innehållet kunde inte tas emot: {e}"),
            en: format!("The body could not be received: {e}"),
        })?;
        let Ok(chunk) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(chunk.len());
        if seen <= limit {
            data.extend_from_slice(&chunk);
        } else if seen > limit.saturating_add(DRAIN_BYTES) {
            break;
        }
    }
    if seen > limit {
        return Err(too_large(limit));
    }
    Ok(Request::from_parts(parts, axum::body::Body::from(data)))
}

/// Reads the body within the route's limit, then runs axum's extractor `X` on it; its
/// rejection becomes trygg's error.
async fn extract<S, X>(req: Request, state: &S, body: Body) -> Result<X, AppError>
where
    S: Send + Sync,
    X: FromRequest<S>,
    X::Rejection: IntoResponse + std::fmt::Display,
{
    let limit = body_limit(req.extensions());
    let req = buffered(req, limit).await?;
    X::from_request(req, state).await.map_err(|rejection| {
        let detail = rejection.to_string();
        refused(body, rejection.into_response().status(), &detail, limit)
    })
}

/// `axum::Form`, but refused through [`AppError`].
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let axum::Form(value) = extract(req, state, Body::Form).await?;
        Ok(Form(value))
    }
}

/// `axum::Json`, but refused through [`AppError`].
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let axum::Json(value) = extract(req, state, Body::Json).await?;
        Ok(Json(value))
    }
}

/// What kind of body a route expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    Form,
    Json,
}

impl Body {
    /// The Content-Type a body of this kind is sent with.
    pub fn content_type(self) -> &'static str {
        match self {
            Body::Form => "application/x-www-form-urlencoded",
            Body::Json => "application/json",
        }
    }

    /// Whether a Content-Type header value (parameters such as `charset` aside) is this kind's.
    pub fn is_sent_as(self, header: &str) -> bool {
        header
            .split(';')
            .next()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case(self.content_type()))
    }
}

/// The error for a body an extractor refused with `status` (axum's `detail` says why).
pub fn refused(body: Body, status: StatusCode, detail: &str, limit: usize) -> AppError {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(limit),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => wrong_content_type(body),
        _ => {
            let (sv, en) = match body {
                Body::Form => ("Formuläret kunde inte läsas", "The form could not be read"),
                Body::Json => (
                    "Innehållet är inte giltig JSON",
                    "The body is not valid JSON",
                ),
            };
            // axum's text ends with the parser's own words (line and column for JSON).
            AppError::Unreadable {
                status: StatusCode::BAD_REQUEST,
                sv: format!("{sv}: {detail}"),
                en: format!("{en}: {detail}"),
            }
        }
    }
}

/// 413, naming the limit.
pub fn too_large(limit: usize) -> AppError {
    let size = size_text(limit);
    AppError::Unreadable {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        sv: format!("Det som skickades är för stort: här tas högst {size} emot."),
        en: format!("What was sent is too large: at most {size} is accepted here."),
    }
}

/// 415, naming the Content-Type the route takes.
pub fn wrong_content_type(body: Body) -> AppError {
    let expected = body.content_type();
    AppError::Unreadable {
        status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
        sv: format!("Innehållet måste skickas med Content-Type: {expected}."),
        en: format!("The body must be sent with Content-Type: {expected}."),
    }
}

/// A size in whole kB below a megabyte, else in whole MB (1 MB = 1,048,576 bytes).
fn size_text(bytes: usize) -> String {
    const KB: usize = 1024;
    if bytes < KB * KB {
        format!("{} kB", bytes.div_ceil(KB))
    } else {
        format!("{} MB", bytes.div_ceil(KB * KB))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_switch_keeps_the_query_and_replaces_lang() {
        let href = |uri: &str| switch_href(&uri.parse::<Uri>().expect("uri"));
        assert_eq!(href("/login?next=/admin&lang=sv"), "?next=/admin&lang=");
        assert_eq!(href("/"), "?lang=");
        assert_eq!(href("//evil.example"), "?lang=");
    }

    #[test]
    fn refusals_keep_their_status_and_name_what_is_expected() {
        let e = refused(
            Body::Json,
            StatusCode::PAYLOAD_TOO_LARGE,
            "",
            2 * 1024 * 1024,
        );
        assert_eq!(e.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            e.to_string(),
            "What was sent is too large: at most 2 MB is accepted here."
        );
        let e = refused(Body::Form, StatusCode::UNSUPPORTED_MEDIA_TYPE, "", 0);
        assert!(e.to_string().contains("application/x-www-form-urlencoded"));
        let e = refused(
            Body::Form,
            StatusCode::UNPROCESSABLE_ENTITY,
            "duplicate field",
            0,
        );
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        assert_eq!(size_text(1000), "1 kB");
        assert_eq!(size_text(40_000_000), "39 MB");
    }
}
