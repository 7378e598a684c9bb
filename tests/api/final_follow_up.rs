//! The final follow-up of an agreement period on the `trygg demo` database: the baseline (the
//! last closed wave before the period) against the latest wave in it with the test of the change,
//! the trend within the period; the interventions with outputs summed over the period; the
//! citizen promises with their follow-up per year; texts per section, frozen when final; `trygg
//! report --agreement` as a PDF with a cover and page numbers.

use trygg::accounts::Role;
use trygg::evaluate::areas::{survey_waves, up_to};
use trygg::evaluate::final_follow_up;
use trygg::evaluate::series;
use trygg::stats::trend;

use crate::browser::in_ci;
use crate::db_tests;
use crate::helpers::{TestApp, agreements_dir, surveys_dir};
use crate::indicators::run;

const PAGE: &str = "/evaluate/agreements/2023-2026";

async fn page(app: &TestApp, path: &str) -> String {
    app.get(path).await.text().await.expect("page")
}

async fn the_final_follow_up_compares_the_baseline_with_the_latest_wave_of_the_period(
    app: TestApp,
) {
    run(&app.database_url, &["demo"]);
    let catalog = trygg::survey::load_dir(&surveys_dir()).expect("surveys");
    let agreements = trygg::agreement::load_dir(&agreements_dir(), &catalog).expect("agreements");
    let agreement = agreements.get("2023-2026").expect("the shipped agreement");
    let data = final_follow_up::assemble(&app.db, &catalog, agreement)
        .await
        .expect("assemble");

    // Against the waves themselves: every resident indicator's baseline is the 2022 wave,
    // the latest the 2025 wave, and the change is their difference with the SE of two
    // independent estimates.
    let survey = catalog.get("resident-safety").expect("survey");
    let waves = up_to(
        survey_waves(&app.db, &catalog, "resident-safety")
            .await
            .expect("waves"),
        None,
    );
    let mut checked = 0;
    for indicator in &survey.survey.indicators {
        let full = series::build("resident-safety", indicator, &waves, None);
        let whole = &full.series[0];
        let at = |period: i32| whole.waves.iter().find(|w| w.period == period).cloned();
        let shown = data
            .areas
            .iter()
            .flat_map(|a| a.indicators.iter())
            .find(|i| i.survey == "resident-safety" && i.indicator == indicator.id)
            .unwrap_or_else(|| panic!("{} is in the follow-up", indicator.id));
        let (baseline, latest) = (at(2022).expect("2022"), at(2025).expect("2025"));
        assert_eq!(shown.baseline.as_ref(), Some(&baseline), "{}", indicator.id);
        assert_eq!(shown.latest.as_ref(), Some(&latest), "{}", indicator.id);
        let (Some(b), Some(l)) = (series::point(&baseline), series::point(&latest)) else {
            assert!(shown.change.is_none());
            continue;
        };
        let expected = trend::change(b, l, 0.95);
        let change = shown.change.as_ref().expect("a change");
        assert!((change.difference - (l.estimate - b.estimate)).abs() < 1e-12);
        assert!((change.se - (b.se.powi(2) + l.se.powi(2)).sqrt()).abs() < 1e-12);
        assert!((change.p - expected.p_value).abs() < 1e-12);
        assert_eq!(change.significant, expected.significant);
        assert_eq!((change.from_period, change.to_period), (2022, 2025));
        // The trend rests on the waves within the period only.
        let trend = shown.trend.as_ref().expect("three waves in the period");
        assert_eq!(trend.periods, [2023, 2024, 2025]);
        assert_eq!(
            shown.waves.iter().map(|w| w.period).collect::<Vec<_>>(),
            [2022, 2023, 2024, 2025]
        );
        checked += 1;
    }
    assert!(checked >= 10, "{checked} indicators checked");

    // The school survey's headline rows: one per grade.
    let grades: Vec<_> = data
        .areas
        .iter()
        .flat_map(|a| a.indicators.iter())
        .filter(|i| i.indicator == "vaping")
        .map(|i| i.group.as_ref().map(|g| g.sv.clone()).unwrap_or_default())
        .collect();
    assert_eq!(grades, ["Årskurs 9", "Gymnasiet, år 2"]);

    // Interventions of the period with outputs summed over its years: the promise of
    // 2023–2024 had 318 + 436 hours of presence planned as 300 + 400.
    let outdoor = data
        .areas
        .iter()
        .find(|a| a.id == "outdoor-insecurity")
        .expect("area");
    let centre = outdoor
        .interventions
        .iter()
        .find(|i| i.promise == "centrum-2023-2024")
        .expect("the promise's intervention");
    let presence = &centre.outputs[0];
    assert_eq!(
        (presence.planned, presence.actual),
        (Some(700.0), Some(754.0))
    );
    // Promises with their years: kept and partly kept is partly kept over the period.
    let promise = data
        .promises
        .iter()
        .find(|p| p.id == "centrum-2023-2024")
        .expect("promise");
    assert_eq!(promise.follow_ups.len(), 2);
    assert_eq!(
        promise.overall,
        Some(trygg::plan::promises::PromiseState::Partly)
    );
    assert_eq!(
        promise.interventions,
        ["Medborgarlöfte 2023–2024: Tryggare centrum på kvällarna"]
    );

    // The page says the same.
    app.sign_in_as(Role::Evaluator).await;
    let shown = page(&app, PAGE).await;
    assert!(shown.contains("Slutlig uppföljning 2023–2026"), "{shown}");
    assert!(shown.contains("Kommunen, Lokalpolisområdet"));
    assert!(shown.contains("1 maj 2023 – 31 december 2026"));
    assert!(shown.contains("Delvis hållet"));
    assert!(shown.contains("Polisens närvaro i centrum fredag och lördag kväll"));
    assert!(shown.contains("2023–2026"));
    assert_eq!(
        app.get("/evaluate/agreements/1999-2002").await.status(),
        404
    );
    let list = page(&app, "/evaluate/agreements").await;
    assert!(list.contains(&format!("href=\"{PAGE}\"")), "{list}");
}

