//! The indicator page's charts as SVG files and their figures as CSV for Swedish Excel, and the
//! API's `?dialect=excel-sv`: published figures only, hidden cells as "..", never a number, and
//! nothing of an open wave.

use trygg::accounts::Role;
use trygg::collect::Access;

use crate::axe::assert_no_violations;
use crate::browser::{app_and_browser, sign_in_as};
use crate::db_tests;
use crate::helpers::TestApp;
use crate::indicators::run;
use crate::responses::{create_wave, post, synth_bodies};

db_tests!(
    charts_and_their_figures_download_with_hidden_cells_as_dots,
    the_api_csv_for_swedish_excel_is_asked_for_by_dialect,
);

const PAGE: &str = "/evaluate/indicators/resident-safety/unsafe_night";

/// The indicator page with its charts, hidden cells and notes: axe-clean in both languages, and
/// on a 320 px screen every chart fits and nothing scrolls sideways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_indicator_pages_charts_reflow_at_320_px_and_break_no_wcag_rule() {
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    run(&app.database_url, &["demo"]);
    sign_in_as(
        &browser,
        &app,
        "analys@kommun.example",
        Role::Evaluator,
        PAGE,
    )
    .await;
    let pages = [
        format!("{PAGE}?wave=trygghet-2023"),
        "/evaluate/indicators/school-drug-habits/vaping?lang=en".to_owned(),
        "/evaluate/indicators/school-drug-habits/vaping?lang=sv".to_owned(),
    ];
    for path in &pages {
        browser.goto(&app.url(path)).await;
        assert_no_violations(&browser, path).await;
    }
    browser.emulate_width(320).await;
    for path in &pages {
        browser.goto(&app.url(path)).await;
        let charts = browser
            .execute(
                "return [...document.querySelectorAll('svg.chart')].map(e => e.getBoundingClientRect().right);",
                &[],
            )
            .await;
        let rights: Vec<f64> = charts
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(serde_json::Value::as_f64)
            .collect();
        assert!(rights.len() >= 3, "{path}: {rights:?}");
        assert!(rights.iter().all(|r| *r <= 320.5), "{path}: {rights:?}");
        assert_eq!(browser.sideways_overflow().await, 0, "{path}");
    }
}

/// A Swedish Excel file read as Excel reads it: `;` between fields, the byte-order mark off.
pub fn excel_rows(text: &str) -> Vec<Vec<String>> {
    assert!(
        text.starts_with('\u{feff}'),
        "no byte-order mark: {text:.80}"
    );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(b';')
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader
        .records()
        .map(|r| r.expect("a record").iter().map(str::to_owned).collect())
        .collect()
}

/// The data rows (up to the empty row before the notes) as maps from header to cell.
fn table(rows: &[Vec<String>]) -> Vec<std::collections::HashMap<String, String>> {
    let header = &rows[0];
    rows[1..]
        .iter()
        .take_while(|r| r.len() == header.len())
        .map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

/// A number as Swedish Excel writes it: digits, at most one decimal comma, no sign.
fn swedish_decimal(cell: &str, max_decimals: usize) -> bool {
    let mut parts = cell.split(',');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next().unwrap_or("");
    parts.next().is_none()
        && !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && fraction.chars().all(|c| c.is_ascii_digit())
        && fraction.len() <= max_decimals
}

async fn download(app: &TestApp, path: &str, content_type: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(response.headers()["content-type"], content_type, "{path}");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap_or("")
            .starts_with("attachment; filename=\"resident-safety-unsafe_night-"),
        "{path}"
    );
    response.text().await.expect("body")
}

