//! The action plan in headless Chromium: the overview, an intervention page and the forms with
//! errors break no WCAG 2.1 A/AA rule (axe) in Swedish and English, and an evaluator creates an
//! intervention with the keyboard alone, through a refusal and its error summary.

use trygg::accounts::Role;

use crate::axe::assert_no_violations;
use crate::browser::{Browser, app_and_browser, keys, sign_in_as, tab_until};
use crate::helpers::TestApp;
use crate::indicators::run;

/// Presses Tab until `css` has the focus, or fails with where the focus went.
async fn focus(browser: &Browser, css: &str, max_tabs: usize) {
    tab_until(browser, css, max_tabs)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Submits the form on the page by clicking its submit button; waits for the answer.
async fn submit(browser: &Browser) {
    let button = browser.find("main form.stack button[type=submit]").await;
    browser.navigate_by(button.click()).await;
}

/// The app (with the demo's data when `demo`) and a browser signed in as an evaluator, on the
/// plan's overview; `None` when browser tests are skipped.
async fn evaluator_on_the_plan(demo: bool) -> Option<(TestApp, Browser)> {
    let (app, browser) = app_and_browser().await?;
    if demo {
        run(&app.database_url, &["demo"]);
    }
    let (email, path) = ("analys@kommun.example", "/evaluate/plan");
    sign_in_as(&browser, &app, email, Role::Evaluator, path).await;
    Some((app, browser))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_pages_break_no_wcag_rule() {
    let Some((app, browser)) = evaluator_on_the_plan(true).await else {
        return;
    };
    let rows = trygg::store::plan::list(&app.db).await.expect("plan");
    let promise = rows
        .iter()
        .find(|r| r.intervention.citizen_promise)
        .expect("the demo's citizen promise")
        .id;
    for lang in ["sv", "en"] {
        browser
            .goto(&app.url(&format!("/evaluate/plan?lang={lang}")))
            .await;
        assert_no_violations(&browser, &format!("plan overview ({lang})")).await;
        for (path, page) in [
            (format!("/evaluate/plan/{promise}"), "intervention page"),
            (format!("/evaluate/plan/{promise}/edit"), "edit form"),
            (
                format!("/evaluate/plan/{promise}/follow-up/2024"),
                "follow-up form",
            ),
        ] {
            browser.goto(&app.url(&path)).await;
            assert_no_violations(&browser, &format!("{page} ({lang})")).await;
        }

        // Each form refused, with its error summary and the messages at the fields.
        browser.goto(&app.url("/evaluate/plan/new")).await;
        submit(&browser).await;
        assert!(browser.find_all(".error-summary li").await.len() >= 5);
        assert_no_violations(&browser, &format!("new intervention with errors ({lang})")).await;

        browser
            .goto(&app.url(&format!("/evaluate/plan/{promise}/outputs/new")))
            .await;
        browser.find("#planned-2024").await.send_keys("tolv").await;
        submit(&browser).await;
        assert!(browser.try_find("#planned-2024-error").await.is_some());
        assert_no_violations(&browser, &format!("output form with errors ({lang})")).await;

        browser
            .goto(&app.url(&format!("/evaluate/plan/{promise}/indicators/new")))
            .await;
        submit(&browser).await;
        assert!(browser.try_find("#indicator-error").await.is_some());
        assert_no_violations(&browser, &format!("indicator form with errors ({lang})")).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_intervention_is_created_with_the_keyboard_alone() {
    let Some((app, browser)) = evaluator_on_the_plan(false).await else {
        return;
    };
    focus(&browser, "main a[href='/evaluate/plan/new']", 15).await;
    browser.navigate_by(browser.press_keys(keys::ENTER)).await;
    assert!(browser.current_url().await.ends_with("/evaluate/plan/new"));

    // The first priority area by arrow key, then each field in turn.
    focus(&browser, "#priority_area", 15).await;
    browser.press_keys(keys::ARROW_DOWN).await;
    focus(&browser, "#title", 1).await;
    browser.press_keys("Föräldravandringar").await;
    // The agreement's second citizen promise (2025–2026), by arrow keys.
    focus(&browser, "#promise", 1).await;
    browser.press_keys(&keys::ARROW_DOWN.repeat(2)).await;
    focus(&browser, "#problem", 1).await;
    browser.press_keys("Unga samlas i centrum.").await;
    // The first radio button, then two steps down to "both".
    focus(&browser, "#responsible-municipality", 2).await;
    browser.press_keys(keys::SPACE).await;
    browser.press_keys(keys::ARROW_DOWN).await;
    browser.press_keys(keys::ARROW_DOWN).await;
    focus(&browser, "#start_year", 8).await;
    browser.press_keys("2025").await;
    focus(&browser, "#end_year", 1).await;
    browser.press_keys("2026").await;
    // Not started → ongoing → done → delayed, without a reason: refused.
    focus(&browser, "#status", 1).await;
    browser.press_keys(&keys::ARROW_DOWN.repeat(3)).await;
    focus(&browser, "main form.stack button[type=submit]", 3).await;
    browser.navigate_by(browser.press_keys(keys::ENTER)).await;
    assert!(
        browser.title().await.starts_with("Fel: "),
        "{}",
        browser.title().await
    );

    // From the error summary to the field, the reason typed, sent again.
    focus(&browser, ".error-summary a[href='#status_reason']", 15).await;
    focus(&browser, "#status_reason", 60).await;
    browser.press_keys("Personalbrist").await;
    focus(&browser, "main form.stack button[type=submit]", 3).await;
    browser.navigate_by(browser.press_keys(keys::ENTER)).await;
    let url = browser.current_url().await;
    assert!(url.contains("?done=created"), "{url}");

    let rows = trygg::store::plan::list(&app.db).await.expect("plan");
    assert_eq!(rows.len(), 1);
    let i = &rows[0].intervention;
    assert_eq!(i.priority_area, "youth-at-risk");
    assert_eq!(i.title, "Föräldravandringar");
    assert!(i.citizen_promise);
    assert_eq!(i.promise, "unga-2025-2026");
    assert_eq!(i.responsible.id(), "both");
    assert_eq!((i.start_year, i.end_year), (2025, 2026));
    assert_eq!(i.status.id(), "delayed");
    assert_eq!(i.status_reason, "Personalbrist");
}
