//! Staff administration (issue 11, part 4): accounts deactivated, given a new password or role and
//! signed out everywhere; the audit log in words with filters; an open wave's full address and QR
//! code; the warning while `public_url` is local; population totals per variable; grades checked
//! against the survey; code slips 18 to an A4 page; and confirmations after inviting.

use trygg::accounts::Role;
use trygg::collect::Access;

use crate::browser::in_ci;
use crate::db_tests;
use crate::form::location;
use crate::helpers::{PASSWORD, TestApp, spawn_app_with};
use crate::responses::create_wave;

db_tests!(
    a_deactivated_account_loses_its_session_and_cannot_sign_in_until_reactivated,
    the_last_active_admin_can_be_neither_deactivated_nor_demoted,
    a_new_password_follows_the_rules_and_signs_the_account_out_everywhere,
    a_role_change_needs_a_school_for_a_coordinator_and_takes_any_school_id_the_classes_file_takes,
    signing_out_everywhere_ends_every_session_of_the_account,
    the_audit_log_says_events_in_words_and_filters_by_wave_kind_person_and_date,
    the_audit_log_holds_no_code_and_no_address,
    population_totals_are_shown_per_variable_with_labels_and_totals,
    a_year_9_survey_refuses_a_class_of_year_7,
    inviting_confirms_how_many_addresses_were_added,
    the_wave_pages_name_the_survey_not_its_id,
);

async fn text(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

async fn user_id(app: &TestApp, email: &str) -> String {
    trygg::store::users::find_by_email(&app.db, email)
        .await
        .expect("query")
        .expect("user")
        .id
}

/// A second browser signed in as an existing account.
async fn signed_in_browser(app: &TestApp, email: &str) -> reqwest::Client {
    let other = app.other_browser();
    let response = app.log_in(&other, email, PASSWORD, None).await;
    assert_eq!(response.status(), 303, "sign in as {email}");
    other
}

async fn status_of(app: &TestApp, client: &reqwest::Client, path: &str) -> u16 {
    client
        .get(app.url(path))
        .send()
        .await
        .expect("GET")
        .status()
        .as_u16()
}

async fn a_deactivated_account_loses_its_session_and_cannot_sign_in_until_reactivated(
    app: TestApp,
) {
    app.sign_in_as(Role::Admin).await;
    app.add_user("utv@kommun.example", Role::Evaluator, None)
        .await;
    let evaluator = signed_in_browser(&app, "utv@kommun.example").await;
    assert_eq!(status_of(&app, &evaluator, "/evaluate").await, 200);
    let id = user_id(&app, "utv@kommun.example").await;
    let page = format!("/admin/users/{id}");
    let owner = trygg::store::users::find_by_id(&app.db, &id)
        .await
        .expect("query")
        .expect("account");
    let token = trygg::store::api_tokens::create(&app.db, &owner, "skript", 30, "test")
        .await
        .expect("token")
        .token;
    let me = |token: String| {
        app.other_browser()
            .get(app.url("/api/v1/me"))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(me(token.clone()).await.expect("GET").status(), 200);

    let response = app
        .post_form(&page, &format!("{page}/active"), &[("active", "false")])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), format!("{page}?done=deactivated"));
    assert_eq!(
        me(token.clone()).await.expect("GET").status(),
        401,
        "a deactivated account's API token opens nothing"
    );
    let (_, shown) = text(&app, &format!("{page}?done=deactivated")).await;
    assert!(shown.contains("Kontot är avstängt"), "{shown}");

    // The session that was open stops working at once: the next page asks for a login.
    assert_eq!(status_of(&app, &evaluator, "/evaluate").await, 303);
    let again = app.other_browser();
    let refused = app
        .log_in(&again, "utv@kommun.example", PASSWORD, None)
        .await;
    assert_eq!(refused.status(), 403);
    let body = refused.text().await.expect("body");
    assert!(body.contains("Kontot är avstängt"), "{body}");

    let response = app
        .post_form(&page, &format!("{page}/active"), &[("active", "true")])
        .await;
    assert_eq!(response.status(), 303);
    let back = app.other_browser();
    let response = app
        .log_in(&back, "utv@kommun.example", PASSWORD, None)
        .await;
    assert_eq!(response.status(), 303, "a reactivated account signs in");

    let (_, log) = text(&app, "/admin/audit?kind=user").await;
    assert!(
        log.contains("Stängde av kontot utv@kommun.example"),
        "{log}"
    );
    assert!(
        log.contains("Aktiverade kontot utv@kommun.example igen"),
        "{log}"
    );
}

