//! What a respondent sees, in headless Chromium: a resident through the open link to the
//! thank-you page, a pupil through a class code with the keyboard alone, and axe-core finding no
//! WCAG 2.1 A/AA violation on the start, question, error and thank-you pages.

use serde_json::Value;
use trygg::collect::Access;

use crate::axe::assert_no_violations;
use crate::browser::{Browser, app_and_browser, keys};
use crate::responses::{class_codes, create_wave, stored_responses};

/// Answers the current page with the mouse: the first choice of every unanswered group, 1 in
/// every empty number field; then "Next". Returns when the next page has loaded.
pub async fn answer_page_with_clicks(browser: &Browser) {
    let groups = browser.find_all("main fieldset").await;
    for group in &groups {
        let answered = browser
            .execute(
                "return [...arguments[0].querySelectorAll('input')].some(i => i.checked);",
                &[group.as_arg()],
            )
            .await;
        if answered != Value::Bool(true) {
            browser
                .execute(
                    "arguments[0].querySelector('.choice label').click();",
                    &[group.as_arg()],
                )
                .await;
        }
    }
    for number in browser.find_all("main input[inputmode=decimal]").await {
        if number.property("value").await == "" {
            number.send_keys("1").await;
        }
    }
    let next = browser.find("main button[value=next]").await;
    browser.navigate_by(next.click()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_answers_on_the_open_link_and_every_page_passes_axe() {
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;

    browser.goto(&app.url("/s/trygg-2026")).await;
    assert_no_violations(&browser, "start page").await;
    let start = browser.find("main button[type=submit]").await;
    browser.navigate_by(start.click()).await;
    assert!(
        browser.current_url().await.contains("/sida/"),
        "on the first page"
    );
    assert_no_violations(&browser, "question page").await;

    // A number that is not one: the GOV.UK error pattern, accessible too.
    browser
        .find("#q-years_in_area")
        .await
        .send_keys("tolv")
        .await;
    let next = browser.find("main button[value=next]").await;
    browser.navigate_by(next.click()).await;
    assert!(
        browser.title().await.starts_with("Fel: "),
        "{}",
        browser.title().await
    );
    let summary = browser.find(".error-summary").await;
    assert!(summary.text().await.contains("Skriv ett heltal"));
    assert_no_violations(&browser, "question page with errors").await;
    // The summary's link leads to the field.
    browser.find(".error-summary a").await.click().await;
    assert!(
        browser.current_url().await.ends_with("#q-years_in_area"),
        "{}",
        browser.current_url().await
    );
    let years = browser.find("#q-years_in_area").await;
    years.clear().await;
    years.send_keys("12").await;

    for _ in 0..30 {
        if browser.current_url().await.ends_with("/tack") {
            break;
        }
        answer_page_with_clicks(&browser).await;
    }
    assert!(
        browser.current_url().await.ends_with("/tack"),
        "{}",
        browser.current_url().await
    );
    assert!(browser.find("h1").await.text().await.contains("Tack"));
    assert_no_violations(&browser, "thank-you page").await;
    assert_eq!(stored_responses(&app).await, 1);

    // The English form is checked too.
    browser.goto(&app.url("/s/trygg-2026?lang=en")).await;
    assert_no_violations(&browser, "start page in English").await;
}

/// What has the keyboard focus, described for the keyboard-only walk.
async fn focused(browser: &Browser) -> Value {
    browser
        .execute(
            "const e = document.activeElement;
             const group = e.name ? [...document.getElementsByName(e.name)] : [];
             return {tag: e.tagName.toLowerCase(), type: e.type || '', name: e.name || '',
                     value: e.value || '', inputmode: e.getAttribute('inputmode') || '',
                     answered: group.some(x => x.checked)};",
            &[],
        )
        .await
}

/// Completes the form from the current page to the thank-you page with Tab, Space, typing and
/// Enter only.
async fn complete_with_keyboard(browser: &Browser) {
    let mut presses = 0;
    while !browser.current_url().await.ends_with("/tack") {
        presses += 1;
        assert!(
            presses < 2_000,
            "the form cannot be completed with the keyboard"
        );
        browser.press_keys(keys::TAB).await;
        let f = focused(browser).await;
        let (tag, kind) = (
            f["tag"].as_str().unwrap_or(""),
            f["type"].as_str().unwrap_or(""),
        );
        match (tag, kind) {
            ("input", "radio" | "checkbox") if f["answered"] == false => {
                browser.press_keys(keys::SPACE).await
            }
            ("input", "text") if f["inputmode"] == "decimal" && f["value"] == "" => {
                browser.press_keys("1").await
            }
            ("button", "submit") if f["value"] == "next" => {
                browser.navigate_by(browser.press_keys(keys::ENTER)).await;
            }
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pupil_enters_a_class_code_and_answers_with_the_keyboard_alone() {
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    let wave = create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    let codes = class_codes(&app, &wave, "skola-1", "9A", 1).await;

    browser.goto(&app.url("/k")).await;
    assert_no_violations(&browser, "code entry page").await;
    // A mistyped code first.
    crate::browser::tab_until(&browser, "#code", 10)
        .await
        .expect("the code field by Tab");
    browser.press_keys("ABCD-EFG").await;
    browser.navigate_by(browser.press_keys(keys::ENTER)).await;
    assert!(browser.title().await.starts_with("Fel: "));
    assert_no_violations(&browser, "code entry page with an error").await;

    let field = browser.find("#code").await;
    field.clear().await;
    crate::browser::tab_until(&browser, "#code", 15)
        .await
        .expect("the code field by Tab");
    browser.press_keys(&codes[0].to_lowercase()).await;
    browser.navigate_by(browser.press_keys(keys::ENTER)).await;
    // The survey's introduction first: its promise of anonymity is written for pupils.
    assert!(
        browser.current_url().await.ends_with("/s/drogvanor-2026"),
        "{}",
        browser.current_url().await
    );
    let intro = browser.find("main").await.text().await;
    assert!(intro.contains("anonym"), "{intro}");
    assert_no_violations(&browser, "introduction after the code").await;
    crate::browser::tab_until(&browser, "main a.button", 15)
        .await
        .expect("the link to begin by Tab");
    browser.navigate_by(browser.press_keys(keys::ENTER)).await;
    assert!(
        browser
            .current_url()
            .await
            .contains("/s/drogvanor-2026/sida/"),
        "{}",
        browser.current_url().await
    );
    assert_no_violations(&browser, "pupil question page").await;

    complete_with_keyboard(&browser).await;
    assert_eq!(stored_responses(&app).await, 1);
    let rows = trygg::store::responses::export_rows(&app.db, &wave.id)
        .await
        .expect("rows");
    assert_eq!(rows[0].school.as_deref(), Some("skola-1"));
}

/// When access ends mid-form, what the respondent and the coordinator are told passes axe: the
/// pupil's notice of the time left after the lesson ended, the coordinator's question before
/// ending, and the page after the survey closed under the pupil.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn time_limits_and_a_close_are_told_accessibly() {
    use sea_orm::EntityTrait;
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    let wave = create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    let codes = class_codes(&app, &wave, "skola-1", "9A", 2).await;
    browser.goto(&app.url("/k")).await;
    browser.find("#code").await.send_keys(&codes[0]).await;
    let begin = browser.find("main button[type=submit]").await;
    browser.navigate_by(begin.click()).await;
    let begin = browser.find("main a.button").await;
    browser.navigate_by(begin.click()).await;
    let page = browser.current_url().await;
    assert!(page.contains("/sida/"), "on the first page: {page}");

    // The coordinator's question before ending, in the same browser (signed in as well).
    app.add_user(
        "skola@kommun.example",
        trygg::accounts::Role::School,
        Some("skola-1"),
    )
    .await;
    browser.goto(&app.url("/login")).await;
    browser
        .find("#email")
        .await
        .send_keys("skola@kommun.example")
        .await;
    browser
        .find("#password")
        .await
        .send_keys(crate::helpers::PASSWORD)
        .await;
    let sign_in = browser.find("main button[type=submit]").await;
    browser.navigate_by(sign_in.click()).await;
    let session = trygg::entities::class_session::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("a session");
    browser
        .goto(&app.url(&format!("/school/sessions/{}/end", session.id)))
        .await;
    let question = browser.find("main").await.text().await;
    assert!(question.contains("1 elev svarar just nu"), "{question}");
    assert_no_violations(&browser, "question before ending a class session").await;
    let confirm = browser.find("main button.danger").await;
    browser.navigate_by(confirm.click()).await;
    assert_no_violations(&browser, "class session after it ended").await;

    browser.goto(&page).await;
    let notice = browser.find("main .notice.warning").await.text().await;
    assert!(notice.contains("Lektionen är avslutad"), "{notice}");
    assert_no_violations(&browser, "question page after the lesson ended").await;

    trygg::store::waves::close(&app.db, "drogvanor-2026", "test")
        .await
        .expect("close");
    // The collector remembers an open wave for a second.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    browser.goto(&page).await;
    let title = browser.title().await;
    assert!(title.contains("Enkäten stängde"), "{title}");
    assert_no_violations(&browser, "page after the survey closed mid-form").await;
}
