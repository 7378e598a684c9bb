//! Accessibility in a real browser: axe-core finds no WCAG 2.1 A/AA violations on the pages, and
//! signing in works with the keyboard alone. SQLite only: the database plays no part here.

use trygg::accounts::Role;

use crate::axe::{self, assert_no_violations, axe_violations};
use crate::browser::{app_and_browser, keys, tab_until};
use crate::helpers::PASSWORD;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_pages_break_no_wcag_rule_in_either_language() {
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    // `?lang=en` is remembered, so the English pages come last.
    for (path, page) in [
        ("/", "start page"),
        ("/login", "sign-in page"),
        ("/no-such-page", "404 page"),
        ("/?lang=en", "start page in English"),
        ("/login", "sign-in page in English"),
    ] {
        browser.goto(&app.url(path)).await;
        assert_no_violations(&browser, page).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checker_finds_violations_planted_in_a_page() {
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    if !axe::installed() {
        return;
    }
    browser.goto(&app.url("/")).await;
    // An image without a text alternative, and a field without a label.
    let plant = "document.querySelector('main').insertAdjacentHTML('beforeend',
        '<img src=\"/static/none.png\"><input type=\"text\" name=\"unlabelled\">');";
    browser.execute(plant, &[]).await;

    let violations = axe_violations(&browser).await;
    let rules: Vec<&str> = violations.iter().map(|v| v.id.as_str()).collect();
    assert!(rules.contains(&"image-alt"), "{rules:?}");
    assert!(rules.contains(&"label"), "{rules:?}");
    let label = violations.iter().find(|v| v.id == "label").expect("label");
    assert_eq!(label.nodes.len(), 1, "{label}");
    assert_eq!(label.nodes[0].target, "input", "{label}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_reported_accessibly() {
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    app.add_user("admin@kommun.example", Role::Admin, None)
        .await;
    browser.goto(&app.url("/login")).await;

    browser
        .find("#email")
        .await
        .send_keys("admin@kommun.example")
        .await;
    browser.find("#password").await.send_keys("not it").await;
    let sign_in = browser.find("main button[type=submit]").await;
    browser.navigate_by(sign_in.click()).await;

    let title = browser.title().await;
    assert!(title.starts_with("Fel: "), "the title tells: {title}");
    let summary = browser.find(".error-summary").await;
    assert_eq!(summary.attribute("role").await.as_deref(), Some("alert"));
    let message = summary.text().await;
    assert!(
        message.contains("Fel e-postadress eller lösenord"),
        "{message}"
    );
    // The address is kept, the password is not.
    let email = browser.find("#email").await;
    assert_eq!(email.property("value").await, "admin@kommun.example");
    assert_eq!(browser.find("#password").await.property("value").await, "");
    assert_no_violations(&browser, "sign-in page with an error").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_can_sign_in_with_the_keyboard_alone() {
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    app.add_user("admin@kommun.example", Role::Admin, None)
        .await;
    browser.goto(&app.url("/login")).await;

    tab_until(&browser, "#email", 10)
        .await
        .expect("the e-mail field is reached with Tab");
    browser.press_keys("admin@kommun.example").await;
    tab_until(&browser, "#password", 1)
        .await
        .expect("the password field follows the e-mail field");
    browser.press_keys(PASSWORD).await;
    tab_until(&browser, "main form button[type=submit]", 1)
        .await
        .expect("the sign-in button follows the password field");
    browser.navigate_by(browser.press_keys(keys::ENTER)).await;

    let url = browser.current_url().await;
    assert_eq!(url, app.url("/admin"), "signed in, on the admin page");
    let sign_out = browser.find("header form[action='/logout'] button").await;
    assert!(sign_out.text().await.contains("admin@kommun.example"));
    assert_no_violations(&browser, "admin page").await;
}
