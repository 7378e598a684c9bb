//! Personal API tokens: made on the account page (shown once) or with `trygg token create`,
//! accepted as `Authorization: Bearer` on the signed-in `/api/v1` routes only, refused with 401
//! and a Bearer challenge when wrong, expired or revoked, stored only as a hash, audit-logged.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;
use trygg::accounts::Role;
use trygg::entities::{api_token, audit_log, user};

use crate::cli::trygg;
use crate::db_tests;
use crate::helpers::{TestApp, browser, surveys_dir};

db_tests!(
    a_token_made_on_the_account_page_is_shown_once_and_opens_the_api,
    wrong_revoked_and_expired_tokens_get_401_with_a_bearer_challenge,
    a_token_opens_no_pages_and_overrides_no_cookie,
    school_accounts_cannot_have_tokens,
    bad_token_forms_name_the_field_and_store_nothing,
    tokens_are_scripted_from_the_command_line,
);

/// The token in a page that shows one (`trygg_` and 64 hex digits).
fn token_in(html: &str) -> Option<String> {
    let start = html.find("trygg_")?;
    let token: String = html[start..].chars().take(6 + 64).collect();
    token[6..]
        .bytes()
        .all(|b| b.is_ascii_hexdigit())
        .then_some(token)
        .filter(|t| t.len() == 70)
}

async fn me(app: &TestApp, token: &str) -> reqwest::Response {
    browser()
        .get(app.url("/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET /api/v1/me")
}

/// Signs in as an evaluator and makes a token on the account page.
async fn token_from_page(app: &TestApp, name: &str) -> String {
    app.sign_in_as(Role::Evaluator).await;
    let response = app
        .post_form(
            "/account",
            "/account/tokens",
            &[("name", name), ("days", "30")],
        )
        .await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.expect("body");
    token_in(&page).unwrap_or_else(|| panic!("no token on the page: {page}"))
}

async fn tokens(app: &TestApp) -> Vec<api_token::Model> {
    api_token::Entity::find()
        .all(&app.db)
        .await
        .expect("tokens")
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String, String)> {
    audit_log::Entity::find()
        .all(&app.db)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| (e.actor, e.action, e.detail))
        .collect()
}

fn assert_refused(status: u16, challenge: Option<&str>, body: &Value, what: &str) {
    assert_eq!(status, 401, "{what}: {body}");
    let challenge = challenge.unwrap_or_default();
    assert!(
        challenge.starts_with("Bearer") && challenge.contains("invalid_token"),
        "{what}: WWW-Authenticate {challenge:?}"
    );
    assert_eq!(
        body["error"], "the API token is unknown, expired or revoked",
        "{what}"
    );
}

async fn refused(app: &TestApp, token: &str, what: &str) {
    let response = me(app, token).await;
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body: Value = response.json().await.expect("JSON error");
    assert_refused(status, challenge.as_deref(), &body, what);
}

async fn a_token_made_on_the_account_page_is_shown_once_and_opens_the_api(app: TestApp) {
    let before = chrono::Utc::now().timestamp();
    let token = token_from_page(&app, "R-skript").await;

    // Shown once: the account page lists the token by name, never the token itself.
    let again = app.get("/account").await.text().await.expect("body");
    assert!(again.contains("R-skript"), "{again}");
    assert!(!again.contains(&token), "the token is shown again");
    assert_eq!(token_in(&again), None);

    // A script without cookies uses it.
    let response = me(&app, &token).await;
    assert_eq!(response.status(), 200);
    assert!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"))
    );
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["email"], "evaluator@kommun.example");
    assert_eq!(body["role"], "evaluator");
    assert_eq!(body["via"], "token");
    let expires =
        chrono::DateTime::parse_from_rfc3339(body["token_expires_at"].as_str().expect("an expiry"))
            .expect("RFC 3339")
            .timestamp();
    assert!(
        (before + 30 * 86_400..=before + 30 * 86_400 + 120).contains(&expires),
        "expires {expires}, made at {before}"
    );

    // The browser's session still works, and says so.
    let response = app.get("/api/v1/me").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["via"], "session");
    assert_eq!(body["token_expires_at"], Value::Null);

    // Only the hash is stored; the day of use is noted as a date.
    let rows = tokens(&app).await;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.token_hash, trygg::util::sha256_hex(&token));
    assert_eq!(row.name, "R-skript");
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(row.last_used_on.as_deref(), Some(today.as_str()));
    let secret = &token[6..];
    for field in [&row.id, &row.user_id, &row.name, &row.token_hash] {
        assert!(!field.contains(secret), "{field}");
    }
    if !app.is_postgres() {
        // Not in any page of the SQLite file or its write-ahead log either.
        let path = app
            .database_url
            .trim_start_matches("sqlite://")
            .split('?')
            .next()
            .expect("path")
            .to_owned();
        for file in [path.clone(), format!("{path}-wal")] {
            if let Ok(bytes) = std::fs::read(&file) {
                assert!(
                    !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                    "the token is in {file}"
                );
            }
        }
    }

    // The page shows when it was last used, and the making is in the audit log.
    let page = app
        .get("/account?lang=en")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains(&today) && page.contains("Valid"), "{page}");
    let audit = audit_actions(&app).await;
    assert!(
        audit.iter().any(
            |(actor, action, detail)| actor == "evaluator@kommun.example"
                && action == "api_token.create"
                && detail.contains("R-skript")
                && !detail.contains(secret)
        ),
        "{audit:?}"
    );
}

