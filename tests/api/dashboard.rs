//! The evaluators' dashboard (`/evaluate`) on the `trygg demo` database: every indicator with its
//! value, interval, chart and a verdict that matches the trend the demo was built with; axe-clean.

use trygg::accounts::Role;

use crate::axe::assert_no_violations;
use crate::browser::{app_and_browser, keys, sign_in_as, tab_until};
use crate::db_tests;
use crate::helpers::TestApp;
use crate::indicators::run;

/// The part of the page about one indicator (its `<article>`), found by its title.
fn card<'a>(page: &'a str, title: &str) -> &'a str {
    let at = page
        .find(title)
        .unwrap_or_else(|| panic!("no indicator titled {title:?}"));
    let start = page[..at].rfind("<article").expect("article start");
    let end = at + page[at..].find("</article>").expect("article end");
    &page[start..end]
}

async fn the_dashboard_shows_the_demo_trends_in_words_and_charts(app: TestApp) {
    run(&app.database_url, &["demo"]);
    app.sign_in_as(Role::Evaluator).await;
    let page = app.get("/evaluate").await.text().await.expect("page");
    // The resident survey first, its latest wave.
    assert!(page.contains("trygghet-2025"), "{page}");
    let unsafe_night = card(
        &page,
        "Andel som känner sig otrygga ute ensamma sent på kvällen",
    );
    assert!(
        unsafe_night.contains("signifikant lägre än 2024"),
        "{unsafe_night}"
    );
    assert!(unsafe_night.contains("förbättring"), "{unsafe_night}");
    assert!(
        unsafe_night.contains("Mål 15\u{a0}%: nått"),
        "{unsafe_night}"
    );
    assert!(
        unsafe_night.contains("\u{a0}% ("),
        "value and interval: {unsafe_night}"
    );
    let drugs = card(&page, "Andel som ser öppen narkotikaförsäljning");
    assert!(
        drugs.contains("signifikant högre än 2024") && drugs.contains("försämring"),
        "{drugs}"
    );
    let trust = card(&page, "Andel med stort förtroende för polisens arbete");
    assert!(
        trust.contains("ingen säker förändring sedan 2024"),
        "{trust}"
    );
    // A chart with a title and a description for every indicator, and its data as a table.
    let catalog = trygg::survey::load_dir(&crate::helpers::surveys_dir()).expect("surveys");
    let residents = catalog
        .get("resident-safety")
        .expect("survey")
        .survey
        .indicators
        .len();
    assert_eq!(page.matches("role=\"img\"").count(), residents);
    assert_eq!(page.matches("<desc ").count(), residents);
    assert_eq!(page.matches("Siffrorna i tabell").count(), residents);

    // Another survey and an earlier wave: the figures as they stood then.
    let school = app
        .get("/evaluate?survey=school-drug-habits")
        .await
        .text()
        .await
        .expect("page");
    let vaping = card(&school, "Andel som använder e-cigaretter");
    assert!(
        vaping.contains("signifikant högre än 2024") && vaping.contains("försämring"),
        "{vaping}"
    );
    let earlier = app
        .get("/evaluate?survey=resident-safety&wave=trygghet-2023")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        earlier.contains("Omgång <strong>trygghet-2023</strong>"),
        "{earlier}"
    );
    assert!(!earlier.contains(">2025<"), "no later wave in the chart");
    // In English.
    let english = app
        .get("/evaluate?lang=en")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        english.contains("significantly lower than 2024"),
        "{english}"
    );
}

