//! Population totals as SCB gives them (issue 18, part 11): labels instead of codes, every
//! problem of a file at once, and respondents of a category no register counts (gender "Annat")
//! calibrated by collapsing cells instead of refusing the totals.

use serde_json::Value;
use trygg::accounts::Role;
use trygg::collect::Access;

use crate::db_tests;
use crate::form::location;
use crate::helpers::TestApp;
use crate::indicators::run;
use crate::responses::{body, create_wave, minimal_resident_answers, post};

db_tests!(
    an_scb_file_with_labels_calibrates_a_wave_whose_respondents_include_other,
    a_file_full_of_errors_gets_them_all_at_once_and_changes_nothing,
);

/// Women and men by age band as SCB's table gives them, pasted from Swedish Excel.
const SCB: &str = "age_band;gender;Antal\n\
                   16–24 år;kvinnor;1 000\n\
                   16–24 år;män;1 200\n\
                   25–34 år;Kvinnor;1 500\n\
                   25-34;Män;1 300\n";

/// Posts `n` residents of an age band and gender, `unsafe` of them feeling unsafe at night.
async fn residents(app: &TestApp, age: &str, gender: &str, n: usize, unsafe_: usize) {
    for i in 0..n {
        let mut answers = minimal_resident_answers();
        answers["age_band"] = age.into();
        answers["gender"] = gender.into();
        answers["safe_night"] = if i < unsafe_ { "3" } else { "1" }.into();
        assert_eq!(post(app, "trygg-2026", &body(answers)).await.0, 201);
    }
}

async fn an_scb_file_with_labels_calibrates_a_wave_whose_respondents_include_other(app: TestApp) {
    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    residents(&app, "16-24", "f", 6, 3).await;
    residents(&app, "16-24", "m", 6, 1).await;
    residents(&app, "16-24", "o", 3, 3).await;
    residents(&app, "25-34", "f", 6, 2).await;
    residents(&app, "25-34", "m", 6, 1).await;
    run(&app.database_url, &["wave", "close", "trygg-2026"]);

    app.sign_in_as(Role::Admin).await;
    let page = "/admin/waves/trygg-2026";
    let saved = app
        .post_form(page, &format!("{page}/population"), &[("csv", SCB)])
        .await;
    assert_eq!(
        saved.status(),
        303,
        "{}",
        saved.text().await.unwrap_or_default()
    );
    let shown = app.get(&location(&saved)).await.text().await.expect("page");
    assert!(
        shown.contains("4 celler, sammanlagt 5\u{a0}000 personer"),
        "{shown}"
    );
    assert!(
        shown.contains("Befolkningstalen saknar ”Annat” för frågan ”Vilket kön har du?”. De som svarat så viktas inom sin grupp för ”Hur gammal är du?”"),
        "{shown}"
    );

    let result: Value = serde_json::from_str(&run(
        &app.database_url,
        &["indicators", "--wave", "trygg-2026", "--recompute"],
    ))
    .expect("JSON");
    let wave = &result["wave"];
    assert_eq!(wave["calibration"], "poststratify", "{wave}");
    assert_eq!(wave["uncalibrated"], 0, "everyone is calibrated: {wave}");
    assert!(wave.get("calibration_note").is_none(), "{wave}");
    // 16–24: "Annat" is 3 of 15 respondents, so it gets a fifth of the age band's 2,200, and
    // women and men share the rest as the register does (800 and 960); 25–34 as given.
    // Feeling unsafe: 800·3/6 + 960·1/6 + 440·3/3 + 1500·2/6 + 1300·1/6 = 1716.67 of 5,000.
    let overall = result["estimates"]
        .as_array()
        .expect("estimates")
        .iter()
        .find(|e| e["indicator"] == "unsafe_night" && e["domain"] == serde_json::json!({}))
        .expect("the overall figure");
    let want = (400.0 + 160.0 + 440.0 + 500.0 + 1300.0 / 6.0) / 5000.0;
    let got = overall["estimate"].as_f64().expect("an estimate");
    assert!((got - want).abs() < 1e-9, "{got} ≠ {want}");
}

async fn a_file_full_of_errors_gets_them_all_at_once_and_changes_nothing(app: TestApp) {
    let wave = create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    app.sign_in_as(Role::Admin).await;
    let page = "/admin/waves/trygg-2026";
    assert_eq!(
        app.post_form(page, &format!("{page}/population"), &[("csv", SCB)])
            .await
            .status(),
        303
    );
    let bad = "ålder;gender;age_band;Antal\n\
               x;kvinnor;16–24 år;1000\n\
               x;hen;16–24 år;1 200\n\
               x;Män;16 – 24;12 hundra\n\
               x;Kvinna;99 år;5\n";
    let refused = app
        .post_form(page, &format!("{page}/population"), &[("csv", bad)])
        .await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("page");
    for problem in [
        "rad 1: kolumnen &quot;ålder&quot; är ingen fråga",
        "rad 3: &quot;hen&quot; i kolumnen gender är varken en kod eller ett svar",
        "rad 4: total &quot;12 hundra&quot;",
        "rad 5: &quot;99 år&quot; i kolumnen age_band är varken en kod eller ett svar",
    ] {
        assert!(html.contains(problem), "{problem}\n{html}");
    }
    assert_eq!(
        trygg::store::population::totals_summary(&app.db, &wave.id)
            .await
            .expect("summary"),
        (4, 5000),
        "the earlier upload stays"
    );
}