db_tests!(the_final_follow_up_compares_the_baseline_with_the_latest_wave_of_the_period);

async fn promises_are_followed_up_and_the_final_follow_up_freezes(app: TestApp) {
    run(&app.database_url, &["demo"]);
    app.sign_in_as(Role::Evaluator).await;
    let form = "/evaluate/agreements/2023-2026/promises/unga-2025-2026/2026";
    let before = page(&app, form).await;
    assert!(before.contains("Höll löftet det här året?"), "{before}");
    // Nothing chosen, nothing written: refused at the fields, nothing stored.
    let refused = app
        .post_form(form, form, &[("state", ""), ("note", " ")])
        .await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.expect("body");
    assert!(
        body.contains("Välj hur löftet höll det här året."),
        "{body}"
    );
    assert!(body.contains("href=\"#state-kept\""));
    // A year outside the promise, an unknown promise: not found.
    for wrong in [
        "/evaluate/agreements/2023-2026/promises/unga-2025-2026/2024",
        "/evaluate/agreements/2023-2026/promises/inget/2025",
        "/evaluate/agreements/1999-2002/promises/unga-2025-2026/2025",
    ] {
        assert_eq!(app.get(wrong).await.status(), 404, "{wrong}");
    }
    let saved = app
        .post_form(
            form,
            form,
            &[
                ("state", "kept"),
                ("note", "Öppet alla helgkvällar under våren."),
            ],
        )
        .await;
    assert!(saved.status().is_success() || saved.status().is_redirection());
    let shown = page(&app, PAGE).await;
    assert!(
        shown.contains("Öppet alla helgkvällar under våren."),
        "{shown}"
    );

    // A text, then final: the numbers, texts and promises are locked.
    let text = app
        .post_form(
            PAGE,
            &format!("{PAGE}/texts/summary"),
            &[("body", "Perioden i korthet.")],
        )
        .await;
    assert!(text.status().is_success() || text.status().is_redirection());
    // Without the confirmation nothing is frozen.
    let unconfirmed = app.post_form(PAGE, &format!("{PAGE}/final"), &[]).await;
    assert!(unconfirmed.status().is_success());
    assert!(page(&app, PAGE).await.contains("Utkast."));
    let frozen = app
        .post_form(PAGE, &format!("{PAGE}/final"), &[("confirm", "yes")])
        .await;
    assert!(frozen.status().is_success() || frozen.status().is_redirection());
    let final_page = page(&app, PAGE).await;
    assert!(final_page.contains("Slutlig."), "{final_page}");
    assert!(final_page.contains("Perioden i korthet."));
    assert!(
        !final_page.contains("Följ upp året"),
        "no forms on a final follow-up"
    );
    assert_eq!(
        app.post_form(PAGE, &format!("{PAGE}/texts/summary"), &[("body", "Nytt")])
            .await
            .status(),
        409
    );
    assert_eq!(app.get(form).await.status(), 404);
    // What is stored later does not change the final follow-up.
    let later = trygg::plan::promises::PromiseFollowUp {
        state: trygg::plan::promises::PromiseState::NotKept,
        note: "Skrivet efteråt.".into(),
    };
    trygg::store::promises::save_follow_up(&app.db, "unga-2025-2026", 2026, &later, "test")
        .await
        .expect("store");
    assert!(!page(&app, PAGE).await.contains("Skrivet efteråt."));
    // Only an admin opens it again.
    assert_eq!(
        app.post_form(PAGE, &format!("{PAGE}/reopen"), &[])
            .await
            .status(),
        403
    );
    app.post_form(PAGE, "/logout", &[]).await;
    app.sign_in_as(Role::Admin).await;
    let reopened = app.post_form(PAGE, &format!("{PAGE}/reopen"), &[]).await;
    assert!(reopened.status().is_success() || reopened.status().is_redirection());
    assert!(page(&app, PAGE).await.contains("Skrivet efteråt."));
    // The log names what happened, in words.
    let log = page(&app, "/admin/audit").await;
    assert!(
        log.contains("Fastställde den slutliga uppföljningen 2023-2026"),
        "{log}"
    );
    assert!(log.contains("Följde upp medborgarlöftet unga-2025-2026 2026"));
}

