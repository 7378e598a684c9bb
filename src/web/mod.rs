//! The HTTP layer: one router for pages and the JSON API, built from a table of routes that says
//! who may use each one.
//!
//! Its top is the floor every audience stands on: this file (the state, the access rules, the
//! route table and the router), `error` (`AppError`), `extract` (the extractors and `PageCtx`),
//! `auth` (sessions, sign-in and sign-out), `middleware`, and `markup` (the components every page
//! shares: the layout, the CSRF field, form errors and controls, charts, words for roles and
//! waves, the style sheet). The start page (`home`, with the health check and the style sheet's
//! route) and the own account (`account`: password and API tokens) are here too: they belong to
//! every visitor and every signed-in role, not to one audience.
//!
//! Then one folder per audience: `respond` (the respondents' forms and `/k`), `school` (class
//! sessions and pupil codes), `admin` (questionnaires, waves, invitations, accounts, the audit
//! log), `evaluate` (the dashboard, indicators, the lägesbild, agreements, the action plan and the
//! annual report), `public` (`/trygghet`) and `api` (JSON, CSV and the OpenAPI description).
//! An audience may use the floor and another audience's handlers or shared types; the floor uses
//! no audience (`routes()` below aside).
//!
//! Markup, one convention everywhere: a handler module keeps its pages' maud markup in its child
//! module `view` — `admin/waves.rs` with `admin/waves/view.rs`, `public/mod.rs` with
//! `public/view.rs` (a large view may be a folder itself: `evaluate/plan/view/` with the plan's
//! forms in `forms`). Handlers read, check and store; views take what was read and return
//! `Markup`. No other file writes `html!` but the shared components in `markup`
//! (`tests/api/structure.rs` checks both rules).

pub(crate) mod account;
pub(crate) mod admin;
pub(crate) mod api;
pub(crate) mod auth;
pub mod error;
pub(crate) mod evaluate;
pub(crate) mod extract;
pub(crate) mod home;
pub(crate) mod markup;
pub(crate) mod middleware;
pub(crate) mod public;
pub(crate) mod respond;
pub(crate) mod school;

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodRouter, on};
use sea_orm::DatabaseConnection;

use crate::accounts::Role;
use crate::collect::Collector;
use crate::collect::sender::Outbox;
use crate::config::Settings;
use crate::survey::SurveyCatalog;

pub use error::{AppError, Said};
pub use extract::{BodyLimit, DEFAULT_BODY_BYTES};

/// Everything a handler may need, behind one reference count: axum clones the state for every
/// request (each middleware layer clones the layers inside it), so a clone must cost one atomic
/// increment, not one per part (under `cargo bench --bench load`, 9 % of the server's samples
/// were cloning and dropping the parts one by one). Handlers read the parts through `Deref`:
/// `state.db`.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The parts of [`AppState`].
pub struct Shared {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub surveys: Arc<SurveyCatalog>,
    /// The agreements between the municipality and the police (`agreements/*.toml`).
    pub agreements: Arc<crate::agreement::AgreementCatalog>,
    /// Stores submissions (group commit); see `collect::submit`.
    pub collector: Collector,
    /// Sends invitations and reminders; wake it after queueing messages.
    pub outbox: Outbox,
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for DatabaseConnection {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: the start page, login, health, static files and the respondents' pages.
    Public,
    /// A signed-in user with one of these roles.
    Signed(&'static [Role]),
}

pub const PUBLIC: Access = Access::Public;
pub const ADMIN: Access = Access::Signed(&[Role::Admin]);
pub const EVALUATORS: Access = Access::Signed(&[Role::Evaluator, Role::Admin]);
pub const SCHOOLS: Access = Access::Signed(&[Role::School]);
pub const ANY_USER: Access = Access::Signed(&[Role::Admin, Role::Evaluator, Role::School]);

/// One entry of the route table.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    /// For a form's POST address: the page that shows the form. A GET on the POST address
    /// (a reload, the language switch on a page a POST answered, a bookmark) is sent there.
    pub form: Option<&'static str>,
}

/// Builds the router and the table of its routes together, so that no route can exist without a
/// declared access rule and the access rule is enforced by the same entry that declares it.
pub struct Routes {
    router: Router<AppState>,
    table: Vec<RouteInfo>,
}

impl Default for Routes {
    fn default() -> Self {
        Routes {
            router: Router::new(),
            table: Vec::new(),
        }
    }
}

impl Routes {
    pub fn get<H, T>(self, path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(
            Method::GET,
            path,
            access,
            on(axum::routing::MethodFilter::GET, handler),
        )
    }

    /// A form's POST address `path`, whose form is shown on the page `form` (the same address,
    /// or another with the same `{parameters}`).
    pub fn post<H, T>(
        self,
        path: &'static str,
        form: &'static str,
        access: Access,
        handler: H,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let route = on(axum::routing::MethodFilter::POST, handler);
        self.add_post(path, form, access, route, |route| route)
    }

    /// A POST route of the JSON API: no form page (a GET gets the API's 405).
    pub fn post_api<H, T>(self, path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(
            Method::POST,
            path,
            access,
            on(axum::routing::MethodFilter::POST, handler),
        )
    }