async fn charts_and_their_figures_download_with_hidden_cells_as_dots(app: TestApp) {
    run(&app.database_url, &["demo"]);
    // A wave still open, with answers: it publishes nothing.
    create_wave(&app, "resident-safety", "trygghet-2026", Access::Open).await;
    for b in synth_bodies("resident-safety", 12, 7) {
        assert_eq!(post(&app, "trygghet-2026", &b).await.0, 201);
    }
    // Signed-in evaluators only.
    let anonymous = app.other_browser();
    let response = anonymous
        .get(app.url(&format!("{PAGE}/chart.csv")))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 303);
    app.sign_in_as(Role::Evaluator).await;

    // The page links each chart's SVG and CSV, for the wave it shows.
    let page = app.get(PAGE).await.text().await.expect("page");
    for link in [
        "/chart.svg?wave=trygghet-2025",
        "/chart.csv?wave=trygghet-2025",
        "/by/district/chart.svg?wave=trygghet-2025",
        "/by/gender/chart.csv?wave=trygghet-2025",
    ] {
        assert!(page.contains(&format!("{PAGE}{link}")), "{link}");
    }
    assert!(!page.contains("trygghet-2026"), "the open wave on the page");

    // The series chart: from 0 %, labelled gridlines, the target with its value.
    let svg = download(
        &app,
        &format!("{PAGE}/chart.svg"),
        "image/svg+xml; charset=utf-8",
    )
    .await;
    assert!(svg.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""
    ));
    assert!(svg.contains(">0\u{a0}%</text>"), "{svg}");
    assert!(svg.matches("class=\"tick\"").count() >= 3, "{svg}");
    assert!(svg.contains(">Mål 15\u{a0}%</text>"), "{svg}");
    assert!(svg.contains("Källa: Trygghetsundersökning"), "{svg}");
    assert!(!svg.contains(">2026</text>"), "the open wave in the chart");

    // Its figures: one row per published wave, percent with one decimal, a change as its size
    // and its direction, then what the figures mean.
    let csv = download(
        &app,
        &format!("{PAGE}/chart.csv"),
        "text/csv; charset=utf-8",
    )
    .await;
    assert!(csv.contains("\r\n"));
    let rows = excel_rows(&csv);
    let series = table(&rows);
    let years: Vec<&str> = series.iter().map(|r| r["År"].as_str()).collect();
    assert_eq!(years, ["2022", "2023", "2024", "2025"]);
    for row in &series {
        assert!(swedish_decimal(&row["Andel (%)"], 1), "{row:?}");
        assert!(swedish_decimal(&row["Nedre gräns (95 %)"], 1), "{row:?}");
        let change = &row["Förändring från omgången före (procentenheter)"];
        assert!(change.is_empty() || swedish_decimal(change, 1), "{row:?}");
    }
    assert!(
        series
            .iter()
            .any(|r| ["ökning", "minskning"].contains(&r["Förändringens riktning"].as_str()))
    );
    let notes: Vec<&str> = rows
        .iter()
        .filter(|r| r.len() == 2)
        .map(|r| r[0].as_str())
        .collect();
    for heading in [
        "Fråga",
        "Svar som räknas",
        "Vilka som räknas",
        "Källa",
        "Metod",
        "Mål",
    ] {
        assert!(notes.contains(&heading), "{heading}: {notes:?}");
    }
    assert!(
        csv.contains("”Ganska otrygg” eller ”Mycket otrygg”"),
        "{csv}"
    );
    assert!(
        !csv.contains("trygghet-2026"),
        "the open wave in the figures"
    );

    // 2023 by district: Sjöviken was below k, so it is "..", in the file and in the chart.
    let by = format!("{PAGE}/by/district/chart");
    let rows = excel_rows(
        &download(
            &app,
            &format!("{by}.csv?wave=trygghet-2023"),
            "text/csv; charset=utf-8",
        )
        .await,
    );
    assert_eq!(rows[0][1], "Stadsdel", "the short label heads the column");
    let groups = table(&rows);
    assert_eq!(groups[0]["Stadsdel"], "Hela kommunen");
    assert!(
        swedish_decimal(&groups[0]["Andel (%)"], 1),
        "{:?}",
        groups[0]
    );
    let hidden: Vec<_> = groups
        .iter()
        .filter(|g| g["Anmärkning"].contains("dold"))
        .collect();
    assert!(!hidden.is_empty(), "{groups:?}");
    for g in &hidden {
        for column in [
            "n",
            "Andel (%)",
            "Medelfel",
            "Nedre gräns (95 %)",
            "Övre gräns (95 %)",
        ] {
            assert_eq!(g[column], "..", "{g:?}");
        }
    }
    let svg = download(
        &app,
        &format!("{by}.svg?wave=trygghet-2023"),
        "image/svg+xml; charset=utf-8",
    )
    .await;
    assert!(svg.contains("class=\"reference\""), "{svg}");
    assert!(svg.contains(">Hela kommunen "), "{svg}");
    assert!(svg.contains(">..</text>"), "{svg}");
    assert!(svg.contains(">0\u{a0}%</text>"), "{svg}");

    // The open wave: refused, no figure; an unknown wave or breakdown: not found.
    for path in [
        format!("{PAGE}/chart.csv?wave=trygghet-2026"),
        format!("{PAGE}/chart.svg?wave=trygghet-2026"),
        format!("{by}.csv?wave=trygghet-2026"),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 409, "{path}");
        let body = response.text().await.expect("body");
        assert!(body.contains("har inga publicerade siffror"), "{body}");
        assert!(!body.contains('%'), "{body}");
    }
    assert_eq!(
        app.get(&format!("{PAGE}/chart.csv?wave=finns-inte"))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get(&format!("{PAGE}/by/class/chart.csv"))
            .await
            .status(),
        404
    );

    // In English: the headers and the notes, still for Swedish Excel.
    let rows = excel_rows(
        &download(
            &app,
            &format!("{by}.csv?wave=trygghet-2023&lang=en"),
            "text/csv; charset=utf-8",
        )
        .await,
    );
    assert_eq!(rows[0][1], "District");
    assert_eq!(rows[0][3], "Share (%)");
}

