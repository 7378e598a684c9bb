//! The client itself, on the sign-in page: what the page tests rely on works in this browser.

use serde_json::json;

use super::{app_and_browser, keys, tab_until};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webdriver_scripts_run_under_the_csp_but_scripts_put_into_the_page_do_not() {
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    browser.goto(&app.url("/login")).await;

    let email = browser.find("#email").await;
    let id = browser
        .execute("return arguments[0].id;", &[email.as_arg()])
        .await;
    assert_eq!(id, "email");
    let answer = browser
        .execute_async("arguments[1](arguments[0] + 1);", &[json!(41)])
        .await;
    assert_eq!(answer, 42);
    let injected = "const s = document.createElement('script');
        s.textContent = 'window.ranInPage = true;';
        document.body.append(s);
        return window.ranInPage === true;";
    assert_eq!(browser.execute(injected, &[]).await, false, "CSP blocks it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_finds_reads_types_clicks_and_moves_the_focus() {
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    browser.goto(&app.url("/login")).await;

    assert_eq!(browser.title().await, "Logga in – trygg");
    assert_eq!(browser.current_url().await, app.url("/login"));
    assert!(browser.page_source().await.contains("name=\"_csrf\""));
    assert_eq!(browser.find_all("main input").await.len(), 3);
    assert!(browser.try_find("#no-such-element").await.is_none());
    let label = browser.find("label[for=email]").await;
    assert_eq!(label.text().await, "E-postadress");
    let email = browser.find("#email").await;
    assert_eq!(
        email.attribute("autocomplete").await.as_deref(),
        Some("username")
    );
    assert_eq!(email.attribute("placeholder").await, None);
    email.send_keys("a@b.example").await;
    assert_eq!(email.property("value").await, "a@b.example");
    email.clear().await;
    assert_eq!(email.property("value").await, "");

    // A checkbox made for the test: clicking checks it.
    let add_box = "const b = document.createElement('input');
        b.type = 'checkbox'; b.id = 'probe'; b.setAttribute('aria-label', 'probe');
        document.querySelector('main').append(b);";
    browser.execute(add_box, &[]).await;
    let probe = browser.find("#probe").await;
    assert!(!probe.is_selected().await);
    probe.click().await;
    assert!(probe.is_selected().await);

    // Tab forward, Shift+Tab back; a search that fails tells where the focus went.
    tab_until(&browser, "#password", 10)
        .await
        .expect("password field");
    let shift_tab = format!("{}{}", keys::SHIFT, keys::TAB);
    browser.press_keys(&shift_tab).await;
    let focus = browser.active_element().await;
    assert_eq!(focus.attribute("id").await.as_deref(), Some("email"));
    let lost = tab_until(&browser, "#no-such-element", 2)
        .await
        .expect_err("never reached");
    assert_eq!(lost.path.len(), 3, "{lost}");
    assert!(lost.path[0].starts_with("input#email"), "{lost}");
    assert!(lost.to_string().contains(" → "), "{lost}");

    let dir = tempfile::tempdir().expect("temp dir");
    let png = dir.path().join("login.png");
    browser.screenshot(&png).await;
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
}
