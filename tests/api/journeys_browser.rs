//! Journeys without dead ends, in headless Chromium with axe: every respondent page reflows at
//! 320 px and speaks Swedish (status pages included), and a school coordinator's printed codes
//! survive the language switch and a reload without a second class session.

use sea_orm::{EntityTrait, PaginatorTrait};
use trygg::accounts::Role;
use trygg::collect::Access;
use trygg::entities::class_session;

use crate::axe::assert_no_violations;
use crate::browser::{Browser, app_and_browser};
use crate::helpers::{PASSWORD, TestApp};
use crate::respondent_browser::answer_page_with_clicks;
use crate::responses::{class_codes, closed_and_future_waves, create_wave};

/// What every respondent page must be at 320 px: no sideways scrolling, Swedish, no link for
/// staff, and clean under axe.
async fn check_respondent_page(browser: &Browser, name: &str) {
    let overflow = browser.sideways_overflow().await;
    if overflow > 0 {
        let wide = browser
            .execute(
                "return [document.documentElement.scrollWidth, document.documentElement.clientWidth, window.innerWidth, document.body.scrollWidth, document.body.clientWidth].join(',') + ' | ' + [...document.querySelectorAll('body *')]
                   .filter(e => e.getBoundingClientRect().right > 320.5 || e.scrollWidth > e.clientWidth + 1)
                   .slice(0, 8)
                   .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().width) + ': ' + (e.textContent || '').trim().slice(0, 40));",
                &[],
            )
            .await;
        eprintln!("{name}: wider than the screen: {wide}");
    }
    assert!(
        overflow <= 0,
        "{name}: {overflow} px wider than a 320 px screen ({})",
        browser.current_url().await
    );
    let lang = browser
        .execute("return document.documentElement.lang;", &[])
        .await;
    assert_eq!(lang, "sv", "{name}");
    let staff_link = browser.try_find("a[href='/login']").await;
    assert!(staff_link.is_none(), "{name}: a sign-in link for staff");
    assert_no_violations(browser, name).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_respondent_page_reflows_at_320_px_in_swedish() {
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    let class = create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    let codes = class_codes(&app, &class, "skola-1", "9A", 1).await;
    closed_and_future_waves(&app).await;
    browser.emulate_width(320).await;

    // A resident, from the start page through every page to the thanks.
    browser.goto(&app.url("/s/trygg-2026")).await;
    check_respondent_page(&browser, "start page").await;
    let start = browser.find("main button[type=submit]").await;
    browser.navigate_by(start.click()).await;
    check_respondent_page(&browser, "first question page").await;
    browser
        .find("#q-years_in_area")
        .await
        .send_keys("tolv")
        .await;
    let next = browser.find("main button[value=next]").await;
    browser.navigate_by(next.click()).await;
    assert!(browser.title().await.starts_with("Fel: "));
    check_respondent_page(&browser, "question page with an error").await;
    let years = browser.find("#q-years_in_area").await;
    years.clear().await;
    let mut page = 1;
    while !browser.current_url().await.ends_with("/tack") && page < 30 {
        answer_page_with_clicks(&browser).await;
        page += 1;
        let url = browser.current_url().await;
        check_respondent_page(&browser, &format!("page {page}: {url}")).await;
    }
    assert!(browser.current_url().await.ends_with("/tack"));

    // A pupil: the code entry, a mistyped code, the introduction and the first page.
    browser.goto(&app.url("/k")).await;
    check_respondent_page(&browser, "code entry").await;
    browser.find("#code").await.send_keys("ABCD").await;
    let enter = browser.find("main button[type=submit]").await;
    browser.navigate_by(enter.click()).await;
    check_respondent_page(&browser, "code entry with an error").await;
    let field = browser.find("#code").await;
    field.clear().await;
    field.send_keys(&codes[0]).await;
    let enter = browser.find("main button[type=submit]").await;
    browser.navigate_by(enter.click()).await;
    assert!(browser.current_url().await.ends_with("/s/drogvanor-2026"));
    check_respondent_page(&browser, "introduction after the code").await;
    let begin = browser.find("main a.button").await;
    browser.navigate_by(begin.click()).await;
    assert!(browser.current_url().await.contains("/sida/"));
    check_respondent_page(&browser, "pupil's first page").await;

    // Status pages a respondent can reach, each with its own words in Swedish.
    for (path, heading, said) in [
        (
            "/s/trygg-2025",
            "Undersökningen är stängd",
            "tar inte längre emot svar",
        ),
        (
            "/s/trygg-2099",
            "Undersökningen har inte öppnat än",
            "Den öppnar 5 januari 2099",
        ),
        ("/s/finns-inte", "Sidan finns inte", "Kontrollera adressen"),
    ] {
        browser.goto(&app.url(path)).await;
        check_respondent_page(&browser, path).await;
        let main = browser.find("main").await.text().await;
        assert!(main.contains(heading), "{path}: {main}");
        assert!(main.contains(said), "{path}: {main}");
    }
}

