//! Every input bounded, every refusal clear: weak passwords, population totals that would
//! overflow, problem lists that grow with the input, bodies that cannot be read (400, 413, 415,
//! in the API's JSON or on trygg's error page, always with the security headers) and address
//! lists pasted from Outlook or Excel, up to the 50,000-address limit.

use std::collections::BTreeMap;

use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::Value;
use trygg::accounts::Role;
use trygg::collect::Access;
use trygg::collect::population::PopulationCell;
use trygg::entities::{invitation, user};

use crate::db_tests;
use crate::helpers::{TestApp, csrf_in};
use crate::responses::{create_wave, create_wave_opening};

db_tests!(
    weak_passwords_are_refused_with_advice_in_the_visitors_language,
    weak_passwords_are_refused_by_the_command_line,
    population_totals_are_bounded_and_their_sum_never_wraps,
    problem_lists_show_a_hundred_and_count_the_rest,
    unreadable_bodies_get_trygg_errors_with_the_security_headers,
    fifty_thousand_pasted_addresses_are_invited_and_one_more_is_refused,
);

const NBSP: char = '\u{a0}';

fn assert_secured(response: &reqwest::Response, case: &str) {
    let headers = response.headers();
    let csp = headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(csp.contains("default-src 'none'"), "{case}: CSP `{csp}`");
    assert_eq!(headers["x-content-type-options"], "nosniff", "{case}");
    assert_eq!(headers["referrer-policy"], "no-referrer", "{case}");
}

/// The messages shown at an input, from its `{field}-error` block.
fn field_errors(html: &str, field: &str) -> String {
    let marker = format!("id=\"{field}-error\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {marker}: {html}"));
    let end = html[start..]
        .find("</div>")
        .map_or(html.len(), |e| start + e);
    html[start..end].to_owned()
}

async fn weak_passwords_are_refused_with_advice_in_the_visitors_language(app: TestApp) {
    app.sign_in_as(Role::Admin).await;
    let cases = [
        (
            "twelve spaces",
            " ".repeat(12),
            "bara mellanslag",
            "only spaces",
        ),
        (
            "twelve NULs",
            "\0".repeat(12),
            "kontrolltecken",
            "control character",
        ),
        (
            "repeated",
            "aaaaaaaaaaaaaaaa".to_owned(),
            "Upprepningar som ”aaa”",
            "Repeats like “aaa”",
        ),
        (
            "common",
            "password1234".to_owned(),
            "för lätt att gissa",
            "too easy to guess",
        ),
        (
            "the address itself",
            "ny.utvarderare@kommun.example".to_owned(),
            "inte innehålla e-postadressen",
            "must not contain the e-mail address",
        ),
    ];
    for (case, password, sv, en) in &cases {
        for (path, expected) in [("/admin/users?lang=sv", sv), ("/admin/users?lang=en", en)] {
            let fields = [
                ("email", "ny.utvarderare@kommun.example"),
                ("role", "evaluator"),
                ("password", password.as_str()),
            ];
            let response = app.post_form("/admin/users", path, &fields).await;
            assert_eq!(response.status(), 422, "{case}");
            let html = response.text().await.expect("body");
            let shown = field_errors(&html, "password");
            assert!(shown.contains(*expected), "{case}: {shown}");
            assert!(
                html.contains("href=\"#password\""),
                "{case}: the summary links to it"
            );
        }
    }
    // The Swedish page shows none of zxcvbn's English.
    let response = app
        .post_form(
            "/admin/users",
            "/admin/users?lang=sv",
            &[
                ("email", "ny@kommun.example"),
                ("role", "evaluator"),
                ("password", "qwertyuiopas"),
            ],
        )
        .await;
    let html = response.text().await.expect("body");
    assert!(!field_errors(&html, "password").contains("guess"), "{html}");
    assert_eq!(user::Entity::find().count(&app.db).await.expect("count"), 1);

    let strong = app
        .post_form(
            "/admin/users",
            "/admin/users",
            &[
                ("email", "ny.utvarderare@kommun.example"),
                ("role", "evaluator"),
                ("password", "granskog vid ljusnans strand"),
            ],
        )
        .await;
    assert_eq!(strong.status(), 303);
    assert_eq!(user::Entity::find().count(&app.db).await.expect("count"), 2);
}

async fn weak_passwords_are_refused_by_the_command_line(app: TestApp) {
    let args = ["--email", "chef@kommun.example", "--role", "admin"];
    let cases = [
        (" ".repeat(12), "must not be only spaces"),
        ("\0".repeat(12), "control character"),
        ("abcabcabcabc".to_owned(), "too easy to guess"),
        (
            "chef@kommun.example".to_owned(),
            "must not contain the e-mail",
        ),
    ];
    for (password, expected) in cases {
        let output = crate::cli::user_add(&app.database_url, &args, &password);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{password:?}: {stderr}");
        assert!(stderr.contains(expected), "{password:?}: {stderr}");
    }
    assert_eq!(user::Entity::find().count(&app.db).await.expect("count"), 0);
}