db_tests!(promises_are_followed_up_and_the_final_follow_up_freezes);

async fn the_final_follow_up_prints_with_a_cover_and_page_numbers(app: TestApp) {
    run(&app.database_url, &["demo"]);
    let html = run(
        &app.database_url,
        &["report", "--agreement", "2023-2026", "--format", "html"],
    );
    assert!(html.contains("Slutlig uppföljning 2023–2026"));
    assert!(
        html.contains("counter(pages)"),
        "page numbers in the footer"
    );
    // An unknown agreement is refused with the ones there are.
    let output = crate::cli::trygg()
        .args(["report", "--agreement", "2019-2022", "--database"])
        .arg(&app.database_url)
        .arg("--surveys")
        .arg(surveys_dir())
        .output()
        .expect("trygg report");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--agreement: no agreement \"2019-2022\" is loaded (known: 2023-2026)"),
        "{stderr}"
    );

    if trygg::pdf::chromium().is_none() {
        assert!(!in_ci(), "CI is set but chromium is not installed");
        eprintln!("SKIP the PDF: chromium not found");
        return;
    }
    let output = crate::cli::trygg()
        .args([
            "report",
            "--agreement",
            "2023-2026",
            "--format",
            "pdf",
            "--database",
        ])
        .arg(&app.database_url)
        .arg("--surveys")
        .arg(surveys_dir())
        .output()
        .expect("trygg report");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.starts_with(b"%PDF"));
    let Some(pages) = crate::report::pdf_pages(&output.stdout) else {
        assert!(
            !in_ci(),
            "CI is set but pdftotext (poppler-utils) is not installed"
        );
        eprintln!("SKIP the page check: pdftotext not found");
        return;
    };
    let cover = &pages[0];
    for words in [
        "Slutlig uppföljning",
        "Kommunen, Lokalpolisområdet",
        "1 maj 2023 – 31 december 2026",
        "Utkast.",
    ] {
        assert!(cover.contains(words), "cover: {words}: {cover}");
    }
    assert!(!cover.contains("Sida 1"), "no footer on the cover");
    let n = pages.iter().filter(|p| !p.is_empty()).count();
    assert!(n > 3, "{n} pages");
    assert!(
        pages[1].contains(&format!("Sida 2 av {n}")),
        "page numbers: {}",
        pages[1]
    );
    let all = pages.join(" ");
    for words in [
        "Utgångsläge",
        "Medborgarlöften",
        "Delvis hållet",
        "Hot och våld",
    ] {
        assert!(all.contains(words), "{words}");
    }
}

db_tests!(the_final_follow_up_prints_with_a_cover_and_page_numbers);

/// The agreement pages with the demo's data: axe-clean in both languages, and at 320 px the
/// final follow-up reflows (its indicator table stacks) with nothing scrolling sideways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agreement_pages_break_no_wcag_rule_and_reflow_at_320_px() {
    let Some((app, browser)) = crate::browser::app_and_browser().await else {
        return;
    };
    run(&app.database_url, &["demo"]);
    crate::browser::sign_in_as(
        &browser,
        &app,
        "analys@kommun.example",
        Role::Evaluator,
        "/evaluate/agreements",
    )
    .await;
    let form = "/evaluate/agreements/2023-2026/promises/centrum-2023-2024/2024";
    for (path, name) in [
        ("/evaluate/agreements", "the agreements"),
        (PAGE, "the final follow-up"),
        (
            "/evaluate/agreements/2023-2026?lang=en",
            "the final follow-up in English",
        ),
        (
            "/evaluate/agreements/2023-2026/final",
            "the confirmation of final",
        ),
        (form, "a promise's follow-up form"),
    ] {
        browser.goto(&app.url(path)).await;
        crate::axe::assert_no_violations(&browser, name).await;
    }
    browser.emulate_width(320).await;
    for path in [PAGE, form, "/evaluate/agreements?lang=en"] {
        browser.goto(&app.url(path)).await;
        assert_eq!(browser.sideways_overflow().await, 0, "{path}");
    }
}