/// Signs the browser in as a school coordinator of skola-1.
async fn sign_in_coordinator(browser: &Browser, app: &TestApp) {
    let email = "samordnare@skola.example";
    app.add_user(email, Role::School, Some("skola-1")).await;
    browser.goto(&app.url("/login?next=/school")).await;
    browser.find("#email").await.send_keys(email).await;
    browser.find("#password").await.send_keys(PASSWORD).await;
    let sign_in = browser.find("main button[type=submit]").await;
    browser.navigate_by(sign_in.click()).await;
}

fn printed_codes(source: &str) -> Vec<String> {
    let marker = "class=\"pupil-code\">";
    source
        .match_indices(marker)
        .filter_map(|(at, _)| {
            let start = at + marker.len();
            source[start..]
                .find('<')
                .map(|end| source[start..start + end].to_owned())
        })
        .collect()
}

async fn sessions(app: &TestApp) -> u64 {
    class_session::Entity::find()
        .count(&app.db)
        .await
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn printed_codes_survive_the_language_switch_and_a_reload() {
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    sign_in_coordinator(&browser, &app).await;
    assert!(browser.current_url().await.ends_with("/school"));
    browser.find("#class_label").await.send_keys("9B").await;
    browser.find("#grade").await.send_keys("Årskurs 9").await;
    browser.find("#pupils").await.send_keys("20").await;
    let open = browser.find("form[action='/school/sessions'] button").await;
    browser.navigate_by(open.click()).await;
    let codes_url = browser.current_url().await;
    assert!(codes_url.ends_with("/codes"), "{codes_url}");
    let codes = printed_codes(&browser.page_source().await);
    assert_eq!(codes.len(), 20);
    assert_no_violations(&browser, "codes page").await;

    // "English" in the header: the same codes, in English.
    let english = browser.find("header a[hreflang=en]").await;
    browser.navigate_by(english.click()).await;
    assert!(browser.current_url().await.contains("lang=en"));
    assert_eq!(printed_codes(&browser.page_source().await), codes);
    assert!(
        browser
            .find("h1")
            .await
            .text()
            .await
            .contains("Pupil codes")
    );
    assert_no_violations(&browser, "codes page in English").await;

    // A reload shows the same codes and opens nothing.
    browser.refresh().await;
    assert_eq!(printed_codes(&browser.page_source().await), codes);
    assert_eq!(sessions(&app).await, 1);

    // The coordinator's page lists the class once.
    browser.goto(&app.url("/school")).await;
    let rows = browser.find_all("main tbody tr").await;
    assert_eq!(rows.len(), 1);

    // A page a coordinator may not see says so in Swedish, with the way to their own page.
    browser.goto(&app.url("/admin?lang=sv")).await;
    let main = browser.find("main").await.text().await;
    assert!(main.contains("Åtkomst nekad"), "{main}");
    assert!(main.contains("Ditt konto har inte behörighet"), "{main}");
    let home = browser.find("main a[href='/school']").await;
    assert!(home.text().await.contains("Till din startsida"));
    assert_no_violations(&browser, "403 page").await;
}
