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

async fn the_overview_shows_every_area_with_every_questionnaire(app: TestApp) {
    run(&app.database_url, &["demo"]);
    app.sign_in_as(Role::Evaluator).await;
    let page = app.get("/evaluate").await.text().await.expect("page");
    // The latest year by default, every questionnaire's wave of it named.
    assert!(page.contains("<option value=\"2025\" selected"), "{page}");
    for wave in ["Trygghetsundersökning 2025", "Drogvaneundersökning 2025"] {
        assert!(page.contains(wave), "{wave}: {page}");
    }
    // Every indicator of every questionnaire, once.
    let catalog = trygg::survey::load_dir(&crate::helpers::surveys_dir()).expect("surveys");
    let all: usize = catalog.iter().map(|l| l.survey.indicators.len()).sum();
    assert_eq!(page.matches("<article class=\"indicator\"").count(), all);
    // "Ungdomar i riskzon" holds the school indicators and the others of the area together.
    let youth = &page[page.find("id=\"area-youth-at-risk\"").expect("area")..];
    let youth = &youth[..youth.find("</section>").expect("end")];
    assert!(youth.contains("Andel som använder e-cigaretter"), "{youth}");
    let unsafe_night = card(
        &page,
        "Andel som känner sig otrygga ute ensamma sent på kvällen",
    );
    assert!(
        unsafe_night.contains("signifikant lägre än 2024"),
        "{unsafe_night}"
    );
    assert!(unsafe_night.contains("förbättring"), "{unsafe_night}");
    // The target verdict by word and shape, naming the wave it is judged on.
    assert!(
        unsafe_night.contains("Mål 15\u{a0}%: <strong>nått</strong>"),
        "{unsafe_night}"
    );
    assert!(unsafe_night.contains("(bedömt på 2025)"), "{unsafe_night}");
    assert!(
        unsafe_night.contains("class=\"judged better\""),
        "{unsafe_night}"
    );
    // The trend says which waves it rests on.
    assert!(
        unsafe_night.contains("Trend 2022–2025 (4 omgångar)"),
        "{unsafe_night}"
    );
    assert!(
        unsafe_night.contains("Riket (demo) 2025: 26\u{a0}% – <strong>bättre</strong>"),
        "{unsafe_night}"
    );
    let drugs = card(&page, "Andel som ser öppen narkotikaförsäljning");
    assert!(
        drugs.contains("signifikant högre än 2024") && drugs.contains("försämring"),
        "{drugs}"
    );
    assert!(drugs.contains("class=\"judged worse\""), "{drugs}");
    // School figures per grade: year 9 and upper-secondary year 2 apart, each judged against the
    // national value of its own grade; the pooled figure is not a headline.
    let vaping = card(&page, "Andel som använder e-cigaretter");
    assert_eq!(vaping.matches("<h4>").count(), 2, "{vaping}");
    assert!(vaping.contains("<h4>Årskurs 9</h4>"), "{vaping}");
    assert!(vaping.contains("<h4>Gymnasiet, år 2</h4>"), "{vaping}");
    assert_eq!(
        vaping.matches("Riket, CAN (demo) 2025").count(),
        2,
        "one national value per grade: {vaping}"
    );
    // The verdict counts of each area, year on year and over the trend.
    assert!(page.contains("Sedan förra omgången: "), "{page}");
    assert!(page.contains("Trend över omgångarna: "), "{page}");

    // An earlier year: the figures as they stood then.
    let earlier = app
        .get("/evaluate?year=2023")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        earlier.contains("<option value=\"2023\" selected"),
        "{earlier}"
    );
    assert!(earlier.contains("Trygghetsundersökning 2023"), "{earlier}");
    assert!(!earlier.contains("Trygghetsundersökning 2025"), "{earlier}");
    // A link from before years (`?wave=`) shows that wave's year and questionnaire.
    let by_wave = app
        .get("/evaluate?survey=resident-safety&wave=trygghet-2023")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        by_wave.contains("<option value=\"2023\" selected"),
        "{by_wave}"
    );
    assert!(
        !by_wave.contains("Andel som använder e-cigaretter"),
        "{by_wave}"
    );
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
    assert!(english.contains("<h4>Year 9</h4>"), "{english}");
}