async fn population_totals_are_bounded_and_their_sum_never_wraps(app: TestApp) {
    app.sign_in_as(Role::Admin).await;
    let wave = create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    let page = "/admin/waves/trygg-2026";
    let app = &app;
    let upload = |csv: String| async move {
        app.post_form(page, &format!("{page}/population"), &[("csv", &csv)])
            .await
    };
    let refused = upload("age_band,total\n25-34,9223372036854775807\n".to_owned()).await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("body");
    let expected =
        format!("rad 2: total &quot;9223372036854775807&quot; är större än 100{NBSP}000{NBSP}000");
    assert!(html.contains(&expected), "{html}");

    // Swedish Excel: a byte-order mark, semicolons, quotes, CRLF and grouped digits.
    let excel = "\u{feff}\"age_band\";\"gender\";\"total\"\r\n25-34;f;\"1 200\"\r\n25-34;m;800\r\n";
    let saved = upload(excel.to_owned()).await;
    assert_eq!(saved.status(), 303);
    let html = app.get(page).await.text().await.expect("body");
    assert!(
        html.contains(&format!("2 celler, sammanlagt 2{NBSP}000 personer")),
        "{html}"
    );

    // Rows stored before totals were bounded still sum correctly.
    let cell = |code: &str| PopulationCell {
        cell: BTreeMap::from([("age_band".to_owned(), code.to_owned())]),
        total: i64::MAX,
    };
    trygg::store::population::replace_totals(
        &app.db,
        &wave.id,
        &[cell("25-34"), cell("35-44")],
        "test",
    )
    .await
    .expect("store");
    let html = app.get(page).await.text().await.expect("body");
    let sum = "18 446 744 073 709 551 614".replace(' ', &NBSP.to_string());
    assert!(
        html.contains(&format!("sammanlagt {sum} personer")),
        "{html}"
    );
}

