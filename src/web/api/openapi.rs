//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 description of every `/api/v1` route, generated
//! from the handlers' `#[utoipa::path]` annotations and the types they send and take
//! (`utoipa::ToSchema`), never written by hand.
//!
//! Who may use a route is not repeated in the annotations: the route table (`crate::web::routes()`)
//! declares it, and [`AccessFromRouteTable`] copies it into the description (the `bearer` and
//! `session` security schemes, with 401 and 403 answers) for every route that needs a signed-in
//! role.
//!
//! # Adding a route under `/api/v1`
//! 1. Register it in the route table as usual (`Routes::get(path, access, handler)`).
//! 2. Put `#[utoipa::path(get, path = "…", tag = "…", params(…), responses(…))]` on the handler
//!    (the same path, `{name}` parameters as in axum), with every status it can answer and a
//!    `ToSchema` type for each body (`crate::web::error::ErrorBody` for errors).
//! 3. Name the handler in `paths(…)` of [`ApiDoc`] below (and new body types in `components`
//!    when they are not reached through a path).
//!
//! `tests/api/openapi.rs` fails while a route of the table is missing from the description.

use std::sync::OnceLock;

use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, Ref};
use utoipa::{Modify, OpenApi};

use crate::web::auth::SESSION_COOKIE;
use crate::web::{Access, PUBLIC, Routes};

pub fn routes() -> Routes {
    Routes::default().get("/api/v1/openapi.json", PUBLIC, openapi_json)
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "trygg",
        description = "Anonymous municipal safety surveys: respondents' submissions, and indicators for evaluators. \
                       Routes that need a signed-in evaluator or admin take a personal API token \
                       (`Authorization: Bearer trygg_…`, made on the account page or with `trygg token create`) \
                       or a browser's session cookie.",
    ),
    paths(
        openapi_json,
        super::submit,
        crate::web::account::me,
        super::indicators::wave_indicators,
        super::indicators::series,
        super::indicators::areas,
        crate::web::evaluate::plan_export::api,
        super::sources::index,
        super::sources::values,
        super::sources::lagesbild,
    ),
    components(schemas(
        crate::web::error::ErrorBody,
        crate::web::error::Detail,
        super::indicators::OutputFormat,
        super::indicators::CsvDialect
    )),
    modifiers(&AccessFromRouteTable),
    tags(
        (name = "responses", description = "Respondents' submissions"),
        (name = "account", description = "Who the caller is"),
        (name = "indicators", description = "Indicators per wave, series over waves, priority areas (evaluators and admins)"),
        (name = "plan", description = "The action plan: interventions, output measures, indicators, follow-ups (evaluators and admins)"),
        (name = "sources", description = "The lägesbild: imported series, fault reports, dialogues, the problem picture (evaluators and admins)"),
        (name = "meta", description = "This description"),
    )
)]
pub struct ApiDoc;

/// The description as JSON, built once.
pub fn spec_json() -> &'static str {
    static SPEC: OnceLock<String> = OnceLock::new();
    SPEC.get_or_init(|| {
        ApiDoc::openapi().to_pretty_json().unwrap_or_else(|e| {
            format!("{{\"error\": \"the description could not be written: {e}\"}}")
        })
    })
}

/// This description.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    operation_id = "openapi",
    responses((status = 200, description = "The OpenAPI 3.1 description of /api/v1", content_type = "application/json", body = Object))
)]
async fn openapi_json() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], spec_json()).into_response()
}

/// Puts the access rules of the route table into the description: the security schemes, and on
/// each operation of a signed-in route its security requirement and its 401 and 403 answers.
pub struct AccessFromRouteTable;

fn operation_mut<'a>(item: &'a mut PathItem, method: &Method) -> Option<&'a mut Operation> {
    match *method {
        Method::GET => item.get.as_mut(),
        Method::POST => item.post.as_mut(),
        Method::PUT => item.put.as_mut(),
        Method::DELETE => item.delete.as_mut(),
        Method::PATCH => item.patch.as_mut(),
        _ => None,
    }
}

impl Modify for AccessFromRouteTable {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A personal API token of an evaluator or admin (`trygg_` and 64 hex digits)",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "The session cookie of a signed-in browser",
            ))),
        );
        let error = || {
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build()
        };
        for route in crate::web::route_table() {
            let Access::Signed(_) = route.access else {
                continue;
            };
            let Some(item) = openapi.paths.paths.get_mut(route.path) else {
                continue;
            };
            let Some(operation) = operation_mut(item, &route.method) else {
                continue;
            };
            operation.security = Some(vec![
                SecurityRequirement::new("bearer", Vec::<String>::new()),
                SecurityRequirement::new("session", Vec::<String>::new()),
            ]);
            let responses = &mut operation.responses.responses;
            responses.entry("401".to_owned()).or_insert_with(|| {
                ResponseBuilder::new()
                    .description(
                        "No session, or an API token that is unknown, expired or revoked \
                         (with `WWW-Authenticate: Bearer`)",
                    )
                    .content("application/json", error())
                    .build()
                    .into()
            });
            responses.entry("403".to_owned()).or_insert_with(|| {
                ResponseBuilder::new()
                    .description("The account's role may not use this route")
                    .content("application/json", error())
                    .build()
                    .into()
            });
        }
    }
}
