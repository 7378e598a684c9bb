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

/// A fault-report export saved as XLSX (a date cell, a text date, a free-text column): read by
/// its first sheet's header, stored as the CSV's counts would be, once; a progress line on
/// stderr, and stdout as for a CSV.
async fn an_xlsx_fault_export_is_imported(app: TestApp) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Blad1").expect("name");
    let day = Format::new().set_num_format("yyyy-mm-dd");
    for (col, name) in ["Datum", "Ärendetyp", "Stadsdel", "Beskrivning"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, *name).expect("header");
    }
    let date = ExcelDateTime::from_ymd(2024, 7, 3).expect("date");
    sheet
        .write_datetime_with_format(1, 0, date, &day)
        .expect("date cell");
    sheet.write_string(2, 0, "2024-07-19").expect("text date");
    for row in 1..=2 {
        sheet.write_string(row, 1, "Klotter").expect("cell");
        sheet.write_string(row, 2, "Centrum").expect("cell");
    }
    sheet
        .write_string(1, 3, "Anna Andersson på Storgatan 3 ringde")
        .expect("cell");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("felanmalan.xlsx");
    std::fs::write(&file, book.save_to_buffer().expect("workbook")).expect("write");

    let output = import(&app, &file);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "felanmalan.xlsx (fault reports (one row per report)): 2 rows, 1 values stored, 0 already stored, 0 missing in the file; Källa: kommunens felanmälningar\n"
    );
    assert!(
        stderr.contains("sources import: done, 2 rows, 1 values stored in "),
        "{stderr}"
    );
    let counts = trygg::store::sources::values(&app.db, "felanmalan/")
        .await
        .expect("values");
    assert_eq!(
        counts
            .iter()
            .map(|v| (
                v.measure.as_str(),
                v.area.as_str(),
                v.period.as_str(),
                v.value
            ))
            .collect::<Vec<_>>(),
        [("felanmalan/klotter", "Centrum", "2024-07", 2.0)]
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
    let again = import(&app, &file);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("imported already"),
        "{again:?}"
    );

    // A workbook cut short: its name, exit 1, nothing stored.
    let bytes = std::fs::read(&file).expect("read");
    let broken = dir.path().join("trasig.xlsx");
    std::fs::write(&broken, &bytes[..bytes.len() / 2]).expect("write");
    let output = import(&app, &broken);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("trasig.xlsx: the file starts as an XLSX workbook"),
        "{stderr}"
    );
    assert_eq!(
        trygg::store::sources::imports(&app.db)
            .await
            .expect("imports")
            .len(),
        1
    );
}

db_tests!(an_xlsx_fault_export_is_imported);

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
        "Felanmälningarna gäller de tolv månaderna fram till och med december 2025",
        "<a href=\"/evaluate/lagesbild/districts/sjoviken\">Sjöviken</a>",
        "Prioriterade problem",
        "Trygghetsvandring, 20 maj 2025, Centrum",
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
    let pages = [
        "/evaluate/lagesbild",
        "/evaluate/lagesbild?lang=en",
        "/evaluate/lagesbild/districts/centrum",
        "/evaluate/lagesbild/import",
        "/evaluate/lagesbild/dialogues",
        "/evaluate/lagesbild/problems",
        "/evaluate/lagesbild/problems/1",
        "/evaluate/lagesbild/problems/1/edit",
    ];
    for path in pages {
        browser.goto(&app.url(path)).await;
        crate::axe::assert_no_violations(&browser, path).await;
    }
    browser.emulate_width(320).await;
    for path in pages {
        browser.goto(&app.url(path)).await;
        assert_eq!(browser.sideways_overflow().await, 0, "{path}");
    }
}