async fn the_api_csv_for_swedish_excel_is_asked_for_by_dialect(app: TestApp) {
    run(&app.database_url, &["demo"]);
    app.sign_in_as(Role::Evaluator).await;
    let path = "/api/v1/waves/trygghet-2023/indicators";

    // By default the contract's CSV, as before.
    let plain = app
        .get(&format!("{path}?format=csv"))
        .await
        .text()
        .await
        .expect("csv");
    assert!(
        plain.starts_with("wave,period,indicator,priority_area,statistic,"),
        "{plain:.200}"
    );

    let response = app.get(&format!("{path}?dialect=excel-sv")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let rows = excel_rows(&response.text().await.expect("csv"));
    assert_eq!(
        &rows[0][..5],
        ["Omgång", "År", "Indikator", "Prioriterat område", "Mått"]
    );
    assert!(rows[0].contains(&"Stadsdel".to_owned()), "{:?}", rows[0]);
    let estimates = table(&rows);
    let json: serde_json::Value = app.get(path).await.json().await.expect("json");
    assert_eq!(
        estimates.len(),
        json["estimates"].as_array().map_or(0, Vec::len)
    );
    let night = estimates
        .iter()
        .find(|r| {
            r["Indikator"].starts_with("Andel som känner sig otrygga")
                && r["Stadsdel"].is_empty()
                && r["Kön"].is_empty()
                && r["Ålder"].is_empty()
        })
        .expect("the overall unsafe_night row");
    let overall = json["estimates"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|e| {
            e["indicator"] == "unsafe_night"
                && e["domain"].as_object().is_some_and(|d| d.is_empty())
        })
        .expect("in the JSON");
    let percent = overall["estimate"].as_f64().expect("estimate") * 100.0;
    assert_eq!(night["Värde"], format!("{percent:.1}").replace('.', ","));
    assert_eq!(night["Mått"], "andel i procent");
    // A hidden cell: ".." in every figure, never a number.
    let hidden = estimates
        .iter()
        .find(|r| r["Anmärkning"].contains("dold"))
        .expect("a hidden cell in 2023");
    assert_eq!(
        (hidden["n"].as_str(), hidden["Värde"].as_str()),
        ("..", "..")
    );
    // Groups by name.
    assert!(estimates.iter().any(|r| r["Stadsdel"] == "Sjöviken"));

    // The series and the areas too; English headers with lang=en.
    let series = app
        .get("/api/v1/surveys/resident-safety/indicators/unsafe_night/series?by=gender&format=csv&dialect=excel-sv&lang=en")
        .await
        .text()
        .await
        .expect("csv");
    let rows = excel_rows(&series);
    assert_eq!(rows[0][..2], ["Indicator", "Gender"]);
    assert!(rows[0].contains(&"Direction of the change".to_owned()));
    // (`lang=en` is remembered; `lang=sv` goes back.)
    let areas = app
        .get("/api/v1/areas?dialect=excel-sv&lang=sv")
        .await
        .text()
        .await
        .expect("csv");
    assert!(excel_rows(&areas)[0].contains(&"Trendens riktning".to_owned()));

    // Refused: a dialect that does not exist, and a dialect for JSON.
    for query in ["?format=csv&dialect=excel", "?format=json&dialect=excel-sv"] {
        let response = app.get(&format!("{path}{query}")).await;
        assert_eq!(response.status(), 400, "{query}");
    }
}