async fn the_last_active_admin_can_be_neither_deactivated_nor_demoted(app: TestApp) {
    let me = app.sign_in_as(Role::Admin).await;
    let id = user_id(&app, &me).await;
    let page = format!("/admin/users/{id}");
    for (path, fields) in [
        (format!("{page}/active"), vec![("active", "false")]),
        (
            format!("{page}/role"),
            vec![("role", "evaluator"), ("school", "")],
        ),
    ] {
        let response = app.post_form(&page, &path, &fields).await;
        assert_eq!(response.status(), 422, "{path}");
        let body = response.text().await.expect("body");
        assert!(
            body.contains("Det här är den enda aktiva administratören"),
            "{body}"
        );
    }
    let account = trygg::store::users::find_by_id(&app.db, &id)
        .await
        .expect("query")
        .expect("account");
    assert_eq!(account.role, "admin");
    assert!(account.deactivated_at.is_none());

    // With a second admin the first may step down (and is signed out by the change).
    app.add_user("admin2@kommun.example", Role::Admin, None)
        .await;
    let response = app
        .post_form(
            &page,
            &format!("{page}/role"),
            &[("role", "evaluator"), ("school", "")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let account = trygg::store::users::find_by_id(&app.db, &id)
        .await
        .expect("query")
        .expect("account");
    assert_eq!(account.role, "evaluator");
}

async fn a_new_password_follows_the_rules_and_signs_the_account_out_everywhere(app: TestApp) {
    app.sign_in_as(Role::Admin).await;
    app.add_user("skola@kommun.example", Role::School, Some("ekbacken"))
        .await;
    let coordinator = signed_in_browser(&app, "skola@kommun.example").await;
    let id = user_id(&app, "skola@kommun.example").await;
    let page = format!("/admin/users/{id}");

    let weak = app
        .post_form(&page, &format!("{page}/password"), &[("password", "kort")])
        .await;
    assert_eq!(weak.status(), 422);
    let body = weak.text().await.expect("body");
    assert!(body.contains("error-summary"), "{body}");
    assert_eq!(status_of(&app, &coordinator, "/school").await, 200);

    let new_password = "blåsippor vid ekbackens gamla lada";
    let response = app
        .post_form(
            &page,
            &format!("{page}/password"),
            &[("password", new_password)],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (_, shown) = text(&app, &location(&response)).await;
    assert!(shown.contains("Lösenordet är bytt"), "{shown}");
    assert_eq!(status_of(&app, &coordinator, "/school").await, 303);
    let old = app
        .log_in(&app.other_browser(), "skola@kommun.example", PASSWORD, None)
        .await;
    assert_eq!(old.status(), 401);
    let new = app
        .log_in(
            &app.other_browser(),
            "skola@kommun.example",
            new_password,
            None,
        )
        .await;
    assert_eq!(new.status(), 303);
}

async fn a_role_change_needs_a_school_for_a_coordinator_and_takes_any_school_id_the_classes_file_takes(
    app: TestApp,
) {
    app.sign_in_as(Role::Admin).await;
    app.add_user("utv@kommun.example", Role::Evaluator, None)
        .await;
    let id = user_id(&app, "utv@kommun.example").await;
    let page = format!("/admin/users/{id}");

    let response = app
        .post_form(
            &page,
            &format!("{page}/role"),
            &[("role", "school"), ("school", " ")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.expect("body");
    assert!(
        body.contains("en skolsamordnare behöver en skola"),
        "{body}"
    );
    assert!(!body.contains("--school"), "no command-line words: {body}");
    // A school id such as the classes-per-school file takes (a space, Swedish letters).
    let school = "Östra skolan";
    assert!(
        trygg::collect::population::parse_school_classes(&format!("school,classes\n{school},3\n"))
            .is_ok()
    );
    let response = app
        .post_form(
            &page,
            &format!("{page}/role"),
            &[("role", "school"), ("school", school)],
        )
        .await;
    assert_eq!(response.status(), 303);
    let account = trygg::store::users::find_by_id(&app.db, &id)
        .await
        .expect("query")
        .expect("account");
    assert_eq!(
        (account.role.as_str(), account.school_id.as_deref()),
        ("school", Some(school))
    );
    // The new-account form takes it too.
    let response = app
        .post_form(
            "/admin/users",
            "/admin/users",
            &[
                ("email", "ny@kommun.example"),
                ("role", "school"),
                ("school", school),
                ("password", "blåsippor vid ekbackens gamla lada"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (_, list) = text(&app, &location(&response)).await;
    assert!(list.contains("Kontot är skapat"), "{list}");
    let english = app
        .post_form(
            &page,
            &format!("{page}/role?lang=en"),
            &[("role", "school"), ("school", "")],
        )
        .await
        .text()
        .await
        .expect("body");
    assert!(!english.contains("--school"), "{english}");
}

async fn signing_out_everywhere_ends_every_session_of_the_account(app: TestApp) {
    app.sign_in_as(Role::Admin).await;
    app.add_user("utv@kommun.example", Role::Evaluator, None)
        .await;
    let phone = signed_in_browser(&app, "utv@kommun.example").await;
    let laptop = signed_in_browser(&app, "utv@kommun.example").await;
    let id = user_id(&app, "utv@kommun.example").await;
    let page = format!("/admin/users/{id}");
    let response = app.post_form(&page, &format!("{page}/sign-out"), &[]).await;
    assert_eq!(response.status(), 303);
    let (_, shown) = text(&app, &location(&response)).await;
    assert!(shown.contains("Kontot är utloggat överallt"), "{shown}");
    for client in [&phone, &laptop] {
        assert_eq!(status_of(&app, client, "/evaluate").await, 303);
    }
    // The account itself still works.
    let response = app
        .log_in(&app.other_browser(), "utv@kommun.example", PASSWORD, None)
        .await;
    assert_eq!(response.status(), 303);
    // A forged post without the token changes nothing.
    let forged = app
        .client
        .post(app.url(&format!("{page}/sign-out")))
        .form(&[("x", "1")])
        .send()
        .await
        .expect("POST");
    assert_eq!(forged.status(), 403);
}

async fn the_audit_log_says_events_in_words_and_filters_by_wave_kind_person_and_date(app: TestApp) {
    let admin = app.sign_in_as(Role::Admin).await;
    let a = create_wave(&app, "resident-safety", "trygghet-a", Access::Open).await;
    let b = create_wave(&app, "staff-safety", "personal-b", Access::Open).await;
    for slug in ["trygghet-a", "personal-b"] {
        let page = format!("/admin/waves/{slug}");
        let response = app.post_form(&page, &format!("{page}/close"), &[]).await;
        assert_eq!(response.status(), 303);
    }
    app.add_user("utv@kommun.example", Role::Evaluator, None)
        .await;

    let (status, all) = text(&app, "/admin/audit").await;
    assert_eq!(status, 200);
    assert!(all.contains("Trygghetsundersökning"), "{all}");
    assert!(
        !all.contains(&a.id) && !all.contains(&b.id),
        "no wave ids: {all}"
    );
    assert!(!all.contains("wave.close"), "no raw event names: {all}");

    let (_, only_a) = text(&app, "/admin/audit?wave=trygghet-a").await;
    let rows_a = only_a.matches("<tr>").count() - 1;
    assert_eq!(rows_a, 2, "created and closed: {only_a}");
    assert!(only_a.contains("Stängde omgången"), "{only_a}");
    let stored_a = trygg::store::audit::page(
        &app.db,
        &trygg::store::audit::Filter {
            wave_id: Some(a.id.clone()),
            ..Default::default()
        },
        0,
        50,
    )
    .await
    .expect("query")
    .0;
    assert_eq!(stored_a.len(), 2);
    assert!(!only_a.contains("Stängde omgången Hot, våld"), "{only_a}");

    let (_, users) = text(&app, "/admin/audit?kind=user").await;
    assert_eq!(
        users.matches("<tr>").count() - 1,
        2,
        "two accounts created: {users}"
    );
    assert!(
        users.contains("Skapade kontot utv@kommun.example"),
        "{users}"
    );

    let (_, by_admin) = text(&app, &format!("/admin/audit?actor={admin}")).await;
    assert_eq!(
        by_admin.matches("<tr>").count() - 1,
        2,
        "the two closes: {by_admin}"
    );

    let (_, future) = text(&app, "/admin/audit?from=2099-01-01").await;
    assert!(
        future.contains("Inga händelser matchar urvalet"),
        "{future}"
    );
    let (status, bad) = text(&app, "/admin/audit?from=igår").await;
    assert_eq!(status, 200);
    assert!(bad.contains("ÅÅÅÅ-MM-DD"), "{bad}");

    let (_, english) = text(&app, "/admin/audit?wave=trygghet-a&lang=en").await;
    assert!(english.contains("Closed the wave"), "{english}");
}

async fn the_audit_log_holds_no_code_and_no_address(app: TestApp) {
    create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    create_wave(&app, "staff-safety", "personal-2026", Access::Invite).await;
    app.sign_in_as(Role::School).await;
    let (_, _, codes) = crate::class_sessions::open_and_print(&app, 5).await;
    assert_eq!(codes.len(), 5);

    let admin = app.other_browser();
    app.add_user("admin@kommun.example", Role::Admin, None)
        .await;
    assert_eq!(
        app.log_in(&admin, "admin@kommun.example", PASSWORD, None)
            .await
            .status(),
        303
    );
    let page = "/admin/waves/personal-2026/invitations";
    let html = admin
        .get(app.url(page))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let token = crate::helpers::csrf_in(&html).expect("token");
    let response = admin
        .post(app.url(page))
        .form(&[
            ("addresses", "anna.andersson@kommun.example"),
            ("_csrf", &token),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 303);

    let log = admin
        .get(app.url("/admin/audit"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(log.contains("Öppnade ett klasstillfälle"), "{log}");
    assert!(log.contains("Lade till 1 adress i"), "{log}");
    for code in &codes {
        assert!(!log.contains(code.as_str()), "a pupil code in the log");
    }
    assert!(
        !log.contains("anna.andersson"),
        "an invited address in the log"
    );
    let stored = trygg::store::audit::recent(&app.db, 100)
        .await
        .expect("query");
    for entry in stored {
        for code in &codes {
            assert!(!entry.detail.contains(code.as_str()));
        }
        assert!(!entry.detail.contains("anna.andersson"));
    }
}

async fn population_totals_are_shown_per_variable_with_labels_and_totals(app: TestApp) {
    create_wave(&app, "resident-safety", "trygghet-2026", Access::Open).await;
    app.sign_in_as(Role::Admin).await;
    let page = "/admin/waves/trygghet-2026";
    let csv = "gender,total\nf,10400\nm,9600\n";
    let response = app
        .post_form(page, &format!("{page}/population"), &[("csv", csv)])
        .await;
    assert_eq!(response.status(), 303);
    let (_, shown) = text(&app, &location(&response)).await;
    assert!(shown.contains("Befolkningstalen är sparade"), "{shown}");
    let nbsp = '\u{a0}';
    for figure in [
        format!("10{nbsp}400"),
        format!("9{nbsp}600"),
        format!("20{nbsp}000"),
    ] {
        assert!(shown.contains(&figure), "{figure} in {shown}");
    }
    assert!(
        shown.contains(">Kvinna<") || shown.contains(">Kvinnor<"),
        "labels, not codes: {shown}"
    );
    assert!(shown.contains("Totalt"), "{shown}");
    assert!(shown.contains("2 celler"), "{shown}");
}

async fn a_year_9_survey_refuses_a_class_of_year_7(app: TestApp) {
    create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    app.sign_in_as(Role::School).await;
    let response = open_class(&app, "7").await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.expect("body");
    assert!(
        body.contains(
            "Undersökningen är inte för årskurs 7. Den är för årskurs 9 och gymnasiet år 2."
        ),
        "{body}"
    );
    use sea_orm::{EntityTrait, PaginatorTrait};
    let sessions = trygg::entities::class_session::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(sessions, 0, "no session opened");
    assert_eq!(open_class(&app, "11").await.status(), 303);
}

async fn open_class(app: &TestApp, grade: &str) -> reqwest::Response {
    app.post_form(
        "/school",
        "/school/sessions",
        &[
            ("wave", "drogvanor-2026"),
            ("class_label", "7A"),
            ("grade", grade),
            ("pupils", "20"),
        ],
    )
    .await
}

async fn inviting_confirms_how_many_addresses_were_added(app: TestApp) {
    create_wave(&app, "staff-safety", "personal-2026", Access::Invite).await;
    app.sign_in_as(Role::Admin).await;
    let page = "/admin/waves/personal-2026/invitations";
    let response = app
        .post_form(page, page, &[("addresses", "a@kommun.example")])
        .await;
    assert_eq!(response.status(), 303);
    let (_, shown) = text(&app, &location(&response)).await;
    assert!(
        shown.contains("1 ny adress lades till. Inbjudningarna skickas nu."),
        "{shown}"
    );
    let response = app
        .post_form(
            page,
            page,
            &[(
                "addresses",
                "a@kommun.example\nb@kommun.example\nc@kommun.example",
            )],
        )
        .await;
    let (_, shown) = text(&app, &location(&response)).await;
    assert!(
        shown.contains("2 nya adresser lades till. Inbjudningarna skickas nu. 1 adress fanns redan och hoppades över."),
        "{shown}"
    );
    // The service's address is the default one: invitation links would be wrong.
    assert!(
        shown.contains("Tjänstens adress är inte inställd"),
        "{shown}"
    );
    assert!(shown.contains("TRYGG_PUBLIC_URL"), "{shown}");
}

async fn the_wave_pages_name_the_survey_not_its_id(app: TestApp) {
    create_wave(&app, "resident-safety", "trygghet-2026", Access::Open).await;
    app.sign_in_as(Role::Admin).await;
    let (_, list) = text(&app, "/admin/waves").await;
    assert!(list.contains("Trygghetsundersökning"), "{list}");
    assert!(!list.contains("resident-safety v1"), "{list}");
    let (_, wave) = text(&app, "/admin/waves/trygghet-2026").await;
    assert!(wave.contains("version 1"), "{wave}");
    assert!(!wave.contains(">resident-safety<"), "{wave}");
    let (_, admin) = text(&app, "/admin").await;
    assert!(admin.contains("1 konto."), "{admin}");
    assert!(!admin.contains(">residents<"), "{admin}");
}

/// An open wave's page and QR code carry the full address when `public_url` is set, and the
/// warning is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_wave_shows_its_full_address_and_a_downloadable_qr_code() {
    let app = spawn_app_with(crate::helpers::Backend::Sqlite, |s| {
        s.public_url = "https://trygg.kommun.example".to_owned();
    })
    .await
    .expect("SQLite");
    create_wave(&app, "resident-safety", "trygghet-2026", Access::Open).await;
    create_wave(&app, "staff-safety", "personal-2026", Access::Invite).await;
    app.sign_in_as(Role::Admin).await;
    let (_, page) = text(&app, "/admin/waves/trygghet-2026").await;
    assert!(
        page.contains("value=\"https://trygg.kommun.example/s/trygghet-2026\""),
        "{page}"
    );
    assert!(page.contains("<svg"), "the QR code inline: {page}");
    assert!(page.contains("/admin/waves/trygghet-2026/qr.svg"), "{page}");
    assert!(
        !page.contains("Tjänstens adress är inte inställd"),
        "{page}"
    );

    let response = app.get("/admin/waves/trygghet-2026/qr.svg").await;
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "image/svg+xml");
    assert_eq!(
        header("content-disposition"),
        "attachment; filename=\"trygghet-2026-qr.svg\""
    );
    let svg = response.text().await.expect("body");
    assert!(svg.starts_with("<?xml"), "{svg}");
    assert!(
        svg.contains("<svg") && svg.trim_end().ends_with("</svg>"),
        "{svg}"
    );
    assert!(svg.contains("<path") || svg.contains("<rect"), "{svg}");

    assert_eq!(
        app.get("/admin/waves/personal-2026/qr.svg").await.status(),
        404,
        "only open waves have one"
    );
    // Nobody but an admin gets it.
    let outsider = app.other_browser();
    let response = outsider
        .get(app.url("/admin/waves/trygghet-2026/qr.svg"))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 303);
}

/// With the default `public_url` the wave page and the code slips say that their address is
/// wrong and how to set it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_public_url_is_warned_about_where_addresses_are_printed() {
    let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite)
        .await
        .expect("SQLite");
    create_wave(&app, "resident-safety", "trygghet-2026", Access::Open).await;
    app.sign_in_as(Role::Admin).await;
    let (_, page) = text(&app, "/admin/waves/trygghet-2026").await;
    assert!(page.contains("Tjänstens adress är inte inställd"), "{page}");
    assert!(
        page.contains("TRYGG_PUBLIC_URL") && page.contains("trygg.toml"),
        "{page}"
    );
    let (_, english) = text(&app, "/admin/waves/trygghet-2026?lang=en").await;
    assert!(english.contains("address is not set"), "{english}");
}

/// Thirty codes print on two A4 pages (18 on the first), with only the slips: no site header,
/// menu, footer, explanations or buttons.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_code_slips_print_on_two_a4_pages_and_nothing_else() {
    if trygg::pdf::chromium().is_none() {
        assert!(!in_ci(), "CI is set but Chromium is not installed");
        eprintln!("SKIP: Chromium not found");
        return;
    }
    let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite)
        .await
        .expect("SQLite");
    create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    app.sign_in_as(Role::School).await;
    let (_, page, codes) = crate::class_sessions::open_and_print(&app, 30).await;
    assert_eq!(codes.len(), 30);
    // Printed as the browser prints it, with the stylesheet inline.
    let css = text(&app, "/static/trygg.css").await.1;
    let html = page.replace(
        "<link rel=\"stylesheet\" href=\"/static/trygg.css\">",
        &format!("<style>{css}</style>"),
    );
    assert!(html.contains("<style>"), "the stylesheet link was found");
    let pdf = trygg::pdf::print(&html).await.expect("PDF");
    let Some(pages) = pdf_pages(&pdf) else {
        assert!(!in_ci(), "CI is set but pdftotext is not installed");
        eprintln!("SKIP the page check: pdftotext not found");
        return;
    };
    let pages: Vec<&String> = pages.iter().filter(|p| !p.trim().is_empty()).collect();
    assert_eq!(pages.len(), 2, "{pages:?}");
    let on_first = codes
        .iter()
        .filter(|c| pages[0].contains(c.as_str()))
        .count();
    assert!(on_first >= 16, "{on_first} slips on the first page");
    assert_eq!(
        codes
            .iter()
            .filter(|c| pages.iter().any(|p| p.contains(c.as_str())))
            .count(),
        30,
        "every code printed whole"
    );
    for text in pages {
        for absent in [
            "Logga ut",
            "Skriv ut med webbläsarens",
            "Svaren är anonyma.",
            "Koderna visas bara nu",
            "Tjänstens adress",
        ] {
            assert!(!text.contains(absent), "{absent:?} printed: {text}");
        }
        assert!(
            text.contains("Drogvaneundersökning"),
            "the survey's title on the slips"
        );
        assert!(text.contains("/k"), "the address on the slips");
    }
}

/// The pages of a PDF as text, by `pdftotext`; `None` when it is not installed.
fn pdf_pages(pdf: &[u8]) -> Option<Vec<String>> {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("slips.pdf");
    std::fs::write(&file, pdf).expect("write");
    let output = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
        .ok()?;
    assert!(output.status.success(), "pdftotext failed");
    Some(
        String::from_utf8_lossy(&output.stdout)
            .split('\u{c}')
            .map(str::to_owned)
            .collect(),
    )
}

/// The new pages break no WCAG rule, in either language.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_and_audit_pages_are_axe_clean() {
    use crate::axe::assert_no_violations;
    use crate::browser::{app_and_browser, sign_in_as};
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    create_wave(&app, "resident-safety", "trygghet-2026", Access::Open).await;
    sign_in_as(
        &browser,
        &app,
        "admin@kommun.example",
        Role::Admin,
        "/admin/users",
    )
    .await;
    app.add_user("utv@kommun.example", Role::Evaluator, None)
        .await;
    let id = user_id(&app, "utv@kommun.example").await;
    trygg::store::users::set_active(&app.db, &id, false, "admin@kommun.example")
        .await
        .expect("deactivate");
    for (path, name) in [
        ("/admin/users".to_owned(), "the accounts"),
        (format!("/admin/users/{id}"), "one account"),
        ("/admin/audit".to_owned(), "the audit log"),
        (
            "/admin/audit?from=nej".to_owned(),
            "the audit log with a bad date",
        ),
        (
            "/admin/waves/trygghet-2026".to_owned(),
            "an open wave with its QR code",
        ),
        (
            format!("/admin/users/{id}?lang=en"),
            "one account in English",
        ),
        (
            "/admin/audit?lang=en".to_owned(),
            "the audit log in English",
        ),
    ] {
        browser.goto(&app.url(&path)).await;
        assert_no_violations(&browser, name).await;
    }
}