async fn problem_lists_show_a_hundred_and_count_the_rest(app: TestApp) {
    app.sign_in_as(Role::Admin).await;
    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    let more = format!("… och 99{NBSP}900 fel till");

    // The API: 100,000 unknown answer keys.
    let mut answers =
        String::from(r#"{"age_band":"25-34","gender":"f","district":"centrum","out_evening":"1""#);
    for i in 0..100_000 {
        answers.push_str(&format!(r#","x{i:06}":1"#));
    }
    let body = format!(
        r#"{{"submission_id":"{}","language":"sv","answers":{answers}}}}}"#,
        uuid::Uuid::new_v4()
    );
    let started = std::time::Instant::now();
    let response = app
        .client
        .post(app.url("/api/v1/waves/trygg-2026/responses"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 422);
    let text = response.text().await.expect("body");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert!(text.len() < 20_000, "{} bytes", text.len());
    let reply: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(reply["details"].as_array().map(Vec::len), Some(100));
    assert_eq!(reply["details"][0]["question"], "x000000");
    let error = reply["error"].as_str().unwrap_or_default();
    assert!(error.starts_with("100,000 answers do not fit"), "{error}");

    // A population CSV of duplicates.
    let mut csv = String::from("age_band,total\n");
    for _ in 0..100_001 {
        csv.push_str("25-34,5\n");
    }
    let page = "/admin/waves/trygg-2026";
    let response = app
        .post_form(page, &format!("{page}/population"), &[("csv", &csv)])
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("body");
    assert!(html.contains(&more), "{}", &html[..2000]);
    assert!(html.contains("rad 3: samma cell finns redan på rad 2"));
    // The pasted text comes back in the form; the problems add little to it.
    assert!(html.len() < csv.len() + 100_000, "{} bytes", html.len());

    // An address list of 100,000 pieces that are not addresses.
    create_wave(&app, "staff-safety", "personal-2026", Access::Invite).await;
    let invitations = "/admin/waves/personal-2026/invitations";
    let response = app
        .post_form(
            invitations,
            invitations,
            &[("addresses", &"x,".repeat(100_000))],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("body");
    assert!(
        html.contains("rad 1: &quot;x&quot; är inte en e-postadress"),
        "{html}"
    );
    assert!(html.contains(&more));
}

/// One unreadable request: its content type (if any), body, and what comes back.
struct Bad {
    case: &'static str,
    content_type: Option<&'static str>,
    body: String,
    status: u16,
    /// A text the answer must contain: (Swedish page, English page or the API's JSON).
    sv: &'static str,
    en: &'static str,
}

async fn send(client: &reqwest::Client, url: &str, bad: &Bad) -> reqwest::Response {
    let mut request = client.post(url).body(bad.body.clone());
    if let Some(content_type) = bad.content_type {
        request = request.header("content-type", content_type);
    }
    request.send().await.expect("POST")
}

async fn unreadable_bodies_get_trygg_errors_with_the_security_headers(app: TestApp) {
    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    let json = Some("application/json");
    let form = Some("application/x-www-form-urlencoded");
    let big = "a".repeat(3 * 1024 * 1024);

    let api = [
        Bad {
            case: "too large",
            content_type: json,
            body: big.clone(),
            status: 413,
            sv: "",
            en: "at most 2 MB",
        },
        Bad {
            case: "wrong type",
            content_type: Some("text/plain"),
            body: "{}".into(),
            status: 415,
            sv: "",
            en: "application/json",
        },
        Bad {
            case: "no type",
            content_type: None,
            body: "{}".into(),
            status: 415,
            sv: "",
            en: "application/json",
        },
        Bad {
            case: "malformed JSON",
            content_type: json,
            body: r#"{"submission_id": "#.into(),
            status: 400,
            sv: "",
            en: "not valid JSON",
        },
        Bad {
            case: "a form",
            content_type: form,
            body: "a=1&a=2".into(),
            status: 415,
            sv: "",
            en: "application/json",
        },
    ];
    let url = app.url("/api/v1/waves/trygg-2026/responses");
    for bad in &api {
        let response = send(&app.client, &url, bad).await;
        assert_eq!(response.status(), bad.status, "API {}", bad.case);
        assert_secured(&response, bad.case);
        let reply: Value = response.json().await.expect("a JSON error");
        let error = reply["error"].as_str().unwrap_or_default();
        assert!(error.contains(bad.en), "API {}: {reply}", bad.case);
    }

    let english = app.other_browser();
    english.get(app.url("/?lang=en")).send().await.expect("GET");
    for (client, lang) in [(&app.client, "sv"), (&english, "en")] {
        let login = client.get(app.url("/login")).send().await.expect("GET");
        let token = csrf_in(&login.text().await.expect("body")).expect("token");
        let pages = [
            Bad {
                case: "too large",
                content_type: form,
                body: format!("_csrf={token}&email={big}"),
                status: 413,
                sv: "högst 2 MB",
                en: "at most 2 MB",
            },
            Bad {
                case: "wrong type",
                content_type: Some("text/plain"),
                body: format!("_csrf={token}"),
                status: 415,
                sv: "Fel sorts innehåll",
                en: "The wrong kind of content",
            },
            Bad {
                case: "malformed JSON",
                content_type: json,
                body: "{\"email\": ".into(),
                status: 415,
                sv: "application/x-www-form-urlencoded",
                en: "application/x-www-form-urlencoded",
            },
            Bad {
                case: "malformed form",
                content_type: form,
                body: format!("_csrf={token}&email=a&email=b"),
                status: 400,
                sv: "Formuläret kunde inte läsas",
                en: "The form could not be read",
            },
        ];
        for bad in &pages {
            let response = send(client, &app.url("/login"), bad).await;
            assert_eq!(response.status(), bad.status, "{lang} page {}", bad.case);
            assert_secured(&response, bad.case);
            let html = response.text().await.expect("body");
            let expected = if lang == "sv" { bad.sv } else { bad.en };
            assert!(
                html.contains(&format!("<html lang=\"{lang}\"")),
                "{}",
                bad.case
            );
            assert!(html.contains(expected), "{lang} page {}: {html}", bad.case);
        }
    }
    // axum's own refusals too: a method the route does not have.
    let put = app.client.put(app.url("/login")).send().await.expect("PUT");
    assert_eq!(put.status(), 405);
    assert_secured(&put, "405");
    assert!(put.headers().contains_key("allow"));
    assert!(
        put.text()
            .await
            .expect("body")
            .contains("<html lang=\"sv\"")
    );
}

async fn fifty_thousand_pasted_addresses_are_invited_and_one_more_is_refused(app: TestApp) {
    app.sign_in_as(Role::Admin).await;
    // Opening in the future: nothing is sent while the test runs.
    create_wave_opening(
        &app,
        "staff-safety",
        "personal-2099",
        Access::Invite,
        Some("2099-01-01"),
    )
    .await;
    let invited = || async {
        invitation::Entity::find()
            .count(&app.db)
            .await
            .expect("count")
    };
    let list = |n: usize| {
        (0..n)
            .map(|i| format!("fornamn.efternamn{i}@forvaltning.kommun.se"))
            .collect::<Vec<_>>()
            .join("\r\n")
    };
    let page = "/admin/waves/personal-2099/invitations";
    let too_many = app
        .post_form(page, page, &[("addresses", &list(50_001))])
        .await;
    assert_eq!(too_many.status(), 422);
    let html = too_many.text().await.expect("body");
    let expected = format!("50{NBSP}001 olika adresser; högst 50{NBSP}000 per uppladdning");
    assert!(
        html.contains(&expected),
        "{}",
        &html[..3000.min(html.len())]
    );
    assert_eq!(invited().await, 0);

    let accepted = app
        .post_form(page, page, &[("addresses", &list(50_000))])
        .await;
    assert_eq!(accepted.status(), 303);
    assert_eq!(invited().await, 50_000);

    // Outlook's way, with a name holding a comma.
    let outlook = "\"Svensson, Anna\" <anna@kommun.example>; Bo Ek <bo@kommun.example>";
    let response = app.post_form(page, page, &[("addresses", outlook)]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(invited().await, 50_002);
}
