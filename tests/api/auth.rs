//! Signing in and out, sessions, roles, CSRF and slowing down password guessing.

use trygg::accounts::Role;

use crate::db_tests;
use crate::helpers::{PASSWORD, TestApp};

db_tests!(
    an_admin_page_without_a_session_redirects_to_login,
    an_admin_signs_in_and_reaches_the_admin_pages,
    the_session_cookie_is_http_only_and_same_site_strict,
    a_wrong_password_is_refused_without_telling_which_part_was_wrong,
    an_evaluator_gets_403_on_an_admin_page,
    a_form_post_without_the_csrf_token_is_refused,
    a_form_post_with_another_browsers_token_is_refused,
    signing_out_ends_the_session_on_the_server,
    repeated_failed_logins_are_slowed_down,
    an_admin_creates_a_user_on_the_web_and_it_is_audited,
    a_bad_new_user_is_refused_with_a_message_and_nothing_is_stored,
    after_login_the_user_returns_to_the_page_they_asked_for,
    parallel_guesses_are_counted_and_locked_out,
    an_expired_session_no_longer_signs_in,
    a_next_that_leads_off_site_is_ignored,
);

async fn an_admin_page_without_a_session_redirects_to_login(app: TestApp) {
    let response = app.get("/admin/users").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login?next=/admin/users");
}

async fn an_admin_signs_in_and_reaches_the_admin_pages(app: TestApp) {
    app.sign_in_as(Role::Admin).await;
    for path in [
        "/admin",
        "/admin/users",
        "/admin/audit",
        "/admin/surveys/resident-safety",
        "/evaluate",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
    }
    let body = app.get("/admin").await.text().await.expect("body");
    assert!(
        body.contains("school-drug-habits") || body.contains("Drogvane"),
        "{body}"
    );
}

async fn the_session_cookie_is_http_only_and_same_site_strict(app: TestApp) {
    app.add_user("anna@kommun.example", Role::Admin, None).await;
    let token = app.csrf_token("/login").await;
    let response = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("email", "anna@kommun.example"),
            ("password", PASSWORD),
            ("_csrf", &token),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), 303);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("trygg_session="))
        .expect("session cookie")
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Max-Age="), "{cookie}");
    // The database keeps only a hash of the token.
    let token = cookie
        .trim_start_matches("trygg_session=")
        .split(';')
        .next()
        .expect("value");
    let stored = trygg::store::sessions::find_valid(&app.db, token)
        .await
        .expect("query");
    assert!(stored.is_some());
    use sea_orm::EntityTrait;
    let rows = trygg::entities::session::Entity::find()
        .all(&app.db)
        .await
        .expect("sessions");
    assert!(rows.iter().all(|r| r.id != token));
}