async fn wrong_revoked_and_expired_tokens_get_401_with_a_bearer_challenge(app: TestApp) {
    let token = token_from_page(&app, "first").await;
    assert_eq!(me(&app, &token).await.status(), 200);

    // Wrong: one digit changed, malformed, another scheme, empty.
    let last = token.chars().last().expect("digit");
    let wrong = format!(
        "{}{}",
        &token[..token.len() - 1],
        if last == '0' { '1' } else { '0' }
    );
    refused(&app, &wrong, "a changed digit").await;
    refused(&app, "trygg_abc", "too short").await;
    refused(&app, &token.to_uppercase(), "upper case").await;
    refused(&app, "", "empty").await;
    // Without a token, the challenge has no error.
    let response = browser()
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 401);
    assert_eq!(
        response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer realm=\"trygg\"")
    );

    // Expired: the time has passed (set through the database).
    let second = {
        let response = app
            .post_form(
                "/account",
                "/account/tokens",
                &[("name", "second"), ("days", "90")],
            )
            .await;
        token_in(&response.text().await.expect("body")).expect("token")
    };
    assert_eq!(me(&app, &second).await.status(), 200);
    let row = api_token::Entity::find()
        .filter(api_token::Column::Name.eq("second"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("row");
    let mut expired: api_token::ActiveModel = row.into();
    expired.expires_at = Set(chrono::Utc::now().timestamp() - 1);
    expired.update(&app.db).await.expect("update");
    refused(&app, &second, "expired").await;
    let page = app
        .get("/account?lang=en")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("Expired"), "{page}");

    // Revoked on the account page: the form is there for the valid token only.
    let row = api_token::Entity::find()
        .filter(api_token::Column::Name.eq("first"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("row");
    assert!(page.contains(&format!("/account/tokens/{}/revoke", row.id)));
    let response = app
        .post_form(
            "/account",
            &format!("/account/tokens/{}/revoke", row.id),
            &[],
        )
        .await;
    assert_eq!(response.status(), 303);
    let page = app
        .get("/account?revoked=1&lang=en")
        .await
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("The token has been revoked.") && page.contains("Revoked"),
        "{page}"
    );
    refused(&app, &token, "revoked").await;
    // Revoking it again, or a token that is not one's own, finds nothing.
    let again = app
        .post_form(
            "/account",
            &format!("/account/tokens/{}/revoke", row.id),
            &[],
        )
        .await;
    assert_eq!(again.status(), 404);
    let audit = audit_actions(&app).await;
    let revocations: Vec<_> = audit
        .iter()
        .filter(|(_, action, _)| action == "api_token.revoke")
        .collect();
    assert_eq!(revocations.len(), 1, "{audit:?}");
    assert!(revocations[0].2.contains("first"));
}

async fn a_token_opens_no_pages_and_overrides_no_cookie(app: TestApp) {
    let token = token_from_page(&app, "pages").await;
    for page in ["/account", "/evaluate", "/admin"] {
        let response = browser()
            .get(app.url(page))
            .bearer_auth(&token)
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), 303, "{page}");
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(location.starts_with("/login"), "{page}: {location}");
    }
    // A browser that is signed in but sends a wrong token is judged by the token alone.
    let response = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth("trygg_0000")
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 401);
    // A token on the public submission route changes nothing there (still the contract's 404).
    let response = browser()
        .post(app.url("/api/v1/waves/no-such-wave/responses"))
        .bearer_auth("trygg_0000")
        .json(&serde_json::json!({"submission_id": uuid::Uuid::new_v4(), "answers": {}}))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 404);
}

