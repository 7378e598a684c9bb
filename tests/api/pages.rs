//! Public pages, the health check and the headers every response carries.

use trygg::accounts::Role;

use crate::db_tests;
use crate::helpers::{Backend, TestApp, spawn_app_with};
use crate::responses::closed_and_future_waves;

db_tests!(
    health_answers_ok_once_the_database_answers,
    every_response_carries_the_security_headers,
    the_start_page_says_what_the_service_is_in_both_languages,
    an_unknown_page_is_a_404_page_in_the_visitors_language,
    an_address_with_a_slash_at_the_end_leads_to_the_page,
    no_page_links_to_another_site_whatever_its_path,
    cookies_are_secure_when_configured_for_https,
    status_pages_speak_the_pages_language_and_show_a_way_on,
);

async fn health_answers_ok_once_the_database_answers(app: TestApp) {
    let response = app.get("/health").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body, serde_json::json!({"status": "ok"}));
}

async fn every_response_carries_the_security_headers(app: TestApp) {
    for path in [
        "/",
        "/health",
        "/login",
        "/static/trygg.css",
        "/no-such-page",
        "/admin",
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{path}: no CSP"));
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(
            !csp.contains("script-src"),
            "{path}: scripts allowed: {csp}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
    }
}

async fn the_start_page_says_what_the_service_is_in_both_languages(app: TestApp) {
    let swedish = app.get("/").await;
    assert_eq!(swedish.status(), 200);
    let body = swedish.text().await.expect("body");
    assert!(body.contains("<html lang=\"sv\">"), "{body}");
    assert!(body.contains("Dina svar är anonyma"));
    assert!(body.contains("Trygghetsundersökning") || body.contains("trygghet"));

    // Choosing English is remembered for the next page.
    let english = app.get("/?lang=en").await.text().await.expect("body");
    assert!(english.contains("<html lang=\"en\">"));
    assert!(english.contains("Your answers are anonymous"));
    let next = app.get("/login").await.text().await.expect("body");
    assert!(
        next.contains("<html lang=\"en\">"),
        "language not remembered"
    );
}

async fn an_address_with_a_slash_at_the_end_leads_to_the_page(app: TestApp) {
    for (path, to) in [
        ("/login/", "/login"),
        ("/admin/", "/admin"),
        ("/evaluate/", "/evaluate"),
        ("/admin/waves/", "/admin/waves"),
        ("/k/", "/k"),
        ("/login/?lang=en", "/login?lang=en"),
        ("/login//", "/login"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 308, "{path}");
        assert_eq!(response.headers()["location"], to, "{path}");
    }
    // Followed, it is the page itself.
    let page = app.get("/login").await;
    assert_eq!(page.status(), 200);
    // A form sent to the slashed address keeps its method (308) and reaches the form's handler.
    let response = app
        .client
        .post(app.url("/login/"))
        .form(&[("email", "x@example.org")])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 308);
    // The root keeps its slash, and an address that is only slashes is not redirected.
    assert_eq!(app.get("/").await.status(), 200);
    assert_ne!(app.get("//").await.status(), 308);
}

async fn an_unknown_page_is_a_404_page_in_the_visitors_language(app: TestApp) {
    let response = app.get("/no-such-page").await;
    assert_eq!(response.status(), 404);
    assert!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
    );
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("Sidan finns inte")
    );
}

async fn no_page_links_to_another_site_whatever_its_path(app: TestApp) {
    for path in [
        "//evil.example",
        "//evil.example/x?lang=en",
        "/login?next=//evil.example",
    ] {
        let body = app.get(path).await.text().await.expect("body");
        assert!(!body.contains("href=\"//"), "{path}: {body}");
        assert!(!body.contains("href=\"http"), "{path}");
    }
}

async fn cookies_are_secure_when_configured_for_https(app: TestApp) {
    // The fixture app is plain http; start a second one configured for https behind a proxy.
    let backend = if app.is_postgres() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    let secure = spawn_app_with(backend, |s| s.cookie_secure = true)
        .await
        .expect("app");
    let response = secure.get("/login").await;
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("trygg_csrf="))
        .expect("csrf cookie")
        .to_owned();
    assert!(cookie.contains("; Secure"), "{cookie}");
    let plain = app.get("/login").await;
    let cookie = plain.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(!cookie.contains("Secure"), "{cookie}");
}

/// Every status page a person can reach says what happened in the page's language, in trygg's
/// words (never the API's English sentence), with a link on.
async fn status_pages_speak_the_pages_language_and_show_a_way_on(app: TestApp) {
    closed_and_future_waves(&app).await;
    let cases = [
        (
            "/s/trygg-2025",
            410,
            "Undersökningen är stängd",
            "tar inte längre emot svar",
            "this survey is closed",
        ),
        (
            "/s/trygg-2099",
            410,
            "Undersökningen har inte öppnat än",
            "Den öppnar 5 januari 2099",
            "not open yet",
        ),
        (
            "/nowhere",
            404,
            "Sidan finns inte",
            "Kontrollera adressen",
            "not found",
        ),
        (
            "/s/trygg-2099?lang=en",
            410,
            "The survey has not opened yet",
            "It opens on 5 January 2099",
            "Undersökningen",
        ),
    ];
    for (path, status, heading, said, not_said) in cases {
        let response = app.get(path).await;
        assert_eq!(response.status(), status, "{path}");
        let page = response.text().await.expect("body");
        assert!(page.contains(heading), "{path}: {page}");
        assert!(page.contains(said), "{path}: {page}");
        assert!(!page.contains(not_said), "{path}: {page}");
        assert!(page.contains("href=\"/\""), "{path}: a way on");
    }

    // A signed-in user on a page of another role: Swedish, and the way to their own start page.
    app.sign_in_as(Role::School).await;
    let refused = app.get("/admin?lang=sv").await;
    assert_eq!(refused.status(), 403);
    let page = refused.text().await.expect("body");
    assert!(page.contains("Ditt konto har inte behörighet"), "{page}");
    assert!(!page.contains("you do not have access"), "{page}");
    assert!(page.contains("href=\"/school\""), "{page}");

    // A form sent without its token: Swedish, with what to do.
    let forged = app
        .client
        .post(app.url("/school/sessions"))
        .form(&[("wave", "x")])
        .send()
        .await
        .expect("POST");
    assert_eq!(forged.status(), 403);
    let page = forged.text().await.expect("body");
    assert!(page.contains("Ladda om sidan och försök igen"), "{page}");
}