async fn a_wrong_password_is_refused_without_telling_which_part_was_wrong(app: TestApp) {
    app.add_user("anna@kommun.example", Role::Admin, None).await;
    let wrong_password = app
        .post_form(
            "/login",
            "/login",
            &[
                ("email", "anna@kommun.example"),
                ("password", "not the password"),
            ],
        )
        .await;
    assert_eq!(wrong_password.status(), 401);
    let a = wrong_password.text().await.expect("body");
    let wrong_email = app
        .post_form(
            "/login",
            "/login",
            &[("email", "nobody@kommun.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(wrong_email.status(), 401);
    let b = wrong_email.text().await.expect("body");
    assert!(a.contains("Fel e-postadress eller lösenord"));
    assert!(b.contains("Fel e-postadress eller lösenord"));
    assert_eq!(app.get("/admin").await.status(), 303, "not signed in");
}

async fn an_evaluator_gets_403_on_an_admin_page(app: TestApp) {
    app.sign_in_as(Role::Evaluator).await;
    assert_eq!(app.get("/evaluate").await.status(), 200);
    let response = app.get("/admin/users").await;
    assert_eq!(response.status(), 403);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("Åtkomst nekad")
    );
}

async fn a_form_post_without_the_csrf_token_is_refused(app: TestApp) {
    app.sign_in_as(Role::Admin).await;
    let response = app
        .client
        .post(app.url("/admin/users"))
        .form(&[
            ("email", "new@kommun.example"),
            ("role", "evaluator"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 403);
    let users = trygg::store::users::list(&app.db).await.expect("users");
    assert!(
        users.iter().all(|u| u.email != "new@kommun.example"),
        "user was created"
    );

    // The login form is protected too (with the pre-session token).
    let login = app
        .other_browser()
        .post(app.url("/login"))
        .form(&[("email", "admin@kommun.example"), ("password", PASSWORD)])
        .send()
        .await
        .expect("post");
    assert_eq!(login.status(), 403);
}

async fn a_form_post_with_another_browsers_token_is_refused(app: TestApp) {
    app.sign_in_as(Role::Admin).await;
    let foreign = app.other_browser();
    let page = foreign
        .get(app.url("/login"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("body");
    let foreign_token = crate::helpers::csrf_in(&page).expect("token");
    let response = app
        .client
        .post(app.url("/admin/users"))
        .form(&[
            ("email", "new@kommun.example"),
            ("role", "evaluator"),
            ("password", PASSWORD),
            ("_csrf", &foreign_token),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 403);
}

async fn signing_out_ends_the_session_on_the_server(app: TestApp) {
    app.sign_in_as(Role::Admin).await;
    assert_eq!(app.get("/admin").await.status(), 200);
    let response = app.post_form("/admin", "/logout", &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(app.get("/admin").await.status(), 303);
    use sea_orm::{EntityTrait, PaginatorTrait};
    let sessions = trygg::entities::session::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(sessions, 0);
}

async fn repeated_failed_logins_are_slowed_down(app: TestApp) {
    app.add_user("anna@kommun.example", Role::Admin, None).await;
    for attempt in 1..=5 {
        let response = app
            .post_form(
                "/login",
                "/login",
                &[
                    ("email", "anna@kommun.example"),
                    ("password", "guess guess guess"),
                ],
            )
            .await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    // Now even the right password must wait.
    let response = app
        .post_form(
            "/login",
            "/login",
            &[("email", "Anna@Kommun.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), 429);
    let retry: i64 = response.headers()["retry-after"]
        .to_str()
        .expect("header")
        .parse()
        .expect("seconds");
    assert!((1..=900).contains(&retry), "{retry}");
    // Said in Swedish on the Swedish page, not in the API's English.
    let page = response.text().await.expect("body");
    assert!(page.contains("För många försök. Försök igen om"), "{page}");
    assert!(!page.contains("too many attempts"), "{page}");
    // Another account is not affected.
    app.add_user("bo@kommun.example", Role::Admin, None).await;
    let other = app
        .post_form(
            "/login",
            "/login",
            &[("email", "bo@kommun.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(other.status(), 303);
}

async fn an_admin_creates_a_user_on_the_web_and_it_is_audited(app: TestApp) {
    let admin = app.sign_in_as(Role::Admin).await;
    let response = app
        .post_form(
            "/admin/users",
            "/admin/users",
            &[
                ("email", "Skola@Kommun.example"),
                ("role", "school"),
                ("school", "ekdal"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let users = trygg::store::users::list(&app.db).await.expect("users");
    let created = users
        .iter()
        .find(|u| u.email == "skola@kommun.example")
        .expect("created");
    assert_eq!(created.role, "school");
    assert_eq!(created.school_id.as_deref(), Some("ekdal"));
    assert!(!created.password_hash.contains(PASSWORD));
    let log = trygg::store::audit::recent(&app.db, 10)
        .await
        .expect("audit");
    assert!(
        log.iter().any(|e| e.action == "user.add"
            && e.actor == admin
            && e.detail.contains("skola@kommun.example")),
        "{log:?}"
    );
    // The new coordinator can sign in and lands on the school page.
    let school = app.other_browser();
    let login = app
        .log_in(&school, "skola@kommun.example", PASSWORD, None)
        .await;
    assert_eq!(login.headers()["location"], "/school");
}

async fn a_bad_new_user_is_refused_with_a_message_and_nothing_is_stored(app: TestApp) {
    app.sign_in_as(Role::Admin).await;
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[
                ("email", "not-an-address"),
                ("role", "evaluator"),
                ("password", PASSWORD),
            ],
            "är inte en e-postadress",
        ),
        (
            &[
                ("email", "e@kommun.example"),
                ("role", "evaluator"),
                ("password", "short"),
            ],
            "minst 12 tecken",
        ),
        (
            &[
                ("email", "e@kommun.example"),
                ("role", "evaluator"),
                ("password", "Sommar2024!!"),
            ],
            "en årstid eller månad med ett årtal",
        ),
        (
            &[
                ("email", "e@kommun.example"),
                ("role", "school"),
                ("password", PASSWORD),
            ],
            "behöver en skola",
        ),
        (
            &[
                ("email", "admin@kommun.example"),
                ("role", "evaluator"),
                ("password", PASSWORD),
            ],
            "finns redan ett konto",
        ),
    ];
    for (fields, message) in cases {
        let response = app.post_form("/admin/users", "/admin/users", fields).await;
        assert_eq!(response.status(), 422, "{message}");
        let body = response.text().await.expect("body");
        assert!(body.contains(message), "{message} not in page");
        assert!(body.contains("Det finns ett problem"));
    }
    let users = trygg::store::users::list(&app.db).await.expect("users");
    assert_eq!(users.len(), 1, "only the signed-in admin exists");
}

async fn after_login_the_user_returns_to_the_page_they_asked_for(app: TestApp) {
    app.add_user("anna@kommun.example", Role::Admin, None).await;
    let login_page = app.get("/admin/audit").await.headers()["location"]
        .to_str()
        .expect("loc")
        .to_owned();
    let page = app.get(&login_page).await.text().await.expect("body");
    assert!(
        page.contains("name=\"next\" value=\"/admin/audit\""),
        "{page}"
    );
    let response = app
        .log_in(
            &app.client,
            "anna@kommun.example",
            PASSWORD,
            Some("/admin/audit"),
        )
        .await;
    assert_eq!(response.headers()["location"], "/admin/audit");
}

async fn parallel_guesses_are_counted_and_locked_out(app: TestApp) {
    app.add_user("anna@kommun.example", Role::Admin, None).await;
    let token = app.csrf_token("/login").await;
    let attempts = (0..20).map(|_| {
        let request = app
            .client
            .post(app.url("/login"))
            .form(&[
                ("email", "anna@kommun.example"),
                ("password", "guess guess guess"),
                ("_csrf", &token),
            ])
            .send();
        async move { request.await.expect("login").status().as_u16() }
    });
    let statuses = futures_join_all(attempts).await;
    let checked = statuses.iter().filter(|&&s| s == 401).count();
    let refused = statuses.iter().filter(|&&s| s == 429).count();
    assert_eq!(checked + refused, 20, "{statuses:?}");
    assert!(
        checked <= 5,
        "{checked} passwords checked in parallel: {statuses:?}"
    );
}

/// Runs futures concurrently on the test's runtime.
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<u16>
where
    F: std::future::Future<Output = u16> + Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.expect("task"));
    }
    out
}

async fn an_expired_session_no_longer_signs_in(app: TestApp) {
    use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
    app.sign_in_as(Role::Admin).await;
    assert_eq!(app.get("/admin").await.status(), 200);
    for session in trygg::entities::session::Entity::find()
        .all(&app.db)
        .await
        .expect("sessions")
    {
        let mut expired = session.into_active_model();
        expired.expires_at = Set(trygg::util::now() - 1);
        expired.update(&app.db).await.expect("expire");
    }
    assert_eq!(app.get("/admin").await.status(), 303);
}

async fn a_next_that_leads_off_site_is_ignored(app: TestApp) {
    app.add_user("anna@kommun.example", Role::Admin, None).await;
    for next in [
        "//evil.example",
        "/\t/evil.example",
        "https://evil.example",
        "/\\evil.example",
    ] {
        let response = app
            .log_in(
                &app.other_browser(),
                "anna@kommun.example",
                PASSWORD,
                Some(next),
            )
            .await;
        assert_eq!(response.status(), 303, "{next:?}");
        assert_eq!(response.headers()["location"], "/admin", "{next:?}");
    }
}
