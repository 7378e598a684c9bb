//! The public page for residents (`/trygghet`): no sign-in and nothing of the visitor's in the
//! answer (no cookie, cacheable), the agreement's areas with the published figures of the public
//! questionnaires only (never the staff survey's, never an open wave's), the citizen promises in
//! force, and the open resident wave's link.

use trygg::accounts::Role;
use trygg::collect::Access;

use crate::db_tests;
use crate::helpers::TestApp;
use crate::indicators::run;

async fn residents_see_what_they_said_what_was_promised_and_how_to_take_part(app: TestApp) {
    run(&app.database_url, &["demo"]);
    // An open resident wave with answers: its link is shown, its figures never.
    let catalog = trygg::survey::load_dir(&crate::helpers::surveys_dir()).expect("surveys");
    let mut new = trygg::collect::wave::NewWave::parse(
        &catalog,
        "resident-safety",
        "trygghet-2026",
        Access::Open.id(),
        None,
        None,
    )
    .expect("wave");
    new.period = 2026;
    trygg::store::waves::create(&app.db, &new, "test")
        .await
        .expect("create");
    for b in crate::responses::synth_bodies("resident-safety", 40, 3) {
        assert_eq!(
            crate::responses::post(&app, "trygghet-2026", &b).await.0,
            201
        );
    }

    let anonymous = app.other_browser();
    let response = anonymous
        .get(app.url("/trygghet"))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers().get("set-cookie").is_none(),
        "nothing of the visitor's: {:?}",
        response.headers()
    );
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("public, max-age=300")
    );
    let page = response.text().await.expect("page");
    // The agreement's areas, the public questionnaires' figures in plain words.
    for area in ["Ungdomar i riskzon", "Hot och våld"] {
        assert!(page.contains(area), "{area}: {page}");
    }
    assert!(
        page.contains("Andel som känner sig otrygga ute ensamma sent på kvällen"),
        "{page}"
    );
    assert!(
        page.contains("2025: ") && page.contains(", troligen mellan "),
        "{page}"
    );
    assert!(
        page.contains("<strong>Årskurs 9</strong>"),
        "the school survey per grade: {page}"
    );
    // Not the staff survey, not the open wave's figures.
    assert!(!page.contains("Andel som hotats i arbetet"), "{page}");
    assert!(
        !page.contains("Hot, våld och trakasserier i arbetet"),
        "{page}"
    );
    // A figure reads "2025: 28 %, troligen …": no such line for the open wave of 2026 (an
    // intervention's title may well say "2025–2026: …").
    assert!(
        !page
            .match_indices("2026: ")
            .any(|(at, m)| page[at + m.len()..].starts_with(|c: char| c.is_ascii_digit())),
        "an open wave publishes nothing: {page}"
    );
    // Per area the indicators the agreement names for residents come first, the rest one click
    // away (a `details` that needs no script).
    let outdoor = &page[page.find("id=\"area-outdoor-insecurity\"").expect("area")..];
    let more = outdoor
        .find("Fler resultat inom området")
        .expect("more results");
    let first = outdoor
        .find("Andel som känner sig otrygga ute ensamma sent på kvällen")
        .expect("unsafe_night first");
    assert!(first < more, "{outdoor}");
    // What is done: the interventions with a text for residents, with their status.
    assert!(page.contains("Det här gör vi och har gjort"), "{page}");
    assert!(
        page.contains("Klotter och skadegörelse som anmäls tas bort inom två dagar."),
        "{page}"
    );
    // How to take part: the open wave's link.
    assert!(page.contains("href=\"/s/trygghet-2026\""), "{page}");
    // The citizen promises in force today, from the agreement.
    let agreements = trygg::agreement::load_dir(&crate::helpers::agreements_dir(), &catalog)
        .expect("agreements");
    let today = trygg::local_time::stockholm_date(trygg::util::now()).expect("today");
    if let Some(agreement) = agreements.in_force_on(today) {
        for promise in agreement.promises_on(today) {
            assert!(
                page.contains(&promise.title.sv),
                "{}: {page}",
                promise.title.sv
            );
        }
        // How the promise has gone so far, year by year, as the evaluators followed it up.
        if agreement
            .promises_on(today)
            .any(|p| p.id == "unga-2025-2026")
        {
            assert!(page.contains("Så har det gått"), "{page}");
            assert!(
                page.contains(
                    "<strong>Hållet 2025.</strong> Fritidsgårdarna höll öppet 91 av 96 kvällar"
                ),
                "{page}"
            );
        }
    }
    // In English.
    let english = anonymous
        .get(app.url("/trygghet?lang=en"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("page");
    assert!(english.contains("What you told us"), "{english}");
    assert!(english.contains("most likely between"), "{english}");
    // A signed-in member of staff sees their name in the header: not for shared caches.
    app.sign_in_as(Role::Evaluator).await;
    let signed_in = app.get("/trygghet").await;
    assert_eq!(
        signed_in
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
}

async fn the_thank_you_page_of_a_public_survey_says_where_the_answers_go(app: TestApp) {
    crate::responses::create_wave(&app, "resident-safety", "trygghet-tack", Access::Open).await;
    crate::responses::create_wave(&app, "staff-safety", "personal-tack", Access::Invite).await;
    let residents = app
        .get("/s/trygghet-tack/tack")
        .await
        .text()
        .await
        .expect("page");
    assert!(residents.contains("href=\"/trygghet\""), "{residents}");
    // The staff survey's figures are not on the public page: no link there.
    let staff = app
        .get("/s/personal-tack/tack")
        .await
        .text()
        .await
        .expect("page");
    assert!(staff.contains("Tack för dina svar!"), "{staff}");
    assert!(!staff.contains("href=\"/trygghet\""), "{staff}");
}

db_tests!(
    residents_see_what_they_said_what_was_promised_and_how_to_take_part,
    the_thank_you_page_of_a_public_survey_says_where_the_answers_go,
);

/// `/trygghet` with the demo's figures: axe-clean in both languages, and at 320 px nothing
/// scrolls sideways (WCAG 1.4.10).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_page_breaks_no_wcag_rule_and_reflows_at_320_px() {
    let Some((app, browser)) = crate::browser::app_and_browser().await else {
        return;
    };
    run(&app.database_url, &["demo"]);
    for (path, page) in [
        ("/trygghet", "public page"),
        ("/trygghet?lang=en", "public page in English"),
    ] {
        browser.goto(&app.url(path)).await;
        crate::axe::assert_no_violations(&browser, page).await;
    }
    browser.emulate_width(320).await;
    for path in ["/trygghet?lang=sv", "/trygghet?lang=en"] {
        browser.goto(&app.url(path)).await;
        assert_eq!(browser.sideways_overflow().await, 0, "{path}");
    }
}