async fn an_indicator_page_shows_its_series_breakdowns_and_method(app: TestApp) {
    run(&app.database_url, &["demo"]);
    app.sign_in_as(Role::Evaluator).await;
    let page = app
        .get("/evaluate/indicators/resident-safety/unsafe_night")
        .await
        .text()
        .await
        .expect("page");
    for year in ["2022", "2023", "2024", "2025"] {
        assert!(
            page.contains(&format!("<th scope=\"row\">{year}</th>")),
            "{year}: {page}"
        );
    }
    assert!(page.contains("Trend över 4 stängda omgångar"), "{page}");
    assert!(page.contains("förbättring"), "{page}");
    // The latest wave by each background question, as interval bars with the figures in words.
    // Headed by the questions' short labels.
    for heading in ["<h3>Ålder</h3>", "<h3>Kön</h3>", "<h3>Stadsdel</h3>"] {
        assert!(page.contains(heading), "{heading}");
    }
    assert!(page.contains("Kvinna: "), "{page}");
    // What went into each wave: 2023 had Sjöviken below k, so cells were hidden.
    assert!(page.contains("efterstratifiering"), "{page}");
    let row_2023 = &page[page
        .find("<th scope=\"row\">trygghet-2023</th>")
        .expect("2023 row")..];
    let hidden: u32 = row_2023
        .split("<td>")
        .nth(5)
        .and_then(|cell| cell.split('<').next())
        .and_then(|n| n.trim().parse().ok())
        .expect("hidden cells");
    assert!(hidden > 0, "2023 hides the small district's cells");
    assert!(
        page.contains("/api/v1/surveys/resident-safety/indicators/unsafe_night/series?format=csv")
    );
    assert!(page.contains(
        "/evaluate/indicators/resident-safety/unsafe_night/chart.csv?wave=trygghet-2025"
    ));
    // An earlier wave: the page stops there.
    let earlier = app
        .get("/evaluate/indicators/resident-safety/unsafe_night?wave=trygghet-2023")
        .await
        .text()
        .await
        .expect("page");
    assert!(!earlier.contains("<th scope=\"row\">2025</th>"));
    assert_eq!(
        app.get("/evaluate/indicators/resident-safety/no_such")
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get("/evaluate/indicators/no-such-survey/unsafe_night")
            .await
            .status(),
        404
    );
}

db_tests!(
    the_dashboard_shows_the_demo_trends_in_words_and_charts,
    an_indicator_page_shows_its_series_breakdowns_and_method,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_breaks_no_wcag_rule() {
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    run(&app.database_url, &["demo"]);
    sign_in_as(
        &browser,
        &app,
        "analys@kommun.example",
        Role::Evaluator,
        "/evaluate",
    )
    .await;
    for (path, page) in [
        ("/evaluate", "dashboard"),
        (
            "/evaluate?survey=school-drug-habits",
            "dashboard, school survey",
        ),
        (
            "/evaluate/indicators/resident-safety/unsafe_night",
            "indicator page",
        ),
        ("/evaluate?lang=en", "dashboard in English"),
        (
            "/evaluate/indicators/school-drug-habits/vaping",
            "indicator page in English",
        ),
    ] {
        browser.goto(&app.url(path)).await;
        assert_no_violations(&browser, page).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_works_with_the_keyboard_alone() {
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    run(&app.database_url, &["demo"]);
    sign_in_as(
        &browser,
        &app,
        "analys@kommun.example",
        Role::Evaluator,
        "/evaluate",
    )
    .await;
    browser.goto(&app.url("/evaluate")).await;

    // Another survey: the arrow keys change the choice, Tab reaches "Visa", Enter shows it.
    let select = tab_until(&browser, "#survey", 15)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let before = select.property("value").await;
    browser.press_keys(keys::ARROW_DOWN).await;
    let after = browser.find("#survey").await.property("value").await;
    let after = after.as_str().unwrap_or_default().to_owned();
    assert_ne!(before, after, "the arrow key picks another survey");
    tab_until(&browser, "form.picker button", 3)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    browser.navigate_by(browser.press_keys(keys::ENTER)).await;
    let url = browser.current_url().await;
    assert!(url.contains(&format!("survey={after}")), "{url}");

    // The first indicator's page, and its downloads, by Tab and Enter.
    tab_until(&browser, "article.indicator h3 a", 20)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    browser.navigate_by(browser.press_keys(keys::ENTER)).await;
    let url = browser.current_url().await;
    assert!(url.contains("/evaluate/indicators/"), "{url}");
    tab_until(&browser, "a[href*='format=csv']", 40)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}