    /// Adds a form's POST route and, unless the form is on the same address (which then has
    /// its own GET), a GET that sends the browser to the form.
    fn add_post(
        mut self,
        path: &'static str,
        form: &'static str,
        access: Access,
        route: MethodRouter<AppState>,
        outer: impl FnOnce(MethodRouter<AppState>) -> MethodRouter<AppState>,
    ) -> Self {
        let route = if form == path {
            route
        } else {
            route.on(
                axum::routing::MethodFilter::GET,
                move |params: axum::extract::RawPathParams, uri: axum::http::Uri| async move {
                    to_form(form, &params, uri.query())
                },
            )
        };
        self = self.add_with(Method::POST, path, access, route, outer);
        if let Some(entry) = self.table.last_mut() {
            entry.form = Some(form);
        }
        self
    }

    /// [`Routes::post`] for a form that may be larger than [`DEFAULT_BODY_BYTES`]: the route
    /// reads bodies up to `max_bytes` (the CSRF check and the extractors alike).
    pub fn post_limited<H, T>(
        self,
        path: &'static str,
        form: &'static str,
        access: Access,
        max_bytes: usize,
        handler: H,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        // Layers added after the access and CSRF layers run before them: the limit is known
        // when the CSRF check reads the body, and nobody without the role gets to send one.
        let route = on(axum::routing::MethodFilter::POST, handler);
        self.add_post(path, form, access, route, |route| {
            route
                .layer::<_, Infallible>(axum::Extension(BodyLimit(max_bytes)))
                .layer::<_, Infallible>(axum::extract::DefaultBodyLimit::max(max_bytes))
        })
    }

    fn add(
        self,
        method: Method,
        path: &'static str,
        access: Access,
        route: MethodRouter<AppState>,
    ) -> Self {
        self.add_with(method, path, access, route, |route| route)
    }

    fn add_with(
        mut self,
        method: Method,
        path: &'static str,
        access: Access,
        route: MethodRouter<AppState>,
        outer: impl FnOnce(MethodRouter<AppState>) -> MethodRouter<AppState>,
    ) -> Self {
        // Route layers run innermost first: the role check (outer) sees the request before the
        // CSRF check, so a visitor without a session is sent to the login page, not refused.
        // Only the public JSON API goes without a token: it uses no cookie, so a forged request
        // from another site gains nothing a direct request would not.
        let public_api = access == Access::Public && path.starts_with("/api/");
        let route = if method == Method::GET || public_api {
            route
        } else {
            route.route_layer(axum::middleware::from_fn(middleware::check_csrf))
        };
        let route = match access {
            Access::Public => route,
            Access::Signed(roles) => {
                route.route_layer(axum::middleware::from_fn(move |req, next| {
                    auth::require_role(roles, req, next)
                }))
            }
        };
        self.router = self.router.route(path, outer(route));
        self.table.push(RouteInfo {
            method,
            path,
            access,
            form: None,
        });
        self
    }

    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    /// The declared routes, for tests and documentation.
    pub fn table(&self) -> &[RouteInfo] {
        &self.table
    }
}

/// The redirect of a GET on a form's POST address to the page of the form: its `{parameters}`
/// filled in from the address, the query (`lang=en`, say) kept. A parameter that is not a plain
/// id or slug is no address of ours.
fn to_form(
    form: &str,
    params: &axum::extract::RawPathParams,
    query: Option<&str>,
) -> Result<axum::response::Redirect, AppError> {
    let mut to = form.to_owned();
    for (name, value) in params {
        let plain = !value.is_empty()
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !plain {
            return Err(AppError::NotFound);
        }
        to = to.replace(&format!("{{{name}}}"), value);
    }
    if let Some(query) = query.filter(|q| !q.is_empty()) {
        to.push('?');
        to.push_str(query);
    }
    Ok(axum::response::Redirect::to(&to))
}

/// All routes of trygg.
pub fn routes() -> Routes {
    Routes::default()
        .merge(home::routes())
        .merge(public::routes())
        .merge(auth::routes())
        .merge(admin::routes())
        .merge(evaluate::routes())
        .merge(school::routes())
        .merge(api::routes())
        .merge(respond::routes())
        .merge(account::routes())
}

/// The route table, without building a server.
pub fn route_table() -> Vec<RouteInfo> {
    routes().table
}

/// The whole application, ready to serve.
///
/// The middleware is one layer around each route (a `ServiceBuilder` stack), not one
/// `Router::layer` per middleware: axum boxes each of those separately, and every `from_fn`
/// layer clones the service inside it for each request, so that a stack of boxes costs one
/// deep copy of everything inside per layer per request; a stack of plain types is copied
/// without allocating. (With the state behind one `Arc`, this took the server's CPU time per
/// submission from 83 to 71–73 µs in the load bench.) The first layer is the outermost.
pub fn app(state: AppState) -> Router {
    let middleware = tower::ServiceBuilder::new()
        .layer(axum::extract::DefaultBodyLimit::max(DEFAULT_BODY_BYTES))
        .layer(axum::Extension(BodyLimit(DEFAULT_BODY_BYTES)))
        .layer(axum::middleware::from_fn(middleware::trace_request))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(axum::middleware::from_fn(middleware::trailing_slash))
        .layer(axum::middleware::from_fn(middleware::preferences))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::load_session,
        ))
        .layer(axum::middleware::from_fn(middleware::render_errors));
    let router = routes()
        .router
        .fallback(|| async { AppError::NotFound })
        .layer(middleware);
    router.with_state(state)
}