/// A stand-in for Kolada and SCB on loopback, answering with bodies of the real shapes: Kolada
/// in two pages (the first names the second in `next_url`), SCB a JSON-stat 2 dataset.
async fn public_apis() -> String {
    use axum::routing::{get, post};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let second = format!("{base}/v3/data/kpi/N07540/municipality/1481,0000/year/2024?page=2");
    let app = axum::Router::new()
        .route(
            "/v3/data/kpi/{kpis}/municipality/{codes}/year/{years}",
            get(move |axum::extract::RawQuery(q): axum::extract::RawQuery| {
                let second = second.clone();
                async move {
                    if q.as_deref() == Some("page=2") {
                        r#"{"values": [{"kpi": "N07540", "period": 2024, "municipality": "0000", "values": [{"gender": "T", "value": 13150.0}]}], "next_url": null}"#.to_owned()
                    } else {
                        format!(r#"{{"values": [{{"kpi": "N07540", "period": 2024, "municipality": "1481", "values": [{{"gender": "T", "value": 8320.0}}]}}], "next_url": "{second}"}}"#)
                    }
                }
            }),
        )
        .route(
            "/scb/BE/BE0101/BE0101A/BefolkningNy",
            post(|body: String| async move {
                assert!(body.contains("json-stat2") && body.contains("1481"), "{body}");
                r#"{"version": "2.0", "class": "dataset", "id": ["Region", "ContentsCode", "Tid"], "size": [1, 1, 2],
                    "role": {"geo": ["Region"], "time": ["Tid"], "metric": ["ContentsCode"]},
                    "dimension": {"Region": {"category": {"index": {"1481": 0}}},
                                  "ContentsCode": {"category": {"index": {"BE0101N1": 0}, "label": {"BE0101N1": "Folkmängd"}}},
                                  "Tid": {"category": {"index": {"2025": 1, "2024": 0}}}},
                    "value": [70123, 70877]}"#
            }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

fn fetch(app: &TestApp, args: &[&str]) -> std::process::Output {
    trygg()
        .args(["sources", "fetch"])
        .args(args)
        .arg("--database")
        .arg(&app.database_url)
        .arg("--surveys")
        .arg(surveys_dir())
        .env("TRYGG_MUNICIPALITY", "1481")
        .output()
        .expect("trygg sources fetch")
}

async fn kolada_and_scb_are_fetched_page_by_page_and_once(app: TestApp) {
    let base = public_apis().await;
    let kolada = [
        "kolada", "--kpi", "N07540", "--years", "2024", "--api", &base,
    ];
    let out = fetch(&app, &kolada);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.matches("1 values stored").count(),
        2,
        "two pages: {stdout}"
    );
    let values = trygg::store::sources::values(&app.db, "kolada/N07540")
        .await
        .expect("values");
    assert_eq!(
        values
            .iter()
            .map(|v| (v.area.as_str(), v.value))
            .collect::<Vec<_>>(),
        [("0000", 13150.0), ("1481", 8320.0)]
    );
    // Fetched again: the same answers, nothing stored twice.
    let again = fetch(&app, &kolada);
    assert_eq!(
        String::from_utf8_lossy(&again.stdout)
            .matches("nothing stored")
            .count(),
        2
    );

    let scb_base = format!("{base}/scb");
    let out = fetch(
        &app,
        &[
            "scb",
            "--table",
            "BE/BE0101/BE0101A/BefolkningNy",
            "--years",
            "2024-2025",
            "--api",
            &scb_base,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let people = trygg::store::sources::values(&app.db, "scb/BE0101N1")
        .await
        .expect("values");
    assert_eq!(
        people
            .iter()
            .map(|v| (v.period.as_str(), v.value))
            .collect::<Vec<_>>(),
        [("2024", 70123.0), ("2025", 70877.0)]
    );

    // Offline (nothing listens): a clear error, exit 1, nothing stored.
    let before = trygg::store::sources::imports(&app.db)
        .await
        .expect("imports")
        .len();
    let out = fetch(
        &app,
        &[
            "kolada",
            "--kpi",
            "N07403",
            "--years",
            "2024",
            "--api",
            "http://127.0.0.1:9",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot reach 127.0.0.1:9"), "{stderr}");
    assert_eq!(
        trygg::store::sources::imports(&app.db)
            .await
            .expect("imports")
            .len(),
        before
    );
}

db_tests!(kolada_and_scb_are_fetched_page_by_page_and_once);