/// A resident wave of 2026 with 31 answers and no population figures (small, unweighted beside
/// the weighted demo waves), and an open one with one answer.
async fn the_overview_marks_a_small_unweighted_wave_and_never_shows_an_open_one(app: TestApp) {
    run(&app.database_url, &["demo"]);
    let catalog = trygg::survey::load_dir(&crate::helpers::surveys_dir()).expect("surveys");
    let mut new = trygg::collect::wave::NewWave::parse(
        &catalog,
        "resident-safety",
        "trygghet-2026-extra",
        "open",
        None,
        None,
    )
    .expect("wave");
    new.period = 2026;
    trygg::store::waves::create(&app.db, &new, "test")
        .await
        .expect("create");
    for b in crate::responses::synth_bodies("resident-safety", 31, 5) {
        assert_eq!(
            crate::responses::post(&app, "trygghet-2026-extra", &b)
                .await
                .0,
            201
        );
    }
    run(&app.database_url, &["wave", "close", "trygghet-2026-extra"]);
    crate::responses::create_wave(
        &app,
        "resident-safety",
        "trygghet-open",
        trygg::collect::Access::Open,
    )
    .await;
    let one = crate::responses::synth_bodies("resident-safety", 1, 9);
    assert_eq!(
        crate::responses::post(&app, "trygghet-open", &one[0])
            .await
            .0,
        201
    );

    app.sign_in_as(Role::Evaluator).await;
    let page = app.get("/evaluate").await.text().await.expect("page");
    // The open wave: its number of responses, nothing more.
    assert!(page.contains("1 svar hittills"), "{page}");
    assert!(page.contains("<option value=\"2026\" selected"), "{page}");
    let unsafe_night = card(
        &page,
        "Andel som känner sig otrygga ute ensamma sent på kvällen",
    );
    assert!(
        unsafe_night.contains("Trygghetsundersökning 2026"),
        "{unsafe_night}"
    );
    assert!(unsafe_night.contains("få svar (31)"), "{unsafe_night}");
    assert!(unsafe_night.contains("är inte vägd"), "{unsafe_night}");
    assert!(
        unsafe_night.contains("vilar också på 2026 (få svar, ovägd)"),
        "the trend says it rests on the marked wave: {unsafe_night}"
    );
    // The school survey has no 2026 wave: its 2025 figures, saying so.
    let vaping = card(&page, "Andel som använder e-cigaretter");
    assert!(
        vaping.contains("ingen omgång</strong>") || vaping.contains("ingen omgång 2026"),
        "{vaping}"
    );
    // The API says the same.
    let (status, areas) = crate::indicators::get_json(&app.client, &app.url("/api/v1/areas")).await;
    assert_eq!(status, 200, "{areas}");
    assert_eq!(areas["year"], 2026);
    let indicator = areas["areas"]
        .as_array()
        .expect("areas")
        .iter()
        .flat_map(|a| a["indicators"].as_array().expect("indicators"))
        .find(|i| i["indicator"] == "unsafe_night")
        .expect("unsafe_night");
    assert_eq!(indicator["wave"], "trygghet-2026-extra");
    let headline = &indicator["headline"][0];
    assert_eq!(
        headline["shown"]["marks"],
        serde_json::json!(["small", "unweighted"])
    );
    assert_eq!(
        headline["trend"]["periods"],
        serde_json::json!(["2022", "2023", "2024", "2025", "2026"])
    );
    let (status, earlier) =
        crate::indicators::get_json(&app.client, &app.url("/api/v1/areas?year=2025")).await;
    assert_eq!(status, 200);
    assert_eq!(earlier["year"], 2025);
    let (status, _) =
        crate::indicators::get_json(&app.client, &app.url("/api/v1/areas?year=soon")).await;
    assert_eq!(status, 400);
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
    the_overview_shows_every_area_with_every_questionnaire,
    the_overview_marks_a_small_unweighted_wave_and_never_shows_an_open_one,
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
    // The overview reflows at 320 px (WCAG 1.4.10): every card within the screen, nothing to
    // scroll sideways, in both languages and for an earlier year.
    browser.emulate_width(320).await;
    for path in ["/evaluate", "/evaluate?lang=en", "/evaluate?year=2023"] {
        browser.goto(&app.url(path)).await;
        let rights = browser
            .execute(
                "return [...document.querySelectorAll('article.indicator')].map(e => e.getBoundingClientRect().right);",
                &[],
            )
            .await;
        let rights: Vec<f64> = rights
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(serde_json::Value::as_f64)
            .collect();
        assert!(rights.len() > 20, "{path}: {rights:?}");
        assert!(rights.iter().all(|r| *r <= 320.5), "{path}: {rights:?}");
        assert_eq!(browser.sideways_overflow().await, 0, "{path}");
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

/// A new agreement with other priority areas is a file: for the years it covers, the overview
/// and the API file the indicators under its areas (and those it names under none as "other");
/// a year before it keeps the areas of the agreement in force then.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_agreement_brings_its_own_areas_without_a_change_of_code() {
    let agreements = tempfile::tempdir().expect("dir");
    let shipped = std::fs::read_to_string(crate::helpers::agreements_dir().join("2023-2026.toml"))
        .expect("shipped");
    // The shipped agreement ends before 2025 here; the new one runs from 2025.
    let earlier = shipped
        .replace(
            "to = \"2026-12-31\" }\n\n[[areas]]",
            "to = \"2024-12-31\" }\n\n[[areas]]",
        )
        .replace(
            "period = { from = \"2025-01-01\", to = \"2026-12-31\" }",
            "period = { from = \"2024-01-01\", to = \"2024-12-31\" }",
        );
    std::fs::write(agreements.path().join("2023-2024.toml"), earlier).expect("write");
    std::fs::write(
        agreements.path().join("2025-2028.toml"),
        r#"id = "2025-2028"
title = { sv = "Överenskommelse 2025–2028", en = "Agreement 2025–2028" }
parties = [{ sv = "Kommunen", en = "The municipality" }, { sv = "Polisen", en = "The police" }]
period = { from = "2025-01-01", to = "2028-12-31" }

[[areas]]
id = "safe-neighbourhoods"
title = { sv = "Trygga bostadsområden", en = "Safe neighbourhoods" }
description = { sv = "Belysning, skadegörelse och närvaro i bostadsområdena.", en = "Lighting, vandalism and presence in the neighbourhoods." }
indicators = ["resident-safety/unsafe_night", "resident-safety/poor_lighting"]

[[areas]]
id = "young-people"
title = { sv = "Unga och droger", en = "Young people and drugs" }
description = { sv = "Alkohol, tobak och narkotika bland unga.", en = "Alcohol, tobacco and drugs among young people." }
indicators = ["school-drug-habits/vaping", "school-drug-habits/cannabis_ever"]
"#,
    )
    .expect("write");
    let dir = agreements.path().to_path_buf();
    let Some(app) = crate::helpers::spawn_app_with(crate::helpers::Backend::Sqlite, move |s| {
        s.agreements_dir = dir;
    })
    .await
    else {
        return;
    };
    run(&app.database_url, &["demo"]);
    app.sign_in_as(Role::Evaluator).await;
    let page = app
        .get("/evaluate?year=2025")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("<h2 id=\"area-safe-neighbourhoods\">Trygga bostadsområden</h2>"),
        "{page}"
    );
    assert!(
        page.contains("Belysning, skadegörelse och närvaro i bostadsområdena."),
        "{page}"
    );
    assert!(
        page.contains("<h2 id=\"area-young-people\">Unga och droger</h2>"),
        "{page}"
    );
    assert!(page.contains("Överenskommelse 2025–2028"), "{page}");
    let young = &page[page.find("id=\"area-young-people\"").expect("area")..];
    let young = &young[..young.find("</section>").expect("end")];
    assert_eq!(
        young.matches("<article class=\"indicator\"").count(),
        2,
        "{young}"
    );
    assert!(
        page.contains("<h2 id=\"area-other\">Övriga indikatorer</h2>"),
        "{page}"
    );
    assert!(!page.contains("id=\"area-youth-at-risk\""), "{page}");
    // 2024: the agreement in force then, with its three areas.
    let before = app
        .get("/evaluate?year=2024")
        .await
        .text()
        .await
        .expect("page");
    assert!(before.contains("id=\"area-youth-at-risk\""), "{before}");
    assert!(!before.contains("area-young-people"), "{before}");
    let (status, areas) =
        crate::indicators::get_json(&app.client, &app.url("/api/v1/areas?year=2025")).await;
    assert_eq!(status, 200);
    assert_eq!(areas["agreement"], "2025-2028");
    assert_eq!(areas["areas"][0]["id"], "safe-neighbourhoods");

    // The plan offers the new areas under their agreement, and files an intervention under one
    // only for years the agreement covers.
    let form = app
        .get("/evaluate/plan/new")
        .await
        .text()
        .await
        .expect("form");
    assert!(
        form.contains("<optgroup label=\"Överenskommelse 2025–2028\"><option value=\"safe-neighbourhoods\">Trygga bostadsområden</option>"),
        "{form}"
    );
    let early = app
        .post_form(
            "/evaluate/plan/new",
            "/evaluate/plan",
            &crate::plan::intervention_fields(&[
                ("priority_area", "safe-neighbourhoods"),
                ("start_year", "2023"),
                ("end_year", "2024"),
            ]),
        )
        .await;
    assert_eq!(early.status(), 422);
    let early = early.text().await.expect("body");
    assert!(
        early.contains(
            "Området hör till överenskommelsen för 2025–2028, men insatsen pågår 2023–2024."
        ),
        "{early}"
    );
    crate::plan::create_intervention(
        &app,
        &[
            ("priority_area", "safe-neighbourhoods"),
            ("title", "Trygghetsvandringar i bostadsområdena"),
            ("start_year", "2025"),
            ("end_year", "2026"),
        ],
    )
    .await;
    let plan = app
        .get("/evaluate/plan?year=2025")
        .await
        .text()
        .await
        .expect("plan");
    let section = &plan[plan
        .find("<h2 id=\"area-safe-neighbourhoods\">Trygga bostadsområden</h2>")
        .expect("the new area in the plan")..];
    assert!(
        section.contains("Trygghetsvandringar i bostadsområdena"),
        "{section}"
    );
    // The annual report of 2025 has the new agreement's areas, its texts take their ids, and
    // the indicators it names under none come last as "other indicators".
    let report = app
        .get("/evaluate/report/2025")
        .await
        .text()
        .await
        .expect("report");
    let safe = report
        .find("<h2 id=\"h-safe-neighbourhoods\">Trygga bostadsområden</h2>")
        .expect("the new area in the report");
    let other = report
        .find("<h2 id=\"h-other\">Övriga indikatorer</h2>")
        .expect("other indicators");
    assert!(safe < other);
    assert!(report[safe..other].contains("Trygghetsvandringar i bostadsområdena"));
    let text = app
        .post_form(
            "/evaluate/report/2025",
            "/evaluate/report/2025/texts/safe-neighbourhoods",
            &[("body", "Området i år.")],
        )
        .await;
    assert_eq!(text.status(), 303);
    let unknown = app
        .post_form(
            "/evaluate/report/2025",
            "/evaluate/report/2025/texts/no-such-area",
            &[("body", "Ett område som ingen överenskommelse har.")],
        )
        .await;
    assert_eq!(unknown.status(), 404);
}
