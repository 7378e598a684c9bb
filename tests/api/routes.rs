//! Walks every route of the router's table: only respondent pages, the start page, `/login`,
//! `/health` and static files are public; every other route refuses visitors without a session
//! and users without the route's role.

use reqwest::Method;
use trygg::accounts::Role;
use trygg::web::{Access, RouteInfo, route_table};

use crate::db_tests;
use crate::helpers::{TestApp, browser, csrf_in};

db_tests!(
    every_route_requires_its_role_except_the_public_ones,
    a_get_on_a_forms_address_leads_to_the_form,
);

/// The only routes anyone may use without signing in. A new public route must be added here on
/// purpose (respondent pages of later issues included).
fn may_be_public(path: &str) -> bool {
    matches!(
        path,
        "/" | "/health"
            | "/login"
            | "/static/trygg.css"
            | "/s/{slug}"
            | "/s/{slug}/start"
            | "/s/{slug}/sida/{page}"
            | "/s/{slug}/tack"
            | "/k"
            // The public page for residents (DESIGN.md "Public pages"): published figures only.
            | "/trygghet"
            | "/api/v1/waves/{slug}/responses"
            | "/api/v1/openapi.json"
    )
}

fn concrete(path: &str) -> String {
    // Any path parameter gets a plausible value; the role check must happen before it matters.
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1);
        out.push_str("resident-safety");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

async fn send(app: &TestApp, client: &reqwest::Client, route: &RouteInfo) -> reqwest::Response {
    let url = app.url(&concrete(route.path));
    if route.method == Method::GET {
        return client.get(url).send().await.expect("GET");
    }
    // A valid CSRF token of this browser, so that only the role decides: signed in, every page
    // carries it in the sign-out form; signed out, the login form does.
    let mut token = String::new();
    for page in ["/", "/login"] {
        let html = client
            .get(app.url(page))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("body");
        if let Some(found) = csrf_in(&html) {
            token = found;
            break;
        }
    }
    client
        .request(route.method.clone(), url)
        .form(&[("_csrf", token.as_str())])
        .send()
        .await
        .expect("request")
}

#[test]
fn the_route_table_declares_only_the_allowed_public_routes() {
    let table = route_table();
    assert!(table.len() >= 10, "{table:?}");
    for route in &table {
        if route.access == Access::Public {
            assert!(
                may_be_public(route.path),
                "{} {} is public",
                route.method,
                route.path
            );
        }
    }
}

/// A browser of its own signed in as a new user with `role`.
async fn signed_in(app: &TestApp, name: &str, role: Role) -> reqwest::Client {
    let user = browser();
    let email = format!("{name}-{}@kommun.example", role.as_str());
    let school = (role == Role::School).then_some("skola-1");
    app.add_user(&email, role, school).await;
    let login = app
        .log_in(&user, &email, crate::helpers::PASSWORD, None)
        .await;
    assert_eq!(login.status(), 303);
    user
}

async fn every_route_requires_its_role_except_the_public_ones(app: TestApp) {
    let table = route_table();
    let anonymous = browser();
    for route in &table {
        let response = send(&app, &anonymous, route).await;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        match route.access {
            Access::Public => {
                // POST /login answers 401 for the (empty) credentials: that is signing in, not a
                // demand for a session.
                let demands_session = status == 401 && route.path != "/login";
                assert!(
                    ![403, 405].contains(&status)
                        && !demands_session
                        && !location.starts_with("/login"),
                    "{} {} is public but answered {status} {location}",
                    route.method,
                    route.path
                );
            }
            Access::Signed(_) if route.path.starts_with("/api/") => {
                assert_eq!(status, 401, "{} {}", route.method, route.path);
            }
            Access::Signed(_) => {
                assert_eq!(
                    status, 303,
                    "{} {} without a session",
                    route.method, route.path
                );
                assert!(
                    location.starts_with("/login?next="),
                    "{} {}: {location}",
                    route.method,
                    route.path
                );
            }
        }
    }

    for role in Role::ALL {
        let user = signed_in(&app, "walker", role).await;
        for route in table.iter().filter(|r| r.path != "/logout") {
            let Access::Signed(roles) = route.access else {
                continue;
            };
            let status = send(&app, &user, route).await.status().as_u16();
            if roles.contains(&role) {
                assert!(
                    status != 403 && status != 401 && status < 500,
                    "{role} on {} {}: {status}",
                    route.method,
                    route.path
                );
            } else {
                assert_eq!(status, 403, "{role} on {} {}", route.method, route.path);
            }
        }
    }
}

/// A reload, a bookmark or the language switch on a page that answered a form's POST asks for
/// the form's address with GET: it leads to the page of the form (language kept), never to
/// "method not allowed".
async fn a_get_on_a_forms_address_leads_to_the_form(app: TestApp) {
    let table = route_table();
    let forms: Vec<&RouteInfo> = table
        .iter()
        .filter(|r| r.method == Method::POST && !r.path.starts_with("/api/"))
        .collect();
    assert!(forms.len() > 20, "the forms of the service");
    let mut checked = 0;
    for role in Role::ALL {
        let user = signed_in(&app, "gets", role).await;
        for route in &forms {
            if let Access::Signed(roles) = route.access
                && !roles.contains(&role)
            {
                continue;
            }
            let form = route
                .form
                .unwrap_or_else(|| panic!("POST {} declares no form page", route.path));
            let path = format!("{}?lang=en", concrete(route.path));
            let response = user.get(app.url(&path)).send().await.expect("GET");
            let status = response.status().as_u16();
            assert_ne!(status, 405, "{role}: GET {path}");
            if form != route.path {
                assert_eq!(status, 303, "{role}: GET {path}");
                let to = response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                assert_eq!(to, format!("{}?lang=en", concrete(form)), "GET {path}");
            }
            checked += 1;
        }
        // A parameter that is no id of ours leads nowhere.
        if role == Role::Admin {
            let odd = user
                .get(app.url("/admin/waves/a%20b/open"))
                .send()
                .await
                .expect("GET");
            assert_eq!(odd.status(), 404);
        }
    }
    assert!(
        checked >= forms.len(),
        "every form by a role that may use it"
    );
}