async fn school_accounts_cannot_have_tokens(app: TestApp) {
    app.sign_in_as(Role::School).await;
    let page = app
        .get("/account?lang=en")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("school@kommun.example"), "{page}");
    assert!(page.contains("Your account does not need one."), "{page}");
    assert!(!page.contains("action=\"/account/tokens\""), "{page}");
    let response = app
        .post_form(
            "/account",
            "/account/tokens",
            &[("name", "mine"), ("days", "30")],
        )
        .await;
    assert_eq!(response.status(), 403);
    assert!(tokens(&app).await.is_empty());

    // Nor from the command line.
    let output = trygg()
        .args([
            "token",
            "create",
            "--email",
            "school@kommun.example",
            "--name",
            "x",
        ])
        .arg("--database")
        .arg(&app.database_url)
        .arg("--surveys")
        .arg(surveys_dir())
        .output()
        .expect("run");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("only evaluators and administrators can have API tokens"),
        "{stderr}"
    );
    assert!(tokens(&app).await.is_empty());

    // An evaluator who becomes a school coordinator cannot use the tokens made before.
    app.add_user("analys@kommun.example", Role::Evaluator, None)
        .await;
    let created = run(
        &app,
        &[
            "token",
            "create",
            "--email",
            "analys@kommun.example",
            "--name",
            "ci",
        ],
    );
    assert!(created.0, "{}", created.2);
    let token = created.1.trim().to_owned();
    assert_eq!(me(&app, &token).await.status(), 200);
    let account = user::Entity::find()
        .filter(user::Column::Email.eq("analys@kommun.example"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("user");
    let mut changed: user::ActiveModel = account.into();
    changed.role = Set("school".to_owned());
    changed.school_id = Set(Some("skola-2".to_owned()));
    changed.update(&app.db).await.expect("update");
    refused(&app, &token, "the user is a school coordinator now").await;
}

async fn bad_token_forms_name_the_field_and_store_nothing(app: TestApp) {
    app.sign_in_as(Role::Admin).await;
    let long = "n".repeat(101);
    let cases: [(&str, &str, &str); 4] = [
        ("", "90", "ge nyckeln ett namn"),
        ("  ", "90", "ge nyckeln ett namn"),
        (&long, "90", "namnet är 101 tecken långt"),
        (
            "ok",
            "31",
            "välj en giltighetstid på 30, 90 eller 365 dagar, inte ”31”",
        ),
    ];
    for (name, days, message) in cases {
        let response = app
            .post_form(
                "/account",
                "/account/tokens",
                &[("name", name), ("days", days)],
            )
            .await;
        assert_eq!(response.status(), 422, "{name:?} {days}");
        let page = response.text().await.expect("body");
        assert!(page.contains(message), "{message}: {page}");
        assert!(page.contains("<title>Fel: "), "{page}");
        assert_eq!(token_in(&page), None);
    }
    let response = app
        .post_form(
            "/account?lang=en",
            "/account/tokens",
            &[("name", "ok"), ("days", "seven")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.expect("body");
    assert!(
        page.contains("choose a lifetime of 30, 90 or 365 days, not “seven”"),
        "{page}"
    );
    assert!(tokens(&app).await.is_empty());
    assert!(
        !audit_actions(&app)
            .await
            .iter()
            .any(|(_, action, _)| action.starts_with("api_token"))
    );
}

fn run(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let output = trygg()
        .args(args)
        .arg("--database")
        .arg(&app.database_url)
        .arg("--surveys")
        .arg(surveys_dir())
        .output()
        .expect("run trygg");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn tokens_are_scripted_from_the_command_line(app: TestApp) {
    app.add_user("admin@kommun.example", Role::Admin, None)
        .await;
    let (ok, stdout, stderr) = run(
        &app,
        &[
            "token",
            "create",
            "--email",
            "Admin@Kommun.example",
            "--name",
            "CI",
            "--days",
            "7",
        ],
    );
    assert!(ok, "{stderr}");
    let token = stdout.trim().to_owned();
    assert_eq!(
        token_in(&token).as_deref(),
        Some(token.as_str()),
        "{stdout}"
    );
    assert!(stderr.contains("shown only now"), "{stderr}");
    let body: Value = me(&app, &token).await.json().await.expect("JSON");
    assert_eq!(body["role"], "admin");
    assert_eq!(body["via"], "token");
    assert!(
        audit_actions(&app)
            .await
            .iter()
            .any(|(actor, action, _)| actor == "cli" && action == "api_token.create")
    );

    // Bad arguments name the flag and store nothing.
    for (args, message) in [
        (
            vec![
                "--email",
                "admin@kommun.example",
                "--name",
                "x",
                "--days",
                "0",
            ],
            "--days: “0” is not a lifetime in days",
        ),
        (
            vec![
                "--email",
                "admin@kommun.example",
                "--name",
                "x",
                "--days",
                "366",
            ],
            "--days: “366” is not a lifetime in days",
        ),
        (
            vec!["--email", "nobody@kommun.example", "--name", "x"],
            "--email: there is no account nobody@kommun.example",
        ),
        (
            vec!["--email", "admin@kommun.example", "--name", " "],
            "--name: give the token a name",
        ),
    ] {
        let mut all = vec!["token", "create"];
        all.extend(args);
        let (ok, stdout, stderr) = run(&app, &all);
        assert!(!ok && stdout.is_empty(), "{all:?}: {stdout}");
        assert!(stderr.contains(message), "{all:?}: {stderr}");
    }
    assert_eq!(tokens(&app).await.len(), 1);

    // Revoked by name; a name with no token in use is an error.
    let (ok, stdout, stderr) = run(
        &app,
        &[
            "token",
            "revoke",
            "--email",
            "admin@kommun.example",
            "--name",
            "CI",
        ],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("revoked 1 token \"CI\""), "{stdout}");
    refused(&app, &token, "revoked from the command line").await;
    let (ok, _, stderr) = run(
        &app,
        &[
            "token",
            "revoke",
            "--email",
            "admin@kommun.example",
            "--name",
            "CI",
        ],
    );
    assert!(!ok);
    assert!(
        stderr.contains("has no token in use named \"CI\""),
        "{stderr}"
    );
}

/// The account page in headless Chromium: without tokens, with a token just made (the field and
/// the curl example), after a refused form, and in English; axe-core finds no WCAG 2.1 A/AA
/// violation. SQLite only: the database plays no part here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_page_passes_axe_with_a_fresh_token_and_with_errors() {
    use crate::axe::assert_no_violations;
    use crate::browser::app_and_browser;

    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    crate::browser::sign_in_as(
        &browser,
        &app,
        "analys@kommun.example",
        Role::Evaluator,
        "/account",
    )
    .await;
    assert_eq!(browser.current_url().await, app.url("/account"));
    let link = browser.find("header a[href='/account']").await;
    assert_eq!(link.text().await, "Mitt konto");
    assert_no_violations(&browser, "account page without tokens").await;

    browser.find("#name").await.send_keys("R-skript").await;
    let create = browser
        .find("main form[action='/account/tokens'] button")
        .await;
    browser.navigate_by(create.click()).await;
    let field = browser.find("#fresh-token").await;
    let token = field.property("value").await;
    let token = token.as_str().expect("a value");
    assert_eq!(token_in(token).as_deref(), Some(token));
    assert!(
        browser
            .page_source()
            .await
            .contains("Authorization: Bearer trygg_")
    );
    assert_no_violations(&browser, "account page with a fresh token").await;

    // An empty name, past the browser's own check of the required field.
    browser
        .execute(
            "document.querySelector('#name').removeAttribute('required');",
            &[],
        )
        .await;
    let create = browser
        .find("main form[action='/account/tokens'] button")
        .await;
    browser.navigate_by(create.click()).await;
    assert!(browser.title().await.starts_with("Fel: "));
    assert!(browser.try_find("#fresh-token").await.is_none());
    assert_no_violations(&browser, "account page with an error").await;

    browser.goto(&app.url("/account?lang=en")).await;
    assert!(browser.page_source().await.contains("R-skript"));
    assert_no_violations(&browser, "account page in English").await;
}
