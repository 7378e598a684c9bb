//! `GET /api/v1/openapi.json`: generated from the code, it describes every `/api/v1` route of
//! the route table (method and path), with the table's access rule as its security.

use serde_json::Value;
use trygg::web::{Access, route_table};

use crate::helpers::{Backend, spawn_app};

async fn served_spec() -> Value {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    response.json().await.expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_route_of_the_table_is_described_with_its_access() {
    let spec = served_spec().await;
    assert_eq!(spec["openapi"], "3.1.0");
    let api: Vec<_> = route_table()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/v1/"))
        .collect();
    assert!(api.len() >= 3, "{api:?}");
    let mut missing = Vec::new();
    for route in &api {
        let method = route.method.as_str().to_lowercase();
        let operation = &spec["paths"][route.path][&method];
        if !operation.is_object() {
            missing.push(format!("{} {}", route.method, route.path));
            continue;
        }
        let security = &operation["security"];
        match route.access {
            Access::Public => assert!(security.is_null(), "{} {}", route.method, route.path),
            Access::Signed(_) => {
                assert_eq!(
                    security,
                    &serde_json::json!([{"bearer": []}, {"session": []}]),
                    "{} {}",
                    route.method,
                    route.path
                );
                for status in ["200", "401", "403"] {
                    assert!(
                        operation["responses"][status].is_object(),
                        "{} {} has no {status}",
                        route.method,
                        route.path
                    );
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "routes of the table missing from /api/v1/openapi.json (annotate the handler with \
         #[utoipa::path] and list it in web::openapi::ApiDoc): {missing:?}"
    );
    // Nor does the description list a route the server does not have.
    let paths = spec["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for method in item.as_object().expect("path item").keys() {
            assert!(
                api.iter()
                    .any(|r| r.path == path && r.method.as_str().eq_ignore_ascii_case(method)),
                "{method} {path} is described but not routed"
            );
        }
    }
    let schemes = &spec["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["type"], "http");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "trygg_session");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_submission_contract_is_described() {
    let spec = served_spec().await;
    let post = &spec["paths"]["/api/v1/waves/{slug}/responses"]["post"];
    for status in ["201", "200", "409", "422", "404", "403", "410"] {
        assert!(post["responses"][status].is_object(), "{status}: {post}");
    }
    assert_eq!(
        post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ApiBody"
    );
    let body = &spec["components"]["schemas"]["ApiBody"];
    let mut required: Vec<&str> = body["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    required.sort_unstable();
    assert_eq!(required, ["answers", "submission_id"]);
    assert_eq!(body["properties"]["submission_id"]["format"], "uuid");
    let error = &spec["components"]["schemas"]["ErrorBody"];
    assert_eq!(error["required"], serde_json::json!(["error"]));
    assert!(error["properties"]["details"].is_object(), "{error}");
}
