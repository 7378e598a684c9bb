//! Lägesbild sources through `trygg sources import`: every format is recognised from its
//! content and stored with its provenance; the same file again stores nothing; a broken file is
//! refused with its name and the place of the problem, and stores nothing.

use crate::cli::trygg;
use crate::db_tests;
use crate::helpers::{TestApp, surveys_dir};
use crate::indicators::run;

const KOLADA: &str = r#"{"values": [
  {"kpi": "N07540", "period": 2023, "municipality": "1481", "values": [{"gender": "T", "value": 7980.5}]},
  {"kpi": "N07540", "period": 2024, "municipality": "1481", "values": [{"gender": "T", "value": 8123.4}]},
  {"kpi": "N07540", "period": 2024, "municipality": "0000", "values": [{"gender": "T", "value": null}]}
], "next_url": null}"#;

const FAULTS: &str = "\u{feff}Datum;Ärendetyp;Stadsdel;Beskrivning\r\n\
2024-07-03;Klotter;centrum;Anna Andersson på Storgatan 3 ringde\r\n\
2024-07-19;Klotter;Centrum;\r\n\
2024-08-01;Trasig belysning;Västra;\r\n";

fn import(app: &TestApp, file: &std::path::Path) -> std::process::Output {
    trygg()
        .args(["sources", "import", "--file"])
        .arg(file)
        .arg("--database")
        .arg(&app.database_url)
        .arg("--surveys")
        .arg(surveys_dir())
        .output()
        .expect("trygg sources import")
}

async fn every_format_is_stored_once_with_its_provenance(app: TestApp) {
    let dir = tempfile::tempdir().expect("dir");
    let kolada = dir.path().join("kolada.json");
    std::fs::write(&kolada, KOLADA).expect("write");
    let out = run(
        &app.database_url,
        &[
            "sources",
            "import",
            "--file",
            kolada.to_str().expect("path"),
        ],
    );
    assert!(
        out.contains("2 values stored") && out.contains("1 missing"),
        "{out}"
    );
    assert!(out.contains("Källa: Kolada"), "{out}");
    // The same file again: nothing stored twice.
    let again = run(
        &app.database_url,
        &[
            "sources",
            "import",
            "--file",
            kolada.to_str().expect("path"),
        ],
    );
    assert!(again.contains("imported already"), "{again}");
    let values = trygg::store::sources::values(&app.db, "kolada/")
        .await
        .expect("values");
    assert_eq!(values.len(), 2);
    assert_eq!(values[1].value, 8123.4);
    let imports = trygg::store::sources::imports(&app.db)
        .await
        .expect("imports");
    assert_eq!(imports.len(), 1);
    assert_eq!(
        (
            imports[0].source.as_str(),
            imports[0].file_name.as_str(),
            imports[0].stored
        ),
        ("kolada", "kolada.json", 2)
    );
    assert_eq!(imports[0].licence, "Källa: Kolada (RKA), CC BY 4.0");

    // Fault reports: counts per category, district and month; the description is not stored.
    let faults = dir.path().join("felanmalan.csv");
    std::fs::write(&faults, FAULTS).expect("write");
    let out = run(
        &app.database_url,
        &[
            "sources",
            "import",
            "--file",
            faults.to_str().expect("path"),
        ],
    );
    assert!(
        out.contains("Västra"),
        "the unknown district is listed: {out}"
    );
    let counts = trygg::store::sources::values(&app.db, "felanmalan/")
        .await
        .expect("values");
    let klotter = counts
        .iter()
        .find(|v| v.measure == "felanmalan/klotter")
        .expect("klotter");
    assert_eq!(
        (
            klotter.area.as_str(),
            klotter.period.as_str(),
            klotter.value
        ),
        ("Centrum", "2024-07", 2.0)
    );
    let everything = format!(
        "{counts:?}{:?}{:?}",
        trygg::store::sources::measures(&app.db)
            .await
            .expect("measures"),
        trygg::store::sources::imports(&app.db)
            .await
            .expect("imports")
    );
    assert!(!everything.contains("Anna") && !everything.contains("Storgatan"));

    // A broken file: its name and place, exit 1, nothing stored.
    let broken = dir.path().join("trasig.csv");
    std::fs::write(&broken, FAULTS.replace("2024-08-01", "2024-13-01")).expect("write");
    let output = import(&app, &broken);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("trasig.csv: line 4: the date \"2024-13-01\" is not a date"),
        "{stderr}"
    );
    assert_eq!(
        trygg::store::sources::imports(&app.db)
            .await
            .expect("imports")
            .len(),
        2
    );
    // An audit entry per import.
    let audit = trygg::store::audit::recent(&app.db, 20)
        .await
        .expect("audit");
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "sources.import")
            .count(),
        2
    );
}

db_tests!(every_format_is_stored_once_with_its_provenance);

/// The demo's lägesbild: per area the surveys beside Kolada's reported crime (the municipality
/// against the country), fault reports per month and district, every figure with its source;
/// axe-clean and reflowing at 320 px.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lagesbild_puts_the_sources_beside_the_surveys() {
    let Some((app, browser)) = crate::browser::app_and_browser().await else {
        return;
    };
    run(&app.database_url, &["demo"]);
    app.sign_in_as(trygg::accounts::Role::Evaluator).await;
    let page = app
        .get("/evaluate/lagesbild")
        .await
        .text()
        .await
        .expect("page");
    for words in [
        "<h2 id=\"area-youth-at-risk\">Ungdomar i riskzon</h2>",
        "Anmälda våldsbrott, antal/100 000 inv",
        "Anmälda brott totalt, antal/100 000 inv",
        "Kommunen (9999) och riket.",
        "Källa: Kolada (RKA), CC BY 4.0 · 2019–2025",
        "Källa: kommunens felanmälningar · 2024-01–2025-12",
        "Per stadsdel, de senaste tolv månaderna",
        "<th scope=\"row\">Sjöviken</th>",
        "demo-felanmalningar-2024-2025.csv",
    ] {
        assert!(page.contains(words), "{words}: {page}");
    }
    // The export's free-text column never reaches the page.
    assert!(!page.contains("Anmält via appen"));
    // A resident or a school coordinator does not see it.
    assert_eq!(
        app.other_browser()
            .get(app.url("/evaluate/lagesbild"))
            .send()
            .await
            .expect("GET")
            .status(),
        303
    );

    crate::browser::sign_in_as(
        &browser,
        &app,
        "analys@kommun.example",
        trygg::accounts::Role::Evaluator,
        "/evaluate/lagesbild",
    )
    .await;
    for path in ["/evaluate/lagesbild", "/evaluate/lagesbild?lang=en"] {
        browser.goto(&app.url(path)).await;
        crate::axe::assert_no_violations(&browser, path).await;
    }
    browser.emulate_width(320).await;
    browser.goto(&app.url("/evaluate/lagesbild")).await;
    assert_eq!(browser.sideways_overflow().await, 0);
}
